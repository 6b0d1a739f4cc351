//! `auth/token/*`: Vault's token store endpoints (OpenBao 2.7.2 `vault/token_store.go`), with
//! its fields, checks in its order and its answers: `create`, `create-orphan`, `lookup`
//! (read `?token=` or update `{token}`), `lookup-self`, `lookup-accessor`, `renew`,
//! `renew-self`, `renew-accessor`, `revoke`, `revoke-self`, `revoke-accessor`, `revoke-orphan`.
//!
//! The router has authorized the caller (a use spent) before a handler runs: `call.who` is the
//! local operator (root rights, no token) or the calling token. The model — entries, TTL
//! arithmetic, revocation, parents — is `crate::token`.

use serde_json::Value;

use crate::api::{ApiError, Operation, Response};
use crate::authz::{Access, TokenCaller, Who};
use crate::fields::{self, FieldError};
use crate::paths::identity;
use crate::paths::role::Role;
use crate::paths::{data, Call};
use crate::store::MountRow;
use crate::token::{self, Found, Renewal, TokenEntry};

/// The access class of `auth/token/<sub>`: the `*-self` paths act on the caller's own token.
pub fn access(sub: &str) -> Access {
    match sub {
        "lookup-self" | "renew-self" | "revoke-self" => Access::OWN,
        _ => Access::TOKEN,
    }
}

/// Serves `auth/token/<sub>`; `None` for a path the token store does not have.
pub fn route(call: &Call, mount: &MountRow, sub: &str) -> Option<Result<Response, ApiError>> {
    use Operation::{Read, Write};
    // A LIST goes to `<path>/`, which no token path serves.
    if call.req.operation == Operation::List {
        return None;
    }
    let on = |ops: &[Operation], handler: &dyn Fn() -> Result<Response, ApiError>| {
        if ops.contains(&call.req.operation) {
            handler()
        } else {
            Err(ApiError::unsupported_operation())
        }
    };
    Some(match sub {
        "create" => on(&[Write], &|| create(call, mount, false)),
        "create-orphan" => on(&[Write], &|| create(call, mount, true)),
        "lookup" => on(&[Read, Write], &|| lookup(call)),
        "lookup-self" => on(&[Read, Write], &|| lookup_self(call)),
        "lookup-accessor" => on(&[Write], &|| lookup_accessor(call)),
        "renew" => on(&[Write], &|| renew(call)),
        "renew-self" => on(&[Write], &|| renew_self(call)),
        "renew-accessor" => on(&[Write], &|| renew_accessor(call)),
        "revoke" => on(&[Write], &|| revoke(call)),
        "revoke-self" => on(&[Write], &|| revoke_self(call)),
        "revoke-accessor" => on(&[Write], &|| revoke_accessor(call)),
        "revoke-orphan" => on(&[Write], &|| revoke_orphan(call)),
        _ => return None,
    })
}

// ---- fields ---------------------------------------------------------------------------------

/// Vault's framework rejects a field value of the wrong type before the handler runs.
fn invalid(e: FieldError) -> ApiError {
    ApiError::bad_request(e.validation_message())
}

/// A TypeString field ("" when absent).
fn string(call: &Call, name: &str) -> Result<String, ApiError> {
    match call.req.data.get(name) {
        Some(v) => fields::string(name, v).map_err(invalid),
        None => Ok(String::new()),
    }
}

/// A TypeBool field.
fn boolean(call: &Call, name: &str, default: bool) -> Result<bool, ApiError> {
    match call.req.data.get(name) {
        Some(v) => fields::bool(name, v).map_err(invalid),
        None => Ok(default),
    }
}

/// The TypeDurationSecond `increment` (0 when absent).
fn increment(call: &Call) -> Result<i64, ApiError> {
    match call.req.data.get("increment") {
        Some(v) => Ok(fields::duration_seconds("increment", v)
            .map_err(invalid)?
            .unwrap_or(0)),
        None => Ok(0),
    }
}

/// The caller's own token: the `*-self` paths are routed only for a token caller.
fn own<'a>(call: &'a Call) -> Result<&'a TokenCaller, ApiError> {
    call.who.token().ok_or_else(ApiError::permission_denied)
}

fn missing_token_id() -> ApiError {
    ApiError::bad_request("missing token ID")
}

/// `accessor`, required: Vault's `missing accessor` and `invalid accessor` are go-multierror
/// 400s (`logical.StatusBadRequest`).
fn by_accessor(call: &Call) -> Result<Found, ApiError> {
    let accessor = string(call, "accessor")?;
    if accessor.is_empty() {
        return Err(ApiError::multi(400, "missing accessor"));
    }
    token::find_by_accessor(call.store, &accessor, call.ctx.now)?
        .ok_or_else(|| ApiError::multi(400, "invalid accessor"))
}

// ---- lookup ---------------------------------------------------------------------------------

/// `auth/token/lookup`: the named token, or the caller's own when none is named.
fn lookup(call: &Call) -> Result<Response, ApiError> {
    let mut raw = string(call, "token")?;
    if raw.is_empty() {
        if let Some(t) = call.who.token() {
            raw = t.token.expose().to_string();
        }
    }
    if raw.is_empty() {
        return Err(missing_token_id());
    }
    lookup_named(call, &raw)
}

fn lookup_self(call: &Call) -> Result<Response, ApiError> {
    // Vault's lookup-self ignores a `token` in the request, but it must still be a string.
    string(call, "token")?;
    let raw = own(call)?.token.expose().to_string();
    lookup_named(call, &raw)
}

fn lookup_accessor(call: &Call) -> Result<Response, ApiError> {
    let found = by_accessor(call)?;
    lookup_response(call, &found, None)
}

/// Vault's lookup is "tainted": the caller's own token shows even on its last use (-1 uses).
fn lookup_named(call: &Call, raw: &str) -> Result<Response, ApiError> {
    let found = match call.who.token() {
        Some(t) if t.token.expose().trim() == raw.trim() => t.found.clone(),
        _ => token::find(call.store, raw, call.ctx.now)?.ok_or_else(token::bad_token)?,
    };
    lookup_response(call, &found, Some(raw))
}

fn lookup_response(call: &Call, found: &Found, raw: Option<&str>) -> Result<Response, ApiError> {
    let idp = identity::identity_policies(call.store, &found.entry.entity_id)?;
    Ok(data(token::lookup_data(found, raw, &idp, call.ctx.now)))
}

// ---- renew ----------------------------------------------------------------------------------

fn renew(call: &Call) -> Result<Response, ApiError> {
    let raw = string(call, "token")?;
    let inc = increment(call)?;
    if raw.is_empty() {
        return Err(missing_token_id());
    }
    renew_raw(call, &raw, inc)
}

fn renew_self(call: &Call) -> Result<Response, ApiError> {
    string(call, "token")?;
    let inc = increment(call)?;
    let raw = own(call)?.token.expose().to_string();
    renew_raw(call, &raw, inc)
}

fn renew_accessor(call: &Call) -> Result<Response, ApiError> {
    let inc = increment(call)?;
    let found = by_accessor(call)?;
    // Vault renews by the token and blanks it in the answer.
    renew_found(call, found, None, inc)
}

/// A token on its last use was revoked when the use was spent: `token not found`, as in
/// Vault.
fn renew_raw(call: &Call, raw: &str, inc: i64) -> Result<Response, ApiError> {
    let found = token::find(call.store, raw, call.ctx.now)?
        .ok_or_else(|| ApiError::bad_request("token not found"))?;
    renew_found(call, found, Some(raw), inc)
}

