//! Bird: `AccessKey`/`Bearer` auth, one workspace, cursor paging, `{code, message, details}`.

use std::collections::HashSet;

use reqwest::StatusCode;
use rolo::sandbox::{BIRD_WORKSPACE, Sandbox};
use serde_json::{Value, json};

use super::{Reply, TOKEN, is_utc_timestamp, send, start};

const DIALECT: &str = "bird";

fn contacts_url(sb: &Sandbox) -> String {
    format!("{}/workspaces/{BIRD_WORKSPACE}/contacts", sb.base_url(DIALECT))
}

fn access_key() -> String {
    format!("AccessKey {TOKEN}")
}

async fn get(sb: &Sandbox, tail: &str) -> Reply {
    send(reqwest::Client::new().get(format!("{}{tail}", contacts_url(sb))).header("Authorization", access_key())).await
}

async fn patch(sb: &Sandbox, id: &str, body: &Value) -> Reply {
    let url = format!("{}/{id}", contacts_url(sb));
    send(reqwest::Client::new().patch(url).header("Authorization", access_key()).json(body)).await
}

/// Every contact, following `nextPageToken` until it is absent.
async fn all_contacts(sb: &Sandbox, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut tail = format!("?{query}");
    loop {
        let reply = get(sb, &tail).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        all.extend(reply.body["results"].as_array().expect("results").iter().cloned());
        match reply.body.get("nextPageToken").and_then(Value::as_str) {
            Some(token) => tail = format!("?{query}&pageToken={token}"),
            None => return all,
        }
    }
}

/// The `details` keys of a 422, checking the envelope on the way.
fn detail_keys(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!((&reply.body["code"], &reply.body["message"]), (&json!("InvalidPayload"), &json!("Invalid payload")));
    reply.body["details"].as_object().expect("details").keys().cloned().collect()
}

