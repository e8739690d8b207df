//! What a request is, apart from sending it: the URL each request goes to (the profile's base
//! URL, the backend's paths, the profile's vars), the same URL with the secret masked for
//! display, what an update would send, and a pass through the list under the profile's cap.
//!
//! A [`Wire`] holds no connection and cannot send. The app layer describes requests through it
//! (previews, the secret masked in what the external editor sees); [`super::Client`] holds one
//! and sends what it describes.

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::pager::{DEFAULT_MAX_CONTACTS, Pager};
use crate::backend::{Auth, Backend, Paging};
use crate::redact::{Redactor, percent_encode};

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

/// The profile's (or backend's) base URL does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("base_url `{base_url}` is not a URL: {reason}")]
pub struct BaseUrlError {
    /// The base URL as given.
    pub base_url: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Describes the requests of one profile to one vendor; sends nothing.
#[derive(Clone)]
pub struct Wire {
    backend: Arc<Backend>,
    base_url: String,
    /// For a secret sent in the query; [`super::Client`] also puts it in a header.
    secret: Option<SecretString>,
    /// Masks the secret in everything shown.
    redactor: Redactor,
    vars: BTreeMap<String, String>,
    max_contacts: u64,
}

impl std::fmt::Debug for Wire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wire").field("backend", &self.backend.name).field("base_url", &self.base_url).finish()
    }
}

impl Wire {
    /// Requests to `base_url` (paths in the backend file are relative to it), signed with
    /// `secret`, their `{var}`s filled from `vars`.
    pub fn new(
        backend: Arc<Backend>,
        base_url: &str,
        secret: Option<SecretString>,
        vars: BTreeMap<String, String>,
    ) -> Result<Self, BaseUrlError> {
        Url::parse(base_url).map_err(|e| BaseUrlError { base_url: base_url.to_string(), reason: e.to_string() })?;
        let base_url = base_url.trim_end_matches('/').to_string();
        let redactor = Redactor::new(secret.as_ref());
        Ok(Self { backend, base_url, secret, redactor, vars, max_contacts: DEFAULT_MAX_CONTACTS })
    }

    /// The same requests, listing at most `max` contacts per pass (the profile's `max_contacts`).
    pub fn with_max_contacts(mut self, max: u64) -> Self {
        self.max_contacts = max;
        self
    }

    /// A pass through the contact list from its first page, under the profile's cap.
    pub fn pager(&self) -> Pager {
        Pager::new(&self.backend.list.paging, self.max_contacts)
    }

    /// The backend these requests speak.
    pub fn backend(&self) -> &Arc<Backend> {
        &self.backend
    }

    /// Masks this profile's secret; for records, which are kept as received and redacted only
    /// where they are shown or written.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// What an update of `id` to `body` sends, with the secret redacted (from the body too: a
    /// field may hold what a server echoed).
    pub fn outgoing_update(&self, id: &str, mut body: Value) -> Outgoing {
        let update = &self.backend.update;
        self.redactor.json(&mut body);
        let url = self.shown_url(&update.path, Some(id), &fixed_query(&update.query));
        Outgoing { method: update.method.as_str().to_string(), url, body }
    }

    /// The URL a request would go to, with the secret redacted, for display.
    pub fn display_url(&self, path: &str, id: Option<&str>) -> String {
        self.shown_url(path, id, &[])
    }

    fn shown_url(&self, path: &str, id: Option<&str>, query: &[(String, String)]) -> String {
        self.url(path, id, query).map(|u| self.redactor.string(self.query_secret_masked(&u))).unwrap_or_default()
    }

    /// The query of a request for `page` of the list: the backend's own, then the paging.
    pub(super) fn list_query(&self, page: &PageRequest) -> Vec<(String, String)> {
        let list = &self.backend.list;
        let mut query = fixed_query(&list.query);
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
        query
    }

    /// The query of a request for `page` of the server's matches of `query`, for a backend
    /// whose list endpoint searches ([`crate::backend::Search::Param`]): the list's, and the query.
    pub(super) fn search_query(&self, param: &str, query: &str, page: &PageRequest) -> Vec<(String, String)> {
        let mut pairs = self.list_query(page);
        pairs.push((param.to_string(), query.to_string()));
        pairs
    }

    /// The base URL, without a trailing `/`.
    pub(super) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The secret as sent in a header; `None` without one.
    pub(super) fn secret(&self) -> Option<&SecretString> {
        self.secret.as_ref()
    }

    /// The URL a request goes to, a query secret included: for sending only.
    pub(super) fn url(&self, path: &str, id: Option<&str>, query: &[(String, String)]) -> Result<Url, String> {
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

    /// The URL as text with the secret query parameter's value replaced by `***`.
    pub(super) fn query_secret_masked(&self, url: &Url) -> String {
        let Auth::Query { param } = &self.backend.auth else {
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
}

/// A `query` table of the backend file (`[list]`, `[get]`, `[update]`) as the pairs sent.
pub(super) fn fixed_query(query: &BTreeMap<String, String>) -> Vec<(String, String)> {
    query.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_secret_is_redacted_from_shown_urls() {
        let mut backend = crate::backend::find("corporatemerch", None).expect("built-in backend");
        backend.auth = Auth::Query { param: "api_key".into() };
        let wire = Wire::new(Arc::new(backend), "https://api.example", Some("in-SECRET".into()), BTreeMap::new())
            .expect("a base URL");
        let url = Url::parse("https://api.example/api/v1/contact/list?page=1&api_key=in-SECRET").unwrap();
        let shown = wire.query_secret_masked(&url);
        assert!(shown.contains("api_key=***") && !shown.contains("SECRET"), "{shown}");
        let shown = wire.display_url("/contacts/{id}", Some("a b/c"));
        assert_eq!(shown, "https://api.example/contacts/a%20b%2Fc?api_key=***");
    }
}
