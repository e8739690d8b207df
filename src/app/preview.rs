//! "What exactly will be sent?": the request rolo is about to make, and every field whose sent
//! value differs from the record as received (compared as JSON, so nothing that flips is left
//! out). From here the user sends, or goes back to the form.

use super::keymap::Action;
use super::{Effect, Overlay, State};
use crate::http::Outgoing;
use crate::record::Difference;

/// A request shown before it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// Method, URL (secret redacted) and body.
    pub outgoing: Outgoing,
    /// Every field whose value in the body differs from the record as received.
    pub changes: Vec<Difference>,
    /// First line shown.
    pub scroll: u16,
}

/// Opens the preview of the open form's update, or explains why there is nothing to show.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    if let Some(first) = form.errors.first().map(|e| e.field) {
        form.outcome = form.invalid_outcome();
        form.focus_on(first);
        return Vec::new();
    }
    if !form.draft.is_dirty() {
        state.notify("Nothing to send: no field has changed", false);
        return Vec::new();
    }
    let body = match form.draft.body() {
        Ok(body) => body,
        Err((field, message)) => {
            form.focus_on(field);
            state.notify(format!("Not sendable: {message}"), true);
            return Vec::new();
        }
    };
    let draft = &form.draft;
    let changes = draft.differences(&body);
    let id = draft.loaded.update_id(&state.backend);
    let outgoing = state.describe_update(&id, body);
    state.overlay = Some(Overlay::Preview(Preview { outgoing, changes, scroll: 0 }));
    Vec::new()
}

/// Keys on the preview: send, scroll, or back to the form.
pub(super) fn on_key(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    let Some(Overlay::Preview(Preview { scroll, .. })) = &mut state.overlay else { return Vec::new() };
    match action {
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        Some(Action::Down) => *scroll = scroll.saturating_add(1),
        Some(Action::PageUp) => *scroll = scroll.saturating_sub(10),
        Some(Action::PageDown) => *scroll = scroll.saturating_add(10),
        Some(Action::Close) => state.overlay = None,
        Some(Action::Save) => {
            state.overlay = None;
            return super::sending::save_now(state);
        }
        Some(Action::Quit) => return super::request_quit(state),
        _ => {}
    }
    Vec::new()
}
