//! Paging always ends, in the terminal UI: servers that repeat a page forever, go round in a
//! circle of cursors, send more than their total, or page honestly past the profile's cap are
//! stopped with the reason on the status line and no further request; Esc stops pages loading;
//! and the honest sandbox still lists every contact of every vendor. `/` searches the whole
//! list: the rest of it loads in the background, the filter line says how far it got, and Esc
//! stops it keeping what came.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossterm::event::KeyCode;
use rolo::app::Purpose;
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

/// The filter line (the one under the title bar).
fn filter_line(app: &mut App) -> String {
    app.screen().lines().nth(1).unwrap_or_default().to_string()
}

/// Dispatches the next answer from the server.
async fn next_answer(app: &mut App) {
    let answer = tokio::time::timeout(common::SETTLE, app.runtime.next_answer()).await.unwrap().unwrap();
    app.runtime.dispatch(answer);
    app.draw();
}

/// The tag of the search's page in flight.
fn search_page_in_flight(app: &App) -> u64 {
    let requests = &app.runtime.state.requests;
    (1..10_000).find(|&tag| requests.purpose(tag) == Some(&Purpose::SearchPage)).expect("a search page in flight")
}

#[tokio::test]
async fn a_contact_on_the_last_page_is_found_from_the_first_screen_by_typing_its_name() {
    let mut app = common::start(CM, 120, 40).await;
    assert_eq!(app.runtime.state.list.contacts.len(), 100, "the first page is shown");
    let record = app.stored(CM, "250");
    let name = format!("{} {}", record["first_name"].as_str().unwrap(), record["last_name"].as_str().unwrap());
    assert!(!app.screen().contains(&name), "not on the first screen");
    assert!(!app.runtime.state.list.contacts.iter().any(|c| c.id == "250"), "not loaded yet");

    app.press(KeyCode::Char('/'));
    app.type_text(&name);
    let line = filter_line(&mut app);
    assert!(line.contains("searching: 100 of 260 loaded ███░░░░░░░ 38%"), "{line}");
    app.settle().await;
    let line = filter_line(&mut app);
    assert!(line.contains(" of 260 match") && !line.contains("searching"), "all pages searched: {line}");
    let list = &app.runtime.state.list;
    let best = list.filter.visible(0).map(|i| list.contacts[i].id.clone());
    assert_eq!(best.as_deref(), Some("250"), "the best match is the contact named, on top");
    assert!(app.screen().contains(&name), "{}", app.screen());
    app.press(KeyCode::Enter);
    app.press(KeyCode::Home);
    app.press(KeyCode::Enter);
    app.settle().await;
    assert_eq!(app.runtime.state.form.as_ref().expect("Enter opens it").draft.loaded.id, "250");
}

#[tokio::test]
async fn the_search_says_how_far_it_got_and_esc_stops_it_keeping_what_came() {
    let server = Hostile::start(|request| {
        let page = page_number(request);
        cm_page(page * 100..page * 100 + 100, 100_000, 1000)
    })
    .await;
    let mut app = start(&server, CM, 1_000_000).await;
    app.press(KeyCode::Char('/'));
    app.type_text("Ana 250");
    let line = filter_line(&mut app);
    assert!(line.contains("searching: 100 of 100,000 loaded ░░░░░░░░░░ 0%"), "{line}");
    assert_eq!(app.runtime.in_flight(), 1, "one page at a time");
    next_answer(&mut app).await;
    next_answer(&mut app).await;
    let line = filter_line(&mut app);
    assert!(line.contains("of 300 match   searching: 300 of 100,000 loaded"), "{line}");
    assert!(
        app.screen().contains("Ana 250 Lima"),
        "a match from a page the search loaded streamed in: {}",
        app.screen()
    );

    // Esc stops it, keeps the filter and the 300 contacts, and says so.
    let stale = search_page_in_flight(&app);
    app.press(KeyCode::Esc);
    assert_eq!(app.runtime.in_flight(), 0);
    let screen = app.screen();
    assert!(!filter_line(&mut app).contains("searching"), "{screen}");
    assert!(screen.contains("/Ana 250"), "the filter stays: {screen}");
    assert!(screen.contains("Loading cancelled: the filter searches the 300 contacts loaded of 100000"), "{screen}");

    // The cancelled page's answer, had it been on its way already, is dropped.
    let backend = rolo::backend::find(CM, None).unwrap();
    let late = json!({"id": 99_999, "first_name": "Ana 250", "last_name": "Late"});
    let contacts = vec![rolo::record::Contact::from_record(&backend, late).unwrap()];
    let page = rolo::http::Page { contacts, skipped: 0, next: None, total: None, exchange: Default::default() };
    app.runtime.dispatch(rolo::app::Message::PageLoaded { tag: stale, result: Ok(page) });
    assert_eq!(app.runtime.state.list.contacts.len(), 300);
    assert!(!app.screen().contains("Late"));
    assert_eq!(app.runtime.in_flight(), 0);

    // Clearing the filter keeps what was loaded, and loads nothing more.
    let asked = server.requests().len();
    app.press(KeyCode::Esc);
    assert_eq!(app.runtime.state.list.filter.query(), "");
    assert_eq!(app.runtime.state.list.contacts.len(), 300);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.requests().len(), asked);
}

