//! The key/value editor: a table of entries (key, type, value) for fields such as custom
//! attributes, edited in place. Every change goes straight into the draft.

use ratatui_textarea::{CursorMove, Key, TextArea};

use super::keymap::{Action, Press};
use super::{Form, FormMode};
use crate::backend::{Backend, ValueType};
use crate::record::{Entry, Input};

/// Which cell of an entry is being typed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The key.
    Key,
    /// The value.
    Value,
}

/// The open key/value editor of one field.
#[derive(Debug)]
pub struct EntryEditor {
    /// The field being edited.
    pub field: usize,
    /// The selected entry.
    pub row: usize,
    /// The selected cell.
    pub column: Column,
    /// The editor of the selected cell.
    pub cell: TextArea<'static>,
}

impl EntryEditor {
    /// Opens the editor on `field`, at its first entry.
    pub fn open(form: &Form, field: usize) -> Self {
        let mut editor = Self { field, row: 0, column: Column::Key, cell: TextArea::default() };
        editor.load_cell(&entries_of(form, field));
        editor
    }

    /// Re-reads the selected cell after the entries changed underneath.
    pub fn reload(&mut self, entries: &[Entry]) {
        self.row = self.row.min(entries.len().saturating_sub(1));
        self.load_cell(entries);
    }

    fn load_cell(&mut self, entries: &[Entry]) {
        let text = entries.get(self.row).map_or(String::new(), |e| match self.column {
            Column::Key => e.key.clone(),
            Column::Value => e.text.clone(),
        });
        self.cell = TextArea::new(vec![text]);
        self.cell.move_cursor(CursorMove::End);
    }
}

/// The entries of a key/value field in the draft.
pub fn entries_of(form: &Form, field: usize) -> Vec<Entry> {
    match form.draft.input(field) {
        Input::Map(entries) => entries.clone(),
        _ => Vec::new(),
    }
}

/// Inserts pasted text into the selected cell (line breaks become spaces).
pub(super) fn paste(form: &mut Form, backend: &Backend, text: &str) {
    let mode = form.mode.take();
    let FormMode::EditingEntries(mut editor) = mode else {
        form.mode = mode;
        return;
    };
    let mut entries = entries_of(form, editor.field);
    if let Some(entry) = entries.get_mut(editor.row) {
        editor.cell.insert_str(text.replace(['\n', '\r'], " "));
        let text = editor.cell.lines().concat();
        match editor.column {
            Column::Key => entry.key = text,
            Column::Value => entry.text = text,
        }
        form.set_entries(backend, editor.field, entries);
    }
    form.mode = FormMode::EditingEntries(editor);
}

pub(super) fn on_key(form: &mut Form, backend: &Backend, press: Press) {
    let mode = form.mode.take();
    let FormMode::EditingEntries(mut editor) = mode else {
        form.mode = mode;
        return;
    };
    let field = &backend.fields[editor.field];
    let mut entries = entries_of(form, editor.field);
    let mut changed = false;
    match press.action() {
        Some(Action::Close) => return,
        Some(Action::Up) => {
            editor.row = editor.row.saturating_sub(1);
            editor.load_cell(&entries);
        }
        Some(Action::Down) => {
            editor.row = (editor.row + 1).min(entries.len().saturating_sub(1));
            editor.load_cell(&entries);
        }
        Some(Action::SwitchColumn) => {
            editor.column = if editor.column == Column::Key { Column::Value } else { Column::Key };
            editor.load_cell(&entries);
        }
        Some(Action::AddEntry) => {
            let kind = field.value_types.first().copied().unwrap_or(ValueType::String);
            entries.push(Entry { key: String::new(), kind, text: String::new() });
            editor.row = entries.len() - 1;
            editor.column = Column::Key;
            editor.load_cell(&entries);
            changed = true;
        }
        Some(Action::DeleteEntry) if editor.row < entries.len() => {
            entries.remove(editor.row);
            editor.row = editor.row.min(entries.len().saturating_sub(1));
            editor.load_cell(&entries);
            changed = true;
        }
        Some(Action::CycleType) => {
            if let Some(entry) = entries.get_mut(editor.row) {
                let types = &field.value_types;
                let at = types.iter().position(|t| *t == entry.kind).map_or(0, |i| (i + 1) % types.len().max(1));
                entry.kind = types.get(at).copied().unwrap_or(entry.kind);
                changed = true;
            }
        }
        _ => {
            if let Press::Text(input) = press
                && let Some(entry) = entries.get_mut(editor.row)
                && !(input.key == Key::Enter || (input.key == Key::Char('m') && input.ctrl))
                && editor.cell.input(input)
            {
                let text = editor.cell.lines().concat();
                match editor.column {
                    Column::Key => entry.key = text,
                    Column::Value => entry.text = text,
                }
                changed = true;
            }
        }
    }
    if changed {
        form.set_entries(backend, editor.field, entries);
    }
    form.mode = FormMode::EditingEntries(editor);
}
