//! The local index's reader and writer, off the UI thread. The rows are read at start on a
//! blocking task, a batch at a time (the first small, so the first screen needs only it); the
//! app's writes run in order on a thread of their own, each page in one transaction, so no
//! keystroke waits for the disk. The secret is masked in what is written; errors come back as
//! messages.

use tokio::sync::mpsc::UnboundedSender;

use super::worker::Worker;
use crate::app::{IndexEnd, Message, Row, Tag};
use crate::connect::IndexPlace;
use crate::index::{Index, Pass, Write};
use crate::redact::Redactor;

/// Rows in the first batch read at start: more than a screen shows.
const FIRST_BATCH: usize = 500;

/// Rows in each later batch.
const BATCH: usize = 20_000;

/// The index's writer, and where the index is.
pub struct IndexKeeper {
    place: IndexPlace,
    writer: Worker<Write>,
}

impl IndexKeeper {
    /// Starts the writer for the index at `place`; failures are reported through `messages`.
    pub fn start(place: IndexPlace, redactor: Redactor, messages: UnboundedSender<Message>) -> Self {
        let mut open: Option<(Index, Option<Pass>)> = None;
        let target = place.clone();
        let writer = Worker::start(move |write: Write| {
            if open.is_none() {
                match Index::open(&target.path, &target.identity) {
                    Ok((index, _)) => open = Some((index, None)),
                    Err(error) => {
                        let _ = messages.send(Message::IndexFailed(error.to_string()));
                        return;
                    }
                }
            }
            let Some((index, pass)) = open.as_mut() else { return };
            let result = match write {
                Write::Begin { full } => index.begin(full).map(|begun| *pass = Some(begun)),
                Write::Put(entries) => match pass.as_mut() {
                    Some(pass) => {
                        let masked: Vec<_> = entries.into_iter().map(|e| e.masked(&redactor)).collect();
                        index.put(pass, &masked)
                    }
                    None => Ok(()),
                },
                Write::Finish { reached_end } => match pass.take() {
                    Some(pass) => index.finish(pass, reached_end).map(|_| ()),
                    None => Ok(()),
                },
                Write::Save(entry) => index.save(&entry.masked(&redactor)),
            };
            if let Err(error) = result {
                let _ = messages.send(Message::IndexFailed(error.to_string()));
            }
        });
        Self { place, writer }
    }

    /// Queues a write.
    pub fn write(&self, write: Write) {
        self.writer.send(write);
    }

    /// Waits until every write queued so far is on disk.
    pub fn flush(&self) {
        self.writer.flush();
    }

    /// Reads the rows on a blocking task and sends them as [`Message::IndexRows`] for `tag`,
    /// the last batch with the index's [`IndexEnd`]. An index written for another backend,
    /// columns or source is emptied first: it reads as no rows and a full pass is due.
    pub fn read(&self, tag: Tag, messages: UnboundedSender<Message>) -> tokio::task::JoinHandle<()> {
        let place = self.place.clone();
        tokio::task::spawn_blocking(move || {
            let send =
                |rows: Vec<Row>, end: Option<IndexEnd>| messages.send(Message::IndexRows { tag, rows, end }).is_ok();
            let read = || -> Result<Option<String>, crate::index::IndexError> {
                let (index, _) = Index::open(&place.path, &place.identity)?;
                index.read(FIRST_BATCH, BATCH, |entries| {
                    let rows = entries.into_iter().map(|e| Row::from_columns(e.id.clone(), e.columns())).collect();
                    send(rows, None)
                })?;
                let complete = index.status()?.complete;
                Ok(index.changes_since()?.filter(|_| complete).map(|since| since.to_string()))
            };
            let end = match read() {
                Ok(since) => IndexEnd { since, error: None },
                Err(error) => IndexEnd { since: None, error: Some(error.to_string()) },
            };
            send(Vec::new(), Some(end));
        })
    }
}
