//! Bulk edit over real HTTP: mark contacts, set one field for all, preview, send, retry.

mod common;

use crossterm::event::KeyCode;
use rolo::app::{BulkStep, ItemStatus};
use rolo::history::History;
use rolo::http::Verdict;

const CM: &str = "corporatemerch";

/// Marks the first three contacts of the list with Space; returns their ids.
fn mark_three(app: &mut common::App) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.runtime.state.list.selected().expect("a contact").id.clone());
        app.press(KeyCode::Char(' '));
    }
    let screen = app.screen();
    assert!(screen.contains("3 marked"), "the status line counts the marks:\n{screen}");
    assert_eq!(screen.matches('●').count(), 3, "each marked row shows a mark:\n{screen}");
    ids
}

/// A shirt size none of `ids` has yet.
fn new_size(app: &common::App, ids: &[String]) -> &'static str {
    let sizes: Vec<String> =
        ids.iter().map(|id| app.stored(CM, id)["shirt_size"].as_str().unwrap_or_default().to_string()).collect();
    ["3XL", "2XL", "XS", "SM"].into_iter().find(|s| !sizes.iter().any(|have| have == s)).unwrap()
}

/// B, the shirt size field, the value, Enter: the preview, described.
async fn open_preview(app: &mut common::App, size: &str) {
    app.type_text("B");
    let screen = app.screen();
    assert!(screen.contains("Bulk edit of 3 contacts: 1. the field"), "{screen}");
    app.type_text("Shirt");
    app.press(KeyCode::Enter);
    assert!(app.screen().contains("Set Shirt size to:"), "{}", app.screen());
    app.type_text(size);
    app.press(KeyCode::Enter);
    app.settle().await;
    assert_eq!(app.runtime.state.bulk_edit().unwrap().step, BulkStep::Preview);
}

fn statuses(app: &common::App) -> Vec<ItemStatus> {
    app.runtime.state.bulk_edit().expect("bulk edit open").items.iter().map(|i| i.status.clone()).collect()
}

#[tokio::test]
async fn three_marked_contacts_get_one_enum_value_each_with_a_preview_and_history() {
    let mut app = common::start(CM, 120, 40).await;
    let dir = tempfile::tempdir().unwrap();
    let history = History::new(dir.path(), "sandbox-corporatemerch");
    app.runtime.keep_history(history.clone());
    let ids = mark_three(&mut app);
    let size = new_size(&app, &ids);
    open_preview(&mut app, size).await;

    let screen = app.screen();
    assert_eq!(screen.matches("  PUT http://127.0.0.1:").count(), 3, "one request per contact:\n{screen}");
    assert!(screen.contains("{\"first_name\":"), "the body is shown:\n{screen}");
    assert!(!screen.contains(common::TOKEN), "never the secret:\n{screen}");
    for item in &app.runtime.state.bulk_edit().unwrap().preview {
        let outgoing = item.outgoing.as_ref().expect("described");
        assert!(outgoing.url.ends_with(&format!("/contacts/{}", item.contact_id)), "{}", outgoing.url);
        assert_eq!(outgoing.body["shirt_size"], size);
    }

    app.press(KeyCode::Enter);
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("3/3"), "the gauge says all are done:\n{screen}");
    assert_eq!(screen.matches("│✓ ").count(), 3, "three stored:\n{screen}");
    assert!(screen.contains("Stored: 200"), "{screen}");
    for id in &ids {
        assert_eq!(app.stored(CM, id)["shirt_size"], size, "contact {id}");
    }
    assert!(app.runtime.state.bulk.marks.is_empty(), "stored contacts are unmarked");

    app.runtime.flush_history();
    let recorded = history.read().unwrap().entries;
    assert_eq!(recorded.len(), 3, "every bulk send is in the history");
    assert!(
        recorded
            .iter()
            .all(|e| e.outcome == Verdict::Stored && e.status == Some(200) && e.changes[0].field == "shirt_size")
    );

    app.press(KeyCode::Esc);
    assert!(app.runtime.state.overlay.is_none(), "Esc closes the results");
}

