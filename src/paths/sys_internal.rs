//! `sys/internal/ui/mounts` and `sys/internal/ui/mounts/<path>`: the mount owning a path, as
//! the Vault CLI asks before every `kv` command (its "preflight"), and the mounts a token may
//! see.
//!
//! As in Vault the path is not governed by the ACL and spends no use: the handler looks the
//! calling token up itself (none, or not a live one: `permission denied`) and answers only about
//! a mount under which the token's policies grant something (Vault's `hasMountAccess`); any
//! other path, mounted or not, gets the same "preflight capability check" 403, so it cannot be
//! used to find out which mounts exist. The local operator sees every mount.
//!
//! Auth mounts (under `auth/`) and secrets engines (`sys/mounts`' table: KV, `identity/`,
//! `sys/`) are served.

use serde_json::{Map, Value};

use crate::acl::Acl;
use crate::api::{ApiError, Caller, Operation, Request, Response};
use crate::authz;
use crate::paths::{data, mounts, sys_mounts};
use crate::store::{MountRow, Store};
use crate::token;

/// The ACL of whoever asks: `Ok(None)` for a request with no token, `permission denied` for
/// a token that is not live (unknown, expired, revoked, used up, or outside its bound CIDRs).
/// The local command line with no token at all is the operator (contract §2); with a token,
/// its policies decide, as on the paths the `kv` commands then use, so a `kv` command is
/// refused by the same preflight as the Vault CLI against a server.
fn caller_acl(store: &Store, req: &Request, now: f64) -> Result<Option<Acl>, ApiError> {
    let caller = match &req.caller {
        Caller::Local(None) => return Ok(Some(Acl::root())),
        Caller::Anonymous => return Ok(None),
        Caller::Local(Some(t)) | Caller::Token(t) => t,
    };
    let Some(found) = token::find(store, caller.token.expose(), now)? else {
        return Err(ApiError::permission_denied());
    };
    let remote = req.remote_addr.as_deref().filter(|a| !a.is_empty());
    if !token::cidrs_allow(&found.entry.bound_cidrs, remote) {
        return Err(ApiError::permission_denied());
    }
    authz::token_acl(store, &found).map(Some)
}

/// Vault's entry for one auth mount, as `sys/auth` shows it.
fn mount_info(m: &MountRow) -> Value {
    Value::Object(mounts::mount_info(m))
}

/// Answers `sys/internal/ui/mounts[/<rest>]` (`rest` empty: every mount the caller may see).
pub fn handle(store: &Store, req: &Request, rest: &str, now: f64) -> Result<Response, ApiError> {
    if req.operation != Operation::Read {
        return Err(ApiError::new(405, vec!["unsupported operation".into()]));
    }
    let acl = caller_acl(store, req, now)?;
    if rest.is_empty() {
        return list(store, acl.as_ref());
    }
    let Some(acl) = acl else {
        return Err(ApiError::permission_denied());
    };
    // Vault's sanitizeMountPath: a trailing `/`, no leading one.
    let mut path = rest.strip_prefix('/').unwrap_or(rest).to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    let refused = || {
        ApiError::new(
            403,
            vec![format!(
                "preflight capability check returned 403, please ensure client's policies \
                 grant access to path {}",
                crate::gofmt::go_quote(&path)
            )],
        )
    };
    let Some(inner) = path.strip_prefix("auth/") else {
        // A secrets engine: the mount serving the path (longest prefix), as `sys/mounts`
        // shows it, with its path.
        let Some(mount) = sys_mounts::mount_for(store, &path)? else {
            return Err(refused());
        };
        if !acl.has_mount_access(&mount.path) {
            return Err(refused());
        }
        let mut info = sys_mounts::entry(&mount);
        info.insert("path".into(), Value::String(mount.path.clone()));
        return Ok(data(info));
    };
    let Some((mount, _)) = mounts::resolve(store, inner.trim_end_matches('/'))? else {
        return Err(refused());
    };
    if !acl.has_mount_access(&format!("auth/{}", mount.path)) {
        return Err(refused());
    }
    let mut info = match mount_info(&mount) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    info.insert("path".into(), Value::String(mount.path.clone()));
    Ok(data(info))
}

