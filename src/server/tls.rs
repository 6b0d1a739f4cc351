//! TLS for the server, by rustls with the ring provider (the one the rest of jwtvault's TLS
//! uses): a PEM certificate chain and its PEM private key (PKCS#8, PKCS#1 or SEC1), TLS 1.2 and
//! 1.3, ALPN `http/1.1` (every Vault client speaks it; wire.md §0).

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The certificate and key files.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: String,
    pub key: String,
}

/// The bytes a plain-HTTP request to the TLS port gets, as Go's server answers it.
pub const PLAIN_HTTP_ANSWER: &[u8] =
    b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

/// Reads a PEM file, refusing one that is not a plain file or is over 1 MiB.
fn read_pem(what: &str, path: &str) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("error reading {what} {path}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("error reading {what} {path}: not a regular file"));
    }
    if meta.len() > 1 << 20 {
        return Err(format!(
            "error reading {what} {path}: larger than 1 MiB, too large for a PEM file"
        ));
    }
    std::fs::read(Path::new(path)).map_err(|e| format!("error reading {what} {path}: {e}"))
}

/// The rustls configuration for the files, or a message naming the file and the problem.
pub fn server_config(files: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, String> {
    let cert_pem = read_pem("the TLS certificate file", &files.cert)?;
    let key_pem = read_pem("the TLS key file", &files.key)?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("error loading the TLS certificate file {}: {e}", files.cert))?;
    if certs.is_empty() {
        return Err(format!(
            "error loading the TLS certificate file {}: expected PEM CERTIFICATE blocks, found none",
            files.cert
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
        format!(
            "error loading the TLS key file {}: expected a PEM private key (PKCS#8, PKCS#1 or \
             SEC1): {e}",
            files.key
        )
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            format!(
                "the TLS certificate file {} and key file {} do not make a usable pair: {e}",
                files.cert, files.key
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (String, String) {
        let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
        (cert.cert.pem(), cert.signing_key.serialize_pem())
    }

    fn files(dir: &Path, cert: &str, key: &str) -> TlsFiles {
        std::fs::write(dir.join("c.pem"), cert).unwrap();
        std::fs::write(dir.join("k.pem"), key).unwrap();
        TlsFiles {
            cert: dir.join("c.pem").display().to_string(),
            key: dir.join("k.pem").display().to_string(),
        }
    }

    #[test]
    fn a_pem_pair_loads_and_offers_http_1_1() {
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = pair();
        let cfg = server_config(&files(dir.path(), &c, &k)).unwrap();
        assert_eq!(cfg.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn bad_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = pair();
        let (_, other_key) = pair();
        let f = files(dir.path(), &c, &other_key);
        let e = server_config(&f).unwrap_err();
        assert!(e.contains("do not make a usable pair"), "{e}");
        let f = files(dir.path(), "not a pem", &k);
        let e = server_config(&f).unwrap_err();
        assert!(
            e.contains("expected PEM CERTIFICATE blocks, found none"),
            "{e}"
        );
        let f = files(dir.path(), &c, "junk");
        let e = server_config(&f).unwrap_err();
        assert!(e.starts_with("error loading the TLS key file"), "{e}");
        let missing = TlsFiles {
            cert: dir.path().join("nope.pem").display().to_string(),
            key: f.key.clone(),
        };
        let e = server_config(&missing).unwrap_err();
        assert!(
            e.starts_with("error reading the TLS certificate file"),
            "{e}"
        );
        let folder = TlsFiles {
            cert: dir.path().display().to_string(),
            key: f.key,
        };
        assert!(server_config(&folder)
            .unwrap_err()
            .ends_with("not a regular file"));
    }
}
