//! Getting a profile's secret without it ever touching the command line, screen or a log.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use super::Profile;

/// True when others than the owner may read `path` (group or world bits set). A secret or a
/// config in such a file deserves a warning; rolo warns rather than refuses.
#[cfg(unix)]
pub fn readable_by_others(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0)
}

/// Elsewhere permissions are not Unix bits; nothing to warn about.
#[cfg(not(unix))]
pub fn readable_by_others(_path: &std::path::Path) -> bool {
    false
}

/// Why a profile's secret could not be had. No variant holds the secret, so no message can
/// show it: they name the variable, file or command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// `secret_env` names a variable that is empty.
    #[error("the environment variable {0} (secret_env) is empty")]
    EnvEmpty(String),
    /// `secret_env` names a variable that is not set.
    #[error("the environment variable {0} (secret_env) is not set")]
    EnvUnset(String),
    /// `secret_file` cannot be read.
    #[error("secret_file {} cannot be read: {why}", file.display())]
    FileUnreadable {
        /// The file.
        file: std::path::PathBuf,
        /// Why: the I/O error's kind, or rolo's own words (too large, not a file).
        why: String,
    },
    /// `secret_file` holds only whitespace.
    #[error("secret_file {} is empty", .0.display())]
    FileEmpty(std::path::PathBuf),
    /// `secret_cmd = []`.
    #[error("secret_cmd is empty")]
    CommandEmpty,
    /// `secret_cmd` could not be started or watched.
    #[error("secret_cmd `{program}` could not {doing}: {error}")]
    CommandBroken {
        /// The program.
        program: String,
        /// `run` or `be watched`.
        doing: &'static str,
        /// The I/O error.
        error: String,
    },
    /// `secret_cmd` ran past its time and was stopped.
    #[error(
        "secret_cmd `{program}` gave no secret within {} s and was stopped \
         (secret_cmd_timeout_secs sets the limit){stderr}",
        timeout.as_secs_f64()
    )]
    CommandTimedOut {
        /// The program.
        program: String,
        /// The limit.
        timeout: Duration,
        /// The first lines of its standard error, each on a line of its own.
        stderr: String,
    },
    /// `secret_cmd` exited with a failure.
    #[error("secret_cmd `{program}` failed ({status}){stderr}")]
    CommandFailed {
        /// The program.
        program: String,
        /// How it exited.
        status: String,
        /// The first lines of its standard error, each on a line of its own.
        stderr: String,
    },
    /// `secret_cmd` printed bytes that are not text.
    #[error("secret_cmd `{0}` printed non-UTF-8")]
    CommandNotText(String),
    /// `secret_cmd` printed nothing (or only whitespace).
    #[error("secret_cmd `{program}` printed nothing{stderr}")]
    CommandSilent {
        /// The program.
        program: String,
        /// The first lines of its standard error, each on a line of its own.
        stderr: String,
    },
    /// The secret holds a line break or another control character.
    #[error(
        "the secret from {source_name} has a line break or control character inside; \
         it cannot go in an HTTP header (only the whitespace around it is trimmed)"
    )]
    ControlCharacter {
        /// Where it came from (`secret_file /path`).
        source_name: String,
    },
}

/// How long `secret_cmd` may run when the profile does not say (`secret_cmd_timeout_secs`).
pub const DEFAULT_SECRET_CMD_TIMEOUT: Duration = Duration::from_secs(10);

/// The profile's secret from `secret_env`, `secret_file` or `secret_cmd`; `Ok(None)` when it
/// names none. `name` is the profile's, for the message shown while a slow command runs.
///
/// Error messages name the variable, file or command, never the value. A secret with a line
/// break or another control character inside cannot go in an HTTP header and is refused.
pub fn resolve_secret(profile: &Profile, name: &str) -> Result<Option<SecretString>, SecretError> {
    let (value, source) = if let Some(var) = &profile.secret_env {
        match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => (value, format!("the environment variable {var} (secret_env)")),
            Ok(_) => return Err(SecretError::EnvEmpty(var.clone())),
            Err(_) => return Err(SecretError::EnvUnset(var.clone())),
        }
    } else if let Some(path) = &profile.secret_file {
        let text = crate::files::read_text(path).map_err(|e| {
            // The size or kind is safe to say; an I/O error's text could be anything, so only its kind.
            let why = if e.kind() == std::io::ErrorKind::Other { e.to_string() } else { e.kind().to_string() };
            SecretError::FileUnreadable { file: path.clone(), why }
        })?;
        if text.trim().is_empty() {
            return Err(SecretError::FileEmpty(path.clone()));
        }
        (text, format!("secret_file {}", path.display()))
    } else if let Some(command) = &profile.secret_cmd {
        let timeout = profile.secret_cmd_timeout_secs.map_or(DEFAULT_SECRET_CMD_TIMEOUT, Duration::from_secs);
        let value = run_secret_cmd(command, timeout, name)?;
        let program = command.first().map_or("", String::as_str);
        (value, format!("secret_cmd `{program}`"))
    } else {
        return Ok(None);
    };
    // The final newline `echo` and `pass` print (and any whitespace around) is not part of it.
    let value = value.trim();
    if value.chars().any(char::is_control) {
        return Err(SecretError::ControlCharacter { source_name: source });
    }
    Ok(Some(SecretString::from(value.to_string())))
}

