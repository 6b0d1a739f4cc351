//! The SQLite engine: one state file (contract §2).
//!
//! A store is one connection with one `BEGIN IMMEDIATE` transaction. Opening never modifies a
//! file that is not ours: the header, `application_id` and `user_version` are checked before
//! WAL mode is switched on or any schema is written; the file and its folder are checked and
//! kept private before SQLite touches them.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};

use super::migrations::STEPS;
use super::sql::{Arg, Row, Val};
use super::{Engine, Place, Result, Store, StoreError, APPLICATION_ID, SCHEMA_VERSION};

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
/// No login is written during a restart, whose fsyncs alone take milliseconds: at 1,000 frames
/// the writer paused 4 to 7 ms about 25 times a second under benches/server.sh, which was most
/// of its p99. At 4,000 (with the server's checkpointer copying the WAL beside the writer, see
/// backend/pooled.rs) it pauses about 4 ms four times a second.
const SERVER_WAL_RESTART_FRAMES: u32 = 4000;
/// The writer's `journal_size_limit`: above a cycle of [`SERVER_WAL_RESTART_FRAMES`] and the
/// largest batch, so that the WAL file is not cut back at every restart.
const SERVER_WAL_FILE_LIMIT: i64 = 32 << 20;
/// The page cache of the server's long-lived connections (negative: KiB, SQLite's convention).
/// SQLite's default (2 MiB) holds a fraction of a busy state's token indexes, whose inserts
/// land on random pages: the writer then spent much of its time reading pages back from the
/// operating system (measured with perf under benches/server.sh).
const SERVER_WRITER_CACHE_KIB: i64 = -65536;
const SERVER_READER_CACHE_KIB: i64 = -8192;
/// Statements kept compiled per connection (every statement of the store fits).
const STATEMENT_CACHE: usize = 256;
/// If restarting kept failing (other processes always busy), a commit waits for its turn.
const WAL_FORCE_FRAMES: u32 = 16 << 10;
/// How long a commit waits for other processes to let it restart the WAL before giving up and
/// leaving it to a later command.
const WAL_RESTART_WAIT: Duration = Duration::from_millis(100);
/// `PRAGMA journal_size_limit`: a WAL file grown past this by one large transaction (a bulk
/// import) is cut back to it when the WAL next starts over. Well above a cycle's size, so that
/// ordinary commits never extend the file.
const WAL_FILE_LIMIT: i64 = 1 << 20;

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

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Arg::Null => ValueRef::Null,
            Arg::Int(i) => ValueRef::Integer(i),
            Arg::Real(r) => ValueRef::Real(r),
            Arg::Text(t) => ValueRef::Text(t.as_bytes()),
            Arg::Bytes(b) => ValueRef::Blob(b),
        }))
    }
}

fn val(v: ValueRef<'_>) -> rusqlite::Result<Val> {
    Ok(match v {
        ValueRef::Null => Val::Null,
        ValueRef::Integer(i) => Val::Int(i),
        ValueRef::Real(r) => Val::Real(r),
        ValueRef::Text(t) => Val::Text(
            String::from_utf8(t.to_vec())
                .map_err(|e| rusqlite::Error::Utf8Error(e.utf8_error()))?,
        ),
        ValueRef::Blob(b) => Val::Bytes(b.to_vec()),
    })
}

