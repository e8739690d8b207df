//! Bulk edit: contacts marked in the list get one field set to one value. The user picks the
//! field, then the value, reviews the requests, and sends them one contact at a time: each is
//! fetched fresh, its draft built and validated, then sent through the normal update. Failures
//! keep their drafts and can be retried.

use std::collections::HashSet;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;
use serde_json::Value;

use super::keymap::{Action, Context};
use super::{Effect, Overlay, State, Tag};
use crate::backend::{Backend, FieldKind};
use crate::history::HistoryEntry;
use crate::http::{Fetched, HttpError, Outgoing};
use crate::journal::SavedDraft;
use crate::record::countries::countries;
use crate::record::{Contact, Draft, Input};
use crate::validate::{check_field, validate};

/// Marks in the list, and the bulk edit under way (if any).
#[derive(Debug, Default)]
pub struct BulkView {
    /// Ids of the marked contacts.
    pub marks: HashSet<String>,
    /// The open bulk edit.
    pub edit: Option<BulkEdit>,
}

/// Where a bulk edit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Choosing the field.
    Field,
    /// Choosing or typing the value.
    Value,
    /// Looking at the requests before sending.
    Preview,
    /// Sending, then the results.
    Results,
}

/// One value to choose for an enum, country or yes/no field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueChoice {
    /// What the draft gets.
    pub input: Input,
    /// What the user sees.
    pub label: String,
}

/// One contact's request, as the preview shows it.
#[derive(Debug, Clone)]
pub struct PreviewItem {
    /// The contact's display name.
    pub title: String,
    /// The contact's id.
    pub contact_id: String,
    /// The request, once described; `None` when the contact will not be sent.
    pub outgoing: Option<Outgoing>,
    /// Why the contact will not be sent as it is (checked again after the fresh fetch).
    pub problem: Option<String>,
    /// The field's value now and after, as sent: `"LG" → "3XL"`.
    pub change: String,
}

/// How one contact's send went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemStatus {
    /// Not started yet.
    Waiting,
    /// Being fetched fresh.
    Fetching(Tag),
    /// The update is in flight.
    Sending(Tag),
    /// The server stored it (status).
    Stored(Option<u16>),
    /// It already had the value: nothing sent.
    Unchanged,
    /// Not stored: why.
    Failed(String),
    /// Not sent: the user stopped the run.
    Stopped,
}

/// One contact of the run.
#[derive(Debug, Clone)]
pub struct Item {
    /// The contact's id.
    pub contact_id: String,
    /// The contact's display name.
    pub title: String,
    /// Where its send is.
    pub status: ItemStatus,
    /// The draft of a failed send, kept for retrying and review.
    pub draft: Option<Draft>,
    /// True once the draft was handed to the draft journal.
    kept: bool,
}

impl Item {
    /// Keeps the failed draft in the draft journal too, unless an earlier run's draft for
    /// this contact waits there (it is never overwritten).
    fn keep(&mut self, restorable: &[SavedDraft]) -> Option<Effect> {
        let draft = self.draft.as_ref()?;
        if restorable.iter().any(|d| d.contact_id == self.contact_id) {
            return None;
        }
        self.kept = true;
        Some(Effect::KeepDraft(SavedDraft::of(draft)))
    }
}

impl Item {
    fn is_done(&self) -> bool {
        matches!(self.status, ItemStatus::Stored(_) | ItemStatus::Unchanged | ItemStatus::Failed(_))
    }

    fn is_retryable(&self) -> bool {
        matches!(self.status, ItemStatus::Failed(_) | ItemStatus::Stopped)
    }
}

/// A bulk edit in progress.
#[derive(Debug)]
pub struct BulkEdit {
    /// The marked contacts, as the list has them.
    pub targets: Vec<Contact>,
    /// Where the user is.
    pub step: Step,
    /// The fields that can be set (writable, not key/value).
    pub fields: Vec<usize>,
    /// The highlighted field.
    pub field_cursor: usize,
    /// The chosen field.
    pub field: Option<usize>,
    /// The values to choose from (enum, country, yes/no fields).
    pub choices: Vec<ValueChoice>,
    /// The highlighted value.
    pub choice_cursor: usize,
    /// The value typed (other fields).
    pub editor: TextArea<'static>,
    /// Why the value was refused.
    pub error: Option<String>,
    /// The chosen value.
    pub input: Option<Input>,
    /// The requests, for the preview.
    pub preview: Vec<PreviewItem>,
    /// The description of the requests being made.
    pub describing: Option<Tag>,
    /// First line shown of the preview or results.
    pub scroll: u16,
    /// Each contact's send.
    pub items: Vec<Item>,
    /// True once the user stopped the run: nothing new is started.
    pub stopping: bool,
    jump: String,
}

