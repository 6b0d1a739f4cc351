//! The claims layer of Vault's JWT login: everything Vault does with the claims of a token whose
//! signature and `alg` have already been verified (vault-jwt-reference §4.8.3–§4.11, §5).
//!
//! Owns, in Vault's order: the registered-claim names and types (§4.8.3, with cap HEAD's
//! case-folding rejection), `iss`/`sub`/`aud`, the three leeways and the time checks (§4.8.4),
//! the strict audience rule (§4.9), identity extraction (§4.10: user claim, claim_mappings,
//! groups), bound_claims (§4.11, §5.2), claim lookup with JSON pointers (§5.1) and go-glob (§5.3).
//! Every failure carries Vault's message byte for byte plus a hint (contract §4, "the
//! explanation"); every check, passed or failed, is recorded in a [`Trace`] for `-explain`.
//!
//! Must not: read the clock (`now` is an argument), do I/O, verify signatures, touch the store,
//! or print secrets (it only ever sees the claims, never the token or its signature).
//!
//! Claims arrive as a `serde_json::Map` decoded with `arbitrary_precision`, so every number keeps
//! its literal text. Vault's Go code sees every token number as an `f64`; the helpers below
//! rebuild what Go would compute from that (truncation, amd64 overflow, `%v`/`%e` printing).

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

pub use crate::gofmt::go_quote;

/// The registered claims cap decodes into typed fields (go-jose `jwt.Claims`), in byte order:
/// Go re-encodes the payload with sorted keys, so the first failing key in this order is the
/// error reported.
const REGISTERED: [&str; 7] = ["aud", "exp", "iat", "iss", "jti", "nbf", "sub"];

/// Seconds from 0001-01-01 to 1970-01-01: Go's `time` stores wall seconds from year 1, so
/// `time.Unix(sec, 0)` adds this (wrapping on overflow), which decides extreme timestamps.
const UNIX_TO_INTERNAL: i64 = 62_135_596_800;

const DEFAULT_EXP_NBF_LEEWAY: i64 = 150;
const DEFAULT_CLOCK_SKEW: i64 = 60;

/// Longest value rendering put in a hint; claims can be large and hints must stay readable.
const HINT_VALUE_MAX: usize = 200;

// ---------------------------------------------------------------------------------------------
// Errors and the explain trace
// ---------------------------------------------------------------------------------------------

/// A login refusal: Vault's full message (with its prefix) and the explanation lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimError {
    /// HTTP status Vault answers with: 400, or 500 for core's `missing name in alias`.
    pub status: u16,
    /// Vault's text, byte for byte, e.g. `error validating token: invalid issuer (iss) claim`.
    pub message: String,
    /// What the token held against what was expected; never a secret.
    pub hint: Vec<String>,
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ClaimError {}

/// One check of the login, as `-explain` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

/// Collects every check in evaluation order. The same code path fills it and builds the
/// errors, so `-explain` and the `Hint:` block can never disagree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub checks: Vec<Check>,
    /// Passed checks are not recorded (and their details never formatted): a login without
    /// `-explain` needs only the failure, and formatting every step costs more than parsing.
    quiet: bool,
}

/// The detail of a passed check: text, or a closure run only when the trace records.
pub trait Detail {
    fn into_detail(self) -> String;
}

impl Detail for &str {
    fn into_detail(self) -> String {
        self.to_string()
    }
}

impl Detail for &String {
    fn into_detail(self) -> String {
        self.clone()
    }
}

impl Detail for String {
    fn into_detail(self) -> String {
        self
    }
}

impl<F: FnOnce() -> String> Detail for F {
    fn into_detail(self) -> String {
        self()
    }
}

impl Trace {
    pub fn new() -> Self {
        Self::default()
    }

    /// A trace that keeps only failures (a login without `-explain`).
    pub fn quiet() -> Self {
        Trace {
            checks: Vec::new(),
            quiet: true,
        }
    }

    /// Records a passed check.
    pub fn pass(&mut self, name: &str, detail: impl Detail) {
        if self.quiet {
            return;
        }
        self.checks.push(Check {
            name: name.to_string(),
            passed: true,
            detail: detail.into_detail(),
        });
    }

    fn fail(&mut self, name: &str, message: String, hint: Vec<String>) -> ClaimError {
        self.fail_status(name, 400, message, hint)
    }

    fn fail_status(
        &mut self,
        name: &str,
        status: u16,
        message: String,
        hint: Vec<String>,
    ) -> ClaimError {
        self.checks.push(Check {
            name: name.to_string(),
            passed: false,
            detail: hint.join("; "),
        });
        ClaimError {
            status,
            message,
            hint,
        }
    }

    /// Records a failed check made outside this module (role, keys, signature).
    pub fn failed(&mut self, name: &str, detail: impl Into<String>) {
        self.checks.push(Check {
            name: name.to_string(),
            passed: false,
            detail: detail.into(),
        });
    }

    /// One line per check: `ok   name: detail` or `FAIL name: detail`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.checks {
            let mark = if c.passed { "ok  " } else { "FAIL" };
            out.push_str(&format!("{mark} {}: {}\n", c.name, c.detail));
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// What the config and role require of the registered claims.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// Config `bound_issuer`; empty = not checked.
    pub bound_issuer: &'a str,
    /// Role `bound_subject`; empty = not checked.
    pub bound_subject: &'a str,
    /// Effective audiences: the role's `bound_audiences` if non-empty, else the config's
    /// `token_audiences` (contract extension). Empty = not checked.
    pub bound_audiences: &'a [String],
    /// True when `bound_audiences` came from the config's `token_audiences` (for hints only).
    pub audiences_from_config: bool,
    /// Stored seconds: 0 = default (60), negative = none.
    pub clock_skew_leeway: i64,
    /// Stored seconds: 0 = default (150), negative = none.
    pub expiration_leeway: i64,
    /// Stored seconds: 0 = default (150), negative = none.
    pub not_before_leeway: i64,
}

/// Which strict-audience rule to apply when no audiences are bound (§4.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AudienceRule {
    /// Vault ≥ 1.17 (reference §4.9): a non-empty string or a non-empty array is refused;
    /// absent, `""` and `[]` pass.
    #[default]
    Vault,
    /// OpenBao 2.7 as observed: any string (even `""`) or a non-empty array is refused.
    OpenBao,
}

/// How the role turns claims into an identity (§4.10).
#[derive(Debug, Clone, Copy)]
pub struct IdentityRules<'a> {
    pub role_name: &'a str,
    pub user_claim: &'a str,
    pub user_claim_json_pointer: bool,
    /// Empty = no groups.
    pub groups_claim: &'a str,
    pub claim_mappings: Option<&'a BTreeMap<String, String>>,
}

/// The identity a successful login produces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    pub alias_name: String,
    /// claim_mappings results plus `role`.
    pub metadata: BTreeMap<String, String>,
    /// Group alias names, token order, empty strings dropped, duplicates kept.
    pub groups: Vec<String>,
}

/// Everything the claims layer needs for one login.
#[derive(Debug, Clone, Copy)]
pub struct LoginRules<'a> {
    pub expected: Expected<'a>,
    pub audience_rule: AudienceRule,
    pub identity: IdentityRules<'a>,
    /// Role `bound_claims` (numbers keep their literal text).
    pub bound_claims: Option<&'a Map<String, Value>>,
    /// `bound_claims_type == "glob"`.
    pub bound_claims_glob: bool,
}

/// Runs every claims-level step of Vault's login in Vault's order: registered claims and
/// times, strict audience, identity, bound claims, then core's empty-alias check.
pub fn check_claims(
    claims: &Map<String, Value>,
    rules: &LoginRules<'_>,
    now: f64,
    trace: &mut Trace,
) -> Result<Identity, ClaimError> {
    validate_registered(claims, &rules.expected, now, trace)?;
    strict_audience(
        claims,
        rules.expected.bound_audiences,
        rules.audience_rule,
        trace,
    )?;
    let identity = extract_identity(claims, &rules.identity, trace)?;
    match rules.bound_claims.filter(|b| !b.is_empty()) {
        Some(bound) => validate_bound_claims(claims, bound, rules.bound_claims_glob, trace)?,
        // `-explain` lists every step, the ones with nothing to check included.
        None => trace.pass("bound claims", "no bound_claims: not checked"),
    }
    // Vault core refuses an empty alias name only after the plugin returned (§4.13).
    if identity.alias_name.is_empty() {
        return Err(trace.fail_status(
            "alias name",
            500,
            "missing name in alias".to_string(),
            vec![format!(
                "user claim {} is an empty string; Vault core refuses an empty alias name",
                go_quote(rules.identity.user_claim)
            )],
        ));
    }
    trace.pass("alias name", || go_quote(&identity.alias_name));
    Ok(identity)
}

// ---------------------------------------------------------------------------------------------
// Registered claims (§4.8.3) and time (§4.8.4)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Registered {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Vec<String>>,
    exp: i64,
    nbf: i64,
    iat: i64,
}

const TOKEN_PREFIX: &str = "error validating token: ";
const ERR_AUDIENCE_TYPE: &str =
    "go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience";
const ERR_NUMERIC_DATE: &str =
    "go-jose/go-jose/jwt: expected number value to unmarshal NumericDate";

/// §4.8.3 then §4.8.4: names, types, iss, sub, aud, then the time claims.
pub fn validate_registered(
    claims: &Map<String, Value>,
    expected: &Expected<'_>,
    now: f64,
    trace: &mut Trace,
) -> Result<(), ClaimError> {
    check_case_folding(claims, trace)?;
    let reg = decode_registered(claims, trace)?;

    // 1. issuer
    if expected.bound_issuer.is_empty() {
        trace.pass("issuer (iss)", "no bound_issuer: not checked");
    } else if reg.iss.as_deref().unwrap_or("") != expected.bound_issuer {
        return Err(trace.fail(
            "issuer (iss)",
            format!("{TOKEN_PREFIX}invalid issuer (iss) claim"),
            vec![format!(
                "token iss: {}; bound issuer: {}",
                opt_str(reg.iss.as_deref()),
                json_str(expected.bound_issuer)
            )],
        ));
    } else {
        trace.pass("issuer (iss)", || {
            format!(
                "token iss {} equals bound issuer",
                json_str(expected.bound_issuer)
            )
        });
    }

    // 2. subject
    if expected.bound_subject.is_empty() {
        trace.pass("subject (sub)", "no bound_subject: not checked");
    } else if reg.sub.as_deref().unwrap_or("") != expected.bound_subject {
        return Err(trace.fail(
            "subject (sub)",
            format!("{TOKEN_PREFIX}invalid subject (sub) claim"),
            vec![format!(
                "token sub: {}; bound subject: {}",
                opt_str(reg.sub.as_deref()),
                json_str(expected.bound_subject)
            )],
        ));
    } else {
        trace.pass("subject (sub)", || {
            format!(
                "token sub {} equals bound subject",
                json_str(expected.bound_subject)
            )
        });
    }

    // 3. audience: any bound audience contained in the token's list (exact compare).
    let token_aud: &[String] = reg.aud.as_deref().unwrap_or(&[]);
    let source = if expected.audiences_from_config {
        "config token_audiences"
    } else {
        "bound audiences"
    };
    if expected.bound_audiences.is_empty() {
        trace.pass("audience (aud)", "no bound audiences: not checked here");
    } else if !expected
        .bound_audiences
        .iter()
        .any(|b| token_aud.iter().any(|a| a == b))
    {
        return Err(trace.fail(
            "audience (aud)",
            format!(
                "{TOKEN_PREFIX}invalid audience (aud) claim: audience claim does not match any expected audience"
            ),
            vec![format!(
                "token aud: {}; {source}: {}",
                aud_display(claims),
                json_list(expected.bound_audiences)
            )],
        ));
    } else {
        trace.pass("audience (aud)", || {
            format!(
                "token aud: {}; {source}: {}",
                aud_display(claims),
                json_list(expected.bound_audiences)
            )
        });
    }

    check_times(&reg, expected, now, trace)
}

/// cap HEAD: a key that equals a registered name only under Go's case folding is refused.
/// With several such keys OpenBao reports a random one (Go map order); we report the first in
/// byte order so the outcome is deterministic.
fn check_case_folding(claims: &Map<String, Value>, trace: &mut Trace) -> Result<(), ClaimError> {
    // Every registered name has three characters; a key of another length cannot fold to one
    // (U+017F is two bytes, so three characters take at most six bytes).
    let collides = |key: &String| {
        (3..=6).contains(&key.len())
            && !REGISTERED.contains(&key.as_str())
            && REGISTERED.iter().any(|n| folds_to(key, n))
    };
    // Sorting is only needed to pick which collision to report; most tokens have none.
    let mut keys: Vec<&String> = claims.keys().filter(|k| collides(k)).collect();
    keys.sort();
    for key in keys {
        for name in REGISTERED {
            if key != name && folds_to(key, name) {
                return Err(trace.fail(
                    "registered claim names",
                    format!(
                        "{TOKEN_PREFIX}ambiguous claim: key {} collides with registered claim {} under case folding",
                        go_quote(key),
                        go_quote(name)
                    ),
                    vec![format!(
                        "token key {} differs from registered claim {} only by letter case; rename or drop it",
                        go_quote(key),
                        go_quote(name)
                    )],
                ));
            }
        }
    }
    trace.pass(
        "registered claim names",
        "no key collides with iss/sub/aud/exp/nbf/iat/jti under case folding",
    );
    Ok(())
}

