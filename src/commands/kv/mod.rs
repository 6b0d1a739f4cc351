//! `kv put|get|patch|delete|undelete|destroy|list` and `kv metadata get|put|patch|delete`
//! (contract §9), as the Vault CLI runs them (`kv_*.go`): every command first asks
//! `sys/internal/ui/mounts/<path>` which mount serves the path and whether it is KV version 2
//! (the "preflight"), rewrites the path as the CLI does (`addPrefixToKVPath`, Go's `path.Join`:
//! `secret/app/db` becomes `secret/data/app/db`), sends the one request the CLI sends and prints
//! what it prints. The preflight goes to the local router, or to the server with `-address`.
//!
//! The modules: [`secret`] (`get`, `put`, `patch`), [`versions`] (`delete`, `undelete`,
//! `destroy`, `list`) and [`metadata`].

mod metadata;
mod secret;
mod versions;

use serde_json::{Map, Value};

use crate::api::{ApiError, Operation, Response};
use crate::cli::{KvCommand, KvMetadataCommand};
use crate::commands::secrets::sanitize;
// What the subcommands use of `commands`, through this module (no import circle).
use crate::commands::{build_data, execute, expect_args, refused_by_status, Run};
use crate::error::Error;
use crate::http_client::go_path_clean;

pub fn dispatch(run: &Run, cmd: KvCommand) -> Result<(), Error> {
    match cmd {
        KvCommand::Put(a) => secret::put(run, a),
        KvCommand::Get(a) => secret::get(run, a),
        KvCommand::Patch(a) => secret::patch(run, a),
        KvCommand::Delete(a) => versions::delete(run, a),
        KvCommand::Undelete(a) => versions::undelete(run, a, versions::Which::Undelete),
        KvCommand::Destroy(a) => versions::undelete(run, a, versions::Which::Destroy),
        KvCommand::List(a) => versions::list(run, a),
        KvCommand::Metadata(m) => match m {
            KvMetadataCommand::Get(a) => metadata::get(run, a),
            KvMetadataCommand::Put(a) => metadata::put(run, a, Vec::new(), false),
            KvMetadataCommand::Patch(a) => {
                metadata::put(run, a.put, a.remove_custom_metadata, true)
            }
            KvMetadataCommand::Delete(a) => metadata::delete(run, a),
        },
    }
}

/// Go's `path.Join`: the non-empty elements joined with `/` and cleaned; `""` when all are
/// empty.
pub fn join(elems: &[&str]) -> String {
    let parts: Vec<&str> = elems.iter().copied().filter(|e| !e.is_empty()).collect();
    if parts.is_empty() {
        return String::new();
    }
    go_path_clean(&parts.join("/"))
}

/// Vault's `addPrefixToKVPath`: the API path of `path` under the version 2 mount `mount`
/// (`secret/app/db`, `secret/`, `data` → `secret/data/app/db`). Go's `path.Join` cleans the
/// result, so a `..` may eat the prefix (`secret/x/../../secret/foo` → `secret/secret/foo`),
/// as in Vault.
pub fn add_prefix(path: &str, mount: &str, prefix: &str) -> String {
    if path == mount || path == mount.strip_suffix('/').unwrap_or(mount) {
        return join(&[mount, prefix]);
    }
    let mut mount = mount.to_string();
    let mut suffix = path
        .strip_prefix(mount.as_str())
        .unwrap_or(path)
        .to_string();
    // A mount path that carries a namespace the path leaves out: drop its leading parts.
    while suffix == path {
        let Some((_, rest)) = mount.split_once('/').filter(|(_, r)| !r.is_empty()) else {
            break;
        };
        mount = rest.strip_suffix('/').unwrap_or(rest).to_string();
        suffix = suffix
            .strip_prefix(mount.as_str())
            .unwrap_or(&suffix)
            .to_string();
    }
    join(&[&mount, prefix, &suffix])
}

