//! Someone else changed the contact after it was opened: rolo notices before writing, keeps
//! their changes to other fields, and lets the user settle fields both changed.

mod common;

use std::sync::Arc;

use crossterm::event::KeyCode;
use secrecy::SecretString;

use rolo::backend;
use rolo::http::{Client, Timeouts};
use rolo::record::{Draft, Input};

const CM: &str = "corporatemerch";

/// Another user, editing contact `id` through the same API.
async fn someone_else_sets(app: &common::App, id: &str, changes: &[(&str, &str)]) {
    let backend = Arc::new(backend::find(CM, None).unwrap());
    let url = app.sandbox.as_ref().unwrap().base_url(CM);
    let secret = Some(SecretString::from(common::TOKEN.to_string()));
    let client = Client::new(Arc::clone(&backend), &url, secret, Default::default(), Timeouts::default()).unwrap();
    let contact = client.get(id).await.unwrap().contact.unwrap();
    let mut draft = Draft::new(&backend, contact);
    for (key, value) in changes {
        draft.set(backend.field_index(key).unwrap(), Input::Text(value.to_string()));
    }
    client.update(id, draft.body().unwrap()).await.unwrap();
}

async fn open_first(app: &mut common::App) {
    app.press(KeyCode::Enter);
    app.settle().await;
}

#[tokio::test]
async fn a_field_both_changed_is_settled_by_the_user_before_anything_is_sent() {
    let mut app = common::start(CM, 120, 40).await;
    open_first(&mut app).await;
    app.focus_field("city");
    app.replace_text("Mine City");
    app.focus_field("position");
    app.replace_text("Mine Position");
    someone_else_sets(&app, "1", &[("city", "Their City"), ("phone_number", "+1 555 0100")]).await;

    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("Changed on the server since you opened it"), "{screen}");
    let row = screen.lines().find(|l| l.contains("City") && l.contains("Their City")).expect("a City row");
    assert!(row.contains("Austin") && row.contains("Mine City") && row.contains("? choose"), "{row}");
    assert_eq!(app.stored(CM, "1")["city"], "Their City", "nothing was sent yet");

    app.press(KeyCode::Enter);
    assert!(app.screen().contains("Choose theirs (t) or mine (m)"), "every field needs a choice");
    app.press(KeyCode::Char('m'));
    app.press(KeyCode::Enter);
    app.settle().await;
    assert!(app.screen().contains("✓ Stored: 200"), "{}", app.screen());
    let stored = app.stored(CM, "1");
    assert_eq!(stored["city"], "Mine City", "mine, as chosen");
    assert_eq!(stored["position"], "Mine Position");
    assert_eq!(stored["phone_number"], "+1 555 0100", "their change to a field I left alone is kept");
}

#[tokio::test]
async fn keeping_theirs_drops_my_value_for_that_field() {
    let mut app = common::start(CM, 120, 40).await;
    open_first(&mut app).await;
    app.focus_field("city");
    app.replace_text("Mine City");
    app.focus_field("department");
    app.replace_text("Mine Dept");
    someone_else_sets(&app, "1", &[("city", "Their City")]).await;
    app.ctrl('s');
    app.settle().await;
    app.press(KeyCode::Char('t'));
    app.press(KeyCode::Enter);
    app.settle().await;
    let stored = app.stored(CM, "1");
    assert_eq!(stored["city"], "Their City");
    assert_eq!(stored["department"], "Mine Dept");
}

#[tokio::test]
async fn changes_to_other_fields_are_merged_without_asking() {
    let mut app = common::start(CM, 120, 40).await;
    open_first(&mut app).await;
    app.focus_field("position");
    app.replace_text("Mine Position");
    someone_else_sets(&app, "1", &[("phone_number", "+1 555 0199")]).await;
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("✓ Stored: 200"), "{screen}");
    let stored = app.stored(CM, "1");
    assert_eq!(stored["position"], "Mine Position");
    assert_eq!(stored["phone_number"], "+1 555 0199", "a full-body PUT did not overwrite their change");
}

#[tokio::test]
async fn esc_in_the_conflict_sends_nothing_and_keeps_my_edits() {
    let mut app = common::start(CM, 120, 40).await;
    open_first(&mut app).await;
    app.focus_field("city");
    app.replace_text("Mine City");
    someone_else_sets(&app, "1", &[("city", "Their City")]).await;
    app.ctrl('s');
    app.settle().await;
    app.press(KeyCode::Esc);
    assert!(app.screen().contains("Not sent"), "{}", app.screen());
    let city = app.runtime.state.backend.field_index("city").unwrap();
    assert_eq!(app.runtime.state.form.as_ref().unwrap().draft.input(city).text(), "Mine City");
    assert_eq!(app.stored(CM, "1")["city"], "Their City");
}

#[tokio::test]
async fn a_contact_changed_after_the_list_loaded_opens_as_the_server_has_it_now() {
    let mut app = common::start(CM, 120, 40).await;
    // Someone changes the city after the list was loaded: the form shows their city, and
    // keys typed before it arrived edit that version.
    someone_else_sets(&app, "1", &[("city", "Their City")]).await;
    app.press(KeyCode::Enter);
    assert!(app.runtime.state.form.is_none(), "the form waits for the contact");
    app.settle().await;
    app.focus_field("city");
    assert!(app.screen().contains("Their City"), "{}", app.screen());
    app.replace_text("Mine City");
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(!screen.contains("Changed on the server since you opened it"), "{screen}");
    assert_eq!(app.stored(CM, "1")["city"], "Mine City", "sent over the version the user saw");
}
