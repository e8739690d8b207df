//! The application: state, the messages that change it, and the effects it asks for.
//!
//! [`update`] is pure: it never does I/O. It returns [`Effect`]s, which the event loop (the
//! `tui` layer above) runs on tokio tasks, feeding their results back as [`Message`]s.

mod bulk;
mod conflict;
pub mod entries;
pub mod external;
mod filter;
mod form;
mod history;
mod index;
pub mod keymap;
mod list;
pub mod palette;
mod preview;
mod requests;
mod restore;
mod row;
mod sending;
mod server_search;
mod undo;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use serde_json::Value;

pub use bulk::{
    BulkEdit, BulkView, Item as BulkItem, ItemStatus, Step as BulkStep, Target as BulkTarget, compact as bulk_body,
    targets_fetched as bulk_targets_fetched,
};
pub use conflict::{Conflict, Conflicts, Side};
pub use entries::EntryEditor;
#[cfg(test)]
pub(crate) use filter::run_jobs;
pub use filter::{Applied, Filter, MatchJob, Matched, Scored};
pub use form::{Dropdown, Form, FormMode, Outcome, ServerChange};
pub use history::HistoryView;
pub use index::{IndexEnd, ListIndex};
pub use list::ContactList;
pub use preview::Preview;
pub use requests::{Purpose, Requests};
pub use row::{Row, search_text};
pub use sending::READ_ONLY;
pub use server_search::ServerSearch;

use crate::backend::Backend;
use crate::http::{DEFAULT_MAX_CONTACTS, Exchange, Fetched, HttpError, Page, PageRequest, Pager, Retry, Wire, Written};
use crate::journal::{Found, Offered, SavedDraft, Unreadable};
use keymap::{Action, Context, Press, TextInput};

/// The smallest terminal rolo draws into (width, height); a smaller one shows only a notice
/// saying so, and no list to page through. The views draw by it; the app pages by it.
pub const MIN_SIZE: (u16, u16) = (50, 12);

/// Identifies one request, so an answer to a request the user has moved on from is dropped.
pub type Tag = u64;

/// Something that happened: a key, an answer, a tick of the spinner.
#[derive(Debug)]
pub enum Message {
    /// A key was pressed.
    Key(KeyEvent),
    /// Text was pasted.
    Paste(String),
    /// The terminal is this size: at start, and whenever it changes (the next draw adapts).
    Resized { width: u16, height: u16 },
    /// Time passed while something is in flight (animates the spinner).
    Tick,
    /// A list page arrived.
    PageLoaded { tag: Tag, result: Result<Page, HttpError> },
    /// A contact arrived.
    ContactLoaded { tag: Tag, result: Result<Fetched, HttpError> },
    /// An update was sent; what came back (with the fetch made when it held no record).
    Saved { tag: Tag, written: Written },
    /// A read failed and will be tried again.
    Retrying { tag: Tag, retry: Retry },
    /// A draft could not be written to disk.
    JournalFailed(String),
    /// The external editor returned: the text as saved, or why it could not run.
    EditedExternally { contact_id: String, sent: String, result: Result<String, String> },
    /// The history file was read.
    HistoryLoaded { tag: Tag, result: Result<crate::history::Loaded, String> },
    /// A history entry could not be written.
    HistoryFailed(String),
    /// Rows read from the local index, in the server's order; `end` comes with the last batch.
    IndexRows { tag: Tag, rows: Vec<Row>, end: Option<IndexEnd> },
    /// The local index could not be written.
    IndexFailed(String),
    /// Some matches of the filter's query, from the matching thread.
    Matched(Matched),
}

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Fetch a page of the list.
    LoadPage { tag: Tag, page: PageRequest },
    /// Fetch a page of the contacts changed since `since` (RFC 3339), by the backend's
    /// `changed_since` parameter.
    LoadChanges { tag: Tag, page: PageRequest, since: String },
    /// Ask the server for its matches of `query` (a backend with `[search]`); the answer comes
    /// back as a [`Message::PageLoaded`].
    Search { tag: Tag, query: String },
    /// Fetch one contact.
    LoadContact { tag: Tag, id: String },
    /// Send an update to `id` (the update path's id) for contact `contact_id`.
    Save { tag: Tag, id: String, contact_id: String, body: Value },
    /// Abandon a request in flight.
    Cancel { tag: Tag },
    /// Forget this run's draft of a contact (a bulk edit's contact, now stored).
    DropDraft { contact_id: String },
    /// Remove a draft file found at start: the user discarded it.
    DiscardDraft { file: std::path::PathBuf },
    /// Keep a restored draft as this run's, then remove the file it was found in.
    AdoptDraft { draft: SavedDraft, file: std::path::PathBuf },
    /// Leave rolo.
    Quit,
    /// Give the terminal back to the shell and stop, as Ctrl-Z does in other terminal tools;
    /// after `fg` the screen is drawn again.
    Suspend,
    /// Let the user edit `text` in `$VISUAL`/`$EDITOR` (in a file ending `.extension`).
    EditExternally { contact_id: String, text: String, extension: &'static str },
    /// Append an entry to the change history (nothing when no history is kept).
    RecordHistory(crate::history::HistoryEntry),
    /// Read the change history.
    LoadHistory { tag: Tag },
    /// Keep a draft on disk (a bulk edit's failed contact).
    KeepDraft(SavedDraft),
    /// Read the local index's rows (answered by [`Message::IndexRows`]).
    ReadIndex { tag: Tag },
    /// Write to the local index (in order, off the UI thread).
    WriteIndex(crate::index::Write),
    /// Score contacts against the filter's query off the UI thread; the matches come back as
    /// [`Message::Matched`], best first, in one or more batches.
    Match(MatchJob),
    /// Abandon the matching under way: the query changed, or the list was reloaded.
    StopMatching,
}

