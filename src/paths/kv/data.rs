//! `P/data/<key>` (read, write, patch, delete the latest version) and `P/delete/<key>`,
//! `P/undelete/<key>`, `P/destroy/<key>` (the versions named), as OpenBao 2.7.2 answers them.

use serde_json::{Map, Value};

use super::numbers::go_numbers;
use super::{
    check_cas, custom_metadata, deletion_time, empty_404, is_deleted, max_versions, mount_config,
    now_ns, open_custom, version_metadata, written, Call, VersionsOp,
};
use crate::api::{ApiError, Response};
use crate::fields::{self, FieldError};
use crate::seal::{Binding, SealKey};
use crate::store::{KvKey, KvVersion, SecretMount};

/// `GET P/data/<key>[?version=N]`: the version's data and metadata. A missing key or version
/// is Vault's empty 404; a deleted or destroyed one is a 404 *with* the metadata and
/// `"data": null`.
pub(super) fn read(call: &Call, mount: &SecretMount, key: &str) -> Result<Response, ApiError> {
    let store = call.store;
    let asked = match call.req.data.get("version") {
        Some(v) => fields::int("version", v).map_err(|e| validation(&e))?,
        None => 0,
    };
    let Some(meta) = store.kv_key(&mount.uuid, key)? else {
        return Err(ApiError::not_found());
    };
    let number = if asked <= 0 {
        meta.current_version
    } else {
        asked
    };
    let Some(v) = store.kv_version(&mount.uuid, key, number)? else {
        return Err(ApiError::not_found());
    };
    let custom = custom_metadata(call, mount, key, &meta)?;
    let mut body = Map::new();
    body.insert(
        "metadata".into(),
        Value::Object(version_metadata(&v, &custom)),
    );
    if is_deleted(&v, now_ns(call)) || v.destroyed {
        body.insert("data".into(), Value::Null);
        return Ok(Response {
            data: Some(body),
            status: Some(404),
            ..Response::default()
        });
    }
    let sealed = v.value.as_deref().ok_or_else(|| {
        ApiError::internal(format!(
            "the data of version {number} of {}{key} is missing",
            mount.path
        ))
    })?;
    let sealer = call.ctx.seal.for_reading(store)?;
    body.insert(
        "data".into(),
        open_value(call, &sealer, mount, key, number, sealed)?,
    );
    Ok(Response {
        data: Some(body),
        ..Response::default()
    })
}

/// Opens and decodes the sealed data of one version.
fn open_value(
    call: &Call,
    sealer: &SealKey,
    mount: &SecretMount,
    key: &str,
    version: i64,
    sealed: &[u8],
) -> Result<Value, ApiError> {
    let binding = Binding::Value {
        mount_uuid: &mount.uuid,
        key,
        version,
    };
    let plain = sealer.open(&binding, sealed).ok_or_else(|| {
        call.ctx
            .seal
            .tampered(&format!("value of {}{key} version {version}", mount.path))
    })?;
    serde_json::from_slice(&plain).map_err(|e| {
        ApiError::internal(format!(
            "the data of version {version} of {}{key} is damaged: {e}",
            mount.path
        ))
    })
}

fn validation(e: &FieldError) -> ApiError {
    ApiError::bad_request(e.validation_message())
}

/// The `data` and `options` of a write or patch body. A write (a path with an existence
/// check) reports conversion errors bare, a patch with `Field validation failed: `.
fn body(call: &Call, patch: bool) -> Result<(Value, Map<String, Value>), ApiError> {
    let d = &call.req.data;
    let err = |e: FieldError| {
        if patch {
            validation(&e)
        } else {
            ApiError::bad_request(e.to_string())
        }
    };
    let Some(raw) = d.get("data") else {
        return Err(ApiError::bad_request("no data provided"));
    };
    let data = match fields::map("data", raw).map_err(err)? {
        Some(m) => Value::Object(m),
        None => Value::Null,
    };
    let options = match d.get("options") {
        Some(o) => fields::map("options", o).map_err(err)?.unwrap_or_default(),
        None => Map::new(),
    };
    Ok((go_numbers(data)?, options))
}

