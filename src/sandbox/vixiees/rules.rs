//! Server-side validation of a Vixiees `PUT /contacts/{id}` body (`ContactUpdate`): every key
//! optional, no other keys, types and enums as the spec gives them, expressed as the Laravel
//! rules the API is assumed to run, with Laravel's messages. After the update the contact
//! must still have an e-mail address or a phone number (the help centre's contact model).

use serde_json::{Map, Value};

use crate::sandbox::formats::{is_email, is_uri};
use crate::sandbox::laravel::{Errors, rule};

/// What a field's value must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A string; `null` is refused.
    Text,
    /// A string or `null`.
    NullableText,
    /// An e-mail address or `null`.
    Email,
    /// A URI or `null`.
    Url,
    /// An array of strings.
    TextList,
    /// An array of e-mail addresses.
    EmailList,
    /// An integer from 1 to 5.
    Priority,
    /// One of the write-side sources.
    Source,
    /// Two upper-case letters (ISO 3166-1 alpha-2).
    Country,
    /// Two lower-case letters (ISO 639-1).
    Language,
    /// A JSON boolean.
    Bool,
    /// `null` or an array of `{key, value}` objects.
    CustomAttributes,
}

use Kind::*;

/// The `source` values accepted on write; the read side may carry others.
pub(super) const SOURCES: &[&str] = &["manual", "csv", "api", "call", "whatsapp", "email", "crm"];

/// The writable fields in the order of the spec (and of the read model).
const FIELDS: &[(&str, Kind)] = &[
    ("first_name", Text),
    ("last_name", Text),
    ("second_last_name", NullableText),
    ("email", Email),
    ("phone", NullableText),
    ("company_name", NullableText),
    ("additional_phones", TextList),
    ("additional_emails", EmailList),
    ("priority", Priority),
    ("source", Source),
    ("country_code", Country),
    ("language", Language),
    ("whatsapp_transactional_opt_in", Bool),
    ("email_transactional_opt_in", Bool),
    ("whatsapp_marketing_opt_in", Bool),
    ("email_marketing_opt_in", Bool),
    ("external_reference_id", NullableText),
    ("external_reference_url", Url),
    ("skills", TextList),
    ("custom_attributes", CustomAttributes),
];

/// Checks a body and returns the fields to change, as sent (a whole-number priority such as
/// `2.0` becomes `2`).
pub(super) fn validate(input: &Map<String, Value>) -> Result<Map<String, Value>, Errors> {
    let mut errors = Errors::default();
    let mut out = Map::new();
    for (key, value) in input {
        let Some(&(_, kind)) = FIELDS.iter().find(|(k, _)| k == key) else {
            // `additionalProperties: false`; read-only keys such as `id` are not in the schema.
            errors.add(key, rule::prohibited(key));
            continue;
        };
        let problems = check(key, kind, value);
        if problems.is_empty() {
            let value = match (kind, whole_number(value)) {
                (Priority, Some(n)) => Value::from(n),
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        for (key, message) in problems {
            errors.add(&key, message);
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// The failures of one field as `(error key, message)` pairs.
fn check(key: &str, kind: Kind, value: &Value) -> Vec<(String, String)> {
    let fail = |message: String| vec![(key.to_owned(), message)];
    match (kind, value) {
        (NullableText | Email | Url | CustomAttributes, Value::Null) => Vec::new(),
        (Bool, Value::Bool(_)) => Vec::new(),
        (Bool, _) => fail(rule::boolean(key)),
        (Priority, v) => match whole_number(v) {
            None => fail(rule::integer(key)),
            Some(n) if !(1..=5).contains(&n) => fail(rule::one_of(key)),
            Some(_) => Vec::new(),
        },
        (TextList | EmailList, Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let element = format!("{key}.{i}");
                match item {
                    Value::String(s) if kind == EmailList && !is_email(s) => Some(rule::email(&element)),
                    Value::String(_) => None,
                    _ => Some(rule::string(&element)),
                }
                .map(|message| (element, message))
            })
            .collect(),
        (TextList | EmailList, _) => fail(rule::array(key)),
        (CustomAttributes, Value::Array(items)) => {
            items.iter().enumerate().flat_map(|(i, item)| custom_attribute(&format!("{key}.{i}"), item)).collect()
        }
        (CustomAttributes, _) => fail(rule::array(key)),
        (_, Value::String(s)) => match kind {
            Email if !is_email(s) => fail(rule::email(key)),
            Url if !is_uri(s) => fail(rule::url(key)),
            Source if !SOURCES.contains(&s.as_str()) => fail(rule::one_of(key)),
            Country if !is_code(s, |b| b.is_ascii_uppercase()) => fail(rule::format(key)),
            Language if !is_code(s, |b| b.is_ascii_lowercase()) => fail(rule::format(key)),
            _ => Vec::new(),
        },
        (_, _) => fail(rule::string(key)),
    }
}

/// One `{key, value}` item: `key` a required string, `value` a string, number, boolean or
/// `null`; other keys are left alone (the item schema does not forbid them).
fn custom_attribute(path: &str, item: &Value) -> Vec<(String, String)> {
    let Value::Object(item) = item else {
        return vec![(path.to_owned(), rule::array(path))];
    };
    let mut problems = Vec::new();
    let key_path = format!("{path}.key");
    match item.get("key") {
        None | Some(Value::Null) => problems.push((key_path.clone(), rule::required(&key_path))),
        Some(Value::String(_)) => {}
        Some(_) => problems.push((key_path.clone(), rule::string(&key_path))),
    }
    if let Some(Value::Array(_) | Value::Object(_)) = item.get("value") {
        let value_path = format!("{path}.value");
        let message = format!("The {value_path} field must be a string, number, boolean or null.");
        problems.push((value_path, message));
    }
    problems
}

fn is_code(s: &str, letter: impl Fn(u8) -> bool) -> bool {
    s.len() == 2 && s.bytes().all(letter)
}

/// The value as an integer when it is a whole JSON number (`3` or `3.0`).
fn whole_number(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        let f = value.as_f64()?;
        // The range check keeps the cast exact.
        (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
    })
}

/// Applies validated changes to a stored contact at time `now`; fails when the contact would
/// be left with neither an e-mail address nor a phone number.
pub(super) fn apply(contact: Value, changes: Map<String, Value>, now: &str) -> Result<Value, Errors> {
    // Only a hand-edited database holds anything but objects here; start such a record afresh.
    let mut record = match contact {
        Value::Object(record) => record,
        _ => Map::new(),
    };
    record.extend(changes);
    let is_set = |key: &str| record.get(key).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty());
    if !is_set("email") && !is_set("phone") {
        let mut errors = Errors::default();
        errors.add("email", rule::required_without("email", "phone"));
        errors.add("phone", rule::required_without("phone", "email"));
        return Err(errors);
    }
    record.insert("updated_at".to_owned(), Value::String(now.to_owned()));
    Ok(Value::Object(record))
}

/// The writable keys in read-model order.
#[cfg(test)]
pub(super) fn writable_keys() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|(k, _)| *k)
}
