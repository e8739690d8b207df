//! The form: one contact's draft, the focused field, validation, and sending.

use std::sync::Arc;
use std::time::Duration;

use ratatui_textarea::{CursorMove, Key, TextArea};

use super::keymap::{Action, Context, Press, TextInput, typed_char};
use super::list::show_response;
use super::{Effect, EntryEditor, Overlay, State};
use crate::backend::{Backend, Widget};
use crate::http::{ServerFieldError, Verdict, WriteOutcome};
use crate::record::{Choice, Contact, Draft, Entry, Input};
use crate::validate::{FieldError, validate};

/// Fields skipped by page up / page down.
const FIELDS_PER_PAGE: usize = 8;

/// An open dropdown.
#[derive(Debug, Clone)]
pub struct Dropdown {
    /// The entries.
    pub choices: Vec<Choice>,
    /// The highlighted entry.
    pub selected: usize,
}

/// What the form is doing: editing its fields, or one thing open over them (at most one).
#[derive(Debug)]
pub enum FormMode {
    /// Keys go to the focused field.
    Editing,
    /// The focused field's values are open in a dropdown.
    Choosing(Dropdown),
    /// Fields both the user and someone else changed wait for the user's choice.
    Settling(super::Conflicts),
    /// A key/value field is open in its editor.
    EditingEntries(Box<EntryEditor>),
}

impl FormMode {
    /// Takes the mode out, leaving the form editing (the caller puts back what stays open).
    pub(super) fn take(&mut self) -> Self {
        std::mem::replace(self, FormMode::Editing)
    }
}

/// How the last send went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A send's outcome ([`WriteOutcome`]), in the words every screen uses: `summary` is
    /// [`WriteOutcome::summary`].
    Sent { verdict: Verdict, summary: String, latency: Duration },
    /// The check before sending found every value already on the server: nothing was sent.
    AlreadyStored,
    /// The user cancelled the check before sending: nothing was sent.
    Cancelled,
    /// Not sent: the form has problems; `first` describes the first.
    Invalid { count: usize, first: String },
}

impl Outcome {
    /// The outcome of a send, as the form keeps it.
    pub(super) fn sent(outcome: &WriteOutcome) -> Self {
        Outcome::Sent { verdict: outcome.verdict(), summary: outcome.summary(), latency: outcome.exchange().latency }
    }

    /// A send the user cancelled while it was in flight: it may have reached the server.
    pub(super) fn cancelled_in_flight() -> Self {
        Outcome::Sent {
            verdict: Verdict::Unknown,
            summary: crate::http::unknown_summary("you cancelled the send after it went out"),
            latency: Duration::ZERO,
        }
    }
}

/// A field the server stored differently from what was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerChange {
    /// The field.
    pub field: usize,
    /// What was sent.
    pub sent: Input,
    /// True when the server kept the value from before the send (it ignored the change).
    pub ignored: bool,
}

/// The form for one contact.
#[derive(Debug)]
pub struct Form {
    /// The contact as loaded and the user's edits.
    pub draft: Draft,
    /// Index of the focused field.
    pub focus: usize,
    /// The text editor of the focused field, when it is edited as text.
    pub editor: Option<TextArea<'static>>,
    /// Editing, or the dropdown, conflicts or key/value editor open over the fields.
    pub mode: FormMode,
    /// Problems found in the draft, as you type.
    pub errors: Vec<FieldError>,
    /// Problems the server reported for fields of the form.
    pub server_errors: Vec<FieldError>,
    /// The server's summary message for the last refused send.
    pub server_message: Option<String>,
    /// Problems the server reported for fields the form does not show.
    pub unplaced: Vec<ServerFieldError>,
    /// The inputs as they were sent, to tell later edits from what the server stored.
    pub(super) sent: Vec<Input>,
    /// How the last send went.
    pub outcome: Option<Outcome>,
    /// Fields the server stored differently from what the last send said.
    pub server_changed: Vec<ServerChange>,
    pub(super) undo: super::undo::UndoStack,
    /// Counts the editors opened on this form (one per field focused, undo or refresh), so a
    /// view keeping its place in a long value knows when a fresh editor starts at the beginning.
    editors_opened: u64,
    backend: Arc<Backend>,
    jump: String,
}

