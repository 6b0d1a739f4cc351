//! `auth/<mount>/role/<name>` and `auth/<mount>/role` (vault-jwt-reference §3).
//!
//! Writes merge into the stored role: a field changes only when the request names it, except
//! `role_type` (omitted: `jwt`, jwtvault's deviation) and `bound_claims_type` (omitted:
//! `string`, with a warning when that resets a stored `glob`). Checks run in Vault's order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::{ApiError, Response};
use crate::fields;
use crate::gofmt;
use crate::paths::mounts::{check_request_path, SYSTEM_TTL};
use crate::paths::{data, keys, not_found};
use crate::store::{MountRow, Store};

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
            if v != 0 {
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

/// Parses a CIDR list the way Vault's `parseutil.ParseAddrs` does: a bare IP is a host route,
/// kept as written.
fn parse_cidrs(items: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for item in items {
        let s = item.trim();
        if s.is_empty() {
            continue;
        }
        let ok = s.parse::<ipnet::IpNet>().is_ok() || s.parse::<std::net::IpAddr>().is_ok();
        if !ok {
            return Err(ApiError::bad_request(format!(
                "error parsing address \"{s}\": Unable to convert \"{s}\" to an IPv4 or IPv6 address, or a UNIX Socket"
            )));
        }
        out.push(s.to_string());
    }
    Ok(out)
}

/// Vault's sanitising of the deprecated `policies` list: trimmed, lower-cased, non-empty,
/// de-duplicated, sorted.
fn sanitize_policies(list: &[String]) -> Vec<String> {
    let mut v: Vec<String> = list
        .iter()
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// `bound_claims` in Vault's form (a JSON object) or the contract's extra forms: a JSON
/// object held in a string (also what `@file.json` gives), or `key=value[,key=value…]` where a
/// repeated key makes a list.
/// `None` is a JSON null, which OpenBao stores as a nil map (clearing the claims).
fn parse_bound_claims(v: &Value) -> Result<Option<Map<String, Value>>, ApiError> {
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
        other => return Ok(fields::map("bound_claims", other)?),
    };
    if text.starts_with('{') {
        return match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => Ok(Some(m)),
            _ => Err(ApiError::bad_request(format!(
                "error converting input for field \"bound_claims\": \
                 expected a JSON object or key=value pairs, got {text:?}"
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
            return Err(ApiError::bad_request(format!(
                "error converting input for field \"bound_claims\": \
                 expected key=value, got {pair:?}"
            )));
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
        return Ok(fields::map("bound_claims", v)?);
    }
    Ok(Some(out))
}

/// `write auth/<mount>/role/<name>`.
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
    let was_glob = existing
        .as_ref()
        .is_some_and(|r| r.bound_claims_type == "glob");
    let mut r = existing.unwrap_or_default();
    let mut warnings = Vec::new();

    // Field conversion first, as Vault validates every field before the handler.
    let get = |k: &str| body.get(k);
    let str_of = |k: &str| get(k).map(|v| fields::string(k, v)).transpose();
    let list_of = |k: &str| get(k).map(|v| fields::comma_string_slice(k, v)).transpose();
    let dur_of = |k: &str| {
        get(k)
            .map(|v| fields::duration_seconds(k, v))
            .transpose()
            .map(Option::flatten)
    };
    let sdur_of = |k: &str| {
        get(k)
            .map(|v| fields::signed_duration_seconds(k, v))
            .transpose()
            .map(Option::flatten)
    };
    let bool_of = |k: &str| get(k).map(|v| fields::bool(k, v)).transpose();
    let int_of = |k: &str| get(k).map(|v| fields::int(k, v)).transpose();

    let role_type = str_of("role_type")?;
    let token_bound_cidrs = list_of("token_bound_cidrs")?;
    let token_explicit_max_ttl = dur_of("token_explicit_max_ttl")?;
    let token_max_ttl = dur_of("token_max_ttl")?;
    let token_no_default_policy = bool_of("token_no_default_policy")?;
    let token_num_uses = int_of("token_num_uses")?;
    let token_period = dur_of("token_period")?;
    let token_policies = list_of("token_policies")?;
    let token_type = str_of("token_type")?;
    let token_ttl = dur_of("token_ttl")?;
    let token_strictly_bind_ip = bool_of("token_strictly_bind_ip")?;
    let token_policies_template_claims = bool_of("token_policies_template_claims")?;
    let policies = list_of("policies")?;
    let ttl = dur_of("ttl")?;
    let max_ttl = dur_of("max_ttl")?;
    let period = dur_of("period")?;
    let num_uses = int_of("num_uses")?;
    let bound_cidrs = list_of("bound_cidrs")?;
    let clock_skew_leeway = sdur_of("clock_skew_leeway")?;
    let expiration_leeway = sdur_of("expiration_leeway")?;
    let not_before_leeway = sdur_of("not_before_leeway")?;
    let bound_audiences = list_of("bound_audiences")?;
    let bound_subject = str_of("bound_subject")?;
    let verbose = bool_of("verbose_oidc_logging")?;
    let max_age = dur_of("max_age")?;
    let bound_claims_type = str_of("bound_claims_type")?;
    let bound_claims = get("bound_claims").map(parse_bound_claims).transpose()?;
    let claim_mappings = get("claim_mappings")
        .map(|v| fields::kv_pairs("claim_mappings", v))
        .transpose()?
        .flatten();
    let user_claim = str_of("user_claim")?;
    let user_claim_json_pointer = bool_of("user_claim_json_pointer")?;
    let groups_claim = str_of("groups_claim")?;
    let oidc_scopes = list_of("oidc_scopes")?;
    let allowed_redirect_uris = list_of("allowed_redirect_uris")?;
    let callback_mode = str_of("callback_mode")?;
    let oidc_disable_confirmation = bool_of("oidc_disable_confirmation")?;
    let oauth2_metadata = list_of("oauth2_metadata")?;

    // 3. role_type (jwtvault: omitted means jwt).
    let role_type = role_type.unwrap_or_else(|| "jwt".into());
    if role_type != "jwt" && role_type != "oidc" {
        return Err(ApiError::bad_request(format!(
            "invalid 'role_type': {role_type}"
        )));
    }
    r.role_type = role_type;

    // 4. token_* fields, in tokenutil's order.
    if let Some(c) = &token_bound_cidrs {
        r.token_bound_cidrs = parse_cidrs(c)?;
    }
    if let Some(v) = token_explicit_max_ttl {
        r.token_explicit_max_ttl = v;
    }
    if let Some(v) = token_max_ttl {
        if v < 0 {
            return Err(ApiError::bad_request("'token_max_ttl' cannot be negative"));
        }
        r.token_max_ttl = v;
    }
    if let Some(v) = token_no_default_policy {
        r.token_no_default_policy = v;
    }
    if let Some(v) = token_num_uses {
        if v < 0 {
            return Err(ApiError::bad_request("'token_num_uses' cannot be negative"));
        }
        r.token_num_uses = v;
    }
    if let Some(v) = token_period {
        if v < 0 {
            return Err(ApiError::bad_request("'token_period' cannot be negative"));
        }
        r.token_period = v;
    }
    if let Some(v) = &token_policies {
        r.token_policies = v.clone();
    }
    if let Some(t) = &token_type {
        r.token_type = match t.as_str() {
            "" | "default" => "default".into(),
            "service" | "batch" => t.clone(),
            other => {
                return Err(ApiError::bad_request(format!(
                    "invalid 'token_type' value \"{other}\""
                )))
            }
        };
    }
    if r.token_type == "batch" {
        if r.token_period != 0 {
            return Err(ApiError::bad_request(
                "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
            ));
        }
        if r.token_num_uses != 0 {
            return Err(ApiError::bad_request(
                "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count",
            ));
        }
    }
    if let Some(v) = token_ttl {
        if v < 0 {
            return Err(ApiError::bad_request("'token_ttl' cannot be negative"));
        }
        r.token_ttl = v;
    }
    if r.token_ttl > 0 && r.token_max_ttl > 0 && r.token_ttl > r.token_max_ttl {
        return Err(ApiError::bad_request(
            "'token_ttl' cannot be greater than 'token_max_ttl'",
        ));
    }
    if let Some(v) = token_strictly_bind_ip {
        r.token_strictly_bind_ip = v;
    }
    if let Some(v) = token_policies_template_claims {
        r.token_policies_template_claims = v;
    }

    // 5. Deprecated aliases (§3.4): the new name wins; the old one mirrors it.
    upgrade(
        &mut r.token_policies,
        &mut r.policies,
        &token_policies,
        policies.map(|p| sanitize_policies(&p)),
    );
    upgrade(&mut r.token_ttl, &mut r.ttl, &token_ttl, ttl);
    upgrade(
        &mut r.token_max_ttl,
        &mut r.max_ttl,
        &token_max_ttl,
        max_ttl,
    );
    upgrade(&mut r.token_period, &mut r.period, &token_period, period);
    upgrade(
        &mut r.token_num_uses,
        &mut r.num_uses,
        &token_num_uses,
        num_uses,
    );
    let bound_cidrs = bound_cidrs.map(|c| parse_cidrs(&c)).transpose()?;
    upgrade(
        &mut r.token_bound_cidrs,
        &mut r.bound_cidrs,
        &token_bound_cidrs,
        bound_cidrs,
    );

    // 6. The period may not exceed the mount's maximum lease TTL.
    let mount_max = if mount.max_lease_ttl > 0 {
        mount.max_lease_ttl
    } else {
        SYSTEM_TTL
    };
    if r.token_period > mount_max {
        return Err(ApiError::bad_request(format!(
            "'period' of '\"{}\"' is greater than the backend's maximum lease TTL of '\"{}\"'",
            gofmt::go_duration(r.token_period),
            gofmt::go_duration(mount_max)
        )));
    }

    // 7. Leeways, audiences, subject, logging, max_age: stored when present.
    if let Some(v) = clock_skew_leeway {
        r.clock_skew_leeway = v;
    }
    if let Some(v) = expiration_leeway {
        r.expiration_leeway = v;
    }
    if let Some(v) = not_before_leeway {
        r.not_before_leeway = v;
    }
    if let Some(v) = bound_audiences {
        r.bound_audiences = Some(v);
    }
    if let Some(v) = bound_subject {
        r.bound_subject = v;
    }
    if let Some(v) = verbose {
        r.verbose_oidc_logging = v;
        if v {
            warnings.push(
                "verbose_oidc_logging has been enabled for this role. This is not recommended in production since sensitive information may be present in OIDC responses."
                    .to_string(),
            );
        }
    }
    if let Some(v) = max_age {
        r.max_age = v;
    }

    // 8. bound_claims_type: omitted resets to string.
    let claims_type = bound_claims_type.unwrap_or_else(|| "string".into());
    if claims_type != "string" && claims_type != "glob" {
        return Err(ApiError::bad_request(format!(
            "invalid 'bound_claims_type': {claims_type}"
        )));
    }
    if was_glob && claims_type == "string" && !body.contains_key("bound_claims_type") {
        warnings.push(
            "bound_claims_type was not given and has been reset from \"glob\" to \"string\"; \
             send bound_claims_type=glob with every write to keep glob matching"
                .to_string(),
        );
    }
    r.bound_claims_type = claims_type;

    // 9. bound_claims, with glob values checked.
    if let Some(bc) = bound_claims {
        if r.bound_claims_type == "glob" {
            for v in bc.iter().flat_map(Map::values) {
                match v {
                    Value::String(_) => {}
                    Value::Array(items) => {
                        if let Some(bad) = items.iter().find(|i| !i.is_string()) {
                            return Err(ApiError::bad_request(format!(
                                "claim is not a string: {}",
                                gofmt::format_value(bad)
                            )));
                        }
                    }
                    Value::Object(_) => {
                        return Err(ApiError::bad_request(format!(
                            "claim is not a string or list: {}",
                            gofmt::format_value(v)
                        )))
                    }
                    other => {
                        return Err(ApiError::bad_request(format!(
                            "claim is not a string: {}",
                            gofmt::format_value(other)
                        )))
                    }
                }
            }
        }
        r.bound_claims = bc;
    }

    // 10. claim_mappings: `role` is reserved, targets unique.
    if let Some(cm) = claim_mappings {
        let mut targets = std::collections::BTreeSet::new();
        for target in cm.values() {
            if target == "role" {
                return Err(ApiError::bad_request(
                    "metadata key \"role\" is reserved and may not be a mapping destination",
                ));
            }
            if !targets.insert(target.clone()) {
                return Err(ApiError::bad_request(format!(
                    "multiple keys are mapped to metadata key \"{target}\""
                )));
            }
        }
        r.claim_mappings = Some(cm);
    }

    // 11. user_claim.
    if let Some(v) = user_claim {
        r.user_claim = v;
    }
    if r.user_claim.is_empty() {
        return Err(ApiError::bad_request(
            "a user claim must be defined on the role",
        ));
    }

    // 12. Pointer flag, groups, OIDC-only fields.
    if let Some(v) = user_claim_json_pointer {
        r.user_claim_json_pointer = v;
    }
    if let Some(v) = groups_claim {
        r.groups_claim = v;
    }
    if let Some(v) = oidc_scopes {
        r.oidc_scopes = Some(v);
    }
    if let Some(v) = allowed_redirect_uris {
        r.allowed_redirect_uris = Some(v);
    }
    if let Some(v) = callback_mode {
        r.callback_mode = v;
    }
    if let Some(v) = oidc_disable_confirmation {
        r.oidc_disable_confirmation = v;
    }
    if let Some(v) = oauth2_metadata {
        r.oauth2_metadata = Some(v);
    }

    // 13–14. What each role type requires.
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

    // 15. ttl vs max ttl (reachable through the deprecated fields).
    if r.token_max_ttl > 0 && r.token_ttl > r.token_max_ttl {
        return Err(ApiError::bad_request(
            "ttl should not be greater than max ttl",
        ));
    }

    // 16. Warnings.
    if r.token_max_ttl > mount_max {
        warnings.insert(
            0,
            "token max ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated"
                .to_string(),
        );
    }

    store.put_role(&mount.accessor, &name, &r)?;
    Ok(Response {
        warnings,
        ..Response::default()
    })
}

/// §3.4: only new given → new set, old cleared; only old → both set; both → new wins, old = new.
fn upgrade<T: Clone + Default>(
    new: &mut T,
    old: &mut T,
    new_given: &Option<T>,
    old_given: Option<T>,
) {
    match (new_given, old_given) {
        (Some(_), Some(_)) => *old = new.clone(),
        (Some(_), None) => *old = T::default(),
        (None, Some(o)) => {
            *new = o.clone();
            *old = o;
        }
        (None, None) => {}
    }
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
        let parse = |v: Value| Value::Object(parse_bound_claims(&v).unwrap().unwrap());
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
        assert_eq!(parse_bound_claims(&Value::Null).unwrap(), None);
        assert!(parse_bound_claims(&json!("nope")).is_err());
        assert!(parse_bound_claims(&json!("{bad json")).is_err());
    }

    #[test]
    fn deprecated_policies_are_sanitised() {
        assert_eq!(
            sanitize_policies(&["B".into(), " a".into(), "".into(), "a".into()]),
            ["a", "b"]
        );
    }

    #[test]
    fn upgrade_rules() {
        let (mut new, mut old) = (0i64, 0i64);
        upgrade(&mut new, &mut old, &None, Some(5));
        assert_eq!((new, old), (5, 5));
        new = 7;
        upgrade(&mut new, &mut old, &Some(7), Some(9));
        assert_eq!((new, old), (7, 7));
        upgrade(&mut new, &mut old, &Some(7), None);
        assert_eq!((new, old), (7, 0));
    }
}
