//! SQLite storage for the sandbox: one table of JSON documents shared by every dialect.
//!
//! The store knows nothing about any vendor's field names. A dialect decides what a
//! document looks like, which string is its id and in which order its records are listed
//! (`seq`); the store only keeps `(dialect, id, seq, body)` rows.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

/// Errors from the SQLite layer.
#[derive(thiserror::Error, Debug)]
pub enum StoreError {
    /// SQLite refused an operation.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored body is not valid JSON (the file was edited by hand, or is corrupt).
    #[error("stored document is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A database file or its directory could not be created.
    #[error("cannot create {path}: {source}")]
    CreateDir {
        /// The directory that could not be created.
        path: std::path::PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

/// One document to insert: its id, its list position and its JSON body.
#[derive(Debug, Clone)]
pub struct NewDoc {
    /// The dialect's id for the record, as text (numeric ids are stored as their decimal form).
    pub id: String,
    /// Listing order within the dialect (ascending).
    pub seq: i64,
    /// The read model exactly as the API returns it.
    pub body: Value,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS contacts (
        dialect TEXT    NOT NULL,
        id      TEXT    NOT NULL,
        seq     INTEGER NOT NULL,
        body    TEXT    NOT NULL CHECK (json_valid(body)),
        PRIMARY KEY (dialect, id)
    );
    -- The listing order whole (seq, then id), so a page is read off the index in order
    -- instead of sorting every row before it: paging through 100,000 contacts was quadratic.
    CREATE INDEX IF NOT EXISTS contacts_in_order ON contacts (dialect, seq, id);
    DROP INDEX IF EXISTS contacts_by_seq;
";

/// A cheap-to-clone handle on the sandbox database.
///
/// A plain mutex is enough: every operation is a single short statement (or one small
/// transaction), so holding the lock inside an async handler never blocks for long.
#[derive(Clone, Debug)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens a private in-memory database.
    pub fn open_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    /// Opens (creating if needed, parent directories included) a database file.
    pub fn open_file(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private::create_dir(dir)
                .map_err(|source| StoreError::CreateDir { path: dir.to_path_buf(), source })?;
        }
        // Created private before SQLite opens it (its journal files copy the database's mode).
        crate::private::options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .and_then(|_| crate::private::restrict(path))
            .map_err(|source| StoreError::CreateDir { path: path.to_path_buf(), source })?;
        Self::init(Connection::open(path)?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
    }

    /// A panic while the lock was held cannot leave SQLite half-written (statements are
    /// atomic), so a poisoned lock is safe to keep using.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Number of records a dialect holds.
    pub fn count(&self, dialect: &str) -> Result<u64, StoreError> {
        let n: i64 =
            self.lock()
                .query_row("SELECT COUNT(*) FROM contacts WHERE dialect = ?1", params![dialect], |row| row.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// One page of a dialect's records in `seq` order.
    pub fn page(&self, dialect: &str, offset: u64, limit: u64) -> Result<Vec<Value>, StoreError> {
        self.page_in(dialect, offset, limit, false)
    }

    /// One page of a dialect's records in reverse `seq` order.
    pub fn page_desc(&self, dialect: &str, offset: u64, limit: u64) -> Result<Vec<Value>, StoreError> {
        self.page_in(dialect, offset, limit, true)
    }

    fn page_in(&self, dialect: &str, offset: u64, limit: u64, descending: bool) -> Result<Vec<Value>, StoreError> {
        // SQLite takes signed 64-bit bounds; anything larger is "past the end" anyway.
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = if descending {
            "SELECT body FROM contacts WHERE dialect = ?1 ORDER BY seq DESC, id DESC LIMIT ?2 OFFSET ?3"
        } else {
            "SELECT body FROM contacts WHERE dialect = ?1 ORDER BY seq, id LIMIT ?2 OFFSET ?3"
        };
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(sql)?;
        let bodies = stmt
            .query_map(params![dialect, limit, offset], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        drop(stmt);
        drop(conn);
        bodies.iter().map(|b| serde_json::from_str(b).map_err(StoreError::from)).collect()
    }

    /// How many of a dialect's records have a string at `path` (an SQLite JSON path) at or
    /// after `at_least`, and one page of them in `seq` order: a list narrowed to the records
    /// changed since a time, with times stored as RFC 3339 UTC text (which sorts as time).
    pub fn page_at_least(
        &self,
        dialect: &str,
        path: &str,
        at_least: &str,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<Value>), StoreError> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let conn = self.lock();
        let total: i64 = conn.query_row(
            "SELECT COUNT(*) FROM contacts WHERE dialect = ?1 AND json_extract(body, ?2) >= ?3",
            params![dialect, path, at_least],
            |row| row.get(0),
        )?;
        let mut stmt = conn.prepare_cached(
            "SELECT body FROM contacts WHERE dialect = ?1 AND json_extract(body, ?2) >= ?3
             ORDER BY seq, id LIMIT ?4 OFFSET ?5",
        )?;
        let bodies = stmt
            .query_map(params![dialect, path, at_least, limit, offset], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        drop(stmt);
        drop(conn);
        let items =
            bodies.iter().map(|b| serde_json::from_str(b).map_err(StoreError::from)).collect::<Result<_, _>>()?;
        Ok((u64::try_from(total).unwrap_or(0), items))
    }

    /// Deletes a record (tests: a contact the server no longer lists).
    pub fn remove(&self, dialect: &str, id: &str) -> Result<bool, StoreError> {
        let removed =
            self.lock().execute("DELETE FROM contacts WHERE dialect = ?1 AND id = ?2", params![dialect, id])?;
        Ok(removed > 0)
    }

    /// One page (in `seq` order) of the records in which `needle` occurs, ignoring ASCII case,
    /// in the text at one of `paths` (SQLite JSON paths such as `$.email`), and how many there are
    /// in all: a plain scan, as a small vendor's search would be.
    pub fn search(
        &self,
        dialect: &str,
        paths: &[&str],
        needle: &str,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<Value>), StoreError> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // Each path is a bound parameter (?5, ?6, …): only their number shapes the statement.
        let texts: Vec<String> =
            (0..paths.len()).map(|i| format!("coalesce(json_extract(body, ?{}), '')", i + 5)).collect();
        let haystack = if texts.is_empty() { "''".to_string() } else { texts.join(" || ' ' || ") };
        let sql = format!(
            "SELECT body, COUNT(*) OVER () FROM contacts WHERE dialect = ?1 AND instr(lower({haystack}), lower(?2)) > 0 \
             ORDER BY seq, id LIMIT ?3 OFFSET ?4"
        );
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&dialect, &needle, &limit, &offset];
        values.extend(paths.iter().map(|p| p as &dyn rusqlite::ToSql));
        let rows = stmt
            .query_map(values.as_slice(), |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        drop(stmt);
        drop(conn);
        let total = rows.first().map_or(0, |(_, total)| u64::try_from(*total).unwrap_or(0));
        let bodies = rows.iter().map(|(b, _)| serde_json::from_str(b).map_err(StoreError::from));
        Ok((total, bodies.collect::<Result<Vec<Value>, _>>()?))
    }

    /// Ids (in `seq` order) of the records whose string at `path` (an SQLite JSON path such as
    /// `$.email`) equals `value`, ignoring ASCII case when `caseless`.
    pub fn find_ids(&self, dialect: &str, path: &str, value: &str, caseless: bool) -> Result<Vec<String>, StoreError> {
        let sql = if caseless {
            "SELECT id FROM contacts WHERE dialect = ?1 AND json_extract(body, ?2) = ?3 COLLATE NOCASE ORDER BY seq, id"
        } else {
            "SELECT id FROM contacts WHERE dialect = ?1 AND json_extract(body, ?2) = ?3 ORDER BY seq, id"
        };
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(sql)?;
        let ids = stmt.query_map(params![dialect, path, value], |row| row.get(0))?.collect::<Result<Vec<_>, _>>()?;
        Ok(ids)
    }

    /// The record with this id, if any.
    pub fn get(&self, dialect: &str, id: &str) -> Result<Option<Value>, StoreError> {
        let body: Option<String> = self
            .lock()
            .query_row("SELECT body FROM contacts WHERE dialect = ?1 AND id = ?2", params![dialect, id], |row| {
                row.get(0)
            })
            .optional()?;
        body.map(|b| serde_json::from_str(&b).map_err(StoreError::from)).transpose()
    }

    /// Replaces the body of an existing record; `false` when there is no such record.
    pub fn replace(&self, dialect: &str, id: &str, body: &Value) -> Result<bool, StoreError> {
        let text = serde_json::to_string(body)?;
        let changed = self
            .lock()
            .execute("UPDATE contacts SET body = ?3 WHERE dialect = ?1 AND id = ?2", params![dialect, id, text])?;
        Ok(changed > 0)
    }

    /// Inserts many records in one transaction (seeding), replacing rows with the same id.
    /// The records are taken one at a time, so a million need not be in memory at once.
    pub fn insert_all(&self, dialect: &str, docs: impl IntoIterator<Item = NewDoc>) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        {
            let mut stmt =
                tx.prepare("INSERT OR REPLACE INTO contacts (dialect, id, seq, body) VALUES (?1, ?2, ?3, ?4)")?;
            for doc in docs {
                let text = serde_json::to_string(&doc.body)?;
                stmt.execute(params![dialect, doc.id, doc.seq, text])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes every record of every dialect.
    pub fn clear(&self) -> Result<(), StoreError> {
        self.lock().execute("DELETE FROM contacts", [])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_ids_by_a_json_field() {
        let store = Store::open_memory().expect("open");
        let docs: Vec<NewDoc> = ["a@x.com", "B@x.com", "b@x.com"]
            .iter()
            .zip(1..)
            .map(|(email, n)| NewDoc { id: n.to_string(), seq: n, body: json!({ "email": email, "n": n }) })
            .collect();
        store.insert_all("d", docs).expect("insert");
        assert_eq!(store.find_ids("d", "$.email", "b@x.com", false).expect("find"), vec!["3"]);
        assert_eq!(store.find_ids("d", "$.email", "b@x.com", true).expect("find"), vec!["2", "3"]);
        assert!(store.find_ids("d", "$.n", "1", false).expect("find").is_empty());
        assert!(store.find_ids("other", "$.email", "a@x.com", false).expect("find").is_empty());
    }

    #[test]
    fn searches_some_fields_ignoring_case_a_page_at_a_time_with_the_total() {
        let store = Store::open_memory().expect("open");
        let docs: Vec<NewDoc> = ["Ana Lima", "Bo Lund", "ANA Souza", "Cy"]
            .iter()
            .zip(1..)
            .map(|(name, n)| NewDoc { id: n.to_string(), seq: n, body: json!({ "name": name, "note": "ana" }) })
            .collect();
        store.insert_all("d", docs).expect("insert");
        let (total, page) = store.search("d", &["$.name", "$.missing"], "aNa", 1, 5).expect("search");
        assert_eq!((total, page), (2, vec![json!({"name": "ANA Souza", "note": "ana"})]));
        let (total, page) = store.search("d", &["$.name"], "zz", 0, 5).expect("search");
        assert_eq!((total, page.len()), (0, 0));
        assert_eq!(store.search("d", &["$.note"], "an", 0, 2).expect("search").0, 4);
    }

    #[test]
    fn pages_in_seq_order_and_replaces() {
        let store = Store::open_memory().expect("open");
        let docs: Vec<NewDoc> =
            [3, 1, 2].iter().map(|&n| NewDoc { id: n.to_string(), seq: n, body: json!({ "id": n }) }).collect();
        store.insert_all("d", docs).expect("insert");
        assert_eq!(store.count("d").expect("count"), 3);
        assert_eq!(store.count("other").expect("count"), 0);
        let page = store.page("d", 1, 5).expect("page");
        assert_eq!(page, vec![json!({"id": 2}), json!({"id": 3})]);
        let page = store.page_desc("d", 1, 1).expect("page");
        assert_eq!(page, vec![json!({"id": 2})]);
        assert!(store.page("d", u64::MAX, u64::MAX).expect("page").is_empty());
        assert!(store.replace("d", "2", &json!({"id": 2, "x": 1})).expect("replace"));
        assert!(!store.replace("d", "9", &json!({})).expect("replace"));
        assert_eq!(store.get("d", "2").expect("get"), Some(json!({"id": 2, "x": 1})));
        store.clear().expect("clear");
        assert_eq!(store.count("d").expect("count"), 0);
    }
}
