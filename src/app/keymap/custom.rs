//! The keymap in use: the defaults from [`BINDINGS`], with the user's `[keys]` on top, and
//! the key names the config file uses (`ctrl-s`, `shift-tab`, `f2`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Action, BINDINGS, Context, Key};

/// A mistake in the user's `[keys]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    /// `screen.action` names no screen.
    #[error("unknown screen `{name}`; one of: {}", screen_names())]
    UnknownScreen {
        /// The screen as written.
        name: String,
    },
    /// The entry names no action.
    #[error("`{entry}`: unknown action `{action}`")]
    UnknownAction {
        /// The entry, as written.
        entry: String,
        /// The action part of it.
        action: String,
    },
    /// One of the entry's keys cannot be read.
    #[error("`{entry}`: {error}")]
    BadKey {
        /// The entry, as written.
        entry: String,
        /// What is wrong with the key.
        error: KeyError,
    },
    /// The screen named has no such action.
    #[error("`{entry}`: {screen} has no such action")]
    NotOnScreen {
        /// The entry, as written.
        entry: String,
        /// The screen's title (`no screen` when none has the action).
        screen: &'static str,
    },
    /// Two actions of one screen would share a key.
    #[error("{} is bound to both `{}` and `{}` in {}", key.label(), first.name(), second.name(), screen.title())]
    Clash {
        /// The shared key.
        key: Key,
        /// The action listed first.
        first: Action,
        /// The other action.
        second: Action,
        /// Where both apply.
        screen: Context,
    },
}

impl KeymapError {
    /// The `[keys]` entry the mistake is in, when one is named.
    pub fn entry(&self) -> Option<&str> {
        match self {
            KeymapError::UnknownAction { entry, .. }
            | KeymapError::BadKey { entry, .. }
            | KeymapError::NotOnScreen { entry, .. } => Some(entry),
            KeymapError::UnknownScreen { .. } | KeymapError::Clash { .. } => None,
        }
    }
}

/// A key name that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A modifier other than ctrl, alt, shift.
    #[error("key `{key}`: unknown modifier `{modifier}` (ctrl, alt, shift)")]
    UnknownModifier {
        /// The key as written.
        key: String,
        /// The modifier as read.
        modifier: String,
    },
    /// Neither a named key nor a single character.
    #[error("key `{0}`: unknown key name")]
    UnknownName(String),
}

/// The screens' names in `[keys]`, for the message about an unknown one.
fn screen_names() -> String {
    Context::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
}

/// The keymap in use: the defaults, with the user's `[keys]` from config.toml on top.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Bound>,
}

/// A row of the keymap in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    /// Where the binding applies.
    pub context: Context,
    /// The keys, the first shown in hints.
    pub keys: Vec<Key>,
    /// What they do.
    pub action: Action,
    /// Shown in the key hints.
    pub hint: bool,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = BINDINGS
            .iter()
            .map(|b| Bound { context: b.context, keys: b.keys.to_vec(), action: b.action, hint: b.hint })
            .collect();
        Self { bindings }
    }
}

impl Keymap {
    /// The defaults with `overrides` applied: each entry `"context.action"` (or just `"action"`
    /// for every context that has it) gets the listed keys instead of its defaults.
    pub fn with_overrides<'a>(
        overrides: impl IntoIterator<Item = (&'a str, &'a [String])>,
    ) -> Result<Self, KeymapError> {
        let mut keymap = Self::default();
        for (name, keys) in overrides {
            let (context, action) = match name.split_once('.') {
                Some((context, action)) => (Some(parse_context(context)?), action),
                None => (None, name),
            };
            let action = parse_action(action)
                .ok_or_else(|| KeymapError::UnknownAction { entry: name.to_string(), action: action.to_string() })?;
            let keys = keys
                .iter()
                .map(|k| parse_key(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| KeymapError::BadKey { entry: name.to_string(), error })?;
            let mut found = false;
            for bound in &mut keymap.bindings {
                if bound.action == action && context.is_none_or(|c| c == bound.context) {
                    bound.keys = keys.clone();
                    found = true;
                }
            }
            if !found {
                let screen = context.map_or("no screen", Context::title);
                return Err(KeymapError::NotOnScreen { entry: name.to_string(), screen });
            }
        }
        for context in Context::ALL {
            let rows: Vec<&Bound> = keymap.bindings.iter().filter(|b| b.context == context).collect();
            for (i, a) in rows.iter().enumerate() {
                for b in &rows[i + 1..] {
                    if let Some(key) = a.keys.iter().find(|k| b.keys.contains(k)) {
                        return Err(KeymapError::Clash {
                            key: *key,
                            first: a.action,
                            second: b.action,
                            screen: context,
                        });
                    }
                }
            }
        }
        Ok(keymap)
    }

    /// Every binding, in help-screen order.
    pub fn bindings(&self) -> &[Bound] {
        &self.bindings
    }

    /// The action `event` triggers in `context`, if any.
    pub fn action_for(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .filter(|b| b.context == context)
            .find(|b| b.keys.iter().any(|k| k.matches(event)))
            .map(|b| b.action)
    }

    /// The key hints for a context: `Enter open contact  / filter …`.
    pub fn hints(&self, context: Context) -> Vec<(String, &'static str)> {
        self.bindings
            .iter()
            .filter(|b| b.context == context && b.hint && !b.keys.is_empty())
            .map(|b| (b.keys[0].label(), b.action.describe()))
            .collect()
    }

    /// The first key bound to `action` in `context`, for messages like "press Ctrl-S to send".
    pub fn key_for(&self, context: Context, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.context == context && b.action == action)
            .and_then(|b| b.keys.first())
            .map(Key::label)
            .unwrap_or_default()
    }
}

