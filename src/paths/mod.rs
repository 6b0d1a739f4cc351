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

use serde_json::{Map, Value};

use crate::api::{ApiError, Operation, Request, Response};
use crate::fields::FieldError;
use crate::keycache::{Fetched, Plan};
use crate::store::Store;

/// What a handler may know about the run besides the request: plain values, set by the command
/// layer for each transaction.
#[derive(Debug, Default, Clone)]
pub struct Ctx {
    /// Unix time in seconds, with sub-second precision, read after the transaction began.
    pub now: f64,
    /// `-offline` / `JWTVAULT_OFFLINE=1`: no socket may be opened.
    pub offline: bool,
    /// `JWTVAULT_REMOTE_ADDR`, used when a login request has no `remote_addr`.
    pub remote_addr: Option<String>,
    /// Whether `-explain` was given.
    pub explain: bool,
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

/// What a handler that did not fail answers.
// One per request, moved a few times: boxing the response would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Outcome {
    /// The response; the command layer commits the transaction.
    Done(Response),
    /// Documents must be fetched first. The command layer commits the transaction (a handler
    /// asking for a fetch has written nothing but its claim on it, see
    /// [`crate::keycache::claim_refetch`]), runs the plan with no transaction open, and calls
    /// the handler again, once, with what was fetched.
    NeedsFetch(Plan),
}

/// A handler's answer, and the `-explain` lines of a login.
#[derive(Debug)]
pub struct Answer {
    pub result: Result<Outcome, ApiError>,
    pub trace: Option<String>,
}

impl From<Result<Outcome, ApiError>> for Answer {
    fn from(result: Result<Outcome, ApiError>) -> Self {
        Answer {
            result,
            trace: None,
        }
    }
}

/// The answer of a handler that never fetches.
fn done(result: Result<Response, ApiError>) -> Answer {
    result.map(Outcome::Done).into()
}

/// Dispatches a request to the handler of its path. `fetched` is what the plan the handler
/// asked for on the first call gave (`None` on the first call).
pub fn route(store: &Store, ctx: &Ctx, req: &Request, fetched: Option<&Fetched>) -> Answer {
    dispatch(store, ctx, req, fetched).unwrap_or_else(|e| Err(e).into())
}

fn dispatch(
    store: &Store,
    ctx: &Ctx,
    req: &Request,
    fetched: Option<&Fetched>,
) -> Result<Answer, ApiError> {
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
        return Ok(match (sub.as_str(), op) {
            ("config", Operation::Read) => done(config::read(store, &mount)),
            ("config", Operation::Write) => {
                config::write(store, ctx, &mount, &req.data, fetched).into()
            }
            ("role", Operation::List) => done(role::list(store, &mount)),
            ("login", Operation::Write) => login::write(store, ctx, &mount, &req.data, fetched),
            ("jwks", Operation::Read) => done(jwks::read(store, &mount)),
            ("jwks/refresh", Operation::Write) => jwks::refresh(store, ctx, &mount, fetched).into(),
            ("jwks/import", Operation::Write) => done(jwks::import(store, ctx, &mount, &req.data)),
            (s, _) if s.starts_with("role/") => {
                let name = &s["role/".len()..];
                done(match op {
                    Operation::Read => role::read(store, &mount, name),
                    Operation::Write => role::write(store, &mount, name, &req.data),
                    Operation::Delete => role::delete(store, &mount, name),
                    Operation::List => Err(no_handler()),
                })
            }
            _ => return Err(no_handler()),
        });
    }
    if let Some(rest) = req.path.strip_prefix("identity/") {
        return Ok(done(
            identity::route(store, req.operation, rest, &req.data, ctx.now)
                .unwrap_or_else(|| Err(no_handler())),
        ));
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
