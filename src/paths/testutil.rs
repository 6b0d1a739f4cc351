//! What the handlers' unit tests share: a temporary state file answered by the router through
//! [`LocalBackend`] (one transaction per request, fetches outside it, as the command line runs
//! them), a jwt mount, requests as the local operator,.

use serde_json::{Map, Value};

use crate::api::{ApiError, Request, Response};
use crate::backend::{Backend, Failure, LocalBackend};
use crate::paths::mounts::{self, EnableRequest};
use crate::store::{MountRow, Store};

/// A state file in a temporary directory, removed on drop.
pub struct TestState {
    _dir: tempfile::TempDir,
    pub backend: LocalBackend,
}

impl TestState {
    /// A new state with the network off (`-offline`).
    pub fn offline() -> TestState {
        TestState::new(true)
    }

    fn new(offline: bool) -> TestState {
        let dir = tempfile::tempdir().expect("temporary directory");
        let backend = LocalBackend::new(dir.path().join("state.db"), offline);
        TestState { _dir: dir, backend }
    }

    /// Opens the state file in a transaction of its own, for direct looks and seeding.
    pub fn store(&self) -> Store {
        self.backend.open().expect("state file opens")
    }

    /// Enables a jwt auth mount at `path` (`path/` once sanitised), as `auth enable` does.
    pub fn enable_jwt(&self, path: &str) -> MountRow {
        let store = self.store();
        let row = mounts::enable(
            &store,
            &EnableRequest {
                kind: "jwt".into(),
                path: path.into(),
                description: String::new(),
                default_lease_ttl: 0,
                max_lease_ttl: 0,
                token_type: String::new(),
            },
        )
        .expect("mount enabled");
        store.commit().expect("commit");
        row
    }

    /// Sends a request through the router. A state file that cannot be used fails the test.
    pub fn handle(&self, req: &Request) -> Result<Response, ApiError> {
        match self.backend.handle(req) {
            Ok(resp) => Ok(resp),
            Err(Failure::Api(e)) => Err(e),
            Err(Failure::Store(e)) => panic!("state file failed: {e}"),
        }
    }

    pub fn read(&self, path: &str) -> Result<Response, ApiError> {
        self.handle(&Request::read(path))
    }

    pub fn list(&self, path: &str) -> Result<Response, ApiError> {
        self.handle(&Request::list(path))
    }

    pub fn delete(&self, path: &str) -> Result<Response, ApiError> {
        self.handle(&Request::delete(path))
    }

    /// A write whose body is the JSON object `body`.
    pub fn write(&self, path: &str, body: Value) -> Result<Response, ApiError> {
        self.handle(&Request::write(path, object(body)))
    }

    /// The `data` of a successful read, as JSON.
    pub fn read_data(&self, path: &str) -> Value {
        match self.read(path) {
            Ok(resp) => Value::Object(resp.data.unwrap_or_default()),
            Err(e) => panic!("read {path} failed: {e:?}"),
        }
    }
}

/// A JSON object as a request body (anything else is an empty body).
pub fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// A request's failure as the test compares it: the status and Vault's error lines.
pub fn failure(result: Result<Response, ApiError>) -> (u16, String) {
    match result {
        Ok(resp) => panic!("expected a failure, got {resp:?}"),
        Err(e) => (e.code, e.errors.join("\n")),
    }
}

/// The 400 a request fails with, as its single error line.
pub fn bad_request(result: Result<Response, ApiError>) -> String {
    let (code, text) = failure(result);
    assert_eq!(code, 400, "{text}");
    text
}
