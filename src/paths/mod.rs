//! One module per Vault API path, each built the same way: field parsing, Vault's checks in
//! Vault's order, the stored struct, and handlers named `read`/`write`/`list`/`delete`.
//!
//! [`route`] is the only place that knows path strings.

pub mod config;
pub mod identity;
pub mod jwks;
pub mod login;
pub mod mounts;
pub mod role;

use std::cell::{Cell, RefCell};

use serde_json::{Map, Value};

use crate::api::{ApiError, Operation, Request, Response};
use crate::fields::FieldError;
use crate::store::Store;

/// What a handler may know about the run besides the request: the time, the network switch,
/// the caller's address, and a sink for `-explain` lines.
#[derive(Debug, Default)]
pub struct Ctx {
    /// Unix time in seconds, with sub-second precision.
    pub now: f64,
    /// `-offline` / `JWTVAULT_OFFLINE=1`: no socket may be opened.
    pub offline: bool,
    /// `JWTVAULT_REMOTE_ADDR`, used when a login request has no `remote_addr`.
    pub remote_addr: Option<String>,
    /// Whether `-explain` was given.
    pub explain: bool,
    /// Lines for `-explain`, printed by the command layer to stderr.
    pub trace: RefCell<Vec<String>>,
    /// A refetch the login asks for; the command layer runs it and retries once.
    pub refetch: RefCell<Option<crate::keycache::Refetch>>,
    /// Set on the retry: no second refetch.
    pub refetched: Cell<bool>,
    /// What the refetch did, for the hint of a login that still fails.
    pub refetch_notes: RefCell<Vec<String>>,
    /// Vault's message when the refetch itself failed (it replaces "failed to verify").
    pub refetch_error: RefCell<Option<String>>,
}

impl Ctx {
    /// The current wall clock.
    pub fn now_secs() -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::bad_request(e.to_string())
    }
}

/// Dispatches a request to the handler of its path.
pub fn route(store: &Store, ctx: &Ctx, req: &Request) -> Result<Response, ApiError> {
    let no_handler = || ApiError {
        code: 404,
        errors: vec![format!("no handler for route \"{}\"", req.path)],
        hints: Vec::new(),
    };
    if let Some(rest) = req.path.strip_prefix("auth/") {
        let Some((mount, sub)) = mounts::resolve(store, rest)? else {
            return Err(no_handler());
        };
        if mount.kind == "token" {
            return Err(no_handler());
        }
        let op = req.operation;
        return match (sub.as_str(), op) {
            ("config", Operation::Read) => config::read(store, &mount),
            ("config", Operation::Write) => config::write(store, ctx, &mount, &req.data),
            ("role", Operation::List) => role::list(store, &mount),
            ("login", Operation::Write) => login::write(store, ctx, &mount, &req.data),
            ("jwks", Operation::Read) => jwks::read(store, &mount),
            ("jwks/refresh", Operation::Write) => jwks::refresh(store, ctx, &mount),
            ("jwks/import", Operation::Write) => jwks::import(store, ctx, &mount, &req.data),
            (s, _) if s.starts_with("role/") => {
                let name = &s["role/".len()..];
                match op {
                    Operation::Read => role::read(store, &mount, name),
                    Operation::Write => role::write(store, &mount, name, &req.data),
                    Operation::Delete => role::delete(store, &mount, name),
                    Operation::List => Err(no_handler()),
                }
            }
            _ => Err(no_handler()),
        };
    }
    if let Some(rest) = req.path.strip_prefix("identity/") {
        return identity::route(store, req.operation, rest, &req.data, ctx.now)
            .unwrap_or_else(|| Err(no_handler()));
    }
    Err(no_handler())
}

/// A response with `data` only.
pub fn data(map: Map<String, Value>) -> Response {
    Response {
        data: Some(map),
        ..Response::default()
    }
}

/// A list response (`keys`), or Vault's 404 when there is nothing to list.
pub fn keys(keys: Vec<String>) -> Result<Response, ApiError> {
    if keys.is_empty() {
        return Err(ApiError {
            code: 404,
            errors: Vec::new(),
            hints: Vec::new(),
        });
    }
    let mut m = Map::new();
    m.insert("keys".into(), Value::from(keys));
    Ok(data(m))
}

/// Vault's 404 for a read of something that does not exist.
pub fn not_found() -> ApiError {
    ApiError {
        code: 404,
        errors: Vec::new(),
        hints: Vec::new(),
    }
}
