//! `auth/<mount>/login`: Vault's JWT login pipeline, in Vault's order (vault-jwt-reference §4),
//! then Vault core's token issuance and identity bookkeeping.
//!
//! Keys come only from the state file. When the cached keys fail to verify a token and the
//! mount has a key URL, the handler claims one refetch ([`keycache::claim_refetch`]) and answers
//! with it as a plan ([`Outcome::NeedsFetch`]): the command layer uses the network outside the
//! state file's write lock, and calls the login again, once, with what the refetch did.
//!
//! A login that passes every check has written nothing yet: it answers with its write as a job
//! ([`Outcome::Write`]) holding what it prepared (the identity from the claims, the token drawn
//! from the CSPRNG with its policies and TTL). The job makes the entity, alias and group
//! bookkeeping and stores the token; the command line runs it at once in the same transaction,
//! the server on its writer, batched with other logins, after a check that the mount row, the
//! config and the role are still the ones the login was checked against (else the whole login
//! runs again there).

use std::net::IpAddr;

use serde_json::{Map, Value};

use crate::api::{ApiError, Response};
use crate::claims::{self, AudienceRule, Expected, IdentityRules, LoginRules, Trace};
use crate::framework::{FieldData, FieldSchema, FieldType};
use crate::keycache::{self, Claim, Fetched, KeySource, Plan};
use crate::keys;
use crate::paths::config::Config;
use crate::paths::identity;
use crate::paths::role::Role;
use crate::paths::ReadsFrom;
use crate::paths::{Answer, Ctx, Outcome, WriteJob};
use crate::store::{MountRow, Store, StoreError};
use crate::token::{self, IssueRequest};
use crate::verify::{self, Alg, KeySet, Verified};

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
    let result = match login(store, ctx, mount, body, fetched, &mut trace) {
        Ok(Checked::Passed(prepared)) => {
            let job = move |store: &Store, ctx: &Ctx, when: ReadsFrom| {
                prepared.write(store, ctx, when, trace)
            };
            return Ok(Outcome::Write(WriteJob::new(job))).into();
        }
        Ok(Checked::NeedsFetch(plan)) => Ok(Outcome::NeedsFetch(plan)),
        Err(e) => Err(e),
    };
    Answer {
        result,
        trace: ctx.explain.then(|| trace.render()),
    }
}

/// How far a login's checks went without failing.
enum Checked {
    /// Every check passed: what is left is the write.
    Passed(Box<Prepared>),
    /// The cached keys verified nothing: the keys must be fetched first (the login's refetch).
    NeedsFetch(Plan),
}

/// A login that passed every check, ready to be written: what it was checked against (to see
/// that it still holds when the write runs), the identity from the claims, and its token.
struct Prepared {
    mount: MountRow,
    /// The config and role rows as stored when they were read.
    config_json: String,
    role_json: String,
    role_name: String,
    ident: claims::Identity,
    /// The token, or Vault's refusal of its policies (reported after the identity
    /// bookkeeping, where Vault core finds it).
    token: Result<token::Prepared, ApiError>,
}

