//! Bulk edit: contacts marked in the list get one field set to one value. The user picks the
//! field, then the value, reviews the requests, and sends them one contact at a time: each is
//! fetched fresh, its draft built and validated, then sent through the normal update. Failures
//! keep their drafts and can be retried.

mod send;
mod targets;

pub use send::compact;
pub(in crate::app) use send::{on_contact, on_saved, retry, start_sending, stop_or_close};
use std::collections::HashSet;
use std::sync::Arc;
pub(in crate::app) use targets::on_loaded;
pub use targets::{Target, fetched as targets_fetched};

use ratatui_textarea::{Key, TextArea};
use serde_json::Value;

use super::keymap::{Action, Context, Press, jump};
use super::{Effect, Overlay, Purpose, State};
use crate::backend::{Backend, Widget};
use crate::history::HistoryEntry;
use crate::http::{Fetched, HttpError, Outgoing, WriteOutcome, Written};
use crate::journal::SavedDraft;
use crate::record::{Choice, Contact, Draft, Input};
use crate::validate::{check_field, validate};

/// Marks in the list: the contacts a bulk edit would change. The edit itself lives in
/// [`Overlay::Bulk`], as long as its screen is open.
#[derive(Debug, Default)]
pub struct BulkView {
    /// Ids of the marked contacts.
    pub marks: HashSet<String>,
}

/// The bulk edit open over the list, if any.
pub(in crate::app) fn edit_of(overlay: &Option<Overlay>) -> Option<&BulkEdit> {
    match overlay {
        Some(Overlay::Bulk(edit)) => Some(edit),
        _ => None,
    }
}

/// The bulk edit open over the list, to change.
pub(in crate::app) fn edit_mut(overlay: &mut Option<Overlay>) -> Option<&mut BulkEdit> {
    match overlay {
        Some(Overlay::Bulk(edit)) => Some(edit),
        _ => None,
    }
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
    Fetching,
    /// The update is in flight.
    Sending,
    /// Stored: the outcome's summary (`Stored: 200`, and any field stored differently).
    Stored(String),
    /// It already had the value: nothing sent.
    Unchanged,
    /// Not stored: why (a refusal, or a problem found before sending).
    NotStored(String),
    /// Sent, but whether it was stored is unknown: why.
    Unknown(String),
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
    fn keep(&mut self, restorable: &[crate::journal::Offered]) -> Option<Effect> {
        let draft = self.draft.as_ref()?;
        if restorable.iter().any(|d| d.draft.contact_id == self.contact_id) {
            return None;
        }
        self.kept = true;
        Some(Effect::KeepDraft(SavedDraft::of(draft)))
    }
}

impl Item {
    fn is_done(&self) -> bool {
        matches!(
            self.status,
            ItemStatus::Stored(_) | ItemStatus::Unchanged | ItemStatus::NotStored(_) | ItemStatus::Unknown(_)
        )
    }

    fn is_retryable(&self) -> bool {
        matches!(self.status, ItemStatus::NotStored(_) | ItemStatus::Unknown(_) | ItemStatus::Stopped)
    }
}

/// A bulk edit in progress.
#[derive(Debug)]
pub struct BulkEdit {
    /// The marked contacts, in list order, as fetched when bulk edit opened.
    pub targets: Vec<Target>,
    /// Where the user is.
    pub step: Step,
    /// The fields that can be set (writable, not key/value).
    pub fields: Vec<usize>,
    /// The highlighted field.
    pub field_cursor: usize,
    /// The chosen field.
    pub field: Option<usize>,
    /// The values to choose from (enum, country, yes/no fields).
    pub choices: Vec<Choice>,
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
    /// First line shown of the preview or results.
    pub scroll: u16,
    /// Each contact's send.
    pub items: Vec<Item>,
    /// True once the user stopped the run: nothing new is started.
    pub stopping: bool,
    jump: String,
}

