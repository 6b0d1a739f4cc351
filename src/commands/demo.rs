//! `jwtvault demo` (jwtvault extension): the walkthrough the project started from, end to end,
//! on a temporary state, against an issuer served on loopback by this process with a key made
//! now. Each step is printed as a user would type it, followed by its real output (the step is
//! this same binary, run as a child process).
//!
//! The demo never reads or writes the user's state, token helper file, seal key or server
//! (contract §3): its steps get an environment of the demo's own, and only `demo -state=PATH`
//! keeps the state, in a file that must not exist yet (with the seal key of its secret beside
//! it, `PATH.seal.key`). A step that fails stops the demo with an error naming the step, its
//! command and the step's own error text.
//!
//! After the walkthrough's configuration the operator (no token held yet) mounts a KV store,
//! writes the role's `developer-policy` and stores a secret; after the logins, the developer's
//! token (in the demo's helper file) reads it and is refused elsewhere.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::commands::{Env, Run};
use crate::error::Error;
use crate::ids;
use crate::jwt_tools;
use crate::output;
use crate::output::printer::Printer;
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

/// A folder removed when the demo ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a step must come to.
enum Expect<'a> {
    /// Exit 0.
    Success,
    /// Exit 0 with this text in its output.
    SuccessWith(&'a str),
    /// Exit 2 with this text (Vault's error line) on stderr.
    Refused(&'a str),
}

/// Runs the walkthrough's steps, numbered from 1: each is this binary as a child process, in
/// the demo's folder, with an environment of the demo's own (see [`Steps::command`]).
struct Steps<'a> {
    exe: &'a Path,
    dir: &'a Path,
    state: &'a Path,
    /// The seal key of the demo's secrets: in its folder, or beside a kept state.
    seal: &'a Path,
    env: &'a Env,
    printer: &'a Printer,
    done: usize,
}

impl Steps<'_> {
    /// The child process: nothing of the user's environment reaches it. `env_clear` drops
    /// `JWTVAULT_STATE`, `JWTVAULT_TOKEN_PATH`, `JWTVAULT_TOKEN`, `JWTVAULT_ADDR`,
    /// `JWTVAULT_STORAGE`, `JWTVAULT_FORMAT`, `JWTVAULT_OFFLINE`, `JWTVAULT_REMOTE_ADDR`,
    /// `JWTVAULT_CACERT`, `JWTVAULT_SEAL_KEY_FILE`, the proxies and everything else; the state,
    /// the helper file and the seal key are the demo's, and HOME is the demo's folder, so no
    /// default derived from the user's home is ever reached.
    fn command(&self, args: &[&str]) -> Process {
        let mut c = Process::new(self.exe);
        c.args(args).current_dir(self.dir).env_clear();
        // Windows cannot start networking in a process without SystemRoot.
        if cfg!(windows) {
            if let Some(v) = self.env.get("SystemRoot") {
                c.env("SystemRoot", v);
            }
        }
        c.env("JWTVAULT_STATE", self.state)
            .env("JWTVAULT_TOKEN_PATH", self.dir.join("token"))
            .env("JWTVAULT_SEAL_KEY_FILE", self.seal)
            .env("HOME", self.dir)
            .env("NO_COLOR", "1");
        c
    }

    /// Runs one step: prints `$ jwtvault SHOWN` and then the child's real stdout and stderr;
    /// returns its stdout. A step that does not come to `expect` stops the demo with an error
    /// that names the step, its command and the child's own error text.
    fn run(&mut self, shown: &str, args: &[&str], expect: Expect) -> Result<String, Error> {
        self.done += 1;
        self.printer.stdout(&format!("\n$ jwtvault {shown}\n"));
        let out = self.command(args).output().map_err(|e| {
            Error::Failed(format!(
                "demo: step {} (jwtvault {}): cannot run {}: {e}",
                self.done,
                args.join(" "),
                self.exe.display()
            ))
        })?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        self.printer.stdout(&stdout);
        self.printer.stdout(&stderr);
        let code = out.status.code();
        let problem = match (&expect, code) {
            (Expect::Success, Some(0)) => None,
            (Expect::SuccessWith(want), Some(0)) if stdout.contains(want) => None,
            (Expect::SuccessWith(want), Some(0)) => {
                Some(format!("succeeded, but its output lacks {want}"))
            }
            (Expect::Refused(want), Some(2)) if stderr.contains(want) => None,
            (Expect::Refused(want), Some(2)) => Some(format!(
                "was refused, but not with {want:?}; it said:\n{}",
                stderr.trim_end()
            )),
            (Expect::Refused(want), Some(c)) => Some(format!(
                "should have been refused (exit 2, {want:?}) but exited with {c}"
            )),
            (_, Some(c)) => Some(format!(
                "failed (exit {c}):\n{}",
                if stderr.trim().is_empty() {
                    "(nothing on stderr)"
                } else {
                    stderr.trim_end()
                }
            )),
            (_, None) => Some(format!("was ended by a signal ({})", out.status)),
        };
        match problem {
            None => Ok(stdout),
            Some(p) => Err(Error::Failed(format!(
                "demo: step {} (jwtvault {}) {p}",
                self.done,
                args.join(" ")
            ))),
        }
    }
}

