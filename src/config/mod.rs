//! The user's config file: profiles naming a backend, a base URL and where the secret is.

mod secret;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub use secret::{SecretError, readable_by_others, resolve_secret};

/// The config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The profile used when `--profile` is not given.
    #[serde(default)]
    pub default_profile: Option<String>,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// How the terminal UI behaves: `[ui]`.
    #[serde(default)]
    pub ui: UiSettings,
    /// The user's keys: `"context.action" = "ctrl-s"` or a list of keys.
    #[serde(default)]
    pub keys: BTreeMap<String, KeyList>,
    /// Colours by screen element: `error = "red"`.
    #[serde(default)]
    pub theme: BTreeMap<String, String>,
    /// The file and its text, to point at lines in later messages.
    #[serde(skip)]
    source: Option<(PathBuf, String)>,
}

/// One vendor account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// A built-in backend name, a user backend name, or a path to a backend file.
    pub backend: String,
    /// The API's base URL; defaults to the backend file's.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Name of the environment variable holding the secret.
    #[serde(default)]
    pub secret_env: Option<String>,
    /// A command whose standard output is the secret, e.g. `["pass", "show", "cm"]`.
    #[serde(default)]
    pub secret_cmd: Option<Vec<String>>,
    /// A file holding the secret (it should be readable by you alone: mode 0600).
    #[serde(default)]
    pub secret_file: Option<PathBuf>,
    /// Seconds `secret_cmd` may take before rolo stops it (default 10).
    #[serde(default)]
    pub secret_cmd_timeout_secs: Option<u64>,
    /// Values for `{var}` holes in the backend's paths.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// Seconds to wait for a connection.
    #[serde(default)]
    pub connect_timeout_secs: Option<u64>,
    /// Seconds to wait for a whole answer.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// Refuse every write: look, never touch.
    #[serde(default)]
    pub read_only: bool,
    /// The most contacts one pass through the list loads (default
    /// [`crate::http::DEFAULT_MAX_CONTACTS`]); paging stops there and says so.
    #[serde(default)]
    pub max_contacts: Option<u64>,
    /// Keep a local index of the list (`<data>/rolo/index/PROFILE.sqlite3`): the next start
    /// shows and searches it at once, then refreshes it in the background.
    #[serde(default)]
    pub index: bool,
}

/// `[ui]`: behaviour of the terminal UI that is the same for every profile.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiSettings {
    /// Show the request and a diff before every send (Ctrl-S goes to the preview first).
    #[serde(default)]
    pub preview_before_send: bool,
    /// `default` or `monochrome` (`NO_COLOR` picks monochrome whatever this says).
    #[serde(default)]
    pub theme: Option<String>,
    /// The format a draft is written in for `$VISUAL`/`$EDITOR`: `toml` (default) or `json`.
    #[serde(default)]
    pub editor_format: EditorFormat,
}

/// One key or several, in `[keys]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    /// `save = "ctrl-s"`
    One(String),
    /// `save = ["ctrl-s", "f2"]`
    Many(Vec<String>),
}

impl KeyList {
    /// The keys as written.
    pub fn keys(&self) -> Vec<String> {
        match self {
            KeyList::One(key) => vec![key.clone()],
            KeyList::Many(keys) => keys.clone(),
        }
    }
}

/// The format of the document the external editor sees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EditorFormat {
    /// TOML: comments, no null.
    #[default]
    Toml,
    /// JSON: null, no comments (rolo drops lines starting with `#`).
    Json,
}

impl Profile {
    /// The request time limits this profile asks for.
    pub fn timeouts(&self) -> crate::http::Timeouts {
        let default = crate::http::Timeouts::default();
        crate::http::Timeouts {
            connect: self.connect_timeout_secs.map_or(default.connect, Duration::from_secs),
            total: self.timeout_secs.map_or(default.total, Duration::from_secs),
        }
    }
}

/// A config file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Why no profile could be picked from the config.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// Several profiles, none named and no default.
    #[error("several profiles and no default_profile; pick one with --profile ({})", known.join(", "))]
    NoDefault {
        /// The profiles the config has.
        known: Vec<String>,
    },
    /// The profile asked for is not in the config, which has none at all.
    #[error("no profile named `{name}`: the config has no [profiles.*]")]
    NoProfiles {
        /// The name asked for.
        name: String,
    },
    /// The profile asked for is not in the config.
    #[error("no profile named `{name}`; the config has: {}", known.join(", "))]
    Unknown {
        /// The name asked for.
        name: String,
        /// The profiles the config has.
        known: Vec<String>,
    },
}

/// Where rolo keeps its files.
#[derive(Debug, Clone)]
pub struct Dirs {
    /// `$XDG_CONFIG_HOME/rolo`.
    pub config: PathBuf,
    /// `$XDG_DATA_HOME/rolo`.
    pub data: PathBuf,
    /// `$XDG_STATE_HOME/rolo` (logs).
    pub state: PathBuf,
}

impl Dirs {
    /// The platform's directories for rolo (`directories` follows the XDG variables).
    pub fn from_env() -> Option<Self> {
        let dirs = directories::ProjectDirs::from("", "", "rolo")?;
        let data = dirs.data_dir().to_path_buf();
        let state = dirs.state_dir().map_or_else(|| data.join("state"), Path::to_path_buf);
        Some(Self { config: dirs.config_dir().to_path_buf(), data, state })
    }

    /// The default config file.
    pub fn config_file(&self) -> PathBuf {
        self.config.join("config.toml")
    }

    /// The folder of the user's own backend files.
    pub fn backends(&self) -> PathBuf {
        self.config.join("backends")
    }
}

