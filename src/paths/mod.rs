//! One module per Vault API path, each built the same way: field parsing, Vault's checks in
//! Vault's order, the stored struct, and handlers named `read`/`write`/`list`/`delete`.
//!
//! [`route`] is the only place that knows path strings.

pub mod config;
pub mod identity;
pub mod jwks;
pub mod kv;
pub mod login;
pub mod mounts;
pub mod role;
pub mod sys_auth;
pub mod sys_capabilities;
pub mod sys_health;
pub mod sys_internal;
pub mod sys_leases;
pub mod sys_mounts;
pub mod sys_policy;
#[cfg(test)]
pub(crate) mod testutil;
pub mod token;

use serde_json::{Map, Value};

use crate::acl;
use crate::api::{ApiError, Caller, Operation, Request, Response};
use crate::authz::{self, Access, Who};
use crate::fields::FieldError;
use crate::keycache::{Fetched, Plan};
use crate::store::{MountRow, Store};

/// What a handler may know about the run besides the request: plain values, set by the command
/// layer for each transaction.
#[derive(Debug, Default, Clone)]
pub struct Ctx {
    /// Unix time in seconds, with sub-second precision, read after the transaction began.
    pub now: f64,
    /// `-offline` / `JWTVAULT_OFFLINE=1`: no socket may be opened.
    pub offline: bool,
    /// `JWTVAULT_REMOTE_ADDR`, used when a login request has no `remote_addr`.
    pub remote_addr: Option<String>,
    /// Whether `-explain` was given.
    pub explain: bool,
    /// Where the seal key of secret values is (read only when a request needs it).
    pub seal: crate::seal::KeyFile,
}

impl Ctx {
    /// The current wall clock.
    pub fn now_secs() -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::bad_request(e.to_string())
    }
}

/// What a handler that did not fail answers.
// One per request, moved a few times: boxing the response would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Outcome {
    /// The response; the command layer commits the transaction.
    Done(Response),
    /// Documents must be fetched first. The command layer commits the transaction (a handler
    /// asking for a fetch has written nothing but its claim on it, see
    /// [`crate::keycache::claim_refetch`]), runs the plan with no transaction open, and calls
    /// the handler again, once, with what was fetched.
    NeedsFetch(Plan),
    /// The handler has read and checked everything and wrote nothing; what is left to do is
    /// this write, to be run by [`finish`] in a write transaction: at once in the same
    /// transaction (the command line), or later on the server's writer, batched with others.
    Write(WriteJob),
}

/// A write prepared by a handler (a login's identity bookkeeping and token insert), holding the
/// values it was prepared with. Run on a transaction that may have seen other writes since,
/// it first checks that what it was prepared against is unchanged; if not it answers `None`,
/// and [`finish`] routes the whole request again on that transaction.
pub struct WriteJob(Box<WriteFn>);

/// What a [`WriteJob`] runs: `None` when what it was prepared against has changed.
type WriteFn = dyn FnOnce(&Store, &Ctx, ReadsFrom) -> Option<Answer> + Send;

/// Where the reads a [`WriteJob`] was prepared from were made, relative to the transaction
/// it runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadsFrom {
    /// This transaction ([`route_through`]): nothing can have changed, and the job need not
    /// read them again.
    ThisTransaction,
    /// An earlier one (the server's readers, then [`finish`] on its writer): the job checks
    /// them first.
    EarlierTransaction,
}

impl WriteJob {
    pub fn new(
        job: impl FnOnce(&Store, &Ctx, ReadsFrom) -> Option<Answer> + Send + 'static,
    ) -> WriteJob {
        WriteJob(Box::new(job))
    }

    /// Runs the job inside a savepoint: kept if it answered a success, rolled back otherwise
    /// (or when it answered nothing, as what it was prepared against changed).
    fn run(self, store: &Store, ctx: &Ctx, when: ReadsFrom) -> Option<Answer> {
        if let Err(e) = store.savepoint() {
            return Some(Err(e.into()).into());
        }
        let mut answer = (self.0)(store, ctx, when);
        let keep = matches!(&answer, Some(a) if a.result.is_ok());
        let end = if keep {
            store.release_savepoint()
        } else {
            store.rollback_to_savepoint()
        };
        if let Err(e) = end {
            answer = Some(Err(e.into()).into());
        }
        answer
    }
}

impl std::fmt::Debug for WriteJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteJob")
    }
}

