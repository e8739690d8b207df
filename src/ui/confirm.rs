//! "Discard your changes?"

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{centered, theme::Theme};
use crate::app::State;

/// Asks before unsent edits are thrown away.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, then_quit: bool) {
    let Some(form) = &state.form else { return };
    let changed: Vec<String> = form.draft.changed().map(|i| state.backend.fields[i].label.clone()).collect();
    let action = if then_quit { "Quit and discard" } else { "Discard" };
    let lines = vec![
        Line::raw(format!("{action} your unsent changes to {}?", form.draft.loaded.title(&state.backend))),
        Line::styled(format!("Changed: {}", changed.join(", ")), theme.changed),
        Line::default(),
        Line::from("y: discard    n / Esc / Enter: keep editing"),
    ];
    let popup = centered(area, 60, 7);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(" Unsent changes ").border_style(theme.error);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: true }), popup);
}
