//! The application: state, the messages that change it, and the effects it asks for.
//!
//! [`update`] is pure: it never does I/O. It returns [`Effect`]s, which the event loop in
//! [`runtime`] runs on tokio tasks, feeding their results back as [`Message`]s.

mod conflict;
pub mod entries;
mod filter;
mod form;
mod keeper;
pub mod keymap;
mod list;
mod restore;
pub mod runtime;
mod sending;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyEvent, KeyEventKind};
use serde_json::Value;

pub use conflict::{Conflict, Conflicts, Side};
pub use entries::EntryEditor;
pub use filter::Filter;
pub use form::{Dropdown, Form, Outcome};
pub use keeper::DraftKeeper;
pub use list::{ContactList, search_text};

use crate::backend::Backend;
use crate::http::{Exchange, Fetched, HttpError, Page, PageRequest, Retry};
use crate::journal::SavedDraft;
use keymap::{Action, Context};

/// Identifies one request, so an answer to a request the user has moved on from is dropped.
pub type Tag = u64;

/// Something that happened: a key, an answer, a tick of the spinner.
#[derive(Debug)]
pub enum Message {
    /// A key was pressed.
    Key(KeyEvent),
    /// Text was pasted.
    Paste(String),
    /// The terminal changed size (the next draw adapts).
    Resized,
    /// Time passed while something is in flight (animates the spinner).
    Tick,
    /// A list page arrived.
    PageLoaded { tag: Tag, result: Result<Page, HttpError> },
    /// A contact arrived.
    ContactLoaded { tag: Tag, result: Result<Fetched, HttpError> },
    /// The server answered an update.
    Saved { tag: Tag, result: Result<Fetched, HttpError> },
    /// A read failed and will be tried again.
    Retrying { tag: Tag, retry: Retry },
    /// A draft could not be written to disk.
    JournalFailed(String),
}

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Fetch a page of the list.
    LoadPage { tag: Tag, page: PageRequest },
    /// Fetch one contact.
    LoadContact { tag: Tag, id: String },
    /// Send an update.
    Save { tag: Tag, id: String, body: Value },
    /// Abandon a request in flight.
    Cancel { tag: Tag },
    /// Forget a stored draft the user discarded.
    DropDraft { contact_id: String },
    /// Leave rolo.
    Quit,
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

/// A screen drawn over the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The keymap.
    Help { scroll: u16 },
    /// The last request and response in full.
    Response { scroll: u16 },
    /// "Discard your changes?"
    ConfirmDiscard { then_quit: bool },
    /// Drafts left by an earlier run: restore, discard, or decide later.
    Restore { selected: usize },
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
    pub restorable: Vec<SavedDraft>,
    /// The retry a read in flight is waiting for, for the status line.
    pub retrying: Option<Retry>,
    /// Leave out what changes from run to run (request latency), for `rolo render`.
    pub deterministic: bool,
    next_tag: Tag,
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
            retrying: None,
            deterministic: false,
            next_tag: 1,
        }
    }

    /// Offers drafts an earlier run left unsent (for this backend only).
    pub fn offer_drafts(&mut self, drafts: Vec<SavedDraft>) {
        self.restorable =
            drafts.into_iter().filter(|d| d.backend == self.backend.name && !d.edits.is_empty()).collect();
        if !self.restorable.is_empty() {
            self.overlay = Some(Overlay::Restore { selected: 0 });
        }
    }

    /// The effects to run at start-up: load the first page.
    pub fn start(&mut self) -> Vec<Effect> {
        self.list.reload(&self.backend, &mut self.next_tag).into_iter().collect()
    }

    /// True while a request is in flight (the spinner turns).
    pub fn is_busy(&self) -> bool {
        self.list.loading.is_some() || self.form.as_ref().is_some_and(Form::is_busy)
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help { .. } | Overlay::Response { .. }) => Context::Viewer,
            Some(Overlay::ConfirmDiscard { .. }) => Context::Confirm,
            Some(Overlay::Restore { .. }) => Context::Restore,
            None => match &self.form {
                Some(form) if form.dropdown.is_some() => Context::Dropdown,
                Some(form) if form.conflicts.is_some() => Context::Conflict,
                Some(form) if form.entries.is_some() => Context::KeyValue,
                Some(_) => Context::Form,
                None if self.list.typing => Context::Filter,
                None => Context::List,
            },
        }
    }

    fn tag(&mut self) -> Tag {
        let tag = self.next_tag;
        self.next_tag += 1;
        tag
    }

    fn record_exchange(&mut self, exchange: &Exchange) {
        self.last_request = Some(LastRequest {
            label: format!("{} {}", exchange.method, exchange.short_target()),
            status: exchange.status,
            latency: exchange.latency,
        });
        self.last_exchange = Some(exchange.clone());
    }

    fn notify(&mut self, text: impl Into<String>, is_error: bool) {
        self.notice = Some(Notice { text: text.into(), is_error });
    }
}

