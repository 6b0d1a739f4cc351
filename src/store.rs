//! The state file: the only module that speaks SQL.
//!
//! One SQLite file holds every mount, config, role, key cache, policy, token and identity object.
//! A [`Store`] is one connection with one `BEGIN IMMEDIATE` transaction: a command's changes are
//! committed together by [`Store::commit`] or not at all (dropping the store rolls back).
//!
//! The server keeps its connections instead (see `backend::pooled`): one writer, opened by
//! [`Store::open_writer`], runs one `BEGIN IMMEDIATE` transaction per batch of requests
//! ([`Store::begin`], [`Store::commit_batch`]); readers, opened by [`Store::open_reader`], run
//! read transactions ([`Store::begin_read`], [`Store::end_read`]) and can never write: any
//! write they try is refused ([`StoreError::ReadOnly`]) and remembered, so that the request is
//! run again on the writer.
//!
//! Opening never modifies a file that is not ours: the header, `application_id` and
//! `user_version` are checked before WAL mode is switched on or any schema is written.
//! Records whose shape is Vault's (configs, roles, token entries, entities) are kept as JSON next
//! to the indexed columns that lookups need, so a query never scans or parses more than it uses.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// `PRAGMA application_id` of a jwtvault state file ("JWTV").
pub const APPLICATION_ID: i32 = 0x4a57_5456;
/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = 2;

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
/// The server's writer (one long-lived connection, committing batches of requests) starts the
/// WAL over less often: a batch of logins leaves tens of frames, and each restart costs two
/// fsyncs besides the commits' own (measured with benches/server.sh: 80 frames meant a restart
/// every two to four batches, a third of the writer's time). While the server runs, no process
/// recovers the WAL index (the server keeps it), so a longer WAL costs nothing; when it stops,
/// the writer starts the WAL over at the command line's size ([`Store::trim_for_close`]).
const SERVER_WAL_RESTART_FRAMES: u32 = 1000;
/// The writer's `journal_size_limit`: above a cycle of [`SERVER_WAL_RESTART_FRAMES`] and the
/// largest batch, so that the WAL file is not cut back at every restart.
const SERVER_WAL_FILE_LIMIT: i64 = 8 << 20;
/// The page cache of the server's long-lived connections (negative: KiB, SQLite's convention).
/// SQLite's default (2 MiB) holds a fraction of a busy state's token indexes, whose inserts
/// land on random pages: the writer then spent much of its time reading pages back from the
/// operating system (measured with perf under benches/server.sh).
const SERVER_WRITER_CACHE_KIB: i64 = -65536;
const SERVER_READER_CACHE_KIB: i64 = -8192;
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
    /// A reader connection of the server was asked to write: the request must run on the
    /// writer (the server does so; nobody else opens readers).
    ReadOnly,
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
            StoreError::ReadOnly => write!(
                f,
                "state file error: a write was tried on a read-only connection (expected the \
                 request to be run on the writer)"
            ),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            // `query_only` refused a write, or the reader's authorizer did (see `deny_writes`).
            Some(rusqlite::ErrorCode::ReadOnly)
            | Some(rusqlite::ErrorCode::AuthorizationForStatementDenied) => StoreError::ReadOnly,
            _ => StoreError::Sqlite(e.to_string()),
        }
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

/// The connection of a [`Store`]: SQLite's, with `execute` and `query_row` answered from the
/// connection's cache of prepared statements. Compiling a statement costs more than running
/// one of jwtvault's point queries; a process that runs one command compiles each once anyway,
/// and the server's long-lived connections compile each once in all.
struct Conn(Connection);

/// Statements kept compiled per connection (every statement of this file fits).
const STATEMENT_CACHE: usize = 256;

impl std::ops::Deref for Conn {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0
    }
}

impl Conn {
    fn execute<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.0.prepare_cached(sql)?.execute(params)
    }

    fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.0.prepare_cached(sql)?.query_row(params, f)
    }

    /// One statement that returns no rows (transaction control), compiled once.
    fn run(&self, sql: &str) -> rusqlite::Result<()> {
        self.0.prepare_cached(sql)?.execute([]).map(|_| ())
    }
}

/// An open state file with its transaction.
pub struct Store {
    conn: Conn,
    /// Whether a transaction is open (dropping the store rolls it back).
    in_txn: bool,
    /// Frames in the WAL after this connection's last commit, set by [`wal_hook`]. Declared
    /// after `conn`, so it outlives the connection that points at it.
    wal_frames: Box<AtomicU32>,
    /// A reader's: set by [`deny_writes`] when a statement that writes is refused. Declared
    /// after `conn`, so it outlives the connection that points at it.
    write_tried: Option<Box<AtomicBool>>,
    /// The WAL starts over once a commit leaves more frames than this.
    restart_frames: u32,
    /// `PRAGMA synchronous` of this connection: `FULL` (a commit is durable when it returns),
    /// or `NORMAL` for the server's writer, whose commits [`WalSync`] makes durable.
    synchronous: &'static str,
}

fn io_err(path: &Path, what: &str, e: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        detail: format!("{what}: {e}"),
    }
}

/// The first 16 bytes of every SQLite 3 database.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Creates the folder (0700) and the file (0600) if they do not exist yet, after checking that
/// an existing folder cannot be used by others to swap the file (see [`perms::folder`]).
///
/// An existing path is not opened here (`O_CREAT | O_EXCL` never opens, follows or blocks on
/// what is already there): [`check_header`] decides whether it is a file jwtvault may use.
fn create_file(path: &Path) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
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
    #[cfg(unix)]
    perms::secure_folder(path, dir)?;
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

