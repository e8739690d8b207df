//! Each field widget's value when it is not being typed into, in each state, with its styles;
//! compared as whole styled buffers, as ratatui's own widget tests do.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use serde_json::json;

use super::*;
use crate::backend::ValueType;
use crate::record::{Entry, Input};
use crate::ui::field::value_spans;

/// The value of field `key` of `backend` showing `input`, drawn into a row 40 cells wide.
fn widget(backend: &Backend, key: &str, input: &Input, theme: &Theme) -> Buffer {
    let spec = &backend.fields[backend.field_index(key).expect("a field")];
    let mut buffer = Buffer::empty(Rect::new(0, 0, 40, 1));
    Paragraph::new(Line::from(value_spans(theme, spec, input))).render(buffer.area, &mut buffer);
    buffer
}

/// The row `spans` make, 40 cells wide.
fn expected(spans: Vec<Span<'static>>) -> Buffer {
    let mut buffer = Buffer::empty(Rect::new(0, 0, 40, 1));
    Paragraph::new(Line::from(spans)).render(buffer.area, &mut buffer);
    buffer
}

#[test]
fn text_shows_as_typed_and_an_empty_value_as_a_dim_dash() {
    let (backend, theme) = (backend(), Theme::default());
    let text = Input::Text("Albany".into());
    assert_eq!(widget(&backend, "city", &text, &theme), expected(vec![Span::raw("Albany")]));
    let empty = Input::Text(String::new());
    assert_eq!(widget(&backend, "city", &empty, &theme), expected(vec![Span::styled("—", theme.dim)]));
}

#[test]
fn a_control_character_in_a_value_shows_as_an_escape() {
    let (backend, theme) = (backend(), Theme::default());
    let text = Input::Text("a\u{1b}[31mb".into());
    assert_eq!(widget(&backend, "city", &text, &theme), expected(vec![Span::raw("a\\x1b[31mb")]));
}

#[test]
fn a_null_is_named_not_left_blank() {
    let (backend, theme) = (backend(), Theme::default());
    assert_eq!(widget(&backend, "city", &Input::Null, &theme), expected(vec![Span::styled("∅ null", theme.dim)]));
}

#[test]
fn a_dropdown_shows_its_choice_in_brackets_with_an_arrow() {
    let (backend, theme) = (backend(), Theme::default());
    let chosen = Input::Text("female".into());
    assert_eq!(widget(&backend, "gender", &chosen, &theme), expected(vec![Span::raw("[ female ▾ ]")]));
    let none = Input::Text(String::new());
    assert_eq!(widget(&backend, "gender", &none, &theme), expected(vec![Span::raw("[ — ▾ ]")]));
}

#[test]
fn a_country_shows_its_code_and_its_name() {
    let (backend, theme) = (backend(), Theme::default());
    let country = Input::Text("DE".into());
    assert_eq!(
        widget(&backend, "country", &country, &theme),
        expected(vec![Span::raw("[ DE ▾ ]"), Span::styled(" Germany", theme.dim)])
    );
}

#[test]
fn a_toggle_says_yes_or_no_in_words() {
    let (backend, theme) = (backend(), Theme::default());
    let on = Input::Toggle(true);
    assert_eq!(widget(&backend, "address_validated", &on, &theme), expected(vec![Span::raw("[x] yes")]));
    let off = Input::Toggle(false);
    assert_eq!(widget(&backend, "address_validated", &off, &theme), expected(vec![Span::raw("[ ] no")]));
}

#[test]
fn a_value_kept_as_received_is_marked_and_says_it_cannot_be_edited() {
    let (backend, theme) = (backend(), Theme::default());
    let kept = Input::Kept(json!({"a": 1}));
    assert_eq!(
        widget(&backend, "city", &kept, &theme),
        expected(vec![
            Span::styled("⚠ ", theme.changed),
            Span::raw("{\"a\":1}"),
            Span::styled("  (as received, read-only)", theme.dim),
        ])
    );
}

#[test]
fn key_value_entries_show_as_pairs_with_strings_quoted() {
    let backend = Arc::new(backend::find("vixiees", None).expect("built-in backend"));
    let theme = Theme::default();
    let none = Input::Map(Vec::new());
    assert_eq!(
        widget(&backend, "custom_attributes", &none, &theme),
        expected(vec![Span::styled("(no entries) ⏎ edit", theme.dim)])
    );
    let entry = |key: &str, kind, text: &str| Entry { key: key.into(), kind, text: text.into() };
    let some = Input::Map(vec![entry("tier", ValueType::String, "12"), entry("score", ValueType::Number, "12")]);
    assert_eq!(
        widget(&backend, "custom_attributes", &some, &theme),
        expected(vec![Span::raw("tier=\"12\" · score=12"), Span::styled("  ⏎ edit", theme.dim)])
    );
}

#[test]
fn without_colour_every_widget_keeps_its_words_and_symbols() {
    let (backend, theme) = (backend(), mono());
    for (key, input) in [
        ("city", Input::Null),
        ("city", Input::Kept(json!(7))),
        ("city", Input::Text(String::new())),
        ("country", Input::Text("DE".into())),
    ] {
        let buffer = widget(&backend, key, &input, &theme);
        assert!(colourless(&buffer), "{key} {input:?}");
        let shown = row(&buffer, 0);
        assert!(["∅ null", "⚠ 7", "—", "[ DE ▾ ] Germany"].iter().any(|s| shown.starts_with(s)), "{shown}");
    }
    // Dim is a text attribute, not a colour.
    assert_eq!(cell_style(&widget(&backend, "city", &Input::Null, &theme), 0, 0), Style::new().dim());
}
