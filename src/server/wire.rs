//! Vault's wire format in: an HTTP request (method, URL, headers, body) becomes an
//! [`api::Request`](crate::api::Request), or the answer Vault gives before any backend sees the
//! request, checked in Vault's order (wire.md §3): path cleaning (307), `/v1/` (404), method
//! (405), body (413, 400), `X-Vault-Wrap-TTL`, namespace (404), encoded dot segments (400),
//! a write to a path ending in `/` and `OPTIONS` (400). Authentication and everything after it
//! is the router's.
//!
//! Nothing here knows a Vault path but the few Vault's HTTP layer itself knows: its status
//! endpoints (routes of their own, outside the logical router) and the `sys/*` routes whose
//! `data` is copied to the top level of the response.

use std::net::IpAddr;

use hyper::header::HeaderMap;
use hyper::{Method, Uri};
use serde_json::{Map, Value};

use crate::api::{Caller, CallerToken, Operation, Request};
use crate::server::envelope::Reply;

/// The largest request body read: Vault's `max_request_size` (32 MiB).
pub const MAX_BODY: usize = 33_554_432;

/// The HTTP methods Vault serves (`SCAN` is OpenBao's; jwtvault has nothing to scan).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Head,
    Put,
    Post,
    Patch,
    Delete,
    List,
    Options,
}

impl Verb {
    fn parse(m: &Method) -> Option<Verb> {
        Some(match m.as_str() {
            "GET" => Verb::Get,
            "HEAD" => Verb::Head,
            "PUT" => Verb::Put,
            "POST" => Verb::Post,
            "PATCH" => Verb::Patch,
            "DELETE" => Verb::Delete,
            "LIST" => Verb::List,
            "OPTIONS" => Verb::Options,
            _ => return None,
        })
    }

    /// Whether the request's body is read (and its query string ignored).
    pub fn has_body(self) -> bool {
        matches!(self, Verb::Put | Verb::Post | Verb::Patch)
    }
}

/// One of Vault's status endpoints: a route of its own in Vault's HTTP mux.
#[derive(Debug, PartialEq, Eq)]
struct StatusRoute {
    path: &'static str,
    /// Answers `HEAD` (only `sys/health`).
    head: bool,
    /// Refuses any `X-Vault-Namespace` (Vault's "restricted" endpoints).
    no_namespace: bool,
}

const STATUS_ROUTES: [StatusRoute; 4] = [
    StatusRoute {
        path: "sys/health",
        head: true,
        no_namespace: true,
    },
    StatusRoute {
        path: "sys/seal-status",
        head: false,
        no_namespace: false,
    },
    StatusRoute {
        path: "sys/leader",
        head: false,
        no_namespace: false,
    },
    StatusRoute {
        path: "sys/init",
        head: false,
        no_namespace: true,
    },
];

/// Vault's routes whose answers carry `data`'s keys at the top level too (wire.md §1.8): the
/// exact paths, and the folders whose every path does.
const INJECT_EXACT: &[&str] = &[
    "sys/auth",
    "sys/mounts",
    "sys/policy",
    "sys/capabilities",
    "sys/capabilities-self",
    "sys/capabilities-accessor",
    "sys/audit",
    "sys/config/cors",
    "sys/config/auditing/request-headers",
    "sys/ha-status",
    "sys/key-status",
    "sys/rekey/backup",
    "sys/rekey/recovery-key-backup",
    "sys/rotate",
    "sys/remount",
    "sys/wrapping/wrap",
];
const INJECT_FOLDERS: &[&str] = &[
    "sys/auth/",
    "sys/mounts/",
    "sys/policy/",
    "sys/audit/",
    "sys/audit-hash/",
    "sys/config/auditing/request-headers/",
    "sys/rotate/",
];

fn injected(path: &str) -> bool {
    INJECT_EXACT.contains(&path) || INJECT_FOLDERS.iter().any(|f| path.starts_with(f))
}

