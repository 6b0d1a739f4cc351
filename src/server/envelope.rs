//! Vault's wire format out: a [`Response`] or an [`ApiError`] becomes the status, headers and
//! JSON body Vault sends (wire.md §0, §1, §2).
//!
//! JSON is written as Go's `json.Encoder` writes it: compact, keys of maps sorted, the
//! envelope's and the auth block's members in their struct order, `<`, `>`, `&`, U+2028 and
//! U+2029 escaped, and one `\n` at the end.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::api::{ApiError, Auth, Operation, Response};

/// The standard headers of every answer but the 413 (wire.md §10.2).
pub const CACHE_CONTROL: &str = "no-store";
pub const HSTS: &str = "max-age=31536000; includeSubDomains";
pub const JSON: &str = "application/json";

/// One HTTP answer, before it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// `Content-Type`, when one is sent.
    pub content_type: Option<&'static str>,
    /// The body; empty sends none.
    pub body: Vec<u8>,
    /// `Location` of a redirect.
    pub location: Option<String>,
    /// `Cache-Control: no-store` and `Strict-Transport-Security`, as on every Vault answer but
    /// the 413.
    pub standard_headers: bool,
    /// `Connection: close`, and the connection is closed after the answer.
    pub close: bool,
}

impl Reply {
    /// A JSON body (already encoded, with its newline).
    pub fn json(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: Some(JSON),
            body: body.into_bytes(),
            location: None,
            standard_headers: true,
            close: false,
        }
    }

    /// `{"errors":[…]}` (and jwtvault's `hints` beside them, when there are any).
    pub fn errors(status: u16, errors: &[String], hints: &[String]) -> Reply {
        let mut out = String::from("{\"errors\":");
        write_strings(&mut out, errors);
        if !hints.is_empty() {
            out.push_str(",\"hints\":");
            write_strings(&mut out, hints);
        }
        out.push_str("}\n");
        Reply::json(status, out)
    }

    /// An error with one message.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::errors(status, &[message.to_string()], &[])
    }

    /// An error with no message (`{"errors":[]}`).
    pub fn empty_error(status: u16) -> Reply {
        Reply::errors(status, &[], &[])
    }

    /// 204: `Content-Type: application/json`, no body.
    pub fn no_content() -> Reply {
        Reply::json(204, String::new())
    }

    /// Go's `http.Redirect` with 307 to the cleaned path (wire.md §2.9): an HTML body for GET
    /// and HEAD, nothing (and no `Content-Type`) for the other methods.
    pub fn redirect(url: String, html: bool) -> Reply {
        let (content_type, body) = if html {
            (
                Some("text/html; charset=utf-8"),
                format!(
                    "<a href=\"{}\">Temporary Redirect</a>.\n\n",
                    html_escape(&url)
                )
                .into_bytes(),
            )
        } else {
            (None, Vec::new())
        };
        Reply {
            status: 307,
            content_type,
            body,
            location: Some(url),
            standard_headers: true,
            close: false,
        }
    }

    /// 413, as Go's `MaxBytesReader` makes Vault answer: no `Cache-Control`, no HSTS, and the
    /// connection closed (the rest of the body is never read).
    pub fn too_large() -> Reply {
        Reply {
            standard_headers: false,
            close: true,
            ..Reply::error(413, "http: request body too large")
        }
    }
}

