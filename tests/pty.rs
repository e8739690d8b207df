//! The real binary in a real pseudo-terminal: start against the sandbox, edit, quit, and
//! leave the terminal as it was.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

mod common;

const ROWS: u16 = 30;
const COLS: u16 = 100;

struct Session {
    parser: vt100::Parser,
    /// Every byte rolo wrote to the terminal.
    transcript: Vec<u8>,
    output: mpsc::Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Held so the terminal stays open for the whole session.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    fn start(home: &std::path::Path, args: &[&str]) -> Self {
        Self::start_with_env(home, args, &[])
    }

    fn start_with_env(home: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_rolo"));
        command.args(args);
        command.env("XDG_CONFIG_HOME", home.join("config"));
        command.env("XDG_DATA_HOME", home.join("data"));
        command.env("TERM", "xterm-256color");
        command.env("XDG_STATE_HOME", home.join("state"));
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pty.slave.spawn_command(command).expect("rolo starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let (sender, output) = mpsc::channel();
        // The reader thread ends when the child closes the terminal.
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let rows = NonZeroU16::new(ROWS).unwrap();
        let cols = NonZeroU16::new(COLS).unwrap();
        Self {
            parser: vt100::Parser::new(rows, cols, 0),
            transcript: Vec::new(),
            output,
            writer,
            child,
            _master: pty.master,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Reads output until `done` holds for the screen, for at most 20 s.
    fn wait_until(&mut self, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if done(&self.screen()) {
                return;
            }
            if let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(100)) {
                self.take(&bytes);
            }
        }
        panic!("the screen never got there:\n{}", self.screen());
    }

    /// Reads output until the screen contains `text`, for at most 20 s.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            if let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(100)) {
                self.take(&bytes);
            }
        }
        panic!("the screen never showed {text:?}:\n{}", self.screen());
    }

    fn take(&mut self, bytes: &[u8]) {
        self.transcript.extend_from_slice(bytes);
        self.parser.process(bytes);
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush");
    }

    /// Waits for the process to exit, reading what it prints meanwhile, for at most 10 s.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            while let Ok(bytes) = self.output.try_recv() {
                self.take(&bytes);
            }
            if let Some(status) = self.child.try_wait().expect("child status") {
                while let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(50)) {
                    self.take(&bytes);
                }
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("rolo did not exit:\n{}", self.screen());
    }
}

#[test]
fn the_binary_starts_on_the_sandbox_edits_and_quits_cleanly() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut session = Session::start(home.path(), &[]);
    session.wait_for("SANDBOX");
    session.wait_for("loaded / 260");
    assert!(session.parser.screen().alternate_screen(), "the UI runs on the alternate screen");

    session.send("\r");
    session.wait_for("── Person");
    session.send("Zed");
    session.wait_for("1 changed");
    // Esc on a changed form asks; y discards; q quits from the list.
    session.send("\x1b");
    session.wait_for("Discard your unsent changes");
    session.send("y");
    session.wait_for("Enter open contact");
    session.send("q");
    let status = session.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(!session.parser.screen().alternate_screen(), "the terminal is back on the main screen");
    assert!(home.path().join("data/rolo/sandbox.sqlite3").is_file(), "the sandbox keeps its database in the data dir");
}

#[test]
fn the_sandbox_speaks_another_vendor_on_request() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut session = Session::start(home.path(), &["--sandbox", "bird"]);
    session.wait_for("Bird");
    session.wait_for("100 loaded / ?");
    session.send("q");
    assert!(session.wait_exit().success());
}

#[test]
fn a_draft_survives_kill_9_and_is_offered_back() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut session = Session::start(home.path(), &[]);
    session.wait_for("loaded / 260");
    session.send("\r");
    session.wait_for("── Person");
    session.send("Zed");
    session.wait_for("1 changed");
    // The journal is written off the UI thread; wait for the file, then kill without warning.
    wait_for_draft(home.path(), "1", "RajZed");
    let pid = session.child.process_id().expect("a pid");
    let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().expect("kill runs");
    assert!(killed.success());
    let _ = session.wait_exit();

    let mut again = Session::start(home.path(), &[]);
    again.wait_for("Unsent drafts");
    again.wait_for("changes: First name");
    again.send("\r");
    again.wait_for("1 changed");
    again.wait_for("RajZed");
    // Sending it clears the draft from disk.
    again.send("\x13");
    again.wait_for("Stored: 200");
    again.send("\x1b");
    again.wait_for("Enter open contact");
    again.send("q");
    assert!(again.wait_exit().success());
    assert!(drafts_of(home.path(), "1").is_empty(), "a sent draft is forgotten");
}

