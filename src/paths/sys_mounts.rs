//! `sys/mounts` (read: every secrets engine) and `sys/mounts/<path>` (read: the mount serving
//! the path; write: enable; delete: disable), with OpenBao 2.7.2's fields, checks and messages.
//!
//! The table holds the system mounts `identity/` and `sys/` (created with the schema, never
//! removed; OpenBao also lists `cubbyhole/`, which jwtvault does not serve) and the KV version 2
//! mounts. `kv-v2`, and `kv` with version 2 **or no version** (a deviation: Vault's plain `kv`
//! is version 1), make a KV v2 mount; version 1 is refused. Unlike `sys/auth/*`, these paths are
//! not root-protected: a token needs the capability only, no `sudo` (as in OpenBao).

use serde_json::{json, Map, Value};

use crate::api::{ApiError, Operation, Response};
use crate::fields::{self, FieldError};
use crate::gofmt::format_value;
use crate::ids;
use crate::paths::mounts::{self, SYSTEM_TTL};
use crate::paths::{data, Call};
use crate::store::{SecretMount, Store};

/// What a `sys/mounts…` path names.
pub type Target = mounts::TableTarget;

/// The target of a `sys/mounts…` path (`None`: not one); see [`mounts::resolve_table`].
pub fn resolve(path: &str) -> Result<Option<Target>, ApiError> {
    mounts::resolve_table("sys/mounts", path)
}

/// Paths no secrets engine may be mounted at or under (Vault's `protectedMounts`).
const PROTECTED: &[&str] = &["audit/", "auth/", "sys/", "cubbyhole/", "identity/"];
/// Mounts that cannot be disabled.
const PERMANENT: &[&str] = &["sys/", "identity/", "cubbyhole/"];

/// Serves a `sys/mounts…` request.
pub fn handle(call: &Call, target: Target) -> Result<Response, ApiError> {
    let (store, req) = (call.store, call.req);
    match target {
        Target::Table => match req.operation {
            Operation::Read => Ok(data(table(store)?)),
            // Vault lists `sys/mounts/`, which no pattern matches.
            Operation::List => Err(ApiError::multi(404, "unsupported path")),
            _ => Err(ApiError::unsupported_operation()),
        },
        Target::Mount(path) => match req.operation {
            Operation::Read => read(store, &path),
            Operation::Write => {
                enable(store, &path, &req.data)?;
                Ok(Response::default())
            }
            Operation::Delete => {
                disable(store, &path)?;
                Ok(Response::default())
            }
            Operation::List | Operation::Patch => Err(ApiError::unsupported_operation()),
        },
    }
}

/// One mount as `sys/mounts` shows it (OpenBao 2.7's fields; `deprecation_status` for a KV
/// mount only).
pub fn entry(m: &SecretMount) -> Map<String, Value> {
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
    let mut e = Map::new();
    e.insert("accessor".into(), json!(m.accessor));
    e.insert("config".into(), parse(&m.config));
    e.insert("description".into(), json!(m.description));
    e.insert("external_entropy_access".into(), json!(false));
    e.insert("local".into(), json!(false));
    e.insert("options".into(), parse(&m.options));
    e.insert("plugin_version".into(), json!(""));
    e.insert(
        "running_plugin_version".into(),
        json!(mounts::running_version()),
    );
    e.insert("running_sha256".into(), json!(""));
    e.insert("seal_wrap".into(), json!(m.seal_wrap));
    e.insert("type".into(), json!(m.kind));
    e.insert("uuid".into(), json!(m.uuid));
    if m.kind == "kv" {
        e.insert("deprecation_status".into(), json!("supported"));
    }
    e
}

/// Every secrets engine: [`entry`] keyed by path.
pub fn table(store: &Store) -> Result<Map<String, Value>, ApiError> {
    Ok(store
        .list_secret_mounts()?
        .iter()
        .map(|m| (m.path.clone(), Value::Object(entry(m))))
        .collect())
}

