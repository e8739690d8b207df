//! How each field kind reads the JSON a record holds: the input its widget shows, or, when
//! the widget cannot show the value as it is, the value kept exactly as received
//! ([`Input::Kept`]) with the reason in words.
//!
//! This is the one place that knows which JSON a kind can show. The form, `rolo get`, bulk
//! edit, the history and the editor document all read records through it, and an untouched
//! value is sent back from the record itself (see `Draft::body`), so a reading here only
//! decides what the user sees and what an edit starts from; it never changes what is sent.

use std::collections::HashSet;

use serde_json::Value;

use super::input::{Entry, Input, entry_value, input_to_json, map_to_json};
use crate::backend::path::push_plain;
use crate::backend::{Field, FieldKind, MapLayout, ValueType};

/// The input showing a record's current value for `field`.
pub fn input_from_record(field: &Field, record: &Value) -> Input {
    read_input(field, field.read_path().get(record).as_deref())
}

/// The input showing `value` (`None`: the record has no such key) in `field`'s widget.
///
/// Lenient where the meaning is plain: a toggle reads `1`, `"1"`, `"true"`, `"yes"` as yes
/// (see [`bool_word`]); text shows a number as its digits; an enum shows `"3"` for the value
/// 3. Anything the widget would show wrongly or change on the next edit (an object in a text
/// field, `"maybe"` in a toggle, a string in a list, a list item with a comma) is kept.
pub fn read_input(field: &Field, value: Option<&Value>) -> Input {
    match value {
        Some(Value::Null) if field.nullable => Input::Null,
        None | Some(Value::Null) => match field.kind {
            FieldKind::Bool => Input::Toggle(false),
            FieldKind::KeyValue => Input::Map(Vec::new()),
            _ => Input::Text(field.default.clone().unwrap_or_default()),
        },
        Some(value) => shown(field, value).unwrap_or_else(|| Input::Kept(value.clone())),
    }
}

