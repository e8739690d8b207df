//! `rolo update ID field=value…`: the form's edit, validation and save, without the form.

use std::sync::Arc;

use serde_json::{Value, json};

use super::get::{fetch, lines};
use super::list::pretty;
use super::{Connection, Failure, Output, find_field, show_input};
use crate::backend::Backend;
use crate::connect::Request;
use crate::http::{ALREADY_STORED, WriteOutcome, differences_note};
use crate::record::{Difference, Draft, Input};
use crate::validate::validate;
use crate::visible::visible;

/// What `rolo update` was asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The contact's id, as `rolo list` shows it.
    pub id: String,
    /// `field=value` assignments, in order; `field=` empties the field.
    pub assignments: Vec<String>,
    /// Print the request instead of sending it.
    pub dry_run: bool,
    /// Print JSON: the stored record, or for a dry run `{method, url, body}`.
    pub json: bool,
}

/// `field=value` read against the backend: the field's index and the input the form would hold.
/// Naming one field twice (by key or by label) is a mistake, not "the last wins".
pub fn parse_assignments(backend: &Backend, assignments: &[String]) -> Result<Vec<(usize, Input)>, Failure> {
    let mut parsed: Vec<(usize, Input)> = Vec::new();
    for assignment in assignments {
        let Some((name, text)) = assignment.split_once('=') else {
            return Err(Failure::invalid(format!("`{assignment}`: expected field=value (field= empties the field)")));
        };
        let index = find_field(backend, name)?;
        let field = &backend.fields[index];
        if parsed.iter().any(|(seen, _)| *seen == index) {
            return Err(Failure::invalid(format!(
                "{}: this field is given more than once; give each field one value",
                field.key
            )));
        }
        if field.read_only {
            return Err(Failure::invalid(format!("{}: this field is read-only for {}", field.key, backend.name)));
        }
        let input = field.parse(text).map_err(|e| Failure::invalid(format!("{}: {e}", field.key)))?;
        parsed.push((index, input));
    }
    Ok(parsed)
}

/// Runs `rolo update`.
pub async fn run(request: Request, output: &mut Output, options: Options) -> Result<(), Failure> {
    let connection = Connection::open(request, output).await?;
    let result = update(&connection, output, &options).await;
    connection.close().await;
    result
}

async fn update(connection: &Connection, output: &Output, options: &Options) -> Result<(), Failure> {
    let client = &connection.client;
    let backend = Arc::clone(client.backend());
    let assignments = parse_assignments(&backend, &options.assignments)?;
    if connection.read_only && !options.dry_run {
        return Err(Failure::invalid(format!(
            "profile `{}` is read-only (read_only = true or --read-only): nothing was sent; --dry-run shows the request",
            connection.profile
        )));
    }
    let loaded = fetch(client, &options.id).await?;
    let mut draft = Draft::new(&backend, loaded);
    let touched: Vec<usize> = assignments.iter().map(|(index, _)| *index).collect();
    for (index, input) in assignments {
        draft.set(index, input);
    }
    let errors = validate(&backend, &draft);
    if !errors.is_empty() {
        let count = errors.len();
        let details = errors.iter().map(|e| format!("{}: {}", backend.fields[e.field].key, e.message)).collect();
        let plural = if count == 1 { "" } else { "s" };
        return Err(Failure::invalid(format!("not sent: {count} invalid field{plural}")).with_details(details));
    }
    let body = draft.body().map_err(|(index, e)| Failure::invalid(format!("{}: {e}", backend.fields[index].key)))?;
    let id = draft.loaded.update_id(&backend);
    if options.dry_run {
        let changes = draft.differences(&body);
        let outgoing = client.outgoing_update(&id, body);
        let text = if options.json {
            let changes: Vec<Value> = changes
                .iter()
                .map(|c| {
                    let field = &backend.fields[c.field];
                    json!({"field": field.key.as_str(), "label": field.label, "received": c.received, "sent": c.sent})
                })
                .collect();
            pretty(&json!({"method": outgoing.method, "url": outgoing.url, "body": outgoing.body, "changes": changes}))
        } else {
            // The request stays alone on standard output, for scripts; what it changes is for the reader.
            output.note(&change_lines(&backend, &changes));
            format!("{} {}\n{}", outgoing.method, visible(&outgoing.url), pretty(&outgoing.body))
        };
        return output.emit(&text);
    }
    if !draft.is_dirty() {
        eprintln!("rolo: {ALREADY_STORED} (contact {})", draft.loaded.id);
        return output.emit(&if options.json {
            pretty(&draft.loaded.record)
        } else {
            lines(&backend, &draft.loaded, Some(&touched))
        });
    }
    let sent = draft.inputs().to_vec();
    let written = client.write(&id, &draft.loaded.id, body).await;
    // Judged as the form judges it, so both say the same.
    let outcome = WriteOutcome::decide(&draft, &sent, written);
    let summary = outcome.summary();
    match outcome {
        WriteOutcome::Stored { contact, differences, .. } => {
            if !differences.is_empty() {
                let mut text = format!("rolo: warning: {}\n", differences_note(differences.len()));
                for index in differences {
                    let field = &backend.fields[index];
                    let stored = show_input(field, &field.input_from(&contact.record));
                    text.push_str(&format!(
                        "{}: sent “{}”, stored “{stored}”\n",
                        field.key,
                        show_input(field, &sent[index])
                    ));
                }
                output.note(&text);
            }
            output
                .emit(&if options.json { pretty(&contact.record) } else { lines(&backend, &contact, Some(&touched)) })
                .map_err(|mut failure| {
                    failure.message = format!("the change was stored, but {}", failure.message);
                    failure
                })
        }
        WriteOutcome::NotStored { error } => Err(Failure { message: summary, ..Failure::server(&error) }),
        WriteOutcome::Unknown { .. } => Err(Failure::unknown(format!(
            "{summary}. The same command again fetches the contact first and sends nothing if the values are there"
        ))),
    }
}

