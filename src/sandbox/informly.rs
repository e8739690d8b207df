//! The Informly dialect (`shared/vendor-apis/informly.yaml`): bearer auth, `{"data": …}`
//! bodies, `page`/`pageSize` paging and the `{"error": {code, message, details}}` envelope.
//!
//! Records are stored as the exact read model with the lower-case uuid as the store id and the
//! creation order as `seq` (the listing order). The spec leaves the statuses of errors open;
//! the sandbox answers a bad list query with 400 (the only validation status the list operation
//! declares) and a bad update body with 422.

mod rules;
mod seeding;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::formats::utc_seconds;
use super::query::{self, IntProblem};
use super::store::{Store, StoreError};
use super::{AppState, has_bearer};
use rules::Detail;

/// Dialect name, as used by `Sandbox::base_url` and `Sandbox::record`.
pub(crate) const NAME: &str = "informly";
/// Path prefix: the base URL's path (the real API lives at `http://api.informly.co/api/v1`).
pub(crate) const PREFIX: &str = "/informly/api/v1";
/// How a client presents the token, for people: this, then the token.
pub(crate) const CREDENTIAL: &str = "Authorization: Bearer ";

const DEFAULT_PAGE_SIZE: i64 = 20;
const MAX_PAGE_SIZE: i64 = 100;
const VALIDATION_ERROR: &str = "VALIDATION_ERROR";

/// The dialect's routes, relative to [`PREFIX`].
pub(crate) fn routes(state: AppState) -> Router {
    // Authentication runs only once a route and method matched, so an unknown path is a 404
    // and a wrong method a 405 for anyone.
    let auth = middleware::from_fn_with_state(state.clone(), authenticate);
    Router::new()
        .route("/contacts", get(list).route_layer(auth.clone()).fallback(method_not_allowed))
        .route("/contacts/{id}", get(show).put(update).route_layer(auth).fallback(method_not_allowed))
        .fallback(route_not_found)
        .with_state(state)
}

/// Seeds the dialect with the shared seed people.
pub(crate) fn seed(store: &Store, count: u64) -> Result<(), StoreError> {
    store.insert_all(NAME, seeding::docs(count))
}

async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if has_bearer(request.headers(), &state.token) {
        next.run(request).await
    } else {
        error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Invalid or missing API token", &[])
    }
}

/// `GET /contacts?page=&pageSize=`
async fn list(State(state): State<AppState>, query: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Response {
    let Ok(Query(pairs)) = query else {
        let detail = Detail::new("", "Malformed query string");
        return error(StatusCode::BAD_REQUEST, VALIDATION_ERROR, "Invalid query parameters", &[detail]);
    };
    let mut details = Vec::new();
    let page = int_param(&mut details, "page", query::last(&pairs, "page"), 1, None);
    let page_size =
        int_param(&mut details, "pageSize", query::last(&pairs, "pageSize"), DEFAULT_PAGE_SIZE, Some(MAX_PAGE_SIZE));
    if !details.is_empty() {
        return error(StatusCode::BAD_REQUEST, VALIDATION_ERROR, "Invalid query parameters", &details);
    }
    let (offset, limit) = query::window(page, page_size);
    let found = state.store.count(NAME).and_then(|total| Ok((total, state.store.page(NAME, offset, limit)?)));
    let (total, items) = match found {
        Ok(found) => found,
        Err(err) => return server_error(&err),
    };
    let meta = json!({ "total": total, "page": page, "pageSize": page_size, "totalPages": total.div_ceil(limit) });
    (StatusCode::OK, axum::Json(json!({ "data": items, "meta": meta }))).into_response()
}

/// An optional integer query parameter (blank counts as absent), in zod's wording.
fn int_param(details: &mut Vec<Detail>, name: &str, raw: Option<&str>, default: i64, max: Option<i64>) -> i64 {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return default;
    };
    let message = match query::int(raw, 1, max) {
        Ok(n) => return n,
        Err(IntProblem::NotInteger) => "Expected integer, received string".to_owned(),
        Err(IntProblem::Below(min)) => format!("Number must be greater than or equal to {min}"),
        Err(IntProblem::Above(max)) => format!("Number must be less than or equal to {max}"),
    };
    details.push(Detail::new(name, message));
    default
}