/// Go's `strings.EqualFold` against an all-lower-case ASCII registered name: a key letter
/// matches its ASCII upper case, and `s` also matches U+017F (long s), which Unicode simple
/// case folding puts in the same orbit. No registered name contains `k` (Kelvin sign).
fn folds_to(key: &str, name: &str) -> bool {
    let mut kc = key.chars();
    for n in name.chars() {
        let Some(c) = kc.next() else { return false };
        let same = c == n || c == n.to_ascii_uppercase() || (n == 's' && c == '\u{017F}');
        if !same {
            return false;
        }
    }
    kc.next().is_none()
}

/// Decodes the registered claims the way `json.Unmarshal` into go-jose's `jwt.Claims` does on
/// the re-encoded (hence key-sorted) payload; the first failing key in byte order is reported
/// (observed on OpenBao 2.7.2: `{"iss":5,"nbf":"x"}` reports iss, `{"exp":"x","iss":5}` exp).
fn decode_registered(
    claims: &Map<String, Value>,
    trace: &mut Trace,
) -> Result<Registered, ClaimError> {
    let mut reg = Registered::default();
    for name in REGISTERED {
        let Some(v) = claims.get(name) else { continue };
        let result: Result<(), (String, String)> = match name {
            "iss" | "sub" | "jti" => match v {
                Value::Null => Ok(()),
                Value::String(s) => {
                    match name {
                        "iss" => reg.iss = Some(s.clone()),
                        "sub" => reg.sub = Some(s.clone()),
                        _ => {}
                    }
                    Ok(())
                }
                other => Err((
                    format!(
                        "json: cannot unmarshal {} into Go struct field Claims.{name} of type string",
                        json_kind(other)
                    ),
                    format!(
                        "token {name} holds {}; {name} must be a string",
                        describe_value(other)
                    ),
                )),
            },
            "aud" => match v {
                Value::String(s) => {
                    reg.aud = Some(vec![s.clone()]);
                    Ok(())
                }
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    reg.aud = Some(
                        items
                            .iter()
                            .filter_map(|i| i.as_str().map(str::to_string))
                            .collect(),
                    );
                    Ok(())
                }
                other => Err((
                    ERR_AUDIENCE_TYPE.to_string(),
                    format!(
                        "token aud holds {}; aud must be a string or an array of strings",
                        describe_value(other)
                    ),
                )),
            },
            _ => match v {
                Value::Null => Ok(()),
                Value::Number(n) => {
                    let d = go_f64_to_i64(number_f64(n));
                    match name {
                        "exp" => reg.exp = d,
                        "nbf" => reg.nbf = d,
                        _ => reg.iat = d,
                    }
                    Ok(())
                }
                other => Err((
                    ERR_NUMERIC_DATE.to_string(),
                    format!(
                        "token {name} holds {}; {name} must be a number of seconds",
                        describe_value(other)
                    ),
                )),
            },
        };
        if let Err((msg, hint)) = result {
            return Err(trace.fail(
                "registered claim types",
                format!("{TOKEN_PREFIX}{msg}"),
                vec![hint],
            ));
        }
    }
    trace.pass(
        "registered claim types",
        "iss/sub/jti strings, aud string or list of strings, exp/nbf/iat numbers (where present)",
    );
    Ok(reg)
}

/// `lee(x, default)` of §4.8.4.
fn leeway(stored: i64, default: i64) -> i64 {
    match stored {
        x if x < 0 => 0,
        0 => default,
        x => x,
    }
}

/// A Go `time.Time` reduced to what `Before`/`After` compare: internal seconds and nanos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct GoTime {
    sec: i64,
    nsec: i64,
}

impl GoTime {
    /// `time.Unix(sec, 0)`: the offset to year 1 wraps like Go's int64 addition.
    fn unix(sec: i64) -> Self {
        GoTime {
            sec: sec.wrapping_add(UNIX_TO_INTERNAL),
            nsec: 0,
        }
    }

    fn from_now(now: f64) -> Self {
        let floor = now.floor();
        // `as` saturates, which is what an absurd injected `now` deserves.
        let sec = floor as i64;
        let nsec = (((now - floor) * 1e9) as i64).clamp(0, 999_999_999);
        GoTime {
            sec: sec.saturating_add(UNIX_TO_INTERNAL),
            nsec,
        }
    }

