//! `token lookup|renew|revoke|capabilities` (cli-reference §4.8–§4.11).
//!
//! Who acts (the lead's rule for issue 16 item 11, docs/deviations.md D-21): the caller is
//! `JWTVAULT_TOKEN` if set and non-empty, else the token in the helper file, else nobody — the
//! operator, who acts with root rights (contract §2). A caller's token is checked as Vault's
//! request handling checks it, on the path the Vault CLI calls for the command ([`Call`]):
//! dead or outside its `bound_cidrs` is `permission denied`; one use is spent; its policies
//! must allow the request. A token given as an argument is the subject: looked at, never
//! CIDR-checked, spending nothing.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::acl;
use crate::api::CallerToken;
use crate::api::{ApiError, Response};
use crate::cli::{PositionalArgs, TokenCommand, TokenLookupArgs, TokenRenewArgs, TokenRevokeArgs};
use crate::commands::{self, expect_args, Run};
use crate::error::Error;
use crate::output;
use crate::output::printer::Success;
use crate::paths::identity::{self, Alias, Entity, Group};
use crate::paths::mounts::SYSTEM_TTL;
use crate::paths::role::Role;
use crate::paths::Ctx;
use crate::store::Store;
use crate::token::{self, Found};

pub fn dispatch(run: &Run, cmd: TokenCommand) -> Result<(), Error> {
    match cmd {
        TokenCommand::Lookup(a) => lookup(run, a),
        TokenCommand::Renew(a) => renew(run, a),
        TokenCommand::Revoke(a) => revoke(run, a),
        TokenCommand::Capabilities(a) => capabilities(run, a),
    }
}

/// The request the Vault CLI sends for a command: what a caller's token must be allowed.
pub struct Call {
    pub op: acl::Operation,
    /// The API path, e.g. `auth/token/lookup`.
    pub path: String,
    /// The request's parameters (for policies with parameter constraints).
    pub data: Map<String, Value>,
    /// A root-protected path (`sys/leases/revoke-prefix/*`): `sudo` is needed as well.
    pub sudo: bool,
    /// Whether the operator could do this (an argument form): said in the explanation.
    pub operator_can: bool,
}

impl Call {
    fn new(op: acl::Operation, path: impl Into<String>, data: Value) -> Call {
        Call {
            op,
            path: path.into(),
            data: match data {
                Value::Object(m) => m,
                _ => Map::new(),
            },
            sudo: false,
            operator_can: true,
        }
    }

    /// `auth/token/lookup-self`, as `token lookup` and `login TOKEN` call it.
    pub fn lookup_self() -> Call {
        Call::new(acl::Operation::Read, "auth/token/lookup-self", json!({})).own()
    }

    /// A `*-self` request: only a token can make it.
    fn own(mut self) -> Call {
        self.operator_can = false;
        self
    }

    fn root_protected(mut self) -> Call {
        self.sudo = true;
        self
    }
}

/// A caller's live token that passed [`authorize`], one use spent.
pub struct Authorized {
    pub found: Found,
    pub raw: String,
    /// Its winning rule on the path grants `sudo`.
    pub root_privs: bool,
}

/// Who a token-governed command acts as.
pub enum Actor {
    /// No token anywhere: root rights.
    Operator,
    Token(Box<Authorized>),
}

impl Actor {
    fn root_privs(&self) -> bool {
        match self {
            Actor::Operator => true,
            Actor::Token(a) => a.root_privs,
        }
    }
}

const AS_OPERATOR: &str = "without a token (JWTVAULT_TOKEN unset or empty and no token in the \
                           helper file) jwtvault acts as the operator, with root rights";