/// The sandbox's drafts folder in `home`.
fn drafts_dir(home: &std::path::Path) -> std::path::PathBuf {
    home.join("data/rolo/drafts/sandbox-corporatemerch")
}

/// The draft files of one contact (whichever run wrote them), with their text.
fn drafts_of(home: &std::path::Path, contact: &str) -> Vec<(std::path::PathBuf, String)> {
    let mut found: Vec<_> = std::fs::read_dir(drafts_dir(home))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(&format!("{contact}.")) && name.ends_with(".json")
        })
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            (p, text)
        })
        .collect();
    found.sort();
    found
}

/// Waits (at most 10 s) until a draft file of `contact` holds `text`, and returns its path.
fn wait_for_draft(home: &std::path::Path, contact: &str, text: &str) -> std::path::PathBuf {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some((path, _)) = drafts_of(home, contact).into_iter().find(|(_, t)| t.contains(text)) {
            return path;
        }
        assert!(Instant::now() < deadline, "no draft of #{contact} holding {text:?} reached the disk");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() { pending.push(path) } else { files.push(path) }
        }
    }
    files
}

#[test]
fn a_secret_never_reaches_the_screen_the_log_or_the_data_dir() {
    const SECRET: &str = "in-SCANME0123456789abcdefghijklmnopqrstuvwxyzAB";
    let home = tempfile::tempdir().expect("temp dir");
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let server = runtime.block_on(rolo::sandbox::start(rolo::sandbox::SandboxOptions {
        storage: rolo::sandbox::Storage::Memory,
        port: 0,
        token: SECRET.into(),
        contacts: None,
    }));
    let server = server.expect("sandbox");
    // Insighto puts the key in the URL, the hardest place to keep it out of sight.
    let secret_file = home.path().join("insighto.token");
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    let config_dir = home.path().join("config/rolo");
    std::fs::create_dir_all(&config_dir).unwrap();
    let config = format!(
        "[profiles.scan]\nbackend = \"insighto\"\nbase_url = \"{}\"\nsecret_file = \"{}\"\n",
        server.base_url("insighto"),
        secret_file.display()
    );
    std::fs::write(config_dir.join("config.toml"), config).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    let mut session = Session::start_with_env(home.path(), &["--log-level", "debug"], &[]);
    session.wait_for("can be read by other users");
    session.wait_for("loaded / 260");
    session.send("\r");
    session.wait_for("── Contact");
    session.send("Zed");
    session.wait_for("1 changed");
    session.send("\x12");
    // The status line shows the redacted URL too, so wait for the raw view itself.
    session.wait_for("Raw response (Esc closes");
    assert!(session.screen().contains("api_key=***"));
    session.send("\x1b");
    // Esc and the next key sent together would read as Alt+key: wait for the view to close.
    session.wait_until(|screen| !screen.contains("Raw response"));
    session.send("\x13");
    session.wait_for("Stored: 200");
    session.send("\x1b");
    session.wait_for("Enter open contact");
    session.send("q");
    assert!(session.wait_exit().success());

    let transcript = String::from_utf8_lossy(&session.transcript);
    assert!(!transcript.contains(SECRET), "the secret reached the terminal");
    let log = std::fs::read_to_string(home.path().join("state/rolo/rolo.log")).expect("a log file");
    assert!(log.contains("api_key=***"), "requests are logged, redacted:\n{log}");
    for file in files_under(home.path()) {
        if file == secret_file {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains(SECRET), "the secret is in {}", file.display());
    }
    drop(server);
}

