//! fetch: jwtvault's only network code.
//!
//! Owns: fetching an OIDC discovery document and JWKS documents over HTTP(S) with strict limits
//! (connect 5 s, whole request 15 s, at most 3 redirects, bodies capped at 1 MiB, `http` and
//! `https` only), the trust roots (the system's plus a configured CA PEM), the proxy rules, the
//! discovery document's validation (as Vault's `cap/jwt.NewOIDCDiscoveryKeySet` does it), and the
//! texts Vault prints when these fail, plus jwtvault's one-line `Hint:` for each failure.
//!
//! Must not: parse JWKS keys (that is `keys::parse_jwks`), touch the state file, print anything, or
//! decide when to fetch (config and login decide; this module only fetches when asked).
//!
//! Messages, as observed on OpenBao 2.7 (which wins over the reference where they differ):
//! * discovery failures: `error checking oidc discovery URL: <detail>` where `<detail>` is this
//!   error's `Display` (Go-shaped: `Get "<url>": …`, `<status>: <body>`, `issuer did not match …`);
//! * `jwks_url` failures: `error checking jwks URL` (no detail), except an unparseable CA PEM or an
//!   empty URL: `error checking jwks_ca_pem` (Vault's own misleading text for the empty URL).
//!
//! Transport error texts come from the Rust stack, not Go's, so most are not byte-identical to
//! Vault's; the two commonest are reworded as Go words them (a refused connection, and a server
//! certificate from an unknown authority).
//!
//! Proxies: `HTTP_PROXY`/`http_proxy`, `HTTPS_PROXY`/`https_proxy`, `ALL_PROXY`/`all_proxy`
//! (fallback for both) and `NO_PROXY`/`no_proxy` are honoured as reqwest would (none at all when
//! `REQUEST_METHOD` is set: the CGI "httpoxy" guard), except that loopback (`localhost`,
//! `127.0.0.0/8`, `::1`) never goes through a proxy — Go's `http.ProxyFromEnvironment`, which
//! Vault uses, does the same, and it keeps loopback tests independent of a CI machine's proxy.
//!
//! Trust: with a CA PEM, its certificates are added to the system's roots (contract §5 "add trust
//! roots"); Vault instead trusts only the CA PEM when one is given. The PEM is read as Go's
//! `AppendCertsFromPEM` reads it: blocks that are not parseable certificates are skipped, and only
//! a non-empty PEM with no usable certificate at all is an error.

use std::fmt;
use std::io::Read;
use std::sync::mpsc;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::{redirect, StatusCode, Url};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::gofmt::go_quote;

/// Largest body accepted; a longer one is refused, never truncated into a document.
pub const MAX_BODY: usize = 1 << 20;
/// Redirects followed; the fourth is refused.
pub const MAX_REDIRECTS: usize = 3;
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
pub const WELL_KNOWN: &str = "/.well-known/openid-configuration";

/// Vault's message for any discovery failure at config write; the detail follows after ": ".
pub const DISCOVERY_ERROR: &str = "error checking oidc discovery URL";
/// Vault's (OpenBao's) message for any `jwks_url` fetch or parse failure at config write.
pub const JWKS_URL_ERROR: &str = "error checking jwks URL";
/// Vault's message for an unparseable `jwks_ca_pem`, and (a Vault quirk) for an empty URL.
pub const JWKS_CA_ERROR: &str = "error checking jwks_ca_pem";

/// Everything that can go wrong in a fetch. `Display` is the Go-shaped detail Vault shows after
/// `error checking oidc discovery URL: `; [`FetchError::hint`] is jwtvault's one-line explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// A non-empty CA PEM with no parseable certificate.
    BadCa,
    /// An empty URL (Vault: `jwksURL must not be empty`).
    EmptyUrl,
    /// The HTTP client could not be set up (e.g. the system's root store is unreadable).
    Client(String),
    InvalidUrl {
        url: String,
        reason: String,
    },
    /// A scheme other than http/https, in the configured URL or in a redirect target.
    Scheme {
        url: String,
        scheme: String,
    },
    ConnectionRefused {
        url: String,
        addr: String,
    },
    ConnectTimeout {
        url: String,
        after: Duration,
    },
    Timeout {
        url: String,
        after: Duration,
    },
    /// Any other transport failure (DNS, TLS, reset…); `reason` is the innermost error's text.
    Transport {
        url: String,
        reason: String,
    },
    TooLarge {
        url: String,
    },
    TooManyRedirects {
        url: String,
    },
    /// A final response other than 200; `body` is what was read of it (at most 1 MiB).
    Status {
        url: String,
        code: u16,
        body: String,
    },
    /// The discovery document could not be decoded as Vault decodes it.
    NotJson {
        url: String,
        content_type: String,
        reason: String,
    },
    /// The document's issuer is none of the accepted ones ([`expected_issuers`]).
    IssuerMismatch {
        expected: Vec<String>,
        got: String,
    },
    /// The discovery document has no `jwks_uri`: jwtvault must fetch the JWKS at write time,
    /// where Vault would only fail at the first login.
    MissingJwksUri {
        url: String,
    },
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::BadCa => f.write_str("could not parse CA PEM value successfully"),
            FetchError::EmptyUrl => f.write_str("jwksURL must not be empty"),
            FetchError::Client(reason) => write!(f, "could not set up the HTTP client: {reason}"),
            FetchError::InvalidUrl { url, reason } => {
                write!(f, "parse {}: {reason}", go_quote(url))
            }
            FetchError::Scheme { url, scheme } => write!(
                f,
                "Get {}: unsupported protocol scheme {}",
                go_quote(url),
                go_quote(scheme)
            ),
            FetchError::ConnectionRefused { url, addr } => write!(
                f,
                "Get {}: dial tcp {addr}: connect: connection refused",
                go_quote(url)
            ),
            FetchError::ConnectTimeout { url, after } => write!(
                f,
                "Get {}: dial tcp: i/o timeout after {}",
                go_quote(url),
                human(*after)
            ),
            FetchError::Timeout { url, after } => write!(
                f,
                "Get {}: context deadline exceeded after {}",
                go_quote(url),
                human(*after)
            ),
            FetchError::Transport { url, reason } => write!(f, "Get {}: {reason}", go_quote(url)),
            FetchError::TooLarge { url } => write!(
                f,
                "Get {}: response body larger than {}",
                go_quote(url),
                human_size(MAX_BODY)
            ),
            FetchError::TooManyRedirects { url } => write!(
                f,
                "Get {}: stopped after {MAX_REDIRECTS} redirects",
                go_quote(url)
            ),
            FetchError::Status { code, body, .. } => {
                write!(f, "{}: {body}", status_line(*code))
            }
            FetchError::NotJson {
                content_type,
                reason,
                ..
            } => {
                f.write_str("failed to decode OIDC discovery document: ")?;
                // Go's unmarshalResp words it by the response's media type.
                if media_type(content_type) == "application/json" {
                    write!(
                        f,
                        "got Content-Type = application/json, but could not unmarshal as JSON: {reason}"
                    )
                } else {
                    write!(
                        f,
                        "expected Content-Type = application/json, got {}: {reason}",
                        go_quote(content_type)
                    )
                }
            }
            FetchError::IssuerMismatch { expected, got } => write!(
                f,
                "issuer did not match the returned issuer, expected {} got {}",
                expected
                    .iter()
                    .map(|e| go_quote(e))
                    .collect::<Vec<_>>()
                    .join(" or "),
                go_quote(got)
            ),
            FetchError::MissingJwksUri { url } => write!(
                f,
                "failed to decode OIDC discovery document: {} has no \"jwks_uri\"",
                go_quote(url)
            ),
        }
    }
}

