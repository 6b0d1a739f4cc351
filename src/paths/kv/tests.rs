//! The KV v2 engine through the router: requests in, responses out, at times the test chooses.
//! Expected texts and shapes are OpenBao 2.7.2's (kv.md §3, §5), with Vault's product words.

use std::cell::Cell;

use serde_json::{json, Map, Value};

use super::numbers::go_float;
use super::rfc3339_ns;
use crate::api::{ApiError, Caller, CallerToken, Operation, Request, Response};
use crate::backend::LocalBackend;
use crate::paths::{self, Ctx, Outcome};
use crate::seal::KeyFile;
use crate::secret::Secret;

/// 2027-01-15T08:00:00.25Z.
const T0: f64 = 1_800_000_000.25;
const T0_TEXT: &str = "2027-01-15T08:00:00.25Z";

/// A state with a KV v2 mount at `secret/`, its seal key in the test's folder, and a clock.
struct Fx {
    dir: tempfile::TempDir,
    backend: LocalBackend,
    now: Cell<f64>,
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn req(op: Operation, path: &str, body: Value) -> Request {
    Request::new(op, path, obj(body))
}

fn put(path: &str, body: Value) -> Request {
    req(Operation::Write, path, body)
}

fn get(path: &str) -> Request {
    Request::read(path)
}

fn patch(path: &str, body: Value) -> Request {
    req(Operation::Patch, path, body)
}

fn bad(msg: &str) -> ApiError {
    ApiError::bad_request(msg)
}

fn denied() -> Vec<String> {
    vec!["1 error occurred:\n\t* permission denied\n\n".to_string()]
}

impl Fx {
    fn new() -> Fx {
        let fx = Fx::bare();
        fx.ok(put("sys/mounts/secret", json!({"type": "kv-v2"})));
        fx
    }

    /// A new state with no secrets engine.
    fn bare() -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::new(dir.path().join("state.db"), true)
            .with_seal_key_file(Some(dir.path().join("keys/seal.key")));
        backend.open().unwrap().commit().unwrap();
        Fx {
            dir,
            backend,
            now: Cell::new(T0),
        }
    }

    fn later(&self, secs: f64) {
        self.now.set(self.now.get() + secs);
    }

    /// One request through the router in one transaction, with this fixture's key file.
    fn send_with(&self, seal: &KeyFile, r: Request) -> Result<Response, ApiError> {
        let store = self.backend.open().unwrap();
        let ctx = Ctx {
            now: self.now.get(),
            offline: true,
            seal: seal.clone(),
            ..Ctx::default()
        };
        let answer = paths::route(&store, &ctx, &r, None);
        store.commit().unwrap();
        match answer.result {
            Ok(Outcome::Done(r)) => Ok(r),
            Ok(_) => panic!("KV never fetches or defers a write"),
            Err(e) => Err(e),
        }
    }

    fn send(&self, r: Request) -> Result<Response, ApiError> {
        self.send_with(&self.backend.seal, r)
    }

    #[track_caller]
    fn ok(&self, r: Request) -> Response {
        let shown = format!("{r:?}");
        self.send(r).unwrap_or_else(|e| panic!("{shown}: {e:?}"))
    }

    #[track_caller]
    fn err(&self, r: Request) -> ApiError {
        let shown = format!("{r:?}");
        match self.send(r) {
            Ok(resp) => panic!("{shown} succeeded: {resp:?}"),
            Err(e) => e,
        }
    }

    /// The `data` of a successful response.
    #[track_caller]
    fn data(&self, r: Request) -> Value {
        let resp = self.ok(r);
        assert_eq!(resp.status, None, "{resp:?}");
        Value::Object(resp.data.expect("data"))
    }

    /// Vault's 204: no status, no data, no warnings.
    #[track_caller]
    fn no_content(&self, r: Request) {
        let resp = self.ok(r);
        assert_eq!(
            (resp.status, resp.data, resp.warnings),
            (None, None, vec![]),
            "not a 204"
        );
    }

    /// A token holding one policy (and nothing else).
    fn token(&self, name: &str, policy: &str) -> Secret {
        let s = self.backend.open().unwrap();
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
                now: self.now.get(),
            },
        )
        .unwrap();
        s.commit().unwrap();
        issued.auth.client_token
    }
}

fn as_token(t: &Secret, r: Request) -> Request {
    r.with_caller(Caller::Token(CallerToken::new(t.clone(), "the test")))
}

/// The metadata of a data read, write or patch, at `created` (nanoseconds after T0).
fn written(version: i64, created: &str) -> Value {
    json!({"created_time": created, "custom_metadata": null, "deletion_time": "",
           "destroyed": false, "version": version})
}

#[test]
fn times_are_go_rfc3339_nano() {
    assert_eq!(rfc3339_ns(1_800_000_000_250_000_000), T0_TEXT);
    assert_eq!(
        rfc3339_ns(1_800_000_000_000_000_000),
        "2027-01-15T08:00:00Z"
    );
    assert_eq!(
        rfc3339_ns(1_800_000_003_510_650_660),
        "2027-01-15T08:00:03.51065066Z"
    );
    assert_eq!(rfc3339_ns(1), "1970-01-01T00:00:00.000000001Z");
}

