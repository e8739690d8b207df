//! The Findly dialect: a small CRM that exists only in the sandbox, to show (and test) a
//! backend whose server searches its whole list. Bearer auth, flat person records, cursor pages:
//!
//! - `GET /people?limit=&cursor=&q=`: `{"people": […], "total": N, "next_cursor": "200" | null}`;
//!   with `q`, only the people in whose name, email, company or city it occurs (ASCII case
//!   ignored), paged the same way, `total` counting the matches;
//! - `POST /people/search` with `{"query": "…", "limit": N}`: `{"matches": […], "total": N}`,
//!   the first `limit` matches (20 by default, at most 200);
//! - `GET /people/{id}`: `{"person": {…}}`; `PATCH /people/{id}` with the changed fields answers
//!   the same, or 422 `{"error": "…", "fields": {"email": "…"}}`.
//!
//! Errors are `{"error": "…"}`. The cursor is the offset of the next page, as text.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::formats::{is_email, utc_seconds};
use super::query;
use super::seed;
use super::store::{NewDoc, Store, StoreError};
use super::{AppState, has_bearer};

/// Dialect name, as used by `Sandbox::base_url` and `Sandbox::record`.
pub(crate) const NAME: &str = "findly";
/// Path prefix: the base URL's path.
pub(crate) const PREFIX: &str = "/findly/v1";
/// How a client presents the token, for people: this, then the token.
pub(crate) const CREDENTIAL: &str = "Authorization: Bearer ";
/// The backend file rolo reads for this dialect (it has no built-in one: the vendor is made up).
pub(crate) const BACKEND: &str = include_str!("findly.toml");

const DEFAULT_LIMIT: i64 = 50;
const DEFAULT_MATCHES: i64 = 20;
const MAX_LIMIT: i64 = 200;

/// Where a query is looked for in a person.
const SEARCHED: [&str; 5] = ["$.first_name", "$.last_name", "$.email", "$.company", "$.city"];

/// The dialect's routes, relative to [`PREFIX`].
pub(crate) fn routes(state: AppState) -> Router {
    let auth = middleware::from_fn_with_state(state.clone(), authenticate);
    Router::new()
        .route("/people", get(list))
        .route("/people/search", post(search))
        .route("/people/{id}", get(show).patch(update))
        .route_layer(auth)
        .fallback(|| async { error(StatusCode::NOT_FOUND, "No such endpoint") })
        .with_state(state)
}

async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if has_bearer(request.headers(), &state.token) {
        next.run(request).await
    } else {
        error(StatusCode::UNAUTHORIZED, "A valid bearer token is required")
    }
}

fn error(status: StatusCode, text: &str) -> Response {
    (status, axum::Json(json!({ "error": text }))).into_response()
}

fn storage_failed(err: &StoreError) -> Response {
    tracing::error!(%err, dialect = NAME, "sandbox storage failure");
    error(StatusCode::INTERNAL_SERVER_ERROR, "Storage failed")
}

/// A `limit` in `1..=MAX_LIMIT`, `default` when absent; `None` for anything else.
fn limit_of(raw: Option<&str>, default: i64) -> Option<u64> {
    match raw.map(|raw| query::int(raw, 1, Some(MAX_LIMIT))) {
        None => Some(default.unsigned_abs()),
        Some(Ok(n)) => Some(n.unsigned_abs()),
        Some(Err(_)) => None,
    }
}

/// `GET /people?limit=&cursor=&q=`
async fn list(State(state): State<AppState>, pairs: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Response {
    let Ok(Query(pairs)) = pairs else {
        return error(StatusCode::BAD_REQUEST, "Malformed query string");
    };
    let Some(limit) = limit_of(query::last(&pairs, "limit"), DEFAULT_LIMIT) else {
        return error(StatusCode::BAD_REQUEST, &format!("limit must be a whole number from 1 to {MAX_LIMIT}"));
    };
    let Ok(offset) = query::last(&pairs, "cursor").map_or(Ok(0), |c| c.trim().parse::<u64>()) else {
        return error(StatusCode::BAD_REQUEST, "Unknown cursor");
    };
    let found = match query::last(&pairs, "q").map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => state.store.search(NAME, &SEARCHED, q, offset, limit),
        None => state.store.count(NAME).and_then(|total| Ok((total, state.store.page(NAME, offset, limit)?))),
    };
    let (total, people) = match found {
        Ok(found) => found,
        Err(err) => return storage_failed(&err),
    };
    let end = offset + people.len() as u64;
    let next = (end < total && !people.is_empty()).then(|| end.to_string());
    (StatusCode::OK, axum::Json(json!({ "people": people, "total": total, "next_cursor": next }))).into_response()
}

