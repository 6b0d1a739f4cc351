//! Go's formatting of strings, as Vault's messages show them: `%q` (`strconv.Quote`) and the
//! printable-character test behind it; `%v` of JSON values; `time.Duration` strings and Vault's
//! humanised durations. One copy for every module that formats like Go.

use std::fmt::Write as _;

use serde_json::Value;

/// Go's `strconv.Quote` (`%q`) of a string.
pub fn go_quote(s: &str) -> String {
    go_quote_bytes(s.as_bytes())
}

/// Go's `strconv.Quote` of a byte string: invalid UTF-8 bytes become `\xNN`.
pub fn go_quote_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    let mut rest = bytes;
    while !rest.is_empty() {
        let valid = match std::str::from_utf8(rest) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
        };
        for c in valid.chars() {
            push_escaped(&mut out, c, '"');
        }
        rest = &rest[valid.len()..];
        if let Some((&bad, tail)) = rest.split_first() {
            out.push_str(&format!("\\x{bad:02x}"));
            rest = tail;
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.QuoteRune`: `'x'`, `'\''`, `'\t'`, `'\x01'`, `'\ufeff'`.
pub fn go_quote_rune(c: char) -> String {
    let mut out = String::from("'");
    push_escaped(&mut out, c, '\'');
    out.push('\'');
    out
}

fn push_escaped(out: &mut String, c: char, quote: char) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if go_is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
        _ if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        _ => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// An approximation of Go's `strconv.IsPrint` without Unicode category tables: exact for
/// ASCII; outside it, controls, spaces other than U+0020, format characters, private use
/// and noncharacters are non-printable. (Unassigned code points are treated as printable.)
pub fn go_is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let format_or_private = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0001 | 0xE0020..=0xE007F | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF);
    let noncharacter = (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE;
    !(format_or_private || noncharacter)
}

// ---------------------------------------------------------------------------------------------
// Go value rendering
// ---------------------------------------------------------------------------------------------

/// Go's `%v` on a JSON-decoded value (numbers are `json.Number`, so they keep their text).
pub fn format_value(v: &Value) -> String {
    let mut out = String::new();
    write_go_v(&mut out, v);
    out
}

fn write_go_v(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_go_v(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // serde_json's Map is a BTreeMap here: byte order, as Go's fmt sorts string keys.
            out.push_str("map[");
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_go_v(out, item);
            }
            out.push(']');
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------

/// Go's `time.Duration(secs * time.Second).String()`, including Go's silent overflow.
pub fn go_duration(secs: i64) -> String {
    go_duration_nanos(secs.wrapping_mul(1_000_000_000))
}

/// Vault's `humanDuration`: the Go duration with zero minutes and seconds dropped.
pub fn human_duration(secs: i64) -> String {
    if secs == 0 {
        return "0s".to_string();
    }
    let mut s = go_duration(secs);
    if s.ends_with("m0s") {
        s.truncate(s.len() - 2);
    }
    if let Some(idx) = s.find("h0m") {
        if idx > 0 {
            s.replace_range(idx + 1..idx + 3, "");
        }
    }
    s
}

/// Go's `time.Duration(d).String()` of nanoseconds (`1.5s`, `1h30m0s`, `0s`).
pub fn go_duration_nanos(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (prec, unit) = match u {
            0 => return "0s".to_string(),
            1..=999 => (0, "ns"),
            1_000..=999_999 => (3, "µs"),
            _ => (6, "ms"),
        };
        let frac = fmt_frac(&mut u, prec);
        let _ = write!(out, "{u}{frac}{unit}");
    } else {
        let frac = fmt_frac(&mut u, 9);
        let secs = u % 60;
        u /= 60;
        if u > 0 {
            let mins = u % 60;
            u /= 60;
            if u > 0 {
                let _ = write!(out, "{u}h");
            }
            let _ = write!(out, "{mins}m");
        }
        let _ = write!(out, "{secs}{frac}s");
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go's `fmtFrac`: the fraction of `v / 10^prec` without trailing zeros (no point when zero);
/// leaves the integer part in `v`.
fn fmt_frac(v: &mut u64, prec: u32) -> String {
    let mut digits = Vec::new();
    let mut print = false;
    for _ in 0..prec {
        let digit = *v % 10;
        print = print || digit != 0;
        if print {
            digits.push(char::from(b'0' + digit as u8));
        }
        *v /= 10;
    }
    if !print {
        return String::new();
    }
    digits.push('.');
    digits.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_quoting() {
        assert_eq!(
            go_quote("a\tb\"\\é\u{1}\u{7f}\u{feff}😀"),
            r#""a\tb\"\\é\x01\x7f\ufeff😀""#
        );
        assert_eq!(go_quote_bytes(b"\\\xc3"), r#""\\\xc3""#);
        assert_eq!(go_quote_rune('\''), r"'\''");
        assert_eq!(go_quote_rune('"'), "'\"'");
        assert_eq!(go_quote_rune('é'), "'é'");
        assert_eq!(go_quote_rune('\u{a0}'), r"'\u00a0'");
        assert_eq!(go_quote_rune('\u{e0001}'), r"'\U000e0001'");
    }

    #[test]
    fn format_value_is_go_percent_v() {
        let cases: Vec<(Value, &str)> = vec![
            (json!("plain"), "plain"),
            (json!(""), ""),
            (json!(null), "<nil>"),
            (json!(true), "true"),
            (json!(false), "false"),
            (json!(42), "42"),
            (json!([]), "[]"),
            (json!({}), "map[]"),
            (json!(["a", "b c", 1]), "[a b c 1]"),
            (json!({"groups": ["eng", "ops"]}), "map[groups:[eng ops]]"),
            (json!({"b": 1, "a": null}), "map[a:<nil> b:1]"),
            (json!([{"a": "b", "c": "d"}]), "[map[a:b c:d]]"),
            (
                json!({"K": 3, "_a": 4, "k10": 1, "k9": 2}),
                "map[K:3 _a:4 k10:1 k9:2]",
            ),
            (
                json!({"a": {}, "z": [1, {"b": null, "a": [true, "x y"]}]}),
                "map[a:map[] z:[1 map[a:[true x y] b:<nil>]]]",
            ),
            (
                json!(["-----BEGIN\nx\n-----END"]),
                "[-----BEGIN\nx\n-----END]",
            ),
        ];
        for (v, want) in cases {
            assert_eq!(format_value(&v), want, "{v}");
        }
        // Numbers keep the text serde_json stored (json.Number), not a float rendering;
        // serde_json's arbitrary_precision writes an exponent's sign explicitly.
        let n: Value = serde_json::from_str("[1.50, 1e3, 12345678901234567890123]").unwrap();
        assert_eq!(format_value(&n), "[1.50 1e+3 12345678901234567890123]");
    }

    #[test]
    fn go_duration_matches_time_duration_string() {
        let cases = [
            (0, "0s"),
            (1, "1s"),
            (59, "59s"),
            (60, "1m0s"),
            (90, "1m30s"),
            (3599, "59m59s"),
            (3600, "1h0m0s"),
            (3605, "1h0m5s"),
            (2764800, "768h0m0s"),
            (-1, "-1s"),
            (-90, "-1m30s"),
            // secs * 1e9 overflows int64 and wraps, as in Go.
            (9223372036, "2562047h47m16s"),
            (9223372037, "-2562047h47m16.709551616s"),
        ];
        for (secs, want) in cases {
            assert_eq!(go_duration(secs), want, "{secs}");
        }
        let nanos = [
            (1, "1ns"),
            (999, "999ns"),
            (1_000, "1µs"),
            (1_500, "1.5µs"),
            (1_500_000, "1.5ms"),
            (999_999_999, "999.999999ms"),
            (1_000_000_000, "1s"),
            (1_500_000_000, "1.5s"),
            (-1_500_000, "-1.5ms"),
        ];
        for (ns, want) in nanos {
            assert_eq!(go_duration_nanos(ns), want, "{ns}");
        }
    }

    #[test]
    fn human_duration_drops_zero_units() {
        let cases = [
            (0, "0s"),
            (1, "1s"),
            (59, "59s"),
            (60, "1m"),
            (61, "1m1s"),
            (90, "1m30s"),
            (3599, "59m59s"),
            (3600, "1h"),
            (3601, "1h1s"),
            (3605, "1h5s"),
            (3660, "1h1m"),
            (5400, "1h30m"),
            (7201, "2h1s"),
            (86400, "24h"),
            (2764800, "768h"),
            (-3600, "-1h"),
            (-90, "-1m30s"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(secs), want, "{secs}");
        }
    }
}
