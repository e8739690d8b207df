//! What a start finds in the drafts folder: drafts left by runs that are over, to offer back,
//! and files rolo cannot restore, named with the reason. Neither is ever changed here.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

use super::{FORMAT, SavedDraft};

/// A draft an earlier (or crashed) run left unsent, and the file it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct Offered {
    /// What the file holds.
    pub draft: SavedDraft,
    /// The file: removed only when the draft is restored (after this run keeps its own copy)
    /// or discarded.
    pub file: PathBuf,
    /// When the file was last written, to tell two drafts of one contact apart.
    pub saved_at: Option<SystemTime>,
}

impl Offered {
    /// A draft found at `file`.
    pub fn new(draft: SavedDraft, file: PathBuf) -> Self {
        let saved_at = fs::metadata(&file).and_then(|m| m.modified()).ok();
        Self { draft, file, saved_at }
    }
}

/// A file in the drafts folder that rolo cannot restore. It is left exactly where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The file.
    pub file: PathBuf,
    /// Why it cannot be restored, for the user.
    pub reason: String,
}

/// Everything a start offers back, and everything it must leave alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    /// Drafts of runs that are over, for this profile's backend.
    pub offered: Vec<Offered>,
    /// Files that cannot be restored, and why.
    pub unreadable: Vec<Unreadable>,
}

/// Reads a draft file written for `backend`, or says why it cannot be restored.
pub fn read(path: &Path, backend: &str) -> Result<SavedDraft, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| format!("not valid JSON ({e})"))?;
    if let Some(format) = value.get("format").and_then(Value::as_u64)
        && format != u64::from(FORMAT)
    {
        let age = if format > u64::from(FORMAT) { "a newer" } else { "an older" };
        return Err(format!("written in {age} draft format ({format}); this rolo reads format {FORMAT}"));
    }
    let draft: SavedDraft =
        serde_json::from_value(value).map_err(|e| format!("not in a draft format this rolo reads ({e})"))?;
    if draft.backend != backend {
        return Err(format!(
            "a draft for the `{}` backend, and this profile uses `{backend}` (contact #{})",
            draft.backend, draft.contact_id
        ));
    }
    Ok(draft)
}