/// Applies one message to the state and returns the work it calls for.
pub fn update(state: &mut State, message: Message) -> Vec<Effect> {
    match message {
        Message::Key(key) if key.kind == KeyEventKind::Press => on_key(state, key),
        Message::Key(_) | Message::Resized => Vec::new(),
        Message::Paste(text) => {
            match &mut state.form {
                Some(form) if state.overlay.is_none() => form.paste(&state.backend, &text),
                _ if state.list.typing => state.list.paste(&text),
                _ => {}
            }
            Vec::new()
        }
        Message::Tick => {
            state.spinner = state.spinner.wrapping_add(1);
            Vec::new()
        }
        Message::PageLoaded { tag, result } => {
            state.retrying = None;
            list::on_page(state, tag, result)
        }
        Message::ContactLoaded { tag, result } => {
            state.retrying = None;
            sending::on_contact(state, tag, result)
        }
        Message::Saved { tag, result } => sending::on_saved(state, tag, result),
        Message::Retrying { tag, retry } => {
            let current = state.list.loading == Some(tag)
                || state.form.as_ref().is_some_and(|f| f.refreshing == Some(tag) || f.checking == Some(tag));
            if current {
                state.retrying = Some(retry);
            }
            Vec::new()
        }
        Message::JournalFailed(error) => {
            state.notify(format!("Could not keep the draft on disk: {error}"), true);
            Vec::new()
        }
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    // A notice answers the last thing done; the next key moves on from it.
    state.notice = None;
    let context = state.context();
    let action = keymap::action_for(context, &key);
    match context {
        Context::Viewer => on_viewer(state, action),
        Context::Confirm => on_confirm(state, action),
        Context::Restore => restore::on_key(state, action),
        Context::Conflict => conflict::on_key(state, action),
        Context::List | Context::Filter => list::on_key(state, context, action, key),
        Context::Form | Context::Dropdown => form::on_key(state, context, action, key),
        Context::KeyValue if action == Some(Action::Quit) => request_quit(state),
        Context::KeyValue => {
            if let Some(form) = state.form.as_mut() {
                let backend = std::sync::Arc::clone(&state.backend);
                entries::on_key(form, &backend, action, key);
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
    let mut effects: Vec<Effect> = state.form.as_ref().map(Form::cancel_all).unwrap_or_default();
    effects.extend(state.list.loading.take().map(|tag| Effect::Cancel { tag }));
    effects.push(Effect::Quit);
    effects
}

fn on_viewer(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    if action == Some(Action::Quit) {
        return request_quit(state);
    }
    let Some(Overlay::Help { scroll } | Overlay::Response { scroll }) = &mut state.overlay else {
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

fn on_confirm(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    let Some(Overlay::ConfirmDiscard { then_quit }) = state.overlay.clone() else {
        return Vec::new();
    };
    match action {
        Some(Action::Yes) => {
            state.overlay = None;
            let mut effects: Vec<Effect> = state.form.take().into_iter().flat_map(|f| f.cancel_all()).collect();
            restore::offer_rest(state);
            if then_quit {
                state.quitting = true;
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
