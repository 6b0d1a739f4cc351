//! Vault's KV version 2 secrets engine (contract §9), as OpenBao 2.7.2 serves it: the paths
//! `P/data/<key>`, `P/metadata/<key>`, `P/delete/<key>`, `P/undelete/<key>`,
//! `P/destroy/<key>` and `P/config` of every KV mount `P/`, with Vault's fields, checks, order
//! of checks and messages (the captures are in the project notes' kv.md, §3).
//!
//! Secret values and custom metadata are stored sealed (`seal.rs`), each bound to its mount,
//! key and version. Times are kept in Unix nanoseconds and shown as Go's RFC 3339 with
//! nanoseconds. "Deleted" is evaluated at every read (`deletion_time <= now`), so
//! `delete_version_after` needs no timer.
//!
//! The modules: [`data`] (`data/`, `delete/`, `undelete/`, `destroy/`), [`metadata`]
//! (`metadata/`, its list) and [`config`]. Their ACL operations are decided by the router with
//! [`Target::exists`] (a write to `data/` or `metadata/` is `create` or `update`).

mod config;
mod data;
mod metadata;
mod numbers;

use serde_json::{json, Map, Value};

use crate::api::{ApiError, Operation, Response};
use crate::fields;
use crate::paths::mounts::check_request_path;
use crate::paths::sys_mounts;
use crate::seal::{Binding, SealKey};
use crate::store::{KvConfig, KvKey, KvVersion, SecretMount, Store};

pub(crate) use crate::paths::{data as response, keys as key_list, Call};

/// What a request path under a KV mount names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `P/data/<key>`.
    Data(String),
    /// `P/metadata/<key>`; an empty key is the mount's root folder (list only).
    Metadata(String),
    /// `P/delete/<key>`, `P/undelete/<key>`, `P/destroy/<key>`.
    Versions(VersionsOp, String),
    /// `P/config`.
    Config,
    /// `P/data`, `P/delete`, `P/undelete`, `P/destroy` (and `P/metadata` but to list).
    Root(&'static str),
    /// Anything else under the mount, the mount itself included.
    Invalid,
}

/// What `P/delete|undelete|destroy/<key>` does to the versions named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionsOp {
    Delete,
    Undelete,
    Destroy,
}

/// A request to a KV mount: the mount and what under it.
#[derive(Debug)]
pub struct Target {
    pub mount: SecretMount,
    pub route: Route,
}

impl Target {
    /// Vault's existence check: `Some(whether the key has metadata)` for the paths that have
    /// one (`data/<key>`, `metadata/<key>`), `None` for the others (their writes are always
    /// `update`).
    pub fn exists(&self, store: &Store) -> Result<Option<bool>, ApiError> {
        match &self.route {
            Route::Data(k) | Route::Metadata(k) if !k.is_empty() => {
                Ok(Some(store.kv_key_exists(&self.mount.uuid, k)?))
            }
            _ => Ok(None),
        }
    }
}

/// The KV target of a request path (`None`: no KV mount serves it). The part under the mount
/// is checked as Vault's HTTP layer checks a path (printable, no `.` or `..` segment:
/// `relative paths not supported`); empty segments are dropped, as the server's redirect to
/// the cleaned path does.
pub fn resolve(store: &Store, path: &str) -> Result<Option<Target>, ApiError> {
    let Some(mount) = sys_mounts::mount_for(store, path)? else {
        return Ok(None);
    };
    if mount.kind != "kv" {
        return Ok(None);
    }
    // `P` itself (no slash) is shorter than the mount path `P/`: nothing under it.
    let rest = path.get(mount.path.len()..).unwrap_or("");
    check_request_path("secret path", rest)?;
    let rest = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    let (head, key) = match rest.split_once('/') {
        Some((h, k)) => (h, Some(k.to_string())),
        None => (rest.as_str(), None),
    };
    let route = match (head, key) {
        ("config", None) => Route::Config,
        ("data", Some(k)) => Route::Data(k),
        ("metadata", Some(k)) => Route::Metadata(k),
        ("metadata", None) => Route::Metadata(String::new()),
        ("delete", Some(k)) => Route::Versions(VersionsOp::Delete, k),
        ("undelete", Some(k)) => Route::Versions(VersionsOp::Undelete, k),
        ("destroy", Some(k)) => Route::Versions(VersionsOp::Destroy, k),
        ("data", None) => Route::Root("data"),
        ("delete", None) => Route::Root("delete"),
        ("undelete", None) => Route::Root("undelete"),
        ("destroy", None) => Route::Root("destroy"),
        _ => Route::Invalid,
    };
    Ok(Some(Target { mount, route }))
}

