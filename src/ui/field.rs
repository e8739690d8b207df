//! How each kind of field shows its value: text, dropdown, toggle, country, list.

use ratatui::text::Span;

use super::theme;
use crate::backend::{Field, FieldKind};
use crate::record::Input;
use crate::record::countries::country_name;

/// The spans showing a field's value when it is not being typed into.
pub fn value_spans(field: &Field, input: &Input) -> Vec<Span<'static>> {
    let text = input.text().to_string();
    match (field.kind, input) {
        (_, Input::Toggle(on)) => {
            vec![Span::raw(if *on { "[x] yes" } else { "[ ] no" })]
        }
        (FieldKind::Enum, _) => {
            let shown = if text.is_empty() { "—".to_string() } else { text };
            vec![Span::raw(format!("[ {shown} ▾ ]"))]
        }
        (FieldKind::Country, _) => {
            let shown = if text.is_empty() { "—".to_string() } else { text.clone() };
            let mut spans = vec![Span::raw(format!("[ {shown} ▾ ]"))];
            if let Some(name) = country_name(text.trim()) {
                spans.push(Span::styled(format!(" {name}"), theme::dim()));
            }
            spans
        }
        _ if text.is_empty() => vec![Span::styled("—", theme::dim())],
        _ => vec![Span::raw(text)],
    }
}