impl BulkEdit {
    fn new(backend: &Backend, ids: Vec<String>) -> Self {
        let targets = ids.into_iter().map(|id| Target::Loading { id }).collect();
        let fields = backend
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.read_only && f.kind.widget() != Widget::Entries)
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
    let ids: Vec<String> =
        state.list.contacts.iter().filter(|c| state.bulk.marks.contains(&c.id)).map(|c| c.id.clone()).collect();
    if ids.is_empty() {
        let key = state.keymap.key_for(Context::List, Action::ToggleMark);
        state.notify(format!("No contact is marked: {key} marks the one under the cursor"), true);
        return Vec::new();
    }
    state.overlay = Some(Overlay::Bulk(Box::new(BulkEdit::new(&state.backend, ids))));
    targets::load_next(state)
}

/// Keys on the bulk screen.
pub(super) fn on_key(state: &mut State, context: Context, press: Press) -> Vec<Effect> {
    let action = press.action();
    if action == Some(Action::Quit) {
        return super::request_quit(state);
    }
    let backend = Arc::clone(&state.backend);
    let Some(edit) = edit_mut(&mut state.overlay) else { return Vec::new() };
    match (edit.step, action) {
        (Step::Field | Step::Value, Some(Action::Back)) => {
            if edit.step == Step::Field {
                state.overlay = None;
            } else {
                edit.step = Step::Field;
                edit.error = None;
            }
        }
        (Step::Field, _) => pick_field(edit, &backend, &press),
        (Step::Value, Some(Action::Choose)) => return choose_value(state),
        (Step::Value, _) if context == Context::BulkText => {
            if let Press::Text(input) = press
                && !matches!(input.key, Key::Enter | Key::Char('\n' | '\r'))
                && edit.editor.input(input)
            {
                edit.error = None;
            }
        }
        (Step::Value, _) => pick_value(edit, &press),
        (Step::Preview, Some(Action::Up)) => edit.scroll = edit.scroll.saturating_sub(1),
        (Step::Preview, Some(Action::Down)) => edit.scroll = edit.scroll.saturating_add(1),
        (Step::Preview, Some(Action::PageUp)) => edit.scroll = edit.scroll.saturating_sub(10),
        (Step::Preview, Some(Action::PageDown)) => edit.scroll = edit.scroll.saturating_add(10),
        (Step::Preview, Some(Action::Back)) => {
            edit.step = Step::Value;
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

fn pick_field(edit: &mut BulkEdit, backend: &Backend, press: &Press) {
    let last = edit.fields.len().saturating_sub(1);
    match press.action() {
        Some(Action::Up) => edit.field_cursor = edit.field_cursor.saturating_sub(1),
        Some(Action::Down) => edit.field_cursor = (edit.field_cursor + 1).min(last),
        Some(Action::PageUp) => edit.field_cursor = edit.field_cursor.saturating_sub(10),
        Some(Action::PageDown) => edit.field_cursor = (edit.field_cursor + 10).min(last),
        Some(Action::Choose) => {
            let Some(&index) = edit.fields.get(edit.field_cursor) else { return };
            edit.field = Some(index);
            edit.choices = backend.fields[index].bulk_choices();
            edit.choice_cursor = 0;
            edit.editor = TextArea::default();
            edit.error = None;
            edit.jump.clear();
            edit.step = Step::Value;
        }
        _ => {
            if let Some(c) = press.typed_char() {
                let labels: Vec<String> = edit.fields.iter().map(|&i| backend.fields[i].label.clone()).collect();
                if let Some(found) = jump_to(&mut edit.jump, c, &labels) {
                    edit.field_cursor = found;
                }
            }
        }
    }
}

fn pick_value(edit: &mut BulkEdit, press: &Press) {
    let last = edit.choices.len().saturating_sub(1);
    match press.action() {
        Some(Action::Up) => edit.choice_cursor = edit.choice_cursor.saturating_sub(1),
        Some(Action::Down) => edit.choice_cursor = (edit.choice_cursor + 1).min(last),
        Some(Action::PageUp) => edit.choice_cursor = edit.choice_cursor.saturating_sub(10),
        Some(Action::PageDown) => edit.choice_cursor = (edit.choice_cursor + 10).min(last),
        _ => {
            if let Some(c) = press.typed_char() {
                let labels: Vec<String> = edit.choices.iter().map(|c| c.label.clone()).collect();
                if let Some(found) = jump_to(&mut edit.jump, c, &labels) {
                    edit.choice_cursor = found;
                }
            }
        }
    }
}

/// Type-to-jump: the first label starting with everything typed so far.
fn jump_to(typed: &mut String, c: char, labels: &[String]) -> Option<usize> {
    jump(typed, c, true, |prefix| {
        let prefix = prefix.to_lowercase();
        labels.iter().position(|l| l.to_lowercase().starts_with(&prefix))
    })
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
    let Some(edit) = edit_of(&state.overlay) else { return Vec::new() };
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
        if let Some(edit) = edit_mut(&mut state.overlay) {
            edit.error = Some(message);
        }
        return Vec::new();
    }
    let Some(edit) = edit_mut(&mut state.overlay) else { return Vec::new() };
    edit.input = Some(input);
    edit.error = None;
    edit.scroll = 0;
    edit.step = Step::Preview;
    edit.preview.clear();
    write_preview(state)
}

/// Describes each marked contact's request for the preview, once every one has been fetched
/// (until then the preview says how many have come).
fn write_preview(state: &mut State) -> Vec<Effect> {
    let backend = Arc::clone(&state.backend);
    let Some(edit) = edit_of(&state.overlay) else { return Vec::new() };
    let (Some(index), Some(input)) = (edit.field, edit.input.clone()) else { return Vec::new() };
    if edit.targets.iter().any(|t| matches!(t, Target::Loading { .. })) {
        return Vec::new();
    }
    let field = &backend.fields[index];
    let mut preview = Vec::new();
    for target in &edit.targets {
        let contact = match target {
            Target::Loaded(contact) => contact,
            Target::Failed { id, error } => {
                let problem = Some(format!("could not be fetched ({error}); its send fetches it again"));
                let (title, contact_id) = (target.title(&backend), id.clone());
                preview.push(PreviewItem { title, contact_id, outgoing: None, problem, change: String::new() });
                continue;
            }
            // Never here: the preview waits for every target.
            Target::Loading { .. } => continue,
        };
        let title = contact.title(&backend);
        let draft = draft_for(&backend, contact.clone(), index, &input);
        // Every field whose sent value differs from the received one: the chosen field first,
        // then any other, so a second field that would flip cannot hide behind the first.
        let change = {
            let entry = HistoryEntry::of(&draft, "");
            let key = field.key.to_string();
            let (chosen, others): (Vec<_>, Vec<_>) = entry.changes.iter().partition(|c| c.field == key);
            let mut text = chosen.first().map(|c| format!("{} → {}", c.before, c.after)).unwrap_or_default();
            for c in others {
                text.push_str(&format!("; {}: {} → {}", c.label, c.before, c.after));
            }
            text
        };
        let problem = if !draft.is_dirty() {
            Some("already has this value: nothing to send".to_string())
        } else {
            problem(&backend, &draft)
        };
        let (outgoing, problem) = match (problem, draft.body()) {
            (None, Ok(body)) => (Some(state.describe_update(&contact.update_id(&backend), body)), None),
            (None, Err((_, message))) => (None, Some(format!("not sent: {message}"))),
            (problem, _) => (None, problem),
        };
        preview.push(PreviewItem { title, contact_id: contact.id.clone(), outgoing, problem, change });
    }
    let Some(edit) = edit_mut(&mut state.overlay) else { return Vec::new() };
    edit.preview = preview;
    Vec::new()
}
