//! Vixiees: `X-API-Key`, `{data, meta}` pages up to 1000, bare contacts, Laravel errors.

use reqwest::StatusCode;
use rolo::sandbox::Sandbox;
use serde_json::{Value, json};

use super::{Reply, TOKEN, is_utc_timestamp, parse, send, start};

const DIALECT: &str = "vixiees";

async fn get(sb: &Sandbox, path: &str) -> Reply {
    send(reqwest::Client::new().get(format!("{}{path}", sb.base_url(DIALECT))).header("X-API-Key", TOKEN)).await
}

async fn put(sb: &Sandbox, id: &str, body: &Value) -> Reply {
    let url = format!("{}/contacts/{id}", sb.base_url(DIALECT));
    send(reqwest::Client::new().put(url).header("X-API-Key", TOKEN).json(body)).await
}

/// The error keys of a Laravel 422, checking the summary message on the way.
fn error_keys(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let errors = reply.body["errors"].as_object().expect("errors");
    let first = errors.values().next().and_then(|m| m[0].as_str()).expect("a message");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with(first)), "{}", reply.body);
    errors.keys().cloned().collect()
}

#[tokio::test]
async fn missing_or_wrong_key_is_401() {
    let sb = start().await;
    let url = format!("{}/contacts", sb.base_url(DIALECT));
    let client = reqwest::Client::new();
    for request in [
        client.get(&url),
        client.get(&url).header("X-API-Key", "wrong"),
        client.get(&url).bearer_auth(TOKEN),
        client.get(format!("{url}?api_key={TOKEN}")),
        client.put(format!("{url}/18001")).json(&json!({})),
    ] {
        let reply = send(request).await;
        assert_eq!((reply.status, reply.body), (StatusCode::UNAUTHORIZED, json!({ "message": "Unauthorized" })));
    }
    // Header names are case-insensitive; the spec spells it X-Api-Key.
    let reply = send(client.get(&url).header("x-api-key", TOKEN)).await;
    assert_eq!(reply.status, StatusCode::OK);
    sb.shutdown().await;
}

