//! A value the user did not touch goes back exactly as it came.
//!
//! Property tests over every built-in backend (any JSON in any field, no edit or one edit)
//! through the public `Draft`, then the whole app and the real binary against a hostile
//! server on loopback that speaks Corporate Merch JSON with values rolo's widgets do not
//! declare: `1` and `"yes"` in toggles, `"42"` in a list of ids, an object in a text field, a
//! number in a text field, a null and a missing key.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyCode;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use common::hostile::{Hostile, Reply};
use rolo::backend::{self, Backend, FieldKind, SendFields};
use rolo::record::{Contact, Draft, Entry, Input};

const CM: &str = "corporatemerch";

// ---- properties over every backend ----

/// Any JSON value, a few levels deep (as in `tests/hostile.rs`).
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![Just("1"), Just("0"), Just("yes"), Just("true"), Just("42"), Just(" a, b ")]
            .prop_map(|s| Value::String(s.to_string())),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}|key|value|firstName", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// What a record holds for one field: nothing, null, or any JSON.
fn any_slot() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![1 => Just(None), 1 => Just(Some(Value::Null)), 4 => any_json().prop_map(Some)]
}

fn backends() -> Vec<Arc<Backend>> {
    backend::BUILT_IN.iter().map(|(name, _)| Arc::new(backend::find(name, None).unwrap())).collect()
}

/// A record with `slots[i]` at field i's read path (`a[].b` paths get `[{"b": value}]`).
fn record_for(backend: &Backend, slots: &[Option<Value>]) -> Value {
    let mut record = json!({"id": "c-1"});
    for (field, slot) in backend.fields.iter().zip(slots) {
        let Some(value) = slot else { continue };
        let read = field.read_path().as_str();
        match read.split_once("[].") {
            Some((list, member)) => {
                let item: Value = json!({ member: value });
                record[list] = json!([item]);
            }
            None => {
                let path = rolo::backend::path::Path::parse(read).unwrap();
                path.set(&mut record, value.clone()).unwrap();
            }
        }
    }
    record
}

/// The body the rule promises for an untouched draft: each writable field's value exactly as
/// received, nothing for a missing key, and nothing for a null the backend file says the
/// vendor refuses (not `nullable`); only changed fields are sent by `send = "changed"`.
fn untouched_body(backend: &Backend, record: &Value) -> Value {
    let mut body = json!({});
    if backend.update.send == SendFields::Changed {
        return body;
    }
    for field in backend.fields.iter().filter(|f| !f.read_only) {
        let Some(value) = field.read_path().get(record).map(|v| v.into_owned()) else { continue };
        if value.is_null() && !field.nullable {
            continue;
        }
        field.key.merge(&mut body, value).unwrap();
    }
    body
}

/// A value a user could give field `index` in the form (or `None` if the field takes none).
fn an_edit(backend: &Backend, index: usize, current: &Input) -> Option<Input> {
    let field = &backend.fields[index];
    Some(match field.kind {
        FieldKind::Bool => Input::Toggle(!matches!(current, Input::Toggle(true))),
        FieldKind::Enum => Input::Text(field.values.last()?.text()),
        FieldKind::Country => Input::Text("DE".into()),
        FieldKind::IntList => Input::Text("12, 31".into()),
        FieldKind::UuidList | FieldKind::Uuid => Input::Text("4f1c0a3e-8d2b-4c6a-9e7f-0123456789ab".into()),
        FieldKind::KeyValue => {
            let Input::Map(entries) = current else { return None };
            let mut entries = entries.clone();
            entries.push(Entry { key: "Added Key".into(), kind: rolo::backend::ValueType::String, text: "v".into() });
            Input::Map(entries)
        }
        _ => Input::Text("edited by proptest".into()),
    })
}

