//! `jwtvault demo` (jwtvault extension): the walkthrough the project started from, end to end,
//! on a temporary state, against an issuer served on loopback by this process with a key made
//! now. Each step is printed as a user would type it, followed by its real output (the step is
//! this same binary, run as a child process).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::cli::DemoArgs;
use crate::commands::{print, Run};
use crate::error::Error;
use crate::ids;
use crate::jwt_cmd;
use crate::output;
use crate::paths::Ctx;
use crate::verify::Alg;

/// A tiny issuer: discovery document and JWKS over plain HTTP on 127.0.0.1.
struct Issuer {
    url: String,
    stop: Arc<AtomicBool>,
    handle: Option<thread::JoinHandle<()>>,
}

impl Issuer {
    fn start(jwks: Value) -> std::io::Result<Issuer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let url = format!("http://127.0.0.1:{port}/");
        let discovery = json!({
            "issuer": url,
            "jwks_uri": format!("{url}keys"),
            "id_token_signing_alg_values_supported": ["ES256"],
        });
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => serve(stream, &discovery, &jwks),
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Ok(Issuer {
            url,
            stop,
            handle: Some(handle),
        })
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn serve(stream: TcpStream, discovery: &Value, jwks: &Value) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Drain the headers.
    let mut h = String::new();
    while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
        h.clear();
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let (status, body) = match path {
        "/.well-known/openid-configuration" => ("200 OK", discovery.to_string()),
        "/keys" => ("200 OK", jwks.to_string()),
        _ => ("404 Not Found", "{\"error\":\"not found\"}".to_string()),
    };
    let mut w = &stream;
    let _ = write!(
        w,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A folder removed when the demo ends (unless the user chose the state path).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs one step: prints `$ jwtvault ARGS` and then the child's real stdout and stderr.
fn step(
    exe: &Path,
    dir: &Path,
    state: &Path,
    shown: &str,
    args: &[&str],
) -> Result<(String, i32), Error> {
    print::out(&format!("\n$ jwtvault {shown}\n"));
    let out = Process::new(exe)
        .args(args)
        .current_dir(dir)
        .env("JWTVAULT_STATE", state)
        .env("JWTVAULT_TOKEN_PATH", dir.join("token"))
        .env_remove("JWTVAULT_TOKEN")
        .env_remove("JWTVAULT_FORMAT")
        .env_remove("JWTVAULT_OFFLINE")
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| Error::Failed(format!("demo: cannot run {}: {e}", exe.display())))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    print::out(&stdout);
    print::out(&String::from_utf8_lossy(&out.stderr));
    Ok((stdout, out.status.code().unwrap_or(-1)))
}

fn must(ok: bool, what: &str) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::Failed(format!("demo: {what}")))
    }
}

