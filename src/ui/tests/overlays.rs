//! Every screen drawn over the others: help, palette, raw response, confirm, dropdown,
//! preview, restore, history, bulk edit, conflicts, key/value entries.

use crossterm::event::KeyCode;
use ratatui::style::Modifier;

use super::*;
use crate::app::Effect;
use crate::history::{FieldChange, HistoryEntry, Loaded};
use crate::http::{Verdict, Wire};
use crate::journal::{FORMAT, Found, Offered, SavedDraft, SavedEdit, Unreadable};
use crate::record::Input;

/// The form with First name changed to `Adax`.
fn dirty_form() -> State {
    let mut state = form_state();
    keys(&mut state, [press(KeyCode::End)]);
    type_text(&mut state, "x");
    state
}

#[test]
fn help_lists_each_screens_keys_under_its_heading() {
    let mut state = state_with(3);
    keys(&mut state, [press(KeyCode::Char('?'))]);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 90, 24);
    assert_eq!(style_of(&screen, "┌ Help: keys (/ searches, Esc closes)"), theme.key);
    assert_eq!(style_of(&screen, "Contact list"), theme.heading);
    assert!(row(&screen, find(&screen, "open contact").1).contains("│  Enter                 open contact"));
    assert_eq!(row(&screen, 23), "Esc close  / search", "the hints follow the overlay");
    let mono = frame(&state, &mono(), 90, 24);
    assert_has(&mono, "Contact list", Modifier::BOLD | Modifier::UNDERLINED);
}

#[test]
fn the_palette_lists_the_screens_commands_with_their_keys_and_marks_the_choice() {
    let mut state = state_with(3);
    keys(&mut state, [ctrl('p')]);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 90, 24);
    assert!(try_find(&screen, "┌ Commands: Contact list").is_some());
    assert!(row(&screen, find(&screen, "> ▏").1).contains("│> ▏"));
    let chosen = row(&screen, find(&screen, "▶ open contact").1);
    assert!(chosen.ends_with("Enter│"), "{chosen}");
    assert_eq!(style_of(&screen, "open contact"), theme.selected);
    assert_eq!(style_of(&screen, "filter"), Style::default());
    // Typing narrows the list.
    type_text(&mut state, "reload");
    let screen = frame(&state, &theme, 90, 24);
    assert!(try_find(&screen, "▶ reload list").is_some(), "{:?}", rows(&screen));
    assert!(try_find(&screen, "open contact").is_none());
    let mono = frame(&state, &mono(), 90, 24);
    assert!(colourless(&mono));
    assert_has(&mono, "reload list", Modifier::REVERSED);
}

#[test]
fn the_raw_response_shows_the_request_the_status_and_the_body() {
    let mut state = form_state();
    keys(&mut state, [ctrl('r')]);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 90, 24);
    assert!(row(&screen, 1).starts_with("┌ Raw response (Esc closes, ↑↓ scroll)"));
    assert_eq!(
        row(&screen, 2),
        "│GET http://127.0.0.1:9/corporatemerch/v2/contacts/1 → 200 · 0 ms                        │"
    );
    assert!(row(&screen, 4).starts_with("│Response body"));
    assert_eq!(style_of(&screen, "Response body"), theme.heading);
    assert!(row(&screen, 5).starts_with("│{}"));
}

#[test]
fn leaving_a_changed_form_asks_first_and_names_what_would_be_lost() {
    let mut state = dirty_form();
    keys(&mut state, [press(KeyCode::Esc)]);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 90, 24);
    assert_eq!(style_of(&screen, "┌ Unsent changes"), theme.error);
    assert!(try_find(&screen, "│Discard your unsent changes to Ada Tester1?").is_some());
    assert_eq!(style_of(&screen, "Changed: First name"), theme.changed);
    assert!(try_find(&screen, "y: discard    n / Esc / Enter: keep editing").is_some());
    assert_eq!(row(&screen, 23), "y yes  n no");
    let mono = frame(&state, &mono(), 90, 24);
    assert!(colourless(&mono));
    assert_has(&mono, "┌ Unsent changes", Modifier::BOLD);
}

