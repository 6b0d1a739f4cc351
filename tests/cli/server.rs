//! `jwtvault server` (contract §8): Vault's HTTP API over the state, byte for byte as OpenBao
//! 2.7.2 answers it (wire.md), driven with raw HTTP/1.1 over a socket.
//!
//! Most tests share one server (started once, on a free loopback port: `-listen-address` with
//! port 0, the port read from the `Api Address:` line); the ones about starting, stopping,
//! TLS and crashes run their own. A server is started with `PR_SET_PDEATHSIG`, so it never
//! outlives the test process. Timings are never asserted.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{bin, is_uuid, on_postgres, Env, Fx};

// ---------------------------------------------------------------------------------------------
// A server process and a small HTTP/1.1 client
// ---------------------------------------------------------------------------------------------

/// A running `jwtvault server`; its stdout and stderr go to files.
pub(crate) struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub(crate) addr: String,
    /// The `Api Address:` URL.
    url: String,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Server {
    /// Starts `jwtvault server -listen-address=127.0.0.1:0 ARGS` on `env`'s state and waits until
    /// it answers `sys/health`.
    pub(crate) fn start(env: &Env, args: &[&str], tag: &str) -> Server {
        Server::try_start(env, args, tag)
            .unwrap_or_else(|out| panic!("server did not start:\n{out}"))
    }

    /// As [`Server::start`]; `Err` holds what the process printed when it exited instead.
    fn try_start(env: &Env, args: &[&str], tag: &str) -> Result<Server, String> {
        let stdout = env.path(&format!("server-{tag}.out"));
        let stderr = env.path(&format!("server-{tag}.err"));
        let mut c = Command::new(bin());
        c.arg("server")
            .arg("-listen-address=127.0.0.1:0")
            .args(args);
        c.current_dir(env.dir.path()).env_clear();
        if let Some(p) = std::env::var_os("PATH") {
            c.env("PATH", p);
        }
        for (k, v) in &env.vars {
            c.env(k, v);
        }
        c.stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap());
        // SAFETY: prctl is async-signal-safe; the server gets SIGTERM when the thread that
        // started it ends (the test, or the shared server's thread at exit).
        unsafe {
            c.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let mut child = c.spawn().expect("spawn jwtvault server");
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = loop {
            let text = std::fs::read_to_string(&stdout).unwrap_or_default();
            if let Some(line) = text.lines().find(|l| l.starts_with("Api Address: ")) {
                break line["Api Address: ".len()..].to_string();
            }
            if let Some(status) = child.try_wait().unwrap() {
                return Err(format!(
                    "exit {status}\nstdout:\n{text}\nstderr:\n{}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                ));
            }
            assert!(Instant::now() < deadline, "no Api Address line");
            std::thread::sleep(Duration::from_millis(10));
        };
        let addr = url.split("://").nth(1).unwrap().to_string();
        let server = Server {
            child,
            addr,
            url,
            stdout,
            stderr,
        };
        if server.url.starts_with("http://") {
            // Serving: both start lines are out.
            assert_eq!(server.get("/v1/sys/leader", &[]).status, 200);
        }
        Ok(server)
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap()
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub(crate) fn signal(&self, sig: i32) {
        // SAFETY: plain kill(2) of our own child.
        unsafe {
            libc::kill(self.pid(), sig);
        }
    }

    /// Waits for the process to exit (at most 30 s); its exit code (-1: killed by a signal).
    pub(crate) fn wait(&mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub(crate) fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Resp {
        call(&self.addr, method, path, headers, body)
    }

    pub(crate) fn get(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        self.call("GET", path, headers, "")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response, as received.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) status_line: String,
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn names(&self) -> Vec<&str> {
        let mut n: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        n.sort();
        n
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {self:?}"))
    }

    #[track_caller]
    fn expect(&self, status: u16, body: &str) {
        assert_eq!(
            (self.status, self.body.as_str()),
            (status, body),
            "{self:#?}"
        );
        // Every answer but the 413 carries Vault's two headers, and JSON is exactly that.
        assert_eq!(self.header("Cache-Control"), Some("no-store"), "{self:#?}");
        assert_eq!(
            self.header("Strict-Transport-Security"),
            Some("max-age=31536000; includeSubDomains")
        );
        if body.starts_with('{') {
            assert_eq!(self.header("Content-Type"), Some("application/json"));
        }
    }
}

/// Sends raw bytes on a new connection and reads the answer until the server closes it.
fn send(addr: &str, raw: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(raw).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read the response");
    parse(&buf)
}

pub(crate) fn parse(buf: &[u8]) -> Resp {
    let text = String::from_utf8_lossy(buf).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end: {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap().to_string();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(": ").unwrap_or((l, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    Resp {
        status_line,
        status,
        headers,
        body: body.to_string(),
    }
}

/// One request with `Connection: close`; a body gets its `Content-Length`.
fn call(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT") {
        r.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    r.push_str("\r\n");
    r.push_str(body);
    send(addr, r.as_bytes())
}

/// One request on `addr` with `token` as the caller.
pub(crate) fn call_on(addr: &str, method: &str, path: &str, token: &str, body: &str) -> Resp {
    call(addr, method, path, &token_header(token), body)
}

pub(crate) fn token_header(t: &str) -> [(&str, &str); 1] {
    [("X-Vault-Token", t)]
}

// ---------------------------------------------------------------------------------------------
// The shared server: jwt/ with an ES256 key, roles r (policy p1) and d (default only)
// ---------------------------------------------------------------------------------------------

struct Shared {
    fx: Fx,
    server: Server,
    /// The `-root-token-id` it was started with.
    root: String,
    /// A token with the `default` policy only (a login with role d).
    default_token: String,
}

static SHARED_DIR: OnceLock<PathBuf> = OnceLock::new();

extern "C" fn remove_shared_dir() {
    if let Some(d) = SHARED_DIR.get() {
        let _ = std::fs::remove_dir_all(d);
    }
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        // Started from a thread that lives as long as the test process: the server's
        // PR_SET_PDEATHSIG fires when that thread ends, i.e. at exit.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(Shared::new());
            loop {
                std::thread::park();
            }
        });
        rx.recv().expect("the shared server started")
    })
}

impl Shared {
    fn new() -> Shared {
        let fx = Fx::new();
        let _ = SHARED_DIR.set(fx.env.dir.path().to_path_buf());
        // SAFETY: registers a plain function, run by exit(3) after the tests.
        unsafe {
            libc::atexit(remove_shared_dir);
        }
        fx.policy(
            "p1",
            "path \"auth/jwt/role/r\" { capabilities = [\"read\"] }\n",
        );
        fx.run(&[
            "write",
            "auth/jwt/role/d",
            "user_claim=sub",
            "bound_audiences=a",
        ])
        .ok();
        let root = format!("srv-root-{}", jwtvault::ids::base62(16));
        // A short header timeout, so that the stalled-client test waits 2 s, not 10.
        let server = Server::start(
            &fx.env,
            &[
                &format!("-root-token-id={root}"),
                "-http-read-header-timeout=2s",
            ],
            "shared",
        );
        let jwt = fx.jwt("default-user", json!([]));
        let login = server.call(
            "POST",
            "/v1/auth/jwt/login",
            &[],
            &json!({"role": "d", "jwt": jwt}).to_string(),
        );
        assert_eq!(login.status, 200, "{login:?}");
        let default_token = login.json()["auth"]["client_token"]
            .as_str()
            .unwrap()
            .to_string();
        Shared {
            fx,
            server,
            root,
            default_token,
        }
    }

    fn root(&self) -> [(&str, &str); 1] {
        token_header(&self.root)
    }
}

// ---------------------------------------------------------------------------------------------
// Vault's wire format
// ---------------------------------------------------------------------------------------------

#[test]
fn the_envelope_has_vaults_members_in_vaults_order_and_vaults_headers() {
    let s = shared();
    let r = s.server.get("/v1/auth/jwt/role/r", &s.root());
    assert_eq!(r.status_line, "HTTP/1.1 200 OK");
    assert_eq!(
        r.names(),
        [
            "Cache-Control",
            // The echo of the request's `Connection: close`, as Go's server does.
            "Connection",
            "Content-Length",
            "Content-Type",
            "Date",
            "Strict-Transport-Security"
        ]
    );
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(
        r.header("Content-Length"),
        Some(r.body.len().to_string().as_str())
    );
    let id = &r.body["{\"request_id\":\"".len()..][..36];
    assert!(is_uuid(id), "{}", r.body);
    assert!(
        r.body.starts_with(&format!(
            "{{\"request_id\":\"{id}\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,\
             \"data\":{{\"allowed_redirect_uris\":"
        )),
        "{}",
        r.body
    );
    assert!(
        r.body
            .ends_with("},\"wrap_info\":null,\"warnings\":null,\"auth\":null}\n"),
        "{}",
        r.body
    );
    // One line, keys of data sorted.
    assert_eq!(r.body.matches('\n').count(), 1);
    let at = |k: &str| r.body.find(&format!("\"{k}\":")).unwrap();
    assert!(
        at("bound_audiences") < at("token_policies") && at("token_policies") < at("user_claim")
    );
    assert_eq!(r.json()["data"]["token_policies"], json!(["p1"]));
    // A fresh request id each time.
    let again = s.server.get("/v1/auth/jwt/role/r", &s.root());
    assert_ne!(again.json()["request_id"], r.json()["request_id"]);
}

#[test]
fn status_codes_and_bodies() {
    let s = shared();
    let root = s.root();
    // A write with nothing to return: 204, Content-Type still JSON, no body.
    let body = r#"{"role_type":"jwt","user_claim":"sub","bound_audiences":"vault"}"#;
    let r = s.server.call("POST", "/v1/auth/jwt/role/w204", &root, body);
    r.expect(204, "");
    assert_eq!(r.status_line, "HTTP/1.1 204 No Content");
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("Content-Length"), None);
    // PUT is a write too, and a delete is 204 (also of nothing).
    s.server
        .call("PUT", "/v1/auth/jwt/role/w204", &root, body)
        .expect(204, "");
    s.server
        .call("DELETE", "/v1/auth/jwt/role/w204", &root, "")
        .expect(204, "");
    s.server
        .call("DELETE", "/v1/auth/jwt/role/w204", &root, "")
        .expect(204, "");
    // A read of nothing: 404 with an empty list.
    let r = s.server.get("/v1/auth/jwt/role/w204", &root);
    r.expect(404, "{\"errors\":[]}\n");
    assert_eq!(r.status_line, "HTTP/1.1 404 Not Found");
    // A handler's refusal: 400 with Vault's text.
    s.server
        .call(
            "POST",
            "/v1/auth/jwt/role/bad",
            &root,
            r#"{"role_type":"jwt","bound_audiences":"vault"}"#,
        )
        .expect(
            400,
            "{\"errors\":[\"a user claim must be defined on the role\"]}\n",
        );
    // A method Vault does not know.
    let r = s.server.call("FOO", "/v1/auth/jwt/role/r", &root, "");
    r.expect(405, "{\"errors\":[]}\n");
    assert_eq!(r.status_line, "HTTP/1.1 405 Method Not Allowed");
    // OPTIONS is refused before authentication.
    s.server
        .call("OPTIONS", "/v1/auth/jwt/role/r", &[], "")
        .expect(
            400,
            "{\"errors\":[\"cannot handle internal-only request operation\"]}\n",
        );
    // Outside /v1/.
    s.server.get("/v1", &[]).expect(404, "{\"errors\":[]}\n");
    s.server
        .get("/v2/foo", &[])
        .expect(404, "{\"errors\":[]}\n");
    // A path no handler serves, for a token allowed there.
    s.server.get("/v1/nosuch/path", &root).expect(
        404,
        "{\"errors\":[\"no handler for route \\\"nosuch/path\\\"\"]}\n",
    );
}

#[test]
fn bodies_over_32_mib_are_refused_before_they_are_read() {
    let s = shared();
    let head = format!(
        "POST /v1/auth/jwt/role/big HTTP/1.1\r\nHost: {}\r\nX-Vault-Token: {}\r\n\
         Content-Length: 33554433\r\n\r\n",
        s.server.addr, s.root
    );
    // Only the head is sent: the answer comes without the body.
    let r = send(&s.server.addr, head.as_bytes());
    assert_eq!(r.status_line, "HTTP/1.1 413 Request Entity Too Large");
    assert_eq!(r.body, "{\"errors\":[\"http: request body too large\"]}\n");
    assert_eq!(r.header("Connection"), Some("close"));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("Cache-Control"), None);
    assert_eq!(r.header("Strict-Transport-Security"), None);
}

#[test]
fn malformed_json_is_400_before_authentication() {
    let s = shared();
    for (body, msg) in [
        ("{\"role_type\":", "unexpected EOF"),
        (
            "[1,2]",
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
        (
            "{bad}",
            "invalid character 'b' looking for beginning of value",
        ),
        (
            "{\"a\":1}xyz",
            "invalid character 'x' looking for beginning of value",
        ),
    ] {
        // No token at all: the body is checked first.
        let r = s.server.call("POST", "/v1/auth/jwt/role/m", &[], body);
        r.expect(
            400,
            &format!(
                "{{\"errors\":[{}]}}\n",
                json!(format!("failed to decode JSON input: {msg}"))
            ),
        );
    }
    // null, an empty body and a form body are fine (the handler then validates).
    for (body, ct) in [
        ("null", "application/json"),
        ("", "application/json"),
        (
            "role_type=jwt&bound_audiences=v",
            "application/x-www-form-urlencoded",
        ),
    ] {
        s.server
            .call(
                "POST",
                "/v1/auth/jwt/role/m",
                &[s.root()[0], ("Content-Type", ct)],
                body,
            )
            .expect(
                400,
                "{\"errors\":[\"a user claim must be defined on the role\"]}\n",
            );
    }
}

#[test]
fn list_with_the_list_verb_or_the_query() {
    let s = shared();
    let root = s.root();
    let want = |r: Resp| {
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.json()["data"], json!({"keys": ["d", "r"]}));
    };
    want(s.server.call("LIST", "/v1/auth/jwt/role", &root, ""));
    want(s.server.call("LIST", "/v1/auth/jwt/role/", &root, ""));
    for q in ["true", "True", "1", "t", "TRUE"] {
        want(s.server.get(&format!("/v1/auth/jwt/role?list={q}"), &root));
    }
    want(s.server.get("/v1/auth/jwt/role/?list=true", &root));
    s.server
        .get("/v1/auth/jwt/role?list=abc", &root)
        .expect(400, "{\"errors\":[]}\n");
    // Nothing to list: 404 with an empty list.
    s.server
        .call("LIST", "/v1/identity/group/id", &root, "")
        .expect(404, "{\"errors\":[]}\n");
}

#[test]
fn the_token_comes_from_x_vault_token_or_bearer() {
    let s = shared();
    let root = s.root.as_str();
    let bearer = format!("Bearer {root}");
    let read = |h: &[(&str, &str)]| s.server.get("/v1/auth/jwt/role/r", h).status;
    assert_eq!(read(&[("X-Vault-Token", root)]), 200);
    assert_eq!(read(&[("Authorization", &bearer)]), 200);
    assert_eq!(
        read(&[("Authorization", &format!("Bearer   {root}  "))]),
        200
    );
    assert_eq!(
        read(&[("Authorization", "Basic abc"), ("Authorization", &bearer)]),
        200
    );
    assert_eq!(
        read(&[("X-Vault-Token", ""), ("Authorization", &bearer)]),
        200
    );
    // The scheme is case-sensitive, and X-Vault-Token wins even when it is no token.
    assert_eq!(read(&[("Authorization", &format!("bearer {root}"))]), 403);
    assert_eq!(
        read(&[("X-Vault-Token", "bogus"), ("Authorization", &bearer)]),
        403
    );
    // Never from the query string or the body.
    assert_eq!(
        s.server
            .get(&format!("/v1/auth/jwt/role/r?token={root}"), &[])
            .status,
        403
    );
}

#[test]
fn authentication_comes_before_routing() {
    let s = shared();
    let plain = "{\"errors\":[\"permission denied\"],\"hints\":[\"the request carries no token \
                 (X-Vault-Token or Authorization: Bearer)\"]}\n";
    // No token: 403 whether the path exists or not.
    s.server.get("/v1/auth/jwt/role/r", &[]).expect(403, plain);
    s.server.get("/v1/nosuch/path", &[]).expect(403, plain);
    s.server
        .call("POST", "/v1/auth/nosuch/login", &[], "{}")
        .expect(403, plain);
    // A token that is not live: plain 403.
    let r = s.server.get("/v1/nosuch/path", &token_header("bogus"));
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["errors"], json!(["permission denied"]));
    // A live token its policies do not allow there: the ACL's 403, also on a missing path.
    for path in [
        "/v1/auth/jwt/role/r",
        "/v1/nosuch/path",
        "/v1/auth/jwt/config",
    ] {
        let r = s.server.get(path, &token_header(&s.default_token));
        assert_eq!(r.status, 403, "{path}");
        assert_eq!(
            r.json()["errors"],
            json!(["1 error occurred:\n\t* permission denied\n\n"]),
            "{path}"
        );
    }
}

