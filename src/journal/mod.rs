//! Unsent drafts, kept on disk as they are typed, so a crash, `kill -9`, a closed terminal or
//! a power cut loses nothing. One small JSON file per contact with unsent edits, written
//! atomically (temp file, fsync, rename).
//!
//! Each run writes only files named after itself (`CONTACT.RUN.json`, see [`run`]) and removes
//! only those, once the edits are sent or discarded: two windows on one profile never touch
//! each other's drafts. At start, the drafts of runs that are over are offered back; restoring
//! one first writes it under this run's name, then removes the old file. A file rolo cannot
//! read is never written over or removed; it is named at start with the reason.
//! Drafts hold contact data only, never a secret: one a server echoed into a record is masked
//! (`***`) before the file is written.

mod found;
mod run;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use found::{Found, Offered, Unreadable};

use crate::record::{Contact, Draft, Input};

/// The draft file format this rolo writes and reads. A file without a `format` key is format 1
/// (written before the key existed).
pub const FORMAT: u32 = 1;

fn first_format() -> u32 {
    1
}
/// A draft as stored: the record it started from and the edited fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedDraft {
    /// The file format ([`FORMAT`]), so a file from another rolo version is named, not misread.
    #[serde(default = "first_format")]
    pub format: u32,
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
            format: FORMAT,
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

/// The drafts folder of one profile, as seen by one run.
#[derive(Debug, Clone)]
pub struct Journal {
    dir: PathBuf,
    run: Arc<run::Run>,
    /// Masks the profile's secret in what is written (a server may echo it into a record).
    redactor: crate::redact::Redactor,
}

impl Journal {
    /// The journal for `profile` under rolo's data directory; starts this run (its lock).
    pub fn new(data_dir: &Path, profile: &str) -> Self {
        let dir = data_dir.join("drafts").join(file_safe(profile));
        let run = Arc::new(run::Run::start(&dir));
        Self { dir, run, redactor: Default::default() }
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

    /// Stores this run's draft of a contact, replacing its previous one. Atomic: a crash
    /// leaves the old file or the new one, never half of one.
    pub fn write(&self, draft: &SavedDraft) -> io::Result<()> {
        crate::private::create_dir(&self.dir)?;
        let path = self.path(&draft.contact_id);
        // Not `.json`: a half-written temp file is never taken for a draft.
        let temp = path.with_extension("tmp");
        let mut value = serde_json::to_value(draft).map_err(io::Error::other)?;
        self.redactor.json(&mut value);
        let text = serde_json::to_vec_pretty(&value).map_err(io::Error::other)?;
        let mut file = run::private_file(&temp)?;
        file.write_all(&text)?;
        file.sync_all()?;
        fs::rename(&temp, &path)?;
        self.sync_dir();
        Ok(())
    }

    /// Forgets this run's draft of a contact (sent or discarded). Missing is fine.
    pub fn remove(&self, contact_id: &str) -> io::Result<()> {
        remove_if_there(&self.path(contact_id))
    }

    /// Takes over a draft an earlier run left in `file`: it is written under this run's name
    /// first, so a crash in between leaves two copies, never none; then `file` goes.
    pub fn adopt(&self, draft: &SavedDraft, file: &Path) -> io::Result<()> {
        self.write(draft)?;
        if file != self.path(&draft.contact_id) {
            self.discard(file)?;
        }
        Ok(())
    }

    /// Removes a draft file found at start, which the user discarded. Only a draft file of
    /// this folder is ever removed.
    pub fn discard(&self, file: &Path) -> io::Result<()> {
        if file.parent() != Some(self.dir.as_path()) || file.extension().is_none_or(|e| e != "json") {
            return Err(io::Error::other(format!("{} is not a draft file", file.display())));
        }
        remove_if_there(file)?;
        self.sync_dir();
        Ok(())
    }

    /// Every readable draft in the folder, whichever run wrote it, oldest name first.
    pub fn list(&self) -> Vec<SavedDraft> {
        let mut paths = self.draft_files();
        paths.sort();
        paths.iter().filter_map(|p| serde_json::from_slice(&fs::read(p).ok()?).ok()).collect()
    }

    /// What a start offers: the drafts of runs that are over (or older rolos, whose files have
    /// no run in their name) for `backend`, and the files it cannot restore, with the reason.
    /// Files of this run and of runs still alive (another window) are left to them.
    pub fn scan(&self, backend: &str) -> Found {
        run::tidy(&self.dir);
        let mut found = Found::default();
        let mut paths = self.draft_files();
        paths.sort();
        for path in paths {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            if let Some((_, owner)) = stem.split_once('.')
                && (owner == self.run.id() || run::is_alive(&self.dir, owner))
            {
                continue;
            }
            match found::read(&path, backend) {
                // A draft with nothing changed holds nothing to restore (and is left alone).
                Ok(draft) if draft.edits.is_empty() => {}
                Ok(draft) => found.offered.push(Offered::new(draft, path)),
                Err(reason) => found.unreadable.push(Unreadable { file: path, reason }),
            }
        }
        found
    }

    /// The `.json` files of the folder (drafts, or files that claim to be).
    fn draft_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.dir) else { return Vec::new() };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect()
    }

    /// This run's file for a contact: `CONTACT.RUN.json`.
    fn path(&self, contact_id: &str) -> PathBuf {
        let name = file_safe(contact_id);
        // File names stop at 255 bytes; a long id is stored under a hash of it (the id is
        // inside the file anyway).
        let name = if name.len() > 100 { format!("h{:016x}", fnv1a(contact_id.as_bytes())) } else { name };
        self.dir.join(format!("{name}.{}.json", self.run.id()))
    }

    /// A rename or removal is durable only once the directory itself is synced.
    fn sync_dir(&self) {
        if let Ok(dir) = fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
    }
}

