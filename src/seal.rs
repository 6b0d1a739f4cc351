//! Secrets sealed at rest (contract §9): secret values and custom metadata are encrypted with
//! AES-256-GCM (aws-lc-rs) under a 256-bit key that lives in a file outside the state.
//!
//! - **Blob format:** one format byte (`1`), a 96-bit nonce drawn from the OS for every seal,
//!   then the ciphertext with its 128-bit tag.
//! - **Binding:** the associated data names what the blob is (a fixed context per kind), the
//!   mount's UUID, the key's path and, for a value, its version, each length-prefixed. A blob
//!   copied to another row, key, version or mount fails to open.
//! - **Key file:** `-seal-key-file` / `JWTVAULT_SEAL_KEY_FILE`, default
//!   `<config dir>/jwtvault/seal.key`. Written by jwtvault as the base64 of 32 random bytes on
//!   one line, 0600, in a folder created 0700; read as 32 raw bytes, 64 hex digits or the
//!   base64 of 32 bytes. It is created only by a state's first sealed value, never over an
//!   existing file, and never while the state holds values sealed under another key.
//! - **Verifier:** the state keeps one sealed known value ([`Store::seal_verifier`]): a key
//!   that does not open it is the wrong key, which is said plainly before anything is opened
//!   or sealed (no garbage, no second key mixed in).
//!
//! The key never appears in an error, a log or a `Debug` output.

use std::fmt;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::Engine;

use crate::api::ApiError;
use crate::store::Store;

/// A seal key's length in bytes (AES-256).
pub const KEY_LEN: usize = 32;
/// The first byte of every sealed blob.
const FORMAT_V1: u8 = 1;
/// AES-GCM's tag length.
const TAG_LEN: usize = 16;
/// What the verifier seals.
const VERIFIER_PLAINTEXT: &[u8] = b"jwtvault seal verifier";
/// A key file larger than this is not a key (and is not read further).
const MAX_KEY_FILE: u64 = 1024;

/// The default key file: `<config dir>/jwtvault/seal.key` (`~/.config/jwtvault/seal.key`).
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("jwtvault").join("seal.key"))
}

/// What a sealed blob belongs to: its associated data.
#[derive(Clone, Copy, Debug)]
pub enum Binding<'a> {
    /// The data of one version of a KV key.
    Value {
        mount_uuid: &'a str,
        key: &'a str,
        version: i64,
    },
    /// The custom metadata of a KV key.
    CustomMetadata { mount_uuid: &'a str, key: &'a str },
    /// The state's verifier record.
    Verifier,
}

impl Binding<'_> {
    fn aad(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut field = |b: &[u8]| {
            out.extend_from_slice(&(b.len() as u64).to_be_bytes());
            out.extend_from_slice(b);
        };
        match *self {
            Binding::Value {
                mount_uuid,
                key,
                version,
            } => {
                field(b"jwtvault kv2 value");
                field(mount_uuid.as_bytes());
                field(key.as_bytes());
                field(version.to_string().as_bytes());
            }
            Binding::CustomMetadata { mount_uuid, key } => {
                field(b"jwtvault kv2 custom_metadata");
                field(mount_uuid.as_bytes());
                field(key.as_bytes());
            }
            Binding::Verifier => field(b"jwtvault seal verifier"),
        }
        out
    }
}

/// A 256-bit seal key. `Debug` never shows it; its bytes are zeroed when it is dropped.
pub struct SealKey([u8; KEY_LEN]);

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealKey(<redacted>)")
    }
}

impl Drop for SealKey {
    fn drop(&mut self) {
        for b in self.0.iter_mut() {
            // SAFETY: a plain write to an owned byte; volatile so it is not optimised away.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
    }
}

impl SealKey {
    /// A new key from the operating system's random generator.
    pub fn generate() -> SealKey {
        let mut k = [0u8; KEY_LEN];
        k.copy_from_slice(&crate::ids::random_bytes(KEY_LEN));
        SealKey(k)
    }

