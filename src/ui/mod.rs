//! Drawing. Every function here reads the state and draws it; none changes the state. What a
//! view keeps from one frame to the next (how far the list and the form are scrolled) lives in
//! a [`Scroll`] that the caller owns and lends to [`draw`]; the colours and the secret to mask
//! come in a [`Look`].

mod bulk;
mod chrome;
mod confirm;
mod conflict;
mod dropdown;
mod entries;
mod field;
mod form;
mod help;
mod history;
mod list;
mod long_line;
mod masking;
mod palette;
mod preview;
mod response;
mod restore;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{MIN_SIZE, Overlay, State};
use crate::redact::Redactor;
use crate::visible::{is_hidden_or_control, visible};
use theme::Theme;

/// How frames are painted, apart from the state: the user's colours, and the profile's secret,
/// masked wherever a record shows it.
#[derive(Debug, Clone, Copy)]
pub struct Look<'a> {
    /// Colours and text attributes (`[ui] theme`, `[theme]`, `NO_COLOR`).
    pub theme: &'a Theme,
    /// Masks the secret in every frame; `None` when there is no secret to hide.
    pub secret: Option<&'a Redactor>,
}

/// Where the views are scrolled to, kept by whoever draws (the event loop) from one frame to
/// the next. Each view follows the cursor only when it would leave the screen, so the screen
/// does not jump while the cursor moves within it.
#[derive(Debug, Default)]
pub struct Scroll {
    /// The list's first row shown.
    list: usize,
    /// The open form's; `None` while no form is shown, so a form that appears starts at its top.
    form: Option<form::FormScroll>,
}

/// Draws the whole screen, scrolling each view on from where `scroll` says the last frame left it.
pub fn draw(frame: &mut Frame, state: &State, look: Look, scroll: &mut Scroll) {
    let theme = look.theme;
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = format!(
            "Terminal too small: {}x{}. rolo needs at least {}x{}.",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        frame.render_widget(Paragraph::new(Line::from(text)).wrap(Wrap { trim: true }), area);
        return;
    }
    let [title, body, status, hints] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1), Constraint::Length(1)])
            .areas(area);
    chrome::draw_title(frame, title, theme, state);
    match &state.form {
        Some(form) => form::draw(frame, body, theme, state, form, scroll.form.get_or_insert_default()),
        None => {
            scroll.form = None;
            list::draw(frame, body, theme, state, &mut scroll.list);
        }
    }
    chrome::draw_status(frame, status, theme, state);
    chrome::draw_hints(frame, hints, theme, state);
    match &state.overlay {
        Some(Overlay::Help { scroll, search }) => {
            help::draw(frame, body, theme, &state.keymap, *scroll, search.as_deref())
        }
        Some(Overlay::Palette { query, selected, under }) => {
            palette::draw(frame, body, theme, state, query, *selected, *under)
        }
        Some(Overlay::Response { scroll }) => response::draw(frame, body, theme, state, *scroll),
        Some(Overlay::ConfirmDiscard { then_quit }) => confirm::draw(frame, body, theme, state, *then_quit),
        Some(Overlay::Restore { selected }) => restore::draw(frame, body, theme, state, *selected),
        Some(Overlay::Preview(preview)) => preview::draw(frame, body, theme, state, preview),
        Some(Overlay::History { selected, detail }) => history::draw(frame, body, theme, state, *selected, *detail),
        Some(Overlay::Bulk(edit)) => bulk::draw(frame, body, theme, state, edit),
        None => {}
    }
    // Hidden characters go first, so none can split an echoed secret past the masking.
    scrub(frame.buffer_mut());
    // Records are kept as the server sent them; whatever of the secret they hold is masked here.
    if let Some(secret) = look.secret {
        masking::mask_secret(frame.buffer_mut(), secret);
    }
}

/// Text from the data (a value, a title, a server's answer) as it is drawn: controls, bidi
/// overrides and invisible characters shown as escapes (`\x1b`, `\u{202e}`), so a value can
/// neither drive the terminal nor hide or reorder what is on screen. Every view draws data
/// through this; the stored value is untouched.
pub fn shown(text: &str) -> String {
    visible(text).into_owned()
}

/// The last guard, for text no view passed through [`shown`] (a field being typed into, a
/// message quoting a server): no cell reaches the terminal holding a control, bidi or
/// invisible format character; such characters are dropped from the cell (a cell left empty
/// shows a space). ratatui already skips whole control graphemes; this catches the ones
/// joined to a visible character (`a` + zero-width joiner) and the rest of the list.
fn scrub(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if cell.symbol().contains(is_hidden_or_control) {
            let kept: String = cell.symbol().chars().filter(|c| !is_hidden_or_control(*c)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

/// A rectangle of `width` x `height` centred in `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height }
}

#[cfg(test)]
mod tests;
