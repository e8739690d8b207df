//! Checks a draft against the backend description before anything is sent.
//!
//! Field rules (required, enum, email, date, pattern) come from each `[[field]]`; rules over
//! several fields come from `[[rule]]`. Nothing here knows a vendor. This is each field
//! type's validator; the shape of a value (a list item that is not a number) is checked by the
//! type itself (`Field::to_json`), like everything else a type means.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::backend::{Backend, Field, FieldKind, Rule, SendFields, ValueType};
use crate::record::{Draft, Entry, Input, list_items};

/// A problem with one field, shown under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Index of the field in the backend's field list.
    pub field: usize,
    /// What is wrong, in words a user acts on.
    pub message: String,
}

/// Every problem with a draft, in field order.
///
/// When the backend sends only changed fields, an unchanged field is not checked on its own:
/// it will not be sent, and a value the vendor stored (say, a `source` outside the writable
/// enum) must not block saving other fields. Rules over several fields always apply.
pub fn validate(backend: &Backend, draft: &Draft) -> Vec<FieldError> {
    let inputs = draft.inputs();
    let only_changed = backend.update.send == SendFields::Changed;
    let mut errors = Vec::new();
    for (index, (field, input)) in backend.fields.iter().zip(inputs).enumerate() {
        if field.read_only || (only_changed && !draft.is_changed(index)) {
            continue;
        }
        let checked = check_field(field, input).and_then(|()| {
            // With a full body an emptied optional field is left out, which clears it; with only
            // changed fields it is sent, so it must be a value the vendor accepts.
            if only_changed && input.is_empty() && draft.is_changed(index) { check_cleared(field) } else { Ok(()) }
        });
        if let Err(message) = checked {
            errors.push(FieldError { field: index, message });
        }
    }
    for rule in &backend.rules {
        check_rule(backend, rule, inputs, &mut errors);
    }
    // One message per field is enough, and keeps the form readable: field rules first.
    let mut first: BTreeMap<usize, FieldError> = BTreeMap::new();
    for error in errors {
        first.entry(error.field).or_insert(error);
    }
    first.into_values().collect()
}

/// Checks one field on its own.
pub fn check_field(field: &Field, input: &Input) -> Result<(), String> {
    match input {
        // Kept as received and sent back as it came: not the user's to fix, and no reason to
        // hold back the other fields.
        Input::Kept(_) => return Ok(()),
        Input::Null if field.nullable => return Ok(()),
        Input::Null => return Err(format!("{} cannot be null", field.label)),
        _ if input.is_empty() => {
            return match field.min_items {
                _ if field.required => Err(format!("{} is required", field.label)),
                Some(min) if min > 0 && field.kind.is_list() => check_count(field, 0),
                _ => Ok(()),
            };
        }
        Input::Map(entries) => return check_entries(field, entries),
        _ => {}
    }
    field.to_json(input)?;
    let text = input.text().trim();
    match field.kind {
        FieldKind::Enum if !field.values.iter().any(|v| v.matches(text)) => {
            return Err(format!("Must be one of: {}", field.value_list()));
        }
        FieldKind::Email if !is_email(text) => {
            return Err("Not a valid email address (name@example.com)".into());
        }
        FieldKind::Uuid if !is_uuid(text) => {
            return Err("Not a valid UUID (8-4-4-4-12 hexadecimal digits)".into());
        }
        FieldKind::Url if !is_url(text) => {
            return Err("Not a valid URL (https://…)".into());
        }
        FieldKind::Date => check_date(text)?,
        FieldKind::DateTime if !is_date_time(text) => {
            return Err("Not a valid date and time (2024-06-01T12:30:00Z)".into());
        }
        FieldKind::Country if !(text.len() == 2 && text.chars().all(|c| c.is_ascii_uppercase())) => {
            return Err("Must be a 2-letter country code in capitals, e.g. US".into());
        }
        kind if kind.is_list() => check_list(field, text)?,
        _ => {}
    }
    if let Some(regex) = &field.regex
        && field.kind.is_text_like()
        && !field.kind.is_list()
        && !regex.is_match(text)
    {
        return Err(match &field.pattern_hint {
            Some(hint) => format!("Must be {hint}"),
            None => format!("Must match {}", field.pattern.as_deref().unwrap_or_default()),
        });
    }
    Ok(())
}

