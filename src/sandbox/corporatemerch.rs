//! The Corporate Merch dialect (`shared/vendor-apis/corporatemerch.yaml`): a Laravel-style
//! API with bearer auth, `{"data": …}` resources, `{data, links, meta}` pages and Laravel's
//! 422 validation bodies.
//!
//! Records are stored as the exact read model (`Contact` schema, every key present) with the
//! numeric id as the store id, so listing order is id order.

mod rules;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::formats::utc_seconds;
use super::laravel::{self, Errors};
use super::query;
use super::seed::{self, Gender, Person, Rng};
use super::store::{NewDoc, Store, StoreError};
use super::{AppState, has_bearer};

/// Dialect name, as used by `Sandbox::base_url` and `Sandbox::record`.
pub(crate) const NAME: &str = "corporatemerch";
/// Path prefix: the base URL's path (the real API lives at `https://api.corporatemerch.com/v2`).
pub(crate) const PREFIX: &str = "/corporatemerch/v2";
/// How a client presents the token, for people: this, then the token.
pub(crate) const CREDENTIAL: &str = "Authorization: Bearer ";

const DEFAULT_LIMIT: i64 = 15;
const MAX_LIMIT: i64 = 100;

/// The dialect's routes, relative to [`PREFIX`].
pub(crate) fn routes(state: AppState) -> Router {
    // Route layers run only once a route and method matched: like Laravel, an unknown path
    // is a 404 and a wrong method a 405 whether or not the caller is authenticated.
    let auth = middleware::from_fn_with_state(state.clone(), authenticate);
    Router::new()
        .route("/contacts", get(list).route_layer(auth.clone()).fallback(laravel::not_allowed_on_list))
        .route("/contacts/{id}", get(show).put(update).route_layer(auth).fallback(laravel::not_allowed_on_contact))
        .fallback(laravel::route_not_found)
        .with_state(state)
}

async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if has_bearer(request.headers(), &state.token) {
        next.run(request).await
    } else {
        laravel::message(StatusCode::UNAUTHORIZED, "Unauthenticated.")
    }
}

/// `GET /contacts?page=&limit=`
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Ok(Query(pairs)) = query else {
        return laravel::message(StatusCode::BAD_REQUEST, "Malformed query string.");
    };
    let mut errors = Errors::default();
    let limit_given = query::last(&pairs, "limit");
    let page = laravel::int_param(&mut errors, "page", query::last(&pairs, "page"), 1, None);
    let limit = laravel::int_param(&mut errors, "limit", limit_given, DEFAULT_LIMIT, Some(MAX_LIMIT));
    if !errors.is_empty() {
        return errors.into_response();
    }
    // Both are ≥ 1 once validated.
    let (page, limit) = (page.unsigned_abs(), limit.unsigned_abs());
    let offset = (page - 1).saturating_mul(limit);
    let (total, items) =
        match state.store.count(NAME).and_then(|total| Ok((total, state.store.page(NAME, offset, limit)?))) {
            Ok(found) => found,
            Err(err) => return laravel::server_error(NAME, &err),
        };
    let last_page = total.div_ceil(limit).max(1);
    let shown = u64::try_from(items.len()).unwrap_or(0);
    let from = (shown > 0).then(|| offset + 1);
    let to = from.map(|from| from + shown - 1);

    let host =
        headers.get(header::HOST).and_then(|h| h.to_str().ok()).map_or_else(|| state.addr.to_string(), str::to_owned);
    // Laravel's paginator links carry only `page`; the explicit `limit` is kept too so that
    // following `next` does not silently fall back to 15 per page.
    let extra = limit_given.filter(|l| !l.trim().is_empty()).map_or_else(String::new, |_| format!("limit={limit}&"));
    let link = |p: u64| format!("http://{host}{PREFIX}/contacts?{extra}page={p}");
    let body = json!({
        "data": items,
        "links": {
            "first": link(1),
            "last": link(last_page),
            "prev": (page > 1).then(|| link(page - 1)),
            "next": (page < last_page).then(|| link(page + 1)),
        },
        "meta": {
            "current_page": page,
            "from": from,
            "last_page": last_page,
            "per_page": limit,
            "to": to,
            "total": total,
        },
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// `GET /contacts/{id}`
async fn show(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(id)) = id else {
        return not_found();
    };
    match state.store.get(NAME, &id) {
        Ok(Some(contact)) => data(contact),
        Ok(None) => not_found(),
        Err(err) => laravel::server_error(NAME, &err),
    }
}

/// `PUT /contacts/{id}`: full replacement of the writable fields.
async fn update(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_found();
    };
    // Laravel resolves the route's model before validating, so an unknown id wins over a
    // bad body.
    let existing = match state.store.get(NAME, &id) {
        Ok(Some(contact)) => contact,
        Ok(None) => return not_found(),
        Err(err) => return laravel::server_error(NAME, &err),
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return laravel::message(rejection.status(), &rejection.body_text()),
    };
    // Laravel decodes a body that is not a JSON object as empty input, so such a request
    // gets the ordinary 422 listing every required field.
    let input = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(input)) => input,
        _ => Map::new(),
    };
    let fields = match rules::validate(&input) {
        Ok(fields) => fields,
        Err(errors) => return errors.into_response(),
    };
    let contact = read_model(
        existing.get("id").cloned().unwrap_or(Value::Null),
        fields,
        existing.get("created_at").cloned().unwrap_or(Value::Null),
        Value::String(utc_seconds(Timestamp::now())),
    );
    match state.store.replace(NAME, &id, &contact) {
        Ok(true) => data(contact),
        Ok(false) => not_found(),
        Err(err) => laravel::server_error(NAME, &err),
    }
}

