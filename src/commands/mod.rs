//! The command layer: turns parsed arguments into requests, runs them against the state file in
//! one transaction, and hands the result to `output`. Logic never sees clap beyond this file.

mod auth;
mod demo;
mod jwt;
mod kv;
mod login;
mod operations;
mod operator;
mod policy;
mod secrets;
mod server;
mod token;

use std::io::IsTerminal;
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::api::{ApiError, Caller, CallerToken, Operation, Request, Response};
use crate::backend::{Backend, Failure, LocalBackend};
use crate::cli::{self, Command};
use crate::error::Error;
use crate::http_client::{CaSource, HttpBackend};

use crate::output::printer::Printer;
use crate::output::Format;
use crate::store::{Storage, Store, StoreError};

/// The process environment a command may read, captured once.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub vars: std::collections::HashMap<String, String>,
    /// Variables of [`Env::READ`] whose value is not UTF-8 (names only; never the value).
    pub not_utf8: Vec<String>,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
}

impl Env {
    /// The variables whose value jwtvault uses as text. One whose value is not UTF-8 is
    /// refused by name before the command runs ([`Env::check_read`]); a new variable that
    /// jwtvault reads belongs here.
    pub const READ: &'static [&'static str] = &[
        "JWTVAULT_STATE",
        "JWTVAULT_FORMAT",
        "JWTVAULT_TOKEN",
        "JWTVAULT_TOKEN_PATH",
        "JWTVAULT_OFFLINE",
        "JWTVAULT_REMOTE_ADDR",
        "JWTVAULT_ADDR",
        "JWTVAULT_CACERT",
        "JWTVAULT_SEAL_KEY_FILE",
    ];
    /// Variables only tested for being set (or for one value): a value that is not UTF-8
    /// still counts as set, and is never printed.
    const PRESENCE: &'static [&'static str] = &["NO_COLOR", "JWTVAULT_CLI_NO_COLOR", "TERM"];
    /// The variables `demo` ignores (contract §3), so it does not refuse them either.
    pub const DEMO_IGNORES: &'static [&'static str] = &[
        "JWTVAULT_STATE",
        "JWTVAULT_TOKEN_PATH",
        "JWTVAULT_TOKEN",
        "JWTVAULT_FORMAT",
        "JWTVAULT_OFFLINE",
        "JWTVAULT_ADDR",
        "JWTVAULT_CACERT",
        "JWTVAULT_SEAL_KEY_FILE",
    ];

    /// Reads the environment without ever panicking (`std::env::vars` panics on a value that
    /// is not UTF-8, and its message prints the value): unrelated variables that are not
    /// UTF-8 are left out; those jwtvault reads are remembered by name.
    pub fn from_process() -> Self {
        Self::from_vars(
            std::env::vars_os(),
            std::io::stdout().is_terminal(),
            std::io::stderr().is_terminal(),
        )
    }

    fn from_vars(
        raw: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
        stdout_tty: bool,
        stderr_tty: bool,
    ) -> Self {
        let mut vars = std::collections::HashMap::new();
        let mut not_utf8 = Vec::new();
        for (k, v) in raw {
            // A name that is not UTF-8 is no name jwtvault reads.
            let Ok(k) = k.into_string() else { continue };
            match v.into_string() {
                Ok(v) => {
                    vars.insert(k, v);
                }
                Err(v) if Self::PRESENCE.contains(&k.as_str()) => {
                    vars.insert(k, v.to_string_lossy().into_owned());
                }
                Err(_) if Self::READ.contains(&k.as_str()) => not_utf8.push(k),
                Err(_) => {}
            }
        }
        not_utf8.sort();
        Env {
            vars,
            not_utf8,
            stdout_tty,
            stderr_tty,
        }
    }

    /// Refuses a variable jwtvault reads whose value is not UTF-8 (exit 1), by name.
    pub fn check_read(&self, ignored: &[&str]) -> Result<(), Error> {
        match self.not_utf8.iter().find(|k| !ignored.contains(&k.as_str())) {
            Some(k) => Err(Error::Usage(format!(
                "environment variable {k} is not valid UTF-8: jwtvault reads it as UTF-8 text; unset it or fix its value"
            ))),
            None => Ok(()),
        }
    }

    pub fn get(&self, k: &str) -> Option<&str> {
        self.vars.get(k).map(String::as_str)
    }

    fn flag(&self, k: &str) -> bool {
        matches!(self.get(k), Some(v) if !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
    }
}

