//! The issuer key cache: what a mount's keys are, where they came from, and when to refetch.
//!
//! Login reads keys only from the state file. The network is touched in three places, all of
//! them through `fetch` and never while the state file's write lock is held: a config write
//! that names a key URL, an explicit `jwks/refresh`, and the one refetch Vault would do when
//! cached keys fail to verify a token.
//!
//! The three follow one shape. A handler that needs documents from the network answers with a
//! [`Plan`] instead of a response; the command layer commits that transaction, runs
//! [`run_plan`] (the network I/O itself, [`fetch`], is a plain function of the plan: no state
//! file, no clock), and calls the handler again with the [`Fetched`] result, which it checks
//! and stores in a second short transaction. A login's refetch is claimed inside the login's
//! own transaction ([`claim_refetch`]), so that it is spaced by at least [`REFETCH_SPACING`]
//! seconds per URL across processes; a failed refetch never changes the cache.
//!
//! This module knows nothing of the config's fields: `paths::config` describes a mount's keys
//! to it as a [`KeySource`].

use serde_json::Value;

use crate::api::ApiError;
use crate::fetch::{self, FetchError};
use crate::keys::{self, Jwk};
use crate::store::{CachedDoc, MountRow, Store, StoreError};
use crate::verify::{self, Alg, KeySet, Verified};

/// Minimum seconds between two fetches of one URL, by any process.
pub const REFETCH_SPACING: f64 = 10.0;

// ---- Where keys come from ----------------------------------------------------------------

/// One URL keys are fetched from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The configured URL: a JWKS URL, or an `oidc_discovery_url`.
    pub url: String,
    pub ca_pem: String,
    pub discovery: bool,
}

impl Target {
    /// A JWKS URL and the CA PEM its certificate is checked with.
    pub fn jwks(url: &str, ca_pem: &str) -> Target {
        Target {
            url: url.to_string(),
            ca_pem: ca_pem.to_string(),
            discovery: false,
        }
    }

    /// An `oidc_discovery_url` and the CA PEM its certificates are checked with.
    pub fn discovery(url: &str, ca_pem: &str) -> Target {
        Target {
            url: url.to_string(),
            ca_pem: ca_pem.to_string(),
            discovery: true,
        }
    }

    /// The URL whose fetch time spaces refetches (the discovery document's for discovery).
    pub fn log_key(&self) -> String {
        if self.discovery {
            fetch::discovery_url(&self.url)
        } else {
            self.url.clone()
        }
    }
}

/// Where a mount's keys come from (reference §2.4), as plain data: `paths::config` derives it
/// from the stored config, first match wins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// `jwt_validation_pubkeys`: the keys are in the config itself.
    Static,
    /// `jwks_url`.
    Jwks(Target),
    /// `jwks_pairs`, in config order.
    MultiJwks(Vec<Target>),
    /// `oidc_discovery_url` without a client id and secret.
    OidcDiscovery(Target),
    /// OIDC browser flow (client id and secret set) or nothing: JWT login cannot use it.
    Unsupported,
}

impl KeySource {
    /// The URLs the keys are fetched from, in config order, or `None` when they are not
    /// fetched.
    pub fn targets(&self) -> Option<Vec<Target>> {
        match self {
            KeySource::Jwks(t) | KeySource::OidcDiscovery(t) => Some(vec![t.clone()]),
            KeySource::MultiJwks(ts) => Some(ts.clone()),
            KeySource::Static | KeySource::Unsupported => None,
        }
    }
}

// ---- Reading the cache -------------------------------------------------------------------

/// One cached key set.
pub struct KeySetEntry {
    pub url: String,
    pub fetched_at: i64,
    pub keys: Vec<Jwk>,
}

/// The URLs whose JWKS the mount's key source uses, in config order.
pub fn jwks_urls(
    store: &Store,
    mount: &MountRow,
    source: &KeySource,
) -> Result<Vec<String>, StoreError> {
    Ok(match source {
        KeySource::Jwks(t) => vec![t.url.clone()],
        KeySource::MultiJwks(ts) => ts.iter().map(|t| t.url.clone()).collect(),
        KeySource::OidcDiscovery(t) => match discovered_jwks_uri(store, mount, &t.url)? {
            Some(uri) => vec![uri],
            // No discovery document cached (it is stored by every config write, so only an old
            // or hand-edited state gets here): the sets cached for the mount, e.g. imported with
            // `jwks/import url=…`, are all there is. A refetch stores the document again.
            None => store
                .cached_docs(&mount.accessor)?
                .into_iter()
                .filter(|d| d.kind == "jwks")
                .map(|d| d.url)
                .collect(),
        },
        KeySource::Static | KeySource::Unsupported => Vec::new(),
    })
}

