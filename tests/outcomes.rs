//! rolo says only what it knows: each way a write can end, provoked over loopback by the
//! hostile server, and what the form, the journal and the history then say. A read's timeout
//! never claims a change may have been applied.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::KeyCode;
use serde_json::{Value, json};

use common::hostile::{Hostile, Reply, Request};
use rolo::history::History;
use rolo::http::Verdict;
use rolo::journal::Journal;

const CM: &str = "corporatemerch";

/// Contact 7 as the fake vendor stores it.
fn record(city: &str) -> Value {
    json!({"id": 7, "first_name": "Renée", "last_name": "Côté", "email": "renee@example.ca",
           "country": "CA", "address": "1 rue", "city": city, "state": "QC", "zip_code": "H2X",
           "type": "employee", "updated_at": "2024-06-01T12:30:00Z"})
}

type Stored = Arc<Mutex<Value>>;

/// A Corporate Merch API holding contact 7: reads answer from `stored`, writes go to
/// `on_write`, which may change `stored` (the server applied the write) and picks the reply.
fn vendor(
    stored: Stored,
    mut on_write: impl FnMut(&Request, &mut Value) -> Reply + Send + 'static,
) -> impl FnMut(&Request) -> Reply + Send + 'static {
    move |request| {
        let mut record = stored.lock().unwrap();
        if request.is_write() {
            return on_write(request, &mut record);
        }
        let body = if request.path().ends_with("/contacts") {
            json!({"data": [record.clone()], "meta": {"total": 1, "last_page": 1}})
        } else {
            json!({"data": record.clone()})
        };
        // No keep-alive: every request connects anew, so a stopped server refuses the next one.
        Reply::json(200, &body).with_header("connection", "close")
    }
}

/// Stores the body of a write, as a server that applied it would.
fn apply(request: &Request, record: &mut Value) {
    for (key, value) in request.json().expect("a JSON body").as_object().unwrap() {
        record[key] = value.clone();
    }
    record["updated_at"] = json!("2024-06-02T08:00:00Z");
}

struct Setup {
    app: common::App,
    server: Hostile,
    stored: Stored,
    journal: Journal,
    history: History,
    _dir: tempfile::TempDir,
}

/// rolo (time limit `timeout`) against the fake vendor, with contact 7's city typed as Québec.
async fn edited(timeout: Duration, on_write: impl FnMut(&Request, &mut Value) -> Reply + Send + 'static) -> Setup {
    let stored: Stored = Arc::new(Mutex::new(record("Montréal")));
    let server = Hostile::start(vendor(Arc::clone(&stored), on_write)).await;
    let mut app = common::start_at(CM, &server.url(""), common::TOKEN, timeout, (120, 40)).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path(), "test");
    let history = History::new(dir.path(), "test");
    app.runtime.keep_drafts(journal.clone());
    app.runtime.keep_history(history.clone());
    app.press(KeyCode::Enter);
    app.settle().await;
    app.focus_field("city");
    app.replace_text("Québec");
    Setup { app, server, stored, journal, history, _dir: dir }
}

impl Setup {
    /// Ctrl-S, then every answer.
    async fn send(&mut self) -> String {
        self.app.ctrl('s');
        self.app.settle().await;
        self.flat()
    }

    /// The screen with its lines joined, so a sentence wrapped over two rows reads whole.
    fn flat(&mut self) -> String {
        self.app.screen().lines().map(str::trim).collect::<Vec<_>>().join(" ")
    }

    fn dirty(&self) -> bool {
        self.app.runtime.state.form.as_ref().unwrap().draft.is_dirty()
    }

    fn drafts_on_disk(&mut self) -> Vec<String> {
        self.app.runtime.flush_drafts();
        self.journal.list().into_iter().map(|d| d.contact_id).collect()
    }

    fn outcomes(&self) -> Vec<(Option<u16>, Verdict)> {
        self.app.runtime.flush_history();
        self.history.read().unwrap().entries.iter().map(|e| (e.status, e.outcome)).collect()
    }