/// Vault's `CheckToken` for a caller's token, in Vault's order (checked against OpenBao 2.7.2):
/// 1. unknown, expired, revoked or used up: `permission denied`, nothing spent;
/// 2. `bound_cidrs` and no `JWTVAULT_REMOTE_ADDR` inside them: `permission denied`, nothing
///    spent;
/// 3. one use spent (the last one revokes the token);
/// 4. its policies (with its identity policies and templated paths) on the request's path:
///    `1 error occurred: permission denied`, the use staying spent (the caller commits).
pub fn authorize(
    run: &Run,
    store: &Store,
    caller: &CallerToken,
    now: f64,
    call: &Call,
) -> Result<Authorized, ApiError> {
    let who = format!("the calling token from {}", caller.source);
    let with_operator = |e: ApiError| {
        if call.operator_can {
            e.with_hint(AS_OPERATOR)
        } else {
            e
        }
    };
    let Some(mut found) = token::find(store, caller.token.expose(), now)? else {
        return Err(with_operator(ApiError::permission_denied().with_hint(
            format!("{who} is not a live token (unknown, expired, revoked or out of uses)"),
        )));
    };
    let remote = run
        .env
        .get("JWTVAULT_REMOTE_ADDR")
        .filter(|a| !a.is_empty());
    if !token::cidrs_allow(&found.entry.bound_cidrs, remote) {
        let cidrs = found.entry.bound_cidrs.join(", ");
        let why = match remote {
            None => format!("{who} is bound to [{cidrs}] and JWTVAULT_REMOTE_ADDR is not set"),
            Some(a) => format!("{who} is bound to [{cidrs}]; JWTVAULT_REMOTE_ADDR {a} is outside"),
        };
        return Err(with_operator(ApiError::permission_denied().with_hint(why)));
    }
    token::spend_use(store, &mut found)?;
    let acl = token_acl(store, &found)?;
    let decision = acl.allow_operation(&call.path, call.op, &call.data);
    if !decision.allowed || (call.sudo && !decision.root_privs) {
        let mut policies = found.entry.policies.clone();
        policies.extend(identity::identity_policies(store, &found.entry.entity_id)?);
        let need = match (call.op, call.sudo && decision.allowed) {
            (_, true) => "sudo".to_string(),
            (acl::Operation::Read, _) => "read".into(),
            _ => "update".into(),
        };
        let e = ApiError {
            code: 403,
            errors: vec!["1 error occurred:\n\t* permission denied\n\n".into()],
            hints: vec![format!(
                "{who} (policies [{}]) is not allowed {need} on {}",
                policies.join(" "),
                call.path
            )],
            explain: None,
        };
        return Err(with_operator(e));
    }
    Ok(Authorized {
        found,
        raw: caller.token.expose().to_string(),
        root_privs: decision.root_privs,
    })
}

/// The actor of a command that has an argument form: the caller's token checked for `call`,
/// or the operator when there is no token.
fn actor(run: &Run, store: &Store, now: f64, call: &Call) -> Result<Actor, Error> {
    match commands::caller_token(run)? {
        None => Ok(Actor::Operator),
        Some(c) => authorize(run, store, &c, now, call)
            .map(|a| Actor::Token(Box::new(a)))
            .map_err(|e| Error::api(call_ctx(call), e)),
    }
}

/// The `*-self` forms: the caller's token, or Vault's 403 when there is none.
fn own_token(run: &Run, store: &Store, now: f64, call: &Call) -> Result<(Found, String), Error> {
    let ctx = call_ctx(call);
    let caller = commands::caller_token(run)?.ok_or_else(|| {
        Error::api(
            ctx,
            ApiError::permission_denied().with_hint(
                "no token: give TOKEN, set JWTVAULT_TOKEN, or run `jwtvault login` to store one",
            ),
        )
    })?;
    let a = authorize(run, store, &caller, now, call).map_err(|e| Error::api(ctx, e))?;
    Ok((a.found, a.raw))
}

/// The CLI's error context for a request path.
fn call_ctx(call: &Call) -> &'static str {
    let p = call.path.as_str();
    if p.starts_with("auth/token/lookup") {
        "Error looking up token"
    } else if p.starts_with("auth/token/renew") {
        "Error renewing token"
    } else if p.starts_with("sys/capabilities") {
        "Error listing capabilities"
    } else {
        "Error revoking token"
    }
}