#[test]
fn a_dropdown_opens_under_its_field_with_the_current_choice_marked() {
    let mut state = form_state();
    while state.backend.fields[state.form.as_ref().unwrap().focus].label != "Shirt size" {
        keys(&mut state, [press(KeyCode::Tab)]);
    }
    keys(&mut state, [press(KeyCode::Enter)]);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 90, 24);
    let (x, y) = find(&screen, "▶   Shirt size");
    assert_eq!(x, 0);
    let (box_x, box_y) = find(&screen, "┌──────────┐");
    assert_eq!(box_y, y + 1, "right under the field");
    assert_eq!(box_x, 23, "where the value starts");
    assert_eq!(style_of(&screen, "┌──────────┐"), theme.key);
    let choices: Vec<String> = (box_y + 1..box_y + 9).map(|r| row(&screen, r)[box_x as usize..].to_string()).collect();
    assert!(choices[0].starts_with("│  (none)"), "{choices:?}");
    assert!(choices[3].starts_with("│▶ MD"), "{choices:?}");
    assert_eq!(style_of(&screen, "▶ MD"), theme.selected);
    assert_eq!(row(&screen, 23), "Enter choose  Esc close");
    let mono = frame(&state, &mono(), 90, 24);
    assert_has(&mono, "▶ MD", Modifier::REVERSED);
}

#[test]
fn the_preview_shows_the_request_each_change_before_and_after_and_the_body() {
    let mut state = dirty_form();
    let backend = Arc::clone(&state.backend);
    let wire = Wire::new(backend, "http://127.0.0.1:9", None, Default::default());
    state.wire = Some(wire.expect("wire"));
    keys(&mut state, [ctrl('d')]);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 90, 30);
    assert!(
        row(&screen, 1).starts_with("┌ Preview: nothing sent yet (Enter sends, Esc goes back)"),
        "{:?}",
        rows(&screen)
    );
    let request = row(&screen, 2);
    assert!(request.starts_with("│PUT http://127.0.0.1:9/"), "{request}");
    assert_eq!(style_of(&screen, "PUT"), theme.heading);
    assert_eq!(style_of(&screen, "Changes: 1 field"), theme.heading);
    assert!(try_find(&screen, "│  ● First name").is_some());
    assert_eq!(style_of(&screen, "- \"Ada\""), theme.error);
    assert_eq!(style_of(&screen, "+ \"Adax\""), theme.ok);
    assert_eq!(style_of(&screen, "Body"), theme.heading);
    // Without colour, the old and new values still differ by their - and +.
    let mono = frame(&state, &mono(), 90, 30);
    assert!(colourless(&mono));
    assert!(try_find(&mono, "      - \"Ada\"").is_some() && try_find(&mono, "      + \"Adax\"").is_some());
}

#[test]
fn drafts_left_unsent_are_offered_with_what_they_change_and_unreadable_files_named() {
    let mut state = state_with(3);
    let draft = SavedDraft {
        format: FORMAT,
        backend: "corporatemerch".into(),
        contact_id: "2".into(),
        title: "Grace Tester2".into(),
        loaded: record(2, "Grace", "Tester2"),
        edits: vec![SavedEdit { key: "city".into(), label: "City".into(), input: Input::Text("Troy".into()) }],
    };
    let offered = vec![Offered { draft, file: "/drafts/2.json".into(), saved_at: None }];
    let unreadable = vec![Unreadable { file: "/drafts/broken.json".into(), reason: "not JSON: line 1".into() }];
    state.offer_drafts(Found { offered, unreadable });
    let theme = Theme::default();
    let screen = frame(&state, &theme, 90, 24);
    assert_eq!(style_of(&screen, "┌ Unsent drafts"), theme.changed);
    assert!(try_find(&screen, "│These edits were never sent (rolo was closed, killed or crashed):").is_some());
    assert!(try_find(&screen, "│▶ Grace Tester2  #2").is_some(), "{:?}", rows(&screen));
    assert_eq!(style_of(&screen, "▶ Grace Tester2"), theme.selected);
    assert_eq!(style_of(&screen, "  #2"), theme.dim);
    assert_eq!(style_of(&screen, "● changes: City"), theme.changed);
    assert_eq!(style_of(&screen, "⚠ These draft files cannot be restored"), theme.changed);
    assert!(try_find(&screen, "│  /drafts/broken.json").is_some());
    assert_eq!(style_of(&screen, "not JSON: line 1"), theme.dim);
    assert!(try_find(&screen, "Enter restores into the form · d discards · Esc decides later").is_some());
    let mono = frame(&state, &mono(), 90, 24);
    assert!(colourless(&mono));
    assert_has(&mono, "▶ Grace Tester2", Modifier::REVERSED);
}

