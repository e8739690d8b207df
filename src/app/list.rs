//! The contact list: loaded pages, the cursor, the filter, and loading more: on demand as the
//! cursor nears the end, and, while a filter is set, the whole rest of the list in the
//! background (one page after the other, as paging allows), so that `/` searches every contact
//! and not only those loaded. Esc stops that and keeps what came; clearing the filter keeps it too.

use crossterm::event::KeyEvent;
use ratatui_textarea::{Key, TextArea};

use super::keymap::{Action, Context, Press};
use super::server_search::{self, ServerSearch};
use super::{Applied, Effect, Filter, Form, ListIndex, Matched, Message, Overlay, Purpose, Requests, Row, State};
use crate::backend::Backend;
use crate::http::{Fetched, HttpError, Page, PageRequest, Pager, Progress};
use crate::record::Contact;

/// Load the next page when the cursor is this close to the end.
const PREFETCH_ROWS: usize = 40;

/// The contacts loaded so far and how the user is looking at them.
#[derive(Debug, Default)]
pub struct ContactList {
    /// Every contact loaded, in server order, as the list shows it (not its whole record).
    pub contacts: Vec<Row>,
    /// Fuzzy filter over `contacts`.
    pub filter: Filter,
    /// The server's matches of the filter's query that are not loaded (`[search]` backends).
    pub server: ServerSearch,
    /// The filter being typed.
    pub filter_input: TextArea<'static>,
    /// True while keys go to the filter.
    pub typing: bool,
    /// Row of the cursor among the visible contacts.
    pub cursor: usize,
    /// Which page comes next, or why there is none; lists each contact once.
    pager: Pager,
    /// Why the last page failed to load.
    pub error: Option<String>,
    /// The local index, when the profile keeps one (`app::index`).
    pub index: ListIndex,
    /// Enter was pressed while the list still showed an earlier query's matches: the contact
    /// on top opens once this query's are in (any other key forgets it).
    open_when_matched: bool,
    /// The server's match the cursor was on when its page arrived: the cursor goes back to it
    /// once it is matched here (any key forgets it).
    following: Option<String>,
}

impl ContactList {
    /// Forgets what was loaded and starts a new pass through the list with `pager`.
    pub fn reload(&mut self, pager: Pager, requests: &mut Requests) -> Vec<Effect> {
        self.contacts.clear();
        let mut effects: Vec<Effect> = self.filter.clear().into_iter().collect();
        self.server.clear();
        self.following = None;
        self.cursor = 0;
        self.error = None;
        self.pager = pager;
        effects.extend(self.load_more(requests));
        effects
    }

    /// True while the server has more pages and paging has not stopped.
    pub fn has_more(&self) -> bool {
        self.pager.next().is_some()
    }

    /// Where paging stands: more to load, complete, or stopped and why.
    pub fn progress(&self) -> &Progress {
        self.pager.progress()
    }

    /// The vendor's total count, if it says (not while the index refreshes with the changes
    /// only: that total counts changes).
    pub fn total(&self) -> Option<u64> {
        self.pager.total().filter(|_| !self.index.counting_changes())
    }

    /// Starts a new pass through the list with `pager`, keeping the rows shown (the index's).
    pub(super) fn set_pager(&mut self, pager: Pager) {
        self.pager = pager;
    }

    /// The page the pager asks for next, if any.
    pub(super) fn next_request(&self) -> Option<PageRequest> {
        self.pager.next().cloned()
    }

    /// Takes a page through the pager: its contacts not listed before in this pass.
    pub(super) fn take_page(&mut self, page: &mut Page) -> Vec<Contact> {
        self.pager.take(page)
    }

    /// The rows, to change, beside the pass that lists them.
    pub(super) fn rows_and_pager(&mut self) -> (&mut Vec<Row>, &Pager) {
        (&mut self.contacts, &self.pager)
    }

    /// True when the contact with this id is loaded.
    pub fn has_listed(&self, id: &str) -> bool {
        self.pager.has_listed(id)
    }

    /// The server's matches not loaded yet, shown above the local matches.
    pub fn server_matches(&self) -> &[Row] {
        self.server.shown(self.filter.query())
    }

    /// How many rows the list shows: the server's matches not loaded, then the local ones.
    pub fn visible_len(&self) -> usize {
        self.server_matches().len() + self.filter.visible_len()
    }

