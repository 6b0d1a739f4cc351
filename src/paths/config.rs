//! `auth/<mount>/config`: the JWT method's configuration (vault-jwt-reference §2).
//!
//! Every write is a full replace, checked in Vault's order (§2.3). Writes that name a key URL
//! fetch it now and store what they fetched; a failed check leaves the stored config and the key
//! cache as they were. The fetch happens with no lock held: the handler's first call, on
//! reaching the check that needs the documents, asks for them
//! ([`Outcome::NeedsFetch`]) and is called again with them; the checks, which depend only on the
//! request, run again in the same order, and the config is stored in that second, short
//! transaction.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::{ApiError, Response};
use crate::fields;
use crate::keycache::{self, Fetched, KeySource, Plan, Probe, SetFetch, Target};
use crate::keys;
use crate::paths::{data, not_found, Ctx, Outcome};
use crate::secret::{Redacted, Secret};
use crate::store::{CachedDoc, MountRow, Store};
use crate::verify::Alg;

/// One element of `jwks_pairs`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JwksPair {
    #[serde(default)]
    pub jwks_url: String,
    #[serde(default)]
    pub jwks_ca_pem: String,
}

/// The stored config, with Vault's field names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub oidc_discovery_url: String,
    pub oidc_discovery_ca_pem: String,
    pub oidc_client_id: String,
    pub oidc_client_secret: Secret,
    pub oidc_response_mode: String,
    pub oidc_response_types: Vec<String>,
    pub jwks_url: String,
    pub jwks_ca_pem: String,
    pub jwks_pairs: Vec<JwksPair>,
    pub jwt_validation_pubkeys: Vec<String>,
    pub jwt_supported_algs: Vec<String>,
    pub bound_issuer: String,
    pub default_role: String,
    pub provider_config: Redacted<Map<String, Value>>,
    pub namespace_in_state: bool,
    pub unsupported_critical_cert_extensions: Vec<String>,
    /// jwtvault extension: audiences bound for the whole mount (contract §1).
    pub token_audiences: Vec<String>,
}

impl Config {
    /// The key source a login uses, first match wins (reference §2.4), as the key cache reads
    /// it.
    pub fn key_source(&self) -> KeySource {
        if !self.jwt_validation_pubkeys.is_empty() {
            KeySource::Static
        } else if !self.jwks_url.is_empty() {
            KeySource::Jwks(Target::jwks(&self.jwks_url, &self.jwks_ca_pem))
        } else if !self.jwks_pairs.is_empty() {
            KeySource::MultiJwks(pair_targets(&self.jwks_pairs))
        } else if !self.oidc_discovery_url.is_empty()
            && (self.oidc_client_id.is_empty() || self.oidc_client_secret.is_empty())
        {
            KeySource::OidcDiscovery(Target::discovery(
                &self.oidc_discovery_url,
                &self.oidc_discovery_ca_pem,
            ))
        } else {
            KeySource::Unsupported
        }
    }

    /// The algorithms a login accepts: `jwt_supported_algs`, or all ten.
    pub fn allowed_algs(&self) -> Vec<Alg> {
        if self.jwt_supported_algs.is_empty() {
            Alg::ALL.to_vec()
        } else {
            self.jwt_supported_algs
                .iter()
                .filter_map(|a| Alg::parse(a))
                .collect()
        }
    }
}

fn pair_targets(pairs: &[JwksPair]) -> Vec<Target> {
    pairs
        .iter()
        .map(|p| Target::jwks(&p.jwks_url, &p.jwks_ca_pem))
        .collect()
}

/// The results of the fetch of `want` a previous call asked for, or `None` on the first call
/// (the caller then asks for it). The plan is made from the request alone, so the second call
/// asks for the same documents; anything else is a bug, reported as such.
fn probed<'a>(
    fetched: Option<&'a Fetched>,
    want: &[Target],
) -> Result<Option<&'a [SetFetch]>, ApiError> {
    match fetched {
        None => Ok(None),
        Some(f) => f.probe_of(want).map(Some).ok_or_else(|| {
            ApiError::internal("the documents fetched for this config write are not those it names")
        }),
    }
}

