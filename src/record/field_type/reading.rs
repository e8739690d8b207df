//! How a field type reads the JSON a record holds: the input its widget shows, or, when
//! the widget cannot show the value as it is, the value kept exactly as received
//! ([`Input::Kept`]) with the reason in words.
//!
//! This is the one place that knows which JSON a type can show. The form, `rolo get`, bulk
//! edit, the history and the editor document all read records through it, and an untouched
//! value is sent back from the record itself (see `Draft::body`), so a reading here only
//! decides what the user sees and what an edit starts from; it never changes what is sent.

use std::collections::HashSet;

use serde_json::Value;

use super::super::input::{Entry, Input, entry_from};
use crate::backend::path::push_plain;
use crate::backend::{Field, FieldKind, MapLayout};

impl Field {
    /// The input showing a record's current value for this self.
    pub fn input_from(&self, record: &Value) -> Input {
        self.read(self.read_path().get(record).as_deref())
    }

    /// The input showing `value` (`None`: the record has no such key) in this field's widget.
    ///
    /// Lenient where the meaning is plain: a toggle reads `1`, `"1"`, `"true"`, `"yes"` as yes
    /// (see [`bool_word`]); text shows a number as its digits; an enum shows `"3"` for the value
    /// 3. Anything the widget would show wrongly or change on the next edit (an object in a text
    /// field, `"maybe"` in a toggle, a string in a list, a list item with a comma) is kept.
    pub fn read(&self, value: Option<&Value>) -> Input {
        match value {
            Some(Value::Null) if self.nullable => Input::Null,
            None | Some(Value::Null) => match self.kind {
                FieldKind::Bool => Input::Toggle(false),
                FieldKind::KeyValue => Input::Map(Vec::new()),
                _ => Input::Text(self.default.clone().unwrap_or_default()),
            },
            Some(value) => self.shown_as_read(value).unwrap_or_else(|| Input::Kept(value.clone())),
        }
    }

    /// The input a widget shows for a present, non-null value; `None` when it cannot.
    fn shown_as_read(&self, value: &Value) -> Option<Input> {
        match self.kind {
            FieldKind::Bool => read_bool(value).map(Input::Toggle),
            FieldKind::KeyValue => self.read_entries(value).map(Input::Map),
            kind if kind.is_list() => self.read_list(value),
            _ => match value {
                Value::String(text) => Some(Input::Text(text.clone())),
                Value::Number(n) => Some(Input::Text(n.to_string())),
                _ => None,
            },
        }
    }

    /// A list shown as `a, b`, only when that text reads back to exactly this list.
    fn read_list(&self, value: &Value) -> Option<Input> {
        let Value::Array(items) = value else { return None };
        if items.is_empty() {
            return Some(Input::Text(String::new()));
        }
        let mut text = String::new();
        push_plain(&mut text, value);
        let input = Input::Text(text);
        (self.to_json(&input).ok().flatten().as_ref() == Some(value)).then_some(input)
    }

    /// The entries of a key/value field, only when turning them back into JSON gives exactly
    /// `value` (less the keys other fields show), so an edit to one entry leaves the others as
    /// they came.
    fn read_entries(&self, value: &Value) -> Option<Vec<Entry>> {
        let entries: Vec<Entry> = match (self.layout, value) {
            (MapLayout::Object, Value::Object(map)) => {
                map.iter().filter(|(k, _)| !self.exclude.contains(k)).map(|(k, v)| entry_from(k.clone(), v)).collect()
            }
            (MapLayout::Pairs, Value::Array(items)) => {
                let mut seen = HashSet::new();
                let mut entries = Vec::with_capacity(items.len());
                for item in items {
                    let pair = item.as_object().filter(|pair| pair.len() == 2)?;
                    let key = pair.get(&self.pair_key)?.as_str()?;
                    let value = pair.get(&self.pair_value)?;
                    if !seen.insert(key) {
                        return None;
                    }
                    entries.push(entry_from(key.to_string(), value));
                }
                entries
            }
            _ => return None,
        };
        let mut expected = value.clone();
        self.drop_other_fields_keys(&mut expected);
        (self.entries_to_json(&entries).ok()? == expected).then_some(entries)
    }

