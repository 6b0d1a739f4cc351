//! `sys/auth`: enabling, disabling and listing auth mounts (`auth enable|disable|list`).
//!
//! The `token/` mount always exists (created with the state file). Only `jwt` and `oidc` can be
//! enabled: both are the JWT auth method, as in Vault.

use serde_json::{json, Map, Value};

use crate::api::ApiError;
use crate::gofmt::{go_is_print, go_quote, go_quote_rune};
use crate::ids;
use crate::output::Node;
use crate::store::{MountRow, Store};

/// System default and maximum lease TTL (Vault's 768h).
pub const SYSTEM_TTL: i64 = 768 * 3600;

/// Vault's path sanitising for mounts: trimmed, no leading `/`, exactly one trailing `/`.
pub fn mount_path(raw: &str) -> String {
    let p = raw.trim().trim_start_matches('/').trim_end_matches('/');
    format!("{p}/")
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

/// The mount path of `auth enable [-path=P] TYPE` and `auth disable P`, as the Vault CLI and
/// server take it: an empty `-path` is the type (enable only); spaces around and slashes at
/// either end are dropped and empty segments collapse (the CLI builds the request URL with
/// Go's `path.Join`); then [`check_request_path`]; a path that is empty after all this is the
/// server's root (`sys/auth`), which refuses with 405 `unsupported operation`.
pub fn checked_mount_path(raw: &str) -> Result<String, ApiError> {
    check_request_path("mount path", raw.trim())?;
    let segs: Vec<&str> = raw.trim().split('/').filter(|s| !s.is_empty()).collect();
    if segs.is_empty() {
        return Err(ApiError {
            code: 405,
            errors: vec!["1 error occurred:\n\t* unsupported operation\n\n".into()],
            hints: vec![format!(
                "the mount path {} is empty once spaces and slashes are removed; give \
                 -path=NAME",
                go_quote(raw)
            )],
            explain: None,
        });
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

/// What `auth enable` asks for, already parsed from the command line.
pub struct EnableRequest {
    pub kind: String,
    pub path: String,
    pub description: String,
    pub default_lease_ttl: i64,
    pub max_lease_ttl: i64,
    pub token_type: String,
}

/// Enables a mount; Vault's checks and messages.
pub fn enable(store: &Store, req: &EnableRequest) -> Result<MountRow, ApiError> {
    // The Vault CLI sends the type as the path when `-path` is empty; the path's checks are
    // Vault's HTTP layer's, before the handler's.
    let path = checked_mount_path(if req.path.is_empty() {
        &req.kind
    } else {
        &req.path
    })?;
    match req.kind.as_str() {
        "jwt" | "oidc" => {}
        "token" => {
            return Err(ApiError::bad_request(
                "token credential backend cannot be instantiated",
            ))
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "plugin not found in the catalog: {other}"
            )))
        }
    }
    let token_type = match req.token_type.as_str() {
        "" | "default-service" => "default-service",
        "default-batch" => "default-batch",
        "service" => "service",
        "batch" => "batch",
        _ => return Err(ApiError::bad_request("invalid value for 'token_type'")),
    };
    for m in store.list_mounts()? {
        if path.starts_with(&m.path) || m.path.starts_with(&path) {
            return Err(ApiError::bad_request(format!(
                "path is already in use at {}",
                m.path
            )));
        }
    }
    let row = MountRow {
        path,
        kind: req.kind.clone(),
        accessor: format!("auth_{}_{}", req.kind, ids::random_hex(4)),
        uuid: ids::uuid(),
        description: req.description.clone(),
        default_lease_ttl: req.default_lease_ttl,
        max_lease_ttl: req.max_lease_ttl,
        token_type: token_type.into(),
    };
    store.insert_mount(&row)?;
    Ok(row)
}

/// Disables a mount (a missing one is not an error); its tokens are revoked with it.
pub fn disable(store: &Store, raw_path: &str) -> Result<String, ApiError> {
    let path = checked_mount_path(raw_path)?;
    if path == "token/" {
        return Err(ApiError::bad_request(
            "token credential backend cannot be disabled",
        ));
    }
    if let Some(m) = store.get_mount(&path)? {
        store.delete_mount(&m)?;
    }
    Ok(path)
}

