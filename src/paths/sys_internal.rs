//! `sys/internal/ui/mounts` and `sys/internal/ui/mounts/<path>`: the mount owning a path, as
//! the Vault CLI asks before every `kv` command (its "preflight"), and the mounts a token may
//! see.
//!
//! As in Vault the path is not governed by the ACL and spends no use: the handler looks the
//! calling token up itself (none, or not a live one: `permission denied`) and answers only about
//! a mount under which the token's policies grant something (Vault's `hasMountAccess`); any
//! other path, mounted or not, gets the same "preflight capability check" 403, so it cannot be
//! used to find out which mounts exist. The local operator (a command with no token) sees every
//! mount; a local command with a token sees what that token's policies reach, as over HTTP.
//!
//! The mount is found as Vault's router finds it, by the longest prefix: an auth method's under
//! `auth/` (`path` is then the method's own path, `jwt/`), otherwise a secrets engine of
//! `sys/mounts` (KV version 2, `identity/`, `sys/`). The answer is the mount's entry as
//! `sys/auth` or `sys/mounts` shows it plus `path`; the CLI reads `data.path` and
//! `data.options.version` (`"2"`: KV version 2) from it.

use serde_json::{Map, Value};

use crate::acl::Acl;
use crate::api::{ApiError, Caller, CallerToken, Operation, Request, Response};
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
    token_acl(store, req, caller, now).map(Some)
}

fn token_acl(
    store: &Store,
    req: &Request,
    caller: &CallerToken,
    now: f64,
) -> Result<Acl, ApiError> {
    let Some(found) = token::find(store, caller.token.expose(), now)? else {
        return Err(ApiError::permission_denied());
    };
    let remote = req.remote_addr.as_deref().filter(|a| !a.is_empty());
    if !token::cidrs_allow(&found.entry.bound_cidrs, remote) {
        return Err(ApiError::permission_denied());
    }
    authz::token_acl(store, &found)
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
    let found = match path.strip_prefix("auth/") {
        Some(inner) => auth_mount(store, &acl, inner)?,
        None => secret_mount(store, &acl, &path)?,
    };
    found.map(data).ok_or_else(refused)
}

/// The auth method owning `auth/<inner>` with `path` added, if the ACL reaches its mount.
fn auth_mount(
    store: &Store,
    acl: &Acl,
    inner: &str,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let Some((mount, _)) = mounts::resolve(store, inner.trim_end_matches('/'))? else {
        return Ok(None);
    };
    if !acl.has_mount_access(&format!("auth/{}", mount.path)) {
        return Ok(None);
    }
    let mut info = mounts::mount_info(&mount);
    info.insert("path".into(), Value::String(mount.path.clone()));
    Ok(Some(info))
}

/// The secrets engine owning `path` (a KV mount, `identity/` or `sys/`) with `path` added, if
/// the ACL reaches its mount.
fn secret_mount(
    store: &Store,
    acl: &Acl,
    path: &str,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let Some(mount) = sys_mounts::mount_for(store, path)? else {
        return Ok(None);
    };
    if !acl.has_mount_access(&mount.path) {
        return Ok(None);
    }
    let mut info = sys_mounts::entry(&mount);
    info.insert("path".into(), Value::String(mount.path.clone()));
    Ok(Some(info))
}

