//! The embedded sandbox: a real HTTP server over SQLite that speaks the vendors' contact APIs.
//!
//! Each vendor dialect lives in its own module and is served under its own path prefix
//! (`/corporatemerch/v2`, …), so one server on one port stands in for every vendor. The
//! records are JSON documents in one SQLite table keyed by dialect, seeded with the same
//! deterministic people for every dialect: the 260 standard ones, or as many as
//! [`SandboxOptions::contacts`] asks for, to try rolo at scale.
//!
//! Adding a dialect: a sibling module exposing `NAME`, `PREFIX`, `CREDENTIAL`,
//! `routes(AppState) -> Router` and `seed(&Store, count)`, listed in `DIALECTS` (with the path
//! variables its clients need, and its backend file when it is not a built-in one: Findly, a
//! vendor made up to show a server-side search, has its own). The rest of rolo learns the
//! dialects from [`dialects`].

mod bird;
mod corporatemerch;
mod findly;
mod formats;
mod informly;
mod insighto;
mod laravel;
mod query;
mod seed;
mod store;
mod vixiees;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use store::Store;
pub use store::StoreError;

/// The one Bird workspace the sandbox serves; any other `{workspaceId}` answers 404.
pub const BIRD_WORKSPACE: &str = "5e1b0c7a-3f2d-4c8e-9a61-b0d4e2f7c913";

/// Where the sandbox keeps its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// A private in-memory database, freshly seeded, gone when the sandbox stops.
    Memory,
    /// A database file (created and seeded if missing); edits survive restarts.
    File(PathBuf),
}

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Where the records live.
    pub storage: Storage,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The credential every dialect expects (as its bearer token, API key, …).
    pub token: String,
    /// How many contacts a dialect is seeded with when it has none: `None`, the 260 standard
    /// people; `Some(n)`, the first `n` of a deterministic crowd that starts with them.
    pub contacts: Option<u64>,
}

/// A canned answer that replaces every dialect response while it is set (tests only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fault {
    /// HTTP status code; an invalid code answers 500.
    pub status: u16,
    /// Response body, sent verbatim.
    pub body: String,
    /// `Content-Type` header value; an invalid value falls back to `application/json`.
    pub content_type: String,
    /// More response headers, e.g. `Retry-After`.
    pub headers: Vec<(String, String)>,
    /// Answer only this many requests, then let them through again; `None`: until cleared.
    pub times: Option<u32>,
    /// How the answer is delivered.
    pub delivery: Delivery,
    /// Leave reads (GET) alone and answer only writes, to fail a save but not what precedes it.
    pub only_writes: bool,
}

/// How a [`Fault`] answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Delivery {
    /// Status, headers and the whole body.
    #[default]
    Whole,
    /// Never answer: the connection stays open until the client gives up.
    Hang,
    /// Promise the whole body, send half of it, then close the connection.
    CutShort,
}

