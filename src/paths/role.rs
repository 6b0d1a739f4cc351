//! `auth/<mount>/role/<name>` and `auth/<mount>/role` (vault-jwt-reference §3).
//!
//! Writes merge into the stored role: a field changes only when the request names it, except
//! `role_type` (omitted or empty: `jwt`, jwtvault's deviation), `callback_mode` (omitted:
//! `client`) and `bound_claims_type` (omitted: `string`, with a warning when that resets a
//! stored `glob`). A write is: the field table converted (`FIELD_TABLES`), then Vault's checks
//! in Vault's order (`update`), the token fields by [`crate::tokenutil`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::{ApiError, Response};
use crate::fields::{self, FieldError};
use crate::framework::{FieldData, FieldSchema, FieldType};
use crate::gofmt;
use crate::paths::mounts::{check_request_path, SYSTEM_TTL};
use crate::paths::{data, keys, not_found};
use crate::store::{MountRow, Store};
use crate::tokenutil::{self, DeprecatedParams, TokenParams};

/// The stored role, with Vault's field names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Role {
    pub role_type: String,
    pub user_claim: String,
    pub user_claim_json_pointer: bool,
    pub bound_audiences: Option<Vec<String>>,
    pub bound_subject: String,
    pub bound_claims_type: String,
    pub bound_claims: Option<Map<String, Value>>,
    pub claim_mappings: Option<BTreeMap<String, String>>,
    pub groups_claim: String,
    pub clock_skew_leeway: i64,
    pub expiration_leeway: i64,
    pub not_before_leeway: i64,
    pub max_age: i64,
    pub verbose_oidc_logging: bool,
    pub oidc_scopes: Option<Vec<String>>,
    pub allowed_redirect_uris: Option<Vec<String>>,
    pub callback_mode: String,
    pub oidc_disable_confirmation: bool,
    pub oauth2_metadata: Option<Vec<String>>,
    pub token_ttl: i64,
    pub token_max_ttl: i64,
    pub token_explicit_max_ttl: i64,
    pub token_period: i64,
    pub token_policies: Vec<String>,
    pub token_bound_cidrs: Vec<String>,
    pub token_no_default_policy: bool,
    pub token_num_uses: i64,
    /// `default`, `service` or `batch`.
    pub token_type: String,
    pub token_policies_template_claims: bool,
    pub token_strictly_bind_ip: bool,
    /// Deprecated aliases, kept for read fidelity (§3.4).
    pub policies: Vec<String>,
    pub ttl: i64,
    pub max_ttl: i64,
    pub period: i64,
    pub num_uses: i64,
    pub bound_cidrs: Vec<String>,
}

impl Role {
    /// Audiences bound by the role, empty when none.
    pub fn audiences(&self) -> &[String] {
        self.bound_audiences.as_deref().unwrap_or(&[])
    }

    /// The token settings and their deprecated names, as tokenutil handles them.
    fn token_params(&self) -> (TokenParams, DeprecatedParams) {
        let params = TokenParams {
            token_bound_cidrs: self.token_bound_cidrs.clone(),
            token_explicit_max_ttl: self.token_explicit_max_ttl,
            token_max_ttl: self.token_max_ttl,
            token_no_default_policy: self.token_no_default_policy,
            token_num_uses: self.token_num_uses,
            token_period: self.token_period,
            token_policies: self.token_policies.clone(),
            token_type: self.token_type.clone(),
            token_ttl: self.token_ttl,
        };
        let old = DeprecatedParams {
            policies: self.policies.clone(),
            ttl: self.ttl,
            max_ttl: self.max_ttl,
            period: self.period,
            num_uses: self.num_uses,
            bound_cidrs: self.bound_cidrs.clone(),
        };
        (params, old)
    }

    /// Stores what [`Role::token_params`] gave, once tokenutil has updated it.
    fn set_token_params(&mut self, params: TokenParams, old: DeprecatedParams) {
        self.token_bound_cidrs = params.token_bound_cidrs;
        self.token_explicit_max_ttl = params.token_explicit_max_ttl;
        self.token_max_ttl = params.token_max_ttl;
        self.token_no_default_policy = params.token_no_default_policy;
        self.token_num_uses = params.token_num_uses;
        self.token_period = params.token_period;
        self.token_policies = params.token_policies;
        self.token_type = params.token_type;
        self.token_ttl = params.token_ttl;
        self.policies = old.policies;
        self.ttl = old.ttl;
        self.max_ttl = old.max_ttl;
        self.period = old.period;
        self.num_uses = old.num_uses;
        self.bound_cidrs = old.bound_cidrs;
    }
}

/// Vault's role name rule `\w(([\w-.]+)?\w)?`.
pub fn valid_name(name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => false,
        1 => word(chars[0]),
        n => {
            word(chars[0])
                && word(chars[n - 1])
                && chars[1..n - 1]
                    .iter()
                    .all(|&c| word(c) || c == '-' || c == '.')
        }
    }
}

/// The checks a role name gets before any handler: Vault's HTTP layer's
/// ([`check_request_path`]: printable, no `.`/`..` segment), then the backend's path pattern
/// `role/<name>`: a name outside [`valid_name`] (a `/`, a space, `%`, non-ASCII…) matches no
/// path, which Vault answers with 404 `unsupported path`. `read` of such a path gets Vault's
/// bare 404 (the CLI's `No value found at …`), as the Vault client drops a 404's errors on
/// reads.
fn check_name(name: &str, read: bool) -> Result<(), ApiError> {
    check_request_path("role name", name)?;
    if valid_name(name) {
        return Ok(());
    }
    if read {
        return Err(not_found());
    }
    Err(ApiError {
        code: 404,
        errors: vec!["1 error occurred:\n\t* unsupported path\n\n".into()],
        hints: vec![format!(
            "role name {} does not match Vault's pattern \\w(([\\w-.]+)?\\w)?: ASCII \
             letters, digits and _, with - and . allowed inside",
            crate::gofmt::go_quote(name)
        )],
        explain: None,
    })
}

