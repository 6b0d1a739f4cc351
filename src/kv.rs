//! Vault CLI's kv-builder: turns `write`/`read`/`delete` data arguments (`k=v`, `k=@file`,
//! `k=-`, `@file.json`, `-`) into the JSON request body, left to right, with the Vault CLI's
//! error texts (as printed by OpenBao's `bao`, which reads JSON with Go's `encoding/json`).
//!
//! Owns: argument parsing, file and stdin reading for data arguments, and a small JSON reader
//! that accepts exactly what Go's decoder accepts and reports its error texts.
//! Must not: print, exit, or know anything about paths or field types (values given as `k=v`
//! stay strings; typing is the server side's job, see `fields`).

use std::fmt;
use std::fs::File;
use std::io::Read;

use serde_json::{Map, Value};

use crate::gofmt::{go_quote, go_quote_bytes, go_quote_rune};

/// A kv-builder failure. Display is the inner message only; the caller prints
/// `Failed to parse K=V data: <msg>` and exits 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvError(pub String);

impl fmt::Display for KvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KvError {}

/// Builds the request body from CLI data arguments, processed left to right.
///
/// `stdin` is called at most once; a second use of stdin (`-` or `k=-`) is an error
/// (`stdin already consumed`). A JSON `null` read from `@file`/`-` resets the map, as Go's
/// decoder sets the map to nil (Vault then sends `null`, which the server treats as empty).
pub fn build(
    args: &[String],
    stdin: &mut dyn FnMut() -> std::io::Result<String>,
) -> Result<Map<String, Value>, KvError> {
    let mut map = Map::new();
    let mut stdin_used = false;
    for raw in args {
        add(&mut map, raw, stdin, &mut stdin_used)
            .map_err(|e| KvError(format!("invalid key/value pair {}: {e}", go_quote(raw))))?;
    }
    Ok(map)
}

fn add(
    map: &mut Map<String, Value>,
    raw: &str,
    stdin: &mut dyn FnMut() -> std::io::Result<String>,
    stdin_used: &mut bool,
) -> Result<(), String> {
    if raw.is_empty() {
        return Ok(());
    }
    let Some((key, value)) = raw.split_once('=') else {
        if raw == "-" {
            let text = take_stdin(stdin, stdin_used)?;
            return merge_json(map, text.as_bytes());
        }
        if let Some(path) = raw.strip_prefix('@') {
            let bytes = read_file(path)?;
            return merge_json(map, &bytes);
        }
        return Err("format must be key=value".to_string());
    };

    let value = if let Some(path) = value.strip_prefix('@') {
        let bytes = read_file(path).map_err(|e| format!("error reading file: {e}"))?;
        go_string_from_bytes(&bytes)
    } else if let Some(rest) = value.strip_prefix("\\@") {
        format!("@{rest}")
    } else if value == "-" {
        take_stdin(stdin, stdin_used)?
    } else {
        value.to_string()
    };

    // A repeated key becomes a list: the existing value is weakly decoded to a list
    // (mapstructure rules: null and `{}` give an empty list, a list stays, anything
    // else becomes a one-element list) and the new string is appended.
    let new = Value::String(value);
    match map.get_mut(key) {
        Some(existing) => {
            let mut list = match std::mem::take(existing) {
                Value::Null => Vec::new(),
                Value::Array(items) => items,
                Value::Object(obj) if obj.is_empty() => Vec::new(),
                other => vec![other],
            };
            list.push(new);
            *existing = Value::Array(list);
        }
        None => {
            map.insert(key.to_string(), new);
        }
    }
    Ok(())
}

fn take_stdin(
    stdin: &mut dyn FnMut() -> std::io::Result<String>,
    stdin_used: &mut bool,
) -> Result<String, String> {
    if *stdin_used {
        return Err("stdin already consumed".to_string());
    }
    *stdin_used = true;
    stdin().map_err(|e| go_errno_text(&e))
}

/// The most jwtvault reads from one file or from stdin: 32 MiB, the largest request body
/// Vault's server accepts. Larger input is refused before it is read into memory.
pub const MAX_INPUT: u64 = 32 * 1024 * 1024;

/// The error for input over [`MAX_INPUT`] (its text is what the user sees after `read PATH: `).
fn too_large() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!(
            "larger than 32 MiB ({MAX_INPUT} bytes), the most jwtvault reads from one file or stdin"
        ),
    )
}