    /// The contact shown at `row`.
    pub fn visible(&self, row: usize) -> Option<&Row> {
        let server = self.server_matches();
        match row.checked_sub(server.len()) {
            None => server.get(row),
            Some(local) => self.filter.visible(local).and_then(|i| self.contacts.get(i)),
        }
    }

    /// Asks for the next page unless one is in flight or there is none.
    fn load_more(&mut self, requests: &mut Requests) -> Option<Effect> {
        self.load_next(requests, Purpose::ListPage)
    }

    /// Asks for the next page for `purpose` unless a page is in flight (each page names the
    /// next, so they come one at a time) or there is none.
    fn load_next(&mut self, requests: &mut Requests, purpose: Purpose) -> Option<Effect> {
        if requests.any(Purpose::is_list_page) {
            return None;
        }
        let page = self.pager.next()?.clone();
        let tag = requests.issue(purpose);
        Some(Effect::LoadPage { tag, page })
    }

    /// The next page this list wants, if any: the next for the search while a filter looks
    /// through a list not wholly loaded, else the next as the cursor nears the end (or
    /// `at_end`: the user moved past the last row).
    fn load_wanted(&mut self, requests: &mut Requests, at_end: bool) -> Option<Effect> {
        if self.searching() {
            return self.load_next(requests, Purpose::SearchPage);
        }
        let past_last = at_end && self.error.is_none() && self.cursor + 1 >= self.visible_len();
        if self.wants_more() || past_last { self.load_more(requests) } else { None }
    }

    /// True while a filter is set and the rest of the list loads in the background for it:
    /// until the pages end or stop, a page fails to load, or Esc stops it (`r` starts over).
    pub fn searching(&self) -> bool {
        // A refresh of the local index pages on its own, and its rows are all there already.
        self.filter.is_active() && self.error.is_none() && self.has_more() && !self.index.refreshing()
    }

    /// The contact under the cursor.
    pub fn selected(&self) -> Option<&Row> {
        self.visible(self.cursor)
    }

    /// Puts a saved version of a contact in place of the old one.
    pub fn replace(&mut self, backend: &Backend, contact: Contact) {
        self.index.row_changed(backend, &contact);
        let row = Row::new(backend, &contact);
        if let Some(index) = self.contacts.iter().position(|c| c.id == contact.id) {
            self.filter.replace(index, row.search_text());
            self.contacts[index] = row;
        } else {
            self.server.replace(row);
        }
    }

    /// Forwards pasted text to the filter.
    fn paste(&mut self, text: &str) -> Vec<Effect> {
        self.filter_input.insert_str(text.replace(['\n', '\r'], " "));
        self.query_typed()
    }

    /// The filter line changed: the new query is matched (off the UI thread), the cursor goes
    /// to the top.
    fn query_typed(&mut self) -> Vec<Effect> {
        let query = self.filter_input.lines().concat();
        self.cursor = 0;
        self.filter.set_query(&query)
    }

    /// True while what the list shows is not yet all this query's (its scan is under way):
    /// opening the contact on top now could open one the query does not put there.
    fn unsettled(&self) -> bool {
        self.filter.is_waiting() || self.filter.is_matching()
    }

    /// True while the filter line shows: while it is typed into, or while it filters.
    pub fn shows_filter(&self) -> bool {
        self.typing || !self.filter.query().is_empty()
    }

    /// How many contacts a page up/down moves over: the rows the list shows on a terminal
    /// `screen_rows` high, all but the title, status and hint lines, the table's heading, and
    /// the filter line while it shows (the layout of `ui::list`). At least one.
    pub fn page_rows(&self, screen_rows: u16) -> usize {
        let chrome = 3 + 1 + u16::from(self.shows_filter());
        usize::from(screen_rows.saturating_sub(chrome)).max(1)
    }

    fn move_cursor(&mut self, to: usize) {
        let len = self.visible_len();
        self.cursor = if len == 0 { 0 } else { to.min(len - 1) };
    }

    /// True when the next page should be fetched without being asked: the cursor is near the
    /// end and the last load did not fail or was not cancelled (`r` loads again).
    fn wants_more(&self) -> bool {
        self.error.is_none() && self.cursor + PREFETCH_ROWS >= self.visible_len()
    }