impl Form {
    /// Opens a contact (the caller fetches its latest version).
    pub fn open(backend: &Arc<Backend>, contact: Contact) -> Self {
        let draft = Draft::new(backend, contact);
        let mut form = Self {
            errors: validate(backend, &draft),
            draft,
            focus: 0,
            editor: None,
            mode: FormMode::Editing,
            server_errors: Vec::new(),
            server_message: None,
            unplaced: Vec::new(),
            sent: Vec::new(),
            outcome: None,
            editors_opened: 0,
            server_changed: Vec::new(),
            undo: Default::default(),
            backend: Arc::clone(backend),
            jump: String::new(),
        };
        let first = form.editable().next().unwrap_or(0);
        form.focus = first;
        form.sync_editor();
        form
    }

    /// Moves focus to field `index` (after a choice made elsewhere, e.g. "edit" in a conflict).
    pub(super) fn focus_on(&mut self, index: usize) {
        self.focus = index;
        self.undo.close();
        self.jump.clear();
        self.sync_editor();
    }

    /// Revalidates after the draft was changed from outside the form's own keys.
    pub(super) fn revalidate(&mut self, backend: &Backend) {
        self.errors = validate(backend, &self.draft);
        self.sync_editor();
        self.reload_entries();
    }

    /// Replaces the draft with a restored one (edits from an earlier run).
    pub fn restore(&mut self, backend: &Backend, draft: Draft) {
        self.draft = draft;
        self.errors = validate(backend, &self.draft);
        self.sync_editor();
    }

    /// The problem to show under field `index`: the form's own check first, then the server's.
    pub fn error_for(&self, index: usize) -> Option<&str> {
        self.errors.iter().chain(&self.server_errors).find(|e| e.field == index).map(|e| e.message.as_str())
    }

    /// Number of fields with a problem.
    pub fn problem_count(&self) -> usize {
        let mut fields: Vec<usize> = self.errors.iter().chain(&self.server_errors).map(|e| e.field).collect();
        fields.sort_unstable();
        fields.dedup();
        fields.len() + self.unplaced.len()
    }

    /// Inserts pasted text into the focused text field or key/value cell.
    pub fn paste(&mut self, backend: &Backend, text: &str) {
        if matches!(self.mode, FormMode::EditingEntries(_)) {
            super::entries::paste(self, backend, text);
            return;
        }
        if let Some(editor) = &mut self.editor {
            editor.insert_str(text.replace(['\n', '\r'], " "));
            self.take_editor_text(backend);
        }
    }

    /// "Not sent" with the first problem, or `None` when there is none.
    pub(super) fn invalid_outcome(&self) -> Option<Outcome> {
        let first = self.errors.first()?;
        let label = &self.backend.fields[first.field].label;
        Some(Outcome::Invalid { count: self.errors.len(), first: format!("{label}: {}", first.message) })
    }

