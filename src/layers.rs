//! The layers' rules, checked on the source itself, so a change that breaks one fails a test
//! that names the file and line: `app` does no I/O and imports neither the views nor the loop;
//! `ui` keeps nothing of its own between frames and sends nothing; only the sandbox and the
//! backend files name a vendor.
//!
//! The files are read as text: comments are left out (they may name anything), string
//! contents are left out of the import rules, and test code (`#[cfg(test)]` items and the
//! files of `#[cfg(test)] mod x;`) is left out of every rule.

use std::path::Path;

/// The vendors whose names belong in `assets/backends/` and `src/sandbox/` only.
const VENDORS: [&str; 6] = ["corporatemerch", "informly", "insighto", "vixiees", "bird", "findly"];

/// Lines outside the sandbox that may name a vendor: (file under `src/`, text on the line, why).
const VENDOR_ALLOWED: [(&str, &str, &str); 1] = [(
    "backend/mod.rs",
    "include_str!(\"../../assets/backends/",
    "the built-in backend files are embedded by their file names; the names are the data's",
)];

/// Names that mean state kept behind a shared reference (interior mutability) or per thread.
const INTERIOR: [&str; 7] = ["Cell", "RefCell", "UnsafeCell", "OnceCell", "Mutex", "RwLock", "thread_local"];

/// One source file under `src/`, line for line: the code without comments or string contents,
/// the text without comments (strings kept), and which lines are test code.
struct Source {
    path: String,
    code: Vec<String>,
    text: Vec<String>,
    test: Vec<bool>,
}

/// A path the code names (`crate::ui::Look`, `std::fs`), made absolute, and its line (1-based).
struct Named {
    path: Vec<String>,
    line: usize,
}

/// Blanks comments in both copies and string and char contents in the first; line breaks stay.
fn mask(src: &str) -> (String, String) {
    let s: Vec<char> = src.chars().collect();
    let (mut code, mut text) = (s.clone(), s.clone());
    let blank = |v: &mut Vec<char>, i: usize| {
        if v[i] != '\n' {
            v[i] = ' ';
        }
    };
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < s.len() {
        let next = s.get(i + 1).copied();
        if s[i] == '/' && next == Some('/') {
            while i < s.len() && s[i] != '\n' {
                blank(&mut code, i);
                blank(&mut text, i);
                i += 1;
            }
        } else if s[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < s.len() {
                let pair = (s[i], s.get(i + 1).copied());
                let step = if matches!(pair, ('/', Some('*')) | ('*', Some('/'))) { 2 } else { 1 };
                depth += match pair {
                    ('/', Some('*')) => 1,
                    ('*', Some('/')) => -1,
                    _ => 0,
                };
                for j in i..(i + step).min(s.len()) {
                    blank(&mut code, j);
                    blank(&mut text, j);
                }
                i += step;
                if depth == 0 {
                    break;
                }
            }
        } else if s[i] == '"' || (s[i] == '\'' && (next == Some('\\') || s.get(i + 2) == Some(&'\''))) {
            // A string, or a char literal ('"', '{', '\''); a lifetime ('a) has no closing quote.
            let quote = s[i];
            i += 1;
            while i < s.len() && s[i] != quote {
                let step = if s[i] == '\\' { 2 } else { 1 };
                for j in i..(i + step).min(s.len()) {
                    blank(&mut code, j);
                }
                i += step;
            }
            i += 1;
        } else if ident(s[i]) {
            let start = i;
            while i < s.len() && ident(s[i]) {
                i += 1;
            }
            let word: String = s[start..i].iter().collect();
            let hashes = s[i..].iter().take_while(|&&c| c == '#').count();
            if matches!(word.as_str(), "r" | "br" | "cr") && s.get(i + hashes) == Some(&'"') {
                // A raw string: r#"…"#, ended by a quote and as many hashes.
                i += hashes + 1;
                let ends = |k: usize| s[k] == '"' && (1..=hashes).all(|h| s.get(k + h) == Some(&'#'));
                while i < s.len() && !ends(i) {
                    blank(&mut code, i);
                    i += 1;
                }
                i += hashes + 1;
            }
        } else {
            i += 1;
        }
    }
    (code.into_iter().collect(), text.into_iter().collect())
}