fn backend_and_slots() -> impl Strategy<Value = (Arc<Backend>, Vec<Option<Value>>, usize)> {
    let all = backends();
    (0..all.len()).prop_flat_map(move |b| {
        let backend = Arc::clone(&all[b]);
        let n = backend.fields.len();
        (Just(backend), prop::collection::vec(any_slot(), n), 0..n)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// No edit: the body is the received record restricted to the writable fields (nothing at
    /// all for changed-only vendors), and nothing is listed as changing.
    #[test]
    fn an_untouched_record_goes_back_exactly_as_it_came((backend, slots, _) in backend_and_slots()) {
        let record = record_for(&backend, &slots);
        let draft = Draft::new(&backend, Contact { id: "c-1".into(), record: record.clone() });
        prop_assert!(!draft.is_dirty(), "{}: nothing was edited", backend.name);
        let body = draft.body().map_err(|(i, e)| TestCaseError::fail(format!("{}: {e}", backend.fields[i].key)))?;
        prop_assert_eq!(&body, &untouched_body(&backend, &record), "{}: {}", backend.name, record);
        prop_assert!(draft.differences(&body).is_empty(), "{}: {:?}", backend.name, draft.differences(&body));
    }

    /// One edit: the edited field is the only one whose sent value differs from the received
    /// one, every other field goes back as it came (or is not sent), and a key/value field's
    /// other entries are not touched (a merge field sends only the new key).
    #[test]
    fn one_edit_changes_that_field_and_nothing_else((backend, slots, index) in backend_and_slots()) {
        let field = &backend.fields[index];
        let record = record_for(&backend, &slots);
        let mut draft = Draft::new(&backend, Contact { id: "c-1".into(), record: record.clone() });
        // Read-only fields and kept values are not the form's to edit.
        if field.read_only || matches!(draft.input(index), Input::Kept(_)) {
            return Ok(());
        }
        let Some(edit) = an_edit(&backend, index, draft.input(index)) else { return Ok(()) };
        draft.set(index, edit);
        let body = draft.body().map_err(|(i, e)| TestCaseError::fail(format!("{}: {e}", backend.fields[i].key)))?;
        let differences = draft.differences(&body);
        prop_assert!(differences.iter().all(|d| d.field == index), "{}: {:?}", backend.name, differences);

        // The body is the untouched one with only the edited field's value put in.
        let mut expected = untouched_body(&backend, &record);
        if draft.is_changed(index) {
            let sent = field.key.get(&body).expect("a changed field is sent").into_owned();
            if field.kind == FieldKind::KeyValue {
                let pairs = field.layout == rolo::backend::MapLayout::Pairs;
                let empty = if pairs { json!([]) } else { json!({}) };
                let others = if field.merge { empty.clone() } else { draft.received(index).unwrap_or(empty) };
                prop_assert_eq!(without_added_key(&sent), others, "{}: the other entries go back as they came", backend.name);
            }
            field.key.merge(&mut expected, sent).unwrap();
        }
        prop_assert_eq!(body, expected, "{}: {}", backend.name, record);
    }
}

/// A key/value value without the entry the edit added (object or pairs layout).
fn without_added_key(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().filter(|(k, _)| *k != "Added Key").map(|(k, v)| (k.clone(), v.clone())).collect())
        }
        Value::Array(items) => {
            Value::Array(items.iter().filter(|i| i.get("key") != Some(&json!("Added Key"))).cloned().collect())
        }
        other => other.clone(),
    }
}

// ---- the whole app against a hostile Corporate Merch server ----

/// A Corporate Merch record whose values are not what the backend file declares.
fn odd_record() -> Value {
    json!({
        "id": 7,
        "first_name": "Ana",
        "last_name": "Lima",
        "email": "ana@example.com",
        "phone_number": 351210000000_i64,
        "gender": null,
        "birthday": "1990-01-15",
        "type": "client",
        "country": "PT",
        "address": "Rua Augusta 1",
        "address2": "",
        "city": "Lisboa",
        "state": "Lisboa",
        "zip_code": "1100-048",
        "address_validated": 1,
        "address_forced": "yes",
        "address_verified": "0",
        "company_name": {"legal": "Acme Lda", "trade": "ACME"},
        "department": "  Sales  ",
        "lists": "42",
        "labels": [3, 9],
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-06-01T12:00:00Z"
    })
}

/// A Corporate Merch server holding one contact: lists and gets it in the `data` envelope, and
/// answers a PUT by storing the body over it.
async fn odd_server() -> Hostile {
    let stored = std::sync::Mutex::new(odd_record());
    Hostile::start(move |request| {
        let mut record = stored.lock().unwrap();
        match (request.method.as_str(), request.path()) {
            ("GET", "/contacts") => Reply::json(
                200,
                &json!({"data": [record.clone()], "meta": {"total": 1, "last_page": 1, "current_page": 1}}),
            ),
            ("GET", "/contacts/7") => Reply::json(200, &json!({"data": record.clone()})),
            ("PUT", "/contacts/7") => {
                let Some(Value::Object(body)) = request.json() else { return Reply::json(422, &json!({})) };
                for (key, value) in body {
                    record[key.as_str()] = value;
                }
                record["updated_at"] = json!("2024-06-02T08:00:00Z");
                Reply::json(200, &json!({"data": record.clone()}))
            }
            _ => Reply::json(404, &json!({"message": "Not found."})),
        }
    })
    .await
}

