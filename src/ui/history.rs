//! The change history: newest send first, and one entry's fields before → after.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::shown;
use super::theme::{self, Theme};
use crate::app::{Purpose, State};
use crate::history::HistoryEntry;
use crate::http::Verdict;

/// Draws the history screen over `area`.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, selected: usize, detail: bool) {
    let view = &state.history;
    let popup = area;
    frame.render_widget(Clear, popup);
    let inner_rows = popup.height.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    if state.requests.any(|p| *p == Purpose::HistoryRead) {
        lines.push(Line::styled("Reading the history…", theme.dim));
    } else if let Some(error) = &view.error {
        lines.push(Line::styled(format!("{} {error}", theme::ERROR_MARK), theme.error));
    } else if view.entries.is_empty() {
        lines.push(Line::styled("No change has been sent yet.", theme.dim));
    } else if let Some(entry) = view.entries.get(selected).filter(|_| detail) {
        detail_lines(theme, entry, &mut lines);
    } else {
        // Keep the selection on screen: show a window of entries around it.
        let rows = inner_rows.saturating_sub(2).max(1);
        let first = selected.saturating_sub(rows - 1);
        for (i, entry) in view.entries.iter().enumerate().skip(first).take(rows) {
            lines.push(entry_line(theme, entry, i == selected));
        }
    }
    if view.skipped > 0 {
        lines.push(Line::styled(format!("{} unreadable line(s) of the file were skipped", view.skipped), theme.error));
    }
    let title = if detail { " Change history: details (Esc back) " } else { " Change history (newest first) " };
    let block = Block::bordered().title(title).border_style(theme.key);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), popup);
}

/// The entry's outcome in the words the form uses, with the answer's status.
fn status_text(entry: &HistoryEntry) -> String {
    let mark = match entry.outcome {
        Verdict::Stored => theme::OK_MARK,
        Verdict::NotStored => theme::ERROR_MARK,
        Verdict::Unknown => theme::WARN_MARK,
    };
    let label = entry.outcome.label();
    match entry.status {
        Some(status) => format!("{mark} {label} ({status})"),
        None => format!("{mark} {label} (no answer)"),
    }
}

fn status_style(theme: &Theme, entry: &HistoryEntry) -> ratatui::style::Style {
    match entry.outcome {
        Verdict::Stored => theme.ok,
        Verdict::NotStored => theme.error,
        Verdict::Unknown => theme.changed,
    }
}

fn short_time(time: &str) -> String {
    // `2026-11-24T18:32:45.123Z` → `2026-11-24 18:32:45`
    time.get(..19).map(|t| t.replace('T', " ")).unwrap_or_else(|| time.to_string())
}

fn entry_line(theme: &Theme, entry: &HistoryEntry, selected: bool) -> Line<'static> {
    let pointer = if selected { "▶ " } else { "  " };
    let style = if selected { theme.selected } else { Default::default() };
    let status_style = status_style(theme, entry);
    let fields: Vec<&str> = entry.changes.iter().map(|c| c.label.as_str()).collect();
    Line::from(vec![
        Span::styled(format!("{pointer}{}  ", short_time(&entry.time)), style),
        Span::styled(format!("{:<18}", status_text(entry)), status_style),
        Span::styled(format!(" {}", shown(&entry.title)), style),
        Span::styled(format!("  #{}", shown(&entry.contact_id)), theme.dim),
        Span::styled(format!("  {}", fields.join(", ")), theme.changed),
    ])
}

fn detail_lines(theme: &Theme, entry: &HistoryEntry, lines: &mut Vec<Line<'static>>) {
    let status_style = status_style(theme, entry);
    lines.push(Line::from(vec![
        Span::styled(shown(&entry.title), theme.heading),
        Span::styled(format!("  #{}  ", shown(&entry.contact_id)), theme.dim),
        Span::styled(status_text(entry), status_style),
    ]));
    lines.push(Line::styled(
        format!("{} · profile {} · {}", short_time(&entry.time), entry.profile, entry.backend),
        theme.dim,
    ));
    lines.push(Line::default());
    for change in &entry.changes {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", change.label), theme.heading),
            Span::raw(shown(&change.before.to_string())),
            Span::styled(" → ", theme.key),
            Span::styled(shown(&change.after.to_string()), theme.changed),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled("r prepares the reverting change (the values before) as a draft", theme.dim));
}
