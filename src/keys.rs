//! Public-key material for JWT signature checks: PEM blocks from `jwt_validation_pubkeys`
//! (PKIX `PUBLIC KEY` or an X.509 certificate's key) and JWKS documents.
//!
//! Owns: turning text into [`PublicKey`] values (precomputed once, ready for
//! `jsonwebtoken`/`aws-lc-rs`), with Vault's error texts (reference §2.3 step 9, §6.1, §6.2).
//! Must not: verify signatures, read files, touch the network or look at a clock.
//! Certificates are only unpacked for their key; validity and chains are never checked.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use jsonwebtoken::DecodingKey;
use serde_json::Value;

/// The NIST curves jwtvault verifies with (ES256, ES384, ES512).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    /// JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// Byte length of one affine coordinate.
    pub fn coord_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    fn from_jwk_name(name: &str) -> Option<Curve> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }

    fn verification_alg(self) -> &'static aws_lc_rs::signature::EcdsaVerificationAlgorithm {
        match self {
            Curve::P256 => &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
            Curve::P384 => &aws_lc_rs::signature::ECDSA_P384_SHA384_FIXED,
            Curve::P521 => &aws_lc_rs::signature::ECDSA_P521_SHA512_FIXED,
        }
    }
}

/// A verification key. The `decoding` members are built once at parse time so that a
/// login that tries several keys does no repeated key preparation.
#[derive(Clone, Debug)]
pub enum PublicKey {
    /// RSA modulus and exponent, big-endian without leading zeros.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
        decoding: DecodingKey,
    },
    /// `point` is the uncompressed SEC1 point `04 || x || y`, already checked to be on `curve`.
    /// `decoding` is `None` for P-521: jsonwebtoken has no ES512, aws-lc-rs is used directly.
    Ec {
        curve: Curve,
        point: Vec<u8>,
        decoding: Option<DecodingKey>,
    },
    /// The 32-byte Ed25519 public key.
    Ed25519 { x: Vec<u8>, decoding: DecodingKey },
}

impl PartialEq for PublicKey {
    // Compares key material only (the decoding keys are derived from it).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (PublicKey::Rsa { n: n1, e: e1, .. }, PublicKey::Rsa { n: n2, e: e2, .. }) => {
                n1 == n2 && e1 == e2
            }
            (
                PublicKey::Ec {
                    curve: c1,
                    point: p1,
                    ..
                },
                PublicKey::Ec {
                    curve: c2,
                    point: p2,
                    ..
                },
            ) => c1 == c2 && p1 == p2,
            (PublicKey::Ed25519 { x: x1, .. }, PublicKey::Ed25519 { x: x2, .. }) => x1 == x2,
            _ => false,
        }
    }
}

impl PublicKey {
    /// Builds an RSA key from big-endian components (leading zero bytes are dropped).
    pub fn rsa(n: &[u8], e: &[u8]) -> Result<PublicKey, String> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        if n.is_empty() || e.is_empty() {
            return Err("RSA modulus or exponent is zero".to_string());
        }
        Ok(PublicKey::Rsa {
            decoding: DecodingKey::from_rsa_raw_components(n, e),
            n: n.to_vec(),
            e: e.to_vec(),
        })
    }

    /// Builds an EC key from an uncompressed point, refusing points not on the curve.
    pub fn ec(curve: Curve, point: &[u8]) -> Result<PublicKey, String> {
        if point.len() != 1 + 2 * curve.coord_len() || point.first() != Some(&4) {
            return Err(format!(
                "{} point is not an uncompressed point of {} bytes",
                curve.name(),
                1 + 2 * curve.coord_len()
            ));
        }
        aws_lc_rs::signature::ParsedPublicKey::new(curve.verification_alg(), point)
            .map_err(|_| format!("point is not on curve {}", curve.name()))?;
        let decoding = match curve {
            Curve::P521 => None,
            _ => Some(DecodingKey::from_ec_der(point)),
        };
        Ok(PublicKey::Ec {
            curve,
            point: point.to_vec(),
            decoding,
        })
    }

    /// Builds an Ed25519 key from its 32 raw bytes.
    pub fn ed25519(x: &[u8]) -> Result<PublicKey, String> {
        if x.len() != 32 {
            return Err(format!(
                "Ed25519 public key is {} bytes, expected 32",
                x.len()
            ));
        }
        Ok(PublicKey::Ed25519 {
            x: x.to_vec(),
            decoding: DecodingKey::from_ed_der(x),
        })
    }

    /// Short description for hints, e.g. `RSA 2048-bit`, `EC P-256`, `Ed25519`.
    pub fn describe(&self) -> String {
        match self {
            PublicKey::Rsa { n, .. } => format!("RSA {}-bit", bit_len(n)),
            PublicKey::Ec { curve, .. } => format!("EC {}", curve.name()),
            PublicKey::Ed25519 { .. } => "Ed25519".to_string(),
        }
    }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}

