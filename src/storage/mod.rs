//! The state: the only module that speaks SQL, over one of two engines.
//!
//! A [`Store`] is one connection with one transaction: a command's (or a server request's)
//! changes are committed together by [`Store::commit`] or not at all (dropping the store rolls
//! back). Its typed methods are written once, in SQL both engines accept ([`sql`]); each engine
//! opens, checks, migrates and ends transactions its own way:
//!
//! - [`sqlite`]: one file (contract §2): `BEGIN IMMEDIATE`, WAL, `synchronous=FULL`; the file
//!   and its folder checked and kept private before SQLite touches them.
//! - [`postgres`]: a database shared by many processes on many machines (contract §10): every
//!   transaction `SERIALIZABLE`; a serialization failure marks the store [conflicted]
//!   (`Store::conflicted`) and the backend runs the whole request again.
//!
//! Opening never modifies a state that is not ours, nor one written by a newer jwtvault.
//! Records whose shape is Vault's (configs, roles, token entries, entities) are kept as JSON next
//! to the indexed columns that lookups need, so a query never scans or parses more than it uses.

pub mod migrate;
pub mod migrations;
pub mod postgres;
pub mod sql;
pub mod sqlite;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use sql::{args, Arg, Row};

/// Set by [`exit_follows_each_command`]: the process ends after its command.
static EXIT_FOLLOWS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Called by the `jwtvault` binary, which runs one command and exits: the command's SQLite store
/// is then left open for the exit to release ([`Store::commit_before_exit`]). Never called where
/// stores come and go in one long process (the tests, a library user).
pub fn exit_follows_each_command() {
    EXIT_FOLLOWS.store(true, std::sync::atomic::Ordering::Relaxed);
}

pub use sqlite::WalSync;

/// `PRAGMA application_id` of a jwtvault state file ("JWTV"); `jwtvault_meta.application_id`
/// on PostgreSQL.
pub const APPLICATION_ID: i32 = 0x4a57_5456;
/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = 2;

/// Where a state lives, for messages: a file, or a database (its URL without the password).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    File(PathBuf),
    Database(String),
}

/// Why the state could not be used.
#[derive(Debug)]
pub enum StoreError {
    /// The file or database exists but is not a jwtvault state (another SQLite database, not
    /// SQLite at all, or a PostgreSQL database holding other tables).
    Foreign { place: Place, detail: String },
    /// The state was written by a newer jwtvault.
    TooNew { place: Place, found: i32 },
    /// Filesystem trouble around the file (folder creation, permissions).
    Io { path: PathBuf, detail: String },
    /// SQLite reported an error while running a statement.
    Sqlite(String),
    /// PostgreSQL could not be reached, or reported an error.
    Postgres(String),
    /// PostgreSQL rolled the transaction back because it conflicted with a concurrent one
    /// (a serialization failure, a deadlock, or a concurrent insert of the same key): the
    /// request may be run again from its start.
    Conflict(String),
    /// A stored record could not be decoded.
    Corrupt(String),
    /// A reader connection of the server was asked to write: the request must run on the
    /// writer (the server does so; nobody else opens readers).
    ReadOnly,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Foreign {
                place: Place::File(path),
                detail,
            } => write!(
                f,
                "state file {} is not a jwtvault state file ({detail}); it was left untouched. \
                 Point -state or JWTVAULT_STATE at a jwtvault state file or a new path",
                path.display()
            ),
            StoreError::Foreign {
                place: Place::Database(url),
                detail,
            } => write!(
                f,
                "PostgreSQL database {url} is not a jwtvault database ({detail}); it was left \
                 untouched. Point -storage or JWTVAULT_STORAGE at a jwtvault database or an \
                 empty one"
            ),
            StoreError::TooNew {
                place: Place::File(path),
                found,
            } => write!(
                f,
                "state file {} has schema version {found}, newer than this jwtvault supports \
                 ({SCHEMA_VERSION}); it was left untouched. Upgrade jwtvault",
                path.display()
            ),
            StoreError::TooNew {
                place: Place::Database(url),
                found,
            } => write!(
                f,
                "PostgreSQL database {url} has schema version {found}, newer than this jwtvault \
                 supports ({SCHEMA_VERSION}); it was left untouched. Upgrade jwtvault"
            ),
            StoreError::Io { path, detail } => {
                write!(f, "state file {}: {detail}", path.display())
            }
            StoreError::Sqlite(detail) => write!(f, "state file error: {detail}"),
            StoreError::Postgres(detail) => write!(f, "PostgreSQL storage error: {detail}"),
            StoreError::Conflict(detail) => write!(
                f,
                "PostgreSQL storage: the request conflicted with concurrent requests \
                 {MAX_ATTEMPTS} times and was rolled back each time (nothing was changed); \
                 try again ({detail})"
            ),
            StoreError::Corrupt(detail) => write!(f, "state file holds a damaged record: {detail}"),
            StoreError::ReadOnly => write!(
                f,
                "state file error: a write was tried on a read-only connection (expected the \
                 request to be run on the writer)"
            ),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<StoreError> for crate::api::ApiError {
    fn from(e: StoreError) -> Self {
        crate::api::ApiError::internal(e.to_string())
    }
}

pub(crate) type Result<T> = std::result::Result<T, StoreError>;

/// How often a request that conflicted on PostgreSQL is run (the first time included).
pub const MAX_ATTEMPTS: u32 = 60;

/// Waits before attempt `attempt + 1` of a conflicted request: a random time up to a bound
/// that doubles from 1 ms to 64 ms, so that conflicting requests spread out.
pub fn backoff(attempt: u32) {
    let cap_us = 1000u64 << attempt.min(6);
    let r = crate::ids::random_bytes(8);
    let n = u64::from_le_bytes(r.try_into().unwrap_or([0; 8]));
    std::thread::sleep(Duration::from_micros(n % cap_us));
}

/// Runs `f` (one whole transaction) again while it conflicts, at most [`MAX_ATTEMPTS`] times.
pub fn retrying<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let mut attempt = 0;
    loop {
        match f() {
            Err(StoreError::Conflict(_)) if attempt + 1 < MAX_ATTEMPTS => {
                backoff(attempt);
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// The default path of the state file: `<data dir>/jwtvault/state.db`.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("jwtvault").join("state.db"))
}

/// Which storage a run uses (`-storage=URL`, contract §10).
#[derive(Clone, Debug)]
pub enum Storage {
    /// `sqlite:PATH` or `-state=PATH`.
    Sqlite(PathBuf),
    /// `postgresql://USER@HOST:PORT/DB`.
    Postgres(Box<postgres::Database>),
}

impl Storage {
    /// Parses a `-storage` URL; `password` is `PGPASSWORD`, used when the URL has none.
    pub fn parse(url: &str, password: Option<&str>) -> std::result::Result<Storage, String> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            if path.is_empty() {
                return Err("-storage=sqlite:PATH needs a path after sqlite:".into());
            }
            return Ok(Storage::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgresql://") || url.starts_with("postgres://") {
            return postgres::Database::parse(url, password)
                .map(|db| Storage::Postgres(Box::new(db)));
        }
        Err(format!(
            "-storage: expected sqlite:PATH or postgresql://USER@HOST:PORT/DB, found {}",
            crate::gofmt::go_quote(url)
        ))
    }

    /// The state file, when the storage is SQLite.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Storage::Sqlite(p) => Some(p),
            Storage::Postgres(_) => None,
        }
    }

