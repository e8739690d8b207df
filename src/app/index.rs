//! The local index as the list sees it (`index = true`; always for the sandbox): at start the
//! list is filled from the index's rows (read by the loop, a batch at a time, the first batch
//! small so the screen fills at once), then a refresh pass pages through the server in the
//! background: only the contacts changed since the last visit when the backend has a
//! `changed_since` parameter and the last pass completed, the whole list otherwise. Each
//! page's contacts replace their rows in place (or are added), and go to the index; a full
//! pass that reaches the end drops the rows the server no longer lists. `r` starts a full pass
//! over what is shown.
//!
//! Nothing here touches the disk: writes are [`Effect::WriteIndex`], run in order off the UI
//! thread by the loop; rows arrive as [`Message::IndexRows`](super::Message::IndexRows).

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::{Effect, Purpose, Row, State, Tag};
use crate::backend::Backend;
use crate::http::{HttpError, Page, Progress};
use crate::index::{Entry, Write};
use crate::record::Contact;

/// The end of the rows read from the index, with what the refresh needs to know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexEnd {
    /// Where a pass of changes only starts from (RFC 3339); `None` when a full pass is due (a
    /// new or rebuilt index, or the last full pass did not complete).
    pub since: Option<String>,
    /// Why the index could not be read, if it could not (the list then loads from the server).
    pub error: Option<String>,
}

/// The list's side of the local index.
#[derive(Debug, Default)]
pub struct ListIndex {
    on: bool,
    /// The refresh under way, from the end of the read until its pass ends.
    pass: Option<Pass>,
    /// Where each row sits, by a hash of its id, while a pass merges pages into the rows.
    places: HashMap<u64, u32>,
    /// Writes asked for by list changes made outside a message's own handler (a saved contact's
    /// row); `update` turns them into effects.
    outbox: Vec<Write>,
}

#[derive(Debug)]
struct Pass {
    full: bool,
    /// Set for a pass of changes only: sent with each page.
    since: Option<String>,
}

impl ListIndex {
    /// A list that keeps a local index.
    pub fn on() -> Self {
        Self { on: true, ..Self::default() }
    }

    /// True when the profile keeps a local index.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// True from the end of the read until the refresh's pass ends: the rows shown are the
    /// index's, being brought up to date from the server.
    pub fn refreshing(&self) -> bool {
        self.pass.is_some()
    }

    /// True while a pass of changes only runs: the server's total is the number of changes,
    /// not of contacts.
    pub fn counting_changes(&self) -> bool {
        self.pass.as_ref().is_some_and(|pass| !pass.full)
    }

    /// A contact's row changed (saved, or fetched fresh): its index row follows.
    pub(super) fn row_changed(&mut self, backend: &Backend, contact: &Contact) {
        if self.on {
            self.outbox.push(Write::Save(Entry::of(backend, contact)));
        }
    }

    /// The writes waiting, as effects.
    pub(super) fn take_writes(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.outbox).into_iter().map(Effect::WriteIndex).collect()
    }
}

/// The first effect of a list that keeps an index: read it.
pub(super) fn start(state: &mut State) -> Vec<Effect> {
    let tag = state.requests.issue(Purpose::IndexRead);
    vec![Effect::ReadIndex { tag }]
}

/// A batch of rows read from the index; with `end`, the last, and the refresh begins.
pub(super) fn on_rows(state: &mut State, tag: Tag, rows: Vec<Row>, end: Option<IndexEnd>) -> Vec<Effect> {
    if state.requests.purpose(tag) != Some(&Purpose::IndexRead) {
        return Vec::new();
    }
    let mut effects: Vec<Effect> = state.list.add_rows(rows).into_iter().collect();
    let Some(end) = end else { return effects };
    state.requests.answer(tag);
    if let Some(error) = end.error {
        state.notify(format!("The local index could not be read ({error}); loading from the server"), true);
    }
    let full = end.since.is_none() || state.backend.list.changed_since.is_none();
    effects.extend(begin(state, if full { None } else { end.since }));
    effects
}

/// `r` with an index: a full pass over the rows shown (they stay until the pass drops them).
pub(super) fn reload(state: &mut State) -> Vec<Effect> {
    // The rows are still being read: the refresh starts when they are all there.
    if state.requests.any(|p| *p == Purpose::IndexRead) {
        return Vec::new();
    }
    let mut effects = state.requests.cancel(Purpose::is_list_page);
    effects.extend(begin(state, None));
    effects
}