#[tokio::test]
async fn without_a_total_the_search_counts_what_it_loaded() {
    // Cursor pages of 100 fresh contacts, no total; the fifth is the last.
    let server = Hostile::start(|request| {
        let n: u64 = request.query("pageToken").and_then(|t| t.parse().ok()).unwrap_or(0);
        let results: Vec<Value> = (n * 100..n * 100 + 100)
            .map(|i| json!({"id": format!("c{i}"), "computedDisplayName": format!("Ana {i}")}))
            .collect();
        let next = (n < 4).then(|| (n + 1).to_string());
        Reply::json(200, &json!({"results": results, "nextPageToken": next}))
    })
    .await;
    let mut app = start(&server, "bird", 1_000_000).await;
    app.press(KeyCode::Char('/'));
    app.type_text("Ana 42");
    let line = filter_line(&mut app);
    assert!(line.contains("searching: 100 loaded") && !line.contains('░'), "{line}");
    app.settle().await;
    assert_eq!(app.runtime.state.list.progress(), &Progress::Complete);
    assert_eq!(app.runtime.state.list.contacts.len(), 500);
    assert!(!filter_line(&mut app).contains("searching"));
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn a_search_stopped_by_the_cap_or_an_error_says_so_as_before() {
    let server = Hostile::start(|request| match page_number(request) {
        page @ 1..=2 => cm_page(page * 100..page * 100 + 100, 10_000, 100),
        _ => Reply::json(500, &json!({"message": "Database on fire"})),
    })
    .await;
    let mut app = start(&server, CM, 150).await;
    app.press(KeyCode::Char('/'));
    app.type_text("zzz");
    app.settle().await;
    assert_eq!(stopped(&app), Some(Stop::Cap { max: 150 }));
    assert!(status_line(&mut app).contains("150 loaded / 10000, paging stopped: reached the limit of 150"));
    assert!(!filter_line(&mut app).contains("searching"));

    let mut app = start(&server, CM, 1_000_000).await;
    app.press(KeyCode::Char('/'));
    app.type_text("zzz");
    app.settle().await;
    assert_eq!(app.runtime.state.list.contacts.len(), 200);
    let screen = app.screen();
    assert!(screen.contains("Loading contacts failed") && screen.contains("Database on fire"), "{screen}");
    assert!(!filter_line(&mut app).contains("searching"), "{screen}");
}

#[tokio::test]
async fn the_search_waits_as_long_as_a_429_says_and_goes_on() {
    let limited = Arc::new(AtomicU64::new(0));
    let times = Arc::clone(&limited);
    let server = Hostile::start(move |request| {
        let page = page_number(request);
        if page == 2 && times.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::json(429, &json!({"message": "Too Many Attempts."})).with_header("Retry-After", "1");
        }
        cm_page(page * 100..page * 100 + 100, 300, 3)
    })
    .await;
    let mut app = start(&server, CM, 1_000_000).await;
    app.press(KeyCode::Char('/'));
    app.type_text("zzz");
    let started = std::time::Instant::now();
    let screens = app.settle_watching().await;
    assert!(screens.iter().any(|s| s.contains("⟳ 429: retry 1 of 2 in 1.0 s")), "{}", screens.join("\n---\n"));
    assert!(started.elapsed() >= Duration::from_millis(950), "waited for Retry-After");
    assert_eq!(app.runtime.state.list.progress(), &Progress::Complete);
    assert_eq!(app.runtime.state.list.contacts.len(), 300);
    assert_eq!(server.requests().len(), 4, "page 1, page 2 twice, page 3");
}