/// Why the sandbox could not start or reset.
#[derive(thiserror::Error, Debug)]
pub enum SandboxError {
    /// The listening socket could not be opened.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port that was asked for.
        port: u16,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The database could not be opened, created or seeded.
    #[error("sandbox database: {0}")]
    Store(#[from] StoreError),
    /// The blocking task that opens the database panicked or was cancelled.
    #[error("sandbox setup task failed: {0}")]
    Setup(#[from] tokio::task::JoinError),
    /// Any other I/O failure around the socket.
    #[error("sandbox I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// State shared by every handler of every dialect.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    /// The records.
    pub store: Store,
    /// The expected credential.
    pub token: Arc<str>,
    /// Where the server listens, for building absolute URLs when a request has no Host.
    pub addr: SocketAddr,
    fault: Arc<RwLock<Option<Fault>>>,
}

/// One vendor API the sandbox can speak.
pub struct Dialect {
    /// The name used by [`Sandbox::base_url`] and [`Sandbox::record`].
    name: &'static str,
    /// Path prefix the dialect's routes are nested under (its base URL's path).
    prefix: &'static str,
    /// How a client presents the token, for people: this, then the token.
    credential: &'static str,
    /// The path variables (`{name}` in the backend's paths) a client needs, with their values.
    vars: &'static [(&'static str, &'static str)],
    routes: fn(AppState) -> Router,
    /// Seeds this many contacts.
    seed: fn(&Store, u64) -> Result<(), StoreError>,
    /// The backend file of a vendor that exists only here; `None`: the built-in one of `name`.
    backend: Option<&'static str>,
}

impl Dialect {
    /// The dialect's name: the backend it stands in for, and `--sandbox NAME`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// How a client presents `token`, for people: `Authorization: Bearer TOKEN`, `?api_key=TOKEN`.
    pub fn credential(&self, token: &str) -> String {
        format!("{}{token}", self.credential)
    }

    /// The path variables a client of this dialect needs to reach the sandbox's records, as a
    /// profile's `vars` would give them.
    pub fn vars(&self) -> &'static [(&'static str, &'static str)] {
        self.vars
    }

    /// The backend a client of this dialect speaks: the built-in one of its name, or the file
    /// of a vendor that exists only in the sandbox.
    pub fn backend(&self) -> Result<crate::backend::Backend, crate::backend::BackendError> {
        match self.backend {
            Some(text) => crate::backend::parse(text, &format!("the sandbox's backend `{}`", self.name)),
            None => crate::backend::find(self.name, None),
        }
    }

    /// Seeds this dialect in a file database (created if needed) with `contacts` contacts,
    /// unless it holds records already: a file from an earlier run is used as it is, and
    /// [`start`] seeds the other dialects with the standard people.
    pub fn seed_file(&self, path: &Path, contacts: u64) -> Result<(), SandboxError> {
        let store = Store::open_file(path)?;
        if store.count(self.name)? == 0 {
            (self.seed)(&store, contacts)?;
        }
        Ok(())
    }
}

const DIALECTS: &[Dialect] = &[
    Dialect {
        name: corporatemerch::NAME,
        prefix: corporatemerch::PREFIX,
        credential: corporatemerch::CREDENTIAL,
        vars: &[],
        routes: corporatemerch::routes,
        seed: corporatemerch::seed,
        backend: None,
    },
    Dialect {
        name: informly::NAME,
        prefix: informly::PREFIX,
        credential: informly::CREDENTIAL,
        vars: &[],
        routes: informly::routes,
        seed: informly::seed,
        backend: None,
    },
    Dialect {
        name: insighto::NAME,
        prefix: insighto::PREFIX,
        credential: insighto::CREDENTIAL,
        vars: &[],
        routes: insighto::routes,
        seed: insighto::seed,
        backend: None,
    },
    Dialect {
        name: vixiees::NAME,
        prefix: vixiees::PREFIX,
        credential: vixiees::CREDENTIAL,
        vars: &[],
        routes: vixiees::routes,
        seed: vixiees::seed,
        backend: None,
    },
    Dialect {
        name: bird::NAME,
        prefix: bird::PREFIX,
        credential: bird::CREDENTIAL,
        vars: bird::VARS,
        routes: bird::routes,
        seed: bird::seed,
        backend: None,
    },
    Dialect {
        name: findly::NAME,
        prefix: findly::PREFIX,
        credential: findly::CREDENTIAL,
        vars: &[],
        routes: findly::routes,
        seed: findly::seed,
        backend: Some(findly::BACKEND),
    },
];

/// The dialect the embedded sandbox speaks unless `--sandbox NAME` picks another.
pub const DEFAULT_DIALECT: &str = corporatemerch::NAME;

/// Every dialect the sandbox speaks, in the order help and `rolo sandbox` list them.
pub fn dialects() -> &'static [Dialect] {
    DIALECTS
}

/// The dialect called `name`, if the sandbox speaks it.
pub fn dialect(name: &str) -> Option<&'static Dialect> {
    DIALECTS.iter().find(|d| d.name == name)
}

/// The dialects' names, comma-separated, for help and error messages.
pub fn dialect_names() -> String {
    DIALECTS.iter().map(|d| d.name).collect::<Vec<_>>().join(", ")
}

