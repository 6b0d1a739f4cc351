//! Identifiers from the operating system's CSPRNG: UUIDs, accessors, tokens, mount suffixes.

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` random bytes straight from the kernel (`getrandom(2)`). Not aws-lc's `SystemRandom`: its
/// first use seeds a DRBG from CPU jitter, which costs ~25 ms per process — most of a login.
/// The OS generator failing is not recoverable, so it panics (the panic hook prints a fixed
/// line, exit 101) rather than issue a weak identifier.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    if getrandom::getrandom(&mut buf).is_err() {
        panic!("the operating system's random number generator failed");
    }
    buf
}

/// Lower-case hex of `n` random bytes.
pub fn random_hex(n: usize) -> String {
    random_bytes(n).iter().map(|b| format!("{b:02x}")).collect()
}

/// A random UUID in Vault's layout (8-4-4-4-12 hex digits).
pub fn uuid() -> String {
    let h = random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `n` base62 characters, uniformly distributed (rejection sampling, no modulo bias).
pub fn base62(n: usize) -> String {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        for b in random_bytes(n * 2) {
            // 248 = 4 * 62: values at or above it would bias the first characters.
            if b < 248 && out.len() < n {
                out.push(BASE62[(b % 62) as usize] as char);
            }
        }
    }
    out
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data)
        .as_ref()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let u = uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(u.matches('-').count(), 4);
        let t = base62(24);
        assert_eq!(t.len(), 24);
        assert!(t.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(base62(24), base62(24));
        assert_eq!(random_hex(4).len(), 8);
        assert_eq!(
            sha256(b"abc")
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