/// Loads a role by its (lower-cased) name.
pub fn load(store: &Store, mount: &MountRow, name: &str) -> Result<Option<Role>, ApiError> {
    Ok(store.get_role::<Role>(&mount.accessor, &name.to_lowercase())?)
}

/// `list auth/<mount>/role`.
pub fn list(store: &Store, mount: &MountRow) -> Result<Response, ApiError> {
    keys(store.list_roles(&mount.accessor)?)
}

/// `delete auth/<mount>/role/<name>`: always succeeds.
pub fn delete(store: &Store, mount: &MountRow, name: &str) -> Result<Response, ApiError> {
    check_name(name, false)?;
    store.delete_role(&mount.accessor, &name.to_lowercase())?;
    Ok(Response::default())
}

/// `read auth/<mount>/role/<name>`: OpenBao's keys, legacy keys when set.
pub fn read(store: &Store, mount: &MountRow, name: &str) -> Result<Response, ApiError> {
    check_name(name, true)?;
    let Some(r) = load(store, mount, name)? else {
        return Err(not_found());
    };
    let role_type = if r.role_type.is_empty() {
        "jwt"
    } else {
        &r.role_type
    };
    let claims_type = if r.bound_claims_type.is_empty() {
        "string"
    } else {
        &r.bound_claims_type
    };
    let token_type = if r.token_type.is_empty() {
        "default"
    } else {
        &r.token_type
    };
    let callback = if r.callback_mode.is_empty() {
        "client"
    } else {
        &r.callback_mode
    };
    let mut m = json!({
        "allowed_redirect_uris": r.allowed_redirect_uris,
        "bound_audiences": r.bound_audiences,
        "bound_claims": r.bound_claims,
        "bound_claims_type": claims_type,
        "bound_subject": r.bound_subject,
        "callback_mode": callback,
        "claim_mappings": r.claim_mappings,
        "clock_skew_leeway": r.clock_skew_leeway,
        "expiration_leeway": r.expiration_leeway,
        "groups_claim": r.groups_claim,
        "max_age": r.max_age,
        "not_before_leeway": r.not_before_leeway,
        "oauth2_metadata": r.oauth2_metadata,
        "oidc_disable_confirmation": r.oidc_disable_confirmation,
        "oidc_scopes": r.oidc_scopes,
        "role_type": role_type,
        "token_bound_cidrs": r.token_bound_cidrs,
        "token_explicit_max_ttl": r.token_explicit_max_ttl,
        "token_max_ttl": r.token_max_ttl,
        "token_no_default_policy": r.token_no_default_policy,
        "token_num_uses": r.token_num_uses,
        "token_period": r.token_period,
        "token_policies": r.token_policies,
        "token_policies_template_claims": r.token_policies_template_claims,
        "token_strictly_bind_ip": r.token_strictly_bind_ip,
        "token_ttl": r.token_ttl,
        "token_type": token_type,
        "user_claim": r.user_claim,
        "user_claim_json_pointer": r.user_claim_json_pointer,
        "verbose_oidc_logging": r.verbose_oidc_logging,
    });
    if let Value::Object(obj) = &mut m {
        if !r.policies.is_empty() {
            obj.insert("policies".into(), json!(r.policies));
        }
        for (k, v) in [
            ("ttl", r.ttl),
            ("max_ttl", r.max_ttl),
            ("period", r.period),
            ("num_uses", r.num_uses),
        ] {
            // Vault shows them only when positive (a negative `num_uses` is stored, not shown).
            if v > 0 {
                obj.insert(k.into(), json!(v));
            }
        }
        if !r.bound_cidrs.is_empty() {
            obj.insert("bound_cidrs".into(), json!(r.bound_cidrs));
        }
    }
    match m {
        Value::Object(m) => Ok(data(m)),
        _ => Err(ApiError::internal("role did not render as an object")),
    }
}

// ---- The field table ---------------------------------------------------------------------

/// `role_type`, converted first (no schema default: the handler decides, see
/// [`set_role_type`]).
const ROLE_TYPE_FIELD: &[FieldSchema] = &[FieldSchema::new("role_type", FieldType::String)];

/// Token fields of the JWT role beyond tokenutil's.
const ROLE_TOKEN_FIELDS: &[FieldSchema] = &[
    FieldSchema::new("token_strictly_bind_ip", FieldType::Bool),
    FieldSchema::new("token_policies_template_claims", FieldType::Bool),
];

