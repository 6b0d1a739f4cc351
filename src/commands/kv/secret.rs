//! `kv get`, `kv put` and `kv patch`: a secret's data (`GET`, `PUT`, `PATCH` of
//! `<mount>/data/<path>` on version 2, the path itself on version 1), printed as the Vault CLI
//! prints them.

use serde_json::{json, Map, Value};

use super::{build_data, expect_args, refused_by_status, Run};
use super::{locate, locate_from, map_field, read_secret, send, Located};
use crate::api::{Operation, Response};
use crate::cli::{KvGetArgs, KvPatchArgs, KvPutArgs};
use crate::commands::secrets::go_int_flag;
use crate::error::Error;
use crate::output::kv::{get_table, written_table};
use crate::output::printer::Success;
use crate::output::Format;

/// `kv get [-mount=M] [-version=N] [-field=F] PATH`.
pub(super) fn get(run: &Run, a: KvGetArgs) -> Result<(), Error> {
    let version = go_int_flag("version", a.version.as_deref(), 0)?;
    expect_args(&a.args, 1, 1)?;
    // `kv get` drops one leading `/` only; the join cleans the rest.
    let arg = &a.args[0];
    let loc = locate_from(
        run,
        &a.mount,
        arg.strip_prefix('/').unwrap_or(arg).to_string(),
    )?;
    let full = loc.api_path("data");
    let mut params = Map::new();
    if loc.v2 && version > 0 {
        params.insert("version".into(), Value::String(version.to_string()));
    }
    let secret = match read_secret(run, &full, params)? {
        Ok(Some(s)) => s,
        Ok(None) => return Err(Error::Failed(format!("No value found at {full}"))),
        Err(e) => return Err(Error::api(format!("Error reading {full}"), e)),
    };
    if let Some(field) = a.field.as_deref().filter(|f| !f.is_empty()) {
        return get_field(run, &secret, &loc, &full, field);
    }
    if run.format != Format::Table {
        run.printer.secret(&secret);
        return Ok(());
    }
    run.printer.warnings(&secret);
    run.printer.stdout(&get_table(&full, &secret, loc.v2));
    Ok(())
}

/// `kv get -field=F`: on version 2 the key of the secret's data (`data` itself when it has no
/// such key), `No data found at …` for a deleted or destroyed version; on version 1 the
/// secret's field.
fn get_field(
    run: &Run,
    secret: &Response,
    loc: &Located,
    full: &str,
    field: &str,
) -> Result<(), Error> {
    if !loc.v2 {
        return run.printer.field(secret, field);
    }
    let data = secret
        .data
        .as_ref()
        .and_then(|d| d.get("data"))
        .filter(|d| !d.is_null());
    let Some(data) = data else {
        return Err(Error::Failed(format!("No data found at {full}")));
    };
    let empty = Map::new();
    let map = data.as_object().unwrap_or(&empty);
    if field == "data" && !map.contains_key("data") {
        return run.printer.field(secret, field);
    }
    map_field(run, map, field)
}

/// The body of a data write on version 2: the data and the options (`cas` when given).
fn v2_body(data: Map<String, Value>, cas: Option<i64>) -> Map<String, Value> {
    let mut options = Map::new();
    if let Some(cas) = cas {
        options.insert("cas".into(), json!(cas));
    }
    let mut body = Map::new();
    body.insert("data".into(), Value::Object(data));
    body.insert("options".into(), Value::Object(options));
    body
}

/// What `kv put` and `kv patch` print for the written version: `Success! Data written to: …`
/// when nothing came back (table only), the field, the `Secret Path` and `Metadata` sections,
/// or the envelope.
fn show_written(run: &Run, full: &str, resp: &Response, field: Option<&str>) -> Result<(), Error> {
    if resp.data.is_none() && resp.auth.is_none() && resp.warnings.is_empty() {
        if run.format == Format::Table {
            run.printer.success(Success::DataWritten {
                path: full.to_string(),
            });
        }
        return Ok(());
    }
    if let Some(f) = field {
        return run.printer.field(resp, f);
    }
    if run.format == Format::Table {
        run.printer.stdout(&written_table(full, resp));
    } else {
        run.printer.secret(resp);
    }
    Ok(())
}

/// `kv put [-mount=M] [-cas=N] [-field=F] PATH K=V…`: `PUT <mount>/data/<path>` with
/// `{"data": …, "options": {…}}`.
pub(super) fn put(run: &Run, a: KvPutArgs) -> Result<(), Error> {
    let cas = go_int_flag("cas", a.cas.as_deref(), -1)?;
    match a.args.len() {
        0 => {
            return Err(Error::Usage(
                "Not enough arguments (expected >1, got 0)".into(),
            ))
        }
        1 => return Err(Error::Usage("Must supply data".into())),
        _ => {}
    }
    let data = build_data(run, &a.args[1..])?;
    let loc = locate(run, &a.mount, &a.args[0])?;
    let full = loc.api_path("data");
    let body = if loc.v2 {
        v2_body(data, (cas >= 0).then_some(cas))
    } else {
        data
    };
    let context = format!("Error writing data to {full}");
    let resp = send(run, Operation::Write, &full, body)?.map_err(|e| Error::api(&context, e))?;
    let resp = refused_by_status(&context, resp, true)?;
    show_written(
        run,
        &full,
        &resp,
        a.field.as_deref().filter(|f| !f.is_empty()),
    )
}

