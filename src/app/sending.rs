//! Sending a form: the checks before, the send, cancelling, and what the answers do to the draft.

use std::sync::Arc;

use super::requests::record;
use super::{Effect, Outcome, Overlay, Purpose, ServerChange, State};
use crate::history::HistoryEntry;
use crate::http::{Fetched, HttpError, Verdict, WriteOutcome, Written};
use crate::validate::{FieldError, validate};

/// Ctrl-S: the preview first when the user asked for one before every send, else [`save_now`].
pub(super) fn save(state: &mut State) -> Vec<Effect> {
    if refuse_if_read_only(state) {
        return Vec::new();
    }
    if state.preview_first {
        return super::preview::open(state);
    }
    save_now(state)
}

/// Refuses an invalid or unchanged draft, else first fetches the contact again to check
/// nobody else changed it (the answer goes to `conflict::on_checked`).
pub(super) fn save_now(state: &mut State) -> Vec<Effect> {
    if refuse_if_read_only(state) {
        return Vec::new();
    }
    if state.form.is_none() {
        return Vec::new();
    }
    if state.requests.any(|p| matches!(p, Purpose::FormSave { .. })) {
        state.notify("Already sending; Esc cancels", false);
        return Vec::new();
    }
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    if let Some(first) = form.errors.first().map(|e| e.field) {
        form.outcome = form.invalid_outcome();
        form.focus = first;
        form.sync_editor();
        return Vec::new();
    }
    if !form.draft.is_dirty() {
        state.notify("Nothing to send: no field has changed", false);
        return Vec::new();
    }
    if state.requests.any(|p| *p == Purpose::FormConflictCheck) {
        return Vec::new();
    }
    // First make sure nobody changed the contact since the draft began.
    let tag = state.requests.issue(Purpose::FormConflictCheck);
    let mut effects = state.requests.cancel(|p| *p == Purpose::FormRefresh);
    let form = state.form.as_mut().expect("checked above");
    form.outcome = None;
    effects.push(Effect::LoadContact { tag, id: form.draft.loaded.id.clone() });
    effects
}

/// The message every refused write shows in a read-only session.
pub const READ_ONLY: &str =
    "Read-only: nothing is sent (read_only = true in the profile, or --read-only). Your edits stay on screen";

/// True (with a notice) when the session may not write.
pub(super) fn refuse_if_read_only(state: &mut State) -> bool {
    if state.session.read_only {
        state.notify(READ_ONLY, true);
    }
    state.session.read_only
}

/// Sends the draft as it is (validated, and checked for conflicts where the backend can).
pub(super) fn send(state: &mut State) -> Vec<Effect> {
    if refuse_if_read_only(state) {
        return Vec::new();
    }
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    let body = match form.draft.body() {
        Ok(body) => body,
        Err((field, message)) => {
            form.focus = field;
            form.sync_editor();
            state.notify(format!("Not sent: {message}"), true);
            return Vec::new();
        }
    };
    // Its answer is recorded in the history, whatever it is.
    let entry = Box::new(HistoryEntry::of(&form.draft, &state.session.profile));
    let tag = state.requests.issue(Purpose::FormSave { entry });
    // A fetch answering after the save would roll the form back to the version before it.
    let mut effects = state.requests.cancel(|p| *p == Purpose::FormRefresh);
    let form = state.form.as_mut().expect("checked above");
    form.server_changed.clear();
    form.sent = form.draft.inputs().to_vec();
    form.outcome = None;
    let (id, contact_id) = (form.draft.loaded.update_id(&state.backend), form.draft.loaded.id.clone());
    effects.push(Effect::Save { tag, id, contact_id, body });
    effects
}

