//! The command line as a client (contract §8): a [`Backend`] that sends each [`Request`] over
//! HTTP to a Vault-API server — a `jwtvault server`, a Vault or an OpenBao — as the Vault CLI's
//! Go client sends it, and turns the answer back into a [`Response`] or an [`ApiError`].
//!
//! On the wire (notes taken from the `bao` CLI with `-output-curl-string` and a logging proxy):
//! reads are `GET /v1/<path>` with the request's data as query parameters, lists `GET
//! /v1/<path>?list=true`, writes `PUT` (or `POST` where the Vault CLI posts, [`Request::post`])
//! with a JSON body, deletes `DELETE`; every request carries `X-Vault-Request: true` and, when
//! the caller has one, `X-Vault-Token`. No `Content-Type` is sent, as the Go client sends none.
//!
//! Answers: a 2xx/3xx with a body is Vault's envelope (`request_id`, `data`, `warnings`, `auth`,
//! `mount_type`); without a body it is Vault's nil response. An error status with Vault's JSON
//! body (`{"errors": […]}`, plus the `hints` a jwtvault server adds) is an [`ApiError`]; any
//! other body is printed raw (`Raw Message:`). A 404 with data or warnings is a response with
//! that status (the Go client's rule, for KV v2's deleted versions): the answer of a read or a
//! list, the error (plus its warnings) of a write or a delete.
//!
//! What the command line prints for a failure needs what was sent (Vault's `URL: <METHOD>
//! <url>` line): [`HttpBackend::take_failure`] hands over the last failure with its method and
//! URL. URLs are written as Go's `net/url` writes them (the address as given, the path joined and
//! cleaned with `path.Join`, escaped as `EscapedPath`, the query as `Values.Encode`), and
//! transport failures in Go's words where they are stable (see [`transport_text`]).

use std::net::ToSocketAddrs;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::blocking::Client;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde_json::{Map, Value};

use crate::api::{
    ApiError, Auth, Caller, HttpCall, Operation, RemoteError, RemoteFailure, Request, Response,
};
use crate::backend::{Backend, Failure};

/// The Vault Go client's default timeout for a whole request (`VAULT_CLIENT_TIMEOUT`).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Go's `net.Dialer` timeout in the Vault client's transport.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// The most of an answer's body read; a longer one is a failure, never a truncated document.
pub const MAX_BODY: u64 = 64 << 20;

/// Where a trust root came from: the Vault CLI words a bad CA file differently for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaSource {
    /// `-ca-cert=PATH`: `failed to setup TLS config: Error loading CA File: …`.
    Flag,
    /// `JWTVAULT_CACERT`: `failed to read environment: Error loading CA File: …`.
    Env,
}

/// The server's address, split as Go's `url.Parse` splits it (kept as written: Go prints the
/// address back as given, default port and all).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Address {
    scheme: String,
    /// `host[:port]`, as written.
    authority: String,
    /// The address's own path (`/prefix`), joined in front of `/v1/…`.
    path: String,
}

impl Address {
    /// Go's `url.Parse` of `-address`, with Go's message for the common mistakes.
    fn parse(raw: &str) -> Result<Address, String> {
        let fail = |why: &str| Err(format!("parse {}: {why}", crate::gofmt::go_quote(raw)));
        let Some((scheme, rest)) = raw.split_once("://") else {
            // No scheme: Go takes the whole text as a path, and refuses a colon in its first
            // segment (`127.0.0.1:8200`); the request then fails on the empty scheme.
            let first = raw.split('/').next().unwrap_or("");
            if first.contains(':') {
                return fail("first path segment in URL cannot contain colon");
            }
            return Ok(Address {
                scheme: String::new(),
                authority: String::new(),
                path: raw.to_string(),
            });
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if let Some(c) = authority
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(*c))
        {
            return fail(&format!(
                "invalid character {} in host name",
                crate::gofmt::go_quote(&c.to_string())
            ));
        }
        let path = path.split(['?', '#']).next().unwrap_or("");
        Ok(Address {
            scheme: scheme.to_ascii_lowercase(),
            authority: authority.to_string(),
            path: path.to_string(),
        })
    }
}

