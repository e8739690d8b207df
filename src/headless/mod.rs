//! Commands for scripts and pipelines: `list`, `get`, `update` and `render`, plus shell
//! completions and the man page.
//!
//! Each command opens a connection the same way the UI does ([`connect::open`]), writes its
//! result to standard output and returns a [`Failure`] for anything else; `main` prints the
//! failure on standard error and exits with its [`Failure::code`]:
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | success |
//! | 1 | the input is wrong: a bad config or profile, an unknown field, a value that fails validation, a read-only profile asked to write, a command-line mistake |
//! | 2 | the server or network failed: refused connection, a read's timeout, error status (the server's message and its per-field errors are shown), a redirect (never followed); for `update`, the change was not stored |
//! | 3 | `update` only: the request was sent but whether it was stored is unknown (the connection broke, no answer in time, a gateway's 502/504, an answer about another contact) |
//! | 4 | `rolo list` stopped before the end of the list: the server's paging did not progress (a page of contacts already listed, a cursor it had sent before, more contacts than its total) or the profile's `max_contacts` was reached; the rows before the stop were written |
//! | 5 | the output could not be written in full (a full disk); a reader that stops early (`rolo list \| head`) is not an error |
//!
//! The JSON each command prints with `--json` is described in `docs/json.md`.
//! A field's value is read, typed and shown through its type (`Field::input_from`,
//! `Field::parse`, `Field::shown`), as in the form.

pub mod get;
pub mod index;
pub mod list;
mod output;
pub mod render;
pub mod update;

use std::io::{self, Write};

use crate::backend::{Backend, Field, Widget};
use crate::connect::{self, Request};
use crate::http::{Client, HttpError};
use crate::record::{Input, Shown};
use crate::sandbox::Sandbox;
use crate::visible::visible;

pub use output::Output;

/// Exit code for input mistakes: config, unknown field, invalid value, read-only.
pub const EXIT_INVALID: u8 = 1;

/// Exit code for server and network failures (for `update`: not stored).
pub const EXIT_SERVER: u8 = 2;

/// Exit code for an update that was sent but whose outcome is unknown: it may have been applied.
pub const EXIT_UNKNOWN: u8 = 3;

/// Exit code when `rolo list` stopped before the end of the list (paging did not progress, or
/// `max_contacts`): the output is whole but the list is not.
pub const EXIT_INCOMPLETE: u8 = 4;

/// Exit code for output that could not be written in full (a full disk, `/dev/full`).
pub const EXIT_OUTPUT: u8 = 5;

/// Why a command did not succeed: a one-line message, per-field details, and an exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// [`EXIT_INVALID`], [`EXIT_SERVER`], [`EXIT_UNKNOWN`], [`EXIT_INCOMPLETE`] or [`EXIT_OUTPUT`].
    pub code: u8,
    /// What went wrong, in one sentence.
    pub message: String,
    /// One line per field problem (`email: Not a valid email address…`).
    pub details: Vec<String>,
}

impl Failure {
    /// A mistake in what the user asked for (exit 1).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self { code: EXIT_INVALID, message: message.into(), details: Vec::new() }
    }

    /// A server or network failure (exit 2), with the server's per-field errors, if any.
    pub fn server(error: &HttpError) -> Self {
        let details = match error {
            HttpError::Status { field_errors, .. } => {
                field_errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect()
            }
            _ => Vec::new(),
        };
        Self { code: EXIT_SERVER, message: error.to_string(), details }
    }

    /// A write whose outcome is unknown (exit 3).
    pub fn unknown(message: impl Into<String>) -> Self {
        Self { code: EXIT_UNKNOWN, message: message.into(), details: Vec::new() }
    }

    /// Adds per-field lines.
    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }

    /// Standard output could not take the whole result (exit 5).
    pub fn output(error: &io::Error) -> Self {
        Self { code: EXIT_OUTPUT, message: format!("could not write the output in full: {error}"), details: Vec::new() }
    }

    /// The text for standard error: `rolo: message`, then one line per detail. A server's
    /// message may hold escape sequences: they are shown, never sent to the terminal. The
    /// secret is masked by [`Output::report`], which writes it.
    pub fn report(&self) -> String {
        let mut text = format!("rolo: {}\n", visible(&self.message));
        for line in &self.details {
            text.push_str(&visible(line));
            text.push('\n');
        }
        text
    }
}

