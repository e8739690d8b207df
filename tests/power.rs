//! Power-user features in the terminal UI, through the whole app over real HTTP: preview before
//! sending, what the server changed, undo/redo, the command palette, searchable help,
//! read-only sessions, and the user's keys and theme.

mod common;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::Color;
use serde_json::{Value, json};

use rolo::app::Purpose;
use rolo::app::keymap::Keymap;
use rolo::ui::theme::Theme;

const CM: &str = "corporatemerch";

/// Opens contact `id` by filtering for its email.
async fn open(app: &mut common::App, id: &str) -> Value {
    let record = app.stored(CM, id);
    app.press(KeyCode::Char('/'));
    app.type_text(record["email"].as_str().unwrap());
    app.press(KeyCode::Enter);
    app.press(KeyCode::Enter);
    app.settle().await;
    assert_eq!(app.runtime.state.form.as_ref().expect("form opens").draft.loaded.id, id);
    record
}

#[tokio::test]
async fn the_preview_shows_the_request_and_the_diff_and_sends_from_there() {
    let mut app = common::start(CM, 120, 40).await;
    let before = open(&mut app, "12").await;
    app.focus_field("company_name");
    app.replace_text("Preview & Sons");
    app.ctrl('d');
    let screen = app.screen();
    assert!(screen.contains("Preview: nothing sent yet"), "{screen}");
    assert!(screen.contains("PUT http://127.0.0.1:") && screen.contains("/corporatemerch/v2/contacts/12"), "{screen}");
    // Values as JSON: the text in quotes, so a `1` becoming `true` would show as the change it is.
    assert!(screen.contains(&format!("- {}", before["company_name"])), "{screen}");
    assert!(screen.contains("+ \"Preview & Sons\""), "{screen}");
    assert!(screen.contains("\"company_name\": \"Preview & Sons\""), "the body is shown:\n{screen}");
    assert!(!screen.contains(common::TOKEN), "no secret on screen");
    assert_eq!(app.stored(CM, "12")["company_name"], before["company_name"], "a preview sends nothing");

    // Back to the form: the edit is still there.
    app.press(KeyCode::Esc);
    assert!(app.screen().contains("Preview & Sons"));
    assert!(app.runtime.state.overlay.is_none());

    app.ctrl('d');
    app.press(KeyCode::Enter);
    app.settle().await;
    assert_eq!(app.stored(CM, "12")["company_name"], "Preview & Sons");
    assert!(app.screen().contains("✓ Stored: 200"), "{}", app.screen());
}

#[tokio::test]
async fn with_preview_before_send_ctrl_s_goes_to_the_preview_first() {
    let mut app = common::start(CM, 120, 40).await;
    app.runtime.state.preview_first = true;
    open(&mut app, "13").await;
    app.focus_field("city");
    app.replace_text("Zwolle");
    app.ctrl('s');
    app.settle().await;
    assert!(app.screen().contains("Preview: nothing sent yet"), "{}", app.screen());
    assert_ne!(app.stored(CM, "13")["city"], "Zwolle");
    app.ctrl('s');
    app.settle().await;
    assert_eq!(app.stored(CM, "13")["city"], "Zwolle", "Ctrl-S on the preview sends");
}

#[tokio::test]
async fn fields_the_server_changed_or_ignored_are_pointed_out_after_a_send() {
    let mut app = common::start(CM, 120, 40).await;
    let before = open(&mut app, "14").await;
    app.focus_field("email");
    app.replace_text("New.Person@Example.com");
    app.focus_field("company_name");
    app.replace_text("Ignored Ltd");
    // The server lowercases the email and silently keeps the old company.
    let mut stored = before.clone();
    stored["email"] = json!("new.person@example.com");
    app.fail_writes(200, &json!({ "data": stored }).to_string(), "application/json");
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("✓ Stored: 200"), "{screen}");
    assert!(
        screen.contains("⚠ the server stored this differently: you sent “New.Person@Example.com”"),
        "the normalised email is pointed out:\n{screen}"
    );
    assert!(
        screen.contains("⚠ the server ignored this change: you sent “Ignored Ltd”, it kept the old value"),
        "the dropped change is pointed out:\n{screen}"
    );
    assert!(screen.contains("2 fields were stored differently from what was sent"), "{screen}");
    let form = app.runtime.state.form.as_ref().unwrap();
    assert_eq!(form.server_changed.len(), 2, "unchanged fields are not reported");
}

#[tokio::test]
async fn undo_redo_and_revert_work_per_field_and_across_fields() {
    let mut app = common::start(CM, 120, 40).await;
    let before = open(&mut app, "15").await;
    let company = before["company_name"].as_str().unwrap().to_string();
    let city = before["city"].as_str().unwrap().to_string();
    app.focus_field("company_name");
    app.replace_text("First");
    app.focus_field("city");
    app.replace_text("Second");
    let form = |app: &common::App, key: &str| {
        let state = &app.runtime.state;
        state.form.as_ref().unwrap().draft.input(state.backend.field_index(key).unwrap()).text().to_string()
    };
    app.ctrl('u');
    assert_eq!(form(&app, "city"), city, "the whole typing run in City is one step");
    assert_eq!(form(&app, "company_name"), "First");
    app.ctrl('u');
    assert_eq!(form(&app, "company_name"), company);
    assert!(!app.runtime.state.form.as_ref().unwrap().draft.is_dirty());
    app.ctrl('y');
    app.ctrl('y');
    assert_eq!(form(&app, "company_name"), "First");
    assert_eq!(form(&app, "city"), "Second");
    assert!(app.screen().contains("Second"), "the editor shows the redone text");

    // Revert: the focused field goes back to the loaded value, the others keep theirs.
    app.focus_field("company_name");
    app.ctrl('g');
    assert_eq!(form(&app, "company_name"), company);
    assert_eq!(form(&app, "city"), "Second");
    app.ctrl('u');
    assert_eq!(form(&app, "company_name"), "First", "a revert can be undone");
}

