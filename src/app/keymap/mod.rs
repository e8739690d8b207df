//! What keys mean: the screens (`Context`), the actions, and every binding declared once as
//! data ([`BINDINGS`], in `table.rs`). The help screen, the hints and the palette are built
//! from that table, so they cannot drift from what the keys do; a key is resolved against it
//! once, into a [`Press`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod custom;
mod press;
mod table;

pub use custom::{Bound, KeyError, Keymap, KeymapError, parse_key};
pub use press::{Press, TextInput, typed_char};
pub use table::{BINDINGS, Binding};

/// Where the user is; the same key can mean different things in different places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The contact list.
    List,
    /// Typing a filter in the list.
    Filter,
    /// The form.
    Form,
    /// An open dropdown in the form.
    Dropdown,
    /// The key/value editor of a form field.
    KeyValue,
    /// The help or raw-response screen.
    Viewer,
    /// A yes/no question.
    Confirm,
    /// Drafts left by an earlier run, offered for restoring.
    Restore,
    /// Fields someone else changed too, before a send.
    Conflict,
    /// The request about to be sent.
    Preview,
    /// Typing a search into the help screen.
    Search,
    /// The command palette.
    Palette,
    /// The change history.
    History,
    /// Bulk edit: choosing a field or a value from a list.
    BulkPick,
    /// Bulk edit: typing the value.
    BulkText,
    /// Bulk edit: the requests before sending.
    BulkPreview,
    /// Bulk edit: sending and the results.
    BulkResults,
}

impl Context {
    /// Heading for this context on the help screen.
    pub fn title(self) -> &'static str {
        match self {
            Context::List => "Contact list",
            Context::Filter => "Filter",
            Context::Form => "Form",
            Context::Dropdown => "Dropdown",
            Context::KeyValue => "Key/value editor",
            Context::Viewer => "Help and raw response",
            Context::Confirm => "Questions",
            Context::Restore => "Restoring drafts",
            Context::Conflict => "Conflicts before sending",
            Context::Preview => "Preview before sending",
            Context::Search => "Searching the help",
            Context::Palette => "Command palette",
            Context::History => "Change history",
            Context::BulkPick => "Bulk edit: choosing",
            Context::BulkText => "Bulk edit: typing the value",
            Context::BulkPreview => "Bulk edit: preview",
            Context::BulkResults => "Bulk edit: sending and results",
        }
    }

    /// The context's name in `[keys]`: `list`, `form`, `key_value`…
    pub fn name(self) -> &'static str {
        match self {
            Context::List => "list",
            Context::Filter => "filter",
            Context::Form => "form",
            Context::Dropdown => "dropdown",
            Context::KeyValue => "key_value",
            Context::Viewer => "viewer",
            Context::Confirm => "confirm",
            Context::Restore => "restore",
            Context::Conflict => "conflict",
            Context::Preview => "preview",
            Context::Search => "search",
            Context::Palette => "palette",
            Context::History => "history",
            Context::BulkPick => "bulk_pick",
            Context::BulkText => "bulk_text",
            Context::BulkPreview => "bulk_preview",
            Context::BulkResults => "bulk_results",
        }
    }

    /// All contexts, in help-screen order.
    pub const ALL: [Context; 17] = [
        Context::List,
        Context::Filter,
        Context::Form,
        Context::Dropdown,
        Context::KeyValue,
        Context::Viewer,
        Context::Confirm,
        Context::Restore,
        Context::Conflict,
        Context::Preview,
        Context::Search,
        Context::Palette,
        Context::History,
        Context::BulkPick,
        Context::BulkText,
        Context::BulkPreview,
        Context::BulkResults,
    ];
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    RawResponse,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    StartFilter,
    ClearFilter,
    AcceptFilter,
    Reload,
    NextField,
    PrevField,
    Activate,
    Save,
    SetNull,
    Back,
    AddEntry,
    DeleteEntry,
    CycleType,
    SwitchColumn,
    Restore,
    Discard,
    Later,
    KeepTheirs,
    KeepMine,
    EditField,
    SendResolved,
    Choose,
    Close,
    Yes,
    No,
    Preview,
    Undo,
    Redo,
    RevertField,
    Palette,
    Search,
    EditExternally,
    OpenHistory,
    Revert,
    Details,
    ToggleMark,
    ClearMarks,
    OpenBulk,
    SendAll,
    Retry,
    Stop,
    Suspend,
}

impl Action {
    /// Every action, for `[keys]` and the command palette.
    pub const ALL: [Action; 52] = [
        Action::Quit,
        Action::Help,
        Action::RawResponse,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::StartFilter,
        Action::ClearFilter,
        Action::AcceptFilter,
        Action::Reload,
        Action::NextField,
        Action::PrevField,
        Action::Activate,
        Action::Save,
        Action::SetNull,
        Action::Back,
        Action::AddEntry,
        Action::DeleteEntry,
        Action::CycleType,
        Action::SwitchColumn,
        Action::Restore,
        Action::Discard,
        Action::Later,
        Action::KeepTheirs,
        Action::KeepMine,
        Action::EditField,
        Action::SendResolved,
        Action::Choose,
        Action::Close,
        Action::Yes,
        Action::No,
        Action::Preview,
        Action::Undo,
        Action::Redo,
        Action::RevertField,
        Action::Palette,
        Action::Search,
        Action::EditExternally,
        Action::OpenHistory,
        Action::Revert,
        Action::Details,
        Action::ToggleMark,
        Action::ClearMarks,
        Action::OpenBulk,
        Action::SendAll,
        Action::Retry,
        Action::Stop,
        Action::Suspend,
    ];

