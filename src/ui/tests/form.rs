//! The form: its header, each field's line in each state (focused, changed, with an error,
//! read-only, kept as received), the footer, and its scrolling.

use crossterm::event::KeyCode;
use ratatui::style::{Modifier, Style};

use super::*;

/// Moves the focus to the field labelled `label`, by Tab as the user does.
fn focus(state: &mut State, label: &str) {
    let target = state.backend.fields.iter().position(|f| f.label == label).expect("a field");
    for _ in 0..state.backend.fields.len() {
        if state.form.as_ref().expect("a form").focus == target {
            return;
        }
        keys(state, [press(KeyCode::Tab)]);
    }
    panic!("Tab never reaches {label}");
}

/// Replaces the focused text field's value.
fn retype(state: &mut State, text: &str) {
    keys(state, [press(KeyCode::End), ctrl('j')]);
    type_text(state, text);
}

#[test]
fn the_header_names_the_contact_and_the_focused_field_has_the_pointer() {
    let state = form_state();
    let theme = Theme::default();
    let screen = frame(&state, &theme, 100, 40);
    let text = rows(&screen);
    assert_eq!(text[1], "Ada Tester1  #1");
    assert_eq!(style_of(&screen, "Ada Tester1"), theme.heading);
    assert_eq!(style_of(&screen, "#1"), theme.dim);
    assert_eq!(text[2], "── Person");
    assert_eq!(style_of(&screen, "── Person"), theme.heading);
    // ID is read-only: label and value dim. The focus starts on the first editable field.
    assert!(text[3].starts_with("    ID "), "{text:?}");
    assert_eq!(style_of(&screen, "ID "), theme.dim);
    assert!(text[4].starts_with("▶   First name*"), "{text:?}");
    assert_eq!(style_of(&screen, "First name*"), theme.selected);
    assert!(text[4].ends_with("Ada"), "the editor shows the value: {text:?}");
    assert!(text[5].starts_with("    Last name*"), "{text:?}");
    assert_eq!(style_of(&screen, "Last name*"), Style::default());
    // The status line: the request that fetched the contact.
    assert_eq!(text[38], "3 loaded / 3  │  200 · GET /corporatemerch/v2/contacts/1");
}

#[test]
fn a_changed_field_is_marked_and_counted_in_the_header() {
    let mut state = form_state();
    focus(&mut state, "Last name");
    retype(&mut state, "Lovelace");
    focus(&mut state, "Phone");
    let theme = Theme::default();
    let screen = frame(&state, &theme, 100, 40);
    let line = row(&screen, find(&screen, "Last name*").1);
    assert!(line.starts_with("  ● Last name*"), "{line}");
    assert!(line.ends_with("Lovelace"), "{line}");
    assert_eq!(style_of(&screen, "● Last"), theme.changed);
    assert_eq!(style_of(&screen, "Last name*"), theme.changed);
    assert!(row(&screen, 1).ends_with("● 1 changed"), "{}", row(&screen, 1));
    assert_eq!(style_of(&screen, "● 1 changed"), theme.changed);
}

#[test]
fn a_field_with_an_error_is_marked_and_the_message_stands_under_it() {
    let mut state = form_state();
    focus(&mut state, "Email");
    retype(&mut state, "not-an-email");
    let theme = Theme::default();
    let screen = frame(&state, &theme, 100, 40);
    let (_, y) = find(&screen, "Email*");
    assert!(row(&screen, y).starts_with("▶ ✗ Email*"), "{}", row(&screen, y));
    assert_eq!(style_of(&screen, "✗ Email"), theme.error);
    let under = row(&screen, y + 1);
    assert_eq!(under.trim_start(), "✗ Not a valid email address (name@example.com)");
    assert_eq!(style_of(&screen, "✗ Not a valid"), theme.error);
    assert!(row(&screen, 1).contains("✗ 1 problem"), "{}", row(&screen, 1));
    assert_eq!(style_of(&screen, "✗ 1 problem"), theme.error);
}

#[test]
fn without_colour_focus_changes_and_errors_keep_their_marks_and_attributes() {
    let mut state = form_state();
    focus(&mut state, "Last name");
    retype(&mut state, "Lovelace");
    focus(&mut state, "Email");
    retype(&mut state, "not-an-email");
    let theme = mono();
    let screen = frame(&state, &theme, 100, 40);
    assert!(colourless(&screen));
    // Focus: the pointer and reverse video.
    let (_, y) = find(&screen, "Email*");
    assert!(row(&screen, y).starts_with("▶ ✗"));
    assert_has(&screen, "Email*", Modifier::REVERSED);
    // Error: the cross, the message, bold.
    assert_has(&screen, "✗ Email", Modifier::BOLD);
    assert_has(&screen, "✗ Not a valid", Modifier::BOLD);
    // Change: the dot and italics.
    assert!(row(&screen, find(&screen, "Last name*").1).starts_with("  ● Last name*"));
    assert_has(&screen, "● Last", Modifier::ITALIC);
    // Read-only: dim.
    assert_has(&screen, "ID ", Modifier::DIM);
}

