//! `jwtvault server`: checks the flags, binds, makes sure of the root token, prints the
//! address (and a root token made by this start), then serves until SIGINT or SIGTERM. The
//! server's log lines come back here and go out through the printer (stderr).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::backend::{LocalBackend, PooledBackend};
use crate::cli;
use crate::commands::Run;
use crate::error::Error;
use crate::paths::Ctx;
use crate::secret::Secret;
use crate::server::{self, root, Server, ServerError, SharedBackend, TlsFiles};
use crate::storage::Storage;

/// The address listened on when `-listen-address` is not given: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8200";

/// `server` and its flags, as plain values.
pub struct ServerOptions {
    pub listen_address: Option<String>,
    pub tls_cert_file: Option<String>,
    pub tls_key_file: Option<String>,
    pub root_token_id: Option<Secret>,
    pub http_read_header_timeout: Option<String>,
    pub args: Vec<String>,
}

impl From<cli::ServerArgs> for ServerOptions {
    fn from(a: cli::ServerArgs) -> Self {
        ServerOptions {
            listen_address: a.listen_address,
            tls_cert_file: a.tls_cert_file,
            tls_key_file: a.tls_key_file,
            root_token_id: a.root_token_id,
            http_read_header_timeout: a.http_read_header_timeout,
            args: a.args,
        }
    }
}

/// Connections one server keeps to a PostgreSQL database at most: requests beyond that wait
/// for one (a database serves a few dozen concurrent transactions well; two servers then stay
/// under PostgreSQL's default `max_connections` of 100).
pub const POSTGRES_POOL: u32 = 32;

/// The TLS files: both flags or neither.
fn tls_files(a: &ServerOptions) -> Result<Option<TlsFiles>, Error> {
    match (&a.tls_cert_file, &a.tls_key_file) {
        (None, None) => Ok(None),
        (Some(cert), Some(key)) if !cert.is_empty() && !key.is_empty() => Ok(Some(TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        })),
        _ => Err(Error::Usage(
            "-tls-cert-file and -tls-key-file go together: give both (PEM files) to serve \
             HTTPS, or neither to serve plain HTTP"
                .into(),
        )),
    }
}

/// `-http-read-header-timeout`: a Go duration (`10s`, `500ms`), more than zero.
fn header_timeout(a: &ServerOptions) -> Result<Duration, Error> {
    let Some(raw) = &a.http_read_header_timeout else {
        return Ok(server::HEADER_TIMEOUT);
    };
    match crate::fields::go_parse_duration(raw) {
        Ok(ns) if ns > 0 => Ok(Duration::from_nanos(ns as u64)),
        Ok(_) => Err(Error::Usage(format!(
            "invalid value {} for flag -http-read-header-timeout: expected a duration above zero",
            crate::gofmt::go_quote(raw)
        ))),
        Err(e) => Err(Error::Usage(format!(
            "invalid value {} for flag -http-read-header-timeout: {e}",
            crate::gofmt::go_quote(raw)
        ))),
    }
}

pub fn run(run: &Run, a: ServerOptions) -> Result<(), Error> {
    if !a.args.is_empty() {
        return Err(Error::Usage(format!(
            "Too many arguments (expected 0, got {})",
            a.args.len()
        )));
    }
    if let Some(id) = &a.root_token_id {
        root::check_id(id.expose()).map_err(Error::Usage)?;
    }
    let config = server::Config {
        listen: a
            .listen_address
            .clone()
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string()),
        tls: tls_files(&a)?,
        header_timeout: header_timeout(&a)?,
    };
    let server = Server::bind(&config).map_err(|e| match e {
        ServerError::Tls(m) => Error::Usage(m),
        e => Error::Failed(e.to_string()),
    })?;
    // The seal key is the run's (`-seal-key-file`, `JWTVAULT_SEAL_KEY_FILE`, the default).
    let backend = LocalBackend::on(run.storage.clone().pooled(POSTGRES_POOL), run.offline)
        .with_seal_key_file(run.backend.seal_key_file().map(Path::to_path_buf));
    let created = root::bootstrap(
        &backend,
        a.root_token_id.as_ref().map(Secret::expose),
        Ctx::now_secs(),
    )
    .map_err(|e| match e {
        root::RootError::Store(s) => Error::Store(s),
        e => Error::Failed(e.to_string()),
    })?;
    run.printer
        .stdout(&format!("Api Address: {}\n", server.url()));
    if let Some(token) = created {
        run.printer
            .stdout(&format!("Root Token: {}\n", token.expose()));
    }
    // The root token is committed by the command line's backend. On a SQLite file requests are
    // served by the pooled one (readers and a group-commit writer); on PostgreSQL by that same
    // backend, each request its own SERIALIZABLE transaction on a connection of its pool, run
    // again whole when it conflicts.
    let backend: SharedBackend = match &backend.storage {
        Storage::Sqlite(state) => {
            let (state, seal) = (state.clone(), backend.seal.clone());
            drop(backend);
            Arc::new(PooledBackend::open(state, run.offline, seal).map_err(Error::Store)?)
        }
        Storage::Postgres(_) => Arc::new(backend),
    };
    server
        .serve(backend, &mut |line| run.printer.stderr(line))
        .map_err(|e| Error::Failed(e.to_string()))
}
