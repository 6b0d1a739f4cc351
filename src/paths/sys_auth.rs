//! `sys/auth` (read: every auth mount) and `sys/auth/<path>` (read: one mount; write: enable;
//! delete: disable), with Vault's fields, checks and messages, verified against OpenBao 2.7.2.
//! The mount table itself is `mounts.rs`.
//!
//! `sys/auth/*` is root-protected in Vault: a token needs `sudo` on the path as well as the
//! operation's capability. `sys/auth` itself needs `read` only.

use serde_json::{Map, Value};

use crate::api::{ApiError, Operation, Response};
use crate::authz::Who;
use crate::fields::{self, FieldError};
use crate::gofmt::{format_value, go_quote};
use crate::paths::mounts::{self, EnableRequest, SYSTEM_TTL};
use crate::paths::{data, Call};
use crate::store::Store;

/// What a `sys/auth…` path names.
pub type Target = mounts::TableTarget;

/// The target of a `sys/auth…` path (`None`: not one); see [`mounts::resolve_table`].
pub fn resolve(path: &str) -> Result<Option<Target>, ApiError> {
    mounts::resolve_table("sys/auth", path)
}

/// Serves a `sys/auth…` request.
pub fn handle(call: &Call, target: Target) -> Result<Response, ApiError> {
    let (store, req) = (call.store, call.req);
    match target {
        Target::Table => match req.operation {
            Operation::Read => Ok(data(mounts::table(store)?)),
            // Vault lists `sys/auth/`, which no pattern matches.
            Operation::List => Err(ApiError::multi(404, "unsupported path")),
            _ => Err(ApiError::unsupported_operation()),
        },
        Target::Mount(path) => {
            require_sudo(call.who, &req.path)?;
            match req.operation {
                Operation::Read => read(store, &path),
                Operation::Write => {
                    mounts::enable(store, &enable_request(path, &req.data)?)?;
                    Ok(Response::default())
                }
                Operation::Delete => {
                    mounts::disable(store, &path)?;
                    Ok(Response::default())
                }
                Operation::List | Operation::Patch => Err(ApiError::unsupported_operation()),
            }
        }
    }
}

/// A token's `sudo` on a root-protected path (the operator has root rights). Like a missing
/// capability, a refusal leaves the token's use spent.
fn require_sudo(who: &Who, path: &str) -> Result<(), ApiError> {
    match who.token() {
        Some(t) if !t.root_privs => {
            Err(ApiError::multi(403, "permission denied").with_hint(format!(
                "the calling token from {} has no sudo capability on {path}: sys/auth/* is \
                 root-protected",
                t.source
            )))
        }
        _ => Ok(()),
    }
}

/// `GET sys/auth/<path>`: the mount as the table shows it.
fn read(store: &Store, path: &str) -> Result<Response, ApiError> {
    match store.get_mount(path)? {
        Some(m) => Ok(data(mounts::mount_info(&m))),
        None => Err(ApiError::bad_request(format!("No auth engine at {path}"))),
    }
}

fn validation(e: FieldError) -> ApiError {
    ApiError::bad_request(e.validation_message())
}

/// Vault's `APIMountConfig` decoding (mapstructure, not weak): a string field takes a string
/// or a number's text, a bool field a bool; null is the zero value.
fn config_string(config: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match config.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(unconvertible_config()),
    }
}

fn unconvertible_config() -> ApiError {
    ApiError::bad_request("unable to convert given auth config information")
}

/// A config TTL: empty or `system` is 0 (the system's), else Vault's `ParseDurationSecond`.
fn config_ttl(which: &str, s: &str) -> Result<i64, ApiError> {
    match s {
        "" | "system" => Ok(0),
        _ => fields::parse_duration(s)
            .map_err(|e| ApiError::bad_request(format!("unable to parse {which} TTL of {s}: {e}"))),
    }
}

