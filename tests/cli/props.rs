//! Bounded property tests over the fuzz targets' bodies (fuzz/harness.rs, included verbatim):
//! every CI run exercises what `cargo fuzz` runs, with inputs shaped to reach deep code
//! (signed tokens with JSON claims, kv arguments with JSON on stdin, HCL policies) besides
//! raw bytes. Any panic (an arithmetic overflow in this debug profile included) fails the test
//! and proptest prints the shrunk input. The bodies also assert what must hold besides: random
//! and unsigned tokens never verify, a signed one verifies only as what was signed (EdDSA, the
//! Ed25519 key, the signed payload) and a plainly signed one always does; a formatted policy
//! parses again.
//!
//! Case counts: 50,000 for the kv and policy targets, 20,000 for the JWS target (each of its
//! cases signs a token and runs six verifications and sixteen claim checks), which keeps the
//! three tests, run in parallel, under about a minute in the debug profile. `PROPS_CASES`
//! overrides all three (e.g. `PROPS_CASES=200000` for a longer local run).

#[allow(dead_code)]
mod harness {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/harness.rs"));
}

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value};

fn cases(default: u32) -> u32 {
    std::env::var("PROPS_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        // Failures print the shrunk input; no regression files in the source tree.
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    })
}

/// Runs `body` on every input of `strategy`; fails on the first panic.
fn check<S: Strategy<Value = Vec<u8>>>(default_cases: u32, strategy: S, body: fn(&[u8])) {
    let mut r = runner(cases(default_cases));
    if let Err(e) = r.run(&strategy, |data| {
        body(&data);
        Ok(())
    }) {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(vec![
            "0",
            "-0",
            "1e300",
            "-1e300",
            "1.5",
            "123.7",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "1e-400",
            "123.0",
            "1E2",
        ])
        .prop_map(|s| serde_json::from_str(s).unwrap()),
        (1_600_000_000i64..1_800_000_000).prop_map(Value::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "*",
            "dev*",
            "developers",
            "ops",
            "a",
            "vault-aud-value",
            "user-12345",
            "https://issuer.example/",
            "x*y*z",
            "alice@example.com",
            "/",
            "~",
            "\u{0}",
            "é",
        ])
        .prop_map(String::from),
        "[a-z*~/@.]{0,12}",
        any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "iss",
            "sub",
            "aud",
            "exp",
            "nbf",
            "iat",
            "jti",
            "groups",
            "email",
            "user",
            "id",
            "realm",
            "org",
            "team",
            "n",
            "flag",
            "a",
            "b",
            "0",
            "//vault/groups",
            "ISS",
        ])
        .prop_map(String::from),
        "[a-z/~]{0,6}",
    ]
}

/// Claims: the registered names with values of any type, plus nested objects for pointers.
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((key(), json_value()), 0..12)
        .prop_map(|kv| kv.into_iter().collect::<Map<String, Value>>())
}

fn header() -> impl Strategy<Value = Vec<u8>> {
    let alg = prop_oneof![
        4 => Just(Value::from("EdDSA")),
        1 => prop::sample::select(vec!["none", "None", "HS256", "ES256", "RS256", ""]).prop_map(Value::from),
        1 => json_value(),
    ];
    let extra = prop::collection::vec(
        (
            prop::sample::select(vec![
                "kid", "typ", "crit", "b64", "jwk", "jku", "x5u", "cty",
            ]),
            json_value(),
        ),
        0..3,
    );
    (alg, extra, any::<bool>()).prop_map(|(alg, extra, raw)| {
        let mut m = Map::new();
        m.insert("alg".into(), alg);
        for (k, v) in extra {
            m.insert(k.to_string(), v);
        }
        let mut bytes = serde_json::to_vec(&m).unwrap();
        if raw {
            // A repeated member name, which jwtvault refuses.
            bytes.truncate(bytes.len() - 1);
            bytes.extend_from_slice(br#","alg":"EdDSA"}"#);
        }
        bytes
    })
}

fn jws_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Mode 1: signed with the fixture key; the claims layer runs.
        6 => (header(), claims()).prop_map(|(h, c)| {
            let mut v = vec![1u8];
            v.extend(h);
            v.push(0xFF);
            v.extend(serde_json::to_vec(&c).unwrap());
            v
        }),
        // Mode 2: unsigned parts.
        2 => (header(), json_value(), prop::collection::vec(any::<u8>(), 0..80)).prop_map(|(h, p, s)| {
            let mut v = vec![2u8];
            v.extend(h);
            v.push(0xFF);
            v.extend(serde_json::to_vec(&p).unwrap());
            v.push(0xFF);
            v.extend(s);
            v
        }),
        // Mode 0: a token-like string.
        2 => "[A-Za-z0-9_=.+/ \\-]{0,200}".prop_map(|s| {
            let mut v = vec![0u8];
            v.extend(s.into_bytes());
            v
        }),
        // Mode 3: key material (JWKS / PEM / JWK).
        1 => json_value().prop_map(|j| {
            let mut v = vec![3u8];
            v.extend(serde_json::to_vec(&serde_json::json!({"keys": [j]})).unwrap());
            v
        }),
        1 => prop::collection::vec(any::<u8>(), 0..300),
    ]
}

