//! ACL policies: `sys/policies/acl` (list), `sys/policies/acl/<name>` (read, write, delete), and
//! the older `sys/policy` (read or list) and `sys/policy/<name>`, with Vault's fields, checks
//! and messages, verified against OpenBao 2.7.2.
//!
//! `default` is seeded with the state file and may be edited, never deleted; `root` is virtual
//! (every right, no text): read as an empty policy, listed last, never written or deleted.
//! Names are trimmed and lower-cased, as Vault's policy store does.

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::acl;
use crate::api::{ApiError, Operation, Response};
use crate::fields;
use crate::paths::mounts::check_request_path;
use crate::paths::{data, not_found, Call};
use crate::store::Store;

/// What a policy path names.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// `sys/policies/acl`.
    List,
    /// `sys/policies/acl/<name>`, the name sanitised.
    Policy(String),
    /// `sys/policy`.
    OldList,
    /// `sys/policy/<name>`: the text is `rules` when read; a write may give it as `rules`.
    OldPolicy(String),
}

/// The target of a policy path (`None`: not one). A name is checked as Vault's HTTP layer
/// checks a request path (printable, no `.` or `..` segment); one that is empty once trimmed
/// is the list path.
pub fn resolve(path: &str) -> Result<Option<Target>, ApiError> {
    let (rest, old) = if let Some(rest) = path.strip_prefix("sys/policies/acl") {
        (rest, false)
    } else if let Some(rest) = path.strip_prefix("sys/policy") {
        (rest, true)
    } else {
        return Ok(None);
    };
    let name = match rest.strip_prefix('/') {
        None if rest.is_empty() => String::new(),
        None => return Ok(None),
        Some(raw) => {
            check_request_path("policy name", raw)?;
            sanitize(raw)
        }
    };
    Ok(Some(match (name.is_empty(), old) {
        (true, false) => Target::List,
        (true, true) => Target::OldList,
        (false, false) => Target::Policy(name),
        (false, true) => Target::OldPolicy(name),
    }))
}

/// Vault's policy store's name sanitising: trimmed, lower-cased.
fn sanitize(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Serves a policy request.
pub fn handle(call: &Call, target: Target) -> Result<Response, ApiError> {
    let (store, req) = (call.store, call.req);
    let op = req.operation;
    match target {
        Target::List if op == Operation::List => list(store, false),
        Target::OldList if matches!(op, Operation::Read | Operation::List) => list(store, true),
        Target::List | Target::OldList => Err(ApiError::unsupported_operation()),
        // Vault lists `sys/policies/acl/<name>/`: nothing there.
        Target::Policy(_) | Target::OldPolicy(_) if op == Operation::List => Err(not_found()),
        Target::Policy(name) => one(store, op, &name, &req.data, false),
        Target::OldPolicy(name) => one(store, op, &name, &req.data, true),
    }
}

fn one(
    store: &Store,
    op: Operation,
    name: &str,
    body: &Map<String, Value>,
    old: bool,
) -> Result<Response, ApiError> {
    match op {
        Operation::Read => read(store, name, if old { "rules" } else { "policy" }),
        Operation::Write => write(store, name, body, old),
        Operation::Delete => delete(store, name),
        Operation::List | Operation::Patch => Err(ApiError::unsupported_operation()),
    }
}

/// The names in the order Vault's storage scan gives them (`logical.CollectKeys`: the names of
/// a folder sorted, then its subfolders, the last one first), then `root`.
fn list(store: &Store, old: bool) -> Result<Response, ApiError> {
    let mut names = scan_order(&store.list_policies()?);
    names.push("root".into());
    let mut m = Map::new();
    m.insert("keys".into(), json!(names));
    if old {
        m.insert("policies".into(), json!(names));
    }
    Ok(data(m))
}

/// `logical.ScanView` over the stored names: a stack of folders, each listed sorted, its
/// names emitted and its subfolders pushed.
fn scan_order(stored: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut frontier = vec![String::new()];
    while let Some(prefix) = frontier.pop() {
        let mut entries: Vec<String> = stored
            .iter()
            .filter_map(|n| n.strip_prefix(prefix.as_str()))
            .map(|rest| match rest.find('/') {
                Some(i) => rest[..=i].to_string(),
                None => rest.to_string(),
            })
            .collect();
        entries.sort();
        entries.dedup();
        for e in entries {
            if e.ends_with('/') {
                frontier.push(format!("{prefix}{e}"));
            } else {
                out.push(format!("{prefix}{e}"));
            }
        }
    }
    out
}

/// `{name, policy}` (`{name, rules}` on the old path); `root` has an empty text; a policy
/// that does not exist is Vault's empty 404.
fn read(store: &Store, name: &str, field: &str) -> Result<Response, ApiError> {
    let text = if name == "root" {
        String::new()
    } else {
        store.get_policy(name)?.ok_or_else(not_found)?
    };
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert(field.into(), json!(text));
    Ok(data(m))
}

/// Vault's quirk: a policy text that decodes as base64 is stored decoded. Go's
/// `base64.StdEncoding.DecodeString` skips `\r` and `\n`, needs padding and tolerates non-zero
/// trailing bits; its result is used even when it is not UTF-8 (the parser then refuses it).
fn maybe_base64(text: &str) -> Vec<u8> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let t: Vec<u8> = text
        .bytes()
        .filter(|c| *c != b'\r' && *c != b'\n')
        .collect();
    GO_STD
        .decode(&t)
        .unwrap_or_else(|_| text.as_bytes().to_vec())
}

