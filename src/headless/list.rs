//! `rolo list`: the contact list as an aligned table, CSV (RFC 4180) or JSON.

use std::collections::HashSet;

use serde_json::{Map, Value, json};
use unicode_width::UnicodeWidthStr;

use super::{Connection, Failure, emit};
use crate::app::{Filter, search_text};
use crate::backend::Backend;
use crate::connect::Request;
use crate::http::{Client, HttpError, PageRequest};
use crate::record::Contact;
use crate::visible;

/// How the list is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// An aligned text table: `ID`, then the backend's columns.
    #[default]
    Table,
    /// CSV with a header row, quoted as RFC 4180 says, lines ending in CRLF.
    Csv,
    /// A JSON array (see `docs/json.md`).
    Json,
}

/// What `rolo list` was asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The fuzzy query of the list's `/`; matches come best first.
    pub filter: Option<String>,
    /// Output format.
    pub format: Format,
    /// At most this many contacts.
    pub limit: Option<usize>,
}

/// Runs `rolo list`.
pub async fn run(request: Request, options: Options) -> Result<(), Failure> {
    let connection = Connection::open(request).await?;
    let backend = std::sync::Arc::clone(connection.client.backend());
    let result = fetch(&connection.client, options.filter.as_deref(), options.limit).await;
    connection.close().await;
    let (contacts, skipped) = result.map_err(|e| Failure::server(&e))?;
    if skipped > 0 {
        eprintln!("rolo: warning: {skipped} records without an id were left out");
    }
    let text = match options.format {
        Format::Table => table(&backend, &contacts),
        Format::Csv => csv(&backend, &contacts),
        Format::Json => pretty(&json(&backend, &contacts)),
    };
    emit(&text)
}

/// Pretty JSON with a final newline; characters a terminal would act on are `\u` escapes.
pub(super) fn pretty(value: &Value) -> String {
    let mut text = visible::escape_json(serde_json::to_string_pretty(value).unwrap_or_default());
    text.push('\n');
    text
}

/// Fetches contacts page by page, following the backend's paging, until `limit` contacts
/// (all of them with a `filter`, whose best matches come first) or the last page.
/// Returns the contacts and how many records had no id.
pub async fn fetch(
    client: &Client,
    filter: Option<&str>,
    limit: Option<usize>,
) -> Result<(Vec<Contact>, usize), HttpError> {
    let backend = client.backend();
    let filter = filter.filter(|q| !q.trim().is_empty());
    let mut next = Some(PageRequest::first(&backend.list.paging));
    let mut seen = HashSet::new();
    let mut contacts = Vec::new();
    let mut skipped = 0;
    while let Some(request) = next.take() {
        if filter.is_none() && limit.is_some_and(|n| contacts.len() >= n) {
            break;
        }
        let page = client.list(&request).await?;
        skipped += page.skipped;
        // A contact seen on an earlier page (the list shifted) is listed once, as in the UI.
        contacts.extend(page.contacts.into_iter().filter(|c| seen.insert(c.id.clone())));
        next = page.next;
    }
    if let Some(query) = filter {
        let mut matcher = Filter::default();
        matcher.extend(contacts.iter().map(|c| search_text(backend, c)));
        matcher.set_query(query);
        let rows = (0..matcher.visible_len()).filter_map(|row| matcher.visible(row));
        contacts = rows.filter_map(|i| contacts.get(i).cloned()).collect();
    }
    if let Some(n) = limit {
        contacts.truncate(n);
    }
    Ok((contacts, skipped))
}

/// The cells of one contact: its id, then each column's text on one line.
fn cells(backend: &Backend, contact: &Contact) -> Vec<String> {
    let mut cells = vec![contact.id.clone()];
    cells.extend(backend.columns.iter().map(|c| c.value.render(&contact.record)));
    cells
}

fn header(backend: &Backend) -> Vec<String> {
    let mut header = vec!["ID".to_string()];
    header.extend(backend.columns.iter().map(|c| c.title.clone()));
    header
}

/// An aligned table: a header row, then one row per contact, columns two spaces apart,
/// trailing spaces trimmed. Line breaks and tabs inside values become spaces, other controls
/// and hidden characters escapes ([`visible`]).
pub fn table(backend: &Backend, contacts: &[Contact]) -> String {
    let flat = |s: String| visible::visible(&s.replace(['\n', '\r', '\t'], " ")).into_owned();
    let rows: Vec<Vec<String>> = std::iter::once(header(backend))
        .chain(contacts.iter().map(|c| cells(backend, c).into_iter().map(flat).collect()))
        .collect();
    let columns = rows[0].len();
    let widths: Vec<usize> =
        (0..columns).map(|i| rows.iter().map(|r| r.get(i).map_or(0, |s| s.width())).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i].saturating_sub(cell.width()) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// CSV as RFC 4180 says: a header row, CRLF line ends, and a field holding a comma, a quote,
/// CR or LF wrapped in quotes with its quotes doubled. Line breaks and tabs inside values stay;
/// other controls (a carriage return too) and hidden characters become escapes ([`visible`]).
pub fn csv(backend: &Backend, contacts: &[Contact]) -> String {
    let mut out = String::new();
    for row in std::iter::once(header(backend)).chain(contacts.iter().map(|c| cells(backend, c))) {
        let quoted: Vec<String> = row.iter().map(|cell| csv_field(&visible::visible_lines(cell))).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV field, quoted when it must be.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// The JSON array `rolo list --json` prints: per contact its `id`, `title`, `columns` (column
/// title → text, in the backend's order) and the raw `record`.
pub fn json(backend: &Backend, contacts: &[Contact]) -> Value {
    let items = contacts.iter().map(|contact| {
        let columns: Map<String, Value> =
            backend.columns.iter().map(|c| (c.title.clone(), Value::String(c.value.render(&contact.record)))).collect();
        json!({
            "id": contact.id,
            "title": contact.title(backend),
            "columns": columns,
            "record": contact.record,
        })
    });
    Value::Array(items.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_it_must() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