/// Every mount the caller may see: `{"auth": {...}, "secret": {...}}`. Without a token, none
/// (no mount is listed as visible to unauthenticated callers).
fn list(store: &Store, acl: Option<&Acl>) -> Result<Response, ApiError> {
    let mut auth = Map::new();
    if let Some(acl) = acl {
        for m in store.list_mounts()? {
            if acl.has_mount_access(&format!("auth/{}", m.path)) {
                auth.insert(m.path.clone(), mount_info(&m));
            }
        }
    }
    let mut m = Map::new();
    m.insert("auth".into(), Value::Object(auth));
    m.insert("secret".into(), Value::Object(Map::new()));
    Ok(data(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::CallerToken;
    use crate::backend::{Backend, Failure, LocalBackend};

    /// A state with `jwt/` mounted, a policy `p` granting read on one role, and three tokens:
    /// root, one with `default` only and one with `p`.
    struct Fx {
        _dir: tempfile::TempDir,
        b: LocalBackend,
        default_token: String,
        p_token: String,
        root: String,
    }

    fn token(store: &Store, policies: &[&str], num_uses: i64) -> String {
        let raw = format!("jvs.{}", crate::ids::base62(24));
        let entry = token::TokenEntry {
            accessor: crate::ids::base62(24),
            token_type: "service".into(),
            policies: policies.iter().map(|p| p.to_string()).collect(),
            path: "auth/token/create".into(),
            num_uses,
            ..Default::default()
        };
        let keys = crate::store::TokenKeys {
            hash: crate::ids::sha256(raw.as_bytes()),
            accessor: entry.accessor.clone(),
            path: entry.path.clone(),
            mount_accessor: String::new(),
            entity_id: String::new(),
        };
        store.insert_token(&keys, &entry).unwrap();
        raw
    }

    fn fx() -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("state.db"), true);
        let store = b.open().unwrap();
        mounts::enable(
            &store,
            &mounts::EnableRequest {
                kind: "jwt".into(),
                path: "jwt/".into(),
                description: String::new(),
                default_lease_ttl: 0,
                max_lease_ttl: 0,
                token_type: String::new(),
            },
        )
        .unwrap();
        store
            .put_policy(
                "p",
                "path \"auth/jwt/role/r\" { capabilities = [\"read\"] }",
            )
            .unwrap();
        let default_token = token(&store, &["default"], 0);
        let p_token = token(&store, &["p"], 0);
        let root = token(&store, &["root"], 0);
        store.commit().unwrap();
        Fx {
            _dir: dir,
            b,
            default_token,
            p_token,
            root,
        }
    }

    fn get(fx: &Fx, path: &str, caller: Caller) -> Result<Response, ApiError> {
        match fx.b.handle(&Request::read(path).with_caller(caller)) {
            Ok(r) => Ok(r),
            Err(Failure::Api(e)) => Err(e),
            Err(Failure::Store(e)) => panic!("{e}"),
        }
    }

    fn with(t: &str) -> Caller {
        Caller::Token(CallerToken::new(t, "the X-Vault-Token header"))
    }

    #[test]
    fn the_mount_of_a_path_for_a_token_its_policies_let_in() {
        let fx = fx();
        for (path, caller) in [
            ("sys/internal/ui/mounts/auth/jwt", with(&fx.p_token)),
            ("sys/internal/ui/mounts/auth/jwt/role/r", with(&fx.root)),
            ("sys/internal/ui/mounts/auth/jwt", Caller::Local(None)),
        ] {
            let d = get(&fx, path, caller).unwrap().data.unwrap();
            assert_eq!(d["path"], "jwt/", "{path}");
            assert_eq!(d["type"], "jwt");
            assert_eq!(d["options"], Value::Null);
            assert_eq!(d["deprecation_status"], "supported");
        }
        // The default policy grants things under auth/token/: its mount is shown, without a
        // deprecation status.
        let d = get(
            &fx,
            "sys/internal/ui/mounts/auth/token",
            with(&fx.default_token),
        )
        .unwrap()
        .data
        .unwrap();
        assert_eq!(d["path"], "token/");
        assert!(d.get("deprecation_status").is_none(), "{d:?}");
    }

    #[test]
    fn refusals_say_what_vault_says() {
        let fx = fx();
        let preflight = |p: &str| {
            format!(
                "preflight capability check returned 403, please ensure client's policies grant \
                 access to path \"{p}\""
            )
        };
        for (path, caller, want) in [
            (
                "sys/internal/ui/mounts/auth/jwt",
                with(&fx.default_token),
                preflight("auth/jwt/"),
            ),
            (
                "sys/internal/ui/mounts/auth/jwt/role/x",
                with(&fx.default_token),
                preflight("auth/jwt/role/x/"),
            ),
            // The local command line holding a token: its policies, not the operator's rights.
            (
                "sys/internal/ui/mounts/auth/jwt",
                Caller::Local(Some(CallerToken::new(
                    fx.default_token.as_str(),
                    "JWTVAULT_TOKEN",
                ))),
                preflight("auth/jwt/"),
            ),
            // Not mounted: the same answer, even for root.
            (
                "sys/internal/ui/mounts/nosuch",
                with(&fx.root),
                preflight("nosuch/"),
            ),
            (
                "sys/internal/ui/mounts/auth/nosuch",
                with(&fx.root),
                preflight("auth/nosuch/"),
            ),
            (
                "sys/internal/ui/mounts/auth/jwt",
                Caller::Anonymous,
                "permission denied".into(),
            ),
            (
                "sys/internal/ui/mounts/auth/jwt",
                with("bogus"),
                "permission denied".into(),
            ),
            (
                "sys/internal/ui/mounts",
                with("bogus"),
                "permission denied".into(),
            ),
        ] {
            let e = get(&fx, path, caller).unwrap_err();
            assert_eq!((e.code, e.errors), (403, vec![want]), "{path}");
        }
        let e =
            fx.b.handle(
                &Request::write("sys/internal/ui/mounts/auth/jwt", Map::new())
                    .with_caller(with(&fx.root)),
            )
            .unwrap_err();
        match e {
            Failure::Api(e) => assert_eq!(
                (e.code, e.errors),
                (405, vec!["unsupported operation".to_string()])
            ),
            Failure::Store(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_list_holds_the_mounts_a_caller_may_see() {
        let fx = fx();
        let keys = |caller| {
            let d = get(&fx, "sys/internal/ui/mounts", caller)
                .unwrap()
                .data
                .unwrap();
            assert_eq!(d["secret"], Value::Object(Map::new()));
            d["auth"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(with(&fx.root)), ["jwt/", "token/"]);
        assert_eq!(keys(with(&fx.p_token)), ["jwt/"]);
        assert_eq!(keys(with(&fx.default_token)), ["token/"]);
        assert_eq!(keys(Caller::Anonymous), Vec::<String>::new());
    }

    #[test]
    fn no_use_is_spent() {
        let fx = fx();
        let store = fx.b.open().unwrap();
        let limited = token(&store, &["p"], 1);
        store.commit().unwrap();
        // A token with one use left answers every time: the path spends none.
        for _ in 0..3 {
            get(&fx, "sys/internal/ui/mounts/auth/jwt", with(&limited)).unwrap();
        }
    }
}
