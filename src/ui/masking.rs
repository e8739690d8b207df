//! The last step of every frame: any piece of the profile's secret left on screen (a record
//! field a server echoed it into, cut to fit its column or wrapped) is drawn as `*`s. One place
//! for every screen, overlay and widget, whatever text they draw.

use ratatui::buffer::Buffer;

use crate::redact::Redactor;

/// Masks the secret's pieces row by row in `buffer`.
pub fn mask_secret(buffer: &mut Buffer, redactor: &Redactor) {
    if redactor.is_empty() {
        return;
    }
    let area = buffer.area;
    let mut row = String::new();
    // For each cell of the row: where its symbol starts in `row`.
    let mut starts: Vec<usize> = Vec::with_capacity(area.width as usize);
    for y in area.top()..area.bottom() {
        row.clear();
        starts.clear();
        for x in area.left()..area.right() {
            starts.push(row.len());
            row.push_str(buffer[(x, y)].symbol());
        }
        for piece in redactor.pieces(&row) {
            for (i, &start) in starts.iter().enumerate() {
                let end = starts.get(i + 1).copied().unwrap_or(row.len());
                // A cell overlapping the piece (the second half of a wide character has no text
                // of its own and goes with the first).
                let covered = if start == end {
                    i > 0 && starts[i - 1] < piece.end && piece.start < start
                } else {
                    start < piece.end && piece.start < end
                };
                if covered {
                    buffer[(area.left() + i as u16, y)].set_symbol("*");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use secrecy::SecretString;

    #[test]
    fn whole_and_cut_secrets_are_masked_and_the_rest_kept() {
        let redactor = Redactor::new(Some(&SecretString::from("tok-0123456789abcdef".to_string())));
        let mut buffer = Buffer::empty(Rect::new(0, 0, 30, 2));
        buffer.set_string(0, 0, "a tok-0123456789abcdef b", ratatui::style::Style::default());
        buffer.set_string(0, 1, "x 0123456789ab", ratatui::style::Style::default());
        mask_secret(&mut buffer, &redactor);
        let rows: Vec<String> =
            (0..2).map(|y| (0..30).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>()).collect();
        assert_eq!(rows[0].trim_end(), "a ******************** b");
        assert_eq!(rows[1].trim_end(), "x ************");
    }
}
