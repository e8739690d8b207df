//! Offering the drafts an earlier run left unsent: restore one into its form, discard it, or
//! leave them all on disk for later. Files that cannot be restored are only named.

use super::keymap::Action;
use super::{Effect, Form, Overlay, Purpose, State};
use crate::journal::{Offered, Unreadable};

pub(super) fn on_key(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    let Some(Overlay::Restore { selected }) = state.overlay else { return Vec::new() };
    let last = state.restorable.len().saturating_sub(1);
    match action {
        Some(Action::Up) => state.overlay = Some(Overlay::Restore { selected: selected.saturating_sub(1) }),
        Some(Action::Down) => state.overlay = Some(Overlay::Restore { selected: (selected + 1).min(last) }),
        Some(Action::Later) => state.overlay = None,
        Some(Action::Quit) => return super::request_quit(state),
        Some(Action::Discard) if selected < state.restorable.len() => {
            let offered = state.restorable.remove(selected);
            state.overlay = None;
            offer_rest(state);
            state.notify(format!("Discarded the draft for {}", offered.draft.title), false);
            return vec![Effect::DiscardDraft { file: offered.file }];
        }
        Some(Action::Restore) if selected < state.restorable.len() => {
            let saved = state.restorable.remove(selected);
            state.overlay = None;
            return open_restored(state, saved);
        }
        _ => {}
    }
    Vec::new()
}

/// Opens the form with a stored draft's edits, and fetches the latest version to lay them over.
/// The draft becomes this run's: written under its name before the old file goes.
pub(super) fn open_restored(state: &mut State, offered: Offered) -> Vec<Effect> {
    let saved = &offered.draft;
    let Some(draft) = saved.restore(&state.backend) else {
        let reason = "holds no record with an id, so it cannot be opened".to_string();
        state.notify(
            format!("The draft for {} has no usable record; kept on disk at {}", saved.title, offered.file.display()),
            true,
        );
        state.unreadable_drafts.push(Unreadable { file: offered.file, reason });
        return Vec::new();
    };
    let tag = state.requests.issue(Purpose::FormRefresh);
    let id = draft.loaded.id.clone();
    let mut form = Form::open(&state.backend, draft.loaded.clone());
    form.restore(&state.backend, draft);
    state.form = Some(form);
    state.notify(format!("Restored your unsent draft for {}: review it, then Ctrl-S sends", saved.title), false);
    vec![Effect::AdoptDraft { draft: offered.draft, file: offered.file }, Effect::LoadContact { tag, id }]
}

/// Shows the restore question again while drafts remain and no form is open.
pub(super) fn offer_rest(state: &mut State) {
    if state.form.is_none() && state.overlay.is_none() && !state.restorable.is_empty() {
        state.overlay = Some(Overlay::Restore { selected: 0 });
    }
}
