//! The change history in the app: the history screen (list, details), and preparing the
//! reverting change as a draft in the form. Each send's entry rides with the send in
//! [`super::Requests`] until its answer is recorded.
//! The file itself is [`crate::history`]; the event loop reads and writes it, off its own thread.

use std::sync::Arc;

use super::keymap::Action;
use super::{Effect, Form, Overlay, Purpose, State};
use crate::history::{HistoryEntry, Loaded};
use crate::http::{Fetched, HttpError};

/// The history as the app knows it: what the screen shows. Sends awaiting their answer carry
/// their entries in [`super::Requests`].
#[derive(Debug, Default)]
pub struct HistoryView {
    /// The entries read when the screen opened, newest first.
    pub entries: Vec<HistoryEntry>,
    /// Lines of the file that could not be read.
    pub skipped: usize,
    /// Why the history could not be read.
    pub error: Option<String>,
}

/// `H` in the list: opens the history screen and reads the file.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let tag = state.requests.issue(Purpose::HistoryRead);
    state.history.error = None;
    state.overlay = Some(Overlay::History { selected: 0, detail: false });
    vec![Effect::LoadHistory { tag }]
}

/// The file was read.
pub(super) fn on_loaded(state: &mut State, result: Result<Loaded, String>) -> Vec<Effect> {
    let view = &mut state.history;
    match result {
        Ok(loaded) => {
            view.entries = loaded.entries.into_iter().rev().collect();
            view.skipped = loaded.skipped;
            view.error = None;
        }
        Err(error) => {
            view.entries.clear();
            view.error = Some(error);
        }
    }
    Vec::new()
}

/// Keys on the history screen.
pub(super) fn on_key(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    let Some(Overlay::History { selected, detail }) = state.overlay else { return Vec::new() };
    let last = state.history.entries.len().saturating_sub(1);
    let set = |state: &mut State, selected: usize, detail: bool| {
        state.overlay = Some(Overlay::History { selected, detail });
    };
    match action {
        Some(Action::Up) => set(state, selected.saturating_sub(1), detail),
        Some(Action::Down) => set(state, (selected + 1).min(last), detail),
        Some(Action::PageUp) => set(state, selected.saturating_sub(10), detail),
        Some(Action::PageDown) => set(state, (selected + 10).min(last), detail),
        Some(Action::Details) if !state.history.entries.is_empty() => set(state, selected, !detail),
        Some(Action::Close) if detail => set(state, selected, false),
        Some(Action::Close) => {
            state.overlay = None;
            return state.requests.cancel(|p| *p == Purpose::HistoryRead);
        }
        Some(Action::Revert) => return revert(state, selected),
        Some(Action::Quit) => return super::request_quit(state),
        _ => {}
    }
    Vec::new()
}

/// `r`: fetches the entry's contact, then opens its form with the old values as a draft.
fn revert(state: &mut State, selected: usize) -> Vec<Effect> {
    let Some(entry) = state.history.entries.get(selected).cloned() else { return Vec::new() };
    if state.session.read_only {
        state.notify("read-only profile: reverting a change is refused", true);
        return Vec::new();
    }
    if entry.backend != state.backend.name {
        state.notify(format!("This change was made through {}, not {}", entry.backend, state.backend.name), true);
        return Vec::new();
    }
    if entry.changes.is_empty() {
        state.notify("This entry changed no field: nothing to revert", false);
        return Vec::new();
    }
    // A revert asked for earlier and not yet answered gives way to this one.
    let mut effects = state.requests.cancel(|p| matches!(p, Purpose::HistoryRevert { .. }));
    let id = entry.contact_id.clone();
    state.notify(format!("Fetching {} to prepare the revert…", entry.title), false);
    let tag = state.requests.issue(Purpose::HistoryRevert { entry: Box::new(entry) });
    state.overlay = None;
    effects.push(Effect::LoadContact { tag, id });
    effects
}

/// The contact for reverting `entry` arrived: its form opens with each changed field set back.
pub(super) fn on_contact(state: &mut State, entry: HistoryEntry, result: Result<Fetched, HttpError>) -> Vec<Effect> {
    let backend = Arc::clone(&state.backend);
    let fetched = match result {
        Ok(fetched) => fetched,
        Err(error) => {
            state.record_exchange(error.exchange());
            state.notify(format!("Could not fetch {} to revert: {error}", entry.title), true);
            return Vec::new();
        }
    };
    state.record_exchange(&fetched.exchange);
    let Some(contact) = fetched.contact.filter(|c| c.id == entry.contact_id) else {
        state.notify(format!("The server did not answer with contact {}", entry.contact_id), true);
        return Vec::new();
    };
    if state.form.is_some() {
        state.notify("Close the open form first, then revert", true);
        return Vec::new();
    }
    state.list.replace(&backend, contact.clone());
    // Opened without a refresh: the contact was fetched just now.
    let mut form = Form::open(&backend, contact.clone());
    let mut missing = Vec::new();
    for change in &entry.changes {
        let Some(index) = backend.fields.iter().position(|f| f.key.as_str() == change.field) else {
            missing.push(change.label.clone());
            continue;
        };
        let field = &backend.fields[index];
        // The old value, placed where records carry it, read back as the form would.
        let mut record = contact.record.clone();
        if field.read_path().set(&mut record, change.before.clone()).is_err() {
            missing.push(change.label.clone());
            continue;
        }
        form.set_input(&backend, index, field.input_from(&record));
    }
    let first = form.draft.changed().next();
    match first {
        Some(first) => form.focus_on(first),
        None => form.sync_editor(),
    }
    let changed = form.draft.changed().count();
    state.form = Some(form);
    let mut text = if changed == 0 {
        format!("{} already has the values from before this change: nothing to send", entry.title)
    } else {
        format!("Revert prepared for {}: {changed} field(s) set back; review, then Ctrl-S sends", entry.title)
    };
    if !missing.is_empty() {
        text.push_str(&format!(" (not in the form: {})", missing.join(", ")));
    }
    state.notify(text, false);
    Vec::new()
}
