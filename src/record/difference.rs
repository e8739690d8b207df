//! What an update body would change: every field whose value in the body differs from the
//! record as it was received, found by comparing JSON, not by asking which inputs the user
//! touched. The preview, `rolo update --dry-run`, bulk edit and the history show these, so a
//! "1 field changed" can never hide a second field that flips.

use serde_json::{Map, Value};

use super::Draft;
use crate::backend::SendFields;

/// One field whose value in an update body differs from the record as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Index of the field in the backend's field list.
    pub field: usize,
    /// The value as received ([`Draft::received`]); `None` when there was none to send back.
    pub received: Option<Value>,
    /// The value in the body; `None` when a full body leaves the field out (which clears it).
    pub sent: Option<Value>,
}

impl Draft {
    /// The fields whose value in `body` (this draft's [`Draft::body`]) differs from the record
    /// as received. With a full body every writable field counts, left out or not; with only
    /// changed fields, the ones in the body. For a `merge` field only the keys sent count.
    pub fn differences(&self, body: &Value) -> Vec<Difference> {
        let backend = self.backend();
        let full = backend.update.send == SendFields::All;
        let mut differences = Vec::new();
        for (index, field) in backend.fields.iter().enumerate() {
            if field.read_only {
                continue;
            }
            let mut sent = field.key.get(body).map(|v| v.into_owned());
            if let Some(value) = &mut sent {
                // Keys other fields write into the same object are compared there; an object
                // holding only those is theirs, not this field's.
                let had = value.as_object().map_or(0, Map::len);
                field.drop_other_fields_keys(value);
                if value.as_object().is_some_and(Map::is_empty) && had > 0 {
                    sent = None;
                }
            }
            if sent.is_none() && !full {
                continue;
            }
            let mut received = self.received(index);
            if field.merge
                && let (Some(Value::Object(patch)), Some(Value::Object(before))) = (&sent, &received)
            {
                let restricted: Map<String, Value> =
                    patch.keys().filter_map(|key| Some((key.clone(), before.get(key)?.clone()))).collect();
                received = Some(Value::Object(restricted));
            }
            if sent != received {
                differences.push(Difference { field: index, received, sent });
            }
        }
        differences
    }
}
