//! Vault's server-side field types (sdk/framework `FieldData`, mapstructure weak decoding,
//! go-secure-stdlib `parseutil`): each function converts one raw request value (decoded
//! JSON, numbers with their literal text) to its typed form, failing with the error text
//! OpenBao 2.7 returns byte for byte. Also the Go formatting helpers those texts need
//! (`%v` of a JSON value, `%q`, Go's duration and integer grammars).
//!
//! Owns: conversions and their messages. Must not: know which field has which type, look
//! at other fields, or apply handler-level rules (e.g. `'token_num_uses' cannot be negative`).

use std::collections::BTreeMap;
use std::fmt;

pub use crate::gofmt::go_quote;
use serde_json::{Map, Value};

/// A field conversion failure.
///
/// Display is OpenBao's framework text `error converting input for field "<field>": <reason>`.
/// Paths with an existence check (role create/update) return exactly that; the others
/// (config, login) prefix it, see [`FieldError::validation_message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    fn new(field: &str, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            reason: reason.into(),
        }
    }

    /// `Field validation failed: <Display>`, as OpenBao answers on paths without an
    /// existence check (`auth/<mount>/config`, `auth/<mount>/login`).
    pub fn validation_message(&self) -> String {
        format!("Field validation failed: {self}")
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error converting input for field {}: {}",
            go_quote(&self.field),
            self.reason
        )
    }
}

impl std::error::Error for FieldError {}

/// Go's type name of a decoded JSON value (`%T` as mapstructure prints it).
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(_) => "json.Number",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// mapstructure v2's text for a value of the wrong kind.
fn unconvertible(name: &str, expected: &str, v: &Value) -> String {
    format!(
        "'{name}' expected type '{expected}', got unconvertible type '{}'",
        go_type(v)
    )
}

/// Weak string conversion of a scalar: `None` for a list or an object.
fn weak_scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        Value::Null => Some(String::new()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// TypeString: numbers keep their literal text, bools become `1`/`0`, null is `""`.
pub fn string(field: &str, v: &Value) -> Result<String, FieldError> {
    weak_scalar_string(v).ok_or_else(|| FieldError::new(field, unconvertible("", "string", v)))
}

/// TypeLowerCaseString: [`string`], then lower-cased rune by rune.
pub fn lower_string(field: &str, v: &Value) -> Result<String, FieldError> {
    Ok(string(field, v)?
        .chars()
        .flat_map(char::to_lowercase)
        .collect())
}

/// TypeBool: `1 t T TRUE true True 0 f F FALSE false False`, `""` and null are false;
/// a JSON number is read by its text (so only `1` and `0`).
pub fn bool(field: &str, v: &Value) -> Result<bool, FieldError> {
    let text = match v {
        Value::Bool(b) => return Ok(*b),
        Value::Null => return Ok(false),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) | Value::Object(_) => {
            return Err(FieldError::new(field, unconvertible("", "bool", v)))
        }
    };
    match text.as_str() {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" | "" => Ok(false),
        _ => Err(FieldError::new(
            field,
            "'' cannot parse value as 'bool': strconv.ParseBool: invalid syntax",
        )),
    }
}

/// TypeInt: Go's `strconv.ParseInt(s, 0, 64)` (prefixes `0x` `0o` `0b`, a leading `0` is
/// octal, `_` separators); `""`, null and false are 0, true is 1.
pub fn int(field: &str, v: &Value) -> Result<i64, FieldError> {
    let text = match v {
        Value::Bool(b) => return Ok(i64::from(*b)),
        Value::Null => return Ok(0),
        Value::String(s) if s.is_empty() => return Ok(0),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) | Value::Object(_) => {
            return Err(FieldError::new(field, unconvertible("", "int", v)))
        }
    };
    go_parse_int(&text).map_err(|e| {
        FieldError::new(
            field,
            format!("'' cannot parse value as 'int': strconv.ParseInt: {e}"),
        )
    })
}

/// Why Go's `strconv.ParseInt` refused a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntError {
    Syntax,
    Range,
}