fn bit_len(n: &[u8]) -> usize {
    let n = strip_leading_zeros(n);
    match n.first() {
        Some(&top) => (n.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
        None => 0,
    }
}

// ---------------------------------------------------------------------------------------------
// PEM (mirrors Go's encoding/pem.Decode closely enough for Vault's messages)

const NO_VALID_KEYS: &str = "data does not contain any valid public keys";
const TRAILING_DATA: &str = "unexpected trailing data after parsed PEM block";

/// Go's StdEncoding accepts non-zero trailing bits; so do we, to accept what Vault accepts.
const PEM_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// One decoded PEM block: its DER bytes and the text after its END line. The label is not
/// kept: Vault's parser ignores it.
pub(crate) struct PemBlock<'a> {
    pub der: Vec<u8>,
    pub rest: &'a str,
}

/// Finds the first well-formed PEM block, skipping text (and broken blocks) before it, as
/// Go's `pem.Decode` does. `None` when there is none.
pub(crate) fn pem_decode(data: &str) -> Option<PemBlock<'_>> {
    const BEGIN: &str = "-----BEGIN ";
    let mut search_from = 0;
    while let Some(off) = data[search_from..].find(BEGIN) {
        let start = search_from + off;
        search_from = start + BEGIN.len();
        if start != 0 && !data[..start].ends_with('\n') {
            continue;
        }
        if let Some(block) = pem_block_at(&data[start + BEGIN.len()..]) {
            return Some(block);
        }
    }
    None
}

fn pem_block_at(after_begin: &str) -> Option<PemBlock<'_>> {
    let (type_line, mut rest) = split_line(after_begin);
    let label = type_line
        .trim_end_matches([' ', '\t', '\r'])
        .strip_suffix("-----")?;
    let end_marker = format!("-----END {label}-----");
    let mut b64 = String::new();
    let mut in_headers = true;
    loop {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = split_line(rest);
        let trimmed = line.trim_end_matches([' ', '\t', '\r']);
        if trimmed == end_marker {
            let der = PEM_B64.decode(b64.as_bytes()).ok()?;
            return Some(PemBlock { der, rest: next });
        }
        if in_headers && trimmed.contains(':') {
            // RFC 1421 headers (e.g. Proc-Type) end at a blank line; Go accepts and ignores them.
        } else {
            in_headers = false;
            b64.extend(trimmed.chars().filter(|c| !c.is_ascii_whitespace()));
        }
        rest = next;
    }
}