/// Runs `secret_cmd` and returns what it printed. It may take `timeout`; past a moment, a
/// line on standard error says what rolo waits for (the terminal UI has not started yet).
fn run_secret_cmd(command: &[String], timeout: Duration, profile: &str) -> Result<String, SecretError> {
    let Some((program, args)) = command.split_first() else {
        return Err(SecretError::CommandEmpty);
    };
    let broken = |doing, error: std::io::Error| SecretError::CommandBroken {
        program: program.clone(),
        doing,
        error: error.to_string(),
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| broken("run", e))?;
    let stdout = Pipe::drain(child.stdout.take());
    let stderr = Pipe::drain(child.stderr.take());
    let started = Instant::now();
    let mut told = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(broken("be watched", e)),
        }
        if started.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SecretError::CommandTimedOut {
                program: program.clone(),
                timeout,
                stderr: stderr.first_lines(),
            });
        }
        if !told && started.elapsed() >= SLOW_COMMAND {
            let _ = writeln!(
                std::io::stderr(),
                "rolo: running secret_cmd `{program}` for profile `{profile}`… (up to {} s)",
                timeout.as_secs_f64()
            );
            told = true;
        }
        std::thread::sleep(POLL);
    };
    // A child the command left behind may hold the pipes open: wait for them only so long.
    let deadline = Instant::now() + PIPE_GRACE;
    stdout.wait_until(deadline);
    stderr.wait_until(deadline);
    if !status.success() {
        let status = status.to_string();
        return Err(SecretError::CommandFailed { program: program.clone(), status, stderr: stderr.first_lines() });
    }
    let value = String::from_utf8(stdout.bytes()).map_err(|_| SecretError::CommandNotText(program.clone()))?;
    if value.trim().is_empty() {
        return Err(SecretError::CommandSilent { program: program.clone(), stderr: stderr.first_lines() });
    }
    Ok(value)
}

/// After this long without an answer from `secret_cmd`, rolo says what it waits for.
const SLOW_COMMAND: Duration = Duration::from_millis(300);

/// How often a running `secret_cmd` is checked on.
const POLL: Duration = Duration::from_millis(10);

/// How long to wait for the pipes to close after the command exited.
const PIPE_GRACE: Duration = Duration::from_millis(500);

/// The most of a pipe kept (a secret is short; an error's first lines are enough).
const PIPE_LIMIT: usize = 64 << 10;

/// How many of the command's standard error lines an error message quotes.
const STDERR_LINES: usize = 5;

/// One of the command's output pipes, read on a thread so neither can fill up and block it.
struct Pipe {
    read: Arc<Mutex<(Vec<u8>, bool)>>,
}

impl Pipe {
    fn drain(source: Option<impl Read + Send + 'static>) -> Self {
        let read = Arc::new(Mutex::new((Vec::new(), source.is_none())));
        if let Some(mut source) = source {
            let shared = Arc::clone(&read);
            std::thread::spawn(move || {
                let mut chunk = [0u8; 4096];
                loop {
                    let n = source.read(&mut chunk).unwrap_or(0);
                    let mut guard = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    if n == 0 {
                        guard.1 = true;
                        return;
                    }
                    let room = PIPE_LIMIT.saturating_sub(guard.0.len());
                    guard.0.extend_from_slice(&chunk[..n.min(room)]);
                }
            });
        }
        Self { read }
    }

    fn wait_until(&self, deadline: Instant) {
        while !self.read.lock().map(|g| g.1).unwrap_or(true) && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
    }

    fn bytes(&self) -> Vec<u8> {
        self.read.lock().map(|g| g.0.clone()).unwrap_or_default()
    }

    /// `: ` and the first lines the command wrote to standard error, or nothing.
    fn first_lines(&self) -> String {
        // Control characters (escape sequences) are shown as `?`, never sent to the terminal.
        let text: String = String::from_utf8_lossy(&self.bytes())
            .chars()
            .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
            .collect();
        let lines: Vec<&str> = text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            return String::new();
        }
        let mut shown = lines.iter().take(STDERR_LINES).copied().collect::<Vec<_>>().join(" / ");
        if lines.len() > STDERR_LINES {
            shown.push_str(" / …");
        }
        format!("; it said: {shown}")
    }
}
