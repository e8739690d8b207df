//! Server-side validation of a Corporate Merch `PUT /contacts/{id}` body.
//!
//! The spec's `ContactUpdate` schema (types, enums, `additionalProperties: false`, the
//! address/address2 `anyOf`, the US/CA state rule) expressed as the Laravel rules the real
//! API most likely runs, with Laravel's messages. One simplification: Laravel would keep
//! checking a field after a type failure (a number as `email` also fails `email`); here the
//! first failure of a field ends its checks, which never changes which keys are reported.

use serde_json::{Map, Value};

use crate::sandbox::formats::is_email;
use crate::sandbox::laravel::{Errors, rule};

/// What a field's value must look like.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Any string (may be empty when the field is optional).
    Text,
    /// A string in e-mail format.
    Email,
    /// One of a fixed set of strings.
    OneOf(&'static [&'static str]),
    /// Two upper-case ASCII letters.
    Country,
    /// Any string, but a USPS code for US and a province code for CA.
    State,
    /// A real calendar date written `yyyy-mm-dd`.
    Date,
    /// A JSON boolean.
    Bool,
    /// A JSON array of 32-bit integers.
    IdList,
}

/// When a field must be present.
#[derive(Debug, Clone, Copy)]
enum Presence {
    Optional,
    Required,
    /// Required unless the named other field is present.
    RequiredWithout(&'static str),
}

#[derive(Debug)]
struct Field {
    key: &'static str,
    kind: Kind,
    presence: Presence,
}

const fn field(key: &'static str, kind: Kind, presence: Presence) -> Field {
    Field { key, kind, presence }
}

const GENDERS: &[&str] = &["male", "female"];
const SHIRT_SIZES: &[&str] = &["XS", "SM", "MD", "LG", "XL", "2XL", "3XL"];
const TYPES: &[&str] = &["employee", "client"];

/// The spec's `UsStateCode`: 50 states plus DC.
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
    "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
];

/// The spec's `CaProvinceCode`: provinces and territories.
const CA_PROVINCES: &[&str] = &["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"];

use Kind::*;
use Presence::*;

/// The writable fields, in the order of the spec (and of the read model).
const FIELDS: &[Field] = &[
    field("first_name", Text, Required),
    field("last_name", Text, Required),
    field("email", Email, Required),
    field("phone_number", Text, Optional),
    field("gender", OneOf(GENDERS), Optional),
    field("shirt_size", OneOf(SHIRT_SIZES), Optional),
    field("birthday", Date, Optional),
    field("country", Country, Required),
    field("address", Text, RequiredWithout("address2")),
    field("address2", Text, RequiredWithout("address")),
    field("city", Text, Required),
    field("state", State, Required),
    field("zip_code", Text, Required),
    field("company_name", Text, Optional),
    field("department", Text, Optional),
    field("position", Text, Optional),
    field("employment_status", Text, Optional),
    field("type", OneOf(TYPES), Required),
    field("employment_type", Text, Optional),
    field("start_date", Date, Optional),
    field("wedding_anniversary", Date, Optional),
    field("client_since", Date, Optional),
    field("classification", Text, Optional),
    field("address_validated", Bool, Optional),
    field("address_forced", Bool, Optional),
    field("address_verified", Bool, Optional),
    field("lists", IdList, Optional),
    field("labels", IdList, Optional),
];

/// The writable keys in read-model order.
#[cfg(test)]
pub(super) fn writable_keys() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|f| f.key)
}