/// The JWT role's own fields (vault-jwt-reference §3.1). The leeways' schema defaults are
/// never stored: a stored 0 means the default (§4.8.4).
const ROLE_FIELDS: &[FieldSchema] = &[
    FieldSchema::with_default("clock_skew_leeway", FieldType::SignedDurationSecond, "60"),
    FieldSchema::with_default("expiration_leeway", FieldType::SignedDurationSecond, "150"),
    FieldSchema::with_default("not_before_leeway", FieldType::SignedDurationSecond, "150"),
    FieldSchema::new("bound_audiences", FieldType::CommaStringSlice),
    FieldSchema::new("bound_subject", FieldType::String),
    FieldSchema::new("verbose_oidc_logging", FieldType::Bool),
    FieldSchema::new("max_age", FieldType::DurationSecond),
    FieldSchema::with_default("bound_claims_type", FieldType::String, "string"),
    FieldSchema::new("bound_claims", FieldType::Map(parse_bound_claims)),
    FieldSchema::new("claim_mappings", FieldType::KvPairs),
    FieldSchema::new("user_claim", FieldType::String),
    FieldSchema::new("user_claim_json_pointer", FieldType::Bool),
    FieldSchema::new("groups_claim", FieldType::String),
    FieldSchema::new("oidc_scopes", FieldType::CommaStringSlice),
    FieldSchema::new("allowed_redirect_uris", FieldType::CommaStringSlice),
    FieldSchema::with_default("callback_mode", FieldType::String, "client"),
    FieldSchema::new("oidc_disable_confirmation", FieldType::Bool),
    FieldSchema::new("oauth2_metadata", FieldType::CommaStringSlice),
];

/// Every field of `auth/<mount>/role/<name>`, in the order they are converted.
const FIELD_TABLES: &[&[FieldSchema]] = &[
    ROLE_TYPE_FIELD,
    tokenutil::TOKEN_FIELDS,
    ROLE_TOKEN_FIELDS,
    tokenutil::DEPRECATED_FIELDS,
    ROLE_FIELDS,
];

/// `bound_claims` in Vault's form (a JSON object) or the contract's extra forms: a JSON
/// object held in a string (also what `@file.json` gives), or `key=value[,key=value…]` where a
/// repeated key makes a list.
/// `None` is a JSON null, which OpenBao stores as a nil map (clearing the claims).
fn parse_bound_claims(field: &str, v: &Value) -> Result<Option<Map<String, Value>>, FieldError> {
    let refuse = |reason: String| FieldError {
        field: field.to_string(),
        reason,
    };
    let text = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Array(items) if items.iter().all(Value::is_string) => {
            // Repeated `bound_claims=k=v` arguments.
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(",")
        }
        other => return fields::map(field, other),
    };
    if text.starts_with('{') {
        return match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => Ok(Some(m)),
            _ => Err(refuse(format!(
                "expected a JSON object or key=value pairs, got {text:?}"
            ))),
        };
    }
    let mut out = Map::new();
    for pair in text.split(',') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let Some((k, val)) = pair.split_once('=') else {
            return Err(refuse(format!("expected key=value, got {pair:?}")));
        };
        let (k, val) = (k.trim().to_string(), Value::String(val.trim().to_string()));
        match out.get_mut(&k) {
            None => {
                out.insert(k, val);
            }
            Some(Value::Array(list)) => list.push(val),
            Some(prev) => {
                let first = prev.take();
                *prev = Value::Array(vec![first, val]);
            }
        }
    }
    if out.is_empty() {
        // No pair at all (`bound_claims=`): not one of the extension's forms, so OpenBao's own
        // conversion error for a string.
        return fields::map(field, v);
    }
    Ok(Some(out))
}

// ---- write -------------------------------------------------------------------------------

/// `write auth/<mount>/role/<name>`: the fields are converted first (as Vault validates every
/// field before the handler), then merged into the stored role by `update`.
pub fn write(
    store: &Store,
    mount: &MountRow,
    name: &str,
    body: &Map<String, Value>,
) -> Result<Response, ApiError> {
    if name.is_empty() {
        return Err(ApiError::bad_request("missing role name"));
    }
    check_name(name, false)?;
    let name = name.to_lowercase();
    let existing = load(store, mount, &name)?;
    let d = FieldData::parse(body, FIELD_TABLES)?;
    let mut r = existing.unwrap_or_default();
    let warnings = update(&mut r, &d, mount)?;
    store.put_role(&mount.accessor, &name, &r)?;
    Ok(Response {
        warnings,
        ..Response::default()
    })
}

/// Vault's `pathRoleCreateUpdate` after the field conversion: steps 3–16 of
/// vault-jwt-reference §3.3, in that order. Returns the warnings.
fn update(r: &mut Role, d: &FieldData, mount: &MountRow) -> Result<Vec<String>, ApiError> {
    set_role_type(r, d)?; // 3
    set_token_params(r, d)?; // 4–5
    let mount_max = mount_max_ttl(mount);
    check_period(r, mount_max)?; // 6
    set_bounds_and_leeways(r, d); // 7
    let reset_glob = set_bound_claims_type(r, d)?; // 8
    set_bound_claims(r, d)?; // 9
    set_claim_mappings(r, d)?; // 10
    set_oauth2_metadata(r, d)?; // (OpenBao 2.7)
    set_user_claim(r, d)?; // 11
    set_oidc_fields(r, d)?; // 12
    check_role_type_needs(r)?; // 13–14
    check_ttl(r)?; // 15
    let mut warnings = warnings(r, mount_max); // 16
    warnings.extend(reset_glob);
    Ok(warnings)
}

/// Step 16: Vault's warnings on the role as written.
fn warnings(r: &Role, mount_max: i64) -> Vec<String> {
    let mut out = Vec::new();
    if r.token_max_ttl > mount_max {
        out.push(
            "token max ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated"
                .to_string(),
        );
    }
    if r.verbose_oidc_logging {
        out.push(
            "verbose_oidc_logging has been enabled for this role. This is not recommended in production since sensitive information may be present in OIDC responses."
                .to_string(),
        );
    }
    out
}

