//! The store's tests that hold on every engine: each runs on a new SQLite file and, when a
//! PostgreSQL cluster is available (see [`pg_cluster`](super::pg_cluster)), on a new
//! PostgreSQL database; then the PostgreSQL engine's own (schema, refusals, conflicts).

use super::pg_cluster::{cluster, Cluster, Database};
use super::*;

fn no_seed(_: &Store) -> Result<()> {
    Ok(())
}

fn seed_policy(s: &Store) -> Result<()> {
    s.put_policy("seeded", "x")
}

/// A new database of the test cluster, as a storage (with the password in the URL), and the
/// database, which is dropped with it.
pub(crate) fn pg_storage(c: &'static Cluster) -> (Storage, Database) {
    let db = c.database();
    (Storage::parse(&c.url(&db), None).unwrap(), db)
}

/// Runs `f` on a fresh, empty state of each storage.
fn each_storage(f: impl Fn(&Storage)) {
    let dir = tempfile::tempdir().unwrap();
    f(&Storage::Sqlite(dir.path().join("s.db")));
    if let Some(c) = cluster() {
        f(&pg_storage(c).0);
    }
}

#[test]
fn uncommitted_changes_are_rolled_back() {
    each_storage(|st| {
        {
            let s = st.open(&no_seed).unwrap();
            s.put_policy("a", "x").unwrap();
            s.commit().unwrap();
        }
        {
            let s = st.open(&no_seed).unwrap();
            s.put_policy("b", "y").unwrap();
        }
        let s = st.open(&no_seed).unwrap();
        assert_eq!(s.list_policies().unwrap(), vec!["a".to_string()]);
    });
}

#[test]
fn the_seed_runs_once_in_the_transaction_that_creates_the_schema() {
    each_storage(|st| {
        let s = st.open(&seed_policy).unwrap();
        s.delete_policy("seeded").unwrap();
        s.commit().unwrap();
        let s = st.open(&seed_policy).unwrap();
        assert_eq!(s.list_policies().unwrap(), Vec::<String>::new());
        // The system mounts of version 2 exist on both engines.
        let mounts: Vec<_> = s
            .list_secret_mounts()
            .unwrap()
            .into_iter()
            .map(|m| (m.path, m.kind, m.seal_wrap))
            .collect();
        assert_eq!(
            mounts,
            [
                ("identity/".to_string(), "identity".to_string(), false),
                ("sys/".to_string(), "system".to_string(), true)
            ]
        );
    });
}

#[test]
fn token_prefix_revocation_uses_literal_prefix() {
    each_storage(|st| {
        let s = st.open(&no_seed).unwrap();
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
    });
}

#[test]
fn values_of_every_kind_read_back_as_written() {
    each_storage(|st| {
        let s = st.open(&no_seed).unwrap();
        let doc = CachedDoc {
            url: "https://issuer/keys".into(),
            kind: "jwks".into(),
            body: vec![0, 1, 2, 255],
            fetched_at: 1_700_000_000,
        };
        s.put_cached_doc("m", &doc).unwrap();
        let later = CachedDoc {
            url: "https://a-first-by-name/keys".into(),
            ..doc.clone()
        };
        s.put_cached_doc("m", &later).unwrap();
        // Insertion order, not name order.
        assert_eq!(s.cached_docs("m").unwrap(), vec![doc.clone(), later]);
        s.record_fetch("u", 1234.5).unwrap();
        assert_eq!(s.last_fetch("u").unwrap(), Some(1234.5));
        assert_eq!(s.last_fetch("v").unwrap(), None);
        let v = KvVersion {
            version: 3,
            created_time: 1_700_000_000_123_456_789,
            deletion_time: None,
            destroyed: false,
            value: Some(b"sealed".to_vec()),
        };
        s.put_kv_version("mnt", "a/b", &v).unwrap();
        assert_eq!(s.kv_version("mnt", "a/b", 3).unwrap(), Some(v.clone()));
        s.mark_kv_version("mnt", "a/b", 3, Some(5), true).unwrap();
        assert_eq!(
            s.kv_version("mnt", "a/b", 3).unwrap(),
            Some(KvVersion {
                deletion_time: Some(5),
                destroyed: true,
                value: None,
                ..v
            })
        );
        for key in ["a/b", "a/c/d", "a0", "b", "a/"] {
            s.put_kv_key("mnt", key, &KvKey::default()).unwrap();
        }
        assert_eq!(
            s.kv_keys_under("mnt", "a/").unwrap(),
            ["a/", "a/b", "a/c/d"]
        );
        // Bytewise order on both engines: upper case before lower case.
        for name in ["b", "B", "a", "_"] {
            s.put_policy(name, "x").unwrap();
        }
        assert_eq!(s.list_policies().unwrap(), ["B", "_", "a", "b"]);
        s.commit().unwrap();
    });
}

