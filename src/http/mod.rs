//! The HTTP client: turns a backend description into requests, and answers into contacts.

mod answer;
mod outcome;
mod pager;
mod retry;
mod write;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

pub use answer::{Exchange, HttpError, ServerFieldError, read_error_body};
pub use outcome::{ALREADY_STORED, Verdict, WriteOutcome, differences_note, unknown as unknown_summary};
pub use pager::{DEFAULT_MAX_CONTACTS, Pager, Progress, Stop};
pub use retry::{Retry, RetryPolicy};
pub use write::Written;

use crate::backend::{Auth, Backend, Method, Paging, path::Path};
use crate::record::Contact;
use crate::redact::Redactor;

/// The largest answer rolo reads; a bigger one is cut and reported.
const MAX_BODY: usize = 16 << 20;

/// How much of a cut answer is kept for the raw view.
const SHOWN_OF_HUGE_BODY: usize = 64 << 10;

/// Which page of the list to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    /// A numbered page.
    Number(u32),
    /// A cursor page; `None` is the first.
    Cursor(Option<String>),
    /// The whole list in one request.
    All,
}

impl PageRequest {
    /// The first page for a paging style.
    pub fn first(paging: &Paging) -> Self {
        match paging {
            Paging::Page { first, .. } => PageRequest::Number(*first),
            Paging::Cursor { .. } => PageRequest::Cursor(None),
            Paging::None => PageRequest::All,
        }
    }
}

/// One page of the contact list.
#[derive(Debug, Clone)]
pub struct Page {
    /// The contacts on it.
    pub contacts: Vec<Contact>,
    /// Records without an id, left out.
    pub skipped: usize,
    /// The page after this one, if any.
    pub next: Option<PageRequest>,
    /// The vendor's total count, if it says.
    pub total: Option<u64>,
    /// The exchange, for the status line and raw view.
    pub exchange: Exchange,
}

/// A single contact from a get or an update.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The contact, when the answer carried one.
    pub contact: Option<Contact>,
    /// The exchange, for the status line and raw view.
    pub exchange: Exchange,
}

/// A request described before it is sent, for previews and `--dry-run`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// `PUT`, `PATCH`…
    pub method: String,
    /// The full URL, its secret (if any) redacted.
    pub url: String,
    /// The JSON body.
    pub body: Value,
}

/// Time limits for requests.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// To establish a connection.
    pub connect: Duration,
    /// For the whole request, body included.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { connect: Duration::from_secs(5), total: Duration::from_secs(30) }
    }
}

/// Why a [`Client`] could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The profile's (or backend's) base URL does not parse.
    #[error("base_url `{base_url}` is not a URL: {reason}")]
    BaseUrl {
        /// The base URL as given.
        base_url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP machinery (TLS) could not be set up.
    #[error("cannot set up HTTP: {0}")]
    Setup(reqwest::Error),
}

/// Talks to one vendor on behalf of one profile.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    backend: Arc<Backend>,
    base_url: String,
    secret: Option<SecretString>,
    /// Masks the secret in everything that comes back from the server.
    redactor: Redactor,
    vars: BTreeMap<String, String>,
    retry: RetryPolicy,
    max_contacts: u64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("backend", &self.backend.name).field("base_url", &self.base_url).finish()
    }
}