    /// The storage as a URL (a PostgreSQL password left out).
    pub fn url(&self) -> String {
        match self {
            Storage::Sqlite(p) => format!("sqlite:{}", p.display()),
            Storage::Postgres(db) => db.shown().to_string(),
        }
    }

    /// The same storage with a pool of at most `size` connections (the server's).
    pub fn pooled(self, size: u32) -> Storage {
        match self {
            Storage::Postgres(db) => Storage::Postgres(Box::new(db.pooled(size))),
            s => s,
        }
    }

    /// Opens the state (creating and migrating it if needed) and begins a transaction. `seed`
    /// runs once, inside the transaction that creates the schema.
    pub fn open(&self, seed: &dyn Fn(&Store) -> Result<()>) -> Result<Store> {
        match self {
            Storage::Sqlite(path) => Store::open(path, seed),
            Storage::Postgres(db) => postgres::open(db, seed),
        }
    }
}

/// One row of the auth mount table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountRow {
    /// With its trailing `/`, e.g. `jwt/`.
    pub path: String,
    pub kind: String,
    pub accessor: String,
    pub uuid: String,
    pub description: String,
    pub default_lease_ttl: i64,
    pub max_lease_ttl: i64,
    pub token_type: String,
}

/// A cached document fetched from an issuer (discovery document or JWKS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedDoc {
    pub url: String,
    /// `discovery` or `jwks`.
    pub kind: String,
    pub body: Vec<u8>,
    /// Unix seconds.
    pub fetched_at: i64,
}

/// The indexed columns of a token row; the rest of the entry is JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenKeys {
    /// SHA-256 of the raw token.
    pub hash: Vec<u8>,
    /// Empty for batch tokens.
    pub accessor: String,
    pub path: String,
    pub mount_accessor: String,
    pub entity_id: String,
}

/// The indexed columns of an alias (entity alias or group alias).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliasKeys {
    pub id: String,
    pub mount_accessor: String,
    pub name: String,
    pub canonical_id: String,
}

/// The connection a store runs its transaction on.
pub(crate) enum Engine {
    Sqlite(sqlite::Conn),
    Postgres(Box<postgres::Conn>),
}

/// An open state with its transaction.
pub struct Store {
    engine: Engine,
    /// Whether a transaction may be open (dropping the store rolls it back).
    in_txn: bool,
}

