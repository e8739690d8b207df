//! The event loop: draws when something changed, runs effects on tokio tasks, and feeds
//! their answers back as messages. Generic over the ratatui backend and the event stream,
//! so tests drive the whole app with `TestBackend` and scripted keys.

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use crossterm::event::Event;
use std::panic::AssertUnwindSafe;

use futures::{FutureExt, Stream, StreamExt};
use ratatui::Terminal;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::editor_process::{Console, EditRequest, Keys};
use super::matching::Matching;
use super::{DraftKeeper, HistoryKeeper, IndexKeeper};
use crate::app::{Effect, Message, State, Tag, update};
use crate::http::{Client, HttpError, PageRequest, Retry, Written};
use crate::journal::Journal;
use crate::ui;
use crate::ui::theme::Theme;

/// How often the spinner turns while a request is in flight (never when idle).
const TICK: Duration = Duration::from_millis(120);

/// The state plus the machinery that runs its effects.
pub struct Runtime {
    /// The application state.
    pub state: State,
    client: Client,
    sender: mpsc::UnboundedSender<Message>,
    receiver: mpsc::UnboundedReceiver<Message>,
    tasks: HashMap<Tag, AbortHandle>,
    keeper: Option<DraftKeeper>,
    /// A document waiting for the user's editor (run by the event loop, or by `settle`).
    pending_edit: Option<EditRequest>,
    /// The editor command, instead of `$VISUAL`/`$EDITOR` (tests).
    editor: Option<String>,
    history: Option<HistoryKeeper>,
    /// The local index's reader and writer, when the profile keeps one.
    index: Option<IndexKeeper>,
    /// The user asked to suspend (Ctrl-Z); the event loop does it before reading on.
    suspend_pending: bool,
    /// Colours and text attributes (`[ui] theme`, `[theme]`, `NO_COLOR`).
    pub theme: Theme,
    /// Where the views are scrolled to, kept from one frame to the next.
    scroll: ui::Scroll,
    /// The thread that matches the filter's query, off the UI thread.
    matching: Matching,
}

impl Runtime {
    /// A runtime for `state`, talking through `client`; starts loading the first page.
    pub fn new(state: State, client: Client) -> Self {
        Self::with_index(state, client, None)
    }

    /// A runtime for `state` that keeps the local index at `index` (the list starts from its
    /// rows and refreshes it in the background).
    pub fn with_index(mut state: State, client: Client, index: Option<crate::connect::IndexPlace>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        state.wire = Some(client.wire().clone());
        let index = index.map(|place| IndexKeeper::start(place, client.redactor().clone(), sender.clone()));
        if index.is_some() {
            state.list.index = crate::app::ListIndex::on();
        }
        let effects = state.start();
        let mut runtime = Self {
            state,
            client,
            sender,
            receiver,
            tasks: HashMap::new(),
            keeper: None,
            pending_edit: None,
            editor: None,
            history: None,
            index,
            suspend_pending: false,
            theme: Theme::default(),
            scroll: ui::Scroll::default(),
            matching: Matching::start(),
        };
        runtime.run_effects(effects);
        runtime
    }

    /// Draws the state in the user's colours, with the profile's secret masked, each view
    /// scrolled on from where the last frame left it.
    pub fn draw(&mut self, frame: &mut ratatui::Frame) {
        let look = ui::Look { theme: &self.theme, secret: Some(self.client.redactor()) };
        ui::draw(frame, &self.state, look, &mut self.scroll);
    }

    /// Keeps unsent drafts in `journal` from now on.
    pub fn keep_drafts(&mut self, journal: Journal) {
        self.keeper = Some(DraftKeeper::start(journal, self.sender.clone()));
    }

    /// Records every send's answer in `history` from now on.
    pub fn keep_history(&mut self, history: crate::history::History) {
        self.history = Some(HistoryKeeper::start(history, self.sender.clone()));
    }

    /// Waits until every index write so far is on disk.
    pub fn flush_index(&self) {
        if let Some(index) = &self.index {
            index.flush();
        }
    }

    /// Waits until every history entry so far is on disk.
    pub fn flush_history(&self) {
        if let Some(history) = &self.history {
            history.flush();
        }
    }

    /// Writes the edits waiting out the coalescing window, and waits until every draft change
    /// so far is on disk: before exit, before lending the terminal, and in tests before looking.
    pub fn flush_drafts(&mut self) {
        if let Some(keeper) = &mut self.keeper {
            keeper.flush(&self.state);
        }
    }

    /// When the open form's edits are due on disk, if any wait.
    fn drafts_due(&self) -> Option<std::time::Instant> {
        self.keeper.as_ref().and_then(DraftKeeper::due)
    }

