//! Insighto.ai: `?api_key=` auth (headers never work), fastapi-pagination pages, FastAPI
//! errors.

use reqwest::StatusCode;
use rolo::sandbox::Sandbox;
use serde_json::{Value, json};

use super::{Reply, TOKEN, is_utc_timestamp, parse, send, start};

const DIALECT: &str = "insighto";
const UNKNOWN: &str = "00000000-0000-4000-8000-000000000000";

/// `path` plus the api_key parameter.
fn url(sb: &Sandbox, path: &str) -> String {
    let join = if path.contains('?') { '&' } else { '?' };
    format!("{}{path}{join}api_key={TOKEN}", sb.base_url(DIALECT))
}

async fn get(sb: &Sandbox, path: &str) -> Reply {
    send(reqwest::Client::new().get(url(sb, path))).await
}

async fn put(sb: &Sandbox, id: &str, body: &Value) -> Reply {
    send(reqwest::Client::new().put(url(sb, &format!("/api/v1/contact/{id}"))).json(body)).await
}

/// The `loc`s of a 422, joined with dots, checking the FastAPI shape on the way.
fn locs(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let detail = reply.body["detail"].as_array().expect("detail list");
    detail
        .iter()
        .map(|d| {
            assert!(d["msg"].is_string() && d["type"].is_string(), "{d}");
            let loc = d["loc"].as_array().expect("loc");
            loc.iter().map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_owned)).collect::<Vec<_>>().join(".")
        })
        .collect()
}

#[tokio::test]
async fn only_the_api_key_query_parameter_authenticates() {
    let sb = start().await;
    let list = format!("{}/api/v1/contact/list", sb.base_url(DIALECT));
    let client = reqwest::Client::new();
    for request in [
        client.get(&list),
        client.get(format!("{list}?api_key=wrong")),
        client.get(format!("{list}?api_key=")),
        client.get(&list).bearer_auth(TOKEN),
        client.get(&list).header("X-API-Key", TOKEN),
        client.get(&list).header("api_key", TOKEN),
        client.put(format!("{}/api/v1/contact/{UNKNOWN}", sb.base_url(DIALECT))).bearer_auth(TOKEN).json(&json!({})),
    ] {
        let reply = send(request).await;
        assert_eq!((reply.status, reply.body), (StatusCode::UNAUTHORIZED, json!({ "detail": "Invalid API key" })));
    }
    assert_eq!(get(&sb, "/api/v1/contact/list").await.status, StatusCode::OK);
    sb.shutdown().await;
}