/// The providers Vault knows for `provider_config`.
const PROVIDERS: &[&str] = &["azure", "gsuite", "secureauth", "ibmisam", "okta"];

/// Loads the stored config of a mount.
pub fn load(store: &Store, mount: &MountRow) -> Result<Option<Config>, ApiError> {
    Ok(store.get_config::<Config>(&mount.accessor)?)
}

/// `read auth/<mount>/config`: Vault's 15 keys plus `token_audiences`; never the secret.
pub fn read(store: &Store, mount: &MountRow) -> Result<Response, ApiError> {
    let Some(c) = load(store, mount)? else {
        return Err(not_found());
    };
    for pem in &c.jwt_validation_pubkeys {
        keys::parse_pem(pem)
            .map_err(|e| ApiError::internal(format!("error parsing public key: {e}")))?;
    }
    let pairs: Vec<Value> = c
        .jwks_pairs
        .iter()
        .map(|p| json!({"jwks_url": p.jwks_url, "jwks_ca_pem": p.jwks_ca_pem}))
        .collect();
    let provider = public_provider_config(&c.provider_config);
    let m = json!({
        "oidc_discovery_url": c.oidc_discovery_url,
        "oidc_discovery_ca_pem": c.oidc_discovery_ca_pem,
        "oidc_client_id": c.oidc_client_id,
        "oidc_response_mode": c.oidc_response_mode,
        "oidc_response_types": c.oidc_response_types,
        "default_role": c.default_role,
        "jwt_validation_pubkeys": c.jwt_validation_pubkeys,
        "jwt_supported_algs": c.jwt_supported_algs,
        "jwks_url": c.jwks_url,
        "jwks_pairs": pairs,
        "jwks_ca_pem": c.jwks_ca_pem,
        "bound_issuer": c.bound_issuer,
        "provider_config": provider,
        "namespace_in_state": c.namespace_in_state,
        "unsupported_critical_cert_extensions": c.unsupported_critical_cert_extensions,
        "token_audiences": c.token_audiences,
    });
    match m {
        Value::Object(m) => Ok(data(m)),
        _ => Err(ApiError::internal("config did not render as an object")),
    }
}

