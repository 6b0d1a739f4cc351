//! The verifier's cost per algorithm beside the bare signature check it wraps.
//!
//! For each of the ten algorithms, one walkthrough-shaped token is verified two ways:
//! - `jwtvault`: `verify::verify` (size and header checks, base64, strict JSON of header and
//!   payload, key selection, signature, algorithm list) then `claims::check_claims` (registered
//!   claims, leeways, strict audience, identity, glob bound claims), as a login runs them;
//! - `aws-lc-rs`: `UnparsedPublicKey::verify` on the same signing input with the signature
//!   already decoded — the floor no verifier can go under.
//!
//! Issue 3's budget: parsing and claim checks add at most 25% to RS256.
//! Run: `cargo bench --bench verify -- --warm-up-time 1 --measurement-time 3`.
//! `JWTVAULT_BENCH_SPLIT=1` adds the parts (verify only, jsonwebtoken only, payload JSON only,
//! claims only) for profiling.

use std::collections::BTreeMap;

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::{json, Map, Value};

use jwtvault::claims::{self, AudienceRule, Expected, IdentityRules, LoginRules, Trace};
use jwtvault::keys::{self, PublicKey};
use jwtvault::verify::{self, Alg, KeySet};

/// The aws-lc-rs algorithm for a JWS algorithm, and whether it takes the raw key (EC point,
/// Ed25519 x) rather than the SubjectPublicKeyInfo DER.
fn bare_alg(alg: Alg) -> &'static dyn VerificationAlgorithm {
    match alg {
        Alg::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Alg::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Alg::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        Alg::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
        Alg::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
        Alg::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
        Alg::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
        Alg::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
        Alg::ES512 => &signature::ECDSA_P521_SHA512_FIXED,
        Alg::EdDSA => &signature::ED25519,
    }
}

/// The public key bytes aws-lc-rs wants: SPKI DER for RSA, the point or x otherwise.
fn bare_key(pem: &str, parsed: &PublicKey) -> Vec<u8> {
    match parsed {
        PublicKey::Ec { point, .. } => point.clone(),
        PublicKey::Ed25519 { x, .. } => x.clone(),
        PublicKey::Rsa { .. } => {
            let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            STANDARD.decode(body).expect("PEM body")
        }
    }
}

fn claims_now() -> (Map<String, Value>, f64) {
    let now = 1_800_000_000.0;
    let c = json!({
        "iss": "https://token.actions.example.com", "sub": "user-12345", "aud": "vault-aud-value",
        "iat": 1_800_000_000i64 - 10, "exp": 1_800_000_000i64 + 3600,
        "name": "Alice Smith", "email": "alice@example.com", "groups": ["developers", "ops"],
    });
    (c.as_object().cloned().expect("object"), now)
}

fn bench(c: &mut Criterion) {
    let (claims, now) = claims_now();
    let audiences = vec!["vault-aud-value".to_string()];
    let mappings: BTreeMap<String, String> = [("email".to_string(), "mail".to_string())].into();
    let bound: Map<String, Value> = json!({"groups": "dev*"}).as_object().cloned().expect("o");
    let rules = LoginRules {
        expected: Expected {
            bound_issuer: "https://token.actions.example.com",
            bound_subject: "",
            bound_audiences: &audiences,
            audiences_from_config: false,
            clock_skew_leeway: 0,
            expiration_leeway: 0,
            not_before_leeway: 0,
        },
        audience_rule: AudienceRule::OpenBao,
        identity: IdentityRules {
            role_name: "developer-role",
            user_claim: "sub",
            user_claim_json_pointer: false,
            groups_claim: "groups",
            claim_mappings: Some(&mappings),
        },
        bound_claims: Some(&bound),
        bound_claims_glob: true,
    };

    for alg in Alg::ALL {
        let (private, public) = verify::generate_key(alg).expect("key");
        let parsed = vec![keys::parse_pem(&public).expect("public key")];
        let token = verify::sign(alg, &private, None, &claims).expect("sign");
        let (signing_input, sig_b64) = token.rsplit_once('.').expect("three parts");
        let sig = URL_SAFE_NO_PAD.decode(sig_b64).expect("signature");
        let raw_key = bare_key(&public, &parsed[0]);
        let bare = UnparsedPublicKey::new(bare_alg(alg), raw_key.as_slice());
        // Both paths must accept the token, or the comparison means nothing.
        bare.verify(signing_input.as_bytes(), &sig)
            .expect("bare verification");
        let v = verify::verify(&token, KeySet::Static(&parsed), &[]).expect("verify");
        claims::check_claims(&v.claims, &rules, now, &mut Trace::quiet()).expect("claims");

        let mut g = c.benchmark_group(alg.as_str());
        g.bench_function("aws-lc-rs", |b| {
            b.iter(|| {
                bare.verify(black_box(signing_input.as_bytes()), black_box(&sig))
                    .is_ok()
            })
        });
        g.bench_function("jwtvault", |b| {
            b.iter(|| {
                let v = verify::verify(black_box(&token), KeySet::Static(&parsed), &[])
                    .expect("verify");
                claims::check_claims(&v.claims, &rules, now, &mut Trace::quiet()).is_ok()
            })
        });
        if std::env::var_os("JWTVAULT_BENCH_SPLIT").is_some() {
            g.bench_function("verify-only", |b| {
                b.iter(|| verify::verify(black_box(&token), KeySet::Static(&parsed), &[]).is_ok())
            });
            if let PublicKey::Rsa { decoding, .. } = &parsed[0] {
                g.bench_function("jsonwebtoken-only", |b| {
                    b.iter(|| {
                        jsonwebtoken::crypto::verify(
                            black_box(sig_b64),
                            signing_input.as_bytes(),
                            decoding,
                            jsonwebtoken::Algorithm::RS256,
                        )
                        .unwrap_or(false)
                    })
                });
            }
            g.bench_function("json-only", |b| {
                b.iter(|| {
                    let (_, p) = signing_input.split_once('.').expect("dot");
                    let bytes = URL_SAFE_NO_PAD.decode(black_box(p)).expect("b64");
                    verify::parse_json_object_strict(&bytes).is_ok()
                })
            });
            g.bench_function("claims-only", |b| {
                b.iter(|| {
                    claims::check_claims(black_box(&v.claims), &rules, now, &mut Trace::quiet())
                        .is_ok()
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