    /// Adds the contacts of a page; while a query is set, they alone are matched (see
    /// [`ContactList::matched`]).
    fn add(&mut self, backend: &Backend, fresh: Vec<Contact>) -> Option<Effect> {
        self.add_rows(fresh.iter().map(|c| Row::new(backend, c)).collect())
    }

    /// Adds rows at the end (a page's, or the local index's). The cursor stays on its
    /// contact: a server's match whose page this is is followed until it is matched here.
    #[must_use]
    pub(super) fn add_rows(&mut self, rows: Vec<Row>) -> Option<Effect> {
        let above = self.server_matches().len();
        let on_server_match = if self.cursor < above { self.selected().map(|row| row.id.clone()) } else { None };
        let job = self.filter.extend(rows.iter().map(Row::search_text));
        self.contacts.extend(rows);
        self.server.forget_listed(&self.pager);
        let now_above = self.server_matches().len();
        match on_server_match {
            Some(id) => match self.server_matches().iter().position(|row| row.id == id) {
                Some(row) => self.cursor = row,
                None => {
                    self.cursor = 0;
                    self.following = Some(id);
                }
            },
            // On a local match: it keeps its rank among them, below fewer of the server's.
            None if self.cursor >= above => self.cursor = self.cursor - above + now_above,
            None => {}
        }
        job
    }

    /// Takes in matches. A new query's first put the cursor on top; later ones keep it on the
    /// contact it was on, wherever they rank it, except on top while the query's own scan
    /// fills in (the best match so far gives way to a better one further down the list).
    fn matched(&mut self, matched: Matched) {
        let above = self.server_matches().len();
        let selected = self.cursor.checked_sub(above).and_then(|local| self.filter.visible(local));
        match self.filter.on_matched(matched) {
            Applied::Stale => {}
            Applied::Replaced => {
                self.cursor = 0;
                self.following = None;
            }
            Applied::Filled if self.cursor == 0 => {}
            Applied::Filled | Applied::Merged => {
                if let Some(row) = selected.and_then(|index| self.filter.row_of(index)) {
                    self.cursor = above + row;
                }
            }
        }
        // A server's match whose page came: selected again where it ranks here.
        if let Some(id) = &self.following
            && let Some(index) = self.contacts.iter().rposition(|row| &row.id == id)
            && let Some(row) = self.filter.row_of(index)
        {
            self.cursor = above + row;
            self.following = None;
        }
    }
}

pub(super) fn on_key(state: &mut State, context: Context, press: Press) -> Vec<Effect> {
    let action = press.action();
    let mut effects = Vec::new();
    let page = state.list.page_rows(state.screen_rows);
    // A page loading while a filter is set is the search's, whoever asked for it first.
    let search_loading = state.list.searching() && state.requests.any(Purpose::is_list_page);
    let list = &mut state.list;
    list.open_when_matched = false;
    list.following = None;
    match action {
        Some(Action::Up) => list.move_cursor(list.cursor.saturating_sub(1)),
        Some(Action::Down) => list.move_cursor(list.cursor + 1),
        Some(Action::PageUp) => list.move_cursor(list.cursor.saturating_sub(page)),
        Some(Action::PageDown) => list.move_cursor(list.cursor + page),
        Some(Action::Top) => list.move_cursor(0),
        Some(Action::Bottom) => list.move_cursor(usize::MAX),
        Some(Action::StartFilter) => list.typing = true,
        Some(Action::AcceptFilter) => list.typing = false,
        // Esc first abandons a page still loading (nothing else is in flight on the list): in
        // the list any page, while typing the filter the search's (Esc leaves a bare filter).
        Some(Action::ClearFilter)
            if search_loading || (context == Context::List && state.requests.any(Purpose::is_list_page)) =>
        {
            effects.extend(state.requests.cancel(Purpose::is_list_page));
            list.error = Some("Loading cancelled. Press r to load again.".into());
            state.retrying = None;
            let text = if search_loading {
                let of = list.total().map_or_else(String::new, |total| format!(" of {total}"));
                format!(
                    "Loading cancelled: the filter searches the {} contacts loaded{of}; r loads again",
                    list.contacts.len()
                )
            } else {
                "Loading cancelled; r loads again".to_string()
            };
            state.notify(text, false);
        }
        Some(Action::ClearFilter) => {
            list.typing = false;
            list.filter_input = TextArea::default();
            effects.extend(list.filter.set_query(""));
            list.move_cursor(0);
        }
        Some(Action::Reload) => effects.extend(reload(state)),
        Some(Action::Open) if list.unsettled() => list.open_when_matched = true,
        Some(Action::Open) => effects.extend(open_selected(state)),
        Some(Action::Help) => state.overlay = Some(Overlay::Help { scroll: 0, search: None }),
        Some(Action::RawResponse) => show_response(state),
        Some(Action::Quit) => return super::request_quit(state),
        Some(Action::OpenHistory) => return super::history::open(state),
        Some(Action::ToggleMark) => {
            super::bulk::toggle_mark(state);
            state.list.move_cursor(state.list.cursor + 1);
        }
        Some(Action::ClearMarks) => super::bulk::clear_marks(state),
        Some(Action::OpenBulk) => return super::bulk::open(state),
        _ => {
            // The filter is one line: Enter with a modifier must not start a second.
            if context == Context::Filter
                && let Press::Text(input) = press
                && input.key != Key::Enter
                && list.filter_input.input(input)
            {
                effects.extend(list.query_typed());
            }
        }
    }
    let at_end = matches!(action, Some(Action::Bottom | Action::PageDown | Action::Down));
    effects.extend(state.list.load_wanted(&mut state.requests, at_end));
    effects.extend(server_search::follow(state));
    effects
}