/// The seal key kept beside a kept state: `PATH.seal.key`.
fn kept_key(state: &Path) -> PathBuf {
    let mut p = state.as_os_str().to_owned();
    p.push(".seal.key");
    PathBuf::from(p)
}

/// The state path `demo -state=PATH` keeps, made absolute (the steps run in the demo's own
/// folder). It must not exist yet, nor the journal files SQLite would pair with it, nor the
/// seal key the demo keeps beside it.
fn kept_state(path: &Path) -> Result<PathBuf, Error> {
    let abs = std::path::absolute(path)
        .map_err(|e| Error::Usage(format!("demo: -state={}: {e}", path.display())))?;
    for suffix in ["", "-wal", "-shm", "-journal", ".seal.key"] {
        let mut p = abs.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if p.symlink_metadata().is_ok() {
            return Err(exists(&p));
        }
    }
    Ok(abs)
}

/// The refusal of a `-state` path where a file already is (exit 1).
fn exists(p: &Path) -> Error {
    Error::Usage(format!(
        "demo: {} already exists; demo -state=PATH keeps the demo's state only in a new file, \
         never in one that may be in use. Choose a path where no file exists yet, or run demo \
         without -state",
        p.display()
    ))
}

/// Creates the kept state file (0600, its folder 0700 when new) so that it is the demo's
/// alone: a file that appeared since [`kept_state`] looked is refused the same way.
fn claim_state(path: &Path) -> Result<(), Error> {
    if let Some(dir) = path.parent().filter(|d| !d.exists()) {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir).map_err(|e| {
            Error::Failed(format!(
                "demo: cannot create the folder {} for -state: {e}",
                dir.display()
            ))
        })?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists(path)),
        Err(e) => Err(Error::Failed(format!(
            "demo: cannot create the state file {}: {e}",
            path.display()
        ))),
    }
}

/// A private folder for the demo's files (tokens, the helper file, the temporary state).
fn make_dir() -> Result<TempDir, Error> {
    let dir = std::env::temp_dir().join(format!("jwtvault-demo-{}", ids::random_hex(6)));
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(&dir).map_err(|e| {
        Error::Failed(format!(
            "demo: cannot create the folder {}: {e}",
            dir.display()
        ))
    })?;
    Ok(TempDir(dir))
}

pub fn run(run: &Run, args: &[String]) -> Result<(), Error> {
    if !args.is_empty() {
        return Err(Error::Usage(format!(
            "Too many arguments (expected 0, got {})",
            args.len()
        )));
    }
    // Only -state keeps the state; JWTVAULT_STATE and the rest of the environment are ignored.
    let kept = if run.state_given {
        Some(kept_state(&run.state)?)
    } else {
        None
    };
    let exe = std::env::current_exe()
        .map_err(|e| Error::Failed(format!("demo: cannot find jwtvault itself: {e}")))?;
    let tmp = make_dir()?;
    let dir = tmp.0.clone();
    let state = kept.clone().unwrap_or_else(|| dir.join("state.db"));
    let (private, _public, jwks) = jwt_tools::make_keys(Alg::ES256, Some(KID))
        .map_err(|e| Error::Failed(format!("demo: {e}")))?;
    let issuer = Issuer::start(jwks)
        .map_err(|e| Error::Failed(format!("demo: cannot serve the issuer: {e}")))?;
    sign_tokens(&dir, &issuer.url, &private, Ctx::now_secs() as i64)?;
    if let Some(p) = &kept {
        claim_state(p)?;
    }
    run.printer.stdout(&output::wrap_at_length(
        &format!(
            "jwtvault demo: Vault's JWT auth walkthrough, run for real. An OIDC issuer is served \
             at {} by this process with a fresh ES256 key; the state is {}.",
            issuer.url,
            match &kept {
                Some(p) => p.display().to_string(),
                None => "a temporary file, removed at the end".into(),
            }
        ),
        78,
    ));
    run.printer.stdout("\n");
    let seal = match &kept {
        Some(p) => kept_key(p),
        None => dir.join("seal.key"),
    };
    let mut steps = Steps {
        exe: &exe,
        dir: &dir,
        state: &state,
        seal: &seal,
        env: &run.env,
        printer: &run.printer,
        done: 0,
    };
    configure(&mut steps, &issuer.url)?;
    store_secret(&mut steps)?;
    log_in(&mut steps)?;
    refusals(&mut steps)?;
    read_secret(&mut steps)?;
    run.printer.stdout(
        "\nDone. Every step above ran the real jwtvault against a real (loopback) issuer.\n",
    );
    if let Some(p) = &kept {
        run.printer.stdout(&format!(
            "The state is kept in {}; its jwt/ config names this demo's issuer, which stops now.\n\
             Its secret is sealed with the key in {} (-seal-key-file to read it).\n",
            p.display(),
            seal.display()
        ));
    }
    drop(issuer);
    Ok(())
}