impl BulkEdit {
    fn new(backend: &Backend, targets: Vec<Contact>) -> Self {
        let fields = backend
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.read_only && f.kind != FieldKind::KeyValue)
            .map(|(i, _)| i)
            .collect();
        Self {
            targets,
            step: Step::Field,
            fields,
            field_cursor: 0,
            field: None,
            choices: Vec::new(),
            choice_cursor: 0,
            editor: TextArea::default(),
            error: None,
            input: None,
            preview: Vec::new(),
            describing: None,
            scroll: 0,
            items: Vec::new(),
            stopping: false,
            jump: String::new(),
        }
    }

    /// Where keys go.
    pub fn context(&self) -> Context {
        match self.step {
            Step::Field => Context::BulkPick,
            Step::Value if self.choices.is_empty() => Context::BulkText,
            Step::Value => Context::BulkPick,
            Step::Preview => Context::BulkPreview,
            Step::Results => Context::BulkResults,
        }
    }

    /// Contacts done (stored, unchanged or failed) and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.items.iter().filter(|i| i.is_done()).count(), self.items.len())
    }

    /// True while a fetch or update is in flight.
    pub fn in_flight(&self) -> bool {
        self.items.iter().any(|i| matches!(i.status, ItemStatus::Fetching(_) | ItemStatus::Sending(_)))
            || self.describing.is_some()
    }

    fn tags(&self) -> Vec<Tag> {
        let sends = self.items.iter().filter_map(|i| match i.status {
            ItemStatus::Fetching(tag) | ItemStatus::Sending(tag) => Some(tag),
            _ => None,
        });
        sends.chain(self.describing).collect()
    }
}

/// Space: marks or unmarks the contact under the cursor, then moves down.
pub(super) fn toggle_mark(state: &mut State) {
    let Some(id) = state.list.selected().map(|c| c.id.clone()) else { return };
    let marks = &mut state.bulk.marks;
    if !marks.remove(&id) {
        marks.insert(id);
    }
}

/// Forgets every mark.
pub(super) fn clear_marks(state: &mut State) {
    let count = state.bulk.marks.len();
    state.bulk.marks.clear();
    if count > 0 {
        state.notify(format!("{count} mark(s) cleared"), false);
    }
}

/// `B`: opens bulk edit for the marked contacts.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    if state.session.read_only {
        state.notify("read-only profile: bulk edit is refused", true);
        return Vec::new();
    }
    let targets: Vec<Contact> =
        state.list.contacts.iter().filter(|c| state.bulk.marks.contains(&c.id)).cloned().collect();
    if targets.is_empty() {
        let key = state.keymap.key_for(Context::List, Action::ToggleMark);
        state.notify(format!("No contact is marked: {key} marks the one under the cursor"), true);
        return Vec::new();
    }
    state.bulk.edit = Some(BulkEdit::new(&state.backend, targets));
    state.overlay = Some(Overlay::Bulk);
    Vec::new()
}

/// True when `tag` is a fetch of the bulk run.
pub(super) fn owns_contact(state: &State, tag: Tag) -> bool {
    state.bulk.edit.as_ref().is_some_and(|e| e.items.iter().any(|i| i.status == ItemStatus::Fetching(tag)))
}

/// True when `tag` is an update of the bulk run.
pub(super) fn owns_save(state: &State, tag: Tag) -> bool {
    state.bulk.edit.as_ref().is_some_and(|e| e.items.iter().any(|i| i.status == ItemStatus::Sending(tag)))
}

fn typed_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => Some(c),
        _ => None,
    }
}

