//! `kv metadata get|put|patch|delete`: `<mount>/metadata/<path>`, as the Vault CLI sends and
//! prints it.

use serde_json::{Map, Value};

use super::{expect_args, refused_by_status, Run};
use super::{locate, send};
use crate::api::{Operation, Response};
use crate::cli::{KvMetadataPutArgs, KvMountArgs};
use crate::commands::secrets::{go_bool_flag, go_duration_flag, go_int_flag, go_map_flag};
use crate::error::Error;
use crate::gofmt::go_duration_nanos;
use crate::output::kv::{metadata_head, version_section};
use crate::output::printer::Success;
use crate::output::{secret_table, Format};

const V1: &str = "Metadata not supported on KV Version 1";

/// `kv metadata get [-mount=M] PATH`: the key's fields, then each version's times in
/// ascending order.
pub(super) fn get(run: &Run, a: KvMountArgs) -> Result<(), Error> {
    expect_args(&a.args, 1, 1)?;
    let loc = locate(run, &a.mount, &a.args[0])?;
    if !loc.v2 {
        return Err(Error::Usage(V1.into()));
    }
    let full = loc.api_path("metadata");
    let secret = match send(run, Operation::Read, &full, Map::new())? {
        Ok(r) if r.status.is_some_and(|c| c >= 400) => {
            let carries = !r.warnings.is_empty() || r.data.as_ref().is_some_and(|d| !d.is_empty());
            carries.then_some(r)
        }
        Ok(r) => Some(r),
        Err(e) if e.code == 404 => None,
        Err(e) => return Err(Error::api(format!("Error reading {full}"), e)),
    };
    let Some(mut secret) = secret else {
        return Err(Error::Failed(format!("No value found at {full}")));
    };
    if run.format != Format::Table {
        run.printer.secret(&secret);
        return Ok(());
    }
    let versions = match secret.data.as_mut().and_then(|d| d.remove("versions")) {
        Some(v) if !v.is_null() => v,
        _ => {
            return Err(Error::WithSecret {
                error: Box::new(Error::Failed(format!("No value found at {full}"))),
                secret: Box::new(secret),
            })
        }
    };
    let fields = secret.data.clone().unwrap_or_default();
    run.printer.stdout(&metadata_head(&full, &fields));
    run.printer.warnings(&secret);
    run.printer.stdout(&secret_table(&secret));
    let versions = versions.as_object().cloned().unwrap_or_default();
    let mut numbers = Vec::new();
    for k in versions.keys() {
        match k.parse::<i64>() {
            Ok(n) => numbers.push(n),
            Err(_) => return Err(Error::Failed(format!("Error parsing version {k}"))),
        }
    }
    numbers.sort_unstable();
    for n in numbers {
        let times = versions
            .get(&n.to_string())
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        run.printer.stdout(&version_section(n, &times));
    }
    Ok(())
}

/// `kv metadata put|patch [-mount=M] [-max-versions=N] [-cas-required[=B]]
/// [-delete-version-after=D] [-custom-metadata=K=V…] [-remove-custom-metadata=K…] PATH`:
/// `PUT` (or `PATCH`, which always sends `custom_metadata`) of `<mount>/metadata/<path>` with
/// the fields given.
pub(super) fn put(
    run: &Run,
    a: KvMetadataPutArgs,
    remove: Vec<String>,
    patch: bool,
) -> Result<(), Error> {
    let max_versions = go_int_flag("max-versions", a.max_versions.as_deref(), -1)?;
    let cas_required = match a.cas_required.as_deref() {
        Some(v) => Some(go_bool_flag("cas-required", Some(v))?),
        None => None,
    };
    let after = go_duration_flag(
        "delete-version-after",
        a.delete_version_after.as_deref(),
        -1,
    )?;
    let mut custom = go_map_flag("custom-metadata", &a.custom_metadata)?;
    expect_args(&a.args, 1, 1)?;
    let loc = locate(run, &a.mount, &a.args[0])?;
    if !loc.v2 {
        return Err(Error::Usage(V1.into()));
    }
    let full = loc.api_path("metadata");
    let mut body = Map::new();
    if max_versions >= 0 {
        body.insert("max_versions".into(), Value::from(max_versions));
    }
    if after >= 0 {
        body.insert(
            "delete_version_after".into(),
            Value::String(go_duration_nanos(after)),
        );
    }
    if let Some(b) = cas_required {
        body.insert("cas_required".into(), Value::Bool(b));
    }
    if patch {
        // A null in a JSON merge patch removes the key.
        for k in remove {
            custom.insert(k.trim().to_string(), Value::Null);
        }
        body.insert("custom_metadata".into(), Value::Object(custom));
    } else if !custom.is_empty() {
        body.insert("custom_metadata".into(), Value::Object(custom));
    }
    let op = if patch {
        Operation::Patch
    } else {
        Operation::Write
    };
    let context = format!("Error writing data to {full}");
    let resp = send(run, op, &full, body)?.map_err(|e| Error::api(&context, e))?;
    let resp = refused_by_status(&context, resp, true)?;
    if is_empty(&resp) {
        if run.format == Format::Table {
            run.printer.success(Success::DataWritten { path: full });
        }
        return Ok(());
    }
    run.printer.secret(&resp);
    Ok(())
}

/// Vault's nil secret: an answer without a body.
fn is_empty(resp: &Response) -> bool {
    resp.data.is_none() && resp.auth.is_none() && resp.warnings.is_empty()
}

/// `kv metadata delete [-mount=M] PATH`: `DELETE <mount>/metadata/<path>`; every version and
/// the key go.
pub(super) fn delete(run: &Run, a: KvMountArgs) -> Result<(), Error> {
    expect_args(&a.args, 1, 1)?;
    let loc = locate(run, &a.mount, &a.args[0])?;
    if !loc.v2 {
        return Err(Error::Usage(V1.into()));
    }
    let full = loc.api_path("metadata");
    let context = format!("Error deleting {full}");
    let resp =
        send(run, Operation::Delete, &full, Map::new())?.map_err(|e| Error::api(&context, e))?;
    refused_by_status(&context, resp, true)?;
    // Printed whatever the format, as the Vault CLI does.
    run.printer.success(Success::DataDeleted { path: full });
    Ok(())
}
