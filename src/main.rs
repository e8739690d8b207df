//! The `rolo` command: the terminal UI, the sandbox server on its own, and the headless
//! commands for scripts (in [`rolo::headless`]).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, Parser, Subcommand};
use color_eyre::eyre::{Result, WrapErr, eyre};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;

use rolo::app::{Session, State};
use rolo::commands;
use rolo::config::Dirs;
use rolo::connect::{self, Target};
use rolo::headless::{self, list::Format};
use rolo::history::History;
use rolo::journal::Journal;
use rolo::sandbox::{self, SandboxOptions, Storage};
use rolo::tui::editor_process::TerminalConsole;
use rolo::tui::runtime::{Runtime, run_on};

#[derive(Debug, Parser)]
#[command(name = "rolo", version, about = "Edit contact records in your CRM's REST API from the terminal")]
struct Cli {
    /// Config file (default: $XDG_CONFIG_HOME/rolo/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Profile to use (default: the config's default_profile).
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// Log level for $XDG_STATE_HOME/rolo/rolo.log: error, warn, info, debug, trace (RUST_LOG wins).
    #[arg(long, global = true, value_name = "LEVEL", default_value = "info")]
    log_level: String,
    /// Use the embedded sandbox speaking this vendor's API, whatever the config says.
    #[arg(long, global = true, value_name = "VENDOR", conflicts_with = "profile", help = sandbox_help())]
    sandbox: Option<String>,
    /// Refuse every change: browse and read only.
    #[arg(long, global = true)]
    read_only: bool,
    /// Seed the sandbox with N deterministic synthetic contacts instead of the standard 260 (its
    /// vendor's; every vendor's for `rolo sandbox`), in a database file kept for the next run.
    #[arg(long, global = true, value_name = "N", conflicts_with = "profile")]
    contacts: Option<u64>,
    #[command(subcommand)]
    command: Option<Command>,
}

