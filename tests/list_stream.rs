//! `rolo list`, the real binary, against hostile servers on loopback: its rows stream out as
//! pages arrive, and paging that does not progress (a page repeated forever, cursors going
//! round, more contacts than the total) or passes the profile's `max_contacts` ends with
//! output that is still whole, the reason on standard error and exit 4.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use serde_json::{Value, json};

use common::hostile::{Hostile, Reply, Request};

const TOKEN: &str = "list-stream-secret-41d7";

/// A hostile server on its own runtime, and a config whose profile `t` points at it.
struct Env {
    server: Hostile,
    home: tempfile::TempDir,
    config: PathBuf,
    _runtime: tokio::runtime::Runtime,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Env {
    /// `backend` with `extra` profile lines, against a server answering with `behaviour`.
    fn new(backend: &str, extra: &str, behaviour: impl FnMut(&Request) -> Reply + Send + 'static) -> Self {
        // Two workers: one may wait inside a behaviour while the other serves.
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let server = runtime.block_on(Hostile::start(behaviour));
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join("config.toml");
        let text = format!(
            "[profiles.t]\nbackend = \"{backend}\"\nbase_url = \"{}\"\nsecret_env = \"ROLO_TEST_TOKEN\"\n{extra}\n",
            server.url("")
        );
        std::fs::write(&config, text).unwrap();
        Self { server, home, config, _runtime: runtime }
    }

    fn command(&self, args: &[&str]) -> Command {
        let home = self.home.path();
        let mut command = Command::new(env!("CARGO_BIN_EXE_rolo"));
        command
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("ROLO_TEST_TOKEN", TOKEN)
            .arg("--config")
            .arg(&self.config)
            .args(["--profile", "t", "list"])
            .args(args);
        command
    }

    /// Runs `rolo --config … --profile t list ARGS`.
    fn list(&self, args: &[&str]) -> Run {
        let output: Output = self.command(args).output().unwrap();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN), "the secret leaked");
        run
    }
}

impl Run {
    fn both(&self) -> String {
        format!("exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }

    /// The JSON array printed, which must be whole.
    fn items(&self) -> Vec<Value> {
        let value: Value = serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.both()));
        value.as_array().expect("an array").clone()
    }
}

/// A Corporate Merch list page holding contacts `ids`, its `total` and `last_page`.
fn cm_page(ids: std::ops::Range<u64>, total: u64, last_page: u64) -> Reply {
    let data: Vec<Value> =
        ids.map(|i| json!({"id": i, "first_name": format!("Ana {i}"), "last_name": "Lima"})).collect();
    Reply::json(200, &json!({"data": data, "meta": {"total": total, "last_page": last_page}}))
}

fn page_number(request: &Request) -> u64 {
    request.query("page").and_then(|p| p.parse().ok()).unwrap_or(1)
}

/// Honest pages of 100 new contacts, as many as `total` says.
fn endless(request: &Request) -> Reply {
    let page = page_number(request);
    cm_page(page * 100..page * 100 + 100, 1_000_000, 10_000)
}

#[test]
fn a_page_repeated_forever_ends_with_whole_output_a_reason_and_exit_4() {
    let env = Env::new("corporatemerch", "", |_| cm_page(1..101, 100_000, 1000));
    let run = env.list(&["--json"]);
    assert_eq!(run.code, 4, "{}", run.both());
    assert_eq!(run.items().len(), 100, "page 1 once");
    assert!(
        run.stderr.contains(
            "the list is incomplete: paging stopped after 100 contacts: the server sent a page with no contact"
        ),
        "{}",
        run.both()
    );
    assert_eq!(env.server.requests().len(), 2, "page 1, page 2 (the same again), then nothing");

    let table = env.list(&[]);
    assert_eq!(table.code, 4, "{}", table.both());
    assert_eq!(table.stdout.lines().count(), 101, "a header and 100 rows: {}", table.both());
}