    /// Reads a key file's bytes: 32 raw bytes, or one line of 64 hex digits or of the base64
    /// of 32 bytes. The error says what was expected and what was found, never the content.
    pub fn parse(raw: &[u8]) -> Result<SealKey, String> {
        let mut k = [0u8; KEY_LEN];
        if raw.len() == KEY_LEN {
            k.copy_from_slice(raw);
            return Ok(SealKey(k));
        }
        let text = std::str::from_utf8(raw).map(str::trim).unwrap_or("");
        let decoded = if text.len() == 2 * KEY_LEN && text.bytes().all(|c| c.is_ascii_hexdigit()) {
            (0..KEY_LEN)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
                .collect::<Option<Vec<u8>>>()
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(text))
                .ok()
        };
        match decoded {
            Some(bytes) if bytes.len() == KEY_LEN => {
                k.copy_from_slice(&bytes);
                Ok(SealKey(k))
            }
            _ => Err(format!(
                "expected 32 bytes, or one line of 64 hex digits or of the base64 of 32 bytes; \
                 found {} bytes that are none of these",
                raw.len()
            )),
        }
    }

    /// The key file's text: the base64 of the key on one line.
    fn file_text(&self) -> String {
        let mut s = base64::engine::general_purpose::STANDARD.encode(self.0);
        s.push('\n');
        s
    }

    fn aead(&self) -> LessSafeKey {
        // A 32-byte key is always a valid AES-256 key.
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.0).expect("AES-256 key"))
    }

    /// Seals `plaintext` for `binding`: format byte, fresh random nonce, ciphertext and tag.
    pub fn seal(&self, binding: &Binding, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&crate::ids::random_bytes(NONCE_LEN));
        let mut in_out = plaintext.to_vec();
        self.aead()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(binding.aad()),
                &mut in_out,
            )
            .expect("AES-GCM seals any message under 64 GiB");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + in_out.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&in_out);
        out
    }

    /// Opens a blob sealed for `binding`; `None` when it does not open (another key, another
    /// binding, or altered bytes).
    pub fn open(&self, binding: &Binding, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != FORMAT_V1 {
            return None;
        }
        let nonce = Nonce::try_assume_unique_for_key(&sealed[1..1 + NONCE_LEN]).ok()?;
        let mut in_out = sealed[1 + NONCE_LEN..].to_vec();
        let plain = self
            .aead()
            .open_in_place(nonce, Aad::from(binding.aad()), &mut in_out)
            .ok()?;
        Some(plain.to_vec())
    }
}

/// Where the seal key lives, and the key once read (shared by the clones, so a server reads it
/// once). The key file is only touched when a request needs the key.
#[derive(Clone, Default)]
pub struct KeyFile {
    path: Option<PathBuf>,
    cache: Arc<OnceLock<Arc<SealKey>>>,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile").field("path", &self.path).finish()
    }
}

/// The error every seal trouble becomes: Vault's 500, with a clear message.
fn seal_error(msg: String) -> ApiError {
    ApiError::internal(msg)
}

impl KeyFile {
    /// The key at `path`; `None` when no location is known (no home folder), which is an error
    /// only when a key is needed.
    pub fn new(path: Option<PathBuf>) -> KeyFile {
        KeyFile {
            path,
            cache: Arc::default(),
        }
    }

