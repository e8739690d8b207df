//! Paging always ends, in the terminal UI: servers that repeat a page forever, go round in a
//! circle of cursors, send more than their total, or page honestly past the profile's cap are
//! stopped with the reason on the status line and no further request; Esc stops pages loading;
//! and the honest sandbox still lists every contact of every vendor.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossterm::event::KeyCode;
use rolo::http::{Client, Progress, Stop, Timeouts};
use secrecy::SecretString;
use serde_json::{Value, json};

use common::hostile::{Hostile, Reply, Request};
use common::{App, TOKEN};

const CM: &str = "corporatemerch";
/// Wide enough for the count, the stop and its reason on one status line.
const SIZE: (u16, u16) = (220, 30);

/// A Corporate Merch list page holding contacts `ids`, its `total` and `last_page`.
fn cm_page(ids: std::ops::Range<u64>, total: u64, last_page: u64) -> Reply {
    let data: Vec<Value> =
        ids.map(|i| json!({"id": i, "first_name": format!("Ana {i}"), "last_name": "Lima"})).collect();
    Reply::json(200, &json!({"data": data, "meta": {"total": total, "last_page": last_page}}))
}

/// The page number a list request asks for.
fn page_number(request: &Request) -> u64 {
    request.query("page").and_then(|p| p.parse().ok()).unwrap_or(1)
}

/// rolo against `server` speaking `dialect`, listing at most `max_contacts` per pass.
async fn start(server: &Hostile, dialect: &str, max_contacts: u64) -> App {
    let backend = Arc::new(rolo::backend::find(dialect, None).unwrap());
    let timeouts = Timeouts { connect: Duration::from_secs(2), total: Duration::from_secs(5) };
    let vars = [("workspaceId".to_string(), "ws".to_string())].into();
    let client = Client::new(backend, &server.url(""), Some(SecretString::from(TOKEN.to_string())), vars, timeouts)
        .unwrap()
        .with_retry(common::FAST_RETRY)
        .with_max_contacts(max_contacts);
    common::start_with(client, SIZE).await
}

/// Presses End (load the next page) `times` times, waiting for each answer.
async fn page_on(app: &mut App, times: usize) {
    for _ in 0..times {
        app.press(KeyCode::End);
        app.settle().await;
    }
}

fn stopped(app: &App) -> Option<Stop> {
    match app.runtime.state.list.progress() {
        Progress::Stopped(stop) => Some(stop.clone()),
        _ => None,
    }
}