/// The secrets-engine mount serving `path` (any request path, with or without its trailing
/// `/`): the longest mount path that prefixes it. Also what `sys/internal/ui/mounts/<path>`
/// needs.
pub fn mount_for(store: &Store, path: &str) -> Result<Option<SecretMount>, ApiError> {
    let probe = format!("{}/", path.trim_end_matches('/'));
    let mut best: Option<SecretMount> = None;
    for m in store.list_secret_mounts()? {
        if probe.starts_with(&m.path) && best.as_ref().is_none_or(|b| m.path.len() > b.path.len()) {
            best = Some(m);
        }
    }
    Ok(best)
}

/// `GET sys/mounts/<path>`: the mount serving the path (an auth method's under `auth/`), or
/// 400 `No secret engine mount at <path>`.
fn read(store: &Store, path: &str) -> Result<Response, ApiError> {
    if let Some(rest) = path.strip_prefix("auth/") {
        if let Some((m, _)) = mounts::resolve(store, rest.trim_end_matches('/'))? {
            return Ok(data(mounts::mount_info(&m)));
        }
    } else if let Some(m) = mount_for(store, path)? {
        return Ok(data(entry(&m)));
    }
    Err(ApiError::bad_request(format!(
        "No secret engine mount at {path}"
    )))
}

/// `DELETE sys/mounts/<path>`: removes the KV mount at exactly `path` with every key, version
/// and config of it; nothing mounted there is no error. The system mounts stay.
fn disable(store: &Store, path: &str) -> Result<(), ApiError> {
    if PERMANENT.contains(&path) {
        return Err(ApiError::bad_request(format!("cannot unmount \"{path}\"")));
    }
    if let Some(m) = store.get_secret_mount(path)? {
        store.delete_secret_mount(&m)?;
    }
    Ok(())
}

fn validation(e: FieldError) -> ApiError {
    ApiError::bad_request(e.validation_message())
}

fn unconvertible_config() -> ApiError {
    ApiError::bad_request("unable to convert given mount config information")
}

/// Vault's `APIMountConfig` decoding of a TTL: a string, or a number's text; null is empty.
fn config_string(config: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match config.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(unconvertible_config()),
    }
}

/// A config TTL: empty or `system` is 0 (the system's), else Vault's `ParseDurationSecond`.
fn config_ttl(which: &str, s: &str) -> Result<i64, ApiError> {
    match s {
        "" | "system" => Ok(0),
        _ => fields::parse_duration(s)
            .map_err(|e| ApiError::bad_request(format!("unable to parse {which} TTL of {s}: {e}"))),
    }
}

/// The mount's `config` as stored and shown: the lease TTLs and `force_no_cache`.
fn mount_config(config: &Map<String, Value>) -> Result<Value, ApiError> {
    let default_raw = config_string(config, "default_lease_ttl")?;
    let max_raw = config_string(config, "max_lease_ttl")?;
    let force_no_cache = match config.get("force_no_cache") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(unconvertible_config()),
    };
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
    Ok(json!({
        "default_lease_ttl": default_lease_ttl,
        "force_no_cache": force_no_cache,
        "max_lease_ttl": max_lease_ttl,
    }))
}

/// What `type` and `options` ask for must be a KV version 2 engine.
fn check_kind(
    kind: &str,
    options: Option<&std::collections::BTreeMap<String, String>>,
) -> Result<(), ApiError> {
    if kind != "kv" && kind != "kv-v2" {
        return Err(ApiError::bad_request(format!(
            "plugin not found in the catalog: {kind}"
        )));
    }
    let version = options
        .and_then(|o| o.get("version"))
        .map(String::as_str)
        .unwrap_or("");
    if kind == "kv" {
        match version {
            // No version: jwtvault's kv is version 2 (docs/deviations.md).
            "" | "2" => {}
            "1" => {
                return Err(ApiError::bad_request(
                    "unsupported KV version 1: expected version 2 (jwtvault serves the KV \
                     version 2 engine only; enable kv-v2, or kv with -version=2)",
                ))
            }
            _ => {
                return Err(ApiError::bad_request(
                    "nil backend of type \"kv\" returned from factory",
                ))
            }
        }
    }
    if let Some(o) = options.filter(|o| o.keys().any(|k| k != "version")) {
        let shown = Value::Object(o.iter().map(|(k, v)| (k.clone(), json!(v))).collect());
        return Err(ApiError::bad_request(format!(
            "unsupported 'options': expected only \"version\", found {} (jwtvault keeps no \
             other mount options)",
            format_value(&shown)
        )));
    }
    Ok(())
}

