//! The auth mount table: its rows, enabling and disabling a mount, and what `sys/auth` shows of
//! each (the endpoints themselves are `sys_auth.rs`).
//!
//! The `token/` mount always exists (created with the state file). Only `jwt` and `oidc` can be
//! enabled: both are the JWT auth method, as in Vault.

use serde_json::{json, Map, Value};

use crate::api::ApiError;
use crate::gofmt::{go_is_print, go_quote, go_quote_rune};
use crate::ids;
use crate::store::{MountRow, Store};

/// System default and maximum lease TTL (Vault's 768h).
pub const SYSTEM_TTL: i64 = 768 * 3600;

/// The `running_plugin_version` of every mount: jwtvault's own version with Vault's
/// `+builtin` suffix (OpenBao shows `v2.7.2+builtin.bao`).
pub fn running_version() -> String {
    format!("v{}+builtin.jwtvault", env!("CARGO_PKG_VERSION"))
}

/// Vault's HTTP layer's checks on a request path, before any handler sees it: every character
/// printable (Go's `unicode.IsPrint`; Vault answers an empty 400, jwtvault names the
/// character) and no `.` or `..` segment (`relative paths not supported`). `what` names the
/// part of the path in jwtvault's explanation ("mount path", "role name").
pub fn check_request_path(what: &str, p: &str) -> Result<(), ApiError> {
    if let Some(c) = p.chars().find(|&c| c != ' ' && !go_is_print(c)) {
        return Err(ApiError::bad_request(format!(
            "invalid {what} {}: expected printable characters, found {}",
            go_quote(p),
            go_quote_rune(c)
        )));
    }
    if p.split('/').any(|seg| seg == "." || seg == "..") {
        return Err(
            ApiError::bad_request("relative paths not supported").with_hint(format!(
                "the {what} {} has a \".\" or \"..\" segment",
                go_quote(p)
            )),
        );
    }
    Ok(())
}

/// What a mount-table path (`sys/auth…`, `sys/mounts…`) names.
#[derive(Debug, PartialEq, Eq)]
pub enum TableTarget {
    /// The table itself (`sys/auth`, `sys/mounts`).
    Table,
    /// One mount (`<table>/<path>`), its path as [`checked_mount_path`] gives it.
    Mount(String),
}

/// The target of a path under the mount table `table` (`None`: not one). The mount path is
/// checked here, as Vault's HTTP layer checks a request path before anything else:
/// non-printable characters and `.` or `..` segments are refused.
pub fn resolve_table(table: &str, path: &str) -> Result<Option<TableTarget>, ApiError> {
    let Some(rest) = path.strip_prefix(table) else {
        return Ok(None);
    };
    if rest.is_empty() {
        return Ok(Some(TableTarget::Table));
    }
    match rest.strip_prefix('/') {
        Some(rest) => Ok(Some(TableTarget::Mount(checked_mount_path(rest)?))),
        None => Ok(None),
    }
}

/// The mount path of a `sys/auth/<path>` request: [`check_request_path`], then spaces around
/// and slashes at either end dropped and empty segments collapsed, with one trailing `/`. A
/// path that is empty after this is `sys/auth` itself, which refuses with 405 `unsupported
/// operation`.
pub fn checked_mount_path(raw: &str) -> Result<String, ApiError> {
    check_request_path("mount path", raw.trim())?;
    let segs: Vec<&str> = raw.trim().split('/').filter(|s| !s.is_empty()).collect();
    if segs.is_empty() {
        return Err(ApiError::unsupported_operation());
    }
    Ok(format!("{}/", segs.join("/")))
}

/// The `token/` mount created with every state file.
pub fn token_mount() -> MountRow {
    MountRow {
        path: "token/".into(),
        kind: "token".into(),
        accessor: format!("auth_token_{}", ids::random_hex(4)),
        uuid: ids::uuid(),
        description: "token based credentials".into(),
        default_lease_ttl: 0,
        max_lease_ttl: 0,
        token_type: "default-service".into(),
    }
}

/// A mount to enable, its fields already checked (`sys_auth` parses Vault's request body).
pub struct EnableRequest {
    pub kind: String,
    /// As [`checked_mount_path`] gives it: `corp/jwt/`.
    pub path: String,
    pub description: String,
    pub default_lease_ttl: i64,
    pub max_lease_ttl: i64,
    /// One of Vault's four token types.
    pub token_type: String,
}

