//! Data never drives the user's terminal, and output that cannot be written is not a success:
//! a hostile server's contact full of escape sequences, C1 controls, backspaces, bidi
//! overrides and zero-width characters, shown by the real binary's `list` and `get` and by the
//! whole app; and headless commands writing into `/dev/full`, a closed pipe or nothing at all.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crossterm::event::KeyCode;
use serde_json::{Value, json};

use common::hostile::{Hostile, Reply, Request};
use rolo::visible::is_hidden_or_control;

/// Clears the screen, writes the clipboard (OSC 52) and the window title (OSC 0).
const COMPANY: &str = "\u{1b}[2J\u{1b}]52;c;cGF5bG9hZA==\u{7}\u{1b}]0;pwned\u{7}Acme";
/// A one-byte CSI (C1), DEL, and backspaces that would overwrite what was printed.
const LAST_NAME: &str = "Smith\u{9b}31m\u{7f}\u{8}\u{8}\u{8}XX";
/// A right-to-left override (shows `admin` reversed) and isolates.
const FIRST_NAME: &str = "Eve\u{202e}nimda\u{2066}x\u{2069}";
/// Zero-width space, joiner, a BOM, a soft hyphen and an invisible tag character.
const CITY: &str = "Ber\u{200b}lin\u{200d}\u{feff}\u{ad}\u{e0041}";

fn hostile_record() -> Value {
    json!({
        "id": 7,
        "first_name": FIRST_NAME,
        "last_name": LAST_NAME,
        "email": "eve@example.com",
        "company_name": COMPANY,
        "city": CITY,
        "type": "customer",
        "country": "DE",
        "updated_at": "2026-11-01T10:00:00Z"
    })
}

/// Corporate Merch's list and get, answering with the hostile contact.
fn answer(request: &Request) -> Reply {
    match request.path() {
        "/contacts" => Reply::json(200, &json!({"data": [hostile_record()], "meta": {"total": 1, "last_page": 1}})),
        "/contacts/7" => Reply::json(200, &json!({"data": hostile_record()})),
        _ => Reply::json(404, &json!({"message": "no such thing"})),
    }
}

/// A config whose profile `h` talks Corporate Merch to `url`.
fn config(home: &Path, url: &str) -> PathBuf {
    let path = home.join("config.toml");
    let text = format!(
        "default_profile = \"h\"\n[profiles.h]\nbackend = \"corporatemerch\"\nbase_url = \"{url}\"\nsecret_env = \"ROLO_TEST_TOKEN\"\n"
    );
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    path
}

fn rolo(home: &Path, config: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rolo"));
    command
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("ROLO_TEST_TOKEN", common::TOKEN)
        .arg("--config")
        .arg(config)
        .args(args);
    command
}

/// Runs the binary off the runtime's threads (the server answers on them) and returns its output.
async fn run(home: &Path, config: &Path, args: &[&str]) -> std::process::Output {
    let mut command = rolo(home, config, args);
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

/// Every byte a terminal would act on: ESC, BEL, BS, CR, DEL, and C1 (as UTF-8: C2 80–9F).
fn terminal_bytes(bytes: &[u8], keep_line_breaks: bool) -> Vec<String> {
    let mut found = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        let c0 = b < 0x20 && !(b == b'\n' || (keep_line_breaks && b == b'\r'));
        let c1 = b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n));
        if c0 || b == 0x7F || c1 {
            found.push(format!("byte {b:#04x} at {i}"));
        }
    }
    let text = String::from_utf8_lossy(bytes);
    found.extend(text.chars().filter(|c| is_hidden_or_control(*c) && *c > '\u{9f}').map(|c| format!("{c:?}")));
    found
}

