//! The pure signature layer: compact JWS in, verified header and claims (or a typed error) out.
//!
//! Owns: compact-form parsing with go-jose's messages, jwtvault's pre-signature refusals
//! (size, duplicate member names, `crit`, `b64`), key selection (reference §4.8.1, §6.3), the
//! ten asymmetric algorithms, the allowed-algorithm check after the signature (§4.8.2), and the
//! `sign`/`generate_key` helpers used by `jwt sign` and tests.
//! Must not: read a clock, a file or a socket; validate claims (exp, aud… belong to the login
//! pipeline); follow `jku`, `x5u`, `jwk` or `x5c` headers; print a token's signature.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_FIXED_SIGNING,
    ECDSA_P384_SHA384_FIXED_SIGNING, ECDSA_P521_SHA512_FIXED, ECDSA_P521_SHA512_FIXED_SIGNING,
};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::gofmt::go_quote;
use crate::keys::{pem_decode, Curve, Jwk, PublicKey};

/// Tokens longer than this are refused before any parsing (contract §4).
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

const VALIDATING: &str = "error validating token: ";
const SIGNATURE: &str = "error verifying token signature: ";

/// The ten asymmetric JWS algorithms Vault accepts (reference §4.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Alg {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
}

impl Alg {
    pub const ALL: [Alg; 10] = [
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
        Alg::ES256,
        Alg::ES384,
        Alg::ES512,
        Alg::EdDSA,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::ES512 => "ES512",
            Alg::EdDSA => "EdDSA",
        }
    }

    /// Case-sensitive, as Vault compares algorithm names.
    pub fn parse(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// jsonwebtoken's name for it; `None` for ES512, which jsonwebtoken lacks.
    fn jwt(self) -> Option<jsonwebtoken::Algorithm> {
        use jsonwebtoken::Algorithm as J;
        Some(match self {
            Alg::RS256 => J::RS256,
            Alg::RS384 => J::RS384,
            Alg::RS512 => J::RS512,
            Alg::PS256 => J::PS256,
            Alg::PS384 => J::PS384,
            Alg::PS512 => J::PS512,
            Alg::ES256 => J::ES256,
            Alg::ES384 => J::ES384,
            Alg::EdDSA => J::EdDSA,
            Alg::ES512 => return None,
        })
    }
}

impl FromStr for Alg {
    type Err = String;
    /// The error is the text Vault puts after `invalid jwt_supported_algs: `.
    fn from_str(s: &str) -> Result<Alg, String> {
        Alg::parse(s).ok_or_else(|| format!("unsupported signing algorithm {}", go_quote(s)))
    }
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// go-oidc's list, in its order, as printed in its "unexpected signature algorithm" error.
const GO_OIDC_ALGS: &str =
    r#"["RS256" "RS384" "RS512" "ES256" "ES384" "ES512" "PS256" "PS384" "PS512" "EdDSA"]"#;

/// Whether `key` can verify `alg`: the key type pins the algorithm family and, for ECDSA, the
/// exact algorithm (reference §6.1).
pub fn key_fits(key: &PublicKey, alg: Alg) -> bool {
    match key {
        PublicKey::Rsa { .. } => matches!(
            alg,
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512
        ),
        PublicKey::Ec { curve, .. } => matches!(
            (curve, alg),
            (Curve::P256, Alg::ES256) | (Curve::P384, Alg::ES384) | (Curve::P521, Alg::ES512)
        ),
        PublicKey::Ed25519 { .. } => alg == Alg::EdDSA,
    }
}

/// Where the keys come from; decides selection by `kid` and the error texts.
#[derive(Clone, Copy, Debug)]
pub enum KeySet<'a> {
    /// `jwt_validation_pubkeys`: every key tried in order, `kid` ignored.
    Static(&'a [PublicKey]),
    /// A (cached) JWKS: with a token `kid`, only usable JWKs with that exact `kid`.
    Jwks(&'a [Jwk]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    Static,
    Jwks,
}

impl KeySet<'_> {
    fn source(&self) -> KeySource {
        match self {
            KeySet::Static(_) => KeySource::Static,
            KeySet::Jwks(_) => KeySource::Jwks,
        }
    }
}

/// A token whose signature verified and whose algorithm is allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    pub alg: Alg,
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// Index of the verifying key in the slice given in [`KeySet`].
    pub key_index: usize,
}

/// As [`Verified`] but with the payload left as bytes (JWS that are not JWTs, e.g. test vectors).
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedJws {
    pub alg: Alg,
    pub header: Map<String, Value>,
    pub payload: Vec<u8>,
    pub key_index: usize,
}

/// Why a candidate key was not tried (for hints).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// The key type cannot verify the header's algorithm; holds the key description.
    WrongType(String),
    /// JWKS: the token has a kid and this JWK's kid differs or is missing.
    KidMismatch,
    /// JWKS: the JWK is never used for verification; holds the reason.
    Unusable(String),
}

/// Signature-layer failures. `Display` gives Vault's full message (or jwtvault's own for its
/// extra refusals); [`VerifyError::hint`] adds detail. Nothing here holds the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// Over [`MAX_TOKEN_BYTES`]; refused unparsed.
    TooLarge { len: usize },
    /// The token is in JWS JSON serialization.
    JsonSerialization,
    /// go-jose's parse failure (`detail` is go-jose's text).
    Malformed { source: KeySource, detail: String },
    /// Header `alg` is not one of the ten (`none`, `HS256`, `ES256K`, missing…).
    UnsupportedAlg { source: KeySource, alg: String },
    /// `"b64": false` (RFC 7797 unencoded payload). Reported with Vault's "no key verified"
    /// text: go-jose fails the signature check of such a token with every key.
    UnencodedPayload { source: KeySource },
    /// A non-empty (or non-array) `crit` header; holds its JSON text. Reported with Vault's "no
    /// key verified" text, as go-jose fails every key on an unknown critical extension.
    UnsupportedCrit { source: KeySource, found: String },
    /// The payload repeats a member name (at any depth).
    DuplicateClaim { name: String },
    /// The payload is not a JSON object.
    InvalidPayload { detail: String },
    /// No candidate key verified the signature.
    NoKeyVerified {
        source: KeySource,
        alg: Alg,
        kid: Option<String>,
        total: usize,
        tried: usize,
        skipped: Vec<Skip>,
        /// Tried RSA keys below 2048 bits (jwtvault's crypto refuses them, Go accepts ≥1024).
        small_rsa: usize,
    },
    /// Signature verified but the algorithm is not in the allowed list.
    UnexpectedAlg { alg: Alg, allowed: Vec<Alg> },
}

impl VerifyError {
    /// True when the cached keys simply did not verify the token: with a JWKS source a refetch
    /// might find the key (Vault refetches exactly then, reference §4.8.1).
    pub fn key_not_found(&self) -> bool {
        matches!(self, VerifyError::NoKeyVerified { .. })
    }

