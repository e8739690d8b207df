//! Server-side validation of an Informly `PUT /contacts/{id}` body (`UpdateContactRequest`):
//! a flat object, every key optional, no other keys (`additionalProperties: false`), and at
//! least one of email/phone still set afterwards. Messages use zod's wording, the validator
//! a TypeScript API like Informly's (its SDK is TypeScript) most likely runs.

use serde_json::{Map, Value, json};

use crate::sandbox::formats::{is_email, is_uuid};

/// One `details` entry of the error envelope: which input, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Detail {
    /// Dotted path of the input (`email`, `segmentIds.2`); empty for the body itself.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Detail {
    /// A detail for `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

/// The writable string fields; the last four live under `contact` in the read model.
const TEXT_FIELDS: &[&str] = &["email", "phone", "firstname", "lastname", "jobtitle", "company"];
/// Replaces every segment assignment when present.
const SEGMENT_IDS: &str = "segmentIds";
const EMAIL_OR_PHONE: &str = "At least one of email or phone is required";

/// A body that passed validation.
#[derive(Debug, Default)]
pub(super) struct Changes {
    texts: Vec<(&'static str, String)>,
    /// Lower-case, without repeats, in the order given.
    segment_ids: Option<Vec<String>>,
}

impl Changes {
    /// The new value of a text field, when the body sets it.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.texts.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }
}

/// Decodes and checks a request body.
pub(super) fn parse(body: &[u8]) -> Result<Changes, Vec<Detail>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(input)) => validate(&input),
        Ok(other) => Err(vec![Detail::new("", expected("object", &other))]),
        Err(_) => Err(vec![Detail::new("", "Malformed JSON in request body")]),
    }
}

/// Checks a decoded body against `UpdateContactRequest`.
pub(super) fn validate(input: &Map<String, Value>) -> Result<Changes, Vec<Detail>> {
    let mut details = Vec::new();
    let mut changes = Changes::default();
    for (key, value) in input {
        if let Some(&field) = TEXT_FIELDS.iter().find(|f| **f == key) {
            match value {
                Value::String(s) if field == "email" && !is_email(s) => {
                    details.push(Detail::new(field, "Invalid email"))
                }
                Value::String(s) => changes.texts.push((field, s.clone())),
                other => details.push(Detail::new(field, expected("string", other))),
            }
        } else if key == SEGMENT_IDS {
            match segment_ids(value) {
                Ok(ids) => changes.segment_ids = Some(ids),
                Err(mut problems) => details.append(&mut problems),
            }
        } else {
            details.push(Detail::new(key, format!("Unrecognized key(s) in object: '{key}'")));
        }
    }
    if details.is_empty() { Ok(changes) } else { Err(details) }
}

fn segment_ids(value: &Value) -> Result<Vec<String>, Vec<Detail>> {
    let Value::Array(items) = value else {
        return Err(vec![Detail::new(SEGMENT_IDS, expected("array", value))]);
    };
    let mut ids: Vec<String> = Vec::with_capacity(items.len());
    let mut details = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("{SEGMENT_IDS}.{i}");
        match item {
            Value::String(s) if is_uuid(s) => {
                let id = s.to_ascii_lowercase();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            Value::String(_) => details.push(Detail::new(path, "Invalid uuid")),
            other => details.push(Detail::new(path, expected("string", other))),
        }
    }
    if details.is_empty() { Ok(ids) } else { Err(details) }
}

/// Applies validated changes to a stored contact at time `now`; fails when neither an e-mail
/// address nor a phone number would be left.
pub(super) fn apply(contact: Value, changes: &Changes, now: &str) -> Result<Value, Vec<Detail>> {
    // Only a hand-edited database holds anything but objects here; start such a record afresh.
    let mut record = match contact {
        Value::Object(record) => record,
        _ => Map::new(),
    };
    if !record.get("contact").is_some_and(Value::is_object) {
        record.insert("contact".to_owned(), json!({}));
    }
    for (key, value) in &changes.texts {
        let value = Value::String(value.clone());
        if matches!(*key, "email" | "phone") {
            record.insert((*key).to_owned(), value);
        } else if let Some(names) = record.get_mut("contact").and_then(Value::as_object_mut) {
            names.insert((*key).to_owned(), value);
        }
    }
    if let Some(ids) = &changes.segment_ids {
        let old = record.get("segments").and_then(Value::as_array).cloned().unwrap_or_default();
        // A segment that stays keeps the time it was first assigned.
        let segments = ids
            .iter()
            .map(|id| {
                old.iter()
                    .find(|s| s.get("segmentId").and_then(Value::as_str) == Some(id))
                    .cloned()
                    .unwrap_or_else(|| json!({ "segmentId": id, "assignedAt": now }))
            })
            .collect();
        record.insert("segments".to_owned(), Value::Array(segments));
    }
    let is_set = |key: &str| record.get(key).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty());
    if !is_set("email") && !is_set("phone") {
        return Err(vec![Detail::new("email", EMAIL_OR_PHONE), Detail::new("phone", EMAIL_OR_PHONE)]);
    }
    record.insert("updatedAt".to_owned(), Value::String(now.to_owned()));
    Ok(Value::Object(record))
}

/// zod's type-mismatch message.
fn expected(wanted: &str, got: &Value) -> String {
    let got = match got {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    format!("Expected {wanted}, received {got}")
}
