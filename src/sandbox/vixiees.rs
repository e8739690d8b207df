//! The Vixiees dialect (`shared/vendor-apis/vixiees.yaml`): an `X-API-Key` header, bare
//! contact objects, `{data, meta}` pages of up to 1000 and Laravel-style error bodies (the
//! spec's assumption, shared with Corporate Merch through `laravel.rs`).
//!
//! Records are stored as the exact read model with the numeric id as the store id and `seq`,
//! so listing order is id order. A contact is addressed by its numeric id or, failing that,
//! by its `external_reference_id`.

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
use super::laravel::{self, Errors, rule};
use super::query;
use super::store::{Store, StoreError};
use super::{AppState, has_header};

/// Dialect name, as used by `Sandbox::base_url` and `Sandbox::record`.
pub(crate) const NAME: &str = "vixiees";
/// Path prefix: the base URL's path (the real base URL, `https://api.vixiees.com`, is assumed).
pub(crate) const PREFIX: &str = "/vixiees";
/// How a client presents the token, for people: this, then the token.
pub(crate) const CREDENTIAL: &str = "X-API-Key: ";

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;
const EXTERNAL_ID: &str = "external_reference_id";

/// The dialect's routes, relative to [`PREFIX`].
pub(crate) fn routes(state: AppState) -> Router {
    // As in Laravel, routing (404/405) happens before the API key middleware runs.
    let auth = middleware::from_fn_with_state(state.clone(), authenticate);
    Router::new()
        .route("/contacts", get(list).route_layer(auth.clone()).fallback(laravel::not_allowed_on_list))
        .route("/contacts/{id}", get(show).put(update).route_layer(auth).fallback(laravel::not_allowed_on_contact))
        .fallback(laravel::route_not_found)
        .with_state(state)
}

/// Seeds the dialect with the shared seed people.
pub(crate) fn seed(store: &Store, count: u64) -> Result<(), StoreError> {
    store.insert_all(NAME, seeding::docs(count))
}

async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if has_header(request.headers(), "x-api-key", &state.token) {
        next.run(request).await
    } else {
        laravel::message(StatusCode::UNAUTHORIZED, "Unauthorized")
    }
}

/// `GET /contacts?page=&limit=`. Of the `created_at`/`updated_at` filters, whose wire syntax
/// is undocumented (the spec lets any string through), the docs' example `updated_at>=TIME` is
/// honoured, sent either as the key `updated_at>` with the value `TIME` or as `updated_at` with
/// `>=TIME`; every other form is accepted and ignored.
async fn list(State(state): State<AppState>, query: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Response {
    let Ok(Query(pairs)) = query else {
        return laravel::message(StatusCode::BAD_REQUEST, "Malformed query string.");
    };
    let mut errors = Errors::default();
    let page = laravel::int_param(&mut errors, "page", query::last(&pairs, "page"), 1, None);
    let limit = laravel::int_param(&mut errors, "limit", query::last(&pairs, "limit"), DEFAULT_LIMIT, Some(MAX_LIMIT));
    if !errors.is_empty() {
        return errors.into_response();
    }
    let (offset, per_page) = query::window(page, limit);
    let found = match updated_since(&pairs) {
        Some(since) => state.store.page_at_least(NAME, "$.updated_at", &since, offset, per_page),
        None => state.store.count(NAME).and_then(|total| Ok((total, state.store.page(NAME, offset, per_page)?))),
    };
    let (total, items) = match found {
        Ok(found) => found,
        Err(err) => return laravel::server_error(NAME, &err),
    };
    let meta = json!({
        "current_page": page,
        "per_page": limit,
        "total": total,
        "last_page": total.div_ceil(per_page).max(1),
    });
    (StatusCode::OK, axum::Json(json!({ "data": items, "meta": meta }))).into_response()
}

/// The time of an `updated_at>=TIME` filter, as stored times are written (UTC, to the
/// second, `Z`), when the query has one that reads as a time (a zoneless time is UTC).
fn updated_since(pairs: &[(String, String)]) -> Option<String> {
    let raw = query::last(pairs, "updated_at>")
        .or_else(|| query::last(pairs, "updated_at").and_then(|value| value.strip_prefix(">=")))?;
    let at = raw.parse::<Timestamp>().or_else(|_| format!("{raw}Z").parse::<Timestamp>()).ok()?;
    Some(utc_seconds(at))
}

/// The store id and record that a path id names: a numeric Vixiees id first, else an
/// external reference id.
fn resolve(store: &Store, id: &str) -> Result<Option<(String, Value)>, StoreError> {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        if let Some(contact) = store.get(NAME, id)? {
            return Ok(Some((id.to_owned(), contact)));
        }
    }
    let Some(owner) = store.find_ids(NAME, &format!("$.{EXTERNAL_ID}"), id, false)?.into_iter().next() else {
        return Ok(None);
    };
    Ok(store.get(NAME, &owner)?.map(|contact| (owner, contact)))
}

/// `GET /contacts/{id}`
async fn show(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(id)) = id else {
        return not_found();
    };
    match resolve(&state.store, &id) {
        Ok(Some((_, contact))) => (StatusCode::OK, axum::Json(contact)).into_response(),
        Ok(None) => not_found(),
        Err(err) => laravel::server_error(NAME, &err),
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
    // Laravel resolves the contact before the form request validates the body.
    let (store_id, existing) = match resolve(&state.store, &id) {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(err) => return laravel::server_error(NAME, &err),
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return laravel::message(rejection.status(), &rejection.body_text()),
    };
    let Ok(Value::Object(input)) = serde_json::from_slice::<Value>(&body) else {
        let mut errors = Errors::default();
        errors.add("body", "The request body must be a JSON object.".to_owned());
        return errors.into_response();
    };
    let changes = match rules::validate(&input) {
        Ok(changes) => changes,
        Err(errors) => return errors.into_response(),
    };
    match external_id_taken(&state.store, &store_id, &changes) {
        Ok(false) => {}
        Ok(true) => {
            let mut errors = Errors::default();
            errors.add(EXTERNAL_ID, rule::unique(EXTERNAL_ID));
            return errors.into_response();
        }
        Err(err) => return laravel::server_error(NAME, &err),
    }
    let contact = match rules::apply(existing, changes, &utc_seconds(Timestamp::now())) {
        Ok(contact) => contact,
        Err(errors) => return errors.into_response(),
    };
    match state.store.replace(NAME, &store_id, &contact) {
        Ok(true) => (StatusCode::OK, axum::Json(contact)).into_response(),
        Ok(false) => not_found(),
        Err(err) => laravel::server_error(NAME, &err),
    }
}

/// External reference ids stay unique so that addressing a contact by one is unambiguous.
fn external_id_taken(
    store: &Store,
    store_id: &str,
    changes: &serde_json::Map<String, Value>,
) -> Result<bool, StoreError> {
    let Some(external) = changes.get(EXTERNAL_ID).and_then(Value::as_str) else {
        return Ok(false);
    };
    let owners = store.find_ids(NAME, &format!("$.{EXTERNAL_ID}"), external, false)?;
    Ok(owners.iter().any(|owner| owner != store_id))
}

fn not_found() -> Response {
    laravel::message(StatusCode::NOT_FOUND, "Contact not found")
}

#[cfg(test)]
mod tests;