fn split_line(s: &str) -> (&str, &str) {
    match s.find('\n') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

/// Parses one `jwt_validation_pubkeys` element exactly as Vault's SDK does: one PEM block of
/// any label whose DER is a PKIX public key or, failing that, an X.509 certificate.
/// Errors are Vault's texts; the caller prefixes `error parsing public key: `.
pub fn parse_pem(pem: &str) -> Result<PublicKey, String> {
    let block = pem_decode(pem).ok_or_else(|| NO_VALID_KEYS.to_string())?;
    if !block.rest.trim().is_empty() {
        return Err(TRAILING_DATA.to_string());
    }
    parse_der_public_key(&block.der)
}

/// PKIX first, then certificate (Go: `x509.ParsePKIXPublicKey`, then `x509.ParseCertificate`,
/// returning the certificate parser's error when both fail).
pub(crate) fn parse_der_public_key(der: &[u8]) -> Result<PublicKey, String> {
    match parse_spki(der) {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(NO_VALID_KEYS.to_string()),
        Err(()) => {
            let spki = certificate_spki(der)?;
            match parse_spki(spki) {
                Ok(Some(key)) => Ok(key),
                _ => Err(NO_VALID_KEYS.to_string()),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Minimal DER reader: definite lengths, single-byte tags; enough for SPKI and certificates.

const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_NULL: u8 = 0x05;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;
const TAG_VERSION: u8 = 0xa0;

struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    /// Reads one element; returns (tag, contents, whole element).
    fn read_any(&mut self) -> Option<(u8, &'a [u8], &'a [u8])> {
        let data = self.0;
        let tag = *data.first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let first_len = *data.get(1)?;
        let (len, header) = if first_len < 0x80 {
            (first_len as usize, 2)
        } else {
            let count = (first_len & 0x7f) as usize;
            if count == 0 || count > 4 {
                return None;
            }
            let bytes = data.get(2..2 + count)?;
            if bytes[0] == 0 {
                return None;
            }
            let len = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize);
            if len < 0x80 {
                return None;
            }
            (len, 2 + count)
        };
        let end = header.checked_add(len)?;
        let whole = data.get(..end)?;
        self.0 = &data[end..];
        Some((tag, &whole[header..], whole))
    }

    fn read(&mut self, tag: u8) -> Option<&'a [u8]> {
        let mut probe = Der(self.0);
        let (t, contents, _) = probe.read_any()?;
        if t != tag {
            return None;
        }
        self.0 = probe.0;
        Some(contents)
    }

    fn peek_tag(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

// DER-encoded OID contents.
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_X25519: &[u8] = &[0x2b, 0x65, 0x6e];
const OID_DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];

/// `Ok(Some(key))` for a supported key, `Ok(None)` for a well-formed SPKI of a type Go parses
/// but Vault refuses (DSA, X25519), `Err(())` where Go's PKIX parser fails.
fn parse_spki(der: &[u8]) -> Result<Option<PublicKey>, ()> {
    let mut outer = Der(der);
    let spki = outer.read(TAG_SEQUENCE).ok_or(())?;
    if !outer.is_empty() {
        return Err(());
    }
    let mut spki = Der(spki);
    let alg_id = spki.read(TAG_SEQUENCE).ok_or(())?;
    let bits = spki.read(TAG_BIT_STRING).ok_or(())?;
    if !spki.is_empty() {
        return Err(());
    }
    let (&unused, key_bytes) = bits.split_first().ok_or(())?;
    if unused != 0 {
        return Err(());
    }
    let mut alg_id = Der(alg_id);
    let oid = alg_id.read(TAG_OID).ok_or(())?;
    match oid {
        OID_RSA => {
            // Go insists on NULL parameters for rsaEncryption.
            if alg_id.read(TAG_NULL) != Some(&[]) || !alg_id.is_empty() {
                return Err(());
            }
            let mut rsa = Der(key_bytes);
            let seq = rsa.read(TAG_SEQUENCE).ok_or(())?;
            if !rsa.is_empty() {
                return Err(());
            }
            let mut seq = Der(seq);
            let n = positive_integer(seq.read(TAG_INTEGER).ok_or(())?)?;
            let e = positive_integer(seq.read(TAG_INTEGER).ok_or(())?)?;
            // Go stores the exponent in an int.
            if !seq.is_empty() || e.len() > 4 {
                return Err(());
            }
            PublicKey::rsa(n, e).map(Some).map_err(|_| ())
        }
        OID_EC => {
            let curve = match alg_id.read(TAG_OID).ok_or(())? {
                OID_P256 => Curve::P256,
                OID_P384 => Curve::P384,
                OID_P521 => Curve::P521,
                _ => return Err(()),
            };
            PublicKey::ec(curve, key_bytes).map(Some).map_err(|_| ())
        }
        OID_ED25519 => {
            if !alg_id.is_empty() {
                return Err(());
            }
            PublicKey::ed25519(key_bytes).map(Some).map_err(|_| ())
        }
        OID_X25519 | OID_DSA => Ok(None),
        _ => Err(()),
    }
}

fn positive_integer(contents: &[u8]) -> Result<&[u8], ()> {
    match contents.first() {
        None => Err(()),
        Some(b) if b & 0x80 != 0 => Err(()),
        Some(_) => {
            let v = strip_leading_zeros(contents);
            if v.is_empty() {
                Err(())
            } else {
                Ok(v)
            }
        }
    }
}

/// Walks an X.509 certificate to its SubjectPublicKeyInfo, failing with the message Go's
/// `x509.ParseCertificate` gives for the first field that does not fit.
fn certificate_spki(der: &[u8]) -> Result<&[u8], String> {
    let malformed = |what: &str| format!("x509: malformed {what}");
    let mut outer = Der(der);
    let cert = outer
        .read(TAG_SEQUENCE)
        .ok_or_else(|| malformed("certificate"))?;
    let mut cert = Der(cert);
    let tbs = cert
        .read(TAG_SEQUENCE)
        .ok_or_else(|| malformed("tbs certificate"))?;
    let mut tbs = Der(tbs);
    if tbs.peek_tag() == Some(TAG_VERSION) {
        tbs.read(TAG_VERSION).ok_or_else(|| malformed("version"))?;
    }
    tbs.read(TAG_INTEGER)
        .ok_or_else(|| malformed("serial number"))?;
    tbs.read(TAG_SEQUENCE)
        .ok_or_else(|| malformed("signature algorithm identifier"))?;
    tbs.read(TAG_SEQUENCE).ok_or_else(|| malformed("issuer"))?;
    tbs.read(TAG_SEQUENCE)
        .ok_or_else(|| malformed("validity"))?;
    tbs.read(TAG_SEQUENCE).ok_or_else(|| malformed("subject"))?;
    let mut probe = Der(tbs.0);
    match probe.read_any() {
        Some((TAG_SEQUENCE, _, whole)) => Ok(whole),
        _ => Err(malformed("spki")),
    }
}

// ---------------------------------------------------------------------------------------------
// JWK / JWKS

/// One JWK from a JWKS document. Only `usable` keys with a `key` ever verify anything.
#[derive(Clone, Debug)]
pub struct Jwk {
    pub kid: Option<String>,
    pub kty: String,
    pub alg: Option<String>,
    /// false for `oct`, private keys (`d`), `use` other than `sig`, `key_ops` without `verify`.
    pub usable: bool,
    /// Why the key is unusable, for hints (`None` when usable).
    pub unusable_reason: Option<String>,
    pub key: Option<PublicKey>,
}

/// go-jose accepts base64url with or without padding in JWK members.
const JWK_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Parses a JWKS document with go-jose's strictness: one JWK with a missing or unknown `kty`,
/// an unsupported curve, bad key material or an `x5c` whose leaf key differs from the JWK's key
/// fails the whole document. `{"keys":[]}` (or no `keys` member) is an empty, valid set.
pub fn parse_jwks(doc: &[u8]) -> Result<Vec<Jwk>, String> {
    let value: Value = serde_json::from_slice(doc).map_err(|e| e.to_string())?;
    let obj = value.as_object().ok_or_else(|| {
        "json: cannot unmarshal non-object into Go value of type jose.JSONWebKeySet".to_string()
    })?;
    let keys = match obj.get("keys") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(keys)) => keys,
        Some(_) => {
            return Err(
                "json: cannot unmarshal keys into Go struct field JSONWebKeySet.keys of type []jose.JSONWebKey"
                    .to_string(),
            )
        }
    };
    keys.iter().map(parse_jwk).collect()
}

fn jwk_err(msg: &str) -> String {
    format!("go-jose/go-jose: {msg}")
}

fn opt_str(obj: &serde_json::Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!(
            "json: cannot unmarshal non-string into Go struct field rawJSONWebKey.{name} of type string"
        )),
    }
}