/// Everything decided once per run.
pub struct Run {
    pub env: Env,
    pub format: Format,
    /// The state file when the storage is SQLite (empty on PostgreSQL).
    pub state: PathBuf,
    /// Where the state is (`-storage`, `-state`, `JWTVAULT_STORAGE`, `JWTVAULT_STATE`, the
    /// default file).
    pub storage: Storage,
    pub offline: bool,
    /// Who answers the run's requests.
    pub backend: LocalBackend,
    /// Everything the run shows goes through it.
    pub printer: Printer,
    /// Whether `-state` was given on the command line.
    pub state_given: bool,
    /// `-address` / `JWTVAULT_ADDR`: the server every Vault API request goes to instead of
    /// the state file (contract §8, the command line as a client).
    pub remote: Option<Remote>,
    stdin_used: std::cell::Cell<bool>,
}

/// The server the command line is a client of. Its HTTP client is made on the first request,
/// so that a command that sends none (`jwt …`, `policy fmt`) never fails on a bad CA file.
pub struct Remote {
    pub address: String,
    ca_cert: Option<(String, CaSource)>,
    client: std::cell::OnceCell<HttpBackend>,
}

impl Remote {
    /// The server's address and trust root: the flag, else the variable; empty is not set.
    /// `VAULT_ADDR`, `VAULT_CACERT` and `BAO_*` are never read.
    fn from(global: &cli::Global, env: &Env) -> Option<Remote> {
        let given = |flag: &Option<String>, var: &str| -> Option<(String, CaSource)> {
            match flag.as_deref() {
                Some(v) if !v.is_empty() => Some((v.to_string(), CaSource::Flag)),
                _ => env
                    .get(var)
                    .filter(|v| !v.is_empty())
                    .map(|v| (v.to_string(), CaSource::Env)),
            }
        };
        let (address, _) = given(&global.address, "JWTVAULT_ADDR")?;
        Some(Remote {
            address,
            ca_cert: given(&global.ca_cert, "JWTVAULT_CACERT"),
            client: std::cell::OnceCell::new(),
        })
    }

    /// The HTTP client, made once; a bad address or CA file is the Vault CLI's text (exit 2).
    fn client(&self, env: &Env) -> Result<&HttpBackend, Error> {
        if self.client.get().is_none() {
            let ca = self.ca_cert.as_ref().map(|(p, s)| (p.as_str(), *s));
            let proxy_env = |k: &str| env.get(k).map(str::to_string);
            let made = HttpBackend::new(&self.address, ca, &proxy_env).map_err(Error::Failed)?;
            let _ = self.client.set(made);
        }
        self.client
            .get()
            .ok_or_else(|| Error::Failed("the HTTP client could not be made".into()))
    }
}

/// The run's storage: the `-storage` or `-state` flag (not both), else `JWTVAULT_STORAGE`, else
/// `JWTVAULT_STATE`, else the default state file. A PostgreSQL password not in the URL comes
/// from `PGPASSWORD`.
fn storage(global: &cli::Global, env: &Env) -> Result<Storage, Error> {
    let given = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_string);
    let parse = |url: &str| Storage::parse(url, env.get("PGPASSWORD")).map_err(Error::Usage);
    match (
        given(global.storage.as_deref()),
        given(global.state.as_deref()),
    ) {
        (Some(_), Some(_)) => Err(Error::Usage(
            "give -state=PATH or -storage=URL, not both".into(),
        )),
        (Some(url), None) => parse(&url),
        (None, Some(path)) => Ok(Storage::Sqlite(PathBuf::from(path))),
        (None, None) => {
            if let Some(url) = given(env.get("JWTVAULT_STORAGE")) {
                return parse(&url);
            }
            if let Some(path) = given(env.get("JWTVAULT_STATE")) {
                return Ok(Storage::Sqlite(PathBuf::from(path)));
            }
            crate::store::default_path()
                .map(Storage::Sqlite)
                .ok_or_else(|| {
                    Error::Failed(
                    "cannot find a data folder for the state file; set JWTVAULT_STATE or -state"
                        .into(),
                )
                })
        }
    }
}