/// A `Backend` that is a Vault-API server at the end of an HTTP connection.
pub struct HttpBackend {
    address: Address,
    client: Client,
    /// The last failure, with the method and URL sent, for the command line's error text.
    last: Mutex<Option<RemoteFailure>>,
}

impl HttpBackend {
    /// A client of the server at `address` (`http://127.0.0.1:8200`), trusting the system's
    /// roots plus the certificates of `ca_cert`, with proxies as `env` names them (loopback is
    /// never proxied). The error is the Vault CLI's text for a bad address or CA file.
    pub fn new(
        address: &str,
        ca_cert: Option<(&str, CaSource)>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<HttpBackend, String> {
        let address =
            Address::parse(address).map_err(|e| format!("failed to create client: {e}"))?;
        let mut builder = Client::builder()
            .user_agent(concat!("jwtvault/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(3))
            .no_proxy();
        for proxy in crate::fetch::proxies(env) {
            builder = builder.proxy(proxy);
        }
        if let Some((path, source)) = ca_cert {
            let lead = match source {
                CaSource::Flag => "failed to setup TLS config",
                CaSource::Env => "failed to read environment",
            };
            for der in ca_file(path).map_err(|e| format!("{lead}: Error loading CA File: {e}"))? {
                let cert = reqwest::Certificate::from_der(&der)
                    .map_err(|e| format!("{lead}: Error loading CA File: {e}"))?;
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| format!("failed to create client: {}", innermost(&e)))?;
        Ok(HttpBackend {
            address,
            client,
            last: Mutex::new(None),
        })
    }

    /// The last failure (and forgets it): what was sent and what came back.
    pub fn take_failure(&self) -> Option<RemoteFailure> {
        self.last.lock().ok().and_then(|mut l| l.take())
    }

    /// The method and URL the Go client would use for `req`.
    pub fn call(&self, req: &Request) -> HttpCall {
        let method = match req.operation {
            Operation::Read | Operation::List => "GET",
            Operation::Delete => "DELETE",
            Operation::Patch => "PATCH",
            Operation::Write if req.post => "POST",
            Operation::Write => "PUT",
        };
        let joined = go_path_join(&self.address.path, &format!("/v1/{}", req.path));
        let mut url = if self.address.scheme.is_empty() {
            go_escape_path(&joined)
        } else {
            format!(
                "{}://{}{}",
                self.address.scheme,
                self.address.authority,
                go_escape_path(&joined)
            )
        };
        let mut params: Vec<(String, String)> = Vec::new();
        if matches!(
            req.operation,
            Operation::Read | Operation::List | Operation::Delete
        ) {
            for (k, v) in &req.data {
                match v {
                    Value::Array(items) => {
                        params.extend(items.iter().map(|i| (k.clone(), param_text(i))))
                    }
                    v => params.push((k.clone(), param_text(v))),
                }
            }
        }
        if req.operation == Operation::List {
            params.retain(|(k, _)| k != "list");
            params.push(("list".into(), "true".into()));
        }
        if !params.is_empty() {
            // Go's `url.Values.Encode`: sorted by key, values in order.
            params.sort_by(|a, b| a.0.cmp(&b.0));
            let query: Vec<String> = params
                .iter()
                .map(|(k, v)| format!("{}={}", go_query_escape(k), go_query_escape(v)))
                .collect();
            url.push('?');
            url.push_str(&query.join("&"));
        }
        HttpCall {
            method: method.into(),
            url,
        }
    }

    fn send(&self, req: &Request, call: &HttpCall) -> Result<Response, RemoteError> {
        if self.address.scheme != "http" && self.address.scheme != "https" {
            return Err(RemoteError::Transport(format!(
                "unsupported protocol scheme {}",
                crate::gofmt::go_quote(&self.address.scheme)
            )));
        }
        let method = reqwest::Method::from_bytes(call.method.as_bytes())
            .map_err(|e| RemoteError::Transport(e.to_string()))?;
        let mut builder = self
            .client
            .request(method, call.url.as_str())
            .header("X-Vault-Request", "true");
        if let Caller::Token(t) | Caller::Local(Some(t)) = &req.caller {
            builder = builder.header("X-Vault-Token", t.token.expose());
        }
        if matches!(req.operation, Operation::Write | Operation::Patch) {
            let body =
                serde_json::to_vec(&req.data).map_err(|e| RemoteError::Transport(e.to_string()))?;
            builder = builder.body(body);
            if req.operation == Operation::Patch {
                builder = builder.header("Content-Type", "application/merge-patch+json");
            }
        }
        let resp = builder
            .send()
            .map_err(|e| RemoteError::Transport(transport_text(&e, &self.address)))?;
        let status = resp.status().as_u16();
        let mut body = Vec::new();
        use std::io::Read;
        resp.take(MAX_BODY + 1)
            .read_to_end(&mut body)
            .map_err(|e| RemoteError::Transport(format!("reading the answer: {e}")))?;
        if body.len() as u64 > MAX_BODY {
            return Err(RemoteError::Transport(format!(
                "the answer is over {MAX_BODY} bytes; jwtvault reads at most that much"
            )));
        }
        answer(status, &body)
    }
}

impl Backend for HttpBackend {
    fn handle(&self, req: &Request) -> Result<Response, Failure> {
        let call = self.call(req);
        match self.send(req, &call) {
            Ok(resp) => {
                // A status of its own is the Go client's error too (`Code: 404. Errors:`, and
                // the `URL:` line): kept for the command line's error text.
                if let Some(code) = resp.status.filter(|c| *c >= 400) {
                    if let Ok(mut last) = self.last.lock() {
                        *last = Some(RemoteFailure {
                            call,
                            error: RemoteError::Api(ApiError::new(code, Vec::new())),
                        });
                    }
                }
                Ok(resp)
            }
            Err(error) => {
                let failure = RemoteFailure { call, error };
                let api = failure.api_error();
                if let Ok(mut last) = self.last.lock() {
                    *last = Some(failure);
                }
                Err(Failure::Api(api))
            }
        }
    }
}

/// The answer to a request as the Vault Go client reads it.
fn answer(status: u16, body: &[u8]) -> Result<Response, RemoteError> {
    if (200..400).contains(&status) {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Response::default());
        }
        return envelope(body).map_err(RemoteError::Decode);
    }
    // A 404 that carries data or warnings (KV v2's deleted version, or a path the engine does
    // not serve): the Go client hands the secret back, as the answer of a read or a list, and
    // with the error of a write, a patch or a delete. It comes back with its status, as the
    // local router gives it.
    if status == 404 {
        if let Ok(resp) = envelope(body) {
            if !resp.warnings.is_empty() || resp.data.as_ref().is_some_and(|d| !d.is_empty()) {
                return Ok(Response {
                    status: Some(status),
                    ..resp
                });
            }
        }
    }
    match error_body(body) {
        Some((errors, hints)) => Err(RemoteError::Api(ApiError {
            hints,
            ..ApiError::new(status, errors)
        })),
        None => Err(RemoteError::Raw {
            code: status,
            body: String::from_utf8_lossy(body).into_owned(),
        }),
    }
}

/// Vault's `{"errors": […]}` (and jwtvault's `hints`), decoded as the Go client decodes it into
/// `struct { Errors []string }`: `None` when that fails (the body is then shown raw).
fn error_body(body: &[u8]) -> Option<(Vec<String>, Vec<String>)> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let strings = |v: Option<&Value>| -> Option<Vec<String>> {
        match v {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect(),
            Some(_) => None,
        }
    };
    let errors = strings(map.get("errors"))?;
    // `hints` is jwtvault's; a server sending something else there still has its errors shown.
    let hints = strings(map.get("hints")).unwrap_or_default();
    Some((errors, hints))
}

/// Vault's response envelope as a [`Response`]; the error is Go's JSON decoder text.
fn envelope(body: &[u8]) -> Result<Response, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| go_json_error(body, &e))?;
    let Value::Object(map) = value else {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type api.Secret",
            json_kind(&value)
        ));
    };
    let text = |m: &Map<String, Value>, k: &str| {
        m.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let auth = map.get("auth").and_then(Value::as_object).map(|a| Auth {
        client_token: text(a, "client_token").into(),
        accessor: text(a, "accessor"),
        policies: strings(a.get("policies")),
        token_policies: strings(a.get("token_policies")),
        identity_policies: strings(a.get("identity_policies")),
        metadata: a
            .get("metadata")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        orphan: a.get("orphan").and_then(Value::as_bool).unwrap_or(false),
        entity_id: text(a, "entity_id"),
        lease_duration: a.get("lease_duration").and_then(Value::as_i64).unwrap_or(0),
        renewable: a.get("renewable").and_then(Value::as_bool).unwrap_or(false),
        token_type: text(a, "token_type"),
        num_uses: a.get("num_uses").and_then(Value::as_i64).unwrap_or(0),
    });
    Ok(Response {
        request_id: text(&map, "request_id"),
        data: map.get("data").and_then(Value::as_object).cloned(),
        auth,
        warnings: strings(map.get("warnings")),
        mount_type: Some(text(&map, "mount_type")).filter(|m| !m.is_empty()),
        ..Response::default()
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Go's `encoding/json` syntax error for a body that is not JSON: exact for the common case
/// (a first byte that cannot start a value, e.g. an HTML page), and for a body cut short.
fn go_json_error(body: &[u8], e: &serde_json::Error) -> String {
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b)
            if !matches!(
                b,
                b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
            ) =>
        {
            format!(
                "invalid character {} looking for beginning of value",
                go_quote_char(b)
            )
        }
        _ if e.is_eof() => "unexpected end of JSON input".into(),
        _ => e.to_string(),
    }
}

/// Go's `quoteChar`: `'x'`, with `\'` and `\"` escaped and other bytes as `strconv.Quote`.
fn go_quote_char(b: u8) -> String {
    match b {
        b'\'' => r"'\''".into(),
        b'"' => r#"'"'"#.into(),
        b if b.is_ascii_graphic() || b == b' ' => format!("'{}'", b as char),
        b => {
            let q = crate::gofmt::go_quote_bytes(&[b]);
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

/// A query parameter's text: strings as they are, anything else as its JSON.
fn param_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// The certificates of a CA file, read as Go's `rootcerts` reads one: the file must open and
/// hold at least one certificate (`Couldn't parse PEM in: <path>`).
fn ca_file(path: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = crate::kv::read_file(path)?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .map_while(Result::ok)
        .filter(|der| rustls::RootCertStore::empty().add(der.clone()).is_ok())
        .collect();
    if certs.is_empty() {
        return Err(format!("Couldn't parse PEM in: {path}"));
    }
    Ok(certs)
}

/// Go's `path.Join(base, rest)`: joined with `/`, then cleaned (`path.Clean`).
pub fn go_path_join(base: &str, rest: &str) -> String {
    let joined = if base.is_empty() {
        rest.to_string()
    } else {
        format!("{base}/{rest}")
    };
    go_path_clean(&joined)
}

/// Go's `path.Clean`: no empty or `.` segments, `..` resolved, no trailing slash.
pub fn go_path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `url.URL.EscapedPath` for a path set in `URL.Path`.
fn go_escape_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for &b in p.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_'
                    | b'.'
                    | b'~'
                    | b'$'
                    | b'&'
                    | b'+'
                    | b','
                    | b'/'
                    | b':'
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Go's `url.QueryEscape`: space as `+`, only the unreserved characters kept.
fn go_query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The deepest error's text: reqwest's and hyper's outer layers only say "error sending request".
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// A transport failure in the words of Go's `net/http` and `crypto/tls`, as the Vault CLI
/// prints them after `Get "<url>": ` (the caller adds that lead). Exact for a refused
/// connection, a closed connection (`EOF`), a certificate from an unknown authority, a
/// certificate for another name, a plain-HTTP answer to TLS and the client's time limit; a reset
/// connection lacks Go's `read tcp <local>-><remote>: ` lead; other failures are the operating
/// system's text as Go prints it, else the Rust stack's own.
fn transport_text(err: &reqwest::Error, address: &Address) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut os_error = None;
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return format!(
                        "dial tcp {}: connect: connection refused",
                        dial_addr(address)
                    )
                }
                std::io::ErrorKind::UnexpectedEof => return "EOF".into(),
                // Go: `read tcp <local>-><remote>: read: connection reset by peer`; the local
                // port is not known here.
                std::io::ErrorKind::ConnectionReset => {
                    return "read: connection reset by peer".into()
                }
                _ if io.raw_os_error().is_some() => os_error = Some(crate::kv::go_errno_text(io)),
                _ => {}
            }
        }
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            if let Some(text) = tls_text(tls, address) {
                return text;
            }
        }
        // hyper's text when the server closed the connection without an answer.
        if e.to_string() == "connection closed before message completed" {
            return "EOF".into();
        }
        // An io::Error's `source()` steps over the error it wraps (rustls's, for one): visit it.
        source = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    if err.is_timeout() {
        return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into();
    }
    os_error.unwrap_or_else(|| innermost(err))
}