#[tokio::test]
async fn pages_through_every_contact() {
    let sb = start().await;
    let first = get(&sb, "/api/v1/contact/list").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!((&first.body["message"], &first.body["meta"]), (&json!("Data fetched successfully"), &json!({})));
    let data = &first.body["data"];
    let total = data["total"].as_u64().expect("total");
    assert!(total >= 240);
    assert_eq!((&data["page"], &data["size"], &data["pages"]), (&json!(1), &json!(50), &json!(total.div_ceil(50))));
    assert_eq!(data["items"].as_array().map(Vec::len), Some(50));
    let item = &data["items"][0];
    assert!(item["custom_fields"].is_object() || item["custom_fields"].is_null());
    assert!(is_utc_timestamp(&item["created_at"]));

    let mut seen = std::collections::HashSet::new();
    for page in 1..=total.div_ceil(100) {
        let body = get(&sb, &format!("/api/v1/contact/list?page={page}&size=100")).await.body;
        assert_eq!(body["data"]["pages"], total.div_ceil(100));
        for item in body["data"]["items"].as_array().expect("items") {
            assert!(seen.insert(item["id"].as_str().expect("id").to_owned()));
        }
    }
    assert_eq!(u64::try_from(seen.len()).expect("fits"), total);
    let past = get(&sb, "/api/v1/contact/list?page=50&size=100").await.body;
    assert_eq!(past["data"]["items"], json!([]));
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_paging_is_a_fastapi_422() {
    let sb = start().await;
    let reply = get(&sb, "/api/v1/contact/list?size=101").await;
    assert_eq!(
        reply.body,
        json!({ "detail": [{
            "type": "less_than_equal", "loc": ["query", "size"], "msg": "Input should be less than or equal to 100",
            "input": "101", "ctx": { "le": 100 }
        }] })
    );
    for (query, expected) in [("page=0", "query.page"), ("size=abc", "query.size"), ("size=", "query.size")] {
        assert_eq!(locs(&get(&sb, &format!("/api/v1/contact/list?{query}")).await), [expected], "{query}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_contact_is_404_and_a_bad_id_is_422() {
    let sb = start().await;
    let not_found = json!({ "detail": "Contact not found" });
    let reply = get(&sb, &format!("/api/v1/contact/{UNKNOWN}")).await;
    assert_eq!((reply.status, &reply.body), (StatusCode::NOT_FOUND, &not_found));
    let reply = put(&sb, UNKNOWN, &json!({ "first_name": "Ava" })).await;
    assert_eq!((reply.status, reply.body), (StatusCode::NOT_FOUND, not_found));
    let reply = get(&sb, "/api/v1/contact/x123").await;
    assert_eq!(locs(&reply), ["path.contact_id"]);
    assert_eq!(reply.body["detail"][0]["type"], "uuid_parsing");
    sb.shutdown().await;
}

#[tokio::test]
async fn partial_update_round_trips() {
    let sb = start().await;
    let before = get(&sb, "/api/v1/contact/list?size=1").await.body["data"]["items"][0].clone();
    let id = before["id"].as_str().expect("id");
    let body = json!({
        "first_name": "Ólafur",
        "last_name": "Ragnarsson",
        "custom_fields": { "loyalty_tier": "silver", "order_count": 3, "lifetime_value": 12.5 },
        "channels": { "telephone": "+3545551234", "dial_code": "IS", "line": { "id": 7 } },
        "last_seen": "2026-05-07T12:00:00Z",
        "last_widget_id": null,
        "org_id": "5B0E3C2A-1F4D-4E6B-9A8C-7D6E5F4A3B2C"
    });
    let reply = put(&sb, id, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!((&reply.body["message"], &reply.body["meta"]), (&json!("Data updated successfully"), &json!({})));
    let saved = &reply.body["data"];
    for key in ["first_name", "last_name", "custom_fields", "channels", "last_seen", "last_widget_id"] {
        assert_eq!(saved[key], body[key], "{key}");
    }
    assert_eq!(saved["org_id"], "5b0e3c2a-1f4d-4e6b-9a8c-7d6e5f4a3b2c");
    assert_eq!((&saved["email"], &saved["created_at"]), (&before["email"], &before["created_at"]));
    assert!(is_utc_timestamp(&saved["updated_at"]));
    let fetched = get(&sb, &format!("/api/v1/contact/{id}")).await.body;
    assert_eq!((&fetched["message"], &fetched["data"]), (&json!("Data fetched successfully"), saved));
    assert_eq!(sb.record(DIALECT, id).as_ref(), Some(saved));
    sb.shutdown().await;
}

#[rustfmt::skip]
const CASES: &[(&str, &str, &[&str])] = &[
    ("unknown key", r#"{"nickname": "Jo"}"#, &["body.nickname"]),
    ("read-only key", r#"{"phone_number": "+15551234567"}"#, &["body.phone_number"]),
    ("number as name", r#"{"first_name": 7}"#, &["body.first_name"]),
    ("boolean custom field", r#"{"custom_fields": {"vip": true, "tier": "gold"}}"#, &["body.custom_fields.vip.str", "body.custom_fields.vip.float"]),
    ("custom fields not an object", r#"{"custom_fields": ["gold"]}"#, &["body.custom_fields"]),
    ("bad uuid", r#"{"first_assistant_id": "assistant-1"}"#, &["body.first_assistant_id"]),
    ("naive date-time", r#"{"last_sent": "2023-11-07T05:31:56"}"#, &["body.last_sent"]),
    ("channel value not a string", r#"{"channels": {"whatsapp": 4915112345678}}"#, &["body.channels.whatsapp"]),
    ("user attributes not an object", r#"{"user_attributes": "x"}"#, &["body.user_attributes"]),
    ("not an object", "[1]", &["body"]),
];

#[tokio::test]
async fn each_rule_answers_a_fastapi_422_naming_the_field() {
    let sb = start().await;
    let id =
        get(&sb, "/api/v1/contact/list?size=1").await.body["data"]["items"][0]["id"].as_str().expect("id").to_owned();
    for &(name, body, expected) in CASES {
        assert_eq!(locs(&put(&sb, &id, &parse(body)).await), expected, "{name}");
    }
    let reply = put(&sb, &id, &json!({ "nickname": "Jo" })).await;
    assert_eq!(reply.body["detail"][0]["type"], "extra_forbidden");
    let request = reqwest::Client::new()
        .put(url(&sb, "/api/v1/contact/not-a-uuid"))
        .header("Content-Type", "application/json")
        .body("{\"first_name\": ");
    let reply = send(request).await;
    assert_eq!(locs(&reply), ["path.contact_id", "body.15"], "path and body problems come together");
    assert_eq!(reply.body["detail"][1]["type"], "json_invalid");
    let nulls = json!({ "email": null, "channels": null, "custom_fields": null, "last_seen": null, "org_id": null });
    assert_eq!(put(&sb, &id, &nulls).await.status, StatusCode::OK, "every field is nullable");
    sb.shutdown().await;
}
