//! `sys/capabilities`, `sys/capabilities-self`, `sys/capabilities-accessor` (OpenBao 2.7.2
//! `handleCapabilities`, `handleCapabilitiesAccessor`, `Core.Capabilities`): a token's
//! capabilities on each of `paths` under Vault's ACL rules — sorted, `root`, or `deny`.
//!
//! The answer has one member per path, named as the request gave it, and `capabilities` too
//! when there is one path (Vault keeps that for older clients; its CLI reads either).

use serde_json::{json, Map};

use crate::api::{ApiError, Operation, Response};
use crate::authz;
use crate::fields;
use crate::paths::{data, Call};
use crate::token;

/// Whose capabilities a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// `sys/capabilities`: the token in the `token` field.
    Token,
    /// `sys/capabilities-self`: the caller's own token.
    Own,
    /// `sys/capabilities-accessor`: the token of the `accessor` field.
    Accessor,
}

/// The token asked about: its value, or already found by its accessor.
enum Named {
    Raw(String),
    Found(Box<token::Found>),
}

/// Serves a capabilities path (update only, as Vault).
pub fn write(call: &Call, subject: Subject) -> Result<Response, ApiError> {
    if call.req.operation != Operation::Write {
        return Err(ApiError::multi(405, "unsupported operation"));
    }
    let d = &call.req.data;
    let field = |name: &str| -> Result<String, ApiError> {
        d.get(name)
            .map(|v| fields::string(name, v))
            .transpose()
            .map_err(|e| ApiError::bad_request(e.validation_message()))
            .map(Option::unwrap_or_default)
    };
    let list = |name: &str| -> Result<Vec<String>, ApiError> {
        d.get(name)
            .map(|v| fields::comma_string_slice(name, v))
            .transpose()
            .map_err(|e| ApiError::bad_request(e.validation_message()))
            .map(Option::unwrap_or_default)
    };
    let (token_field, paths_field, path_field) = (field("token")?, list("paths")?, list("path")?);
    // The token is decided first: by accessor, the caller's, or the `token` field.
    let token = match subject {
        Subject::Accessor => {
            let accessor = field("accessor")?;
            if accessor.is_empty() {
                return Err(ApiError::bad_request("missing accessor"));
            }
            Named::Found(Box::new(
                token::find_by_accessor(call.store, &accessor, call.ctx.now)?
                    .ok_or_else(|| ApiError::multi(400, "invalid accessor"))?,
            ))
        }
        Subject::Own => Named::Raw(
            call.who
                .token()
                .map(|t| t.token.expose().to_string())
                .unwrap_or_default(),
        ),
        Subject::Token => Named::Raw(token_field),
    };
    if matches!(&token, Named::Raw(raw) if raw.is_empty()) {
        return Err(ApiError::multi(500, "no token found"));
    }
    let paths = if paths_field.is_empty() {
        path_field
    } else {
        paths_field
    };
    if paths.is_empty() {
        return Err(ApiError::bad_request("paths must be supplied"));
    }
    let mut out = Map::new();
    for path in &paths {
        if path.is_empty() {
            return Err(ApiError::multi(400, "missing path"));
        }
        // Vault looks the token up for every path; one on its last use is already revoked.
        let found = match &token {
            Named::Raw(raw) => token::find(call.store, raw, call.ctx.now)?
                .ok_or_else(|| ApiError::multi(400, "invalid token"))?,
            Named::Found(found) => (**found).clone(),
        };
        out.insert(
            path.clone(),
            json!(authz::capabilities(call.store, &found, path)?),
        );
    }
    if let [only] = paths.as_slice() {
        let caps = out[only.as_str()].clone();
        out.insert("capabilities".into(), caps);
    }
    Ok(data(out))
}
