//! The sandbox's Informly, Insighto, Vixiees and Bird dialects over real HTTP, checked against
//! the behaviour `shared/vendor-apis/*.yaml` describes. One test binary, one module per vendor.

mod bird;
mod informly;
mod insighto;
mod vixiees;

use reqwest::StatusCode;
use rolo::sandbox::{self, Fault, Sandbox, SandboxOptions, Storage};
use serde_json::{Value, json};

/// The credential every dialect is started with.
pub const TOKEN: &str = "sandbox-test-token";

/// A fresh in-memory sandbox on a free port.
pub async fn start() -> Sandbox {
    let opts = SandboxOptions { storage: Storage::Memory, port: 0, token: TOKEN.to_owned(), contacts: None };
    sandbox::start(opts).await.expect("sandbox starts")
}

/// A response's status and JSON body (a JSON string when the body is not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

/// Sends a request and reads the whole answer.
pub async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("request is answered");
    let status = response.status();
    let text = response.text().await.expect("body is readable");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply { status, body }
}

/// Parses one JSON literal from a test table.
pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("bad JSON in test table {text}: {err}"))
}

/// True for `2024-06-01T12:30:00Z`-style timestamps (optionally with milliseconds).
pub fn is_utc_timestamp(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.ends_with('Z') && s.parse::<jiff::Timestamp>().is_ok())
}

#[tokio::test]
async fn base_urls_follow_each_vendor_prefix() {
    let sb = start().await;
    let root = format!("http://127.0.0.1:{}", sb.addr().port());
    for (dialect, prefix) in [
        ("informly", "/informly/api/v1"),
        ("insighto", "/insighto"),
        ("vixiees", "/vixiees"),
        ("bird", "/bird"),
        ("corporatemerch", "/corporatemerch/v2"),
    ] {
        assert_eq!(sb.base_url(dialect), format!("{root}{prefix}"));
    }
    assert_eq!(sandbox::BIRD_WORKSPACE.len(), 36);
    sb.shutdown().await;
}

#[tokio::test]
async fn the_fault_switch_covers_every_prefix() {
    let sb = start().await;
    let client = reqwest::Client::new();
    let urls = [
        format!("{}/contacts", sb.base_url("informly")),
        format!("{}/api/v1/contact/list?api_key={TOKEN}", sb.base_url("insighto")),
        format!("{}/contacts", sb.base_url("vixiees")),
        format!("{}/workspaces/{}/contacts", sb.base_url("bird"), sandbox::BIRD_WORKSPACE),
        format!("{}/not-a-route", sb.base_url("bird")),
    ];
    sb.set_fault(Some(Fault {
        status: 503,
        body: r#"{"down":true}"#.to_owned(),
        content_type: "application/json".to_owned(),
        ..Default::default()
    }));
    for url in &urls {
        let reply = send(client.get(url)).await;
        assert_eq!((reply.status, reply.body), (StatusCode::SERVICE_UNAVAILABLE, json!({ "down": true })), "{url}");
    }
    sb.set_fault(None);
    let reply = send(client.get(&urls[1])).await;
    assert_eq!(reply.status, StatusCode::OK);
    sb.shutdown().await;
}

#[tokio::test]
async fn malformed_input_never_breaks_the_server() {
    let sb = start().await;
    let client = reqwest::Client::new();
    let bird = format!("{}/workspaces/{}/contacts", sb.base_url("bird"), sandbox::BIRD_WORKSPACE);
    let insighto = format!("{}/api/v1/contact", sb.base_url("insighto"));
    let informly = format!("{}/contacts", sb.base_url("informly"));
    let vixiees = format!("{}/contacts", sb.base_url("vixiees"));
    // (list URL, one contact's URL, update method, auth header, query suffix)
    let vendors = [
        (
            informly.clone(),
            format!("{informly}/x"),
            reqwest::Method::PUT,
            ("Authorization", format!("Bearer {TOKEN}")),
            "",
        ),
        (
            format!("{insighto}/list"),
            format!("{insighto}/x"),
            reqwest::Method::PUT,
            ("X-None", String::new()),
            "api_key",
        ),
        (vixiees.clone(), format!("{vixiees}/18001"), reqwest::Method::PUT, ("X-API-Key", TOKEN.to_owned()), ""),
        (
            bird.clone(),
            format!("{bird}/x"),
            reqwest::Method::PATCH,
            ("Authorization", format!("AccessKey {TOKEN}")),
            "",
        ),
    ];
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let bodies: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"null".to_vec(),
        b"\"x\"".to_vec(),
        b"{\"a\":".to_vec(),
        vec![0xFF, 0xFE, b'{', b'}'],
        deep.into_bytes(),
        br#"{"attributes": {"x": 1e400}, "priority": 18446744073709551616, "page": -1}"#.to_vec(),
        br#"{"custom_fields": {"": null}, "segmentIds": [[]], "addIdentifiers": [{"key": "k", "value": "\u0000"}]}"#
            .to_vec(),
    ];
    let queries = [
        "page=%ZZ",
        "limit=99999999999999999999&size=-5&pageSize=1e3",
        "pageToken=%FF%FE&reverse=1",
        "page=9223372036854775807",
    ];
    for (list, one, method, (header, value), key) in &vendors {
        let with_key = |url: &str, extra: &str| match *key {
            "" => format!("{url}?{extra}"),
            _ => format!("{url}?api_key={TOKEN}&{extra}"),
        };
        for query in queries {
            let reply = send(client.get(with_key(list, query)).header(*header, value)).await;
            assert!(!reply.status.is_server_error(), "{list}?{query}: {} {}", reply.status, reply.body);
        }
        for body in &bodies {
            let request = client.request(method.clone(), with_key(one, "")).header(*header, value).body(body.clone());
            let reply = send(request.header("Content-Type", "application/json")).await;
            assert!(!reply.status.is_server_error(), "{one}: {} {}", reply.status, reply.body);
        }
        let reply = send(client.get(with_key(&format!("{list}/%FF%00"), "")).header(*header, value)).await;
        assert!(!reply.status.is_server_error(), "{list}/%FF: {}", reply.status);
    }
    // Still serving.
    let reply = send(client.get(format!("{vixiees}/18001")).header("X-API-Key", TOKEN)).await;
    assert_eq!(reply.status, StatusCode::OK);
    sb.shutdown().await;
}
