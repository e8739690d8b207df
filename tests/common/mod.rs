//! Drives the whole app: the real runtime, the real HTTP client, the in-process sandbox over
//! loopback, and a `TestBackend` terminal, with keys pressed one at a time.

#![allow(dead_code)]

pub mod echo;
pub mod hostile;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::SecretString;

use rolo::app::{Message, Session, State};
use rolo::backend;
use rolo::http::{Client, RetryPolicy, Timeouts};
use rolo::sandbox::{self, Sandbox, SandboxOptions, Storage};
use rolo::tui::runtime::Runtime;

/// The token the test sandbox accepts.
pub const TOKEN: &str = "test-token-5f3a";

/// Reads are retried as in production, only sooner.
pub const FAST_RETRY: RetryPolicy =
    RetryPolicy { retries: 2, base: Duration::from_millis(20), max_wait: Duration::from_secs(2) };

/// Every answer in these tests comes from loopback; this bounds a wait for one.
pub const SETTLE: Duration = Duration::from_secs(10);

/// rolo running against a fresh in-memory sandbox, drawn into a test terminal.
pub struct App {
    pub runtime: Runtime,
    pub terminal: Terminal<TestBackend>,
    pub sandbox: Option<Sandbox>,
}

/// Starts a sandbox speaking `dialect` and rolo against it, and waits for the first page.
pub async fn start(dialect: &str, width: u16, height: u16) -> App {
    start_seeded(dialect, None, width, height).await
}

/// As [`start`], with the sandbox seeded with `contacts` per dialect (`None`: the standard 260).
pub async fn start_seeded(dialect: &str, contacts: Option<u64>, width: u16, height: u16) -> App {
    let server = sandbox::start(SandboxOptions { storage: Storage::Memory, port: 0, token: TOKEN.into(), contacts })
        .await
        .expect("sandbox starts");
    let base_url = server.base_url(dialect);
    let backend = Arc::new(dialect_backend(dialect));
    // Bird's paths name a workspace; the sandbox serves one.
    let vars = [("workspaceId".to_string(), sandbox::BIRD_WORKSPACE.to_string())].into();
    let timeouts = Timeouts { connect: Duration::from_secs(2), total: Duration::from_secs(5) };
    let secret = Some(SecretString::from(TOKEN.to_string()));
    let client = Client::new(backend, &base_url, secret, vars, timeouts).expect("client").with_retry(FAST_RETRY);
    let mut app = start_with(client, (width, height)).await;
    app.runtime.state.session = Session { profile: "sandbox".into(), sandbox: true, ..Default::default() };
    app.sandbox = Some(server);
    app
}

/// A sandbox speaking every dialect with `contacts` each (`None`: the standard 260), in memory.
pub async fn sandbox_with(contacts: Option<u64>) -> Sandbox {
    sandbox::start(SandboxOptions { storage: Storage::Memory, port: 0, token: TOKEN.into(), contacts })
        .await
        .expect("sandbox starts")
}

/// rolo against `server` speaking `dialect` through `backend`, keeping its local index in the
/// file `index`; nothing is awaited: the first messages come from the index, the pages after.
pub fn start_indexed(server: &Sandbox, dialect: &str, backend: backend::Backend, index: &std::path::Path) -> App {
    let backend = Arc::new(backend);
    let identity = rolo::index::Identity::new("test", &backend, "the test sandbox");
    let place = rolo::connect::IndexPlace { path: index.to_path_buf(), identity };
    let vars = [("workspaceId".to_string(), sandbox::BIRD_WORKSPACE.to_string())].into();
    let timeouts = Timeouts { connect: Duration::from_secs(2), total: Duration::from_secs(5) };
    let secret = Some(SecretString::from(TOKEN.to_string()));
    let client =
        Client::new(backend, &server.base_url(dialect), secret, vars, timeouts).expect("client").with_retry(FAST_RETRY);
    let state = State::new(Arc::clone(client.backend()), Session { profile: "test".into(), ..Default::default() });
    let mut runtime = Runtime::with_index(state, client, Some(place));
    runtime.dispatch(Message::Resized { width: 120, height: 40 });
    let terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    App { runtime, terminal, sandbox: None }
}

/// The backend a client of `dialect` speaks: its built-in one, or the sandbox's own for a
/// vendor that exists only there.
pub fn dialect_backend(dialect: &str) -> backend::Backend {
    match sandbox::dialect(dialect) {
        Some(known) => known.backend().expect("the dialect's backend"),
        None => backend::find(dialect, None).expect("built-in backend"),
    }
}

/// Starts rolo against any URL, with any token and request time limit.
pub async fn start_at(dialect: &str, base_url: &str, token: &str, timeout: Duration, size: (u16, u16)) -> App {
    let backend = Arc::new(backend::find(dialect, None).expect("built-in backend"));
    let client = Client::new(
        Arc::clone(&backend),
        base_url,
        Some(SecretString::from(token.to_string())),
        Default::default(),
        Timeouts { connect: Duration::from_secs(2), total: timeout },
    )
    .expect("client")
    .with_retry(FAST_RETRY);
    start_with(client, size).await
}