/// Go's `htmlEscape` of a redirect URL.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The answer to a request the backend answered.
///
/// `op` is the request's operation: a read with nothing to show, and a list with no `keys`,
/// are Vault's 404 `{"errors":[]}`. `inject` copies `data`'s keys to the top level (Vault's
/// `sys/*` routes, wire.md §1.8).
pub fn success(resp: &Response, op: Operation, inject: bool) -> Reply {
    if let Some(raw) = &resp.raw {
        return Reply::json(raw.status, raw.body.clone().unwrap_or_default());
    }
    let empty = resp.data.is_none() && resp.auth.is_none() && resp.warnings.is_empty();
    if let Some(code) = resp.status {
        // KV's `logical.RespondWithStatusCode`: the envelope with its own status, written
        // without the trailing newline of Vault's other JSON (kv.md §3.0); nothing at all for
        // an empty response.
        if empty {
            return Reply::json(code, String::new());
        }
        let mut body = envelope(resp, inject);
        body.pop();
        return Reply::json(code, body);
    }
    match op {
        Operation::Read if empty => return Reply::empty_error(404),
        Operation::List if !lists_something(resp) => return Reply::empty_error(404),
        _ if empty => return Reply::no_content(),
        _ => {}
    }
    Reply::json(200, envelope(resp, inject))
}

/// Vault's rule for a list: 404 unless `keys` holds something, or the response has other data
/// or warnings to show.
fn lists_something(resp: &Response) -> bool {
    let data = resp.data.as_ref();
    match data.and_then(|d| d.get("keys")) {
        Some(Value::Array(keys)) => !keys.is_empty(),
        Some(Value::Null) | None => {
            data.is_some_and(|d| !d.is_empty()) || !resp.warnings.is_empty() || resp.auth.is_some()
        }
        Some(_) => true,
    }
}

/// The answer to a request the backend refused: its status (500 if it is no HTTP status) and
/// `{"errors":[…]}`.
pub fn failure(e: &ApiError) -> Reply {
    let status = if (400..=599).contains(&e.code) {
        e.code
    } else {
        500
    };
    Reply::errors(status, &e.errors, &e.hints)
}

/// The answer to a request whose state file could not be used (the details go to the log).
pub fn internal() -> Reply {
    Reply::error(
        500,
        "1 error occurred:\n\t* internal error: the state could not be used (see the server's log)\n\n",
    )
}

/// The envelope: `request_id, lease_id, renewable, lease_duration, data, wrap_info, warnings,
/// auth`, preceded by `data`'s keys when injected.
pub fn envelope(resp: &Response, inject: bool) -> String {
    let mut out = String::from("{");
    if let (true, Some(data)) = (inject, resp.data.as_ref()) {
        for (k, v) in data {
            write_string(&mut out, k);
            out.push(':');
            write_value(&mut out, v);
            out.push(',');
        }
    }
    let request_id = if resp.request_id.is_empty() {
        crate::ids::uuid()
    } else {
        resp.request_id.clone()
    };
    out.push_str("\"request_id\":");
    write_string(&mut out, &request_id);
    out.push_str(",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,\"data\":");
    match &resp.data {
        Some(d) => write_map(&mut out, d),
        None => out.push_str("null"),
    }
    out.push_str(",\"wrap_info\":null,\"warnings\":");
    if resp.warnings.is_empty() {
        out.push_str("null");
    } else {
        write_strings(&mut out, &resp.warnings);
    }
    out.push_str(",\"auth\":");
    match &resp.auth {
        Some(a) => write_auth(&mut out, a),
        None => out.push_str("null"),
    }
    out.push_str("}\n");
    out
}

/// Vault's `HTTPAuth`, in its struct order; `token_policies` and `identity_policies` are left
/// out when empty (`omitempty`).
fn write_auth(out: &mut String, a: &Auth) {
    out.push_str("{\"client_token\":");
    write_string(out, a.client_token.expose());
    out.push_str(",\"accessor\":");
    write_string(out, &a.accessor);
    out.push_str(",\"policies\":");
    write_list_or_null(out, &a.policies);
    if !a.token_policies.is_empty() {
        out.push_str(",\"token_policies\":");
        write_strings(out, &a.token_policies);
    }
    if !a.identity_policies.is_empty() {
        out.push_str(",\"identity_policies\":");
        write_strings(out, &a.identity_policies);
    }
    out.push_str(",\"metadata\":");
    if a.metadata.is_empty() {
        out.push_str("null");
    } else {
        out.push('{');
        for (i, (k, v)) in a.metadata.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(out, k);
            out.push(':');
            write_string(out, v);
        }
        out.push('}');
    }
    let _ = write!(
        out,
        ",\"lease_duration\":{},\"renewable\":{},\"entity_id\":",
        a.lease_duration, a.renewable
    );
    write_string(out, &a.entity_id);
    out.push_str(",\"token_type\":");
    write_string(out, &a.token_type);
    let _ = write!(
        out,
        ",\"orphan\":{},\"mfa_requirement\":null,\"num_uses\":{}}}",
        a.orphan, a.num_uses
    );
}