/// The 0-based lines of each `#[cfg(test)]` item in `code`, and the modules declared by
/// `#[cfg(test)] mod name;` (whose files are test code).
fn test_items(code: &str) -> (Vec<(usize, usize)>, Vec<String>) {
    const ATTRIBUTE: &str = "#[cfg(test)]";
    let line_of = |at: usize| code[..at].matches('\n').count();
    let (mut lines, mut modules) = (Vec::new(), Vec::new());
    for (start, _) in code.match_indices(ATTRIBUTE) {
        let after = start + ATTRIBUTE.len();
        let Some(stop) = code[after..].find(['{', ';']).map(|k| after + k) else { continue };
        if code[stop..].starts_with(';') {
            if let Some(name) = code[after..stop].trim().strip_prefix("mod ").or_else(|| {
                code[after..stop].split_once(" mod ").map(|(_, name)| name) // pub mod, pub(crate) mod
            }) {
                modules.push(name.trim().to_string());
            }
            lines.push((line_of(start), line_of(stop)));
            continue;
        }
        let mut depth = 0;
        let mut end = stop;
        for (k, c) in code[stop..].char_indices() {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            if depth == 0 {
                end = stop + k;
                break;
            }
        }
        lines.push((line_of(start), line_of(end)));
    }
    (lines, modules)
}

/// The directory a file's submodules live in: `app/form.rs` → `app/form`, `app/mod.rs` → `app`.
fn module_dir(path: &str) -> String {
    let stem = path.strip_suffix(".rs").unwrap_or(path);
    match stem.rsplit_once('/') {
        Some((dir, "mod")) => dir.to_string(),
        None if matches!(stem, "lib" | "main" | "mod") => String::new(),
        _ => stem.to_string(),
    }
}

/// One file, masked, its test items marked; and the test modules it declares (`mod tests;`).
fn read(path: &str, src: &str) -> (Source, Vec<String>) {
    let (code, text) = mask(src);
    let (items, modules) = test_items(&code);
    let code: Vec<String> = code.lines().map(str::to_string).collect();
    let mut test = vec![false; code.len()];
    for (first, last) in items {
        test[first..=last.min(code.len().saturating_sub(1))].iter_mut().for_each(|t| *t = true);
    }
    (Source { path: path.into(), code, text: text.lines().map(str::to_string).collect(), test }, modules)
}

/// Every `.rs` file under `src/`, masked, with its test lines marked.
fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("src/ is readable").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path.strip_prefix(&root).expect("under src/").to_string_lossy().replace('\\', "/");
                files.push((name, std::fs::read_to_string(&path).expect("source is UTF-8")));
            }
        }
    }
    let mut test_prefixes = Vec::new();
    let mut sources: Vec<Source> = files
        .iter()
        .map(|(path, src)| {
            let (source, modules) = read(path, src);
            let dir = module_dir(path);
            for module in modules {
                let base = if dir.is_empty() { module } else { format!("{dir}/{module}") };
                test_prefixes.extend([format!("{base}.rs"), format!("{base}/")]);
            }
            source
        })
        .collect();
    for source in &mut sources {
        if test_prefixes.iter().any(|p| source.path == *p || (p.ends_with('/') && source.path.starts_with(p.as_str())))
        {
            source.test.iter_mut().for_each(|t| *t = true);
        }
    }
    sources
}

/// Identifiers, `::` and single punctuation of the code lines that are not tests, with lines.
fn tokens(source: &Source) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (n, line) in source.code.iter().enumerate().filter(|(n, _)| !source.test[*n]) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_alphanumeric() || c == '_' {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((chars[start..i].iter().collect(), n + 1));
                continue;
            }
            if c == ':' && chars.get(i + 1) == Some(&':') {
                out.push(("::".into(), n + 1));
                i += 2;
                continue;
            }
            if !c.is_whitespace() {
                out.push((c.to_string(), n + 1));
            }
            i += 1;
        }
    }
    out
}