#[test]
fn sighup_exits_cleanly_and_keeps_the_draft() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut session = Session::start(home.path(), &[]);
    session.wait_for("loaded / 260");
    session.send("\r");
    session.wait_for("── Person");
    session.send("H");
    session.wait_for("1 changed");
    let pid = session.child.process_id().expect("a pid");
    let signalled = std::process::Command::new("kill").args(["-HUP", &pid.to_string()]).status().expect("kill runs");
    assert!(signalled.success());
    let status = session.wait_exit();
    assert!(status.success(), "a closed terminal is a clean exit, not an abort: {status:?}");
    let kept = drafts_of(home.path(), "1");
    assert!(kept.iter().any(|(_, text)| text.contains("RajH")), "the draft was flushed before exit: {kept:?}");
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_the_draft() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut session = Session::start(home.path(), &[]);
    session.wait_for("loaded / 260");
    session.send("\r");
    session.wait_for("── Person");
    session.send("Q");
    session.wait_for("1 changed");
    let draft = wait_for_draft(home.path(), "1", "RajQ");
    let pid = session.child.process_id().expect("a pid");
    let signalled = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill runs");
    assert!(signalled.success());
    let status = session.wait_exit();
    assert!(status.success(), "a polite stop is a clean exit: {status:?}");
    assert!(!session.parser.screen().alternate_screen(), "the terminal is restored");
    assert!(draft.is_file(), "the unsent draft is kept for the next start");
}

#[test]
fn no_color_in_the_environment_draws_without_any_colour() {
    let home = tempfile::tempdir().unwrap();
    let mut session = Session::start_with_env(home.path(), &[], &[("NO_COLOR", "1")]);
    session.wait_for("loaded / 260");
    let screen = session.parser.screen();
    for row in 0..ROWS {
        for col in 0..COLS {
            if let Some(cell) = screen.cell(row, col) {
                assert_eq!(cell.fgcolor(), vt100::Color::Default, "colour at {row},{col}:\n{}", session.screen());
                assert_eq!(cell.bgcolor(), vt100::Color::Default, "colour at {row},{col}");
            }
        }
    }
    assert!(screen.cell(0, 2).is_some_and(|c| c.inverse()), "the title bar is in reverse video instead");
    session.send("q");
    assert!(session.wait_exit().success());
}

#[test]
fn read_only_on_the_command_line_says_so_and_refuses_to_send() {
    let home = tempfile::tempdir().unwrap();
    let mut session = Session::start(home.path(), &["--read-only"]);
    session.wait_for("READ-ONLY");
    session.wait_for("loaded / 260");
    session.send("\r");
    session.wait_for("Ctrl-S send");
    session.send("x\x13");
    session.wait_for("Read-only: nothing is sent");
    session.send("\x03\x03");
    assert!(session.wait_exit().success());
}

#[test]
fn the_external_editor_gets_the_terminal_and_every_key_then_the_ui_comes_back() {
    let home = tempfile::tempdir().expect("temp dir");
    let script = home.path().join("editor.sh");
    std::fs::write(
        &script,
        "printf 'EDITOR RUNNING, type a city: '\nread -r city\nsed -i \"s/^city = .*/city = \\\"$city\\\"/\" \"$1\"\n",
    )
    .unwrap();
    let visual = format!("sh {}", script.display());
    let mut session = Session::start_with_env(home.path(), &[], &[("VISUAL", visual.as_str())]);
    session.wait_for("loaded / 260");
    session.send("\r");
    session.wait_for("── Person");

    session.send("\x0f");
    session.wait_for("EDITOR RUNNING");
    assert!(!session.parser.screen().alternate_screen(), "the editor runs on the main screen");
    // Every key typed now reaches the editor: rolo reads none of them while it runs.
    session.send("Ptyville\r");
    session.wait_for("1 field changed in the editor");
    assert!(session.parser.screen().alternate_screen(), "the UI is back on the alternate screen");
    let screen = session.screen();
    assert!(screen.contains("Ptyville") && screen.contains("── Person"), "the form is drawn again:\n{screen}");
    assert!(!screen.contains("EDITOR RUNNING"), "nothing of the editor is left on screen:\n{screen}");

    // Keys reach rolo again. (Known issue: a key typed within moments of the editor closing
    // is sometimes lost under load; the pause keeps this test about the hand-back itself.)
    std::thread::sleep(Duration::from_millis(300));
    session.send("\t");
    session.wait_for("▶   Last name");
    session.send("\x1b");
    session.wait_for("Discard your unsent changes");
    session.send("y");
    session.wait_for("Enter open contact");
    session.send("q");
    assert!(session.wait_exit().success());
}