/// Text pasted into the filter: a new query, which searches the whole list too.
pub(super) fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let mut effects = state.list.paste(text);
    effects.extend(state.list.load_wanted(&mut state.requests, false));
    effects.extend(server_search::follow(state));
    effects
}

/// Matches arrived from the matching thread; a contact waiting to be opened opens once the
/// query's are all in.
pub(super) fn on_matched(state: &mut State, matched: Matched) -> Vec<Effect> {
    state.list.matched(matched);
    if state.list.open_when_matched && !state.list.unsettled() {
        state.list.open_when_matched = false;
        // Only the list screen opens contacts; anything over it since has its own keys.
        if state.context() == Context::List {
            return open_selected(state);
        }
    }
    Vec::new()
}

fn reload(state: &mut State) -> Vec<Effect> {
    if state.list.index.is_on() {
        return super::index::reload(state);
    }
    let mut effects = state.requests.cancel(Purpose::is_list_page);
    let pager = state.pager();
    effects.extend(state.list.reload(pager, &mut state.requests));
    state.notice = None;
    effects
}

pub(super) fn show_response(state: &mut State) {
    if state.last_exchange.is_some() {
        state.overlay = Some(Overlay::Response { scroll: 0 });
    } else {
        state.notify("No request has been made yet", false);
    }
}

fn open_selected(state: &mut State) -> Vec<Effect> {
    let Some((id, name)) =
        state.list.selected().map(|row| (row.id.clone(), row.columns().next().unwrap_or("").to_string()))
    else {
        return Vec::new();
    };
    // Opening a contact that has an unsent draft from an earlier run opens the draft.
    if let Some(pending) = state.restorable.iter().position(|d| d.draft.contact_id == id) {
        let saved = state.restorable.remove(pending);
        return super::restore::open_restored(state, saved);
    }
    // The list keeps only what it shows: the form opens on the contact as the server has it now.
    let mut effects = state.requests.cancel(|p| matches!(p, Purpose::FormOpen { .. }));
    let tag = state.requests.issue(Purpose::FormOpen { contact_id: id.clone(), typed_ahead: Vec::new() });
    let name = if name.trim().is_empty() { format!("contact {id}") } else { name };
    state.notify(format!("Opening {name}…"), false);
    effects.push(Effect::LoadContact { tag, id });
    effects
}

