//! `sys/auth`: enabling, disabling and listing auth mounts (`auth enable|disable|list`).
//!
//! The `token/` mount always exists (created with the state file). Only `jwt` and `oidc` can be
//! enabled: both are the JWT auth method, as in Vault.

use serde_json::{json, Map, Value};

use crate::api::ApiError;
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
    let path = mount_path(&req.path);
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
    let path = mount_path(raw_path);
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
}
