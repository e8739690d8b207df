//! FastAPI's error bodies and the server-side validation of an Insighto
//! `PUT /api/v1/contact/{contact_id}` body (`ContactUpdate`).
//!
//! The backend is FastAPI (its operation ids give it away), so a bad request is a 422 whose
//! `detail` lists pydantic v2 errors (`type`, `loc`, `msg`, `input`, sometimes `ctx`). Where the
//! spec is stricter than pydantic's lax mode (RFC 3339 date-times with an offset, hyphenated
//! uuids, custom field values that are strings or numbers but not booleans), the spec wins.

use serde_json::{Map, Value, json};

use crate::sandbox::formats::{is_date_time, is_uuid};

/// One pydantic error.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Problem {
    /// pydantic's error type (`string_type`, `uuid_parsing`, …).
    pub kind: &'static str,
    /// Where: `["body", "email"]`, `["query", "size"]`, …
    pub loc: Vec<Value>,
    /// The human-readable message.
    pub msg: String,
    /// The offending input.
    pub input: Value,
    /// Constraint values, for the error types that carry them.
    pub ctx: Option<Value>,
}

impl Problem {
    /// A problem without `ctx`.
    pub fn new(kind: &'static str, loc: Vec<Value>, msg: impl Into<String>, input: Value) -> Self {
        Self { kind, loc, msg: msg.into(), input, ctx: None }
    }

    /// The same problem with a `ctx` object.
    pub fn with_ctx(mut self, ctx: Value) -> Self {
        self.ctx = Some(ctx);
        self
    }

    fn to_json(&self) -> Value {
        let mut item = json!({ "type": self.kind, "loc": self.loc, "msg": self.msg, "input": self.input });
        if let Some(ctx) = &self.ctx {
            item["ctx"] = ctx.clone();
        }
        item
    }
}

/// FastAPI's `{"detail": [...]}` body for request validation errors.
pub(super) fn detail(problems: &[Problem]) -> Value {
    json!({ "detail": problems.iter().map(Problem::to_json).collect::<Vec<_>>() })
}

/// What one `ContactUpdate` field accepts (every field also accepts `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Channels,
    Object,
    DateTime,
    Uuid,
    CustomFields,
}

/// The writable fields in the order of the spec.
const FIELDS: &[(&str, Kind)] = &[
    ("first_name", Kind::Text),
    ("last_name", Kind::Text),
    ("email", Kind::Text),
    ("channels", Kind::Channels),
    ("user_attributes", Kind::Object),
    ("last_seen", Kind::DateTime),
    ("last_sent", Kind::DateTime),
    ("org_id", Kind::Uuid),
    ("first_assistant_id", Kind::Uuid),
    ("last_assistant_id", Kind::Uuid),
    ("first_widget_id", Kind::Uuid),
    ("last_widget_id", Kind::Uuid),
    ("custom_fields", Kind::CustomFields),
];

/// The `Channels` properties the spec types as strings; any other key is allowed as is.
const CHANNEL_KEYS: &[&str] = &[
    "telephone",
    "national_number",
    "country_code",
    "dial_code",
    "whatsapp",
    "instagram",
    "slack",
    "microsoft_teams",
    "email",
];

/// Decodes a request body as FastAPI would before validating it (the error is one problem).
pub(super) fn decode(body: &[u8]) -> Result<Map<String, Value>, Vec<Problem>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![Problem::new("missing", vec![json!("body")], "Field required", Value::Null)]);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(input)) => Ok(input),
        Ok(other) => Err(vec![Problem::new(
            "model_attributes_type",
            vec![json!("body")],
            "Input should be a valid dictionary or object to extract fields from",
            other,
        )]),
        Err(err) => {
            // serde points at the last character when input ends early; Python just past it.
            let position = if err.is_eof() {
                String::from_utf8_lossy(body).chars().count()
            } else {
                error_offset(body, err.line(), err.column())
            };
            let problem =
                Problem::new("json_invalid", vec![json!("body"), json!(position)], "JSON decode error", json!({}));
            Err(vec![problem.with_ctx(json!({ "error": err.to_string() }))])
        }
    }
}

/// The character offset of serde's 1-based line/column, as Python's JSON decoder reports it.
fn error_offset(body: &[u8], line: usize, column: usize) -> usize {
    let text = String::from_utf8_lossy(body);
    let before: usize = text.split('\n').take(line.saturating_sub(1)).map(|l| l.chars().count() + 1).sum();
    before + column.saturating_sub(1)
}

