//! The index file: SQLite, readable by its owner alone, holding no secret (the column texts
//! come masked, the source has no credential).
//!
//! A refresh is a [`Pass`]: a full pass stamps every row it meets with its number and, when it
//! reaches the end of the list, drops the rows it did not meet (the server no longer lists
//! them); a pass of changes only (the backend filters by an updated-since parameter) updates
//! and adds rows and drops none. Rows keep the server's order (`position`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::{Entry, Identity};

/// The layout of the file; another layout is rebuilt.
const FORMAT: &str = "1";

/// How far before a complete pass began the next pass of changes asks from: a clock on this
/// machine behind the server's by less than this misses nothing; re-reading an hour of
/// changes costs little.
const SINCE_MARGIN: Duration = Duration::from_secs(3600);

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS rows (
        id       TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        text     TEXT NOT NULL,
        ends     BLOB NOT NULL,
        version  TEXT,
        pass     INTEGER NOT NULL
    );
    DROP INDEX IF EXISTS rows_in_order;
    CREATE INDEX IF NOT EXISTS rows_by_position ON rows (position, id);
";

/// The index file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// SQLite refused.
    #[error("{path}: {error}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        error: rusqlite::Error,
    },
    /// The file or its folder could not be made or removed.
    #[error("{path}: {error}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

/// What `rolo index status` says about an index file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// How many contacts it holds.
    pub rows: u64,
    /// When the last pass that reached the end of the list ended (RFC 3339), if one did.
    pub last_refresh: Option<String>,
    /// True when the last full pass reached the end of the list and no full pass is under way.
    pub complete: bool,
    /// The profile, backend and source it was written for.
    pub profile: Option<String>,
    /// The backend it was written for.
    pub backend: Option<String>,
    /// Where its list came from (no credential).
    pub source: Option<String>,
}

/// A refresh under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    number: i64,
    full: bool,
    next_position: i64,
    started: Timestamp,
}

impl Pass {
    /// True for a full pass (it drops the rows it did not meet when it completes).
    pub fn is_full(&self) -> bool {
        self.full
    }
}

/// An open index file.
pub struct Index {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("path", &self.path).finish()
    }
}