#[test]
fn a_value_the_form_cannot_edit_is_kept_and_the_note_under_it_says_why() {
    let backend = backend();
    let mut state = state_with(0);
    let mut value = record(5, "Kay", "Kept");
    value["city"] = json!({"name": "Albany"});
    let contact = Contact::from_record(&backend, value).expect("has an id");
    state.list.filter.extend([search_text(&backend, &contact)]);
    state.list.contacts.push(Row::new(&backend, &contact));
    key_served(&mut state, press(KeyCode::Enter), &[contact]);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 110, 40);
    let (_, y) = find(&screen, "City*");
    assert!(row(&screen, y).contains("⚠ {\"name\":\"Albany\"}  (as received, read-only)"), "{}", row(&screen, y));
    let note = row(&screen, y + 1);
    assert!(note.trim_start().starts_with("⚠ read-only, sent back as it came:"), "{note}");
    assert_eq!(style_of(&screen, "⚠ read-only"), theme.changed);
}

#[test]
fn the_form_scrolls_to_keep_the_focus_and_its_error_in_view_and_no_further() {
    let mut state = form_state();
    let theme = Theme::default();
    let mut scroll = Scroll::default();
    // 20 rows: the fields get 20 - title - header - footer - status - hints.
    frame_scrolled(&state, &theme, 80, 20, &mut scroll);
    focus(&mut state, "Lists");
    let screen = frame_scrolled(&state, &theme, 80, 20, &mut scroll);
    let (_, y) = find(&screen, "Lists");
    assert!(row(&screen, y).starts_with("▶"), "{:?}", rows(&screen));
    // Fields get rows 2 to 16 (the footer holds the field's help): the focus stops on the
    // last but one, keeping the line under it (where an error would show) in view.
    assert_eq!(y, 15, "{:?}", rows(&screen));
    assert_eq!(row(&screen, 17), "ⓘ IDs of existing contact lists, comma-separated");
    let top = row(&screen, 2);
    // Going back up one field does not move the screen.
    keys(&mut state, [press(KeyCode::BackTab)]);
    let screen = frame_scrolled(&state, &theme, 80, 20, &mut scroll);
    assert_eq!(row(&screen, 2), top, "{:?}", rows(&screen));
    // A form opened afresh starts at its top.
    keys(&mut state, [press(KeyCode::Esc)]);
    let screen = frame_scrolled(&state, &theme, 80, 20, &mut scroll);
    assert!(try_find(&screen, "Lists").is_none(), "the list is back");
    key_served(&mut state, press(KeyCode::Enter), &people(3));
    let screen = frame_scrolled(&state, &theme, 80, 20, &mut scroll);
    assert_eq!(row(&screen, 2), "── Person", "{:?}", rows(&screen));
}

#[test]
fn a_null_value_is_named_whether_focused_or_not() {
    let backend = Arc::new(backend::find("vixiees", None).expect("built-in backend"));
    let mut state = State::new(Arc::clone(&backend), Session::default());
    let value = json!({"id": 7, "first_name": "Eva", "last_name": "Ruiz", "second_last_name": null});
    let contact = Contact::from_record(&backend, value).expect("has an id");
    state.list.filter.extend([search_text(&backend, &contact)]);
    state.list.contacts.push(Row::new(&backend, &contact));
    key_served(&mut state, press(KeyCode::Enter), &[contact]);
    focus(&mut state, "Second surname");
    let theme = Theme::default();
    let screen = frame(&state, &theme, 100, 30);
    let (_, y) = find(&screen, "Second surname");
    assert!(row(&screen, y).starts_with("▶   Second surname"), "{}", row(&screen, y));
    assert!(row(&screen, y).ends_with("∅ null"), "the empty editor says null: {}", row(&screen, y));
    keys(&mut state, [press(KeyCode::Tab)]);
    let screen = frame(&state, &theme, 100, 30);
    assert!(row(&screen, y).ends_with("∅ null"), "{}", row(&screen, y));
    assert_eq!(style_of(&screen, "∅ null"), theme.dim);
    let mono = frame(&state, &mono(), 100, 30);
    assert_has(&mono, "∅ null", Modifier::DIM);
}

#[test]
fn a_terminal_too_small_says_how_big_it_must_be() {
    let state = form_state();
    let screen = frame(&state, &Theme::default(), 40, 10);
    assert_eq!(row(&screen, 0), "Terminal too small: 40x10. rolo needs at");
    assert_eq!(row(&screen, 1), "least 50x12.");
}

#[test]
fn a_long_value_focused_afresh_shows_its_end_not_where_the_last_one_was_scrolled() {
    let backend = backend();
    let mut state = state_with(0);
    let mut value = record(8, "Lena", "Long");
    value["address"] = json!("a".repeat(8_000));
    value["address2"] = json!("b".repeat(5_000));
    let contact = Contact::from_record(&backend, value).expect("has an id");
    state.list.filter.extend([search_text(&backend, &contact)]);
    state.list.contacts.push(Row::new(&backend, &contact));
    key_served(&mut state, press(KeyCode::Enter), &[contact]);
    let theme = Theme::default();
    let mut scroll = Scroll::default();
    focus(&mut state, "Address");
    let screen = frame_scrolled(&state, &theme, 80, 30, &mut scroll);
    let line = row(&screen, find(&screen, "▶   Address ").1);
    assert!(line.ends_with(&"a".repeat(50)), "the end of the first value: {line}");
    // The next field's editor starts from its own end, not from the first value's place
    // (character 7,9xx, past the end of this shorter value).
    keys(&mut state, [press(KeyCode::Tab)]);
    let screen = frame_scrolled(&state, &theme, 80, 30, &mut scroll);
    let line = row(&screen, find(&screen, "▶   Address line 2").1);
    assert!(line.ends_with(&"b".repeat(50)), "the end of the second value: {line}");
}