/// What the server sent, as a full Corporate Merch body would carry it back untouched: the
/// writable keys as received, `null` ones left out (the file says the vendor refuses null).
fn untouched_cm_body() -> Map<String, Value> {
    let backend = backend::find(CM, None).unwrap();
    let Value::Object(body) = untouched_body(&backend, &odd_record()) else { unreachable!() };
    body
}

fn line_of<'a>(screen: &'a str, label: &str) -> &'a str {
    screen.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("no line with {label}:\n{screen}"))
}

#[tokio::test]
async fn an_edit_to_one_field_sends_every_other_field_exactly_as_it_came() {
    let server = odd_server().await;
    let mut app = common::start_at(CM, &server.url(""), common::TOKEN, Duration::from_secs(5), (120, 60)).await;
    app.press(KeyCode::Enter);
    app.settle().await;
    let screen = app.screen();
    assert!(line_of(&screen, "Address validated").contains("[x] yes"), "a 1 reads as yes:\n{screen}");
    assert!(line_of(&screen, "Address forced").contains("[x] yes"), "\"yes\" reads as yes:\n{screen}");
    assert!(line_of(&screen, "Address verified").contains("[ ] no"), "\"0\" reads as no:\n{screen}");
    assert!(line_of(&screen, "Phone").contains("351210000000"), "a number in a text field shows its digits");
    let company = line_of(&screen, "Company");
    assert!(company.contains(r#"{"legal":"Acme Lda","trade":"ACME"}"#), "the object shows as JSON: {company}");
    assert!(company.contains("(as received, read-only)"), "{company}");
    assert!(
        screen.contains("⚠ read-only, sent back as it came: an object where text is expected"),
        "the note says why:\n{screen}"
    );
    assert!(line_of(&screen, "Lists").contains(r#""42""#), "{screen}");
    assert!(
        screen.contains("read-only, sent back as it came: text where a list of whole numbers is expected"),
        "{screen}"
    );
    assert!(!screen.contains("changed"), "opening changes nothing:\n{screen}");

    // Typing into the kept value is refused with a notice, and changes nothing.
    app.focus_field("company_name");
    app.type_text("x");
    let screen = app.screen();
    assert!(screen.contains("Company is kept as the server sent it"), "{screen}");
    assert!(!app.runtime.state.form.as_ref().unwrap().draft.is_dirty());

    app.focus_field("city");
    app.replace_text("Porto");
    app.ctrl('d');
    let preview = app.screen();
    assert!(preview.contains("Changes: 1 field"), "only the city differs from what came:\n{preview}");
    assert!(preview.contains("- \"Lisboa\"") && preview.contains("+ \"Porto\""), "{preview}");
    app.press(KeyCode::Esc);

    app.ctrl('s');
    app.settle().await;
    assert!(app.screen().contains("Stored: 200"), "{}", app.screen());
    let writes = server.writes();
    assert_eq!(writes.len(), 1, "one PUT");
    let Some(Value::Object(sent)) = writes[0].json() else { panic!("a JSON object body") };
    let mut expected = untouched_cm_body();
    expected.insert("city".into(), json!("Porto"));
    assert_eq!(sent, expected, "every other field goes back exactly as it came");
    assert_eq!(sent["address_validated"], json!(1));
    assert_eq!(sent["address_forced"], json!("yes"));
    assert_eq!(sent["address_verified"], json!("0"));
    assert_eq!(sent["lists"], json!("42"));
    assert_eq!(sent["company_name"], json!({"legal": "Acme Lda", "trade": "ACME"}));
    assert_eq!(sent["department"], json!("  Sales  "));
    assert_eq!(sent["address2"], json!(""));
    assert!(!sent.contains_key("shirt_size"), "a missing key stays missing");
    assert!(!sent.contains_key("gender"), "a null the vendor refuses in a write is left out, as before");
}

#[tokio::test]
async fn the_editor_document_leaves_untouched_values_as_they_came() {
    let server = odd_server().await;
    let mut app = common::start_at(CM, &server.url(""), common::TOKEN, Duration::from_secs(5), (120, 60)).await;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("editor.sh");
    std::fs::write(&script, "sed -i 's/^city = .*/city = \"Porto\"/' \"$1\"\n").unwrap();
    app.runtime.set_editor(format!("sh {}", script.display()));
    app.press(KeyCode::Enter);
    app.settle().await;
    app.ctrl('o');
    app.settle().await;
    let form = app.runtime.state.form.as_ref().unwrap();
    let changed: Vec<&str> = form.draft.changed().map(|i| form.draft.backend().fields[i].key.as_str()).collect();
    assert_eq!(changed, ["city"], "only the edited line changes the draft");
    app.ctrl('s');
    app.settle().await;
    let Some(Value::Object(sent)) = server.writes()[0].json() else { panic!("a JSON object body") };
    let mut expected = untouched_cm_body();
    expected.insert("city".into(), json!("Porto"));
    assert_eq!(sent, expected);
}

// ---- `rolo update --dry-run`, the real binary ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_lists_every_field_whose_sent_value_differs() {
    let server = odd_server().await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let profile = format!(
        "default_profile = \"t\"\n[profiles.t]\nbackend = \"{CM}\"\nbase_url = \"{}\"\nsecret_env = \"ROLO_TEST_TOKEN\"\n",
        server.url("")
    );
    std::fs::write(&config, profile).unwrap();
    let run = |args: &'static [&'static str]| {
        let home = home.path().to_path_buf();
        let config = config.clone();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_rolo"))
                .env("XDG_CONFIG_HOME", home.join("config"))
                .env("XDG_DATA_HOME", home.join("data"))
                .env("XDG_STATE_HOME", home.join("state"))
                .env("ROLO_TEST_TOKEN", common::TOKEN)
                .arg("--config")
                .arg(&config)
                .args(args)
                .output()
                .unwrap()
        })
    };
    let text = run(&["update", "7", "city=Porto", "address_verified=yes", "--dry-run"]).await.unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&text.stdout), String::from_utf8_lossy(&text.stderr));
    assert!(text.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("dry run, nothing sent; 2 fields would change:"), "{stderr}");
    assert!(stderr.contains("  city: \"Lisboa\" -> \"Porto\""), "{stderr}");
    assert!(stderr.contains("  address_verified: \"0\" -> true"), "{stderr}");
    let body: Value = serde_json::from_str(stdout.split_once('\n').unwrap().1).unwrap();
    assert_eq!(body["address_validated"], json!(1), "untouched: as it came");

    let json = run(&["update", "7", "city=Porto", "--dry-run", "--json"]).await.unwrap();
    let printed: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        printed["changes"],
        json!([{"field": "city", "label": "City", "received": "Lisboa", "sent": "Porto"}]),
        "{printed}"
    );
    assert!(server.writes().is_empty(), "a dry run sends nothing");
}

