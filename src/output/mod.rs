//! Every byte the user sees, rendered as the Vault CLI renders it.
//!
//! This module owns the text: Vault's `Key`/`Value` tables (columnize with `n/a`), Go `%v`
//! and `%q` value rendering, humanised durations, the JSON envelope (Go `MarshalIndent` with
//! its HTML escaping), the YAML output (through `crate::yaml`, the go-yaml v2 emitter port),
//! `-field` lookups, the warnings block, the kr/text minimum-raggedness wrap, API error text with jwtvault's `Hint:` block, the login banner
//! and the ANSI colours.
//!
//! It must not do I/O, read the environment or decide exit codes: it returns strings and the
//! caller writes them to stdout or stderr. Convention: every function that renders a whole
//! block returns exactly the bytes to write, trailing newline included (an empty string means
//! "print nothing"); only the value helpers (`format_value`, `go_duration`, `human_duration`,
//! `wrap_at_length`) return bare text. `field` is the one exception: it returns the raw value,
//! and the caller appends `\n` only when stdout is a terminal (Vault's `PrintRaw`).

pub mod kv;
pub mod mounts;
pub mod printer;

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::api::{ApiError, Auth, RemoteError, RemoteFailure, Response};
use crate::gofmt::{format_value, go_quote, human_duration};
use crate::yaml;

/// The `-format` values that render a response (raw is `Table` for `-field`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Yaml,
}

/// Go's `%q` on a `[]string`: `["a" "b"]`; an empty (nil) list is `[]`.
fn go_quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", quoted.join(" "))
}

fn looks_like_duration(k: &str) -> bool {
    k == "period"
        || k.ends_with("_period")
        || k == "ttl"
        || k.ends_with("_ttl")
        || k == "duration"
        || k.ends_with("_duration")
        || k == "lease_max"
        || k == "ttl_max"
}

/// Vault's `humanDurationInt` on a data value: only integer JSON numbers change.
fn humanize_value(v: &Value) -> String {
    if let Value::Number(n) = v {
        if let Ok(secs) = n.to_string().parse::<i64>() {
            return human_duration(secs);
        }
    }
    format_value(v)
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/// Vault's `tableOutput`: a header row, a dashed underline, then the rows, laid out by
/// columnize (cells trimmed, empty cells `n/a`, 4-space gaps, the last column unpadded).
/// Returns the block with its trailing newline.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut lines: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 2);
    lines.push(headers.iter().map(|h| h.to_string()).collect());
    // Go repeats `-` len(header) times: bytes, which is the same for ASCII headers.
    lines.push(headers.iter().map(|h| "-".repeat(h.trim().len())).collect());
    lines.extend(rows.iter().cloned());
    columnize(&lines)
}

