//! The pure update function on its own: answers arriving late, for the wrong contact, or after
//! the user moved on; keys that must never lose a draft. No I/O: messages in, effects out.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

use rolo::app::{Effect, FormMode, Message, Session, State, Tag, update};
use rolo::backend::{self, Backend};
use rolo::http::{Exchange, Fetched, HttpError, Page, PageRequest};
use rolo::record::Contact;

fn backend() -> Arc<Backend> {
    Arc::new(backend::find("corporatemerch", None).unwrap())
}

fn record(id: u64, city: &str) -> Value {
    json!({"id": id, "first_name": "Renée", "last_name": "Côté", "email": "renee@example.ca",
           "country": "CA", "address": "1 rue", "city": city, "state": "QC", "zip_code": "H2X",
           "type": "employee", "updated_at": "2024-06-01T12:30:00Z"})
}

fn contact(backend: &Backend, id: u64, city: &str) -> Contact {
    Contact::from_record(backend, record(id, city)).unwrap()
}

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Message::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(state: &mut State, c: char) -> Vec<Effect> {
    update(state, Message::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
}

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
}

fn ok_fetch(contact: Contact) -> Result<Fetched, HttpError> {
    Ok(Fetched { contact: Some(contact), exchange: Exchange { status: Some(200), ..Exchange::default() } })
}

fn load_tag(effects: &[Effect]) -> Tag {
    effects.iter().find_map(|e| if let Effect::LoadPage { tag, .. } = e { Some(*tag) } else { None }).unwrap()
}

/// A state with one page of contacts 1..=3 loaded, and the form open on contact 1.
/// The list of three contacts with Enter pressed on the first, and the tag of the fetch that
/// opens it.
fn opening_form() -> (State, Tag) {
    let backend = backend();
    let mut state =
        State::new(Arc::clone(&backend), Session { profile: "t".into(), sandbox: true, ..Default::default() });
    let tag = load_tag(&state.start());
    let page = Page {
        contacts: (1..=3).map(|id| contact(&backend, id, "Montréal")).collect(),
        skipped: 0,
        next: None,
        total: Some(3),
        exchange: Exchange::default(),
    };
    update(&mut state, Message::PageLoaded { tag, result: Ok(page) });
    let effects = key(&mut state, KeyCode::Enter);
    let opening = effects.iter().find_map(|e| if let Effect::LoadContact { tag, .. } = e { Some(*tag) } else { None });
    (state, opening.expect("opening fetches the contact"))
}

/// The form of contact 1, open on the version the server sent.
fn open_form() -> State {
    let (mut state, opening) = opening_form();
    let backend = Arc::clone(&state.backend);
    update(&mut state, Message::ContactLoaded { tag: opening, result: ok_fetch(contact(&backend, 1, "Montréal")) });
    assert!(state.form.is_some(), "the form opens on the fetched contact");
    state
}

fn focus(state: &mut State, key_name: &str) {
    let target = state.backend.field_index(key_name).unwrap();
    while state.form.as_ref().unwrap().focus != target {
        key(state, KeyCode::Tab);
    }
}

fn input(state: &State, key_name: &str) -> String {
    let i = state.backend.field_index(key_name).unwrap();
    state.form.as_ref().unwrap().draft.input(i).text().to_string()
}

fn save_tag(effects: &[Effect]) -> Tag {
    effects.iter().find_map(|e| if let Effect::Save { tag, .. } = e { Some(*tag) } else { None }).expect("a save")
}

/// Ctrl-S: first the check for changes by others, answered here with the record unchanged,
/// then the update. Returns Ctrl-S's own effects and the update's tag.
fn send(state: &mut State) -> (Vec<Effect>, Tag) {
    let effects = ctrl(state, 's');
    let check = effects
        .iter()
        .find_map(|e| if let Effect::LoadContact { tag, .. } = e { Some(*tag) } else { None })
        .expect("a check before sending");
    let loaded = state.form.as_ref().unwrap().draft.loaded.clone();
    let sent = update(state, Message::ContactLoaded { tag: check, result: ok_fetch(loaded) });
    (effects, save_tag(&sent))
}

#[test]
fn keys_typed_while_the_contact_is_on_its_way_go_to_the_form() {
    let (mut state, opening) = opening_form();
    assert!(state.form.is_none(), "the form waits for the contact");
    key(&mut state, KeyCode::Tab);
    type_text(&mut state, "x");
    assert!(state.form.is_none());
    let backend = Arc::clone(&state.backend);
    update(&mut state, Message::ContactLoaded { tag: opening, result: ok_fetch(contact(&backend, 1, "Montréal")) });
    // The same keys pressed after the form opened do the same.
    let mut direct = open_form();
    key(&mut direct, KeyCode::Tab);
    type_text(&mut direct, "x");
    let (form, expected) = (state.form.as_ref().expect("open"), direct.form.as_ref().unwrap());
    assert_eq!(form.focus, expected.focus, "Tab moved to the next field");
    assert_eq!(form.draft.inputs(), expected.draft.inputs(), "the typed key edited it");
    assert_eq!(form.draft.changed().count(), 1);
}

