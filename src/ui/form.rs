//! The form: fields grouped under headings, each with its widget, its error underneath, and a
//! summary of changes, problems and the last send.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::theme::{self, Theme};
use super::{conflict, dropdown, entries, field, long_line};
use crate::app::keymap::{Action, Context};
use crate::app::{Form, FormMode, Outcome, Purpose, State};
use crate::http::{ALREADY_STORED, Verdict, differences_note};
use crate::record::Input;

/// How far the open form is scrolled, kept between frames.
#[derive(Debug, Default)]
pub(super) struct FormScroll {
    /// The first line of the field list shown.
    first_line: usize,
    /// The form's editor the value scroll belongs to ([`Form::editor_number`]).
    editor: u64,
    /// The first character shown of the focused value (see [`long_line`]).
    first_char: usize,
}

/// Draws the form for the open contact into `area`, scrolled on from `scroll`.
pub(super) fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, form: &Form, scroll: &mut FormScroll) {
    let footer = footer_lines(theme, state, form);
    // Footer lines wrap; give them the rows they need, but never more than half the screen.
    let width = area.width.max(1) as usize;
    let footer_rows: usize = footer.iter().map(|l| l.width().max(1).div_ceil(width)).sum();
    let footer_rows = footer_rows.min(area.height as usize / 2) as u16;
    let [header_area, fields_area, footer_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(footer_rows)]).areas(area);
    frame.render_widget(Paragraph::new(header_line(theme, state, form)), header_area);

    let backend = &state.backend;
    // Room for the longest label, its required star, and a space.
    let label_width = backend.fields.iter().map(|f| f.label.width()).max().unwrap_or(0) + 2;
    let value_x = 4 + label_width as u16;
    let (lines, focus_line) = field_lines(theme, state, form, label_width);

    let height = fields_area.height as usize;
    // Keep the focused field and the line under it (its error) in view.
    if focus_line < scroll.first_line {
        scroll.first_line = focus_line.saturating_sub(1);
    } else if focus_line + 2 > scroll.first_line + height {
        scroll.first_line = (focus_line + 2).saturating_sub(height);
    }
    let first_line = scroll.first_line;
    frame.render_widget(Paragraph::new(lines).scroll((first_line as u16, 0)), fields_area);
    // A fresh editor shows its value from the beginning.
    if scroll.editor != form.editor_number() {
        scroll.editor = form.editor_number();
        scroll.first_char = 0;
    }

    let focus_row = focus_line.checked_sub(first_line).filter(|&row| row < height);
    if let Some(row) = focus_row {
        let y = fields_area.y + row as u16;
        let x = fields_area.x + value_x.min(fields_area.width);
        let value_area = Rect { x, y, width: fields_area.width.saturating_sub(value_x), height: 1 };
        if let Some(editor) = &form.editor {
            long_line::draw(frame, value_area, editor, &mut scroll.first_char);
        }
        if let FormMode::Choosing(open) = &form.mode {
            dropdown::draw(frame, area, value_area, theme, open);
        }
    }
    frame.render_widget(Paragraph::new(footer).wrap(Wrap { trim: false }), footer_area);
    match &form.mode {
        FormMode::EditingEntries(editor) => entries::draw(frame, area, theme, state, form, editor),
        FormMode::Settling(conflicts) => conflict::draw(frame, area, theme, state, conflicts),
        FormMode::Editing | FormMode::Choosing(_) => {}
    }
}

fn header_line(theme: &Theme, state: &State, form: &Form) -> Line<'static> {
    let contact = &form.draft.loaded;
    let mut spans = vec![
        Span::styled(super::shown(&contact.title(&state.backend)), theme.heading),
        Span::styled(format!("  #{}", super::shown(&contact.id)), theme.dim),
    ];
    let changed = form.draft.changed().count();
    if changed > 0 {
        spans.push(Span::styled(format!("   {} {changed} changed", theme::CHANGED_MARK), theme.changed));
    }
    let problems = form.problem_count();
    if problems > 0 {
        let noun = if problems == 1 { "problem" } else { "problems" };
        spans.push(Span::styled(format!("   {} {problems} {noun}", theme::ERROR_MARK), theme.error));
    }
    let spinner = theme::SPINNER[state.spinner % theme::SPINNER.len()];
    if state.requests.any(|p| matches!(p, Purpose::FormSave { .. })) {
        spans.push(Span::styled(format!("   {spinner} sending… (Esc cancels)"), theme.key));
    } else if state.requests.any(|p| *p == Purpose::FormConflictCheck) {
        spans.push(Span::styled(format!("   {spinner} checking for changes by others… (Esc cancels)"), theme.key));
    } else if state.requests.any(|p| *p == Purpose::FormRefresh) {
        spans.push(Span::styled(format!("   {spinner} fetching latest…"), theme.dim));
    }
    Line::from(spans)
}