/// `provider_config` without the providers' sensitive keys.
fn public_provider_config(pc: &Map<String, Value>) -> Map<String, Value> {
    const SENSITIVE: &[&str] = &["gsuite_service_account", "client_secret", "api_token"];
    pc.iter()
        .filter(|(k, _)| !SENSITIVE.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Parses the request into a new config (full replace). Field conversion errors come first,
/// in sorted field order, as Vault validates every field before the handler runs.
/// Config field errors carry Vault's `Field validation failed: ` prefix.
fn validation(e: fields::FieldError) -> ApiError {
    ApiError::bad_request(e.validation_message())
}

/// `jwks_pairs` comes back raw: its elements are checked in Vault's order, at step 8.
fn parse(
    body: &Map<String, Value>,
    previous: Option<&Config>,
) -> Result<(Config, Vec<Value>), ApiError> {
    let s = |k: &str| -> Result<String, ApiError> {
        body.get(k)
            .map(|v| fields::string(k, v))
            .transpose()
            .map(|o| o.unwrap_or_default())
            .map_err(validation)
    };
    let list = |k: &str| -> Result<Vec<String>, ApiError> {
        body.get(k)
            .map(|v| fields::comma_string_slice(k, v))
            .transpose()
            .map(|o| o.unwrap_or_default())
            .map_err(validation)
    };
    let mut c = Config {
        bound_issuer: s("bound_issuer")?,
        default_role: s("default_role")?.to_lowercase(),
        jwks_ca_pem: s("jwks_ca_pem")?,
        jwks_url: s("jwks_url")?,
        jwt_supported_algs: list("jwt_supported_algs")?,
        jwt_validation_pubkeys: list("jwt_validation_pubkeys")?,
        oidc_client_id: s("oidc_client_id")?,
        oidc_client_secret: Secret::new(s("oidc_client_secret")?),
        oidc_discovery_ca_pem: s("oidc_discovery_ca_pem")?,
        oidc_discovery_url: s("oidc_discovery_url")?,
        oidc_response_mode: s("oidc_response_mode")?,
        oidc_response_types: list("oidc_response_types")?,
        token_audiences: list("token_audiences")?,
        unsupported_critical_cert_extensions: list("unsupported_critical_cert_extensions")?,
        ..Config::default()
    };
    c.provider_config = Redacted(match body.get("provider_config") {
        Some(v) => fields::map("provider_config", v)
            .map_err(validation)?
            .unwrap_or_default(),
        None => Map::new(),
    });
    c.namespace_in_state = match body.get("namespace_in_state") {
        Some(v) => fields::bool("namespace_in_state", v).map_err(validation)?,
        None => previous.map(|p| p.namespace_in_state).unwrap_or(true),
    };
    let pairs = match body.get("jwks_pairs") {
        Some(v) => fields::slice(v),
        None => Vec::new(),
    };
    Ok((c, pairs))
}

/// Vault's step 8: every element a JSON object with string fields.
fn check_pairs(pairs: &[Value]) -> Result<Vec<JwksPair>, ApiError> {
    let shape = "invalid jwks_pairs: jwks_pairs must be provided as a list of json objects with the fields jwks_url and jwks_ca_pem";
    let mut out = Vec::new();
    for p in pairs {
        let Value::Object(o) = p else {
            return Err(ApiError::bad_request(shape));
        };
        let field = |k: &str| -> Result<String, ApiError> {
            match o.get(k) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => Err(ApiError::bad_request(format!(
                    "invalid jwks_pairs: 1 error(s) decoding:\n\n* '{k}' expected type 'string', got unconvertible type '{}', value: '{}'",
                    go_type(other),
                    crate::gofmt::format_value(other)
                ))),
            }
        };
        out.push(JwksPair {
            jwks_url: field("jwks_url")?,
            jwks_ca_pem: field("jwks_ca_pem")?,
        });
    }
    Ok(out)
}

/// Go's type name of a decoded JSON value, as mapstructure reports it.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
        Value::Null => "<nil>",
    }
}

/// `write auth/<mount>/config`. Called a second time with `fetched` when the first call asked
/// for documents. The checks are Vault's (vault-jwt-reference §2.3): the key source `switch`
/// (steps 1–9), then the checks that always run (11–14); a failure leaves everything as it was.
pub fn write(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    body: &Map<String, Value>,
    fetched: Option<&Fetched>,
) -> Result<Outcome, ApiError> {
    let previous = load(store, mount)?;
    let (mut c, raw_pairs) = parse(body, previous.as_ref())?;
    let keys = match check_key_source(store, ctx, mount, &mut c, &raw_pairs, fetched)? {
        KeyDocs::Ready(probe) => probe,
        KeyDocs::NeedsFetch(plan) => return Ok(Outcome::NeedsFetch(plan)),
    };
    check_supported_algs(&c)?;
    check_response_types(&c)?;
    check_provider_config(&c)?;
    save(store, ctx, mount, &c, &keys.docs)?;
    Ok(Outcome::Done(Response {
        warnings: keys.warnings,
        ..Response::default()
    }))
}

/// What the key source check gives: the documents to cache (and warnings), or the plan to
/// fetch them first.
enum KeyDocs {
    Ready(Probe),
    NeedsFetch(Plan),
}