/// Reads `r` to its end, but never more than [`MAX_INPUT`] bytes: one byte more is an error,
/// so at most 32 MiB + 1 byte is ever held. Every user file and stdin goes through here.
pub fn read_bounded(r: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.take(MAX_INPUT + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Opens a user file, reporting failure as Go's `*PathError` does
/// (`open nofile: no such file or directory`).
pub fn open_file(path: &str) -> Result<File, String> {
    File::open(path).map_err(|e| format!("open {path}: {}", go_errno_text(&e)))
}

/// Reads an opened file through [`read_bounded`]; a regular file over [`MAX_INPUT`] is refused
/// by its size before any byte is read. Errors as Go's (`read adir: is a directory`).
pub fn read_opened(file: File, path: &str) -> Result<Vec<u8>, String> {
    let fail = |e: std::io::Error| format!("read {path}: {}", go_errno_text(&e));
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > MAX_INPUT {
            return Err(fail(too_large()));
        }
    }
    read_bounded(file).map_err(fail)
}

/// Reads a whole user file (at most [`MAX_INPUT`] bytes), reporting failures as Go's
/// `*PathError` does (`open nofile: no such file or directory`, `read adir: is a directory`).
pub fn read_file(path: &str) -> Result<Vec<u8>, String> {
    read_opened(open_file(path)?, path)
}

/// Go's text for an OS error: the C library's message with a lower-case first letter
/// and without Rust's ` (os error N)` suffix.
pub fn go_errno_text(e: &std::io::Error) -> String {
    let text = match e.raw_os_error() {
        Some(code) => {
            let full = std::io::Error::from_raw_os_error(code).to_string();
            match full.rfind(" (os error ") {
                Some(at) => full[..at].to_string(),
                None => full,
            }
        }
        None => e.to_string(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// Go keeps raw bytes in a string and its JSON encoder later replaces each invalid byte
/// with U+FFFD; doing that here gives the same request body.
pub fn go_string_from_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let (valid, tail) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{FFFD}');
                // Go's utf8.DecodeRune consumes one byte per invalid sequence byte.
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
}

fn merge_json(map: &mut Map<String, Value>, bytes: &[u8]) -> Result<(), String> {
    let value = read_first_json_value(bytes).map_err(|e| e.to_string())?;
    let kind = match value {
        Value::Object(obj) => {
            // Go decodes into the existing map: old keys stay, new keys override.
            map.extend(obj);
            return Ok(());
        }
        Value::Null => {
            map.clear();
            return Ok(());
        }
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
    };
    Err(format!(
        "json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
    ))
}

/// Errors of the JSON reader, with Go's decoder texts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum JsonError {
    /// Nothing but whitespace: Go's `io.EOF`.
    Eof,
    /// Input ended inside a value.
    UnexpectedEof,
    Syntax(String),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Eof => f.write_str("EOF"),
            JsonError::UnexpectedEof => f.write_str("unexpected EOF"),
            JsonError::Syntax(msg) => f.write_str(msg),
        }
    }
}

/// Go's decoder nesting limit (encoding/json `maxNestingDepth`).
const MAX_DEPTH: usize = 10_000;

