//! Pure JWT tooling behind `jwt keygen|sign|decode` (jwtvault extension) and the tests: key
//! pairs and their JWKs, signing claims, and decoding a token without verifying it. No I/O.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::gofmt;
use crate::keys::{self, PublicKey};
use crate::verify::{self, Alg};

/// The public JWK of a key, with `use: sig`.
pub fn public_jwk(key: &PublicKey, alg: Alg, kid: Option<&str>) -> Value {
    let b = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let mut jwk = match key {
        PublicKey::Rsa { n, e, .. } => json!({"kty": "RSA", "n": b(n), "e": b(e)}),
        PublicKey::Ec { curve, point, .. } => {
            let len = curve.coord_len();
            json!({"kty": "EC", "crv": curve.name(), "x": b(&point[1..1 + len]), "y": b(&point[1 + len..])})
        }
        PublicKey::Ed25519 { x, .. } => json!({"kty": "OKP", "crv": "Ed25519", "x": b(x)}),
    };
    if let Value::Object(o) = &mut jwk {
        o.insert("alg".into(), json!(alg.as_str()));
        o.insert("use".into(), json!("sig"));
        if let Some(k) = kid {
            o.insert("kid".into(), json!(k));
        }
    }
    jwk
}

/// Generates a key pair: (private PEM, public PEM, one-key JWKS document).
pub fn make_keys(alg: Alg, kid: Option<&str>) -> Result<(String, String, Value), String> {
    let (private, public) = verify::generate_key(alg)?;
    let key = keys::parse_pem(&public)?;
    let jwks = json!({"keys": [public_jwk(&key, alg, kid)]});
    Ok((private, public, jwks))
}

/// Fills `iat` and `exp` (now + ttl) unless given, then signs.
pub fn sign_claims(
    alg: Alg,
    pem: &str,
    kid: Option<&str>,
    mut claims: Map<String, Value>,
    ttl: i64,
    now: i64,
) -> Result<String, String> {
    claims.entry("iat").or_insert(json!(now));
    claims.entry("exp").or_insert(json!(now + ttl));
    verify::sign(alg, pem, kid, &claims).map_err(|e| format!("cannot sign: {e}"))
}

/// Header and claims of a JWT, not verified, with the time claims also as dates.
pub fn decode_token(token: &str, now: f64) -> Result<Value, String> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    if parts.len() != 3 {
        return Err(format!(
            "a compact JWT has 3 parts separated by '.', this one has {}",
            parts.len()
        ));
    }
    let part = |i: usize, what: &str| -> Result<Map<String, Value>, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(parts[i].trim_end_matches('='))
            .map_err(|e| format!("the {what} is not base64url: {e}"))?;
        verify::parse_json_object_strict(&bytes)
            .map_err(|e| format!("the {what} is not a JSON object: {e}"))
    };
    let header = part(0, "header")?;
    let claims = part(1, "payload")?;
    let mut times = Map::new();
    for k in ["exp", "iat", "nbf"] {
        if let Some(t) = claims.get(k).and_then(Value::as_f64) {
            let delta = t - now;
            let rel = if delta >= 0.0 {
                format!("in {}", gofmt::human_duration(delta as i64))
            } else {
                format!("{} ago", gofmt::human_duration((-delta) as i64))
            };
            times.insert(
                k.into(),
                json!(format!("{} ({rel})", crate::token::rfc3339(t))),
            );
        }
    }
    Ok(json!({"verified": false, "header": header, "claims": claims, "times": times}))
}

/// The algorithm a private key signs with when none is given.
pub fn default_alg(pem: &str) -> Alg {
    for alg in [Alg::ES256, Alg::ES384, Alg::ES512, Alg::EdDSA, Alg::RS256] {
        if verify::sign(alg, pem, None, &Map::new()).is_ok() {
            return alg;
        }
    }
    Alg::RS256
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_round_trips_through_its_jwks() {
        for alg in Alg::ALL {
            let (private, _public, jwks) = make_keys(alg, Some("k1")).unwrap();
            let token = sign_claims(alg, &private, Some("k1"), Map::new(), 60, 1000).unwrap();
            let set = keys::parse_jwks(jwks.to_string().as_bytes()).unwrap();
            let v = verify::verify(&token, verify::KeySet::Jwks(&set), &Alg::ALL).unwrap();
            assert_eq!(v.alg, alg);
            assert_eq!(v.claims["exp"], json!(1060));
            // Without -alg, an RSA key signs RS256 (PS* must be asked for); others by curve.
            let want = match alg {
                Alg::PS256 | Alg::PS384 | Alg::PS512 | Alg::RS384 | Alg::RS512 => Alg::RS256,
                other => other,
            };
            assert_eq!(default_alg(&private), want);
        }
    }

    #[test]
    fn decode_shows_times_and_refuses_garbage() {
        let (private, _, _) = make_keys(Alg::ES256, None).unwrap();
        let token = sign_claims(Alg::ES256, &private, None, Map::new(), 3600, 1000).unwrap();
        let v = decode_token(&token, 1000.0).unwrap();
        assert_eq!(v["verified"], json!(false));
        assert_eq!(v["times"]["exp"], json!("1970-01-01T01:16:40Z (in 1h)"));
        assert!(decode_token("a.b", 0.0).unwrap_err().contains("3 parts"));
    }
}
