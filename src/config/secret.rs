//! Getting a profile's secret without it ever touching the command line, screen or a log.

use std::process::{Command, Stdio};

use secrecy::SecretString;

use super::Profile;

/// The profile's secret from `secret_env` or `secret_cmd`; `Ok(None)` when it names neither.
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
