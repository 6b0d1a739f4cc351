//! Tokens as Vault core makes them: issuing, hashing, TTL arithmetic, lookup, renewal,
//! revocation, use counts, parents and children, and the token helper file.
//!
//! A raw token exists only in the command's output and the helper file; the state file keeps
//! its SHA-256. Service tokens are `jvs.` + 24 base62 characters with a 24-character accessor;
//! batch tokens are `jvb.` + 32 base62 characters with no accessor.
//!
//! Parents (Vault's token tree): a token made by `auth/token/create` is the child of the token
//! that asked (or of the local operator, who has no token and is never revoked), unless it is
//! an orphan. A parent lists its children's hashes (Vault's parent index); revoking a token
//! revokes its descendants, `revoke-orphan` makes its service children orphans, and a token
//! whose parent is gone (revoked, expired, used up) is dead: found, it is revoked with its tree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::{ApiError, Auth};
use crate::gofmt;
use crate::ids;
use crate::paths::mounts::SYSTEM_TTL;
use crate::store::{MountRow, Store, TokenKeys};

/// The stored part of a token entry (Vault's fields, cli-reference §6.5).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenEntry {
    pub accessor: String,
    /// `service` or `batch`.
    pub token_type: String,
    /// The token's own policies, sanitised and sorted (without identity policies).
    pub policies: Vec<String>,
    pub path: String,
    pub meta: BTreeMap<String, String>,
    pub display_name: String,
    /// Remaining uses; 0 is unlimited.
    pub num_uses: i64,
    /// Unix seconds.
    pub creation_time: i64,
    pub creation_ttl: i64,
    pub explicit_max_ttl: i64,
    pub period: i64,
    pub entity_id: String,
    pub bound_cidrs: Vec<String>,
    /// Unix seconds with fractions.
    pub issue_time: f64,
    /// None: never expires.
    pub expire_time: Option<f64>,
    pub last_renewal_time: Option<f64>,
    pub renewable: bool,
    /// The effective max TTL at issue (seconds, 0 none), enforcing `issue_time + max_ttl`.
    pub max_ttl: i64,
    pub mount_accessor: String,
    pub mount_path: String,
    pub role: String,
    /// The parent token's hash in hex, [`OPERATOR_PARENT`], or empty for an orphan (every
    /// login token).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub parent: String,
    /// The hashes (hex) of the tokens created as its children.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<String>,
    /// The TTL its lease was last given (creation, then each renewal): what a renewal without
    /// an increment grants a token of the token store again. 0: `creation_ttl`.
    #[serde(skip_serializing_if = "is_zero")]
    pub lease_ttl: i64,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// The parent of a token the local operator created: root rights, no token entry, never
/// revoked. Such a token is not an orphan, as a child of Vault's root token is not.
pub const OPERATOR_PARENT: &str = "operator";

/// Lower-case hex of a token hash.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of a [`hex`] string; `None` if it is not one.
fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// What a login asks Vault core to issue.
pub struct IssueRequest<'a> {
    pub mount: &'a MountRow,
    pub role_name: &'a str,
    pub policies: &'a [String],
    pub no_default_policy: bool,
    pub ttl: i64,
    pub max_ttl: i64,
    pub explicit_max_ttl: i64,
    pub period: i64,
    pub num_uses: i64,
    /// Role's `token_type`: `default`, `service` or `batch`.
    pub token_type: &'a str,
    pub bound_cidrs: &'a [String],
    pub display_name: String,
    pub metadata: BTreeMap<String, String>,
    pub entity_id: String,
    pub identity_policies: Vec<String>,
    pub now: f64,
}

/// A freshly issued token: the raw value exists only here.
pub struct Issued {
    pub auth: Auth,
    pub warnings: Vec<String>,
}

/// Vault's sanitising of token policies: trimmed, lower-cased, empty dropped, de-duplicated,
/// sorted; `default` added unless refused; `root` collapses the list.
pub fn sanitize_policies(list: &[String], add_default: bool) -> Vec<String> {
    let mut v: Vec<String> = list
        .iter()
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    if v.iter().any(|p| p == "root") {
        return vec!["root".into()];
    }
    if add_default {
        v.push("default".into());
    }
    v.sort();
    v.dedup();
    v
}