/// Writes a policy, in OpenBao's order: the text (`policy`; on the old path `rules` too, with
/// a deprecation warning) must not be empty; base64 is decoded; the text must parse (its
/// bytes, so a decoded text that is not UTF-8 is refused as Vault's parser refuses it); then
/// `root` and `response-wrapping` cannot be written.
fn write(
    store: &Store,
    name: &str,
    body: &Map<String, Value>,
    old: bool,
) -> Result<Response, ApiError> {
    let field = |k: &str| {
        fields::string(k, body.get(k).unwrap_or(&Value::Null))
            .map_err(|e| ApiError::bad_request(e.validation_message()))
    };
    let mut text = field("policy")?;
    let rules = field("rules")?;
    let mut resp = Response::default();
    if text.is_empty() && old {
        text = rules;
        resp.warnings
            .push("'rules' is deprecated, please use 'policy' instead".into());
    }
    if text.is_empty() {
        return Err(ApiError::bad_request(
            "'policy' parameter not supplied or empty",
        ));
    }
    let bytes = maybe_base64(&text);
    // A text that decodes to nothing is stored empty, as OpenBao stores it (it then reads as
    // no policy at all).
    let stored = if bytes.is_empty() {
        String::new()
    } else {
        acl::parse_policy_bytes(name, &bytes)
            .map_err(ApiError::bad_request)?
            .raw
    };
    if name == "root" || name == "response-wrapping" {
        return Err(ApiError::bad_request(format!(
            "cannot update \"{name}\" policy"
        )));
    }
    store.put_policy(name, &stored)?;
    Ok(resp)
}

