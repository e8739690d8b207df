//! Faults injected into the sandbox (or met on loopback): what the user sees, and that the
//! draft survives each of them.

mod common;

use std::time::Duration;

use crossterm::event::KeyCode;
use rolo::sandbox::{self, Delivery, Fault, SandboxOptions, Storage};

const CM: &str = "corporatemerch";

fn json_fault(status: u16, body: &str) -> Fault {
    Fault { status, body: body.into(), content_type: "application/json".into(), ..Default::default() }
}

/// rolo against a sandbox that answers with `fault` from the very first request.
async fn start_faulty(fault: Fault) -> (common::App, sandbox::Sandbox) {
    let server = sandbox::start(SandboxOptions {
        storage: Storage::Memory,
        port: 0,
        token: common::TOKEN.into(),
        contacts: None,
    })
    .await
    .unwrap();
    server.set_fault(Some(fault));
    let url = server.base_url(CM);
    let app = common::start_at(CM, &url, common::TOKEN, Duration::from_secs(2), (120, 30)).await;
    (app, server)
}

#[tokio::test]
async fn a_read_that_meets_503s_is_retried_and_the_status_line_says_so() {
    let server = sandbox::start(SandboxOptions {
        storage: Storage::Memory,
        port: 0,
        token: common::TOKEN.into(),
        contacts: None,
    })
    .await
    .unwrap();
    let mut app = common::start_at(CM, &server.base_url(CM), common::TOKEN, Duration::from_secs(2), (120, 30)).await;
    server.set_fault(Some(Fault { times: Some(2), ..json_fault(503, r#"{"message":"Service Unavailable"}"#) }));
    app.press(KeyCode::Char('r'));
    let screens = app.settle_watching().await;
    assert!(screens.iter().any(|s| s.contains("⟳ 503: retry 1 of 2")), "{}", screens.join("\n---\n"));
    assert!(screens.iter().any(|s| s.contains("⟳ 503: retry 2 of 2")));
    assert!(app.screen().contains("100 loaded / 260"), "the third try succeeds");
}

#[tokio::test]
async fn a_429_waits_as_long_as_retry_after_says() {
    let server = sandbox::start(SandboxOptions {
        storage: Storage::Memory,
        port: 0,
        token: common::TOKEN.into(),
        contacts: None,
    })
    .await
    .unwrap();
    let mut app = common::start_at(CM, &server.base_url(CM), common::TOKEN, Duration::from_secs(2), (120, 30)).await;
    let limited = Fault {
        times: Some(1),
        headers: vec![("Retry-After".into(), "1".into())],
        ..json_fault(429, r#"{"message":"Too Many Attempts."}"#)
    };
    server.set_fault(Some(limited));
    let started = std::time::Instant::now();
    app.press(KeyCode::Char('r'));
    let screens = app.settle_watching().await;
    assert!(screens.iter().any(|s| s.contains("⟳ 429: retry 1 of 2 in 1.0 s")), "{}", screens.join("\n---\n"));
    assert!(started.elapsed() >= Duration::from_millis(950), "waited for Retry-After");
    assert!(app.screen().contains("100 loaded / 260"));
}

#[tokio::test]
async fn a_write_is_never_retried_behind_the_users_back() {
    let mut app = common::start(CM, 120, 40).await;
    app.press(KeyCode::Enter);
    app.settle().await;
    app.focus_field("position");
    app.replace_text("Night Manager");
    let sandbox = app.sandbox.as_ref().unwrap();
    let unavailable = json_fault(503, r#"{"message":"Service Unavailable"}"#);
    sandbox.set_fault(Some(Fault { times: Some(1), only_writes: true, ..unavailable }));
    app.ctrl('s');
    app.settle().await;
    assert!(app.screen().contains("Not stored: 503"), "{}", app.screen());
    assert_eq!(app.stored(CM, "1")["position"], "Customer Success Manager", "nothing was written");
    // One key retries, and this time the server is back.
    app.ctrl('s');
    app.settle().await;
    assert!(app.screen().contains("✓ Stored: 200"));
    assert_eq!(app.stored(CM, "1")["position"], "Night Manager");
}

#[tokio::test]
async fn malformed_answers_get_a_clear_message_and_nothing_panics() {
    let cases = [
        (json_fault(200, "{not json"), "Unexpected answer: the body is not JSON"),
        (
            Fault { content_type: "text/html".into(), ..json_fault(200, "<html><body>Login</body></html>") },
            "Unexpected answer: the body is not JSON",
        ),
        (json_fault(200, r#"{"items": []}"#), "no list of contacts at `data`"),
        (json_fault(502, "<html>Bad Gateway</html>"), "502: server error"),
        (
            Fault {
                delivery: Delivery::CutShort,
                ..json_fault(200, &format!(r#"{{"data": ["{}"]}}"#, "x".repeat(5000)))
            },
            "Loading contacts failed",
        ),
        (json_fault(200, &format!(r#"{{"data": "{}"}}"#, "x".repeat(17 << 20))), "the answer is over 16 MiB"),
    ];
    for (fault, expected) in cases {
        let (mut app, _server) = start_faulty(fault).await;
        let screen = app.screen();
        assert!(screen.contains(expected), "expected {expected:?}:\n{screen}");
        app.ctrl('r');
        assert!(app.screen().contains("Raw response"), "the raw answer is one key away");
    }
}

#[tokio::test]
async fn a_contact_answer_that_is_not_a_contact_opens_nothing_and_says_so() {
    let mut app = common::start(CM, 120, 40).await;
    app.sandbox.as_ref().unwrap().set_fault(Some(json_fault(200, r#"{"data": "nope"}"#)));
    app.press(KeyCode::Enter);
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("Could not open contact 1"), "{screen}");
    assert!(!screen.contains("── Person"), "no form on a record rolo does not have:\n{screen}");
    // Once the server answers properly, Enter opens it.
    app.sandbox.as_ref().unwrap().set_fault(None);
    app.press(KeyCode::Enter);
    app.settle().await;
    assert!(app.screen().contains("── Person"), "{}", app.screen());
}

#[tokio::test]
async fn an_error_body_of_an_unknown_dialect_still_reads_as_a_status() {
    let mut app = common::start(CM, 120, 40).await;
    app.press(KeyCode::Enter);
    app.settle().await;
    app.focus_field("city");
    app.replace_text("Ville-Marie");
    let odd = json_fault(422, r#"{"problems": {"whatever": 1}}"#);
    app.sandbox.as_ref().unwrap().set_fault(Some(Fault { only_writes: true, ..odd }));
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("Not stored: 422: the server refused the values"), "{screen}");
    assert!(app.runtime.state.form.as_ref().unwrap().draft.is_dirty());
}

#[tokio::test]
async fn tls_to_a_plain_http_server_fails_clearly() {
    let server = sandbox::start(SandboxOptions {
        storage: Storage::Memory,
        port: 0,
        token: common::TOKEN.into(),
        contacts: None,
    })
    .await
    .unwrap();
    let url = server.base_url(CM).replace("http://", "https://");
    let mut app = common::start_at(CM, &url, common::TOKEN, Duration::from_secs(2), (120, 30)).await;
    let screen = app.screen();
    assert!(screen.contains("Loading contacts failed"), "{screen}");
}

#[tokio::test]
async fn a_server_that_hangs_is_abandoned_after_the_timeout() {
    let fault = Fault { delivery: Delivery::Hang, ..json_fault(200, "{}") };
    let server = sandbox::start(SandboxOptions {
        storage: Storage::Memory,
        port: 0,
        token: common::TOKEN.into(),
        contacts: None,
    })
    .await
    .unwrap();
    server.set_fault(Some(fault));
    let url = server.base_url(CM);
    let mut app = common::start_at(CM, &url, common::TOKEN, Duration::from_millis(200), (120, 30)).await;
    assert!(app.screen().contains("No answer within 0.2 s"), "{}", app.screen());
    server.set_fault(None);
}

#[tokio::test]
async fn esc_abandons_a_page_that_does_not_come() {
    let server = sandbox::start(SandboxOptions {
        storage: Storage::Memory,
        port: 0,
        token: common::TOKEN.into(),
        contacts: None,
    })
    .await
    .unwrap();
    let mut app = common::start_at(CM, &server.base_url(CM), common::TOKEN, Duration::from_secs(30), (120, 30)).await;
    server.set_fault(Some(Fault { delivery: Delivery::Hang, ..json_fault(200, "{}") }));
    app.press(KeyCode::Char('r'));
    assert_eq!(app.runtime.in_flight(), 1);
    app.press(KeyCode::Esc);
    assert_eq!(app.runtime.in_flight(), 0, "the request is abandoned at once");
    assert!(app.screen().contains("Loading cancelled"), "{}", app.screen());
    server.set_fault(None);
    app.press(KeyCode::Char('r'));
    app.settle().await;
    assert!(app.screen().contains("100 loaded / 260"));
}

#[tokio::test]
async fn the_hostile_server_answers_resets_and_records_what_it_read() {
    use common::hostile::{Hostile, Reply};
    use serde_json::json;
    let server = Hostile::start(|request| {
        if request.is_write() {
            Reply::Reset
        } else {
            Reply::json(200, &json!({"data": {"id": 7, "first_name": "Ana"}}))
        }
    })
    .await;
    let backend = std::sync::Arc::new(rolo::backend::find(CM, None).unwrap());
    let timeouts = rolo::http::Timeouts { connect: Duration::from_secs(2), total: Duration::from_secs(5) };
    let secret = Some(secrecy::SecretString::from(common::TOKEN.to_string()));
    let client = rolo::http::Client::new(backend, &server.url(""), secret, Default::default(), timeouts).unwrap();
    let fetched = client.get("7").await.unwrap();
    assert_eq!(fetched.contact.unwrap().id, "7");
    assert!(client.update("7", json!({"first_name": "Eva"})).await.is_err());
    let writes = server.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].json(), Some(json!({"first_name": "Eva"})));
    assert_eq!(writes[0].header("authorization"), Some(format!("Bearer {}", common::TOKEN).as_str()));
}
