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

/// `auth/<mount>/jwks…` through the router.
#[cfg(test)]
mod router_tests {
    use serde_json::{json, Value};

    use crate::backend::LocalBackend;
    use crate::jwt_tools::make_keys;
    use crate::paths::testutil::{bad_request, failure, refused_url, KeyServer, TestState};
    use crate::verify::Alg;

    const URL: &str = "https://issuer.example/keys";

    fn jwks(kid: &str) -> Value {
        make_keys(Alg::ES256, Some(kid)).unwrap().2
    }

    fn state() -> TestState {
        let s = TestState::offline();
        s.enable_jwt("jwt");
        s
    }

    fn import(s: &TestState, body: Value) -> Result<crate::api::Response, crate::api::ApiError> {
        s.write("auth/jwt/jwks/import", body)
    }

    #[test]
    fn import_then_read_describes_the_cached_set() {
        let s = state();
        assert_eq!(failure(s.read("auth/jwt/jwks")), (404, String::new()));
        let resp = import(&s, json!({"jwks": jwks("k1").to_string(), "url": URL})).unwrap();
        assert_eq!(
            serde_json::Value::Object(resp.data.unwrap()),
            json!({"url": URL, "keys": 1})
        );
        // A JSON object is taken as the document too.
        import(&s, json!({"jwks": jwks("k2"), "url": URL})).unwrap();
        let d = s.read_data("auth/jwt/jwks");
        let set = &d["key_sets"][0];
        assert_eq!(d["key_sets"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            (
                &set["url"],
                &set["key_ids"],
                &set["key_types"],
                &set["algorithms"]
            ),
            (
                &json!(URL),
                &json!(["k2"]),
                &json!(["EC"]),
                &json!(["ES256"])
            )
        );
        assert!(set["fetched_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    }

    #[test]
    fn import_refuses_what_logins_would_never_read() {
        let s = state();
        let err = import(&s, json!({"url": URL})).unwrap_err();
        assert_eq!(err.errors, ["missing jwks"]);
        assert_eq!(
            err.hints,
            ["give jwks=@file.json holding {\"keys\": [...]}"]
        );
        assert!(
            bad_request(import(&s, json!({"jwks": "not json", "url": URL})))
                .starts_with("invalid jwks: ")
        );
        let doc = jwks("k1").to_string();
        assert_eq!(
            bad_request(import(&s, json!({"jwks": doc}))),
            "url must be given: the mount has no config yet"
        );
        // A jwks_url config: its URL is the default, another is refused.
        import(&s, json!({"jwks": doc, "url": URL})).unwrap();
        s.write("auth/jwt/config", json!({"jwks_url": URL}))
            .unwrap();
        let resp = import(&s, json!({"jwks": doc})).unwrap();
        assert_eq!(resp.data.unwrap()["url"], json!(URL));
        let err = import(&s, json!({"jwks": doc, "url": "https://other/keys"})).unwrap_err();
        assert_eq!(
            err.errors,
            ["url \"https://other/keys\" is not a JWKS URL of this mount"]
        );
        assert_eq!(err.hints, [format!("logins read keys from: {URL}")]);
        // jwks_pairs: the URL must be named.
        s.write(
            "auth/jwt/config",
            json!({"jwks_pairs": [{"jwks_url": URL}]}),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let err = import(&s, json!({"jwks": doc})).unwrap_err();
        assert_eq!(err.errors, ["url must be given with jwks_pairs"]);
        assert_eq!(err.hints, [format!("one of: {URL}")]);
        // Static keys: nothing to import for.
        let pem = make_keys(Alg::ES256, None).unwrap().1;
        s.write("auth/jwt/config", json!({"jwt_validation_pubkeys": pem}))
            .unwrap();
        assert_eq!(
            bad_request(import(&s, json!({"jwks": doc}))),
            "the config has no key URL to import keys for"
        );
    }

    #[test]
    fn refresh_needs_a_config_with_a_key_url_and_the_network() {
        let s = state();
        assert_eq!(
            bad_request(s.write("auth/jwt/jwks/refresh", json!({}))),
            "could not load configuration"
        );
        import(&s, json!({"jwks": jwks("k1"), "url": URL})).unwrap();
        s.write("auth/jwt/config", json!({"jwks_url": URL}))
            .unwrap();
        let err = s.write("auth/jwt/jwks/refresh", json!({})).unwrap_err();
        assert_eq!(err.errors, ["cannot refresh keys: the network is off"]);
        let online = TestState::online();
        online.enable_jwt("jwt");
        let pem = make_keys(Alg::ES256, None).unwrap().1;
        online
            .write("auth/jwt/config", json!({"jwt_validation_pubkeys": pem}))
            .unwrap();
        assert_eq!(
            bad_request(online.write("auth/jwt/jwks/refresh", json!({}))),
            "cannot refresh keys: the config has no key URL"
        );
    }

    #[test]
    fn refresh_fetches_the_configs_keys_now() {
        let server = KeyServer::start(&jwks("k1").to_string());
        let s = TestState::online();
        s.enable_jwt("jwt");
        s.write("auth/jwt/config", json!({"jwks_url": server.url}))
            .unwrap();
        server.set_body(&jwks("k2").to_string());
        let resp = s.write("auth/jwt/jwks/refresh", json!({})).unwrap();
        assert_eq!(server.hits(), 2);
        assert_eq!(resp.data.unwrap()["key_sets"][0]["key_ids"], json!(["k2"]));
        assert_eq!(
            s.read_data("auth/jwt/jwks")["key_sets"][0]["key_ids"],
            json!(["k2"])
        );
    }

    #[test]
    fn a_failed_refresh_keeps_the_cached_keys() {
        // Seeded offline for a URL nobody serves, then refreshed with the network on.
        let s = state();
        let url = refused_url();
        import(&s, json!({"jwks": jwks("k1"), "url": url})).unwrap();
        s.write("auth/jwt/config", json!({"jwks_url": url}))
            .unwrap();
        let before = s.read_data("auth/jwt/jwks");
        let online = LocalBackend::on(s.backend.storage.clone(), false);
        let err = match crate::backend::Backend::handle(
            &online,
            &crate::api::Request::write("auth/jwt/jwks/refresh", Default::default()),
        ) {
            Err(crate::backend::Failure::Api(e)) => e,
            other => panic!("expected an API error, got {other:?}"),
        };
        assert_eq!(err.errors, [format!("error fetching keys from {url}")]);
        assert_eq!(s.read_data("auth/jwt/jwks"), before);
    }
}