/// The JWKS URLs logins of this mount read keys from; `None` for a discovery mount whose
/// discovery document is not cached (its logins read every cached set, see [`jwks_urls`]).
pub fn known_jwks_urls(
    store: &Store,
    mount: &MountRow,
    source: &KeySource,
) -> Result<Option<Vec<String>>, StoreError> {
    if let KeySource::OidcDiscovery(t) = source {
        return Ok(discovered_jwks_uri(store, mount, &t.url)?.map(|u| vec![u]));
    }
    jwks_urls(store, mount, source).map(Some)
}

/// The `jwks_uri` of the cached discovery document of `discovery_url`.
fn discovered_jwks_uri(
    store: &Store,
    mount: &MountRow,
    discovery_url: &str,
) -> Result<Option<String>, StoreError> {
    let want = fetch::discovery_url(discovery_url);
    for d in store.cached_docs(&mount.accessor)? {
        if d.kind == "discovery" && d.url == want {
            let v: Value = serde_json::from_slice(&d.body).unwrap_or_default();
            return Ok(v
                .get("jwks_uri")
                .and_then(|u| u.as_str())
                .map(str::to_string));
        }
    }
    Ok(None)
}

/// The cached key sets of a mount, in the order its key source lists them. A URL with nothing
/// cached yet gives an empty set (a login then asks for a refetch).
pub fn key_sets(
    store: &Store,
    mount: &MountRow,
    source: &KeySource,
) -> Result<Vec<KeySetEntry>, ApiError> {
    let urls = jwks_urls(store, mount, source)?;
    let docs = store.cached_docs(&mount.accessor)?;
    let mut out = Vec::new();
    for url in urls {
        let cached = docs.iter().find(|d| d.kind == "jwks" && d.url == url);
        let (keys, fetched_at) = match cached {
            Some(d) => (
                keys::parse_jwks(&d.body).map_err(|e| {
                    ApiError::internal(format!("cached JWKS of {url} does not parse: {e}"))
                        .with_hint(format!(
                            "refresh it with `jwtvault write -f auth/{}jwks/refresh`",
                            mount.path
                        ))
                })?,
                d.fetched_at,
            ),
            None => (Vec::new(), 0),
        };
        out.push(KeySetEntry {
            url,
            fetched_at,
            keys,
        });
    }
    Ok(out)
}

// ---- Verifying ---------------------------------------------------------------------------

/// Why a JWKS-based verification failed.
pub struct KeyError {
    pub message: String,
    pub hints: Vec<String>,
    /// No cached key verified the token: a refetch could help.
    pub key_not_found: bool,
}

impl From<verify::VerifyError> for KeyError {
    fn from(e: verify::VerifyError) -> Self {
        KeyError {
            message: e.to_string(),
            hints: e.hint().into_iter().collect(),
            key_not_found: e.key_not_found(),
        }
    }
}

/// Verifies a token against cached JWKS: the single set for `jwks_url` and discovery, or the
/// set whose cache holds the token's `kid` for `jwks_pairs` (reference §4.8.1, §6.4).
pub fn verify_with_sets(
    token: &str,
    source: &KeySource,
    sets: &[KeySetEntry],
    allowed: &[Alg],
) -> Result<Verified, KeyError> {
    if !matches!(source, KeySource::MultiJwks(_)) {
        // One set in practice; several only in the discovery fallback of `jwks_urls`.
        let merged: Vec<Jwk>;
        let keys = match sets {
            [one] => &one.keys,
            _ => {
                merged = sets.iter().flat_map(|s| s.keys.iter().cloned()).collect();
                &merged
            }
        };
        return Ok(verify::verify(token, KeySet::Jwks(keys), allowed)?);
    }
    let header = peek_header(token).map_err(|e| KeyError {
        message: format!("error validating token: error parsing token: {e}"),
        hints: Vec::new(),
        key_not_found: false,
    })?;
    let kid = header.get("kid").and_then(|k| k.as_str()).unwrap_or("");
    if kid.is_empty() {
        return Err(KeyError {
            message: "error validating token: token missing kid header parameter".into(),
            hints: vec![
                "with jwks_pairs every token must carry a `kid` header naming its key".into(),
            ],
            key_not_found: false,
        });
    }
    let Some(set) = sets
        .iter()
        .find(|s| s.keys.iter().any(|k| k.kid.as_deref() == Some(kid)))
    else {
        let all_empty = sets.iter().all(|s| s.keys.is_empty());
        let message = if all_empty {
            format!(
                "error validating token: error searching for key set with kid {kid}: failed to refresh all {} JWKS caches - check network connectivity and JWKS endpoints",
                sets.len()
            )
        } else {
            format!(
                "error validating token: error searching for key set with kid {kid}: no key found with kid {kid} in any JWKS endpoint"
            )
        };
        let known: Vec<String> = sets
            .iter()
            .map(|s| format!("{}: [{}]", s.url, kids(&s.keys).join(", ")))
            .collect();
        return Err(KeyError {
            message,
            hints: vec![format!("cached key ids by JWKS URL: {}", known.join("; "))],
            key_not_found: true,
        });
    };
    Ok(verify::verify(token, KeySet::Jwks(&set.keys), allowed)?)
}