/// Writes every character Go's `strconv.IsPrint` rejects (controls such as ESC, newline and
/// tab, DEL, the C1 controls, format characters such as the bidi overrides, spaces other than
/// U+0020) visibly, as Go's `%q` escapes them (`\x1b`, `\n`, `\u202e`) but without quotes;
/// characters in `keep` pass through. A terminal never receives an escape sequence or a
/// line break from a stored value this way; a backslash is left as it is, so ordinary values
/// print exactly as Vault prints them.
pub fn escape_nonprintable<'a>(s: &'a str, keep: &[char]) -> std::borrow::Cow<'a, str> {
    let visible = |c: char| c == ' ' || crate::gofmt::go_is_print(c) || keep.contains(&c);
    if s.chars().all(visible) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if visible(c) {
            out.push(c);
        } else {
            let q = crate::gofmt::go_quote_rune(c);
            out.push_str(&q[1..q.len() - 1]);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// ryanuber/columnize with Vault's config, plus the newline `ui.Output` adds. Cells are
/// trimmed and their non-printable characters escaped ([`escape_nonprintable`]): one row is
/// one line, whatever a stored name or value holds.
fn columnize(lines: &[Vec<String>]) -> String {
    let cells: Vec<Vec<String>> = lines
        .iter()
        .map(|line| {
            line.iter()
                .map(|c| {
                    let t = c.trim();
                    if t.is_empty() {
                        "n/a".to_string()
                    } else {
                        escape_nonprintable(t, &[]).into_owned()
                    }
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = Vec::new();
    for line in &cells {
        for (i, c) in line.iter().enumerate() {
            let w = c.chars().count();
            match widths.get_mut(i) {
                Some(cur) => *cur = (*cur).max(w),
                None => widths.push(w),
            }
        }
    }
    let mut out = String::new();
    for line in &cells {
        for (i, c) in line.iter().enumerate() {
            if i + 1 == line.len() {
                out.push_str(c);
            } else {
                out.push_str(c);
                let pad = widths[i].saturating_sub(c.chars().count());
                out.extend(std::iter::repeat_n(' ', pad + 4));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn non_printable_characters_are_escaped_visibly() {
        assert_eq!(escape_nonprintable("plain café ✓", &[]), "plain café ✓");
        assert_eq!(
            escape_nonprintable("a\u{1b}[31mred\u{7}\u{7f}\u{85}\u{202e}\u{a0}b", &[]),
            r"a\x1b[31mred\a\x7f\u0085\u202e\u00a0b"
        );
        assert_eq!(escape_nonprintable("l1\nl2\tx", &[]), r"l1\nl2\tx");
        assert_eq!(escape_nonprintable("l1\nl2\tx", &['\n']), "l1\nl2\\tx");
        // A backslash stays as it is: ordinary values print as Vault prints them.
        assert_eq!(escape_nonprintable(r"C:\dir\x1b", &[]), r"C:\dir\x1b");
    }

    #[test]
    fn every_table_cell_is_one_line_without_escape_sequences() {
        let rows = vec![
            vec![
                "evil\u{1b}]0;title\u{7}".to_string(),
                "a\nfake    row".to_string(),
            ],
            vec!["ok".to_string(), "x\r\u{1b}[2Kspoof".to_string()],
        ];
        // The first column is 18 characters wide once escaped, then the 4-space gap.
        assert_eq!(
            table(&["Key", "Value"], &rows),
            format!(
                "{:22}Value\n{:22}-----\n{:22}a\\nfake    row\n{:22}x\\r\\x1b[2Kspoof\n",
                "Key", "---", r"evil\x1b]0;title\a", "ok"
            )
        );
        assert_eq!(
            list_keys(&["a\u{1b}b".to_string()], Format::Table),
            "Keys\n----\na\\x1bb\n"
        );
    }

    #[test]
    fn errors_hints_and_warnings_escape_all_but_their_layout() {
        let e = ApiError {
            code: 400,
            errors: vec!["1 error occurred:\n\t* bad \u{1b}[1mname\n\n".into()],
            hints: vec!["claim \u{9b}x\nsecond\tline".into()],
            explain: None,
        };
        assert_eq!(
            api_error("Error writing data to auth/jwt/role/a\u{1b}b", &e),
            "Error writing data to auth/jwt/role/a\\x1bb: Code: 400. Errors:\n\n\
             * 1 error occurred:\n\t* bad \\x1b[1mname\n\n\n\n\
             Hint: claim \\u009bx\n      second\tline\n"
        );
        assert_eq!(
            warnings_block(&["ignored [a\u{1b}b]".to_string()]),
            format!("{WARN_HEADER}\n\n  * ignored [a\\x1bb]\n\n")
        );
    }
}

/// The `Key`/`Value` table of a response (§3.1), or `""` when there is nothing to show.
/// Warnings are not part of it: print [`warnings_block`] to stderr first.
pub fn secret_table(resp: &Response) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    if let Some(auth) = &resp.auth {
        rows.push(vec!["token".into(), auth.client_token.expose().to_string()]);
        rows.push(vec!["token_accessor".into(), auth.accessor.clone()]);
        let duration = if auth.lease_duration == 0 {
            "∞".to_string()
        } else {
            human_duration(auth.lease_duration)
        };
        rows.push(vec!["token_duration".into(), duration]);
        rows.push(vec!["token_renewable".into(), auth.renewable.to_string()]);
        rows.push(vec![
            "token_policies".into(),
            go_quote_list(&auth.token_policies),
        ]);
        rows.push(vec![
            "identity_policies".into(),
            go_quote_list(&auth.identity_policies),
        ]);
        rows.push(vec!["policies".into(), go_quote_list(&auth.policies)]);
        // Vault walks the metadata map in random order; sorted is the stable choice.
        for (k, v) in &auth.metadata {
            rows.push(vec![format!("token_meta_{k}"), v.clone()]);
        }
    }
    if let Some(data) = &resp.data {
        for (k, v) in data {
            let cell = if looks_like_duration(k) {
                humanize_value(v)
            } else {
                format_value(v)
            };
            rows.push(vec![k.clone(), cell]);
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    table(&["Key", "Value"], &rows)
}

// ---------------------------------------------------------------------------------------------
// JSON (Go encoding/json MarshalIndent with two spaces)
// ---------------------------------------------------------------------------------------------

/// A JSON value whose objects may keep the field order given: Go marshals struct fields in
/// declaration order (e.g. the `auth list -format=json` mount objects) and map keys sorted
/// (a plain [`Value`]). YAML output sorts every key anyway.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A plain JSON value; its object keys print sorted.
    Value(Value),
    /// An object whose fields print in this order.
    Ordered(Vec<(String, Node)>),
}

impl From<Value> for Node {
    fn from(v: Value) -> Self {
        Node::Value(v)
    }
}

/// [`to_json`] for a [`Node`]: struct-ordered objects, indented, with a trailing newline.
pub fn to_json_ordered(node: &Node) -> String {
    let mut out = String::new();
    write_json_node(&mut out, node, 0);
    out.push('\n');
    out
}

/// [`to_yaml`] for a [`Node`] (YAML sorts the keys, so the order given does not matter).
pub fn to_yaml_ordered(node: &Node) -> String {
    to_yaml(&node_to_value(node.clone()))
}

/// Go's `json.MarshalIndent(v, "", "  ")` plus the newline `ui.Output` adds.
pub fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write_json_value(&mut out, v, 0);
    out.push('\n');
    out
}

fn write_json_node(out: &mut String, node: &Node, level: usize) {
    match node {
        Node::Value(v) => write_json_value(out, v, level),
        Node::Ordered(fields) => {
            if fields.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_newline(out, level + 1);
                write_json_string(out, k);
                out.push_str(": ");
                write_json_node(out, v, level + 1);
            }
            json_newline(out, level);
            out.push('}');
        }
    }
}

fn write_json_value(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_newline(out, level + 1);
                write_json_value(out, item, level + 1);
            }
            json_newline(out, level);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_newline(out, level + 1);
                write_json_string(out, k);
                out.push_str(": ");
                write_json_value(out, item, level + 1);
            }
            json_newline(out, level);
            out.push('}');
        }
    }
}

fn json_newline(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// Go's JSON string encoding with HTML escaping (`<`, `>`, `&`) and U+2028/U+2029 escaped.
fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn string_list(items: &[String]) -> Value {
    // A Go nil slice marshals as null; jwtvault keeps empty lists as nil like Vault does.
    if items.is_empty() {
        Value::Null
    } else {
        Value::Array(items.iter().map(|s| Value::String(s.clone())).collect())
    }
}

fn auth_node(auth: &Auth) -> Node {
    let metadata = if auth.metadata.is_empty() {
        Value::Null
    } else {
        Value::Object(
            auth.metadata
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
    };
    Node::Ordered(vec![
        (
            "client_token".into(),
            Node::Value(auth.client_token.expose().into()),
        ),
        ("accessor".into(), Node::Value(auth.accessor.clone().into())),
        ("policies".into(), Node::Value(string_list(&auth.policies))),
        (
            "token_policies".into(),
            Node::Value(string_list(&auth.token_policies)),
        ),
        (
            "identity_policies".into(),
            Node::Value(string_list(&auth.identity_policies)),
        ),
        ("metadata".into(), Node::Value(metadata)),
        ("orphan".into(), Node::Value(auth.orphan.into())),
        (
            "entity_id".into(),
            Node::Value(auth.entity_id.clone().into()),
        ),
        (
            "lease_duration".into(),
            Node::Value(auth.lease_duration.into()),
        ),
        ("renewable".into(), Node::Value(auth.renewable.into())),
        ("mfa_requirement".into(), Node::Value(Value::Null)),
    ])
}

/// The secret envelope in Vault's field order. jwtvault has no leases, so those fields are
/// empty or zero; `request_id` is the response's.
fn secret_node(resp: &Response) -> Node {
    let data = match &resp.data {
        Some(map) => Value::Object(map.clone()),
        None => Value::Null,
    };
    let mut fields = vec![
        (
            "request_id".into(),
            Node::Value(Value::String(resp.request_id.clone())),
        ),
        ("lease_id".into(), Node::Value(Value::String(String::new()))),
        ("lease_duration".into(), Node::Value(0.into())),
        ("renewable".into(), Node::Value(false.into())),
        ("data".into(), Node::Value(data)),
        ("warnings".into(), Node::Value(string_list(&resp.warnings))),
    ];
    if let Some(auth) = &resp.auth {
        fields.push(("auth".into(), auth_node(auth)));
    }
    if let Some(mount_type) = resp.mount_type.as_ref().filter(|m| !m.is_empty()) {
        fields.push(("mount_type".into(), Node::Value(mount_type.clone().into())));
    }
    Node::Ordered(fields)
}

fn node_to_value(node: Node) -> Value {
    match node {
        Node::Value(v) => v,
        Node::Ordered(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k, node_to_value(v)))
                .collect::<Map<String, Value>>(),
        ),
    }
}

/// `-format=json` of a response: the whole envelope, indented, with a trailing newline.
pub fn secret_json(resp: &Response) -> String {
    to_json_ordered(&secret_node(resp))
}

/// `-format=yaml` of a response: the envelope through JSON into YAML (keys sorted).
pub fn secret_yaml(resp: &Response) -> String {
    to_yaml(&node_to_value(secret_node(resp)))
}

/// Vault's YAML output of any value: go-yaml's text, whitespace-trimmed, plus a newline.
pub fn to_yaml(v: &Value) -> String {
    let mut s = yaml::marshal(v).trim().to_string();
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// -field, lists, capabilities
// ---------------------------------------------------------------------------------------------

/// A `-field` value: either a JSON value or a Go nil `[]string` (`[]` with `%v`, `null` in JSON).
enum FieldValue {
    Value(Value),
    NilList,
}

/// `-field=NAME` (§3.5): the value's text, or `None` when the field is not present (the
/// caller prints `Field "NAME" not present in secret` and exits 1). The text has no trailing
/// newline from the value itself (YAML keeps go-yaml's own final newline); the caller appends
/// `\n` only when stdout is a terminal.
pub fn field(resp: &Response, name: &str, format: Format) -> Option<String> {
    let data_field = |name: &str| -> Option<FieldValue> {
        match resp.data.as_ref()?.get(name)? {
            Value::Null => None,
            v => Some(FieldValue::Value(v.clone())),
        }
    };
    let list = |items: &[String]| -> FieldValue {
        if items.is_empty() {
            FieldValue::NilList
        } else {
            FieldValue::Value(string_list(items))
        }
    };
    let value = match &resp.auth {
        Some(auth) => match name {
            "token" => FieldValue::Value(auth.client_token.expose().into()),
            "token_accessor" => FieldValue::Value(auth.accessor.clone().into()),
            "token_duration" => FieldValue::Value(auth.lease_duration.into()),
            "token_renewable" => FieldValue::Value(auth.renewable.into()),
            "token_policies" => list(&auth.token_policies),
            "identity_policies" => list(&auth.identity_policies),
            "policies" => list(&auth.policies),
            _ => data_field(name)?,
        },
        None => match name {
            "lease_id" => FieldValue::Value(String::new().into()),
            "request_id" => FieldValue::Value(resp.request_id.clone().into()),
            "lease_duration" | "refresh_interval" => FieldValue::Value(0.into()),
            "renewable" => FieldValue::Value(false.into()),
            "data" => match &resp.data {
                // Vault returns data.data when it exists (kv v2), else the whole map; a
                // present-but-null data.data is Go's nil, so "not present".
                Some(map) => match map.get("data") {
                    Some(Value::Null) => return None,
                    Some(inner) => FieldValue::Value(inner.clone()),
                    None => FieldValue::Value(Value::Object(map.clone())),
                },
                None => FieldValue::Value(Value::Null),
            },
            _ => data_field(name)?,
        },
    };
    Some(match (value, format) {
        (FieldValue::NilList, Format::Table) => "[]".to_string(),
        // A nil data map: `%v` prints an empty map.
        (FieldValue::Value(Value::Null), Format::Table) => "map[]".to_string(),
        (FieldValue::Value(v), Format::Table) => format_value(&v),
        (FieldValue::NilList, Format::Json) => "null".to_string(),
        (FieldValue::Value(v), Format::Json) => {
            let mut out = String::new();
            write_json_value(&mut out, &v, 0);
            out
        }
        (FieldValue::NilList, Format::Yaml) => yaml::marshal(&Value::Null),
        (FieldValue::Value(v), Format::Yaml) => yaml::marshal(&v),
    })
}

/// `list` output: a `Keys` table of the sorted keys, or the keys array as the handler gave
/// it in JSON/YAML (`{}` when there are none; the caller exits 2 then).
pub fn list_keys(keys: &[String], format: Format) -> String {
    match format {
        Format::Table => {
            let mut sorted = keys.to_vec();
            sorted.sort();
            let rows: Vec<Vec<String>> = sorted.into_iter().map(|k| vec![k]).collect();
            table(&["Keys"], &rows)
        }
        Format::Json | Format::Yaml if keys.is_empty() => {
            format_data(&Value::Object(Map::new()), format)
        }
        Format::Json | Format::Yaml => format_data(&string_list(keys), format),
    }
}

/// `token capabilities`: sorted and comma-joined in table mode; the list as given otherwise.
pub fn capabilities(caps: &[String], format: Format) -> String {
    match format {
        Format::Table => {
            let mut sorted = caps.to_vec();
            sorted.sort();
            format!("{}\n", sorted.join(", "))
        }
        _ => {
            let list = Value::Array(caps.iter().map(|c| Value::String(c.clone())).collect());
            format_data(&list, format)
        }
    }
}

/// Vault's `OutputData` for JSON and YAML (table callers use [`table`] instead).
fn format_data(v: &Value, format: Format) -> String {
    match format {
        Format::Yaml => to_yaml(v),
        _ => to_json(v),
    }
}

// ---------------------------------------------------------------------------------------------
// Wrapping, warnings, banner
// ---------------------------------------------------------------------------------------------

/// kr/text `Wrap`: minimum-raggedness wrap of `text` at `limit` runes (§3.9).
pub fn wrap_at_length(text: &str, limit: usize) -> String {
    let flat = text.trim().replace('\n', " ");
    let words: Vec<&str> = flat.split(' ').collect();
    let n = words.len();
    let widths: Vec<i64> = words.iter().map(|w| w.chars().count() as i64).collect();
    // prefix[i] = total width of words[..i]; line i..=j is prefix[j+1]-prefix[i] + (j-i) spaces.
    let mut prefix = vec![0i64; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] + widths[i];
    }
    let length = |i: usize, j: usize| prefix[j + 1] - prefix[i] + (j - i) as i64;
    let lim = limit as i64;
    const PENALTY: i64 = 100_000;
    let mut cost = vec![i64::from(i32::MAX); n];
    let mut nbrk = vec![0usize; n];
    for i in (0..n).rev() {
        if length(i, n - 1) <= lim || i == n - 1 {
            cost[i] = 0;
            nbrk[i] = n;
        } else {
            for j in i + 1..n {
                let d = lim - length(i, j - 1);
                let mut c = d.saturating_mul(d).saturating_add(cost[j]);
                if length(i, j - 1) > lim {
                    c = c.saturating_add(PENALTY);
                }
                if c < cost[i] {
                    cost[i] = c;
                    nbrk[i] = j;
                }
            }
            // Only reachable with absurd inputs (costs beyond i32::MAX): break after one word
            // rather than loop forever.
            if nbrk[i] <= i {
                nbrk[i] = i + 1;
            }
        }
    }
    let mut lines = Vec::new();
    let mut i = 0;
    while i < n {
        lines.push(words[i..nbrk[i]].join(" "));
        i = nbrk[i];
    }
    lines.join("\n")
}

/// Vault's `wrapAtLengthWithPadding`: wrap at `78 - pad`, then indent every line by `pad`.
pub fn wrap_at_length_with_padding(text: &str, pad: usize) -> String {
    let indent = " ".repeat(pad);
    wrap_at_length(text, 78usize.saturating_sub(pad))
        .split('\n')
        .map(|line| format!("{indent}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

const WARN_HEADER: &str = "WARNING! The following warnings were returned from Vault:";

/// The stderr warnings block (§3.6), or `""` when there are no warnings.
pub fn warnings_block(warnings: &[String]) -> String {
    warnings_block_colored(warnings, false)
}

/// [`warnings_block`] in yellow, coloured per message as Vault's `ui.Warn` calls are.
pub fn warnings_block_colored(warnings: &[String], enabled: bool) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let warn = |s: &str| format!("{}\n", colorize(s, 33, enabled));
    let mut out = warn(&format!("{WARN_HEADER}\n"));
    for w in warnings {
        let w = escape_nonprintable(w, &['\n']);
        out.push_str(&warn(&wrap_at_length_with_padding(&format!("* {w}"), 2)));
        out.push_str(&warn(""));
    }
    out
}

/// The login banner (§3.9 and §4.7.2 step 10) with jwtvault's wording, followed by the blank
/// line that separates it from the auth table.
pub fn login_banner() -> String {
    let text = "Success! You are now authenticated. The token information displayed below \
                is already stored in the token helper. You do NOT need to run \"jwtvault login\" \
                again. Future jwtvault requests will automatically use this token.";
    format!("{}\n\n", wrap_at_length(text, 78))
}

// ---------------------------------------------------------------------------------------------
// Errors and colour
// ---------------------------------------------------------------------------------------------

/// An API error as contract §6 prints it: Vault's text without the `Error making API request.`
/// and `URL:` lines, errors joined as Vault joins them (no separator), then jwtvault's
/// `Hint:` block. Ends with a newline.
pub fn api_error(prefix: &str, err: &ApiError) -> String {
    // Non-printable characters are escaped, except the line breaks and tabs of Vault's own
    // layout (go-multierror's "1 error occurred:\n\t* …") and of multi-line hints.
    let mut out = lead(prefix);
    let _ = write!(out, "Code: {}. Errors:\n\n", err.code);
    for e in &err.errors {
        out.push_str("* ");
        out.push_str(&escape_nonprintable(e, &['\n', '\t']));
    }
    out.push('\n');
    push_hints(&mut out, &err.hints);
    out
}

/// What comes before an error's text: the command's context and `: `, or nothing when the
/// Vault CLI prints the error alone (the `kv` commands' preflight).
fn lead(prefix: &str) -> String {
    if prefix.is_empty() {
        String::new()
    } else {
        format!("{}: ", escape_nonprintable(prefix, &[]))
    }
}

/// jwtvault's `Hint:` block after an error's text (nothing when there are no hints).
fn push_hints(out: &mut String, hints: &[String]) {
    if hints.is_empty() {
        return;
    }
    out.push('\n');
    for (i, hint) in hints.iter().enumerate() {
        for (j, line) in hint.split('\n').enumerate() {
            let lead = if i == 0 && j == 0 { "Hint: " } else { "      " };
            out.push_str(lead);
            out.push_str(&escape_nonprintable(line, &['\t']));
            out.push('\n');
        }
    }
}

/// A failed request to a server (the command line as a client, contract §8), as the Vault CLI
/// prints it (`api.ResponseError`): `Error making API request.`, the `URL:` line, then the
/// errors (`Errors:`), or the body as it came (`Raw Message:`); a failure without an answer is
/// Go's `Get "<url>": …`. jwtvault's `Hint:` block follows when the server sent hints. Ends
/// with a newline.
pub fn remote_api_error(prefix: &str, failure: &RemoteFailure, hints: &[String]) -> String {
    let prefix = lead(prefix);
    let call = &failure.call;
    let (code, kind, body) = match &failure.error {
        RemoteError::Transport(text) => {
            let op = go_op(&call.method);
            return format!(
                "{prefix}{op} {}: {}\n",
                crate::gofmt::go_quote(&call.url),
                escape_nonprintable(text, &[])
            );
        }
        RemoteError::Decode(text) => {
            return format!("{prefix}{}\n", escape_nonprintable(text, &[]));
        }
        RemoteError::Raw { code, body } => (
            *code,
            "Raw Message",
            escape_nonprintable(body, &['\n', '\t']).into_owned(),
        ),
        RemoteError::Api(e) => {
            let mut joined = String::new();
            for err in &e.errors {
                joined.push_str("* ");
                joined.push_str(&escape_nonprintable(err, &['\n', '\t']));
            }
            (e.code, "Errors", joined)
        }
    };
    let mut out = format!(
        "{prefix}Error making API request.\n\nURL: {} {}\nCode: {code}. {kind}:\n\n{body}\n",
        call.method,
        escape_nonprintable(&call.url, &[])
    );
    push_hints(&mut out, hints);
    out
}

/// Go's `url.Error` operation for a method: `Get`, `Put`, `Post`, `Delete`.
fn go_op(method: &str) -> String {
    let lower = method.to_ascii_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// An API error for `-format=json`: `{"errors": [...]}` indented, with a trailing newline.
pub fn api_error_json(err: &ApiError) -> String {
    let errors = Value::Array(
        err.errors
            .iter()
            .map(|e| Value::String(e.clone()))
            .collect(),
    );
    let mut out = String::new();
    write_json_node(
        &mut out,
        &Node::Ordered(vec![("errors".into(), Node::Value(errors))]),
        0,
    );
    out.push('\n');
    out
}

fn colorize(s: &str, code: u8, enabled: bool) -> String {
    if enabled {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Wraps one stderr message in red (fatih/color); a trailing newline stays outside the colour.
pub fn colorize_error(s: &str, enabled: bool) -> String {
    match s.strip_suffix('\n') {
        Some(body) => format!("{}\n", colorize(body, 31, enabled)),
        None => colorize(s, 31, enabled),
    }
}

/// Wraps one stderr message in yellow; a trailing newline stays outside the colour.
pub fn colorize_warning(s: &str, enabled: bool) -> String {
    match s.strip_suffix('\n') {
        Some(body) => format!("{}\n", colorize(body, 33, enabled)),
        None => colorize(s, 33, enabled),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    fn data(v: Value) -> Option<Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// The login response of the JWT role used against OpenBao (bao output captured then).
    fn login_response() -> Response {
        let mut metadata = BTreeMap::new();
        metadata.insert("role".to_string(), "r".to_string());
        metadata.insert("mail".to_string(), "x@y".to_string());
        Response {
            data: None,
            auth: Some(Auth {
                client_token: "s.uqfZmMwGdnuHcS8ymypYEV12".into(),
                accessor: "Elv2tB9sj4oNtQchP1n6gOVA".into(),
                policies: strings(&["b", "default", "dev"]),
                token_policies: strings(&["b", "default", "dev"]),
                identity_policies: vec![],
                metadata,
                orphan: true,
                entity_id: "a2f8db28-6d47-927f-7e69-0661bd3e56ef".into(),
                lease_duration: 1800,
                renewable: true,
                token_type: "service".into(),
                num_uses: 0,
            }),
            warnings: strings(&[
                "TTL of \"1h\" exceeded the effective max_ttl of \"30m\"; TTL value is capped accordingly",
            ]),
            ..Response::default()
        }
    }

    #[test]
    fn table_lays_out_like_columnize() {
        let rows = vec![
            strings(&["jwt/", "jwt", "auth_jwt_661363eb", "", "n/a"]),
            strings(&[
                "token/",
                "token",
                "auth_token_be7543d4",
                "token based credentials",
                "n/a",
            ]),
        ];
        let got = table(
            &["Path", "Type", "Accessor", "Description", "Version"],
            &rows,
        );
        let want = "\
Path      Type     Accessor               Description                Version
----      ----     --------               -----------                -------
jwt/      jwt      auth_jwt_661363eb      n/a                        n/a
token/    token    auth_token_be7543d4    token based credentials    n/a
";
        assert_eq!(got, want);
    }

    #[test]
    fn table_trims_cells_counts_chars_and_leaves_last_column_unpadded() {
        let rows = vec![
            strings(&["  ∞∞  ", " x "]),
            strings(&["", "  "]),
            strings(&["a", "long value"]),
        ];
        let got = table(&["K", "V"], &rows);
        assert_eq!(
            got,
            "K      V\n-      -\n∞∞     x\nn/a    n/a\na      long value\n"
        );
        // Headers only.
        assert_eq!(table(&["Keys"], &[]), "Keys\n----\n");
    }

    #[test]
    fn secret_table_of_a_login() {
        let got = secret_table(&login_response());
        let want = "\
Key                  Value
---                  -----
token                s.uqfZmMwGdnuHcS8ymypYEV12
token_accessor       Elv2tB9sj4oNtQchP1n6gOVA
token_duration       30m
token_renewable      true
token_policies       [\"b\" \"default\" \"dev\"]
identity_policies    []
policies             [\"b\" \"default\" \"dev\"]
token_meta_mail      x@y
token_meta_role      r
";
        assert_eq!(got, want);
    }

    #[test]
    fn secret_table_root_and_batch_tokens() {
        let resp = Response {
            auth: Some(Auth {
                client_token: "b.AAAA".into(),
                accessor: String::new(),
                policies: strings(&["root"]),
                token_policies: strings(&["root"]),
                lease_duration: 0,
                ..Auth::default()
            }),
            ..Response::default()
        };
        let want = "\
Key                  Value
---                  -----
token                b.AAAA
token_accessor       n/a
token_duration       ∞
token_renewable      false
token_policies       [\"root\"]
identity_policies    []
policies             [\"root\"]
";
        assert_eq!(secret_table(&resp), want);
    }

    #[test]
    fn secret_table_of_token_lookup_data_matches_bao() {
        let resp = Response {
            data: data(json!({
                "accessor": "jEKr220nRvCsLMWemVwMJvpE",
                "creation_time": 1796006260,
                "creation_ttl": 0,
                "display_name": "token",
                "entity_id": "",
                "expire_time": null,
                "explicit_max_ttl": 0,
                "id": "root",
                "issue_time": "2026-11-30T02:37:40.519133955Z",
                "meta": null,
                "num_uses": 0,
                "orphan": true,
                "path": "auth/token/create",
                "policies": ["root"],
                "renewable": false,
                "ttl": 0,
                "type": "service"
            })),
            ..Response::default()
        };
        let want = "\
Key                 Value
---                 -----
accessor            jEKr220nRvCsLMWemVwMJvpE
creation_time       1796006260
creation_ttl        0s
display_name        token
entity_id           n/a
expire_time         <nil>
explicit_max_ttl    0s
id                  root
issue_time          2026-11-30T02:37:40.519133955Z
meta                <nil>
num_uses            0
orphan              true
path                auth/token/create
policies            [root]
renewable           false
ttl                 0s
type                service
";
        assert_eq!(secret_table(&resp), want);
    }

    #[test]
    fn secret_table_humanises_only_integer_duration_keys() {
        let resp = Response {
            data: data(
                serde_json::from_str(
                    r#"{"token_ttl": 3600, "token_max_ttl": "90", "period": 90.0,
                        "lease_max": 2764800, "ttl_max": 60, "token_period": -60,
                        "duration": 5400, "some_duration": 1.5, "max_age": 3600,
                        "clock_skew_leeway": 60, "ttl_other": 60, "xttl": 60}"#,
                )
                .unwrap(),
            ),
            ..Response::default()
        };
        let want = "\
Key                  Value
---                  -----
clock_skew_leeway    60
duration             1h30m
lease_max            768h
max_age              3600
period               90.0
some_duration        1.5
token_max_ttl        90
token_period         -1m
token_ttl            1h
ttl_max              1m
ttl_other            60
xttl                 60
";
        assert_eq!(secret_table(&resp), want);
    }

    #[test]
    fn secret_table_is_empty_without_rows() {
        assert_eq!(secret_table(&Response::default()), "");
        let empty = Response {
            data: Some(Map::new()),
            warnings: strings(&["only a warning"]),
            ..Response::default()
        };
        assert_eq!(secret_table(&empty), "");
    }

    #[test]
    fn secret_json_of_a_login_matches_bao() {
        let want = r#"{
  "request_id": "",
  "lease_id": "",
  "lease_duration": 0,
  "renewable": false,
  "data": null,
  "warnings": [
    "TTL of \"1h\" exceeded the effective max_ttl of \"30m\"; TTL value is capped accordingly"
  ],
  "auth": {
    "client_token": "s.uqfZmMwGdnuHcS8ymypYEV12",
    "accessor": "Elv2tB9sj4oNtQchP1n6gOVA",
    "policies": [
      "b",
      "default",
      "dev"
    ],
    "token_policies": [
      "b",
      "default",
      "dev"
    ],
    "identity_policies": null,
    "metadata": {
      "mail": "x@y",
      "role": "r"
    },
    "orphan": true,
    "entity_id": "a2f8db28-6d47-927f-7e69-0661bd3e56ef",
    "lease_duration": 1800,
    "renewable": true,
    "mfa_requirement": null
  }
}
"#;
        assert_eq!(secret_json(&login_response()), want);
    }

    #[test]
    fn secret_json_of_data_with_mount_type_and_escaping() {
        let resp = Response {
            data: data(
                serde_json::from_str(
                    r#"{"z": [], "a": {}, "html": "<a&b>", "ctl": "\b\f\u0001\u007f\u2028",
                        "n": 1.50, "nested": {"k": [1, {"x": null}]}}"#,
                )
                .unwrap(),
            ),
            mount_type: Some("jwt".into()),
            ..Response::default()
        };
        let want = "{
  \"request_id\": \"\",
  \"lease_id\": \"\",
  \"lease_duration\": 0,
  \"renewable\": false,
  \"data\": {
    \"a\": {},
    \"ctl\": \"\\b\\f\\u0001\u{7f}\\u2028\",
    \"html\": \"\\u003ca\\u0026b\\u003e\",
    \"n\": 1.50,
    \"nested\": {
      \"k\": [
        1,
        {
          \"x\": null
        }
      ]
    },
    \"z\": []
  },
  \"warnings\": null,
  \"mount_type\": \"jwt\"
}
";
        assert_eq!(secret_json(&resp), want);
    }

    #[test]
    fn secret_yaml_of_a_login_matches_bao() {
        let want = r#"auth:
  accessor: Elv2tB9sj4oNtQchP1n6gOVA
  client_token: s.uqfZmMwGdnuHcS8ymypYEV12
  entity_id: a2f8db28-6d47-927f-7e69-0661bd3e56ef
  identity_policies: null
  lease_duration: 1800
  metadata:
    mail: x@y
    role: r
  mfa_requirement: null
  orphan: true
  policies:
  - b
  - default
  - dev
  renewable: true
  token_policies:
  - b
  - default
  - dev
data: null
lease_duration: 0
lease_id: ""
renewable: false
request_id: ""
warnings:
- TTL of "1h" exceeded the effective max_ttl of "30m"; TTL value is capped accordingly
"#;
        assert_eq!(secret_yaml(&login_response()), want);
    }

    #[test]
    fn secret_yaml_of_token_lookup_matches_bao() {
        let resp = Response {
            data: data(json!({
                "entity_id": "",
                "expire_time": null,
                "issue_time": "2026-11-30T02:37:40.519133955Z",
                "meta": null,
                "policies": ["root"],
                "ttl": 0
            })),
            ..Response::default()
        };
        let want = r#"data:
  entity_id: ""
  expire_time: null
  issue_time: "2026-11-30T02:37:40.519133955Z"
  meta: null
  policies:
  - root
  ttl: 0
lease_duration: 0
lease_id: ""
renewable: false
request_id: ""
warnings: null
"#;
        assert_eq!(secret_yaml(&resp), want);
    }

    #[test]
    fn field_lookup_and_formats() {
        let login = login_response();
        let lookup = Response {
            data: data(json!({
                "policies": ["default", "dev"],
                "ttl": 3600,
                "meta": null,
                "display_name": "jwt-user",
                "nested": {"b": [1, 2], "a": "x"}
            })),
            ..Response::default()
        };
        let kv2 = Response {
            data: data(json!({"data": {"k": "v"}, "metadata": {}})),
            ..Response::default()
        };
        let batch = Response {
            auth: Some(Auth::default()),
            ..Response::default()
        };
        let nil = Response::default();
        let cases: Vec<(&Response, &str, Format, Option<&str>)> = vec![
            (&login, "token", Format::Table, Some("s.uqfZmMwGdnuHcS8ymypYEV12")),
            (&login, "token", Format::Json, Some("\"s.uqfZmMwGdnuHcS8ymypYEV12\"")),
            (&login, "token", Format::Yaml, Some("s.uqfZmMwGdnuHcS8ymypYEV12\n")),
            (&login, "token_accessor", Format::Table, Some("Elv2tB9sj4oNtQchP1n6gOVA")),
            (&login, "token_duration", Format::Table, Some("1800")),
            (&login, "token_duration", Format::Json, Some("1800")),
            (&login, "token_renewable", Format::Table, Some("true")),
            (&login, "token_policies", Format::Table, Some("[b default dev]")),
            (
                &login,
                "token_policies",
                Format::Json,
                Some("[\n  \"b\",\n  \"default\",\n  \"dev\"\n]"),
            ),
            (&login, "token_policies", Format::Yaml, Some("- b\n- default\n- dev\n")),
            (&login, "identity_policies", Format::Table, Some("[]")),
            (&login, "identity_policies", Format::Json, Some("null")),
            (&login, "identity_policies", Format::Yaml, Some("null\n")),
            (&login, "policies", Format::Table, Some("[b default dev]")),
            // With auth, the lease fields are not special and data is nil.
            (&login, "lease_id", Format::Table, None),
            (&login, "missing", Format::Table, None),
            (&batch, "token_accessor", Format::Table, Some("")),
            (&lookup, "policies", Format::Table, Some("[default dev]")),
            (&lookup, "ttl", Format::Table, Some("3600")),
            (&lookup, "display_name", Format::Json, Some("\"jwt-user\"")),
            (&lookup, "nested", Format::Table, Some("map[a:x b:[1 2]]")),
            (
                &lookup,
                "nested",
                Format::Json,
                Some("{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}"),
            ),
            (&lookup, "nested", Format::Yaml, Some("a: x\nb:\n- 1\n- 2\n")),
            (&lookup, "meta", Format::Table, None),
            (&lookup, "nope", Format::Json, None),
            (&lookup, "lease_id", Format::Table, Some("")),
            (&lookup, "lease_id", Format::Json, Some("\"\"")),
            (&lookup, "request_id", Format::Table, Some("")),
            (&lookup, "lease_duration", Format::Table, Some("0")),
            (&lookup, "refresh_interval", Format::Table, Some("0")),
            (&lookup, "renewable", Format::Table, Some("false")),
            (&lookup, "data", Format::Table, Some("map[display_name:jwt-user meta:<nil> nested:map[a:x b:[1 2]] policies:[default dev] ttl:3600]")),
            (&kv2, "data", Format::Table, Some("map[k:v]")),
            (&nil, "data", Format::Table, Some("map[]")),
            (&nil, "data", Format::Json, Some("null")),
            (&nil, "anything", Format::Table, None),
        ];
        for (resp, name, format, want) in cases {
            assert_eq!(
                field(resp, name, format).as_deref(),
                want,
                "{name} {format:?}"
            );
        }
    }

    #[test]
    fn list_keys_in_every_format() {
        let keys = strings(&["dev", "demo", "Admin"]);
        assert_eq!(
            list_keys(&keys, Format::Table),
            "Keys\n----\nAdmin\ndemo\ndev\n"
        );
        assert_eq!(
            list_keys(&keys, Format::Json),
            "[\n  \"dev\",\n  \"demo\",\n  \"Admin\"\n]\n"
        );
        assert_eq!(list_keys(&keys, Format::Yaml), "- dev\n- demo\n- Admin\n");
        assert_eq!(list_keys(&[], Format::Json), "{}\n");
        assert_eq!(list_keys(&[], Format::Yaml), "{}\n");
        assert_eq!(list_keys(&[], Format::Table), "Keys\n----\n");
    }

    #[test]
    fn capabilities_in_every_format() {
        let caps = strings(&["read", "create", "list"]);
        assert_eq!(capabilities(&caps, Format::Table), "create, list, read\n");
        assert_eq!(
            capabilities(&caps, Format::Json),
            "[\n  \"read\",\n  \"create\",\n  \"list\"\n]\n"
        );
        assert_eq!(capabilities(&strings(&["root"]), Format::Yaml), "- root\n");
        assert_eq!(capabilities(&strings(&["deny"]), Format::Table), "deny\n");
    }

    #[test]
    fn warnings_block_matches_bao_layout() {
        let got = warnings_block(&login_response().warnings);
        let want = "\
WARNING! The following warnings were returned from Vault:

  * TTL of \"1h\" exceeded the effective max_ttl of \"30m\"; TTL value is capped
  accordingly

";
        assert_eq!(got, want);
        let two = warnings_block(&strings(&[
            "Policy \"x\" does not exist",
            "Policy \"y\" does not exist",
        ]));
        assert_eq!(
            two,
            "WARNING! The following warnings were returned from Vault:\n\n  \
             * Policy \"x\" does not exist\n\n  * Policy \"y\" does not exist\n\n"
        );
        assert_eq!(warnings_block(&[]), "");
    }

    #[test]
    fn warnings_block_colours_each_message() {
        let got = warnings_block_colored(&strings(&["w"]), true);
        let want = "\x1b[33mWARNING! The following warnings were returned from Vault:\n\x1b[0m\n\
                    \x1b[33m  * w\x1b[0m\n\x1b[33m\x1b[0m\n";
        assert_eq!(got, want);
        assert_eq!(
            warnings_block_colored(&strings(&["w"]), false),
            warnings_block(&strings(&["w"]))
        );
    }

    #[test]
    fn wrap_matches_vault_fixtures() {
        let banner = "Success! You are now authenticated. The token information displayed \
                      below is already stored in the token helper. You do NOT need to run \
                      \"vault login\" again. Future Vault requests will automatically use \
                      this token.";
        assert_eq!(
            wrap_at_length(banner, 78),
            "Success! You are now authenticated. The token information displayed below\n\
             is already stored in the token helper. You do NOT need to run \"vault login\"\n\
             again. Future Vault requests will automatically use this token."
        );
        let env = "WARNING! The VAULT_TOKEN environment variable is set! The value of this \
                   variable will take precedence; if this is unwanted please unset \
                   VAULT_TOKEN or update its value accordingly.";
        assert_eq!(
            wrap_at_length(env, 78),
            "WARNING! The VAULT_TOKEN environment variable is set! The value of this\n\
             variable will take precedence; if this is unwanted please unset VAULT_TOKEN or\n\
             update its value accordingly."
        );
    }

    #[test]
    fn wrap_edge_cases() {
        let cases: Vec<(&str, usize, &str)> = vec![
            ("", 10, ""),
            ("  short  ", 10, "short"),
            // Exactly at the limit stays on one line; one more rune breaks.
            ("aaaa bbbbb", 10, "aaaa bbbbb"),
            ("aaaa bbbbbb", 10, "aaaa\nbbbbbb"),
            // Newlines become spaces; double spaces survive as empty words.
            ("a\nb  c", 10, "a b  c"),
            // A word longer than the limit stands alone.
            ("a bbbbbbbbbbbbbbbb c", 5, "a\nbbbbbbbbbbbbbbbb\nc"),
            ("bbbbbbbbbbbbbbbb", 5, "bbbbbbbbbbbbbbbb"),
            // Minimum raggedness, not greedy: greedy "aaa bb"/"cc"/"ddddd" costs 16, this 10.
            ("aaa bb cc ddddd", 6, "aaa\nbb cc\nddddd"),
            // Runes, not bytes.
            ("ééé ééé", 7, "ééé ééé"),
        ];
        for (text, lim, want) in cases {
            assert_eq!(wrap_at_length(text, lim), want, "{text:?} at {lim}");
        }
        assert_eq!(wrap_at_length_with_padding("* a b", 2), "  * a b");
    }

    #[test]
    fn login_banner_uses_jwtvault_wording() {
        assert_eq!(
            login_banner(),
            "Success! You are now authenticated. The token information displayed below is\n\
             already stored in the token helper. You do NOT need to run \"jwtvault login\"\n\
             again. Future jwtvault requests will automatically use this token.\n\n"
        );
    }

    #[test]
    fn api_error_text() {
        let err = ApiError::bad_request(
            "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience",
        );
        assert_eq!(
            api_error("Error writing data to auth/jwt/login", &err),
            "Error writing data to auth/jwt/login: Code: 400. Errors:\n\n\
             * error validating token: invalid audience (aud) claim: audience claim does not match any expected audience\n"
        );
        assert_eq!(
            api_error("Error reading sys/mounts", &ApiError::permission_denied()),
            "Error reading sys/mounts: Code: 403. Errors:\n\n* permission denied\n"
        );
        let two = ApiError {
            code: 403,
            errors: strings(&["permission denied", "invalid token"]),
            hints: vec![],
            explain: None,
        };
        assert_eq!(
            api_error("Error looking up token", &two),
            "Error looking up token: Code: 403. Errors:\n\n* permission denied* invalid token\n"
        );
        let hinted = ApiError::bad_request("error validating token: token is expired")
            .with_hint("the token expired 120s ago (exp 1700000000)")
            .with_hint("expiration_leeway: 150s (default)\nnot used: the claim is present");
        assert_eq!(
            api_error("Error authenticating", &hinted),
            "Error authenticating: Code: 400. Errors:\n\n\
             * error validating token: token is expired\n\n\
             Hint: the token expired 120s ago (exp 1700000000)\n      \
             expiration_leeway: 150s (default)\n      \
             not used: the claim is present\n"
        );
        assert_eq!(
            api_error("Error x", &ApiError::internal("database is broken")),
            "Error x: Code: 500. Errors:\n\n* database is broken\n"
        );
    }

    #[test]
    fn api_error_json_shape() {
        let err = ApiError::bad_request("role \"r\" could not be found").with_hint("ignored");
        assert_eq!(
            api_error_json(&err),
            "{\n  \"errors\": [\n    \"role \\\"r\\\" could not be found\"\n  ]\n}\n"
        );
        let none = ApiError {
            code: 500,
            errors: vec![],
            hints: vec![],
            explain: None,
        };
        assert_eq!(api_error_json(&none), "{\n  \"errors\": []\n}\n");
    }

    #[test]
    fn colours() {
        assert_eq!(colorize_error("boom\n", true), "\x1b[31mboom\x1b[0m\n");
        assert_eq!(colorize_error("boom", true), "\x1b[31mboom\x1b[0m");
        assert_eq!(colorize_error("boom\n", false), "boom\n");
        assert_eq!(
            colorize_warning("careful\n", true),
            "\x1b[33mcareful\x1b[0m\n"
        );
        assert_eq!(colorize_warning("careful\n", false), "careful\n");
    }

    #[test]
    fn go_quote_lists() {
        assert_eq!(go_quote_list(&[]), "[]");
        assert_eq!(go_quote_list(&strings(&["default"])), "[\"default\"]");
        assert_eq!(
            go_quote_list(&strings(&["a\"b", "c\\d", "tab\t", "é", "\u{1}", "\u{a0}"])),
            "[\"a\\\"b\" \"c\\\\d\" \"tab\\t\" \"é\" \"\\x01\" \"\\u00a0\"]"
        );
    }

    #[test]
    fn to_yaml_trims_and_to_json_indents() {
        assert_eq!(to_yaml(&json!("a\n")), "|\n  a\n");
        assert_eq!(to_yaml(&json!({"a": 1})), "a: 1\n");
        assert_eq!(
            to_json(&json!({"policy": "path \"x\" {}"})),
            "{\n  \"policy\": \"path \\\"x\\\" {}\"\n}\n"
        );
        assert_eq!(to_json(&json!([])), "[]\n");
    }

    #[test]
    fn ordered_json_keeps_struct_field_order() {
        let mount = |uuid: &str, ty: &str, desc: &str, acc: &str, dep: &str| {
            Node::Ordered(vec![
                ("uuid".into(), json!(uuid).into()),
                ("type".into(), json!(ty).into()),
                ("description".into(), json!(desc).into()),
                ("accessor".into(), json!(acc).into()),
                (
                    "config".into(),
                    Node::Ordered(vec![
                        ("default_lease_ttl".into(), json!(0).into()),
                        ("max_lease_ttl".into(), json!(0).into()),
                        ("force_no_cache".into(), json!(false).into()),
                        ("token_type".into(), json!("default-service").into()),
                    ]),
                ),
                ("options".into(), Value::Null.into()),
                ("deprecation_status".into(), json!(dep).into()),
            ])
        };
        let list = Node::Ordered(vec![
            (
                "jwt/".into(),
                mount("cd98", "jwt", "", "auth_jwt_661363eb", "supported"),
            ),
            (
                "token/".into(),
                mount(
                    "6358",
                    "token",
                    "token based credentials",
                    "auth_token_be7543d4",
                    "",
                ),
            ),
        ]);
        let want = r#"{
  "jwt/": {
    "uuid": "cd98",
    "type": "jwt",
    "description": "",
    "accessor": "auth_jwt_661363eb",
    "config": {
      "default_lease_ttl": 0,
      "max_lease_ttl": 0,
      "force_no_cache": false,
      "token_type": "default-service"
    },
    "options": null,
    "deprecation_status": "supported"
  },
  "token/": {
    "uuid": "6358",
    "type": "token",
    "description": "token based credentials",
    "accessor": "auth_token_be7543d4",
    "config": {
      "default_lease_ttl": 0,
      "max_lease_ttl": 0,
      "force_no_cache": false,
      "token_type": "default-service"
    },
    "options": null,
    "deprecation_status": ""
  }
}
"#;
        assert_eq!(to_json_ordered(&list), want);
        let yaml = to_yaml_ordered(&Node::Ordered(vec![
            ("type".into(), json!("jwt").into()),
            ("accessor".into(), json!("a").into()),
        ]));
        assert_eq!(yaml, "accessor: a\ntype: jwt\n");
        assert_eq!(to_json_ordered(&Node::Ordered(vec![])), "{}\n");
    }
}
