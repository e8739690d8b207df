//! The preview screen: the request about to be sent, and what changes, before anything leaves.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::theme::{self, Theme};
use crate::app::keymap::{Action, Context};
use crate::app::{Preview, State};

/// Draws the pending request over `area`.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, preview: &Preview) {
    let mut lines = Vec::new();
    let outgoing = &preview.outgoing;
    lines.push(Line::styled(format!("{} {}", outgoing.method, super::shown(&outgoing.url)), theme.heading));
    lines.push(Line::default());
    let noun = if preview.changes.len() == 1 { "field" } else { "fields" };
    lines.push(Line::styled(format!("Changes: {} {noun}", preview.changes.len()), theme.heading));
    // As JSON, so a `1` that would become `true` shows as the change it is.
    for change in &preview.changes {
        let spec = &state.backend.fields[change.field];
        let before = change.received.as_ref().map_or_else(|| "(no value)".to_string(), |v| v.to_string());
        let after = change.sent.as_ref().map_or_else(|| "(left out: cleared)".to_string(), |v| v.to_string());
        lines.push(Line::raw(format!("  {} {}", theme::CHANGED_MARK, spec.label)));
        lines.push(Line::styled(format!("      - {before}"), theme.error));
        lines.push(Line::styled(format!("      + {after}"), theme.ok));
    }
    lines.push(Line::default());
    lines.push(Line::styled("Body", theme.heading));
    let body = serde_json::to_string_pretty(&outgoing.body).unwrap_or_default();
    lines.extend(body.lines().map(|l| Line::raw(super::shown(l))));
    let send = state.keymap.key_for(Context::Preview, Action::Save);
    let back = state.keymap.key_for(Context::Preview, Action::Close);
    let title = if state.session.read_only {
        format!(" Preview (read-only: it cannot be sent; {back} goes back) ")
    } else {
        format!(" Preview: nothing sent yet ({send} sends, {back} goes back) ")
    };
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(title).border_style(theme.key);
    frame
        .render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((preview.scroll, 0)), area);
}
