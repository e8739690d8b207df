//! What each field type means to the screens that show and edit it: the values it offers to
//! pick from, how its value is shown, what typed text it reads, and how it is written in and
//! read back from the external editor's document.
//!
//! With [`super::reading`] (how a type reads a record's JSON, faithfully) and [`super::input`]
//! (how an edited value becomes the JSON sent), this is the home of the field types: the form,
//! bulk edit, `rolo update`, the editor document and the views ask a [`Field`] here instead of
//! matching on its kind. A new type adds its variant to [`FieldKind`] (with its
//! [`Widget`](crate::backend::Widget)), its cases here and in those two files, its validator in
//! `validate`, and, when no existing widget fits, its widget in `ui`.

use serde_json::{Map, Value};

use super::countries::{countries, country_name};
use super::input::{Entry, Input, entry_value, list_items};
use super::reading::{bool_word, entry_from};
use crate::backend::{EnumValue, Field, FieldKind, Widget};
use crate::config::EditorFormat;

/// One value offered to pick from (a dropdown entry, a bulk edit's value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What the field gets when this is picked (empty text for "(none)").
    pub input: Input,
    /// What the user sees.
    pub label: String,
    /// A name to jump to by typing (a country's name); empty when the value is the name.
    pub name: String,
}

impl Choice {
    fn text(value: &str, label: String, name: &str) -> Self {
        Self { input: Input::Text(value.to_string()), label, name: name.to_string() }
    }

    fn none() -> Self {
        Self::text("", "(none)".into(), "")
    }
}

