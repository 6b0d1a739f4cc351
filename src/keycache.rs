//! The issuer key cache: what a mount's keys are, where they came from, and when to refetch.
//!
//! Login reads keys only from the state file. The network is touched in three places, all of
//! them through `fetch`: a config write that names a key URL (`probe_*`), an explicit
//! `jwks/refresh`, and the one refetch Vault would do when cached keys fail to verify a token.
//! That refetch runs outside the state file's write lock ([`run_refetch`]), is spaced by at
//! least [`REFETCH_SPACING`] seconds per URL across processes, and never changes the cache when
//! it fails.

use crate::api::ApiError;
use crate::fetch::{self, FetchError};
use crate::keys::{self, Jwk};
use crate::paths::config::{Config, KeySource};
use crate::paths::Ctx;
use crate::store::{CachedDoc, MountRow, Store, StoreError};
use crate::verify::{self, Alg, KeySet, Verified};

/// Minimum seconds between two fetches of one URL, by any process.
pub const REFETCH_SPACING: f64 = 10.0;

/// What a config write fetched: the documents to cache and warnings for the response.
pub struct Probe {
    pub docs: Vec<CachedDoc>,
    pub warnings: Vec<String>,
}

fn offline_hint() -> String {
    "the network is off (-offline or JWTVAULT_OFFLINE=1); seed the key cache with \
     `jwtvault write auth/<mount>/jwks/import jwks=@jwks.json` instead"
        .to_string()
}

fn doc(url: &str, kind: &str, body: Vec<u8>, now: f64) -> CachedDoc {
    CachedDoc {
        url: url.to_string(),
        kind: kind.to_string(),
        body,
        fetched_at: now as i64,
    }
}

/// Config write with `oidc_discovery_url`: fetch and check the discovery document (Vault), then
/// fetch its JWKS so that logins work offline (jwtvault). A JWKS that cannot be fetched or
/// parsed does not fail the write (Vault does not fetch it then either); it is a warning.
pub fn probe_discovery(ctx: &Ctx, url: &str, ca_pem: &str) -> Result<Probe, ApiError> {
    if ctx.offline {
        return Err(
            ApiError::bad_request(fetch::DISCOVERY_ERROR.to_string()).with_hint(offline_hint())
        );
    }
    let f = fetch::fetcher(ca_pem)
        .map_err(|e| ApiError::bad_request(fetch::discovery_error(&e)).with_hint(e.hint()))?;
    let d = f
        .discover(url)
        .map_err(|e| ApiError::bad_request(fetch::discovery_error(&e)).with_hint(e.hint()))?;
    let mut probe = Probe {
        docs: vec![doc(
            &fetch::discovery_url(url),
            "discovery",
            d.raw.clone(),
            ctx.now,
        )],
        warnings: Vec::new(),
    };
    match f.get(&d.jwks_uri).map_err(|e| e.hint()).and_then(|body| {
        keys::parse_jwks(&body)
            .map(|_| body)
            .map_err(|e| format!("GET {}: {e}", d.jwks_uri))
    }) {
        Ok(body) => probe.docs.push(doc(&d.jwks_uri, "jwks", body, ctx.now)),
        Err(why) => probe.warnings.push(format!(
            "the issuer's JWKS could not be cached ({why}); logins will fetch it when first needed"
        )),
    }
    Ok(probe)
}

/// Config write with `jwks_url` (or one of `jwks_pairs`): the set must be fetched and every key
/// in it parse (Vault's whole-document rule); `{"keys":[]}` passes.
pub fn probe_jwks(ctx: &Ctx, url: &str, ca_pem: &str) -> Result<CachedDoc, ApiError> {
    if ctx.offline {
        return Err(ApiError::bad_request(fetch::JWKS_URL_ERROR).with_hint(offline_hint()));
    }
    let body = fetch::fetcher(ca_pem)
        .and_then(|f| {
            if url.is_empty() {
                Err(FetchError::EmptyUrl)
            } else {
                f.get(url)
            }
        })
        .map_err(|e| ApiError::bad_request(fetch::jwks_error(&e)).with_hint(e.hint()))?;
    keys::parse_jwks(&body).map_err(|e| {
        ApiError::bad_request(fetch::JWKS_URL_ERROR)
            .with_hint(format!("GET {url}: the JWKS does not parse: {e}"))
    })?;
    Ok(doc(url, "jwks", body, ctx.now))
}

