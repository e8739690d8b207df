//! Contacts as JSON, what a user has typed for each field, and what an update sends.
//!
//! What a field's type means (its choices, how its value is shown, typed, read from and
//! written to JSON and the editor document) lives on [`Field`](crate::backend::Field) in
//! `field_type`; the draft, the differences and every layer above ask the field through
//! those methods instead of matching on its kind (only `validate`, the home of the
//! validators, does).

pub mod countries;
mod difference;
mod draft;
mod field_type;
mod input;

pub use difference::Difference;
pub use draft::{Draft, UpdateBody};
pub use field_type::{Choice, Shown, read_bool};
pub use input::{Entry, Input, entry_from, entry_value, list_items};

use serde_json::Value;

use crate::backend::Backend;

/// How an explicit null ([`Input::Null`]) is shown, in the form and as its editor's
/// placeholder (different from an empty value, shown as `—`).
pub const NULL: &str = "∅ null";

/// A contact as the vendor sent it, with its id and list-row text pulled out once.
#[derive(Debug, Clone)]
pub struct Contact {
    /// The id as text, for paths like `/contacts/{id}`.
    pub id: String,
    /// The record exactly as received.
    pub record: Value,
}

impl Contact {
    /// Wraps a record; `None` when it has no id where the backend says ids sit.
    pub fn from_record(backend: &Backend, record: Value) -> Option<Self> {
        let id = backend.record.id.get(&record).and_then(|v| id_text(&v))?;
        Some(Self { id, record })
    }

    /// The value for the update path's `{id}`: the backend's `update.id` field when the record
    /// has it, else the record id.
    pub fn update_id(&self, backend: &Backend) -> String {
        backend
            .update
            .id
            .as_ref()
            .and_then(|path| path.get(&self.record))
            .and_then(|v| id_text(&v))
            .unwrap_or_else(|| self.id.clone())
    }

    /// The display name, from the backend's `record.title` template.
    pub fn title(&self, backend: &Backend) -> String {
        backend.record.title.render(&self.record)
    }
}

fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
