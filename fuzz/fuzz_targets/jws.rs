#![no_main]
// Compact JWS, header and claims: jwtvault::verify::verify on static keys and a JWKS, then
// jwtvault::claims::check_claims under several role shapes; also the key parsers.
// The body lives in fuzz/harness.rs, shared with the property test tests/cli/props.rs.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod harness {
    include!("../harness.rs");
}

fuzz_target!(|data: &[u8]| harness::jws(data));