/// Steps 1–9: Vault's `switch` on the key source; only the first matching case runs.
fn check_key_source(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    c: &mut Config,
    raw_pairs: &[Value],
    fetched: Option<&Fetched>,
) -> Result<KeyDocs, ApiError> {
    let methods = [
        !c.oidc_discovery_url.is_empty(),
        !c.jwt_validation_pubkeys.is_empty(),
        !c.jwks_url.is_empty(),
        !raw_pairs.is_empty(),
    ];
    let id_set = !c.oidc_client_id.is_empty();
    let secret_set = !c.oidc_client_secret.is_empty();
    if methods.iter().filter(|m| **m).count() != 1 {
        return Err(ApiError::bad_request(
            "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' must be set",
        ));
    }
    if id_set != secret_set {
        return Err(ApiError::bad_request(
            "both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC",
        ));
    }
    if !c.oidc_discovery_url.is_empty() {
        return discovery_docs(ctx, c, fetched);
    }
    if id_set {
        return Err(ApiError::bad_request(
            "'oidc_discovery_url' must be set for OIDC",
        ));
    }
    if !c.jwks_ca_pem.is_empty() && !raw_pairs.is_empty() {
        return Err(ApiError::bad_request(
            "CA PEMs must be provided as part of the 'jwks_pairs' when using multiple JWKS URLs",
        ));
    }
    if !raw_pairs.is_empty() && !c.bound_issuer.is_empty() {
        return Err(ApiError::bad_request(
            "Bound issuer is not supported for use with 'jwks_pairs'",
        ));
    }
    if !c.jwks_url.is_empty() || !raw_pairs.is_empty() {
        return jwks_docs(store, ctx, mount, c, raw_pairs, fetched);
    }
    check_pubkeys(c)?;
    Ok(KeyDocs::Ready(Probe {
        docs: Vec::new(),
        warnings: Vec::new(),
    }))
}

/// Step 3: the discovery document, fetched (never with the network off) and checked.
fn discovery_docs(ctx: &Ctx, c: &Config, fetched: Option<&Fetched>) -> Result<KeyDocs, ApiError> {
    if ctx.offline {
        return Err(keycache::offline_discovery_error());
    }
    let want = [Target::discovery(
        &c.oidc_discovery_url,
        &c.oidc_discovery_ca_pem,
    )];
    let Some(sets) = probed(fetched, &want)? else {
        return Ok(KeyDocs::NeedsFetch(Plan::Probe(want.to_vec())));
    };
    let mut out = Probe {
        docs: Vec::new(),
        warnings: Vec::new(),
    };
    for set in sets {
        let probe = keycache::probed_discovery(set, ctx.now)?;
        out.docs.extend(probe.docs);
        out.warnings.extend(probe.warnings);
    }
    Ok(KeyDocs::Ready(out))
}

/// Steps 7–8: `jwks_url`, or the `jwks_pairs` (checked here); their JWKS fetched and checked,
/// or with the network off, the sets imported for them.
fn jwks_docs(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    c: &mut Config,
    raw_pairs: &[Value],
    fetched: Option<&Fetched>,
) -> Result<KeyDocs, ApiError> {
    let want = if c.jwks_url.is_empty() {
        c.jwks_pairs = check_pairs(raw_pairs)?;
        pair_targets(&c.jwks_pairs)
    } else {
        vec![Target::jwks(&c.jwks_url, &c.jwks_ca_pem)]
    };
    let mut docs = Vec::new();
    if ctx.offline {
        for t in &want {
            docs.push(keycache::seeded_jwks(store, mount, &t.url)?);
        }
    } else {
        let Some(sets) = probed(fetched, &want)? else {
            return Ok(KeyDocs::NeedsFetch(Plan::Probe(want)));
        };
        // In order; the fetch stopped at the first failure, which is this write's error.
        for set in sets {
            docs.push(keycache::probed_jwks(set, ctx.now)?);
        }
    }
    Ok(KeyDocs::Ready(Probe {
        docs,
        warnings: Vec::new(),
    }))
}

/// Step 9: every `jwt_validation_pubkeys` element parses.
fn check_pubkeys(c: &Config) -> Result<(), ApiError> {
    for pem in &c.jwt_validation_pubkeys {
        keys::parse_pem(pem)
            .map_err(|e| ApiError::bad_request(format!("error parsing public key: {e}")))?;
    }
    Ok(())
}

/// Step 11: every `jwt_supported_algs` entry is one of the ten.
fn check_supported_algs(c: &Config) -> Result<(), ApiError> {
    for alg in &c.jwt_supported_algs {
        if Alg::parse(alg).is_none() {
            return Err(ApiError::bad_request(format!(
                "invalid jwt_supported_algs: unsupported signing algorithm \"{alg}\""
            )));
        }
    }
    Ok(())
}