/// Who rolo is talking to, for the title bar.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// The profile name, or `sandbox`.
    pub profile: String,
    /// True when talking to the embedded sandbox.
    pub sandbox: bool,
    /// True when every write is refused (`read_only = true` or `--read-only`).
    pub read_only: bool,
}

/// A screen drawn over the others, with what only it shows.
#[derive(Debug)]
pub enum Overlay {
    /// The keymap; `search` narrows it while it is `Some`.
    Help { scroll: u16, search: Option<String> },
    /// The last request and response in full.
    Response { scroll: u16 },
    /// "Discard your changes?"
    ConfirmDiscard { then_quit: bool },
    /// Drafts left by an earlier run: restore, discard, or decide later.
    Restore { selected: usize },
    /// The request about to be sent, and the changes as a diff.
    Preview(Preview),
    /// Every action of the screen `under`, by name.
    Palette { query: String, selected: usize, under: Context },
    /// The change history; `detail` shows the selected entry's fields.
    History { selected: usize, detail: bool },
    /// Bulk edit of the marked contacts.
    Bulk(Box<BulkEdit>),
}

/// The last request, for the status line.
#[derive(Debug, Clone)]
pub struct LastRequest {
    /// `GET /contacts?page=2&limit=100`
    pub label: String,
    /// Status code, or `None` when no answer came.
    pub status: Option<u16>,
    /// How long it took.
    pub latency: Duration,
}

/// A one-line message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub is_error: bool,
}

/// Everything the screens show.
#[derive(Debug)]
pub struct State {
    /// The backend in use.
    pub backend: Arc<Backend>,
    /// Who rolo is talking to.
    pub session: Session,
    /// The contact list.
    pub list: ContactList,
    /// The open form, if any.
    pub form: Option<Form>,
    /// A screen over the others.
    pub overlay: Option<Overlay>,
    /// The last request, for the status line.
    pub last_request: Option<LastRequest>,
    /// The last exchange in full, for the raw-response screen.
    pub last_exchange: Option<Exchange>,
    /// A message for the user.
    pub notice: Option<Notice>,
    /// Frame of the busy spinner.
    pub spinner: usize,
    /// Set when the user has asked to leave.
    pub quitting: bool,
    /// Drafts an earlier run left unsent, offered for restoring.
    pub restorable: Vec<Offered>,
    /// Files in the drafts folder that cannot be restored, named at start and left alone.
    pub unreadable_drafts: Vec<Unreadable>,
    /// Every request in flight and what its answer is for.
    pub requests: Requests,
    /// The retry a read in flight is waiting for, for the status line.
    pub retrying: Option<Retry>,
    /// Show the preview before every send (`[ui] preview_before_send`).
    pub preview_first: bool,
    /// Describes requests for previews (redacted) and holds the secret's mask; it cannot send.
    pub wire: Option<Wire>,
    /// The keys in use (defaults plus the user's `[keys]`).
    pub keymap: Arc<keymap::Keymap>,
    /// The format drafts are written in for the external editor (`[ui] editor_format`).
    pub editor_format: crate::config::EditorFormat,
    /// The change history screen and the sends awaiting an answer to record.
    pub history: HistoryView,
    /// Marked contacts (the bulk edit itself is [`Overlay::Bulk`]).
    pub bulk: BulkView,
    /// Leave out what changes from run to run (request latency), for `rolo render`.
    pub deterministic: bool,
    /// The height of the terminal the screens were last drawn in (from [`Message::Resized`]),
    /// for paging through the list. A terminal below [`MIN_SIZE`] draws no list, so it leaves
    /// this alone: paging keeps moving by the page last shown.
    pub screen_rows: u16,
}

