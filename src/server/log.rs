//! The server's request log: one line per request on stderr.
//!
//! A line holds the time (UTC, milliseconds), the client's address, the method, the path as
//! sent (still percent-encoded) **without its query string** (`GET auth/token/lookup?token=…`
//! would carry a token there), the status and the time taken. Never a header, a body or a
//! response value: no token, JWT or secret reaches the log.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The path as logged: the request target's path, every byte outside visible ASCII written as
/// `%XX` (so a line is one line whatever the client sent).
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `2026-12-03T07:58:29.693Z`.
pub fn timestamp(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = crate::token::rfc3339(d.as_secs() as f64);
    format!("{}.{:03}Z", secs.trim_end_matches('Z'), d.subsec_millis())
}

/// One request's line, with its newline.
pub fn line(
    at: SystemTime,
    peer: IpAddr,
    method: &str,
    path: &str,
    status: u16,
    took: Duration,
) -> String {
    format!(
        "{} {} {} {} {} {:.3}ms\n",
        timestamp(at),
        peer.to_canonical(),
        escape(method),
        path,
        status,
        took.as_secs_f64() * 1000.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_has_time_peer_method_path_status_duration() {
        let at = UNIX_EPOCH + Duration::from_millis(1_796_286_738_042);
        assert_eq!(
            line(
                at,
                "127.0.0.1".parse().unwrap(),
                "GET",
                "/v1/sys/health",
                200,
                Duration::from_micros(1234)
            ),
            "2026-12-03T08:32:18.042Z 127.0.0.1 GET /v1/sys/health 200 1.234ms\n"
        );
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_secs(1)),
            "1970-01-01T00:00:01.000Z"
        );
        // An IPv4 client on a dual-stack listener is shown as IPv4.
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert!(line(at, mapped, "GET", "/", 200, Duration::ZERO).contains(" 10.0.0.1 "));
    }

    #[test]
    fn odd_bytes_in_a_path_are_escaped() {
        assert_eq!(escape("/v1/a b\n\u{7f}é"), "/v1/a%20b%0A%7F%C3%A9");
        assert_eq!(escape("/v1/auth/jwt/role%2Fx"), "/v1/auth/jwt/role%2Fx");
    }
}
