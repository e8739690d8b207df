//! What a key press means where it was pressed: an action from the keymap, or text for the
//! text boxes. `update` works this out once per key and hands it down; nothing below it sees
//! the terminal's key event.

use super::Action;

/// A key as a text box edits with it: a character, Backspace, ←, Home…, with Ctrl, Alt and
/// Shift. Text boxes get this, never the terminal's key event.
pub type TextInput = ratatui_textarea::Input;

/// The character `input` types, if it types one (Ctrl and Alt combinations do not).
pub fn typed_char(input: &TextInput) -> Option<char> {
    match input.key {
        ratatui_textarea::Key::Char(c) if !input.ctrl && !input.alt => Some(c),
        _ => None,
    }
}

/// What one key press means where it was pressed, worked out once at the top of `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Press {
    /// A key bound here to an action, or a command chosen by name in the palette.
    Action(Action),
    /// A key no binding claims here: typing or editing in a text box, or type-to-jump.
    Text(TextInput),
}

impl Press {
    /// The action, when the press is one.
    pub fn action(&self) -> Option<Action> {
        match self {
            Press::Action(action) => Some(*action),
            Press::Text(_) => None,
        }
    }

    /// The character typed, if the press types one.
    pub fn typed_char(&self) -> Option<char> {
        match self {
            Press::Text(input) => typed_char(input),
            Press::Action(_) => None,
        }
    }

    /// True for Backspace typed in a text box.
    pub fn is_backspace(&self) -> bool {
        matches!(self, Press::Text(TextInput { key: ratatui_textarea::Key::Backspace, .. }))
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;

    #[test]
    fn a_text_press_types_only_plain_characters() {
        let press = |code, mods| Press::Text(TextInput::from(KeyEvent::new(code, mods)));
        assert_eq!(press(KeyCode::Char('é'), KeyModifiers::NONE).typed_char(), Some('é'));
        assert_eq!(press(KeyCode::Char('G'), KeyModifiers::SHIFT).typed_char(), Some('G'));
        assert_eq!(press(KeyCode::Char('a'), KeyModifiers::CONTROL).typed_char(), None);
        assert_eq!(press(KeyCode::Char('a'), KeyModifiers::ALT).typed_char(), None);
        assert!(press(KeyCode::Backspace, KeyModifiers::NONE).is_backspace());
        assert_eq!(Press::Action(Action::Save).typed_char(), None, "an action types nothing");
    }
}
