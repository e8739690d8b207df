//! Secrets stay secret even when a server echoes them: in bodies, URLs inside bodies, headers,
//! error messages and field values, on every screen, in headless output and in the log; 3xx
//! answers are reported as redirects; `secret_cmd` is bounded and explains its failures.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use serde_json::json;

use common::echo;
use common::hostile::{Hostile, Reply};

const CM: &str = "corporatemerch";
const TOKEN: &str = "echo-SECRET-7f3a9c2e51";
/// Insighto's key goes in the query string; `/` and `+` make its encoded form differ.
const KEY: &str = "in-Echo/Key+9d4c1b7a";

/// True when `text` holds the secret, its query-encoded form, or a piece of either long enough
/// to matter (a column cut it).
fn leaks(text: &str, secret: &str) -> bool {
    let encoded = echo::query_encoded(secret);
    [secret, encoded.as_str()].iter().any(|form| {
        form.as_bytes().windows(10).any(|piece| text.contains(std::str::from_utf8(piece).unwrap_or("\u{0}")))
    })
}

/// Every screen from here to the end of a scrollable view (Down until nothing changes).
fn scroll_through(app: &mut common::App) -> Vec<String> {
    let mut screens = vec![app.screen()];
    for _ in 0..60 {
        app.press(KeyCode::PageDown);
        let screen = app.screen();
        if screens.last() == Some(&screen) {
            break;
        }
        screens.push(screen);
    }
    screens
}

#[tokio::test]
async fn an_echoed_token_is_masked_on_every_screen_and_an_untouched_field_goes_back_as_it_came() {
    let server = Hostile::start(echo::corporatemerch(TOKEN)).await;
    let mut app = common::start_at(CM, &server.url(""), TOKEN, Duration::from_secs(5), (140, 40)).await;
    let mut screens = vec![app.screen()];
    assert!(screens[0].contains("Echo Tester"), "{}", screens[0]);
    assert!(screens[0].contains("*****"), "the company column is masked: {}", screens[0]);

    // The raw view of the list's answer: body, URL in the body, every header.
    app.ctrl('r');
    let raw = scroll_through(&mut app);
    assert!(raw.iter().any(|s| s.contains("Bearer ***")), "{}", raw.join("\n---\n"));
    assert!(raw.iter().any(|s| s.contains("token=***")), "{}", raw.join("\n---\n"));
    screens.extend(raw);
    app.press(KeyCode::Esc);

    app.press(KeyCode::Enter);
    app.settle().await;
    screens.push(app.screen());
    app.ctrl('r');
    screens.extend(scroll_through(&mut app));
    app.press(KeyCode::Esc);

    app.focus_field("first_name");
    app.type_text("Z");
    screens.push(app.screen());
    app.ctrl('s');
    app.settle().await;
    let refused = app.screen();
    assert!(refused.contains("Not stored: 422"), "{refused}");
    assert!(refused.contains("The token *** may not edit"), "{refused}");
    assert!(refused.contains("*** is not allowed to set this"), "the field error too: {refused}");
    screens.push(refused);
    app.ctrl('r');
    screens.extend(scroll_through(&mut app));
    app.press(KeyCode::Esc);

    for screen in &screens {
        assert!(!leaks(screen, TOKEN), "the token is on screen:\n{screen}");
    }
    // Records are kept as received: the field the user did not touch went back byte for byte.
    let sent = server.writes().pop().expect("the update was sent").json().expect("a JSON body");
    assert_eq!(sent["company_name"], json!(TOKEN), "{sent}");
    assert_eq!(sent["first_name"], json!("EchoZ"));
}

#[tokio::test]
async fn a_query_key_echoed_in_a_url_inside_the_body_is_masked_in_the_raw_view() {
    let server = Hostile::start(echo::insighto(KEY)).await;
    let mut app = common::start_at("insighto", &server.url(""), KEY, Duration::from_secs(5), (140, 40)).await;
    let mut screens = vec![app.screen()];
    app.ctrl('r');
    let raw = scroll_through(&mut app);
    assert!(raw.iter().any(|s| s.contains("api_key=***")), "{}", raw.join("\n---\n"));
    screens.extend(raw);
    app.press(KeyCode::Esc);
    app.press(KeyCode::Enter);
    app.settle().await;
    screens.push(app.screen());
    for screen in &screens {
        assert!(!leaks(screen, KEY), "the key is on screen:\n{screen}");
    }
    assert!(server.requests()[0].query("api_key").is_some_and(|k| k == echo::query_encoded(KEY)));
}