/// A running sandbox server.
#[derive(Debug)]
pub struct Sandbox {
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Opens the storage, seeds every dialect that has no records, and starts serving on
/// 127.0.0.1 from a tokio task.
pub async fn start(opts: SandboxOptions) -> Result<Sandbox, SandboxError> {
    let (storage, contacts) = (opts.storage, opts.contacts);
    // Opening and seeding a file database is blocking disk work.
    let store = tokio::task::spawn_blocking(move || open_seeded(&storage, contacts)).await??;
    let port = opts.port;
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await.map_err(|source| SandboxError::Bind { port, source })?;
    let state = AppState { store, token: opts.token.into(), addr: listener.local_addr()?, fault: Arc::default() };
    let app = router(state.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let graceful = async {
            // A dropped sender means the same as an explicit stop.
            let _ = stopped.await;
        };
        if let Err(err) = axum::serve(listener, app).with_graceful_shutdown(graceful).await {
            tracing::warn!(%err, "sandbox server stopped with an error");
        }
    });
    tracing::info!(addr = %state.addr, "sandbox listening");
    Ok(Sandbox { state, stop: Some(stop), task: Some(task) })
}

/// Wipes a file database and seeds it again (creating it if needed), with `contacts` per
/// dialect as in [`SandboxOptions::contacts`].
pub fn reset(path: &Path, contacts: Option<u64>) -> Result<(), SandboxError> {
    let store = Store::open_file(path)?;
    store.clear()?;
    for dialect in DIALECTS {
        (dialect.seed)(&store, contacts.unwrap_or(STANDARD_PEOPLE))?;
    }
    Ok(())
}

/// How many contacts a dialect is seeded with unless asked for more or fewer.
pub const STANDARD_PEOPLE: u64 = seed::PEOPLE as u64;

/// The default file database: `<user data dir>/rolo/sandbox.sqlite3` (platform-specific).
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rolo").map(|d| d.data_dir().join("sandbox.sqlite3"))
}

/// The file database of a sandbox with `contacts` contacts, beside the default one and named
/// after what it holds, so it is seeded once and reused: `sandbox-VENDOR-N.sqlite3` when only
/// `dialect` is asked for (the others hold the standard people), `sandbox-N.sqlite3` when
/// every dialect has `contacts`.
pub fn contacts_db_path(dialect: Option<&str>, contacts: u64) -> Option<PathBuf> {
    let name = match dialect {
        Some(dialect) => format!("sandbox-{dialect}-{contacts}.sqlite3"),
        None => format!("sandbox-{contacts}.sqlite3"),
    };
    default_db_path().map(|path| path.with_file_name(name))
}