/// `POST|PUT P/data/<key>` `{"data": {...}, "options": {"cas": N}}`: a new version.
pub(super) fn write(call: &Call, mount: &SecretMount, key: &str) -> Result<Response, ApiError> {
    let (data, options) = body(call, false)?;
    let config = mount_config(call.store, mount)?;
    let meta = call.store.kv_key(&mount.uuid, key)?;
    let is_new = meta.is_none();
    let meta = meta.unwrap_or_default();
    check_cas(&options, &config, &meta)?;
    add_version(call, mount, key, meta, is_new, &data)
}

/// `PATCH P/data/<key>`: the current version merged with the body's `data` (JSON merge
/// patch, RFC 7386) as a new version. Vault's order: the body, the key (404 with no body),
/// check-and-set, the current version (404 with its metadata when deleted or destroyed).
pub(super) fn patch(call: &Call, mount: &SecretMount, key: &str) -> Result<Response, ApiError> {
    let (patch, options) = body(call, true)?;
    let store = call.store;
    let config = mount_config(store, mount)?;
    let Some(meta) = store.kv_key(&mount.uuid, key)? else {
        return Ok(empty_404());
    };
    check_cas(&options, &config, &meta)?;
    let Some(current) = store.kv_version(&mount.uuid, key, meta.current_version)? else {
        return Ok(empty_404());
    };
    if is_deleted(&current, now_ns(call)) || current.destroyed {
        let custom = custom_metadata(call, mount, key, &meta)?;
        return Ok(Response {
            data: Some(version_metadata(&current, &custom)),
            status: Some(404),
            ..Response::default()
        });
    }
    let sealer = call.ctx.seal.for_reading(store)?;
    let sealed = current.value.as_deref().unwrap_or_default();
    let base = open_value(call, &sealer, mount, key, current.version, sealed)?;
    let merged = merge_patch(base, &patch);
    add_version(call, mount, key, meta, false, &merged)
}

/// RFC 7386: objects merge key by key (`null` removes), anything else replaces. A target that
/// is not an object (a version whose data is `null`) merges as `{}`.
fn merge_patch(target: Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut t = match target {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            let cur = t.remove(k).unwrap_or(Value::Null);
            t.insert(k.clone(), merge_patch(cur, v));
        }
    }
    Value::Object(t)
}

/// Stores `data` as the key's next version, sealed and bound to it, prunes the versions past
/// `max_versions`, and answers with the new version's metadata.
fn add_version(
    call: &Call,
    mount: &SecretMount,
    key: &str,
    mut meta: KvKey,
    is_new: bool,
    data: &Value,
) -> Result<Response, ApiError> {
    let store = call.store;
    let config = mount_config(store, mount)?;
    let sealer = call.ctx.seal.for_writing(store)?;
    let now = now_ns(call);
    let version = meta.current_version + 1;
    let binding = Binding::Value {
        mount_uuid: &mount.uuid,
        key,
        version,
    };
    let plain = serde_json::to_vec(data).map_err(|e| ApiError::internal(e.to_string()))?;
    let v = KvVersion {
        version,
        created_time: now,
        deletion_time: deletion_time(now, &config, &meta),
        destroyed: false,
        value: Some(sealer.seal(&binding, &plain)),
    };
    store.put_kv_version(&mount.uuid, key, &v)?;
    meta.current_version = version;
    meta.updated_time = now;
    if is_new {
        meta.created_time = now;
    }
    let limit = max_versions(&config, &meta);
    if meta.current_version - meta.oldest_version >= limit {
        meta.oldest_version = meta.current_version - limit + 1;
        store.prune_kv_versions(&mount.uuid, key, meta.oldest_version)?;
    }
    store.put_kv_key(&mount.uuid, key, &meta)?;
    let custom = open_custom(call, &sealer, mount, key, &meta)?;
    Ok(written(&v, &custom))
}

