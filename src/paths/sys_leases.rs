//! `sys/leases/revoke-prefix/<prefix>` (root-protected): revokes every lease under a prefix.
//! jwtvault's only leases are tokens, whose lease id is `<creation path>/<hash>` (OpenBao 2.7.2
//! `handleRevokePrefix` with `sync`, its default: nothing to return).

use crate::api::{ApiError, Operation, Response};
use crate::paths::Call;
use crate::token;

/// Serves `sys/leases/revoke-prefix/<prefix>` (update only).
pub fn revoke_prefix(call: &Call, prefix: &str) -> Result<Response, ApiError> {
    if call.req.operation != Operation::Write {
        return Err(ApiError::unsupported_operation());
    }
    token::revoke_prefix(call.store, prefix)?;
    Ok(Response::default())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::api::Operation::{Read, Write};
    use crate::api::Response;
    use crate::paths::token::tests::{bare, err, multi, Fx};

    #[test]
    fn revoke_prefix_ends_at_a_segment_and_takes_children_along() {
        let fx = Fx::new();
        fx.policy(
            "creator",
            r#"path "auth/token/create" { capabilities = ["update"] }"#,
        );
        let t = fx.jwt_token(json!({"token_policies": "creator"}), &[]);
        let child = fx.create(Some(&t), json!({}));
        let created = fx.create(None, json!({"policies": "default"}));
        assert_eq!(
            fx.op(Write, "sys/leases/revoke-prefix/auth/jw", json!({}))
                .unwrap(),
            Response::default()
        );
        assert!(fx.lookup(&t).is_ok());
        fx.op(Write, "sys/leases/revoke-prefix/auth/jwt", json!({}))
            .unwrap();
        assert_eq!(
            bare(fx.lookup(&t).map(|_| Response::default())),
            err(403, "bad token")
        );
        assert_eq!(
            bare(fx.lookup(&child).map(|_| Response::default())),
            err(403, "bad token")
        );
        assert!(fx.lookup(&created).is_ok());
        // An exact creation path works too.
        fx.op(
            Write,
            "sys/leases/revoke-prefix/auth/token/create",
            json!({}),
        )
        .unwrap();
        assert!(fx.lookup(&created).is_err());
        assert_eq!(
            bare(fx.op(Read, "sys/leases/revoke-prefix/x", json!({}))),
            multi(405, "unsupported operation")
        );
    }

    #[test]
    fn revoke_prefix_is_root_protected() {
        let fx = Fx::new();
        fx.policy(
            "rp",
            r#"path "sys/leases/revoke-prefix/*" { capabilities = ["update"] }"#,
        );
        let me = fx.create(None, json!({"policies": "rp"}));
        let e = fx
            .by(&me, Write, "sys/leases/revoke-prefix/auth/token", json!({}))
            .unwrap_err();
        assert_eq!(
            (e.code, e.errors.clone()),
            (403, multi(403, "permission denied").errors)
        );
        assert_eq!(e.hints, ["the calling token from the test (policies [default rp]) is not allowed sudo on sys/leases/revoke-prefix/auth/token"]);
        assert!(fx.lookup(&me).is_ok());
        fx.policy(
            "rp",
            r#"path "sys/leases/revoke-prefix/*" { capabilities = ["update", "sudo"] }"#,
        );
        fx.by(&me, Write, "sys/leases/revoke-prefix/auth/token", json!({}))
            .unwrap();
        assert!(fx.lookup(&me).is_err());
    }
}
