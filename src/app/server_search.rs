//! The vendor's own search of its whole list, for a backend that declares one (`[search]` in
//! its file): while the filter has a query and the list is not wholly loaded, rolo asks the
//! server for its matches and shows at once, above the local matches, those the list has not
//! loaded, while the local search goes on through the pages. A match the list loads later is
//! shown once, where the local search ranks it.
//!
//! One search is in flight at a time: when it answers, the newest query goes next, so typing
//! faster than the server answers never queues a request per keystroke. An answer for a query
//! the user has changed since is dropped; emptying the query abandons the one in flight.

use super::{Effect, Purpose, Row, State};
use crate::http::{HttpError, Page, Pager, Progress};

/// The server's matches of the last query it answered, less those the list has loaded.
#[derive(Debug, Default)]
pub struct ServerSearch {
    /// The query (as sent, trimmed) the server answered last; `found` holds its matches.
    answered: String,
    /// Its matches the list had not loaded when they came, or since, in the server's order.
    found: Vec<Row>,
}

impl ServerSearch {
    /// The server's matches for `query` that the list has not loaded; none when the server's
    /// last answer was for another query.
    pub fn shown(&self, query: &str) -> &[Row] {
        if self.answered == query.trim() { &self.found } else { &[] }
    }

    /// Forgets the matches the list has now listed itself (their page arrived).
    pub(super) fn forget_listed(&mut self, pager: &Pager) {
        self.found.retain(|row| !pager.has_listed(&row.id));
    }

    /// Puts a saved version of a match in place of the old one; false when it is not here.
    pub(super) fn replace(&mut self, row: Row) -> bool {
        match self.found.iter_mut().find(|found| found.id == row.id) {
            Some(found) => {
                *found = row;
                true
            }
            None => false,
        }
    }

    /// Forgets every answer (the list starts over).
    pub(super) fn clear(&mut self) {
        self.answered.clear();
        self.found = Vec::new();
    }
}

/// Asks the server for the filter's query when the backend can search, the query is new, no
/// search is in flight, and the list is not wholly loaded (then the local search covers it
/// all). An emptied query abandons the search in flight.
pub(super) fn follow(state: &mut State) -> Vec<Effect> {
    let query = state.list.filter.query().trim();
    if query.is_empty() {
        state.list.server.clear();
        return state.requests.cancel(Purpose::is_server_search);
    }
    let wanted = state.backend.search.is_some()
        && query != state.list.server.answered
        && state.list.progress() != &Progress::Complete
        && !state.requests.any(Purpose::is_server_search);
    if !wanted {
        return Vec::new();
    }
    let query = query.to_string();
    let tag = state.requests.issue(Purpose::ServerSearch { query: query.clone() });
    vec![Effect::Search { tag, query }]
}

