// The bodies of jwtvault's fuzz targets, shared word for word by the cargo-fuzz targets
// (fuzz/fuzz_targets/*.rs) and the bounded property test that CI runs (tests/cli/props.rs),
// both through `include!`, so every CI run exercises exactly what the fuzzer does.
//
// Each function takes arbitrary bytes and must never panic, hang or allocate without bound.
// The first byte picks a mode so that random input also reaches the deep parsers (a signed
// token with a JSON payload, a JSON body from stdin) and not only the first error.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jwtvault::claims::{self, AudienceRule, Expected, IdentityRules, LoginRules, Trace};
use jwtvault::keys::{self, PublicKey};
use jwtvault::verify::{self, Alg, KeySet};
use serde_json::{json, Map, Value};

struct Fixture {
    /// PKCS#8 PEM of the Ed25519 key that signs mode-1 tokens.
    private: String,
    statics: Vec<PublicKey>,
    jwks: Vec<keys::Jwk>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let (private, public) = verify::generate_key(Alg::EdDSA).expect("ed25519 key");
        let (_, p256) = verify::generate_key(Alg::ES256).expect("p256 key");
        let ed = keys::parse_pem(&public).expect("ed25519 public");
        let ec = keys::parse_pem(&p256).expect("p256 public");
        let jwks_doc = json!({"keys": [
            jwtvault::jwt_tools::public_jwk(&ed, Alg::EdDSA, Some("k1")),
            jwtvault::jwt_tools::public_jwk(&ec, Alg::ES256, None),
        ]});
        let jwks = keys::parse_jwks(jwks_doc.to_string().as_bytes()).expect("jwks");
        Fixture {
            private,
            statics: vec![ec, ed],
            jwks,
        }
    })
}

/// Splits `data` at 0xFF bytes (a byte that never occurs in UTF-8) into at most `n` parts.
fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    data.splitn(n, |b| *b == 0xFF).collect()
}

/// Compact JWS + header + claims: `verify::verify` on static keys and on a JWKS, and
/// `claims::check_claims` under several role shapes on whatever payload verified.
///
/// Besides never panicking: a token this function did not sign (random bytes, unsigned parts)
/// never verifies; a signed one verifies only as EdDSA, only with the Ed25519 key, only when
/// EdDSA is allowed, and yields exactly the payload that was signed; and a plain
/// `{"alg":"EdDSA"}` header over a JSON object always verifies against the static keys.
pub fn jws(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture();
    // For a token signed here: the payload it carries, and whether it must verify.
    let mut signed: Option<(Map<String, Value>, bool)> = None;
    let token = match mode % 4 {
        // The bytes as a token.
        0 => String::from_utf8_lossy(rest).into_owned(),
        // header 0xFF payload, signed with the fixture key: reaches the claims layer.
        1 => {
            let p = parts(rest, 2);
            let header = p[0];
            let payload = p.get(1).copied().unwrap_or(b"{}");
            let t = match verify::sign_compact(Alg::EdDSA, &f.private, header, payload) {
                Ok(t) => t,
                Err(_) => return,
            };
            if let Ok(claims) = verify::parse_json_object_strict(payload) {
                let must = header == br#"{"alg":"EdDSA"}"# && t.len() <= 64 * 1024;
                signed = Some((claims, must));
            }
            t
        }
        // header 0xFF payload 0xFF signature, each base64url-encoded, unsigned.
        2 => {
            let p = parts(rest, 3);
            let enc = |i: usize| URL_SAFE_NO_PAD.encode(p.get(i).copied().unwrap_or_default());
            format!("{}.{}.{}", enc(0), enc(1), enc(2))
        }
        // Key material parsers: a JWKS document and a PEM key.
        _ => {
            let _ = keys::parse_jwks(rest);
            let _ = keys::parse_pem(&String::from_utf8_lossy(rest));
            if let Ok(v) = serde_json::from_slice::<Value>(rest) {
                let _ = keys::parse_jwk(&v);
            }
            return;
        }
    };
    for allowed in [&[][..], &[Alg::EdDSA][..], &[Alg::RS256][..]] {
        // The Ed25519 key is the JWKS's first key and the second static key.
        for (keys, ed_index) in [(KeySet::Jwks(&f.jwks), 0), (KeySet::Static(&f.statics), 1)] {
            let is_static = matches!(keys, KeySet::Static(_));
            match verify::verify(&token, keys, allowed) {
                Ok(v) => {
                    let Some((claims, _)) = &signed else {
                        panic!(
                            "a token nobody signed verified (mode {}): {token:?}",
                            mode % 4
                        );
                    };
                    assert_eq!(v.alg, Alg::EdDSA, "signed with EdDSA: {token:?}");
                    assert!(
                        allowed.is_empty() || allowed.contains(&Alg::EdDSA),
                        "verified although only {allowed:?} is allowed: {token:?}"
                    );
                    assert_eq!(v.key_index, ed_index, "verified by another key: {token:?}");
                    assert_eq!(&v.claims, claims, "not the signed payload: {token:?}");
                    claims_rules(&v.claims)
                }
                Err(e) => {
                    if let Some((_, true)) = signed {
                        assert!(
                            !is_static || allowed == [Alg::RS256],
                            "a plainly signed EdDSA token did not verify ({allowed:?}): {e}: {token:?}"
                        );
                    }
                    // Display and the hint are printed to users: they must not panic either.
                    let _ = e.to_string();
                    let _ = e.hint();
                }
            }
        }
    }
    let _ = jwtvault::jwt_tools::decode_token(&token, 1_700_000_000.0);
    // The payload as claims, even when the signature did not verify.
    if let Some(p) = token.split('.').nth(1) {
        if let Ok(bytes) = URL_SAFE_NO_PAD.decode(p) {
            if let Ok(m) = verify::parse_json_object_strict(&bytes) {
                claims_rules(&m);
            }
        }
    }
}