#[test]
fn the_history_lists_each_send_with_its_outcome_and_its_details_on_demand() {
    let mut state = state_with(3);
    let effects = update(&mut state, Message::Key(press(KeyCode::Char('H'))));
    let Some(Effect::LoadHistory { tag }) = effects.first().cloned() else {
        panic!("H reads the history: {effects:?}")
    };
    let entry = |id: &str, title: &str, outcome, status| HistoryEntry {
        time: "2024-06-01T12:30:00Z".into(),
        profile: "work".into(),
        backend: "corporatemerch".into(),
        contact_id: id.into(),
        title: title.into(),
        status,
        outcome,
        changes: vec![FieldChange {
            field: "city".into(),
            label: "City".into(),
            before: json!("Albany"),
            after: json!("Troy"),
        }],
    };
    let entries = vec![
        entry("1", "Ada Tester1", Verdict::Stored, Some(200)),
        entry("2", "Grace Tester2", Verdict::NotStored, Some(422)),
    ];
    update(&mut state, Message::HistoryLoaded { tag, result: Ok(Loaded { entries, skipped: 0 }) });
    let theme = Theme::default();
    let screen = frame(&state, &theme, 100, 24);
    assert!(row(&screen, 1).starts_with("┌ Change history (newest first)"));
    // Newest first, the selection on it; the outcome in words and a symbol, not only colour.
    assert!(
        row(&screen, 2).starts_with("│▶ 2024-06-01 12:30:00  ✗ Not stored (422) Grace Tester2  #2  City"),
        "{:?}",
        rows(&screen)
    );
    assert!(
        row(&screen, 3).starts_with("│  2024-06-01 12:30:00  ✓ Stored (200)     Ada Tester1  #1  City"),
        "{:?}",
        rows(&screen)
    );
    assert_eq!(style_of(&screen, "▶ 2024"), theme.selected);
    assert_eq!(style_of(&screen, "✗ Not stored"), theme.error);
    assert_eq!(style_of(&screen, "✓ Stored"), theme.ok);
    assert_eq!(style_of(&screen, "  #1"), theme.dim);
    assert_eq!(style_of(&screen, "  City"), theme.changed);
    // The details of the selected entry: before and after.
    keys(&mut state, [press(KeyCode::Enter)]);
    let screen = frame(&state, &theme, 100, 24);
    assert!(row(&screen, 1).starts_with("┌ Change history: details (Esc back)"));
    assert!(row(&screen, 2).starts_with("│Grace Tester2  #2  ✗ Not stored (422)"));
    assert_eq!(style_of(&screen, "Grace Tester2"), theme.heading);
    assert!(row(&screen, 5).starts_with("│City: \"Albany\" → \"Troy\""), "{:?}", rows(&screen));
    let mono = frame(&state, &mono(), 100, 24);
    assert!(colourless(&mono));
    assert!(row(&mono, 2).contains("✗ Not stored (422)"));
}