    fn editable(&self) -> impl Iterator<Item = usize> + '_ {
        self.backend.fields.iter().enumerate().filter(|(_, f)| !f.read_only).map(|(i, _)| i)
    }

    fn move_focus(&mut self, steps: isize) {
        let editable: Vec<usize> = self.editable().collect();
        let Some(now) = editable.iter().position(|&i| i == self.focus) else { return };
        let to = (now as isize + steps).clamp(0, editable.len() as isize - 1) as usize;
        self.focus = editable[to];
        self.jump.clear();
        self.undo.close();
        self.sync_editor();
    }

    /// Which of the form's editors is open: changes whenever the focused value gets a fresh
    /// editor (see `editors_opened`).
    pub fn editor_number(&self) -> u64 {
        self.editors_opened
    }

    /// Rebuilds the editor from the draft (after focus moved or the draft changed underneath).
    pub(super) fn sync_editor(&mut self) {
        let field = &self.backend.fields[self.focus];
        // A value kept as received is shown, never typed into.
        let kept = matches!(self.draft.input(self.focus), Input::Kept(_));
        self.editor = (field.kind.is_text_like() && !kept).then(|| {
            let input = self.draft.input(self.focus);
            let mut editor = TextArea::new(vec![input.text().to_string()]);
            if *input == Input::Null {
                editor.set_placeholder_text(crate::record::NULL);
            }
            editor.move_cursor(CursorMove::End);
            editor
        });
        self.editors_opened += 1;
    }

    pub(super) fn set_input(&mut self, backend: &Backend, index: usize, input: Input) {
        let typing = backend.fields[index].kind.is_text_like() && matches!(input, Input::Text(_));
        self.undo.before_change(index, self.draft.inputs(), typing);
        self.draft.set(index, input);
        self.errors = validate(backend, &self.draft);
        // The server judged the old value; once edited, its complaint no longer applies.
        self.server_errors.retain(|e| e.field != index);
        if let Some(Outcome::Invalid { .. }) = self.outcome {
            self.outcome = self.invalid_outcome();
        }
    }

    fn take_editor_text(&mut self, backend: &Backend) {
        if let Some(editor) = &self.editor {
            let text = editor.lines().concat();
            // An explicit null shows as empty text, so it stays null until something is typed.
            if text != self.draft.input(self.focus).text() {
                self.set_input(backend, self.focus, Input::Text(text));
            }
        }
    }

    /// Points an open key/value editor at the draft's current entries (after the draft was
    /// replaced by a fresh or saved record), so typing never lands in the wrong entry.
    pub(super) fn reload_entries(&mut self) {
        if let FormMode::EditingEntries(editor) = &self.mode {
            let entries = super::entries::entries_of(self, editor.field);
            if let FormMode::EditingEntries(editor) = &mut self.mode {
                editor.reload(&entries);
            }
        }
    }

    /// Replaces the entries of key/value field `index`.
    pub(super) fn set_entries(&mut self, backend: &Backend, index: usize, entries: Vec<Entry>) {
        self.set_input(backend, index, Input::Map(entries));
    }

    /// Type-to-jump: the first choice whose value (then name) starts with everything typed so
    /// far (`G`, `Ge`, `Ger` → GA, GE, then Germany). With `restart`, a key that matches nothing
    /// starts a new search; without it, nothing is chosen, so a stray key never writes a value.
    fn jump_to(&mut self, c: char, choices: &[Choice], restart: bool) -> Option<usize> {
        super::keymap::jump(&mut self.jump, c, restart, |prefix| {
            let prefix = prefix.to_lowercase();
            let starts = |text: &str| !text.is_empty() && text.to_lowercase().starts_with(&prefix);
            choices
                .iter()
                .position(|ch| starts(ch.input.text()))
                .or_else(|| choices.iter().position(|ch| starts(&ch.name)))
        })
    }
}

pub(super) fn on_key(state: &mut State, context: Context, press: Press) -> Vec<Effect> {
    if context == Context::Dropdown {
        if press == Press::Action(Action::Quit) {
            return super::request_quit(state);
        }
        on_dropdown_key(state, &press);
        return Vec::new();
    }
    let backend = Arc::clone(&state.backend);
    let Some(form) = state.form.as_mut() else { return Vec::new() };
    let kind = backend.fields[form.focus].kind;
    // On a text field Enter moves on (Space types a space there); elsewhere it acts on the field.
    let press = match press {
        Press::Action(Action::Activate) if kind.is_text_like() => Press::Action(Action::NextField),
        press => press,
    };
    if matches!(form.draft.input(form.focus), Input::Kept(_)) && edits_field(&press) {
        let label = &backend.fields[form.focus].label;
        state.notify(format!("{label} is kept as the server sent it: rolo cannot edit that value in the form"), true);
        return Vec::new();
    }
    let action = match press {
        Press::Action(action) => action,
        Press::Text(input) => {
            on_field_key(form, &backend, input);
            return Vec::new();
        }
    };
    match action {
        Action::NextField => form.move_focus(1),
        Action::PrevField => form.move_focus(-1),
        Action::PageDown => form.move_focus(FIELDS_PER_PAGE as isize),
        Action::PageUp => form.move_focus(-(FIELDS_PER_PAGE as isize)),
        Action::Activate => activate(form, &backend),
        Action::Save => return super::sending::save(state),
        Action::Preview => return super::preview::open(state),
        Action::Undo => step_back(form, &backend, true),
        Action::Redo => step_back(form, &backend, false),
        Action::RevertField => {
            let index = form.focus;
            if form.draft.is_changed(index) {
                let original = form.draft.original(index).clone();
                form.set_input(&backend, index, original);
                form.undo.close();
                form.sync_editor();
                form.reload_entries();
            }
        }
        Action::SetNull => {
            if let Err(message) = set_null(form, &backend) {
                state.notify(message, true);
            }
        }
        Action::Back => return super::sending::back(state),
        Action::Quit => return super::request_quit(state),
        Action::Help => state.overlay = Some(Overlay::Help { scroll: 0, search: None }),
        Action::RawResponse => show_response(state),
        Action::EditExternally => return super::external::open(state),
        // The screen's other actions (the palette, Ctrl-Z) are done before the form sees them.
        _ => {}
    }
    Vec::new()
}

