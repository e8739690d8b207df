//! The form's fields from two schemas: the update request's (what may be written, and its
//! constraints) and the record's (what is read; members only there are read-only).

use serde_json::Value;

use super::Notes;
use super::document::Document;
use super::envelope::members;
use super::write::{Section, string, strings};

/// A field as the rest of the file needs it: for the title, the columns and the rules.
pub struct Known {
    /// Where the value is written.
    pub key: String,
    /// Where the value is read.
    pub read: String,
    /// The label.
    pub label: String,
}

/// The fields, in order: the id, the update's members, then the record's other members.
pub struct Fields {
    /// One `[[field]]` each.
    pub sections: Vec<Section>,
    /// The same fields, for templates and rules.
    pub known: Vec<Known>,
}

/// Where the id sits in a record: `id`, `uid`, `_id`, or the first required `…Id`.
pub fn id_key(doc: &Document, record: &Value, notes: &mut Notes) -> Option<String> {
    let names: Vec<&str> = doc.properties(record).into_iter().map(|(n, _)| n).collect();
    if let Some(name) = ["id", "uid", "_id", "ID", "Id"].iter().find(|n| names.contains(n)) {
        return Some(name.to_string());
    }
    let guess = doc.required(record).into_iter().find(|n| n.ends_with("id") || n.ends_with("Id"))?;
    notes.guess(format!("record: the id is `{guess}`"));
    Some(guess)
}

/// Builds every field. `update` is the request body's schema (none: every field read-only).
pub fn build(
    doc: &Document,
    record: &Value,
    update: Option<&Value>,
    id: &str,
    send_all: bool,
    notes: &mut Notes,
) -> Fields {
    let mut fields = Fields { sections: Vec::new(), known: Vec::new() };
    if let Some(schema) = doc.property(record, id) {
        let mut section = field_section(id, None, "ID");
        if describe(doc, id, schema, &mut section, notes).is_err() {
            section.set("type", string("text"));
        }
        section.set("read_only", "true".into());
        fields.push(section, id, id, "ID");
    }
    let record_members = members(doc, record);
    match update {
        Some(update) => {
            let required = if send_all { doc.required(update) } else { Vec::new() };
            writable(doc, update, "", &required, id, &record_members, &mut fields, notes);
        }
        None => notes.guess("the update has no JSON request body: every field is read-only".into()),
    }
    read_only(doc, record, &mut fields, notes);
    fields
}

impl Fields {
    fn push(&mut self, section: Section, key: &str, read: &str, label: &str) {
        self.sections.push(section);
        self.known.push(Known { key: key.into(), read: read.into(), label: label.into() });
    }

    fn reads(&self, path: &str) -> bool {
        self.known.iter().any(|k| {
            k.key == path
                || k.read == path
                || k.read.starts_with(&format!("{path}."))
                || k.read.starts_with(&format!("{path}[]"))
        })
    }
}

fn field_section(key: &str, read: Option<&str>, label: &str) -> Section {
    let mut section = Section::new("[[field]]");
    section.set("key", string(key));
    if let Some(read) = read {
        section.set("read", string(read));
    }
    section.set("label", string(label));
    section
}