/// Keys on the bulk screen.
pub(super) fn on_key(state: &mut State, context: Context, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
    if action == Some(Action::Quit) {
        return super::request_quit(state);
    }
    let backend = Arc::clone(&state.backend);
    let Some(edit) = state.bulk.edit.as_mut() else {
        state.overlay = None;
        return Vec::new();
    };
    match (edit.step, action) {
        (Step::Field | Step::Value, Some(Action::Back)) => {
            if edit.step == Step::Field {
                state.overlay = None;
                state.bulk.edit = None;
            } else {
                edit.step = Step::Field;
                edit.error = None;
            }
        }
        (Step::Field, _) => pick_field(edit, &backend, action, key),
        (Step::Value, Some(Action::Choose)) => return choose_value(state),
        (Step::Value, _) if context == Context::BulkText => {
            let newline = matches!(key.code, KeyCode::Enter | KeyCode::Char('\n' | '\r'));
            if !newline && edit.editor.input(key) {
                edit.error = None;
            }
        }
        (Step::Value, _) => pick_value(edit, action, key),
        (Step::Preview, Some(Action::Up)) => edit.scroll = edit.scroll.saturating_sub(1),
        (Step::Preview, Some(Action::Down)) => edit.scroll = edit.scroll.saturating_add(1),
        (Step::Preview, Some(Action::PageUp)) => edit.scroll = edit.scroll.saturating_sub(10),
        (Step::Preview, Some(Action::PageDown)) => edit.scroll = edit.scroll.saturating_add(10),
        (Step::Preview, Some(Action::Back)) => {
            let effects = edit.describing.take().map(|tag| Effect::Cancel { tag });
            edit.step = Step::Value;
            return effects.into_iter().collect();
        }
        (Step::Preview, Some(Action::SendAll)) => return start_sending(state),
        (Step::Results, Some(Action::Up)) => edit.scroll = edit.scroll.saturating_sub(1),
        (Step::Results, Some(Action::Down)) => edit.scroll = edit.scroll.saturating_add(1),
        (Step::Results, Some(Action::Retry)) => return retry(state),
        (Step::Results, Some(Action::Stop)) => return stop_or_close(state),
        _ => {}
    }
    Vec::new()
}

fn pick_field(edit: &mut BulkEdit, backend: &Backend, action: Option<Action>, key: KeyEvent) {
    let last = edit.fields.len().saturating_sub(1);
    match action {
        Some(Action::Up) => edit.field_cursor = edit.field_cursor.saturating_sub(1),
        Some(Action::Down) => edit.field_cursor = (edit.field_cursor + 1).min(last),
        Some(Action::PageUp) => edit.field_cursor = edit.field_cursor.saturating_sub(10),
        Some(Action::PageDown) => edit.field_cursor = (edit.field_cursor + 10).min(last),
        Some(Action::Choose) => {
            let Some(&index) = edit.fields.get(edit.field_cursor) else { return };
            edit.field = Some(index);
            edit.choices = choices(backend, index);
            edit.choice_cursor = 0;
            edit.editor = TextArea::default();
            edit.error = None;
            edit.jump.clear();
            edit.step = Step::Value;
        }
        _ => {
            if let Some(c) = typed_char(&key) {
                let labels: Vec<String> = edit.fields.iter().map(|&i| backend.fields[i].label.clone()).collect();
                if let Some(found) = jump(&mut edit.jump, c, &labels) {
                    edit.field_cursor = found;
                }
            }
        }
    }
}

fn pick_value(edit: &mut BulkEdit, action: Option<Action>, key: KeyEvent) {
    let last = edit.choices.len().saturating_sub(1);
    match action {
        Some(Action::Up) => edit.choice_cursor = edit.choice_cursor.saturating_sub(1),
        Some(Action::Down) => edit.choice_cursor = (edit.choice_cursor + 1).min(last),
        Some(Action::PageUp) => edit.choice_cursor = edit.choice_cursor.saturating_sub(10),
        Some(Action::PageDown) => edit.choice_cursor = (edit.choice_cursor + 10).min(last),
        _ => {
            if let Some(c) = typed_char(&key) {
                let labels: Vec<String> = edit.choices.iter().map(|c| c.label.clone()).collect();
                if let Some(found) = jump(&mut edit.jump, c, &labels) {
                    edit.choice_cursor = found;
                }
            }
        }
    }
}