    fn city(&self) -> Value {
        self.stored.lock().unwrap()["city"].clone()
    }
}

const MAY: &str = "; the change may have been applied. Your edits are kept; Ctrl-S checks the server first and \
                   sends only if the values are not there yet.";

#[tokio::test]
async fn a_reset_after_the_put_was_read_is_unknown_and_the_next_ctrl_s_finds_it_already_stored() {
    let mut s = edited(Duration::from_secs(5), |request, record| {
        apply(request, record);
        Reply::Reset
    })
    .await;
    let screen = s.send().await;
    assert!(screen.contains("⚠ Unknown whether stored: The connection broke after the request was sent ("), "{screen}");
    assert!(screen.contains(MAY), "{screen}");
    assert!(!screen.contains("Stored:") && !screen.contains("Not stored"), "{screen}");
    assert!(s.dirty(), "the draft is kept");
    assert_eq!(s.drafts_on_disk(), ["7"], "and so is its file");
    assert_eq!(s.outcomes(), [(None, Verdict::Unknown)]);
    assert_eq!(s.city(), "Québec", "the server did apply it");

    // Ctrl-S again: a GET first, which finds the value there; nothing is sent.
    let before = s.server.requests().len();
    let screen = s.send().await;
    assert!(screen.contains("✓ Already stored: the server has these values; nothing was sent."), "{screen}");
    let after: Vec<String> = s.server.requests()[before..].iter().map(|r| r.method.clone()).collect();
    assert_eq!(after, ["GET"], "one check, no second write");
    assert_eq!(s.server.writes().len(), 1);
    assert!(!s.dirty(), "the draft is cleared");
    assert!(s.drafts_on_disk().is_empty(), "its file is removed");
}

#[tokio::test]
async fn a_body_cut_short_is_unknown_and_the_next_ctrl_s_sends_what_is_not_there() {
    let cut = Reply::CutBody { status: 200, body: br#"{"data": {"id": 7, "ci"#.to_vec(), promised: 400 };
    let mut s = edited(Duration::from_secs(5), move |_, _| cut.clone()).await;
    let screen = s.send().await;
    assert!(screen.contains("⚠ Unknown whether stored: The connection broke after the request was sent ("), "{screen}");
    assert!(screen.contains(MAY), "{screen}");
    assert!(s.dirty());
    assert_eq!(s.outcomes(), [(Some(200), Verdict::Unknown)]);

    // This server did not apply it: the check finds the old value, so the change is sent.
    s.server.set(vendor(Arc::clone(&s.stored), |request, record| {
        apply(request, record);
        Reply::json(200, &json!({"data": record.clone()}))
    }));
    let screen = s.send().await;
    assert!(screen.contains("✓ Stored: 200 in"), "{screen}");
    assert_eq!(s.server.writes().len(), 2);
    assert_eq!(s.city(), "Québec");
    assert!(!s.dirty());
    assert!(s.drafts_on_disk().is_empty());
}

#[tokio::test]
async fn no_answer_in_time_is_unknown() {
    let mut s = edited(Duration::from_millis(300), |_, _| Reply::Hang).await;
    let screen = s.send().await;
    assert!(screen.contains(&format!("⚠ Unknown whether stored: No answer within 0.3 s{MAY}")), "{screen}");
    assert!(s.dirty());
    assert_eq!(s.drafts_on_disk(), ["7"]);
    assert_eq!(s.outcomes(), [(None, Verdict::Unknown)]);
}

#[tokio::test]
async fn a_204_without_a_body_is_judged_by_a_fresh_get() {
    let mut s = edited(Duration::from_secs(5), |request, record| {
        apply(request, record);
        Reply::raw(204, "", "")
    })
    .await;
    let screen = s.send().await;
    assert!(screen.contains("✓ Stored: 204 in"), "{screen}");
    assert!(!screen.contains("stored differently"), "{screen}");
    let methods: Vec<String> = s.server.requests().iter().rev().take(2).map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["GET", "PUT"], "the PUT, then the GET that tells what was stored");
    assert!(!s.dirty());
    assert!(s.drafts_on_disk().is_empty());
    assert_eq!(s.outcomes(), [(Some(204), Verdict::Stored)]);
}

