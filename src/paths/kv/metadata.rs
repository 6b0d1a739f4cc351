//! `P/metadata/<key>`: read, write (POST/PUT), patch, delete, and list a folder, as OpenBao
//! 2.7.2 answers them (OpenBao's field set: `current_metadata_version`,
//! `metadata_cas_required` and the `metadata_cas` parameter included).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::{
    as_u32, custom_metadata, duration_text, empty_404, key_list, mount_config, now_ns, response,
    rfc3339_ns, version_times, Call,
};
use crate::api::{ApiError, Response};
use crate::fields::{self, FieldError};
use crate::gofmt::{go_is_print, go_quote};
use crate::seal::Binding;
use crate::store::{KvConfig, KvKey, SecretMount};

/// `GET P/metadata/<key>`: the key's metadata and every version kept.
pub(super) fn read(call: &Call, mount: &SecretMount, key: &str) -> Result<Response, ApiError> {
    let store = call.store;
    let Some(meta) = store.kv_key(&mount.uuid, key)? else {
        return Err(ApiError::not_found());
    };
    let versions: Map<String, Value> = store
        .kv_versions(&mount.uuid, key)?
        .iter()
        .map(|v| (v.version.to_string(), version_times(v)))
        .collect();
    let custom = custom_metadata(call, mount, key, &meta)?;
    let body = json!({
        "cas_required": meta.cas_required,
        "created_time": rfc3339_ns(meta.created_time),
        "current_metadata_version": meta.current_metadata_version,
        "current_version": meta.current_version,
        "custom_metadata": custom,
        "delete_version_after": duration_text(meta.delete_version_after),
        "max_versions": meta.max_versions,
        "metadata_cas_required": meta.metadata_cas_required,
        "oldest_version": meta.oldest_version,
        "updated_time": rfc3339_ns(meta.updated_time),
        "versions": versions,
    });
    match body {
        Value::Object(m) => Ok(response(m)),
        _ => Err(ApiError::internal("metadata is not an object")),
    }
}

/// `LIST P/metadata[/<folder>]`: the keys and subfolders (`x/`) directly under the folder,
/// sorted bytewise; Vault's empty 404 when there are none (a missing folder, a leaf, an empty
/// mount). Deleted and destroyed keys are listed: only a metadata delete removes a key.
pub(super) fn list(call: &Call, mount: &SecretMount, folder: &str) -> Result<Response, ApiError> {
    let prefix = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    let mut names = BTreeSet::new();
    for k in call.store.kv_keys_under(&mount.uuid, &prefix)? {
        let Some(rest) = k.strip_prefix(&prefix) else {
            continue;
        };
        match rest.split_once('/') {
            Some((dir, _)) => names.insert(format!("{dir}/")),
            None => names.insert(rest.to_string()),
        };
    }
    key_list(names.into_iter().collect())
}

/// `DELETE P/metadata/<key>`: the key, its metadata and every version. Always 204.
pub(super) fn delete(call: &Call, mount: &SecretMount, key: &str) -> Result<Response, ApiError> {
    call.store.delete_kv_key(&mount.uuid, key)?;
    Ok(Response::default())
}

/// The fields a metadata write or patch may carry (present or not).
#[derive(Default)]
struct Fields {
    cas_required: Option<bool>,
    /// `Some(None)`: given as null.
    custom_metadata: Option<Option<Map<String, Value>>>,
    delete_version_after: Option<i64>,
    max_versions: Option<i64>,
    metadata_cas: Option<i64>,
    metadata_cas_required: Option<bool>,
}

impl Fields {
    /// The body's fields. OpenBao converts them in a random order; jwtvault in the order of
    /// their names. A write (existence check) reports errors bare, a patch with
    /// `Field validation failed: `.
    fn parse(d: &Map<String, Value>, patch: bool) -> Result<Fields, ApiError> {
        let err = |e: FieldError| {
            ApiError::bad_request(if patch {
                e.validation_message()
            } else {
                e.to_string()
            })
        };
        let mut f = Fields::default();
        if let Some(v) = d.get("cas_required") {
            f.cas_required = Some(fields::bool("cas_required", v).map_err(err)?);
        }
        if let Some(v) = d.get("custom_metadata") {
            f.custom_metadata = Some(fields::map("custom_metadata", v).map_err(err)?);
        }
        if let Some(v) = d.get("delete_version_after") {
            f.delete_version_after =
                fields::duration_seconds("delete_version_after", v).map_err(err)?;
        }
        if let Some(v) = d.get("max_versions") {
            f.max_versions = Some(as_u32(fields::int("max_versions", v).map_err(err)?));
        }
        if let Some(v) = d.get("metadata_cas") {
            f.metadata_cas = Some(fields::int("metadata_cas", v).map_err(err)?);
        }
        if let Some(v) = d.get("metadata_cas_required") {
            f.metadata_cas_required = Some(fields::bool("metadata_cas_required", v).map_err(err)?);
        }
        Ok(f)
    }

