//! Vault's status endpoints: `sys/health`, `sys/seal-status`, `sys/leader` and `sys/init`.
//!
//! Anyone may call them (no token needed, any token ignored). Vault answers them outside its
//! envelope, with a bare JSON object in a fixed key order and, for `sys/health`, a status code
//! the caller may choose; so their responses carry [`RawResponse`], which the HTTP server sends
//! as it is, and `data` with the same values for the command line.
//!
//! A jwtvault state is always initialised and never sealed, and one process serves it: the
//! answers are those of an active, unsealed, single Vault node (`ha_enabled` false).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::api::{ApiError, Operation, RawResponse, Response};
use crate::ids;
use crate::store::Store;

/// Which status endpoint a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Health,
    SealStatus,
    Leader,
    Init,
}

/// The version reported by `sys/health` and `sys/seal-status` (a semantic version, no `v`).
const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Serialize)]
struct Health {
    initialized: bool,
    sealed: bool,
    standby: bool,
    replication_performance_mode: &'static str,
    replication_dr_mode: &'static str,
    server_time_utc: i64,
    version: &'static str,
    cluster_name: String,
    cluster_id: String,
}

#[derive(Serialize)]
struct SealStatus {
    #[serde(rename = "type")]
    kind: &'static str,
    initialized: bool,
    sealed: bool,
    t: u8,
    n: u8,
    progress: u8,
    nonce: &'static str,
    recovery_seal: bool,
    version: &'static str,
    commit_date: &'static str,
    migration: bool,
    cluster_name: String,
    cluster_id: String,
    storage_type: &'static str,
}

#[derive(Serialize)]
struct Leader {
    ha_enabled: bool,
}

#[derive(Serialize)]
struct Init {
    initialized: bool,
}

/// Vault's answer to a method a status endpoint does not serve: 405 with no message.
fn method_not_allowed() -> ApiError {
    ApiError::new(405, Vec::new())
}

/// A bad query parameter of `sys/health`: 400 with no message, as Vault.
fn bad_parameter() -> ApiError {
    ApiError::new(400, Vec::new())
}

/// Answers a request to a status endpoint. `query` is the request's query parameters.
pub fn handle(
    store: &Store,
    endpoint: Endpoint,
    op: Operation,
    query: &Map<String, Value>,
    now: f64,
) -> Result<Response, ApiError> {
    match (endpoint, op) {
        (Endpoint::Health, Operation::Read) => {
            let status = health_status(query)?;
            let (cluster_name, cluster_id) = cluster(store)?;
            raw(
                status,
                &Health {
                    initialized: true,
                    sealed: false,
                    standby: false,
                    replication_performance_mode: "disabled",
                    replication_dr_mode: "disabled",
                    server_time_utc: now as i64,
                    version: VERSION,
                    cluster_name,
                    cluster_id,
                },
            )
        }
        (Endpoint::SealStatus, Operation::Read) => {
            let (cluster_name, cluster_id) = cluster(store)?;
            raw(
                200,
                &SealStatus {
                    kind: "shamir",
                    initialized: true,
                    sealed: false,
                    t: 1,
                    n: 1,
                    progress: 0,
                    nonce: "",
                    recovery_seal: false,
                    version: VERSION,
                    commit_date: "",
                    migration: false,
                    cluster_name,
                    cluster_id,
                    storage_type: if store.is_postgres() {
                        "postgresql"
                    } else {
                        "sqlite"
                    },
                },
            )
        }
        (Endpoint::Leader, Operation::Read) => raw(200, &Leader { ha_enabled: false }),
        (Endpoint::Init, Operation::Read) => raw(200, &Init { initialized: true }),
        // Vault's answer on a node that is initialised already, whatever the body.
        (Endpoint::Init, Operation::Write) => {
            Err(ApiError::bad_request("Vault is already initialized"))
        }
        _ => Err(method_not_allowed()),
    }
}

/// The status `sys/health` answers with: `activecode` (default 200) for an active node. The
/// codes of the other states (`standbycode`, `sealedcode`, `uninitcode`) are checked too, as
/// Vault checks them; a value that is not a number, or a code outside 200-999, is a 400.
fn health_status(query: &Map<String, Value>) -> Result<u16, ApiError> {
    let mut active = 200;
    for name in ["activecode", "standbycode", "sealedcode", "uninitcode"] {
        // A repeated parameter: Vault reads the first value.
        let value = match query.get(name) {
            None => continue,
            Some(Value::Array(items)) => items.first().cloned().unwrap_or(Value::Null),
            Some(v) => v.clone(),
        };
        let text = value.as_str().unwrap_or("");
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_parameter());
        }
        let code: u16 = match text.parse() {
            Ok(c) if (200..=999).contains(&c) => c,
            _ => return Err(bad_parameter()),
        };
        if name == "activecode" {
            active = code;
        }
    }
    Ok(active)
}

/// The response of a status endpoint: the body as Vault encodes it (struct order, one line and
/// a newline), and the same values in `data`. A 204 has no body.
fn raw<T: Serialize>(status: u16, body: &T) -> Result<Response, ApiError> {
    let text = serde_json::to_string(body).map_err(|e| ApiError::internal(e.to_string()))?;
    let data = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    Ok(Response {
        data: Some(data),
        raw: Some(RawResponse {
            status,
            body: (status != 204).then(|| format!("{text}\n")),
        }),
        ..Response::default()
    })
}