impl Run {
    pub fn new(env: Env, global: &cli::Global) -> Result<Run, Error> {
        let raw = global
            .format
            .clone()
            .or_else(|| env.get("JWTVAULT_FORMAT").map(str::to_string));
        let format = match raw.as_deref().map(str::to_lowercase).as_deref() {
            None | Some("") | Some("table") => Format::Table,
            Some("json") => Format::Json,
            Some("yaml") | Some("yml") => Format::Yaml,
            Some(other) => return Err(Error::Usage(format!("Invalid output format: {other}"))),
        };
        let storage = storage(global, &env)?;
        let state = match &storage {
            Storage::Sqlite(p) => p.clone(),
            Storage::Postgres(_) => PathBuf::new(),
        };
        let offline = global.offline || env.flag("JWTVAULT_OFFLINE");
        let color = format == Format::Table
            && env.stderr_tty
            && env.get("NO_COLOR").is_none_or(str::is_empty)
            && env.get("JWTVAULT_CLI_NO_COLOR").is_none_or(str::is_empty);
        let field_newline = env.stdout_tty
            && env.get("NO_COLOR").is_none_or(str::is_empty)
            && env.get("TERM") != Some("dumb");
        let remote = Remote::from(global, &env);
        let seal_key_file = match global
            .seal_key_file
            .clone()
            .or_else(|| env.get("JWTVAULT_SEAL_KEY_FILE").map(str::to_string))
        {
            Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => crate::seal::default_path(),
        };
        Ok(Run {
            printer: Printer::new(format, color, field_newline),
            remote,
            env,
            format,
            backend: LocalBackend::on(storage.clone(), offline).with_seal_key_file(seal_key_file),
            storage,
            state,
            offline,
            state_given: global.state.is_some(),
            stdin_used: std::cell::Cell::new(false),
        })
    }

    /// Opens the state file and begins the command's transaction.
    pub fn open(&self) -> Result<Store, StoreError> {
        self.backend.open()
    }

    /// Whether requests go to a server (`-address`) rather than the state file.
    pub fn is_remote(&self) -> bool {
        self.remote.is_some()
    }

    /// A request as this command line makes it: the local caller (the token of
    /// `JWTVAULT_TOKEN` or the helper file, if any) and `JWTVAULT_REMOTE_ADDR`. As a client of
    /// a server, the caller is that token, or nobody; the server sees the connection's address.
    pub fn request(
        &self,
        operation: Operation,
        path: impl Into<String>,
        data: Map<String, Value>,
    ) -> Result<Request, Error> {
        if self.is_remote() {
            let caller = match caller_token(self)? {
                Some(t) => Caller::Token(t),
                None => Caller::Anonymous,
            };
            return Ok(Request::new(operation, path, data).with_caller(caller));
        }
        Ok(Request::new(operation, path, data)
            .with_caller(Caller::Local(caller_token(self)?))
            .with_remote_addr(
                self.env
                    .get("JWTVAULT_REMOTE_ADDR")
                    .filter(|a| !a.is_empty())
                    .map(str::to_string),
            ))
    }

    /// Reads all of stdin as text, once per command (Vault: `stdin already consumed`), at most
    /// `kv::MAX_INPUT` bytes.
    pub fn read_stdin(&self) -> std::io::Result<String> {
        String::from_utf8(self.read_stdin_bytes()?).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )
        })
    }

    /// Reads all of stdin, once per command, at most `kv::MAX_INPUT` bytes.
    pub fn read_stdin_bytes(&self) -> std::io::Result<Vec<u8>> {
        if self.stdin_used.replace(true) {
            return Err(std::io::Error::other("stdin already consumed"));
        }
        crate::kv::read_bounded(std::io::stdin().lock())
    }
}

/// Sanitises a path as Vault's CLI does: trimmed, no leading or trailing `/`.
pub fn sanitize_path(p: &str) -> String {
    p.trim()
        .trim_start_matches('/')
        .trim_end_matches('/')
        .to_string()
}

/// Sends one request to the backend and prints a login's `-explain` block (stderr).
///
/// The outer error is local: the state file could not be used (printed as it is, exit 2); the
/// inner one is what the backend answered.
pub fn execute(run: &Run, req: &Request) -> Result<Result<Response, ApiError>, Error> {
    let result = match &run.remote {
        Some(remote) => {
            let client = remote.client(&run.env)?;
            let result = client.handle(req);
            // What was sent, for Vault's `Error making API request.` / `URL:` lines: a failed
            // request, or an answer with a status of its own (≥ 400).
            if let Some(failure) = client.take_failure() {
                run.printer.remote_failure(failure);
            }
            result
        }
        None => run.backend.handle(req),
    };
    let explain = match &result {
        Ok(r) => r.explain.as_deref(),
        Err(Failure::Api(e)) => e.explain.as_deref(),
        Err(Failure::Store(_)) => None,
    };
    if let Some(block) = explain {
        run.printer.stderr(block);
    }
    match result {
        Ok(r) => Ok(Ok(r)),
        Err(Failure::Api(e)) => Ok(Err(e)),
        Err(Failure::Store(e)) => Err(Error::Store(e)),
    }
}

