//! The keymap in use: the defaults from [`BINDINGS`], with the user's `[keys]` on top, and
//! the key names the config file uses (`ctrl-s`, `shift-tab`, `f2`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Action, BINDINGS, Context, Key};

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
    pub fn with_overrides<'a>(overrides: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Result<Self, String> {
        let mut keymap = Self::default();
        for (name, keys) in overrides {
            let (context, action) = match name.split_once('.') {
                Some((context, action)) => (Some(parse_context(context)?), action),
                None => (None, name),
            };
            let action = parse_action(action).map_err(|e| format!("`{name}`: {e}"))?;
            let keys = keys
                .iter()
                .map(|k| parse_key(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("`{name}`: {e}"))?;
            let mut found = false;
            for bound in &mut keymap.bindings {
                if bound.action == action && context.is_none_or(|c| c == bound.context) {
                    bound.keys = keys.clone();
                    found = true;
                }
            }
            if !found {
                return Err(format!("`{name}`: {} has no such action", context.map_or("no screen", Context::title)));
            }
        }
        for context in Context::ALL {
            let rows: Vec<&Bound> = keymap.bindings.iter().filter(|b| b.context == context).collect();
            for (i, a) in rows.iter().enumerate() {
                for b in &rows[i + 1..] {
                    if let Some(key) = a.keys.iter().find(|k| b.keys.contains(k)) {
                        return Err(format!(
                            "{} is bound to both `{}` and `{}` in {}",
                            key.label(),
                            a.action.name(),
                            b.action.name(),
                            context.title()
                        ));
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
fn parse_context(name: &str) -> Result<Context, String> {
    Context::ALL.into_iter().find(|c| c.name() == name).ok_or_else(|| {
        let names: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
        format!("unknown screen `{name}`; one of: {}", names.join(", "))
    })
}

fn parse_action(name: &str) -> Result<Action, String> {
    Action::ALL.into_iter().find(|a| a.name() == name).ok_or_else(|| format!("unknown action `{name}`"))
}

/// `ctrl-s`, `shift-tab`, `f2`, `enter`, `space`, `x`, `alt-x`.
pub fn parse_key(text: &str) -> Result<Key, String> {
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
            other => return Err(format!("key `{text}`: unknown modifier `{other}` (ctrl, alt, shift)")),
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
        _ => return Err(format!("key `{text}`: unknown key name")),
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
    use super::super::{ch, ctrl, plain};
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
        let err = Keymap::with_overrides([("form.save", &clash[..])]).unwrap_err();
        assert!(err.contains("Ctrl-R is bound to both"), "{err}");
        let err = Keymap::with_overrides([("form.fly", &keys[..])]).unwrap_err();
        assert!(err.contains("unknown action `fly`"), "{err}");
        let bad = ["hyper-x".to_string()];
        assert!(Keymap::with_overrides([("save", &bad[..])]).unwrap_err().contains("unknown modifier"));
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