#[test]
fn a_login_needs_no_token_and_ignores_one() {
    let s = shared();
    for headers in [&[][..], &token_header("bogus")[..], &s.root()[..]] {
        let jwt = s.fx.jwt("login-user", json!([]));
        let r = s.server.call(
            "POST",
            "/v1/auth/jwt/login",
            headers,
            &json!({"role": "r", "jwt": jwt}).to_string(),
        );
        assert_eq!(r.status, 200, "{r:?}");
        assert!(r.body.starts_with("{\"request_id\":\""), "{}", r.body);
        assert!(
            r.body.contains(
                "\"data\":null,\"wrap_info\":null,\"warnings\":null,\"auth\":{\"client_token\":\"jvs."
            ),
            "{}",
            r.body
        );
        let auth = &r.json()["auth"];
        assert_eq!(auth["policies"], json!(["default", "p1"]));
        assert_eq!(auth["token_policies"], json!(["default", "p1"]));
        assert_eq!(auth["metadata"], json!({"role": "r"}));
        assert_eq!(auth["orphan"], true);
        assert_eq!(auth["mfa_requirement"], Value::Null);
        assert!(auth.get("identity_policies").is_none(), "{auth}");
        // The token works at once, on the path its policy allows.
        let token = auth["client_token"].as_str().unwrap();
        assert_eq!(
            s.server
                .get("/v1/auth/jwt/role/r", &token_header(token))
                .status,
            200
        );
    }
    // A refused login: 400, Vault's text, the hint beside it.
    let jwt = s.fx.jwt("login-user", json!([]));
    let r = s.server.call(
        "POST",
        "/v1/auth/jwt/login",
        &[],
        &json!({"role": "nope", "jwt": jwt}).to_string(),
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["errors"],
        json!(["role \"nope\" could not be found"])
    );
}