fn assert_shown_visibly(text: &str) {
    for escape in ["\\x1b[2J", "\\x1b]52;c;cGF5bG9hZA==\\x07", "\\x1b]0;pwned\\x07", "\\x9b31m", "\\x7f\\x08\\x08\\x08"]
    {
        assert!(text.contains(escape), "{escape} is shown: {text}");
    }
    for escape in ["Eve\\u{202e}nimda\\u{2066}x\\u{2069}", "Ber\\u{200b}lin\\u{200d}\\u{feff}\\xad\\u{e0041}"] {
        assert!(text.contains(escape), "{escape} is shown: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_and_get_show_controls_and_hidden_characters_as_escapes_and_json_keeps_them_exactly() {
    let server = Hostile::start(answer).await;
    let home = tempfile::tempdir().unwrap();
    let config = config(home.path(), &server.url(""));

    for (args, csv) in [(&["list"][..], false), (&["list", "--csv"][..], true), (&["get", "7"][..], false)] {
        let out = run(home.path(), &config, args).await;
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(terminal_bytes(&out.stdout, csv), Vec::<String>::new(), "{args:?} wrote raw controls");
        let text = String::from_utf8(out.stdout).unwrap();
        if args[0] == "get" {
            assert_shown_visibly(&text);
        } else {
            // The list's columns: name, email, company, type, country.
            assert!(
                text.contains("Eve\\u{202e}nimda\\u{2066}x\\u{2069} Smith\\x9b31m\\x7f\\x08\\x08\\x08XX"),
                "{text}"
            );
            assert!(text.contains("\\x1b[2J\\x1b]52;c;cGF5bG9hZA==\\x07\\x1b]0;pwned\\x07Acme"), "{text}");
        }
    }

    let list = run(home.path(), &config, &["list", "--json"]).await;
    assert_eq!(terminal_bytes(&list.stdout, false), Vec::<String>::new(), "list --json wrote raw controls");
    let parsed: Value = serde_json::from_slice(&list.stdout).expect("valid JSON");
    assert_eq!(parsed[0]["record"], hostile_record(), "the exact strings");
    let get = run(home.path(), &config, &["get", "7", "--json"]).await;
    assert_eq!(terminal_bytes(&get.stdout, false), Vec::<String>::new(), "get --json wrote raw controls");
    assert_eq!(serde_json::from_slice::<Value>(&get.stdout).unwrap(), hostile_record());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_servers_error_message_is_shown_not_obeyed() {
    let server = Hostile::start(|_: &Request| Reply::json(500, &json!({"message": "boom\u{1b}]0;pwned\u{7}"}))).await;
    let home = tempfile::tempdir().unwrap();
    let config = config(home.path(), &server.url(""));
    let out = run(home.path(), &config, &["get", "7"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(terminal_bytes(&out.stderr, false), Vec::<String>::new());
    assert!(String::from_utf8_lossy(&out.stderr).contains("boom\\x1b]0;pwned\\x07"));
}

/// The symbols of every cell that holds a character a terminal would act on or hide.
fn dirty_cells(app: &common::App) -> Vec<String> {
    let buffer = app.terminal.backend().buffer();
    buffer.content.iter().map(|c| c.symbol()).filter(|s| s.contains(is_hidden_or_control)).map(str::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ui_shows_bidi_overrides_and_zero_width_characters_and_no_cell_holds_them() {
    let server = Hostile::start(answer).await;
    let mut app =
        common::start_at("corporatemerch", &server.url(""), common::TOKEN, Duration::from_secs(5), (160, 30)).await;
    let list = app.screen();
    assert_eq!(dirty_cells(&app), Vec::<String>::new(), "the list:\n{list}");
    assert!(list.contains("Eve\\u{202e}nimda\\u{2066}x\\u{2069} S"), "{list}");
    assert!(list.contains("\\x1b[2J\\x1b]52;c;"), "{list}");

    app.press(KeyCode::Enter);
    app.settle().await;
    let form = app.screen();
    assert_eq!(dirty_cells(&app), Vec::<String>::new(), "the form:\n{form}");
    assert!(form.contains("Ber\\u{200b}lin\\u{200d}\\u{feff}\\xad\\u{e0041}"), "{form}");

    // The focused field, being typed into, shows its text as typed: hidden characters dropped.
    app.focus_field("city");
    app.press(KeyCode::End);
    app.type_text("!");
    let typing = app.screen();
    assert_eq!(dirty_cells(&app), Vec::<String>::new(), "typing:\n{typing}");
    assert!(typing.contains("Berlin!"), "{typing}");

    app.ctrl('r');
    let raw = app.screen();
    assert_eq!(dirty_cells(&app), Vec::<String>::new(), "the raw response:\n{raw}");
    assert!(raw.contains("\\u{202e}"), "{raw}");

    // Back in the list nothing of the form is left over.
    app.press(KeyCode::Esc);
    app.press(KeyCode::Esc);
    app.press(KeyCode::Char('y'));
    let back = app.screen();
    assert_eq!(dirty_cells(&app), Vec::<String>::new());
    assert!(!back.contains("Berlin!") && back.contains("Eve\\u{202e}nimda"), "{back}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_that_cannot_be_written_exits_5_and_a_reader_that_stops_early_is_fine() {
    let server = Hostile::start(answer).await;
    let home = tempfile::tempdir().unwrap();
    let config = config(home.path(), &server.url(""));

    // A full disk.
    for args in [&["list"][..], &["list", "--json"][..], &["get", "7"][..], &["backends"][..]] {
        let mut command = rolo(home.path(), &config, args);
        command.stdout(std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
        let out = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {stderr}");
        assert!(stderr.contains("could not write the output") && stderr.contains("No space left"), "{stderr}");
    }

    // Standard output closed before rolo starts (`rolo list >&-`): Rust's runtime puts
    // /dev/null in its place before `main`, so this is `> /dev/null`: done, output discarded.
    // (It also means no file rolo opens can take descriptor 1.)
    let mut command = Command::new("sh");
    command.arg("-c").arg("exec \"$0\" \"$@\" >&-").arg(env!("CARGO_BIN_EXE_rolo"));
    command.args(rolo(home.path(), &config, &["list"]).get_args());
    command.envs(rolo(home.path(), &config, &[]).get_envs().filter_map(|(k, v)| Some((k, v?))));
    let out = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A reader that stops at once (`| head -0`): exit 0, nothing on stderr.
    let mut command = rolo(home.path(), &config, &["list", "--json"]);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let out = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_given_twice_is_refused_and_nothing_is_sent() {
    let server = Hostile::start(answer).await;
    let home = tempfile::tempdir().unwrap();
    let config = config(home.path(), &server.url(""));
    for args in [&["update", "7", "city=A", "city=B"][..], &["update", "7", "city=A", "CITY=B"][..]] {
        let out = run(home.path(), &config, args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("city: this field is given more than once"), "{stderr}");
    }
    assert!(server.requests().is_empty(), "nothing was fetched or sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_whose_answer_cannot_be_written_says_the_change_was_stored() {
    use rolo::sandbox::{self, SandboxOptions, Storage};
    let server = sandbox::start(SandboxOptions {
        storage: Storage::Memory,
        port: 0,
        token: common::TOKEN.into(),
        contacts: None,
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = config(home.path(), &server.base_url("corporatemerch"));
    let mut command = rolo(home.path(), &config, &["update", "3", "city=Ghent"]);
    command.stdout(std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
    let out = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("the change was stored, but could not write the output"), "{stderr}");
    assert_eq!(server.record("corporatemerch", "3").unwrap()["city"], "Ghent", "it was stored");
    server.shutdown().await;
}

/// What a terminal was asked to do beyond printing text.
#[derive(Default)]
struct Obeyed {
    titles: Vec<Vec<u8>>,
    clipboard: Vec<Vec<u8>>,
    bells: usize,
    unknown_escapes: usize,
}

impl vt100::Callbacks for Obeyed {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
    fn unhandled_char(&mut self, _: &mut vt100::Screen, _: char) {
        self.unknown_escapes += 1;
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, _: u8) {
        self.unknown_escapes += 1;
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, _: Option<u8>, _: Option<u8>, _: u8) {
        self.unknown_escapes += 1;
    }
    fn unhandled_csi(&mut self, _: &mut vt100::Screen, _: Option<u8>, _: Option<u8>, _: &[&[u16]], _: char) {
        self.unknown_escapes += 1;
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, _: &[&[u8]]) {
        self.unknown_escapes += 1;
    }
}

/// Runs the real binary with its standard output on a pseudo-terminal, as a user at a shell
/// would, and returns the screen a terminal shows and what it was asked to do.
fn in_a_terminal(home: &Path, config: &Path, args: &[&str]) -> (String, Obeyed) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    let pty =
        native_pty_system().openpty(PtySize { rows: 30, cols: 200, pixel_width: 0, pixel_height: 0 }).expect("a pty");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_rolo"));
    command.env("XDG_CONFIG_HOME", home.join("config"));
    command.env("XDG_DATA_HOME", home.join("data"));
    command.env("XDG_STATE_HOME", home.join("state"));
    command.env("ROLO_TEST_TOKEN", common::TOKEN);
    command.env("TERM", "xterm-256color");
    command.arg("--config");
    command.arg(config);
    command.args(args);
    let mut child = pty.slave.spawn_command(command).expect("rolo starts");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    // The reader ends when the command has exited and the terminal is closed.
    let reading = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buffer[..n]);
        }
        bytes
    });
    let status = child.wait().expect("rolo ends");
    drop(pty.master);
    let bytes = reading.join().expect("the reader ends");
    assert!(status.success(), "{args:?}: {}", String::from_utf8_lossy(&bytes));
    let size = std::num::NonZeroU16::new;
    let mut parser = vt100::Parser::new_with_callbacks(size(30).unwrap(), size(200).unwrap(), 0, Obeyed::default());
    parser.process(&bytes);
    (parser.screen().contents(), std::mem::take(parser.callbacks_mut()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_output_into_a_terminal_sets_no_title_no_clipboard_and_rings_no_bell() {
    // The detector itself: the raw value would set the title and write the clipboard.
    let size = std::num::NonZeroU16::new;
    let mut raw = vt100::Parser::new_with_callbacks(size(5).unwrap(), size(80).unwrap(), 0, Obeyed::default());
    raw.process(COMPANY.as_bytes());
    assert!(!raw.callbacks().titles.is_empty() && !raw.callbacks().clipboard.is_empty());

    let server = Hostile::start(answer).await;
    let home = tempfile::tempdir().unwrap();
    let config = config(home.path(), &server.url(""));
    for args in [&["list"][..], &["list", "--csv"], &["get", "7"], &["list", "--json"]] {
        let (home, config) = (home.path().to_path_buf(), config.clone());
        let (screen, obeyed) = tokio::task::spawn_blocking(move || in_a_terminal(&home, &config, args)).await.unwrap();
        assert!(obeyed.titles.is_empty(), "{args:?} set the window title: {:?}", obeyed.titles);
        assert!(obeyed.clipboard.is_empty(), "{args:?} wrote the clipboard: {:?}", obeyed.clipboard);
        assert_eq!(obeyed.bells, 0, "{args:?} rang the bell");
        assert_eq!(obeyed.unknown_escapes, 0, "{args:?} sent escapes to the terminal");
        assert!(screen.contains("Acme"), "{args:?}: the contact is listed:\n{screen}");
        let shown = if args.contains(&"--json") { "\\u001b]0;pwned" } else { "\\x1b]0;pwned\\x07" };
        assert!(screen.contains(shown), "{args:?}: the title sequence is shown as text:\n{screen}");
    }
}