/// An open connection for one command: the client, and the embedded sandbox when there is
/// no profile. Call [`Connection::close`] when done.
pub struct Connection {
    /// The profile name, or `sandbox`.
    pub profile: String,
    /// The client every request goes through.
    pub client: Client,
    /// True when every write must be refused.
    pub read_only: bool,
    /// The user's keys, for screens drawn by `rolo render`.
    pub keymap: std::sync::Arc<crate::app::keymap::Keymap>,
    /// The user's colours, for screens drawn by `rolo render`.
    pub theme: std::sync::Arc<crate::ui::theme::Theme>,
    /// The local index the profile keeps, if any.
    pub index: Option<connect::IndexPlace>,
    server: Option<Sandbox>,
}

impl Connection {
    /// Opens the connection the UI would open; warnings go to standard error. From now on
    /// `output` masks the profile's secret.
    pub async fn open(request: Request, output: &mut Output) -> Result<Self, Failure> {
        let opened = connect::open(request).await.map_err(|e| Failure::invalid(e.to_string()))?;
        output.mask(opened.client.redactor().clone());
        for warning in &opened.warnings {
            let _ = writeln!(io::stderr(), "rolo: warning: {warning}");
        }
        Ok(Self {
            profile: opened.profile,
            client: opened.client,
            read_only: opened.read_only,
            keymap: std::sync::Arc::new(opened.keymap),
            theme: std::sync::Arc::new(opened.theme),
            index: opened.index,
            server: opened.sandbox,
        })
    }

    /// True when talking to the embedded sandbox.
    pub fn is_sandbox(&self) -> bool {
        self.server.is_some()
    }

    /// The backend in use.
    pub fn backend(&self) -> &Backend {
        self.client.backend()
    }

    /// Stops the embedded sandbox, if one was started.
    pub async fn close(self) {
        if let Some(server) = self.server {
            server.shutdown().await;
        }
    }
}

/// The field a user names on the command line: its key as written in the backend file
/// (`email`, `custom_fields.tier`), or its label, case-insensitively.
pub fn find_field(backend: &Backend, name: &str) -> Result<usize, Failure> {
    let name = name.trim();
    backend
        .fields
        .iter()
        .position(|f| f.key.to_string() == name)
        .or_else(|| backend.field_index(name))
        .or_else(|| backend.fields.iter().position(|f| f.label.eq_ignore_ascii_case(name)))
        .or_else(|| backend.fields.iter().position(|f| f.label.to_lowercase() == name.to_lowercase()))
        .ok_or_else(|| {
            let known: Vec<String> = backend.fields.iter().map(|f| f.key.to_string()).collect();
            Failure::invalid(format!("{}: no field `{name}`; the fields are: {}", backend.name, known.join(", ")))
        })
}

/// A field's input as one line of text: what the form shows, with `yes`/`no` for booleans,
/// `null` for an explicit null and compact JSON for key/value fields and for a value the form
/// shows as received.
pub fn show_input(field: &Field, input: &Input) -> String {
    match field.shown(input) {
        Shown::Text(text) | Shown::Picked(text) => text.replace(['\n', '\r', '\t'], " "),
        Shown::Toggle(on) => (if on { "yes" } else { "no" }).to_string(),
        Shown::Null => "null".to_string(),
        Shown::Kept(value) => value.to_string(),
        // An empty key/value field shows nothing, as in the form.
        Shown::Entries([]) if field.kind.widget() == Widget::Entries => String::new(),
        Shown::Entries(_) => match field.to_json(input) {
            Ok(Some(value)) => value.to_string(),
            Ok(None) => String::new(),
            Err(error) => format!("({error})"),
        },
    }
}

/// Shell completions for `command` (bash, zsh, fish…).
pub fn completions(command: &mut clap::Command, shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    let name = command.get_name().to_string();
    clap_complete::generate(shell, command, name, &mut out);
    out
}

/// The roff man page for `command`.
pub fn man_page(command: clap::Command) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command).render(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_by_key_or_label_and_a_miss_names_them_all() {
        let backend = crate::backend::find("corporatemerch", None).unwrap();
        let email = find_field(&backend, "email").unwrap();
        assert_eq!(backend.fields[email].key.to_string(), "email");
        let label = backend.fields[email].label.to_uppercase();
        assert_eq!(find_field(&backend, &label).unwrap(), email);
        let miss = find_field(&backend, "nope").unwrap_err();
        assert_eq!(miss.code, EXIT_INVALID);
        assert!(miss.message.contains("email") && miss.message.contains("`nope`"), "{}", miss.message);
    }
}
