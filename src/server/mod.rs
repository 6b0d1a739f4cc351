//! `jwtvault server`: Vault's HTTP API over the same state, through the same router (contract
//! §8).
//!
//! The server adds no Vault logic. It maps HTTP to a [`Request`](crate::api::Request)
//! ([`wire`]), hands it to a [`Backend`] on a blocking thread, and maps the
//! [`Response`](crate::api::Response) or [`ApiError`](crate::api::ApiError) back to Vault's
//! JSON ([`envelope`]). Authentication, the ACL and every path are the router's.
//!
//! HTTP/1.1 by hyper on tokio, TLS by rustls ([`tls`]). A slow client cannot hold anything but
//! its own connection: the request head must arrive within the header timeout (default
//! [`HEADER_TIMEOUT`], Vault's `http_read_header_timeout`; it is also how long an idle
//! keep-alive connection is kept, and how long a TLS handshake may take), a body within
//! [`BODY_TIMEOUT`]; bodies over 32 MiB are refused with 413 before they are read.
//!
//! The seam for the storage work after this one: the backend is any
//! `Arc<dyn Backend + Send + Sync>`; today a [`LocalBackend`](crate::backend::LocalBackend)
//! (one SQLite transaction per request, committed with `synchronous=FULL` before the answer, so
//! a login is durable before its 200), to be replaced by a pooled reader and a group-commit
//! writer without anything here changing.

pub mod envelope;
pub mod log;
pub mod root;
pub mod shutdown;
pub mod tls;
pub mod wire;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::StatusCode;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::api::{Request, Response};
use crate::backend::{Backend, Failure, Started};
use envelope::Reply;
use shutdown::Signals;
pub use tls::TlsFiles;

/// The backend the server's threads share.
pub type SharedBackend = Arc<dyn Backend + Send + Sync>;

/// How long a request head (and a TLS handshake) may take to arrive, and how long an idle
/// keep-alive connection is kept, unless configured (Vault's `http_read_header_timeout`).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request body may take to arrive once its head has.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Threads running backend calls at most (each holds one state connection).
const BLOCKING_THREADS: usize = 64;
/// How long log lines wait to be written together.
const LOG_INTERVAL: Duration = Duration::from_millis(10);

/// What `jwtvault server` was asked to listen on.
#[derive(Clone, Debug)]
pub struct Config {
    /// `host:port`; port 0 picks a free port (the address printed says which).
    pub listen: String,
    pub tls: Option<TlsFiles>,
    /// See [`HEADER_TIMEOUT`].
    pub header_timeout: Duration,
}

/// Why the server could not start or serve.
#[derive(Debug)]
pub enum ServerError {
    /// The address could not be listened on.
    Listen { address: String, detail: String },
    /// The TLS files could not be used.
    Tls(String),
    /// The runtime or the signal handlers could not be set up.
    Setup(String),
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerError::Listen { address, detail } => {
                write!(f, "error listening on {address}: {detail}")
            }
            ServerError::Tls(m) => write!(f, "{m}"),
            ServerError::Setup(m) => write!(f, "error starting the server: {m}"),
        }
    }
}

/// A bound server, not yet accepting: the caller prints its address (and a new root token)
/// before [`Server::serve`] starts answering.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    signals: Signals,
    url: String,
    header_timeout: Duration,
}

/// What the serving threads tell the thread that prints.
enum Event {
    /// A log line (with its newline), for stderr.
    Log(String),
    /// Every connection has ended (or the grace period has passed).
    Stopped,
}

/// What every connection task shares.
struct Shared {
    backend: SharedBackend,
    events: mpsc::Sender<Event>,
    header_timeout: Duration,
}

impl Shared {
    fn log(&self, line: String) {
        let _ = self.events.send(Event::Log(line));
    }
}

