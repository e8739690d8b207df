//! The Insighto.ai dialect (`shared/vendor-apis/insighto.yaml`): a FastAPI backend whose key
//! travels as the `api_key` query parameter (never a header), `{message, meta, data}` bodies,
//! fastapi-pagination pages and FastAPI's error bodies.
//!
//! Records are stored as the exact read model with the lower-case uuid as the store id and the
//! creation order as `seq`. As in FastAPI, authentication is checked first, then every
//! parameter and the body together (422), and only then is the contact looked up (404).

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
use serde_json::{Map, Value, json};

use super::AppState;
use super::formats::{is_uuid, utc_seconds};
use super::query::{self, IntProblem};
use super::store::{Store, StoreError};
use rules::Problem;

/// Dialect name, as used by `Sandbox::base_url` and `Sandbox::record`.
pub(crate) const NAME: &str = "insighto";
/// Path prefix: the base URL's path (the real API lives at `https://api.insighto.ai`).
pub(crate) const PREFIX: &str = "/insighto";
/// How a client presents the token, for people: this, then the token.
pub(crate) const CREDENTIAL: &str = "?api_key=";

const DEFAULT_SIZE: i64 = 50;
const MAX_SIZE: i64 = 100;

/// The dialect's routes, relative to [`PREFIX`].
pub(crate) fn routes(state: AppState) -> Router {
    // Like FastAPI, an unknown path is a 404 and a wrong method a 405 before any dependency
    // (the API key check) runs.
    let auth = middleware::from_fn_with_state(state.clone(), authenticate);
    Router::new()
        .route("/api/v1/contact/list", get(list).route_layer(auth.clone()).fallback(method_not_allowed))
        .route("/api/v1/contact/{contact_id}", get(show).put(update).route_layer(auth).fallback(method_not_allowed))
        .fallback(route_not_found)
        .with_state(state)
}

/// Seeds the dialect with the shared seed people.
pub(crate) fn seed(store: &Store, count: u64) -> Result<(), StoreError> {
    store.insert_all(NAME, seeding::docs(count))
}

/// Only `?api_key=` counts: the docs say Bearer headers do not work for API keys.
async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(request.uri()).map(|q| q.0).unwrap_or_default();
    if query::last(&pairs, "api_key").is_some_and(|key| !key.is_empty() && key == &*state.token) {
        next.run(request).await
    } else {
        message(StatusCode::UNAUTHORIZED, "Invalid API key")
    }
}

