//! Test support: run the real `jwtvault` binary on an isolated state, HOME and token file,
//! and make keys and tokens at test time.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Map, Value};

pub use jwtvault::verify::Alg;

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_jwtvault"))
}

/// Where the committed test data (Wycheproof, jwt.io; see tests/data/README.md) lives:
/// `tests/data`, or `JWTVAULT_TESTDATA` when set.
pub fn testdata() -> PathBuf {
    match std::env::var_os("JWTVAULT_TESTDATA") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"),
    }
}

/// The result of one run.
#[derive(Debug, Clone)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts success and returns self.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts the exit code.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "wrong exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Whether this run of the test binary keeps every [`Env`]'s state on PostgreSQL
/// (`JWTVAULT_TEST_STORAGE=postgres`, the `postgres` step of scripts/test) rather than in a
/// SQLite file.
pub fn on_postgres() -> bool {
    match std::env::var("JWTVAULT_TEST_STORAGE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Ok("") | Err(_) => false,
        Ok(other) => panic!("JWTVAULT_TEST_STORAGE={other}: expected sqlite or postgres"),
    }
}

/// The test cluster, for tests that need PostgreSQL whatever the run's storage; `None` (the
/// test is skipped, with a note) when PostgreSQL is not installed, except under `CI=true`.
pub fn postgres() -> Option<&'static crate::pg_cluster::Cluster> {
    crate::pg_cluster::cluster()
}

/// An isolated jwtvault environment: its own state file (or, in a PostgreSQL run, its own
/// database: `JWTVAULT_STORAGE` without the password, which is in `PGPASSWORD`), HOME and
/// token helper file, in a temporary folder removed at the end of the test.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
    /// The database of a PostgreSQL run, dropped with the environment.
    pub db: Option<crate::pg_cluster::Database>,
}

impl Env {
    pub fn new() -> Env {
        let mut env = Env::sqlite();
        if on_postgres() {
            let c = postgres().unwrap_or_else(|| {
                panic!(
                    "JWTVAULT_TEST_STORAGE=postgres: {}",
                    crate::pg_cluster::INSTALL
                )
            });
            env.use_postgres(c);
        }
        env
    }

    /// An environment whose state is a SQLite file in every run: for the tests about the file
    /// itself (its modes, its WAL, its bytes).
    pub fn sqlite() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        let vars = vec![
            ("HOME".to_string(), home.display().to_string()),
            (
                "JWTVAULT_STATE".to_string(),
                dir.path().join("state/state.db").display().to_string(),
            ),
            (
                "JWTVAULT_TOKEN_PATH".to_string(),
                home.join(".jwtvault-token").display().to_string(),
            ),
            ("NO_COLOR".to_string(), "1".to_string()),
        ];
        Env {
            dir,
            vars,
            db: None,
        }
    }

    /// Keeps this environment's state in a new database of the cluster from now on.
    pub fn use_postgres(&mut self, c: &'static crate::pg_cluster::Cluster) {
        let db = c.database();
        self.set("JWTVAULT_STORAGE", &c.url_without_password(&db));
        self.set("PGPASSWORD", &c.password);
        self.db = Some(db);
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn state(&self) -> PathBuf {
        self.path("state/state.db")
    }

    /// Sets (or replaces) an environment variable for later runs.
    pub fn set(&mut self, k: &str, v: &str) {
        self.vars.retain(|(k2, _)| k2 != k);
        self.vars.push((k.to_string(), v.to_string()));
    }

    /// Writes a file in the environment's folder and returns its path.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, contents).expect("write file");
        p
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.args(args).current_dir(self.dir.path()).env_clear();
        if let Some(p) = std::env::var_os("PATH") {
            c.env("PATH", p);
        }
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    /// Runs `jwtvault ARGS` with empty stdin.
    pub fn run(&self, args: &[&str]) -> Out {
        self.run_stdin(args, "")
    }

    /// Runs `jwtvault ARGS` with `stdin`.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Out {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn jwtvault");
        if let Some(mut s) = child.stdin.take() {
            // The command may not read stdin at all; a broken pipe is fine then.
            let _ = s.write_all(stdin.as_bytes());
        }
        let out = child.wait_with_output().expect("wait jwtvault");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `auth enable jwt` + a static-key config + a role: the usual starting point of login
    /// tests. Returns the issuer's key.
    pub fn jwt_mount_with_key(&self, alg: Alg, config_extra: &[&str]) -> Key {
        let key = Key::new(alg);
        self.run(&["auth", "enable", "jwt"]).ok();
        let pem = self.file("pub.pem", &key.public);
        let mut args = vec![
            "write".to_string(),
            "auth/jwt/config".into(),
            format!("jwt_validation_pubkeys=@{}", pem.display()),
        ];
        args.extend(config_extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&refs).ok();
        key
    }
}

