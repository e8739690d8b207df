//! The command palette (`:` or Ctrl-P): every action of the screen underneath, by name,
//! fuzzy-matched, with its key shown so the user learns it.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::keymap::{Action, Context, Keymap, Press};
use super::{Effect, Overlay, State};

/// One command offered by the palette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// What it does.
    pub action: Action,
    /// Its key in the screen underneath (empty when the user unbound it).
    pub key: String,
}

/// The commands of `under` matching `query`, best first (all of them, in keymap order, for
/// an empty query).
pub fn commands(keymap: &Keymap, under: Context, query: &str) -> Vec<Command> {
    let all = keymap
        .bindings()
        .iter()
        .filter(|b| b.context == under && b.action != Action::Palette)
        .map(|b| Command { action: b.action, key: b.keys.first().map(|k| k.label()).unwrap_or_default() });
    if query.trim().is_empty() {
        return all.collect();
    }
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buffer = Vec::new();
    let mut scored: Vec<(u32, Command)> = all
        .filter_map(|command| {
            let text = format!("{} {} {}", command.action.describe(), command.action.name(), command.key);
            let score = pattern.score(Utf32Str::new(&text, &mut buffer), &mut matcher)?;
            Some((score, command))
        })
        .collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    scored.into_iter().map(|(_, c)| c).collect()
}

/// Opens the palette over the current screen.
pub(super) fn open(state: &mut State, under: Context) {
    state.overlay = Some(Overlay::Palette { query: String::new(), selected: 0, under });
}

/// Keys in the palette: typing narrows, ↑/↓ choose, Enter runs, Esc closes.
pub(super) fn on_key(state: &mut State, press: Press) -> Vec<Effect> {
    let Some(Overlay::Palette { query, selected, under }) = &mut state.overlay else { return Vec::new() };
    let under = *under;
    let count = commands(&state.keymap, under, query).len();
    match press.action() {
        Some(Action::Quit) => return super::request_quit(state),
        Some(Action::Close) => state.overlay = None,
        Some(Action::Up) => *selected = selected.saturating_sub(1),
        Some(Action::Down) => *selected = (*selected + 1).min(count.saturating_sub(1)),
        Some(Action::Choose) => {
            let chosen = commands(&state.keymap, under, query).into_iter().nth(*selected);
            state.overlay = None;
            if let Some(command) = chosen {
                // The command runs as its action: the screen underneath does what it means.
                return super::perform(state, under, Press::Action(command.action));
            }
        }
        _ if press.is_backspace() => {
            query.pop();
            *selected = 0;
        }
        _ => {
            if let Some(c) = press.typed_char() {
                query.push(c);
                *selected = 0;
            }
        }
    }
    Vec::new()
}