/// Enables a mount: Vault core's checks in its order (the token method is a singleton, the
/// path must not overlap another mount, the type must be known), then the new row.
pub fn enable(store: &Store, req: &EnableRequest) -> Result<MountRow, ApiError> {
    if req.kind == "token" {
        return Err(ApiError::bad_request(
            "token credential backend cannot be instantiated",
        ));
    }
    for m in store.list_mounts()? {
        if req.path.starts_with(&m.path) || m.path.starts_with(&req.path) {
            return Err(ApiError::bad_request(format!(
                "path is already in use at {}",
                m.path
            )));
        }
    }
    if req.kind != "jwt" && req.kind != "oidc" {
        return Err(ApiError::bad_request(format!(
            "plugin not found in the catalog: {}",
            req.kind
        )));
    }
    let row = MountRow {
        path: req.path.clone(),
        kind: req.kind.clone(),
        accessor: format!("auth_{}_{}", req.kind, ids::random_hex(4)),
        uuid: ids::uuid(),
        description: req.description.clone(),
        default_lease_ttl: req.default_lease_ttl,
        max_lease_ttl: req.max_lease_ttl,
        token_type: req.token_type.clone(),
    };
    store.insert_mount(&row)?;
    Ok(row)
}

/// Disables the mount at `path` (as [`checked_mount_path`] gives it; a missing one is not an
/// error): its config, roles and key cache go, and its tokens are revoked with it.
pub fn disable(store: &Store, path: &str) -> Result<(), ApiError> {
    if path == "token/" {
        return Err(ApiError::bad_request(
            "token credential backend cannot be disabled",
        ));
    }
    if let Some(m) = store.get_mount(path)? {
        store.delete_mount(&m)?;
    }
    Ok(())
}

