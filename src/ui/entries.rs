//! The key/value editor: a table of key, type and value over the form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table};

use super::centered;
use super::theme::{self, Theme};
use crate::app::entries::{Column, entries_of};
use crate::app::{EntryEditor, Form, State};
use crate::backend::ValueType;

/// Draws the editor of `editor.field` over `area`.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, form: &Form, editor: &EntryEditor) {
    let field = &state.backend.fields[editor.field];
    let entries = entries_of(form, editor.field);
    let height = (entries.len() as u16 + 6).max(8).min(area.height);
    let popup = centered(area, area.width.saturating_sub(4).min(90), height);
    frame.render_widget(Clear, popup);
    let types: Vec<&str> = field.value_types.iter().map(|t| t.name()).collect();
    let title = format!(" {} — values: {} ", field.label, types.join(", "));
    let block = Block::bordered().title(title).border_style(theme.key);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [table_area, message_area] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);

    let widths = [Constraint::Percentage(35), Constraint::Length(8), Constraint::Fill(1)];
    let [key_x, _, value_x] = Layout::horizontal(widths).spacing(1).areas(table_area);
    // Keep the selected entry in view: the rows below the header scroll with it.
    let visible = table_area.height.saturating_sub(1).max(1) as usize;
    let offset = editor.row.saturating_sub(visible - 1);
    let rows = entries.iter().enumerate().skip(offset).map(|(i, entry)| {
        let style = if i == editor.row { theme.selected } else { Default::default() };
        let value = if entry.kind == ValueType::Null { "null".to_string() } else { entry.text.clone() };
        Row::new([Cell::from(entry.key.clone()), Cell::from(entry.kind.name()), Cell::from(value)]).style(style)
    });
    let header = Row::new(["Key", "Type", "Value"]).style(theme.heading);
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), table_area);

    if entries.is_empty() {
        let hint = Paragraph::new("No entries. Ctrl-A adds one.").style(theme.dim);
        frame.render_widget(hint, Rect { y: table_area.y + 1, height: 1, ..table_area });
    } else {
        // The selected cell is typed into in place.
        let x = if editor.column == Column::Key { key_x } else { value_x };
        let y = table_area.y + 1 + (editor.row - offset) as u16;
        if y < table_area.bottom() {
            let cell = Rect { y, height: 1, ..x };
            frame.render_widget(Clear, cell);
            frame.render_widget(&editor.cell, cell);
        }
    }
    let message = match form.error_for(editor.field) {
        Some(error) => Line::styled(format!("{} {error}", theme::ERROR_MARK), theme.error),
        None => Line::styled("Changes go into the draft as you type.", theme.dim),
    };
    frame.render_widget(Paragraph::new(message), message_area);
}