    /// The key file's location.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn location(&self) -> Result<&Path, ApiError> {
        self.path.as_deref().ok_or_else(|| {
            seal_error(
                "no seal key file: the home folder is unknown, so there is no default \
                 location; set -seal-key-file or JWTVAULT_SEAL_KEY_FILE"
                    .into(),
            )
        })
    }

    /// The key, read from the file (or the cache); `Ok(None)` when the file does not exist.
    fn read(&self) -> Result<Option<Arc<SealKey>>, ApiError> {
        if let Some(k) = self.cache.get() {
            return Ok(Some(k.clone()));
        }
        let path = self.location()?;
        let raw = match read_small(path) {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(seal_error(format!(
                    "cannot read the seal key file {}: {e}",
                    path.display()
                )))
            }
        };
        let key = SealKey::parse(&raw).map_err(|why| {
            seal_error(format!(
                "the seal key file {} is not a seal key: {why}",
                path.display()
            ))
        })?;
        Ok(Some(self.cache.get_or_init(|| Arc::new(key)).clone()))
    }

    /// The error for a key that does not open the state's verifier.
    fn wrong_key(&self) -> ApiError {
        let path = self.path.as_deref().unwrap_or(Path::new("?"));
        seal_error(format!(
            "the seal key in {} does not open this state's secrets (they were sealed with \
             another key): point -seal-key-file or JWTVAULT_SEAL_KEY_FILE at the key this \
             state was first used with",
            path.display()
        ))
    }

    /// The key the state's sealed values were sealed with: the file must exist and open the
    /// state's verifier. Used to open sealed values, and to seal more of them.
    fn existing(&self, verifier: &[u8]) -> Result<Arc<SealKey>, ApiError> {
        let Some(key) = self.read()? else {
            let path = self.location()?;
            return Err(seal_error(format!(
                "the seal key file {} does not exist, and this state holds secrets sealed with \
                 a key: point -seal-key-file or JWTVAULT_SEAL_KEY_FILE at that key (jwtvault \
                 never makes a new key while sealed secrets exist)",
                path.display()
            )));
        };
        match key.open(&Binding::Verifier, verifier) {
            Some(v) if v == VERIFIER_PLAINTEXT => Ok(key),
            _ => Err(self.wrong_key()),
        }
    }

    /// The key to open a sealed value of `store` with.
    pub fn for_reading(&self, store: &Store) -> Result<Arc<SealKey>, ApiError> {
        match store.seal_verifier()? {
            Some(v) => self.existing(&v),
            // A sealed value without a verifier: nothing to check the key against.
            None => self.read()?.ok_or_else(|| {
                seal_error(format!(
                    "the seal key file {} does not exist, and this state holds sealed secrets",
                    self.path.as_deref().unwrap_or(Path::new("?")).display()
                ))
            }),
        }
    }

    /// The key to seal a new value of `store` with. While the state holds sealed values, that
    /// is their key (checked). Otherwise it is the file's key, and the file is created (0600,
    /// folder 0700) when it does not exist yet; the state then records its verifier.
    pub fn for_writing(&self, store: &Store) -> Result<Arc<SealKey>, ApiError> {
        if let Some(v) = store.seal_verifier()? {
            if store.holds_sealed_values()? {
                return self.existing(&v);
            }
            // Nothing sealed is left: the state may take the file's key, whichever it is.
            store.delete_seal_verifier()?;
        }
        let key = match self.read()? {
            Some(k) => k,
            None => {
                let path = self.location()?;
                let key = create_key_file(path).map_err(|e| {
                    seal_error(format!(
                        "cannot create the seal key file {}: {e}",
                        path.display()
                    ))
                })?;
                self.cache.get_or_init(|| Arc::new(key)).clone()
            }
        };
        store.put_seal_verifier(&key.seal(&Binding::Verifier, VERIFIER_PLAINTEXT))?;
        Ok(key)
    }

    /// The error for a sealed value that does not open although the key is the right one: the
    /// blob was altered, or moved from another row.
    pub fn tampered(&self, what: &str) -> ApiError {
        seal_error(format!(
            "the sealed {what} does not open with this state's seal key: it was altered or \
             copied from another row of the state"
        ))
    }
}

/// Reads a file of at most [`MAX_KEY_FILE`] bytes (a larger one is reported by its size).
fn read_small(path: &Path) -> std::io::Result<Vec<u8>> {
    let f = fs::File::open(path)?;
    let mut raw = Vec::new();
    f.take(MAX_KEY_FILE + 1).read_to_end(&mut raw)?;
    Ok(raw)
}

/// Creates the key file with a new key: the folder 0700 when missing, the file 0600, written
/// to a temporary name and linked into place, so that no process ever reads half a key and an
/// existing file is never replaced (if another process made one first, that key is used).
fn create_key_file(path: &Path) -> std::io::Result<SealKey> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() {
        let mut b = fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)?;
    }
    let key = SealKey::generate();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "seal.key".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", crate::ids::random_hex(6)));
    let written = write_private(&tmp, key.file_text().as_bytes());
    let linked = written.and_then(|()| fs::hard_link(&tmp, path));
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            // The new directory entry is durable before any value is sealed with the key.
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let raw = read_small(path)?;
            SealKey::parse(&raw).map_err(std::io::Error::other)
        }
        Err(e) => Err(e),
    }
}