    /// Whether the body changes anything: `metadata_cas` alone does not, nor a null
    /// `delete_version_after` (Vault's duration field counts null as not given).
    fn changes(d: &Map<String, Value>) -> bool {
        [
            "max_versions",
            "cas_required",
            "custom_metadata",
            "metadata_cas_required",
        ]
        .iter()
        .any(|k| d.contains_key(*k))
            || d.get("delete_version_after").is_some_and(|v| !v.is_null())
    }

    /// Sets what was given on `meta` (custom metadata apart).
    fn apply(&self, meta: &mut KvKey) {
        if let Some(b) = self.cas_required {
            meta.cas_required = b;
        }
        if let Some(s) = self.delete_version_after {
            meta.delete_version_after = s;
        }
        if let Some(n) = self.max_versions {
            meta.max_versions = n;
        }
        if let Some(b) = self.metadata_cas_required {
            meta.metadata_cas_required = b;
        }
    }

    /// Vault's warning when a key asks not to require check-and-set that the mount requires.
    fn warnings(&self, config: &KvConfig) -> Vec<String> {
        if config.cas_required && self.cas_required == Some(false) {
            return vec![
                "\"cas_required\" set to false, but is mandated by backend config. This value \
                 will be ignored."
                    .into(),
            ];
        }
        Vec::new()
    }
}

/// The metadata check-and-set rule: `metadata_cas`, when given, must be 0 for a new key and
/// the current metadata version for an existing one; the key's or the mount's
/// `metadata_cas_required` makes it mandatory.
fn check_metadata_cas(
    given: Option<i64>,
    config: &KvConfig,
    meta: Option<&KvKey>,
) -> Result<(), ApiError> {
    let required = config.metadata_cas_required || meta.is_some_and(|m| m.metadata_cas_required);
    let msg = match (given, meta) {
        (Some(c), None) if c != 0 => "metadata_cas must be 0 when creating new metadata",
        (Some(c), Some(m)) if c != m.current_metadata_version => {
            "metadata check-and-set parameter does not match the current version"
        }
        (None, _) if required => "metadata check-and-set parameter required for this call",
        _ => return Ok(()),
    };
    Err(ApiError::bad_request(msg))
}

const VALIDATION: &str = "custom_metadata validation failed";

/// The custom metadata as strings (mapstructure's weak decoding: numbers by their text, bools
/// `1`/`0`, null `""`); a list or an object is refused.
fn custom_strings(m: &Map<String, Value>) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    for (k, v) in m {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
            Value::Null => String::new(),
            Value::Array(_) | Value::Object(_) => {
                let kind = if v.is_array() {
                    "[]interface {}"
                } else {
                    "map[string]interface {}"
                };
                return Err(ApiError::bad_request(format!(
                    "{VALIDATION}: '' expected type 'string', got unconvertible type '{kind}'"
                )));
            }
        };
        out.insert(k.clone(), s);
    }
    Ok(out)
}

/// Vault's limits on custom metadata: at most 64 keys; each key 1-128 bytes and each value
/// 1-512 bytes, printable. Every violation is listed (keys in byte order), as a go-multierror.
fn validate_custom(m: &BTreeMap<String, String>) -> Result<(), ApiError> {
    let mut errs = Vec::new();
    if m.len() > 64 {
        errs.push(format!(
            "{VALIDATION}: payload must contain at most 64 keys, provided {}",
            m.len()
        ));
    } else {
        for (k, v) in m {
            if k.is_empty() || k.len() > 128 {
                errs.push(format!(
                    "{VALIDATION}: length of key {} is {} but must be 0 < len(key) <= 128",
                    go_quote(k),
                    k.len()
                ));
            }
            if v.is_empty() || v.len() > 512 {
                errs.push(format!(
                    "{VALIDATION}: length of value for key {} is {} but must be 0 < len(value) \
                     <= 512",
                    go_quote(k),
                    v.len()
                ));
            }
            if !k.chars().all(go_is_print) {
                errs.push(format!(
                    "{VALIDATION}: key {} ({k}) contains unprintable characters",
                    go_quote(k)
                ));
            }
            if !v.chars().all(go_is_print) {
                errs.push(format!(
                    "{VALIDATION}: value for key {} contains unprintable characters",
                    go_quote(k)
                ));
            }
        }
    }
    if errs.is_empty() {
        return Ok(());
    }
    let head = match errs.len() {
        1 => "1 error occurred:".to_string(),
        n => format!("{n} errors occurred:"),
    };
    let lines: String = errs.iter().map(|e| format!("\n\t* {e}")).collect();
    Err(ApiError::bad_request(format!("{head}{lines}\n\n")))
}

