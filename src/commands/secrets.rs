//! `secrets enable|disable|list` (contract §9): each sends the request the Vault CLI sends
//! (`POST sys/mounts/<path>`, `DELETE sys/mounts/<path>`, `GET sys/mounts`) and prints what it
//! prints.

use serde_json::{json, Map, Value};

use crate::api::Operation;
use crate::cli::{SecretsCommand, SecretsEnableArgs};
use crate::commands::{execute, expect_args, Run};
use crate::error::Error;
use crate::gofmt::go_duration_nanos;
use crate::output::mounts::secrets_list;
use crate::output::printer::Success;

pub fn dispatch(run: &Run, cmd: SecretsCommand) -> Result<(), Error> {
    match cmd {
        SecretsCommand::Enable(a) => enable(run, *a),
        SecretsCommand::Disable(a) => disable(run, &a.args),
        SecretsCommand::List(a) => list(run, &a.args, a.detailed),
    }
}

/// Go's `strconv.ParseBool`, as a boolean flag's value (`-local`, `-local=false`).
pub fn go_bool_flag(name: &str, v: Option<&str>) -> Result<bool, Error> {
    match v {
        None => Ok(false),
        Some("1" | "t" | "T" | "TRUE" | "true" | "True") => Ok(true),
        Some("0" | "f" | "F" | "FALSE" | "false" | "False") => Ok(false),
        Some(s) => Err(Error::Usage(format!(
            "invalid boolean value {} for -{name}: strconv.ParseBool: parsing {}: invalid syntax",
            crate::gofmt::go_quote(s),
            crate::gofmt::go_quote(s)
        ))),
    }
}

/// An integer flag as Vault's flag package parses it (`strconv.ParseInt(s, 0, 64)`).
pub fn go_int_flag(name: &str, v: Option<&str>, default: i64) -> Result<i64, Error> {
    match v {
        None => Ok(default),
        Some(s) => crate::fields::go_parse_int(s).map_err(|e| {
            let q = crate::gofmt::go_quote(s);
            Error::Usage(format!(
                "invalid value {q} for flag -{name}: strconv.ParseInt: parsing {q}: {e}"
            ))
        }),
    }
}

/// A duration flag as Vault's flag package parses it (`parseutil.ParseDurationSecond`: a plain
/// number is seconds, `d` is days), in nanoseconds; `system` is -1s, as in Vault.
pub fn go_duration_flag(name: &str, v: Option<&str>, default: i64) -> Result<i64, Error> {
    match v {
        None => Ok(default),
        Some("system") => Ok(-1_000_000_000),
        Some(s) => crate::fields::parse_duration_nanos(s).map_err(|e| {
            Error::Usage(format!(
                "invalid value {} for flag -{name}: {e}",
                crate::gofmt::go_quote(s)
            ))
        }),
    }
}

/// A `K=V` flag as Vault's `StringMapVar` parses it (the first `=` splits; a key given twice
/// keeps its last value).
pub fn go_map_flag(name: &str, values: &[String]) -> Result<Map<String, Value>, Error> {
    let mut out = Map::new();
    for v in values {
        let Some((k, val)) = v.split_once('=') else {
            let q = crate::gofmt::go_quote(v);
            return Err(Error::Usage(format!(
                "invalid value {q} for flag -{name}: missing = in KV pair: {q}"
            )));
        };
        out.insert(k.to_string(), Value::String(val.to_string()));
    }
    Ok(out)
}

/// Vault's `sanitizePath`: spaces and every `/` at either end removed.
pub fn sanitize(s: &str) -> String {
    let s = s.trim().trim_start_matches('/').trim();
    s.trim_end_matches('/').to_string()
}

/// Vault's `ensureTrailingSlash`: spaces around removed, one `/` at the end.
fn trailing_slash(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || s.ends_with('/') {
        s.to_string()
    } else {
        format!("{s}/")
    }
}

/// The request path `sys/mounts/<path>` as the Vault CLI's URL has it: empty segments and the
/// slashes at either end dropped. A dot segment is left for the server to refuse, as for `auth
/// enable` (docs/deviations.md D-23).
fn request_path(mount: &str) -> String {
    let p: Vec<&str> = mount.split('/').filter(|s| !s.is_empty()).collect();
    if p.is_empty() {
        "sys/mounts".into()
    } else {
        format!("sys/mounts/{}", p.join("/"))
    }
}

