//! The request/response vocabulary shared by the router, the path handlers and `output`.
//!
//! A handler takes a [`Request`] and returns a [`Response`] or an [`ApiError`]: the same shapes a
//! Vault backend returns over HTTP, so that `output` can render them exactly as the Vault CLI does.
//! Nothing here does I/O.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The logical operation a request asks for (Vault's read/update/list/delete).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Read,
    Write,
    List,
    Delete,
}

/// One request to a Vault API path, after the command line has been parsed.
#[derive(Clone, Debug)]
pub struct Request {
    pub operation: Operation,
    /// Sanitised path: no leading or trailing `/`, e.g. `auth/jwt/role/dev`.
    pub path: String,
    /// The request body as the kv-builder made it (values are strings unless they came from JSON).
    pub data: Map<String, Value>,
}

/// A successful response: Vault's `logical.Response` reduced to what the CLI shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response {
    /// `request_id` of the JSON envelope: a fresh UUID per request, as Vault prints (empty when
    /// the response did not come from a request, e.g. a locally built table).
    pub request_id: String,
    /// `data` of the secret; `None` is Vault's nil response (HTTP 204).
    pub data: Option<Map<String, Value>>,
    /// Present for logins and token renewals.
    pub auth: Option<Auth>,
    /// Warnings, printed to stderr in table mode and carried in the JSON envelope.
    pub warnings: Vec<String>,
    /// `mount_type` of the JSON envelope when known (e.g. `jwt`, `token`).
    pub mount_type: Option<String>,
}

/// The `auth` block of a login or renewal response.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Auth {
    pub client_token: String,
    pub accessor: String,
    /// Union of `token_policies` and `identity_policies`, sorted.
    pub policies: Vec<String>,
    pub token_policies: Vec<String>,
    pub identity_policies: Vec<String>,
    pub metadata: BTreeMap<String, String>,
    pub orphan: bool,
    pub entity_id: String,
    /// Seconds; 0 means the token never expires (`∞` in the table).
    pub lease_duration: i64,
    pub renewable: bool,
    /// `service` or `batch`.
    pub token_type: String,
    pub num_uses: i64,
}

/// An error the backend returns: Vault's `logical.ErrorResponse` (400), permission denied (403),
/// or an internal error (500). `hints` are jwtvault's explanation lines, printed after Vault's text.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub code: u16,
    pub errors: Vec<String>,
    pub hints: Vec<String>,
}

impl ApiError {
    /// A 400 with one message, Vault's `logical.ErrorResponse`.
    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError {
            code: 400,
            errors: vec![msg.into()],
            hints: Vec::new(),
        }
    }
    /// A 403 `permission denied`.
    pub fn permission_denied() -> Self {
        ApiError {
            code: 403,
            errors: vec!["permission denied".into()],
            hints: Vec::new(),
        }
    }
    /// A 500 internal error.
    pub fn internal(msg: impl Into<String>) -> Self {
        ApiError {
            code: 500,
            errors: vec![msg.into()],
            hints: Vec::new(),
        }
    }
    /// Adds one explanation line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}