/// Writes a new private file (0600) and syncs it.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<'a>(mount_uuid: &'a str, key: &'a str, version: i64) -> Binding<'a> {
        Binding::Value {
            mount_uuid,
            key,
            version,
        }
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_binding() {
        let k = SealKey::generate();
        let b = value("u1", "app/db", 3);
        let sealed = k.seal(&b, b"{\"password\":\"hunter2\"}");
        assert_eq!(sealed[0], FORMAT_V1);
        assert_eq!(sealed.len(), 1 + NONCE_LEN + 22 + TAG_LEN);
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
        assert_eq!(
            k.open(&b, &sealed).as_deref(),
            Some(&b"{\"password\":\"hunter2\"}"[..])
        );
        // Another version, key, mount or kind: the associated data differs.
        for other in [
            value("u1", "app/db", 4),
            value("u1", "app/dc", 3),
            value("u2", "app/db", 3),
            Binding::CustomMetadata {
                mount_uuid: "u1",
                key: "app/db",
            },
            Binding::Verifier,
        ] {
            assert_eq!(k.open(&other, &sealed), None, "{other:?}");
        }
        // Length prefixes: moving a byte between fields changes the binding.
        let a = k.seal(&value("ab", "c", 1), b"x");
        assert_eq!(k.open(&value("a", "bc", 1), &a), None);
        // Another key.
        assert_eq!(SealKey::generate().open(&b, &sealed), None);
        // Any altered byte, a cut blob, an unknown format.
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 1;
            assert_eq!(k.open(&b, &bad), None, "byte {i}");
        }
        assert_eq!(k.open(&b, &sealed[..sealed.len() - 1]), None);
        assert_eq!(k.open(&b, &[]), None);
        // A fresh nonce every time.
        assert_ne!(k.seal(&b, b"same"), k.seal(&b, b"same"));
    }

    #[test]
    fn key_files_are_raw_hex_or_base64_and_errors_never_show_them() {
        let k = SealKey::generate();
        let raw = k.0;
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        let b64 = k.file_text();
        assert!(b64.ends_with('\n') && b64.len() == 45, "{b64:?}");
        for form in [
            raw.to_vec(),
            hex.clone().into_bytes(),
            format!("  {hex}\r\n").into_bytes(),
            b64.clone().into_bytes(),
            base64::engine::general_purpose::URL_SAFE
                .encode(raw)
                .into_bytes(),
        ] {
            assert_eq!(SealKey::parse(&form).expect("a key").0, raw);
        }
        for bad in [
            &b""[..],
            b"short",
            &[7u8; 33][..],
            &hex.as_bytes()[..63],
            b"not base64 at all, but long enough to be something!",
        ] {
            let e = SealKey::parse(bad).expect_err("not a key");
            assert!(e.starts_with("expected 32 bytes"), "{e}");
            assert!(e.contains(&format!("found {} bytes", bad.len())), "{e}");
        }
        assert_eq!(format!("{k:?}"), "SealKey(<redacted>)");
        let kf = KeyFile::new(Some("/x/seal.key".into()));
        assert_eq!(format!("{kf:?}"), "KeyFile { path: Some(\"/x/seal.key\") }");
    }

    #[test]
    fn the_key_file_is_created_private_once_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf/jwtvault/seal.key");
        let k = create_key_file(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
            assert_eq!(mode(&dir.path().join("conf")), 0o700);
        }
        let text = fs::read(&path).unwrap();
        assert_eq!(SealKey::parse(&text).unwrap().0, k.0);
        // A second creation finds the file and uses its key; the file is unchanged.
        let again = create_key_file(&path).unwrap();
        assert_eq!(again.0, k.0);
        assert_eq!(fs::read(&path).unwrap(), text);
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["seal.key"]);
    }
}
