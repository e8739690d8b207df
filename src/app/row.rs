//! One contact as the list keeps it: its id, the column texts as the list shows them, and the
//! record as compact JSON text for the few actions that need all of it (opening the form at
//! once, bulk edit's preview). A parsed record (`serde_json::Value`, a map node per field and a
//! string per key) costs several times its text; a list of 100,000 contacts is held as rows so
//! that its memory follows what the screen and the filter need, not the shape of the records.

use serde_json::Value;

use crate::backend::Backend;
use crate::record::Contact;

/// A listed contact: what the list screen, the filter and list-level actions read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The id as text, as [`Contact::id`].
    pub id: String,
    /// Every column's text (as the backend renders it, before the screen's sanitising), one
    /// after the other; column `i` ends at `ends[i]`.
    columns: Box<str>,
    ends: Box<[u32]>,
    /// The record as compact JSON text (key order kept), decoded on demand.
    record: Box<str>,
}

impl Row {
    /// The row for `contact` under `backend`'s columns.
    pub fn new(backend: &Backend, contact: &Contact) -> Self {
        let mut columns = String::new();
        let mut ends = Vec::with_capacity(backend.columns.len());
        for column in &backend.columns {
            columns.push_str(&column.value.render(&contact.record));
            ends.push(u32::try_from(columns.len()).unwrap_or(u32::MAX));
        }
        // Serialising a `Value` cannot fail: its keys are strings.
        let record = serde_json::to_string(&contact.record).unwrap_or_default();
        Self { id: contact.id.clone(), columns: columns.into(), ends: ends.into(), record: record.into() }
    }

    /// A row read back from the local index: its id and column texts. It has no record (the
    /// form fetches the contact when opened).
    pub fn from_parts<'a>(id: String, columns: impl IntoIterator<Item = &'a str>) -> Self {
        let mut text = String::new();
        let mut ends = Vec::new();
        for column in columns {
            text.push_str(column);
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        let record = serde_json::json!({}).to_string();
        Self { id, columns: text.into(), ends: ends.into(), record: record.into() }
    }

    /// The column texts in the backend's column order.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(self.ends.iter().copied()).map(|(start, end)| &self.columns[start as usize..end as usize])
    }

    /// The text the filter searches: every column, space-separated.
    pub fn search_text(&self) -> String {
        joined(self.columns())
    }

    /// The whole contact, decoded from the row's copy of its record.
    pub fn contact(&self) -> Contact {
        // The text was written by `new` from a `Value`, so it reads back as one.
        let record = serde_json::from_str(&self.record).unwrap_or(Value::Null);
        Contact { id: self.id.clone(), record }
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
    fn a_row_shows_the_columns_as_rendered_and_gives_back_the_whole_record() {
        let backend = backend();
        let record = json!({"id": 7, "first_name": "Ada", "last_name": "Lovelace", "score": 0.1, "big": 12345678901234567u64,
            "nested": {"b": [1, "two", null], "a": true}, "ratio": 1.0000000000000002});
        let contact = Contact::from_record(&backend, record.clone()).expect("has an id");
        let row = Row::new(&backend, &contact);
        let rendered: Vec<String> = backend.columns.iter().map(|c| c.value.render(&record)).collect();
        assert_eq!(row.columns().collect::<Vec<_>>(), rendered);
        assert_eq!(row.search_text(), search_text(&backend, &contact));
        let back = row.contact();
        assert_eq!((&back.id, &back.record), (&contact.id, &contact.record));
        assert_eq!(
            serde_json::to_string(&back.record).unwrap(),
            serde_json::to_string(&record).unwrap(),
            "key order kept"
        );
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
