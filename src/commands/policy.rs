//! `policy write|read|list|delete|fmt` (cli-reference §4.12). Each but `fmt` sends the request
//! the Vault CLI sends (`sys/policies/acl/<name>`, `sys/policies/acl`) and prints what it
//! prints; `fmt` is local. Locally the operator acts with root rights: policies are
//! configuration.

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::acl;
use crate::api::Operation;
use crate::cli::PolicyCommand;
use crate::commands::{execute, expect_args, Run};
use crate::error::Error;
use crate::output::printer::Success;
use crate::output::{self, Format};

pub fn dispatch(run: &Run, cmd: PolicyCommand) -> Result<(), Error> {
    match cmd {
        PolicyCommand::Write(a) => write(run, &a.args),
        PolicyCommand::Read(a) => read(run, &a.args),
        PolicyCommand::List(a) => list(run, &a.args),
        PolicyCommand::Delete(a) => delete(run, &a.args),
        PolicyCommand::Fmt(a) => fmt(run, &a.args),
    }
}

/// `sys/policies/acl/<name>` (`sys/policies/acl` itself for an empty name).
fn policy_path(name: &str) -> String {
    let name = name.trim_matches('/');
    if name.is_empty() {
        "sys/policies/acl".into()
    } else {
        format!("sys/policies/acl/{name}")
    }
}

/// The `policy` value sent for a policy file: its text, or, when it is not UTF-8, the
/// base64 of its bytes. The server decodes base64 (Vault's rule) and its parser then refuses
/// the bytes in HCL1's words, where the Vault CLI would send each such byte as U+FFFD and
/// store the altered text (docs/deviations.md D-18).
fn policy_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|e| base64::engine::general_purpose::STANDARD.encode(e.into_bytes()))
}

/// The Vault CLI's warning after an upload whose name it changed: the name as given, spaces
/// included, against the name sent.
fn conversion_warning(given: &str, name: &str) -> Option<String> {
    (given != name).then(|| format!("Policy name was converted from \"{given}\" to \"{name}\"\n"))
}

/// `policy write NAME FILE|-`: `write sys/policies/acl/<name> {policy}`.
fn write(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 2, 2)?;
    let given = &args[0];
    let name = given.trim().to_lowercase();
    let source = args[1].trim();
    // Vault's texts: `Error opening policy file` when the file cannot be opened, `Error
    // reading policy` when it (or stdin) cannot be read, or is over the input limit.
    let reading = |e: String| Error::Failed(format!("Error reading policy: {e}"));
    let bytes = if source == "-" {
        run.read_stdin_bytes().map_err(|e| reading(e.to_string()))?
    } else {
        let file = crate::kv::open_file(source)
            .map_err(|e| Error::Failed(format!("Error opening policy file: {e}")))?;
        crate::kv::read_opened(file, source).map_err(reading)?
    };
    let mut body = Map::new();
    body.insert("policy".into(), Value::String(policy_text(bytes)));
    let req = run.request(Operation::Write, policy_path(&name), body)?;
    execute(run, &req)?.map_err(|e| Error::api("Error uploading policy", e))?;
    if let Some(warning) = conversion_warning(given, &name) {
        run.printer.stderr(&warning);
    }
    run.printer.success(Success::UploadedPolicy { name });
    Ok(())
}

/// `policy read NAME`: `read sys/policies/acl/<name>`. As the Vault CLI, a 404 or an empty text
/// (`root`) is no policy.
fn read(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 1, 1)?;
    let name = args[0].trim().to_lowercase();
    let req = run.request(Operation::Read, policy_path(&name), Map::new())?;
    let raw = match execute(run, &req)? {
        Ok(resp) => {
            let Some(data) = resp.data else {
                return Err(Error::Failed(format!(
                    "Error reading policy named {name}: data from server response is empty"
                )));
            };
            match data.get("policy") {
                Some(Value::String(s)) => s.clone(),
                _ => {
                    return Err(Error::Failed(format!(
                        "Error reading policy named {name}: no policy found in response"
                    )))
                }
            }
        }
        Err(e) if e.code == 404 => String::new(),
        Err(e) => return Err(Error::api(format!("Error reading policy named {name}"), e)),
    };
    if raw.is_empty() {
        return Err(Error::Failed(format!("No policy named: {name}")));
    }
    match run.format {
        Format::Table => run.printer.stdout(&format!("{}\n", raw.trim())),
        Format::Json => run
            .printer
            .stdout(&output::to_json(&json!({ "policy": raw }))),
        Format::Yaml => run
            .printer
            .stdout(&output::to_yaml(&json!({ "policy": raw }))),
    }
    Ok(())
}