/// The server answered the search for `query`: its matches are shown if the query is still the
/// filter's, and the newest query goes next.
pub(super) fn on_answer(state: &mut State, query: String, result: Result<Page, HttpError>) -> Vec<Effect> {
    if query == state.list.filter.query().trim() {
        match result {
            Ok(page) => {
                state.record_exchange(&page.exchange);
                let backend = std::sync::Arc::clone(&state.backend);
                let list = &mut state.list;
                let before = list.server.shown(&query).len();
                let found = page.contacts.iter().filter(|c| !list.has_listed(&c.id)).map(|c| Row::new(&backend, c));
                list.server.found = found.collect();
                // The matches go above the local ones: a cursor the user moved down stays on
                // its contact; one at the top stays there, on the server's best match.
                if list.cursor > 0 && list.cursor >= before {
                    list.cursor = list.cursor - before + list.server.found.len();
                }
            }
            Err(error) => {
                state.record_exchange(error.exchange());
                state.list.server.found = Vec::new();
                let text =
                    format!("Searching on the server failed: {error}. The filter searches the list as it loads.");
                state.notify(text, true);
            }
        }
        state.list.server.answered = query;
    }
    follow(state)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use serde_json::json;

    use super::*;
    use crate::app::{Message, Session, Tag, update};
    use crate::backend::{Backend, Search};
    use crate::http::PageRequest;
    use crate::record::Contact;

    /// A backend whose list endpoint searches by `?q=`.
    fn searching_backend() -> Arc<Backend> {
        let mut backend = crate::backend::find("corporatemerch", None).expect("built-in backend");
        backend.search = Some(Search::Param { param: "q".into() });
        Arc::new(backend)
    }

    /// A page of contacts `ids`, named `name` and their id, followed by page `next`.
    fn page(backend: &Backend, ids: std::ops::RangeInclusive<u64>, name: &str, next: Option<u32>) -> Page {
        let contacts = ids
            .map(|id| {
                let record = json!({"id": id, "first_name": name, "last_name": format!("{name}{id}")});
                Contact::from_record(backend, record).expect("has an id")
            })
            .collect();
        Page {
            contacts,
            skipped: 0,
            next: next.map(PageRequest::Number),
            total: Some(1000),
            exchange: Default::default(),
        }
    }

    fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
        apply(state, Message::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    /// A message, and the matching it asks for done at once, as the loop's thread would.
    fn apply(state: &mut State, message: Message) -> Vec<Effect> {
        let effects = update(state, message);
        crate::app::run_jobs(effects, |matched| update(state, matched))
    }

    /// The searches among `effects`, as (tag, query).
    fn searches(effects: &[Effect]) -> Vec<(Tag, String)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Search { tag, query } => Some((*tag, query.clone())),
                _ => None,
            })
            .collect()
    }

    /// A state whose first page (contacts 1–50, "Bo") is loaded, of a longer list.
    fn started() -> State {
        let backend = searching_backend();
        let mut state = State::new(Arc::clone(&backend), Session::default());
        update(&mut state, Message::Resized { width: 100, height: 30 });
        let effects = state.start();
        let Some(Effect::LoadPage { tag, .. }) = effects.first() else { panic!("{effects:?}") };
        let first = page(&backend, 1..=50, "Bo", Some(2));
        update(&mut state, Message::PageLoaded { tag: *tag, result: Ok(first) });
        state
    }

    #[test]
    fn one_search_in_flight_an_answer_for_an_old_query_dropped_and_the_newest_next() {
        let mut state = started();
        let backend = Arc::clone(&state.backend);
        key(&mut state, KeyCode::Char('/'));
        let asked = searches(&key(&mut state, KeyCode::Char('a')));
        let [(first, ref query)] = asked[..] else { panic!("one search: {asked:?}") };
        assert_eq!(query, "a");
        for c in "na".chars() {
            assert!(searches(&key(&mut state, KeyCode::Char(c))).is_empty(), "one search in flight");
        }

        // The answer for "a" comes after the user typed on: dropped, and "ana" goes next.
        let stale = page(&backend, 900..=901, "Ana", None);
        let effects = update(&mut state, Message::PageLoaded { tag: first, result: Ok(stale) });
        assert!(state.list.server_matches().is_empty(), "an answer for an old query is not shown");
        let asked = searches(&effects);
        let [(second, ref query)] = asked[..] else { panic!("the newest query next: {asked:?}") };
        assert_eq!(query, "ana");

        // Its answer shows at once above the local matches, less what is loaded already.
        let mut answer = page(&backend, 950..=951, "Ana", None);
        answer.contacts.extend(page(&backend, 7..=7, "Bo", None).contacts);
        assert!(searches(&update(&mut state, Message::PageLoaded { tag: second, result: Ok(answer) })).is_empty());
        let shown: Vec<&str> = (0..3).filter_map(|row| state.list.visible(row)).map(|r| r.id.as_str()).collect();
        assert_eq!(shown[..2], ["950", "951"], "the server's matches first");
        assert_eq!(state.list.server_matches().len(), 2, "contact 7 is loaded: the local filter shows it or not");
        assert_eq!(state.list.selected().map(|r| r.id.as_str()), Some("950"));

        // Emptying the query forgets them and abandons nothing more.
        key(&mut state, KeyCode::Esc);
        key(&mut state, KeyCode::Esc);
        assert!(state.list.server_matches().is_empty() && !state.requests.any(Purpose::is_server_search));
    }

    #[test]
    fn a_match_whose_page_arrives_is_shown_once_and_the_cursor_follows_it() {
        let mut state = started();
        let backend = Arc::clone(&state.backend);
        key(&mut state, KeyCode::Char('/'));
        let effects = apply(&mut state, Message::Paste("ana".into()));
        let asked = searches(&effects);
        let [(search, ref query)] = asked[..] else { panic!("{asked:?}") };
        assert_eq!(query, "ana", "a pasted query is asked for whole");
        let Some((page_tag, _)) = effects.iter().find_map(|e| match e {
            Effect::LoadPage { tag, page } => Some((*tag, page.clone())),
            _ => None,
        }) else {
            panic!("the whole-list search asks for page 2: {effects:?}")
        };
        apply(&mut state, Message::PageLoaded { tag: search, result: Ok(page(&backend, 60..=60, "Ana", None)) });
        assert_eq!(state.list.selected().map(|r| r.id.as_str()), Some("60"));
        // Page 2 holds contact 60: it is now a local match, listed once, still selected.
        apply(&mut state, Message::PageLoaded { tag: page_tag, result: Ok(page(&backend, 51..=100, "Ana", Some(3))) });
        assert!(state.list.server_matches().is_empty());
        assert_eq!(state.list.contacts.iter().filter(|c| c.id == "60").count(), 1);
        assert_eq!(state.list.selected().map(|r| r.id.as_str()), Some("60"));
    }

    #[test]
    fn a_backend_without_a_search_or_a_list_wholly_loaded_asks_nothing() {
        let mut state = started();
        state.backend = Arc::new(crate::backend::find("corporatemerch", None).expect("built-in backend"));
        key(&mut state, KeyCode::Char('/'));
        assert!(searches(&key(&mut state, KeyCode::Char('a'))).is_empty());

        let mut state = State::new(searching_backend(), Session::default());
        let effects = state.start();
        let Some(Effect::LoadPage { tag, .. }) = effects.first() else { panic!("{effects:?}") };
        let backend = Arc::clone(&state.backend);
        update(&mut state, Message::PageLoaded { tag: *tag, result: Ok(page(&backend, 1..=5, "Bo", None)) });
        key(&mut state, KeyCode::Char('/'));
        assert!(searches(&key(&mut state, KeyCode::Char('a'))).is_empty(), "every contact is loaded");
    }
}
