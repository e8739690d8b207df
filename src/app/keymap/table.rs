//! The default key bindings, one row per context, key and action: the table the help screen,
//! the hints and the palette are built from, and that the user's `[keys]` override.

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Action, Context, Key};

pub(super) const fn plain(code: KeyCode) -> Key {
    Key { code, mods: KeyModifiers::NONE }
}

pub(super) const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

pub(super) const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
}

/// A row of the keymap: in `context`, any of `keys` does `action`.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// Where the binding applies.
    pub context: Context,
    /// The keys, the first shown in hints.
    pub keys: &'static [Key],
    /// What they do.
    pub action: Action,
    /// Shown in the one-line key hints at the bottom.
    pub hint: bool,
}

const fn bind(context: Context, keys: &'static [Key], action: Action, hint: bool) -> Binding {
    Binding { context, keys, action, hint }
}

use Action as A;
use Context as C;

/// The whole keymap.
pub const BINDINGS: &[Binding] = &[
    bind(C::List, &[plain(KeyCode::Enter)], A::Open, true),
    bind(C::List, &[ch('/')], A::StartFilter, true),
    bind(C::List, &[plain(KeyCode::Up), ch('k')], A::Up, false),
    bind(C::List, &[plain(KeyCode::Down), ch('j')], A::Down, false),
    bind(C::List, &[plain(KeyCode::PageUp), ctrl('b')], A::PageUp, false),
    bind(C::List, &[plain(KeyCode::PageDown), ctrl('f')], A::PageDown, false),
    bind(C::List, &[plain(KeyCode::Home), ch('g')], A::Top, false),
    bind(C::List, &[plain(KeyCode::End), ch('G')], A::Bottom, false),
    bind(C::List, &[plain(KeyCode::Esc)], A::ClearFilter, false),
    bind(C::List, &[ch('r')], A::Reload, true),
    bind(C::List, &[ctrl('r')], A::RawResponse, true),
    bind(C::List, &[ch('?'), plain(KeyCode::F(1))], A::Help, true),
    bind(C::List, &[ch('q'), ctrl('c')], A::Quit, true),
    bind(C::List, &[ch(':'), ctrl('p')], A::Palette, true),
    bind(C::Filter, &[plain(KeyCode::Enter)], A::AcceptFilter, true),
    bind(C::Filter, &[ctrl('c')], A::Quit, false),
    bind(C::Filter, &[plain(KeyCode::Esc)], A::ClearFilter, true),
    bind(C::Filter, &[plain(KeyCode::Up)], A::Up, false),
    bind(C::Filter, &[plain(KeyCode::Down)], A::Down, false),
    bind(C::Filter, &[plain(KeyCode::PageUp)], A::PageUp, false),
    bind(C::Filter, &[plain(KeyCode::PageDown)], A::PageDown, false),
    bind(C::Form, &[ctrl('s')], A::Save, true),
    bind(C::Form, &[plain(KeyCode::Tab), plain(KeyCode::Down)], A::NextField, true),
    bind(C::Form, &[plain(KeyCode::BackTab), plain(KeyCode::Up)], A::PrevField, false),
    bind(C::Form, &[plain(KeyCode::PageDown)], A::PageDown, false),
    bind(C::Form, &[plain(KeyCode::PageUp)], A::PageUp, false),
    bind(C::Form, &[plain(KeyCode::Enter), ch(' ')], A::Activate, false),
    bind(C::Form, &[ctrl('n')], A::SetNull, false),
    bind(C::Form, &[ctrl('r')], A::RawResponse, true),
    bind(C::Form, &[plain(KeyCode::Esc)], A::Back, true),
    bind(C::Form, &[plain(KeyCode::F(1))], A::Help, true),
    bind(C::Form, &[ctrl('d')], A::Preview, true),
    bind(C::Form, &[ctrl('p')], A::Palette, true),
    bind(C::Form, &[ctrl('u')], A::Undo, false),
    bind(C::Form, &[ctrl('y')], A::Redo, false),
    bind(C::Form, &[ctrl('g')], A::RevertField, false),
    bind(C::Form, &[ctrl('c')], A::Quit, false),
    bind(C::Dropdown, &[plain(KeyCode::Enter)], A::Choose, true),
    bind(C::Dropdown, &[plain(KeyCode::Up)], A::Up, false),
    bind(C::Dropdown, &[plain(KeyCode::Down)], A::Down, false),
    bind(C::Dropdown, &[plain(KeyCode::PageUp)], A::PageUp, false),
    bind(C::Dropdown, &[plain(KeyCode::PageDown)], A::PageDown, false),
    bind(C::Dropdown, &[plain(KeyCode::Esc)], A::Close, true),
    bind(C::Dropdown, &[ctrl('c')], A::Quit, false),
    bind(C::KeyValue, &[plain(KeyCode::Up)], A::Up, false),
    bind(C::KeyValue, &[plain(KeyCode::Down)], A::Down, false),
    bind(C::KeyValue, &[plain(KeyCode::Tab), plain(KeyCode::BackTab)], A::SwitchColumn, true),
    bind(C::KeyValue, &[ctrl('a')], A::AddEntry, true),
    bind(C::KeyValue, &[ctrl('d')], A::DeleteEntry, true),
    bind(C::KeyValue, &[ctrl('t')], A::CycleType, true),
    bind(C::KeyValue, &[plain(KeyCode::Esc), plain(KeyCode::Enter)], A::Close, true),
    bind(C::KeyValue, &[ctrl('c')], A::Quit, false),
    bind(C::Viewer, &[plain(KeyCode::Up), ch('k')], A::Up, false),
    bind(C::Viewer, &[plain(KeyCode::Down), ch('j')], A::Down, false),
    bind(C::Viewer, &[plain(KeyCode::PageUp)], A::PageUp, false),
    bind(C::Viewer, &[plain(KeyCode::PageDown), ch(' ')], A::PageDown, false),
    bind(C::Viewer, &[plain(KeyCode::Esc), ch('q'), ch('?'), plain(KeyCode::F(1))], A::Close, true),
    bind(C::Viewer, &[ch('/')], A::Search, true),
    bind(C::Viewer, &[ctrl('c')], A::Quit, false),
    // Only an explicit `y` throws edits away; Enter, habitual in the form, keeps them.
    bind(C::Confirm, &[ch('y')], A::Yes, true),
    bind(C::Confirm, &[ch('n'), plain(KeyCode::Esc), plain(KeyCode::Enter)], A::No, true),
    bind(C::Confirm, &[ctrl('c')], A::Quit, false),
    bind(C::Restore, &[plain(KeyCode::Enter)], A::Restore, true),
    bind(C::Restore, &[ch('d')], A::Discard, true),
    bind(C::Restore, &[plain(KeyCode::Up), ch('k')], A::Up, false),
    bind(C::Restore, &[plain(KeyCode::Down), ch('j')], A::Down, false),
    bind(C::Restore, &[plain(KeyCode::Esc)], A::Later, true),
    bind(C::Restore, &[ctrl('c')], A::Quit, false),
    bind(C::Conflict, &[ch('t')], A::KeepTheirs, true),
    bind(C::Conflict, &[ch('m')], A::KeepMine, true),
    bind(C::Conflict, &[ch('e')], A::EditField, true),
    bind(C::Conflict, &[plain(KeyCode::Enter)], A::SendResolved, true),
    bind(C::Conflict, &[plain(KeyCode::Up), ch('k')], A::Up, false),
    bind(C::Conflict, &[plain(KeyCode::Down), ch('j')], A::Down, false),
    bind(C::Conflict, &[plain(KeyCode::Esc)], A::Close, true),
    bind(C::Conflict, &[ctrl('c')], A::Quit, false),
    bind(C::Preview, &[plain(KeyCode::Enter), ctrl('s')], A::Save, true),
    bind(C::Preview, &[plain(KeyCode::Up), ch('k')], A::Up, false),
    bind(C::Preview, &[plain(KeyCode::Down), ch('j')], A::Down, false),
    bind(C::Preview, &[plain(KeyCode::PageUp)], A::PageUp, false),
    bind(C::Preview, &[plain(KeyCode::PageDown), ch(' ')], A::PageDown, false),
    bind(C::Preview, &[plain(KeyCode::Esc)], A::Close, true),
    bind(C::Preview, &[ctrl('c')], A::Quit, false),
    bind(C::Search, &[plain(KeyCode::Esc)], A::ClearFilter, true),
    bind(C::Search, &[plain(KeyCode::Up)], A::Up, false),
    bind(C::Search, &[plain(KeyCode::Down)], A::Down, false),
    bind(C::Search, &[ctrl('c')], A::Quit, false),
    bind(C::Palette, &[plain(KeyCode::Enter)], A::Choose, true),
    bind(C::Palette, &[plain(KeyCode::Up), ctrl('k')], A::Up, false),
    bind(C::Palette, &[plain(KeyCode::Down), ctrl('j')], A::Down, false),
    bind(C::Palette, &[plain(KeyCode::Esc)], A::Close, true),
    bind(C::Palette, &[ctrl('c')], A::Quit, false),
    bind(C::Form, &[ctrl('o')], A::EditExternally, false),
    bind(C::List, &[ch('H')], A::OpenHistory, false),
    bind(C::History, &[plain(KeyCode::Up), ch('k')], A::Up, false),
    bind(C::History, &[plain(KeyCode::Down), ch('j')], A::Down, false),
    bind(C::History, &[plain(KeyCode::PageUp)], A::PageUp, false),
    bind(C::History, &[plain(KeyCode::PageDown)], A::PageDown, false),
    bind(C::History, &[plain(KeyCode::Enter)], A::Details, true),
    bind(C::History, &[ch('r')], A::Revert, true),
    bind(C::History, &[plain(KeyCode::Esc)], A::Close, true),
    bind(C::History, &[ctrl('c')], A::Quit, false),
    bind(C::List, &[ch(' ')], A::ToggleMark, false),
    bind(C::List, &[ch('u')], A::ClearMarks, false),
    bind(C::List, &[ch('B')], A::OpenBulk, false),
    bind(C::BulkPick, &[plain(KeyCode::Enter)], A::Choose, true),
    bind(C::BulkPick, &[plain(KeyCode::Up)], A::Up, false),
    bind(C::BulkPick, &[plain(KeyCode::Down)], A::Down, false),
    bind(C::BulkPick, &[plain(KeyCode::PageUp)], A::PageUp, false),
    bind(C::BulkPick, &[plain(KeyCode::PageDown)], A::PageDown, false),
    bind(C::BulkPick, &[plain(KeyCode::Esc)], A::Back, true),
    bind(C::BulkPick, &[ctrl('c')], A::Quit, false),
    bind(C::BulkText, &[plain(KeyCode::Enter)], A::Choose, true),
    bind(C::BulkText, &[plain(KeyCode::Esc)], A::Back, true),
    bind(C::BulkText, &[ctrl('c')], A::Quit, false),
    bind(C::BulkPreview, &[plain(KeyCode::Enter), ch('y')], A::SendAll, true),
    bind(C::BulkPreview, &[plain(KeyCode::Up), ch('k')], A::Up, false),
    bind(C::BulkPreview, &[plain(KeyCode::Down), ch('j')], A::Down, false),
    bind(C::BulkPreview, &[plain(KeyCode::PageUp)], A::PageUp, false),
    bind(C::BulkPreview, &[plain(KeyCode::PageDown)], A::PageDown, false),
    bind(C::BulkPreview, &[plain(KeyCode::Esc)], A::Back, true),
    bind(C::BulkPreview, &[ctrl('c')], A::Quit, false),
    bind(C::BulkResults, &[ch('r')], A::Retry, true),
    bind(C::BulkResults, &[plain(KeyCode::Up), ch('k')], A::Up, false),
    bind(C::BulkResults, &[plain(KeyCode::Down), ch('j')], A::Down, false),
    bind(C::BulkResults, &[plain(KeyCode::Esc)], A::Stop, true),
    bind(C::BulkResults, &[ctrl('c')], A::Quit, false),
    // Ctrl-Z suspends everywhere, as in other terminal tools (`fg` brings rolo back).
    bind(C::List, &[ctrl('z')], A::Suspend, false),
    bind(C::Filter, &[ctrl('z')], A::Suspend, false),
    bind(C::Form, &[ctrl('z')], A::Suspend, false),
    bind(C::Dropdown, &[ctrl('z')], A::Suspend, false),
    bind(C::KeyValue, &[ctrl('z')], A::Suspend, false),
    bind(C::Viewer, &[ctrl('z')], A::Suspend, false),
    bind(C::Confirm, &[ctrl('z')], A::Suspend, false),
    bind(C::Restore, &[ctrl('z')], A::Suspend, false),
    bind(C::Conflict, &[ctrl('z')], A::Suspend, false),
    bind(C::Preview, &[ctrl('z')], A::Suspend, false),
    bind(C::Search, &[ctrl('z')], A::Suspend, false),
    bind(C::Palette, &[ctrl('z')], A::Suspend, false),
    bind(C::History, &[ctrl('z')], A::Suspend, false),
    bind(C::BulkPick, &[ctrl('z')], A::Suspend, false),
    bind(C::BulkText, &[ctrl('z')], A::Suspend, false),
    bind(C::BulkPreview, &[ctrl('z')], A::Suspend, false),
    bind(C::BulkResults, &[ctrl('z')], A::Suspend, false),
];