/// Open containers while reading; the reader is iterative so that deep nesting cannot
/// overflow the stack.
enum Frame {
    Array(Vec<Value>),
    Object(Map<String, Value>, String),
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// Reads the first JSON value of `bytes` the way Go's `json.Decoder.Decode` does: leading
/// whitespace skipped, anything after the first complete value ignored, duplicate object
/// names resolved last-wins, invalid UTF-8 and lone surrogates turned into U+FFFD.
fn read_first_json_value(bytes: &[u8]) -> Result<Value, JsonError> {
    let mut r = Reader { bytes, pos: 0 };
    r.skip_ws();
    if r.pos >= bytes.len() {
        return Err(JsonError::Eof);
    }
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        // Read one value (opening containers pushes a frame and loops again).
        let mut value = match r.peek() {
            None => return Err(JsonError::UnexpectedEof),
            Some(b'{') => {
                r.pos += 1;
                r.check_depth(stack.len() + 1)?;
                r.skip_ws();
                match r.peek() {
                    None => return Err(JsonError::UnexpectedEof),
                    Some(b'}') => {
                        r.pos += 1;
                        Value::Object(Map::new())
                    }
                    Some(_) => {
                        let key = r.object_key()?;
                        stack.push(Frame::Object(Map::new(), key));
                        r.skip_ws();
                        continue;
                    }
                }
            }
            Some(b'[') => {
                r.pos += 1;
                r.check_depth(stack.len() + 1)?;
                r.skip_ws();
                match r.peek() {
                    None => return Err(JsonError::UnexpectedEof),
                    Some(b']') => {
                        r.pos += 1;
                        Value::Array(Vec::new())
                    }
                    Some(_) => {
                        stack.push(Frame::Array(Vec::new()));
                        continue;
                    }
                }
            }
            Some(b'"') => Value::String(r.string()?),
            Some(b'-' | b'0'..=b'9') => r.number()?,
            Some(b't') => r.literal("true", Value::Bool(true))?,
            Some(b'f') => r.literal("false", Value::Bool(false))?,
            Some(b'n') => r.literal("null", Value::Null)?,
            Some(_) => return Err(r.invalid_char("looking for beginning of value")),
        };

        // Attach the finished value to its container; close containers as they end.
        loop {
            match stack.last_mut() {
                None => return Ok(value),
                Some(Frame::Array(items)) => {
                    items.push(value);
                    r.skip_ws();
                    match r.peek() {
                        None => return Err(JsonError::UnexpectedEof),
                        Some(b',') => {
                            r.pos += 1;
                            r.skip_ws();
                            break;
                        }
                        Some(b']') => {
                            r.pos += 1;
                            match stack.pop() {
                                Some(Frame::Array(items)) => value = Value::Array(items),
                                _ => return Err(JsonError::UnexpectedEof),
                            }
                        }
                        Some(_) => return Err(r.invalid_char("after array element")),
                    }
                }
                Some(Frame::Object(obj, key)) => {
                    obj.insert(std::mem::take(key), value);
                    r.skip_ws();
                    match r.peek() {
                        None => return Err(JsonError::UnexpectedEof),
                        Some(b',') => {
                            r.pos += 1;
                            r.skip_ws();
                            *key = r.object_key()?;
                            r.skip_ws();
                            break;
                        }
                        Some(b'}') => {
                            r.pos += 1;
                            match stack.pop() {
                                Some(Frame::Object(obj, _)) => value = Value::Object(obj),
                                _ => return Err(JsonError::UnexpectedEof),
                            }
                        }
                        Some(_) => return Err(r.invalid_char("after object key:value pair")),
                    }
                }
            }
        }
    }
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn check_depth(&self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            return Err(JsonError::Syntax("exceeded max depth".to_string()));
        }
        Ok(())
    }

    /// `invalid character 'x' <context>` for the character at the current position:
    /// a whole UTF-8 character when valid, else the single byte.
    fn invalid_char(&self, context: &str) -> JsonError {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let quoted = match first_char(rest) {
            Some(c) => go_quote_rune(c),
            None => format!("'\\x{:02x}'", rest.first().copied().unwrap_or(0)),
        };
        JsonError::Syntax(format!("invalid character {quoted} {context}"))
    }

    /// An object name (the reader sits on its opening quote, whitespace already skipped)
    /// followed by its `:`.
    fn object_key(&mut self) -> Result<String, JsonError> {
        match self.peek() {
            None => return Err(JsonError::UnexpectedEof),
            Some(b'"') => {}
            Some(_) => return Err(self.invalid_char("looking for beginning of object key string")),
        }
        let key = self.string()?;
        self.skip_ws();
        match self.peek() {
            None => Err(JsonError::UnexpectedEof),
            Some(b':') => {
                self.pos += 1;
                self.skip_ws();
                Ok(key)
            }
            Some(_) => Err(self.invalid_char("after object key")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, JsonError> {
        for expected in word.bytes() {
            match self.peek() {
                None => return Err(JsonError::UnexpectedEof),
                Some(b) if b == expected => self.pos += 1,
                Some(_) => {
                    let context = format!(
                        "in literal {word} (expecting {})",
                        go_quote_rune(expected as char)
                    );
                    return Err(self.invalid_char(&context));
                }
            }
        }
        Ok(value)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// Requires one digit here (after `-`, `.`, or the exponent marker and sign).
    fn need_digit(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            None => Err(JsonError::UnexpectedEof),
            Some(b'0'..=b'9') => Ok(()),
            Some(_) => Err(self.invalid_char("in numeric literal")),
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            self.need_digit()?;
        }
        if self.peek() == Some(b'0') {
            // A leading zero ends the integer part: `01` is `0` then a stray `1`.
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.need_digit()?;
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.need_digit()?;
            self.digits();
        }
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or("0");
        // With arbitrary_precision the number keeps its literal text, like Go's json.Number.
        serde_json::from_str::<Value>(text).map_err(|e| JsonError::Syntax(e.to_string()))
    }

    /// A string literal (the reader sits on its opening quote), decoded as Go does.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(JsonError::UnexpectedEof);
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let c = self.escape()?;
                    out.push(c);
                }
                0..=0x1f => return Err(self.invalid_char("in string")),
                _ => {
                    let rest = &self.bytes[self.pos..];
                    match first_char(rest) {
                        Some(c) => {
                            out.push(c);
                            self.pos += c.len_utf8();
                        }
                        None => {
                            out.push('\u{FFFD}');
                            self.pos += 1;
                        }
                    }
                }
            }
        }
    }

    /// One escape sequence (the reader sits on its backslash).
    fn escape(&mut self) -> Result<char, JsonError> {
        let start = self.pos;
        let Some(kind) = self.bytes.get(start + 1).copied() else {
            return Err(JsonError::UnexpectedEof);
        };
        let simple = match kind {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(c) = simple {
            self.pos += 2;
            return Ok(c);
        }
        if kind != b'u' {
            return Err(self.bad_escape(start, 2));
        }
        let unit = self.hex4(start)?;
        self.pos = start + 6;
        if (0xD800..0xDC00).contains(&unit) {
            // A high surrogate combines with an immediately following low one.
            if self.bytes.get(self.pos) == Some(&b'\\')
                && self.bytes.get(self.pos + 1) == Some(&b'u')
            {
                if let Ok(low) = self.hex4(self.pos) {
                    if (0xDC00..0xE000).contains(&low) {
                        self.pos += 6;
                        let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
                    }
                }
            }
            return Ok('\u{FFFD}');
        }
        Ok(char::from_u32(unit).unwrap_or('\u{FFFD}'))
    }

    /// The four hex digits of `\uXXXX` starting at `start` (the backslash).
    fn hex4(&self, start: usize) -> Result<u32, JsonError> {
        let mut unit = 0u32;
        for i in 0..4 {
            let Some(b) = self.bytes.get(start + 2 + i).copied() else {
                return Err(JsonError::UnexpectedEof);
            };
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.bad_escape(start, 6)),
            };
            unit = unit * 16 + u32::from(digit);
        }
        Ok(unit)
    }

    /// `invalid escape sequence <seq> in string`, the sequence quoted as Go's `%#q`.
    fn bad_escape(&self, start: usize, len: usize) -> JsonError {
        let end = (start + len).min(self.bytes.len());
        let seq = &self.bytes[start..end];
        JsonError::Syntax(format!(
            "invalid escape sequence {} in string",
            go_backquote_or_quote(seq)
        ))
    }
}