/// Vault core's warning when a `TTL` or `period` is lowered to the effective max TTL.
pub fn capped_warning(what: &str, value: i64, max: i64) -> String {
    format!(
        "{what} of \"{}\" exceeded the effective max_ttl of \"{}\"; {what} value is capped accordingly",
        gofmt::human_duration(value),
        gofmt::human_duration(max)
    )
}

/// The TTL arithmetic of Vault core (cli-reference §6.3) for an issue or a renewal.
/// Returns (ttl, effective max, warnings). `requested` is the role TTL or a renewal increment.
pub fn calculate_ttl(
    mount: &MountRow,
    requested: i64,
    role_max: i64,
    explicit_max: i64,
    period: i64,
) -> (i64, i64, Vec<String>) {
    let mut warnings = Vec::new();
    let mount_default = if mount.default_lease_ttl > 0 {
        mount.default_lease_ttl
    } else {
        SYSTEM_TTL
    };
    let mut max = if mount.max_lease_ttl > 0 {
        mount.max_lease_ttl
    } else {
        SYSTEM_TTL
    };
    if role_max > 0 && role_max < max {
        max = role_max;
    }
    if explicit_max > 0 && explicit_max < max {
        max = explicit_max;
    }
    let ttl = if period > 0 {
        if period > max {
            warnings.push(capped_warning("period", period, max));
            max
        } else {
            period
        }
    } else {
        let t = if requested > 0 {
            requested
        } else {
            mount_default.min(max)
        };
        if t > max {
            warnings.push(capped_warning("TTL", t, max));
            max
        } else {
            t
        }
    };
    (ttl, max, warnings)
}

/// Which type a login produces: the mount's tuned type combined with the role's.
fn effective_type(mount_type: &str, role_type: &str) -> &'static str {
    match (mount_type, role_type) {
        ("service", _) => "service",
        ("batch", _) => "batch",
        ("default-batch", "service") => "service",
        ("default-batch", _) => "batch",
        (_, "batch") => "batch",
        _ => "service",
    }
}

/// Issues and stores a token for a successful login.
pub fn issue(store: &Store, req: IssueRequest<'_>) -> Result<Issued, ApiError> {
    let entity_id = req.entity_id.clone();
    let identity_policies = req.identity_policies.clone();
    let now = req.now;
    prepare(req)?.store(store, entity_id, identity_policies, now)
}

/// A login's token, made ready before the write: its value and accessor drawn, its policies,
/// type and TTL decided. [`Prepared::store`] adds the identity and the times and stores it.
pub struct Prepared {
    raw: String,
    entry: TokenEntry,
    ttl: i64,
    warnings: Vec<String>,
}

/// Everything of [`issue`] that needs no state file: `req.entity_id`, `req.identity_policies`
/// and `req.now` are not used (see [`Prepared::store`]).
pub fn prepare(req: IssueRequest<'_>) -> Result<Prepared, ApiError> {
    let token_policies = sanitize_policies(req.policies, !req.no_default_policy);
    if token_policies.iter().any(|p| p == "root") {
        return Err(ApiError::bad_request(
            "auth methods cannot create root tokens",
        ));
    }
    let kind = effective_type(&req.mount.token_type, req.token_type);
    let (ttl, max, warnings) = calculate_ttl(
        req.mount,
        req.ttl,
        req.max_ttl,
        req.explicit_max_ttl,
        req.period,
    );
    let (raw, accessor) = new_token(kind);
    let entry = TokenEntry {
        accessor,
        token_type: kind.into(),
        policies: token_policies,
        path: format!("auth/{}login", req.mount.path),
        meta: req.metadata,
        display_name: req.display_name,
        num_uses: if kind == "batch" { 0 } else { req.num_uses },
        creation_ttl: ttl,
        explicit_max_ttl: req.explicit_max_ttl,
        period: req.period,
        bound_cidrs: req.bound_cidrs.to_vec(),
        renewable: kind == "service",
        max_ttl: if req.period > 0 {
            req.explicit_max_ttl
        } else {
            max
        },
        mount_accessor: req.mount.accessor.clone(),
        mount_path: req.mount.path.clone(),
        role: req.role_name.into(),
        ..TokenEntry::default()
    };
    Ok(Prepared {
        raw,
        entry,
        ttl,
        warnings,
    })
}

