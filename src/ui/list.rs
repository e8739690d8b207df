//! The contact list: a filter line (with how far the whole-list search got) and a table that
//! builds only the rows on screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::theme::Theme;
use crate::app::{Purpose, State};

/// Columns at most this wide keep their width when the terminal is narrow.
const NARROW: u16 = 10;

/// Draws the list screen into `area`; `offset` is the first row shown, kept between frames.
pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme, state: &State, offset: &mut usize) {
    let list = &state.list;
    let show_filter = list.shows_filter();
    let [filter_area, table_area] =
        Layout::vertical([Constraint::Length(u16::from(show_filter)), Constraint::Fill(1)]).areas(area);
    if show_filter {
        let mut spans = vec![Span::styled("/", theme.key), Span::raw(list.filter.query().to_string())];
        if list.typing {
            spans.push(Span::styled("▏", theme.key));
        }
        // Until a new query's first matches come, the list shows the last ones: no count yet.
        let count = if list.filter.is_waiting() {
            "   matching…".to_string()
        } else if list.filter.is_matching() {
            // The count so far is not the answer yet.
            format!("   {} of {} match so far, matching…", list.filter.visible_len(), list.contacts.len())
        } else {
            format!("   {} of {} match", list.filter.visible_len(), list.contacts.len())
        };
        spans.push(Span::styled(count, theme.dim));
        let from_server = list.server_matches().len();
        if from_server > 0 {
            spans.push(Span::styled(format!(", {from_server} more found by the server"), theme.dim));
        }
        if list.searching() {
            spans.push(Span::styled(format!("   {}", searching(list.contacts.len() as u64, list.total())), theme.key));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), filter_area);
    }

    let visible = list.visible_len();
    if visible == 0 {
        let text = if let Some(error) = &list.error {
            super::shown(error)
        } else if list.searching() {
            "No contact matches yet; the rest of the list is loading to be searched. Esc stops it.".to_string()
        } else if show_filter && list.filter.is_matching() {
            "No contact matches yet; still matching.".to_string()
        } else if state.requests.any(|p| *p == Purpose::ListPage) {
            "Loading contacts…".to_string()
        } else if show_filter {
            "No contact matches the filter. Esc clears it.".to_string()
        } else {
            "No contacts.".to_string()
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim), table_area);
        return;
    }

    // One line for the header; the rest are rows.
    let rows_shown = table_area.height.saturating_sub(1).max(1) as usize;
    let mut first = (*offset).min(visible.saturating_sub(1));
    if list.cursor < first {
        first = list.cursor;
    } else if list.cursor >= first + rows_shown {
        first = list.cursor + 1 - rows_shown;
    }
    *offset = first;
    let offset = first;

    let backend = &state.backend;
    let marking = !state.bulk.marks.is_empty();
    let rows = (offset..visible.min(offset + rows_shown)).filter_map(|row| {
        let contact = list.visible(row)?;
        let selected = row == list.cursor;
        // The pointer marks the selection without relying on colour.
        let pointer = Cell::from(if selected { "▶" } else { " " });
        // Marks show as a column of their own (only while something is marked).
        let mark = marking.then(|| Cell::from(if state.bulk.marks.contains(&contact.id) { "●" } else { " " }));
        let cells = mark.into_iter().chain(contact.columns().map(|text| Cell::from(super::shown(text))));
        let style = if selected { theme.selected } else { Default::default() };
        Some(Row::new(std::iter::once(pointer).chain(cells)).style(style))
    });
    let titles = backend.columns.iter().map(|c| Cell::from(c.title.clone()));
    let mark_title = marking.then(|| Cell::from("✓"));
    let header = Row::new(std::iter::once(Cell::from(" ")).chain(mark_title).chain(titles)).style(theme.heading);
    // Narrow columns (codes, types) keep their width; wide ones share what is left.
    let mark_width = marking.then_some(Constraint::Length(1));
    let widths = std::iter::once(Constraint::Length(1)).chain(mark_width).chain(
        backend
            .columns
            .iter()
            .map(|c| if c.width <= NARROW { Constraint::Length(c.width) } else { Constraint::Fill(c.width) }),
    );
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), table_area);
}

/// Cells of the search's progress gauge.
const GAUGE: usize = 10;

/// `searching: 12,400 of 100,000 loaded ███░░░░░░░ 12%`, or a count while the total is unknown.
fn searching(loaded: u64, total: Option<u64>) -> String {
    match total.filter(|&total| total > 0 && loaded <= total) {
        Some(total) => {
            let filled = (loaded as u128 * GAUGE as u128 / total as u128) as usize;
            let percent = loaded as u128 * 100 / total as u128;
            let gauge = format!("{}{}", "█".repeat(filled), "░".repeat(GAUGE - filled));
            format!("searching: {} of {} loaded {gauge} {percent}%", grouped(loaded), grouped(total))
        }
        None => format!("searching: {} loaded", grouped(loaded)),
    }
}

/// `12400` as `12,400`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_says_how_far_it_got_with_a_gauge_when_the_total_is_known() {
        assert_eq!(searching(12_400, Some(100_000)), "searching: 12,400 of 100,000 loaded █░░░░░░░░░ 12%");
        assert_eq!(searching(999, Some(1_000)), "searching: 999 of 1,000 loaded █████████░ 99%");
        assert_eq!(searching(1_234_567, None), "searching: 1,234,567 loaded");
        // A total the list has outgrown is no measure.
        assert_eq!(searching(120, Some(100)), "searching: 120 loaded");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(100), "100");
    }
}
