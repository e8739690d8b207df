//! Each vendor through the whole app, over HTTP, against its sandbox dialect: page through
//! more than one page, open a contact, edit every kind of widget the vendor has, see a
//! client-side error, see a server-side error under its field, send, and read the change back.

mod common;

use crossterm::event::KeyCode;
use rolo::record::Input;
use rolo::sandbox::Fault;
use serde_json::{Value, json};

use common::App;

const SEGMENT: &str = "0b6f3c1e-9a2d-4e5f-8a7b-1c2d3e4f5a6b";

/// Presses End until the last page is in; returns how many contacts were loaded.
async fn page_through(app: &mut App) -> usize {
    for _ in 0..20 {
        app.press(KeyCode::End);
        app.settle().await;
        if !app.runtime.state.list.has_more() {
            break;
        }
    }
    assert!(!app.runtime.state.list.has_more(), "the last page arrives");
    let loaded = app.runtime.state.list.contacts.len();
    assert!(loaded > 200, "more than one page of 100: {loaded}");
    app.press(KeyCode::Home);
    loaded
}

/// Opens the contact under the cursor and waits for its latest version; returns its id.
async fn open(app: &mut App) -> String {
    app.press(KeyCode::Enter);
    app.settle().await;
    app.runtime.state.form.as_ref().expect("the form is open").draft.loaded.id.clone()
}

fn input(app: &App, key: &str) -> Input {
    let i = app.runtime.state.backend.field_index(key).unwrap();
    app.runtime.state.form.as_ref().unwrap().draft.input(i).clone()
}

/// The line under the row labelled `label`.
fn under(screen: &str, label: &str) -> String {
    let row = screen.lines().position(|l| l.contains(label)).unwrap_or_else(|| panic!("no row {label}:\n{screen}"));
    screen.lines().nth(row + 1).unwrap_or_default().to_string()
}

async fn send_and_expect_saved(app: &mut App) {
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("✓ Stored: 200"), "{screen}");
}

fn fault(app: &App, status: u16, body: Value) {
    let fault = Fault {
        status,
        body: body.to_string(),
        content_type: "application/json".into(),
        only_writes: true,
        ..Default::default()
    };
    app.sandbox.as_ref().unwrap().set_fault(Some(fault));
}

fn clear_fault(app: &App) {
    app.sandbox.as_ref().unwrap().set_fault(None);
}

/// Opens the key/value editor of `key` and adds an entry of the `presses`-th next type.
fn add_entry(app: &mut App, key: &str, name: &str, type_presses: usize, value: &str) {
    app.focus_field(key);
    app.press(KeyCode::Enter);
    app.ctrl('a');
    app.type_text(name);
    app.press(KeyCode::Tab);
    for _ in 0..type_presses {
        app.ctrl('t');
    }
    app.type_text(value);
    app.press(KeyCode::Esc);
}

#[tokio::test]
async fn informly() {
    let mut app = common::start("informly", 120, 40).await;
    page_through(&mut app).await;
    let id = open(&mut app).await;
    let before = app.stored("informly", &id);

    app.focus_field("jobtitle");
    app.replace_text("Head of Ångström Labs");
    app.focus_field("segmentIds");
    app.replace_text("not-a-uuid");
    let screen = app.screen();
    assert!(under(&screen, "Segments (replaced)").contains("`not-a-uuid` is not a valid UUID"), "{screen}");
    app.replace_text(SEGMENT);

    // The server's error envelope, placed under the field its `path` names.
    fault(
        &app,
        422,
        json!({"error": {"code": "VALIDATION_ERROR", "message": "Invalid request body",
        "details": [{"path": "email", "message": "Invalid email"}]}}),
    );
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(under(&screen, "Email").contains("✗ Invalid email"), "{screen}");
    assert!(screen.contains("Invalid request body"), "{screen}");
    clear_fault(&app);

    send_and_expect_saved(&mut app).await;
    let after = app.stored("informly", &id);
    assert_eq!(after["contact"]["jobtitle"], "Head of Ångström Labs");
    assert_eq!(after["segments"].as_array().unwrap().len(), 1, "segmentIds replaced every segment");
    assert_eq!(after["segments"][0]["segmentId"], SEGMENT);
    assert_eq!(after["contact"]["firstname"], before["contact"]["firstname"], "names were not sent, not lost");
    assert_eq!(after["email"], before["email"]);
}

#[tokio::test]
async fn insighto() {
    let mut app = common::start("insighto", 120, 40).await;
    page_through(&mut app).await;
    let id = open(&mut app).await;

    add_entry(&mut app, "custom_fields", "plan", 0, "pro");
    add_entry(&mut app, "custom_fields", "seats", 1, "twelve");
    assert!(app.screen().contains("`seats`: `twelve` is not a number"), "{}", app.screen());
    app.press(KeyCode::Enter);
    for _ in 0..30 {
        app.press(KeyCode::Down);
    }
    app.press(KeyCode::Tab);
    app.replace_text("12");
    app.press(KeyCode::Esc);

    app.focus_field("org_id");
    app.replace_text("xyz");
    assert!(under(&app.screen(), "Organization").contains("Not a valid UUID"));
    app.ctrl('n');
    assert_eq!(input(&app, "org_id"), Input::Null);
    app.focus_field("last_seen");
    app.ctrl('n');
    assert!(app.screen().contains("∅ null"));

    // FastAPI's `detail[].loc`: the field is the last element.
    fault(
        &app,
        422,
        json!({"detail": [{"loc": ["body", "email"], "msg": "value is not a valid email address", "type": "value_error"}]}),
    );
    app.ctrl('s');
    app.settle().await;
    assert!(under(&app.screen(), "Email").contains("✗ value is not a valid email address"));
    // The key travels in the URL; the raw view shows it redacted.
    app.ctrl('r');
    let raw = app.screen();
    assert!(raw.contains("api_key=***") && !raw.contains(common::TOKEN), "{raw}");
    app.press(KeyCode::Esc);
    clear_fault(&app);

    send_and_expect_saved(&mut app).await;
    let after = app.stored("insighto", &id);
    assert_eq!(after["custom_fields"]["plan"], "pro");
    assert_eq!(after["custom_fields"]["seats"], 12);
    assert_eq!(after["org_id"], Value::Null);
    assert_eq!(after["last_seen"], Value::Null);
}

