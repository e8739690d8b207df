//! A contact being edited: the record as loaded, what the user has typed, and what to send.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::Contact;
use super::input::Input;
use crate::backend::{Backend, SendFields};

/// The unsent edits to one contact.
#[derive(Debug, Clone)]
pub struct Draft {
    backend: Arc<Backend>,
    /// The contact as last loaded from (or saved to) the server.
    pub loaded: Contact,
    /// The inputs the loaded record gives, one per backend field.
    original: Vec<Input>,
    /// The inputs as the user has edited them, one per backend field.
    inputs: Vec<Input>,
    /// Bumped on every change, so whoever keeps a copy (the journal) knows when it is stale.
    revision: u64,
}

/// The JSON body of an update, or the first field whose input cannot become JSON.
pub type UpdateBody = Result<Value, (usize, String)>;

impl Draft {
    /// A draft with no edits yet.
    pub fn new(backend: &Arc<Backend>, loaded: Contact) -> Self {
        let original: Vec<Input> = backend.fields.iter().map(|f| f.input_from(&loaded.record)).collect();
        Self { backend: Arc::clone(backend), loaded, inputs: original.clone(), original, revision: 0 }
    }

    /// The current input of field `index`.
    pub fn input(&self, index: usize) -> &Input {
        &self.inputs[index]
    }

    /// All current inputs, in field order.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// The loaded value of field `index`, as an input.
    pub fn original(&self, index: usize) -> &Input {
        &self.original[index]
    }

    /// Replaces the input of field `index`.
    pub fn set(&mut self, index: usize, input: Input) {
        self.inputs[index] = input;
        self.revision += 1;
    }

    /// A number that changes whenever the draft does.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The backend this draft is for.
    pub fn backend(&self) -> &Arc<Backend> {
        &self.backend
    }

    /// True when field `index` differs from the loaded record.
    ///
    /// Values are compared as they would be sent, so `12,31` and `12, 31` are the same list.
    pub fn is_changed(&self, index: usize) -> bool {
        // The common case, and cheap even for a large value kept as received.
        if self.inputs[index] == self.original[index] {
            return false;
        }
        let field = &self.backend.fields[index];
        if let Some(changed) = field.text_changed(&self.inputs[index], &self.original[index]) {
            return changed;
        }
        // For a nullable field, emptied text is sent as null, so it is no change from null.
        let sent =
            |input: &Input| field.to_json(input).map(|v| if field.nullable { v.or(Some(Value::Null)) } else { v });
        match (sent(&self.inputs[index]), sent(&self.original[index])) {
            (Ok(now), Ok(before)) => now != before,
            _ => self.inputs[index] != self.original[index],
        }
    }

