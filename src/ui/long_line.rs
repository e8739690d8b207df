//! A one-line text editor whose value may be far wider than the screen (a pasted document of a
//! megabyte). The editor widget scrolls in 16-bit columns and walks its whole line on every
//! frame, so a long value is drawn through a copy holding only the part around the cursor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui_textarea::{CursorMove, TextArea};
use unicode_width::UnicodeWidthChar;

/// Values up to this many bytes are drawn by the editor widget itself.
const SHORT: usize = 4096;

/// Draws `editor` into `area` with the cursor in view. `first` is the first character shown,
/// kept between frames so the text only scrolls when the cursor would leave the area.
pub fn draw(frame: &mut Frame, area: Rect, editor: &TextArea<'static>, first: &mut usize) {
    let line = editor.lines().first().map_or("", String::as_str);
    if line.len() <= SHORT || editor.lines().len() != 1 || area.width == 0 {
        frame.render_widget(editor, area);
        return;
    }
    let (start, column, shown) = window(line, editor.cursor().1, usize::from(area.width), *first);
    let mut part = TextArea::new(vec![shown.to_string()]);
    part.set_style(editor.style());
    part.set_cursor_style(editor.cursor_style());
    part.set_cursor_line_style(editor.cursor_line_style());
    part.move_cursor(CursorMove::Jump(0, u16::try_from(column).unwrap_or(u16::MAX)));
    *first = start;
    frame.render_widget(&part, area);
}

/// The characters of `line` to show in `width` cells with the cursor (a character index) in
/// view: the first one's index, the cursor's column among them, and the text.
fn window(line: &str, cursor: usize, width: usize, kept: usize) -> (usize, usize, &str) {
    let cursor_byte = byte_of_char(line, cursor);
    let cell = |c: char| c.width().unwrap_or(0).max(1);
    let cursor_width = line[cursor_byte..].chars().next().map_or(1, cell);
    // Walk back from the cursor while the characters still fit to its left: the earliest the
    // window may start with the cursor in view.
    let mut used = cursor_width;
    let mut earliest = (cursor, cursor_byte);
    for (i, c) in line[..cursor_byte].char_indices().rev() {
        used += cell(c);
        if used > width {
            break;
        }
        earliest = (earliest.0 - 1, i);
    }
    // Keep the window where it was when the cursor is still in it, as a text field does.
    let (start, start_byte) = if kept > cursor {
        (cursor, cursor_byte)
    } else if kept < earliest.0 {
        earliest
    } else if kept == cursor {
        (cursor, cursor_byte)
    } else {
        let back = cursor - kept - 1;
        (kept, line[..cursor_byte].char_indices().rev().nth(back).map_or(cursor_byte, |(i, _)| i))
    };
    let mut used = 0;
    let mut end = line.len();
    for (i, c) in line[start_byte..].char_indices() {
        used += cell(c);
        if used > width {
            end = start_byte + i;
            break;
        }
    }
    (start, cursor - start, &line[start_byte..end])
}

/// Where character `n` of `text` starts (its end when it has fewer). Counts whole blocks of
/// bytes at a time (a character starts at every byte that is not a continuation byte), which
/// the compiler vectorises: a megabyte takes a fraction of a millisecond.
fn byte_of_char(text: &str, n: usize) -> usize {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let starts = |block: &[u8]| block.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let (mut seen, mut at) = (0, 0);
    while at + BLOCK <= bytes.len() {
        let here = starts(&bytes[at..at + BLOCK]);
        if seen + here > n {
            break;
        }
        seen += here;
        at += BLOCK;
    }
    // A block may end inside a character counted already: its last bytes are skipped.
    while !text.is_char_boundary(at) {
        at += 1;
    }
    text[at..].char_indices().nth(n - seen).map_or(text.len(), |(i, _)| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_follows_the_cursor_and_stays_put_while_it_can() {
        let line: String = ('a'..='z').cycle().take(10_000).collect();
        // At the end: the last characters, the cursor in the last cell.
        let (start, column, shown) = window(&line, 10_000, 10, 0);
        assert_eq!((start, column, shown), (9_991, 9, &line[9_991..]));
        // Moving left inside the window keeps it.
        assert_eq!(window(&line, 9_995, 10, start), (9_991, 4, &line[9_991..]));
        // Leaving it on the left puts the cursor at its left edge.
        assert_eq!(window(&line, 5_000, 10, start), (5_000, 0, &line[5_000..5_010]));
        // Leaving it on the right puts the cursor at its right edge.
        assert_eq!(window(&line, 5_012, 10, 5_000), (5_003, 9, &line[5_003..5_013]));
    }

    #[test]
    fn character_positions_are_found_by_blocks() {
        let text: String = "aé日🎉".repeat(100);
        for n in [0, 1, 2, 3, 4, 63, 64, 65, 200, 399, 400, 401] {
            let expected = text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
            assert_eq!(byte_of_char(&text, n), expected, "char {n}");
        }
    }

    #[test]
    fn wide_characters_take_two_cells() {
        let line: String = "日本".repeat(3_000);
        let (start, column, shown) = window(&line, 6_000, 10, 0);
        assert_eq!((start, column, shown.chars().count()), (5_996, 4, 4), "4 wide chars and the cursor cell");
    }
}