/// `policy list`: `list sys/policies/acl`, one name a line in the server's order.
fn list(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 0, 0)?;
    let req = run.request(Operation::List, "sys/policies/acl", Map::new())?;
    let resp = execute(run, &req)?.map_err(|e| Error::api("Error listing policies", e))?;
    let names: Vec<String> = resp
        .data
        .as_ref()
        .and_then(|d| d.get("keys"))
        .and_then(Value::as_array)
        .map(|keys| {
            keys.iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    match run.format {
        Format::Table => run
            .printer
            .stdout(&names.iter().map(|n| format!("{n}\n")).collect::<String>()),
        Format::Json => run.printer.stdout(&output::to_json(&json!(names))),
        Format::Yaml => run.printer.stdout(&output::to_yaml(&json!(names))),
    }
    Ok(())
}

/// `policy delete NAME`: `delete sys/policies/acl/<name>` (a missing policy is no error).
fn delete(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 1, 1)?;
    let name = args[0].trim().to_lowercase();
    let req = run.request(Operation::Delete, policy_path(&name), Map::new())?;
    execute(run, &req)?.map_err(|e| Error::api(format!("Error deleting {name}"), e))?;
    run.printer.success(Success::DeletedPolicy { name });
    Ok(())
}

/// `policy fmt FILE`: purely local; parse first, then rewrite canonically (0644).
fn fmt(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 1, 1)?;
    let path = match args[0].strip_prefix("~/") {
        Some(rest) => dirs::home_dir()
            .map(|h| h.join(rest))
            .unwrap_or_else(|| rest.into()),
        None => std::path::PathBuf::from(&args[0]),
    };
    // Go's wording: `open <path>: no such file or directory`; over the input limit refused.
    let bytes = crate::kv::read_file(&path.display().to_string())
        .map_err(|e| Error::Usage(format!("Error reading source file: {e}")))?;
    // Parsed as bytes: a file with a byte that is not UTF-8 or a NUL fails as in Vault, and a
    // file that fails to parse is never rewritten.
    let formatted = acl::format_policy_bytes(&bytes).map_err(Error::Usage)?;
    std::fs::write(&path, formatted).map_err(|e| {
        Error::Usage(format!(
            "Error writing result: open {}: {}",
            path.display(),
            crate::kv::go_errno_text(&e)
        ))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
    }
    run.printer.success(Success::FormattedPolicy {
        path: path.display().to_string(),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_go_to_the_acl_policy_paths() {
        assert_eq!(policy_path("my-pol"), "sys/policies/acl/my-pol");
        assert_eq!(policy_path("a/b"), "sys/policies/acl/a/b");
        assert_eq!(policy_path(""), "sys/policies/acl");
    }

    #[test]
    fn a_changed_name_is_shown_as_given() {
        assert_eq!(conversion_warning("abc", "abc"), None);
        assert_eq!(
            conversion_warning(" Sp ", "sp").as_deref(),
            Some("Policy name was converted from \" Sp \" to \"sp\"\n")
        );
    }

    #[test]
    fn a_file_that_is_not_utf8_is_sent_as_base64_of_its_bytes() {
        assert_eq!(policy_text(b"path \"a\" {}".to_vec()), "path \"a\" {}");
        assert_eq!(policy_text(b"a\xff".to_vec()), "Yf8=");
    }
}