/// The process's state letter from `/proc/PID/stat` (`T` stopped, `S` sleeping…).
fn process_state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the process exists");
    // The command name is in parentheses and may hold spaces: the state follows the last `)`.
    stat.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next()).expect("a state")
}

fn wait_for_state(pid: u32, wanted: impl Fn(char) -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !wanted(process_state(pid)) {
        assert!(Instant::now() < deadline, "rolo never became {what} (state {})", process_state(pid));
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The terminal's line settings as `stty` reports them (`icanon` or `-icanon`…).
fn stty(session: &Session) -> String {
    let tty = session._master.tty_name().expect("the pty has a name");
    let out = std::process::Command::new("stty").arg("-a").arg("-F").arg(&tty).output().expect("stty runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits until rolo has the terminal in raw mode again, on the alternate screen, and has
/// drawn `text` (one word: a redraw moves over blank cells) anew, after `mark` bytes of the transcript.
fn wait_until_back(session: &mut Session, mark: usize, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !stty(session).contains("-icanon") {
        assert!(Instant::now() < deadline, "rolo never took the terminal back: {}", stty(session));
        std::thread::sleep(Duration::from_millis(20));
    }
    while !String::from_utf8_lossy(&session.transcript[mark..]).contains(text) {
        assert!(Instant::now() < deadline, "rolo never redrew {text:?}:\n{}", session.screen());
        if let Ok(bytes) = session.output.recv_timeout(Duration::from_millis(100)) {
            session.take(&bytes);
        }
    }
    assert!(session.parser.screen().alternate_screen(), "back on the alternate screen");
    // Known issue (as after the external editor): a key typed within moments of rolo taking
    // the terminal back is sometimes lost under load; the pause keeps this test about the
    // hand-back itself.
    std::thread::sleep(Duration::from_millis(300));
}

fn signal(pid: u32, name: &str) {
    let sent = std::process::Command::new("kill").args([&format!("-{name}"), &pid.to_string()]).status();
    assert!(sent.expect("kill runs").success());
}

#[test]
fn ctrl_z_gives_the_terminal_back_stops_and_fg_redraws() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut session = Session::start(home.path(), &[]);
    session.wait_for("loaded / 260");
    let pid = session.child.process_id().expect("a pid");
    assert!(stty(&session).contains("-icanon"), "the UI runs in raw mode");

    session.send("\x1a");
    wait_for_state(pid, |s| s == 'T', "stopped");
    while let Ok(bytes) = session.output.recv_timeout(Duration::from_millis(200)) {
        session.take(&bytes);
    }
    assert!(!session.parser.screen().alternate_screen(), "the shell's screen is back");
    let settings = stty(&session);
    assert!(settings.contains(" icanon") && settings.contains(" echo"), "the terminal is cooked again: {settings}");

    // `fg` sends SIGCONT: rolo takes the terminal back and draws the whole screen again.
    let mark = session.transcript.len();
    signal(pid, "CONT");
    wait_for_state(pid, |s| s != 'T', "running");
    wait_until_back(&mut session, mark, "loaded");
    // Keys work: open a contact.
    session.send("\r");
    session.wait_for("── Person");

    // A SIGTSTP from outside does the same as Ctrl-Z.
    signal(pid, "TSTP");
    wait_for_state(pid, |s| s == 'T', "stopped");
    assert!(stty(&session).contains(" icanon"), "the terminal is restored before stopping");
    while let Ok(bytes) = session.output.recv_timeout(Duration::from_millis(200)) {
        session.take(&bytes);
    }
    let mark = session.transcript.len();
    signal(pid, "CONT");
    wait_for_state(pid, |s| s != 'T', "running");
    wait_until_back(&mut session, mark, "Person");
    session.send("\x1b");
    session.wait_for("Enter open contact");
    session.send("q");
    assert!(session.wait_exit().success());
}

#[test]
fn a_session_against_a_server_echoing_the_token_leaves_it_nowhere_and_every_file_private() {
    const TOKEN: &str = "pty-ECHO-4b8e19d2c7a6";
    let home = tempfile::tempdir().expect("temp dir");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = runtime.block_on(common::hostile::Hostile::start(common::echo::corporatemerch(TOKEN)));
    let config_dir = home.path().join("config/rolo");
    std::fs::create_dir_all(&config_dir).unwrap();
    let config = format!(
        "[profiles.echo]\nbackend = \"corporatemerch\"\nbase_url = \"{}\"\nsecret_env = \"ROLO_ECHO_TOKEN\"\n",
        server.url("")
    );
    std::fs::write(config_dir.join("config.toml"), config).unwrap();

    let mut session = Session::start_with_env(home.path(), &["--log-level", "debug"], &[("ROLO_ECHO_TOKEN", TOKEN)]);
    session.wait_for("Echo Tester");
    session.send("\r");
    session.wait_for("── Person");
    session.send("Z");
    session.wait_for("1 changed");
    let folder = home.path().join("data/rolo/drafts/echo");
    // This run's draft of contact 1: `1.RUN.json`.
    let draft_of_1 = || {
        let names = std::fs::read_dir(&folder).into_iter().flatten().flatten().map(|e| e.path());
        // Only the draft itself: its temp file (`.tmp`, renamed over it) starts the same way.
        let is_draft =
            |n: &std::ffi::OsStr| n.to_string_lossy().starts_with("1.") && n.to_string_lossy().ends_with(".json");
        names.into_iter().find(|p| p.file_name().is_some_and(is_draft))
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let draft = loop {
        if let Some(path) = draft_of_1().filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("EchoZ"))) {
            break path;
        }
        assert!(Instant::now() < deadline, "the draft reached the disk");
        std::thread::sleep(Duration::from_millis(20));
    };
    session.send("\x12");
    session.wait_for("Raw response (Esc closes");
    session.send("\x1b");
    session.wait_until(|screen| !screen.contains("Raw response"));
    session.send("\x13");
    session.wait_for("Not stored: 422");
    assert!(session.screen().contains("The token *** may not edit"), "{}", session.screen());
    let history = home.path().join("data/rolo/history/echo.jsonl");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !history.is_file() {
        assert!(Instant::now() < deadline, "the refused send reached the history");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Leave with the draft unsent, as a closed laptop would.
    let pid = session.child.process_id().expect("a pid");
    let stopped = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill runs");
    assert!(stopped.success());
    assert!(session.wait_exit().success());

    let transcript = String::from_utf8_lossy(&session.transcript);
    assert!(!transcript.contains(TOKEN) && !transcript.contains(&TOKEN[..12]), "the token reached the terminal");
    let mut files = files_under(&home.path().join("data"));
    files.extend(files_under(&home.path().join("state")));
    for wanted in ["state/rolo/rolo.log", "data/rolo/history/echo.jsonl"] {
        assert!(files.contains(&home.path().join(wanted)), "{wanted} was written: {files:?}");
    }
    assert!(files.contains(&draft), "the draft was kept: {files:?}");
    assert!(std::fs::read_to_string(&draft).unwrap().contains("\"company_name\": \"***\""), "masked in the draft");
    for file in &files {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        assert!(!text.contains(TOKEN) && !text.contains(&TOKEN[..12]), "the token is in {}:\n{text}", file.display());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{} is the owner's alone", file.display());
            let mut dir = file.parent();
            while let Some(folder) = dir.filter(|d| *d != home.path()) {
                let mode = std::fs::metadata(folder).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o700, "{} was created private", folder.display());
                dir = folder.parent();
            }
        }
    }
    drop(server);
}

#[test]
fn two_windows_on_one_contact_keep_their_own_drafts_and_a_killed_ones_edits_come_back() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut first = Session::start(home.path(), &[]);
    first.wait_for("loaded / 260");
    let mut second = Session::start(home.path(), &[]);
    second.wait_for("loaded / 260");
    assert!(!second.screen().contains("Unsent drafts"), "a living window's drafts are not offered");
    for (window, text) in [(&mut first, "Aaa"), (&mut second, "Bbb")] {
        window.send("\r");
        window.wait_for("── Person");
        window.send(text);
        window.wait_for("1 changed");
    }
    let first_draft = wait_for_draft(home.path(), "1", "RajAaa");
    let second_draft = wait_for_draft(home.path(), "1", "RajBbb");
    assert_ne!(first_draft, second_draft, "each window has a file of its own");

    // The second window sends: its draft goes, the first window's stays as it was.
    second.send("\x13");
    second.wait_for("Stored: 200");
    let deadline = Instant::now() + Duration::from_secs(10);
    while second_draft.exists() {
        assert!(Instant::now() < deadline, "the sent draft is removed");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(std::fs::read_to_string(&first_draft).is_ok_and(|t| t.contains("RajAaa")), "the other draft survives");
    second.send("\x1b");
    second.wait_for("Enter open contact");
    second.send("q");
    assert!(second.wait_exit().success());

    // The first window is killed; the next start offers its edits.
    let pid = first.child.process_id().expect("a pid");
    assert!(std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().expect("kill").success());
    let _ = first.wait_exit();
    let mut third = Session::start(home.path(), &[]);
    third.wait_for("Unsent drafts");
    third.wait_for("changes: First name");
    third.send("\r");
    third.wait_for("RajAaa");
    // Restoring makes the draft this run's: its own copy first, then the old file goes.
    let deadline = Instant::now() + Duration::from_secs(10);
    while first_draft.exists() {
        assert!(Instant::now() < deadline, "the restored draft's old file is taken over");
        std::thread::sleep(Duration::from_millis(20));
    }
    let kept = drafts_of(home.path(), "1");
    assert!(kept.len() == 1 && kept[0].1.contains("RajAaa"), "one copy, this run's: {kept:?}");
    third.send("\x1b");
    third.wait_for("Discard your unsent changes");
    third.send("y");
    third.wait_for("Enter open contact");
    third.send("q");
    assert!(third.wait_exit().success());
    assert!(drafts_of(home.path(), "1").is_empty(), "discarded with a yes");
}

#[test]
fn draft_files_rolo_cannot_read_are_named_at_start_and_never_written_over_or_removed() {
    let home = tempfile::tempdir().expect("temp dir");
    let folder = drafts_dir(home.path());
    std::fs::create_dir_all(&folder).unwrap();
    // Named as rolo once named the drafts of contacts 1, 2 and 3.
    let corrupt = (folder.join("1.json"), "{\"backend\": \"corporatemerch\", \"contact_id\": \"1\", \"tit".to_string());
    let newer = (
        folder.join("2.json"),
        r#"{"format": 99, "backend": "corporatemerch", "contact_id": "2", "changes": {"city": "Laval"}}"#.to_string(),
    );
    let other = (
        folder.join("3.json"),
        r#"{"backend": "bird", "contact_id": "3", "title": "X", "loaded": {"id": "3"}, "edits": []}"#.to_string(),
    );
    for (path, text) in [&corrupt, &newer, &other] {
        std::fs::write(path, text).unwrap();
    }
    let mut session = Session::start(home.path(), &[]);
    // The hint is the popup's last line: the whole of it is on screen.
    session.wait_for("Esc closes");
    let screen = session.screen();
    for (path, reason) in
        [(&corrupt.0, "not valid JSON"), (&newer.0, "a newer draft format (99)"), (&other.0, "`bird` backend")]
    {
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(screen.contains(&format!("sandbox-corporatemerch/{name}")), "{name} is named:\n{screen}");
        assert!(screen.contains(reason), "{reason}:\n{screen}");
    }
    session.send("\x1b");
    session.wait_until(|screen| !screen.contains("cannot be restored"));
    session.wait_for("loaded / 260");

    // Type into contacts 1 and 2 (whose old file names those are), then revert.
    for (down, id) in [("", "#1"), ("j", "#2")] {
        session.send(down);
        session.send("\r");
        session.wait_for(id);
        session.wait_for("── Person");
        session.send("Zed");
        session.wait_for("1 changed");
        wait_for_draft(home.path(), &id[1..], "Zed");
        session.send("\x07");
        session.wait_until(|screen| !screen.contains("1 changed"));
        session.send("\x1b");
        session.wait_for("Enter open contact");
    }
    session.send("q");
    assert!(session.wait_exit().success());
    for (path, text) in [&corrupt, &newer, &other] {
        assert_eq!(&std::fs::read_to_string(path).expect("still there"), text, "{} is untouched", path.display());
    }
    for id in ["1", "2"] {
        let left: Vec<_> =
            drafts_of(home.path(), id).into_iter().filter(|(p, _)| !p.ends_with(format!("{id}.json"))).collect();
        assert!(left.is_empty(), "the reverted drafts are gone: {left:?}");
    }
}
