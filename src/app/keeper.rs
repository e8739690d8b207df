//! Keeps the open draft on disk as it changes, on a thread of its own so typing never waits
//! for the disk. Writes happen in order; errors come back as messages.

use std::collections::HashSet;

use tokio::sync::mpsc::UnboundedSender;

use super::worker::Worker;
use super::{Message, State};
use crate::journal::{Journal, SavedDraft};

enum Job {
    Write(SavedDraft),
    Remove(String),
}

/// The draft journal's writer, and what it last stored.
pub struct DraftKeeper {
    writer: Worker<Job>,
    /// The contact and draft revision last handed to the writer.
    kept: Option<(String, u64)>,
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
            };
            if let Err(error) = result {
                let _ = messages.send(Message::JournalFailed(error.to_string()));
            }
        });
        Self { writer, kept: None, written: HashSet::new() }
    }

    /// Brings the journal in line with the state: the open form's unsent edits are stored,
    /// a form with none (or a closed one: sent or discarded) has its file removed.
    pub fn follow(&mut self, state: &State) {
        let now = state.form.as_ref().map(|f| (f.draft.loaded.id.clone(), f.draft.revision()));
        if now == self.kept {
            return;
        }
        match (&state.form, self.kept.clone()) {
            (Some(form), _) if form.draft.is_dirty() => {
                self.written.insert(form.draft.loaded.id.clone());
                self.send(Job::Write(SavedDraft::of(&form.draft)));
            }
            (Some(form), _) => self.forget(&form.draft.loaded.id.clone()),
            (None, Some((id, _))) => self.forget(&id),
            (None, None) => {}
        }
        // A form for another contact replaced this one: its file must not linger either.
        if let (Some((old, _)), Some((new, _))) = (self.kept.clone(), &now)
            && &old != new
        {
            self.forget(&old);
        }
        self.kept = now;
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

    /// Forgets a draft the user discarded without opening it.
    pub fn drop_draft(&mut self, contact_id: String) {
        self.send(Job::Remove(contact_id));
    }

    /// Waits until everything handed over so far is on disk.
    pub fn flush(&self) {
        self.writer.flush();
    }

    fn send(&self, job: Job) {
        self.writer.send(job);
    }
}
