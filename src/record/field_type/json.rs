//! How a field type's input becomes the JSON sent to the vendor.
//!
//! Only the value's *shape* is checked here (a list item that is not a number); whether it is
//! allowed (enum, pattern, date) is `validate`'s job. An untouched value is never converted:
//! `Draft` sends it back from the record as it came.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::super::input::{Entry, Input, entry_value, list_items};
use crate::backend::{EnumValue, Field, FieldKind, MapLayout};

impl Field {
    /// The JSON to send for `input`; `Ok(None)` when it is empty.
    pub fn to_json(&self, input: &Input) -> Result<Option<Value>, String> {
        match (self.kind, input) {
            (_, Input::Kept(value)) => Ok(Some(value.clone())),
            (_, Input::Null) => Ok(Some(Value::Null)),
            (_, Input::Toggle(on)) => Ok(Some(Value::Bool(*on))),
            (_, Input::Map(entries)) => self.entries_to_json(entries).map(Some),
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
                let value = self.values.iter().find(|v| v.matches(text));
                Ok(Some(match value {
                    Some(EnumValue::Int(n)) => Value::from(*n),
                    _ => Value::String(text.to_string()),
                }))
            }
            (_, Input::Text(text)) => Ok(Some(Value::String(text.trim().to_string()))),
        }
    }

    /// Whether plain text `now` sends other JSON than `before`: such text is sent trimmed
    /// (empty as nothing, or null), so the trimmed texts say it without building the JSON,
    /// which matters on every keystroke into a long value. `None` for any other input.
    pub fn text_changed(&self, now: &Input, before: &Input) -> Option<bool> {
        match (now, before) {
            (Input::Text(now), Input::Text(before)) if self.kind.is_text_like() && !self.kind.is_list() => {
                Some(now.trim() != before.trim())
            }
            _ => None,
        }
    }

    /// The JSON an emptied value is sent as when an update holds only the changed fields
    /// (leaving the field out would not change it) and the field takes no null: `[]` for a
    /// list, else `""`.
    pub fn emptied_json(&self) -> Value {
        if self.kind.is_list() { Value::Array(Vec::new()) } else { Value::String(String::new()) }
    }

    /// Leaves out of a key/value object the keys other fields show (`exclude`): those are
    /// read, sent and compared through their own fields. Other values are left as they are.
    pub fn drop_other_fields_keys(&self, value: &mut Value) {
        if self.kind == FieldKind::KeyValue
            && self.layout == MapLayout::Object
            && let Value::Object(map) = value
        {
            map.retain(|key, _| !self.exclude.contains(key));
        }
    }

    /// The JSON of a key/value field's entries, in the field's layout: an object, or a list
    /// of key/value pairs.
    pub(super) fn entries_to_json(&self, entries: &[Entry]) -> Result<Value, String> {
        let mut seen = HashSet::new();
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
        Ok(match self.layout {
            MapLayout::Object => Value::Object(pairs.into_iter().collect::<Map<String, Value>>()),
            MapLayout::Pairs => Value::Array(
                pairs
                    .into_iter()
                    .map(|(k, v)| {
                        let mut pair = Map::new();
                        pair.insert(self.pair_key.clone(), Value::String(k));
                        pair.insert(self.pair_value.clone(), v);
                        Value::Object(pair)
                    })
                    .collect(),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::field;
    use super::*;
    use crate::backend::ValueType;
    use serde_json::json;

    #[test]
    fn int_lists_round_trip_through_text() {
        let f = field("int_list", "");
        let input = f.input_from(&json!({"k": [12, 31]}));
        assert_eq!(input, Input::Text("12, 31".into()));
        assert_eq!(f.to_json(&input).unwrap(), Some(json!([12, 31])));
        assert!(f.to_json(&Input::Text("12, x".into())).unwrap_err().contains("`x`"));
        assert!(f.to_json(&Input::Text("99999999999".into())).is_err());
    }

    #[test]
    fn empty_text_is_absent_and_null_is_explicit() {
        let f = field("text", "");
        assert_eq!(f.input_from(&json!({"k": null})), Input::Text(String::new()));
        assert_eq!(f.to_json(&Input::Text("  ".into())).unwrap(), None);
        assert_eq!(f.to_json(&Input::Text(" a ".into())).unwrap(), Some(json!("a")));
        let nullable = field("text", "nullable = true");
        assert_eq!(nullable.input_from(&json!({"k": null})), Input::Null);
        assert_eq!(nullable.to_json(&Input::Null).unwrap(), Some(Value::Null));
    }

    #[test]
    fn booleans_are_toggles() {
        let f = field("bool", "");
        assert_eq!(f.input_from(&json!({"k": true})), Input::Toggle(true));
        assert_eq!(f.input_from(&json!({})), Input::Toggle(false));
        assert_eq!(f.to_json(&Input::Toggle(false)).unwrap(), Some(json!(false)));
    }

    #[test]
    fn integer_enums_are_sent_as_numbers() {
        let f = field("enum", "values = [1, 2, 3]");
        assert_eq!(f.input_from(&json!({"k": 2})), Input::Text("2".into()));
        assert_eq!(f.to_json(&Input::Text("3".into())).unwrap(), Some(json!(3)));
    }

    #[test]
    fn key_values_keep_their_types_in_both_layouts() {
        let object = field("key_value", "exclude = [\"firstName\"]");
        let record = json!({"k": {"firstName": "Ana", "vip": true, "score": 9.5, "tags": ["a", 2], "gone": null}});
        let Input::Map(entries) = object.input_from(&record) else { panic!("a map") };
        assert_eq!(entries.len(), 4, "excluded keys are left to their own field");
        let json = object.to_json(&Input::Map(entries)).unwrap().unwrap();
        assert_eq!(json, json!({"vip": true, "score": 9.5, "tags": ["a", 2], "gone": null}));

        let pairs = field("key_value", "layout = \"pairs\"");
        let record = json!({"k": [{"key": "plan", "value": "pro"}, {"key": "seats", "value": 3}]});
        let input = pairs.input_from(&record);
        assert_eq!(pairs.to_json(&input).unwrap().unwrap(), record["k"]);
    }

    #[test]
    fn a_number_entry_must_be_a_number() {
        let entry = Entry { key: "seats".into(), kind: ValueType::Number, text: "three".into() };
        assert!(entry_value(&entry).unwrap_err().contains("not a number"));
        let seats = Entry { text: "3".into(), ..entry };
        let dup = vec![seats.clone(), seats];
        assert!(field("key_value", "").entries_to_json(&dup).unwrap_err().contains("twice"));
    }

    #[test]
    fn emptied_values_other_fields_keys_and_trimmed_text() {
        assert_eq!(field("int_list", "").emptied_json(), json!([]));
        assert_eq!(field("date", "").emptied_json(), json!(""));
        let attributes = field("key_value", "exclude = [\"firstName\"]");
        let mut value = json!({"firstName": "Ana", "vip": true});
        attributes.drop_other_fields_keys(&mut value);
        assert_eq!(value, json!({"vip": true}));
        let mut pairs = json!([{"key": "firstName", "value": "Ana"}]);
        field("key_value", "exclude = [\"firstName\"]\nlayout = \"pairs\"").drop_other_fields_keys(&mut pairs);
        assert_eq!(pairs, json!([{"key": "firstName", "value": "Ana"}]));
        let (padded, plain) = (Input::Text(" Ana ".into()), Input::Text("Ana".into()));
        assert_eq!(field("text", "").text_changed(&padded, &plain), Some(false));
        assert_eq!(field("text", "").text_changed(&padded, &Input::Text("Bo".into())), Some(true));
        assert_eq!(field("string_list", "").text_changed(&padded, &plain), None);
        assert_eq!(field("enum", "values = [\"Ana\"]").text_changed(&padded, &plain), None);
    }
}