fn kids(keys: &[Jwk]) -> Vec<String> {
    keys.iter()
        .map(|k| k.kid.clone().unwrap_or_else(|| "(no kid)".into()))
        .collect()
}

// ---- Plans: what a handler asks the command layer to fetch -------------------------------

/// Documents a handler needs from the network before it can answer. The command layer runs the
/// plan with no transaction open ([`run_plan`]) and calls the handler again with the
/// [`Fetched`] result.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// A config write or `jwks/refresh`: fetch every target, in order, and stop at the first
    /// failure (the request fails as a whole). The handler checks and stores what it gets.
    Probe(Vec<Target>),
    /// The one refetch of a login whose cached keys verified nothing, already claimed
    /// ([`claim_refetch`]).
    Refetch(Refetch),
}

/// A login's refetch, claimed in the login's transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Refetch {
    pub mount_accessor: String,
    /// The mount's config as stored when the refetch was claimed: the documents are kept only
    /// if it is still the same (a config write in between replaced the cache).
    pub config: Option<Value>,
    /// What to fetch, in config order: the targets whose spacing had passed.
    pub targets: Vec<Target>,
    /// `jwks_pairs`: a failed fetch keeps that pair's cached set and Vault's kid-search
    /// messages apply; otherwise a failed fetch is the login's error, as in Vault.
    pub multi: bool,
    /// The targets skipped by the spacing, for the hint.
    pub notes: Vec<String>,
}

/// A document as fetched, not yet stamped with the time it is stored at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub url: String,
    /// `discovery` or `jwks`.
    pub kind: &'static str,
    pub body: Vec<u8>,
}

impl Doc {
    /// The document as the cache stores it, fetched at `now`.
    pub fn cached(&self, now: f64) -> CachedDoc {
        CachedDoc {
            url: self.url.clone(),
            kind: self.kind.to_string(),
            body: self.body.clone(),
            fetched_at: now as i64,
        }
    }
}

/// What fetching one target gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetFetch {
    pub target: Target,
    /// The documents fetched and checked, in order: a discovery document, then its JWKS. A
    /// discovery target whose JWKS failed keeps its discovery document here.
    pub docs: Vec<Doc>,
    /// The failure, if any.
    pub error: Option<SetError>,
}

/// What a handler is called again with, once its plan ran.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// A probe's results, one per target fetched, in order (it stops at the first failure).
    Probe {
        targets: Vec<Target>,
        sets: Vec<SetFetch>,
    },
    /// What a login's refetch did (its documents are already stored).
    Refetch(RefetchReport),
}

impl Fetched {
    /// The results of a probe of exactly `want`; `None` when this answers another plan. Never
    /// empty: a probe fetches at least its first target.
    pub fn probe_of(&self, want: &[Target]) -> Option<&[SetFetch]> {
        match self {
            Fetched::Probe { targets, sets } if targets == want && !sets.is_empty() => Some(sets),
            _ => None,
        }
    }

    /// What a login's refetch did; `None` when this answers another plan.
    pub fn refetch(&self) -> Option<&RefetchReport> {
        match self {
            Fetched::Refetch(r) => Some(r),
            Fetched::Probe { .. } => None,
        }
    }
}

/// What a refetch did: notes for the hint, and, when the fetch of a single-set mount failed,
/// Vault's message for the login error.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RefetchReport {
    pub notes: Vec<String>,
    pub error: Option<String>,
}

/// The network I/O of a plan, and nothing else: no state file, no clock, no lock. A probe
/// stops at its first failed target; a refetch tries every target.
pub fn fetch(plan: &Plan) -> Vec<SetFetch> {
    let (targets, stop_at_failure) = match plan {
        Plan::Probe(targets) => (targets, true),
        Plan::Refetch(r) => (&r.targets, false),
    };
    let mut out = Vec::new();
    for target in targets {
        let set = fetch_set(target);
        let failed = set.error.is_some();
        out.push(set);
        if failed && stop_at_failure {
            break;
        }
    }
    out
}