/// What the request line says, once the URL passed Vault's mux.
#[derive(Debug)]
pub struct Start {
    pub verb: Verb,
    /// The path after `/v1/`, percent-decoded, as requested (a trailing `/` kept).
    path: String,
    /// The query string as Vault's `parseQuery` makes it (`help` dropped; a repeated
    /// parameter is a list).
    query: Map<String, Value>,
    /// `GET ?list=true`.
    list: bool,
    status: Option<&'static StatusRoute>,
}

/// Go's `cleanPath`: `path.Clean`, keeping a trailing `/`.
fn clean_path(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let mut cleaned = format!("/{}", out.join("/"));
    if p.ends_with('/') && cleaned != "/" {
        cleaned.push('/');
    }
    cleaned
}

/// Go's `%q`-free reading of a percent-encoded path: `%2F` is a `/`, a `%` not followed by
/// two hex digits is refused, and the result must be UTF-8.
fn decode_path(raw: &str) -> Result<String, Reply> {
    let bytes = raw.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%' {
            let ok = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                let bad: String = raw[i..].chars().take(3).collect();
                return Err(Reply::error(
                    400,
                    &format!("invalid URL escape {}", crate::gofmt::go_quote(&bad)),
                ));
            }
        }
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            Reply::error(
                400,
                "the request path is not valid UTF-8 once percent-decoded: jwtvault paths are UTF-8 text",
            )
        })
}

/// Vault's `parseQuery`: every parameter but `help`; one value is a string, several a list.
fn query_data(query: Option<&str>) -> Map<String, Value> {
    let mut multi: Map<String, Value> = Map::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if k == "help" {
            continue;
        }
        let v = Value::String(v.into_owned());
        match multi.get_mut(k.as_ref()) {
            None => {
                multi.insert(k.into_owned(), v);
            }
            Some(Value::Array(items)) => items.push(v),
            Some(first) => *first = Value::Array(vec![first.take(), v]),
        }
    }
    multi
}

/// Go's `strconv.ParseBool`.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The first value of a query parameter (Go's `Values.Get`).
fn first_value(v: &Value) -> &str {
    match v {
        Value::Array(items) => items.first().and_then(Value::as_str).unwrap_or(""),
        v => v.as_str().unwrap_or(""),
    }
}

/// The request line: Vault's mux (cleaning, `/v1/`), the method, and `?list=`.
pub fn start(method: &Method, uri: &Uri) -> Result<Start, Reply> {
    let raw = uri.path();
    let cleaned = clean_path(raw);
    if cleaned != raw {
        let mut url = cleaned;
        if let Some(q) = uri.query() {
            url.push('?');
            url.push_str(q);
        }
        let html = method == Method::GET || method == Method::HEAD;
        return Err(Reply::redirect(url, html));
    }
    let Some(rest) = raw.strip_prefix("/v1/") else {
        return Err(Reply::empty_error(404));
    };
    let Some(verb) = Verb::parse(method) else {
        return Err(Reply::empty_error(405));
    };
    let path = decode_path(rest)?;
    let status = STATUS_ROUTES.iter().find(|r| r.path == path);
    if let Some(route) = status {
        if (verb == Verb::Head && !route.head) || verb == Verb::Options {
            return Err(Reply::empty_error(405));
        }
    }
    let mut query = query_data(uri.query());
    let mut list = false;
    if status.is_none() && verb == Verb::Get {
        if let Some(v) = query.get("list") {
            match parse_bool(first_value(v)) {
                Some(true) => {
                    list = true;
                    query.remove("list");
                }
                Some(false) => {}
                None => return Err(Reply::empty_error(400)),
            }
        }
    }
    Ok(Start {
        verb,
        path,
        query,
        list,
        status,
    })
}

/// A request ready for the backend.
#[derive(Debug)]
pub struct Parsed {
    pub request: Request,
    /// A `HEAD`: the answer carries no body.
    pub head: bool,
    /// Copy `data`'s keys to the top level of the answer.
    pub inject: bool,
}