/// `POST sys/mounts/<path>`: Vault's body (`type`, `description`, `config{default_lease_ttl,
/// max_lease_ttl, force_no_cache}`, `local`, `seal_wrap`, `external_entropy_access`,
/// `options{version}`, `plugin_version`), checked in OpenBao's order: the fields, the config,
/// the type's presence, the path (protected, then in use), the engine. What jwtvault cannot
/// keep (a local or seal-wrapped mount, a plugin version, other options) is refused rather
/// than dropped, as `sys/auth` does.
fn enable(store: &Store, path: &str, d: &Map<String, Value>) -> Result<SecretMount, ApiError> {
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
    let config = mount_config(&config)?;
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
    if !plugin_version.is_empty() {
        return Err(ApiError::bad_request(format!(
            "unsupported 'plugin_version': expected none, found {} (jwtvault's kv engine is \
             built in)",
            fields::go_quote(&plugin_version)
        )));
    }
    if PROTECTED.iter().any(|p| path.starts_with(p)) {
        return Err(ApiError::bad_request(format!("cannot mount \"{path}\"")));
    }
    for m in store.list_secret_mounts()? {
        if path.starts_with(&m.path) || m.path.starts_with(path) {
            return Err(ApiError::bad_request(format!(
                "path is already in use at {}",
                m.path
            )));
        }
    }
    check_kind(&kind, options.as_ref())?;
    let row = SecretMount {
        path: path.to_string(),
        kind: "kv".into(),
        accessor: format!("kv_{}", ids::random_hex(4)),
        uuid: ids::uuid(),
        description,
        options: json!({"version": "2"}).to_string(),
        config: config.to_string(),
        seal_wrap: false,
    };
    store.insert_secret_mount(&row)?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::{Caller, CallerToken, Request};
    use crate::backend::{Backend, Failure, LocalBackend};

    fn backend() -> (tempfile::TempDir, LocalBackend) {
        let dir = tempfile::tempdir().expect("tempdir");
        let b = LocalBackend::new(dir.path().join("state.db"), true)
            .with_seal_key_file(Some(dir.path().join("seal.key")));
        (dir, b)
    }

    fn answer(b: &LocalBackend, req: &Request) -> Result<Response, ApiError> {
        match b.handle(req) {
            Ok(r) => Ok(r),
            Err(Failure::Api(e)) => Err(e),
            Err(Failure::Store(e)) => panic!("{req:?}: {e}"),
        }
    }

    #[track_caller]
    fn ok(b: &LocalBackend, req: Request) -> Response {
        answer(b, &req).unwrap_or_else(|e| panic!("{req:?}: {e:?}"))
    }

    #[track_caller]
    fn err(b: &LocalBackend, req: Request) -> ApiError {
        match answer(b, &req) {
            Ok(r) => panic!("{req:?} succeeded: {r:?}"),
            Err(e) => e,
        }
    }

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    fn enable(path: &str, v: Value) -> Request {
        Request::write(format!("sys/mounts/{path}"), body(v))
    }

    fn table_of(b: &LocalBackend) -> Map<String, Value> {
        ok(b, Request::read("sys/mounts")).data.expect("data")
    }

    fn bad(msg: &str) -> ApiError {
        ApiError::bad_request(msg)
    }

    #[test]
    fn a_new_state_lists_the_system_mounts_and_no_secrets_engine() {
        let (_d, b) = backend();
        let t = table_of(&b);
        assert_eq!(t.keys().collect::<Vec<_>>(), ["identity/", "sys/"]);
        let fields = [
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
            "uuid",
        ];
        for (path, kind, description, header, seal_wrap, prefix) in [
            (
                "identity/",
                "identity",
                "identity store",
                "Authorization",
                false,
                "identity_",
            ),
            (
                "sys/",
                "system",
                "system endpoints used for control, policy and debugging",
                "Accept",
                true,
                "system_",
            ),
        ] {
            let m = t[path].as_object().expect("object");
            assert_eq!(m.keys().collect::<Vec<_>>(), fields, "{path}");
            assert_eq!(m["type"], kind);
            assert_eq!(m["description"], description);
            assert_eq!(m["seal_wrap"], seal_wrap);
            assert_eq!(m["options"], Value::Null);
            assert_eq!(
                m["config"],
                json!({"default_lease_ttl": 0, "force_no_cache": false, "max_lease_ttl": 0,
                       "passthrough_request_headers": [header]})
            );
            let acc = m["accessor"].as_str().unwrap();
            assert!(
                acc.starts_with(prefix) && acc.len() == prefix.len() + 8,
                "{acc}"
            );
            assert_eq!(m["uuid"].as_str().unwrap().len(), 36);
        }
        // The same accessors on every read (they are stored, not made up per request).
        assert_eq!(table_of(&b), t);
    }

    #[test]
    fn kv_v2_is_enabled_read_and_disabled() {
        let (_d, b) = backend();
        // What `secrets enable -path=pv2 kv-v2` sends (kv.md §1.1), and hvac's nulls.
        let cli = json!({"type": "kv-v2", "description": "",
            "config": {"options": null, "default_lease_ttl": "0s", "max_lease_ttl": "0s", "force_no_cache": false},
            "local": false, "seal_wrap": false, "external_entropy_access": false, "options": null});
        let resp = ok(&b, enable("pv2", cli));
        assert_eq!((resp.data, resp.status), (None, None), "204");
        ok(
            &b,
            enable(
                "hv",
                json!({"type": "kv", "description": null, "config": null,
                       "options": {"version": "2"}, "plugin_name": null, "local": false, "seal_wrap": false}),
            ),
        );
        for (path, v) in [
            ("kv", json!({"type": "kv"})),
            ("kv2", json!({"type": "kv", "options": {"version": 2}})),
            ("kv3", json!({"type": "kv", "options": "version=2"})),
            (
                "kvv2v1",
                json!({"type": "kv-v2", "options": {"version": "1"}}),
            ),
            (
                "d1",
                json!({"type": "kv-v2", "description": "my kv", "config": {"default_lease_ttl": 3600, "max_lease_ttl": "2h", "force_no_cache": true}}),
            ),
        ] {
            ok(&b, enable(path, v));
        }
        let t = table_of(&b);
        assert_eq!(
            t.keys().collect::<Vec<_>>(),
            [
                "d1/",
                "hv/",
                "identity/",
                "kv/",
                "kv2/",
                "kv3/",
                "kvv2v1/",
                "pv2/",
                "sys/"
            ]
        );
        let d1 = ok(&b, Request::read("sys/mounts/d1")).data.unwrap();
        assert_eq!(
            d1.keys().collect::<Vec<_>>(),
            [
                "accessor",
                "config",
                "deprecation_status",
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
        assert_eq!(Value::Object(d1.clone()), t["d1/"]);
        assert_eq!(
            (
                &d1["type"],
                &d1["options"],
                &d1["description"],
                &d1["deprecation_status"]
            ),
            (
                &json!("kv"),
                &json!({"version": "2"}),
                &json!("my kv"),
                &json!("supported")
            )
        );
        assert_eq!(
            d1["config"],
            json!({"default_lease_ttl": 3600, "force_no_cache": true, "max_lease_ttl": 7200})
        );
        let acc = d1["accessor"].as_str().unwrap();
        assert!(acc.starts_with("kv_") && acc.len() == 11, "{acc}");
        for p in ["kv/", "kv2/", "kv3/", "kvv2v1/", "pv2/", "hv/"] {
            assert_eq!(t[p]["options"], json!({"version": "2"}), "{p}");
            assert_eq!(
                t[p]["config"],
                json!({"default_lease_ttl": 0, "force_no_cache": false, "max_lease_ttl": 0})
            );
        }
        // The mount serving a path: the longest prefix; an auth method's under auth/.
        let foo = ok(&b, Request::read("sys/mounts/kv2/foo/bar"))
            .data
            .unwrap();
        assert_eq!(Value::Object(foo), t["kv2/"]);
        let sys = ok(&b, Request::read("sys/mounts/sys")).data.unwrap();
        assert_eq!(sys["type"], "system");
        let token = ok(&b, Request::read("sys/mounts/auth/token")).data.unwrap();
        assert_eq!(token["type"], "token");
        for p in ["nonexist", "a/b/c", "auth/nope"] {
            assert_eq!(
                err(&b, Request::read(format!("sys/mounts/{p}"))),
                bad(&format!("No secret engine mount at {p}/"))
            );
        }
        // Disabling: 204 whether or not something was mounted; the system mounts stay.
        ok(&b, Request::delete("sys/mounts/pv2"));
        ok(&b, Request::delete("sys/mounts/pv2"));
        ok(&b, Request::delete("sys/mounts/kv2/foo"));
        ok(&b, Request::delete("sys/mounts/sys/foo"));
        ok(&b, Request::delete("sys/mounts/audit"));
        for p in ["sys", "identity", "cubbyhole"] {
            assert_eq!(
                err(&b, Request::delete(format!("sys/mounts/{p}"))),
                bad(&format!("cannot unmount \"{p}/\""))
            );
        }
        assert!(!table_of(&b).contains_key("pv2/"));
        assert!(table_of(&b).contains_key("kv2/"));
    }

    #[test]
    fn enable_checks_the_body_in_openbaos_order() {
        let (_d, b) = backend();
        ok(&b, enable("kv2", json!({"type": "kv-v2"})));
        ok(&b, enable("x/y/z", json!({"type": "kv-v2"})));
        let nil = "nil backend of type \"kv\" returned from factory";
        for (path, v, want) in [
            ("t", json!({}), "backend type must be specified as a string"),
            ("t", json!({"type": ""}), "backend type must be specified as a string"),
            ("t", json!({"plugin_name": "kv-v2"}), "backend type must be specified as a string"),
            ("t", json!({"type": "nonsuch"}), "plugin not found in the catalog: nonsuch"),
            ("t", json!({"type": "jwt"}), "plugin not found in the catalog: jwt"),
            ("t", json!({"type": "KV"}), "plugin not found in the catalog: KV"),
            ("t", json!({"type": 5}), "plugin not found in the catalog: 5"),
            ("t", json!({"type": "kv", "options": {"version": "3"}}), nil),
            ("t", json!({"type": "kv", "options": {"version": "two"}}), nil),
            ("t", json!({"type": "kv", "options": {"version": 2.0}}), nil),
            (
                "t",
                json!({"type": "kv", "options": {"version": "1"}}),
                "unsupported KV version 1: expected version 2 (jwtvault serves the KV version 2 engine only; enable kv-v2, or kv with -version=2)",
            ),
            (
                "t",
                json!({"type": "kv", "options": {"version": "2", "foo": "bar"}}),
                "unsupported 'options': expected only \"version\", found map[foo:bar version:2] (jwtvault keeps no other mount options)",
            ),
            // The path: protected first, then in use (either way), then the engine.
            ("audit", json!({"type": "kv-v2"}), "cannot mount \"audit/\""),
            ("auth", json!({"type": "kv-v2"}), "cannot mount \"auth/\""),
            ("sys/x", json!({"type": "kv-v2"}), "cannot mount \"sys/x/\""),
            ("cubbyhole", json!({"type": "kv-v2"}), "cannot mount \"cubbyhole/\""),
            ("identity/x", json!({"type": "nonsuch"}), "cannot mount \"identity/x/\""),
            ("kv2", json!({"type": "nonsuch"}), "path is already in use at kv2/"),
            ("kv2/sub", json!({"type": "kv-v2"}), "path is already in use at kv2/"),
            ("x", json!({"type": "kv-v2"}), "path is already in use at x/y/z/"),
            ("x/y", json!({"type": "kv-v2"}), "path is already in use at x/y/z/"),
            // The config comes before the type.
            (
                "t",
                json!({"type": "nonsuch", "config": {"default_lease_ttl": "abc"}}),
                "unable to parse default TTL of abc: time: invalid duration \"abc\"",
            ),
            (
                "t",
                json!({"type": "kv-v2", "config": {"default_lease_ttl": "2h", "max_lease_ttl": "1h"}}),
                "given default lease TTL greater than given max lease TTL",
            ),
            (
                "t",
                json!({"type": "kv-v2", "config": {"default_lease_ttl": true}}),
                "unable to convert given mount config information",
            ),
            (
                "t",
                json!({"type": ["kv"]}),
                "Field validation failed: error converting input for field \"type\": '' expected type 'string', got unconvertible type '[]interface {}'",
            ),
            (
                "t",
                json!({"type": "kv-v2", "local": true}),
                "unsupported 'local': expected false, found true (jwtvault has no replication)",
            ),
            (
                "t",
                json!({"type": "kv-v2", "seal_wrap": true}),
                "unsupported 'seal_wrap': expected false, found true (jwtvault has no seal wrapping)",
            ),
            (
                "t",
                json!({"type": "kv-v2", "plugin_version": "v1.0.0"}),
                "unsupported 'plugin_version': expected none, found \"v1.0.0\" (jwtvault's kv engine is built in)",
            ),
        ] {
            assert_eq!(err(&b, enable(path, v.clone())), bad(want), "{path} {v}");
        }
        assert_eq!(
            table_of(&b).keys().collect::<Vec<_>>(),
            ["identity/", "kv2/", "sys/", "x/y/z/"]
        );
        // Names as OpenBao takes them.
        for p in ["auditx", "identityx", "sysx", "token", "a b", "ünï"] {
            ok(&b, enable(p, json!({"type": "kv-v2"})));
        }
        let e = err(&b, enable("a/../b", json!({"type": "kv-v2"})));
        assert_eq!(e.errors, ["relative paths not supported"]);
    }

    #[test]
    fn operations_and_tokens() {
        let (_d, b) = backend();
        let unsupported = ApiError::multi(405, "unsupported operation");
        assert_eq!(
            err(&b, Request::list("sys/mounts")),
            ApiError::multi(404, "unsupported path")
        );
        assert_eq!(
            err(
                &b,
                Request::write("sys/mounts", body(json!({"type": "kv"})))
            ),
            unsupported
        );
        assert_eq!(err(&b, Request::delete("sys/mounts")), unsupported);
        assert_eq!(err(&b, Request::list("sys/mounts/x")), unsupported);
        // A token needs its capability, and no sudo (unlike sys/auth/*); create is not
        // update (no existence check).
        let s = b.open().unwrap();
        s.put_policy(
            "mounts",
            r#"path "sys/mounts/*" { capabilities = ["read", "update", "delete"] }
path "sys/mounts" { capabilities = ["read"] }"#,
        )
        .unwrap();
        s.put_policy(
            "create",
            r#"path "sys/mounts/*" { capabilities = ["create"] }"#,
        )
        .unwrap();
        let mount = s.get_mount("token/").unwrap().unwrap();
        let issue = |name: &str| {
            crate::token::issue(
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
            .unwrap()
            .auth
            .client_token
        };
        let (mounts_token, create_token) = (issue("mounts"), issue("create"));
        s.commit().unwrap();
        let as_token = |t: &crate::secret::Secret, r: Request| {
            r.with_caller(Caller::Token(CallerToken::new(t.clone(), "the test")))
        };
        ok(
            &b,
            as_token(&mounts_token, enable("t1", json!({"type": "kv-v2"}))),
        );
        ok(&b, as_token(&mounts_token, Request::read("sys/mounts")));
        ok(&b, as_token(&mounts_token, Request::read("sys/mounts/t1")));
        ok(
            &b,
            as_token(&mounts_token, Request::delete("sys/mounts/t1")),
        );
        let e = err(
            &b,
            as_token(&create_token, enable("t2", json!({"type": "kv-v2"}))),
        );
        assert_eq!(
            (e.code, e.errors),
            (
                403,
                vec!["1 error occurred:\n\t* permission denied\n\n".to_string()]
            )
        );
        // Locally, whatever token is held, configuration is the operator's.
        let bogus = CallerToken::new("jvs.bogus", "the test");
        ok(
            &b,
            enable("t3", json!({"type": "kv-v2"})).with_caller(Caller::Local(Some(bogus))),
        );
    }
}
