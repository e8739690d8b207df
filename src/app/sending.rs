//! Sending a form: the checks before, the send, cancelling, and what the answers do to the draft.

use std::sync::Arc;

use super::{Effect, Outcome, Overlay, ServerChange, State, Tag};
use crate::backend::Backend;
use crate::http::{Fetched, HttpError, Verdict, WriteOutcome, Written};
use crate::record::input_from_record;
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
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    if form.saving.is_some() {
        state.notify("Already sending; Esc cancels", false);
        return Vec::new();
    }
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
    if form.checking.is_some() {
        return Vec::new();
    }
    // First make sure nobody changed the contact since the draft began.
    let tag = state.tag();
    let form = state.form.as_mut().expect("checked above");
    let mut effects: Vec<Effect> = form.refreshing.take().map(|tag| Effect::Cancel { tag }).into_iter().collect();
    form.checking = Some(tag);
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
    let tag = state.tag();
    let form = state.form.as_mut().expect("checked above");
    let mut effects = Vec::new();
    // A fetch answering after the save would roll the form back to the version before it.
    if let Some(refreshing) = form.refreshing.take() {
        effects.push(Effect::Cancel { tag: refreshing });
    }
    form.saving = Some(tag);
    form.server_changed.clear();
    form.sent = form.draft.inputs().to_vec();
    form.outcome = None;
    let (id, contact_id) = (form.draft.loaded.update_id(&state.backend), form.draft.loaded.id.clone());
    effects.push(Effect::Save { tag, id, contact_id, body });
    super::history::note_send(state, tag);
    effects
}

/// Esc: cancels a check or send in flight, else leaves the form (asking first if changed).
pub(super) fn back(state: &mut State) -> Vec<Effect> {
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    if let Some(tag) = form.checking.take() {
        form.outcome = Some(Outcome::Cancelled);
        state.retrying = None;
        return vec![Effect::Cancel { tag }];
    }
    if let Some(tag) = form.saving.take() {
        // The request may already have reached the server: that is all rolo knows.
        form.outcome = Some(Outcome::cancelled_in_flight());
        let mut effects = vec![Effect::Cancel { tag }];
        effects.extend(super::history::on_outcome(state, tag, Verdict::Unknown, None));
        return effects;
    }
    if form.draft.is_dirty() {
        state.overlay = Some(Overlay::ConfirmDiscard { then_quit: false });
        return Vec::new();
    }
    let effects = form.cancel_all();
    state.form = None;
    super::restore::offer_rest(state);
    effects
}

/// A contact fetched for the open form: the pre-send check, or the refresh after opening.
pub(super) fn on_contact(state: &mut State, tag: Tag, result: Result<Fetched, HttpError>) -> Vec<Effect> {
    if state.form.as_ref().is_some_and(|f| f.checking == Some(tag)) {
        return super::conflict::on_checked(state, result);
    }
    let Some(form) = state.form.as_mut().filter(|f| f.refreshing == Some(tag)) else {
        return Vec::new();
    };
    form.refreshing = None;
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
            state.notify(format!("Could not fetch the latest version ({error}); showing the list's copy"), true);
        }
    }
    Vec::new()
}

/// The server's answer to a send, judged ([`WriteOutcome::decide`]): stored, the record
/// becomes the baseline and the draft is cleared; not stored, the server's errors go under
/// their fields; unknown, nothing changes. The draft is never lost.
pub(super) fn on_saved(state: &mut State, tag: Tag, written: Written) -> Vec<Effect> {
    let backend = Arc::clone(&state.backend);
    let Some(form) = state.form.as_mut().filter(|f| f.saving == Some(tag)) else {
        // A send the form no longer waits for (cancelled): its history entry says unknown.
        return super::history::on_outcome(state, tag, Verdict::Unknown, written.exchange().status)
            .into_iter()
            .collect();
    };
    form.saving = None;
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
                    ignored: input_from_record(&backend.fields[field], &contact.record) == *form.draft.original(field),
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
                    match field_for(&backend, &reported.field) {
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
    super::history::on_outcome(state, tag, outcome.verdict(), outcome.exchange().status).into_iter().collect()
}

fn mismatch(answered: &str, asked: &str) -> String {
    format!("The server answered with contact {answered}, not {asked}; the form keeps your values")
}

/// The form field a server's error names: `email`, `lists.0` (an item of `lists`), `body.email`.
fn field_for(backend: &Backend, name: &str) -> Option<usize> {
    backend
        .field_index(name)
        .or_else(|| name.split_once('.').and_then(|(head, _)| backend.field_index(head)))
        .or_else(|| name.rsplit_once('.').and_then(|(_, tail)| backend.field_index(tail)))
}