/// `dial tcp <ip:port>`: Go names the address it dialled (the first the name resolved to).
fn dial_addr(address: &Address) -> String {
    let authority = address.authority.rsplit('@').next().unwrap_or("");
    let default = if address.scheme == "https" { 443 } else { 80 };
    let with_port = match authority.rsplit_once(':') {
        Some((_, port)) if !authority.ends_with(']') && port.parse::<u16>().is_ok() => {
            authority.to_string()
        }
        _ => format!("{authority}:{default}"),
    };
    match with_port.to_socket_addrs().ok().and_then(|mut a| a.next()) {
        Some(addr) => addr.to_string(),
        None => with_port,
    }
}

/// Go's `crypto/tls` / `crypto/x509` text for a TLS failure rustls reports.
fn tls_text(err: &rustls::Error, address: &Address) -> Option<String> {
    use rustls::CertificateError as C;
    let lead = "tls: failed to verify certificate: x509: ";
    let host = address
        .authority
        .rsplit('@')
        .next()
        .map(|a| match a.rsplit_once(':') {
            Some((h, p)) if !a.ends_with(']') && p.parse::<u16>().is_ok() => h,
            _ => a,
        })
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    match err {
        rustls::Error::InvalidCertificate(cert) => Some(match cert {
            C::UnknownIssuer => format!("{lead}certificate signed by unknown authority"),
            C::NotValidForNameContext { presented, .. } => {
                format!("{lead}{}", name_mismatch(&host, presented))
            }
            C::NotValidForName => format!("{lead}certificate is not valid for {host}"),
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => {
                format!("{lead}certificate has expired or is not yet valid")
            }
            other => format!("{lead}{other:?}"),
        }),
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
            Some("http: server gave HTTP response to HTTPS client".into())
        }
        _ => None,
    }
}