impl std::error::Error for FetchError {}

impl FetchError {
    /// One line naming the HTTP status or the transport error, for the `Hint:` block.
    pub fn hint(&self) -> String {
        match self {
            FetchError::BadCa => {
                "the CA PEM holds no certificate that could be parsed".to_string()
            }
            FetchError::EmptyUrl => "the JWKS URL is empty".to_string(),
            FetchError::Client(reason) => format!("could not set up the HTTP client: {reason}"),
            FetchError::InvalidUrl { url, reason } => {
                format!("{} is not a valid URL: {reason}", go_quote(url))
            }
            FetchError::Scheme { url, scheme } => format!(
                "GET {url}: only http and https URLs are fetched, not {}",
                go_quote(scheme)
            ),
            FetchError::ConnectionRefused { url, .. } => {
                format!("GET {url} failed: connection refused")
            }
            FetchError::ConnectTimeout { url, after } => {
                format!("GET {url} failed: connect timed out after {}", human(*after))
            }
            FetchError::Timeout { url, after } => {
                format!("GET {url} failed: timed out after {}", human(*after))
            }
            FetchError::Transport { url, reason } => format!("GET {url} failed: {reason}"),
            FetchError::TooLarge { url } => {
                format!("GET {url}: response larger than {}", human_size(MAX_BODY))
            }
            FetchError::TooManyRedirects { url } => {
                format!("GET {url}: more than {MAX_REDIRECTS} redirects")
            }
            FetchError::Status { url, code, .. } => {
                format!("GET {url} returned HTTP {}", status_line(*code))
            }
            FetchError::NotJson {
                url,
                content_type,
                reason,
            } => format!(
                "GET {url}: the response is not a JSON object (Content-Type {}): {reason}",
                go_quote(content_type)
            ),
            FetchError::IssuerMismatch { expected, got } => format!(
                "the discovery document's issuer is {}, expected {} (compared byte for byte: a trailing slash matters)",
                go_quote(got),
                expected
                    .iter()
                    .map(|e| go_quote(e))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            FetchError::MissingJwksUri { url } => {
                format!("GET {url}: the discovery document has no jwks_uri")
            }
        }
    }
}

/// Vault's message for a failed discovery at config write: the fixed text, then the detail.
pub fn discovery_error(err: &FetchError) -> String {
    format!("{DISCOVERY_ERROR}: {err}")
}

/// Vault's message for a failed `jwks_url` check at config write (no detail, as OpenBao).
pub fn jwks_error(err: &FetchError) -> &'static str {
    match err {
        FetchError::BadCa | FetchError::EmptyUrl => JWKS_CA_ERROR,
        _ => JWKS_URL_ERROR,
    }
}

/// The URL the discovery document is fetched from. **Extension**: a URL already ending in
/// `/.well-known/openid-configuration` is used as is; otherwise Vault's rule: one trailing `/`
/// trimmed, then the suffix appended.
pub fn discovery_url(configured: &str) -> String {
    if configured.ends_with(WELL_KNOWN) {
        return configured.to_string();
    }
    let base = configured.strip_suffix('/').unwrap_or(configured);
    format!("{base}{WELL_KNOWN}")
}

/// The issuers the discovery document may carry. Issuer form: exactly the configured URL (Vault
/// compares byte for byte, so `https://x` and `https://x/` differ). Full-URL form (extension):
/// both issuers Vault would have fetched this same URL for, i.e. the part before
/// `/.well-known/openid-configuration` with and without one trailing `/` (`https://x` and
/// `https://x/`), since the full URL cannot say which of the two the issuer uses. (A base that
/// itself ends in `/` has only one: `https://x//.well-known/…` is fetched for `https://x//` alone.)
pub fn expected_issuers(configured: &str) -> Vec<String> {
    match configured.strip_suffix(WELL_KNOWN) {
        Some(base) if base.ends_with('/') => vec![format!("{base}/")],
        Some(base) => vec![base.to_string(), format!("{base}/")],
        None => vec![configured.to_string()],
    }
}

/// The discovery document, validated: the two members jwtvault uses and the bytes as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    pub issuer: String,
    pub jwks_uri: String,
    pub raw: Vec<u8>,
}

/// Validates a discovery document as Vault does: JSON decoded into `{issuer, jwks_uri}` (other
/// members ignored, `null` counting as absent, a non-string member an error), then the issuer
/// compared byte for byte. `url` is where it came from and `content_type` its header (both only
/// for messages). Then, jwtvault's own rule, `jwks_uri` must be present.
pub fn parse_discovery(
    url: &str,
    content_type: &str,
    body: &[u8],
    configured: &str,
) -> Result<Discovery, FetchError> {
    let not_json = |reason: String| FetchError::NotJson {
        url: url.to_string(),
        content_type: content_type.to_string(),
        reason,
    };
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| not_json(e.to_string()))?;
    let (issuer, jwks_uri) = match &value {
        // Go decodes `null` into the zero struct: both members empty.
        serde_json::Value::Null => (String::new(), String::new()),
        serde_json::Value::Object(map) => {
            let member = |name: &str| match map.get(name) {
                None | Some(serde_json::Value::Null) => Ok(String::new()),
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(not_json(format!("member {name:?} is not a string"))),
            };
            (member("issuer")?, member("jwks_uri")?)
        }
        _ => return Err(not_json("the document is not a JSON object".to_string())),
    };
    let expected = expected_issuers(configured);
    if !expected.contains(&issuer) {
        return Err(FetchError::IssuerMismatch {
            expected,
            got: issuer,
        });
    }
    if jwks_uri.is_empty() {
        return Err(FetchError::MissingJwksUri {
            url: url.to_string(),
        });
    }
    Ok(Discovery {
        issuer,
        jwks_uri,
        raw: body.to_vec(),
    })
}

/// A fetched 200 response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The URL finally answered (after redirects).
    pub url: String,
    /// The `Content-Type` header, `""` when absent.
    pub content_type: String,
    pub body: Vec<u8>,
}

/// An HTTP client for one trust configuration (the system's roots plus one CA PEM).
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: Client,
    request_timeout: Duration,
    connect_timeout: Duration,
}

/// A fetcher with the default limits; `ca_pem` may be empty (system roots only).
pub fn fetcher(ca_pem: &str) -> Result<Fetcher, FetchError> {
    Fetcher::new(ca_pem)
}

