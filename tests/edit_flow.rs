//! The whole app over real HTTP against the in-process Corporate Merch sandbox.

mod common;

use crossterm::event::KeyCode;
use rolo::app::Purpose;
use serde_json::Value;

const CM: &str = "corporatemerch";

fn text(record: &Value, key: &str) -> String {
    record[key].as_str().unwrap_or_default().to_string()
}

/// Opens the contact with `id` by filtering for its full name.
async fn open_by_name(app: &mut common::App, id: &str) -> Value {
    let record = app.stored(CM, id);
    let name = format!("{} {}", text(&record, "first_name"), text(&record, "last_name"));
    app.press(KeyCode::Char('/'));
    app.type_text(&name);
    let screen = app.screen();
    assert!(screen.contains(&format!("/{name}")), "the filter line shows the query:\n{screen}");
    app.press(KeyCode::Enter);
    app.press(KeyCode::Enter);
    app.settle().await;
    let form = app.runtime.state.form.as_ref().expect("Enter opens the form");
    assert_eq!(form.draft.loaded.id, id, "the best match is the contact named");
    record
}

#[tokio::test]
async fn list_filter_open_edit_send_and_see_the_change_in_the_list() {
    let mut app = common::start(CM, 120, 40).await;
    let screen = app.screen();
    assert!(screen.contains("SANDBOX"), "the banner says it is the sandbox:\n{screen}");
    assert!(screen.contains("Name") && screen.contains("Email") && screen.contains("Company"), "{screen}");
    assert!(screen.contains(" ms · GET /corporatemerch/v2/contacts?page=1&limit=100"), "{screen}");
    assert!(screen.contains("│  200 · "), "the status line shows the answer:\n{screen}");

    let before = open_by_name(&mut app, "7").await;
    let screen = app.screen();
    assert!(screen.contains(&text(&before, "email")), "the form shows the record:\n{screen}");

    // An enum, by dropdown with type-to-jump.
    let new_size = if text(&before, "shirt_size") == "3XL" { "XS" } else { "3XL" };
    app.focus_field("shirt_size");
    app.press(KeyCode::Enter);
    assert!(app.screen().contains("2XL"), "the dropdown lists the sizes");
    app.type_text(&new_size[..1]);
    app.press(KeyCode::Enter);
    assert!(app.screen().contains(&format!("[ {new_size} ▾ ]")));

    // A date: an impossible one is refused under the field, a leap day is fine.
    app.focus_field("birthday");
    app.replace_text("2023-02-30");
    let screen = app.screen();
    assert!(screen.contains("✗ 2023-02-30 is not a real date"), "{screen}");
    assert!(screen.contains("1 problem"), "{screen}");
    app.ctrl('s');
    assert!(
        app.screen().contains("Not sent: 1 field needs fixing (Birthday: 2023-02-30 is not a real date)"),
        "sending is refused with the reason"
    );
    assert!(app.runtime.in_flight() == 0, "nothing was sent");
    app.replace_text("2024-02-29");
    let screen = app.screen();
    assert!(!screen.contains("not a real date"), "{screen}");

    // A text field.
    app.focus_field("city");
    app.replace_text("Trois-Rivières");
    assert!(app.screen().contains("3 changed"), "{}", app.screen());

    app.ctrl('s');
    let state = &app.runtime.state;
    let sending = |p: &Purpose| matches!(p, Purpose::FormConflictCheck | Purpose::FormSave { .. });
    assert!(state.form.is_some() && state.requests.any(sending), "the send is under way");
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("✓ Stored: 200"), "{screen}");

    let after = app.stored(CM, "7");
    assert_eq!(text(&after, "shirt_size"), new_size);
    assert_eq!(text(&after, "birthday"), "2024-02-29");
    assert_eq!(text(&after, "city"), "Trois-Rivières");
    assert_ne!(text(&after, "updated_at"), text(&before, "updated_at"));
    assert_eq!(after["email"], before["email"], "untouched fields are kept");

    // Back in the list, the row shows the saved city.
    app.press(KeyCode::Esc);
    assert!(app.runtime.state.form.is_none(), "a clean form closes without asking");
    assert!(app.screen().contains("Trois-Rivières"));
}

