//! Requests in flight: one record from each request's tag to what its answer is for.
//!
//! An entry is made where the effect is issued ([`Requests::issue`]) and taken out when the
//! answer arrives ([`Requests::answer`]) or the request is cancelled. `update` routes every
//! answer by the purpose it finds here; an answer whose tag is not here belongs to a request the
//! user has moved on from, and is dropped. A new kind of request is a new [`Purpose`], nothing
//! more.

use std::collections::BTreeMap;

use crossterm::event::KeyEvent;

use super::{Effect, Tag};
use crate::history::HistoryEntry;
use crate::http::Verdict;

/// What the answer to a request is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// The next page of the contact list, as the user scrolls towards its end.
    ListPage,
    /// The next page of the contact list, fetched in the background so that the filter
    /// searches the whole list and not only what is loaded (see `app::list`).
    SearchPage,
    /// The contact Enter opens from the list: the form opens when it arrives (the list keeps
    /// only what it shows). Keys typed meanwhile wait in `typed_ahead` and go to the form.
    FormOpen { contact_id: String, typed_ahead: Vec<KeyEvent> },
    /// The open form's contact, fetched again for its latest version (a restored draft's).
    FormRefresh,
    /// The open form's contact, fetched before a send to see whether someone else changed it.
    FormConflictCheck,
    /// The open form's update; `entry` goes into the change history once answered.
    FormSave { entry: Box<HistoryEntry> },
    /// The change history, read for its screen.
    HistoryRead,
    /// The contact of a history entry, fetched to prepare reverting `entry`.
    HistoryRevert { entry: Box<HistoryEntry> },
    /// A marked contact, fetched when bulk edit opens, for its preview.
    BulkLoad { contact_id: String },
    /// A bulk edit's contact, fetched fresh before its update.
    BulkFetch { contact_id: String },
    /// A bulk edit's update of one contact; `entry` goes into the change history once answered.
    BulkSave { contact_id: String, entry: Box<HistoryEntry> },
}

impl Purpose {
    /// True while the busy spinner should turn for it (reading or reverting history is quick
    /// and shows its own text).
    pub fn turns_spinner(&self) -> bool {
        !matches!(self, Purpose::HistoryRead | Purpose::HistoryRevert { .. })
    }

    /// True when a retry of it is shown on the status line: the reads the user waits on.
    pub fn shows_retry(&self) -> bool {
        matches!(
            self,
            Purpose::ListPage
                | Purpose::SearchPage
                | Purpose::FormOpen { .. }
                | Purpose::FormRefresh
                | Purpose::FormConflictCheck
        )
    }

    /// True for a page of the contact list, whoever asked for it: the pages come one after the
    /// other (each names the next), so one is in flight at a time.
    pub fn is_list_page(&self) -> bool {
        matches!(self, Purpose::ListPage | Purpose::SearchPage)
    }

    /// True for a request of the open form.
    pub fn is_form(&self) -> bool {
        matches!(self, Purpose::FormRefresh | Purpose::FormConflictCheck | Purpose::FormSave { .. })
    }

    /// True for a request of the bulk edit.
    pub fn is_bulk(&self) -> bool {
        matches!(self, Purpose::BulkLoad { .. } | Purpose::BulkFetch { .. } | Purpose::BulkSave { .. })
    }

    /// The history entry a send carries, to be recorded whatever becomes of it.
    fn into_entry(self) -> Option<HistoryEntry> {
        match self {
            Purpose::FormSave { entry } | Purpose::BulkSave { entry, .. } => Some(*entry),
            _ => None,
        }
    }
}

/// Every request in flight, by tag, and the tag the next one gets.
#[derive(Debug)]
pub struct Requests {
    in_flight: BTreeMap<Tag, Purpose>,
    next_tag: Tag,
}

impl Default for Requests {
    fn default() -> Self {
        Self { in_flight: BTreeMap::new(), next_tag: 1 }
    }
}

