//! How each widget shows a field's value (text, dropdown, toggle, entries), in words and styles.
//! Which of them a value gets is the field type's to say ([`Field::shown`]).

use ratatui::text::Span;

use super::shown;
use super::theme::{self, Theme};
use crate::backend::{Field, ValueType};
use crate::record::{Entry, Input, NULL, Shown};

/// Shown after a value kept as received (the note under the field says why).
pub const KEPT: &str = "  (as received, read-only)";

/// `key=value` for a key/value entry, strings quoted so `"12"` and `12` look different.
pub fn entry_summary(entry: &Entry) -> String {
    match entry.kind {
        ValueType::String => format!("{}=\"{}\"", shown(&entry.key), shown(&entry.text)),
        ValueType::Null => format!("{}=null", shown(&entry.key)),
        ValueType::List => format!("{}=[{}]", shown(&entry.key), shown(&entry.text)),
        _ => format!("{}={}", shown(&entry.key), shown(&entry.text)),
    }
}

/// A field's value as plain text, for diffs and notes.
pub fn value_text(field: &Field, input: &Input) -> String {
    match input {
        Input::Map(entries) => entries.iter().map(entry_summary).collect::<Vec<_>>().join(" · "),
        Input::Kept(value) => value.to_string(),
        // Only the words are kept: every theme draws the same ones.
        _ => value_spans(&Theme::default(), field, input).iter().map(|s| s.content.as_ref()).collect(),
    }
}

/// The spans showing a field's value when it is not being typed into; controls and hidden
/// characters in it are shown as escapes ([`shown`]).
pub fn value_spans(theme: &Theme, field: &Field, input: &Input) -> Vec<Span<'static>> {
    match field.shown(input) {
        Shown::Null => vec![Span::styled(NULL, theme.dim)],
        Shown::Kept(value) => vec![
            Span::styled(format!("{} ", theme::WARN_MARK), theme.changed),
            Span::raw(value.to_string()),
            Span::styled(KEPT, theme.dim),
        ],
        Shown::Toggle(on) => {
            vec![Span::raw(if on { "[x] yes" } else { "[ ] no" })]
        }
        Shown::Entries([]) => vec![Span::styled("(no entries) ⏎ edit", theme.dim)],
        Shown::Entries(entries) => {
            let shown: Vec<String> = entries.iter().map(entry_summary).collect();
            vec![Span::raw(shown.join(" · ")), Span::styled("  ⏎ edit", theme.dim)]
        }
        Shown::Picked(text) => {
            let text = shown(text);
            let picked = if text.is_empty() { "—".to_string() } else { text.clone() };
            let mut spans = vec![Span::raw(format!("[ {picked} ▾ ]"))];
            if let Some(name) = field.choice_name(text.trim()) {
                spans.push(Span::styled(format!(" {name}"), theme.dim));
            }
            spans
        }
        Shown::Text(text) => match shown(text) {
            text if text.is_empty() => vec![Span::styled("—", theme.dim)],
            text => vec![Span::raw(text)],
        },
    }
}
