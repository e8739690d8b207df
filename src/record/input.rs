//! What a user edits for each field kind, and how it turns into JSON.

use serde_json::Value;

use crate::backend::path::push_plain;
use crate::backend::{Field, FieldKind};

/// The edited form of one field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Text kinds, enums, dates and lists are edited as text (`12, 31` for a list).
    Text(String),
    /// Booleans are toggled.
    Toggle(bool),
}

impl Input {
    /// The text of a text-like input; empty for toggles.
    pub fn text(&self) -> &str {
        match self {
            Input::Text(text) => text,
            Input::Toggle(_) => "",
        }
    }

    /// True when nothing has been entered.
    pub fn is_empty(&self) -> bool {
        matches!(self, Input::Text(text) if text.trim().is_empty())
    }
}

/// The input showing a record's current value for `field`.
pub fn input_from_record(field: &Field, record: &Value) -> Input {
    let value = field.read_path().get(record);
    if field.kind == FieldKind::Bool {
        return Input::Toggle(value.and_then(|v| v.as_bool()).unwrap_or(false));
    }
    let mut text = String::new();
    if let Some(value) = value {
        push_plain(&mut text, &value);
    }
    Input::Text(text)
}

/// Turns an input into the JSON to send; `Ok(None)` when it is empty.
///
/// Only the value's *shape* is checked here (a list item that is not a number); whether it
/// is allowed (enum, pattern, date) is `validate`'s job.
pub fn input_to_json(field: &Field, input: &Input) -> Result<Option<Value>, String> {
    match (field.kind, input) {
        (_, Input::Toggle(on)) => Ok(Some(Value::Bool(*on))),
        (FieldKind::Bool, Input::Text(text)) => match text.trim() {
            "" => Ok(None),
            "true" | "yes" => Ok(Some(Value::Bool(true))),
            "false" | "no" => Ok(Some(Value::Bool(false))),
            other => Err(format!("`{other}` is not yes or no")),
        },
        (_, input) if input.is_empty() => Ok(None),
        (FieldKind::IntList, Input::Text(text)) => {
            let mut items = Vec::new();
            for part in list_items(text) {
                let n: i32 = part
                    .parse()
                    .map_err(|_| format!("`{part}` is not a whole number (list items are ids such as 12, 31)"))?;
                items.push(Value::from(n));
            }
            Ok(Some(Value::Array(items)))
        }
        (FieldKind::StringList, Input::Text(text)) => {
            Ok(Some(Value::Array(list_items(text).map(|s| Value::String(s.to_string())).collect())))
        }
        (_, Input::Text(text)) => Ok(Some(Value::String(text.trim().to_string()))),
    }
}

/// The non-empty, trimmed items of a comma-separated list.
fn list_items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::path::Path;
    use serde_json::json;

    fn field(kind: FieldKind) -> Field {
        Field {
            key: Path::parse("k").unwrap(),
            read: None,
            label: "K".into(),
            kind,
            required: false,
            read_only: false,
            nullable: false,
            values: vec![],
            pattern: None,
            pattern_hint: None,
            help: None,
            group: None,
            regex: None,
        }
    }

    #[test]
    fn int_lists_round_trip_through_text() {
        let f = field(FieldKind::IntList);
        let input = input_from_record(&f, &json!({"k": [12, 31]}));
        assert_eq!(input, Input::Text("12, 31".into()));
        assert_eq!(input_to_json(&f, &input).unwrap(), Some(json!([12, 31])));
        assert!(input_to_json(&f, &Input::Text("12, x".into())).unwrap_err().contains("`x`"));
        assert!(input_to_json(&f, &Input::Text("99999999999".into())).is_err());
    }

    #[test]
    fn empty_text_is_absent_and_text_is_trimmed() {
        let f = field(FieldKind::Text);
        assert_eq!(input_from_record(&f, &json!({"k": null})), Input::Text(String::new()));
        assert_eq!(input_to_json(&f, &Input::Text("  ".into())).unwrap(), None);
        assert_eq!(input_to_json(&f, &Input::Text(" a ".into())).unwrap(), Some(json!("a")));
    }

    #[test]
    fn booleans_are_toggles() {
        let f = field(FieldKind::Bool);
        assert_eq!(input_from_record(&f, &json!({"k": true})), Input::Toggle(true));
        assert_eq!(input_from_record(&f, &json!({})), Input::Toggle(false));
        assert_eq!(input_to_json(&f, &Input::Toggle(false)).unwrap(), Some(json!(false)));
    }
}
