//! Numbers in secret data as OpenBao keeps them: decoded into Go's `float64` and written back
//! by Go's `encoding/json` (kv.md §0.4), at every depth. jwtvault converts at write time, so
//! the stored JSON already reads back as OpenBao's (`1.0` is `1`, `1e21` is `1e+21`,
//! `12345678901234567890` is `12345678901234567000`).

use serde_json::{Map, Number, Value};

use crate::api::ApiError;

/// `v` with every number rewritten as Go writes the nearest `float64`. A number beyond
/// `float64`'s range is refused with Go's decoding error, as OpenBao refuses it.
pub(super) fn go_numbers(v: Value) -> Result<Value, ApiError> {
    Ok(match v {
        Value::Number(n) => Value::Number(go_number(&n)?),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(go_numbers)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| Ok((k, go_numbers(v)?)))
                .collect::<Result<Map<String, Value>, ApiError>>()?,
        ),
        other => other,
    })
}

fn go_number(n: &Number) -> Result<Number, ApiError> {
    // serde_json writes an exponent's sign (`1e+400`) where the client may have sent none.
    let text = n.to_string().replace("e+", "e").replace("E+", "E");
    let f: f64 = text.parse().unwrap_or(f64::INFINITY);
    if !f.is_finite() {
        return Err(ApiError::bad_request(format!(
            "failed to decode JSON input: json: cannot unmarshal number {text} into Go value of \
             type float64"
        )));
    }
    let go = go_float(f);
    serde_json::from_str(&go).map_err(|e| ApiError::internal(format!("number {go}: {e}")))
}

/// Go's `encoding/json` text of a `float64`: the shortest digits that read back as `f`, in
/// plain form when `1e-6 <= |f| < 1e21` (or zero), otherwise in exponent form with a signed,
/// at least two-digit exponent (`1e+21`) whose negative form drops the zero (`1e-7`).
pub(super) fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        // Rust's Display is the shortest round-trip text, never in exponent form.
        return format!("{f}");
    }
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((e.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < 0 {
        format!("{mantissa}e-{}", -exp)
    } else {
        format!("{mantissa}e+{exp:02}")
    }
}
