//! Editing a draft in the user's own editor (`$VISUAL`/`$EDITOR`), like `kubectl edit`.
//!
//! Pure: the draft becomes a document (TOML or JSON), the document comes back as new inputs,
//! and anything wrong with it goes back to the editor as `# error:` lines on top of the user's
//! own text, so nothing typed is lost. Running the editor is the event loop's job (`tui::editor_process`).
//!
//! The document has one entry per writable field, keyed by the field's key as the backend file
//! writes it. Text is a string, toggles are booleans, lists are arrays, key/value fields are
//! tables. A field left out keeps its value; `""` empties a field (null where the vendor takes
//! null). TOML has no null, so in key/value tables `{}` stands for a null value.
//! How each field type is written and read back is the type's own
//! ([`Field::document_value`], [`Field::read_document_value`]); this module lays out the file.
//!
//! The profile's secret, should a server have echoed it into a field, is masked (`***`) in the
//! document; a value that comes back still masked is no change, so the field keeps its value.

use serde_json::{Map, Value};

use super::{Effect, State};
use crate::backend::{Backend, Field};
use crate::config::EditorFormat;
use crate::record::{Draft, Entry, Input};
use crate::validate::validate;

/// The prefix of the lines that report problems at the top of a document.
pub const ERROR_PREFIX: &str = "# error: ";

/// The file name ending for `format`, so editors highlight the document.
pub fn extension(format: EditorFormat) -> &'static str {
    match format {
        EditorFormat::Toml => "toml",
        EditorFormat::Json => "json",
    }
}