/// Runs `body` in the command's transaction and commits whatever happens: a caller's spent
/// use stays spent when the request then fails, as in Vault (no handler writes before it
/// fails, so nothing half-done is committed).
fn in_transaction<T>(run: &Run, body: impl FnOnce(&Store) -> Result<T, Error>) -> Result<T, Error> {
    let store = run.open()?;
    let result = body(&store);
    store.commit()?;
    result
}

fn lookup(run: &Run, a: TokenLookupArgs) -> Result<(), Error> {
    const CTX: &str = "Error looking up token";
    if a.accessor && a.args.is_empty() {
        return Err(Error::Usage(
            "Not enough arguments with -accessor (expected 1, got 0)".into(),
        ));
    }
    if a.args.len() > 1 {
        return Err(Error::Usage(format!(
            "Too many arguments (expected 0-1, got {})",
            a.args.len()
        )));
    }
    let now = Ctx::now_secs();
    let resp = in_transaction(run, |store| {
        let (found, raw) = if a.accessor {
            let acc = &a.args[0];
            let call = Call::new(
                acl::Operation::Update,
                "auth/token/lookup-accessor",
                json!({ "accessor": acc }),
            );
            actor(run, store, now, &call)?;
            let f = token::find_by_accessor(store, acc, now)
                .map_err(|e| Error::api(CTX, e))?
                .ok_or_else(|| Error::api(CTX, multi(400, "invalid accessor")))?;
            (f, None)
        } else if let Some(t) = a.args.first() {
            let call = Call::new(
                acl::Operation::Update,
                "auth/token/lookup",
                json!({ "token": t }),
            );
            actor(run, store, now, &call)?;
            (
                token::require(store, t, now).map_err(|e| Error::api(CTX, e))?,
                Some(t.clone()),
            )
        } else {
            let (f, raw) = own_token(run, store, now, &Call::lookup_self())?;
            (f, Some(raw))
        };
        let idp = identity::identity_policies(store, &found.entry.entity_id)
            .map_err(|e| Error::api(CTX, e))?;
        Ok(Response {
            request_id: crate::ids::uuid(),
            data: Some(token::lookup_data(&found, raw.as_deref(), &idp, now)),
            ..Response::default()
        })
    })?;
    if let Some(f) = &a.field {
        return run.printer.field(&resp, f);
    }
    run.printer.secret(&resp);
    Ok(())
}