/// The rest of Vault's checks once the body is read (`body`: the bytes of a PUT, POST or
/// PATCH), and the request built from them.
pub fn finish(
    start: Start,
    headers: &HeaderMap,
    body: &[u8],
    peer: Option<IpAddr>,
) -> Result<Parsed, Reply> {
    let Start {
        verb,
        path,
        query,
        list,
        status,
    } = start;
    let remote = peer.map(|ip| ip.to_canonical().to_string());
    if let Some(route) = status {
        if route.no_namespace && namespace(headers).is_some() {
            return Err(Reply::error(400, "operation unavailable in namespaces"));
        }
        let (op, data) = match verb {
            Verb::Get | Verb::Head => (Operation::Read, query),
            Verb::Put | Verb::Post => (Operation::Write, Map::new()),
            Verb::Patch => (Operation::Patch, Map::new()),
            Verb::Delete => (Operation::Delete, Map::new()),
            Verb::List | Verb::Options => (Operation::List, Map::new()),
        };
        return Ok(Parsed {
            request: Request::new(op, path, data)
                .with_caller(Caller::Anonymous)
                .with_remote_addr(remote),
            head: verb == Verb::Head,
            inject: false,
        });
    }
    if verb == Verb::Patch {
        patch_content_type(headers)?;
    }
    let body_data = if verb.has_body() {
        body_data(headers, body)?
    } else {
        Map::new()
    };
    wrap_ttl(headers)?;
    if let Some(ns) = namespace(headers) {
        if !is_root_namespace(&ns) {
            return Err(Reply::error(404, "namespace not found"));
        }
    }
    if path.split('/').any(|s| s == "." || s == "..") {
        return Err(Reply::error(400, "relative paths not supported"));
    }
    if verb.has_body() && path.ends_with('/') {
        return Err(Reply::error(400, "cannot write to a path ending in '/'"));
    }
    let op = match verb {
        Verb::Get if list => Operation::List,
        Verb::Get | Verb::Head => Operation::Read,
        Verb::Put | Verb::Post => Operation::Write,
        Verb::Patch => Operation::Patch,
        Verb::Delete => Operation::Delete,
        Verb::List => Operation::List,
        Verb::Options => {
            return Err(Reply::error(
                400,
                "cannot handle internal-only request operation",
            ))
        }
    };
    let inject = injected(&path);
    let data = if verb.has_body() { body_data } else { query };
    Ok(Parsed {
        request: Request::new(op, logical_path(path), data)
            .with_caller(caller(headers))
            .with_remote_addr(remote),
        head: verb == Verb::Head,
        inject,
    })
}

/// The router's path: without the trailing `/` a read, list or delete may carry (writes with
/// one were refused). A status endpoint's path with a `/` is not that endpoint in Vault (its
/// mux route is exact), so it keeps the `/` and matches no handler.
fn logical_path(path: String) -> String {
    match path.strip_suffix('/') {
        Some(p) if !STATUS_ROUTES.iter().any(|r| r.path == p) => p.to_string(),
        _ => path,
    }
}

/// The calling token: a non-empty `X-Vault-Token` (even if it is not valid: no fallback), else
/// the first `Authorization` value starting with exactly `Bearer `, trimmed.
fn caller(headers: &HeaderMap) -> Caller {
    if let Some(v) = headers.get("x-vault-token") {
        let t = String::from_utf8_lossy(v.as_bytes());
        if !t.is_empty() {
            return Caller::Token(CallerToken::new(t.as_ref(), "the X-Vault-Token header"));
        }
    }
    for v in headers.get_all("authorization") {
        let v = String::from_utf8_lossy(v.as_bytes());
        if let Some(rest) = v.strip_prefix("Bearer ") {
            let t = rest.trim();
            if t.is_empty() {
                return Caller::Anonymous;
            }
            return Caller::Token(CallerToken::new(t, "the Authorization: Bearer header"));
        }
    }
    Caller::Anonymous
}

