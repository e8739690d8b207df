//! The three outcomes of a write, decided in one place and told in the same words by the form,
//! bulk edit, the change history and `rolo update`:
//!
//! - **stored**: a 2xx answer whose record (or the fetch made when it had none) is the contact
//!   written to. Fields it shows with other values than were sent (normalised, ignored) are
//!   listed as differences; the write still counts as stored, and the screens mark them ⚠.
//! - **not stored**: the server refused (an error status), or the connection failed before the
//!   request was sent (refused, DNS, TLS).
//! - **unknown**: the request was sent and then the connection broke, the answer was cut short
//!   or did not come in time, a gateway (502, 504) could not get the server's answer, or the
//!   answer was about another contact. The change may have been applied.

use serde::{Deserialize, Serialize};

use super::{Exchange, Fetched, HttpError, Written};
use crate::record::{Contact, Draft, Input};

/// The outcome of a write, without its data (what the history keeps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The server has the change.
    Stored,
    /// The server does not have it.
    NotStored,
    /// The request went out; whether it was applied is not known.
    Unknown,
}

impl Verdict {
    /// The words every screen uses for it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Stored => "Stored",
            Verdict::NotStored => "Not stored",
            Verdict::Unknown => "Unknown whether stored",
        }
    }
}

/// What the check before a send says when the server already has every value of the draft.
pub const ALREADY_STORED: &str = "Already stored: the server has these values; nothing was sent";

/// How a write went, with what the screens need to show it.
#[derive(Debug, Clone)]
pub enum WriteOutcome {
    /// The server has the contact as `contact`; `differences` are the sent fields it shows
    /// with another value (indices into the backend's fields).
    Stored { contact: Contact, differences: Vec<usize>, exchange: Exchange },
    /// The server refused, or nothing was sent.
    NotStored { error: HttpError },
    /// The request went out and `why` says what kept rolo from knowing more.
    Unknown { why: String, exchange: Exchange },
}

impl WriteOutcome {
    /// Judges `written`, the answer to sending `draft` whose inputs were `sent` at the time.
    pub fn decide(draft: &Draft, sent: &[Input], written: Written) -> Self {
        let asked = draft.loaded.id.as_str();
        // The record that says what was stored, or why there is none to trust.
        let (record, exchange) = match written {
            Written::Failed(error) if may_have_reached_the_server(&error) => {
                return WriteOutcome::Unknown { why: error.to_string(), exchange: error.exchange().clone() };
            }
            Written::Failed(error) => return WriteOutcome::NotStored { error },
            Written::Answered(Fetched { contact: Some(contact), exchange }) => {
                let other = format!("the server answered with contact {}, not {asked}", contact.id);
                ((contact.id == asked).then_some(contact).ok_or(other), exchange)
            }
            Written::Answered(Fetched { contact: None, exchange }) => {
                (Err(format!("the server answered {} without the record", status_text(&exchange))), exchange)
            }
            Written::Checked { answer, check } => {
                let without = format!("the server answered {} without the record", status_text(&answer));
                let record = match check {
                    Ok(Fetched { contact: Some(contact), .. }) if contact.id == asked => Ok(contact),
                    Ok(Fetched { contact: Some(other), .. }) => {
                        Err(format!("{without}, and fetching it returned contact {}, not {asked}", other.id))
                    }
                    Ok(Fetched { contact: None, .. }) => Err(format!("{without}, and fetching it found none")),
                    Err(error) => Err(format!("{without}, and fetching it failed: {error}")),
                };
                (record, answer)
            }
        };
        match record {
            Ok(contact) => {
                let differences = draft.stored_differently(&contact, sent);
                WriteOutcome::Stored { contact, differences, exchange }
            }
            Err(why) => WriteOutcome::Unknown { why, exchange },
        }
    }

    /// Stored, not stored or unknown.
    pub fn verdict(&self) -> Verdict {
        match self {
            WriteOutcome::Stored { .. } => Verdict::Stored,
            WriteOutcome::NotStored { .. } => Verdict::NotStored,
            WriteOutcome::Unknown { .. } => Verdict::Unknown,
        }
    }

    /// The update's exchange, for the status line and the raw view.
    pub fn exchange(&self) -> &Exchange {
        match self {
            WriteOutcome::Stored { exchange, .. } | WriteOutcome::Unknown { exchange, .. } => exchange,
            WriteOutcome::NotStored { error } => error.exchange(),
        }
    }

    /// The outcome in one line: `Stored: 200`, `Not stored: 422: the server refused the values`,
    /// `Unknown whether stored: No answer within 30 s; the change may have been applied`.
    pub fn summary(&self) -> String {
        match self {
            WriteOutcome::Stored { exchange, .. } => format!("{}: {}", Verdict::Stored.label(), status_text(exchange)),
            WriteOutcome::NotStored { error } => format!("{}: {error}", Verdict::NotStored.label()),
            WriteOutcome::Unknown { why, .. } => unknown(why),
        }
    }