/// Vault's `RenewToken`: the backend that issued the token says what its lease gets (the JWT
/// role, re-read; the token store: the token's own period and explicit max TTL), then
/// `framework.CalculateTTL` with the increment.
fn renew_found(
    call: &Call,
    mut found: Found,
    raw: Option<&str>,
    inc: i64,
) -> Result<Response, ApiError> {
    let now = call.ctx.now;
    token::check_renewable(&found.entry)?;
    let r = renewal_inputs(call, &found.entry, inc)?;
    let (ttl, warnings) = token::lease_ttl(&r, found.entry.issue_time, now)?;
    found.entry.period = r.period;
    token::apply_renewal(&mut found.entry, ttl, now);
    call.store.update_token(&found.hash, &found.entry)?;
    let idp = identity::identity_policies(call.store, &found.entry.entity_id)?;
    let lease = found
        .entry
        .expire_time
        .map(|x| (x - now).round() as i64)
        .unwrap_or(0);
    Ok(Response {
        auth: Some(
            found
                .entry
                .auth(raw.unwrap_or_default().to_string(), idp, lease),
        ),
        warnings,
        ..Response::default()
    })
}

fn renewal_inputs(call: &Call, e: &TokenEntry, inc: i64) -> Result<Renewal, ApiError> {
    let mount = call
        .store
        .get_mount_by_accessor(&e.mount_accessor)?
        .ok_or_else(|| ApiError::bad_request("lease not found"))?;
    let mut r = Renewal {
        mount_default: mount.default_lease_ttl,
        mount_max: mount.max_lease_ttl,
        increment: inc,
        explicit_max: e.explicit_max_ttl,
        ..Renewal::default()
    };
    if mount.kind == "token" {
        // The token store's renew hook for a token made without a role.
        r.backend_ttl = if e.lease_ttl > 0 {
            e.lease_ttl
        } else {
            e.creation_ttl
        };
        r.period = e.period;
        return Ok(r);
    }
    // The JWT method's renew hook: the role as it is now.
    let role: Role = call
        .store
        .get_role(&e.mount_accessor, &e.role)?
        .ok_or_else(|| {
            ApiError::multi(
                500,
                format!(
                    "failed to renew entry: role {} does not exist during renewal",
                    e.role
                ),
            )
        })?;
    r.backend_ttl = role.token_ttl;
    r.backend_max = role.token_max_ttl;
    r.period = role.token_period;
    Ok(r)
}

// ---- revoke ---------------------------------------------------------------------------------

/// Vault answers a revocation with nothing (204).
fn revoked() -> Result<Response, ApiError> {
    Ok(Response::default())
}

fn revoke(call: &Call) -> Result<Response, ApiError> {
    let raw = string(call, "token")?;
    if raw.is_empty() {
        return Err(missing_token_id());
    }
    revoke_raw(call, &raw)
}

fn revoke_self(call: &Call) -> Result<Response, ApiError> {
    let raw = own(call)?.token.expose().to_string();
    revoke_raw(call, &raw)
}

/// Vault's `revokeCommon`: a token that does not exist is no error; a batch token cannot be
/// revoked; otherwise the token goes with its tree.
fn revoke_raw(call: &Call, raw: &str) -> Result<Response, ApiError> {
    let Some(found) = token::find(call.store, raw, call.ctx.now)? else {
        return revoked();
    };
    if found.entry.token_type == "batch" {
        return Err(ApiError::bad_request("batch tokens cannot be revoked"));
    }
    token::revoke_tree(call.store, &found.hash)?;
    revoked()
}

fn revoke_accessor(call: &Call) -> Result<Response, ApiError> {
    let accessor = string(call, "accessor")?;
    if accessor.is_empty() {
        return Err(ApiError::multi(400, "missing accessor"));
    }
    let Some(found) = token::find_by_accessor(call.store, &accessor, call.ctx.now)? else {
        return Ok(Response {
            warnings: vec!["No token found with this accessor".into()],
            ..Response::default()
        });
    };
    token::revoke_tree(call.store, &found.hash)?;
    revoked()
}

fn revoke_orphan(call: &Call) -> Result<Response, ApiError> {
    let raw = string(call, "token")?;
    if raw.is_empty() {
        return Err(missing_token_id());
    }
    if !call.who.root_privs() {
        return Err(ApiError::bad_request(
            "root or sudo privileges required to revoke and orphan",
        ));
    }
    let found = token::find(call.store, &raw, call.ctx.now)?
        .ok_or_else(|| ApiError::bad_request("token to revoke not found"))?;
    if found.entry.token_type == "batch" {
        return Err(ApiError::bad_request("batch tokens cannot be revoked"));
    }
    token::revoke_orphan(call.store, &found)?;
    revoked()
}

// ---- create ---------------------------------------------------------------------------------

/// The fields of `auth/token/create`, converted (Vault validates them all before the
/// handler runs).
struct CreateFields {
    display_name: String,
    entity_alias: String,
    explicit_max_ttl: String,
    id: String,
    lease: String,
    meta: std::collections::BTreeMap<String, String>,
    no_default_policy: bool,
    no_parent: bool,
    num_uses: i64,
    period: String,
    policies: Vec<String>,
    renewable: bool,
    ttl: String,
    kind: String,
}

impl CreateFields {
    fn parse(call: &Call) -> Result<CreateFields, ApiError> {
        let d = &call.req.data;
        Ok(CreateFields {
            display_name: string(call, "display_name")?,
            entity_alias: string(call, "entity_alias")?,
            explicit_max_ttl: string(call, "explicit_max_ttl")?,
            id: string(call, "id")?,
            lease: string(call, "lease")?,
            meta: match d.get("meta") {
                Some(v) => fields::kv_pairs("meta", v)
                    .map_err(invalid)?
                    .unwrap_or_default(),
                None => Default::default(),
            },
            no_default_policy: boolean(call, "no_default_policy", false)?,
            no_parent: boolean(call, "no_parent", false)?,
            num_uses: match d.get("num_uses") {
                Some(v) => fields::int("num_uses", v).map_err(invalid)?,
                None => 0,
            },
            period: string(call, "period")?,
            policies: match d.get("policies") {
                Some(v) => string_slice("policies", v).map_err(invalid)?,
                None => Vec::new(),
            },
            renewable: boolean(call, "renewable", true)?,
            ttl: string(call, "ttl")?,
            kind: string(call, "type")?,
        })
    }
}

/// TypeStringSlice (mapstructure v2, weak): a string is one element, a list is kept element
/// by element; every element trimmed; `""` and null give `[]`.
fn string_slice(field: &str, v: &Value) -> Result<Vec<String>, FieldError> {
    let items = match v {
        Value::Null => return Ok(Vec::new()),
        Value::String(s) if s.is_empty() => return Ok(Vec::new()),
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let mut out = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(s) => out.push(s.trim().to_string()),
            Value::Number(n) => out.push(n.to_string()),
            Value::Bool(b) => out.push(if *b { "1" } else { "0" }.to_string()),
            Value::Null => out.push(String::new()),
            Value::Array(_) => errors.push(format!(
                "'[{i}]' expected type 'string', got unconvertible type '[]interface {{}}'"
            )),
            Value::Object(_) => errors.push(format!(
                "'[{i}]' expected type 'string', got unconvertible type 'map[string]interface {{}}'"
            )),
        }
    }
    if errors.is_empty() {
        return Ok(out);
    }
    Err(FieldError {
        field: field.to_string(),
        reason: format!(
            "decoding failed due to the following error(s):\n\n{}",
            errors.join("\n")
        ),
    })
}