impl Prepared {
    /// The write of a login (Vault core's entity and token bookkeeping), in the write
    /// transaction, at its time. `None`: the mount, config or role changed since the login
    /// was checked in an earlier transaction; it must run again from the start.
    fn write(self, store: &Store, ctx: &Ctx, when: ReadsFrom, mut trace: Trace) -> Option<Answer> {
        if when == ReadsFrom::EarlierTransaction {
            match self.unchanged(store) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => return Some(Err(e).into()),
            }
        }
        let result = self.issue(store, ctx, &mut trace).map(Outcome::Done);
        Some(Answer {
            result,
            trace: ctx.explain.then(|| trace.render()),
        })
    }

    fn unchanged(&self, store: &Store) -> Result<bool, ApiError> {
        let acc = &self.mount.accessor;
        Ok(
            store.get_mount(&self.mount.path)?.as_ref() == Some(&self.mount)
                && store.config_json(acc)?.as_deref() == Some(self.config_json.as_str())
                && store.role_json(acc, &self.role_name)?.as_deref()
                    == Some(self.role_json.as_str()),
        )
    }

    /// §4.12–4.13: the identity the login establishes (`identity::on_login`), then the token
    /// Vault core issues with the role's token settings.
    fn issue(self, store: &Store, ctx: &Ctx, trace: &mut Trace) -> Result<Response, ApiError> {
        let who = identity::on_login(
            store,
            &self.mount,
            &self.ident.alias_name,
            &self.ident.metadata,
            &self.ident.groups,
            ctx.now,
        )?;
        let issued = self
            .token?
            .store(store, who.entity_id, who.identity_policies, ctx.now)?;
        trace.pass("token", || {
            format!("issued with policies {:?}", issued.auth.policies)
        });
        Ok(Response {
            auth: Some(issued.auth),
            // OpenBao's login JSON has no `mount_type` member (HashiCorp Vault ≥1.14 adds one).
            warnings: issued.warnings,
            ..Response::default()
        })
    }
}

/// Vault's JWT login (vault-jwt-reference §4), one stage per step in Vault's order, each
/// named after it; the first failure ends the login.
fn login(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    body: &Map<String, Value>,
    fetched: Option<&Fetched>,
    trace: &mut Trace,
) -> Result<Checked, ApiError> {
    let input = LoginInput::parse(body)?;
    let (cfg, config_json) = load_config(store, mount, trace)?;
    let role = resolve_role(store, mount, &cfg, &input.role, trace)?;
    check_role_type(&role.role, trace)?;
    check_token(&input.jwt, trace)?;
    let remote = input.remote_addr.as_deref().or(ctx.remote_addr.as_deref());
    check_bound_cidrs(&role.role, remote, trace)?;
    let verified = match verify_signature(store, ctx, mount, &cfg, &input.jwt, fetched, trace)? {
        Signature::Verified(v) => v,
        Signature::NeedsFetch(plan) => return Ok(Checked::NeedsFetch(plan)),
    };
    let ident = validate_claims(&cfg, &role, &verified, ctx.now, trace)?;
    let token = prepare_token(mount, &role, &ident);
    Ok(Checked::Passed(Box::new(Prepared {
        mount: mount.clone(),
        config_json,
        role_json: role.json,
        role_name: role.name,
        ident,
        token,
    })))
}

/// The login's fields, converted in this order.
const LOGIN_FIELDS: &[FieldSchema] = &[
    FieldSchema::new("role", FieldType::String),
    FieldSchema::new("jwt", FieldType::String),
    // jwtvault's: the caller's address, when the request does not carry one.
    FieldSchema::new("remote_addr", FieldType::String),
];

/// What a login request gives.
struct LoginInput {
    role: String,
    jwt: String,
    remote_addr: Option<String>,
}

impl LoginInput {
    fn parse(body: &Map<String, Value>) -> Result<LoginInput, ApiError> {
        let d = FieldData::parse(body, &[LOGIN_FIELDS])?;
        Ok(LoginInput {
            role: d.string_or_default("role"),
            jwt: d.string_or_default("jwt"),
            remote_addr: d.string("remote_addr"),
        })
    }
}

/// A stored record, decoded as the store decodes it.
fn decode<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, ApiError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")).into())
}

/// §4.1: the mount's config (as [`crate::paths::config::load`] reads it), and its row as stored.
fn load_config(
    store: &Store,
    mount: &MountRow,
    trace: &mut Trace,
) -> Result<(Config, String), ApiError> {
    let Some(json) = store.config_json(&mount.accessor)? else {
        return Err(fail(
            trace,
            "config",
            ApiError::bad_request("could not load configuration"),
        ));
    };
    let cfg = decode("config", &json)?;
    trace.pass("config", || format!("mount {}", mount.path));
    Ok((cfg, json))
}

/// A role, the name it was found by, and its row as stored.
struct NamedRole {
    name: String,
    role: Role,
    json: String,
}