#[tokio::test]
async fn a_redirect_names_its_target_redacted_and_says_to_fix_base_url() {
    let server = Hostile::start(|_: &common::hostile::Request| {
        Reply::raw(301, "", "").with_header("Location", &format!("https://new.example/v2/contacts?token={TOKEN}"))
    })
    .await;
    let mut app = common::start_at(CM, &server.url(""), TOKEN, Duration::from_secs(5), (160, 30)).await;
    let screen = app.screen();
    assert!(screen.contains("301: redirect to https://new.example/v2/contacts?token=***"), "{screen}");
    assert!(screen.contains("fix base_url"), "{screen}");
    assert!(!leaks(&screen, TOKEN));
    assert_eq!(server.requests().len(), 1, "not followed");

    // A list that loads, then an update answered with a 307.
    server.set(echo::corporatemerch(TOKEN));
    app.press(KeyCode::Char('r'));
    app.settle().await;
    app.press(KeyCode::Enter);
    app.settle().await;
    server.set(|request: &common::hostile::Request| {
        if request.is_write() {
            Reply::raw(307, "", "").with_header("Location", "/v3/contacts/1")
        } else {
            echo::corporatemerch(TOKEN)(request)
        }
    });
    app.focus_field("first_name");
    app.type_text("Z");
    app.ctrl('s');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("Not stored: 307: redirect to http://127.0.0.1:"), "{screen}");
    assert!(screen.contains("/v3/contacts/1"), "a relative target is shown whole: {screen}");
    assert!(screen.contains("fix base_url"), "{screen}");
    assert_eq!(server.writes().len(), 1, "not followed");
}

/// A config with one profile `p` for `backend` at `url`, the secret in `ROLO_TEST_SECRET`
/// (or `extra` lines instead), in a fresh home.
struct Home {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Home {
    fn new(backend: &str, url: &str, secret_lines: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            format!("[profiles.p]\nbackend = \"{backend}\"\nbase_url = \"{url}\"\n{secret_lines}\n"),
        )
        .unwrap();
        Self { dir, config }
    }