fn renew(run: &Run, a: TokenRenewArgs) -> Result<(), Error> {
    const CTX: &str = "Error renewing token";
    if a.args.len() > 1 {
        return Err(Error::Usage(format!(
            "Too many arguments (expected 1, got {})",
            a.args.len()
        )));
    }
    let increment = match &a.increment {
        None => 0,
        Some(s) => crate::fields::go_parse_duration(s)
            .map(|ns| ns / 1_000_000_000)
            .or_else(|_| crate::fields::parse_duration(s))
            .map_err(|e| Error::Usage(format!("invalid value \"{s}\" for flag -increment: {e}")))?,
    };
    if a.accessor && a.args.is_empty() {
        return Err(Error::Usage(
            "Not enough arguments (expected 1, got 0)".into(),
        ));
    }
    let now = Ctx::now_secs();
    let resp = in_transaction(run, |store| {
        let (mut found, raw) = if a.accessor {
            let acc = &a.args[0];
            let call = Call::new(
                acl::Operation::Update,
                "auth/token/renew-accessor",
                json!({ "accessor": acc, "increment": increment }),
            );
            actor(run, store, now, &call)?;
            let f = token::find_by_accessor(store, acc, now)
                .map_err(|e| Error::api(CTX, e))?
                .ok_or_else(|| Error::api(CTX, multi(400, "invalid accessor")))?;
            (f, None)
        } else if let Some(t) = a.args.first() {
            let call = Call::new(
                acl::Operation::Update,
                "auth/token/renew",
                json!({ "token": t, "increment": increment }),
            );
            actor(run, store, now, &call)?;
            // `auth/token/renew` with a token that does not exist (or has expired).
            let f = token::find(store, t, now)
                .map_err(|e| Error::api(CTX, e))?
                .ok_or_else(|| Error::api(CTX, ApiError::bad_request("token not found")))?;
            (f, Some(t.clone()))
        } else {
            let call = Call::new(
                acl::Operation::Update,
                "auth/token/renew-self",
                json!({ "increment": increment }),
            )
            .own();
            let (f, raw) = own_token(run, store, now, &call)?;
            if f.entry.num_uses == -1 {
                // The request spent the last use: Vault revokes the token before the renewal
                // runs, which then no longer finds it.
                return Err(Error::api(CTX, ApiError::bad_request("token not found")));
            }
            (f, Some(raw))
        };
        // A caller's use is spent even when the renewal fails, as in Vault.
        let warnings =
            renew_entry(store, &mut found, increment, now).map_err(|e| Error::api(CTX, e))?;
        store.update_token(&found.hash, &found.entry)?;
        let idp = identity::identity_policies(store, &found.entry.entity_id)
            .map_err(|e| Error::api(CTX, e))?;
        let lease = found
            .entry
            .expire_time
            .map(|x| (x - now).round() as i64)
            .unwrap_or(0);
        Ok(Response {
            request_id: crate::ids::uuid(),
            auth: Some(found.entry.auth(raw.unwrap_or_default(), idp, lease)),
            warnings,
            ..Response::default()
        })
    })?;
    if let Some(f) = &a.field {
        return run.printer.field(&resp, f);
    }
    run.printer.secret(&resp);
    Ok(())
}

/// A go-multierror string as Vault's HTTP layer returns it for errors that are not a backend's
/// `ErrorResponse` (e.g. `invalid accessor`, `invalid token`, renewal failures).
fn multi(code: u16, msg: impl std::fmt::Display) -> ApiError {
    ApiError {
        code,
        errors: vec![format!("1 error occurred:\n\t* {msg}\n\n")],
        hints: Vec::new(),
        explain: None,
    }
}

/// Vault's renewal (expiration manager + the JWT backend's renew hook + `framework.CalculateTTL`):
/// the role is re-read and its current `token_ttl`, `token_max_ttl` and `token_period` apply
/// together with the token's own `explicit_max_ttl`. Times are truncated to whole seconds as
/// Vault does, so the cap `issue_time + max` matches its arithmetic to the second.
fn renew_entry(
    store: &Store,
    f: &mut Found,
    increment: i64,
    now: f64,
) -> Result<Vec<String>, ApiError> {
    let e = &mut f.entry;
    if e.token_type == "batch" {
        return Err(ApiError::bad_request("batch tokens cannot be renewed"));
    }
    if !e.renewable || e.expire_time.is_none() {
        return Err(ApiError::bad_request("lease is not renewable"));
    }
    let mount = store
        .get_mount_by_accessor(&e.mount_accessor)?
        .ok_or_else(|| ApiError::bad_request("lease not found"))?;
    let role: Role = store.get_role(&e.mount_accessor, &e.role)?.ok_or_else(|| {
        multi(
            500,
            format!(
                "failed to renew entry: role {} does not exist during renewal",
                e.role
            ),
        )
    })?;
    let mut warnings = Vec::new();
    let mut max = if mount.max_lease_ttl > 0 {
        mount.max_lease_ttl
    } else {
        SYSTEM_TTL
    };
    if role.token_max_ttl > 0 && role.token_max_ttl < max {
        max = role.token_max_ttl;
    }
    if e.explicit_max_ttl > 0 && e.explicit_max_ttl < max {
        max = e.explicit_max_ttl;
    }
    let now_s = now.floor() as i64;
    let start = e.issue_time.floor() as i64;
    let (mut ttl, hard_end) = if role.token_period > 0 {
        let mut period = role.token_period;
        if period > max {
            warnings.push(crate::token::capped_warning("period", period, max));
            period = max;
        }
        let end = (e.explicit_max_ttl > 0).then_some(start + e.explicit_max_ttl);
        (period, end)
    } else {
        let ttl = if increment > 0 {
            increment
        } else if role.token_ttl > 0 {
            role.token_ttl
        } else if mount.default_lease_ttl > 0 {
            mount.default_lease_ttl
        } else {
            SYSTEM_TTL
        };
        (ttl, Some(start + max))
    };
    if let Some(end) = hard_end {
        let left = end - now_s;
        if left <= 0 {
            return Err(multi(
                500,
                "failed to renew entry: past the max TTL, cannot renew",
            ));
        }
        if ttl > left {
            warnings.push(crate::token::capped_warning("TTL", ttl, left));
            ttl = left;
        }
    }
    e.period = role.token_period;
    e.expire_time = Some(now + ttl as f64);
    e.last_renewal_time = Some(now);
    Ok(warnings)
}