impl State {
    /// A fresh state; call [`State::start`] for the first effects.
    pub fn new(backend: Arc<Backend>, session: Session) -> Self {
        Self {
            list: ContactList::default(),
            backend,
            session,
            form: None,
            overlay: None,
            last_request: None,
            last_exchange: None,
            notice: None,
            spinner: 0,
            quitting: false,
            restorable: Vec::new(),
            unreadable_drafts: Vec::new(),
            requests: Requests::default(),
            retrying: None,
            preview_first: false,
            wire: None,
            keymap: Arc::default(),
            editor_format: Default::default(),
            history: HistoryView::default(),
            bulk: BulkView::default(),
            deterministic: false,
            screen_rows: 0,
        }
    }

    /// Offers the drafts earlier runs left unsent, and names the files that cannot be restored.
    pub fn offer_drafts(&mut self, found: Found) {
        self.restorable = found.offered;
        self.unreadable_drafts = found.unreadable;
        if !self.restorable.is_empty() || !self.unreadable_drafts.is_empty() {
            self.overlay = Some(Overlay::Restore { selected: 0 });
        }
    }

    /// The effects to run at start-up: read the local index if the profile keeps one, else
    /// load the first page.
    pub fn start(&mut self) -> Vec<Effect> {
        if self.list.index.is_on() {
            return index::start(self);
        }
        let pager = self.pager();
        self.list.reload(pager, &mut self.requests).into_iter().collect()
    }

    /// A new pass through the contact list, under the profile's `max_contacts`.
    pub fn pager(&self) -> Pager {
        self.wire.as_ref().map_or_else(|| Pager::new(&self.backend.list.paging, DEFAULT_MAX_CONTACTS), Wire::pager)
    }

    /// True while a request is in flight (the spinner turns).
    pub fn is_busy(&self) -> bool {
        self.requests.is_busy()
    }

    /// The bulk edit on screen, if any.
    pub fn bulk_edit(&self) -> Option<&BulkEdit> {
        bulk::edit_of(&self.overlay)
    }

    /// True when the open form's focused field is typed as text (Space types a space there).
    fn focus_is_text(&self) -> bool {
        self.form.as_ref().is_some_and(|form| self.backend.fields[form.focus].kind.is_text_like())
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help { search: Some(_), .. }) => Context::Search,
            Some(Overlay::Help { .. } | Overlay::Response { .. }) => Context::Viewer,
            Some(Overlay::Palette { .. }) => Context::Palette,
            Some(Overlay::ConfirmDiscard { .. }) => Context::Confirm,
            Some(Overlay::Restore { .. }) => Context::Restore,
            Some(Overlay::Preview(_)) => Context::Preview,
            Some(Overlay::History { .. }) => Context::History,
            Some(Overlay::Bulk(edit)) => edit.context(),
            None => match &self.form {
                Some(form) => match form.mode {
                    FormMode::Editing => Context::Form,
                    FormMode::Choosing(_) => Context::Dropdown,
                    FormMode::Settling(_) => Context::Conflict,
                    FormMode::EditingEntries(_) => Context::KeyValue,
                },
                None if self.list.typing => Context::Filter,
                None => Context::List,
            },
        }
    }

    fn record_exchange(&mut self, exchange: &Exchange) {
        self.last_request = Some(LastRequest {
            label: format!("{} {}", exchange.method, exchange.short_target()),
            status: exchange.status,
            latency: exchange.latency,
        });
        self.last_exchange = Some(exchange.clone());
    }

    /// The update request for `id` and `body` as it would go out (secret redacted).
    fn describe_update(&self, id: &str, body: Value) -> crate::http::Outgoing {
        match &self.wire {
            Some(wire) => wire.outgoing_update(id, body),
            None => {
                crate::http::Outgoing { method: self.backend.update.method.as_str().into(), url: id.to_string(), body }
            }
        }
    }

    /// Shows `text` on the status line (in the error style when `is_error`); also for the event
    /// loop, whose own failures (lending the terminal, suspending) the user must see.
    pub fn notify(&mut self, text: impl Into<String>, is_error: bool) {
        self.notice = Some(Notice { text: text.into(), is_error });
    }
}