/// The token a new token is made from: the caller's, or the local operator's virtual root
/// token (no hash: nothing to revoke it with).
fn parent_of(call: &Call) -> Result<(Option<Vec<u8>>, TokenEntry), ApiError> {
    let t = match call.who {
        Who::Token(t) => t,
        _ => {
            return Ok((
                None,
                TokenEntry {
                    policies: vec!["root".into()],
                    token_type: "service".into(),
                    ..TokenEntry::default()
                },
            ))
        }
    };
    // On its last use the caller's token is already revoked.
    if t.found.entry.num_uses < 0 {
        return Err(ApiError::bad_request(
            "parent token lookup failed: no parent found",
        ));
    }
    if t.found.entry.token_type == "batch" {
        return Err(ApiError::bad_request(
            "batch tokens cannot create more tokens",
        ));
    }
    if t.found.entry.num_uses > 0 {
        return Err(ApiError::bad_request(
            "restricted use token cannot generate child tokens",
        ));
    }
    Ok((Some(t.found.hash.clone()), t.found.entry.clone()))
}

/// The token type and renewability, Vault's checks for a batch token included (a Go
/// `switch`: only the first field given is looked at).
fn token_kind(f: &CreateFields) -> Result<(&'static str, bool), ApiError> {
    match f.kind.as_str() {
        "" | "service" => Ok(("service", f.renewable)),
        "batch" => {
            let set = |raw: &str, what: &str| -> Result<bool, ApiError> {
                fields::parse_duration(raw).map(|d| d != 0).map_err(|_| {
                    ApiError::bad_request(format!("'{what}' value could not be parsed"))
                })
            };
            let bad = if !f.explicit_max_ttl.is_empty() {
                set(&f.explicit_max_ttl, "explicit_max_ttl")?.then_some("explicit_max_ttl")
            } else if f.num_uses != 0 {
                Some("num_uses")
            } else if !f.period.is_empty() {
                set(&f.period, "period")?.then_some("period")
            } else {
                None
            };
            match bad {
                Some(what) => Err(ApiError::bad_request(format!(
                    "batch tokens cannot have \"{what}\" set"
                ))),
                None => Ok(("batch", false)),
            }
        }
        _ => Err(ApiError::bad_request("invalid 'token_type' value")),
    }
}

/// Vault's `resolveTokenPolicies` without a token role: none asked inherits the parent's;
/// otherwise a subset of the parent's unless the caller has root or sudo rights.
fn resolve_policies(
    f: &CreateFields,
    parent: &TokenEntry,
    is_sudo: bool,
) -> Result<Vec<String>, ApiError> {
    let mut add_default = false;
    let asked = if f.policies.is_empty() {
        token::sanitize_policies(&parent.policies, false)
    } else if !is_sudo {
        let asked = token::sanitize_policies(&f.policies, false);
        let have = token::sanitize_policies(&parent.policies, false);
        if !asked.iter().all(|p| have.contains(p)) {
            return Err(ApiError::bad_request(
                "child policies must be subset of parent",
            ));
        }
        add_default = !f.no_default_policy && parent.policies.iter().any(|p| p == "default");
        f.policies.clone()
    } else {
        add_default = !f.no_default_policy;
        f.policies.clone()
    };
    let mut out = token::sanitize_policies(&asked, add_default);
    if f.no_default_policy {
        out.retain(|p| p != "default");
    }
    if let Some(p) = out.iter().find(|p| *p == "response-wrapping") {
        return Err(ApiError::bad_request(format!(
            "cannot assign policy \"{p}\""
        )));
    }
    Ok(out)
}

/// Vault's `parseAndMergeTTLPeriod` without a role: (explicit max TTL, period, TTL).
fn ttls(f: &CreateFields, is_sudo: bool) -> Result<(i64, i64, i64), ApiError> {
    let parse = |raw: &str, what: &str| -> Result<i64, ApiError> {
        if raw.is_empty() {
            return Ok(0);
        }
        let d = fields::parse_duration(raw).map_err(ApiError::bad_request)?;
        if d < 0 {
            return Err(ApiError::bad_request(format!("{what} must be positive")));
        }
        Ok(d)
    };
    let explicit = parse(&f.explicit_max_ttl, "explicit_max_ttl")?;
    let period = parse(&f.period, "period")?;
    if period > 0 && !is_sudo {
        return Err(ApiError::bad_request(
            "root or sudo privileges required to create periodic token",
        ));
    }
    let ttl = if f.ttl.is_empty() {
        parse(&f.lease, "lease")?
    } else {
        parse(&f.ttl, "ttl")?
    };
    Ok((explicit, period, ttl))
}

/// The effective max TTL a token is issued with (kept with the entry, as for logins).
fn effective_max(mount: &MountRow, explicit: i64, period: i64) -> i64 {
    let max = if mount.max_lease_ttl > 0 {
        mount.max_lease_ttl
    } else {
        crate::paths::mounts::SYSTEM_TTL
    };
    match explicit {
        e if period > 0 || (e > 0 && e < max) => e,
        _ => max,
    }
}

