//! The one seam between who asks and who answers: a [`Request`] in, a [`Response`] out.
//!
//! The command line talks to a [`Backend`]; so does the HTTP server. [`LocalBackend`] answers
//! from the state file: one transaction per request through the router, with any network fetch
//! a handler needs run outside the transaction (a slow issuer never holds the write lock).
//! [`PooledBackend`] is the server's: the same router, on read-only connections where a
//! request only reads, and on one writer thread that commits concurrent requests together.

mod pooled;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use crate::store::Storage;

use crate::api::{ApiError, Request, Response};
use crate::keycache::{self, Fetched};
use crate::paths::{self, mounts, Answer, Ctx, Outcome};
use crate::seal::KeyFile;
use crate::store::{Store, StoreError};

pub use pooled::PooledBackend;

/// Why a request got no response from the backend.
#[derive(Debug)]
pub enum Failure {
    /// The backend refused or failed the request, as Vault answers over HTTP.
    Api(ApiError),
    /// The state file could not be used (reported as itself, not as an API error).
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

/// Answers requests.
pub trait Backend {
    /// The whole request, on the calling thread (which may block for it).
    fn handle(&self, req: &Request) -> Result<Response, Failure>;

    /// For a server's async threads: whatever of the request can run at once without
    /// blocking, and the rest as a future or as work for a blocking thread. By default
    /// nothing runs here: [`Started::Blocking`].
    fn start(&self, _req: &Request) -> Started {
        Started::Blocking
    }
}

/// How far [`Backend::start`] got (returned once per request and matched at once: boxing the
/// response would cost an allocation per request for nothing).
#[allow(clippy::large_enum_variant)]
pub enum Started {
    /// Answered.
    Done(Result<Response, Failure>),
    /// Waiting (for a commit, or a fetch): the future answers.
    Waiting(Pin<Box<dyn Future<Output = Result<Response, Failure>> + Send>>),
    /// Nothing ran: call [`Backend::handle`] on a thread that may block.
    Blocking,
}

/// The state file, opened per request.
pub struct LocalBackend {
    /// Where the state is.
    pub storage: Storage,
    /// `-offline` / `JWTVAULT_OFFLINE=1`: no socket may be opened.
    pub offline: bool,
    /// The seal key of secret values (`-seal-key-file` / `JWTVAULT_SEAL_KEY_FILE`, default
    /// `<config dir>/jwtvault/seal.key`); read once, when a request first needs it.
    pub seal: KeyFile,
}

/// Seeds a new state file: the `token/` mount and the `default` policy.
pub(crate) fn seed(store: &Store) -> Result<(), StoreError> {
    store.insert_mount(&mounts::token_mount())?;
    store.put_policy("default", crate::acl::DEFAULT_POLICY)?;
    Ok(())
}

impl LocalBackend {
    /// A backend on `state` whose seal key is at the default location
    /// ([`crate::seal::default_path`]).
    pub fn new(state: PathBuf, offline: bool) -> LocalBackend {
        LocalBackend::on(Storage::Sqlite(state), offline)
    }

    /// A backend on any storage whose seal key is at the default location.
    pub fn on(storage: Storage, offline: bool) -> LocalBackend {
        LocalBackend {
            storage,
            offline,
            seal: KeyFile::new(crate::seal::default_path()),
        }
    }

    /// The same backend with its seal key at `path` (`None`: no location known, an error
    /// only when a request needs the key).
    pub fn with_seal_key_file(mut self, path: Option<PathBuf>) -> LocalBackend {
        self.seal = KeyFile::new(path);
        self
    }

    /// Where the seal key is read from (and created, on a state's first secret).
    pub fn seal_key_file(&self) -> Option<&std::path::Path> {
        self.seal.path()
    }

    /// Opens the state and begins a transaction.
    pub fn open(&self) -> Result<Store, StoreError> {
        self.storage.open(&seed)
    }

    /// One call of the router in one transaction, committed whatever the handler answered
    /// (the router rolled a failed handler back; what stays is a caller's spent use, or a
    /// login's claim on a refetch). The time is read once the transaction has begun (the
    /// write lock is held): times recorded in the state file are then ordered as the
    /// transactions are, whichever process read its clock first.
    ///
    /// On PostgreSQL a transaction that conflicted with a concurrent one is rolled back and the
    /// whole call runs again ([`crate::store::retrying`]): only a committed answer leaves here,
    /// so no token of a rolled-back attempt is ever shown.
    fn once(&self, req: &Request, fetched: Option<&Fetched>) -> Result<Answer, StoreError> {
        crate::store::retrying(|| self.attempt(req, fetched))
    }

    fn attempt(&self, req: &Request, fetched: Option<&Fetched>) -> Result<Answer, StoreError> {
        let store = self.open()?;
        let ctx = Ctx {
            now: store.now(),
            offline: self.offline,
            remote_addr: req.remote_addr.clone(),
            explain: req.explain,
            seal: self.seal.clone(),
        };
        let answer = paths::route_through(&store, &ctx, req, fetched);
        store.commit_before_exit()?;
        Ok(answer)
    }
}

impl Backend for LocalBackend {
    /// A handler that needs documents from the network (a config write or `jwks/refresh`
    /// naming a key URL, a login whose cached keys failed) answers with a plan; the plan runs
    /// here with no transaction open, and the handler is called once more, in a new short
    /// transaction, with what was fetched.
    fn handle(&self, req: &Request) -> Result<Response, Failure> {
        let mut answer = self.once(req, None)?;
        if let Ok(Outcome::NeedsFetch(plan)) = &answer.result {
            let fetched = keycache::run_plan(plan, &|| self.open(), &Ctx::now_secs)?;
            answer = self.once(req, Some(&fetched))?;
        }
        respond(answer)
    }
}

/// The response of a request's last answer (after its fetch, if it asked for one).
fn respond(answer: Answer) -> Result<Response, Failure> {
    let explain = answer.trace;
    match answer.result {
        Ok(Outcome::Done(mut resp)) => {
            // Vault gives every request a fresh id and prints it in the JSON envelope.
            resp.request_id = crate::ids::uuid();
            resp.explain = explain;
            Ok(resp)
        }
        Ok(Outcome::NeedsFetch(_)) => Err(Failure::Api(ApiError::internal(
            "the request asked for a second fetch after its documents were fetched",
        ))),
        Ok(Outcome::Write(_)) => Err(Failure::Api(ApiError::internal(
            "the request's prepared write was left unrun",
        ))),
        Err(mut e) => {
            e.explain = explain;
            Err(Failure::Api(e))
        }
    }
}