/// Applies one message to the state and returns the work it calls for.
///
/// A key is resolved once, here, into a [`Press`]: the action the keymap binds it to where the
/// user is, or text for the text boxes. An answer is routed by the [`Purpose`] its request was
/// issued for in [`State::requests`].
pub fn update(state: &mut State, message: Message) -> Vec<Effect> {
    let mut effects = handle(state, message);
    effects.extend(state.list.index.take_writes());
    effects
}

fn handle(state: &mut State, message: Message) -> Vec<Effect> {
    match message {
        Message::Key(key) if key.kind == KeyEventKind::Press => on_key(state, key),
        Message::Key(_) => Vec::new(),
        Message::Resized { width, height } => {
            if width >= MIN_SIZE.0 && height >= MIN_SIZE.1 {
                state.screen_rows = height;
            }
            Vec::new()
        }
        Message::Paste(text) => {
            match &mut state.form {
                Some(form) if state.overlay.is_none() => form.paste(&state.backend, &text),
                _ if state.list.typing => return list::on_paste(state, &text),
                _ => {}
            }
            Vec::new()
        }
        Message::Tick => {
            state.spinner = state.spinner.wrapping_add(1);
            Vec::new()
        }
        // Every answer goes where its request's purpose says; one with no entry is stale.
        Message::PageLoaded { tag, result } => {
            state.retrying = None;
            match state.requests.answer(tag) {
                Some(Purpose::ListPage | Purpose::SearchPage) => list::on_page(state, result),
                Some(Purpose::IndexPage) => index::on_page(state, result),
                Some(Purpose::ServerSearch { query }) => server_search::on_answer(state, query, result),
                _ => Vec::new(),
            }
        }
        Message::ContactLoaded { tag, result } => match state.requests.answer(tag) {
            Some(Purpose::BulkLoad { contact_id }) => bulk::on_loaded(state, &contact_id, result),
            Some(Purpose::BulkFetch { contact_id }) => bulk::on_contact(state, &contact_id, result),
            Some(Purpose::HistoryRevert { entry }) => history::on_contact(state, *entry, result),
            purpose => {
                state.retrying = None;
                match purpose {
                    Some(Purpose::FormOpen { contact_id, typed_ahead }) => {
                        list::on_opened(state, &contact_id, typed_ahead, result)
                    }
                    Some(Purpose::FormConflictCheck) => conflict::on_checked(state, result),
                    Some(Purpose::FormRefresh) => sending::on_refreshed(state, result),
                    _ => Vec::new(),
                }
            }
        },
        Message::Saved { tag, written } => match state.requests.answer(tag) {
            Some(Purpose::BulkSave { contact_id, entry }) => bulk::on_saved(state, &contact_id, *entry, written),
            Some(Purpose::FormSave { entry }) => sending::on_saved(state, *entry, written),
            _ => Vec::new(),
        },
        Message::Retrying { tag, retry } => {
            if state.requests.purpose(tag).is_some_and(Purpose::shows_retry) {
                state.retrying = Some(retry);
            }
            Vec::new()
        }
        Message::JournalFailed(error) => {
            state.notify(format!("Could not keep the draft on disk: {error}"), true);
            Vec::new()
        }
        Message::EditedExternally { contact_id, sent, result } => {
            external::on_edited(state, &contact_id, &sent, result)
        }
        Message::HistoryLoaded { tag, result } => match state.requests.answer(tag) {
            Some(Purpose::HistoryRead) => history::on_loaded(state, result),
            _ => Vec::new(),
        },
        Message::HistoryFailed(error) => {
            state.notify(format!("Could not write the change history: {error}"), true);
            Vec::new()
        }
        Message::IndexRows { tag, rows, end } => index::on_rows(state, tag, rows, end),
        Message::IndexFailed(error) => {
            state.notify(format!("Could not write the local index: {error}"), true);
            Vec::new()
        }
        Message::Matched(matched) => list::on_matched(state, matched),
    }
}

/// Resolves the key once, into what it means here, and does that.
fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    // A notice answers the last thing done; the next key moves on from it.
    state.notice = None;
    if let Some(effects) = list::key_while_opening(state, key) {
        return effects;
    }
    let context = state.context();
    let press = match state.keymap.action_for(context, &key) {
        // On a text field Space is a character; on other fields it opens or toggles them.
        Some(Action::Activate)
            if context == Context::Form && key.code == KeyCode::Char(' ') && state.focus_is_text() =>
        {
            Press::Text(TextInput::from(key))
        }
        Some(action) => Press::Action(action),
        None => Press::Text(TextInput::from(key)),
    };
    perform(state, context, press)
}

