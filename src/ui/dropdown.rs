//! The open dropdown: a list under the field, the current choice highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, List, ListItem, ListState};

use super::theme::Theme;
use crate::app::Dropdown;

/// Draws `dropdown` below (or above, near the bottom) the field at `anchor`, inside `bounds`.
pub fn draw(frame: &mut Frame, bounds: Rect, anchor: Rect, theme: &Theme, dropdown: &Dropdown) {
    let widest = dropdown.choices.iter().map(|c| c.label.chars().count()).max().unwrap_or(4) as u16;
    let width = (widest + 4).clamp(12, bounds.width.saturating_sub(anchor.x - bounds.x).max(12));
    let height = (dropdown.choices.len() as u16 + 2).min(12).min(bounds.height);
    let below = anchor.y + 1;
    let y =
        if below + height <= bounds.bottom() { below } else { bounds.bottom().saturating_sub(height).max(bounds.y) };
    let x = anchor.x.min(bounds.right().saturating_sub(width));
    let area = Rect { x, y, width: width.min(bounds.width), height };
    let items = dropdown.choices.iter().map(|c| ListItem::new(c.label.clone()));
    let list = List::new(items)
        .block(Block::bordered().border_style(theme.key))
        .highlight_style(theme.selected)
        .highlight_symbol("▶ ");
    let mut state = ListState::default().with_selected(Some(dropdown.selected));
    frame.render_widget(Clear, area);
    frame.render_stateful_widget(list, area, &mut state);
}