fn claims_rules(claims: &Map<String, Value>) {
    let auds = vec!["a".to_string(), "vault-aud-value".to_string()];
    let none: Vec<String> = Vec::new();
    let mut mappings = BTreeMap::new();
    mappings.insert("email".to_string(), "email".to_string());
    mappings.insert("/org/team".to_string(), "team".to_string());
    let bound_plain: Map<String, Value> = serde_json::from_str(
        r#"{"n": 123, "flag": true, "groups": ["developers", "ops"], "/a/0/b": "x"}"#,
    )
    .expect("bound claims");
    let bound_glob: Map<String, Value> =
        serde_json::from_str(r#"{"groups": "dev*", "email": ["*@example.com", "x*y*z"]}"#)
            .expect("bound claims");
    for (i, (user_claim, pointer, groups, bound, glob)) in [
        ("sub", false, "groups", Some(&bound_glob), true),
        ("/user/id", true, "/realm/groups", Some(&bound_plain), false),
        ("email", false, "", None, false),
        ("/user/id", false, "groups", Some(&bound_plain), true),
    ]
    .into_iter()
    .enumerate()
    {
        let rules = LoginRules {
            expected: Expected {
                bound_issuer: if i % 2 == 0 {
                    "https://issuer.example/"
                } else {
                    ""
                },
                bound_subject: if i == 3 { "user-12345" } else { "" },
                bound_audiences: if i % 2 == 0 { &auds } else { &none },
                audiences_from_config: i == 2,
                clock_skew_leeway: [0, -1, 120, i64::MAX][i],
                expiration_leeway: [0, -5, 3600, i64::MIN][i],
                not_before_leeway: [0, -1, 1, i64::MAX][i],
            },
            audience_rule: if i % 2 == 0 {
                AudienceRule::Vault
            } else {
                AudienceRule::OpenBao
            },
            identity: IdentityRules {
                role_name: "r",
                user_claim,
                user_claim_json_pointer: pointer,
                groups_claim: groups,
                claim_mappings: Some(&mappings),
            },
            bound_claims: bound,
            bound_claims_glob: glob,
        };
        for now in [0.0, 1_700_000_000.5, -1e18, f64::MAX] {
            let mut trace = Trace::new();
            let r = claims::check_claims(claims, &rules, now, &mut trace);
            let _ = trace.render();
            if let Err(e) = r {
                let _ = e.to_string();
            }
        }
    }
    for name in [
        "/a/0/b",
        "/~1x/~0y",
        "groups",
        "/",
        "",
        "/99999999999999999999",
    ] {
        let _ = claims::get_claim(claims, name);
    }
}

/// The kv-builder and the field types: NUL-separated arguments, then 0xFF, then what stdin
/// holds; every value of the built body goes through every field converter.
pub fn kv(data: &[u8]) {
    let mut p = data.splitn(2, |b| *b == 0xFF);
    let args_part = p.next().unwrap_or_default();
    let stdin = String::from_utf8_lossy(p.next().unwrap_or_default()).into_owned();
    let args: Vec<String> = String::from_utf8_lossy(args_part)
        .split('\0')
        // `@path` reads a file: keep the fuzzer away from the file system (`\@` stays).
        .map(|a| {
            let mut out = String::with_capacity(a.len());
            let mut prev = '\0';
            for c in a.chars() {
                out.push(if c == '@' && prev != '\\' { '#' } else { c });
                prev = c;
            }
            out
        })
        .collect();
    let mut read = || Ok(stdin.clone());
    let Ok(map) = jwtvault::kv::build(&args, &mut read) else {
        return;
    };
    use jwtvault::fields;
    for (k, v) in &map {
        let _ = fields::string(k, v);
        let _ = fields::lower_string(k, v);
        let _ = fields::bool(k, v);
        let _ = fields::int(k, v);
        let _ = fields::duration_seconds(k, v);
        let _ = fields::signed_duration_seconds(k, v);
        let _ = fields::comma_string_slice(k, v);
        let _ = fields::map(k, v);
        let _ = fields::kv_pairs(k, v);
        let _ = fields::go_v(v);
        if let Value::String(s) = v {
            let _ = fields::parse_duration(s);
            let _ = fields::go_parse_duration(s);
            let _ = fields::go_parse_int(s);
            let _ = fields::go_quote(s);
            let _ = claims::glob_match(s, k);
        }
    }
}

/// Policy HCL (and JSON): `acl::parse_policy`, `acl::format_policy`, and an ACL built from
/// what parsed, asked about a few paths. A formatted policy must parse again.
pub fn policy(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(p) = jwtvault::acl::parse_policy("fuzz", &text) {
        let acl = jwtvault::acl::build_acl(&[p], None);
        for path in [
            "secret/data/x",
            "auth/token/lookup-self",
            "",
            "a/+/b",
            "sys/*",
        ] {
            let _ = acl.capabilities(path);
        }
    }
    if let Ok(formatted) = jwtvault::acl::format_policy(&text) {
        if let Err(e) = jwtvault::acl::parse_policy("fuzz", &formatted) {
            panic!("policy fmt output does not parse: {e}\ninput: {text:?}\noutput: {formatted:?}");
        }
    }
}
