//! Servers that echo the caller's secret back in every place an answer can carry text: the
//! body, a URL inside the body, `Location`, `Link` and `Content-Location` headers, an error
//! message, a per-field error, and a record's field values. Built on [`super::hostile`].

use serde_json::{Value, json};

use super::hostile::{Reply, Request};

/// A Corporate Merch contact whose `company_name` and `position` hold `token`.
pub fn corporatemerch_record(token: &str) -> Value {
    json!({"id": 1, "first_name": "Echo", "last_name": "Tester", "email": "echo@example.com",
           "company_name": token, "position": format!("keeper of {token}"), "type": "client",
           "country": "CA", "address": "1 rue Sainte-Catherine", "city": "Montréal", "state": "QC",
           "zip_code": "H2X 1Y4", "lists": [1]})
}

/// The secret as it travels in a query string.
pub fn query_encoded(token: &str) -> String {
    let mut out = String::new();
    for byte in token.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._*".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The headers of every echoing answer.
fn echo_headers(reply: Reply, token: &str) -> Reply {
    reply
        .with_header("Location", &format!("https://elsewhere.example/next?token={token}"))
        .with_header("Link", &format!("<https://api.example/contacts?page=2&api_token={token}>; rel=\"next\""))
        .with_header("Content-Location", &format!("/contacts?key={}", query_encoded(token)))
        .with_header("X-Debug", &format!("Bearer {token}"))
}

/// Corporate Merch's API (one contact, id 1) echoing `token` everywhere; a write is refused
/// with a 422 that quotes it.
pub fn corporatemerch(token: &str) -> impl FnMut(&Request) -> Reply + Send + 'static {
    let token = token.to_string();
    move |request: &Request| {
        let reply = match (request.method.as_str(), request.path()) {
            ("GET", "/contacts") => Reply::json(
                200,
                &json!({"data": [corporatemerch_record(&token)], "meta": {"total": 1, "last_page": 1},
                        "links": {"next": format!("https://api.example/contacts?page=2&token={}", query_encoded(&token))},
                        "debug": format!("Authorization: Bearer {token}")}),
            ),
            ("GET", "/contacts/1") => Reply::json(
                200,
                &json!({"data": corporatemerch_record(&token), "seen": request.header("authorization")}),
            ),
            (_, "/contacts/1") => Reply::json(
                422,
                &json!({"message": format!("The token {token} may not edit"),
                        "errors": {"email": [format!("{token} is not allowed to set this")]}}),
            ),
            _ => Reply::json(404, &json!({"message": format!("nothing here for {token}")})),
        };
        echo_headers(reply, &token)
    }
}

/// Insighto's API (one contact) echoing the request URL, the `api_key` query parameter in it,
/// inside the body, as sent (percent-encoded) and decoded.
pub fn insighto(token: &str) -> impl FnMut(&Request) -> Reply + Send + 'static {
    let token = token.to_string();
    move |request: &Request| {
        let record = json!({"id": "6f1c2f7e-0000-4000-8000-000000000001", "first_name": "Query", "last_name": "Echo",
                            "email": "q@example.com", "phone_number": token.clone()});
        let reply = match (request.method.as_str(), request.path()) {
            ("GET", "/api/v1/contact/list") => Reply::json(
                200,
                &json!({"data": {"items": [record], "total": 1, "pages": 1},
                        "self": format!("https://api.insighto.ai{}", request.target),
                        "next": format!("https://api.insighto.ai/api/v1/contact/list?page=2&api_key={token}")}),
            ),
            ("GET", _) => Reply::json(200, &json!({"data": record, "self": request.target})),
            _ => Reply::json(422, &json!({"detail": [{"loc": ["body", "email"], "msg": format!("bad key {token}")}]})),
        };
        echo_headers(reply, &token)
    }
}
