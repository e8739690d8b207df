//! What a user edits for each field kind, and how it turns into JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::backend::{Field, FieldKind, MapLayout, ValueType};

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

/// Turns an input into the JSON to send; `Ok(None)` when it is empty.
///
/// Only the value's *shape* is checked here (a list item that is not a number); whether it
/// is allowed (enum, pattern, date) is `validate`'s job.
pub fn input_to_json(field: &Field, input: &Input) -> Result<Option<Value>, String> {
    match (field.kind, input) {
        (_, Input::Kept(value)) => Ok(Some(value.clone())),
        (_, Input::Null) => Ok(Some(Value::Null)),
        (_, Input::Toggle(on)) => Ok(Some(Value::Bool(*on))),
        (_, Input::Map(entries)) => map_to_json(field, entries).map(Some),
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
        (kind, Input::Text(text)) if kind.is_list() => {
            Ok(Some(Value::Array(list_items(text).map(|s| Value::String(s.to_string())).collect())))
        }
        (FieldKind::Enum, Input::Text(text)) => {
            let text = text.trim();
            let value = field.values.iter().find(|v| v.matches(text));
            Ok(Some(match value {
                Some(crate::backend::EnumValue::Int(n)) => Value::from(*n),
                _ => Value::String(text.to_string()),
            }))
        }
        (_, Input::Text(text)) => Ok(Some(Value::String(text.trim().to_string()))),
    }
}

pub(super) fn map_to_json(field: &Field, entries: &[Entry]) -> Result<Value, String> {
    let mut seen = std::collections::HashSet::new();
    let mut pairs = Vec::with_capacity(entries.len());
    for entry in entries {
        let key = entry.key.trim();
        if key.is_empty() {
            return Err("an entry has no key".into());
        }
        if !seen.insert(key) {
            return Err(format!("the key `{key}` appears twice"));
        }
        pairs.push((key.to_string(), entry_value(entry)?));
    }
    Ok(match field.layout {
        MapLayout::Object => Value::Object(pairs.into_iter().collect::<Map<String, Value>>()),
        MapLayout::Pairs => Value::Array(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let mut pair = Map::new();
                    pair.insert(field.pair_key.clone(), Value::String(k));
                    pair.insert(field.pair_value.clone(), v);
                    Value::Object(pair)
                })
                .collect(),
        ),
    })
}

/// The non-empty, trimmed items of a comma-separated list.
pub fn list_items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::reading::input_from_record;
    use super::*;
    use serde_json::json;

    fn field(kind: FieldKind, extra: &str) -> Field {
        let text = format!("key = \"k\"\nlabel = \"K\"\ntype = \"{}\"\n{extra}", kind_name(kind));
        toml::from_str(&text).unwrap()
    }

    fn kind_name(kind: FieldKind) -> &'static str {
        match kind {
            FieldKind::IntList => "int_list",
            FieldKind::Text => "text",
            FieldKind::Bool => "bool",
            FieldKind::Enum => "enum",
            FieldKind::KeyValue => "key_value",
            _ => "text",
        }
    }

    #[test]
    fn int_lists_round_trip_through_text() {
        let f = field(FieldKind::IntList, "");
        let input = input_from_record(&f, &json!({"k": [12, 31]}));
        assert_eq!(input, Input::Text("12, 31".into()));
        assert_eq!(input_to_json(&f, &input).unwrap(), Some(json!([12, 31])));
        assert!(input_to_json(&f, &Input::Text("12, x".into())).unwrap_err().contains("`x`"));
        assert!(input_to_json(&f, &Input::Text("99999999999".into())).is_err());
    }

    #[test]
    fn empty_text_is_absent_and_null_is_explicit() {
        let f = field(FieldKind::Text, "");
        assert_eq!(input_from_record(&f, &json!({"k": null})), Input::Text(String::new()));
        assert_eq!(input_to_json(&f, &Input::Text("  ".into())).unwrap(), None);
        assert_eq!(input_to_json(&f, &Input::Text(" a ".into())).unwrap(), Some(json!("a")));
        let nullable = field(FieldKind::Text, "nullable = true");
        assert_eq!(input_from_record(&nullable, &json!({"k": null})), Input::Null);
        assert_eq!(input_to_json(&nullable, &Input::Null).unwrap(), Some(Value::Null));
    }

    #[test]
    fn booleans_are_toggles() {
        let f = field(FieldKind::Bool, "");
        assert_eq!(input_from_record(&f, &json!({"k": true})), Input::Toggle(true));
        assert_eq!(input_from_record(&f, &json!({})), Input::Toggle(false));
        assert_eq!(input_to_json(&f, &Input::Toggle(false)).unwrap(), Some(json!(false)));
    }

    #[test]
    fn integer_enums_are_sent_as_numbers() {
        let f = field(FieldKind::Enum, "values = [1, 2, 3]");
        assert_eq!(input_from_record(&f, &json!({"k": 2})), Input::Text("2".into()));
        assert_eq!(input_to_json(&f, &Input::Text("3".into())).unwrap(), Some(json!(3)));
    }

    #[test]
    fn key_values_keep_their_types_in_both_layouts() {
        let object = field(FieldKind::KeyValue, "exclude = [\"firstName\"]");
        let record = json!({"k": {"firstName": "Ana", "vip": true, "score": 9.5, "tags": ["a", 2], "gone": null}});
        let Input::Map(entries) = input_from_record(&object, &record) else { panic!("a map") };
        assert_eq!(entries.len(), 4, "excluded keys are left to their own field");
        let json = input_to_json(&object, &Input::Map(entries)).unwrap().unwrap();
        assert_eq!(json, json!({"vip": true, "score": 9.5, "tags": ["a", 2], "gone": null}));

        let pairs = field(FieldKind::KeyValue, "layout = \"pairs\"");
        let record = json!({"k": [{"key": "plan", "value": "pro"}, {"key": "seats", "value": 3}]});
        let input = input_from_record(&pairs, &record);
        assert_eq!(input_to_json(&pairs, &input).unwrap().unwrap(), record["k"]);
    }

    #[test]
    fn a_number_entry_must_be_a_number() {
        let entry = Entry { key: "seats".into(), kind: ValueType::Number, text: "three".into() };
        assert!(entry_value(&entry).unwrap_err().contains("not a number"));
        let seats = Entry { text: "3".into(), ..entry };
        let dup = vec![seats.clone(), seats];
        assert!(map_to_json(&field(FieldKind::KeyValue, ""), &dup).unwrap_err().contains("twice"));
    }
}