#[tokio::test]
async fn the_palette_finds_actions_by_name_shows_their_keys_and_runs_them() {
    let mut app = common::start(CM, 120, 40).await;
    app.press(KeyCode::Char(':'));
    app.type_text("reload");
    let screen = app.screen();
    assert!(screen.contains("Commands: Contact list"), "{screen}");
    assert!(screen.contains("▶ reload list") && screen.contains(" r"), "{screen}");
    app.press(KeyCode::Enter);
    assert!(app.runtime.state.requests.any(|p| *p == Purpose::ListPage), "choosing it reloads");
    app.settle().await;

    open(&mut app, "16").await;
    app.focus_field("city");
    app.replace_text("Palette City");
    app.ctrl('p');
    app.type_text("previw");
    assert!(app.screen().contains("▶ preview the request") && app.screen().contains("Ctrl-D"), "{}", app.screen());
    app.press(KeyCode::Enter);
    assert!(app.screen().contains("Preview: nothing sent yet"), "fuzzy match despite the typo");
    app.press(KeyCode::Esc);
    app.ctrl('p');
    app.type_text("zzzzqqq");
    assert!(app.screen().contains("No command matches"));
    app.press(KeyCode::Esc);
    assert!(app.runtime.state.overlay.is_none());
}

#[tokio::test]
async fn help_is_searchable() {
    let mut app = common::start(CM, 120, 40).await;
    app.press(KeyCode::Char('?'));
    app.press(KeyCode::Char('/'));
    app.type_text("undo");
    let screen = app.screen();
    assert!(screen.contains("Ctrl-U") && screen.contains("undo"), "{screen}");
    assert!(!screen.contains("keep filter"), "rows that do not match are hidden:\n{screen}");
    app.type_text("xyzzy");
    assert!(app.screen().contains("No key matches “undoxyzzy”"));
    app.press(KeyCode::Esc);
    assert!(app.screen().contains("keep filter"), "Esc clears the search");
    app.press(KeyCode::Esc);
    assert!(app.runtime.state.overlay.is_none());
}

#[tokio::test]
async fn a_read_only_session_refuses_to_send_and_keeps_the_edit() {
    let mut app = common::start(CM, 120, 40).await;
    app.runtime.state.session.read_only = true;
    assert!(app.screen().contains("READ-ONLY"), "the title bar says so");
    let before = open(&mut app, "17").await;
    app.focus_field("city");
    app.replace_text("Nowhere");
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("Read-only: nothing is sent"), "{screen}");
    assert!(screen.contains("Nowhere"), "the edit stays");
    // Looking at what would be sent is fine; sending from there is refused too.
    app.ctrl('d');
    assert!(app.screen().contains("Preview (read-only: it cannot be sent;"), "{}", app.screen());
    app.press(KeyCode::Enter);
    app.settle().await;
    assert!(app.screen().contains("Read-only: nothing is sent"), "{}", app.screen());
    assert_eq!(app.stored(CM, "17")["city"], before["city"]);
}

#[tokio::test]
async fn user_keys_drive_the_app_and_show_in_hints_and_help() {
    let mut app = common::start(CM, 120, 40).await;
    let keys = ["ctrl-w".to_string()];
    app.runtime.state.keymap = Arc::new(Keymap::with_overrides([("form.save", &keys[..])]).unwrap());
    open(&mut app, "18").await;
    app.focus_field("city");
    app.replace_text("Keyville");
    assert!(app.screen().contains("Ctrl-W send"), "the hint follows the user's key:\n{}", app.screen());
    app.ctrl('s');
    app.settle().await;
    assert_ne!(app.stored(CM, "18")["city"], "Keyville", "the old key does nothing");
    app.key(KeyCode::Char('w'), KeyModifiers::CONTROL);
    app.settle().await;
    assert_eq!(app.stored(CM, "18")["city"], "Keyville");
    app.key(KeyCode::F(1), KeyModifiers::NONE);
    assert!(app.screen().contains("Ctrl-W                send"), "{}", app.screen());
}

#[tokio::test]
async fn the_monochrome_theme_uses_no_colour_and_keeps_every_meaning_in_symbols() {
    let mut app = common::start(CM, 120, 40).await;
    app.runtime.theme = Theme::chosen(Some("monochrome"), &Default::default(), false).unwrap();
    open(&mut app, "19").await;
    app.focus_field("email");
    app.replace_text("not-an-email");
    let screen = app.screen();
    assert!(screen.contains("✗"), "errors carry a symbol:\n{screen}");
    let buffer = app.terminal.backend().buffer();
    for cell in buffer.content() {
        assert!(matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset), "{cell:?} has a colour");
    }
    // NO_COLOR wins over the user's colours.
    let colours = [("error".to_string(), "red".to_string())].into();
    assert_eq!(Theme::chosen(None, &colours, true).unwrap(), Theme::monochrome());
    assert!(Theme::chosen(None, &[("error".to_string(), "plaid".to_string())].into(), false).is_err());
}