/// A key pair made at test time.
#[derive(Clone)]
pub struct Key {
    pub alg: Alg,
    pub private: String,
    pub public: String,
}

impl Key {
    pub fn new(alg: Alg) -> Key {
        let (private, public) = jwtvault::verify::generate_key(alg).expect("generate key");
        Key {
            alg,
            private,
            public,
        }
    }

    /// Signs `claims` (a JSON object) with this key.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_kid(claims, None)
    }

    pub fn sign_kid(&self, claims: &Value, kid: Option<&str>) -> String {
        let map: Map<String, Value> = claims.as_object().cloned().expect("claims object");
        jwtvault::verify::sign(self.alg, &self.private, kid, &map).expect("sign")
    }

    /// The one-key JWKS of this key.
    pub fn jwks(&self, kid: Option<&str>) -> Value {
        let k = jwtvault::keys::parse_pem(&self.public).expect("public key");
        json!({ "keys": [jwtvault::jwt_tools::public_jwk(&k, self.alg, kid)] })
    }
}

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// The walkthrough's claims (sub user-12345, groups developers+ops, aud vault-aud-value),
/// valid for an hour from now.
pub fn walkthrough_claims(iss: &str) -> Value {
    let t = now();
    json!({
        "iss": iss, "sub": "user-12345", "aud": "vault-aud-value", "iat": t, "exp": t + 3600,
        "name": "Alice Smith", "email": "alice@example.com", "groups": ["developers", "ops"],
    })
}

impl Env {
    /// Runs `jwtvault ARGS` with empty stdin and extra environment variables for this run only.
    pub fn run_with_vars(&self, extra: &[(&str, &str)], args: &[&str]) -> Out {
        let mut c = self.command(args);
        for (k, v) in extra {
            c.env(k, v);
        }
        let out = c
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("run jwtvault");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Env {
    /// Starts `jwtvault ARGS` without waiting for it (stdin closed, stdout and stderr piped), for
    /// tests that run many processes at once or kill them; collect it with [`wait_out`].
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn jwtvault")
    }
}

/// Waits for a spawned run; a run ended by a signal has code -1.
pub fn wait_out(child: std::process::Child) -> Out {
    let out = child.wait_with_output().expect("wait jwtvault");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Assertions and expected texts shared by the test modules
// ---------------------------------------------------------------------------------------------

/// Asserts exit code, stdout and stderr exactly.
#[track_caller]
pub fn expect(out: &Out, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (code, stdout, stderr),
        "\n--- stdout:\n{}\n--- stderr:\n{}",
        out.stdout,
        out.stderr
    );
}

/// A Vault API error as jwtvault prints it: Vault's text without the `URL:` line (contract §6).
pub fn api_err(context: &str, code: u16, msg: &str) -> String {
    format!("{context}: Code: {code}. Errors:\n\n* {msg}\n")
}

/// The API error of a refused `write PATH` (400).
pub fn write_err(path: &str, msg: &str) -> String {
    api_err(&format!("Error writing data to {path}"), 400, msg)
}

/// A hyphenated UUID: 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

/// The permission bits (with setuid, setgid and sticky) of `p` itself, not of a link's target.
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o7777
}

// ---------------------------------------------------------------------------------------------
// `auth/jwt/config` and `auth/jwt/role/…` through `write` and `read`
// ---------------------------------------------------------------------------------------------

/// An environment with `jwt/` enabled.
pub fn jwt_env() -> Env {
    let env = Env::new();
    expect(
        &env.run(&["auth", "enable", "jwt"]),
        0,
        "Success! Enabled jwt auth method at: jwt/\n",
        "",
    );
    env
}

/// `write auth/jwt/role/NAME ARGS` must fail with `msg` (exit 2, nothing on stdout).
#[track_caller]
pub fn role_fails(env: &Env, name: &str, args: &[&str], msg: &str) {
    let path = format!("auth/jwt/role/{name}");
    let mut argv = vec!["write", path.as_str()];
    argv.extend_from_slice(args);
    expect(&env.run(&argv), 2, "", &write_err(&path, msg));
}

/// `write auth/jwt/role/NAME ARGS` must succeed silently but for the Success line.
#[track_caller]
pub fn role_ok(env: &Env, name: &str, args: &[&str]) {
    let path = format!("auth/jwt/role/{name}");
    let mut argv = vec!["write", path.as_str()];
    argv.extend_from_slice(args);
    expect(
        &env.run(&argv),
        0,
        &format!("Success! Data written to: {path}\n"),
        "",
    );
}