    /// Extra detail for the `Hint:` block: header values (escaped, truncated), the allowed
    /// algorithms, what keys were tried or skipped. Never the signature.
    pub fn hint(&self) -> Option<String> {
        match self {
            VerifyError::TooLarge { .. } | VerifyError::JsonSerialization => None,
            VerifyError::Malformed { .. } => Some(
                "the token must be three base64url parts (header.payload.signature) without padding or whitespace, with a JSON object header".to_string(),
            ),
            VerifyError::UnsupportedAlg { alg, .. } => Some(format!(
                "the token header says alg {}; jwtvault accepts only {} (none and HMAC algorithms are never accepted)",
                shown(alg),
                Alg::ALL.map(Alg::as_str).join(", ")
            )),
            VerifyError::UnencodedPayload { .. } => Some(
                "the token header has \"b64\": false (RFC 7797 unencoded payload), which neither Vault nor jwtvault verifies".to_string(),
            ),
            VerifyError::UnsupportedCrit { found, .. } => Some(format!(
                "the token header \"crit\" names critical extensions {}; none is understood, so no key can accept the token",
                shown(found)
            )),
            VerifyError::DuplicateClaim { .. }
            | VerifyError::InvalidPayload { .. } => None,
            VerifyError::NoKeyVerified {
                source,
                alg,
                kid,
                total,
                tried,
                skipped,
                small_rsa,
            } => {
                let mut h = format!(
                    "token alg {alg}, kid {}; {tried} of {total} key(s) tried, none verified the signature",
                    kid.as_deref().map(shown).unwrap_or_else(|| "absent".to_string())
                );
                let mut counts: BTreeMap<String, usize> = BTreeMap::new();
                for s in skipped {
                    let text = match s {
                        Skip::WrongType(k) => format!("{k} key cannot verify {alg}"),
                        Skip::KidMismatch => "kid differs from the token's".to_string(),
                        Skip::Unusable(r) => r.clone(),
                    };
                    *counts.entry(text).or_default() += 1;
                }
                for (text, n) in counts {
                    h.push_str(&format!("; skipped {n}: {text}"));
                }
                if *small_rsa > 0 {
                    h.push_str(&format!(
                        "; {small_rsa} RSA key(s) are under 2048 bits, which jwtvault cannot verify with"
                    ));
                }
                if *source == KeySource::Jwks {
                    h.push_str("; the cached JWKS may be stale");
                }
                Some(h)
            }
            VerifyError::UnexpectedAlg { alg, allowed } => Some(format!(
                "the signature is valid but the token alg {alg} is not among the allowed algorithms (jwt_supported_algs): {}",
                allowed.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let jwks_prefix = |s: &KeySource| match s {
            KeySource::Static => "",
            KeySource::Jwks => "oidc: malformed jwt: ",
        };
        match self {
            VerifyError::TooLarge { len } => write!(
                f,
                "{VALIDATING}token is {len} bytes, over jwtvault's limit of {MAX_TOKEN_BYTES} bytes (64 KiB); refused before any signature check"
            ),
            VerifyError::JsonSerialization => write!(
                f,
                "{VALIDATING}token uses the JWS JSON serialization; only the compact form header.payload.signature is accepted"
            ),
            VerifyError::Malformed { source, detail } => {
                write!(f, "{VALIDATING}{SIGNATURE}{}{detail}", jwks_prefix(source))
            }
            VerifyError::UnsupportedAlg { source, alg } => match source {
                KeySource::Static => write!(
                    f,
                    "{VALIDATING}{SIGNATURE}no known key successfully validated the token signature"
                ),
                KeySource::Jwks => write!(
                    f,
                    "{VALIDATING}{SIGNATURE}oidc: malformed jwt: unexpected signature algorithm {}; expected {GO_OIDC_ALGS}",
                    go_quote(alg)
                ),
            },
            VerifyError::UnencodedPayload { source } | VerifyError::UnsupportedCrit { source, .. } => {
                match source {
                    KeySource::Static => write!(
                        f,
                        "{VALIDATING}{SIGNATURE}no known key successfully validated the token signature"
                    ),
                    KeySource::Jwks => write!(
                        f,
                        "{VALIDATING}{SIGNATURE}failed to verify id token signature"
                    ),
                }
            }
            VerifyError::DuplicateClaim { name } => write!(
                f,
                "{VALIDATING}token payload repeats the member name {}; jwtvault refuses duplicate names (Vault would keep the last)",
                shown(name)
            ),
            VerifyError::InvalidPayload { detail } => {
                write!(
                    f,
                    "{VALIDATING}token payload is not a JSON object: {detail}"
                )
            }
            VerifyError::NoKeyVerified { source, .. } => match source {
                KeySource::Static => write!(
                    f,
                    "{VALIDATING}{SIGNATURE}no known key successfully validated the token signature"
                ),
                KeySource::Jwks => {
                    write!(
                        f,
                        "{VALIDATING}{SIGNATURE}failed to verify id token signature"
                    )
                }
            },
            VerifyError::UnexpectedAlg { .. } => write!(
                f,
                "{VALIDATING}invalid algorithm (alg) header parameter: token signed with unexpected algorithm"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// A header or claim value for a hint: quoted, control bytes escaped, cut at 64 characters
/// (a 10 KB `kid` must not flood the terminal).
fn shown(s: &str) -> String {
    const MAX: usize = 64;
    let count = s.chars().count();
    if count <= MAX {
        go_quote(s)
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{}… ({count} characters)", go_quote(&cut))
    }
}

// ---------------------------------------------------------------------------------------------
// Strict JSON: objects whose member names repeat (at any depth) are refused.

enum StrictError {
    Duplicate(String),
    NotObject(&'static str),
    Syntax(String),
}

const DUP_MARK: &str = "\u{0}jwtvault-duplicate\u{0}";

/// A `Value` built by a visitor that fails on the first repeated member name. Depth stays
/// bounded by serde_json's recursion limit (128), so 100 000 nested brackets are an error.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }
    fn visit_none<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        let mut out = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(StrictValue(Value::Array(out)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictValue, A::Error> {
        // With arbitrary_precision serde_json hands a number over as a one-entry map under this
        // private key; rebuild the Number from its literal text, as serde_json's Value does.
        const NUMBER_TOKEN: &str = "$serde_json::private::Number";
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == NUMBER_TOKEN && out.is_empty() {
                let text: String = map.next_value()?;
                let n = serde_json::Number::from_str(&text).map_err(de::Error::custom)?;
                return Ok(StrictValue(Value::Number(n)));
            }
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("{DUP_MARK}{key}")));
            }
            let StrictValue(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(StrictValue(Value::Object(out)))
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn strict_object(bytes: &[u8]) -> Result<Map<String, Value>, StrictError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = StrictValue::deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match parsed {
        Ok(StrictValue(Value::Object(m))) => Ok(m),
        Ok(StrictValue(other)) => Err(StrictError::NotObject(json_type(&other))),
        Err(e) => {
            let text = e.to_string();
            match text.find(DUP_MARK) {
                Some(i) => {
                    let rest = &text[i + DUP_MARK.len()..];
                    // serde_json appends " at line L column C" to custom errors.
                    let name = rest.rfind(" at line ").map_or(rest, |j| &rest[..j]);
                    Err(StrictError::Duplicate(name.to_string()))
                }
                None => Err(StrictError::Syntax(text)),
            }
        }
    }
}

/// Parses a JSON object, refusing repeated member names at any depth and nesting deeper than
/// serde_json's recursion limit. Used for the JWS header and payload.
pub fn parse_json_object_strict(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    strict_object(bytes).map_err(|e| match e {
        StrictError::Duplicate(name) => format!("duplicate member name {}", shown(&name)),
        StrictError::NotObject(t) => format!("expected a JSON object, found {t}"),
        StrictError::Syntax(s) => s,
    })
}

// ---------------------------------------------------------------------------------------------
// Compact JWS parsing

struct Parsed<'a> {
    /// `header.payload` as signed.
    signing_input: &'a str,
    signature_b64: &'a str,
    signature: Vec<u8>,
    header: Map<String, Value>,
    payload: Vec<u8>,
    alg: String,
    kid: Option<String>,
}

/// Go's base64 error text for a position.
fn b64_decode(part: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD.decode(part).map_err(|e| {
        let at = match e {
            base64::DecodeError::InvalidByte(i, _)
            | base64::DecodeError::InvalidLastSymbol(i, _) => i,
            base64::DecodeError::InvalidPadding => part.find('=').unwrap_or(part.len()),
            base64::DecodeError::InvalidLength(_) => part.len().saturating_sub(1),
        };
        format!("illegal base64 data at input byte {at}")
    })
}

/// A header member that go-jose decodes into a Go string: absent/null → None.
fn header_string(
    header: &Map<String, Value>,
    name: &str,
    what: &str,
) -> Result<Option<String>, String> {
    match header.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "failed to unmarshal {what}: json: cannot unmarshal {} into Go value of type string: {}",
            json_type(other),
            go_quote(&other.to_string())
        )),
    }
}

fn parse_compact(token: &str, source: KeySource) -> Result<Parsed<'_>, VerifyError> {
    let malformed = |detail: String| VerifyError::Malformed { source, detail };
    if token.starts_with('{') {
        return Err(VerifyError::JsonSerialization);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(
            "go-jose/go-jose: compact JWS format must have three parts".to_string(),
        ));
    };
    let header_bytes = b64_decode(h).map_err(malformed)?;
    let payload = b64_decode(p).map_err(malformed)?;
    let signature = b64_decode(s).map_err(malformed)?;

    // go-jose skips an empty protected header; the empty header then has no alg.
    let header = if header_bytes.is_empty() {
        Map::new()
    } else {
        match strict_object(&header_bytes) {
            Ok(m) => m,
            // Go decodes `null` into the header struct as a no-op.
            Err(StrictError::NotObject("null")) => Map::new(),
            Err(e) => {
                return Err(malformed(match e {
                    StrictError::Duplicate(name) => {
                        format!("json: duplicate key '{name}' in object")
                    }
                    StrictError::NotObject(t) => {
                        format!("json: cannot unmarshal {t} into Go value of type jose.rawHeader")
                    }
                    StrictError::Syntax(s) => format!("token header is not valid JSON: {s}"),
                }));
            }
        }
    };
    let alg = header_string(&header, "alg", "algorithm")
        .map_err(malformed)?
        .unwrap_or_default();
    let kid = header_string(&header, "kid", "key ID")
        .map_err(malformed)?
        .filter(|k| !k.is_empty());

    // go-oidc parses with the ten algorithms only.
    if source == KeySource::Jwks && Alg::parse(&alg).is_none() {
        return Err(VerifyError::UnsupportedAlg { source, alg });
    }
    // An embedded key is never used; like go-jose, refuse one that is not a public key.
    if let Some(jwk) = header.get("jwk").filter(|v| !v.is_null()) {
        let public = crate::keys::parse_jwk(jwk)
            .ok()
            .is_some_and(|k| k.key.is_some() && jwk.get("d").is_none_or(Value::is_null));
        if !public {
            return Err(malformed(
                "go-jose/go-jose: invalid embedded jwk, must be public key".to_string(),
            ));
        }
    }
    // OpenBao (go-jose) ignores a `b64` that is not a boolean and an empty `crit` list; only
    // `"b64": false` and a named critical extension make every key fail.
    if header.get("b64") == Some(&Value::Bool(false)) {
        return Err(VerifyError::UnencodedPayload { source });
    }
    match header.get("crit") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) if list.is_empty() => {}
        Some(crit) => {
            return Err(VerifyError::UnsupportedCrit {
                source,
                found: crit.to_string(),
            });
        }
    }
    Ok(Parsed {
        signing_input: &token[..h.len() + 1 + p.len()],
        signature_b64: s,
        signature,
        header,
        payload,
        alg,
        kid,
    })
}