/// A key pressed while the contact Enter asked for is on its way, if one is: Esc stops opening
/// it, the form's quit key quits, and any other key waits to go to the form once it opens, as if
/// it had opened at once. `None` when no contact is being opened.
pub(super) fn key_while_opening(state: &mut State, key: KeyEvent) -> Option<Vec<Effect>> {
    if state.form.is_some() || state.overlay.is_some() {
        return None;
    }
    let Some(Purpose::FormOpen { typed_ahead, .. }) =
        state.requests.find_mut(|p| matches!(p, Purpose::FormOpen { .. }))
    else {
        return None;
    };
    match state.keymap.action_for(Context::Form, &key) {
        Some(Action::Back) => {
            let effects = state.requests.cancel(|p| matches!(p, Purpose::FormOpen { .. }));
            state.notify("Not opened", false);
            Some(effects)
        }
        Some(Action::Quit) => Some(super::request_quit(state)),
        _ => {
            typed_ahead.push(key);
            Some(Vec::new())
        }
    }
}

/// The contact Enter asked for arrived: the form opens on it, and the keys typed meanwhile
/// go to it. When it did not come, the list says why and stays.
pub(super) fn on_opened(
    state: &mut State,
    contact_id: &str,
    typed_ahead: Vec<KeyEvent>,
    result: Result<Fetched, HttpError>,
) -> Vec<Effect> {
    let exchange = match &result {
        Ok(fetched) => &fetched.exchange,
        Err(error) => error.exchange(),
    };
    state.record_exchange(exchange);
    let contact = match result {
        Ok(Fetched { contact: Some(contact), .. }) if contact.id == contact_id => contact,
        Ok(Fetched { contact: Some(other), .. }) => {
            let text = format!("The server answered with contact {}, not {contact_id}: not opened", other.id);
            state.notify(text, true);
            return Vec::new();
        }
        Ok(Fetched { contact: None, .. }) => {
            state.notify(format!("Could not open contact {contact_id}: the answer held no contact"), true);
            return Vec::new();
        }
        Err(error) => {
            let key = state.keymap.key_for(Context::List, Action::Open);
            state.notify(format!("Could not open contact {contact_id} ({error}); {key} tries again"), true);
            return Vec::new();
        }
    };
    if state.form.is_some() {
        return Vec::new();
    }
    state.notice = None;
    state.list.replace(&state.backend, contact.clone());
    state.form = Some(Form::open(&state.backend, contact));
    typed_ahead.into_iter().flat_map(|key| super::update(state, Message::Key(key))).collect()
}

