//! Unit tests of the seed data and the validator; the HTTP behaviour is covered by
//! `tests/sandbox_vendors`.

use serde_json::{Map, Value, json};

use super::rules::{self, Detail};
use super::*;

fn seeded() -> Vec<Value> {
    let store = Store::open_memory().expect("open");
    seed(&store, crate::sandbox::STANDARD_PEOPLE).expect("seed");
    let total = store.count(NAME).expect("count");
    store.page(NAME, 0, total).expect("page")
}

/// What a client would PUT back for a record: the flat writable fields that have a value.
fn as_update(contact: &Value) -> Map<String, Value> {
    let mut body = Map::new();
    for key in ["email", "phone"] {
        if let Some(v) = contact.get(key).filter(|v| !v.is_null()) {
            body.insert(key.to_owned(), v.clone());
        }
    }
    for (key, v) in contact["contact"].as_object().expect("names").iter().filter(|(_, v)| !v.is_null()) {
        body.insert(key.clone(), v.clone());
    }
    let segments: Vec<Value> =
        contact["segments"].as_array().expect("segments").iter().map(|s| s["segmentId"].clone()).collect();
    body.insert("segmentIds".to_owned(), Value::Array(segments));
    body
}

fn paths(details: &[Detail]) -> Vec<&str> {
    details.iter().map(|d| d.path.as_str()).collect()
}

#[test]
fn seed_has_the_read_model_shape_and_passes_validation() {
    let contacts = seeded();
    assert!(contacts.len() >= 240);
    let keys = ["id", "email", "phone", "contact", "segments", "organizationId", "createdAt", "updatedAt"];
    for contact in &contacts {
        let got: Vec<&str> = contact.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(got, keys);
        assert!(crate::sandbox::formats::is_uuid(contact["id"].as_str().expect("id")));
        let changes = rules::validate(&as_update(contact)).unwrap_or_else(|e| panic!("{contact}: {e:?}"));
        let applied = rules::apply(contact.clone(), &changes, "2025-06-01T00:00:00Z").expect("still valid");
        assert_eq!(applied["segments"], contact["segments"], "kept segments keep assignedAt");
    }
    let count = |f: &dyn Fn(&Value) -> bool| contacts.iter().filter(|c| f(c)).count();
    assert!(count(&|c| c["email"].is_null()) > 5);
    assert!(count(&|c| c["phone"].is_null()) > 5);
    assert!(count(&|c| c["segments"].as_array().is_some_and(|s| s.len() > 1)) > 20);
    assert!(count(&|c| c["contact"]["jobtitle"].is_null()) > 10);
}

#[test]
fn seed_is_deterministic() {
    assert_eq!(seeded(), seeded());
}

#[test]
fn rejects_unknown_keys_wrong_types_and_formats() {
    let input = json!({
        "email": "not-an-email", "phone": 5, "firstname": null, "nickname": "Jo",
        "segmentIds": ["f2f864fb-5d15-4f35-b9aa-83491924c4db", "nope", 3]
    });
    let details = rules::validate(input.as_object().expect("object")).expect_err("invalid");
    assert_eq!(paths(&details), ["email", "phone", "firstname", "nickname", "segmentIds.1", "segmentIds.2"]);
    assert_eq!(details[0].message, "Invalid email");
    assert_eq!(details[1].message, "Expected string, received number");
    assert_eq!(details[4].message, "Invalid uuid");
    assert!(rules::parse(b"[1]").is_err());
    assert!(rules::parse(b"{").is_err());
}

#[test]
fn segment_ids_replace_and_keep_assigned_at() {
    let kept = "f2f864fb-5d15-4f35-b9aa-83491924c4db";
    let contact = json!({
        "id": "x", "email": "a@example.com", "phone": null, "contact": {},
        "segments": [
            { "segmentId": kept, "assignedAt": "2024-01-01T00:00:00Z" },
            { "segmentId": "0a4e1c2b-7d3f-4e5a-9b6c-8d7e6f5a4b3c", "assignedAt": "2024-01-02T00:00:00Z" }
        ],
        "updatedAt": "2024-01-02T00:00:00Z"
    });
    let input = json!({ "segmentIds": ["7F3E9A12-4C5B-4D2E-9F10-2A6B8C4D5E11", kept, kept], "lastname": "Żółć" });
    let changes = rules::validate(input.as_object().expect("object")).expect("valid");
    let out = rules::apply(contact, &changes, "2025-06-01T00:00:00Z").expect("applied");
    assert_eq!(
        out["segments"],
        json!([
            { "segmentId": "7f3e9a12-4c5b-4d2e-9f10-2a6b8c4d5e11", "assignedAt": "2025-06-01T00:00:00Z" },
            { "segmentId": kept, "assignedAt": "2024-01-01T00:00:00Z" }
        ])
    );
    assert_eq!(out["contact"]["lastname"], "Żółć");
    assert_eq!(out["updatedAt"], "2025-06-01T00:00:00Z");
}

#[test]
fn email_or_phone_must_remain() {
    let contact = json!({ "id": "x", "email": null, "phone": "+46701234567", "contact": {}, "segments": [] });
    let changes = rules::validate(json!({ "phone": " " }).as_object().expect("object")).expect("valid");
    let details = rules::apply(contact, &changes, "2025-06-01T00:00:00Z").expect_err("nothing left");
    assert_eq!(paths(&details), ["email", "phone"]);
}
