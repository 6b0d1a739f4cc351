//! What the handlers' unit tests share: a temporary state file answered by the router through
//! [`LocalBackend`] (one transaction per request, fetches outside it, as the command line runs
//! them), a jwt mount, requests as the local operator, and a loopback key server.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use crate::api::{ApiError, Request, Response};
use crate::backend::{Backend, Failure, LocalBackend};
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

    /// A new state whose handlers may fetch (tests use loopback servers only).
    #[allow(dead_code)] // used by the fetching tests
    pub fn online() -> TestState {
        TestState::new(false)
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

    /// Enables a jwt auth mount at `path` (`path/` once sanitised) through `sys/auth/<path>`,
    /// as `auth enable` does, and returns its row.
    pub fn enable_jwt(&self, path: &str) -> MountRow {
        self.write(&format!("sys/auth/{path}"), json!({"type": "jwt"}))
            .expect("mount enabled");
        let mount = format!("{}/", path.trim_matches('/'));
        self.store()
            .get_mount(&mount)
            .expect("state file reads")
            .expect("mount enabled")
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

/// The current time, whole seconds.
pub fn now() -> i64 {
    crate::paths::Ctx::now_secs() as i64
}

/// A loopback HTTP server answering every request with its current body (200, JSON), counting
/// requests. Runs until the test process ends.
pub struct KeyServer {
    pub url: String,
    body: Arc<Mutex<String>>,
    hits: Arc<AtomicUsize>,
}

impl KeyServer {
    pub fn start(body: &str) -> KeyServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
        let url = format!("http://{}/keys", listener.local_addr().expect("address"));
        let body = Arc::new(Mutex::new(body.to_string()));
        let hits = Arc::new(AtomicUsize::new(0));
        let (b, h) = (Arc::clone(&body), Arc::clone(&hits));
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten() {
                h.fetch_add(1, Ordering::SeqCst);
                let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let text = b.lock().map(|t| t.clone()).unwrap_or_default();
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
                    text.len()
                );
            }
        });
        KeyServer { url, body, hits }
    }

    /// Serves `body` from now on.
    pub fn set_body(&self, body: &str) {
        if let Ok(mut b) = self.body.lock() {
            *b = body.to_string();
        }
    }

    /// How many requests the server answered.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// A loopback URL nobody listens on: fetches fail at once with "connection refused".
pub fn refused_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("loopback port");
    format!("http://{}/keys", l.local_addr().expect("address"))
}
