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
    let on = |ops: &[Operation], handler: &dyn Fn() -> Result<Response, ApiError>| {
        if ops.contains(&call.req.operation) {
            handler()
        } else {
            Err(ApiError::multi(405, "unsupported operation"))
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