/// A non-empty `X-Vault-Namespace` (an empty one is ignored, as vault-action sends it).
pub fn namespace(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("x-vault-namespace")?;
    let s = String::from_utf8_lossy(v.as_bytes()).into_owned();
    (!s.is_empty()).then_some(s)
}

/// Whether a namespace names the root one: Vault's canonical form (one leading `/` dropped,
/// a trailing `/` added) is `/` or `root/` (`root`, `root/`, `/root`, `/`, `//`).
fn is_root_namespace(ns: &str) -> bool {
    let mut c = ns.strip_prefix('/').unwrap_or(ns).to_string();
    if !c.ends_with('/') {
        c.push('/');
    }
    c == "/" || c == "root/"
}

/// The media type of `Content-Type`, lower-cased, without parameters.
fn media_type(headers: &HeaderMap) -> String {
    headers
        .get("content-type")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// PATCH is JSON merge patch only (Vault's 415).
fn patch_content_type(headers: &HeaderMap) -> Result<(), Reply> {
    match media_type(headers).as_str() {
        "application/merge-patch+json" => Ok(()),
        "" => Err(Reply::error(400, "mime: no media type")),
        other => Err(Reply::error(
            415,
            &format!(
                "PATCH requires Content-Type of application/merge-patch+json, provided {other}"
            ),
        )),
    }
}

/// `X-Vault-Wrap-TTL`: Vault's parse errors; a TTL of zero is no wrapping; any other value is
/// refused, since jwtvault cannot wrap a response (an unwrapped answer to a client that asked
/// for a wrapped one would hand it the secret where it expects a wrapping token).
fn wrap_ttl(headers: &HeaderMap) -> Result<(), Reply> {
    let Some(v) = headers.get("x-vault-wrap-ttl") else {
        return Ok(());
    };
    let s = String::from_utf8_lossy(v.as_bytes());
    if s.is_empty() {
        return Ok(());
    }
    match crate::fields::parse_duration_nanos(&s) {
        Err(e) => Err(Reply::error(
            400,
            &format!("error parsing X-Vault-Wrap-TTL header: {e}"),
        )),
        Ok(n) if n < 0 => Err(Reply::error(
            400,
            "error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative",
        )),
        Ok(0) => Ok(()),
        Ok(_) => Err(Reply::error(
            400,
            "response wrapping (X-Vault-Wrap-TTL) is not supported by jwtvault: send the request \
             without that header",
        )),
    }
}

/// A write's body: a form when it says so and does not look like JSON, else a JSON object
/// (empty, whitespace or `null`: no data), as Vault's `parseJSONRequest`/`parseFormRequest`.
fn body_data(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Reply> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if media_type(headers) == "application/x-www-form-urlencoded"
        && !matches!(first, Some(b'{') | Some(b'['))
    {
        return Ok(form_data(body));
    }
    json_object(body)
        .map_err(|msg| Reply::error(400, &format!("failed to decode JSON input: {msg}")))
}

/// Go's `ParseForm` as Vault reads it: one value is a string, several are joined with `,`.
fn form_data(body: &[u8]) -> Map<String, Value> {
    let mut values: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in form_urlencoded::parse(body) {
        match values.iter_mut().find(|(name, _)| *name == k) {
            Some((_, list)) => list.push(v.into_owned()),
            None => values.push((k.into_owned(), vec![v.into_owned()])),
        }
    }
    values
        .into_iter()
        .map(|(k, v)| (k, Value::String(v.join(","))))
        .collect()
}

/// The first JSON value of `body` as an object, with Go's error texts for what is not one.
fn json_object(body: &[u8]) -> Result<Map<String, Value>, String> {
    let mut values = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    let value = match values.next() {
        None => return Ok(Map::new()),
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(json_error(body, &e)),
    };
    // Go's decoder reads one value; what follows must at least start like another one.
    let rest = &body[values.byte_offset()..];
    if let Some(&c) = rest.iter().find(|b| !b.is_ascii_whitespace()) {
        if !matches!(
            c,
            b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
        ) {
            return Err(invalid_character(c));
        }
    }
    let kind = match value {
        Value::Object(m) => return Ok(m),
        Value::Null => return Ok(Map::new()),
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
    };
    Err(format!(
        "json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
    ))
}

/// Go's text for a byte where no JSON value can start.
fn invalid_character(c: u8) -> String {
    let quoted = match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        c => crate::gofmt::go_quote_rune(char::from(c)),
    };
    format!("invalid character {quoted} looking for beginning of value")
}