/// `POST /people/search` with `{"query": "…", "limit": N}`.
async fn search(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Response {
    let asked = body.ok().and_then(|b| serde_json::from_slice::<Value>(&b).ok()).unwrap_or(Value::Null);
    let Some(text) = asked.get("query").and_then(Value::as_str).map(str::trim).filter(|q| !q.is_empty()) else {
        return error(StatusCode::BAD_REQUEST, "The body needs a non-empty \"query\"");
    };
    let limit = match asked.get("limit") {
        None => DEFAULT_MATCHES.unsigned_abs(),
        Some(n) => match n.as_u64().filter(|n| (1..=MAX_LIMIT.unsigned_abs()).contains(n)) {
            Some(n) => n,
            None => return error(StatusCode::BAD_REQUEST, &format!("limit must be from 1 to {MAX_LIMIT}")),
        },
    };
    match state.store.search(NAME, &SEARCHED, text, 0, limit) {
        Ok((total, matches)) => {
            (StatusCode::OK, axum::Json(json!({ "matches": matches, "total": total }))).into_response()
        }
        Err(err) => storage_failed(&err),
    }
}

/// `GET /people/{id}`
async fn show(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(id)) = id else { return not_found("") };
    match state.store.get(NAME, &id) {
        Ok(Some(person)) => (StatusCode::OK, axum::Json(json!({ "person": person }))).into_response(),
        Ok(None) => not_found(&id),
        Err(err) => storage_failed(&err),
    }
}

fn not_found(id: &str) -> Response {
    error(StatusCode::NOT_FOUND, &format!("No person with id {id}"))
}

/// `PATCH /people/{id}`: the fields given change, after every one is checked.
async fn update(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(Path(id)) = id else { return not_found("") };
    let mut person = match state.store.get(NAME, &id) {
        Ok(Some(person)) => person,
        Ok(None) => return not_found(&id),
        Err(err) => return storage_failed(&err),
    };
    let Some(Value::Object(changes)) = body.ok().and_then(|b| serde_json::from_slice::<Value>(&b).ok()) else {
        return error(StatusCode::BAD_REQUEST, "The body must be a JSON object");
    };
    let problems: Map<String, Value> =
        changes.iter().filter_map(|(key, value)| problem(key, value).map(|p| (key.clone(), json!(p)))).collect();
    if !problems.is_empty() {
        let body = json!({ "error": "The person is not valid", "fields": problems });
        return (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response();
    }
    if let Value::Object(fields) = &mut person {
        fields.extend(changes);
        fields.insert("updated_at".into(), json!(utc_seconds(Timestamp::now())));
    }
    match state.store.replace(NAME, &id, &person) {
        Ok(_) => (StatusCode::OK, axum::Json(json!({ "person": person }))).into_response(),
        Err(err) => storage_failed(&err),
    }
}

/// What is wrong with `value` for field `key`, if anything.
fn problem(key: &str, value: &Value) -> Option<&'static str> {
    let text = value.as_str();
    match key {
        "first_name" if text.is_none_or(|t| t.trim().is_empty()) => Some("A first name is required"),
        "email" if !text.is_some_and(is_email) => Some("Not an email address"),
        "country" if !text.is_some_and(|t| t.len() == 2 && t.bytes().all(|b| b.is_ascii_uppercase())) => {
            Some("A two-letter country code such as DE")
        }
        "phone" | "company" if !(value.is_null() || value.is_string()) => Some("Text or null"),
        "last_name" | "city" if text.is_none() => Some("Text"),
        "first_name" | "last_name" | "email" | "phone" | "company" | "city" | "country" => None,
        "id" | "updated_at" => Some("Set by Findly, not writable"),
        _ => Some("No such field"),
    }
}

/// Seeds the dialect with `count` of the shared seed people as people 1, 2, 3, …
pub(crate) fn seed(store: &Store, count: u64) -> Result<(), StoreError> {
    let docs = seed::crowd(count).zip(1_i64..).map(|(p, id)| NewDoc {
        id: id.to_string(),
        seq: id,
        body: json!({
            "id": id,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "email": p.email,
            "phone": p.phone,
            "company": (!p.company.is_empty()).then_some(p.company),
            "city": p.city,
            "country": p.country,
            "updated_at": utc_seconds(p.updated_at),
        }),
    });
    store.insert_all(NAME, docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_checked_field_by_field() {
        assert_eq!(problem("email", &json!("ana@example.com")), None);
        assert_eq!(problem("email", &json!("ana")), Some("Not an email address"));
        assert_eq!(problem("first_name", &json!(" ")), Some("A first name is required"));
        assert_eq!(problem("phone", &Value::Null), None);
        assert_eq!(problem("country", &json!("de")), Some("A two-letter country code such as DE"));
        assert_eq!(problem("id", &json!(3)), Some("Set by Findly, not writable"));
        assert_eq!(problem("shoe", &json!(3)), Some("No such field"));
    }

    #[test]
    fn the_backend_file_loads_and_declares_a_search() {
        let backend = crate::backend::parse(BACKEND, "findly.toml").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(backend.search, Some(crate::backend::Search::Param { .. })));
    }
}