/// Starts a refresh pass (of changes since `since`, or full) and asks for its first page.
fn begin(state: &mut State, since: Option<String>) -> Vec<Effect> {
    let full = since.is_none();
    let pager = state.pager();
    let list = &mut state.list;
    list.error = None;
    list.set_pager(pager);
    list.index.places = list.contacts.iter().enumerate().map(|(i, row)| (hashed(&row.id), i as u32)).collect();
    list.index.pass = Some(Pass { full, since });
    let mut effects = vec![Effect::WriteIndex(Write::Begin { full })];
    effects.extend(next_page(state));
    effects
}

/// The refresh's next page, unless one is in flight or there is none.
fn next_page(state: &mut State) -> Option<Effect> {
    if state.requests.any(Purpose::is_list_page) {
        return None;
    }
    let since = state.list.index.pass.as_ref()?.since.clone();
    let page = state.list.next_request()?;
    let tag = state.requests.issue(Purpose::IndexPage);
    Some(match since {
        Some(since) => Effect::LoadChanges { tag, page, since },
        None => Effect::LoadPage { tag, page },
    })
}

/// A page of the refresh arrived: its contacts replace their rows or join the list, and go to
/// the index; at the end of a full pass the rows it did not meet go.
pub(super) fn on_page(state: &mut State, result: Result<Page, HttpError>) -> Vec<Effect> {
    let mut page = match result {
        Ok(page) => page,
        Err(error) => {
            state.record_exchange(error.exchange());
            let text = format!("Refreshing the list failed: {error}. It shows the local index; r tries again.");
            state.list.error = Some(text.clone());
            state.notify(text, true);
            state.list.index.pass = None;
            return vec![Effect::WriteIndex(Write::Finish { reached_end: false })];
        }
    };
    state.record_exchange(&page.exchange);
    let backend = std::sync::Arc::clone(&state.backend);
    let list = &mut state.list;
    let fresh = list.take_page(&mut page);
    let entries: Vec<Entry> = fresh.iter().map(|contact| Entry::of(&backend, contact)).collect();
    let mut added = Vec::new();
    for contact in &fresh {
        let row = Row::new(&backend, contact);
        let key = hashed(&row.id);
        match list.index.places.get(&key).map(|&i| i as usize) {
            Some(i) if list.contacts.get(i).is_some_and(|known| known.id == row.id) => {
                list.filter.replace(i, row.search_text());
                list.contacts[i] = row;
            }
            _ => {
                list.index.places.insert(key, (list.contacts.len() + added.len()) as u32);
                added.push(row);
            }
        }
    }
    let mut effects: Vec<Effect> = list.add_rows(added).into_iter().collect();
    effects.push(Effect::WriteIndex(Write::Put(entries)));
    if list.next_request().is_some() {
        effects.extend(next_page(state));
        return effects;
    }
    let reached_end = *list.progress() == Progress::Complete;
    let full = list.index.pass.take().is_some_and(|pass| pass.full);
    list.index.places = HashMap::new();
    if full && reached_end {
        effects.extend(drop_unlisted(list));
    }
    effects.push(Effect::WriteIndex(Write::Finish { reached_end }));
    effects
}

/// Drops the rows a complete full pass did not meet, keeping the cursor on its contact; the
/// filter's texts are rebuilt (the matching that asks for is returned).
fn drop_unlisted(list: &mut super::ContactList) -> Vec<Effect> {
    let before = list.contacts.len();
    let selected = list.selected().map(|row| row.id.clone());
    let (contacts, pager) = list.rows_and_pager();
    contacts.retain(|row| pager.listed(&row.id));
    if list.contacts.len() == before {
        return Vec::new();
    }
    // The same query over the rows that are left: earlier matches and answers are dropped.
    let mut effects: Vec<Effect> = list.filter.clear().into_iter().collect();
    effects.extend(list.filter.extend(list.contacts.iter().map(Row::search_text)));
    let row = selected.and_then(|id| list.contacts.iter().position(|r| r.id == id)).and_then(|i| list.filter.row_of(i));
    list.cursor = row.unwrap_or(0).min(list.filter.visible_len().saturating_sub(1));
    effects
}

fn hashed(id: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}
