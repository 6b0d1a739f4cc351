#![no_main]
// Policy HCL/JSON: jwtvault::acl::parse_policy, build_acl, and format_policy (whose output
// must parse again).
// The body lives in fuzz/harness.rs, shared with the property test tests/cli/props.rs.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod harness {
    include!("../harness.rs");
}

fuzz_target!(|data: &[u8]| harness::policy(data));