/// A field the user emptied is sent as `null` (nullable), `[]` (lists) or `""`; refuse it when
/// `""` cannot be a value of the field's kind, rather than send what the vendor must reject.
fn check_cleared(field: &Field) -> Result<(), String> {
    if field.nullable || field.empty_ok || field.kind.is_list() || field.kind == FieldKind::KeyValue {
        return Ok(());
    }
    let empty_allowed = match field.kind {
        FieldKind::Text => field.regex.as_ref().is_none_or(|r| r.is_match("")),
        FieldKind::Bool => true,
        _ => false,
    };
    if empty_allowed {
        Ok(())
    } else {
        Err(format!("{} cannot be emptied: this vendor needs a value here", field.label))
    }
}

fn check_list(field: &Field, text: &str) -> Result<(), String> {
    let items: Vec<&str> = list_items(text).collect();
    let bad = match field.kind {
        FieldKind::EmailList => items.iter().find(|i| !is_email(i)),
        FieldKind::UuidList => items.iter().find(|i| !is_uuid(i)),
        _ => None,
    };
    if let Some(bad) = bad {
        let what = if field.kind == FieldKind::UuidList { "UUID" } else { "email address" };
        return Err(format!("`{bad}` is not a valid {what}"));
    }
    check_count(field, items.len())
}

fn check_count(field: &Field, count: usize) -> Result<(), String> {
    if let Some(max) = field.max_items
        && count > max
    {
        return Err(format!("At most {max} items ({count} given)"));
    }
    if let Some(min) = field.min_items
        && count < min
    {
        return Err(format!("At least {min} item{} needed", if min == 1 { "" } else { "s" }));
    }
    Ok(())
}

fn check_entries(field: &Field, entries: &[Entry]) -> Result<(), String> {
    for entry in entries {
        if field.exclude.iter().any(|k| k == entry.key.trim()) {
            return Err(format!("`{}` has its own field in the form; edit it there", entry.key.trim()));
        }
        // A value the server sent as an object is kept as it came, whatever the allowed types.
        if entry.kind == ValueType::Json {
            continue;
        }
        if !field.value_types.contains(&entry.kind) {
            let allowed: Vec<&str> = field.value_types.iter().map(|t| t.name()).collect();
            return Err(format!("`{}`: values here are {}", entry.key, allowed.join(" or ")));
        }
    }
    field.to_json(&Input::Map(entries.to_vec()))?;
    check_count(field, entries.len())
}