/// Serves a request to a KV mount.
pub fn handle(call: &Call, target: Target) -> Result<Response, ApiError> {
    let op = call.req.operation;
    let m = &target.mount;
    match (target.route, op) {
        (Route::Data(k), Operation::Read) => data::read(call, m, &k),
        (Route::Data(k), Operation::Write) => data::write(call, m, &k),
        (Route::Data(k), Operation::Patch) => data::patch(call, m, &k),
        (Route::Data(k), Operation::Delete) => data::delete_latest(call, m, &k),
        (Route::Metadata(k), Operation::List) => metadata::list(call, m, &k),
        (Route::Metadata(k), _) if k.is_empty() => Ok(root_warning()),
        (Route::Metadata(k), Operation::Read) => metadata::read(call, m, &k),
        (Route::Metadata(k), Operation::Write) => metadata::write(call, m, &k),
        (Route::Metadata(k), Operation::Patch) => metadata::patch(call, m, &k),
        (Route::Metadata(k), Operation::Delete) => metadata::delete(call, m, &k),
        (Route::Versions(which, k), Operation::Write) => data::versions(call, m, &k, which),
        (Route::Config, Operation::Read) => config::read(call, m),
        (Route::Config, Operation::Write) => config::write(call, m),
        (Route::Config, Operation::List) | (Route::Invalid, _) => Ok(invalid_path(op)),
        (Route::Root(_), Operation::List) => Err(ApiError::unsupported_operation()),
        (Route::Root(_), _) => Ok(root_warning()),
        _ => Err(ApiError::unsupported_operation()),
    }
}

/// A 404 whose body carries only warnings (Vault's `RespondWithStatusCode`).
fn warning_404(msg: String) -> Response {
    Response {
        warnings: vec![msg],
        status: Some(404),
        ..Response::default()
    }
}

/// The answer on the roots `data`, `delete`, `undelete`, `destroy` (and `metadata`, but to a
/// list).
fn root_warning() -> Response {
    warning_404("Non-listing operations on the root of a K/V v2 mount are not supported.".into())
}

/// The answer on a path the engine does not serve, naming the `vault kv` subcommand for the
/// operation (Vault's words; OpenBao says `OpenBao CLI` and `bao kv`).
fn invalid_path(op: Operation) -> Response {
    let sub = match op {
        Operation::Read => "get",
        Operation::Write => "put",
        Operation::Patch => "patch",
        Operation::List => "list",
        Operation::Delete => "delete",
    };
    warning_404(format!(
        "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate \
         API endpoints to use. If using the Vault CLI, use 'vault kv {sub}' for this operation."
    ))
}

/// A 404 with an empty body (PATCH of a key that does not exist).
fn empty_404() -> Response {
    Response {
        status: Some(404),
        ..Response::default()
    }
}

/// The request's time in Unix nanoseconds (the whole seconds and the fraction converted
/// apart, so that a time with a short fraction keeps it exactly).
fn now_ns(call: &Call) -> i64 {
    let secs = call.ctx.now.floor();
    let frac = ((call.ctx.now - secs) * 1e9).round() as i64;
    (secs as i64)
        .saturating_mul(1_000_000_000)
        .saturating_add(frac)
}

/// Go's `time.RFC3339Nano` in UTC of a Unix time in nanoseconds (trailing zeros of the
/// fraction dropped, none for a whole second).
pub fn rfc3339_ns(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let frac = ns.rem_euclid(1_000_000_000);
    let whole = crate::token::rfc3339(secs as f64);
    if frac == 0 {
        return whole;
    }
    let digits = format!("{frac:09}");
    format!(
        "{}.{}Z",
        whole.trim_end_matches('Z'),
        digits.trim_end_matches('0')
    )
}

/// A time as the engine shows it: RFC 3339, or `""` when unset.
fn time_text(ns: Option<i64>) -> String {
    ns.map(rfc3339_ns).unwrap_or_default()
}

/// Whether a version is deleted at `now` (its deletion time has come).
fn is_deleted(v: &KvVersion, now: i64) -> bool {
    v.deletion_time.is_some_and(|t| t <= now)
}

/// A mount's config (all zero when never written).
fn mount_config(store: &Store, mount: &SecretMount) -> Result<KvConfig, ApiError> {
    Ok(store.kv_config(&mount.uuid)?.unwrap_or_default())
}

