//! `rolo list`: the contact list as an aligned table, CSV (RFC 4180) or JSON, streamed: each
//! page's rows are written before the next page is asked for.

use std::io::{self, Write};
use std::sync::Arc;

use serde_json::{Map, Value, json};
use unicode_width::UnicodeWidthStr;

use super::{Connection, EXIT_INCOMPLETE, Failure, Output};
use crate::app::{Filter, search_text};
use crate::backend::Backend;
use crate::connect::Request;
use crate::http::Client;
use crate::record::Contact;
use crate::redact::Redactor;
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
    /// The fuzzy query of the list's `/`; matches come page by page, best first within a page.
    /// A backend with a `[search]` sends it to the server and prints the server's matches.
    pub filter: Option<String>,
    /// Output format.
    pub format: Format,
    /// At most this many contacts.
    pub limit: Option<usize>,
}

/// Runs `rolo list`: rows go to standard output as each page arrives.
pub async fn run(request: Request, output: &mut Output, options: Options) -> Result<(), Failure> {
    let connection = Connection::open(request, output).await?;
    let backend = Arc::clone(connection.client.backend());
    let mut rows = Rows::new(&backend, options.format, io::BufWriter::new(io::stdout()), output.redactor().clone());
    let ended = stream(&connection.client, &options, &mut rows).await;
    connection.close().await;
    ended
}

/// Pretty JSON with a final newline; characters a terminal would act on are `\u` escapes.
pub(super) fn pretty(value: &Value) -> String {
    let mut text = visible::escape_json(serde_json::to_string_pretty(value).unwrap_or_default());
    text.push('\n');
    text
}

/// Lists contacts page by page, writing each page's rows to `rows` before asking for the next,
/// so memory holds one page whatever the list's length. Paging follows the backend's paging
/// through the client's [`crate::http::Pager`] (each contact once; a server that repeats
/// itself, goes round or passes its total or the cap is stopped) until `limit` rows or the end.
/// With a `filter`, each page's matches are written best first; when the backend declares a
/// `[search]`, the server finds them instead, and its pages of matches are written in its order.
///
/// Once a row is written the output is always closed (`]` for JSON), whatever ends the listing:
/// an error status (exit 2), a stop ([`EXIT_INCOMPLETE`]), or a reader that went away (`| head`:
/// fetching stops, and that is a success). A failure before any row writes nothing.
pub async fn stream<W: Write>(client: &Client, options: &Options, rows: &mut Rows<'_, W>) -> Result<(), Failure> {
    let backend = client.backend();
    let filter = options.filter.as_deref().filter(|q| !q.trim().is_empty());
    // The vendor's own search answers from its whole list at once, instead of every page.
    let on_server = filter.map(str::trim).filter(|_| backend.search.is_some());
    let limit = options.limit.unwrap_or(usize::MAX);
    let mut pager = client.pager();
    let mut skipped = 0;
    let mut failed = None;
    while rows.written < limit {
        let Some(request) = pager.next().cloned() else { break };
        let searched = match on_server {
            Some(query) => client.search(query, &request).await,
            None => None,
        };
        let answer = match searched {
            Some(answer) => answer,
            None => client.list(&request).await,
        };
        let mut page = match answer {
            Ok(page) => page,
            Err(error) => {
                failed = Some(Failure::server(&error));
                break;
            }
        };
        skipped += page.skipped;
        let fresh = pager.take(&mut page);
        let mut matches = if on_server.is_some() { fresh } else { matching(backend, fresh, filter) };
        matches.truncate(limit - rows.written);
        if let Err(error) = rows.page(&matches) {
            return written_or_gone(error);
        }
    }
    // A failure before any row leaves standard output empty, as for the other commands.
    if let Err(error) = if failed.is_none() || rows.written > 0 { rows.finish() } else { Ok(()) } {
        return written_or_gone(error);
    }
    if skipped > 0 {
        eprintln!("rolo: warning: {skipped} records without an id were left out");
    }
    // A search answered in one request may hold fewer matches than the server says it found.
    if let Some(total) = pager.total().filter(|&total| on_server.is_some() && total > pager.loaded())
        && pager.progress() == &crate::http::Progress::Complete
    {
        eprintln!("rolo: warning: the server found {total} matches and answered with {}", pager.loaded());
    }
    if let Some(failure) = failed {
        return Err(failure);
    }
    match pager.stopped() {
        // `--limit` was met: what was asked for is all there.
        Some(stop) if rows.written < limit => Err(Failure {
            code: EXIT_INCOMPLETE,
            message: format!("the list is incomplete: paging stopped after {} contacts: {stop}", pager.loaded()),
            details: Vec::new(),
        }),
        _ => Ok(()),
    }
}

/// A page's contacts that match `filter`, best first; all of them without one.
fn matching(backend: &Backend, contacts: Vec<Contact>, filter: Option<&str>) -> Vec<Contact> {
    let Some(query) = filter else { return contacts };
    let mut matcher = Filter::default();
    let _ = matcher.extend(contacts.iter().map(|c| search_text(backend, c)));
    let jobs = matcher.set_query(query);
    matcher.match_here(jobs);
    let mut slots: Vec<Option<Contact>> = contacts.into_iter().map(Some).collect();
    (0..matcher.visible_len()).filter_map(|row| matcher.visible(row)).filter_map(|i| slots[i].take()).collect()
}

