//! Vault's `sdk/helper/tokenutil`: the token settings every auth method's role carries
//! (`token_ttl`, `token_max_ttl`, `token_explicit_max_ttl`, `token_period`, `token_policies`,
//! `token_bound_cidrs`, `token_no_default_policy`, `token_num_uses`, `token_type`), their field
//! table, `ParseTokenFields` with its checks and messages, and the upgrade of the deprecated
//! names (`policies`, `bound_cidrs`, `num_uses`, `ttl`, `max_ttl`, `period`,
//! vault-jwt-reference §3.4).
//!
//! An auth method lists [`TOKEN_FIELDS`] (and [`DEPRECATED_FIELDS`] if it had the old names)
//! in its field table, then calls [`TokenParams::parse_token_fields`] and
//! [`upgrade_deprecated`] on its stored values. No I/O.

use crate::api::ApiError;
use crate::framework::{FieldData, FieldSchema, FieldType};

/// Vault's `tokenutil.TokenFields()`, in the order jwtvault converts them.
pub const TOKEN_FIELDS: &[FieldSchema] = &[
    FieldSchema::new("token_bound_cidrs", FieldType::CommaStringSlice),
    FieldSchema::new("token_explicit_max_ttl", FieldType::DurationSecond),
    FieldSchema::new("token_max_ttl", FieldType::DurationSecond),
    FieldSchema::new("token_no_default_policy", FieldType::Bool),
    FieldSchema::new("token_num_uses", FieldType::Int),
    FieldSchema::new("token_period", FieldType::DurationSecond),
    FieldSchema::new("token_policies", FieldType::CommaStringSlice),
    FieldSchema::with_default("token_type", FieldType::String, "default-service"),
    FieldSchema::new("token_ttl", FieldType::DurationSecond),
];

/// The deprecated names of the token fields, in the order jwtvault converts them.
pub const DEPRECATED_FIELDS: &[FieldSchema] = &[
    FieldSchema::deprecated("policies", FieldType::CommaStringSlice, "token_policies"),
    FieldSchema::deprecated("ttl", FieldType::DurationSecond, "token_ttl"),
    FieldSchema::deprecated("max_ttl", FieldType::DurationSecond, "token_max_ttl"),
    FieldSchema::deprecated("period", FieldType::DurationSecond, "token_period"),
    FieldSchema::deprecated("num_uses", FieldType::Int, "token_num_uses"),
    FieldSchema::deprecated(
        "bound_cidrs",
        FieldType::CommaStringSlice,
        "token_bound_cidrs",
    ),
];

/// Vault's `tokenutil.TokenParams`: durations in whole seconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TokenParams {
    pub token_bound_cidrs: Vec<String>,
    pub token_explicit_max_ttl: i64,
    pub token_max_ttl: i64,
    pub token_no_default_policy: bool,
    pub token_num_uses: i64,
    pub token_period: i64,
    pub token_policies: Vec<String>,
    /// `default`, `service` or `batch`; empty in a role stored before it was set.
    pub token_type: String,
    pub token_ttl: i64,
}

/// The values stored under the deprecated names, kept so that a read shows them (§3.4).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeprecatedParams {
    pub policies: Vec<String>,
    pub ttl: i64,
    pub max_ttl: i64,
    pub period: i64,
    pub num_uses: i64,
    pub bound_cidrs: Vec<String>,
}