/// `--sandbox`'s help, naming the dialects the sandbox speaks.
fn sandbox_help() -> String {
    format!(
        "Use the embedded sandbox speaking this vendor's API ({}), whatever the config says",
        sandbox::dialect_names()
    )
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the built-in backends and the user's own ($XDG_CONFIG_HOME/rolo/backends/*.toml).
    Backends,
    /// Load a profile and its backend, fetch one page, and report what came back.
    Check,
    /// Serve the embedded sandbox on its own, for curl and tests.
    Sandbox {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8787)]
        port: u16,
        /// Wipe the sandbox database (the one of --contacts N, with it) and reseed it, then exit.
        #[arg(long)]
        reset: bool,
    },
    /// Print the contact list as pages arrive: an aligned table, or CSV or JSON (docs/json.md).
    /// Exits 4 when paging stops before the end of the list (the reason goes to stderr).
    List {
        /// Keep the contacts matching this fuzzy query (as `/` in the list), best first within each page.
        #[arg(long, value_name = "QUERY")]
        filter: Option<String>,
        /// Print a JSON array.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV (RFC 4180).
        #[arg(long)]
        csv: bool,
        /// Stop after N contacts (more pages are fetched as needed).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Print one contact: `label: value` lines, or the record as JSON.
    Get {
        /// The contact's id.
        id: String,
        /// Print the record as the API returned it.
        #[arg(long)]
        json: bool,
    },
    /// Change fields of one contact, validated as in the form. Exit 1: invalid; 2: server error.
    Update {
        /// The contact's id.
        id: String,
        /// Fields to change, by key or label; `field=` empties one.
        #[arg(value_name = "FIELD=VALUE", required = true)]
        assignments: Vec<String>,
        /// Print the request (method, URL, body) instead of sending it.
        #[arg(long)]
        dry_run: bool,
        /// Print the stored record (or the dry run's request) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Draw one screen into a buffer and print it, for snapshot tests.
    Render {
        /// list, help, or form:ID.
        #[arg(long, default_value = "list", value_name = "SCREEN")]
        screen: headless::render::Screen,
        /// COLUMNSxROWS.
        #[arg(long, default_value = "120x40", value_name = "SIZE")]
        size: headless::render::Size,
        /// Keep colours and styles as ANSI escapes.
        #[arg(long)]
        ansi: bool,
    },
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Write a backend file from a vendor's OpenAPI 3.0/3.1 description (YAML or JSON); guesses
    /// are marked `# guessed:` in the file and listed on standard error.
    Import {
        /// The OpenAPI description.
        spec: PathBuf,
        /// The resource to import when the description has several (e.g. `contacts`).
        #[arg(long, value_name = "NAME")]
        resource: Option<String>,
        /// The backend's name (default: from the description's title).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Write the file here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    // Panics still get color-eyre's full report, after ratatui's hook has restored the terminal.
    let _ = color_eyre::install();
    // Usage mistakes exit 1, like every other mistake in the input; 2 is for server failures.
    let cli = Cli::try_parse().unwrap_or_else(|error| {
        let _ = error.print();
        std::process::exit(if error.use_stderr() { 1 } else { 0 })
    });
    let dirs = Dirs::from_env();
    // Logs go to a file, never to the terminal the UI draws on; the guard flushes on exit.
    let _log_guard = dirs.as_ref().and_then(|dirs| start_logging(&dirs.state, &cli.log_level));
    let request = connect::Request {
        config: cli.config.clone(),
        profile: cli.profile.clone(),
        sandbox: cli.sandbox.clone(),
        read_only: cli.read_only,
        contacts: cli.contacts,
        dirs: dirs.clone(),
    };
    if let (Some(n), Some(vendor)) = (cli.contacts, cli.sandbox.as_deref().filter(|v| sandbox::dialect(v).is_some()))
        && !matches!(cli.command, Some(Command::Sandbox { .. }))
    {
        announce_seeding(sandbox::contacts_db_path(Some(vendor), n), n);
    }
    // What headless commands write; it masks the profile's secret once one is opened.
    let mut output = headless::Output::default();
    let outcome = match cli.command {
        Some(Command::List { filter, json, csv, limit }) => {
            let format = if json {
                Format::Json
            } else if csv {
                Format::Csv
            } else {
                Format::Table
            };
            let options = headless::list::Options { filter, format, limit };
            return finish(headless::list::run(request, &mut output, options).await, &output);
        }
        Some(Command::Get { id, json }) => {
            return finish(headless::get::run(request, &mut output, &id, json).await, &output);
        }
        Some(Command::Update { id, assignments, dry_run, json }) => {
            let options = headless::update::Options { id, assignments, dry_run, json };
            return finish(headless::update::run(request, &mut output, options).await, &output);
        }
        Some(Command::Render { screen, size, ansi }) => {
            return finish(headless::render::run(request, &mut output, screen, size, ansi).await, &output);
        }
        Some(Command::Completions { shell }) => {
            let script = headless::completions(&mut Cli::command(), shell);
            return finish(output.emit(&String::from_utf8_lossy(&script)), &output);
        }
        Some(Command::Man) => match headless::man_page(Cli::command()) {
            Ok(page) => return finish(output.emit(&String::from_utf8_lossy(&page)), &output),
            Err(error) => Err(error).wrap_err("writing the man page"),
        },
        Some(Command::Sandbox { port, reset }) => serve_sandbox(port, reset, cli.contacts).await,
        Some(Command::Backends) => {
            let mut backends = commands::list_backends(dirs.as_ref().map(Dirs::backends).as_deref());
            if let Some(config_file) = cli.config.clone().or_else(|| dirs.as_ref().map(Dirs::config_file)) {
                backends.push_str(&commands::list_named_by_path(&config_file));
            }
            return finish(output.emit(&backends), &output);
        }
        Some(Command::Import { spec, resource, name, out }) => {
            commands::import(&spec, rolo::import::Options { resource, name }, out.as_deref())
        }
        Some(Command::Check) => check(cli.config, cli.profile, dirs).await,
        None => run_tui(request, dirs).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A mistake in the user's files is a message, not a crash report. After a hangup
            // stderr may be gone too, and writing to it must not panic.
            let _ = writeln!(io::stderr(), "rolo: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a headless command's failure to `output` and turns it into the exit code (docs/json.md).
fn finish(outcome: Result<(), headless::Failure>, output: &headless::Output) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            output.report(&failure);
            ExitCode::from(failure.code)
        }
    }
}

/// `rolo sandbox`: every dialect in one file, the default one or, with `--contacts N`, the one
/// holding N contacts per dialect (seeded on first use, as the embedded sandbox's are).
async fn serve_sandbox(port: u16, reset: bool, contacts: Option<u64>) -> Result<()> {
    let path = match contacts {
        None => sandbox::default_db_path(),
        Some(n) => sandbox::contacts_db_path(None, n),
    };
    let path = path.ok_or_else(|| eyre!("no data directory for the sandbox database"))?;
    if reset {
        sandbox::reset(&path, contacts).wrap_err("resetting the sandbox")?;
        println!("Sandbox reset: {}", path.display());
        return Ok(());
    }
    if let Some(n) = contacts {
        announce_seeding(Some(path.clone()), n);
    }
    let token = "sandbox".to_string();
    let storage = Storage::File(path.clone());
    let server = sandbox::start(SandboxOptions { storage, port, token: token.clone(), contacts })
        .await
        .wrap_err("starting the sandbox")?;
    println!("rolo sandbox on http://{} (database {})", server.addr(), path.display());
    for dialect in sandbox::dialects() {
        let name = dialect.name();
        println!("  {name:<15} {}  ({})", server.base_url(name), dialect.credential(&token));
    }
    for dialect in sandbox::dialects() {
        for (var, value) in dialect.vars() {
            println!("  {}'s {var}: {value}", dialect.name());
        }
    }
    println!("Ctrl-C stops it.");
    io::stdout().flush()?;
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}

/// Says so before a first `--contacts N` seeding (seconds per 100,000 contacts), on stderr
/// before any screen is drawn.
fn announce_seeding(path: Option<PathBuf>, contacts: u64) {
    if let Some(path) = path.filter(|path| !path.exists()) {
        eprintln!("rolo: seeding {contacts} contacts into {} (once: the file is kept)", path.display());
    }
}

async fn check(config_path: Option<PathBuf>, profile: Option<String>, dirs: Option<Dirs>) -> Result<()> {
    match connect::resolve(config_path, profile.as_deref(), dirs.as_ref()).map_err(|e| eyre!(e))? {
        Target::Profile { name, client, warnings, .. } => {
            for warning in warnings {
                eprintln!("rolo: warning: {warning}");
            }
            // The report quotes the server (the first contact, which may hold a secret a server
            // echoed): shown, never obeyed, and masked.
            let redactor = client.redactor().clone();
            let shown = |text: &str| redactor.text_and_pieces(&rolo::visible::visible_lines(text));
            let report = commands::check(&client, &name).await.map_err(|e| eyre!(shown(&e)))?;
            headless::Output::default().emit(&shown(&report)).map_err(|failure| eyre!(failure.message))
        }
        Target::Sandbox => Err(eyre!("no profile to check: give --profile NAME (and a config file)")),
    }
}

async fn run_tui(request: connect::Request, dirs: Option<Dirs>) -> Result<()> {
    let opened = connect::open(request).await.map_err(|e| eyre!(e))?;
    let session = Session { profile: opened.profile, sandbox: opened.sandbox.is_some(), read_only: opened.read_only };
    let (keymap, theme, preview_first) = (opened.keymap, opened.theme, opened.ui.preview_before_send);
    let client = opened.client;
    let sandbox_server = opened.sandbox;
    let startup_warnings = opened.warnings;
    let journal_name = opened.journal_name;

    // Drafts are kept per profile (per vendor for the sandbox), and offered back at start.
    let mut state = State::new(Arc::clone(client.backend()), session);
    state.keymap = Arc::new(keymap);
    state.preview_first = preview_first;
    state.editor_format = opened.ui.editor_format;
    // Records hold what the server sent, a secret it echoed included: masked in every file.
    let redactor = client.redactor().clone();
    let journal = dirs.as_ref().map(|dirs| Journal::new(&dirs.data, &journal_name).redacting(redactor.clone()));
    if let Some(journal) = &journal {
        state.offer_drafts(journal.scan(&state.backend.name));
    }
    if let Some(warning) = startup_warnings.first() {
        state.notice = Some(rolo::app::Notice { text: format!("Warning: {warning}"), is_error: true });
    }
    let mut runtime = Runtime::new(state, client);
    runtime.theme = theme;
    if let Some(journal) = journal {
        runtime.keep_drafts(journal);
    }
    if let Some(dirs) = &dirs {
        runtime.keep_history(History::new(&dirs.data, &journal_name).redacting(redactor));
    }
    // try_init also installs a panic hook that restores the terminal before the report.
    let mut terminal = ratatui::try_init().wrap_err("rolo needs a terminal (is standard output redirected?)")?;
    let _ = execute!(io::stdout(), EnableBracketedPaste);
    // A closed terminal (SIGHUP) or a polite kill (SIGTERM) leaves through the same door as `q`.
    let mut console = TerminalConsole::new();
    let outcome = tokio::select! {
        outcome = run_on(&mut terminal, &mut console, &mut runtime) => outcome,
        signal = termination() => signal,
    };
    // Drafts first: after a hangup the terminal may be gone, and nothing below must lose them.
    runtime.flush_drafts();
    runtime.flush_history();
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    let _ = ratatui::try_restore();
    if let Some(server) = sandbox_server {
        server.shutdown().await;
    }
    outcome.wrap_err("terminal input failed")
}

/// Sends `tracing` events to `<state dir>/rolo.log`. `RUST_LOG` overrides `level`.
/// Log lines waiting for the log file's writer thread, at most.
const LOG_QUEUE_LINES: usize = 1_024;

fn start_logging(state_dir: &std::path::Path, level: &str) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    rolo::private::create_dir(state_dir).ok()?;
    // Opened by rolo, not by tracing-appender, so the file is the owner's alone (0600).
    let path = state_dir.join("rolo.log");
    let file = rolo::private::options().append(true).create(true).open(&path).ok()?;
    let _ = rolo::private::restrict(&path);
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // The writer's queue is allocated whole at start: its default of 128,000 lines was a fixed
    // 4 MB, a quarter of rolo's memory with a short list. A log line rolo writes is rare (a
    // request, an error); if the file cannot keep up, lines are dropped, never the UI slowed.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(file);
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_ansi(false).try_init().ok()?;
    Some(guard)
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
