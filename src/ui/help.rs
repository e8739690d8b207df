//! The help screen, generated from the keymap in use, and searchable with `/`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{centered, theme::Theme};
use crate::app::keymap::{Context, Keymap};

/// Every binding, grouped by where it applies; with a `search`, only the rows that contain it
/// (in the keys, the description or the screen's name).
pub fn lines(theme: &Theme, keymap: &Keymap, search: Option<&str>) -> Vec<Line<'static>> {
    let needle = search.map(str::to_lowercase).unwrap_or_default();
    let mut lines = Vec::new();
    for context in Context::ALL {
        let rows: Vec<(String, &str)> = keymap
            .bindings()
            .iter()
            .filter(|b| b.context == context && !b.keys.is_empty())
            .map(|b| (b.keys.iter().map(|k| k.label()).collect::<Vec<_>>().join(" / "), b.action.describe()))
            .filter(|(keys, what)| {
                needle.is_empty()
                    || format!("{keys} {what} {}", context.title()).to_lowercase().contains(needle.as_str())
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(context.title().to_string(), theme.heading));
        for (keys, what) in rows {
            lines.push(Line::from(vec![Span::styled(format!("  {keys:<22}"), theme.key), Span::raw(what)]));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled(format!("No key matches “{}”", search.unwrap_or_default()), theme.dim));
    } else if search.is_none() {
        lines.push(Line::default());
        lines.push(Line::styled(
            "In the form, typing edits the focused field; Space and Enter act on dropdowns and toggles.",
            theme.dim,
        ));
    }
    lines
}

/// Draws the help screen over `area`.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, keymap: &Keymap, scroll: u16, search: Option<&str>) {
    let popup = centered(area, 72, area.height);
    frame.render_widget(Clear, popup);
    let title = match search {
        Some(query) => format!(" Help: search “{query}▏” (Esc clears) "),
        None => " Help: keys (/ searches, Esc closes) ".to_string(),
    };
    let block = Block::bordered().title(title).border_style(theme.key);
    frame.render_widget(Paragraph::new(lines(theme, keymap, search)).block(block).scroll((scroll, 0)), popup);
}