/// Runs a prepared write in its own savepoint of the open write transaction (rolled back if it
/// fails). If what it was prepared against changed, the request is routed again from the
/// start on this transaction, with `fetched` (see [`route_through`]).
pub fn finish(
    store: &Store,
    ctx: &Ctx,
    req: &Request,
    job: WriteJob,
    fetched: Option<&Fetched>,
) -> Answer {
    match job.run(store, ctx, ReadsFrom::EarlierTransaction) {
        Some(answer) => answer,
        None => route_again(store, ctx, req, fetched),
    }
}

/// [`route`], then the write a handler prepared, at once in the same transaction: what the
/// command line and the server's writer run. The answer is `Done`, `NeedsFetch` or an error,
/// never `Write`.
pub fn route_through(store: &Store, ctx: &Ctx, req: &Request, fetched: Option<&Fetched>) -> Answer {
    let answer = route(store, ctx, req, fetched);
    match answer.result {
        Ok(Outcome::Write(job)) => {
            match job.run(store, ctx, ReadsFrom::ThisTransaction) {
                Some(answer) => answer,
                // Nothing can have changed in between on the same transaction: a job that says
                // otherwise is asked once more, then refused.
                None => route_again(store, ctx, req, fetched),
            }
        }
        result => Answer {
            result,
            trace: answer.trace,
        },
    }
}

/// The second and last routing of a request whose prepared write was out of date.
fn route_again(store: &Store, ctx: &Ctx, req: &Request, fetched: Option<&Fetched>) -> Answer {
    let answer = route(store, ctx, req, fetched);
    match answer.result {
        Ok(Outcome::Write(job)) => job
            .run(store, ctx, ReadsFrom::ThisTransaction)
            .unwrap_or_else(|| {
                Err(ApiError::internal(
                    "the request's prepared write was out of date twice in one transaction",
                ))
                .into()
            }),
        result => Answer {
            result,
            trace: answer.trace,
        },
    }
}

/// A handler's answer, and the `-explain` lines of a login.
#[derive(Debug)]
pub struct Answer {
    pub result: Result<Outcome, ApiError>,
    pub trace: Option<String>,
}

impl From<Result<Outcome, ApiError>> for Answer {
    fn from(result: Result<Outcome, ApiError>) -> Self {
        Answer {
            result,
            trace: None,
        }
    }
}

/// The answer of a handler that never fetches.
fn done(result: Result<Response, ApiError>) -> Answer {
    result.map(Outcome::Done).into()
}

/// Everything a handler may use: the open transaction, the run's plain values, the request,
/// who it acts as (already authorized), and what a fetch it asked for gave.
pub struct Call<'a> {
    pub store: &'a Store,
    pub ctx: &'a Ctx,
    pub req: &'a Request,
    pub who: &'a Who,
    /// What the plan the handler asked for on its first call gave (`None` on the first call).
    pub fetched: Option<&'a Fetched>,
}

/// The handler a path resolves to.
enum Target {
    /// A path of a JWT auth mount: `sub` is what follows `auth/<mount>/`.
    Jwt { mount: MountRow, sub: String },
    /// A path under `identity/`: what follows it.
    Identity(String),
    /// `sys/health`, `sys/seal-status`, `sys/leader`, `sys/init`.
    Status(sys_health::Endpoint),
    /// `sys/internal/ui/mounts[/<path>]`: what follows `mounts/` (empty for the list).
    UiMounts(String),
    /// `sys/auth`, `sys/auth/<path>`.
    SysAuth(sys_auth::Target),
    /// `sys/policies/acl[/<name>]`, `sys/policy[/<name>]`.
    SysPolicy(sys_policy::Target),
    /// A path of the token store: `sub` is what follows `auth/token/`.
    Token { mount: MountRow, sub: String },
    /// `sys/capabilities`, `sys/capabilities-self`, `sys/capabilities-accessor`.
    Capabilities(sys_capabilities::Subject),
    /// `sys/leases/revoke-prefix/<prefix>`.
    RevokePrefix(String),
    /// `sys/mounts`, `sys/mounts/<path>`.
    SysMounts(sys_mounts::Target),
    /// A path under a KV version 2 mount.
    Kv(kv::Target),
}

/// Routes a request: finds its handler, authorizes its caller (a token's spent use is written
/// then, whatever the handler does), and runs the handler inside a savepoint so that a failed
/// handler leaves nothing behind. The caller commits the transaction in every case.
pub fn route(store: &Store, ctx: &Ctx, req: &Request, fetched: Option<&Fetched>) -> Answer {
    match authorized(store, ctx, req) {
        Ok((who, target)) => run_handler(store, ctx, req, &who, target, fetched),
        Err(e) => Err(e).into(),
    }
}

