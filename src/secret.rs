//! A value that must never reach output or a log by accident: a token, a JWT, a client secret,
//! a key. `Debug` and `Display` print `<redacted>`; the value is read only through
//! [`Secret::expose`], so every place that uses it is one grep away. Serde reads and writes the
//! value itself (for the state file): a response is never built by serialising a `Secret`.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that needs it (hashing, a request header, the
    /// token helper file, the response that hands a new token out).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_string())
    }
}

/// Any value whose `Debug` must not show it (a map of provider secrets, say); serde and
/// `Deref` see the value.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Redacted<T>(pub T);

impl<T> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> std::ops::Deref for Redacted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("jvs.supersecret");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            token: Secret,
        }
        let h = format!("{:?}", Holder { token: s.clone() });
        assert!(!h.contains("supersecret"), "{h}");
        assert_eq!(s.expose(), "jvs.supersecret");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"jvs.supersecret\"");
        let r = Redacted(vec!["client_secret"]);
        assert_eq!(format!("{r:?}"), "<redacted>");
        assert_eq!(r.len(), 1);
    }
}