/// The request path the Go client sends for an API path: joined under `/v1/` and cleaned, so
/// `//`, `.` and `..` never reach the router.
pub fn wire(path: &str) -> String {
    let cleaned = go_path_clean(&format!("/v1/{path}"));
    match cleaned.strip_prefix("/v1/") {
        Some(rest) => rest.to_string(),
        None if cleaned == "/v1" => String::new(),
        None => cleaned.trim_start_matches('/').to_string(),
    }
}

/// Where a command's path lands, as the preflight said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The path the command works on: the argument, joined under the mount with `-mount`.
    pub partial: String,
    /// The mount path the preflight named (`secret/`; `""` for an old server's 404).
    pub mount: String,
    /// A KV version 2 mount (`options.version` `"2"`).
    pub v2: bool,
    /// Given as `-mount=M PATH` rather than `M/PATH`.
    pub by_flag: bool,
}

impl Located {
    /// The API path under `prefix` (`data`, `metadata`, …) on version 2; on version 1 the path
    /// itself (under the mount with `-mount`).
    pub fn api_path(&self, prefix: &str) -> String {
        if self.v2 {
            add_prefix(&self.partial, &self.mount, prefix)
        } else if self.by_flag {
            join(&[&self.mount, &self.partial])
        } else {
            self.partial.clone()
        }
    }
}

/// The `-mount` flag as given: empty is not given (Go's default).
fn mount_flag(m: &Option<String>) -> Option<&str> {
    m.as_deref().filter(|m| !m.is_empty())
}

/// The Vault CLI's `kvPreflightVersionRequest`: `GET sys/internal/ui/mounts/<path>`. A 404 is
/// an old server (version 1, no mount path); any other error is printed alone (no prefix),
/// exit 2.
fn preflight(run: &Run, path: &str) -> Result<(String, bool), Error> {
    let req = run.request(
        Operation::Read,
        wire(&format!("sys/internal/ui/mounts/{path}")),
        Map::new(),
    )?;
    let resp = match execute(run, &req)? {
        Ok(r) if r.status.is_some_and(|c| c >= 400) => {
            return match r.status {
                Some(404) => Ok((String::new(), false)),
                Some(code) => Err(Error::api("", ApiError::new(code, Vec::new()))),
                None => Ok((String::new(), false)),
            };
        }
        Ok(r) => r,
        Err(e) if e.code == 404 => return Ok((String::new(), false)),
        Err(e) => return Err(Error::api("", e)),
    };
    let data = resp.data.unwrap_or_default();
    let mount = data
        .get("path")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let version = data
        .get("options")
        .and_then(|o| o.get("version"))
        .and_then(Value::as_str);
    Ok((mount, version == Some("2")))
}

/// Finds the mount of `arg` (or of `-mount`) and the path to work on, as every `kv` command
/// but `get` does: the argument sanitised, joined under the mount with `-mount` on version 2.
fn locate(run: &Run, mount: &Option<String>, arg: &str) -> Result<Located, Error> {
    locate_from(run, mount, sanitize(arg))
}

/// [`locate`] for a path already taken from the argument.
fn locate_from(run: &Run, mount: &Option<String>, partial: String) -> Result<Located, Error> {
    match mount_flag(mount) {
        Some(m) => {
            let (mount, v2) = preflight(run, &sanitize(m))?;
            let partial = if v2 {
                join(&[&mount, &partial])
            } else {
                partial
            };
            Ok(Located {
                partial,
                mount,
                v2,
                by_flag: true,
            })
        }
        None => {
            let (mount, v2) = preflight(run, &partial)?;
            Ok(Located {
                partial,
                mount,
                v2,
                by_flag: false,
            })
        }
    }
}

/// Sends one request to an API path (cleaned as the Go client cleans its URL).
fn send(
    run: &Run,
    op: Operation,
    path: &str,
    data: Map<String, Value>,
) -> Result<Result<Response, ApiError>, Error> {
    let req = run.request(op, wire(path), data)?;
    execute(run, &req)
}