#[test]
fn the_root_token_query_reads_policies_and_expiry_on_both_engines() {
    each_storage(|st| {
        let s = st.open(&no_seed).unwrap();
        assert!(!s.has_root_token(100.0).unwrap());
        let keys = |h: u8| TokenKeys {
            hash: vec![h],
            accessor: format!("a{h}"),
            path: "auth/token/root".into(),
            mount_accessor: "m".into(),
            entity_id: String::new(),
        };
        s.insert_token(
            &keys(1),
            &serde_json::json!({"policies": ["root"], "expire_time": 50.0}),
        )
        .unwrap();
        s.insert_token(&keys(2), &serde_json::json!({"policies": ["default"]}))
            .unwrap();
        assert!(!s.has_root_token(100.0).unwrap());
        assert!(s.has_root_token(10.0).unwrap());
        s.insert_token(
            &keys(3),
            &serde_json::json!({"policies": ["root"], "expire_time": null}),
        )
        .unwrap();
        assert!(s.has_root_token(100.0).unwrap());
    });
}

// ---- PostgreSQL only ------------------------------------------------------------------------

fn meta(c: &Cluster, db: &str) -> Vec<(i64, i64)> {
    c.client(db)
        .query(
            "SELECT application_id, schema_version FROM jwtvault_meta",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn postgres_schema_is_created_once_under_concurrent_opens() {
    let Some(c) = cluster() else { return };
    let db = c.database();
    let st = Storage::parse(&c.url(&db), None).unwrap();
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                let s = st.open(&seed_policy).unwrap();
                s.commit().unwrap();
            });
        }
    });
    assert_eq!(
        meta(c, &db),
        [(i64::from(APPLICATION_ID), i64::from(SCHEMA_VERSION))]
    );
    let s = st.open(&no_seed).unwrap();
    assert_eq!(s.list_policies().unwrap(), ["seeded"]);
    assert_eq!(s.list_secret_mounts().unwrap().len(), 2);
}

#[test]
fn postgres_foreign_and_newer_databases_are_refused_untouched() {
    let Some(c) = cluster() else { return };
    // Another application's tables, no jwtvault_meta.
    let db = c.database();
    c.client(&db)
        .batch_execute("CREATE TABLE orders (id int); INSERT INTO orders VALUES (1)")
        .unwrap();
    let err = Storage::parse(&c.url(&db), None)
        .unwrap()
        .open(&no_seed)
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "PostgreSQL database {} is not a jwtvault database (it holds 1 tables but no \
             jwtvault_meta table); it was left untouched. Point -storage or JWTVAULT_STORAGE at \
             a jwtvault database or an empty one",
            c.url_without_password(&db)
        )
    );
    let tables: i64 = c
        .client(&db)
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 1);

    // A newer jwtvault's database.
    let db = c.database();
    let st = Storage::parse(&c.url(&db), None).unwrap();
    st.open(&no_seed).unwrap().commit().unwrap();
    c.client(&db)
        .batch_execute("UPDATE jwtvault_meta SET schema_version = 99")
        .unwrap();
    let err = st.open(&no_seed).err().unwrap();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert_eq!(meta(c, &db), [(i64::from(APPLICATION_ID), 99)]);

    // Another application's meta table.
    c.client(&db)
        .batch_execute("UPDATE jwtvault_meta SET application_id = 7, schema_version = 2")
        .unwrap();
    let err = st.open(&no_seed).err().unwrap();
    assert!(err.to_string().contains("application_id is 0x7"), "{err}");
}

#[test]
fn postgres_version_1_database_migrates_to_version_2() {
    let Some(c) = cluster() else { return };
    let db = c.database();
    {
        let mut client = c.client(&db);
        client.batch_execute(migrations::PG_META).unwrap();
        client.batch_execute(migrations::STEPS[0].postgres).unwrap();
        client
            .batch_execute(&format!(
                "INSERT INTO jwtvault_meta (application_id, schema_version) VALUES ({APPLICATION_ID}, 1);
                 INSERT INTO policies (name, raw) VALUES ('p', 'x')"
            ))
            .unwrap();
    }
    let st = Storage::parse(&c.url(&db), None).unwrap();
    let s = st.open(&seed_policy).unwrap();
    assert_eq!(s.get_policy("p").unwrap().as_deref(), Some("x"));
    // Not seeded again: the state existed.
    assert_eq!(s.get_policy("seeded").unwrap(), None);
    assert_eq!(s.list_secret_mounts().unwrap().len(), 2);
    drop(s);
    assert_eq!(meta(c, &db), [(i64::from(APPLICATION_ID), 2)]);
}