fn delete(store: &Store, name: &str) -> Result<Response, ApiError> {
    match name {
        "default" => Err(ApiError::bad_request("cannot delete default policy")),
        "root" | "response-wrapping" => Err(ApiError::bad_request(format!(
            "cannot delete \"{name}\" policy"
        ))),
        _ => {
            store.delete_policy(name)?;
            Ok(Response::default())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Request;
    use crate::backend::{Backend, Failure, LocalBackend};

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

    fn put(path: &str, v: Value) -> Request {
        Request::write(path, body(v))
    }

    fn data_of(r: Response) -> Value {
        Value::Object(r.data.expect("data"))
    }

    const P: &str = "path \"a\" { capabilities = [\"read\"] }";

    #[test]
    fn default_is_seeded_and_root_is_virtual() {
        let (_d, b) = backend();
        assert_eq!(
            data_of(ok(&b, Request::list("sys/policies/acl"))),
            json!({"keys": ["default", "root"]})
        );
        assert_eq!(
            data_of(ok(&b, Request::read("sys/policies/acl/default"))),
            json!({"name": "default", "policy": acl::DEFAULT_POLICY})
        );
        assert_eq!(
            data_of(ok(&b, Request::read("sys/policies/acl/root"))),
            json!({"name": "root", "policy": ""})
        );
        assert_eq!(
            data_of(ok(&b, Request::read("sys/policy/ROOT"))),
            json!({"name": "root", "rules": ""})
        );
        assert_eq!(
            err(&b, Request::read("sys/policies/acl/nope")),
            ApiError::not_found()
        );
        // `default` may be edited.
        ok(&b, put("sys/policies/acl/default", json!({"policy": P})));
        assert_eq!(
            data_of(ok(&b, Request::read("sys/policy/default"))),
            json!({"name": "default", "rules": P})
        );
        for (path, want) in [
            ("sys/policies/acl/default", "cannot delete default policy"),
            ("sys/policies/acl/ Default ", "cannot delete default policy"),
            ("sys/policy/default", "cannot delete default policy"),
            ("sys/policies/acl/root", "cannot delete \"root\" policy"),
            ("sys/policy/ROOT", "cannot delete \"root\" policy"),
            (
                "sys/policies/acl/response-wrapping",
                "cannot delete \"response-wrapping\" policy",
            ),
        ] {
            assert_eq!(
                err(&b, Request::delete(path)),
                ApiError::bad_request(want),
                "{path}"
            );
        }
    }

    #[test]
    fn crud_on_both_paths_with_sanitised_names() {
        let (_d, b) = backend();
        let resp = ok(&b, put("sys/policies/acl/ My-Pol ", json!({"policy": P})));
        assert!(no_content(&resp), "Vault answers 204: {resp:?}");
        assert_eq!(
            data_of(ok(&b, Request::read("sys/policies/acl/MY-POL"))),
            json!({"name": "my-pol", "policy": P})
        );
        // The old path: `rules` with a warning when `policy` is empty; `policy` wins.
        let resp = ok(&b, put("sys/policy/y", json!({"rules": P})));
        assert_eq!(resp.data, None);
        assert_eq!(
            resp.warnings,
            ["'rules' is deprecated, please use 'policy' instead"]
        );
        let resp = ok(
            &b,
            put("sys/policy/y2", json!({"policy": P, "rules": "banana = 1"})),
        );
        assert!(no_content(&resp), "{resp:?}");
        assert_eq!(
            data_of(ok(&b, Request::read("sys/policy/y2"))),
            json!({"name": "y2", "rules": P})
        );
        // The new path ignores `rules`.
        assert_eq!(
            err(&b, put("sys/policies/acl/z", json!({"rules": P}))),
            ApiError::bad_request("'policy' parameter not supplied or empty")
        );
        let list = json!(["default", "my-pol", "y", "y2", "root"]);
        assert_eq!(
            data_of(ok(&b, Request::list("sys/policies/acl"))),
            json!({ "keys": list })
        );
        for req in [Request::read("sys/policy"), Request::list("sys/policy")] {
            assert_eq!(
                data_of(ok(&b, req)),
                json!({"keys": list, "policies": list})
            );
        }
        ok(&b, Request::delete("sys/policies/acl/MY-POL"));
        ok(&b, Request::delete("sys/policy/y"));
        // Deleting what does not exist succeeds.
        ok(&b, Request::delete("sys/policies/acl/my-pol"));
        assert_eq!(
            err(&b, Request::read("sys/policies/acl/my-pol")),
            ApiError::not_found()
        );
        assert_eq!(
            data_of(ok(&b, Request::list("sys/policies/acl"))),
            json!({"keys": ["default", "y2", "root"]})
        );
    }

    #[test]
    fn write_checks_run_in_openbaos_order() {
        let (_d, b) = backend();
        let bad = ApiError::bad_request;
        for (name, v, want) in [
            ("x", json!({}), "'policy' parameter not supplied or empty".to_string()),
            ("x", json!({"policy": ""}), "'policy' parameter not supplied or empty".into()),
            // Emptiness and parsing come before the name.
            ("root", json!({}), "'policy' parameter not supplied or empty".into()),
            (
                "root",
                json!({"policy": "banana = 1"}),
                "failed to parse policy: 1 error occurred:\n\t* invalid key \"banana\" on line 1\n\n".into(),
            ),
            ("root", json!({"policy": P}), "cannot update \"root\" policy".into()),
            ("ROOT", json!({"policy": P}), "cannot update \"root\" policy".into()),
            (
                "response-wrapping",
                json!({"policy": P}),
                "cannot update \"response-wrapping\" policy".into(),
            ),
            (
                "x",
                json!({"policy": 5}),
                "failed to parse policy: At 1:1: expected: IDENT | STRING | ASSIGN | LBRACE got: NUMBER".into(),
            ),
            (
                "x",
                json!({"policy": ["a"]}),
                "Field validation failed: error converting input for field \"policy\": '' expected type 'string', got unconvertible type '[]interface {}'".into(),
            ),
            // `path` is valid base64: the decoded bytes are not UTF-8.
            ("x", json!({"policy": "path\n"}), "failed to parse policy: At 1:1: illegal char".into()),
            // How the command line sends a file that is not UTF-8: base64 of its bytes.
            (
                "x",
                json!({"policy": base64::engine::general_purpose::STANDARD.encode(b"path \"a\xff\" {\n  capabilities = [\"read\"]\n}\n")}),
                "failed to parse policy: At 1:8: illegal UTF-8 encoding".into(),
            ),
        ] {
            let path = format!("sys/policies/acl/{name}");
            assert_eq!(err(&b, put(&path, v.clone())), bad(want), "{name} {v}");
        }
        assert_eq!(
            data_of(ok(&b, Request::list("sys/policies/acl"))),
            json!({"keys": ["default", "root"]}),
            "nothing was stored"
        );
        // Base64 of a valid policy is stored decoded; whitespace is a policy; a text that
        // decodes to nothing is stored empty.
        let enc = base64::engine::general_purpose::STANDARD.encode(P);
        ok(&b, put("sys/policies/acl/b64", json!({ "policy": enc })));
        ok(&b, put("sys/policies/acl/ws", json!({"policy": "   "})));
        ok(&b, put("sys/policies/acl/nl", json!({"policy": "\n\n"})));
        let read = |n: &str| data_of(ok(&b, Request::read(format!("sys/policies/acl/{n}"))));
        assert_eq!(read("b64")["policy"], P);
        assert_eq!(read("ws")["policy"], "   ");
        assert_eq!(read("nl")["policy"], "");
    }

    #[test]
    fn names_in_folders_list_in_vaults_scan_order() {
        let (_d, b) = backend();
        for n in ["zzz", "b/c", "a/z", "a/y/q", "m", "Aaa", "a/b"] {
            ok(
                &b,
                put(&format!("sys/policies/acl/{n}"), json!({"policy": P})),
            );
        }
        // As OpenBao 2.7.2 lists the same names.
        assert_eq!(
            data_of(ok(&b, Request::list("sys/policies/acl"))),
            json!({"keys": ["aaa", "default", "m", "zzz", "b/c", "a/b", "a/z", "a/y/q", "root"]})
        );
        assert_eq!(
            data_of(ok(&b, Request::read("sys/policies/acl/a/y/q")))["name"],
            "a/y/q"
        );
    }

    #[test]
    fn operations_and_paths_are_vaults() {
        let (_d, b) = backend();
        let unsupported = ApiError::unsupported_operation();
        assert_eq!(err(&b, Request::read("sys/policies/acl")), unsupported);
        assert_eq!(
            err(&b, put("sys/policies/acl", json!({"policy": P}))),
            unsupported
        );
        assert_eq!(err(&b, Request::delete("sys/policy")), unsupported);
        assert_eq!(
            err(&b, put("sys/policy", json!({"policy": P}))),
            unsupported
        );
        // A name of spaces is no name.
        assert_eq!(
            err(&b, put("sys/policies/acl/ ", json!({"policy": P}))),
            unsupported
        );
        assert_eq!(
            err(&b, Request::list("sys/policies/acl/default")),
            ApiError::not_found()
        );
        for p in ["sys/policiesx", "sys/policies", "sys/policyx/a"] {
            assert_eq!(
                err(&b, Request::read(p)).errors,
                [format!("no handler for route \"{p}\"")]
            );
        }
        let e = err(&b, put("sys/policies/acl/../x", json!({"policy": P})));
        assert_eq!(e.errors, ["relative paths not supported"]);
        assert_eq!(
            e.hints,
            ["the policy name \"../x\" has a \".\" or \"..\" segment"]
        );
        let e = err(&b, put("sys/policy/a\u{1b}b", json!({"policy": P})));
        assert_eq!(
            e.errors,
            ["invalid policy name \"a\\x1bb\": expected printable characters, found '\\x1b'"]
        );
    }

    #[test]
    fn scan_order_is_a_stack_of_sorted_folders() {
        let names: Vec<String> = ["x/1", "a", "x/y/2", "b/c", "c/d/e", "x/0"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            scan_order(&names),
            ["a", "x/0", "x/1", "x/y/2", "c/d/e", "b/c"]
        );
    }
}