fn b64_member(obj: &serde_json::Map<String, Value>, name: &str) -> Result<Option<Vec<u8>>, String> {
    match opt_str(obj, name)? {
        None => Ok(None),
        Some(s) => JWK_B64
            .decode(s.as_bytes())
            .map(Some)
            .map_err(|e| format!("illegal base64 data in JWK member \"{name}\": {e}")),
    }
}

/// Parses one JWK object (also used for the embedded `jwk` header check).
pub fn parse_jwk(value: &Value) -> Result<Jwk, String> {
    let obj = value.as_object().ok_or_else(|| {
        "json: cannot unmarshal non-object into Go value of type jose.rawJSONWebKey".to_string()
    })?;
    let kty = opt_str(obj, "kty")?.unwrap_or_default();
    let kid = opt_str(obj, "kid")?;
    let alg = opt_str(obj, "alg")?;
    let use_ = opt_str(obj, "use")?;
    let is_private = obj.get("d").is_some_and(|d| !d.is_null());
    let key = match kty.as_str() {
        "RSA" => {
            let (n, e) = match (b64_member(obj, "n")?, b64_member(obj, "e")?) {
                (Some(n), Some(e)) => (n, e),
                _ => return Err(jwk_err("invalid RSA key, missing n/e values")),
            };
            Some(
                PublicKey::rsa(&n, &e)
                    .map_err(|_| jwk_err("invalid RSA key, missing n/e values"))?,
            )
        }
        "EC" => {
            let crv = opt_str(obj, "crv")?.unwrap_or_default();
            let curve = Curve::from_jwk_name(&crv)
                .ok_or_else(|| jwk_err(&format!("unsupported elliptic curve '{crv}'")))?;
            let (x, y) = match (b64_member(obj, "x")?, b64_member(obj, "y")?) {
                (Some(x), Some(y)) => (x, y),
                _ => return Err(jwk_err("invalid EC key, missing x/y values")),
            };
            if x.len() != curve.coord_len() {
                return Err(jwk_err("invalid EC public key, wrong length for x"));
            }
            if y.len() != curve.coord_len() {
                return Err(jwk_err("invalid EC public key, wrong length for y"));
            }
            let mut point = Vec::with_capacity(1 + x.len() + y.len());
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            Some(
                PublicKey::ec(curve, &point)
                    .map_err(|_| jwk_err("invalid EC key, X/Y are not on declared curve"))?,
            )
        }
        "OKP" => {
            let crv = opt_str(obj, "crv")?.unwrap_or_default();
            if crv != "Ed25519" {
                return Err(jwk_err(&format!("unknown curve '{crv}'")));
            }
            let x = b64_member(obj, "x")?
                .ok_or_else(|| jwk_err("invalid Ed25519 key, missing x value"))?;
            Some(
                PublicKey::ed25519(&x)
                    .map_err(|_| jwk_err("invalid Ed25519 key, wrong length for x"))?,
            )
        }
        "oct" => None,
        other => return Err(jwk_err(&format!("unknown json web key type '{other}'"))),
    };
    if let (Some(key), Some(x5c)) = (&key, obj.get("x5c")) {
        check_x5c(key, x5c)?;
    }
    let key_ops = match obj.get("key_ops") {
        None | Some(Value::Null) => None,
        Some(Value::Array(ops)) => Some(
            ops.iter()
                .map(|op| op.as_str().map(str::to_string))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| "json: cannot unmarshal key_ops: expected strings".to_string())?,
        ),
        Some(_) => return Err("json: cannot unmarshal key_ops: expected an array".to_string()),
    };
    let unusable_reason = if kty == "oct" {
        Some("symmetric (oct) key: HMAC algorithms are never accepted".to_string())
    } else if is_private {
        Some("JWK carries private key material (d)".to_string())
    } else if let Some(u) = use_.as_deref().filter(|u| *u != "sig") {
        Some(format!("JWK use is {u:?}, not \"sig\""))
    } else {
        key_ops
            .as_ref()
            .filter(|ops| !ops.iter().any(|o| o == "verify"))
            .map(|ops| format!("JWK key_ops {ops:?} do not include \"verify\""))
    };
    Ok(Jwk {
        kid,
        kty,
        alg,
        usable: unusable_reason.is_none() && key.is_some(),
        unusable_reason,
        key,
    })
}