#[test]
fn the_namespace_header() {
    let s = shared();
    let root = s.root.as_str();
    let ns = |v: &str, path: &str| {
        s.server
            .get(path, &[("X-Vault-Token", root), ("X-Vault-Namespace", v)])
    };
    // Empty: ignored, not echoed (vault-action sends one on every request).
    let r = ns("", "/v1/auth/jwt/role/r");
    assert_eq!((r.status, r.header("X-Vault-Namespace")), (200, None));
    for root_ns in ["root", "root/", "/root", "/", "//"] {
        let r = ns(root_ns, "/v1/auth/jwt/role/r");
        assert_eq!(
            (r.status, r.header("X-Vault-Namespace")),
            (200, Some(root_ns))
        );
    }
    for other in ["foo", "ROOT", "root/foo"] {
        let r = ns(other, "/v1/auth/jwt/role/r");
        r.expect(404, "{\"errors\":[\"namespace not found\"]}\n");
        assert_eq!(r.header("X-Vault-Namespace"), Some(other));
    }
    // Before authentication, on a login path too.
    let r = s.server.call(
        "POST",
        "/v1/auth/jwt/login",
        &[("X-Vault-Namespace", "foo")],
        "{}",
    );
    r.expect(404, "{\"errors\":[\"namespace not found\"]}\n");
    // sys/health takes none at all; sys/leader and sys/seal-status ignore it.
    ns("root", "/v1/sys/health").expect(
        400,
        "{\"errors\":[\"operation unavailable in namespaces\"]}\n",
    );
    assert_eq!(ns("foo", "/v1/sys/leader").status, 200);
    assert_eq!(ns("foo", "/v1/sys/seal-status").status, 200);
}

#[test]
fn paths_are_cleaned_with_a_redirect() {
    let s = shared();
    let r = s.server.get("/v1/auth/jwt/../jwt/role/r", &s.root());
    r.expect(
        307,
        "<a href=\"/v1/auth/jwt/role/r\">Temporary Redirect</a>.\n\n",
    );
    assert_eq!(r.status_line, "HTTP/1.1 307 Temporary Redirect");
    assert_eq!(r.header("Location"), Some("/v1/auth/jwt/role/r"));
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    // Any method; the query kept; no body for other methods.
    let r = s.server.call("POST", "/v1/auth//jwt/role/x?a=b", &[], "{}");
    r.expect(307, "");
    assert_eq!(r.header("Location"), Some("/v1/auth/jwt/role/x?a=b"));
    assert_eq!(r.header("Content-Type"), None);
    s.server
        .get("/v1/a/./b/", &[])
        .expect(307, "<a href=\"/v1/a/b/\">Temporary Redirect</a>.\n\n");
    // Encoded dots are not cleaned: refused, before authentication.
    s.server
        .get("/v1/auth/jwt/role/%2e%2e/x", &[])
        .expect(400, "{\"errors\":[\"relative paths not supported\"]}\n");
    // A write to a path ending in `/`.
    s.server
        .call("POST", "/v1/auth/jwt/role/x/", &[], "{}")
        .expect(
            400,
            "{\"errors\":[\"cannot write to a path ending in '/'\"]}\n",
        );
    // `%2F` is a `/`.
    assert_eq!(s.server.get("/v1/auth/jwt/role%2Fr", &s.root()).status, 200);
}