/// One cached key set.
pub struct KeySetEntry {
    pub url: String,
    pub fetched_at: i64,
    pub keys: Vec<Jwk>,
}

/// The URLs whose JWKS the mount's key source uses, in config order.
pub fn jwks_urls(store: &Store, mount: &MountRow, cfg: &Config) -> Result<Vec<String>, StoreError> {
    Ok(match cfg.key_source() {
        KeySource::Jwks => vec![cfg.jwks_url.clone()],
        KeySource::MultiJwks => cfg.jwks_pairs.iter().map(|p| p.jwks_url.clone()).collect(),
        KeySource::OidcDiscovery => discovered_jwks_uri(store, mount, cfg)?
            .into_iter()
            .collect(),
        _ => Vec::new(),
    })
}

/// The `jwks_uri` of the cached discovery document.
fn discovered_jwks_uri(
    store: &Store,
    mount: &MountRow,
    cfg: &Config,
) -> Result<Option<String>, StoreError> {
    let want = fetch::discovery_url(&cfg.oidc_discovery_url);
    for d in store.cached_docs(&mount.accessor)? {
        if d.kind == "discovery" && d.url == want {
            let v: serde_json::Value = serde_json::from_slice(&d.body).unwrap_or_default();
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
    cfg: &Config,
) -> Result<Vec<KeySetEntry>, ApiError> {
    let urls = jwks_urls(store, mount, cfg)?;
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
    if *source != KeySource::MultiJwks {
        let empty = Vec::new();
        let keys = sets.first().map(|s| &s.keys).unwrap_or(&empty);
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

/// A refetch the command layer should run before retrying a login once.
#[derive(Debug, Clone, PartialEq)]
pub struct Refetch {
    pub mount_accessor: String,
    /// (URL, CA PEM, is discovery).
    pub targets: Vec<(String, String, bool)>,
}

/// Asks for one refetch, when the mount has a key URL, the network is allowed, and this is the
/// first attempt of the login.
pub fn request_refetch(
    ctx: &Ctx,
    _store: &Store,
    mount: &MountRow,
    cfg: &Config,
    _jwt: &str,
) -> Result<(), ApiError> {
    if ctx.offline || ctx.refetched.get() {
        return Ok(());
    }
    let targets = match cfg.key_source() {
        KeySource::Jwks => vec![(cfg.jwks_url.clone(), cfg.jwks_ca_pem.clone(), false)],
        KeySource::MultiJwks => cfg
            .jwks_pairs
            .iter()
            .map(|p| (p.jwks_url.clone(), p.jwks_ca_pem.clone(), false))
            .collect(),
        KeySource::OidcDiscovery => {
            vec![(
                cfg.oidc_discovery_url.clone(),
                cfg.oidc_discovery_ca_pem.clone(),
                true,
            )]
        }
        _ => return Ok(()),
    };
    *ctx.refetch.borrow_mut() = Some(Refetch {
        mount_accessor: mount.accessor.clone(),
        targets,
    });
    Ok(())
}

/// The hint added when no cached key verified a token.
pub fn stale_hint(ctx: &Ctx, mount: &MountRow, _cfg: &Config) -> Vec<String> {
    let mut out: Vec<String> = ctx.refetch_notes.borrow().clone();
    if ctx.offline {
        out.push(format!(
            "the key cache may be stale and the network is off (-offline or JWTVAULT_OFFLINE=1); \
             refresh it with `jwtvault write -f auth/{}jwks/refresh` or import keys with \
             `jwtvault write auth/{}jwks/import jwks=@jwks.json`",
            mount.path, mount.path
        ));
    }
    out
}

/// Runs a refetch in two short transactions around the network I/O: first the spacing check
/// and the attempt record (committed even if the fetch fails, so a flood of forged tokens
/// cannot turn into a flood of requests), then, if the fetch succeeded, the new documents.
/// Returns notes for the hint.
pub fn run_refetch(
    open: &dyn Fn() -> Result<Store, StoreError>,
    plan: &Refetch,
    now: f64,
) -> Result<Vec<String>, StoreError> {
    let mut notes = Vec::new();
    let mut due = Vec::new();
    {
        let store = open()?;
        for (url, ca, discovery) in &plan.targets {
            let key = if *discovery {
                fetch::discovery_url(url)
            } else {
                url.clone()
            };
            match store.last_fetch(&key)? {
                Some(t) if now - t < REFETCH_SPACING && now >= t => notes.push(format!(
                    "refetch of {key} skipped: it was fetched {:.0}s ago (at most one fetch per {REFETCH_SPACING:.0}s)",
                    now - t
                )),
                _ => {
                    store.record_fetch(&key, now)?;
                    due.push((url.clone(), ca.clone(), *discovery));
                }
            }
        }
        store.commit()?;
    }
    let mut fetched = Vec::new();
    for (url, ca, discovery) in &due {
        match fetch_set(url, ca, *discovery, now) {
            Ok(docs) => {
                notes.push(format!(
                    "refetched keys from {}",
                    docs.last().map(|d| d.url.as_str()).unwrap_or(url)
                ));
                fetched.extend(docs);
            }
            Err(e) => notes.push(format!("refetch failed, cache unchanged: {}", e.hint())),
        }
    }
    if !fetched.is_empty() {
        let store = open()?;
        for d in &fetched {
            store.put_cached_doc(&plan.mount_accessor, d)?;
        }
        store.commit()?;
    }
    Ok(notes)
}

/// Fetches one key set: a JWKS URL, or a discovery document and then its JWKS.
fn fetch_set(url: &str, ca: &str, discovery: bool, now: f64) -> Result<Vec<CachedDoc>, FetchError> {
    let f = fetch::fetcher(ca)?;
    let mut docs = Vec::new();
    let jwks_url = if discovery {
        let d = f.discover(url)?;
        docs.push(doc(&fetch::discovery_url(url), "discovery", d.raw, now));
        d.jwks_uri
    } else {
        url.to_string()
    };
    let body = f.get(&jwks_url)?;
    if let Err(e) = keys::parse_jwks(&body) {
        return Err(FetchError::Transport {
            url: jwks_url,
            reason: format!("the JWKS does not parse: {e}"),
        });
    }
    docs.push(doc(&jwks_url, "jwks", body, now));
    Ok(docs)
}

/// `write -f auth/<mount>/jwks/refresh`: fetch every key URL of the mount now.
pub fn refresh_now(
    ctx: &Ctx,
    store: &Store,
    mount: &MountRow,
    cfg: &Config,
) -> Result<Vec<CachedDoc>, ApiError> {
    if ctx.offline {
        return Err(
            ApiError::bad_request("cannot refresh keys: the network is off").with_hint(
                "-offline or JWTVAULT_OFFLINE=1 forbids fetching; unset it, or use jwks/import",
            ),
        );
    }
    let targets: Vec<(String, String, bool)> = match cfg.key_source() {
        KeySource::Jwks => vec![(cfg.jwks_url.clone(), cfg.jwks_ca_pem.clone(), false)],
        KeySource::MultiJwks => cfg
            .jwks_pairs
            .iter()
            .map(|p| (p.jwks_url.clone(), p.jwks_ca_pem.clone(), false))
            .collect(),
        KeySource::OidcDiscovery => vec![(
            cfg.oidc_discovery_url.clone(),
            cfg.oidc_discovery_ca_pem.clone(),
            true,
        )],
        _ => return Err(
            ApiError::bad_request("cannot refresh keys: the config has no key URL").with_hint(
                "jwt_validation_pubkeys are stored in the config itself; there is nothing to fetch",
            ),
        ),
    };
    let mut out = Vec::new();
    for (url, ca, discovery) in targets {
        let docs = fetch_set(&url, &ca, discovery, ctx.now).map_err(|e| {
            ApiError::bad_request(format!("error fetching keys from {url}")).with_hint(e.hint())
        })?;
        out.extend(docs);
    }
    for d in &out {
        store.record_fetch(&d.url, ctx.now)?;
        store.put_cached_doc(&mount.accessor, d)?;
    }
    Ok(out)
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