impl Index {
    /// Opens the index at `path` for `identity`, creating it (0600, in a 0700 folder) if need
    /// be. An index written for another identity or layout is emptied and taken over: its rows
    /// are not trusted. Returns whether that happened.
    pub fn open(path: &Path, identity: &Identity) -> Result<(Self, bool), IndexError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private::create_dir(dir).map_err(|error| IndexError::Io { path: dir.to_path_buf(), error })?;
        }
        // Created private before SQLite opens it (its -wal and -shm files copy the database's mode).
        crate::private::options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|error| IndexError::Io { path: path.to_path_buf(), error })?;
        let _ = crate::private::restrict(path);
        let conn = Connection::open(path).map_err(|error| sqlite(path, error))?;
        let mut index = Self { conn, path: path.to_path_buf() };
        let rebuilt = index.adopt(identity).map_err(|error| sqlite(path, error))?;
        Ok((index, rebuilt))
    }

    fn adopt(&mut self, identity: &Identity) -> rusqlite::Result<bool> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        // WAL: the start-up read and the writer's batches do not wait for each other.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.execute_batch(SCHEMA)?;
        let wanted = identity_pairs(identity);
        let trusted =
            wanted.iter().all(|(key, value)| meta(&self.conn, key).ok().flatten().as_deref() == Some(value.as_str()));
        if trusted {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM rows", [])?;
        tx.execute("DELETE FROM meta", [])?;
        for (key, value) in &wanted {
            set_meta(&tx, key, value)?;
        }
        tx.commit()?;
        Ok(true)
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads every row in the server's order, `batch` at a time (the first `first` rows in a
    /// batch of their own, so the screen fills before the rest is read); stops when `each`
    /// returns false.
    pub fn read(&self, first: usize, batch: usize, mut each: impl FnMut(Vec<Entry>) -> bool) -> Result<(), IndexError> {
        let mut run = || -> rusqlite::Result<()> {
            let mut stmt = self.conn.prepare("SELECT id, text, ends, version FROM rows ORDER BY position, id")?;
            let mut rows = stmt.query([])?;
            let mut size = first.max(1);
            let mut entries = Vec::with_capacity(size);
            while let Some(row) = rows.next()? {
                let ends: Vec<u8> = row.get(2)?;
                let ends = ends.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
                entries.push(Entry { id: row.get(0)?, text: row.get(1)?, ends, version: row.get(3)? });
                if entries.len() >= size {
                    if !each(std::mem::take(&mut entries)) {
                        return Ok(());
                    }
                    size = batch.max(1);
                    entries.reserve(size);
                }
            }
            if !entries.is_empty() {
                each(entries);
            }
            Ok(())
        };
        run().map_err(|error| sqlite(&self.path, error))
    }

    /// How many rows, and whether a complete pass left them: what the next start needs.
    pub fn status(&self) -> Result<Status, IndexError> {
        read_status(&self.conn).map_err(|error| sqlite(&self.path, error))
    }

    /// Where a pass of changes only should start from: shortly before the last complete pass
    /// began; `None` when no pass completed since the last full one began (a full pass is due).
    pub fn changes_since(&self) -> Result<Option<Timestamp>, IndexError> {
        let since = meta(&self.conn, "since").map_err(|error| sqlite(&self.path, error))?;
        Ok(since.and_then(|s| s.parse().ok()))
    }

    /// Starts a pass: a full one, or one of changes only.
    pub fn begin(&mut self, full: bool) -> Result<Pass, IndexError> {
        let run = || -> rusqlite::Result<Pass> {
            let number = meta(&self.conn, "pass")?.and_then(|n| n.parse::<i64>().ok()).unwrap_or(0) + 1;
            set_meta(&self.conn, "pass", &number.to_string())?;
            if full {
                // Until it completes, the rows are not known to be all there is.
                set_meta(&self.conn, "complete", "0")?;
                self.conn.execute("DELETE FROM meta WHERE key = 'since'", [])?;
            }
            let next_position = if full { 0 } else { last_position(&self.conn)? + 1 };
            Ok(Pass { number, full, next_position, started: Timestamp::now() })
        };
        run().map_err(|error| sqlite(&self.path, error))
    }

    /// Writes a page of `pass` in one transaction: a full pass puts each row where the server
    /// lists it now; a pass of changes keeps a known row's place and adds new ones at the end.
    pub fn put(&mut self, pass: &mut Pass, entries: &[Entry]) -> Result<(), IndexError> {
        let sql = if pass.full {
            "INSERT INTO rows (id, position, text, ends, version, pass) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(id) DO UPDATE SET position = excluded.position, text = excluded.text,
             ends = excluded.ends, version = excluded.version, pass = excluded.pass"
        } else {
            "INSERT INTO rows (id, position, text, ends, version, pass) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(id) DO UPDATE SET text = excluded.text, ends = excluded.ends,
             version = excluded.version, pass = excluded.pass"
        };
        let mut run = || -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            {
                let mut stmt = tx.prepare_cached(sql)?;
                for entry in entries {
                    stmt.execute(params![
                        entry.id,
                        pass.next_position,
                        entry.text,
                        ends_blob(&entry.ends),
                        entry.version,
                        pass.number
                    ])?;
                    pass.next_position += 1;
                }
            }
            tx.commit()
        };
        run().map_err(|error| sqlite(&self.path, error))
    }

    /// Ends `pass`. When it `reached_end` of the list, a full pass drops the rows it did not
    /// meet and the index is complete; either kind then dates the next pass of changes.
    /// Returns how many rows were dropped.
    pub fn finish(&mut self, pass: Pass, reached_end: bool) -> Result<u64, IndexError> {
        if !reached_end {
            return Ok(0);
        }
        let mut run = || -> rusqlite::Result<u64> {
            let tx = self.conn.transaction()?;
            let dropped = if pass.full {
                set_meta(&tx, "complete", "1")?;
                tx.execute("DELETE FROM rows WHERE pass <> ?1", params![pass.number])?
            } else {
                0
            };
            let since = pass.started.checked_sub(jiff::SignedDuration::try_from(SINCE_MARGIN).unwrap_or_default());
            let since = since.unwrap_or(pass.started).strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
            set_meta(&tx, "since", &since)?;
            set_meta(&tx, "last_refresh", &Timestamp::now().to_string())?;
            tx.commit()?;
            Ok(dropped as u64)
        };
        run().map_err(|error| sqlite(&self.path, error))
    }

    /// Puts a contact the user saved: its row changes in place (a new one goes at the end).
    pub fn save(&mut self, entry: &Entry) -> Result<(), IndexError> {
        let run = || -> rusqlite::Result<()> {
            let pass = meta(&self.conn, "pass")?.and_then(|n| n.parse::<i64>().ok()).unwrap_or(0);
            let position = last_position(&self.conn)? + 1;
            self.conn.execute(
                "INSERT INTO rows (id, position, text, ends, version, pass) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET text = excluded.text, ends = excluded.ends, version = excluded.version",
                params![entry.id, position, entry.text, ends_blob(&entry.ends), entry.version, pass],
            )?;
            Ok(())
        };
        run().map_err(|error| sqlite(&self.path, error))
    }
}