/// Checks the path before SQLite touches it: a regular file (not a symbolic link, FIFO,
/// socket, device or folder), opened without following a link or blocking, whose header is
/// SQLite's (or empty) and whose permissions are private (see [`perms::file`]). Returns
/// whether the file already holds a database.
fn check_header(path: &Path) -> Result<bool> {
    let before = fs::symlink_metadata(path).map_err(|e| io_err(path, "cannot inspect", e))?;
    if before.file_type().is_symlink() {
        let target = fs::read_link(path).map(|t| format!("{t:?}"));
        return Err(StoreError::Io {
            path: path.to_path_buf(),
            detail: format!(
                "is a symbolic link (to {}), not a regular file; jwtvault does not follow a \
                 link to its state: point -state or JWTVAULT_STATE at the file itself",
                target.unwrap_or_else(|_| "?".into())
            ),
        });
    }
    if let Some(kind) = not_regular(&before.file_type()) {
        return Err(StoreError::Io {
            path: path.to_path_buf(),
            detail: format!(
                "{kind}, not a regular file; jwtvault keeps its state in a regular file: point \
                 -state or JWTVAULT_STATE at a file, or at a path that does not exist yet"
            ),
        });
    }
    let mut o = fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO swapped in after the check above must not hang the command, and a symbolic
        // link swapped in must not be followed.
        o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let mut f = o.open(path).map_err(|e| io_err(path, "cannot open", e))?;
    let meta = f
        .metadata()
        .map_err(|e| io_err(path, "cannot inspect", e))?;
    if !meta.is_file() || !same_file(&before, &meta) {
        return Err(StoreError::Io {
            path: path.to_path_buf(),
            detail: "the file was replaced while jwtvault was opening it; try again".into(),
        });
    }
    let mut head = Vec::with_capacity(100);
    f.by_ref()
        .take(100)
        .read_to_end(&mut head)
        .map_err(|e| io_err(path, "cannot read", e))?;
    if !head.is_empty() && (head.len() < 100 || &head[..16] != SQLITE_MAGIC) {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
            detail: "not an SQLite database".into(),
        });
    }
    if !head.is_empty() {
        // application_id is a big-endian u32 at offset 68. Zero can still be ours (the real
        // value may sit in the WAL, not yet checkpointed): that case is decided by SQLite
        // under the lock.
        let app = i32::from_be_bytes([head[68], head[69], head[70], head[71]]);
        if app != 0 && app != APPLICATION_ID {
            return Err(StoreError::Foreign {
                path: path.to_path_buf(),
                detail: format!("application_id is {app:#x}, expected {APPLICATION_ID:#x}"),
            });
        }
    }
    // Only a file that may be ours gets its permissions changed: a foreign one is left as
    // it was (the checks above returned first).
    #[cfg(unix)]
    perms::secure_file(path, &f, &meta)?;
    Ok(!head.is_empty())
}

/// What a path that is not a regular file is, in words; `None` for a regular file.
fn not_regular(t: &fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_symlink() {
        return Some("is a symbolic link");
    }
    if t.is_dir() {
        return Some("is a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("is a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("is a socket");
        }
        if t.is_char_device() {
            return Some("is a character device");
        }
        if t.is_block_device() {
            return Some("is a block device");
        }
    }
    Some("is not a regular file")
}

/// Whether two metadata describe the same file (device and inode).
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        true
    }
}

/// Permissions of the state file, its `-wal` and `-shm`, and its folder (contract §2: whoever
/// can open the file is its operator, so its permissions are the security boundary).
///
/// The rules, decided by the pure functions [`perms::file`], [`perms::sidecar`] and
/// [`perms::folder`]:
/// - the state file, if we own it, loses every group and other bit (0666 becomes 0600); one we
///   do not own is never changed, and is refused if every user may read or write it (a group
///   may share a file: its owner decided so);
/// - `-wal` and `-shm` (SQLite creates them with the state file's mode) must be regular files
///   and may not allow more than the state file: ours are tightened to it, others refused;
/// - the folder, if we own it and it is not sticky, loses group and other *write* (0777
///   becomes 0755): nobody else may then remove or replace the file, and what the user shares
///   for reading stays shared. A sticky folder (such as `/tmp`) is never changed: others cannot
///   remove or rename our files there. A folder we do not own that every user may write and
///   that is not sticky is refused (so is one of ours reached through a symbolic link); a
///   group-writable one we cannot change is a folder shared on purpose and accepted.
///
/// Nothing is changed through a symbolic link: files are changed with `fchmod` on a descriptor
/// opened with `O_NOFOLLOW`, and a folder reached through a link is checked, never changed.
#[cfg(unix)]
mod perms {
    use std::fs;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    use std::path::Path;

    use super::{io_err, not_regular, same_file, Result, StoreError};

    /// What to do with a file or folder.
    #[derive(Debug, PartialEq, Eq)]
    pub enum Decision {
        Keep,
        /// Change the mode to this (permission bits only).
        Chmod(u32),
        /// Refuse, with this reason.
        Refuse(String),
    }