fn status_line(app: &mut App) -> String {
    app.screen().lines().rev().nth(1).unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_server_sending_the_same_page_forever_is_stopped_after_one_repeat() {
    // Every page is page 1 again, and the server claims a thousand pages.
    let server = Hostile::start(|_| cm_page(1..101, 100_000, 1000)).await;
    let mut app = start(&server, CM, 1_000_000).await;
    page_on(&mut app, 10).await;
    assert_eq!(server.requests().len(), 2, "page 1, then page 2 (= page 1 again), then nothing");
    assert_eq!(stopped(&app), Some(Stop::NothingNew));
    assert_eq!(app.runtime.state.list.contacts.len(), 100);
    let status = status_line(&mut app);
    assert!(
        status.contains(
            "100 loaded / 100000, paging stopped: the server sent a page with no contact that was not already listed"
        ),
        "{status}"
    );
}

#[tokio::test]
async fn a_cursor_going_round_a_to_b_to_a_is_stopped() {
    let counter = Arc::new(AtomicU64::new(0));
    let served = Arc::clone(&counter);
    // Fresh contacts every time, so only the cursor tells that the server goes round.
    let server = Hostile::start(move |request| {
        let n = served.fetch_add(1, Ordering::SeqCst);
        let next = match request.query("pageToken").as_deref() {
            None | Some("B") => "A",
            _ => "B",
        };
        let results: Vec<Value> = (n * 100..n * 100 + 100)
            .map(|i| json!({"id": format!("c{i}"), "computedDisplayName": format!("Ana {i}")}))
            .collect();
        Reply::json(200, &json!({"results": results, "nextPageToken": next}))
    })
    .await;
    let mut app = start(&server, "bird", 1_000_000).await;
    page_on(&mut app, 10).await;
    let tokens: Vec<Option<String>> = server.requests().iter().map(|r| r.query("pageToken")).collect();
    assert_eq!(tokens, vec![None, Some("A".into()), Some("B".into())], "A again is never asked for");
    assert_eq!(stopped(&app), Some(Stop::CursorRepeated));
    assert_eq!(app.runtime.state.list.contacts.len(), 300, "the page that handed back A is listed");
    let status = status_line(&mut app);
    assert!(
        status.contains("300 loaded / ?, paging stopped: the server sent a page cursor it had sent before"),
        "{status}"
    );
}

#[tokio::test]
async fn a_total_of_50_with_new_contacts_coming_shows_the_servers_word_and_stops() {
    // Thirty new contacts a page, a total of 50 and a thousand pages.
    let server = Hostile::start(|request| {
        let page = page_number(request);
        cm_page(page * 30..page * 30 + 30, 50, 1000)
    })
    .await;
    let mut app = start(&server, CM, 1_000_000).await;
    page_on(&mut app, 10).await;
    assert_eq!(server.requests().len(), 2);
    assert_eq!(stopped(&app), Some(Stop::PastTotal { total: 50 }));
    let status = status_line(&mut app);
    assert!(
        status
            .contains("60 loaded (server says 50), paging stopped: the server sent more contacts than the 50 it says"),
        "never 60 / 50: {status}"
    );
    assert!(!status.contains("/ 50"), "{status}");
}

#[tokio::test]
async fn honest_paging_past_the_cap_stops_at_the_cap() {
    let server = Hostile::start(|request| {
        let page = page_number(request);
        cm_page(page * 100..page * 100 + 100, 10_000, 100)
    })
    .await;
    let mut app = start(&server, CM, 250).await;
    page_on(&mut app, 10).await;
    assert_eq!(server.requests().len(), 3, "100 + 100 + 50 of the third page");
    assert_eq!(app.runtime.state.list.contacts.len(), 250);
    assert_eq!(stopped(&app), Some(Stop::Cap { max: 250 }));
    let status = status_line(&mut app);
    assert!(
        status.contains("250 loaded / 10000, paging stopped: reached the limit of 250 contacts (`max_contacts`"),
        "{status}"
    );
}

#[tokio::test]
async fn esc_stops_pages_that_keep_loading() {
    let server = Hostile::start(|request| {
        let page = page_number(request);
        cm_page(page * 100..page * 100 + 100, 100_000, 1000)
    })
    .await;
    let mut app = start(&server, CM, 1_000_000).await;
    // A filter that matches nothing keeps loading pages to find matches.
    app.press(KeyCode::Char('/'));
    app.type_text("zzzz");
    app.press(KeyCode::Enter);
    for _ in 0..2 {
        let answer = tokio::time::timeout(common::SETTLE, app.runtime.next_answer()).await.unwrap().unwrap();
        app.runtime.dispatch(answer);
    }
    assert_eq!(app.runtime.in_flight(), 1, "the next page is on its way");
    app.press(KeyCode::Esc);
    assert_eq!(app.runtime.in_flight(), 0, "Esc abandons it");
    let asked = server.requests().len();
    assert!(asked <= 4, "{asked}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.settle().await;
    assert_eq!(server.requests().len(), asked, "no page is asked for after Esc");
    assert!(app.screen().contains("Loading cancelled"), "{}", app.screen());
}

#[tokio::test]
async fn the_honest_sandbox_lists_all_260_contacts_of_every_vendor() {
    for vendor in ["corporatemerch", "informly", "insighto", "vixiees", "bird"] {
        let mut app = common::start(vendor, SIZE.0, SIZE.1).await;
        for _ in 0..10 {
            if !app.runtime.state.list.has_more() {
                break;
            }
            page_on(&mut app, 1).await;
        }
        assert_eq!(app.runtime.state.list.progress(), &Progress::Complete, "{vendor}");
        assert_eq!(app.runtime.state.list.contacts.len(), 260, "{vendor}");
        assert!(!app.screen().contains("stopped"), "{vendor}: {}", app.screen());
    }
}