impl Prepared {
    /// Stores the token for the entity the login established, issued at `now`.
    pub fn store(
        self,
        store: &Store,
        entity_id: String,
        identity_policies: Vec<String>,
        now: f64,
    ) -> Result<Issued, ApiError> {
        let Prepared {
            raw,
            mut entry,
            ttl,
            warnings,
        } = self;
        // A batch token carries its times in whole seconds (Vault encodes them as unix
        // seconds), so its lookup shows `issue_time` and `expire_time` without fractions.
        let now = if entry.token_type == "batch" {
            now.floor()
        } else {
            now
        };
        entry.creation_time = now as i64;
        entry.issue_time = now;
        entry.expire_time = (ttl > 0).then_some(now + ttl as f64);
        entry.entity_id = entity_id;
        let keys = TokenKeys {
            hash: ids::sha256(raw.as_bytes()),
            accessor: entry.accessor.clone(),
            path: entry.path.clone(),
            mount_accessor: entry.mount_accessor.clone(),
            entity_id: entry.entity_id.clone(),
        };
        store.insert_token(&keys, &entry)?;
        Ok(Issued {
            auth: entry.auth(raw, identity_policies, ttl),
            warnings,
        })
    }
}

impl TokenEntry {
    /// The `auth` block Vault returns for this token: `policies` is the sorted union of its
    /// own policies and `identity_policies`. `client_token` is empty when the token itself is
    /// not known (renewal by accessor).
    pub fn auth(
        &self,
        client_token: String,
        identity_policies: Vec<String>,
        lease_duration: i64,
    ) -> Auth {
        let mut policies = self.policies.clone();
        policies.extend(identity_policies.iter().cloned());
        policies.sort();
        policies.dedup();
        Auth {
            client_token: client_token.into(),
            accessor: self.accessor.clone(),
            policies,
            token_policies: self.policies.clone(),
            identity_policies,
            metadata: self.meta.clone(),
            orphan: self.parent.is_empty(),
            entity_id: self.entity_id.clone(),
            lease_duration,
            renewable: self.renewable,
            token_type: self.token_type.clone(),
            num_uses: self.num_uses,
        }
    }
}

