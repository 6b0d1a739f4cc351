//! The request/response vocabulary of the one data flow: a [`Request`] goes in, a [`Response`]
//! or an [`ApiError`] comes out, whoever asks (the command line, the HTTP server, a unit test).
//!
//! These are the shapes a Vault backend takes and returns over HTTP, so that `output` can
//! render them exactly as the Vault CLI does and the server can send them as Vault's JSON.
//! Nothing here does I/O.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use crate::secret::Secret;

/// The logical operation a request asks for: Vault's read, update (create), list, delete and
/// patch. Whether a write needs `create` or `update` is decided by the router.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Read,
    Write,
    List,
    Delete,
    Patch,
}

/// A token a request is made with, and where it came from (for explanations only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerToken {
    pub token: Secret,
    /// `JWTVAULT_TOKEN`, `the helper file <path>`, `the X-Vault-Token header`, …
    pub source: String,
}

impl CallerToken {
    pub fn new(token: impl Into<Secret>, source: impl Into<String>) -> CallerToken {
        CallerToken {
            token: token.into(),
            source: source.into(),
        }
    }
}

/// Who makes a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// No token (an HTTP request without `X-Vault-Token`): only unauthenticated paths answer.
    Anonymous,
    /// A token, checked and governed by its policies on every path (the HTTP server, and the
    /// command line talking to a server).
    Token(CallerToken),
    /// The local command line: whoever opened the state file. Configuration paths are the
    /// operator's whatever token is held (contract §2); on token-governed paths the token, if
    /// any, is the caller, and with none the operator acts.
    Local(Option<CallerToken>),
}

/// One request to a Vault API path.
#[derive(Clone, PartialEq)]
pub struct Request {
    pub operation: Operation,
    /// Sanitised path: no leading or trailing `/`, e.g. `auth/jwt/role/dev`.
    pub path: String,
    /// The request body (writes) or query parameters (reads and lists), as Vault's field data:
    /// values are strings unless they came from JSON.
    pub data: Map<String, Value>,
    pub caller: Caller,
    /// The client's address, for `token_bound_cidrs` and bound token CIDRs.
    pub remote_addr: Option<String>,
    /// Collect every check of a login into [`Response::explain`] / [`ApiError::explain`].
    pub explain: bool,
    /// The Vault CLI sends this write as `POST` rather than `PUT` (`auth enable`, `token lookup
    /// TOKEN`, `token capabilities`, …). Only an HTTP client looks at it: the method is part of
    /// the `URL:` line of Vault's error text. The answer is the same either way.
    pub post: bool,
}

impl Request {
    /// A request from the local operator with no token and no address.
    pub fn new(operation: Operation, path: impl Into<String>, data: Map<String, Value>) -> Self {
        Request {
            operation,
            path: path.into(),
            data,
            caller: Caller::Local(None),
            remote_addr: None,
            explain: false,
            post: false,
        }
    }

    pub fn read(path: impl Into<String>) -> Self {
        Request::new(Operation::Read, path, Map::new())
    }

    pub fn list(path: impl Into<String>) -> Self {
        Request::new(Operation::List, path, Map::new())
    }

    pub fn write(path: impl Into<String>, data: Map<String, Value>) -> Self {
        Request::new(Operation::Write, path, data)
    }

    pub fn delete(path: impl Into<String>) -> Self {
        Request::new(Operation::Delete, path, Map::new())
    }

    pub fn with_caller(mut self, caller: Caller) -> Self {
        self.caller = caller;
        self
    }

    pub fn with_remote_addr(mut self, addr: Option<String>) -> Self {
        self.remote_addr = addr;
        self
    }

    /// Marks a write the Vault CLI sends as `POST` ([`Request::post`]).
    pub fn posted(mut self) -> Self {
        self.post = true;
        self
    }
}

/// The body's values may hold a JWT, a token or a secret: `Debug` shows only their names.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("path", &self.path)
            .field("data_keys", &self.data.keys().collect::<Vec<_>>())
            .field("caller", &self.caller)
            .field("remote_addr", &self.remote_addr)
            .field("explain", &self.explain)
            .field("post", &self.post)
            .finish()
    }
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
    /// A login's `-explain` block (every check, passed or failed), for stderr.
    pub explain: Option<String>,
    /// Vault's status when it is not the usual one (`None`: 200 with a body, 204 without).
    /// KV v2 answers some requests with a status of 400 or more *and* this response
    /// (`logical.RespondWithStatusCode`): `Some(404)` with `data` for a deleted or destroyed
    /// version, with only `warnings` for a path the engine does not serve, with nothing at all
    /// (an empty body) for a PATCH of a key that does not exist. The Vault API client returns
    /// such a body as the secret of a read (the CLI prints it, exit 0) and as an error plus
    /// the secret's warnings for a write or delete.
    pub status: Option<u16>,
    /// Set by Vault's raw endpoints (`sys/health`, `sys/seal-status`, `sys/leader`,
    /// `sys/init`), which Vault answers with a bare JSON body and their own status code instead
    /// of the envelope: the HTTP server sends exactly this. `data` still carries the same
    /// values for the command line.
    pub raw: Option<RawResponse>,
}

