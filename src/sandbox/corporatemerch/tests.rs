//! Unit tests of the seed data and the validator; the HTTP behaviour is covered by
//! `tests/sandbox_api.rs`.

use super::*;

fn seeded() -> Vec<Value> {
    let store = Store::open_memory().expect("open");
    seed(&store, crate::sandbox::STANDARD_PEOPLE).expect("seed");
    let total = store.count(NAME).expect("count");
    store.page(NAME, 0, total).expect("page")
}

/// What a client would PUT back for a record: writable keys with a value.
fn as_update(contact: &Value) -> Map<String, Value> {
    contact
        .as_object()
        .expect("object")
        .iter()
        .filter(|(k, v)| !["id", "created_at", "updated_at"].contains(&k.as_str()) && !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[test]
fn seed_has_the_read_model_shape_and_passes_validation() {
    let contacts = seeded();
    assert!(contacts.len() >= 240);
    let expected: Vec<&str> =
        std::iter::once("id").chain(rules::writable_keys()).chain(["created_at", "updated_at"]).collect();
    for (n, contact) in contacts.iter().enumerate() {
        let keys: Vec<&str> = contact.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(keys, expected);
        assert_eq!(contact["id"], json!(n + 1));
        if let Err(errors) = rules::validate(&as_update(contact)) {
            panic!("seed contact {} is invalid: {}", n + 1, errors.to_body());
        }
    }
    let count = |f: &dyn Fn(&Value) -> bool| contacts.iter().filter(|c| f(c)).count();
    assert!(count(&|c| c["address"].is_null()) > 0);
    assert!(count(&|c| c["type"] == "client") > 50);
    assert!(count(&|c| c["country"] == "CA") > 10);
    assert!(count(&|c| c["labels"].as_array().is_some_and(|l| !l.is_empty())) > 50);
    assert!(count(&|c| c["birthday"].is_null()) > 10);
}

#[test]
fn seed_is_deterministic() {
    assert_eq!(seeded(), seeded());
}

#[test]
fn missing_both_addresses_reports_both() {
    let mut input = as_update(&seeded()[0]);
    input.remove("address");
    input.insert("address2".into(), json!("  "));
    let body = rules::validate(&input).expect_err("invalid").to_body();
    assert_eq!(body["errors"]["address"][0], "The address field is required when address2 is not present.");
    assert_eq!(body["errors"]["address2"][0], "The address2 field is required when address is not present.");
}

#[test]
fn omitted_optionals_become_null_false_or_empty() {
    let input = json!({
        "first_name": "Ana", "last_name": "Silva", "email": "ana@example.com.br",
        "country": "BR", "address2": "Apto 3", "city": "São Paulo", "state": "SP",
        "zip_code": "01310-100", "type": "client"
    });
    let out = rules::validate(input.as_object().expect("object")).expect("valid");
    assert_eq!(out.len(), rules::writable_keys().count());
    assert_eq!(out["address"], Value::Null);
    assert_eq!(out["phone_number"], Value::Null);
    assert_eq!(out["address_forced"], json!(false));
    assert_eq!(out["lists"], json!([]));
}