#[tokio::test]
async fn access_key_or_bearer_and_nothing_else() {
    let sb = start().await;
    let url = contacts_url(&sb);
    let client = reqwest::Client::new();
    for request in [
        client.get(&url),
        client.get(&url).header("Authorization", "AccessKey wrong"),
        client.get(&url).header("Authorization", format!("Basic {TOKEN}")),
        client.get(&url).header("Authorization", TOKEN),
        client.get(&url).header("X-API-Key", TOKEN),
        client.patch(format!("{url}/x")).json(&json!({})),
    ] {
        let reply = send(request).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.body, json!({ "code": "Unauthorized", "message": "unauthorized request" }));
    }
    for request in [client.get(&url).header("Authorization", access_key()), client.get(&url).bearer_auth(TOKEN)] {
        assert_eq!(send(request).await.status, StatusCode::OK);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn cursor_paging_visits_every_contact_once() {
    let sb = start().await;
    let first = get(&sb, "").await.body;
    assert_eq!(first["results"].as_array().map(Vec::len), Some(10));
    assert!(first["nextPageToken"].is_string());
    let contact = &first["results"][0];
    assert_eq!(contact["workspaceId"], BIRD_WORKSPACE);
    assert!(is_utc_timestamp(&contact["createdAt"]));

    let all = all_contacts(&sb, "limit=100").await;
    assert!(all.len() >= 240);
    let ids: HashSet<&str> = all.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids.len(), all.len());
    let reversed = all_contacts(&sb, "limit=100&reverse=true").await;
    let forward: Vec<&Value> = all.iter().map(|c| &c["id"]).collect();
    let backward: Vec<&Value> = reversed.iter().rev().map(|c| &c["id"]).collect();
    assert_eq!(forward, backward);
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_paging_is_a_400() {
    let sb = start().await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("pageToken=garbage!", "pageToken"),
        ("reverse=maybe", "reverse"),
    ] {
        let reply = get(&sb, &format!("?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(reply.body["code"], "InvalidParameter");
        assert!(reply.body["details"][field][0].is_string(), "{query}: {}", reply.body);
    }
    let long = "A".repeat(8001);
    assert!(get(&sb, &format!("?pageToken={long}")).await.body["details"]["pageToken"].is_array());
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_contact_or_workspace_is_404() {
    let sb = start().await;
    let reply = get(&sb, "/12bd0e40-9361-4e32-8b26-99b4ab7eae09").await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::NOT_FOUND, json!({ "code": "NotFound", "message": "contact not found" }))
    );
    let reply = patch(&sb, "nope", &json!({})).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let other = format!("{}/workspaces/a1405560-c8d3-4b1a-877d-3f449ad95352/contacts", sb.base_url(DIALECT));
    let reply = send(reqwest::Client::new().get(other).header("Authorization", access_key())).await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::NOT_FOUND, json!({ "code": "NotFound", "message": "workspace not found" }))
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn patch_merges_and_round_trips() {
    let sb = start().await;
    let all = all_contacts(&sb, "limit=100").await;
    let before =
        all.iter().find(|c| c["attributes"]["jobTitle"].is_string() && c["isAnonymous"] == false).expect("one");
    let id = before["id"].as_str().expect("id");
    let list = "7f3e9a12-4c5b-4d2e-9f10-2a6b8c4d5e11";
    let body = json!({
        "attributes": { "firstName": "Minh Khai", "lastName": "Nguyễn Thị", "jobTitle": null, "rating": 9.6, "labels": ["vip", "hà-nội"] },
        "addToLists": [list],
        "strategy": "first",
        "clientNote": "unknown keys are allowed"
    });
    let reply = patch(&sb, id, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let saved = &reply.body;
    assert_eq!(saved["attributes"]["firstName"], "Minh Khai");
    assert_eq!(saved["attributes"]["labels"], json!(["vip", "hà-nội"]));
    assert!(saved["attributes"].get("jobTitle").is_none(), "null removes an attribute");
    assert_eq!(saved["attributes"]["countryCode"], before["attributes"]["countryCode"], "others are kept");
    assert!(saved["listIds"].as_array().expect("lists").contains(&json!(list)));
    assert_eq!(saved["featuredIdentifiers"], before["featuredIdentifiers"]);
    assert!(saved.get("clientNote").is_none());
    assert_ne!(saved["updatedAt"], before["updatedAt"]);
    assert_eq!(get(&sb, &format!("/{id}")).await.body, *saved);
    assert_eq!(sb.record(DIALECT, id).as_ref(), Some(saved));
    let asked = get(&sb, &format!("/{id}?attribute=jobTitle&attribute=firstName")).await.body;
    assert_eq!(
        (&asked["attributes"]["jobTitle"], &asked["attributes"]["firstName"]),
        (&Value::Null, &json!("Minh Khai"))
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn each_rule_answers_invalid_payload_naming_the_field() {
    let sb = start().await;
    let id = get(&sb, "?limit=1").await.body["results"][0]["id"].as_str().expect("id").to_owned();
    let uuid = "123e4567-e89b-12d3-a456-426614174000";
    let reply = patch(&sb, &id, &json!({ "strategy": "newest" })).await;
    assert_eq!(
        reply.body,
        json!({ "code": "InvalidPayload", "message": "Invalid payload",
                "details": { "strategy": ["must be one of: strict_alias, first_alias, first"] } })
    );
    for (body, expected) in [
        (json!({ "accountIds": [] }), "accountIds"),
        (json!({ "listIds": vec![uuid; 11] }), "listIds"),
        (json!({ "removeFromAccounts": ["acct-1"] }), "removeFromAccounts[0]"),
        (json!({ "attributes": { "address": { "city": "Huế" } } }), "attributes.address"),
        (json!({ "attributes": { "tags": [] } }), "attributes.tags"),
        (json!({ "addIdentifiers": [{ "key": "emailaddress" }] }), "addIdentifiers[0].value"),
        (json!({ "allowWritingReadOnly": 1 }), "allowWritingReadOnly"),
        (json!({ "companyRefs": "acme" }), "companyRefs"),
        (json!([]), "body"),
    ] {
        assert_eq!(detail_keys(&patch(&sb, &id, &body).await), [expected], "{body}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn identifiers_of_another_contact_conflict_unless_the_strategy_allows() {
    let sb = start().await;
    let all = all_contacts(&sb, "limit=100").await;
    let (a, b) = (&all[0], &all[1]);
    let id = a["id"].as_str().expect("id");
    let theirs = b["featuredIdentifiers"][0].clone();
    let reply = patch(&sb, id, &json!({ "addIdentifiers": [theirs] })).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.body["code"], "IdentifierAlreadyExists");

    let mine = json!({ "key": "phonenumber", "value": "+84901234567" });
    let body = json!({ "strategy": "first_alias", "addIdentifiers": [theirs, mine] });
    let reply = patch(&sb, id, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let identifiers = reply.body["featuredIdentifiers"].as_array().expect("identifiers");
    assert!(identifiers.contains(&mine) && !identifiers.contains(&theirs));
    assert_eq!(reply.body["identifierCount"], json!(identifiers.len()));
    sb.shutdown().await;
}