impl fmt::Display for IntError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IntError::Syntax => "invalid syntax",
            IntError::Range => "value out of range",
        })
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub fn go_parse_int(s: &str) -> Result<i64, IntError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint_base0(body)?;
    const CUTOFF: u64 = 1 << 63;
    if !neg && magnitude >= CUTOFF || neg && magnitude > CUTOFF {
        return Err(IntError::Range);
    }
    if neg {
        Ok((magnitude as i64).wrapping_neg())
    } else {
        Ok(magnitude as i64)
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`, in Go's order of checks (a range error found while
/// scanning wins over a later bad digit; underscores are checked last).
fn go_parse_uint_base0(s: &str) -> Result<u64, IntError> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(IntError::Syntax);
    }
    let (base, digits): (u64, &[u8]) = if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            b'a'..=b'z' | b'A'..=b'Z' => u64::from(c.to_ascii_lowercase() - b'a') + 10,
            _ => return Err(IntError::Syntax),
        };
        if d >= base {
            return Err(IntError::Syntax);
        }
        n = n
            .checked_mul(base)
            .and_then(|m| m.checked_add(d))
            .ok_or(IntError::Range)?;
    }
    if underscores && !underscore_ok(b) {
        return Err(IntError::Syntax);
    }
    Ok(n)
}

/// Go's `underscoreOK`: `_` only between digits, or between a base prefix and a digit.
fn underscore_ok(s: &[u8]) -> bool {
    // saw: b'^' start, b'0' digit or prefix, b'_' underscore, b'!' anything else.
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' {
        let p = s[1].to_ascii_lowercase();
        if p == b'b' || p == b'o' || p == b'x' {
            i = 2;
            saw = b'0';
            hex = p == b'x';
        }
    }
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// TypeDurationSecond: [`parse_duration`] on the text of a string or number; negative
/// results are refused. `Ok(None)` for null: the framework treats it as "not given".
pub fn duration_seconds(field: &str, v: &Value) -> Result<Option<i64>, FieldError> {
    let secs = signed_duration_seconds(field, v)?;
    match secs {
        Some(s) if s < 0 => Err(FieldError::new(
            field,
            format!("cannot provide negative value '{s}'"),
        )),
        other => Ok(other),
    }
}

/// TypeSignedDurationSecond: like [`duration_seconds`] with negative values allowed.
pub fn signed_duration_seconds(field: &str, v: &Value) -> Result<Option<i64>, FieldError> {
    let text = match v {
        Value::Null => return Ok(None),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
            return Err(FieldError::new(
                field,
                "could not parse duration from input",
            ))
        }
    };
    parse_duration(&text)
        .map(Some)
        .map_err(|reason| FieldError::new(field, reason))
}

const OVERFLOW: &str =
    "multiplication of durations resulted in overflow, one operand may be too large";
const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Vault's `parseutil.ParseDurationSecond` on a string, as whole seconds truncated toward
/// zero (`int(dur.Seconds())`): `""` is 0, a base-10 integer is seconds, `<int>d` is days,
/// anything else is Go's `time.ParseDuration`. Errors are Go's texts.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    Ok(duration_nanos_to_seconds(parse_duration_nanos(s)?))
}

/// [`parse_duration`] before the conversion to seconds: nanoseconds.
pub fn parse_duration_nanos(s: &str) -> Result<i64, String> {
    if s.is_empty() {
        return Ok(0);
    }
    if let Ok(v) = go_parse_int_base10(s) {
        return v
            .checked_mul(NANOS_PER_SEC)
            .ok_or_else(|| OVERFLOW.to_string());
    }
    if let Some(days) = s.strip_suffix('d') {
        let v = go_parse_int_base10(days)
            .map_err(|e| format!("strconv.ParseInt: parsing {}: {e}", go_quote(days)))?;
        return v
            .checked_mul(86_400 * NANOS_PER_SEC)
            .ok_or_else(|| OVERFLOW.to_string());
    }
    go_parse_duration(s)
}

/// Go's `Duration.Seconds()` then `int(...)`: the float sum can round up for very large
/// values, so it is computed the same way rather than by integer division alone.
fn duration_nanos_to_seconds(d: i64) -> i64 {
    let sec = d / NANOS_PER_SEC;
    let nsec = d % NANOS_PER_SEC;
    (sec as f64 + nsec as f64 / 1e9) as i64
}

/// Go's `strconv.ParseInt(s, 10, 64)` (no prefixes, no underscores).
fn go_parse_int_base10(s: &str) -> Result<i64, IntError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return Err(IntError::Syntax);
    }
    let mut n: u64 = 0;
    for c in body.bytes() {
        if !c.is_ascii_digit() {
            return Err(IntError::Syntax);
        }
        n = n
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(c - b'0')))
            .ok_or(IntError::Range)?;
    }
    const CUTOFF: u64 = 1 << 63;
    if !neg && n >= CUTOFF || neg && n > CUTOFF {
        return Err(IntError::Range);
    }
    Ok(if neg {
        (n as i64).wrapping_neg()
    } else {
        n as i64
    })
}

/// Go's `time.ParseDuration`, in nanoseconds, with its exact error texts and overflow rules.
pub fn go_parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", go_time_quote(orig));
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            s = &s[1..];
        }
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut d: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Integer part.
        let before = s.len();
        let mut v: u64 = 0;
        let mut i = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            if v > LIMIT / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(s[i] - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
            i += 1;
        }
        s = &s[i..];
        let pre = before != s.len();
        // Fraction: keeps digits while they fit, like Go's leadingFraction.
        let mut f: u64 = 0;
        let mut scale: f64 = 1.0;
        let mut post = false;
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let mut overflow = false;
            let mut i = 0;
            while i < s.len() && s[i].is_ascii_digit() {
                let c = u64::from(s[i] - b'0');
                i += 1;
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + c;
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = i > 0;
            s = &s[i..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        // Unit: everything up to the next '.' or digit.
        let end = s
            .iter()
            .position(|&c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if end == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                go_time_quote(orig)
            ));
        }
        let unit_bytes = &s[..end];
        s = &s[end..];
        let unit: u64 = match unit_bytes {
            b"ns" => 1,
            b"us" | [0xc2, 0xb5, b's'] | [0xce, 0xbc, b's'] => 1_000, // us, U+00B5 s, U+03BC s
            b"ms" => 1_000_000,
            b"s" => 1_000_000_000,
            b"m" => 60_000_000_000,
            b"h" => 3_600_000_000_000,
            _ => {
                let u = String::from_utf8_lossy(unit_bytes);
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_time_quote(&u),
                    go_time_quote(orig)
                ));
            }
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        // Go adds in uint64 and may wrap only when both are exactly 1<<63; mirror it.
        d = d.wrapping_add(v);
        if d > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

/// The `time` package's own quoting: `"` and `\` escaped, bytes of non-ASCII or control
/// characters as `\xNN`.
fn go_time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if (c as u32) >= 0x80 || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// TypeCommaStringSlice (`parseutil.ParseCommaStringSlice`, mapstructure v1): a string
/// is split on `,`, a list is kept element by element (scalars weakly stringified, null
/// is `""`), every element trimmed, empty elements kept; `""`, null and `{}` give `[]`.
pub fn comma_string_slice(field: &str, v: &Value) -> Result<Vec<String>, FieldError> {
    let items: Vec<Value> = match v {
        Value::Null => return Ok(Vec::new()),
        Value::String(s) if s.is_empty() => return Ok(Vec::new()),
        Value::String(s) => return Ok(s.split(',').map(|p| p.trim().to_string()).collect()),
        Value::Array(items) => items.clone(),
        Value::Object(obj) if obj.is_empty() => return Ok(Vec::new()),
        other => vec![other.clone()],
    };
    let mut out = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match weak_scalar_string(item) {
            Some(s) => out.push(s.trim().to_string()),
            None => errors.push(format!(
                "* {}, value: '{}'",
                unconvertible(&format!("[{i}]"), "string", item),
                go_v(item)
            )),
        }
    }
    if errors.is_empty() {
        return Ok(out);
    }
    // mapstructure v1 sorts its error lines as strings.
    errors.sort();
    Err(FieldError::new(
        field,
        format!(
            "{} error(s) decoding:\n\n{}",
            errors.len(),
            errors.join("\n")
        ),
    ))
}