fn decode<T: DeserializeOwned>(what: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn encode<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    pub(crate) fn new(engine: Engine) -> Store {
        Store {
            engine,
            in_txn: false,
        }
    }

    /// Opens (creating if needed) the SQLite state file and begins the command's transaction.
    /// `seed` runs once, inside the same transaction, when the schema is created.
    pub fn open(path: &Path, seed: &dyn Fn(&Store) -> Result<()>) -> Result<Store> {
        sqlite::open(path, seed)
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// The server's writer on a SQLite file (see `backend::pooled`): [`Store::open`], its first
    /// transaction committed, the connection kept for [`Store::begin`] /
    /// [`Store::commit_batch`]; its commits are made durable by [`WalSync`].
    pub fn open_writer(path: &Path, seed: &dyn Fn(&Store) -> Result<()>) -> Result<Store> {
        sqlite::open_writer(path, seed)
    }

    /// The server's checkpointer on a SQLite file the writer has opened
    /// ([`Store::checkpoint_passive`]).
    pub fn open_checkpointer(path: &Path) -> Result<Store> {
        sqlite::open_checkpointer(path)
    }

    /// A reader of the server on a SQLite file the writer has opened: `query_only`, and every
    /// statement that would write refused and remembered ([`Store::end_read`]).
    pub fn open_reader(path: &Path) -> Result<Store> {
        sqlite::open_reader(path)
    }

    fn sqlite_only(&self, what: &str) -> StoreError {
        StoreError::Postgres(format!(
            "{what} is the SQLite server writer's; on PostgreSQL each request is its own \
             transaction"
        ))
    }

    /// Begins a write transaction (SQLite: `BEGIN IMMEDIATE`, the write lock taken now).
    pub fn begin(&mut self) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(c) => c.begin()?,
            Engine::Postgres(_) => return Err(self.sqlite_only("begin")),
        }
        self.in_txn = true;
        Ok(())
    }

    /// Commits the open transaction and keeps the connection (the server's writer). A failed
    /// commit rolls the transaction back: nothing of it is kept. The caller trims the WAL
    /// afterwards ([`Store::trim`]), once it has answered what it committed.
    pub fn commit_batch(&mut self) -> Result<()> {
        let committed = match &self.engine {
            Engine::Sqlite(c) => c.commit_batch(),
            Engine::Postgres(_) => Err(self.sqlite_only("commit_batch")),
        };
        self.in_txn = false;
        committed
    }

    /// After [`Store::commit_batch`]: the WAL started over in place once it holds more than the
    /// connection's limit.
    pub fn trim(&self) {
        if let Engine::Sqlite(c) = &self.engine {
            c.trim_wal();
        }
    }

    /// The writer's: frames in the WAL after its last commit (0 on PostgreSQL).
    pub fn wal_frames(&self) -> u32 {
        match &self.engine {
            Engine::Sqlite(c) => c.wal_frames(),
            Engine::Postgres(_) => 0,
        }
    }

    /// The checkpointer's: copies what it can of the WAL into the database without blocking
    /// anyone; (frames in the WAL, frames copied so far).
    pub fn checkpoint_passive(&self) -> Result<(i64, i64)> {
        match &self.engine {
            Engine::Sqlite(c) => c.checkpoint_passive(),
            Engine::Postgres(_) => Err(self.sqlite_only("checkpoint_passive")),
        }
    }

    /// The writer's last act: the WAL started over at the command line's size.
    pub fn trim_for_close(&mut self) {
        if let Engine::Sqlite(c) = &mut self.engine {
            c.trim_for_close();
        }
    }

    /// Rolls the open transaction back, if one is open.
    pub fn rollback(&mut self) {
        if self.in_txn {
            match &self.engine {
                Engine::Sqlite(c) => c.rollback(),
                // Nothing to report if this fails: the transaction ends with the connection.
                Engine::Postgres(c) => {
                    let _ = c.batch("ROLLBACK");
                }
            }
        }
        self.in_txn = false;
    }

    /// A reader's: begins a read transaction (its snapshot is taken at the first read).
    pub fn begin_read(&mut self) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(c) => c.run("BEGIN")?,
            Engine::Postgres(_) => return Err(self.sqlite_only("begin_read")),
        }
        self.in_txn = true;
        Ok(())
    }

    /// A reader's: ends the read transaction. Returns whether a statement that writes was
    /// tried (and refused) since [`Store::begin_read`]: then what was read must not be used.
    pub fn end_read(&mut self) -> bool {
        self.rollback();
        match &self.engine {
            Engine::Sqlite(c) => c.take_write_tried(),
            Engine::Postgres(_) => false,
        }
    }

    /// SQLite's `PRAGMA integrity_check` (`ok` for a sound file); PostgreSQL has no such check.
    pub fn integrity_check(&self) -> Result<String> {
        match &self.engine {
            Engine::Sqlite(c) => Ok(c
                .raw()
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))?),
            Engine::Postgres(_) => Err(StoreError::Postgres(
                "an integrity check is SQLite's (PRAGMA integrity_check)".into(),
            )),
        }
    }

    /// Whether this store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self.engine, Engine::Postgres(_))
    }

    /// Runs one statement; returns how many rows it changed.
    pub(crate) fn exec(&self, sql: &str, args: &[Arg<'_>]) -> Result<usize> {
        match &self.engine {
            Engine::Sqlite(c) => c.exec(sql, args),
            Engine::Postgres(c) => c.exec(sql, args),
        }
    }

    /// Runs one query; returns every row.
    pub(crate) fn query(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>> {
        match &self.engine {
            Engine::Sqlite(c) => c.query(sql, args),
            Engine::Postgres(c) => c.query(sql, args),
        }
    }

    /// Runs one query; returns its first row, if any.
    pub(crate) fn query_row(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<Row>> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// Runs statements without arguments (transaction control, DDL).
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(c) => c.batch(sql),
            Engine::Postgres(c) => c.batch(sql),
        }
    }

    /// The time, in Unix seconds, read once the transaction has begun: the process's clock on
    /// SQLite (the write lock is held, so times recorded are ordered as the transactions are);
    /// on PostgreSQL the database server's clock, read in the transaction's first statement,
    /// so that every process on every machine records times from one clock.
    pub fn now(&self) -> f64 {
        match &self.engine {
            Engine::Sqlite(_) => crate::paths::Ctx::now_secs(),
            Engine::Postgres(c) => c.clock(),
        }
    }

    /// Whether a statement of this transaction failed because of a concurrent one (then the
    /// transaction must be rolled back and the whole request run again, whatever the handler
    /// made of the error). Never on SQLite, whose writers take turns.
    pub fn conflicted(&self) -> bool {
        match &self.engine {
            Engine::Sqlite(_) => false,
            Engine::Postgres(c) => c.conflicted(),
        }
    }

    /// Commits the transaction (durably: the WAL is fsynced, or PostgreSQL has flushed its
    /// WAL, before this returns). A conflict detected at commit is [`StoreError::Conflict`].
    pub fn commit(mut self) -> Result<()> {
        self.commit_in_place()
    }

    /// What [`Store::commit`] does, leaving the store to the caller (closed when dropped).
    fn commit_in_place(&mut self) -> Result<()> {
        if self.conflicted() {
            return Err(StoreError::Conflict(
                "a statement of the transaction conflicted".into(),
            ));
        }
        self.in_txn = false;
        match &self.engine {
            Engine::Sqlite(c) => c.commit(),
            Engine::Postgres(c) => c.commit(),
        }
    }

    /// [`Store::commit`], for the one transaction of a command line's command: in the
    /// `jwtvault` binary ([`exit_follows_each_command`]) a SQLite connection is then left open
    /// for the exit that follows. Closing it would only unmap, close and free what the exit
    /// releases anyway (a fortieth of a login); nothing is left for SQLite to finish (the
    /// transaction is committed and durable, no statement runs), and a connection that
    /// disappears with its process is what SQLite expects (the next process reads the WAL
    /// index back from the WAL, as always). PostgreSQL connections are closed as usual, so the
    /// server sees a client that says goodbye.
    pub fn commit_before_exit(mut self) -> Result<()> {
        let committed = self.commit_in_place();
        if committed.is_ok()
            && matches!(self.engine, Engine::Sqlite(_))
            && EXIT_FOLLOWS.load(std::sync::atomic::Ordering::Relaxed)
        {
            std::mem::forget(self);
        }
        committed
    }

    // ---- mounts -----------------------------------------------------------------------------

    fn mount_from_row(r: &Row) -> Result<MountRow> {
        Ok(MountRow {
            path: r.text(0)?,
            kind: r.text(1)?,
            accessor: r.text(2)?,
            uuid: r.text(3)?,
            description: r.text(4)?,
            default_lease_ttl: r.int(5)?,
            max_lease_ttl: r.int(6)?,
            token_type: r.text(7)?,
        })
    }

    const MOUNT_COLS: &'static str =
        "path, type, accessor, uuid, description, default_lease_ttl, max_lease_ttl, token_type";

    /// Every mount, sorted by path.
    pub fn list_mounts(&self) -> Result<Vec<MountRow>> {
        let sql = format!("SELECT {} FROM mounts ORDER BY path", Self::MOUNT_COLS);
        self.query(&sql, &[])?
            .iter()
            .map(Self::mount_from_row)
            .collect()
    }

    /// The mount at `path` (with its trailing `/`).
    pub fn get_mount(&self, path: &str) -> Result<Option<MountRow>> {
        let sql = format!("SELECT {} FROM mounts WHERE path = ?1", Self::MOUNT_COLS);
        self.query_row(&sql, args![path])?
            .as_ref()
            .map(Self::mount_from_row)
            .transpose()
    }

    /// The mount with this accessor.
    pub fn get_mount_by_accessor(&self, accessor: &str) -> Result<Option<MountRow>> {
        let sql = format!(
            "SELECT {} FROM mounts WHERE accessor = ?1",
            Self::MOUNT_COLS
        );
        self.query_row(&sql, args![accessor])?
            .as_ref()
            .map(Self::mount_from_row)
            .transpose()
    }

    pub fn insert_mount(&self, m: &MountRow) -> Result<()> {
        self.exec(
            "INSERT INTO mounts (path, type, accessor, uuid, description, default_lease_ttl, \
             max_lease_ttl, token_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            args![
                &m.path,
                &m.kind,
                &m.accessor,
                &m.uuid,
                &m.description,
                m.default_lease_ttl,
                m.max_lease_ttl,
                &m.token_type
            ],
        )?;
        Ok(())
    }

    /// Removes a mount with its config, roles, key cache and tokens. Entity aliases stay, as in
    /// Vault. Returns the number of tokens revoked.
    pub fn delete_mount(&self, m: &MountRow) -> Result<usize> {
        let acc = m.accessor.as_str();
        self.exec("DELETE FROM mounts WHERE path = ?1", args![&m.path])?;
        self.exec(
            "DELETE FROM jwt_config WHERE mount_accessor = ?1",
            args![acc],
        )?;
        self.exec(
            "DELETE FROM jwt_roles WHERE mount_accessor = ?1",
            args![acc],
        )?;
        self.exec(
            "DELETE FROM key_cache WHERE mount_accessor = ?1",
            args![acc],
        )?;
        self.exec("DELETE FROM tokens WHERE mount_accessor = ?1", args![acc])
    }

    // ---- config and roles -------------------------------------------------------------------

    pub fn get_config<T: DeserializeOwned>(&self, mount_accessor: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM jwt_config WHERE mount_accessor = ?1",
            args![mount_accessor],
            "config",
        )
    }

    pub fn put_config<T: Serialize>(&self, mount_accessor: &str, config: &T) -> Result<()> {
        self.exec(
            "INSERT INTO jwt_config (mount_accessor, json) VALUES (?1, ?2) \
             ON CONFLICT (mount_accessor) DO UPDATE SET json = excluded.json",
            args![mount_accessor, &encode(config)?],
        )?;
        Ok(())
    }

    pub fn get_role<T: DeserializeOwned>(
        &self,
        mount_accessor: &str,
        name: &str,
    ) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM jwt_roles WHERE mount_accessor = ?1 AND name = ?2",
            args![mount_accessor, name],
            "role",
        )
    }

    pub fn put_role<T: Serialize>(&self, mount_accessor: &str, name: &str, role: &T) -> Result<()> {
        self.exec(
            "INSERT INTO jwt_roles (mount_accessor, name, json) VALUES (?1, ?2, ?3) \
             ON CONFLICT (mount_accessor, name) DO UPDATE SET json = excluded.json",
            args![mount_accessor, name, &encode(role)?],
        )?;
        Ok(())
    }

    /// Role names of a mount, sorted.
    pub fn list_roles(&self, mount_accessor: &str) -> Result<Vec<String>> {
        self.list_strings(
            "SELECT name FROM jwt_roles WHERE mount_accessor = ?1 ORDER BY name",
            args![mount_accessor],
        )
    }

    pub fn delete_role(&self, mount_accessor: &str, name: &str) -> Result<()> {
        self.exec(
            "DELETE FROM jwt_roles WHERE mount_accessor = ?1 AND name = ?2",
            args![mount_accessor, name],
        )?;
        Ok(())
    }

    // ---- key cache --------------------------------------------------------------------------

    /// Cached documents of a mount, discovery first, then JWKS in the order they were stored.
    pub fn cached_docs(&self, mount_accessor: &str) -> Result<Vec<CachedDoc>> {
        self.query(
            "SELECT url, kind, body, fetched_at FROM key_cache WHERE mount_accessor = ?1 \
             ORDER BY kind, rowid",
            args![mount_accessor],
        )?
        .iter()
        .map(|r| {
            Ok(CachedDoc {
                url: r.text(0)?,
                kind: r.text(1)?,
                body: r.bytes(2)?,
                fetched_at: r.int(3)?,
            })
        })
        .collect()
    }

    /// Stores (or replaces) one cached document.
    pub fn put_cached_doc(&self, mount_accessor: &str, doc: &CachedDoc) -> Result<()> {
        self.exec(
            "INSERT INTO key_cache (mount_accessor, url, kind, body, fetched_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (mount_accessor, kind, url) \
             DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
            args![
                mount_accessor,
                &doc.url,
                &doc.kind,
                &doc.body,
                doc.fetched_at
            ],
        )?;
        Ok(())
    }

    /// Forgets every cached document of a mount (a config write starts cold, as in Vault).
    pub fn clear_cached_docs(&self, mount_accessor: &str) -> Result<()> {
        self.exec(
            "DELETE FROM key_cache WHERE mount_accessor = ?1",
            args![mount_accessor],
        )?;
        Ok(())
    }

    /// When `url` was last fetched (or tried), by any process; Unix seconds.
    pub fn last_fetch(&self, url: &str) -> Result<Option<f64>> {
        self.query_row(
            "SELECT attempted_at FROM fetch_log WHERE url = ?1",
            args![url],
        )?
        .map(|r| r.real(0))
        .transpose()
    }

    pub fn record_fetch(&self, url: &str, at: f64) -> Result<()> {
        self.exec(
            "INSERT INTO fetch_log (url, attempted_at) VALUES (?1, ?2) \
             ON CONFLICT (url) DO UPDATE SET attempted_at = excluded.attempted_at",
            args![url, at],
        )?;
        Ok(())
    }

    // ---- policies ---------------------------------------------------------------------------

    pub fn get_policy(&self, name: &str) -> Result<Option<String>> {
        self.query_row("SELECT raw FROM policies WHERE name = ?1", args![name])?
            .map(|r| r.text(0))
            .transpose()
    }

    pub fn put_policy(&self, name: &str, raw: &str) -> Result<()> {
        self.exec(
            "INSERT INTO policies (name, raw) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET raw = excluded.raw",
            args![name, raw],
        )?;
        Ok(())
    }

    pub fn list_policies(&self) -> Result<Vec<String>> {
        self.list_strings("SELECT name FROM policies ORDER BY name", &[])
    }

    pub fn delete_policy(&self, name: &str) -> Result<()> {
        self.exec("DELETE FROM policies WHERE name = ?1", args![name])?;
        Ok(())
    }

    // ---- tokens -----------------------------------------------------------------------------

    pub fn insert_token<T: Serialize>(&self, keys: &TokenKeys, entry: &T) -> Result<()> {
        self.exec(
            "INSERT INTO tokens (hash, accessor, path, mount_accessor, entity_id, json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![
                &keys.hash,
                &keys.accessor,
                &keys.path,
                &keys.mount_accessor,
                &keys.entity_id,
                &encode(entry)?
            ],
        )?;
        Ok(())
    }

    /// Replaces the JSON part of a token entry.
    pub fn update_token<T: Serialize>(&self, hash: &[u8], entry: &T) -> Result<()> {
        self.exec(
            "UPDATE tokens SET json = ?2 WHERE hash = ?1",
            args![hash, &encode(entry)?],
        )?;
        Ok(())
    }

    pub fn get_token<T: DeserializeOwned>(&self, hash: &[u8]) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM tokens WHERE hash = ?1",
            args![hash],
            "token",
        )
    }

    /// The token hash and entry for an accessor.
    pub fn get_token_by_accessor<T: DeserializeOwned>(
        &self,
        accessor: &str,
    ) -> Result<Option<(Vec<u8>, T)>> {
        self.query_row(
            "SELECT hash, json FROM tokens WHERE accessor = ?1 AND accessor <> ''",
            args![accessor],
        )?
        .map(|r| Ok((r.bytes(0)?, decode("token", &r.text(1)?)?)))
        .transpose()
    }

    pub fn delete_token(&self, hash: &[u8]) -> Result<bool> {
        Ok(self.exec("DELETE FROM tokens WHERE hash = ?1", args![hash])? > 0)
    }

    /// Revokes every token whose creation path starts with `prefix`. Returns how many.
    pub fn delete_tokens_with_prefix(&self, prefix: &str) -> Result<usize> {
        // A range on the indexed column instead of LIKE, whose wildcards `prefix` may contain.
        let mut upper = prefix.to_string();
        upper.push(char::MAX);
        self.exec(
            "DELETE FROM tokens WHERE path >= ?1 AND path < ?2",
            args![prefix, &upper],
        )
    }

    /// Revokes every token whose creation path is exactly `path`. Returns how many.
    pub fn delete_tokens_with_path(&self, path: &str) -> Result<usize> {
        self.exec("DELETE FROM tokens WHERE path = ?1", args![path])
    }

    /// Number of stored tokens (for tests and benchmarks).
    pub fn count_tokens(&self) -> Result<i64> {
        self.count("tokens")
    }

    fn count(&self, table: &str) -> Result<i64> {
        match self.query_row(&format!("SELECT count(*) FROM {table}"), &[])? {
            Some(r) => r.int(0),
            None => Ok(0),
        }
    }

    // ---- identity ---------------------------------------------------------------------------

    pub fn get_entity<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM entities WHERE id = ?1",
            args![id],
            "entity",
        )
    }

    pub fn get_entity_by_name<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM entities WHERE name = ?1",
            args![name],
            "entity",
        )
    }

    pub fn put_entity<T: Serialize>(&self, id: &str, name: &str, entity: &T) -> Result<()> {
        self.exec(
            "INSERT INTO entities (id, name, json) VALUES (?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json",
            args![id, name, &encode(entity)?],
        )?;
        Ok(())
    }

    /// Entity ids (`by_name == false`) or names, sorted.
    pub fn list_entities(&self, by_name: bool) -> Result<Vec<String>> {
        let sql = if by_name {
            "SELECT name FROM entities ORDER BY name"
        } else {
            "SELECT id FROM entities ORDER BY id"
        };
        self.list_strings(sql, &[])
    }

    pub fn count_entities(&self) -> Result<i64> {
        self.count("entities")
    }

    pub fn get_entity_alias<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM entity_aliases WHERE id = ?1",
            args![id],
            "entity alias",
        )
    }

    /// The entity alias for `(mount accessor, name)`.
    pub fn find_entity_alias<T: DeserializeOwned>(
        &self,
        mount_accessor: &str,
        name: &str,
    ) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM entity_aliases WHERE mount_accessor = ?1 AND name = ?2",
            args![mount_accessor, name],
            "entity alias",
        )
    }

    /// Aliases of an entity, oldest first.
    pub fn entity_aliases_of<T: DeserializeOwned>(&self, canonical_id: &str) -> Result<Vec<T>> {
        self.list_json(
            "SELECT json FROM entity_aliases WHERE canonical_id = ?1 ORDER BY rowid",
            args![canonical_id],
        )
    }

    pub fn put_entity_alias<T: Serialize>(&self, keys: &AliasKeys, alias: &T) -> Result<()> {
        self.exec(
            "INSERT INTO entity_aliases (id, mount_accessor, name, canonical_id, json) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET \
             mount_accessor = excluded.mount_accessor, name = excluded.name, \
             canonical_id = excluded.canonical_id, json = excluded.json",
            args![
                &keys.id,
                &keys.mount_accessor,
                &keys.name,
                &keys.canonical_id,
                &encode(alias)?
            ],
        )?;
        Ok(())
    }

    pub fn list_entity_aliases(&self) -> Result<Vec<String>> {
        self.list_strings("SELECT id FROM entity_aliases ORDER BY id", &[])
    }

    pub fn get_group<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>> {
        self.get_json("SELECT json FROM groups WHERE id = ?1", args![id], "group")
    }

    pub fn get_group_by_name<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM groups WHERE name = ?1",
            args![name],
            "group",
        )
    }

    pub fn put_group<T: Serialize>(&self, id: &str, name: &str, group: &T) -> Result<()> {
        self.exec(
            "INSERT INTO groups (id, name, json) VALUES (?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json",
            args![id, name, &encode(group)?],
        )?;
        Ok(())
    }

    pub fn list_groups(&self, by_name: bool) -> Result<Vec<String>> {
        let sql = if by_name {
            "SELECT name FROM groups ORDER BY name"
        } else {
            "SELECT id FROM groups ORDER BY id"
        };
        self.list_strings(sql, &[])
    }

    pub fn get_group_alias<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM group_aliases WHERE id = ?1",
            args![id],
            "group alias",
        )
    }

    pub fn find_group_alias<T: DeserializeOwned>(
        &self,
        mount_accessor: &str,
        name: &str,
    ) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM group_aliases WHERE mount_accessor = ?1 AND name = ?2",
            args![mount_accessor, name],
            "group alias",
        )
    }

    pub fn group_alias_of<T: DeserializeOwned>(&self, canonical_id: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM group_aliases WHERE canonical_id = ?1",
            args![canonical_id],
            "group alias",
        )
    }

    pub fn put_group_alias<T: Serialize>(&self, keys: &AliasKeys, alias: &T) -> Result<()> {
        self.exec(
            "INSERT INTO group_aliases (id, mount_accessor, name, canonical_id, json) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET \
             mount_accessor = excluded.mount_accessor, name = excluded.name, \
             canonical_id = excluded.canonical_id, json = excluded.json",
            args![
                &keys.id,
                &keys.mount_accessor,
                &keys.name,
                &keys.canonical_id,
                &encode(alias)?
            ],
        )?;
        Ok(())
    }

    /// Removes a group alias by id (a group's alias is replaced when a new one names it).
    pub fn delete_group_alias(&self, id: &str) -> Result<()> {
        self.exec("DELETE FROM group_aliases WHERE id = ?1", args![id])?;
        Ok(())
    }

    pub fn list_group_aliases(&self) -> Result<Vec<String>> {
        self.list_strings("SELECT id FROM group_aliases ORDER BY id", &[])
    }

    /// Group ids the entity is a direct member of, sorted.
    pub fn groups_of_entity(&self, entity_id: &str) -> Result<Vec<String>> {
        self.list_strings(
            "SELECT group_id FROM group_members WHERE entity_id = ?1 ORDER BY group_id",
            args![entity_id],
        )
    }

    /// Member entity ids of a group, sorted.
    pub fn members_of_group(&self, group_id: &str) -> Result<Vec<String>> {
        self.list_strings(
            "SELECT entity_id FROM group_members WHERE group_id = ?1 ORDER BY entity_id",
            args![group_id],
        )
    }

    pub fn add_group_member(&self, group_id: &str, entity_id: &str) -> Result<()> {
        self.exec(
            "INSERT INTO group_members (group_id, entity_id) VALUES (?1, ?2) \
             ON CONFLICT (group_id, entity_id) DO NOTHING",
            args![group_id, entity_id],
        )?;
        Ok(())
    }

    pub fn remove_group_member(&self, group_id: &str, entity_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM group_members WHERE group_id = ?1 AND entity_id = ?2",
            args![group_id, entity_id],
        )?;
        Ok(())
    }

    // ---- helpers ----------------------------------------------------------------------------

    fn get_json<T: DeserializeOwned>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        what: &str,
    ) -> Result<Option<T>> {
        self.query_row(sql, args)?
            .map(|r| decode(what, &r.text(0)?))
            .transpose()
    }

    fn list_json<T: DeserializeOwned>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<T>> {
        self.query(sql, args)?
            .iter()
            .map(|r| decode("record", &r.text(0)?))
            .collect()
    }

    fn list_strings(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<String>> {
        self.query(sql, args)?.iter().map(|r| r.text(0)).collect()
    }

    /// Marks where a request's own changes begin: the router rolls a failed handler back to
    /// here, keeping what authorization wrote (a spent token use) for the commit.
    pub fn savepoint(&self) -> Result<()> {
        self.batch("SAVEPOINT request")
    }

    /// Undoes everything since [`Store::savepoint`] and ends the savepoint.
    pub fn rollback_to_savepoint(&self) -> Result<()> {
        self.batch("ROLLBACK TO SAVEPOINT request")?;
        self.batch("RELEASE SAVEPOINT request")
    }

    /// Keeps everything since [`Store::savepoint`] and ends the savepoint.
    pub fn release_savepoint(&self) -> Result<()> {
        self.batch("RELEASE SAVEPOINT request")
    }

    /// The server's writer: marks where one request of a batch begins, around the router's
    /// own savepoint, so that a request whose handler panicked leaves nothing in the batch.
    pub fn batch_savepoint(&self) -> Result<()> {
        self.batch("SAVEPOINT batch_job")
    }

    /// Undoes everything since [`Store::batch_savepoint`] (inner savepoints included).
    pub fn rollback_batch_savepoint(&self) -> Result<()> {
        self.batch("ROLLBACK TO SAVEPOINT batch_job")?;
        self.batch("RELEASE SAVEPOINT batch_job")
    }

    /// Keeps everything since [`Store::batch_savepoint`] and ends it.
    pub fn release_batch_savepoint(&self) -> Result<()> {
        self.batch("RELEASE SAVEPOINT batch_job")
    }

    /// The config row of a mount, as stored (JSON text), for a prepared write's check that
    /// nothing changed.
    pub fn config_json(&self, mount_accessor: &str) -> Result<Option<String>> {
        self.query_row(
            "SELECT json FROM jwt_config WHERE mount_accessor = ?1",
            args![mount_accessor],
        )?
        .map(|r| r.text(0))
        .transpose()
    }

    /// A role row, as stored (JSON text).
    pub fn role_json(&self, mount_accessor: &str, name: &str) -> Result<Option<String>> {
        self.query_row(
            "SELECT json FROM jwt_roles WHERE mount_accessor = ?1 AND name = ?2",
            args![mount_accessor, name],
        )?
        .map(|r| r.text(0))
        .transpose()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.rollback();
    }
}