    /// `t.Add(d)` for whole seconds; Go's `addSec` saturates.
    fn add_secs(self, d: i64) -> Self {
        GoTime {
            sec: self.sec.saturating_add(d),
            nsec: self.nsec,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum ExpSource {
    Claim,
    Synthesized { from: &'static str, leeway: i64 },
}

#[derive(Debug, Clone, Copy)]
enum NbfSource {
    Claim,
    FromIat,
    FromExp { leeway: i64 },
}

/// §4.8.4, exactly as cap computes it (int64 wrapping included).
fn check_times(
    reg: &Registered,
    expected: &Expected<'_>,
    now: f64,
    trace: &mut Trace,
) -> Result<(), ClaimError> {
    let (iat, nbf, exp) = (reg.iat, reg.nbf, reg.exp);
    if iat == 0 && nbf == 0 && exp == 0 {
        return Err(trace.fail(
            "time claims present",
            format!(
                "{TOKEN_PREFIX}no issued at (iat), not before (nbf), or expiration time (exp) claims in token"
            ),
            vec!["token has none of iat, nbf, exp (null and 0 count as absent)".to_string()],
        ));
    }
    trace.pass("time claims present", || {
        format!(
            "iat {}, nbf {}, exp {}",
            present_time(iat),
            present_time(nbf),
            present_time(exp)
        )
    });

    let mut exp_eff = exp;
    let mut exp_src = ExpSource::Claim;
    if exp == 0 {
        let (latest, from) = if nbf > iat {
            (nbf, "nbf")
        } else {
            (iat, "iat")
        };
        let l = leeway(expected.expiration_leeway, DEFAULT_EXP_NBF_LEEWAY);
        exp_eff = latest.wrapping_add(l);
        exp_src = ExpSource::Synthesized { from, leeway: l };
    }
    let mut nbf_eff = nbf;
    let mut nbf_src = NbfSource::Claim;
    if nbf == 0 {
        if iat != 0 {
            nbf_eff = iat;
            nbf_src = NbfSource::FromIat;
        } else {
            let l = leeway(expected.not_before_leeway, DEFAULT_EXP_NBF_LEEWAY);
            nbf_eff = exp_eff.wrapping_sub(l);
            nbf_src = NbfSource::FromExp { leeway: l };
        }
    }
    let skew = leeway(expected.clock_skew_leeway, DEFAULT_CLOCK_SKEW);
    let now_t = GoTime::from_now(now);
    // Display only: through i64 (saturating) so differences never overflow i128.
    let now_s = i128::from(now.floor() as i64);
    let skew_txt = || format!("clock skew leeway {skew}s");

    let nbf_txt = || match nbf_src {
        NbfSource::Claim => format!("nbf {}", fmt_unix(nbf_eff)),
        NbfSource::FromIat => format!("nbf taken from iat {}", fmt_unix(nbf_eff)),
        NbfSource::FromExp { leeway } => format!(
            "nbf synthesized as exp - not_before_leeway {leeway}s = {}",
            fmt_unix(nbf_eff)
        ),
    };
    if now_t.add_secs(skew) < GoTime::unix(nbf_eff) {
        let wait = nbf_eff as i128 - now_s;
        let mut hint = vec![format!(
            "token not valid for another {wait}s ({}, {})",
            nbf_txt(),
            skew_txt()
        )];
        if let NbfSource::FromExp { .. } = nbf_src {
            hint.push(
                "a token with exp but no iat/nbf is valid only within not_before_leeway before its exp; add iat or nbf, or raise not_before_leeway".to_string(),
            );
        }
        return Err(trace.fail(
            "not before (nbf)",
            format!("{TOKEN_PREFIX}invalid not before (nbf) claim: token not yet valid"),
            hint,
        ));
    }
    trace.pass("not before (nbf)", || {
        format!("{}, {}", nbf_txt(), skew_txt())
    });

    let exp_txt = || match exp_src {
        ExpSource::Claim => format!("exp {}", fmt_unix(exp_eff)),
        ExpSource::Synthesized { from, leeway } => format!(
            "exp synthesized as {from} + expiration_leeway {leeway}s = {}",
            fmt_unix(exp_eff)
        ),
    };
    if now_t.add_secs(-skew) > GoTime::unix(exp_eff) {
        let ago = now_s - exp_eff as i128;
        let mut hint = vec![if ago >= 0 {
            format!("token expired {ago}s ago ({}, {})", exp_txt(), skew_txt())
        } else {
            // Only reachable through Go's int64 wrap-around of absurd timestamps.
            format!(
                "token expired: {} lies beyond Go's time range and wraps into the past ({})",
                exp_txt(),
                skew_txt()
            )
        }];
        if let ExpSource::Synthesized { .. } = exp_src {
            hint.push(
                "the token has no exp; Vault accepts it only for expiration_leeway after its iat/nbf".to_string(),
            );
        }
        return Err(trace.fail(
            "expiration (exp)",
            format!("{TOKEN_PREFIX}invalid expiration time (exp) claim: token is expired"),
            hint,
        ));
    }
    trace.pass("expiration (exp)", || {
        format!("{}, {}", exp_txt(), skew_txt())
    });

    if now_t.add_secs(skew) < GoTime::unix(iat) {
        let ahead = iat as i128 - now_s;
        return Err(trace.fail(
            "issued at (iat)",
            format!("{TOKEN_PREFIX}invalid issued at (iat) claim: token issued in the future"),
            vec![format!(
                "token issued {ahead}s in the future (iat {}, {})",
                fmt_unix(iat),
                skew_txt()
            )],
        ));
    }
    trace.pass("issued at (iat)", || {
        if iat == 0 {
            "no iat".to_string()
        } else {
            format!("iat {}, {}", fmt_unix(iat), skew_txt())
        }
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Strict audience (§4.9)
// ---------------------------------------------------------------------------------------------

/// With no effective bound audiences, a token that names an audience is refused.
pub fn strict_audience(
    claims: &Map<String, Value>,
    bound_audiences_effective: &[String],
    rule: AudienceRule,
    trace: &mut Trace,
) -> Result<(), ClaimError> {
    if !bound_audiences_effective.is_empty() {
        trace.pass(
            "strict audience",
            "audiences are bound: rule not applicable",
        );
        return Ok(());
    }
    let names_audience = match (claims.get("aud"), rule) {
        (Some(Value::Array(a)), _) => !a.is_empty(),
        (Some(Value::String(s)), AudienceRule::Vault) => !s.is_empty(),
        (Some(Value::String(_)), AudienceRule::OpenBao) => true,
        _ => false,
    };
    if names_audience {
        return Err(trace.fail(
            "strict audience",
            "audience claim found in JWT but no audiences bound to the role".to_string(),
            vec![format!(
                "token aud: {}; the role has no bound_audiences and the config no token_audiences",
                aud_display(claims)
            )],
        ));
    }
    trace.pass("strict audience", || {
        format!("no audiences bound and token aud {}", aud_display(claims))
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Claim lookup (§5.1)
// ---------------------------------------------------------------------------------------------

/// A claim as Vault's Go code sees it after `getClaim`.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    Str(String),
    Bool(bool),
    /// A `json.Number`: only the found top-level value, as truncated integer text.
    Num(String),
    /// A number nested in an array/object: stays an `f64` and never equals a role number.
    F64(f64),
    /// `null` nested in an array/object (a found `null` is absent).
    Null,
    Array(Vec<Claim>),
    /// Go maps print sorted by key; a BTreeMap keeps that order.
    Object(BTreeMap<String, Claim>),
}

/// `getClaim`: a name starting with `/` is an RFC 6901 pointer, anything else a literal
/// top-level key; `null` and not-found are absent; a found number becomes truncated text.
pub fn get_claim(claims: &Map<String, Value>, name: &str) -> Option<Claim> {
    let found = if name.starts_with('/') {
        pointer_get(claims, name)?
    } else {
        claims.get(name)?
    };
    match found {
        Value::Null => None,
        Value::Number(n) => Some(Claim::Num(go_f64_to_i64(number_f64(n)).to_string())),
        other => Some(Claim::from_nested(other)),
    }
}

impl Claim {
    fn from_nested(v: &Value) -> Claim {
        match v {
            Value::Null => Claim::Null,
            Value::Bool(b) => Claim::Bool(*b),
            Value::Number(n) => Claim::F64(number_f64(n)),
            Value::String(s) => Claim::Str(s.clone()),
            Value::Array(a) => Claim::Array(a.iter().map(Claim::from_nested).collect()),
            Value::Object(m) => Claim::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), Claim::from_nested(v)))
                    .collect(),
            ),
        }
    }

    /// Go's `%v`.
    fn go_v(&self) -> String {
        match self {
            Claim::Str(s) | Claim::Num(s) => s.clone(),
            Claim::Bool(b) => b.to_string(),
            Claim::F64(f) => go_format_g(*f),
            Claim::Null => "<nil>".to_string(),
            Claim::Array(a) => format!(
                "[{}]",
                a.iter().map(Claim::go_v).collect::<Vec<_>>().join(" ")
            ),
            Claim::Object(m) => format!(
                "map[{}]",
                m.iter()
                    .map(|(k, v)| format!("{k}:{}", v.go_v()))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        }
    }

    /// JSON-like rendering for hints.
    fn json(&self) -> String {
        let s = match self {
            Claim::Str(s) => json_str(s),
            Claim::Num(s) => s.clone(),
            Claim::Bool(b) => b.to_string(),
            Claim::F64(f) => go_format_g(*f),
            Claim::Null => "null".to_string(),
            Claim::Array(a) => format!(
                "[{}]",
                a.iter().map(Claim::json).collect::<Vec<_>>().join(",")
            ),
            Claim::Object(m) => format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, v)| format!("{}:{}", json_str(k), v.json()))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        };
        truncate_hint(s)
    }

    fn kind(&self) -> &'static str {
        match self {
            Claim::Str(_) => "a string",
            Claim::Num(_) | Claim::F64(_) => "a number",
            Claim::Bool(_) => "a bool",
            Claim::Null => "null",
            Claim::Array(_) => "an array",
            Claim::Object(_) => "an object",
        }
    }

    /// `a string "x"`, `a number 3`, …; a null is just `null`.
    fn describe(&self) -> String {
        match self {
            Claim::Null => "null".to_string(),
            other => format!("{} {}", other.kind(), other.json()),
        }
    }
}

/// pointerstructure's `Get`: split on `/`, unescape `~1` then `~0`, objects by key, arrays by
/// a Go `strconv.Atoi` index (so `+1`, `-0`, `01` work); anything else is not found.
fn pointer_get<'a>(claims: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let mut cur: Option<&Value> = None;
    for raw in pointer[1..].split('/') {
        let part = raw.replace("~1", "/").replace("~0", "~");
        let next = match cur {
            None => claims.get(&part),
            Some(Value::Object(m)) => m.get(&part),
            Some(Value::Array(a)) => go_atoi(&part)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| a.get(i)),
            Some(_) => None,
        }?;
        cur = Some(next);
    }
    cur
}

fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

// ---------------------------------------------------------------------------------------------
// Identity (§4.10)
// ---------------------------------------------------------------------------------------------

/// User claim, claim_mappings (+ `role`), groups — in that order, Vault's messages unprefixed.
pub fn extract_identity(
    claims: &Map<String, Value>,
    rules: &IdentityRules<'_>,
    trace: &mut Trace,
) -> Result<Identity, ClaimError> {
    // 1. user claim: a literal key unless user_claim_json_pointer (no number coercion then).
    let user = if rules.user_claim_json_pointer {
        get_claim(claims, rules.user_claim)
    } else {
        match claims.get(rules.user_claim) {
            None | Some(Value::Null) => None,
            Some(v) => Some(Claim::from_nested(v)),
        }
    };
    let uc = go_quote(rules.user_claim);
    let alias_name = match user {
        None => {
            let mut hint = vec![format!("the token has no claim {uc} (or it is null)")];
            if !rules.user_claim_json_pointer && rules.user_claim.starts_with('/') {
                hint.push(
                    "user_claim_json_pointer is false, so the name is a literal key, not a JSON pointer".to_string(),
                );
            }
            return Err(trace.fail("user claim", format!("claim {uc} not found in token"), hint));
        }
        Some(Claim::Str(s)) => s,
        Some(other) => {
            return Err(trace.fail(
                "user claim",
                format!("claim {uc} could not be converted to string"),
                vec![format!(
                    "claim {uc} holds {}; the user claim must be a string",
                    other.describe()
                )],
            ))
        }
    };
    trace.pass("user claim", || format!("{uc} = {}", json_str(&alias_name)));

    // 2. claim_mappings (Go iterates a map; sorted by source here for determinism).
    let mut metadata = BTreeMap::new();
    if let Some(mappings) = rules.claim_mappings {
        for (source, target) in mappings {
            match get_claim(claims, source) {
                None => {}
                Some(Claim::Str(s)) => {
                    metadata.insert(target.clone(), s);
                }
                Some(other) => {
                    return Err(trace.fail(
                        "claim mappings",
                        format!("error converting claim '{source}' to string"),
                        vec![format!(
                            "claim {} holds {}; claim_mappings only copy string claims",
                            go_quote(source),
                            other.describe()
                        )],
                    ))
                }
            }
        }
        trace.pass("claim mappings", || {
            format!(
                "{} of {} mapped claims present",
                metadata.len(),
                mappings.len()
            )
        });
    }
    metadata.insert("role".to_string(), rules.role_name.to_string());

    // 3. groups
    let mut groups = Vec::new();
    if !rules.groups_claim.is_empty() {
        let gq = go_quote(rules.groups_claim);
        let raw = match get_claim(claims, rules.groups_claim) {
            None => {
                return Err(trace.fail(
                    "groups claim",
                    format!("failed to fetch groups: {gq} claim not found in token"),
                    vec![format!(
                        "the token has no claim {gq} (or it is null); Vault refuses the login when groups_claim is set and the claim is absent"
                    )],
                ))
            }
            Some(c) => c,
        };
        let items = match raw {
            Claim::Array(items) => items,
            Claim::Object(_) => {
                return Err(trace.fail(
                    "groups claim",
                    format!("{gq} claim could not be converted to string list"),
                    vec![format!("claim {gq} holds an object {}", raw.json())],
                ))
            }
            single => vec![single],
        };
        for item in items {
            match item {
                Claim::Str(s) if s.is_empty() => {}
                Claim::Str(s) => groups.push(s),
                other => {
                    return Err(trace.fail(
                        "groups claim",
                        format!(
                            "value {} in groups claim could not be parsed as string",
                            other.go_v()
                        ),
                        vec![format!(
                            "claim {gq} contains {}; every group must be a string",
                            other.describe()
                        )],
                    ))
                }
            }
        }
        trace.pass("groups claim", || {
            format!("{gq} gives groups {}", json_list(&groups))
        });
    }

    Ok(Identity {
        alias_name,
        metadata,
        groups,
    })
}

// ---------------------------------------------------------------------------------------------
// bound_claims (§5.2) and glob (§5.3)
// ---------------------------------------------------------------------------------------------

const CLAIMS_PREFIX: &str = "error validating claims: ";

/// Every bound claim must be matched (keys in sorted order; Go's map order is random).
pub fn validate_bound_claims(
    claims: &Map<String, Value>,
    bound: &Map<String, Value>,
    glob: bool,
    trace: &mut Trace,
) -> Result<(), ClaimError> {
    let mut keys: Vec<&String> = bound.keys().collect();
    keys.sort();
    let mode = if glob { "glob" } else { "string" };
    for key in keys {
        let expected = &bound[key.as_str()];
        let check = format!("bound claim {}", go_quote(key));
        let kq = go_quote(key);
        let Some(actual) = get_claim(claims, key) else {
            return Err(trace.fail(
                &check,
                format!("{CLAIMS_PREFIX}claim {kq} is missing"),
                vec![format!(
                    "the token has no claim {kq} (or it is null); expected one of {} ({mode})",
                    expected_list_display(expected)
                )],
            ));
        };
        let act_vals: Vec<Claim> = match &actual {
            Claim::Array(a) => a.clone(),
            Claim::Str(_) | Claim::Bool(_) | Claim::Num(_) => vec![actual.clone()],
            _ => {
                return Err(trace.fail(
                    &check,
                    format!(
                        "{CLAIMS_PREFIX}received claim is not a string, bool, int or list: {}",
                        actual.go_v()
                    ),
                    vec![format!(
                        "claim {kq} holds {}; bound claims compare strings, bools, integers or lists of them",
                        actual.describe()
                    )],
                ))
            }
        };
        let exp_vals: Vec<&Value> = match expected {
            Value::Array(a) => a.iter().collect(),
            Value::String(_) | Value::Bool(_) | Value::Number(_) => vec![expected],
            _ => {
                return Err(trace.fail(
                    &check,
                    format!(
                        "{CLAIMS_PREFIX}bound claim is not a string, bool, int or list: {}",
                        value_go_v(expected)
                    ),
                    vec![format!(
                    "the role's bound claim {kq} is {}; it must be a string, bool, number or list",
                    describe_value(expected)
                )],
                ))
            }
        };
        let held = || {
            format!(
                "claim {kq} held {}; expected one of {} ({mode})",
                actual.json(),
                expected_list_display(expected)
            )
        };
        match match_found(&exp_vals, &act_vals, glob) {
            Match::Found => trace.pass(&check, held),
            Match::NotFound => {
                let mut hint = vec![held()];
                if let Some(note) = type_note(&exp_vals, &act_vals, glob) {
                    hint.push(note);
                }
                return Err(trace.fail(
                    &check,
                    format!(
                        "{CLAIMS_PREFIX}claim {kq} does not match any associated bound claim values"
                    ),
                    hint,
                ));
            }
            Match::Uncomparable => {
                return Err(trace.fail(
                    &check,
                    format!(
                        "{CLAIMS_PREFIX}claim {kq} does not match any associated bound claim values"
                    ),
                    vec![
                        held(),
                        "a list or object inside the bound values meets one of the same kind in the token; Vault cannot compare them (the request fails with a Go runtime panic)".to_string(),
                    ],
                ));
            }
            Match::NotGlobString(exp) => {
                return Err(trace.fail(
                    &check,
                    format!(
                        "{CLAIMS_PREFIX}received claim is not a glob string: {}xpVal",
                        value_go_e(exp, 0)
                    ),
                    vec![format!(
                        "the role's bound claim {kq} contains {}, but bound_claims_type is glob and only strings can be globs",
                        describe_value(exp)
                    )],
                ));
            }
        }
    }
    if bound.is_empty() {
        trace.pass("bound claims", "none");
    }
    Ok(())
}

enum Match<'a> {
    Found,
    NotFound,
    /// Go would panic comparing two lists or two objects: refused, never granted.
    Uncomparable,
    /// Glob mode met a non-string bound value (Go's `%expVal` format bug).
    NotGlobString(&'a Value),
}

/// `matchFound`: expected values outer, actual values inner, first match wins; errors only
/// arise for pairs actually visited (an empty token list never errors).
fn match_found<'a>(exp_vals: &[&'a Value], act_vals: &[Claim], glob: bool) -> Match<'a> {
    for exp in exp_vals {
        for act in act_vals {
            if glob {
                let Value::String(pattern) = exp else {
                    return Match::NotGlobString(exp);
                };
                let Claim::Str(subject) = act else { continue };
                if glob_match(pattern, subject) {
                    return Match::Found;
                }
            } else {
                match (exp, act) {
                    (Value::String(e), Claim::Str(a)) if e == a => return Match::Found,
                    (Value::Bool(e), Claim::Bool(a)) if e == a => return Match::Found,
                    (Value::Number(e), Claim::Num(a)) if e.to_string() == *a => {
                        return Match::Found
                    }
                    (Value::Null, Claim::Null) => return Match::Found,
                    (Value::Array(_), Claim::Array(_)) | (Value::Object(_), Claim::Object(_)) => {
                        return Match::Uncomparable
                    }
                    _ => {}
                }
            }
        }
    }
    Match::NotFound
}

/// Explains the type rules behind a mismatch that looks like a match to a human.
fn type_note(exp_vals: &[&Value], act_vals: &[Claim], glob: bool) -> Option<String> {
    for exp in exp_vals {
        for act in act_vals {
            let note = match (exp, act) {
                (Value::String(e), Claim::Bool(b)) if !glob && *e == b.to_string() => {
                    "the role holds the string \"true\"/\"false\" but the token a bool; types must match"
                }
                (Value::Bool(b), Claim::Str(a)) if *a == b.to_string() => {
                    "the role holds a bool but the token a string; types must match"
                }
                (Value::String(_), Claim::Num(_) | Claim::F64(_)) if !glob => {
                    "the role holds a string but the token a number; types must match"
                }
                (Value::Number(_), Claim::Str(_)) => {
                    "the role holds a number but the token a string; types must match"
                }
                (Value::Number(_), Claim::F64(_)) => {
                    "numbers inside a token list never match role numbers in Vault"
                }
                (Value::Number(n), Claim::Num(_)) if !is_plain_integer(&n.to_string()) => {
                    "role numbers are compared by their literal text with the token's truncated integer; write the bound number as a plain integer"
                }
                (Value::String(_), Claim::Bool(_) | Claim::Num(_) | Claim::F64(_)) if glob => {
                    "glob matching skips token values that are not strings"
                }
                _ => continue,
            };
            return Some(note.to_string());
        }
    }
    None
}

fn is_plain_integer(s: &str) -> bool {
    let d = s.strip_prefix('-').unwrap_or(s);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
}

