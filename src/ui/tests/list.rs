//! The contact list: its rows, the cursor, the filter line, marks, the empty states, paging.

use crossterm::event::KeyCode;
use ratatui::style::{Modifier, Style};

use super::*;

#[test]
fn the_list_shows_a_heading_and_a_row_per_contact_with_the_cursor_on_the_first() {
    let state = state_with(3);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 80, 12);
    let text = rows(&screen);
    assert!(text[0].starts_with(" rolo │ Corporate Merch │ work"), "{text:?}");
    assert_eq!(style_of(&screen, "rolo"), theme.title);
    assert!(text[1].starts_with("  Name"), "{text:?}");
    assert_eq!(style_of(&screen, "Name"), theme.heading);
    assert!(text[2].starts_with("▶ Ada Tester1"), "{text:?}");
    assert!(text[3].starts_with("  Grace Tester2"), "{text:?}");
    assert!(text[4].starts_with("  Alan Tester3"), "{text:?}");
    // The whole cursor row is highlighted, the others are not.
    for x in 0..80 {
        assert_eq!(cell_style(&screen, x, 2), theme.selected, "cell {x} of the cursor row");
        assert_eq!(cell_style(&screen, x, 3), Style::default(), "cell {x} of the next row");
    }
    assert!(text[10].starts_with("3 loaded"), "{text:?}");
    assert!(text[11].starts_with("Enter open contact"), "{text:?}");
    assert_eq!(style_of(&screen, "Enter"), theme.key);
}

#[test]
fn without_colour_the_cursor_row_is_in_reverse_video_and_marked_by_a_pointer() {
    let state = state_with(3);
    let screen = frame(&state, &mono(), 80, 12);
    assert!(colourless(&screen));
    assert_eq!(find(&screen, "▶"), (0, 2));
    assert_has(&screen, "Ada", Modifier::REVERSED);
    assert!(!style_of(&screen, "Grace").add_modifier.contains(Modifier::REVERSED));
    assert_has(&screen, "Name", Modifier::BOLD | Modifier::UNDERLINED);
}

#[test]
fn the_filter_line_shows_what_is_typed_the_caret_and_the_count() {
    let mut state = state_with(3);
    keys(&mut state, [press(KeyCode::Char('/'))]);
    type_text(&mut state, "gra");
    let theme = Theme::default();
    let screen = frame(&state, &theme, 80, 12);
    let text = rows(&screen);
    assert_eq!(text[1], "/gra▏   1 of 3 match");
    assert_eq!(style_of(&screen, "/gra"), theme.key);
    assert_eq!(style_of(&screen, "gra▏"), Style::default());
    assert_eq!(style_of(&screen, "▏"), theme.key);
    assert_eq!(style_of(&screen, "1 of 3"), theme.dim);
    assert!(text[3].starts_with("▶ Grace Tester2"), "{text:?}");
    assert_eq!(try_find(&screen, "Ada"), None);

    // A key typed before the matches of the last one came: the query shows at once, the list
    // keeps the matches it has, and the count waits for the new ones.
    update(&mut state, Message::Key(press(KeyCode::Char('c'))));
    let screen = frame(&state, &theme, 80, 12);
    assert_eq!(row(&screen, 1), "/grac▏   matching…");
    assert!(row(&screen, 3).starts_with("▶ Grace Tester2"), "{:?}", rows(&screen));
}

#[test]
fn a_filter_matching_nothing_says_so_and_how_to_clear_it() {
    let mut state = state_with(3);
    keys(&mut state, [press(KeyCode::Char('/'))]);
    type_text(&mut state, "zzz");
    let theme = Theme::default();
    let screen = frame(&state, &theme, 80, 12);
    assert_eq!(row(&screen, 2), "No contact matches the filter. Esc clears it.");
    assert_eq!(style_of(&screen, "No contact"), theme.dim);
}

#[test]
fn an_empty_list_and_a_failed_load_are_told_in_words() {
    let mut state = state_with(0);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 80, 12);
    assert_eq!(row(&screen, 1), "No contacts.");
    assert_eq!(style_of(&screen, "No contacts."), theme.dim);
    state.list.error = Some("Loading contacts failed: timed out. Press r to retry.".into());
    let screen = frame(&state, &theme, 80, 12);
    assert_eq!(row(&screen, 1), "Loading contacts failed: timed out. Press r to retry.");
}

#[test]
fn marked_contacts_get_a_column_of_marks_and_the_status_line_counts_them() {
    let mut state = state_with(3);
    // Space marks the contact under the cursor and moves down.
    keys(&mut state, [press(KeyCode::Char(' '))]);
    let theme = Theme::default();
    let screen = frame(&state, &theme, 80, 12);
    let text = rows(&screen);
    assert!(text[1].starts_with("  ✓ Name"), "{text:?}");
    assert!(text[2].starts_with("  ● Ada Tester1"), "the mark is a symbol, not a colour: {text:?}");
    assert!(text[3].starts_with("▶   Grace Tester2"), "{text:?}");
    assert!(text[10].contains("│  1 marked"), "{text:?}");
    assert_eq!(style_of(&screen, "1 marked"), theme.key);
}

