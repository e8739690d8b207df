//! The local index of a profile's contact list (`index = true`): the list's rows (id, column
//! texts, version) kept in SQLite under the data directory, so the next start shows the list
//! and searches it at once, then refreshes it in the background. Like a mail client's header
//! cache: opening a contact still fetches it from the server.
//!
//! An index names what it is for ([`Identity`]): the profile, the backend and where it
//! answers (without credentials), and a fingerprint of the backend description. An index
//! written for anything else is not trusted: its rows are dropped and it is built again.
//!
//! This module is the disk side (the event loop's writer and the `rolo index` commands use it);
//! the app learns of rows by messages and asks for writes by effects carrying [`Entry`]s.

mod store;

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

pub use store::{Index, IndexError, Pass, Status, clear, status};

use crate::backend::Backend;
use crate::record::Contact;
use crate::redact::Redactor;

/// One contact as the index keeps it: what the list shows, and the version the server gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The contact's id.
    pub id: String,
    /// The column texts one after the other; column `i` ends at `ends[i]` (one text, not a
    /// string per column: a million rows read back in one allocation each).
    text: String,
    ends: Vec<u32>,
    /// The record's version field (`updated_at`…), when the backend names one.
    pub version: Option<String>,
}

impl Entry {
    /// The entry of contact `id` showing `columns`.
    pub fn new<'a>(id: String, columns: impl IntoIterator<Item = &'a str>, version: Option<String>) -> Self {
        let mut text = String::new();
        let mut ends = Vec::new();
        for column in columns {
            text.push_str(column);
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Self { id, text, ends, version }
    }

    /// The column texts in the backend's column order.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| self.text.get(start as usize..end as usize).unwrap_or(""))
    }
}

impl Entry {
    /// The entry of `contact` as `backend`'s list shows it.
    pub fn of(backend: &Backend, contact: &Contact) -> Self {
        let columns: Vec<String> = backend.columns.iter().map(|c| c.value.render(&contact.record)).collect();
        let version =
            backend.record.version.as_ref().and_then(|path| path.get(&contact.record)).and_then(
                |value| match &*value {
                    serde_json::Value::String(text) => Some(text.clone()),
                    serde_json::Value::Null => None,
                    other => Some(other.to_string()),
                },
            );
        Self::new(contact.id.clone(), columns.iter().map(String::as_str), version)
    }

    /// The same entry with the profile's secret masked in its columns and version (a server
    /// may echo it into a field): what is written, so the file never holds it.
    pub fn masked(self, redactor: &Redactor) -> Self {
        if redactor.is_empty() {
            return self;
        }
        let columns: Vec<String> = self.columns().map(|c| redactor.text(c).into_owned()).collect();
        let version = self.version.map(|v| redactor.string(v));
        Self::new(self.id, columns.iter().map(String::as_str), version)
    }
}

/// A write the app asks of the index, in order, off the UI thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// A refresh starts: a full pass, or one of changes only.
    Begin {
        /// True for a full pass.
        full: bool,
    },
    /// Rows of the refresh under way, as a page brought them.
    Put(Vec<Entry>),
    /// The refresh ended; `reached_end`: at the end of the list (a full pass then drops the
    /// rows it did not meet), not stopped or failed.
    Finish {
        /// True when the pass reached the end of the list.
        reached_end: bool,
    },
    /// A contact the user saved.
    Save(Entry),
}

/// What an index was written for; an index for anything else is rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The profile (or `sandbox-VENDOR[-N]`).
    pub profile: String,
    /// The backend's name.
    pub backend: String,
    /// Where the list comes from: the base URL without user, password or query (no
    /// credential), or the embedded sandbox.
    pub source: String,
    /// A hash of the whole backend description (columns, paths, paging…): any change to the
    /// backend file makes another.
    pub fingerprint: String,
}

impl Identity {
    /// The identity of `backend`'s list for `profile`, read from `source`.
    pub fn new(profile: &str, backend: &Backend, source: &str) -> Self {
        Self {
            profile: profile.to_string(),
            backend: backend.name.clone(),
            source: without_credentials(source),
            fingerprint: fingerprint(backend),
        }
    }
}

/// The index file of `name` (a profile, or `sandbox-VENDOR`) under rolo's data directory.
pub fn path(data_dir: &Path, name: &str) -> PathBuf {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    data_dir.join("index").join(format!("{safe}.sqlite3"))
}

/// A URL with no user, password, query or fragment; text that is not a URL is kept as it is
/// (the embedded sandbox's description).
fn without_credentials(source: &str) -> String {
    match reqwest::Url::parse(source) {
        Ok(mut url) if url.has_host() => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.set_query(None);
            url.set_fragment(None);
            url.to_string()
        }
        _ => source.to_string(),
    }
}

/// 64 bits of the backend description's every part, as hex. `Debug` shows every field of it;
/// a rolo that describes backends differently rebuilds the index once, which is safe.
fn fingerprint(backend: &Backend) -> String {
    // `DefaultHasher::new` has fixed keys: the same description gives the same value on every
    // run of one rolo build (another build may differ, and rebuild the index once).
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    format!("{backend:?}").hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_keeps_no_credential_and_the_fingerprint_follows_the_columns() {
        let mut backend = crate::backend::find("corporatemerch", None).unwrap();
        let identity = Identity::new("p", &backend, "https://user:pw@api.example.com/v2?api_key=k#x");
        assert_eq!(identity.source, "https://api.example.com/v2");
        assert_eq!(Identity::new("p", &backend, "embedded sandbox").source, "embedded sandbox");
        let before = identity.fingerprint.clone();
        assert_eq!(Identity::new("p", &backend, "x").fingerprint, before, "stable");
        backend.columns.pop();
        assert_ne!(Identity::new("p", &backend, "x").fingerprint, before);
    }

    #[test]
    fn the_file_name_is_safe() {
        assert_eq!(path(Path::new("/d"), "a/b c"), PathBuf::from("/d/index/a_b_c.sqlite3"));
    }
}
