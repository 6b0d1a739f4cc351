//! `auth/<mount>/jwks` (jwtvault extension): the cached key sets, `jwks/refresh` to fetch them
//! now, and `jwks/import` to seed them with no network (air-gapped CI).

use serde_json::{json, Map, Value};

use crate::api::{ApiError, Response};
use crate::fields;
use crate::keycache::{self, Fetched, KeySource, Plan};
use crate::keys;
use crate::paths::config;
use crate::paths::{data, not_found, Ctx, Outcome};
use crate::store::{CachedDoc, MountRow, Store};
use crate::token::rfc3339;

fn describe(doc: &CachedDoc) -> Value {
    let keys = keys::parse_jwks(&doc.body).unwrap_or_default();
    json!({
        "url": doc.url,
        "fetched_at": rfc3339(doc.fetched_at as f64),
        "key_ids": keys.iter().map(|k| k.kid.clone().unwrap_or_default()).collect::<Vec<_>>(),
        "key_types": keys.iter().map(|k| k.kty.clone()).collect::<Vec<_>>(),
        "algorithms": keys.iter().map(|k| k.alg.clone().unwrap_or_default()).collect::<Vec<_>>(),
    })
}

/// `read auth/<mount>/jwks`: one entry per cached JWKS, plus the discovery document's URL.
pub fn read(store: &Store, mount: &MountRow) -> Result<Response, ApiError> {
    let docs = store.cached_docs(&mount.accessor)?;
    if docs.is_empty() {
        return Err(not_found());
    }
    let mut m = Map::new();
    let sets: Vec<Value> = docs
        .iter()
        .filter(|d| d.kind == "jwks")
        .map(describe)
        .collect();
    m.insert("key_sets".into(), Value::Array(sets));
    if let Some(d) = docs.iter().find(|d| d.kind == "discovery") {
        m.insert("discovery_url".into(), json!(d.url));
        m.insert(
            "discovery_fetched_at".into(),
            json!(rfc3339(d.fetched_at as f64)),
        );
    }
    Ok(data(m))
}

/// `write -f auth/<mount>/jwks/refresh`: the first call reads the config and asks for its key
/// URLs to be fetched; the second, with what was fetched, stores it (all or nothing). If the
/// config's key URLs changed in between (a config write, which fetches and caches its own
/// keys, ran meanwhile), the fetched documents belong to the old config: nothing is stored and
/// the refresh fails, saying so; running it again refreshes the new config's keys.
pub fn refresh(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    fetched: Option<&Fetched>,
) -> Result<Outcome, ApiError> {
    let Some(cfg) = config::load(store, mount)? else {
        return Err(ApiError::bad_request("could not load configuration"));
    };
    let targets = cfg.key_source().targets();
    let Some(fetched) = fetched else {
        if ctx.offline {
            return Err(keycache::refresh_offline_error());
        }
        let Some(targets) = targets else {
            return Err(keycache::refresh_no_url_error());
        };
        return Ok(Outcome::NeedsFetch(Plan::Probe(targets)));
    };
    let Some(sets) = targets.as_deref().and_then(|t| fetched.probe_of(t)) else {
        let was = match fetched {
            Fetched::Probe { targets, .. } => urls(targets),
            Fetched::Refetch(_) => String::new(),
        };
        let now = match &targets {
            Some(t) => format!("the config now reads keys from {}", urls(t)),
            None => "the config now has no key URL".to_string(),
        };
        return Err(ApiError::bad_request(
            "cannot refresh keys: the mount's config changed during the refresh",
        )
        .with_hint(format!(
            "the keys fetched from {was} were discarded; {now}: run the refresh again"
        )));
    };
    let docs = keycache::keep_refreshed(store, mount, sets, ctx.now)?;
    let mut m = Map::new();
    m.insert(
        "key_sets".into(),
        Value::Array(
            docs.iter()
                .filter(|d| d.kind == "jwks")
                .map(describe)
                .collect(),
        ),
    );
    Ok(Outcome::Done(data(m)))
}

fn urls(targets: &[keycache::Target]) -> String {
    targets
        .iter()
        .map(|t| t.url.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `write auth/<mount>/jwks/import jwks=@file.json [url=U]`: replaces the cached set of `url`
/// (default: the mount's own JWKS URL) with the given document, which must parse.
pub fn import(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    body: &Map<String, Value>,
) -> Result<Response, ApiError> {
    // No config yet: the set is seeded for a `jwks_url` config written later with `-offline`.
    let cfg = config::load(store, mount)?;
    let text = match body.get("jwks") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(_)) => body["jwks"].to_string(),
        Some(other) => fields::string("jwks", other)
            .map_err(|e| ApiError::bad_request(e.validation_message()))?,
        None => String::new(),
    };
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("missing jwks")
            .with_hint("give jwks=@file.json holding {\"keys\": [...]}"));
    }
    let parsed = keys::parse_jwks(text.as_bytes())
        .map_err(|e| ApiError::bad_request(format!("invalid jwks: {e}")))?;
    // The URLs logins read keys from; `None`: any (a discovery mount with no cached discovery
    // document, whose logins use whatever sets are cached).
    let known = match &cfg {
        Some(cfg) => keycache::known_jwks_urls(store, mount, &cfg.key_source())?,
        None => None,
    };
    let source = cfg.as_ref().map(config::Config::key_source);
    let url = match body.get("url") {
        Some(v) => {
            let url = fields::string("url", v)
                .map_err(|e| ApiError::bad_request(e.validation_message()))?;
            match &known {
                Some(list) if list.is_empty() => return Err(no_key_url()),
                // A set stored under another URL would never be read: refuse it.
                Some(list) if !list.contains(&url) => {
                    return Err(ApiError::bad_request(format!(
                        "url {url:?} is not a JWKS URL of this mount"
                    ))
                    .with_hint(format!("logins read keys from: {}", list.join(", "))))
                }
                _ => url,
            }
        }
        None => match (source, known.as_deref()) {
            (Some(KeySource::Jwks(_) | KeySource::OidcDiscovery(_)), Some([one])) => one.clone(),
            (None, _) => {
                return Err(
                    ApiError::bad_request("url must be given: the mount has no config yet")
                        .with_hint(
                        "give url=<the JWKS URL>, then write the config with jwks_url=<that URL>",
                    ),
                )
            }
            (Some(KeySource::OidcDiscovery(_)), _) => {
                return Err(ApiError::bad_request(
                    "url must be given: the discovery document is not cached",
                )
                .with_hint("give url=<the issuer's jwks_uri>"))
            }
            (Some(KeySource::MultiJwks(_)), Some(urls)) => {
                return Err(ApiError::bad_request("url must be given with jwks_pairs")
                    .with_hint(format!("one of: {}", urls.join(", "))))
            }
            _ => return Err(no_key_url()),
        },
    };
    let doc = CachedDoc {
        url,
        kind: "jwks".into(),
        body: text.into_bytes(),
        fetched_at: ctx.now as i64,
    };
    store.put_cached_doc(&mount.accessor, &doc)?;
    let mut m = Map::new();
    m.insert("url".into(), json!(doc.url));
    m.insert("keys".into(), json!(parsed.len()));
    Ok(data(m))
}

fn no_key_url() -> ApiError {
    ApiError::bad_request("the config has no key URL to import keys for")
        .with_hint("jwt_validation_pubkeys are used as they are")
}