#[test]
fn esc_while_opening_stays_on_the_list_and_its_late_answer_is_dropped() {
    let (mut state, opening) = opening_form();
    let effects = key(&mut state, KeyCode::Esc);
    assert!(effects.contains(&Effect::Cancel { tag: opening }), "{effects:?}");
    let backend = Arc::clone(&state.backend);
    update(&mut state, Message::ContactLoaded { tag: opening, result: ok_fetch(contact(&backend, 1, "Montréal")) });
    assert!(state.form.is_none(), "a contact the user stopped opening does not open");
}

#[test]
fn an_answer_about_another_contact_leaves_the_draft_alone() {
    // Opening: the form does not open on another record.
    let (mut state, opening) = opening_form();
    let backend = Arc::clone(&state.backend);
    update(&mut state, Message::ContactLoaded { tag: opening, result: ok_fetch(contact(&backend, 1042, "Québec")) });
    assert!(state.form.is_none());
    assert!(state.notice.as_ref().unwrap().text.contains("contact 1042, not 1"));

    // Sending: the form keeps its record and the typed values.
    let mut state = open_form();
    focus(&mut state, "city");
    type_text(&mut state, "x");
    let (_, saved) = send(&mut state);
    update(&mut state, Message::Saved { tag: saved, written: ok_fetch(contact(&backend, 1042, "Québec")).into() });
    assert_eq!(state.form.as_ref().unwrap().draft.loaded.id, "1", "the form never turns into another record");
    assert_eq!(input(&state, "city"), "Montréalx");
    let list_city = state.list.contacts.iter().find(|c| c.id == "1042");
    assert!(list_city.is_none(), "and the list is not touched");
}

#[test]
fn edits_made_while_a_save_is_in_flight_survive_its_answer() {
    let mut state = open_form();
    focus(&mut state, "city");
    type_text(&mut state, "-Nord");
    let (_, saved) = send(&mut state);
    // While in flight: change the city back, and edit another field.
    for _ in 0..5 {
        key(&mut state, KeyCode::Backspace);
    }
    focus(&mut state, "zip_code");
    type_text(&mut state, "1");
    let backend = Arc::clone(&state.backend);
    // The server stores the sent city, normalised to upper case.
    update(&mut state, Message::Saved { tag: saved, written: ok_fetch(contact(&backend, 1, "MONTRÉAL-NORD")).into() });
    assert_eq!(input(&state, "city"), "Montréal", "the later revert is kept");
    assert_eq!(input(&state, "zip_code"), "H2X1", "the later edit is kept");
    let form = state.form.as_ref().unwrap();
    assert_eq!(form.draft.changed().count(), 2);
}

#[test]
fn typing_a_country_name_jumps_to_it_and_a_stray_key_changes_nothing() {
    let mut state = open_form();
    focus(&mut state, "country");
    type_text(&mut state, "Germ");
    assert_eq!(input(&state, "country"), "DE");
    key(&mut state, KeyCode::Char('q'));
    assert_eq!(input(&state, "country"), "DE", "no country starts with 'Germq'");
    key(&mut state, KeyCode::Enter);
    assert!(matches!(state.form.as_ref().unwrap().mode, FormMode::Choosing(_)));
    type_text(&mut state, "jap");
    key(&mut state, KeyCode::Enter);
    assert_eq!(input(&state, "country"), "JP");
}

#[test]
fn enter_in_the_discard_question_keeps_the_edits() {
    let mut state = open_form();
    focus(&mut state, "city");
    type_text(&mut state, "x");
    key(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_some(), "leaving a changed form asks");
    key(&mut state, KeyCode::Enter);
    assert!(state.overlay.is_none());
    assert_eq!(input(&state, "city"), "Montréalx");
    // Ctrl-C asks too, and a second Ctrl-C quits.
    assert!(ctrl(&mut state, 'c').is_empty());
    assert!(ctrl(&mut state, 'c').contains(&Effect::Quit));
}

#[test]
fn a_failed_page_is_not_retried_behind_the_users_back() {
    let backend = backend();
    let mut state = State::new(backend, Session { profile: "t".into(), sandbox: true, ..Default::default() });
    let tag = load_tag(&state.start());
    let error = HttpError::Status {
        status: 401,
        message: Some("Unauthenticated.".into()),
        field_errors: vec![],
        exchange: Box::default(),
    };
    update(&mut state, Message::PageLoaded { tag, result: Err(error) });
    assert!(state.list.error.as_ref().unwrap().contains("401: not authorised"));
    assert!(key(&mut state, KeyCode::Char('j')).is_empty(), "moving does not resend");
    let effects = key(&mut state, KeyCode::Char('r'));
    assert!(matches!(effects.as_slice(), [Effect::LoadPage { page: PageRequest::Number(1), .. }]), "{effects:?}");
}