/// TypeMap: a JSON object, or a list of objects merged left to right (later keys win);
/// `[]` and `[[]]` give `{}`. `Ok(None)` is Go's nil map (null, or a list of nulls),
/// which Vault stores and shows as null.
pub fn map(field: &str, v: &Value) -> Result<Option<Map<String, Value>>, FieldError> {
    let mut out = None;
    decode_map_into(&mut out, "", v).map_err(|reason| FieldError::new(field, reason))?;
    Ok(out)
}

/// mapstructure v2 `decodeMap` into `map[string]interface{}` (weak): `out` accumulates.
fn decode_map_into(
    out: &mut Option<Map<String, Value>>,
    name: &str,
    v: &Value,
) -> Result<(), String> {
    match v {
        // Nil input leaves the target untouched.
        Value::Null => Ok(()),
        Value::Object(obj) => {
            let target = out.get_or_insert_with(Map::new);
            for (k, val) in obj {
                target.insert(k.clone(), val.clone());
            }
            Ok(())
        }
        Value::Array(items) if items.is_empty() => {
            out.get_or_insert_with(Map::new);
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                decode_map_into(out, &format!("{name}[{i}]"), item)?;
            }
            Ok(())
        }
        other => Err(unconvertible(name, "map[string]interface {}", other)),
    }
}

/// TypeKVPairs: first as a map of strings (an object, or a list of objects, values weakly
/// stringified); failing that, as a list of strings `k=v` (split on the first `=`, the key
/// must not be empty; later pairs win). `Ok(None)` is Go's nil map (null input).
pub fn kv_pairs(field: &str, v: &Value) -> Result<Option<BTreeMap<String, String>>, FieldError> {
    if let Some(result) = kv_as_string_map(v) {
        return Ok(result);
    }
    let items: Vec<Value> = match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let mut strings = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match weak_scalar_string(item) {
            Some(s) => strings.push(s),
            None => errors.push(unconvertible(&format!("[{i}]"), "string", item)),
        }
    }
    if !errors.is_empty() {
        return Err(FieldError::new(
            field,
            format!(
                "decoding failed due to the following error(s):\n\n{}",
                errors.join("\n")
            ),
        ));
    }
    let mut out = BTreeMap::new();
    for (i, pair) in strings.iter().enumerate() {
        match pair.split_once('=') {
            Some((k, val)) if !k.is_empty() => {
                out.insert(k.to_string(), val.to_string());
            }
            _ => {
                return Err(FieldError::new(
                    field,
                    format!("invalid key pair at index {i} in field {}", go_quote(field)),
                ))
            }
        }
    }
    Ok(Some(out))
}

