//! Server-side validation of a Bird `PATCH …/contacts/{contactId}` body (`ContactUpdate`).
//!
//! Every property is optional and unknown top-level keys are accepted ("Other properties:
//! any"). Problems are collected per field as `details: {field: [message]}`, with fields
//! written as paths (`attributes.rating`, `listIds[2]`, `addIdentifiers[0].key`).

use serde_json::{Map, Value};

use crate::sandbox::formats::is_uuid;

/// How many ids a list/account/company-ref array may hold.
const MAX_IDS: usize = 10;
const STRATEGIES: &[&str] = &["strict_alias", "first_alias", "first"];
const MAX_KEY_CHARS: usize = 250;
const MAX_VALUE_CHARS: usize = 500;

/// Validation failures grouped by field, in the order they were found.
#[derive(Debug, Default)]
pub(super) struct Details(Vec<(String, Vec<String>)>);

impl Details {
    /// Records one problem with `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let message = message.into();
        match self.0.iter_mut().find(|(f, _)| f == field) {
            Some((_, messages)) => messages.push(message),
            None => self.0.push((field.to_owned(), vec![message])),
        }
    }

    /// True when nothing failed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `details` object: `{field: [message, …]}`.
    pub fn to_json(&self) -> Value {
        Value::Object(self.0.iter().map(|(f, m)| (f.clone(), Value::from(m.clone()))).collect())
    }
}

/// How identifiers that already belong to another contact are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Strategy {
    /// Every identifier must be free or already this contact's: otherwise 409 (the default).
    #[default]
    StrictAlias,
    /// Identifiers owned elsewhere are skipped.
    FirstAlias,
    /// Identifiers owned elsewhere are skipped (for an update by id, the same as `FirstAlias`).
    First,
}

/// A contact identifier such as `emailaddress` / `ada@example.com`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Identifier {
    /// The identifier key (`emailaddress`, `phonenumber`, …).
    pub key: String,
    /// The identifier value.
    pub value: String,
}

/// Changes to a set of ids: an optional replacement, then additions, then removals.
#[derive(Debug, Clone, Default)]
pub(super) struct SetChange {
    /// `listIds` / `accountIds` / `companyRefs`: the new set, when given.
    pub replace: Option<Vec<String>>,
    /// `addTo…` / `add…`
    pub add: Vec<String>,
    /// `removeFrom…` / `remove…`
    pub remove: Vec<String>,
}

impl SetChange {
    /// The set after the change, without repeats, in first-seen order.
    pub fn apply(&self, current: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in self.replace.as_deref().unwrap_or(current).iter().chain(&self.add) {
            if !out.contains(id) && !self.remove.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }
}

/// A body that passed validation.
#[derive(Debug, Clone, Default)]
pub(super) struct Patch {
    /// How identifier conflicts are resolved.
    pub strategy: Strategy,
    /// Attributes to set; a `null` value removes the attribute.
    pub attributes: Map<String, Value>,
    /// `addIdentifiers` plus the deprecated `identifiers`.
    pub add_identifiers: Vec<Identifier>,
    /// `removeIdentifiers`
    pub remove_identifiers: Vec<Identifier>,
    /// List membership.
    pub lists: SetChange,
    /// Account membership.
    pub accounts: SetChange,
    /// Company references.
    pub company_refs: SetChange,
}

/// Checks a decoded body.
pub(super) fn validate(input: &Map<String, Value>) -> Result<Patch, Details> {
    let mut d = Details::default();
    let mut patch = Patch::default();
    if let Some(v) = input.get("allowWritingReadOnly").filter(|v| !v.is_boolean()) {
        d.add("allowWritingReadOnly", format!("must be a boolean, got {}", type_name(v)));
    }
    match input.get("strategy") {
        None => {}
        Some(Value::String(s)) if s == "strict_alias" => patch.strategy = Strategy::StrictAlias,
        Some(Value::String(s)) if s == "first_alias" => patch.strategy = Strategy::FirstAlias,
        Some(Value::String(s)) if s == "first" => patch.strategy = Strategy::First,
        Some(_) => d.add("strategy", format!("must be one of: {}", STRATEGIES.join(", "))),
    }
    match input.get("attributes") {
        // `attributes: null` changes nothing: there is no "remove every attribute" operation.
        None | Some(Value::Null) => {}
        Some(Value::Object(attributes)) => {
            for (key, value) in attributes {
                match check_attribute(value) {
                    Ok(()) => {
                        patch.attributes.insert(key.clone(), value.clone());
                    }
                    Err(message) => d.add(&format!("attributes.{key}"), message),
                }
            }
        }
        Some(other) => d.add("attributes", format!("must be an object, got {}", type_name(other))),
    }
    patch.add_identifiers = identifiers(&mut d, input, "addIdentifiers", false);
    // The deprecated `identifiers` adds, like `addIdentifiers`.
    patch.add_identifiers.extend(identifiers(&mut d, input, "identifiers", true));
    patch.remove_identifiers = identifiers(&mut d, input, "removeIdentifiers", false);
    patch.lists = SetChange {
        replace: id_list(&mut d, input, "listIds", 0, true),
        add: id_list(&mut d, input, "addToLists", 0, true).unwrap_or_default(),
        remove: id_list(&mut d, input, "removeFromLists", 0, true).unwrap_or_default(),
    };
    patch.accounts = SetChange {
        replace: id_list(&mut d, input, "accountIds", 1, true),
        add: id_list(&mut d, input, "addToAccounts", 0, true).unwrap_or_default(),
        remove: id_list(&mut d, input, "removeFromAccounts", 0, true).unwrap_or_default(),
    };
    patch.company_refs = SetChange {
        replace: id_list(&mut d, input, "companyRefs", 0, false),
        add: id_list(&mut d, input, "addCompanyRefs", 0, false).unwrap_or_default(),
        remove: id_list(&mut d, input, "removeCompanyRefs", 0, false).unwrap_or_default(),
    };
    if d.is_empty() { Ok(patch) } else { Err(d) }
}

/// `AttributeValue`: a boolean, number or string, a non-empty array of those, or null.
fn check_attribute(value: &Value) -> Result<(), String> {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => Ok(()),
        Value::Array(items) if items.is_empty() => Err("must not be an empty array".to_owned()),
        Value::Array(items) if items.iter().all(|i| i.is_boolean() || i.is_number() || i.is_string()) => Ok(()),
        Value::Array(_) => Err("array items must be booleans, numbers or strings".to_owned()),
        Value::Object(_) => Err("must be a boolean, number, string, non-empty array of those, or null".to_owned()),
    }
}

