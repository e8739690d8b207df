//! Unsent drafts, kept on disk as they are typed, so a crash, `kill -9`, a closed terminal or
//! a power cut loses nothing. One small JSON file per contact with unsent edits, written
//! atomically (temp file, fsync, rename) and removed once the edits are sent or discarded.
//! Drafts hold contact data only, never a secret: one a server echoed into a record is masked
//! (`***`) before the file is written.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::record::{Contact, Draft, Input};

/// A draft as stored: the record it started from and the edited fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedDraft {
    /// The backend's name, so a draft is never applied to another vendor's form.
    pub backend: String,
    /// The contact's id.
    pub contact_id: String,
    /// The contact's display name when the draft was written.
    pub title: String,
    /// The record as it was loaded when editing began.
    pub loaded: Value,
    /// The changed fields: backend field key, label, and the edited input.
    pub edits: Vec<SavedEdit>,
}

/// One changed field of a [`SavedDraft`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedEdit {
    /// The field's `key` in the backend file.
    pub key: String,
    /// The field's label, for the restore question.
    pub label: String,
    /// What the user had entered.
    pub input: Input,
}

impl SavedDraft {
    /// The stored form of `draft`'s unsent changes.
    pub fn of(draft: &Draft) -> Self {
        let backend = draft.backend();
        let edits = draft
            .changed()
            .map(|i| SavedEdit {
                key: backend.fields[i].key.to_string(),
                label: backend.fields[i].label.clone(),
                input: draft.input(i).clone(),
            })
            .collect();
        Self {
            backend: backend.name.clone(),
            contact_id: draft.loaded.id.clone(),
            title: draft.loaded.title(backend),
            loaded: draft.loaded.record.clone(),
            edits,
        }
    }

    /// Rebuilds the draft: the record it started from, with the edits applied again.
    /// Edits of fields the backend no longer has are dropped.
    pub fn restore(&self, backend: &std::sync::Arc<crate::backend::Backend>) -> Option<Draft> {
        let contact = Contact::from_record(backend, self.loaded.clone())?;
        let mut draft = Draft::new(backend, contact);
        for edit in &self.edits {
            if let Some(i) = backend.fields.iter().position(|f| f.key.as_str() == edit.key) {
                draft.set(i, edit.input.clone());
            }
        }
        Some(draft)
    }
}

/// The drafts folder of one profile.
#[derive(Debug, Clone)]
pub struct Journal {
    dir: PathBuf,
    redactor: crate::redact::Redactor,
}

impl Journal {
    /// The journal for `profile` under rolo's data directory.
    pub fn new(data_dir: &Path, profile: &str) -> Self {
        Self { dir: data_dir.join("drafts").join(file_safe(profile)), redactor: Default::default() }
    }

    /// The same journal, masking the profile's secret in what it writes.
    pub fn redacting(mut self, redactor: crate::redact::Redactor) -> Self {
        self.redactor = redactor;
        self
    }

    /// Where the drafts are kept.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stores a draft, replacing the contact's previous one. Atomic: a crash leaves the old
    /// file or the new one, never half of one.
    pub fn write(&self, draft: &SavedDraft) -> io::Result<()> {
        crate::private::create_dir(&self.dir)?;
        let path = self.path(&draft.contact_id);
        // One temp name per process, so two rolo windows on one profile never share one.
        let temp = path.with_extension(format!("json.{}.tmp", std::process::id()));
        let mut value = serde_json::to_value(draft).map_err(io::Error::other)?;
        self.redactor.json(&mut value);
        let text = serde_json::to_vec_pretty(&value).map_err(io::Error::other)?;
        let mut file = crate::private::options().write(true).create(true).truncate(true).open(&temp)?;
        file.write_all(&text)?;
        file.sync_all()?;
        fs::rename(&temp, &path)?;
        // The rename is durable only once the directory itself is synced.
        if let Ok(dir) = fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// Forgets a contact's draft (sent or discarded). Missing is fine.
    pub fn remove(&self, contact_id: &str) -> io::Result<()> {
        match fs::remove_file(self.path(contact_id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Every stored draft, oldest name first; unreadable files are skipped, not fatal.
    pub fn list(&self) -> Vec<SavedDraft> {
        let Ok(entries) = fs::read_dir(&self.dir) else { return Vec::new() };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths.iter().filter_map(|p| serde_json::from_slice(&fs::read(p).ok()?).ok()).collect()
    }

    fn path(&self, contact_id: &str) -> PathBuf {
        let name = file_safe(contact_id);
        // File names stop at 255 bytes; a long id is stored under a hash of it (the id is
        // inside the file anyway).
        let name = if name.len() > 100 { format!("h{:016x}", fnv1a(contact_id.as_bytes())) } else { name };
        self.dir.join(format!("{name}.json"))
    }
}

/// FNV-1a: a stable hash for file names (not for security).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A file name for any id or profile: letters, digits, `-` and `_` kept, the rest hex-escaped.
pub(crate) fn file_safe(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Arc;

    #[test]
    fn a_draft_survives_the_round_trip_to_disk() {
        let backend = Arc::new(crate::backend::find("corporatemerch", None).unwrap());
        let record = json!({"id": 7, "first_name": "Renée", "city": "Montréal", "lists": [1]});
        let mut draft = Draft::new(&backend, Contact::from_record(&backend, record).unwrap());
        let city = backend.field_index("city").unwrap();
        draft.set(city, Input::Text("Québec".into()));

        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path(), "acme/prod");
        journal.write(&SavedDraft::of(&draft)).unwrap();
        let listed = journal.list();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].edits[0].label, "City");
        let restored = listed[0].restore(&backend).unwrap();
        assert_eq!(restored.input(city).text(), "Québec");
        assert!(restored.is_changed(city));
        let leftovers = std::fs::read_dir(journal.dir())
            .unwrap()
            .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".tmp")));
        assert_eq!(leftovers.count(), 0, "no temp file is left behind");

        journal.remove("7").unwrap();
        journal.remove("7").unwrap();
        assert!(journal.list().is_empty());
    }

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(file_safe("ab-1_c"), "ab-1_c");
        assert_eq!(file_safe("../x y"), "%2E%2E%2Fx%20y");
    }
}