/// The input a widget shows for a present, non-null value; `None` when it cannot.
fn shown(field: &Field, value: &Value) -> Option<Input> {
    match field.kind {
        FieldKind::Bool => read_bool(value).map(Input::Toggle),
        FieldKind::KeyValue => read_entries(field, value).map(Input::Map),
        kind if kind.is_list() => read_list(field, value),
        _ => match value {
            Value::String(text) => Some(Input::Text(text.clone())),
            Value::Number(n) => Some(Input::Text(n.to_string())),
            _ => None,
        },
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

/// A list shown as `a, b`, only when that text reads back to exactly this list.
fn read_list(field: &Field, value: &Value) -> Option<Input> {
    let Value::Array(items) = value else { return None };
    if items.is_empty() {
        return Some(Input::Text(String::new()));
    }
    let mut text = String::new();
    push_plain(&mut text, value);
    let input = Input::Text(text);
    (input_to_json(field, &input).ok().flatten().as_ref() == Some(value)).then_some(input)
}

/// The entries of a key/value field, only when turning them back into JSON gives exactly
/// `value` (less the keys other fields show), so an edit to one entry leaves the others as
/// they came.
fn read_entries(field: &Field, value: &Value) -> Option<Vec<Entry>> {
    let entries: Vec<Entry> = match (field.layout, value) {
        (MapLayout::Object, Value::Object(map)) => {
            map.iter().filter(|(k, _)| !field.exclude.contains(k)).map(|(k, v)| entry_from(k.clone(), v)).collect()
        }
        (MapLayout::Pairs, Value::Array(items)) => {
            let mut seen = HashSet::new();
            let mut entries = Vec::with_capacity(items.len());
            for item in items {
                let pair = item.as_object().filter(|pair| pair.len() == 2)?;
                let key = pair.get(&field.pair_key)?.as_str()?;
                let value = pair.get(&field.pair_value)?;
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
    if let Value::Object(map) = &mut expected {
        map.retain(|k, _| !field.exclude.contains(k));
    }
    (map_to_json(field, &entries).ok()? == expected).then_some(entries)
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

/// Why `field`'s widget shows `value` as received instead of as its kind, in words for the
/// note under the field: `an object where text is expected`.
pub fn kept_reason(field: &Field, value: &Value) -> String {
    let what = match value {
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::String(_) => "text",
        Value::Number(_) => "a number",
        Value::Bool(_) => "true/false",
        Value::Null => "null",
    };
    let expected = match field.kind {
        FieldKind::Bool => "yes or no",
        FieldKind::Enum => "one of its values",
        FieldKind::Country => "a country code",
        FieldKind::IntList => "a list of whole numbers",
        FieldKind::KeyValue if field.layout == MapLayout::Pairs => "a list of key/value pairs",
        FieldKind::KeyValue => "keys and values",
        kind if kind.is_list() => "a list of text items without commas",
        _ => "text",
    };
    match (field.kind, value) {
        (kind, Value::Array(_)) if kind.is_list() => {
            format!("list items rolo cannot edit without changing them ({expected} expected)")
        }
        (FieldKind::KeyValue, Value::Object(_) | Value::Array(_)) => {
            format!("entries rolo cannot edit without changing them ({expected} expected)")
        }
        _ => format!("{what} where {expected} is expected"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(kind: &str, extra: &str) -> Field {
        toml::from_str(&format!("key = \"k\"\nlabel = \"K\"\ntype = \"{kind}\"\n{extra}")).unwrap()
    }

    #[test]
    fn toggles_read_what_servers_write_for_yes_and_no() {
        let f = field("bool", "");
        for yes in [json!(true), json!(1), json!("1"), json!("true"), json!("yes"), json!("Yes")] {
            assert_eq!(read_input(&f, Some(&yes)), Input::Toggle(true), "{yes}");
        }
        for no in [json!(false), json!(0), json!("0"), json!("false"), json!("no")] {
            assert_eq!(read_input(&f, Some(&no)), Input::Toggle(false), "{no}");
        }
        for odd in [json!("maybe"), json!(2), json!(1.5), json!({"a": 1}), json!([true])] {
            assert_eq!(read_input(&f, Some(&odd)), Input::Kept(odd.clone()), "{odd}");
        }
    }

    #[test]
    fn text_shows_strings_and_numbers_and_keeps_the_rest() {
        let f = field("text", "");
        assert_eq!(read_input(&f, Some(&json!("  Ana "))), Input::Text("  Ana ".into()));
        assert_eq!(read_input(&f, Some(&json!(42))), Input::Text("42".into()));
        assert_eq!(read_input(&f, Some(&json!({"a": 1}))), Input::Kept(json!({"a": 1})));
        assert_eq!(read_input(&f, Some(&json!(true))), Input::Kept(json!(true)));
        assert_eq!(kept_reason(&f, &json!({"a": 1})), "an object where text is expected");
    }

    #[test]
    fn lists_are_shown_only_when_their_text_gives_them_back() {
        let ints = field("int_list", "");
        assert_eq!(read_input(&ints, Some(&json!([12, 31]))), Input::Text("12, 31".into()));
        assert_eq!(read_input(&ints, Some(&json!([]))), Input::Text(String::new()));
        for kept in [json!("42"), json!(["12"]), json!([1.5]), json!([99999999999_i64]), json!(7)] {
            assert_eq!(read_input(&ints, Some(&kept)), Input::Kept(kept.clone()), "{kept}");
        }
        let strings = field("string_list", "");
        assert_eq!(read_input(&strings, Some(&json!(["a", "b"]))), Input::Text("a, b".into()));
        for kept in [json!(["a,b"]), json!([" a"]), json!([1]), json!([""])] {
            assert_eq!(read_input(&strings, Some(&kept)), Input::Kept(kept.clone()), "{kept}");
        }
    }

    #[test]
    fn key_value_entries_give_back_exactly_what_came() {
        let f = field("key_value", "");
        let value = json!({"big": 18446744073709551615_u64, "flags": [true, "1", null], "deep": [[1]], "n": 2.5});
        let Input::Map(entries) = read_input(&f, Some(&value)) else { panic!("shown as entries") };
        assert_eq!(map_to_json(&f, &entries).unwrap(), value);
        assert_eq!(read_input(&f, Some(&json!({" padded": 1}))), Input::Kept(json!({" padded": 1})));
        let pairs = field("key_value", "layout = \"pairs\"");
        for kept in [json!([{"key": "a"}]), json!([{"key": "a", "value": 1, "extra": 2}]), json!(["a"])] {
            assert_eq!(read_input(&pairs, Some(&kept)), Input::Kept(kept.clone()), "{kept}");
        }
        let twice = json!([{"key": "a", "value": 1}, {"key": "a", "value": 2}]);
        assert_eq!(read_input(&pairs, Some(&twice)), Input::Kept(twice.clone()));
    }
}
