//! `auth/<mount>/login`: Vault's JWT login pipeline, in Vault's order (vault-jwt-reference §4),
//! then Vault core's token issuance and identity bookkeeping.
//!
//! Keys come only from the state file. When the cached keys fail to verify a token and the
//! mount has a key URL, the handler claims one refetch ([`keycache::claim_refetch`]) and answers
//! with it as a plan ([`Outcome::NeedsFetch`]): the command layer uses the network outside the
//! state file's write lock, and calls the login again, once, with what the refetch did.

use std::net::IpAddr;

use serde_json::{Map, Value};

use crate::api::{ApiError, Response};
use crate::claims::{self, AudienceRule, Expected, IdentityRules, LoginRules, Trace};
use crate::fields;
use crate::keycache::{self, Claim, Fetched, KeySource, Plan};
use crate::keys;
use crate::paths::config;
use crate::paths::identity;
use crate::paths::role::{self, Role};
use crate::paths::{Answer, Ctx, Outcome};
use crate::store::{MountRow, Store};
use crate::token::{self, IssueRequest};
use crate::verify::{self, KeySet};

/// Tokens larger than this are refused before any parsing (contract §4).
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

fn fail(trace: &mut Trace, step: &str, err: ApiError) -> ApiError {
    let detail = if err.hints.is_empty() {
        err.errors.join("; ")
    } else {
        err.hints.join("; ")
    };
    trace.failed(step, detail);
    err
}

/// `write auth/<mount>/login role=R jwt=T [remote_addr=IP]`. `fetched`: what the refetch this
/// login asked for on its first call did (the second call asks for none). With `-explain`, the
/// answer carries the rendered trace.
pub fn write(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    body: &Map<String, Value>,
    fetched: Option<&Fetched>,
) -> Answer {
    // Without -explain only the failed check is kept: formatting every passed step would
    // cost more than parsing the token (benches/verify.rs).
    let mut trace = if ctx.explain {
        Trace::new()
    } else {
        Trace::quiet()
    };
    let result = login(store, ctx, mount, body, fetched, &mut trace);
    Answer {
        result,
        trace: ctx.explain.then(|| trace.render()),
    }
}