// ---- a vendor that takes only the changed fields ----

#[tokio::test]
async fn a_changed_only_vendor_gets_the_toggled_field_and_nothing_else() {
    let record = json!({
        "id": "v-1",
        "first_name": "Rui",
        "last_name": "Costa",
        "email": null,
        "priority": "3",
        "whatsapp_transactional_opt_in": 1,
        "email_transactional_opt_in": "0",
        "email_marketing_opt_in": "yes",
        "skills": ["a,b", "c"],
        "custom_attributes": [{"key": "tier", "value": "1"}, {"key": "vip", "value": true}],
        "updated_at": "2024-06-01T12:00:00Z"
    });
    let stored = std::sync::Mutex::new(record);
    let server = Hostile::start(move |request| {
        let mut record = stored.lock().unwrap();
        match (request.method.as_str(), request.path()) {
            ("GET", "/contacts") => {
                Reply::json(200, &json!({"data": [record.clone()], "meta": {"total": 1, "last_page": 1}}))
            }
            ("GET", "/contacts/v-1") => Reply::json(200, &record),
            ("PUT", "/contacts/v-1") => {
                for (key, value) in request.json().and_then(|b| b.as_object().cloned()).unwrap_or_default() {
                    record[key.as_str()] = value;
                }
                Reply::json(200, &record)
            }
            _ => Reply::json(404, &json!({"message": "Not found."})),
        }
    })
    .await;
    let mut app = common::start_at("vixiees", &server.url(""), common::TOKEN, Duration::from_secs(5), (120, 60)).await;
    app.press(KeyCode::Enter);
    app.settle().await;
    let screen = app.screen();
    assert!(line_of(&screen, "WhatsApp transactional").contains("[x] yes"), "{screen}");
    assert!(line_of(&screen, "Email transactional").contains("[ ] no"), "{screen}");
    assert!(line_of(&screen, "Email marketing").contains("[x] yes"), "{screen}");
    assert!(line_of(&screen, "Priority").contains("[ 3 ▾ ]"), "\"3\" shows as the value 3:\n{screen}");
    assert!(line_of(&screen, "Skills").contains(r#"["a,b","c"]"#), "a comma inside an item is kept:\n{screen}");
    assert!(line_of(&screen, "Custom attributes").contains(r#"tier="1""#), "{screen}");

    app.focus_field("email_transactional_opt_in");
    app.press(KeyCode::Char(' '));
    app.ctrl('s');
    app.settle().await;
    assert!(app.screen().contains("Stored: 200"), "{}", app.screen());
    let writes = server.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].json(), Some(json!({"email_transactional_opt_in": true})), "only what the user changed");
}