/// True when `press` would change the focused field's value.
fn edits_field(press: &Press) -> bool {
    match press {
        Press::Action(action) => matches!(action, Action::Activate | Action::SetNull),
        Press::Text(input) => typed_char(input).is_some() || matches!(input.key, Key::Backspace | Key::Delete),
    }
}

/// Typing in the focused field: text into its editor, or type-to-jump among its choices.
fn on_field_key(form: &mut Form, backend: &Backend, input: TextInput) {
    let index = form.focus;
    let field = &backend.fields[index];
    if let Some(editor) = &mut form.editor {
        // The editor is one line: keys that would insert a line break are dropped.
        let newline =
            matches!(input.key, Key::Enter | Key::Char('\n' | '\r')) || (input.key == Key::Char('m') && input.ctrl);
        if !newline && editor.input(input) {
            form.take_editor_text(backend);
        }
        return;
    }
    match (field.kind.widget(), input.key) {
        (Widget::Dropdown, Key::Backspace | Key::Delete) if !field.required => {
            form.set_input(backend, index, Input::Text(String::new()));
        }
        (Widget::Dropdown, _) => {
            if let Some(c) = typed_char(&input) {
                let choices = field.dropdown_choices();
                if let Some(found) = form.jump_to(c, &choices, false) {
                    form.set_input(backend, index, choices[found].input.clone());
                }
            }
        }
        _ => {}
    }
}

/// Undo (or redo): puts back every input of the step and focuses the field it changed.
fn step_back(form: &mut Form, backend: &Backend, undo: bool) {
    let now = form.draft.inputs().to_vec();
    let step = if undo { form.undo.undo(&now) } else { form.undo.redo(&now) };
    let Some(step) = step else { return };
    for (i, input) in step.inputs.into_iter().enumerate() {
        if form.draft.input(i) != &input {
            form.draft.set(i, input);
        }
    }
    form.focus = step.field;
    form.errors = validate(backend, &form.draft);
    form.sync_editor();
    form.reload_entries();
}

/// Sets the focused field to an explicit null, or says why it cannot be.
fn set_null(form: &mut Form, backend: &Backend) -> Result<(), String> {
    let index = form.focus;
    let field = &backend.fields[index];
    if !field.nullable {
        return Err(format!("{} cannot be null for this vendor", field.label));
    }
    form.set_input(backend, index, Input::Null);
    form.sync_editor();
    Ok(())
}

fn activate(form: &mut Form, backend: &Backend) {
    let index = form.focus;
    match backend.fields[index].kind.widget() {
        // A null field stays null until an entry is added.
        Widget::Entries => form.mode = FormMode::EditingEntries(Box::new(EntryEditor::open(form, index))),
        Widget::Toggle => {
            let on = matches!(form.draft.input(index), Input::Toggle(true));
            form.set_input(backend, index, Input::Toggle(!on));
        }
        Widget::Dropdown => {
            let choices = backend.fields[index].dropdown_choices();
            let current = form.draft.input(index).text().trim().to_string();
            let selected = choices.iter().position(|c| c.input.text() == current).unwrap_or(0);
            form.jump.clear();
            form.mode = FormMode::Choosing(Dropdown { choices, selected });
        }
        Widget::Line => {}
    }
}

fn on_dropdown_key(state: &mut State, press: &Press) {
    let backend = Arc::clone(&state.backend);
    let Some(form) = state.form.as_mut() else { return };
    let mode = form.mode.take();
    let FormMode::Choosing(mut dropdown) = mode else {
        form.mode = mode;
        return;
    };
    let last = dropdown.choices.len().saturating_sub(1);
    match press.action() {
        Some(Action::Up) => dropdown.selected = dropdown.selected.saturating_sub(1),
        Some(Action::Down) => dropdown.selected = (dropdown.selected + 1).min(last),
        Some(Action::PageUp) => dropdown.selected = dropdown.selected.saturating_sub(10),
        Some(Action::PageDown) => dropdown.selected = (dropdown.selected + 10).min(last),
        Some(Action::Choose) => {
            let input = dropdown.choices[dropdown.selected].input.clone();
            form.set_input(&backend, form.focus, input);
            return;
        }
        Some(Action::Close) => return,
        _ => {
            if let Some(c) = press.typed_char()
                && let Some(found) = form.jump_to(c, &dropdown.choices, true)
            {
                dropdown.selected = found;
            }
        }
    }
    form.mode = FormMode::Choosing(dropdown);
}
