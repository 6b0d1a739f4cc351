//! `write`, `read`, `list` and `delete`: any Vault API path, as the Vault CLI sends them (a
//! `PUT`, `GET`, `GET ?list=true` and `DELETE` of the path), the response printed as it prints
//! it (cli-reference §4.4–§4.6).

use serde_json::{Map, Value};

use crate::api::Operation;
use crate::cli;
use crate::commands::{build_data, execute, expect_args, refused_by_status, sanitize_path, Run};
use crate::error::Error;
use crate::output::printer::Success;
use crate::output::Format;

/// `write [-field F] [-force] [-explain] PATH [DATA…]`.
pub struct Write {
    pub field: Option<String>,
    pub force: bool,
    pub explain: bool,
    pub args: Vec<String>,
}

impl From<cli::WriteArgs> for Write {
    fn from(a: cli::WriteArgs) -> Self {
        Write {
            field: a.field,
            force: a.force,
            explain: a.explain,
            args: a.args,
        }
    }
}

/// `read [-field F] PATH [K=V…]`.
pub struct Read {
    pub field: Option<String>,
    pub args: Vec<String>,
}

impl From<cli::ReadArgs> for Read {
    fn from(a: cli::ReadArgs) -> Self {
        Read {
            field: a.field,
            args: a.args,
        }
    }
}

pub fn write(run: &Run, a: Write) -> Result<(), Error> {
    if a.args.is_empty() {
        return Err(Error::Usage(
            "Not enough arguments (expected 1, got 0)".into(),
        ));
    }
    let path = sanitize_path(&a.args[0]);
    if a.args.len() == 1 && !a.force {
        return Err(Error::Usage("Must supply data or use -force".into()));
    }
    let data = build_data(run, &a.args[1..])?;
    let mut req = run.request(Operation::Write, path.clone(), data)?;
    req.explain = a.explain;
    let context = format!("Error writing data to {path}");
    let resp = execute(run, &req)?.map_err(|e| Error::api(&context, e))?;
    let resp = refused_by_status(&context, resp, true)?;
    if let Some(f) = &a.field {
        return run.printer.field(&resp, f);
    }
    if resp.data.is_none() && resp.auth.is_none() {
        run.printer.warnings(&resp);
        if resp.warnings.is_empty() && run.format == Format::Table {
            run.printer.success(Success::DataWritten { path });
        } else if run.format != Format::Table && !resp.warnings.is_empty() {
            run.printer.secret(&resp);
        }
        return Ok(());
    }
    run.printer.secret(&resp);
    Ok(())
}

pub fn read(run: &Run, a: Read) -> Result<(), Error> {
    if a.args.is_empty() {
        return Err(Error::Usage(
            "Not enough arguments (expected 1, got 0)".into(),
        ));
    }
    let path = sanitize_path(&a.args[0]);
    // Vault sends trailing K=V arguments as query parameters (`read auth/token/lookup token=…`).
    let query = build_data(run, &a.args[1..])?;
    let req = run.request(Operation::Read, path.clone(), query)?;
    let resp = match execute(run, &req)? {
        Ok(r) => r,
        // The Vault client drops a read's 404 whatever its errors say (client mode); locally an
        // unknown path keeps its `no handler` message (contract §3).
        Err(e) if e.code == 404 && (e.errors.is_empty() || run.is_remote()) => {
            return Err(Error::Failed(format!("No value found at {path}")));
        }
        Err(e) => return Err(Error::api(format!("Error reading {path}"), e)),
    };
    if let Some(f) = &a.field {
        return run.printer.field(&resp, f);
    }
    run.printer.secret(&resp);
    Ok(())
}

/// `list PATH`, as the Vault CLI's `list`: the keys; nothing there is `No value found at …`
/// (`{}` in JSON or YAML, exit 2); an answer without data (a 404 that carries only warnings,
/// KV v2's answer on a path it does not serve) prints its warnings, exit 0; one with data but
/// no keys is `No entries found at …`.
pub fn list(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 1, 1)?;
    let path = sanitize_path(&args[0]);
    let req = run.request(Operation::List, path.clone(), Map::new())?;
    let resp = match execute(run, &req)? {
        Ok(r) if r.status.is_some_and(|c| c >= 400) => {
            let carries = !r.warnings.is_empty() || r.data.as_ref().is_some_and(|d| !d.is_empty());
            if !carries {
                return Err(Error::NothingToList { path });
            }
            r
        }
        Ok(r) => r,
        Err(e) if e.code == 404 && (e.errors.is_empty() || run.is_remote()) => {
            return Err(Error::NothingToList { path });
        }
        Err(e) => return Err(Error::api(format!("Error listing {path}"), e)),
    };
    let keys = resp
        .data
        .as_ref()
        .and_then(|d| d.get("keys"))
        .and_then(Value::as_array);
    let Some(keys) = keys else {
        return match &resp.data {
            _ if run.format != Format::Table => Err(Error::NothingToList { path }),
            None => {
                run.printer.secret(&resp);
                Ok(())
            }
            Some(_) => Err(Error::Failed(format!("No entries found at {path}"))),
        };
    };
    let keys: Vec<String> = keys
        .iter()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    run.printer.warnings(&resp);
    run.printer.list(&keys);
    Ok(())
}

pub fn delete(run: &Run, args: &[String]) -> Result<(), Error> {
    if args.is_empty() {
        return Err(Error::Usage(
            "Not enough arguments (expected at least 1, got 0)".into(),
        ));
    }
    let path = sanitize_path(&args[0]);
    let req = run.request(Operation::Delete, path.clone(), Map::new())?;
    let context = format!("Error deleting {path}");
    let resp = execute(run, &req)?.map_err(|e| Error::api(&context, e))?;
    let resp = refused_by_status(&context, resp, true)?;
    if resp.data.is_none() && run.format == Format::Table {
        run.printer.warnings(&resp);
        run.printer.success(Success::DataDeleted { path });
    } else if resp.data.is_some() {
        run.printer.secret(&resp);
    }
    Ok(())
}
