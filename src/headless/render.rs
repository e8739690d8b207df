//! `rolo render`: draws one screen of the real UI, against the real client, into an
//! off-screen buffer and prints it as text (or with ANSI colours), for snapshot tests and docs.
//!
//! The output is deterministic: every request has finished before the one draw (no spinner),
//! and the status line leaves out the latency ([`State::deterministic`]).

use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

use super::{Connection, EXIT_SERVER, Failure, Output};
use crate::app::{Message, Session, State};
use crate::connect::Request;
use crate::http::Progress;
use crate::tui::runtime::Runtime;
use crate::ui::theme::Theme;

/// How long the requests behind one screen may take in all.
const SETTLE: Duration = Duration::from_secs(30);

/// Which screen to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// The contact list after its first page (`list`).
    List,
    /// The form of one contact (`form:ID`).
    Form(String),
    /// The keymap over the list (`help`).
    Help,
}

impl FromStr for Screen {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "list" => Ok(Screen::List),
            "help" => Ok(Screen::Help),
            _ => match text.strip_prefix("form:") {
                Some(id) if !id.is_empty() => Ok(Screen::Form(id.to_string())),
                _ => Err(format!("`{text}`: the screens are list, help and form:ID")),
            },
        }
    }
}

/// A terminal size, `120x40`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Columns.
    pub width: u16,
    /// Rows.
    pub height: u16,
}

