//! The command line as a client (contract §8, issue 13 item 4): `-address` / `JWTVAULT_ADDR`,
//! `-ca-cert` / `JWTVAULT_CACERT`, the token from `JWTVAULT_TOKEN` or the helper file.
//!
//! A tiny HTTP(S) server in the test answers as Vault does and records what it was sent, so
//! that each request (method, path, headers, body) and each error shape is pinned exactly.
//! Expected texts were captured from the `bao` CLI (OpenBao 2.7.2) against servers giving the
//! same answers. The same client against real servers (`bao server -dev`, `jwtvault server`) is
//! scripts/clients/run.sh.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::*;

/// One request as the server read it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An answer: status line, body, and whether it is JSON.
#[derive(Clone)]
struct Answer {
    status: &'static str,
    body: String,
    json: bool,
}

fn answer(status: &'static str, body: &str) -> Answer {
    Answer {
        status,
        body: body.to_string(),
        json: true,
    }
}

type Script = dyn Fn(&Seen) -> Answer + Send + Sync;

/// A Vault-API server on 127.0.0.1: answers every request with `script` and keeps what it saw.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
    acceptor: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn http(script: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Server {
        Server::start(None, Arc::new(script))
    }

    fn https(
        tls: Arc<rustls::ServerConfig>,
        script: impl Fn(&Seen) -> Answer + Send + Sync + 'static,
    ) -> Server {
        Server::start(Some(tls), Arc::new(script))
    }

    fn start(tls: Option<Arc<rustls::ServerConfig>>, script: Arc<Script>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, stop2) = (Arc::clone(&seen), Arc::clone(&stop));
        let acceptor = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(tcp) = stream else { continue };
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
                match &tls {
                    Some(cfg) => {
                        let Ok(conn) = rustls::ServerConnection::new(Arc::clone(cfg)) else {
                            continue;
                        };
                        serve(rustls::StreamOwned::new(conn, tcp), &script, &seen2);
                    }
                    None => serve(tcp, &script, &seen2),
                }
            }
        });
        Server {
            base: format!("{scheme}://{addr}"),
            seen,
            stop,
            addr,
            acceptor: Some(acceptor),
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn port(&self) -> u16 {
        self.addr.port()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
    }
}

/// Reads one request (head and `Content-Length` body), answers it and closes.
fn serve(mut stream: impl Read + Write, script: &Arc<Script>, seen: &Arc<Mutex<Vec<Seen>>>) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let target = first.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    let req = Seen {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let a = script(&req);
    seen.lock().unwrap().push(req);
    let content_type = if a.json {
        "Content-Type: application/json\r\n"
    } else {
        ""
    };
    let reply = format!(
        "HTTP/1.1 {}\r\n{content_type}Content-Length: {}\r\nConnection: close\r\n\r\n{}",
        a.status,
        a.body.len(),
        a.body
    );
    let _ = stream.write_all(reply.as_bytes());
    let _ = stream.flush();
}

/// A client environment: no state file it could open, decoys for every variable it must not
/// read, and `JWTVAULT_ADDR` when given.
fn client(addr: Option<&str>) -> Env {
    let mut env = Env::new();
    env.set("JWTVAULT_STATE", "/nonexistent/jwtvault-client/state.db");
    for (k, v) in [
        ("VAULT_ADDR", "http://127.0.0.1:1"),
        ("VAULT_TOKEN", "decoy-vault-token"),
        ("VAULT_CACERT", "/nonexistent/ca.pem"),
        ("BAO_ADDR", "http://127.0.0.1:1"),
        ("BAO_TOKEN", "decoy-bao-token"),
    ] {
        env.set(k, v);
    }
    if let Some(a) = addr {
        env.set("JWTVAULT_ADDR", a);
    }
    env
}

fn envelope(data: Value) -> String {
    json!({
        "request_id": "0b8a7c52-5e56-3c87-1b2a-c0c9d7bdb0a1",
        "lease_id": "", "renewable": false, "lease_duration": 0,
        "data": data, "wrap_info": null, "warnings": null, "auth": null
    })
    .to_string()
}

fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

// ------------------------------------------------------------------------------------ requests