/// Runs a plan for the command layer: [`fetch`] with no transaction open; for a refetch, then
/// one short transaction that keeps the fetched documents (stamped with the time `clock` gives
/// inside it) unless the mount's config changed meanwhile.
pub fn run_plan(
    plan: &Plan,
    open: &dyn Fn() -> Result<Store, StoreError>,
    clock: &dyn Fn() -> f64,
) -> Result<Fetched, StoreError> {
    let sets = fetch(plan);
    let refetch = match plan {
        Plan::Probe(targets) => {
            return Ok(Fetched::Probe {
                targets: targets.clone(),
                sets,
            })
        }
        Plan::Refetch(r) => r,
    };
    let mut report = RefetchReport {
        notes: refetch.notes.clone(),
        error: None,
    };
    let mut docs = Vec::new();
    for set in sets {
        match set.error {
            None => {
                report.notes.push(format!(
                    "refetched keys from {}",
                    set.docs
                        .last()
                        .map(|d| d.url.as_str())
                        .unwrap_or(&set.target.url)
                ));
                docs.extend(set.docs);
            }
            Some(e) => {
                report
                    .notes
                    .push(format!("refetch failed, key cache unchanged: {}", e.hint()));
                if !refetch.multi {
                    report.error = Some(e.vault_message());
                }
            }
        }
    }
    // One transaction, run again if it conflicted with a concurrent one (PostgreSQL).
    let keep = || -> Result<bool, StoreError> {
        let store = open()?;
        let now = clock();
        // The config may have been rewritten while the network was in use: its new cache must
        // not receive documents fetched for the old one.
        let current = store.get_config::<Value>(&refetch.mount_accessor)?;
        if current.is_none() || current != refetch.config {
            return Ok(false);
        }
        for d in &docs {
            store.put_cached_doc(&refetch.mount_accessor, &d.cached(now))?;
        }
        store.commit()?;
        Ok(true)
    };
    if !docs.is_empty() && !crate::store::retrying(keep)? {
        report.notes.push(
            "the mount's config changed during the refetch; the fetched keys were discarded"
                .to_string(),
        );
    }
    Ok(Fetched::Refetch(report))
}

// ---- A login's refetch -------------------------------------------------------------------

/// What [`claim_refetch`] decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// Fetch these (their fetch times are recorded).
    Fetch(Refetch),
    /// Every target was fetched less than [`REFETCH_SPACING`] seconds ago: nothing to fetch.
    Skipped(RefetchReport),
}

/// Claims the refetch of a login whose cached keys verified nothing, in the login's own write
/// transaction, at `now` read after that transaction began: every target fetched less than
/// [`REFETCH_SPACING`] seconds ago is skipped with a note, the others are recorded as fetched
/// now. Because every process reads its time while holding the lock, the claims are ordered
/// as the times are, and a process cannot pass the check with an earlier time than the one
/// recorded. The caller commits the claim even though nothing is fetched yet, so that a flood
/// of forged tokens cannot turn into a flood of requests. `None`: the keys are not fetched.
pub fn claim_refetch(
    store: &Store,
    mount: &MountRow,
    source: &KeySource,
    now: f64,
) -> Result<Option<Claim>, StoreError> {
    let Some(targets) = source.targets() else {
        return Ok(None);
    };
    let mut notes = Vec::new();
    let mut due = Vec::new();
    for target in targets {
        let key = target.log_key();
        match store.last_fetch(&key)? {
            // A clock that went backwards (now < t) does not block fetching forever.
            Some(t) if now - t < REFETCH_SPACING && now >= t => notes.push(format!(
                "refetch of {key} skipped: it was fetched {:.0}s ago (at most one fetch per \
                 {REFETCH_SPACING:.0}s); the key cache may be stale: retry later, or refresh \
                 it now with `jwtvault write -f auth/<mount>/jwks/refresh`",
                now - t
            )),
            _ => {
                store.record_fetch(&key, now)?;
                due.push(target);
            }
        }
    }
    if due.is_empty() {
        return Ok(Some(Claim::Skipped(RefetchReport { notes, error: None })));
    }
    Ok(Some(Claim::Fetch(Refetch {
        mount_accessor: mount.accessor.clone(),
        config: store.get_config::<Value>(&mount.accessor)?,
        targets: due,
        multi: matches!(source, KeySource::MultiJwks(_)),
        notes,
    })))
}

/// The hints added when no cached key verified a token: what the refetch did, and with the
/// network off, that the cache may be stale and how to refresh it.
pub fn stale_hint(report: Option<&RefetchReport>, offline: bool, mount: &MountRow) -> Vec<String> {
    let mut out: Vec<String> = report.map(|r| r.notes.clone()).unwrap_or_default();
    if offline {
        out.push(format!(
            "the key cache may be stale and the network is off (-offline or JWTVAULT_OFFLINE=1); \
             refresh it with `jwtvault write -f auth/{}jwks/refresh` or import keys with \
             `jwtvault write auth/{}jwks/import jwks=@jwks.json`",
            mount.path, mount.path
        ));
    }
    out
}

/// Completes the error of a login whose cached keys verified nothing: when the refetch failed,
/// Vault's message for that failure replaces the plain "failed to verify" one (Vault reports the
/// failed fetch, reference §4.8.1); then the hints of [`stale_hint`].
pub fn explain_key_failure(
    report: Option<&RefetchReport>,
    offline: bool,
    mount: &MountRow,
    err: &mut ApiError,
) {
    if let Some(message) = report.and_then(|r| r.error.clone()) {
        err.errors = vec![message];
    }
    err.hints.extend(stale_hint(report, offline, mount));
}

// ---- Config writes and jwks/refresh --------------------------------------------------------

/// A config write's discovery result: the documents to cache and warnings for the response.
pub struct Probe {
    pub docs: Vec<CachedDoc>,
    pub warnings: Vec<String>,
}