/// `write auth/jwt/config ARGS` must fail with `msg`.
#[track_caller]
pub fn config_fails(env: &Env, args: &[&str], msg: &str) {
    let mut argv = vec!["write", "auth/jwt/config"];
    argv.extend_from_slice(args);
    expect(&env.run(&argv), 2, "", &write_err("auth/jwt/config", msg));
}

/// `write auth/jwt/config ARGS` must succeed silently but for the Success line.
#[track_caller]
pub fn config_ok(env: &Env, args: &[&str]) {
    let mut argv = vec!["write", "auth/jwt/config"];
    argv.extend_from_slice(args);
    expect(
        &env.run(&argv),
        0,
        "Success! Data written to: auth/jwt/config\n",
        "",
    );
}

/// `read -format=json PATH` → its `data`.
#[track_caller]
pub fn read_data(env: &Env, path: &str) -> Value {
    let out = env.run(&["read", "-format=json", path]);
    out.ok();
    assert_eq!(out.stderr, "");
    out.json()["data"].clone()
}

/// The argument `jwt_validation_pubkeys=@FILE` for `pem`, written to the file `name`.
pub fn pem_arg(env: &Env, name: &str, pem: &str) -> String {
    format!("jwt_validation_pubkeys=@{}", env.file(name, pem).display())
}

// ---------------------------------------------------------------------------------------------
// A token fixture (tokens, policies, identity groups)
// ---------------------------------------------------------------------------------------------

/// The issuer of [`Fx`]'s mount and tokens.
pub const FX_ISS: &str = "https://iss.example/";

/// `jwt/` with an ES256 key (`bound_issuer` [`FX_ISS`]) and the role `r`, plus shortcuts to log
/// in and to act as a calling token.
pub struct Fx {
    pub env: Env,
    pub key: Key,
}

impl Fx {
    /// Mount `jwt/` with an ES256 key and the role `r` (ttl 1h, max 2h, policy p1).
    pub fn new() -> Fx {
        Fx::on(Env::new())
    }

    /// [`Fx::new`] on the given environment.
    pub fn on(env: Env) -> Fx {
        let key = env.jwt_mount_with_key(Alg::ES256, &[&format!("bound_issuer={FX_ISS}")]);
        let fx = Fx { env, key };
        fx.role("r", &["token_ttl=1h", "token_max_ttl=2h"]);
        fx
    }

    pub fn role(&self, name: &str, extra: &[&str]) {
        let path = format!("auth/jwt/role/{name}");
        let mut args = vec![
            "write",
            path.as_str(),
            "user_claim=sub",
            "groups_claim=groups",
            "bound_audiences=a",
            "token_policies=p1",
        ];
        args.extend_from_slice(extra);
        self.env.run(&args).ok();
    }

    pub fn jwt(&self, sub: &str, groups: Value) -> String {
        let t = now();
        self.key.sign(&json!({
            "iss": FX_ISS, "sub": sub, "aud": "a", "iat": t, "exp": t + 3600, "groups": groups,
        }))
    }

    /// Logs in with `write auth/jwt/login` (nothing stored in the helper file); returns the token.
    pub fn login(&self, role: &str, sub: &str, groups: Value) -> String {
        let jwt = format!("jwt={}", self.jwt(sub, groups));
        let role = format!("role={role}");
        let out = self
            .env
            .run(&["write", "-field=token", "auth/jwt/login", &role, &jwt]);
        out.ok();
        out.stdout.trim().to_string()
    }

    pub fn run(&self, args: &[&str]) -> Out {
        self.env.run(args)
    }

    /// Runs with `token` as the caller (JWTVAULT_TOKEN).
    pub fn as_caller(&self, token: &str, args: &[&str]) -> Out {
        self.env.run_with_vars(&[("JWTVAULT_TOKEN", token)], args)
    }

    pub fn field(&self, args: &[&str]) -> String {
        let out = self.run(args);
        out.ok();
        out.stdout
    }

    pub fn accessor(&self) -> String {
        let out = self.run(&["auth", "list", "-format=json"]);
        out.ok();
        out.json()["jwt/"]["accessor"]
            .as_str()
            .expect("accessor")
            .to_string()
    }

    pub fn policy(&self, name: &str, text: &str) {
        self.env
            .run_stdin(&["policy", "write", name, "-"], text)
            .ok();
    }
}
