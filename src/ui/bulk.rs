//! Bulk edit: the field, the value, the requests before sending, then progress and results.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Gauge, Paragraph, Wrap};

use super::theme::{self, Theme};
use crate::app::{BulkEdit, BulkStep, ItemStatus, Purpose, State};
use crate::http::{ALREADY_STORED, Verdict, unknown_summary};

/// Draws the bulk edit screen over `area`.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, edit: &BulkEdit) {
    let popup = area;
    frame.render_widget(Clear, popup);
    let count = edit.targets.len();
    let title = match edit.step {
        BulkStep::Field => format!(" Bulk edit of {count} contacts: 1. the field "),
        BulkStep::Value => format!(" Bulk edit of {count} contacts: 2. the value "),
        BulkStep::Preview => format!(" Bulk edit of {count} contacts: 3. the requests "),
        BulkStep::Results if state.requests.any(Purpose::is_bulk) => {
            format!(" Bulk edit of {count} contacts: sending ")
        }
        BulkStep::Results => format!(" Bulk edit of {count} contacts: results "),
    };
    let block = Block::bordered().title(title).border_style(theme.key);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    match edit.step {
        BulkStep::Field => {
            let labels: Vec<String> = edit
                .fields
                .iter()
                .map(|&i| {
                    let field = &state.backend.fields[i];
                    format!("{}  ({})", field.label, field.key)
                })
                .collect();
            let header =
                Line::styled("Which field gets the same value for every marked contact? (type to jump)", theme.dim);
            draw_choices(frame, inner, theme, header, &labels, edit.field_cursor);
        }
        BulkStep::Value => draw_value(frame, inner, theme, state, edit),
        BulkStep::Preview => {
            let lines = preview_lines(theme, state, edit);
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((edit.scroll, 0)), inner);
        }
        BulkStep::Results => {
            let [gauge, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
            let (done, total) = edit.progress();
            let ratio = if total == 0 { 1.0 } else { done as f64 / total as f64 };
            let label = if edit.stopping { format!("{done}/{total} (stopping)") } else { format!("{done}/{total}") };
            frame.render_widget(Gauge::default().ratio(ratio).label(label).gauge_style(theme.ok), gauge);
            let lines: Vec<Line> = edit.items.iter().map(|item| result_line(theme, item)).collect();
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((edit.scroll, 0)), list);
        }
    }
}

fn draw_choices(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    header: Line<'static>,
    labels: &[String],
    selected: usize,
) {
    let rows = (area.height as usize).saturating_sub(2).max(1);
    let first = selected.saturating_sub(rows - 1);
    let mut lines = vec![header, Line::default()];
    for (i, label) in labels.iter().enumerate().skip(first).take(rows) {
        let (pointer, style) = if i == selected { ("▶ ", theme.selected) } else { ("  ", Default::default()) };
        lines.push(Line::styled(format!("{pointer}{label}"), style));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_value(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, edit: &BulkEdit) {
    let Some(index) = edit.field else { return };
    let field = &state.backend.fields[index];
    if !edit.choices.is_empty() {
        let labels: Vec<String> = edit.choices.iter().map(|c| c.label.clone()).collect();
        let header = Line::styled(format!("Set {} to: (type to jump)", field.label), theme.dim);
        draw_choices(frame, area, theme, header, &labels, edit.choice_cursor);
        return;
    }
    let mut lines = vec![
        Line::styled(format!("Set {} to:", field.label), theme.dim),
        Line::default(),
        Line::from(vec![Span::raw(edit.editor.lines().concat()), Span::styled("▏", theme.key)]),
    ];
    if let Some(error) = &edit.error {
        lines.push(Line::styled(format!("{} {error}", theme::ERROR_MARK), theme.error));
    }
    if let Some(help) = &field.help {
        lines.push(Line::styled(help.clone(), theme.dim));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn preview_lines(theme: &Theme, state: &State, edit: &BulkEdit) -> Vec<Line<'static>> {
    let label = edit.field.map(|i| state.backend.fields[i].label.clone()).unwrap_or_default();
    let (fetched, marked) = crate::app::bulk_targets_fetched(&edit.targets);
    if fetched < marked {
        let text = format!("Fetching the marked contacts for the preview: {fetched} of {marked}…");
        return vec![Line::styled(text, theme.dim)];
    }
    let sending = edit.preview.iter().filter(|p| p.problem.is_none()).count();
    let mut lines = vec![
        Line::styled(
            format!(
                "{label} for {} contacts: {sending} request(s). Each contact is fetched fresh just before its send.",
                edit.preview.len()
            ),
            theme.dim,
        ),
        Line::default(),
    ];
    for item in &edit.preview {
        lines.push(Line::from(vec![
            Span::styled(super::shown(&item.title), theme.heading),
            Span::styled(format!("  #{}  ", super::shown(&item.contact_id)), theme.dim),
            Span::styled(format!("{label}: {}", super::shown(&item.change)), theme.changed),
        ]));
        if let Some(problem) = &item.problem {
            lines.push(Line::styled(format!("  {} {problem}", theme::ERROR_MARK), theme.error));
        } else if let Some(outgoing) = &item.outgoing {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", outgoing.method), theme.key),
                Span::raw(outgoing.url.clone()),
            ]));
            lines.push(Line::styled(format!("  {}", super::shown(&crate::app::bulk_body(&outgoing.body))), theme.dim));
        }
    }
    lines
}

fn result_line(theme: &Theme, item: &crate::app::BulkItem) -> Line<'static> {
    let (mark, text, style) = match &item.status {
        ItemStatus::Waiting => ("·", "waiting".to_string(), theme.dim),
        ItemStatus::Fetching => ("…", "fetching".to_string(), theme.dim),
        ItemStatus::Sending => ("…", "sending".to_string(), theme.dim),
        ItemStatus::Stored(summary) => (theme::OK_MARK, summary.clone(), theme.ok),
        ItemStatus::Unchanged => (theme::OK_MARK, ALREADY_STORED.to_string(), theme.ok),
        ItemStatus::NotStored(why) => {
            (theme::ERROR_MARK, format!("{}: {why}", Verdict::NotStored.label()), theme.error)
        }
        ItemStatus::Unknown(why) => (theme::WARN_MARK, unknown_summary(why), theme.changed),
        ItemStatus::Stopped => ("–", "not sent (stopped)".to_string(), theme.dim),
    };
    Line::from(vec![
        Span::styled(format!("{mark} "), style),
        Span::raw(super::shown(&item.title)),
        Span::styled(format!("  #{}  ", super::shown(&item.contact_id)), theme.dim),
        Span::styled(super::shown(&text), style),
    ])
}