/// The key id of the demo issuer's one key.
const KID: &str = "demo-key-1";

/// The walkthrough's JWTs, signed by the issuer's key into the demo's folder: `token.jwt` (the
/// walkthrough's claims), `ops-token.jwt` (groups without `developers`) and `wrong-aud.jwt`.
fn sign_tokens(dir: &Path, issuer: &str, private: &str, now: i64) -> Result<(), Error> {
    let claims = |groups: Value, aud: &str| -> Map<String, Value> {
        let v = json!({
            "iss": issuer, "sub": "user-12345", "aud": aud, "iat": now, "exp": now + 3600,
            "name": "Alice Smith", "email": "alice@example.com", "groups": groups,
        });
        v.as_object().cloned().unwrap_or_default()
    };
    let tokens = [
        ("token.jwt", json!(["developers", "ops"]), "vault-aud-value"),
        ("ops-token.jwt", json!(["ops"]), "vault-aud-value"),
        (
            "wrong-aud.jwt",
            json!(["developers", "ops"]),
            "another-service",
        ),
    ];
    for (file, groups, aud) in tokens {
        let t = jwt_tools::sign_claims(
            Alg::ES256,
            private,
            Some(KID),
            claims(groups, aud),
            3600,
            now,
        )
        .map_err(Error::Failed)?;
        std::fs::write(dir.join(file), t).map_err(|e| Error::Failed(format!("demo: {e}")))?;
    }
    Ok(())
}

/// The walkthrough's first three commands: the mount, its config, the role.
fn configure(steps: &mut Steps, issuer: &str) -> Result<(), Error> {
    let discovery = format!("{issuer}.well-known/openid-configuration");
    steps.run(
        "auth enable jwt",
        &["auth", "enable", "jwt"],
        Expect::Success,
    )?;
    let oidc = format!("oidc_discovery_url={discovery}");
    let bound = format!("bound_issuer={issuer}");
    steps.run(
        &format!(
            "write auth/jwt/config \\\n    oidc_discovery_url=\"{discovery}\" \\\n    bound_issuer=\"{issuer}\" token_audiences=\"vault-aud-value\""
        ),
        &[
            "write",
            "auth/jwt/config",
            &oidc,
            &bound,
            "token_audiences=vault-aud-value",
        ],
        Expect::Success,
    )?;
    steps.run(
        "write auth/jwt/role/developer-role user_claim=\"sub\" groups_claim=\"groups\" \\\n    token_policies=\"developer-policy\" bound_claims_type=\"glob\" bound_claims=\"groups=developers\"",
        &[
            "write",
            "auth/jwt/role/developer-role",
            "user_claim=sub",
            "groups_claim=groups",
            "token_policies=developer-policy",
            "bound_claims_type=glob",
            "bound_claims=groups=developers",
        ],
        Expect::Success,
    )?;
    Ok(())
}

/// The policy the role's tokens get: read on the secrets under `secret/app/`.
const DEVELOPER_POLICY: &str = "path \"secret/data/app/*\" {\n  capabilities = [\"read\"]\n}\n";