/// Type-to-jump: the first label starting with everything typed so far; a key that matches
/// nothing starts a new search.
fn jump(typed: &mut String, c: char, labels: &[String]) -> Option<usize> {
    let find = |prefix: &str| {
        let prefix = prefix.to_lowercase();
        labels.iter().position(|l| l.to_lowercase().starts_with(&prefix))
    };
    typed.push(c);
    if let Some(found) = find(typed) {
        return Some(found);
    }
    *typed = c.to_string();
    find(typed)
}

/// The values to choose from for field `index`; empty for fields typed as text.
fn choices(backend: &Backend, index: usize) -> Vec<ValueChoice> {
    let field = &backend.fields[index];
    let mut choices = Vec::new();
    let text = |value: &str, label: String| ValueChoice { input: Input::Text(value.to_string()), label };
    match field.kind {
        FieldKind::Bool => {
            choices.push(ValueChoice { input: Input::Toggle(true), label: "true".into() });
            choices.push(ValueChoice { input: Input::Toggle(false), label: "false".into() });
        }
        FieldKind::Enum => choices.extend(field.values.iter().map(|v| text(&v.text(), v.text()))),
        FieldKind::Country => {
            choices.extend(countries().iter().map(|(code, name)| text(code, format!("{code}  {name}"))));
        }
        _ => return choices,
    }
    if !field.required && field.kind != FieldKind::Bool {
        choices.push(text("", "(none)".into()));
    }
    if field.nullable {
        choices.push(ValueChoice { input: Input::Null, label: "null".into() });
    }
    choices
}

/// The draft for one contact: its record with the field set.
fn draft_for(backend: &Arc<Backend>, contact: Contact, field: usize, input: &Input) -> Draft {
    let mut draft = Draft::new(backend, contact);
    draft.set(field, input.clone());
    draft
}

/// Why `draft` cannot be sent as it is, if it cannot.
fn problem(backend: &Backend, draft: &Draft) -> Option<String> {
    let errors = validate(backend, draft);
    let first = errors.first()?;
    Some(format!("not sent: {}: {}", backend.fields[first.field].label, first.message))
}

/// Enter on a value: checks it, then describes each contact's request for the preview.
fn choose_value(state: &mut State) -> Vec<Effect> {
    let backend = Arc::clone(&state.backend);
    let tag = state.tag();
    let Some(edit) = state.bulk.edit.as_mut() else { return Vec::new() };
    let Some(index) = edit.field else { return Vec::new() };
    let field = &backend.fields[index];
    let input = if edit.choices.is_empty() {
        let text = edit.editor.lines().concat();
        if text.trim().is_empty() && field.nullable { Input::Null } else { Input::Text(text) }
    } else {
        match edit.choices.get(edit.choice_cursor) {
            Some(choice) => choice.input.clone(),
            None => return Vec::new(),
        }
    };
    if let Err(message) = check_field(field, &input) {
        edit.error = Some(message);
        return Vec::new();
    }
    let mut requests = Vec::new();
    edit.preview.clear();
    for contact in &edit.targets {
        let title = contact.title(&backend);
        let draft = draft_for(&backend, contact.clone(), index, &input);
        let change = {
            let entry = HistoryEntry::of(&draft, "");
            entry.changes.first().map(|c| format!("{} → {}", c.before, c.after)).unwrap_or_default()
        };
        let problem = if !draft.is_dirty() {
            Some("already has this value: nothing to send".to_string())
        } else {
            problem(&backend, &draft)
        };
        let problem = match (problem, draft.body()) {
            (None, Ok(body)) => {
                requests.push((contact.update_id(&backend), body));
                None
            }
            (None, Err((_, message))) => Some(format!("not sent: {message}")),
            (problem, _) => problem,
        };
        edit.preview.push(PreviewItem { title, contact_id: contact.id.clone(), outgoing: None, problem, change });
    }
    edit.input = Some(input);
    edit.error = None;
    edit.scroll = 0;
    edit.step = Step::Preview;
    edit.describing = Some(tag);
    vec![Effect::DescribeUpdates { tag, requests }]
}

