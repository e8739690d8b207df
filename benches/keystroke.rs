//! What a user feels typing into a field that holds 1 MB: one keystroke through `app::update`,
//! then the form frame drawn, as the event loop does after each key.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use rolo::app::{Form, Message, Session, State, update};
use rolo::backend;
use rolo::record::Contact;
use rolo::ui;
use rolo::ui::theme::Theme;

/// The size of the value in the focused field.
const VALUE_BYTES: usize = 1 << 20;

fn key(code: KeyCode) -> Message {
    Message::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typing_into_a_1mb_field(c: &mut Criterion) {
    let backend = Arc::new(backend::find("corporatemerch", None).expect("built-in backend"));
    // Words and spaces, with some accents, as a pasted document would be.
    let value: String = "Rue de la Montagne-Sainte-Geneviève 12, ".chars().cycle().take(VALUE_BYTES).collect();
    let record = json!({
        "id": 1, "first_name": "Renée", "last_name": "Côté", "email": "renee@example.com",
        "type": "client", "country": "CA", "city": "Montréal", "address": value,
        "updated_at": "2024-06-01T12:30:00Z",
    });
    let contact = Contact::from_record(&backend, record).expect("has an id");
    let mut state = State::new(Arc::clone(&backend), Session { profile: "bench".into(), ..Default::default() });
    state.form = Some(Form::open(&backend, contact));
    let address = backend.field_index("address").expect("an address field");
    while state.form.as_ref().is_some_and(|f| f.focus != address) {
        update(&mut state, key(KeyCode::Tab));
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let theme = Theme::default();
    let look = ui::Look { theme: &theme, secret: None };
    let mut scroll = ui::Scroll::default();
    terminal.draw(|frame| ui::draw(frame, &state, look, &mut scroll)).expect("draw");
    // The cursor sits at the end of the value; each iteration types one letter and draws.
    c.bench_function("keystroke into a 1 MB field + form frame, 120x40", |b| {
        b.iter(|| {
            black_box(update(&mut state, key(KeyCode::Char('x'))));
            terminal.draw(|frame| ui::draw(frame, black_box(&state), look, &mut scroll)).expect("draw");
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = typing_into_a_1mb_field
}
criterion_main!(benches);