impl Fetcher {
    pub fn new(ca_pem: &str) -> Result<Fetcher, FetchError> {
        Fetcher::with_timeouts(ca_pem, CONNECT_TIMEOUT, REQUEST_TIMEOUT)
    }

    /// As [`Fetcher::new`] with other timeouts (tests use short ones; the product uses the
    /// defaults).
    pub fn with_timeouts(
        ca_pem: &str,
        connect: Duration,
        request: Duration,
    ) -> Result<Fetcher, FetchError> {
        Fetcher::build(ca_pem, connect, request, &|name| std::env::var(name).ok())
    }

    /// The environment is passed in so that tests can exercise the proxy rules without
    /// touching the process environment.
    fn build(
        ca_pem: &str,
        connect: Duration,
        request: Duration,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Fetcher, FetchError> {
        let certs = ca_certificates(ca_pem)?;
        let policy = redirect::Policy::custom(|attempt| {
            let scheme = attempt.url().scheme();
            if scheme != "http" && scheme != "https" {
                let err = RedirectRefused::Scheme(attempt.url().to_string(), scheme.to_string());
                attempt.error(err)
            } else if attempt.previous().len() > MAX_REDIRECTS {
                // `previous` holds the original URL and every URL redirected from so far.
                attempt.error(RedirectRefused::TooMany)
            } else {
                attempt.follow()
            }
        });
        let mut builder = Client::builder()
            .user_agent(concat!("jwtvault/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(connect)
            // Bounds each blocking wait inside the worker; the whole request is bounded by
            // `fetch`'s deadline.
            .timeout(request)
            .redirect(policy)
            .no_proxy();
        for proxy in proxies(env) {
            builder = builder.proxy(proxy);
        }
        for der in certs {
            let cert = reqwest::Certificate::from_der(&der)
                .map_err(|e| FetchError::Client(innermost(&e)))?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Client(innermost(&e)))?;
        Ok(Fetcher {
            client,
            request_timeout: request,
            connect_timeout: connect,
        })
    }

    /// GETs `url`; a 200 response's body (at most 1 MiB) or the error.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        self.get_document(url).map(|d| d.body)
    }

    /// GETs `url`; the 200 response with its final URL and Content-Type.
    pub fn get_document(&self, url: &str) -> Result<Document, FetchError> {
        if url.is_empty() {
            return Err(FetchError::EmptyUrl);
        }
        let parsed = Url::parse(url).map_err(|e| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        check_scheme(&parsed)?;
        // The request runs on a worker thread so that the whole of it (connect, redirects,
        // headers, every body read) fits in one deadline: reqwest's blocking timeout bounds each
        // wait separately, so a server dripping one byte at a time would never trip it. On
        // timeout the worker is abandoned; its own per-wait timeout ends it soon after.
        let (tx, rx) = mpsc::channel();
        let client = self.client.clone();
        let (timeout, connect) = (self.request_timeout, self.connect_timeout);
        let target = parsed.clone();
        std::thread::Builder::new()
            .name("jwtvault-fetch".to_string())
            .spawn(move || {
                // The receiver may have given up already; nothing to do then.
                let _ = tx.send(run(&client, target, connect, timeout));
            })
            .map_err(|e| FetchError::Client(e.to_string()))?;
        match rx.recv_timeout(self.request_timeout) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(FetchError::Timeout {
                url: url.to_string(),
                after: self.request_timeout,
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(FetchError::Transport {
                url: url.to_string(),
                reason: "the request thread ended without an answer".to_string(),
            }),
        }
    }

    /// Fetches and validates the discovery document for the configured `oidc_discovery_url`.
    pub fn discover(&self, configured: &str) -> Result<Discovery, FetchError> {
        let url = discovery_url(configured);
        let doc = self.get_document(&url)?;
        parse_discovery(&url, &doc.content_type, &doc.body, configured)
    }
}

/// Why the redirect policy stopped a chain; found again in the reqwest error's sources.
#[derive(Debug)]
enum RedirectRefused {
    TooMany,
    Scheme(String, String),
}

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectRefused::TooMany => write!(f, "more than {MAX_REDIRECTS} redirects"),
            RedirectRefused::Scheme(url, scheme) => {
                write!(f, "redirect to {url}: unsupported scheme {scheme}")
            }
        }
    }
}

impl std::error::Error for RedirectRefused {}

fn check_scheme(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        other => Err(FetchError::Scheme {
            url: url.to_string(),
            scheme: other.to_string(),
        }),
    }
}

/// One request, on the worker thread.
fn run(
    client: &Client,
    url: Url,
    connect: Duration,
    timeout: Duration,
) -> Result<Document, FetchError> {
    let original = url.to_string();
    let mut resp = client
        .get(url)
        .send()
        .map_err(|e| map_send_error(&e, &original, connect, timeout))?;
    let final_url = resp.url().to_string();
    let status = resp.status();
    let header = |name: reqwest::header::HeaderName| {
        resp.headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
    if status.is_redirection() {
        // reqwest hands back a redirect it could not follow, e.g. to `file:///…`, which does
        // not even parse as an HTTP URI; refuse it as a scheme error, like the others.
        if let Some(location) = header(reqwest::header::LOCATION) {
            if let Ok(next) = Url::parse(&final_url).and_then(|base| base.join(&location)) {
                check_scheme(&next)?;
            }
        }
    }
    // Content-Length is only a shortcut for an early refusal; the read below enforces the cap.
    let declared_too_large = resp.content_length().is_some_and(|n| n > MAX_BODY as u64);
    if status == StatusCode::OK && declared_too_large {
        return Err(FetchError::TooLarge { url: final_url });
    }
    let mut body = Vec::new();
    (&mut resp)
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| match body_timed_out(&e) {
            true => FetchError::Timeout {
                url: final_url.clone(),
                after: timeout,
            },
            false => FetchError::Transport {
                url: final_url.clone(),
                reason: format!("reading the response body: {}", innermost(&e)),
            },
        })?;
    if status != StatusCode::OK {
        // An error page is reported, not refused for its size: keep what fits.
        body.truncate(MAX_BODY);
        return Err(FetchError::Status {
            url: final_url,
            code: status.as_u16(),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    if body.len() > MAX_BODY {
        return Err(FetchError::TooLarge { url: final_url });
    }
    Ok(Document {
        url: final_url,
        content_type,
        body,
    })
}

fn map_send_error(
    err: &reqwest::Error,
    original: &str,
    connect: Duration,
    timeout: Duration,
) -> FetchError {
    let url = err
        .url()
        .map(|u| u.to_string())
        .unwrap_or_else(|| original.to_string());
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<RedirectRefused>() {
            return match refused {
                RedirectRefused::TooMany => FetchError::TooManyRedirects {
                    url: original.to_string(),
                },
                RedirectRefused::Scheme(url, scheme) => FetchError::Scheme {
                    url: url.clone(),
                    scheme: scheme.clone(),
                },
            };
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                let addr = err
                    .url()
                    .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
                    .unwrap_or_default();
                return FetchError::ConnectionRefused { url, addr };
            }
        }
        if let Some(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)) =
            e.downcast_ref::<rustls::Error>()
        {
            // The commonest TLS failure, worded as Go words it.
            let reason =
                "tls: failed to verify certificate: x509: certificate signed by unknown authority";
            return FetchError::Transport {
                url,
                reason: reason.to_string(),
            };
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
        return if err.is_connect() {
            FetchError::ConnectTimeout {
                url,
                after: connect,
            }
        } else {
            FetchError::Timeout {
                url,
                after: timeout,
            }
        };
    }
    FetchError::Transport {
        url,
        reason: innermost(err),
    }
}

/// Whether a body read failed on the request's timeout. reqwest reports it as an `io::Error`
/// of kind `Other` wrapping its own timeout error (only a socket timeout is `TimedOut`), so
/// the wrapped error is asked too; without this a deadline met while the body drips in would
/// read as a transport failure, depending on which of the two timers fires first.
fn body_timed_out(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::TimedOut {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|inner| {
        let inner: &(dyn std::error::Error + 'static) = inner;
        inner
    });
    while let Some(err) = source {
        if let Some(r) = err.downcast_ref::<reqwest::Error>() {
            if r.is_timeout() {
                return true;
            }
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return true;
            }
        }
        source = err.source();
    }
    false
}

/// The deepest error's text: reqwest's and hyper's outer layers only say "error sending request".
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// The certificates of a CA PEM, read as Go's `AppendCertsFromPEM`: non-certificate blocks and
/// certificates that do not parse are skipped; only "non-empty but nothing usable" is an error.
fn ca_certificates(ca_pem: &str) -> Result<Vec<CertificateDer<'static>>, FetchError> {
    if ca_pem.is_empty() {
        return Ok(Vec::new());
    }
    let mut usable = Vec::new();
    // A PEM syntax error ends the scan, like the end of the data; what was found before counts.
    for der in CertificateDer::pem_slice_iter(ca_pem.as_bytes()).map_while(Result::ok) {
        // Checked one by one because reqwest refuses the whole client for one bad root.
        let mut probe = rustls::RootCertStore::empty();
        if probe.add(der.clone()).is_ok() {
            usable.push(der);
        }
    }
    if usable.is_empty() {
        return Err(FetchError::BadCa);
    }
    Ok(usable)
}