/// What the index at `path` holds, read without changing it; `None` when there is no file.
pub fn status(path: &Path) -> Result<Option<Status>, IndexError> {
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| sqlite(path, e))?;
    let has_rows: bool = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name IN ('rows', 'meta')", [], |r| r.get::<_, i64>(0))
        .map(|n| n == 2)
        .map_err(|e| sqlite(path, e))?;
    if !has_rows {
        return Ok(Some(Status {
            rows: 0,
            last_refresh: None,
            complete: false,
            profile: None,
            backend: None,
            source: None,
        }));
    }
    read_status(&conn).map(Some).map_err(|e| sqlite(path, e))
}

/// Deletes the index at `path` (and SQLite's companion files); false when there was none.
pub fn clear(path: &Path) -> Result<bool, IndexError> {
    let mut removed = false;
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&file) {
            Ok(()) => removed |= suffix.is_empty(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(IndexError::Io { path: file, error }),
        }
    }
    Ok(removed)
}

fn read_status(conn: &Connection) -> rusqlite::Result<Status> {
    let rows: i64 = conn.query_row("SELECT count(*) FROM rows", [], |r| r.get(0))?;
    Ok(Status {
        rows: u64::try_from(rows).unwrap_or(0),
        last_refresh: meta(conn, "last_refresh")?,
        complete: meta(conn, "complete")?.as_deref() == Some("1"),
        profile: meta(conn, "profile")?,
        backend: meta(conn, "backend")?,
        source: meta(conn, "source")?,
    })
}

fn identity_pairs(identity: &Identity) -> [(&'static str, String); 5] {
    [
        ("format", FORMAT.to_string()),
        ("profile", identity.profile.clone()),
        ("backend", identity.backend.clone()),
        ("source", identity.source.clone()),
        ("fingerprint", identity.fingerprint.clone()),
    ]
}

fn meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0)).optional()
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", params![key, value]).map(|_| ())
}

fn last_position(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(position), -1) FROM rows", [], |r| r.get(0))
}

fn ends_blob(ends: &[u32]) -> Vec<u8> {
    ends.iter().flat_map(|end| end.to_le_bytes()).collect()
}

