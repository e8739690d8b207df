//! Sending a bulk edit: one contact at a time, fetched fresh, checked, sent; results and retries.

use super::*;
use crate::app::requests::record;
use crate::http::Verdict;

/// Enter or `y` in the preview: sends, one contact at a time.
pub(in crate::app) fn start_sending(state: &mut State) -> Vec<Effect> {
    if state.session.read_only {
        state.notify("read-only profile: bulk edit is refused", true);
        return Vec::new();
    }
    let backend = Arc::clone(&state.backend);
    let Some(edit) = edit_mut(&mut state.overlay) else { return Vec::new() };
    edit.items = edit
        .targets
        .iter()
        .map(|target| Item {
            contact_id: target.id().to_string(),
            title: target.title(&backend),
            status: ItemStatus::Waiting,
            draft: None,
            kept: false,
        })
        .collect();
    edit.stopping = false;
    edit.scroll = 0;
    edit.step = Step::Results;
    launch_next(state)
}

/// Starts the next waiting contact, unless one is in flight or the run was stopped.
fn launch_next(state: &mut State) -> Vec<Effect> {
    let Some(edit) = edit_mut(&mut state.overlay) else { return Vec::new() };
    if edit.stopping || state.requests.any(Purpose::is_bulk) {
        return Vec::new();
    }
    let Some(item) = edit.items.iter_mut().find(|i| i.status == ItemStatus::Waiting) else {
        return finished(state);
    };
    let contact_id = item.contact_id.clone();
    item.status = ItemStatus::Fetching;
    let tag = state.requests.issue(Purpose::BulkFetch { contact_id: contact_id.clone() });
    vec![Effect::LoadContact { tag, id: contact_id }]
}

/// Every contact has been tried: says how it went, and unmarks the stored ones.
fn finished(state: &mut State) -> Vec<Effect> {
    let Some(edit) = edit_of(&state.overlay) else { return Vec::new() };
    let failed = edit.items.iter().filter(|i| i.is_retryable()).count();
    let unknown = edit.items.iter().filter(|i| matches!(i.status, ItemStatus::Unknown(_))).count();
    let done: Vec<String> = edit.items.iter().filter(|i| !i.is_retryable()).map(|i| i.contact_id.clone()).collect();
    let total = edit.items.len();
    for id in done {
        state.bulk.marks.remove(&id);
    }
    if failed == 0 {
        state.notify(format!("Bulk edit done: {total} of {total} contacts stored"), false);
    } else {
        let key = state.keymap.key_for(Context::BulkResults, Action::Retry);
        let text = if unknown == 0 {
            format!("{failed} of {total} contacts not stored; {key} retries them")
        } else {
            format!(
                "{failed} of {total} contacts not known to be stored ({unknown} unknown: the change may have been \
                 applied); {key} checks each one first and sends only where the value is not there"
            )
        };
        state.notify(text, true);
    }
    Vec::new()
}

/// Contact `contact_id` fetched fresh: builds its draft, checks it, and sends it.
pub(in crate::app) fn on_contact(
    state: &mut State,
    contact_id: &str,
    result: Result<Fetched, HttpError>,
) -> Vec<Effect> {
    let backend = Arc::clone(&state.backend);
    let profile = state.session.profile.clone();
    let Some(edit) = edit_mut(&mut state.overlay) else { return Vec::new() };
    let (Some(index), Some(input)) = (edit.field, edit.input.clone()) else { return Vec::new() };
    let fetching = |i: &&mut Item| i.contact_id == contact_id && i.status == ItemStatus::Fetching;
    let Some(item) = edit.items.iter_mut().find(fetching) else {
        return Vec::new();
    };
    let fetched = match result {
        Ok(fetched) => fetched,
        Err(error) => {
            item.status = ItemStatus::NotStored(format!("fetching it failed: {}", one_line(&error)));
            state.record_exchange(error.exchange());
            return launch_next(state);
        }
    };
    let mut effects = Vec::new();
    match fetched.contact.filter(|c| c.id == item.contact_id) {
        None => item.status = ItemStatus::NotStored("the server did not answer with this contact".into()),
        Some(contact) => {
            state.list.replace(&backend, contact.clone());
            let draft = draft_for(&backend, contact.clone(), index, &input);
            if !draft.is_dirty() {
                // Already there (an earlier send whose outcome was unknown went through):
                // nothing to send, and a draft kept for it is done.
                item.status = ItemStatus::Unchanged;
                item.draft = None;
                if std::mem::take(&mut item.kept) {
                    effects.push(Effect::DropDraft { contact_id: item.contact_id.clone() });
                }
            } else if let Some(problem) = problem(&backend, &draft) {
                item.status = ItemStatus::NotStored(problem);
                item.draft = Some(draft);
                effects.extend(item.keep(&state.restorable));
            } else {
                match draft.body() {
                    Err((_, message)) => {
                        item.status = ItemStatus::NotStored(format!("not sent: {message}"));
                        item.draft = Some(draft);
                    }
                    Ok(body) => {
                        item.status = ItemStatus::Sending;
                        let entry = Box::new(HistoryEntry::of(&draft, &profile));
                        item.draft = Some(draft);
                        let (id, contact_id) = (contact.update_id(&backend), contact.id.clone());
                        let save = Purpose::BulkSave { contact_id: contact_id.clone(), entry };
                        let tag = state.requests.issue(save);
                        effects.push(Effect::Save { tag, id, contact_id, body });
                        state.record_exchange(&fetched.exchange);
                        return effects;
                    }
                }
            }
        }
    }
    state.record_exchange(&fetched.exchange);
    effects.extend(launch_next(state));
    effects
}