impl FromStr for Size {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}`: a size is COLUMNSxROWS, e.g. 120x40 (each 1 to 1000)");
        let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
        let number = |s: &str| s.trim().parse::<u16>().ok().filter(|n| (1..=1000).contains(n));
        Ok(Size { width: number(w).ok_or_else(bad)?, height: number(h).ok_or_else(bad)? })
    }
}

/// The help screen as `?` opens it (set directly: the user may have bound help elsewhere).
fn rolo_help() -> crate::app::Overlay {
    crate::app::Overlay::Help { scroll: 0, search: None }
}

/// Runs `rolo render`.
pub async fn run(request: Request, output: &mut Output, screen: Screen, size: Size, ansi: bool) -> Result<(), Failure> {
    let connection = Connection::open(request, output).await?;
    let session = Session {
        profile: connection.profile.clone(),
        sandbox: connection.is_sandbox(),
        read_only: connection.read_only,
    };
    let result = render(&connection, session, &screen, size).await;
    connection.close().await;
    let (buffer, problem) = result?;
    output.emit(&if ansi { to_ansi(&buffer) } else { to_text(&buffer) })?;
    // The screen shows a failed load as the UI would; the exit code tells a script.
    match problem {
        Some(message) => Err(Failure { code: EXIT_SERVER, message, details: Vec::new() }),
        None => Ok(()),
    }
}

/// Loads what `screen` needs through the real runtime and draws it once. Also returns the
/// list's load error, if the first page (or a later one) failed.
pub async fn render(
    connection: &Connection,
    session: Session,
    screen: &Screen,
    size: Size,
) -> Result<(Buffer, Option<String>), Failure> {
    let client = connection.client.clone();
    let mut state = State::new(Arc::clone(client.backend()), session);
    state.deterministic = true;
    state.keymap = Arc::clone(&connection.keymap);
    let mut runtime = Runtime::new(state, client);
    runtime.theme = Theme::clone(&connection.theme);
    settle(&mut runtime).await?;
    match screen {
        Screen::List => {}
        Screen::Help => runtime.state.overlay = Some(rolo_help()),
        Screen::Form(id) => {
            open_form(&mut runtime, id).await?;
        }
    }
    runtime.dispatch(Message::Resized { width: size.width, height: size.height });
    let mut terminal = Terminal::new(TestBackend::new(size.width, size.height))
        .map_err(|e| Failure::invalid(format!("cannot draw: {e}")))?;
    terminal.draw(|frame| runtime.draw(frame)).map_err(|e| Failure::invalid(format!("cannot draw: {e}")))?;
    Ok((terminal.backend().buffer().clone(), runtime.state.list.error.clone()))
}

fn key(code: KeyCode) -> Message {
    Message::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

async fn settle(runtime: &mut Runtime) -> Result<(), Failure> {
    if runtime.settle(SETTLE).await {
        Ok(())
    } else {
        Err(Failure { code: EXIT_SERVER, message: format!("no answer within {} s", SETTLE.as_secs()), details: vec![] })
    }
}

/// Finds contact `id` in the list (loading more pages as the UI's End key does) and opens it
/// with Enter, so the form fetches its latest version as it would for a user.
async fn open_form(runtime: &mut Runtime, id: &str) -> Result<(), Failure> {
    loop {
        let list = &runtime.state.list;
        let row = list.contacts.iter().position(|c| c.id == id).and_then(|index| list.filter.row_of(index));
        if let Some(row) = row {
            runtime.state.list.cursor = row;
            runtime.dispatch(key(KeyCode::Enter));
            return settle(runtime).await;
        }
        if let Some(error) = &list.error {
            return Err(Failure { code: EXIT_SERVER, message: error.clone(), details: Vec::new() });
        }
        if !list.has_more() {
            let why = match list.progress() {
                Progress::Stopped(stop) => format!(" (paging stopped: {stop})"),
                _ => String::new(),
            };
            return Err(Failure::invalid(format!("no contact `{id}` in the list{why}")));
        }
        runtime.dispatch(key(KeyCode::End));
        settle(runtime).await?;
    }
}

/// Wide characters take two cells; the cell after one holds nothing to print.
fn visible_cells(buffer: &Buffer, y: u16) -> Vec<&Cell> {
    let mut cells = Vec::new();
    let mut skip = 0;
    for x in 0..buffer.area.width {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let cell = &buffer[(buffer.area.x + x, buffer.area.y + y)];
        skip = cell.symbol().width().saturating_sub(1);
        cells.push(cell);
    }
    cells
}

/// The buffer as plain text: one line per row, trailing spaces trimmed.
pub fn to_text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let line: String = visible_cells(buffer, y).iter().map(|c| c.symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The buffer with ANSI SGR escapes: colours (named, 256 and RGB), bold, dim, italic,
/// underline, blink, reverse, hidden and crossed-out. Each style change resets and sets the
/// whole style; each line ends with a reset. Trailing blank cells that show nothing are left out.
pub fn to_ansi(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let cells = visible_cells(buffer, y);
        let shows = |c: &&Cell| {
            c.symbol().trim() != ""
                || c.bg != Color::Reset
                || c.modifier.intersects(Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT)
        };
        let end = cells.iter().rposition(shows).map_or(0, |i| i + 1);
        let mut current: Option<String> = None;
        for cell in &cells[..end] {
            let sgr = sgr(cell);
            if current.as_ref() != Some(&sgr) {
                out.push_str(&sgr);
                current = Some(sgr);
            }
            out.push_str(cell.symbol());
        }
        out.push_str("\x1b[0m\n");
    }
    out
}

/// The escape that resets and then sets a cell's style.
fn sgr(cell: &Cell) -> String {
    let mut codes = vec!["0".to_string()];
    let modifiers = [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ];
    codes.extend(modifiers.iter().filter(|(m, _)| cell.modifier.contains(*m)).map(|(_, code)| code.to_string()));
    codes.extend(color(cell.fg, false));
    codes.extend(color(cell.bg, true));
    let mut text = String::from("\x1b[");
    let _ = write!(text, "{}m", codes.join(";"));
    text
}

/// The SGR parameters of a colour; `None` for the terminal's default.
fn color(color: Color, background: bool) -> Option<String> {
    let base = |code: u8| Some((if background { code + 10 } else { code }).to_string());
    let lead = if background { 48 } else { 38 };
    match color {
        Color::Reset => None,
        Color::Black => base(30),
        Color::Red => base(31),
        Color::Green => base(32),
        Color::Yellow => base(33),
        Color::Blue => base(34),
        Color::Magenta => base(35),
        Color::Cyan => base(36),
        Color::Gray => base(37),
        Color::DarkGray => base(90),
        Color::LightRed => base(91),
        Color::LightGreen => base(92),
        Color::LightYellow => base(93),
        Color::LightBlue => base(94),
        Color::LightMagenta => base(95),
        Color::LightCyan => base(96),
        Color::White => base(97),
        Color::Indexed(n) => Some(format!("{lead};5;{n}")),
        Color::Rgb(r, g, b) => Some(format!("{lead};2;{r};{g};{b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn screens_and_sizes_parse() {
        assert_eq!("form:42".parse::<Screen>().unwrap(), Screen::Form("42".into()));
        assert!("form:".parse::<Screen>().is_err());
        assert_eq!("80x24".parse::<Size>().unwrap(), Size { width: 80, height: 24 });
        assert!("80".parse::<Size>().is_err() && "0x5".parse::<Size>().is_err());
    }

    #[test]
    fn ansi_sets_styles_and_resets_each_line() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 1));
        buffer.set_string(0, 0, "ab", Style::default().fg(Color::Red).add_modifier(Modifier::BOLD));
        buffer.set_string(2, 0, "c", Style::default().bg(Color::Rgb(1, 2, 3)));
        assert_eq!(to_ansi(&buffer), "\x1b[0;1;31mab\x1b[0;48;2;1;2;3mc\x1b[0m\n");
        assert_eq!(to_text(&buffer), "abc\n");
    }
}
