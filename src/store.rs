//! The state file: the only module that speaks SQL.
//!
//! One SQLite file holds every mount, config, role, key cache, policy, token and identity object.
//! A [`Store`] is one connection with one `BEGIN IMMEDIATE` transaction: a command's changes are
//! committed together by [`Store::commit`] or not at all (dropping the store rolls back).
//!
//! Opening never modifies a file that is not ours: the header, `application_id` and
//! `user_version` are checked before WAL mode is switched on or any schema is written.
//! Records whose shape is Vault's (configs, roles, token entries, entities) are kept as JSON next
//! to the indexed columns that lookups need, so a query never scans or parses more than it uses.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// `PRAGMA application_id` of a jwtvault state file ("JWTV").
pub const APPLICATION_ID: i32 = 0x4a57_5456;
/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = 1;

const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// How the WAL is kept small, measured (issue 11): every process starts with no other connection
/// open, so SQLite zeroes the `-shm` and rebuilds its WAL index by reading and checksumming every
/// valid frame (`walIndexRecover`); that costs about 2,400 instructions and one `pread` per frame.
/// A checkpoint's "copied back" mark lives only in that index, so a new process forgets it; and a
/// WAL truncated to zero bytes makes every later commit extend the file, whose fsync then also
/// records the longer file in the file system's journal (ext4, measured: median commit fsync
/// 0.35-0.53 ms extending, 0.27-0.41 ms overwriting in place).
///
/// So once a commit leaves more than this many frames (about fifteen logins of five pages), the
/// committing process checkpoints with `RESTART` and at once starts the WAL over with a one-page
/// write of its own (see [`Store::restart_wal`]): the next process recovers one frame, and every
/// commit overwrites blocks the WAL file already has. Each restart costs three fsyncs (WAL,
/// database, new WAL header) besides the commits' own: about 1.2 fsyncs per login. Fewer frames
/// would mean more of those; more frames, a longer recovery read in every process.
const WAL_RESTART_FRAMES: u32 = 80;
/// If restarting kept failing (other processes always busy), a commit waits for its turn.
const WAL_FORCE_FRAMES: u32 = 16 << 10;
/// How long a commit waits for other processes to let it restart the WAL before giving up and
/// leaving it to a later command.
const WAL_RESTART_WAIT: Duration = Duration::from_millis(100);
/// `PRAGMA journal_size_limit`: a WAL file grown past this by one large transaction (a bulk
/// import) is cut back to it when the WAL next starts over. Well above a cycle's size, so that
/// ordinary commits never extend the file.
const WAL_FILE_LIMIT: i64 = 1 << 20;

/// Why the state file could not be used.
#[derive(Debug)]
pub enum StoreError {
    /// The file exists but is not a jwtvault state file (another SQLite database, or not SQLite).
    Foreign { path: PathBuf, detail: String },
    /// The file was written by a newer jwtvault.
    TooNew { path: PathBuf, found: i32 },
    /// Filesystem trouble around the file (folder creation, permissions).
    Io { path: PathBuf, detail: String },
    /// SQLite reported an error while running a statement.
    Sqlite(String),
    /// A stored record could not be decoded.
    Corrupt(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Foreign { path, detail } => write!(
                f,
                "state file {} is not a jwtvault state file ({detail}); it was left untouched. \
                 Point -state or JWTVAULT_STATE at a jwtvault state file or a new path",
                path.display()
            ),
            StoreError::TooNew { path, found } => write!(
                f,
                "state file {} has schema version {found}, newer than this jwtvault supports \
                 ({SCHEMA_VERSION}); it was left untouched. Upgrade jwtvault",
                path.display()
            ),
            StoreError::Io { path, detail } => {
                write!(f, "state file {}: {detail}", path.display())
            }
            StoreError::Sqlite(detail) => write!(f, "state file error: {detail}"),
            StoreError::Corrupt(detail) => write!(f, "state file holds a damaged record: {detail}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e.to_string())
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// The default path of the state file: `<data dir>/jwtvault/state.db`.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("jwtvault").join("state.db"))
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

/// An open state file with its transaction.
pub struct Store {
    conn: Connection,
    done: bool,
    /// Frames in the WAL after this connection's last commit, set by [`wal_hook`]. Declared
    /// after `conn`, so it outlives the connection that points at it.
    wal_frames: Box<AtomicU32>,
}

fn io_err(path: &Path, what: &str, e: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        detail: format!("{what}: {e}"),
    }
}

/// The first 16 bytes of every SQLite 3 database.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Creates the folder (0700) and the file (0600) if they do not exist yet.
fn create_file(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            let mut b = fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            b.create(dir)
                .map_err(|e| io_err(dir, "cannot create folder", e))?;
        }
    }
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io_err(path, "cannot create file", e)),
    }
}

