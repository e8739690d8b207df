//! Each view drawn on its own from a state built by hand, checked cell by cell with its styles:
//! what the user reads, in which colour or text attribute, and that the monochrome theme keeps
//! every meaning (a mark, a pointer, bold or reverse video) without colour.

mod fields;
mod form;
mod list;
mod overlays;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::{Look, Scroll, draw};
use crate::app::{Effect, Message, Row, Session, State, search_text, update};
use crate::backend::{self, Backend};
use crate::http::{Exchange, Fetched};
use crate::record::Contact;

/// The built-in backend the views are drawn for.
fn backend() -> Arc<Backend> {
    Arc::new(backend::find("corporatemerch", None).expect("built-in backend"))
}

/// Contact `id` with a valid record: a name, an email, a type and an address.
fn record(id: u32, first: &str, last: &str) -> Value {
    json!({
        "id": id, "first_name": first, "last_name": last,
        "email": format!("{}@example.com", first.to_lowercase()),
        "phone_number": "+1 555 0100", "gender": "female", "shirt_size": "MD",
        "type": "client", "country": "US", "state": "NY", "city": "Albany", "zip_code": "12207",
        "address": "1 State St", "address_validated": true,
        "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-06-01T12:30:00Z",
    })
}

/// A state with `count` contacts loaded in the list, as a page would leave them.
fn state_with(count: u32) -> State {
    let backend = backend();
    let mut state = State::new(Arc::clone(&backend), Session { profile: "work".into(), ..Default::default() });
    state.deterministic = true;
    for contact in people(count) {
        state.list.filter.extend([search_text(&backend, &contact)]);
        state.list.contacts.push(Row::new(&backend, &contact));
    }
    state
}

/// The contacts of [`state_with`]: 1 to `count`, as the server has them.
fn people(count: u32) -> Vec<Contact> {
    let backend = backend();
    let names = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John"];
    let person = |i: u32| {
        let first = names[(i as usize - 1) % names.len()];
        Contact::from_record(&backend, record(i, first, &format!("Tester{i}"))).expect("has an id")
    };
    (1..=count).map(person).collect()
}

/// Presses `key`, then answers every contact it fetches (opening the form, bulk edit's marked
/// contacts, one after the other) from `server`, as a server would.
fn key_served(state: &mut State, key: KeyEvent, server: &[Contact]) {
    let mut effects = update(state, Message::Key(key));
    while let Some(Effect::LoadContact { tag, id }) =
        effects.iter().find(|e| matches!(e, Effect::LoadContact { .. })).cloned()
    {
        let contact = server.iter().find(|c| c.id == id).cloned();
        let fetched = Fetched { contact, exchange: exchange("GET", &format!("/contacts/{id}")) };
        effects = update(state, Message::ContactLoaded { tag, result: Ok(fetched) });
    }
}

/// The state with contact 1's form open and its fresh copy arrived, as after Enter on it.
fn form_state() -> State {
    let mut state = state_with(3);
    key_served(&mut state, press(KeyCode::Enter), &people(3));
    assert!(state.form.is_some(), "the form is open");
    state
}

/// A 200 exchange for `method path`.
fn exchange(method: &str, path: &str) -> Exchange {
    Exchange {
        method: method.into(),
        url: format!("http://127.0.0.1:9/corporatemerch/v2{path}"),
        status: Some(200),
        body: "{}".into(),
        ..Default::default()
    }
}

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Presses keys through the app, as the user would.
fn keys(state: &mut State, keys: impl IntoIterator<Item = KeyEvent>) {
    for key in keys {
        // Matching runs here at once, as the loop's matching thread would within milliseconds.
        let effects = update(state, Message::Key(key));
        crate::app::run_jobs(effects, |matched| update(state, matched));
    }
}

/// Types `text` into whatever has the keys.
fn type_text(state: &mut State, text: &str) {
    keys(state, text.chars().map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
}

/// One frame of `state` in `theme`, `width` x `height`.
fn frame(state: &State, theme: &Theme, width: u16, height: u16) -> Buffer {
    frame_scrolled(state, theme, width, height, &mut Scroll::default())
}

/// One frame, scrolled on from `scroll`.
fn frame_scrolled(state: &State, theme: &Theme, width: u16, height: u16, scroll: &mut Scroll) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| draw(f, state, Look { theme, secret: None }, scroll)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen as text, one string per row, trailing spaces trimmed.
fn rows(buffer: &Buffer) -> Vec<String> {
    (0..buffer.area.height).map(|y| row(buffer, y)).collect()
}

/// Row `y` as text (a wide character once), trailing spaces trimmed.
fn row(buffer: &Buffer, y: u16) -> String {
    cells(buffer, y).into_iter().map(|(_, s)| s).collect::<String>().trim_end().to_string()
}

/// The cells of row `y` that start a character: their column and symbol.
fn cells(buffer: &Buffer, y: u16) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut x = 0;
    while x < buffer.area.width {
        let symbol = buffer[(x, y)].symbol().to_string();
        let width = symbol.width().max(1) as u16;
        out.push((x, symbol));
        x += width;
    }
    out
}

/// Where `needle` first shows on screen: its first cell's column and row.
fn find(buffer: &Buffer, needle: &str) -> (u16, u16) {
    try_find(buffer, needle).unwrap_or_else(|| panic!("`{needle}` is not on screen:\n{}", rows(buffer).join("\n")))
}

fn try_find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    (0..buffer.area.height).find_map(|y| find_on(buffer, y, needle).map(|x| (x, y)))
}

/// The column where `needle` first shows on row `y`.
fn find_on(buffer: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let mut text = String::new();
    let mut starts = Vec::new();
    for (x, symbol) in cells(buffer, y) {
        starts.push((text.len(), x));
        text.push_str(&symbol);
    }
    let at = text.find(needle)?;
    starts.iter().find(|(start, _)| *start == at).map(|(_, x)| *x)
}

/// The style of the cell where `needle` starts.
fn style_of(buffer: &Buffer, needle: &str) -> Style {
    let (x, y) = find(buffer, needle);
    cell_style(buffer, x, y)
}

/// The style of cell `x`, `y` as a theme writes it: the terminal's own colours as none.
fn cell_style(buffer: &Buffer, x: u16, y: u16) -> Style {
    let mut style = buffer[(x, y)].style();
    let own = |colour: Option<Color>| colour.filter(|c| *c != Color::Reset);
    style.fg = own(style.fg);
    style.bg = own(style.bg);
    style.underline_color = own(style.underline_color);
    style
}

/// True when `buffer` holds no colour at all, foreground or background.
fn colourless(buffer: &Buffer) -> bool {
    buffer.content().iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
}

/// The monochrome theme (as `NO_COLOR` chooses it).
fn mono() -> Theme {
    Theme::monochrome()
}

/// Asserts the cell where `needle` starts has every modifier in `modifiers`.
#[track_caller]
fn assert_has(buffer: &Buffer, needle: &str, modifiers: Modifier) {
    let style = style_of(buffer, needle);
    assert!(style.add_modifier.contains(modifiers), "`{needle}` has {style:?}, not {modifiers:?}");
}