/// One open state file.
pub(crate) struct Conn {
    conn: Connection,
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

impl Conn {
    pub(crate) fn exec(&self, sql: &str, args: &[Arg<'_>]) -> Result<usize> {
        let mut st = self.conn.prepare_cached(sql)?;
        Ok(st.execute(rusqlite::params_from_iter(args.iter()))?)
    }

    pub(crate) fn query(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>> {
        let mut st = self.conn.prepare_cached(sql)?;
        let n = st.column_count();
        let mut rows = st.query(rusqlite::params_from_iter(args.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                vals.push(val(r.get_ref(i)?)?);
            }
            out.push(Row(vals));
        }
        Ok(out)
    }

    /// One statement without arguments (compiled once), or several (`;`-separated).
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        if sql.contains(';') {
            return Ok(self.conn.execute_batch(sql)?);
        }
        self.run(sql)
    }

    /// The connection itself (tests and the file's own checks).
    pub(crate) fn raw(&self) -> &Connection {
        &self.conn
    }
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
            place: Place::File(path.to_path_buf()),
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
                place: Place::File(path.to_path_buf()),
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

/// Opens (creating if needed) the state file and begins the command's transaction. `seed` runs
/// once, inside the same transaction, when the schema is created.
pub(crate) fn open(path: &Path, seed: &dyn Fn(&Store) -> Result<()>) -> Result<Store> {
    create_file(path)?;
    let initialised = check_header(path)?;
    let conn = Conn::connect(path)?;
    if !initialised {
        // A brand-new file: nothing can be lost by switching it to WAL now.
        conn.conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    let mut store = Store::new(Engine::Sqlite(conn));
    store.begin()?;
    check_schema(&store, path, seed)?;
    Ok(store)
}

/// The server's writer: [`open`], its first transaction committed, the connection kept for
/// [`Store::begin`] / [`Store::commit_batch`].
///
/// Its commits are written to the WAL but not fsynced (`synchronous=NORMAL`, which in WAL mode
/// still syncs around every checkpoint and keeps the file consistent whatever is cut short):
/// the caller makes them durable with [`WalSync::sync`] before it answers for them, on another
/// thread, while this one goes on with the next transaction.
pub(crate) fn open_writer(path: &Path, seed: &dyn Fn(&Store) -> Result<()>) -> Result<Store> {
    let mut store = open(path, seed)?;
    {
        let c = sqlite_mut(&mut store);
        c.restart_frames = SERVER_WAL_RESTART_FRAMES;
        c.conn
            .pragma_update(None, "journal_size_limit", SERVER_WAL_FILE_LIMIT)?;
    }
    store.commit_batch()?;
    store.trim();
    let c = sqlite_mut(&mut store);
    c.conn.pragma_update(None, "synchronous", "NORMAL")?;
    c.synchronous = "NORMAL";
    c.conn
        .pragma_update(None, "cache_size", SERVER_WRITER_CACHE_KIB)?;
    Ok(store)
}

/// The server's checkpointer: a connection to a state file the writer has opened, which copies
/// the WAL into the database ([`Store::checkpoint_passive`]) beside the writer, so that the
/// writer's own restart of the WAL has little left to copy while it holds the write lock.
pub(crate) fn open_checkpointer(path: &Path) -> Result<Store> {
    let conn = Conn::connect(path)?;
    conn.conn.pragma_update(None, "query_only", true)?;
    Ok(Store::new(Engine::Sqlite(conn)))
}

/// A reader of the server: a connection to a state file the writer has opened (and so checked
/// and migrated), with `query_only` set and an authorizer that refuses every statement that
/// would write, remembering that one was tried ([`Store::end_read`]).
pub(crate) fn open_reader(path: &Path) -> Result<Store> {
    let mut conn = Conn::connect(path)?;
    conn.conn.pragma_update(None, "query_only", true)?;
    conn.conn
        .pragma_update(None, "cache_size", SERVER_READER_CACHE_KIB)?;
    let tried = Box::new(AtomicBool::new(false));
    // SAFETY: the handle is this open connection's; the callback's argument is the boxed flag,
    // which the Conn drops only after the connection (field order).
    let rc = unsafe {
        rusqlite::ffi::sqlite3_set_authorizer(
            conn.conn.handle(),
            Some(deny_writes),
            &*tried as *const AtomicBool as *mut std::ffi::c_void,
        )
    };
    if rc != rusqlite::ffi::SQLITE_OK {
        return Err(StoreError::Sqlite(format!(
            "could not install the read-only authorizer (SQLite code {rc})"
        )));
    }
    conn.write_tried = Some(tried);
    Ok(Store::new(Engine::Sqlite(conn)))
}

fn sqlite_mut(store: &mut Store) -> &mut Conn {
    match store.engine_mut() {
        Engine::Sqlite(c) => c,
        Engine::Postgres(_) => unreachable!("a SQLite store"),
    }
}

/// Checks (under the write lock of the open transaction) that the file is ours and not newer
/// than this build, and brings its schema up to date.
fn check_schema(store: &Store, path: &Path, seed: &dyn Fn(&Store) -> Result<()>) -> Result<()> {
    let Engine::Sqlite(c) = store.engine() else {
        unreachable!("a SQLite store")
    };
    let conn = &c.conn;
    // Re-read under the lock: another process may have initialised the file meanwhile.
    let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let place = || Place::File(path.to_path_buf());
    if app == 0 && version == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if tables != 0 {
            return Err(StoreError::Foreign {
                place: place(),
                detail: "it holds tables but no jwtvault application_id".into(),
            });
        }
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    } else if app != APPLICATION_ID {
        return Err(StoreError::Foreign {
            place: place(),
            detail: format!("application_id is {app:#x}"),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            place: place(),
            found: version,
        });
    }
    for (v, step) in STEPS.iter().enumerate().skip(version as usize) {
        conn.execute_batch(step.sqlite)?;
        conn.pragma_update(None, "user_version", v as i32 + 1)?;
        if v == 0 {
            seed(store)?;
        }
    }
    Ok(())
}

impl Conn {
    /// One connection with jwtvault's settings and no transaction.
    fn connect(path: &Path) -> Result<Conn> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match vfs::name() {
            Some(name) => Connection::open_with_flags_and_vfs(path, flags, name)?,
            None => Connection::open_with_flags(path, flags)?,
        };
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Checkpointing on close would fsync the database at the end of every command; the
        // WAL's own commit fsync is what makes a command durable, and `trim_wal` keeps it
        // bounded.
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
        // SAFETY: the handle is this open connection's; the hook's argument is the boxed
        // counter, which the Conn drops only after the connection (field order). Registering
        // the hook also removes SQLite's automatic checkpoint (it is the same slot), as
        // intended.
        unsafe {
            rusqlite::ffi::sqlite3_wal_hook(
                conn.handle(),
                Some(wal_hook),
                &*wal_frames as *const AtomicU32 as *mut std::ffi::c_void,
            );
        }
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Conn {
            conn,
            wal_frames,
            write_tried: None,
            restart_frames: WAL_RESTART_FRAMES,
            synchronous: "FULL",
        })
    }