#[test]
fn each_command_sends_the_vault_clis_request() {
    let server = Server::http(|req| match (req.method.as_str(), req.target.as_str()) {
        ("GET", "/v1/sys/policies/acl?list=true") => answer(
            "200 OK",
            &envelope(json!({"keys": ["default", "dev"], "policies": ["default", "dev"]})),
        ),
        ("GET", "/v1/auth/token/lookup-self") => answer(
            "200 OK",
            &envelope(json!({"policies": ["default"], "id": "s.own", "ttl": 0})),
        ),
        ("POST", "/v1/auth/token/lookup") => answer(
            "200 OK",
            &envelope(json!({"policies": ["default"], "id": "s.other", "ttl": 0})),
        ),
        ("POST", "/v1/sys/capabilities-self") => answer(
            "200 OK",
            &envelope(json!({"capabilities": ["read"], "auth/jwt/config": ["read"]})),
        ),
        _ => answer("204 No Content", ""),
    });
    let mut env = client(Some(&server.base));
    env.set("JWTVAULT_TOKEN", "s.own");
    let policy = env.file("p.hcl", "path \"a\" {\n  capabilities = [\"read\"]\n}\n");
    let policy = policy.to_str().unwrap();
    expect(
        &env.run(&["auth", "enable", "-path=ci", "jwt"]),
        0,
        "Success! Enabled jwt auth method at: ci/\n",
        "",
    );
    expect(
        &env.run(&[
            "write",
            "auth/ci/role/r",
            "user_claim=sub",
            "bound_audiences=a,b",
        ]),
        0,
        "Success! Data written to: auth/ci/role/r\n",
        "",
    );
    expect(
        &env.run(&["policy", "write", "dev", policy]),
        0,
        "Success! Uploaded policy: dev\n",
        "",
    );
    expect(&env.run(&["policy", "list"]), 0, "default\ndev\n", "");
    env.run(&["token", "lookup"]).ok();
    env.run(&["token", "lookup", "s.other"]).ok();
    expect(
        &env.run(&["token", "capabilities", "auth/jwt/config"]),
        0,
        "read\n",
        "",
    );
    expect(
        &env.run(&["token", "revoke", "-self"]),
        0,
        "Success! Revoked token (if it existed)\n",
        "",
    );
    expect(
        &env.run(&["delete", "auth/ci/role/r"]),
        0,
        "Success! Data deleted (if it existed) at: auth/ci/role/r\n",
        "",
    );
    let seen = server.seen();
    let lines: Vec<String> = seen
        .iter()
        .map(|s| format!("{} {} {}", s.method, s.target, s.body))
        .collect();
    assert_eq!(
        lines,
        [
            "POST /v1/sys/auth/ci {\"config\":{\"default_lease_ttl\":\"0s\",\"force_no_cache\":false,\"max_lease_ttl\":\"0s\",\"options\":null},\"description\":\"\",\"external_entropy_access\":false,\"local\":false,\"options\":null,\"seal_wrap\":false,\"type\":\"jwt\"}",
            "PUT /v1/auth/ci/role/r {\"bound_audiences\":\"a,b\",\"user_claim\":\"sub\"}",
            "PUT /v1/sys/policies/acl/dev {\"policy\":\"path \\\"a\\\" {\\n  capabilities = [\\\"read\\\"]\\n}\\n\"}",
            "GET /v1/sys/policies/acl?list=true ",
            "GET /v1/auth/token/lookup-self ",
            "POST /v1/auth/token/lookup {\"token\":\"s.other\"}",
            "POST /v1/sys/capabilities-self {\"path\":\"auth/jwt/config\",\"token\":\"s.own\"}",
            "PUT /v1/auth/token/revoke-self {}",
            "DELETE /v1/auth/ci/role/r ",
        ]
    );
    for s in &seen {
        assert_eq!(s.header("X-Vault-Request"), Some("true"), "{s:?}");
        assert_eq!(s.header("X-Vault-Token"), Some("s.own"), "{s:?}");
        // The Go client sends no Content-Type.
        assert_eq!(s.header("Content-Type"), None, "{s:?}");
    }
}