fn authorized(store: &Store, ctx: &Ctx, req: &Request) -> Result<(Who, Target), ApiError> {
    let (access, target) = match resolve(store, req) {
        Ok(found) => found,
        // Vault authenticates before it routes: over HTTP a path that does not exist is
        // `permission denied` for a caller without a live token (its use spent, as on any
        // path), the ACL's refusal for a token it does not allow, and 404 only for a token
        // allowed there. The local command line keeps its 404.
        Err(e) if e.code == 404 && !matches!(req.caller, Caller::Local(_)) => {
            authz::authorize(store, req, Access::TOKEN, ctx.now)?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let op = acl_operation(store, req, &target)?;
    let who = authz::authorize_as(store, req, access, op, ctx.now)?;
    Ok((who, target))
}

/// The ACL operation of a request: a write to a path with an existence check (KV's `data/`
/// and `metadata/`) is `create` when the key does not exist yet and `update` when it does;
/// every other write is `update`.
fn acl_operation(
    store: &Store,
    req: &Request,
    target: &Target,
) -> Result<acl::Operation, ApiError> {
    if let (Operation::Write, Target::Kv(t)) = (req.operation, target) {
        if t.exists(store)? == Some(false) {
            return Ok(acl::Operation::Create);
        }
    }
    Ok(authz::acl_operation(req.operation))
}

fn run_handler(
    store: &Store,
    ctx: &Ctx,
    req: &Request,
    who: &Who,
    target: Target,
    fetched: Option<&Fetched>,
) -> Answer {
    if let Err(e) = store.savepoint() {
        return Err(e.into()).into();
    }
    let call = Call {
        store,
        ctx,
        req,
        who,
        fetched,
    };
    let mut answer = dispatch(&call, target);
    let end = if answer.result.is_ok() {
        store.release_savepoint()
    } else {
        store.rollback_to_savepoint()
    };
    if let Err(e) = end {
        answer.result = Err(e.into());
    }
    answer
}

/// Vault's 404 for a path no handler serves (contract §3).
fn no_handler(path: &str) -> ApiError {
    ApiError::new(404, vec![format!("no handler for route \"{path}\"")])
}

/// The access class and handler of a request's path. The only place that knows path strings.
fn resolve(store: &Store, req: &Request) -> Result<(Access, Target), ApiError> {
    let path = req.path.as_str();
    if let Some(rest) = path.strip_prefix("auth/") {
        let Some((mount, sub)) = mounts::resolve(store, rest)? else {
            return Err(no_handler(path));
        };
        if mount.kind == "token" {
            return Ok((token::access(&sub), Target::Token { mount, sub }));
        }
        let access = if sub == "login" {
            Access::Unauthenticated
        } else {
            Access::Config
        };
        return Ok((access, Target::Jwt { mount, sub }));
    }
    if let Some(rest) = path.strip_prefix("identity/") {
        return Ok((Access::Config, Target::Identity(rest.to_string())));
    }
    let status = match path {
        "sys/health" => Some(sys_health::Endpoint::Health),
        "sys/seal-status" => Some(sys_health::Endpoint::SealStatus),
        "sys/leader" => Some(sys_health::Endpoint::Leader),
        "sys/init" => Some(sys_health::Endpoint::Init),
        _ => None,
    };
    if let Some(endpoint) = status {
        return Ok((Access::Unauthenticated, Target::Status(endpoint)));
    }
    // Not governed by the ACL: the handler checks the caller's token itself, as Vault does.
    if path == "sys/internal/ui/mounts" {
        return Ok((Access::Unauthenticated, Target::UiMounts(String::new())));
    }
    if let Some(rest) = path.strip_prefix("sys/internal/ui/mounts/") {
        return Ok((Access::Unauthenticated, Target::UiMounts(rest.to_string())));
    }
    if let Some(t) = sys_auth::resolve(path)? {
        return Ok((Access::Config, Target::SysAuth(t)));
    }
    if let Some(t) = sys_policy::resolve(path)? {
        return Ok((Access::Config, Target::SysPolicy(t)));
    }
    use sys_capabilities::Subject;
    let capabilities = |access, subject| Ok((access, Target::Capabilities(subject)));
    // A LIST goes to `<path>/`, which no capabilities path serves.
    match path {
        _ if req.operation == Operation::List => {}
        "sys/capabilities" => return capabilities(Access::TOKEN, Subject::Token),
        "sys/capabilities-self" => return capabilities(Access::OWN, Subject::Own),
        "sys/capabilities-accessor" => return capabilities(Access::TOKEN, Subject::Accessor),
        _ => {}
    }
    if let Some(prefix) = path.strip_prefix("sys/leases/revoke-prefix/") {
        return Ok((Access::SUDO, Target::RevokePrefix(prefix.to_string())));
    }
    if let Some(t) = sys_mounts::resolve(path)? {
        return Ok((Access::Config, Target::SysMounts(t)));
    }
    if !path.starts_with("sys/") {
        if let Some(t) = kv::resolve(store, path)? {
            return Ok((Access::TOKEN, Target::Kv(t)));
        }
    }
    Err(no_handler(path))
}

fn dispatch(call: &Call, target: Target) -> Answer {
    let (store, ctx, req) = (call.store, call.ctx, call.req);
    let op = req.operation;
    let no_handler = || no_handler(&req.path);
    match target {
        Target::Jwt { mount, sub } => jwt(call, &mount, &sub),
        Target::Identity(rest) => done(
            identity::route(store, op, &rest, &req.data, ctx.now)
                .unwrap_or_else(|| Err(no_handler())),
        ),
        Target::Status(endpoint) => {
            done(sys_health::handle(store, endpoint, op, &req.data, ctx.now))
        }
        Target::UiMounts(rest) => done(sys_internal::handle(store, req, &rest, ctx.now)),
        Target::SysAuth(t) => done(sys_auth::handle(call, t)),
        Target::SysPolicy(t) => done(sys_policy::handle(call, t)),
        Target::Token { mount, sub } => {
            done(token::route(call, &mount, &sub).unwrap_or_else(|| Err(no_handler())))
        }
        Target::Capabilities(subject) => done(sys_capabilities::write(call, subject)),
        Target::RevokePrefix(prefix) => done(sys_leases::revoke_prefix(call, &prefix)),
        Target::SysMounts(t) => done(sys_mounts::handle(call, t)),
        Target::Kv(t) => done(kv::handle(call, t)),
    }
}

/// `auth/<jwt mount>/<sub>`. A path the method serves, asked for an operation it does not
/// serve, is Vault's 405; a LIST is sent to `<path>/`, which only `role/` serves, so a LIST of
/// any other path is a path no handler serves (contract §3).
fn jwt(call: &Call, mount: &MountRow, sub: &str) -> Answer {
    let (store, ctx, req, fetched) = (call.store, call.ctx, call.req, call.fetched);
    let op = req.operation;
    let refused = || {
        done(Err(match op {
            Operation::List => no_handler(&req.path),
            // The login path answers with the bare error, as Vault's JWT plugin does.
            _ if sub == "login" => ApiError::new(405, vec!["unsupported operation".into()]),
            _ => ApiError::unsupported_operation(),
        }))
    };
    match (sub, op) {
        ("config", Operation::Read) => done(config::read(store, mount)),
        ("config", Operation::Write) => config::write(store, ctx, mount, &req.data, fetched).into(),
        ("role", Operation::List) => done(role::list(store, mount)),
        ("login", Operation::Write) => login::write(store, ctx, mount, &login_body(req), fetched),
        ("jwks", Operation::Read) => done(jwks::read(store, mount)),
        ("jwks/refresh", Operation::Write) => jwks::refresh(store, ctx, mount, fetched).into(),
        ("jwks/import", Operation::Write) => done(jwks::import(store, ctx, mount, &req.data)),
        (s, _) if s.starts_with("role/") => {
            let name = &s["role/".len()..];
            match op {
                Operation::Read => done(role::read(store, mount, name)),
                Operation::Write => done(role::write(store, mount, name, &req.data)),
                Operation::Delete => done(role::delete(store, mount, name)),
                Operation::List | Operation::Patch => refused(),
            }
        }
        ("config" | "role" | "login" | "jwks" | "jwks/refresh" | "jwks/import", _) => refused(),
        _ => done(Err(no_handler(&req.path))),
    }
}

/// A login's body as the handler sees it. `remote_addr=IP` is the command line's way to name
/// the client's address (contract §4); over HTTP the connection's address is the client's, so
/// the parameter is dropped there (Vault has none): a client cannot claim an address inside a
/// role's `token_bound_cidrs`.
fn login_body(req: &Request) -> std::borrow::Cow<'_, Map<String, Value>> {
    if matches!(req.caller, Caller::Local(_)) || !req.data.contains_key("remote_addr") {
        return std::borrow::Cow::Borrowed(&req.data);
    }
    let mut data = req.data.clone();
    data.remove("remote_addr");
    std::borrow::Cow::Owned(data)
}

/// A response with `data` only.
pub fn data(map: Map<String, Value>) -> Response {
    Response {
        data: Some(map),
        ..Response::default()
    }
}

/// A list response (`keys`), or Vault's 404 when there is nothing to list.
pub fn keys(keys: Vec<String>) -> Result<Response, ApiError> {
    if keys.is_empty() {
        return Err(ApiError::not_found());
    }
    let mut m = Map::new();
    m.insert("keys".into(), Value::from(keys));
    Ok(data(m))
}

/// Vault's 404 for a read of something that does not exist.
pub fn not_found() -> ApiError {
    ApiError::not_found()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::CallerToken;
    use crate::backend::{Backend, Failure, LocalBackend};
    use serde_json::json;

    fn token(store: &Store, policies: &[&str], num_uses: i64) -> String {
        let raw = format!("jvs.{}", crate::ids::base62(24));
        let entry = crate::token::TokenEntry {
            accessor: crate::ids::base62(24),
            token_type: "service".into(),
            policies: policies.iter().map(|p| p.to_string()).collect(),
            num_uses,
            ..Default::default()
        };
        let keys = crate::store::TokenKeys {
            hash: crate::ids::sha256(raw.as_bytes()),
            accessor: entry.accessor.clone(),
            path: String::new(),
            mount_accessor: String::new(),
            entity_id: String::new(),
        };
        store.insert_token(&keys, &entry).unwrap();
        raw
    }

    fn with(t: &str) -> Caller {
        Caller::Token(CallerToken::new(t, "the X-Vault-Token header"))
    }

    #[test]
    fn over_http_a_login_cannot_claim_another_address() {
        use crate::verify::Alg;
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("state.db"), true);
        let store = b.open().unwrap();
        mounts::enable(
            &store,
            &mounts::EnableRequest {
                kind: "jwt".into(),
                path: "jwt/".into(),
                description: String::new(),
                default_lease_ttl: 0,
                max_lease_ttl: 0,
                token_type: String::new(),
            },
        )
        .unwrap();
        store.commit().unwrap();
        let (private, public) = crate::verify::generate_key(Alg::ES256).unwrap();
        let body = |v: Value| v.as_object().cloned().unwrap();
        let config = serde_json::json!({"jwt_validation_pubkeys": [public]});
        b.handle(&Request::write("auth/jwt/config", body(config)))
            .unwrap();
        let role = serde_json::json!({"user_claim": "sub", "bound_audiences": "a",
            "token_bound_cidrs": "10.0.0.0/8"});
        b.handle(&Request::write("auth/jwt/role/r", body(role)))
            .unwrap();
        let now = Ctx::now_secs() as i64;
        let claims = serde_json::json!({"sub": "s", "aud": "a", "iat": now, "exp": now + 600});
        let jwt = crate::verify::sign(Alg::ES256, &private, None, &body(claims)).unwrap();
        let login = serde_json::json!({"role": "r", "jwt": jwt, "remote_addr": "10.1.2.3"});
        let from = |caller: Caller| {
            Request::write("auth/jwt/login", body(login.clone()))
                .with_caller(caller)
                .with_remote_addr(Some("192.0.2.1".into()))
        };
        // Over HTTP the connection's address (outside the CIDRs) is the one checked.
        match b.handle(&from(Caller::Anonymous)) {
            Err(Failure::Api(e)) => assert_eq!(
                (e.code, e.errors),
                (403, vec!["permission denied".to_string()])
            ),
            other => panic!("{other:?}"),
        }
        // The command line names the address with the parameter (contract §4).
        assert!(b.handle(&from(Caller::Local(None))).unwrap().auth.is_some());
    }

    #[test]
    fn over_http_authentication_comes_before_routing() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("state.db"), true);
        let store = b.open().unwrap();
        let root = token(&store, &["root"], 0);
        let default = token(&store, &["default"], 0);
        let once = token(&store, &["default"], 1);
        store.commit().unwrap();
        let answer =
            |path: &str, caller: Caller| match b.handle(&Request::read(path).with_caller(caller)) {
                Err(Failure::Api(e)) => (e.code, e.errors),
                other => panic!("{other:?}"),
            };
        let plain = (403, vec!["permission denied".to_string()]);
        let acl = (
            403,
            vec!["1 error occurred:\n\t* permission denied\n\n".to_string()],
        );
        let missing = |p: &str| (404, vec![format!("no handler for route \"{p}\"")]);
        assert_eq!(answer("nosuch/path", Caller::Anonymous), plain);
        assert_eq!(answer("nosuch/path", with("bogus")), plain);
        assert_eq!(answer("nosuch/path", with(&default)), acl);
        assert_eq!(answer("nosuch/path", with(&root)), missing("nosuch/path"));
        // A login on a mount that does not exist is not a login path: no token, 403.
        assert_eq!(answer("auth/nosuch/login", Caller::Anonymous), plain);
        assert_eq!(
            answer("auth/nosuch/login", with(&root)),
            missing("auth/nosuch/login")
        );
        // The use is spent, as on any path: the one-use token is gone after its 403.
        assert_eq!(answer("nosuch/path", with(&once)), acl);
        assert_eq!(answer("nosuch/path", with(&once)), plain);
        // The local command line keeps its 404, whatever token it holds.
        let local =
            |t: Option<&str>| Caller::Local(t.map(|t| CallerToken::new(t, "JWTVAULT_TOKEN")));
        assert_eq!(answer("nosuch/path", local(None)), missing("nosuch/path"));
        assert_eq!(
            answer("nosuch/path", local(Some("bogus"))),
            missing("nosuch/path")
        );
        assert_eq!(
            answer("nosuch/path", local(Some(&default))),
            missing("nosuch/path")
        );
    }

    #[test]
    fn a_known_path_refuses_an_operation_it_does_not_serve() {
        use Operation::{Delete, List, Patch, Read, Write};
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("state.db"), true);
        let enable = Request::new(
            Write,
            "sys/auth/jwt",
            json!({"type": "jwt"}).as_object().unwrap().clone(),
        );
        b.handle(&enable).unwrap();
        let answer = |op: Operation, path: &str| match b.handle(&Request::new(op, path, Map::new()))
        {
            Err(Failure::Api(e)) => (e.code, e.errors),
            Ok(r) => panic!("{op:?} {path}: {r:?}"),
            Err(other) => panic!("{op:?} {path}: {other:?}"),
        };
        let unsupported = (
            405,
            vec!["1 error occurred:\n\t* unsupported operation\n\n".to_string()],
        );
        let missing = |p: &str| (404, vec![format!("no handler for route \"{p}\"")]);
        for (op, path) in [
            (Delete, "auth/jwt/config"),
            (Patch, "auth/jwt/config"),
            (Read, "auth/jwt/role"),
            (Delete, "auth/jwt/role"),
            (Patch, "auth/jwt/role/dev"),
            (Delete, "auth/jwt/jwks"),
            (Read, "auth/jwt/jwks/refresh"),
            (Read, "auth/token/create"),
            (Delete, "auth/token/revoke"),
            (Read, "identity/entity/id"),
            (Delete, "identity/group"),
            (Read, "sys/capabilities"),
            (Delete, "sys/auth"),
        ] {
            assert_eq!(answer(op, path), unsupported, "{op:?} {path}");
        }
        // The login path answers with the JWT plugin's bare error.
        let bare = (405, vec!["unsupported operation".to_string()]);
        assert_eq!(answer(Read, "auth/jwt/login"), bare);
        assert_eq!(answer(Delete, "auth/jwt/login"), bare);
        // A LIST is sent to `<path>/`: only the list paths serve it (contract §3).
        for path in [
            "auth/jwt/config",
            "auth/jwt/login",
            "auth/jwt/role/dev",
            "auth/token/create",
            "sys/capabilities",
            "identity/entity/id/x",
        ] {
            assert_eq!(answer(List, path), missing(path), "LIST {path}");
        }
        // Paths no handler serves stay 404 whatever the operation (contract §3).
        for op in [Read, Write, Delete, Patch] {
            assert_eq!(answer(op, "auth/jwt/nothing"), missing("auth/jwt/nothing"));
            assert_eq!(answer(op, "identity/nothing"), missing("identity/nothing"));
            assert_eq!(
                answer(op, "auth/token/nothing"),
                missing("auth/token/nothing")
            );
        }
    }
}
