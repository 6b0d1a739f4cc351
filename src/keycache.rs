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
    "the network is off (-offline or JWTVAULT_OFFLINE=1) and a discovery document cannot be \
     imported; with no network, configure jwks_url=<the issuer's jwks_uri> after seeding its \
     keys with `jwtvault write auth/<mount>/jwks/import jwks=@jwks.json url=<jwks_uri>`"
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
/// in it parse (Vault's whole-document rule); `{"keys":[]}` passes. With the network off, a set
/// already cached for this URL on this mount (seeded by `jwks/import url=…`, for air-gapped CI)
/// is checked and kept instead.
pub fn probe_jwks(
    ctx: &Ctx,
    store: &Store,
    mount: &MountRow,
    url: &str,
    ca_pem: &str,
) -> Result<CachedDoc, ApiError> {
    if ctx.offline {
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
        return Ok(seeded);
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
        KeySource::OidcDiscovery => match discovered_jwks_uri(store, mount, cfg)? {
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
        _ => Vec::new(),
    })
}

/// The JWKS URLs logins of this mount read keys from; `None` for a discovery mount whose
/// discovery document is not cached (its logins read every cached set, see [`jwks_urls`]).
pub fn known_jwks_urls(
    store: &Store,
    mount: &MountRow,
    cfg: &Config,
) -> Result<Option<Vec<String>>, StoreError> {
    if cfg.key_source() == KeySource::OidcDiscovery {
        return Ok(discovered_jwks_uri(store, mount, cfg)?.map(|u| vec![u]));
    }
    jwks_urls(store, mount, cfg).map(Some)
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

/// A refetch the command layer should run before retrying a login once.
#[derive(Debug, Clone, PartialEq)]
pub struct Refetch {
    pub mount_accessor: String,
    /// What to fetch, in config order.
    pub targets: Vec<Target>,
    /// `jwks_pairs`: a failed fetch keeps that pair's cached set and Vault's kid-search
    /// messages apply; otherwise a failed fetch is the login's error, as in Vault.
    pub multi: bool,
}

/// One URL a refetch (or a refresh) fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The configured URL: a JWKS URL, or an `oidc_discovery_url`.
    pub url: String,
    pub ca_pem: String,
    pub discovery: bool,
}

impl Target {
    /// The URL whose fetch time spaces refetches (the discovery document's for discovery).
    pub fn log_key(&self) -> String {
        if self.discovery {
            fetch::discovery_url(&self.url)
        } else {
            self.url.clone()
        }
    }
}

/// The URLs a mount's keys are fetched from, or `None` when its keys are not fetched.
pub fn targets(cfg: &Config) -> Option<Vec<Target>> {
    let t = |url: &str, ca_pem: &str, discovery: bool| Target {
        url: url.to_string(),
        ca_pem: ca_pem.to_string(),
        discovery,
    };
    match cfg.key_source() {
        KeySource::Jwks => Some(vec![t(&cfg.jwks_url, &cfg.jwks_ca_pem, false)]),
        KeySource::MultiJwks => Some(
            cfg.jwks_pairs
                .iter()
                .map(|p| t(&p.jwks_url, &p.jwks_ca_pem, false))
                .collect(),
        ),
        KeySource::OidcDiscovery => Some(vec![t(
            &cfg.oidc_discovery_url,
            &cfg.oidc_discovery_ca_pem,
            true,
        )]),
        KeySource::Static | KeySource::Unsupported => None,
    }
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
    let Some(targets) = targets(cfg) else {
        return Ok(());
    };
    *ctx.refetch.borrow_mut() = Some(Refetch {
        mount_accessor: mount.accessor.clone(),
        targets,
        multi: cfg.key_source() == KeySource::MultiJwks,
    });
    Ok(())
}

/// The hints added when no cached key verified a token: what the refetch did, and with the
/// network off, that the cache may be stale and how to refresh it.
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

/// Completes the error of a login whose cached keys verified nothing: when the refetch failed,
/// Vault's message for that failure replaces the plain "failed to verify" one (Vault reports the
/// failed fetch, reference §4.8.1); then the hints of [`stale_hint`].
pub fn explain_key_failure(ctx: &Ctx, mount: &MountRow, cfg: &Config, err: &mut ApiError) {
    if let Some(message) = ctx.refetch_error.borrow().clone() {
        err.errors = vec![message];
    }
    err.hints.extend(stale_hint(ctx, mount, cfg));
}

