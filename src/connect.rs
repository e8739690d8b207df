//! From the command line and config file to a ready HTTP client: which profile, which backend,
//! which base URL, which secret. Every mistake names the file and line it came from.

use std::path::PathBuf;
use std::sync::Arc;

use secrecy::SecretString;

use crate::app::keymap::{Keymap, KeymapError};
use crate::backend::{self, Auth, Backend, BackendError};
use crate::config::{self, Config, ConfigError, Dirs, ProfileError, SecretError, UiSettings};
use crate::http::{Client, ClientError, DEFAULT_MAX_CONTACTS, Timeouts};
use crate::sandbox::{self, Sandbox, SandboxError, SandboxOptions, Storage};
use crate::ui::theme::{Theme, ThemeError};

/// Why rolo cannot connect: a mistake in the config, the profile or the backend file (most
/// name the `file:line` and profile they are about), or a sandbox that would not start.
/// No variant has a `source`: each message already says its cause, once.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The config file cannot be read or parsed.
    #[error("{0}")]
    Config(ConfigError),
    /// `--config FILE` names a file that is not there.
    #[error("config file {} does not exist", .0.display())]
    NoConfigFile(PathBuf),
    /// `--profile NAME` without a config file.
    #[error("--profile {name}: there is no config file ({place}); see the README")]
    NoConfigForProfile {
        /// The profile asked for.
        name: String,
        /// Where the config file was looked for.
        place: String,
    },
    /// No profile could be picked.
    #[error("{0}")]
    Profile(ProfileError),
    /// The profile's backend cannot be found or loaded.
    #[error("{at}: backend: {error}")]
    Backend {
        /// `file:line: profile `NAME``.
        at: String,
        /// What is wrong with the backend.
        error: BackendError,
    },
    /// Neither the profile nor the backend gives a base URL.
    #[error("{at}: no base_url, and backend `{backend}` names none")]
    NoBaseUrl {
        /// `file:line: profile `NAME``.
        at: String,
        /// The backend's name.
        backend: String,
    },
    /// The profile's secret cannot be had.
    #[error("{at}: {error}")]
    Secret {
        /// `file:line: profile `NAME``.
        at: String,
        /// Why.
        error: SecretError,
    },
    /// The backend authenticates and the profile names no secret.
    #[error("{at}: backend `{backend}` needs a secret; set secret_env (or secret_cmd) in the profile")]
    NoSecret {
        /// `file:line: profile `NAME``.
        at: String,
        /// The backend's name.
        backend: String,
    },
    /// A backend path has a `{var}` the profile's `vars` do not give.
    #[error("{at}: backend `{backend}` needs `{var}` for {path}; add it under [profiles.NAME.vars]")]
    MissingVar {
        /// `file:line: profile `NAME``.
        at: String,
        /// The backend's name.
        backend: String,
        /// The variable.
        var: String,
        /// The path that uses it.
        path: String,
    },
    /// The client cannot be made (a base URL that does not parse).
    #[error("{at}: {error}")]
    Client {
        /// `file:line: profile `NAME``.
        at: String,
        /// Why.
        error: ClientError,
    },
    /// A mistake in `[keys]`.
    #[error("{at}: [keys] {error}")]
    Keys {
        /// `file:line` of the entry (or of the section).
        at: String,
        /// What is wrong.
        error: KeymapError,
    },
    /// A mistake in the colours (`[ui] theme`, `[theme]`).
    #[error("{}{error}", at.as_ref().map(|at| format!("{at}: ")).unwrap_or_default())]
    Theme {
        /// `file:line` of the setting, when there is a config file.
        at: Option<String>,
        /// What is wrong.
        error: ThemeError,
    },
    /// `--sandbox NAME` names a dialect the sandbox does not speak.
    #[error("the sandbox speaks {names}, not `{0}`", names = sandbox::dialect_names())]
    UnknownDialect(String),
    /// The backend the sandbox dialect stands in for cannot be loaded.
    #[error("{0}")]
    SandboxBackend(BackendError),
    /// The embedded sandbox would not start.
    #[error("starting the embedded sandbox: {0}")]
    SandboxStart(SandboxError),
    /// `--contacts N` while a profile, not the sandbox, is in use.
    #[error("--contacts seeds the sandbox, but profile `{0}` is in use: add --sandbox VENDOR")]
    ContactsNeedSandbox(String),
    /// No client for the embedded sandbox.
    #[error("{0}")]
    SandboxClient(ClientError),
}