/// The deletion time of a version created (or undeleted) at `now`: the shorter non-zero of
/// the mount's and the key's `delete_version_after`; none when the mount's is negative.
fn deletion_time(now: i64, config: &KvConfig, key: &KvKey) -> Option<i64> {
    let (mount, meta) = (config.delete_version_after, key.delete_version_after);
    let secs = match (mount, meta) {
        (m, _) if m < 0 => return None,
        (0, 0) => return None,
        (0, k) => k,
        (m, 0) => m,
        (m, k) => m.min(k),
    };
    Some(now.saturating_add(secs.saturating_mul(1_000_000_000)))
}

/// The metadata of one version, as `metadata/` lists it.
fn version_times(v: &KvVersion) -> Value {
    json!({
        "created_time": rfc3339_ns(v.created_time),
        "deletion_time": time_text(v.deletion_time),
        "destroyed": v.destroyed,
    })
}

/// What a data read, write or patch says about a version: its times, whether it is
/// destroyed, its number, and the key's custom metadata.
fn version_metadata(v: &KvVersion, custom: &Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("created_time".into(), json!(rfc3339_ns(v.created_time)));
    m.insert("custom_metadata".into(), custom.clone());
    m.insert("deletion_time".into(), json!(time_text(v.deletion_time)));
    m.insert("destroyed".into(), json!(v.destroyed));
    m.insert("version".into(), json!(v.version));
    m
}

/// A key's custom metadata (`null` when none), opened with `key`.
fn open_custom(
    call: &Call,
    sealer: &SealKey,
    mount: &SecretMount,
    key: &str,
    meta: &KvKey,
) -> Result<Value, ApiError> {
    let Some(sealed) = &meta.custom_metadata else {
        return Ok(Value::Null);
    };
    let binding = Binding::CustomMetadata {
        mount_uuid: &mount.uuid,
        key,
    };
    let plain = sealer.open(&binding, sealed).ok_or_else(|| {
        call.ctx
            .seal
            .tampered(&format!("custom metadata of {}{key}", mount.path))
    })?;
    serde_json::from_slice(&plain).map_err(|e| {
        ApiError::internal(format!(
            "the custom metadata of {}{key} is damaged: {e}",
            mount.path
        ))
    })
}

/// A key's custom metadata, opening it with the state's key only when there is some.
fn custom_metadata(
    call: &Call,
    mount: &SecretMount,
    key: &str,
    meta: &KvKey,
) -> Result<Value, ApiError> {
    if meta.custom_metadata.is_none() {
        return Ok(Value::Null);
    }
    let sealer = call.ctx.seal.for_reading(call.store)?;
    open_custom(call, &sealer, mount, key, meta)
}

/// The check-and-set rule of data writes (`options.cas`, else the key's or the mount's
/// `cas_required`).
fn check_cas(
    options: &Map<String, Value>,
    config: &KvConfig,
    meta: &KvKey,
) -> Result<(), ApiError> {
    match options.get("cas") {
        Some(raw) => {
            let cas = fields::int("cas", raw)
                .map_err(|_| ApiError::bad_request("error parsing check-and-set parameter"))?;
            // Vault compares `uint64(cas)`: a negative value never matches.
            if cas < 0 || cas != meta.current_version {
                return Err(ApiError::bad_request(
                    "check-and-set parameter did not match the current version",
                ));
            }
            Ok(())
        }
        None if config.cas_required || meta.cas_required => Err(ApiError::bad_request(
            "check-and-set parameter required for this call",
        )),
        None => Ok(()),
    }
}

/// The effective `max_versions`: the larger of the key's and the mount's, or 10.
fn max_versions(config: &KvConfig, meta: &KvKey) -> i64 {
    match config.max_versions.max(meta.max_versions) {
        0 => 10,
        n => n,
    }
}

/// Vault's `uint32` conversion of an integer field (`-1` is 4294967295).
fn as_u32(n: i64) -> i64 {
    i64::from(n as u32)
}

/// Go's `time.Duration` text of whole seconds (`0s`, `1h30m0s`, `-1s`).
fn duration_text(secs: i64) -> String {
    crate::gofmt::go_duration(secs)
}

/// The response of a data write or patch: the new version's metadata.
fn written(v: &KvVersion, custom: &Value) -> Response {
    response(version_metadata(v, custom))
}

#[cfg(test)]
mod tests;