/// The operator (no token held yet, so root rights: contract §2) mounts a KV version 2 store,
/// writes `developer-policy` and stores a secret.
fn store_secret(steps: &mut Steps) -> Result<(), Error> {
    steps.printer.stdout(
        "\n# The operator (no token yet: root rights) mounts a KV store, writes the role's policy\n\
         # and stores a secret. developer-policy.hcl: path \"secret/data/app/*\" { capabilities = [\"read\"] }",
    );
    std::fs::write(steps.dir.join("developer-policy.hcl"), DEVELOPER_POLICY)
        .map_err(|e| Error::Failed(format!("demo: {e}")))?;
    steps.run(
        "secrets enable -path=secret kv-v2",
        &["secrets", "enable", "-path=secret", "kv-v2"],
        Expect::Success,
    )?;
    steps.run(
        "policy write developer-policy developer-policy.hcl",
        &[
            "policy",
            "write",
            "developer-policy",
            "developer-policy.hcl",
        ],
        Expect::Success,
    )?;
    steps.run(
        "kv put secret/app/db user=app password=s3cr3t",
        &["kv", "put", "secret/app/db", "user=app", "password=s3cr3t"],
        Expect::SuccessWith("secret/data/app/db"),
    )?;
    Ok(())
}

/// The logged-in developer (the token in the demo's helper file) reads the secret, and is
/// refused a secret outside `developer-policy` and a write.
fn read_secret(steps: &mut Steps) -> Result<(), Error> {
    steps.printer.stdout(
        "\n# As the logged-in developer (the token in the helper file): developer-policy reads\n\
         # secret/app/*, and nothing else.",
    );
    steps.run(
        "kv get secret/app/db",
        &["kv", "get", "secret/app/db"],
        Expect::SuccessWith("password    s3cr3t"),
    )?;
    steps.run(
        "kv get secret/other/x",
        &["kv", "get", "secret/other/x"],
        Expect::Refused(
            "Error reading secret/data/other/x: Code: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied",
        ),
    )?;
    steps.run(
        "kv put secret/app/db password=n3w",
        &["kv", "put", "secret/app/db", "password=n3w"],
        Expect::Refused(
            "Error writing data to secret/data/app/db: Code: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied",
        ),
    )?;
    Ok(())
}

/// The token, both logins, and the identity behind them.
fn log_in(steps: &mut Steps) -> Result<(), Error> {
    steps
        .printer
        .stdout("\n# A JWT with the walkthrough's claims, signed by the issuer's key (token.jwt):");
    steps.run(
        "jwt decode @token.jwt",
        &["jwt", "decode", "@token.jwt"],
        Expect::Success,
    )?;
    let policies = "[\"default\" \"developer-policy\"]";
    steps.run(
        "write auth/jwt/login role=developer-role jwt=@token.jwt",
        &[
            "write",
            "auth/jwt/login",
            "role=developer-role",
            "jwt=@token.jwt",
        ],
        Expect::SuccessWith(policies),
    )?;
    steps.run(
        "login --jwt @token.jwt --role developer-role",
        &["login", "--jwt", "@token.jwt", "--role", "developer-role"],
        Expect::SuccessWith(policies),
    )?;
    steps
        .printer
        .stdout("\n# The identity behind the token: one entity, its alias named after `sub`.");
    let ids_out = steps.run(
        "list identity/entity/id",
        &["list", "identity/entity/id"],
        Expect::Success,
    )?;
    let id = ids_out.lines().nth(2).map(str::trim).unwrap_or_default();
    let path = format!("identity/entity/id/{id}");
    steps.run(
        &format!("read {path}"),
        &["read", &path],
        Expect::SuccessWith("name:user-12345"),
    )?;
    Ok(())
}

/// Two refusals, with Vault's messages: groups without `developers`, and the wrong `aud`.
fn refusals(steps: &mut Steps) -> Result<(), Error> {
    steps.printer.stdout("\n# Refused: a token whose groups lack `developers` (ops-token.jwt), then one with the wrong aud.");
    steps.run(
        "write auth/jwt/login role=developer-role jwt=@ops-token.jwt",
        &[
            "write",
            "auth/jwt/login",
            "role=developer-role",
            "jwt=@ops-token.jwt",
        ],
        Expect::Refused(
            "* error validating claims: claim \"groups\" does not match any associated bound claim values",
        ),
    )?;
    steps.run(
        "write auth/jwt/login role=developer-role jwt=@wrong-aud.jwt",
        &[
            "write",
            "auth/jwt/login",
            "role=developer-role",
            "jwt=@wrong-aud.jwt",
        ],
        Expect::Refused(
            "* error validating token: invalid audience (aud) claim: audience claim does not match any expected audience",
        ),
    )?;
    Ok(())
}