// ---------------------------------------------------------------------------------------------
// Verification

fn check_signature(key: &PublicKey, alg: Alg, parsed: &Parsed<'_>) -> bool {
    let msg = parsed.signing_input.as_bytes();
    match (alg.jwt(), key) {
        (None, PublicKey::Ec { point, .. }) => {
            UnparsedPublicKey::new(&ECDSA_P521_SHA512_FIXED, point)
                .verify(msg, &parsed.signature)
                .is_ok()
        }
        (None, _) => false,
        (Some(j), key) => {
            let decoding = match key {
                PublicKey::Rsa { decoding, .. } | PublicKey::Ed25519 { decoding, .. } => decoding,
                PublicKey::Ec {
                    decoding: Some(decoding),
                    ..
                } => decoding,
                PublicKey::Ec { decoding: None, .. } => return false,
            };
            jsonwebtoken::crypto::verify(parsed.signature_b64, msg, decoding, j).unwrap_or(false)
        }
    }
}

fn small_rsa(key: &PublicKey) -> bool {
    matches!(key, PublicKey::Rsa { n, .. } if n.len() < 256)
}

fn verify_parsed(
    parsed: &Parsed<'_>,
    keys: KeySet<'_>,
    allowed: &[Alg],
) -> Result<(Alg, usize), VerifyError> {
    let source = keys.source();
    let Some(alg) = Alg::parse(&parsed.alg) else {
        return Err(VerifyError::UnsupportedAlg {
            source,
            alg: parsed.alg.clone(),
        });
    };
    let mut skipped = Vec::new();
    let mut tried = 0;
    let mut small = 0;
    let mut found = None;
    let mut attempt = |i: usize, key: &PublicKey, skipped: &mut Vec<Skip>| -> bool {
        if !key_fits(key, alg) {
            skipped.push(Skip::WrongType(key.describe()));
            return false;
        }
        tried += 1;
        if small_rsa(key) {
            small += 1;
        }
        if check_signature(key, alg, parsed) {
            found = Some(i);
            return true;
        }
        false
    };
    let total = match keys {
        KeySet::Static(list) => {
            for (i, key) in list.iter().enumerate() {
                if attempt(i, key, &mut skipped) {
                    break;
                }
            }
            list.len()
        }
        KeySet::Jwks(list) => {
            for (i, jwk) in list.iter().enumerate() {
                if parsed.kid.is_some() && jwk.kid != parsed.kid {
                    skipped.push(Skip::KidMismatch);
                    continue;
                }
                let key = match (&jwk.key, jwk.usable) {
                    (Some(key), true) => key,
                    _ => {
                        skipped.push(Skip::Unusable(
                            jwk.unusable_reason
                                .clone()
                                .unwrap_or_else(|| "JWK holds no public key".to_string()),
                        ));
                        continue;
                    }
                };
                if attempt(i, key, &mut skipped) {
                    break;
                }
            }
            list.len()
        }
    };
    let Some(index) = found else {
        return Err(VerifyError::NoKeyVerified {
            source,
            alg,
            kid: parsed.kid.clone(),
            total,
            tried,
            skipped,
            small_rsa: small,
        });
    };
    // Vault checks the allowed list only after a good signature (reference §4.8.2).
    let allowed: Vec<Alg> = if allowed.is_empty() {
        Alg::ALL.to_vec()
    } else {
        allowed.to_vec()
    };
    if !allowed.contains(&alg) {
        return Err(VerifyError::UnexpectedAlg { alg, allowed });
    }
    Ok((alg, index))
}

/// Verifies a compact JWS that carries a JWT: header and payload must be JSON objects without
/// repeated member names (checked, with the size and header checks, before any signature work).
/// `allowed` is `jwt_supported_algs` (empty = all ten). Claims are not validated here.
pub fn verify(token: &str, keys: KeySet<'_>, allowed: &[Alg]) -> Result<Verified, VerifyError> {
    let parsed = pre_checks(token, keys)?;
    let claims = strict_object(&parsed.payload).map_err(|e| match e {
        StrictError::Duplicate(name) => VerifyError::DuplicateClaim { name },
        StrictError::NotObject(t) => VerifyError::InvalidPayload {
            detail: format!("found {t}"),
        },
        StrictError::Syntax(s) => VerifyError::InvalidPayload { detail: s },
    })?;
    let (alg, key_index) = verify_parsed(&parsed, keys, allowed)?;
    Ok(Verified {
        alg,
        header: parsed.header,
        claims,
        key_index,
    })
}