#[test]
fn opening_a_contact_with_a_stored_draft_opens_the_draft() {
    let backend = backend();
    let mut draft = rolo::record::Draft::new(&backend, contact(&backend, 1, "Montréal"));
    draft.set(backend.field_index("city").unwrap(), rolo::record::Input::Text("Laval".into()));
    let saved = rolo::journal::SavedDraft::of(&draft);

    let mut state =
        State::new(Arc::clone(&backend), Session { profile: "t".into(), sandbox: true, ..Default::default() });
    let found = rolo::journal::Offered { draft: saved, file: "drafts/1.json".into(), saved_at: None };
    state.offer_drafts(rolo::journal::Found { offered: vec![found], unreadable: Vec::new() });
    assert!(matches!(state.overlay, Some(rolo::app::Overlay::Restore { .. })), "drafts are offered at start");
    let tag = load_tag(&state.start());
    let page = Page {
        contacts: (1..=3).map(|id| contact(&backend, id, "Montréal")).collect(),
        skipped: 0,
        next: None,
        total: Some(3),
        exchange: Exchange::default(),
    };
    update(&mut state, Message::PageLoaded { tag, result: Ok(page) });
    key(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_none(), "Esc decides later");
    key(&mut state, KeyCode::Enter);
    assert_eq!(input(&state, "city"), "Laval", "the stored edits are back");
    assert!(state.restorable.is_empty());
}

#[test]
fn quitting_with_a_send_in_flight_records_it_as_unknown() {
    let mut state = open_form();
    focus(&mut state, "city");
    type_text(&mut state, "-Nord");
    let (_, saved) = send(&mut state);
    ctrl(&mut state, 'c');
    let effects = key(&mut state, KeyCode::Char('y'));
    assert!(effects.contains(&Effect::Cancel { tag: saved }), "{effects:?}");
    let recorded: Vec<_> =
        effects.iter().filter_map(|e| if let Effect::RecordHistory(entry) = e { Some(entry) } else { None }).collect();
    assert_eq!(recorded.len(), 1, "{effects:?}");
    assert_eq!((recorded[0].status, recorded[0].outcome), (None, rolo::http::Verdict::Unknown));
    assert_eq!(recorded[0].contact_id, "1");
}

fn check_tag(effects: &[Effect]) -> Tag {
    effects
        .iter()
        .find_map(|e| if let Effect::LoadContact { tag, .. } = e { Some(*tag) } else { None })
        .expect("a check")
}

#[test]
fn settling_conflicts_checks_again_before_sending() {
    let mut state = open_form();
    focus(&mut state, "city");
    type_text(&mut state, "-Nord");
    let check = check_tag(&ctrl(&mut state, 's'));
    let backend = Arc::clone(&state.backend);
    update(&mut state, Message::ContactLoaded { tag: check, result: ok_fetch(contact(&backend, 1, "Laval")) });
    assert_eq!(state.context(), rolo::app::keymap::Context::Conflict, "both changed the city");
    key(&mut state, KeyCode::Char('m'));
    let effects = key(&mut state, KeyCode::Enter);
    let again = check_tag(&effects);
    assert_ne!(again, check, "a fresh check, not the old one");
    assert_eq!(state.context(), rolo::app::keymap::Context::Form);
    assert_eq!(input(&state, "city"), "Montréal-Nord", "mine was kept");
}

#[test]
fn a_check_finding_conflicts_while_a_dropdown_is_open_asks_first() {
    let mut state = open_form();
    focus(&mut state, "city");
    type_text(&mut state, "-Nord");
    let check = check_tag(&ctrl(&mut state, 's'));
    // The country comes before the city: back up to it.
    let country = state.backend.field_index("country").unwrap();
    for _ in 0..50 {
        if state.form.as_ref().unwrap().focus == country {
            break;
        }
        key(&mut state, KeyCode::BackTab);
    }
    key(&mut state, KeyCode::Enter);
    assert_eq!(state.context(), rolo::app::keymap::Context::Dropdown);
    let backend = Arc::clone(&state.backend);
    update(&mut state, Message::ContactLoaded { tag: check, result: ok_fetch(contact(&backend, 1, "Laval")) });
    assert_eq!(state.context(), rolo::app::keymap::Context::Conflict, "one thing is open at a time");
}

#[test]
fn a_check_cancelled_with_esc_is_dropped_when_it_answers_anyway() {
    let mut state = open_form();
    focus(&mut state, "city");
    type_text(&mut state, "-Nord");
    let check = check_tag(&ctrl(&mut state, 's'));
    assert!(state.is_busy());
    let effects = key(&mut state, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::Cancel { tag: check }]);
    assert!(!state.is_busy(), "nothing is in flight any more");
    let backend = Arc::clone(&state.backend);
    let late =
        update(&mut state, Message::ContactLoaded { tag: check, result: ok_fetch(contact(&backend, 1, "Laval")) });
    assert!(late.is_empty(), "{late:?}");
    assert_eq!(state.context(), rolo::app::keymap::Context::Form, "no conflict from a cancelled check");
    assert_eq!(input(&state, "city"), "Montréal-Nord");
}