/// What a value looks like, by the widget its field type has; the views choose the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown<'a> {
    /// An explicit null.
    Null,
    /// A value kept exactly as received, which the widget cannot show.
    Kept(&'a Value),
    /// A toggle, on or off.
    Toggle(bool),
    /// The entries of a key/value field.
    Entries(&'a [Entry]),
    /// A value picked from a dropdown, as its text (empty when none is picked).
    Picked(&'a str),
    /// Typed text (empty when nothing is typed).
    Text(&'a str),
}

impl Field {
    /// The values of a dropdown field, as the form's dropdown lists them: "(none)" first when
    /// the field may be empty, then the values; empty for fields that are not dropdowns.
    pub fn dropdown_choices(&self) -> Vec<Choice> {
        let mut choices = Vec::new();
        if !self.required {
            choices.push(Choice::none());
        }
        choices.extend(self.listed_values());
        choices
    }

    /// The values bulk edit offers for this field: yes and no for a toggle, a dropdown's
    /// values then "(none)" when it may be empty, and null last when the vendor takes it;
    /// empty for fields whose value is typed.
    pub fn bulk_choices(&self) -> Vec<Choice> {
        let mut choices = match self.kind.widget() {
            Widget::Toggle => vec![
                Choice { input: Input::Toggle(true), label: "true".into(), name: String::new() },
                Choice { input: Input::Toggle(false), label: "false".into(), name: String::new() },
            ],
            Widget::Dropdown => {
                let mut choices = self.listed_values();
                if !self.required {
                    choices.push(Choice::none());
                }
                choices
            }
            Widget::Line | Widget::Entries => return Vec::new(),
        };
        if self.nullable {
            choices.push(Choice { input: Input::Null, label: "null".into(), name: String::new() });
        }
        choices
    }

    /// A dropdown's values: an enum's allowed values, or every country as `DE  Germany`.
    fn listed_values(&self) -> Vec<Choice> {
        match self.kind {
            FieldKind::Country => {
                countries().iter().map(|(code, name)| Choice::text(code, format!("{code}  {name}"), name)).collect()
            }
            _ => self.values.iter().map(|v| Choice::text(&v.text(), v.text(), "")).collect(),
        }
    }

    /// The name a picked value stands for, shown beside it: a country's name for its code.
    pub fn choice_name(&self, text: &str) -> Option<&'static str> {
        match self.kind {
            FieldKind::Country => country_name(text),
            _ => None,
        }
    }

    /// What `input` looks like in this field's widget.
    pub fn shown<'a>(&self, input: &'a Input) -> Shown<'a> {
        match input {
            Input::Null => Shown::Null,
            Input::Kept(value) => Shown::Kept(value),
            Input::Toggle(on) => Shown::Toggle(*on),
            Input::Map(entries) => Shown::Entries(entries),
            Input::Text(text) if self.kind.widget() == Widget::Dropdown => Shown::Picked(text),
            Input::Text(text) => Shown::Text(text),
        }
    }

    /// The input the form would hold after a user typed `text` into this field (the command
    /// line's `field=value`). Text kinds, enums, countries and lists keep the text as typed;
    /// a boolean reads `yes`/`no` (`true`/`false`, `on`/`off`, `1`/`0`); a key/value field reads
    /// a JSON object. Empty text empties the field (a boolean becomes null when nullable).
    /// Whether the value is allowed is left to `validate`, as in the form.
    pub fn parse(&self, text: &str) -> Result<Input, String> {
        match self.kind {
            FieldKind::Bool => match bool_word(text) {
                Some(on) => Ok(Input::Toggle(on)),
                None if text.trim().is_empty() && self.nullable => Ok(Input::Null),
                None if text.trim().is_empty() => Ok(Input::Toggle(false)),
                None => Err(format!("`{}` is not yes or no", text.trim())),
            },
            FieldKind::KeyValue if text.trim().is_empty() => Ok(Input::Map(Vec::new())),
            FieldKind::KeyValue => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(map)) => Ok(Input::Map(map.into_iter().map(|(k, v)| entry_from(k, &v)).collect())),
                _ => Err("expected a JSON object, e.g. {\"plan\": \"pro\"}".into()),
            },
            _ => Ok(Input::Text(text.to_string())),
        }
    }

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
    use super::*;

    fn field(kind: &str, extra: &str) -> Field {
        toml::from_str(&format!("key = \"k\"\nlabel = \"K\"\ntype = \"{kind}\"\n{extra}")).unwrap()
    }

    fn labels(choices: &[Choice]) -> Vec<&str> {
        choices.iter().map(|c| c.label.as_str()).collect()
    }

    #[test]
    fn the_dropdown_offers_none_first_and_bulk_edit_offers_it_after_the_values() {
        let size = field("enum", "values = [\"S\", \"M\"]\nnullable = true");
        assert_eq!(labels(&size.dropdown_choices()), ["(none)", "S", "M"]);
        assert_eq!(labels(&size.bulk_choices()), ["S", "M", "(none)", "null"]);
        assert_eq!(size.bulk_choices()[2].input, Input::Text(String::new()));
        let required = field("enum", "values = [1, 2]\nrequired = true");
        assert_eq!(labels(&required.dropdown_choices()), ["1", "2"]);
        assert_eq!(labels(&required.bulk_choices()), ["1", "2"]);
    }

    #[test]
    fn toggles_are_picked_only_in_bulk_edit_and_typed_fields_offer_nothing() {
        let vip = field("bool", "");
        assert_eq!(labels(&vip.bulk_choices()), ["true", "false"]);
        assert_eq!(vip.bulk_choices()[1].input, Input::Toggle(false));
        let name = field("text", "nullable = true");
        assert!(name.bulk_choices().is_empty());
        assert!(field("key_value", "").bulk_choices().is_empty());
    }

    #[test]
    fn countries_are_listed_by_code_and_jumped_to_by_name() {
        let country = field("country", "required = true");
        let choices = country.dropdown_choices();
        let germany = choices.iter().find(|c| c.input == Input::Text("DE".into())).unwrap();
        assert_eq!((germany.label.as_str(), germany.name.as_str()), ("DE  Germany", "Germany"));
        assert_eq!(country.choice_name("DE"), Some("Germany"));
        assert_eq!(field("enum", "values = [\"DE\"]").choice_name("DE"), None);
    }

    #[test]
    fn dropdown_text_is_picked_and_other_text_is_typed() {
        let text = Input::Text("DE".into());
        assert_eq!(field("country", "").shown(&text), Shown::Picked("DE"));
        assert_eq!(field("text", "").shown(&text), Shown::Text("DE"));
        assert_eq!(field("bool", "").shown(&Input::Toggle(true)), Shown::Toggle(true));
    }

    #[test]
    fn typed_text_reads_as_the_field_type() {
        assert_eq!(field("bool", "").parse(" Yes "), Ok(Input::Toggle(true)));
        assert_eq!(field("bool", "").parse(""), Ok(Input::Toggle(false)));
        assert_eq!(field("bool", "nullable = true").parse(" "), Ok(Input::Null));
        assert!(field("bool", "").parse("maybe").unwrap_err().contains("`maybe`"));
        assert_eq!(field("int_list", "").parse("1, x"), Ok(Input::Text("1, x".into())));
        let Ok(Input::Map(entries)) = field("key_value", "").parse("{\"seats\": 3}") else { panic!("entries") };
        assert_eq!(entries[0].text, "3");
        assert!(field("key_value", "").parse("[1]").is_err());
    }

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