impl Server {
    /// Loads the TLS files, binds the address and installs the SIGINT/SIGTERM handlers.
    pub fn bind(config: &Config) -> Result<Server, ServerError> {
        let tls = match &config.tls {
            Some(files) => Some(tokio_rustls::TlsAcceptor::from(
                tls::server_config(files).map_err(ServerError::Tls)?,
            )),
            None => None,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .max_blocking_threads(BLOCKING_THREADS)
            .thread_name("jwtvault-server")
            .build()
            .map_err(|e| ServerError::Setup(e.to_string()))?;
        let (listener, signals) = runtime.block_on(async {
            let listener =
                TcpListener::bind(&config.listen)
                    .await
                    .map_err(|e| ServerError::Listen {
                        address: config.listen.clone(),
                        detail: e.to_string(),
                    })?;
            let signals = Signals::install().map_err(|e| ServerError::Setup(e.to_string()))?;
            Ok::<_, ServerError>((listener, signals))
        })?;
        let local = listener.local_addr().map_err(|e| ServerError::Listen {
            address: config.listen.clone(),
            detail: e.to_string(),
        })?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        Ok(Server {
            runtime,
            listener,
            tls,
            signals,
            url: format!("{scheme}://{local}"),
            header_timeout: config.header_timeout,
        })
    }

    /// `http://127.0.0.1:8200`: the address clients use (the bound port, when 0 was asked).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Serves until SIGINT or SIGTERM, then lets requests in flight finish (at most
    /// [`shutdown::GRACE`]). `log` gets every log line, on the calling thread.
    pub fn serve(
        self,
        backend: SharedBackend,
        log: &mut dyn FnMut(&str),
    ) -> Result<(), ServerError> {
        let Server {
            runtime,
            listener,
            tls,
            mut signals,
            header_timeout,
            ..
        } = self;
        let (events, received) = mpsc::channel();
        let shared = Arc::new(Shared {
            backend,
            events: events.clone(),
            header_timeout,
        });
        runtime.spawn(async move {
            let graceful = GracefulShutdown::new();
            let signal = loop {
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((tcp, peer)) => {
                            let task = connection(tcp, peer, tls.clone(), shared.clone(), graceful.watcher());
                            tokio::spawn(task);
                        }
                        Err(e) => {
                            // Out of file descriptors and the like: say so, breathe, go on.
                            shared.log(format!("{} accept failed: {e}\n", log::timestamp(SystemTime::now())));
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    },
                    name = signals.recv() => break name,
                }
            };
            drop(listener);
            shared.log(format!(
                "{} {signal}: no new connections; waiting for requests in flight (at most {} s)\n",
                log::timestamp(SystemTime::now()),
                shutdown::GRACE.as_secs()
            ));
            let drained = tokio::time::timeout(shutdown::GRACE, graceful.shutdown()).await;
            if drained.is_err() {
                shared.log(format!(
                    "{} stopping with requests still in flight after {} s\n",
                    log::timestamp(SystemTime::now()),
                    shutdown::GRACE.as_secs()
                ));
            }
            let _ = events.send(Event::Stopped);
        });
        // Lines are written together, at most every LOG_INTERVAL: one write (and one wakeup of
        // this thread) for many requests, not one per request.
        let mut lines = String::new();
        let mut stopped = false;
        while !stopped {
            let Ok(first) = received.recv() else { break };
            std::thread::sleep(LOG_INTERVAL);
            for event in std::iter::once(first).chain(received.try_iter()) {
                match event {
                    Event::Log(line) => lines.push_str(&line),
                    Event::Stopped => {
                        stopped = true;
                        break;
                    }
                }
            }
            if !lines.is_empty() {
                log(&lines);
                lines.clear();
            }
        }
        // Backend calls still running after the grace period are abandoned with the process
        // (an uncommitted transaction is rolled back by SQLite; nothing was answered for it).
        runtime.shutdown_timeout(Duration::from_secs(1));
        Ok(())
    }
}

/// One accepted connection: TLS if configured, then HTTP/1.1 until it closes.
async fn connection(
    tcp: TcpStream,
    peer: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
    watcher: Watcher,
) {
    let _ = tcp.set_nodelay(true);
    let Some(acceptor) = tls else {
        return http(tcp, peer, shared, watcher).await;
    };
    let mut first = [0u8; 1];
    let limit = shared.header_timeout;
    match tokio::time::timeout(limit, tcp.peek(&mut first)).await {
        Ok(Ok(1)) if first[0] != 0x16 => {
            // Not a TLS handshake record: plain HTTP sent to the TLS port. Go's answer.
            let mut tcp = tcp;
            let _ = tcp.write_all(tls::PLAIN_HTTP_ANSWER).await;
            let _ = tcp.shutdown().await;
            return;
        }
        Ok(Ok(1)) => {}
        _ => return,
    }
    if let Ok(Ok(stream)) = tokio::time::timeout(limit, acceptor.accept(tcp)).await {
        http(stream, peer, shared, watcher).await;
    }
}