/// What the Vault API client makes of the answer to a write, a patch or a delete: the response,
/// or, when it carries a status of its own (400 or more: KV v2's `RespondWithStatusCode`), an
/// error with that status and no message. A body with data or warnings comes back with the
/// error (the Vault CLI prints it after the error, when `with_secret`); an empty one is shown
/// as Vault shows a body that is not JSON (`Raw Message:`, nothing after it).
pub fn refused_by_status(
    context: &str,
    resp: Response,
    with_secret: bool,
) -> Result<Response, Error> {
    let Some(code) = resp.status.filter(|c| *c >= 400) else {
        return Ok(resp);
    };
    if resp.data.is_none() && resp.warnings.is_empty() {
        return Err(Error::Failed(format!(
            "{context}: Code: {code}. Raw Message:\n\n"
        )));
    }
    let error = ApiError::new(code, Vec::new());
    let carries = !resp.warnings.is_empty() || resp.data.as_ref().is_some_and(|d| !d.is_empty());
    if with_secret && carries {
        return Err(Error::WithSecret {
            error: Box::new(Error::api(context, error)),
            secret: Box::new(resp),
        });
    }
    Err(Error::api(context, error))
}

/// Builds the request body from K=V arguments with Vault's kv-builder.
pub fn build_data(run: &Run, args: &[String]) -> Result<Map<String, Value>, Error> {
    crate::kv::build(args, &mut || run.read_stdin())
        .map_err(|e| Error::Usage(format!("Failed to parse K=V data: {e}")))
}

/// Dispatches a parsed command line.
pub fn dispatch(run: &Run, cli: cli::Cli, trailing: &[String]) -> Result<(), Error> {
    if !trailing.is_empty() && run.format == Format::Table {
        run.printer.stderr(&format!(
            "Command flags must be provided before positional arguments. The following arguments will not be parsed as flags: [{}]\n",
            trailing.join(",")
        ));
    }
    match cli.command {
        Command::Write(a) => operations::write(run, a.into()),
        Command::Read(a) => operations::read(run, a.into()),
        Command::List(a) => operations::list(run, &a.args),
        Command::Delete(a) => operations::delete(run, &a.args),
        Command::Auth(a) => auth::dispatch(run, a),
        Command::Secrets(s) => secrets::dispatch(run, s),
        Command::Kv(k) => kv::dispatch(run, k),
        Command::Login(a) => login::login(run, a.into()),
        Command::Token(t) => token::dispatch(run, t),
        Command::Policy(p) => policy::dispatch(run, p),
        Command::Jwt(j) => jwt::dispatch(run, j),
        Command::Demo(a) => demo::run(run, &a.args),
        Command::Server(a) => server::run(run, a.into()),
        Command::Operator(o) => operator::dispatch(run, o),
        Command::Completion(a) => completion(run, &a.args),
        Command::Version => {
            run.printer
                .stdout(&format!("jwtvault v{}\n", env!("CARGO_PKG_VERSION")));
            Ok(())
        }
    }
}

/// Vault's argument-count messages.
pub fn expect_args(args: &[String], min: usize, max: usize) -> Result<(), Error> {
    let n = args.len();
    let expected = if min == max {
        min.to_string()
    } else {
        format!("{min}-{max}")
    };
    if n < min {
        return Err(Error::Usage(format!(
            "Not enough arguments (expected {expected}, got {n})"
        )));
    }
    if n > max {
        return Err(Error::Usage(format!(
            "Too many arguments (expected {expected}, got {n})"
        )));
    }
    Ok(())
}

fn completion(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 1, 1)?;
    let script = crate::completion::generate(&args[0]).ok_or_else(|| {
        Error::Usage(format!(
            "unknown shell \"{}\": expected one of bash, zsh, fish, powershell, elvish",
            args[0]
        ))
    })?;
    run.printer.stdout(&script);
    Ok(())
}

/// Writes the token to the helper file.
pub fn store_token(run: &Run, raw: &str) -> Result<(), String> {
    let path = crate::token::helper_path(run.env.get("JWTVAULT_TOKEN_PATH"))
        .ok_or_else(|| "cannot find the home folder; set JWTVAULT_TOKEN_PATH".to_string())?;
    crate::token::helper_store(&path, raw).map_err(|e| format!("{}: {e}", path.display()))
}

/// The caller of a token-governed command: `JWTVAULT_TOKEN` if set and non-empty, else the
/// token in the helper file, else nobody (`None`: the operator, contract §2).
pub fn caller_token(run: &Run) -> Result<Option<CallerToken>, Error> {
    if let Some(t) = run.env.get("JWTVAULT_TOKEN") {
        if !t.is_empty() {
            return Ok(Some(CallerToken::new(t, "JWTVAULT_TOKEN")));
        }
    }
    let Some(path) = crate::token::helper_path(run.env.get("JWTVAULT_TOKEN_PATH")) else {
        return Ok(None);
    };
    let token = crate::token::helper_get(&path).map_err(|e| {
        Error::Failed(format!(
            "failed to get token from token helper: {}: {e}",
            path.display()
        ))
    })?;
    Ok(token
        .map(|token| CallerToken::new(token, format!("the token helper file {}", path.display()))))
}
