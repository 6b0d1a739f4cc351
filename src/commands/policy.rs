//! `policy write|read|list|delete|fmt` (cli-reference §4.12). The operator acts with root
//! rights here: policies are configuration.

use base64::Engine;
use serde_json::json;

use crate::acl;
use crate::api::ApiError;
use crate::cli::{PolicyCommand, PositionalArgs};
use crate::commands::{expect_args, Run};
use crate::error::Error;
use crate::output::printer::Success;
use crate::output::{self, Format};

pub fn dispatch(run: &Run, cmd: PolicyCommand) -> Result<(), Error> {
    match cmd {
        PolicyCommand::Write(a) => write(run, a),
        PolicyCommand::Read(a) => read(run, a),
        PolicyCommand::List(a) => list(run, a),
        PolicyCommand::Delete(a) => delete(run, a),
        PolicyCommand::Fmt(a) => fmt(run, a),
    }
}

/// Vault's quirk: a policy text that decodes as base64 is stored decoded. Go's
/// `base64.StdEncoding.DecodeString` skips `\r` and `\n`, needs padding and tolerates non-zero
/// trailing bits; its result is used even when it is not UTF-8 (the parser then refuses it).
fn maybe_base64(bytes: &[u8]) -> Vec<u8> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let t: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|c| *c != b'\r' && *c != b'\n')
        .collect();
    GO_STD.decode(&t).unwrap_or_else(|_| bytes.to_vec())
}

fn write(run: &Run, a: PositionalArgs) -> Result<(), Error> {
    expect_args(&a.args, 2, 2)?;
    let given = a.args[0].trim();
    let name = given.to_lowercase();
    // Vault's texts: `Error opening policy file` when the file cannot be opened, `Error
    // reading policy` when it (or stdin) cannot be read, or is over the input limit.
    let reading = |e: String| Error::Failed(format!("Error reading policy: {e}"));
    let bytes = if a.args[1] == "-" {
        run.read_stdin_bytes().map_err(|e| reading(e.to_string()))?
    } else {
        let file = crate::kv::open_file(&a.args[1])
            .map_err(|e| Error::Failed(format!("Error opening policy file: {e}")))?;
        crate::kv::read_opened(file, &a.args[1]).map_err(reading)?
    };
    const CTX: &str = "Error uploading policy";
    if name == "root" || name == "response-wrapping" {
        return Err(Error::api(
            CTX,
            ApiError::bad_request(format!("cannot update \"{name}\" policy")),
        ));
    }
    let bytes = maybe_base64(&bytes);
    if String::from_utf8_lossy(&bytes).trim().is_empty() {
        return Err(Error::api(
            CTX,
            ApiError::bad_request("'policy' parameter not supplied or empty"),
        ));
    }
    // The bytes themselves go to the parser, as Vault's server parses them: a byte that is not
    // UTF-8, or a NUL, is refused with HCL1's error instead of being stored replaced.
    let policy = acl::parse_policy_bytes(&name, &bytes)
        .map_err(|e| Error::api(CTX, ApiError::bad_request(e)))?;
    if given != name {
        run.printer.stderr(&format!(
            "Policy name was converted from \"{given}\" to \"{name}\"\n"
        ));
    }
    let store = run.open()?;
    store.put_policy(&name, &policy.raw)?;
    store.commit()?;
    run.printer.success(Success::UploadedPolicy { name });
    Ok(())
}

fn read(run: &Run, a: PositionalArgs) -> Result<(), Error> {
    expect_args(&a.args, 1, 1)?;
    let name = a.args[0].trim().to_lowercase();
    let store = run.open()?;
    let raw = if name == "root" {
        None
    } else {
        store.get_policy(&name)?
    };
    store.commit()?;
    let Some(raw) = raw else {
        return Err(Error::Failed(format!("No policy named: {name}")));
    };
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

fn list(run: &Run, a: PositionalArgs) -> Result<(), Error> {
    expect_args(&a.args, 0, 0)?;
    let store = run.open()?;
    let mut names = store.list_policies()?;
    store.commit()?;
    names.push("root".into());
    match run.format {
        Format::Table => run
            .printer
            .stdout(&names.iter().map(|n| format!("{n}\n")).collect::<String>()),
        Format::Json => run.printer.stdout(&output::to_json(&json!(names))),
        Format::Yaml => run.printer.stdout(&output::to_yaml(&json!(names))),
    }
    Ok(())
}

fn delete(run: &Run, a: PositionalArgs) -> Result<(), Error> {
    expect_args(&a.args, 1, 1)?;
    let name = a.args[0].trim().to_lowercase();
    let ctx = format!("Error deleting {name}");
    match name.as_str() {
        "default" => {
            return Err(Error::api(
                ctx,
                ApiError::bad_request("cannot delete default policy"),
            ))
        }
        "root" => {
            return Err(Error::api(
                ctx,
                ApiError::bad_request("cannot delete \"root\" policy"),
            ))
        }
        _ => {}
    }
    let store = run.open()?;
    store.delete_policy(&name)?;
    store.commit()?;
    run.printer.success(Success::DeletedPolicy { name });
    Ok(())
}

/// `policy fmt FILE`: purely local; parse first, then rewrite canonically (0644).
fn fmt(run: &Run, a: PositionalArgs) -> Result<(), Error> {
    expect_args(&a.args, 1, 1)?;
    let path = match a.args[0].strip_prefix("~/") {
        Some(rest) => dirs::home_dir()
            .map(|h| h.join(rest))
            .unwrap_or_else(|| rest.into()),
        None => std::path::PathBuf::from(&a.args[0]),
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
    fn base64_policies_are_decoded() {
        let enc = base64::engine::general_purpose::STANDARD.encode("path \"a\" {\n}\n");
        assert_eq!(maybe_base64(enc.as_bytes()), b"path \"a\" {\n}\n");
        assert_eq!(maybe_base64(b"path \"a\" {}"), b"path \"a\" {}");
        assert_eq!(maybe_base64(b"/w=="), b"\xff");
    }
}
