//! Who a request acts as, and whether Vault's ACL lets it: the router's authorization step.
//!
//! Every path belongs to an [`Access`] class, decided by the router. A token caller is checked
//! as Vault's request handling checks a client token (`CheckToken`), in Vault's order (verified
//! against OpenBao 2.7.2):
//! 1. unknown, expired, revoked or used up: `permission denied`, nothing spent;
//! 2. `bound_cidrs` and no client address inside them: `permission denied`, nothing spent;
//! 3. one use spent (the last one revokes the token);
//! 4. its policies (with its identity policies and templated paths) on the request's path:
//!    go-multierror `permission denied`, the use staying spent (the backend commits it).
//!
//! The local operator (contract §2, docs/deviations.md D-21) is whoever opened the state file:
//! root rights on configuration paths whatever token is held, and on token-governed paths when
//! no token is held at all. Over HTTP there is no operator.

use std::collections::BTreeMap;

use crate::acl;
use crate::api::{ApiError, Caller, CallerToken, Operation, Request};
use crate::paths::identity::{self, Alias, Entity, Group};
use crate::secret::Secret;
use crate::store::Store;
use crate::token::{self, Found};

/// How a path is authorized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone: logins, `sys/health`, `sys/seal-status`, `sys/leader`.
    Unauthenticated,
    /// Configuration (mounts, configs, roles, policies, identity): the local operator, or a
    /// token its policies allow.
    Config,
    /// Token-governed (the token store, capabilities, secrets): the token if one is held, the
    /// local operator only when none is.
    Token {
        /// A `*-self` path: only a token can make the request (the operator has none).
        own: bool,
        /// A root-protected path (`sys/leases/revoke-prefix/*`): `sudo` is needed too.
        sudo: bool,
    },
}

impl Access {
    pub const TOKEN: Access = Access::Token {
        own: false,
        sudo: false,
    };
    pub const OWN: Access = Access::Token {
        own: true,
        sudo: false,
    };
    pub const SUDO: Access = Access::Token {
        own: false,
        sudo: true,
    };
}

/// A caller's live token that passed [`authorize`], one use spent.
#[derive(Debug)]
pub struct TokenCaller {
    pub found: Found,
    pub token: Secret,
    /// Where the token came from, for explanations.
    pub source: String,
    /// Its winning rule on the path grants `sudo` (or it is a root token).
    pub root_privs: bool,
}

/// Who a request acts as, once authorized.
#[derive(Debug)]
pub enum Who {
    /// An unauthenticated path: nobody in particular.
    Anyone,
    /// The local operator: root rights.
    Operator,
    Token(Box<TokenCaller>),
}

impl Who {
    /// Whether the actor has root or sudo rights on the request's path.
    pub fn root_privs(&self) -> bool {
        match self {
            Who::Anyone => false,
            Who::Operator => true,
            Who::Token(t) => t.root_privs,
        }
    }

    /// The calling token, if the request is made with one.
    pub fn token(&self) -> Option<&TokenCaller> {
        match self {
            Who::Token(t) => Some(t),
            _ => None,
        }
    }
}

/// The hint added to a refused local caller where the operator could make the request.
pub const AS_OPERATOR: &str = "without a token (JWTVAULT_TOKEN unset or empty and no token in \
                               the helper file) jwtvault acts as the operator, with root rights";

/// Vault's answer to a request made with no usable token: `permission denied` (403).
fn no_token(hint: &str) -> ApiError {
    ApiError::permission_denied().with_hint(hint)
}

/// Decides who `req` acts as on a path of class `access`, checking and spending the caller's
/// token as Vault does. `now` is the transaction's time.
pub fn authorize(store: &Store, req: &Request, access: Access, now: f64) -> Result<Who, ApiError> {
    authorize_as(store, req, access, acl_operation(req.operation), now)
}