#[test]
fn bulk_edit_first_asks_which_field_for_the_marked_contacts() {
    let mut state = state_with(3);
    keys(&mut state, [press(KeyCode::Char(' ')), press(KeyCode::Char(' '))]);
    key_served(&mut state, press(KeyCode::Char('B')), &people(3));
    let theme = Theme::default();
    let screen = frame(&state, &theme, 90, 24);
    assert!(row(&screen, 1).starts_with("┌ Bulk edit of 2 contacts: 1. the field"));
    assert_eq!(style_of(&screen, "Which field gets the same value"), theme.dim);
    assert!(row(&screen, 4).starts_with("│▶ First name  (first_name)"), "{:?}", rows(&screen));
    assert_eq!(style_of(&screen, "▶ First name"), theme.selected);
    assert!(row(&screen, 5).starts_with("│  Last name  (last_name)"));
    // The marked contacts were fetched for the preview: the last request shows.
    assert_eq!(row(&screen, 22), "3 loaded / 3  │  2 marked  │  200 · GET /corporatemerch/v2/contacts/2");
    let mono = frame(&state, &mono(), 90, 24);
    assert!(colourless(&mono));
    assert_has(&mono, "▶ First name", Modifier::REVERSED);
}

#[test]
fn a_conflict_shows_theirs_and_mine_side_by_side() {
    let mut state = dirty_form();
    let effects = update(&mut state, Message::Key(ctrl('s')));
    let Some(Effect::LoadContact { tag, .. }) = effects.first().cloned() else { panic!("a check first: {effects:?}") };
    let theirs = Contact::from_record(&state.backend, record(1, "Adeline", "Tester1")).expect("has an id");
    let fetched = Fetched { contact: Some(theirs), exchange: exchange("GET", "/contacts/1") };
    update(&mut state, Message::ContactLoaded { tag, result: Ok(fetched) });
    let theme = Theme::default();
    let screen = frame(&state, &theme, 100, 30);
    assert_eq!(style_of(&screen, "┌ Changed on the server since you opened it"), theme.error);
    assert_eq!(style_of(&screen, "Both you and someone else changed these fields."), theme.dim);
    let (_, heading) = find(&screen, "Field ");
    let titles = "│Field             Original              Theirs               Mine                  Keep";
    assert!(row(&screen, heading).contains(titles), "{:?}", rows(&screen));
    assert_eq!(style_of(&screen, "Field "), theme.heading);
    let line = row(&screen, heading + 1);
    assert!(
        line.contains("│▶ First name      Ada                   Adeline              Adax                  ? choose"),
        "{line}"
    );
    assert_eq!(style_of(&screen, "▶ First name"), theme.selected);
    // Choosing a side shows it in words.
    keys(&mut state, [press(KeyCode::Char('m'))]);
    let screen = frame(&state, &theme, 100, 30);
    assert!(row(&screen, heading + 1).contains("✓ mine"), "{:?}", rows(&screen));
    let mono = frame(&state, &mono(), 100, 30);
    assert!(colourless(&mono));
    assert_has(&mono, "▶ First name", Modifier::REVERSED);
}