/// Reads the header without SQLite so that a foreign file is refused before SQLite touches it.
fn check_header(path: &Path) -> Result<bool> {
    let mut f = fs::File::open(path).map_err(|e| io_err(path, "cannot open", e))?;
    let mut head = Vec::with_capacity(100);
    f.by_ref()
        .take(100)
        .read_to_end(&mut head)
        .map_err(|e| io_err(path, "cannot read", e))?;
    if head.is_empty() {
        return Ok(false); // a new, empty file
    }
    if head.len() < 100 || &head[..16] != SQLITE_MAGIC {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
            detail: "not an SQLite database".into(),
        });
    }
    // application_id is a big-endian u32 at offset 68. Zero can still be ours (the real value
    // may sit in the WAL, not yet checkpointed): that case is decided by SQLite under the lock.
    let app = i32::from_be_bytes([head[68], head[69], head[70], head[71]]);
    if app != 0 && app != APPLICATION_ID {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
            detail: format!("application_id is {app:#x}, expected {APPLICATION_ID:#x}"),
        });
    }
    Ok(true)
}

const SCHEMA_V1: &str = "
CREATE TABLE mounts (
    path TEXT PRIMARY KEY, type TEXT NOT NULL, accessor TEXT NOT NULL UNIQUE, uuid TEXT NOT NULL,
    description TEXT NOT NULL, default_lease_ttl INTEGER NOT NULL, max_lease_ttl INTEGER NOT NULL,
    token_type TEXT NOT NULL);
