//! `rolo get ID`: one contact, as `label: value` lines or as the JSON the API returned.

use super::list::pretty;
use super::{Connection, Failure, Output, show_input};
use crate::backend::Backend;
use crate::connect::Request;
use crate::http::{Client, HttpError};
use crate::record::Contact;
use crate::visible::visible;

/// Runs `rolo get ID`: with `json`, the record exactly as the API returned it.
pub async fn run(request: Request, output: &mut Output, id: &str, json: bool) -> Result<(), Failure> {
    let connection = Connection::open(request, output).await?;
    let backend = std::sync::Arc::clone(connection.client.backend());
    let result = fetch(&connection.client, id).await;
    connection.close().await;
    let contact = result?;
    output.emit(&if json { pretty(&contact.record) } else { lines(&backend, &contact, None) })
}

/// Fetches one contact; an answer without one is a server failure.
pub async fn fetch(client: &Client, id: &str) -> Result<Contact, Failure> {
    let fetched = client.get(id).await.map_err(|e| Failure::server(&e))?;
    fetched.contact.ok_or_else(|| {
        let error = HttpError::Unexpected {
            message: format!("the answer for contact {id} holds no contact"),
            exchange: Box::new(fetched.exchange),
        };
        Failure::server(&error)
    })
}

/// One `label: value` line per form field (only the fields in `only`, when given), values as
/// the form shows them, controls and hidden characters as escapes ([`visible`]).
pub fn lines(backend: &Backend, contact: &Contact, only: Option<&[usize]>) -> String {
    let mut out = String::new();
    for (index, field) in backend.fields.iter().enumerate() {
        if only.is_some_and(|only| !only.contains(&index)) {
            continue;
        }
        let input = field.input_from(&contact.record);
        let line = format!("{}: {}", field.label, show_input(field, &input));
        out.push_str(&visible(line.trim_end()));
        out.push('\n');
    }
    out
}
