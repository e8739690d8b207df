//! The Bird contact read model: applying a validated patch, and keeping the derived fields
//! (`computedDisplayName`, `identifierCount`, `isAnonymous`) in step with the data.
//!
//! Every identifier of a contact is listed in `featuredIdentifiers`, so the stored document
//! stays exactly what the API returns.

use serde_json::{Map, Value, json};

use super::rules::{Identifier, Patch, SetChange};

/// The identifiers of a stored contact.
pub(super) fn identifiers(contact: &Value) -> Vec<Identifier> {
    featured(contact.get("featuredIdentifiers"))
}

/// The identifiers in a `featuredIdentifiers` array; malformed entries are skipped.
fn featured(list: Option<&Value>) -> Vec<Identifier> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| {
            Some(Identifier { key: i.get("key")?.as_str()?.to_owned(), value: i.get("value")?.as_str()?.to_owned() })
        })
        .collect()
}

/// Applies a patch whose identifier additions were already cleared of conflicts (`adds`).
pub(super) fn apply(contact: Value, patch: &Patch, adds: &[Identifier], now: &str) -> Value {
    let mut ids = identifiers(&contact);
    // Only a hand-edited database holds anything but objects here; start such a record afresh.
    let mut record = match contact {
        Value::Object(record) => record,
        _ => Map::new(),
    };
    let mut attributes = record.get("attributes").and_then(Value::as_object).cloned().unwrap_or_default();
    for (key, value) in &patch.attributes {
        // GET returns only non-empty attributes, so null means "remove" rather than "store null".
        if value.is_null() {
            // `shift_remove` keeps the other attributes in their order.
            attributes.shift_remove(key);
        } else {
            attributes.insert(key.clone(), value.clone());
        }
    }
    record.insert("attributes".to_owned(), Value::Object(attributes));

    ids.retain(|id| !patch.remove_identifiers.contains(id));
    for id in adds {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let featured: Vec<Value> = ids.iter().map(|i| json!({ "key": i.key, "value": i.value })).collect();
    record.insert("featuredIdentifiers".to_owned(), Value::Array(featured));

    for (key, change) in
        [("accountIds", &patch.accounts), ("listIds", &patch.lists), ("companyRefs", &patch.company_refs)]
    {
        let updated = change_set(&record, key, change);
        record.insert(key.to_owned(), updated);
    }
    record.insert("updatedAt".to_owned(), Value::String(now.to_owned()));
    refresh(&mut record);
    Value::Object(record)
}

fn change_set(record: &Map<String, Value>, key: &str, change: &SetChange) -> Value {
    let current: Vec<String> = record
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    Value::from(change.apply(&current))
}

/// Recomputes the fields derived from attributes and identifiers.
pub(super) fn refresh(record: &mut Map<String, Value>) {
    let ids = featured(record.get("featuredIdentifiers"));
    let name = display_name(record.get("attributes").and_then(Value::as_object), &ids);
    record.insert("computedDisplayName".to_owned(), Value::String(name));
    record.insert("identifierCount".to_owned(), Value::from(ids.len()));
    // A contact is anonymous with no identifiers or only visitor ids.
    record.insert("isAnonymous".to_owned(), Value::Bool(ids.iter().all(|i| i.key == "visitorid")));
}

/// The docs' order: the displayName attribute, the firstName attribute (with lastName, as the
/// docs' examples show), the e-mail identifier, the phone identifier.
fn display_name(attributes: Option<&Map<String, Value>>, ids: &[Identifier]) -> String {
    let text = |key: &str| {
        attributes.and_then(|a| a.get(key)).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
    };
    if let Some(name) = text("displayName") {
        return name.to_owned();
    }
    if let Some(first) = text("firstName") {
        return text("lastName").map_or_else(|| first.to_owned(), |last| format!("{first} {last}"));
    }
    let identifier = |key: &str| ids.iter().find(|i| i.key == key).map(|i| i.value.clone());
    identifier("emailaddress").or_else(|| identifier("phonenumber")).unwrap_or_default()
}

/// The contact as returned when `?attribute=` asks for keys beyond the non-empty ones: the
/// asked-for keys the contact lacks are shown as `null`.
pub(super) fn with_requested(mut contact: Value, keys: &[&str]) -> Value {
    if let Some(attributes) = contact.get_mut("attributes").and_then(Value::as_object_mut) {
        for key in keys.iter().filter(|k| !k.is_empty()) {
            attributes.entry((*key).to_owned()).or_insert(Value::Null);
        }
    }
    contact
}
