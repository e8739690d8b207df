//! Unit tests of the seed data and the validator; the HTTP behaviour is covered by
//! `tests/sandbox_vendors`.

use serde_json::{Map, Value, json};

use super::*;

fn seeded() -> Vec<Value> {
    let store = Store::open_memory().expect("open");
    seed(&store, crate::sandbox::STANDARD_PEOPLE).expect("seed");
    let total = store.count(NAME).expect("count");
    store.page(NAME, 0, total).expect("page")
}

/// What a client would PUT back for a record: every writable key, nulls included.
fn as_update(contact: &Value) -> Map<String, Value> {
    contact
        .as_object()
        .expect("object")
        .iter()
        .filter(|(k, _)| !["id", "phone_number", "created_at", "updated_at"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn locs(problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            p.loc.iter().map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_owned)).collect::<Vec<_>>().join(".")
        })
        .collect()
}

#[test]
fn seed_has_the_read_model_shape_and_passes_validation() {
    let contacts = seeded();
    assert!(contacts.len() >= 240);
    let keys = [
        "id",
        "first_name",
        "last_name",
        "email",
        "phone_number",
        "channels",
        "user_attributes",
        "custom_fields",
        "last_seen",
        "last_sent",
        "org_id",
        "first_assistant_id",
        "last_assistant_id",
        "first_widget_id",
        "last_widget_id",
        "created_at",
        "updated_at",
    ];
    for contact in &contacts {
        let got: Vec<&str> = contact.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(got, keys);
        let body = as_update(contact);
        let fields = rules::validate(&body).unwrap_or_else(|e| panic!("{contact}: {e:?}"));
        assert_eq!(fields, body, "a valid body is stored unchanged");
    }
    let count = |f: &dyn Fn(&Value) -> bool| contacts.iter().filter(|c| f(c)).count();
    assert!(count(&|c| c["email"].is_null()) > 5);
    assert!(count(&|c| c["custom_fields"].is_null()) > 5);
    assert!(count(&|c| c["custom_fields"]["lifetime_value"].is_f64()) > 20);
    assert!(count(&|c| c["channels"]["telephone"].is_string()) > 100);
    assert!(count(&|c| c["last_sent"].is_string()) > 50);
}

#[test]
fn seed_is_deterministic() {
    assert_eq!(seeded(), seeded());
}

#[test]
fn rejects_like_pydantic() {
    let input = json!({
        "first_name": 7,
        "email": null,
        "channels": { "telephone": 5551234, "line": 1 },
        "last_seen": "2023-11-07T05:31:56",
        "org_id": "not-a-uuid",
        "first_widget_id": 12,
        "custom_fields": { "tier": "gold", "visits": 3, "vip": true },
        "phone_number": "+15551234567"
    });
    let problems = rules::validate(input.as_object().expect("object")).expect_err("invalid");
    assert_eq!(
        locs(&problems),
        [
            "body.first_name",
            "body.channels.telephone",
            "body.last_seen",
            "body.org_id",
            "body.first_widget_id",
            "body.custom_fields.vip.str",
            "body.custom_fields.vip.float",
            "body.phone_number",
        ]
    );
    let kinds: Vec<&str> = problems.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            "string_type",
            "string_type",
            "datetime_from_date_parsing",
            "uuid_parsing",
            "uuid_type",
            "string_type",
            "float_type",
            "extra_forbidden"
        ]
    );
}

#[test]
fn accepts_nulls_and_lower_cases_uuids() {
    let input = json!({ "org_id": "3C90C3CC-0D44-4B50-8888-8DD25736052A", "channels": null, "custom_fields": null });
    let fields = rules::validate(input.as_object().expect("object")).expect("valid");
    assert_eq!(fields["org_id"], "3c90c3cc-0d44-4b50-8888-8dd25736052a");
    assert_eq!(fields["channels"], Value::Null);
}