#[test]
fn the_token_is_jwtvault_token_else_the_helper_file_else_none() {
    let server = Server::http(|_| answer("200 OK", &envelope(json!({"policies": ["default"]}))));
    let env = client(Some(&server.base));
    // No token anywhere (VAULT_TOKEN and BAO_TOKEN are decoys): no header at all.
    env.run(&["token", "lookup", "-field=policies"]).ok();
    std::fs::write(env.path("home/.jwtvault-token"), "s.from-helper").unwrap();
    env.run(&["token", "lookup", "-field=policies"]).ok();
    env.run_with_vars(
        &[("JWTVAULT_TOKEN", "s.from-env")],
        &["token", "lookup", "-field=policies"],
    )
    .ok();
    let tokens: Vec<Option<String>> = server
        .seen()
        .iter()
        .map(|s| s.header("X-Vault-Token").map(str::to_string))
        .collect();
    assert_eq!(
        tokens,
        [
            None,
            Some("s.from-helper".to_string()),
            Some("s.from-env".to_string())
        ]
    );
}

#[test]
fn vault_addr_and_vault_token_are_never_read() {
    let server = Server::http(|_| answer("200 OK", &envelope(json!({"policies": ["root"]}))));
    // VAULT_ADDR and BAO_ADDR naming a live server: jwtvault stays local (its own state).
    let mut env = Env::sqlite();
    env.set("VAULT_ADDR", &server.base);
    env.set("BAO_ADDR", &server.base);
    env.set("VAULT_TOKEN", "s.decoy");
    expect(
        &env.run(&["auth", "enable", "jwt"]),
        0,
        "Success! Enabled jwt auth method at: jwt/\n",
        "",
    );
    assert!(env.state().exists());
    assert!(server.seen().is_empty());
    // As a client, the decoy tokens are not sent.
    let env = client(Some(&server.base));
    env.run(&["token", "lookup"]).ok();
    assert_eq!(server.seen()[0].header("X-Vault-Token"), None);
}