/// The requests are described (method, redacted URL, body).
pub(super) fn on_described(state: &mut State, tag: Tag, result: Result<Vec<Outgoing>, HttpError>) -> Vec<Effect> {
    let Some(edit) = state.bulk.edit.as_mut().filter(|e| e.describing == Some(tag)) else { return Vec::new() };
    edit.describing = None;
    let Ok(outgoing) = result else { return Vec::new() };
    let mut outgoing = outgoing.into_iter();
    for item in edit.preview.iter_mut().filter(|p| p.problem.is_none()) {
        item.outgoing = outgoing.next();
    }
    Vec::new()
}

/// Enter or `y` in the preview: sends, one contact at a time.
fn start_sending(state: &mut State) -> Vec<Effect> {
    if state.session.read_only {
        state.notify("read-only profile: bulk edit is refused", true);
        return Vec::new();
    }
    let backend = Arc::clone(&state.backend);
    let Some(edit) = state.bulk.edit.as_mut() else { return Vec::new() };
    if edit.describing.is_some() {
        return Vec::new();
    }
    edit.items = edit
        .targets
        .iter()
        .map(|c| Item {
            contact_id: c.id.clone(),
            title: c.title(&backend),
            status: ItemStatus::Waiting,
            draft: None,
            kept: false,
        })
        .collect();
    edit.stopping = false;
    edit.scroll = 0;
    edit.step = Step::Results;
    launch_next(state)
}

/// Starts the next waiting contact, unless one is in flight or the run was stopped.
fn launch_next(state: &mut State) -> Vec<Effect> {
    let tag = state.next_tag;
    let Some(edit) = state.bulk.edit.as_mut() else { return Vec::new() };
    if edit.stopping || edit.items.iter().any(|i| matches!(i.status, ItemStatus::Fetching(_) | ItemStatus::Sending(_)))
    {
        return Vec::new();
    }
    let Some(item) = edit.items.iter_mut().find(|i| i.status == ItemStatus::Waiting) else {
        return finished(state);
    };
    state.next_tag += 1;
    item.status = ItemStatus::Fetching(tag);
    vec![Effect::LoadContact { tag, id: item.contact_id.clone() }]
}

/// Every contact has been tried: says how it went, and unmarks the stored ones.
fn finished(state: &mut State) -> Vec<Effect> {
    let Some(edit) = state.bulk.edit.as_ref() else { return Vec::new() };
    let failed = edit.items.iter().filter(|i| i.is_retryable()).count();
    let done: Vec<String> = edit.items.iter().filter(|i| !i.is_retryable()).map(|i| i.contact_id.clone()).collect();
    let total = edit.items.len();
    for id in done {
        state.bulk.marks.remove(&id);
    }
    if failed == 0 {
        state.notify(format!("Bulk edit done: {total} of {total} contacts stored"), false);
    } else {
        let key = state.keymap.key_for(Context::BulkResults, Action::Retry);
        state.notify(format!("{failed} of {total} contacts not stored; {key} retries them"), true);
    }
    Vec::new()
}

/// A contact fetched fresh: builds its draft, checks it, and sends it.
pub(super) fn on_contact(state: &mut State, tag: Tag, result: Result<Fetched, HttpError>) -> Vec<Effect> {
    let backend = Arc::clone(&state.backend);
    let profile = state.session.profile.clone();
    let save_tag = state.next_tag;
    let Some(edit) = state.bulk.edit.as_mut() else { return Vec::new() };
    let (Some(index), Some(input)) = (edit.field, edit.input.clone()) else { return Vec::new() };
    let Some(item) = edit.items.iter_mut().find(|i| i.status == ItemStatus::Fetching(tag)) else {
        return Vec::new();
    };
    let fetched = match result {
        Ok(fetched) => fetched,
        Err(error) => {
            item.status = ItemStatus::Failed(format!("fetching it failed: {}", one_line(&error)));
            state.record_exchange(error.exchange());
            return launch_next(state);
        }
    };
    let mut effects = Vec::new();
    match fetched.contact.filter(|c| c.id == item.contact_id) {
        None => item.status = ItemStatus::Failed("the server did not answer with this contact".into()),
        Some(contact) => {
            state.list.replace(&backend, contact.clone());
            let draft = draft_for(&backend, contact.clone(), index, &input);
            if !draft.is_dirty() {
                item.status = ItemStatus::Unchanged;
            } else if let Some(problem) = problem(&backend, &draft) {
                item.status = ItemStatus::Failed(problem);
                item.draft = Some(draft);
                effects.extend(item.keep(&state.restorable));
            } else {
                match draft.body() {
                    Err((_, message)) => {
                        item.status = ItemStatus::Failed(format!("not sent: {message}"));
                        item.draft = Some(draft);
                    }
                    Ok(body) => {
                        state.next_tag += 1;
                        item.status = ItemStatus::Sending(save_tag);
                        let entry = HistoryEntry::of(&draft, &profile);
                        item.draft = Some(draft);
                        effects.push(Effect::Save { tag: save_tag, id: contact.update_id(&backend), body });
                        super::history::note_entry(state, save_tag, entry);
                        state.record_exchange(&fetched.exchange);
                        return effects;
                    }
                }
            }
        }
    }
    state.record_exchange(&fetched.exchange);
    effects.extend(launch_next(state));
    effects
}

