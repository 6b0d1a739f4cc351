//! The attack corpus (issue 7): hostile tokens through the real binary, against a static-key
//! mount and a JWKS mount seeded offline (`jwks/import`). Every case must be refused with exit
//! 2 and a clear message, never panic, and finish within a generous deadline (a hang guard,
//! not a timing assertion). `jku`/`x5u` point at a loopback listener that must see no request.
//! Also the jwt.io RS256 sample with its published key and a fixed clock (library level).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::support::{bin, now, testdata, Alg, Env, Key, Out};

/// Per-run hang guard: far above any normal run (tens of milliseconds).
const DEADLINE: Duration = Duration::from_secs(10);

const NO_KEY: &str =
    "error validating token: error verifying token signature: no known key successfully validated the token signature";
const JWKS_FAILED: &str =
    "error validating token: error verifying token signature: failed to verify id token signature";
const GO_OIDC_ALGS: &str =
    r#"["RS256" "RS384" "RS512" "ES256" "ES384" "ES512" "PS256" "PS384" "PS512" "EdDSA"]"#;
const NOT_NUMBER: &str =
    "error validating token: go-jose/go-jose/jwt: expected number value to unmarshal NumericDate";
const EXPIRED: &str =
    "error validating token: invalid expiration time (exp) claim: token is expired";
const NOT_YET: &str = "error validating token: invalid not before (nbf) claim: token not yet valid";

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn jwks_unexpected_alg(alg: &str) -> String {
    format!(
        "error validating token: error verifying token signature: oidc: malformed jwt: unexpected signature algorithm \"{alg}\"; expected {GO_OIDC_ALGS}"
    )
}

// ---------------------------------------------------------------------------------------------
// A loopback listener that counts connections and answers every request with `body`.

