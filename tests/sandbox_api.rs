//! The sandbox's Corporate Merch dialect over real HTTP, checked against the behaviour
//! `shared/vendor-apis/corporatemerch.yaml` describes.

use reqwest::StatusCode;
use rolo::sandbox::{self, Fault, Sandbox, SandboxOptions, Storage};
use serde_json::{Map, Value, json};

const TOKEN: &str = "sandbox-test-token";
const DIALECT: &str = "corporatemerch";

async fn start(storage: Storage) -> Sandbox {
    sandbox::start(SandboxOptions { storage, port: 0, token: TOKEN.to_owned(), contacts: None })
        .await
        .expect("sandbox starts")
}

/// A response's status, `Content-Type` and JSON body.
struct Reply {
    status: StatusCode,
    content_type: String,
    body: Value,
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("request is answered");
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("body is readable");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply { status, content_type, body }
}

async fn get(sb: &Sandbox, path: &str) -> Reply {
    let url = format!("{}{path}", sb.base_url(DIALECT));
    send(reqwest::Client::new().get(url).bearer_auth(TOKEN)).await
}

async fn put(sb: &Sandbox, path: &str, body: &Value) -> Reply {
    let url = format!("{}{path}", sb.base_url(DIALECT));
    send(reqwest::Client::new().put(url).bearer_auth(TOKEN).json(body)).await
}

