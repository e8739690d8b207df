//! One contact as the list keeps it: its id and the column texts as the list shows them, nothing
//! more. A parsed record (`serde_json::Value`, a map node per field and a string per key) costs
//! several times its text, and even its text is mostly fields the list never shows; a list of
//! 100,000 contacts is held as rows so that its memory follows what the screen and the filter
//! need. Whatever needs the whole record (the form, bulk edit) fetches it, fresh.

use std::sync::Arc;

use crate::backend::Backend;
use crate::record::Contact;

/// A listed contact: what the list screen, the filter and list-level actions read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The id as text, as [`Contact::id`].
    pub id: String,
    /// Every column's text (as the backend renders it, before the screen's sanitising), each
    /// followed by a space: the text the filter searches, shared with it rather than copied;
    /// column `i` ends at `ends[i]` (its space after).
    text: Arc<str>,
    ends: Box<[u32]>,
}

impl Row {
    /// The row for `contact` under `backend`'s columns.
    pub fn new(backend: &Backend, contact: &Contact) -> Self {
        Self::from_columns(contact.id.clone(), backend.columns.iter().map(|c| c.value.render(&contact.record)))
    }

    /// A row from its parts: the id and each column's text, in the backend's column order (a
    /// row kept on disk, or built by a test).
    pub fn from_columns<S: AsRef<str>>(id: String, texts: impl IntoIterator<Item = S>) -> Self {
        let mut text = String::new();
        let mut ends = Vec::new();
        for column in texts {
            text.push_str(column.as_ref());
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
            text.push(' ');
        }
        Self { id, text: text.into(), ends: ends.into() }
    }

    /// The column texts in the backend's column order.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&end| end.saturating_add(1)));
        starts.zip(self.ends.iter().copied()).map(|(start, end)| &self.text[start as usize..end as usize])
    }

    /// The text the filter searches: every column, each followed by a space (the row's own
    /// text, shared).
    pub fn search_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }
}

/// The text the filter searches for a contact not listed as a row (headless output).
pub fn search_text(backend: &Backend, contact: &Contact) -> String {
    let texts: Vec<String> = backend.columns.iter().map(|c| c.value.render(&contact.record)).collect();
    joined(texts.iter().map(String::as_str))
}

/// Column texts, each followed by a space.
fn joined<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for column in texts {
        text.push_str(column);
        text.push(' ');
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn backend() -> Backend {
        crate::backend::find("corporatemerch", None).expect("built-in backend")
    }

    #[test]
    fn a_row_shows_the_columns_as_rendered() {
        let backend = backend();
        let record = json!({"id": 7, "first_name": "Ada", "last_name": "Lovelace", "score": 0.1, "big": 12345678901234567u64,
            "nested": {"b": [1, "two", null], "a": true}, "ratio": 1.0000000000000002});
        let contact = Contact::from_record(&backend, record.clone()).expect("has an id");
        let row = Row::new(&backend, &contact);
        let rendered: Vec<String> = backend.columns.iter().map(|c| c.value.render(&record)).collect();
        assert_eq!(row.columns().collect::<Vec<_>>(), rendered);
        assert_eq!(*row.search_text(), search_text(&backend, &contact));
        assert_eq!(row.id, "7");
        assert_eq!(Row::from_columns("7".into(), rendered), row, "a row from its parts is the same row");
    }

    #[test]
    fn empty_and_non_ascii_columns_keep_their_bounds() {
        let backend = backend();
        let record = json!({"id": "x", "first_name": "", "last_name": "Ünsal 🦀"});
        let contact = Contact::from_record(&backend, record.clone()).expect("has an id");
        let row = Row::new(&backend, &contact);
        let rendered: Vec<String> = backend.columns.iter().map(|c| c.value.render(&record)).collect();
        assert_eq!(row.columns().count(), backend.columns.len());
        assert_eq!(row.columns().collect::<Vec<_>>(), rendered);
    }
}