/// What the command line asks for, before any file is read.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--profile NAME`.
    pub profile: Option<String>,
    /// `--sandbox VENDOR`: the embedded sandbox, whatever the config says.
    pub sandbox: Option<String>,
    /// `--read-only`, on top of the profile's own `read_only`.
    pub read_only: bool,
    /// `--contacts N`: the sandbox's dialect holds N synthetic contacts, not the standard 260.
    pub contacts: Option<u64>,
    /// The user's directories.
    pub dirs: Option<Dirs>,
}

/// A ready connection: the client, and the sandbox serving it when there is no profile.
pub struct Opened {
    /// The profile name, or `sandbox`.
    pub profile: String,
    /// The client every request goes through.
    pub client: Client,
    /// The embedded sandbox, when rolo talks to it; stop it with [`Sandbox::shutdown`].
    pub sandbox: Option<Sandbox>,
    /// True when every write must be refused.
    pub read_only: bool,
    /// `[ui]` from the config file (defaults without one).
    pub ui: UiSettings,
    /// The keys: defaults with the config's `[keys]` on top.
    pub keymap: Keymap,
    /// The colours: `[ui] theme`, `[theme]`, and `NO_COLOR`.
    pub theme: Theme,
    /// Things worth telling the user that do not stop rolo (loose file permissions).
    pub warnings: Vec<String>,
    /// The name drafts and history are kept under: the profile, or `sandbox-VENDOR`.
    pub journal_name: String,
    /// The local index to keep, when the profile asks for one (`index = true`; always for the
    /// sandbox) and there is a data directory.
    pub index: Option<IndexPlace>,
}

/// Where a local index lives and what it is for.
#[derive(Debug, Clone)]
pub struct IndexPlace {
    /// The index file.
    pub path: PathBuf,
    /// What it holds rows of.
    pub identity: crate::index::Identity,
}

impl IndexPlace {
    /// The index of `name`'s list through `client`, under the data directory of `dirs`.
    fn new(dirs: Option<&Dirs>, name: &str, client: &Client, source: &str) -> Option<Self> {
        let path = crate::index::path(&dirs?.data, name);
        Some(Self { path, identity: crate::index::Identity::new(name, client.backend(), source) })
    }
}

/// The name a sandbox's index is kept under: its vendor, and its N for `--contacts N` (another
/// set of contacts, another index).
pub fn sandbox_index_name(vendor: &str, contacts: Option<u64>) -> String {
    match contacts {
        Some(n) => format!("sandbox-{vendor}-{n}"),
        None => format!("sandbox-{vendor}"),
    }
}

/// Resolves the request and, for the sandbox, starts it on a free loopback port.
pub async fn open(request: Request) -> Result<Opened, ConnectError> {
    let config = load_config(request.config.clone(), request.dirs.as_ref())?;
    let ui = config.as_ref().map(|(_, c)| c.ui.clone()).unwrap_or_default();
    // https://no-color.org: set and not empty means no colour.
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (keymap, theme) = presentation(config.as_ref().map(|(_, c)| c), no_color)?;
    let target = match &request.sandbox {
        Some(_) => Target::Sandbox,
        None => resolve(request.config.clone(), request.profile.as_deref(), request.dirs.as_ref())?,
    };
    match target {
        Target::Profile { name, .. } if request.contacts.is_some() => Err(ConnectError::ContactsNeedSandbox(name)),
        Target::Profile { name, client, warnings, read_only, index } => Ok(Opened {
            index: index
                .then(|| IndexPlace::new(request.dirs.as_ref(), &name, &client, &client.display_url("", None)))
                .flatten(),
            journal_name: name.clone(),
            profile: name,
            client,
            sandbox: None,
            read_only: read_only || request.read_only,
            ui,
            keymap,
            theme,
            warnings,
        }),
        Target::Sandbox => {
            let vendor = request.sandbox.as_deref().unwrap_or(sandbox::DEFAULT_DIALECT);
            let Some(dialect) = sandbox::dialect(vendor) else {
                return Err(ConnectError::UnknownDialect(vendor.to_string()));
            };
            let backend = Arc::new(dialect.backend().map_err(ConnectError::SandboxBackend)?);
            let (storage, contacts) = sandbox_storage(dialect, request.contacts).await?;
            let token = random_token();
            let server = sandbox::start(SandboxOptions { storage, port: 0, token: token.clone(), contacts })
                .await
                .map_err(ConnectError::SandboxStart)?;
            // What the backend's paths leave to the profile, the sandbox knows.
            let vars = dialect.vars().iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
            let secret = Some(SecretString::from(token));
            let client = Client::new(backend, &server.base_url(vendor), secret, vars, Timeouts::default())
                .map_err(ConnectError::SandboxClient)?;
            let index_name = sandbox_index_name(vendor, request.contacts);
            let source = match request.contacts {
                Some(n) => format!("embedded sandbox ({vendor}, {n} contacts)"),
                None => format!("embedded sandbox ({vendor})"),
            };
            Ok(Opened {
                index: IndexPlace::new(request.dirs.as_ref(), &index_name, &client, &source),
                profile: "sandbox".into(),
                journal_name: format!("sandbox-{vendor}"),
                client,
                sandbox: Some(server),
                read_only: request.read_only,
                ui,
                keymap,
                theme,
                warnings: Vec::new(),
            })
        }
    }
}