    /// For a stored write whose record shows other values than were sent: how many fields.
    pub fn differences_note(&self) -> Option<String> {
        match self {
            WriteOutcome::Stored { differences, .. } if !differences.is_empty() => {
                Some(differences_note(differences.len()))
            }
            _ => None,
        }
    }
}

/// The summary of an unknown outcome, for `why`.
pub fn unknown(why: &str) -> String {
    format!("{}: {why}; the change may have been applied", Verdict::Unknown.label())
}

/// `N field(s) stored differently from what was sent`.
pub fn differences_note(count: usize) -> String {
    let noun = if count == 1 { "field was" } else { "fields were" };
    format!("{count} {noun} stored differently from what was sent")
}

/// True when a failed write may still have been applied: the request went out and no verdict
/// came back. A failed connect never sent it; an error status is the server's refusal, except
/// a gateway's 502/504, which says the server behind it did not answer in time or in full.
fn may_have_reached_the_server(error: &HttpError) -> bool {
    match error {
        HttpError::Connect { .. } | HttpError::Unexpected { .. } | HttpError::Redirect { .. } => false,
        HttpError::Status { status, .. } => matches!(status, 502 | 504),
        HttpError::Timeout { .. } | HttpError::Interrupted { .. } => true,
    }
}

fn status_text(exchange: &Exchange) -> String {
    exchange.status.map_or_else(|| "?".to_string(), |s| s.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::backend;

    fn draft() -> (Draft, Vec<Input>) {
        let backend = Arc::new(backend::find("corporatemerch", None).unwrap());
        let record = json!({"id": 7, "first_name": "Ana", "last_name": "Lima", "city": "Porto"});
        let mut draft = Draft::new(&backend, Contact::from_record(&backend, record).unwrap());
        let city = backend.field_index("city").unwrap();
        draft.set(city, Input::Text("Braga".into()));
        let sent = draft.inputs().to_vec();
        (draft, sent)
    }

    fn failed(error: HttpError) -> Verdict {
        let (draft, sent) = draft();
        WriteOutcome::decide(&draft, &sent, Written::Failed(error)).verdict()
    }

    fn status(code: u16) -> HttpError {
        HttpError::Status { status: code, message: None, field_errors: vec![], exchange: Box::default() }
    }

    #[test]
    fn only_a_request_that_went_out_without_a_verdict_is_unknown() {
        let exchange = Box::<Exchange>::default;
        assert_eq!(failed(HttpError::Connect { message: "refused".into(), exchange: exchange() }), Verdict::NotStored);
        assert_eq!(
            failed(HttpError::Unexpected { message: "bad url".into(), exchange: exchange() }),
            Verdict::NotStored
        );
        for code in [400, 404, 409, 422, 500, 503] {
            assert_eq!(failed(status(code)), Verdict::NotStored, "{code}");
        }
        for code in [502, 504] {
            assert_eq!(failed(status(code)), Verdict::Unknown, "a gateway's {code}");
        }
        assert_eq!(failed(HttpError::Timeout { exchange: exchange() }), Verdict::Unknown);
        assert_eq!(failed(HttpError::Interrupted { message: "reset".into(), exchange: exchange() }), Verdict::Unknown);
    }

    #[test]
    fn a_2xx_is_stored_only_when_its_record_is_the_contact() {
        let (draft, sent) = draft();
        let backend = Arc::clone(draft.backend());
        let answer = |change: serde_json::Value| {
            let mut record = draft.loaded.record.clone();
            record.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
            let contact = Contact::from_record(&backend, record);
            Written::Answered(Fetched { contact, exchange: Exchange { status: Some(200), ..Exchange::default() } })
        };
        let stored = WriteOutcome::decide(&draft, &sent, answer(json!({"id": 7, "city": "Braga"})));
        assert_eq!(stored.summary(), "Stored: 200");
        assert_eq!(stored.differences_note(), None);
        let kept = WriteOutcome::decide(&draft, &sent, answer(json!({"id": 7, "city": "Porto"})));
        assert_eq!(kept.verdict(), Verdict::Stored);
        assert_eq!(kept.differences_note().as_deref(), Some("1 field was stored differently from what was sent"));
        let other = WriteOutcome::decide(&draft, &sent, answer(json!({"id": 8, "city": "Braga"})));
        assert_eq!(
            other.summary(),
            "Unknown whether stored: the server answered with contact 8, not 7; the change may have been applied"
        );
        let checked = |check| Written::Checked { answer: Exchange { status: Some(204), ..Exchange::default() }, check };
        let failed_check = WriteOutcome::decide(&draft, &sent, checked(Err(status(503))));
        assert_eq!(
            failed_check.summary(),
            "Unknown whether stored: the server answered 204 without the record, and fetching it failed: 503: \
             server error: retry later; the change may have been applied"
        );
    }
}