/// A page of the list arrived.
pub(super) fn on_page(state: &mut State, result: Result<Page, HttpError>) -> Vec<Effect> {
    match result {
        Ok(mut page) => {
            state.record_exchange(&page.exchange);
            let list = &mut state.list;
            // A contact seen on an earlier page (the list shifted, or a server repeats itself)
            // is shown once; the pager decides whether paging goes on.
            let fresh = list.pager.take(&mut page);
            let job = list.add(&state.backend, fresh);
            list.error = None;
            // A stop's reason stays on the status line (see `ui::chrome`).
            if page.skipped > 0 {
                state.notify(format!("{} records without an id were left out", page.skipped), true);
            }
            job.into_iter().chain(state.list.load_wanted(&mut state.requests, false)).collect()
        }
        Err(error) => {
            state.record_exchange(error.exchange());
            let text = format!("Loading contacts failed: {error}. Press r to retry.");
            state.list.error = Some(text.clone());
            state.notify(text, true);
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use serde_json::json;

    use super::*;
    use crate::app::{MIN_SIZE, Message, Session, update};

    /// A state listing 100 contacts, on a terminal `width` x `height`.
    fn listing(width: u16, height: u16) -> State {
        let backend = Arc::new(crate::backend::find("corporatemerch", None).expect("built-in backend"));
        let mut state = State::new(Arc::clone(&backend), Session::default());
        for id in 1..=100 {
            let record = json!({"id": id, "first_name": format!("Ada{id}"), "last_name": "Tester"});
            let contact = Contact::from_record(&backend, record).expect("has an id");
            let row = Row::new(&backend, &contact);
            state.list.filter.extend([row.search_text()]);
            state.list.contacts.push(row);
        }
        update(&mut state, Message::Resized { width, height });
        state
    }

    /// Presses a key; the matching it asks for is done at once, as the loop's thread would.
    fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
        let effects = update(state, Message::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        crate::app::run_jobs(effects, |matched| update(state, matched))
    }

    /// A page arrives; the matching it asks for is done at once.
    fn deliver(state: &mut State, tag: crate::app::Tag, page: Page) -> Vec<Effect> {
        let effects = update(state, Message::PageLoaded { tag, result: Ok(page) });
        crate::app::run_jobs(effects, |matched| update(state, matched))
    }

    /// Corporate Merch page `number` of 4, each of 50 contacts (more than the prefetch wants),
    /// all named Bo Limpa but for contact 195, Ana Lima, on page 4.
    fn page(number: u64) -> Page {
        let backend = crate::backend::find("corporatemerch", None).expect("built-in backend");
        let contacts = (number * 50 - 49..=number * 50)
            .map(|id| {
                let (first, last) = if id == 195 { ("Ana", "Lima") } else { ("Bo", "Limpa") };
                let record = json!({"id": id, "first_name": first, "last_name": last});
                Contact::from_record(&backend, record).expect("has an id")
            })
            .collect();
        let next = (number < 4).then(|| crate::http::PageRequest::Number(number as u32 + 1));
        Page { contacts, skipped: 0, next, total: Some(200), exchange: Default::default() }
    }

    /// The tag and purpose of the one page effect among `effects`.
    fn page_asked(state: &State, effects: &[Effect]) -> (crate::app::Tag, Purpose) {
        let tags: Vec<_> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::LoadPage { tag, .. } => Some(*tag),
                _ => None,
            })
            .collect();
        let [tag] = tags[..] else { panic!("one page is asked for: {effects:?}") };
        (tag, state.requests.purpose(tag).expect("in flight").clone())
    }

    #[test]
    fn a_filter_loads_the_rest_of_the_list_in_the_background_and_esc_stops_it() {
        let backend = Arc::new(crate::backend::find("corporatemerch", None).expect("built-in backend"));
        let mut state = State::new(backend, Session::default());
        update(&mut state, Message::Resized { width: 80, height: 24 });
        let effects = state.start();
        let (first, purpose) = page_asked(&state, &effects);
        assert_eq!(purpose, Purpose::ListPage);
        assert!(update(&mut state, Message::PageLoaded { tag: first, result: Ok(page(1)) }).is_empty());
        assert_eq!(state.list.contacts.len(), 50, "without a filter the first page is enough for the screen");

        // Typing a filter asks for the next page, for the search, once.
        key(&mut state, KeyCode::Char('/'));
        let effects = key(&mut state, KeyCode::Char('a'));
        let (second, purpose) = page_asked(&state, &effects);
        assert_eq!(purpose, Purpose::SearchPage);
        assert!(key(&mut state, KeyCode::Char('n')).is_empty(), "one page at a time");
        assert!(state.list.searching());
        let effects = update(&mut state, Message::PageLoaded { tag: second, result: Ok(page(2)) });
        let (third, purpose) = page_asked(&state, &effects);
        assert_eq!(purpose, Purpose::SearchPage, "the search goes on by itself");
        assert_eq!(state.list.contacts.len(), 100);

        // Esc stops it, keeps what came and the filter, and says so.
        let effects = key(&mut state, KeyCode::Esc);
        assert_eq!(effects, vec![Effect::Cancel { tag: third }]);
        assert!(!state.list.searching() && state.requests.is_empty());
        assert_eq!(state.list.filter.query(), "an");
        let notice = state.notice.clone().expect("a notice").text;
        assert!(notice.contains("the filter searches the 100 contacts loaded of 200"), "{notice}");

        // The page cancelled, answering anyway, is stale: dropped, and nothing more is asked.
        assert!(update(&mut state, Message::PageLoaded { tag: third, result: Ok(page(3)) }).is_empty());
        assert_eq!(state.list.contacts.len(), 100);
        // Clearing the filter keeps what was loaded.
        assert!(key(&mut state, KeyCode::Esc).is_empty());
        assert_eq!((state.list.filter.query(), state.list.filter.visible_len()), ("", 100));
    }

    #[test]
    fn matches_stream_in_best_first_and_the_cursor_stays_on_its_contact() {
        let backend = Arc::new(crate::backend::find("corporatemerch", None).expect("built-in backend"));
        let mut state = State::new(backend, Session::default());
        update(&mut state, Message::Resized { width: 80, height: 24 });
        let effects = state.start();
        let (mut tag, _) = page_asked(&state, &effects);
        deliver(&mut state, tag, page(1));
        key(&mut state, KeyCode::Char('/'));
        let mut effects = Vec::new();
        for c in "lima".chars() {
            effects.extend(key(&mut state, KeyCode::Char(c)));
        }
        key(&mut state, KeyCode::Down);
        let chosen = state.list.selected().expect("a contact").id.clone();
        for number in 2..=4 {
            (tag, _) = page_asked(&state, &effects);
            effects = deliver(&mut state, tag, page(number));
            assert_eq!(state.list.selected().expect("a contact").id, chosen, "page {number}");
        }
        assert!(effects.is_empty() && !state.list.searching(), "the last page ends the search");
        assert_eq!(state.list.filter.visible_len(), 200);
        // The best match, from the last page, went to the top; the cursor moved down with its contact.
        assert_eq!(state.list.filter.visible(0).map(|i| state.list.contacts[i].id.as_str()), Some("195"));
        assert_eq!(state.list.cursor, 2);
    }

    #[test]
    fn enter_before_the_matches_come_opens_the_best_match_once_they_do() {
        let backend = Arc::new(crate::backend::find("corporatemerch", None).expect("built-in backend"));
        let mut state = State::new(backend, Session::default());
        update(&mut state, Message::Resized { width: 80, height: 24 });
        let effects = state.start();
        let (tag, _) = page_asked(&state, &effects);
        let mut effects = update(&mut state, Message::PageLoaded { tag, result: Ok(page(4)) });
        for code in [KeyCode::Char('/'), KeyCode::Char('l'), KeyCode::Char('i'), KeyCode::Char('m'), KeyCode::Char('a')]
        {
            effects.extend(update(&mut state, Message::Key(KeyEvent::new(code, KeyModifiers::NONE))));
        }
        // Enter leaves the filter line, Enter opens: not yet, the list still shows everyone.
        effects.extend(update(&mut state, Message::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))));
        effects.extend(update(&mut state, Message::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))));
        assert!(state.form.is_none() && state.list.filter.is_waiting());
        assert_eq!(state.list.selected().map(|row| row.id.as_str()), Some("151"), "the first of the page");
        let rest = crate::app::run_jobs(effects, |matched| update(&mut state, matched));
        let opened = |effects: &[Effect]| effects.iter().any(|e| matches!(e, Effect::LoadContact { .. }));
        assert!(
            rest.iter().any(|e| matches!(e, Effect::LoadContact { id, .. } if id == "195")),
            "Ana Lima, the best match, opens once the matches came: {rest:?}"
        );
        // Esc stops opening it.
        update(&mut state, Message::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
        assert!(state.requests.is_empty());

        // A key between Enter and the matches forgets the Enter.
        let mut effects = update(&mut state, Message::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE)));
        effects.extend(update(&mut state, Message::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE))));
        effects.extend(update(&mut state, Message::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))));
        effects.extend(update(&mut state, Message::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))));
        effects.extend(update(&mut state, Message::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE))));
        let rest = crate::app::run_jobs(effects, |matched| update(&mut state, matched));
        assert!(!opened(&rest), "{rest:?}");
    }

    fn page_down(state: &mut State) -> usize {
        let before = state.list.cursor;
        update(state, Message::Key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE)));
        state.list.cursor - before
    }

    #[test]
    fn a_terminal_too_small_to_show_the_list_pages_by_the_page_last_shown() {
        // 24 rows: title, heading, 20 contacts, status, hints.
        let mut state = listing(80, 24);
        assert_eq!(page_down(&mut state), 20);
        // Too short, too narrow: only a notice is drawn, and paging keeps the last page shown.
        update(&mut state, Message::Resized { width: 80, height: MIN_SIZE.1 - 1 });
        assert_eq!(page_down(&mut state), 20);
        update(&mut state, Message::Resized { width: MIN_SIZE.0 - 1, height: 40 });
        assert_eq!(page_down(&mut state), 20);
        // Just big enough: the list shows again, 8 rows of it.
        update(&mut state, Message::Resized { width: MIN_SIZE.0, height: MIN_SIZE.1 });
        assert_eq!(page_down(&mut state), 8);
        // Never shown at all: a page is one row.
        let mut small = listing(MIN_SIZE.0 - 1, 40);
        assert_eq!(page_down(&mut small), 1);
    }
}
