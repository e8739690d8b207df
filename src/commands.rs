//! Commands that print and exit: `rolo backends` and `rolo check`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::backend::{self, BUILT_IN};
use crate::config::{self, Config};
use crate::http::{Client, PageRequest};

/// One line per backend: its name, title and where it comes from. A user file with a mistake
/// is listed with the mistake, so a broken sixth backend is easy to find.
pub fn list_backends(user_dir: Option<&Path>) -> String {
    let mut out = String::new();
    for (name, _) in BUILT_IN {
        match backend::find(name, None) {
            Ok(b) => writeln!(out, "{name:<16} {:<20} built-in", b.title),
            Err(e) => writeln!(out, "{name:<16} {:<20} built-in, broken: {e}", "?"),
        }
        .expect("writing to a String");
    }
    let Some(dir) = user_dir else { return out };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    for path in files {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let shadows = if BUILT_IN.iter().any(|(n, _)| *n == name) { " (replaces the built-in)" } else { "" };
        match backend::load_file(&path) {
            Ok(b) => writeln!(out, "{name:<16} {:<20} {}{shadows}", b.title, path.display()),
            Err(e) => writeln!(out, "{name:<16} {:<20} {}\n    error: {e}", "?", path.display()),
        }
        .expect("writing to a String");
    }
    out
}

/// One line per backend file that the profiles in `config_file` name by path
/// (`backend = "/home/me/acme.toml"`), which the backends folder does not show: its name,
/// title, path and the profiles using it. A file that cannot be loaded is listed with the
/// mistake, like a broken file in the folder; a config that cannot be read, with its own.
pub fn list_named_by_path(config_file: &Path) -> String {
    match config::load(config_file) {
        Ok(Some(config)) => named_by_path(&config),
        Ok(None) => String::new(),
        Err(e) => format!("profiles not read: {e}\n"),
    }
}

fn named_by_path(config: &Config) -> String {
    let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (profile, settings) in &config.profiles {
        if backend::names_a_file(&settings.backend) {
            users.entry(settings.backend.as_str()).or_default().push(profile);
        }
    }
    let mut out = String::new();
    for (path, profiles) in users {
        let by = format!("(profile{} {})", if profiles.len() == 1 { "" } else { "s" }, profiles.join(", "));
        match backend::load_file(Path::new(path)) {
            Ok(b) => writeln!(out, "{:<16} {:<20} {path} {by}", b.name, b.title),
            Err(e) => writeln!(out, "{:<16} {:<20} {path} {by}\n    error: {e}", "?", "?"),
        }
        .expect("writing to a String");
    }
    out
}

/// Fetches the first page through `client` and reports what came back: how many contacts,
/// the first one, and which form fields its record does not have (a typo in a read path).
pub async fn check(client: &Client, profile: &str) -> Result<String, String> {
    let backend = client.backend();
    let mut out = String::new();
    let url = client.display_url(&backend.list.path, None);
    writeln!(out, "profile {profile}: backend {} ({}), list at {url}", backend.name, backend.title).ok();
    let page = client.list(&PageRequest::first(&backend.list.paging)).await.map_err(|e| {
        let exchange = e.exchange();
        format!("{out}{} {} failed: {e}", exchange.method, exchange.url)
    })?;
    let exchange = &page.exchange;
    let status = exchange.status.unwrap_or_default();
    writeln!(out, "{} {} → {status} in {} ms", exchange.method, exchange.url, exchange.latency.as_millis()).ok();
    let total = page.total.map_or_else(String::new, |t| format!(" of {t}"));
    let more = if page.next.is_some() { ", more pages follow" } else { ", no more pages" };
    writeln!(out, "{} contacts on the first page{total}{more}", page.contacts.len()).ok();
    if page.skipped > 0 {
        writeln!(out, "warning: {} records had no id at `{}` and were left out", page.skipped, backend.record.id).ok();
    }
    if let Some(first) = page.contacts.first() {
        writeln!(out, "first contact: {} (id {})", first.title(backend), first.id).ok();
        let missing: Vec<&str> = backend
            .fields
            .iter()
            .filter(|f| f.read_path().get(&first.record).is_none())
            .map(|f| f.read_path().as_str())
            .collect();
        if missing.is_empty() {
            writeln!(out, "every form field was found in that record").ok();
        } else {
            writeln!(out, "not in that record (empty, or a wrong `read` path?): {}", missing.join(", ")).ok();
        }
    }
    Ok(out)
}

/// `rolo import`: reads an OpenAPI description, writes the backend file to `out` (or standard
/// output) and the summary of guesses and skipped parts to standard error. The description
/// is not held to the 1 MiB of backend files: vendors' descriptions run to megabytes.
pub fn import(spec: &Path, mut options: crate::import::Options, out: Option<&Path>) -> color_eyre::Result<()> {
    use color_eyre::eyre::{WrapErr, eyre};
    use std::io::Write as _;
    // `rolo import acme.yaml` makes backend `acme`, the name a profile will use.
    if options.name.is_none() {
        options.name = spec.file_stem().map(|stem| stem.to_string_lossy().to_lowercase());
    }
    if !std::fs::metadata(spec).wrap_err_with(|| format!("reading {}", spec.display()))?.is_file() {
        return Err(eyre!("{}: not a regular file", spec.display()));
    }
    let text = std::fs::read_to_string(spec).wrap_err_with(|| format!("reading {}", spec.display()))?;
    let imported = crate::import::import(&text, &options).map_err(|e| eyre!("{}: {e}", spec.display()))?;
    // The file is checked as `rolo backends` would before anyone is told it is ready.
    let checked = backend::parse(&imported.text, "the generated file").map_err(|e| {
        eyre!("{}: the generated backend file does not load (a bug in rolo import): {e}", spec.display())
    })?;
    let mut summary = String::new();
    for note in &imported.notes {
        writeln!(summary, "  {note}").expect("writing to a String");
    }
    let (fields, guesses) =
        (checked.fields.len(), imported.notes.iter().filter(|n| matches!(n, crate::import::Note::Guess(_))).count());
    match out {
        // A backend file the user may have edited by hand is never overwritten.
        Some(path) if std::fs::symlink_metadata(path).is_ok() => {
            return Err(eyre!("{} exists; remove it or write elsewhere with --out", path.display()));
        }
        Some(path) => std::fs::write(path, &imported.text).wrap_err_with(|| format!("writing {}", path.display()))?,
        None => std::io::stdout().write_all(imported.text.as_bytes())?,
    }
    let written = out.map_or_else(|| "standard output".to_string(), |p| p.display().to_string());
    let _ = write!(
        std::io::stderr(),
        "rolo import: backend `{}` with {fields} fields written to {written}; {guesses} guesses to check:\n{summary}",
        checked.name
    );
    Ok(())
}