// ---- secrets engines (issue 14) -------------------------------------------------------------

/// A secrets-engine mount, as `sys/mounts` lists it: the system mounts `identity/` and `sys/`,
/// and the KV version 2 mounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretMount {
    /// With its trailing `/`, e.g. `secret/`.
    pub path: String,
    /// `kv`, `identity` or `system`.
    pub kind: String,
    pub accessor: String,
    pub uuid: String,
    pub description: String,
    /// JSON: `{"version":"2"}` for a KV mount, `null` for the system mounts.
    pub options: String,
    /// JSON: the mount's `config` as `sys/mounts` shows it.
    pub config: String,
    pub seal_wrap: bool,
}

/// A KV mount's `config` (a new mount's is all zero: 10 versions, no check-and-set, no
/// automatic deletion).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KvConfig {
    /// Vault's `uint32`.
    pub max_versions: i64,
    pub cas_required: bool,
    /// Seconds; negative means disabled for the whole mount (read back as `-1s`).
    pub delete_version_after: i64,
    pub metadata_cas_required: bool,
}

/// A KV key's metadata: it exists (for the existence check, lists and `cas=0`) as soon as this
/// row does, even with no version left.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KvKey {
    pub current_version: i64,
    pub oldest_version: i64,
    /// Vault's `uint32`.
    pub max_versions: i64,
    pub cas_required: bool,
    /// Seconds, never negative.
    pub delete_version_after: i64,
    pub metadata_cas_required: bool,
    pub current_metadata_version: i64,
    /// Unix nanoseconds.
    pub created_time: i64,
    pub updated_time: i64,
    /// The sealed custom metadata (a JSON map of strings); `None` when there is none.
    pub custom_metadata: Option<Vec<u8>>,
}