/// Starts rolo with a ready client (from a profile, a user's backend file…).
pub async fn start_with(client: Client, size: (u16, u16)) -> App {
    let backend = Arc::clone(client.backend());
    let state = State::new(backend, Session { profile: "test".into(), sandbox: false, ..Default::default() });
    let mut runtime = Runtime::new(state, client);
    runtime.dispatch(Message::Resized { width: size.0, height: size.1 });
    let terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    let mut app = App { runtime, terminal, sandbox: None };
    app.settle().await;
    app
}

impl App {
    /// Presses one key (with modifiers) and redraws.
    pub fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.runtime.dispatch(Message::Key(KeyEvent::new(code, modifiers)));
        self.draw();
    }

    /// Presses one key without modifiers.
    pub fn press(&mut self, code: KeyCode) {
        self.key(code, KeyModifiers::NONE);
    }

    /// Ctrl + a letter.
    pub fn ctrl(&mut self, c: char) {
        self.key(KeyCode::Char(c), KeyModifiers::CONTROL);
    }

    /// Types text, one key per character.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let modifiers = if c.is_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
            self.key(KeyCode::Char(c), modifiers);
        }
    }

    /// Replaces the focused text field's content (Ctrl-J deletes to the start of the line).
    pub fn replace_text(&mut self, text: &str) {
        self.press(KeyCode::End);
        self.ctrl('j');
        self.type_text(text);
    }

    /// Deletes `n` characters before the cursor.
    pub fn backspace(&mut self, n: usize) {
        for _ in 0..n {
            self.press(KeyCode::Backspace);
        }
    }

    /// Waits until no request is in flight, then redraws.
    pub async fn settle(&mut self) {
        assert!(self.runtime.settle(SETTLE).await, "requests did not finish within {SETTLE:?}");
        self.draw();
    }

    /// Like [`App::settle`], but returns the screen after every answer, to see what was
    /// shown on the way (a retry in the status line).
    pub async fn settle_watching(&mut self) -> Vec<String> {
        let mut screens = Vec::new();
        let deadline = tokio::time::Instant::now() + SETTLE;
        while self.runtime.in_flight() > 0 {
            let message = tokio::time::timeout_at(deadline, self.runtime.next_answer()).await;
            let Ok(Some(message)) = message else { panic!("requests did not finish within {SETTLE:?}") };
            self.runtime.dispatch(message);
            screens.push(self.screen());
        }
        screens
    }

    /// Draws the current state, once the filter's matching (off the UI thread, a few
    /// milliseconds) has answered: what a user sees a moment after typing.
    pub fn draw(&mut self) {
        self.runtime.finish_matching();
        self.terminal.draw(|frame| self.runtime.draw(frame)).expect("draw");
    }

    /// The screen as text, one line per row, trailing spaces trimmed.
    pub fn screen(&mut self) -> String {
        // A full redraw: TestBackend keeps cells a real terminal would have erased under a
        // wide character (CJK names), so diffs against older frames can leave stale symbols.
        self.terminal.clear().expect("clear");
        self.draw();
        let buffer = self.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..buffer.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The screen with latencies fixed at 7 ms, so snapshots do not depend on the machine.
    pub fn snapshot(&mut self) -> String {
        let state = &mut self.runtime.state;
        if let Some(last) = &mut state.last_request {
            last.latency = Duration::from_millis(7);
        }
        if let Some(exchange) = &mut state.last_exchange {
            exchange.latency = Duration::from_millis(7);
        }
        scrub(&self.screen())
    }

    /// Moves focus in the form to the field labelled `label` (Tab from the top).
    pub fn focus_field(&mut self, key: &str) {
        let backend = Arc::clone(&self.runtime.state.backend);
        let target = backend.field_index(key).unwrap_or_else(|| panic!("no field {key}"));
        for _ in 0..backend.fields.len() * 2 {
            let form = self.runtime.state.form.as_ref().expect("a form is open");
            if form.focus == target {
                return;
            }
            let key = if form.focus < target { KeyCode::Tab } else { KeyCode::BackTab };
            self.press(key);
        }
        panic!("could not focus {key}");
    }

    /// Makes the sandbox answer every write (reads still pass) with `status` and `body`.
    pub fn fail_writes(&self, status: u16, body: &str, content_type: &str) {
        let fault = sandbox::Fault {
            status,
            body: body.into(),
            content_type: content_type.into(),
            only_writes: true,
            ..Default::default()
        };
        self.sandbox.as_ref().expect("sandbox running").set_fault(Some(fault));
    }

    /// The sandbox's stored record.
    pub fn stored(&self, dialect: &str, id: &str) -> serde_json::Value {
        self.sandbox.as_ref().expect("sandbox running").record(dialect, id).expect("record exists")
    }
}

fn unicode_width(symbol: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    symbol.width().max(1)
}

/// Replaces what changes from run to run (latencies, ports) so screens can be snapshotted.
pub fn scrub(screen: &str) -> String {
    let latency = regex::Regex::new(r"\d+ ms").unwrap();
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").unwrap();
    let s = latency.replace_all(screen, "N ms");
    port.replace_all(&s, "127.0.0.1:PORT").into_owned()
}