/// `rolo: dry run, nothing sent; N fields would change:` and one `  key: before -> after`
/// line per field whose sent value differs from the received one, values as JSON.
fn change_lines(backend: &Backend, changes: &[Difference]) -> String {
    let noun = if changes.len() == 1 { "field" } else { "fields" };
    let mut out = format!("rolo: dry run, nothing sent; {} {noun} would change:\n", changes.len());
    for change in changes {
        let show =
            |value: &Option<Value>, none: &str| value.as_ref().map_or_else(|| none.to_string(), Value::to_string);
        out.push_str(&format!(
            "  {}: {} -> {}\n",
            backend.fields[change.field].key,
            show(&change.received, "(no value)"),
            show(&change.sent, "(left out: cleared)")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_read_like_typing_into_the_form() {
        let backend = crate::backend::find("corporatemerch", None).unwrap();
        let given = ["Shirt size=XL".to_string(), "address_validated=no".into(), "city=".into()];
        let parsed = parse_assignments(&backend, &given).unwrap();
        assert_eq!(parsed[0].1, Input::Text("XL".into()));
        assert_eq!(parsed[1].1, Input::Toggle(false));
        assert_eq!(parsed[2].1, Input::Text(String::new()));
        assert!(parse_assignments(&backend, &["id=3".into()]).unwrap_err().message.contains("read-only"));
        assert!(parse_assignments(&backend, &["city".into()]).unwrap_err().message.contains("field=value"));
        assert!(parse_assignments(&backend, &["address_validated=maybe".into()]).is_err());
    }

    #[test]
    fn a_field_named_twice_is_refused_by_key_or_by_label() {
        let backend = crate::backend::find("corporatemerch", None).unwrap();
        let by_key = parse_assignments(&backend, &["city=a".into(), "city=b".into()]).unwrap_err();
        assert_eq!(by_key.code, crate::headless::EXIT_INVALID);
        assert!(by_key.message.starts_with("city:") && by_key.message.contains("more than once"), "{}", by_key.message);
        let label = backend.fields[find_field(&backend, "city").unwrap()].label.clone();
        let by_label = parse_assignments(&backend, &["city=a".into(), format!("{label}=b")]).unwrap_err();
        assert!(by_label.message.starts_with("city:"), "{}", by_label.message);
    }
}