    /// One statement that returns no rows (transaction control), compiled once.
    pub(crate) fn run(&self, sql: &str) -> Result<()> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE`: the write lock is taken now, waiting for
    /// other processes at most [`BUSY_TIMEOUT`]).
    pub(crate) fn begin(&self) -> Result<()> {
        self.run("BEGIN IMMEDIATE")
    }

    /// Frames in the WAL after this connection's last commit.
    pub(crate) fn wal_frames(&self) -> u32 {
        self.wal_frames.load(Ordering::Relaxed)
    }

    /// `wal_checkpoint(PASSIVE)`: copies into the database (and fsyncs it) every WAL frame that
    /// no reader still needs, without waiting for anyone and without blocking the writer.
    /// Answers (frames in the WAL, frames copied so far).
    pub(crate) fn checkpoint_passive(&self) -> Result<(i64, i64)> {
        Ok(self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(1)?, r.get(2)?))
            })?)
    }

    /// Commits the open transaction and keeps the connection; a failed commit rolls back.
    pub(crate) fn commit_batch(&self) -> Result<()> {
        let committed = self.run("COMMIT");
        if committed.is_err() && !self.conn.is_autocommit() {
            let _ = self.run("ROLLBACK");
        }
        committed
    }

    /// The writer's last act: the WAL started over at the command line's size, so that the
    /// next process recovers few frames (as after any command).
    pub(crate) fn trim_for_close(&mut self) {
        self.restart_frames = WAL_RESTART_FRAMES;
        let _ = self
            .conn
            .pragma_update(None, "journal_size_limit", WAL_FILE_LIMIT);
        if let Ok((frames, _)) = self.checkpoint_passive() {
            self.wal_frames
                .store(u32::try_from(frames).unwrap_or(u32::MAX), Ordering::Relaxed);
        }
        self.trim_wal();
    }

    /// Rolls the open transaction back, if one is open.
    pub(crate) fn rollback(&self) {
        if !self.conn.is_autocommit() {
            // Nothing to report if this fails: the transaction ends with the connection anyway.
            let _ = self.run("ROLLBACK");
        }
    }

    /// A reader's: whether a statement that writes was tried (and refused) since the flag was
    /// last read.
    pub(crate) fn take_write_tried(&self) -> bool {
        self.write_tried
            .as_ref()
            .is_some_and(|t| t.swap(false, Ordering::Relaxed))
    }
}

impl Conn {
    /// Commits the command's transaction (durably: the WAL is fsynced before this returns).
    pub(crate) fn commit(&self) -> Result<()> {
        self.run("COMMIT")?;
        self.trim_wal();
        Ok(())
    }

    /// Once the WAL holds more than [`WAL_RESTART_FRAMES`], copies it into the database and
    /// starts it over. The command's changes are already durable, so nothing here may fail the
    /// command: when other processes hold the file the attempt is abandoned and a later command
    /// does it.
    pub(crate) fn trim_wal(&self) {
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
    // SAFETY: registered in `open_reader` with the Conn's boxed flag, which outlives the
    // connection.
    let tried = unsafe { &*(tried as *const AtomicBool) };
    tried.store(true, Ordering::Relaxed);
    ffi::SQLITE_DENY
}

// ---- the server writer's commits made durable ------------------------------------------------

/// Makes what the server's writer committed durable ([`open_writer`]): `fdatasync` of the
/// state's WAL, as SQLite's own commit does with `synchronous=FULL`, from another thread.
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

#[cfg(test)]
mod tests;
