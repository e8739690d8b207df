//! Backend descriptions: which vendor API rolo talks to, read from data files.
//!
//! Built-in files live in `assets/backends/` and are compiled into the binary; users add
//! their own as `$XDG_CONFIG_HOME/rolo/backends/NAME.toml` or name a file in a profile.

pub mod path;
mod spec;

use std::fmt;
use std::path::{Path as FsPath, PathBuf};

pub use spec::*;

/// The backend files shipped inside the binary, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("corporatemerch", include_str!("../../assets/backends/corporatemerch.toml")),
    ("informly", include_str!("../../assets/backends/informly.toml")),
    ("insighto", include_str!("../../assets/backends/insighto.toml")),
    ("vixiees", include_str!("../../assets/backends/vixiees.toml")),
    ("bird", include_str!("../../assets/backends/bird.toml")),
];

/// A backend file that could not be used: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError {
    /// The file (or `built-in NAME`).
    pub source: String,
    /// 1-based line of the mistake, when known.
    pub line: Option<usize>,
    /// What is wrong, and a hint.
    pub message: String,
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.source, line, self.message),
            None => write!(f, "{}: {}", self.source, self.message),
        }
    }
}

impl std::error::Error for BackendError {}

/// True when a profile's `backend` is a path to a file (`/home/me/acme.toml`, `acme.toml`),
/// not the name of a built-in or of a file in the backends folder.
pub fn names_a_file(name_or_path: &str) -> bool {
    name_or_path.contains('/') || name_or_path.ends_with(".toml")
}