/// The Vault CLI's `kvReadRequest`: the secret, `None` when there is nothing (a 404 without
/// data or warnings), or the error.
fn read_secret(
    run: &Run,
    path: &str,
    params: Map<String, Value>,
) -> Result<Result<Option<Response>, ApiError>, Error> {
    Ok(match send(run, Operation::Read, path, params)? {
        Ok(r) if r.status.is_some_and(|c| c >= 400) => {
            let carries = !r.warnings.is_empty() || r.data.as_ref().is_some_and(|d| !d.is_empty());
            Ok(carries.then_some(r))
        }
        Ok(r) => Ok(Some(r)),
        Err(e) if e.code == 404 => Ok(None),
        Err(e) => Err(e),
    })
}

/// A `-field` of a map (the secret's data): its value as Vault's `PrintRawField` prints it, or
/// `Field "F" not present in map` (exit 1) for a key that is missing or null.
fn map_field(run: &Run, map: &Map<String, Value>, name: &str) -> Result<(), Error> {
    match map.get(name).filter(|v| !v.is_null()) {
        Some(v) => {
            run.printer
                .raw(&crate::output::kv::raw_value(v, run.format));
            Ok(())
        }
        None => Err(Error::Usage(format!(
            "Field {} not present in map",
            crate::gofmt::go_quote(name)
        ))),
    }
}

/// The `-versions` flags as Vault sends them: each split on `,` and trimmed, as strings.
fn versions(flags: &[String]) -> Value {
    let mut out = Vec::new();
    for f in flags {
        let f = f.trim();
        if f.is_empty() {
            continue;
        }
        out.extend(f.split(',').map(|v| Value::String(v.trim().to_string())));
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_and_clean_as_go_does() {
        assert_eq!(join(&["secret/", "data", "app/db"]), "secret/data/app/db");
        assert_eq!(join(&["", ""]), "");
        assert_eq!(join(&["secret/", "data", "/x"]), "secret/data/x");
        assert_eq!(join(&["secret/", "//a//b//"]), "secret/a/b");
        assert_eq!(wire("secret/data/a//b"), "secret/data/a/b");
        assert_eq!(wire("secret/../sys/foo"), "sys/foo");
        assert_eq!(wire("sys/internal/ui/mounts/"), "sys/internal/ui/mounts");
        assert_eq!(wire(""), "");
        assert_eq!(wire("../../x"), "x");
    }

    #[test]
    fn the_kv_path_is_rewritten_as_the_vault_cli_rewrites_it() {
        // The captures of the KV notes (§4.3, §6.1, §6.5).
        for (path, mount, prefix, want) in [
            ("secret/foo", "secret/", "data", "secret/data/foo"),
            (
                "secret/app/db",
                "secret/",
                "metadata",
                "secret/metadata/app/db",
            ),
            ("secret", "secret/", "data", "secret/data"),
            ("secret/", "secret/", "metadata", "secret/metadata"),
            ("secret/norm//", "secret/", "data", "secret/data/norm"),
            ("secret/x/../norm2", "secret/", "data", "secret/data/norm2"),
            (
                "secret/x/../../secret/foo",
                "secret/",
                "data",
                "secret/secret/foo",
            ),
            ("secret/data/foo", "secret/", "data", "secret/data/data/foo"),
            ("secret/a//b", "secret/", "data", "secret/data/a/b"),
            // A namespace in the mount path the argument leaves out.
            ("secret/foo", "ns1/secret/", "data", "secret/data/foo"),
            // -mount for undelete/destroy: the mount as given, without its slash.
            ("app/db", "secret", "undelete", "secret/undelete/app/db"),
            ("secret/x", "secret", "undelete", "secret/undelete/x"),
        ] {
            assert_eq!(add_prefix(path, mount, prefix), want, "{path} {mount}");
        }
    }

    #[test]
    fn versions_are_sent_as_strings() {
        let v = |f: &[&str]| versions(&f.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(v(&["1,2"]), serde_json::json!(["1", "2"]));
        assert_eq!(v(&["3", "4"]), serde_json::json!(["3", "4"]));
        assert_eq!(v(&[" 1 , 2 "]), serde_json::json!(["1", "2"]));
        assert_eq!(v(&[","]), serde_json::json!(["", ""]));
        assert_eq!(v(&[""]), serde_json::json!([]));
    }
}
