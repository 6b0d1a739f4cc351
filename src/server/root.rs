//! The server's root token, as `bao server -dev` makes one: `-root-token-id=ID` makes sure a
//! root token with exactly that value exists; without it, a state with no live root token gets
//! a new one. Either way the token is stored (as its hash) and committed before the server
//! prints it, and it is printed only by the start that created it.

use std::collections::BTreeMap;

use crate::backend::LocalBackend;
use crate::ids;
use crate::secret::Secret;
use crate::store::{Store, StoreError, TokenKeys};
use crate::token::{self, TokenEntry};

/// Why the root token could not be set up.
#[derive(Debug)]
pub enum RootError {
    /// `-root-token-id` names a token that exists and is not a root token.
    NotRoot,
    Store(StoreError),
}

impl std::fmt::Display for RootError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RootError::NotRoot => write!(
                f,
                "the -root-token-id value is the id of a token that is not a root token; \
                 choose another value"
            ),
            RootError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl From<StoreError> for RootError {
    fn from(e: StoreError) -> Self {
        RootError::Store(e)
    }
}

/// Checks a `-root-token-id` value: tokens travel in a header and are compared trimmed, so the
/// id must be visible ASCII with no spaces (what Vault's own ids are).
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("-root-token-id must not be empty".into());
    }
    match id.chars().find(|c| !c.is_ascii_graphic()) {
        Some(c) => Err(format!(
            "-root-token-id must be visible ASCII characters with no spaces (it travels in the \
             X-Vault-Token header); found {}",
            crate::gofmt::go_quote_rune(c)
        )),
        None => Ok(()),
    }
}