/// Steps 12–13: `oidc_response_types` and `oidc_response_mode`.
fn check_response_types(c: &Config) -> Result<(), ApiError> {
    if c.oidc_response_types
        .iter()
        .any(|t| t != "code" && t != "id_token")
    {
        return Err(ApiError::bad_request(format!(
            "invalid response_types [{}]. 'code' and 'id_token' are allowed",
            c.oidc_response_types.join(" ")
        )));
    }
    match c.oidc_response_mode.as_str() {
        "" | "query" if c.oidc_response_types.iter().any(|t| t == "id_token") => {
            Err(ApiError::bad_request(
                "query response_mode may not be used with an id_token response_type",
            ))
        }
        "" | "query" | "form_post" => Ok(()),
        other => Err(ApiError::bad_request(format!(
            "invalid response_mode: \"{other}\""
        ))),
    }
}

/// Step 14: a `provider_config` names a provider Vault knows.
fn check_provider_config(c: &Config) -> Result<(), ApiError> {
    if c.provider_config.is_empty() {
        return Ok(());
    }
    let Some(p) = c.provider_config.get("provider") else {
        return Err(ApiError::bad_request(
            "invalid provider_config: 'provider' field not found in provider_config",
        ));
    };
    let name = p
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| crate::gofmt::format_value(p));
    if !PROVIDERS.contains(&name.as_str()) {
        return Err(ApiError::bad_request(format!(
            "invalid provider_config: provider \"{name}\" not found in custom providers"
        )));
    }
    Ok(())
}

/// Stores the config. A config write discards the old key cache (Vault: the next login starts
/// cold) and keeps what this write fetched.
fn save(
    store: &Store,
    ctx: &Ctx,
    mount: &MountRow,
    c: &Config,
    docs: &[CachedDoc],
) -> Result<(), ApiError> {
    store.put_config(&mount.accessor, c)?;
    store.clear_cached_docs(&mount.accessor)?;
    for doc in docs {
        store.put_cached_doc(&mount.accessor, doc)?;
        // A fetch like any other: a login right after this write does not fetch again within
        // the refetch spacing (keycache::REFETCH_SPACING), counted from this transaction's
        // time, after the fetch. Offline, the documents were seeded, not fetched.
        if !ctx.offline {
            store.record_fetch(&doc.url, ctx.now)?;
        }
    }
    Ok(())
}

/// `auth/<mount>/config` through the router.
#[cfg(test)]
mod router_tests {
    use serde_json::{json, Value};

    use crate::jwt_tools::make_keys;
    use crate::paths::testutil::{bad_request, failure, refused_url, KeyServer, TestState};
    use crate::verify::Alg;

    const CONFIG: &str = "auth/jwt/config";

    fn state() -> TestState {
        let s = TestState::offline();
        s.enable_jwt("jwt");
        s
    }

    fn pem() -> String {
        make_keys(Alg::ES256, None).unwrap().1
    }

    #[test]
    fn write_then_read_shows_vaults_keys_but_never_the_secret() {
        let s = state();
        let key = pem();
        let resp = s
            .write(
                CONFIG,
                json!({"jwt_validation_pubkeys": [key], "bound_issuer": "https://issuer",
                       "default_role": "Dev", "jwt_supported_algs": "ES256,RS256",
                       "provider_config": {"provider": "azure", "client_secret": "s3cret"},
                       "token_audiences": "api", "ignored": "x"}),
            )
            .unwrap();
        assert!(resp.data.is_none() && resp.warnings.is_empty());
        assert_eq!(
            s.read_data(CONFIG),
            json!({
                "oidc_discovery_url": "", "oidc_discovery_ca_pem": "", "oidc_client_id": "",
                "oidc_response_mode": "", "oidc_response_types": [], "default_role": "dev",
                // Each element trimmed, as Vault's comma-string-slice does.
                "jwt_validation_pubkeys": [key.trim()], "jwt_supported_algs": ["ES256", "RS256"],
                "jwks_url": "", "jwks_pairs": [], "jwks_ca_pem": "",
                "bound_issuer": "https://issuer", "provider_config": {"provider": "azure"},
                "namespace_in_state": true, "unsupported_critical_cert_extensions": [],
                "token_audiences": ["api"]
            })
        );
    }

