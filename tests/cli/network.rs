//! Keys over the network (issue 4; contract §4–§5; vault-jwt-reference §2.3, §4.8.1, §6):
//! config-time fetches and their messages, logins that read keys only from the state file, the
//! one refetch (spaced 10 s per URL across processes), `-offline`, `jwks_pairs`, the `jwks`
//! paths, and the walkthrough against a loopback discovery server.
//!
//! Every server here is a real loopback HTTP(S) server started by the test ([`Issuer`]); it
//! counts requests per path so that "exactly one refetch" and "no request at all" are asserted on
//! the server's side. Every network wait is bounded: connection-refused fails at once, the one
//! stalled server is cut off by the fetcher's 15 s request timeout, and the server itself never
//! holds a connection longer than 30 s.
//!
//! OpenBao 2.x printed, for the config-time failures asserted here (the `Hint:` lines are
//! jwtvault's own):
//! * discovery issuer mismatch: `error checking oidc discovery URL: issuer did not match the
//!   returned issuer, expected "<cfg>" got "<doc>"`;
//! * discovery 404: `error checking oidc discovery URL: 404 Not Found: <body>`;
//! * discovery refused: `error checking oidc discovery URL: Get "<url>": dial tcp <addr>:
//!   connect: connection refused`;
//! * any `jwks_url` failure (404, refused, unparsable key, not JSON, too many redirects):
//!   `error checking jwks URL`;
//! * a failed fetch at login: `error validating token: error verifying token signature: fetching
//!   keys oidc: get keys failed Get "<url>": dial tcp <addr>: connect: connection refused` and
//!   `… fetching keys oidc: get keys failed: 404 Not Found <body>`.
//!
//! OpenBao differs (jwtvault follows the contract): it refuses the full
//! `/.well-known/openid-configuration` URL (`'oidc_discovery_url' contains '.well-known'
//! component`), has no `jwks_pairs`, reads bodies of any size (2 MiB accepted) and follows up to
//! 10 redirects.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{now, wait_out, walkthrough_claims, Alg, Env, Key, Out};

// ------------------------------------------------------------------------------------------
// A loopback issuer
// ------------------------------------------------------------------------------------------

/// What a path answers.
#[derive(Clone, Debug)]
enum Reply {
    /// 200 with this JSON document.
    Json(String),
    /// This status and a `text/plain` body.
    Status(u16, String),
    /// 302 to this location.
    Redirect(String),
    /// 200 with this many bytes of JSON-ish filler (for the body cap).
    Big(usize),
    /// Reads the request and never answers (until the server stops, at most 30 s).
    Stall,
    /// 200 with this JSON document once [`Issuer::release`] was called (or at once after it);
    /// until then the request is held (at most 30 s). Lets a test act while a command is
    /// known to be waiting on the network.
    Held(String),
}

struct Shared {
    routes: Mutex<HashMap<String, Reply>>,
    hits: Mutex<HashMap<String, usize>>,
    stop: AtomicBool,
    released: AtomicBool,
    tls: Option<Arc<rustls::ServerConfig>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// A small threaded HTTP/1.1 server on 127.0.0.1:<free port>: routes can change at runtime,
/// requests are counted per path, unknown paths get a 404, and [`Issuer::stop`] closes the port
/// (later connections are refused). Stopped and joined on drop.
pub(crate) struct Issuer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl Issuer {
    pub(crate) fn http() -> Issuer {
        Issuer::start(None)
    }

    fn https(pki: &Pki) -> Issuer {
        Issuer::start(Some(Arc::clone(&pki.server_config)))
    }