/// A closed pipe means the reader has what it wants; any other write error (a full disk) is a
/// [`Failure::output`].
fn written_or_gone(error: io::Error) -> Result<(), Failure> {
    if error.kind() == io::ErrorKind::BrokenPipe { Ok(()) } else { Err(Failure::output(&error)) }
}

/// Writes the list in one [`Format`] a page at a time: the header (or `[`) with the first
/// rows, `]` at the end, and a flush after every page so a reader sees rows as they arrive.
pub struct Rows<'b, W: Write> {
    backend: &'b Backend,
    format: Format,
    out: W,
    /// Masks the profile's secret in what is written.
    redactor: Redactor,
    /// The table's column widths, fixed by the header and the first rows written (later rows
    /// are not known yet); a wider cell later pushes the rest of its row right, never cut.
    widths: Vec<usize>,
    /// Rows written so far.
    pub written: usize,
}

impl<'b, W: Write> Rows<'b, W> {
    /// Nothing written yet.
    pub fn new(backend: &'b Backend, format: Format, out: W, redactor: Redactor) -> Self {
        Self { backend, format, out, redactor, widths: Vec::new(), written: 0 }
    }

    /// Writes one page's rows and flushes. The header (or `[`) waits for the first rows, so
    /// the table can size its columns from them.
    pub fn page(&mut self, contacts: &[Contact]) -> io::Result<()> {
        if contacts.is_empty() {
            return Ok(());
        }
        let started = self.written > 0;
        let mut text = String::new();
        match self.format {
            Format::Table => {
                let lines: Vec<Vec<String>> = contacts.iter().map(|c| table_cells(self.backend, c)).collect();
                if !started {
                    let header = header(self.backend);
                    self.widths = widths(std::iter::once(&header).chain(&lines));
                    text.push_str(&table_line(&header, &self.widths));
                }
                for line in &lines {
                    text.push_str(&table_line(line, &self.widths));
                }
            }
            Format::Csv => {
                if !started {
                    text.push_str(&csv_line(&header(self.backend)));
                }
                for contact in contacts {
                    text.push_str(&csv_line(&cells(self.backend, contact)));
                }
            }
            Format::Json => {
                if !started {
                    text.push('[');
                }
                let Value::Array(items) = json(self.backend, contacts) else { return Ok(()) };
                for (i, item) in items.iter().enumerate() {
                    text.push_str(if self.written + i == 0 { "\n  " } else { ",\n  " });
                    // Inside JSON strings a line break is `\n`: every real one is between tokens.
                    let item = visible::escape_json(serde_json::to_string_pretty(item).unwrap_or_default());
                    text.push_str(&item.replace('\n', "\n  "));
                }
            }
        }
        self.written += contacts.len();
        // A field a server echoed the secret into is masked where it leaves rolo.
        let text = self.redactor.text_and_pieces(&text);
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    /// Ends the output so it is whole: the header of an empty table or CSV, `]` for JSON.
    pub fn finish(&mut self) -> io::Result<()> {
        let text = match self.format {
            Format::Table if self.written == 0 => {
                let header = header(self.backend);
                table_line(&header, &widths(std::iter::once(&header)))
            }
            Format::Csv if self.written == 0 => csv_line(&header(self.backend)),
            Format::Json if self.written == 0 => "[]\n".to_string(),
            Format::Json => "\n]\n".to_string(),
            Format::Table | Format::Csv => String::new(),
        };
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }
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

/// A contact's table cells: line breaks and tabs inside values become spaces, other controls
/// and hidden characters escapes ([`visible`]).
fn table_cells(backend: &Backend, contact: &Contact) -> Vec<String> {
    let flat = |s: String| visible::visible(&s.replace(['\n', '\r', '\t'], " ")).into_owned();
    cells(backend, contact).into_iter().map(flat).collect()
}

/// Each column's width: its widest cell among `rows`.
fn widths<'r>(rows: impl Iterator<Item = &'r Vec<String>> + Clone) -> Vec<usize> {
    let columns = rows.clone().map(Vec::len).max().unwrap_or(0);
    (0..columns).map(|i| rows.clone().map(|r| r.get(i).map_or(0, |s| s.width())).max().unwrap_or(0)).collect()
}

/// One line of the aligned table: columns two spaces apart, trailing spaces trimmed.
fn table_line(row: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, cell) in row.iter().enumerate() {
        line.push_str(cell);
        if i + 1 < row.len() {
            let width = widths.get(i).copied().unwrap_or(0);
            line.push_str(&" ".repeat(width.saturating_sub(cell.width()) + 2));
        }
    }
    let mut line = line.trim_end().to_string();
    line.push('\n');
    line
}

/// One CSV record as RFC 4180 says: fields joined by commas, quoted when they must be, CRLF.
/// Line breaks and tabs inside values stay; other controls (a carriage return too) and hidden
/// characters become escapes ([`visible`]).
fn csv_line(row: &[String]) -> String {
    let quoted: Vec<String> = row.iter().map(|cell| csv_field(&visible::visible_lines(cell))).collect();
    let mut line = quoted.join(",");
    line.push_str("\r\n");
    line
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