/// Checks a full-replacement body and returns every writable field in read-model order:
/// given values as sent, omitted ones as `null` (`false` for booleans, `[]` for id lists).
pub(super) fn validate(input: &Map<String, Value>) -> Result<Map<String, Value>, Errors> {
    let mut errors = Errors::default();
    let mut out = Map::new();
    for f in FIELDS {
        let value = input.get(f.key);
        let missing = match f.presence {
            Optional => None,
            Required => is_blank(value).then(|| rule::required(f.key)),
            RequiredWithout(other) => {
                (is_blank(value) && is_blank(input.get(other))).then(|| rule::required_without(f.key, other))
            }
        };
        if let Some(message) = missing {
            errors.add(f.key, message);
            continue;
        }
        let Some(value) = value else {
            out.insert(f.key.to_owned(), default(f.kind));
            continue;
        };
        match check(f, value, input) {
            Ok(()) => {
                out.insert(f.key.to_owned(), value.clone());
            }
            Err(problems) => {
                for (key, message) in problems {
                    errors.add(&key, message);
                }
            }
        }
    }
    // The schema has `additionalProperties: false`; read-only keys are not in it either.
    for key in input.keys() {
        if !FIELDS.iter().any(|f| f.key == key) {
            errors.add(key, rule::prohibited(key));
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Laravel's idea of "not present" for `required`: absent, null, blank or an empty array.
fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

fn default(kind: Kind) -> Value {
    match kind {
        Bool => Value::Bool(false),
        IdList => Value::Array(Vec::new()),
        _ => Value::Null,
    }
}

/// The failures of one present field, as `(error key, message)` pairs.
fn check(f: &Field, value: &Value, input: &Map<String, Value>) -> Result<(), Vec<(String, String)>> {
    let key = f.key;
    let fail = |message: String| Err(vec![(key.to_owned(), message)]);
    match (f.kind, value) {
        (Bool, Value::Bool(_)) => Ok(()),
        (Bool, _) => fail(rule::boolean(key)),
        (Date, Value::String(s)) if is_calendar_date(s) => Ok(()),
        (Date, _) => fail(rule::date(key)),
        (OneOf(allowed), Value::String(s)) if allowed.contains(&s.as_str()) => Ok(()),
        (OneOf(_), _) => fail(rule::one_of(key)),
        (IdList, Value::Array(items)) => check_ids(key, items),
        (IdList, _) => fail(rule::array(key)),
        (_, Value::String(s)) => match f.kind {
            Email if !is_email(s) => fail(rule::email(key)),
            Country if !(s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())) => fail(rule::format(key)),
            State if !state_allowed(input.get("country").and_then(Value::as_str), s) => fail(rule::one_of(key)),
            _ => Ok(()),
        },
        (_, _) => fail(rule::string(key)),
    }
}

fn state_allowed(country: Option<&str>, state: &str) -> bool {
    match country {
        Some("US") => US_STATES.contains(&state),
        Some("CA") => CA_PROVINCES.contains(&state),
        _ => true,
    }
}

/// Laravel reports each bad element under `key.index`.
fn check_ids(key: &str, items: &[Value]) -> Result<(), Vec<(String, String)>> {
    let problems: Vec<(String, String)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let element = format!("{key}.{i}");
            match item.as_i64() {
                None => Some(rule::integer(&element)),
                Some(n) if i32::try_from(n).is_err() => Some(rule::between(&element, i32::MIN.into(), i32::MAX.into())),
                Some(_) => None,
            }
            .map(|message| (element, message))
        })
        .collect();
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// `yyyy-mm-dd` naming a day that exists (so 2023-02-30 is rejected, 2024-02-29 accepted).
fn is_calendar_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return false;
    }
    let number = |range: std::ops::Range<usize>| s.get(range).and_then(|t| t.parse::<i16>().ok());
    match (number(0..4), number(5..7), number(8..10)) {
        (Some(year), Some(month), Some(day)) if year >= 1 => match (i8::try_from(month), i8::try_from(day)) {
            (Ok(month), Ok(day)) => jiff::civil::Date::new(year, month, day).is_ok(),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates() {
        assert!(is_calendar_date("2024-02-29"));
        assert!(is_calendar_date("1999-12-31"));
        for bad in [
            "2023-02-30",
            "2023-13-01",
            "2023-00-10",
            "0000-01-01",
            "2023-1-01",
            "2023/01/01",
            "２０２３-01-01",
            "2023-01-01T00:00:00Z",
            "",
        ] {
            assert!(!is_calendar_date(bad), "{bad}");
        }
    }
}
