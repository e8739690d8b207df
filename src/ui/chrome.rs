//! The title bar, the status line and the key hints around every screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme::{self, Theme};
use crate::app::{ContactList, State};
use crate::http::Progress;

/// `rolo │ Corporate Merch │ profile` with a sandbox badge on the right.
pub fn draw_title(frame: &mut Frame, area: Rect, theme: &Theme, state: &State) {
    let mut left = vec![Span::raw(" rolo "), Span::raw("│ "), Span::raw(state.backend.title.clone())];
    if !state.session.sandbox {
        left.push(Span::raw(format!(" │ {}", state.session.profile)));
    }
    let badge = match (state.session.sandbox, state.session.read_only) {
        (_, true) => " READ-ONLY: changes cannot be sent ",
        (true, false) => " SANDBOX: local test data, not a real CRM ",
        (false, false) => "",
    };
    let [l, r] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(badge.chars().count() as u16)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)).style(theme.title), l);
    frame.render_widget(Paragraph::new(badge).style(theme.badge), r);
}

/// Loaded/total, then the current notice or else the last request and its latency.
pub fn draw_status(frame: &mut Frame, area: Rect, theme: &Theme, state: &State) {
    let mut spans = Vec::new();
    if state.is_busy() {
        spans.push(Span::styled(theme::SPINNER[state.spinner % theme::SPINNER.len()], theme.key));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::raw(loaded(&state.list)));
    if state.list.index.refreshing() {
        spans.push(Span::styled("  │  from the local index, refreshing", theme.dim));
    }
    if !state.bulk.marks.is_empty() {
        spans.push(Span::styled(format!("  │  {} marked", state.bulk.marks.len()), theme.key));
    }
    if let Some(retry) = &state.retrying {
        let text = format!(
            "  │  ⟳ {}: retry {} of {} in {:.1} s",
            retry.reason,
            retry.attempt,
            retry.of,
            retry.wait.as_secs_f64()
        );
        spans.push(Span::styled(text, theme.changed));
    } else if let Some(notice) = &state.notice {
        let style = if notice.is_error { theme.error } else { theme.ok };
        let mark = if notice.is_error { theme::ERROR_MARK } else { theme::OK_MARK };
        spans.push(Span::styled(format!("  │  {mark} {}", super::shown(&notice.text)), style));
    } else if let Some(last) = &state.last_request {
        let status = last.status.map_or_else(|| "no answer".to_string(), |s| s.to_string());
        // Status and latency first, so a narrow terminal cuts the URL, not the answer.
        let latency = if state.deterministic { String::new() } else { format!("{} ms · ", last.latency.as_millis()) };
        spans.push(Span::styled(format!("  │  {status} · {latency}{}", last.label), theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `N loaded / M`; never more loaded than the total: a total the list proved wrong (more
/// contacts came, or the server's last page came short of it) is shown as the server's word.
/// A stop says why.
fn loaded(list: &ContactList) -> String {
    let loaded = list.contacts.len();
    let count = match (list.total(), list.progress()) {
        (Some(total), progress)
            if loaded as u64 > total || (progress == &Progress::Complete && loaded as u64 != total) =>
        {
            format!("{loaded} loaded (server says {total})")
        }
        (Some(total), _) => format!("{loaded} loaded / {total}"),
        (None, Progress::Complete) => format!("{loaded} loaded / {loaded}"),
        (None, _) => format!("{loaded} loaded / ?"),
    };
    // The reason stays in view as long as the list is cut short (`r` loads it again).
    match list.progress() {
        Progress::Stopped(stop) => format!("{count}, paging stopped: {stop}"),
        _ => count,
    }
}

/// `Enter open contact  / filter …`, from the keymap; hints that do not fit are left out whole.
pub fn draw_hints(frame: &mut Frame, area: Rect, theme: &Theme, state: &State) {
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, what) in state.keymap.hints(state.context()) {
        let text = format!(" {what}  ");
        let width = key.width() + text.width();
        if used + width > area.width as usize + 2 {
            break;
        }
        used += width;
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::raw(text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