/// The cluster's name and id, as `sys/health` and `sys/seal-status` show them: derived from the
/// state's `token/` mount (made with the state), so they stay the same across restarts of a
/// server and differ between states.
fn cluster(store: &Store) -> Result<(String, String), ApiError> {
    let seed = store
        .get_mount("token/")?
        .map(|m| m.uuid)
        .unwrap_or_default();
    let hash = ids::sha256(format!("jwtvault cluster {seed}").as_bytes());
    let hex: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    let id = format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    Ok((format!("vault-cluster-{}", &hex[..8]), id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Caller, Request};
    use crate::backend::{Backend, Failure, LocalBackend};

    fn backend() -> (tempfile::TempDir, LocalBackend) {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("state.db"), true);
        (dir, b)
    }

    fn get(b: &LocalBackend, path: &str, query: &[(&str, &str)]) -> Result<Response, Failure> {
        let data = query
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect();
        b.handle(&Request::new(Operation::Read, path, data).with_caller(Caller::Anonymous))
    }

    fn api_err(r: Result<Response, Failure>) -> ApiError {
        match r {
            Err(Failure::Api(e)) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn health_is_a_raw_body_in_vaults_order_for_anyone() {
        let (_d, b) = backend();
        let r = get(&b, "sys/health", &[]).unwrap();
        let raw = r.raw.unwrap();
        assert_eq!(raw.status, 200);
        let body = raw.body.unwrap();
        assert!(body.ends_with("}\n"), "{body}");
        let keys: Vec<&str> = body
            .trim_matches(|c| c == '{' || c == '}' || c == '\n')
            .split(',')
            .map(|kv| kv.split(':').next().unwrap().trim_matches('"'))
            .collect();
        assert_eq!(
            keys,
            [
                "initialized",
                "sealed",
                "standby",
                "replication_performance_mode",
                "replication_dr_mode",
                "server_time_utc",
                "version",
                "cluster_name",
                "cluster_id"
            ]
        );
        assert!(body.starts_with(
            "{\"initialized\":true,\"sealed\":false,\"standby\":false,\
             \"replication_performance_mode\":\"disabled\",\"replication_dr_mode\":\"disabled\",\
             \"server_time_utc\":"
        ));
        assert!(body.contains(&format!("\"version\":\"{VERSION}\"")));
        // The same values in data, for `jwtvault read sys/health`.
        assert_eq!(r.data.unwrap()["sealed"], false);
    }

    #[test]
    fn the_cluster_is_the_same_on_every_call_and_differs_between_states() {
        let (_d, b) = backend();
        let (_d2, other) = backend();
        let id = |b: &LocalBackend, p| get(b, p, &[]).unwrap().data.unwrap()["cluster_id"].clone();
        assert_eq!(id(&b, "sys/health"), id(&b, "sys/seal-status"));
        assert_ne!(id(&b, "sys/health"), id(&other, "sys/health"));
        let name = get(&b, "sys/health", &[]).unwrap().data.unwrap()["cluster_name"].clone();
        let name = name.as_str().unwrap();
        assert!(
            name.starts_with("vault-cluster-") && name.len() == 22,
            "{name}"
        );
    }

    #[test]
    fn health_status_codes_come_from_the_query() {
        let (_d, b) = backend();
        let status = |q: &[(&str, &str)]| get(&b, "sys/health", q).unwrap().raw.unwrap();
        assert_eq!(status(&[("activecode", "299")]).status, 299);
        // 204: no body.
        let r = status(&[("activecode", "204")]);
        assert_eq!((r.status, r.body), (204, None));
        // The other states' codes are checked, not used; unknown parameters are ignored.
        assert_eq!(
            status(&[("standbycode", "473"), ("perfstandbyok", "maybe")]).status,
            200
        );
        for bad in [
            ("activecode", "abc"),
            ("activecode", ""),
            ("activecode", "+201"),
            ("activecode", "99"),
            ("activecode", "1000"),
            ("sealedcode", "x"),
            ("standbycode", "x"),
            ("uninitcode", "x"),
        ] {
            let e = api_err(get(&b, "sys/health", &[bad]));
            assert_eq!((e.code, e.errors.len()), (400, 0), "{bad:?}");
        }
    }

    #[test]
    fn seal_status_leader_and_init() {
        let (_d, b) = backend();
        let body = |p| get(&b, p, &[]).unwrap().raw.unwrap().body.unwrap();
        let seal = body("sys/seal-status");
        assert!(
            seal.starts_with(&format!(
                "{{\"type\":\"shamir\",\"initialized\":true,\"sealed\":false,\"t\":1,\"n\":1,\
                 \"progress\":0,\"nonce\":\"\",\"recovery_seal\":false,\"version\":\"{VERSION}\",\
                 \"commit_date\":\"\",\"migration\":false,\"cluster_name\":\"vault-cluster-"
            )),
            "{seal}"
        );
        assert!(
            seal.ends_with("\",\"storage_type\":\"sqlite\"}\n"),
            "{seal}"
        );
        assert_eq!(body("sys/leader"), "{\"ha_enabled\":false}\n");
        assert_eq!(body("sys/init"), "{\"initialized\":true}\n");
    }

    #[test]
    fn other_methods_are_405_with_no_message() {
        let (_d, b) = backend();
        for path in ["sys/health", "sys/seal-status", "sys/leader"] {
            for op in [Operation::Write, Operation::Delete, Operation::List] {
                let req = Request::new(op, path, Map::new()).with_caller(Caller::Anonymous);
                let e = api_err(b.handle(&req));
                assert_eq!((e.code, e.errors.len()), (405, 0), "{op:?} {path}");
            }
        }
        let req = Request::write("sys/init", Map::new()).with_caller(Caller::Anonymous);
        assert_eq!(
            api_err(b.handle(&req)).errors,
            ["Vault is already initialized"]
        );
    }
}