/// One mount as `sys/auth` shows it (OpenBao 2.7's fields; `deprecation_status` only for a
/// plugin-backed method, not for `token`). jwtvault has no mount options, replication, seal
/// wrapping or external plugins, so those fields have their fixed values.
pub fn mount_info(m: &MountRow) -> Map<String, Value> {
    let mut info = json!({
        "accessor": m.accessor,
        "config": {
            "default_lease_ttl": m.default_lease_ttl,
            "force_no_cache": false,
            "max_lease_ttl": m.max_lease_ttl,
            "token_type": m.token_type,
        },
        "description": m.description,
        "external_entropy_access": false,
        "local": false,
        "options": Value::Null,
        "plugin_version": "",
        "running_plugin_version": running_version(),
        "running_sha256": "",
        "seal_wrap": false,
        "type": m.kind,
        "uuid": m.uuid,
    });
    if m.kind != "token" {
        info["deprecation_status"] = json!("supported");
    }
    match info {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Every mount as `sys/auth` shows the table: [`mount_info`] keyed by path.
pub fn table(store: &Store) -> Result<Map<String, Value>, ApiError> {
    Ok(store
        .list_mounts()?
        .iter()
        .map(|m| (m.path.clone(), Value::Object(mount_info(m))))
        .collect())
}

/// The mount serving `auth/<rest>`: the longest mount path that prefixes `rest`.
pub fn resolve(store: &Store, rest: &str) -> Result<Option<(MountRow, String)>, ApiError> {
    let probe = format!("{rest}/");
    let mut best: Option<MountRow> = None;
    for m in store.list_mounts()? {
        if probe.starts_with(&m.path) && best.as_ref().is_none_or(|b| m.path.len() > b.path.len()) {
            best = Some(m);
        }
    }
    Ok(best.map(|m| {
        let sub = probe[m.path.len()..].trim_end_matches('/').to_string();
        (m, sub)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Request, Response};
    use crate::backend::{Backend, Failure, LocalBackend};
    use crate::store::CachedDoc;

    fn backend() -> (tempfile::TempDir, LocalBackend) {
        let dir = tempfile::tempdir().expect("tempdir");
        let b = LocalBackend::new(dir.path().join("state.db"), true);
        (dir, b)
    }

    fn ok(b: &LocalBackend, req: Request) -> Response {
        match b.handle(&req) {
            Ok(r) => r,
            Err(Failure::Api(e)) => panic!("{req:?}: {e:?}"),
            Err(Failure::Store(e)) => panic!("{req:?}: {e}"),
        }
    }

    fn err(b: &LocalBackend, req: Request) -> ApiError {
        match b.handle(&req) {
            Ok(r) => panic!("{req:?} succeeded: {r:?}"),
            Err(Failure::Api(e)) => e,
            Err(Failure::Store(e)) => panic!("{req:?}: {e}"),
        }
    }

    fn enable(kind: &str) -> Request {
        let mut m = Map::new();
        m.insert("type".into(), json!(kind));
        Request::write("", m)
    }

    fn enable_at(path: &str, kind: &str) -> Request {
        let mut r = enable(kind);
        r.path = format!("sys/auth/{path}");
        r
    }

    fn paths(b: &LocalBackend) -> Vec<String> {
        let resp = ok(b, Request::read("sys/auth"));
        resp.data.expect("data").keys().cloned().collect()
    }

    #[test]
    fn checked_mount_paths_follow_vaults_cli_and_http_layer() {
        let ok = |p: &str| checked_mount_path(p).unwrap();
        assert_eq!(ok("jwt"), "jwt/");
        assert_eq!(ok(" /corp//jwt/ "), "corp/jwt/");
        assert_eq!(ok("a b"), "a b/");
        assert_eq!(ok("a..b"), "a..b/");
        for p in ["", "/", " ", "//"] {
            assert_eq!(
                checked_mount_path(p).unwrap_err(),
                ApiError::unsupported_operation(),
                "{p:?}"
            );
        }
        for p in [".", "..", "../x", "a/./b", "a/..", "x/../"] {
            let e = checked_mount_path(p).unwrap_err();
            assert_eq!(e.errors, ["relative paths not supported"], "{p:?}");
        }
        for p in [
            "a\u{1b}b",
            "a\nb",
            "a\u{7f}",
            "a\u{85}b",
            "a\u{200b}",
            "a\u{202e}",
            "a\u{a0}b",
        ] {
            let e = checked_mount_path(p).unwrap_err();
            assert_eq!(e.code, 400, "{p:?}");
            assert!(
                e.errors[0].contains("expected printable characters"),
                "{e:?}"
            );
        }
    }

    #[test]
    fn enable_checks_run_in_vault_cores_order() {
        let (_d, b) = backend();
        ok(&b, enable_at("jwt", "jwt"));
        ok(&b, enable_at("a/b", "jwt"));
        let in_use = |at: &str| ApiError::bad_request(format!("path is already in use at {at}"));
        // The token method is a singleton before the path is looked at; an unknown type is
        // only found out once the path is free.
        assert_eq!(
            err(&b, enable_at("jwt/x", "token")),
            ApiError::bad_request("token credential backend cannot be instantiated")
        );
        assert_eq!(err(&b, enable_at("jwt/x", "foo")), in_use("jwt/"));
        assert_eq!(err(&b, enable_at("jwt", "jwt")), in_use("jwt/"));
        assert_eq!(err(&b, enable_at("a", "oidc")), in_use("a/b/"));
        assert_eq!(err(&b, enable_at("token", "jwt")), in_use("token/"));
        assert_eq!(
            err(&b, enable_at("foo", "foo")),
            ApiError::bad_request("plugin not found in the catalog: foo")
        );
        // Prefixes of a segment are not overlaps; empty segments collapse.
        ok(&b, enable_at("j", "jwt"));
        ok(&b, enable_at("c//d", "oidc"));
        assert_eq!(paths(&b), ["a/b/", "c/d/", "j/", "jwt/", "token/"]);
        let m = ok(&b, Request::read("sys/auth/c/d")).data.expect("data");
        assert_eq!(m["type"], "oidc");
        assert!(m["accessor"]
            .as_str()
            .is_some_and(|a| a.starts_with("auth_oidc_") && a.len() == "auth_oidc_".len() + 8));
    }

    #[test]
    fn disable_drops_the_mounts_config_roles_key_cache_and_tokens() {
        let (_d, b) = backend();
        ok(&b, enable_at("jwt", "jwt"));
        ok(&b, enable_at("other", "jwt"));
        let mut role = Map::new();
        role.insert("user_claim".into(), json!("sub"));
        role.insert("bound_audiences".into(), json!("a"));
        ok(&b, Request::write("auth/jwt/role/r", role.clone()));
        ok(&b, Request::write("auth/other/role/r", role));
        let s = b.open().expect("open");
        let mut tokens = Vec::new();
        for path in ["jwt/", "other/"] {
            let m = s.get_mount(path).unwrap().expect("mount");
            s.put_config(&m.accessor, &json!({"bound_issuer": "x"}))
                .unwrap();
            s.put_cached_doc(
                &m.accessor,
                &CachedDoc {
                    url: "https://issuer/keys".into(),
                    kind: "jwks".into(),
                    body: b"{}".to_vec(),
                    fetched_at: 1,
                },
            )
            .unwrap();
            let issued = crate::token::issue(
                &s,
                crate::token::IssueRequest {
                    mount: &m,
                    role_name: "r",
                    policies: &[],
                    no_default_policy: false,
                    ttl: 0,
                    max_ttl: 0,
                    explicit_max_ttl: 0,
                    period: 0,
                    num_uses: 0,
                    token_type: "service",
                    bound_cidrs: &[],
                    display_name: "jwt-x".into(),
                    metadata: Default::default(),
                    entity_id: String::new(),
                    identity_policies: Vec::new(),
                    now: 1.0,
                },
            )
            .unwrap();
            tokens.push((m, issued.auth.client_token));
        }
        s.commit().unwrap();

        let resp = ok(&b, Request::delete("sys/auth/jwt"));
        assert_eq!(resp.data, None);
        // Disabling what does not exist succeeds too.
        ok(&b, Request::delete("sys/auth/jwt"));
        ok(&b, Request::delete("sys/auth/nothing/here"));
        assert_eq!(paths(&b), ["other/", "token/"]);

        let s = b.open().expect("open");
        let live = |t: &crate::secret::Secret| crate::token::find(&s, t.expose(), 2.0).unwrap();
        let (gone, gone_token) = &tokens[0];
        assert!(live(gone_token).is_none());
        assert!(s.get_config::<Value>(&gone.accessor).unwrap().is_none());
        assert!(s.list_roles(&gone.accessor).unwrap().is_empty());
        assert!(s.cached_docs(&gone.accessor).unwrap().is_empty());
        // The other mount keeps everything.
        let (kept, kept_token) = &tokens[1];
        assert!(live(kept_token).is_some());
        assert!(s.get_config::<Value>(&kept.accessor).unwrap().is_some());
        assert_eq!(s.list_roles(&kept.accessor).unwrap(), ["r"]);
        assert_eq!(s.cached_docs(&kept.accessor).unwrap().len(), 1);
    }

    #[test]
    fn the_token_mount_cannot_be_disabled_or_enabled_again() {
        let (_d, b) = backend();
        for p in ["token", "/token/"] {
            assert_eq!(
                err(&b, Request::delete(format!("sys/auth/{p}"))),
                ApiError::bad_request("token credential backend cannot be disabled")
            );
        }
        assert_eq!(
            err(&b, enable_at("t2", "token")),
            ApiError::bad_request("token credential backend cannot be instantiated")
        );
        assert_eq!(paths(&b), ["token/"]);
    }

    #[test]
    fn mount_info_has_openbaos_fields() {
        let (_d, b) = backend();
        let s = b.open().expect("open");
        let token = s.get_mount("token/").unwrap().expect("token/");
        let info = Value::Object(mount_info(&token));
        assert_eq!(
            info,
            json!({
                "accessor": token.accessor,
                "config": {"default_lease_ttl": 0, "force_no_cache": false, "max_lease_ttl": 0, "token_type": "default-service"},
                "description": "token based credentials",
                "external_entropy_access": false,
                "local": false,
                "options": null,
                "plugin_version": "",
                "running_plugin_version": format!("v{}+builtin.jwtvault", env!("CARGO_PKG_VERSION")),
                "running_sha256": "",
                "seal_wrap": false,
                "type": "token",
                "uuid": token.uuid,
            })
        );
        let jwt = MountRow {
            path: "jwt/".into(),
            kind: "jwt".into(),
            token_type: "batch".into(),
            default_lease_ttl: 60,
            ..token
        };
        let info = mount_info(&jwt);
        assert_eq!(info["deprecation_status"], "supported");
        assert_eq!(info["config"]["default_lease_ttl"], 60);
        assert_eq!(info["config"]["token_type"], "batch");
    }

    #[test]
    fn auth_paths_resolve_to_the_longest_mount() {
        let (_d, b) = backend();
        ok(&b, enable_at("corp", "jwt"));
        ok(&b, enable_at("corpx/jwt", "jwt"));
        let s = b.open().expect("open");
        let r = |rest: &str| resolve(&s, rest).unwrap().map(|(m, sub)| (m.path, sub));
        assert_eq!(r("corp/role/x"), Some(("corp/".into(), "role/x".into())));
        assert_eq!(r("corp"), Some(("corp/".into(), String::new())));
        assert_eq!(
            r("corpx/jwt/login"),
            Some(("corpx/jwt/".into(), "login".into()))
        );
        assert_eq!(r("corpx/login"), None);
        assert_eq!(r("token/lookup"), Some(("token/".into(), "lookup".into())));
    }
}