/// HTTP/1.1 on one connection (keep-alive, header timeout), watched for graceful shutdown.
async fn http<I>(io: I, peer: SocketAddr, shared: Arc<Shared>, watcher: Watcher)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let header_timeout = shared.header_timeout;
    let service = service_fn(move |req| {
        let shared = shared.clone();
        async move { Ok::<_, Infallible>(handle(req, peer, &shared).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .title_case_headers(true)
        .keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    let _ = watcher.watch(conn).await;
}

/// One request: answered, then logged.
async fn handle(
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
    shared: &Shared,
) -> hyper::Response<Full<Bytes>> {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = log::escape(req.uri().path());
    let namespace = req
        .headers()
        .get("x-vault-namespace")
        .filter(|v| !v.is_empty())
        .cloned();
    let reply = respond(req, peer, shared).await;
    shared.log(log::line(
        SystemTime::now(),
        peer.ip(),
        &method,
        &path,
        reply.status,
        started.elapsed(),
    ));
    http_response(reply, namespace)
}

/// The answer to one request.
async fn respond(req: hyper::Request<Incoming>, peer: SocketAddr, shared: &Shared) -> Reply {
    let (parts, body) = req.into_parts();
    let start = match wire::start(&parts.method, &parts.uri) {
        Ok(s) => s,
        Err(reply) => return reply,
    };
    let bytes = if start.verb.has_body() {
        match read_body(&parts.headers, body).await {
            Ok(b) => b,
            Err(reply) => return reply,
        }
    } else {
        Bytes::new()
    };
    let parsed = match wire::finish(start, &parts.headers, &bytes, Some(peer.ip())) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let op = parsed.request.operation;
    let request = parsed.request;
    let outcome = answer(shared, request).await;
    match outcome {
        // HEAD is Vault's for its status endpoints only; a logical path has no such operation.
        Ok(Ok(resp)) if parsed.head && resp.raw.is_none() => {
            Reply::error(405, "1 error occurred:\n\t* unsupported operation\n\n")
        }
        Ok(Ok(resp)) => envelope::success(&resp, op, parsed.inject),
        Ok(Err(Failure::Api(e))) => envelope::failure(&e),
        Ok(Err(Failure::Store(e))) => {
            shared.log(format!(
                "{} {} {}: the state could not be used: {e}\n",
                log::timestamp(SystemTime::now()),
                parts.method,
                log::escape(parts.uri.path())
            ));
            envelope::internal()
        }
        Err(_) => {
            shared.log(format!(
                "{} {} {}: the request's handler failed (a bug); answered 500\n",
                log::timestamp(SystemTime::now()),
                parts.method,
                log::escape(parts.uri.path())
            ));
            envelope::internal()
        }
    }
}

/// The backend's answer: what it can do at once runs on this task (a read, a login's checks:
/// short and CPU-bound), what waits (a commit, a fetch) is awaited; a backend that can only
/// block gets a blocking thread. `Err`: the handler panicked (a bug).
async fn answer(shared: &Shared, request: Request) -> Result<Result<Response, Failure>, ()> {
    let backend = shared.backend.clone();
    match catch_unwind(AssertUnwindSafe(|| backend.start(&request))) {
        Ok(Started::Done(outcome)) => Ok(outcome),
        Ok(Started::Waiting(mut future)) => {
            std::future::poll_fn(|cx| {
                match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                    Ok(std::task::Poll::Ready(outcome)) => std::task::Poll::Ready(Ok(outcome)),
                    Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
                    Err(_) => std::task::Poll::Ready(Err(())),
                }
            })
            .await
        }
        Ok(Started::Blocking) => tokio::task::spawn_blocking(move || backend.handle(&request))
            .await
            .map_err(|_| ()),
        Err(_) => Err(()),
    }
}

/// The body of a write, at most [`wire::MAX_BODY`] bytes: a larger declared length is refused
/// before anything is read, a longer stream as soon as it passes the limit.
async fn read_body<B>(headers: &HeaderMap, body: B) -> Result<Bytes, Reply>
where
    B: hyper::body::Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let declared = headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > wire::MAX_BODY as u64) {
        return Err(Reply::too_large());
    }
    let collected =
        tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, wire::MAX_BODY).collect());
    match collected.await {
        Ok(Ok(c)) => Ok(c.to_bytes()),
        Ok(Err(e))
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(Reply::too_large())
        }
        Ok(Err(_)) => Err(Reply {
            close: true,
            ..Reply::error(400, "the request body could not be read")
        }),
        Err(_) => Err(Reply {
            close: true,
            ..Reply::error(408, "the request body did not arrive in time")
        }),
    }
}