/// Seals the custom metadata for the key (`None` when empty, shown as `null`).
fn seal_custom(
    call: &Call,
    mount: &SecretMount,
    key: &str,
    custom: &BTreeMap<String, String>,
) -> Result<Option<Vec<u8>>, ApiError> {
    if custom.is_empty() {
        return Ok(None);
    }
    let sealer = call.ctx.seal.for_writing(call.store)?;
    let plain = serde_json::to_vec(custom).map_err(|e| ApiError::internal(e.to_string()))?;
    let binding = Binding::CustomMetadata {
        mount_uuid: &mount.uuid,
        key,
    };
    Ok(Some(sealer.seal(&binding, &plain)))
}

/// The response of a metadata write: 204, or 200 with only the warnings.
fn done(warnings: Vec<String>) -> Response {
    Response {
        warnings,
        ..Response::default()
    }
}

/// `POST|PUT P/metadata/<key>`: creates the key's metadata (current version 0, metadata
/// version 1) or changes it (metadata version + 1); only the fields given change, and
/// `custom_metadata` replaces the whole map. A body with none of the fields is a no-op.
pub(super) fn write(call: &Call, mount: &SecretMount, key: &str) -> Result<Response, ApiError> {
    let (store, d) = (call.store, &call.req.data);
    let f = Fields::parse(d, false)?;
    let custom = match &f.custom_metadata {
        Some(m) => {
            let strings = custom_strings(&m.clone().unwrap_or_default())?;
            validate_custom(&strings)?;
            Some(strings)
        }
        None => None,
    };
    if !Fields::changes(d) {
        return Ok(Response::default());
    }
    let config = mount_config(store, mount)?;
    let warnings = f.warnings(&config);
    let existing = store.kv_key(&mount.uuid, key)?;
    check_metadata_cas(f.metadata_cas, &config, existing.as_ref())?;
    let now = now_ns(call);
    let mut meta = match existing {
        Some(mut m) => {
            m.current_metadata_version += 1;
            m.updated_time = now;
            m
        }
        None => KvKey {
            current_metadata_version: 1,
            created_time: now,
            updated_time: now,
            ..KvKey::default()
        },
    };
    f.apply(&mut meta);
    if let Some(custom) = &custom {
        meta.custom_metadata = seal_custom(call, mount, key, custom)?;
    }
    store.put_kv_key(&mount.uuid, key, &meta)?;
    Ok(done(warnings))
}

/// `PATCH P/metadata/<key>`: a JSON merge patch of the metadata. `custom_metadata` merges key
/// by key (`null` removes one, a `null` map removes all); `max_versions`, `cas_required` and
/// `metadata_cas_required` given as null become 0/false; a null `delete_version_after`
/// changes nothing (as in OpenBao). A body with no field is a no-op, even for a missing key;
/// otherwise a missing key is a 404 with no body.
pub(super) fn patch(call: &Call, mount: &SecretMount, key: &str) -> Result<Response, ApiError> {
    let (store, d) = (call.store, &call.req.data);
    let f = Fields::parse(d, true)?;
    if !Fields::changes(d) {
        return Ok(Response::default());
    }
    let Some(mut meta) = store.kv_key(&mount.uuid, key)? else {
        return Ok(empty_404());
    };
    let custom = match &f.custom_metadata {
        None => None,
        Some(None) => Some(BTreeMap::new()),
        Some(Some(patch)) => {
            let current = match custom_metadata(call, mount, key, &meta)? {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            let mut merged = current;
            for (k, v) in patch {
                if v.is_null() {
                    merged.remove(k);
                } else {
                    merged.insert(k.clone(), v.clone());
                }
            }
            let strings = custom_strings(&merged)?;
            validate_custom(&strings)?;
            Some(strings)
        }
    };
    let config = mount_config(store, mount)?;
    let warnings = f.warnings(&config);
    check_metadata_cas(f.metadata_cas, &config, Some(&meta))?;
    f.apply(&mut meta);
    if let Some(custom) = &custom {
        meta.custom_metadata = seal_custom(call, mount, key, custom)?;
    }
    meta.current_metadata_version += 1;
    meta.updated_time = now_ns(call);
    store.put_kv_key(&mount.uuid, key, &meta)?;
    Ok(done(warnings))
}