struct Listener {
    port: u16,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    fn start(body: String) -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("addr").port();
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (hits.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                h.fetch_add(1, Ordering::SeqCst);
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = [0u8; 4096];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = write!(
                    conn,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Listener {
            port,
            hits,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so the thread sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running the binary with a hang guard.

fn run_guarded(env: &Env, args: &[&str], stdin: &[u8]) -> Out {
    let mut c = Command::new(bin());
    c.args(args).current_dir(env.dir.path()).env_clear();
    if let Some(p) = std::env::var_os("PATH") {
        c.env("PATH", p);
    }
    for (k, v) in &env.vars {
        c.env(k, v);
    }
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jwtvault");
    let input = stdin.to_vec();
    let mut sin = child.stdin.take().expect("stdin");
    // Writing a large stdin must not block the deadline check.
    let writer = std::thread::spawn(move || {
        let _ = sin.write_all(&input);
    });
    let mut sout = child.stdout.take().expect("stdout");
    let mut serr = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = sout.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = serr.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jwtvault {args:?} still running after {DEADLINE:?} (hang guard)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    let stdout = String::from_utf8_lossy(&out_t.join().expect("stdout thread")).into_owned();
    let stderr = String::from_utf8_lossy(&err_t.join().expect("stderr thread")).into_owned();
    Out {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// The two mounts every attack runs against, and the listener `jku`/`x5u` point at.
struct Target {
    env: Env,
    /// The legitimate issuer's keys: RSA (static only), P-256 with kid `k1` (both mounts).
    rsa: Key,
    ec: Key,
    /// A key nobody configured.
    attacker: Key,
    /// The JWKS mount's URL; a forged token makes jwtvault refetch from here (Vault does).
    issuer: Listener,
    /// `jku`/`x5u` target: must never see a request.
    trap: Listener,
}

impl Target {
    fn new() -> Target {
        let env = Env::new();
        let rsa = Key::new(Alg::RS256);
        let ec = Key::new(Alg::ES256);
        let attacker = Key::new(Alg::ES256);
        let jwks = ec.jwks(Some("k1")).to_string();
        let issuer = Listener::start(jwks.clone());
        let trap = Listener::start(attacker.jwks(Some("k1")).to_string());
        env.run(&["auth", "enable", "jwt"]).ok();
        let cfg = env.file(
            "static.json",
            &json!({"jwt_validation_pubkeys": [rsa.public, ec.public]}).to_string(),
        );
        env.run(&["write", "auth/jwt/config", &format!("@{}", cfg.display())])
            .ok();
        env.run(&["auth", "enable", "-path=jwks", "jwt"]).ok();
        let file = env.file("jwks.json", &jwks);
        let url = issuer.url("/jwks.json");
        env.run(&[
            "write",
            "auth/jwks/jwks/import",
            &format!("jwks=@{}", file.display()),
            &format!("url={url}"),
        ])
        .ok();
        env.run(&[
            "write",
            "-offline",
            "auth/jwks/config",
            &format!("jwks_url={url}"),
        ])
        .ok();
        for m in ["jwt", "jwks"] {
            env.run(&[
                "write",
                &format!("auth/{m}/role/r"),
                "role_type=jwt",
                "user_claim=sub",
                "bound_audiences=vault",
            ])
            .ok();
        }
        let t = Target {
            env,
            rsa,
            ec,
            attacker,
            issuer,
            trap,
        };
        // The set-up is sound: the legitimate key logs in on both mounts, offline.
        let good = t.sign_ec(&t.header("ES256"), &t.claims());
        for m in ["jwt", "jwks"] {
            let out = t.login(m, good.as_bytes());
            out.ok();
        }
        assert_eq!(t.issuer.hits(), 0, "set-up touched the network");
        t
    }

    fn claims(&self) -> Value {
        let n = now();
        json!({"sub": "user-12345", "aud": "vault", "iat": n, "exp": n + 600})
    }

    fn header(&self, alg: &str) -> Value {
        json!({"alg": alg, "kid": "k1", "typ": "JWT"})
    }

    /// Signs exact header and payload values with the legitimate EC key.
    fn sign_ec(&self, header: &Value, payload: &Value) -> String {
        self.sign_raw(
            &self.ec,
            header.to_string().as_bytes(),
            payload.to_string().as_bytes(),
        )
    }

    fn sign_raw(&self, key: &Key, header: &[u8], payload: &[u8]) -> String {
        jwtvault::verify::sign_compact(key.alg, &key.private, header, payload).expect("sign")
    }

    /// `write auth/<mount>/login role=r jwt=-` with the token on stdin.
    fn login(&self, mount: &str, token: &[u8]) -> Out {
        run_guarded(
            &self.env,
            &["write", &format!("auth/{mount}/login"), "role=r", "jwt=-"],
            token,
        )
    }

    /// Asserts the refusal: exit 2, Vault's error layout with `message`, a bounded stderr,
    /// no panic, and no request to the `jku`/`x5u` listener.
    #[track_caller]
    fn refused(&self, what: &str, mount: &str, token: &[u8], message: &str) -> Out {
        let out = self.login(mount, token);
        let ctx = format!(
            "{what} on {mount}\nstdout:\n{}\nstderr:\n{}",
            out.stdout, out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "panic: {ctx}");
        assert_eq!(out.code, 2, "{ctx}");
        assert_eq!(out.stdout, "", "{ctx}");
        let head = format!(
            "Error writing data to auth/{mount}/login: Code: 400. Errors:\n\n* {message}\n"
        );
        assert!(out.stderr.starts_with(&head), "want:\n{head}\n{ctx}");
        // A hostile header value (a 10 KB kid) must not flood the terminal.
        assert!(
            out.stderr.len() < 4096,
            "stderr is {} bytes: {ctx}",
            out.stderr.len()
        );
        assert_eq!(self.trap.hits(), 0, "jku/x5u listener was contacted: {ctx}");
        out
    }

    /// Refused on both mounts, with the static mount's and the JWKS mount's messages.
    #[track_caller]
    fn refused_both(&self, what: &str, token: &[u8], static_msg: &str, jwks_msg: &str) {
        self.refused(what, "jwt", token, static_msg);
        self.refused(what, "jwks", token, jwks_msg);
    }
}

// ---------------------------------------------------------------------------------------------
// alg and key confusion

#[test]
fn alg_none_in_any_case_is_refused() {
    let t = Target::new();
    for alg in ["none", "None", "NONE", "nOnE"] {
        let token = format!(
            "{}.{}.",
            b64(json!({"alg": alg, "kid": "k1"}).to_string().as_bytes()),
            b64(t.claims().to_string().as_bytes())
        );
        t.refused_both(
            &format!("alg {alg}"),
            token.as_bytes(),
            NO_KEY,
            &jwks_unexpected_alg(alg),
        );
        // A signature copied from a real token does not help.
        let real = t.sign_ec(&t.header("ES256"), &t.claims());
        let sig = real.rsplit('.').next().expect("sig");
        let token = format!("{token}{sig}");
        t.refused_both(
            &format!("alg {alg} + sig"),
            token.as_bytes(),
            NO_KEY,
            &jwks_unexpected_alg(alg),
        );
    }
}

fn hs256(header: &Value, payload: &Value, key: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let k = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key);
    let tag = aws_lc_rs::hmac::sign(&k, input.as_bytes());
    format!("{input}.{}", b64(tag.as_ref()))
}

#[test]
fn hmac_with_public_key_material_is_refused() {
    let t = Target::new();
    let ec_point = {
        let k = jwtvault::keys::parse_pem(&t.ec.public).expect("ec");
        match k {
            jwtvault::keys::PublicKey::Ec { point, .. } => point,
            _ => panic!("not EC"),
        }
    };
    let ec_der = STANDARD
        .decode(
            t.ec.public
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>(),
        )
        .expect("der");
    let secrets: Vec<(&str, Vec<u8>)> = vec![
        ("RSA public key PEM", t.rsa.public.as_bytes().to_vec()),
        (
            "RSA PEM without newline",
            t.rsa.public.trim_end().as_bytes().to_vec(),
        ),
        ("EC public key PEM", t.ec.public.as_bytes().to_vec()),
        ("EC point bytes", ec_point),
        ("EC SPKI DER", ec_der),
        ("JWKS text", t.ec.jwks(Some("k1")).to_string().into_bytes()),
    ];
    for alg in ["HS256", "HS384", "HS512", "hs256"] {
        for (what, secret) in &secrets {
            let token = hs256(&t.header(alg), &t.claims(), secret);
            t.refused_both(
                &format!("{alg} MACed with the {what}"),
                token.as_bytes(),
                NO_KEY,
                &jwks_unexpected_alg(alg),
            );
        }
    }
}

#[test]
fn embedded_and_remote_key_headers_are_never_used() {
    let t = Target::new();
    let attacker_jwk = t.attacker.jwks(Some("k1"))["keys"][0].clone();
    let cases: Vec<(&str, Value)> = vec![
        (
            "embedded jwk",
            json!({"alg": "ES256", "kid": "k1", "jwk": attacker_jwk}),
        ),
        (
            "jku",
            json!({"alg": "ES256", "kid": "k1", "jku": t.trap.url("/jwks.json")}),
        ),
        (
            "x5u",
            json!({"alg": "ES256", "kid": "k1", "x5u": t.trap.url("/cert.pem")}),
        ),
        (
            "jku + jwk + x5u, no kid",
            json!({"alg": "ES256", "jku": t.trap.url("/k"), "x5u": t.trap.url("/c"), "jwk": attacker_jwk}),
        ),
        ("x5c", json!({"alg": "ES256", "kid": "k1", "x5c": ["MIIB"]})),
    ];
    for (what, header) in cases {
        let token = t.sign_raw(
            &t.attacker,
            header.to_string().as_bytes(),
            t.claims().to_string().as_bytes(),
        );
        t.refused_both(what, token.as_bytes(), NO_KEY, JWKS_FAILED);
    }
    // An embedded JWK carrying a private key is refused as go-jose refuses it.
    let mut private = attacker_jwk.clone();
    private["d"] = json!(b64(&[7u8; 32]));
    let header = json!({"alg": "ES256", "kid": "k1", "jwk": private});
    let token = t.sign_raw(
        &t.attacker,
        header.to_string().as_bytes(),
        t.claims().to_string().as_bytes(),
    );
    t.refused(
        "embedded private jwk",
        "jwt",
        token.as_bytes(),
        "error validating token: error verifying token signature: go-jose/go-jose: invalid embedded jwk, must be public key",
    );
    t.refused(
        "embedded private jwk",
        "jwks",
        token.as_bytes(),
        "error validating token: error verifying token signature: oidc: malformed jwt: go-jose/go-jose: invalid embedded jwk, must be public key",
    );
    assert_eq!(t.trap.hits(), 0);
}

#[test]
fn hostile_kids_are_refused_without_lookups() {
    let t = Target::new();
    let long = "k".repeat(10 * 1024);
    let kids = [
        "../../../../etc/passwd",
        "/dev/zero",
        "' OR '1'='1' --",
        "k1'; DROP TABLE mounts; --",
        long.as_str(),
        "k1\u{0}",
        "\u{0}",
        "k1\n",
    ];
    for kid in kids {
        let header = json!({"alg": "ES256", "kid": kid});
        // Signed by the attacker: no key verifies on either mount.
        let forged = t.sign_raw(
            &t.attacker,
            header.to_string().as_bytes(),
            t.claims().to_string().as_bytes(),
        );
        let shown: String = kid.chars().take(20).collect();
        t.refused_both(
            &format!("forged, kid {shown:?}"),
            forged.as_bytes(),
            NO_KEY,
            JWKS_FAILED,
        );
        // Signed by the real key: static keys ignore kid (Vault), the JWKS selects by exact kid.
        let real = t.sign_ec(&header, &t.claims());
        t.refused(
            &format!("real key, kid {shown:?}"),
            "jwks",
            real.as_bytes(),
            JWKS_FAILED,
        );
        let out = t.login("jwt", real.as_bytes());
        out.ok();
    }
    // The state file still holds its tables (the SQL-looking kid was data, not SQL).
    t.env.run(&["list", "auth/jwt/role"]).ok();
}

// ---------------------------------------------------------------------------------------------
// Header extensions

#[test]
fn crit_and_unencoded_payload_headers_are_refused() {
    let t = Target::new();
    for (what, header, hint) in [
        (
            "unknown crit",
            json!({"alg": "ES256", "kid": "k1", "crit": ["x-unknown"], "x-unknown": 1}),
            "crit",
        ),
        (
            "crit naming exp",
            json!({"alg": "ES256", "kid": "k1", "crit": ["exp"], "exp": 1}),
            "crit",
        ),
        (
            "b64 false",
            json!({"alg": "ES256", "kid": "k1", "b64": false, "crit": ["b64"]}),
            "b64",
        ),
        (
            "b64 false without crit",
            json!({"alg": "ES256", "kid": "k1", "b64": false}),
            "b64",
        ),
    ] {
        let token = t.sign_ec(&header, &t.claims());
        for m in ["jwt", "jwks"] {
            let out = t.login(m, token.as_bytes());
            let ctx = format!("{what} on {m}: {}", out.stderr);
            assert_eq!(out.code, 2, "{ctx}");
            assert!(!out.stderr.contains("panicked"), "{ctx}");
            let first = out.stderr.lines().nth(2).unwrap_or_default();
            assert!(first.starts_with("* error validating token: "), "{ctx}");
            // The message or its hint names the offending header member.
            assert!(out.stderr.contains(&format!("\"{hint}\"")), "{ctx}");
        }
    }
    // `b64: false` over the raw payload bytes (RFC 7797 form) is refused too.
    let header = json!({"alg": "ES256", "kid": "k1", "b64": false, "crit": ["b64"]});
    let h = b64(header.to_string().as_bytes());
    let payload = t.claims().to_string();
    let input = format!("{h}.{payload}");
    let sig = {
        let tok = t.sign_raw(&t.ec, header.to_string().as_bytes(), payload.as_bytes());
        tok.rsplit('.').next().expect("sig").to_string()
    };
    let out = t.login("jwt", format!("{input}.{sig}").as_bytes());
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"));
}

// ---------------------------------------------------------------------------------------------
// Degenerate ECDSA and RSA signatures

/// The order n of P-256, big-endian.
const P256_N: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
];

fn scalar(which: &str) -> [u8; 32] {
    let mut v = [0u8; 32];
    match which {
        "0" => {}
        "1" => v[31] = 1,
        "n" => v = P256_N,
        "n-1" => {
            v = P256_N;
            v[31] -= 1;
        }
        "n+1" => {
            v = P256_N;
            v[31] += 1;
        }
        "max" => v = [0xFF; 32],
        _ => unreachable!(),
    }
    v
}

#[test]
fn degenerate_ecdsa_and_rsa_signatures_are_refused() {
    let t = Target::new();
    let h = b64(t.header("ES256").to_string().as_bytes());
    let p = b64(t.claims().to_string().as_bytes());
    let pairs = [
        ("0", "0"),
        ("1", "1"),
        ("n-1", "n-1"),
        ("n", "n"),
        ("0", "1"),
        ("1", "0"),
        ("1", "n-1"),
        ("n-1", "1"),
        ("n", "1"),
        ("1", "n"),
        ("n+1", "1"),
        ("max", "max"),
    ];
    for (r, s) in pairs {
        let mut sig = scalar(r).to_vec();
        sig.extend_from_slice(&scalar(s));
        let token = format!("{h}.{p}.{}", b64(&sig));
        t.refused_both(
            &format!("ES256 r={r} s={s}"),
            token.as_bytes(),
            NO_KEY,
            JWKS_FAILED,
        );
    }
    // Wrong lengths and a DER-encoded signature (Java's habit) are refused too.
    for sig in [vec![], vec![0u8; 63], vec![0u8; 65], vec![1u8; 128], {
        let mut der = vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];
        der.resize(8, 0);
        der
    }] {
        let token = format!("{h}.{p}.{}", b64(&sig));
        t.refused_both(
            &format!("ES256 sig of {} bytes", sig.len()),
            token.as_bytes(),
            NO_KEY,
            JWKS_FAILED,
        );
    }
    // RSA: s = 0, s = 1 and s = n (the modulus) for the static RSA key.
    let n = match jwtvault::keys::parse_pem(&t.rsa.public).expect("rsa") {
        jwtvault::keys::PublicKey::Rsa { n, .. } => n,
        _ => panic!("not RSA"),
    };
    let h = b64(json!({"alg": "RS256"}).to_string().as_bytes());
    let mut one = vec![0u8; n.len()];
    *one.last_mut().expect("len") = 1;
    for (what, sig) in [
        ("s=0", vec![0u8; n.len()]),
        ("s=1", one),
        ("s=n", n.clone()),
    ] {
        let token = format!("{h}.{p}.{}", b64(&sig));
        t.refused(&format!("RS256 {what}"), "jwt", token.as_bytes(), NO_KEY);
    }
}

// ---------------------------------------------------------------------------------------------
// Claims

#[test]
fn duplicate_member_names_are_refused_before_the_signature() {
    let t = Target::new();
    let n = now();
    let payloads = [
        format!(
            r#"{{"sub":"user-12345","sub":"admin","aud":"vault","iat":{n},"exp":{}}}"#,
            n + 600
        ),
        format!(
            r#"{{"sub":"user-12345","aud":"other","aud":"vault","iat":{n},"exp":{}}}"#,
            n + 600
        ),
        format!(
            r#"{{"sub":"u","aud":"vault","exp":{},"exp":{},"iat":{n}}}"#,
            n - 600,
            n + 600
        ),
        format!(
            r#"{{"sub":"u","aud":"vault","iat":{n},"exp":{},"x":{{"a":1,"a":2}}}}"#,
            n + 600
        ),
    ];
    let names = ["sub", "aud", "exp", "a"];
    for (payload, name) in payloads.iter().zip(names) {
        let token = t.sign_raw(
            &t.ec,
            t.header("ES256").to_string().as_bytes(),
            payload.as_bytes(),
        );
        let msg = format!(
            "error validating token: token payload repeats the member name \"{name}\"; jwtvault refuses duplicate names (Vault would keep the last)"
        );
        t.refused_both(&format!("duplicate {name}"), token.as_bytes(), &msg, &msg);
        // Forged with an unknown key: still refused before any signature work, same message.
        let forged = t.sign_raw(
            &t.attacker,
            t.header("ES256").to_string().as_bytes(),
            payload.as_bytes(),
        );
        t.refused_both(
            &format!("forged duplicate {name}"),
            forged.as_bytes(),
            &msg,
            &msg,
        );
    }
    // A repeated header member: go-jose's own message.
    let token = t.sign_raw(
        &t.ec,
        br#"{"alg":"ES256","kid":"k1","kid":"k2"}"#,
        t.claims().to_string().as_bytes(),
    );
    t.refused(
        "duplicate header kid",
        "jwt",
        token.as_bytes(),
        "error validating token: error verifying token signature: json: duplicate key 'kid' in object",
    );
}

#[test]
fn time_claims_of_the_wrong_type_or_absurd_value_are_refused() {
    let t = Target::new();
    let n = now();
    let with = |extra: Value| -> Value {
        let mut c: Map<String, Value> = json!({"sub": "user-12345", "aud": "vault"})
            .as_object()
            .cloned()
            .expect("object");
        for (k, v) in extra.as_object().expect("object") {
            c.insert(k.clone(), v.clone());
        }
        Value::Object(c)
    };
    let raw_num = |s: &str| -> Value { serde_json::from_str(s).expect("number") };
    let cases: Vec<(&str, Value, &str)> = vec![
        ("exp as a string", with(json!({"iat": n, "exp": (n + 600).to_string()})), NOT_NUMBER),
        ("nbf as a string", with(json!({"iat": n, "exp": n + 600, "nbf": "0"})), NOT_NUMBER),
        ("iat as a string", with(json!({"iat": n.to_string(), "exp": n + 600})), NOT_NUMBER),
        ("exp as a bool", with(json!({"iat": n, "exp": true})), NOT_NUMBER),
        ("exp as an array", with(json!({"iat": n, "exp": [n + 600]})), NOT_NUMBER),
        ("exp as an object", with(json!({"iat": n, "exp": {"n": n + 600}})), NOT_NUMBER),
        ("exp as a float in the past", with(json!({"iat": n - 900, "exp": (n - 600) as f64 + 0.5})), EXPIRED),
        ("nbf as a float in the future", with(json!({"iat": n, "exp": n + 3600, "nbf": (n + 900) as f64 + 0.25})), NOT_YET),
        ("exp 1e300", with(json!({"iat": n, "exp": raw_num("1e300")})), EXPIRED),
        ("exp -1e300", with(json!({"iat": n, "exp": raw_num("-1e300")})), EXPIRED),
        ("exp 1e19 (over int64)", with(json!({"iat": n, "exp": raw_num("1e19")})), EXPIRED),
        ("nbf 1e300, no exp", with(json!({"nbf": raw_num("1e300")})), EXPIRED),
        ("iat 1e300, no exp", with(json!({"iat": raw_num("1e300")})), EXPIRED),
        ("exp negative", with(json!({"iat": n, "exp": -1})), EXPIRED),
        ("exp i64::MIN", with(json!({"iat": n, "exp": i64::MIN})), EXPIRED),
        ("nbf negative, no exp", with(json!({"nbf": -5})), EXPIRED),
        ("iat negative, no exp", with(json!({"iat": -100})), EXPIRED),
        // Go converts 2^63 to int64 as MinInt64 (amd64): iat "absent-like", exp := 0 + 150.
        ("iat 2^63, no exp", with(json!({"iat": raw_num("9223372036854775807")})), EXPIRED),
        ("nbf in the far future", with(json!({"iat": n, "exp": n + 600, "nbf": 1i64 << 62})), NOT_YET),
        ("exp 1e-300", with(json!({"iat": raw_num("1e-300")})), "error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token"),
    ];
    for (what, claims, msg) in cases {
        let token = t.sign_ec(&t.header("ES256"), &claims);
        t.refused_both(what, token.as_bytes(), msg, msg);
        // `jwt decode` prints these times as dates: absurd values must not overflow (this
        // panicked on exp 1e300 before token::rfc3339 clamped its input).
        let out = run_guarded(&t.env, &["jwt", "decode", &token], b"");
        assert_eq!(out.code, 0, "jwt decode, {what}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{what}: {}", out.stderr);
    }
}

// ---------------------------------------------------------------------------------------------
// Size, depth and malformed compact forms

#[test]
fn oversized_and_deeply_nested_tokens_are_refused() {
    let t = Target::new();
    // 1 MiB: refused before parsing.
    let big_claims = json!({"sub": "u", "aud": "vault", "iat": now(), "pad": "x".repeat(1 << 20)});
    let big = t.sign_ec(&t.header("ES256"), &big_claims);
    assert!(big.len() > 1 << 20);
    let msg = format!(
        "error validating token: token is {} bytes; at most 65536 bytes are accepted",
        big.len()
    );
    t.refused_both("1 MiB token", big.as_bytes(), &msg, &msg);
    // 100,000 nested brackets in the payload (over 64 KiB once encoded: refused by size).
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let token = t.sign_raw(
        &t.ec,
        t.header("ES256").to_string().as_bytes(),
        deep.as_bytes(),
    );
    let msg = format!(
        "error validating token: token is {} bytes; at most 65536 bytes are accepted",
        token.len()
    );
    t.refused_both("100,000 nested brackets", token.as_bytes(), &msg, &msg);
    // 20,000 nested brackets fit under 64 KiB: the parser's depth limit refuses them.
    for (what, header, payload) in [
        (
            "payload",
            t.header("ES256").to_string(),
            format!("{{\"a\":{}{}}}", "[".repeat(20_000), "]".repeat(20_000)),
        ),
        (
            "payload objects",
            t.header("ES256").to_string(),
            format!("{}{}", "{\"a\":".repeat(8_000), "}".repeat(8_000)),
        ),
        (
            "header",
            format!(
                "{{\"alg\":\"ES256\",\"x\":{}{}}}",
                "[".repeat(20_000),
                "]".repeat(20_000)
            ),
            t.claims().to_string(),
        ),
    ] {
        let token = t.sign_raw(&t.ec, header.as_bytes(), payload.as_bytes());
        assert!(token.len() < 65536, "{what}: {}", token.len());
        for m in ["jwt", "jwks"] {
            let out = t.login(m, token.as_bytes());
            let ctx = format!("deep {what} on {m}: {}", out.stderr);
            assert_eq!(out.code, 2, "{ctx}");
            assert!(!out.stderr.contains("panicked"), "{ctx}");
            assert!(out.stderr.contains("recursion limit exceeded"), "{ctx}");
        }
    }
    // `jwt decode` of the same deep token: a clear error, no stack overflow.
    let token = t.sign_raw(
        &t.ec,
        t.header("ES256").to_string().as_bytes(),
        format!("{{\"a\":{}{}}}", "[".repeat(20_000), "]".repeat(20_000)).as_bytes(),
    );
    let f = t.env.file("deep.jwt", &token);
    let out = run_guarded(
        &t.env,
        &["jwt", "decode", &format!("@{}", f.display())],
        b"",
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("recursion limit exceeded"),
        "{}",
        out.stderr
    );
    // And a deeply nested JSON request body or policy.
    let body = t.env.file(
        "deep.json",
        &format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    let out = run_guarded(
        &t.env,
        &[
            "write",
            "auth/jwt/role/deep",
            &format!("@{}", body.display()),
        ],
        b"",
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    // Go's decoder text (its depth limit is 10,000).
    assert!(out.stderr.contains("exceeded max depth"), "{}", out.stderr);
    let hcl = t.env.file(
        "deep.hcl",
        &format!(
            "path \"x\" {{ a = {}{} }}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    let out = run_guarded(
        &t.env,
        &["policy", "write", "deep", &hcl.display().to_string()],
        b"",
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("maximum nesting depth exceeded"),
        "{}",
        out.stderr
    );
    // A path string holding a deep `${(((…}` template (found by fuzz/policy: the HCL string
    // decoder overflowed its stack and aborted). HCL1 keeps templates literal: accepted.
    for depth in [200, 20_000, 100_000] {
        let hcl = t.env.file(
            "template.hcl",
            &format!(
                "path \"${{{}}}\" {{ capabilities = [\"read\"] }}\n",
                "(".repeat(depth)
            ),
        );
        for args in [
            vec![
                "policy",
                "write",
                "deep-template",
                hcl.to_str().expect("path"),
            ],
            vec!["policy", "fmt", hcl.to_str().expect("path")],
        ] {
            let out = run_guarded(&t.env, &args, b"");
            assert!(
                !out.stderr.contains("overflow") && !out.stderr.contains("panicked"),
                "{args:?} depth {depth}: {}",
                out.stderr
            );
            assert_eq!(out.code, 0, "{args:?} depth {depth}: {}", out.stderr);
        }
    }
}

#[test]
fn malformed_compact_forms_and_padding_are_refused() {
    let t = Target::new();
    // ECDSA signatures are randomised: sign until the token holds a `-` or `_`, so that the
    // standard-alphabet case really changes the token (a token without either character reads
    // the same in both alphabets and would rightly log in).
    let good = (0..200)
        .map(|_| t.sign_ec(&t.header("ES256"), &t.claims()))
        .find(|tok| tok.contains('-') || tok.contains('_'))
        .expect("a signature with a base64url-only character within 200 tries");
    let parts: Vec<&str> = good.split('.').collect();
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    let three = "go-jose/go-jose: compact JWS format must have three parts";
    let sig =
        |detail: &str| format!("error validating token: error verifying token signature: {detail}");
    let jwks = |detail: &str| {
        format!("error validating token: error verifying token signature: oidc: malformed jwt: {detail}")
    };
    let padded = |part: &str| {
        let mut x = part.to_string();
        while !x.len().is_multiple_of(4) {
            x.push('=');
        }
        if x.len() == part.len() {
            x.push_str("==");
        }
        x
    };
    let std_b64 = |part: &str| part.replace('-', "+").replace('_', "/");
    let cases: Vec<(&str, String, String)> = vec![
        ("one part", "abc".into(), three.into()),
        ("two parts", format!("{h}.{p}"), three.into()),
        ("four parts", format!("{h}.{p}.{s}.{s}"), three.into()),
        ("dots only", "..".into(), "".into()),
        ("header padded", format!("{}.{p}.{s}", padded(h)), "".into()),
        ("payload padded", format!("{h}.{}.{s}", padded(p)), "".into()),
        ("signature padded", format!("{h}.{p}.{}", padded(s)), "".into()),
        ("standard base64 alphabet", format!("{}.{}.{}", std_b64(h), std_b64(p), std_b64(s)), "".into()),
        ("space inside", format!("{h}.{p} .{s}"), "".into()),
        ("non-ASCII", format!("{h}.{p}.{s}é"), "".into()),
        ("NUL inside", format!("{h}.{p}\u{0}.{s}"), "".into()),
        ("header not JSON", format!("{}.{p}.{s}", b64(b"alg:ES256")), "".into()),
        ("header an array", format!("{}.{p}.{s}", b64(b"[\"ES256\"]")), "".into()),
        ("header empty", format!(".{p}.{s}"), "".into()),
        ("payload not JSON", format!("{h}.{}.{s}", b64(b"sub=u")), "".into()),
        ("JSON serialization", format!("{{\"payload\":\"{p}\",\"signatures\":[{{\"protected\":\"{h}\",\"signature\":\"{s}\"}}]}}"), "".into()),
    ];
    for (what, token, detail) in cases {
        for m in ["jwt", "jwks"] {
            let out = t.login(m, token.as_bytes());
            let ctx = format!("{what} on {m}\nstderr:\n{}", out.stderr);
            assert_eq!(out.code, 2, "{ctx}");
            assert!(!out.stderr.contains("panicked"), "{ctx}");
            assert_eq!(out.stdout, "", "{ctx}");
            let first = out.stderr.lines().nth(2).unwrap_or_default();
            assert!(first.starts_with("* error validating token: "), "{ctx}");
            if !detail.is_empty() {
                let want = if m == "jwt" {
                    sig(&detail)
                } else {
                    jwks(&detail)
                };
                assert_eq!(first, format!("* {want}"), "{ctx}");
            }
            // The real signature never appears in what jwtvault prints.
            assert!(!out.stderr.contains(s), "signature echoed: {ctx}");
        }
    }
    // Padding gets go-jose's base64 message (Vault's go-jose strips '=': deviations.md D-16).
    let out = t.login("jwt", format!("{h}.{p}.{}", padded(s)).as_bytes());
    assert!(
        out.stderr.contains("* error validating token: error verifying token signature: illegal base64 data at input byte "),
        "{}",
        out.stderr
    );
    // The empty token is Vault's `missing token`.
    t.refused("empty token", "jwt", b"", "missing token");
    // And the untouched token still logs in (the corpus did not break the mounts).
    t.login("jwt", good.as_bytes()).ok();
    t.login("jwks", good.as_bytes()).ok();
}

// ---------------------------------------------------------------------------------------------
// The jwt.io RS256 sample with its published key and a fixed clock (library level: the binary
// reads the wall clock).

#[test]
fn jwtio_rs256_sample_verifies_with_its_published_key_at_a_fixed_clock() {
    use jwtvault::claims::{self, AudienceRule, Expected, IdentityRules, LoginRules, Trace};
    use jwtvault::verify::{self, KeySet, VerifyError};

    let path = testdata().join("jwtio/rs256-sample.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (committed under tests/data; JWTVAULT_TESTDATA overrides)",
            path.display()
        )
    });
    let doc: Value = serde_json::from_str(&text).expect("sample json");
    let token = doc["token"].as_str().expect("token");
    let jwks = json!({"keys": [doc["jwk"]]}).to_string();
    let set = jwtvault::keys::parse_jwks(jwks.as_bytes()).expect("published key");
    let key = jwtvault::keys::public_key_from_jwk(&doc["jwk"]).expect("published key");
    let statics = [key];

    for keys in [KeySet::Jwks(&set), KeySet::Static(&statics)] {
        let v = verify::verify(token, keys, &[Alg::RS256]).expect("jwt.io sample verifies");
        assert_eq!(v.alg, Alg::RS256);
        assert_eq!(Value::Object(v.claims.clone()), doc["claims"]);
        // Allowed algorithms are checked after the signature (reference §4.8.2).
        assert!(matches!(
            verify::verify(token, keys, &[Alg::PS256]),
            Err(VerifyError::UnexpectedAlg { .. })
        ));
    }
    // One changed payload byte: no key verifies.
    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    let mut claims_json = doc["claims"].clone();
    claims_json["admin"] = json!(false);
    parts[1] = b64(claims_json.to_string().as_bytes());
    let tampered = parts.join(".");
    assert!(matches!(
        verify::verify(&tampered, KeySet::Jwks(&set), &[]),
        Err(VerifyError::NoKeyVerified { .. })
    ));

    // Claims with a fixed clock. The sample has only iat (1516239022): nbf := iat and
    // exp := iat + 150 (expiration_leeway default), checked with a 60 s skew.
    let v = verify::verify(token, KeySet::Jwks(&set), &[]).expect("verifies");
    let iat = 1_516_239_022.0;
    let none: Vec<String> = Vec::new();
    let rules = LoginRules {
        expected: Expected {
            bound_issuer: "",
            bound_subject: "1234567890",
            bound_audiences: &none,
            audiences_from_config: false,
            clock_skew_leeway: 0,
            expiration_leeway: 0,
            not_before_leeway: 0,
        },
        audience_rule: AudienceRule::default(),
        identity: IdentityRules {
            role_name: "sample",
            user_claim: "name",
            user_claim_json_pointer: false,
            groups_claim: "",
            claim_mappings: None,
        },
        bound_claims: None,
        bound_claims_glob: false,
    };
    let check = |now: f64| claims::check_claims(&v.claims, &rules, now, &mut Trace::new());
    let id = check(iat + 100.0).expect("valid 100 s after iat");
    assert_eq!(id.alias_name, "John Doe");
    assert_eq!(id.metadata.get("role").map(String::as_str), Some("sample"));
    check(iat + 210.0).expect("valid at iat + 150 + 60 (comparisons are strict)");
    assert_eq!(
        check(iat + 210.5).expect_err("expired").message,
        "error validating token: invalid expiration time (exp) claim: token is expired"
    );
    assert_eq!(
        check(iat - 61.0).expect_err("not yet valid").message,
        "error validating token: invalid not before (nbf) claim: token not yet valid"
    );
    check(iat - 60.0).expect("valid within the 60 s skew");
    // The wall clock (years later) refuses it, as Vault would.
    assert_eq!(
        check(now() as f64).expect_err("expired today").message,
        "error validating token: invalid expiration time (exp) claim: token is expired"
    );
    let wrong_sub = LoginRules {
        expected: Expected {
            bound_subject: "someone-else",
            ..rules.expected
        },
        ..rules
    };
    assert_eq!(
        claims::check_claims(&v.claims, &wrong_sub, iat + 1.0, &mut Trace::new())
            .expect_err("subject")
            .message,
        "error validating token: invalid subject (sub) claim"
    );
}