/// A config write with `oidc_discovery_url` while the network is off.
pub fn offline_discovery_error() -> ApiError {
    ApiError::bad_request(fetch::DISCOVERY_ERROR.to_string()).with_hint(
        "the network is off (-offline or JWTVAULT_OFFLINE=1) and a discovery document cannot be \
         imported; with no network, configure jwks_url=<the issuer's jwks_uri> after seeding its \
         keys with `jwtvault write auth/<mount>/jwks/import jwks=@jwks.json url=<jwks_uri>`",
    )
}

/// Config write with `oidc_discovery_url`, once fetched: the discovery document must have been
/// fetched and be valid (Vault); its JWKS is cached too so that logins work offline
/// (jwtvault). A JWKS that could not be fetched or parsed does not fail the write (Vault does
/// not fetch it then either); it is a warning.
pub fn probed_discovery(set: &SetFetch, now: f64) -> Result<Probe, ApiError> {
    let mut warnings = Vec::new();
    let why = match &set.error {
        None => None,
        Some(SetError::Discovery(e)) => {
            return Err(ApiError::bad_request(fetch::discovery_error(e)).with_hint(e.hint()))
        }
        Some(SetError::Jwks(e)) => Some(e.hint()),
        Some(SetError::Decode { url, reason, .. }) => Some(format!("GET {url}: {reason}")),
    };
    if let Some(why) = why {
        warnings.push(format!(
            "the issuer's JWKS could not be cached ({why}); logins will fetch it when first needed"
        ));
    }
    Ok(Probe {
        docs: set.docs.iter().map(|d| d.cached(now)).collect(),
        warnings,
    })
}

/// Config write with `jwks_url` (or one of `jwks_pairs`), once fetched: the set must have been
/// fetched and every key in it parse (Vault's whole-document rule); `{"keys":[]}` passes.
pub fn probed_jwks(set: &SetFetch, now: f64) -> Result<CachedDoc, ApiError> {
    match &set.error {
        Some(SetError::Jwks(e) | SetError::Discovery(e)) => {
            Err(ApiError::bad_request(fetch::jwks_error(e)).with_hint(e.hint()))
        }
        Some(e @ SetError::Decode { .. }) => {
            Err(ApiError::bad_request(fetch::JWKS_URL_ERROR).with_hint(e.hint()))
        }
        None => set
            .docs
            .iter()
            .find(|d| d.kind == "jwks")
            .map(|d| d.cached(now))
            .ok_or_else(|| {
                ApiError::internal(format!("the fetch of {} gave no JWKS", set.target.url))
            }),
    }
}

/// Config write with `jwks_url` (or one of `jwks_pairs`) while the network is off: a set
/// already cached for this URL on this mount (seeded by `jwks/import url=…`, for air-gapped CI)
/// is checked and kept instead.
pub fn seeded_jwks(store: &Store, mount: &MountRow, url: &str) -> Result<CachedDoc, ApiError> {
    let seeded = store
        .cached_docs(&mount.accessor)?
        .into_iter()
        .find(|d| d.kind == "jwks" && d.url == url && !url.is_empty());
    let Some(seeded) = seeded else {
        return Err(
            ApiError::bad_request(fetch::JWKS_URL_ERROR).with_hint(format!(
                "the network is off (-offline or JWTVAULT_OFFLINE=1) and no JWKS is cached for \
                 {url}; seed it first with `jwtvault write auth/{}jwks/import jwks=@jwks.json \
                 url={url}`",
                mount.path
            )),
        );
    };
    keys::parse_jwks(&seeded.body).map_err(|e| {
        ApiError::bad_request(fetch::JWKS_URL_ERROR)
            .with_hint(format!("the JWKS cached for {url} does not parse: {e}"))
    })?;
    Ok(seeded)
}

/// `jwks/refresh` while the network is off.
pub fn refresh_offline_error() -> ApiError {
    ApiError::bad_request("cannot refresh keys: the network is off")
        .with_hint("-offline or JWTVAULT_OFFLINE=1 forbids fetching; unset it, or use jwks/import")
}

/// `jwks/refresh` of a mount whose keys are not fetched.
pub fn refresh_no_url_error() -> ApiError {
    ApiError::bad_request("cannot refresh keys: the config has no key URL").with_hint(
        "jwt_validation_pubkeys are stored in the config itself; there is nothing to fetch",
    )
}

/// `jwks/refresh`, once fetched (no spacing: it is asked for): all or nothing. Stores the
/// documents and records the fetch times so that logins right after it do not fetch again.
pub fn keep_refreshed(
    store: &Store,
    mount: &MountRow,
    sets: &[SetFetch],
    now: f64,
) -> Result<Vec<CachedDoc>, ApiError> {
    if let Some(set) = sets.iter().find(|s| s.error.is_some()) {
        let hint = set.error.as_ref().map(SetError::hint).unwrap_or_default();
        return Err(
            ApiError::bad_request(format!("error fetching keys from {}", set.target.url))
                .with_hint(hint),
        );
    }
    let docs: Vec<CachedDoc> = sets
        .iter()
        .flat_map(|s| s.docs.iter().map(|d| d.cached(now)))
        .collect();
    for set in sets {
        store.record_fetch(&set.target.log_key(), now)?;
    }
    for d in &docs {
        store.put_cached_doc(&mount.accessor, d)?;
    }
    Ok(docs)
}