/// As [`verify`] for a JWS whose payload is opaque bytes (no claims parsing).
pub fn verify_jws(
    token: &str,
    keys: KeySet<'_>,
    allowed: &[Alg],
) -> Result<VerifiedJws, VerifyError> {
    let parsed = pre_checks(token, keys)?;
    let (alg, key_index) = verify_parsed(&parsed, keys, allowed)?;
    Ok(VerifiedJws {
        alg,
        header: parsed.header,
        payload: parsed.payload,
        key_index,
    })
}

fn pre_checks<'t>(token: &'t str, keys: KeySet<'_>) -> Result<Parsed<'t>, VerifyError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(VerifyError::TooLarge { len: token.len() });
    }
    // Surrounding whitespace (a newline from a file) is dropped, as go-jose does; whitespace
    // inside the token is a base64 error.
    parse_compact(
        token.trim_matches(|c: char| c.is_ascii_whitespace()),
        keys.source(),
    )
}

// ---------------------------------------------------------------------------------------------
// Signing and key generation (the `jwt sign` helper and tests)

fn private_der(pem: &str) -> Result<Vec<u8>, String> {
    pem_decode(pem)
        .map(|b| b.der)
        .ok_or_else(|| "no PEM block found in the private key".to_string())
}

/// Signs `header_json.payload` as given (the header is not checked against `alg`; tests use
/// this to build hostile tokens). The key is a PKCS#8 `PRIVATE KEY` PEM.
pub fn sign_compact(
    alg: Alg,
    private_pkcs8_pem: &str,
    header_json: &[u8],
    payload: &[u8],
) -> Result<String, String> {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header_json),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = match alg.jwt() {
        None => {
            let der = private_der(private_pkcs8_pem)?;
            let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P521_SHA512_FIXED_SIGNING, &der)
                .map_err(|e| format!("not a P-521 PKCS#8 private key: {e}"))?;
            let sig = pair
                .sign(
                    &aws_lc_rs::rand::SystemRandom::new(),
                    signing_input.as_bytes(),
                )
                .map_err(|e| format!("signing failed: {e}"))?;
            URL_SAFE_NO_PAD.encode(sig.as_ref())
        }
        Some(j) => {
            let pem = private_pkcs8_pem.as_bytes();
            let key = match alg {
                Alg::ES256 | Alg::ES384 => jsonwebtoken::EncodingKey::from_ec_pem(pem),
                Alg::EdDSA => jsonwebtoken::EncodingKey::from_ed_pem(pem),
                _ => jsonwebtoken::EncodingKey::from_rsa_pem(pem),
            }
            .map_err(|e| format!("private key does not fit {alg}: {e}"))?;
            jsonwebtoken::crypto::sign(signing_input.as_bytes(), &key, j)
                .map_err(|e| format!("private key does not fit {alg}: {e}"))?
        }
    };
    Ok(format!("{signing_input}.{signature}"))
}