    /// Applies a message and starts the effects it calls for.
    pub fn dispatch(&mut self, message: Message) {
        if let Message::PageLoaded { tag, .. }
        | Message::ContactLoaded { tag, .. }
        | Message::Saved { tag, .. }
        | Message::HistoryLoaded { tag, .. }
        | Message::IndexRows { tag, end: Some(_), .. } = &message
        {
            self.tasks.remove(tag);
        }
        if let Message::Matched(matched) = &message
            && matched.is_last()
        {
            self.matching.finished();
        }
        let effects = update(&mut self.state, message);
        self.run_effects(effects);
        if let Some(keeper) = &mut self.keeper {
            keeper.follow(&self.state, std::time::Instant::now());
        }
    }

    /// Uses `command` as the external editor instead of `$VISUAL`/`$EDITOR`.
    pub fn set_editor(&mut self, command: impl Into<String>) {
        self.editor = Some(command.into());
    }

    /// Runs the editor for a waiting document, if any, and applies what comes back. The caller
    /// hands the terminal over first. Returns false when nothing was waiting.
    pub async fn run_pending_edit(&mut self) -> bool {
        let Some(request) = self.pending_edit.take() else { return false };
        let message = request.run(self.editor.as_deref()).await;
        self.dispatch(message);
        true
    }

    /// True when a document waits for the external editor.
    pub fn edit_pending(&self) -> bool {
        self.pending_edit.is_some()
    }

    /// Number of requests in flight.
    pub fn in_flight(&self) -> usize {
        self.tasks.len()
    }

    /// Waits for the next message from a request in flight (an answer, or news of a retry);
    /// `None` when nothing is in flight.
    pub async fn next_answer(&mut self) -> Option<Message> {
        if self.tasks.is_empty() {
            return None;
        }
        self.receiver.recv().await
    }

    /// Dispatches answers until no request is in flight and no matching runs, or `limit`
    /// passes. Returns false on timeout.
    pub async fn settle(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while self.run_pending_edit().await {}
        while !self.tasks.is_empty() || self.matching.is_running() {
            let next = async {
                tokio::select! {
                    message = self.matching.next() => Some(message),
                    message = self.receiver.recv(), if !self.tasks.is_empty() => message,
                }
            };
            match tokio::time::timeout_at(deadline, next).await {
                Ok(Some(message)) => self.dispatch(message),
                Ok(None) | Err(_) => return false,
            }
            while self.run_pending_edit().await {}
        }
        true
    }

    /// Waits (blocking) until the matching thread has answered every job, dispatching its
    /// answers and nothing else: for tests, which look at the list as a user would a moment
    /// after typing, without letting other answers (pages) in.
    pub fn finish_matching(&mut self) {
        while let Some(message) = self.matching.wait_next() {
            self.dispatch(message);
        }
    }

    fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.run(effect);
        }
    }

    fn run(&mut self, effect: Effect) {
        let client = self.client.clone();
        let (tag, task) = match effect {
            Effect::Quit => return,
            Effect::Suspend => {
                self.suspend_pending = true;
                return;
            }
            Effect::EditExternally { contact_id, text, extension } => {
                self.pending_edit = Some(EditRequest { contact_id, text, extension });
                return;
            }
            Effect::DropDraft { contact_id } => {
                if let Some(keeper) = &mut self.keeper {
                    keeper.drop_draft(contact_id);
                }
                return;
            }
            Effect::DiscardDraft { file } => {
                if let Some(keeper) = &mut self.keeper {
                    keeper.discard(file);
                }
                return;
            }
            Effect::AdoptDraft { draft, file } => {
                if let Some(keeper) = &mut self.keeper {
                    keeper.adopt(draft, file);
                }
                return;
            }
            Effect::RecordHistory(entry) => {
                if let Some(history) = &self.history {
                    history.append(entry);
                }
                return;
            }
            Effect::KeepDraft(draft) => {
                if let Some(keeper) = &mut self.keeper {
                    keeper.keep(draft);
                }
                return;
            }
            Effect::LoadHistory { tag } => {
                let (answer, read) = tokio::sync::oneshot::channel();
                match &self.history {
                    Some(history) => history.read(answer),
                    None => {
                        let _ = answer.send(Err("no change history is kept in this session".into()));
                    }
                }
                let sender = self.sender.clone();
                let task = tokio::spawn(async move {
                    let result = read.await.unwrap_or_else(|_| Err("the history writer stopped".into()));
                    let _ = sender.send(Message::HistoryLoaded { tag, result });
                });
                (tag, task.abort_handle())
            }
            Effect::Cancel { tag } => {
                if let Some(task) = self.tasks.remove(&tag) {
                    task.abort();
                }
                return;
            }
            Effect::Match(job) => {
                self.matching.submit(job);
                return;
            }
            Effect::StopMatching => {
                self.matching.stop();
                return;
            }
            Effect::LoadPage { tag, page } => {
                let retries = self.retry_reporter(tag);
                let request = async move { client.list_watched(&page, &retries).await };
                (tag, self.spawn(request, internal_error, move |result| Message::PageLoaded { tag, result }))
            }
            Effect::LoadChanges { tag, page, since } => {
                let retries = self.retry_reporter(tag);
                let request = async move { client.list_changed_watched(&page, Some(&since), &retries).await };
                (tag, self.spawn(request, internal_error, move |result| Message::PageLoaded { tag, result }))
            }
            Effect::WriteIndex(write) => {
                if let Some(index) = &self.index {
                    index.write(write);
                }
                return;
            }
            Effect::ReadIndex { tag } => match &self.index {
                Some(index) => (tag, index.read(tag, self.sender.clone()).abort_handle()),
                None => {
                    let end = Some(crate::app::IndexEnd::default());
                    let _ = self.sender.send(Message::IndexRows { tag, rows: Vec::new(), end });
                    return;
                }
            },
            Effect::Search { tag, query } => {
                let first = PageRequest::first(&client.backend().list.paging);
                let request = async move { client.search(&query, &first).await.unwrap_or_else(no_search) };
                (tag, self.spawn(request, internal_error, move |result| Message::PageLoaded { tag, result }))
            }
            Effect::LoadContact { tag, id } => {
                let retries = self.retry_reporter(tag);
                let request = async move { client.get_watched(&id, &retries).await };
                (tag, self.spawn(request, internal_error, move |result| Message::ContactLoaded { tag, result }))
            }
            Effect::Save { tag, id, contact_id, body } => {
                let request = async move { client.write(&id, &contact_id, body).await };
                // The write may have gone out before the error: its outcome is unknown.
                let failed = || {
                    Written::Failed(HttpError::Interrupted {
                        message: "rolo hit an internal error while the request was out".into(),
                        exchange: Box::default(),
                    })
                };
                (tag, self.spawn(request, failed, move |written| Message::Saved { tag, written }))
            }
        };
        self.tasks.insert(tag, task);
    }

    /// Tells the app about each retry of request `tag`, for the status line.
    fn retry_reporter(&self, tag: Tag) -> impl Fn(Retry) + Send + Sync + 'static {
        let sender = self.sender.clone();
        move |retry| {
            let _ = sender.send(Message::Retrying { tag, retry });
        }
    }

    /// Runs a request on a task and sends its answer back; a panic in it becomes the answer
    /// `on_panic` gives, so the request never stays "in flight" forever.
    fn spawn<T, F, P, M>(&self, request: F, on_panic: P, message: M) -> AbortHandle
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
        P: FnOnce() -> T + Send + 'static,
        M: FnOnce(T) -> Message + Send + 'static,
    {
        let sender = self.sender.clone();
        let task = tokio::spawn(async move {
            let result = AssertUnwindSafe(request).catch_unwind().await.unwrap_or_else(|_| on_panic());
            let _ = sender.send(message(result));
        });
        task.abort_handle()
    }
}

/// A read's answer when handling it panicked.
fn internal_error<T>() -> Result<T, HttpError> {
    Err(HttpError::Unexpected {
        message: "rolo hit an internal error handling this answer".into(),
        exchange: Box::default(),
    })
}

/// A search's answer when the backend declares none (the app asks only when it does).
fn no_search<T>() -> Result<T, HttpError> {
    Err(HttpError::Unexpected { message: "the backend file declares no [search]".into(), exchange: Box::default() })
}

/// Runs rolo until the user quits or the event stream ends.
///
/// Draws only after something changed; while idle it sleeps on the event stream and the
/// answer channel, so it uses no CPU.
pub async fn run<B, E>(terminal: &mut Terminal<B>, events: E, runtime: &mut Runtime) -> io::Result<()>
where
    B: ratatui::backend::Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    run_on(terminal, &mut Keys(events), runtime).await
}