/// Finds a backend by built-in name, user file name, or path, and loads it.
///
/// `user_dir` is the user's `backends/` folder (injected so tests need not touch the environment).
pub fn find(name_or_path: &str, user_dir: Option<&FsPath>) -> Result<Backend, BackendError> {
    if names_a_file(name_or_path) {
        return load_file(FsPath::new(name_or_path));
    }
    if let Some(dir) = user_dir {
        let candidate: PathBuf = dir.join(format!("{name_or_path}.toml"));
        // Anything by that name counts: a directory or FIFO there is refused, not skipped over.
        if std::fs::symlink_metadata(&candidate).is_ok() {
            return load_file(&candidate);
        }
    }
    match BUILT_IN.iter().find(|(name, _)| *name == name_or_path) {
        Some((name, text)) => parse(text, &format!("built-in backend `{name}`")),
        None => Err(BackendError {
            source: name_or_path.to_string(),
            line: None,
            message: format!(
                "no backend named `{name_or_path}`; built-in backends are: {}",
                BUILT_IN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

/// Loads a backend file from disk.
pub fn load_file(path: &FsPath) -> Result<Backend, BackendError> {
    let source = path.display().to_string();
    let text = crate::files::read_text(path).map_err(|e| BackendError {
        source: source.clone(),
        line: None,
        message: format!("cannot read the backend file: {e}"),
    })?;
    parse(&text, &source)
}

/// Parses and checks backend file text; `source` names it in messages.
pub fn parse(text: &str, source: &str) -> Result<Backend, BackendError> {
    let mut backend: Backend = toml::from_str(text).map_err(|e| BackendError {
        source: source.to_string(),
        line: e.span().map(|span| line_of(text, span.start)),
        message: format!("{} (see docs/backends.md for every key)", e.message().trim_end()),
    })?;
    check(&mut backend).map_err(|(needle, message)| BackendError {
        source: source.to_string(),
        line: needle.and_then(|n| text.find(&n)).map(|at| line_of(text, at)),
        message,
    })?;
    Ok(backend)
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// Checks what serde cannot: cross references, patterns, enum values.
/// Errors carry a snippet of the file to locate the line by.
fn check(backend: &mut Backend) -> Result<(), (Option<String>, String)> {
    if backend.fields.is_empty() {
        return Err((None, "a backend needs at least one [[field]]".into()));
    }
    for field in &mut backend.fields {
        let at = Some(format!("\"{}\"", field.key.as_str()));
        if field.key.as_str().is_empty() {
            return Err((Some("key = \"\"".into()), "a field's `key` must not be empty".into()));
        }
        if !field.key.is_writable() && !field.read_only {
            return Err((
                at,
                format!(
                    "field `{}`: `key` is where the value is written and cannot contain `[]`; \
                     put the reading path in `read` instead",
                    field.key
                ),
            ));
        }
        if field.always_send && !field.key.is_writable() {
            return Err((
                at,
                format!("field `{}`: `always_send` needs a `key` it can be written at, without `[]`", field.key),
            ));
        }
        if field.kind == FieldKind::Enum && field.values.is_empty() {
            return Err((at, format!("field `{}` is an enum but lists no `values`", field.key)));
        }
        if field.pattern.is_some() && (!field.kind.is_text_like() || field.kind.is_list()) {
            return Err((at, format!("field `{}`: `pattern` applies to single-line text kinds only", field.key)));
        }
        let may_be_empty = field.kind.is_text_like() && !field.kind.is_list()
            || matches!(field.kind, FieldKind::Enum | FieldKind::Country);
        if field.empty_ok && (field.required || !may_be_empty) {
            return Err((
                at,
                format!("field `{}`: `empty_ok` is for an optional single-line text, enum or country field", field.key),
            ));
        }
        if let Some(pattern) = &field.pattern {
            let anchored = format!("^(?:{pattern})$");
            let regex = regex::Regex::new(&anchored).map_err(|e| {
                (at.clone(), format!("field `{}`: `pattern` is not a valid regular expression: {e}", field.key))
            })?;
            field.regex = Some(regex);
        }
    }
    let known = |name: &str| backend.fields.iter().any(|f| f.key.as_str() == name);
    for rule in &backend.rules {
        let named: Vec<&String> = match rule {
            Rule::OneOfRequired { fields, .. } => fields.iter().collect(),
            Rule::AllowedWhen { field, when, .. } => vec![field, when],
        };
        if let Some(unknown) = named.into_iter().find(|n| !known(n)) {
            return Err((
                Some(format!("\"{unknown}\"")),
                format!("a [[rule]] names `{unknown}`, which is not the `key` of any [[field]]"),
            ));
        }
    }
    if backend.columns.is_empty() {
        return Err((None, "a backend needs at least one [[column]] for the list".into()));
    }
    check_search(backend)
}

/// A `[search]` must say where the query goes.
fn check_search(backend: &Backend) -> Result<(), (Option<String>, String)> {
    let holds_query = |value: &serde_json::Value| value.to_string().contains(QUERY_HOLE);
    match &backend.search {
        Some(Search::Param { param }) if param.trim().is_empty() => {
            Err((Some("[search]".into()), "[search]: `param` names the query parameter and must not be empty".into()))
        }
        Some(Search::Body { body, .. }) if !holds_query(body) => Err((
            Some("[search]".into()),
            format!("[search]: the `body` must hold `{QUERY_HOLE}` where the query goes"),
        )),
        _ => Ok(()),
    }
}

impl Backend {
    /// The field with this key.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key.as_str() == key)
    }

    /// Index of the field with this key (or whose read path is this).
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.key.as_str() == name)
            .or_else(|| self.fields.iter().position(|f| f.read_path().as_str() == name))
    }

    /// The form field a server's error names. Tried in order: the whole name as a key or read
    /// path (`email`, `properties.email`); its first segment (`lists.0`, an item of `lists`);
    /// its last segment (`body.email`); then the one field whose key ends in that name
    /// (`email` for `properties.email`, as HubSpot names its properties) — none when several
    /// keys end so, since a guess would put the message under the wrong field.
    pub fn field_for_error(&self, name: &str) -> Option<usize> {
        let tail = name.rsplit_once('.').map(|(_, tail)| tail);
        self.field_index(name)
            .or_else(|| name.split_once('.').and_then(|(head, _)| self.field_index(head)))
            .or_else(|| tail.and_then(|tail| self.field_index(tail)))
            .or_else(|| self.field_whose_key_ends_in(tail.unwrap_or(name)))
    }

    fn field_whose_key_ends_in(&self, segment: &str) -> Option<usize> {
        let ends = |f: &Field| f.key.as_str().rsplit('.').next() == Some(segment);
        let mut matching = self.fields.iter().enumerate().filter(|(_, f)| ends(f)).map(|(i, _)| i);
        match (matching.next(), matching.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_backend_loads() {
        for (name, _) in BUILT_IN {
            let backend = find(name, None).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&backend.name, name);
        }
    }

    #[test]
    fn a_typo_names_the_line_and_key() {
        let (_, text) = BUILT_IN[0];
        let broken = text.replacen("label = \"First name\"", "lable = \"First name\"", 1);
        let err = parse(&broken, "cm.toml").unwrap_err();
        assert_eq!(err.source, "cm.toml");
        assert!(err.message.contains("lable"), "{}", err.message);
        let line = err.line.expect("line");
        assert!(broken.lines().nth(line - 1).unwrap().contains("lable"), "line {line}");
    }

    #[test]
    fn a_rule_naming_an_unknown_field_is_refused() {
        let (_, text) = BUILT_IN[0];
        let broken = text.replacen("fields = [\"address\", \"address2\"]", "fields = [\"address\", \"adress2\"]", 1);
        let err = parse(&broken, "cm.toml").unwrap_err();
        assert!(err.message.contains("adress2"), "{}", err.message);
        assert!(err.line.is_some());
    }

    /// A backend with these `[[field]]` keys, all text.
    fn with_keys(keys: &[&str]) -> Backend {
        let mut text = String::from(
            "name = \"t\"\ntitle = \"T\"\n[auth]\nscheme = \"none\"\n[record]\nid = \"id\"\ntitle = \"{id}\"\n\
             [list]\npath = \"/c\"\nitems = \"\"\npaging = { style = \"none\" }\n\
             [get]\npath = \"/c/{id}\"\nrecord = \"\"\n\
             [update]\nmethod = \"PATCH\"\npath = \"/c/{id}\"\nsend = \"changed\"\nrecord = \"\"\n\
             [[column]]\ntitle = \"Id\"\nvalue = \"{id}\"\n",
        );
        for key in keys {
            text.push_str(&format!("[[field]]\nkey = \"{key}\"\nlabel = \"{key}\"\ntype = \"text\"\n"));
        }
        parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_server_error_finds_its_field_by_key_then_segments_then_the_end_of_a_key() {
        let backend = with_keys(&["email", "lists", "properties.firstname", "properties.phone", "work.phone"]);
        let field = |name: &str| backend.field_for_error(name).map(|i| backend.fields[i].key.as_str().to_owned());
        assert_eq!(field("email").as_deref(), Some("email"));
        assert_eq!(field("lists.0").as_deref(), Some("lists"));
        assert_eq!(field("body.email").as_deref(), Some("email"));
        // HubSpot names the property, not the path it is written at.
        assert_eq!(field("firstname").as_deref(), Some("properties.firstname"));
        assert_eq!(field("body.firstname").as_deref(), Some("properties.firstname"));
        // Two keys end in `phone`: no guess, the message stays under the form.
        assert_eq!(field("phone"), None);
        assert_eq!(field("properties.phone").as_deref(), Some("properties.phone"));
        assert_eq!(field("fax"), None);
    }

    #[test]
    fn a_search_says_where_the_query_goes() {
        let (_, text) = BUILT_IN[0];
        let with = |search: &str| parse(&format!("{text}\n[search]\n{search}\n"), "s.toml");
        let param = with("style = \"param\"\nparam = \"q\"").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(&param.search, Some(Search::Param { param }) if param == "q"));
        let body = with(
            "style = \"body\"\npath = \"/s\"\nbody = { a = [\"x {query}\", 2], q = \"{query}\" }\nitems = \"hits\"",
        );
        let Some(Search::Body { method, body, .. }) = body.unwrap_or_else(|e| panic!("{e}")).search else {
            panic!("a body search")
        };
        assert_eq!(method, Method::Post, "POST unless the file says");
        let sent = Search::body_for(&body, "Zoë \"}");
        assert_eq!(sent, serde_json::json!({"a": ["x Zoë \"}", 2], "q": "Zoë \"}"}));
        let err = with("style = \"body\"\npath = \"/s\"\nbody = { q = \"x\" }\nitems = \"hits\"").unwrap_err();
        assert!(err.message.contains("{query}") && err.line.is_some(), "{err}");
        assert!(with("style = \"param\"\nparam = \" \"").is_err());
        assert!(with("style = \"param\"\nparm = \"q\"").unwrap_err().message.contains("parm"));
    }

    #[test]
    fn unknown_names_list_the_built_ins() {
        let err = find("nope", None).unwrap_err();
        assert!(err.message.contains("corporatemerch"));
    }
}