/// Step 3: `role_type`; omitted or empty is `oidc` in Vault, `jwt` in jwtvault
/// (docs/deviations.md D-1).
fn set_role_type(r: &mut Role, d: &FieldData) -> Result<(), ApiError> {
    let role_type = match d.string("role_type") {
        Some(t) if !t.is_empty() => t,
        _ => "jwt".to_string(),
    };
    if role_type != "jwt" && role_type != "oidc" {
        return Err(ApiError::bad_request(format!(
            "invalid 'role_type': {role_type}"
        )));
    }
    r.role_type = role_type;
    Ok(())
}

/// Steps 4–5: the token fields (tokenutil's `ParseTokenFields`), then the deprecated names.
fn set_token_params(r: &mut Role, d: &FieldData) -> Result<(), ApiError> {
    let (mut params, mut old) = r.token_params();
    params.parse_token_fields(d)?;
    if let Some(v) = d.bool("token_strictly_bind_ip") {
        r.token_strictly_bind_ip = v;
    }
    if let Some(v) = d.bool("token_policies_template_claims") {
        r.token_policies_template_claims = v;
    }
    tokenutil::upgrade_deprecated(&mut params, &mut old, d)?;
    r.set_token_params(params, old);
    Ok(())
}

/// The mount's maximum lease TTL (the system's when the mount sets none).
fn mount_max_ttl(mount: &MountRow) -> i64 {
    if mount.max_lease_ttl > 0 {
        mount.max_lease_ttl
    } else {
        SYSTEM_TTL
    }
}

/// Step 6: the period may not exceed the mount's maximum lease TTL.
fn check_period(r: &Role, mount_max: i64) -> Result<(), ApiError> {
    if r.token_period > mount_max {
        return Err(ApiError::bad_request(format!(
            "'period' of '\"{}\"' is greater than the backend's maximum lease TTL of '\"{}\"'",
            gofmt::go_duration(r.token_period),
            gofmt::go_duration(mount_max)
        )));
    }
    Ok(())
}

/// Step 7: leeways, audiences, subject, logging, max_age: stored when given.
fn set_bounds_and_leeways(r: &mut Role, d: &FieldData) {
    if let Some(v) = d.seconds("clock_skew_leeway") {
        r.clock_skew_leeway = v;
    }
    if let Some(v) = d.seconds("expiration_leeway") {
        r.expiration_leeway = v;
    }
    if let Some(v) = d.seconds("not_before_leeway") {
        r.not_before_leeway = v;
    }
    if let Some(v) = d.strings("bound_audiences") {
        r.bound_audiences = Some(v);
    }
    if let Some(v) = d.string("bound_subject") {
        r.bound_subject = v;
    }
    if let Some(v) = d.bool("verbose_oidc_logging") {
        r.verbose_oidc_logging = v;
    }
    if let Some(v) = d.seconds("max_age") {
        r.max_age = v;
    }
}

/// Step 8, `bound_claims_type`: omitted resets to `string`. Returns jwtvault's warning when
/// that undoes a stored `glob`.
fn set_bound_claims_type(r: &mut Role, d: &FieldData) -> Result<Option<String>, ApiError> {
    let claims_type = d.string_or_default("bound_claims_type");
    if claims_type != "string" && claims_type != "glob" {
        return Err(ApiError::bad_request(format!(
            "invalid 'bound_claims_type': {claims_type}"
        )));
    }
    let reset = r.bound_claims_type == "glob" && !d.has("bound_claims_type");
    r.bound_claims_type = claims_type;
    Ok(reset.then(|| {
        "bound_claims_type was not given and has been reset from \"glob\" to \"string\"; \
         send bound_claims_type=glob with every write to keep glob matching"
            .to_string()
    }))
}

/// Step 9, `bound_claims`: replaced when given; with `glob`, every value must be a string or
/// a list of strings.
fn set_bound_claims(r: &mut Role, d: &FieldData) -> Result<(), ApiError> {
    let Some(bc) = d.map("bound_claims") else {
        return Ok(());
    };
    if r.bound_claims_type == "glob" {
        for v in bc.iter().flat_map(Map::values) {
            check_glob_value(v)?;
        }
    }
    r.bound_claims = bc;
    Ok(())
}

/// A `glob` bound claim value: a string, or a list of strings.
fn check_glob_value(v: &Value) -> Result<(), ApiError> {
    let not_a_string = |bad: &Value| {
        ApiError::bad_request(format!(
            "claim is not a string: {}",
            gofmt::format_value(bad)
        ))
    };
    match v {
        Value::String(_) => Ok(()),
        Value::Array(items) => match items.iter().find(|i| !i.is_string()) {
            Some(bad) => Err(not_a_string(bad)),
            None => Ok(()),
        },
        Value::Object(_) => Err(ApiError::bad_request(format!(
            "claim is not a string or list: {}",
            gofmt::format_value(v)
        ))),
        other => Err(not_a_string(other)),
    }
}

/// Step 10: `claim_mappings`, replaced when given: `role` is reserved, targets unique.
fn set_claim_mappings(r: &mut Role, d: &FieldData) -> Result<(), ApiError> {
    let Some(cm) = d.pairs("claim_mappings") else {
        return Ok(());
    };
    let mut targets = BTreeSet::new();
    for target in cm.values() {
        if target == "role" {
            return Err(ApiError::bad_request(
                "metadata key \"role\" is reserved and may not be a mapping destination",
            ));
        }
        if !targets.insert(target.as_str()) {
            return Err(ApiError::bad_request(format!(
                "multiple keys are mapped to metadata key \"{target}\""
            )));
        }
    }
    r.claim_mappings = Some(cm);
    Ok(())
}