/// True for an identifier or keyword (`crate`, `std`, `Cell`).
fn is_word(token: &str) -> bool {
    token.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Every path the code names, `use` groups expanded, `crate`/`super`/`self` made absolute
/// (`crate::app::list`); paths of other crates (`std::fs`) stay as written.
fn named_paths(source: &Source) -> Vec<Named> {
    let tokens = tokens(source);
    let mut raw = Vec::new();
    for i in 0..tokens.len() {
        let starts = is_word(&tokens[i].0)
            && tokens.get(i + 1).is_some_and(|(s, _)| s == "::")
            && (i == 0 || tokens[i - 1].0 != "::");
        if starts {
            let mut at = i;
            tree(&tokens, &mut at, Vec::new(), &mut raw);
        }
    }
    let module: Vec<String> = module_dir(&source.path).split('/').filter(|s| !s.is_empty()).map(String::from).collect();
    // The file's own module: `super` in `app/form.rs` ([app, form]) is `crate::app`.
    let own = module;
    raw.into_iter()
        .map(|(path, line)| {
            let supers = path.iter().take_while(|s| *s == "super").count();
            let path = match path[0].as_str() {
                "crate" => path,
                "self" => ["crate".to_string()]
                    .into_iter()
                    .chain(own.iter().cloned())
                    .chain(path[1..].iter().cloned())
                    .collect(),
                "super" => ["crate".to_string()]
                    .into_iter()
                    .chain(own[..own.len().saturating_sub(supers)].iter().cloned())
                    .chain(path[supers..].iter().cloned())
                    .collect(),
                _ => path,
            };
            Named { path, line }
        })
        .collect()
}

/// Reads one path or `use` tree from `tokens[*at]` on, adding each full path to `out`.
fn tree(tokens: &[(String, usize)], at: &mut usize, mut path: Vec<String>, out: &mut Vec<(Vec<String>, usize)>) {
    let mut line = tokens.get(*at).map_or(0, |t| t.1);
    while let Some((token, token_line)) = tokens.get(*at) {
        if token == "{" {
            *at += 1;
            while tokens.get(*at).is_some_and(|(t, _)| t != "}") {
                tree(tokens, at, path.clone(), out);
                if tokens.get(*at).is_some_and(|(t, _)| t == ",") {
                    *at += 1;
                } else {
                    break;
                }
            }
            *at += 1;
            return;
        }
        if token == "*" || is_word(token) {
            path.push(token.clone());
            line = *token_line;
            *at += 1;
        } else {
            break;
        }
        if tokens.get(*at).is_some_and(|(t, _)| t == "::") && path.last().is_some_and(|p| p != "*") {
            *at += 1;
        } else {
            break;
        }
    }
    if !path.is_empty() {
        out.push((path, line));
    }
}

/// `file:line: what` for each identifier of `names` in the code (not tests) of `source`.
fn uses_names(source: &Source, names: &[&str], why: &str) -> Vec<String> {
    tokens(source)
        .into_iter()
        .filter(|(t, _)| names.contains(&t.as_str()))
        .map(|(t, line)| format!("src/{}:{line}: `{t}` ({why})", source.path))
        .collect()
}

/// `file:line: path (why)` for each path of `source` that `rule` forbids, saying why.
fn forbidden_paths(source: &Source, rule: impl Fn(&[&str]) -> Option<&'static str>) -> Vec<String> {
    let mut found = Vec::new();
    for named in named_paths(source) {
        let p: Vec<&str> = named.path.iter().map(String::as_str).collect();
        if let Some(why) = rule(&p) {
            found.push(format!("src/{}:{}: `{}` ({why})", source.path, named.line, p.join("::")));
        }
    }
    found
}

/// What `app` may not do: import the views, the loop, the sandbox, the commands or what opens a
/// connection; hold a client; do I/O; keep state behind a shared reference.
fn app_rules(source: &Source) -> Vec<String> {
    let mut found = forbidden_paths(source, |p| match p {
        ["crate", "ui" | "tui" | "sandbox" | "headless" | "import" | "connect", ..] => {
            Some("app imports nothing above it")
        }
        ["crate", "http", "Client" | "*", ..] => Some("app holds no live client: `update` sends nothing"),
        // The index's rows and writes are data; the file is the loop's.
        ["crate", "index", "Index" | "status" | "clear" | "*", ..] => Some("app does no I/O: the loop opens the index"),
        ["std" | "core", "fs" | "io" | "process" | "env" | "net", ..] => Some("app does no I/O"),
        ["tokio" | "reqwest", ..] => Some("app does no I/O"),
        ["std" | "core", "cell", ..] => Some("no interior mutability in app"),
        _ => None,
    });
    found.extend(uses_names(source, &INTERIOR, "no interior mutability in app"));
    found
}

/// What `ui` may not do: keep state of its own between frames, reach the loop, send, or do I/O.
fn ui_rules(source: &Source) -> Vec<String> {
    let mut found = forbidden_paths(source, |p| match p {
        ["crate", "tui", ..] => Some("ui does not reach the loop"),
        ["crate", "http", "Client" | "*", ..] => Some("ui sends nothing"),
        ["std" | "core", "cell", ..] => Some("ui keeps no state of its own"),
        ["std" | "core", "fs" | "io" | "process" | "env" | "net", ..] | ["tokio" | "reqwest", ..] => {
            Some("ui draws; the loop does the I/O")
        }
        _ => None,
    });
    // ratatui's table `Cell` is fine; `std::cell::Cell` is caught by its path above.
    found.extend(uses_names(source, &INTERIOR[1..], "ui keeps no state of its own"));
    found
}

/// Vendor names in code and strings (not comments, not tests), outside the allowed lines.
fn vendor_rules(source: &Source) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in source.text.iter().enumerate().filter(|(n, _)| !source.test[*n]) {
        let lower = line.to_lowercase();
        let joined: String = lower.chars().filter(|c| !matches!(c, '_' | '-' | ' ')).collect();
        let names = |vendor: &str| {
            if vendor == "bird" {
                // Only the word: not part of a longer one.
                lower.match_indices("bird").any(|(k, _)| {
                    let before = lower[..k].chars().next_back();
                    let after = lower[k + 4..].chars().next();
                    !before.is_some_and(|c| c.is_ascii_alphabetic()) && !after.is_some_and(|c| c.is_ascii_alphabetic())
                })
            } else {
                joined.contains(vendor)
            }
        };
        let allowed = VENDOR_ALLOWED.iter().any(|(file, text, _)| source.path == *file && line.contains(text));
        for vendor in VENDORS.iter().filter(|v| names(v)) {
            if !allowed {
                found.push(format!(
                    "src/{}:{}: names `{vendor}` (only the sandbox and the backend files do)",
                    source.path,
                    n + 1
                ));
            }
        }
    }
    found
}