    fn euid() -> u32 {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() }
    }

    /// The state file: `mode` its permission bits, `ours` whether we own it.
    pub fn file(mode: u32, ours: bool) -> Decision {
        let mode = mode & 0o7777;
        if ours {
            return if mode & 0o077 != 0 {
                Decision::Chmod(mode & 0o700)
            } else {
                Decision::Keep
            };
        }
        if mode & 0o007 != 0 {
            return Decision::Refuse(format!(
                "every user may read or write it (mode {mode:04o}) and it belongs to another \
                 user, so jwtvault cannot make it private; ask its owner to run \
                 `chmod o-rwx` on it"
            ));
        }
        Decision::Keep
    }

    /// `-wal` or `-shm`: `mode` its bits, `main` the state file's (after [`file`]).
    pub fn sidecar(mode: u32, main: u32, ours: bool) -> Decision {
        let extra = mode & 0o777 & !main;
        if extra == 0 {
            Decision::Keep
        } else if ours {
            Decision::Chmod(mode & 0o7777 & !extra)
        } else {
            Decision::Refuse(format!(
                "it allows more (mode {:04o}) than the state file ({:04o}) and belongs to \
                 another user; remove it if no jwtvault is running",
                mode & 0o7777,
                main & 0o7777
            ))
        }
    }

    /// The state file's folder: `mode` its bits, `ours` whether we own it, `link` whether the
    /// folder's path is a symbolic link (then it is never changed).
    pub fn folder(mode: u32, ours: bool, link: bool) -> Decision {
        let mode = mode & 0o7777;
        let sticky = mode & 0o1000 != 0;
        if sticky || mode & 0o022 == 0 {
            return Decision::Keep;
        }
        if ours && !link {
            return Decision::Chmod(mode & !0o022);
        }
        if mode & 0o002 != 0 {
            let why = if ours {
                "it is reached through a symbolic link, which jwtvault does not change"
            } else {
                "it belongs to another user"
            };
            return Decision::Refuse(format!(
                "every user may write to its folder (mode {mode:04o}) and could replace the \
                 file, and {why}; remove that write permission or use a private folder"
            ));
        }
        // Group-writable and not ours to change: a folder shared with a group on purpose.
        Decision::Keep
    }

    fn refuse(path: &Path, why: String) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            detail: why,
        }
    }

    /// Opens an existing path read-only without following a link or blocking.
    fn open_nofollow(path: &Path, dir: bool) -> std::io::Result<fs::File> {
        let mut flags = libc::O_NOFOLLOW | libc::O_NONBLOCK;
        if dir {
            flags |= libc::O_DIRECTORY;
        }
        fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags)
            .open(path)
    }

    fn chmod(path: &Path, f: &fs::File, mode: u32) -> Result<()> {
        f.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(|e| io_err(path, "cannot make it private", e))
    }

    /// The folder of `state`.
    pub fn secure_folder(state: &Path, dir: &Path) -> Result<()> {
        let lmeta = fs::symlink_metadata(dir).map_err(|e| io_err(dir, "cannot inspect", e))?;
        let link = lmeta.file_type().is_symlink();
        let meta = if link {
            fs::metadata(dir).map_err(|e| io_err(dir, "cannot inspect", e))?
        } else {
            lmeta
        };
        match folder(meta.mode(), meta.uid() == euid(), link) {
            Decision::Keep => Ok(()),
            Decision::Refuse(why) => Err(refuse(state, why)),
            Decision::Chmod(mode) => {
                let f = open_nofollow(dir, true).map_err(|e| io_err(dir, "cannot open", e))?;
                let now = f.metadata().map_err(|e| io_err(dir, "cannot inspect", e))?;
                if !same_file(&meta, &now) {
                    return Err(refuse(
                        dir,
                        "the folder was replaced while jwtvault was checking it; try again".into(),
                    ));
                }
                chmod(dir, &f, mode)
            }
        }
    }

    /// The state file (open as `f`, described by `meta`), then its `-wal` and `-shm`.
    pub fn secure_file(path: &Path, f: &fs::File, meta: &fs::Metadata) -> Result<()> {
        let mut main = meta.mode() & 0o7777;
        match file(main, meta.uid() == euid()) {
            Decision::Keep => {}
            Decision::Refuse(why) => return Err(refuse(path, why)),
            Decision::Chmod(mode) => {
                chmod(path, f, mode)?;
                main = mode;
            }
        }
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            let side = Path::new(&side);
            let before = match fs::symlink_metadata(side) {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_err(side, "cannot inspect", e)),
            };
            if let Some(kind) = not_regular(&before.file_type()) {
                return Err(refuse(
                    side,
                    format!(
                        "{kind}, not a regular file; SQLite keeps the state's journal there: \
                         remove it"
                    ),
                ));
            }
            match sidecar(before.mode(), main, before.uid() == euid()) {
                Decision::Keep => {}
                Decision::Refuse(why) => return Err(refuse(side, why)),
                Decision::Chmod(mode) => {
                    let sf =
                        open_nofollow(side, false).map_err(|e| io_err(side, "cannot open", e))?;
                    let now = sf
                        .metadata()
                        .map_err(|e| io_err(side, "cannot inspect", e))?;
                    if !now.is_file() || !same_file(&before, &now) {
                        return Err(refuse(
                            side,
                            "the file was replaced while jwtvault was checking it; try again"
                                .into(),
                        ));
                    }
                    chmod(side, &sf, mode)?;
                }
            }
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn refused(d: Decision) -> bool {
            matches!(d, Decision::Refuse(_))
        }

        #[test]
        fn state_file_of_ours_loses_group_and_other_bits() {
            assert_eq!(file(0o666, true), Decision::Chmod(0o600));
            assert_eq!(file(0o100644, true), Decision::Chmod(0o600));
            assert_eq!(file(0o4660, true), Decision::Chmod(0o600));
            assert_eq!(file(0o600, true), Decision::Keep);
            assert_eq!(file(0o400, true), Decision::Keep);
        }

        #[test]
        fn state_file_of_another_user_is_never_changed() {
            // A group may share a file on purpose; every user may not.
            assert_eq!(file(0o660, false), Decision::Keep);
            assert_eq!(file(0o600, false), Decision::Keep);
            assert!(refused(file(0o666, false)));
            assert!(refused(file(0o604, false)));
            let Decision::Refuse(why) = file(0o646, false) else {
                unreachable!()
            };
            assert!(why.contains("mode 0646"), "{why}");
        }

        #[test]
        fn wal_and_shm_may_not_allow_more_than_the_state_file() {
            assert_eq!(sidecar(0o666, 0o600, true), Decision::Chmod(0o600));
            assert_eq!(sidecar(0o644, 0o600, true), Decision::Chmod(0o600));
            assert_eq!(sidecar(0o600, 0o600, true), Decision::Keep);
            // A group-shared state: SQLite gives the WAL the state file's mode.
            assert_eq!(sidecar(0o660, 0o660, false), Decision::Keep);
            assert_eq!(sidecar(0o660, 0o660, true), Decision::Keep);
            assert!(refused(sidecar(0o666, 0o660, false)));
        }

        #[test]
        fn folder_rules() {
            // Ours and not sticky: group and other write removed, reading kept.
            assert_eq!(folder(0o777, true, false), Decision::Chmod(0o755));
            assert_eq!(folder(0o775, true, false), Decision::Chmod(0o755));
            assert_eq!(folder(0o40770, true, false), Decision::Chmod(0o750));
            assert_eq!(folder(0o700, true, false), Decision::Keep);
            assert_eq!(folder(0o755, true, false), Decision::Keep);
            // Sticky (such as /tmp): never changed, whoever owns it.
            assert_eq!(folder(0o1777, false, false), Decision::Keep);
            assert_eq!(folder(0o1777, true, false), Decision::Keep);
            // Another user's: every user may write and not sticky is refused; a group's kept.
            assert!(refused(folder(0o777, false, false)));
            assert!(refused(folder(0o757, false, false)));
            assert_eq!(folder(0o775, false, false), Decision::Keep);
            assert_eq!(folder(0o755, false, false), Decision::Keep);
            // Reached through a symbolic link: never changed, so writable by all is refused.
            assert!(refused(folder(0o777, true, true)));
            assert_eq!(folder(0o775, true, true), Decision::Keep);
            assert_eq!(folder(0o700, true, true), Decision::Keep);
        }
    }
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