/// Esc: cancels a check or send in flight, else leaves the form (asking first if changed).
pub(super) fn back(state: &mut State) -> Vec<Effect> {
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    if state.requests.any(|p| *p == Purpose::FormConflictCheck) {
        form.outcome = Some(Outcome::Cancelled);
        state.retrying = None;
        return state.requests.cancel(|p| *p == Purpose::FormConflictCheck);
    }
    if state.requests.any(|p| matches!(p, Purpose::FormSave { .. })) {
        // The request may already have reached the server: that is all rolo knows, and what
        // its history entry says.
        form.outcome = Some(Outcome::cancelled_in_flight());
        return state.requests.cancel(|p| matches!(p, Purpose::FormSave { .. }));
    }
    if form.draft.is_dirty() {
        state.overlay = Some(Overlay::ConfirmDiscard { then_quit: false });
        return Vec::new();
    }
    let effects = state.requests.cancel(Purpose::is_form);
    state.form = None;
    super::restore::offer_rest(state);
    effects
}

/// The open form's contact, fetched again after opening: taken as the baseline while nothing
/// is edited.
pub(super) fn on_refreshed(state: &mut State, result: Result<Fetched, HttpError>) -> Vec<Effect> {
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    match result {
        Ok(Fetched { contact, exchange }) => {
            match contact {
                // Edits already made keep the version they were made against, so the check
                // before sending can still see what someone else changed since.
                Some(contact) if contact.id == form.draft.loaded.id && !form.draft.is_dirty() => {
                    form.draft.rebase(contact.clone());
                    form.errors = validate(&state.backend, &form.draft);
                    form.sync_editor();
                    form.reload_entries();
                    state.list.replace(&state.backend, contact);
                }
                Some(contact) if contact.id == form.draft.loaded.id => state.list.replace(&state.backend, contact),
                Some(other) => {
                    let text = mismatch(&other.id, &form.draft.loaded.id);
                    state.notify(text, true);
                }
                None => {}
            }
            state.record_exchange(&exchange);
        }
        Err(error) => {
            state.record_exchange(error.exchange());
            state.notify(
                format!(
                    "Could not fetch the latest version ({error}); the form shows the version the draft began from"
                ),
                true,
            );
        }
    }
    Vec::new()
}

/// The server's answer to a send, judged ([`WriteOutcome::decide`]): stored, the record
/// becomes the baseline and the draft is cleared; not stored, the server's errors go under
/// their fields; unknown, nothing changes. The draft is never lost.
/// `entry` is the send's history entry, recorded with the outcome.
pub(super) fn on_saved(state: &mut State, entry: HistoryEntry, written: Written) -> Vec<Effect> {
    let backend = Arc::clone(&state.backend);
    let Some(form) = state.form.as_mut() else {
        // A send no form waits for any more: its history entry says unknown.
        return vec![record(entry, Verdict::Unknown, written.exchange().status)];
    };
    let sent = std::mem::take(&mut form.sent);
    let outcome = WriteOutcome::decide(&form.draft, &sent, written);
    form.outcome = Some(Outcome::sent(&outcome));
    match &outcome {
        WriteOutcome::Stored { contact, differences, .. } => {
            form.server_errors.clear();
            form.server_message = None;
            form.unplaced.clear();
            form.server_changed = differences
                .iter()
                .map(|&field| ServerChange {
                    field,
                    sent: sent[field].clone(),
                    ignored: backend.fields[field].input_from(&contact.record) == *form.draft.original(field),
                })
                .collect();
            form.draft.saved(contact.clone(), &sent);
            form.errors = validate(&backend, &form.draft);
            form.sync_editor();
            form.reload_entries();
            state.list.replace(&backend, contact.clone());
        }
        WriteOutcome::NotStored { error } => {
            form.server_errors.clear();
            form.unplaced.clear();
            form.server_message = None;
            if let HttpError::Status { message, field_errors, .. } = error {
                form.server_message = message.clone();
                for reported in field_errors {
                    match backend.field_for_error(&reported.field) {
                        Some(field) => form.server_errors.push(FieldError { field, message: reported.message.clone() }),
                        None => form.unplaced.push(reported.clone()),
                    }
                }
            }
        }
        // The draft stays as it is: the next Ctrl-S fetches the contact first and tells
        // whether the values are already there.
        WriteOutcome::Unknown { .. } => {}
    }
    state.record_exchange(outcome.exchange());
    vec![record(entry, outcome.verdict(), outcome.exchange().status)]
}

fn mismatch(answered: &str, asked: &str) -> String {
    format!("The server answered with contact {answered}, not {asked}; the form keeps your values")
}