/// `GET /api/v1/contact/list?page=&size=`
async fn list(State(state): State<AppState>, query: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Response {
    // A query too malformed to parse has no readable api_key, so the auth layer refused it.
    let pairs = query.map(|q| q.0).unwrap_or_default();
    let mut problems = Vec::new();
    let page = int_param(&mut problems, "page", query::last(&pairs, "page"), 1, None);
    let size = int_param(&mut problems, "size", query::last(&pairs, "size"), DEFAULT_SIZE, Some(MAX_SIZE));
    if !problems.is_empty() {
        return invalid(&problems);
    }
    let (offset, limit) = query::window(page, size);
    let found = state.store.count(NAME).and_then(|total| Ok((total, state.store.page(NAME, offset, limit)?)));
    let (total, items) = match found {
        Ok(found) => found,
        Err(err) => return server_error(&err),
    };
    let data = json!({ "items": items, "total": total, "page": page, "size": size, "pages": total.div_ceil(limit) });
    envelope("Data fetched successfully", data)
}

/// An integer query parameter validated as FastAPI's `Query(ge=1, le=…)` does; unlike
/// Laravel, an empty value is not "absent" but a parse error.
fn int_param(problems: &mut Vec<Problem>, name: &str, raw: Option<&str>, default: i64, max: Option<i64>) -> i64 {
    let Some(raw) = raw else {
        return default;
    };
    let loc = vec![json!("query"), json!(name)];
    let problem = match query::int(raw, 1, max) {
        Ok(n) => return n,
        Err(IntProblem::NotInteger) => Problem::new(
            "int_parsing",
            loc,
            "Input should be a valid integer, unable to parse string as an integer",
            json!(raw),
        ),
        Err(IntProblem::Below(min)) => Problem::new(
            "greater_than_equal",
            loc,
            format!("Input should be greater than or equal to {min}"),
            json!(raw),
        )
        .with_ctx(json!({ "ge": min })),
        Err(IntProblem::Above(max)) => {
            Problem::new("less_than_equal", loc, format!("Input should be less than or equal to {max}"), json!(raw))
                .with_ctx(json!({ "le": max }))
        }
    };
    problems.push(problem);
    default
}

/// `GET /api/v1/contact/{contact_id}`
async fn show(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let id = match contact_id(id) {
        Ok(id) => id,
        Err(problems) => return invalid(&problems),
    };
    match state.store.get(NAME, &id) {
        Ok(Some(contact)) => envelope("Data fetched successfully", contact),
        Ok(None) => not_found(),
        Err(err) => server_error(&err),
    }
}

/// `PUT /api/v1/contact/{contact_id}`: partial update; only the keys present change.
async fn update(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return message(rejection.status(), &rejection.body_text()),
    };
    // FastAPI reports path and body problems together, path first.
    let id = contact_id(id);
    let fields = rules::decode(&body).and_then(|input| rules::validate(&input));
    let (id, fields) = match (id, fields) {
        (Ok(id), Ok(fields)) => (id, fields),
        (id, fields) => {
            let problems: Vec<Problem> = id.err().into_iter().chain(fields.err()).flatten().collect();
            return invalid(&problems);
        }
    };
    let contact = match state.store.get(NAME, &id) {
        Ok(Some(Value::Object(contact))) => contact,
        Ok(Some(_)) => Map::new(),
        Ok(None) => return not_found(),
        Err(err) => return server_error(&err),
    };
    let contact = merge(contact, fields, &utc_seconds(Timestamp::now()));
    match state.store.replace(NAME, &id, &contact) {
        Ok(true) => envelope("Data updated successfully", contact),
        Ok(false) => not_found(),
        Err(err) => server_error(&err),
    }
}

/// Sets the given fields (whole values: a new `custom_fields` object replaces the old one)
/// and stamps `updated_at`.
fn merge(mut contact: Map<String, Value>, fields: Map<String, Value>, now: &str) -> Value {
    contact.extend(fields);
    contact.insert("updated_at".to_owned(), Value::String(now.to_owned()));
    Value::Object(contact)
}

/// The path's `contact_id` as a lower-case uuid, or pydantic's complaint.
fn contact_id(id: Result<Path<String>, PathRejection>) -> Result<String, Vec<Problem>> {
    let raw = id.map(|p| p.0).unwrap_or_default();
    if is_uuid(&raw) {
        return Ok(raw.to_ascii_lowercase());
    }
    let loc = vec![json!("path"), json!("contact_id")];
    Err(vec![Problem::new("uuid_parsing", loc, rules::uuid_message(&raw), json!(raw))])
}

fn envelope(message: &str, data: Value) -> Response {
    (StatusCode::OK, axum::Json(json!({ "message": message, "meta": {}, "data": data }))).into_response()
}

/// FastAPI's `HTTPException` body.
fn message(status: StatusCode, detail: &str) -> Response {
    (status, axum::Json(json!({ "detail": detail }))).into_response()
}

fn invalid(problems: &[Problem]) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(rules::detail(problems))).into_response()
}

fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Contact not found")
}

fn server_error(err: &StoreError) -> Response {
    tracing::error!(%err, "insighto sandbox storage failure");
    message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

async fn route_not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Not Found")
}

async fn method_not_allowed() -> Response {
    message(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

#[cfg(test)]
mod tests;