/// An array of `{key, value, properties?}` identifiers (absent: empty).
fn identifiers(d: &mut Details, input: &Map<String, Value>, field: &str, nullable: bool) -> Vec<Identifier> {
    let items = match input.get(field) {
        None => return Vec::new(),
        Some(Value::Null) if nullable => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => {
            d.add(field, format!("must be an array, got {}", type_name(other)));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let Value::Object(item) = item else {
            d.add(&at, format!("must be an object, got {}", type_name(item)));
            continue;
        };
        let key = bounded_text(d, &format!("{at}.key"), item.get("key"), MAX_KEY_CHARS);
        let value = bounded_text(d, &format!("{at}.value"), item.get("value"), MAX_VALUE_CHARS);
        if let Some(properties) = item.get("properties").filter(|p| !p.is_object()) {
            d.add(&format!("{at}.properties"), format!("must be an object, got {}", type_name(properties)));
        }
        if let (Some(key), Some(value)) = (key, value) {
            out.push(Identifier { key, value });
        }
    }
    out
}

/// A required string of 1 to `max` characters.
fn bounded_text(d: &mut Details, at: &str, value: Option<&Value>, max: usize) -> Option<String> {
    match value {
        None => d.add(at, "is required"),
        Some(Value::String(s)) if s.is_empty() => d.add(at, "must not be empty"),
        Some(Value::String(s)) if s.chars().count() > max => d.add(at, format!("must be at most {max} characters")),
        Some(Value::String(s)) => return Some(s.clone()),
        Some(other) => d.add(at, format!("must be a string, got {}", type_name(other))),
    }
    None
}

/// An array of at most 10 strings (uuids when `uuids`, stored in lower case), with at least
/// `min` items; `None` when absent or invalid.
fn id_list(d: &mut Details, input: &Map<String, Value>, field: &str, min: usize, uuids: bool) -> Option<Vec<String>> {
    let items = match input.get(field)? {
        Value::Array(items) => items,
        other => {
            d.add(field, format!("must be an array, got {}", type_name(other)));
            return None;
        }
    };
    if items.len() > MAX_IDS {
        d.add(field, format!("must have at most {MAX_IDS} items"));
    }
    if items.len() < min {
        d.add(field, format!("must have at least {min} item"));
    }
    let mut ids = Vec::with_capacity(items.len());
    let mut ok = (min..=MAX_IDS).contains(&items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(s) if !uuids => ids.push(s.clone()),
            Value::String(s) if is_uuid(s) => ids.push(s.to_ascii_lowercase()),
            Value::String(_) => {
                ok = false;
                d.add(&format!("{field}[{i}]"), "must be a valid UUID");
            }
            other => {
                ok = false;
                d.add(&format!("{field}[{i}]"), format!("must be a string, got {}", type_name(other)));
            }
        }
    }
    ok.then_some(ids)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