#[tokio::test]
async fn pages_with_page_and_limit() {
    let sb = start().await;
    let first = get(&sb, "/contacts").await;
    assert_eq!(first.status, StatusCode::OK);
    let total = first.body["meta"]["total"].as_u64().expect("total");
    assert!(total > 200);
    let last_page = total.div_ceil(100);
    assert_eq!(
        first.body["meta"],
        json!({ "current_page": 1, "per_page": 100, "total": total, "last_page": last_page })
    );
    assert_eq!(first.body["data"].as_array().map(Vec::len), Some(100));
    assert_eq!(first.body["data"][0]["id"], 18001);
    assert!(is_utc_timestamp(&first.body["data"][0]["created_at"]));

    let last = get(&sb, &format!("/contacts?page={last_page}")).await.body;
    let expected = total - (last_page - 1) * 100;
    assert_eq!(last["data"].as_array().map(|d| d.len() as u64), Some(expected));
    assert_eq!(last["data"][0]["id"], 18001 + (last_page - 1) * 100);
    let everything = get(&sb, "/contacts?limit=1000").await.body;
    assert_eq!(everything["data"].as_array().map(|d| d.len() as u64), Some(total));
    assert_eq!(get(&sb, "/contacts?page=9&limit=1000").await.body["data"], json!([]));
    // The documented filters are accepted (their wire syntax is unknown, so they do not filter).
    assert_eq!(get(&sb, "/contacts?updated_at=%3E%3D2025-08-07T00:00:00").await.status, StatusCode::OK);

    let reply = get(&sb, "/contacts?limit=1001").await;
    let message = "The limit field must not be greater than 1000.";
    assert_eq!(reply.body, json!({ "message": message, "errors": { "limit": [message] } }));
    assert_eq!(error_keys(&get(&sb, "/contacts?page=0&limit=x").await), ["page", "limit"]);
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_contact_is_404() {
    let sb = start().await;
    let not_found = json!({ "message": "Contact not found" });
    for id in ["999", "CRM-999999", "18001x"] {
        let reply = get(&sb, &format!("/contacts/{id}")).await;
        assert_eq!((reply.status, &reply.body), (StatusCode::NOT_FOUND, &not_found), "{id}");
    }
    let reply = put(&sb, "999", &json!({ "first_name": "Ana" })).await;
    assert_eq!((reply.status, reply.body), (StatusCode::NOT_FOUND, not_found));
    sb.shutdown().await;
}

#[tokio::test]
async fn update_by_id_or_external_reference_round_trips() {
    let sb = start().await;
    let all = get(&sb, "/contacts?limit=1000").await.body["data"].as_array().expect("data").clone();
    let before = all.iter().find(|c| c["external_reference_id"].is_string()).expect("a linked contact");
    let (id, external) = (before["id"].to_string(), before["external_reference_id"].as_str().expect("ref").to_owned());
    assert_eq!(get(&sb, &format!("/contacts/{external}")).await.body, *before);

    let body = json!({
        "first_name": "María José", "second_last_name": "Peña", "priority": 1, "language": "es",
        "email_marketing_opt_in": true, "skills": ["hipotecas"],
        "custom_attributes": [{ "key": "producto", "value": "Hipoteca fija" }, { "key": "presupuesto", "value": 250000 }]
    });
    let reply = put(&sb, &external, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let saved = &reply.body;
    assert_eq!(saved["id"].to_string(), id, "a bare contact, found by its external reference");
    for key in [
        "first_name",
        "second_last_name",
        "priority",
        "language",
        "email_marketing_opt_in",
        "skills",
        "custom_attributes",
    ] {
        assert_eq!(saved[key], body[key], "{key}");
    }
    assert_eq!((&saved["email"], &saved["created_at"]), (&before["email"], &before["created_at"]));
    assert_ne!(saved["updated_at"], before["updated_at"]);
    assert_eq!(get(&sb, &format!("/contacts/{id}")).await.body, *saved);
    assert_eq!(sb.record(DIALECT, &id).as_ref(), Some(saved));

    let reply = put(&sb, &id, &json!({ "custom_attributes": null, "external_reference_id": "CRM-NEW-1" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["custom_attributes"], Value::Null);
    assert_eq!(get(&sb, "/contacts/CRM-NEW-1").await.body["id"].to_string(), id);
    sb.shutdown().await;
}

#[rustfmt::skip]
const CASES: &[(&str, &str, &[&str])] = &[
    ("priority out of range", r#"{"priority": 6}"#, &["priority"]),
    ("priority not an integer", r#"{"priority": "2"}"#, &["priority"]),
    ("source only valid on read", r#"{"source": "web"}"#, &["source"]),
    ("lower-case country", r#"{"country_code": "es"}"#, &["country_code"]),
    ("upper-case language", r#"{"language": "ES"}"#, &["language"]),
    ("three-letter language", r#"{"language": "spa"}"#, &["language"]),
    ("opt-in as text", r#"{"whatsapp_marketing_opt_in": "yes"}"#, &["whatsapp_marketing_opt_in"]),
    ("bad email", r#"{"email": "nope"}"#, &["email"]),
    ("bad additional email", r#"{"additional_emails": ["ok@example.com", "nope"]}"#, &["additional_emails.1"]),
    ("additional phones not a list", r#"{"additional_phones": "+34931234567"}"#, &["additional_phones"]),
    ("skill not a string", r#"{"skills": [7]}"#, &["skills.0"]),
    ("custom attribute without key", r#"{"custom_attributes": [{"value": 1}]}"#, &["custom_attributes.0.key"]),
    ("custom attribute object value", r#"{"custom_attributes": [{"key": "k", "value": {}}]}"#, &["custom_attributes.0.value"]),
    ("bad url", r#"{"external_reference_url": "crm/leads/1"}"#, &["external_reference_url"]),
    ("null first name", r#"{"first_name": null}"#, &["first_name"]),
    ("unknown key", r#"{"nickname": "Jo"}"#, &["nickname"]),
    ("read-only key", r#"{"is_client": true}"#, &["is_client"]),
    ("not an object", "[]", &["body"]),
];

#[tokio::test]
async fn each_rule_answers_a_laravel_422_naming_the_field() {
    let sb = start().await;
    for &(name, body, expected) in CASES {
        assert_eq!(error_keys(&put(&sb, "18001", &parse(body)).await), expected, "{name}");
    }
    let reply = put(&sb, "18001", &json!({ "priority": 9 })).await;
    assert_eq!(reply.body["errors"]["priority"][0], "The selected priority is invalid.");

    let all = get(&sb, "/contacts?limit=1000").await.body["data"].as_array().expect("data").clone();
    let email_only = all.iter().find(|c| c["phone"].is_null() && c["email"].is_string()).expect("email-only contact");
    let reply = put(&sb, &email_only["id"].to_string(), &json!({ "email": null })).await;
    assert_eq!(error_keys(&reply), ["email", "phone"]);
    let taken = all.iter().find(|c| c["external_reference_id"].is_string() && c["id"] != 18001).expect("linked");
    let reply = put(&sb, "18001", &json!({ "external_reference_id": taken["external_reference_id"] })).await;
    assert_eq!(reply.body["errors"]["external_reference_id"][0], "The external reference id has already been taken.");
    sb.shutdown().await;
}