/// Does what `press` means in `context`; the palette runs commands through here.
fn perform(state: &mut State, context: Context, press: Press) -> Vec<Effect> {
    let action = press.action();
    if action == Some(Action::Suspend) {
        // Nothing changes: the same screen comes back after `fg`.
        return vec![Effect::Suspend];
    }
    if action == Some(Action::Palette) && matches!(context, Context::List | Context::Form) {
        palette::open(state, context);
        return Vec::new();
    }
    match context {
        Context::Palette => palette::on_key(state, press),
        Context::Search => on_search(state, press),
        Context::Viewer => on_viewer(state, action),
        Context::Confirm => on_confirm(state, action),
        Context::Restore => restore::on_key(state, action),
        Context::Preview => preview::on_key(state, action),
        Context::Conflict => conflict::on_key(state, action),
        Context::List | Context::Filter => list::on_key(state, context, press),
        Context::Form | Context::Dropdown => form::on_key(state, context, press),
        Context::History => history::on_key(state, action),
        Context::BulkPick | Context::BulkText | Context::BulkPreview | Context::BulkResults => {
            bulk::on_key(state, context, press)
        }
        Context::KeyValue if action == Some(Action::Quit) => request_quit(state),
        Context::KeyValue => {
            if let Some(form) = state.form.as_mut() {
                let backend = std::sync::Arc::clone(&state.backend);
                entries::on_key(form, &backend, press);
            }
            Vec::new()
        }
    }
}

/// Quits, asking first when a form has unsent changes (a second Ctrl-C in the question quits).
fn request_quit(state: &mut State) -> Vec<Effect> {
    let dirty = state.form.as_ref().is_some_and(|f| f.draft.is_dirty());
    let asking = matches!(state.overlay, Some(Overlay::ConfirmDiscard { .. }));
    if dirty && !asking {
        state.overlay = Some(Overlay::ConfirmDiscard { then_quit: true });
        return Vec::new();
    }
    state.overlay = None;
    state.quitting = true;
    state.retrying = None;
    // The form stays: leaving without a "yes" keeps unsent edits in the journal for next time.
    // Every send still in flight may have reached the server: its history entry says unknown.
    let mut effects = state.requests.cancel_all();
    effects.push(Effect::Quit);
    effects
}

fn on_viewer(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    if action == Some(Action::Quit) {
        return request_quit(state);
    }
    if action == Some(Action::Search)
        && let Some(Overlay::Help { search, scroll }) = &mut state.overlay
    {
        *search = Some(String::new());
        *scroll = 0;
        return Vec::new();
    }
    let Some(Overlay::Help { scroll, .. } | Overlay::Response { scroll }) = &mut state.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        Some(Action::Down) => *scroll = scroll.saturating_add(1),
        Some(Action::PageUp) => *scroll = scroll.saturating_sub(10),
        Some(Action::PageDown) => *scroll = scroll.saturating_add(10),
        Some(Action::Close) => state.overlay = None,
        _ => {}
    }
    Vec::new()
}

/// Typing a search into the help screen.
fn on_search(state: &mut State, press: Press) -> Vec<Effect> {
    let Some(Overlay::Help { scroll, search: Some(query) }) = &mut state.overlay else { return Vec::new() };
    match press.action() {
        Some(Action::Quit) => return request_quit(state),
        Some(Action::ClearFilter) => state.overlay = Some(Overlay::Help { scroll: 0, search: None }),
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        Some(Action::Down) => *scroll = scroll.saturating_add(1),
        _ if press.is_backspace() => {
            query.pop();
            *scroll = 0;
        }
        _ => {
            if let Some(c) = press.typed_char() {
                query.push(c);
                *scroll = 0;
            }
        }
    }
    Vec::new()
}

fn on_confirm(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    let Some(Overlay::ConfirmDiscard { then_quit }) = state.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Yes) => {
            state.overlay = None;
            state.form = None;
            let mut effects = state.requests.cancel(Purpose::is_form);
            restore::offer_rest(state);
            if then_quit {
                state.quitting = true;
                effects.extend(state.requests.cancel_all());
                effects.push(Effect::Quit);
            } else {
                state.notify("Changes discarded", false);
            }
            effects
        }
        Some(Action::No) => {
            state.overlay = None;
            Vec::new()
        }
        Some(Action::Quit) => request_quit(state),
        _ => Vec::new(),
    }
}