impl Sandbox {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.state.addr
    }

    /// The base URL a client of `dialect` uses, e.g. `http://127.0.0.1:PORT/corporatemerch/v2`.
    ///
    /// An unknown dialect name gets `http://127.0.0.1:PORT/<name>`, which answers 404.
    pub fn base_url(&self, dialect: &str) -> String {
        let prefix =
            DIALECTS.iter().find(|d| d.name == dialect).map_or_else(|| format!("/{dialect}"), |d| d.prefix.to_owned());
        format!("http://{}{prefix}", self.state.addr)
    }

    /// The stored read model of one record, exactly as the API would return it.
    pub fn record(&self, dialect: &str, id: &str) -> Option<serde_json::Value> {
        self.state.store.get(dialect, id).ok().flatten()
    }

    /// Replaces a stored record's read model as if someone changed it on the server (tests);
    /// false when there is no such record.
    pub fn put_record(&self, dialect: &str, id: &str, record: &serde_json::Value) -> bool {
        self.state.store.replace(dialect, id, record).unwrap_or(false)
    }

    /// Deletes a record as if someone deleted it on the server (tests); false when there was none.
    pub fn remove_record(&self, dialect: &str, id: &str) -> bool {
        self.state.store.remove(dialect, id).unwrap_or(false)
    }

    /// While `Some`, every request under a dialect prefix gets this answer instead.
    pub fn set_fault(&self, fault: Option<Fault>) {
        *self.state.fault.write().unwrap_or_else(PoisonError::into_inner) = fault;
    }

    /// Stops accepting connections, lets in-flight requests finish (for up to 5 s), and waits
    /// for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            let finished = tokio::time::timeout(Duration::from_secs(5), &mut task).await;
            if finished.is_err() {
                task.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Without an async context to wait in, stop the server task outright.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn open_seeded(storage: &Storage, contacts: Option<u64>) -> Result<Store, StoreError> {
    let store = match storage {
        Storage::Memory => Store::open_memory()?,
        Storage::File(path) => Store::open_file(path)?,
    };
    for dialect in DIALECTS {
        if store.count(dialect.name)? == 0 {
            (dialect.seed)(&store, contacts.unwrap_or(STANDARD_PEOPLE))?;
        }
    }
    Ok(store)
}

fn router(state: AppState) -> Router {
    let mut app = Router::new();
    for dialect in DIALECTS {
        // The fault layer wraps the dialect's routes and its fallback, but not the global
        // fallback below, so only requests under a dialect prefix are affected.
        let routes = (dialect.routes)(state.clone()).layer(middleware::from_fn_with_state(state.fault.clone(), fault));
        app = app.nest(dialect.prefix, routes);
    }
    app.fallback(|| async { laravel::message(StatusCode::NOT_FOUND, "Not found.") })
}

async fn fault(State(fault): State<Arc<RwLock<Option<Fault>>>>, request: Request, next: Next) -> Response {
    let is_read = request.method() == axum::http::Method::GET;
    let current = {
        let mut slot = fault.write().unwrap_or_else(PoisonError::into_inner);
        let passes = is_read && slot.as_ref().is_some_and(|f| f.only_writes);
        let current = if passes { None } else { slot.clone() };
        // A fault for N requests counts itself down and then steps aside.
        if let Some(f) = slot.as_mut().filter(|_| !passes)
            && let Some(times) = f.times.as_mut()
        {
            *times = times.saturating_sub(1);
            if *times == 0 {
                *slot = None;
            }
        }
        current
    };
    let Some(f) = current else { return next.run(request).await };
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type =
        HeaderValue::from_str(&f.content_type).unwrap_or_else(|_| HeaderValue::from_static("application/json"));
    let mut response = match f.delivery {
        Delivery::Whole => (status, f.body).into_response(),
        Delivery::Hang => {
            // Bounded so a forgotten fault cannot keep a test process alive forever.
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            (status, f.body).into_response()
        }
        Delivery::CutShort => {
            let half = f.body.as_bytes()[..f.body.len() / 2].to_vec();
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                vec![Ok(half), Err(std::io::Error::other("connection cut by the sandbox fault"))];
            let mut response = (status, axum::body::Body::from_stream(futures::stream::iter(chunks))).into_response();
            if let Ok(length) = HeaderValue::from_str(&f.body.len().to_string()) {
                response.headers_mut().insert(header::CONTENT_LENGTH, length);
            }
            response
        }
    };
    response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    for (name, value) in &f.headers {
        if let (Ok(name), Ok(value)) = (header::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// True when the request carries `Authorization: Bearer <token>` (scheme case-insensitive).
pub(crate) fn has_bearer(headers: &HeaderMap, token: &str) -> bool {
    has_scheme(headers, "bearer", token)
}

/// True when the request carries `Authorization: <scheme> <token>` (scheme case-insensitive).
pub(crate) fn has_scheme(headers: &HeaderMap, scheme: &str, token: &str) -> bool {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.split_once(' ')).is_some_and(
        |(given_scheme, given)| given_scheme.eq_ignore_ascii_case(scheme) && !given.is_empty() && given.trim() == token,
    )
}

/// True when header `name` carries exactly the token (surrounding spaces ignored).
pub(crate) fn has_header(headers: &HeaderMap, name: &str, token: &str) -> bool {
    headers.get(name).and_then(|v| v.to_str().ok()).is_some_and(|given| !given.is_empty() && given.trim() == token)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--sandbox NAME` has no profile to give a path's `{var}`: the dialect must give every
    /// one its backend's paths hold.
    #[test]
    fn each_dialect_gives_the_path_vars_its_backend_needs() {
        assert!(dialect(DEFAULT_DIALECT).is_some());
        for dialect in dialects() {
            let backend = dialect.backend().unwrap();
            for path in [&backend.list.path, &backend.get.path, &backend.update.path] {
                let holes = path.as_str().split('{').skip(1).filter_map(|rest| rest.split_once('}'));
                for (hole, _) in holes.filter(|(hole, _)| *hole != "id") {
                    assert!(
                        dialect.vars().iter().any(|(var, _)| *var == hole),
                        "{}: {path} needs `{hole}`",
                        dialect.name()
                    );
                }
            }
        }
    }
}