#[test]
fn postgres_concurrent_writers_conflict_and_a_retry_succeeds() {
    let Some(c) = cluster() else { return };
    let (st, _db) = pg_storage(c);
    st.open(&no_seed).unwrap().commit().unwrap();
    // Two transactions read the same absent row and both insert it: one of them must fail,
    // as SQLite's single writer would have made the second see the first.
    let a = st.open(&no_seed).unwrap();
    let b = st.open(&no_seed).unwrap();
    assert_eq!(a.get_policy("p").unwrap(), None);
    assert_eq!(b.get_policy("p").unwrap(), None);
    a.put_policy("p", "from a").unwrap();
    a.commit().unwrap();
    let second = b.put_policy("p", "from b").and_then(|()| b.commit());
    assert!(matches!(second, Err(StoreError::Conflict(_))), "{second:?}");
    // Run again, the request sees the first one's write.
    let mut attempts = 0;
    let seen = retrying(|| {
        attempts += 1;
        let s = st.open(&no_seed)?;
        let seen = s.get_policy("p")?;
        s.commit()?;
        Ok(seen)
    })
    .unwrap();
    assert_eq!((seen.as_deref(), attempts), (Some("from a"), 1));
}

#[test]
fn postgres_a_handler_that_swallows_a_conflict_still_cannot_commit() {
    let Some(c) = cluster() else { return };
    let (st, _db) = pg_storage(c);
    st.open(&no_seed).unwrap().commit().unwrap();
    let a = st.open(&no_seed).unwrap();
    let b = st.open(&no_seed).unwrap();
    a.get_policy("q").unwrap();
    b.get_policy("q").unwrap();
    a.put_policy("q", "a").unwrap();
    a.commit().unwrap();
    b.savepoint().unwrap();
    let _ignored = b.put_policy("q", "b");
    b.rollback_to_savepoint().unwrap();
    assert!(b.conflicted());
    assert!(matches!(b.commit(), Err(StoreError::Conflict(_))));
}

#[test]
fn postgres_connection_errors_name_the_database_without_its_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let st = Storage::parse(&format!("postgresql://u:hunter2@127.0.0.1:{port}/jv"), None).unwrap();
    let err = st.open(&no_seed).err().unwrap().to_string();
    assert!(
        err.starts_with(&format!(
            "PostgreSQL storage error: cannot connect to postgresql://u@127.0.0.1:{port}/jv: "
        )),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    let Some(c) = cluster() else { return };
    let wrong = format!(
        "postgresql://{}:wrong-password@127.0.0.1:{}/postgres",
        super::pg_cluster::USER,
        c.port
    );
    let err = Storage::parse(&wrong, None)
        .unwrap()
        .open(&no_seed)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(!err.contains("wrong-password"), "{err}");
}

#[test]
fn storage_urls_name_a_file_or_a_database() {
    let st = Storage::parse("sqlite:dir/s.db", None).unwrap();
    assert_eq!(st.file(), Some(Path::new("dir/s.db")));
    assert_eq!(st.url(), "sqlite:dir/s.db");
    let st = Storage::parse("postgresql://u:pw@127.0.0.1:5/jv", None).unwrap();
    assert_eq!(st.file(), None);
    assert_eq!(st.url(), "postgresql://u@127.0.0.1:5/jv");
    assert_eq!(
        Storage::parse("sqlite:", None).unwrap_err(),
        "-storage=sqlite:PATH needs a path after sqlite:"
    );
}

/// The test cluster's databases go with the test that made them, sessions and all, so that a
/// run of every test holds only the databases of the tests still running.
#[test]
fn postgres_a_test_database_is_dropped_with_its_guard() {
    let Some(c) = cluster() else { return };
    let exists = |name: &str| -> bool {
        c.client("postgres")
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname = $1",
                &[&name],
            )
            .unwrap()
            .get::<_, i64>(0)
            == 1
    };
    let db = c.database();
    let name = db.to_string();
    assert!(exists(&name));
    // A session still open on it, as a server left running by a test would hold.
    let mut open = c.client(&db);
    drop(db);
    assert!(!exists(&name), "{name} is still there");
    assert!(open.simple_query("SELECT 1").is_err());
}