fn revoke(run: &Run, a: TokenRevokeArgs) -> Result<(), Error> {
    const CTX: &str = "Error revoking token";
    let n = a.args.len();
    let mode = a.mode.clone().unwrap_or_default();
    if !mode.is_empty() && mode != "orphan" && mode != "path" {
        return Err(Error::Usage(format!("Invalid mode: {mode}")));
    }
    if a.self_ {
        if n > 0 {
            return Err(Error::Usage(format!(
                "Too many arguments with -self (expected 0, got {n})"
            )));
        }
        if a.accessor {
            return Err(Error::Usage("Cannot use -self with -accessor!".into()));
        }
        if !mode.is_empty() {
            return Err(Error::Usage("Cannot use -self with -mode!".into()));
        }
    } else {
        if n > 1 {
            return Err(Error::Usage(format!(
                "Too many arguments (expected 1 or -self, got {n})"
            )));
        }
        if n == 0 {
            return Err(Error::Usage(
                "Not enough arguments (expected 1 or -self, got 0)".into(),
            ));
        }
        if a.accessor && mode == "orphan" {
            return Err(Error::Usage(
                "Cannot use -accessor with -mode=orphan!".into(),
            ));
        }
        if a.accessor && mode == "path" {
            return Err(Error::Usage("Cannot use -accessor with -mode=path!".into()));
        }
    }
    let now = Ctx::now_secs();
    in_transaction(run, |store| {
        if mode == "path" {
            let prefix = commands::sanitize_path(&a.args[0]);
            let call = Call::new(
                acl::Operation::Update,
                format!("sys/leases/revoke-prefix/{prefix}"),
                json!({}),
            )
            .root_protected();
            actor(run, store, now, &call)?;
            store.delete_tokens_with_prefix(&prefix)?;
        } else if a.accessor {
            let acc = &a.args[0];
            let call = Call::new(
                acl::Operation::Update,
                "auth/token/revoke-accessor",
                json!({ "accessor": acc }),
            );
            actor(run, store, now, &call)?;
            if let Some(f) =
                token::find_by_accessor(store, acc, now).map_err(|e| Error::api(CTX, e))?
            {
                store.delete_token(&f.hash)?;
            }
        } else {
            let found = if a.self_ {
                let call =
                    Call::new(acl::Operation::Update, "auth/token/revoke-self", json!({})).own();
                Some(own_token(run, store, now, &call)?.0)
            } else {
                let raw = &a.args[0];
                let path = if mode == "orphan" {
                    "auth/token/revoke-orphan"
                } else {
                    "auth/token/revoke"
                };
                let call = Call::new(acl::Operation::Update, path, json!({ "token": raw }));
                let who = actor(run, store, now, &call)?;
                if mode == "orphan" && !who.root_privs() {
                    // The token store's own check, after the ACL's.
                    return Err(Error::api(
                        CTX,
                        ApiError::bad_request(
                            "root or sudo privileges required to revoke and orphan",
                        ),
                    ));
                }
                token::find(store, raw, now).map_err(|e| Error::api(CTX, e))?
            };
            if let Some(f) = found {
                if f.entry.token_type == "batch" {
                    return Err(Error::api(
                        CTX,
                        ApiError::bad_request("batch tokens cannot be revoked"),
                    ));
                }
                store.delete_token(&f.hash)?;
            }
        }
        Ok(())
    })?;
    run.printer.success(Success::RevokedToken);
    Ok(())
}