impl Client {
    /// A client for `base_url` (paths in the backend file are relative to it).
    pub fn new(
        backend: Arc<Backend>,
        base_url: &str,
        secret: Option<SecretString>,
        vars: BTreeMap<String, String>,
        timeouts: Timeouts,
    ) -> Result<Self, ClientError> {
        Url::parse(base_url)
            .map_err(|e| ClientError::BaseUrl { base_url: base_url.to_string(), reason: e.to_string() })?;
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.total)
            .user_agent(concat!("rolo/", env!("CARGO_PKG_VERSION")))
            // A redirect would carry a header secret (X-API-Key…) to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(ClientError::Setup)?;
        let base_url = base_url.trim_end_matches('/').to_string();
        let redactor = Redactor::new(secret.as_ref());
        Ok(Self {
            http,
            backend,
            base_url,
            secret,
            redactor,
            vars,
            retry: RetryPolicy::default(),
            max_contacts: DEFAULT_MAX_CONTACTS,
        })
    }

    /// The same client with another retry policy for reads.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same client listing at most `max` contacts per pass (the profile's `max_contacts`).
    pub fn with_max_contacts(mut self, max: u64) -> Self {
        self.max_contacts = max;
        self
    }

    /// A pass through the contact list from its first page, under this client's cap.
    pub fn pager(&self) -> Pager {
        Pager::new(&self.backend.list.paging, self.max_contacts)
    }

    /// The backend this client speaks.
    pub fn backend(&self) -> &Arc<Backend> {
        &self.backend
    }

    /// Masks this profile's secret; for records, which are kept as received and redacted only
    /// where they are shown or written.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Fetches one page of the contact list, retrying as the policy says.
    pub async fn list(&self, page: &PageRequest) -> Result<Page, HttpError> {
        self.list_watched(page, &|_| {}).await
    }

    /// [`Client::list`], telling `on_retry` before each retry.
    pub async fn list_watched(&self, page: &PageRequest, on_retry: &(dyn Fn(Retry) + Sync)) -> Result<Page, HttpError> {
        let list = &self.backend.list;
        let mut query: Vec<(String, String)> = list.query.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        match (&list.paging, page) {
            (Paging::Page { page_param, size_param, size, .. }, PageRequest::Number(n)) => {
                query.push((page_param.clone(), n.to_string()));
                query.push((size_param.clone(), size.to_string()));
            }
            (Paging::Cursor { cursor_param, size_param, size, .. }, PageRequest::Cursor(cursor)) => {
                query.push((size_param.clone(), size.to_string()));
                if let Some(cursor) = cursor {
                    query.push((cursor_param.clone(), cursor.clone()));
                }
            }
            _ => {}
        }
        let (body, exchange) = self.read(&list.path, None, &query, on_retry).await?;
        let Some(items) = list.items.get(&body).and_then(|v| v.as_array().cloned()) else {
            return Err(unexpected(format!("no list of contacts at `{}`", list.items), exchange));
        };
        let count = items.len();
        let contacts: Vec<Contact> = items.into_iter().filter_map(|r| Contact::from_record(&self.backend, r)).collect();
        let skipped = count - contacts.len();
        let total = list.total.as_ref().and_then(|p| p.get(&body)).and_then(|v| v.as_u64());
        let next = next_page(&list.paging, page, &body, count);
        Ok(Page { contacts, skipped, next, total, exchange })
    }

    /// Fetches one contact, retrying as the policy says.
    pub async fn get(&self, id: &str) -> Result<Fetched, HttpError> {
        self.get_watched(id, &|_| {}).await
    }

    /// [`Client::get`], telling `on_retry` before each retry.
    pub async fn get_watched(&self, id: &str, on_retry: &(dyn Fn(Retry) + Sync)) -> Result<Fetched, HttpError> {
        let get = &self.backend.get;
        let (body, exchange) = self.read(&get.path, Some(id), &[], on_retry).await?;
        self.fetched(&get.record, body, exchange, true)
    }

    /// A GET, retried after overloads and outages (reads change nothing, so retrying is safe).
    async fn read(
        &self,
        path: &str,
        id: Option<&str>,
        query: &[(String, String)],
        on_retry: &(dyn Fn(Retry) + Sync),
    ) -> Result<(Value, Exchange), HttpError> {
        let mut attempt = 1;
        loop {
            match self.send(Method::Get, path, id, query, None).await {
                Err(error) => match retry::next_retry(&self.retry, attempt, &error) {
                    Some(retry) => {
                        let wait = retry.wait;
                        on_retry(retry);
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                    }
                    None => return Err(error),
                },
                answer => return answer,
            }
        }
    }

    /// Sends an update, once: a write is never retried behind the user's back.
    /// The answer's record (if any) is the saved contact; a 2xx whose body holds none (empty,
    /// not JSON, too big, no record where the backend file says) answers `contact: None`.
    /// [`Client::write`] adds the fetch that then tells what was stored.
    pub async fn update(&self, id: &str, body: Value) -> Result<Fetched, HttpError> {
        let update = &self.backend.update;
        match self.send(update.method, &update.path, Some(id), &[], Some(body)).await {
            Ok((answer, exchange)) => self.fetched(&update.record, answer, exchange, false),
            Err(HttpError::Unexpected { exchange, .. }) if exchange.status.is_some_and(|s| (200..300).contains(&s)) => {
                Ok(Fetched { contact: None, exchange: *exchange })
            }
            Err(error) => Err(error),
        }
    }

    /// What [`Client::update`] would send for `id` and `body`, with the secret redacted (from
    /// the body too: a field may hold what a server echoed).
    pub fn outgoing_update(&self, id: &str, mut body: Value) -> Outgoing {
        let update = &self.backend.update;
        self.redactor.json(&mut body);
        Outgoing { method: update.method.as_str().to_string(), url: self.display_url(&update.path, Some(id)), body }
    }

    /// The URL a request would go to, with the secret redacted, for display.
    pub fn display_url(&self, path: &str, id: Option<&str>) -> String {
        self.url(path, id, &[]).map(|u| self.shown_url(&u)).unwrap_or_default()
    }

    /// A URL as text for display: the query secret and any other form of the secret masked.
    fn shown_url(&self, url: &Url) -> String {
        self.redactor.string(redact(url, &self.backend.auth))
    }

    fn fetched(&self, at: &Path, body: Value, exchange: Exchange, required: bool) -> Result<Fetched, HttpError> {
        let record = at.get(&body).map(|v| v.into_owned()).filter(Value::is_object);
        match record.and_then(|r| Contact::from_record(&self.backend, r)) {
            Some(contact) => Ok(Fetched { contact: Some(contact), exchange }),
            None if !required => Ok(Fetched { contact: None, exchange }),
            None => Err(unexpected(format!("no contact with an id at `{at}`"), exchange)),
        }
    }

    fn url(&self, path: &str, id: Option<&str>, query: &[(String, String)]) -> Result<Url, String> {
        let mut filled = String::with_capacity(path.len());
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            filled.push_str(&rest[..open]);
            let close = rest[open..].find('}').map(|c| open + c).ok_or("unclosed `{` in path")?;
            let name = &rest[open + 1..close];
            let value = match name {
                "id" => id.ok_or("this path needs an id")?.to_string(),
                var => self.vars.get(var).cloned().ok_or_else(|| format!("the profile has no vars.{var}"))?,
            };
            filled.push_str(&percent_encode(&value));
            rest = &rest[close + 1..];
        }
        filled.push_str(rest);
        let mut url = Url::parse(&format!("{}{}", self.base_url, filled)).map_err(|e| e.to_string())?;
        {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
            if let (Auth::Query { param }, Some(secret)) = (&self.backend.auth, &self.secret) {
                pairs.append_pair(param, secret.expose_secret());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }

    /// Sends one request. Every text that came from the server (and every description of the
    /// request) is redacted here, before the answer goes anywhere — the log included. The
    /// parsed answer itself is kept as received.
    async fn send(
        &self,
        method: Method,
        path: &str,
        id: Option<&str>,
        query: &[(String, String)],
        body: Option<Value>,
    ) -> Result<(Value, Exchange), HttpError> {
        match self.send_unredacted(method, path, id, query, body).await {
            Ok((value, mut exchange)) => {
                exchange.redact(&self.redactor);
                tracing::info!(method = %exchange.method, url = %exchange.url, status = exchange.status.unwrap_or_default(), "answer");
                Ok((value, exchange))
            }
            Err(error) => {
                let error = error.redacted(&self.redactor);
                tracing::warn!(url = %error.exchange().url, "{error}");
                Err(error)
            }
        }
    }

    /// Sends one request; what it returns still holds whatever the server echoed.
    async fn send_unredacted(
        &self,
        method: Method,
        path: &str,
        id: Option<&str>,
        query: &[(String, String)],
        body: Option<Value>,
    ) -> Result<(Value, Exchange), HttpError> {
        let mut exchange =
            Exchange { method: method.as_str().to_string(), request_body: body.clone(), ..Exchange::default() };
        let url = match self.url(path, id, query) {
            Ok(url) => url,
            Err(message) => return Err(HttpError::Unexpected { message, exchange: Box::new(exchange) }),
        };
        exchange.url = redact(&url, &self.backend.auth);
        let sent_to = url.clone();
        let mut request = self.http.request(to_reqwest(method), url).header("Accept", "application/json");
        if let Some(secret) = &self.secret {
            match &self.backend.auth {
                Auth::Bearer => request = request.bearer_auth(secret.expose_secret()),
                Auth::Header { name, prefix } => {
                    request = request.header(name.as_str(), format!("{prefix}{}", secret.expose_secret()));
                }
                Auth::Query { .. } | Auth::None => {}
            }
        }
        if let Some(body) = &body {
            request = request.json(body);
        }
        let started = Instant::now();
        let outcome = request.send().await;
        let mut response = match outcome {
            Ok(response) => response,
            Err(e) => {
                exchange.latency = started.elapsed();
                return Err(transport_error(e, exchange));
            }
        };
        let status = response.status().as_u16();
        exchange.status = Some(status);
        exchange.headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                let shown = if is_sensitive_header(k.as_str()) {
                    "***".into()
                } else {
                    String::from_utf8_lossy(v.as_bytes()).into_owned()
                };
                (k.as_str().to_string(), shown)
            })
            .collect();
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if body.len() + chunk.len() > MAX_BODY => {
                    exchange.latency = started.elapsed();
                    body.extend_from_slice(&chunk[..SHOWN_OF_HUGE_BODY.saturating_sub(body.len()).min(chunk.len())]);
                    body.truncate(SHOWN_OF_HUGE_BODY);
                    exchange.body = format!(
                        "{}\n… (cut: the answer is over {} MiB)",
                        String::from_utf8_lossy(&body),
                        MAX_BODY >> 20
                    );
                    let message = format!("the answer is over {} MiB; rolo stopped reading it", MAX_BODY >> 20);
                    return Err(unexpected(message, exchange));
                }
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => {
                    exchange.latency = started.elapsed();
                    exchange.body = String::from_utf8_lossy(&body).into_owned();
                    return Err(transport_error(e, exchange));
                }
            }
        }
        exchange.latency = started.elapsed();
        // Invalid UTF-8 is shown with replacement characters rather than refused outright.
        exchange.body = String::from_utf8_lossy(&body).into_owned();
        if (300..400).contains(&status) {
            // Redirects are never followed (they would carry a header secret along): say where
            // the server points, so the user can fix base_url.
            let location = response_location(&exchange, &sent_to);
            return Err(HttpError::Redirect { status, location, exchange: Box::new(exchange) });
        }
        let parsed: Option<Value> = serde_json::from_str(&exchange.body).ok();
        if !(200..300).contains(&status) {
            let (message, field_errors) = match &parsed {
                Some(body) => read_error_body(&self.backend, body),
                None => (None, Vec::new()),
            };
            return Err(HttpError::Status { status, message, field_errors, exchange: Box::new(exchange) });
        }
        match parsed {
            Some(value) => Ok((value, exchange)),
            None if exchange.body.trim().is_empty() => Ok((Value::Null, exchange)),
            None => Err(unexpected("the body is not JSON".into(), exchange)),
        }
    }
}

