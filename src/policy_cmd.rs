//! `policy write|read|list|delete|fmt` (cli-reference §4.12). The operator acts with root
//! rights here: policies are configuration.

use base64::Engine;
use serde_json::json;

use crate::acl;
use crate::api::ApiError;
use crate::cli::{PolicyCommand, PositionalArgs};
use crate::commands::{expect_args, print, Run};
use crate::error::Error;
use crate::output::{self, Format};

pub fn dispatch(run: &Run, cmd: PolicyCommand) -> Result<(), Error> {
    match cmd {
        PolicyCommand::Write(a) => write(run, a),
        PolicyCommand::Read(a) => read(run, a),
        PolicyCommand::List(a) => list(run, a),
        PolicyCommand::Delete(a) => delete(run, a),
        PolicyCommand::Fmt(a) => fmt(a),
    }
}

/// Vault's quirk: a policy text that decodes as base64 is stored decoded. Go's
/// `base64.StdEncoding.DecodeString` skips `\r` and `\n`, needs padding and tolerates non-zero
/// trailing bits; its result is used even when it is not UTF-8 (the parser then refuses it).
fn maybe_base64(text: &str) -> String {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let t: String = text.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    match GO_STD.decode(t.as_bytes()) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => text.to_string(),
    }
}

fn write(run: &Run, a: PositionalArgs) -> Result<(), Error> {
    expect_args(&a.args, 2, 2)?;
    let given = a.args[0].trim();
    let name = given.to_lowercase();
    let text = if a.args[1] == "-" {
        run.read_stdin()
            .map_err(|e| Error::Failed(format!("Error reading policy: {e}")))?
    } else {
        let bytes = crate::kv::read_file(&a.args[1])
            .map_err(|e| Error::Failed(format!("Error opening policy file: {e}")))?;
        String::from_utf8_lossy(&bytes).into_owned()
    };
    const CTX: &str = "Error uploading policy";
    if name == "root" || name == "response-wrapping" {
        return Err(Error::api(
            CTX,
            ApiError::bad_request(format!("cannot update \"{name}\" policy")),
        ));
    }
    let text = maybe_base64(&text);
    if text.trim().is_empty() {
        return Err(Error::api(
            CTX,
            ApiError::bad_request("'policy' parameter not supplied or empty"),
        ));
    }
    acl::parse_policy(&name, &text).map_err(|e| Error::api(CTX, ApiError::bad_request(e)))?;
    if given != name {
        print::err(&format!(
            "Policy name was converted from \"{given}\" to \"{name}\"\n"
        ));
    }
    let store = run.open()?;
    store.put_policy(&name, &text)?;
    store.commit()?;
    print::out(&format!("Success! Uploaded policy: {name}\n"));
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
        Format::Table => print::out(&format!("{}\n", raw.trim())),
        Format::Json => print::out(&output::to_json(&json!({ "policy": raw }))),
        Format::Yaml => print::out(&output::to_yaml(&json!({ "policy": raw }))),
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
        Format::Table => print::out(&names.iter().map(|n| format!("{n}\n")).collect::<String>()),
        Format::Json => print::out(&output::to_json(&json!(names))),
        Format::Yaml => print::out(&output::to_yaml(&json!(names))),
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
    print::out(&format!("Success! Deleted policy: {name}\n"));
    Ok(())
}

/// `policy fmt FILE`: purely local; parse first, then rewrite canonically (0644).
fn fmt(a: PositionalArgs) -> Result<(), Error> {
    expect_args(&a.args, 1, 1)?;
    let path = match a.args[0].strip_prefix("~/") {
        Some(rest) => dirs::home_dir()
            .map(|h| h.join(rest))
            .unwrap_or_else(|| rest.into()),
        None => std::path::PathBuf::from(&a.args[0]),
    };
    // Go's wording: `open <path>: no such file or directory`.
    let bytes = crate::kv::read_file(&path.display().to_string())
        .map_err(|e| Error::Usage(format!("Error reading source file: {e}")))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let formatted = acl::format_policy(&text).map_err(Error::Usage)?;
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
    print::out(&format!("Success! Formatted policy: {}\n", path.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_policies_are_decoded() {
        let enc = base64::engine::general_purpose::STANDARD.encode("path \"a\" {\n}\n");
        assert_eq!(maybe_base64(&enc), "path \"a\" {\n}\n");
        assert_eq!(maybe_base64("path \"a\" {}"), "path \"a\" {}");
    }
}