fn kv_input() -> impl Strategy<Value = Vec<u8>> {
    let field = prop::sample::select(vec![
        "role_type",
        "bound_claims",
        "token_ttl",
        "token_policies",
        "clock_skew_leeway",
        "claim_mappings",
        "token_num_uses",
        "user_claim_json_pointer",
        "a",
        "",
    ]);
    let value = prop_oneof![
        prop::sample::select(vec![
            "-",
            "1h30m",
            "-5",
            "9223372036854775807s",
            "1.5h",
            "true",
            "t",
            "0x10",
            "1e3",
            "a=b,c=d",
            "{\"a\":1}",
            "[1,2]",
            "\\@file",
            "@",
            "",
            "0777",
            "300ms",
            "2562048h",
            "-9223372036854775808",
            "+1",
            "1_000",
        ])
        .prop_map(String::from),
        "[a-z0-9=,.:{}\\[\\]\"\\-]{0,16}",
        json_value().prop_map(|v| v.to_string()),
    ];
    let arg = prop_oneof![
        4 => (field, value).prop_map(|(k, v)| format!("{k}={v}")),
        1 => Just("-".to_string()),
        1 => "[a-z=@\\-]{0,8}",
    ];
    let stdin = prop_oneof![
        json_value().prop_map(|v| v.to_string()),
        claims().prop_map(|c| Value::Object(c).to_string()),
        any::<String>(),
    ];
    (prop::collection::vec(arg, 0..6), stdin).prop_map(|(args, stdin)| {
        let mut v = args.join("\0").into_bytes();
        v.push(0xFF);
        v.extend(stdin.into_bytes());
        v
    })
}

fn policy_input() -> impl Strategy<Value = Vec<u8>> {
    let path = prop_oneof![
        prop::sample::select(vec![
            "secret/*",
            "secret/data/+/x",
            "auth/token/lookup-self",
            "",
            "*",
            "+",
            "a/+/b*",
            "identity/entity/id/{{identity.entity.id}}",
            "sys/{{identity.groups.names}}/x",
        ])
        .prop_map(String::from),
        "[a-z/+*{}.]{0,16}",
    ];
    let cap = prop::sample::select(vec![
        "\"read\"",
        "\"create\"",
        "\"update\"",
        "\"delete\"",
        "\"list\"",
        "\"sudo\"",
        "\"deny\"",
        "\"patch\"",
        "\"root\"",
        "\"banana\"",
        "1",
        "true",
    ]);
    let body = prop_oneof![
        prop::collection::vec(cap, 0..4).prop_map(|c| format!("capabilities = [{}]", c.join(", "))),
        prop::sample::select(vec![
            "policy = \"read\"",
            "policy = \"deny\"",
            "policy = \"write\"",
            "min_wrapping_ttl = \"1h\"",
            "max_wrapping_ttl = 100",
            "allowed_parameters = { \"a\" = [] \"*\" = [\"x\", 1] }",
            "denied_parameters = { \"b\" = [\"y\"] }",
            "required_parameters = [\"a\"]",
            "capabilities = \"read\"",
            "# comment",
            "/* block */",
            "capabilities = [",
            "}",
        ])
        .prop_map(String::from),
    ];
    let stanza =
        (path, prop::collection::vec(body, 0..4), any::<bool>()).prop_map(|(p, b, json)| {
            if json {
                format!("{{\"path\": {{\"{p}\": {{\"capabilities\": [\"read\"]}}}}}}")
            } else {
                format!("path \"{p}\" {{\n  {}\n}}\n", b.join("\n  "))
            }
        });
    prop_oneof![
        6 => prop::collection::vec(stanza, 0..4).prop_map(|s| s.concat().into_bytes()),
        2 => "[a-z \"{}=\\[\\],#/*\n+]{0,120}".prop_map(String::into_bytes),
        1 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..200),
    ]
}

// ---------------------------------------------------------------------------------------------
// One test per target (the test harness runs them in parallel).

#[test]
fn jws_target_never_panics_and_only_signed_tokens_verify() {
    check(20_000, jws_input(), harness::jws);
}

#[test]
fn kv_target_never_panics() {
    check(50_000, kv_input(), harness::kv);
}

#[test]
fn policy_target_never_panics() {
    check(50_000, policy_input(), harness::policy);
}