impl TokenParams {
    /// Vault's `ParseTokenFields`: each token field the request gives replaces the stored
    /// value, then its check runs on the result (so a negative use count stored through the
    /// deprecated `num_uses` fails every later write, as in OpenBao), in OpenBao 2.7's order;
    /// the first failure is the request's error.
    pub fn parse_token_fields(&mut self, d: &FieldData) -> Result<(), ApiError> {
        if let Some(c) = d.strings("token_bound_cidrs") {
            self.token_bound_cidrs = parse_addrs(&c)?;
        }
        if let Some(v) = d.seconds("token_explicit_max_ttl") {
            self.token_explicit_max_ttl = v;
        }
        if let Some(v) = d.seconds("token_max_ttl") {
            self.token_max_ttl = v;
        }
        if self.token_max_ttl < 0 {
            return Err(ApiError::bad_request("'token_max_ttl' cannot be negative"));
        }
        if let Some(v) = d.bool("token_no_default_policy") {
            self.token_no_default_policy = v;
        }
        if let Some(v) = d.seconds("token_period") {
            self.token_period = v;
        }
        if self.token_period < 0 {
            return Err(ApiError::bad_request("'token_period' cannot be negative"));
        }
        if let Some(v) = d.strings("token_policies") {
            self.token_policies = v;
        }
        if let Some(t) = d.string("token_type") {
            self.token_type = parse_token_type(&t)?;
        }
        if let Some(v) = d.int("token_num_uses") {
            self.token_num_uses = v;
        }
        if self.token_num_uses < 0 {
            return Err(ApiError::bad_request("'token_num_uses' cannot be negative"));
        }
        self.check_batch()?;
        if let Some(v) = d.seconds("token_ttl") {
            self.token_ttl = v;
        }
        if self.token_ttl < 0 {
            return Err(ApiError::bad_request("'token_ttl' cannot be negative"));
        }
        if self.token_ttl > 0 && self.token_max_ttl > 0 && self.token_ttl > self.token_max_ttl {
            return Err(ApiError::bad_request(
                "'token_ttl' cannot be greater than 'token_max_ttl'",
            ));
        }
        Ok(())
    }

    /// Batch tokens are neither periodic nor limited in uses.
    fn check_batch(&self) -> Result<(), ApiError> {
        if self.token_type != "batch" {
            return Ok(());
        }
        if self.token_period != 0 {
            return Err(ApiError::bad_request(
                "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
            ));
        }
        if self.token_num_uses != 0 {
            return Err(ApiError::bad_request(
                "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count",
            ));
        }
        Ok(())
    }
}

/// `token_type`: `""` is `default`.
fn parse_token_type(t: &str) -> Result<String, ApiError> {
    match t {
        "" | "default" => Ok("default".into()),
        "service" | "batch" => Ok(t.to_string()),
        other => Err(ApiError::bad_request(format!(
            "invalid 'token_type' value \"{other}\""
        ))),
    }
}

/// Vault's `tokenutil.UpgradeValue` for every deprecated name, in the JWT plugin's order
/// (§3.4): only the new name given → new set, old cleared; only the old → both set to it
/// (`policies` sanitised, `bound_cidrs` parsed); both → the new one wins and the old mirrors it
/// (the old value is then not even parsed).
pub fn upgrade_deprecated(
    new: &mut TokenParams,
    old: &mut DeprecatedParams,
    d: &FieldData,
) -> Result<(), ApiError> {
    let given = |new_name: &str, old_name: &str| (d.has(new_name), d.has(old_name));
    upgrade(
        &mut new.token_policies,
        &mut old.policies,
        given("token_policies", "policies"),
        || Ok(parse_policies(&d.strings("policies").unwrap_or_default())),
    )?;
    upgrade(
        &mut new.token_bound_cidrs,
        &mut old.bound_cidrs,
        given("token_bound_cidrs", "bound_cidrs"),
        || parse_addrs(&d.strings("bound_cidrs").unwrap_or_default()),
    )?;
    upgrade(
        &mut new.token_num_uses,
        &mut old.num_uses,
        given("token_num_uses", "num_uses"),
        || Ok(d.int("num_uses").unwrap_or_default()),
    )?;
    upgrade(
        &mut new.token_ttl,
        &mut old.ttl,
        given("token_ttl", "ttl"),
        || Ok(d.seconds("ttl").unwrap_or_default()),
    )?;
    upgrade(
        &mut new.token_max_ttl,
        &mut old.max_ttl,
        given("token_max_ttl", "max_ttl"),
        || Ok(d.seconds("max_ttl").unwrap_or_default()),
    )?;
    upgrade(
        &mut new.token_period,
        &mut old.period,
        given("token_period", "period"),
        || Ok(d.seconds("period").unwrap_or_default()),
    )
}

