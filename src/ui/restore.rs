//! "Unsent drafts from an earlier run": which contacts, which fields; and the draft files that
//! cannot be restored, with where they are and why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use super::theme::{self, Theme};
use crate::app::State;
use crate::journal::Offered;

/// Lists the drafts with the fields each one changes; the selected one is marked.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, selected: usize) {
    let mut lines = Vec::new();
    if !state.restorable.is_empty() {
        lines.push(Line::raw("These edits were never sent (rolo was closed, killed or crashed):"));
        lines.push(Line::default());
    }
    for (i, offered) in state.restorable.iter().enumerate() {
        let draft = &offered.draft;
        let pointer = if i == selected { "▶ " } else { "  " };
        let style = if i == selected { theme.selected } else { Default::default() };
        let mut head = vec![
            Span::styled(format!("{pointer}{}", super::shown(&draft.title)), style),
            Span::styled(format!("  #{}", super::shown(&draft.contact_id)), theme.dim),
        ];
        // Two windows left drafts of one contact: when each was saved tells them apart.
        if state.restorable.iter().filter(|o| o.draft.contact_id == draft.contact_id).count() > 1 {
            head.push(Span::styled(format!("  saved {}", saved_at(offered)), theme.dim));
        }
        lines.push(Line::from(head));
        let fields: Vec<&str> = draft.edits.iter().map(|e| e.label.as_str()).collect();
        lines.push(Line::styled(format!("    {} changes: {}", theme::CHANGED_MARK, fields.join(", ")), theme.changed));
    }
    if !state.unreadable_drafts.is_empty() {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(
            format!("{} These draft files cannot be restored; rolo leaves them as they are:", theme::WARN_MARK),
            theme.changed,
        ));
        for unreadable in &state.unreadable_drafts {
            lines.push(Line::raw(format!("  {}", super::shown(&unreadable.file.display().to_string()))));
            lines.push(Line::styled(format!("    {}", super::shown(&unreadable.reason)), theme.dim));
        }
    }
    lines.push(Line::default());
    let hint = if state.restorable.is_empty() {
        "Esc closes"
    } else {
        "Enter restores into the form · d discards · Esc decides later"
    };
    lines.push(Line::styled(hint, theme.dim));
    // Long paths and reasons wrap: give each line the rows it takes.
    let inner = usize::from(area.width.min(76).saturating_sub(2).max(1));
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    let popup = centered(area, 76, height);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(" Unsent drafts ").border_style(theme.changed);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), popup);
}

/// When a draft file was last written, in local time.
fn saved_at(offered: &Offered) -> String {
    offered.saved_at.and_then(|time| jiff::Timestamp::try_from(time).ok()).map_or_else(
        || "at an unknown time".into(),
        |t| t.to_zoned_datetime(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M:%S").to_string(),
    )
}
