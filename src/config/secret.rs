//! Getting a profile's secret without it ever touching the command line, screen or a log.

use std::process::{Command, Stdio};

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

/// The profile's secret from `secret_env`, `secret_file` or `secret_cmd`; `Ok(None)` when it
/// names none.
///
/// Error messages name the variable or command, never the value.
pub fn resolve_secret(profile: &Profile) -> Result<Option<SecretString>, String> {
    if let Some(var) = &profile.secret_env {
        return match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => Ok(Some(SecretString::from(value.trim().to_string()))),
            Ok(_) => Err(format!("the environment variable {var} (secret_env) is empty")),
            Err(_) => Err(format!("the environment variable {var} (secret_env) is not set")),
        };
    }
    if let Some(path) = &profile.secret_file {
        let text = crate::files::read_text(path).map_err(|e| {
            // The size or kind is safe to say; an I/O error's text could be anything, so only its kind.
            let why = if e.kind() == std::io::ErrorKind::Other { e.to_string() } else { e.kind().to_string() };
            format!("secret_file {} cannot be read: {why}", path.display())
        })?;
        let value = text.trim().to_string();
        if value.is_empty() {
            return Err(format!("secret_file {} is empty", path.display()));
        }
        return Ok(Some(SecretString::from(value)));
    }
    if let Some(command) = &profile.secret_cmd {
        let Some((program, args)) = command.split_first() else {
            return Err("secret_cmd is empty".into());
        };
        let output = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .map_err(|e| format!("secret_cmd `{program}` could not run: {e}"))?;
        if !output.status.success() {
            return Err(format!("secret_cmd `{program}` failed ({})", output.status));
        }
        let value =
            String::from_utf8(output.stdout).map_err(|_| format!("secret_cmd `{program}` printed non-UTF-8"))?;
        let value = value.trim().to_string();
        if value.is_empty() {
            return Err(format!("secret_cmd `{program}` printed nothing"));
        }
        return Ok(Some(SecretString::from(value)));
    }
    Ok(None)
}