/// Weak decode into `map[string]string`: `None` when that fails, `Some(None)` for nil.
#[allow(clippy::option_option)]
fn kv_as_string_map(v: &Value) -> Option<Option<BTreeMap<String, String>>> {
    let mut generic = None;
    decode_map_into(&mut generic, "", v).ok()?;
    let Some(generic) = generic else {
        return Some(None);
    };
    let mut out = BTreeMap::new();
    for (k, val) in &generic {
        out.insert(k.clone(), weak_scalar_string(val)?);
    }
    Some(Some(out))
}

/// TypeSlice: weak decode into `[]interface{}`, which cannot fail for JSON input: a list
/// is kept, null and `{}` give `[]`, anything else becomes a one-element list.
pub fn slice(v: &Value) -> Vec<Value> {
    match v {
        Value::Null => Vec::new(),
        Value::Array(items) => items.clone(),
        Value::Object(obj) if obj.is_empty() => Vec::new(),
        other => vec![other.clone()],
    }
}

/// Go's `%v` of a decoded JSON value: strings bare, numbers by their text, null `<nil>`,
/// lists `[a b]`, objects `map[k:v]` with sorted keys.
pub fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_v).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(obj) => {
            let mut keys: Vec<&String> = obj.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_v(&obj[k.as_str()])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_v_formats_like_go() {
        let cases = [
            (r#""a b""#, "a b"),
            ("1.50", "1.50"),
            ("true", "true"),
            ("null", "<nil>"),
            (r#"["a","b"]"#, "[a b]"),
            ("[]", "[]"),
            (r#"{"b":[1,"x",null],"a":{}}"#, "map[a:map[] b:[1 x <nil>]]"),
        ];
        for (input, want) in cases {
            assert_eq!(go_v(&j(input)), want, "{input}");
        }
    }

    /// Parses JSON text keeping number literals (arbitrary_precision).
    fn j(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("test JSON {text}: {e}"))
    }

    fn msg<T: std::fmt::Debug>(r: Result<T, FieldError>) -> String {
        match r {
            Ok(v) => format!("OK {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn field_error_display_and_prefix() {
        let e = FieldError::new("token_ttl", "time: invalid duration \"abc\"");
        assert_eq!(
            e.to_string(),
            r#"error converting input for field "token_ttl": time: invalid duration "abc""#
        );
        assert_eq!(
            e.validation_message(),
            r#"Field validation failed: error converting input for field "token_ttl": time: invalid duration "abc""#
        );
    }

    #[test]
    fn string_weak_conversion() {
        let ok = [
            (r#""A b""#, "A b"),
            (r#""""#, ""),
            ("1", "1"),
            ("1.50", "1.50"),
            // serde_json writes exponents as `e+`/`e-`, so `1e+3` is the spelling that
            // survives parsing unchanged (Go would keep `1e3` as sent).
            ("1e+3", "1e+3"),
            ("-0", "-0"),
            ("true", "1"),
            ("false", "0"),
            ("null", ""),
        ];
        for (input, want) in ok {
            assert_eq!(
                string("bound_subject", &j(input)),
                Ok(want.to_string()),
                "{input}"
            );
        }
        let list = r#"error converting input for field "user_claim": '' expected type 'string', got unconvertible type '[]interface {}'"#;
        let obj = r#"error converting input for field "user_claim": '' expected type 'string', got unconvertible type 'map[string]interface {}'"#;
        for (input, want) in [
            ("[]", list),
            (r#"["a","b"]"#, list),
            ("[1]", list),
            ("{}", obj),
            (r#"{"a":1}"#, obj),
        ] {
            assert_eq!(msg(string("user_claim", &j(input))), want, "{input}");
        }
        assert_eq!(
            lower_string("role", &json!("DeV-Role")),
            Ok("dev-role".to_string())
        );
        assert_eq!(lower_string("role", &json!(true)), Ok("1".to_string()));
        assert!(lower_string("role", &json!(["A"])).is_err());
    }

    #[test]
    fn bool_conversion() {
        for input in [
            r#""1""#,
            r#""t""#,
            r#""T""#,
            r#""TRUE""#,
            r#""true""#,
            r#""True""#,
            "1",
            "true",
        ] {
            assert_eq!(bool("f", &j(input)), Ok(true), "{input}");
        }
        for input in [
            r#""0""#,
            r#""f""#,
            r#""F""#,
            r#""FALSE""#,
            r#""false""#,
            r#""False""#,
            r#""""#,
            "0",
            "false",
            "null",
        ] {
            assert_eq!(bool("f", &j(input)), Ok(false), "{input}");
        }
        let bad = r#"error converting input for field "user_claim_json_pointer": '' cannot parse value as 'bool': strconv.ParseBool: invalid syntax"#;
        for input in [
            r#""yes""#,
            r#""tRue""#,
            r#""2""#,
            r#""  true""#,
            "2",
            "-1",
            "1.5",
            "0.0",
            "1e3",
        ] {
            assert_eq!(
                msg(bool("user_claim_json_pointer", &j(input))),
                bad,
                "{input}"
            );
        }
        assert_eq!(
            msg(bool("user_claim_json_pointer", &j("[true]"))),
            r#"error converting input for field "user_claim_json_pointer": '' expected type 'bool', got unconvertible type '[]interface {}'"#
        );
        assert_eq!(
            msg(bool("user_claim_json_pointer", &j("{}"))),
            r#"error converting input for field "user_claim_json_pointer": '' expected type 'bool', got unconvertible type 'map[string]interface {}'"#
        );
    }

    #[test]
    fn int_conversion() {
        let ok: &[(&str, i64)] = &[
            (r#""""#, 0),
            (r#""0x10""#, 16),
            (r#""0X10""#, 16),
            (r#""0o17""#, 15),
            (r#""017""#, 15),
            (r#""0b101""#, 5),
            (r#""1_000""#, 1000),
            (r#""0x_1F""#, 31),
            (r#""0_17""#, 15),
            (r#""-5""#, -5),
            (r#""+5""#, 5),
            (r#""0""#, 0),
            (r#""9223372036854775807""#, i64::MAX),
            (r#""-9223372036854775808""#, i64::MIN),
            ("5", 5),
            ("-5", -5),
            ("true", 1),
            ("false", 0),
            ("null", 0),
        ];
        for (input, want) in ok {
            assert_eq!(int("token_num_uses", &j(input)), Ok(*want), "{input}");
        }
        let syntax = r#"error converting input for field "token_num_uses": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax"#;
        let range = r#"error converting input for field "token_num_uses": '' cannot parse value as 'int': strconv.ParseInt: value out of range"#;
        let cases = [
            (r#""x""#, syntax),
            (r#""08""#, syntax),
            (r#""_1""#, syntax),
            (r#""1_""#, syntax),
            (r#""1__0""#, syntax),
            (r#""0x""#, syntax),
            (r#""-""#, syntax),
            (r#"" 5""#, syntax),
            (r#""1.5""#, syntax),
            ("1.5", syntax),
            ("1.0", syntax),
            ("1e3", syntax),
            ("1E2", syntax),
            (r#""9223372036854775808""#, range),
            (r#""-9223372036854775809""#, range),
            ("9223372036854775808", range),
            (r#""99999999999999999999x""#, range),
        ];
        for (input, want) in cases {
            assert_eq!(msg(int("token_num_uses", &j(input))), want, "{input}");
        }
        assert_eq!(
            msg(int("token_num_uses", &j(r#"["3"]"#))),
            r#"error converting input for field "token_num_uses": '' expected type 'int', got unconvertible type '[]interface {}'"#
        );
        assert_eq!(
            msg(int("token_num_uses", &j("{}"))),
            r#"error converting input for field "token_num_uses": '' expected type 'int', got unconvertible type 'map[string]interface {}'"#
        );
    }

    #[test]
    fn duration_grammar() {
        let ok: &[(&str, i64)] = &[
            ("", 0),
            ("0", 0),
            ("-0", 0),
            ("+0", 0),
            ("90", 90),
            ("+5s", 5),
            ("7d", 604_800),
            ("+1d", 86_400),
            ("-1d", -86_400),
            ("1h30m", 5400),
            ("1.5h", 5400),
            ("300ms", 0),
            ("1500ms", 1),
            ("-300ms", 0),
            ("-0.5s", 0),
            ("-1.5s", -1),
            ("-1", -1),
            ("-1h", -3600),
            (".5s", 0),
            ("1.s", 1),
            ("1h1h", 7200),
            ("00001s", 1),
            ("1µs", 0),
            ("1μs", 0),
            ("1us", 0),
            ("1ns", 0),
            ("9223372036", 9_223_372_036),
            ("-9223372036", -9_223_372_036),
            ("106751d", 9_223_286_400),
            ("2562047h", 9_223_369_200),
            ("9223372036854775807ns", 9_223_372_036),
            ("-9223372036854775808ns", -9_223_372_036),
            ("-2562047.788015215h", -9_223_372_036),
            // Float rounding of Duration.Seconds(): observed on OpenBao.
            ("9223372035.9999999s", 9_223_372_036),
            ("1000000.9999999999s", 1_000_000),
            ("1.0000000001s", 1),
            ("0.9999999999999999999999s", 1),
            ("1.000000000000000000000000001h", 3600),
            // Go's uint64 sum wraps when both parts are exactly 1<<63.
            ("-9223372036854775808ns9223372036854775808ns", 0),
        ];
        for (input, want) in ok {
            assert_eq!(parse_duration(input), Ok(*want), "{input:?}");
        }
        let bad: &[(&str, &str)] = &[
            ("abc", r#"time: invalid duration "abc""#),
            ("1d12h", r#"time: unknown unit "d" in duration "1d12h""#),
            ("1x", r#"time: unknown unit "x" in duration "1x""#),
            ("1.5", r#"time: missing unit in duration "1.5""#),
            ("1ns1", r#"time: missing unit in duration "1ns1""#),
            ("1e3", r#"time: unknown unit "e" in duration "1e3""#),
            ("-", r#"time: invalid duration "-""#),
            ("+", r#"time: invalid duration "+""#),
            ("s", r#"time: invalid duration "s""#),
            (".s", r#"time: invalid duration ".s""#),
            ("d", r#"strconv.ParseInt: parsing "": invalid syntax"#),
            ("1.5d", r#"strconv.ParseInt: parsing "1.5": invalid syntax"#),
            (
                "99999999999999999999d",
                r#"strconv.ParseInt: parsing "99999999999999999999": value out of range"#,
            ),
            ("0x10", r#"time: unknown unit "x" in duration "0x10""#),
            ("1_0", r#"time: unknown unit "_" in duration "1_0""#),
            ("1H", r#"time: unknown unit "H" in duration "1H""#),
            ("1hh", r#"time: unknown unit "hh" in duration "1hh""#),
            ("1h ", r#"time: unknown unit "h " in duration "1h ""#),
            ("5 s", r#"time: unknown unit " s" in duration "5 s""#),
            (" 5s", r#"time: invalid duration " 5s""#),
            ("1h-1m", r#"time: unknown unit "h-" in duration "1h-1m""#),
            (
                "1xµ",
                r#"time: unknown unit "x\xc2\xb5" in duration "1x\xc2\xb5""#,
            ),
            ("1\u{1}", r#"time: unknown unit "\x01" in duration "1\x01""#),
            ("1\"x", r#"time: unknown unit "\"x" in duration "1\"x""#),
            (
                "1h\\\\",
                r#"time: unknown unit "h\\\\" in duration "1h\\\\""#,
            ),
            ("99999999999", OVERFLOW),
            ("9223372037", OVERFLOW),
            ("-9223372037", OVERFLOW),
            ("106752d", OVERFLOW),
            (
                "99999999999999999999",
                r#"time: invalid duration "99999999999999999999""#,
            ),
            ("2562048h", r#"time: invalid duration "2562048h""#),
            ("2562047.999h", r#"time: invalid duration "2562047.999h""#),
            (
                "9223372036854775808ns",
                r#"time: invalid duration "9223372036854775808ns""#,
            ),
            (
                "9223372036.999999999s",
                r#"time: invalid duration "9223372036.999999999s""#,
            ),
        ];
        for (input, want) in bad {
            assert_eq!(parse_duration(input), Err(want.to_string()), "{input:?}");
        }
    }

    #[test]
    fn duration_fields() {
        assert_eq!(duration_seconds("token_ttl", &j("90")), Ok(Some(90)));
        assert_eq!(
            duration_seconds("token_ttl", &j(r#""7d""#)),
            Ok(Some(604_800))
        );
        assert_eq!(duration_seconds("token_ttl", &j("null")), Ok(None));
        assert_eq!(
            duration_seconds("token_ttl", &j(r#""-300ms""#)),
            Ok(Some(0))
        );
        let cases = [
            (
                r#""abc""#,
                r#"error converting input for field "token_ttl": time: invalid duration "abc""#,
            ),
            (
                r#""-5""#,
                r#"error converting input for field "token_ttl": cannot provide negative value '-5'"#,
            ),
            (
                "-5",
                r#"error converting input for field "token_ttl": cannot provide negative value '-5'"#,
            ),
            (
                r#""-1h""#,
                r#"error converting input for field "token_ttl": cannot provide negative value '-3600'"#,
            ),
            (
                r#""-1d""#,
                r#"error converting input for field "token_ttl": cannot provide negative value '-86400'"#,
            ),
            (
                "1.5",
                r#"error converting input for field "token_ttl": time: missing unit in duration "1.5""#,
            ),
            (
                "1e-3",
                r#"error converting input for field "token_ttl": time: unknown unit "e-" in duration "1e-3""#,
            ),
            (
                "true",
                r#"error converting input for field "token_ttl": could not parse duration from input"#,
            ),
            (
                "[]",
                r#"error converting input for field "token_ttl": could not parse duration from input"#,
            ),
            (
                r#"["5"]"#,
                r#"error converting input for field "token_ttl": could not parse duration from input"#,
            ),
            (
                "{}",
                r#"error converting input for field "token_ttl": could not parse duration from input"#,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                msg(duration_seconds("token_ttl", &j(input))),
                want,
                "{input}"
            );
        }
        assert_eq!(
            signed_duration_seconds("clock_skew_leeway", &j(r#""-1""#)),
            Ok(Some(-1))
        );
        assert_eq!(
            signed_duration_seconds("clock_skew_leeway", &j("-5")),
            Ok(Some(-5))
        );
        assert_eq!(
            signed_duration_seconds("clock_skew_leeway", &j(r#""-1h""#)),
            Ok(Some(-3600))
        );
        assert_eq!(
            msg(signed_duration_seconds(
                "clock_skew_leeway",
                &j(r#""-9223372037""#)
            )),
            format!("error converting input for field \"clock_skew_leeway\": {OVERFLOW}")
        );
    }

    #[test]
    fn comma_string_slices() {
        let ok: &[(&str, &[&str])] = &[
            (r#""a,b""#, &["a", "b"]),
            (r#"" a , b ,""#, &["a", "b", ""]),
            (r#""a,,b""#, &["a", "", "b"]),
            (r#""""#, &[]),
            (r#"",""#, &["", ""]),
            (r#""  ""#, &[""]),
            (r#"["a,b"," c "]"#, &["a,b", "c"]),
            (r#"[1,true,1.50]"#, &["1", "1", "1.50"]),
            ("[]", &[]),
            (r#"[""]"#, &[""]),
            ("[null]", &[""]),
            ("5", &["5"]),
            ("true", &["1"]),
            ("1.5", &["1.5"]),
            ("{}", &[]),
            ("null", &[]),
        ];
        for (input, want) in ok {
            let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            assert_eq!(
                comma_string_slice("bound_audiences", &j(input)),
                Ok(want),
                "{input}"
            );
        }
        let f = r#"error converting input for field "bound_audiences": "#;
        let cases = [
            (r#"{"a":"b"}"#, "1 error(s) decoding:\n\n* '[0]' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[a:b]'"),
            (r#"[["a"]]"#, "1 error(s) decoding:\n\n* '[0]' expected type 'string', got unconvertible type '[]interface {}', value: '[a]'"),
            (r#"[1, [2]]"#, "1 error(s) decoding:\n\n* '[1]' expected type 'string', got unconvertible type '[]interface {}', value: '[2]'"),
            ("[[null]]", "1 error(s) decoding:\n\n* '[0]' expected type 'string', got unconvertible type '[]interface {}', value: '[<nil>]'"),
            ("[[], {}]", "2 error(s) decoding:\n\n* '[0]' expected type 'string', got unconvertible type '[]interface {}', value: '[]'\n* '[1]' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[]'"),
            (
                r#"[1,2,3,4,5,6,7,8,9,10,[1],{"b":[1,"x",null,true,{"c":{}}],"a":1.0}]"#,
                "2 error(s) decoding:\n\n* '[10]' expected type 'string', got unconvertible type '[]interface {}', value: '[1]'\n* '[11]' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[a:1.0 b:[1 x <nil> true map[c:map[]]]]'",
            ),
            // Sorted as strings: '[10]' before '[2]'.
            (
                "[0,1,[2],3,4,5,6,7,8,9,[10]]",
                "2 error(s) decoding:\n\n* '[10]' expected type 'string', got unconvertible type '[]interface {}', value: '[10]'\n* '[2]' expected type 'string', got unconvertible type '[]interface {}', value: '[2]'",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                msg(comma_string_slice("bound_audiences", &j(input))),
                format!("{f}{want}"),
                "{input}"
            );
        }
    }

    #[test]
    fn maps() {
        let ok: &[(&str, Option<Value>)] = &[
            (r#"{"a":"b"}"#, Some(json!({"a": "b"}))),
            ("[]", Some(json!({}))),
            ("{}", Some(json!({}))),
            ("[[]]", Some(json!({}))),
            ("[{}]", Some(json!({}))),
            (
                r#"[{"a":"1"},{"b":"2"}]"#,
                Some(json!({"a": "1", "b": "2"})),
            ),
            (r#"[{"a":"1"},{"a":"2"}]"#, Some(json!({"a": "2"}))),
            (
                r#"[{"a":"1"},null,[{"b":[1]}]]"#,
                Some(json!({"a": "1", "b": [1]})),
            ),
            ("null", None),
            ("[null]", None),
        ];
        for (input, want) in ok {
            let got = map("bound_claims", &j(input)).map(|m| m.map(Value::Object));
            assert_eq!(got, Ok(want.clone()), "{input}");
        }
        let f = r#"error converting input for field "bound_claims": "#;
        let cases = [
            (r#""a=b""#, "'' expected type 'map[string]interface {}', got unconvertible type 'string'"),
            (r#""""#, "'' expected type 'map[string]interface {}', got unconvertible type 'string'"),
            ("5", "'' expected type 'map[string]interface {}', got unconvertible type 'json.Number'"),
            ("1.5", "'' expected type 'map[string]interface {}', got unconvertible type 'json.Number'"),
            ("true", "'' expected type 'map[string]interface {}', got unconvertible type 'bool'"),
            (r#"[{"a":"1"},"x"]"#, "'[1]' expected type 'map[string]interface {}', got unconvertible type 'string'"),
            (r#"["x"]"#, "'[0]' expected type 'map[string]interface {}', got unconvertible type 'string'"),
            ("[1,2]", "'[0]' expected type 'map[string]interface {}', got unconvertible type 'json.Number'"),
            (r#"[{"a":1},5,[1]]"#, "'[1]' expected type 'map[string]interface {}', got unconvertible type 'json.Number'"),
            ("[[{}, true]]", "'[0][1]' expected type 'map[string]interface {}', got unconvertible type 'bool'"),
        ];
        for (input, want) in cases {
            assert_eq!(
                msg(map("bound_claims", &j(input))),
                format!("{f}{want}"),
                "{input}"
            );
        }
    }

    #[test]
    fn kv_pair_fields() {
        let pairs = |list: &[(&str, &str)]| -> Option<BTreeMap<String, String>> {
            Some(
                list.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        let ok: &[(&str, Option<BTreeMap<String, String>>)] = &[
            (r#""a=b""#, pairs(&[("a", "b")])),
            (r#""a=b=c""#, pairs(&[("a", "b=c")])),
            (r#""a=""#, pairs(&[("a", "")])),
            (r#"["a=b","c=d"]"#, pairs(&[("a", "b"), ("c", "d")])),
            (r#"["a=1","a=2"]"#, pairs(&[("a", "2")])),
            (
                r#"{"a":"b","c":1,"d":true,"e":1.50,"f":null}"#,
                pairs(&[("a", "b"), ("c", "1"), ("d", "1"), ("e", "1.50"), ("f", "")]),
            ),
            ("[]", pairs(&[])),
            ("{}", pairs(&[])),
            ("[[]]", pairs(&[])),
            (r#"[{"a":"b"}]"#, pairs(&[("a", "b")])),
            (
                r#"[{"a":"b"},null,{"c":"d"}]"#,
                pairs(&[("a", "b"), ("c", "d")]),
            ),
            ("null", None),
            ("[null]", None),
        ];
        for (input, want) in ok {
            assert_eq!(
                kv_pairs("claim_mappings", &j(input)),
                Ok(want.clone()),
                "{input}"
            );
        }
        let f = r#"error converting input for field "claim_mappings": "#;
        let idx = |i: usize| format!("invalid key pair at index {i} in field \"claim_mappings\"");
        let dec = "decoding failed due to the following error(s):\n\n";
        let cases = [
            (r#""foo""#, idx(0)),
            (r#""=b""#, idx(0)),
            (r#""""#, idx(0)),
            (r#"["a=b","x","=y"]"#, idx(1)),
            ("5", idx(0)),
            ("true", idx(0)),
            ("[1]", idx(0)),
            ("[true]", idx(0)),
            (r#"["a=b", null]"#, idx(1)),
            (r#"{"a":[1]}"#, format!("{dec}'[0]' expected type 'string', got unconvertible type 'map[string]interface {{}}'")),
            (r#"{"a":{"b":1}}"#, format!("{dec}'[0]' expected type 'string', got unconvertible type 'map[string]interface {{}}'")),
            (r#"[["a=b"]]"#, format!("{dec}'[0]' expected type 'string', got unconvertible type '[]interface {{}}'")),
            (r#"[{"a":"b"},"c=d"]"#, format!("{dec}'[0]' expected type 'string', got unconvertible type 'map[string]interface {{}}'")),
            (
                r#"[[1],{"a":1},"x"]"#,
                format!("{dec}'[0]' expected type 'string', got unconvertible type '[]interface {{}}'\n'[1]' expected type 'string', got unconvertible type 'map[string]interface {{}}'"),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                msg(kv_pairs("claim_mappings", &j(input))),
                format!("{f}{want}"),
                "{input}"
            );
        }
    }

    #[test]
    fn slices() {
        let cases: &[(&str, Value)] = &[
            ("null", json!([])),
            ("[]", json!([])),
            ("{}", json!([])),
            (r#"[{"jwks_url":"x"}]"#, json!([{"jwks_url": "x"}])),
            (r#"{"a":1}"#, json!([{"a": 1}])),
            (r#""abc""#, json!(["abc"])),
            (r#""""#, json!([""])),
            ("5", json!([5])),
            ("true", json!([true])),
        ];
        for (input, want) in cases {
            assert_eq!(Value::Array(slice(&j(input))), *want, "{input}");
        }
    }
}