/// go-glob v1.0.0: only `*` is special; case-sensitive; no escaping.
pub fn glob_match(pattern: &str, subject: &str) -> bool {
    if pattern.is_empty() {
        return subject.is_empty();
    }
    if pattern == "*" {
        return true;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return subject == pattern;
    }
    let leading = pattern.starts_with('*');
    let trailing = pattern.ends_with('*');
    let end = parts.len() - 1;
    let mut subj = subject;
    for (i, part) in parts.iter().enumerate().take(end) {
        let idx = subj.find(part);
        match (i, idx) {
            (0, Some(0)) => {}
            (0, _) if !leading => return false,
            (_, None) => return false,
            _ => {}
        }
        // With a leading `*`, parts[0] is "" and found at 0.
        let at = idx.unwrap_or(0);
        subj = &subj[at + part.len()..];
    }
    trailing || subj.ends_with(parts[end])
}

// ---------------------------------------------------------------------------------------------
// Go value semantics and printing
// ---------------------------------------------------------------------------------------------

/// The value Go decoded: the literal parsed as `f64` (correctly rounded, like `ParseFloat`).
/// A literal beyond `f64` range (Go would reject the token) becomes ±inf.
fn number_f64(n: &serde_json::Number) -> f64 {
    let lit = n.to_string();
    lit.parse::<f64>().unwrap_or(f64::NAN)
}

/// Go's `int64(f)` on amd64 (Vault's usual platform; observed on OpenBao): truncation toward
/// zero, and the "integer indefinite" `i64::MIN` for NaN or anything outside int64.
fn go_f64_to_i64(f: f64) -> i64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-TWO_63..TWO_63).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// Go's `%v` for a float64: `strconv.FormatFloat(f, 'g', -1, 64)` (exponent form when the
/// decimal exponent is < -4 or >= 6... measured on shortest digits, two exponent digits).
fn go_format_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, as Go's shortest formatting does.
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((e.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let nd = digits.len() as i32;
    let sign = if f < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let mut out = String::from(sign);
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
        out
    } else {
        let dp = exp + 1; // digits before the decimal point
        let mut out = String::from(sign);
        if dp <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat((-dp) as usize));
            out.push_str(&digits);
        } else if dp >= nd {
            out.push_str(&digits);
            out.push_str(&"0".repeat((dp - nd) as usize));
        } else {
            out.push_str(&digits[..dp as usize]);
            out.push('.');
            out.push_str(&digits[dp as usize..]);
        }
        out
    }
}