    /// Indices of the changed fields.
    pub fn changed(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.inputs.len()).filter(|&i| self.is_changed(i))
    }

    /// True when any field differs from the loaded record.
    pub fn is_dirty(&self) -> bool {
        self.changed().next().is_some()
    }

    /// Takes a freshly loaded record as the new baseline, keeping the user's edits on top.
    pub fn rebase(&mut self, loaded: Contact) {
        let edits: Vec<(usize, Input)> = self.changed().map(|i| (i, self.inputs[i].clone())).collect();
        self.replace_keeping(loaded, edits);
    }

    /// Takes the record a save returned as the new baseline. Fields the user touched while the
    /// save was in flight (they differ from `sent`, the inputs at send time) keep the user's value;
    /// every other field shows what the server stored, normalised values included.
    pub fn saved(&mut self, stored: Contact, sent: &[Input]) {
        let edits: Vec<(usize, Input)> = (0..self.inputs.len())
            .filter(|&i| sent.get(i) != Some(&self.inputs[i]))
            .map(|i| (i, self.inputs[i].clone()))
            .collect();
        self.replace_keeping(stored, edits);
    }

    /// The fields a send carried (`sent`, against this draft's baseline) whose value in
    /// `stored` differs: the server changed, normalised or silently dropped them. Empty,
    /// missing and null count as the same.
    pub fn stored_differently(&self, stored: &Contact, sent: &[Input]) -> Vec<usize> {
        let only_changed = self.backend.update.send == SendFields::Changed;
        let as_sent = |i: usize, input: &Input| -> Option<Value> {
            let field = &self.backend.fields[i];
            match field.to_json(input) {
                Ok(Some(Value::Null)) | Ok(None) => None,
                Ok(Some(Value::String(s))) if s.is_empty() => None,
                Ok(Some(Value::Array(a))) if a.is_empty() => None,
                Ok(value) => value,
                Err(_) => Some(Value::String(input.text().to_string())),
            }
        };
        (0..self.backend.fields.len().min(sent.len()))
            .filter(|&i| !self.backend.fields[i].read_only)
            .filter(|&i| !only_changed || as_sent(i, &sent[i]) != as_sent(i, &self.original[i]))
            .filter(|&i| {
                let now = self.backend.fields[i].input_from(&stored.record);
                as_sent(i, &sent[i]) != as_sent(i, &now)
            })
            .collect()
    }

    fn replace_keeping(&mut self, loaded: Contact, edits: Vec<(usize, Input)>) {
        let revision = self.revision + 1;
        *self = Self::new(&self.backend, loaded);
        self.revision = revision;
        for (i, input) in edits {
            self.inputs[i] = input;
        }
    }

    /// Field `index`'s value as received, the way an untouched field goes back: `None` when
    /// there is nothing to send back. That is when the record lacks the key, or holds `null`
    /// in a field the backend file does not mark `nullable` (the vendor refuses null there,
    /// and leaving the field out is how it stays empty). A key/value field leaves out the
    /// keys other fields show (`exclude`): those go back through their own fields.
    pub fn received(&self, index: usize) -> Option<Value> {
        let field = &self.backend.fields[index];
        let mut value = field.read_path().get(&self.loaded.record)?.into_owned();
        if value.is_null() && !field.nullable {
            return None;
        }
        field.drop_other_fields_keys(&mut value);
        Some(value)
    }

    /// The update body the backend expects: every writable field, or only the changed ones.
    ///
    /// A field the user did not change goes back exactly as it came ([`Draft::received`]):
    /// a `1` in a toggle stays `1`, an object in a text field stays that object, a missing key
    /// stays missing. Only a changed field is written as its declared type. A changed field
    /// emptied by the user is sent as `""` when `empty_ok`, else left out of a full body (which
    /// clears it), or sent as `null` when nullable, else (changed fields only) as `[]` for a
    /// list or `""`. A `merge`
    /// key/value field sends only its changed keys, and removed keys as `null`. A write-only
    /// option the record has no value for (`default` in the backend file) is sent in a full body.
    /// An `always_send` field (read-only or not) goes in every body, as an unchanged field of a
    /// full body does.
    pub fn body(&self) -> UpdateBody {
        let backend = &self.backend;
        let only_changed = backend.update.send == SendFields::Changed;
        let mut body = Value::Object(Map::new());
        for (i, field) in backend.fields.iter().enumerate() {
            if field.read_only && !field.always_send {
                continue;
            }
            let value = if self.is_changed(i) {
                match field.to_json(&self.inputs[i]).map_err(|e| (i, e))? {
                    Some(value) if field.merge => merge_patch(value, self.received(i)),
                    Some(value) => value,
                    None if field.empty_ok => Value::String(String::new()),
                    None if field.nullable => Value::Null,
                    None if only_changed => field.emptied_json(),
                    None => continue,
                }
            } else if only_changed && !field.always_send {
                continue;
            } else {
                match self.received(i) {
                    Some(value) => value,
                    None if field.default.is_some() => match field.to_json(&self.original[i]).map_err(|e| (i, e))? {
                        Some(value) => value,
                        None => continue,
                    },
                    None => continue,
                }
            };
            field.key.merge(&mut body, value).map_err(|e| (i, e.to_string()))?;
        }
        Ok(body)
    }
}