/// The leaf of `x5c` (standard base64 DER) must carry the same public key as the JWK.
fn check_x5c(key: &PublicKey, x5c: &Value) -> Result<(), String> {
    let chain = match x5c {
        Value::Null => return Ok(()),
        Value::Array(chain) => chain,
        _ => return Err(jwk_err("invalid JWK, x5c is not an array")),
    };
    let Some(leaf) = chain.first() else {
        return Ok(());
    };
    let der = leaf
        .as_str()
        .and_then(|s| STANDARD.decode(s).ok())
        .ok_or_else(|| jwk_err("invalid JWK, x5c contains invalid base64"))?;
    let spki = certificate_spki(&der).map_err(|e| jwk_err(&format!("invalid JWK, x5c: {e}")))?;
    match parse_spki(spki) {
        Ok(Some(leaf_key)) if &leaf_key == key => Ok(()),
        _ => Err(jwk_err(
            "invalid JWK, public keys in key and x5c fields do not match",
        )),
    }
}

/// Builds a key from JWK members (RSA `n`/`e`, EC `crv`/`x`/`y`, OKP Ed25519 `x`), ignoring
/// `use`/`key_ops`. Errors as [`parse_jwks`].
pub fn public_key_from_jwk(value: &Value) -> Result<PublicKey, String> {
    parse_jwk(value)?
        .key
        .ok_or_else(|| "JWK holds no public key (kty oct)".to_string())
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// Base64url without padding, for building JWKs in tests.
    pub(crate) fn b64u(b: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    }

    pub(crate) fn pem_wrap(label: &str, der: &[u8]) -> String {
        let b = STANDARD.encode(der);
        let mut out = format!("-----BEGIN {label}-----\n");
        for chunk in b.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            out.push('\n');
        }
        out.push_str(&format!("-----END {label}-----\n"));
        out
    }

    fn der_of(pem: &str) -> Vec<u8> {
        pem_decode(pem).map(|b| b.der).unwrap_or_default()
    }

    // A self-signed P-256 certificate, made with:
    //   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=t \
    //     -days 1 -keyout k.pem -out c.pem ; openssl x509 -in c.pem -pubkey -noout
    // Valid for one day only: Vault does not check certificate validity, neither do we.
    const CERT_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBbTCCAROgAwIBAgIUNcJpcGbTO2LXkJQt6LVKUqZsjP8wCgYIKoZIzj0EAwIw
