//! Laravel-style responses and validation messages, for dialects modelled on a Laravel API
//! (Corporate Merch and Vixiees, whose bodies are assumed to be Laravel's).
//!
//! Wordings follow Laravel 10+'s `lang/en/validation.php`, where attribute names are the
//! input keys with underscores shown as spaces ("first_name" → "first name").

use axum::extract::OriginalUri;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::query::{self, IntProblem};

/// `{"message": …}` with a status: Laravel's shape for every non-validation error.
/// Laravel's answer when storage fails; the cause goes to the log, not the client.
pub(crate) fn server_error(dialect: &str, err: &super::StoreError) -> Response {
    tracing::error!(%err, dialect, "sandbox storage failure");
    message(StatusCode::INTERNAL_SERVER_ERROR, "Server Error")
}

/// 405 for a collection route (`GET /contacts`).
pub(crate) async fn not_allowed_on_list(method: Method, uri: OriginalUri) -> Response {
    method_not_allowed(&method, &uri, "GET, HEAD")
}

/// 405 for a record route (`GET`/`PUT /contacts/{id}`).
pub(crate) async fn not_allowed_on_contact(method: Method, uri: OriginalUri) -> Response {
    method_not_allowed(&method, &uri, "GET, HEAD, PUT")
}

pub(crate) fn message(status: StatusCode, text: &str) -> Response {
    (status, axum::Json(json!({ "message": text }))).into_response()
}

/// Laravel's 404 for a path no route matches.
pub(crate) async fn route_not_found(uri: OriginalUri) -> Response {
    let path = uri.path().trim_start_matches('/');
    message(StatusCode::NOT_FOUND, &format!("The route {path} could not be found."))
}

/// Laravel's 405 for a known path asked with another method; `allowed` lists the methods.
pub(crate) fn method_not_allowed(method: &Method, uri: &OriginalUri, allowed: &str) -> Response {
    let path = uri.path().trim_start_matches('/');
    let text = format!("The {method} method is not supported for route {path}. Supported methods: {allowed}.");
    let mut response = message(StatusCode::METHOD_NOT_ALLOWED, &text);
    if let Ok(value) = allowed.parse() {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// A `nullable|integer|min:1|max:…` query parameter: empty means absent, as Laravel's
/// ConvertEmptyStringsToNull makes it; a failure is recorded and the default returned.
pub(crate) fn int_param(errors: &mut Errors, name: &str, raw: Option<&str>, default: i64, max: Option<i64>) -> i64 {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return default;
    };
    match query::int(raw, 1, max) {
        Ok(n) => return n,
        Err(IntProblem::NotInteger) => errors.add(name, rule::integer(name)),
        Err(IntProblem::Below(min)) => errors.add(name, rule::min(name, min)),
        Err(IntProblem::Above(max)) => errors.add(name, rule::max(name, max)),
    }
    default
}

/// How Laravel shows an input key inside a message.
pub(crate) fn attribute(key: &str) -> String {
    key.replace('_', " ")
}

/// The messages of Laravel's built-in rules used by the sandbox.
pub(crate) mod rule {
    use super::attribute;

    /// `required`
    pub fn required(key: &str) -> String {
        format!("The {} field is required.", attribute(key))
    }
    /// `required_without:other`
    pub fn required_without(key: &str, other: &str) -> String {
        format!("The {} field is required when {} is not present.", attribute(key), attribute(other))
    }
    /// `string`
    pub fn string(key: &str) -> String {
        format!("The {} field must be a string.", attribute(key))
    }
    /// `email`
    pub fn email(key: &str) -> String {
        format!("The {} field must be a valid email address.", attribute(key))
    }
    /// `in:…`
    pub fn one_of(key: &str) -> String {
        format!("The selected {} is invalid.", attribute(key))
    }
    /// `regex:…`
    pub fn format(key: &str) -> String {
        format!("The {} field format is invalid.", attribute(key))
    }
    /// `date`
    pub fn date(key: &str) -> String {
        format!("The {} field must be a valid date.", attribute(key))
    }
    /// `boolean`
    pub fn boolean(key: &str) -> String {
        format!("The {} field must be true or false.", attribute(key))
    }
    /// `array`
    pub fn array(key: &str) -> String {
        format!("The {} field must be an array.", attribute(key))
    }
    /// `integer`
    pub fn integer(key: &str) -> String {
        format!("The {} field must be an integer.", attribute(key))
    }
    /// `min:n` on a number
    pub fn min(key: &str, n: i64) -> String {
        format!("The {} field must be at least {n}.", attribute(key))
    }
    /// `max:n` on a number
    pub fn max(key: &str, n: i64) -> String {
        format!("The {} field must not be greater than {n}.", attribute(key))
    }
    /// `between:lo,hi` on a number
    pub fn between(key: &str, lo: i64, hi: i64) -> String {
        format!("The {} field must be between {lo} and {hi}.", attribute(key))
    }
    /// `prohibited`
    pub fn prohibited(key: &str) -> String {
        format!("The {} field is prohibited.", attribute(key))
    }
    /// `url`
    pub fn url(key: &str) -> String {
        format!("The {} field must be a valid URL.", attribute(key))
    }
    /// `unique:…`
    pub fn unique(key: &str) -> String {
        format!("The {} has already been taken.", attribute(key))
    }
}

/// Validation failures in the order the rules ran, grouped by input key.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    fields: Vec<(String, Vec<String>)>,
}

impl Errors {
    /// Records one failed rule for `key`.
    pub fn add(&mut self, key: &str, message: String) {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, messages)) => messages.push(message),
            None => self.fields.push((key.to_owned(), vec![message])),
        }
    }

    /// True when no rule failed.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The 422 body: Laravel's `ValidationException::summarize` message plus the error bag.
    pub fn to_body(&self) -> Value {
        let mut all = self.fields.iter().flat_map(|(_, m)| m);
        let first = all.next().cloned().unwrap_or_default();
        let message = match all.count() {
            0 => first,
            1 => format!("{first} (and 1 more error)"),
            n => format!("{first} (and {n} more errors)"),
        };
        let errors: Map<String, Value> = self.fields.iter().map(|(k, m)| (k.clone(), json!(m))).collect();
        json!({ "message": message, "errors": errors })
    }

    /// The 422 Unprocessable Content response.
    pub fn into_response(self) -> Response {
        (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(self.to_body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarizes_like_laravel() {
        let mut e = Errors::default();
        e.add("address", rule::required_without("address", "address2"));
        assert_eq!(e.to_body()["message"], "The address field is required when address2 is not present.");
        e.add("state", rule::one_of("state"));
        assert_eq!(
            e.to_body(),
            json!({
                "message": "The address field is required when address2 is not present. (and 1 more error)",
                "errors": {
                    "address": ["The address field is required when address2 is not present."],
                    "state": ["The selected state is invalid."]
                }
            })
        );
        e.add("state", rule::string("state"));
        e.add("zip_code", rule::required("zip_code"));
        let body = e.to_body();
        assert!(body["message"].as_str().is_some_and(|m| m.ends_with("(and 3 more errors)")));
        assert_eq!(body["errors"]["zip_code"][0], "The zip code field is required.");
    }
}