fn login(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    body: &Map<String, Value>,
    fetched: Option<&Fetched>,
    trace: &mut Trace,
) -> Result<Outcome, ApiError> {
    let role_in = body
        .get("role")
        .map(|v| fields::string("role", v))
        .transpose()?
        .unwrap_or_default();
    let jwt = body
        .get("jwt")
        .map(|v| fields::string("jwt", v))
        .transpose()?
        .unwrap_or_default();
    let remote = body
        .get("remote_addr")
        .map(|v| fields::string("remote_addr", v))
        .transpose()?;

    // 1. Config.
    let Some(cfg) = config::load(store, mount)? else {
        return Err(fail(
            trace,
            "config",
            ApiError::bad_request("could not load configuration"),
        ));
    };
    trace.pass("config", || format!("mount {}", mount.path));

    // 2. Role.
    let role_name = if role_in.is_empty() {
        cfg.default_role.clone()
    } else {
        role_in.to_lowercase()
    };
    if role_name.is_empty() {
        return Err(fail(
            trace,
            "role",
            ApiError::bad_request("missing role")
                .with_hint("give role=NAME (or --role), or set default_role on the config"),
        ));
    }
    let Some(role) = role::load(store, mount, &role_name)? else {
        let known = store.list_roles(&mount.accessor)?;
        let err = ApiError::bad_request(format!("role \"{role_name}\" could not be found"));
        let err = if known.is_empty() {
            err.with_hint(format!("mount {} has no roles", mount.path))
        } else {
            err.with_hint(format!(
                "roles on mount {}: {}",
                mount.path,
                known.join(", ")
            ))
        };
        return Err(fail(trace, "role", err));
    };
    trace.pass("role", &role_name);

    // 3. Role type.
    if role.role_type == "oidc" {
        return Err(fail(
            trace,
            "role type",
            ApiError::bad_request("role with oidc role_type is not allowed"),
        ));
    }

    trace.pass("role type", role.role_type.as_str());

    // 4. Token presence (and jwtvault's size limit, before any parsing).
    if jwt.is_empty() {
        return Err(fail(trace, "token", ApiError::bad_request("missing token")));
    }
    if jwt.len() > MAX_TOKEN_BYTES {
        return Err(fail(
            trace,
            "token",
            ApiError::bad_request(format!(
                "error validating token: token is {} bytes; at most {MAX_TOKEN_BYTES} bytes are accepted",
                jwt.len()
            )),
        ));
    }

    trace.pass("token", || format!("{} bytes", jwt.len()));

    // 5. Bound CIDRs against the caller's address.
    if role.token_bound_cidrs.is_empty() {
        trace.pass("bound cidrs", "no token_bound_cidrs: not checked");
    } else {
        check_cidrs(
            &role,
            remote.as_deref().or(ctx.remote_addr.as_deref()),
            trace,
        )?;
    }

    // 6–8. Validator, signature, algorithm.
    let allowed = cfg.allowed_algs();
    let source = cfg.key_source();
    // What this login's refetch did: given on the second call, or decided here when the
    // spacing skipped every URL.
    let mut refetch = fetched.and_then(Fetched::refetch).cloned();
    let verified = match &source {
        KeySource::Unsupported => {
            return Err(fail(
                trace,
                "keys",
                ApiError::bad_request("error configuring token validator: unsupported config type").with_hint(
                    "JWT login cannot use a config with oidc_client_id and oidc_client_secret; use a separate mount",
                ),
            ))
        }
        KeySource::Static => {
            let mut parsed = Vec::new();
            for pem in &cfg.jwt_validation_pubkeys {
                parsed.push(
                    keys::parse_pem(pem)
                        .map_err(|e| ApiError::internal(format!("error parsing public key: {e}")))?,
                );
            }
            verify::verify(&jwt, KeySet::Static(&parsed), &allowed).map_err(keycache::KeyError::from)
        }
        source => {
            let sets = keycache::key_sets(store, mount, source)?;
            let res = keycache::verify_with_sets(&jwt, source, &sets, &allowed);
            match &res {
                // One refetch per login, never with the network off.
                Err(e) if e.key_not_found && fetched.is_none() && !ctx.offline => {
                    match keycache::claim_refetch(store, mount, source, ctx.now)? {
                        Some(Claim::Fetch(plan)) => {
                            return Ok(Outcome::NeedsFetch(Plan::Refetch(plan)))
                        }
                        Some(Claim::Skipped(report)) => refetch = Some(report),
                        None => {}
                    }
                }
                _ => {}
            }
            res
        }
    };
    let verified = match verified {
        Ok(v) => v,
        Err(e) => {
            let mut err = ApiError::bad_request(e.message);
            err.hints.extend(e.hints);
            if e.key_not_found && source != KeySource::Static {
                keycache::explain_key_failure(refetch.as_ref(), ctx.offline, mount, &mut err);
            }
            return Err(fail(trace, "signature", err));
        }
    };
    trace.pass("signature", || {
        format!("alg {} verified", verified.alg.as_str())
    });

    // 10–23. Registered claims, strict audience, identity, bound claims, alias name.
    let from_config = role.audiences().is_empty();
    let bound_audiences: &[String] = if from_config {
        &cfg.token_audiences
    } else {
        role.audiences()
    };
    let rules = LoginRules {
        expected: Expected {
            bound_issuer: &cfg.bound_issuer,
            bound_subject: &role.bound_subject,
            bound_audiences,
            audiences_from_config: from_config && !cfg.token_audiences.is_empty(),
            clock_skew_leeway: role.clock_skew_leeway,
            expiration_leeway: role.expiration_leeway,
            not_before_leeway: role.not_before_leeway,
        },
        // OpenBao's observed rule (a string `aud`, even "", needs bound audiences).
        audience_rule: AudienceRule::OpenBao,
        identity: IdentityRules {
            role_name: &role_name,
            user_claim: &role.user_claim,
            user_claim_json_pointer: role.user_claim_json_pointer,
            groups_claim: &role.groups_claim,
            claim_mappings: role.claim_mappings.as_ref(),
        },
        bound_claims: role.bound_claims.as_ref(),
        bound_claims_glob: role.bound_claims_type == "glob",
    };
    let ident =
        claims::check_claims(&verified.claims, &rules, ctx.now, trace).map_err(|e| ApiError {
            code: e.status,
            errors: vec![e.message],
            hints: e.hint,
            explain: None,
        })?;

    let who = identity::on_login(
        store,
        mount,
        &ident.alias_name,
        &ident.metadata,
        &ident.groups,
        ctx.now,
    )?;
    let display_name = format!(
        "{}-{}",
        mount.path.trim_end_matches('/').replace('/', "-"),
        ident.alias_name
    )
    .trim_end_matches('-')
    .to_string();
    let issued = token::issue(
        store,
        IssueRequest {
            mount,
            role_name: &role_name,
            policies: &role.token_policies,
            no_default_policy: role.token_no_default_policy,
            ttl: role.token_ttl,
            max_ttl: role.token_max_ttl,
            explicit_max_ttl: role.token_explicit_max_ttl,
            period: role.token_period,
            num_uses: role.token_num_uses,
            token_type: &role.token_type,
            bound_cidrs: &role.token_bound_cidrs,
            display_name,
            metadata: ident.metadata.clone(),
            entity_id: who.entity_id,
            identity_policies: who.identity_policies,
            now: ctx.now,
        },
    )?;
    trace.pass("token", || {
        format!("issued with policies {:?}", issued.auth.policies)
    });
    Ok(Outcome::Done(Response {
        auth: Some(issued.auth),
        // OpenBao's login JSON has no `mount_type` member (HashiCorp Vault ≥1.14 adds one).
        warnings: issued.warnings,
        ..Response::default()
    }))
}

/// `token_bound_cidrs`: no address, or one outside every block, is a bare `permission denied`.
fn check_cidrs(role: &Role, remote: Option<&str>, trace: &mut Trace) -> Result<(), ApiError> {
    let cidrs = role.token_bound_cidrs.join(", ");
    let Some(addr) = remote.filter(|a| !a.is_empty()) else {
        return Err(fail(
            trace,
            "bound cidrs",
            ApiError::permission_denied()
                .with_hint(format!(
                    "role binds token_bound_cidrs [{cidrs}] but no remote address was given"
                ))
                .with_hint("pass remote_addr=IP or set JWTVAULT_REMOTE_ADDR"),
        ));
    };
    let ip: Option<IpAddr> = addr.trim().parse().ok();
    let inside = ip.is_some_and(|ip| {
        role.token_bound_cidrs
            .iter()
            .any(|c| match c.parse::<ipnet::IpNet>() {
                Ok(net) => net.contains(&ip),
                Err(_) => c.parse::<IpAddr>().is_ok_and(|one| one == ip),
            })
    });
    if !inside {
        return Err(fail(
            trace,
            "bound cidrs",
            ApiError::permission_denied().with_hint(format!(
                "remote address {addr} is outside token_bound_cidrs [{cidrs}]"
            )),
        ));
    }
    trace.pass("bound cidrs", || format!("{addr} within [{cidrs}]"));
    Ok(())
}