/// `list`, `form`, `key_value`… as written in `[keys]`.
fn parse_context(name: &str) -> Result<Context, KeymapError> {
    Context::ALL
        .into_iter()
        .find(|c| c.name() == name)
        .ok_or_else(|| KeymapError::UnknownScreen { name: name.to_string() })
}

fn parse_action(name: &str) -> Option<Action> {
    Action::ALL.into_iter().find(|a| a.name() == name)
}

/// `ctrl-s`, `shift-tab`, `f2`, `enter`, `space`, `x`, `alt-x`.
pub fn parse_key(text: &str) -> Result<Key, KeyError> {
    let lower = text.trim().to_ascii_lowercase();
    let (mods, name) = match lower.rsplit_once('-').filter(|(_, n)| !n.is_empty()) {
        Some((mods, name)) => (mods, name),
        None => ("", lower.as_str()),
    };
    let mut modifiers = KeyModifiers::NONE;
    for m in mods.split('-').filter(|m| !m.is_empty()) {
        modifiers |= match m {
            "ctrl" | "c" => KeyModifiers::CONTROL,
            "alt" | "a" | "m" => KeyModifiers::ALT,
            "shift" | "s" => KeyModifiers::SHIFT,
            other => {
                return Err(KeyError::UnknownModifier { key: text.to_string(), modifier: other.to_string() });
            }
        };
    }
    let code = match name {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        f if f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) => {
            KeyCode::F(f[1..].parse().unwrap_or(1))
        }
        // A single character keeps its case as typed (`G` is Shift-g).
        _ if text.trim().chars().count() == 1 => KeyCode::Char(text.trim().chars().next().unwrap_or(' ')),
        _ if name.chars().count() == 1 => KeyCode::Char(name.chars().next().unwrap_or(' ')),
        _ => return Err(KeyError::UnknownName(text.to_string())),
    };
    // Characters carry their own case; Shift is only kept for named keys.
    let mods = match code {
        KeyCode::Char(_) | KeyCode::BackTab => modifiers - KeyModifiers::SHIFT,
        _ => modifiers,
    };
    Ok(Key { code, mods })
}

#[cfg(test)]
mod tests {
    use super::super::table::{ch, ctrl, plain};
    use super::*;

    #[test]
    fn user_keys_replace_the_defaults_and_clashes_are_refused() {
        let keys = ["ctrl-w".to_string()];
        let keymap = Keymap::with_overrides([("form.save", &keys[..])]).unwrap();
        let ctrl_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(keymap.action_for(Context::Form, &ctrl_w), Some(Action::Save));
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(keymap.action_for(Context::Form, &ctrl_s), None);
        assert_eq!(keymap.key_for(Context::Form, Action::Save), "Ctrl-W");
        // Without a screen, every screen that has the action gets the key.
        let help = ["f2".to_string()];
        let keymap = Keymap::with_overrides([("help", &help[..])]).unwrap();
        assert_eq!(keymap.key_for(Context::List, Action::Help), "F2");
        assert_eq!(keymap.key_for(Context::Form, Action::Help), "F2");
        let clash = ["ctrl-r".to_string()];
        let err = Keymap::with_overrides([("form.save", &clash[..])]).unwrap_err().to_string();
        assert!(err.contains("Ctrl-R is bound to both"), "{err}");
        let err = Keymap::with_overrides([("form.fly", &keys[..])]).unwrap_err().to_string();
        assert!(err.contains("unknown action `fly`"), "{err}");
        let bad = ["hyper-x".to_string()];
        assert!(Keymap::with_overrides([("save", &bad[..])]).unwrap_err().to_string().contains("unknown modifier"));
    }

    #[test]
    fn key_names_parse() {
        assert_eq!(parse_key("Ctrl-S"), Ok(ctrl('s')));
        assert_eq!(parse_key("shift-tab"), Ok(plain(KeyCode::BackTab)));
        assert_eq!(parse_key("G"), Ok(ch('G')));
        assert_eq!(parse_key("-"), Ok(ch('-')));
        assert_eq!(parse_key("f12"), Ok(plain(KeyCode::F(12))));
        assert_eq!(parse_key("space"), Ok(ch(' ')));
    }
}
