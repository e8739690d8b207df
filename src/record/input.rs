//! What a user edits for a field ([`Input`]), and a key/value entry's text to and from JSON.
//!
//! What an input means for a given field type (the JSON it sends, the JSON it reads) lives on
//! the type, in `field_type`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::backend::ValueType;
use crate::backend::path::push_plain;

/// The edited form of one field's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// Text kinds, enums, dates and lists are edited as text (`12, 31` for a list).
    Text(String),
    /// Booleans are toggled.
    Toggle(bool),
    /// An explicit `null` (only for nullable fields): different from leaving a field unchanged.
    Null,
    /// The entries of a key/value field.
    Map(Vec<Entry>),
    /// A value the field's widget cannot show as it is (an object in a text field, `"maybe"`
    /// in a toggle): kept exactly as received, shown as JSON, never edited in the form.
    Kept(Value),
}

/// One entry of a key/value field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The type the value is sent as.
    pub kind: ValueType,
    /// The value as typed (a list as `a, 2, true`).
    pub text: String,
}

impl Input {
    /// The text of a text-like input; empty for the others.
    pub fn text(&self) -> &str {
        match self {
            Input::Text(text) => text,
            _ => "",
        }
    }

    /// True when nothing has been entered (null counts as a value).
    pub fn is_empty(&self) -> bool {
        match self {
            Input::Text(text) => text.trim().is_empty(),
            Input::Map(entries) => entries.is_empty(),
            Input::Toggle(_) | Input::Null | Input::Kept(_) => false,
        }
    }
}

/// Turns an entry's text into the JSON value of its type.
pub fn entry_value(entry: &Entry) -> Result<Value, String> {
    let text = entry.text.trim();
    match entry.kind {
        ValueType::String => Ok(Value::String(entry.text.clone())),
        ValueType::Null => Ok(Value::Null),
        ValueType::Json => serde_json::from_str(text).map_err(|e| format!("`{}`: not valid JSON ({e})", entry.key)),
        ValueType::Number => number(text).ok_or_else(|| format!("`{}`: `{text}` is not a number", entry.key)),
        ValueType::Bool => match text {
            "true" | "yes" => Ok(Value::Bool(true)),
            "false" | "no" => Ok(Value::Bool(false)),
            _ => Err(format!("`{}`: `{text}` is not true or false", entry.key)),
        },
        ValueType::List => {
            let items: Vec<Value> = list_items(text).map(scalar).collect();
            if items.is_empty() {
                Err(format!("`{}`: a list needs at least one item", entry.key))
            } else {
                Ok(Value::Array(items))
            }
        }
    }
}

/// An entry showing a JSON value, its type read from the value. A value its natural type
/// would not give back exactly (a number beyond 64 bits, a list of lists, `[true, "1"]`) is
/// shown as JSON instead, which does.
pub fn entry_from(key: String, value: &Value) -> Entry {
    let kind = match value {
        Value::String(_) => ValueType::String,
        Value::Number(_) => ValueType::Number,
        Value::Bool(_) => ValueType::Bool,
        Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => ValueType::List,
        Value::Array(_) | Value::Object(_) => ValueType::Json,
        Value::Null => ValueType::Null,
    };
    let text = match value {
        Value::Bool(b) => b.to_string(),
        Value::Array(items) if kind == ValueType::List => items
            .iter()
            .map(|item| item.as_str().map_or_else(|| item.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        _ if kind == ValueType::Json => value.to_string(),
        _ => {
            let mut text = String::new();
            push_plain(&mut text, value);
            text
        }
    };
    let entry = Entry { key, kind, text };
    if kind == ValueType::Json || entry_value(&entry).as_ref() == Ok(value) {
        entry
    } else {
        Entry { kind: ValueType::Json, text: value.to_string(), ..entry }
    }
}

/// A list item as the most specific scalar it reads as: `true`, `2.5`, else a string.
fn scalar(text: &str) -> Value {
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => number(text).unwrap_or_else(|| Value::String(text.to_string())),
    }
}

fn number(text: &str) -> Option<Value> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(Value::from(n));
    }
    text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number)
}

/// The non-empty, trimmed items of a comma-separated list.
pub fn list_items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}