/// The update body's members, nested objects flattened to `properties.firstname`.
#[allow(clippy::too_many_arguments)] // one recursion's worth of context
fn writable(
    doc: &Document,
    update: &Value,
    prefix: &str,
    required: &[String],
    id: &str,
    record_members: &[(String, &Value)],
    fields: &mut Fields,
    notes: &mut Notes,
) {
    for (name, schema) in doc.properties(update) {
        let key = if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
        if fields.known.iter().any(|k| k.key == key) {
            continue;
        }
        if schema.get("deprecated").and_then(Value::as_bool) == Some(true) {
            notes.skipped(format!("update member `{key}`: deprecated"));
            continue;
        }
        if is_operation(name) {
            notes.skipped(format!("update member `{key}`: an operation on a list, not a value"));
            continue;
        }
        if is_nested(doc, schema) && prefix.matches('.').count() < 2 {
            writable(doc, schema, &key, &doc.required(schema), id, record_members, fields, notes);
            continue;
        }
        let in_record = |path: &str| record_members.iter().any(|(p, _)| p == path);
        let (read, why) = if in_record(&key) {
            (None, None)
        } else if let Some((path, _)) = record_members.iter().find(|(p, _)| p.rsplit('.').next() == Some(name)) {
            (Some(path.clone()), Some(format!("read from `{path}`, the record's member of that name")))
        } else if let Some(path) = list_of_ids(doc, name, record_members) {
            (Some(path.clone()), Some(format!("read from `{path}`, the ids of the record's list")))
        } else {
            (None, None)
        };
        let label = label(name);
        let mut section = Section::new("[[field]]");
        section.set("key", string(&key));
        if let (Some(read), Some(why)) = (&read, &why) {
            notes.guess(format!("field `{key}`: {why}"));
            section.guessed("read", string(read), why);
        }
        section.set("label", string(&label));
        let values = empty_or(doc, schema);
        if let Err(reason) = describe(doc, &key, values.unwrap_or(schema), &mut section, notes) {
            notes.skipped(format!("update member `{key}`: {reason}"));
            continue;
        }
        if values.is_some() && section.value("empty_ok").is_none() {
            section.set("empty_ok", "true".into());
        }
        let read = read.unwrap_or_else(|| key.clone());
        // A member every body must carry that the user has no choice in (JSON:API's `type`,
        // one value; its `id`, the record's) travels as received, shown but not editable.
        let fixed = doc.required(update).iter().any(|r| r == name) && (single_value(doc, schema) || read == id);
        if fixed {
            section.comments.push("required in every update, and not the user's to change: sent as received".into());
            section.set("read_only", "true".into()).set("always_send", "true".into());
        } else if required.iter().any(|r| r == name) && section.value("empty_ok").is_none() {
            // A member that must be present but may be "" is sent as "" when emptied: not refused.
            section.set("required", "true".into());
        }
        if !fixed && schema.get("readOnly").and_then(Value::as_bool) == Some(true) {
            section.set("read_only", "true".into());
        }
        if doc.nullable(schema) {
            section.set("nullable", "true".into());
        }
        if read == key && !in_record(&key) {
            if let Some(default) = schema.get("default").filter(|d| !d.is_null()) {
                let text = default.as_str().map_or_else(|| default.to_string(), str::to_string);
                section.set("default", string(&text));
            }
        }
        help(schema, &mut section);
        // The record's id, already shown as a read-only field: this one takes its place.
        match fields.known.iter().position(|k| fixed && k.key == read && k.read == read) {
            Some(shown) => {
                fields.sections[shown] = section;
                fields.known[shown] = Known { key: key.clone(), read, label };
            }
            None => fields.push(section, &key, &read, &label),
        }
    }
}

/// A schema that allows one value only: `const`, or an `enum` of one.
fn single_value(doc: &Document, schema: &Value) -> bool {
    let schema = doc.resolve(schema);
    schema.get("const").is_some() || schema.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1)
}

/// The record's members the update does not write: shown, never sent.
fn read_only(doc: &Document, record: &Value, fields: &mut Fields, notes: &mut Notes) {
    for (path, schema) in members(doc, record) {
        let parent_is_field =
            path.rsplit_once('.').is_some_and(|(parent, _)| fields.known.iter().any(|k| k.read == parent));
        if fields.reads(&path) || parent_is_field || path.matches('.').count() > 1 {
            continue;
        }
        if is_nested(doc, schema) {
            continue; // its members come next, as `path.member`
        }
        let name = path.rsplit('.').next().unwrap_or(&path);
        let label = label(name);
        let mut section = Section::new("[[field]]");
        section.set("key", string(&path));
        let mut read = path.clone();
        if let Some(shown) = listed_member(doc, schema) {
            read = format!("{path}[].{shown}");
            let why = format!("shows each entry's `{shown}`");
            notes.guess(format!("field `{path}`: {why}"));
            section.guessed("read", string(&read), &why);
            section.set("label", string(&label)).set("type", string("string_list"));
        } else {
            section.set("label", string(&label));
            if let Err(reason) = describe(doc, &path, schema, &mut section, notes) {
                notes.skipped(format!("record member `{path}`: {reason}"));
                continue;
            }
        }
        section.set("read_only", "true".into()).set("group", string("Record"));
        fields.push(section, &path, &read, &label);
    }
}

/// The schema of a value that may also be `""`, when its alternatives say so:
/// `anyOf: [{format: email}, {maxLength: 0}]` (or `const: ""`, `enum: [""]`) gives the email
/// schema. `None` when there is no empty alternative or more than one other.
fn empty_or<'a>(doc: &'a Document, schema: &'a Value) -> Option<&'a Value> {
    let empty = |s: &Value| {
        s.get("maxLength").and_then(Value::as_u64) == Some(0)
            || s.get("const").is_some_and(|c| c == "")
            || s.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1 && e[0] == "")
    };
    let alternatives: Vec<&Value> = doc.alternatives(schema).into_iter().filter(|s| s["type"] != "null").collect();
    let (empties, values): (Vec<&Value>, Vec<&Value>) = alternatives.into_iter().partition(|s| empty(s));
    match (empties.is_empty(), values.as_slice()) {
        (false, [only]) => Some(only),
        _ => None,
    }
}