/// After step 10 (OpenBao 2.7, not in the reference): `oauth2_metadata`, replaced when given,
/// names only tokens the OIDC flow can keep.
fn set_oauth2_metadata(r: &mut Role, d: &FieldData) -> Result<(), ApiError> {
    let Some(names) = d.strings("oauth2_metadata") else {
        return Ok(());
    };
    if let Some(bad) = names
        .iter()
        .find(|n| !["id_token", "refresh_token", "access_token"].contains(&n.as_str()))
    {
        return Err(ApiError::bad_request(format!(
            "Unrecognized oauth2 metadata name {bad}"
        )));
    }
    r.oauth2_metadata = Some(names);
    Ok(())
}

/// Step 11: `user_claim`: given or stored, never empty.
fn set_user_claim(r: &mut Role, d: &FieldData) -> Result<(), ApiError> {
    if let Some(v) = d.string("user_claim") {
        r.user_claim = v;
    }
    if r.user_claim.is_empty() {
        return Err(ApiError::bad_request(
            "a user claim must be defined on the role",
        ));
    }
    Ok(())
}

/// Step 12: the pointer flag, the groups claim and the OIDC-only fields: stored when given,
/// except `callback_mode`, which an omission resets to `client` (OpenBao 2.7).
fn set_oidc_fields(r: &mut Role, d: &FieldData) -> Result<(), ApiError> {
    if let Some(v) = d.bool("user_claim_json_pointer") {
        r.user_claim_json_pointer = v;
    }
    if let Some(v) = d.string("groups_claim") {
        r.groups_claim = v;
    }
    if let Some(v) = d.strings("oidc_scopes") {
        r.oidc_scopes = Some(v);
    }
    if let Some(v) = d.strings("allowed_redirect_uris") {
        r.allowed_redirect_uris = Some(v);
    }
    let callback_mode = d.string_or_default("callback_mode");
    if !["device", "direct", "client"].contains(&callback_mode.as_str()) {
        return Err(ApiError::bad_request(format!(
            "invalid 'callback_mode': {callback_mode}"
        )));
    }
    r.callback_mode = callback_mode;
    if let Some(v) = d.bool("oidc_disable_confirmation") {
        r.oidc_disable_confirmation = v;
    }
    Ok(())
}

/// Steps 13–14: what each role type requires: redirect URIs for `oidc`, a bound constraint
/// for `jwt`.
fn check_role_type_needs(r: &Role) -> Result<(), ApiError> {
    if r.role_type == "oidc"
        && r.allowed_redirect_uris
            .as_ref()
            .is_none_or(|u| u.is_empty())
    {
        return Err(ApiError::bad_request(
            "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.",
        ));
    }
    if r.role_type == "jwt"
        && r.audiences().is_empty()
        && r.token_bound_cidrs.is_empty()
        && r.bound_subject.is_empty()
        && r.bound_claims.as_ref().is_none_or(|b| b.is_empty())
    {
        return Err(ApiError::bad_request(
            "must have at least one bound constraint when creating/updating a role",
        ));
    }
    Ok(())
}