    #[test]
    fn a_write_replaces_the_config_except_namespace_in_state() {
        let s = state();
        let key = pem();
        s.write(
            CONFIG,
            json!({"jwt_validation_pubkeys": key, "bound_issuer": "a", "namespace_in_state": false}),
        )
        .unwrap();
        s.write(CONFIG, json!({"jwt_validation_pubkeys": key}))
            .unwrap();
        let d = s.read_data(CONFIG);
        assert_eq!(d["bound_issuer"], json!(""));
        assert_eq!(d["namespace_in_state"], json!(false));
    }

    #[test]
    fn checks_run_in_vaults_order_with_vaults_messages() {
        let s = state();
        let key = pem();
        let cases: Vec<(Value, &str)> = vec![
            (
                json!({"namespace_in_state": "maybe", "jwks_url": 1}),
                "Field validation failed: error converting input for field \"namespace_in_state\": '' cannot parse value as 'bool': strconv.ParseBool: invalid syntax",
            ),
            (
                json!({"default_role": "x"}),
                "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' must be set",
            ),
            (
                json!({"jwt_validation_pubkeys": key, "jwks_url": "https://x"}),
                "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' must be set",
            ),
            (
                json!({"jwt_validation_pubkeys": key, "oidc_client_id": "c"}),
                "both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC",
            ),
            (
                json!({"jwt_validation_pubkeys": key, "oidc_client_id": "c",
                       "oidc_client_secret": "s"}),
                "'oidc_discovery_url' must be set for OIDC",
            ),
            (
                json!({"jwks_pairs": [{"jwks_url": "https://x"}], "jwks_ca_pem": "pem",
                       "bound_issuer": "i"}),
                "CA PEMs must be provided as part of the 'jwks_pairs' when using multiple JWKS URLs",
            ),
            (
                json!({"jwks_pairs": [{"jwks_url": "https://x"}], "bound_issuer": "i"}),
                "Bound issuer is not supported for use with 'jwks_pairs'",
            ),
            (
                json!({"jwks_pairs": [1]}),
                "invalid jwks_pairs: jwks_pairs must be provided as a list of json objects with the fields jwks_url and jwks_ca_pem",
            ),
            (
                json!({"jwks_pairs": [{"jwks_url": true}]}),
                "invalid jwks_pairs: 1 error(s) decoding:\n\n* 'jwks_url' expected type 'string', got unconvertible type 'bool', value: 'true'",
            ),
            // The key source (9) before the algorithms (11).
            (
                json!({"jwt_validation_pubkeys": "not a pem", "jwt_supported_algs": "HS256"}),
                "error parsing public key: data does not contain any valid public keys",
            ),
            (
                json!({"jwt_validation_pubkeys": key, "jwt_supported_algs": "HS256",
                       "oidc_response_types": "token"}),
                "invalid jwt_supported_algs: unsupported signing algorithm \"HS256\"",
            ),
            (
                json!({"jwt_validation_pubkeys": key, "oidc_response_types": "code,token",
                       "oidc_response_mode": "x"}),
                "invalid response_types [code token]. 'code' and 'id_token' are allowed",
            ),
            (
                json!({"jwt_validation_pubkeys": key, "oidc_response_types": "id_token"}),
                "query response_mode may not be used with an id_token response_type",
            ),
            (
                json!({"jwt_validation_pubkeys": key, "oidc_response_mode": "fragment",
                       "provider_config": {"x": 1}}),
                "invalid response_mode: \"fragment\"",
            ),
            (
                json!({"jwt_validation_pubkeys": key, "provider_config": {"x": 1}}),
                "invalid provider_config: 'provider' field not found in provider_config",
            ),
            (
                json!({"jwt_validation_pubkeys": key, "provider_config": {"provider": "github"}}),
                "invalid provider_config: provider \"github\" not found in custom providers",
            ),
        ];
        for (body, want) in cases {
            assert_eq!(bad_request(s.write(CONFIG, body.clone())), want, "{body}");
        }
        // None of them stored anything.
        assert_eq!(failure(s.read(CONFIG)), (404, String::new()));
        // id_token with form_post passes.
        s.write(
            CONFIG,
            json!({"jwt_validation_pubkeys": key, "oidc_response_types": "id_token",
                   "oidc_response_mode": "form_post"}),
        )
        .unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_stored_config_and_keys() {
        let s = state();
        let (_, _, jwks) = make_keys(Alg::ES256, Some("k1")).unwrap();
        let url = "https://issuer.example/keys";
        s.write(
            "auth/jwt/jwks/import",
            json!({"jwks": jwks.to_string(), "url": url}),
        )
        .unwrap();
        s.write(CONFIG, json!({"jwks_url": url})).unwrap();
        let before = (s.read_data(CONFIG), s.read_data("auth/jwt/jwks"));
        bad_request(s.write(
            CONFIG,
            json!({"jwt_validation_pubkeys": pem(), "jwt_supported_algs": "none"}),
        ));
        assert_eq!((s.read_data(CONFIG), s.read_data("auth/jwt/jwks")), before);
        // A successful write discards the old key cache.
        s.write(CONFIG, json!({"jwt_validation_pubkeys": pem()}))
            .unwrap();
        assert_eq!(failure(s.read("auth/jwt/jwks")), (404, String::new()));
    }

    #[test]
    fn offline_key_urls_need_imported_keys_and_discovery_is_refused() {
        let s = state();
        let url = "https://issuer.example/keys";
        let err = s.write(CONFIG, json!({"jwks_url": url})).unwrap_err();
        assert_eq!(err.errors, ["error checking jwks URL"]);
        assert_eq!(
            err.hints,
            [format!(
                "the network is off (-offline or JWTVAULT_OFFLINE=1) and no JWKS is cached for \
                 {url}; seed it first with `jwtvault write auth/jwt/jwks/import jwks=@jwks.json \
                 url={url}`"
            )]
        );
        let err = s
            .write(
                CONFIG,
                json!({"oidc_discovery_url": "https://issuer.example"}),
            )
            .unwrap_err();
        assert_eq!(err.errors, ["error checking oidc discovery URL"]);
        assert!(
            err.hints[0].starts_with("the network is off"),
            "{:?}",
            err.hints
        );
        // jwks_pairs: every URL needs its set.
        let (_, _, jwks) = make_keys(Alg::ES256, Some("k1")).unwrap();
        s.write(
            "auth/jwt/jwks/import",
            json!({"jwks": jwks.to_string(), "url": url}),
        )
        .unwrap();
        let pairs = json!({"jwks_pairs": [{"jwks_url": url}, {"jwks_url": "https://other/keys"}]});
        assert_eq!(
            bad_request(s.write(CONFIG, pairs)),
            "error checking jwks URL"
        );
        s.write(CONFIG, json!({"jwks_pairs": [{"jwks_url": url}]}))
            .unwrap();
        assert_eq!(
            s.read_data(CONFIG)["jwks_pairs"],
            json!([{"jwks_url": url, "jwks_ca_pem": ""}])
        );
    }

    #[test]
    fn online_a_key_url_is_fetched_and_its_keys_kept() {
        let (_, _, jwks) = make_keys(Alg::ES256, Some("k1")).unwrap();
        let server = KeyServer::start(&jwks.to_string());
        let s = TestState::online();
        s.enable_jwt("jwt");
        s.write(CONFIG, json!({"jwks_url": server.url})).unwrap();
        assert_eq!(server.hits(), 1);
        let sets = s.read_data("auth/jwt/jwks");
        assert_eq!(sets["key_sets"][0]["url"], json!(server.url));
        assert_eq!(sets["key_sets"][0]["key_ids"], json!(["k1"]));
        // An unreachable URL fails the write and changes nothing.
        let err = s
            .write(CONFIG, json!({"jwks_url": refused_url()}))
            .unwrap_err();
        assert_eq!(err.errors, ["error checking jwks URL"]);
        assert_eq!(s.read_data(CONFIG)["jwks_url"], json!(server.url));
        assert_eq!(s.read_data("auth/jwt/jwks"), sets);
    }
}