    fn rolo(&self, secret: &str, args: &[&str]) -> (i32, String, String) {
        let home = self.dir.path();
        let output = Command::new(env!("CARGO_BIN_EXE_rolo"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("ROLO_TEST_SECRET", secret)
            .args(["--log-level", "debug", "--config"])
            .arg(&self.config)
            .args(["--profile", "p"])
            .args(args)
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("state/rolo/rolo.log")
    }
}

fn hostile_on_its_own_runtime(
    behaviour: impl FnMut(&common::hostile::Request) -> Reply + Send + 'static,
) -> (Hostile, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = runtime.block_on(Hostile::start(behaviour));
    (server, runtime)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn headless_commands_never_print_or_log_an_echoed_token() {
    let (server, _runtime) = hostile_on_its_own_runtime(echo::corporatemerch(TOKEN));
    let home = Home::new(CM, &server.url(""), "secret_env = \"ROLO_TEST_SECRET\"");
    let runs: [&[&str]; 9] = [
        &["list"],
        &["list", "--csv"],
        &["list", "--json"],
        &["get", "1"],
        &["get", "1", "--json"],
        &["update", "1", "first_name=Z", "--dry-run"],
        &["update", "1", "first_name=Z", "--dry-run", "--json"],
        &["update", "1", "first_name=Z"],
        &["check"],
    ];
    for args in runs {
        let (code, stdout, stderr) = home.rolo(TOKEN, args);
        assert!(!leaks(&stdout, TOKEN) && !leaks(&stderr, TOKEN), "rolo {args:?} leaked:\n{stdout}\n{stderr}");
        if args[0] == "update" && args.len() == 3 {
            assert_eq!(code, 2, "{stderr}");
            assert!(stderr.contains("422") && stderr.contains("The token *** may not edit"), "{stderr}");
            assert!(stderr.contains("email: *** is not allowed"), "{stderr}");
        } else {
            assert_eq!(code, 0, "rolo {args:?}: {stderr}");
        }
    }
    let (_, json, _) = home.rolo(TOKEN, &["get", "1", "--json"]);
    let record: serde_json::Value = serde_json::from_str(&json).expect("still valid JSON");
    assert_eq!(record["company_name"], "***");
    let log = std::fs::read_to_string(home.log()).expect("a log");
    assert!(log.contains("/contacts/1"), "requests are logged: {log}");
    assert!(!leaks(&log, TOKEN), "the log holds the token:\n{log}");
    #[cfg(unix)]
    {
        assert_eq!(mode(&home.log()), 0o600, "the log is the owner's alone");
        assert_eq!(mode(home.log().parent().unwrap()), 0o700);
    }
}

#[test]
fn an_insighto_key_echoed_in_urls_is_masked_in_headless_output() {
    let (server, _runtime) = hostile_on_its_own_runtime(echo::insighto(KEY));
    let home = Home::new("insighto", &server.url(""), "secret_env = \"ROLO_TEST_SECRET\"");
    for args in [&["list"][..], &["list", "--json"], &["get", "6f1c2f7e-0000-4000-8000-000000000001", "--json"]] {
        let (code, stdout, stderr) = home.rolo(KEY, args);
        assert_eq!(code, 0, "rolo {args:?}: {stderr}");
        assert!(!leaks(&stdout, KEY) && !leaks(&stderr, KEY), "rolo {args:?} leaked:\n{stdout}\n{stderr}");
    }
    let log = std::fs::read_to_string(home.log()).expect("a log");
    assert!(log.contains("api_key=***"), "{log}");
    assert!(!leaks(&log, KEY), "{log}");
}

#[test]
fn a_redirect_in_a_headless_command_names_the_target_and_base_url() {
    let (server, _runtime) = hostile_on_its_own_runtime(|request: &common::hostile::Request| {
        let location = format!("https://moved.example/api?token={TOKEN}");
        match request.method.as_str() {
            "GET" if request.path() == "/contacts" => Reply::raw(302, "", "").with_header("Location", &location),
            "GET" => echo::corporatemerch(TOKEN)(request),
            _ => Reply::raw(307, "", "").with_header("Location", &location),
        }
    });
    let home = Home::new(CM, &server.url(""), "secret_env = \"ROLO_TEST_SECRET\"");
    for (args, status) in [(&["list"][..], "302"), (&["update", "1", "first_name=Z"], "307")] {
        let (code, stdout, stderr) = home.rolo(TOKEN, args);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(&format!("{status}: redirect to https://moved.example/api?token=***")), "{stderr}");
        assert!(stderr.contains("fix base_url"), "{stderr}");
        assert!(!leaks(&stdout, TOKEN) && !leaks(&stderr, TOKEN));
    }
}

/// Runs `rolo list` for a profile whose secret comes from `command`; returns exit code,
/// stderr and how long it took.
fn with_secret_cmd(command: &str, timeout: Option<u64>) -> (i32, String, Duration) {
    let limit = timeout.map_or_else(String::new, |s| format!("secret_cmd_timeout_secs = {s}\n"));
    let home = Home::new(CM, "http://127.0.0.1:9", &format!("secret_cmd = [\"sh\", \"-c\", {command:?}]\n{limit}"));
    let started = Instant::now();
    let (code, _, stderr) = home.rolo("", &["list"]);
    (code, stderr, started.elapsed())
}

#[test]
fn a_secret_cmd_that_hangs_is_stopped_at_its_time_limit_and_said_so() {
    let (code, stderr, took) = with_secret_cmd("echo unlocking >&2; sleep 8", Some(1));
    assert_eq!(code, 1, "{stderr}");
    assert!(took < Duration::from_secs(6), "stopped after the limit, not the command's 8 s: {took:?}");
    assert!(stderr.contains("running secret_cmd `sh` for profile `p`"), "a message while it runs: {stderr}");
    assert!(stderr.contains("profile `p`") && stderr.contains("within 1 s"), "{stderr}");
    assert!(stderr.contains("it said: unlocking"), "{stderr}");
}

#[test]
fn a_failing_secret_cmd_quotes_the_first_lines_of_its_stderr() {
    let (code, stderr, _) =
        with_secret_cmd("echo 'gpg: decryption failed' >&2; echo 'no secret key' >&2; exit 2", None);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("profile `p`") && stderr.contains("failed"), "{stderr}");
    assert!(stderr.contains("gpg: decryption failed / no secret key"), "{stderr}");
    assert!(!stderr.contains("running secret_cmd"), "a quick command runs silently: {stderr}");
}

#[test]
fn a_secret_that_cannot_go_in_a_header_is_a_configuration_error() {
    for output in ["printf 'abc\\nsecretQRS\\n'", "printf 'abc\\033[2JsecretQRS'", "printf 'tab\\tsecretQRS\\n'"] {
        let (code, stderr, _) = with_secret_cmd(output, None);
        assert_eq!(code, 1, "{output}: {stderr}");
        assert!(stderr.contains("profile `p`") && stderr.contains("control character"), "{output}: {stderr}");
        assert!(!stderr.contains("secretQRS"), "the secret is not quoted: {stderr}");
    }
    // One trailing newline is trimmed, as always: this one connects (and fails to, at port 9).
    let (code, stderr, _) = with_secret_cmd("echo fine-secret", None);
    assert_eq!(code, 2, "the secret was accepted: {stderr}");
}

#[tokio::test]
async fn the_external_editor_sees_the_token_masked_and_a_masked_value_left_alone_is_no_change() {
    let server = Hostile::start(echo::corporatemerch(TOKEN)).await;
    let mut app = common::start_at(CM, &server.url(""), TOKEN, Duration::from_secs(5), (140, 40)).await;
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("seen.toml");
    let script = dir.path().join("editor.sh");
    std::fs::write(
        &script,
        format!("cp \"$1\" {}\nsed -i 's/^city = .*/city = \"Editorville\"/' \"$1\"\n", seen.display()),
    )
    .unwrap();
    app.runtime.set_editor(format!("sh {}", script.display()));
    app.press(KeyCode::Enter);
    app.settle().await;
    app.ctrl('o');
    app.settle().await;

    let document = std::fs::read_to_string(&seen).expect("the editor ran");
    assert!(!leaks(&document, TOKEN), "the editor was shown the token:\n{document}");
    assert!(document.contains("company_name = \"***\""), "{document}");
    let form = app.runtime.state.form.as_ref().unwrap();
    let backend = &app.runtime.state.backend;
    let changed: Vec<&str> = form.draft.changed().map(|i| backend.fields[i].key.as_str()).collect();
    assert_eq!(changed, ["city"], "the masked values came back untouched: no change");
    let company = backend.field_index("company_name").unwrap();
    assert_eq!(form.draft.input(company).text(), TOKEN, "and they keep the value the server sent");
}

#[tokio::test]
async fn a_draft_file_holds_the_token_masked_and_a_restored_draft_still_sends_the_servers_value() {
    let server = Hostile::start(echo::corporatemerch(TOKEN)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut app = common::start_at(CM, &server.url(""), TOKEN, Duration::from_secs(5), (140, 40)).await;
    let redactor = app.runtime.state.wire.as_ref().expect("a client").redactor().clone();
    let journal = rolo::journal::Journal::new(dir.path(), "echo").redacting(redactor.clone());
    app.runtime.keep_drafts(journal.clone());
    app.press(KeyCode::Enter);
    app.settle().await;
    app.focus_field("first_name");
    app.type_text("Z");
    app.runtime.flush_drafts();
    let path = std::fs::read_dir(journal.dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("1.")))
        .expect("the draft is on disk");
    let file = std::fs::read_to_string(path).unwrap();
    assert!(!leaks(&file, TOKEN), "the draft file holds the token:\n{file}");
    assert!(file.contains("\"company_name\": \"***\""), "{file}");
    drop(app);
    // That run is over: the next one offers its draft.
    drop(journal);
    let journal = rolo::journal::Journal::new(dir.path(), "echo").redacting(redactor);

    // The next start restores it over the contact's latest version; the check before sending
    // finds the server's real value for the field the user never touched, and sends that.
    let mut again = common::start_at(CM, &server.url(""), TOKEN, Duration::from_secs(5), (140, 40)).await;
    again.runtime.state.offer_drafts(journal.scan(CM));
    again.runtime.keep_drafts(journal);
    again.draw();
    again.press(KeyCode::Enter);
    again.settle().await;
    again.ctrl('s');
    again.settle().await;
    let screen = again.screen();
    assert!(!leaks(&screen, TOKEN), "{screen}");
    let sent = server.writes().pop().expect("the restored draft was sent").json().expect("a JSON body");
    assert_eq!(sent["first_name"], json!("EchoZ"), "{sent}");
    assert_eq!(sent["company_name"], json!(TOKEN), "the masked copy in the draft is never sent: {sent}");
}