    fn start(tls: Option<Arc<rustls::ServerConfig>>) -> Issuer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared {
            routes: Mutex::new(HashMap::new()),
            hits: Mutex::new(HashMap::new()),
            stop: AtomicBool::new(false),
            released: AtomicBool::new(false),
            tls,
            workers: Mutex::new(Vec::new()),
        });
        let s = Arc::clone(&shared);
        let acceptor = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let s2 = Arc::clone(&s);
                let worker = std::thread::spawn(move || serve(&s2, stream));
                s.workers.lock().unwrap().push(worker);
            }
            // The listener is dropped here: the port refuses connections from now on.
        });
        Issuer {
            addr,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT` (or https), no trailing slash.
    fn base(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    fn route(&self, path: &str, reply: Reply) {
        self.shared
            .routes
            .lock()
            .unwrap()
            .insert(path.to_string(), reply);
    }

    pub(crate) fn json(&self, path: &str, doc: &Value) {
        self.route(path, Reply::Json(doc.to_string()));
    }

    /// Serves a discovery document at `<prefix>/.well-known/openid-configuration` naming
    /// `issuer` and `<base><jwks_path>`.
    fn discovery(&self, prefix: &str, issuer: &str, jwks_path: &str) {
        self.json(
            &format!("{prefix}/.well-known/openid-configuration"),
            &json!({
                "issuer": issuer,
                "jwks_uri": self.url(jwks_path),
                "authorization_endpoint": self.url("/authorize"),
                "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            }),
        );
    }

    pub(crate) fn hits(&self, path: &str) -> usize {
        self.shared
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    fn total_hits(&self) -> usize {
        self.shared.hits.lock().unwrap().values().sum()
    }

    /// Answers every held request ([`Reply::Held`]), now and from now on.
    fn release(&self) {
        self.shared.released.store(true, Ordering::SeqCst);
    }

    /// Waits (at most 30 s) until `path` has been asked for `n` times.
    #[track_caller]
    fn wait_hits(&self, path: &str, n: usize) {
        let start = Instant::now();
        while self.hits(path) < n {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{path} was asked for {} times, not {n}",
                self.hits(path)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the port and ends every connection; later connections are refused.
    fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so that the acceptor sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
        let workers = std::mem::take(&mut *self.shared.workers.lock().unwrap());
        for w in workers {
            let _ = w.join();
        }
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(shared: &Shared, tcp: TcpStream) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(5)));
    match &shared.tls {
        Some(cfg) => {
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(cfg)) else {
                return;
            };
            serve_stream(shared, rustls::StreamOwned::new(conn, tcp));
        }
        None => serve_stream(shared, tcp),
    }
}

fn response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn serve_stream(shared: &Shared, mut stream: impl Read + Write) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&head);
    let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
    *shared
        .hits
        .lock()
        .unwrap()
        .entry(target.clone())
        .or_insert(0) += 1;
    let reply = shared.routes.lock().unwrap().get(&target).cloned();
    let bytes = match reply {
        Some(Reply::Json(doc)) => response("200 OK", "application/json", doc.as_bytes()),
        Some(Reply::Status(code, body)) => {
            let reason = match code {
                404 => "Not Found",
                500 => "Internal Server Error",
                503 => "Service Unavailable",
                _ => "Whatever",
            };
            response(&format!("{code} {reason}"), "text/plain", body.as_bytes())
        }
        Some(Reply::Redirect(location)) => format!(
            "HTTP/1.1 302 Found\r\nConnection: close\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
        )
        .into_bytes(),
        Some(Reply::Big(n)) => {
            let mut body = br#"{"keys":[],"pad":""#.to_vec();
            body.resize(n - 2, b'x');
            body.extend_from_slice(b"\"}");
            response("200 OK", "application/json", &body)
        }
        Some(Reply::Held(doc)) => {
            let start = Instant::now();
            while !shared.released.load(Ordering::SeqCst)
                && !shared.stop.load(Ordering::SeqCst)
                && start.elapsed() < Duration::from_secs(30)
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            response("200 OK", "application/json", doc.as_bytes())
        }
        Some(Reply::Stall) => {
            let start = Instant::now();
            while !shared.stop.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(30)
            {
                std::thread::sleep(Duration::from_millis(50));
            }
            return;
        }
        None => response("404 Not Found", "text/plain", b"no such thing"),
    };
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
}

/// A CA and a server certificate for 127.0.0.1 that it signed (rcgen), as a rustls config.
struct Pki {
    ca_pem: String,
    server_config: Arc<rustls::ServerConfig>,
}

fn pki(name: &str) -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer as CaIssuer, KeyPair};
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, name);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = CaIssuer::new(ca, ca_key);
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, format!("{name} server"));
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf_cert.der().clone()], key)
        .unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(server_config),
    }
}

// ------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------

const WELL_KNOWN: &str = "/.well-known/openid-configuration";

/// One JWKS holding these keys under these kids.
pub(crate) fn jwks(keys: &[(&Key, &str)]) -> Value {
    let all: Vec<Value> = keys
        .iter()
        .map(|(k, kid)| k.jwks(Some(kid))["keys"][0].clone())
        .collect();
    json!({ "keys": all })
}

/// Claims for the test role `r` (aud `a`, user claim `sub`).
fn claims(sub: &str) -> Value {
    let t = now();
    json!({"sub": sub, "aud": "a", "iat": t, "exp": t + 600})
}

fn enable(env: &Env) {
    env.run(&["auth", "enable", "jwt"]).ok();
}

fn role(env: &Env) {
    env.run(&[
        "write",
        "auth/jwt/role/r",
        "role_type=jwt",
        "user_claim=sub",
        "bound_audiences=a",
    ])
    .ok();
}

/// `write [flags] auth/jwt/login role=r jwt=TOKEN`.
fn login(env: &Env, flags: &[&str], token: &str) -> Out {
    let jwt = format!("jwt={token}");
    let mut args = vec!["write"];
    args.extend_from_slice(flags);
    args.extend_from_slice(&["auth/jwt/login", "role=r", &jwt]);
    env.run(&args)
}

/// The stderr of a failed API call, as contract §6 prints it.
fn api_error(path: &str, message: &str, hints: &[&str]) -> String {
    let mut out = format!("Error writing data to {path}: Code: 400. Errors:\n\n* {message}\n");
    for (i, h) in hints.iter().enumerate() {
        if i == 0 {
            out.push('\n');
        }
        out.push_str(if i == 0 { "Hint: " } else { "      " });
        out.push_str(h);
        out.push('\n');
    }
    out
}

#[track_caller]
fn assert_fails(out: &Out, stderr: &str) {
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (2, "", stderr),
        "stdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
}

/// A refused login: Vault's message exactly, then the `Hint:` block, which starts with the
/// verifier's own line about the token (another module's text, checked there) and ends with
/// these lines of the key cache's.
#[track_caller]
fn assert_login_fails(out: &Out, message: &str, cache_hints: &[&str]) {
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{}", out.stderr);
    let head = format!("{}\nHint: ", api_error("auth/jwt/login", message, &[]));
    assert!(
        out.stderr.starts_with(&head),
        "want {head:?}\ngot:\n{}",
        out.stderr
    );
    let tail: String = cache_hints.iter().map(|h| format!("\n      {h}")).collect();
    assert!(
        out.stderr.ends_with(&format!("{tail}\n")),
        "want the hint to end {tail:?}\ngot:\n{}",
        out.stderr
    );
}

/// `read -format=json auth/jwt/jwks`'s data.
fn cache(env: &Env) -> Value {
    env.run(&["read", "-format=json", "auth/jwt/jwks"])
        .ok()
        .json()["data"]
        .clone()
}

/// Sleeps until the refetch spacing (10 s) since `since` has passed, so that the next login may
/// fetch again. (A wait, not a timing assertion.)
fn wait_spacing(since: Instant) {
    let until = since + Duration::from_millis(10_500);
    let left = until.saturating_duration_since(Instant::now());
    std::thread::sleep(left);
}

const NO_KEY: &str =
    "error validating token: error verifying token signature: failed to verify id token signature";

// ------------------------------------------------------------------------------------------
// 1. Config writes: fetched, validated, stored
// ------------------------------------------------------------------------------------------

#[test]
fn discovery_config_in_both_forms_stores_discovery_and_jwks() {
    let issuer = Issuer::http();
    let key = Key::new(Alg::ES256);
    issuer.discovery("", &issuer.base(), "/keys");
    issuer.json("/keys", &jwks(&[(&key, "k1")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    for configured in [issuer.base(), issuer.url(WELL_KNOWN)] {
        let out = env.run(&[
            "write",
            "auth/jwt/config",
            &format!("oidc_discovery_url={configured}"),
        ]);
        out.ok();
        assert_eq!(out.stdout, "Success! Data written to: auth/jwt/config\n");
        let data = cache(&env);
        assert_eq!(data["discovery_url"], json!(issuer.url(WELL_KNOWN)));
        let sets = data["key_sets"].as_array().unwrap();
        assert_eq!(sets.len(), 1, "{data}");
        assert_eq!(sets[0]["url"], json!(issuer.url("/keys")));
        assert_eq!(sets[0]["key_ids"], json!(["k1"]));
        assert_eq!(sets[0]["key_types"], json!(["EC"]));
        assert_eq!(sets[0]["algorithms"], json!(["ES256"]));
        assert!(sets[0]["fetched_at"].as_str().unwrap().ends_with('Z'));
        assert!(data["discovery_fetched_at"]
            .as_str()
            .unwrap()
            .ends_with('Z'));
    }
    // Two config writes, each one discovery and one JWKS fetch; nothing else.
    assert_eq!(issuer.hits(WELL_KNOWN), 2);
    assert_eq!(issuer.hits("/keys"), 2);
    // The login then needs no request.
    login(&env, &[], &key.sign_kid(&claims("alice"), Some("k1"))).ok();
    assert_eq!(issuer.total_hits(), 4);
}

#[test]
fn discovery_issuer_must_match_byte_for_byte() {
    let issuer = Issuer::http();
    // The document says the issuer has a trailing slash; the configured URL has none.
    issuer.discovery("", &format!("{}/", issuer.base()), "/keys");
    issuer.json("/keys", &json!({"keys": []}));
    let env = Env::new();
    enable(&env);
    let out = env.run(&[
        "write",
        "auth/jwt/config",
        &format!("oidc_discovery_url={}", issuer.base()),
    ]);
    let (want, got) = (issuer.base(), format!("{}/", issuer.base()));
    assert_fails(
        &out,
        &api_error(
            "auth/jwt/config",
            &format!("error checking oidc discovery URL: issuer did not match the returned issuer, expected \"{want}\" got \"{got}\""),
            &[&format!("the discovery document's issuer is \"{got}\", expected \"{want}\" (compared byte for byte: a trailing slash matters)")],
        ),
    );
    // Nothing stored: no config, no cache.
    assert_eq!(env.run(&["read", "auth/jwt/config"]).code, 2);
    assert_eq!(env.run(&["read", "auth/jwt/jwks"]).code, 2);
    // With the slash it matches, and the full URL form accepts either.
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("oidc_discovery_url={}/", issuer.base()),
    ])
    .ok();
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("oidc_discovery_url={}", issuer.url(WELL_KNOWN)),
    ])
    .ok();
}

#[test]
fn discovery_failures_name_the_status_or_transport_error() {
    let mut issuer = Issuer::http();
    issuer.route(
        "/gone/.well-known/openid-configuration",
        Reply::Status(404, "no such issuer".into()),
    );
    let env = Env::new();
    enable(&env);
    let url = issuer.url("/gone");
    let doc = format!("{url}{WELL_KNOWN}");
    assert_fails(
        &env.run(&[
            "write",
            "auth/jwt/config",
            &format!("oidc_discovery_url={url}"),
        ]),
        &api_error(
            "auth/jwt/config",
            "error checking oidc discovery URL: 404 Not Found: no such issuer",
            &[&format!("GET {doc} returned HTTP 404 Not Found")],
        ),
    );
    assert_eq!(issuer.hits("/gone/.well-known/openid-configuration"), 1);
    let addr = issuer.addr;
    issuer.stop();
    let doc = format!("http://{addr}{WELL_KNOWN}");
    assert_fails(
        &env.run(&[
            "write",
            "auth/jwt/config",
            &format!("oidc_discovery_url=http://{addr}"),
        ]),
        &api_error(
            "auth/jwt/config",
            &format!("error checking oidc discovery URL: Get \"{doc}\": dial tcp {addr}: connect: connection refused"),
            &[&format!("GET {doc} failed: connection refused")],
        ),
    );
}

#[test]
fn jwks_url_empty_set_accepted_one_bad_key_refused() {
    let issuer = Issuer::http();
    let key = Key::new(Alg::RS256);
    issuer.json("/empty", &json!({"keys": []}));
    // One good key and one RSA key without "e": the whole document is refused (go-jose).
    let mut bad = jwks(&[(&key, "good")]);
    bad["keys"]
        .as_array_mut()
        .unwrap()
        .push(json!({"kty": "RSA", "kid": "bad", "n": "AQAB"}));
    issuer.json("/bad", &bad);
    issuer.route("/html", Reply::Status(200, "<html>".into()));
    issuer.route("/missing", Reply::Status(404, "nope".into()));
    let env = Env::new();
    enable(&env);
    let write = |url: String| env.run(&["write", "auth/jwt/config", &format!("jwks_url={url}")]);
    write(issuer.url("/empty")).ok();
    let data = cache(&env);
    assert_eq!(data["key_sets"][0]["url"], json!(issuer.url("/empty")));
    assert_eq!(data["key_sets"][0]["key_ids"], json!([]));
    let before = cache(&env);
    let cases = [
        (
            "/bad",
            "the JWKS does not parse: go-jose/go-jose: invalid RSA key, missing n/e values"
                .to_string(),
        ),
        (
            "/html",
            "the JWKS does not parse: expected value at line 1 column 1".to_string(),
        ),
        ("/missing", "returned HTTP 404 Not Found".to_string()),
    ];
    for (path, why) in cases {
        let url = issuer.url(path);
        let sep = if why.starts_with("returned") {
            " "
        } else {
            ": "
        };
        assert_fails(
            &write(url.clone()),
            &api_error(
                "auth/jwt/config",
                "error checking jwks URL",
                &[&format!("GET {url}{sep}{why}")],
            ),
        );
        // A refused write leaves the config and its cache as they were.
        assert_eq!(cache(&env), before, "{path}");
        assert_eq!(issuer.hits(path), 1);
    }
}

#[test]
fn jwks_pairs_fetch_every_pair_and_refuse_bound_issuer() {
    let a = Issuer::http();
    let b = Issuer::http();
    let ka = Key::new(Alg::RS256);
    let kb = Key::new(Alg::EdDSA);
    a.json("/keys", &jwks(&[(&ka, "a1")]));
    b.json("/keys", &jwks(&[(&kb, "b1")]));
    let env = Env::new();
    enable(&env);
    let body = json!({"jwks_pairs": [
        {"jwks_url": a.url("/keys")},
        {"jwks_url": b.url("/keys"), "jwks_ca_pem": ""},
    ]});
    env.run_stdin(&["write", "auth/jwt/config", "-"], &body.to_string())
        .ok();
    assert_eq!((a.hits("/keys"), b.hits("/keys")), (1, 1));
    let data = cache(&env);
    let urls: Vec<&Value> = data["key_sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["url"])
        .collect();
    assert_eq!(urls, [&json!(a.url("/keys")), &json!(b.url("/keys"))]);
    assert_eq!(data["key_sets"][1]["key_types"], json!(["OKP"]));
    // bound_issuer is refused with pairs, before any fetch.
    let mut with_issuer = body.clone();
    with_issuer["bound_issuer"] = json!("https://issuer");
    assert_fails(
        &env.run_stdin(&["write", "auth/jwt/config", "-"], &with_issuer.to_string()),
        &api_error(
            "auth/jwt/config",
            "Bound issuer is not supported for use with 'jwks_pairs'",
            &[],
        ),
    );
    // One failing pair refuses the whole write.
    let broken =
        json!({"jwks_pairs": [{"jwks_url": a.url("/keys")}, {"jwks_url": b.url("/nope")}]});
    assert_fails(
        &env.run_stdin(&["write", "auth/jwt/config", "-"], &broken.to_string()),
        &api_error(
            "auth/jwt/config",
            "error checking jwks URL",
            &[&format!(
                "GET {} returned HTTP 404 Not Found",
                b.url("/nope")
            )],
        ),
    );
    assert_eq!(cache(&env), data);
}

// ------------------------------------------------------------------------------------------
// 8. Transport: CA PEM, body cap, slow servers, redirects
// ------------------------------------------------------------------------------------------

#[test]
fn https_with_the_configured_ca_only() {
    let good = pki("jwtvault network test CA");
    let other = pki("some other CA");
    let issuer = Issuer::https(&good);
    let key = Key::new(Alg::PS256);
    issuer.discovery("", &issuer.base(), "/keys");
    issuer.json("/keys", &jwks(&[(&key, "k1")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    let ca = env.file("ca.pem", &good.ca_pem);
    let wrong = env.file("wrong.pem", &other.ca_pem);
    let discovery = |ca: &std::path::Path| {
        env.run(&[
            "write",
            "auth/jwt/config",
            &format!("oidc_discovery_url={}", issuer.base()),
            &format!("oidc_discovery_ca_pem=@{}", ca.display()),
        ])
    };
    discovery(&ca).ok();
    login(&env, &[], &key.sign_kid(&claims("alice"), Some("k1"))).ok();
    let doc = issuer.url(WELL_KNOWN);
    let unknown_ca =
        "tls: failed to verify certificate: x509: certificate signed by unknown authority";
    assert_fails(
        &discovery(&wrong),
        &api_error(
            "auth/jwt/config",
            &format!("error checking oidc discovery URL: Get \"{doc}\": {unknown_ca}"),
            &[&format!("GET {doc} failed: {unknown_ca}")],
        ),
    );
    // No CA PEM: the system's roots do not know the test CA either.
    assert_fails(
        &env.run(&[
            "write",
            "auth/jwt/config",
            &format!("oidc_discovery_url={}", issuer.base()),
        ]),
        &api_error(
            "auth/jwt/config",
            &format!("error checking oidc discovery URL: Get \"{doc}\": {unknown_ca}"),
            &[&format!("GET {doc} failed: {unknown_ca}")],
        ),
    );
    // jwks_url with its CA, and a pair with its CA.
    let keys = issuer.url("/keys");
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("jwks_url={keys}"),
        &format!("jwks_ca_pem=@{}", ca.display()),
    ])
    .ok();
    assert_fails(
        &env.run(&[
            "write",
            "auth/jwt/config",
            &format!("jwks_url={keys}"),
            &format!("jwks_ca_pem=@{}", wrong.display()),
        ]),
        &api_error(
            "auth/jwt/config",
            "error checking jwks URL",
            &[&format!("GET {keys} failed: {unknown_ca}")],
        ),
    );
    let pairs = json!({"jwks_pairs": [{"jwks_url": keys, "jwks_ca_pem": good.ca_pem}]});
    env.run_stdin(&["write", "auth/jwt/config", "-"], &pairs.to_string())
        .ok();
    login(&env, &[], &key.sign_kid(&claims("alice"), Some("k1"))).ok();
    let pairs = json!({"jwks_pairs": [{"jwks_url": keys, "jwks_ca_pem": other.ca_pem}]});
    assert_fails(
        &env.run_stdin(&["write", "auth/jwt/config", "-"], &pairs.to_string()),
        &api_error(
            "auth/jwt/config",
            "error checking jwks URL",
            &[&format!("GET {keys} failed: {unknown_ca}")],
        ),
    );
}

#[test]
fn oversize_bodies_and_long_redirect_chains_are_refused() {
    let issuer = Issuer::http();
    issuer.route("/big", Reply::Big(2 << 20));
    issuer.route("/fits", Reply::Big(1 << 20));
    for i in 1..=4 {
        issuer.route(&format!("/r{i}"), Reply::Redirect(format!("/r{}", i - 1)));
    }
    issuer.json("/r0", &json!({"keys": []}));
    let env = Env::new();
    enable(&env);
    let write = |path: &str| {
        env.run(&[
            "write",
            "auth/jwt/config",
            &format!("jwks_url={}", issuer.url(path)),
        ])
    };
    assert_fails(
        &write("/big"),
        &api_error(
            "auth/jwt/config",
            "error checking jwks URL",
            &[&format!(
                "GET {}: response larger than 1 MiB",
                issuer.url("/big")
            )],
        ),
    );
    // Exactly 1 MiB is within the cap.
    write("/fits").ok();
    // Three redirects are followed, the fourth is refused (r4 → r3 → r2 → r1 → r0).
    write("/r3").ok();
    assert_eq!(issuer.hits("/r0"), 1);
    assert_fails(
        &write("/r4"),
        &api_error(
            "auth/jwt/config",
            "error checking jwks URL",
            &[&format!("GET {}: more than 3 redirects", issuer.url("/r4"))],
        ),
    );
    assert_eq!(issuer.hits("/r0"), 1);
    assert_eq!(issuer.hits("/r1"), 2);
}

#[test]
fn a_stalled_issuer_is_cut_off_by_the_request_timeout() {
    let issuer = Issuer::http();
    issuer.route("/stall", Reply::Stall);
    let env = Env::new();
    enable(&env);
    let url = issuer.url("/stall");
    let started = Instant::now();
    let out = env.run(&["write", "auth/jwt/config", &format!("jwks_url={url}")]);
    assert_fails(
        &out,
        &api_error(
            "auth/jwt/config",
            "error checking jwks URL",
            &[&format!("GET {url} failed: timed out after 15s")],
        ),
    );
    // A bound, not a measurement: the 15 s timeout did end it (the server would stall 30 s).
    assert!(started.elapsed() < Duration::from_secs(29));
}

// ------------------------------------------------------------------------------------------
// 2, 5, 7. Logins read the state; a failed refetch is Vault's error and changes nothing
// ------------------------------------------------------------------------------------------

#[test]
fn issuer_down_cached_key_logs_in_unknown_kid_fails_fast() {
    let mut issuer = Issuer::http();
    let key = Key::new(Alg::RS256);
    issuer.json("/keys", &jwks(&[(&key, "k1")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("jwks_url={}", issuer.url("/keys")),
    ])
    .ok();
    // Taken after the config write finished: its recorded fetch time is earlier, so
    // waiting 10.5 s from here always clears the 10 s spacing, however slow the machine.
    let configured = Instant::now();
    let addr = issuer.addr;
    let url = issuer.url("/keys");
    issuer.stop();
    let before = cache(&env);
    // 2. The cached key still logs in with the issuer gone.
    login(&env, &[], &key.sign_kid(&claims("alice"), Some("k1"))).ok();
    // 5. An unknown kid asks for a refetch, which fails at once (connection refused).
    wait_spacing(configured);
    let stranger = Key::new(Alg::RS256);
    let out = login(&env, &[], &stranger.sign_kid(&claims("alice"), Some("k9")));
    assert_login_fails(
        &out,
        &format!("error validating token: error verifying token signature: fetching keys oidc: get keys failed Get \"{url}\": dial tcp {addr}: connect: connection refused"),
        &[&format!("refetch failed, key cache unchanged: GET {url} failed: connection refused")],
    );
    // 7. The failed fetch changed nothing.
    assert_eq!(cache(&env), before);
    login(&env, &[], &key.sign_kid(&claims("alice"), Some("k1"))).ok();
}

#[test]
fn failed_refetches_never_change_the_cache() {
    let issuer = Issuer::http();
    let key = Key::new(Alg::ES384);
    issuer.json("/a", &jwks(&[(&key, "k1")]));
    issuer.json("/b", &jwks(&[(&key, "k1")]));
    // Two environments, two URLs: each URL's spacing is its own.
    let (ea, eb) = (Env::new(), Env::new());
    for (env, path) in [(&ea, "/a"), (&eb, "/b")] {
        enable(env);
        role(env);
        env.run(&[
            "write",
            "auth/jwt/config",
            &format!("jwks_url={}", issuer.url(path)),
        ])
        .ok();
    }
    // Taken after the config write finished: its recorded fetch time is earlier, so
    // waiting 10.5 s from here always clears the 10 s spacing, however slow the machine.
    let configured = Instant::now();
    let (before_a, before_b) = (cache(&ea), cache(&eb));
    issuer.route("/a", Reply::Status(503, "try later".into()));
    let mut bad = jwks(&[(&key, "k2")]);
    bad["keys"]
        .as_array_mut()
        .unwrap()
        .push(json!({"kty": "EC", "kid": "x", "crv": "P-256"}));
    issuer.json("/b", &bad);
    // An explicit refresh that fails changes nothing either.
    let out = ea.run(&["write", "-f", "auth/jwt/jwks/refresh"]);
    assert_fails(
        &out,
        &api_error(
            "auth/jwt/jwks/refresh",
            &format!("error fetching keys from {}", issuer.url("/a")),
            &[&format!(
                "GET {} returned HTTP 503 Service Unavailable",
                issuer.url("/a")
            )],
        ),
    );
    assert_eq!(cache(&ea), before_a);
    wait_spacing(configured);
    let token = key.sign_kid(&claims("alice"), Some("k2"));
    assert_login_fails(
        &login(&ea, &[], &token),
        "error validating token: error verifying token signature: fetching keys oidc: get keys failed: 503 Service Unavailable try later",
        &[&format!("refetch failed, key cache unchanged: GET {} returned HTTP 503 Service Unavailable", issuer.url("/a"))],
    );
    let body = bad.to_string();
    assert_login_fails(
        &login(&eb, &[], &token),
        &format!("error validating token: error verifying token signature: fetching keys oidc: failed to decode keys: go-jose/go-jose: invalid EC key, missing x/y values {body}"),
        &[&format!("refetch failed, key cache unchanged: GET {}: the JWKS does not parse: go-jose/go-jose: invalid EC key, missing x/y values", issuer.url("/b"))],
    );
    assert_eq!((cache(&ea), cache(&eb)), (before_a, before_b));
}

// ------------------------------------------------------------------------------------------
// 3. Rotation: one refetch, then none
// ------------------------------------------------------------------------------------------

#[test]
fn key_rotation_needs_exactly_one_refetch() {
    let issuer = Issuer::http();
    let old = Key::new(Alg::RS256);
    let new = Key::new(Alg::ES256);
    issuer.discovery("", &issuer.base(), "/keys");
    issuer.json("/keys", &jwks(&[(&old, "old")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("oidc_discovery_url={}", issuer.base()),
    ])
    .ok();
    // Taken after the config write finished: its recorded fetch time is earlier, so
    // waiting 10.5 s from here always clears the 10 s spacing, however slow the machine.
    let configured = Instant::now();
    login(&env, &[], &old.sign_kid(&claims("alice"), Some("old"))).ok();
    assert_eq!((issuer.hits(WELL_KNOWN), issuer.hits("/keys")), (1, 1));
    // The issuer rotates: the old key is gone, a new kid appears.
    issuer.json("/keys", &jwks(&[(&new, "new")]));
    wait_spacing(configured);
    let token = new.sign_kid(&claims("alice"), Some("new"));
    login(&env, &[], &token).ok();
    // Exactly one refetch: the discovery document, then its JWKS.
    assert_eq!((issuer.hits(WELL_KNOWN), issuer.hits("/keys")), (2, 2));
    assert_eq!(cache(&env)["key_sets"][0]["key_ids"], json!(["new"]));
    login(&env, &[], &token).ok();
    assert_eq!(issuer.total_hits(), 4);
    // The retired key now asks for a refetch, which the spacing skips.
    let out = login(&env, &[], &old.sign_kid(&claims("alice"), Some("old")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out
        .stderr
        .starts_with(&api_error("auth/jwt/login", NO_KEY, &[])));
    assert!(
        out.stderr.contains(&format!(
            "refetch of {} skipped: it was fetched",
            issuer.url(WELL_KNOWN)
        )),
        "{}",
        out.stderr
    );
    assert_eq!(issuer.total_hits(), 4);
}

// ------------------------------------------------------------------------------------------
// 4. Refetch spacing under a flood of forged tokens
// ------------------------------------------------------------------------------------------

#[test]
fn forged_tokens_cause_at_most_one_fetch_per_ten_seconds() {
    let issuer = Issuer::http();
    let key = Key::new(Alg::ES256);
    issuer.json("/keys", &jwks(&[(&key, "k1")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("jwks_url={}", issuer.url("/keys")),
    ])
    .ok();
    // Taken after the config write finished: its recorded fetch time is earlier, so
    // waiting 10.5 s from here always clears the 10 s spacing, however slow the machine.
    let configured = Instant::now();
    assert_eq!(issuer.hits("/keys"), 1);
    wait_spacing(configured);
    let forger = Key::new(Alg::ES256);
    let start = Instant::now();
    let mut skipped = 0;
    for i in 0..100 {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "100 logins did not finish within 300 s (stopped at {i})"
        );
        let out = login(
            &env,
            &[],
            &forger.sign_kid(&claims("mallory"), Some(&format!("forged-{i}"))),
        );
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr
                .starts_with(&api_error("auth/jwt/login", NO_KEY, &[])),
            "{}",
            out.stderr
        );
        if out.stderr.contains(&format!(
            "refetch of {} skipped: it was fetched",
            issuer.url("/keys")
        )) {
            skipped += 1;
        }
    }
    let elapsed = start.elapsed().as_secs();
    let fetches = issuer.hits("/keys") - 1;
    // The first forged token fetched (the spacing since the config write had passed); then at
    // most one more per started 10 s window.
    assert!(fetches >= 1, "no refetch at all");
    assert!(
        fetches as u64 <= 1 + elapsed / 10,
        "{fetches} fetches in {elapsed} s"
    );
    assert_eq!(skipped + fetches, 100);
    // The good key still logs in, from the cache.
    login(&env, &[], &key.sign_kid(&claims("alice"), Some("k1"))).ok();
}

/// Many processes at once: the spacing is claimed in the write transaction, at the time read
/// there, so that a process whose clock read came earlier cannot pass the check again.
#[test]
fn concurrent_forged_logins_fetch_at_most_once() {
    let issuer = Issuer::http();
    let key = Key::new(Alg::ES256);
    let url = issuer.url("/keys");
    issuer.json("/keys", &jwks(&[(&key, "k1")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    // Seeded with no network: no fetch is recorded, so the first forged login may fetch at once.
    let file = env.file("jwks.json", &jwks(&[(&key, "k1")]).to_string());
    env.run(&[
        "write",
        "-offline",
        "auth/jwt/jwks/import",
        &format!("jwks=@{}", file.display()),
        &format!("url={url}"),
    ])
    .ok();
    env.run(&[
        "write",
        "-offline",
        "auth/jwt/config",
        &format!("jwks_url={url}"),
    ])
    .ok();
    let forger = Key::new(Alg::ES256);
    let jwts: Vec<String> = (0..40)
        .map(|i| {
            let kid = format!("forged-{i}");
            format!("jwt={}", forger.sign_kid(&claims("mallory"), Some(&kid)))
        })
        .collect();
    let children: Vec<_> = jwts
        .iter()
        .map(|jwt| env.spawn(&["write", "auth/jwt/login", "role=r", jwt]))
        .collect();
    let outs: Vec<Out> = children.into_iter().map(wait_out).collect();
    let (mut fetched, mut skipped) = (0, 0);
    for out in &outs {
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr
                .starts_with(&api_error("auth/jwt/login", NO_KEY, &[])),
            "{}",
            out.stderr
        );
        fetched += usize::from(out.stderr.contains(&format!("refetched keys from {url}")));
        skipped += usize::from(
            out.stderr
                .contains(&format!("refetch of {url} skipped: it was fetched")),
        );
    }
    assert_eq!(issuer.hits("/keys"), 1);
    assert_eq!((fetched, skipped), (1, 39));
}

// ------------------------------------------------------------------------------------------
// 6. No network at all
// ------------------------------------------------------------------------------------------

#[test]
fn offline_flag_and_env_touch_no_socket() {
    let issuer = Issuer::http();
    let key = Key::new(Alg::RS256);
    issuer.discovery("", &issuer.base(), "/keys");
    issuer.json("/keys", &jwks(&[(&key, "k1")]));
    let mut env = Env::new();
    enable(&env);
    role(&env);
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("oidc_discovery_url={}", issuer.base()),
    ])
    .ok();
    let after_config = issuer.total_hits();
    let stranger = Key::new(Alg::RS256).sign_kid(&claims("alice"), Some("k2"));
    let stale = "the key cache may be stale and the network is off (-offline or JWTVAULT_OFFLINE=1); refresh it with `jwtvault write -f auth/jwt/jwks/refresh` or import keys with `jwtvault write auth/jwt/jwks/import jwks=@jwks.json`";
    assert_login_fails(&login(&env, &["-offline"], &stranger), NO_KEY, &[stale]);
    // The cached key logs in offline.
    login(
        &env,
        &["-offline"],
        &key.sign_kid(&claims("alice"), Some("k1")),
    )
    .ok();
    let offline_config = env.run(&[
        "write",
        "-offline",
        "auth/jwt/config",
        &format!("oidc_discovery_url={}", issuer.base()),
    ]);
    assert_eq!(offline_config.code, 2, "{}", offline_config.stderr);
    assert!(offline_config.stderr.starts_with(
        api_error(
            "auth/jwt/config",
            "error checking oidc discovery URL",
            &["the network is off (-offline or JWTVAULT_OFFLINE=1)"],
        )
        .trim_end()
    ));
    // The refused write kept the config and its cache.
    login(
        &env,
        &["-offline"],
        &key.sign_kid(&claims("alice"), Some("k1")),
    )
    .ok();
    env.set("JWTVAULT_OFFLINE", "1");
    assert_login_fails(&login(&env, &[], &stranger), NO_KEY, &[stale]);
    assert_fails(
        &env.run(&["write", "-f", "auth/jwt/jwks/refresh"]),
        &api_error(
            "auth/jwt/jwks/refresh",
            "cannot refresh keys: the network is off",
            &["-offline or JWTVAULT_OFFLINE=1 forbids fetching; unset it, or use jwks/import"],
        ),
    );
    assert_eq!(issuer.total_hits(), after_config);
}

// ------------------------------------------------------------------------------------------
// 9. jwks_pairs at login
// ------------------------------------------------------------------------------------------

#[test]
fn jwks_pairs_find_the_kid_across_pairs() {
    let a = Issuer::http();
    let b = Issuer::http();
    let ka = Key::new(Alg::RS256);
    let kb = Key::new(Alg::ES256);
    let kc = Key::new(Alg::EdDSA);
    a.json("/keys", &jwks(&[(&ka, "a1")]));
    b.json("/keys", &jwks(&[(&kb, "b1")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    let body = json!({"jwks_pairs": [{"jwks_url": a.url("/keys")}, {"jwks_url": b.url("/keys")}]});
    env.run_stdin(&["write", "auth/jwt/config", "-"], &body.to_string())
        .ok();
    // Taken after the config write finished: its recorded fetch time is earlier, so
    // waiting 10.5 s from here always clears the 10 s spacing, however slow the machine.
    let configured = Instant::now();
    login(&env, &[], &kb.sign_kid(&claims("bob"), Some("b1"))).ok();
    login(&env, &[], &ka.sign_kid(&claims("alice"), Some("a1"))).ok();
    assert_fails(
        &login(&env, &[], &ka.sign_kid(&claims("alice"), None)),
        &api_error(
            "auth/jwt/login",
            "error validating token: token missing kid header parameter",
            &["with jwks_pairs every token must carry a `kid` header naming its key"],
        ),
    );
    // Unknown kid within the spacing: no fetch, Vault's message, the known kids in the hint.
    let out = login(&env, &[], &kc.sign_kid(&claims("carol"), Some("c1")));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.starts_with(&api_error(
        "auth/jwt/login",
        "error validating token: error searching for key set with kid c1: no key found with kid c1 in any JWKS endpoint",
        &[&format!(
            "cached key ids by JWKS URL: {}: [a1]; {}: [b1]",
            a.url("/keys"),
            b.url("/keys")
        )],
    )), "{}", out.stderr);
    assert_eq!((a.hits("/keys"), b.hits("/keys")), (1, 1));
    // The second issuer adds c1: after the spacing, one refetch of every pair finds it.
    b.json("/keys", &jwks(&[(&kb, "b1"), (&kc, "c1")]));
    wait_spacing(configured);
    login(&env, &[], &kc.sign_kid(&claims("carol"), Some("c1"))).ok();
    assert_eq!((a.hits("/keys"), b.hits("/keys")), (2, 2));
    login(&env, &[], &kc.sign_kid(&claims("carol"), Some("c1"))).ok();
    assert_eq!((a.hits("/keys"), b.hits("/keys")), (2, 2));
}

#[test]
fn jwks_pairs_all_empty_is_vaults_refresh_message() {
    let a = Issuer::http();
    a.json("/one", &json!({"keys": []}));
    a.json("/two", &json!({"keys": []}));
    let env = Env::new();
    enable(&env);
    role(&env);
    let body = json!({"jwks_pairs": [{"jwks_url": a.url("/one")}, {"jwks_url": a.url("/two")}]});
    env.run_stdin(&["write", "auth/jwt/config", "-"], &body.to_string())
        .ok();
    let out = login(
        &env,
        &["-offline"],
        &Key::new(Alg::RS256).sign_kid(&claims("x"), Some("k")),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(&api_error(
            "auth/jwt/login",
            "error validating token: error searching for key set with kid k: failed to refresh all 2 JWKS caches - check network connectivity and JWKS endpoints",
            &[],
        )),
        "{}",
        out.stderr
    );
}

// ------------------------------------------------------------------------------------------
// 10. read / refresh / import
// ------------------------------------------------------------------------------------------

#[test]
fn jwks_read_refresh_and_offline_import() {
    let mut issuer = Issuer::http();
    let k1 = Key::new(Alg::RS256);
    let k2 = Key::new(Alg::ES512);
    issuer.json("/keys", &jwks(&[(&k1, "k1")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    // Nothing cached yet: 404 like any missing path.
    assert_eq!(env.run(&["read", "auth/jwt/jwks"]).code, 2);
    let url = issuer.url("/keys");
    env.run(&["write", "auth/jwt/config", &format!("jwks_url={url}")])
        .ok();
    let table = env.run(&["read", "auth/jwt/jwks"]);
    table.ok();
    assert!(
        table.stdout.starts_with(
            "Key         Value\n---         -----\nkey_sets    [map[algorithms:[RS256] fetched_at:"
        ),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .ends_with(&format!(" key_ids:[k1] key_types:[RSA] url:{url}]]\n")),
        "{}",
        table.stdout
    );
    // refresh fetches now, whatever the spacing.
    issuer.json("/keys", &jwks(&[(&k1, "k1"), (&k2, "k2")]));
    let out = env.run(&["write", "-format=json", "-f", "auth/jwt/jwks/refresh"]);
    out.ok();
    assert_eq!(
        out.json()["data"]["key_sets"][0]["key_ids"],
        json!(["k1", "k2"])
    );
    assert_eq!(issuer.hits("/keys"), 2);
    login(&env, &[], &k2.sign_kid(&claims("alice"), Some("k2"))).ok();
    assert_eq!(issuer.hits("/keys"), 2);
    // Air-gapped: the issuer is gone, the new key set comes from a file.
    issuer.stop();
    let k3 = Key::new(Alg::EdDSA);
    let file = env.file("rotated.json", &jwks(&[(&k3, "k3")]).to_string());
    let out = env.run(&[
        "write",
        "-offline",
        "auth/jwt/jwks/import",
        &format!("jwks=@{}", file.display()),
    ]);
    out.ok();
    assert_eq!(
        out.stdout,
        format!("Key     Value\n---     -----\nkeys    1\nurl     {url}\n")
    );
    login(
        &env,
        &["-offline"],
        &k3.sign_kid(&claims("alice"), Some("k3")),
    )
    .ok();
    assert_eq!(cache(&env)["key_sets"][0]["key_ids"], json!(["k3"]));
    // url= must name a URL the mount reads keys from.
    let other = "http://127.0.0.1:1/other";
    assert_fails(
        &env.run(&[
            "write",
            "-offline",
            "auth/jwt/jwks/import",
            &format!("jwks=@{}", file.display()),
            &format!("url={other}"),
        ]),
        &api_error(
            "auth/jwt/jwks/import",
            &format!("url \"{other}\" is not a JWKS URL of this mount"),
            &[&format!("logins read keys from: {url}")],
        ),
    );
    env.run(&[
        "write",
        "-offline",
        "auth/jwt/jwks/import",
        &format!("jwks=@{}", file.display()),
        &format!("url={url}"),
    ])
    .ok();
    // A document that does not parse is refused and changes nothing.
    let before = cache(&env);
    let bad = env.file("bad.json", r#"{"keys":[{"kty":"RSA","kid":"x"}]}"#);
    let out = env.run(&[
        "write",
        "-offline",
        "auth/jwt/jwks/import",
        &format!("jwks=@{}", bad.display()),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("* invalid jwks: "), "{}", out.stderr);
    assert_eq!(cache(&env), before);
}

#[test]
fn import_on_a_discovery_mount_defaults_to_its_jwks_uri() {
    let issuer = Issuer::http();
    let k1 = Key::new(Alg::RS256);
    issuer.discovery("/tenant", &issuer.url("/tenant"), "/tenant/keys");
    issuer.json("/tenant/keys", &jwks(&[(&k1, "k1")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("oidc_discovery_url={}", issuer.url("/tenant")),
    ])
    .ok();
    let k2 = Key::new(Alg::RS256);
    let file = env.file("k2.json", &jwks(&[(&k2, "k2")]).to_string());
    let out = env.run(&[
        "write",
        "-offline",
        "-format=json",
        "auth/jwt/jwks/import",
        &format!("jwks=@{}", file.display()),
    ]);
    out.ok();
    assert_eq!(
        out.json()["data"],
        json!({"url": issuer.url("/tenant/keys"), "keys": 1})
    );
    login(
        &env,
        &["-offline"],
        &k2.sign_kid(&claims("alice"), Some("k2")),
    )
    .ok();
    assert_eq!(issuer.total_hits(), 2);
}

// ------------------------------------------------------------------------------------------
// 11. The walkthrough, verbatim, against a loopback discovery server
// ------------------------------------------------------------------------------------------

#[test]
fn walkthrough_against_a_loopback_discovery_server() {
    let issuer = Issuer::http();
    let key = Key::new(Alg::RS256);
    let iss = format!("{}/", issuer.base());
    issuer.discovery("", &iss, "/keys");
    issuer.json("/keys", &jwks(&[(&key, "walkthrough-key")]));
    let env = Env::new();
    let out = env.run(&["auth", "enable", "jwt"]);
    out.ok();
    assert_eq!(out.stdout, "Success! Enabled jwt auth method at: jwt/\n");
    let out = env.run(&[
        "write",
        "auth/jwt/config",
        &format!("oidc_discovery_url={}", issuer.url(WELL_KNOWN)),
        &format!("bound_issuer={iss}"),
        "token_audiences=vault-aud-value",
    ]);
    out.ok();
    assert_eq!(out.stdout, "Success! Data written to: auth/jwt/config\n");
    let out = env.run(&[
        "write",
        "auth/jwt/role/developer-role",
        "user_claim=sub",
        "groups_claim=groups",
        "token_policies=developer-policy",
        "bound_claims_type=glob",
        "bound_claims=groups=developers",
    ]);
    out.ok();
    assert_eq!(
        out.stdout,
        "Success! Data written to: auth/jwt/role/developer-role\n"
    );
    let walkthrough_login = |claims: &Value| {
        let jwt = format!("jwt={}", key.sign_kid(claims, Some("walkthrough-key")));
        env.run(&["write", "auth/jwt/login", "role=developer-role", &jwt])
    };
    let out = walkthrough_login(&walkthrough_claims(&iss));
    out.ok();
    assert!(
        out.stdout
            .contains("\ntoken_policies       [\"default\" \"developer-policy\"]\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\npolicies             [\"default\" \"developer-policy\"]\n"),
        "{}",
        out.stdout
    );
    // The identity is user-12345.
    let jwt = format!(
        "jwt={}",
        key.sign_kid(&walkthrough_claims(&iss), Some("walkthrough-key"))
    );
    let auth = env
        .run(&[
            "write",
            "-format=json",
            "auth/jwt/login",
            "role=developer-role",
            &jwt,
        ])
        .ok()
        .json()["auth"]
        .clone();
    assert_eq!(auth["policies"], json!(["default", "developer-policy"]));
    let entity_id = auth["entity_id"].as_str().expect("entity_id").to_string();
    let entity = env
        .run(&[
            "read",
            "-format=json",
            &format!("identity/entity/id/{entity_id}"),
        ])
        .ok()
        .json();
    let aliases = entity["data"]["aliases"].as_array().expect("aliases");
    assert_eq!(aliases.len(), 1, "{entity}");
    assert_eq!(aliases[0]["name"], json!("user-12345"));
    assert_eq!(aliases[0]["mount_path"], json!("auth/jwt/"));
    // groups without developers.
    let mut c = walkthrough_claims(&iss);
    c["groups"] = json!(["ops", "qa"]);
    let out = walkthrough_login(&c);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{}", out.stderr);
    assert!(out.stderr.starts_with(&api_error(
        "auth/jwt/login",
        "error validating claims: claim \"groups\" does not match any associated bound claim values",
        &[],
    )), "{}", out.stderr);
    // A wrong audience.
    let mut c = walkthrough_claims(&iss);
    c["aud"] = json!("some-other-service");
    let out = walkthrough_login(&c);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{}", out.stderr);
    assert!(out.stderr.starts_with(&api_error(
        "auth/jwt/login",
        "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience",
        &[],
    )), "{}", out.stderr);
    // The walkthrough ran on one discovery fetch and one JWKS fetch, at config time.
    assert_eq!((issuer.hits(WELL_KNOWN), issuer.hits("/keys")), (1, 1));
}

#[test]
fn air_gapped_setup_seeds_the_cache_before_the_config() {
    let issuer = Issuer::http();
    let key = Key::new(Alg::ES256);
    let url = issuer.url("/keys");
    let env = Env::new();
    enable(&env);
    let file = env.file("jwks.json", &jwks(&[(&key, "k1")]).to_string());
    let seed = |extra: &[&str]| {
        let jwks = format!("jwks=@{}", file.display());
        let mut args = vec!["write", "-offline", "auth/jwt/jwks/import", jwks.as_str()];
        args.extend_from_slice(extra);
        env.run(&args)
    };
    // With no config, the URL must be named.
    assert_fails(
        &seed(&[]),
        &api_error(
            "auth/jwt/jwks/import",
            "url must be given: the mount has no config yet",
            &["give url=<the JWKS URL>, then write the config with jwks_url=<that URL>"],
        ),
    );
    // A config for a URL with nothing seeded is refused offline, saying how to seed it.
    let other = issuer.url("/other");
    assert_fails(
        &env.run(&[
            "write",
            "-offline",
            "auth/jwt/config",
            &format!("jwks_url={other}"),
        ]),
        &api_error(
            "auth/jwt/config",
            "error checking jwks URL",
            &[&format!("the network is off (-offline or JWTVAULT_OFFLINE=1) and no JWKS is cached for {other}; seed it first with `jwtvault write auth/jwt/jwks/import jwks=@jwks.json url={other}`")],
        ),
    );
    seed(&[&format!("url={url}")]).ok();
    env.run(&[
        "write",
        "-offline",
        "auth/jwt/config",
        &format!("jwks_url={url}"),
    ])
    .ok();
    role(&env);
    login(
        &env,
        &["-offline"],
        &key.sign_kid(&claims("alice"), Some("k1")),
    )
    .ok();
    assert_eq!(cache(&env)["key_sets"][0]["key_ids"], json!(["k1"]));
    // A discovery config cannot be seeded: refused offline, pointing at the jwks_url way.
    assert_fails(
        &env.run(&[
            "write",
            "-offline",
            "auth/jwt/config",
            &format!("oidc_discovery_url={}", issuer.base()),
        ]),
        &api_error(
            "auth/jwt/config",
            "error checking oidc discovery URL",
            &["the network is off (-offline or JWTVAULT_OFFLINE=1) and a discovery document cannot be imported; with no network, configure jwks_url=<the issuer's jwks_uri> after seeding its keys with `jwtvault write auth/<mount>/jwks/import jwks=@jwks.json url=<jwks_uri>`"],
        ),
    );
    assert_eq!(issuer.total_hits(), 0);
}

// ------------------------------------------------------------------------------------------
// 12. No lock is held across the network
// ------------------------------------------------------------------------------------------

#[test]
fn a_config_write_waiting_on_its_issuer_blocks_no_login() {
    let issuer = Issuer::http();
    let remote = Key::new(Alg::ES256);
    issuer.route("/held", Reply::Held(jwks(&[(&remote, "r1")]).to_string()));
    let env = Env::new();
    let key = env.jwt_mount_with_key(Alg::RS256, &[]);
    role(&env);
    env.run(&["auth", "enable", "-path=other", "jwt"]).ok();
    let url = issuer.url("/held");
    let mut writer = env.spawn(&["write", "auth/other/config", &format!("jwks_url={url}")]);
    issuer.wait_hits("/held", 1);
    // The config write is waiting on its issuer: a login on another mount, in another process,
    // completes meanwhile.
    login(&env, &[], &key.sign(&claims("alice"))).ok();
    assert!(
        writer.try_wait().expect("try_wait").is_none(),
        "the config write ended before the login did"
    );
    issuer.release();
    let out = wait_out(writer);
    out.ok();
    assert_eq!(out.stdout, "Success! Data written to: auth/other/config\n");
    let cached = env
        .run(&["read", "-format=json", "auth/other/jwks"])
        .ok()
        .json();
    assert_eq!(cached["data"]["key_sets"][0]["key_ids"], json!(["r1"]));
    assert_eq!(cached["data"]["key_sets"][0]["url"], json!(url));
}

#[test]
fn a_refresh_waiting_on_its_issuer_blocks_no_login() {
    let issuer = Issuer::http();
    let k1 = Key::new(Alg::RS256);
    let k2 = Key::new(Alg::ES256);
    issuer.json("/keys", &jwks(&[(&k1, "k1")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    let url = issuer.url("/keys");
    env.run(&["write", "auth/jwt/config", &format!("jwks_url={url}")])
        .ok();
    issuer.route(
        "/keys",
        Reply::Held(jwks(&[(&k1, "k1"), (&k2, "k2")]).to_string()),
    );
    let refresh = env.spawn(&["write", "-format=json", "-f", "auth/jwt/jwks/refresh"]);
    issuer.wait_hits("/keys", 2);
    // A login on the same mount, from the cache, while the refresh waits on the issuer.
    let mut refresh = refresh;
    login(&env, &[], &k1.sign_kid(&claims("alice"), Some("k1"))).ok();
    assert!(
        refresh.try_wait().expect("try_wait").is_none(),
        "the refresh ended before the login did"
    );
    issuer.release();
    let out = wait_out(refresh);
    out.ok();
    assert_eq!(
        out.json()["data"]["key_sets"][0]["key_ids"],
        json!(["k1", "k2"])
    );
    assert_eq!(cache(&env)["key_sets"][0]["key_ids"], json!(["k1", "k2"]));
    assert_eq!(issuer.hits("/keys"), 2);
}

/// A config written while a refresh waits on the old issuer wins: the refresh keeps nothing and
/// says so (jwtvault's choice; Vault has no lock-free refresh).
#[test]
fn a_refresh_overtaken_by_a_config_write_keeps_nothing() {
    let issuer = Issuer::http();
    let k1 = Key::new(Alg::RS256);
    let k2 = Key::new(Alg::ES256);
    issuer.json("/old", &jwks(&[(&k1, "k1")]));
    issuer.json("/new", &jwks(&[(&k2, "k2")]));
    let env = Env::new();
    enable(&env);
    role(&env);
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("jwks_url={}", issuer.url("/old")),
    ])
    .ok();
    issuer.route(
        "/old",
        Reply::Held(jwks(&[(&k1, "k1"), (&k2, "old-k2")]).to_string()),
    );
    let refresh = env.spawn(&["write", "-f", "auth/jwt/jwks/refresh"]);
    issuer.wait_hits("/old", 2);
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("jwks_url={}", issuer.url("/new")),
    ])
    .ok();
    issuer.release();
    assert_fails(
        &wait_out(refresh),
        &api_error(
            "auth/jwt/jwks/refresh",
            "cannot refresh keys: the mount's config changed during the refresh",
            &[&format!(
                "the keys fetched from {} were discarded; the config now reads keys from {}: run the refresh again",
                issuer.url("/old"),
                issuer.url("/new")
            )],
        ),
    );
    let sets = cache(&env)["key_sets"].clone();
    assert_eq!(sets.as_array().map(Vec::len), Some(1), "{sets}");
    assert_eq!(sets[0]["url"], json!(issuer.url("/new")));
    assert_eq!(sets[0]["key_ids"], json!(["k2"]));
    login(&env, &[], &k2.sign_kid(&claims("alice"), Some("k2"))).ok();
}