/// The keys of `now` that differ from `before`, plus `null` for each key `before` had and
/// `now` lacks (JSON merge-patch). Non-objects are sent whole.
fn merge_patch(now: Value, before: Option<Value>) -> Value {
    let (Value::Object(now), Some(Value::Object(before))) = (&now, before) else {
        return now;
    };
    let mut patch = Map::new();
    for (key, value) in now {
        if before.get(key) != Some(value) {
            patch.insert(key.clone(), value.clone());
        }
    }
    for key in before.keys() {
        if !now.contains_key(key) {
            patch.insert(key.clone(), Value::Null);
        }
    }
    Value::Object(patch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::input::Input;
    use serde_json::json;

    /// A JSON:API-shaped backend: `data.type` and `data.id` must travel in every PATCH.
    const JSON_API: &str = r#"
name = "ledger"
title = "Ledger"
[auth]
scheme = "none"
[record]
id = "id"
title = "{attributes.name}"
[list]
path = "/people"
items = "data"
paging = { style = "none" }
[get]
path = "/people/{id}"
record = "data"
[update]
method = "PATCH"
path = "/people/{id}"
send = "changed"
record = "data"
[[column]]
title = "Name"
value = "{attributes.name}"
[[field]]
key = "data.type"
read = "type"
label = "Type"
type = "text"
read_only = true
always_send = true
[[field]]
key = "data.id"
read = "id"
label = "ID"
type = "text"
read_only = true
always_send = true
[[field]]
key = "data.attributes.name"
read = "attributes.name"
label = "Name"
type = "text"
[[field]]
key = "data.attributes.email"
read = "attributes.email"
label = "Email"
type = "email"
[[field]]
key = "data.attributes.created"
read = "attributes.created"
label = "Created"
type = "text"
read_only = true
"#;

    fn draft(text: &str) -> Draft {
        let backend = Arc::new(crate::backend::parse(text, "ledger.toml").unwrap_or_else(|e| panic!("{e}")));
        let record = json!({"type": "people", "id": "7", "attributes": {"name": "Ada", "email": "ada@example.com",
            "created": "2026-01-01"}});
        Draft::new(&backend, Contact::from_record(&backend, record).unwrap())
    }

    #[test]
    fn an_always_sent_field_travels_in_every_body_as_received() {
        let mut draft = draft(JSON_API);
        let email = draft.backend().field_index("data.attributes.email").unwrap();
        draft.set(email, Input::Text("ada@example.org".into()));
        let expected = json!({"data": {"type": "people", "id": "7", "attributes": {"email": "ada@example.org"}}});
        assert_eq!(draft.body().unwrap(), expected, "changed fields, plus type and id; never `created`");
        assert_eq!(draft.changed().collect::<Vec<_>>(), [email], "always sent is not changed");
        let differences: Vec<usize> = draft.differences(&draft.body().unwrap()).iter().map(|d| d.field).collect();
        assert_eq!(differences, [email], "the preview lists only what changes");

        // A full body carries them too, once.
        let draft = self::draft(&JSON_API.replacen("send = \"changed\"", "send = \"all\"", 1));
        let body = draft.body().unwrap();
        assert_eq!((&body["data"]["type"], &body["data"]["id"]), (&json!("people"), &json!("7")));
        assert_eq!(body["data"]["attributes"].get("created"), None);

        // Without it, a read-only field stays out of the body.
        let draft = self::draft(&JSON_API.replace("always_send = true\n", ""));
        assert_eq!(draft.body().unwrap(), json!({}));
    }

    #[test]
    fn always_send_needs_a_key_it_can_be_written_at() {
        let text = JSON_API.replacen("key = \"data.type\"", "key = \"data.types[].name\"", 1);
        let error = crate::backend::parse(&text, "ledger.toml").unwrap_err();
        assert!(error.message.contains("always_send"), "{error}");
    }
}