#[tokio::test]
async fn a_contact_on_the_last_of_thirty_pages_is_found_by_email_from_the_first_screen() {
    let mut app = common::start_seeded(CM, Some(3_000), 120, 40).await;
    assert_eq!(app.runtime.state.list.contacts.len(), 100, "the first page is shown");
    let email = app.stored(CM, "2990")["email"].as_str().expect("an email").to_string();
    assert!(!app.runtime.state.list.contacts.iter().any(|c| c.id == "2990"), "not loaded yet");

    app.press(KeyCode::Char('/'));
    app.type_text(&email);
    let line = filter_line(&mut app);
    assert!(line.contains("searching: 100 of 3,000 loaded"), "{line}");
    app.settle().await;
    let line = filter_line(&mut app);
    assert!(line.contains("1 of 3000 match") && !line.contains("searching"), "all 30 pages searched: {line}");
    let list = &app.runtime.state.list;
    let best = list.filter.visible(0).map(|i| list.contacts[i].id.clone());
    assert_eq!(best.as_deref(), Some("2990"), "the contact with that email is the best match");
    assert!(app.screen().contains(&email), "{}", app.screen());
}

/// Every byte of the index file and SQLite's companion files.
fn index_bytes(path: &std::path::Path) -> Vec<u8> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| std::fs::read(format!("{}{suffix}", path.display())).ok())
        .flatten()
        .collect()
}

/// Dispatches answers until the list holds `rows`, returning how many pages came meanwhile.
async fn until_rows(app: &mut App, rows: usize) {
    while app.runtime.state.list.contacts.len() < rows {
        let message = tokio::time::timeout(common::SETTLE, app.runtime.next_answer()).await;
        let Ok(Some(message)) = message else { panic!("rows did not come: {}", app.runtime.state.list.contacts.len()) };
        app.runtime.dispatch(message);
    }
}

#[tokio::test]
async fn the_next_start_shows_the_index_at_once_then_the_refresh_brings_changes_and_drops_deleted_contacts() {
    let server = common::sandbox_with(Some(3_000)).await;
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index").join("test.sqlite3");
    let backend = || rolo::backend::find(CM, None).unwrap();

    // The first start builds the index in the background: every page, to the end.
    let mut first = common::start_indexed(&server, CM, backend(), &index);
    first.settle().await;
    assert_eq!(first.runtime.state.list.contacts.len(), 3_000);
    first.runtime.flush_index();
    drop(first);
    let status = rolo::index::status(&index).unwrap().expect("an index");
    assert_eq!((status.rows, status.complete), (3_000, true));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&index).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the index is the owner's alone");
    }

    // Meanwhile, on the server: one contact renamed, one deleted, one echoing the token.
    let mut renamed = server.record(CM, "2").unwrap();
    renamed["last_name"] = json!("Renamed-Since");
    assert!(server.put_record(CM, "2", &renamed));
    assert!(server.remove_record(CM, "3"));
    let mut echo = server.record(CM, "4").unwrap();
    echo["city"] = json!(TOKEN);
    assert!(server.put_record(CM, "4", &echo));
    let old_name = first_row_text(&index, "2");

    // The next start: the list is on screen from the index before any page is asked for.
    let mut app = common::start_indexed(&server, CM, backend(), &index);
    until_rows(&mut app, 1).await;
    assert!(app.runtime.state.last_request.is_none(), "no page has come from the server yet");
    assert!(!app.runtime.state.requests.any(Purpose::is_list_page), "no page even asked for yet");
    let screen = app.screen();
    assert!(screen.contains(&old_name), "{screen}");
    until_rows(&mut app, 3_000).await;
    assert!(app.runtime.state.last_request.is_none(), "3,000 rows, still no page");
    // `/` searches it at once.
    let email = server.record(CM, "2990").unwrap()["email"].as_str().unwrap().to_string();
    app.press(KeyCode::Char('/'));
    app.type_text(&email);
    let list = &app.runtime.state.list;
    assert_eq!(list.filter.visible(0).map(|i| list.contacts[i].id.as_str()), Some("2990"));
    // The refresh is not a search: every row is there; the status line says where they are from.
    let screen = app.screen();
    assert!(screen.contains("1 of 3000 match") && !screen.contains("searching"), "{screen}");
    app.press(KeyCode::Enter);
    // The refresh begins: the status line says whose rows these are.
    while !app.runtime.state.list.index.refreshing() {
        let message = tokio::time::timeout(common::SETTLE, app.runtime.next_answer()).await;
        let Ok(Some(message)) = message else { panic!("the refresh did not begin") };
        app.runtime.dispatch(message);
    }
    let screen = app.screen();
    assert!(screen.contains("│  from the local index, refreshing"), "{screen}");

    // Then the refresh: the rename shows, the deleted contact goes, in the list and the index.
    app.settle().await;
    let list = &app.runtime.state.list;
    assert_eq!(list.contacts.len(), 2_999);
    assert!(!list.contacts.iter().any(|row| row.id == "3"), "the deleted contact is gone");
    let row = list.contacts.iter().find(|row| row.id == "2").unwrap();
    assert!(row.columns().next().unwrap().contains("Renamed-Since"));
    app.runtime.flush_index();
    let status = rolo::index::status(&index).unwrap().unwrap();
    assert_eq!((status.rows, status.complete), (2_999, true));
    assert!(first_row_text(&index, "2").contains("Renamed-Since"));
    let bytes = index_bytes(&index);
    assert!(!bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()), "no secret in the index");
    server.shutdown().await;
}