/// Explicit proxies from the environment, each bypassed for `NO_PROXY` and for loopback.
pub(crate) fn proxies(env: &dyn Fn(&str) -> Option<String>) -> Vec<reqwest::Proxy> {
    // reqwest's (hyper-util's) reading: the first of the pair that is set wins, even if empty.
    let first = |names: [&str; 2]| names.iter().find_map(|n| env(n)).unwrap_or_default();
    if env("REQUEST_METHOD").is_some() {
        return Vec::new();
    }
    let all = first(["ALL_PROXY", "all_proxy"]);
    let pick = |own: String| if own.is_empty() { all.clone() } else { own };
    let http = pick(first(["HTTP_PROXY", "http_proxy"]));
    let https = pick(first(["HTTPS_PROXY", "https_proxy"]));
    let mut no = first(["NO_PROXY", "no_proxy"]);
    no.push_str(",localhost,127.0.0.0/8,::1");
    let mut out = Vec::new();
    // An unparseable proxy URL is ignored, as reqwest ignores it in the environment.
    if !http.is_empty() {
        if let Ok(p) = reqwest::Proxy::http(http.as_str()) {
            out.push(p.no_proxy(reqwest::NoProxy::from_string(&no)));
        }
    }
    if !https.is_empty() {
        if let Ok(p) = reqwest::Proxy::https(https.as_str()) {
            out.push(p.no_proxy(reqwest::NoProxy::from_string(&no)));
        }
    }
    out
}