#[tokio::test]
async fn a_422_lands_under_the_field_it_names_and_keeps_the_draft() {
    let mut app = common::start(CM, 120, 40).await;
    open_by_name(&mut app, "3").await;
    app.focus_field("position");
    app.replace_text("Chief Cheese Officer");
    app.fail_writes(422, r#"{"message":"The email has already been taken.","errors":{"email":["The email has already been taken."],"unknown_key":["Mystery."]}}"#, "application/json");
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    let email_line = screen.lines().position(|l| l.contains("Email*")).expect("email row");
    let under = screen.lines().nth(email_line + 1).unwrap();
    assert!(under.contains("✗ The email has already been taken."), "error under Email:\n{screen}");
    assert!(screen.contains("unknown_key: Mystery."), "errors for fields not in the form are listed:\n{screen}");
    assert!(screen.contains("422"), "{screen}");
    let form = app.runtime.state.form.as_ref().unwrap();
    let position = app.runtime.state.backend.field_index("position").unwrap();
    assert_eq!(form.draft.input(position).text(), "Chief Cheese Officer", "the edit survives");

    // Editing the field clears the server's complaint about it.
    app.focus_field("email");
    app.type_text("x");
    let screen = app.screen();
    let email_line = screen.lines().position(|l| l.contains("Email*")).expect("email row");
    let under = screen.lines().nth(email_line + 1).unwrap();
    assert!(!under.contains("already been taken."), "{screen}");
}

#[tokio::test]
async fn a_500_and_a_refused_connection_keep_the_draft() {
    let mut app = common::start(CM, 120, 40).await;
    open_by_name(&mut app, "4").await;
    app.focus_field("department");
    app.replace_text("Skunkworks");

    app.fail_writes(500, "<html>Internal Server Error</html>", "text/html");
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("500: server error"), "{screen}");
    assert!(screen.contains("Your edits are kept"), "{screen}");

    // The raw response is one key away.
    app.ctrl('r');
    let screen = app.screen();
    assert!(screen.contains("Internal Server Error"), "{screen}");
    app.press(KeyCode::Esc);

    app.sandbox.take().unwrap().shutdown().await;
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("Could not connect"), "{screen}");
    let form = app.runtime.state.form.as_ref().unwrap();
    let department = app.runtime.state.backend.field_index("department").unwrap();
    assert_eq!(form.draft.input(department).text(), "Skunkworks");
    assert!(form.draft.is_dirty());

    // Leaving with unsent edits asks first; "n" keeps them.
    app.press(KeyCode::Esc);
    assert!(app.screen().contains("Discard your unsent changes"));
    app.press(KeyCode::Char('n'));
    assert!(app.runtime.state.form.is_some());
}

#[tokio::test]
async fn esc_cancels_a_send_in_flight_and_keeps_the_edits() {
    let mut app = common::start(CM, 120, 40).await;
    open_by_name(&mut app, "2").await;
    app.focus_field("classification");
    app.replace_text("VIP");
    app.ctrl('s');
    app.press(KeyCode::Esc);
    assert_eq!(app.runtime.in_flight(), 0, "the request was abandoned");
    let screen = app.screen();
    assert!(screen.contains("Send cancelled"), "{screen}");
    assert!(app.runtime.state.form.as_ref().unwrap().draft.is_dirty());
}

#[tokio::test]
async fn a_wrong_token_says_401_and_reload_retries() {
    let server = rolo::sandbox::start(rolo::sandbox::SandboxOptions {
        storage: rolo::sandbox::Storage::Memory,
        port: 0,
        token: common::TOKEN.into(),
        contacts: None,
    })
    .await
    .unwrap();
    let url = server.base_url(CM);
    let mut app = common::start_at(CM, &url, "wrong-token", std::time::Duration::from_secs(5), (100, 30)).await;
    let screen = app.screen();
    assert!(screen.contains("401: not authorised: check the profile's secret — Unauthenticated."), "{screen}");
    assert!(!screen.contains("wrong-token"), "the secret is never shown");
    app.press(KeyCode::Char('r'));
    assert_eq!(app.runtime.in_flight(), 1, "r retries");
    app.settle().await;
}

#[tokio::test]
async fn a_404_on_send_is_explained_and_keeps_the_draft() {
    let mut app = common::start(CM, 120, 40).await;
    open_by_name(&mut app, "5").await;
    app.focus_field("position");
    app.replace_text("Archivist");
    app.fail_writes(404, r#"{"message":"Contact not found."}"#, "application/json");
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("404: not found") && screen.contains("Contact not found."), "{screen}");
    assert!(app.runtime.state.form.as_ref().unwrap().draft.is_dirty());
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_with_a_message() {
    // Accepts connections and reads nothing back: the request can only time out.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        for _ in 0..4 {
            match tokio::time::timeout(std::time::Duration::from_secs(5), listener.accept()).await {
                Ok(Ok((socket, _))) => held.push(socket),
                _ => break,
            }
        }
    });
    let url = format!("http://{addr}/v2");
    let mut app = common::start_at(CM, &url, common::TOKEN, std::time::Duration::from_millis(300), (100, 30)).await;
    let screen = app.screen();
    assert!(screen.contains("Loading contacts failed: No answer within 0.3 s"), "{screen}");
    holder.abort();
}

#[tokio::test]
async fn a_synthetic_contact_past_the_standard_people_opens_and_saves() {
    let mut app = common::start_seeded(CM, Some(300), 120, 40).await;
    let before = app.stored(CM, "300");
    let email = text(&before, "email");
    assert!(email.contains("300@example."), "synthetic addresses carry their number: {email}");
    // The filter pulls in the pages after the first until the contact is loaded.
    app.press(KeyCode::Char('/'));
    app.type_text(&email);
    app.settle().await;
    app.press(KeyCode::Enter);
    app.press(KeyCode::Enter);
    app.settle().await;
    let form = app.runtime.state.form.as_ref().expect("Enter opens the form");
    assert_eq!(form.draft.loaded.id, "300", "the contact with that address");
    app.focus_field("city");
    app.replace_text("Trois-Rivières");
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("✓ Stored: 200"), "the dialect's rules accept it:\n{screen}");
    let after = app.stored(CM, "300");
    assert_eq!(text(&after, "city"), "Trois-Rivières");
    assert_eq!(after["email"], before["email"], "untouched fields are kept");
}