/// Reads a config file; `Ok(None)` when it does not exist.
pub fn load(path: &Path) -> Result<Option<Config>, ConfigError> {
    let text = match crate::files::read_text(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ConfigError { file: path.to_path_buf(), line: None, message: format!("cannot read: {e}") });
        }
    };
    parse(&text, path).map(Some)
}

/// Parses config text; `path` names it in messages.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let mut config: Config = toml::from_str(text).map_err(|e| ConfigError {
        file: path.to_path_buf(),
        line: e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        message: e.message().trim_end().to_string(),
    })?;
    if let Some(default) = &config.default_profile
        && !config.profiles.contains_key(default)
    {
        let line = text.find("default_profile").map(|at| text[..at].matches('\n').count() + 1);
        return Err(ConfigError {
            file: path.to_path_buf(),
            line,
            message: format!("default_profile `{default}` is not one of the [profiles.*] sections"),
        });
    }
    for (name, profile) in &config.profiles {
        let sources = [profile.secret_env.is_some(), profile.secret_cmd.is_some(), profile.secret_file.is_some()];
        if sources.iter().filter(|set| **set).count() > 1 {
            return Err(ConfigError {
                file: path.to_path_buf(),
                line: locate_line(text, name, "secret_"),
                message: format!(
                    "profile `{name}` names more than one of secret_env, secret_cmd, secret_file; keep one"
                ),
            });
        }
    }
    config.source = Some((path.to_path_buf(), text.to_string()));
    Ok(config)
}

/// The line of `key` inside `[profiles.NAME]`, or of the section header when the key is absent.
fn locate_line(text: &str, profile: &str, key: &str) -> Option<usize> {
    let header = format!("[profiles.{profile}]");
    let start = text.find(&header)?;
    let section_end = text[start + header.len()..].find("\n[").map_or(text.len(), |i| start + header.len() + i);
    let at = text[start..section_end]
        .lines()
        .scan(start, |offset, line| {
            let here = *offset;
            *offset += line.len() + 1;
            Some((here, line))
        })
        .find(|(_, line)| line.trim_start().starts_with(key))
        .map_or(start, |(here, _)| here);
    Some(text[..at].matches('\n').count() + 1)
}

impl Config {
    /// `file:line` of `key` in profile `name`, for messages about values the file gave.
    pub fn locate(&self, name: &str, key: &str) -> String {
        match &self.source {
            Some((path, text)) => match locate_line(text, name, key) {
                Some(line) => format!("{}:{line}", path.display()),
                None => path.display().to_string(),
            },
            None => "config".to_string(),
        }
    }

    /// `file:line` of `key` inside `[section]`, for messages about `[keys]`, `[theme]`, `[ui]`.
    pub fn locate_in(&self, section: &str, key: &str) -> String {
        let Some((path, text)) = &self.source else { return "config".to_string() };
        let header = format!("[{section}]");
        let start = text.find(&header).unwrap_or(0);
        let line = text[start..]
            .lines()
            .position(|l| {
                let l = l.trim_start().trim_start_matches('"');
                l.starts_with(key) && l[key.len()..].trim_start_matches('"').trim_start().starts_with('=')
            })
            .map(|i| text[..start].matches('\n').count() + i + 1);
        match line {
            Some(line) => format!("{}:{line}", path.display()),
            None => path.display().to_string(),
        }
    }

    /// The profile to use: `wanted`, else the default, else the only one.
    pub fn pick(&self, wanted: Option<&str>) -> Result<(String, Profile), ProfileError> {
        let known = || self.profiles.keys().cloned().collect::<Vec<_>>();
        let name = match (wanted, self.default_profile.as_deref()) {
            (Some(name), _) | (None, Some(name)) => name.to_string(),
            (None, None) if self.profiles.len() == 1 => self.profiles.keys().next().cloned().unwrap_or_default(),
            (None, None) => return Err(ProfileError::NoDefault { known: known() }),
        };
        match self.profiles.get(&name) {
            Some(profile) => Ok((name, profile.clone())),
            None if self.profiles.is_empty() => Err(ProfileError::NoProfiles { name }),
            None => Err(ProfileError::Unknown { name, known: known() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistake_names_the_file_and_line() {
        let text = "default_profile = \"acme\"\n[profiles.acme]\nbackend = \"corporatemerch\"\nsecret_env = 5\n";
        let err = parse(text, Path::new("c.toml")).unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        assert!(err.to_string().starts_with("c.toml:4:"));
    }

    #[test]
    fn later_problems_point_at_the_profile_key() {
        let text = "[profiles.a]\nbackend = \"x\"\n\n[profiles.b]\nbase_url = \"u\"\nbackend = \"nope\"\n";
        let config = parse(text, Path::new("c.toml")).unwrap();
        assert_eq!(config.locate("b", "backend"), "c.toml:6");
        assert_eq!(config.locate("b", "secret_env"), "c.toml:4");
        let both = "[profiles.a]\nbackend = \"x\"\nsecret_env = \"A\"\nsecret_cmd = [\"pass\"]\n";
        assert_eq!(parse(both, Path::new("c.toml")).unwrap_err().line, Some(3));
    }

    #[test]
    fn default_profile_must_exist() {
        let err = parse("default_profile = \"x\"\n", Path::new("c.toml")).unwrap_err();
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn picks_the_named_default_or_only_profile() {
        let text = "[profiles.a]\nbackend = \"corporatemerch\"\n";
        let config = parse(text, Path::new("c.toml")).unwrap();
        assert_eq!(config.pick(None).unwrap().0, "a");
        assert!(config.pick(Some("b")).unwrap_err().to_string().contains("no profile named `b`"));
    }
}
