//! The change history: every sent change, appended to one JSON Lines file per profile
//! (`<data dir>/history/<profile>.jsonl`, mode 0600). Each line is one send: which contact,
//! when, the answer's status, and each field's value before and after. Never a secret: only
//! field values and the answer's status are kept, and a secret a server echoed into a value is
//! masked (`***`).

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::http::Verdict;
use crate::record::Draft;

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
    /// The value before, as received (`null` when there was none).
    pub before: Value,
    /// The value sent (`null` when a full body left the field out).
    pub after: Value,
}

impl HistoryEntry {
    /// The entry for sending `draft`: each field whose sent value differs from the one
    /// received, both as JSON (`null` for none); status and outcome are set later.
    pub fn of(draft: &Draft, profile: &str) -> Self {
        let backend = draft.backend();
        let differences = draft.body().map(|body| draft.differences(&body)).unwrap_or_default();
        let changes = differences
            .into_iter()
            .map(|d| FieldChange {
                field: backend.fields[d.field].key.to_string(),
                label: backend.fields[d.field].label.clone(),
                before: d.received.unwrap_or(Value::Null),
                after: d.sent.unwrap_or(Value::Null),
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
    redactor: crate::redact::Redactor,
}

impl History {
    /// The history of `profile` under rolo's data directory.
    pub fn new(data_dir: &Path, profile: &str) -> Self {
        let path = data_dir.join("history").join(format!("{}.jsonl", crate::journal::file_safe(profile)));
        Self { path, redactor: Default::default() }
    }

    /// The same history, masking the profile's secret in what it writes.
    pub fn redacting(mut self, redactor: crate::redact::Redactor) -> Self {
        self.redactor = redactor;
        self
    }

    /// Where the history is kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line; stamps the time when the entry has none.
    pub fn append(&self, entry: &HistoryEntry) -> io::Result<()> {
        if let Some(dir) = self.path.parent() {
            crate::private::create_dir(dir)?;
        }
        let mut entry = entry.clone();
        if entry.time.is_empty() {
            entry.time = jiff::Timestamp::now().to_string();
        }
        let mut value = serde_json::to_value(&entry).map_err(io::Error::other)?;
        self.redactor.json(&mut value);
        let mut line = serde_json::to_vec(&value).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut file = crate::private::options().append(true).create(true).open(&self.path)?;
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
