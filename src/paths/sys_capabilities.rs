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
        return Err(ApiError::unsupported_operation());
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

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::api::Operation::{Read, Write};
    use crate::paths::token::tests::{bare, err, multi, Fx};

    /// The data of a capabilities answer.
    fn caps(r: Result<crate::api::Response, crate::api::ApiError>) -> Value {
        Value::Object(r.unwrap().data.unwrap())
    }

    #[test]
    fn capabilities_of_a_token_its_own_and_by_accessor() {
        let fx = Fx::new();
        fx.policy(
            "p1",
            r#"path "secret/*" { capabilities = ["update", "read", "create"] }
path "secret/deny" { capabilities = ["deny"] }
path "kv/+/x" { capabilities = ["list", "sudo"] }"#,
        );
        let t = fx.create(None, json!({"policies": "p1"}));
        let by_token = |paths: Value| {
            fx.op(
                Write,
                "sys/capabilities",
                json!({"token": t, "paths": paths}),
            )
        };
        assert_eq!(
            caps(by_token(json!("secret/a"))),
            json!({"secret/a": ["create", "read", "update"], "capabilities": ["create", "read", "update"]})
        );
        // Several paths: one member each, named as given, and no `capabilities`.
        assert_eq!(
            caps(by_token(json!([
                "/secret/deny/",
                "kv/a/x",
                "nothing",
                "cubbyhole/x"
            ]))),
            json!({
                "/secret/deny/": ["deny"],
                "kv/a/x": ["list", "sudo"],
                "nothing": ["deny"],
                "cubbyhole/x": ["create", "delete", "list", "read", "update"],
            })
        );
        // The Vault CLI's deprecated `path`; a comma-separated `paths`.
        assert_eq!(
            caps(fx.op(
                Write,
                "sys/capabilities",
                json!({"token": t, "path": "secret/a"})
            ))["capabilities"],
            json!(["create", "read", "update"])
        );
        assert_eq!(
            caps(by_token(json!("a,b"))),
            json!({"a": ["deny"], "b": ["deny"]})
        );
        // Its own: the default policy allows sys/capabilities-self.
        assert_eq!(
            caps(fx.by(
                &t,
                Write,
                "sys/capabilities-self",
                json!({"paths": ["secret/x"], "token": "ignored"})
            ))["capabilities"],
            json!(["create", "read", "update"])
        );
        // By accessor.
        let acc = fx.lookup(&t).unwrap()["accessor"].clone();
        assert_eq!(
            caps(fx.op(
                Write,
                "sys/capabilities-accessor",
                json!({"accessor": acc, "paths": "kv/b/x"})
            ))["capabilities"],
            json!(["list", "sudo"])
        );
        // A root token; a token with no policies at all.
        let root = fx.create(None, json!({}));
        assert_eq!(
            caps(fx.op(
                Write,
                "sys/capabilities",
                json!({"token": root, "paths": "x"})
            ))["x"],
            json!(["root"])
        );
        let none = fx.create(
            None,
            json!({"policies": "default", "no_default_policy": true}),
        );
        assert_eq!(
            caps(fx.op(
                Write,
                "sys/capabilities",
                json!({"token": none, "paths": "x"})
            ))["x"],
            json!(["deny"])
        );
        // Policies change under a live token: computed at request time.
        fx.policy("p1", r#"path "secret/*" { capabilities = ["list"] }"#);
        assert_eq!(
            caps(by_token(json!("secret/a")))["capabilities"],
            json!(["list"])
        );
    }

    #[test]
    fn templated_and_identity_policies_count() {
        let fx = Fx::new();
        let mount = fx.jwt_mount();
        let group = fx
            .op(
                Write,
                "identity/group",
                json!({"name": "eng", "type": "external", "policies": "gp"}),
            )
            .unwrap()
            .data
            .unwrap();
        fx.op(
            Write,
            "identity/group-alias",
            json!({"name": "eng", "mount_accessor": mount.accessor, "canonical_id": group["id"]}),
        )
        .unwrap();
        fx.policy(
            "tp",
            &format!(
                r#"path "secret/{{{{identity.entity.aliases.{}.name}}}}/*" {{ capabilities = ["read"] }}"#,
                mount.accessor
            ),
        );
        fx.policy("gp", r#"path "team/*" { capabilities = ["list"] }"#);
        let t = fx.jwt_token(json!({"token_policies": "tp"}), &[]);
        let on = |p: &str| {
            caps(fx.op(Write, "sys/capabilities", json!({"token": t, "paths": p})))["capabilities"]
                .clone()
        };
        assert_eq!(on("secret/alice/x"), json!(["read"]));
        assert_eq!(on("secret/bob/x"), json!(["deny"]));
        assert_eq!(on("team/a"), json!(["list"]));
        assert_eq!(fx.lookup(&t).unwrap()["identity_policies"], json!(["gp"]));
    }

    #[test]
    fn capabilities_errors_are_vaults() {
        let fx = Fx::new();
        let t = fx.create(None, json!({"policies": "default"}));
        let w = |path: &str, data: Value| bare(fx.op(Write, path, data));
        assert_eq!(
            w("sys/capabilities", json!({"paths": "a"})),
            multi(500, "no token found")
        );
        assert_eq!(
            w("sys/capabilities", json!({"token": t})),
            err(400, "paths must be supplied")
        );
        assert_eq!(
            w("sys/capabilities", json!({"token": t, "paths": [""]})),
            multi(400, "missing path")
        );
        assert_eq!(
            w(
                "sys/capabilities",
                json!({"token": "jvs.nope", "paths": "a"})
            ),
            multi(400, "invalid token")
        );
        assert_eq!(
            w("sys/capabilities-accessor", json!({"paths": "a"})),
            err(400, "missing accessor")
        );
        assert_eq!(
            w(
                "sys/capabilities-accessor",
                json!({"accessor": "x", "paths": "a"})
            ),
            multi(400, "invalid accessor")
        );
        assert_eq!(
            w("sys/capabilities", json!({"token": t, "paths": [["a"]]})),
            err(400, "Field validation failed: error converting input for field \"paths\": 1 error(s) decoding:\n\n* '[0]' expected type 'string', got unconvertible type '[]interface {}', value: '[a]'")
        );
        // The operator has no token of its own; reads are not served.
        assert_eq!(
            w("sys/capabilities-self", json!({"paths": "a"})),
            err(403, "permission denied")
        );
        assert_eq!(
            bare(fx.op(Read, "sys/capabilities", json!({}))),
            multi(405, "unsupported operation")
        );
        // A caller needs update on the path itself: `default` allows only the self form.
        let other = fx.create(None, json!({"policies": "default"}));
        assert_eq!(
            bare(fx.by(
                &t,
                Write,
                "sys/capabilities",
                json!({"token": other, "paths": "a"})
            )),
            multi(403, "permission denied")
        );
    }
}
