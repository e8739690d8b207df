//! The change history: every sent change, appended to one JSON Lines file per profile
//! (`<data dir>/history/<profile>.jsonl`, mode 0600). Each line is one send: which contact,
//! when, the answer's status, and each field's value before and after. Never a secret: only
//! field values and the answer's status are kept.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::http::Verdict;
use crate::record::{Draft, Input, input_to_json};

/// One send, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "OnDisk")]
pub struct HistoryEntry {
    /// When the answer came (RFC 3339); filled in by the writer when empty.
    pub time: String,
    /// The profile (or `sandbox-VENDOR`).
    pub profile: String,
    /// The backend's name.
    pub backend: String,
    /// The contact's id.
    pub contact_id: String,
    /// The contact's display name at the time.
    pub title: String,
    /// The answer's HTTP status, `None` when no answer came.
    pub status: Option<u16>,
    /// Stored, not stored, or unknown (the request went out; no verdict came back).
    pub outcome: Verdict,
    /// The fields the send changed.
    pub changes: Vec<FieldChange>,
}

/// A line as written now (with `outcome`) or by an earlier rolo (`ok: true|false`).
#[derive(Deserialize)]
struct OnDisk {
    time: String,
    profile: String,
    backend: String,
    contact_id: String,
    title: String,
    status: Option<u16>,
    #[serde(default)]
    outcome: Option<Verdict>,
    #[serde(default)]
    ok: bool,
    changes: Vec<FieldChange>,
}

impl From<OnDisk> for HistoryEntry {
    fn from(line: OnDisk) -> Self {
        let earlier = if line.ok { Verdict::Stored } else { Verdict::NotStored };
        Self {
            time: line.time,
            profile: line.profile,
            backend: line.backend,
            contact_id: line.contact_id,
            title: line.title,
            status: line.status,
            outcome: line.outcome.unwrap_or(earlier),
            changes: line.changes,
        }
    }
}

/// One field's change within a [`HistoryEntry`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field's `key` in the backend file.
    pub field: String,
    /// The field's label.
    pub label: String,
    /// The value before (as it would be sent; `null` when empty).
    pub before: Value,
    /// The value sent.
    pub after: Value,
}

impl HistoryEntry {
    /// The entry for sending `draft` (its changed fields); status and outcome are set later.
    pub fn of(draft: &Draft, profile: &str) -> Self {
        let backend = draft.backend();
        let as_json = |i: usize, input: &Input| -> Value {
            match input_to_json(&backend.fields[i], input) {
                Ok(Some(value)) => value,
                Ok(None) => Value::Null,
                Err(_) => Value::String(input.text().to_string()),
            }
        };
        let changes = draft
            .changed()
            .map(|i| FieldChange {
                field: backend.fields[i].key.to_string(),
                label: backend.fields[i].label.clone(),
                before: as_json(i, draft.original(i)),
                after: as_json(i, draft.input(i)),
            })
            .collect();
        Self {
            time: String::new(),
            profile: profile.to_string(),
            backend: backend.name.clone(),
            contact_id: draft.loaded.id.clone(),
            title: draft.loaded.title(backend),
            status: None,
            outcome: Verdict::Unknown,
            changes,
        }
    }

    /// The same entry with the send's outcome and the answer's status (if one came).
    pub fn answered(mut self, status: Option<u16>, outcome: Verdict) -> Self {
        self.status = status;
        self.outcome = outcome;
        self
    }
}

/// What reading the history found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// The entries, oldest first.
    pub entries: Vec<HistoryEntry>,
    /// Lines that could not be read (corrupt, cut short) and were skipped.
    pub skipped: usize,
}

/// The history file of one profile.
#[derive(Debug, Clone)]
pub struct History {
    path: PathBuf,
}

impl History {
    /// The history of `profile` under rolo's data directory.
    pub fn new(data_dir: &Path, profile: &str) -> Self {
        Self { path: data_dir.join("history").join(format!("{}.jsonl", crate::journal::file_safe(profile))) }
    }

    /// Where the history is kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line; stamps the time when the entry has none.
    pub fn append(&self, entry: &HistoryEntry) -> io::Result<()> {
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut entry = entry.clone();
        if entry.time.is_empty() {
            entry.time = jiff::Timestamp::now().to_string();
        }
        let mut line = serde_json::to_vec(&entry).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut options = fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path)?;
        // One write per line, so two rolo windows appending never interleave within a line.
        file.write_all(&line)?;
        file.sync_data()
    }

    /// Every entry, oldest first; a line that cannot be read is skipped and counted.
    /// A missing file is an empty history.
    pub fn read(&self) -> io::Result<Loaded> {
        let file = match fs::File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::default()),
            Err(e) => return Err(e),
        };
        let mut loaded = Loaded::default();
        for line in io::BufReader::new(file).split(b'\n') {
            let line = line?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<HistoryEntry>(&line) {
                Ok(entry) => loaded.entries.push(entry),
                Err(_) => loaded.skipped += 1,
            }
        }
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(id: &str) -> HistoryEntry {
        HistoryEntry {
            time: String::new(),
            profile: "acme".into(),
            backend: "corporatemerch".into(),
            contact_id: id.into(),
            title: "Renée Lévesque".into(),
            status: Some(200),
            outcome: Verdict::Stored,
            changes: vec![FieldChange {
                field: "city".into(),
                label: "City".into(),
                before: json!("Montréal"),
                after: json!("Québec"),
            }],
        }
    }

    #[test]
    fn entries_are_appended_and_a_corrupt_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::new(dir.path(), "acme/prod");
        assert_eq!(history.read().unwrap(), Loaded::default(), "no file is an empty history");
        history.append(&entry("7")).unwrap();
        {
            let mut file = fs::OpenOptions::new().append(true).open(history.path()).unwrap();
            file.write_all(b"{\"time\": \"cut sh\n").unwrap();
        }
        history.append(&entry("8")).unwrap();
        let loaded = history.read().unwrap();
        assert_eq!(loaded.skipped, 1);
        let ids: Vec<&str> = loaded.entries.iter().map(|e| e.contact_id.as_str()).collect();
        assert_eq!(ids, ["7", "8"]);
        assert!(loaded.entries[0].time.parse::<jiff::Timestamp>().is_ok(), "{}", loaded.entries[0].time);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(history.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(history.path().ends_with("history/acme%2Fprod.jsonl"));
    }

    #[test]
    fn lines_written_before_outcomes_read_as_stored_or_not() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::new(dir.path(), "acme");
        let mut old = serde_json::to_value(entry("7")).unwrap();
        old.as_object_mut().unwrap().remove("outcome");
        old["ok"] = json!(false);
        fs::create_dir_all(history.path().parent().unwrap()).unwrap();
        fs::write(history.path(), format!("{old}\n")).unwrap();
        history.append(&entry("8").answered(None, Verdict::Unknown)).unwrap();
        let outcomes: Vec<Verdict> = history.read().unwrap().entries.iter().map(|e| e.outcome).collect();
        assert_eq!(outcomes, [Verdict::NotStored, Verdict::Unknown]);
        assert!(fs::read_to_string(history.path()).unwrap().contains(r#""outcome":"unknown""#));
    }
}