/// Vault's display name for a created token: `token-<name>` with every character outside
/// `[a-zA-Z0-9-]` made a `-`, one trailing `-` dropped; `token` when none is given.
fn display_name(given: &str) -> String {
    if given.is_empty() {
        return "token".into();
    }
    let full: String = format!("token-{given}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    full.strip_suffix('-').unwrap_or(&full).to_string()
}

/// Vault's `handleCreateCommon` for `auth/token/create` and `create-orphan`, in its order.
fn create(call: &Call, mount: &MountRow, orphan_path: bool) -> Result<Response, ApiError> {
    let f = CreateFields::parse(call)?;
    let (parent_hash, parent) = parent_of(call)?;
    let is_sudo = call.who.root_privs();
    let (kind, renewable) = token_kind(&f)?;
    if f.num_uses < 0 {
        return Err(ApiError::bad_request("number of uses cannot be negative"));
    }
    if !f.entity_alias.is_empty() {
        return Err(ApiError::bad_request(
            "'entity_alias' is only allowed in combination with token role",
        ));
    }
    if !f.id.is_empty() && !is_sudo {
        return Err(ApiError::bad_request(
            "root or sudo privileges required to specify token id",
        ));
    }
    let policies = resolve_policies(&f, &parent, is_sudo)?;
    if policies.iter().any(|p| p == "root") {
        if !parent.policies.iter().any(|p| p == "root") {
            return Err(ApiError::bad_request(
                "root tokens may not be created without parent token being root",
            ));
        }
        if kind == "batch" {
            return Err(ApiError::bad_request("batch tokens cannot be root tokens"));
        }
    }
    let orphan = if f.no_parent {
        if !is_sudo {
            return Err(ApiError::bad_request(
                "root or sudo privileges required to create orphan token",
            ));
        }
        true
    } else {
        orphan_path
    };
    let (explicit, period, asked_ttl) = ttls(&f, is_sudo)?;
    let now = if kind == "batch" {
        call.ctx.now.floor()
    } else {
        call.ctx.now
    };
    let root = policies.iter().any(|p| p == "root");
    let (mut ttl, mut warnings) = if period > 0 || asked_ttl > 0 || !root {
        let r = Renewal {
            mount_default: mount.default_lease_ttl,
            mount_max: mount.max_lease_ttl,
            backend_ttl: asked_ttl,
            period,
            explicit_max: explicit,
            ..Renewal::default()
        };
        token::lease_ttl(&r, now, now)?
    } else {
        (0, Vec::new())
    };
    if ttl == 0 && explicit > 0 {
        ttl = explicit;
    }
    let mut entry = TokenEntry {
        token_type: kind.into(),
        policies,
        path: format!(
            "auth/token/{}",
            if orphan_path {
                "create-orphan"
            } else {
                "create"
            }
        ),
        meta: f.meta.clone(),
        display_name: display_name(&f.display_name),
        num_uses: if kind == "batch" { 0 } else { f.num_uses },
        creation_time: now as i64,
        creation_ttl: ttl,
        explicit_max_ttl: explicit,
        period,
        issue_time: now,
        expire_time: (ttl > 0).then_some(now + ttl as f64),
        renewable,
        max_ttl: effective_max(mount, explicit, period),
        mount_accessor: mount.accessor.clone(),
        mount_path: mount.path.clone(),
        lease_ttl: ttl,
        ..TokenEntry::default()
    };
    if !orphan {
        entry.parent = parent_hash
            .as_deref()
            .map(token::hex)
            .unwrap_or_else(|| token::OPERATOR_PARENT.into());
        entry.entity_id = parent.entity_id.clone();
        entry.bound_cidrs = parent.bound_cidrs.clone();
    }
    if ttl == 0 {
        if parent.creation_ttl != 0 {
            return Err(ApiError::bad_request(
                "expiring root tokens cannot create non-expiring root tokens",
            ));
        }
        entry.renewable = false;
        entry.bound_cidrs.clear();
    }
    let (raw, accessor) = match f.id.as_str() {
        id if !id.is_empty() && kind != "batch" => (id.to_string(), token::new_token(kind).1),
        _ => token::new_token(kind),
    };
    entry.accessor = accessor;
    token::store_created(call.store, &raw, raw == f.id, &entry, call.ctx.now)?;
    for p in &entry.policies {
        if p != "root" && call.store.get_policy(p)?.is_none() {
            warnings.push(format!("Policy \"{p}\" does not exist"));
        }
    }
    Ok(Response {
        auth: Some(entry.auth(raw, Vec::new(), ttl)),
        warnings,
        ..Response::default()
    })
}

#[cfg(test)]
pub(crate) mod tests {
    //! The token store through the router: requests in, responses out, at chosen times.

    use std::cell::Cell;

    use serde_json::{json, Map, Value};

    use super::*;
    use crate::api::{Caller, CallerToken, Request};
    use crate::backend::LocalBackend;
    use crate::paths::mounts::{self, EnableRequest};
    use crate::paths::{self, Ctx, Outcome};
    use crate::store::Store;
    use crate::token::IssueRequest;

    /// A unix time with a fraction, so that whole-second truncation shows.
    pub(crate) const T0: f64 = 1_800_000_000.25;

    /// A state file in a temporary folder and a clock the test moves.
    pub(crate) struct Fx {
        _dir: tempfile::TempDir,
        backend: LocalBackend,
        pub now: Cell<f64>,
    }

    pub(crate) fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    impl Fx {
        pub(crate) fn new() -> Fx {
            let dir = tempfile::tempdir().unwrap();
            let backend = LocalBackend::new(dir.path().join("state.db"), true);
            backend.open().unwrap().commit().unwrap();
            Fx {
                _dir: dir,
                backend,
                now: Cell::new(T0),
            }
        }

        pub(crate) fn later(&self, secs: f64) {
            self.now.set(self.now.get() + secs);
        }

        /// One request through the router in one transaction, committed whatever it answers.
        pub(crate) fn send(&self, req: &Request) -> Result<Response, ApiError> {
            let store = self.backend.open().unwrap();
            let ctx = Ctx {
                now: self.now.get(),
                offline: true,
                ..Ctx::default()
            };
            let answer = paths::route(&store, &ctx, req, None);
            store.commit().unwrap();
            match answer.result {
                Ok(Outcome::Done(r)) => Ok(r),
                Ok(_) => panic!("no path of the token store fetches or defers a write"),
                Err(e) => Err(e),
            }
        }

        pub(crate) fn with_store<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
            let store = self.backend.open().unwrap();
            let out = f(&store);
            store.commit().unwrap();
            out
        }

        /// A request of the local operator (no token).
        pub(crate) fn op(
            &self,
            op: Operation,
            path: &str,
            data: Value,
        ) -> Result<Response, ApiError> {
            self.send(&Request::new(op, path, obj(data)))
        }

        /// A request made with a token (`X-Vault-Token`).
        pub(crate) fn by(
            &self,
            tok: &str,
            op: Operation,
            path: &str,
            data: Value,
        ) -> Result<Response, ApiError> {
            self.send(
                &Request::new(op, path, obj(data))
                    .with_caller(Caller::Token(CallerToken::new(tok, "the test"))),
            )
        }

        pub(crate) fn policy(&self, name: &str, raw: &str) {
            self.with_store(|s| s.put_policy(name, raw).unwrap());
        }

        /// `auth/token/create` by the operator (or `tok`): the new token.
        pub(crate) fn create(&self, tok: Option<&str>, data: Value) -> String {
            let r = match tok {
                None => self.op(Operation::Write, "auth/token/create", data),
                Some(t) => self.by(t, Operation::Write, "auth/token/create", data),
            };
            r.unwrap().auth.unwrap().client_token.expose().to_string()
        }

        /// The operator's lookup of a token.
        pub(crate) fn lookup(&self, tok: &str) -> Result<Map<String, Value>, ApiError> {
            self.op(
                Operation::Write,
                "auth/token/lookup",
                json!({ "token": tok }),
            )
            .map(|r| r.data.unwrap())
        }

        /// The `jwt/` mount, enabled on first use.
        pub(crate) fn jwt_mount(&self) -> crate::store::MountRow {
            self.with_store(|s| match s.get_mount("jwt/").unwrap() {
                Some(m) => m,
                None => mounts::enable(
                    s,
                    &EnableRequest {
                        kind: "jwt".into(),
                        path: "jwt/".into(),
                        description: String::new(),
                        default_lease_ttl: 0,
                        max_lease_ttl: 0,
                        token_type: String::new(),
                    },
                )
                .unwrap(),
            })
        }

        /// A token issued by a login on the `jwt/` mount with role `r` (`role` its fields).
        pub(crate) fn jwt_token(&self, role: Value, cidrs: &[&str]) -> String {
            let mut fields =
                obj(json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a"}));
            fields.extend(obj(role.clone()));
            self.jwt_mount();
            self.op(Operation::Write, "auth/jwt/role/r", Value::Object(fields))
                .unwrap();
            let now = self.now.get();
            self.with_store(|s| {
                let mount = s.get_mount("jwt/").unwrap().unwrap();
                let role: Role = s.get_role(&mount.accessor, "r").unwrap().unwrap();
                let ident = identity::on_login(
                    s,
                    &mount,
                    "alice",
                    &Default::default(),
                    &["eng".into()],
                    now,
                )
                .unwrap();
                let cidrs: Vec<String> = cidrs.iter().map(|c| c.to_string()).collect();
                token::issue(
                    s,
                    IssueRequest {
                        mount: &mount,
                        role_name: "r",
                        policies: &role.token_policies,
                        no_default_policy: role.token_no_default_policy,
                        ttl: role.token_ttl,
                        max_ttl: role.token_max_ttl,
                        explicit_max_ttl: role.token_explicit_max_ttl,
                        period: role.token_period,
                        num_uses: role.token_num_uses,
                        token_type: &role.token_type,
                        bound_cidrs: &cidrs,
                        display_name: "jwt-alice".into(),
                        metadata: Default::default(),
                        entity_id: ident.entity_id,
                        identity_policies: ident.identity_policies,
                        now,
                    },
                )
                .unwrap()
                .auth
                .client_token
                .expose()
                .to_string()
            })
        }
    }

    pub(crate) fn err(code: u16, msg: &str) -> ApiError {
        ApiError::new(code, vec![msg.to_string()])
    }

    pub(crate) fn multi(code: u16, msg: &str) -> ApiError {
        ApiError::multi(code, msg)
    }

    /// An error without the explanation lines.
    pub(crate) fn bare(r: Result<Response, ApiError>) -> ApiError {
        let mut e = r.unwrap_err();
        e.hints.clear();
        e
    }

    const W: Operation = Operation::Write;
    const R: Operation = Operation::Read;

    #[test]
    fn lookup_by_token_accessor_self_and_query() {
        let fx = Fx::new();
        let t = fx.create(
            None,
            json!({"policies": "default", "ttl": "1h", "meta": {"k": "v"}}),
        );
        let d = fx.lookup(&t).unwrap();
        assert_eq!(d["id"], json!(t));
        assert_eq!(d["path"], json!("auth/token/create"));
        assert_eq!(d["display_name"], json!("token"));
        assert_eq!(d["orphan"], json!(false));
        assert_eq!(d["meta"], json!({"k": "v"}));
        assert_eq!(d["creation_ttl"], json!(3600));
        assert_eq!(d["ttl"], json!(3600));
        assert_eq!(d["issue_time"], json!("2027-01-15T08:00:00.25Z"));
        assert_eq!(d["expire_time"], json!("2027-01-15T09:00:00.25Z"));
        // Vault's TTL: to the expiry from now rounded to the second, truncated.
        fx.later(0.2);
        assert_eq!(fx.lookup(&t).unwrap()["ttl"], json!(3600));
        fx.later(0.1);
        assert_eq!(fx.lookup(&t).unwrap()["ttl"], json!(3599));
        fx.now.set(T0);
        // Read with `?token=` answers the same.
        let q = fx
            .op(R, "auth/token/lookup", json!({"token": t}))
            .unwrap()
            .data
            .unwrap();
        assert_eq!(q, d);
        // By accessor: no id.
        let acc = d["accessor"].as_str().unwrap().to_string();
        let a = fx
            .op(W, "auth/token/lookup-accessor", json!({"accessor": acc}))
            .unwrap()
            .data
            .unwrap();
        assert_eq!(a["id"], json!(""));
        assert_eq!(a["accessor"], d["accessor"]);
        // The token itself: lookup-self (read or update), or lookup naming nothing. The
        // default policy allows only the read of lookup-self.
        let root = fx.create(None, json!({"ttl": "1h"}));
        fx.later(60.0);
        for (op, path) in [
            (R, "auth/token/lookup-self"),
            (W, "auth/token/lookup-self"),
            (R, "auth/token/lookup"),
        ] {
            let s = fx.by(&root, op, path, json!({})).unwrap().data.unwrap();
            assert_eq!(
                (s["id"].clone(), s["ttl"].clone()),
                (json!(root), json!(3540)),
                "{path}"
            );
        }
        assert_eq!(
            fx.by(&t, R, "auth/token/lookup-self", json!({}))
                .unwrap()
                .data
                .unwrap()["id"],
            json!(t)
        );
        assert_eq!(
            bare(fx.by(&t, W, "auth/token/lookup-self", json!({}))),
            multi(403, "permission denied")
        );
        // lookup-self ignores a token named in the body.
        let s = fx
            .by(&root, W, "auth/token/lookup-self", json!({"token": t}))
            .unwrap()
            .data
            .unwrap();
        assert_eq!(s["id"], json!(root));
    }

    #[test]
    fn lookup_errors_are_vaults() {
        let fx = Fx::new();
        assert_eq!(
            bare(fx.op(W, "auth/token/lookup", json!({}))),
            err(400, "missing token ID")
        );
        assert_eq!(
            bare(fx.op(W, "auth/token/lookup", json!({"token": "jvs.nope"}))),
            err(403, "bad token")
        );
        assert_eq!(
            bare(fx.op(W, "auth/token/lookup-accessor", json!({}))),
            multi(400, "missing accessor")
        );
        assert_eq!(
            bare(fx.op(W, "auth/token/lookup-accessor", json!({"accessor": "nope"}))),
            multi(400, "invalid accessor")
        );
        assert_eq!(
            bare(fx.op(W, "auth/token/lookup", json!({"token": ["x"]}))),
            err(400, "Field validation failed: error converting input for field \"token\": '' expected type 'string', got unconvertible type '[]interface {}'")
        );
        // The operator has no token of its own.
        assert_eq!(
            bare(fx.op(R, "auth/token/lookup-self", json!({}))),
            err(403, "permission denied")
        );
        // Known paths, other operations; unknown paths.
        assert_eq!(
            bare(fx.op(R, "auth/token/create", json!({}))),
            multi(405, "unsupported operation")
        );
        assert_eq!(
            bare(fx.op(Operation::Delete, "auth/token/lookup", json!({}))),
            multi(405, "unsupported operation")
        );
        assert_eq!(
            bare(fx.op(R, "auth/token/nope", json!({}))),
            err(404, "no handler for route \"auth/token/nope\"")
        );
    }

    #[test]
    fn renewal_of_a_jwt_token_rereads_its_role_and_caps_at_max_ttl() {
        let fx = Fx::new();
        let t = fx.jwt_token(json!({"token_ttl": "1h", "token_max_ttl": "2h"}), &[]);
        fx.later(10.0);
        let r = fx
            .op(
                W,
                "auth/token/renew",
                json!({"token": t, "increment": "3h"}),
            )
            .unwrap();
        // Whole seconds: issued at …:00.25, renewed at …:10.25, 2h from …:00 leaves 1h59m50s.
        assert_eq!(r.warnings, ["TTL of \"3h\" exceeded the effective max_ttl of \"1h59m50s\"; TTL value is capped accordingly"]);
        let auth = r.auth.unwrap();
        assert_eq!(
            (auth.lease_duration, auth.client_token.expose()),
            (7190, t.as_str())
        );
        let d = fx.lookup(&t).unwrap();
        assert_eq!(d["last_renewal_time"], json!(1_800_000_010));
        assert_eq!(d["creation_ttl"], json!(3600));
        // No increment: the role's TTL; the role's current period wins over everything.
        let r = fx.op(W, "auth/token/renew", json!({"token": t})).unwrap();
        assert_eq!(
            (r.auth.unwrap().lease_duration, r.warnings.len()),
            (3600, 0)
        );
        fx.op(W, "auth/jwt/role/r", json!({"token_period": "5m"}))
            .unwrap();
        let r = fx
            .op(
                W,
                "auth/token/renew",
                json!({"token": t, "increment": 99999}),
            )
            .unwrap();
        assert_eq!(r.auth.unwrap().lease_duration, 300);
        assert_eq!(fx.lookup(&t).unwrap()["period"], json!(300));
        // By accessor: the token is not shown.
        let acc = fx.lookup(&t).unwrap()["accessor"]
            .as_str()
            .unwrap()
            .to_string();
        let r = fx
            .op(
                W,
                "auth/token/renew-accessor",
                json!({"accessor": acc, "increment": "10m"}),
            )
            .unwrap();
        assert_eq!(r.auth.unwrap().client_token.expose(), "");
        // The role is gone.
        fx.op(Operation::Delete, "auth/jwt/role/r", json!({}))
            .unwrap();
        assert_eq!(
            bare(fx.op(W, "auth/token/renew", json!({"token": t}))),
            multi(
                500,
                "failed to renew entry: role r does not exist during renewal"
            )
        );
    }

    #[test]
    fn renewal_of_a_created_token_uses_its_own_ttls() {
        let fx = Fx::new();
        let t = fx.create(
            None,
            json!({"policies": "default", "ttl": "1h", "explicit_max_ttl": "90m"}),
        );
        fx.later(60.0);
        let r = fx
            .op(
                W,
                "auth/token/renew",
                json!({"token": t, "increment": "2h"}),
            )
            .unwrap();
        assert_eq!(r.warnings, ["TTL of \"2h\" exceeded the effective max_ttl of \"1h29m\"; TTL value is capped accordingly"]);
        assert_eq!(r.auth.unwrap().lease_duration, 5340);
        // Without an increment: the lease's last TTL, capped by what is left.
        fx.later(60.0);
        let r = fx.op(W, "auth/token/renew", json!({"token": t})).unwrap();
        assert_eq!(r.auth.unwrap().lease_duration, 5280);
        // Periodic: the period, whatever the increment; the explicit max still ends it.
        let p = fx.create(
            None,
            json!({"policies": "default", "period": "30m", "explicit_max_ttl": "45m"}),
        );
        assert_eq!(fx.lookup(&p).unwrap()["ttl"], json!(1800));
        let r = fx
            .op(
                W,
                "auth/token/renew",
                json!({"token": p, "increment": "5h"}),
            )
            .unwrap();
        assert_eq!(
            (r.auth.unwrap().lease_duration, r.warnings.len()),
            (1800, 0)
        );
        fx.later(20.0 * 60.0);
        let r = fx.op(W, "auth/token/renew", json!({"token": p})).unwrap();
        assert_eq!(r.warnings, ["TTL of \"30m\" exceeded the effective max_ttl of \"25m\"; TTL value is capped accordingly"]);
        assert_eq!(r.auth.unwrap().lease_duration, 1500);
        // Alive for a fraction of a second more, but past the whole-second max: Vault refuses.
        fx.later(1499.9);
        assert!(fx.lookup(&p).is_ok());
        assert_eq!(
            bare(fx.op(W, "auth/token/renew", json!({"token": p}))),
            multi(500, "past the max TTL, cannot renew")
        );
        // Never expiring, not renewable, batch, unknown, missing.
        let root = fx.create(None, json!({}));
        let fixed = fx.create(None, json!({"policies": "default", "renewable": false}));
        let batch = fx.create(None, json!({"policies": "default", "type": "batch"}));
        for (tok, want) in [
            (root.as_str(), err(400, "lease is not renewable")),
            (fixed.as_str(), err(400, "lease is not renewable")),
            (batch.as_str(), err(400, "batch tokens cannot be renewed")),
            ("jvs.nope", err(400, "token not found")),
            ("", err(400, "missing token ID")),
        ] {
            assert_eq!(
                bare(fx.op(W, "auth/token/renew", json!({"token": tok}))),
                want,
                "{tok}"
            );
        }
        assert_eq!(
            bare(fx.op(W, "auth/token/renew", json!({"token": root, "increment": "banana"}))),
            err(400, "Field validation failed: error converting input for field \"increment\": time: invalid duration \"banana\"")
        );
        assert_eq!(
            bare(fx.op(W, "auth/token/renew-accessor", json!({"accessor": "x"}))),
            multi(400, "invalid accessor")
        );
        // renew-self: the caller's own token.
        let me = fx.create(None, json!({"policies": "default", "ttl": "10m"}));
        let r = fx
            .by(&me, W, "auth/token/renew-self", json!({"increment": "20m"}))
            .unwrap();
        assert_eq!(r.auth.unwrap().lease_duration, 1200);
    }

    #[test]
    fn revocation_takes_the_tree_and_revoke_orphan_leaves_the_children() {
        let fx = Fx::new();
        fx.policy(
            "creator",
            r#"path "auth/token/create" { capabilities = ["update"] }"#,
        );
        let p = fx.create(None, json!({"policies": "creator"}));
        let c = fx.create(Some(&p), json!({}));
        let g = fx.create(Some(&c), json!({}));
        let cb = fx.create(Some(&p), json!({"type": "batch"}));
        assert_eq!(fx.lookup(&c).unwrap()["orphan"], json!(false));
        assert_eq!(
            fx.lookup(&c).unwrap()["policies"],
            json!(["creator", "default"])
        );
        fx.op(W, "auth/token/revoke-orphan", json!({"token": p}))
            .unwrap();
        assert_eq!(fx.lookup(&c).unwrap()["orphan"], json!(true));
        assert_eq!(fx.lookup(&g).unwrap()["orphan"], json!(false));
        // A batch child stops working with its parent.
        assert_eq!(
            bare(fx.lookup(&cb).map(|_| Response::default())),
            err(403, "bad token")
        );
        fx.op(W, "auth/token/revoke", json!({"token": c})).unwrap();
        assert_eq!(
            bare(fx.lookup(&g).map(|_| Response::default())),
            err(403, "bad token")
        );
        // Revoke by accessor and revoke-self take the tree too.
        let p = fx.create(None, json!({"policies": "creator"}));
        let c = fx.create(Some(&p), json!({}));
        let acc = fx.lookup(&p).unwrap()["accessor"]
            .as_str()
            .unwrap()
            .to_string();
        let r = fx
            .op(W, "auth/token/revoke-accessor", json!({"accessor": acc}))
            .unwrap();
        assert_eq!(r, Response::default());
        assert!(fx.lookup(&c).is_err());
        let p = fx.create(None, json!({"policies": "creator"}));
        let c = fx.create(Some(&p), json!({}));
        fx.by(&p, W, "auth/token/revoke-self", json!({})).unwrap();
        assert!(fx.lookup(&p).is_err() && fx.lookup(&c).is_err());
        // A custom id used again by another token is not revoked with the first one's parent.
        let p = fx.create(None, json!({"policies": ["creator", "root"]}));
        fx.create(Some(&p), json!({"id": "again"}));
        fx.op(W, "auth/token/revoke", json!({"token": "again"}))
            .unwrap();
        fx.create(None, json!({"id": "again"}));
        fx.op(W, "auth/token/revoke", json!({"token": p})).unwrap();
        assert_eq!(fx.lookup("again").unwrap()["orphan"], json!(false));
    }

    #[test]
    fn a_child_dies_when_its_parent_expires() {
        let fx = Fx::new();
        fx.policy(
            "creator",
            r#"path "auth/token/create" { capabilities = ["update"] }"#,
        );
        let p = fx.create(None, json!({"policies": "creator", "ttl": "1h"}));
        let c = fx.create(Some(&p), json!({"ttl": "5h"}));
        assert_eq!(fx.lookup(&c).unwrap()["ttl"], json!(5 * 3600));
        fx.later(2.0 * 3600.0);
        assert_eq!(
            bare(fx.lookup(&c).map(|_| Response::default())),
            err(403, "bad token")
        );
        assert_eq!(
            bare(fx.by(&c, R, "auth/token/lookup-self", json!({}))),
            err(403, "permission denied")
        );
    }

    #[test]
    fn revoke_variants_and_their_errors() {
        let fx = Fx::new();
        let none = Response::default();
        assert_eq!(
            fx.op(W, "auth/token/revoke", json!({"token": "jvs.nope"}))
                .unwrap(),
            none
        );
        assert_eq!(
            bare(fx.op(W, "auth/token/revoke", json!({}))),
            err(400, "missing token ID")
        );
        assert_eq!(
            fx.op(W, "auth/token/revoke-accessor", json!({"accessor": "nope"}))
                .unwrap()
                .warnings,
            ["No token found with this accessor"]
        );
        assert_eq!(
            bare(fx.op(W, "auth/token/revoke-accessor", json!({}))),
            multi(400, "missing accessor")
        );
        assert_eq!(
            bare(fx.op(W, "auth/token/revoke-orphan", json!({}))),
            err(400, "missing token ID")
        );
        assert_eq!(
            bare(fx.op(W, "auth/token/revoke-orphan", json!({"token": "jvs.nope"}))),
            err(400, "token to revoke not found")
        );
        let batch = fx.create(None, json!({"policies": "default", "type": "batch"}));
        for path in ["auth/token/revoke", "auth/token/revoke-orphan"] {
            assert_eq!(
                bare(fx.op(W, path, json!({"token": batch}))),
                err(400, "batch tokens cannot be revoked")
            );
        }
        assert_eq!(
            bare(fx.by(&batch, W, "auth/token/revoke-self", json!({}))),
            err(400, "batch tokens cannot be revoked")
        );
        // revoke-orphan needs sudo beyond the ACL's update.
        fx.policy(
            "orph",
            r#"path "auth/token/revoke-orphan" { capabilities = ["update"] }"#,
        );
        let me = fx.create(None, json!({"policies": "orph"}));
        let other = fx.create(None, json!({"policies": "default"}));
        assert_eq!(
            bare(fx.by(&me, W, "auth/token/revoke-orphan", json!({"token": other}))),
            err(400, "root or sudo privileges required to revoke and orphan")
        );
        fx.policy(
            "orph",
            r#"path "auth/token/revoke-orphan" { capabilities = ["update", "sudo"] }"#,
        );
        fx.by(&me, W, "auth/token/revoke-orphan", json!({"token": other}))
            .unwrap();
        assert!(fx.lookup(&other).is_err());
    }

    #[test]
    fn uses_count_down_per_request_and_the_last_one_revokes() {
        let fx = Fx::new();
        let t = fx.create(None, json!({"policies": "default", "num_uses": 3}));
        let uses = |r: Result<Response, ApiError>| r.unwrap().data.unwrap()["num_uses"].clone();
        assert_eq!(
            uses(fx.by(&t, R, "auth/token/lookup-self", json!({}))),
            json!(2)
        );
        // A request its policies refuse spends a use too.
        assert_eq!(
            bare(fx.by(&t, W, "auth/token/create", json!({}))),
            multi(403, "permission denied")
        );
        // The last use: Vault shows -1, then the token is gone.
        assert_eq!(
            uses(fx.by(&t, R, "auth/token/lookup-self", json!({}))),
            json!(-1)
        );
        assert_eq!(
            bare(fx.by(&t, R, "auth/token/lookup-self", json!({}))),
            err(403, "permission denied")
        );
        assert_eq!(
            bare(fx.lookup(&t).map(|_| Response::default())),
            err(403, "bad token")
        );
        // On its last use a token no longer exists for the endpoint itself.
        let one = |fx: &Fx| fx.create(None, json!({"policies": "default", "num_uses": 1}));
        assert_eq!(
            bare(fx.by(&one(&fx), W, "auth/token/renew-self", json!({}))),
            err(400, "token not found")
        );
        assert_eq!(
            bare(fx.by(&one(&fx), W, "sys/capabilities-self", json!({"paths": "x"}))),
            multi(400, "invalid token")
        );
        assert_eq!(
            fx.by(&one(&fx), W, "auth/token/revoke-self", json!({}))
                .unwrap(),
            Response::default()
        );
        // A token with limited uses makes no children.
        let root1 = fx.create(None, json!({"num_uses": 1}));
        assert_eq!(
            bare(fx.by(&root1, W, "auth/token/create", json!({}))),
            err(400, "parent token lookup failed: no parent found")
        );
        let root5 = fx.create(None, json!({"num_uses": 5}));
        assert_eq!(
            bare(fx.by(&root5, W, "auth/token/create", json!({}))),
            err(400, "restricted use token cannot generate child tokens")
        );
    }

    #[test]
    fn dead_and_cidr_bound_callers_are_refused_before_a_use_is_spent() {
        let fx = Fx::new();
        let t = fx.jwt_token(
            json!({"token_num_uses": 5, "token_bound_cidrs": "10.0.0.0/8"}),
            &["10.0.0.0/8"],
        );
        let from = |addr: Option<&str>| {
            fx.send(
                &Request::read("auth/token/lookup-self")
                    .with_caller(Caller::Token(CallerToken::new(t.as_str(), "the test")))
                    .with_remote_addr(addr.map(str::to_string)),
            )
        };
        let e = from(None).unwrap_err();
        assert_eq!(
            (e.code, e.errors.clone()),
            (403, vec!["permission denied".to_string()])
        );
        assert_eq!(e.hints, ["the calling token from the test is bound to [10.0.0.0/8] and JWTVAULT_REMOTE_ADDR is not set"]);
        let e = from(Some("192.0.2.1")).unwrap_err();
        assert_eq!(e.hints, ["the calling token from the test is bound to [10.0.0.0/8]; the client address 192.0.2.1 is outside"]);
        assert_eq!(fx.lookup(&t).unwrap()["num_uses"], json!(5));
        assert_eq!(
            from(Some("10.1.2.3")).unwrap().data.unwrap()["num_uses"],
            json!(4)
        );
        assert_eq!(fx.lookup(&t).unwrap()["bound_cidrs"], json!(["10.0.0.0/8"]));
        // Unknown, expired and revoked callers: a bare 403.
        let short = fx.create(None, json!({"policies": "default", "ttl": "1s"}));
        let gone = fx.create(None, json!({"policies": "default"}));
        fx.op(W, "auth/token/revoke", json!({"token": gone}))
            .unwrap();
        fx.later(2.0);
        for caller in ["jvs.bogus", short.as_str(), gone.as_str()] {
            assert_eq!(
                bare(fx.by(caller, W, "auth/token/lookup", json!({"token": t}))),
                err(403, "permission denied")
            );
        }
    }

    #[test]
    fn create_answers_with_vaults_auth_block_and_warnings() {
        let fx = Fx::new();
        let r = fx
            .op(W, "auth/token/create", json!({"policies": ["x", " B ", "default"], "ttl": "1h", "meta": "k=v", "display_name": "my app_1--", "num_uses": 2}))
            .unwrap();
        assert_eq!(
            r.warnings,
            ["Policy \"b\" does not exist", "Policy \"x\" does not exist"]
        );
        let a = r.auth.unwrap();
        assert!(a.client_token.expose().starts_with("jvs.") && a.accessor.len() == 24);
        assert_eq!(a.policies, ["b", "default", "x"]);
        assert_eq!(
            (a.lease_duration, a.renewable, a.orphan, a.num_uses),
            (3600, true, false, 2)
        );
        assert_eq!(
            (
                a.token_type.as_str(),
                a.metadata.get("k").map(String::as_str)
            ),
            ("service", Some("v"))
        );
        let d = fx.lookup(a.client_token.expose()).unwrap();
        assert_eq!(d["display_name"], json!("token-my-app-1-"));
        // The operator's children inherit root; a TTL-less root token never expires.
        let r = fx.op(W, "auth/token/create", json!({})).unwrap();
        let a = r.auth.unwrap();
        assert_eq!(
            (a.policies.clone(), a.lease_duration, a.renewable),
            (vec!["root".to_string()], 0, false)
        );
        let d = fx.lookup(a.client_token.expose()).unwrap();
        assert_eq!(
            (d["expire_time"].clone(), d["renewable"].clone()),
            (Value::Null, json!(false))
        );
        // Caps and explicit max: Vault's warnings.
        let r = fx
            .op(
                W,
                "auth/token/create",
                json!({"policies": "default", "explicit_max_ttl": "1h"}),
            )
            .unwrap();
        assert_eq!(r.warnings, ["TTL of \"768h\" exceeded the effective max_ttl of \"1h\"; TTL value is capped accordingly"]);
        let r = fx
            .op(
                W,
                "auth/token/create",
                json!({"policies": "default", "period": "2h", "explicit_max_ttl": "1h"}),
            )
            .unwrap();
        assert_eq!(r.warnings, ["period of \"2h\" exceeded the effective max_ttl of \"1h\"; period value is capped accordingly"]);
        let r = fx
            .op(W, "auth/token/create", json!({"explicit_max_ttl": "1h"}))
            .unwrap();
        assert_eq!(
            (r.auth.unwrap().lease_duration, r.warnings.len()),
            (3600, 0)
        );
        // Orphans: no_parent (root or sudo) and create-orphan.
        let o = fx.create(None, json!({"policies": "default", "no_parent": true}));
        assert_eq!(fx.lookup(&o).unwrap()["orphan"], json!(true));
        let r = fx
            .op(
                W,
                "auth/token/create-orphan",
                json!({"policies": "default"}),
            )
            .unwrap();
        let d = fx.lookup(r.auth.unwrap().client_token.expose()).unwrap();
        assert_eq!(
            (d["orphan"].clone(), d["path"].clone()),
            (json!(true), json!("auth/token/create-orphan"))
        );
        // A custom id.
        let r = fx
            .op(W, "auth/token/create", json!({"id": "myroot"}))
            .unwrap();
        assert_eq!(r.auth.unwrap().client_token.expose(), "myroot");
        assert_eq!(fx.lookup("myroot").unwrap()["id"], json!("myroot"));
        // Batch: whole seconds, no accessor, not renewable.
        let r = fx
            .op(
                W,
                "auth/token/create",
                json!({"policies": "default", "type": "batch", "ttl": "5m"}),
            )
            .unwrap();
        let a = r.auth.unwrap();
        assert!(
            a.client_token.expose().starts_with("jvb.") && a.accessor.is_empty() && !a.renewable
        );
        assert_eq!(
            fx.lookup(a.client_token.expose()).unwrap()["issue_time"],
            json!("2027-01-15T08:00:00Z")
        );
    }

    #[test]
    fn create_refuses_as_vault_does() {
        let fx = Fx::new();
        fx.policy(
            "creator",
            r#"path "auth/token/create" { capabilities = ["update"] }"#,
        );
        let me = fx.create(None, json!({"policies": ["creator", "x"]}));
        for (data, want) in [
            (
                json!({"policies": "y"}),
                "child policies must be subset of parent",
            ),
            (
                json!({"policies": "root"}),
                "child policies must be subset of parent",
            ),
            (
                json!({"no_parent": true}),
                "root or sudo privileges required to create orphan token",
            ),
            (
                json!({"period": "1h"}),
                "root or sudo privileges required to create periodic token",
            ),
            (
                json!({"id": "abc"}),
                "root or sudo privileges required to specify token id",
            ),
        ] {
            assert_eq!(
                bare(fx.by(&me, W, "auth/token/create", data.clone())),
                err(400, want),
                "{data}"
            );
        }
        // Without policies the child gets the parent's; `no_default_policy` drops `default`.
        let c = fx.create(Some(&me), json!({}));
        assert_eq!(
            fx.lookup(&c).unwrap()["policies"],
            json!(["creator", "default", "x"])
        );
        let c = fx.create(
            Some(&me),
            json!({"policies": "x", "no_default_policy": true}),
        );
        assert_eq!(fx.lookup(&c).unwrap()["policies"], json!(["x"]));
        let op_err = |data: Value| bare(fx.op(W, "auth/token/create", data));
        for (data, want) in [
            (json!({"type": "batch"}), "batch tokens cannot be root tokens"),
            (json!({"type": "batch", "period": "1h"}), "batch tokens cannot have \"period\" set"),
            (json!({"type": "batch", "num_uses": 1}), "batch tokens cannot have \"num_uses\" set"),
            (json!({"type": "batch", "explicit_max_ttl": "1h"}), "batch tokens cannot have \"explicit_max_ttl\" set"),
            (json!({"type": "foo"}), "invalid 'token_type' value"),
            (json!({"type": "default"}), "invalid 'token_type' value"),
            (json!({"num_uses": -1}), "number of uses cannot be negative"),
            (json!({"ttl": "-1"}), "ttl must be positive"),
            (json!({"period": "-1"}), "period must be positive"),
            (json!({"explicit_max_ttl": "-1"}), "explicit_max_ttl must be positive"),
            (json!({"ttl": "banana"}), "time: invalid duration \"banana\""),
            (json!({"policies": "response-wrapping"}), "cannot assign policy \"response-wrapping\""),
            (json!({"entity_alias": "e"}), "'entity_alias' is only allowed in combination with token role"),
            (json!({"id": "s.abc"}), "custom token ID cannot have the 's.' prefix"),
            (json!({"id": "a.b"}), "custom token ID cannot have a '.' in the value"),
            (json!({"num_uses": "abc"}), "Field validation failed: error converting input for field \"num_uses\": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax"),
            (json!({"policies": [{"a": 1}]}), "Field validation failed: error converting input for field \"policies\": decoding failed due to the following error(s):\n\n'[0]' expected type 'string', got unconvertible type 'map[string]interface {}'"),
        ] {
            assert_eq!(op_err(data.clone()), err(400, want), "{data}");
        }
        // Go's `switch`: once `explicit_max_ttl` is given (zero), `num_uses` is not looked at.
        assert!(fx.op(W, "auth/token/create", json!({"policies": "default", "type": "batch", "explicit_max_ttl": "0", "num_uses": 3})).is_ok());
        fx.create(None, json!({"id": "dup"}));
        assert_eq!(
            op_err(json!({"id": "dup"})),
            err(400, "cannot create a token with a duplicate ID")
        );
        // A batch token makes no tokens; an expiring root token no eternal one.
        let b = fx.create(None, json!({"policies": "creator", "type": "batch"}));
        assert_eq!(
            bare(fx.by(&b, W, "auth/token/create", json!({}))),
            err(400, "batch tokens cannot create more tokens")
        );
        let r = fx.create(None, json!({"ttl": "1h"}));
        assert_eq!(
            bare(fx.by(&r, W, "auth/token/create", json!({}))),
            err(
                400,
                "expiring root tokens cannot create non-expiring root tokens"
            )
        );
    }

    #[test]
    fn a_child_inherits_its_parents_entity_and_cidrs() {
        let fx = Fx::new();
        fx.policy(
            "creator",
            r#"path "auth/token/create" { capabilities = ["update"] }"#,
        );
        let t = fx.jwt_token(json!({"token_policies": "creator"}), &["10.0.0.0/8"]);
        let c = fx
            .send(
                &Request::write("auth/token/create", obj(json!({"ttl": "10m"})))
                    .with_caller(Caller::Token(CallerToken::new(t.as_str(), "the test")))
                    .with_remote_addr(Some("10.0.0.1".into())),
            )
            .unwrap()
            .auth
            .unwrap();
        let (p, c) = (
            fx.lookup(&t).unwrap(),
            fx.lookup(c.client_token.expose()).unwrap(),
        );
        assert_eq!(c["entity_id"], p["entity_id"]);
        assert_ne!(c["entity_id"], json!(""));
        assert_eq!(c["bound_cidrs"], json!(["10.0.0.0/8"]));
        assert_eq!(c["policies"], json!(["creator", "default"]));
    }
}