    /// Why this field's widget shows `value` as received instead of as its kind, in words for the
    /// note under the field: `an object where text is expected`.
    pub fn kept_reason(&self, value: &Value) -> String {
        let what = match value {
            Value::Object(_) => "an object",
            Value::Array(_) => "a list",
            Value::String(_) => "text",
            Value::Number(_) => "a number",
            Value::Bool(_) => "true/false",
            Value::Null => "null",
        };
        let expected = match self.kind {
            FieldKind::Bool => "yes or no",
            FieldKind::Enum => "one of its values",
            FieldKind::Country => "a country code",
            FieldKind::IntList => "a list of whole numbers",
            FieldKind::KeyValue if self.layout == MapLayout::Pairs => "a list of key/value pairs",
            FieldKind::KeyValue => "keys and values",
            kind if kind.is_list() => "a list of text items without commas",
            _ => "text",
        };
        match (self.kind, value) {
            (kind, Value::Array(_)) if kind.is_list() => {
                format!("list items rolo cannot edit without changing them ({expected} expected)")
            }
            (FieldKind::KeyValue, Value::Object(_) | Value::Array(_)) => {
                format!("entries rolo cannot edit without changing them ({expected} expected)")
            }
            _ => format!("{what} where {expected} is expected"),
        }
    }
}

/// A yes/no word as people and servers write it: `yes`/`true`/`on`/`1` and `no`/`false`/
/// `off`/`0`, in any case, spaces around ignored.
pub fn bool_word(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Some(true),
        "no" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// A JSON value read as yes or no: a boolean, the numbers 0 and 1, or a [`bool_word`].
pub fn read_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(on) => Some(*on),
        Value::Number(n) => match n.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(text) => bool_word(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::field;
    use super::*;
    use serde_json::json;

    #[test]
    fn toggles_read_what_servers_write_for_yes_and_no() {
        let f = field("bool", "");
        for yes in [json!(true), json!(1), json!("1"), json!("true"), json!("yes"), json!("Yes")] {
            assert_eq!(f.read(Some(&yes)), Input::Toggle(true), "{yes}");
        }
        for no in [json!(false), json!(0), json!("0"), json!("false"), json!("no")] {
            assert_eq!(f.read(Some(&no)), Input::Toggle(false), "{no}");
        }
        for odd in [json!("maybe"), json!(2), json!(1.5), json!({"a": 1}), json!([true])] {
            assert_eq!(f.read(Some(&odd)), Input::Kept(odd.clone()), "{odd}");
        }
    }

    #[test]
    fn text_shows_strings_and_numbers_and_keeps_the_rest() {
        let f = field("text", "");
        assert_eq!(f.read(Some(&json!("  Ana "))), Input::Text("  Ana ".into()));
        assert_eq!(f.read(Some(&json!(42))), Input::Text("42".into()));
        assert_eq!(f.read(Some(&json!({"a": 1}))), Input::Kept(json!({"a": 1})));
        assert_eq!(f.read(Some(&json!(true))), Input::Kept(json!(true)));
        assert_eq!(f.kept_reason(&json!({"a": 1})), "an object where text is expected");
    }

    #[test]
    fn lists_are_shown_only_when_their_text_gives_them_back() {
        let ints = field("int_list", "");
        assert_eq!(ints.read(Some(&json!([12, 31]))), Input::Text("12, 31".into()));
        assert_eq!(ints.read(Some(&json!([]))), Input::Text(String::new()));
        for kept in [json!("42"), json!(["12"]), json!([1.5]), json!([99999999999_i64]), json!(7)] {
            assert_eq!(ints.read(Some(&kept)), Input::Kept(kept.clone()), "{kept}");
        }
        let strings = field("string_list", "");
        assert_eq!(strings.read(Some(&json!(["a", "b"]))), Input::Text("a, b".into()));
        for kept in [json!(["a,b"]), json!([" a"]), json!([1]), json!([""])] {
            assert_eq!(strings.read(Some(&kept)), Input::Kept(kept.clone()), "{kept}");
        }
    }

    #[test]
    fn key_value_entries_give_back_exactly_what_came() {
        let f = field("key_value", "");
        let value = json!({"big": 18446744073709551615_u64, "flags": [true, "1", null], "deep": [[1]], "n": 2.5});
        let Input::Map(entries) = f.read(Some(&value)) else { panic!("shown as entries") };
        assert_eq!(f.entries_to_json(&entries).unwrap(), value);
        assert_eq!(f.read(Some(&json!({" padded": 1}))), Input::Kept(json!({" padded": 1})));
        let pairs = field("key_value", "layout = \"pairs\"");
        for kept in [json!([{"key": "a"}]), json!([{"key": "a", "value": 1, "extra": 2}]), json!(["a"])] {
            assert_eq!(pairs.read(Some(&kept)), Input::Kept(kept.clone()), "{kept}");
        }
        let twice = json!([{"key": "a", "value": 1}, {"key": "a", "value": 2}]);
        assert_eq!(pairs.read(Some(&twice)), Input::Kept(twice.clone()));
    }
}