/// [`authorize`] with the ACL operation given by the router: a write to a path with an
/// existence check (KV v2's `data/` and `metadata/`) is Vault's `create` when the resource
/// does not exist yet and `update` when it does (`RouteExistenceCheck`).
pub fn authorize_as(
    store: &Store,
    req: &Request,
    access: Access,
    op: acl::Operation,
    now: f64,
) -> Result<Who, ApiError> {
    let (caller, local) =
        match (&req.caller, access) {
            (_, Access::Unauthenticated) => return Ok(Who::Anyone),
            (Caller::Local(_), Access::Config) => return Ok(Who::Operator),
            (Caller::Local(None), Access::Token { own: false, .. }) => return Ok(Who::Operator),
            (Caller::Local(None), Access::Token { own: true, .. }) => return Err(no_token(
                "no token: give TOKEN, set JWTVAULT_TOKEN, or run `jwtvault login` to store one",
            )),
            (Caller::Anonymous, _) => {
                return Err(no_token(
                    "the request carries no token (X-Vault-Token or Authorization: Bearer)",
                ))
            }
            (Caller::Local(Some(t)), _) => (t, true),
            (Caller::Token(t), _) => (t, false),
        };
    let (own, sudo) = match access {
        Access::Token { own, sudo } => (own, sudo),
        _ => (false, false),
    };
    let operator_can = local && !own;
    let with_operator = |e: ApiError| {
        if operator_can {
            e.with_hint(AS_OPERATOR)
        } else {
            e
        }
    };
    check_token(store, req, caller, now, op, sudo)
        .map(|t| Who::Token(Box::new(t)))
        .map_err(with_operator)
}

/// Vault's `CheckToken` for one calling token (see the module header for the order).
fn check_token(
    store: &Store,
    req: &Request,
    caller: &CallerToken,
    now: f64,
    op: acl::Operation,
    sudo: bool,
) -> Result<TokenCaller, ApiError> {
    let who = format!("the calling token from {}", caller.source);
    let Some(mut found) = token::find(store, caller.token.expose(), now)? else {
        return Err(ApiError::permission_denied().with_hint(format!(
            "{who} is not a live token (unknown, expired, revoked or out of uses)"
        )));
    };
    let remote = req.remote_addr.as_deref().filter(|a| !a.is_empty());
    if !token::cidrs_allow(&found.entry.bound_cidrs, remote) {
        let cidrs = found.entry.bound_cidrs.join(", ");
        // Only the command line sends requests without an address (JWTVAULT_REMOTE_ADDR).
        let why = match (remote, &req.caller) {
            (None, _) => format!("{who} is bound to [{cidrs}] and JWTVAULT_REMOTE_ADDR is not set"),
            (Some(a), Caller::Local(_)) => {
                format!("{who} is bound to [{cidrs}]; JWTVAULT_REMOTE_ADDR {a} is outside")
            }
            (Some(a), _) => {
                format!("{who} is bound to [{cidrs}]; the client address {a} is outside")
            }
        };
        return Err(ApiError::permission_denied().with_hint(why));
    }
    token::spend_use(store, &mut found)?;
    let acl = token_acl(store, &found)?;
    // Vault's HTTP layer ends the path of every LIST request with a `/` before the ACL sees
    // it: `secret/metadata/app/*` allows listing `secret/metadata/app`.
    let path = match op {
        acl::Operation::List => format!("{}/", req.path),
        _ => req.path.clone(),
    };
    let decision = acl.allow_operation(&path, op, &req.data);
    if !decision.allowed || (sudo && !decision.root_privs) {
        let mut policies = found.entry.policies.clone();
        policies.extend(identity::identity_policies(store, &found.entry.entity_id)?);
        let need = if sudo && decision.allowed {
            "sudo"
        } else {
            acl_name(op)
        };
        return Err(ApiError::multi(403, "permission denied").with_hint(format!(
            "{who} (policies [{}]) is not allowed {need} on {}",
            policies.join(" "),
            req.path
        )));
    }
    Ok(TokenCaller {
        found,
        token: caller.token.clone(),
        source: caller.source.clone(),
        root_privs: decision.root_privs,
    })
}

/// The ACL operation of a request on a path without an existence check: a write is Vault's
/// update (see [`authorize_as`] for the paths that have one).
pub fn acl_operation(op: Operation) -> acl::Operation {
    match op {
        Operation::Read => acl::Operation::Read,
        Operation::Write => acl::Operation::Update,
        Operation::List => acl::Operation::List,
        Operation::Delete => acl::Operation::Delete,
        Operation::Patch => acl::Operation::Patch,
    }
}

fn acl_name(op: acl::Operation) -> &'static str {
    match op {
        acl::Operation::Read => "read",
        acl::Operation::List => "list",
        acl::Operation::Create => "create",
        acl::Operation::Update => "update",
        acl::Operation::Delete => "delete",
        acl::Operation::Patch => "patch",
    }
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
pub fn token_acl(store: &Store, f: &Found) -> Result<acl::Acl, ApiError> {
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

/// The capabilities of a token on a path (`sys/capabilities`): sorted names, `root`, or `deny`.
pub fn capabilities(store: &Store, f: &Found, path: &str) -> Result<Vec<String>, ApiError> {
    let path = path.trim().trim_matches('/');
    Ok(token_acl(store, f)?.capabilities(path))
}