#[test]
fn address_flag_wins_over_the_variable_and_local_commands_stay_local() {
    let server = Server::http(|_| answer("200 OK", &envelope(json!({"bound_issuer": "x"}))));
    let env = client(Some(&format!("http://127.0.0.1:{}", closed_port())));
    let flag = format!("-address={}", server.base);
    expect(
        &env.run(&["read", &flag, "-field=bound_issuer", "auth/jwt/config"]),
        0,
        "x",
        "",
    );
    assert_eq!(server.seen()[0].target, "/v1/auth/jwt/config");
    // `jwt keygen` sends nothing, even with a CA file that does not exist.
    let out = env.run_with_vars(
        &[("JWTVAULT_CACERT", "/nonexistent/ca.pem")],
        &["jwt", "keygen", "-alg=ES256", "-out=keys"],
    );
    out.ok();
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn read_query_parameters_and_paths_are_encoded_as_go_does() {
    let server = Server::http(|_| answer("404 Not Found", "{\"errors\":[]}\n"));
    let env = client(Some(&server.base));
    expect(
        &env.run(&["read", "auth/a b/c!", "z=1 2", "a=&"]),
        2,
        "",
        "No value found at auth/a b/c!\n",
    );
    assert_eq!(server.seen()[0].target, "/v1/auth/a%20b/c%21?a=%26&z=1+2");
}

// ------------------------------------------------------------------------------ error shapes

#[test]
fn a_refused_connection_is_printed_as_go_prints_it() {
    let port = closed_port();
    let env = client(Some(&format!("http://127.0.0.1:{port}")));
    expect(
        &env.run(&["read", "auth/jwt/role/x"]),
        2,
        "",
        &format!("Error reading auth/jwt/role/x: Get \"http://127.0.0.1:{port}/v1/auth/jwt/role/x\": dial tcp 127.0.0.1:{port}: connect: connection refused\n"),
    );
    expect(
        &env.run(&["write", "auth/jwt/login", "role=x", "jwt=abc"]),
        2,
        "",
        &format!("Error writing data to auth/jwt/login: Put \"http://127.0.0.1:{port}/v1/auth/jwt/login\": dial tcp 127.0.0.1:{port}: connect: connection refused\n"),
    );
    expect(
        &env.run(&["token", "lookup"]),
        2,
        "",
        &format!("Error looking up token: Get \"http://127.0.0.1:{port}/v1/auth/token/lookup-self\": dial tcp 127.0.0.1:{port}: connect: connection refused\n"),
    );
}

#[test]
fn api_errors_carry_the_request_and_url_lines() {
    let server = Server::http(|req| match req.target.split('?').next().unwrap_or("") {
        "/v1/auth/jwt/role/x" => answer(
            "403 Forbidden",
            "{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}\n",
        ),
        "/v1/auth/jwt/config" => answer("403 Forbidden", "{\"errors\":[\"permission denied\"]}\n"),
        "/v1/nosuch/path" => answer(
            "404 Not Found",
            "{\"errors\":[\"no handler for route \\\"nosuch/path\\\". route entry not found.\"]}\n",
        ),
        "/v1/two" => answer("400 Bad Request", "{\"errors\":[\"a\",\"b\"]}\n"),
        _ => answer("405 Method Not Allowed", "{\"errors\":[]}\n"),
    });
    let env = client(Some(&server.base));
    let b = &server.base;
    expect(
        &env.run(&["read", "auth/jwt/role/x"]),
        2,
        "",
        &format!("Error reading auth/jwt/role/x: Error making API request.\n\nURL: GET {b}/v1/auth/jwt/role/x\nCode: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n\n\n"),
    );
    // -format=json: the same text, and no JSON copy (the Vault CLI prints none).
    expect(
        &env.run(&["read", "-format=json", "auth/jwt/config"]),
        2,
        "",
        &format!("Error reading auth/jwt/config: Error making API request.\n\nURL: GET {b}/v1/auth/jwt/config\nCode: 403. Errors:\n\n* permission denied\n"),
    );
    // A read's 404 is "no value" whatever its errors say; a write's is an error.
    expect(
        &env.run(&["read", "nosuch/path"]),
        2,
        "",
        "No value found at nosuch/path\n",
    );
    expect(
        &env.run(&["list", "nosuch/path"]),
        2,
        "",
        "No value found at nosuch/path\n",
    );
    expect(
        &env.run(&["write", "nosuch/path", "a=b"]),
        2,
        "",
        &format!("Error writing data to nosuch/path: Error making API request.\n\nURL: PUT {b}/v1/nosuch/path\nCode: 404. Errors:\n\n* no handler for route \"nosuch/path\". route entry not found.\n"),
    );
    // Several errors are written with no separator, as Go's client writes them.
    expect(
        &env.run(&["write", "two", "a=b"]),
        2,
        "",
        &format!("Error writing data to two: Error making API request.\n\nURL: PUT {b}/v1/two\nCode: 400. Errors:\n\n* a* b\n"),
    );
    // No errors at all: nothing after the header.
    expect(
        &env.run(&["delete", "other"]),
        2,
        "",
        &format!("Error deleting other: Error making API request.\n\nURL: DELETE {b}/v1/other\nCode: 405. Errors:\n\n\n"),
    );
}

#[test]
fn a_jwtvault_servers_hints_follow_vaults_text() {
    let server = Server::http(|_| {
        answer(
            "400 Bad Request",
            "{\"errors\":[\"error validating token: invalid audience (aud) claim: audience claim does not match any expected audience\"],\"hints\":[\"the token's aud is [\\\"other\\\"]; the role accepts [\\\"vault\\\"]\",\"two\\nlines\"]}\n",
        )
    });
    let env = client(Some(&server.base));
    let jwt = env.file("t.jwt", "a.b.c");
    let at = format!("jwt=@{}", jwt.display());
    expect(
        &env.run(&["write", "auth/jwt/login", "role=dev", &at]),
        2,
        "",
        &format!(
            "Error writing data to auth/jwt/login: Error making API request.\n\nURL: PUT {}/v1/auth/jwt/login\nCode: 400. Errors:\n\n* error validating token: invalid audience (aud) claim: audience claim does not match any expected audience\n\nHint: the token's aud is [\"other\"]; the role accepts [\"vault\"]\n      two\n      lines\n",
            server.base
        ),
    );
    // `login -method=jwt`: the same request and text, with the login command's context.
    let out = env.run(&["login", "-method=jwt", "role=dev", &at]);
    out.code(2);
    assert!(
        out.stderr
            .starts_with("Error authenticating: Error making API request.\n\nURL: PUT "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("\n\nHint: the token's aud"),
        "{}",
        out.stderr
    );
}

#[test]
fn bodies_that_are_not_vaults_json_are_shown_raw_or_as_gos_decoder_error() {
    let server = Server::http(|req| match req.target.as_str() {
        "/v1/html" => Answer {
            status: "500 Internal Server Error",
            body: "<html>oops</html>\n".into(),
            json: false,
        },
        "/v1/empty" => Answer {
            status: "400 Bad Request",
            body: String::new(),
            json: false,
        },
        _ => Answer {
            status: "200 OK",
            body: "hello".into(),
            json: false,
        },
    });
    let env = client(Some(&server.base));
    let b = &server.base;
    expect(
        &env.run(&["read", "html"]),
        2,
        "",
        &format!("Error reading html: Error making API request.\n\nURL: GET {b}/v1/html\nCode: 500. Raw Message:\n\n<html>oops</html>\n\n"),
    );
    expect(
        &env.run(&["write", "empty", "a=b"]),
        2,
        "",
        &format!("Error writing data to empty: Error making API request.\n\nURL: PUT {b}/v1/empty\nCode: 400. Raw Message:\n\n\n"),
    );
    expect(
        &env.run(&["read", "text"]),
        2,
        "",
        "Error reading text: invalid character 'h' looking for beginning of value\n",
    );
}

#[test]
fn a_closed_connection_is_eof() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        // Read the request, then close without an answer.
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = s.read(&mut buf);
        }
    });
    let env = client(Some(&format!("http://127.0.0.1:{port}")));
    expect(
        &env.run(&["read", "auth/jwt/role/x"]),
        2,
        "",
        &format!("Error reading auth/jwt/role/x: Get \"http://127.0.0.1:{port}/v1/auth/jwt/role/x\": EOF\n"),
    );
    t.join().unwrap();
}