/// Go's `%v` of a role value (numbers are `json.Number`: their literal text).
fn value_go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(value_go_v).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => format!(
            "map[{}]",
            sorted_entries(m)
                .into_iter()
                .map(|(k, v)| format!("{k}:{}", value_go_v(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// Go's `%e` of a role value, i.e. `fmt`'s bad-verb output: the plugin's
/// `fmt.Errorf("...: %expVal", expVal)` prints this followed by the literal `xpVal`.
fn value_go_e(v: &Value, depth: usize) -> String {
    match v {
        // A nil interface at the top is a bad verb; nested, fmt prints `<nil>`.
        Value::Null if depth == 0 => "%!e(<nil>)".to_string(),
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => format!("%!e(bool={b})"),
        Value::Number(n) => format!("%!e(json.Number={n})"),
        Value::String(s) => format!("%!e(string={s})"),
        Value::Array(a) => format!(
            "[{}]",
            a.iter()
                .map(|x| value_go_e(x, depth + 1))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Value::Object(m) => format!(
            "map[{}]",
            sorted_entries(m)
                .into_iter()
                .map(|(k, x)| format!("%!e(string={k}):{}", value_go_e(x, depth + 1)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn sorted_entries(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

// ---------------------------------------------------------------------------------------------
// Hint rendering helpers
// ---------------------------------------------------------------------------------------------

fn truncate_hint(s: String) -> String {
    if s.chars().count() <= HINT_VALUE_MAX {
        return s;
    }
    let cut: String = s.chars().take(HINT_VALUE_MAX).collect();
    format!("{cut}…")
}

fn json_str(s: &str) -> String {
    truncate_hint(Value::String(s.to_string()).to_string())
}

fn json_list(items: &[String]) -> String {
    truncate_hint(format!(
        "[{}]",
        items
            .iter()
            .map(|s| Value::String(s.clone()).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn value_json(v: &Value) -> String {
    truncate_hint(v.to_string())
}

fn opt_str(s: Option<&str>) -> String {
    s.map(json_str).unwrap_or_else(|| "(absent)".to_string())
}

fn aud_display(claims: &Map<String, Value>) -> String {
    match claims.get("aud") {
        None => "(absent)".to_string(),
        Some(v) => value_json(v),
    }
}

fn expected_list_display(v: &Value) -> String {
    match v {
        Value::Array(_) => value_json(v),
        other => format!("[{}]", value_json(other)),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn describe_value(v: &Value) -> String {
    let kind = match v {
        Value::Null => return "null".to_string(),
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    format!("{kind} {}", value_json(v))
}

fn present_time(t: i64) -> String {
    if t == 0 {
        "absent".to_string()
    } else {
        fmt_unix(t)
    }
}

/// `2026-01-02T03:04:05Z (1767323045)`, or the bare number outside years 1–9999.
fn fmt_unix(t: i64) -> String {
    const MIN: i64 = -62_135_596_800; // 0001-01-01
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59
    if !(MIN..=MAX).contains(&t) {
        return t.to_string();
    }
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z ({t})",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a claims object as the verifier hands it over (arbitrary_precision on).
    fn c(json: &str) -> Map<String, Value> {
        match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(m)) => m,
            other => panic!("test fixture is not a JSON object: {json} ({other:?})"),
        }
    }

    const T: i64 = 1_800_000_000;

    fn none_expected() -> Expected<'static> {
        Expected {
            bound_issuer: "",
            bound_subject: "",
            bound_audiences: &[],
            audiences_from_config: false,
            clock_skew_leeway: 0,
            expiration_leeway: 0,
            not_before_leeway: 0,
        }
    }

    fn reg_msg(claims: &str, e: &Expected<'_>, now: f64) -> Result<(), String> {
        validate_registered(&c(claims), e, now, &mut Trace::new()).map_err(|e| e.message)
    }

    fn bound_msg(claims: &str, bound: &str, glob: bool) -> Result<(), String> {
        validate_bound_claims(&c(claims), &c(bound), glob, &mut Trace::new()).map_err(|e| e.message)
    }

    fn rules<'a>(
        user_claim: &'a str,
        pointer: bool,
        groups: &'a str,
        mappings: Option<&'a BTreeMap<String, String>>,
    ) -> IdentityRules<'a> {
        IdentityRules {
            role_name: "plugin-test",
            user_claim,
            user_claim_json_pointer: pointer,
            groups_claim: groups,
            claim_mappings: mappings,
        }
    }

    fn ident(claims: &str, r: &IdentityRules<'_>) -> Result<Identity, String> {
        extract_identity(&c(claims), r, &mut Trace::new()).map_err(|e| e.message)
    }

    const EXPIRED: &str =
        "error validating token: invalid expiration time (exp) claim: token is expired";
    const NOT_YET: &str =
        "error validating token: invalid not before (nbf) claim: token not yet valid";
    const FUTURE_IAT: &str =
        "error validating token: invalid issued at (iat) claim: token issued in the future";
    const NO_TIME: &str = "error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token";
    const BAD_AUD: &str = "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience";
    const STRICT: &str = "audience claim found in JWT but no audiences bound to the role";

    // ---- catalogue §4.14 rows 10–22, byte for byte ------------------------------------------

    #[test]
    fn catalogue_rows_10_to_17() {
        let aud = vec!["vault".to_string()];
        let full = Expected {
            bound_issuer: "https://issuer/",
            bound_subject: "subject",
            bound_audiences: &aud,
            ..none_expected()
        };
        let ok = format!(r#""iss":"https://issuer/","sub":"subject","aud":"vault","iat":{T}"#);
        let rows: Vec<(String, &str)> = vec![
            (
                format!(r#"{{{ok},"jti":1}}"#),
                "error validating token: json: cannot unmarshal number into Go struct field Claims.jti of type string",
            ),
            (
                format!(r#"{{"iss":"https://other/","sub":"subject","aud":"vault","iat":{T}}}"#),
                "error validating token: invalid issuer (iss) claim",
            ),
            (
                format!(r#"{{"iss":"https://issuer/","sub":"other","aud":"vault","iat":{T}}}"#),
                "error validating token: invalid subject (sub) claim",
            ),
            (
                format!(r#"{{"iss":"https://issuer/","sub":"subject","aud":"x","iat":{T}}}"#),
                BAD_AUD,
            ),
            (
                r#"{"iss":"https://issuer/","sub":"subject","aud":"vault"}"#.to_string(),
                NO_TIME,
            ),
            (format!(r#"{{{ok},"nbf":{}}}"#, T + 61), NOT_YET),
            (format!(r#"{{{ok},"exp":{}}}"#, T - 61), EXPIRED),
            (
                format!(
                    r#"{{"iss":"https://issuer/","sub":"subject","aud":"vault","nbf":{},"iat":{}}}"#,
                    T - 10,
                    T + 61
                ),
                FUTURE_IAT,
            ),
        ];
        for (claims, want) in rows {
            assert_eq!(
                reg_msg(&claims, &full, T as f64),
                Err(want.to_string()),
                "{claims}"
            );
        }
        assert_eq!(reg_msg(&format!("{{{ok}}}"), &full, T as f64), Ok(()));
    }

    #[test]
    fn catalogue_rows_18_to_22() {
        let mut t = Trace::new();
        let e =
            strict_audience(&c(r#"{"aud":"x"}"#), &[], AudienceRule::Vault, &mut t).unwrap_err();
        assert_eq!(e.message, STRICT);

        let none = rules("u", false, "", None);
        assert_eq!(
            ident(r#"{}"#, &none),
            Err(r#"claim "u" not found in token"#.into())
        );
        assert_eq!(
            ident(r#"{"u":1}"#, &none),
            Err(r#"claim "u" could not be converted to string"#.into())
        );
        let m: BTreeMap<String, String> = [("src".to_string(), "dst".to_string())].into();
        assert_eq!(
            ident(r#"{"u":"a","src":true}"#, &rules("u", false, "", Some(&m))),
            Err("error converting claim 'src' to string".into())
        );
        let g = rules("u", false, "g", None);
        assert_eq!(
            ident(r#"{"u":"a"}"#, &g),
            Err(r#"failed to fetch groups: "g" claim not found in token"#.into())
        );
        assert_eq!(
            ident(r#"{"u":"a","g":{"x":1}}"#, &g),
            Err(r#""g" claim could not be converted to string list"#.into())
        );
        assert_eq!(
            ident(r#"{"u":"a","g":["a",true]}"#, &g),
            Err("value true in groups claim could not be parsed as string".into())
        );
        let rows = [
            (r#"{}"#, r#"{"c":"x"}"#, false, r#"error validating claims: claim "c" is missing"#),
            (
                r#"{"c":{"a":1}}"#,
                r#"{"c":"x"}"#,
                false,
                "error validating claims: received claim is not a string, bool, int or list: map[a:1]",
            ),
            (
                r#"{"c":"x"}"#,
                r#"{"c":{"a":1}}"#,
                false,
                "error validating claims: bound claim is not a string, bool, int or list: map[a:1]",
            ),
            (
                r#"{"c":"x"}"#,
                r#"{"c":[true]}"#,
                true,
                "error validating claims: received claim is not a glob string: %!e(bool=true)xpVal",
            ),
            (
                r#"{"c":"x"}"#,
                r#"{"c":"y"}"#,
                false,
                r#"error validating claims: claim "c" does not match any associated bound claim values"#,
            ),
        ];
        for (claims, bound, glob, want) in rows {
            assert_eq!(
                bound_msg(claims, bound, glob),
                Err(want.to_string()),
                "{claims} {bound}"
            );
        }
    }

    // ---- §4.8.3 types, ordering, case folding (observed on OpenBao 2.7.2) ------------------

    #[test]
    fn registered_claim_types_match_go() {
        let nd = "error validating token: go-jose/go-jose/jwt: expected number value to unmarshal NumericDate";
        let au = "error validating token: go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience";
        let st = |v: &str, f: &str| {
            format!("error validating token: json: cannot unmarshal {v} into Go struct field Claims.{f} of type string")
        };
        let rows: Vec<(&str, Result<(), String>)> = vec![
            (r#""iss":5"#, Err(st("number", "iss"))),
            (r#""iss":true"#, Err(st("bool", "iss"))),
            (r#""iss":[1]"#, Err(st("array", "iss"))),
            (r#""iss":{}"#, Err(st("object", "iss"))),
            (r#""sub":5"#, Err(st("number", "sub"))),
            (r#""jti":5"#, Err(st("number", "jti"))),
            (r#""iss":null"#, Ok(())),
            (r#""exp":"5""#, Err(nd.into())),
            (r#""exp":true"#, Err(nd.into())),
            (r#""exp":null"#, Ok(())),
            (r#""nbf":[]"#, Err(nd.into())),
            (r#""nbf":{}"#, Err(nd.into())),
            (r#""aud":null"#, Err(au.into())),
            (r#""aud":5"#, Err(au.into())),
            (r#""aud":["a",5]"#, Err(au.into())),
            (r#""aud":true"#, Err(au.into())),
            (r#""aud":{}"#, Err(au.into())),
            (r#""aud":[]"#, Ok(())),
            (r#""iat2":"x""#, Ok(())),
            // first failing key in byte order wins, whatever the kind of error
            (r#""iss":5,"nbf":"x""#, Err(st("number", "iss"))),
            (r#""exp":"x","iss":5"#, Err(nd.into())),
            (r#""iss":5,"jti":true"#, Err(st("number", "iss"))),
            (r#""jti":true,"iss":5"#, Err(st("number", "iss"))),
            (r#""aud":5,"exp":"x""#, Err(au.into())),
            (r#""jti":5,"nbf":"x""#, Err(st("number", "jti"))),
            (r#""iss":5,"sub":true"#, Err(st("number", "iss"))),
        ];
        for (extra, want) in rows {
            let claims = format!(r#"{{"iat":{T},{extra}}}"#);
            assert_eq!(
                reg_msg(&claims, &none_expected(), T as f64),
                want,
                "{claims}"
            );
        }
        // iat itself badly typed, before iss in byte order
        assert_eq!(
            reg_msg(r#"{"iat":"x","iss":5}"#, &none_expected(), T as f64),
            Err(nd.into())
        );
        assert_eq!(
            reg_msg(r#"{"sub":5,"aud":5}"#, &none_expected(), T as f64),
            Err(au.into())
        );
    }

    #[test]
    fn case_folding_collisions_are_refused() {
        let amb = |k: &str, n: &str| {
            Err(format!(
                "error validating token: ambiguous claim: key \"{k}\" collides with registered claim \"{n}\" under case folding"
            ))
        };
        let rows: Vec<(&str, Result<(), String>)> = vec![
            (r#""ISS":"x""#, amb("ISS", "iss")),
            (r#""Sub":"x""#, amb("Sub", "sub")),
            (r#""aud":5,"ISS":"x""#, amb("ISS", "iss")),
            (r#""ISS":"x","iss":"y""#, amb("ISS", "iss")),
            (r#""ſub":"x""#, amb("ſub", "sub")),
            (r#""Aud":"x","EXP":1"#, amb("Aud", "aud")),
            (r#""zzz":1,"Jti":2"#, amb("Jti", "jti")),
            (r#""exp":"x","NBF":1"#, amb("NBF", "nbf")),
            (r#""iss":5,"Jti":1"#, amb("Jti", "jti")),
            (r#""Sub":1,"ISS":1"#, amb("ISS", "iss")),
            (r#""ıss":1"#, Ok(())),
            (r#""İss":1"#, Ok(())),
            (r#""ISS ":1"#, Ok(())),
            (r#""is":1,"isss":1"#, Ok(())),
        ];
        for (extra, want) in rows {
            let claims = format!(r#"{{"iat":{T},{extra}}}"#);
            assert_eq!(
                reg_msg(&claims, &none_expected(), T as f64),
                want,
                "{claims}"
            );
        }
    }

    #[test]
    fn iss_sub_aud_order_and_absence() {
        let aud = vec!["a".to_string(), "b".to_string()];
        let e = Expected {
            bound_issuer: "I",
            bound_subject: "S",
            bound_audiences: &aud,
            ..none_expected()
        };
        let t = T as f64;
        // all three wrong: issuer reported first, then subject, then audience
        assert_eq!(
            reg_msg(
                &format!(r#"{{"iss":"x","sub":"y","aud":"z","iat":{T}}}"#),
                &e,
                t
            ),
            Err("error validating token: invalid issuer (iss) claim".into())
        );
        assert_eq!(
            reg_msg(
                &format!(r#"{{"iss":"I","sub":"y","aud":"z","iat":{T}}}"#),
                &e,
                t
            ),
            Err("error validating token: invalid subject (sub) claim".into())
        );
        // missing iss with a bound issuer fails; null counts as missing
        assert!(reg_msg(&format!(r#"{{"sub":"S","aud":"a","iat":{T}}}"#), &e, t).is_err());
        assert!(reg_msg(
            &format!(r#"{{"iss":null,"sub":"S","aud":"a","iat":{T}}}"#),
            &e,
            t
        )
        .is_err());
        // audience errors come before time errors
        assert_eq!(
            reg_msg(r#"{"iss":"I","sub":"S","aud":"z"}"#, &e, t),
            Err(BAD_AUD.into())
        );
        // §4.9 matrix, bound side
        for (aud, ok) in [
            ("", false),
            (r#","aud":"b""#, true),
            (r#","aud":["c","a"]"#, true),
            (r#","aud":"c""#, false),
            (r#","aud":["c"]"#, false),
            (r#","aud":[]"#, false),
            (r#","aud":"""#, false),
        ] {
            let claims = format!(r#"{{"iss":"I","sub":"S","iat":{T}{aud}}}"#);
            let got = reg_msg(&claims, &e, t);
            assert_eq!(got.is_ok(), ok, "{claims}: {got:?}");
            if !ok {
                assert_eq!(got, Err(BAD_AUD.into()));
            }
        }
    }

    // ---- §4.8.4 time algorithm: §7.3 and §7.4 with boundary pairs ------------------------

    /// (iat, nbf, exp offsets, cks, el, nl, valid at T, edge): the edge is the last passing `now`
    /// offset (expiry rows) or the first passing one (not-before rows), computed by hand.
    struct TimeRow {
        iat: Option<i64>,
        nbf: Option<i64>,
        exp: Option<i64>,
        cks: i64,
        el: i64,
        nl: i64,
        valid: bool,
        edge: i64,
    }

    fn time_claims(r: &TimeRow) -> String {
        let mut parts = vec![];
        for (k, v) in [("iat", r.iat), ("nbf", r.nbf), ("exp", r.exp)] {
            if let Some(off) = v {
                parts.push(format!(r#""{k}":{}"#, T + off));
            }
        }
        format!("{{{}}}", parts.join(","))
    }

    fn time_expected(r: &TimeRow) -> Expected<'static> {
        Expected {
            clock_skew_leeway: r.cks,
            expiration_leeway: r.el,
            not_before_leeway: r.nl,
            ..none_expected()
        }
    }

    #[rustfmt::skip]
    fn expiry_rows() -> Vec<TimeRow> {
        let row = |iat: Option<i64>, nbf: Option<i64>, cks, el, valid, edge| TimeRow { iat, nbf, exp: None, cks, el, nl: 0, valid, edge };
        vec![
            row(Some(-205), None, 0, 0, true, 5),   row(Some(-215), None, 0, 0, false, -5),
            row(Some(-150), None, 10, 0, true, 10), row(Some(-165), None, 10, 0, false, -5),
            row(Some(-145), None, -1, 0, true, 5),  row(Some(-155), None, -1, 0, false, -5),
            row(None, Some(-205), 0, 0, true, 5),   row(None, Some(-215), 0, 0, false, -5),
            row(None, Some(-145), 10, 0, true, 15), row(None, Some(-165), 10, 0, false, -5),
            row(None, Some(-145), -1, 0, true, 5),  row(None, Some(-155), -1, 0, false, -5),
            row(Some(-65), None, 0, 10, true, 5),   row(Some(-75), None, 0, 10, false, -5),
            row(Some(-5), None, 10, 10, true, 15),  row(Some(-25), None, 10, 10, false, -5),
            row(Some(-5), None, 10, -1, true, 5),   row(Some(-15), None, 10, -1, false, -5),
            row(None, Some(-65), 0, 10, true, 5),   row(None, Some(-75), 0, 10, false, -5),
            row(None, Some(-5), 10, 10, true, 15),  row(None, Some(-25), 10, 10, false, -5),
            row(None, Some(-5), 10, -1, true, 5),   row(None, Some(-5), 10, -100, true, 5),
            row(None, Some(-15), 10, -1, false, -5), row(None, Some(-15), 10, -100, false, -5),
        ]
    }

    #[rustfmt::skip]
    fn not_before_rows() -> Vec<TimeRow> {
        let row = |iat: Option<i64>, exp: Option<i64>, cks, nl, valid, edge| TimeRow { iat, nbf: None, exp, cks, el: 0, nl, valid, edge };
        vec![
            row(Some(55), Some(0), 0, -1, true, -5), row(Some(65), Some(0), 0, -1, false, 5),
            row(Some(5), None, 10, -1, true, -5),    row(Some(15), None, 10, -1, false, 5),
            row(Some(0), None, -1, 5, true, 0),      row(Some(6), None, -1, 5, false, 6),
            row(None, Some(205), 0, 0, true, -5),    row(None, Some(215), 0, 0, false, 5),
            row(None, Some(150), 10, 0, true, -10),  row(None, Some(165), 10, 0, false, 5),
            row(None, Some(145), -1, 0, true, -5),   row(None, Some(152), -1, 0, false, 2),
            row(None, Some(65), 0, 10, true, -5),    row(None, Some(75), 0, 10, false, 5),
            row(None, Some(15), 10, 10, true, -5),   row(None, Some(25), 10, 10, false, 5),
            row(None, Some(3), -1, 5, true, -2),     row(None, Some(3), -100, 5, true, -2),
            row(None, Some(7), -1, 5, false, 2),     row(None, Some(7), -100, 5, false, 2),
        ]
    }

    #[test]
    fn leeways_expiry_table_7_3_with_boundaries() {
        for r in expiry_rows() {
            let claims = time_claims(&r);
            let e = time_expected(&r);
            let at_t = reg_msg(&claims, &e, T as f64);
            assert_eq!(
                at_t.is_ok(),
                r.valid,
                "{claims} cks {} el {}: {at_t:?}",
                r.cks,
                r.el
            );
            if !r.valid {
                assert_eq!(at_t, Err(EXPIRED.into()), "{claims}");
            }
            let edge = (T + r.edge) as f64;
            assert_eq!(reg_msg(&claims, &e, edge), Ok(()), "{claims} at edge");
            assert_eq!(
                reg_msg(&claims, &e, edge + 0.001),
                Err(EXPIRED.into()),
                "{claims} past edge"
            );
        }
    }

    #[test]
    fn leeways_not_before_table_7_4_with_boundaries() {
        for r in not_before_rows() {
            let claims = time_claims(&r);
            let e = time_expected(&r);
            let at_t = reg_msg(&claims, &e, T as f64);
            assert_eq!(
                at_t.is_ok(),
                r.valid,
                "{claims} cks {} nl {}: {at_t:?}",
                r.cks,
                r.nl
            );
            if !r.valid {
                assert_eq!(at_t, Err(NOT_YET.into()), "{claims}");
            }
            let edge = (T + r.edge) as f64;
            assert_eq!(reg_msg(&claims, &e, edge), Ok(()), "{claims} at edge");
            assert_eq!(
                reg_msg(&claims, &e, edge - 0.001),
                Err(NOT_YET.into()),
                "{claims} before edge"
            );
        }
    }

    #[test]
    fn time_quirks() {
        let e = none_expected();
        let t = T as f64;
        // exp-only token with remaining life > 150 + 60 s is "not yet valid" (§7.11)
        assert_eq!(
            reg_msg(&format!(r#"{{"exp":{}}}"#, T + 211), &e, t),
            Err(NOT_YET.into())
        );
        assert_eq!(reg_msg(&format!(r#"{{"exp":{}}}"#, T + 210), &e, t), Ok(()));
        assert_eq!(
            reg_msg(&format!(r#"{{"exp":{}}}"#, T + 3600), &e, t),
            Err(NOT_YET.into())
        );
        // iat in the future with no nbf reports nbf (nbf := iat)
        assert_eq!(
            reg_msg(&format!(r#"{{"iat":{}}}"#, T + 61), &e, t),
            Err(NOT_YET.into())
        );
        // the iat error needs a real, earlier nbf; boundary pair on iat
        let c1 = format!(
            r#"{{"nbf":{},"iat":{},"exp":{}}}"#,
            T - 100,
            T + 60,
            T + 100
        );
        assert_eq!(reg_msg(&c1, &e, t), Ok(()));
        assert_eq!(reg_msg(&c1, &e, t - 0.001), Err(FUTURE_IAT.into()));
        // a real exp is never widened by expiration_leeway, only by clock skew
        let big = Expected {
            expiration_leeway: 10_000,
            ..none_expected()
        };
        let c2 = format!(r#"{{"iat":{},"exp":{}}}"#, T - 100, T - 60);
        assert_eq!(reg_msg(&c2, &big, t), Ok(()));
        assert_eq!(reg_msg(&c2, &big, t + 0.5), Err(EXPIRED.into()));
        // a real nbf is never widened by not_before_leeway
        let bignb = Expected {
            not_before_leeway: 10_000,
            ..none_expected()
        };
        let c3 = format!(r#"{{"nbf":{},"exp":{}}}"#, T + 60, T + 100);
        assert_eq!(reg_msg(&c3, &bignb, t), Ok(()));
        assert_eq!(reg_msg(&c3, &bignb, t - 0.5), Err(NOT_YET.into()));
        // fractions truncate; 0, 0.5 and null mean absent
        for z in ["0", "0.5", "-0.5", "null"] {
            assert_eq!(
                reg_msg(&format!(r#"{{"exp":{z}}}"#), &e, t),
                Err(NO_TIME.into()),
                "{z}"
            );
        }
        assert_eq!(
            reg_msg(&format!(r#"{{"exp":{}.999}}"#, T - 60), &e, t),
            Ok(())
        );
        assert_eq!(
            reg_msg(&format!(r#"{{"exp":{}.999}}"#, T - 60), &e, t + 0.001),
            Err(EXPIRED.into())
        );
    }

    #[test]
    fn extreme_time_values_follow_go_on_amd64() {
        // Every row observed on OpenBao 2.7.2 (x86_64): out-of-int64 floats become i64::MIN and
        // Go's time arithmetic wraps near i64::MAX.
        let e = none_expected();
        let t = T as f64;
        let rows = [
            (r#"{"exp":1e300}"#, Err(EXPIRED)),
            (r#"{"exp":-1e300}"#, Err(EXPIRED)),
            (r#"{"exp":-5}"#, Err(EXPIRED)),
            (r#"{"exp":9.2e18}"#, Err(NOT_YET)),
            (r#"{"exp":9223372036854775807}"#, Err(EXPIRED)),
            (r#"{"exp":1e19}"#, Err(EXPIRED)),
            (r#"{"nbf":1e300}"#, Err(EXPIRED)),
            (r#"{"iat":1e300}"#, Err(EXPIRED)),
            (r#"{"nbf":9.2e18}"#, Err(NOT_YET)),
            (r#"{"iat":9.2e18}"#, Err(NOT_YET)),
            (r#"{"exp":9.223372e18}"#, Err(EXPIRED)),
            (r#"{"iat":9223372036854774784}"#, Err(EXPIRED)),
            (r#"{"nbf":9223372036854774784}"#, Err(EXPIRED)),
            (r#"{"exp":9223372036854774784}"#, Err(EXPIRED)),
            (r#"{"exp":9.2233719e18}"#, Err(NOT_YET)),
            (r#"{"iat":-9223372036854774784}"#, Err(EXPIRED)),
            (r#"{"exp":1e18,"nbf":-9223372036854774784}"#, Ok(())),
            (r#"{"exp":1e400}"#, Err(EXPIRED)),
        ];
        for (claims, want) in rows {
            assert_eq!(
                reg_msg(claims, &e, t),
                want.map_err(str::to_string),
                "{claims}"
            );
        }
        // absurd leeways and now do not panic
        let huge = Expected {
            clock_skew_leeway: i64::MAX,
            expiration_leeway: i64::MAX,
            not_before_leeway: i64::MAX,
            ..none_expected()
        };
        for claims in [
            r#"{"iat":9223372036854774784}"#,
            r#"{"exp":-9.2e18}"#,
            r#"{"nbf":1}"#,
        ] {
            let _ = reg_msg(claims, &huge, f64::MAX);
            let _ = reg_msg(claims, &huge, f64::MIN);
            let _ = reg_msg(claims, &huge, f64::NAN);
        }
    }

    // ---- §4.9 strict audience and §7.1 ----------------------------------------------------

    #[test]
    fn strict_audience_rules() {
        // (token aud, Vault ≥1.17 passes, OpenBao 2.7.2 passes) — the OpenBao column as observed.
        let rows = [
            ("", true, true),
            (r#","aud":"x""#, false, false),
            (r#","aud":"""#, true, false),
            (r#","aud":[]"#, true, true),
            (r#","aud":[""]"#, false, false),
            (r#","aud":["x"]"#, false, false),
            (r#","aud":["x","y","z"]"#, false, false),
        ];
        for (aud, vault_ok, bao_ok) in rows {
            let claims = c(&format!(r#"{{"sub":"s"{aud}}}"#));
            for (rule, ok) in [
                (AudienceRule::Vault, vault_ok),
                (AudienceRule::OpenBao, bao_ok),
            ] {
                let got = strict_audience(&claims, &[], rule, &mut Trace::new());
                assert_eq!(got.is_ok(), ok, "{aud} {rule:?}");
                if let Err(e) = got {
                    assert_eq!(e.message, STRICT);
                }
            }
            // with audiences bound the rule never applies
            let bound = vec!["b".to_string()];
            assert!(
                strict_audience(&claims, &bound, AudienceRule::OpenBao, &mut Trace::new()).is_ok()
            );
        }
    }

    /// §7.1 TestLoginBoundAudiences through the whole claims pipeline.
    #[test]
    fn login_bound_audiences_7_1() {
        let test_aud = "https://vault.plugin.auth.jwt.test";
        let bound = vec![test_aud.to_string(), "another_audience".to_string()];
        let rows: [(&[String], &str, bool); 6] = [
            (&[], r#""https://vault.plugin.auth.jwt.test""#, false),
            (&[], r#"["https://vault.plugin.auth.jwt.test"]"#, false),
            (&bound, r#"["https://vault.plugin.auth.jwt.test"]"#, true),
            (&bound, r#""https://foo.com""#, false),
            (&bound, r#""https://vault.plugin.auth.jwt.test""#, true),
            (&[], "", true),
        ];
        for (auds, aud, ok) in rows {
            let aud_part = if aud.is_empty() {
                String::new()
            } else {
                format!(r#","aud":{aud}"#)
            };
            let claims = c(&format!(r#"{{"sub":"subject","nbf":{}{aud_part}}}"#, T - 5));
            let r = LoginRules {
                expected: Expected {
                    bound_subject: "subject",
                    bound_audiences: auds,
                    ..none_expected()
                },
                audience_rule: AudienceRule::Vault,
                identity: rules("sub", false, "", None),
                bound_claims: None,
                bound_claims_glob: false,
            };
            let got = check_claims(&claims, &r, T as f64, &mut Trace::new());
            assert_eq!(got.is_ok(), ok, "{auds:?} {aud}: {got:?}");
        }
    }

    // ---- §7.2 / §7.6 claims-level login cases ---------------------------------------------

    fn plugin_test_claims(extra: &str) -> Map<String, Value> {
        c(&format!(
            r#"{{"sub":"r3qXcK2bix9eFECzsU3Sbmh0K16fatW6@clients","iss":"https://team-vault.auth0.com/",
                "nbf":{},"aud":"https://vault.plugin.auth.jwt.test",
                "https://vault/user":"jeff","https://vault/groups":["foo","bar"]{extra}}}"#,
            T - 5
        ))
    }

    #[test]
    fn login_jwt_7_2_claims_level() {
        let auds = vec![
            "https://vault.plugin.auth.jwt.test".to_string(),
            "another_audience".to_string(),
        ];
        let mappings: BTreeMap<String, String> = [
            ("first_name".to_string(), "name".to_string()),
            ("/org/primary".to_string(), "primary_org".to_string()),
        ]
        .into();
        let bound = c(r#"{"color":"green","pnum":123}"#);
        let mk = |auds: &'static [String]| LoginRules {
            expected: Expected {
                bound_issuer: "https://team-vault.auth0.com/",
                bound_subject: "r3qXcK2bix9eFECzsU3Sbmh0K16fatW6@clients",
                bound_audiences: auds,
                ..none_expected()
            },
            audience_rule: AudienceRule::Vault,
            identity: IdentityRules {
                role_name: "plugin-test",
                user_claim: "https://vault/user",
                user_claim_json_pointer: false,
                groups_claim: "https://vault/groups",
                claim_mappings: None,
            },
            bound_claims: None,
            bound_claims_glob: false,
        };
        let auds: &'static [String] = Box::leak(auds.into_boxed_slice());
        let mut r = mk(auds);
        r.identity.claim_mappings = Some(&mappings);
        r.bound_claims = Some(&bound);
        let good =
            r#","first_name":"jeff2","org":{"primary":"engineering"},"color":"green","pnum":123"#;

        // 3. valid login
        let id = check_claims(&plugin_test_claims(good), &r, T as f64, &mut Trace::new()).unwrap();
        assert_eq!(id.alias_name, "jeff");
        assert_eq!(id.groups, vec!["foo", "bar"]);
        let want: BTreeMap<String, String> = [
            ("name", "jeff2"),
            ("primary_org", "engineering"),
            ("role", "plugin-test"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(id.metadata, want);

        // 2. no bound audiences, aud with 1 and 3 entries
        let no_aud = LoginRules {
            bound_claims: None,
            ..mk(&[])
        };
        for aud in [r#"["a"]"#, r#"["a","b","c"]"#] {
            let mut claims = plugin_test_claims("");
            claims.insert("aud".into(), serde_json::from_str(aud).unwrap());
            let e = check_claims(&claims, &no_aud, T as f64, &mut Trace::new()).unwrap_err();
            assert!(e.message.contains("no audiences bound to the role"));
        }
        // A quiet trace (login without -explain) decides the same and keeps only the failure.
        let mut quiet = Trace::quiet();
        let same = check_claims(&plugin_test_claims(good), &r, T as f64, &mut quiet).unwrap();
        assert_eq!((same, quiet.checks.len()), (id, 0));
        let mut loud = Trace::new();
        let e1 = check_claims(&plugin_test_claims(""), &r, T as f64, &mut loud).unwrap_err();
        let e2 = check_claims(&plugin_test_claims(""), &r, T as f64, &mut quiet).unwrap_err();
        assert_eq!(e1, e2);
        assert_eq!(
            quiet.checks.as_slice(),
            &loud.checks[loud.checks.len() - 1..]
        );
        assert!(loud.checks.len() > 10 && !quiet.checks[0].passed);

        // 4. token lacks color/pnum
        let e = check_claims(&plugin_test_claims(""), &r, T as f64, &mut Trace::new()).unwrap_err();
        assert_eq!(
            e.message,
            r#"error validating claims: claim "color" is missing"#
        );
        // 6/7/8: bad issuer, audience, subject
        for (k, v, msg) in [
            (
                "iss",
                "https://team-fault.auth0.com/",
                "error validating token: invalid issuer (iss) claim",
            ),
            ("aud", "https://fault.plugin.auth.jwt.test", BAD_AUD),
            (
                "sub",
                "p3qXcK2bix9eFECzsU3Sbmh0K16fatW6@clients",
                "error validating token: invalid subject (sub) claim",
            ),
        ] {
            let mut claims = plugin_test_claims(good);
            claims.insert(k.into(), Value::String(v.into()));
            let e = check_claims(&claims, &r, T as f64, &mut Trace::new()).unwrap_err();
            assert_eq!(e.message, msg);
        }
        // 9. only sub/iss/aud and exp = now + 5
        let claims = c(&format!(
            r#"{{"sub":"r3qXcK2bix9eFECzsU3Sbmh0K16fatW6@clients","iss":"https://team-vault.auth0.com/","aud":"https://vault.plugin.auth.jwt.test","exp":{}}}"#,
            T + 5
        ));
        let e = check_claims(&claims, &r, T as f64, &mut Trace::new()).unwrap_err();
        assert_eq!(
            e.message,
            r#"claim "https://vault/user" not found in token"#
        );
    }

    #[test]
    fn nested_groups_7_6_and_string_groups() {
        let claims = c(r#"{"u":"jeff","https":{"//vault/groups":{"testing":["foo","bar"]}}}"#);
        let r = rules("u", false, "/https/~1~1vault~1groups/testing", None);
        let id = extract_identity(&claims, &r, &mut Trace::new()).unwrap();
        assert_eq!(id.groups, vec!["foo", "bar"]);
        // TestLogin_OIDC_StringGroupClaim: a string groups claim is one group
        let id = ident(
            r#"{"u":"a","g":"just_a_string"}"#,
            &rules("u", false, "g", None),
        )
        .unwrap();
        assert_eq!(id.groups, vec!["just_a_string"]);
    }

    // ---- identity details (§4.10, observed on OpenBao) --------------------------------------

    #[test]
    fn groups_normalisation_and_messages() {
        let g = rules("u", false, "g", None);
        let bad = |v: &str| {
            Err(format!(
                "value {v} in groups claim could not be parsed as string"
            ))
        };
        let rows: Vec<(&str, Result<Vec<&str>, String>)> = vec![
            ("[1e6]", bad("1e+06")),
            ("[1.5]", bad("1.5")),
            ("[123456789]", bad("1.23456789e+08")),
            ("[null]", bad("<nil>")),
            (r#"[{"a":1}]"#, bad("map[a:1]")),
            (r#"[[1,"x"]]"#, bad("[1 x]")),
            ("123.7", bad("123")),
            ("true", bad("true")),
            ("[false]", bad("false")),
            ("[-0.0]", bad("-0")),
            ("[1e21]", bad("1e+21")),
            ("[100]", bad("100")),
            (
                r#"{"a":1}"#,
                Err(r#""g" claim could not be converted to string list"#.into()),
            ),
            (
                "null",
                Err(r#"failed to fetch groups: "g" claim not found in token"#.into()),
            ),
            (r#"["", "a", "a"]"#, Ok(vec!["a", "a"])),
            (r#""s""#, Ok(vec!["s"])),
            ("[]", Ok(vec![])),
        ];
        for (v, want) in rows {
            let got = ident(&format!(r#"{{"u":"x","g":{v}}}"#), &g).map(|i| i.groups);
            let want = want.map(|w| w.into_iter().map(str::to_string).collect::<Vec<_>>());
            assert_eq!(got, want, "{v}");
        }
        // no groups claim configured: no groups, no error even if absent
        assert_eq!(
            ident(r#"{"u":"x"}"#, &rules("u", false, "", None))
                .unwrap()
                .groups,
            Vec::<String>::new()
        );
    }

    /// claim_mappings, then the expected metadata pairs (without `role`) or the error.
    type MetaCase = (
        BTreeMap<String, String>,
        Result<Vec<(&'static str, &'static str)>, String>,
    );

    #[test]
    fn user_claim_and_mappings() {
        // literal key vs pointer
        let lit = rules("/a/b", false, "", None);
        assert_eq!(ident(r#"{"/a/b":"lit"}"#, &lit).unwrap().alias_name, "lit");
        let ptr = rules("/a/b", true, "", None);
        assert_eq!(
            ident(r#"{"/a/b":"lit"}"#, &ptr),
            Err(r#"claim "/a/b" not found in token"#.into())
        );
        assert_eq!(
            ident(r#"{"a":{"b":"ptr"}}"#, &ptr).unwrap().alias_name,
            "ptr"
        );
        // numbers (pointer or not), null, bool, array, object
        let n = rules("n", false, "", None);
        let np = rules("n", true, "", None);
        let conv = Err(r#"claim "n" could not be converted to string"#.to_string());
        for v in ["5", "true", "[]", "{}", r#"["a"]"#] {
            assert_eq!(
                ident(&format!(r#"{{"n":{v}}}"#), &n).map(|i| i.alias_name),
                conv,
                "{v}"
            );
            assert_eq!(
                ident(&format!(r#"{{"n":{v}}}"#), &np).map(|i| i.alias_name),
                conv,
                "{v}"
            );
        }
        assert_eq!(
            ident(r#"{"n":null}"#, &n),
            Err(r#"claim "n" not found in token"#.into())
        );
        // dotted names are literal keys
        let dotted = rules("realm_access.roles", false, "", None);
        assert_eq!(
            ident(r#"{"realm_access.roles":"r"}"#, &dotted)
                .unwrap()
                .alias_name,
            "r"
        );
        assert!(ident(r#"{"realm_access":{"roles":"r"}}"#, &dotted).is_err());

        // TestExtractMetadata
        let mk = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let claims = r#"{"u":"x","data1":"foo","data2":{"child":"bar"},"data3":42}"#;
        let cases: Vec<MetaCase> = vec![
            (mk(&[]), Ok(vec![])),
            (
                mk(&[("data1", "val1"), ("/data2/child", "val2")]),
                Ok(vec![("val1", "foo"), ("val2", "bar")]),
            ),
            (
                mk(&[("data1", "val1"), ("nope", "val2")]),
                Ok(vec![("val1", "foo")]),
            ),
            (mk(&[("nope", "val1"), ("nada", "val2")]), Ok(vec![])),
            (
                mk(&[("data3", "val")]),
                Err("error converting claim 'data3' to string".into()),
            ),
        ];
        for (m, want) in cases {
            let got = ident(claims, &rules("u", false, "", Some(&m))).map(|i| i.metadata);
            let want = want.map(|pairs| {
                let mut w = mk(&pairs);
                w.insert("role".into(), "plugin-test".into());
                w
            });
            assert_eq!(got, want, "{m:?}");
        }
        // role is always added, and wins over nothing else
        let id = ident(r#"{"u":"x"}"#, &rules("u", false, "", None)).unwrap();
        assert_eq!(
            id.metadata.get("role").map(String::as_str),
            Some("plugin-test")
        );
    }

    #[test]
    fn identity_errors_come_before_bound_claims_and_empty_alias_is_core_500() {
        let bound = c(r#"{"zz":"1"}"#);
        let r = LoginRules {
            expected: none_expected(),
            audience_rule: AudienceRule::Vault,
            identity: rules("n", false, "", None),
            bound_claims: Some(&bound),
            bound_claims_glob: false,
        };
        let e = check_claims(
            &c(&format!(r#"{{"iat":{T},"n":5}}"#)),
            &r,
            T as f64,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert_eq!(e.message, r#"claim "n" could not be converted to string"#);
        assert_eq!(e.status, 400);
        let ok_bound = c(r#"{"zz":"1"}"#);
        let r2 = LoginRules {
            bound_claims: Some(&ok_bound),
            ..r
        };
        let e = check_claims(
            &c(&format!(r#"{{"iat":{T},"n":"","zz":"1"}}"#)),
            &r2,
            T as f64,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert_eq!(
            (e.status, e.message.as_str()),
            (500, "missing name in alias")
        );
        // a bound-claims failure still wins over the empty alias (core runs last)
        let e = check_claims(
            &c(&format!(r#"{{"iat":{T},"n":""}}"#)),
            &r2,
            T as f64,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            r#"error validating claims: claim "zz" is missing"#
        );
    }

    // ---- §5.1 get_claim (TestGetClaim, TestSetClaim paths) ---------------------------------

    #[test]
    fn get_claim_7_7() {
        let claims =
            c(r#"{"a":42,"b":"bar","c":{"d":95,"e":["dog","cat","bird"],"f":{"g":"zebra"}}}"#);
        let s = |x: &str| Some(Claim::Str(x.into()));
        let n = |x: &str| Some(Claim::Num(x.into()));
        let rows = [
            ("a", n("42")),
            ("/a", n("42")),
            ("b", s("bar")),
            ("/c/d", n("95")),
            ("/c/e/1", s("cat")),
            ("/c/f/g", s("zebra")),
            ("nope", None),
            ("/c/f/h", None),
            ("", None),
            ("\\", None),
            ("/c/e/3", None),
            ("/c/e/x", None),
            ("/c/e/-1", None),
            ("/c/e/+1", s("cat")),
            ("/c/e/-0", s("dog")),
            ("/c/e/01", s("cat")),
            ("/b/x", None),
            ("c.d", None),
        ];
        for (name, want) in rows {
            assert_eq!(get_claim(&claims, name), want, "{name}");
        }
        assert_eq!(
            get_claim(&claims, "/c/e"),
            Some(Claim::Array(vec![
                Claim::Str("dog".into()),
                Claim::Str("cat".into()),
                Claim::Str("bird".into())
            ]))
        );
        // escapes: ~1 then ~0; a name starting with / only reachable escaped
        let esc = c(
            r#"{"":"empty","a~1":"tilde-one","/x":"slash","https":{"//vault/groups":{"testing":[1]}}}"#,
        );
        assert_eq!(get_claim(&esc, "/"), s("empty"));
        assert_eq!(get_claim(&esc, "/a~01"), s("tilde-one"));
        assert_eq!(get_claim(&esc, "/~1x"), s("slash"));
        assert_eq!(get_claim(&esc, "/x"), None);
        assert_eq!(
            get_claim(&esc, "/https/~1~1vault~1groups/testing"),
            Some(Claim::Array(vec![Claim::F64(1.0)]))
        );
        // number coercion of the found value only: truncation toward zero, amd64 overflow
        let nums = c(
            r#"{"p":3.9,"q":-2.5,"r":1e300,"s":-1e300,"t":1e19,"u":9223372036854775807,"v":123456789012345678,"w":[3.9],"x":null}"#,
        );
        for (k, want) in [
            ("p", "3"),
            ("q", "-2"),
            ("r", "-9223372036854775808"),
            ("s", "-9223372036854775808"),
            ("t", "-9223372036854775808"),
            ("u", "-9223372036854775808"),
            ("v", "123456789012345680"),
        ] {
            assert_eq!(get_claim(&nums, k), n(want), "{k}");
        }
        assert_eq!(
            get_claim(&nums, "w"),
            Some(Claim::Array(vec![Claim::F64(3.9)]))
        );
        assert_eq!(get_claim(&nums, "/w/0"), n("3"));
        assert_eq!(get_claim(&nums, "x"), None);
    }

    // ---- §5.2 bound claims (TestValidateBoundClaims + observed OpenBao cases) -------------

    #[test]
    fn bound_claims_7_7_string_and_glob() {
        let rows: Vec<(&str, &str, bool, bool)> = vec![
            // (bound, token, glob, ok)
            (
                r#"{"foo":"a","bar":"b"}"#,
                r#"{"foo":"a","bar":"b"}"#,
                false,
                true,
            ),
            (r#"{"foo":[42]}"#, r#"{"foo":[42]}"#, false, false), // ⚠ real tokens: nested f64
            (r#"{"foo":[false]}"#, r#"{"foo":[false]}"#, false, true),
            (r#"{"foo":"a"}"#, r#"{"foo":["a","b"]}"#, false, true),
            (
                r#"{"foo":["a","b","c"]}"#,
                r#"{"foo":["c","d"]}"#,
                false,
                true,
            ),
            (r#"{"foo":123}"#, r#"{"foo":123.0}"#, false, true),
            (r#"{"foo":456}"#, r#"{"foo":123}"#, false, false),
            (r#"{"foo":123}"#, r#"{"foo":456}"#, false, false),
            (r#"{"foo":"c"}"#, r#"{"foo":["a","b"]}"#, false, false),
            (
                r#"{"foo":["a","b","c"]}"#,
                r#"{"foo":["d","e"]}"#,
                false,
                false,
            ),
            (r#"{"foo":"a"}"#, r#"{"foo":"a","extra":"x"}"#, false, true),
            (r#"{"foo":"a"}"#, r#"{"foo":"b"}"#, false, false),
            (r#"{"foo":"a"}"#, r#"{"bar":"a"}"#, false, false),
            (
                r#"{"/bar/baz/1":"y"}"#,
                r#"{"bar":{"baz":["x","y"]}}"#,
                false,
                true,
            ),
            (
                r#"{"/bar/baz/1":"q"}"#,
                r#"{"bar":{"baz":["x","y"]}}"#,
                false,
                false,
            ),
            (
                r#"{"/bar/XX/1":"y"}"#,
                r#"{"bar":{"baz":["x","y"]}}"#,
                false,
                false,
            ),
            (r#"{"foo":["a","b","c"]}"#, r#"{"foo":"c"}"#, false, true),
            (r#"{"foo":["a","b","c"]}"#, r#"{"foo":"d"}"#, false, false),
            (r#"{"foo":42}"#, r#"{"foo":42}"#, false, true), // real API number: valid
            (r#"{"foo":true}"#, r#"{"foo":"true"}"#, false, false),
            (r#"{"foo":"d"}"#, r#"{"foo":42}"#, false, false),
            (r#"{"foo":"4*"}"#, r#"{"foo":"42"}"#, true, true),
            (r#"{"foo":"4*"}"#, r#"{"foo":42}"#, true, false),
            (r#"{"foo":"4*"}"#, r#"{"foo":"d42"}"#, true, false),
            (r#"{"foo":"*2"}"#, r#"{"foo":"42x"}"#, true, false),
            (r#"{"foo":["4*d","42*"]}"#, r#"{"foo":"42x"}"#, true, true),
            (r#"{"foo":["4*d","42*"]}"#, r#"{"foo":"43x"}"#, true, false),
            (
                r#"{"email":"*@*.com"}"#,
                r#"{"email":"test@example.com"}"#,
                true,
                true,
            ),
            (
                r#"{"email":"r*@*.com"}"#,
                r#"{"email":"test@example.com"}"#,
                false,
                false,
            ),
            (
                r#"{"email":"*@*.com"}"#,
                r#"{"email":"test@example.com"}"#,
                false,
                false,
            ),
            // observed on OpenBao 2.7.2
            (r#"{"n":123}"#, r#"{"n":123.7}"#, false, true),
            (r#"{"n":123}"#, r#"{"n":-123.5}"#, false, false),
            (r#"{"n":123}"#, r#"{"n":[123]}"#, false, false),
            (r#"{"n":123}"#, r#"{"n":"123"}"#, false, false),
            (r#"{"n":123}"#, r#"{"n":1.23e2}"#, false, true),
            (r#"{"n":-2}"#, r#"{"n":-2.5}"#, false, true),
            (r#"{"n":123.0}"#, r#"{"n":123}"#, false, false),
            (r#"{"n":1e2}"#, r#"{"n":100}"#, false, false),
            (
                r#"{"n":-9223372036854775808}"#,
                r#"{"n":1e300}"#,
                false,
                true,
            ),
            (
                r#"{"n":-9223372036854775808}"#,
                r#"{"n":-1e300}"#,
                false,
                true,
            ),
            (
                r#"{"n":-9223372036854775808}"#,
                r#"{"n":1e19}"#,
                false,
                true,
            ),
            (
                r#"{"n":-9223372036854775808}"#,
                r#"{"n":9223372036854775807}"#,
                false,
                true,
            ),
            (
                r#"{"n":9223372036854775807}"#,
                r#"{"n":1e300}"#,
                false,
                false,
            ),
            (r#"{"x":[null]}"#, r#"{"x":[null]}"#, false, true),
            (r#"{"x":[null]}"#, r#"{"x":null}"#, false, false),
            (r#"{"x":[{"a":"b"}]}"#, r#"{"x":[["a"]]}"#, false, false),
            (r#"{"x":[]}"#, r#"{"x":"y"}"#, false, false),
            (r#"{"x":[]}"#, r#"{"x":[]}"#, false, false),
            (r#"{"x":"y"}"#, r#"{"x":[]}"#, false, false),
            (r#"{"ids":[1]}"#, r#"{"ids":[1,2]}"#, false, false),
            (r#"{"x":"true"}"#, r#"{"x":true}"#, false, false),
            (r#"{"x":true}"#, r#"{"x":true}"#, false, true),
            (r#"{"x":["*",true]}"#, r#"{"x":"y"}"#, true, true),
            (r#"{"x":[true]}"#, r#"{"x":[]}"#, true, false),
            (
                r#"{"ref_protected":"true"}"#,
                r#"{"ref_protected":true}"#,
                true,
                false,
            ),
            (
                r#"{"realm_access.roles":"r"}"#,
                r#"{"realm_access":{"roles":"r"}}"#,
                false,
                false,
            ),
            (
                r#"{"realm_access.roles":"r"}"#,
                r#"{"realm_access.roles":"r"}"#,
                false,
                true,
            ),
            (r#"{}"#, r#"{}"#, false, true),
        ];
        for (bound, token, glob, ok) in rows {
            let got = bound_msg(token, bound, glob);
            assert_eq!(
                got.is_ok(),
                ok,
                "bound {bound} token {token} glob {glob}: {got:?}"
            );
        }
    }

    #[test]
    fn bound_claims_messages_match_go() {
        let nomatch = |k: &str| {
            format!(
                r#"error validating claims: claim "{k}" does not match any associated bound claim values"#
            )
        };
        let rows: Vec<(&str, &str, bool, String)> = vec![
            // keys in sorted order
            (r#"{"b":"1","a":"1","c":"1"}"#, r#"{"z":1}"#, false, r#"error validating claims: claim "a" is missing"#.into()),
            (r#"{"x":"y"}"#, r#"{"x":null}"#, false, r#"error validating claims: claim "x" is missing"#.into()),
            (
                r#"{"o":"x"}"#,
                r#"{"o":{"b":[1,"s",null,true],"a":1.5e10,"c":{"d":true},"e":1234567,"f":123456,"g":0.00001,"h":-0.0,"i":1e21,"j":1e-5,"k":100000000000000000000,"l":"two words"}}"#,
                false,
                "error validating claims: received claim is not a string, bool, int or list: map[a:1.5e+10 b:[1 s <nil> true] c:map[d:true] e:1.234567e+06 f:123456 g:1e-05 h:-0 i:1e+21 j:1e-05 k:1e+20 l:two words]".into(),
            ),
            (r#"{"o":"x"}"#, r#"{"o":{}}"#, false, "error validating claims: received claim is not a string, bool, int or list: map[]".into()),
            (
                r#"{"x":{"b":1.50,"a":[1,"s",null],"c":{"z":false}}}"#,
                r#"{"x":"y"}"#,
                false,
                "error validating claims: bound claim is not a string, bool, int or list: map[a:[1 s <nil>] b:1.50 c:map[z:false]]".into(),
            ),
            (r#"{"x":null}"#, r#"{"x":"y"}"#, false, "error validating claims: bound claim is not a string, bool, int or list: <nil>".into()),
            (r#"{"x":{"a":1}}"#, r#"{"y":"y"}"#, false, r#"error validating claims: claim "x" is missing"#.into()),
            (r#"{"x":[true]}"#, r#"{"x":5}"#, true, "error validating claims: received claim is not a glob string: %!e(bool=true)xpVal".into()),
            (r#"{"x":[5]}"#, r#"{"x":"y"}"#, true, "error validating claims: received claim is not a glob string: %!e(json.Number=5)xpVal".into()),
            (r#"{"x":[null]}"#, r#"{"x":"y"}"#, true, "error validating claims: received claim is not a glob string: %!e(<nil>)xpVal".into()),
            (r#"{"x":[["a"]]}"#, r#"{"x":"y"}"#, true, "error validating claims: received claim is not a glob string: [%!e(string=a)]xpVal".into()),
            (r#"{"x":[{"k":1}]}"#, r#"{"x":"y"}"#, true, "error validating claims: received claim is not a glob string: map[%!e(string=k):%!e(json.Number=1)]xpVal".into()),
            (r#"{"x":[1.50]}"#, r#"{"x":"y"}"#, true, "error validating claims: received claim is not a glob string: %!e(json.Number=1.50)xpVal".into()),
            (r#"{"x":[[null,[1]]]}"#, r#"{"x":"y"}"#, true, "error validating claims: received claim is not a glob string: [<nil> [%!e(json.Number=1)]]xpVal".into()),
            (r#"{"x":["ok"]}"#, r#"{"x":5}"#, true, nomatch("x")),
            (r#"{"x":["*",true]}"#, r#"{"x":5}"#, true, "error validating claims: received claim is not a glob string: %!e(bool=true)xpVal".into()),
            (r#"{"x":[{"a":"b"}]}"#, r#"{"x":[{"a":"b"}]}"#, false, nomatch("x")),
            (r#"{"x":[["a"]]}"#, r#"{"x":[["a"]]}"#, false, nomatch("x")),
            // Go would panic before reaching the later, matching element: never granted
            (r#"{"x":[{"a":"b"},"s"]}"#, r#"{"x":[{"a":"c"},"s"]}"#, false, nomatch("x")),
            (
                "{\"k\\u00a0\\\"\\\\\\u0007\\t\\u0001\\u200b\u{1F600}é\":\"1\"}",
                r#"{"z":1}"#,
                false,
                "error validating claims: claim \"k\\u00a0\\\"\\\\\\a\\t\\x01\\u200b\u{1F600}é\" is missing".into(),
            ),
        ];
        for (bound, token, glob, want) in rows {
            assert_eq!(
                bound_msg(token, bound, glob),
                Err(want),
                "bound {bound} token {token}"
            );
        }
    }

    // ---- §5.3 glob -------------------------------------------------------------------------

    #[test]
    fn glob_matches_go_glob() {
        let rows = [
            ("", "", true),
            ("", "a", false),
            ("*", "", true),
            ("*", "anything", true),
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("4*", "42", true),
            ("4*", "d42", false),
            ("*2", "42x", false),
            ("*2", "42", true),
            ("*@*.com", "test@example.com", true),
            ("r*@*.com", "test@example.com", false),
            ("4*d", "42x", false),
            ("42*", "42x", true),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "acb", false),
            ("a**c", "ac", true),
            ("*a*", "bab", true),
            ("*a*", "bbb", false),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("ab*ba", "aba", false),
            ("A*", "abc", false),
            ("a?c", "abc", false),
            ("a?c", "a?c", true),
            ("[a]", "a", false),
            ("team-*", "team-a", true),
            ("*-main", "refs/heads/x-main", true),
            ("é*", "été", true),
        ];
        for (p, s, want) in rows {
            assert_eq!(glob_match(p, s), want, "{p} vs {s}");
        }
    }

    // ---- Go printing helpers ---------------------------------------------------------------

    #[test]
    fn go_float_and_quote_formatting() {
        for (f, want) in [
            (42.0, "42"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (-0.0, "-0"),
            (0.0, "0"),
            (123.456, "123.456"),
            (1.5e-7, "1.5e-07"),
            (f64::INFINITY, "+Inf"),
        ] {
            assert_eq!(go_format_g(f), want, "{f}");
        }
        for (s, want) in [
            ("plain", r#""plain""#),
            ("a\"b\\c", r#""a\"b\\c""#),
            ("\u{7}\u{8}\u{c}\n\r\t\u{b}", r#""\a\b\f\n\r\t\v""#),
            ("\u{1}\u{7f}", r#""\x01\x7f""#),
            ("\u{a0}\u{200b}\u{feff}", r#""\u00a0\u200b\ufeff""#),
            ("e\u{301}", "\"e\u{301}\""),
            ("\u{1F600}", "\"\u{1F600}\""),
            ("\u{E0001}", r#""\U000e0001""#),
        ] {
            assert_eq!(go_quote(s), want, "{s:?}");
        }
    }

    // ---- hints and the explain trace -------------------------------------------------------

    #[test]
    fn hints_name_what_was_held_and_expected() {
        let auds = vec!["vault".to_string()];
        let e = Expected {
            bound_audiences: &auds,
            ..none_expected()
        };
        let err = validate_registered(
            &c(&format!(r#"{{"aud":["x"],"iat":{T}}}"#)),
            &e,
            T as f64,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert_eq!(
            err.hint,
            vec![r#"token aud: ["x"]; bound audiences: ["vault"]"#.to_string()]
        );
        let from_cfg = Expected {
            audiences_from_config: true,
            ..e
        };
        let err = validate_registered(
            &c(&format!(r#"{{"iat":{T}}}"#)),
            &from_cfg,
            T as f64,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert_eq!(
            err.hint,
            vec![r#"token aud: (absent); config token_audiences: ["vault"]"#.to_string()]
        );

        let err = validate_registered(
            &c(&format!(r#"{{"exp":{}}}"#, T - 133)),
            &none_expected(),
            T as f64,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert_eq!(
            err.hint,
            vec![
                "token expired 133s ago (exp 2027-01-15T07:57:47Z (1799999867), clock skew leeway 60s)"
                    .to_string()
            ]
        );
        let err = validate_registered(
            &c(&format!(r#"{{"iat":{}}}"#, T - 300)),
            &none_expected(),
            T as f64,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert!(
            err.hint[0].starts_with(
                "token expired 150s ago (exp synthesized as iat + expiration_leeway 150s = "
            ),
            "{:?}",
            err.hint
        );
        let err = validate_registered(
            &c(&format!(r#"{{"exp":{}}}"#, T + 3600)),
            &none_expected(),
            T as f64,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert!(err.hint[0].starts_with("token not valid for another 3450s (nbf synthesized as exp - not_before_leeway 150s"), "{:?}", err.hint);

        let err = validate_bound_claims(
            &c(r#"{"groups":["ops"]}"#),
            &c(r#"{"groups":"developers"}"#),
            true,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert_eq!(
            err.hint[0],
            r#"claim "groups" held ["ops"]; expected one of ["developers"] (glob)"#
        );
        let err = validate_bound_claims(
            &c(r#"{"x":true}"#),
            &c(r#"{"x":"true"}"#),
            false,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert_eq!(err.hint.len(), 2, "{:?}", err.hint);
        let err = validate_bound_claims(
            &c(r#"{"n":123}"#),
            &c(r#"{"n":123.0}"#),
            false,
            &mut Trace::new(),
        )
        .unwrap_err();
        assert!(err.hint[1].contains("literal text"), "{:?}", err.hint);
    }

    #[test]
    fn trace_records_every_check_in_order() {
        let auds = vec!["vault-aud-value".to_string()];
        let bound = c(r#"{"groups":"developers"}"#);
        let r = LoginRules {
            expected: Expected {
                bound_issuer: "https://issuer/",
                bound_audiences: &auds,
                audiences_from_config: true,
                ..none_expected()
            },
            audience_rule: AudienceRule::Vault,
            identity: IdentityRules {
                role_name: "developer-role",
                user_claim: "sub",
                user_claim_json_pointer: false,
                groups_claim: "groups",
                claim_mappings: None,
            },
            bound_claims: Some(&bound),
            bound_claims_glob: true,
        };
        let claims = c(&format!(
            r#"{{"iss":"https://issuer/","sub":"user-12345","aud":"vault-aud-value","exp":{},"iat":{},"groups":["developers","ops"]}}"#,
            T + 3600,
            T
        ));
        let mut t = Trace::new();
        let id = check_claims(&claims, &r, T as f64, &mut t).unwrap();
        assert_eq!(id.alias_name, "user-12345");
        assert_eq!(id.groups, vec!["developers", "ops"]);
        let names: Vec<&str> = t.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "registered claim names",
                "registered claim types",
                "issuer (iss)",
                "subject (sub)",
                "audience (aud)",
                "time claims present",
                "not before (nbf)",
                "expiration (exp)",
                "issued at (iat)",
                "strict audience",
                "user claim",
                "groups claim",
                "bound claim \"groups\"",
                "alias name",
            ]
        );
        assert!(t.checks.iter().all(|c| c.passed));
        let rendered = t.render();
        assert!(rendered.contains("ok   audience (aud): token aud: \"vault-aud-value\"; config token_audiences: [\"vault-aud-value\"]"), "{rendered}");

        // a failing login: trace stops at the failure, whose detail is the hint
        let mut claims2 = claims.clone();
        claims2.insert("groups".into(), serde_json::from_str(r#"["ops"]"#).unwrap());
        let mut t2 = Trace::new();
        let e = check_claims(&claims2, &r, T as f64, &mut t2).unwrap_err();
        assert_eq!(
            e.message,
            r#"error validating claims: claim "groups" does not match any associated bound claim values"#
        );
        let last = t2.checks.last().unwrap();
        assert!(!last.passed);
        assert_eq!(last.detail, e.hint.join("; "));
        assert_eq!(t2.checks.len(), 13);
    }
}