/// The entity of a token as the ACL templating sees it.
fn entity_info(store: &Store, entity_id: &str) -> Result<Option<acl::EntityInfo>, ApiError> {
    if entity_id.is_empty() {
        return Ok(None);
    }
    let Some(e) = store.get_entity::<Entity>(entity_id)? else {
        return Ok(None);
    };
    let aliases = store
        .entity_aliases_of::<Alias>(entity_id)?
        .into_iter()
        .map(|a| (a.mount_accessor, a.name, a.metadata.unwrap_or_default()))
        .collect();
    let mut groups = Vec::new();
    for gid in store.groups_of_entity(entity_id)? {
        if let Some(g) = store.get_group::<Group>(&gid)? {
            groups.push((g.id, g.name));
        }
    }
    Ok(Some(acl::EntityInfo {
        id: e.id,
        name: e.name,
        metadata: e.metadata.unwrap_or_else(BTreeMap::new),
        aliases,
        groups,
    }))
}

/// The ACL of a token: its policies plus its identity policies, with templated paths filled
/// from its entity. Policies that do not exist are ignored; `root` is every right.
fn token_acl(store: &Store, f: &Found) -> Result<acl::Acl, ApiError> {
    let mut names = f.entry.policies.clone();
    names.extend(identity::identity_policies(store, &f.entry.entity_id)?);
    if names.iter().any(|n| n == "root") {
        return Ok(acl::Acl::root());
    }
    let mut policies = Vec::new();
    for n in acl::sanitize_policy_names(&names) {
        if let Some(raw) = store.get_policy(&n)? {
            // A stored policy parsed when written; one that no longer parses grants nothing.
            if let Ok(p) = acl::parse_policy(&n, &raw) {
                policies.push(p);
            }
        }
    }
    let entity = entity_info(store, &f.entry.entity_id)?;
    Ok(acl::build_acl(&policies, entity.as_ref()))
}

/// The capabilities of a token on a path (`sys/capabilities`).
pub fn token_capabilities(store: &Store, f: &Found, path: &str) -> Result<Vec<String>, ApiError> {
    Ok(token_acl(store, f)?.capabilities(&commands::sanitize_path(path)))
}

fn capabilities(run: &Run, a: PositionalArgs) -> Result<(), Error> {
    const CTX: &str = "Error listing capabilities";
    expect_args(&a.args, 1, 2)?;
    let now = Ctx::now_secs();
    let caps = in_transaction(run, |store| {
        let (found, path) = if a.args.len() == 2 {
            let (t, path) = (&a.args[0], &a.args[1]);
            let call = Call::new(
                acl::Operation::Update,
                "sys/capabilities",
                json!({ "token": t, "paths": [path] }),
            );
            actor(run, store, now, &call)?;
            // `sys/capabilities` with a token that does not exist (or has expired).
            let f = token::find(store, t, now)
                .map_err(|e| Error::api(CTX, e))?
                .ok_or_else(|| Error::api(CTX, multi(400, "invalid token")))?;
            (f, path.clone())
        } else {
            let path = &a.args[0];
            let call = Call::new(
                acl::Operation::Update,
                "sys/capabilities-self",
                json!({ "paths": [path] }),
            )
            .own();
            (own_token(run, store, now, &call)?.0, path.clone())
        };
        token_capabilities(store, &found, &path).map_err(|e| Error::api(CTX, e))
    })?;
    if caps.is_empty() {
        return Err(Error::Usage("No capabilities found".into()));
    }
    run.printer.stdout(&output::capabilities(&caps, run.format));
    Ok(())
}