CREATE TABLE jwt_config (mount_accessor TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE jwt_roles (mount_accessor TEXT NOT NULL, name TEXT NOT NULL, json TEXT NOT NULL,
    PRIMARY KEY (mount_accessor, name));
CREATE TABLE key_cache (mount_accessor TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL,
    body BLOB NOT NULL, fetched_at INTEGER NOT NULL, PRIMARY KEY (mount_accessor, kind, url));
CREATE TABLE fetch_log (url TEXT PRIMARY KEY, attempted_at REAL NOT NULL);
CREATE TABLE policies (name TEXT PRIMARY KEY, raw TEXT NOT NULL);
CREATE TABLE tokens (hash BLOB PRIMARY KEY, accessor TEXT, path TEXT NOT NULL,
    mount_accessor TEXT NOT NULL, entity_id TEXT NOT NULL, json TEXT NOT NULL);
CREATE UNIQUE INDEX tokens_accessor ON tokens(accessor) WHERE accessor <> '';
CREATE INDEX tokens_path ON tokens(path);
CREATE INDEX tokens_mount ON tokens(mount_accessor);
CREATE TABLE entities (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
CREATE TABLE entity_aliases (id TEXT PRIMARY KEY, mount_accessor TEXT NOT NULL, name TEXT NOT NULL,
    canonical_id TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (mount_accessor, name));
CREATE INDEX entity_aliases_canonical ON entity_aliases(canonical_id);
CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
CREATE TABLE group_aliases (id TEXT PRIMARY KEY, mount_accessor TEXT NOT NULL, name TEXT NOT NULL,
    canonical_id TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (mount_accessor, name));
CREATE INDEX group_aliases_canonical ON group_aliases(canonical_id);
CREATE TABLE group_members (group_id TEXT NOT NULL, entity_id TEXT NOT NULL,
    PRIMARY KEY (group_id, entity_id));
CREATE INDEX group_members_entity ON group_members(entity_id);
";

/// Forward migrations: entry `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[SCHEMA_V1];

fn decode<T: DeserializeOwned>(what: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn encode<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// Opens (creating if needed) the state file and begins the command's transaction.
    /// `seed` runs once, inside the same transaction, when the schema is created.
    pub fn open(path: &Path, seed: &dyn Fn(&Store) -> Result<()>) -> Result<Store> {
        create_file(path)?;
        let initialised = check_header(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match vfs::name() {
            Some(name) => Connection::open_with_flags_and_vfs(path, flags, name)?,
            None => Connection::open_with_flags(path, flags)?,
        };
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Checkpointing on close would fsync the database at the end of every command; the WAL's
        // own commit fsync is what makes a command durable, and `trim_wal` keeps it bounded.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )?;
        if !initialised {
            // A brand-new file: nothing can be lost by switching it to WAL now.
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        // FULL: the WAL is fsynced at every commit, so a command that printed its result has it
        // on disk (contract §2); see WAL_RESTART_FRAMES for why checkpoints are ours.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "journal_size_limit", WAL_FILE_LIMIT)?;
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let wal_frames = Box::new(AtomicU32::new(0));
        // SAFETY: the handle is this open connection's; the hook's argument is the boxed counter,
        // which the Store drops only after the connection (field order). Registering the hook
        // also removes SQLite's automatic checkpoint (it is the same slot), as intended.
        unsafe {
            rusqlite::ffi::sqlite3_wal_hook(
                conn.handle(),
                Some(wal_hook),
                &*wal_frames as *const AtomicU32 as *mut std::ffi::c_void,
            );
        }
        let store = Store {
            conn,
            done: false,
            wal_frames,
        };
        store.conn.execute_batch("BEGIN IMMEDIATE")?;
        // Re-read under the lock: another process may have initialised the file meanwhile.
        let app: i32 = store
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i32 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if app == 0 && version == 0 {
            let tables: i64 =
                store
                    .conn
                    .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
            if tables != 0 {
                return Err(StoreError::Foreign {
                    path: path.to_path_buf(),
                    detail: "it holds tables but no jwtvault application_id".into(),
                });
            }
            store
                .conn
                .pragma_update(None, "application_id", APPLICATION_ID)?;
        } else if app != APPLICATION_ID {
            return Err(StoreError::Foreign {
                path: path.to_path_buf(),
                detail: format!("application_id is {app:#x}"),
            });
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
            });
        }
        for (v, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            store.conn.execute_batch(sql)?;
            store
                .conn
                .pragma_update(None, "user_version", v as i32 + 1)?;
            if v == 0 {
                seed(&store)?;
            }
        }
        Ok(store)
    }

    /// Commits the command's transaction (durably: the WAL is fsynced before this returns).
    pub fn commit(mut self) -> Result<()> {
        self.conn.execute_batch("COMMIT")?;
        self.done = true;
        self.trim_wal();
        Ok(())
    }

    /// Once the WAL holds more than [`WAL_RESTART_FRAMES`], copies it into the database and
    /// starts it over. The command's changes are already durable, so nothing here may fail the
    /// command: when other processes hold the file the attempt is abandoned and a later command
    /// does it.
    fn trim_wal(&self) {
        let frames = self.wal_frames.load(Ordering::Relaxed);
        if frames <= WAL_RESTART_FRAMES {
            return;
        }
        let wait = if frames > WAL_FORCE_FRAMES {
            BUSY_TIMEOUT
        } else {
            WAL_RESTART_WAIT
        };
        if self.conn.busy_timeout(wait).is_ok() {
            let _ = self.restart_wal();
        }
        let _ = self.conn.busy_timeout(BUSY_TIMEOUT);
    }

    /// `wal_checkpoint(RESTART)` copies every frame into the database and fsyncs it (SQLite
    /// fsyncs the WAL first), then lets the next writer write from the WAL's start. That writer
    /// must be this connection: a new process would rebuild its WAL index from the old header
    /// and frames, forgetting the checkpoint. So one page is rewritten with its own value, which
    /// writes the new WAL header (fsynced by SQLite, whatever `synchronous` says) and one frame.
    ///
    /// That write runs with `synchronous=NORMAL`: its frame is not fsynced at commit, the next
    /// command's commit fsync covers it. NORMAL keeps the WAL consistent after a power loss and
    /// may only lose the last transactions, and losing this one loses nothing: it changes no
    /// value, and the database already holds everything the old frames held.
    fn restart_wal(&self) -> Result<()> {
        let (busy, log, copied): (i64, i64, i64) =
            self.conn
                .query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
        if busy != 0 || log != copied {
            return Ok(()); // readers still on the old frames: a later command restarts it
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let rewrite = self.conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; PRAGMA application_id = {APPLICATION_ID}; COMMIT"
        ));
        if rewrite.is_err() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        rewrite.map_err(StoreError::from)
    }

    // ---- mounts -----------------------------------------------------------------------------

    fn mount_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MountRow> {
        Ok(MountRow {
            path: r.get(0)?,
            kind: r.get(1)?,
            accessor: r.get(2)?,
            uuid: r.get(3)?,
            description: r.get(4)?,
            default_lease_ttl: r.get(5)?,
            max_lease_ttl: r.get(6)?,
            token_type: r.get(7)?,
        })
    }

    const MOUNT_COLS: &'static str =
        "path, type, accessor, uuid, description, default_lease_ttl, max_lease_ttl, token_type";

    /// Every mount, sorted by path.
    pub fn list_mounts(&self) -> Result<Vec<MountRow>> {
        let sql = format!("SELECT {} FROM mounts ORDER BY path", Self::MOUNT_COLS);
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map([], Self::mount_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The mount at `path` (with its trailing `/`).
    pub fn get_mount(&self, path: &str) -> Result<Option<MountRow>> {
        let sql = format!("SELECT {} FROM mounts WHERE path = ?1", Self::MOUNT_COLS);
        Ok(self
            .conn
            .query_row(&sql, [path], Self::mount_from_row)
            .optional()?)
    }

    /// The mount with this accessor.
    pub fn get_mount_by_accessor(&self, accessor: &str) -> Result<Option<MountRow>> {
        let sql = format!(
            "SELECT {} FROM mounts WHERE accessor = ?1",
            Self::MOUNT_COLS
        );
        Ok(self
            .conn
            .query_row(&sql, [accessor], Self::mount_from_row)
            .optional()?)
    }

    pub fn insert_mount(&self, m: &MountRow) -> Result<()> {
        self.conn.execute(
            "INSERT INTO mounts (path, type, accessor, uuid, description, default_lease_ttl, \
             max_lease_ttl, token_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                m.path,
                m.kind,
                m.accessor,
                m.uuid,
                m.description,
                m.default_lease_ttl,
                m.max_lease_ttl,
                m.token_type
            ],
        )?;
        Ok(())
    }

    /// Removes a mount with its config, roles, key cache and tokens. Entity aliases stay, as in
    /// Vault. Returns the number of tokens revoked.
    pub fn delete_mount(&self, m: &MountRow) -> Result<usize> {
        let acc = m.accessor.as_str();
        self.conn
            .execute("DELETE FROM mounts WHERE path = ?1", [&m.path])?;
        self.conn
            .execute("DELETE FROM jwt_config WHERE mount_accessor = ?1", [acc])?;
        self.conn
            .execute("DELETE FROM jwt_roles WHERE mount_accessor = ?1", [acc])?;
        self.conn
            .execute("DELETE FROM key_cache WHERE mount_accessor = ?1", [acc])?;
        Ok(self
            .conn
            .execute("DELETE FROM tokens WHERE mount_accessor = ?1", [acc])?)
    }

    // ---- config and roles -------------------------------------------------------------------

    pub fn get_config<T: DeserializeOwned>(&self, mount_accessor: &str) -> Result<Option<T>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT json FROM jwt_config WHERE mount_accessor = ?1",
                [mount_accessor],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| decode("config", &j)).transpose()
    }

    pub fn put_config<T: Serialize>(&self, mount_accessor: &str, config: &T) -> Result<()> {
        self.conn.execute(
            "INSERT INTO jwt_config (mount_accessor, json) VALUES (?1, ?2) \
             ON CONFLICT (mount_accessor) DO UPDATE SET json = excluded.json",
            params![mount_accessor, encode(config)?],
        )?;
        Ok(())
    }

    pub fn get_role<T: DeserializeOwned>(
        &self,
        mount_accessor: &str,
        name: &str,
    ) -> Result<Option<T>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT json FROM jwt_roles WHERE mount_accessor = ?1 AND name = ?2",
                [mount_accessor, name],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| decode("role", &j)).transpose()
    }

    pub fn put_role<T: Serialize>(&self, mount_accessor: &str, name: &str, role: &T) -> Result<()> {
        self.conn.execute(
            "INSERT INTO jwt_roles (mount_accessor, name, json) VALUES (?1, ?2, ?3) \
             ON CONFLICT (mount_accessor, name) DO UPDATE SET json = excluded.json",
            params![mount_accessor, name, encode(role)?],
        )?;
        Ok(())
    }

    /// Role names of a mount, sorted.
    pub fn list_roles(&self, mount_accessor: &str) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT name FROM jwt_roles WHERE mount_accessor = ?1 ORDER BY name")?;
        let rows = st.query_map([mount_accessor], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    pub fn delete_role(&self, mount_accessor: &str, name: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM jwt_roles WHERE mount_accessor = ?1 AND name = ?2",
            [mount_accessor, name],
        )?;
        Ok(())
    }

    // ---- key cache --------------------------------------------------------------------------

    /// Cached documents of a mount, discovery first, then JWKS in the order they were stored.
    pub fn cached_docs(&self, mount_accessor: &str) -> Result<Vec<CachedDoc>> {
        let mut st = self.conn.prepare_cached(
            "SELECT url, kind, body, fetched_at FROM key_cache WHERE mount_accessor = ?1 \
             ORDER BY kind, rowid",
        )?;
        let rows = st.query_map([mount_accessor], |r| {
            Ok(CachedDoc {
                url: r.get(0)?,
                kind: r.get(1)?,
                body: r.get(2)?,
                fetched_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Stores (or replaces) one cached document.
    pub fn put_cached_doc(&self, mount_accessor: &str, doc: &CachedDoc) -> Result<()> {
        self.conn.execute(
            "INSERT INTO key_cache (mount_accessor, url, kind, body, fetched_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (mount_accessor, kind, url) \
             DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
            params![mount_accessor, doc.url, doc.kind, doc.body, doc.fetched_at],
        )?;
        Ok(())
    }

    /// Forgets every cached document of a mount (a config write starts cold, as in Vault).
    pub fn clear_cached_docs(&self, mount_accessor: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM key_cache WHERE mount_accessor = ?1",
            [mount_accessor],
        )?;
        Ok(())
    }

    /// When `url` was last fetched (or tried), by any process; Unix seconds.
    pub fn last_fetch(&self, url: &str) -> Result<Option<f64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT attempted_at FROM fetch_log WHERE url = ?1",
                [url],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn record_fetch(&self, url: &str, at: f64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO fetch_log (url, attempted_at) VALUES (?1, ?2) \
             ON CONFLICT (url) DO UPDATE SET attempted_at = excluded.attempted_at",
            params![url, at],
        )?;
        Ok(())
    }

    // ---- policies ---------------------------------------------------------------------------

    pub fn get_policy(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT raw FROM policies WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn put_policy(&self, name: &str, raw: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO policies (name, raw) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET raw = excluded.raw",
            [name, raw],
        )?;
        Ok(())
    }

    pub fn list_policies(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT name FROM policies ORDER BY name")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    pub fn delete_policy(&self, name: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM policies WHERE name = ?1", [name])?;
        Ok(())
    }

    // ---- tokens -----------------------------------------------------------------------------

    pub fn insert_token<T: Serialize>(&self, keys: &TokenKeys, entry: &T) -> Result<()> {
        self.conn.execute(
            "INSERT INTO tokens (hash, accessor, path, mount_accessor, entity_id, json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                keys.hash,
                keys.accessor,
                keys.path,
                keys.mount_accessor,
                keys.entity_id,
                encode(entry)?
            ],
        )?;
        Ok(())
    }

    /// Replaces the JSON part of a token entry.
    pub fn update_token<T: Serialize>(&self, hash: &[u8], entry: &T) -> Result<()> {
        self.conn.execute(
            "UPDATE tokens SET json = ?2 WHERE hash = ?1",
            params![hash, encode(entry)?],
        )?;
        Ok(())
    }

    pub fn get_token<T: DeserializeOwned>(&self, hash: &[u8]) -> Result<Option<T>> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT json FROM tokens WHERE hash = ?1", [hash], |r| {
                r.get(0)
            })
            .optional()?;
        json.map(|j| decode("token", &j)).transpose()
    }

    /// The token hash and entry for an accessor.
    pub fn get_token_by_accessor<T: DeserializeOwned>(
        &self,
        accessor: &str,
    ) -> Result<Option<(Vec<u8>, T)>> {
        let row: Option<(Vec<u8>, String)> = self
            .conn
            .query_row(
                "SELECT hash, json FROM tokens WHERE accessor = ?1 AND accessor <> ''",
                [accessor],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(h, j)| Ok((h, decode("token", &j)?))).transpose()
    }

    pub fn delete_token(&self, hash: &[u8]) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM tokens WHERE hash = ?1", [hash])?
            > 0)
    }

    /// Revokes every token whose creation path starts with `prefix`. Returns how many.
    pub fn delete_tokens_with_prefix(&self, prefix: &str) -> Result<usize> {
        // A range on the indexed column instead of LIKE, whose wildcards `prefix` may contain.
        let mut upper = prefix.to_string();
        upper.push(char::MAX);
        Ok(self.conn.execute(
            "DELETE FROM tokens WHERE path >= ?1 AND path < ?2",
            params![prefix, upper],
        )?)
    }

    /// Number of stored tokens (for tests and benchmarks).
    pub fn count_tokens(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM tokens", [], |r| r.get(0))?)
    }

    // ---- identity ---------------------------------------------------------------------------

    pub fn get_entity<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>> {
        self.get_json("SELECT json FROM entities WHERE id = ?1", id, "entity")
    }

    pub fn get_entity_by_name<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        self.get_json("SELECT json FROM entities WHERE name = ?1", name, "entity")
    }

    pub fn put_entity<T: Serialize>(&self, id: &str, name: &str, entity: &T) -> Result<()> {
        self.conn.execute(
            "INSERT INTO entities (id, name, json) VALUES (?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json",
            params![id, name, encode(entity)?],
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
        self.list_strings(sql, [])
    }

    pub fn count_entities(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM entities", [], |r| r.get(0))?)
    }

    pub fn get_entity_alias<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM entity_aliases WHERE id = ?1",
            id,
            "entity alias",
        )
    }

    /// The entity alias for `(mount accessor, name)`.
    pub fn find_entity_alias<T: DeserializeOwned>(
        &self,
        mount_accessor: &str,
        name: &str,
    ) -> Result<Option<T>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT json FROM entity_aliases WHERE mount_accessor = ?1 AND name = ?2",
                [mount_accessor, name],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| decode("entity alias", &j)).transpose()
    }

    /// Aliases of an entity, oldest first.
    pub fn entity_aliases_of<T: DeserializeOwned>(&self, canonical_id: &str) -> Result<Vec<T>> {
        self.list_json(
            "SELECT json FROM entity_aliases WHERE canonical_id = ?1 ORDER BY rowid",
            canonical_id,
        )
    }

    pub fn put_entity_alias<T: Serialize>(&self, keys: &AliasKeys, alias: &T) -> Result<()> {
        self.conn.execute(
            "INSERT INTO entity_aliases (id, mount_accessor, name, canonical_id, json) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET \
             mount_accessor = excluded.mount_accessor, name = excluded.name, \
             canonical_id = excluded.canonical_id, json = excluded.json",
            params![
                keys.id,
                keys.mount_accessor,
                keys.name,
                keys.canonical_id,
                encode(alias)?
            ],
        )?;
        Ok(())
    }

    pub fn list_entity_aliases(&self) -> Result<Vec<String>> {
        self.list_strings("SELECT id FROM entity_aliases ORDER BY id", [])
    }

    pub fn get_group<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>> {
        self.get_json("SELECT json FROM groups WHERE id = ?1", id, "group")
    }

    pub fn get_group_by_name<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        self.get_json("SELECT json FROM groups WHERE name = ?1", name, "group")
    }

    pub fn put_group<T: Serialize>(&self, id: &str, name: &str, group: &T) -> Result<()> {
        self.conn.execute(
            "INSERT INTO groups (id, name, json) VALUES (?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json",
            params![id, name, encode(group)?],
        )?;
        Ok(())
    }

    pub fn list_groups(&self, by_name: bool) -> Result<Vec<String>> {
        let sql = if by_name {
            "SELECT name FROM groups ORDER BY name"
        } else {
            "SELECT id FROM groups ORDER BY id"
        };
        self.list_strings(sql, [])
    }

    pub fn get_group_alias<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM group_aliases WHERE id = ?1",
            id,
            "group alias",
        )
    }

    pub fn find_group_alias<T: DeserializeOwned>(
        &self,
        mount_accessor: &str,
        name: &str,
    ) -> Result<Option<T>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT json FROM group_aliases WHERE mount_accessor = ?1 AND name = ?2",
                [mount_accessor, name],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| decode("group alias", &j)).transpose()
    }

    pub fn group_alias_of<T: DeserializeOwned>(&self, canonical_id: &str) -> Result<Option<T>> {
        self.get_json(
            "SELECT json FROM group_aliases WHERE canonical_id = ?1",
            canonical_id,
            "group alias",
        )
    }

    pub fn put_group_alias<T: Serialize>(&self, keys: &AliasKeys, alias: &T) -> Result<()> {
        self.conn.execute(
            "INSERT INTO group_aliases (id, mount_accessor, name, canonical_id, json) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET \
             mount_accessor = excluded.mount_accessor, name = excluded.name, \
             canonical_id = excluded.canonical_id, json = excluded.json",
            params![
                keys.id,
                keys.mount_accessor,
                keys.name,
                keys.canonical_id,
                encode(alias)?
            ],
        )?;
        Ok(())
    }

    /// Removes a group alias by id (a group's alias is replaced when a new one names it).
    pub fn delete_group_alias(&self, id: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM group_aliases WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn list_group_aliases(&self) -> Result<Vec<String>> {
        self.list_strings("SELECT id FROM group_aliases ORDER BY id", [])
    }

    /// Group ids the entity is a direct member of, sorted.
    pub fn groups_of_entity(&self, entity_id: &str) -> Result<Vec<String>> {
        self.list_strings(
            "SELECT group_id FROM group_members WHERE entity_id = ?1 ORDER BY group_id",
            [entity_id],
        )
    }

    /// Member entity ids of a group, sorted.
    pub fn members_of_group(&self, group_id: &str) -> Result<Vec<String>> {
        self.list_strings(
            "SELECT entity_id FROM group_members WHERE group_id = ?1 ORDER BY entity_id",
            [group_id],
        )
    }

    pub fn add_group_member(&self, group_id: &str, entity_id: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO group_members (group_id, entity_id) VALUES (?1, ?2)",
            [group_id, entity_id],
        )?;
        Ok(())
    }

    pub fn remove_group_member(&self, group_id: &str, entity_id: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM group_members WHERE group_id = ?1 AND entity_id = ?2",
            [group_id, entity_id],
        )?;
        Ok(())
    }

    // ---- helpers ----------------------------------------------------------------------------

    fn get_json<T: DeserializeOwned>(&self, sql: &str, key: &str, what: &str) -> Result<Option<T>> {
        let json: Option<String> = self.conn.query_row(sql, [key], |r| r.get(0)).optional()?;
        json.map(|j| decode(what, &j)).transpose()
    }

    fn list_json<T: DeserializeOwned>(&self, sql: &str, key: &str) -> Result<Vec<T>> {
        let mut st = self.conn.prepare_cached(sql)?;
        let rows = st.query_map([key], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for j in rows {
            out.push(decode("record", &j?)?);
        }
        Ok(out)
    }

    fn list_strings<P: rusqlite::Params>(&self, sql: &str, p: P) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(sql)?;
        let rows = st.query_map(p, |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    /// Runs SQLite's own consistency check (used by the crash-safety tests).
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// SQLite's WAL hook: called after every commit with the number of frames in the WAL.
unsafe extern "C" fn wal_hook(
    frames: *mut std::ffi::c_void,
    _db: *mut rusqlite::ffi::sqlite3,
    _schema: *const std::ffi::c_char,
    n: std::ffi::c_int,
) -> std::ffi::c_int {
    // SAFETY: registered in `Store::open` with the Store's boxed counter, which outlives the
    // connection.
    let frames = unsafe { &*(frames as *const AtomicU32) };
    frames.store(u32::try_from(n).unwrap_or(0), Ordering::Relaxed);
    rusqlite::ffi::SQLITE_OK
}

/// A thin wrapper around SQLite's `unix` VFS that keeps the one fsync a commit needs.
///
/// SQLite opens the WAL with `O_CREAT` in every process and then, at the first sync, fsyncs
/// the folder too, in case the open created the file: a second fsync in every command. The
/// wrapper asks for creation only when the WAL does not exist yet, so the folder is synced
/// exactly when a new directory entry needs it (a new state file, or a WAL removed by another
/// SQLite client) and never otherwise.
#[cfg(unix)]
mod vfs {
    use std::ffi::{CStr, OsStr};
    use std::os::raw::{c_char, c_int};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::sync::OnceLock;

    use rusqlite::ffi;

    const NAME: &CStr = c"jwtvault-unix";

    /// The default VFS, whose `xOpen` does the work. Set before ours is registered.
    static BASE: OnceLock<usize> = OnceLock::new();

    unsafe extern "C" fn x_open(
        _vfs: *mut ffi::sqlite3_vfs,
        name: *const c_char,
        file: *mut ffi::sqlite3_file,
        flags: c_int,
        out_flags: *mut c_int,
    ) -> c_int {
        let Some(&base) = BASE.get() else {
            return ffi::SQLITE_CANTOPEN;
        };
        let base = base as *mut ffi::sqlite3_vfs;
        // SAFETY: `base` is the registered default VFS, which lives for the whole process, and
        // every argument is passed through unchanged from SQLite.
        unsafe {
            let Some(open) = (*base).xOpen else {
                return ffi::SQLITE_CANTOPEN;
            };
            let wal = flags & ffi::SQLITE_OPEN_WAL != 0 && flags & ffi::SQLITE_OPEN_CREATE != 0;
            if wal && !name.is_null() {
                let path = Path::new(OsStr::from_bytes(CStr::from_ptr(name).to_bytes()));
                if path.exists() {
                    let rc = open(
                        base,
                        name,
                        file,
                        flags & !ffi::SQLITE_OPEN_CREATE,
                        out_flags,
                    );
                    if rc == ffi::SQLITE_OK {
                        return rc;
                    }
                    // Removed in between by another client: open it the ordinary way.
                }
            }
            open(base, name, file, flags, out_flags)
        }
    }

    /// Our VFS name, registered on first use; `None` (use SQLite's default) if that failed.
    pub fn name() -> Option<&'static CStr> {
        static REGISTERED: OnceLock<bool> = OnceLock::new();
        let ok = *REGISTERED.get_or_init(|| {
            // SAFETY: sqlite3_vfs_find returns SQLite's static default VFS (or null); the copy is
            // leaked so it outlives every connection, and only xOpen and zName differ from the
            // default, whose functions all accept any VFS with the default's pAppData.
            unsafe {
                if ffi::sqlite3_initialize() != ffi::SQLITE_OK {
                    return false;
                }
                let base = ffi::sqlite3_vfs_find(std::ptr::null());
                if base.is_null() || BASE.set(base as usize).is_err() {
                    return false;
                }
                let mut ours: ffi::sqlite3_vfs = std::ptr::read(base);
                ours.zName = NAME.as_ptr();
                ours.xOpen = Some(x_open);
                ours.pNext = std::ptr::null_mut();
                let ours = Box::leak(Box::new(ours));
                ffi::sqlite3_vfs_register(ours, 0) == ffi::SQLITE_OK
            }
        });
        ok.then_some(NAME)
    }
}

#[cfg(not(unix))]
mod vfs {
    pub fn name() -> Option<&'static std::ffi::CStr> {
        None
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if !self.done {
            // Nothing to report if this fails: the transaction ends with the connection anyway.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl From<StoreError> for crate::api::ApiError {
    fn from(e: StoreError) -> Self {
        crate::api::ApiError::internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_seed(_: &Store) -> Result<()> {
        Ok(())
    }

    #[test]
    fn creates_private_file_and_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/state.db");
        let s = Store::open(&path, &no_seed).unwrap();
        s.commit().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let f = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            let d = fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!((f, d), (0o600, 0o700));
        }
        let s = Store::open(&path, &no_seed).unwrap();
        let v: i32 = s
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        let j: String = s
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!((v, j.as_str()), (SCHEMA_VERSION, "wal"));
    }

    #[test]
    fn foreign_and_corrupt_files_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.txt");
        fs::write(&text, b"hello, this is not a database at all").unwrap();
        let before = fs::read(&text).unwrap();
        assert!(matches!(
            Store::open(&text, &no_seed),
            Err(StoreError::Foreign { .. })
        ));
        assert_eq!(fs::read(&text).unwrap(), before);

        let other = dir.path().join("other.db");
        {
            let c = Connection::open(&other).unwrap();
            c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
                .unwrap();
        }
        let before = fs::read(&other).unwrap();
        let err = Store::open(&other, &no_seed).err().unwrap();
        assert!(
            err.to_string().contains("is not a jwtvault state file"),
            "{err}"
        );
        assert_eq!(fs::read(&other).unwrap(), before);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        Store::open(&path, &no_seed).unwrap().commit().unwrap();
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
        }
        let err = Store::open(&path, &no_seed).err().unwrap();
        assert!(matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
    }

    #[test]
    fn uncommitted_changes_are_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let s = Store::open(&path, &no_seed).unwrap();
            s.put_policy("a", "x").unwrap();
            s.commit().unwrap();
        }
        {
            let s = Store::open(&path, &no_seed).unwrap();
            s.put_policy("b", "y").unwrap();
        }
        let s = Store::open(&path, &no_seed).unwrap();
        assert_eq!(s.list_policies().unwrap(), vec!["a".to_string()]);
    }

    fn insert_tokens(s: &Store, from: u32, n: u32, json_len: usize) {
        let json = serde_json::json!({ "pad": "x".repeat(json_len) });
        for i in from..from + n {
            let mut hash = [0u8; 32];
            hash[..4].copy_from_slice(&i.to_be_bytes());
            let keys = TokenKeys {
                hash: crate::ids::sha256(&hash),
                accessor: format!("acc{i}"),
                path: "auth/jwt/login".into(),
                mount_accessor: "m".into(),
                entity_id: String::new(),
            };
            s.insert_token(&keys, &json).unwrap();
        }
    }

    /// The frames a new process recovers from the WAL (a PASSIVE checkpoint reports them).
    fn recovered_frames(path: &Path) -> i64 {
        let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap();
        c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .unwrap()
    }

    #[test]
    fn wal_starts_over_in_place_and_the_next_process_sees_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let wal = dir.path().join("s.db-wal");
        Store::open(&path, &no_seed).unwrap().commit().unwrap();
        let (mut sizes, mut salts) = (Vec::new(), Vec::new());
        for i in 0..80 {
            // A new connection each time, as a new process: it rebuilds the WAL index.
            let s = Store::open(&path, &no_seed).unwrap();
            insert_tokens(&s, i * 3, 3, 600);
            s.commit().unwrap();
            let bytes = fs::read(&wal).unwrap();
            sizes.push(bytes.len());
            salts.push(bytes.get(16..24).map(<[u8]>::to_vec).unwrap_or_default());
        }
        salts.dedup();
        assert!(
            salts.len() >= 4,
            "the WAL started over {} times",
            salts.len() - 1
        );
        // Never truncated: commits overwrite the blocks the WAL file already has.
        assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{sizes:?}");
        let frame = 4096 + 24;
        assert!(
            *sizes.last().unwrap() <= 32 + frame * (WAL_RESTART_FRAMES as usize + 16),
            "{sizes:?}"
        );
        // The restart was not forgotten by the connections that came after it.
        let frames = recovered_frames(&path);
        assert!(
            frames > 0 && frames <= i64::from(WAL_RESTART_FRAMES),
            "{frames} frames"
        );
        let s = Store::open(&path, &no_seed).unwrap();
        assert_eq!(s.count_tokens().unwrap(), 240);
        assert_eq!(s.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn a_large_transaction_leaves_a_wal_file_no_larger_than_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let s = Store::open(&path, &no_seed).unwrap();
        insert_tokens(&s, 0, 3000, 1000);
        s.commit().unwrap();
        let len = fs::metadata(dir.path().join("s.db-wal")).unwrap().len();
        assert!(len <= WAL_FILE_LIMIT as u64, "WAL file is {len} bytes");
        assert!(recovered_frames(&path) <= 1);
        let s = Store::open(&path, &no_seed).unwrap();
        assert_eq!(s.count_tokens().unwrap(), 3000);
    }

    #[test]
    fn token_prefix_revocation_uses_literal_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db"), &no_seed).unwrap();
        for (i, p) in ["auth/jwt/login", "auth/jwt2/login", "auth/j%t/login"]
            .iter()
            .enumerate()
        {
            let keys = TokenKeys {
                hash: vec![i as u8],
                accessor: format!("a{i}"),
                path: p.to_string(),
                mount_accessor: "m".into(),
                entity_id: String::new(),
            };
            s.insert_token(&keys, &serde_json::json!({})).unwrap();
        }
        assert_eq!(s.delete_tokens_with_prefix("auth/jwt/").unwrap(), 1);
        assert_eq!(s.delete_tokens_with_prefix("auth/j%").unwrap(), 1);
        assert_eq!(s.count_tokens().unwrap(), 1);
    }
}