/// serde's parse error in Go's words: `unexpected EOF`, or the offending character.
fn json_error(body: &[u8], e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected EOF".into();
    }
    // serde reports a 1-based line and column (in bytes) of the offending byte.
    let line_start: usize = body
        .split(|b| *b == b'\n')
        .take(e.line().saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    let at = line_start + e.column().saturating_sub(1);
    match body.get(at) {
        Some(&c) => invalid_character(c),
        None => "unexpected EOF".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    fn text(r: &Reply) -> String {
        String::from_utf8(r.body.clone()).unwrap()
    }

    fn parse(
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Parsed, Reply> {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.append(
                hyper::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let s = start(&m, &uri(url))?;
        finish(s, &h, body.as_bytes(), Some("127.0.0.1".parse().unwrap()))
    }

    fn err(r: Result<Parsed, Reply>) -> (u16, String) {
        match r {
            Err(r) => (r.status, text(&r)),
            Ok(p) => panic!("{p:?}"),
        }
    }

    #[test]
    fn paths_are_cleaned_as_gos_mux_cleans_them() {
        assert_eq!(
            clean_path("/v1/auth/jwt/../jwt/role/x"),
            "/v1/auth/jwt/role/x"
        );
        assert_eq!(clean_path("/v1/auth//jwt/role/x"), "/v1/auth/jwt/role/x");
        assert_eq!(clean_path("/v1/a/./b/"), "/v1/a/b/");
        assert_eq!(clean_path("/v1/sys/health/."), "/v1/sys/health");
        assert_eq!(clean_path("/v1/"), "/v1/");
        assert_eq!(clean_path("/.."), "/");
        let r = err(parse("GET", "/v1/auth//token/lookup-self?a=b", &[], ""));
        assert_eq!(
            r,
            (
                307,
                "<a href=\"/v1/auth/token/lookup-self?a=b\">Temporary Redirect</a>.\n\n".into()
            )
        );
        let Err(r) = parse("POST", "/v1/a/../b", &[], "{}") else {
            panic!()
        };
        assert_eq!(
            (r.status, r.location.as_deref(), r.body.len()),
            (307, Some("/v1/b"), 0)
        );
    }

    #[test]
    fn outside_v1_and_unknown_methods() {
        assert_eq!(
            err(parse("GET", "/v1", &[], "")),
            (404, "{\"errors\":[]}\n".into())
        );
        assert_eq!(
            err(parse("GET", "/v2/foo", &[], "")),
            (404, "{\"errors\":[]}\n".into())
        );
        assert_eq!(
            err(parse("FOO", "/v1/a", &[], "")),
            (405, "{\"errors\":[]}\n".into())
        );
        assert_eq!(
            err(parse("SCAN", "/v1/a", &[], "")),
            (405, "{\"errors\":[]}\n".into())
        );
        assert_eq!(
            err(parse("OPTIONS", "/v1/auth/jwt/role/x", &[], "")),
            (
                400,
                "{\"errors\":[\"cannot handle internal-only request operation\"]}\n".into()
            )
        );
    }

    #[test]
    fn methods_map_to_operations_and_lists() {
        let op = |m: &str, url: &str| {
            let p = parse(m, url, &[], "").unwrap();
            (p.request.operation, p.request.path, p.request.data)
        };
        assert_eq!(op("GET", "/v1/auth/jwt/role/x").0, Operation::Read);
        for url in [
            "/v1/auth/jwt/role?list=true",
            "/v1/auth/jwt/role/?list=True",
            "/v1/auth/jwt/role?list=1",
            "/v1/auth/jwt/role?list=t",
        ] {
            assert_eq!(
                op("GET", url),
                (Operation::List, "auth/jwt/role".to_string(), Map::new()),
                "{url}"
            );
        }
        assert_eq!(op("LIST", "/v1/auth/jwt/role/").0, Operation::List);
        let (o, _, d) = op("GET", "/v1/auth/jwt/role/x?list=false");
        assert_eq!(
            (o, d["list"].clone()),
            (Operation::Read, Value::from("false"))
        );
        assert_eq!(
            err(parse("GET", "/v1/x?list=abc", &[], "")),
            (400, "{\"errors\":[]}\n".into())
        );
        assert_eq!(err(parse("GET", "/v1/x?list=yes", &[], "")).0, 400);
        assert_eq!(op("PUT", "/v1/x").0, Operation::Write);
        assert_eq!(op("POST", "/v1/x").0, Operation::Write);
        assert_eq!(op("DELETE", "/v1/x/").0, Operation::Delete);
        assert_eq!(op("DELETE", "/v1/x/").1, "x");
        // Query parameters are the data of reads; `help` is not one; repeats make a list.
        let (_, _, d) = op("GET", "/v1/auth/token/lookup?token=a%2Bb&x=1&x=2&help=1");
        assert_eq!(
            Value::Object(d),
            serde_json::json!({"token": "a+b", "x": ["1", "2"]})
        );
        // `%2F` is a `/`.
        assert_eq!(op("GET", "/v1/auth/jwt/role%2Fx").1, "auth/jwt/role/x");
    }

    #[test]
    fn writes_take_the_body_and_ignore_the_query() {
        let p = parse(
            "POST",
            "/v1/auth/jwt/role/r?user_claim=sub",
            &[],
            "{\"a\":1,\"a\":2}",
        )
        .unwrap();
        assert_eq!(Value::Object(p.request.data), serde_json::json!({"a": 2}));
        let form = [("content-type", "application/x-www-form-urlencoded")];
        let p = parse("PUT", "/v1/x", &form, "role_type=jwt&a=1&a=2&b=x%20y").unwrap();
        assert_eq!(
            Value::Object(p.request.data),
            serde_json::json!({"role_type": "jwt", "a": "1,2", "b": "x y"})
        );
        // A form content type with a JSON body is JSON (what curl -d sends).
        let p = parse("PUT", "/v1/x", &form, " {\"k\":\"v\"}").unwrap();
        assert_eq!(Value::Object(p.request.data), serde_json::json!({"k": "v"}));
        for empty in ["", "  \n", "null", "{\"a\":1} {\"b\":2}"] {
            assert!(parse("PUT", "/v1/x", &[], empty).is_ok(), "{empty:?}");
        }
        // GET, DELETE and LIST bodies are not read.
        assert!(parse("GET", "/v1/x", &[], "{bad").is_ok());
        assert!(parse("DELETE", "/v1/x", &[], "{bad").is_ok());
    }

    #[test]
    fn bad_json_is_400_in_gos_words() {
        let msg = |body: &str| {
            let (code, text) = err(parse("POST", "/v1/auth/jwt/role/m", &[], body));
            assert_eq!(code, 400);
            let v: Value = serde_json::from_str(&text).unwrap();
            v["errors"][0].as_str().unwrap().to_string()
        };
        let go = "failed to decode JSON input: ";
        assert_eq!(msg("{\"role_type\":"), format!("{go}unexpected EOF"));
        assert_eq!(
            msg("[1,2]"),
            format!(
                "{go}json: cannot unmarshal array into Go value of type map[string]interface {{}}"
            )
        );
        assert_eq!(
            msg("\"str\""),
            format!(
                "{go}json: cannot unmarshal string into Go value of type map[string]interface {{}}"
            )
        );
        assert_eq!(
            msg("42"),
            format!(
                "{go}json: cannot unmarshal number into Go value of type map[string]interface {{}}"
            )
        );
        assert_eq!(
            msg("{bad}"),
            format!("{go}invalid character 'b' looking for beginning of value")
        );
        assert_eq!(
            msg("{\"a\":1}xyz"),
            format!("{go}invalid character 'x' looking for beginning of value")
        );
        // The body is checked before the namespace and the token.
        assert_eq!(
            err(parse(
                "POST",
                "/v1/nosuch",
                &[("x-vault-namespace", "foo")],
                "{bad"
            ))
            .0,
            400
        );
    }

    #[test]
    fn checks_before_authentication() {
        assert_eq!(
            err(parse("GET", "/v1/auth/jwt/role/%2e%2e/x", &[], "")),
            (
                400,
                "{\"errors\":[\"relative paths not supported\"]}\n".into()
            )
        );
        assert_eq!(err(parse("GET", "/v1/auth/token/%2e/x", &[], "")).0, 400);
        // `a..b` is a name, not a relative segment.
        assert!(parse("GET", "/v1/auth/token/a..b", &[], "").is_ok());
        assert_eq!(
            err(parse("POST", "/v1/auth/jwt/role/x/", &[], "{}")),
            (
                400,
                "{\"errors\":[\"cannot write to a path ending in '/'\"]}\n".into()
            )
        );
        assert_eq!(err(parse("GET", "/v1/a%zzb", &[], "")).0, 400);
        assert_eq!(err(parse("GET", "/v1/a%ffb", &[], "")).0, 400);
        assert_eq!(
            err(parse("PATCH", "/v1/x", &[("content-type", "application/json")], "{}")),
            (
                415,
                "{\"errors\":[\"PATCH requires Content-Type of application/merge-patch+json, provided application/json\"]}\n".into()
            )
        );
        let p = parse(
            "PATCH",
            "/v1/x",
            &[("content-type", "application/merge-patch+json")],
            "{}",
        );
        assert_eq!(p.unwrap().request.operation, Operation::Patch);
    }

    #[test]
    fn wrap_ttl_is_parsed_and_refused() {
        let w = |v: &str| parse("GET", "/v1/x", &[("x-vault-wrap-ttl", v)], "");
        assert!(w("0").is_ok());
        assert!(w("0s").is_ok());
        assert_eq!(
            err(w("abc")).1,
            "{\"errors\":[\"error parsing X-Vault-Wrap-TTL header: time: invalid duration \\\"abc\\\"\"]}\n"
        );
        assert_eq!(
            err(w("-5")).1,
            "{\"errors\":[\"error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative\"]}\n"
        );
        assert_eq!(err(w("60s")).0, 400);
    }

    #[test]
    fn namespaces() {
        let ns = |v: &str, url: &str| parse("GET", url, &[("x-vault-namespace", v)], "");
        for root in ["root", "root/", "/root", "/", "//", "/root/"] {
            assert!(ns(root, "/v1/auth/jwt/role/x").is_ok(), "{root}");
        }
        for other in ["foo", "ROOT", "root/foo", "root//"] {
            assert_eq!(
                err(ns(other, "/v1/auth/jwt/role/x")),
                (404, "{\"errors\":[\"namespace not found\"]}\n".into()),
                "{other}"
            );
        }
        // An empty header is no namespace.
        assert!(ns("", "/v1/x").is_ok());
        // The status endpoints: sys/health refuses any namespace; the others ignore it.
        assert_eq!(
            err(ns("root", "/v1/sys/health")),
            (
                400,
                "{\"errors\":[\"operation unavailable in namespaces\"]}\n".into()
            )
        );
        assert!(ns("foo", "/v1/sys/leader").is_ok());
        assert!(ns("foo", "/v1/sys/seal-status").is_ok());
        assert!(ns("", "/v1/sys/health").is_ok());
    }

    #[test]
    fn status_endpoints() {
        let p = parse("HEAD", "/v1/sys/health?standbyok=true", &[], "").unwrap();
        assert!(p.head);
        assert_eq!(p.request.operation, Operation::Read);
        assert_eq!(p.request.data["standbyok"], "true");
        assert_eq!(p.request.caller, Caller::Anonymous);
        assert_eq!(err(parse("HEAD", "/v1/sys/seal-status", &[], "")).0, 405);
        // `?list=` is no list there, and a body is not read.
        let p = parse("GET", "/v1/sys/health?list=true", &[], "").unwrap();
        assert_eq!(p.request.operation, Operation::Read);
        assert_eq!(
            parse("POST", "/v1/sys/leader", &[], "{bad")
                .unwrap()
                .request
                .operation,
            Operation::Write
        );
        // With a trailing `/` it is no status endpoint.
        assert_eq!(
            parse("GET", "/v1/sys/health/", &[], "")
                .unwrap()
                .request
                .path,
            "sys/health/"
        );
    }

    #[test]
    fn the_token_comes_from_x_vault_token_or_bearer() {
        let who = |h: &[(&str, &str)]| parse("GET", "/v1/x", h, "").unwrap().request.caller;
        let token = |c: Caller| match c {
            Caller::Token(t) => Some(t.token.expose().to_string()),
            _ => None,
        };
        assert_eq!(
            token(who(&[("x-vault-token", "root")])).as_deref(),
            Some("root")
        );
        assert_eq!(
            token(who(&[("authorization", "Bearer   root  ")])).as_deref(),
            Some("root")
        );
        assert_eq!(token(who(&[("authorization", "bearer root")])), None);
        assert_eq!(
            token(who(&[
                ("authorization", "Basic abc"),
                ("authorization", "Bearer root")
            ]))
            .as_deref(),
            Some("root")
        );
        assert_eq!(
            token(who(&[
                ("x-vault-token", "bogus"),
                ("authorization", "Bearer root")
            ]))
            .as_deref(),
            Some("bogus")
        );
        assert_eq!(
            token(who(&[
                ("x-vault-token", ""),
                ("authorization", "Bearer root")
            ]))
            .as_deref(),
            Some("root")
        );
        // Never from the query or the body.
        assert_eq!(
            token(
                parse("GET", "/v1/x?token=root", &[], "")
                    .unwrap()
                    .request
                    .caller
            ),
            None
        );
        assert_eq!(
            token(
                parse("POST", "/v1/x", &[], "{\"token\":\"root\"}")
                    .unwrap()
                    .request
                    .caller
            ),
            None
        );
        let p = parse("GET", "/v1/x", &[], "").unwrap();
        assert_eq!(p.request.remote_addr.as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn the_sys_routes_that_copy_data_to_the_top() {
        let inj = |m: &str, url: &str| parse(m, url, &[], "{}").unwrap().inject;
        assert!(inj("GET", "/v1/sys/auth"));
        assert!(inj("GET", "/v1/sys/auth/jwt"));
        assert!(inj("GET", "/v1/sys/policy/p1"));
        assert!(inj("POST", "/v1/sys/capabilities-self"));
        assert!(!inj("GET", "/v1/sys/capabilities-self/"));
        assert!(!inj("GET", "/v1/sys/policies/acl/p1"));
        assert!(!inj("GET", "/v1/sys/internal/ui/mounts/secret"));
        assert!(!inj("GET", "/v1/auth/jwt/config"));
    }
}