fn read_model(id: Value, fields: Map<String, Value>, created: Value, updated: Value) -> Value {
    let mut contact = Map::with_capacity(fields.len() + 3);
    contact.insert("id".to_owned(), id);
    contact.extend(fields);
    contact.insert("created_at".to_owned(), created);
    contact.insert("updated_at".to_owned(), updated);
    Value::Object(contact)
}

fn data(contact: Value) -> Response {
    (StatusCode::OK, axum::Json(json!({ "data": contact }))).into_response()
}

fn not_found() -> Response {
    laravel::message(StatusCode::NOT_FOUND, "Contact not found.")
}

/// Seeds the dialect with `count` of the shared seed people as contacts 1, 2, 3, …
pub(crate) fn seed(store: &Store, count: u64) -> Result<(), StoreError> {
    let mut rng = Rng::new(0x00C0_4F04_A7E4_C400);
    let docs = seed::crowd(count).zip(1_i64..).map(|(person, id)| NewDoc {
        id: id.to_string(),
        seq: id,
        body: seed_contact(id, &person, &mut rng),
    });
    store.insert_all(NAME, docs)
}

fn seed_contact(id: i64, p: &Person, rng: &mut Rng) -> Value {
    let employee = rng.chance(60);
    let maybe =
        |rng: &mut Rng, pct: u64, value: &str| -> Value { if rng.chance(pct) { json!(value) } else { Value::Null } };
    let date = |rng: &mut Rng, pct: u64, from: i16, to: i16| -> Value {
        if rng.chance(pct) { json!(rng.date(from, to).to_string()) } else { Value::Null }
    };
    // A few records keep their street in address2 only, as the spec's second example does.
    let (address, address2) =
        if rng.chance(6) { (Value::Null, json!(p.street)) } else { (json!(p.street), json!(p.unit)) };
    let gender = match (rng.chance(92), p.gender) {
        (false, _) => Value::Null,
        (true, Gender::Male) => json!("male"),
        (true, Gender::Female) => json!("female"),
    };
    let shirt_size = rng.chance(85).then(|| pick(rng, &["XS", "SM", "MD", "LG", "XL", "2XL", "3XL"]));
    let validated = rng.chance(70);
    let verified = validated && rng.chance(80);
    let forced = rng.chance(10);
    let status = pick(rng, &["active", "active", "active", "active", "inactive", "on leave"]);
    let employment_type = pick(rng, &["Full-Time", "Full-Time", "Full-Time", "Part-Time", "Contract", "Intern"]);
    let classification = pick(rng, &["VIP", "Gold", "Silver", "Regular", "Prospect"]);
    json!({
        "id": id,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "phone_number": p.phone,
        "gender": gender,
        "shirt_size": shirt_size,
        "birthday": rng.chance(75).then(|| p.birthday.to_string()),
        "country": p.country,
        "address": address,
        "address2": address2,
        "city": p.city,
        "state": p.region,
        "zip_code": p.postal_code,
        "company_name": maybe(rng, 90, p.company),
        "department": maybe(rng, if employee { 85 } else { 30 }, p.department),
        "position": maybe(rng, 85, p.job_title),
        "employment_status": if employee { json!(status) } else { Value::Null },
        "type": if employee { "employee" } else { "client" },
        "employment_type": if employee { maybe(rng, 95, employment_type) } else { Value::Null },
        "start_date": if employee { date(rng, 85, 2005, 2024) } else { Value::Null },
        "wedding_anniversary": date(rng, 20, 1985, 2023),
        "client_since": if employee { Value::Null } else { date(rng, 85, 2010, 2024) },
        "classification": maybe(rng, if employee { 10 } else { 80 }, classification),
        "address_validated": validated,
        "address_forced": forced,
        "address_verified": verified,
        "lists": ids(rng, 40),
        "labels": ids(rng, 20),
        "created_at": utc_seconds(p.created_at),
        "updated_at": utc_seconds(p.updated_at),
    })
}

fn pick(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    rng.pick(items).copied().unwrap_or_default()
}

/// Zero to three distinct ids in `1..=max`, ascending.
fn ids(rng: &mut Rng, max: i64) -> Vec<i64> {
    let count = rng.below(4);
    let mut ids: Vec<i64> = (0..count).map(|_| rng.between(1, max)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests;
