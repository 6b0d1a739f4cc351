//! `P/config`: the mount's `max_versions`, `cas_required`, `delete_version_after` and
//! `metadata_cas_required` (read and write; no existence check, so a write is `update`).

use serde_json::{json, Value};

use super::{as_u32, duration_text, mount_config, response, Call};
use crate::api::{ApiError, Response};
use crate::fields::{self, FieldError};
use crate::store::SecretMount;

/// `GET P/config`.
pub(super) fn read(call: &Call, mount: &SecretMount) -> Result<Response, ApiError> {
    let c = mount_config(call.store, mount)?;
    let body = json!({
        "cas_required": c.cas_required,
        "delete_version_after": duration_text(c.delete_version_after),
        "max_versions": c.max_versions,
        "metadata_cas_required": c.metadata_cas_required,
    });
    match body {
        Value::Object(m) => Ok(response(m)),
        _ => Err(ApiError::internal("config is not an object")),
    }
}

fn validation(e: FieldError) -> ApiError {
    ApiError::bad_request(e.validation_message())
}

/// `POST|PUT P/config`: the fields given change (checked in the order of their names); a
/// negative `delete_version_after` turns automatic deletion off for the whole mount (read back
/// as `-1s`). Always 204.
pub(super) fn write(call: &Call, mount: &SecretMount) -> Result<Response, ApiError> {
    let d = &call.req.data;
    let mut c = mount_config(call.store, mount)?;
    if let Some(v) = d.get("cas_required") {
        c.cas_required = fields::bool("cas_required", v).map_err(validation)?;
    }
    if let Some(v) = d.get("delete_version_after") {
        if let Some(secs) =
            fields::signed_duration_seconds("delete_version_after", v).map_err(validation)?
        {
            c.delete_version_after = if secs < 0 { -1 } else { secs };
        }
    }
    if let Some(v) = d.get("max_versions") {
        c.max_versions = as_u32(fields::int("max_versions", v).map_err(validation)?);
    }
    if let Some(v) = d.get("metadata_cas_required") {
        c.metadata_cas_required = fields::bool("metadata_cas_required", v).map_err(validation)?;
    }
    call.store.put_kv_config(&mount.uuid, &c)?;
    Ok(Response::default())
}
