//! Which rolo run owns a draft file. Each run has an id, written into the names of the draft
//! files it writes, and holds an exclusive lock on `runs/ID.lock` in the drafts folder for as
//! long as it lives. The kernel drops the lock when the process ends, however it ends (even
//! `kill -9`), so a run whose lock can be taken is over and its drafts are free to offer.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The folder (inside a profile's drafts folder) holding one lock file per living run.
const RUNS: &str = "runs";

/// This run: its id, and the lock that tells other runs it is alive.
#[derive(Debug)]
pub struct Run {
    id: String,
    /// Held open, and locked, until the run ends; `None` when the lock could not be made
    /// (the drafts are still written, but another window could take them for a dead run's).
    lock: Option<(File, PathBuf)>,
}

impl Run {
    /// A new run id, and its lock in `dir` (created if needed).
    pub fn start(dir: &Path) -> Self {
        let id = new_id();
        let lock = lock_new(dir, &id).ok();
        Self { id, lock }
    }

    /// The id written into this run's draft file names.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for Run {
    /// A clean exit takes its lock file away (a crash leaves it unlocked, which says the same).
    fn drop(&mut self) {
        if let Some((file, path)) = self.lock.take() {
            let _ = fs::remove_file(path);
            drop(file);
        }
    }
}

/// A run id: the time (hex milliseconds), the process id, and a counter for runs in one
/// process (tests). Only `0-9a-f` and `-`, so it never holds the `.` that separates it from
/// the contact in a file name.
fn new_id() -> String {
    static RUNS_IN_PROCESS: AtomicU32 = AtomicU32::new(0);
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let n = RUNS_IN_PROCESS.fetch_add(1, Ordering::Relaxed);
    format!("{millis:011x}-{}-{n}", std::process::id())
}

/// True when `id` is a string [`new_id`] could have made (so it names a lock file safely).
pub fn is_run_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// Creates and locks `runs/ID.lock`. The file is locked under a temporary name and then
/// renamed, so no other run can ever see it unlocked and take this run for a dead one.
fn lock_new(dir: &Path, id: &str) -> io::Result<(File, PathBuf)> {
    let runs = dir.join(RUNS);
    crate::private::create_dir(&runs)?;
    let temp = runs.join(format!("{id}.tmp"));
    let path = runs.join(format!("{id}.lock"));
    let file = private_file(&temp)?;
    if !try_lock(&file)? {
        return Err(io::Error::other("a fresh lock file is locked by someone else"));
    }
    fs::rename(&temp, &path)?;
    Ok((file, path))
}

/// True while the run `id` (not this one) is alive: its lock file exists and is locked.
pub fn is_alive(dir: &Path, id: &str) -> bool {
    if !is_run_id(id) {
        return false;
    }
    match File::open(dir.join(RUNS).join(format!("{id}.lock"))) {
        // Taking the lock would succeed only if the run is over; it is released at once.
        Ok(file) => !try_lock(&file).unwrap_or(false),
        Err(_) => false,
    }
}

/// Removes the lock files of runs that are over (a crash leaves its file behind).
pub fn tidy(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir.join(RUNS)) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "lock") {
            continue;
        }
        // Removed while locked by us, so no living run's file is ever taken away.
        if let Ok(file) = File::open(&path)
            && try_lock(&file).unwrap_or(false)
        {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Opens (creating) a file only its owner can read.
pub(super) fn private_file(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Takes an exclusive lock without waiting: `Ok(false)` when another holds it. The lock
/// belongs to this open file and ends when it is closed or the process ends.
#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor this `File` owns and keeps open for the call.
    let result = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if result == 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    if error.kind() == io::ErrorKind::WouldBlock { Ok(false) } else { Err(error) }
}

/// Without `flock`, no run can tell whether another is alive: each treats the others' drafts
/// as left over, as before runs had ids.
#[cfg(not(unix))]
fn try_lock(_file: &File) -> io::Result<bool> {
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_alive_until_it_ends_and_its_lock_file_goes_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let run = Run::start(dir.path());
        let id = run.id().to_string();
        assert!(is_run_id(&id), "{id}");
        assert!(is_alive(dir.path(), &id), "another look sees the run alive");
        tidy(dir.path());
        assert!(is_alive(dir.path(), &id), "tidying never takes a living run's lock");
        drop(run);
        assert!(!is_alive(dir.path(), &id));
        assert!(!is_alive(dir.path(), "not/a-run"));
    }

    #[test]
    fn a_crashed_runs_lock_file_is_unlocked_and_tidied_away() {
        let dir = tempfile::tempdir().unwrap();
        let mut run = Run::start(dir.path());
        let id = run.id().to_string();
        // A crash: the descriptor closes (the kernel drops the lock), the file stays.
        let (file, path) = run.lock.take().unwrap();
        drop(file);
        assert!(path.is_file());
        assert!(!is_alive(dir.path(), &id));
        tidy(dir.path());
        assert!(!path.exists());
    }
}
