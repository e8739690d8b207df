//! Someone else changed it first: before a write, the contact is fetched again and its version
//! compared with the one the draft started from. Their changes to fields the user did not touch
//! are taken; fields both changed are shown three ways (original, theirs, mine) for the user to
//! settle before anything is sent.

use super::keymap::Action;
use super::{Effect, FormMode, State};
use crate::http::{Fetched, HttpError};
use crate::record::{Contact, Input};

/// Which value of a conflicting field to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The value now on the server.
    Theirs,
    /// The user's value.
    Mine,
}

/// A field both sides changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The field's index.
    pub field: usize,
    /// Its value when the draft began.
    pub original: Input,
    /// Its value on the server now.
    pub theirs: Input,
    /// The user's value.
    pub mine: Input,
    /// What the user chose, if anything yet.
    pub choice: Option<Side>,
}

/// The conflicts of one send, and the one selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflicts {
    /// The conflicting fields.
    pub fields: Vec<Conflict>,
    /// The selected row.
    pub selected: usize,
}

/// The answer to the pre-send fetch: send, or stop for the user's choices.
pub(super) fn on_checked(state: &mut State, result: Result<Fetched, HttpError>) -> Vec<Effect> {
    let backend = std::sync::Arc::clone(&state.backend);
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    let id = form.draft.loaded.id.clone();
    let latest = match result {
        Ok(Fetched { contact: Some(contact), exchange }) if contact.id == id => {
            state.record_exchange(&exchange);
            contact
        }
        Ok(Fetched { exchange, .. }) => {
            state.record_exchange(&exchange);
            state.notify("Not sent: the check for changes got another contact back; your edits are kept", true);
            return Vec::new();
        }
        Err(error) => {
            state.record_exchange(error.exchange());
            let text = format!("Not sent: could not check for changes first ({error}); Ctrl-S tries again");
            state.notify(text, true);
            return Vec::new();
        }
    };
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    // Unchanged only when the record is the same; a version field alone can miss two writes
    // within its resolution, and a missing one proves nothing.
    let version = |record: &serde_json::Value| {
        backend.record.version.as_ref().and_then(|p| p.get(record)).map(|v| v.into_owned())
    };
    let unchanged =
        latest.record == form.draft.loaded.record && version(&latest.record) == version(&form.draft.loaded.record);
    if unchanged {
        return super::sending::send(state);
    }
    let fields = conflicts(&backend, &form.draft, &latest);
    // Take their version as the new baseline; the user's edits stay on top of it.
    form.draft.rebase(latest.clone());
    form.revalidate(&backend);
    state.list.replace(&backend, latest);
    if !form.draft.is_dirty() {
        // Every value is there already (an earlier send whose outcome was unknown went
        // through, or someone made the same change): the draft is done, nothing is sent.
        form.outcome = Some(super::Outcome::AlreadyStored);
        form.server_errors.clear();
        form.server_message = None;
        form.unplaced.clear();
        form.server_changed.clear();
        return Vec::new();
    }
    if fields.is_empty() {
        state.notify("Changed on the server meanwhile: their changes to other fields were kept", false);
        return super::sending::send(state);
    }
    // The choice comes first: a dropdown or key/value editor still open gives way to it.
    if let Some(form) = state.form.as_mut() {
        form.mode = FormMode::Settling(Conflicts { fields, selected: 0 });
    }
    Vec::new()
}

/// Fields the user changed that the server also changed, to a different value.
fn conflicts(backend: &crate::backend::Backend, draft: &crate::record::Draft, latest: &Contact) -> Vec<Conflict> {
    let same = |field: &crate::backend::Field, a: &Input, b: &Input| match (field.to_json(a), field.to_json(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    draft
        .changed()
        .filter_map(|i| {
            let field = &backend.fields[i];
            let theirs = field.input_from(&latest.record);
            let original = draft.original(i).clone();
            let mine = draft.input(i).clone();
            (!same(field, &theirs, &original) && !same(field, &theirs, &mine)).then_some(Conflict {
                field: i,
                original,
                theirs,
                mine,
                choice: None,
            })
        })
        .collect()
}

pub(super) fn on_key(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    let backend = std::sync::Arc::clone(&state.backend);
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    let mode = form.mode.take();
    let FormMode::Settling(mut conflicts) = mode else {
        form.mode = mode;
        return Vec::new();
    };
    let last = conflicts.fields.len().saturating_sub(1);
    let selected = conflicts.selected;
    match action {
        Some(Action::Up) => conflicts.selected = selected.saturating_sub(1),
        Some(Action::Down) => conflicts.selected = (selected + 1).min(last),
        Some(Action::KeepTheirs) => choose(&mut conflicts, Side::Theirs),
        Some(Action::KeepMine) => choose(&mut conflicts, Side::Mine),
        Some(Action::Quit) => {
            form.mode = FormMode::Settling(conflicts);
            return super::request_quit(state);
        }
        Some(Action::Close) => {
            apply(form, &backend, &conflicts);
            state.notify("Not sent. The form now starts from their version; your edits are kept", false);
            return Vec::new();
        }
        Some(Action::EditField) => {
            apply(form, &backend, &conflicts);
            if let Some(conflict) = conflicts.fields.get(selected) {
                form.focus_on(conflict.field);
            }
            return Vec::new();
        }
        Some(Action::SendResolved) => {
            if conflicts.fields.iter().all(|c| c.choice.is_some()) {
                apply(form, &backend, &conflicts);
                // Check again: the server may have moved on while the user was choosing.
                return super::sending::save(state);
            }
            state.notify("Choose theirs (t) or mine (m) for every field first", true);
        }
        _ => {}
    }
    if let Some(form) = state.form.as_mut() {
        form.mode = FormMode::Settling(conflicts);
    }
    Vec::new()
}

fn choose(conflicts: &mut Conflicts, side: Side) {
    if let Some(conflict) = conflicts.fields.get_mut(conflicts.selected) {
        conflict.choice = Some(side);
        conflicts.selected = (conflicts.selected + 1).min(conflicts.fields.len().saturating_sub(1));
    }
}

/// Puts the chosen values into the draft: "theirs" takes the server's value (no change left).
fn apply(form: &mut super::Form, backend: &crate::backend::Backend, conflicts: &Conflicts) {
    for conflict in &conflicts.fields {
        if conflict.choice == Some(Side::Theirs) {
            form.draft.set(conflict.field, conflict.theirs.clone());
        }
    }
    form.revalidate(backend);
}