#[tokio::test]
async fn a_2xx_whose_record_does_not_show_the_value_is_stored_with_a_warning() {
    // "OK" is not JSON, and the server kept the old city: the GET shows it.
    let mut s = edited(Duration::from_secs(5), |_, _| Reply::raw(200, "text/plain", "OK")).await;
    let screen = s.send().await;
    assert!(screen.contains("✓ Stored: 200 in"), "{screen}");
    assert!(screen.contains("⚠ 1 field was stored differently from what was sent (marked ⚠ above)"), "{screen}");
    assert!(screen.contains("the server ignored this change: you sent “Québec”, it kept the old value"), "{screen}");
    assert_eq!(s.outcomes(), [(Some(200), Verdict::Stored)]);
}

#[tokio::test]
async fn an_answer_about_another_contact_is_unknown() {
    let mut s = edited(Duration::from_secs(5), |_, _| {
        let mut other = record("Québec");
        other["id"] = json!(8);
        Reply::json(200, &json!({"data": other}))
    })
    .await;
    let screen = s.send().await;
    assert!(
        screen.contains(&format!("⚠ Unknown whether stored: the server answered with contact 8, not 7{MAY}")),
        "{screen}"
    );
    assert!(s.dirty());
    assert_eq!(s.app.runtime.state.form.as_ref().unwrap().draft.loaded.id, "7");
    assert_eq!(s.outcomes(), [(Some(200), Verdict::Unknown)]);
}

#[tokio::test]
async fn a_422_is_not_stored_with_the_servers_words_under_the_field() {
    let refusal = json!({"message": "The city is not served.", "errors": {"city": ["We do not ship to Québec."]}});
    let mut s = edited(Duration::from_secs(5), move |_, _| Reply::json(422, &refusal)).await;
    let screen = s.send().await;
    assert!(
        screen.contains(
            "✗ Not stored: 422: the server refused the values — The city is not served. Your edits are kept; \
             Ctrl-R shows the response."
        ),
        "{screen}"
    );
    assert!(screen.contains("We do not ship to Québec."), "{screen}");
    assert!(!screen.contains("may have been applied"), "{screen}");
    assert!(s.dirty());
    assert_eq!(s.drafts_on_disk(), ["7"]);
    assert_eq!(s.outcomes(), [(Some(422), Verdict::NotStored)]);
}

#[tokio::test]
async fn a_500_with_a_body_is_not_stored() {
    let mut s = edited(Duration::from_secs(5), |_, _| Reply::json(500, &json!({"message": "Database on fire"}))).await;
    let screen = s.send().await;
    assert!(screen.contains("✗ Not stored: 500: server error: retry later — Database on fire."), "{screen}");
    assert!(!screen.contains("may have been applied"), "{screen}");
    assert!(s.dirty());
    assert_eq!(s.outcomes(), [(Some(500), Verdict::NotStored)]);
}

#[tokio::test]
async fn a_refused_connection_is_not_stored() {
    let mut s = edited(Duration::from_secs(5), |request, record| {
        apply(request, record);
        Reply::json(200, &json!({"data": record.clone()}))
    })
    .await;
    s.app.ctrl('s');
    // The check before sending is answered; then nothing listens any more, so the PUT
    // cannot connect: it was never sent.
    let checked = tokio::time::timeout(common::SETTLE, s.app.runtime.next_answer()).await.unwrap().unwrap();
    let url = s.server.url("");
    let address = url.trim_start_matches("http://").to_string();
    drop(std::mem::replace(&mut s.server, Hostile::start(|_| Reply::Close).await));
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(&address).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    s.app.runtime.dispatch(checked);
    s.app.settle().await;
    let screen = s.flat();
    assert!(screen.contains("✗ Not stored: Could not connect: "), "{screen}");
    assert!(!screen.contains("may have been applied"), "{screen}");
    assert!(s.dirty());
    assert_eq!(s.outcomes(), [(None, Verdict::NotStored)]);
    assert_eq!(s.city(), "Montréal");
}