#[test]
fn bad_addresses_and_ca_files_are_the_vault_clis_errors() {
    let env = client(Some("127.0.0.1:8200"));
    expect(
        &env.run(&["read", "auth/jwt/config"]),
        2,
        "",
        "failed to create client: parse \"127.0.0.1:8200\": first path segment in URL cannot contain colon\n",
    );
    let env = client(Some("ftp://127.0.0.1:1"));
    expect(
        &env.run(&["read", "x"]),
        2,
        "",
        "Error reading x: Get \"ftp://127.0.0.1:1/v1/x\": unsupported protocol scheme \"ftp\"\n",
    );
    let env = client(Some("https://127.0.0.1:1"));
    let missing = env.path("missing.pem");
    let missing = missing.to_str().unwrap();
    expect(
        &env.run(&["read", &format!("-ca-cert={missing}"), "x"]),
        2,
        "",
        &format!("failed to setup TLS config: Error loading CA File: open {missing}: no such file or directory\n"),
    );
    let junk = env.file("junk.pem", "hello\n");
    let junk = junk.to_str().unwrap();
    expect(
        &env.run_with_vars(&[("JWTVAULT_CACERT", junk)], &["read", "x"]),
        2,
        "",
        &format!(
            "failed to read environment: Error loading CA File: Couldn't parse PEM in: {junk}\n"
        ),
    );
}

// ---------------------------------------------------------------------------------------- TLS

struct Pki {
    ca_pem: String,
    server_config: Arc<rustls::ServerConfig>,
}

/// A CA and a server certificate it signed for `names` (DNS names or IP addresses).
fn pki(names: &[&str]) -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "client test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let leaf =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
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

