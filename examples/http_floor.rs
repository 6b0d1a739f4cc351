//! What this machine's HTTP stack alone can do, for `benches/server.sh`: the same hyper 1 and
//! tokio set-up as `jwtvault server` (multi-thread runtime, HTTP/1.1 keep-alive, header-read
//! timeout), with no state, no router and no durability.
//!
//! `http_floor hello ADDR`: every request's body is read and a fixed login-sized JSON answer is
//! sent. `http_floor verify ADDR PUBLIC_KEY.pem AUDIENCE`: the body is also parsed as a login
//! (`{"role": …, "jwt": …}`) and the JWT's RS256 signature, `exp` and `aud` are checked with
//! `jsonwebtoken`, as a login's first step; a token that fails is answered 400. Any other
//! method than POST is answered 200 at once (the bench's readiness probe).
//!
//! These are ceilings, not competitors: a real login also reads its role, writes its token and
//! entity, and is fsynced before its answer. The bench prints them beside both servers so that
//! the ratio targets can be read against what the machine allows at all.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::net::TcpListener;

/// The size and shape of a login's answer (one token, policies, metadata).
const ANSWER: &str = r#"{"request_id":"00000000-0000-0000-0000-000000000000","lease_id":"","renewable":false,"lease_duration":0,"data":null,"wrap_info":null,"warnings":null,"auth":{"client_token":"jvs.AAAAAAAAAAAAAAAAAAAAAAAA","accessor":"AAAAAAAAAAAAAAAAAAAAAAAA","policies":["default","dev"],"token_policies":["default","dev"],"metadata":{"role":"dev"},"lease_duration":2764800,"renewable":true,"entity_id":"00000000-0000-0000-0000-000000000000","token_type":"service","orphan":true,"mfa_requirement":null,"num_uses":0}}"#;

#[derive(Deserialize)]
struct Login {
    #[allow(dead_code)] // read as a login's body is; the floor has one role
    role: String,
    jwt: String,
}

/// The claims checked besides the signature (`exp` and `aud` by `Validation`).
#[derive(Deserialize)]
struct Claims {
    #[allow(dead_code)] // decoded as a login decodes it
    sub: String,
}

struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

impl Verifier {
    fn check(&self, body: &[u8]) -> Result<(), String> {
        let login: Login = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        jsonwebtoken::decode::<Claims>(&login.jwt, &self.key, &self.validation)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

fn usage() -> ! {
    eprintln!("usage: http_floor hello ADDR | http_floor verify ADDR PUBLIC_KEY.pem AUDIENCE");
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verifier = match args.first().map(String::as_str) {
        Some("hello") if args.len() == 2 => None,
        Some("verify") if args.len() == 4 => {
            let pem = std::fs::read(&args[2]).unwrap_or_else(|e| {
                eprintln!("http_floor: reading {}: {e}", args[2]);
                std::process::exit(2)
            });
            let key = DecodingKey::from_rsa_pem(&pem).unwrap_or_else(|e| {
                eprintln!("http_floor: {} is not an RSA public key: {e}", args[2]);
                std::process::exit(2)
            });
            let mut validation = Validation::new(Algorithm::RS256);
            validation.set_audience(&[&args[3]]);
            Some(Verifier { key, validation })
        }
        _ => usage(),
    };
    let addr: SocketAddr = args[1].parse().unwrap_or_else(|_| {
        eprintln!("http_floor: not an address: {}", args[1]);
        std::process::exit(2)
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("http-floor")
        .build()
        .unwrap_or_else(|e| {
            eprintln!("http_floor: {e}");
            std::process::exit(1)
        });
    let verifier = Arc::new(verifier);
    runtime.block_on(async move {
        let listener = TcpListener::bind(addr).await.unwrap_or_else(|e| {
            eprintln!("http_floor: listening on {addr}: {e}");
            std::process::exit(1)
        });
        eprintln!("http_floor listening on {addr}");
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let _ = tcp.set_nodelay(true);
            let verifier = verifier.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| answer(req, verifier.clone()));
                let mut builder = http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(10))
                    .title_case_headers(true)
                    .keep_alive(true);
                let _ = builder.serve_connection(TokioIo::new(tcp), service).await;
            });
        }
    });
}

async fn answer(
    req: Request<Incoming>,
    verifier: Arc<Option<Verifier>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() != hyper::Method::POST {
        // The bench's readiness probe (`GET /v1/sys/health`).
        return Ok(reply(StatusCode::OK, "{\"initialized\":true}"));
    }
    let body = match req.into_body().collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return Ok(reply(StatusCode::BAD_REQUEST, "{\"errors\":[\"body\"]}")),
    };
    if let Some(verifier) = verifier.as_ref() {
        if let Err(e) = verifier.check(&body) {
            return Ok(reply(
                StatusCode::BAD_REQUEST,
                &serde_json::json!({ "errors": [e] }).to_string(),
            ));
        }
    }
    Ok(reply(StatusCode::OK, ANSWER))
}

fn reply(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::copy_from_slice(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}