#[tokio::test]
async fn a_read_that_times_out_never_says_a_change_may_have_been_applied() {
    let stored: Stored = Arc::new(Mutex::new(record("Montréal")));
    let server = Hostile::start(|_| Reply::Hang).await;
    let mut app = common::start_at(CM, &server.url(""), common::TOKEN, Duration::from_millis(200), (120, 30)).await;
    let screen = app.screen();
    assert!(screen.contains("Loading contacts failed: No answer within 0.2 s"), "{screen}");
    assert!(!screen.contains("may"), "{screen}");

    // The list loads; opening the contact fetches it, and that read hangs.
    server.set(vendor(Arc::clone(&stored), |_, _| Reply::Hang));
    app.press(KeyCode::Char('r'));
    app.settle().await;
    server.set(|_| Reply::Hang);
    app.press(KeyCode::Enter);
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("Could not open contact 7 (No answer within 0.2 s); Enter tries again"), "{screen}");
    assert!(app.runtime.state.form.is_none(), "the list stays");
    assert!(!screen.contains("may have been applied") && !screen.contains("may or may not"), "{screen}");
}

#[tokio::test]
async fn a_gateway_504_on_a_write_is_unknown() {
    let mut s =
        edited(Duration::from_secs(5), |_, _| Reply::raw(504, "text/html", "<html>Gateway Timeout</html>")).await;
    let screen = s.send().await;
    assert!(
        screen.contains("⚠ Unknown whether stored: 504: server error: retry later; the change may have been applied."),
        "{screen}"
    );
    assert!(s.dirty());
    assert_eq!(s.outcomes(), [(Some(504), Verdict::Unknown)]);
}

#[tokio::test]
async fn bulk_edit_says_unknown_and_its_retry_finds_the_value_already_stored() {
    let mut s = edited(Duration::from_secs(5), |request, record| {
        apply(request, record);
        Reply::Reset
    })
    .await;
    // Back to the list without the form's edit; the contact is marked and bulk-edited instead.
    s.app.press(KeyCode::Esc);
    s.app.press(KeyCode::Char('y'));
    s.app.press(KeyCode::Char(' '));
    s.app.type_text("B");
    s.app.type_text("Shirt");
    s.app.press(KeyCode::Enter);
    s.app.type_text("XL");
    s.app.press(KeyCode::Enter);
    s.app.settle().await;
    s.app.press(KeyCode::Enter);
    s.app.settle().await;
    let screen = s.flat();
    assert!(
        screen.contains("⚠ Renée Côté  #7  Unknown whether stored: The connection broke after the request was sent ("),
        "{screen}"
    );
    assert!(screen.contains("; the change may have been applied"), "{screen}");
    assert!(screen.contains("1 of 1 contacts not known to be stored (1 unknown"), "{screen}");
    assert_eq!(s.drafts_on_disk(), ["7"], "its draft is kept");
    assert_eq!(s.outcomes(), [(None, Verdict::Unknown)]);
    assert_eq!(s.stored.lock().unwrap()["shirt_size"], "XL", "the server did apply it");

    s.app.press(KeyCode::Char('r'));
    s.app.settle().await;
    let screen = s.flat();
    assert!(
        screen.contains("✓ Renée Côté  #7  Already stored: the server has these values; nothing was sent"),
        "{screen}"
    );
    assert_eq!(s.server.writes().len(), 1, "the retry sent nothing");
    assert!(s.drafts_on_disk().is_empty(), "and its draft is done");
}