/// A response the HTTP server sends as it is: no envelope, no `request_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawResponse {
    /// The HTTP status (`sys/health?activecode=299` answers 299).
    pub status: u16,
    /// The exact bytes of the JSON body, trailing newline included; `None` sends no body
    /// (a 204, or a `HEAD`).
    pub body: Option<String>,
}

/// The `auth` block of a login or renewal response.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Auth {
    /// The token handed out (empty when not known, e.g. a renewal by accessor).
    pub client_token: Secret,
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
    /// A login's `-explain` block (every check, passed or failed), for stderr.
    pub explain: Option<String>,
}

impl ApiError {
    /// An error with Vault's status code and messages.
    pub fn new(code: u16, errors: Vec<String>) -> Self {
        ApiError {
            code,
            errors,
            hints: Vec::new(),
            explain: None,
        }
    }
    /// Vault's empty 404: a read or list of something that does not exist (`No value found`).
    pub fn not_found() -> Self {
        ApiError::new(404, Vec::new())
    }
    /// A go-multierror string, as Vault's HTTP layer returns errors that are not a backend's
    /// `ErrorResponse` (`1 error occurred:\n\t* permission denied\n\n`).
    pub fn multi(code: u16, msg: impl fmt::Display) -> Self {
        ApiError::new(code, vec![format!("1 error occurred:\n\t* {msg}\n\n")])
    }
    /// Vault's 405 for a path that exists but has no handler for the operation
    /// (`logical.ErrUnsupportedOperation` as the HTTP layer wraps it).
    pub fn unsupported_operation() -> Self {
        ApiError::multi(405, "unsupported operation")
    }
    /// A 400 with one message, Vault's `logical.ErrorResponse`.
    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError::new(400, vec![msg.into()])
    }
    /// A 403 `permission denied`.
    pub fn permission_denied() -> Self {
        ApiError::new(403, vec!["permission denied".into()])
    }
    /// A 500 internal error.
    pub fn internal(msg: impl Into<String>) -> Self {
        ApiError::new(500, vec![msg.into()])
    }
    /// Adds one explanation line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

/// A request as an HTTP client sent it: Vault's `URL: <METHOD> <url>` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpCall {
    /// `GET`, `PUT`, `POST` or `DELETE` (a list is a `GET` with `?list=true`).
    pub method: String,
    /// The full URL, query included.
    pub url: String,
}

/// Why a request sent to a server over HTTP got no response (the command line as a client).
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteError {
    /// The server answered an error status with Vault's JSON error body (`errors`, and the
    /// `hints` a jwtvault server adds).
    Api(ApiError),
    /// The server answered an error status with a body that is not Vault's JSON: the Vault CLI
    /// prints it as it came, after `Raw Message:`.
    Raw { code: u16, body: String },
    /// No answer: the connection, TLS or the time limit failed. The text is Go's where Go's is
    /// known (`dial tcp 127.0.0.1:8200: connect: connection refused`), without the
    /// `Get "<url>": ` lead that the Vault CLI puts before it.
    Transport(String),
    /// A success whose body is not Vault's JSON envelope: Go's decoder text, which the Vault
    /// CLI prints alone (`invalid character 'h' looking for beginning of value`).
    Decode(String),
}

/// A request that went to a server and failed: what was sent, and what came back.
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteFailure {
    pub call: HttpCall,
    pub error: RemoteError,
}

impl RemoteFailure {
    /// The [`ApiError`] a command sees for this failure: the server's own, or one carrying
    /// the status (0 when there was none) and the text, so that a command's checks of the
    /// code (`404` → nothing found) work as the Vault CLI's do.
    pub fn api_error(&self) -> ApiError {
        match &self.error {
            RemoteError::Api(e) => e.clone(),
            RemoteError::Raw { code, body } => ApiError::new(*code, vec![body.clone()]),
            RemoteError::Transport(text) | RemoteError::Decode(text) => {
                ApiError::new(0, vec![text.clone()])
            }
        }
    }
}
