//! What came back from the server: the raw exchange, and errors in a user's terms.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::backend::{Backend, FieldErrorShape};
use crate::redact::Redactor;

/// One request and its response, as shown on the raw-response screen (secrets redacted).
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    /// `GET`, `PUT`…
    pub method: String,
    /// The URL with any secret query parameter replaced by `***`.
    pub url: String,
    /// The request body sent, if any.
    pub request_body: Option<Value>,
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// Response headers (secret-bearing ones redacted).
    pub headers: Vec<(String, String)>,
    /// The response body as text.
    pub body: String,
    /// Time from sending to the whole body read.
    pub latency: Duration,
}

impl Exchange {
    /// The path and query of the URL, for the status line.
    pub fn short_target(&self) -> String {
        let after_scheme = self.url.split_once("://").map_or(self.url.as_str(), |(_, rest)| rest);
        match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_string(),
            None => "/".to_string(),
        }
    }

    /// Masks the secret wherever the server may have echoed it: the URL, every header, the
    /// body, and the request body (a field may hold what the server sent earlier).
    pub fn redact(&mut self, redactor: &Redactor) {
        self.url = redactor.string(std::mem::take(&mut self.url));
        for (_, value) in &mut self.headers {
            *value = redactor.string(std::mem::take(value));
        }
        self.body = redactor.string(std::mem::take(&mut self.body));
        if let Some(body) = &mut self.request_body {
            redactor.json(body);
        }
    }

    /// The body pretty-printed when it is JSON, else as received.
    pub fn pretty_body(&self) -> String {
        serde_json::from_str::<Value>(&self.body)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| self.body.clone())
    }
}

/// A server-side problem attributed to a field, by the name the server used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFieldError {
    /// The field name as the server wrote it (`email`, `body.email`…).
    pub field: String,
    /// The server's message.
    pub message: String,
}

/// Why a request did not give the expected answer.
#[derive(Debug, Clone)]
pub enum HttpError {
    /// Nothing answered at the address (refused, DNS, TLS).
    Connect { message: String, exchange: Box<Exchange> },
    /// No complete answer in time (the request went out: a failed connect is [`HttpError::Connect`]).
    Timeout { exchange: Box<Exchange> },
    /// The server answered with an error status.
    Status {
        /// Status code.
        status: u16,
        /// The server's summary message, if its body had one.
        message: Option<String>,
        /// Errors the server attributed to fields.
        field_errors: Vec<ServerFieldError>,
        /// The exchange, for the raw view.
        exchange: Box<Exchange>,
    },
    /// A 2xx answer that is not what the backend file says it should be.
    Unexpected { message: String, exchange: Box<Exchange> },
    /// A 3xx answer: rolo never follows one (it would carry the secret along), so the profile's
    /// base_url needs fixing.
    Redirect {
        /// Status code.
        status: u16,
        /// Where the server points (absolute, secret redacted), when it says.
        location: Option<String>,
        /// The exchange, for the raw view.
        exchange: Box<Exchange>,
    },
    /// The request went out, then the connection broke (reset, closed, body cut short)
    /// before a whole answer came: a write may or may not have been applied.
    Interrupted { message: String, exchange: Box<Exchange> },
}

impl HttpError {
    /// The exchange behind this error.
    pub fn exchange(&self) -> &Exchange {
        match self {
            HttpError::Connect { exchange, .. }
            | HttpError::Timeout { exchange }
            | HttpError::Status { exchange, .. }
            | HttpError::Unexpected { exchange, .. }
            | HttpError::Redirect { exchange, .. }
            | HttpError::Interrupted { exchange, .. } => exchange,
        }
    }
}