/// Version 2 (issue 14): secrets-engine mounts and the KV version 2 engine. `secret_mounts`
/// starts with the two system mounts `sys/mounts` shows (`identity/` and `sys/`, with random
/// accessors and UUIDs as Vault gives them); KV rows belong to a mount by its UUID, times are
/// Unix nanoseconds, and `value` / `custom_metadata` hold sealed blobs (`seal.rs`), never
/// plain text. `seal` holds the verifier that tells a wrong seal key from the right one.
const SCHEMA_V2: &str = r#"
CREATE TABLE secret_mounts (path TEXT PRIMARY KEY, type TEXT NOT NULL,
    accessor TEXT NOT NULL UNIQUE, uuid TEXT NOT NULL UNIQUE, description TEXT NOT NULL,
    options TEXT NOT NULL, config TEXT NOT NULL, seal_wrap INTEGER NOT NULL);
INSERT INTO secret_mounts SELECT 'identity/', 'identity',
    'identity_' || lower(hex(randomblob(4))), lower(hex(randomblob(4)) || '-' ||
    hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' ||
    hex(randomblob(6))), 'identity store', 'null',
    '{"default_lease_ttl":0,"force_no_cache":false,"max_lease_ttl":0,"passthrough_request_headers":["Authorization"]}',
    0;
INSERT INTO secret_mounts SELECT 'sys/', 'system',
    'system_' || lower(hex(randomblob(4))), lower(hex(randomblob(4)) || '-' ||
    hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' ||
    hex(randomblob(6))), 'system endpoints used for control, policy and debugging', 'null',
    '{"default_lease_ttl":0,"force_no_cache":false,"max_lease_ttl":0,"passthrough_request_headers":["Accept"]}',
    1;
CREATE TABLE kv_config (mount TEXT PRIMARY KEY, max_versions INTEGER NOT NULL,
    cas_required INTEGER NOT NULL, delete_version_after INTEGER NOT NULL,
    metadata_cas_required INTEGER NOT NULL);
CREATE TABLE kv_keys (mount TEXT NOT NULL, key TEXT NOT NULL,
    current_version INTEGER NOT NULL, oldest_version INTEGER NOT NULL,
    max_versions INTEGER NOT NULL, cas_required INTEGER NOT NULL,
    delete_version_after INTEGER NOT NULL, metadata_cas_required INTEGER NOT NULL,
    current_metadata_version INTEGER NOT NULL, created_time INTEGER NOT NULL,
    updated_time INTEGER NOT NULL, custom_metadata BLOB, PRIMARY KEY (mount, key));
CREATE TABLE kv_versions (mount TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL,
    created_time INTEGER NOT NULL, deletion_time INTEGER, destroyed INTEGER NOT NULL,
    value BLOB, PRIMARY KEY (mount, key, version));
CREATE TABLE seal (id INTEGER PRIMARY KEY CHECK (id = 1), verifier BLOB NOT NULL);
"#;