/// Canonical 8-4-4-4-12 hexadecimal form.
fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// An absolute http(s) URL with a host, written in ASCII without spaces (as `format: uri` wants).
fn is_url(text: &str) -> bool {
    text.is_ascii()
        && !text.contains(char::is_whitespace)
        && reqwest::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// RFC 3339: `2024-06-01T12:30:00Z`, optional fraction, `Z` or an offset; and a real instant.
fn is_date_time(text: &str) -> bool {
    static SHAPE: OnceLock<Regex> = OnceLock::new();
    let shape = SHAPE.get_or_init(|| {
        Regex::new(r"(?i)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$").expect("constant pattern")
    });
    shape.is_match(text) && text.parse::<jiff::Timestamp>().is_ok()
}

/// `yyyy-mm-dd` and a day that exists (2023-02-30 does not; 2024-02-29 does).
fn check_date(text: &str) -> Result<(), String> {
    let shape_ok = text.len() == 10
        && text.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    if !shape_ok {
        return Err("Use yyyy-mm-dd, e.g. 1990-01-15".into());
    }
    text.parse::<jiff::civil::Date>().map(|_| ()).map_err(|_| format!("{text} is not a real date"))
}

/// The common "email" format of JSON-Schema validators (the one OpenAPI mock servers apply):
/// an ASCII local part of letters, digits and `!#$%&'*+/=?^_`{|}~-` in dot-separated runs, and
/// a domain of letter/digit/hyphen labels with at least one dot.
fn is_email(text: &str) -> bool {
    static EMAIL: OnceLock<Regex> = OnceLock::new();
    let email = EMAIL.get_or_init(|| {
        let atom = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
        let label = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
        Regex::new(&format!(r"(?i)^{atom}(?:\.{atom})*@(?:{label}\.)+{label}$")).expect("constant pattern")
    });
    email.is_match(text)
}

fn check_rule(backend: &Backend, rule: &Rule, inputs: &[Input], errors: &mut Vec<FieldError>) {
    let index = |key: &str| backend.fields.iter().position(|f| f.key.as_str() == key);
    match rule {
        Rule::OneOfRequired { fields, message } => {
            let indices: Vec<usize> = fields.iter().filter_map(|k| index(k)).collect();
            if indices.iter().all(|&i| inputs[i].is_empty() || inputs[i] == Input::Null) {
                errors.extend(indices.into_iter().map(|field| FieldError { field, message: message.clone() }));
            }
        }
        Rule::AllowedWhen { field, when, cases } => {
            let (Some(field), Some(when)) = (index(field), index(when)) else { return };
            let selector = inputs[when].text().trim();
            let value = inputs[field].text().trim();
            if let Some(case) = cases.iter().find(|c| c.equals == selector)
                && !value.is_empty()
                && !case.values.iter().any(|v| v == value)
            {
                errors.push(FieldError { field, message: case.message.clone() });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend;
    use crate::record::{Contact, Draft};
    use serde_json::json;
    use std::sync::Arc;

    fn corporate_merch() -> Arc<Backend> {
        Arc::new(backend::find("corporatemerch", None).unwrap())
    }

    fn valid_record() -> serde_json::Value {
        json!({"id": 1, "first_name": "Renée", "last_name": "Côté", "email": "renee@example.ca",
               "country": "CA", "address": "1 rue", "city": "Montréal", "state": "QC",
               "zip_code": "H2X", "type": "employee", "birthday": "1988-02-29", "lists": [1]})
    }

    fn errors_after(edits: &[(&str, &str)]) -> Vec<(String, String)> {
        let backend = corporate_merch();
        let contact = Contact::from_record(&backend, valid_record()).unwrap();
        let mut draft = Draft::new(&backend, contact);
        for (key, text) in edits {
            let i = backend.field_index(key).unwrap();
            draft.set(i, Input::Text(text.to_string()));
        }
        validate(&backend, &draft).into_iter().map(|e| (backend.fields[e.field].key.to_string(), e.message)).collect()
    }

    #[test]
    fn a_loaded_valid_record_has_no_errors() {
        assert_eq!(errors_after(&[]), vec![]);
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(errors_after(&[("birthday", "2023-02-30")]).len(), 1);
        assert_eq!(errors_after(&[("birthday", "2024-02-29")]), vec![]);
        assert!(errors_after(&[("birthday", "1.2.2020")])[0].1.contains("yyyy-mm-dd"));
    }

    #[test]
    fn state_follows_country() {
        assert_eq!(errors_after(&[("state", "NY")])[0].0, "state");
        assert_eq!(errors_after(&[("country", "US"), ("state", "NY")]), vec![]);
        assert_eq!(errors_after(&[("country", "DE"), ("state", "Bayern")]), vec![]);
    }

    #[test]
    fn address_or_address2() {
        let errors = errors_after(&[("address", "")]);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors_after(&[("address", ""), ("address2", "Apt 5")]), vec![]);
    }

    #[test]
    fn required_enum_email_country_and_lists() {
        assert!(errors_after(&[("first_name", " ")])[0].1.contains("required"));
        assert!(errors_after(&[("shirt_size", "XXL")])[0].1.contains("one of"));
        assert!(errors_after(&[("email", "renee@")])[0].1.contains("email"));
        assert!(errors_after(&[("email", "renée@example.ca")])[0].1.contains("email"), "ASCII only, like the API");
        assert!(errors_after(&[("email", "a,b@example.ca")])[0].1.contains("email"));
        assert_eq!(errors_after(&[("email", "o'neill+crm@mail.example.co.uk")]), vec![]);
        assert!(errors_after(&[("country", "ca")])[0].1.contains("capitals"));
        assert!(errors_after(&[("lists", "1, two")])[0].1.contains("`two`"));
    }

    #[test]
    fn a_changed_field_that_cannot_be_empty_is_not_emptied() {
        let backend = Arc::new(backend::find("vixiees", None).unwrap());
        let record = json!({"id": 7, "first_name": "Jordi", "source": "api", "language": "ca", "priority": 2});
        let mut draft = Draft::new(&backend, Contact::from_record(&backend, record).unwrap());
        for key in ["source", "language", "first_name"] {
            draft.set(backend.field_index(key).unwrap(), Input::Text(String::new()));
        }
        let errors: Vec<String> =
            validate(&backend, &draft).into_iter().map(|e| backend.fields[e.field].key.to_string()).collect();
        assert_eq!(errors, ["source", "language"], "an enum and a pattern need a value; plain text may be empty");
        assert!(errors_after(&[("birthday", "")]).is_empty(), "a full body leaves it out, which clears it");
    }

    #[test]
    fn a_field_marked_empty_ok_is_emptied_and_sent_as_an_empty_string() {
        let text = backend::BUILT_IN.iter().find(|(name, _)| *name == "vixiees").unwrap().1;
        let text = text.replacen(
            "type = \"enum\"\nvalues = [\"manual\"",
            "type = \"enum\"\nempty_ok = true\nvalues = [\"manual\"",
            1,
        );
        let text = text.replacen("pattern = \"[a-z]{2}\"", "pattern = \"[a-z]{2}\"\nempty_ok = true", 1);
        // Nullable too: emptying it sends "" (and Ctrl-N still sends null).
        let text =
            text.replacen("type = \"email\"\nnullable = true", "type = \"email\"\nnullable = true\nempty_ok = true", 1);
        let backend = Arc::new(backend::parse(&text, "vixiees").unwrap());
        let record =
            json!({"id": 7, "first_name": "Jordi", "email": "jordi@example.es", "source": "api", "language": "ca"});
        let mut draft = Draft::new(&backend, Contact::from_record(&backend, record).unwrap());
        for key in ["source", "language", "email"] {
            draft.set(backend.field_index(key).unwrap(), Input::Text(String::new()));
        }
        assert_eq!(validate(&backend, &draft), vec![]);
        assert_eq!(draft.body().unwrap(), json!({"source": "", "language": "", "email": ""}));

        // A full body sends it too, rather than leaving the key out.
        let text = text.replacen("send = \"changed\"", "send = \"all\"", 1);
        let backend = Arc::new(backend::parse(&text, "vixiees").unwrap());
        let record = json!({"id": 7, "first_name": "Jordi", "source": "api", "language": "ca"});
        let mut draft = Draft::new(&backend, Contact::from_record(&backend, record).unwrap());
        draft.set(backend.field_index("source").unwrap(), Input::Text(String::new()));
        let body = draft.body().unwrap();
        assert_eq!((&body["source"], &body["language"]), (&json!(""), &json!("ca")));
    }

    #[test]
    fn empty_ok_is_refused_where_empty_means_something_else() {
        let (_, text) = backend::BUILT_IN[0];
        let required = text.replacen("required = true", "required = true\nempty_ok = true", 1);
        assert!(backend::parse(&required, "cm").unwrap_err().message.contains("empty_ok"));
        let list = text.replacen("type = \"int_list\"", "type = \"int_list\"\nempty_ok = true", 1);
        assert!(backend::parse(&list, "cm").unwrap_err().message.contains("empty_ok"));
    }

    #[test]
    fn date_times_are_rfc_3339() {
        assert!(is_date_time("2024-06-01T12:30:00Z"));
        assert!(is_date_time("2024-06-01T12:30:00.123+02:00"));
        assert!(!is_date_time("2024-06-01T12:30Z"));
        assert!(!is_date_time("20240601T123000Z"));
        assert!(!is_date_time("2024-02-30T12:30:00Z"));
    }
}