/// Signs `claims` as a JWT with header `{"alg":…,"kid":…,"typ":"JWT"}`.
pub fn sign(
    alg: Alg,
    private_pkcs8_pem: &str,
    kid: Option<&str>,
    claims: &Map<String, Value>,
) -> Result<String, String> {
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(alg.as_str().into()));
    if let Some(kid) = kid {
        header.insert("kid".into(), Value::String(kid.into()));
    }
    header.insert("typ".into(), Value::String("JWT".into()));
    let header = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
    let claims = serde_json::to_vec(claims).map_err(|e| e.to_string())?;
    sign_compact(alg, private_pkcs8_pem, &header, &claims)
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    let b = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b.as_bytes().chunks(64) {
        // Base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A fresh key pair for `alg` (RSA 2048 for RS*/PS*): (PKCS#8 private PEM, SPKI public PEM).
pub fn generate_key(alg: Alg) -> Result<(String, String), String> {
    let fail = |e: aws_lc_rs::error::Unspecified| format!("key generation failed: {e}");
    let (private, public) = match alg {
        Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => {
            let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                .map_err(fail)?;
            let private: aws_lc_rs::encoding::Pkcs8V1Der<'_> = pair.as_der().map_err(fail)?;
            let public = pair.public_key().as_der().map_err(fail)?;
            (private.as_ref().to_vec(), public.as_ref().to_vec())
        }
        Alg::ES256 | Alg::ES384 | Alg::ES512 => {
            let signing = match alg {
                Alg::ES256 => &ECDSA_P256_SHA256_FIXED_SIGNING,
                Alg::ES384 => &ECDSA_P384_SHA384_FIXED_SIGNING,
                _ => &ECDSA_P521_SHA512_FIXED_SIGNING,
            };
            let pair = EcdsaKeyPair::generate(signing).map_err(fail)?;
            let private = pair.to_pkcs8v1().map_err(fail)?;
            let public = pair.public_key().as_der().map_err(fail)?;
            (private.as_ref().to_vec(), public.as_ref().to_vec())
        }
        Alg::EdDSA => {
            let pair = Ed25519KeyPair::generate().map_err(fail)?;
            let private = pair.to_pkcs8v1().map_err(fail)?;
            let public = pair.public_key().as_der().map_err(fail)?;
            (private.as_ref().to_vec(), public.as_ref().to_vec())
        }
    };
    Ok((
        pem_encode("PRIVATE KEY", &private),
        pem_encode("PUBLIC KEY", &public),
    ))
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{parse_jwks, parse_pem};
    use serde_json::json;
    use std::sync::OnceLock;

    const STATIC_NO_KEY: &str = "error validating token: error verifying token signature: no known key successfully validated the token signature";
    const JWKS_NO_KEY: &str = "error validating token: error verifying token signature: failed to verify id token signature";
    const UNEXPECTED_ALG: &str = "error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm";
    const THREE_PARTS: &str = "go-jose/go-jose: compact JWS format must have three parts";

    /// One generated key pair per algorithm, shared by the tests (RSA generation is slow).
    fn pair(alg: Alg) -> &'static (String, String, PublicKey) {
        static PAIRS: OnceLock<Vec<(String, String, PublicKey)>> = OnceLock::new();
        let all = PAIRS.get_or_init(|| {
            Alg::ALL
                .iter()
                .map(|&a| {
                    let (private, public) = generate_key(a).expect("keygen");
                    let key = parse_pem(&public).expect("public key");
                    (private, public, key)
                })
                .collect()
        });
        &all[Alg::ALL.iter().position(|&a| a == alg).unwrap_or(0)]
    }

    /// A second RSA key, distinct from `pair(RS256)`.
    fn other_rsa() -> &'static (String, PublicKey) {
        static OTHER: OnceLock<(String, PublicKey)> = OnceLock::new();
        OTHER.get_or_init(|| {
            let (private, public) = generate_key(Alg::RS256).expect("keygen");
            (private, parse_pem(&public).expect("public"))
        })
    }

    fn claims() -> Map<String, Value> {
        let v = json!({"sub": "alice", "aud": ["a", "b"], "n": 1.50, "big": 123456789012345678901234567890u128});
        v.as_object().cloned().unwrap_or_default()
    }

    fn token(alg: Alg, header: &str, payload: &str) -> String {
        sign_compact(alg, &pair(alg).0, header.as_bytes(), payload.as_bytes()).expect("sign")
    }

    fn rs256(header: &str, payload: &str) -> String {
        token(Alg::RS256, header, payload)
    }

    fn static_rsa() -> Vec<PublicKey> {
        vec![pair(Alg::RS256).2.clone()]
    }

    fn jwk(kid: Option<&str>, key: &PublicKey) -> Jwk {
        Jwk {
            kid: kid.map(str::to_string),
            kty: "RSA".to_string(),
            alg: None,
            usable: true,
            unusable_reason: None,
            key: Some(key.clone()),
        }
    }

    fn err_text(r: Result<Verified, VerifyError>) -> String {
        match r {
            Ok(v) => format!("accepted with key {}", v.key_index),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_algorithm_round_trips_with_static_and_jwks_keys() {
        for alg in Alg::ALL {
            let (private, _, key) = pair(alg);
            let t = sign(alg, private, Some("k1"), &claims()).expect("sign");
            let keys = [key.clone()];
            let v = verify(&t, KeySet::Static(&keys), &[]).expect("static verify");
            assert_eq!((v.alg, v.key_index), (alg, 0), "{alg}");
            assert_eq!(v.claims, claims(), "{alg}");
            assert_eq!(v.header.get("kid"), Some(&json!("k1")));
            let jwks = [jwk(Some("k1"), key)];
            let v = verify(&t, KeySet::Jwks(&jwks), &[alg]).expect("jwks verify");
            assert_eq!(v.alg, alg);
            // Only the allowed list changes: the same token is refused after its signature.
            let others: Vec<Alg> = Alg::ALL.into_iter().filter(|a| *a != alg).collect();
            assert_eq!(
                err_text(verify(&t, KeySet::Static(&keys), &others)),
                UNEXPECTED_ALG
            );
        }
    }

    #[test]
    fn numbers_keep_their_literal_text() {
        let t = rs256(r#"{"alg":"RS256"}"#, r#"{"n":1.50,"e":1e3,"i":-0}"#);
        let v = verify(&t, KeySet::Static(&static_rsa()), &[]).expect("verify");
        // Same text as serde_json's own Value gives (arbitrary_precision keeps 1.50 and -0).
        let plain: Value = serde_json::from_str(r#"{"n":1.50,"e":1e3,"i":-0}"#).unwrap_or_default();
        assert_eq!(Value::Object(v.claims).to_string(), plain.to_string());
        assert!(plain.to_string().contains("1.50"));
    }

    #[test]
    fn wrong_key_tampering_and_key_order() {
        let good = rs256(r#"{"alg":"RS256"}"#, r#"{"sub":"a"}"#);
        let other = vec![other_rsa().1.clone()];
        assert_eq!(
            err_text(verify(&good, KeySet::Static(&other), &[])),
            STATIC_NO_KEY
        );
        let parts: Vec<&str> = good.split('.').collect();
        let forged_payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"b"}"#);
        let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert_eq!(
            err_text(verify(&tampered, KeySet::Static(&static_rsa()), &[])),
            STATIC_NO_KEY
        );
        let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap_or_default();
        sig[10] ^= 1;
        let flipped = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(&sig));
        assert_eq!(
            err_text(verify(&flipped, KeySet::Static(&static_rsa()), &[])),
            STATIC_NO_KEY
        );
        // Keys tried in order; type-mismatched keys skipped; first verifying key wins.
        let keys = vec![
            pair(Alg::ES256).2.clone(),
            other_rsa().1.clone(),
            pair(Alg::RS256).2.clone(),
            pair(Alg::RS256).2.clone(),
        ];
        let v = verify(&good, KeySet::Static(&keys), &[]).expect("verify");
        assert_eq!(v.key_index, 2);
        let e = verify(&good, KeySet::Static(&keys[..2]), &[]).err();
        let hint = e.as_ref().and_then(VerifyError::hint).unwrap_or_default();
        assert!(hint.contains("1 of 2 key(s) tried"), "{hint}");
        assert!(hint.contains("EC P-256 key cannot verify RS256"), "{hint}");
        assert!(e.is_some_and(|e| e.key_not_found()));
    }

    #[test]
    fn signature_is_checked_before_the_allowed_list() {
        let t = token(Alg::ES256, r#"{"alg":"ES256"}"#, r#"{"sub":"a"}"#);
        let keys = [pair(Alg::ES256).2.clone()];
        let e = verify(&t, KeySet::Static(&keys), &[Alg::RS256]).err();
        assert_eq!(
            e.as_ref().map(ToString::to_string).as_deref(),
            Some(UNEXPECTED_ALG)
        );
        assert!(e
            .as_ref()
            .and_then(VerifyError::hint)
            .is_some_and(|h| h.contains("ES256") && h.contains("RS256")));
        assert!(!e.is_some_and(|e| e.key_not_found()));
        let wrong = [pair(Alg::ES384).2.clone(), other_rsa().1.clone()];
        assert_eq!(
            err_text(verify(&t, KeySet::Static(&wrong), &[Alg::RS256])),
            STATIC_NO_KEY
        );
        // ES256 signature relabelled ES384: the P-256 key does not fit ES384.
        let relabelled = token(Alg::ES256, r#"{"alg":"ES384"}"#, r#"{"sub":"a"}"#);
        assert_eq!(
            err_text(verify(&relabelled, KeySet::Static(&keys), &[])),
            STATIC_NO_KEY
        );
    }

    #[test]
    fn kid_selection_follows_reference_6_3() {
        let a = &pair(Alg::RS256).2;
        let b = &other_rsa().1;
        let mut unusable = jwk(Some("A"), a);
        unusable.usable = false;
        unusable.unusable_reason = Some("JWK use is \"enc\", not \"sig\"".into());
        let jwks = vec![jwk(None, a), jwk(Some("B"), b), unusable, jwk(Some("A"), a)];
        let t = |kid: Option<&str>| {
            let header = match kid {
                Some(k) => json!({"alg":"RS256","kid":k}),
                None => json!({"alg":"RS256"}),
            };
            rs256(&header.to_string(), r#"{"sub":"a"}"#)
        };
        // (token kid, JWKS result, static result); results are key indexes or the error text.
        let cases: Vec<(Option<&str>, Result<usize, &str>)> = vec![
            (Some("A"), Ok(3)),            // only identical kid, unusable one skipped
            (Some("B"), Err(JWKS_NO_KEY)), // kid B's key is another key; keyless JWK not tried
            (Some("a"), Err(JWKS_NO_KEY)), // case-sensitive
            (Some("C"), Err(JWKS_NO_KEY)),
            (None, Ok(0)),     // no kid: every usable JWK
            (Some(""), Ok(0)), // empty kid = no kid
        ];
        for (kid, want) in cases {
            let got = verify(&t(kid), KeySet::Jwks(&jwks), &[]);
            match want {
                Ok(i) => assert_eq!(got.map(|v| v.key_index).ok(), Some(i), "{kid:?}"),
                Err(msg) => {
                    let e = got.err();
                    assert_eq!(
                        e.as_ref().map(ToString::to_string).as_deref(),
                        Some(msg),
                        "{kid:?}"
                    );
                    assert!(e.is_some_and(|e| e.key_not_found()));
                }
            }
            // Static keys ignore kid entirely.
            let keys = [b.clone(), a.clone()];
            assert_eq!(
                verify(&t(kid), KeySet::Static(&keys), &[])
                    .map(|v| v.key_index)
                    .ok(),
                Some(1)
            );
        }
        let e = verify(&t(Some("C")), KeySet::Jwks(&jwks), &[]).err();
        let hint = e.and_then(|e| e.hint()).unwrap_or_default();
        assert!(
            hint.contains("0 of 4 key(s) tried") && hint.contains("skipped 4: kid differs"),
            "{hint}"
        );
    }

    #[test]
    fn jwks_use_and_key_ops_are_honoured() {
        let key = &pair(Alg::ES256).2;
        let PublicKey::Ec { point, .. } = key else {
            panic!("not EC")
        };
        let t = token(Alg::ES256, r#"{"alg":"ES256","kid":"e"}"#, r#"{"sub":"a"}"#);
        let base = json!({"kty":"EC","crv":"P-256","kid":"e","x":URL_SAFE_NO_PAD.encode(&point[1..33]),"y":URL_SAFE_NO_PAD.encode(&point[33..])});
        for (extra, ok) in [
            (json!({}), true),
            (json!({"use":"sig"}), true),
            (json!({"key_ops":["verify","sign"]}), true),
            (json!({"use":"enc"}), false),
            (json!({"key_ops":["sign"]}), false),
            (json!({"key_ops":[]}), false),
        ] {
            let mut k = base.clone();
            if let (Some(k), Some(extra)) = (k.as_object_mut(), extra.as_object()) {
                k.extend(extra.clone());
            }
            let jwks = parse_jwks(json!({"keys":[k]}).to_string().as_bytes()).expect("jwks");
            assert_eq!(verify(&t, KeySet::Jwks(&jwks), &[]).is_ok(), ok, "{extra}");
        }
    }

    fn hmac_token(alg: &str, secret: &[u8]) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}"}}"#)),
            URL_SAFE_NO_PAD.encode(r#"{"sub":"admin"}"#)
        );
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
        let tag = aws_lc_rs::hmac::sign(&key, input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    #[test]
    fn none_and_hmac_are_refused() {
        let public_pem = &pair(Alg::RS256).1;
        let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"admin"}"#);
        let none = |alg: &str| {
            format!(
                "{}.{payload}.",
                URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}"}}"#))
            )
        };
        let jwks = [jwk(None, &pair(Alg::RS256).2)];
        let expected_list =
            r#"["RS256" "RS384" "RS512" "ES256" "ES384" "ES512" "PS256" "PS384" "PS512" "EdDSA"]"#;
        for (t, alg) in [
            (none("none"), "none"),
            (none("None"), "None"),
            (none("NONE"), "NONE"),
            (hmac_token("HS256", public_pem.as_bytes()), "HS256"),
            (hmac_token("rs256", public_pem.as_bytes()), "rs256"),
            (format!("{}.{payload}.", URL_SAFE_NO_PAD.encode("{}")), ""),
        ] {
            let e = verify(&t, KeySet::Static(&static_rsa()), &[]).err();
            assert_eq!(
                e.as_ref().map(ToString::to_string).as_deref(),
                Some(STATIC_NO_KEY),
                "{alg}"
            );
            assert!(!e.as_ref().is_some_and(VerifyError::key_not_found));
            assert!(e
                .and_then(|e| e.hint())
                .is_some_and(|h| h.contains("never accepted")));
            assert_eq!(
                err_text(verify(&t, KeySet::Jwks(&jwks), &[])),
                format!(
                    "error validating token: error verifying token signature: oidc: malformed jwt: unexpected signature algorithm \"{alg}\"; expected {expected_list}"
                )
            );
        }
    }

    #[test]
    fn embedded_keys_and_urls_are_never_followed() {
        // The attacker signs with their own key and embeds it: still only configured keys count.
        let (attacker_private, _) = other_rsa_private();
        let PublicKey::Rsa { n, e, .. } = &other_rsa().1 else {
            panic!("not RSA")
        };
        let header = json!({"alg":"RS256","jwk":{"kty":"RSA","n":URL_SAFE_NO_PAD.encode(n),"e":URL_SAFE_NO_PAD.encode(e)},
            "jku":"http://127.0.0.1:1/jwks","x5u":"http://127.0.0.1:1/x"}).to_string();
        let t = sign_compact(
            Alg::RS256,
            attacker_private,
            header.as_bytes(),
            br#"{"sub":"a"}"#,
        )
        .expect("sign");
        assert_eq!(
            err_text(verify(&t, KeySet::Static(&static_rsa()), &[])),
            STATIC_NO_KEY
        );
        let jwks = [jwk(None, &pair(Alg::RS256).2)];
        assert_eq!(err_text(verify(&t, KeySet::Jwks(&jwks), &[])), JWKS_NO_KEY);
        // go-jose refuses an embedded key that is not a public key.
        for bad in [
            json!({"kty":"oct","k":"AAAA"}),
            json!({"kty":"nope"}),
            json!("x"),
        ] {
            let h = json!({"alg":"RS256","jwk":bad}).to_string();
            assert_eq!(
                err_text(verify(&rs256(&h, "{}"), KeySet::Static(&static_rsa()), &[])),
                "error validating token: error verifying token signature: go-jose/go-jose: invalid embedded jwk, must be public key"
            );
        }
    }

    fn other_rsa_private() -> (&'static String, ()) {
        (&other_rsa().0, ())
    }

    #[test]
    fn hostile_kids_are_compared_not_used() {
        let jwks = [jwk(Some("k"), &pair(Alg::RS256).2)];
        let long = "A".repeat(10 * 1024);
        for kid in [
            "../../../../etc/passwd",
            long.as_str(),
            "k\u{0}",
            "k\u{0}../x",
        ] {
            let h = json!({"alg":"RS256","kid":kid}).to_string();
            let e = verify(&rs256(&h, "{}"), KeySet::Jwks(&jwks), &[]).err();
            assert_eq!(
                e.as_ref().map(ToString::to_string).as_deref(),
                Some(JWKS_NO_KEY)
            );
            let hint = e.and_then(|e| e.hint()).unwrap_or_default();
            assert!(hint.len() < 400 && !hint.contains('\u{0}'), "{hint}");
        }
        // A kid that is not a string is a go-jose parse error.
        let h = r#"{"alg":"RS256","kid":5}"#;
        assert_eq!(
            err_text(verify(&rs256(h, "{}"), KeySet::Static(&static_rsa()), &[])),
            "error validating token: error verifying token signature: failed to unmarshal key ID: json: cannot unmarshal number into Go value of type string: \"5\""
        );
        let h = r#"{"alg":1}"#;
        assert_eq!(
            err_text(verify(&rs256(h, "{}"), KeySet::Static(&static_rsa()), &[])),
            "error validating token: error verifying token signature: failed to unmarshal algorithm: json: cannot unmarshal number into Go value of type string: \"1\""
        );
    }

    #[test]
    fn crit_and_b64_are_refused_even_when_signed() {
        let keys = static_rsa();
        // OpenBao 2.7 refuses these with its "no key verified" text; the hint says why.
        let cases = [
            (
                r#"{"alg":"RS256","crit":["exp"],"exp":1}"#,
                "\"crit\" names critical extensions \"[\\\"exp\\\"]\"",
            ),
            (
                r#"{"alg":"RS256","b64":false,"crit":["b64"]}"#,
                "\"b64\": false",
            ),
            (r#"{"alg":"RS256","b64":false}"#, "\"b64\": false"),
        ];
        for (h, want) in cases {
            let e = verify(&rs256(h, r#"{"sub":"a"}"#), KeySet::Static(&keys), &[])
                .expect_err("refused");
            assert_eq!(
                e.to_string(),
                "error validating token: error verifying token signature: no known key successfully validated the token signature",
                "{h}"
            );
            let hint = e.hint().unwrap_or_default();
            assert!(hint.contains(want), "{h}: {hint}");
        }
        // OpenBao accepts an empty crit list and a b64 that is not a boolean.
        for h in [
            r#"{"alg":"RS256","crit":[]}"#,
            r#"{"alg":"RS256","b64":"no"}"#,
        ] {
            assert!(
                verify(&rs256(h, "{}"), KeySet::Static(&keys), &[]).is_ok(),
                "{h}"
            );
        }
        assert!(verify(
            &rs256(r#"{"alg":"RS256","b64":true}"#, "{}"),
            KeySet::Static(&keys),
            &[]
        )
        .is_ok());
    }

    fn p256_n() -> Vec<u8> {
        let hex = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
        (0..hex.len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
            .collect()
    }

    fn int32(v: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; 32 - v.len()];
        out.extend_from_slice(v);
        out
    }

    #[test]
    fn ecdsa_degenerate_signatures_are_refused() {
        let n = p256_n();
        let mut n_minus_1 = n.clone();
        n_minus_1[31] -= 1;
        let values = [int32(&[0]), int32(&[1]), n_minus_1, n];
        let keys = [pair(Alg::ES256).2.clone()];
        let good = token(Alg::ES256, r#"{"alg":"ES256"}"#, "{}");
        let input = good.rsplit_once('.').map(|(i, _)| i).unwrap_or_default();
        for r in &values {
            for s in &values {
                let sig = [r.as_slice(), s.as_slice()].concat();
                let t = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&sig));
                assert_eq!(
                    err_text(verify(&t, KeySet::Static(&keys), &[])),
                    STATIC_NO_KEY
                );
            }
        }
        // ES512 goes through aws-lc-rs directly: zero and wrong-length signatures fail too.
        let keys512 = [pair(Alg::ES512).2.clone()];
        let good = token(Alg::ES512, r#"{"alg":"ES512"}"#, "{}");
        let input = good.rsplit_once('.').map(|(i, _)| i).unwrap_or_default();
        for sig in [vec![0u8; 132], vec![1u8; 131], Vec::new()] {
            let t = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&sig));
            assert_eq!(
                err_text(verify(&t, KeySet::Static(&keys512), &[])),
                STATIC_NO_KEY
            );
        }
    }

    #[test]
    fn duplicate_member_names_are_refused_before_signature_work() {
        let keys = static_rsa();
        // Signed correctly, so only the duplicate check can refuse them.
        let dup_claim = rs256(r#"{"alg":"RS256"}"#, r#"{"sub":"a","sub":"admin"}"#);
        assert_eq!(
            err_text(verify(&dup_claim, KeySet::Static(&keys), &[])),
            "error validating token: token payload repeats the member name \"sub\"; jwtvault refuses duplicate names (Vault would keep the last)"
        );
        let nested = rs256(r#"{"alg":"RS256"}"#, r#"{"x":[{"a":1,"b":{"c":1,"c":2}}]}"#);
        assert!(
            matches!(verify(&nested, KeySet::Static(&keys), &[]), Err(VerifyError::DuplicateClaim { name }) if name == "c")
        );
        let dup_header = rs256(r#"{"alg":"RS256","alg":"RS256"}"#, "{}");
        assert_eq!(
            err_text(verify(&dup_header, KeySet::Static(&keys), &[])),
            "error validating token: error verifying token signature: json: duplicate key 'alg' in object"
        );
        // Boundary partner: the same names at different levels are fine.
        let ok = rs256(r#"{"alg":"RS256"}"#, r#"{"sub":"a","x":{"sub":"b"}}"#);
        assert!(verify(&ok, KeySet::Static(&keys), &[]).is_ok());
        // Payload that is no JSON object.
        for (p, want) in [
            ("[1]", "found array"),
            ("foo", "expected ident"),
            ("", "EOF"),
            ("{} x", "trailing"),
        ] {
            let e = err_text(verify(
                &rs256(r#"{"alg":"RS256"}"#, p),
                KeySet::Static(&keys),
                &[],
            ));
            assert!(
                e.starts_with("error validating token: token payload is not a JSON object")
                    && e.contains(want),
                "{p}: {e}"
            );
        }
    }

    #[test]
    fn size_limit_and_deep_nesting_are_bounded() {
        let keys = static_rsa();
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#);
        let padded = |len: usize| {
            let mut t = format!("{header}.e30.");
            while t.len() < len {
                t.push('A');
            }
            t
        };
        // Boundary pair: exactly 64 KiB is parsed (and fails on the signature), one more is not.
        assert_eq!(
            err_text(verify(&padded(MAX_TOKEN_BYTES), KeySet::Static(&keys), &[])),
            STATIC_NO_KEY
        );
        assert_eq!(
            err_text(verify(
                &padded(MAX_TOKEN_BYTES + 1),
                KeySet::Static(&keys),
                &[]
            )),
            "error validating token: token is 65537 bytes, over jwtvault's limit of 65536 bytes (64 KiB); refused before any signature check"
        );
        let start = std::time::Instant::now();
        assert!(
            matches!(verify(&padded(1 << 20), KeySet::Static(&keys), &[]), Err(VerifyError::TooLarge { len }) if len == 1 << 20)
        );
        let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        let deep_payload = format!(r#"{{"a":{deep}}}"#);
        let t = format!("{header}.{}.AAAA", URL_SAFE_NO_PAD.encode(&deep_payload));
        assert!(
            matches!(verify(&t, KeySet::Static(&keys), &[]), Err(VerifyError::InvalidPayload { detail }) if detail.contains("recursion limit"))
        );
        let t = format!("{}.e30.AAAA", URL_SAFE_NO_PAD.encode(&deep));
        assert!(err_text(verify(&t, KeySet::Static(&keys), &[])).contains("recursion limit"));
        let huge = "[".repeat(100_000);
        assert!(parse_json_object_strict(huge.as_bytes()).is_err());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn malformed_compact_forms() {
        let keys = static_rsa();
        let good = rs256(r#"{"alg":"RS256"}"#, "{}");
        let (h, rest) = good.split_once('.').unwrap_or_default();
        let (p, s) = rest.split_once('.').unwrap_or_default();
        let sig_prefix = "error validating token: error verifying token signature: ";
        let cases: Vec<(String, String)> = vec![
            (String::new(), THREE_PARTS.into()),
            ("abc".into(), THREE_PARTS.into()),
            (format!("{h}.{p}"), THREE_PARTS.into()),
            (format!("{h}.{p}.{s}."), THREE_PARTS.into()),
            (format!("{h}.{p}.{s}.{s}"), THREE_PARTS.into()),
            (
                "!!.e30.AAAA".into(),
                "illegal base64 data at input byte 0".into(),
            ),
            (
                format!("{h}.{p}.{s}="),
                format!("illegal base64 data at input byte {}", s.len()),
            ),
            (
                format!("{h}=.{p}.{s}"),
                format!("illegal base64 data at input byte {}", h.len()),
            ),
            (
                format!("{h}.{p}.{} {}", &s[..4], &s[4..]),
                "illegal base64 data at input byte 4".into(),
            ),
            (
                format!("{h}.{p}+.{s}"),
                format!("illegal base64 data at input byte {}", p.len()),
            ),
            (
                format!("{h}.e.{s}"),
                "illegal base64 data at input byte 0".into(),
            ),
            (
                "WzFd.e30.AAAA".into(),
                "json: cannot unmarshal array into Go value of type jose.rawHeader".into(),
            ),
            (
                "Im5vIg.e30.AAAA".into(),
                "json: cannot unmarshal string into Go value of type jose.rawHeader".into(),
            ),
        ];
        for (t, detail) in cases {
            assert_eq!(
                err_text(verify(&t, KeySet::Static(&keys), &[])),
                format!("{sig_prefix}{detail}"),
                "{t}"
            );
            let jwks = [jwk(None, &pair(Alg::RS256).2)];
            assert_eq!(
                err_text(verify(&t, KeySet::Jwks(&jwks), &[])),
                format!("{sig_prefix}oidc: malformed jwt: {detail}"),
                "{t}"
            );
        }
        assert!(
            err_text(verify("bm90anNvbg.e30.AAAA", KeySet::Static(&keys), &[]))
                .contains("token header is not valid JSON")
        );
        assert!(matches!(
            verify(
                r#"{"payload":"e30","signatures":[]}"#,
                KeySet::Static(&keys),
                &[]
            ),
            Err(VerifyError::JsonSerialization)
        ));
        // Surrounding whitespace is dropped (a newline from a file); boundary partner of the
        // whitespace-inside case above.
        assert!(verify(&format!(" {good}\n"), KeySet::Static(&keys), &[]).is_ok());
        // Non-canonical trailing bits are refused (Go would accept them).
        let last = s.chars().last().unwrap_or('A');
        let bumped = match last {
            'A' => 'B',
            _ => 'A',
        };
        let noncanon = format!("{h}.{p}.{}{bumped}", &s[..s.len() - 1]);
        assert!(verify(&noncanon, KeySet::Static(&keys), &[]).is_err());
    }

    #[test]
    fn errors_never_show_the_signature() {
        let t = rs256(r#"{"alg":"RS256","kid":"x"}"#, "{}");
        let sig = t.rsplit('.').next().unwrap_or_default().to_string();
        let other = vec![other_rsa().1.clone()];
        let jwks = [jwk(Some("y"), &other[0])];
        for r in [
            verify(&t, KeySet::Static(&other), &[]),
            verify(&t, KeySet::Jwks(&jwks), &[]),
            verify(&t, KeySet::Static(&static_rsa()), &[Alg::PS256]),
        ] {
            let e = r.err().unwrap_or(VerifyError::JsonSerialization);
            let all = format!("{e} {} {e:?}", e.hint().unwrap_or_default());
            assert!(!all.contains(&sig[..20]), "{all}");
        }
    }

    #[test]
    fn alg_names_are_case_sensitive() {
        for (s, want) in [
            ("RS256", Ok(Alg::RS256)),
            ("EdDSA", Ok(Alg::EdDSA)),
            ("ES512", Ok(Alg::ES512)),
        ] {
            assert_eq!(s.parse::<Alg>(), want);
        }
        for s in ["rs256", "EDDSA", "HS256", "none", "ES256K", ""] {
            assert_eq!(
                s.parse::<Alg>(),
                Err(format!("unsupported signing algorithm \"{s}\""))
            );
        }
        assert!(Alg::ALL.iter().all(|a| Alg::parse(a.as_str()) == Some(*a)));
    }

    #[test]
    fn strict_json_table() {
        let cases: [(&str, Result<&str, &str>); 10] = [
            (r#"{"a":1,"b":2}"#, Ok(r#"{"a":1,"b":2}"#)),
            (r#"{"a":1,"a":2}"#, Err("duplicate member name \"a\"")),
            (
                r#"{"a":{"b":1},"c":{"b":1}}"#,
                Ok(r#"{"a":{"b":1},"c":{"b":1}}"#),
            ),
            (
                r#"{"a":[{"x":1,"x":1}]}"#,
                Err("duplicate member name \"x\""),
            ),
            (r#"{"a":1.0e+2}"#, Ok(r#"{"a":1.0e+2}"#)),
            (
                r#"{"a at line 1":1,"a at line 1":2}"#,
                Err("duplicate member name \"a at line 1\""),
            ),
            ("[]", Err("expected a JSON object, found array")),
            ("null", Err("expected a JSON object, found null")),
            ("{", Err("EOF")),
            ("{}{}", Err("trailing")),
        ];
        for (input, want) in cases {
            let got =
                parse_json_object_strict(input.as_bytes()).map(|m| Value::Object(m).to_string());
            match want {
                Ok(text) => assert_eq!(got.as_deref(), Ok(text), "{input}"),
                Err(sub) => assert!(
                    got.as_ref().err().is_some_and(|e| e.contains(sub)),
                    "{input}: {got:?}"
                ),
            }
        }
        let depth = |d: usize| format!("{{\"a\":{}{}}}", "[".repeat(d), "]".repeat(d));
        assert!(parse_json_object_strict(depth(100).as_bytes()).is_ok());
        assert!(parse_json_object_strict(depth(200).as_bytes()).is_err());
    }

    // -----------------------------------------------------------------------------------------
    // Wycheproof JWS vectors (tests/data/README.md says where they come from).

    /// Vectors where jwtvault deliberately disagrees with Wycheproof's verdict.
    fn wycheproof_divergences() -> BTreeMap<u64, &'static str> {
        let hmac = "valid HS256 MAC: jwtvault never accepts HMAC algorithms (reference §4.7)";
        let mut m = BTreeMap::new();
        for id in [1, 348, 352, 357, 358, 359, 372, 373, 376, 377] {
            m.insert(id, hmac);
        }
        for id in [346, 350] {
            m.insert(
                id,
                "RFC 7520 figure 20: the JWK says alg PS256 but the token is PS384; the test pins \
                 the JWK's alg as the allowed list, so the token is refused after its signature",
            );
        }
        m
    }

    #[test]
    fn wycheproof_json_web_signature_vectors() {
        let dir = std::env::var_os("JWTVAULT_TESTDATA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"));
        let path = dir.join("wycheproof/json_web_signature_test.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (committed under tests/data; JWTVAULT_TESTDATA overrides)",
                path.display()
            )
        });
        let doc: Value = serde_json::from_str(&text).expect("wycheproof json");
        let divergences = wycheproof_divergences();
        let (mut agree, mut diverge, mut total) = (0, 0, 0);
        let mut failures = Vec::new();
        for group in doc["testGroups"].as_array().into_iter().flatten() {
            let key = if group["public"].is_object() {
                &group["public"]
            } else {
                &group["private"]
            };
            let jwks = parse_jwks(json!({"keys":[key]}).to_string().as_bytes()).unwrap_or_default();
            // The algorithm is pinned per key: the JWK's alg, when it names one of the ten.
            let allowed: Vec<Alg> = key["alg"]
                .as_str()
                .and_then(Alg::parse)
                .into_iter()
                .collect();
            for t in group["tests"].as_array().into_iter().flatten() {
                total += 1;
                let id = t["tcId"].as_u64().unwrap_or_default();
                let jws = t["jws"].as_str().unwrap_or_default();
                let accepted = verify_jws(jws, KeySet::Jwks(&jwks), &allowed).is_ok();
                let expected = t["result"] == "valid";
                match (accepted == expected, divergences.get(&id)) {
                    (true, None) => agree += 1,
                    (false, Some(_)) => diverge += 1,
                    (true, Some(_)) => {
                        failures.push(format!("tc {id}: listed as divergence but agrees"))
                    }
                    (false, None) => failures.push(format!(
                        "tc {id} ({}): expected {}, jwtvault {}",
                        t["comment"],
                        t["result"],
                        if accepted { "accepted" } else { "refused" }
                    )),
                }
            }
        }
        eprintln!("wycheproof: {total} vectors, {agree} agree, {diverge} listed divergences");
        assert!(failures.is_empty(), "{failures:#?}");
        assert_eq!(total, 401);
        assert_eq!(diverge, divergences.len());
    }
}