/// One version of a KV key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KvVersion {
    pub version: i64,
    /// Unix nanoseconds.
    pub created_time: i64,
    /// Unix nanoseconds; `None` when the version is not (to be) deleted.
    pub deletion_time: Option<i64>,
    pub destroyed: bool,
    /// The sealed data (JSON); `None` once destroyed.
    pub value: Option<Vec<u8>>,
}

impl Store {
    const SECRET_MOUNT_COLS: &'static str =
        "path, type, accessor, uuid, description, options, config, seal_wrap";

    fn secret_mount_from_row(r: &Row) -> Result<SecretMount> {
        Ok(SecretMount {
            path: r.text(0)?,
            kind: r.text(1)?,
            accessor: r.text(2)?,
            uuid: r.text(3)?,
            description: r.text(4)?,
            options: r.text(5)?,
            config: r.text(6)?,
            seal_wrap: r.bool(7)?,
        })
    }

    /// Every secrets-engine mount (the system ones included), sorted by path.
    pub fn list_secret_mounts(&self) -> Result<Vec<SecretMount>> {
        let sql = format!(
            "SELECT {} FROM secret_mounts ORDER BY path",
            Self::SECRET_MOUNT_COLS
        );
        self.query(&sql, &[])?
            .iter()
            .map(Self::secret_mount_from_row)
            .collect()
    }

