//! Informly: bearer auth, `page`/`pageSize` paging, `{"error": {code, message, details}}`.

use reqwest::StatusCode;
use rolo::sandbox::Sandbox;
use serde_json::{Map, Value, json};

use super::{Reply, TOKEN, is_utc_timestamp, parse, send, start};

const DIALECT: &str = "informly";
const UNKNOWN: &str = "00000000-0000-4000-8000-000000000000";

async fn get(sb: &Sandbox, path: &str) -> Reply {
    send(reqwest::Client::new().get(format!("{}{path}", sb.base_url(DIALECT))).bearer_auth(TOKEN)).await
}

async fn put(sb: &Sandbox, id: &str, body: &Value) -> Reply {
    let url = format!("{}/contacts/{id}", sb.base_url(DIALECT));
    send(reqwest::Client::new().put(url).bearer_auth(TOKEN).json(body)).await
}

async fn all_contacts(sb: &Sandbox) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let body = get(sb, &format!("/contacts?page={page}&pageSize=100")).await.body;
        let items = body["data"].as_array().expect("data").clone();
        if items.is_empty() {
            break;
        }
        all.extend(items);
    }
    all
}

/// The detail paths of a 422, checking the envelope on the way.
fn detail_paths(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["error"]["code"], "VALIDATION_ERROR");
    assert!(reply.body["error"]["message"].is_string());
    let details = reply.body["error"]["details"].as_array().expect("details");
    details.iter().map(|d| d["path"].as_str().expect("path").to_owned()).collect()
}