#[tokio::test]
async fn failed_sends_keep_their_drafts_and_r_retries_only_them() {
    let mut app = common::start(CM, 120, 40).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = rolo::journal::Journal::new(dir.path(), "sandbox-corporatemerch");
    app.runtime.keep_drafts(journal.clone());
    let ids = mark_three(&mut app);
    let size = new_size(&app, &ids);
    open_preview(&mut app, size).await;
    app.fail_writes(500, "<html>Internal Server Error</html>", "text/html");
    app.press(KeyCode::Char('y'));
    app.settle().await;
    let screen = app.screen();
    assert_eq!(screen.matches("│✗ ").count(), 3, "three failures:\n{screen}");
    assert!(screen.contains("500"), "{screen}");
    assert!(statuses(&app).iter().all(|s| matches!(s, ItemStatus::NotStored(_))));
    let edit = app.runtime.state.bulk_edit().unwrap();
    assert!(edit.items.iter().all(|i| i.draft.as_ref().is_some_and(|d| d.is_dirty())), "drafts are kept");
    for id in &ids {
        assert_ne!(app.stored(CM, id)["shirt_size"], size, "nothing was written");
    }
    assert_eq!(app.runtime.state.bulk.marks.len(), 3, "failed contacts stay marked");
    app.runtime.flush_drafts();
    let kept = journal.list();
    assert_eq!(kept.len(), 3, "the failed drafts are in the draft journal too");
    assert!(kept.iter().all(|d| d.edits.len() == 1 && d.edits[0].key == "shirt_size"));

    app.sandbox.as_ref().unwrap().set_fault(None);
    app.press(KeyCode::Char('r'));
    app.settle().await;
    let screen = app.screen();
    assert_eq!(screen.matches("│✓ ").count(), 3, "the retry stores all three:\n{screen}");
    for id in &ids {
        assert_eq!(app.stored(CM, id)["shirt_size"], size);
    }
    app.runtime.flush_drafts();
    assert!(journal.list().is_empty(), "stored drafts leave the journal");
}

#[tokio::test]
async fn a_422_names_the_field_in_the_result_line() {
    let mut app = common::start(CM, 120, 40).await;
    let ids = mark_three(&mut app);
    let size = new_size(&app, &ids);
    open_preview(&mut app, size).await;
    app.fail_writes(
        422,
        r#"{"message":"The given data was invalid.","errors":{"shirt_size":["The selected shirt size is invalid."]}}"#,
        "application/json",
    );
    app.press(KeyCode::Enter);
    app.settle().await;
    let screen = app.screen();
    assert!(
        screen.contains("│✗ ") && screen.contains("422: shirt_size: The selected shirt size is invalid."),
        "{screen}"
    );
}

#[tokio::test]
async fn esc_while_sending_stops_new_sends() {
    let mut app = common::start(CM, 120, 40).await;
    let ids = mark_three(&mut app);
    let size = new_size(&app, &ids);
    open_preview(&mut app, size).await;
    app.press(KeyCode::Enter);
    assert_eq!(app.runtime.in_flight(), 1, "one contact at a time");
    app.press(KeyCode::Esc);
    app.settle().await;
    let states = statuses(&app);
    assert!(matches!(states[0], ItemStatus::Stored(_)), "the one in flight finishes: {states:?}");
    assert!(states[1..].iter().all(|s| *s == ItemStatus::Stopped), "{states:?}");
    assert_ne!(app.stored(CM, &ids[2])["shirt_size"], size);
    app.press(KeyCode::Char('r'));
    app.settle().await;
    assert!(statuses(&app).iter().all(|s| matches!(s, ItemStatus::Stored(_))));
}

#[tokio::test]
async fn a_text_value_is_validated_like_the_form() {
    let mut app = common::start(CM, 120, 40).await;
    mark_three(&mut app);
    app.type_text("B");
    app.settle().await;
    app.type_text("Birthday");
    app.press(KeyCode::Enter);
    app.type_text("2023-02-30");
    app.press(KeyCode::Enter);
    let screen = app.screen();
    assert!(screen.contains("✗ 2023-02-30 is not a real date"), "{screen}");
    assert_eq!(app.runtime.in_flight(), 0);
}

#[tokio::test]
async fn bulk_edit_is_refused_without_marks_and_in_a_read_only_session() {
    let mut app = common::start(CM, 120, 40).await;
    app.type_text("B");
    assert!(app.screen().contains("No contact is marked: Space marks"), "{}", app.screen());
    assert!(app.runtime.state.overlay.is_none());

    mark_three(&mut app);
    app.runtime.state.session.read_only = true;
    app.type_text("B");
    assert!(app.screen().contains("read-only profile: bulk edit is refused"), "{}", app.screen());
    assert!(app.runtime.state.overlay.is_none());
    app.press(KeyCode::Char('u'));
    assert!(app.runtime.state.bulk.marks.is_empty());
    assert!(!app.screen().contains("marked"));
}

#[tokio::test]
async fn bulk_preview_and_results_at_100x30() {
    let mut app = common::start(CM, 100, 30).await;
    let ids = mark_three(&mut app);
    let size = new_size(&app, &ids);
    open_preview(&mut app, size).await;
    insta::assert_snapshot!("bulk_preview_100x30", app.snapshot());
    app.press(KeyCode::Enter);
    app.settle().await;
    insta::assert_snapshot!("bulk_results_100x30", app.snapshot());
}
