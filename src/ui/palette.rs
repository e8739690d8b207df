//! The command palette: a query line and the matching actions with their keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::{centered, theme::Theme};
use crate::app::State;
use crate::app::keymap::Context;
use crate::app::palette::commands;

/// Draws the palette for the screen `under`, near the top of `area`.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, query: &str, selected: usize, under: Context) {
    let found = commands(&state.keymap, under, query);
    let height = (found.len() as u16 + 4).clamp(5, area.height.min(18));
    let mut popup = centered(area, 64, height);
    popup.y = area.y + 1.min(area.height.saturating_sub(height));
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(format!(" Commands: {} ", under.title())).border_style(theme.key);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [input, list] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::styled("> ", theme.key), Span::raw(format!("{query}▏"))])),
        input,
    );
    let rows = list.height as usize;
    let first = selected.saturating_sub(rows.saturating_sub(1));
    let width = list.width as usize;
    let lines: Vec<Line> = if found.is_empty() {
        vec![Line::styled("No command matches", theme.dim)]
    } else {
        found
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, command)| {
                let pointer = if i == selected { "▶ " } else { "  " };
                let what = command.action.describe();
                let gap = width.saturating_sub(pointer.width() + what.width() + command.key.width()).max(1);
                let line = Line::from(vec![
                    Span::raw(pointer),
                    Span::raw(what),
                    Span::raw(" ".repeat(gap)),
                    Span::styled(command.key.clone(), theme.key),
                ]);
                if i == selected { line.style(theme.selected) } else { line }
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), list);
}
