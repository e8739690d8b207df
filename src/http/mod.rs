//! The HTTP client: sends the requests a [`Wire`] describes (from the backend description),
//! and turns answers into contacts.

mod answer;
mod outcome;
mod pager;
mod retry;
mod wire;
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
pub use wire::{BaseUrlError, Outgoing, PageRequest, Wire};
pub use write::Written;

use crate::backend::{Auth, Backend, Method, Paging, Search, path::Path};
use crate::record::Contact;
use crate::redact::Redactor;

/// The largest answer rolo reads; a bigger one is cut and reported.
const MAX_BODY: usize = 16 << 20;

/// How much of a cut answer is kept for the raw view.
const SHOWN_OF_HUGE_BODY: usize = 64 << 10;

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
    #[error(transparent)]
    BaseUrl(#[from] BaseUrlError),
    /// The HTTP machinery (TLS) could not be set up.
    #[error("cannot set up HTTP: {0}")]
    Setup(reqwest::Error),
}

/// Talks to one vendor on behalf of one profile: sends the requests its [`Wire`] describes.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// What each request is; its redactor masks the secret in everything that comes back.
    wire: Wire,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("backend", &self.wire.backend().name)
            .field("base_url", &self.wire.base_url())
            .finish()
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
        let wire = Wire::new(backend, base_url, secret, vars)?;
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.total)
            .user_agent(concat!("rolo/", env!("CARGO_PKG_VERSION")))
            // A redirect would carry a header secret (X-API-Key…) to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(ClientError::Setup)?;
        Ok(Self { http, wire, retry: RetryPolicy::default() })
    }

    /// The same client with another retry policy for reads.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same client listing at most `max` contacts per pass (the profile's `max_contacts`).
    pub fn with_max_contacts(mut self, max: u64) -> Self {
        self.wire = self.wire.with_max_contacts(max);
        self
    }

    /// What this client's requests are, without the means to send them (for the app layer).
    pub fn wire(&self) -> &Wire {
        &self.wire
    }

    /// A pass through the contact list from its first page, under this client's cap.
    pub fn pager(&self) -> Pager {
        self.wire.pager()
    }

    /// The backend this client speaks.
    pub fn backend(&self) -> &Arc<Backend> {
        self.wire.backend()
    }

    /// Masks this profile's secret; for records, which are kept as received and redacted only
    /// where they are shown or written.
    pub fn redactor(&self) -> &Redactor {
        self.wire.redactor()
    }

    /// Fetches one page of the contact list, retrying as the policy says.
    pub async fn list(&self, page: &PageRequest) -> Result<Page, HttpError> {
        self.list_watched(page, &|_| {}).await
    }

    /// [`Client::list`], telling `on_retry` before each retry.
    pub async fn list_watched(&self, page: &PageRequest, on_retry: &(dyn Fn(Retry) + Sync)) -> Result<Page, HttpError> {
        self.list_changed_watched(page, None, on_retry).await
    }

    /// [`Client::list_watched`] narrowed to the contacts changed since `since` (RFC 3339), by
    /// the backend's `changed_since` parameter; the whole list when it has none or `since` is
    /// `None`.
    pub async fn list_changed_watched(
        &self,
        page: &PageRequest,
        since: Option<&str>,
        on_retry: &(dyn Fn(Retry) + Sync),
    ) -> Result<Page, HttpError> {
        let list = &self.backend().list;
        let mut query = self.wire.list_query(page);
        if let (Some(since), Some(filter)) = (since, &list.changed_since) {
            query.push((filter.param.clone(), format!("{}{since}", filter.prefix)));
        }
        let (body, exchange) = self.read(Method::Get, &list.path, None, &query, None, on_retry).await?;
        let next = |body: &Value, count| next_page(&list.paging, page, body, count);
        page_of(self.backend(), body, exchange, &list.items, list.total.as_ref(), next)
    }

    /// Fetches `page` of the server's matches of `query`, as the backend's `[search]` says;
    /// `None` when it declares none. A search by request body is one page, whatever it holds.
    pub async fn search(&self, query: &str, page: &PageRequest) -> Option<Result<Page, HttpError>> {
        let backend = self.backend();
        let answer = match backend.search.as_ref()? {
            Search::Param { param } => {
                let list = &backend.list;
                let pairs = self.wire.search_query(param, query, page);
                let next = |body: &Value, count| next_page(&list.paging, page, body, count);
                let read = self.read(Method::Get, &list.path, None, &pairs, None, &|_| {}).await;
                read.and_then(|(body, exchange)| {
                    page_of(backend, body, exchange, &list.items, list.total.as_ref(), next)
                })
            }
            Search::Body { method, path, body, items, total } => {
                let read = self.read(*method, path, None, &[], Some(Search::body_for(body, query)), &|_| {}).await;
                read.and_then(|(body, exchange)| page_of(backend, body, exchange, items, total.as_ref(), |_, _| None))
            }
        };
        Some(answer)
    }

    /// Fetches one contact, retrying as the policy says.
    pub async fn get(&self, id: &str) -> Result<Fetched, HttpError> {
        self.get_watched(id, &|_| {}).await
    }

    /// [`Client::get`], telling `on_retry` before each retry.
    pub async fn get_watched(&self, id: &str, on_retry: &(dyn Fn(Retry) + Sync)) -> Result<Fetched, HttpError> {
        let get = &self.backend().get;
        let query = wire::fixed_query(&get.query);
        let (body, exchange) = self.read(Method::Get, &get.path, Some(id), &query, None, on_retry).await?;
        self.fetched(&get.record, body, exchange, true)
    }

    /// A read (a GET, or a search sent with a body), retried after overloads and outages:
    /// reads change nothing, so retrying is safe.
    async fn read(
        &self,
        method: Method,
        path: &str,
        id: Option<&str>,
        query: &[(String, String)],
        body: Option<Value>,
        on_retry: &(dyn Fn(Retry) + Sync),
    ) -> Result<(Value, Exchange), HttpError> {
        let mut attempt = 1;
        loop {
            match self.send(method, path, id, query, body.clone()).await {
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
        let update = &self.backend().update;
        match self.send(update.method, &update.path, Some(id), &wire::fixed_query(&update.query), Some(body)).await {
            Ok((answer, exchange)) => self.fetched(&update.record, answer, exchange, false),
            Err(HttpError::Unexpected { exchange, .. }) if exchange.status.is_some_and(|s| (200..300).contains(&s)) => {
                Ok(Fetched { contact: None, exchange: *exchange })
            }
            Err(error) => Err(error),
        }
    }

    /// What [`Client::update`] would send for `id` and `body`, with the secret redacted (from
    /// the body too: a field may hold what a server echoed).
    pub fn outgoing_update(&self, id: &str, body: Value) -> Outgoing {
        self.wire.outgoing_update(id, body)
    }

    /// The URL a request would go to, with the secret redacted, for display.
    pub fn display_url(&self, path: &str, id: Option<&str>) -> String {
        self.wire.display_url(path, id)
    }

    fn fetched(&self, at: &Path, body: Value, exchange: Exchange, required: bool) -> Result<Fetched, HttpError> {
        let record = at.get(&body).map(|v| v.into_owned()).filter(Value::is_object);
        match record.and_then(|r| Contact::from_record(self.backend(), r)) {
            Some(contact) => Ok(Fetched { contact: Some(contact), exchange }),
            None if !required => Ok(Fetched { contact: None, exchange }),
            None => Err(unexpected(format!("no contact with an id at `{at}`"), exchange)),
        }
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
                exchange.redact(self.redactor());
                tracing::info!(method = %exchange.method, url = %exchange.url, status = exchange.status.unwrap_or_default(), "answer");
                Ok((value, exchange))
            }
            Err(error) => {
                let error = error.redacted(self.redactor());
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
        let url = match self.wire.url(path, id, query) {
            Ok(url) => url,
            Err(message) => return Err(HttpError::Unexpected { message, exchange: Box::new(exchange) }),
        };
        exchange.url = self.wire.query_secret_masked(&url);
        let sent_to = url.clone();
        let mut request = self.http.request(to_reqwest(method), url).header("Accept", "application/json");
        if let Some(secret) = self.wire.secret() {
            match &self.backend().auth {
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
                Some(body) => read_error_body(self.backend(), body),
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

/// The page an answer holds: its records at `items` (those without an id left out), the total
/// at `total`, and the page after it as `next` says from the answer and its record count.
fn page_of(
    backend: &Backend,
    body: Value,
    exchange: Exchange,
    items: &Path,
    total: Option<&Path>,
    next: impl FnOnce(&Value, usize) -> Option<PageRequest>,
) -> Result<Page, HttpError> {
    let total_count = total.and_then(|p| p.get(&body)).and_then(|v| v.as_u64());
    let next = next(&body, items.get(&body).and_then(|v| v.as_array().map(Vec::len)).unwrap_or(0));
    let mut body = body;
    // The records are taken out of the answer, not copied.
    let Some(Value::Array(records)) = items.take(&mut body) else {
        return Err(unexpected(format!("no list of contacts at `{items}`"), exchange));
    };
    let count = records.len();
    let contacts: Vec<Contact> = records.into_iter().filter_map(|r| Contact::from_record(backend, r)).collect();
    let skipped = count - contacts.len();
    Ok(Page { contacts, skipped, next, total: total_count, exchange })
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
}
