//! The change history over real HTTP: every send is recorded, the screen lists it, and `r`
//! prepares the reverting change as a draft that sends the old value back.

mod common;

use crossterm::event::KeyCode;
use rolo::history::{History, HistoryEntry};
use rolo::http::Verdict;
use serde_json::json;

const CM: &str = "corporatemerch";

/// rolo against the sandbox, recording its history in a fresh folder.
async fn start() -> (common::App, tempfile::TempDir, History) {
    let mut app = common::start(CM, 120, 40).await;
    let dir = tempfile::tempdir().unwrap();
    let history = History::new(dir.path(), "sandbox-corporatemerch");
    app.runtime.keep_history(history.clone());
    (app, dir, history)
}

fn entries(app: &common::App, history: &History) -> Vec<HistoryEntry> {
    app.runtime.flush_history();
    history.read().unwrap().entries
}

/// Opens the first contact (id 1) and sets its position.
async fn send_position(app: &mut common::App, position: &str) {
    app.press(KeyCode::Enter);
    app.settle().await;
    app.focus_field("position");
    app.replace_text(position);
    app.ctrl('s');
    app.settle().await;
}

#[tokio::test]
async fn a_sent_change_is_recorded_listed_and_reverted() {
    let (mut app, _dir, history) = start().await;
    let before = app.stored(CM, "1")["position"].clone();
    assert_eq!(before, "Customer Success Manager");
    send_position(&mut app, "Night Manager").await;
    assert!(app.screen().contains("✓ Stored: 200"), "{}", app.screen());

    let recorded = entries(&app, &history);
    assert_eq!(recorded.len(), 1);
    let entry = &recorded[0];
    assert_eq!((entry.status, entry.outcome, entry.contact_id.as_str()), (Some(200), Verdict::Stored, "1"));
    assert_eq!(entry.backend, CM);
    assert_eq!(entry.changes.len(), 1);
    assert_eq!(entry.changes[0].field, "position");
    assert_eq!(entry.changes[0].before, before);
    assert_eq!(entry.changes[0].after, json!("Night Manager"));
    assert!(entry.time.parse::<jiff::Timestamp>().is_ok(), "RFC 3339 time: {}", entry.time);
    let file = std::fs::read_to_string(history.path()).unwrap();
    assert!(!file.contains(common::TOKEN), "the secret is never written: {file}");

    // The screen lists it, newest first.
    app.press(KeyCode::Esc);
    assert!(app.runtime.state.form.is_none());
    app.type_text("H");
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("Change history"), "{screen}");
    assert!(screen.contains("✓ Stored (200)") && screen.contains("#1") && screen.contains("Position"), "{screen}");

    // Enter shows before → after.
    app.press(KeyCode::Enter);
    let screen = app.screen();
    assert!(screen.contains(r#"Position: "Customer Success Manager" → "Night Manager""#), "{screen}");

    // r loads the contact and opens its form with the old value as an unsent change.
    app.press(KeyCode::Char('r'));
    app.settle().await;
    let state = &app.runtime.state;
    assert!(state.overlay.is_none());
    let form = state.form.as_ref().expect("the revert opens the form");
    let position = state.backend.field_index("position").unwrap();
    assert_eq!(form.draft.input(position).text(), "Customer Success Manager");
    assert!(form.draft.is_changed(position), "the old value is an unsent change");
    assert_eq!(app.stored(CM, "1")["position"], "Night Manager", "nothing is sent before Ctrl-S");
    let screen = app.screen();
    assert!(screen.contains("Revert prepared for"), "{screen}");

    app.ctrl('s');
    app.settle().await;
    assert!(app.screen().contains("✓ Stored: 200"), "{}", app.screen());
    assert_eq!(app.stored(CM, "1")["position"], "Customer Success Manager");
    let recorded = entries(&app, &history);
    assert_eq!(recorded.len(), 2, "the revert is a change of its own");
    assert_eq!(recorded[1].changes[0].after, json!("Customer Success Manager"));
}

#[tokio::test]
async fn a_failed_send_is_recorded_as_failed() {
    let (mut app, _dir, history) = start().await;
    app.fail_writes(500, "<html>Internal Server Error</html>", "text/html");
    send_position(&mut app, "Skunkworks Lead").await;
    assert!(app.screen().contains("500"), "{}", app.screen());
    let recorded = entries(&app, &history);
    assert_eq!(recorded.len(), 1);
    assert_eq!((recorded[0].status, recorded[0].outcome), (Some(500), Verdict::NotStored));
    assert_eq!(recorded[0].changes[0].after, json!("Skunkworks Lead"));

    app.press(KeyCode::Esc);
    app.press(KeyCode::Char('y'));
    app.type_text("H");
    app.settle().await;
    assert!(app.screen().contains("✗ Not stored (500)"), "{}", app.screen());
}

#[tokio::test]
async fn a_read_only_session_refuses_to_revert() {
    let (mut app, _dir, _history) = start().await;
    send_position(&mut app, "Night Manager").await;
    app.press(KeyCode::Esc);
    app.runtime.state.session.read_only = true;
    app.type_text("H");
    app.settle().await;
    app.press(KeyCode::Char('r'));
    assert_eq!(app.runtime.in_flight(), 0);
    assert!(app.runtime.state.form.is_none());
    assert!(app.screen().contains("read-only profile: reverting a change is refused"), "{}", app.screen());
}

#[tokio::test]
async fn without_a_history_file_the_screen_says_so() {
    let mut app = common::start(CM, 120, 40).await;
    send_position(&mut app, "Night Manager").await;
    app.press(KeyCode::Esc);
    app.type_text("H");
    app.settle().await;
    assert!(app.screen().contains("no change history is kept"), "{}", app.screen());
}
