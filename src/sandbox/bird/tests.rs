//! Unit tests of the seed data, the validator and the patch semantics; the HTTP behaviour is
//! covered by `tests/sandbox_vendors`.

use serde_json::{Map, Value, json};

use super::rules::Patch;
use super::*;

fn seeded() -> Vec<Value> {
    let store = Store::open_memory().expect("open");
    seed(&store, crate::sandbox::STANDARD_PEOPLE).expect("seed");
    let total = store.count(NAME).expect("count");
    store.page(NAME, 0, total).expect("page")
}

/// What a client would PATCH back for a record: attributes and memberships (`accountIds`
/// only when non-empty, since the spec wants at least one).
fn as_update(contact: &Value) -> Map<String, Value> {
    let mut body = Map::new();
    for key in ["attributes", "listIds", "companyRefs"] {
        body.insert(key.to_owned(), contact[key].clone());
    }
    if contact["accountIds"].as_array().is_some_and(|a| !a.is_empty()) {
        body.insert("accountIds".to_owned(), contact["accountIds"].clone());
    }
    body
}

fn patch(input: Value) -> Patch {
    rules::validate(input.as_object().expect("object")).unwrap_or_else(|d| panic!("{}", d.to_json()))
}

fn detail_keys(input: Value) -> Vec<String> {
    let details = rules::validate(input.as_object().expect("object")).expect_err("invalid").to_json();
    details.as_object().expect("object").keys().cloned().collect()
}

#[test]
fn seed_has_the_read_model_shape_and_passes_validation() {
    let contacts = seeded();
    assert!(contacts.len() >= 240);
    let keys = [
        "id",
        "computedDisplayName",
        "createdAt",
        "updatedAt",
        "workspaceId",
        "featuredIdentifiers",
        "attributes",
        "identifierCount",
        "accountIds",
        "listIds",
        "companyRefs",
        "isAnonymous",
    ];
    for contact in &contacts {
        let got: Vec<&str> = contact.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(got, keys);
        let p = patch(Value::Object(as_update(contact)));
        let mut again = model::apply(contact.clone(), &p, &[], "2025-06-01T00:00:00.000Z");
        again["updatedAt"] = contact["updatedAt"].clone();
        assert_eq!(&again, contact, "sending a record back changes nothing");
    }
    let count = |f: &dyn Fn(&Value) -> bool| contacts.iter().filter(|c| f(c)).count();
    assert!(count(&|c| c["isAnonymous"] == true) > 0);
    assert!(count(&|c| c["attributes"]["rating"].is_f64()) > 30);
    assert!(count(&|c| c["attributes"]["cookiesAccepted"].is_boolean()) > 30);
    assert!(count(&|c| c["attributes"]["labels"].is_array()) > 20);
    assert!(count(&|c| c["attributes"]["orderCount"].is_u64()) > 30);
    assert!(count(&|c| c["identifierCount"] == 2) > 50);
    assert!(contacts.iter().any(|c| c["computedDisplayName"].as_str().is_some_and(|n| !n.is_ascii())));
}

#[test]
fn seed_is_deterministic() {
    assert_eq!(seeded(), seeded());
}

#[test]
fn rejects_per_the_spec() {
    let uuid = "123e4567-e89b-12d3-a456-426614174000";
    assert_eq!(detail_keys(json!({ "strategy": "newest" })), ["strategy"]);
    assert_eq!(
        detail_keys(json!({
            "allowWritingReadOnly": "yes",
            "attributes": { "ok": [1, "a", true], "empty": [], "nested": { "a": 1 }, "mixed": [null] },
            "addIdentifiers": [{ "key": "", "value": "x" }, { "value": "y" }, 5],
            "listIds": ["nope"],
            "accountIds": [],
            "addToLists": vec![uuid; 11],
            "companyRefs": [1],
            "whatever": { "unknown": "keys are allowed" }
        })),
        [
            "allowWritingReadOnly",
            "attributes.empty",
            "attributes.nested",
            "attributes.mixed",
            "addIdentifiers[0].key",
            "addIdentifiers[1].key",
            "addIdentifiers[2]",
            "listIds[0]",
            "addToLists",
            "accountIds",
            "companyRefs[0]",
        ]
    );
    assert_eq!(detail_keys(json!({ "attributes": "x" })), ["attributes"]);
    assert_eq!(
        detail_keys(json!({ "removeIdentifiers": [{ "key": "k", "value": "v".repeat(501) }] })),
        ["removeIdentifiers[0].value"]
    );
}

#[test]
fn merges_attributes_and_sets() {
    let (a, b, c) = (
        "7f3e9a12-4c5b-4d2e-9f10-2a6b8c4d5e11",
        "123e4567-e89b-12d3-a456-426614174000",
        "5f0c2a9e-7b1d-4c3e-8a2f-6d4e3c2b1a09",
    );
    let contact = json!({
        "id": "x", "computedDisplayName": "Ana Silva",
        "featuredIdentifiers": [{ "key": "emailaddress", "value": "ana@example.com" }],
        "attributes": { "firstName": "Ana", "lastName": "Silva", "rating": 3 },
        "identifierCount": 1, "accountIds": [a], "listIds": [a, b], "companyRefs": [], "isAnonymous": false
    });
    let p = patch(json!({
        "attributes": { "firstName": null, "displayName": "Ana S.", "labels": ["vip"] },
        "addToLists": [c.to_uppercase()], "removeFromLists": [a],
        "accountIds": [b],
        "removeIdentifiers": [{ "key": "emailaddress", "value": "ana@example.com" }],
        "identifiers": [{ "key": "phonenumber", "value": "+351912345678" }]
    }));
    let out = model::apply(contact, &p, &p.add_identifiers, "2025-06-01T00:00:00.000Z");
    assert_eq!(
        out["attributes"],
        json!({ "lastName": "Silva", "rating": 3, "displayName": "Ana S.", "labels": ["vip"] })
    );
    assert_eq!(out["listIds"], json!([b, c]));
    assert_eq!(out["accountIds"], json!([b]));
    assert_eq!(out["featuredIdentifiers"], json!([{ "key": "phonenumber", "value": "+351912345678" }]));
    assert_eq!(out["computedDisplayName"], "Ana S.");
    assert_eq!(out["identifierCount"], 1);
    assert_eq!(out["updatedAt"], "2025-06-01T00:00:00.000Z");
}

#[test]
fn display_name_falls_back_to_identifiers_and_visitors_are_anonymous() {
    let contact = json!({
        "featuredIdentifiers": [{ "key": "visitorid", "value": "v1" }],
        "attributes": { "firstName": "Ana" }
    });
    let p = patch(json!({ "attributes": { "firstName": null } }));
    let out = model::apply(contact, &p, &[], "now");
    assert_eq!(out["computedDisplayName"], "");
    assert_eq!(out["isAnonymous"], true);
    let p = patch(json!({ "addIdentifiers": [{ "key": "phonenumber", "value": "+4930123" }] }));
    let out = model::apply(out, &p, &p.add_identifiers, "now");
    assert_eq!(out["computedDisplayName"], "+4930123");
    assert_eq!(out["isAnonymous"], false);
    assert_eq!(out["identifierCount"], 2);
}