DDEKMAgGA1UEAwwBdDAeFw0yNjExMzAwMjQ1MjBaFw0yNjEyMDEwMjQ1MjBaMAwx
CjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ7vCRd/HqPPnQx
xvw8XBfR2vL7Lftlv16yMJBXZo6zEOgPmoLulgpK2qO9oSRRqT513GDu3DYuLqqG
RSzNphyIo1MwUTAdBgNVHQ4EFgQUh1mHv28QyxKZEzvUQWD4u5gdUDEwHwYDVR0j
BBgwFoAUh1mHv28QyxKZEzvUQWD4u5gdUDEwDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNIADBFAiEA2ypIk/PNrlmWmvUj2kK/cuNsY9FXylFGQmHIb0bxwRwC
IAuDHDbyTJPHMBK0IIMHoqcewvJxLCkuw4PEaZhDPsaD
-----END CERTIFICATE-----
";
    const CERT_KEY_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEO7wkXfx6jz50Mcb8PFwX0dry+y37
Zb9esjCQV2aOsxDoD5qC7pYKStqjvaEkUak+ddxg7tw2Li6qhkUszaYciA==
-----END PUBLIC KEY-----
";

    #[test]
    fn pem_generated_keys_of_every_type_parse() {
        for alg in crate::verify::Alg::ALL {
            let (_, public) = crate::verify::generate_key(alg).expect("keygen");
            let key = parse_pem(&public).expect("parse");
            assert!(
                crate::verify::key_fits(&key, alg),
                "{alg:?} {}",
                key.describe()
            );
        }
    }

    #[test]
    fn pem_certificate_yields_its_key() {
        let from_cert = parse_pem(CERT_PEM).expect("certificate");
        let direct = parse_pem(CERT_KEY_PEM).expect("spki");
        assert_eq!(from_cert, direct);
        assert_eq!(from_cert.describe(), "EC P-256");
    }

    #[test]
    fn pem_errors_match_vault() {
        let (_, rsa_pub) = crate::verify::generate_key(crate::verify::Alg::RS256).expect("keygen");
        let spki = der_of(&rsa_pub);
        // PKCS#1 RSAPublicKey = the BIT STRING contents of the SPKI.
        let mut d = Der(&spki);
        let mut inner = Der(d.read(TAG_SEQUENCE).unwrap_or_default());
        inner.read(TAG_SEQUENCE);
        let bits = inner.read(TAG_BIT_STRING).unwrap_or_default();
        let pkcs1 = pem_wrap("RSA PUBLIC KEY", bits.get(1..).unwrap_or_default());
        // secp256k1 SPKI (unsupported curve) and an X25519 SPKI (parsed by Go, refused by Vault).
        let k1 = "-----BEGIN PUBLIC KEY-----
MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEqW6cRXploDfyQIbYQHR/wDt8pjcZoSHa
gqKhjKEJRpQGn7XXFLvs9bj00GBtNeMcCvF9qeHupzOzRE2n+k/TgA==
-----END PUBLIC KEY-----
";
        let x25519 = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VuAyEA/8rwG5zLf4BP8uu5Suj2x8e0/x27WPf1d/hoOrHJOwg=
-----END PUBLIC KEY-----
";
        let relabelled = rsa_pub.replace("PUBLIC KEY", "FOO BAR");
        let cases: Vec<(String, Result<&str, &str>)> = vec![
            (pkcs1, Err("x509: malformed tbs certificate")),
            (k1.to_string(), Err("x509: malformed serial number")),
            (x25519.to_string(), Err(NO_VALID_KEYS)),
            (format!("{rsa_pub}{rsa_pub}"), Err(TRAILING_DATA)),
            (format!("{rsa_pub}\n \n"), Ok("RSA 2048-bit")),
            (format!("junk before\n{rsa_pub}"), Ok("RSA 2048-bit")),
            ("nothing".to_string(), Err(NO_VALID_KEYS)),
            (String::new(), Err(NO_VALID_KEYS)),
            (relabelled, Ok("RSA 2048-bit")),
            (
                pem_wrap("PUBLIC KEY", b"\x04\x00"),
                Err("x509: malformed certificate"),
            ),
            (
                pem_wrap("PUBLIC KEY", b"\x30\x00"),
                Err("x509: malformed tbs certificate"),
            ),
            (rsa_pub.replace("MII", "M!I"), Err(NO_VALID_KEYS)),
            (
                rsa_pub.replace("-----END PUBLIC KEY-----", ""),
                Err(NO_VALID_KEYS),
            ),
        ];
        for (i, (pem, want)) in cases.iter().enumerate() {
            let got = parse_pem(pem).map(|k| k.describe());
            match want {
                Ok(desc) => assert_eq!(got.as_deref(), Ok(*desc), "case {i}"),
                Err(msg) => assert_eq!(got.as_ref().map_err(String::as_str), Err(*msg), "case {i}"),
            }
        }
    }

    #[test]
    fn der_reader_refuses_non_der_lengths() {
        for bad in [
            &[0x30, 0x80, 0x00, 0x00][..],
            &[0x30, 0x81, 0x05, 0, 0, 0, 0, 0],
            &[0x30, 0x05, 0x00],
            &[0x1f, 0x00],
        ] {
            assert!(Der(bad).read_any().is_none(), "{bad:?}");
        }
        assert!(Der(&[0x30, 0x00]).read_any().is_some());
    }

    fn ec_jwk() -> Value {
        let der = der_of(CERT_KEY_PEM);
        let point = &der[der.len() - 65..];
        json!({"kty":"EC","crv":"P-256","x": b64u(&point[1..33]),"y": b64u(&point[33..]),"kid":"e1"})
    }

    #[test]
    fn jwks_parsing_rules() {
        let good = ec_jwk();
        let mut off_curve = good.clone();
        off_curve["y"] = json!(b64u(&[1u8; 32]));
        let mut with_d = good.clone();
        with_d["d"] = json!("AAAA");
        let mut enc = good.clone();
        enc["use"] = json!("enc");
        let mut ops_sign = good.clone();
        ops_sign["key_ops"] = json!(["sign"]);
        let mut ops_verify = good.clone();
        ops_verify["key_ops"] = json!(["verify"]);
        let mut use_sig = good.clone();
        use_sig["use"] = json!("sig");
        let cert_der = der_of(CERT_PEM);
        let mut x5c_ok = good.clone();
        x5c_ok["x5c"] = json!([STANDARD.encode(&cert_der)]);
        let (_, other_pub) =
            crate::verify::generate_key(crate::verify::Alg::ES256).expect("keygen");
        let other = parse_pem(&other_pub).expect("other");
        let mut x5c_bad = good.clone();
        if let PublicKey::Ec { point, .. } = &other {
            x5c_bad["x"] = json!(b64u(&point[1..33]));
            x5c_bad["y"] = json!(b64u(&point[33..]));
        }
        x5c_bad["x5c"] = json!([STANDARD.encode(&cert_der)]);

        // (document, Ok(usable flags) | Err(substring))
        let cases: Vec<(Value, Result<Vec<bool>, &str>)> = vec![
            (json!({"keys": []}), Ok(vec![])),
            (json!({}), Ok(vec![])),
            (json!({"keys": [good.clone()]}), Ok(vec![true])),
            (json!({"keys": [use_sig, ops_verify]}), Ok(vec![true, true])),
            (
                json!({"keys": [with_d, enc, ops_sign]}),
                Ok(vec![false, false, false]),
            ),
            (
                json!({"keys": [{"kty":"oct","k":"AAAA"}, good.clone()]}),
                Ok(vec![false, true]),
            ),
            (json!({"keys": [x5c_ok]}), Ok(vec![true])),
            (
                json!({"keys": [good.clone(), x5c_bad]}),
                Err("do not match"),
            ),
            (
                json!({"keys": [good.clone(), {"kid":"nokty"}]}),
                Err("unknown json web key type ''"),
            ),
            (
                json!({"keys": [{"kty":"FOO"}]}),
                Err("unknown json web key type 'FOO'"),
            ),
            (
                json!({"keys": [{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"}]}),
                Err("unsupported elliptic curve 'secp256k1'"),
            ),
            (
                json!({"keys": [{"kty":"OKP","crv":"X25519","x":"AA"}]}),
                Err("unknown curve 'X25519'"),
            ),
            (json!({"keys": [off_curve]}), Err("not on declared curve")),
            (
                json!({"keys": [{"kty":"RSA","n":"AQAB"}]}),
                Err("missing n/e"),
            ),
            (
                json!({"keys": [{"kty":"OKP","crv":"Ed25519","x": b64u(&[9u8; 31])}]}),
                Err("wrong length"),
            ),
            (json!({"keys": {"kty":"RSA"}}), Err("cannot unmarshal")),
            (json!([1]), Err("cannot unmarshal")),
        ];
        for (i, (doc, want)) in cases.into_iter().enumerate() {
            let got = parse_jwks(doc.to_string().as_bytes());
            match want {
                Ok(flags) => {
                    let got = got.unwrap_or_else(|e| panic!("case {i}: {e}"));
                    assert_eq!(
                        got.iter().map(|k| k.usable).collect::<Vec<_>>(),
                        flags,
                        "case {i}"
                    );
                }
                Err(sub) => {
                    let e = got.err().unwrap_or_else(|| panic!("case {i} parsed"));
                    assert!(e.contains(sub), "case {i}: {e}");
                }
            }
        }
        assert!(parse_jwks(b"not json").is_err());
    }

    #[test]
    fn jwk_members_are_kept() {
        let mut j = ec_jwk();
        j["alg"] = json!("ES256");
        let k = parse_jwk(&j).expect("jwk");
        assert_eq!(
            (k.kid.as_deref(), k.kty.as_str(), k.alg.as_deref()),
            (Some("e1"), "EC", Some("ES256"))
        );
        assert_eq!(public_key_from_jwk(&j).ok(), parse_pem(CERT_KEY_PEM).ok());
        assert!(public_key_from_jwk(&json!({"kty":"oct","k":"AA"})).is_err());
    }
}