/// Step 15: `token_ttl` may not exceed `token_max_ttl` (reachable through the deprecated fields).
fn check_ttl(r: &Role) -> Result<(), ApiError> {
    if r.token_max_ttl > 0 && r.token_ttl > r.token_max_ttl {
        return Err(ApiError::bad_request(
            "ttl should not be greater than max ttl",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_follow_vaults_rule() {
        for ok in ["a", "dev", "dev-role", "a.b_c", "A1"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", ".a", "a.", "a b", "a/b"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn bound_claims_extension_forms() {
        let parse =
            |v: Value| Value::Object(parse_bound_claims("bound_claims", &v).unwrap().unwrap());
        assert_eq!(
            parse(json!("groups=developers")),
            json!({"groups": "developers"})
        );
        assert_eq!(
            parse(json!("groups=a,groups=b, env = prod")),
            json!({"groups": ["a", "b"], "env": "prod"})
        );
        assert_eq!(parse(json!("{\"n\": 10}\n")), json!({"n": 10}));
        assert_eq!(parse(json!(["a=1", "a=2"])), json!({"a": ["1", "2"]}));
        // A JSON null clears the claims, as in OpenBao.
        assert_eq!(
            parse_bound_claims("bound_claims", &Value::Null).unwrap(),
            None
        );
        assert!(parse_bound_claims("bound_claims", &json!("nope")).is_err());
        assert!(parse_bound_claims("bound_claims", &json!("{bad json")).is_err());
    }
}

/// `auth/<mount>/role…` through the router, as the local operator.
#[cfg(test)]
mod router_tests {
    use serde_json::{json, Value};

    use crate::paths::testutil::{bad_request, failure, TestState};

    const ROLE: &str = "auth/jwt/role/dev";

    fn state() -> TestState {
        let s = TestState::offline();
        s.enable_jwt("jwt");
        s
    }

    /// A write with a minimal valid role plus `extra`.
    fn write_role(
        s: &TestState,
        extra: Value,
    ) -> Result<crate::api::Response, crate::api::ApiError> {
        let mut body = json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "alice"});
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        s.write(ROLE, body)
    }

    #[test]
    fn create_read_list_delete() {
        let s = state();
        let resp = write_role(&s, json!({"bound_audiences": "a, b"})).unwrap();
        assert!(resp.data.is_none() && resp.warnings.is_empty());
        s.write(
            "auth/jwt/role/Other",
            json!({"role_type": "jwt", "user_claim": "email", "bound_audiences": "x"}),
        )
        .unwrap();
        let d = s.read_data(ROLE);
        assert_eq!(
            d,
            json!({
                "allowed_redirect_uris": null, "bound_audiences": ["a", "b"],
                "bound_claims": null, "bound_claims_type": "string", "bound_subject": "alice",
                "callback_mode": "client", "claim_mappings": null, "clock_skew_leeway": 0,
                "expiration_leeway": 0, "groups_claim": "", "max_age": 0,
                "not_before_leeway": 0, "oauth2_metadata": null,
                "oidc_disable_confirmation": false, "oidc_scopes": null, "role_type": "jwt",
                "token_bound_cidrs": [], "token_explicit_max_ttl": 0, "token_max_ttl": 0,
                "token_no_default_policy": false, "token_num_uses": 0, "token_period": 0,
                "token_policies": [], "token_policies_template_claims": false,
                "token_strictly_bind_ip": false, "token_ttl": 0, "token_type": "default",
                "user_claim": "sub", "user_claim_json_pointer": false,
                "verbose_oidc_logging": false
            })
        );
        // Names are lower-cased; the list is sorted.
        assert_eq!(
            s.list("auth/jwt/role").unwrap().data.unwrap()["keys"],
            json!(["dev", "other"])
        );
        assert_eq!(
            s.read_data("auth/jwt/role/OTHER")["user_claim"],
            json!("email")
        );
        s.delete(ROLE).unwrap();
        assert_eq!(failure(s.read(ROLE)), (404, String::new()));
        // Deleting what does not exist succeeds, as in Vault.
        s.delete(ROLE).unwrap();
        s.delete("auth/jwt/role/other").unwrap();
        assert_eq!(failure(s.list("auth/jwt/role")), (404, String::new()));
    }

    #[test]
    fn every_field_is_stored_and_read_back() {
        let s = state();
        write_role(
            &s,
            json!({
                "user_claim": "/email", "user_claim_json_pointer": "true",
                "bound_audiences": ["aud1"], "bound_claims_type": "glob",
                "bound_claims": {"groups": ["dev*", "ops"]}, "groups_claim": "groups",
                "claim_mappings": "team=team_name", "clock_skew_leeway": "-1",
                "expiration_leeway": "5m", "not_before_leeway": 30, "max_age": "1h",
                "oidc_scopes": "openid,email", "allowed_redirect_uris": "https://x/cb",
                "callback_mode": "direct", "oidc_disable_confirmation": true,
                "oauth2_metadata": "id_token", "token_ttl": "1h", "token_max_ttl": "2h",
                "token_explicit_max_ttl": "3h", "token_period": "30m",
                "token_policies": "Read,write", "token_bound_cidrs": "10.0.0.0/8",
                "token_no_default_policy": 1, "token_num_uses": "0x10", "token_type": "service",
                "token_strictly_bind_ip": true, "token_policies_template_claims": true
            }),
        )
        .unwrap();
        let d = s.read_data(ROLE);
        let want = json!({
            "user_claim": "/email", "user_claim_json_pointer": true,
            "bound_audiences": ["aud1"], "bound_claims_type": "glob",
            "bound_claims": {"groups": ["dev*", "ops"]}, "groups_claim": "groups",
            "claim_mappings": {"team": "team_name"}, "clock_skew_leeway": -1,
            "expiration_leeway": 300, "not_before_leeway": 30, "max_age": 3600,
            "oidc_scopes": ["openid", "email"], "allowed_redirect_uris": ["https://x/cb"],
            "callback_mode": "direct", "oidc_disable_confirmation": true,
            "oauth2_metadata": ["id_token"], "token_ttl": 3600, "token_max_ttl": 7200,
            "token_explicit_max_ttl": 10800, "token_period": 1800,
            "token_policies": ["Read", "write"], "token_bound_cidrs": ["10.0.0.0/8"],
            "token_no_default_policy": true, "token_num_uses": 16, "token_type": "service",
            "token_strictly_bind_ip": true, "token_policies_template_claims": true,
            "bound_subject": "alice", "role_type": "jwt", "verbose_oidc_logging": false
        });
        assert_eq!(d, want);
    }

    #[test]
    fn a_write_merges_into_the_stored_role() {
        let s = state();
        write_role(
            &s,
            json!({"bound_audiences": "a", "bound_claims_type": "glob",
                   "bound_claims": {"g": "x*"}, "token_ttl": 60, "callback_mode": "direct"}),
        )
        .unwrap();
        // Only what the write names changes, except role_type (omitted: jwt), callback_mode
        // (omitted: client) and bound_claims_type (omitted: string, with a warning when that
        // undoes glob).
        let resp = s.write(ROLE, json!({"bound_subject": "bob"})).unwrap();
        assert_eq!(
            resp.warnings,
            [
                "bound_claims_type was not given and has been reset from \"glob\" to \"string\"; \
              send bound_claims_type=glob with every write to keep glob matching"
            ]
        );
        let d = s.read_data(ROLE);
        assert_eq!(d["bound_subject"], json!("bob"));
        assert_eq!(d["bound_audiences"], json!(["a"]));
        assert_eq!(d["bound_claims"], json!({"g": "x*"}));
        assert_eq!(d["bound_claims_type"], json!("string"));
        assert_eq!(d["token_ttl"], json!(60));
        assert_eq!(d["user_claim"], json!("sub"));
        assert_eq!(d["role_type"], json!("jwt"));
        assert_eq!(d["callback_mode"], json!("client"));
        // A JSON null clears bound_claims; the role still has other bounds.
        s.write(ROLE, json!({"bound_claims": null})).unwrap();
        assert_eq!(s.read_data(ROLE)["bound_claims"], json!(null));
        // A failed write leaves the stored role as it was.
        let before = s.read_data(ROLE);
        bad_request(s.write(ROLE, json!({"bound_subject": "carol", "role_type": "x"})));
        assert_eq!(s.read_data(ROLE), before);
    }

    #[test]
    fn deprecated_names_are_upgraded_and_shown_only_when_set() {
        let s = state();
        write_role(
            &s,
            json!({"policies": "B, a", "ttl": "1m", "max_ttl": "2m", "period": 30,
                   "num_uses": 2, "bound_cidrs": "127.0.0.1"}),
        )
        .unwrap();
        let d = s.read_data(ROLE);
        assert_eq!(d["policies"], json!(["a", "b"]));
        assert_eq!(d["token_policies"], json!(["a", "b"]));
        for (old, new, v) in [
            ("ttl", "token_ttl", 60),
            ("max_ttl", "token_max_ttl", 120),
            ("period", "token_period", 30),
            ("num_uses", "token_num_uses", 2),
        ] {
            assert_eq!((&d[old], &d[new]), (&json!(v), &json!(v)), "{old}");
        }
        assert_eq!(d["bound_cidrs"], json!(["127.0.0.1"]));
        assert_eq!(d["token_bound_cidrs"], json!(["127.0.0.1"]));
        // Both names: the new one wins and the old mirrors it.
        s.write(ROLE, json!({"token_policies": "c", "policies": "z"}))
            .unwrap();
        let d = s.read_data(ROLE);
        assert_eq!(
            (&d["policies"], &d["token_policies"]),
            (&json!(["c"]), &json!(["c"]))
        );
        // Only the new names: the old ones are cleared and no longer shown.
        s.write(
            ROLE,
            json!({"token_policies": "c", "token_ttl": 5, "token_max_ttl": 6, "token_period": 7,
                   "token_num_uses": 1, "token_bound_cidrs": "10.0.0.0/8"}),
        )
        .unwrap();
        let d = s.read_data(ROLE);
        for old in [
            "policies",
            "ttl",
            "max_ttl",
            "period",
            "num_uses",
            "bound_cidrs",
        ] {
            assert!(d.get(old).is_none(), "{old} still shown: {d}");
        }
        assert_eq!(d["token_period"], json!(7));
    }

    #[test]
    fn checks_run_in_vaults_order_with_vaults_messages() {
        let s = state();
        let cases: &[(Value, &str)] = &[
            // Field conversion comes before every check.
            (
                json!({"role_type": "nope", "token_ttl": "abc"}),
                "error converting input for field \"token_ttl\": time: invalid duration \"abc\"",
            ),
            // 3, before the token fields.
            (
                json!({"role_type": "nope", "token_num_uses": -1}),
                "invalid 'role_type': nope",
            ),
            // 4.
            (json!({"token_num_uses": -1}), "'token_num_uses' cannot be negative"),
            (json!({"token_type": "x"}), "invalid 'token_type' value \"x\""),
            (
                json!({"token_type": "batch", "token_period": 1}),
                "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
            ),
            (
                json!({"token_ttl": 2, "token_max_ttl": 1}),
                "'token_ttl' cannot be greater than 'token_max_ttl'",
            ),
            (
                json!({"token_bound_cidrs": "x"}),
                "error parsing address \"x\": Unable to convert \"x\" to an IPv4 or IPv6 address, or a UNIX Socket",
            ),
            // 5.
            (
                json!({"bound_cidrs": "y", "bound_claims_type": "z"}),
                "error parsing address \"y\": Unable to convert \"y\" to an IPv4 or IPv6 address, or a UNIX Socket",
            ),
            // 6, before 8.
            (
                json!({"token_period": "768h1s", "bound_claims_type": "z"}),
                "'period' of '\"768h0m1s\"' is greater than the backend's maximum lease TTL of '\"768h0m0s\"'",
            ),
            // 8, before 9–11.
            (
                json!({"bound_claims_type": "z", "user_claim": ""}),
                "invalid 'bound_claims_type': z",
            ),
            // 9.
            (
                json!({"bound_claims_type": "glob", "bound_claims": {"a": 25}}),
                "claim is not a string: 25",
            ),
            (
                json!({"bound_claims_type": "glob", "bound_claims": {"a": ["x", true]}}),
                "claim is not a string: true",
            ),
            (
                json!({"bound_claims_type": "glob", "bound_claims": {"a": {"b": 1}}}),
                "claim is not a string or list: map[b:1]",
            ),
            // 10, before 11.
            (
                json!({"claim_mappings": {"a": "role"}, "user_claim": ""}),
                "metadata key \"role\" is reserved and may not be a mapping destination",
            ),
            (
                json!({"claim_mappings": {"a": "x", "b": "x"}}),
                "multiple keys are mapped to metadata key \"x\"",
            ),
            // 11, before 13.
            (
                json!({"user_claim": "", "role_type": "oidc"}),
                "a user claim must be defined on the role",
            ),
            // 13.
            (
                json!({"role_type": "oidc"}),
                "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.",
            ),
            // 14.
            (
                json!({"bound_subject": ""}),
                "must have at least one bound constraint when creating/updating a role",
            ),
            // 15 (only reachable through the deprecated names).
            (
                json!({"ttl": "2h", "max_ttl": "1h"}),
                "ttl should not be greater than max ttl",
            ),
        ];
        for (extra, want) in cases {
            assert_eq!(bad_request(write_role(&s, extra.clone())), *want, "{extra}");
        }
        // Nothing was stored by any of them.
        assert_eq!(failure(s.read(ROLE)), (404, String::new()));
    }

    #[test]
    fn warnings_come_in_vaults_order() {
        let s = state();
        let resp = write_role(
            &s,
            json!({"verbose_oidc_logging": true, "token_max_ttl": "769h"}),
        )
        .unwrap();
        assert_eq!(
            resp.warnings,
            [
                "token max ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
                "verbose_oidc_logging has been enabled for this role. This is not recommended in production since sensitive information may be present in OIDC responses.",
            ]
        );
    }

    #[test]
    fn bound_claims_take_the_extension_forms() {
        let s = state();
        write_role(&s, json!({"bound_claims": "groups=a,groups=b, env = prod"})).unwrap();
        assert_eq!(
            s.read_data(ROLE)["bound_claims"],
            json!({"groups": ["a", "b"], "env": "prod"})
        );
        assert_eq!(
            bad_request(write_role(&s, json!({"bound_claims": "nope"}))),
            "error converting input for field \"bound_claims\": expected key=value, got \"nope\""
        );
    }

    #[test]
    fn openbao_2_7_checks_the_oidc_fields_and_resets_callback_mode() {
        let s = state();
        assert_eq!(
            bad_request(write_role(&s, json!({"callback_mode": "bogus"}))),
            "invalid 'callback_mode': bogus"
        );
        assert_eq!(
            bad_request(write_role(&s, json!({"callback_mode": ""}))),
            "invalid 'callback_mode': "
        );
        // After the claim mappings, before the user claim.
        assert_eq!(
            bad_request(write_role(
                &s,
                json!({"oauth2_metadata": "id_token,bad", "user_claim": ""})
            )),
            "Unrecognized oauth2 metadata name bad"
        );
        assert_eq!(
            bad_request(write_role(
                &s,
                json!({"oauth2_metadata": "bad", "claim_mappings": {"a": "role"}})
            )),
            "metadata key \"role\" is reserved and may not be a mapping destination"
        );
        write_role(
            &s,
            json!({"callback_mode": "device", "oauth2_metadata": "access_token,refresh_token"}),
        )
        .unwrap();
        let d = s.read_data(ROLE);
        assert_eq!(d["callback_mode"], json!("device"));
        assert_eq!(
            d["oauth2_metadata"],
            json!(["access_token", "refresh_token"])
        );
        s.write(ROLE, json!({"bound_subject": "x"})).unwrap();
        assert_eq!(s.read_data(ROLE)["callback_mode"], json!("client"));
    }

    #[test]
    fn an_empty_role_type_is_an_omitted_one() {
        let s = state();
        write_role(&s, json!({"role_type": ""})).unwrap();
        assert_eq!(s.read_data(ROLE)["role_type"], json!("jwt"));
    }

    #[test]
    fn the_verbose_logging_warning_comes_with_every_write_while_it_is_on() {
        let s = state();
        let warning = "verbose_oidc_logging has been enabled for this role. This is not recommended in production since sensitive information may be present in OIDC responses.";
        assert_eq!(
            write_role(&s, json!({"verbose_oidc_logging": true}))
                .unwrap()
                .warnings,
            [warning]
        );
        assert_eq!(
            s.write(ROLE, json!({"bound_subject": "y"}))
                .unwrap()
                .warnings,
            [warning]
        );
        assert!(s
            .write(ROLE, json!({"verbose_oidc_logging": false}))
            .unwrap()
            .warnings
            .is_empty());
    }

    #[test]
    fn deprecated_names_as_openbao_2_7_handles_them() {
        let s = state();
        // `root` is the whole policy list.
        write_role(&s, json!({"policies": "a,ROOT,b"})).unwrap();
        assert_eq!(s.read_data(ROLE)["token_policies"], json!(["root"]));
        // The old name is not even parsed when the new one is given.
        write_role(
            &s,
            json!({"token_bound_cidrs": "10.0.0.0/8", "bound_cidrs": "bogus"}),
        )
        .unwrap();
        let d = s.read_data(ROLE);
        assert_eq!(d["bound_cidrs"], json!(["10.0.0.0/8"]));
        // A negative num_uses is stored (and not shown under the old name); every later write
        // then fails tokenutil's check.
        write_role(&s, json!({"num_uses": -1})).unwrap();
        let d = s.read_data(ROLE);
        assert_eq!(
            (d.get("num_uses"), &d["token_num_uses"]),
            (None, &json!(-1))
        );
        assert_eq!(
            bad_request(s.write(ROLE, json!({"bound_subject": "y"}))),
            "'token_num_uses' cannot be negative"
        );
        s.write(ROLE, json!({"token_num_uses": 0})).unwrap();
    }

    #[test]
    fn names_outside_vaults_pattern_match_no_path() {
        let s = state();
        let err = s
            .write(
                "auth/jwt/role/a b",
                json!({"user_claim": "sub", "bound_subject": "x"}),
            )
            .unwrap_err();
        assert_eq!(err.code, 404);
        assert_eq!(err.errors, ["1 error occurred:\n\t* unsupported path\n\n"]);
        // A read gets Vault's bare 404; a delete the same error as a write.
        assert_eq!(failure(s.read("auth/jwt/role/a b")), (404, String::new()));
        assert_eq!(failure(s.delete("auth/jwt/role/-a")).0, 404);
        // The role list is not a role: only LIST is served there.
        assert_eq!(
            failure(s.read("auth/jwt/role")),
            (
                405,
                "1 error occurred:\n\t* unsupported operation\n\n".into()
            )
        );
    }
}
