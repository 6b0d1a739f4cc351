//! Go's formatting of strings, as Vault's messages show them: `%q` (`strconv.Quote`) and the
//! printable-character test behind it. One copy for every module that quotes like Go.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