#[test]
fn health_seal_status_and_leader_are_raw_and_need_no_token() {
    let s = shared();
    let r = s.server.get("/v1/sys/health", &[]);
    assert_eq!(r.status, 200);
    let v = r.json();
    let cluster_name = v["cluster_name"].as_str().unwrap();
    let cluster_id = v["cluster_id"].as_str().unwrap();
    assert!(is_uuid(cluster_id) && cluster_name.starts_with("vault-cluster-"));
    let version = env!("CARGO_PKG_VERSION");
    let time = v["server_time_utc"].as_i64().unwrap();
    r.expect(
        200,
        &format!(
            "{{\"initialized\":true,\"sealed\":false,\"standby\":false,\
             \"replication_performance_mode\":\"disabled\",\"replication_dr_mode\":\"disabled\",\
             \"server_time_utc\":{time},\"version\":\"{version}\",\"cluster_name\":\"{cluster_name}\",\
             \"cluster_id\":\"{cluster_id}\"}}\n"
        ),
    );
    // HEAD (hvac's default): the status, no body. A code of the caller's choice.
    let r = s.server.call("HEAD", "/v1/sys/health", &[], "");
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    let r = s.server.get("/v1/sys/health?activecode=299", &[]);
    assert_eq!(r.status_line, "HTTP/1.1 299 status code 299");
    s.server
        .get("/v1/sys/health?activecode=abc", &[])
        .expect(400, "{\"errors\":[]}\n");
    s.server
        .call("POST", "/v1/sys/health", &s.root(), "")
        .expect(405, "{\"errors\":[]}\n");
    // Any token, even a bogus one, is ignored. The storage type is Vault's name for it.
    let storage = if on_postgres() {
        "postgresql"
    } else {
        "sqlite"
    };
    s.server
        .get("/v1/sys/seal-status", &token_header("bogus"))
        .expect(
            200,
            &format!(
                "{{\"type\":\"shamir\",\"initialized\":true,\"sealed\":false,\"t\":1,\"n\":1,\
                 \"progress\":0,\"nonce\":\"\",\"recovery_seal\":false,\"version\":\"{version}\",\
                 \"commit_date\":\"\",\"migration\":false,\"cluster_name\":\"{cluster_name}\",\
                 \"cluster_id\":\"{cluster_id}\",\"storage_type\":\"{storage}\"}}\n"
            ),
        );
    s.server
        .get("/v1/sys/leader", &[])
        .expect(200, "{\"ha_enabled\":false}\n");
    s.server
        .get("/v1/sys/init", &[])
        .expect(200, "{\"initialized\":true}\n");
    s.server
        .call("HEAD", "/v1/sys/leader", &[], "")
        .expect(405, "");
    // With a trailing slash it is no status endpoint: a token is needed.
    assert_eq!(s.server.get("/v1/sys/health/", &[]).status, 403);
}

#[test]
fn internal_ui_mounts_for_the_vault_cli_preflight() {
    let s = shared();
    let r = s
        .server
        .get("/v1/sys/internal/ui/mounts/auth/jwt", &s.root());
    assert_eq!(r.status, 200, "{r:?}");
    let data = &r.json()["data"];
    assert_eq!(data["path"], "jwt/");
    assert_eq!(data["type"], "jwt");
    assert_eq!(data["options"], Value::Null);
    // Not injected at the top level.
    assert!(r.body.starts_with("{\"request_id\":"), "{}", r.body);
    // The default policy grants nothing under auth/jwt/: the preflight's 403.
    s.server
        .get(
            "/v1/sys/internal/ui/mounts/auth/jwt/role/r",
            &token_header(&s.default_token),
        )
        .expect(
            403,
            "{\"errors\":[\"preflight capability check returned 403, please ensure client's \
             policies grant access to path \\\"auth/jwt/role/r/\\\"\"]}\n",
        );
    s.server
        .get("/v1/sys/internal/ui/mounts/secret", &s.root())
        .expect(
            403,
            "{\"errors\":[\"preflight capability check returned 403, please ensure client's \
             policies grant access to path \\\"secret/\\\"\"]}\n",
        );
    s.server
        .get("/v1/sys/internal/ui/mounts/auth/jwt", &[])
        .expect(403, "{\"errors\":[\"permission denied\"]}\n");
}

#[test]
fn the_log_has_one_line_per_request_and_no_secret() {
    let s = shared();
    let jwt = s.fx.jwt("log-user", json!([]));
    let login = s.server.call(
        "POST",
        "/v1/auth/jwt/login",
        &s.root(),
        &json!({"role": "r", "jwt": jwt}).to_string(),
    );
    assert_eq!(login.status, 200);
    let token = login.json()["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    let marker = format!("/v1/auth/jwt/role/log-{}", jwtvault::ids::base62(8));
    s.server
        .get(&format!("{marker}?token={token}"), &token_header(&token));
    s.server
        .get(&marker, &[("Authorization", &format!("Bearer {}", s.root))]);
    // The log is written as requests end: wait for the second line of the marker.
    let deadline = Instant::now() + Duration::from_secs(30);
    while s.server.log().matches(&marker).count() < 2 {
        assert!(Instant::now() < deadline, "{}", s.server.log());
        std::thread::sleep(Duration::from_millis(10));
    }
    let log = s.server.log();
    for secret in [&s.root, &token, &jwt, &s.default_token] {
        assert!(
            !log.contains(secret.as_str()),
            "a secret in the log:\n{log}"
        );
    }
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(&marker)).collect();
    assert_eq!(lines.len(), 2, "{log}");
    // The login's token is refused there (403); root gets Vault's empty 404 (no such role).
    for (line, status) in lines.iter().zip(["403", "404"]) {
        // time, client, method, path (no query), status, duration
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f.len(), 6, "{line}");
        assert!(f[0].ends_with('Z') && f[0].len() == 24, "{line}");
        assert_eq!(
            &f[1..5],
            ["127.0.0.1", "GET", marker.as_str(), status],
            "{line}"
        );
        assert!(f[5].ends_with("ms"), "{line}");
    }
    assert!(
        log.contains(" 127.0.0.1 POST /v1/auth/jwt/login 200 "),
        "{log}"
    );
}

#[test]
fn a_slow_client_holds_nothing() {
    let s = shared();
    // Half a request line, then nothing.
    let mut stalled: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut c = TcpStream::connect(&s.server.addr).unwrap();
            c.write_all(b"GET /v1/sys/hea").unwrap();
            c
        })
        .collect();
    // Others are served meanwhile.
    for _ in 0..5 {
        assert_eq!(s.server.get("/v1/sys/leader", &[]).status, 200);
    }
    // And the stalled connection is closed by the server (its header timeout: 2 s here), not
    // left open.
    let c = &mut stalled[0];
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut buf = Vec::new();
    match c.read_to_end(&mut buf) {
        Ok(_) => {}
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
}

