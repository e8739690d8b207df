//! From the command line and config file to a ready HTTP client: which profile, which backend,
//! which base URL, which secret. Every mistake names the file and line it came from.

use std::path::PathBuf;
use std::sync::Arc;

use crate::backend::{self, Auth, Backend};
use crate::config::{self, Dirs};
use crate::http::Client;

/// Where rolo's requests go.
pub enum Target {
    /// No config and no `--profile`: the embedded sandbox.
    Sandbox,
    /// A configured profile.
    Profile {
        /// The profile's name.
        name: String,
        /// A client for it.
        client: Client,
        /// Things worth telling the user that do not stop rolo (loose file permissions).
        warnings: Vec<String>,
    },
}

/// Picks the target from `--config`, `--profile` and the user's directories.
pub fn resolve(config_path: Option<PathBuf>, profile: Option<&str>, dirs: Option<&Dirs>) -> Result<Target, String> {
    let explicit_config = config_path.is_some();
    let path = config_path.or_else(|| dirs.map(Dirs::config_file));
    let config = match &path {
        Some(path) => config::load(path).map_err(|e| e.to_string())?,
        None => None,
    };
    let place = || path.as_ref().map_or_else(|| "no config directory".to_string(), |p| p.display().to_string());
    if explicit_config && config.is_none() {
        return Err(format!("config file {} does not exist", place()));
    }
    let Some(config) = config.filter(|c| !c.profiles.is_empty() || profile.is_some()) else {
        return match profile {
            Some(name) => Err(format!("--profile {name}: there is no config file ({}); see the README", place())),
            None => Ok(Target::Sandbox),
        };
    };
    let (name, profile) = config.pick(profile)?;
    let at = |key: &str| format!("{}: profile `{name}`", config.locate(&name, key));
    let user_backends = dirs.map(Dirs::backends);
    let backend = backend::find(&profile.backend, user_backends.as_deref())
        .map_err(|e| format!("{}: backend: {e}", at("backend")))?;
    let backend = Arc::new(backend);
    let base_url = profile
        .base_url
        .clone()
        .or_else(|| backend.base_url.clone())
        .ok_or_else(|| format!("{}: no base_url, and backend `{}` names none", at("base_url"), backend.name))?;
    let secret = config::resolve_secret(&profile).map_err(|e| format!("{}: {e}", at("secret")))?;
    if secret.is_none() && backend.auth != Auth::None {
        return Err(format!(
            "{}: backend `{}` needs a secret; set secret_env (or secret_cmd) in the profile",
            at("secret"),
            backend.name
        ));
    }
    check_vars(&backend, &profile.vars).map_err(|e| format!("{}: {e}", at("vars")))?;
    let client = Client::new(backend, &base_url, secret, profile.vars.clone(), profile.timeouts())
        .map_err(|e| format!("{}: {e}", at("base_url")))?;
    let mut warnings = Vec::new();
    let loose = |file: &std::path::Path| {
        format!(
            "{} can be read by other users of this machine; `chmod 600 {}` fixes it",
            file.display(),
            file.display()
        )
    };
    if let Some(file) = path.as_ref().filter(|p| config::readable_by_others(p)) {
        warnings.push(loose(file));
    }
    if let Some(file) = profile.secret_file.as_ref().filter(|p| config::readable_by_others(p)) {
        warnings.push(format!("the secret file {}", loose(file)));
    }
    for warning in &warnings {
        tracing::warn!("{warning}");
    }
    Ok(Target::Profile { name, client, warnings })
}

/// Every `{var}` the backend's paths use must be in the profile's `vars`.
fn check_vars(backend: &Backend, vars: &std::collections::BTreeMap<String, String>) -> Result<(), String> {
    for path in [&backend.list.path, &backend.get.path, &backend.update.path] {
        let mut rest = path.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else { break };
            let name = &rest[open + 1..open + close];
            if name != "id" && !vars.contains_key(name) {
                return Err(format!(
                    "backend `{}` needs `{name}` for {path}; add it under [profiles.NAME.vars]",
                    backend.name
                ));
            }
            rest = &rest[open + close + 1..];
        }
    }
    Ok(())
}