fn next_page(paging: &Paging, page: &PageRequest, body: &Value, count: usize) -> Option<PageRequest> {
    if count == 0 {
        return None;
    }
    match (paging, page) {
        (Paging::Page { size, last_page, .. }, PageRequest::Number(n)) => {
            let last = last_page.as_ref().and_then(|p| p.get(body)).and_then(|v| v.as_u64());
            let more = match last {
                Some(last) => u64::from(*n) < last,
                None => count >= *size as usize,
            };
            more.then(|| PageRequest::Number(n + 1))
        }
        (Paging::Cursor { next, .. }, PageRequest::Cursor(_)) => {
            let token = next.get(body).and_then(|v| v.as_str().map(str::to_string))?;
            // A cursor handed out before (a server going round) is the pager's to catch.
            (!token.is_empty()).then_some(PageRequest::Cursor(Some(token)))
        }
        _ => None,
    }
}

/// The `Location` a redirect points to, made absolute against the URL asked for.
fn response_location(exchange: &Exchange, asked: &Url) -> Option<String> {
    let (_, location) = exchange.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("location"))?;
    Some(asked.join(location).map_or_else(|_| location.clone(), |url| url.to_string()))
}

fn unexpected(message: String, exchange: Exchange) -> HttpError {
    HttpError::Unexpected { message, exchange: Box::new(exchange) }
}