impl Requests {
    /// Records a request about to be made for `purpose` and returns its tag.
    pub(super) fn issue(&mut self, purpose: Purpose) -> Tag {
        let tag = self.next_tag;
        self.next_tag += 1;
        self.in_flight.insert(tag, purpose);
        tag
    }

    /// Takes out the request an answer with `tag` is for; `None` when it is stale.
    pub(super) fn answer(&mut self, tag: Tag) -> Option<Purpose> {
        self.in_flight.remove(&tag)
    }

    /// What request `tag` is for, while it is in flight.
    pub fn purpose(&self, tag: Tag) -> Option<&Purpose> {
        self.in_flight.get(&tag)
    }

    /// True while a request matching `wanted` is in flight.
    pub fn any(&self, wanted: impl Fn(&Purpose) -> bool) -> bool {
        self.in_flight.values().any(wanted)
    }

    /// The first request in flight matching `wanted`, to add to what it carries.
    pub(super) fn find_mut(&mut self, wanted: impl Fn(&Purpose) -> bool) -> Option<&mut Purpose> {
        self.in_flight.values_mut().find(|p| wanted(p))
    }

    /// True when nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// True while the busy spinner turns.
    pub fn is_busy(&self) -> bool {
        self.any(Purpose::turns_spinner)
    }

    /// Abandons every request matching `wanted`: a cancel for each, then (oldest first) the
    /// history entry of each send as unknown, since it may have reached the server.
    pub(super) fn cancel(&mut self, wanted: impl Fn(&Purpose) -> bool) -> Vec<Effect> {
        let tags: Vec<Tag> = self.in_flight.iter().filter(|(_, p)| wanted(p)).map(|(&tag, _)| tag).collect();
        let mut effects: Vec<Effect> = tags.iter().map(|&tag| Effect::Cancel { tag }).collect();
        let entries = tags.iter().filter_map(|tag| self.in_flight.remove(tag)?.into_entry());
        let unknown: Vec<Effect> = entries.map(|entry| record(entry, Verdict::Unknown, None)).collect();
        effects.extend(unknown);
        effects
    }

    /// Abandons every request (on quitting).
    pub(super) fn cancel_all(&mut self) -> Vec<Effect> {
        self.cancel(|_| true)
    }
}

/// The effect recording a send's `entry` with how it went.
pub(super) fn record(entry: HistoryEntry, outcome: Verdict, status: Option<u16>) -> Effect {
    Effect::RecordHistory(entry.answered(status, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Box<HistoryEntry> {
        Box::new(HistoryEntry {
            time: String::new(),
            profile: "p".into(),
            backend: "b".into(),
            contact_id: "1".into(),
            title: "One".into(),
            changes: Vec::new(),
            status: None,
            outcome: Verdict::Stored,
        })
    }

    #[test]
    fn an_answer_is_routed_once_and_then_stale() {
        let mut requests = Requests::default();
        let page = requests.issue(Purpose::ListPage);
        let refresh = requests.issue(Purpose::FormRefresh);
        assert_ne!(page, refresh);
        assert!(requests.is_busy());
        assert_eq!(requests.answer(page), Some(Purpose::ListPage));
        assert_eq!(requests.answer(page), None, "a second answer is stale");
        assert!(requests.purpose(refresh).is_some() && !requests.any(|p| *p == Purpose::ListPage));
    }

    #[test]
    fn cancelling_a_send_records_it_as_unknown_after_the_cancels() {
        let mut requests = Requests::default();
        let read = requests.issue(Purpose::HistoryRead);
        assert!(!requests.is_busy(), "reading the history turns no spinner");
        let save = requests.issue(Purpose::FormSave { entry: entry() });
        let effects = requests.cancel_all();
        assert_eq!(effects[..2], [Effect::Cancel { tag: read }, Effect::Cancel { tag: save }]);
        let Effect::RecordHistory(recorded) = &effects[2] else { panic!("{effects:?}") };
        assert_eq!((recorded.status, recorded.outcome), (None, Verdict::Unknown));
        assert!(requests.is_empty());
    }
}