/// `GET /contacts/{id}`
async fn show(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(id)) = id else {
        return not_found();
    };
    match state.store.get(NAME, &id.to_ascii_lowercase()) {
        Ok(Some(contact)) => data(contact),
        Ok(None) => not_found(),
        Err(err) => server_error(&err),
    }
}

/// `PUT /contacts/{id}`: partial update; only the keys present change.
async fn update(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_found();
    };
    let id = id.to_ascii_lowercase();
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return error(rejection.status(), "BAD_REQUEST", &rejection.body_text(), &[]),
    };
    // The body is checked against the schema before the contact is looked up, as a
    // schema-validating middleware in front of the handler would.
    let changes = match rules::parse(&body) {
        Ok(changes) => changes,
        Err(details) => return invalid(&details),
    };
    let stored = match state.store.get(NAME, &id) {
        Ok(Some(contact)) => contact,
        Ok(None) => return not_found(),
        Err(err) => return server_error(&err),
    };
    let contact = match rules::apply(stored, &changes, &utc_seconds(Timestamp::now())) {
        Ok(contact) => contact,
        Err(details) => return invalid(&details),
    };
    match conflicts(&state.store, &id, &changes) {
        Ok(None) => {}
        Ok(Some(response)) => return response,
        Err(err) => return server_error(&err),
    }
    match state.store.replace(NAME, &id, &contact) {
        Ok(true) => data(contact),
        Ok(false) => not_found(),
        Err(err) => server_error(&err),
    }
}

/// The 409 for an e-mail address (compared ignoring ASCII case) or phone number that another
/// contact already has; e-mail is reported first when both clash.
fn conflicts(store: &Store, id: &str, changes: &rules::Changes) -> Result<Option<Response>, StoreError> {
    let mut details = Vec::new();
    let mut message = None;
    for (key, caseless) in [("email", true), ("phone", false)] {
        let Some(value) = changes.text(key).filter(|v| !v.is_empty()) else {
            continue;
        };
        let owners = store.find_ids(NAME, &format!("$.{key}"), value, caseless)?;
        if owners.iter().any(|owner| owner != id) {
            message.get_or_insert_with(|| format!("A contact with this {key} already exists"));
            let field = if key == "email" { "Email" } else { "Phone" };
            details.push(Detail::new(key, format!("{field} must be unique within the organization")));
        }
    }
    Ok(message.map(|message| error(StatusCode::CONFLICT, "CONFLICT", &message, &details)))
}

/// `{"error": {"code", "message", "details"?}}`; `details` is left out when empty, as in the
/// spec's 401 and 404 examples.
fn error(status: StatusCode, code: &str, message: &str, details: &[Detail]) -> Response {
    let mut error = json!({ "code": code, "message": message });
    if !details.is_empty() {
        error["details"] = details.iter().map(|d| json!({ "path": d.path, "message": d.message })).collect();
    }
    (status, axum::Json(json!({ "error": error }))).into_response()
}

fn invalid(details: &[Detail]) -> Response {
    error(StatusCode::UNPROCESSABLE_ENTITY, VALIDATION_ERROR, "Invalid request body", details)
}

fn data(contact: Value) -> Response {
    (StatusCode::OK, axum::Json(json!({ "data": contact }))).into_response()
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NOT_FOUND", "Contact not found", &[])
}

fn server_error(err: &StoreError) -> Response {
    tracing::error!(%err, "informly sandbox storage failure");
    error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal server error", &[])
}

async fn route_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NOT_FOUND", "Route not found", &[])
}

async fn method_not_allowed() -> Response {
    error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "Method not allowed", &[])
}

#[cfg(test)]
mod tests;
