//! Hostile input never panics and never breaks the terminal: arbitrary JSON from a server,
//! arbitrary text in fields and files, escape sequences and right-to-left text in values, and
//! every terminal size from 20x5 up.

use std::sync::Arc;

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};

use rolo::app::{Form, Overlay, Row, Session, State};
use rolo::backend::{self, Backend};
use rolo::http::read_error_body;
use rolo::record::{Contact, Draft, Input};
use rolo::ui;
use rolo::ui::theme::Theme;
use rolo::validate::validate;

const VENDORS: [&str; 5] = ["corporatemerch", "informly", "insighto", "vixiees", "bird"];

fn backends() -> Vec<Arc<Backend>> {
    VENDORS.iter().map(|v| Arc::new(backend::find(v, None).unwrap())).collect()
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}|id|data|email|errors|detail", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Text meant to hurt: control characters, escape sequences, RTL marks, emoji, long runs.
fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,60}",
        Just("\u{1b}[2J\u{1b}[31mred\u{7}".to_string()),
        Just("\u{202e}gnp.exe\u{202c} שלום مرحبا".to_string()),
        Just("👩‍👩‍👧‍👦🇨🇦 e\u{301}".to_string()),
        Just("x".repeat(5000)),
        Just("tab\there\nnew\rline\u{0}".to_string()),
    ]
}

fn hostile_record(id: u64, text: &str) -> Value {
    json!({"id": id, "first_name": text, "last_name": text, "email": text, "company_name": text, "city": text,
           "country": text, "type": text, "lists": [1, 2], "birthday": text, "address": text,
           "contact": {"firstname": text}, "attributes": {"firstName": text, "k": text}, "computedDisplayName": text,
           "custom_fields": {"a": text}, "custom_attributes": [{"key": text, "value": text}]})
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn answers_of_any_shape_are_read_without_panicking(value in any_json()) {
        for backend in backends() {
            let _ = read_error_body(&backend, &value);
            if let Some(contact) = Contact::from_record(&backend, value.clone()) {
                let draft = Draft::new(&backend, contact);
                let _ = validate(&backend, &draft);
                let _ = draft.body();
            }
            for column in &backend.columns {
                let _ = column.value.render(&value);
            }
        }
    }

    #[test]
    fn any_typed_text_is_validated_without_panicking(texts in prop::collection::vec(nasty_text(), 1..8)) {
        for backend in backends() {
            let contact = Contact::from_record(&backend, json!({"id": "c1"})).unwrap();
            let mut draft = Draft::new(&backend, contact);
            for (i, field) in backend.fields.iter().enumerate() {
                let text = texts[i % texts.len()].clone();
                let input = if field.kind == rolo::backend::FieldKind::Bool { Input::Toggle(text.len() % 2 == 0) } else { Input::Text(text) };
                draft.set(i, input);
            }
            let _ = validate(&backend, &draft);
            let _ = draft.body();
        }
    }

    #[test]
    fn a_broken_backend_or_config_file_is_a_message(text in ".{0,400}", cut in 0usize..4000) {
        let _ = backend::parse(&text, "fuzz.toml");
        // Real files cut short at any point: an error, never a panic.
        let (_, real) = backend::BUILT_IN[cut % backend::BUILT_IN.len()];
        let end = real.char_indices().map(|(i, _)| i).take_while(|&i| i <= cut).last().unwrap_or(0);
        let _ = backend::parse(&real[..end], "cut.toml");
        let _ = rolo::config::parse(&text, std::path::Path::new("fuzz.toml"));
    }

    #[test]
    fn hostile_values_render_at_any_size_without_control_characters(
        text in nasty_text(),
        width in 20u16..200,
        height in 5u16..60,
        vendor in 0usize..5,
    ) {
        let backend = backends().swap_remove(vendor);
        let mut state = State::new(Arc::clone(&backend), Session { profile: "p".into(), sandbox: false, ..Default::default() });
        let contacts: Vec<Contact> =
            (1..=30).filter_map(|i| Contact::from_record(&backend, hostile_record(i, &text))).collect();
        let texts: Vec<String> = contacts.iter().map(|_| text.clone()).collect();
        state.list.filter.extend(texts);
        state.list.contacts = contacts.iter().map(|c| Row::new(&backend, c)).collect();
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let theme = Theme::default();
        let look = ui::Look { theme: &theme, secret: None };
        let mut scroll = ui::Scroll::default();
        terminal.draw(|frame| ui::draw(frame, &state, look, &mut scroll)).unwrap();
        if let Some(first) = contacts.first() {
            state.form = Some(Form::open(&backend, first.clone()));
            terminal.draw(|frame| ui::draw(frame, &state, look, &mut scroll)).unwrap();
            // Every overlay, too, at this size.
            state.last_exchange = Some(rolo::http::Exchange { body: text.clone(), url: text.clone(), ..Default::default() });
            for overlay in [Overlay::Help { scroll: 3, search: None }, Overlay::Response { scroll: 0 }, Overlay::ConfirmDiscard { then_quit: true }] {
                state.overlay = Some(overlay);
                terminal.draw(|frame| ui::draw(frame, &state, look, &mut scroll)).unwrap();
            }
        }
        // A control character reaching the terminal could move the cursor or change colours.
        let buffer = terminal.backend().buffer();
        for cell in &buffer.content {
            prop_assert!(!cell.symbol().chars().any(|c| c.is_control()), "control character in {:?}", cell.symbol());
        }
    }
}