/// The first column (the name) of contact `id` in the index at `path`.
fn first_row_text(path: &std::path::Path, id: &str) -> String {
    let place = rolo::connect::IndexPlace {
        path: path.to_path_buf(),
        identity: rolo::index::Identity::new("test", &rolo::backend::find(CM, None).unwrap(), "the test sandbox"),
    };
    let (index, rebuilt) = rolo::index::Index::open(&place.path, &place.identity).unwrap();
    assert!(!rebuilt);
    let mut found = String::new();
    index
        .read(100, 1_000, |entries| {
            if let Some(entry) = entries.iter().find(|e| e.id == id) {
                found = entry.columns().next().unwrap_or_default().to_string();
            }
            true
        })
        .unwrap();
    found
}

#[tokio::test]
async fn a_backend_that_filters_by_update_time_refreshes_the_index_with_the_changes_only() {
    const VX: &str = "vixiees";
    let server = common::sandbox_with(Some(1_000)).await;
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("vx.sqlite3");
    let backend = || {
        let mut backend = rolo::backend::find(VX, None).unwrap();
        backend.list.changed_since =
            Some(rolo::backend::ChangedSince { param: "updated_at>".into(), prefix: "".into() });
        backend
    };
    let mut first = common::start_indexed(&server, VX, backend(), &index);
    first.settle().await;
    first.runtime.flush_index();
    let id = first.runtime.state.list.contacts[6].id.clone();
    drop(first);

    let mut changed = server.record(VX, &id).unwrap();
    changed["last_name"] = json!("Changed-Lately");
    changed["updated_at"] = json!(jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    assert!(server.put_record(VX, &id, &changed));

    let mut app = common::start_indexed(&server, VX, backend(), &index);
    app.settle().await;
    let state = &app.runtime.state;
    let url = &state.last_exchange.as_ref().expect("a page was asked for").url;
    assert!(url.contains("updated_at%3E="), "{url}");
    assert_eq!(state.list.contacts.len(), 1_000, "nothing dropped, nothing doubled");
    let row = state.list.contacts.iter().find(|row| row.id == id).unwrap();
    assert!(row.columns().next().unwrap().contains("Changed-Lately"));
    let status = state.last_request.as_ref().unwrap();
    assert_eq!(status.status, Some(200));
    app.runtime.flush_index();
    assert_eq!(rolo::index::status(&index).unwrap().unwrap().rows, 1_000);
    server.shutdown().await;
}

#[tokio::test]
async fn a_save_updates_its_row_in_the_index() {
    let server = common::sandbox_with(None).await;
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("saves.sqlite3");
    let mut app = common::start_indexed(&server, CM, rolo::backend::find(CM, None).unwrap(), &index);
    app.settle().await;
    let id = app.runtime.state.list.contacts[0].id.clone();
    app.press(KeyCode::Enter);
    app.settle().await;
    app.focus_field("last_name");
    app.replace_text("Saved-In-Index");
    app.ctrl('s');
    app.settle().await;
    assert!(app.screen().contains("Saved-In-Index"), "{}", app.screen());
    app.runtime.flush_index();
    assert!(first_row_text(&index, &id).contains("Saved-In-Index"));
    server.shutdown().await;
}

/// Findly: a vendor of the sandbox whose list endpoint searches (`[search]` in its file).
const FINDLY: &str = "findly";

#[tokio::test]
async fn the_servers_search_shows_a_contact_far_down_the_list_before_the_local_search_gets_there() {
    let mut app = common::start_seeded(FINDLY, Some(5_000), 140, 40).await;
    assert_eq!(app.runtime.state.list.contacts.len(), 100, "the first page is shown");
    let email = app.stored(FINDLY, "4990")["email"].as_str().expect("an email").to_string();

    app.press(KeyCode::Char('/'));
    app.type_text(&email);
    // One search in flight while typing: the answer for the first letter is dropped and the
    // whole email goes next; meanwhile the local search loads page after page.
    let mut seen_from_server = None;
    for _ in 0..200 {
        next_answer(&mut app).await;
        let list = &app.runtime.state.list;
        if list.server_matches().iter().any(|row| row.id == "4990") {
            seen_from_server = Some(list.contacts.len());
            break;
        }
    }
    let loaded = seen_from_server.expect("the server's answer came");
    assert!(loaded < 4_990, "shown before the local search loaded it ({loaded} loaded)");
    let screen = app.screen();
    let line = filter_line(&mut app);
    assert!(line.contains("1 more found by the server") && line.contains("searching"), "{line}");
    let first_row = screen.lines().nth(3).unwrap_or_default();
    assert!(first_row.starts_with('▶') && first_row.contains(&email), "selected at the top:\n{screen}");

    // The local search goes on to the end; the contact is then shown once, found locally.
    app.settle().await;
    let list = &app.runtime.state.list;
    assert!(list.server_matches().is_empty());
    assert_eq!(list.visible(0).map(|row| row.id.as_str()), Some("4990"));
    let line = filter_line(&mut app);
    assert!(line.contains("of 5000 match") && !line.contains("found by the server"), "{line}");
    let screen = app.screen();
    let rows = screen.lines().skip(3).filter(|line| line.contains(&email)).count();
    assert_eq!(rows, 1, "{screen}");
}

#[tokio::test]
async fn typed_keys_show_before_their_matches_and_only_the_last_query_s_matches_stay() {
    let mut app = common::start_seeded(CM, Some(3_000), 120, 40).await;
    // A synthetic contact: its address is unique even as a fuzzy pattern.
    let email = app.stored(CM, "2990")["email"].as_str().expect("an email").to_string();
    app.press(KeyCode::Char('/'));
    // Straight into the loop, one key after the other, no matches taken in between.
    for (typed, c) in email.char_indices() {
        let key = crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::NONE);
        app.runtime.dispatch(rolo::app::Message::Key(key));
        app.terminal.draw(|frame| app.runtime.draw(frame)).expect("draw");
        let buffer = app.terminal.backend().buffer();
        let line: String = (0..buffer.area.width).map(|x| buffer[(x, 1)].symbol()).collect();
        let shown = &email[..typed + c.len_utf8()];
        assert!(line.contains(&format!("/{shown}▏   matching…")), "the query shows at once: {line}");
    }
    app.settle().await;
    let line = filter_line(&mut app);
    assert!(
        line.contains("1 of 3000 match") && !line.contains("searching"),
        "the earlier queries' answers were dropped: {line}"
    );
    let list = &app.runtime.state.list;
    assert_eq!(list.filter.visible(0).map(|i| list.contacts[i].id.as_str()), Some("2990"));
}