    /// The secrets-engine mount at `path` (with its trailing `/`).
    pub fn get_secret_mount(&self, path: &str) -> Result<Option<SecretMount>> {
        let sql = format!(
            "SELECT {} FROM secret_mounts WHERE path = ?1",
            Self::SECRET_MOUNT_COLS
        );
        self.query_row(&sql, args![path])?
            .as_ref()
            .map(Self::secret_mount_from_row)
            .transpose()
    }

    pub fn insert_secret_mount(&self, m: &SecretMount) -> Result<()> {
        self.exec(
            "INSERT INTO secret_mounts (path, type, accessor, uuid, description, options, config, \
             seal_wrap) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            args![
                &m.path,
                &m.kind,
                &m.accessor,
                &m.uuid,
                &m.description,
                &m.options,
                &m.config,
                m.seal_wrap
            ],
        )?;
        Ok(())
    }

    /// Removes a secrets-engine mount with everything stored under it: its KV config, keys and
    /// versions (sealed values included), in the caller's transaction.
    pub fn delete_secret_mount(&self, m: &SecretMount) -> Result<()> {
        self.exec("DELETE FROM secret_mounts WHERE path = ?1", args![&m.path])?;
        for table in ["kv_config", "kv_keys", "kv_versions"] {
            self.exec(
                &format!("DELETE FROM {table} WHERE mount = ?1"),
                args![&m.uuid],
            )?;
        }
        Ok(())
    }

    /// A KV mount's config (`None`: never written, all defaults).
    pub fn kv_config(&self, mount: &str) -> Result<Option<KvConfig>> {
        self.query_row(
            "SELECT max_versions, cas_required, delete_version_after, metadata_cas_required \
             FROM kv_config WHERE mount = ?1",
            args![mount],
        )?
        .map(|r| {
            Ok(KvConfig {
                max_versions: r.int(0)?,
                cas_required: r.bool(1)?,
                delete_version_after: r.int(2)?,
                metadata_cas_required: r.bool(3)?,
            })
        })
        .transpose()
    }

    pub fn put_kv_config(&self, mount: &str, c: &KvConfig) -> Result<()> {
        self.exec(
            "INSERT INTO kv_config (mount, max_versions, cas_required, delete_version_after, \
             metadata_cas_required) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (mount) DO UPDATE SET \
             max_versions = excluded.max_versions, cas_required = excluded.cas_required, \
             delete_version_after = excluded.delete_version_after, \
             metadata_cas_required = excluded.metadata_cas_required",
            args![
                mount,
                c.max_versions,
                c.cas_required,
                c.delete_version_after,
                c.metadata_cas_required
            ],
        )?;
        Ok(())
    }

    /// The metadata of a KV key.
    pub fn kv_key(&self, mount: &str, key: &str) -> Result<Option<KvKey>> {
        self.query_row(
            "SELECT current_version, oldest_version, max_versions, cas_required, \
             delete_version_after, metadata_cas_required, current_metadata_version, \
             created_time, updated_time, custom_metadata FROM kv_keys \
             WHERE mount = ?1 AND key = ?2",
            args![mount, key],
        )?
        .map(|r| {
            Ok(KvKey {
                current_version: r.int(0)?,
                oldest_version: r.int(1)?,
                max_versions: r.int(2)?,
                cas_required: r.bool(3)?,
                delete_version_after: r.int(4)?,
                metadata_cas_required: r.bool(5)?,
                current_metadata_version: r.int(6)?,
                created_time: r.int(7)?,
                updated_time: r.int(8)?,
                custom_metadata: r.opt_bytes(9)?,
            })
        })
        .transpose()
    }

    /// Whether a KV key has metadata (Vault's existence check on `data/` and `metadata/`).
    pub fn kv_key_exists(&self, mount: &str, key: &str) -> Result<bool> {
        Ok(self
            .query_row(
                "SELECT 1 FROM kv_keys WHERE mount = ?1 AND key = ?2",
                args![mount, key],
            )?
            .is_some())
    }

    /// Creates or replaces a KV key's metadata.
    pub fn put_kv_key(&self, mount: &str, key: &str, k: &KvKey) -> Result<()> {
        self.exec(
            "INSERT INTO kv_keys (mount, key, current_version, oldest_version, max_versions, \
             cas_required, delete_version_after, metadata_cas_required, \
             current_metadata_version, created_time, updated_time, custom_metadata) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
             ON CONFLICT (mount, key) DO UPDATE SET current_version = excluded.current_version, \
             oldest_version = excluded.oldest_version, max_versions = excluded.max_versions, \
             cas_required = excluded.cas_required, \
             delete_version_after = excluded.delete_version_after, \
             metadata_cas_required = excluded.metadata_cas_required, \
             current_metadata_version = excluded.current_metadata_version, \
             created_time = excluded.created_time, updated_time = excluded.updated_time, \
             custom_metadata = excluded.custom_metadata",
            args![
                mount,
                key,
                k.current_version,
                k.oldest_version,
                k.max_versions,
                k.cas_required,
                k.delete_version_after,
                k.metadata_cas_required,
                k.current_metadata_version,
                k.created_time,
                k.updated_time,
                &k.custom_metadata
            ],
        )?;
        Ok(())
    }

    /// Removes a KV key: its metadata and every version.
    pub fn delete_kv_key(&self, mount: &str, key: &str) -> Result<()> {
        self.exec(
            "DELETE FROM kv_keys WHERE mount = ?1 AND key = ?2",
            args![mount, key],
        )?;
        self.exec(
            "DELETE FROM kv_versions WHERE mount = ?1 AND key = ?2",
            args![mount, key],
        )?;
        Ok(())
    }

    fn kv_version_from_row(r: &Row) -> Result<KvVersion> {
        Ok(KvVersion {
            version: r.int(0)?,
            created_time: r.int(1)?,
            deletion_time: r.opt_int(2)?,
            destroyed: r.bool(3)?,
            value: r.opt_bytes(4)?,
        })
    }

    /// Every version of a KV key still kept, oldest first, without their sealed values.
    pub fn kv_versions(&self, mount: &str, key: &str) -> Result<Vec<KvVersion>> {
        self.query(
            "SELECT version, created_time, deletion_time, destroyed, NULL FROM kv_versions \
             WHERE mount = ?1 AND key = ?2 ORDER BY version",
            args![mount, key],
        )?
        .iter()
        .map(Self::kv_version_from_row)
        .collect()
    }

    /// One version of a KV key, with its sealed value.
    pub fn kv_version(&self, mount: &str, key: &str, version: i64) -> Result<Option<KvVersion>> {
        self.query_row(
            "SELECT version, created_time, deletion_time, destroyed, value FROM kv_versions \
             WHERE mount = ?1 AND key = ?2 AND version = ?3",
            args![mount, key, version],
        )?
        .as_ref()
        .map(Self::kv_version_from_row)
        .transpose()
    }

    /// Creates or replaces one version of a KV key.
    pub fn put_kv_version(&self, mount: &str, key: &str, v: &KvVersion) -> Result<()> {
        self.exec(
            "INSERT INTO kv_versions (mount, key, version, created_time, deletion_time, destroyed, \
             value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (mount, key, version) DO \
             UPDATE SET created_time = excluded.created_time, \
             deletion_time = excluded.deletion_time, destroyed = excluded.destroyed, \
             value = excluded.value",
            args![
                mount,
                key,
                v.version,
                v.created_time,
                v.deletion_time,
                v.destroyed,
                &v.value
            ],
        )?;
        Ok(())
    }

    /// Changes the deletion time and destroyed flag of one version, keeping its value unless
    /// `destroy` (then the value is removed).
    pub fn mark_kv_version(
        &self,
        mount: &str,
        key: &str,
        version: i64,
        deletion_time: Option<i64>,
        destroy: bool,
    ) -> Result<()> {
        self.exec(
            "UPDATE kv_versions SET deletion_time = ?4, \
             destroyed = CASE WHEN ?5 <> 0 THEN 1 ELSE destroyed END, \
             value = CASE WHEN ?5 <> 0 THEN NULL ELSE value END \
             WHERE mount = ?1 AND key = ?2 AND version = ?3",
            args![mount, key, version, deletion_time, destroy],
        )?;
        Ok(())
    }

    /// Removes the versions of a KV key older than `oldest` (`max_versions` pruning).
    pub fn prune_kv_versions(&self, mount: &str, key: &str, oldest: i64) -> Result<()> {
        self.exec(
            "DELETE FROM kv_versions WHERE mount = ?1 AND key = ?2 AND version < ?3",
            args![mount, key, oldest],
        )?;
        Ok(())
    }

    /// The keys of a KV mount that start with `folder` (empty, or ending in `/`), sorted
    /// bytewise.
    pub fn kv_keys_under(&self, mount: &str, folder: &str) -> Result<Vec<String>> {
        // Every key that starts with "a/" sorts in ["a/", "a0"): '0' follows '/' in ASCII.
        let upper = match folder.strip_suffix('/') {
            Some(stem) => format!("{stem}0"),
            None => String::new(),
        };
        if upper.is_empty() {
            return self.list_strings(
                "SELECT key FROM kv_keys WHERE mount = ?1 ORDER BY key",
                args![mount],
            );
        }
        self.list_strings(
            "SELECT key FROM kv_keys WHERE mount = ?1 AND key >= ?2 AND key < ?3 ORDER BY key",
            args![mount, folder, &upper],
        )
    }

    /// The state's seal verifier (see `seal.rs`).
    pub fn seal_verifier(&self) -> Result<Option<Vec<u8>>> {
        self.query_row("SELECT verifier FROM seal WHERE id = 1", &[])?
            .map(|r| r.bytes(0))
            .transpose()
    }

    pub fn put_seal_verifier(&self, verifier: &[u8]) -> Result<()> {
        self.exec(
            "INSERT INTO seal (id, verifier) VALUES (1, ?1) \
             ON CONFLICT (id) DO UPDATE SET verifier = excluded.verifier",
            args![verifier],
        )?;
        Ok(())
    }

    pub fn delete_seal_verifier(&self) -> Result<()> {
        self.exec("DELETE FROM seal", &[])?;
        Ok(())
    }

    /// Whether any sealed value is stored (a version's data or a key's custom metadata).
    pub fn holds_sealed_values(&self) -> Result<bool> {
        let values = self.query_row(
            "SELECT 1 FROM kv_versions WHERE value IS NOT NULL LIMIT 1",
            &[],
        )?;
        if values.is_some() {
            return Ok(true);
        }
        Ok(self
            .query_row(
                "SELECT 1 FROM kv_keys WHERE custom_metadata IS NOT NULL LIMIT 1",
                &[],
            )?
            .is_some())
    }
}

