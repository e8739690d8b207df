//! Running the user's editor on a document, and handing the real terminal over to it.
//!
//! The editor is `$VISUAL`, else `$EDITOR`, else `vi`, split on whitespace (`code --wait`).
//! The document goes to a private temporary file (mode 0600) named for its format, so editors
//! highlight it; the file is read back and removed whatever happens.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, EventStream};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use futures::Stream;

use crate::app::Message;

/// One request for the editor, waiting for the event loop to run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditRequest {
    /// The contact whose draft is edited.
    pub contact_id: String,
    /// The document.
    pub text: String,
    /// The file name ending (`toml`, `json`).
    pub extension: &'static str,
}

impl EditRequest {
    /// Runs `command` (or the one the environment names) on the document and reports back.
    pub async fn run(self, command: Option<&str>) -> Message {
        let command = command.map_or_else(editor_command, str::to_string);
        let result = edit_text(&command, &self.text, self.extension).await;
        Message::EditedExternally { contact_id: self.contact_id, sent: self.text, result }
    }
}

/// The editor the environment asks for: `$VISUAL`, else `$EDITOR`, else `vi`.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Lets the user edit `text` with `command`; the text as saved, or why the editor failed.
pub async fn edit_text(command: &str, text: &str, extension: &str) -> Result<String, String> {
    let mut words = command.split_whitespace();
    let Some(program) = words.next() else { return Err("No editor set ($VISUAL or $EDITOR)".into()) };
    let args: Vec<&str> = words.collect();
    let path = write_private(text, extension).map_err(|e| format!("Could not write a temporary file: {e}"))?;
    let status = tokio::process::Command::new(program).args(&args).arg(&path).kill_on_drop(true).status().await;
    let result = match status {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(format!("Editor `{program}` not found (set $VISUAL or $EDITOR)"))
        }
        Err(e) => Err(format!("Could not start the editor `{program}`: {e}")),
        Ok(status) if !status.success() => Err(format!("The editor `{program}` failed ({status})")),
        Ok(_) => std::fs::read_to_string(&path).map_err(|e| format!("Could not read the edited file back: {e}")),
    };
    let _ = std::fs::remove_file(&path);
    result
}

/// Creates a new file only the user can read in the temporary directory, holding `text`.
fn write_private(text: &str, extension: &str) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir();
    let mut last = None;
    for _ in 0..16 {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("rolo-edit-{}-{nanos:08x}{n}.{extension}", std::process::id()));
        match create_new_private(&path) {
            Ok(mut file) => {
                file.write_all(text.as_bytes())?;
                return Ok(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

fn create_new_private(path: &Path) -> io::Result<std::fs::File> {
    crate::private::options().write(true).create_new(true).open(path)
}

/// The terminal the event loop reads keys from, as far as lending it to another program goes.
pub trait Console {
    /// The key stream.
    type Events: Stream<Item = io::Result<Event>> + Unpin;
    /// The stream of keys (started again after a [`Console::suspend`]).
    fn events(&mut self) -> &mut Self::Events;
    /// Stops reading keys and gives the terminal to another program.
    fn suspend(&mut self) -> io::Result<()>;
    /// Takes the terminal back (the caller redraws everything).
    fn resume(&mut self) -> io::Result<()>;
    /// Stops the whole process, as the terminal's Ctrl-Z would, after [`Console::suspend`];
    /// returns once it is continued (`fg`, SIGCONT). Nothing to stop by default.
    fn stop(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Where stop requests from outside (SIGTSTP) arrive, when this console takes them.
    fn stop_requests(&mut self) -> io::Result<Option<StopRequests>> {
        Ok(None)
    }
}

/// Stop requests from outside: SIGTSTP on Unix; there are none elsewhere.
#[cfg(unix)]
pub type StopRequests = tokio::signal::unix::Signal;
/// Stop requests from outside: SIGTSTP on Unix; there are none elsewhere.
#[cfg(not(unix))]
pub type StopRequests = std::convert::Infallible;

/// A console that is only a stream of keys: nothing to hand over (tests, scripted input).
pub struct Keys<E>(pub E);

impl<E: Stream<Item = io::Result<Event>> + Unpin> Console for Keys<E> {
    type Events = E;

    fn events(&mut self) -> &mut E {
        &mut self.0
    }

    fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn resume(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The real terminal: crossterm's key stream, raw mode, the alternate screen.
///
/// crossterm's `EventStream` reads the terminal on a thread of its own whenever it waits for
/// a key, and that thread stays blocked in the read until a key comes. Left alive while an
/// editor runs it would take the editor's first key, so the stream is dropped (its `Drop`
/// wakes and ends that thread) before the terminal is handed over, and made anew after.
#[derive(Default)]
pub struct TerminalConsole {
    events: Option<EventStream>,
}

impl TerminalConsole {
    /// The console of the terminal rolo runs in.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Console for TerminalConsole {
    type Events = EventStream;

    fn events(&mut self) -> &mut EventStream {
        self.events.get_or_insert_with(EventStream::new)
    }

    fn suspend(&mut self) -> io::Result<()> {
        self.events = None;
        let mut out = io::stdout();
        crossterm::execute!(out, DisableBracketedPaste, LeaveAlternateScreen, crossterm::cursor::Show)?;
        disable_raw_mode()
    }

    #[cfg(unix)]
    fn stop(&mut self) -> io::Result<()> {
        // rolo listens for SIGTSTP itself (to restore the terminal first), so its default
        // action is emulated: this stops the process until SIGCONT.
        signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP)
    }

    #[cfg(unix)]
    fn stop_requests(&mut self) -> io::Result<Option<StopRequests>> {
        let stop = tokio::signal::unix::SignalKind::from_raw(signal_hook::consts::SIGTSTP);
        tokio::signal::unix::signal(stop).map(Some)
    }

    fn resume(&mut self) -> io::Result<()> {
        enable_raw_mode()?;
        crossterm::execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
        // Listen again at once, so a key typed while the screen is redrawn is not missed.
        self.events = Some(EventStream::new());
        Ok(())
    }
}