fn write_list_or_null(out: &mut String, items: &[String]) {
    if items.is_empty() {
        out.push_str("null");
    } else {
        write_strings(out, items);
    }
}

fn write_strings(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, s);
    }
    out.push(']');
}

fn write_map(out: &mut String, map: &Map<String, Value>) {
    out.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, k);
        out.push(':');
        write_value(out, v);
    }
    out.push('}');
}

/// A JSON value as Go encodes it (map keys sorted: `Map` is ordered by key).
pub fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_map(out, map),
    }
}

/// A JSON string as Go's encoder writes it (HTML characters and U+2028/U+2029 escaped).
pub fn write_string(out: &mut String, s: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::RawResponse;
    use serde_json::json;

    fn text(r: &Reply) -> &str {
        std::str::from_utf8(&r.body).unwrap()
    }

    fn with_data(v: Value) -> Response {
        Response {
            request_id: "d841542d-4eee-e4d3-c344-68ad41987d67".into(),
            data: v.as_object().cloned(),
            ..Response::default()
        }
    }

    #[test]
    fn the_envelope_has_vaults_members_in_vaults_order() {
        let r = success(
            &with_data(json!({"b": 1, "a": {"z": null, "y": [1, "x"]}})),
            Operation::Read,
            false,
        );
        assert_eq!(r.status, 200);
        assert_eq!(
            text(&r),
            "{\"request_id\":\"d841542d-4eee-e4d3-c344-68ad41987d67\",\"lease_id\":\"\",\
             \"renewable\":false,\"lease_duration\":0,\"data\":{\"a\":{\"y\":[1,\"x\"],\"z\":null},\
             \"b\":1},\"wrap_info\":null,\"warnings\":null,\"auth\":null}\n"
        );
        let warned = Response {
            warnings: vec!["careful <now> & then".into()],
            ..Response::default()
        };
        let r = success(&warned, Operation::Write, false);
        assert!(
            text(&r).ends_with(
                "\"data\":null,\"wrap_info\":null,\
                 \"warnings\":[\"careful \\u003cnow\\u003e \\u0026 then\"],\"auth\":null}\n"
            ),
            "{}",
            text(&r)
        );
    }

    #[test]
    fn sys_routes_copy_data_to_the_top_first() {
        let r = success(
            &with_data(json!({"jwt/": {"type": "jwt"}, "a": 1})),
            Operation::Read,
            true,
        );
        assert!(
            text(&r).starts_with(
                "{\"a\":1,\"jwt/\":{\"type\":\"jwt\"},\"request_id\":\"d841542d-4eee-e4d3-c344-68ad41987d67\","
            ),
            "{}",
            text(&r)
        );
    }

    #[test]
    fn the_auth_block_omits_empty_policy_lists() {
        let mut metadata = std::collections::BTreeMap::new();
        metadata.insert("role".to_string(), "x".to_string());
        let resp = Response {
            request_id: "r".into(),
            auth: Some(Auth {
                client_token: "jvs.t".into(),
                accessor: "acc".into(),
                policies: vec!["default".into(), "p1".into()],
                token_policies: vec!["default".into(), "p1".into()],
                identity_policies: vec![],
                metadata,
                orphan: true,
                entity_id: "e".into(),
                lease_duration: 3600,
                renewable: true,
                token_type: "service".into(),
                num_uses: 0,
            }),
            ..Response::default()
        };
        assert_eq!(
            text(&success(&resp, Operation::Write, false)),
            "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,\
             \"data\":null,\"wrap_info\":null,\"warnings\":null,\"auth\":{\"client_token\":\"jvs.t\",\
             \"accessor\":\"acc\",\"policies\":[\"default\",\"p1\"],\"token_policies\":[\"default\",\
             \"p1\"],\"metadata\":{\"role\":\"x\"},\"lease_duration\":3600,\"renewable\":true,\
             \"entity_id\":\"e\",\"token_type\":\"service\",\"orphan\":true,\
             \"mfa_requirement\":null,\"num_uses\":0}}\n"
        );
    }

    #[test]
    fn a_status_of_its_own_sends_the_envelope_with_it_and_no_newline() {
        let mut deleted = with_data(json!({"data": null, "metadata": {"version": 2}}));
        deleted.status = Some(404);
        let r = success(&deleted, Operation::Read, false);
        assert_eq!(r.status, 404);
        assert!(text(&r).starts_with("{\"request_id\":"), "{}", text(&r));
        assert!(text(&r).ends_with("\"auth\":null}"), "{}", text(&r));
        let missing = Response {
            status: Some(404),
            ..Response::default()
        };
        let r = success(&missing, Operation::Patch, false);
        assert_eq!((r.status, text(&r)), (404, ""));
    }

    #[test]
    fn nothing_to_show_is_204_or_404() {
        let none = Response::default();
        let r = success(&none, Operation::Write, false);
        assert_eq!(
            (r.status, r.content_type, r.body.len()),
            (204, Some(JSON), 0)
        );
        assert_eq!(success(&none, Operation::Delete, false).status, 204);
        for op in [Operation::Read, Operation::List] {
            let r = success(&none, op, false);
            assert_eq!((r.status, text(&r)), (404, "{\"errors\":[]}\n"), "{op:?}");
        }
        let r = success(&with_data(json!({"keys": []})), Operation::List, false);
        assert_eq!(r.status, 404);
        let r = success(&with_data(json!({"keys": ["a"]})), Operation::List, false);
        assert_eq!(r.status, 200);
    }

    #[test]
    fn raw_responses_are_sent_as_they_are() {
        let resp = Response {
            raw: Some(RawResponse {
                status: 299,
                body: Some("{\"b\":1,\"a\":2}\n".into()),
            }),
            data: Some(Map::new()),
            ..Response::default()
        };
        let r = success(&resp, Operation::Read, true);
        assert_eq!((r.status, text(&r)), (299, "{\"b\":1,\"a\":2}\n"));
    }

    #[test]
    fn errors_and_hints() {
        let e = ApiError::permission_denied();
        assert_eq!(text(&failure(&e)), "{\"errors\":[\"permission denied\"]}\n");
        let e = ApiError::bad_request("role \"x\" could not be found").with_hint("roles: a, b");
        let r = failure(&e);
        assert_eq!(
            (r.status, text(&r)),
            (
                400,
                "{\"errors\":[\"role \\\"x\\\" could not be found\"],\"hints\":[\"roles: a, b\"]}\n"
            )
        );
        assert_eq!(failure(&ApiError::new(0, vec![])).status, 500);
        let r = Reply::too_large();
        assert_eq!(
            (r.status, r.standard_headers, r.close, text(&r)),
            (
                413,
                false,
                true,
                "{\"errors\":[\"http: request body too large\"]}\n"
            )
        );
    }

    #[test]
    fn redirects_as_go_writes_them() {
        let r = Reply::redirect("/v1/a/b/".into(), true);
        assert_eq!(text(&r), "<a href=\"/v1/a/b/\">Temporary Redirect</a>.\n\n");
        assert_eq!(r.content_type, Some("text/html; charset=utf-8"));
        let r = Reply::redirect("/v1/a?x=\"&".into(), false);
        assert_eq!((r.content_type, r.body.len()), (None, 0));
        assert_eq!(html_escape("/v1/a?x=\"&<"), "/v1/a?x=&#34;&amp;&lt;");
    }
}