    /// The action's name in `[keys]` and the palette: `save`, `next_field`…
    pub fn name(self) -> String {
        let mut name = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        }
        name
    }

    /// What the action does, for help and hints.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::RawResponse => "raw response",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first",
            Action::Bottom => "last",
            Action::Open => "open contact",
            Action::StartFilter => "filter",
            Action::ClearFilter => "clear filter (or cancel loading)",
            Action::AcceptFilter => "keep filter, back to list",
            Action::Reload => "reload list",
            Action::NextField => "next field",
            Action::PrevField => "previous field",
            Action::Activate => "open dropdown / toggle",
            Action::Save => "send",
            Action::SetNull => "set to null (nullable fields)",
            Action::AddEntry => "add entry",
            Action::DeleteEntry => "delete entry",
            Action::CycleType => "change value type",
            Action::SwitchColumn => "key ↔ value",
            Action::Restore => "restore this draft",
            Action::Discard => "discard this draft",
            Action::Later => "decide later (drafts stay on disk)",
            Action::KeepTheirs => "keep theirs",
            Action::KeepMine => "keep mine",
            Action::EditField => "edit this field",
            Action::SendResolved => "send with these choices",
            Action::Back => "back / cancel send",
            Action::Choose => "choose",
            Action::Close => "close",
            Action::Yes => "yes",
            Action::No => "no",
            Action::Preview => "preview the request",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::RevertField => "revert field to loaded value",
            Action::Palette => "command palette",
            Action::Search => "search",
            Action::EditExternally => "edit the draft in $EDITOR",
            Action::OpenHistory => "change history",
            Action::Revert => "revert: prepare the old values as a draft",
            Action::Details => "details: before → after",
            Action::ToggleMark => "mark / unmark (for bulk edit)",
            Action::ClearMarks => "clear all marks",
            Action::OpenBulk => "bulk edit the marked contacts",
            Action::SendAll => "send to every contact",
            Action::Retry => "retry the failures",
            Action::Stop => "stop sending / close",
            Action::Suspend => "suspend to the shell (fg resumes)",
        }
    }
}

/// One key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl, Shift, Alt.
    pub mods: KeyModifiers,
}

impl Key {
    /// The key as the help screen writes it: `Ctrl-S`, `Shift-Tab`, `↑`.
    pub fn label(&self) -> String {
        match self.code {
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        }
    }

    /// True when `event` is this key (Shift is ignored for characters, which carry their case).
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        match (self.code, event.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b && (event.modifiers & relevant) == self.mods,
            (KeyCode::BackTab, KeyCode::BackTab) => true,
            (a, b) => a == b && (event.modifiers & (relevant | KeyModifiers::SHIFT)) == self.mods,
        }
    }
}

/// Type-to-jump in a list of choices: `typed` grows by `c` and `find` looks for the first
/// choice starting with it. With `restart`, a key that matches nothing starts a new search;
/// without it, nothing is chosen, so a stray key never picks a value.
pub fn jump(typed: &mut String, c: char, restart: bool, find: impl Fn(&str) -> Option<usize>) -> Option<usize> {
    typed.push(c);
    if let Some(found) = find(typed) {
        return Some(found);
    }
    *typed = if restart { c.to_string() } else { String::new() };
    if restart { find(typed) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for context in Context::ALL {
            let keys: Vec<&Key> = BINDINGS.iter().filter(|b| b.context == context).flat_map(|b| b.keys).collect();
            for (i, a) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(a), "{a:?} bound twice in {context:?}");
            }
        }
    }

    #[test]
    fn ctrl_z_suspends_everywhere_and_ctrl_u_undoes_in_the_form() {
        let keymap = Keymap::default();
        let ctrl_z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
        for context in Context::ALL {
            assert_eq!(keymap.action_for(context, &ctrl_z), Some(Action::Suspend), "{context:?}");
        }
        let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(keymap.action_for(Context::Form, &ctrl_u), Some(Action::Undo));
    }

    #[test]
    fn ctrl_keys_and_plain_characters_are_told_apart() {
        let save = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        let keymap = Keymap::default();
        assert_eq!(keymap.action_for(Context::Form, &save), Some(Action::Save));
        let plain_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE);
        assert_eq!(keymap.action_for(Context::Form, &plain_s), None);
        let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(keymap.action_for(Context::List, &shifted_g), Some(Action::Bottom));
    }

    #[test]
    fn every_bound_action_has_a_name_the_config_can_use() {
        for binding in BINDINGS {
            assert!(Action::ALL.contains(&binding.action), "{:?} missing from Action::ALL", binding.action);
            assert_eq!(Action::ALL.into_iter().find(|a| a.name() == binding.action.name()), Some(binding.action));
        }
        assert_eq!(Action::NextField.name(), "next_field");
    }
}