/// `DELETE P/data/<key>`: the latest version is deleted now, unless it is destroyed or
/// already deleted. Always 204.
pub(super) fn delete_latest(
    call: &Call,
    mount: &SecretMount,
    key: &str,
) -> Result<Response, ApiError> {
    let store = call.store;
    let now = now_ns(call);
    if let Some(meta) = store.kv_key(&mount.uuid, key)? {
        if let Some(v) = store.kv_version(&mount.uuid, key, meta.current_version)? {
            if !v.destroyed && !is_deleted(&v, now) {
                store.mark_kv_version(&mount.uuid, key, v.version, Some(now), false)?;
            }
        }
    }
    Ok(Response::default())
}

/// Vault's `TypeCommaIntSlice` (mapstructure v2, weak): a string is split on `,`, a JSON
/// number is its text, a list is taken element by element, anything else is a one-element
/// list; each element is an int (`""`, null and false 0, true 1, a string or number parsed
/// with Go's `ParseInt`, base prefixes allowed). Every bad element is listed.
fn comma_ints(v: &Value) -> Result<Vec<i64>, ApiError> {
    let split = |s: &str| -> Vec<Value> {
        if s.is_empty() {
            Vec::new()
        } else {
            s.split(',').map(|p| Value::String(p.into())).collect()
        }
    };
    let items = match v {
        Value::Null => Vec::new(),
        Value::String(s) => split(s),
        Value::Number(n) => split(&n.to_string()),
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let mut out = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let text = match item {
            Value::Null => Some(String::new()),
            Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Array(_) | Value::Object(_) => None,
        };
        let Some(text) = text else {
            let kind = if item.is_array() {
                "[]interface {}"
            } else {
                "map[string]interface {}"
            };
            errors.push(format!(
                "'[{i}]' expected type 'int', got unconvertible type '{kind}'"
            ));
            continue;
        };
        if text.is_empty() {
            out.push(0);
            continue;
        }
        match fields::go_parse_int(&text) {
            Ok(n) => out.push(n),
            Err(e) => errors.push(format!(
                "'[{i}]' cannot parse value as 'int': strconv.ParseInt: {e}"
            )),
        }
    }
    if errors.is_empty() {
        return Ok(out);
    }
    Err(ApiError::bad_request(format!(
        "Field validation failed: error converting input for field \"versions\": decoding \
         failed due to the following error(s):\n\n{}",
        errors.join("\n")
    )))
}

/// `PUT P/delete|undelete|destroy/<key>` `{"versions": [...]}`: each version named that
/// exists and is not destroyed is deleted now (unless already deleted), undeleted (its
/// deletion time cleared, or set anew by `delete_version_after`) or destroyed (its data
/// removed, its deletion time kept). Missing keys and versions are no error: always 204.
pub(super) fn versions(
    call: &Call,
    mount: &SecretMount,
    key: &str,
    which: VersionsOp,
) -> Result<Response, ApiError> {
    let store = call.store;
    let raw = call.req.data.get("versions").unwrap_or(&Value::Null);
    let versions = comma_ints(raw)?;
    if versions.is_empty() {
        return Err(ApiError::bad_request(match which {
            VersionsOp::Destroy => "no version number provided",
            _ => "No version number provided",
        }));
    }
    let Some(meta) = store.kv_key(&mount.uuid, key)? else {
        return Ok(Response::default());
    };
    let config = mount_config(store, mount)?;
    let now = now_ns(call);
    for n in versions {
        let Some(v) = store.kv_version(&mount.uuid, key, n)? else {
            continue;
        };
        if v.destroyed {
            continue;
        }
        match which {
            VersionsOp::Delete if !is_deleted(&v, now) => {
                store.mark_kv_version(&mount.uuid, key, n, Some(now), false)?
            }
            VersionsOp::Delete => {}
            VersionsOp::Undelete => {
                let when = deletion_time(now, &config, &meta);
                store.mark_kv_version(&mount.uuid, key, n, when, false)?
            }
            VersionsOp::Destroy => {
                store.mark_kv_version(&mount.uuid, key, n, v.deletion_time, true)?
            }
        }
    }
    Ok(Response::default())
}
