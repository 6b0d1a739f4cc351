#![no_main]
// The kv-builder (jwtvault::kv::build) and every field type of jwtvault::fields.
// The body lives in fuzz/harness.rs, shared with the property test tests/cli/props.rs.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod harness {
    include!("../harness.rs");
}

fuzz_target!(|data: &[u8]| harness::kv(data));