/// Forward migrations: entry `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[SCHEMA_V1, SCHEMA_V2];

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
        let mut store = Store::connect(path)?;
        if !initialised {
            // A brand-new file: nothing can be lost by switching it to WAL now.
            store.conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        store.begin()?;
        store.check_schema(path, seed)?;
        Ok(store)
    }

    /// The server's writer: [`Store::open`], its first transaction committed, the connection
    /// kept for [`Store::begin`] / [`Store::commit_batch`].
    ///
    /// Its commits are written to the WAL but not fsynced (`synchronous=NORMAL`, which in WAL
    /// mode still syncs around every checkpoint and keeps the file consistent whatever is cut
    /// short): the caller makes them durable with [`WalSync::sync`] before it answers for them,
    /// on another thread, while this one goes on with the next transaction.
    pub fn open_writer(path: &Path, seed: &dyn Fn(&Store) -> Result<()>) -> Result<Store> {
        let mut store = Store::open(path, seed)?;
        store.restart_frames = SERVER_WAL_RESTART_FRAMES;
        store
            .conn
            .pragma_update(None, "journal_size_limit", SERVER_WAL_FILE_LIMIT)?;
        store.commit_batch()?;
        store.trim();
        store.conn.pragma_update(None, "synchronous", "NORMAL")?;
        store.synchronous = "NORMAL";
        store
            .conn
            .pragma_update(None, "cache_size", SERVER_WRITER_CACHE_KIB)?;
        Ok(store)
    }

    /// A reader of the server: a connection to a state file the writer has opened (and so
    /// checked and migrated), with `query_only` set and an authorizer that refuses every
    /// statement that would write, remembering that one was tried ([`Store::end_read`]).
    pub fn open_reader(path: &Path) -> Result<Store> {
        let mut store = Store::connect(path)?;
        store.conn.pragma_update(None, "query_only", true)?;
        store
            .conn
            .pragma_update(None, "cache_size", SERVER_READER_CACHE_KIB)?;
        let tried = Box::new(AtomicBool::new(false));
        // SAFETY: the handle is this open connection's; the callback's argument is the boxed
        // flag, which the Store drops only after the connection (field order).
        let rc = unsafe {
            rusqlite::ffi::sqlite3_set_authorizer(
                store.conn.handle(),
                Some(deny_writes),
                &*tried as *const AtomicBool as *mut std::ffi::c_void,
            )
        };
        if rc != rusqlite::ffi::SQLITE_OK {
            return Err(StoreError::Sqlite(format!(
                "could not install the read-only authorizer (SQLite code {rc})"
            )));
        }
        store.write_tried = Some(tried);
        Ok(store)
    }

    /// One connection with jwtvault's settings and no transaction.
    fn connect(path: &Path) -> Result<Store> {
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
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Store {
            conn: Conn(conn),
            in_txn: false,
            wal_frames,
            write_tried: None,
            restart_frames: WAL_RESTART_FRAMES,
            synchronous: "FULL",
        })
    }

    /// Checks (under the write lock of the open transaction) that the file is ours and not
    /// newer than this build, and brings its schema up to date.
    fn check_schema(&self, path: &Path, seed: &dyn Fn(&Store) -> Result<()>) -> Result<()> {
        // Re-read under the lock: another process may have initialised the file meanwhile.
        let app: i32 = self
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i32 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if app == 0 && version == 0 {
            let tables: i64 =
                self.conn
                    .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
            if tables != 0 {
                return Err(StoreError::Foreign {
                    path: path.to_path_buf(),
                    detail: "it holds tables but no jwtvault application_id".into(),
                });
            }
            self.conn
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
            self.conn.execute_batch(sql)?;
            self.conn
                .pragma_update(None, "user_version", v as i32 + 1)?;
            if v == 0 {
                seed(self)?;
            }
        }
        Ok(())
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE`: the write lock is taken now, waiting for
    /// other processes at most [`BUSY_TIMEOUT`]).
    pub fn begin(&mut self) -> Result<()> {
        self.conn.run("BEGIN IMMEDIATE")?;
        self.in_txn = true;
        Ok(())
    }

    /// Commits the open transaction durably (the WAL is fsynced before this returns) and keeps
    /// the connection. A failed commit rolls the transaction back: nothing of it is kept. The
    /// caller trims the WAL afterwards ([`Store::trim`]), once it has answered what it
    /// committed: a checkpoint adds nothing to the durability of the commit before it.
    pub fn commit_batch(&mut self) -> Result<()> {
        let committed = self.conn.run("COMMIT");
        if committed.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.run("ROLLBACK");
        }
        self.in_txn = false;
        Ok(committed?)
    }

    /// After [`Store::commit_batch`]: what [`Store::commit`] does after its commit (the WAL
    /// started over in place once it holds more than the connection's limit).
    pub fn trim(&self) {
        self.trim_wal();
    }

    /// The writer's last act: the WAL started over at the command line's size, so that the
    /// next process recovers few frames (as after any command).
    pub fn trim_for_close(&mut self) {
        self.restart_frames = WAL_RESTART_FRAMES;
        let _ = self
            .conn
            .pragma_update(None, "journal_size_limit", WAL_FILE_LIMIT);
        let frames: Option<i64> = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .ok();
        if let Some(frames) = frames {
            self.wal_frames
                .store(u32::try_from(frames).unwrap_or(u32::MAX), Ordering::Relaxed);
        }
        self.trim_wal();
    }

    /// Rolls the open transaction back, if one is open.
    pub fn rollback(&mut self) {
        if self.in_txn && !self.conn.is_autocommit() {
            // Nothing to report if this fails: the transaction ends with the connection anyway.
            let _ = self.conn.run("ROLLBACK");
        }
        self.in_txn = false;
    }

    /// A reader's: begins a read transaction (its snapshot is taken at the first read).
    pub fn begin_read(&mut self) -> Result<()> {
        self.conn.run("BEGIN")?;
        self.in_txn = true;
        Ok(())
    }

    /// A reader's: ends the read transaction. Returns whether a statement that writes was
    /// tried (and refused) since [`Store::begin_read`]: then what was read must not be used.
    pub fn end_read(&mut self) -> bool {
        self.rollback();
        self.write_tried
            .as_ref()
            .is_some_and(|t| t.swap(false, Ordering::Relaxed))
    }

    /// Commits the command's transaction (durably: the WAL is fsynced before this returns).
    pub fn commit(mut self) -> Result<()> {
        self.conn.run("COMMIT")?;
        self.in_txn = false;
        self.trim_wal();
        Ok(())
    }

    /// Once the WAL holds more than [`WAL_RESTART_FRAMES`], copies it into the database and
    /// starts it over. The command's changes are already durable, so nothing here may fail the
    /// command: when other processes hold the file the attempt is abandoned and a later command
    /// does it.
    fn trim_wal(&self) {
        let frames = self.wal_frames.load(Ordering::Relaxed);
        if frames <= self.restart_frames {
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
        self.conn
            .pragma_update(None, "synchronous", self.synchronous)?;
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

    /// Revokes every token whose creation path is exactly `path`. Returns how many.
    pub fn delete_tokens_with_path(&self, path: &str) -> Result<usize> {
        Ok(self
            .conn
            .execute("DELETE FROM tokens WHERE path = ?1", [path])?)
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

    /// Marks where a request's own changes begin: the router rolls a failed handler back to
    /// here, keeping what authorization wrote (a spent token use) for the commit.
    pub fn savepoint(&self) -> Result<()> {
        Ok(self.conn.run("SAVEPOINT request")?)
    }

    /// Undoes everything since [`Store::savepoint`] and ends the savepoint.
    pub fn rollback_to_savepoint(&self) -> Result<()> {
        self.conn.run("ROLLBACK TO request")?;
        Ok(self.conn.run("RELEASE request")?)
    }

    /// Keeps everything since [`Store::savepoint`] and ends the savepoint.
    pub fn release_savepoint(&self) -> Result<()> {
        Ok(self.conn.run("RELEASE request")?)
    }

    /// The server's writer: marks where one request of a batch begins, around the router's
    /// own savepoint, so that a request whose handler panicked leaves nothing in the batch.
    pub fn batch_savepoint(&self) -> Result<()> {
        Ok(self.conn.run("SAVEPOINT batch_job")?)
    }

    /// Undoes everything since [`Store::batch_savepoint`] (inner savepoints included).
    pub fn rollback_batch_savepoint(&self) -> Result<()> {
        self.conn.run("ROLLBACK TO batch_job")?;
        Ok(self.conn.run("RELEASE batch_job")?)
    }

    /// Keeps everything since [`Store::batch_savepoint`] and ends it.
    pub fn release_batch_savepoint(&self) -> Result<()> {
        Ok(self.conn.run("RELEASE batch_job")?)
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

/// A reader's authorizer: every statement that would change the database (or its schema, or
/// set a pragma) is refused when it is prepared, and the attempt is recorded in the reader's
/// flag. Reading, savepoints and transactions pass.
unsafe extern "C" fn deny_writes(
    tried: *mut std::ffi::c_void,
    action: std::ffi::c_int,
    _arg1: *const std::ffi::c_char,
    arg2: *const std::ffi::c_char,
    _db: *const std::ffi::c_char,
    _trigger: *const std::ffi::c_char,
) -> std::ffi::c_int {
    use rusqlite::ffi;
    let writes = match action {
        ffi::SQLITE_SELECT
        | ffi::SQLITE_READ
        | ffi::SQLITE_FUNCTION
        | ffi::SQLITE_TRANSACTION
        | ffi::SQLITE_SAVEPOINT
        | ffi::SQLITE_RECURSIVE => false,
        // `PRAGMA name` reads; `PRAGMA name = value` (arg2 set) may write.
        ffi::SQLITE_PRAGMA => !arg2.is_null(),
        _ => true,
    };
    if !writes {
        return ffi::SQLITE_OK;
    }
    // SAFETY: registered in `Store::open_reader` with the Store's boxed flag, which outlives
    // the connection.
    let tried = unsafe { &*(tried as *const AtomicBool) };
    tried.store(true, Ordering::Relaxed);
    ffi::SQLITE_DENY
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
        self.rollback();
    }
}

impl From<StoreError> for crate::api::ApiError {
    fn from(e: StoreError) -> Self {
        crate::api::ApiError::internal(e.to_string())
    }
}

// ---- the server writer's commits made durable ------------------------------------------------

/// Makes what the server's writer committed durable ([`Store::open_writer`]): `fdatasync` of
/// the state's WAL, as SQLite's own commit does with `synchronous=FULL`, from another thread.
/// Every commit that returned before [`WalSync::sync`] was called is durable when it returns.
pub struct WalSync {
    state: PathBuf,
    wal: PathBuf,
    /// The WAL file as last opened (it is reopened if it was replaced).
    file: Option<fs::File>,
}

impl WalSync {
    pub fn new(state: &Path) -> WalSync {
        let mut wal = state.as_os_str().to_owned();
        wal.push("-wal");
        WalSync {
            state: state.to_path_buf(),
            wal: PathBuf::from(wal),
            file: None,
        }
    }

    /// `fdatasync` of the WAL. If there is no WAL file (another SQLite client removed it after
    /// copying it into the database), the database file is synced instead.
    pub fn sync(&mut self) -> Result<()> {
        let current = match fs::metadata(&self.wal) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(&self.wal, "cannot inspect", e)),
        };
        let Some(current) = current else {
            self.file = None;
            let db =
                fs::File::open(&self.state).map_err(|e| io_err(&self.state, "cannot open", e))?;
            return db
                .sync_data()
                .map_err(|e| io_err(&self.state, "cannot sync", e));
        };
        let same = match &self.file {
            Some(f) => f.metadata().is_ok_and(|m| same_file(&m, &current)),
            None => false,
        };
        if !same {
            self.file = Some(
                fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&self.wal)
                    .map_err(|e| io_err(&self.wal, "cannot open", e))?,
            );
        }
        match &self.file {
            Some(f) => f
                .sync_data()
                .map_err(|e| io_err(&self.wal, "cannot sync", e)),
            None => Ok(()),
        }
    }
}

// ---- rows as stored, for a prepared write's check that nothing changed -----------------------

impl Store {
    /// The config row of a mount, as stored (JSON text).
    pub fn config_json(&self, mount_accessor: &str) -> Result<Option<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT json FROM jwt_config WHERE mount_accessor = ?1")?;
        Ok(st.query_row([mount_accessor], |r| r.get(0)).optional()?)
    }

    /// A role row, as stored (JSON text).
    pub fn role_json(&self, mount_accessor: &str, name: &str) -> Result<Option<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT json FROM jwt_roles WHERE mount_accessor = ?1 AND name = ?2")?;
        Ok(st
            .query_row([mount_accessor, name], |r| r.get(0))
            .optional()?)
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

    fn secret_mount_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SecretMount> {
        Ok(SecretMount {
            path: r.get(0)?,
            kind: r.get(1)?,
            accessor: r.get(2)?,
            uuid: r.get(3)?,
            description: r.get(4)?,
            options: r.get(5)?,
            config: r.get(6)?,
            seal_wrap: r.get(7)?,
        })
    }

    /// Every secrets-engine mount (the system ones included), sorted by path.
    pub fn list_secret_mounts(&self) -> Result<Vec<SecretMount>> {
        let sql = format!(
            "SELECT {} FROM secret_mounts ORDER BY path",
            Self::SECRET_MOUNT_COLS
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map([], Self::secret_mount_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The secrets-engine mount at `path` (with its trailing `/`).
    pub fn get_secret_mount(&self, path: &str) -> Result<Option<SecretMount>> {
        let sql = format!(
            "SELECT {} FROM secret_mounts WHERE path = ?1",
            Self::SECRET_MOUNT_COLS
        );
        Ok(self
            .conn
            .query_row(&sql, [path], Self::secret_mount_from_row)
            .optional()?)
    }

    pub fn insert_secret_mount(&self, m: &SecretMount) -> Result<()> {
        self.conn.execute(
            "INSERT INTO secret_mounts (path, type, accessor, uuid, description, options, config, \
             seal_wrap) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                m.path,
                m.kind,
                m.accessor,
                m.uuid,
                m.description,
                m.options,
                m.config,
                m.seal_wrap
            ],
        )?;
        Ok(())
    }

    /// Removes a secrets-engine mount with everything stored under it: its KV config, keys and
    /// versions (sealed values included), in the caller's transaction.
    pub fn delete_secret_mount(&self, m: &SecretMount) -> Result<()> {
        self.conn
            .execute("DELETE FROM secret_mounts WHERE path = ?1", [&m.path])?;
        for table in ["kv_config", "kv_keys", "kv_versions"] {
            self.conn
                .execute(&format!("DELETE FROM {table} WHERE mount = ?1"), [&m.uuid])?;
        }
        Ok(())
    }

    /// A KV mount's config (`None`: never written, all defaults).
    pub fn kv_config(&self, mount: &str) -> Result<Option<KvConfig>> {
        Ok(self
            .conn
            .query_row(
                "SELECT max_versions, cas_required, delete_version_after, metadata_cas_required \
                 FROM kv_config WHERE mount = ?1",
                [mount],
                |r| {
                    Ok(KvConfig {
                        max_versions: r.get(0)?,
                        cas_required: r.get(1)?,
                        delete_version_after: r.get(2)?,
                        metadata_cas_required: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn put_kv_config(&self, mount: &str, c: &KvConfig) -> Result<()> {
        self.conn.execute(
            "INSERT INTO kv_config (mount, max_versions, cas_required, delete_version_after, \
             metadata_cas_required) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (mount) DO UPDATE SET \
             max_versions = excluded.max_versions, cas_required = excluded.cas_required, \
             delete_version_after = excluded.delete_version_after, \
             metadata_cas_required = excluded.metadata_cas_required",
            params![
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
        Ok(self
            .conn
            .query_row(
                "SELECT current_version, oldest_version, max_versions, cas_required, \
                 delete_version_after, metadata_cas_required, current_metadata_version, \
                 created_time, updated_time, custom_metadata FROM kv_keys \
                 WHERE mount = ?1 AND key = ?2",
                [mount, key],
                |r| {
                    Ok(KvKey {
                        current_version: r.get(0)?,
                        oldest_version: r.get(1)?,
                        max_versions: r.get(2)?,
                        cas_required: r.get(3)?,
                        delete_version_after: r.get(4)?,
                        metadata_cas_required: r.get(5)?,
                        current_metadata_version: r.get(6)?,
                        created_time: r.get(7)?,
                        updated_time: r.get(8)?,
                        custom_metadata: r.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    /// Whether a KV key has metadata (Vault's existence check on `data/` and `metadata/`).
    pub fn kv_key_exists(&self, mount: &str, key: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM kv_keys WHERE mount = ?1 AND key = ?2)",
            [mount, key],
            |r| r.get(0),
        )?)
    }

    /// Creates or replaces a KV key's metadata.
    pub fn put_kv_key(&self, mount: &str, key: &str, k: &KvKey) -> Result<()> {
        self.conn.execute(
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
            params![
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
                k.custom_metadata
            ],
        )?;
        Ok(())
    }

    /// Removes a KV key: its metadata and every version.
    pub fn delete_kv_key(&self, mount: &str, key: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM kv_keys WHERE mount = ?1 AND key = ?2",
            [mount, key],
        )?;
        self.conn.execute(
            "DELETE FROM kv_versions WHERE mount = ?1 AND key = ?2",
            [mount, key],
        )?;
        Ok(())
    }

    fn kv_version_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<KvVersion> {
        Ok(KvVersion {
            version: r.get(0)?,
            created_time: r.get(1)?,
            deletion_time: r.get(2)?,
            destroyed: r.get(3)?,
            value: r.get(4)?,
        })
    }

    /// Every version of a KV key still kept, oldest first, without their sealed values.
    pub fn kv_versions(&self, mount: &str, key: &str) -> Result<Vec<KvVersion>> {
        let mut st = self.conn.prepare_cached(
            "SELECT version, created_time, deletion_time, destroyed, NULL FROM kv_versions \
             WHERE mount = ?1 AND key = ?2 ORDER BY version",
        )?;
        let rows = st.query_map([mount, key], Self::kv_version_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One version of a KV key, with its sealed value.
    pub fn kv_version(&self, mount: &str, key: &str, version: i64) -> Result<Option<KvVersion>> {
        Ok(self
            .conn
            .query_row(
                "SELECT version, created_time, deletion_time, destroyed, value FROM kv_versions \
                 WHERE mount = ?1 AND key = ?2 AND version = ?3",
                params![mount, key, version],
                Self::kv_version_from_row,
            )
            .optional()?)
    }

    /// Creates or replaces one version of a KV key.
    pub fn put_kv_version(&self, mount: &str, key: &str, v: &KvVersion) -> Result<()> {
        self.conn.execute(
            "INSERT INTO kv_versions (mount, key, version, created_time, deletion_time, destroyed, \
             value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (mount, key, version) DO \
             UPDATE SET created_time = excluded.created_time, \
             deletion_time = excluded.deletion_time, destroyed = excluded.destroyed, \
             value = excluded.value",
            params![
                mount,
                key,
                v.version,
                v.created_time,
                v.deletion_time,
                v.destroyed,
                v.value
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
        self.conn.execute(
            "UPDATE kv_versions SET deletion_time = ?4, destroyed = destroyed OR ?5, \
             value = CASE WHEN ?5 THEN NULL ELSE value END \
             WHERE mount = ?1 AND key = ?2 AND version = ?3",
            params![mount, key, version, deletion_time, destroy],
        )?;
        Ok(())
    }

    /// Removes the versions of a KV key older than `oldest` (`max_versions` pruning).
    pub fn prune_kv_versions(&self, mount: &str, key: &str, oldest: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM kv_versions WHERE mount = ?1 AND key = ?2 AND version < ?3",
            params![mount, key, oldest],
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
                [mount],
            );
        }
        self.list_strings(
            "SELECT key FROM kv_keys WHERE mount = ?1 AND key >= ?2 AND key < ?3 ORDER BY key",
            [mount, folder, upper.as_str()],
        )
    }

    /// The state's seal verifier (see `seal.rs`).
    pub fn seal_verifier(&self) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row("SELECT verifier FROM seal WHERE id = 1", [], |r| r.get(0))
            .optional()?)
    }

    pub fn put_seal_verifier(&self, verifier: &[u8]) -> Result<()> {
        self.conn.execute(
            "INSERT INTO seal (id, verifier) VALUES (1, ?1) \
             ON CONFLICT (id) DO UPDATE SET verifier = excluded.verifier",
            [verifier],
        )?;
        Ok(())
    }

    pub fn delete_seal_verifier(&self) -> Result<()> {
        self.conn.execute("DELETE FROM seal", [])?;
        Ok(())
    }

    /// Whether any sealed value is stored (a version's data or a key's custom metadata).
    pub fn holds_sealed_values(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM kv_versions WHERE value IS NOT NULL) \
             OR EXISTS (SELECT 1 FROM kv_keys WHERE custom_metadata IS NOT NULL)",
            [],
            |r| r.get(0),
        )?)
    }
}

// ---- the server's root-token bootstrap ------------------------------------------------------

impl Store {
    /// Whether a live token holding the `root` policy exists: one whose `expire_time` is unset
    /// or after `now` (`jwtvault server` makes one only when there is none). A scan of the
    /// token table, done once per start.
    pub fn has_root_token(&self, now: f64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM tokens AS t, json_each(t.json, '$.policies') AS p \
             WHERE p.value = 'root' AND (json_extract(t.json, '$.expire_time') IS NULL \
             OR json_extract(t.json, '$.expire_time') > ?1))",
            [now],
            |r| r.get(0),
        )?)
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

    /// A state file as jwtvault 0.1 (schema version 1) left it, with a policy in it.
    fn v1_state(path: &Path) {
        let c = Connection::open(path).unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        c.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        c.execute_batch(SCHEMA_V1).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute("INSERT INTO policies (name, raw) VALUES ('p', 'x')", [])
            .unwrap();
    }

    #[test]
    fn a_version_1_state_migrates_to_version_2_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        v1_state(&path);
        let s = Store::open(&path, &no_seed).unwrap();
        let v: i32 = s
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 2);
        // Old data kept; the system mounts added; no secrets engine, no seal record.
        assert_eq!(s.get_policy("p").unwrap().as_deref(), Some("x"));
        let mounts = s.list_secret_mounts().unwrap();
        assert_eq!(
            mounts
                .iter()
                .map(|m| (m.path.as_str(), m.kind.as_str(), m.seal_wrap))
                .collect::<Vec<_>>(),
            [("identity/", "identity", false), ("sys/", "system", true)]
        );
        for m in &mounts {
            let hex = m.accessor.rsplit('_').next().unwrap();
            assert!(hex.len() == 8 && hex.bytes().all(|c| c.is_ascii_hexdigit()));
            let parts: Vec<usize> = m.uuid.split('-').map(str::len).collect();
            assert_eq!(parts, [8, 4, 4, 4, 12], "{}", m.uuid);
            assert_eq!(m.uuid, m.uuid.to_lowercase());
        }
        assert_ne!(mounts[0].uuid, mounts[1].uuid);
        assert_eq!(s.seal_verifier().unwrap(), None);
        assert!(!s.holds_sealed_values().unwrap());
        s.commit().unwrap();
        // Opening again changes nothing.
        let s = Store::open(&path, &no_seed).unwrap();
        assert_eq!(s.list_secret_mounts().unwrap(), mounts);
        assert_eq!(s.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn a_failed_migration_leaves_the_version_1_state_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        v1_state(&path);
        // A table the migration means to create already exists: it fails half-way.
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE seal (x)").unwrap();
        }
        let err = Store::open(&path, &no_seed).err().expect("migration fails");
        assert!(err.to_string().contains("seal"), "{err}");
        let c = Connection::open(&path).unwrap();
        let v: i32 = c
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        let tables: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'secret_mounts'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!((v, tables), (1, 0));
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