/// §4.2: the role named by the request (lower-cased), else the config's `default_role`.
fn resolve_role(
    store: &Store,
    mount: &MountRow,
    cfg: &Config,
    role_in: &str,
    trace: &mut Trace,
) -> Result<NamedRole, ApiError> {
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
    let Some(json) = store.role_json(&mount.accessor, &role_name)? else {
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
    let role: Role = decode("role", &json)?;
    trace.pass("role", &role_name);
    Ok(NamedRole {
        name: role_name,
        role,
        json,
    })
}

/// §4.3: only `jwt` roles log in here.
fn check_role_type(role: &Role, trace: &mut Trace) -> Result<(), ApiError> {
    if role.role_type == "oidc" {
        return Err(fail(
            trace,
            "role type",
            ApiError::bad_request("role with oidc role_type is not allowed"),
        ));
    }
    trace.pass("role type", role.role_type.as_str());
    Ok(())
}

/// §4.4: token presence, and jwtvault's size limit before any parsing.
fn check_token(jwt: &str, trace: &mut Trace) -> Result<(), ApiError> {
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
    Ok(())
}

/// §4.5: the role's `token_bound_cidrs` against the caller's address.
fn check_bound_cidrs(role: &Role, remote: Option<&str>, trace: &mut Trace) -> Result<(), ApiError> {
    if role.token_bound_cidrs.is_empty() {
        trace.pass("bound cidrs", "no token_bound_cidrs: not checked");
        return Ok(());
    }
    check_cidrs(role, remote, trace)
}

/// What the signature stage found.
enum Signature {
    Verified(Verified),
    /// The cached keys verified nothing: the keys must be fetched first (the login's refetch).
    NeedsFetch(Plan),
}

/// §4.6–4.8.2: the validator for the config's key source, the signature, the algorithm.
/// With JWKS keys, a token no cached key verifies asks for one refetch per login
/// ([`keycache::claim_refetch`]), never with the network off.
fn verify_signature(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    cfg: &Config,
    jwt: &str,
    fetched: Option<&Fetched>,
    trace: &mut Trace,
) -> Result<Signature, ApiError> {
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
        KeySource::Static => verify_static(cfg, jwt, &allowed)?,
        source => {
            let sets = keycache::key_sets(store, mount, source)?;
            let res = keycache::verify_with_sets(jwt, source, &sets, &allowed);
            match &res {
                Err(e) if e.key_not_found && fetched.is_none() && !ctx.offline => {
                    match keycache::claim_refetch(store, mount, source, ctx.now)? {
                        Some(Claim::Fetch(plan)) => {
                            return Ok(Signature::NeedsFetch(Plan::Refetch(plan)))
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
    match verified {
        Ok(v) => {
            trace.pass("signature", || format!("alg {} verified", v.alg.as_str()));
            Ok(Signature::Verified(v))
        }
        Err(e) => {
            let mut err = ApiError::bad_request(e.message);
            err.hints.extend(e.hints);
            if e.key_not_found && source != KeySource::Static {
                keycache::explain_key_failure(refetch.as_ref(), ctx.offline, mount, &mut err);
            }
            Err(fail(trace, "signature", err))
        }
    }
}

/// The configured PEM keys, tried in order.
fn verify_static(
    cfg: &Config,
    jwt: &str,
    allowed: &[Alg],
) -> Result<Result<Verified, keycache::KeyError>, ApiError> {
    let mut parsed = Vec::new();
    for pem in &cfg.jwt_validation_pubkeys {
        parsed.push(
            keys::parse_pem(pem)
                .map_err(|e| ApiError::internal(format!("error parsing public key: {e}")))?,
        );
    }
    Ok(verify::verify(jwt, KeySet::Static(&parsed), allowed).map_err(keycache::KeyError::from))
}

/// §4.8.3–4.11: registered claims and times, the strict audience check, the identity (user
/// claim, claim mappings, groups) and the bound claims (`claims::check_claims`).
fn validate_claims(
    cfg: &Config,
    named: &NamedRole,
    verified: &Verified,
    now: f64,
    trace: &mut Trace,
) -> Result<claims::Identity, ApiError> {
    let role = &named.role;
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
            role_name: &named.name,
            user_claim: &role.user_claim,
            user_claim_json_pointer: role.user_claim_json_pointer,
            groups_claim: &role.groups_claim,
            claim_mappings: role.claim_mappings.as_ref(),
        },
        bound_claims: role.bound_claims.as_ref(),
        bound_claims_glob: role.bound_claims_type == "glob",
    };
    claims::check_claims(&verified.claims, &rules, now, trace).map_err(|e| ApiError {
        code: e.status,
        errors: vec![e.message],
        hints: e.hint,
        explain: None,
    })
}

/// §4.12: the token Vault core will issue with the role's token settings: its value and
/// accessor drawn, its policies, type and TTL decided (stored by [`Prepared::issue`]).
fn prepare_token(
    mount: &MountRow,
    named: &NamedRole,
    ident: &claims::Identity,
) -> Result<token::Prepared, ApiError> {
    let role = &named.role;
    let display_name = format!(
        "{}-{}",
        mount.path.trim_end_matches('/').replace('/', "-"),
        ident.alias_name
    )
    .trim_end_matches('-')
    .to_string();
    token::prepare(IssueRequest {
        mount,
        role_name: &named.name,
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
        // Set when the token is stored (`token::Prepared::store`).
        entity_id: String::new(),
        identity_policies: Vec::new(),
        now: 0.0,
    })
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

/// `auth/<mount>/login` through the router: keys made and tokens signed with `jwt_tools`.
#[cfg(test)]
mod router_tests {
    use serde_json::{json, Map, Value};

    use crate::api::{ApiError, Request, Response};
    use crate::jwt_tools::{make_keys, sign_claims};
    use crate::paths::testutil::{bad_request, failure, now, object, KeyServer, TestState};
    use crate::verify::Alg;

    const LOGIN: &str = "auth/jwt/login";

    /// A signing key: its private PEM, public PEM and JWKS.
    struct Key {
        private: String,
        public: String,
        jwks: Value,
    }

    fn key(kid: &str) -> Key {
        let (private, public, jwks) = make_keys(Alg::ES256, Some(kid)).unwrap();
        Key {
            private,
            public,
            jwks,
        }
    }

    /// A token signed by `key` with `claims`, `iat` now and `exp` in an hour unless given.
    fn token(key: &Key, claims: Value) -> String {
        sign_claims(
            Alg::ES256,
            &key.private,
            Some("k1"),
            object(claims),
            3600,
            now(),
        )
        .unwrap()
    }

    /// A mount `jwt/` whose config trusts `key` (static PEM), and a role `dev` bound to the
    /// audience `api`, logging in `sub`.
    fn state_with(key: &Key) -> TestState {
        let s = TestState::offline();
        s.enable_jwt("jwt");
        s.write(
            "auth/jwt/config",
            json!({"jwt_validation_pubkeys": [key.public]}),
        )
        .unwrap();
        s.write(
            "auth/jwt/role/dev",
            json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "api",
                   "token_policies": "dev", "claim_mappings": {"team": "team"}}),
        )
        .unwrap();
        s
    }

    fn login(s: &TestState, body: Value) -> Result<Response, ApiError> {
        s.write(LOGIN, body)
    }

    #[test]
    fn a_valid_token_gets_a_token_and_an_entity() {
        let k = key("k1");
        let s = state_with(&k);
        let jwt = token(&k, json!({"sub": "alice", "aud": "api", "team": "blue"}));
        let auth = login(&s, json!({"role": "Dev", "jwt": jwt}))
            .unwrap()
            .auth
            .unwrap();
        assert_eq!(auth.policies, ["default", "dev"]);
        assert_eq!(auth.token_policies, ["default", "dev"]);
        assert_eq!(
            auth.metadata.into_iter().collect::<Vec<_>>(),
            [
                ("role".into(), "dev".into()),
                ("team".into(), "blue".into())
            ]
        );
        assert_eq!(auth.lease_duration, 768 * 3600);
        assert!(auth.renewable && auth.orphan);
        assert_eq!(auth.token_type, "service");
        // The entity behind the alias is found again on the next login.
        let again = login(&s, json!({"role": "dev", "jwt": jwt}))
            .unwrap()
            .auth
            .unwrap();
        assert_eq!(again.entity_id, auth.entity_id);
        let entity = s.read_data(&format!("identity/entity/id/{}", auth.entity_id));
        assert_eq!(entity["aliases"][0]["name"], json!("alice"));
        assert_eq!(entity["aliases"][0]["mount_path"], json!("auth/jwt/"));
    }

    #[test]
    fn the_configs_default_role_is_used_when_none_is_named() {
        let k = key("k1");
        let s = state_with(&k);
        s.write(
            "auth/jwt/config",
            json!({"jwt_validation_pubkeys": [k.public], "default_role": "DEV"}),
        )
        .unwrap();
        let jwt = token(&k, json!({"sub": "alice", "aud": "api"}));
        let auth = login(&s, json!({"jwt": jwt})).unwrap().auth.unwrap();
        assert_eq!(auth.metadata["role"], "dev");
    }

    #[test]
    fn refusals_follow_vaults_catalogue() {
        let k = key("k1");
        let other = key("k1");
        let s = state_with(&k);
        let good = json!({"sub": "alice", "aud": "api"});
        let with = |claims: Value| -> Value {
            let mut c = good.clone();
            if let (Value::Object(c), Value::Object(extra)) = (&mut c, claims) {
                c.extend(extra);
            }
            c
        };
        s.write(
            "auth/jwt/role/web",
            json!({"role_type": "oidc", "user_claim": "sub",
                   "allowed_redirect_uris": "https://x/cb"}),
        )
        .unwrap();
        s.write(
            "auth/jwt/role/grp",
            json!({"role_type": "jwt", "user_claim": "email", "bound_subject": "alice",
                   "bound_claims": {"groups": "admins"}}),
        )
        .unwrap();
        let cases: Vec<(Value, &str)> = vec![
            (json!({"jwt": token(&k, good.clone())}), "missing role"),
            (
                json!({"role": "nope", "jwt": "x"}),
                "role \"nope\" could not be found",
            ),
            (
                json!({"role": "web", "jwt": ""}),
                "role with oidc role_type is not allowed",
            ),
            (json!({"role": "dev", "jwt": ""}), "missing token"),
            (
                json!({"role": "dev", "jwt": "a".repeat(64 * 1024 + 1)}),
                "error validating token: token is 65537 bytes; at most 65536 bytes are accepted",
            ),
            // The signature comes first: an expired token from another key fails on it.
            (
                json!({"role": "dev", "jwt": token(&other, with(json!({"exp": 1})))}),
                "error validating token: error verifying token signature: no known key successfully validated the token signature",
            ),
            (
                json!({"role": "dev", "jwt": token(&k, with(json!({"exp": 1000})))}),
                "error validating token: invalid expiration time (exp) claim: token is expired",
            ),
            (
                json!({"role": "dev", "jwt": token(&k, with(json!({"aud": "web"})))}),
                "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience",
            ),
            // The identity comes before the bound claims.
            (
                json!({"role": "grp", "jwt": token(&k, json!({"sub": "alice"}))}),
                "claim \"email\" not found in token",
            ),
            (
                json!({"role": "grp",
                       "jwt": token(&k, json!({"sub": "alice", "email": "a@x", "groups": "dev"}))}),
                "error validating claims: claim \"groups\" does not match any associated bound claim values",
            ),
            (
                json!({"role": "dev", "jwt": token(&k, with(json!({"team": 7})))}),
                "error converting claim 'team' to string",
            ),
        ];
        for (body, want) in cases {
            assert_eq!(bad_request(login(&s, body.clone())), want, "{want}");
        }
        // No config at all.
        s.delete("auth/jwt/role/dev").unwrap();
        let bare = TestState::offline();
        bare.enable_jwt("jwt");
        assert_eq!(
            bad_request(login(&bare, json!({"role": "dev", "jwt": "x"}))),
            "could not load configuration"
        );
        // No login left an entity behind.
        assert_eq!(failure(s.list("identity/entity/id")), (404, String::new()));
    }

    #[test]
    fn an_unknown_role_names_the_mounts_roles() {
        let k = key("k1");
        let s = state_with(&k);
        let err = login(&s, json!({"role": "nope", "jwt": "x"})).unwrap_err();
        assert_eq!(err.hints, ["roles on mount jwt/: dev"]);
    }

    #[test]
    fn the_config_may_refuse_the_algorithm() {
        let k = key("k1");
        let s = state_with(&k);
        s.write(
            "auth/jwt/config",
            json!({"jwt_validation_pubkeys": [k.public], "jwt_supported_algs": "RS256"}),
        )
        .unwrap();
        let jwt = token(&k, json!({"sub": "alice", "aud": "api"}));
        assert_eq!(
            bad_request(login(&s, json!({"role": "dev", "jwt": jwt}))),
            "error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm"
        );
    }

    #[test]
    fn bound_cidrs_need_the_callers_address_inside_them() {
        let k = key("k1");
        let s = state_with(&k);
        s.write(
            "auth/jwt/role/dev",
            json!({"role_type": "jwt", "token_bound_cidrs": "10.0.0.0/8"}),
        )
        .unwrap();
        let jwt = token(&k, json!({"sub": "alice", "aud": "api"}));
        let body = json!({"role": "dev", "jwt": jwt});
        // No address, or one outside: a bare 403, before the token is looked at.
        let err = login(&s, body.clone()).unwrap_err();
        assert_eq!(
            (err.code, err.errors.clone()),
            (403, vec!["permission denied".to_string()])
        );
        assert_eq!(
            err.hints,
            [
                "role binds token_bound_cidrs [10.0.0.0/8] but no remote address was given",
                "pass remote_addr=IP or set JWTVAULT_REMOTE_ADDR"
            ]
        );
        let outside = Request::write(LOGIN, object(body.clone()))
            .with_remote_addr(Some("192.168.1.1".into()));
        assert_eq!(
            failure(s.handle(&outside)),
            (403, "permission denied".into())
        );
        let garbage = json!({"role": "dev", "jwt": "x", "remote_addr": "192.168.1.1"});
        assert_eq!(failure(login(&s, garbage)).0, 403);
        // Inside: from the request, or from the body.
        let inside =
            Request::write(LOGIN, object(body.clone())).with_remote_addr(Some("10.1.2.3".into()));
        let auth = s.handle(&inside).unwrap().auth.unwrap();
        assert!(!auth.accessor.is_empty());
        let mut in_body = object(body);
        in_body.insert("remote_addr".into(), json!("10.9.9.9"));
        s.handle(&Request::write(LOGIN, in_body)).unwrap();
    }

    #[test]
    fn explain_lists_every_check() {
        let k = key("k1");
        let s = state_with(&k);
        let jwt = token(&k, json!({"sub": "alice", "aud": "api"}));
        let mut req = Request::write(LOGIN, object(json!({"role": "dev", "jwt": jwt})));
        req.explain = true;
        let trace = s.handle(&req).unwrap().explain.unwrap();
        let steps: Vec<&str> = trace
            .lines()
            .map(|l| l.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(
            &steps[..6],
            [
                "ok   config",
                "ok   role",
                "ok   role type",
                "ok   token",
                "ok   bound cidrs",
                "ok   signature"
            ]
        );
        assert!(
            trace.ends_with("ok   token: issued with policies [\"default\", \"dev\"]\n"),
            "{trace}"
        );
        // A failure is the last line, marked.
        let mut req = Request::write(LOGIN, object(json!({"role": "dev", "jwt": ""})));
        req.explain = true;
        let err = s.handle(&req).unwrap_err();
        assert!(err
            .explain
            .unwrap()
            .ends_with("FAIL token: missing token\n"));
    }

    /// A mount reading its keys from a loopback JWKS server.
    fn jwks_state(server: &KeyServer) -> TestState {
        let s = TestState::online();
        s.enable_jwt("jwt");
        s.write("auth/jwt/config", json!({"jwks_url": server.url}))
            .unwrap();
        s.write(
            "auth/jwt/role/dev",
            json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "api"}),
        )
        .unwrap();
        s
    }

    /// Makes the last fetch of `url` a minute old.
    fn age_fetches(s: &TestState, url: &str) {
        let store = s.store();
        store.record_fetch(url, (now() - 60) as f64).unwrap();
        store.commit().unwrap();
    }

    #[test]
    fn a_token_the_cached_keys_do_not_verify_refetches_once() {
        let (k1, k2, forged) = (key("k1"), key("k1"), key("k1"));
        let server = KeyServer::start(&k1.jwks.to_string());
        let s = jwks_state(&server);
        // The config write fetched the keys; a login with them fetches nothing.
        assert_eq!(server.hits(), 1);
        let claims = json!({"sub": "alice", "aud": "api"});
        login(
            &s,
            json!({"role": "dev", "jwt": token(&k1, claims.clone())}),
        )
        .unwrap();
        assert_eq!(server.hits(), 1);
        // The issuer rotated its key: the login asks for a refetch, which finds it (once the
        // keys are older than the refetch spacing).
        server.set_body(&k2.jwks.to_string());
        age_fetches(&s, &server.url);
        login(
            &s,
            json!({"role": "dev", "jwt": token(&k2, claims.clone())}),
        )
        .unwrap();
        assert_eq!(server.hits(), 2);
        // A token no key verifies: the refetch is skipped (the keys were just fetched).
        let err = login(&s, json!({"role": "dev", "jwt": token(&forged, claims)})).unwrap_err();
        assert_eq!(
            err.errors,
            ["error validating token: error verifying token signature: failed to verify id token signature"]
        );
        assert!(
            err.hints
                .iter()
                .any(|h| h.starts_with(&format!("refetch of {} skipped", server.url))),
            "{:?}",
            err.hints
        );
        assert_eq!(server.hits(), 2);
    }

    #[test]
    fn offline_a_login_uses_the_imported_keys_and_says_they_may_be_stale() {
        let (k1, k2) = (key("k1"), key("k1"));
        let s = TestState::offline();
        s.enable_jwt("jwt");
        let url = "https://issuer.example/keys";
        s.write(
            "auth/jwt/jwks/import",
            json!({"jwks": k1.jwks.to_string(), "url": url}),
        )
        .unwrap();
        s.write("auth/jwt/config", json!({"jwks_url": url}))
            .unwrap();
        s.write(
            "auth/jwt/role/dev",
            json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "alice"}),
        )
        .unwrap();
        let claims = json!({"sub": "alice"});
        login(
            &s,
            json!({"role": "dev", "jwt": token(&k1, claims.clone())}),
        )
        .unwrap();
        let err = login(&s, json!({"role": "dev", "jwt": token(&k2, claims)})).unwrap_err();
        assert_eq!(
            err.errors,
            ["error validating token: error verifying token signature: failed to verify id token signature"]
        );
        assert!(
            err.hints
                .iter()
                .any(|h| h.starts_with("the key cache may be stale and the network is off")),
            "{:?}",
            err.hints
        );
    }

    #[test]
    fn a_bad_field_is_refused_before_any_step() {
        let s = TestState::offline();
        s.enable_jwt("jwt");
        let mut body = Map::new();
        body.insert("role".into(), json!(["a"]));
        assert_eq!(
            bad_request(s.handle(&Request::write(LOGIN, body))),
            "error converting input for field \"role\": '' expected type 'string', got unconvertible type '[]interface {}'"
        );
    }
}
