//! The field types: everything a field's type decides, as methods on [`Field`], so the form,
//! bulk edit, `rolo get`/`rolo update`, the history, conflicts, the editor document and the
//! views ask the field instead of matching on its kind. Only the validators (`validate`) and
//! the widget a kind is edited with ([`FieldKind::widget`]) match on it elsewhere.
//!
//! - here: what a value looks like in the type's widget ([`Field::shown`]) and what typed
//!   text it reads as ([`Field::parse`]);
//! - [`choices`]: the values it offers to pick from (dropdown, bulk edit) and a picked value's name;
//! - [`reading`]: the input a record's JSON gives it, faithfully ([`Input::Kept`] otherwise);
//! - [`json`]: the JSON its input sends, what an emptied value sends, and which keys of a
//!   key/value object are its own;
//! - [`document`]: its value in the external editor's document, and reading it back.
//!
//! A new type adds its variant to [`FieldKind`] with the [`Widget`] that edits it (in
//! `backend::spec`), its cases in these files where it differs from plain text (their
//! matches end in a text case, so the compiler does not ask), and its validator in
//! `validate`. Only when no existing widget fits does it add a [`Widget`], a [`Shown`] case,
//! its drawing in `ui::field` and its keys in `app::form`.

mod choices;
mod document;
mod json;
mod reading;

pub use choices::Choice;
pub use reading::read_bool;

use reading::bool_word;

use serde_json::Value;

use super::input::{Entry, Input, entry_from};
use crate::backend::{Field, FieldKind, Widget};

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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A field of type `kind` with the key `k`, and `extra` lines of its spec.
    pub(super) fn field(kind: &str, extra: &str) -> Field {
        toml::from_str(&format!("key = \"k\"\nlabel = \"K\"\ntype = \"{kind}\"\n{extra}")).unwrap()
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
}
