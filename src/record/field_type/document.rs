//! How a field type's value is written in the external editor's document and read back
//! from it, with the words that say what the document should have held instead.

use serde_json::{Map, Value};

use super::super::input::{Entry, Input, entry_from, entry_value, list_items};
use crate::backend::{EnumValue, Field, FieldKind};
use crate::config::EditorFormat;

impl Field {
    /// The value `input` has in the external editor's document: text as a string, a toggle as
    /// a boolean, a list as an array (of numbers for whole-number lists), an integer enum
    /// value as a number, entries as a table. TOML has no null: a null field is `""` and a
    /// null entry `{}` there.
    pub fn document_value(&self, input: &Input, format: EditorFormat) -> Value {
        match input {
            Input::Kept(value) => value.clone(),
            Input::Null if format == EditorFormat::Json => Value::Null,
            Input::Null => Value::String(String::new()),
            Input::Toggle(on) => Value::Bool(*on),
            Input::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|entry| {
                        let value = match entry_value(entry) {
                            Ok(Value::Null) if format == EditorFormat::Toml => Value::Object(Map::new()),
                            Ok(value) => value,
                            // Text that is not (yet) of its type is shown as typed, for the user to fix.
                            Err(_) => Value::String(entry.text.clone()),
                        };
                        (entry.key.trim().to_string(), value)
                    })
                    .collect(),
            ),
            Input::Text(text) if self.kind.is_list() => Value::Array(
                list_items(text)
                    .map(|item| match item.parse::<i64>() {
                        Ok(n) if self.kind == FieldKind::IntList => Value::from(n),
                        _ => Value::String(item.to_string()),
                    })
                    .collect(),
            ),
            Input::Text(text) if self.kind == FieldKind::Enum => {
                match self.values.iter().find(|v| v.matches(text.trim())) {
                    Some(EnumValue::Int(n)) => Value::from(*n),
                    _ => Value::String(text.clone()),
                }
            }
            Input::Text(text) => Value::String(text.clone()),
        }
    }

    /// The input a document value gives this field, whose input is now `current`; the words
    /// say what the document should have held instead.
    pub fn read_document_value(&self, value: &Value, current: &Input, format: EditorFormat) -> Result<Input, String> {
        let empty = matches!(value, Value::Null) || value.as_str() == Some("");
        if empty {
            // An emptied field that was null stays null (it is no change).
            return Ok(match (current, self.kind) {
                (Input::Null, _) => Input::Null,
                _ if self.nullable && value.is_null() => Input::Null,
                (_, FieldKind::KeyValue) => Input::Map(Vec::new()),
                (_, FieldKind::Bool) => return Err("expected true or false".into()),
                _ => Input::Text(String::new()),
            });
        }
        match self.kind {
            FieldKind::Bool => value.as_bool().map(Input::Toggle).ok_or_else(|| "expected true or false".to_string()),
            FieldKind::KeyValue => {
                let Value::Object(map) = value else {
                    return Err("expected a table of keys and values, like { plan = \"pro\" }".into());
                };
                let entries: Vec<Entry> = map
                    .iter()
                    .map(|(key, value)| match value {
                        Value::Object(inner) if inner.is_empty() && format == EditorFormat::Toml => {
                            entry_from(key.clone(), &Value::Null)
                        }
                        _ => entry_from(key.clone(), value),
                    })
                    .collect();
                Ok(Input::Map(in_order_of(current, entries)))
            }
            kind if kind.is_list() => {
                let Value::Array(items) = value else {
                    return Err(if kind == FieldKind::IntList {
                        "expected a list of whole numbers, like [12, 31]".into()
                    } else {
                        "expected a list of strings, like [\"a\", \"b\"]".into()
                    });
                };
                let mut texts = Vec::new();
                for item in items {
                    let text = match (kind, item) {
                        (FieldKind::IntList, Value::Number(n)) if n.is_i64() => n.to_string(),
                        (FieldKind::IntList, other) => return Err(format!("{other} is not a whole number")),
                        (_, Value::String(s)) if s.contains(',') => {
                            return Err(format!("\"{s}\": list items cannot contain commas"));
                        }
                        (_, Value::String(s)) => s.trim().to_string(),
                        (_, other) => return Err(format!("{other} is not a string (put it in quotes)")),
                    };
                    texts.push(text);
                }
                Ok(Input::Text(texts.join(", ")))
            }
            FieldKind::Enum => {
                let text = match value {
                    Value::String(s) => s.trim().to_string(),
                    Value::Number(n) => n.to_string(),
                    other => return Err(format!("{other} is not one of: {}", self.value_list())),
                };
                // A value the vendor stored outside the list may stay; a new one must be allowed.
                if !self.values.iter().any(|v| v.matches(&text)) && current.text().trim() != text {
                    return Err(format!("\"{text}\" is not allowed; one of: {}", self.value_list()));
                }
                Ok(Input::Text(text))
            }
            _ => match value {
                Value::String(s) => Ok(Input::Text(s.clone())),
                other => Err(format!("expected text in quotes, not {other}")),
            },
        }
    }
}

/// `entries` with the keys `current` has in its order (TOML tables come back sorted), new ones after.
fn in_order_of(current: &Input, mut entries: Vec<Entry>) -> Vec<Entry> {
    let Input::Map(before) = current else { return entries };
    let rank = |entry: &Entry| before.iter().position(|b| b.key.trim() == entry.key).unwrap_or(before.len());
    entries.sort_by_key(rank);
    entries
}

#[cfg(test)]
mod tests {
    use super::super::tests::field;
    use super::*;

    #[test]
    fn document_values_round_trip_through_the_field_type() {
        let ints = field("int_list", "");
        let input = Input::Text("12, 31".into());
        let value = ints.document_value(&input, EditorFormat::Toml);
        assert_eq!(value, serde_json::json!([12, 31]));
        assert_eq!(ints.read_document_value(&value, &input, EditorFormat::Toml), Ok(input));
        let level = field("enum", "values = [1, 2]");
        assert_eq!(level.document_value(&Input::Text("2".into()), EditorFormat::Json), serde_json::json!(2));
        assert!(
            level.read_document_value(&serde_json::json!(3), &Input::Text("2".into()), EditorFormat::Json).is_err()
        );
        let nullable = field("text", "nullable = true");
        assert_eq!(nullable.document_value(&Input::Null, EditorFormat::Toml), serde_json::json!(""));
        assert_eq!(nullable.document_value(&Input::Null, EditorFormat::Json), Value::Null);
    }
}