/// [`run`] on a console that can lend the terminal to the user's editor: while the editor
/// runs, no key is read and nothing is drawn; after it, the whole screen is drawn again.
pub async fn run_on<B, C>(terminal: &mut Terminal<B>, console: &mut C, runtime: &mut Runtime) -> io::Result<()>
where
    B: ratatui::backend::Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    C: Console,
{
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut stop_requests = console.stop_requests()?;
    let mut dirty = true;
    let size = terminal.size().map_err(io_error)?;
    runtime.dispatch(Message::Resized { width: size.width, height: size.height });
    loop {
        if dirty {
            terminal.draw(|frame| runtime.draw(frame)).map_err(io_error)?;
            dirty = false;
        }
        if runtime.state.quitting {
            return Ok(());
        }
        let busy = runtime.state.is_busy();
        let drafts_due = runtime.drafts_due();
        tokio::select! {
            event = console.events().next() => match event {
                Some(Ok(event)) => {
                    if let Some(message) = message_for(event) {
                        runtime.dispatch(message);
                        dirty = true;
                    }
                }
                Some(Err(error)) => return Err(error),
                // The terminal went away: nothing more can be typed or shown.
                None => return Ok(()),
            },
            Some(message) = runtime.receiver.recv() => {
                runtime.dispatch(message);
                dirty = true;
            }
            message = runtime.matching.next() => {
                runtime.dispatch(message);
                dirty = true;
            }
            _ = ticker.tick(), if busy => {
                runtime.dispatch(Message::Tick);
                dirty = true;
            }
            // SIGTSTP from outside (`kill -TSTP`): suspend the same way as Ctrl-Z.
            () = next_stop_request(&mut stop_requests) => runtime.suspend_pending = true,
            _ = sleep_until_due(drafts_due), if drafts_due.is_some() => {
                if let Some(keeper) = &mut runtime.keeper {
                    keeper.write_due(&runtime.state);
                }
            }
        }
        // Drain a burst (fast typing, several answers, matches) before drawing once.
        while let Some(message) = runtime.receiver.try_recv().ok().or_else(|| runtime.matching.try_next()) {
            runtime.dispatch(message);
            dirty = true;
        }
        if runtime.edit_pending() {
            // Lent once for every round: a document sent back with errors reopens at once.
            // Unsent edits reach the disk first: rolo may be killed while the editor runs.
            runtime.flush_drafts();
            if let Err(error) = console.suspend() {
                runtime.pending_edit = None;
                runtime.state.notify(format!("Could not hand the terminal to the editor: {error}"), true);
            } else {
                // Ctrl-Z in the editor stops its whole process group, rolo included, as before
                // rolo listened for SIGTSTP: the shell waits for rolo, not for the editor.
                let edits = async { while runtime.run_pending_edit().await {} };
                tokio::pin!(edits);
                loop {
                    tokio::select! {
                        () = &mut edits => break,
                        () = next_stop_request(&mut stop_requests) => {
                            let _ = console.stop();
                        }
                    }
                }
            }
            console.resume()?;
            redraw_all(terminal)?;
            dirty = true;
        }
        if std::mem::take(&mut runtime.suspend_pending) {
            // The terminal is restored before stopping, so the shell gets it back as it was;
            // `stop` returns once the process is continued (`fg`, SIGCONT).
            if let Err(error) = console.suspend().and_then(|()| console.stop()) {
                runtime.state.notify(format!("Could not suspend: {error}"), true);
            }
            console.resume()?;
            redraw_all(terminal)?;
            dirty = true;
        }
    }
}

/// A full redraw on a cleared screen, after the terminal was lent out. Not `Terminal::clear`:
/// it asks the terminal where the cursor is, and a terminal that does not answer would stop rolo.
fn redraw_all<B>(terminal: &mut Terminal<B>) -> io::Result<()>
where
    B: ratatui::backend::Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    terminal.backend_mut().clear().map_err(io_error)?;
    terminal.swap_buffers();
    Ok(())
}

/// The next stop request from outside; never, for a console that takes none.
async fn next_stop_request(requests: &mut Option<super::editor_process::StopRequests>) {
    match requests {
        #[cfg(unix)]
        Some(signal) => {
            signal.recv().await;
        }
        #[cfg(not(unix))]
        Some(never) => match *never {},
        None => std::future::pending().await,
    }
}

/// Resolves when the coalesced draft write is due.
async fn sleep_until_due(due: Option<std::time::Instant>) {
    if let Some(due) = due {
        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
    }
}

/// A backend's error as an I/O error (the crossterm backend's already is one).
fn io_error<E: std::error::Error + Send + Sync + 'static>(error: E) -> io::Error {
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(error);
    match boxed.downcast::<io::Error>() {
        Ok(error) => *error,
        Err(other) => io::Error::other(other),
    }
}

/// The message a terminal event becomes, if any (mouse moves are ignored, never woken for).
pub fn message_for(event: Event) -> Option<Message> {
    match event {
        Event::Key(key) => Some(Message::Key(key)),
        Event::Paste(text) => Some(Message::Paste(text)),
        Event::Resize(width, height) => Some(Message::Resized { width, height }),
        _ => None,
    }
}