/// Every line of the field list, and the index of the focused field's line.
fn field_lines(theme: &Theme, state: &State, form: &Form, label_width: usize) -> (Vec<Line<'static>>, usize) {
    let mut lines = Vec::new();
    let mut focus_line = 0;
    let mut group: Option<&str> = None;
    for (index, spec) in state.backend.fields.iter().enumerate() {
        if spec.group.as_deref() != group {
            group = spec.group.as_deref();
            if let Some(name) = group {
                if !lines.is_empty() {
                    lines.push(Line::default());
                }
                lines.push(Line::styled(format!("── {name} "), theme.heading));
            }
        }
        let focused = index == form.focus;
        let changed = form.draft.is_changed(index);
        let error = form.error_for(index);
        if focused {
            focus_line = lines.len();
        }
        let pointer = if focused { "▶ " } else { "  " };
        let mark = match (error.is_some(), changed) {
            (true, _) => Span::styled(theme::ERROR_MARK, theme.error),
            (false, true) => Span::styled(theme::CHANGED_MARK, theme.changed),
            _ => Span::raw(" "),
        };
        let required = if spec.required { "*" } else { "" };
        let label = format!(" {:<width$}", format!("{}{required}", spec.label), width = label_width);
        let label_style = match (spec.read_only, changed, focused) {
            (true, _, _) => theme.dim,
            (_, _, true) => theme.selected,
            (_, true, _) => theme.changed,
            _ => Style::default(),
        };
        let mut spans = vec![Span::raw(pointer), mark, Span::styled(label, label_style)];
        if !(focused && form.editor.is_some()) {
            let mut value = field::value_spans(theme, spec, form.draft.input(index));
            if spec.read_only {
                value = value.into_iter().map(|s| s.style(theme.dim)).collect();
            }
            spans.extend(value);
        }
        lines.push(Line::from(spans));
        let indent = " ".repeat(4 + label_width);
        if let Some(message) = error {
            lines.push(Line::styled(format!("{indent}{} {}", theme::ERROR_MARK, super::shown(message)), theme.error));
        }
        if let Input::Kept(value) = form.draft.input(index) {
            let why = spec.kept_reason(value);
            lines.push(Line::styled(
                format!("{indent}{} read-only, sent back as it came: {why}", theme::WARN_MARK),
                theme.changed,
            ));
        }
        if let Some(change) = form.server_changed.iter().find(|c| c.field == index) {
            let sent = field::value_text(spec, &change.sent);
            let text = if change.ignored {
                format!(
                    "{indent}{} the server ignored this change: you sent “{sent}”, it kept the old value",
                    theme::WARN_MARK
                )
            } else {
                format!("{indent}{} the server stored this differently: you sent “{sent}”", theme::WARN_MARK)
            };
            lines.push(Line::styled(text, theme.changed));
        }
    }
    (lines, focus_line)
}

/// A sentence without its final full stop, so one can be added after it.
fn unstop(text: &str) -> &str {
    text.strip_suffix('.').unwrap_or(text)
}

/// Help for the focused field, the outcome of the last send, and what the server said.
fn footer_lines(theme: &Theme, state: &State, form: &Form) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let focused = &state.backend.fields[form.focus];
    let help = focused
        .help
        .clone()
        .or_else(|| (!focused.values.is_empty()).then(|| format!("One of: {}", focused.value_list())));
    lines.push(Line::styled(help.map_or_else(String::new, |h| format!("ⓘ {h}")), theme.dim));
    match &form.outcome {
        Some(Outcome::Sent { verdict: Verdict::Stored, summary, latency }) => {
            lines.push(Line::styled(
                format!(
                    "{} {summary} in {} ms. The form shows the record as the server stored it.",
                    theme::OK_MARK,
                    latency.as_millis()
                ),
                theme.ok,
            ));
            let differ = form.server_changed.len();
            if differ > 0 {
                lines.push(Line::styled(
                    format!("{} {} (marked {0} above)", theme::WARN_MARK, differences_note(differ)),
                    theme.changed,
                ));
            }
        }
        Some(Outcome::Sent { verdict: Verdict::NotStored, summary, .. }) => {
            let key = state.keymap.key_for(Context::Form, Action::RawResponse);
            lines.push(Line::styled(
                format!(
                    "{} {}. Your edits are kept; {key} shows the response.",
                    theme::ERROR_MARK,
                    super::shown(unstop(summary))
                ),
                theme.error,
            ));
        }
        Some(Outcome::Sent { verdict: Verdict::Unknown, summary, .. }) => {
            let key = state.keymap.key_for(Context::Form, Action::Save);
            lines.push(Line::styled(
                format!(
                    "{} {}. Your edits are kept; {key} checks the server first and sends only if the values are not there yet.",
                    theme::WARN_MARK,
                    unstop(summary)
                ),
                theme.changed,
            ));
        }
        Some(Outcome::AlreadyStored) => {
            lines.push(Line::styled(format!("{} {ALREADY_STORED}.", theme::OK_MARK), theme.ok));
        }
        Some(Outcome::Cancelled) => {
            lines.push(Line::styled("Send cancelled before anything was sent; your edits are kept.", theme.dim))
        }
        Some(Outcome::Invalid { count, first }) => {
            let noun = if *count == 1 { "field needs" } else { "fields need" };
            lines.push(Line::styled(
                format!("{} Not sent: {count} {noun} fixing ({first})", theme::ERROR_MARK),
                theme.error,
            ));
        }
        None => {}
    }
    for unplaced in &form.unplaced {
        lines.push(Line::styled(
            format!("{} {}: {}", theme::ERROR_MARK, super::shown(&unplaced.field), super::shown(&unplaced.message)),
            theme.error,
        ));
    }
    lines
}