#[tokio::test]
async fn missing_or_wrong_token_is_401() {
    let sb = start().await;
    let url = format!("{}/contacts", sb.base_url(DIALECT));
    let client = reqwest::Client::new();
    for request in [
        client.get(&url),
        client.get(&url).bearer_auth("wrong"),
        client.get(&url).header("Authorization", TOKEN),
        client.get(&url).header("Authorization", format!("AccessKey {TOKEN}")),
        client.put(format!("{url}/{UNKNOWN}")).json(&json!({})),
    ] {
        let reply = send(request).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            reply.body,
            json!({ "error": { "code": "UNAUTHORIZED", "message": "Invalid or missing API token" } })
        );
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn pages_through_every_contact() {
    let sb = start().await;
    let first = get(&sb, "/contacts").await;
    assert_eq!(first.status, StatusCode::OK);
    let total = first.body["meta"]["total"].as_u64().expect("total");
    assert!(total >= 240);
    assert_eq!(
        first.body["meta"],
        json!({ "total": total, "page": 1, "pageSize": 20, "totalPages": total.div_ceil(20) })
    );
    let contact = &first.body["data"][0];
    let keys: Vec<&String> = contact.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["id", "email", "phone", "contact", "segments", "organizationId", "createdAt", "updatedAt"]);
    assert!(is_utc_timestamp(&contact["createdAt"]));

    let second = get(&sb, "/contacts?page=2").await.body;
    assert_eq!(second["data"].as_array().map(Vec::len), Some(20));
    assert_ne!(second["data"][0]["id"], contact["id"]);
    let all = all_contacts(&sb).await;
    let ids: std::collections::HashSet<&Value> = all.iter().map(|c| &c["id"]).collect();
    assert_eq!((all.len(), ids.len()), (usize::try_from(total).expect("fits"), all.len()));
    let past = get(&sb, "/contacts?page=99").await;
    assert_eq!((past.status, &past.body["data"]), (StatusCode::OK, &json!([])));
    assert_eq!(past.body["meta"]["page"], 99);
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_paging_is_a_400_validation_error() {
    let sb = start().await;
    for (query, path) in
        [("pageSize=101", "pageSize"), ("pageSize=0", "pageSize"), ("page=0", "page"), ("page=x", "page")]
    {
        let reply = get(&sb, &format!("/contacts?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(reply.body["error"]["code"], "VALIDATION_ERROR");
        assert_eq!(reply.body["error"]["details"][0]["path"], path, "{query}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_contact_is_404() {
    let sb = start().await;
    let not_found = json!({ "error": { "code": "NOT_FOUND", "message": "Contact not found" } });
    for path in [format!("/contacts/{UNKNOWN}"), "/contacts/not-a-uuid".to_owned()] {
        let reply = get(&sb, &path).await;
        assert_eq!((reply.status, &reply.body), (StatusCode::NOT_FOUND, &not_found));
    }
    let reply = put(&sb, UNKNOWN, &json!({ "firstname": "Zoë" })).await;
    assert_eq!((reply.status, reply.body), (StatusCode::NOT_FOUND, not_found));
    sb.shutdown().await;
}

#[tokio::test]
async fn partial_update_round_trips_and_replaces_segments() {
    let sb = start().await;
    let all = all_contacts(&sb).await;
    let before = all.iter().find(|c| c["segments"].as_array().is_some_and(|s| s.len() >= 2)).expect("segmented");
    let id = before["id"].as_str().expect("id");
    let kept = before["segments"][1].clone();
    let added = "7f3e9a12-4c5b-4d2e-9f10-2a6b8c4d5e11";
    let body = json!({ "firstname": "Łukasz", "lastname": "Żółć", "jobtitle": "Kierownik działu", "segmentIds": [added, kept["segmentId"]] });
    let reply = put(&sb, id, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let saved = &reply.body["data"];
    assert_eq!(saved["contact"]["firstname"], "Łukasz");
    assert_eq!(saved["contact"]["lastname"], "Żółć");
    assert_eq!(saved["contact"]["company"], before["contact"]["company"], "untouched keys stay");
    assert_eq!(saved["email"], before["email"]);
    assert_eq!(saved["segments"][0]["segmentId"], added);
    assert_eq!(saved["segments"][0]["assignedAt"], saved["updatedAt"]);
    assert_eq!(saved["segments"][1], kept, "a kept segment keeps its assignedAt");
    assert_eq!(saved["segments"].as_array().map(Vec::len), Some(2));
    assert_eq!(saved["createdAt"], before["createdAt"]);
    assert!(is_utc_timestamp(&saved["updatedAt"]));
    assert_eq!(get(&sb, &format!("/contacts/{}", id.to_uppercase())).await.body["data"], *saved);
    assert_eq!(sb.record(DIALECT, id).as_ref(), Some(saved));
    sb.shutdown().await;
}

#[rustfmt::skip]
const CASES: &[(&str, &str, &[&str])] = &[
    ("unknown key", r#"{"nickname": "Jo"}"#, &["nickname"]),
    ("nested names are not the request shape", r#"{"contact": {"firstname": "Jo"}}"#, &["contact"]),
    ("bad email", r#"{"email": "not-an-email"}"#, &["email"]),
    ("null email", r#"{"email": null}"#, &["email"]),
    ("number as phone", r#"{"phone": 5551234}"#, &["phone"]),
    ("segment ids not uuids", r#"{"segmentIds": ["f2f864fb-5d15-4f35-b9aa-83491924c4db", "seg-1"]}"#, &["segmentIds.1"]),
    ("segment ids not a list", r#"{"segmentIds": "f2f864fb-5d15-4f35-b9aa-83491924c4db"}"#, &["segmentIds"]),
    ("not an object", "[]", &[""]),
];

#[tokio::test]
async fn each_rule_answers_a_validation_error_naming_the_field() {
    let sb = start().await;
    let id = get(&sb, "/contacts").await.body["data"][0]["id"].as_str().expect("id").to_owned();
    for &(name, body, expected) in CASES {
        let reply = put(&sb, &id, &parse(body)).await;
        assert_eq!(detail_paths(&reply), expected, "{name}");
    }
    let request = reqwest::Client::new()
        .put(format!("{}/contacts/{id}", sb.base_url(DIALECT)))
        .bearer_auth(TOKEN)
        .header("Content-Type", "application/json")
        .body("{not json");
    assert_eq!(detail_paths(&send(request).await), [""]);
    assert_eq!(put(&sb, &id, &json!({})).await.status, StatusCode::OK, "an empty body changes nothing");
    sb.shutdown().await;
}

#[tokio::test]
async fn email_or_phone_must_remain_and_stay_unique() {
    let sb = start().await;
    let all = all_contacts(&sb).await;
    let phone_only = all.iter().find(|c| c["email"].is_null()).expect("a phone-only contact");
    let reply = put(&sb, phone_only["id"].as_str().expect("id"), &json!({ "phone": "" })).await;
    assert_eq!(detail_paths(&reply), ["email", "phone"]);

    let (a, b) = (&all[0], &all[1]);
    let a_id = a["id"].as_str().expect("id");
    let taken = b["email"].as_str().expect("email").to_uppercase();
    let reply = put(&sb, a_id, &json!({ "email": taken })).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(
        reply.body,
        json!({ "error": {
            "code": "CONFLICT",
            "message": "A contact with this email already exists",
            "details": [{ "path": "email", "message": "Email must be unique within the organization" }]
        } })
    );
    let with_phone = all.iter().skip(1).find(|c| c["phone"].is_string()).expect("a contact with a phone");
    let reply = put(&sb, a_id, &json!({ "phone": with_phone["phone"] })).await;
    assert_eq!((reply.status, &reply.body["error"]["details"][0]["path"]), (StatusCode::CONFLICT, &json!("phone")));
    // A contact's own values are not a conflict.
    let own: Map<String, Value> =
        ["email", "phone"].iter().filter(|k| a[**k].is_string()).map(|k| ((*k).to_owned(), a[*k].clone())).collect();
    assert_eq!(put(&sb, a_id, &Value::Object(own)).await.status, StatusCode::OK);
    sb.shutdown().await;
}