/// The answer to one contact's update.
pub(super) fn on_saved(state: &mut State, tag: Tag, result: Result<Fetched, HttpError>) -> Vec<Effect> {
    let backend = Arc::clone(&state.backend);
    let Some(edit) = state.bulk.edit.as_mut() else { return Vec::new() };
    let Some(item) = edit.items.iter_mut().find(|i| i.status == ItemStatus::Sending(tag)) else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    match result {
        Ok(fetched) => {
            item.status = ItemStatus::Stored(fetched.exchange.status);
            item.draft = None;
            if std::mem::take(&mut item.kept) {
                effects.push(Effect::DropDraft { contact_id: item.contact_id.clone() });
            }
            if let Some(contact) = fetched.contact.clone().filter(|c| c.id == item.contact_id) {
                state.list.replace(&backend, contact);
            }
            state.record_exchange(&fetched.exchange);
        }
        Err(error) => {
            item.status = ItemStatus::Failed(one_line(&error));
            effects.extend(item.keep(&state.restorable));
            state.record_exchange(error.exchange());
        }
    }
    effects.extend(launch_next(state));
    effects
}

/// An error on one line, with the fields a 422 names.
fn one_line(error: &HttpError) -> String {
    match error {
        // The fields the server names say more than its summary.
        HttpError::Status { status, field_errors, .. } if !field_errors.is_empty() => {
            let named: Vec<String> = field_errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            format!("{status}: {}", named.join("; "))
        }
        _ => error.to_string().replace('\n', " "),
    }
}

/// `r` in the results: sends the failed and stopped contacts again.
fn retry(state: &mut State) -> Vec<Effect> {
    if state.session.read_only {
        state.notify("read-only profile: bulk edit is refused", true);
        return Vec::new();
    }
    let Some(edit) = state.bulk.edit.as_mut() else { return Vec::new() };
    if edit.in_flight() {
        state.notify("Still sending; wait for the run to finish", false);
        return Vec::new();
    }
    let mut count = 0;
    for item in edit.items.iter_mut().filter(|i| i.is_retryable()) {
        item.status = ItemStatus::Waiting;
        count += 1;
    }
    if count == 0 {
        state.notify("Nothing to retry: every contact was stored", false);
        return Vec::new();
    }
    edit.stopping = false;
    launch_next(state)
}

/// Esc in the results: stops launching new sends (those in flight finish), or closes.
fn stop_or_close(state: &mut State) -> Vec<Effect> {
    let Some(edit) = state.bulk.edit.as_mut() else { return Vec::new() };
    if edit.in_flight() && !edit.stopping {
        edit.stopping = true;
        for item in edit.items.iter_mut().filter(|i| i.status == ItemStatus::Waiting) {
            item.status = ItemStatus::Stopped;
        }
        state.notify("Stopping: the request in flight finishes, no new one starts", false);
        return Vec::new();
    }
    if edit.in_flight() {
        return Vec::new();
    }
    state.overlay = None;
    state.bulk.edit = None;
    Vec::new()
}

/// Effects that abandon the bulk run's requests (on quitting).
pub(super) fn cancel_all(state: &State) -> Vec<Effect> {
    state
        .bulk
        .edit
        .as_ref()
        .map(|e| e.tags().into_iter().map(|tag| Effect::Cancel { tag }).collect())
        .unwrap_or_default()
}

/// The body as one line, for the preview.
pub fn compact(body: &Value) -> String {
    serde_json::to_string(body).unwrap_or_default()
}