/// Go's `x509.HostnameError` text from the names rustls found in the certificate
/// (`DnsName("localhost")`, `IpAddress(127.0.0.1)`).
fn name_mismatch(host: &str, presented: &[String]) -> String {
    let inner = |s: &str, kind: &str| -> Option<String> {
        s.strip_prefix(kind)
            .and_then(|r| r.strip_suffix(')'))
            .map(|r| r.trim_matches('"').to_string())
    };
    let dns: Vec<String> = presented
        .iter()
        .filter_map(|p| inner(p, "DnsName("))
        .collect();
    let ips: Vec<String> = presented
        .iter()
        .filter_map(|p| inner(p, "IpAddress("))
        .map(|ip| ip.parse::<std::net::IpAddr>().map_or(ip, |a| a.to_string()))
        .collect();
    let valid = if host.parse::<std::net::IpAddr>().is_ok() {
        if ips.is_empty() {
            return format!(
                "cannot validate certificate for {host} because it doesn't contain any IP SANs"
            );
        }
        ips.join(", ")
    } else {
        dns.join(", ")
    };
    if valid.is_empty() {
        return format!("certificate is not valid for any names, but wanted to match {host}");
    }
    format!("certificate is valid for {valid}, not {host}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::CallerToken;
    use serde_json::json;

    fn backend(addr: &str) -> HttpBackend {
        HttpBackend::new(addr, None, &|_| None).expect("client")
    }

    #[test]
    fn requests_map_to_the_go_clients_method_and_url() {
        let b = backend("http://127.0.0.1:8200");
        let call = |r: Request| {
            let c = b.call(&r);
            format!("{} {}", c.method, c.url)
        };
        assert_eq!(
            call(Request::read("auth/jwt/role/x")),
            "GET http://127.0.0.1:8200/v1/auth/jwt/role/x"
        );
        assert_eq!(
            call(Request::list("sys/policies/acl")),
            "GET http://127.0.0.1:8200/v1/sys/policies/acl?list=true"
        );
        assert_eq!(
            call(Request::write("auth/jwt/login", Map::new())),
            "PUT http://127.0.0.1:8200/v1/auth/jwt/login"
        );
        assert_eq!(
            call(Request::write("sys/auth/jwt", Map::new()).posted()),
            "POST http://127.0.0.1:8200/v1/sys/auth/jwt"
        );
        assert_eq!(
            call(Request::delete("auth/jwt/role/x")),
            "DELETE http://127.0.0.1:8200/v1/auth/jwt/role/x"
        );
        let mut data = Map::new();
        data.insert("z".into(), json!("a b&c"));
        data.insert("a".into(), json!(1));
        assert_eq!(
            call(Request::new(Operation::Read, "sys/health", data)),
            "GET http://127.0.0.1:8200/v1/sys/health?a=1&z=a+b%26c"
        );
        // path.Join cleans, EscapedPath escapes as Go does.
        assert_eq!(
            call(Request::read("auth/a b/../c!*")),
            "GET http://127.0.0.1:8200/v1/auth/c%21%2A"
        );
        let prefixed = backend("https://vault.example:8443/prefix/");
        assert_eq!(
            prefixed.call(&Request::read("x")).url,
            "https://vault.example:8443/prefix/v1/x"
        );
    }

    #[test]
    fn bad_addresses_are_refused_in_gos_words() {
        let err = |a: &str| HttpBackend::new(a, None, &|_| None).err().unwrap();
        assert_eq!(
            err("127.0.0.1:8200"),
            "failed to create client: parse \"127.0.0.1:8200\": first path segment in URL cannot contain colon"
        );
        assert_eq!(
            err("http://a b"),
            "failed to create client: parse \"http://a b\": invalid character \" \" in host name"
        );
    }

    #[test]
    fn ca_files_are_checked_as_the_vault_cli_checks_them() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.pem");
        let missing = missing.to_str().unwrap();
        assert_eq!(
            HttpBackend::new(
                "https://127.0.0.1:1",
                Some((missing, CaSource::Env)),
                &|_| None
            )
            .err()
            .unwrap(),
            format!("failed to read environment: Error loading CA File: open {missing}: no such file or directory")
        );
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "hello\n").unwrap();
        let junk = junk.to_str().unwrap();
        assert_eq!(
            HttpBackend::new("https://127.0.0.1:1", Some((junk, CaSource::Flag)), &|_| {
                None
            })
            .err()
            .unwrap(),
            format!(
                "failed to setup TLS config: Error loading CA File: Couldn't parse PEM in: {junk}"
            )
        );
    }

    #[test]
    fn answers_become_responses_and_errors_as_the_go_client_reads_them() {
        assert_eq!(answer(204, b"").unwrap(), Response::default());
        let ok = answer(200,
            br#"{"request_id":"r","lease_id":"","renewable":false,"lease_duration":0,"data":null,"wrap_info":null,"warnings":["w"],"auth":{"client_token":"t","accessor":"a","policies":["default"],"token_policies":["default"],"metadata":{"role":"x"},"lease_duration":60,"renewable":true,"entity_id":"e","token_type":"service","orphan":true,"mfa_requirement":null,"num_uses":0}}"#,
        )
        .unwrap();
        assert_eq!(ok.request_id, "r");
        assert_eq!(ok.data, None);
        assert_eq!(ok.warnings, ["w"]);
        let auth = ok.auth.unwrap();
        assert_eq!(auth.client_token.expose(), "t");
        assert_eq!(auth.metadata.get("role").map(String::as_str), Some("x"));
        assert_eq!(
            (auth.lease_duration, auth.renewable, auth.orphan),
            (60, true, true)
        );

        let e = answer(
            400,
            br#"{"errors":["role \"x\" could not be found"],"hints":["h"]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            RemoteError::Api(ApiError {
                hints: vec!["h".into()],
                ..ApiError::bad_request("role \"x\" could not be found")
            })
        );
        assert_eq!(
            answer(404, b"{\"errors\":[]}\n").unwrap_err(),
            RemoteError::Api(ApiError::not_found())
        );
        // Not Vault's error body: shown raw.
        for body in [
            &b"<html>oops</html>\n"[..],
            b"",
            b"[]",
            b"{\"errors\":\"x\"}",
        ] {
            assert_eq!(
                answer(500, body).unwrap_err(),
                RemoteError::Raw {
                    code: 500,
                    body: String::from_utf8_lossy(body).into_owned()
                }
            );
        }
        // A success that is not JSON: Go's decoder text.
        assert_eq!(
            answer(200, b"hello").unwrap_err(),
            RemoteError::Decode("invalid character 'h' looking for beginning of value".into())
        );
        // A 404 with data or warnings is an answer with its status (KV v2's deleted versions;
        // a write's error for the command); one without is the error.
        let kept = answer(404, br#"{"data":{"metadata":{"v":1}},"warnings":null}"#).unwrap();
        assert!(kept.data.is_some());
        assert_eq!(kept.status, Some(404));
        let warned = answer(404, br#"{"data":null,"warnings":["w"]}"#).unwrap();
        assert_eq!(
            (warned.status, warned.warnings),
            (Some(404), vec!["w".to_string()])
        );
        assert!(answer(404, br#"{"data":{}}"#).is_err());
    }

    #[test]
    fn the_failure_keeps_what_was_sent() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let b = backend(&format!("http://127.0.0.1:{port}"));
        let req = Request::read("auth/token/lookup-self")
            .with_caller(Caller::Token(CallerToken::new("t", "test")));
        let err = b.handle(&req).unwrap_err();
        let Failure::Api(api) = err else {
            panic!("not an API failure")
        };
        let f = b.take_failure().expect("the failure is kept");
        assert_eq!(f.call.method, "GET");
        assert_eq!(
            f.call.url,
            format!("http://127.0.0.1:{port}/v1/auth/token/lookup-self")
        );
        let text = format!("dial tcp 127.0.0.1:{port}: connect: connection refused");
        assert_eq!(f.error, RemoteError::Transport(text.clone()));
        assert_eq!(api, ApiError::new(0, vec![text]));
        assert!(b.take_failure().is_none());
    }

    #[test]
    fn go_paths_and_names() {
        assert_eq!(go_path_clean("/v1/a//b/./c/../d/"), "/v1/a/b/d");
        assert_eq!(go_path_clean("/../a"), "/a");
        assert_eq!(go_path_join("", "/v1/x"), "/v1/x");
        assert_eq!(go_path_join("/p/", "/v1/x"), "/p/v1/x");
        assert_eq!(
            name_mismatch("127.0.0.1", &["DnsName(\"localhost\")".to_string()]),
            "cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs"
        );
        assert_eq!(
            name_mismatch(
                "foo.example",
                &[
                    "DnsName(\"localhost\")".to_string(),
                    "DnsName(\"vm\")".to_string()
                ]
            ),
            "certificate is valid for localhost, vm, not foo.example"
        );
        assert_eq!(
            name_mismatch("127.0.0.2", &["IpAddress(127.0.0.1)".to_string()]),
            "certificate is valid for 127.0.0.1, not 127.0.0.2"
        );
        assert_eq!(go_quote_char(b'<'), "'<'");
        assert_eq!(go_quote_char(b'\''), r"'\''");
    }
}
