//! The Bird dialect (`shared/vendor-apis/bird.yaml`): contacts of one workspace, `AccessKey`
//! (or `Bearer`) auth, bare Contact objects, cursor paging with an opaque `pageToken`, and the
//! `{code, message, details}` error body.
//!
//! Records are stored as the exact read model with the uuid as the store id and the creation
//! order as `seq`. Only [`BIRD_WORKSPACE`] exists; any other workspace id answers 404.

mod model;
mod rules;
mod seeding;
mod token;

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

use super::formats::utc_millis;
use super::query::{self, IntProblem};
use super::store::{Store, StoreError};
use super::{AppState, BIRD_WORKSPACE, has_scheme};
use rules::{Details, Identifier, Strategy};

/// Dialect name, as used by `Sandbox::base_url` and `Sandbox::record`.
pub(crate) const NAME: &str = "bird";
/// Path prefix: the base URL's path (the real API lives at `https://api.bird.com`).
pub(crate) const PREFIX: &str = "/bird";
/// How a client presents the token, for people: this, then the token.
pub(crate) const CREDENTIAL: &str = "Authorization: AccessKey ";
/// The path variables a client needs: the one workspace the sandbox serves.
pub(crate) const VARS: &[(&str, &str)] = &[("workspaceId", BIRD_WORKSPACE)];

const DEFAULT_LIMIT: i64 = 10;
const MAX_LIMIT: i64 = 100;
const MAX_TOKEN_CHARS: usize = 8000;

/// The query string as `(key, value)` pairs, or why it could not be read.
type QueryPairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// The dialect's routes, relative to [`PREFIX`].
pub(crate) fn routes(state: AppState) -> Router {
    // Authentication runs only once a route and method matched.
    let auth = middleware::from_fn_with_state(state.clone(), authenticate);
    Router::new()
        .route("/workspaces/{workspace_id}/contacts", get(list).route_layer(auth.clone()).fallback(method_not_allowed))
        .route(
            "/workspaces/{workspace_id}/contacts/{contact_id}",
            get(show).patch(update).route_layer(auth).fallback(method_not_allowed),
        )
        .fallback(route_not_found)
        .with_state(state)
}

/// Seeds the dialect with the shared seed people.
pub(crate) fn seed(store: &Store, count: u64) -> Result<(), StoreError> {
    store.insert_all(NAME, seeding::docs(count))
}

/// `AccessKey <key>` is Bird's own scheme; the spec also declares `Bearer` (a user's token).
async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if has_scheme(headers, "accesskey", &state.token) || has_scheme(headers, "bearer", &state.token) {
        next.run(request).await
    } else {
        error(StatusCode::UNAUTHORIZED, "Unauthorized", "unauthorized request", None)
    }
}

/// `GET /workspaces/{workspaceId}/contacts?limit=&pageToken=&reverse=`
async fn list(State(state): State<AppState>, path: Result<Path<String>, PathRejection>, query: QueryPairs) -> Response {
    if !path.is_ok_and(|Path(workspace)| workspace.eq_ignore_ascii_case(BIRD_WORKSPACE)) {
        return workspace_not_found();
    }
    let Ok(Query(pairs)) = query else {
        let mut details = Details::default();
        details.add("query", "is not a valid query string");
        return bad_request(&details);
    };
    let (limit, offset, reverse) = match paging(&pairs) {
        Ok(paging) => paging,
        Err(details) => return bad_request(&details),
    };
    let page = if reverse { state.store.page_desc(NAME, offset, limit) } else { state.store.page(NAME, offset, limit) };
    let (total, results) = match state.store.count(NAME).and_then(|total| Ok((total, page?))) {
        Ok(found) => found,
        Err(err) => return server_error(&err),
    };
    let mut body = json!({ "results": results });
    // The token is relative to the order asked for, so a client keeps `reverse` while paging.
    let next = offset.saturating_add(limit);
    if next < total {
        body["nextPageToken"] = Value::String(token::encode(next));
    }
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// `(limit, offset, reverse)` from the list query; blank parameters count as absent.
fn paging(pairs: &[(String, String)]) -> Result<(u64, u64, bool), Details> {
    let mut details = Details::default();
    let param = |name: &str| query::last(pairs, name).filter(|v| !v.trim().is_empty());
    let limit = match param("limit").map(|raw| query::int(raw, 1, Some(MAX_LIMIT))) {
        None => DEFAULT_LIMIT,
        Some(Ok(limit)) => limit,
        Some(Err(IntProblem::NotInteger)) => {
            details.add("limit", "must be an integer");
            DEFAULT_LIMIT
        }
        Some(Err(_)) => {
            details.add("limit", format!("must be between 1 and {MAX_LIMIT}"));
            DEFAULT_LIMIT
        }
    };
    let offset = match param("pageToken") {
        None => 0,
        Some(t) if t.chars().count() > MAX_TOKEN_CHARS => {
            details.add("pageToken", format!("must be at most {MAX_TOKEN_CHARS} characters"));
            0
        }
        Some(t) => token::decode(t).unwrap_or_else(|| {
            details.add("pageToken", "is not a valid page token");
            0
        }),
    };
    let reverse = match param("reverse") {
        None => false,
        Some(raw) if raw.eq_ignore_ascii_case("true") => true,
        Some(raw) if raw.eq_ignore_ascii_case("false") => false,
        Some(_) => {
            details.add("reverse", "must be a boolean");
            false
        }
    };
    if details.is_empty() { Ok((limit.unsigned_abs(), offset, reverse)) } else { Err(details) }
}

/// `GET /workspaces/{workspaceId}/contacts/{contactId}?attribute=…`
async fn show(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    query: QueryPairs,
) -> Response {
    let Some(contact_id) = contact_in_workspace(path) else {
        return workspace_not_found();
    };
    match state.store.get(NAME, &contact_id) {
        Ok(Some(contact)) => found(contact, query),
        Ok(None) => contact_not_found(),
        Err(err) => server_error(&err),
    }
}

/// `PATCH /workspaces/{workspaceId}/contacts/{contactId}`
async fn update(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    query: QueryPairs,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(contact_id) = contact_in_workspace(path) else {
        return workspace_not_found();
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return error(rejection.status(), "InvalidPayload", &rejection.body_text(), None),
    };
    let input = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(input)) => input,
        _ => {
            let mut details = Details::default();
            details.add("body", "must be a JSON object");
            return invalid(&details);
        }
    };
    let patch = match rules::validate(&input) {
        Ok(patch) => patch,
        Err(details) => return invalid(&details),
    };
    let contact = match state.store.get(NAME, &contact_id) {
        Ok(Some(contact)) => contact,
        Ok(None) => return contact_not_found(),
        Err(err) => return server_error(&err),
    };
    let adds = match free_identifiers(&state.store, &contact_id, &patch.add_identifiers, patch.strategy) {
        Ok(Ok(adds)) => adds,
        Ok(Err(taken)) => {
            let message = format!("identifier {}:{} belongs to another contact", taken.key, taken.value);
            return error(StatusCode::CONFLICT, "IdentifierAlreadyExists", &message, None);
        }
        Err(err) => return server_error(&err),
    };
    let contact = model::apply(contact, &patch, &adds, &utc_millis(Timestamp::now()));
    match state.store.replace(NAME, &contact_id, &contact) {
        Ok(true) => found(contact, query),
        Ok(false) => contact_not_found(),
        Err(err) => server_error(&err),
    }
}