/// Why fetching a key set failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetError {
    /// The discovery document could not be fetched or is invalid.
    Discovery(FetchError),
    /// The JWKS could not be fetched.
    Jwks(FetchError),
    /// The JWKS was fetched but does not parse.
    Decode {
        url: String,
        reason: String,
        body: Vec<u8>,
    },
}

/// The most of a body quoted in a message (Vault quotes it whole, up to the 1 MiB cap here).
const QUOTED_BODY: usize = 4096;

impl SetError {
    /// One line for the `Hint:` block.
    pub fn hint(&self) -> String {
        match self {
            SetError::Discovery(e) | SetError::Jwks(e) => e.hint(),
            SetError::Decode { url, reason, .. } => {
                format!("GET {url}: the JWKS does not parse: {reason}")
            }
        }
    }

    /// Vault's login error for this failure (go-oidc's texts, as OpenBao prints them):
    /// `fetching keys oidc: get keys failed: 404 Not Found <body>`,
    /// `fetching keys oidc: get keys failed Get "<url>": dial tcp …`,
    /// `fetching keys oidc: failed to decode keys: <err> <body>`. A discovery document that
    /// cannot be fetched is Vault's validator-build error.
    pub fn vault_message(&self) -> String {
        const SIG: &str = "error validating token: error verifying token signature: fetching keys ";
        match self {
            SetError::Discovery(e) => {
                format!("error configuring token validator: keyset configuration error: {e}")
            }
            SetError::Jwks(FetchError::Status { code, body, .. }) => format!(
                "{SIG}oidc: get keys failed: {} {}",
                fetch::status_line(*code),
                quoted(body.as_bytes())
            ),
            SetError::Jwks(e) => format!("{SIG}oidc: get keys failed {e}"),
            SetError::Decode { reason, body, .. } => {
                format!(
                    "{SIG}oidc: failed to decode keys: {reason} {}",
                    quoted(body)
                )
            }
        }
    }
}

/// A response body for a message: lossy UTF-8, at most [`QUOTED_BODY`] bytes.
fn quoted(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= QUOTED_BODY {
        return text.into_owned();
    }
    let mut end = QUOTED_BODY;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], body.len())
}

/// Fetches one key set: a JWKS URL, or a discovery document and then its JWKS.
fn fetch_set(target: &Target) -> SetFetch {
    let mut docs = Vec::new();
    let error = fetch_into(target, &mut docs).err();
    SetFetch {
        target: target.clone(),
        docs,
        error,
    }
}

fn fetch_into(target: &Target, docs: &mut Vec<Doc>) -> Result<(), SetError> {
    let f = fetch::fetcher(&target.ca_pem).map_err(|e| {
        if target.discovery {
            SetError::Discovery(e)
        } else {
            SetError::Jwks(e)
        }
    })?;
    let jwks_url = if target.discovery {
        let d = f.discover(&target.url).map_err(SetError::Discovery)?;
        docs.push(Doc {
            url: fetch::discovery_url(&target.url),
            kind: "discovery",
            body: d.raw,
        });
        d.jwks_uri
    } else {
        target.url.clone()
    };
    let body = f.get(&jwks_url).map_err(SetError::Jwks)?;
    if let Err(e) = keys::parse_jwks(&body) {
        return Err(SetError::Decode {
            url: jwks_url,
            reason: e.to_string(),
            body,
        });
    }
    docs.push(Doc {
        url: jwks_url,
        kind: "jwks",
        body,
    });
    Ok(())
}