#[test]
fn numbers_are_written_back_as_go_float64() {
    // kv.md §0.4, every row.
    for (sent, stored) in [
        ("12345678901234567890", "12345678901234567000"),
        ("9007199254740993", "9007199254740992"),
        ("1.0", "1"),
        ("-0.0", "-0"),
        ("1e3", "1000"),
        ("0.1", "0.1"),
        ("0.000001", "0.000001"),
        ("1e-7", "1e-7"),
        ("-1e-7", "-1e-7"),
        ("1e20", "100000000000000000000"),
        ("100000000000000000000", "100000000000000000000"),
        ("1e21", "1e+21"),
        ("123456789012345678901234", "1.2345678901234569e+23"),
        ("1.5e300", "1.5e+300"),
        ("2e-10", "2e-10"),
    ] {
        let f: f64 = sent.parse().unwrap();
        assert_eq!(go_float(f), stored, "{sent}");
    }
    let fx = Fx::new();
    let body: Value = serde_json::from_str(
        r#"{"data": {"n": {"x": 9007199254740993}, "l": [1.0, 2e-7, "1.0"], "m": -0.0}}"#,
    )
    .unwrap();
    fx.ok(put("secret/data/nums", body));
    let read = fx.data(get("secret/data/nums"));
    assert_eq!(
        serde_json::to_string(&read["data"]).unwrap(),
        r#"{"l":[1,2e-7,"1.0"],"m":-0,"n":{"x":9007199254740992}}"#
    );
    let huge: Value = serde_json::from_str(r#"{"data": {"n": [1, {"a": -1e309}]}}"#).unwrap();
    assert_eq!(
        fx.err(put("secret/data/nums", huge)),
        bad("failed to decode JSON input: json: cannot unmarshal number -1e309 into Go value of type float64")
    );
}

#[test]
fn versions_are_written_read_and_numbered() {
    let fx = Fx::new();
    assert_eq!(
        fx.data(put(
            "secret/data/app/db",
            json!({"data": {"a": "1", "n": 2}})
        )),
        written(1, T0_TEXT)
    );
    fx.later(1.0);
    let second = "2027-01-15T08:00:01.25Z";
    assert_eq!(
        fx.data(put(
            "secret/data/app/db",
            json!({"data": {"a": "2"}, "options": {"cas": 1}})
        )),
        written(2, second)
    );
    assert_eq!(
        fx.data(get("secret/data/app/db")),
        json!({"data": {"a": "2"}, "metadata": written(2, second)})
    );
    for v in ["1", "0", "-1"] {
        let want = if v == "1" {
            json!({"data": {"a": "1", "n": 2}, "metadata": written(1, T0_TEXT)})
        } else {
            json!({"data": {"a": "2"}, "metadata": written(2, second)})
        };
        assert_eq!(
            fx.data(req(
                Operation::Read,
                "secret/data/app/db",
                json!({"version": v})
            )),
            want,
            "version={v}"
        );
    }
    let parse = "Field validation failed: error converting input for field \"version\": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax";
    for v in ["abc", "1.5"] {
        assert_eq!(
            fx.err(req(
                Operation::Read,
                "secret/data/app/db",
                json!({"version": v})
            )),
            bad(parse)
        );
    }
    for path in ["secret/data/nope", "secret/data/app"] {
        assert_eq!(fx.err(get(path)), ApiError::not_found(), "{path}");
    }
    assert_eq!(
        fx.err(req(
            Operation::Read,
            "secret/data/app/db",
            json!({"version": "99"})
        )),
        ApiError::not_found()
    );
    // `null` data is a version whose data is null; `{}` an empty one.
    fx.ok(put("secret/data/app/db", json!({"data": null})));
    assert_eq!(fx.data(get("secret/data/app/db"))["data"], Value::Null);
    fx.ok(put("secret/data/app/db", json!({"data": {}})));
    assert_eq!(fx.data(get("secret/data/app/db"))["data"], json!({}));
    // A list of objects is merged, as Vault's field decoding does.
    fx.ok(put(
        "secret/data/app/db",
        json!({"data": [{"a": 1}, {"b": 2}]}),
    ));
    assert_eq!(
        fx.data(get("secret/data/app/db"))["data"],
        json!({"a": 1, "b": 2})
    );
}

#[test]
fn writes_are_checked_as_vault_checks_them() {
    let fx = Fx::new();
    for body in [json!({"a": "3"}), json!({}), json!({"options": {"cas": 0}})] {
        assert_eq!(fx.err(put("secret/data/s", body)), bad("no data provided"));
    }
    assert_eq!(
        fx.err(put("secret/data/s", json!({"data": "notamap"}))),
        bad("error converting input for field \"data\": '' expected type 'map[string]interface {}', got unconvertible type 'string'")
    );
    assert_eq!(
        fx.err(put("secret/data/s", json!({"data": [1]}))),
        bad("error converting input for field \"data\": '[0]' expected type 'map[string]interface {}', got unconvertible type 'json.Number'")
    );
    assert_eq!(
        fx.err(put("secret/data/s", json!({"data": {"a": "x"}, "options": "bad"}))),
        bad("error converting input for field \"options\": '' expected type 'map[string]interface {}', got unconvertible type 'string'")
    );
    // Nothing was written by the refusals.
    assert_eq!(fx.err(get("secret/data/s")), ApiError::not_found());
    assert_eq!(fx.err(get("secret/metadata/s")), ApiError::not_found());
}

#[test]
fn check_and_set() {
    let fx = Fx::new();
    let mismatch = bad("check-and-set parameter did not match the current version");
    // cas=0: only while the key has no version.
    fx.ok(put(
        "secret/data/c",
        json!({"data": {"v": 1}, "options": {"cas": 0}}),
    ));
    assert_eq!(
        fx.err(put(
            "secret/data/c",
            json!({"data": {"v": 2}, "options": {"cas": 0}})
        )),
        mismatch
    );
    fx.ok(put(
        "secret/data/c",
        json!({"data": {"v": 2}, "options": {"cas": "1"}}),
    ));
    for cas in [json!(1), json!(-1), json!(null), json!(false)] {
        assert_eq!(
            fx.err(put(
                "secret/data/c",
                json!({"data": {}, "options": {"cas": cas}})
            )),
            mismatch,
            "{cas}"
        );
    }
    for cas in [json!("x"), json!(2.5), json!([2])] {
        assert_eq!(
            fx.err(put(
                "secret/data/c",
                json!({"data": {}, "options": {"cas": cas}})
            )),
            bad("error parsing check-and-set parameter"),
            "{cas}"
        );
    }
    // Unknown fields are ignored; the CAS still applies.
    assert_eq!(
        fx.err(put(
            "secret/data/c",
            json!({"data": {}, "options": {"cas": 4}, "extra": 1})
        )),
        mismatch
    );
    // A key with metadata and no version passes cas=0.
    fx.no_content(put("secret/metadata/empty", json!({"max_versions": 4})));
    fx.ok(put(
        "secret/data/empty",
        json!({"data": {"a": 1}, "options": {"cas": 0}}),
    ));
    // cas_required on the key, then on the mount.
    let required = bad("check-and-set parameter required for this call");
    fx.no_content(put("secret/metadata/c", json!({"cas_required": true})));
    assert_eq!(fx.err(put("secret/data/c", json!({"data": {}}))), required);
    fx.ok(put(
        "secret/data/c",
        json!({"data": {}, "options": {"cas": 2}}),
    ));
    fx.no_content(put("secret/config", json!({"cas_required": true})));
    assert_eq!(
        fx.err(put("secret/data/other", json!({"data": {}}))),
        required
    );
    assert_eq!(
        fx.err(patch("secret/data/c", json!({"data": {"x": 1}}))),
        required
    );
    fx.ok(put(
        "secret/data/other",
        json!({"data": {}, "options": {"cas": 0}}),
    ));
}

#[test]
fn max_versions_prunes_the_oldest_on_write() {
    let fx = Fx::new();
    let kept = |fx: &Fx, key: &str| {
        let m = fx.data(get(&format!("secret/metadata/{key}")));
        let versions: Vec<String> = m["versions"].as_object().unwrap().keys().cloned().collect();
        (
            m["current_version"].clone(),
            m["oldest_version"].clone(),
            versions,
        )
    };
    fx.no_content(put("secret/config", json!({"max_versions": 3})));
    for i in 1..=5 {
        fx.ok(put("secret/data/k", json!({"data": {"v": i}})));
        if i == 3 {
            // The limit reached: the nonexistent version 0 is pruned.
            assert_eq!(
                kept(&fx, "k"),
                (json!(3), json!(1), vec!["1".into(), "2".into(), "3".into()])
            );
        }
    }
    assert_eq!(
        kept(&fx, "k"),
        (json!(5), json!(3), vec!["3".into(), "4".into(), "5".into()])
    );
    assert_eq!(
        fx.err(req(Operation::Read, "secret/data/k", json!({"version": 1}))),
        ApiError::not_found()
    );
    assert_eq!(
        fx.data(req(Operation::Read, "secret/data/k", json!({"version": 3})))["data"],
        json!({"v": 3})
    );
    // The larger of the key's and the mount's limit wins; lowering prunes nothing at once.
    fx.no_content(put("secret/metadata/k", json!({"max_versions": 2})));
    assert_eq!(kept(&fx, "k").2.len(), 3);
    fx.ok(put("secret/data/k", json!({"data": {"v": 6}})));
    assert_eq!(
        kept(&fx, "k"),
        (json!(6), json!(4), vec!["4".into(), "5".into(), "6".into()])
    );
    // Mount 0 and key 1: one version.
    fx.no_content(put("secret/config", json!({"max_versions": 0})));
    fx.no_content(put("secret/metadata/j", json!({"max_versions": 1})));
    fx.ok(put("secret/data/j", json!({"data": {}})));
    fx.ok(put("secret/data/j", json!({"data": {}})));
    assert_eq!(kept(&fx, "j"), (json!(2), json!(2), vec!["2".into()]));
    // Neither: ten.
    for _ in 0..12 {
        fx.ok(put("secret/data/ten", json!({"data": {}})));
    }
    let (cur, oldest, v) = kept(&fx, "ten");
    assert_eq!((cur, oldest, v.len()), (json!(12), json!(3), 10));
    // Vault's uint32: -1 reads back as 4294967295.
    fx.no_content(put("secret/metadata/j", json!({"max_versions": -1})));
    assert_eq!(
        fx.data(get("secret/metadata/j"))["max_versions"],
        json!(4294967295u32)
    );
}

#[test]
fn delete_version_after_deletes_at_read_time() {
    let fx = Fx::new();
    fx.no_content(put(
        "secret/metadata/t",
        json!({"delete_version_after": "3s"}),
    ));
    let w = fx.data(put("secret/data/t", json!({"data": {"v": 1}})));
    assert_eq!(w["created_time"], T0_TEXT);
    assert_eq!(w["deletion_time"], "2027-01-15T08:00:03.25Z");
    assert_eq!(fx.data(get("secret/data/t"))["data"], json!({"v": 1}));
    fx.later(4.0);
    let gone = fx.ok(get("secret/data/t"));
    assert_eq!(gone.status, Some(404));
    assert_eq!(
        Value::Object(gone.data.unwrap()),
        json!({"data": null, "metadata": {"created_time": T0_TEXT, "custom_metadata": null,
               "deletion_time": "2027-01-15T08:00:03.25Z", "destroyed": false, "version": 1}})
    );
    // Still listed; a patch finds it deleted.
    assert_eq!(
        fx.data(Request::list("secret/metadata"))["keys"],
        json!(["t"])
    );
    assert_eq!(
        fx.ok(patch("secret/data/t", json!({"data": {"v": 2}})))
            .status,
        Some(404)
    );
    // Undelete: deletion time now + 3s.
    fx.no_content(put("secret/undelete/t", json!({"versions": [1]})));
    let back = fx.data(get("secret/data/t"));
    assert_eq!(back["metadata"]["deletion_time"], "2027-01-15T08:00:07.25Z");
    // The mount's and the key's: the shorter wins; a negative mount value turns it off.
    fx.no_content(put("secret/config", json!({"delete_version_after": "1h"})));
    fx.no_content(put(
        "secret/metadata/u",
        json!({"delete_version_after": "2h"}),
    ));
    assert_eq!(
        fx.data(put("secret/data/u", json!({"data": {}})))["deletion_time"],
        "2027-01-15T09:00:04.25Z"
    );
    fx.no_content(put(
        "secret/metadata/u",
        json!({"delete_version_after": "10m"}),
    ));
    assert_eq!(
        fx.data(put("secret/data/u", json!({"data": {}})))["deletion_time"],
        "2027-01-15T08:10:04.25Z"
    );
    fx.no_content(put("secret/config", json!({"delete_version_after": "-5m"})));
    assert_eq!(fx.data(get("secret/config"))["delete_version_after"], "-1s");
    assert_eq!(
        fx.data(put("secret/data/u", json!({"data": {}})))["deletion_time"],
        ""
    );
}

#[test]
fn soft_delete_undelete_and_destroy() {
    let fx = Fx::new();
    for i in 1..=4 {
        fx.ok(put("secret/data/s", json!({"data": {"v": i}})));
    }
    let version = |v: i64| req(Operation::Read, "secret/data/s", json!({"version": v}));
    // DELETE data/: the latest version, now.
    fx.later(1.0);
    fx.no_content(Request::delete("secret/data/s"));
    let latest = fx.ok(get("secret/data/s"));
    assert_eq!(latest.status, Some(404));
    let meta = &latest.data.as_ref().unwrap()["metadata"];
    assert_eq!(meta["deletion_time"], "2027-01-15T08:00:01.25Z");
    // Deleting it again does not move its deletion time.
    fx.later(1.0);
    fx.no_content(Request::delete("secret/data/s"));
    assert_eq!(
        fx.ok(get("secret/data/s")).data.unwrap()["metadata"]["deletion_time"],
        "2027-01-15T08:00:01.25Z"
    );
    // delete/ with versions in every accepted form.
    fx.no_content(put("secret/delete/s", json!({"versions": [1, "2"]})));
    fx.no_content(put("secret/delete/s", json!({"versions": "3,99"})));
    for v in 1..=4 {
        assert_eq!(fx.ok(version(v)).status, Some(404), "version {v}");
    }
    // undelete brings back what is not destroyed; destroy removes the data for good.
    fx.no_content(put("secret/destroy/s", json!({"versions": [2]})));
    fx.no_content(put("secret/undelete/s", json!({"versions": "1,2"})));
    assert_eq!(fx.data(version(1))["data"], json!({"v": 1}));
    let destroyed = fx.ok(version(2));
    assert_eq!(destroyed.status, Some(404));
    let d = Value::Object(destroyed.data.unwrap());
    assert_eq!(d["data"], Value::Null);
    assert_eq!(d["metadata"]["destroyed"], true);
    assert_eq!(
        d["metadata"]["deletion_time"], "2027-01-15T08:00:02.25Z",
        "destroy keeps the deletion time"
    );
    let versions = fx.data(get("secret/metadata/s"))["versions"].clone();
    assert_eq!(
        versions["2"],
        json!({"created_time": T0_TEXT, "deletion_time": "2027-01-15T08:00:02.25Z", "destroyed": true})
    );
    assert_eq!(versions["1"]["deletion_time"], "");
    // Missing keys and versions are no error; the version list is required.
    for p in ["delete", "undelete", "destroy"] {
        fx.no_content(put(&format!("secret/{p}/nope"), json!({"versions": [1]})));
        fx.no_content(put(
            &format!("secret/{p}/s"),
            json!({"versions": [0, -1, ""]}),
        ));
        let want = if p == "destroy" {
            "no version number provided"
        } else {
            "No version number provided"
        };
        for body in [json!({}), json!({"versions": []}), json!({"versions": ""})] {
            assert_eq!(
                fx.err(put(&format!("secret/{p}/s"), body)),
                bad(want),
                "{p}"
            );
        }
    }
    fx.no_content(Request::delete("secret/data/nope"));
    let field = "Field validation failed: error converting input for field \"versions\": decoding failed due to the following error(s):\n\n";
    for (versions, errors) in [
        (json!(["x"]), "'[0]' cannot parse value as 'int': strconv.ParseInt: invalid syntax"),
        (json!("1,x"), "'[1]' cannot parse value as 'int': strconv.ParseInt: invalid syntax"),
        (json!([1.5]), "'[0]' cannot parse value as 'int': strconv.ParseInt: invalid syntax"),
        (json!([" 1"]), "'[0]' cannot parse value as 'int': strconv.ParseInt: invalid syntax"),
        (
            json!(["x", "y"]),
            "'[0]' cannot parse value as 'int': strconv.ParseInt: invalid syntax\n'[1]' cannot parse value as 'int': strconv.ParseInt: invalid syntax",
        ),
        (json!({"a": 1}), "'[0]' expected type 'int', got unconvertible type 'map[string]interface {}'"),
        (json!([[1]]), "'[0]' expected type 'int', got unconvertible type '[]interface {}'"),
    ] {
        assert_eq!(
            fx.err(put("secret/delete/s", json!({"versions": versions}))),
            bad(&format!("{field}{errors}")),
            "{versions}"
        );
    }
    // Only a metadata delete removes the key (and its folder from lists).
    fx.no_content(Request::delete("secret/metadata/s"));
    assert_eq!(fx.err(get("secret/data/s")), ApiError::not_found());
    assert_eq!(fx.err(get("secret/metadata/s")), ApiError::not_found());
    fx.no_content(Request::delete("secret/metadata/s"));
}

#[test]
fn patch_merges_into_a_new_version() {
    let fx = Fx::new();
    fx.ok(put(
        "secret/data/p",
        json!({"data": {"a": "1", "b": {"x": 1, "y": 2}, "c": [1, 2]}}),
    ));
    let r = fx.data(patch(
        "secret/data/p",
        json!({"data": {"a": null, "b": {"x": null, "z": 3}, "c": [3], "d": "new"}}),
    ));
    assert_eq!(r, written(2, T0_TEXT));
    assert_eq!(
        fx.data(get("secret/data/p"))["data"],
        json!({"b": {"y": 2, "z": 3}, "c": [3], "d": "new"})
    );
    assert_eq!(
        fx.err(patch(
            "secret/data/p",
            json!({"data": {"e": 1}, "options": {"cas": 1}})
        )),
        bad("check-and-set parameter did not match the current version")
    );
    fx.ok(patch(
        "secret/data/p",
        json!({"data": {"e": 1}, "options": {"cas": 2}}),
    ));
    assert_eq!(
        fx.err(patch("secret/data/p", json!({"options": {}}))),
        bad("no data provided")
    );
    assert_eq!(
        fx.err(patch("secret/data/p", json!({"data": "str"}))),
        bad("Field validation failed: error converting input for field \"data\": '' expected type 'map[string]interface {}', got unconvertible type 'string'")
    );
    // A key that does not exist: 404 with no body at all.
    let none = fx.ok(patch("secret/data/nope", json!({"data": {"a": 1}})));
    assert_eq!(
        (none.status, none.data, none.warnings),
        (Some(404), None, vec![])
    );
    // The latest version deleted: 404 with its write-shaped metadata.
    fx.no_content(Request::delete("secret/data/p"));
    let deleted = fx.ok(patch("secret/data/p", json!({"data": {"a": 1}})));
    assert_eq!(deleted.status, Some(404));
    let mut want = obj(written(3, T0_TEXT));
    want.insert("deletion_time".into(), json!(T0_TEXT));
    assert_eq!(deleted.data.unwrap(), want);
    // `{"data": null}` is a version whose data is null; patching it merges into `{}`.
    fx.ok(put("secret/data/n", json!({"data": {"a": 1}})));
    fx.ok(patch("secret/data/n", json!({"data": null})));
    assert_eq!(fx.data(get("secret/data/n"))["data"], Value::Null);
    fx.ok(patch("secret/data/n", json!({"data": {"b": 2}})));
    assert_eq!(fx.data(get("secret/data/n"))["data"], json!({"b": 2}));
}

#[test]
fn metadata_is_written_read_patched_and_validated() {
    let fx = Fx::new();
    // A body with no field changes nothing and creates nothing.
    fx.no_content(put("secret/metadata/m", json!({})));
    fx.no_content(put("secret/metadata/m", json!({"metadata_cas": 0})));
    assert_eq!(fx.err(get("secret/metadata/m")), ApiError::not_found());
    fx.no_content(put(
        "secret/metadata/m",
        json!({"max_versions": 3, "custom_metadata": {"a": "1", "n": 2, "b": true}}),
    ));
    assert_eq!(
        fx.data(get("secret/metadata/m")),
        json!({"cas_required": false, "created_time": T0_TEXT, "current_metadata_version": 1,
               "current_version": 0, "custom_metadata": {"a": "1", "b": "1", "n": "2"},
               "delete_version_after": "0s", "max_versions": 3, "metadata_cas_required": false,
               "oldest_version": 0, "updated_time": T0_TEXT, "versions": {}})
    );
    // custom_metadata replaces the whole map; `{}` clears it; other fields stay.
    fx.later(1.0);
    fx.no_content(put(
        "secret/metadata/m",
        json!({"custom_metadata": {"k": "v"}, "delete_version_after": 3600}),
    ));
    let m = fx.data(get("secret/metadata/m"));
    assert_eq!(
        (
            &m["custom_metadata"],
            &m["delete_version_after"],
            &m["max_versions"]
        ),
        (&json!({"k": "v"}), &json!("1h0m0s"), &json!(3))
    );
    assert_eq!(
        (
            &m["current_metadata_version"],
            &m["updated_time"],
            &m["created_time"]
        ),
        (
            &json!(2),
            &json!("2027-01-15T08:00:01.25Z"),
            &json!(T0_TEXT)
        )
    );
    // The key's custom metadata shows in data reads and writes.
    let w = fx.data(put("secret/data/m", json!({"data": {"x": 1}})));
    assert_eq!(w["custom_metadata"], json!({"k": "v"}));
    assert_eq!(
        fx.data(get("secret/data/m"))["metadata"]["custom_metadata"],
        json!({"k": "v"})
    );
    fx.no_content(put("secret/metadata/m", json!({"custom_metadata": {}})));
    assert_eq!(
        fx.data(get("secret/metadata/m"))["custom_metadata"],
        Value::Null
    );
    fx.no_content(put(
        "secret/metadata/m",
        json!({"delete_version_after": "1d"}),
    ));
    assert_eq!(
        fx.data(get("secret/metadata/m"))["delete_version_after"],
        "24h0m0s"
    );
    // A data write does not count as a metadata change.
    assert_eq!(
        fx.data(get("secret/metadata/m"))["current_metadata_version"],
        json!(4)
    );

    // PATCH merges custom metadata key by key and replaces the rest.
    let ct = |body: Value| patch("secret/metadata/m", body);
    fx.no_content(ct(json!({"custom_metadata": {"a": "1", "b": "2"}})));
    fx.no_content(ct(
        json!({"custom_metadata": {"a": null, "c": 3}, "max_versions": 5}),
    ));
    let m = fx.data(get("secret/metadata/m"));
    assert_eq!(m["custom_metadata"], json!({"b": "2", "c": "3"}));
    assert_eq!(m["max_versions"], json!(5));
    assert_eq!(m["current_metadata_version"], json!(6));
    fx.no_content(ct(
        json!({"max_versions": null, "delete_version_after": null}),
    ));
    let m = fx.data(get("secret/metadata/m"));
    assert_eq!(
        (&m["max_versions"], &m["delete_version_after"]),
        (&json!(0), &json!("24h0m0s"))
    );
    fx.no_content(ct(json!({"custom_metadata": null})));
    assert_eq!(
        fx.data(get("secret/metadata/m"))["custom_metadata"],
        Value::Null
    );
    fx.no_content(ct(json!({"bogus": 1})));
    assert_eq!(
        fx.data(get("secret/metadata/m"))["current_metadata_version"],
        json!(8)
    );
    let none = fx.ok(patch("secret/metadata/nope", json!({"max_versions": 1})));
    assert_eq!((none.status, none.data), (Some(404), None));
    fx.no_content(patch("secret/metadata/nope", json!({})));
    // A null delete_version_after is no field at all; other nulls are.
    fx.no_content(put(
        "secret/metadata/m",
        json!({"delete_version_after": null}),
    ));
    assert_eq!(
        fx.data(get("secret/metadata/m"))["current_metadata_version"],
        json!(8)
    );
    fx.no_content(put("secret/metadata/m", json!({"custom_metadata": null})));
    assert_eq!(
        fx.data(get("secret/metadata/m"))["current_metadata_version"],
        json!(9)
    );
    assert_eq!(
        fx.err(ct(json!({"max_versions": "x"}))),
        bad("Field validation failed: error converting input for field \"max_versions\": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax")
    );
    assert_eq!(
        fx.err(ct(json!({"delete_version_after": "-1s"}))),
        bad("Field validation failed: error converting input for field \"delete_version_after\": cannot provide negative value '-1'")
    );
}

#[test]
fn metadata_fields_and_custom_metadata_limits() {
    let fx = Fx::new();
    let w = |body: Value| fx.err(put("secret/metadata/v", body));
    for (body, msg) in [
        (json!({"custom_metadata": {"k": ""}}), "1 error occurred:\n\t* custom_metadata validation failed: length of value for key \"k\" is 0 but must be 0 < len(value) <= 512\n\n"),
        (json!({"custom_metadata": {"": "v"}}), "1 error occurred:\n\t* custom_metadata validation failed: length of key \"\" is 0 but must be 0 < len(key) <= 128\n\n"),
        (json!({"custom_metadata": {"k": "v\u{1}"}}), "1 error occurred:\n\t* custom_metadata validation failed: value for key \"k\" contains unprintable characters\n\n"),
        (json!({"custom_metadata": {"k": null}}), "1 error occurred:\n\t* custom_metadata validation failed: length of value for key \"k\" is 0 but must be 0 < len(value) <= 512\n\n"),
        (json!({"custom_metadata": "str"}), "error converting input for field \"custom_metadata\": '' expected type 'map[string]interface {}', got unconvertible type 'string'"),
        (json!({"custom_metadata": {"k": {"x": 1}}}), "custom_metadata validation failed: '' expected type 'string', got unconvertible type 'map[string]interface {}'"),
        (json!({"custom_metadata": {"k": [1]}}), "custom_metadata validation failed: '' expected type 'string', got unconvertible type '[]interface {}'"),
        (json!({"max_versions": "abc"}), "error converting input for field \"max_versions\": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax"),
        (json!({"cas_required": "yes"}), "error converting input for field \"cas_required\": '' cannot parse value as 'bool': strconv.ParseBool: invalid syntax"),
        (json!({"delete_version_after": "abc"}), "error converting input for field \"delete_version_after\": time: invalid duration \"abc\""),
        (json!({"delete_version_after": "-1s"}), "error converting input for field \"delete_version_after\": cannot provide negative value '-1'"),
        (json!({"metadata_cas": "x", "max_versions": 1}), "error converting input for field \"metadata_cas\": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax"),
    ] {
        assert_eq!(w(body.clone()), bad(msg), "{body}");
    }
    let many: Map<String, Value> = (0..65).map(|i| (format!("k{i:02}"), json!("v"))).collect();
    assert_eq!(
        w(json!({"custom_metadata": many})),
        bad("1 error occurred:\n\t* custom_metadata validation failed: payload must contain at most 64 keys, provided 65\n\n")
    );
    let long_key = "a".repeat(129);
    let long_value = "x".repeat(513);
    let mut five = Map::new();
    five.insert(long_key.clone(), json!("v"));
    five.insert("b".into(), json!(long_value));
    five.insert("c\u{1}".into(), json!(""));
    five.insert("d".into(), json!(""));
    assert_eq!(
        w(json!({"custom_metadata": five})),
        bad(&format!(
            "5 errors occurred:\n\
             \t* custom_metadata validation failed: length of key \"{long_key}\" is 129 but must be 0 < len(key) <= 128\n\
             \t* custom_metadata validation failed: length of value for key \"b\" is 513 but must be 0 < len(value) <= 512\n\
             \t* custom_metadata validation failed: length of value for key \"c\\x01\" is 0 but must be 0 < len(value) <= 512\n\
             \t* custom_metadata validation failed: key \"c\\x01\" (c\u{1}) contains unprintable characters\n\
             \t* custom_metadata validation failed: length of value for key \"d\" is 0 but must be 0 < len(value) <= 512\n\n"
        ))
    );
    // 64 keys of the largest sizes are fine.
    let full: Map<String, Value> = (0..64)
        .map(|i| (format!("{i:0128}"), json!("é".repeat(256))))
        .collect();
    fx.no_content(put("secret/metadata/v", json!({"custom_metadata": full})));
    // Accepted forms.
    fx.no_content(put(
        "secret/metadata/v",
        json!({"cas_required": "true", "max_versions": -1, "delete_version_after": 3600}),
    ));
    let m = fx.data(get("secret/metadata/v"));
    assert_eq!(
        (
            &m["cas_required"],
            &m["max_versions"],
            &m["delete_version_after"]
        ),
        (&json!(true), &json!(4294967295u32), &json!("1h0m0s"))
    );
    // A key's cas_required false under a mount that requires it: a warning, 200.
    fx.no_content(put("secret/config", json!({"cas_required": true})));
    let r = fx.ok(put("secret/metadata/v", json!({"cas_required": false})));
    assert_eq!(
        (r.status, r.data, r.warnings),
        (
            None,
            None,
            vec!["\"cas_required\" set to false, but is mandated by backend config. This value will be ignored.".to_string()]
        )
    );
}

#[test]
fn metadata_check_and_set() {
    let fx = Fx::new();
    let required = bad("metadata check-and-set parameter required for this call");
    let mismatch = bad("metadata check-and-set parameter does not match the current version");
    assert_eq!(
        fx.err(put(
            "secret/metadata/k",
            json!({"max_versions": 2, "metadata_cas": 5})
        )),
        bad("metadata_cas must be 0 when creating new metadata")
    );
    fx.no_content(put(
        "secret/metadata/k",
        json!({"metadata_cas_required": true}),
    ));
    assert_eq!(
        fx.data(get("secret/metadata/k"))["metadata_cas_required"],
        true
    );
    assert_eq!(
        fx.err(put("secret/metadata/k", json!({"max_versions": 2}))),
        required
    );
    assert_eq!(
        fx.err(put(
            "secret/metadata/k",
            json!({"max_versions": 2, "metadata_cas": 0})
        )),
        mismatch
    );
    fx.no_content(put(
        "secret/metadata/k",
        json!({"max_versions": 2, "metadata_cas": 1}),
    ));
    assert_eq!(
        fx.err(patch("secret/metadata/k", json!({"max_versions": 3}))),
        required
    );
    fx.no_content(patch(
        "secret/metadata/k",
        json!({"max_versions": 3, "metadata_cas": 2}),
    ));
    // The mount's rule applies to new keys too (metadata_cas 0), not to deletes.
    fx.no_content(put("secret/config", json!({"metadata_cas_required": true})));
    assert_eq!(
        fx.err(put("secret/metadata/k2", json!({"max_versions": 2}))),
        required
    );
    fx.no_content(put(
        "secret/metadata/k2",
        json!({"max_versions": 2, "metadata_cas": 0}),
    ));
    fx.no_content(Request::delete("secret/metadata/k2"));
}

#[test]
fn lists_show_keys_and_folders_bytewise() {
    let fx = Fx::new();
    assert_eq!(
        fx.err(Request::list("secret/metadata")),
        ApiError::not_found()
    );
    for k in [
        "b",
        "a",
        "a/x",
        "A",
        "Z",
        "_u",
        "1",
        "é",
        "a b",
        "a-b",
        "a.b",
        "app/db",
        "app/deep/er",
    ] {
        fx.ok(put(&format!("secret/data/{k}"), json!({"data": {}})));
    }
    assert_eq!(
        fx.data(Request::list("secret/metadata"))["keys"],
        json!(["1", "A", "Z", "_u", "a", "a b", "a-b", "a.b", "a/", "app/", "b", "é"])
    );
    assert_eq!(
        fx.data(Request::list("secret/metadata/app"))["keys"],
        json!(["db", "deep/"])
    );
    for leaf_or_missing in [
        "secret/metadata/app/db",
        "secret/metadata/nope",
        "secret/metadata/ap",
    ] {
        assert_eq!(
            fx.err(Request::list(leaf_or_missing)),
            ApiError::not_found(),
            "{leaf_or_missing}"
        );
    }
    // Deleted and destroyed keys stay listed; a metadata delete takes the folder with it.
    fx.no_content(Request::delete("secret/data/app/deep/er"));
    fx.no_content(put("secret/destroy/app/deep/er", json!({"versions": [1]})));
    assert_eq!(
        fx.data(Request::list("secret/metadata/app/deep"))["keys"],
        json!(["er"])
    );
    fx.no_content(Request::delete("secret/metadata/app/deep/er"));
    assert_eq!(
        fx.data(Request::list("secret/metadata/app"))["keys"],
        json!(["db"])
    );
    // Empty segments are dropped, as the server's redirect to the clean path does.
    assert_eq!(
        fx.data(Request::list("secret/metadata//app"))["keys"],
        json!(["db"])
    );
    assert_eq!(fx.data(get("secret//data/app//db"))["data"], json!({}));
}

#[test]
fn config_reads_and_writes() {
    let fx = Fx::new();
    let zero = json!({"cas_required": false, "delete_version_after": "0s", "max_versions": 0,
                      "metadata_cas_required": false});
    assert_eq!(fx.data(get("secret/config")), zero);
    fx.no_content(put("secret/config", json!({})));
    assert_eq!(fx.data(get("secret/config")), zero);
    for (body, msg) in [
        (json!({"max_versions": "abc"}), "Field validation failed: error converting input for field \"max_versions\": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax"),
        (json!({"delete_version_after": "abc"}), "Field validation failed: error converting input for field \"delete_version_after\": time: invalid duration \"abc\""),
        (json!({"cas_required": "yes"}), "Field validation failed: error converting input for field \"cas_required\": '' cannot parse value as 'bool': strconv.ParseBool: invalid syntax"),
    ] {
        assert_eq!(fx.err(put("secret/config", body.clone())), bad(msg), "{body}");
    }
    fx.no_content(put(
        "secret/config",
        json!({"cas_required": false, "max_versions": 10, "delete_version_after": "2h"}),
    ));
    assert_eq!(
        fx.data(get("secret/config")),
        json!({"cas_required": false, "delete_version_after": "2h0m0s", "max_versions": 10,
               "metadata_cas_required": false})
    );
    fx.no_content(put("secret/config", json!({"delete_version_after": "-1s"})));
    assert_eq!(fx.data(get("secret/config"))["delete_version_after"], "-1s");
    fx.no_content(put(
        "secret/config",
        json!({"delete_version_after": "0", "max_versions": -1}),
    ));
    let c = fx.data(get("secret/config"));
    assert_eq!(
        (&c["delete_version_after"], &c["max_versions"]),
        (&json!("0s"), &json!(4294967295u32))
    );
    let unsupported = ApiError::multi(405, "unsupported operation");
    assert_eq!(fx.err(Request::delete("secret/config")), unsupported);
    assert_eq!(
        fx.err(patch("secret/config", json!({"max_versions": 1}))),
        unsupported
    );
}

#[test]
fn paths_the_engine_does_not_serve() {
    let fx = Fx::new();
    let invalid = |sub: &str| {
        format!("Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv {sub}' for this operation.")
    };
    let root = "Non-listing operations on the root of a K/V v2 mount are not supported.";
    let warns = |r: Request, want: &str| {
        let shown = format!("{r:?}");
        let resp = fx.ok(r);
        assert_eq!(
            (resp.status, resp.data, resp.warnings),
            (Some(404), None, vec![want.to_string()]),
            "{shown}"
        );
    };
    for (r, sub) in [
        (get("secret/foo"), "get"),
        (get("secret"), "get"),
        (get("secret/subkeys"), "get"),
        (put("secret/foo", json!({"a": 1})), "put"),
        (put("secret/config/x", json!({})), "put"),
        (patch("secret/foo", json!({})), "patch"),
        (Request::list("secret"), "list"),
        (Request::list("secret/config"), "list"),
        (Request::delete("secret/config/x"), "delete"),
    ] {
        warns(r, &invalid(sub));
    }
    for r in [
        get("secret/data"),
        put("secret/data", json!({"data": {"a": 1}})),
        patch("secret/data", json!({})),
        Request::delete("secret/data"),
        get("secret/metadata"),
        put("secret/metadata", json!({"max_versions": 1})),
        Request::delete("secret/metadata"),
        get("secret/undelete"),
    ] {
        warns(r, root);
    }
    let unsupported = ApiError::multi(405, "unsupported operation");
    for r in [
        Request::list("secret/data"),
        Request::list("secret/data/x"),
        Request::list("secret/delete"),
        Request::list("secret/delete/x"),
        get("secret/delete/s"),
        get("secret/undelete/s"),
        Request::delete("secret/destroy/s"),
        Request::delete("secret/undelete/x"),
        patch("secret/delete/x", json!({})),
    ] {
        assert_eq!(fx.err(r), unsupported);
    }
    // `.` and `..` segments never reach the engine; no other mount is reached.
    for p in [
        "secret/data/a/../b",
        "secret/data/./b",
        "secret/../sys/policy",
    ] {
        let e = fx.err(get(p));
        assert_eq!(e.errors, ["relative paths not supported"], "{p}");
    }
    assert_eq!(
        fx.err(put("secret/data/a\u{1b}[31mb", json!({"data": {}}))),
        bad("invalid secret path \"data/a\\x1b[31mb\": expected printable characters, found '\\x1b'")
    );
    assert_eq!(
        fx.err(get("nomount/data/x")),
        ApiError::new(404, vec!["no handler for route \"nomount/data/x\"".into()])
    );
}

/// The brief's token: read on `secret/data/app/*`, nothing else (kv.md §5.1).
#[test]
fn a_read_token_gets_secrets_and_nothing_else() {
    let fx = Fx::new();
    fx.ok(put("secret/data/app/db", json!({"data": {"user": "x"}})));
    fx.ok(put("secret/data/other/x", json!({"data": {"a": 1}})));
    let t = fx.token(
        "app-read",
        r#"path "secret/data/app/*" { capabilities = ["read"] }"#,
    );
    let got = fx.send(as_token(&t, get("secret/data/app/db"))).unwrap();
    assert_eq!(
        Value::Object(got.data.unwrap())["data"],
        json!({"user": "x"})
    );
    for r in [
        put("secret/data/app/db", json!({"data": {"user": "y"}})),
        put("secret/data/app/new", json!({"data": {"user": "y"}})),
        patch("secret/data/app/db", json!({"data": {"user": "y"}})),
        get("secret/data/other/x"),
        Request::list("secret/metadata/app"),
        Request::list("secret/metadata"),
        get("secret/metadata/app/db"),
        put("secret/metadata/app/db", json!({"max_versions": 2})),
        Request::delete("secret/metadata/app/db"),
        Request::delete("secret/data/app/db"),
        put("secret/delete/app/db", json!({"versions": [1]})),
        put("secret/undelete/app/db", json!({"versions": [1]})),
        put("secret/destroy/app/db", json!({"versions": [1]})),
        get("secret/config"),
        get("sys/mounts"),
    ] {
        let shown = format!("{r:?}");
        let e = fx.send(as_token(&t, r)).expect_err(&shown);
        assert_eq!((e.code, e.errors), (403, denied()), "{shown}");
    }
    // Nothing changed.
    assert_eq!(
        fx.data(get("secret/data/app/db"))["metadata"]["version"],
        json!(1)
    );
    // The operator (a local request with no token) may do all of it.
    fx.ok(put("secret/data/app/db", json!({"data": {"user": "y"}})));
}

#[test]
fn a_write_is_create_or_update_by_whether_the_key_exists() {
    let fx = Fx::new();
    fx.ok(put("secret/data/cu/existing", json!({"data": {"v": 1}})));
    fx.no_content(put(
        "secret/metadata/cu/meta-only",
        json!({"max_versions": 3}),
    ));
    let create = fx.token(
        "c",
        r#"path "secret/data/cu/*" { capabilities = ["create"] }"#,
    );
    let update = fx.token(
        "u",
        r#"path "secret/data/cu/*" { capabilities = ["update"] }"#,
    );
    let body = || json!({"data": {"v": 2}});
    let ok = |t: &Secret, r: Request| {
        let shown = format!("{r:?}");
        fx.send(as_token(t, r))
            .unwrap_or_else(|e| panic!("{shown}: {e:?}"))
    };
    let refused = |t: &Secret, r: Request| {
        let shown = format!("{r:?}");
        let e = fx.send(as_token(t, r)).expect_err(&shown);
        assert_eq!((e.code, e.errors), (403, denied()), "{shown}");
    };
    ok(&create, put("secret/data/cu/new1", body()));
    refused(&create, put("secret/data/cu/existing", body()));
    // A key with metadata and no version exists.
    refused(&create, put("secret/data/cu/meta-only", body()));
    refused(&update, put("secret/data/cu/new2", body()));
    ok(&update, put("secret/data/cu/existing", body()));
    ok(&update, put("secret/data/cu/meta-only", body()));
    // Neither may read or patch.
    refused(&create, get("secret/data/cu/new1"));
    refused(&update, patch("secret/data/cu/existing", body()));
    // The patch capability alone is enough for PATCH (a missing key is then a 404).
    let p = fx.token(
        "p",
        r#"path "secret/data/cu/*" { capabilities = ["patch"] }"#,
    );
    ok(&p, patch("secret/data/cu/existing", body()));
    assert_eq!(
        ok(&p, patch("secret/data/cu/nope", body())).status,
        Some(404)
    );
    // metadata/ has the same check; delete/, undelete/, destroy/ and config have none: their
    // writes are updates, which create does not grant.
    let c2 = fx.token(
        "c2",
        r#"path "secret/metadata/*" { capabilities = ["create"] }
path "secret/delete/*" { capabilities = ["create"] }
path "secret/undelete/*" { capabilities = ["create"] }
path "secret/destroy/*" { capabilities = ["create"] }
path "secret/config" { capabilities = ["create"] }"#,
    );
    ok(
        &c2,
        put("secret/metadata/brandnew", json!({"max_versions": 3})),
    );
    refused(
        &c2,
        put("secret/metadata/cu/existing", json!({"max_versions": 0})),
    );
    for p in ["delete", "undelete", "destroy"] {
        refused(
            &c2,
            put(&format!("secret/{p}/cu/existing"), json!({"versions": [1]})),
        );
    }
    refused(&c2, put("secret/config", json!({})));
    let u2 = fx.token(
        "u2",
        r#"path "secret/metadata/*" { capabilities = ["update"] }"#,
    );
    refused(
        &u2,
        put("secret/metadata/brandnew2", json!({"max_versions": 3})),
    );
    ok(
        &u2,
        put("secret/metadata/cu/existing", json!({"max_versions": 0})),
    );
}

#[test]
fn list_delete_and_version_paths_with_the_right_rules() {
    let fx = Fx::new();
    for k in ["cu/new1", "cu/new2", "top"] {
        fx.ok(put(&format!("secret/data/{k}"), json!({"data": {"v": 1}})));
    }
    // `list` on `secret/metadata/cu/*`, on `secret/metadata/cu` exactly, on
    // `secret/metadata/*`, and `+` for the mount's sub-path.
    for (name, policy, root) in [
        (
            "l1",
            r#"path "secret/metadata/cu/*" { capabilities = ["list"] }"#,
            false,
        ),
        (
            "l2",
            r#"path "secret/metadata/cu" { capabilities = ["list"] }"#,
            false,
        ),
        (
            "l3",
            r#"path "secret/metadata/*" { capabilities = ["list"] }"#,
            true,
        ),
        (
            "l4",
            r#"path "secret/+/cu/*" { capabilities = ["read", "list"] }"#,
            false,
        ),
    ] {
        let t = fx.token(name, policy);
        let keys = fx
            .send(as_token(&t, Request::list("secret/metadata/cu")))
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(
            Value::Object(keys.data.unwrap())["keys"],
            json!(["new1", "new2"])
        );
        let at_root = fx.send(as_token(&t, Request::list("secret/metadata")));
        assert_eq!(at_root.is_ok(), root, "{name}: {at_root:?}");
    }
    let full = fx.token(
        "cu-full",
        r#"path "secret/data/cu/*" { capabilities = ["read", "patch"] }
path "secret/metadata/cu/*" { capabilities = ["list", "read", "delete", "update", "create", "patch"] }
path "secret/delete/cu/*" { capabilities = ["update"] }
path "secret/undelete/cu/*" { capabilities = ["update"] }
path "secret/destroy/cu/*" { capabilities = ["update"] }"#,
    );
    for r in [
        get("secret/metadata/cu/new1"),
        put("secret/delete/cu/new1", json!({"versions": [1]})),
        put("secret/undelete/cu/new1", json!({"versions": [1]})),
        put("secret/destroy/cu/new1", json!({"versions": [1]})),
        Request::delete("secret/metadata/cu/new2"),
    ] {
        let shown = format!("{r:?}");
        fx.send(as_token(&full, r))
            .unwrap_or_else(|e| panic!("{shown}: {e:?}"));
    }
    let e = fx
        .send(as_token(&full, Request::delete("secret/data/cu/new1")))
        .expect_err("no delete on data/");
    assert_eq!((e.code, e.errors), (403, denied()));
}

#[test]
fn secret_values_are_sealed_and_bound_to_their_row() {
    let fx = Fx::new();
    fx.ok(put(
        "secret/data/a",
        json!({"data": {"password": "hunter2-in-a"}}),
    ));
    fx.no_content(put(
        "secret/metadata/a",
        json!({"custom_metadata": {"owner": "alice-the-owner"}}),
    ));
    fx.ok(put(
        "secret/data/b",
        json!({"data": {"password": "other-b"}}),
    ));
    let key_file = fx.dir.path().join("keys/seal.key");
    assert!(key_file.exists());
    // The database holds no plaintext (the WAL/SHM are checked by the binary tests).
    let uuid = mount_uuid(&fx);
    {
        let s = fx.backend.open().unwrap();
        let sealed = s.kv_version(&uuid, "a", 1).unwrap().unwrap();
        let blob = sealed.value.unwrap();
        assert!(!blob.windows(7).any(|w| w == b"hunter2"));
        s.commit().unwrap();
    }
    // A value moved to another row does not open: a clear 500, never garbage.
    {
        let s = fx.backend.open().unwrap();
        let a = s.kv_version(&uuid, "a", 1).unwrap().unwrap();
        let mut b = s.kv_version(&uuid, "b", 1).unwrap().unwrap();
        b.value = a.value;
        s.put_kv_version(&uuid, "b", &b).unwrap();
        s.commit().unwrap();
    }
    let e = fx.err(get("secret/data/b"));
    assert_eq!(e.code, 500);
    assert_eq!(
        e.errors,
        ["the sealed value of secret/b version 1 does not open with this state's seal key: it was altered or copied from another row of the state"]
    );
    assert_eq!(
        fx.data(get("secret/data/a"))["data"],
        json!({"password": "hunter2-in-a"})
    );
    // Another key: the same clear error for reads and writes, and nothing written with it.
    let other = KeyFile::new(Some(fx.dir.path().join("other.key")));
    std::fs::write(fx.dir.path().join("other.key"), [7u8; 32]).unwrap();
    let wrong = format!(
        "the seal key in {} does not open this state's secrets (they were sealed with another key): point -seal-key-file or JWTVAULT_SEAL_KEY_FILE at the key this state was first used with",
        fx.dir.path().join("other.key").display()
    );
    for r in [
        get("secret/data/a"),
        put("secret/data/a", json!({"data": {"x": 1}})),
        put("secret/data/new", json!({"data": {"x": 1}})),
        get("secret/metadata/a"),
        put("secret/metadata/a", json!({"custom_metadata": {"k": "v"}})),
    ] {
        let e = fx.send_with(&other, r).expect_err("wrong key");
        assert_eq!((e.code, e.errors), (500, vec![wrong.clone()]));
    }
    // What needs no key still works: lists, metadata without custom metadata, deletes.
    fx.send_with(&other, Request::list("secret/metadata"))
        .unwrap();
    fx.send_with(&other, get("secret/metadata/b")).unwrap();
    assert_eq!(
        fx.data(get("secret/data/a"))["metadata"]["version"],
        json!(1)
    );
    // A missing key file while sealed values exist: an error, and no new key file.
    let missing_path = fx.dir.path().join("missing/seal.key");
    let missing = KeyFile::new(Some(missing_path.clone()));
    let e = fx
        .send_with(&missing, put("secret/data/new", json!({"data": {"x": 1}})))
        .expect_err("missing key");
    assert_eq!(
        e.errors,
        [format!(
            "the seal key file {} does not exist, and this state holds secrets sealed with a key: point -seal-key-file or JWTVAULT_SEAL_KEY_FILE at that key (jwtvault never makes a new key while sealed secrets exist)",
            missing_path.display()
        )]
    );
    assert!(!missing_path.exists() && !missing_path.parent().unwrap().exists());
    // Once nothing sealed is left, the state takes the file's key, whichever it is.
    for k in ["a", "b"] {
        fx.no_content(Request::delete(format!("secret/metadata/{k}")));
    }
    fx.send_with(&other, put("secret/data/new", json!({"data": {"x": 1}})))
        .unwrap();
    assert_eq!(
        fx.send_with(&other, get("secret/data/new"))
            .unwrap()
            .data
            .unwrap()["data"],
        json!({"x": 1})
    );
    assert_eq!(fx.err(get("secret/data/new")).code, 500);
}

fn mount_uuid(fx: &Fx) -> String {
    let s = fx.backend.open().unwrap();
    s.get_secret_mount("secret/").unwrap().unwrap().uuid
}

#[test]
fn disabling_a_mount_removes_everything_of_it() {
    let fx = Fx::new();
    fx.ok(put("secret/data/a", json!({"data": {"v": 1}})));
    fx.no_content(put("secret/config", json!({"max_versions": 3})));
    let uuid = mount_uuid(&fx);
    fx.no_content(Request::delete("sys/mounts/secret"));
    {
        let s = fx.backend.open().unwrap();
        assert_eq!(s.kv_key(&uuid, "a").unwrap(), None);
        assert_eq!(s.kv_version(&uuid, "a", 1).unwrap(), None);
        assert_eq!(s.kv_config(&uuid).unwrap(), None);
        assert!(!s.holds_sealed_values().unwrap());
    }
    assert_eq!(
        fx.err(get("secret/data/a")),
        ApiError::new(404, vec!["no handler for route \"secret/data/a\"".into()])
    );
    fx.ok(put("sys/mounts/secret", json!({"type": "kv-v2"})));
    assert_eq!(fx.err(get("secret/data/a")), ApiError::not_found());
    assert_eq!(
        fx.err(Request::list("secret/metadata")),
        ApiError::not_found()
    );
    assert_eq!(fx.data(get("secret/config"))["max_versions"], json!(0));
}
