//! The `rolo` command: the terminal UI, and the sandbox server on its own.

use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use color_eyre::eyre::{Result, WrapErr, eyre};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, EventStream};
use crossterm::execute;
use secrecy::SecretString;

use rolo::app::runtime::{Runtime, run};
use rolo::app::{Session, State};
use rolo::backend;
use rolo::config::{self, Dirs};
use rolo::http::{Client, Timeouts};
use rolo::sandbox::{self, SandboxOptions, Storage};

/// The backend the embedded sandbox speaks when rolo runs without a config.
const SANDBOX_BACKEND: &str = "corporatemerch";

#[derive(Debug, Parser)]
#[command(name = "rolo", version, about = "Edit contact records in your CRM's REST API from the terminal")]
struct Cli {
    /// Config file (default: $XDG_CONFIG_HOME/rolo/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Profile to use (default: the config's default_profile).
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the embedded sandbox on its own, for curl and tests.
    Sandbox {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8787)]
        port: u16,
        /// Wipe the sandbox database and reseed it, then exit.
        #[arg(long)]
        reset: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    // Panics still get color-eyre's full report, after ratatui's hook has restored the terminal.
    let _ = color_eyre::install();
    let cli = Cli::parse();
    let dirs = Dirs::from_env();
    let outcome = match cli.command {
        Some(Command::Sandbox { port, reset }) => serve_sandbox(port, reset).await,
        None => run_tui(cli.config, cli.profile, dirs).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A mistake in the user's files is a message, not a crash report.
            eprintln!("rolo: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_sandbox(port: u16, reset: bool) -> Result<()> {
    let path = sandbox::default_db_path().ok_or_else(|| eyre!("no data directory for the sandbox database"))?;
    if reset {
        sandbox::reset(&path).wrap_err("resetting the sandbox")?;
        println!("Sandbox reset: {}", path.display());
        return Ok(());
    }
    let token = "sandbox".to_string();
    let server = sandbox::start(SandboxOptions { storage: Storage::File(path.clone()), port, token: token.clone() })
        .await
        .wrap_err("starting the sandbox")?;
    println!("rolo sandbox on http://{} (database {})", server.addr(), path.display());
    println!("  Corporate Merch: {}  (Authorization: Bearer {token})", server.base_url("corporatemerch"));
    println!("Ctrl-C stops it.");
    io::stdout().flush()?;
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}

async fn run_tui(config_path: Option<PathBuf>, profile: Option<String>, dirs: Option<Dirs>) -> Result<()> {
    let explicit_config = config_path.is_some();
    let path = config_path.or_else(|| dirs.as_ref().map(Dirs::config_file));
    let config = match &path {
        Some(path) => config::load(path).map_err(|e| eyre!("{e}"))?,
        None => None,
    };
    if explicit_config && config.is_none() {
        return Err(eyre!("config file {} does not exist", path.unwrap_or_default().display()));
    }
    if config.is_none()
        && let Some(name) = &profile
    {
        let place = path.map_or_else(|| "no config directory".to_string(), |p| p.display().to_string());
        return Err(eyre!("--profile {name}: there is no config file ({place}); see the README's Configuration"));
    }
    let use_sandbox = profile.is_none() && config.as_ref().is_none_or(|c| c.profiles.is_empty());

    let mut sandbox_server = None;
    let (session, client) = if use_sandbox {
        let backend = Arc::new(backend::find(SANDBOX_BACKEND, None).map_err(|e| eyre!("{e}"))?);
        let storage = match sandbox::default_db_path() {
            Some(path) => Storage::File(path),
            None => Storage::Memory,
        };
        let token = random_token();
        let server = sandbox::start(SandboxOptions { storage, port: 0, token: token.clone() })
            .await
            .wrap_err("starting the embedded sandbox")?;
        let base_url = server.base_url(SANDBOX_BACKEND);
        sandbox_server = Some(server);
        let client =
            Client::new(backend, &base_url, Some(SecretString::from(token)), Default::default(), Timeouts::default())
                .map_err(|e| eyre!(e))?;
        (Session { profile: "sandbox".into(), sandbox: true }, client)
    } else {
        let config = config.unwrap_or_default();
        let (name, profile) = config.pick(profile.as_deref()).map_err(|e| eyre!(e))?;
        let at = |key: &str| format!("{}: profile `{name}`", config.locate(&name, key));
        let user_backends = dirs.as_ref().map(Dirs::backends);
        let backend = backend::find(&profile.backend, user_backends.as_deref())
            .map_err(|e| eyre!("{}: backend: {e}", at("backend")))?;
        let backend = Arc::new(backend);
        let base_url = profile
            .base_url
            .clone()
            .or_else(|| backend.base_url.clone())
            .ok_or_else(|| eyre!("{}: no base_url, and backend `{}` names none", at("base_url"), backend.name))?;
        let secret = config::resolve_secret(&profile).map_err(|e| eyre!("{}: {e}", at("secret")))?;
        if secret.is_none() && backend.auth != backend::Auth::None {
            return Err(eyre!(
                "{}: backend `{}` needs a secret; set secret_env (or secret_cmd) in the profile",
                at("secret"),
                backend.name
            ));
        }
        let client = Client::new(backend, &base_url, secret, profile.vars.clone(), profile.timeouts())
            .map_err(|e| eyre!("{}: {e}", at("base_url")))?;
        (Session { profile: name, sandbox: false }, client)
    };

    let state = State::new(Arc::clone(client.backend()), session);
    let mut runtime = Runtime::new(state, client);
    // try_init also installs a panic hook that restores the terminal before the report.
    let mut terminal = ratatui::try_init().wrap_err("rolo needs a terminal (is standard output redirected?)")?;
    let _ = execute!(io::stdout(), EnableBracketedPaste);
    // A closed terminal (SIGHUP) or a polite kill (SIGTERM) leaves through the same door as `q`.
    let outcome = tokio::select! {
        outcome = run(&mut terminal, EventStream::new(), &mut runtime) => outcome,
        signal = termination() => signal,
    };
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    if let Some(server) = sandbox_server {
        server.shutdown().await;
    }
    outcome.wrap_err("terminal input failed")
}

/// Resolves when the process is asked to stop by SIGTERM or SIGHUP.
#[cfg(unix)]
async fn termination() -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    tokio::select! {
        _ = term.recv() => Ok(()),
        _ = hangup.recv() => Ok(()),
    }
}

/// Elsewhere only the UI's own quit keys end rolo.
#[cfg(not(unix))]
async fn termination() -> io::Result<()> {
    std::future::pending().await
}

/// A per-run token for the embedded sandbox, so no other local process can use it by guessing.
fn random_token() -> String {
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