/// The first UTF-8 character of `bytes`, if they start with a valid one.
fn first_char(bytes: &[u8]) -> Option<char> {
    let len = match bytes.first()? {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    let head = bytes.get(..len)?;
    std::str::from_utf8(head).ok()?.chars().next()
}

/// Go's `%#q` of a byte string: back-quoted when `strconv.CanBackquote`, else `strconv.Quote`.
fn go_backquote_or_quote(bytes: &[u8]) -> String {
    let can_backquote = match std::str::from_utf8(bytes) {
        Ok(s) => s
            .chars()
            .all(|c| !((c < ' ' && c != '\t') || c == '`' || c == '\u{7f}' || c == '\u{feff}')),
        Err(_) => false,
    };
    if can_backquote {
        format!("`{}`", String::from_utf8_lossy(bytes))
    } else {
        go_quote_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    /// A JSON number keeping its literal text (arbitrary_precision).
    fn j(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_default()
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn run(list: &[&str], input: Option<&str>) -> Result<Value, String> {
        let input = input.map(str::to_string);
        let mut calls = 0;
        let mut stdin = || {
            calls += 1;
            input
                .clone()
                .ok_or_else(|| std::io::Error::other("no stdin in this test"))
        };
        build(&args(list), &mut stdin)
            .map(Value::Object)
            .map_err(|e| e.to_string())
    }

    /// A file under the system temp dir with a unique name, removed on drop.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(tag: &str, contents: &[u8]) -> TempFile {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let path =
                std::env::temp_dir().join(format!("jwtvault-kv-{}-{n}-{tag}", std::process::id()));
            std::fs::write(&path, contents).expect("write temp file");
            TempFile(path)
        }
        fn path(&self) -> String {
            self.0.to_string_lossy().into_owned()
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn key_value_forms() {
        let cases: &[(&[&str], Value)] = &[
            (&[], json!({})),
            (&["", "a=1", ""], json!({"a": "1"})),
            (
                &["claim_mappings=email=mail"],
                json!({"claim_mappings": "email=mail"}),
            ),
            (&["=v"], json!({"": "v"})),
            (&["="], json!({"": ""})),
            (&["a="], json!({"a": ""})),
            (&["k=\\@x"], json!({"k": "@x"})),
            (&["k=\\@"], json!({"k": "@"})),
            (
                &["k=\\x", "l=\\", "m=\\\\@x"],
                json!({"k": "\\x", "l": "\\", "m": "\\\\@x"}),
            ),
            (&["a=1", "a=2", "a=3"], json!({"a": ["1", "2", "3"]})),
            (&["a=1", "b=2", "a=3"], json!({"a": ["1", "3"], "b": "2"})),
            (&["n=12", "t=true"], json!({"n": "12", "t": "true"})),
        ];
        for (input, want) in cases {
            assert_eq!(run(input, None).as_ref(), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn bad_pairs() {
        let cases: &[(&[&str], &str)] = &[
            (
                &["foo"],
                r#"invalid key/value pair "foo": format must be key=value"#,
            ),
            (
                &["a=1", "foo"],
                r#"invalid key/value pair "foo": format must be key=value"#,
            ),
            (
                &["a\tb"],
                r#"invalid key/value pair "a\tb": format must be key=value"#,
            ),
            (
                &["é\"\\x"],
                r#"invalid key/value pair "é\"\\x": format must be key=value"#,
            ),
            (
                &["x=@/nonexistent/kvfields"],
                r#"invalid key/value pair "x=@/nonexistent/kvfields": error reading file: open /nonexistent/kvfields: no such file or directory"#,
            ),
            (
                &["@/nonexistent/kvfields"],
                r#"invalid key/value pair "@/nonexistent/kvfields": open /nonexistent/kvfields: no such file or directory"#,
            ),
            (
                &["@"],
                r#"invalid key/value pair "@": open : no such file or directory"#,
            ),
            (
                &["x=@"],
                r#"invalid key/value pair "x=@": error reading file: open : no such file or directory"#,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(run(input, None), Err(want.to_string()), "{input:?}");
        }
    }

    #[test]
    fn directory_as_file() {
        let dir = std::env::temp_dir();
        let d = dir.to_string_lossy();
        assert_eq!(
            run(&[&format!("x=@{d}")], None),
            Err(format!(
                "invalid key/value pair \"x=@{d}\": error reading file: read {d}: is a directory"
            ))
        );
        assert_eq!(
            run(&[&format!("@{d}")], None),
            Err(format!(
                "invalid key/value pair \"@{d}\": read {d}: is a directory"
            ))
        );
    }

    #[test]
    fn file_values() {
        let raw = TempFile::new("raw", b"secret\n");
        let invalid = TempFile::new("bin", b"a\xe2\x82b\xff");
        let p = raw.path();
        assert_eq!(
            run(&[&format!("k=@{p}")], None),
            Ok(json!({"k": "secret\n"}))
        );
        // A raw file value is never parsed as JSON.
        let js = TempFile::new("js", br#"{"a":1}"#);
        assert_eq!(
            run(&[&format!("k=@{}", js.path())], None),
            Ok(json!({"k": "{\"a\":1}"}))
        );
        // Each invalid byte becomes one U+FFFD, as Go's JSON encoder sends it.
        assert_eq!(
            run(&[&format!("k=@{}", invalid.path())], None),
            Ok(json!({"k": "a\u{FFFD}\u{FFFD}b\u{FFFD}"}))
        );
        // `n=@@x` reads the file named `@x`.
        assert_eq!(
            run(&["n=@@kvfields-none"], None),
            Err(r#"invalid key/value pair "n=@@kvfields-none": error reading file: open @kvfields-none: no such file or directory"#.to_string())
        );
    }

    #[test]
    fn json_files_merge() {
        let obj = TempFile::new("obj", br#"{"b":2,"a":{"y":1.50}} trailing junk"#);
        let null = TempFile::new("null", b"null");
        let dup = TempFile::new(
            "dup",
            br#"{"a":1,"a":2,"b":"\ud800x\ud83d\ude00","c":"\u00e9\ud83d"}"#,
        );
        assert_eq!(
            run(&["a=1", "c=3", &format!("@{}", obj.path())], None),
            Ok(json!({"a": {"y": j("1.50")}, "b": 2, "c": "3"}))
        );
        // Numbers keep their literal text.
        let got = run(&[&format!("@{}", obj.path())], None).unwrap_or_default();
        assert_eq!(got["a"]["y"].to_string(), "1.50");
        // Later arguments override / extend merged keys.
        assert_eq!(
            run(&[&format!("@{}", obj.path()), "b=x", "b=y"], None),
            Ok(json!({"a": {"y": j("1.50")}, "b": [2, "x", "y"]}))
        );
        // JSON null resets the map (Go sets it to nil).
        assert_eq!(
            run(&["a=1", &format!("@{}", null.path()), "b=2"], None),
            Ok(json!({"b": "2"}))
        );
        assert_eq!(
            run(&["a=1", &format!("@{}", null.path())], None),
            Ok(json!({}))
        );
        assert_eq!(
            run(&[&format!("@{}", dup.path())], None),
            Ok(json!({"a": 2, "b": "\u{FFFD}x😀", "c": "é\u{FFFD}"}))
        );
    }

    #[test]
    fn repeated_key_after_json_values() {
        let input = r#"{"a":null,"b":{},"c":{"x":1},"d":[1],"e":5,"f":true,"g":"s"}"#;
        assert_eq!(
            run(
                &["-", "a=1", "b=1", "c=1", "d=1", "e=1", "f=1", "g=1", "g=2"],
                Some(input)
            ),
            Ok(
                json!({"a":["1"],"b":["1"],"c":[{"x":1},"1"],"d":[1,"1"],"e":[5,"1"],"f":[true,"1"],"g":["s","1","2"]})
            )
        );
    }

    #[test]
    fn stdin_forms() {
        assert_eq!(
            run(&["k=-", "k=x"], Some("hello\n")),
            Ok(json!({"k": ["hello\n", "x"]}))
        );
        assert_eq!(
            run(&["a=1", "-", "a=2"], Some(r#"{"b":2}"#)),
            Ok(json!({"a": ["1", "2"], "b": 2}))
        );
        let consumed = Err(r#"invalid key/value pair "-": stdin already consumed"#.to_string());
        assert_eq!(run(&["-", "-"], Some("{}")), consumed);
        assert_eq!(run(&["k=-", "-"], Some("{}")), consumed);
        assert_eq!(
            run(&["-", "k=-"], Some("{}")),
            Err(r#"invalid key/value pair "k=-": stdin already consumed"#.to_string())
        );
    }

    #[test]
    fn stdin_is_read_at_most_once() {
        let mut calls = 0;
        let mut stdin = || {
            calls += 1;
            Ok("{}".to_string())
        };
        let result = build(&args(&["-", "k=-"]), &mut stdin);
        assert!(result.is_err());
        assert_eq!(calls, 1);
        let mut calls = 0;
        let mut stdin = || {
            calls += 1;
            Ok(String::new())
        };
        assert!(build(&args(&["a=b"]), &mut stdin).is_ok());
        assert_eq!(calls, 0);
    }

    #[test]
    fn json_decode_errors_match_go() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "EOF"),
            (b"  \n\t", "EOF"),
            (b"{\"a\":", "unexpected EOF"),
            (b"{\"a\"", "unexpected EOF"),
            (b"{\"a", "unexpected EOF"),
            (b"{\"a\":1", "unexpected EOF"),
            (b"{\"a\":\"\\", "unexpected EOF"),
            (b"{\"a\":\"\\u12", "unexpected EOF"),
            (b"{\"a\":t", "unexpected EOF"),
            (b"{\"a\":-", "unexpected EOF"),
            (b"{\"a\":1.", "unexpected EOF"),
            (b"[1,", "unexpected EOF"),
            (
                b"[1,2]",
                "json: cannot unmarshal array into Go value of type map[string]interface {}",
            ),
            (
                b"\"str\"",
                "json: cannot unmarshal string into Go value of type map[string]interface {}",
            ),
            (
                b"1",
                "json: cannot unmarshal number into Go value of type map[string]interface {}",
            ),
            (
                b"123x",
                "json: cannot unmarshal number into Go value of type map[string]interface {}",
            ),
            (
                b"true",
                "json: cannot unmarshal bool into Go value of type map[string]interface {}",
            ),
            (
                b"{\"a\":1,}",
                "invalid character '}' looking for beginning of object key string",
            ),
            (
                b"{\"a\":1,,}",
                "invalid character ',' looking for beginning of object key string",
            ),
            (
                b"{1:2}",
                "invalid character '1' looking for beginning of object key string",
            ),
            (
                b"{\x01}",
                "invalid character '\\x01' looking for beginning of object key string",
            ),
            (b"{\"a\"1}", "invalid character '1' after object key"),
            (b"{\"a\"\x01}", "invalid character '\\x01' after object key"),
            (
                b"{\"a\":1 x}",
                "invalid character 'x' after object key:value pair",
            ),
            (
                b"{\"a\":01}",
                "invalid character '1' after object key:value pair",
            ),
            (
                b"{\"a\":-01}",
                "invalid character '1' after object key:value pair",
            ),
            (
                b"{\"a\":1.5e3x}",
                "invalid character 'x' after object key:value pair",
            ),
            (
                b"{\"a\":falsey}",
                "invalid character 'y' after object key:value pair",
            ),
            (
                b"{\"a\":1\xe2\x82\xac}",
                "invalid character '\u{20ac}' after object key:value pair",
            ),
            (
                b"{\"a\":[1 2]}",
                "invalid character '2' after array element",
            ),
            (
                b"[1,]",
                "invalid character ']' looking for beginning of value",
            ),
            (
                b"[,1]",
                "invalid character ',' looking for beginning of value",
            ),
            (
                b"{\"a\":]}",
                "invalid character ']' looking for beginning of value",
            ),
            (
                b"{\"a\":+1}",
                "invalid character '+' looking for beginning of value",
            ),
            (
                b"{\"a\":.5}",
                "invalid character '.' looking for beginning of value",
            ),
            (b"x", "invalid character 'x' looking for beginning of value"),
            (
                b"'",
                "invalid character '\\'' looking for beginning of value",
            ),
            (
                b"\xc3\xa9",
                "invalid character '\u{e9}' looking for beginning of value",
            ),
            (
                b"\x80",
                "invalid character '\\x80' looking for beginning of value",
            ),
            (
                b"\xef\xbb\xbf{}",
                "invalid character '\\ufeff' looking for beginning of value",
            ),
            (b"{\"a\":1e}", "invalid character '}' in numeric literal"),
            (b"{\"a\":1e+}", "invalid character '}' in numeric literal"),
            (b"{\"a\":1.}", "invalid character '}' in numeric literal"),
            (b"{\"a\":1.x}", "invalid character 'x' in numeric literal"),
            (b"{\"a\":-x}", "invalid character 'x' in numeric literal"),
            (
                b"{\"a\":1e\xc3\xa9}",
                "invalid character '\u{e9}' in numeric literal",
            ),
            (
                b"{\"a\":tx}",
                "invalid character 'x' in literal true (expecting 'r')",
            ),
            (
                b"{\"a\":t\x01}",
                "invalid character '\\x01' in literal true (expecting 'r')",
            ),
            (
                b"{\"a\":tru}",
                "invalid character '}' in literal true (expecting 'e')",
            ),
            (
                b"{\"a\":fals}",
                "invalid character '}' in literal false (expecting 'e')",
            ),
            (
                b"{\"a\":nul}",
                "invalid character '}' in literal null (expecting 'l')",
            ),
            (b"{\"a\":\"\x01\"}", "invalid character '\\x01' in string"),
            (b"{\"a\":\"\t\"}", "invalid character '\\t' in string"),
            (
                b"{\"a\":\"\\q\"}",
                "invalid escape sequence `\\q` in string",
            ),
            (
                b"{\"a\":\"\\'\"}",
                "invalid escape sequence `\\'` in string",
            ),
            (
                b"{\"a\":\"\\u12g\"}",
                "invalid escape sequence `\\u12g\"` in string",
            ),
            (
                b"{\"a\":\"\\u12\"}",
                "invalid escape sequence `\\u12\"}` in string",
            ),
            (
                b"{\"a\":\"\\\x01\"}",
                "invalid escape sequence \"\\\\\\x01\" in string",
            ),
            (
                b"{\"a\":\"\\u\x01\"}",
                "invalid escape sequence \"\\\\u\\x01\\\"}\" in string",
            ),
            (
                b"{\"a\":\"\\\xc3\xa9\"}",
                "invalid escape sequence \"\\\\\\xc3\" in string",
            ),
        ];
        for (bytes, want) in cases {
            let file = TempFile::new("bad", bytes);
            let arg = format!("@{}", file.path());
            assert_eq!(
                run(&[&arg], None),
                Err(format!("invalid key/value pair {}: {want}", go_quote(&arg))),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
            // stdin goes through the same reader (only valid UTF-8 reaches it).
            if let Ok(text) = std::str::from_utf8(bytes) {
                assert_eq!(
                    run(&["-"], Some(text)),
                    Err(format!("invalid key/value pair \"-\": {want}")),
                    "stdin {text:?}"
                );
            }
        }
    }

    #[test]
    fn json_values_accepted() {
        let cases: &[(&[u8], Value)] = &[
            (b"\n\n  {\"a\":1}", json!({"a": 1})),
            (b"{\"a\":{\"b\":1}}}", json!({"a": {"b": 1}})),
            (
                b"{\"a\":[1,2],\"b\":{\"c\":null},\"d\":[],\"e\":{}}",
                json!({"a":[1,2],"b":{"c":null},"d":[],"e":{}}),
            ),
            (b"{\"a\":\"x\x7f\"}", json!({"a": "x\u{7f}"})),
            (b"{\"a\":\"x\xff\xfe\"}", json!({"a": "x\u{FFFD}\u{FFFD}"})),
            (b"{\"a\":\"\\uD800\"}", json!({"a": "\u{FFFD}"})),
            (
                b"{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
                json!({"a": "\"\\/\u{8}\u{c}\n\r\t"}),
            ),
            (b"{\"a\":true,\"b\":0}", json!({"a": true, "b": 0})),
            (
                b"{\"a\":true,\"b\":false,\"c\":null}",
                json!({"a": true, "b": false, "c": null}),
            ),
        ];
        for (bytes, want) in cases {
            let file = TempFile::new("ok", bytes);
            assert_eq!(
                run(&[&format!("@{}", file.path())], None).as_ref(),
                Ok(want),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        let file = TempFile::new("num", b"{\"a\":-0.5e+3,\"c\":1E2}");
        let got = run(&[&format!("@{}", file.path())], None).unwrap_or_default();
        assert_eq!(got["a"].to_string(), "-0.5e+3");
        // serde_json normalises the exponent marker (Go would keep `1E2`).
        assert_eq!(got["c"].to_string(), "1e+2");
    }

    #[test]
    fn nesting_limit() {
        let deep = |n: usize| format!("{{\"a\":{}{}}}", "[".repeat(n), "]".repeat(n));
        assert!(read_first_json_value(deep(MAX_DEPTH - 1).as_bytes()).is_ok());
        assert_eq!(
            read_first_json_value(deep(MAX_DEPTH).as_bytes()),
            Err(JsonError::Syntax("exceeded max depth".to_string()))
        );
        let arrays = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(
            read_first_json_value(arrays.as_bytes()),
            Err(JsonError::Syntax("exceeded max depth".to_string()))
        );
    }

    #[test]
    fn errno_text_is_go_style() {
        let e = std::io::Error::from_raw_os_error(13);
        assert_eq!(go_errno_text(&e), "permission denied");
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(go_errno_text(&e), "no such file or directory");
    }
}