/// The header of a compact JWS, decoded but not verified (to find its `kid`).
fn peek_header(token: &str) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    use base64::Engine;
    let first = token.trim().split('.').next().unwrap_or("");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(first)
        .map_err(|e| format!("the header is not base64url: {e}"))?;
    verify::parse_json_object_strict(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open(path, &|_| Ok(()))
    }

    /// A state file with one jwt mount (accessor `auth_jwt_1`, path `jwt/`) whose stored
    /// config is `cfg`.
    fn state(cfg: &Value) -> (tempfile::TempDir, PathBuf, MountRow) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mount = MountRow {
            path: "jwt/".into(),
            kind: "jwt".into(),
            accessor: "auth_jwt_1".into(),
            uuid: "u".into(),
            description: String::new(),
            default_lease_ttl: 0,
            max_lease_ttl: 0,
            token_type: "default-service".into(),
        };
        let store = open(&path).unwrap();
        store.insert_mount(&mount).unwrap();
        store.put_config(&mount.accessor, cfg).unwrap();
        store.commit().unwrap();
        (dir, path, mount)
    }

    /// A loopback server answering every request with `body` (200, JSON), counting requests.
    fn serve(body: &'static str) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/keys", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let h = Arc::clone(&hits);
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten() {
                h.fetch_add(1, Ordering::SeqCst);
                let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        (url, hits)
    }

    /// A URL nobody listens on: fetches fail at once with "connection refused".
    fn refused_url() -> String {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/keys", l.local_addr().unwrap())
    }

    fn jwks_source(url: &str) -> KeySource {
        KeySource::Jwks(Target::jwks(url, ""))
    }

    /// A login's refetch as the command layer runs it: the claim in one transaction at `now`,
    /// then the plan, with `between` run after the claim and before the documents are kept.
    fn refetch_with(
        path: &Path,
        mount: &MountRow,
        source: &KeySource,
        now: f64,
        between: &dyn Fn(),
    ) -> RefetchReport {
        let store = open(path).unwrap();
        let claim = claim_refetch(&store, mount, source, now).unwrap().unwrap();
        store.commit().unwrap();
        between();
        match claim {
            Claim::Skipped(report) => report,
            Claim::Fetch(plan) => {
                match run_plan(&Plan::Refetch(plan), &|| open(path), &|| now).unwrap() {
                    Fetched::Refetch(report) => report,
                    other => panic!("a refetch answered {other:?}"),
                }
            }
        }
    }

    fn refetch(path: &Path, mount: &MountRow, source: &KeySource, now: f64) -> RefetchReport {
        refetch_with(path, mount, source, now, &|| {})
    }

    #[test]
    fn refetches_are_spaced_per_url_and_failures_recorded() {
        let url = refused_url();
        let source = jwks_source(&url);
        let (_dir, path, mount) = state(&json!({ "jwks_url": url }));
        let first = refetch(&path, &mount, &source, 1000.0);
        let want = format!(
            "error validating token: error verifying token signature: fetching keys oidc: get keys failed Get \"{url}\": dial tcp {}: connect: connection refused",
            url.trim_start_matches("http://").trim_end_matches("/keys")
        );
        assert_eq!(first.error.as_deref(), Some(want.as_str()));
        assert_eq!(
            first.notes,
            [format!(
                "refetch failed, key cache unchanged: GET {url} failed: connection refused"
            )]
        );
        // The failed attempt counts: 9 s later it is skipped, 10 s later it runs again.
        let second = refetch(&path, &mount, &source, 1009.0);
        assert_eq!(second.error, None);
        assert!(second.notes[0]
            .starts_with(&format!("refetch of {url} skipped: it was fetched 9s ago")));
        let third = refetch(&path, &mount, &source, 1010.0);
        assert!(third.error.is_some());
        // A clock that went backwards does not block fetching forever.
        assert!(refetch(&path, &mount, &source, 500.0).error.is_some());
        let store = open(&path).unwrap();
        assert_eq!(store.last_fetch(&url).unwrap(), Some(500.0));
        assert!(store.cached_docs(&mount.accessor).unwrap().is_empty());
    }

    #[test]
    fn a_claim_records_the_time_it_was_made_and_skips_within_the_spacing() {
        let url = refused_url();
        let source = jwks_source(&url);
        let (_dir, path, mount) = state(&json!({ "jwks_url": url }));
        let store = open(&path).unwrap();
        let Some(Claim::Fetch(plan)) = claim_refetch(&store, &mount, &source, 100.0).unwrap()
        else {
            panic!("the first claim must fetch");
        };
        assert_eq!(plan.targets, [Target::jwks(&url, "")]);
        assert_eq!(plan.config, Some(json!({ "jwks_url": url })));
        assert_eq!(store.last_fetch(&url).unwrap(), Some(100.0));
        // In the same transaction (or any later one) within 10 s: skipped, nothing to fetch.
        let Some(Claim::Skipped(report)) = claim_refetch(&store, &mount, &source, 109.5).unwrap()
        else {
            panic!("a claim within the spacing must be skipped");
        };
        assert_eq!(report.error, None);
        assert_eq!(report.notes.len(), 1);
        // Static keys are never fetched.
        assert_eq!(
            claim_refetch(&store, &mount, &KeySource::Static, 200.0).unwrap(),
            None
        );
    }

    #[test]
    fn a_probe_stops_at_its_first_failure_a_refetch_does_not() {
        let (a, b) = (refused_url(), refused_url());
        let targets = vec![Target::jwks(&a, ""), Target::jwks(&b, "")];
        let probe = fetch(&Plan::Probe(targets.clone()));
        assert_eq!(probe.len(), 1);
        assert_eq!(probe[0].target.url, a);
        assert!(matches!(probe[0].error, Some(SetError::Jwks(_))));
        let refetch = fetch(&Plan::Refetch(Refetch {
            mount_accessor: "auth_jwt_1".into(),
            config: None,
            targets,
            multi: true,
            notes: Vec::new(),
        }));
        assert_eq!(refetch.len(), 2);
        assert!(refetch
            .iter()
            .all(|s| s.error.is_some() && s.docs.is_empty()));
    }

    #[test]
    fn a_refetch_stores_its_documents_unless_the_config_changed_meanwhile() {
        let (url, hits) = serve(r#"{"keys":[]}"#);
        let source = jwks_source(&url);
        let (_dir, path, mount) = state(&json!({ "jwks_url": url }));
        let report = refetch(&path, &mount, &source, 2000.0);
        assert_eq!(report.error, None);
        assert_eq!(report.notes, [format!("refetched keys from {url}")]);
        let docs = open(&path).unwrap().cached_docs(&mount.accessor).unwrap();
        assert_eq!((docs.len(), docs[0].fetched_at), (1, 2000));
        // The config is rewritten between the claim and the keeping: the set is dropped.
        let (_dir2, path2, mount2) = state(&json!({ "jwks_url": url }));
        let rewrite = || {
            let store = open(&path2).unwrap();
            store
                .put_config(
                    &mount2.accessor,
                    &json!({ "jwks_url": "http://127.0.0.1:1/other" }),
                )
                .unwrap();
            store.commit().unwrap();
        };
        let report = refetch_with(&path2, &mount2, &source, 2000.0, &rewrite);
        assert_eq!(
            report.notes.last().unwrap(),
            "the mount's config changed during the refetch; the fetched keys were discarded"
        );
        assert!(open(&path2)
            .unwrap()
            .cached_docs(&mount2.accessor)
            .unwrap()
            .is_empty());
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn discovery_mount_without_its_document_reads_the_cached_sets() {
        let source = KeySource::OidcDiscovery(Target::discovery("https://issuer.example", ""));
        let (_dir, path, mount) = state(&json!({ "oidc_discovery_url": "https://issuer.example" }));
        let store = open(&path).unwrap();
        assert_eq!(
            jwks_urls(&store, &mount, &source).unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(known_jwks_urls(&store, &mount, &source).unwrap(), None);
        // With no key at all, verification fails as "no key": a login asks for a refetch.
        let sets = key_sets(&store, &mount, &source).unwrap();
        let err = verify_with_sets("a.b.c", &source, &sets, &[]);
        assert!(err.is_err());
        // An imported set is used.
        let doc = |url: &str, kind: &'static str, body: &[u8]| {
            Doc {
                url: url.into(),
                kind,
                body: body.to_vec(),
            }
            .cached(5.0)
        };
        store
            .put_cached_doc(
                &mount.accessor,
                &doc("https://issuer.example/k", "jwks", br#"{"keys":[]}"#),
            )
            .unwrap();
        assert_eq!(
            jwks_urls(&store, &mount, &source).unwrap(),
            ["https://issuer.example/k"]
        );
        // Once the discovery document is cached, its jwks_uri alone counts.
        store
            .put_cached_doc(
                &mount.accessor,
                &doc(
                    "https://issuer.example/.well-known/openid-configuration",
                    "discovery",
                    br#"{"issuer":"https://issuer.example","jwks_uri":"https://issuer.example/jwks"}"#,
                ),
            )
            .unwrap();
        assert_eq!(
            known_jwks_urls(&store, &mount, &source).unwrap(),
            Some(vec!["https://issuer.example/jwks".to_string()])
        );
        assert_eq!(key_sets(&store, &mount, &source).unwrap()[0].keys.len(), 0);
    }

    #[test]
    fn vault_messages_of_failed_fetches() {
        let u = "http://127.0.0.1:9/k".to_string();
        let sig = "error validating token: error verifying token signature: fetching keys oidc:";
        let cases = [
            (
                SetError::Jwks(FetchError::Status {
                    url: u.clone(),
                    code: 404,
                    body: "gone away".into(),
                }),
                format!("{sig} get keys failed: 404 Not Found gone away"),
            ),
            (
                SetError::Jwks(FetchError::TooLarge { url: u.clone() }),
                format!("{sig} get keys failed Get \"{u}\": response body larger than 1 MiB"),
            ),
            (
                SetError::Decode {
                    url: u.clone(),
                    reason: "bad".into(),
                    body: b"{}".to_vec(),
                },
                format!("{sig} failed to decode keys: bad {{}}"),
            ),
            (
                SetError::Decode {
                    url: u.clone(),
                    reason: "bad".into(),
                    body: vec![b'x'; 5000],
                },
                format!(
                    "{sig} failed to decode keys: bad {}… (5000 bytes in all)",
                    "x".repeat(4096)
                ),
            ),
            (
                SetError::Discovery(FetchError::Status {
                    url: u.clone(),
                    code: 500,
                    body: "oops".into(),
                }),
                "error configuring token validator: keyset configuration error: 500 Internal Server Error: oops".to_string(),
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.vault_message(), want, "{err:?}");
        }
    }
}