/// `404 Not Found`, as Go's `resp.Status` (the canonical reason phrase; a server's own phrase
/// is not available through reqwest).
pub fn status_line(code: u16) -> String {
    match StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

/// Go's `mime.ParseMediaType` result, enough for the comparison with `application/json`.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn human(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

fn human_size(n: usize) -> String {
    if n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::Write;
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;
    use std::time::Instant;

    const MIB: usize = 1 << 20;

    // ---------------------------------------------------------------- loopback test servers

    /// What a route answers.
    #[derive(Clone)]
    enum Reply {
        /// These bytes, then the connection is closed.
        Raw(Vec<u8>),
        /// These bytes, then silence with the connection open until the server stops.
        Stall(Vec<u8>),
        /// These bytes, then one more byte every 100 ms until the server stops.
        Drip(Vec<u8>),
    }

    fn response(status: &str, headers: &[(&str, &str)], body: &[u8], with_length: bool) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        if with_length {
            out.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(body);
        bytes
    }

    fn json(body: &str) -> Reply {
        Reply::Raw(response(
            "200 OK",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
            true,
        ))
    }

    fn redirect(location: &str) -> Reply {
        Reply::Raw(response("302 Found", &[("Location", location)], b"", true))
    }

    struct Route {
        reply: Reply,
        hits: AtomicUsize,
    }

    struct Shared {
        routes: HashMap<String, Route>,
        stop: AtomicBool,
        tls: Option<Arc<rustls::ServerConfig>>,
        workers: Mutex<Vec<JoinHandle<()>>>,
    }

    /// A tiny HTTP/1.1 server on 127.0.0.1:<free port>, one thread per connection, stopped and
    /// joined on drop. Requests to unknown paths get a 404.
    struct Server {
        addr: SocketAddr,
        shared: Arc<Shared>,
        acceptor: Option<JoinHandle<()>>,
    }

    impl Server {
        fn start(routes: impl FnOnce(&str) -> Vec<(String, Reply)>) -> Server {
            Server::start_with(None, routes)
        }

        fn start_with(
            tls: Option<Arc<rustls::ServerConfig>>,
            routes: impl FnOnce(&str) -> Vec<(String, Reply)>,
        ) -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            let scheme = if tls.is_some() { "https" } else { "http" };
            let base = format!("{scheme}://{addr}");
            let routes = routes(&base)
                .into_iter()
                .map(|(path, reply)| {
                    let hits = AtomicUsize::new(0);
                    (path, Route { reply, hits })
                })
                .collect();
            let shared = Arc::new(Shared {
                routes,
                stop: AtomicBool::new(false),
                tls,
                workers: Mutex::new(Vec::new()),
            });
            let s = Arc::clone(&shared);
            let acceptor = std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if s.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let s2 = Arc::clone(&s);
                    let worker = std::thread::spawn(move || serve(&s2, stream));
                    s.workers.lock().unwrap().push(worker);
                }
            });
            Server {
                addr,
                shared,
                acceptor: Some(acceptor),
            }
        }

        fn url(&self, path: &str) -> String {
            let scheme = if self.shared.tls.is_some() {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{}{path}", self.addr)
        }

        fn hits(&self, path: &str) -> usize {
            self.shared.routes[path].hits.load(Ordering::SeqCst)
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.shared.stop.store(true, Ordering::SeqCst);
            // Wake the blocking accept so that the acceptor sees the flag.
            let _ = TcpStream::connect(self.addr);
            if let Some(a) = self.acceptor.take() {
                let _ = a.join();
            }
            let workers = std::mem::take(&mut *self.shared.workers.lock().unwrap());
            for w in workers {
                let _ = w.join();
            }
        }
    }

    fn serve(shared: &Shared, tcp: TcpStream) {
        let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
        match &shared.tls {
            Some(cfg) => {
                let Ok(conn) = rustls::ServerConnection::new(Arc::clone(cfg)) else {
                    return;
                };
                serve_stream(shared, rustls::StreamOwned::new(conn, tcp));
            }
            None => serve_stream(shared, tcp),
        }
    }

    fn serve_stream(shared: &Shared, mut stream: impl Read + Write) {
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let line = String::from_utf8_lossy(&head);
        let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
        let reply = match shared.routes.get(&target) {
            Some(route) => {
                route.hits.fetch_add(1, Ordering::SeqCst);
                route.reply.clone()
            }
            None => Reply::Raw(response("404 Not Found", &[], b"no such thing", true)),
        };
        let until_stopped = |mut tick: Box<dyn FnMut() -> bool + '_>| {
            let start = Instant::now();
            while !shared.stop.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(20) {
                if !tick() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        };
        match reply {
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes);
                let _ = stream.flush();
            }
            Reply::Stall(bytes) => {
                let _ = stream.write_all(&bytes);
                let _ = stream.flush();
                until_stopped(Box::new(|| true));
            }
            Reply::Drip(bytes) => {
                let _ = stream.write_all(&bytes);
                let _ = stream.flush();
                until_stopped(Box::new(|| {
                    stream.write_all(b" ").is_ok() && stream.flush().is_ok()
                }));
            }
        }
    }

    /// A fetcher that sees an empty environment (no proxy), with short timeouts.
    fn quick(ca_pem: &str) -> Fetcher {
        Fetcher::build(
            ca_pem,
            Duration::from_secs(2),
            Duration::from_secs(5),
            &|_| None,
        )
        .unwrap()
    }

    /// Runs `f` and checks that it returned within `limit`: every network test is bounded.
    fn bounded<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        assert!(
            start.elapsed() < limit,
            "took {:?}, limit {:?}",
            start.elapsed(),
            limit
        );
        out
    }

    // ---------------------------------------------------------------- pure functions

    #[test]
    fn discovery_url_table() {
        let cases = [
            ("https://x", "https://x/.well-known/openid-configuration"),
            ("https://x/", "https://x/.well-known/openid-configuration"),
            // Only one trailing slash is trimmed (Go's strings.TrimSuffix).
            ("https://x//", "https://x//.well-known/openid-configuration"),
            (
                "https://x/t",
                "https://x/t/.well-known/openid-configuration",
            ),
            (
                "https://x/t/",
                "https://x/t/.well-known/openid-configuration",
            ),
            // Extension: the full URL is used as is.
            (
                "https://x/.well-known/openid-configuration",
                "https://x/.well-known/openid-configuration",
            ),
            (
                "https://x/t/.well-known/openid-configuration",
                "https://x/t/.well-known/openid-configuration",
            ),
            // Not the full form (a slash after it): Vault's rule applies.
            (
                "https://x/.well-known/openid-configuration/",
                "https://x/.well-known/openid-configuration/.well-known/openid-configuration",
            ),
        ];
        for (configured, want) in cases {
            assert_eq!(discovery_url(configured), want, "{configured}");
        }
    }

    #[test]
    fn expected_issuers_table() {
        let cases: [(&str, &[&str]); 5] = [
            ("https://x", &["https://x"]),
            ("https://x/", &["https://x/"]),
            (
                "https://x/.well-known/openid-configuration",
                &["https://x", "https://x/"],
            ),
            (
                "https://x/t/.well-known/openid-configuration",
                &["https://x/t", "https://x/t/"],
            ),
            // Vault fetches this URL only for "https://x//" ("https://x/" loses its slash).
            (
                "https://x//.well-known/openid-configuration",
                &["https://x//"],
            ),
        ];
        for (configured, want) in cases {
            assert_eq!(expected_issuers(configured), want, "{configured}");
            // The rule is the inverse of discovery_url: each accepted issuer maps back to it.
            for issuer in want {
                assert_eq!(discovery_url(issuer), discovery_url(configured), "{issuer}");
            }
        }
    }

    #[test]
    fn parse_discovery_table() {
        let url = "https://x/.well-known/openid-configuration";
        let full = url;
        // (configured, content type, body, Ok((issuer, jwks_uri)) or Err(Display text))
        type Want = Result<(&'static str, &'static str), String>;
        let cases: Vec<(&str, &str, &str, Want)> = vec![
            (
                "https://x",
                "application/json",
                r#"{"issuer":"https://x","jwks_uri":"https://x/k","other":[1,2.50]}"#,
                Ok(("https://x", "https://x/k")),
            ),
            // Byte-identical comparison: the trailing slash matters, both ways.
            (
                "https://x",
                "application/json",
                r#"{"issuer":"https://x/","jwks_uri":"https://x/k"}"#,
                Err(r#"issuer did not match the returned issuer, expected "https://x" got "https://x/""#.into()),
            ),
            (
                "https://x/",
                "application/json",
                r#"{"issuer":"https://x","jwks_uri":"https://x/k"}"#,
                Err(r#"issuer did not match the returned issuer, expected "https://x/" got "https://x""#.into()),
            ),
            (
                "https://x/",
                "application/json",
                r#"{"issuer":"https://x/","jwks_uri":"https://x/k"}"#,
                Ok(("https://x/", "https://x/k")),
            ),
            // Full form: with or without the slash, nothing else.
            (
                full,
                "application/json",
                r#"{"issuer":"https://x/","jwks_uri":"https://x/k"}"#,
                Ok(("https://x/", "https://x/k")),
            ),
            (
                full,
                "application/json",
                r#"{"issuer":"https://x","jwks_uri":"https://x/k"}"#,
                Ok(("https://x", "https://x/k")),
            ),
            (
                full,
                "application/json",
                r#"{"issuer":"https://x//","jwks_uri":"https://x/k"}"#,
                Err(r#"issuer did not match the returned issuer, expected "https://x" or "https://x/" got "https://x//""#.into()),
            ),
            // Missing or null issuer counts as "".
            (
                "https://x",
                "application/json",
                r#"{"jwks_uri":"https://x/k"}"#,
                Err(r#"issuer did not match the returned issuer, expected "https://x" got """#.into()),
            ),
            (
                "https://x",
                "application/json",
                "null",
                Err(r#"issuer did not match the returned issuer, expected "https://x" got """#.into()),
            ),
            // The issuer is checked before jwks_uri.
            (
                "https://x",
                "application/json",
                r#"{"issuer":"https://y"}"#,
                Err(r#"issuer did not match the returned issuer, expected "https://x" got "https://y""#.into()),
            ),
            (
                "https://x",
                "application/json",
                r#"{"issuer":"https://x"}"#,
                Err(format!("failed to decode OIDC discovery document: \"{url}\" has no \"jwks_uri\"")),
            ),
            (
                "https://x",
                "application/json",
                r#"{"issuer":"https://x","jwks_uri":null}"#,
                Err(format!("failed to decode OIDC discovery document: \"{url}\" has no \"jwks_uri\"")),
            ),
            (
                "https://x",
                "application/octet-stream",
                r#"{"issuer":5,"jwks_uri":"https://x/k"}"#,
                Err(r#"failed to decode OIDC discovery document: expected Content-Type = application/json, got "application/octet-stream": member "issuer" is not a string"#.into()),
            ),
            (
                "https://x",
                "application/json; charset=utf-8",
                r#"{"issuer":"https://x","jwks_uri":true}"#,
                Err(r#"failed to decode OIDC discovery document: got Content-Type = application/json, but could not unmarshal as JSON: member "jwks_uri" is not a string"#.into()),
            ),
            (
                "https://x",
                "application/json",
                "[1]",
                Err("failed to decode OIDC discovery document: got Content-Type = application/json, but could not unmarshal as JSON: the document is not a JSON object".into()),
            ),
            (
                "https://x",
                "text/html",
                "hello",
                Err(r#"failed to decode OIDC discovery document: expected Content-Type = application/json, got "text/html": expected value at line 1 column 1"#.into()),
            ),
        ];
        for (configured, ct, body, want) in cases {
            let got = parse_discovery(url, ct, body.as_bytes(), configured);
            match (got, want) {
                (Ok(d), Ok((issuer, jwks))) => {
                    assert_eq!((d.issuer.as_str(), d.jwks_uri.as_str()), (issuer, jwks));
                    assert_eq!(d.raw, body.as_bytes());
                }
                (Err(e), Err(text)) => assert_eq!(e.to_string(), text, "{configured} {body}"),
                (got, want) => panic!("{configured} {body}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn go_quote_and_units() {
        assert_eq!(go_quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(go_quote("a\nb\u{1}é"), "\"a\\nb\\x01é\"");
        assert_eq!(human(Duration::from_secs(15)), "15s");
        assert_eq!(human(Duration::from_millis(500)), "500ms");
        assert_eq!(human_size(MAX_BODY), "1 MiB");
        assert_eq!(status_line(404), "404 Not Found");
        assert_eq!(status_line(599), "599");
        assert_eq!(
            media_type("Application/JSON ; charset=utf-8"),
            "application/json"
        );
    }

    #[test]
    fn vault_messages_and_hints() {
        let u = "https://x/k".to_string();
        let cases: Vec<(FetchError, &str, &str)> = vec![
            (
                FetchError::BadCa,
                JWKS_CA_ERROR,
                "the CA PEM holds no certificate that could be parsed",
            ),
            (FetchError::EmptyUrl, JWKS_CA_ERROR, "the JWKS URL is empty"),
            (
                FetchError::Status {
                    url: u.clone(),
                    code: 404,
                    body: "nope".into(),
                },
                JWKS_URL_ERROR,
                "GET https://x/k returned HTTP 404 Not Found",
            ),
            (
                FetchError::ConnectionRefused {
                    url: u.clone(),
                    addr: "x:443".into(),
                },
                JWKS_URL_ERROR,
                "GET https://x/k failed: connection refused",
            ),
            (
                FetchError::Timeout {
                    url: u.clone(),
                    after: REQUEST_TIMEOUT,
                },
                JWKS_URL_ERROR,
                "GET https://x/k failed: timed out after 15s",
            ),
            (
                FetchError::ConnectTimeout {
                    url: u.clone(),
                    after: CONNECT_TIMEOUT,
                },
                JWKS_URL_ERROR,
                "GET https://x/k failed: connect timed out after 5s",
            ),
            (
                FetchError::TooLarge { url: u.clone() },
                JWKS_URL_ERROR,
                "GET https://x/k: response larger than 1 MiB",
            ),
            (
                FetchError::TooManyRedirects { url: u.clone() },
                JWKS_URL_ERROR,
                "GET https://x/k: more than 3 redirects",
            ),
            (
                FetchError::Scheme {
                    url: "ftp://x/k".into(),
                    scheme: "ftp".into(),
                },
                JWKS_URL_ERROR,
                r#"GET ftp://x/k: only http and https URLs are fetched, not "ftp""#,
            ),
        ];
        for (err, jwks_msg, hint) in cases {
            assert_eq!(jwks_error(&err), jwks_msg, "{err:?}");
            assert_eq!(err.hint(), hint, "{err:?}");
            assert!(!err.hint().contains('\n'));
            assert_eq!(discovery_error(&err), format!("{DISCOVERY_ERROR}: {err}"));
        }
        // The texts OpenBao prints, byte for byte, where the Go stack's wording is reproducible.
        let cases = [
            (
                FetchError::BadCa,
                "error checking oidc discovery URL: could not parse CA PEM value successfully",
            ),
            (
                FetchError::Status {
                    url: u.clone(),
                    code: 404,
                    body: "<p>gone</p>\n".into(),
                },
                "error checking oidc discovery URL: 404 Not Found: <p>gone</p>\n",
            ),
            (
                FetchError::ConnectionRefused {
                    url: "http://127.0.0.1:18932/.well-known/openid-configuration".into(),
                    addr: "127.0.0.1:18932".into(),
                },
                r#"error checking oidc discovery URL: Get "http://127.0.0.1:18932/.well-known/openid-configuration": dial tcp 127.0.0.1:18932: connect: connection refused"#,
            ),
            (
                FetchError::Scheme {
                    url: "ftp://127.0.0.1:18931/.well-known/openid-configuration".into(),
                    scheme: "ftp".into(),
                },
                r#"error checking oidc discovery URL: Get "ftp://127.0.0.1:18931/.well-known/openid-configuration": unsupported protocol scheme "ftp""#,
            ),
        ];
        for (err, want) in cases {
            assert_eq!(discovery_error(&err), want);
        }
    }

    // ---------------------------------------------------------------- CA PEM and proxies

    struct Pki {
        ca_pem: String,
        server_config: Arc<rustls::ServerConfig>,
    }

    /// A CA named `name` and a server certificate for 127.0.0.1 that it signed.
    fn pki(name: &str) -> Pki {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, name);
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
        leaf.distinguished_name
            .push(DnType::CommonName, format!("{name} server"));
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server_config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf_cert.der().clone()], key)
            .unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            server_config: Arc::new(server_config),
        }
    }

    #[test]
    fn ca_pem_table() {
        let a = pki("CA one").ca_pem;
        let b = pki("CA two").ca_pem;
        // A CERTIFICATE block whose content is no certificate.
        let junk_cert =
            "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
        let key_block = "-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n";
        let cases: Vec<(String, Result<usize, FetchError>)> = vec![
            (String::new(), Ok(0)),
            ("garbage".into(), Err(FetchError::BadCa)),
            (" ".into(), Err(FetchError::BadCa)),
            (junk_cert.into(), Err(FetchError::BadCa)),
            (key_block.into(), Err(FetchError::BadCa)),
            (a.clone(), Ok(1)),
            (format!("{a}{b}"), Ok(2)),
            (format!("some text\n{key_block}{junk_cert}{a}"), Ok(1)),
        ];
        for (pem, want) in cases {
            assert_eq!(ca_certificates(&pem).map(|v| v.len()), want, "{pem}");
            assert_eq!(fetcher(&pem).err(), want.err(), "{pem}");
        }
    }

    #[test]
    fn proxy_env_table() {
        let cases: [(&[(&str, &str)], usize); 8] = [
            (&[], 0),
            (&[("HTTP_PROXY", "http://p:1")], 1),
            (&[("https_proxy", "http://p:1")], 1),
            (&[("ALL_PROXY", "http://p:1")], 2),
            (
                &[("HTTP_PROXY", "http://p:1"), ("HTTPS_PROXY", "http://p:2")],
                2,
            ),
            // The first of a pair that is set wins, even when empty.
            (&[("HTTP_PROXY", ""), ("http_proxy", "http://p:1")], 0),
            // CGI: the environment's proxies are not trusted at all.
            (&[("ALL_PROXY", "http://p:1"), ("REQUEST_METHOD", "GET")], 0),
            (&[("HTTP_PROXY", "http://[::1")], 0),
        ];
        for (vars, want) in cases {
            let env = |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            };
            assert_eq!(proxies(&env).len(), want, "{vars:?}");
        }
    }

    // ---------------------------------------------------------------- plain HTTP

    #[test]
    fn discovery_then_jwks_over_http() {
        let server = Server::start(|base| {
            vec![
                (
                    "/.well-known/openid-configuration".into(),
                    json(&format!(
                        r#"{{"issuer":"{base}","jwks_uri":"{base}/keys"}}"#
                    )),
                ),
                ("/keys".into(), json(r#"{"keys":[]}"#)),
            ]
        });
        let f = quick("");
        let base = server.url("");
        bounded(Duration::from_secs(10), || {
            for configured in [base.clone(), discovery_url(&base)] {
                let d = f.discover(&configured).unwrap();
                assert_eq!(d.issuer, base);
                assert_eq!(d.jwks_uri, format!("{base}/keys"));
                assert_eq!(f.get(&d.jwks_uri).unwrap(), br#"{"keys":[]}"#);
            }
            let doc = f.get_document(&server.url("/keys")).unwrap();
            assert_eq!(doc.content_type, "application/json");
            assert_eq!(doc.url, server.url("/keys"));
        });
        assert_eq!(server.hits("/.well-known/openid-configuration"), 2);
        assert_eq!(server.hits("/keys"), 3);
    }

    #[test]
    fn the_real_environment_never_proxies_loopback() {
        let server = Server::start(|_| vec![("/keys".into(), json("{}"))]);
        let f = Fetcher::with_timeouts("", Duration::from_secs(2), Duration::from_secs(5)).unwrap();
        bounded(Duration::from_secs(6), || {
            assert_eq!(f.get(&server.url("/keys")).unwrap(), b"{}");
        });
        assert_eq!(server.hits("/keys"), 1);
    }

    #[test]
    fn discovery_failures_over_http() {
        let server = Server::start(|base| {
            vec![
                (
                    "/slash/.well-known/openid-configuration".into(),
                    json(&format!(
                        r#"{{"issuer":"{base}/slash/","jwks_uri":"{base}/k"}}"#
                    )),
                ),
                (
                    "/html/.well-known/openid-configuration".into(),
                    Reply::Raw(response(
                        "200 OK",
                        &[("Content-Type", "text/html")],
                        b"<html>hi</html>",
                        true,
                    )),
                ),
            ]
        });
        let f = quick("");
        bounded(Duration::from_secs(10), || {
            // The issuer has a trailing slash, the configured URL none: refused.
            let err = f.discover(&server.url("/slash")).unwrap_err();
            assert_eq!(
                err,
                FetchError::IssuerMismatch {
                    expected: vec![server.url("/slash")],
                    got: server.url("/slash/"),
                }
            );
            // With the slash it matches.
            assert!(f.discover(&server.url("/slash/")).is_ok());
            let err = f.discover(&server.url("/html")).unwrap_err();
            assert!(
                matches!(&err, FetchError::NotJson { content_type, .. } if content_type == "text/html"),
                "{err:?}"
            );
            let err = f.discover(&server.url("/none")).unwrap_err();
            let url = server.url("/none/.well-known/openid-configuration");
            assert_eq!(
                err,
                FetchError::Status {
                    url: url.clone(),
                    code: 404,
                    body: "no such thing".into()
                }
            );
            assert_eq!(err.to_string(), "404 Not Found: no such thing");
            assert_eq!(err.hint(), format!("GET {url} returned HTTP 404 Not Found"));
        });
    }

    #[test]
    fn redirects_up_to_three() {
        let server = Server::start(|base| {
            let mut routes = vec![
                ("/a1".to_string(), redirect("/a2")),
                ("/a2".to_string(), redirect(&format!("{base}/a3"))),
                ("/a3".to_string(), redirect("/done3")),
                ("/done3".to_string(), json(r#"{"n":3}"#)),
                ("/toftp".to_string(), redirect("ftp://127.0.0.1:1/x")),
                ("/tofile".to_string(), redirect("file:///etc/passwd")),
            ];
            for i in 1..=4 {
                let next = if i == 4 {
                    "/done4".to_string()
                } else {
                    format!("/b{}", i + 1)
                };
                routes.push((format!("/b{i}"), redirect(&next)));
            }
            routes.push(("/done4".to_string(), json(r#"{"n":4}"#)));
            routes
        });
        let f = quick("");
        bounded(Duration::from_secs(10), || {
            let doc = f.get_document(&server.url("/a1")).unwrap();
            assert_eq!(doc.body, br#"{"n":3}"#);
            assert_eq!(doc.url, server.url("/done3"));
            let err = f.get(&server.url("/b1")).unwrap_err();
            assert_eq!(
                err,
                FetchError::TooManyRedirects {
                    url: server.url("/b1")
                }
            );
            for (path, scheme) in [("/toftp", "ftp"), ("/tofile", "file")] {
                match f.get(&server.url(path)).unwrap_err() {
                    FetchError::Scheme { scheme: s, .. } => assert_eq!(s, scheme),
                    other => panic!("{path}: {other:?}"),
                }
            }
        });
        assert_eq!(server.hits("/done3"), 1);
        // The fourth redirect was refused, not followed.
        assert_eq!(server.hits("/b4"), 1);
        assert_eq!(server.hits("/done4"), 0);
    }

    #[test]
    fn body_cap_at_one_mib() {
        let body = |n: usize| vec![b'x'; n];
        let ok = |n: usize, with_length: bool| {
            Reply::Raw(response("200 OK", &[], &body(n), with_length))
        };
        let server = Server::start(|_| {
            vec![
                ("/exact-cl".into(), ok(MIB, true)),
                ("/exact-nocl".into(), ok(MIB, false)),
                ("/over-cl".into(), ok(MIB + 1, true)),
                ("/over-nocl".into(), ok(MIB + 1, false)),
                ("/big-cl".into(), ok(2 * MIB, true)),
                ("/big-nocl".into(), ok(2 * MIB, false)),
                // Lies: declares 10 bytes and sends 2 MiB.
                (
                    "/liar".into(),
                    Reply::Raw(response(
                        "200 OK",
                        &[("Content-Length", "10")],
                        &body(2 * MIB),
                        false,
                    )),
                ),
                (
                    "/big-404".into(),
                    Reply::Raw(response("404 Not Found", &[], &body(2 * MIB), false)),
                ),
            ]
        });
        let f = quick("");
        bounded(Duration::from_secs(15), || {
            for path in ["/exact-cl", "/exact-nocl"] {
                assert_eq!(f.get(&server.url(path)).unwrap().len(), MIB, "{path}");
            }
            for path in ["/over-cl", "/over-nocl", "/big-cl", "/big-nocl"] {
                assert_eq!(
                    f.get(&server.url(path)).unwrap_err(),
                    FetchError::TooLarge {
                        url: server.url(path)
                    },
                    "{path}"
                );
            }
            // A lying Content-Length yields only what it declared.
            assert_eq!(f.get(&server.url("/liar")).unwrap(), body(10));
            match f.get(&server.url("/big-404")).unwrap_err() {
                FetchError::Status {
                    code: 404, body, ..
                } => assert_eq!(body.len(), MIB),
                other => panic!("{other:?}"),
            }
        });
    }

    #[test]
    fn stalled_and_dripping_servers_time_out() {
        let server = Server::start(|_| {
            vec![
                (
                    "/stall-head".into(),
                    Reply::Stall(b"HTTP/1.1 200 OK\r\n".to_vec()),
                ),
                (
                    "/stall-body".into(),
                    Reply::Stall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{".to_vec()),
                ),
                (
                    "/drip".into(),
                    Reply::Drip(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec()),
                ),
            ]
        });
        let timeout = Duration::from_millis(700);
        let f = Fetcher::build("", Duration::from_secs(2), timeout, &|_| None).unwrap();
        for path in ["/stall-head", "/stall-body", "/drip"] {
            let err = bounded(Duration::from_secs(3), || {
                f.get(&server.url(path)).unwrap_err()
            });
            assert_eq!(
                err,
                FetchError::Timeout {
                    url: server.url(path),
                    after: timeout
                },
                "{path}"
            );
            assert_eq!(
                err.hint(),
                format!("GET {} failed: timed out after 700ms", server.url(path))
            );
        }
    }

    #[test]
    fn a_body_read_timeout_is_a_timeout_however_it_is_wrapped() {
        use std::io::{Error, ErrorKind};
        assert!(body_timed_out(&Error::new(ErrorKind::TimedOut, "t")));
        let wrapped = Error::other(Error::new(ErrorKind::TimedOut, "t"));
        assert!(body_timed_out(&wrapped));
        assert!(!body_timed_out(&Error::other(Error::new(
            ErrorKind::ConnectionReset,
            "r"
        ))));
        assert!(!body_timed_out(&Error::new(ErrorKind::UnexpectedEof, "e")));
    }

    #[test]
    fn refused_and_bad_urls() {
        let dead = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let f = quick("");
        let url = format!("http://{dead}/.well-known/openid-configuration");
        let err = bounded(Duration::from_secs(5), || f.get(&url).unwrap_err());
        assert_eq!(
            err,
            FetchError::ConnectionRefused {
                url: url.clone(),
                addr: dead.to_string()
            }
        );
        assert_eq!(
            err.to_string(),
            format!(r#"Get "{url}": dial tcp {dead}: connect: connection refused"#)
        );
        let cases = [
            ("", FetchError::EmptyUrl),
            (
                "ftp://127.0.0.1/x",
                FetchError::Scheme {
                    url: "ftp://127.0.0.1/x".into(),
                    scheme: "ftp".into(),
                },
            ),
            (
                "file:///etc/passwd",
                FetchError::Scheme {
                    url: "file:///etc/passwd".into(),
                    scheme: "file".into(),
                },
            ),
            (
                "not a url",
                FetchError::InvalidUrl {
                    url: "not a url".into(),
                    reason: "relative URL without a base".into(),
                },
            ),
        ];
        for (url, want) in cases {
            assert_eq!(f.get(url).unwrap_err(), want, "{url}");
        }
    }

    #[test]
    fn proxy_from_env_except_loopback() {
        let remote = "http://jwtvault-proxy-test.invalid/keys";
        let proxy = Server::start(|_| vec![(remote.into(), json(r#"{"via":"proxy"}"#))]);
        let direct = Server::start(|_| vec![("/keys".into(), json(r#"{"via":"direct"}"#))]);
        let proxy_url = proxy.url("");
        let env = move |name: &str| (name == "HTTP_PROXY").then(|| proxy_url.clone());
        let f = Fetcher::build("", Duration::from_secs(2), Duration::from_secs(5), &env).unwrap();
        bounded(Duration::from_secs(10), || {
            assert_eq!(f.get(remote).unwrap(), br#"{"via":"proxy"}"#);
            assert_eq!(f.get(&direct.url("/keys")).unwrap(), br#"{"via":"direct"}"#);
        });
        assert_eq!(proxy.hits(remote), 1);
        assert_eq!(direct.hits("/keys"), 1);
    }

    // ---------------------------------------------------------------- HTTPS

    #[test]
    fn https_trust() {
        let good = pki("jwtvault test CA");
        let other = pki("some other CA");
        let server = Server::start_with(Some(Arc::clone(&good.server_config)), |base| {
            vec![(
                "/.well-known/openid-configuration".into(),
                json(&format!(
                    r#"{{"issuer":"{base}","jwks_uri":"{base}/keys"}}"#
                )),
            )]
        });
        let base = server.url("");
        bounded(Duration::from_secs(15), || {
            let d = quick(&good.ca_pem).discover(&base).unwrap();
            assert_eq!(d.jwks_uri, format!("{base}/keys"));
            for ca in ["", other.ca_pem.as_str()] {
                match quick(ca).discover(&base).unwrap_err() {
                    FetchError::Transport { url, reason } => {
                        assert_eq!(url, discovery_url(&base));
                        assert_eq!(
                            reason,
                            "tls: failed to verify certificate: x509: certificate signed by unknown authority"
                        );
                    }
                    other => panic!("{ca}: {other:?}"),
                }
            }
            // Plain HTTP to the TLS port is a transport error.
            let plain_to_tls = base.replacen("https://", "http://", 1) + "/k";
            let err = quick("").get(&plain_to_tls).unwrap_err();
            assert!(matches!(err, FetchError::Transport { .. }), "{err:?}");
        });
        assert_eq!(server.hits("/.well-known/openid-configuration"), 1);
    }
}