#[test]
fn https_needs_the_ca_from_ca_cert_or_jwtvault_cacert() {
    let p = pki(&["127.0.0.1"]);
    let server = Server::https(Arc::clone(&p.server_config), |_| {
        answer(
            "200 OK",
            &envelope(json!({"bound_issuer": "https://issuer/"})),
        )
    });
    let env = client(Some(&server.base));
    let url = format!("{}/v1/auth/jwt/config", server.base);
    expect(
        &env.run(&["read", "-field=bound_issuer", "auth/jwt/config"]),
        2,
        "",
        &format!("Error reading auth/jwt/config: Get \"{url}\": tls: failed to verify certificate: x509: certificate signed by unknown authority\n"),
    );
    let ca = env.file("ca.pem", &p.ca_pem);
    let ca = ca.to_str().unwrap();
    expect(
        &env.run(&[
            "read",
            &format!("-ca-cert={ca}"),
            "-field=bound_issuer",
            "auth/jwt/config",
        ]),
        0,
        "https://issuer/",
        "",
    );
    expect(
        &env.run_with_vars(
            &[("JWTVAULT_CACERT", ca)],
            &["read", "-field=bound_issuer", "auth/jwt/config"],
        ),
        0,
        "https://issuer/",
        "",
    );
    // Plain HTTP to the TLS port: the server resets or answers garbage; never a success.
    let plain = client(Some(&format!("http://127.0.0.1:{}", server.port())));
    plain
        .run_with_vars(&[("JWTVAULT_CACERT", ca)], &["read", "auth/jwt/config"])
        .code(2);
}

#[test]
fn a_certificate_for_another_name_is_refused_in_gos_words() {
    let p = pki(&["localhost"]);
    let server = Server::https(Arc::clone(&p.server_config), |_| {
        answer("200 OK", &envelope(json!({})))
    });
    let env = client(Some(&server.base));
    let ca = env.file("ca.pem", &p.ca_pem);
    expect(
        &env.run_with_vars(
            &[("JWTVAULT_CACERT", ca.to_str().unwrap())],
            &["read", "x"],
        ),
        2,
        "",
        &format!("Error reading x: Get \"{}/v1/x\": tls: failed to verify certificate: x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs\n", server.base),
    );
}

// ------------------------------------------------------------------------------------ logins

fn login_envelope() -> String {
    json!({
        "request_id": "0b8a7c52-5e56-3c87-1b2a-c0c9d7bdb0a1",
        "lease_id": "", "renewable": false, "lease_duration": 0,
        "data": null, "wrap_info": null, "warnings": null,
        "auth": {
            "client_token": "s.issuedtokenAAAAAAAAAAAA",
            "accessor": "accessorAAAAAAAAAAAAAAAA",
            "policies": ["default", "dev"], "token_policies": ["default", "dev"],
            "metadata": {"role": "dev"}, "lease_duration": 3600, "renewable": true,
            "entity_id": "e", "token_type": "service", "orphan": true,
            "mfa_requirement": null, "num_uses": 0
        }
    })
    .to_string()
}

#[test]
fn login_stores_the_servers_token_in_the_helper_file() {
    let server = Server::http(|_| answer("200 OK", &login_envelope()));
    let env = client(Some(&server.base));
    let jwt = env.file("t.jwt", "a.b.c\n");
    let out = env.run(&[
        "login",
        "--jwt",
        &format!("@{}", jwt.display()),
        "--role",
        "dev",
    ]);
    out.ok();
    assert!(out
        .stdout
        .contains("token                s.issuedtokenAAAAAAAAAAAA\n"));
    assert_eq!(
        std::fs::read_to_string(env.path("home/.jwtvault-token")).unwrap(),
        "s.issuedtokenAAAAAAAAAAAA"
    );
    let seen = server.seen();
    assert_eq!(seen[0].method, "PUT");
    assert_eq!(seen[0].target, "/v1/auth/jwt/login");
    assert_eq!(seen[0].body, "{\"jwt\":\"a.b.c\",\"role\":\"dev\"}");
    // `write auth/jwt/login` prints the auth table and stores nothing, as Vault's.
    let out = env.run(&[
        "write",
        "-field=token",
        "auth/jwt/login",
        "role=dev",
        "jwt=x",
    ]);
    expect(&out, 0, "s.issuedtokenAAAAAAAAAAAA", "");
}