impl HttpError {
    /// The same error with the secret masked in its messages and its exchange.
    pub fn redacted(mut self, redactor: &Redactor) -> Self {
        let mask = |text: &mut String| *text = redactor.string(std::mem::take(text));
        match &mut self {
            HttpError::Connect { message, exchange }
            | HttpError::Unexpected { message, exchange }
            | HttpError::Interrupted { message, exchange } => {
                mask(message);
                exchange.redact(redactor);
            }
            HttpError::Timeout { exchange } => exchange.redact(redactor),
            HttpError::Status { message, field_errors, exchange, .. } => {
                message.iter_mut().for_each(mask);
                for error in field_errors {
                    mask(&mut error.field);
                    mask(&mut error.message);
                }
                exchange.redact(redactor);
            }
            HttpError::Redirect { location, exchange, .. } => {
                location.iter_mut().for_each(mask);
                exchange.redact(redactor);
            }
        }
        self
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Connect { message, .. } => write!(f, "Could not connect: {message}"),
            HttpError::Timeout { exchange } => {
                let seconds = exchange.latency.as_secs_f64();
                let precision = if seconds < 10.0 { 1 } else { 0 };
                // Only what is known: whether a write was applied is for its outcome to say.
                write!(f, "No answer within {seconds:.precision$} s")
            }
            HttpError::Status { status, message, .. } => {
                let meaning = match status {
                    401 => "not authorised: check the profile's secret",
                    403 => "forbidden: the secret lacks permission",
                    404 => "not found: the contact may have been deleted, or the profile's base_url is wrong",
                    409 => "conflict",
                    422 | 400 => "the server refused the values",
                    429 => "too many requests: wait and retry",
                    500..=599 => "server error: retry later",
                    _ => "request failed",
                };
                write!(f, "{status}: {meaning}")?;
                if let Some(message) = message {
                    write!(f, " — {message}")?;
                }
                Ok(())
            }
            HttpError::Unexpected { message, .. } => write!(f, "Unexpected answer: {message}"),
            HttpError::Redirect { status, location: Some(location), .. } => write!(
                f,
                "{status}: redirect to {location} — rolo does not follow redirects; fix base_url in the profile"
            ),
            HttpError::Redirect { status, location: None, .. } => write!(
                f,
                "{status}: redirect without a Location — rolo does not follow redirects; fix base_url in the profile"
            ),
            HttpError::Interrupted { message, .. } => f.write_str(message),
        }
    }
}

/// No `source`: the causes (reqwest's, the body's) are already in the message, as words.
impl std::error::Error for HttpError {}

/// Reads a vendor's error body with the backend's `[errors]` description.
pub fn read_error_body(backend: &Backend, body: &Value) -> (Option<String>, Vec<ServerFieldError>) {
    let message = backend.errors.message.iter().find_map(|path| match path.get(body)?.as_ref() {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    });
    let mut fields = Vec::new();
    for shape in &backend.errors.field_shapes {
        match shape {
            FieldErrorShape::Map { at } => {
                let Some(found) = at.get(body) else { continue };
                let Some(map) = found.as_object() else { continue };
                for (field, messages) in map {
                    for message in as_messages(messages) {
                        fields.push(ServerFieldError { field: field.clone(), message });
                    }
                }
            }
            FieldErrorShape::List { at, field, message } => {
                let Some(found) = at.get(body) else { continue };
                let Some(items) = found.as_array() else { continue };
                for item in items {
                    let name = field.get(item).and_then(|v| field_name(&v));
                    let text = message.get(item).and_then(|v| v.as_str().map(str::to_string));
                    if let (Some(field), Some(message)) = (name, text) {
                        fields.push(ServerFieldError { field, message });
                    }
                }
            }
        }
    }
    (message, fields)
}

fn as_messages(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// A field name from an error entry. A location array (FastAPI's `["body", "custom_fields",
/// "tier"]`) loses its leading `body`/`query`/`path`/`header` and joins the rest with dots,
/// so the form can place it on `custom_fields`. A JSON pointer (JSON:API's `source.pointer`,
/// `/data/attributes/email`) becomes the dotted path a field's `key` is written as.
fn field_name(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => match s.strip_prefix('/').filter(|rest| !rest.is_empty()) {
            Some(pointer) => {
                let steps: Vec<String> = pointer.split('/').map(|p| p.replace("~1", "/").replace("~0", "~")).collect();
                Some(steps.join("."))
            }
            None => Some(s.clone()),
        },
        Value::Number(n) => Some(n.to_string()),
        Value::Array(parts) => {
            let mut names: Vec<String> = parts.iter().filter_map(field_name).collect();
            if names.len() > 1 && ["body", "query", "path", "header"].contains(&names[0].as_str()) {
                names.remove(0);
            }
            (!names.is_empty()).then(|| names.join("."))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn locations_name_the_field_without_their_source() {
        assert_eq!(field_name(&json!(["body", "email"])).as_deref(), Some("email"));
        assert_eq!(field_name(&json!(["body", "custom_fields", "tier"])).as_deref(), Some("custom_fields.tier"));
        assert_eq!(field_name(&json!(["lists", 0])).as_deref(), Some("lists.0"));
        assert_eq!(field_name(&json!("email")).as_deref(), Some("email"));
        assert_eq!(field_name(&json!({})), None);
        assert_eq!(field_name(&json!("/data/attributes/email")).as_deref(), Some("data.attributes.email"));
        assert_eq!(field_name(&json!("/data/attributes/a~1b")).as_deref(), Some("data.attributes.a/b"));
        assert_eq!(field_name(&json!("/")).as_deref(), Some("/"));
    }
}
