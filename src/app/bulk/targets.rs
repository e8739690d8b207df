//! The marked contacts a bulk edit works on. The list keeps only what it shows, so when bulk
//! edit opens each marked contact is fetched, one after the other, while the user picks the
//! field and the value; the preview is written once every one has come or failed.

use super::*;

/// A marked contact as bulk edit knows it.
#[derive(Debug, Clone)]
pub enum Target {
    /// Asked for (or about to be); the preview waits for it.
    Loading { id: String },
    /// As the server had it when bulk edit opened.
    Loaded(Contact),
    /// Could not be fetched; the send fetches it again anyway.
    Failed { id: String, error: String },
}

impl Target {
    /// The contact's id.
    pub fn id(&self) -> &str {
        match self {
            Target::Loading { id } | Target::Failed { id, .. } => id,
            Target::Loaded(contact) => &contact.id,
        }
    }

    /// How the contact is named on the bulk screen.
    pub fn title(&self, backend: &Backend) -> String {
        match self {
            Target::Loaded(contact) => contact.title(backend),
            Target::Loading { id } | Target::Failed { id, .. } => format!("contact {id}"),
        }
    }
}

/// How many targets have come or failed, and how many there are.
pub fn fetched(targets: &[Target]) -> (usize, usize) {
    (targets.iter().filter(|t| !matches!(t, Target::Loading { .. })).count(), targets.len())
}

/// Asks for the next marked contact not yet fetched, unless one is on its way.
pub(super) fn load_next(state: &mut State) -> Vec<Effect> {
    if state.requests.any(|p| matches!(p, Purpose::BulkLoad { .. })) {
        return Vec::new();
    }
    let Some(edit) = edit_of(&state.overlay) else { return Vec::new() };
    let Some(Target::Loading { id }) = edit.targets.iter().find(|t| matches!(t, Target::Loading { .. })) else {
        return Vec::new();
    };
    let id = id.clone();
    let tag = state.requests.issue(Purpose::BulkLoad { contact_id: id.clone() });
    vec![Effect::LoadContact { tag, id }]
}

/// A marked contact arrived (or did not): it takes its place, the next is asked for, and the
/// preview is written if it was waiting for this one.
pub(in crate::app) fn on_loaded(
    state: &mut State,
    contact_id: &str,
    result: Result<Fetched, HttpError>,
) -> Vec<Effect> {
    let target = match result {
        Ok(Fetched { contact: Some(contact), exchange }) if contact.id == contact_id => {
            state.record_exchange(&exchange);
            Target::Loaded(contact)
        }
        Ok(Fetched { contact, exchange }) => {
            state.record_exchange(&exchange);
            let error = match contact {
                Some(other) => format!("the server answered with contact {}", other.id),
                None => "the answer held no contact".to_string(),
            };
            Target::Failed { id: contact_id.to_string(), error }
        }
        Err(error) => {
            state.record_exchange(error.exchange());
            Target::Failed { id: contact_id.to_string(), error: error.to_string() }
        }
    };
    let Some(edit) = edit_mut(&mut state.overlay) else { return Vec::new() };
    if let Some(slot) = edit.targets.iter_mut().find(|t| matches!(t, Target::Loading { id } if id == contact_id)) {
        *slot = target;
    }
    let mut effects = load_next(state);
    if edit_of(&state.overlay).is_some_and(|edit| edit.step == Step::Preview && edit.preview.is_empty()) {
        effects.extend(super::write_preview(state));
    }
    effects
}