/// Every mount the caller may see: `{"auth": {...}, "secret": {...}}`. Without a token, none
/// (no mount is listed as visible to unauthenticated callers).
fn list(store: &Store, acl: Option<&Acl>) -> Result<Response, ApiError> {
    let mut auth = Map::new();
    let mut secret = Map::new();
    if let Some(acl) = acl {
        for m in store.list_mounts()? {
            if acl.has_mount_access(&format!("auth/{}", m.path)) {
                auth.insert(m.path.clone(), mount_info(&m));
            }
        }
        for m in store.list_secret_mounts()? {
            if acl.has_mount_access(&m.path) {
                secret.insert(m.path.clone(), Value::Object(sys_mounts::entry(&m)));
            }
        }
    }
    let mut m = Map::new();
    m.insert("auth".into(), Value::Object(auth));
    m.insert("secret".into(), Value::Object(secret));
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
        app_token: String,
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
        store
            .put_policy(
                "app",
                "path \"secret/data/app/*\" { capabilities = [\"read\"] }",
            )
            .unwrap();
        let default_token = token(&store, &["default"], 0);
        let p_token = token(&store, &["p"], 0);
        let app_token = token(&store, &["default", "app"], 0);
        let root = token(&store, &["root"], 0);
        store.commit().unwrap();
        let fx = Fx {
            _dir: dir,
            b,
            default_token,
            p_token,
            app_token,
            root,
        };
        // Two KV version 2 mounts, as `secrets enable` makes them.
        for (path, body) in [
            (
                "sys/mounts/secret",
                serde_json::json!({"type": "kv", "options": {"version": "2"},
                                   "description": "key/value secret storage"}),
            ),
            ("sys/mounts/kv2", serde_json::json!({"type": "kv-v2"})),
        ] {
            let body = match body {
                Value::Object(m) => m,
                _ => unreachable!(),
            };
            fx.b.handle(&Request::write(path, body).with_caller(Caller::Local(None)))
                .unwrap();
        }
        fx
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

    /// The preflight's answer for `rest` (`sys/internal/ui/mounts/<rest>`) to the token `t`.
    fn mount_entry(fx: &Fx, rest: &str, t: &str) -> serde_json::Map<String, Value> {
        get(fx, &format!("sys/internal/ui/mounts/{rest}"), with(t))
            .unwrap()
            .data
            .unwrap()
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
            let names = |k: &str| {
                d[k].as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
            };
            (names("auth"), names("secret"))
        };
        let none = Vec::<String>::new();
        assert_eq!(
            keys(with(&fx.root)),
            (
                vec!["jwt/".into(), "token/".into()],
                vec![
                    "identity/".into(),
                    "kv2/".into(),
                    "secret/".into(),
                    "sys/".into()
                ]
            )
        );
        assert_eq!(keys(with(&fx.p_token)), (vec!["jwt/".into()], none.clone()));
        // The default policy reaches `sys/` and, through its `+` rule, `identity/` (as in
        // OpenBao); `app` adds `secret/`, never `kv2/`.
        for (t, with_secret) in [(&fx.default_token, false), (&fx.app_token, true)] {
            let (auth, secret) = keys(with(t));
            assert_eq!(auth, ["token/"]);
            assert!(secret.contains(&"sys/".to_string()), "{secret:?}");
            assert!(secret.contains(&"identity/".to_string()), "{secret:?}");
            assert_eq!(
                secret.contains(&"secret/".to_string()),
                with_secret,
                "{secret:?}"
            );
            assert!(!secret.contains(&"kv2/".to_string()), "{secret:?}");
        }
        assert_eq!(keys(Caller::Anonymous), (none.clone(), none));
    }

    /// OpenBao 2.7.2's keys of a KV mount's preflight answer (kv.md §4.1).
    const KV_KEYS: [&str; 14] = [
        "accessor",
        "config",
        "deprecation_status",
        "description",
        "external_entropy_access",
        "local",
        "options",
        "path",
        "plugin_version",
        "running_plugin_version",
        "running_sha256",
        "seal_wrap",
        "type",
        "uuid",
    ];

    /// `kv patch` with a token whose only rule under `secret/` grants `patch`: OpenBao's
    /// preflight answers (kv.md §5.6), so the CLI goes on to its PATCH.
    #[test]
    fn a_patch_only_rule_under_the_mount_passes_the_preflight() {
        let fx = fx();
        let store = fx.b.open().unwrap();
        store
            .put_policy(
                "pt",
                "path \"secret/data/app/*\" { capabilities = [\"patch\"] }",
            )
            .unwrap();
        let pt = token(&store, &["default", "pt"], 0);
        store.commit().unwrap();
        let d = get(&fx, "sys/internal/ui/mounts/secret/app/db", with(&pt))
            .unwrap()
            .data
            .unwrap();
        assert_eq!(d["path"], "secret/");
        let e = get(&fx, "sys/internal/ui/mounts/kv2/app/db", with(&pt)).unwrap_err();
        assert_eq!(e.code, 403);
    }

    #[test]
    fn a_kv_mount_answers_with_its_entry_path_and_version() {
        let fx = fx();
        let store = fx.b.open().unwrap();
        let row = store.get_secret_mount("secret/").unwrap().unwrap();
        drop(store);
        for rest in [
            "secret/foo",
            "secret",
            "secret/",
            "secret/app/db",
            "/secret/a/b/c",
        ] {
            let d = mount_entry(&fx, rest, &fx.root);
            let keys: Vec<&str> = d.keys().map(String::as_str).collect();
            assert_eq!(keys, KV_KEYS, "{rest}");
            assert_eq!(d["path"], "secret/", "{rest}");
            assert_eq!(d["type"], "kv");
            assert_eq!(d["options"], serde_json::json!({"version": "2"}));
            assert_eq!(d["description"], "key/value secret storage");
            assert_eq!(d["deprecation_status"], "supported");
            assert_eq!(d["accessor"], row.accessor.as_str());
            assert_eq!(d["uuid"], row.uuid.as_str());
            assert_eq!(
                d["config"],
                serde_json::json!({"default_lease_ttl": 0, "force_no_cache": false,
                                   "max_lease_ttl": 0})
            );
            assert_eq!(
                (&d["local"], &d["seal_wrap"]),
                (&Value::Bool(false), &Value::Bool(false))
            );
        }
        // `kv-v2` is stored as `kv` version 2; the longest prefix wins and a longer name is
        // another mount.
        let d = mount_entry(&fx, "kv2/x", &fx.root);
        assert_eq!((&d["path"], &d["type"]), (&"kv2/".into(), &"kv".into()));
        assert_eq!(d["options"]["version"], "2");
        let e = get(&fx, "sys/internal/ui/mounts/secretx/foo", with(&fx.root)).unwrap_err();
        assert_eq!(e.code, 403);
        // The system mounts answer too (`sys/foo` finds `sys/`), as in OpenBao.
        for (rest, path, kind) in [
            ("sys/foo", "sys/", "system"),
            ("identity/x", "identity/", "identity"),
        ] {
            let d = mount_entry(&fx, rest, &fx.root);
            assert_eq!(
                (&d["path"], &d["type"], &d["options"]),
                (&path.into(), &kind.into(), &Value::Null)
            );
            assert!(d.get("deprecation_status").is_none(), "{d:?}");
        }
    }

    #[test]
    fn a_kv_mount_is_answered_per_mount_not_per_path() {
        // kv.md §5.2: `read` on `secret/data/app/*` opens the whole mount `secret/` (the data
        // read of `secret/other/x` is refused later, by the ACL), not `kv2/`.
        let fx = fx();
        for rest in ["secret", "secret/app/db", "secret/other/x", "secret/"] {
            let d = mount_entry(&fx, rest, &fx.app_token);
            assert_eq!(d["path"], "secret/", "{rest}");
            assert_eq!(d["options"]["version"], "2");
        }
        let preflight = |p: &str| {
            vec![format!(
                "preflight capability check returned 403, please ensure client's policies grant \
                 access to path \"{p}\""
            )]
        };
        for (rest, caller, want) in [
            ("kv2/x", with(&fx.app_token), "kv2/x/"),
            ("kv2", with(&fx.app_token), "kv2/"),
            ("secret/foo", with(&fx.default_token), "secret/foo/"),
            ("secret", with(&fx.p_token), "secret/"),
            ("nomount/foo", with(&fx.root), "nomount/foo/"),
            ("secretx", Caller::Local(None), "secretx/"),
            // A local command with a token is answered for that token.
            (
                "secret/foo",
                Caller::Local(Some(CallerToken::new(
                    fx.default_token.as_str(),
                    "JWTVAULT_TOKEN",
                ))),
                "secret/foo/",
            ),
        ] {
            let e = get(&fx, &format!("sys/internal/ui/mounts/{rest}"), caller).unwrap_err();
            assert_eq!((e.code, e.errors), (403, preflight(want)), "{rest}");
        }
        let local_app = Caller::Local(Some(CallerToken::new(
            fx.app_token.as_str(),
            "JWTVAULT_TOKEN",
        )));
        let d = get(&fx, "sys/internal/ui/mounts/secret/other/x", local_app)
            .unwrap()
            .data
            .unwrap();
        assert_eq!(d["path"], "secret/");
        let local_bogus = Caller::Local(Some(CallerToken::new("bogus", "JWTVAULT_TOKEN")));
        let e = get(&fx, "sys/internal/ui/mounts/secret/x", local_bogus).unwrap_err();
        assert_eq!(
            (e.code, e.errors),
            (403, vec!["permission denied".to_string()])
        );
        // The operator (a local command with no token) reaches every mount.
        let d = get(&fx, "sys/internal/ui/mounts/kv2/x", Caller::Local(None))
            .unwrap()
            .data
            .unwrap();
        assert_eq!(d["path"], "kv2/");
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