/// Makes sure the root token exists in the state of `backend`, committed (durable) before this
/// returns: the token, when this call created it.
pub fn bootstrap(
    backend: &LocalBackend,
    id: Option<&str>,
    now: f64,
) -> Result<Option<Secret>, RootError> {
    // Servers starting at once on one PostgreSQL database may conflict: the loser runs again
    // and finds the winner's token.
    let mut attempt = 0;
    loop {
        let once = || -> Result<Option<Secret>, RootError> {
            let store = backend.open()?;
            let created = ensure(&store, id, now)?;
            store.commit()?;
            Ok(created)
        };
        match once() {
            Err(RootError::Store(StoreError::Conflict(_)))
                if attempt + 1 < crate::store::MAX_ATTEMPTS =>
            {
                crate::store::backoff(attempt);
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Makes sure the root token exists, in the open transaction of `store` (the caller commits
/// before printing anything). Returns the token when this call created it.
pub fn ensure(store: &Store, id: Option<&str>, now: f64) -> Result<Option<Secret>, RootError> {
    let raw = match id {
        Some(id) => {
            let hash = ids::sha256(id.as_bytes());
            if let Some(entry) = store.get_token::<TokenEntry>(&hash)? {
                if !token::expired(&entry, now) {
                    return if entry.policies == ["root"] {
                        Ok(None)
                    } else {
                        Err(RootError::NotRoot)
                    };
                }
                // An expired token with that id: replaced by the root token.
                store.delete_token(&hash)?;
            }
            id.to_string()
        }
        None => {
            if store.has_root_token(now)? {
                return Ok(None);
            }
            format!("jvs.{}", ids::base62(24))
        }
    };
    let mount = store.get_mount("token/")?;
    let (mount_accessor, mount_path) = mount
        .map(|m| (m.accessor, m.path))
        .unwrap_or_else(|| (String::new(), "token/".into()));
    let entry = TokenEntry {
        accessor: ids::base62(24),
        token_type: "service".into(),
        policies: vec!["root".into()],
        path: "auth/token/root".into(),
        meta: BTreeMap::new(),
        display_name: "root".into(),
        num_uses: 0,
        creation_time: now as i64,
        creation_ttl: 0,
        explicit_max_ttl: 0,
        period: 0,
        entity_id: String::new(),
        bound_cidrs: Vec::new(),
        issue_time: now,
        expire_time: None,
        last_renewal_time: None,
        renewable: false,
        max_ttl: 0,
        mount_accessor: mount_accessor.clone(),
        mount_path,
        role: String::new(),
        ..TokenEntry::default()
    };
    let keys = TokenKeys {
        hash: ids::sha256(raw.as_bytes()),
        accessor: entry.accessor.clone(),
        path: entry.path.clone(),
        mount_accessor,
        entity_id: String::new(),
    };
    store.insert_token(&keys, &entry)?;
    Ok(Some(Secret::from(raw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> (tempfile::TempDir, LocalBackend) {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("state.db"), true);
        (dir, b)
    }

    fn ensure_committed(b: &LocalBackend, id: Option<&str>) -> Result<Option<Secret>, RootError> {
        bootstrap(b, id, 1_000_000.0)
    }

    #[test]
    fn a_new_state_gets_one_root_token_once() {
        let (_d, b) = state();
        let t = ensure_committed(&b, None).unwrap().expect("created");
        let raw = t.expose();
        assert!(raw.starts_with("jvs.") && raw.len() == 28, "{raw}");
        // Printed once: the next start finds it.
        assert!(ensure_committed(&b, None).unwrap().is_none());
        let store = b.open().unwrap();
        let found = token::find(&store, raw, 2_000_000.0).unwrap().unwrap();
        let e = found.entry;
        assert_eq!(
            (
                e.policies,
                e.path.as_str(),
                e.display_name.as_str(),
                e.expire_time,
                e.num_uses
            ),
            (vec!["root".to_string()], "auth/token/root", "root", None, 0)
        );
        assert!(
            e.mount_accessor.starts_with("auth_token_"),
            "{}",
            e.mount_accessor
        );
        assert_eq!(e.accessor.len(), 24);
        // Only the hash is stored.
        assert_eq!(found.hash, ids::sha256(raw.as_bytes()));
    }

    #[test]
    fn a_given_id_is_made_a_root_token_once() {
        let (_d, b) = state();
        let t = ensure_committed(&b, Some("root"))
            .unwrap()
            .expect("created");
        assert_eq!(t.expose(), "root");
        assert!(ensure_committed(&b, Some("root")).unwrap().is_none());
        // Another id is another root token, even with one present.
        assert!(ensure_committed(&b, Some("other")).unwrap().is_some());
        // Without an id, a live root token exists already.
        assert!(ensure_committed(&b, None).unwrap().is_none());
    }

    #[test]
    fn an_id_that_is_another_token_is_refused() {
        let (_d, b) = state();
        let store = b.open().unwrap();
        let entry = TokenEntry {
            accessor: "a".repeat(24),
            token_type: "service".into(),
            policies: vec!["default".into()],
            ..TokenEntry::default()
        };
        let keys = TokenKeys {
            hash: ids::sha256(b"taken"),
            accessor: entry.accessor.clone(),
            path: String::new(),
            mount_accessor: String::new(),
            entity_id: String::new(),
        };
        store.insert_token(&keys, &entry).unwrap();
        store.commit().unwrap();
        assert!(matches!(
            ensure_committed(&b, Some("taken")),
            Err(RootError::NotRoot)
        ));
    }

    #[test]
    fn an_expired_root_token_does_not_count() {
        let (_d, b) = state();
        let store = b.open().unwrap();
        let entry = TokenEntry {
            accessor: "b".repeat(24),
            policies: vec!["root".into()],
            expire_time: Some(10.0),
            ..TokenEntry::default()
        };
        let keys = TokenKeys {
            hash: ids::sha256(b"old"),
            accessor: entry.accessor.clone(),
            path: String::new(),
            mount_accessor: String::new(),
            entity_id: String::new(),
        };
        store.insert_token(&keys, &entry).unwrap();
        assert!(!store.has_root_token(10.0).unwrap());
        assert!(store.has_root_token(9.0).unwrap());
        store.commit().unwrap();
        assert!(ensure_committed(&b, None).unwrap().is_some());
    }

    #[test]
    fn ids_must_be_visible_ascii() {
        assert!(check_id("root").is_ok());
        assert!(check_id("s.AbC-_.~!").is_ok());
        assert_eq!(
            check_id("").unwrap_err(),
            "-root-token-id must not be empty"
        );
        assert!(check_id(" root").unwrap_err().ends_with("found ' '"));
        assert!(check_id("ro\not").unwrap_err().ends_with("found '\\n'"));
        assert!(check_id("rööt").is_err());
    }
}