/// The body of `sys/auth/<path>` (Vault's `type`, `description`, `config{default_lease_ttl,
/// max_lease_ttl, force_no_cache, token_type}`, `local`, `seal_wrap`,
/// `external_entropy_access`, `options`, `plugin_version`), checked in OpenBao's order: the
/// framework's field conversions, the config's TTLs and token type, then the type. What
/// jwtvault cannot keep (a local or seal-wrapped mount, options, a plugin version) is refused
/// rather than dropped. Other config keys are ignored (OpenBao ignores `force_no_cache` too).
fn enable_request(path: String, d: &Map<String, Value>) -> Result<EnableRequest, ApiError> {
    let get = |k: &str| d.get(k).unwrap_or(&Value::Null);
    let kind = fields::string("type", get("type")).map_err(validation)?;
    let description = fields::string("description", get("description")).map_err(validation)?;
    let config = fields::map("config", get("config"))
        .map_err(validation)?
        .unwrap_or_default();
    let mut set = Vec::new();
    for k in ["local", "seal_wrap", "external_entropy_access"] {
        if fields::bool(k, get(k)).map_err(validation)? {
            set.push(k);
        }
    }
    let options = fields::kv_pairs("options", get("options")).map_err(validation)?;
    let plugin_version =
        fields::string("plugin_version", get("plugin_version")).map_err(validation)?;

    let default_raw = config_string(&config, "default_lease_ttl")?;
    let max_raw = config_string(&config, "max_lease_ttl")?;
    let token_type = config_string(&config, "token_type")?;
    if !matches!(
        config.get("force_no_cache"),
        None | Some(Value::Null | Value::Bool(_))
    ) {
        return Err(unconvertible_config());
    }
    let default_lease_ttl = config_ttl("default", &default_raw)?;
    let max_lease_ttl = config_ttl("max", &max_raw)?;
    if max_lease_ttl != 0 && default_lease_ttl > max_lease_ttl {
        return Err(ApiError::bad_request(
            "given default lease TTL greater than given max lease TTL",
        ));
    }
    if default_lease_ttl > SYSTEM_TTL && max_lease_ttl == 0 {
        return Err(ApiError::bad_request(format!(
            "given default lease TTL greater than system max lease TTL of {SYSTEM_TTL}"
        )));
    }
    let token_type = match token_type.as_str() {
        "" | "default-service" => "default-service",
        "default-batch" | "service" | "batch" => token_type.as_str(),
        _ => return Err(ApiError::bad_request("invalid value for 'token_type'")),
    };
    if kind.is_empty() {
        return Err(ApiError::bad_request(
            "backend type must be specified as a string",
        ));
    }
    if let Some(k) = set.first() {
        let why = match *k {
            "local" => "jwtvault has no replication",
            "seal_wrap" => "jwtvault has no seal wrapping",
            _ => "jwtvault has no external entropy source",
        };
        return Err(ApiError::bad_request(format!(
            "unsupported '{k}': expected false, found true ({why})"
        )));
    }
    if let Some(options) = options.filter(|o| !o.is_empty()) {
        let shown = Value::Object(options.into_iter().map(|(k, v)| (k, v.into())).collect());
        return Err(ApiError::bad_request(format!(
            "unsupported 'options': expected none, found {} (jwtvault keeps no mount options)",
            format_value(&shown)
        )));
    }
    if !plugin_version.is_empty() {
        return Err(ApiError::bad_request(format!(
            "unsupported 'plugin_version': expected none, found {} (jwtvault's jwt and oidc \
             methods are built in)",
            go_quote(&plugin_version)
        )));
    }
    Ok(EnableRequest {
        kind,
        path,
        description,
        default_lease_ttl,
        max_lease_ttl,
        token_type: token_type.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::{Caller, CallerToken, Request};
    use crate::backend::{Backend, Failure, LocalBackend};
    use crate::secret::Secret;

    fn backend() -> (tempfile::TempDir, LocalBackend) {
        let dir = tempfile::tempdir().expect("tempdir");
        let b = LocalBackend::new(dir.path().join("state.db"), true);
        (dir, b)
    }

    fn answer(b: &LocalBackend, req: &Request) -> Result<Response, ApiError> {
        match b.handle(req) {
            Ok(r) => Ok(r),
            Err(Failure::Api(e)) => Err(e),
            Err(Failure::Store(e)) => panic!("{req:?}: {e}"),
        }
    }

    fn ok(b: &LocalBackend, req: Request) -> Response {
        answer(b, &req).unwrap_or_else(|e| panic!("{req:?}: {e:?}"))
    }

    fn err(b: &LocalBackend, req: Request) -> ApiError {
        match answer(b, &req) {
            Ok(r) => panic!("{req:?} succeeded: {r:?}"),
            Err(e) => e,
        }
    }

    /// Vault's 204: no data, no warnings.
    fn no_content(r: &Response) -> bool {
        r.data.is_none() && r.auth.is_none() && r.warnings.is_empty()
    }

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    fn enable(path: &str, v: Value) -> Request {
        Request::write(format!("sys/auth/{path}"), body(v))
    }

    fn bad(msg: &str) -> ApiError {
        ApiError::bad_request(msg)
    }

    #[test]
    fn the_table_is_openbaos_sys_auth() {
        let (_d, b) = backend();
        let resp = ok(&b, Request::read("sys/auth"));
        let table = resp.data.expect("data");
        assert_eq!(table.keys().collect::<Vec<_>>(), ["token/"]);
        let token = &table["token/"];
        assert_eq!(
            token
                .as_object()
                .expect("object")
                .keys()
                .collect::<Vec<_>>(),
            [
                "accessor",
                "config",
                "description",
                "external_entropy_access",
                "local",
                "options",
                "plugin_version",
                "running_plugin_version",
                "running_sha256",
                "seal_wrap",
                "type",
                "uuid"
            ]
        );
        assert_eq!(token["description"], "token based credentials");
        assert_eq!(
            token["config"],
            json!({"default_lease_ttl": 0, "force_no_cache": false, "max_lease_ttl": 0, "token_type": "default-service"})
        );
        // What `auth enable -path=fd -description="my desc" -default-lease-ttl=1h
        // -max-lease-ttl=2h -token-type=batch jwt` sends.
        let cli = json!({
            "type": "jwt", "description": "my desc",
            "config": {"options": null, "default_lease_ttl": "1h0m0s", "max_lease_ttl": "2h0m0s",
                       "force_no_cache": false, "token_type": "batch"},
            "local": false, "seal_wrap": false, "external_entropy_access": false, "options": null,
        });
        let resp = ok(&b, enable("fd", cli));
        assert!(no_content(&resp), "Vault answers 204: {resp:?}");
        let table = ok(&b, Request::read("sys/auth")).data.expect("data");
        assert_eq!(table.keys().collect::<Vec<_>>(), ["fd/", "token/"]);
        let fd = &table["fd/"];
        assert_eq!(fd["type"], "jwt");
        assert_eq!(fd["description"], "my desc");
        assert_eq!(fd["deprecation_status"], "supported");
        assert_eq!(
            fd["config"],
            json!({"default_lease_ttl": 3600, "force_no_cache": false, "max_lease_ttl": 7200, "token_type": "batch"})
        );
        // One mount reads as its row of the table.
        let one = ok(&b, Request::read("sys/auth/fd")).data.expect("data");
        assert_eq!(&Value::Object(one), fd);
        let token_one = ok(&b, Request::read("sys/auth/token")).data.expect("data");
        assert_eq!(token_one.get("deprecation_status"), None);
        assert_eq!(
            err(&b, Request::read("sys/auth/nope")),
            bad("No auth engine at nope/")
        );
    }

    #[test]
    fn enable_checks_the_body_in_openbaos_order() {
        let (_d, b) = backend();
        for (v, want) in [
            (json!({}), "backend type must be specified as a string"),
            (json!({"type": ""}), "backend type must be specified as a string"),
            (json!({"type": "foo"}), "plugin not found in the catalog: foo"),
            (json!({"type": 5}), "plugin not found in the catalog: 5"),
            (json!({"type": "token"}), "token credential backend cannot be instantiated"),
            // The config comes before the type.
            (
                json!({"type": "foo", "config": {"default_lease_ttl": "abc"}}),
                "unable to parse default TTL of abc: time: invalid duration \"abc\"",
            ),
            (
                json!({"type": "jwt", "config": {"default_lease_ttl": "abc", "max_lease_ttl": "abc"}}),
                "unable to parse default TTL of abc: time: invalid duration \"abc\"",
            ),
            (
                json!({"type": "jwt", "config": {"max_lease_ttl": "abc"}}),
                "unable to parse max TTL of abc: time: invalid duration \"abc\"",
            ),
            (
                json!({"type": "jwt", "config": {"default_lease_ttl": 1.5}}),
                "unable to parse default TTL of 1.5: time: missing unit in duration \"1.5\"",
            ),
            (
                json!({"type": "jwt", "config": {"default_lease_ttl": 3600, "max_lease_ttl": 60}}),
                "given default lease TTL greater than given max lease TTL",
            ),
            (
                json!({"type": "jwt", "config": {"max_lease_ttl": "1d", "default_lease_ttl": "2d"}}),
                "given default lease TTL greater than given max lease TTL",
            ),
            (
                json!({"type": "jwt", "config": {"max_lease_ttl": "-1h", "default_lease_ttl": "1h"}}),
                "given default lease TTL greater than given max lease TTL",
            ),
            (
                json!({"type": "jwt", "config": {"default_lease_ttl": "100000h"}}),
                "given default lease TTL greater than system max lease TTL of 2764800",
            ),
            (json!({"config": {"token_type": "x"}}), "invalid value for 'token_type'"),
            (json!({"type": "foo", "config": {"token_type": 5}}), "invalid value for 'token_type'"),
            (
                json!({"type": "jwt", "config": {"default_lease_ttl": true}}),
                "unable to convert given auth config information",
            ),
            (
                json!({"type": "jwt", "config": {"default_lease_ttl": ["1h"]}}),
                "unable to convert given auth config information",
            ),
            (
                json!({"type": "jwt", "config": {"force_no_cache": "true"}}),
                "unable to convert given auth config information",
            ),
            (
                json!({"type": "jwt", "config": "notamap"}),
                "Field validation failed: error converting input for field \"config\": '' expected type 'map[string]interface {}', got unconvertible type 'string'",
            ),
            (
                json!({"type": "jwt", "description": ["a"]}),
                "Field validation failed: error converting input for field \"description\": '' expected type 'string', got unconvertible type '[]interface {}'",
            ),
            (
                json!({"type": "jwt", "local": "x"}),
                "Field validation failed: error converting input for field \"local\": '' cannot parse value as 'bool': strconv.ParseBool: invalid syntax",
            ),
            (
                json!({"type": "jwt", "options": "x"}),
                "Field validation failed: error converting input for field \"options\": invalid key pair at index 0 in field \"options\"",
            ),
            // What jwtvault cannot keep is refused, not dropped.
            (
                json!({"type": "jwt", "local": true}),
                "unsupported 'local': expected false, found true (jwtvault has no replication)",
            ),
            (
                json!({"type": "jwt", "seal_wrap": true}),
                "unsupported 'seal_wrap': expected false, found true (jwtvault has no seal wrapping)",
            ),
            (
                json!({"type": "jwt", "external_entropy_access": "true"}),
                "unsupported 'external_entropy_access': expected false, found true (jwtvault has no external entropy source)",
            ),
            (
                json!({"type": "jwt", "options": {"a": "b", "c": 1}}),
                "unsupported 'options': expected none, found map[a:b c:1] (jwtvault keeps no mount options)",
            ),
            (
                json!({"type": "jwt", "plugin_version": "v1.0.0"}),
                "unsupported 'plugin_version': expected none, found \"v1.0.0\" (jwtvault's jwt and oidc methods are built in)",
            ),
        ] {
            assert_eq!(err(&b, enable("t1", v.clone())), bad(want), "{v}");
        }
        let table = ok(&b, Request::read("sys/auth")).data.expect("data");
        assert_eq!(
            table.keys().collect::<Vec<_>>(),
            ["token/"],
            "nothing enabled"
        );

        // Accepted: numbers as seconds, `system`, days, negative TTLs (as OpenBao), a number
        // as the description, unknown fields and config keys, `false`/null/`{}` for what
        // jwtvault cannot keep.
        for (path, v, config) in [
            (
                "n1",
                json!({"type": "jwt", "config": {"default_lease_ttl": "5", "max_lease_ttl": "1d"}}),
                json!([5, 86400, "default-service"]),
            ),
            (
                "n2",
                json!({"type": "oidc", "config": {"default_lease_ttl": "system", "max_lease_ttl": "system", "token_type": "default-batch"}}),
                json!([0, 0, "default-batch"]),
            ),
            (
                "n3",
                json!({"type": "jwt", "description": 5, "bogus": 1, "config": {"foo": true, "force_no_cache": true, "default_lease_ttl": -5}}),
                json!([-5, 0, "default-service"]),
            ),
            (
                "n4",
                json!({"type": "jwt", "local": false, "seal_wrap": "0", "options": {}, "plugin_version": "", "config": []}),
                json!([0, 0, "default-service"]),
            ),
            (
                "n5",
                json!({"type": "jwt", "config": {"default_lease_ttl": "1h", "max_lease_ttl": "10000h", "token_type": "service"}}),
                json!([3600, 36_000_000, "service"]),
            ),
        ] {
            ok(&b, enable(path, v.clone()));
            let m = ok(&b, Request::read(format!("sys/auth/{path}")))
                .data
                .expect("data");
            let c = &m["config"];
            assert_eq!(
                json!([c["default_lease_ttl"], c["max_lease_ttl"], c["token_type"]]),
                config,
                "{v}"
            );
            if path == "n3" {
                assert_eq!(m["description"], "5");
                assert_eq!(c["force_no_cache"], false);
            }
        }
    }

    #[test]
    fn operations_and_path_rules_are_vaults() {
        let (_d, b) = backend();
        let unsupported = ApiError::unsupported_operation();
        let jwt = || json!({"type": "jwt"});
        assert_eq!(
            err(&b, Request::write("sys/auth", body(jwt()))),
            unsupported
        );
        assert_eq!(err(&b, Request::delete("sys/auth")), unsupported);
        assert_eq!(
            err(&b, Request::list("sys/auth")),
            ApiError::multi(404, "unsupported path")
        );
        assert_eq!(err(&b, Request::list("sys/auth/token")), unsupported);
        // A mount path of spaces and slashes is `sys/auth` itself.
        for p in [" ", " / "] {
            assert_eq!(err(&b, enable(p, jwt())), unsupported, "{p:?}");
        }
        for p in ["../x", "a/./b", "x/.."] {
            let e = err(&b, enable(p, jwt()));
            assert_eq!(e.errors, ["relative paths not supported"], "{p}");
            assert_eq!(
                e.hints,
                [format!(
                    "the mount path \"{p}\" has a \".\" or \"..\" segment"
                )]
            );
            let e = err(&b, Request::delete(format!("sys/auth/{p}")));
            assert_eq!(e.errors, ["relative paths not supported"], "{p}");
        }
        assert_eq!(
            err(&b, enable("a\u{1b}[31mb", jwt())),
            bad("invalid mount path \"a\\x1b[31mb\": expected printable characters, found '\\x1b'")
        );
        ok(&b, enable(" a b//c ", jwt()));
        let table = ok(&b, Request::read("sys/auth")).data.expect("data");
        assert_eq!(table.keys().collect::<Vec<_>>(), ["a b/c/", "token/"]);
    }

    /// Stores a policy and issues a token holding it (and nothing else).
    fn token_with_policy(b: &LocalBackend, name: &str, policy: &str) -> Secret {
        let s = b.open().expect("open");
        s.put_policy(name, policy).unwrap();
        let mount = s.get_mount("token/").unwrap().expect("token/");
        let issued = crate::token::issue(
            &s,
            crate::token::IssueRequest {
                mount: &mount,
                role_name: "",
                policies: &[name.to_string()],
                no_default_policy: true,
                ttl: 0,
                max_ttl: 0,
                explicit_max_ttl: 0,
                period: 0,
                num_uses: 0,
                token_type: "service",
                bound_cidrs: &[],
                display_name: "token".into(),
                metadata: Default::default(),
                entity_id: String::new(),
                identity_policies: Vec::new(),
                now: crate::paths::Ctx::now_secs(),
            },
        )
        .unwrap();
        s.commit().unwrap();
        issued.auth.client_token
    }

    #[test]
    fn a_token_needs_sudo_on_sys_auth_paths_and_read_on_the_table() {
        let (_d, b) = backend();
        let no_sudo = token_with_policy(
            &b,
            "no-sudo",
            r#"path "sys/auth/*" { capabilities = ["create", "read", "update", "delete"] }
path "sys/auth" { capabilities = ["read"] }"#,
        );
        let as_token = |t: &Secret, req: Request| {
            req.with_caller(Caller::Token(CallerToken::new(t.clone(), "the test")))
        };
        let denied = ApiError::multi(403, "permission denied");
        ok(&b, as_token(&no_sudo, Request::read("sys/auth")));
        for req in [
            enable("x", json!({"type": "jwt"})),
            Request::read("sys/auth/token"),
            Request::delete("sys/auth/x"),
        ] {
            let e = err(&b, as_token(&no_sudo, req));
            assert_eq!((e.code, &e.errors), (denied.code, &denied.errors));
            assert!(
                e.hints[0].contains("no sudo capability on sys/auth/"),
                "{e:?}"
            );
        }
        // The operator acts whatever token is held; a token with sudo is let through.
        let with_sudo = token_with_policy(
            &b,
            "sudo",
            r#"path "sys/auth/*" { capabilities = ["update", "sudo"] }"#,
        );
        ok(
            &b,
            as_token(&with_sudo, enable("x", json!({"type": "jwt"}))),
        );
        let bogus = CallerToken::new("jvs.bogus", "the test");
        ok(
            &b,
            enable("y", json!({"type": "jwt"})).with_caller(Caller::Local(Some(bogus))),
        );
        // Without the capability itself, sudo is not asked about.
        let e = err(&b, as_token(&with_sudo, Request::read("sys/auth")));
        assert_eq!(e.errors, denied.errors);
        assert!(
            e.hints[0].contains("is not allowed read on sys/auth"),
            "{e:?}"
        );
        let table = ok(&b, Request::read("sys/auth")).data.expect("data");
        assert_eq!(table.keys().collect::<Vec<_>>(), ["token/", "x/", "y/"]);
    }
}