/// What a well-behaved client PUTs for a stored record: its writable, non-null fields.
fn update_body(record: &Value) -> Map<String, Value> {
    record
        .as_object()
        .expect("record is an object")
        .iter()
        .filter(|(k, v)| !["id", "created_at", "updated_at"].contains(&k.as_str()) && !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn first_record(sb: &Sandbox) -> Map<String, Value> {
    update_body(&sb.record(DIALECT, "1").expect("contact 1 is seeded"))
}

fn is_utc_timestamp(v: &Value) -> bool {
    let s = v.as_str().unwrap_or_default();
    s.parse::<jiff::Timestamp>().is_ok() && s.len() == 20 && s.ends_with('Z')
}

#[tokio::test]
async fn missing_or_wrong_token_is_401() {
    let sb = start(Storage::Memory).await;
    let url = format!("{}/contacts", sb.base_url(DIALECT));
    let client = reqwest::Client::new();
    for request in [
        client.get(&url),
        client.get(&url).bearer_auth("wrong"),
        client.get(&url).header("Authorization", TOKEN),
        client.put(format!("{url}/1")).json(&json!({})),
    ] {
        let reply = send(request).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.body, json!({ "message": "Unauthenticated." }));
        assert_eq!(reply.content_type, "application/json");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn first_page_has_defaults_meta_and_links() {
    let sb = start(Storage::Memory).await;
    assert_eq!(sb.base_url(DIALECT), format!("http://127.0.0.1:{}/corporatemerch/v2", sb.addr().port()));
    let reply = get(&sb, "/contacts").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type, "application/json");
    let body = reply.body;
    let data = body["data"].as_array().expect("data array");
    assert_eq!(data.len(), 15);
    let ids: Vec<u64> = data.iter().filter_map(|c| c["id"].as_u64()).collect();
    assert_eq!(ids, (1..=15).collect::<Vec<_>>());
    let total = body["meta"]["total"].as_u64().expect("total");
    assert!(total >= 240, "only {total} seeded");
    let last = total.div_ceil(15);
    assert_eq!(
        body["meta"],
        json!({ "current_page": 1, "from": 1, "last_page": last, "per_page": 15, "to": 15, "total": total })
    );
    let base = format!("{}/contacts", sb.base_url(DIALECT));
    assert_eq!(
        body["links"],
        json!({
            "first": format!("{base}?page=1"),
            "last": format!("{base}?page={last}"),
            "prev": null,
            "next": format!("{base}?page=2"),
        })
    );
    let contact = &data[0];
    assert!(contact["id"].is_u64());
    assert!(is_utc_timestamp(&contact["created_at"]));
    assert!(is_utc_timestamp(&contact["updated_at"]));
    sb.shutdown().await;
}

#[tokio::test]
async fn pages_with_limit_until_past_the_end() {
    let sb = start(Storage::Memory).await;
    let body = get(&sb, "/contacts?page=2&limit=50").await.body;
    let meta = &body["meta"];
    assert_eq!((meta["from"].as_u64(), meta["to"].as_u64()), (Some(51), Some(100)));
    assert_eq!(body["data"][0]["id"], 51);
    let base = format!("{}/contacts", sb.base_url(DIALECT));
    assert_eq!(body["links"]["prev"], format!("{base}?limit=50&page=1"));
    assert_eq!(body["links"]["next"], format!("{base}?limit=50&page=3"));

    let total = meta["total"].as_u64().expect("total");
    let last = meta["last_page"].as_u64().expect("last_page");
    let body = get(&sb, &format!("/contacts?page={last}&limit=50")).await.body;
    assert_eq!(body["meta"]["to"].as_u64(), Some(total));
    assert_eq!(body["links"]["next"], Value::Null);

    let past = get(&sb, &format!("/contacts?page={}&limit=50", last + 1)).await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(past.body["data"], json!([]));
    assert_eq!(past.body["meta"]["from"], Value::Null);
    assert_eq!(past.body["meta"]["to"], Value::Null);
    assert_eq!(past.body["links"]["next"], Value::Null);
    let all = get(&sb, "/contacts?limit=100&page=1").await.body;
    assert_eq!(all["data"].as_array().map(Vec::len), Some(100));
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_paging_parameters_are_422() {
    let sb = start(Storage::Memory).await;
    for (query, key, message) in [
        ("limit=101", "limit", "The limit field must not be greater than 100."),
        ("limit=0", "limit", "The limit field must be at least 1."),
        ("page=0", "page", "The page field must be at least 1."),
        ("page=two", "page", "The page field must be an integer."),
        ("limit=1.5", "limit", "The limit field must be an integer."),
    ] {
        let reply = get(&sb, &format!("/contacts?{query}")).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(reply.body, json!({ "message": message, "errors": { key: [message] } }), "{query}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_contact_is_404() {
    let sb = start(Storage::Memory).await;
    let not_found = json!({ "message": "Contact not found." });
    let reply = get(&sb, "/contacts/999999").await;
    assert_eq!((reply.status, reply.body), (StatusCode::NOT_FOUND, not_found.clone()));
    let reply = put(&sb, "/contacts/999999", &Value::Object(first_record(&sb))).await;
    assert_eq!((reply.status, reply.body), (StatusCode::NOT_FOUND, not_found));
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let sb = start(Storage::Memory).await;
    let reply = get(&sb, "/nope").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.content_type, "application/json");
    assert!(reply.body["message"].is_string());
    let url = format!("{}/contacts/1", sb.base_url(DIALECT));
    // Like Laravel, a wrong method is reported before authentication is checked.
    let reply = send(reqwest::Client::new().delete(url)).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.content_type, "application/json");
    sb.shutdown().await;
}

#[tokio::test]
async fn valid_put_replaces_the_record() {
    let sb = start(Storage::Memory).await;
    let before = sb.record(DIALECT, "1").expect("seeded");
    let mut body = first_record(&sb);
    body.insert("first_name".into(), json!("Żaneta"));
    body.insert("last_name".into(), json!("Nguyễn-Đặng"));
    body.insert("birthday".into(), json!("2024-02-29"));
    body.insert("lists".into(), json!([7, 2147483647]));
    body.remove("company_name");
    body.remove("address_validated");
    let reply = put(&sb, "/contacts/1", &Value::Object(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let saved = &reply.body["data"];
    assert_eq!(saved["id"], 1);
    assert_eq!(saved["first_name"], "Żaneta");
    assert_eq!(saved["last_name"], "Nguyễn-Đặng");
    assert_eq!(saved["birthday"], "2024-02-29");
    assert_eq!(saved["lists"], json!([7, 2147483647]));
    // Full replacement: what was left out is cleared.
    assert_eq!(saved["company_name"], Value::Null);
    assert_eq!(saved["address_validated"], false);
    assert_eq!(saved["created_at"], before["created_at"]);
    assert_ne!(saved["updated_at"], before["updated_at"]);
    assert!(is_utc_timestamp(&saved["updated_at"]));
    let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
    assert_eq!(keys(saved), keys(&before));
    assert_eq!(get(&sb, "/contacts/1").await.body["data"], *saved);
    assert_eq!(sb.record(DIALECT, "1").as_ref(), Some(saved));
    sb.shutdown().await;
}

/// A name, changes to contact 1's update body (`key`, JSON text; `None` removes the key) and
/// the error keys expected (none = accepted).
type Case = (&'static str, &'static [(&'static str, Option<&'static str>)], &'static [&'static str]);

// One case per line reads as a table; rustfmt would spread each over a dozen lines.
#[rustfmt::skip]
const CASES: &[Case] = &[
    ("US needs a USPS code", &[("country", Some(r#""US""#)), ("state", Some(r#""Bavaria""#))], &["state"]),
    ("US accepts NY", &[("country", Some(r#""US""#)), ("state", Some(r#""NY""#))], &[]),
    ("CA needs a province", &[("country", Some(r#""CA""#)), ("state", Some(r#""NY""#))], &["state"]),
    ("CA accepts QC", &[("country", Some(r#""CA""#)), ("state", Some(r#""QC""#))], &[]),
    ("DE takes free text", &[("country", Some(r#""DE""#)), ("state", Some(r#""Baden-Württemberg""#))], &[]),
    ("no address at all", &[("address", None), ("address2", None)], &["address", "address2"]),
    ("address2 alone is enough", &[("address", None), ("address2", Some(r#""Königstraße 12""#))], &[]),
    ("impossible date", &[("birthday", Some(r#""2023-02-30""#))], &["birthday"]),
    ("leap day", &[("birthday", Some(r#""2024-02-29""#))], &[]),
    ("date in another format", &[("start_date", Some(r#""03/09/2019""#))], &["start_date"]),
    ("bad gender", &[("gender", Some(r#""other""#))], &["gender"]),
    ("bad shirt size", &[("shirt_size", Some(r#""XXL""#))], &["shirt_size"]),
    ("bad type", &[("type", Some(r#""vendor""#))], &["type"]),
    ("bad email", &[("email", Some(r#""not-an-email""#))], &["email"]),
    ("lower-case country", &[("country", Some(r#""de""#))], &["country"]),
    ("required field missing", &[("zip_code", None)], &["zip_code"]),
    ("required field blank", &[("city", Some(r#""  ""#))], &["city"]),
    ("empty optional text", &[("phone_number", Some(r#""""#))], &[]),
    ("string as boolean", &[("address_forced", Some(r#""yes""#))], &["address_forced"]),
    ("number as string", &[("phone_number", Some("5551234"))], &["phone_number"]),
    ("list item not an integer", &[("lists", Some(r#"[1, "2"]"#))], &["lists.1"]),
    ("label out of int32", &[("labels", Some("[3000000000]"))], &["labels.0"]),
    ("lists not an array", &[("lists", Some("4"))], &["lists"]),
    ("unknown key", &[("nickname", Some(r#""Jo""#))], &["nickname"]),
    ("null value", &[("phone_number", Some("null"))], &["phone_number"]),
    ("null boolean", &[("address_verified", Some("null"))], &["address_verified"]),
    ("read-only id", &[("id", Some("1"))], &["id"]),
    ("read-only timestamp", &[("updated_at", Some(r#""2024-06-01T12:30:00Z""#))], &["updated_at"]),
];

#[tokio::test]
async fn each_rule_is_enforced() {
    let sb = start(Storage::Memory).await;
    for &(name, changes, expected) in CASES {
        let mut body = first_record(&sb);
        for &(key, value) in changes {
            match value {
                Some(text) => body.insert(key.to_owned(), serde_json::from_str(text).expect("JSON")),
                None => body.remove(key),
            };
        }
        let reply = put(&sb, "/contacts/1", &Value::Object(body)).await;
        if expected.is_empty() {
            assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
            continue;
        }
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let errors = reply.body["errors"].as_object().expect("errors object");
        assert_eq!(errors.keys().collect::<Vec<_>>(), expected, "{name}: {}", reply.body);
        let first = errors[expected[0]][0].as_str().expect("message");
        assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with(first)), "{name}: {}", reply.body);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn validation_messages_use_laravel_wording() {
    let sb = start(Storage::Memory).await;
    let mut body = first_record(&sb);
    body.remove("address");
    body.remove("address2");
    body.insert("country".into(), json!("US"));
    body.insert("state".into(), json!("Texas"));
    let reply = put(&sb, "/contacts/1", &Value::Object(body)).await;
    assert_eq!(
        reply.body,
        json!({
            "message": "The address field is required when address2 is not present. (and 2 more errors)",
            "errors": {
                "address": ["The address field is required when address2 is not present."],
                "address2": ["The address2 field is required when address is not present."],
                "state": ["The selected state is invalid."],
            }
        })
    );

    let mut body = first_record(&sb);
    body.insert("email".into(), json!("nope"));
    body.insert("shirt_size".into(), json!("XXL"));
    body.insert("birthday".into(), json!("2023-02-30"));
    body.insert("created_at".into(), json!("2020-01-01T00:00:00Z"));
    let reply = put(&sb, "/contacts/1", &Value::Object(body)).await;
    assert_eq!(
        reply.body,
        json!({
            "message": "The email field must be a valid email address. (and 3 more errors)",
            "errors": {
                "email": ["The email field must be a valid email address."],
                "shirt_size": ["The selected shirt size is invalid."],
                "birthday": ["The birthday field must be a valid date."],
                "created_at": ["The created at field is prohibited."],
            }
        })
    );

    let mut body = first_record(&sb);
    body.insert("gender".into(), json!("x"));
    body.insert("first_name".into(), Value::Null);
    let reply = put(&sb, "/contacts/1", &Value::Object(body)).await;
    assert_eq!(reply.body["message"], "The first name field is required. (and 1 more error)");

    // Not JSON at all: Laravel sees empty input, so every required field is missing.
    let url = format!("{}/contacts/1", sb.base_url(DIALECT));
    let request =
        reqwest::Client::new().put(url).bearer_auth(TOKEN).header("Content-Type", "application/json").body("{not json");
    let reply = send(request).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.content_type, "application/json");
    assert_eq!(reply.body["message"], "The first name field is required. (and 9 more errors)");
    sb.shutdown().await;
}

#[tokio::test]
async fn file_database_persists_and_resets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested").join("sandbox.sqlite3");

    let sb = start(Storage::File(path.clone())).await;
    let original = sb.record(DIALECT, "2").expect("seeded")["city"].clone();
    let mut body = update_body(&sb.record(DIALECT, "2").expect("seeded"));
    body.insert("city".into(), json!("Þórshöfn"));
    assert_eq!(put(&sb, "/contacts/2", &Value::Object(body)).await.status, StatusCode::OK);
    sb.shutdown().await;

    let sb = start(Storage::File(path.clone())).await;
    assert_eq!(get(&sb, "/contacts/2").await.body["data"]["city"], "Þórshöfn");
    let total = get(&sb, "/contacts").await.body["meta"]["total"].clone();
    sb.shutdown().await;

    sandbox::reset(&path, None).expect("reset");
    let sb = start(Storage::File(path)).await;
    assert_eq!(get(&sb, "/contacts/2").await.body["data"]["city"], original);
    assert_eq!(get(&sb, "/contacts").await.body["meta"]["total"], total);
    sb.shutdown().await;
}

#[tokio::test]
async fn fault_replaces_every_answer_until_cleared() {
    let sb = start(Storage::Memory).await;
    sb.set_fault(Some(Fault {
        status: 500,
        body: r#"{"message":"Server Error"}"#.to_owned(),
        content_type: "application/json".to_owned(),
        ..Default::default()
    }));
    for path in ["/contacts", "/contacts/1", "/anything"] {
        let reply = get(&sb, path).await;
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert_eq!(reply.body, json!({ "message": "Server Error" }));
    }
    sb.set_fault(Some(Fault {
        status: 503,
        body: "<html>down</html>".to_owned(),
        content_type: "text/html".to_owned(),
        ..Default::default()
    }));
    let reply = get(&sb, "/contacts").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.content_type, "text/html");
    sb.set_fault(None);
    assert_eq!(get(&sb, "/contacts").await.status, StatusCode::OK);
    sb.shutdown().await;
}

#[tokio::test]
async fn dropping_the_sandbox_stops_the_server() {
    let sb = start(Storage::Memory).await;
    let url = format!("{}/contacts", sb.base_url(DIALECT));
    drop(sb);
    // The aborted task releases the listener at its next poll; give it a moment.
    tokio::task::yield_now().await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let client = reqwest::Client::new();
    assert!(client.get(url).bearer_auth(TOKEN).send().await.is_err());
}

#[test]
fn default_db_path_is_in_the_data_dir() {
    if let Some(path) = sandbox::default_db_path() {
        assert!(path.ends_with("sandbox.sqlite3"));
        assert!(path.to_string_lossy().contains("rolo"));
    }
}

/// Contacts per dialect in the scale tests: past the standard 260, not a whole number of pages.
const MANY: u64 = 2_503;

async fn start_with(contacts: Option<u64>) -> Sandbox {
    let opts = SandboxOptions { storage: Storage::Memory, port: 0, token: TOKEN.to_owned(), contacts };
    sandbox::start(opts).await.expect("sandbox starts")
}

/// Every contact of `dialect`, listed with rolo's own client page after page to the end, and
/// the total the server gave.
async fn list_all(sb: &Sandbox, dialect: &str) -> (Vec<rolo::record::Contact>, Option<u64>) {
    let backend = std::sync::Arc::new(sandbox::dialect(dialect).expect("a dialect").backend().expect("its backend"));
    let vars = [("workspaceId".to_owned(), sandbox::BIRD_WORKSPACE.to_owned())].into();
    let secret = Some(secrecy::SecretString::from(TOKEN.to_owned()));
    let client =
        rolo::http::Client::new(backend, &sb.base_url(dialect), secret, vars, Default::default()).expect("client");
    let mut pager = client.pager();
    let mut contacts = Vec::new();
    while let Some(request) = pager.next().cloned() {
        let mut page = client.list(&request).await.expect("a page");
        contacts.extend(pager.take(&mut page));
    }
    assert!(matches!(pager.progress(), rolo::http::Progress::Complete), "{dialect}: {:?}", pager.progress());
    (contacts, pager.total())
}

#[tokio::test]
async fn thousands_of_contacts_page_to_the_end_in_every_dialect_the_same_each_time() {
    let (many, again, standard) =
        (start_with(Some(MANY)).await, start_with(Some(MANY)).await, start(Storage::Memory).await);
    for dialect in sandbox::dialects().iter().map(|d| d.name()) {
        let (contacts, total) = list_all(&many, dialect).await;
        assert_eq!(contacts.len() as u64, MANY, "{dialect}");
        assert!(total.is_none_or(|total| total == MANY), "{dialect}: total {total:?}");
        let (repeated, _) = list_all(&again, dialect).await;
        assert!(
            contacts.iter().zip(&repeated).all(|(a, b)| (&a.id, &a.record) == (&b.id, &b.record)),
            "{dialect}: a second seeding differs"
        );
        // The crowd starts with the standard people, as they are without --contacts.
        let (people, _) = list_all(&standard, dialect).await;
        assert_eq!(people.len(), 260, "{dialect}");
        assert!(
            people.iter().zip(&contacts).all(|(a, b)| (&a.id, &a.record) == (&b.id, &b.record)),
            "{dialect}: the standard people come first"
        );
        let emails: std::collections::HashSet<String> =
            contacts.iter().map(|c| c.record.to_string()).filter_map(|text| first_email(&text)).collect();
        assert!(emails.len() as u64 > MANY * 3 / 4, "{dialect}: {} distinct e-mail addresses", emails.len());
    }
}

/// The first e-mail address in a record's JSON text.
fn first_email(text: &str) -> Option<String> {
    let at = text.find("@example.")?;
    let start = text[..at].rfind('"')? + 1;
    let end = at + text[at..].find('"')?;
    Some(text[start..end].to_owned())
}