#[tokio::test]
async fn vixiees() {
    let mut app = common::start("vixiees", 120, 40).await;
    page_through(&mut app).await;
    let id = open(&mut app).await;
    let before = app.stored("vixiees", &id);

    app.focus_field("priority");
    app.press(KeyCode::Enter);
    app.type_text("5");
    app.press(KeyCode::Enter);
    app.focus_field("source");
    app.type_text("wh");
    app.focus_field("language");
    app.replace_text("ES");
    assert!(under(&app.screen(), "Language").contains("a 2-letter ISO 639-1 code in lower case"));
    app.replace_text("es");
    app.focus_field("email_marketing_opt_in");
    app.press(KeyCode::Char(' '));
    app.focus_field("skills");
    app.replace_text("rust, terminal UIs");
    add_entry(&mut app, "custom_attributes", "vip", 2, "true");

    fault(
        &app,
        422,
        json!({"message": "The external reference id has already been taken.",
        "errors": {"external_reference_id": ["The external reference id has already been taken."]}}),
    );
    app.ctrl('s');
    app.settle().await;
    assert!(under(&app.screen(), "External ref").contains("✗ The external reference id has already been taken."));
    clear_fault(&app);

    send_and_expect_saved(&mut app).await;
    let after = app.stored("vixiees", &id);
    assert_eq!(after["priority"], 5, "an integer enum is sent as a number");
    assert_eq!(after["source"], "whatsapp");
    assert_eq!(after["language"], "es");
    assert_eq!(after["email_marketing_opt_in"], !before["email_marketing_opt_in"].as_bool().unwrap());
    assert_eq!(after["skills"], json!(["rust", "terminal UIs"]));
    let vip = after["custom_attributes"].as_array().unwrap().iter().find(|a| a["key"] == "vip").cloned();
    assert_eq!(vip, Some(json!({"key": "vip", "value": true})));
}

#[tokio::test]
async fn bird() {
    let mut app = common::start("bird", 120, 40).await;
    page_through(&mut app).await;
    let id = open(&mut app).await;
    let before = app.stored("bird", &id);
    let removed = before["attributes"]
        .as_object()
        .unwrap()
        .keys()
        .find(|k| *k != "firstName" && *k != "lastName")
        .cloned()
        .expect("a seeded attribute besides the names");

    app.focus_field("attributes.firstName");
    app.replace_text("Ána");
    add_entry(&mut app, "attributes", "newsletter", 2, "true");
    add_entry(&mut app, "attributes", "tags", 3, "a, 2, true");
    // Delete the first attribute: the patch sends it as null.
    app.focus_field("attributes");
    app.press(KeyCode::Enter);
    app.ctrl('d');
    app.press(KeyCode::Esc);

    let eleven: Vec<String> = (0..11).map(|i| format!("00000000-0000-4000-8000-0000000000{i:02}")).collect();
    app.focus_field("listIds");
    app.replace_text(&eleven.join(", "));
    assert!(under(&app.screen(), "Lists").contains("At most 10 items (11 given)"));
    app.replace_text(SEGMENT);
    app.focus_field("strategy");
    app.press(KeyCode::Enter);
    app.type_text("first_");
    app.press(KeyCode::Enter);

    // Both of Bird's error envelopes land under the field they name.
    fault(
        &app,
        422,
        json!({"code": "InvalidPayload", "message": "Invalid payload", "details": {"listIds": ["list not found"]}}),
    );
    app.ctrl('s');
    app.settle().await;
    assert!(under(&app.screen(), "Lists").contains("✗ list not found"));
    fault(
        &app,
        422,
        json!({"error": {"type": "invalid_request", "code": "E01001", "name": "InvalidPayload",
        "message": "Invalid payload", "details": [{"param": "strategy", "message": "must be one of: strict_alias, first_alias, first"}]}}),
    );
    app.ctrl('s');
    app.settle().await;
    assert!(under(&app.screen(), "Conflict strategy").contains("✗ must be one of"));
    clear_fault(&app);

    send_and_expect_saved(&mut app).await;
    let after = app.stored("bird", &id);
    let attributes = &after["attributes"];
    assert_eq!(attributes["firstName"], "Ána");
    assert_eq!(attributes["newsletter"], true);
    assert_eq!(attributes["tags"], json!(["a", 2, true]));
    assert!(attributes.get(&removed).is_none_or(Value::is_null), "{removed} was removed: {attributes}");
    assert_eq!(attributes["lastName"], before["attributes"]["lastName"], "untouched attributes are kept");
    assert_eq!(after["listIds"], json!([SEGMENT]));
}

#[tokio::test]
async fn each_vendors_form() {
    for vendor in ["informly", "insighto", "vixiees", "bird"] {
        let mut app = common::start(vendor, 120, 40).await;
        open(&mut app).await;
        insta::assert_snapshot!(format!("form_{vendor}"), app.snapshot());
    }
}