/// One deprecated name, `given` telling whether the (new, old) names were given; the old
/// value is converted only when it is used.
fn upgrade<T: Clone + Default>(
    new: &mut T,
    old: &mut T,
    given: (bool, bool),
    old_value: impl FnOnce() -> Result<T, ApiError>,
) -> Result<(), ApiError> {
    match given {
        (true, true) => *old = new.clone(),
        (true, false) => *old = T::default(),
        (false, true) => {
            let o = old_value()?;
            *new = o.clone();
            *old = o;
        }
        (false, false) => {}
    }
    Ok(())
}

/// Parses an address list the way Vault's `parseutil.ParseAddrs` does: each entry trimmed,
/// empty ones dropped, a bare IP (a host route) kept as written.
pub fn parse_addrs(items: &[String]) -> Result<Vec<String>, ApiError> {
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

/// Vault's `policyutil.ParsePolicies` of the deprecated `policies` list: trimmed,
/// lower-cased, non-empty, de-duplicated, sorted; `root` anywhere is the whole list.
pub fn parse_policies(list: &[String]) -> Vec<String> {
    let mut v: Vec<String> = list
        .iter()
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    if v.iter().any(|p| p == "root") {
        return vec!["root".to_string()];
    }
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};

    fn data(v: Value) -> FieldData {
        let Value::Object(m) = v else {
            return FieldData::parse(&Map::new(), &[]).unwrap();
        };
        FieldData::parse(&m, &[TOKEN_FIELDS, DEPRECATED_FIELDS]).unwrap()
    }

    fn parsed(p: &mut TokenParams, v: Value) -> Result<(), String> {
        p.parse_token_fields(&data(v))
            .map_err(|e| e.errors.join("; "))
    }

    #[test]
    fn each_token_field_is_parsed_into_its_param() {
        let mut p = TokenParams::default();
        parsed(
            &mut p,
            json!({
                "token_bound_cidrs": " 10.0.0.0/8, ,127.0.0.1", "token_explicit_max_ttl": "2h",
                "token_max_ttl": "1h", "token_no_default_policy": true, "token_num_uses": 3,
                "token_period": "30m", "token_policies": "A,b", "token_type": "", "token_ttl": 60
            }),
        )
        .unwrap();
        assert_eq!(
            p,
            TokenParams {
                token_bound_cidrs: vec!["10.0.0.0/8".into(), "127.0.0.1".into()],
                token_explicit_max_ttl: 7200,
                token_max_ttl: 3600,
                token_no_default_policy: true,
                token_num_uses: 3,
                token_period: 1800,
                // Stored verbatim, unlike the deprecated `policies`.
                token_policies: vec!["A".into(), "b".into()],
                token_type: "default".into(),
                token_ttl: 60,
            }
        );
        // Nothing given: nothing changes.
        let before = p.clone();
        parsed(&mut p, json!({})).unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn token_field_checks_use_vaults_messages() {
        // Each request on a role with default settings.
        let fresh = |v: Value| parsed(&mut TokenParams::default(), v);
        assert_eq!(
            fresh(json!({"token_num_uses": -1})),
            Err("'token_num_uses' cannot be negative".into())
        );
        assert_eq!(
            fresh(json!({"token_type": "default-batch"})),
            Err("invalid 'token_type' value \"default-batch\"".into())
        );
        assert_eq!(
            fresh(json!({"token_type": "batch", "token_period": 60})),
            Err("'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens".into())
        );
        assert_eq!(
            fresh(json!({"token_type": "batch", "token_num_uses": 2})),
            Err("'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count".into())
        );
        assert_eq!(
            fresh(json!({"token_ttl": 61, "token_max_ttl": 60})),
            Err("'token_ttl' cannot be greater than 'token_max_ttl'".into())
        );
        assert_eq!(
            fresh(json!({"token_bound_cidrs": "10.0.0.0/8,banana"})),
            Err("error parsing address \"banana\": Unable to convert \"banana\" to an IPv4 or IPv6 address, or a UNIX Socket".into())
        );
        // OpenBao 2.7's order: the token type before the use count.
        assert_eq!(
            fresh(json!({"token_num_uses": -1, "token_type": "bogus"})),
            Err("invalid 'token_type' value \"bogus\"".into())
        );
        // The checks look at the result: a negative count stored through `num_uses` fails
        // any later write.
        let mut stored = TokenParams {
            token_num_uses: -1,
            ..TokenParams::default()
        };
        assert_eq!(
            parsed(&mut stored, json!({})),
            Err("'token_num_uses' cannot be negative".into())
        );
        // The batch check looks at the stored values too.
        let mut p = TokenParams {
            token_period: 60,
            ..TokenParams::default()
        };
        assert!(parsed(&mut p, json!({"token_type": "batch"})).is_err());
    }

    #[test]
    fn deprecated_names_follow_vaults_upgrade_rules() {
        let up = |new: &mut TokenParams, old: &mut DeprecatedParams, v: Value| {
            upgrade_deprecated(new, old, &data(v)).map_err(|e| e.errors.join("; "))
        };
        // Only the old name: both set, policies sanitised.
        let (mut new, mut old) = (TokenParams::default(), DeprecatedParams::default());
        up(
            &mut new,
            &mut old,
            json!({"policies": "B, a,,A", "ttl": "1m", "max_ttl": 120, "period": 30,
                   "num_uses": 4, "bound_cidrs": "10.0.0.1"}),
        )
        .unwrap();
        assert_eq!(new.token_policies, ["a", "b"]);
        assert_eq!(old.policies, ["a", "b"]);
        assert_eq!((new.token_ttl, old.ttl), (60, 60));
        assert_eq!((new.token_max_ttl, old.max_ttl), (120, 120));
        assert_eq!((new.token_period, old.period), (30, 30));
        assert_eq!((new.token_num_uses, old.num_uses), (4, 4));
        assert_eq!(new.token_bound_cidrs, ["10.0.0.1"]);
        assert_eq!(old.bound_cidrs, ["10.0.0.1"]);
        // Both names: the new value (already parsed into `new`) wins, the old mirrors it.
        new.token_ttl = 10;
        up(&mut new, &mut old, json!({"token_ttl": 10, "ttl": 99})).unwrap();
        assert_eq!((new.token_ttl, old.ttl), (10, 10));
        // Only the new name: the old is cleared.
        up(&mut new, &mut old, json!({"token_ttl": 10})).unwrap();
        assert_eq!((new.token_ttl, old.ttl), (10, 0));
        // Neither: unchanged.
        up(&mut new, &mut old, json!({})).unwrap();
        assert_eq!((new.token_period, old.period), (30, 30));
        // A bad old value given with the new one is never parsed.
        up(
            &mut new,
            &mut old,
            json!({"token_bound_cidrs": "", "bound_cidrs": "nope"}),
        )
        .unwrap();
        assert_eq!(
            up(&mut new, &mut old, json!({"bound_cidrs": "nope"})),
            Err("error parsing address \"nope\": Unable to convert \"nope\" to an IPv4 or IPv6 address, or a UNIX Socket".into())
        );
    }

    #[test]
    fn deprecated_policies_are_parsed_as_vault_does() {
        assert_eq!(
            parse_policies(&["B".into(), " a".into(), "".into(), "a".into()]),
            ["a", "b"]
        );
        assert_eq!(parse_policies(&["a".into(), " Root ".into()]), ["root"]);
    }
}
