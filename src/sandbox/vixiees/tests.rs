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

/// What a client would PUT back for a record: the writable keys with a value.
fn as_update(contact: &Value) -> Map<String, Value> {
    let writable: Vec<&str> = rules::writable_keys().collect();
    contact
        .as_object()
        .expect("object")
        .iter()
        .filter(|(k, v)| writable.contains(&k.as_str()) && !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn keys(errors: &laravel::Errors) -> Vec<String> {
    errors.to_body()["errors"].as_object().expect("errors").keys().cloned().collect()
}

#[test]
fn seed_has_the_read_model_shape_and_passes_validation() {
    let contacts = seeded();
    assert!(contacts.len() >= 240);
    let expected: Vec<&str> = std::iter::once("id")
        .chain(rules::writable_keys())
        .chain(["ignored", "is_client", "title", "closed_won_reason", "created_at", "updated_at"])
        .collect();
    for (n, contact) in contacts.iter().enumerate() {
        let got: Vec<&str> = contact.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(got, expected);
        assert_eq!(contact["id"], json!(18_001 + n));
        let changes = rules::validate(&as_update(contact)).unwrap_or_else(|e| panic!("{contact}: {}", e.to_body()));
        rules::apply(contact.clone(), changes, "2025-06-01T00:00:00Z").expect("still has email or phone");
    }
    let count = |f: &dyn Fn(&Value) -> bool| contacts.iter().filter(|c| f(c)).count();
    assert!(count(&|c| c["second_last_name"].is_string()) > 10);
    assert!(count(&|c| c["custom_attributes"].is_null()) > 20);
    assert!(count(&|c| c["external_reference_id"].is_string()) > 50);
    assert!(count(&|c| c["skills"].as_array().is_some_and(|s| !s.is_empty())) > 50);
    assert!(count(&|c| c["email"].is_null()) > 5);
    let refs: std::collections::HashSet<&Value> =
        contacts.iter().map(|c| &c["external_reference_id"]).filter(|r| !r.is_null()).collect();
    assert_eq!(refs.len(), count(&|c| c["external_reference_id"].is_string()));
}

#[test]
fn seed_is_deterministic() {
    assert_eq!(seeded(), seeded());
}

#[test]
fn rejects_per_the_spec() {
    let input = json!({
        "first_name": null,
        "priority": 6,
        "source": "web",
        "country_code": "es",
        "language": "ES",
        "email_marketing_opt_in": "yes",
        "additional_emails": ["ok@example.com", "nope"],
        "skills": [1],
        "external_reference_url": "crm/leads/1",
        "custom_attributes": [{ "value": "x" }, { "key": "k", "value": [1] }, 3],
        "id": 5
    });
    let errors = rules::validate(input.as_object().expect("object")).expect_err("invalid");
    assert_eq!(
        keys(&errors),
        [
            "first_name",
            "priority",
            "source",
            "country_code",
            "language",
            "email_marketing_opt_in",
            "additional_emails.1",
            "skills.0",
            "external_reference_url",
            "custom_attributes.0.key",
            "custom_attributes.1.value",
            "custom_attributes.2",
            "id",
        ]
    );
    assert_eq!(errors.to_body()["errors"]["priority"][0], "The selected priority is invalid.");
}

#[test]
fn partial_update_keeps_the_rest_and_needs_email_or_phone() {
    let contact = json!({ "id": 1, "email": "a@example.com", "phone": null, "priority": 3, "updated_at": "x" });
    let changes = rules::validate(json!({ "priority": 2.0 }).as_object().expect("object")).expect("valid");
    let out = rules::apply(contact.clone(), changes, "2025-06-01T00:00:00Z").expect("applied");
    assert_eq!(
        out,
        json!({ "id": 1, "email": "a@example.com", "phone": null, "priority": 2, "updated_at": "2025-06-01T00:00:00Z" })
    );
    let changes = rules::validate(json!({ "email": null }).as_object().expect("object")).expect("valid");
    let errors = rules::apply(contact, changes, "2025-06-01T00:00:00Z").expect_err("nothing left");
    assert_eq!(keys(&errors), ["email", "phone"]);
}