/// The identifiers to add, leaving out those another contact owns; with the default
/// `strict_alias` strategy such an identifier is an error instead (`Err(identifier)`).
fn free_identifiers(
    store: &Store,
    contact_id: &str,
    adds: &[Identifier],
    strategy: Strategy,
) -> Result<Result<Vec<Identifier>, Identifier>, StoreError> {
    if adds.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    // A full scan is fine for a few hundred seed contacts and keeps the store schema-free.
    let total = store.count(NAME)?;
    let taken: Vec<Identifier> = store
        .page(NAME, 0, total)?
        .iter()
        .filter(|c| c.get("id").and_then(Value::as_str) != Some(contact_id))
        .flat_map(model::identifiers)
        .collect();
    let mut free = Vec::with_capacity(adds.len());
    for id in adds {
        match (taken.contains(id), strategy) {
            (false, _) => free.push(id.clone()),
            (true, Strategy::StrictAlias) => return Ok(Err(id.clone())),
            (true, Strategy::FirstAlias | Strategy::First) => {}
        }
    }
    Ok(Ok(free))
}

/// The contact id when the path names the sandbox's workspace.
fn contact_in_workspace(path: Result<Path<(String, String)>, PathRejection>) -> Option<String> {
    let Path((workspace, contact)) = path.ok()?;
    workspace.eq_ignore_ascii_case(BIRD_WORKSPACE).then_some(contact)
}

/// 200 with the contact, showing the `?attribute=` keys it lacks as `null`.
fn found(contact: Value, query: QueryPairs) -> Response {
    let pairs = query.map(|q| q.0).unwrap_or_default();
    let contact = model::with_requested(contact, &query::all(&pairs, "attribute"));
    (StatusCode::OK, axum::Json(contact)).into_response()
}

/// `{"code", "message", "details"?}`
fn error(status: StatusCode, code: &str, message: &str, details: Option<&Details>) -> Response {
    let mut body = Map::new();
    body.insert("code".to_owned(), json!(code));
    body.insert("message".to_owned(), json!(message));
    if let Some(details) = details {
        body.insert("details".to_owned(), details.to_json());
    }
    (status, axum::Json(Value::Object(body))).into_response()
}

fn invalid(details: &Details) -> Response {
    error(StatusCode::UNPROCESSABLE_ENTITY, "InvalidPayload", "Invalid payload", Some(details))
}

fn bad_request(details: &Details) -> Response {
    error(StatusCode::BAD_REQUEST, "InvalidParameter", "Invalid request", Some(details))
}

fn contact_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NotFound", "contact not found", None)
}

fn workspace_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NotFound", "workspace not found", None)
}

fn server_error(err: &StoreError) -> Response {
    tracing::error!(%err, "bird sandbox storage failure");
    error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", "internal error", None)
}

async fn route_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NotFound", "route not found", None)
}

async fn method_not_allowed() -> Response {
    error(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", "method not allowed", None)
}

#[cfg(test)]
mod tests;
