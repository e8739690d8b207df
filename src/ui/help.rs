//! The help screen, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{centered, theme};
use crate::app::keymap::{BINDINGS, Context};

/// Every binding, grouped by where it applies.
pub fn lines() -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for context in Context::ALL {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(context.title().to_string(), theme::heading()));
        for binding in BINDINGS.iter().filter(|b| b.context == context) {
            let keys: Vec<String> = binding.keys.iter().map(|k| k.label()).collect();
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<22}", keys.join(" / ")), theme::key()),
                Span::raw(binding.action.describe()),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "In the form, typing edits the focused field; Space and Enter act on dropdowns and toggles.",
        theme::dim(),
    ));
    lines
}

/// Draws the help screen over `area`.
pub fn draw(frame: &mut Frame, area: Rect, scroll: u16) {
    let popup = centered(area, 72, area.height);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(" Help: keys (Esc closes) ").border_style(theme::key());
    frame.render_widget(Paragraph::new(lines()).block(block).scroll((scroll, 0)), popup);
}