/// Every rule over the whole of `src/`.
fn violations(sources: &[Source]) -> Vec<String> {
    let mut found = Vec::new();
    for source in sources {
        if source.path.starts_with("app/") {
            found.extend(app_rules(source));
        }
        if source.path.starts_with("ui/") {
            found.extend(ui_rules(source));
        }
        if !source.path.starts_with("sandbox/") {
            found.extend(vendor_rules(source));
        }
    }
    found
}

#[test]
fn the_layers_keep_their_rules() {
    let sources = sources();
    assert!(sources.iter().any(|s| s.path == "app/mod.rs") && sources.iter().any(|s| s.path == "ui/mod.rs"));
    let found = violations(&sources);
    assert!(found.is_empty(), "layer rules broken:\n{}", found.join("\n"));
}

/// One made-up file, read as the real ones are.
fn source(path: &str, src: &str) -> Source {
    read(path, src).0
}

#[test]
fn each_rule_catches_what_it_forbids() {
    let app = source(
        "app/keymap/press.rs",
        "use crate::{app::State, ui::{Look, theme::Theme}};\nuse super::super::super::tui::runtime;\n\
         use std::{fmt, io::Write};\nfn f() { let _ = std::fs::read(\"x\"); }\nthread_local! {}\n\
         use std::cell::RefCell;\nuse crate::http::{Client, Wire};\n",
    );
    let found = app_rules(&app);
    for expected in [
        "press.rs:1: `crate::ui::Look`",
        "press.rs:1: `crate::ui::theme::Theme`",
        "press.rs:2: `crate::tui::runtime`",
        "press.rs:3: `std::io::Write`",
        "press.rs:4: `std::fs::read`",
        "press.rs:5: `thread_local`",
        "press.rs:6: `std::cell::RefCell`",
        "press.rs:6: `RefCell`",
        "press.rs:7: `crate::http::Client`",
    ] {
        assert!(found.iter().any(|f| f.contains(expected)), "{expected} not in {found:#?}");
    }
    assert_eq!(found.len(), 9, "{found:#?}");

    let ui = source(
        "ui/list.rs",
        "use ratatui::widgets::Cell;\nuse crate::http::{Progress, Client};\nuse std::cell::Cell as C;\n",
    );
    let found = ui_rules(&ui);
    assert!(
        found.len() == 2 && found[0].contains("list.rs:2: `crate::http::Client`") && found[1].contains(":3:"),
        "{found:#?}"
    );

    let vendors = source(
        "connect.rs",
        "let a = \"Vixiees\";\nfn corporate_merch() {}\nlet birds = 1;\nlet b = Some(\"bird\");\n",
    );
    let found = vendor_rules(&vendors);
    assert!(found.len() == 3 && [":1:", ":2:", ":4:"].iter().zip(&found).all(|(l, f)| f.contains(l)), "{found:#?}");
}

#[test]
fn comments_strings_and_tests_are_not_code() {
    let app = source(
        "app/list.rs",
        "// see `crate::ui::list`\nlet s = \"std::fs\"; let c = '\"'; let r = r#\"tokio::spawn\"#;\n/* crate::tui */\n\
         #[cfg(test)]\nmod tests {\n    use std::fs;\n    const T: &str = \"vixiees {\";\n}\nfn after() { let _ = std::env::var(\"X\"); }\n",
    );
    let found = app_rules(&app);
    assert!(found.len() == 1 && found[0].contains("list.rs:9: `std::env::var`"), "{found:#?}");
    assert!(vendor_rules(&app).is_empty());
}