/// The JSON object of `auth list -format=json`, keyed by path.
pub fn list_json(mounts: &[MountRow]) -> Map<String, Value> {
    mounts
        .iter()
        .map(|m| {
            let v = json!({
                "uuid": m.uuid,
                "type": m.kind,
                "description": m.description,
                "accessor": m.accessor,
                "config": {
                    "default_lease_ttl": m.default_lease_ttl,
                    "max_lease_ttl": m.max_lease_ttl,
                    "force_no_cache": false,
                    "token_type": m.token_type,
                },
                "options": Value::Null,
                "local": false,
                "seal_wrap": false,
                "external_entropy_access": false,
                "plugin_version": "",
                "running_plugin_version": format!("v{}+builtin.jwtvault", env!("CARGO_PKG_VERSION")),
                "running_sha256": "",
                "deprecation_status": if m.kind == "token" { "" } else { "supported" },
            });
            (m.path.clone(), v)
        })
        .collect()
}

/// `auth list -format=json`: Vault marshals a map of `api.AuthMount` structs, so the paths are
/// sorted and each mount's fields (and its config's) keep the struct's order.
pub fn list_json_node(mounts: &[MountRow]) -> Node {
    let mut sorted: Vec<&MountRow> = mounts.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let json = list_json(mounts);
    let ordered = |v: &Value, keys: &[&str]| -> Vec<(String, Node)> {
        keys.iter()
            .map(|k| {
                (
                    k.to_string(),
                    Node::Value(v.get(*k).cloned().unwrap_or(Value::Null)),
                )
            })
            .collect()
    };
    Node::Ordered(
        sorted
            .into_iter()
            .map(|m| {
                let v = json.get(&m.path).cloned().unwrap_or(Value::Null);
                let mut fields = ordered(&v, &["uuid", "type", "description", "accessor"]);
                let config = v.get("config").cloned().unwrap_or(Value::Null);
                fields.push((
                    "config".into(),
                    Node::Ordered(ordered(
                        &config,
                        &[
                            "default_lease_ttl",
                            "max_lease_ttl",
                            "force_no_cache",
                            "token_type",
                        ],
                    )),
                ));
                fields.extend(ordered(
                    &v,
                    &[
                        "options",
                        "local",
                        "seal_wrap",
                        "external_entropy_access",
                        "plugin_version",
                        "running_plugin_version",
                        "running_sha256",
                        "deprecation_status",
                    ],
                ));
                (m.path.clone(), Node::Ordered(fields))
            })
            .collect(),
    )
}

/// Rows of the `auth list` table (5 columns, or 16 with `-detailed`).
pub fn list_rows(mounts: &[MountRow], detailed: bool) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let ttl = |t: i64| {
        if t == 0 {
            "system".to_string()
        } else {
            t.to_string()
        }
    };
    let running = format!("v{}+builtin.jwtvault", env!("CARGO_PKG_VERSION"));
    if !detailed {
        let rows = mounts
            .iter()
            .map(|m| {
                vec![
                    m.path.clone(),
                    m.kind.clone(),
                    m.accessor.clone(),
                    m.description.clone(),
                    String::new(),
                ]
            })
            .collect();
        return (
            vec!["Path", "Type", "Accessor", "Description", "Version"],
            rows,
        );
    }
    let headers = vec![
        "Path",
        "Plugin",
        "Accessor",
        "Default TTL",
        "Max TTL",
        "Token Type",
        "Replication",
        "Seal Wrap",
        "External Entropy Access",
        "Options",
        "Description",
        "UUID",
        "Version",
        "Running Version",
        "Running SHA256",
        "Deprecation Status",
    ];
    let rows = mounts
        .iter()
        .map(|m| {
            vec![
                m.path.clone(),
                m.kind.clone(),
                m.accessor.clone(),
                ttl(m.default_lease_ttl),
                ttl(m.max_lease_ttl),
                m.token_type.clone(),
                "replicated".into(),
                "false".into(),
                "false".into(),
                "map[]".into(),
                m.description.clone(),
                m.uuid.clone(),
                String::new(),
                running.clone(),
                String::new(),
                if m.kind == "token" {
                    String::new()
                } else {
                    "supported".into()
                },
            ]
        })
        .collect();
    (headers, rows)
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

    #[test]
    fn mount_paths_are_sanitised() {
        assert_eq!(mount_path("jwt"), "jwt/");
        assert_eq!(mount_path("/corp/jwt//"), "corp/jwt/");
    }

    #[test]
    fn checked_mount_paths_follow_vaults_cli_and_http_layer() {
        let ok = |p: &str| checked_mount_path(p).unwrap();
        let code = |p: &str| checked_mount_path(p).unwrap_err().code;
        assert_eq!(ok("jwt"), "jwt/");
        assert_eq!(ok(" /corp//jwt/ "), "corp/jwt/");
        assert_eq!(ok("a b"), "a b/");
        assert_eq!(ok("a..b"), "a..b/");
        for p in ["", "/", " ", "//"] {
            assert_eq!(code(p), 405, "{p:?}");
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
}
