//! "Someone else changed it first": each field both sides changed, three ways.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table};

use super::{centered, field, theme::Theme};
use crate::app::{Conflicts, Side, State};
use crate::record::Input;

/// Draws the conflicting fields with original, theirs and mine, and the choice made.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, conflicts: &Conflicts) {
    let height = (conflicts.fields.len() as u16 + 7).min(area.height);
    let popup = centered(area, area.width.saturating_sub(4).min(110), height);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(" Changed on the server since you opened it ").border_style(theme.error);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [intro, table, help] =
        Layout::vertical([Constraint::Length(2), Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new("Both you and someone else changed these fields. Nothing has been sent.").style(theme.dim),
        intro,
    );
    let text = |input: &Input, index: usize| -> String {
        let spec = &state.backend.fields[index];
        field::value_spans(theme, spec, input).iter().map(|s| s.content.to_string()).collect()
    };
    let rows = conflicts.fields.iter().enumerate().map(|(i, c)| {
        let choice = match c.choice {
            Some(Side::Theirs) => "✓ theirs",
            Some(Side::Mine) => "✓ mine",
            None => "? choose",
        };
        let style = if i == conflicts.selected { theme.selected } else { Default::default() };
        let pointer = if i == conflicts.selected { "▶" } else { " " };
        Row::new([
            Cell::from(format!("{pointer} {}", state.backend.fields[c.field].label)),
            Cell::from(text(&c.original, c.field)),
            Cell::from(text(&c.theirs, c.field)),
            Cell::from(text(&c.mine, c.field)),
            Cell::from(choice),
        ])
        .style(style)
    });
    let header = Row::new(["Field", "Original", "Theirs", "Mine", "Keep"]).style(theme.heading);
    let widths = [
        Constraint::Percentage(18),
        Constraint::Percentage(22),
        Constraint::Percentage(22),
        Constraint::Percentage(22),
        Constraint::Length(9),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), table);
    let line =
        Line::styled("t theirs · m mine · e edit · Enter send once all are chosen · Esc back to the form", theme.dim);
    frame.render_widget(Paragraph::new(line), help);
}