/// Where the embedded sandbox keeps its records, and how many a dialect is seeded with there.
///
/// The standard people live in the default file, edits and all. `--contacts N` gets a file of
/// its own per dialect and N, seeded here the first time (one transaction, one contact in
/// memory at a time) and reused after, so a million contacts cost their seeding once. Without
/// a data directory everything is in memory.
async fn sandbox_storage(
    dialect: &'static sandbox::Dialect,
    contacts: Option<u64>,
) -> Result<(Storage, Option<u64>), ConnectError> {
    let Some(n) = contacts else {
        return Ok((sandbox::default_db_path().map_or(Storage::Memory, Storage::File), None));
    };
    let Some(path) = sandbox::contacts_db_path(Some(dialect.name()), n) else {
        return Ok((Storage::Memory, contacts));
    };
    let file = path.clone();
    tokio::task::spawn_blocking(move || dialect.seed_file(&file, n))
        .await
        .map_err(|error| ConnectError::SandboxStart(error.into()))?
        .map_err(ConnectError::SandboxStart)?;
    Ok((Storage::File(path), None))
}

/// The keymap and theme the config asks for (`no_color`: `NO_COLOR` is set); a mistake names
/// its `file:line`.
fn presentation(config: Option<&Config>, no_color: bool) -> Result<(Keymap, Theme), ConnectError> {
    let Some(config) = config else {
        let theme = Theme::chosen(None, &Default::default(), no_color)
            .map_err(|error| ConnectError::Theme { at: None, error })?;
        return Ok((Keymap::default(), theme));
    };
    let lists: Vec<(&str, Vec<String>)> = config.keys.iter().map(|(name, keys)| (name.as_str(), keys.keys())).collect();
    let keymap =
        Keymap::with_overrides(lists.iter().map(|(name, keys)| (*name, keys.as_slice()))).map_err(|error| {
            // Point at the entry at fault; for a clash, at the first entry that binds either
            // action; else at the section.
            let named = match &error {
                KeymapError::Clash { first, second, .. } => config
                    .keys
                    .keys()
                    .find(|name| {
                        let action = name.rsplit('.').next().unwrap_or(name);
                        *action == first.name() || *action == second.name()
                    })
                    .map(String::as_str),
                other => other.entry(),
            };
            ConnectError::Keys { at: config.locate_in("keys", named.unwrap_or("")), error }
        })?;
    let theme = Theme::chosen(config.ui.theme.as_deref(), &config.theme, no_color).map_err(|error| {
        let at = match error.entry() {
            Some(entry) => config.locate_in("theme", entry),
            None => config.locate_in("ui", "theme"),
        };
        ConnectError::Theme { at: Some(at), error }
    })?;
    Ok((keymap, theme))
}

/// A per-run token for the embedded sandbox, so no other local process can use it by guessing.
fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let state = std::collections::hash_map::RandomState::new();
    let mut text = String::new();
    for salt in 0..2u64 {
        let mut hasher = state.build_hasher();
        hasher.write_u64(salt);
        hasher.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos(),
        );
        text.push_str(&format!("{:016x}", hasher.finish()));
    }
    text
}

