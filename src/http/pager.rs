//! Paging that always ends: the one place that decides, after each page of the contact list,
//! whether to ask for the next one or to stop, and why. The terminal UI's list and `rolo list`
//! both page through a [`Pager`], so a server that repeats itself, goes round in a circle or
//! never stops is met by the same rules everywhere.
//!
//! The rules cost a hash of each id per page and nothing else: honest paging goes back to back,
//! as fast as the server answers.

use std::collections::HashSet;
use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::{Hash, Hasher};

use super::{Page, PageRequest};
use crate::backend::Paging;
use crate::record::Contact;

/// How many contacts rolo lists when the profile does not say (`max_contacts`).
pub const DEFAULT_MAX_CONTACTS: u64 = 1_000_000;

/// Why paging stopped before the server said the list was complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A page brought no contact that was not listed already: the server repeats itself.
    NothingNew,
    /// The server handed back a page cursor it had handed out before: the pages go round.
    CursorRepeated,
    /// More contacts arrived than the total the server gives.
    PastTotal {
        /// The server's total.
        total: u64,
    },
    /// The profile's `max_contacts` was reached.
    Cap {
        /// The cap.
        max: u64,
    },
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::NothingNew => write!(f, "the server sent a page with no contact that was not already listed"),
            Stop::CursorRepeated => write!(f, "the server sent a page cursor it had sent before (its pages go round)"),
            Stop::PastTotal { total } => write!(f, "the server sent more contacts than the {total} it says it has"),
            Stop::Cap { max } => {
                write!(f, "reached the limit of {max} contacts (`max_contacts` in the profile raises it)")
            }
        }
    }
}

/// Where paging stands after the pages taken so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Ask for this page next.
    More(PageRequest),
    /// The server said the last page was the last.
    Complete,
    /// Paging stopped early, for this reason; the contacts taken so far are all there is.
    Stopped(Stop),
}

/// Follows one pass through the contact list: which page comes next, the contacts already
/// listed (so each is listed once), the cursors already sent, and the server's total.
#[derive(Debug, Clone)]
pub struct Pager {
    max: u64,
    /// A 128-bit fingerprint per listed id: constant size whatever the ids, and no two ids
    /// of one list plausibly share one.
    seen: HashSet<u128>,
    cursors: HashSet<String>,
    loaded: u64,
    total: Option<u64>,
    progress: Progress,
}

impl Default for Pager {
    /// A pager with nothing to load (before the first reload).
    fn default() -> Self {
        let mut pager = Pager::new(&Paging::None, DEFAULT_MAX_CONTACTS);
        pager.progress = Progress::Complete;
        pager
    }
}

impl Pager {
    /// A pass from the first page, listing at most `max_contacts`.
    pub fn new(paging: &Paging, max_contacts: u64) -> Self {
        Self {
            max: max_contacts,
            seen: HashSet::new(),
            cursors: HashSet::new(),
            loaded: 0,
            total: None,
            progress: Progress::More(PageRequest::first(paging)),
        }
    }

    /// The page to ask for next, while there is one.
    pub fn next(&self) -> Option<&PageRequest> {
        match &self.progress {
            Progress::More(request) => Some(request),
            _ => None,
        }
    }

    /// Where paging stands.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Why paging stopped early, if it did.
    pub fn stopped(&self) -> Option<&Stop> {
        match &self.progress {
            Progress::Stopped(stop) => Some(stop),
            _ => None,
        }
    }

    /// How many contacts have been listed.
    pub fn loaded(&self) -> u64 {
        self.loaded
    }

    /// True when the contact with this id has been listed in this pass.
    pub fn has_listed(&self, id: &str) -> bool {
        self.seen.contains(&fingerprint(id))
    }

    /// The total the server gave on its latest page that gave one.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// True when this pass has listed the contact `id`.
    pub fn listed(&self, id: &str) -> bool {
        self.seen.contains(&fingerprint(id))
    }

    /// Takes `page` (the answer to [`Pager::next`]): returns its contacts not listed before (up
    /// to the cap), leaving the page's other parts, and decides what comes next.
    pub fn take(&mut self, page: &mut Page) -> Vec<Contact> {
        let mut fresh: Vec<Contact> =
            std::mem::take(&mut page.contacts).into_iter().filter(|c| self.seen.insert(fingerprint(&c.id))).collect();
        let room = usize::try_from(self.max.saturating_sub(self.loaded)).unwrap_or(usize::MAX);
        let capped = fresh.len() > room;
        fresh.truncate(room);
        self.loaded += fresh.len() as u64;
        if page.total.is_some() {
            self.total = page.total;
        }
        let past_total = self.total.filter(|&total| self.loaded > total);
        self.progress = match (page.next.take(), past_total) {
            // Contacts were left out: the list is not complete, whatever the server says.
            _ if capped => Progress::Stopped(Stop::Cap { max: self.max }),
            (None, _) => Progress::Complete,
            (Some(_), _) if self.loaded >= self.max => Progress::Stopped(Stop::Cap { max: self.max }),
            (Some(_), _) if fresh.is_empty() => Progress::Stopped(Stop::NothingNew),
            (Some(_), Some(total)) => Progress::Stopped(Stop::PastTotal { total }),
            (Some(PageRequest::Cursor(Some(token))), None) if !self.cursors.insert(token.clone()) => {
                Progress::Stopped(Stop::CursorRepeated)
            }
            (Some(next), None) => Progress::More(next),
        };
        fresh
    }
}