fn sqlite(path: &Path, error: rusqlite::Error) -> IndexError {
    IndexError::Sqlite { path: path.to_path_buf(), error }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(columns: usize) -> Identity {
        let mut backend = crate::backend::find("corporatemerch", None).unwrap();
        backend.columns.truncate(columns);
        Identity::new("work", &backend, "https://api.example.com/v2")
    }

    fn entry(id: &str, name: &str) -> Entry {
        Entry::new(id.into(), [name, "", "Köln 🦀"], Some(format!("v-{name}")))
    }

    fn all(index: &Index) -> Vec<Entry> {
        let mut out = Vec::new();
        index
            .read(1, 2, |batch| {
                out.extend(batch);
                true
            })
            .unwrap();
        out
    }

    fn ids(index: &Index) -> Vec<String> {
        all(index).into_iter().map(|e| e.id).collect()
    }

    #[test]
    fn a_full_pass_keeps_the_server_order_and_drops_what_the_server_no_longer_lists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index").join("work.sqlite3");
        let (mut index, rebuilt) = Index::open(&path, &identity(3)).unwrap();
        assert!(rebuilt, "a new file is built");
        let mut pass = index.begin(true).unwrap();
        index.put(&mut pass, &[entry("3", "Cy"), entry("1", "Ada")]).unwrap();
        index.put(&mut pass, &[entry("2", "Bo")]).unwrap();
        assert_eq!(index.finish(pass, true).unwrap(), 0);
        assert_eq!(ids(&index), ["3", "1", "2"]);
        let first = &all(&index)[1];
        assert_eq!(first.columns().collect::<Vec<_>>(), ["Ada", "", "Köln 🦀"]);
        assert_eq!(first.version.as_deref(), Some("v-Ada"));
        let status = index.status().unwrap();
        assert!(status.complete && status.rows == 3 && status.last_refresh.is_some());
        assert!(index.changes_since().unwrap().is_some());

        // The next full pass: 3 is gone, 2 changed and moved up, 4 is new.
        let mut pass = index.begin(true).unwrap();
        assert!(!index.status().unwrap().complete, "not complete while a full pass runs");
        index.put(&mut pass, &[entry("2", "Bob"), entry("1", "Ada"), entry("4", "Di")]).unwrap();
        // A pass that stops early drops nothing and is not complete.
        let stopped = pass.clone();
        assert_eq!(index.finish(stopped, false).unwrap(), 0);
        assert_eq!(ids(&index).len(), 4);
        assert_eq!(index.finish(pass, true).unwrap(), 1);
        assert_eq!(ids(&index), ["2", "1", "4"]);
        assert_eq!(all(&index)[0].columns().next(), Some("Bob"));
    }

    #[test]
    fn a_pass_of_changes_updates_in_place_adds_at_the_end_and_drops_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("work.sqlite3");
        let (mut index, _) = Index::open(&path, &identity(3)).unwrap();
        let mut pass = index.begin(true).unwrap();
        index.put(&mut pass, &[entry("1", "Ada"), entry("2", "Bo")]).unwrap();
        index.finish(pass, true).unwrap();
        let mut pass = index.begin(false).unwrap();
        assert!(!pass.is_full());
        index.put(&mut pass, &[entry("5", "Eve"), entry("1", "Ada L")]).unwrap();
        assert_eq!(index.finish(pass, true).unwrap(), 0);
        assert_eq!(ids(&index), ["1", "2", "5"]);
        assert_eq!(all(&index)[0].columns().next(), Some("Ada L"));
        // A saved contact changes in place.
        index.save(&entry("2", "Bo B")).unwrap();
        assert_eq!(all(&index)[1].columns().next(), Some("Bo B"));
        assert!(index.status().unwrap().complete);
    }

    #[test]
    fn an_index_for_other_columns_is_not_trusted_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("work.sqlite3");
        {
            let (mut index, _) = Index::open(&path, &identity(3)).unwrap();
            let mut pass = index.begin(true).unwrap();
            index.put(&mut pass, &[entry("1", "Ada")]).unwrap();
            index.finish(pass, true).unwrap();
        }
        let (index, rebuilt) = Index::open(&path, &identity(3)).unwrap();
        assert!(!rebuilt);
        assert_eq!(ids(&index), ["1"]);
        drop(index);
        let (index, rebuilt) = Index::open(&path, &identity(2)).unwrap();
        assert!(rebuilt, "other columns: rebuilt");
        assert!(ids(&index).is_empty());
        let status = status(&path).unwrap().unwrap();
        assert_eq!((status.rows, status.complete), (0, false));
        assert_eq!(status.source.as_deref(), Some("https://api.example.com/v2"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        drop(index);
        assert!(clear(&path).unwrap());
        assert!(!path.exists() && !clear(&path).unwrap());
        assert_eq!(super::status(&path).unwrap(), None);
    }
}
