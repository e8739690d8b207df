//! A write and what it takes to know how it went: the update, sent once, and, when its 2xx
//! answer holds no record (204, an empty or non-JSON body), a fetch of the contact to see
//! what was stored. [`super::WriteOutcome::decide`] reads the result.

use serde_json::Value;

use super::{Client, Exchange, Fetched, HttpError};

/// What came back from a write, before it is judged against the draft that was sent.
#[derive(Debug, Clone)]
pub enum Written {
    /// No 2xx answer: an error status, or no whole answer at all.
    Failed(HttpError),
    /// A 2xx answer, with the record it held (if any).
    Answered(Fetched),
    /// A 2xx answer without a record (`answer`), then the fetch made to see what was stored.
    Checked { answer: Exchange, check: Result<Fetched, HttpError> },
}

impl From<Result<Fetched, HttpError>> for Written {
    fn from(result: Result<Fetched, HttpError>) -> Self {
        match result {
            Ok(fetched) => Written::Answered(fetched),
            Err(error) => Written::Failed(error),
        }
    }
}

impl Written {
    /// The update's own exchange (the raw view and the status line show it).
    pub fn exchange(&self) -> &Exchange {
        match self {
            Written::Failed(error) => error.exchange(),
            Written::Answered(fetched) => &fetched.exchange,
            Written::Checked { answer, .. } => answer,
        }
    }
}

impl Client {
    /// Sends the update for `update_id` (once), and when the answer holds no record, fetches
    /// contact `contact_id` (a read, retried as reads are) so the outcome can be known.
    pub async fn write(&self, update_id: &str, contact_id: &str, body: Value) -> Written {
        match self.update(update_id, body).await {
            Ok(Fetched { contact: None, exchange }) => {
                Written::Checked { answer: exchange, check: self.get(contact_id).await }
            }
            answered => answered.into(),
        }
    }
}