#[test]
fn key_value_entries_open_in_their_own_editor() {
    let backend = Arc::new(backend::find("vixiees", None).expect("built-in backend"));
    let mut state = State::new(Arc::clone(&backend), Session::default());
    let value = json!({"id": 7, "first_name": "Eva", "last_name": "Ruiz", "custom_attributes": [{"key": "tier", "value": "gold"}, {"key": "score", "value": 3}]});
    let contact = Contact::from_record(&backend, value).expect("has an id");
    state.list.filter.extend([search_text(&backend, &contact)]);
    state.list.contacts.push(Row::new(&backend, &contact));
    key_served(&mut state, press(KeyCode::Enter), &[contact]);
    let target = backend.field_index("custom_attributes").expect("a key/value field");
    while state.form.as_ref().unwrap().focus != target {
        keys(&mut state, [press(KeyCode::Tab)]);
    }
    keys(&mut state, [press(KeyCode::Enter)]);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 100, 30);
    let (_, top) = find(&screen, "┌ Custom attributes — values: string, number, bool, null");
    assert_eq!(style_of(&screen, "┌ Custom attributes"), theme.key);
    assert!(row(&screen, top + 1).contains("│Key "), "{:?}", rows(&screen));
    assert_eq!(style_of(&screen, "Key "), theme.heading);
    assert!(row(&screen, top + 2).contains("tier") && row(&screen, top + 2).contains("string"), "{:?}", rows(&screen));
    assert!(row(&screen, top + 3).contains("score") && row(&screen, top + 3).contains("number"), "{:?}", rows(&screen));
    // The selected entry is highlighted; the other is not.
    let (x, y) = (find_on(&screen, top + 2, "string").expect("a type"), top + 2);
    assert_eq!(cell_style(&screen, x, y), theme.selected);
    let (x, y) = (find_on(&screen, top + 3, "number").expect("a type"), top + 3);
    assert_eq!(cell_style(&screen, x, y), Style::default());
    assert_eq!(style_of(&screen, "Changes go into the draft as you type."), theme.dim);
    let mono = frame(&state, &mono(), 100, 30);
    assert!(colourless(&mono));
    let x = find_on(&mono, top + 2, "string").expect("a type");
    assert!(cell_style(&mono, x, top + 2).add_modifier.contains(Modifier::REVERSED));
}

#[test]
fn bulk_edit_then_asks_the_value_shows_each_request_and_follows_the_sends() {
    let mut state = state_with(3);
    let backend = Arc::clone(&state.backend);
    let wire = Wire::new(backend, "http://127.0.0.1:9", None, Default::default());
    state.wire = Some(wire.expect("wire"));
    keys(&mut state, [press(KeyCode::Char(' ')), press(KeyCode::Char(' '))]);
    key_served(&mut state, press(KeyCode::Char('B')), &people(3));
    keys(&mut state, [press(KeyCode::Enter)]);
    type_text(&mut state, "Zed");
    let theme = Theme::default();
    let screen = frame(&state, &theme, 90, 24);
    assert!(row(&screen, 1).starts_with("┌ Bulk edit of 2 contacts: 2. the value"));
    assert_eq!(style_of(&screen, "Set First name to:"), theme.dim);
    assert!(row(&screen, 4).starts_with("│Zed▏"));
    assert_eq!(style_of(&screen, "▏"), theme.key);

    keys(&mut state, [press(KeyCode::Enter)]);
    let screen = frame(&state, &theme, 90, 24);
    assert!(row(&screen, 1).starts_with("┌ Bulk edit of 2 contacts: 3. the requests"));
    assert!(row(&screen, 2).starts_with("│First name for 2 contacts: 2 request(s)."));
    assert!(row(&screen, 5).starts_with("│Ada Tester1  #1  First name: \"Ada\" → \"Zed\""), "{:?}", rows(&screen));
    assert_eq!(style_of(&screen, "Ada Tester1"), theme.heading);
    assert_eq!(style_of(&screen, "  #1  "), theme.dim);
    assert_eq!(style_of(&screen, "First name: \"Ada\""), theme.changed);
    assert!(row(&screen, 6).starts_with("│  PUT http://127.0.0.1:9/contacts/1"));
    assert_eq!(style_of(&screen, "PUT"), theme.key);
    assert_eq!(style_of(&screen, "{\"first_name\":\"Zed\""), theme.dim);

    keys(&mut state, [press(KeyCode::Char('y'))]);
    let screen = frame(&state, &theme, 90, 24);
    assert!(row(&screen, 1).starts_with("┌ Bulk edit of 2 contacts: sending"));
    assert!(row(&screen, 2).contains("0/2"));
    // Each contact's state is a symbol and a word.
    assert!(row(&screen, 3).starts_with("│… Ada Tester1  #1  fetching"), "{:?}", rows(&screen));
    assert!(row(&screen, 4).starts_with("│· Grace Tester2  #2  waiting"), "{:?}", rows(&screen));
    assert_eq!(style_of(&screen, "· "), theme.dim);
    let mono = frame(&state, &mono(), 90, 24);
    assert!(colourless(&mono));
}