pub fn run(run: &Run, a: DemoArgs) -> Result<(), Error> {
    if !a.args.is_empty() {
        return Err(Error::Usage(format!(
            "Too many arguments (expected 0, got {})",
            a.args.len()
        )));
    }
    let exe = std::env::current_exe()
        .map_err(|e| Error::Failed(format!("demo: cannot find jwtvault itself: {e}")))?;
    let dir = std::env::temp_dir().join(format!("jwtvault-demo-{}", ids::random_hex(6)));
    std::fs::create_dir_all(&dir).map_err(|e| Error::Failed(format!("demo: {e}")))?;
    let _cleanup = TempDir(dir.clone());
    // The state: the one the user named with -state/JWTVAULT_STATE (kept), else a temporary one.
    let explicit = run.env.get("JWTVAULT_STATE").is_some() || run.state_given;
    let state = if explicit {
        run.state.clone()
    } else {
        dir.join("state.db")
    };

    let (private, _public, jwks) = jwt_cmd::make_keys(Alg::ES256, Some("demo-key-1"))
        .map_err(|e| Error::Failed(format!("demo: {e}")))?;
    let issuer = Issuer::start(jwks)
        .map_err(|e| Error::Failed(format!("demo: cannot serve the issuer: {e}")))?;
    let now = Ctx::now_secs() as i64;
    let claims = |groups: Value, aud: &str| -> Map<String, Value> {
        let v = json!({
            "iss": issuer.url, "sub": "user-12345", "aud": aud, "iat": now, "exp": now + 3600,
            "name": "Alice Smith", "email": "alice@example.com", "groups": groups,
        });
        v.as_object().cloned().unwrap_or_default()
    };
    let sign = |c: Map<String, Value>, file: &str| -> Result<(), Error> {
        let t = jwt_cmd::sign_claims(Alg::ES256, &private, Some("demo-key-1"), c, 3600, now)?;
        std::fs::write(dir.join(file), t).map_err(|e| Error::Failed(format!("demo: {e}")))
    };
    sign(
        claims(json!(["developers", "ops"]), "vault-aud-value"),
        "token.jwt",
    )?;
    sign(claims(json!(["ops"]), "vault-aud-value"), "ops-token.jwt")?;
    sign(
        claims(json!(["developers", "ops"]), "another-service"),
        "wrong-aud.jwt",
    )?;

    print::out(&output::wrap_at_length(
        &format!(
            "jwtvault demo: Vault's JWT auth walkthrough, run for real. An OIDC issuer is served \
             at {} by this process with a fresh ES256 key; the state is {}.",
            issuer.url,
            if explicit {
                state.display().to_string()
            } else {
                "a temporary file, removed at the end".into()
            }
        ),
        78,
    ));
    print::out("\n");

    let discovery = format!("{}.well-known/openid-configuration", issuer.url);
    let (_, code) = step(
        &exe,
        &dir,
        &state,
        "auth enable jwt",
        &["auth", "enable", "jwt"],
    )?;
    must(code == 0, "enabling the jwt method failed")?;
    let cfg_args = [
        "write".to_string(),
        "auth/jwt/config".into(),
        format!("oidc_discovery_url={discovery}"),
        format!("bound_issuer={}", issuer.url),
        "token_audiences=vault-aud-value".into(),
    ];
    let shown = format!(
        "write auth/jwt/config \\\n    oidc_discovery_url=\"{discovery}\" \\\n    bound_issuer=\"{}\" token_audiences=\"vault-aud-value\"",
        issuer.url
    );
    let (_, code) = step(
        &exe,
        &dir,
        &state,
        &shown,
        &cfg_args.iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    must(code == 0, "writing the config failed")?;
    let role = [
        "write",
        "auth/jwt/role/developer-role",
        "user_claim=sub",
        "groups_claim=groups",
        "token_policies=developer-policy",
        "bound_claims_type=glob",
        "bound_claims=groups=developers",
    ];
    let shown = "write auth/jwt/role/developer-role user_claim=\"sub\" groups_claim=\"groups\" \\\n    token_policies=\"developer-policy\" bound_claims_type=\"glob\" bound_claims=\"groups=developers\"";
    let (_, code) = step(&exe, &dir, &state, shown, &role)?;
    must(code == 0, "writing the role failed")?;

    print::out("\n# A JWT with the walkthrough's claims, signed by the issuer's key (token.jwt):");
    step(
        &exe,
        &dir,
        &state,
        "jwt decode @token.jwt",
        &["jwt", "decode", "@token.jwt"],
    )?;

    let login = [
        "write",
        "auth/jwt/login",
        "role=developer-role",
        "jwt=@token.jwt",
    ];
    let (out, code) = step(
        &exe,
        &dir,
        &state,
        "write auth/jwt/login role=developer-role jwt=@token.jwt",
        &login,
    )?;
    must(
        code == 0 && out.contains("[\"default\" \"developer-policy\"]"),
        "the login did not succeed as expected",
    )?;

    let short = ["login", "--jwt", "@token.jwt", "--role", "developer-role"];
    let (_, code) = step(
        &exe,
        &dir,
        &state,
        "login --jwt @token.jwt --role developer-role",
        &short,
    )?;
    must(code == 0, "the short login failed")?;

    print::out("\n# The identity behind the token: one entity, its alias named after `sub`.");
    let (ids_out, _) = step(
        &exe,
        &dir,
        &state,
        "list identity/entity/id",
        &["list", "identity/entity/id"],
    )?;
    if let Some(id) = ids_out.lines().nth(2) {
        let path = format!("identity/entity/id/{}", id.trim());
        step(
            &exe,
            &dir,
            &state,
            &format!("read {path}"),
            &["read", &path],
        )?;
    }

    print::out("\n# Refused: a token whose groups lack `developers` (ops-token.jwt), then one with the wrong aud.");
    let (_, code) = step(
        &exe,
        &dir,
        &state,
        "write auth/jwt/login role=developer-role jwt=@ops-token.jwt",
        &[
            "write",
            "auth/jwt/login",
            "role=developer-role",
            "jwt=@ops-token.jwt",
        ],
    )?;
    must(
        code == 2,
        "the token without the developers group was not refused",
    )?;
    let (_, code) = step(
        &exe,
        &dir,
        &state,
        "write auth/jwt/login role=developer-role jwt=@wrong-aud.jwt",
        &[
            "write",
            "auth/jwt/login",
            "role=developer-role",
            "jwt=@wrong-aud.jwt",
        ],
    )?;
    must(
        code == 2,
        "the token with the wrong audience was not refused",
    )?;
    print::out(
        "\nDone. Every step above ran the real jwtvault against a real (loopback) issuer.\n",
    );
    drop(issuer);
    Ok(())
}