/// The answer to contact `contact_id`'s update, judged as the form judges it; `entry` is its
/// history entry, recorded with the outcome.
pub(in crate::app) fn on_saved(
    state: &mut State,
    contact_id: &str,
    entry: HistoryEntry,
    written: Written,
) -> Vec<Effect> {
    let backend = Arc::clone(&state.backend);
    // No bulk edit waits for it any more: its history entry says unknown.
    let unknown = |entry, written: Written| vec![record(entry, Verdict::Unknown, written.exchange().status)];
    let Some(edit) = edit_mut(&mut state.overlay) else { return unknown(entry, written) };
    let sending = |i: &&mut Item| i.contact_id == contact_id && i.status == ItemStatus::Sending;
    let Some(item) = edit.items.iter_mut().find(sending) else { return unknown(entry, written) };
    let Some(draft) = item.draft.as_ref() else { return unknown(entry, written) };
    let outcome = WriteOutcome::decide(draft, draft.inputs(), written);
    let mut effects = Vec::new();
    match &outcome {
        WriteOutcome::Stored { contact, .. } => {
            let mut text = outcome.summary();
            if let Some(note) = outcome.differences_note() {
                text.push_str(&format!("; {note}"));
            }
            item.status = ItemStatus::Stored(text);
            item.draft = None;
            if std::mem::take(&mut item.kept) {
                effects.push(Effect::DropDraft { contact_id: item.contact_id.clone() });
            }
            state.list.replace(&backend, contact.clone());
        }
        WriteOutcome::NotStored { error } => {
            item.status = ItemStatus::NotStored(one_line(error));
            effects.extend(item.keep(&state.restorable));
        }
        WriteOutcome::Unknown { why, .. } => {
            // Kept like a refused one; a retry fetches the contact first and finds the value
            // there ("Already stored") or sends it again.
            item.status = ItemStatus::Unknown(why.replace('\n', " "));
            effects.extend(item.keep(&state.restorable));
        }
    }
    state.record_exchange(outcome.exchange());
    effects.push(record(entry, outcome.verdict(), outcome.exchange().status));
    effects.extend(launch_next(state));
    effects
}

/// An error on one line, with the fields a 422 names.
fn one_line(error: &HttpError) -> String {
    match error {
        // The fields the server names say more than its summary.
        HttpError::Status { status, field_errors, .. } if !field_errors.is_empty() => {
            let named: Vec<String> = field_errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            format!("{status}: {}", named.join("; "))
        }
        _ => error.to_string().replace('\n', " "),
    }
}

/// `r` in the results: sends the failed and stopped contacts again.
pub(in crate::app) fn retry(state: &mut State) -> Vec<Effect> {
    if state.session.read_only {
        state.notify("read-only profile: bulk edit is refused", true);
        return Vec::new();
    }
    let in_flight = state.requests.any(Purpose::is_bulk);
    let Some(edit) = edit_mut(&mut state.overlay) else { return Vec::new() };
    if in_flight {
        state.notify("Still sending; wait for the run to finish", false);
        return Vec::new();
    }
    let mut count = 0;
    for item in edit.items.iter_mut().filter(|i| i.is_retryable()) {
        item.status = ItemStatus::Waiting;
        count += 1;
    }
    if count == 0 {
        state.notify("Nothing to retry: every contact was stored", false);
        return Vec::new();
    }
    edit.stopping = false;
    launch_next(state)
}

/// Esc in the results: stops launching new sends (those in flight finish), or closes.
pub(in crate::app) fn stop_or_close(state: &mut State) -> Vec<Effect> {
    let in_flight = state.requests.any(Purpose::is_bulk);
    let Some(edit) = edit_mut(&mut state.overlay) else { return Vec::new() };
    if in_flight && !edit.stopping {
        edit.stopping = true;
        for item in edit.items.iter_mut().filter(|i| i.status == ItemStatus::Waiting) {
            item.status = ItemStatus::Stopped;
        }
        state.notify("Stopping: the request in flight finishes, no new one starts", false);
        return Vec::new();
    }
    if in_flight {
        return Vec::new();
    }
    state.overlay = None;
    Vec::new()
}

/// The body as one line, for the preview.
pub fn compact(body: &Value) -> String {
    serde_json::to_string(body).unwrap_or_default()
}
