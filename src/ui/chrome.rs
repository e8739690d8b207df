//! The title bar, the status line and the key hints around every screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::app::State;

/// `rolo │ Corporate Merch │ profile` with a sandbox badge on the right.
pub fn draw_title(frame: &mut Frame, area: Rect, state: &State) {
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
    frame.render_widget(Paragraph::new(Line::from(left)).style(theme::title()), l);
    frame.render_widget(Paragraph::new(badge).style(theme::sandbox_badge()), r);
}

/// Loaded/total, then the current notice or else the last request and its latency.
pub fn draw_status(frame: &mut Frame, area: Rect, state: &State) {
    let mut spans = Vec::new();
    if state.is_busy() {
        spans.push(Span::styled(theme::SPINNER[state.spinner % theme::SPINNER.len()], theme::key()));
        spans.push(Span::raw(" "));
    }
    let list = &state.list;
    let total = match (list.total, &list.next) {
        (Some(total), _) => total.to_string(),
        (None, Some(_)) => "?".to_string(),
        (None, None) => list.contacts.len().to_string(),
    };
    spans.push(Span::raw(format!("{} loaded / {total}", list.contacts.len())));
    if !state.bulk.marks.is_empty() {
        spans.push(Span::styled(format!("  │  {} marked", state.bulk.marks.len()), theme::key()));
    }
    if let Some(retry) = &state.retrying {
        let text = format!(
            "  │  ⟳ {}: retry {} of {} in {:.1} s",
            retry.reason,
            retry.attempt,
            retry.of,
            retry.wait.as_secs_f64()
        );
        spans.push(Span::styled(text, theme::changed()));
    } else if let Some(notice) = &state.notice {
        let style = if notice.is_error { theme::error() } else { theme::ok() };
        let mark = if notice.is_error { theme::ERROR_MARK } else { theme::OK_MARK };
        spans.push(Span::styled(format!("  │  {mark} {}", super::shown(&notice.text)), style));
    } else if let Some(last) = &state.last_request {
        let status = last.status.map_or_else(|| "no answer".to_string(), |s| s.to_string());
        // Status and latency first, so a narrow terminal cuts the URL, not the answer.
        let latency = if state.deterministic { String::new() } else { format!("{} ms · ", last.latency.as_millis()) };
        spans.push(Span::styled(format!("  │  {status} · {latency}{}", last.label), theme::dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `Enter open contact  / filter …`, from the keymap; hints that do not fit are left out whole.
pub fn draw_hints(frame: &mut Frame, area: Rect, state: &State) {
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, what) in state.keymap.hints(state.context()) {
        let text = format!(" {what}  ");
        let width = key.width() + text.width();
        if used + width > area.width as usize + 2 {
            break;
        }
        used += width;
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