/// Removes a file; missing is fine.
fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
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

    fn city_draft(backend: &Arc<crate::backend::Backend>, id: u64, city: &str) -> SavedDraft {
        let record = json!({"id": id, "first_name": "Renée", "city": "Montréal"});
        let mut draft = Draft::new(backend, Contact::from_record(backend, record).unwrap());
        draft.set(backend.field_index("city").unwrap(), Input::Text(city.into()));
        SavedDraft::of(&draft)
    }

    fn cities(found: &Found) -> Vec<String> {
        found.offered.iter().map(|o| o.draft.edits[0].input.text().to_string()).collect()
    }

    #[test]
    fn two_runs_keep_their_own_drafts_and_a_dead_runs_are_offered_then_adopted() {
        let backend = Arc::new(crate::backend::find("corporatemerch", None).unwrap());
        let dir = tempfile::tempdir().unwrap();
        let one = Journal::new(dir.path(), "p");
        let two = Journal::new(dir.path(), "p");
        one.write(&city_draft(&backend, 7, "Laval")).unwrap();
        two.write(&city_draft(&backend, 7, "Gatineau")).unwrap();
        // One sends: only its own file goes.
        one.remove("7").unwrap();
        assert_eq!(one.list().len(), 1, "the other window's draft is still there");

        // A third window starts while the second lives: nothing of the second's is offered.
        let three = Journal::new(dir.path(), "p");
        assert_eq!(three.scan(&backend.name), Found::default());
        // The second dies (a crash drops its lock): its draft is offered.
        drop(two);
        let found = three.scan(&backend.name);
        assert_eq!(cities(&found), ["Gatineau"]);

        // Restoring takes it over: this run's copy is written before the old file goes...
        let offered = &found.offered[0];
        three.adopt(&offered.draft, &offered.file).unwrap();
        assert!(!offered.file.exists());
        assert_eq!(one.list().len(), 1, "exactly one copy");
        let four = Journal::new(dir.path(), "p");
        assert!(four.scan(&backend.name).offered.is_empty(), "a living run's adopted draft is its own");
        // ...so if this run crashes too, the draft is offered again.
        drop(three);
        assert_eq!(cities(&four.scan(&backend.name)), ["Gatineau"]);
    }

    #[test]
    fn files_rolo_cannot_restore_are_named_and_never_touched() {
        let backend = Arc::new(crate::backend::find("corporatemerch", None).unwrap());
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path(), "p");
        let folder = journal.dir().to_path_buf();
        let write = |name: &str, text: &str| {
            std::fs::write(folder.join(name), text).unwrap();
            folder.join(name)
        };
        let corrupt = write("5.json", "{\"backend\": \"corporatemerch\", \"contact_id\": ");
        let mut newer = serde_json::to_value(city_draft(&backend, 6, "Laval")).unwrap();
        newer["format"] = json!(9);
        let newer = write("6.json", &newer.to_string());
        let mut other = serde_json::to_value(city_draft(&backend, 8, "Laval")).unwrap();
        other["backend"] = json!("bird");
        let other = write("8.json", &other.to_string());
        // A draft from before runs had ids is offered like a dead run's.
        let legacy = write("9.json", &serde_json::to_string(&city_draft(&backend, 9, "Lévis")).unwrap());

        let found = journal.scan(&backend.name);
        assert_eq!(cities(&found), ["Lévis"]);
        assert_eq!(found.offered[0].file, legacy);
        let reasons: Vec<(&Path, &str)> =
            found.unreadable.iter().map(|u| (u.file.as_path(), u.reason.as_str())).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].0 == corrupt && reasons[0].1.starts_with("not valid JSON"), "{reasons:?}");
        assert!(reasons[1].0 == newer && reasons[1].1.contains("a newer draft format (9)"), "{reasons:?}");
        assert!(reasons[2].0 == other && reasons[2].1.contains("`bird` backend"), "{reasons:?}");

        // This run's own writes and removals of those contacts go to its own files.
        for id in [5, 6, 8] {
            journal.write(&city_draft(&backend, id, "Québec")).unwrap();
            journal.remove(&id.to_string()).unwrap();
        }
        assert!(journal.discard(&folder.join("runs").join("x.lock")).is_err(), "only draft files are discarded");
        let again = Journal::new(dir.path(), "p").scan(&backend.name);
        assert_eq!(again.unreadable, found.unreadable, "the files are as they were");
        assert_eq!(std::fs::read_to_string(&corrupt).unwrap(), "{\"backend\": \"corporatemerch\", \"contact_id\": ");
    }

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(file_safe("ab-1_c"), "ab-1_c");
        assert_eq!(file_safe("../x y"), "%2E%2E%2Fx%20y");
    }
}