/// 128 bits from two differently-seeded SipHashes of the id.
fn fingerprint(id: &str) -> u128 {
    let half = |seed: u8| {
        let mut hasher = DefaultHasher::new();
        seed.hash(&mut hasher);
        id.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Exchange;
    use serde_json::json;

    fn page(ids: std::ops::Range<u32>, next: Option<PageRequest>, total: Option<u64>) -> Page {
        let backend = crate::backend::find("corporatemerch", None).unwrap();
        let contacts = ids.filter_map(|i| Contact::from_record(&backend, json!({"id": i}))).collect();
        Page { contacts, skipped: 0, next, total, exchange: Exchange::default() }
    }

    fn numbered() -> Paging {
        Paging::Page { page_param: "p".into(), size_param: "s".into(), size: 10, first: 1, last_page: None }
    }

    #[test]
    fn honest_pages_go_on_until_the_last() {
        let mut pager = Pager::new(&numbered(), 100);
        assert_eq!(pager.next(), Some(&PageRequest::Number(1)));
        assert_eq!(pager.take(&mut page(0..10, Some(PageRequest::Number(2)), Some(15))).len(), 10);
        assert_eq!(pager.next(), Some(&PageRequest::Number(2)));
        assert_eq!(pager.take(&mut page(10..15, None, Some(15))).len(), 5);
        assert_eq!(pager.progress(), &Progress::Complete);
        assert_eq!((pager.loaded(), pager.total()), (15, Some(15)));
    }

    #[test]
    fn a_page_of_contacts_already_listed_stops_paging() {
        let mut pager = Pager::new(&numbered(), 100);
        pager.take(&mut page(0..10, Some(PageRequest::Number(2)), None));
        // Half new: the list shifted under us; that is progress.
        assert_eq!(pager.take(&mut page(5..15, Some(PageRequest::Number(3)), None)).len(), 5);
        assert!(pager.take(&mut page(5..15, Some(PageRequest::Number(4)), None)).is_empty());
        assert_eq!(pager.stopped(), Some(&Stop::NothingNew));
        assert_eq!(pager.next(), None);
    }

    #[test]
    fn a_cursor_sent_before_stops_paging_even_with_new_contacts() {
        let cursor = |t: &str| Some(PageRequest::Cursor(Some(t.into())));
        let mut pager = Pager::new(&Paging::None, 100);
        pager.take(&mut page(0..10, cursor("A"), None));
        pager.take(&mut page(10..20, cursor("B"), None));
        assert_eq!(pager.next(), Some(&PageRequest::Cursor(Some("B".into()))));
        assert_eq!(pager.take(&mut page(20..30, cursor("A"), None)).len(), 10, "the page itself is kept");
        assert_eq!(pager.stopped(), Some(&Stop::CursorRepeated));
    }

    #[test]
    fn more_than_the_total_stops_paging() {
        let mut pager = Pager::new(&numbered(), 100);
        pager.take(&mut page(0..40, Some(PageRequest::Number(2)), Some(50)));
        assert!(pager.next().is_some(), "40 of 50");
        pager.take(&mut page(40..80, Some(PageRequest::Number(3)), Some(50)));
        assert_eq!(pager.stopped(), Some(&Stop::PastTotal { total: 50 }));
        assert_eq!(pager.loaded(), 80);
    }

    #[test]
    fn the_cap_cuts_the_page_and_stops() {
        let mut pager = Pager::new(&numbered(), 25);
        pager.take(&mut page(0..10, Some(PageRequest::Number(2)), None));
        pager.take(&mut page(10..20, Some(PageRequest::Number(3)), None));
        assert_eq!(pager.take(&mut page(20..30, Some(PageRequest::Number(4)), None)).len(), 5);
        assert_eq!(pager.stopped(), Some(&Stop::Cap { max: 25 }));
        assert_eq!(pager.loaded(), 25);
        let mut exact = Pager::new(&numbered(), 10);
        exact.take(&mut page(0..10, None, None));
        assert_eq!(exact.progress(), &Progress::Complete, "the whole list fits the cap exactly");
    }
}
