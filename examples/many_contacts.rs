//! A test-only server with as many contacts as you ask for, generated page by page on the fly
//! (nothing is stored), speaking Corporate Merch's list format. It exists to measure `rolo list`
//! over a large list, e.g. its peak memory at 100,000 contacts:
//!
//! ```sh
//! cargo run --release --example many_contacts -- 100000 &      # prints its base URL
//! cat > /tmp/many.toml <<EOF
//! [profiles.many]
//! backend = "corporatemerch"
//! base_url = "http://127.0.0.1:PORT"
//! secret_env = "MANY_TOKEN"
//! EOF
//! MANY_TOKEN=x /usr/bin/time -v target/release/rolo --config /tmp/many.toml list --json > /dev/null
//! ```
//!
//! It listens on 127.0.0.1 (port 0 unless a second argument names one) and accepts any token.
//!
//! Measured on 2026-12-02 (release rolo, this server as a debug build, 2 shared cores): peak
//! RSS of `rolo list --json` at 100,000 contacts was 1,227,564 KB before streaming (the list was
//! collected, then printed) and 21,572 KB after (18,760 KB at 10,000 contacts), the same output
//! byte for byte.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::routing::get;
use serde_json::{Value, json};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let count: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let port: u16 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let app = axum::Router::new().route("/contacts", get(page)).with_state(count);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind loopback");
    println!("http://{}", listener.local_addr().expect("address"));
    axum::serve(listener, app).await.expect("serve");
}

/// `GET /contacts?page=N&limit=L`: contacts `(N-1)*L + 1 ..`, with the total and last page.
async fn page(State(count): State<u64>, Query(query): Query<HashMap<String, String>>) -> Json<Value> {
    let number = |key: &str, default: u64| query.get(key).and_then(|v| v.parse().ok()).unwrap_or(default);
    let limit = number("limit", 100).clamp(1, 1000);
    let page = number("page", 1).max(1);
    let first = (page - 1) * limit + 1;
    let data: Vec<Value> = (first..=count.min(first + limit - 1)).map(contact).collect();
    Json(json!({"data": data, "meta": {"total": count, "last_page": count.div_ceil(limit), "current_page": page}}))
}

/// A contact of the size and shape the sandbox's are.
fn contact(id: u64) -> Value {
    json!({
        "id": id,
        "first_name": format!("Ana{id}"),
        "last_name": "Lima-Côté",
        "email": format!("ana.{id}@example.com"),
        "phone": "+1 514 555 0199",
        "company_name": "Grün & Weiß Textil GmbH",
        "type": "client",
        "country": "CA",
        "city": "Montréal",
        "address": "1234 rue Sainte-Catherine Ouest, app. 5",
        "postal_code": "H3G 1P1",
        "birthday": "1990-04-12",
        "shirt_size": "M",
        "lists": [1, 4],
        "custom_fields": {"tier": "gold", "source": "import"},
        "notes": "Prefers email. Met at the 2024 trade show; follow up in spring.",
        "created_at": "2024-01-02T03:04:05Z",
        "updated_at": "2025-06-07T08:09:10Z"
    })
}