fn transport_error(error: reqwest::Error, exchange: Exchange) -> HttpError {
    // reqwest's messages include the URL, which can carry a query-parameter secret.
    let error = error.without_url();
    // reqwest's messages nest the cause; the innermost one says what happened.
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message = cause.to_string();
        source = cause.source();
    }
    // Connecting comes first: a connect that fails or times out never sent the request, so
    // nothing can have been applied. Everything after it may have reached the server.
    if error.is_connect() {
        HttpError::Connect { message, exchange: Box::new(exchange) }
    } else if error.is_timeout() {
        HttpError::Timeout { exchange: Box::new(exchange) }
    } else {
        let message = format!("The connection broke after the request was sent ({message})");
        HttpError::Interrupted { message, exchange: Box::new(exchange) }
    }
}

fn to_reqwest(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
    }
}

fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization"
        || name == "set-cookie"
        || name == "cookie"
        || name.contains("api-key")
        || name.contains("token")
}

/// The URL as text with the secret query parameter's value replaced by `***`.
fn redact(url: &Url, auth: &Auth) -> String {
    let Auth::Query { param } = auth else {
        return url.to_string();
    };
    let mut shown = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == param.as_str() { "***".to_string() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown.to_string().replace("%2A%2A%2A", "***")
}

/// Percent-encodes a path segment (ids may hold anything).
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cursor() -> Paging {
        Paging::Cursor {
            cursor_param: "pageToken".into(),
            size_param: "limit".into(),
            size: 2,
            next: Path::parse("nextPageToken").unwrap(),
        }
    }

    #[test]
    fn a_cursor_ends_when_absent_or_empty() {
        let first = PageRequest::Cursor(None);
        let next = next_page(&cursor(), &first, &json!({"nextPageToken": "abc"}), 2);
        assert_eq!(next, Some(PageRequest::Cursor(Some("abc".into()))));
        assert_eq!(next_page(&cursor(), &first, &json!({"nextPageToken": ""}), 2), None);
        assert_eq!(next_page(&cursor(), &first, &json!({}), 2), None);
    }

    #[test]
    fn numbered_pages_stop_at_the_last_or_a_short_page() {
        let paging = Paging::Page {
            page_param: "page".into(),
            size_param: "limit".into(),
            size: 2,
            first: 1,
            last_page: Some(Path::parse("meta.last_page").unwrap()),
        };
        let page1 = PageRequest::Number(1);
        assert_eq!(next_page(&paging, &page1, &json!({"meta": {"last_page": 3}}), 2), Some(PageRequest::Number(2)));
        assert_eq!(next_page(&paging, &page1, &json!({"meta": {"last_page": 1}}), 2), None);
        assert_eq!(next_page(&paging, &page1, &json!({}), 1), None, "a short page is the last");
        assert_eq!(next_page(&paging, &page1, &json!({}), 0), None);
    }

    #[test]
    fn a_query_secret_is_redacted_from_shown_urls() {
        let auth = Auth::Query { param: "api_key".into() };
        let url = Url::parse("https://api.example/api/v1/contact/list?page=1&api_key=in-SECRET").unwrap();
        let shown = redact(&url, &auth);
        assert!(shown.contains("api_key=***") && !shown.contains("SECRET"), "{shown}");
    }
}
