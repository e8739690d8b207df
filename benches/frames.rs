//! Speed targets: drawing one list frame and one form frame into a `TestBackend` (also with a
//! secret to mask in every frame). The filter's matching is in `scale.rs`.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use rolo::app::{Form, Row, Session, State};
use rolo::backend::{self, Backend};
use rolo::record::Contact;
use rolo::redact::Redactor;
use rolo::ui;
use rolo::ui::theme::Theme;

const CONTACTS: usize = 100_000;

const FIRST: [&str; 12] =
    ["Renée", "Jürgen", "Zoë", "José", "さくら", "Minh Khai", "Björn", "Łukasz", "Ana", "Oğuz", "Siobhán", "Kwame"];
const LAST: [&str; 12] = [
    "Côté",
    "Müller",
    "Ångström",
    "Núñez",
    "渡辺",
    "Nguyễn",
    "Þórsson",
    "Żółć",
    "Silva",
    "Yılmaz",
    "Ní Bhriain",
    "Mensah",
];
const COMPANIES: [&str; 6] =
    ["Québec Ventures", "Müller & Söhne", "Nordljus AB", "Café Señorío", "株式会社サクラ", "Acme"];

fn backend() -> Arc<Backend> {
    Arc::new(backend::find("corporatemerch", None).expect("built-in backend"))
}

fn contact(backend: &Backend, i: usize) -> Contact {
    let record = json!({
        "id": i + 1,
        "first_name": FIRST[i % 12],
        "last_name": LAST[(i / 12) % 12],
        "email": format!("person{i}@example.com"),
        "company_name": COMPANIES[i % 6],
        "type": if i % 2 == 0 { "employee" } else { "client" },
        "country": "CA", "state": "QC", "city": "Montréal", "address": "1 rue", "zip_code": "H2X",
        "shirt_size": "MD", "gender": "female", "birthday": "1988-02-29", "lists": [12, 31], "labels": [7],
        "address_validated": true, "address_forced": false, "address_verified": true,
        "created_at": "2024-01-10T15:00:00Z", "updated_at": "2024-06-01T12:30:00Z",
    });
    Contact::from_record(backend, record).expect("has an id")
}

fn loaded_state(backend: &Arc<Backend>) -> State {
    let mut state =
        State::new(Arc::clone(backend), Session { profile: "bench".into(), sandbox: true, ..Default::default() });
    let contacts: Vec<Contact> = (0..CONTACTS).map(|i| contact(backend, i)).collect();
    let texts: Vec<String> = contacts
        .iter()
        .map(|c| backend.columns.iter().map(|col| col.value.render(&c.record)).collect::<Vec<_>>().join(" "))
        .collect();
    state.list.filter.extend(texts);
    state.list.contacts = contacts.iter().map(|c| Row::new(backend, c)).collect();
    state
}

fn drawing(c: &mut Criterion) {
    let backend = backend();
    let mut state = loaded_state(&backend);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let theme = Theme::default();
    let look = ui::Look { theme: &theme, secret: None };
    let mut scroll = ui::Scroll::default();
    c.bench_function("draw list frame, 100k loaded, 120x40", |b| {
        b.iter(|| {
            terminal.draw(|frame| ui::draw(frame, black_box(&state), look, &mut scroll)).expect("draw");
        })
    });
    state.form = Some(Form::open(&backend, contact(&backend, 0)));
    c.bench_function("draw form frame, 120x40", |b| {
        b.iter(|| {
            terminal.draw(|frame| ui::draw(frame, black_box(&state), look, &mut scroll)).expect("draw");
        })
    });
    // Every frame is searched for the profile's secret (a server may have echoed it into a
    // field): the same frames with a 40-character token to mask.
    let secret = Some(secrecy::SecretString::from("tok-0123456789abcdefghijklmnopqrstuvwxyz".to_string()));
    let redactor = Redactor::new(secret.as_ref());
    let look = ui::Look { theme: &theme, secret: Some(&redactor) };
    c.bench_function("draw form frame, 120x40, masking the secret", |b| {
        b.iter(|| {
            terminal.draw(|frame| ui::draw(frame, black_box(&state), look, &mut scroll)).expect("draw");
        })
    });
    state.form = None;
    c.bench_function("draw list frame, 100k loaded, 120x40, masking the secret", |b| {
        b.iter(|| {
            terminal.draw(|frame| ui::draw(frame, black_box(&state), look, &mut scroll)).expect("draw");
        })
    });
}

criterion_group!(benches, drawing);
criterion_main!(benches);