#[test]
fn cursors_going_round_a_b_a_end_with_exit_4() {
    let served = AtomicU64::new(0);
    let env = Env::new("bird", "vars = { workspaceId = \"ws\" }", move |request| {
        let n = served.fetch_add(1, Ordering::SeqCst);
        let next = if request.query("pageToken").as_deref() == Some("A") { "B" } else { "A" };
        let results: Vec<Value> = (n * 100..n * 100 + 100)
            .map(|i| json!({"id": format!("c{i}"), "computedDisplayName": format!("Ana {i}")}))
            .collect();
        Reply::json(200, &json!({"results": results, "nextPageToken": next}))
    });
    let run = env.list(&["--csv"]);
    assert_eq!(run.code, 4, "{}", run.both());
    assert_eq!(run.stdout.matches("\r\n").count(), 301, "one header, 300 rows: {}", run.both());
    assert_eq!(run.stdout.matches("ID,").count(), 1, "the header once");
    assert!(run.stderr.contains("a page cursor it had sent before"), "{}", run.both());
    assert_eq!(env.server.requests().len(), 3);
}

#[test]
fn more_contacts_than_the_total_end_with_exit_4() {
    let env = Env::new("corporatemerch", "", |request| {
        let page = page_number(request);
        cm_page(page * 30..page * 30 + 30, 50, 1000)
    });
    let run = env.list(&["--json"]);
    assert_eq!(run.code, 4, "{}", run.both());
    assert_eq!(run.items().len(), 60);
    assert!(run.stderr.contains("more contacts than the 50 it says it has"), "{}", run.both());
    assert_eq!(env.server.requests().len(), 2);
}

#[test]
fn honest_paging_stops_at_max_contacts_with_exit_4_and_limit_is_a_success() {
    let env = Env::new("corporatemerch", "max_contacts = 250", endless);
    let run = env.list(&["--json"]);
    assert_eq!(run.code, 4, "a cut list is not a success: {}", run.both());
    assert_eq!(run.items().len(), 250);
    assert!(run.stderr.contains("reached the limit of 250 contacts (`max_contacts`"), "{}", run.both());
    assert_eq!(env.server.requests().len(), 3);

    // What --limit asks for is all there: a success, and no page more than needed.
    let limited = env.list(&["--json", "--limit", "150"]);
    assert_eq!(limited.code, 0, "{}", limited.both());
    assert_eq!(limited.items().len(), 150);
    assert_eq!(env.server.requests().len(), 3 + 2);

    // A filter is applied page by page: matches stream out too.
    let filtered = env.list(&["--csv", "--filter", "Ana 10", "--limit", "5"]);
    assert_eq!(filtered.code, 0, "{}", filtered.both());
    assert_eq!(filtered.stdout.lines().count(), 6, "{}", filtered.both());
    assert!(filtered.stdout.lines().skip(1).all(|l| l.contains("Ana 10")), "{}", filtered.both());
}

#[test]
fn a_server_error_mid_list_keeps_the_json_whole_and_exits_2() {
    let env = Env::new("corporatemerch", "", |request| match page_number(request) {
        1 => cm_page(100..200, 1000, 10),
        _ => Reply::json(500, &json!({"message": "Database on fire"})),
    });
    let run = env.list(&["--json"]);
    assert_eq!(run.code, 2, "{}", run.both());
    assert_eq!(run.items().len(), 100, "the rows before the failure, in a whole array");
    assert!(run.stderr.contains("Database on fire"), "{}", run.both());
}