// ---- the server's root-token bootstrap ------------------------------------------------------

impl Store {
    /// Whether a live token holding the `root` policy exists: one whose `expire_time` is unset
    /// or after `now` (`jwtvault server` makes one only when there is none). A scan of the
    /// token table, done once per start. The one query whose text differs per engine (JSON).
    pub fn has_root_token(&self, now: f64) -> Result<bool> {
        let sql = match self.engine {
            Engine::Sqlite(_) => {
                "SELECT 1 FROM tokens AS t, json_each(t.json, '$.policies') AS p \
                 WHERE p.value = 'root' AND (json_extract(t.json, '$.expire_time') IS NULL \
                 OR json_extract(t.json, '$.expire_time') > ?1) LIMIT 1"
            }
            Engine::Postgres(_) => {
                "SELECT 1 FROM tokens AS t WHERE jsonb_typeof(t.json::jsonb -> 'policies') = \
                 'array' AND (t.json::jsonb -> 'policies') @> '[\"root\"]'::jsonb AND \
                 (jsonb_typeof(t.json::jsonb -> 'expire_time') IS DISTINCT FROM 'number' \
                 OR (t.json::jsonb ->> 'expire_time')::double precision > ?1) LIMIT 1"
            }
        };
        Ok(self.query_row(sql, args![now])?.is_some())
    }
}

#[cfg(test)]
#[path = "../../tests/cli/pg_cluster.rs"]
pub(crate) mod pg_cluster;
#[cfg(test)]
pub(crate) mod tests;