/// `secrets enable [-path=P] [-version=N] … TYPE`: `POST sys/mounts/<P>` with the Vault CLI's
/// body; prints `Success! Enabled the TYPE secrets engine at: P/`.
fn enable(run: &Run, a: SecretsEnableArgs) -> Result<(), Error> {
    let default_ttl = go_duration_flag("default-lease-ttl", a.default_lease_ttl.as_deref(), 0)?;
    let max_ttl = go_duration_flag("max-lease-ttl", a.max_lease_ttl.as_deref(), 0)?;
    let force_no_cache = go_bool_flag("force-no-cache", a.force_no_cache.as_deref())?;
    let local = go_bool_flag("local", a.local.as_deref())?;
    let seal_wrap = go_bool_flag("seal-wrap", a.seal_wrap.as_deref())?;
    let entropy = go_bool_flag(
        "external-entropy-access",
        a.external_entropy_access.as_deref(),
    )?;
    let version = go_int_flag("version", a.version.as_deref(), 0)?;
    let mut options = go_map_flag("options", &a.options)?;
    expect_args(&a.args, 1, 1)?;
    let kind = a.args[0].trim().to_string();
    let mount = match a.path.as_deref() {
        Some(p) if !p.is_empty() => p,
        _ => kind.as_str(),
    };
    let mount = trailing_slash(mount);
    if version > 0 {
        options.insert("version".into(), Value::String(version.to_string()));
    }
    // Go's nil map when neither -options nor a positive -version is given.
    let options = if a.options.is_empty() && version <= 0 {
        Value::Null
    } else {
        Value::Object(options)
    };
    let body = json!({
        "type": kind,
        "description": a.description.clone().unwrap_or_default(),
        "config": {
            "options": null,
            "default_lease_ttl": go_duration_nanos(default_ttl),
            "max_lease_ttl": go_duration_nanos(max_ttl),
            "force_no_cache": force_no_cache,
        },
        "local": local,
        "seal_wrap": seal_wrap,
        "external_entropy_access": entropy,
        "options": options,
    });
    let body = body.as_object().cloned().unwrap_or_default();
    let req = run
        .request(Operation::Write, request_path(&mount), body)?
        .posted();
    execute(run, &req)?.map_err(|e| Error::api("Error enabling", e))?;
    run.printer
        .success(Success::EnabledSecrets { kind, path: mount });
    Ok(())
}

/// `secrets disable P`: `DELETE sys/mounts/<P>`; every secret of the mount goes with it.
fn disable(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 1, 1)?;
    let mount = trailing_slash(&sanitize(&args[0]));
    let req = run.request(Operation::Delete, request_path(&mount), Map::new())?;
    execute(run, &req)?
        .map_err(|e| Error::api(format!("Error disabling secrets engine at {mount}"), e))?;
    run.printer
        .success(Success::DisabledSecrets { path: mount });
    Ok(())
}

/// `secrets list [-detailed]`: `GET sys/mounts`, shown as the Vault CLI shows its mounts.
fn list(run: &Run, args: &[String], detailed: bool) -> Result<(), Error> {
    if !args.is_empty() {
        return Err(Error::Usage(format!(
            "Too many arguments (expected 0, got {})",
            args.len()
        )));
    }
    let req = run.request(Operation::Read, "sys/mounts", Map::new())?;
    let resp = execute(run, &req)?.map_err(|e| Error::api("Error listing secrets engines", e))?;
    let data = resp.data.unwrap_or_default();
    run.printer
        .stdout(&secrets_list(&data, run.format, detailed));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_as_the_vault_cli_builds_them() {
        assert_eq!(sanitize(" /a/b// "), "a/b");
        assert_eq!(sanitize("/"), "");
        assert_eq!(trailing_slash(" kv "), "kv/");
        assert_eq!(trailing_slash("/b"), "/b/");
        assert_eq!(trailing_slash("a/"), "a/");
        assert_eq!(request_path("/b/"), "sys/mounts/b");
        assert_eq!(request_path("x//y/"), "sys/mounts/x/y");
        assert_eq!(request_path("/"), "sys/mounts");
    }

    #[test]
    fn flags_parse_as_gos_flag_package() {
        assert_eq!(go_int_flag("version", Some("2"), 0).unwrap(), 2);
        assert_eq!(go_int_flag("version", Some("0x10"), 0).unwrap(), 16);
        assert_eq!(go_int_flag("version", None, -1).unwrap(), -1);
        match go_int_flag("version", Some("abc"), 0) {
            Err(Error::Usage(m)) => assert_eq!(
                m,
                "invalid value \"abc\" for flag -version: strconv.ParseInt: parsing \"abc\": invalid syntax"
            ),
            other => panic!("{other:?}"),
        }
        assert!(go_bool_flag("local", Some("T")).unwrap());
        match go_bool_flag("cas-required", Some("maybe")) {
            Err(Error::Usage(m)) => assert_eq!(
                m,
                "invalid boolean value \"maybe\" for -cas-required: strconv.ParseBool: parsing \"maybe\": invalid syntax"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            go_duration_flag("d", Some("90"), -1).unwrap(),
            90_000_000_000
        );
        assert_eq!(
            go_duration_flag("d", Some("1d"), -1).unwrap(),
            86_400_000_000_000
        );
        match go_duration_flag("delete-version-after", Some("abc"), -1) {
            Err(Error::Usage(m)) => assert_eq!(
                m,
                "invalid value \"abc\" for flag -delete-version-after: time: invalid duration \"abc\""
            ),
            other => panic!("{other:?}"),
        }
        match go_map_flag("custom-metadata", &["bad".into()]) {
            Err(Error::Usage(m)) => assert_eq!(
                m,
                "invalid value \"bad\" for flag -custom-metadata: missing = in KV pair: \"bad\""
            ),
            other => panic!("{other:?}"),
        }
        let m = go_map_flag("o", &["a=b=c".into(), "a=d".into(), "e=".into()]).unwrap();
        assert_eq!(Value::Object(m), json!({"a": "d", "e": ""}));
    }
}