/// An object with named members only: its members become fields of their own.
fn is_nested(doc: &Document, schema: &Value) -> bool {
    !doc.properties(schema).is_empty()
        && schema.get("additionalProperties").is_none_or(|a| a == false)
        && doc.types(schema) == ["object"]
}

/// `addToLists`, `removeIdentifiers`: a change to apply, not a value to show.
fn is_operation(name: &str) -> bool {
    ["add", "remove"]
        .iter()
        .any(|verb| name.strip_prefix(verb).is_some_and(|rest| rest.starts_with(char::is_uppercase)))
}

/// `segmentIds` written, read from `segments[].segmentId`.
fn list_of_ids(doc: &Document, name: &str, record_members: &[(String, &Value)]) -> Option<String> {
    let stem = name.strip_suffix("Ids").or_else(|| name.strip_suffix("_ids"))?;
    let (list, schema) = record_members.iter().find(|(p, _)| p.starts_with(stem) && !p.contains('.'))?;
    let item = doc.get(schema, "items")?;
    let member = doc
        .properties(item)
        .into_iter()
        .map(|(n, _)| n)
        .find(|n| n.starts_with(stem) && n.to_lowercase().ends_with("id"))?;
    Some(format!("{list}[].{member}"))
}

/// For an array of objects: the member to show of each (`value`, `name`, `email`).
fn listed_member(doc: &Document, schema: &Value) -> Option<&'static str> {
    let item = doc.get(schema, "items")?;
    let names: Vec<&str> = doc.properties(item).into_iter().map(|(n, _)| n).collect();
    ["value", "name", "email", "label"].into_iter().find(|n| names.contains(n))
}

/// Sets `type` and its constraints; `Err` says why the schema has no field type.
fn describe(doc: &Document, key: &str, schema: &Value, section: &mut Section, notes: &mut Notes) -> Result<(), String> {
    let name = key.rsplit('.').next().unwrap_or(key).to_lowercase();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let mut values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if values.len() > 1 && values.iter().any(|v| *v == "") {
            // `""` among the values is the dropdown's "(none)", sent as "".
            values.retain(|v| *v != "");
            section.set("empty_ok", "true".into());
        }
        let text = if values.iter().all(|v| v.is_i64()) {
            format!("[{}]", values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))
        } else {
            strings(
                &values.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect::<Vec<_>>(),
            )
        };
        section.set("type", string("enum")).set("values", text);
        return Ok(());
    }
    let types = doc.types(schema);
    let format = schema["format"].as_str().unwrap_or_default();
    match types.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["string"] => {
            let pattern =
                schema["pattern"].as_str().map(|p| p.trim_start_matches('^').trim_end_matches('$').to_string());
            let kind = match format {
                "email" | "idn-email" => "email",
                "date" => "date",
                "date-time" => "date_time",
                "uuid" => "uuid",
                "uri" | "url" | "iri" => "url",
                _ if name.contains("country")
                    && (pattern.as_deref() == Some("[A-Z]{2}") || schema["maxLength"] == 2) =>
                {
                    notes.guess(format!("field `{key}`: a country code"));
                    section.guessed("type", string("country"), "two capital letters, named like a country");
                    return Ok(());
                }
                _ if name == "email" || name.ends_with("_email") => {
                    notes.guess(format!("field `{key}`: an email address, by its name"));
                    section.guessed("type", string("email"), "named like an email address");
                    return Ok(());
                }
                _ => "text",
            };
            section.set("type", string(kind));
            if let Some(pattern) = pattern {
                section.set("pattern", string(&pattern));
            }
            Ok(())
        }
        ["boolean"] => {
            section.set("type", string("bool"));
            Ok(())
        }
        ["array"] => array(doc, schema, section),
        ["object"] => {
            let values = value_types(doc, schema, key, notes).ok_or("an object without `additionalProperties`")?;
            section.set("type", string("key_value")).set("value_types", strings(&values));
            Ok(())
        }
        [] => Err("no type".into()),
        [_] if !format.is_empty() || types.iter().any(|t| t == "integer" || t == "number") => {
            Err("a number: the backend format has no number field".into())
        }
        _ if section.value("read_only").is_some() || key == "id" => {
            section.set("type", string("text"));
            Ok(())
        }
        other => Err(format!("a value of several types ({})", other.join(", "))),
    }
}

