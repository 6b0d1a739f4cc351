//! `sys/leases/revoke-prefix/<prefix>` (root-protected): revokes every lease under a prefix.
//! jwtvault's only leases are tokens, whose lease id is `<creation path>/<hash>` (OpenBao 2.7.2
//! `handleRevokePrefix` with `sync`, its default: nothing to return).

use crate::api::{ApiError, Operation, Response};
use crate::paths::Call;
use crate::token;

/// Serves `sys/leases/revoke-prefix/<prefix>` (update only).
pub fn revoke_prefix(call: &Call, prefix: &str) -> Result<Response, ApiError> {
    if call.req.operation != Operation::Write {
        return Err(ApiError::multi(405, "unsupported operation"));
    }
    token::revoke_prefix(call.store, prefix)?;
    Ok(Response::default())
}
