//! `auth enable|disable|list` (cli-reference §4.3): each sends the request the Vault CLI sends
//! (`write sys/auth/<path>`, `delete sys/auth/<path>`, `read sys/auth`) and prints what it
//! prints.

use serde_json::{json, Map, Value};

use crate::api::{ApiError, Operation};
use crate::cli::AuthCommand;
use crate::commands::{execute, expect_args, Run};
use crate::error::Error;
use crate::gofmt::{go_duration, go_quote};
use crate::output::mounts::auth_list;
use crate::output::printer::Success;

pub fn dispatch(run: &Run, cmd: AuthCommand) -> Result<(), Error> {
    match cmd {
        AuthCommand::Enable(a) => enable(
            run,
            &a.args,
            &EnableFlags {
                path: a.path,
                description: a.description,
                default_lease_ttl: a.default_lease_ttl,
                max_lease_ttl: a.max_lease_ttl,
                token_type: a.token_type,
            },
        ),
        AuthCommand::Disable(a) => disable(run, &a.args),
        AuthCommand::List(a) => list(run, &a.args, a.detailed),
    }
}

/// The flags of `auth enable`, as given (`None`: not given).
#[derive(Debug, Default)]
pub struct EnableFlags {
    pub path: Option<String>,
    pub description: Option<String>,
    pub default_lease_ttl: Option<String>,
    pub max_lease_ttl: Option<String>,
    pub token_type: Option<String>,
}

/// A duration flag as Go's flag package parses it (`time.ParseDuration`), in whole seconds.
fn duration_flag(name: &str, v: &Option<String>) -> Result<i64, Error> {
    match v {
        None => Ok(0),
        Some(s) => crate::fields::go_parse_duration(s)
            .map(|ns| ns / 1_000_000_000)
            .map_err(|e| Error::Usage(format!("invalid value \"{s}\" for flag -{name}: {e}"))),
    }
}

/// The mount path in the request URL, as the Vault CLI builds it with Go's `path.Join`: spaces
/// around and slashes at either end dropped, empty segments collapsed. A dot segment is left
/// for the server to refuse (jwtvault has no URL to clean, docs/deviations.md D-23).
fn url_path(raw: &str) -> String {
    raw.trim()
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// `sys/auth/<path>`, or `sys/auth` itself when the path is empty.
fn request_path(path: &str) -> String {
    if path.is_empty() {
        "sys/auth".into()
    } else {
        format!("sys/auth/{path}")
    }
}

/// An empty mount path reaches `sys/auth` itself, whose 405 says nothing about the path: say
/// what was wrong with it.
fn explain_empty(e: ApiError, raw: &str, path: &str) -> ApiError {
    if path.is_empty() && e.code == 405 {
        e.with_hint(format!(
            "the mount path {} is empty once spaces and slashes are removed; give -path=NAME",
            go_quote(raw)
        ))
    } else {
        e
    }
}

/// `auth enable [-path=P] … TYPE`: `write sys/auth/<P>` with the Vault CLI's body.
fn enable(run: &Run, args: &[String], f: &EnableFlags) -> Result<(), Error> {
    expect_args(args, 1, 1)?;
    let kind = args[0].clone();
    let default_ttl = duration_flag("default-lease-ttl", &f.default_lease_ttl)?;
    let max_ttl = duration_flag("max-lease-ttl", &f.max_lease_ttl)?;
    let raw = match f.path.as_deref() {
        Some(p) if !p.is_empty() => p,
        _ => kind.as_str(),
    };
    let path = url_path(raw);
    let mut config = json!({
        "options": null,
        "default_lease_ttl": go_duration(default_ttl),
        "max_lease_ttl": go_duration(max_ttl),
        "force_no_cache": false,
    });
    if let Some(t) = f.token_type.as_deref().filter(|t| !t.is_empty()) {
        config["token_type"] = json!(t);
    }
    let body = json!({
        "type": kind,
        "description": f.description.clone().unwrap_or_default(),
        "config": config,
        "local": false,
        "seal_wrap": false,
        "external_entropy_access": false,
        "options": null,
    });
    let body = body.as_object().cloned().unwrap_or_default();
    // The Vault CLI posts it.
    let req = run
        .request(Operation::Write, request_path(&path), body)?
        .posted();
    execute(run, &req)?.map_err(|e| {
        Error::api(
            format!("Error enabling {kind} auth"),
            explain_empty(e, raw, &path),
        )
    })?;
    run.printer.success(Success::EnabledAuth {
        kind,
        path: format!("{path}/"),
    });
    Ok(())
}

/// The path `auth disable` names in its messages: trimmed, no slash at either end, then one.
fn shown_path(raw: &str) -> String {
    let p = raw.trim().trim_start_matches('/').trim_end_matches('/');
    format!("{p}/")
}

/// `auth disable P`: `delete sys/auth/<P>`.
fn disable(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 1, 1)?;
    let raw = &args[0];
    let shown = shown_path(raw);
    let path = url_path(raw);
    let req = run.request(Operation::Delete, request_path(&path), Map::new())?;
    execute(run, &req)?.map_err(|e| {
        Error::api(
            format!("Error disabling auth method at {shown}"),
            explain_empty(e, raw, &path),
        )
    })?;
    run.printer.success(Success::DisabledAuth { path: shown });
    Ok(())
}

/// `auth list [-detailed]`: `read sys/auth`, shown as the Vault CLI shows its mounts.
fn list(run: &Run, args: &[String], detailed: bool) -> Result<(), Error> {
    expect_args(args, 0, 0)?;
    let req = run.request(Operation::Read, "sys/auth", Map::new())?;
    let resp =
        execute(run, &req)?.map_err(|e| Error::api("Error listing enabled authentications", e))?;
    let data: Map<String, Value> = resp.data.unwrap_or_default();
    run.printer.stdout(&auth_list(&data, run.format, detailed));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_built_as_the_vault_cli_builds_them() {
        assert_eq!(url_path(" /corp//jwt/ "), "corp/jwt");
        assert_eq!(url_path("a/../b"), "a/../b");
        assert_eq!(url_path(" / "), "");
        assert_eq!(request_path(""), "sys/auth");
        assert_eq!(request_path("a b"), "sys/auth/a b");
        assert_eq!(shown_path("/corp/jwt//"), "corp/jwt/");
        assert_eq!(shown_path("/"), "/");
    }

    #[test]
    fn only_an_empty_path_gets_the_hint() {
        let e = ApiError::multi(405, "unsupported operation");
        assert_eq!(
            explain_empty(e.clone(), "//", "").hints,
            ["the mount path \"//\" is empty once spaces and slashes are removed; give -path=NAME"]
        );
        assert!(explain_empty(e, "x", "x").hints.is_empty());
    }
}