#[test]
fn the_list_scrolls_only_when_the_cursor_would_leave_it_and_pages_by_the_rows_shown() {
    let mut state = state_with(30);
    update(&mut state, Message::Resized { width: 80, height: 12 });
    // 12 rows: title, heading, 8 contacts, status, hints.
    assert_eq!(state.list.page_rows(state.screen_rows), 8);
    let theme = Theme::default();
    let mut scroll = Scroll::default();
    let screen = frame_scrolled(&state, &theme, 80, 12, &mut scroll);
    let shown = (2..10).filter(|&y| !row(&screen, y).is_empty()).count();
    assert_eq!(shown, 8, "the page the app moves by is the rows the view shows");

    keys(&mut state, [press(KeyCode::PageDown)]);
    assert_eq!(state.list.cursor, 8);
    let screen = frame_scrolled(&state, &theme, 80, 12, &mut scroll);
    assert!(row(&screen, 2).starts_with("  Grace Tester2"), "scrolled by one: {:?}", rows(&screen));
    assert!(row(&screen, 9).starts_with("▶ Ada Tester9"), "{:?}", rows(&screen));

    // Moving up inside the screen does not scroll.
    keys(&mut state, [press(KeyCode::Up), press(KeyCode::Up), press(KeyCode::Up)]);
    let screen = frame_scrolled(&state, &theme, 80, 12, &mut scroll);
    assert!(row(&screen, 2).starts_with("  Grace Tester2"), "{:?}", rows(&screen));
    assert!(row(&screen, 6).starts_with("▶ Donald Tester6"), "{:?}", rows(&screen));

    // With the filter line showing, a page is one row shorter, on screen and for the app.
    keys(&mut state, [press(KeyCode::Char('/'))]);
    assert_eq!(state.list.page_rows(state.screen_rows), 7);
    let screen = frame_scrolled(&state, &theme, 80, 12, &mut scroll);
    let shown = (3..10).filter(|&y| !row(&screen, y).is_empty()).count();
    assert_eq!(shown, 7);
}

#[test]
fn the_secret_the_look_carries_is_masked_wherever_a_record_shows_it() {
    let backend = backend();
    let mut state = state_with(0);
    let contact = Contact::from_record(&backend, record(1, "Ada", "tok-0123456789abcdef")).expect("has an id");
    state.list.filter.extend([search_text(&backend, &contact)]);
    state.list.contacts.push(Row::new(&backend, &contact));
    let secret = secrecy::SecretString::from("tok-0123456789abcdef".to_string());
    let redactor = crate::redact::Redactor::new(Some(&secret));
    let theme = Theme::default();
    let mut terminal = Terminal::new(TestBackend::new(80, 12)).expect("terminal");
    let look = Look { theme: &theme, secret: Some(&redactor) };
    terminal.draw(|f| draw(f, &state, look, &mut Scroll::default())).expect("draw");
    let masked = row(terminal.backend().buffer(), 2);
    assert!(masked.starts_with("▶ Ada ***********"), "{masked}");
    assert!(!masked.contains("0123"), "{masked}");
    // Without a secret to hide, the same row shows the value.
    let plain = frame(&state, &theme, 80, 12);
    assert!(row(&plain, 2).starts_with("▶ Ada tok-0123456"), "{}", row(&plain, 2));
}

#[test]
fn while_the_search_loads_the_rest_the_filter_line_says_how_far_it_got() {
    let backend = backend();
    let mut state = State::new(Arc::clone(&backend), Session { profile: "work".into(), ..Default::default() });
    state.deterministic = true;
    let effects = state.start();
    let Some(Effect::LoadPage { tag, .. }) = effects.first().cloned() else { panic!("the first page: {effects:?}") };
    let contacts = (1..=3).map(|i| Contact::from_record(&backend, record(i, "Ada", "Tester")).expect("has an id"));
    let page = crate::http::Page {
        contacts: contacts.collect(),
        skipped: 0,
        next: Some(crate::http::PageRequest::Number(2)),
        total: Some(12_345),
        exchange: exchange("GET", "/contacts?page=1"),
    };
    update(&mut state, Message::PageLoaded { tag, result: Ok(page) });
    keys(&mut state, [press(KeyCode::Char('/'))]);
    type_text(&mut state, "zzz");
    assert!(state.list.searching());
    let theme = Theme::default();
    let screen = frame(&state, &theme, 100, 12);
    assert_eq!(row(&screen, 1), "/zzz▏   0 of 3 match   searching: 3 of 12,345 loaded ░░░░░░░░░░ 0%");
    assert_eq!(style_of(&screen, "searching: 3 of 12,345"), theme.key);
    assert_eq!(
        row(&screen, 2),
        "No contact matches yet; the rest of the list is loading to be searched. Esc stops it."
    );
    assert_eq!(style_of(&screen, "No contact matches yet"), theme.dim);

    // Esc stops it: the line no longer says searching, the list says why it stopped.
    keys(&mut state, [press(KeyCode::Esc)]);
    let screen = frame(&state, &theme, 100, 12);
    assert_eq!(row(&screen, 1), "/zzz▏   0 of 3 match");
    assert_eq!(row(&screen, 2), "Loading cancelled. Press r to load again.");
}

#[test]
fn while_the_scan_goes_on_the_count_is_what_was_found_so_far() {
    let mut state = state_with(5_000);
    keys(&mut state, [press(KeyCode::Char('/'))]);
    // The first batch of contacts is matched; the rest are still to be.
    let effects = update(&mut state, Message::Key(press(KeyCode::Char('z'))));
    let Some(Effect::Match(job)) = effects.into_iter().find(|e| matches!(e, Effect::Match(_))) else {
        panic!("a query asks for matching")
    };
    // The matching thread's first batch of answers, as it sends them before the rest.
    let mut matcher = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
    update(&mut state, job.answer(job.score(0..1_000, &mut matcher), false));
    assert!(state.list.filter.is_matching(), "the scan goes on");
    let theme = Theme::default();
    let screen = frame(&state, &theme, 80, 12);
    assert_eq!(row(&screen, 1), "/z▏   0 of 5000 match so far, matching…");
    assert_eq!(row(&screen, 2), "No contact matches yet; still matching.");
}