fn array(doc: &Document, schema: &Value, section: &mut Section) -> Result<(), String> {
    let item = doc.get(schema, "items").ok_or("an array without `items`")?;
    let kind = match (doc.types(item).first().map(String::as_str), item["format"].as_str()) {
        (Some("string"), Some("email")) => "email_list",
        (Some("string"), Some("uuid")) => "uuid_list",
        (Some("string"), _) => "string_list",
        (Some("integer"), _) => "int_list",
        (Some("object"), _) => {
            let names: Vec<&str> = doc.properties(item).into_iter().map(|(n, _)| n).collect();
            let pair_key = ["key", "name"].into_iter().find(|n| names.contains(n)).ok_or("a list of objects")?;
            let value = doc.property(item, "value").ok_or("a list of objects")?;
            section.set("type", string("key_value")).set("layout", string("pairs"));
            if pair_key != "key" {
                section.set("pair_key", string(pair_key));
            }
            section.set("value_types", strings(&scalar_types(doc, value)));
            return Ok(());
        }
        _ => return Err("a list of values rolo cannot edit".into()),
    };
    section.set("type", string(kind));
    if let Some(min) = schema["minItems"].as_u64().filter(|m| *m > 0) {
        section.set("min_items", min.to_string());
    }
    if let Some(max) = schema["maxItems"].as_u64() {
        section.set("max_items", max.to_string());
    }
    Ok(())
}

/// The value types of a key/value object; `None` when it has no open set of keys.
fn value_types(doc: &Document, schema: &Value, key: &str, notes: &mut Notes) -> Option<Vec<&'static str>> {
    match schema.get("additionalProperties") {
        None | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => {
            let declared = doc.properties(schema);
            if declared.is_empty() {
                return Some(ALL.to_vec());
            }
            let mut types: Vec<&str> = Vec::new();
            for (_, member) in declared {
                types.extend(scalar_types(doc, member));
            }
            notes.guess(format!(
                "field `{key}`: values typed as its declared members ({})",
                types_in_order(&types).join(", ")
            ));
            Some(types_in_order(&types))
        }
        Some(value) if value.as_object().is_some_and(|o| o.is_empty()) => Some(ALL.to_vec()),
        Some(value) => Some(scalar_types(doc, value)),
    }
}

const ALL: [&str; 5] = ["string", "number", "bool", "list", "null"];

fn scalar_types(doc: &Document, schema: &Value) -> Vec<&'static str> {
    let mut types: Vec<&str> = doc
        .types(schema)
        .iter()
        .filter_map(|t| match t.as_str() {
            "string" => Some("string"),
            "number" | "integer" => Some("number"),
            "boolean" => Some("bool"),
            "array" => Some("list"),
            _ => None,
        })
        .collect();
    if doc.nullable(schema) {
        types.push("null");
    }
    if types.is_empty() { ALL.to_vec() } else { types_in_order(&types) }
}

fn types_in_order(types: &[&str]) -> Vec<&'static str> {
    ALL.into_iter().filter(|t| types.contains(t)).collect()
}

/// The description's first line as help.
fn help(schema: &Value, section: &mut Section) {
    if let Some(line) = schema["description"].as_str().and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty())) {
        section.set("help", string(line));
    }
}

/// `first_name` → `First name`, `listIds` → `List ids`, `id` → `ID`.
pub fn label(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' || (c.is_uppercase() && !word.is_empty()) {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            if !c.is_uppercase() {
                continue;
            }
        }
        word.extend(c.to_lowercase());
    }
    words.push(word);
    let words: Vec<String> = words
        .into_iter()
        .filter(|w| !w.is_empty())
        .map(|w| match w.as_str() {
            "id" | "url" | "uuid" => w.to_uppercase(),
            _ => w,
        })
        .collect();
    let mut text = words.join(" ");
    if let Some(first) = text.get(0..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_like_words() {
        assert_eq!(label("first_name"), "First name");
        assert_eq!(label("computedDisplayName"), "Computed display name");
        assert_eq!(label("id"), "ID");
        assert_eq!(label("external_reference_url"), "External reference URL");
        assert!(is_operation("addToLists") && !is_operation("address"));
    }
}