/// What a refetch did: notes for the hint, and, when the fetch of a single-set mount failed,
/// Vault's message for the login error.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RefetchReport {
    pub notes: Vec<String>,
    pub error: Option<String>,
}

/// Runs a refetch in two short transactions around the network I/O: first the spacing check
/// and the attempt record (committed even if the fetch fails, so a flood of forged tokens
/// cannot turn into a flood of requests), then, if the fetch succeeded and the mount's key
/// URLs are still those of the plan, the new documents.
pub fn run_refetch(
    open: &dyn Fn() -> Result<Store, StoreError>,
    plan: &Refetch,
    now: f64,
) -> Result<RefetchReport, StoreError> {
    let mut report = RefetchReport::default();
    let mut due = Vec::new();
    {
        let store = open()?;
        for target in &plan.targets {
            let key = target.log_key();
            match store.last_fetch(&key)? {
                Some(t) if now - t < REFETCH_SPACING && now >= t => report.notes.push(format!(
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
        store.commit()?;
    }
    let mut fetched = Vec::new();
    for target in due {
        match fetch_set(target, now) {
            Ok(docs) => {
                report.notes.push(format!(
                    "refetched keys from {}",
                    docs.last().map(|d| d.url.as_str()).unwrap_or(&target.url)
                ));
                fetched.extend(docs);
            }
            Err(e) => {
                report
                    .notes
                    .push(format!("refetch failed, key cache unchanged: {}", e.hint()));
                if !plan.multi {
                    report.error = Some(e.vault_message());
                }
            }
        }
    }
    if !fetched.is_empty() {
        let store = open()?;
        // The config may have been rewritten while the network was in use: its new cache must
        // not receive documents fetched for the old one.
        let current = match store.get_mount_by_accessor(&plan.mount_accessor)? {
            Some(m) => store
                .get_config::<Config>(&m.accessor)?
                .and_then(|c| targets(&c)),
            None => None,
        };
        if current.as_ref() == Some(&plan.targets) {
            for d in &fetched {
                store.put_cached_doc(&plan.mount_accessor, d)?;
            }
            store.commit()?;
        } else {
            report.notes.push(
                "the mount's config changed during the refetch; the fetched keys were discarded"
                    .to_string(),
            );
        }
    }
    Ok(report)
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
fn fetch_set(target: &Target, now: f64) -> Result<Vec<CachedDoc>, SetError> {
    let f = fetch::fetcher(&target.ca_pem).map_err(|e| {
        if target.discovery {
            SetError::Discovery(e)
        } else {
            SetError::Jwks(e)
        }
    })?;
    let mut docs = Vec::new();
    let jwks_url = if target.discovery {
        let d = f.discover(&target.url).map_err(SetError::Discovery)?;
        docs.push(doc(
            &fetch::discovery_url(&target.url),
            "discovery",
            d.raw,
            now,
        ));
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
    docs.push(doc(&jwks_url, "jwks", body, now));
    Ok(docs)
}

/// `write -f auth/<mount>/jwks/refresh`: fetch every key URL of the mount now (no spacing: it
/// is asked for), all or nothing, and record the fetch times so that logins right after it do
/// not fetch again.
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
    let Some(targets) = targets(cfg) else {
        return Err(
            ApiError::bad_request("cannot refresh keys: the config has no key URL").with_hint(
                "jwt_validation_pubkeys are stored in the config itself; there is nothing to fetch",
            ),
        );
    };
    let mut out = Vec::new();
    for target in &targets {
        let docs = fetch_set(target, ctx.now).map_err(|e| {
            ApiError::bad_request(format!("error fetching keys from {}", target.url))
                .with_hint(e.hint())
        })?;
        out.extend(docs);
    }
    for target in &targets {
        store.record_fetch(&target.log_key(), ctx.now)?;
    }
    for d in &out {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open(path, &|_| Ok(()))
    }

    /// A state file with one jwt mount (accessor `auth_jwt_1`, path `jwt/`) configured by `cfg`.
    fn state(cfg: &Config) -> (tempfile::TempDir, PathBuf, MountRow) {
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

    fn jwks_config(url: &str) -> Config {
        Config {
            jwks_url: url.to_string(),
            ..Config::default()
        }
    }

    fn plan(cfg: &Config) -> Refetch {
        Refetch {
            mount_accessor: "auth_jwt_1".into(),
            targets: targets(cfg).unwrap(),
            multi: false,
        }
    }

    #[test]
    fn refetches_are_spaced_per_url_and_failures_recorded() {
        let url = refused_url();
        let cfg = jwks_config(&url);
        let (_dir, path, mount) = state(&cfg);
        let open = || open(&path);
        let first = run_refetch(&open, &plan(&cfg), 1000.0).unwrap();
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
        let second = run_refetch(&open, &plan(&cfg), 1009.0).unwrap();
        assert_eq!(second.error, None);
        assert!(second.notes[0]
            .starts_with(&format!("refetch of {url} skipped: it was fetched 9s ago")));
        let third = run_refetch(&open, &plan(&cfg), 1010.0).unwrap();
        assert!(third.error.is_some());
        // A clock that went backwards does not block fetching forever.
        assert!(run_refetch(&open, &plan(&cfg), 500.0)
            .unwrap()
            .error
            .is_some());
        let store = open().unwrap();
        assert_eq!(store.last_fetch(&url).unwrap(), Some(500.0));
        assert!(store.cached_docs(&mount.accessor).unwrap().is_empty());
    }

    #[test]
    fn a_refetch_stores_its_documents_unless_the_config_changed_meanwhile() {
        let (url, hits) = serve(r#"{"keys":[]}"#);
        let cfg = jwks_config(&url);
        let (_dir, path, mount) = state(&cfg);
        let report = run_refetch(&|| open(&path), &plan(&cfg), 2000.0).unwrap();
        assert_eq!(report.error, None);
        assert_eq!(report.notes, [format!("refetched keys from {url}")]);
        let docs = open(&path).unwrap().cached_docs(&mount.accessor).unwrap();
        assert_eq!((docs.len(), docs[0].fetched_at), (1, 2000));
        // The config is rewritten between the two transactions: the fetched set is dropped.
        let (_dir2, path2, mount2) = state(&cfg);
        let calls = std::cell::Cell::new(0);
        let rewriting_open = || {
            calls.set(calls.get() + 1);
            let store = open(&path2)?;
            if calls.get() == 2 {
                store.put_config(&mount2.accessor, &jwks_config("http://127.0.0.1:1/other"))?;
            }
            Ok(store)
        };
        let report = run_refetch(&rewriting_open, &plan(&cfg), 2000.0).unwrap();
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
        let cfg = Config {
            oidc_discovery_url: "https://issuer.example".into(),
            ..Config::default()
        };
        let (_dir, path, mount) = state(&cfg);
        let store = open(&path).unwrap();
        assert_eq!(
            jwks_urls(&store, &mount, &cfg).unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(known_jwks_urls(&store, &mount, &cfg).unwrap(), None);
        // With no key at all, verification fails as "no key": a login asks for a refetch.
        let sets = key_sets(&store, &mount, &cfg).unwrap();
        let err = verify_with_sets("a.b.c", &KeySource::OidcDiscovery, &sets, &[]);
        assert!(err.is_err());
        // An imported set is used.
        store
            .put_cached_doc(
                &mount.accessor,
                &doc(
                    "https://issuer.example/k",
                    "jwks",
                    br#"{"keys":[]}"#.to_vec(),
                    5.0,
                ),
            )
            .unwrap();
        assert_eq!(
            jwks_urls(&store, &mount, &cfg).unwrap(),
            ["https://issuer.example/k"]
        );
        // Once the discovery document is cached, its jwks_uri alone counts.
        store
            .put_cached_doc(
                &mount.accessor,
                &doc(
                    "https://issuer.example/.well-known/openid-configuration",
                    "discovery",
                    br#"{"issuer":"https://issuer.example","jwks_uri":"https://issuer.example/jwks"}"#
                        .to_vec(),
                    5.0,
                ),
            )
            .unwrap();
        assert_eq!(
            known_jwks_urls(&store, &mount, &cfg).unwrap(),
            Some(vec!["https://issuer.example/jwks".to_string()])
        );
        assert_eq!(key_sets(&store, &mount, &cfg).unwrap()[0].keys.len(), 0);
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
