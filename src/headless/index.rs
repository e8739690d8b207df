//! `rolo index status|refresh|clear`: the local index of a profile's list (`index = true`; the
//! sandbox always keeps one) looked at, rebuilt headless, or deleted.

use std::io::{IsTerminal, Write};

use super::{Connection, EXIT_INCOMPLETE, Failure, Output};
use crate::connect::{IndexPlace, Request};
use crate::http::Progress;
use crate::index::{self, Entry, Index, IndexError};

/// What `rolo index` was asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Say where the index is, how many rows it has, when it was last refreshed and whether it
    /// is complete.
    Status,
    /// Page through the whole list and write it to the index, dropping the contacts the server
    /// no longer lists; progress on standard error.
    Refresh,
    /// Delete the index file.
    Clear,
}

/// Runs `rolo index ACTION`.
pub async fn run(request: Request, output: &mut Output, action: Action) -> Result<(), Failure> {
    let connection = Connection::open(request, output).await?;
    let outcome = match connection.index.clone() {
        None => Err(Failure::invalid(format!(
            "profile `{}` keeps no index (add `index = true` to it), or there is no data directory",
            connection.profile
        ))),
        Some(place) => match action {
            Action::Status => status(&place, output),
            Action::Clear => clear(&place, output),
            Action::Refresh => refresh(&connection, &place, output).await,
        },
    };
    connection.close().await;
    outcome
}

fn status(place: &IndexPlace, output: &mut Output) -> Result<(), Failure> {
    let file = place.path.display();
    let text = match index::status(&place.path).map_err(failed)? {
        None => format!("file: {file} (none yet)\nrows: 0\nlast refresh: never\ncomplete: no\n"),
        Some(status) => {
            let trusted = status.profile.as_deref() == Some(place.identity.profile.as_str())
                && status.backend.as_deref() == Some(place.identity.backend.as_str())
                && status.source.as_deref() == Some(place.identity.source.as_str());
            let stale = if trusted { "" } else { " (written for another profile, backend or source: rebuilt on use)" };
            format!(
                "file: {file}{stale}\nfor: {} (backend {}, {})\nrows: {}\nlast refresh: {}\ncomplete: {}\n",
                status.profile.as_deref().unwrap_or("?"),
                status.backend.as_deref().unwrap_or("?"),
                status.source.as_deref().unwrap_or("?"),
                status.rows,
                status.last_refresh.as_deref().unwrap_or("never"),
                if status.complete { "yes" } else { "no: the last full refresh did not reach the end of the list" },
            )
        }
    };
    output.emit(&text)
}

fn clear(place: &IndexPlace, output: &mut Output) -> Result<(), Failure> {
    let text = if index::clear(&place.path).map_err(failed)? {
        format!("removed {}\n", place.path.display())
    } else {
        format!("no index at {}\n", place.path.display())
    };
    output.emit(&text)
}

/// A full pass, page after page through the client's pager (its paging rules and cap), each
/// page written in one transaction before the next is asked for.
async fn refresh(connection: &Connection, place: &IndexPlace, output: &mut Output) -> Result<(), Failure> {
    let client = &connection.client;
    let backend = client.backend();
    let redactor = output.redactor().clone();
    let (mut index, _) = Index::open(&place.path, &place.identity).map_err(failed)?;
    let mut pass = index.begin(true).map_err(failed)?;
    let mut pager = client.pager();
    let mut stderr = std::io::stderr();
    let live = stderr.is_terminal();
    while let Some(request) = pager.next().cloned() {
        let mut page = client.list(&request).await.map_err(|error| Failure::server(&error))?;
        let fresh = pager.take(&mut page);
        let entries: Vec<Entry> = fresh.iter().map(|contact| Entry::of(backend, contact).masked(&redactor)).collect();
        index.put(&mut pass, &entries).map_err(failed)?;
        let of = pager.total().map_or_else(String::new, |total| format!(" of {total}"));
        if live {
            let _ = write!(stderr, "\rrolo: indexed {}{of}", pager.loaded());
        } else if pager.loaded() % 10_000 < entries.len() as u64 {
            let _ = writeln!(stderr, "rolo: indexed {}{of}", pager.loaded());
        }
    }
    if live {
        let _ = writeln!(stderr);
    }
    let reached_end = *pager.progress() == Progress::Complete;
    let dropped = index.finish(pass, reached_end).map_err(failed)?;
    let _ = writeln!(
        stderr,
        "rolo: index {}: {} contacts written, {dropped} no longer listed dropped",
        place.path.display(),
        pager.loaded()
    );
    match pager.stopped() {
        Some(stop) => Err(Failure {
            code: EXIT_INCOMPLETE,
            message: format!("the index is not complete: {stop}"),
            details: Vec::new(),
        }),
        None => Ok(()),
    }
}

fn failed(error: IndexError) -> Failure {
    Failure::invalid(format!("index: {error}"))
}
