//! The change history in the app: noting each send so its answer is recorded, the history
//! screen (list, details), and preparing the reverting change as a draft in the form.
//! The file itself is [`crate::history`]; the event loop reads and writes it, off its own thread.

use std::collections::HashMap;
use std::sync::Arc;

use super::keymap::Action;
use super::{Effect, Form, Overlay, State, Tag};
use crate::history::{HistoryEntry, Loaded};
use crate::http::{Fetched, HttpError, Verdict};
use crate::record::input_from_record;

/// The history as the app knows it: what the screen shows, and sends awaiting their answer.
#[derive(Debug, Default)]
pub struct HistoryView {
    /// The entries read when the screen opened, newest first.
    pub entries: Vec<HistoryEntry>,
    /// Lines of the file that could not be read.
    pub skipped: usize,
    /// The read in flight.
    pub loading: Option<Tag>,
    /// Why the history could not be read.
    pub error: Option<String>,
    /// Sends in flight, with what they change, recorded once answered.
    pub(super) pending: HashMap<Tag, HistoryEntry>,
    /// The contact being fetched to prepare a revert, and the entry to revert.
    pub(super) reverting: Option<(Tag, HistoryEntry)>,
}

/// Notes the form's send `tag`, so its answer is recorded.
pub(super) fn note_send(state: &mut State, tag: Tag) {
    if let Some(form) = &state.form {
        let entry = HistoryEntry::of(&form.draft, &state.session.profile);
        state.history.pending.insert(tag, entry);
    }
}

/// Notes a send of `entry` made under `tag` (bulk edit).
pub(super) fn note_entry(state: &mut State, tag: Tag, entry: HistoryEntry) {
    state.history.pending.insert(tag, entry);
}

/// The effect recording the outcome of send `tag`, if that send was noted.
pub(super) fn on_outcome(state: &mut State, tag: Tag, outcome: Verdict, status: Option<u16>) -> Option<Effect> {
    let entry = state.history.pending.remove(&tag)?;
    Some(Effect::RecordHistory(entry.answered(status, outcome)))
}

/// On quitting: every send still in flight is abandoned, and it may have reached the server,
/// so each is recorded as unknown.
pub(super) fn abandon_all(state: &mut State) -> Vec<Effect> {
    let mut pending: Vec<(Tag, HistoryEntry)> = state.history.pending.drain().collect();
    pending.sort_by_key(|(tag, _)| *tag);
    pending.into_iter().map(|(_, entry)| Effect::RecordHistory(entry.answered(None, Verdict::Unknown))).collect()
}

/// True when `tag` is the fetch for a revert.
pub(super) fn owns_contact(state: &State, tag: Tag) -> bool {
    state.history.reverting.as_ref().is_some_and(|(t, _)| *t == tag)
}

/// `H` in the list: opens the history screen and reads the file.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let tag = state.tag();
    let view = &mut state.history;
    view.loading = Some(tag);
    view.error = None;
    state.overlay = Some(Overlay::History { selected: 0, detail: false });
    vec![Effect::LoadHistory { tag }]
}

/// The file was read.
pub(super) fn on_loaded(state: &mut State, tag: Tag, result: Result<Loaded, String>) -> Vec<Effect> {
    let view = &mut state.history;
    if view.loading != Some(tag) {
        return Vec::new();
    }
    view.loading = None;
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
    let Some(Overlay::History { selected, detail }) = state.overlay.clone() else { return Vec::new() };
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
            let effects = state.history.loading.take().map(|tag| Effect::Cancel { tag });
            return effects.into_iter().collect();
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
    let tag = state.tag();
    let id = entry.contact_id.clone();
    state.notify(format!("Fetching {} to prepare the revert…", entry.title), false);
    state.history.reverting = Some((tag, entry));
    state.overlay = None;
    vec![Effect::LoadContact { tag, id }]
}

/// The contact for a revert arrived: its form opens with each changed field set back.
pub(super) fn on_contact(state: &mut State, result: Result<Fetched, HttpError>) -> Vec<Effect> {
    let Some((_, entry)) = state.history.reverting.take() else { return Vec::new() };
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
    let mut form = Form::open(&backend, contact.clone(), 0);
    form.refreshing = None;
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
        form.set_input(&backend, index, input_from_record(field, &record));
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