/// `kv patch [-mount=M] [-cas=N] [-method=patch|rw] [-remove-data=K…] [-field=F] PATH K=V…`.
pub(super) fn patch(run: &Run, a: KvPatchArgs) -> Result<(), Error> {
    let cas = go_int_flag("cas", a.cas.as_deref(), 0)?;
    if a.args.is_empty() {
        return Err(Error::Usage(
            "Not enough arguments (expected >1, got 0)".into(),
        ));
    }
    if a.remove_data.is_empty() && a.args.len() == 1 {
        return Err(Error::Usage("Must supply data".into()));
    }
    let mut data = build_data(run, &a.args[1..])?;
    let loc = locate(run, &a.mount, &a.args[0])?;
    if !loc.v2 {
        return Err(Error::Failed(
            "K/V engine mount must be version 2 for patch support".into(),
        ));
    }
    let full = loc.api_path("data");
    // A null in a JSON merge patch removes the key.
    for k in &a.remove_data {
        data.insert(k.trim().to_string(), Value::Null);
    }
    let field = a.field.as_deref().filter(|f| !f.is_empty());
    let written = match a.method.as_deref().unwrap_or("") {
        "rw" => read_then_write(run, &full, data)?,
        "patch" => merge_patch(run, &full, data, cas, false)?,
        "" => merge_patch(run, &full, data, cas, true)?,
        other => {
            return Err(Error::Failed(format!(
                "Unsupported method provided to -method flag: {other}"
            )))
        }
    };
    match written {
        Some(resp) => show_written(run, &full, &resp, field),
        None => Ok(()),
    }
}

/// An HTTP PATCH of the data (`application/merge-patch+json`). Without `-method`, a 405 (an
/// old server) or a 403 (no `patch` capability: after Vault's warning) falls back to read then
/// write. `None`: the answer had no body and `Success!` was printed.
fn merge_patch(
    run: &Run,
    full: &str,
    data: Map<String, Value>,
    cas: i64,
    fallback: bool,
) -> Result<Option<Response>, Error> {
    let body = v2_body(data.clone(), (cas > 0).then_some(cas));
    let context = format!("Error writing data to {full}");
    let resp = match send(run, Operation::Patch, full, body)? {
        Ok(r) => refused_by_status(&context, r, false)?,
        Err(e) if fallback && e.code == 405 => return read_then_write(run, full, data),
        Err(e) if fallback && e.code == 403 => {
            run.printer.warn(&format!(
                "Data was written to {full} but we recommend that you add the \"patch\" \
                 capability to your ACL policy in order to use HTTP PATCH in the future."
            ));
            return read_then_write(run, full, data);
        }
        Err(e) => return Err(Error::api(context, e)),
    };
    Ok(written_or_success(run, full, resp))
}

/// `Success! Data written to: …` for an answer without a body (`None`), else the answer.
fn written_or_success(run: &Run, full: &str, resp: Response) -> Option<Response> {
    if resp.data.is_none() && resp.auth.is_none() && resp.warnings.is_empty() {
        if run.format == Format::Table {
            run.printer.success(Success::DataWritten {
                path: full.to_string(),
            });
        }
        return None;
    }
    Some(resp)
}

/// `kv patch -method=rw`: read the current version, lay the new keys over its data (one
/// level) and write it back with `cas` set to the version read.
fn read_then_write(
    run: &Run,
    full: &str,
    new: Map<String, Value>,
) -> Result<Option<Response>, Error> {
    let secret = match read_secret(run, full, Map::new())? {
        Ok(Some(s)) => s,
        Ok(None) => return Err(Error::Failed(format!("No value found at {full}"))),
        Err(e) => return Err(Error::api(format!("Error doing pre-read at {full}"), e)),
    };
    let Some(found) = secret.data.as_ref() else {
        return Err(Error::Failed(format!("No value found at {full}")));
    };
    let meta = match found.get("metadata") {
        None | Some(Value::Null) => {
            return Err(Error::Failed(format!(
                "No metadata found at {full}; patch only works on existing data"
            )))
        }
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(Error::Failed(format!(
                "Metadata found at {full} is not the expected type (JSON object)"
            )))
        }
    };
    let mut data = match found.get("data") {
        None | Some(Value::Null) => {
            return Err(Error::Failed(format!(
                "No data found at {full}; patch only works on existing data"
            )))
        }
        Some(Value::Object(d)) => d.clone(),
        Some(_) => {
            return Err(Error::Failed(format!(
                "Data found at {full} is not the expected type (JSON object)"
            )))
        }
    };
    data.extend(new);
    let mut body = Map::new();
    body.insert("data".into(), Value::Object(data));
    body.insert(
        "options".into(),
        json!({"cas": meta.get("version").cloned().unwrap_or(Value::Null)}),
    );
    let context = format!("Error writing data to {full}");
    let resp = send(run, Operation::Write, full, body)?.map_err(|e| Error::api(&context, e))?;
    let resp = refused_by_status(&context, resp, false)?;
    Ok(written_or_success(run, full, resp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_of_a_write_has_options_and_cas_only_when_given() {
        let mut data = Map::new();
        data.insert("a".into(), json!("1"));
        assert_eq!(
            serde_json::to_string(&v2_body(data.clone(), None)).unwrap(),
            r#"{"data":{"a":"1"},"options":{}}"#
        );
        assert_eq!(
            serde_json::to_string(&v2_body(data, Some(0))).unwrap(),
            r#"{"data":{"a":"1"},"options":{"cas":0}}"#
        );
    }
}