/// RFC 3339 with nanoseconds in UTC, as Go's `time.RFC3339Nano` prints it (trailing zeros of
/// the fraction dropped).
pub fn rfc3339(t: f64) -> String {
    // `jwt decode` shows a token's own exp/iat/nbf, which may be 1e300 or NaN-like garbage:
    // keep the date arithmetic below in range (about ±285 million years) instead of
    // overflowing.
    let t = if t.is_nan() {
        0.0
    } else {
        t.clamp(-9.0e15, 9.0e15)
    };
    let secs = t.floor() as i64;
    let nanos = ((t - secs as f64) * 1e9).round() as i64;
    let (secs, nanos) = if nanos >= 1_000_000_000 {
        (secs + 1, 0)
    } else {
        (secs, nanos)
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut s = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s.push('Z');
    s
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A token found by its raw value or accessor, with its hash.
#[derive(Clone, Debug)]
pub struct Found {
    pub hash: Vec<u8>,
    pub entry: TokenEntry,
}

/// Whether the entry is past its expiry at `now`.
pub fn expired(entry: &TokenEntry, now: f64) -> bool {
    entry.expire_time.is_some_and(|e| now >= e)
}

/// Finds a live token by its raw value. One that has expired, or whose parent is gone, is
/// revoked (with its children) and reported as missing.
pub fn find(store: &Store, raw: &str, now: f64) -> Result<Option<Found>, ApiError> {
    find_hash(store, ids::sha256(raw.trim().as_bytes()), now)
}

/// Finds a live token by accessor.
pub fn find_by_accessor(
    store: &Store,
    accessor: &str,
    now: f64,
) -> Result<Option<Found>, ApiError> {
    let Some((hash, _)) = store.get_token_by_accessor::<TokenEntry>(accessor)? else {
        return Ok(None);
    };
    find_hash(store, hash, now)
}

fn find_hash(store: &Store, hash: Vec<u8>, now: f64) -> Result<Option<Found>, ApiError> {
    let Some(entry) = store.get_token::<TokenEntry>(&hash)? else {
        return Ok(None);
    };
    if expired(&entry, now) || !ancestors_live(store, &entry, now)? {
        revoke_tree(store, &hash)?;
        return Ok(None);
    }
    Ok(Some(Found { hash, entry }))
}

/// Whether every ancestor of a token is live. Vault revokes a token's tree when the token is
/// revoked or expires; here a child finds out when it is next looked at.
fn ancestors_live(store: &Store, entry: &TokenEntry, now: f64) -> Result<bool, ApiError> {
    let mut parent = entry.parent.clone();
    while !parent.is_empty() && parent != OPERATOR_PARENT {
        let Some(hash) = unhex(&parent) else {
            return Ok(false);
        };
        let Some(p) = store.get_token::<TokenEntry>(&hash)? else {
            return Ok(false);
        };
        if expired(&p, now) {
            revoke_tree(store, &hash)?;
            return Ok(false);
        }
        parent = p.parent;
    }
    Ok(true)
}

/// Vault's `revokeTree`: the token and all its descendants.
pub fn revoke_tree(store: &Store, hash: &[u8]) -> Result<(), ApiError> {
    // (hash, the parent it must still name): a child listed by a revoked parent may since
    // have been made an orphan, and a custom id may have been reused by another token.
    let mut stack: Vec<(Vec<u8>, Option<String>)> = vec![(hash.to_vec(), None)];
    while let Some((h, parent)) = stack.pop() {
        let Some(e) = store.get_token::<TokenEntry>(&h)? else {
            continue;
        };
        if parent.is_some_and(|p| p != e.parent) {
            continue;
        }
        let me = hex(&h);
        stack.extend(
            e.children
                .iter()
                .filter_map(|c| unhex(c))
                .map(|c| (c, Some(me.clone()))),
        );
        store.delete_token(&h)?;
    }
    Ok(())
}

/// Vault's `revokeOrphan`: the token goes, its service children become orphans, its batch
/// children stop working.
pub fn revoke_orphan(store: &Store, f: &Found) -> Result<(), ApiError> {
    let me = hex(&f.hash);
    for child in f.entry.children.iter().filter_map(|c| unhex(c)) {
        let Some(mut e) = store.get_token::<TokenEntry>(&child)? else {
            continue;
        };
        if e.parent != me {
            continue;
        }
        if e.token_type == "batch" {
            store.delete_token(&child)?;
        } else {
            e.parent.clear();
            store.update_token(&child, &e)?;
        }
    }
    store.delete_token(&f.hash)?;
    Ok(())
}

/// Vault's revocation of every lease under a prefix (`sys/leases/revoke-prefix`), for the
/// leases jwtvault has: tokens, whose lease id is `<creation path>/<hash>`. The prefix ends
/// at a segment: `auth/jwt` revokes `auth/jwt/login` tokens, not `auth/jwt2/login` ones.
/// Children of revoked tokens die with them. Returns how many were revoked directly.
pub fn revoke_prefix(store: &Store, prefix: &str) -> Result<usize, ApiError> {
    let base = prefix.trim_end_matches('/');
    let mut n = store.delete_tokens_with_path(base)?;
    n += store.delete_tokens_with_prefix(&format!("{base}/"))?;
    Ok(n)
}

/// Vault's `UseToken`: one use of a token with limited uses is spent; the last one revokes it
/// (Vault shows such an entry with -1 uses).
pub fn spend_use(store: &Store, f: &mut Found) -> Result<(), ApiError> {
    if f.entry.num_uses > 0 {
        f.entry.num_uses -= 1;
        if f.entry.num_uses == 0 {
            revoke_tree(store, &f.hash)?;
            f.entry.num_uses = -1;
        } else {
            store.update_token(&f.hash, &f.entry)?;
        }
    }
    Ok(())
}

/// Whether a request from `remote` may use a token bound to `cidrs` (Vault's
/// `cidrutil.RemoteAddrIsOk`): no binding allows every request; with a binding, no address
/// (or one that is not an IP) is refused, as Vault refuses a request without connection
/// information. Entries are CIDR blocks or bare addresses, as `parse_cidrs` stores them.
pub fn cidrs_allow(cidrs: &[String], remote: Option<&str>) -> bool {
    if cidrs.is_empty() {
        return true;
    }
    let Some(ip) = remote.and_then(|r| r.trim().parse::<std::net::IpAddr>().ok()) else {
        return false;
    };
    cidrs.iter().any(|c| match c.parse::<ipnet::IpNet>() {
        Ok(net) => net.contains(&ip),
        Err(_) => c.parse::<std::net::IpAddr>().is_ok_and(|one| one == ip),
    })
}

/// Stores a new token made by `auth/token/create` with `raw` as its value, and lists it with
/// its parent. Vault's custom-id rules apply to an id the caller chose.
pub fn store_created(
    store: &Store,
    raw: &str,
    custom: bool,
    entry: &TokenEntry,
    now: f64,
) -> Result<(), ApiError> {
    if custom {
        if raw.starts_with("hvs.") {
            return Err(ApiError::bad_request(
                "custom token ID cannot have the 'hvs.' prefix",
            ));
        }
        if raw.starts_with("s.") {
            return Err(ApiError::bad_request(
                "custom token ID cannot have the 's.' prefix",
            ));
        }
        if raw.contains('.') {
            return Err(ApiError::bad_request(
                "custom token ID cannot have a '.' in the value",
            ));
        }
        if find(store, raw, now)?.is_some() {
            return Err(ApiError::bad_request(
                "cannot create a token with a duplicate ID",
            ));
        }
    }
    let hash = ids::sha256(raw.trim().as_bytes());
    let keys = TokenKeys {
        hash: hash.clone(),
        accessor: entry.accessor.clone(),
        path: entry.path.clone(),
        mount_accessor: entry.mount_accessor.clone(),
        entity_id: entry.entity_id.clone(),
    };
    store.insert_token(&keys, entry)?;
    if let Some(parent) = unhex(&entry.parent) {
        if let Some(mut p) = store.get_token::<TokenEntry>(&parent)? {
            p.children.push(hex(&hash));
            store.update_token(&parent, &p)?;
        }
    }
    Ok(())
}

/// A new raw token and accessor of a type (`service` or `batch`).
pub fn new_token(kind: &str) -> (String, String) {
    if kind == "batch" {
        (format!("jvb.{}", ids::base62(32)), String::new())
    } else {
        (format!("jvs.{}", ids::base62(24)), ids::base62(24))
    }
}

/// What a renewal starts from: the lease's backend values (Vault's `framework.CalculateTTL`
/// inputs) and the mount's TTLs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Renewal {
    /// The mount's tuned default and max lease TTLs (0: the system's 768h).
    pub mount_default: i64,
    pub mount_max: i64,
    /// The increment asked for (0: none).
    pub increment: i64,
    /// The TTL, period and max TTL the backend answers with (a role's, or the token's own).
    pub backend_ttl: i64,
    pub period: i64,
    pub backend_max: i64,
    /// The token's `explicit_max_ttl`.
    pub explicit_max: i64,
}

/// Vault's `framework.CalculateTTL` for a lease issued at `start`, at `now` (a renewal, or
/// the issue itself with `start == now`): the TTL granted and the warnings. Times are truncated to whole seconds, as Vault's, so
/// the cap `start + max` matches its arithmetic to the second.
pub fn lease_ttl(r: &Renewal, start: f64, now: f64) -> Result<(i64, Vec<String>), ApiError> {
    let mut warnings = Vec::new();
    let mut max = if r.mount_max > 0 {
        r.mount_max
    } else {
        SYSTEM_TTL
    };
    if r.backend_max > 0 && r.backend_max < max {
        max = r.backend_max;
    }
    if r.explicit_max > 0 && r.explicit_max < max {
        max = r.explicit_max;
    }
    let now_s = now.floor() as i64;
    let start = start.floor() as i64;
    let (mut ttl, hard_end) = if r.period > 0 {
        let mut period = r.period;
        if period > max {
            warnings.push(capped_warning("period", period, max));
            period = max;
        }
        (
            period,
            (r.explicit_max > 0).then_some(start + r.explicit_max),
        )
    } else if r.increment > 0 {
        (r.increment, Some(start + max))
    } else if r.backend_ttl > 0 {
        (r.backend_ttl, Some(start + max))
    } else if r.mount_default > 0 {
        (r.mount_default, Some(start + max))
    } else {
        (SYSTEM_TTL, Some(start + max))
    };
    if let Some(end) = hard_end {
        let left = end - now_s;
        if left <= 0 {
            return Err(ApiError::multi(500, "past the max TTL, cannot renew"));
        }
        if ttl > left {
            warnings.push(capped_warning("TTL", ttl, left));
            ttl = left;
        }
    }
    Ok((ttl, warnings))
}

/// Whether Vault would renew the token's lease at all: batch tokens, tokens that never
/// expire and tokens made not renewable are refused with Vault's texts.
pub fn check_renewable(e: &TokenEntry) -> Result<(), ApiError> {
    if e.token_type == "batch" {
        return Err(ApiError::bad_request("batch tokens cannot be renewed"));
    }
    if !e.renewable || e.expire_time.is_none() {
        return Err(ApiError::bad_request("lease is not renewable"));
    }
    Ok(())
}

/// Records a renewal granting `ttl` at `now`.
pub fn apply_renewal(e: &mut TokenEntry, ttl: i64, now: f64) {
    e.expire_time = Some(now + ttl as f64);
    e.last_renewal_time = Some(now);
    e.lease_ttl = ttl;
}

/// The `data` of a token lookup (Vault's `handleLookup`): `raw` is the token's value when the
/// request named it (an accessor lookup shows none).
pub fn lookup_data(
    f: &Found,
    raw: Option<&str>,
    identity_policies: &[String],
    now: f64,
) -> Map<String, Value> {
    let e = &f.entry;
    // Vault's `leaseEntry.ttl`: to the expiry from now rounded to the second, truncated.
    let ttl = e
        .expire_time
        .map(|x| (x - now.round()).max(0.0) as i64)
        .unwrap_or(0);
    let mut m = json!({
        "accessor": e.accessor,
        "creation_time": e.creation_time,
        "creation_ttl": e.creation_ttl,
        "display_name": e.display_name,
        "entity_id": e.entity_id,
        "expire_time": e.expire_time.map(rfc3339),
        "explicit_max_ttl": e.explicit_max_ttl,
        "id": raw.unwrap_or(""),
        "issue_time": rfc3339(e.issue_time),
        "meta": if e.meta.is_empty() { Value::Null } else { json!(e.meta) },
        "num_uses": e.num_uses,
        "orphan": e.parent.is_empty(),
        "path": e.path,
        "policies": e.policies,
        "renewable": e.renewable && e.expire_time.is_some(),
        "ttl": ttl,
        "type": e.token_type,
    });
    if let Value::Object(obj) = &mut m {
        if !identity_policies.is_empty() {
            obj.insert("identity_policies".into(), json!(identity_policies));
            obj.insert("external_namespace_policies".into(), json!({}));
        }
        if let Some(t) = e.last_renewal_time {
            obj.insert("last_renewal".into(), json!(rfc3339(t)));
            obj.insert("last_renewal_time".into(), json!(t as i64));
        }
        if e.period > 0 {
            obj.insert("period".into(), json!(e.period));
        }
        if !e.bound_cidrs.is_empty() {
            obj.insert("bound_cidrs".into(), json!(e.bound_cidrs));
        }
    }
    match m {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Vault's answer to a lookup of a token that does not exist: `bad token` (403).
pub fn bad_token() -> ApiError {
    ApiError::new(403, vec!["bad token".into()])
}

// ---- the token helper file -----------------------------------------------------------------

/// The helper file: `JWTVAULT_TOKEN_PATH`, else `~/.jwtvault-token`.
pub fn helper_path(env_path: Option<&str>) -> Option<PathBuf> {
    match env_path {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => dirs::home_dir().map(|h| h.join(".jwtvault-token")),
    }
}

/// Reads the stored token (whitespace-trimmed); a missing file means no token.
pub fn helper_get(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(s) => {
            let t = s.trim().to_string();
            Ok(if t.is_empty() { None } else { Some(t) })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Stores a token: written 0600 to a temporary file beside it, then renamed over it, with no
/// trailing newline.
pub fn helper_store(path: &Path, token: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".jwtvault-token.{}.tmp", ids::random_hex(6)));
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let result = (|| {
        let mut f = o.open(&tmp)?;
        f.write_all(token.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mount(default: i64, max: i64) -> MountRow {
        MountRow {
            path: "jwt/".into(),
            kind: "jwt".into(),
            accessor: "auth_jwt_1".into(),
            uuid: "u".into(),
            description: String::new(),
            default_lease_ttl: default,
            max_lease_ttl: max,
            token_type: "default-service".into(),
        }
    }

    #[test]
    fn policies_are_sanitised_as_vault_core_does() {
        let p = |v: &[&str], d| {
            sanitize_policies(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>(), d)
        };
        assert_eq!(
            p(&["developer-policy"], true),
            ["default", "developer-policy"]
        );
        assert_eq!(p(&[" B", "a", "", "a"], false), ["a", "b"]);
        assert_eq!(p(&["x", "Root"], true), ["root"]);
        assert_eq!(p(&[], true), ["default"]);
    }

    #[test]
    fn ttl_arithmetic() {
        let m = mount(0, 0);
        assert_eq!(calculate_ttl(&m, 0, 0, 0, 0).0, SYSTEM_TTL);
        assert_eq!(calculate_ttl(&m, 3600, 0, 0, 0).0, 3600);
        let (t, max, w) = calculate_ttl(&m, 7200, 3600, 0, 0);
        assert_eq!((t, max), (3600, 3600));
        assert_eq!(w, ["TTL of \"2h\" exceeded the effective max_ttl of \"1h\"; TTL value is capped accordingly"]);
        let (t, _, w) = calculate_ttl(&m, 0, 0, 1800, 3600);
        assert_eq!(t, 1800);
        assert_eq!(w, ["period of \"1h\" exceeded the effective max_ttl of \"30m\"; period value is capped accordingly"]);
        // The mount's tuned default and max apply when the role sets none.
        assert_eq!(calculate_ttl(&mount(600, 0), 0, 0, 0, 0).0, 600);
        assert_eq!(calculate_ttl(&mount(0, 900), 0, 0, 0, 0).0, 900);
        // A role max above the mount's is lowered to the mount's, without a warning.
        let (t, max, w) = calculate_ttl(&mount(0, 900), 0, 5000, 0, 0);
        assert_eq!((t, max, w.len()), (900, 900, 0));
    }

    #[test]
    fn token_types_combine_like_vault() {
        assert_eq!(effective_type("default-service", "default"), "service");
        assert_eq!(effective_type("default-service", "batch"), "batch");
        assert_eq!(effective_type("default-batch", "default"), "batch");
        assert_eq!(effective_type("default-batch", "service"), "service");
        assert_eq!(effective_type("service", "batch"), "service");
        assert_eq!(effective_type("batch", "service"), "batch");
    }

    #[test]
    fn rfc3339_matches_go() {
        assert_eq!(rfc3339(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1716199999.5), "2024-05-20T10:13:19.5Z");
        assert_eq!(rfc3339(951782400.0), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn bound_cidrs_need_an_address_inside_them() {
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(cidrs_allow(&[], None));
        assert!(cidrs_allow(&[], Some("8.8.8.8")));
        let bound = c(&["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]);
        assert!(!cidrs_allow(&bound, None));
        assert!(!cidrs_allow(&bound, Some("")));
        assert!(!cidrs_allow(&bound, Some("banana")));
        assert!(!cidrs_allow(&bound, Some("11.0.0.1")));
        assert!(!cidrs_allow(&bound, Some("192.0.2.8")));
        assert!(cidrs_allow(&bound, Some("10.200.0.1")));
        assert!(cidrs_allow(&bound, Some(" 192.0.2.7 ")));
        assert!(cidrs_allow(&bound, Some("2001:db8::1")));
    }

    #[test]
    fn helper_file_is_private_and_has_no_newline() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tok");
        assert_eq!(helper_get(&p).unwrap(), None);
        helper_store(&p, "jvs.abc").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"jvs.abc");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        helper_store(&p, "jvs.def").unwrap();
        assert_eq!(helper_get(&p).unwrap().as_deref(), Some("jvs.def"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
