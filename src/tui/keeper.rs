//! Keeps the open draft on disk as it changes, on a thread of its own so typing never waits
//! for the disk. Writes happen in order; errors come back as messages.
//!
//! Writes are coalesced: the first change after a write is due [`COALESCE`] later, and every
//! change until then rides along, so a long value is not serialised on each keystroke. The
//! event loop writes what is due when the time comes, and before it lends the terminal or
//! exits (signals included); only `kill -9` or a power cut inside the window loses the edits
//! typed in it.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::worker::Worker;
use crate::app::{Message, State};
use crate::journal::{Journal, SavedDraft};

/// How long edits may wait before they are written.
pub const COALESCE: Duration = Duration::from_millis(250);

enum Job {
    Write(SavedDraft),
    Remove(String),
    /// Write this run's copy of a restored draft, then remove the earlier run's file.
    Adopt(SavedDraft, PathBuf),
    /// Remove a draft file found at start, which the user discarded.
    Discard(PathBuf),
}

/// The draft journal's writer, and what it last stored.
pub struct DraftKeeper {
    writer: Worker<Job>,
    /// The contact and draft revision the journal follows (written, or due to be).
    seen: Option<(String, u64)>,
    /// When the open form's latest edits are due on disk; `None` when nothing waits.
    due: Option<Instant>,
    /// Contacts whose draft file this run wrote: the only ones it may remove. A file from an
    /// earlier run (unreadable, for another backend, not yet restored) is left alone.
    written: HashSet<String>,
}

impl DraftKeeper {
    /// Starts the writer; failures are reported through `messages`.
    pub fn start(journal: Journal, messages: UnboundedSender<Message>) -> Self {
        let writer = Worker::start(move |job| {
            let result = match job {
                Job::Write(draft) => journal.write(&draft),
                Job::Remove(id) => journal.remove(&id),
                Job::Adopt(draft, file) => journal.adopt(&draft, &file),
                Job::Discard(file) => journal.discard(&file),
            };
            if let Err(error) = result {
                let _ = messages.send(Message::JournalFailed(error.to_string()));
            }
        });
        Self { writer, seen: None, due: None, written: HashSet::new() }
    }

    /// Brings the journal in line with the state as of `now`: the open form's unsent edits are
    /// due on disk (within [`COALESCE`]); a form with none, or a closed one (sent or
    /// discarded), has its file removed at once.
    pub fn follow(&mut self, state: &State, now: Instant) {
        let current = state.form.as_ref().map(|f| (f.draft.loaded.id.clone(), f.draft.revision()));
        if current == self.seen {
            return;
        }
        // The form closed, or another contact's replaced it: its file must not linger.
        if let Some((old, _)) = self.seen.take()
            && current.as_ref().is_none_or(|(id, _)| *id != old)
        {
            self.due = None;
            self.forget(&old);
        }
        if let Some(form) = &state.form {
            if form.draft.is_dirty() {
                self.due.get_or_insert(now + COALESCE);
            } else {
                self.due = None;
                self.forget(&form.draft.loaded.id.clone());
            }
        }
        self.seen = current;
    }

    /// When the open form's edits are due on disk, if any wait.
    pub fn due(&self) -> Option<Instant> {
        self.due
    }

    /// Hands the open form's edits to the writer now, if any wait.
    pub fn write_due(&mut self, state: &State) {
        if self.due.take().is_none() {
            return;
        }
        if let Some(form) = state.form.as_ref().filter(|f| f.draft.is_dirty()) {
            self.written.insert(form.draft.loaded.id.clone());
            self.send(Job::Write(SavedDraft::of(&form.draft)));
        }
    }

    /// Removes a draft file this run wrote (sent, or discarded with a yes).
    fn forget(&mut self, contact_id: &str) {
        if self.written.remove(contact_id) {
            self.send(Job::Remove(contact_id.to_string()));
        }
    }

    /// Stores a draft that is not the open form's (a bulk edit's failed contact).
    pub fn keep(&mut self, draft: SavedDraft) {
        self.send(Job::Write(draft));
    }

    /// Forgets this run's draft of a contact (a bulk edit's contact, now stored).
    pub fn drop_draft(&mut self, contact_id: String) {
        self.send(Job::Remove(contact_id));
    }

    /// Takes over a draft an earlier run left in `file` (the user restored it).
    pub fn adopt(&mut self, draft: SavedDraft, file: PathBuf) {
        self.written.insert(draft.contact_id.clone());
        self.send(Job::Adopt(draft, file));
    }

    /// Removes a draft file found at start (the user discarded it).
    pub fn discard(&mut self, file: PathBuf) {
        self.send(Job::Discard(file));
    }

    /// Writes what is due, and waits until everything handed over so far is on disk.
    pub fn flush(&mut self, state: &State) {
        self.write_due(state);
        self.writer.flush();
    }

    fn send(&self, job: Job) {
        self.writer.send(job);
    }
}
