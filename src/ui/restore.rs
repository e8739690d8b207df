//! "Unsent drafts from an earlier run": which contacts, which fields.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{centered, theme};
use crate::app::State;

/// Lists the drafts with the fields each one changes; the selected one is marked.
pub fn draw(frame: &mut Frame, area: Rect, state: &State, selected: usize) {
    let mut lines =
        vec![Line::raw("These edits were never sent (rolo was closed, killed or crashed):"), Line::default()];
    for (i, draft) in state.restorable.iter().enumerate() {
        let pointer = if i == selected { "▶ " } else { "  " };
        let style = if i == selected { theme::selected() } else { Default::default() };
        lines.push(Line::from(vec![
            Span::styled(format!("{pointer}{}", super::shown(&draft.title)), style),
            Span::styled(format!("  #{}", super::shown(&draft.contact_id)), theme::dim()),
        ]));
        let fields: Vec<&str> = draft.edits.iter().map(|e| e.label.as_str()).collect();
        lines.push(Line::styled(
            format!("    {} changes: {}", theme::CHANGED_MARK, fields.join(", ")),
            theme::changed(),
        ));
    }
    lines.push(Line::default());
    lines.push(Line::styled("Enter restores into the form · d discards · Esc decides later", theme::dim()));
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = centered(area, 76, height);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(" Unsent drafts ").border_style(theme::changed());
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), popup);
}