/// The document the user edits: a comment header, then one entry per writable field.
pub fn document(backend: &Backend, draft: &Draft, format: EditorFormat) -> String {
    let mut out = String::new();
    let title = draft.loaded.title(backend);
    out.push_str(&format!("# rolo: {} (id {}), {}\n", title.trim(), draft.loaded.id, backend.title));
    out.push_str("# Change the values, save and quit: they go into the form's draft, and nothing is\n");
    out.push_str("# sent until you press Ctrl-S. Save unchanged or empty to cancel.\n");
    out.push_str("# A field left out keeps its value; \"\" empties a field (null where the vendor allows).\n");
    out.push_str("# Toggles are true/false, lists are arrays: [12, 31] or [\"a\", \"b\"].\n");
    match format {
        EditorFormat::Toml => out.push_str("# TOML has no null: in key/value tables, {} stands for null.\n"),
        EditorFormat::Json => out.push_str("# Lines starting with # are dropped before the JSON is read.\n"),
    }
    let read_only: Vec<(&Field, &Input)> =
        backend.fields.iter().zip(draft.inputs()).filter(|(f, i)| shown_only(f, i)).collect();
    if !read_only.is_empty() {
        out.push_str("#\n# Read-only (changes here are ignored):\n");
        for (field, input) in read_only {
            let value = serde_json::to_string(&field.document_value(input, EditorFormat::Json)).unwrap_or_default();
            out.push_str(&format!("#   {} = {value}\n", field.name()));
            if let Input::Kept(kept) = input {
                out.push_str(&format!("#     (sent back as it came: {})\n", field.kept_reason(kept)));
            }
        }
    }
    let writable = backend.fields.iter().zip(draft.inputs()).filter(|(f, i)| !shown_only(f, i));
    match format {
        EditorFormat::Toml => {
            out.push('\n');
            for (field, input) in writable {
                let value = toml_value(&field.document_value(input, format));
                out.push_str(&format!("{} = {value}\n", toml_key(field.name())));
            }
        }
        EditorFormat::Json => {
            let map: Map<String, Value> = writable
                .map(|(field, input)| (field.name().to_string(), field.document_value(input, format)))
                .collect();
            out.push_str(&serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

/// True for a field the document shows but does not let the user change: a read-only field,
/// or a value kept exactly as the server sent it (which the form does not edit either).
fn shown_only(field: &Field, input: &Input) -> bool {
    field.read_only || matches!(input, Input::Kept(_))
}

/// A key as TOML writes it: bare when it can be, else quoted.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { key.to_string() } else { toml_value(&Value::String(key.to_string())) }
}

/// A value written as TOML (inline tables for objects).
fn toml_value(value: &Value) -> String {
    match value {
        Value::Null => "{}".to_string(),
        Value::Object(map) if map.is_empty() => "{}".to_string(),
        Value::Object(map) => {
            let items: Vec<String> = map.iter().map(|(k, v)| format!("{} = {}", toml_key(k), toml_value(v))).collect();
            format!("{{ {} }}", items.join(", "))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(toml_value).collect::<Vec<_>>().join(", ")),
        // JSON's escapes are valid in TOML basic strings, and keep the value on one line.
        Value::String(_) | Value::Bool(_) | Value::Number(_) => value.to_string(),
    }
}

/// The new inputs a document asks for, as `(field index, input)` for each field it changes,
/// or every problem with it (syntax, unknown keys, wrong types, and what validation finds).
pub fn read_document(
    backend: &Backend,
    draft: &Draft,
    format: EditorFormat,
    text: &str,
) -> Result<Vec<(usize, Input)>, Vec<String>> {
    let body = strip_errors(text);
    let parsed = match format {
        EditorFormat::Toml => parse_toml(body),
        EditorFormat::Json => parse_json(body),
    }
    .map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    for (key, value) in &parsed {
        let Some(index) = backend.field_index(key) else {
            errors.push(format!("`{key}` is not a field of {} (check the spelling)", backend.title));
            continue;
        };
        let field = &backend.fields[index];
        if shown_only(field, draft.input(index)) {
            // Shown as a comment; written anyway it is ignored unless it tries to change.
            if field.document_value(draft.input(index), format) != *value {
                let why = match draft.input(index) {
                    Input::Kept(kept) => format!("read-only, sent back as it came: {}", field.kept_reason(kept)),
                    _ => "read-only, it cannot be changed".to_string(),
                };
                errors.push(format!("{}: {why}", field.name()));
            }
            continue;
        }
        match field.read_document_value(value, draft.input(index), format) {
            Ok(input) if input != *draft.input(index) => changes.push((index, input)),
            Ok(_) => {}
            Err(message) => errors.push(format!("{}: {message}", field.name())),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    changes.sort_by_key(|(index, _)| *index);
    // The same checks as the form; only problems this edit brings are reasons to refuse it.
    let before = validate(backend, draft);
    let mut candidate = draft.clone();
    for (index, input) in &changes {
        candidate.set(*index, input.clone());
    }
    let problems: Vec<String> = validate(backend, &candidate)
        .into_iter()
        .filter(|e| !before.contains(e))
        .map(|e| format!("{}: {}", backend.fields[e.field].name(), e.message))
        .collect();
    if problems.is_empty() { Ok(changes) } else { Err(problems) }
}

/// `text` without the error block rolo put on top of it last time.
fn strip_errors(text: &str) -> &str {
    let mut rest = text;
    while rest.starts_with(ERROR_PREFIX.trim_end()) {
        rest = rest.split_once('\n').map_or("", |(_, after)| after);
    }
    rest
}

fn parse_toml(body: &str) -> Result<Map<String, Value>, String> {
    let table: toml::Table = toml::from_str(body).map_err(|e| {
        let line = e.span().map(|span| body[..span.start.min(body.len())].matches('\n').count() + 1);
        let message = e.message().replace('\n', " ");
        match line {
            // The error line rolo adds on top moves the user's text one line down.
            Some(line) => format!("TOML syntax, line {}: {message}", line + 1),
            None => format!("TOML syntax: {message}"),
        }
    })?;
    Ok(table.into_iter().map(|(k, v)| (k, from_toml(v))).collect())
}

fn from_toml(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(n) => Value::from(n),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        // An unquoted date is taken as the text it is.
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(from_toml).collect()),
        toml::Value::Table(table) => Value::Object(table.into_iter().map(|(k, v)| (k, from_toml(v))).collect()),
    }
}

fn parse_json(body: &str) -> Result<Map<String, Value>, String> {
    // Comment lines become empty lines, so line numbers still point into the user's file.
    let cleaned: String = body
        .lines()
        .map(|line| if line.trim_start().starts_with('#') { "" } else { line })
        .collect::<Vec<_>>()
        .join("\n");
    match serde_json::from_str::<Value>(&cleaned) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("expected one JSON object { \"key\": value, … }".into()),
        Err(e) => Err(format!("JSON syntax, line {}: {e}", e.line() + 1)),
    }
}

/// The user's text with `errors` on top, in place of any earlier error block.
pub fn annotate(text: &str, errors: &[String]) -> String {
    let mut out = String::new();
    for error in errors {
        for line in error.lines() {
            out.push_str(ERROR_PREFIX);
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(strip_errors(text));
    out
}

/// The draft as the editor may see it: the profile's secret masked in every value. Changes
/// are read against it, so a masked value that comes back untouched is no change.
fn shown_draft(state: &State, draft: &Draft) -> Draft {
    let Some(redactor) = state.wire.as_ref().map(|wire| wire.redactor()).filter(|r| !r.is_empty()) else {
        return draft.clone();
    };
    let mut shown = draft.clone();
    for index in 0..state.backend.fields.len() {
        let input = match draft.input(index) {
            Input::Text(text) => Input::Text(redactor.string(text.clone())),
            Input::Map(entries) => Input::Map(
                entries
                    .iter()
                    .map(|e| Entry {
                        key: redactor.string(e.key.clone()),
                        text: redactor.string(e.text.clone()),
                        ..e.clone()
                    })
                    .collect(),
            ),
            Input::Kept(value) => Input::Kept(redactor.json_copy(value)),
            Input::Toggle(_) | Input::Null => continue,
        };
        if input != *draft.input(index) {
            shown.set(index, input);
        }
    }
    shown
}

/// The key: write the open draft to a document and ask for the editor.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    let Some(form) = &state.form else { return Vec::new() };
    if state.requests.any(|p| matches!(p, super::Purpose::FormSave { .. } | super::Purpose::FormConflictCheck)) {
        state.notify("Wait for the send to finish (or Esc to cancel it) before editing", true);
        return Vec::new();
    }
    let shown = shown_draft(state, &form.draft);
    let text = document(&state.backend, &shown, state.editor_format);
    let text = match &state.wire {
        Some(wire) => wire.redactor().string(text),
        None => text,
    };
    vec![Effect::EditExternally {
        contact_id: form.draft.loaded.id.clone(),
        text,
        extension: extension(state.editor_format),
    }]
}

/// The editor returned: apply the document, cancel, or ask again with the problems on top.
pub(super) fn on_edited(
    state: &mut State,
    contact_id: &str,
    sent: &str,
    result: Result<String, String>,
) -> Vec<Effect> {
    let backend = std::sync::Arc::clone(&state.backend);
    let format = state.editor_format;
    let shown = state.form.as_ref().map(|form| shown_draft(state, &form.draft));
    let Some(form) = state.form.as_mut().filter(|f| f.draft.loaded.id == contact_id) else {
        state.notify("The contact was closed while you edited; your edit was not applied", true);
        return Vec::new();
    };
    let text = match result {
        Ok(text) => text,
        Err(message) => {
            state.notify(format!("{message}; the draft is unchanged"), true);
            return Vec::new();
        }
    };
    if text.trim().is_empty() || text == sent {
        state.notify("Edit cancelled; the draft is unchanged", false);
        return Vec::new();
    }
    let shown = shown.unwrap_or_else(|| form.draft.clone());
    match read_document(&backend, &shown, format, &text) {
        Ok(changes) => {
            let count = changes.len();
            for (index, input) in changes {
                form.set_input(&backend, index, input);
            }
            form.revalidate(&backend);
            let message = match count {
                0 => "No field changed in the editor".to_string(),
                1 => "1 field changed in the editor".to_string(),
                n => format!("{n} fields changed in the editor"),
            };
            state.notify(message, false);
            Vec::new()
        }
        Err(errors) => vec![Effect::EditExternally {
            contact_id: contact_id.to_string(),
            text: annotate(&text, &errors),
            extension: extension(format),
        }],
    }
}

#[cfg(test)]
mod tests;
