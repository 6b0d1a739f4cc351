//! The SQLite engine's own tests: the file, its permissions, its WAL and its migrations.

use std::fs;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::*;
use crate::storage::migrations::SCHEMA_V1;
use crate::storage::{TokenKeys, WalSync};

fn conn(s: &Store) -> &Connection {
    match s.engine() {
        Engine::Sqlite(c) => c.raw(),
        Engine::Postgres(_) => unreachable!("a SQLite store"),
    }
}

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
    let v: i32 = conn(&s)
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let j: String = conn(&s)
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
    let v: i32 = conn(&s)
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
fn a_reader_refuses_writes_and_says_one_was_tried_the_writer_keeps_its_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut writer = Store::open_writer(&path, &no_seed).unwrap();
    let mut reader = Store::open_reader(&path).unwrap();
    writer.begin().unwrap();
    writer.put_policy("a", "x").unwrap();
    writer.commit_batch().unwrap();
    reader.begin_read().unwrap();
    assert_eq!(reader.get_policy("a").unwrap().as_deref(), Some("x"));
    assert!(matches!(
        reader.put_policy("b", "y"),
        Err(StoreError::ReadOnly)
    ));
    assert!(reader.end_read());
    reader.begin_read().unwrap();
    assert_eq!(reader.get_policy("b").unwrap(), None);
    assert!(!reader.end_read());
    // A batch savepoint rolled back leaves nothing of its job.
    writer.begin().unwrap();
    writer.batch_savepoint().unwrap();
    writer.put_policy("c", "z").unwrap();
    writer.rollback_batch_savepoint().unwrap();
    writer.commit_batch().unwrap();
    writer.trim_for_close();
    let s = Store::open(&path, &no_seed).unwrap();
    assert_eq!(s.list_policies().unwrap(), ["a"]);
    assert_eq!(s.config_json("m").unwrap(), None);
    let mut sync = WalSync::new(&path);
    sync.sync().unwrap();
}
