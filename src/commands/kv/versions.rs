//! `kv delete`, `kv undelete`, `kv destroy` (versions of a secret) and `kv list` (the keys
//! under a folder), as the Vault CLI sends and prints them.

use serde_json::{Map, Value};

use super::{expect_args, refused_by_status, Run};
use super::{locate, send, versions, Located};
use crate::api::Operation;
use crate::cli::{KvDeleteArgs, KvMountArgs, KvVersionsArgs};
use crate::commands::secrets::sanitize;
use crate::error::Error;
use crate::output::printer::Success;
use crate::output::Format;

/// `kv delete [-mount=M] [-versions=N,…] PATH`: the latest version (`DELETE
/// <mount>/data/<path>`), or the versions named (`PUT <mount>/delete/<path>`). Messages name
/// the data path either way.
pub(super) fn delete(run: &Run, a: KvDeleteArgs) -> Result<(), Error> {
    expect_args(&a.args, 1, 1)?;
    let loc = locate(run, &a.mount, &a.args[0])?;
    let full = loc.api_path("data");
    let answer = if loc.v2 && !a.versions.is_empty() {
        let mut body = Map::new();
        body.insert("versions".into(), versions(&a.versions));
        send(run, Operation::Write, &loc.api_path("delete"), body)?
    } else {
        send(run, Operation::Delete, &full, Map::new())?
    };
    let context = format!("Error deleting {full}");
    let resp = answer.map_err(|e| Error::api(&context, e))?;
    let resp = refused_by_status(&context, resp, true)?;
    if resp.data.is_none() && resp.auth.is_none() && resp.warnings.is_empty() {
        if run.format == Format::Table {
            run.printer.success(Success::DataDeleted { path: full });
        }
        return Ok(());
    }
    if let Some(f) = a.field.as_deref().filter(|f| !f.is_empty()) {
        return run.printer.field(&resp, f);
    }
    run.printer.secret(&resp);
    Ok(())
}

/// Which of the two version commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Which {
    Undelete,
    Destroy,
}

/// `kv undelete|destroy [-mount=M] -versions=N,… PATH`: `PUT <mount>/undelete|destroy/<path>`.
pub(super) fn undelete(run: &Run, a: KvVersionsArgs, which: Which) -> Result<(), Error> {
    expect_args(&a.args, 1, 1)?;
    let (verb, prefix, refused) = match which {
        Which::Undelete => (
            "undelete",
            "undelete",
            "Undelete not supported on KV Version 1",
        ),
        Which::Destroy => (
            "destroy",
            "destroy",
            "Destroy not supported on KV Version 1",
        ),
    };
    if a.versions.is_empty() {
        return Err(Error::Usage(format!(
            "No versions provided, use the \"-versions\" flag to specify the version to {verb}."
        )));
    }
    let loc = match (which, a.mount.as_deref().filter(|m| !m.is_empty())) {
        // `undelete -mount=M` keeps M as given for the path (not the preflight's answer).
        (Which::Undelete, Some(m)) => {
            let mount = sanitize(m);
            let found = locate(run, &a.mount, &a.args[0])?;
            Located {
                partial: sanitize(&a.args[0]),
                mount,
                ..found
            }
        }
        _ => locate(run, &a.mount, &a.args[0])?,
    };
    if !loc.v2 {
        return Err(Error::Usage(refused.into()));
    }
    let path = loc.api_path(prefix);
    let mut body = Map::new();
    body.insert("versions".into(), versions(&a.versions));
    let context = format!("Error writing data to {path}");
    let resp = send(run, Operation::Write, &path, body)?.map_err(|e| Error::api(&context, e))?;
    let resp = refused_by_status(&context, resp, true)?;
    if resp.data.is_none() && resp.auth.is_none() && resp.warnings.is_empty() {
        if run.format == Format::Table {
            run.printer.success(Success::DataWritten { path });
        }
        return Ok(());
    }
    run.printer.secret(&resp);
    Ok(())
}

/// `kv list [-mount=M] PATH`: `LIST <mount>/metadata/<path>`; nothing there is `No value found
/// at …` (exit 2), `{}` in JSON or YAML.
pub(super) fn list(run: &Run, a: KvMountArgs) -> Result<(), Error> {
    let args = match a.args.len() {
        0 if a.mount.as_deref().is_some_and(|m| !m.is_empty()) => vec![String::new()],
        _ => {
            expect_args(&a.args, 1, 1)?;
            a.args
        }
    };
    let loc = locate(run, &a.mount, &args[0])?;
    let full = loc.api_path("metadata");
    let resp = send(run, Operation::List, &full, Map::new())?;
    let secret = match resp {
        // A 404 carrying warnings is the Go client's secret; one without is nothing.
        Ok(r) if r.status.is_some_and(|c| c >= 400) => {
            let carries = !r.warnings.is_empty() || r.data.as_ref().is_some_and(|d| !d.is_empty());
            carries.then_some(r)
        }
        Ok(r) => Some(r),
        Err(e) if e.code == 404 => None,
        Err(e) => return Err(Error::api(format!("Error listing {full}"), e)),
    };
    let keys = secret
        .as_ref()
        .and_then(|s| s.data.as_ref())
        .and_then(|d| d.get("keys"))
        .and_then(Value::as_array);
    let (Some(secret), Some(keys)) = (secret.as_ref(), keys) else {
        let has_data = secret.as_ref().is_some_and(|s| s.data.is_some());
        return Err(if run.format != Format::Table || !has_data {
            Error::NothingToList { path: full }
        } else {
            Error::Failed(format!("No entries found at {full}"))
        });
    };
    let keys: Vec<String> = keys
        .iter()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    run.printer.warnings(secret);
    run.printer.list(&keys);
    Ok(())
}