#[test]
fn rows_are_written_before_the_last_page_is_served() {
    // The last page is held until the test has read rows from rolo's standard output: a rolo
    // that printed only at the end would never be answered (the hold gives up after a while
    // and answers 500, which fails the test).
    let (seen_rows, hold) = mpsc::channel::<()>();
    let released = Arc::new(AtomicBool::new(false));
    let released_by_test = Arc::clone(&released);
    let env = Env::new("corporatemerch", "", move |request| {
        let page = page_number(request);
        if page < 3 {
            return cm_page(page * 100..page * 100 + 100, 300, 3);
        }
        if hold.recv_timeout(Duration::from_secs(10)).is_err() {
            return Reply::json(500, &json!({"message": "the test never saw a row"}));
        }
        released_by_test.store(true, Ordering::SeqCst);
        cm_page(300..400, 300, 3)
    });
    let mut child = env.command(&["--json"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    while text.matches("\"id\"").count() < 200 {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "rolo ended early: {text}");
        text.push_str(&line);
    }
    assert!(!released.load(Ordering::SeqCst), "the last page was not served yet");
    seen_rows.send(()).unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    text.push_str(&rest);
    let status = child.wait().unwrap();
    assert!(released.load(Ordering::SeqCst));
    assert_eq!(status.code(), Some(0));
    let items: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 300);
}

/// The Corporate Merch backend file with a `[search]` table added, written to a file of its own.
fn searching_backend(search: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let (_, text) = rolo::backend::BUILT_IN.iter().find(|(name, _)| *name == "corporatemerch").unwrap();
    let path = dir.path().join("searching.toml");
    std::fs::write(&path, format!("{text}\n[search]\n{search}\n")).unwrap();
    let path = path.display().to_string();
    (dir, path)
}

#[test]
fn a_filter_goes_to_the_servers_search_and_its_pages_of_matches_print_in_its_order() {
    let (_dir, backend) = searching_backend("style = \"param\"\nparam = \"search\"");
    let env = Env::new(&backend, "", |request| match (request.query("search").as_deref(), page_number(request)) {
        // The server's own matches, by a field rolo's columns do not show: not a fuzzy match.
        (Some("lima"), 1) => cm_page(700..702, 3, 2),
        (Some("lima"), _) => cm_page(9..10, 3, 2),
        _ => Reply::json(500, &json!({"message": "listed instead of searched"})),
    });
    let run = env.list(&["--json", "--filter", " lima "]);
    assert_eq!(run.code, 0, "{}", run.both());
    let ids: Vec<Value> = run.items().iter().map(|item| item["id"].clone()).collect();
    assert_eq!(ids, ["700", "701", "9"], "every page of matches, in the server's order");
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.query("search").as_deref() == Some("lima")), "{:?}", requests[0].target);
    assert_eq!(requests[1].query("page").as_deref(), Some("2"));
}

#[test]
fn a_search_by_request_body_sends_the_query_inside_it_and_says_when_the_answer_holds_fewer() {
    let search = "style = \"body\"\npath = \"/contacts/search\"\nbody = { filter = { text = \"{query}\" }, limit = 2 }\n\
                  items = \"hits\"\ntotal = \"found\"";
    let (_dir, backend) = searching_backend(search);
    let env = Env::new(&backend, "", |request| {
        let asked = request.json().unwrap_or_default();
        if request.method != "POST" || request.path() != "/contacts/search" || asked["limit"] != 2 {
            return Reply::json(500, &json!({"message": "not the search"}));
        }
        let text = asked["filter"]["text"].as_str().unwrap_or_default();
        let hits: Vec<Value> = (1..3).map(|i| json!({"id": i, "first_name": text, "last_name": "Lima"})).collect();
        Reply::json(200, &json!({"hits": hits, "found": 7}))
    });
    let run = env.list(&["--csv", "--filter", "Zoë \"Z\" Lima"]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert_eq!(run.stdout.lines().count(), 3, "a header and the 2 matches answered: {}", run.both());
    assert!(run.stdout.contains("Zoë \"\"Z\"\" Lima Lima"), "the query went as a JSON string: {}", run.both());
    assert!(run.stderr.contains("the server found 7 matches and answered with 2"), "{}", run.both());
    assert_eq!(env.server.requests().len(), 1);
}