/// Go's reason phrase where it is not the one hyper writes (clients show it: vault-action's
/// `Response code 413 (Request Entity Too Large)`); `status code N` for a status Go has no
/// name for (`sys/health?activecode=299`).
fn go_reason(status: StatusCode) -> Option<String> {
    match status.as_u16() {
        413 => Some("Request Entity Too Large".into()),
        414 => Some("Request URI Too Long".into()),
        416 => Some("Requested Range Not Satisfiable".into()),
        n if status.canonical_reason().is_none() => Some(format!("status code {n}")),
        _ => None,
    }
}

/// The hyper response of a reply, headers as Vault sends them.
fn http_response(reply: Reply, namespace: Option<HeaderValue>) -> hyper::Response<Full<Bytes>> {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *resp.status_mut() = status;
    if let Some(reason) = go_reason(status) {
        if let Ok(reason) = hyper::ext::ReasonPhrase::try_from(reason) {
            resp.extensions_mut().insert(reason);
        }
    }
    let h = resp.headers_mut();
    if reply.standard_headers {
        h.insert(
            "cache-control",
            HeaderValue::from_static(envelope::CACHE_CONTROL),
        );
    }
    if reply.close {
        h.insert("connection", HeaderValue::from_static("close"));
    }
    if let Some(ct) = reply.content_type {
        h.insert("content-type", HeaderValue::from_static(ct));
    }
    if let Some(loc) = reply.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        h.insert("location", loc);
    }
    if reply.standard_headers {
        h.insert(
            "strict-transport-security",
            HeaderValue::from_static(envelope::HSTS),
        );
        if let Some(ns) = namespace {
            h.insert("x-vault-namespace", ns);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(headers: &[(&str, &str)], body: Vec<u8>) -> Result<Bytes, Reply> {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(
                hyper::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(read_body(&h, Full::new(Bytes::from(body))))
    }

    #[test]
    fn bodies_over_32_mib_are_413() {
        // Declared too large: refused before anything is read.
        let r = read(&[("content-length", "33554433")], Vec::new()).unwrap_err();
        assert_eq!((r.status, r.close, r.standard_headers), (413, true, false));
        // Exactly the limit is read; one byte more (a body of unknown length) is refused.
        assert_eq!(
            read(&[], vec![b' '; wire::MAX_BODY]).unwrap().len(),
            wire::MAX_BODY
        );
        let r = read(&[], vec![b' '; wire::MAX_BODY + 1]).unwrap_err();
        assert_eq!(r.status, 413);
    }

    #[test]
    fn headers_as_vault_sends_them() {
        let ns = Some(HeaderValue::from_static("foo"));
        let r = http_response(Reply::error(404, "namespace not found"), ns.clone());
        let names: Vec<&str> = r.headers().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "cache-control",
                "content-type",
                "strict-transport-security",
                "x-vault-namespace"
            ]
        );
        assert_eq!(r.headers()["content-type"], "application/json");
        // The 413: neither Cache-Control nor HSTS nor the namespace, and the connection closed.
        let r = http_response(Reply::too_large(), ns);
        let names: Vec<&str> = r.headers().keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["connection", "content-type"]);
        assert_eq!(
            r.extensions()
                .get::<hyper::ext::ReasonPhrase>()
                .unwrap()
                .as_bytes(),
            b"Request Entity Too Large"
        );
        // A status Go has no name for gets Go's phrase.
        let r = http_response(Reply::json(299, String::new()), None);
        assert_eq!(
            r.extensions()
                .get::<hyper::ext::ReasonPhrase>()
                .unwrap()
                .as_bytes(),
            b"status code 299"
        );
    }
}
