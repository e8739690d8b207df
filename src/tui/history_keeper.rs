//! Writes the change history on a thread of its own, so the event loop never waits for the
//! disk; reads go through the same thread, so a read sees every entry recorded before it.

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use super::worker::Worker;
use crate::app::Message;
use crate::history::{History, HistoryEntry, Loaded};

enum Job {
    Append(Box<HistoryEntry>),
    Read(oneshot::Sender<Result<Loaded, String>>),
}

/// Writes history entries on a thread of its own, in order; reads go through it too, so a
/// read sees every entry recorded before it. Write failures come back as messages.
pub struct HistoryKeeper {
    writer: Worker<Job>,
}

impl HistoryKeeper {
    /// Starts the writer for `history`.
    pub fn start(history: History, messages: UnboundedSender<Message>) -> Self {
        let writer = Worker::start(move |job| match job {
            Job::Append(entry) => {
                if let Err(error) = history.append(&entry) {
                    let _ = messages.send(Message::HistoryFailed(error.to_string()));
                }
            }
            Job::Read(answer) => {
                let _ = answer.send(history.read().map_err(|e| e.to_string()));
            }
        });
        Self { writer }
    }

    /// Queues an entry for appending.
    pub fn append(&self, entry: HistoryEntry) {
        self.send(Job::Append(Box::new(entry)));
    }

    /// Reads the history once every earlier entry is written.
    pub fn read(&self, answer: oneshot::Sender<Result<Loaded, String>>) {
        self.send(Job::Read(answer));
    }

    /// Waits until every entry handed over so far is on disk.
    pub fn flush(&self) {
        self.writer.flush();
    }

    fn send(&self, job: Job) {
        self.writer.send(job);
    }
}
