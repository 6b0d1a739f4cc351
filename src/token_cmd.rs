//! `token lookup|renew|revoke|capabilities` (cli-reference §4.8–§4.11).
//!
//! The operator (whoever opens the state file) acts with root rights: a token given as an
//! argument is looked at, not used. A token taken from `JWTVAULT_TOKEN` or the helper file is
//! the caller: it is checked and spends one of its uses, as Vault's `*-self` endpoints do.

use std::collections::BTreeMap;

use crate::acl;
use crate::api::{ApiError, Response};
use crate::cli::{PositionalArgs, TokenCommand, TokenLookupArgs, TokenRenewArgs, TokenRevokeArgs};
use crate::commands::{self, expect_args, print, Run};
use crate::error::Error;
use crate::output;
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

/// The caller's token, or Vault's 403 when there is none.
fn caller(run: &Run, context: &str) -> Result<String, Error> {
    commands::caller_token(run)?.ok_or_else(|| {
        Error::api(
            context,
            ApiError::permission_denied().with_hint(
                "no token: give TOKEN, set JWTVAULT_TOKEN, or run `jwtvault login` to store one",
            ),
        )
    })
}

/// Uses the caller's token: missing, expired, revoked or used up is `permission denied`.
fn use_caller(store: &Store, raw: &str, now: f64) -> Result<Found, ApiError> {
    token::use_token(store, raw, now)
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
    let store = run.open()?;
    let (found, raw) = if a.accessor {
        let f = token::find_by_accessor(&store, &a.args[0], now)
            .map_err(|e| Error::api(CTX, e))?
            .ok_or_else(|| Error::api(CTX, multi(400, "invalid accessor")))?;
        (f, None)
    } else if let Some(t) = a.args.first() {
        (
            token::require(&store, t, now).map_err(|e| Error::api(CTX, e))?,
            Some(t.clone()),
        )
    } else {
        let t = caller(run, CTX)?;
        (
            use_caller(&store, &t, now).map_err(|e| Error::api(CTX, e))?,
            Some(t),
        )
    };
    let idp = identity::identity_policies(&store, &found.entry.entity_id)
        .map_err(|e| Error::api(CTX, e))?;
    store.commit()?;
    let data = token::lookup_data(&found, raw.as_deref(), &idp, now);
    let resp = Response {
        request_id: crate::ids::uuid(),
        data: Some(data),
        ..Response::default()
    };
    if let Some(f) = &a.field {
        return print::print_field(run, &resp, f);
    }
    print::print_secret(run, &resp);
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
    let now = Ctx::now_secs();
    let store = run.open()?;
    let (mut found, raw) = if a.accessor {
        let acc = a
            .args
            .first()
            .ok_or_else(|| Error::Usage("Not enough arguments (expected 1, got 0)".into()))?;
        let f = token::find_by_accessor(&store, acc, now)
            .map_err(|e| Error::api(CTX, e))?
            .ok_or_else(|| Error::api(CTX, multi(400, "invalid accessor")))?;
        (f, None)
    } else if let Some(t) = a.args.first() {
        // `auth/token/renew` with a token that does not exist (or has expired).
        let f = token::find(&store, t, now)
            .map_err(|e| Error::api(CTX, e))?
            .ok_or_else(|| Error::api(CTX, ApiError::bad_request("token not found")))?;
        (f, Some(t.clone()))
    } else {
        let t = caller(run, CTX)?;
        let f = use_caller(&store, &t, now).map_err(|e| Error::api(CTX, e))?;
        if f.entry.num_uses == -1 {
            // The request spent the last use: Vault revokes the token before the renewal
            // runs, which then no longer finds it.
            store.commit()?;
            return Err(Error::api(CTX, ApiError::bad_request("token not found")));
        }
        (f, Some(t))
    };
    let warnings = match renew_entry(&store, &mut found, increment, now) {
        Ok(w) => w,
        Err(e) => {
            // A caller's use is spent even when the renewal fails, as in Vault.
            store.commit()?;
            return Err(Error::api(CTX, e));
        }
    };
    store.update_token(&found.hash, &found.entry)?;
    let idp = identity::identity_policies(&store, &found.entry.entity_id)
        .map_err(|e| Error::api(CTX, e))?;
    store.commit()?;
    let lease = found
        .entry
        .expire_time
        .map(|x| (x - now).round() as i64)
        .unwrap_or(0);
    let resp = Response {
        request_id: crate::ids::uuid(),
        auth: Some(found.entry.auth(raw.unwrap_or_default(), idp, lease)),
        warnings,
        ..Response::default()
    };
    if let Some(f) = &a.field {
        return print::print_field(run, &resp, f);
    }
    print::print_secret(run, &resp);
    Ok(())
}

/// A go-multierror string as Vault's HTTP layer returns it for errors that are not a backend's
/// `ErrorResponse` (e.g. `invalid accessor`, `invalid token`, renewal failures).
fn multi(code: u16, msg: impl std::fmt::Display) -> ApiError {
    ApiError {
        code,
        errors: vec![format!("1 error occurred:\n\t* {msg}\n\n")],
        hints: Vec::new(),
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
    let store = run.open()?;
    if mode == "path" {
        store.delete_tokens_with_prefix(&commands::sanitize_path(&a.args[0]))?;
    } else if a.accessor {
        if let Some(f) =
            token::find_by_accessor(&store, &a.args[0], now).map_err(|e| Error::api(CTX, e))?
        {
            store.delete_token(&f.hash)?;
        }
    } else {
        let raw = if a.self_ {
            caller(run, CTX)?
        } else {
            a.args[0].clone()
        };
        let found = if a.self_ {
            Some(token::use_token(&store, &raw, now).map_err(|e| Error::api(CTX, e))?)
        } else {
            token::find(&store, &raw, now).map_err(|e| Error::api(CTX, e))?
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
    store.commit()?;
    print::out("Success! Revoked token (if it existed)\n");
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

/// The capabilities of a token on a path: its policies plus its identity policies, with
/// templated paths filled from its entity. Policies that do not exist are ignored.
pub fn token_capabilities(store: &Store, f: &Found, path: &str) -> Result<Vec<String>, ApiError> {
    let mut names = f.entry.policies.clone();
    names.extend(identity::identity_policies(store, &f.entry.entity_id)?);
    if names.iter().any(|n| n == "root") {
        return Ok(vec!["root".into()]);
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
    let acl = acl::build_acl(&policies, entity.as_ref());
    Ok(acl.capabilities(&commands::sanitize_path(path)))
}

fn capabilities(run: &Run, a: PositionalArgs) -> Result<(), Error> {
    const CTX: &str = "Error listing capabilities";
    expect_args(&a.args, 1, 2)?;
    let now = Ctx::now_secs();
    let store = run.open()?;
    let (found, path) = if a.args.len() == 2 {
        // `sys/capabilities` with a token that does not exist (or has expired).
        let f = token::find(&store, &a.args[0], now)
            .map_err(|e| Error::api(CTX, e))?
            .ok_or_else(|| Error::api(CTX, multi(400, "invalid token")))?;
        (f, a.args[1].clone())
    } else {
        let t = caller(run, CTX)?;
        (
            use_caller(&store, &t, now).map_err(|e| Error::api(CTX, e))?,
            a.args[0].clone(),
        )
    };
    let caps = token_capabilities(&store, &found, &path).map_err(|e| Error::api(CTX, e))?;
    store.commit()?;
    if caps.is_empty() {
        return Err(Error::Usage("No capabilities found".into()));
    }
    print::out(&output::capabilities(&caps, run.format));
    Ok(())
}