/// The config file named by `--config`, else the default one; `None` when there is none.
fn load_config(config_path: Option<PathBuf>, dirs: Option<&Dirs>) -> Result<Option<(PathBuf, Config)>, ConnectError> {
    let explicit = config_path.is_some();
    let Some(path) = config_path.or_else(|| dirs.map(Dirs::config_file)) else { return Ok(None) };
    match config::load(&path).map_err(ConnectError::Config)? {
        Some(config) => Ok(Some((path, config))),
        None if explicit => Err(ConnectError::NoConfigFile(path)),
        None => Ok(None),
    }
}

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
        /// The profile says `read_only = true`.
        read_only: bool,
        /// The profile says `index = true`.
        index: bool,
    },
}

/// Picks the target from `--config`, `--profile` and the user's directories.
pub fn resolve(
    config_path: Option<PathBuf>,
    profile: Option<&str>,
    dirs: Option<&Dirs>,
) -> Result<Target, ConnectError> {
    let default_path = config_path.clone().or_else(|| dirs.map(Dirs::config_file));
    let loaded = load_config(config_path, dirs)?;
    let place = || default_path.as_ref().map_or_else(|| "no config directory".to_string(), |p| p.display().to_string());
    let (path, config) = match loaded {
        Some((path, config)) => (Some(path), Some(config)),
        None => (None, None),
    };
    let Some(config) = config.filter(|c| !c.profiles.is_empty() || profile.is_some()) else {
        return match profile {
            Some(name) => Err(ConnectError::NoConfigForProfile { name: name.to_string(), place: place() }),
            None => Ok(Target::Sandbox),
        };
    };
    let (name, profile) = config.pick(profile).map_err(ConnectError::Profile)?;
    let at = |key: &str| format!("{}: profile `{name}`", config.locate(&name, key));
    let user_backends = dirs.map(Dirs::backends);
    let backend = backend::find(&profile.backend, user_backends.as_deref())
        .map_err(|error| ConnectError::Backend { at: at("backend"), error })?;
    let backend = Arc::new(backend);
    let base_url = profile
        .base_url
        .clone()
        .or_else(|| backend.base_url.clone())
        .ok_or_else(|| ConnectError::NoBaseUrl { at: at("base_url"), backend: backend.name.clone() })?;
    let secret =
        config::resolve_secret(&profile, &name).map_err(|error| ConnectError::Secret { at: at("secret"), error })?;
    if secret.is_none() && backend.auth != Auth::None {
        return Err(ConnectError::NoSecret { at: at("secret"), backend: backend.name.clone() });
    }
    if let Some((var, path)) = missing_var(&backend, &profile.vars) {
        return Err(ConnectError::MissingVar { at: at("vars"), backend: backend.name.clone(), var, path });
    }
    let client = Client::new(backend, &base_url, secret, profile.vars.clone(), profile.timeouts())
        .map_err(|error| ConnectError::Client { at: at("base_url"), error })?
        .with_max_contacts(profile.max_contacts.unwrap_or(DEFAULT_MAX_CONTACTS));
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
    Ok(Target::Profile { name, client, warnings, read_only: profile.read_only, index: profile.index })
}

/// The first `{var}` the backend's paths use that the profile's `vars` lack, with its path:
/// every one must be there.
fn missing_var(backend: &Backend, vars: &std::collections::BTreeMap<String, String>) -> Option<(String, String)> {
    for path in [&backend.list.path, &backend.get.path, &backend.update.path] {
        let mut rest = path.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else { break };
            let name = &rest[open + 1..open + close];
            if name != "id" && !vars.contains_key(name) {
                return Some((name.to_string(), path.to_string()));
            }
            rest = &rest[open + close + 1..];
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme_error_at(text: &str) -> Option<String> {
        let config = config::parse(text, std::path::Path::new("c.toml")).unwrap();
        match presentation(Some(&config), false) {
            Err(ConnectError::Theme { at, .. }) => at,
            other => panic!("{:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn a_theme_mistake_names_the_line_of_the_setting_at_fault() {
        // A theme named like a [theme] entry is still a mistake in [ui] theme.
        let text = "[ui]\ntheme = \"dim\"\n\n[theme]\ndim = \"red\"\n";
        assert_eq!(theme_error_at(text).as_deref(), Some("c.toml:2"));
        let text = "[theme]\nerror = \"plaid\"\n";
        assert_eq!(theme_error_at(text).as_deref(), Some("c.toml:2"));
        // The list of themable elements in the message names `badge` too: the entry at fault is `zzz`.
        let text = "[theme]\nbadge = \"red\"\nzzz = \"red\"\n";
        assert_eq!(theme_error_at(text).as_deref(), Some("c.toml:3"));
    }
}