/// Checks a decoded body and returns the values to store, uuids in lower case.
pub(super) fn validate(input: &Map<String, Value>) -> Result<Map<String, Value>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut out = Map::new();
    for (key, value) in input {
        let loc = vec![json!("body"), json!(key)];
        let Some(&(_, kind)) = FIELDS.iter().find(|(k, _)| k == key) else {
            problems.push(Problem::new("extra_forbidden", loc, "Extra inputs are not permitted", value.clone()));
            continue;
        };
        let found = if value.is_null() { Vec::new() } else { check(kind, &loc, value) };
        if found.is_empty() {
            let value = match value {
                Value::String(s) if kind == Kind::Uuid => Value::String(s.to_ascii_lowercase()),
                other => other.clone(),
            };
            out.insert(key.clone(), value);
        }
        problems.extend(found);
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// The problems of one non-null field value.
fn check(kind: Kind, loc: &[Value], value: &Value) -> Vec<Problem> {
    let at = |extra: &[Value]| loc.iter().chain(extra).cloned().collect::<Vec<_>>();
    let one = |kind, msg: &str| vec![Problem::new(kind, at(&[]), msg, value.clone())];
    match (kind, value) {
        (Kind::Text, Value::String(_)) => Vec::new(),
        (Kind::Text, _) => one("string_type", "Input should be a valid string"),
        (Kind::Object, Value::Object(_)) => Vec::new(),
        (Kind::CustomFields, Value::Object(fields)) => fields
            .iter()
            .filter(|(_, v)| !(v.is_string() || v.is_number()))
            .flat_map(|(k, v)| {
                // pydantic reports a failed `str | float` union once per member.
                [
                    Problem::new(
                        "string_type",
                        at(&[json!(k), json!("str")]),
                        "Input should be a valid string",
                        v.clone(),
                    ),
                    Problem::new(
                        "float_type",
                        at(&[json!(k), json!("float")]),
                        "Input should be a valid number",
                        v.clone(),
                    ),
                ]
            })
            .collect(),
        (Kind::Object | Kind::CustomFields, _) => one("dict_type", "Input should be a valid dictionary"),
        (Kind::Channels, Value::Object(channels)) => channels
            .iter()
            .filter(|(k, v)| CHANNEL_KEYS.contains(&k.as_str()) && !v.is_string())
            .map(|(k, v)| Problem::new("string_type", at(&[json!(k)]), "Input should be a valid string", v.clone()))
            .collect(),
        (Kind::Channels, _) => one("model_type", "Input should be a valid dictionary or instance of Channels"),
        (Kind::DateTime, Value::String(s)) if is_date_time(s) => Vec::new(),
        (Kind::DateTime, Value::String(_)) => one(
            "datetime_from_date_parsing",
            "Input should be a valid datetime or date, expected an RFC 3339 date-time with a time zone offset",
        ),
        (Kind::DateTime, _) => one("datetime_type", "Input should be a valid datetime"),
        (Kind::Uuid, Value::String(s)) if is_uuid(s) => Vec::new(),
        (Kind::Uuid, Value::String(s)) => one("uuid_parsing", &uuid_message(s)),
        (Kind::Uuid, _) => one("uuid_type", "UUID input should be a string, bytes or UUID object"),
    }
}

/// pydantic's `uuid_parsing` message for a string that is not a hyphenated uuid.
pub(super) fn uuid_message(s: &str) -> String {
    format!("Input should be a valid UUID, {}", uuid_problem(s))
}

/// Why a string is not a hyphenated uuid, in the words of the `uuid` crate pydantic uses.
fn uuid_problem(s: &str) -> String {
    if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !(c.is_ascii_hexdigit() || *c == '-')) {
        return format!(
            "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `{c}` at {}",
            i + 1
        );
    }
    let groups: Vec<&str> = s.split('-').collect();
    if groups.len() != 5 {
        return format!("invalid group count: expected 5, found {}", groups.len());
    }
    groups.iter().zip([8, 4, 4, 4, 12]).enumerate().find(|(_, (group, want))| group.len() != *want).map_or_else(
        || "invalid format".to_owned(),
        |(i, (group, want))| format!("invalid group length in group {i}: expected {want}, found {}", group.len()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_bad_uuids() {
        assert!(uuid_problem("x3c90c3cc").contains("found `x` at 1"));
        assert_eq!(uuid_problem("3c90c3cc0d444b5088888dd25736052a"), "invalid group count: expected 5, found 1");
        assert_eq!(
            uuid_problem("3c90c3cc-0d44-4b50-8888-8dd25736052"),
            "invalid group length in group 4: expected 12, found 11"
        );
    }

    #[test]
    fn decodes_like_fastapi() {
        assert_eq!(decode(b"  ").expect_err("missing")[0].kind, "missing");
        assert_eq!(decode(b"[]").expect_err("list")[0].kind, "model_attributes_type");
        let bad = &decode(b"{\n \"a\": }").expect_err("bad JSON")[0];
        assert_eq!((bad.kind, bad.loc[1].clone()), ("json_invalid", json!(8)));
        assert_eq!(decode(b"{\"a\": ").expect_err("cut short")[0].loc[1], json!(6));
    }
}
