//! The raw-response screen: the server's whole answer first, then what was sent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{shown, theme::Theme};
use crate::app::State;

/// Draws the last exchange over `area`.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, scroll: u16) {
    let Some(exchange) = &state.last_exchange else { return };
    let mut lines = Vec::new();
    let status = exchange.status.map_or_else(|| "no answer".to_string(), |s| s.to_string());
    lines.push(Line::styled(
        format!("{} {} → {status} · {} ms", exchange.method, shown(&exchange.url), exchange.latency.as_millis()),
        theme.heading,
    ));
    lines.push(Line::default());
    lines.push(Line::styled("Response body", theme.heading));
    let body = exchange.pretty_body();
    if body.is_empty() {
        lines.push(Line::styled("(empty)", theme.dim));
    }
    lines.extend(body.lines().map(|l| Line::raw(shown(l))));
    if !exchange.headers.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Response headers", theme.heading));
        for (name, value) in &exchange.headers {
            lines.push(Line::raw(shown(&format!("{name}: {value}"))));
        }
    }
    if let Some(body) = &exchange.request_body {
        lines.push(Line::default());
        lines.push(Line::styled("Request body", theme.heading));
        let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
        lines.extend(pretty.lines().map(|l| Line::raw(shown(l))));
    }
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(" Raw response (Esc closes, ↑↓ scroll) ").border_style(theme.key);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)), area);
}