#[test]
fn many_logins_at_once_lose_nothing() {
    let s = shared();
    let threads: Vec<_> = (0..64)
        .map(|i| {
            let addr = s.server.addr.clone();
            let jwt = s.fx.jwt(&format!("many-{i}"), json!([]));
            std::thread::spawn(move || {
                call(
                    &addr,
                    "POST",
                    "/v1/auth/jwt/login",
                    &[],
                    &json!({"role": "r", "jwt": jwt}).to_string(),
                )
            })
        })
        .collect();
    let mut tokens = Vec::new();
    for t in threads {
        let r = t.join().unwrap();
        assert_eq!(r.status, 200, "{r:?}");
        tokens.push(
            r.json()["auth"]["client_token"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    for t in &tokens {
        assert_eq!(
            s.server.get("/v1/auth/jwt/role/r", &token_header(t)).status,
            200
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Starting, stopping, TLS, crashes: a server of their own
// ---------------------------------------------------------------------------------------------

#[test]
fn start_prints_the_address_and_a_new_root_token_once() {
    let env = Env::new();
    let mut first = Server::start(&env, &[], "first");
    let out = first.stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0], format!("Api Address: {}", first.url));
    assert!(first.url.starts_with("http://127.0.0.1:"), "{}", first.url);
    let root = lines[1]
        .strip_prefix("Root Token: jvs.")
        .expect("a root token");
    assert!(
        root.len() == 24 && root.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{out}"
    );
    let root = format!("jvs.{root}");
    assert_eq!(first.get("/v1/nosuch", &token_header(&root)).status, 404);
    first.signal(libc::SIGTERM);
    assert_eq!(first.wait(), 0);
    // The token is a root token of the state: Vault's fields.
    let look = env.run(&["token", "lookup", "-format=json", &root]);
    look.ok();
    let d = &look.json()["data"];
    assert_eq!(
        (
            &d["policies"],
            &d["path"],
            &d["display_name"],
            &d["expire_time"],
            &d["ttl"]
        ),
        (
            &json!(["root"]),
            &json!("auth/token/root"),
            &json!("root"),
            &Value::Null,
            &json!(0)
        )
    );
    // The next start has one already: nothing printed but the address.
    let second = Server::start(&env, &[], "second");
    assert_eq!(second.stdout(), format!("Api Address: {}\n", second.url));
    drop(second);
    // -root-token-id makes sure that one exists, and says so once.
    let third = Server::start(&env, &["-root-token-id=my-root"], "third");
    assert_eq!(
        third.stdout(),
        format!("Api Address: {}\nRoot Token: my-root\n", third.url)
    );
    assert_eq!(
        third.get("/v1/nosuch", &token_header("my-root")).status,
        404
    );
    drop(third);
    let fourth = Server::start(&env, &["-root-token-id=my-root"], "fourth");
    assert_eq!(fourth.stdout(), format!("Api Address: {}\n", fourth.url));
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_0() {
    let fx = Fx::new();
    let mut server = Server::start(&fx.env, &[], "term");
    let body = json!({"role": "r", "jwt": fx.jwt("in-flight", json!([]))}).to_string();
    let mut c = TcpStream::connect(&server.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        c,
        "POST /v1/auth/jwt/login HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    // `100 Continue` comes when the server starts reading the body: the request is in flight.
    let mut continued = [0u8; 25];
    c.read_exact(&mut continued).unwrap();
    assert_eq!(&continued, b"HTTP/1.1 100 Continue\r\n\r\n");
    server.signal(libc::SIGTERM);
    // It stops accepting.
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(&server.addr).is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        std::thread::sleep(Duration::from_millis(10));
    }
    // The request in flight is answered.
    c.write_all(body.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf);
    let r = parse(&buf);
    assert_eq!(r.status, 200, "{r:?}");
    let token = r.json()["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(server.wait(), 0, "{}", server.log());
    assert!(
        server.log().contains("SIGTERM: no new connections"),
        "{}",
        server.log()
    );
    // And it was stored before it was answered.
    fx.run(&["token", "lookup", &token]).ok();
}

#[test]
fn sigint_stops_it_too() {
    let env = Env::new();
    let mut server = Server::start(&env, &[], "int");
    server.signal(libc::SIGINT);
    assert_eq!(server.wait(), 0);
}

#[test]
fn tls_with_a_certificate_the_client_trusts() {
    let env = Env::new();
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let cert_file = env.file("tls/cert.pem", &cert.cert.pem());
    let key_file = env.file("tls/key.pem", &cert.signing_key.serialize_pem());
    let server = Server::start(
        &env,
        &[
            &format!("-tls-cert-file={}", cert_file.display()),
            &format!("-tls-key-file={}", key_file.display()),
        ],
        "tls",
    );
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let client = reqwest::blocking::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let r = client
        .get(format!("{}/v1/sys/leader", server.url))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.text().unwrap(), "{\"ha_enabled\":false}\n");
    // A client that does not trust it fails.
    let untrusting = reqwest::blocking::Client::builder()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap();
    assert!(untrusting
        .get(format!("{}/v1/sys/leader", server.url))
        .send()
        .is_err());
    // Plain HTTP to the TLS port: Go's answer.
    let mut c = TcpStream::connect(&server.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    c.write_all(b"GET /v1/sys/leader HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf);
    assert_eq!(
        String::from_utf8_lossy(&buf),
        "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
    );
}

#[test]
fn bad_flags_and_a_busy_port() {
    let env = Env::new();
    let cases: [(&[&str], &str); 9] = [
        (
            &["server", "-tls-cert-file=c.pem"],
            "-tls-cert-file and -tls-key-file go together: give both (PEM files) to serve HTTPS, or neither to serve plain HTTP\n",
        ),
        (&["server", "-root-token-id="], "-root-token-id must not be empty\n"),
        (
            &["server", "-root-token-id=a b"],
            "-root-token-id must be visible ASCII characters with no spaces (it travels in the X-Vault-Token header); found ' '\n",
        ),
        (
            &["server", "-storage=postgresql://u:hunter2@h:5432"],
            "-storage: postgresql://u@h:5432 names no database; expected postgresql://USER@HOST:PORT/DB\n",
        ),
        (
            &["server", "-storage=mysql://x"],
            "-storage: expected sqlite:PATH or postgresql://USER@HOST:PORT/DB, found \"mysql://x\"\n",
        ),
        (
            &["server", "-state=s.db", "-storage=sqlite:t.db"],
            "give -state=PATH or -storage=URL, not both\n",
        ),
        (&["server", "extra"], "Too many arguments (expected 0, got 1)\n"),
        (
            &["server", "-http-read-header-timeout=soon"],
            "invalid value \"soon\" for flag -http-read-header-timeout: time: invalid duration \"soon\"\n",
        ),
        (
            &["server", "-http-read-header-timeout=0s"],
            "invalid value \"0s\" for flag -http-read-header-timeout: expected a duration above zero\n",
        ),
    ];
    for (args, err) in cases {
        let out = env.run(args);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (1, "", err),
            "{args:?}"
        );
    }
    let missing = env.run(&[
        "server",
        "-tls-cert-file=nope.pem",
        "-tls-key-file=nope.key",
    ]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .starts_with("error reading the TLS certificate file nope.pem: "),
        "{}",
        missing.stderr
    );
    // A port in use: exit 2, nothing printed on stdout.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = env.run(&["server", &format!("-listen-address={addr}")]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");
    assert!(
        out.stderr
            .starts_with(&format!("error listening on {addr}: ")),
        "{}",
        out.stderr
    );
}

/// One request that a kill may cut: `None` when no whole answer came back.
fn call_until_killed(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> Option<Resp> {
    let raw = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Vault-Token: {token}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut c = TcpStream::connect(addr).ok()?;
    let _ = c.set_read_timeout(Some(Duration::from_secs(60)));
    c.write_all(raw.as_bytes()).ok()?;
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf);
    if buf.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&buf);
    assert!(!text.to_lowercase().contains("locked"), "{text}");
    let r = parse(&buf);
    // An answer cut short by the kill is no answer.
    let whole = match r.header("Content-Length") {
        Some(n) => r.body.len() == n.parse::<usize>().unwrap(),
        None => r.status == 204,
    };
    whole.then_some(r)
}

/// What the mixed load of the crash test asks, and how to see after the restart that an
/// answered request is kept.
#[derive(Clone, Debug)]
enum Sent {
    Login(String),
    Kv(usize),
    Role(usize),
}

#[test]
fn sigkill_during_64_concurrent_logins_loses_no_answered_login() {
    let fx = Fx::new();
    fx.run(&["write", "sys/mounts/secret", "type=kv-v2"]).ok();
    let mut server = Server::start(&fx.env, &["-root-token-id=root"], "kill");
    let answered: Arc<Mutex<Vec<Sent>>> = Arc::new(Mutex::new(Vec::new()));
    let logins = answered.clone();
    let count_logins = move || {
        logins
            .lock()
            .unwrap()
            .iter()
            .filter(|s| matches!(s, Sent::Login(_)))
            .count()
    };
    // 64 logins, and beside them KV writes and role writes, all at once.
    let threads: Vec<_> = (0..96)
        .map(|i| {
            let addr = server.addr.clone();
            let jwt = fx.jwt(&format!("crash-{i}"), json!([]));
            let answered = answered.clone();
            std::thread::spawn(move || {
                // Interleaved: two logins, then a KV write or a role write.
                let (path, body) = match i % 6 {
                    0 | 1 | 3 | 4 => (
                        "/v1/auth/jwt/login".to_string(),
                        json!({"role": "r", "jwt": jwt}),
                    ),
                    2 => (format!("/v1/secret/data/k{i}"), json!({"data": {"v": i}})),
                    _ => (
                        format!("/v1/auth/jwt/role/m{i}"),
                        json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a"}),
                    ),
                };
                // A connection cut by the kill is a request that was never answered.
                let Some(r) = call_until_killed(&addr, "POST", &path, "root", &body.to_string())
                else {
                    return;
                };
                let sent = match i % 6 {
                    0 | 1 | 3 | 4 if r.status == 200 => Sent::Login(
                        r.json()["auth"]["client_token"]
                            .as_str()
                            .unwrap()
                            .to_string(),
                    ),
                    2 if r.status == 200 => Sent::Kv(i),
                    5 if r.status == 204 => Sent::Role(i),
                    _ => panic!("request {i} answered {r:?}"),
                };
                answered.lock().unwrap().push(sent);
            })
        })
        .collect();
    // Kill it while logins are being answered.
    let deadline = Instant::now() + Duration::from_secs(60);
    while count_logins() < 8 {
        assert!(Instant::now() < deadline, "no login answered");
        std::thread::sleep(Duration::from_millis(1));
    }
    server.signal(libc::SIGKILL);
    assert_eq!(server.wait(), -1);
    for t in threads {
        t.join().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    eprintln!(
        "SIGKILL test: {} of 64 logins and {} of 32 writes answered before the kill",
        count_logins(),
        answered.len() - count_logins()
    );
    // The state is sound, and every answered request is there.
    let store = jwtvault::store::Store::open(&fx.env.state(), &|_| Ok(())).expect("state opens");
    assert_eq!(store.integrity_check().unwrap(), "ok");
    drop(store);
    let restarted = Server::start(&fx.env, &[], "after-kill");
    for sent in &answered {
        match sent {
            Sent::Login(t) => {
                let look = fx.run(&["token", "lookup", "-format=json", t]);
                look.ok();
                assert_eq!(look.json()["data"]["path"], "auth/jwt/login");
                // And the restarted server takes it (no ACL there: a live token is enough).
                assert_eq!(
                    restarted
                        .get("/v1/sys/internal/ui/mounts/auth/token", &token_header(t))
                        .status,
                    200
                );
            }
            Sent::Kv(i) => {
                let r = restarted.get(&format!("/v1/secret/data/k{i}"), &token_header("root"));
                assert_eq!(r.status, 200, "{r:?}");
                assert_eq!(r.json()["data"]["data"], json!({"v": i}));
            }
            Sent::Role(i) => {
                let r = restarted.get(&format!("/v1/auth/jwt/role/m{i}"), &token_header("root"));
                assert_eq!(r.status, 200, "{r:?}");
                assert_eq!(r.json()["data"]["bound_audiences"], json!(["a"]));
            }
        }
    }
    // The restarted server logs in again.
    let jwt = fx.jwt("after", json!([]));
    let r = restarted.call(
        "POST",
        "/v1/auth/jwt/login",
        &[],
        &json!({"role": "r", "jwt": jwt}).to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// KV version 2 over HTTP (contract §9; kv.md §3, §4, §5; wire.md §6.6, §6.8): what the `bao`
// CLI's `kv` commands and hvac's `secrets.kv.v2` rely on. Each test enables a mount of its own
// on the shared server.
// ---------------------------------------------------------------------------------------------

/// Enables a KV version 2 mount at `path/` over HTTP, as `bao secrets enable -path=P kv-v2`.
fn enable_kv(s: &Shared, path: &str, description: &str) {
    s.server
        .call(
            "POST",
            &format!("/v1/sys/mounts/{path}"),
            &s.root(),
            &json!({"type": "kv-v2", "description": description}).to_string(),
        )
        .expect(204, "");
}

/// A token with the policy `name` (written over HTTP with `rules`) and `default`.
fn token_with_policy(s: &Shared, name: &str, rules: &str) -> String {
    s.server
        .call(
            "PUT",
            &format!("/v1/sys/policies/acl/{name}"),
            &s.root(),
            &json!({ "policy": rules }).to_string(),
        )
        .expect(204, "");
    let r = s.server.call(
        "POST",
        "/v1/auth/token/create",
        &s.root(),
        &json!({ "policies": [name] }).to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    r.json()["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string()
}

fn preflight_refused(path: &str) -> String {
    format!(
        "{{\"errors\":[\"preflight capability check returned 403, please ensure client's \
         policies grant access to path \\\"{path}\\\"\"]}}\n"
    )
}

#[test]
fn the_preflight_answers_a_kv_mount_with_its_entry_and_version_2() {
    let s = shared();
    enable_kv(s, "kvpf", "key/value secret storage");
    for path in ["kvpf/foo", "kvpf", "kvpf/", "kvpf/app/db"] {
        let r = s
            .server
            .get(&format!("/v1/sys/internal/ui/mounts/{path}"), &s.root());
        assert_eq!(r.status, 200, "{r:?}");
        // The envelope, not injected, one line ending in a newline (kv.md §4.1).
        assert!(r.body.starts_with("{\"request_id\":\""), "{}", r.body);
        assert!(
            r.body
                .ends_with("},\"wrap_info\":null,\"warnings\":null,\"auth\":null}\n"),
            "{}",
            r.body
        );
        let data = r.json()["data"].clone();
        let keys: Vec<&str> = data
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "accessor",
                "config",
                "deprecation_status",
                "description",
                "external_entropy_access",
                "local",
                "options",
                "path",
                "plugin_version",
                "running_plugin_version",
                "running_sha256",
                "seal_wrap",
                "type",
                "uuid"
            ]
        );
        assert_eq!(data["path"], "kvpf/", "{path}");
        assert_eq!(data["type"], "kv");
        assert_eq!(data["options"], json!({"version": "2"}));
        assert_eq!(data["description"], "key/value secret storage");
        assert_eq!(
            data["config"],
            json!({"default_lease_ttl": 0, "force_no_cache": false, "max_lease_ttl": 0})
        );
        // The same mount as `sys/mounts` shows.
        let m = s.server.get("/v1/sys/mounts/kvpf", &s.root()).json();
        assert_eq!(data["accessor"], m["data"]["accessor"]);
        assert_eq!(data["uuid"], m["data"]["uuid"]);
    }
    // Per mount (kv.md §5.2): read on kvpf/data/app/* opens every path of kvpf/.
    let app = token_with_policy(
        s,
        "kvpf-app",
        "path \"kvpf/data/app/*\" { capabilities = [\"read\"] }",
    );
    for path in ["kvpf", "kvpf/other/x", "kvpf/app/db"] {
        let r = s.server.get(
            &format!("/v1/sys/internal/ui/mounts/{path}"),
            &token_header(&app),
        );
        assert_eq!(
            (r.status, &r.json()["data"]["path"]),
            (200, &json!("kvpf/")),
            "{r:?}"
        );
    }
    // Nothing under the mount, no such mount (even for root), no token.
    s.server
        .get(
            "/v1/sys/internal/ui/mounts/kvpf/foo",
            &token_header(&s.default_token),
        )
        .expect(403, &preflight_refused("kvpf/foo/"));
    s.server
        .get("/v1/sys/internal/ui/mounts/kvpfx/foo", &s.root())
        .expect(403, &preflight_refused("kvpfx/foo/"));
    s.server
        .get("/v1/sys/internal/ui/mounts/kvpf/foo", &[])
        .expect(403, "{\"errors\":[\"permission denied\"]}\n");
    // The system mounts answer as in OpenBao.
    let r = s
        .server
        .get("/v1/sys/internal/ui/mounts/sys/foo", &s.root());
    assert_eq!(
        (
            r.status,
            &r.json()["data"]["path"],
            &r.json()["data"]["type"]
        ),
        (200, &json!("sys/"), &json!("system"))
    );
}

#[test]
fn kv_v2_data_paths_on_the_wire() {
    let s = shared();
    let root = s.root();
    enable_kv(s, "kvw", "");
    let v = |r: &Resp| r.json()["data"]["version"].clone();
    // POST and PUT write (hvac posts; the CLI puts).
    let r = s
        .server
        .call("POST", "/v1/kvw/data/a", &root, r#"{"data":{"k":"v"}}"#);
    assert_eq!((r.status, v(&r)), (200, json!(1)), "{r:?}");
    assert!(r.body.ends_with("\"auth\":null}\n"), "{}", r.body);
    let r = s.server.call(
        "PUT",
        "/v1/kvw/data/a",
        &root,
        r#"{"data":{"k":"v2"},"options":{"cas":1}}"#,
    );
    assert_eq!((r.status, v(&r)), (200, json!(2)), "{r:?}");
    s.server
        .call(
            "PUT",
            "/v1/kvw/data/a",
            &root,
            r#"{"data":{"k":"v3"},"options":{"cas":1}}"#,
        )
        .expect(
            400,
            "{\"errors\":[\"check-and-set parameter did not match the current version\"]}\n",
        );
    // PATCH needs the merge-patch content type (the CLI's `kv patch` sends it).
    let merge = [root[0], ("Content-Type", "application/merge-patch+json")];
    let r = s
        .server
        .call("PATCH", "/v1/kvw/data/a", &merge, r#"{"data":{"p":"1"}}"#);
    assert_eq!((r.status, v(&r)), (200, json!(3)), "{r:?}");
    let json_ct = [root[0], ("Content-Type", "application/json")];
    s.server
        .call("PATCH", "/v1/kvw/data/a", &json_ct, r#"{"data":{"p":"2"}}"#)
        .expect(
            415,
            "{\"errors\":[\"PATCH requires Content-Type of application/merge-patch+json, \
             provided application/json\"]}\n",
        );
    s.server
        .call(
            "PATCH",
            "/v1/kvw/data/never",
            &merge,
            r#"{"data":{"p":"1"}}"#,
        )
        .expect(404, "");
    let r = s.server.get("/v1/kvw/data/a", &root);
    assert_eq!(
        r.json()["data"]["data"],
        json!({"k": "v2", "p": "1"}),
        "{r:?}"
    );
    // Delete: 204; the deleted version is a 404 carrying the envelope, without a newline.
    s.server
        .call("DELETE", "/v1/kvw/data/a", &root, "")
        .expect(204, "");
    let r = s.server.get("/v1/kvw/data/a", &root);
    assert_eq!(r.status, 404, "{r:?}");
    assert!(r.body.starts_with("{\"request_id\":\""), "{}", r.body);
    assert!(r.body.ends_with("\"auth\":null}"), "{:?}", r.body);
    let d = &r.json()["data"];
    assert_eq!(
        (&d["data"], &d["metadata"]["version"]),
        (&Value::Null, &json!(3))
    );
    assert_ne!(d["metadata"]["deletion_time"], "");
    let r = s.server.get("/v1/kvw/data/a?version=1", &root);
    assert_eq!(
        (r.status, &r.json()["data"]["data"]),
        (200, &json!({"k": "v"}))
    );
    s.server
        .call("PUT", "/v1/kvw/undelete/a", &root, r#"{"versions":[3]}"#)
        .expect(204, "");
    s.server
        .call("PUT", "/v1/kvw/destroy/a", &root, r#"{"versions":[1]}"#)
        .expect(204, "");
    assert_eq!(s.server.get("/v1/kvw/data/a", &root).status, 200);
    let r = s.server.get("/v1/kvw/data/a?version=1", &root);
    assert_eq!(
        (r.status, &r.json()["data"]["metadata"]["destroyed"]),
        (404, &json!(true))
    );
    assert!(r.body.ends_with("\"auth\":null}"), "{:?}", r.body);
    // Never written: the plain 404.
    s.server
        .get("/v1/kvw/data/never", &root)
        .expect(404, "{\"errors\":[]}\n");
    // The mount without `data/`: 404 with Vault's warning, without a newline.
    let r = s.server.get("/v1/kvw/a", &root);
    assert_eq!(r.status, 404, "{r:?}");
    assert_eq!(
        r.json()["warnings"],
        json!([
            "Invalid path for a versioned K/V secrets engine. See the API docs for the \
                appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' \
                for this operation."
        ])
    );
    assert!(r.body.ends_with("\"auth\":null}"), "{:?}", r.body);
}

#[test]
fn kv_v2_lists_and_metadata_on_the_wire() {
    let s = shared();
    let root = s.root();
    enable_kv(s, "kvl", "");
    for key in ["a", "dir/b", "dir/c"] {
        let r = s.server.call(
            "POST",
            &format!("/v1/kvl/data/{key}"),
            &root,
            r#"{"data":{"x":"1"}}"#,
        );
        assert_eq!(r.status, 200, "{r:?}");
    }
    let keys = |r: Resp| {
        assert_eq!(r.status, 200, "{r:?}");
        assert!(r.body.ends_with("\"auth\":null}\n"), "{}", r.body);
        r.json()["data"]["keys"].clone()
    };
    // LIST (hvac), `GET ?list=true` (the CLI), with and without a trailing slash.
    for (m, p) in [
        ("LIST", "/v1/kvl/metadata"),
        ("LIST", "/v1/kvl/metadata/"),
        ("GET", "/v1/kvl/metadata?list=true"),
        ("GET", "/v1/kvl/metadata/?list=true"),
    ] {
        assert_eq!(
            keys(s.server.call(m, p, &root, "")),
            json!(["a", "dir/"]),
            "{m} {p}"
        );
    }
    assert_eq!(
        keys(s.server.call("LIST", "/v1/kvl/metadata/dir", &root, "")),
        json!(["b", "c"])
    );
    s.server
        .call("LIST", "/v1/kvl/metadata/nothing", &root, "")
        .expect(404, "{\"errors\":[]}\n");
    let r = s.server.get("/v1/kvl/metadata/dir/b", &root);
    assert_eq!(
        (
            r.status,
            &r.json()["data"]["current_version"],
            &r.json()["data"]["delete_version_after"]
        ),
        (200, &json!(1), &json!("0s")),
        "{r:?}"
    );
    // hvac's update_metadata always sends delete_version_after.
    s.server
        .call(
            "POST",
            "/v1/kvl/metadata/dir/b",
            &root,
            r#"{"max_versions":5,"custom_metadata":{"o":"x"},"delete_version_after":"0s"}"#,
        )
        .expect(204, "");
    let d = s.server.get("/v1/kvl/metadata/dir/b", &root).json()["data"].clone();
    assert_eq!(
        (&d["max_versions"], &d["custom_metadata"]),
        (&json!(5), &json!({"o": "x"}))
    );
    s.server
        .call("DELETE", "/v1/kvl/metadata/dir/b", &root, "")
        .expect(204, "");
    s.server
        .get("/v1/kvl/metadata/dir/b", &root)
        .expect(404, "{\"errors\":[]}\n");
    assert_eq!(
        keys(s.server.call("LIST", "/v1/kvl/metadata/dir", &root, "")),
        json!(["c"])
    );
}

#[test]
fn a_read_only_token_reads_its_folder_and_nothing_else() {
    // The issue's story (kv.md §5.1): read on kvr/data/app/* only.
    let s = shared();
    enable_kv(s, "kvr", "");
    let r = s.server.call(
        "POST",
        "/v1/kvr/data/app/db",
        &s.root(),
        r#"{"data":{"user":"x"}}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let app = token_with_policy(
        s,
        "kvr-app",
        "path \"kvr/data/app/*\" { capabilities = [\"read\"] }",
    );
    let t = token_header(&app);
    let r = s.server.get("/v1/kvr/data/app/db", &t);
    assert_eq!(
        (r.status, &r.json()["data"]["data"]),
        (200, &json!({"user": "x"})),
        "{r:?}"
    );
    let denied = |r: Resp| {
        assert_eq!(r.status, 403, "{r:?}");
        assert_eq!(
            r.json()["errors"],
            json!(["1 error occurred:\n\t* permission denied\n\n"])
        );
    };
    denied(
        s.server
            .call("PUT", "/v1/kvr/data/app/db", &t, r#"{"data":{"user":"y"}}"#),
    );
    denied(s.server.call(
        "POST",
        "/v1/kvr/data/app/new",
        &t,
        r#"{"data":{"user":"y"}}"#,
    ));
    denied(s.server.get("/v1/kvr/data/other/x", &t));
    denied(s.server.call("LIST", "/v1/kvr/metadata/app", &t, ""));
    denied(s.server.get("/v1/kvr/metadata/app/db", &t));
    denied(s.server.call("DELETE", "/v1/kvr/data/app/db", &t, ""));
    // Nothing was written.
    let r = s.server.get("/v1/kvr/data/app/db", &s.root());
    assert_eq!(r.json()["data"]["metadata"]["version"], json!(1));
}

#[test]
fn mixed_requests_at_once_are_all_answered_and_all_kept() {
    let fx = Fx::new();
    fx.run(&["write", "sys/mounts/secret", "type=kv-v2"]).ok();
    let server = Server::start(&fx.env, &["-root-token-id=root"], "mixed");
    let root = token_header("root");
    let login = |sub: &str| {
        let r = server.call(
            "POST",
            "/v1/auth/jwt/login",
            &[],
            &json!({"role": "r", "jwt": fx.jwt(sub, json!([]))}).to_string(),
        );
        assert_eq!(r.status, 200, "{r:?}");
        r.json()["auth"]["client_token"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let doomed: Vec<String> = (0..16).map(|i| login(&format!("doomed-{i}"))).collect();
    // 32 logins, 16 role writes, 16 revocations and 16 KV writes, all at once.
    let threads: Vec<_> = (0..80)
        .map(|i| {
            let addr = server.addr.clone();
            let (path, body) = match i {
                0..32 => (
                    "/v1/auth/jwt/login".to_string(),
                    json!({"role": "r", "jwt": fx.jwt(&format!("mixed-{i}"), json!([]))}),
                ),
                32..48 => (
                    format!("/v1/auth/jwt/role/m{i}"),
                    json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a"}),
                ),
                48..64 => (
                    "/v1/auth/token/revoke".to_string(),
                    json!({"token": doomed[i - 48]}),
                ),
                _ => (format!("/v1/secret/data/k{i}"), json!({"data": {"v": i}})),
            };
            std::thread::spawn(move || {
                call(
                    &addr,
                    "POST",
                    &path,
                    &token_header("root"),
                    &body.to_string(),
                )
            })
        })
        .collect();
    let answers: Vec<Resp> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    for (i, r) in answers.iter().enumerate() {
        match i {
            0..32 => {
                assert_eq!(r.status, 200, "{r:?}");
                let t = r.json()["auth"]["client_token"]
                    .as_str()
                    .unwrap()
                    .to_string();
                let look = server.get("/v1/auth/token/lookup-self", &token_header(&t));
                assert_eq!(look.json()["data"]["path"], "auth/jwt/login", "{look:?}");
            }
            32..48 => {
                r.expect(204, "");
                let role = server.get(&format!("/v1/auth/jwt/role/m{i}"), &root);
                assert_eq!(role.json()["data"]["bound_audiences"], json!(["a"]));
            }
            48..64 => {
                r.expect(204, "");
                let look = server.get("/v1/auth/token/lookup-self", &token_header(&doomed[i - 48]));
                assert_eq!(look.status, 403, "{look:?}");
                assert_eq!(look.json()["errors"], json!(["permission denied"]));
            }
            _ => {
                assert_eq!(r.status, 200, "{r:?}");
                assert_eq!(r.json()["data"]["version"], 1, "{r:?}");
                let kv = server.get(&format!("/v1/secret/data/k{i}"), &root);
                assert_eq!(kv.json()["data"]["data"], json!({"v": i}), "{kv:?}");
            }
        }
    }
}

#[test]
fn a_wrong_seal_key_is_a_500_with_the_reason_and_no_secret_is_logged() {
    let env = Env::new();
    let right = env.path("right.key");
    let wrong = env.path("wrong.key");
    std::fs::write(&wrong, "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=\n").unwrap();
    let root = [("X-Vault-Token", "root")];
    let secret_value = "pa55-the-value-9f3k";
    let mut server = Server::start(
        &env,
        &[
            "-root-token-id=root",
            &format!("-seal-key-file={}", right.display()),
        ],
        "seal-right",
    );
    server
        .call(
            "POST",
            "/v1/sys/mounts/secret",
            &root,
            &json!({"type": "kv-v2"}).to_string(),
        )
        .expect(204, "");
    let put = server.call(
        "PUT",
        "/v1/secret/data/app/db",
        &root,
        &json!({"data": {"password": secret_value}}).to_string(),
    );
    assert_eq!(put.status, 200, "{put:?}");
    server.signal(libc::SIGTERM);
    assert_eq!(server.wait(), 0);
    let right_key = std::fs::read_to_string(&right).expect("the key was created");
    let mut log = server.log();

    // The same state served with another key: every sealed value is a 500 that says why.
    let mut server = Server::start(
        &env,
        &[
            "-root-token-id=root",
            &format!("-seal-key-file={}", wrong.display()),
        ],
        "seal-wrong",
    );
    let reason = format!(
        "the seal key in {} does not open this state's secrets (they were sealed with another \
         key): point -seal-key-file or JWTVAULT_SEAL_KEY_FILE at the key this state was first \
         used with",
        wrong.display()
    );
    let body = json!({ "errors": [reason] }).to_string() + "\n";
    let read = server.get("/v1/secret/data/app/db", &root);
    assert_eq!(
        (read.status, read.body.as_str()),
        (500, body.as_str()),
        "{read:?}"
    );
    let write = server.call(
        "PUT",
        "/v1/secret/data/app/db",
        &root,
        &json!({"data": {"password": "other"}}).to_string(),
    );
    assert_eq!(
        (write.status, write.body.as_str()),
        (500, body.as_str()),
        "{write:?}"
    );
    server.signal(libc::SIGTERM);
    assert_eq!(server.wait(), 0);
    log.push_str(&server.log());

    // Neither key nor the value is in either log; the right key still opens the value.
    assert!(log.contains("/v1/secret/data/app/db"), "{log}");
    for needle in [right_key.trim(), "ABEiM0RVZneImaq7zN3u", secret_value] {
        assert!(!log.contains(needle), "{needle} in the log:\n{log}");
    }
    let server = Server::start(
        &env,
        &[
            "-root-token-id=root",
            &format!("-seal-key-file={}", right.display()),
        ],
        "seal-again",
    );
    let read = server.get("/v1/secret/data/app/db", &root);
    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!(read.json()["data"]["data"]["password"], secret_value);
}
