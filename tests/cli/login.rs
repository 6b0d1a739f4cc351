//! Login through the binary: the three login forms, the token helper file, the output flags,
//! every refusal of the catalogue (vault-jwt-reference §4.14) with its `Hint:`, token issuance
//! as Vault core does it, identity bookkeeping and bound CIDRs.
//!
//! Expected texts were checked against OpenBao 2.7 (`bao write auth/<m>/login …` with the same
//! tokens signed for a `jwt_validation_pubkeys` mount); where OpenBao and the reference differ,
//! OpenBao's text is asserted.

use serde_json::{json, Value};

use crate::support::{now, Alg, Env, Key};

const ISS: &str = "https://iss.example/";

const BANNER: &str = "Success! You are now authenticated. The token information displayed below is
already stored in the token helper. You do NOT need to run \"jwtvault login\"
again. Future jwtvault requests will automatically use this token.

";

const NO_STORE: &str =
    "The token was not stored in token helper. Set the JWTVAULT_TOKEN environment
variable or pass the token below with each request to jwtvault.

";

/// A mount `jwt/` with one ES256 key, `bound_issuer`, and the walkthrough's role `dev`.
fn setup() -> (Env, Key) {
    setup_on(Env::new())
}

/// [`setup`] on the given environment.
fn setup_on(env: Env) -> (Env, Key) {
    let key = env.jwt_mount_with_key(Alg::ES256, &[&format!("bound_issuer={ISS}")]);
    role(
        &env,
        "jwt",
        "dev",
        json!({"role_type": "jwt", "user_claim": "sub", "groups_claim": "groups",
               "token_policies": "developer-policy, Ops", "bound_audiences": "vault-aud-value",
               "bound_claims_type": "glob", "bound_claims": {"groups": "developers"}}),
    );
    (env, key)
}

fn role(env: &Env, mount: &str, name: &str, body: Value) {
    env.run_stdin(
        &["write", &format!("auth/{mount}/role/{name}"), "-"],
        &body.to_string(),
    )
    .ok();
}

/// The walkthrough's claims against `setup`'s issuer.
fn good() -> Value {
    let t = now();
    json!({"iss": ISS, "sub": "user-12345", "aud": "vault-aud-value", "iat": t, "exp": t + 3600,
           "groups": ["developers", "ops"]})
}

/// `good()` with some members replaced (`null` removes one).
fn with(changes: Value) -> Value {
    let mut c = good();
    for (k, v) in changes.as_object().expect("object") {
        if v.is_null() {
            c.as_object_mut().expect("object").remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c
}

fn token_file(env: &Env) -> std::path::PathBuf {
    env.path("home/.jwtvault-token")
}

/// The value column of a `Key Value` table row.
fn row<'a>(out: &'a str, key: &str) -> &'a str {
    out.lines()
        .find_map(|l| {
            l.strip_prefix(key)
                .filter(|r| r.starts_with(' '))
                .map(str::trim)
        })
        .unwrap_or_else(|| panic!("no row {key} in:\n{out}"))
}

fn is_base62(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric())
}

#[track_caller]
fn assert_service_token(t: &str) {
    let rest = t
        .strip_prefix("jvs.")
        .unwrap_or_else(|| panic!("not jvs.: {t}"));
    assert!(rest.len() >= 24 && is_base62(rest), "{t}");
}

/// The table a successful login of `setup`'s role prints, with the token and accessor given.
fn dev_table(token: &str, accessor: &str) -> String {
    format!(
        "Key                  Value
---                  -----
token                {token}
token_accessor       {accessor}
token_duration       768h
token_renewable      true
token_policies       [\"default\" \"developer-policy\" \"ops\"]
identity_policies    []
policies             [\"default\" \"developer-policy\" \"ops\"]
token_meta_role      dev
"
    )
}

// ---------------------------------------------------------------------------------------------
// The login forms and the helper file

#[test]
fn write_login_prints_the_auth_table_and_stores_nothing() {
    let (env, key) = setup();
    let out = env.run(&[
        "write",
        "auth/jwt/login",
        "role=dev",
        &format!("jwt={}", key.sign(&good())),
    ]);
    out.ok();
    let token = row(&out.stdout, "token");
    let accessor = row(&out.stdout, "token_accessor");
    assert_service_token(token);
    assert!(accessor.len() == 24 && is_base62(accessor), "{accessor}");
    assert_eq!(out.stdout, dev_table(token, accessor));
    assert_eq!(out.stderr, "");
    assert!(
        !token_file(&env).exists(),
        "write auth/jwt/login must not store the token"
    );
}

/// The auth block's members in OpenBao 2.7's order (`bao write -format=json auth/m/login`).
#[test]
fn write_login_json_has_openbaos_auth_block() {
    let (env, key) = setup();
    let out = env.run(&[
        "write",
        "-format=json",
        "auth/jwt/login",
        "role=dev",
        &format!("jwt={}", key.sign(&good())),
    ]);
    out.ok();
    let v = out.json();
    assert!(
        v.get("mount_type").is_none(),
        "OpenBao's login JSON has no mount_type: {}",
        out.stdout
    );
    assert_eq!(v["data"], Value::Null);
    assert_eq!(v["warnings"], Value::Null);
    let auth = &v["auth"];
    // Member order as printed (serde_json's Map here sorts, so read it from the text).
    let text = &out.stdout[out.stdout.find("\"auth\": {").expect("auth block")..];
    let order: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("    \"") && !l.starts_with("     "))
        .map(|l| l.trim().split('"').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        order,
        [
            "client_token",
            "accessor",
            "policies",
            "token_policies",
            "identity_policies",
            "metadata",
            "orphan",
            "entity_id",
            "lease_duration",
            "renewable",
            "mfa_requirement"
        ]
    );
    assert_service_token(auth["client_token"].as_str().expect("token"));
    assert_eq!(auth["accessor"].as_str().map(str::len), Some(24));
    assert_eq!(
        auth["policies"],
        json!(["default", "developer-policy", "ops"])
    );
    assert_eq!(
        auth["token_policies"],
        json!(["default", "developer-policy", "ops"])
    );
    assert_eq!(auth["identity_policies"], Value::Null);
    assert_eq!(auth["metadata"], json!({"role": "dev"}));
    assert_eq!(auth["orphan"], json!(true));
    assert_eq!(auth["lease_duration"], json!(2764800));
    assert_eq!(auth["renewable"], json!(true));
    assert_eq!(auth["mfa_requirement"], Value::Null);
    assert_eq!(auth["entity_id"].as_str().map(str::len), Some(36));
}

#[test]
fn login_method_jwt_stores_the_token_and_prints_the_banner() {
    let (env, key) = setup();
    let out = env.run(&[
        "login",
        "-method=jwt",
        "role=dev",
        &format!("jwt={}", key.sign(&good())),
    ]);
    out.ok();
    let body = out.stdout.strip_prefix(BANNER).expect("banner first");
    let token = row(body, "token");
    assert_eq!(body, dev_table(token, row(body, "token_accessor")));
    assert_eq!(out.stderr, "");
    let path = token_file(&env);
    assert_eq!(
        std::fs::read_to_string(&path).expect("helper file"),
        token,
        "no newline"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Written by rename: no temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(env.path("home"))
        .expect("home")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, [".jwtvault-token"]);
    // The stored token works for `token lookup`.
    let look = env.run(&["token", "lookup", "-format=json"]);
    look.ok();
    assert_eq!(look.json()["data"]["path"], json!("auth/jwt/login"));
}

#[test]
fn login_short_form_with_path_file_and_stdin() {
    let (env, key) = setup();
    env.run(&["auth", "enable", "-path=corp/jwt", "jwt"]).ok();
    let pem = env.file("pub2.pem", &key.public);
    env.run(&[
        "write",
        "auth/corp/jwt/config",
        &format!("jwt_validation_pubkeys=@{}", pem.display()),
    ])
    .ok();
    role(
        &env,
        "corp/jwt",
        "r",
        json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345",
        "bound_audiences": "vault-aud-value"}),
    );
    let jwt = key.sign(&good());
    let file = env.file("token.jwt", &format!("{jwt}\n"));
    let at = format!("@{}", file.display());

    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--jwt".into(), jwt.clone(), "--role".into(), "dev".into()],
            "",
        ),
        (
            vec!["--jwt".into(), at.clone(), "--role".into(), "dev".into()],
            "",
        ),
        (
            vec!["--jwt".into(), "-".into(), "--role".into(), "dev".into()],
            &jwt,
        ),
        (
            vec!["-method=jwt".into(), "role=dev".into(), format!("jwt={at}")],
            "",
        ),
        (
            vec!["-method=jwt".into(), "role=dev".into(), "jwt=-".into()],
            &jwt,
        ),
        (
            vec![
                "-method=jwt".into(),
                "-path=corp/jwt".into(),
                "role=r".into(),
                format!("jwt={jwt}"),
            ],
            "",
        ),
        (
            vec![
                "--jwt".into(),
                jwt.clone(),
                "--role".into(),
                "r".into(),
                "-path=corp/jwt".into(),
            ],
            "",
        ),
    ];
    for (args, stdin) in cases {
        std::fs::remove_file(token_file(&env)).ok();
        let mut argv = vec!["login".to_string(), "-token-only".into()];
        argv.extend(args.iter().cloned());
        let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = env.run_stdin(&refs, stdin);
        assert_eq!(out.code, 0, "{args:?}\n{}", out.stderr);
        assert_service_token(&out.stdout);
        assert_eq!(out.stderr, "", "{args:?}");
        assert!(
            !token_file(&env).exists(),
            "-token-only must not store ({args:?})"
        );
    }
    // The corp mount's tokens carry its path and display name.
    let out = env.run(&[
        "login",
        "-method=jwt",
        "-path=corp/jwt",
        "role=r",
        &format!("jwt={jwt}"),
    ]);
    out.ok();
    let look = env.run(&["token", "lookup", "-format=json"]);
    let data = &look.json()["data"];
    assert_eq!(data["path"], json!("auth/corp/jwt/login"));
    assert_eq!(data["display_name"], json!("corp-jwt-user-12345"));
}

#[test]
fn default_role_is_used_when_no_role_is_given() {
    let (env, key) = setup();
    let jwt = key.sign(&good());
    // No role and no default: Vault's message.
    let out = env.run(&["write", "auth/jwt/login", &format!("jwt={jwt}")]);
    out.code(2);
    assert_eq!(
        out.stderr,
        "Error writing data to auth/jwt/login: Code: 400. Errors:\n\n* missing role\n\n\
         Hint: give role=NAME (or --role), or set default_role on the config\n"
    );
    let pem = env.path("pub.pem");
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("jwt_validation_pubkeys=@{}", pem.display()),
        &format!("bound_issuer={ISS}"),
        "default_role=dev",
    ])
    .ok();
    let out = env.run(&["write", "auth/jwt/login", &format!("jwt={jwt}")]);
    out.ok();
    assert_eq!(row(&out.stdout, "token_meta_role"), "dev");
    let out = env.run(&["login", "-token-only", "--jwt", &jwt]);
    out.ok();
    assert_service_token(&out.stdout);
    // A role given in capitals is lower-cased, as Vault does.
    env.run(&["login", "-token-only", "--jwt", &jwt, "--role", "DEV"])
        .ok();
}

#[test]
fn output_flags_no_store_no_print_field() {
    let (env, key) = setup();
    let jwt = format!("jwt={}", key.sign(&good()));

    let out = env.run(&["login", "-no-store", "-method=jwt", "role=dev", &jwt]);
    out.ok();
    assert_eq!(out.stderr, NO_STORE);
    // Vault prints the banner even with -no-store.
    assert!(out.stdout.starts_with(BANNER), "{}", out.stdout);
    assert!(!token_file(&env).exists());

    let out = env.run(&["login", "-no-print", "-method=jwt", "role=dev", &jwt]);
    out.ok();
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    let stored = std::fs::read_to_string(token_file(&env)).expect("stored");
    assert_service_token(&stored);

    let out = env.run(&["login", "-field=token", "-method=jwt", "role=dev", &jwt]);
    out.ok();
    assert_service_token(&out.stdout); // no trailing newline when piped
    assert_eq!(
        std::fs::read_to_string(token_file(&env)).expect("stored"),
        out.stdout
    );

    let out = env.run(&[
        "login",
        "-field=token_policies",
        "-method=jwt",
        "role=dev",
        &jwt,
    ]);
    out.ok();
    assert_eq!(out.stdout, "[default developer-policy ops]");

    let out = env.run(&[
        "login",
        "-no-store",
        "-no-print",
        "-method=jwt",
        "role=dev",
        &jwt,
    ]);
    out.code(1);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str()),
        ("", "-no-store and -no-print cannot be used together\n")
    );

    // JSON: no banner, the secret only, stored.
    let out = env.run(&["login", "-format=json", "-method=jwt", "role=dev", &jwt]);
    out.ok();
    let tok = out.json()["auth"]["client_token"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(
        std::fs::read_to_string(token_file(&env)).expect("stored"),
        tok
    );
}

#[test]
fn explain_prints_every_check_and_never_the_token() {
    let (env, key) = setup();
    role(
        &env,
        "jwt",
        "maps",
        json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345",
        "bound_audiences": "vault-aud-value", "claim_mappings": {"email": "mail"}, "groups_claim": "groups"}),
    );
    let jwt = key.sign(&with(json!({"email": "a@example.com"})));
    let sig = jwt.rsplit('.').next().expect("sig").to_string();
    let out = env.run(&[
        "login",
        "-explain",
        "-token-only",
        "-method=jwt",
        "role=maps",
        &format!("jwt={jwt}"),
    ]);
    out.ok();
    let names: Vec<&str> = out
        .stderr
        .lines()
        .map(|l| {
            assert!(l.starts_with("ok   "), "{l}");
            l[5..].split(':').next().unwrap_or("")
        })
        .collect();
    assert_eq!(
        names,
        [
            "config",
            "role",
            "role type",
            "token",
            "bound cidrs",
            "signature",
            "registered claim names",
            "registered claim types",
            "issuer (iss)",
            "subject (sub)",
            "audience (aud)",
            "time claims present",
            "not before (nbf)",
            "expiration (exp)",
            "issued at (iat)",
            "strict audience",
            "user claim",
            "claim mappings",
            "groups claim",
            "bound claims",
            "alias name",
            "token"
        ],
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(&sig) && !out.stderr.contains(&jwt));

    // A failure: the passed checks, then the failed one, then Vault's error and the hint.
    let bad = key.sign(&with(json!({"aud": "other"})));
    let bad_sig = bad.rsplit('.').next().expect("sig").to_string();
    let out = env.run(&[
        "login",
        "-explain",
        "-method=jwt",
        "role=dev",
        &format!("jwt={bad}"),
    ]);
    out.code(2);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ok   signature: alg ES256 verified")),
        "{}",
        out.stderr
    );
    assert!(
        lines.contains(
            &"FAIL audience (aud): token aud: \"other\"; bound audiences: [\"vault-aud-value\"]"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.ends_with(
        "Error authenticating: Code: 400. Errors:\n\n* error validating token: invalid audience (aud) claim: audience claim does not match any expected audience\n\nHint: token aud: \"other\"; bound audiences: [\"vault-aud-value\"]\n"
    ), "{}", out.stderr);
    assert!(!out.stderr.contains(&bad_sig) && !out.stderr.contains(&bad));
    assert_eq!(out.stdout, "");
}

// ---------------------------------------------------------------------------------------------
// Refusals: Vault's message, exit 2, the hint.

/// What a refused login prints after Vault's message (contract §4: the `Hint:` block).
enum Hint<'a> {
    /// No hint at all: stderr ends with Vault's message.
    None,
    /// This hint, exactly: the text after `Hint: `, continuation lines included, without the
    /// final newline.
    Is(&'a str),
    /// A hint that holds seconds counted from the clock: like `Is`, but each `#` stands for
    /// one run of digits. The numbers are returned, for the caller to bound.
    Clock(&'a str),
}

/// Runs `write auth/jwt/login role=ROLE jwt=JWT` and checks the error block exactly, the hint
/// exactly (or its absence), and that the signature appears nowhere. Returns the numbers a
/// `Hint::Clock` matched.
#[track_caller]
fn refused(env: &Env, role: &str, jwt: &str, code: u16, message: &str, hint: Hint) -> Vec<u64> {
    let out = env.run(&[
        "write",
        "auth/jwt/login",
        &format!("role={role}"),
        &format!("jwt={jwt}"),
    ]);
    out.code(2);
    let head =
        format!("Error writing data to auth/jwt/login: Code: {code}. Errors:\n\n* {message}\n");
    assert!(
        out.stderr.starts_with(&head),
        "want:\n{head}\ngot:\n{}",
        out.stderr
    );
    let rest = &out.stderr[head.len()..];
    let numbers = match hint {
        Hint::None => {
            assert_eq!(rest, "", "no hint expected");
            Vec::new()
        }
        Hint::Is(h) => {
            assert_eq!(rest, format!("\nHint: {h}\n"), "the hint");
            Vec::new()
        }
        Hint::Clock(h) => match_digits(&format!("\nHint: {h}\n"), rest)
            .unwrap_or_else(|| panic!("hint: want (# = digits)\n{h}\ngot:\n{rest}")),
    };
    assert_eq!(out.stdout, "");
    // Never the signature in any message.
    if let Some(sig) = jwt.rsplit('.').next().filter(|s| s.len() > 20) {
        assert!(
            !out.stderr.contains(sig),
            "signature leaked:\n{}",
            out.stderr
        );
    }
    numbers
}

/// Matches `text` against `template`, where each `#` stands for one or more ASCII digits;
/// returns the numbers, or `None` when the text does not match.
fn match_digits(template: &str, text: &str) -> Option<Vec<u64>> {
    let mut numbers = Vec::new();
    let mut rest = text;
    let mut pieces = template.split('#');
    rest = rest.strip_prefix(pieces.next()?)?;
    for piece in pieces {
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        numbers.push(rest[..n].parse().ok()?);
        rest = rest[n..].strip_prefix(piece)?;
    }
    rest.is_empty().then_some(numbers)
}

/// Unix seconds as `2026-01-02T03:04:05Z` (UTC), computed here independently of jwtvault
/// (days to civil date: H. Hinnant's algorithm).
fn utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[test]
fn the_hint_matchers_can_fail() {
    assert_eq!(match_digits("a #s b", "a 300s b"), Some(vec![300]));
    assert_eq!(match_digits("a #s b", "a s b"), None);
    assert_eq!(match_digits("a #s b", "a 3s bc"), None);
    assert_eq!(
        match_digits("a #s (#)", "a 3s (1796281614)"),
        Some(vec![3, 1796281614])
    );
    assert_eq!(utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(utc(1_767_323_045), "2026-01-02T03:04:05Z");
    assert_eq!(utc(4_102_444_799), "2099-12-31T23:59:59Z");
}

#[test]
fn refusals_before_the_signature() {
    let env = Env::new();
    env.run(&["auth", "enable", "jwt"]).ok();
    let key = Key::new(Alg::ES256);
    let jwt = key.sign(&good());
    refused(
        &env,
        "dev",
        &jwt,
        400,
        "could not load configuration",
        Hint::None,
    );

    let (env, key) = setup();
    let jwt = key.sign(&good());
    refused(
        &env,
        "nope",
        &jwt,
        400,
        "role \"nope\" could not be found",
        Hint::Is("roles on mount jwt/: dev"),
    );
    role(
        &env,
        "jwt",
        "web",
        json!({"role_type": "oidc", "user_claim": "sub", "bound_subject": "u",
        "allowed_redirect_uris": "http://localhost/cb"}),
    );
    refused(
        &env,
        "web",
        &jwt,
        400,
        "role with oidc role_type is not allowed",
        Hint::None,
    );
    refused(&env, "dev", "", 400, "missing token", Hint::None);
    // The exact stderr (no hint) also shows that none of the token is echoed.
    let huge = "a".repeat(64 * 1024 + 1);
    refused(
        &env,
        "dev",
        &huge,
        400,
        "error validating token: token is 65537 bytes; at most 65536 bytes are accepted",
        Hint::None,
    );
}

#[test]
fn refusals_of_the_signature_layer() {
    let (env, key) = setup();
    let other = Key::new(Alg::ES256);
    let no_key = "error validating token: error verifying token signature: no known key successfully validated the token signature";
    refused(
        &env,
        "dev",
        &other.sign(&good()),
        400,
        no_key,
        Hint::Is("token alg ES256, kid absent; 1 of 1 key(s) tried, none verified the signature"),
    );
    let malformed = "the token must be three base64url parts (header.payload.signature) without padding or whitespace, with a JSON object header";
    refused(&env, "dev", "abc.def", 400,
        "error validating token: error verifying token signature: go-jose/go-jose: compact JWS format must have three parts", Hint::Is(malformed));

    let payload = serde_json::to_vec(&good()).expect("json");
    let sign = |header: &str| {
        jwtvault::verify::sign_compact(Alg::ES256, &key.private, header.as_bytes(), &payload)
            .expect("sign")
    };
    // none / HMAC / an algorithm the key cannot do: OpenBao says no key verified.
    for (h, hint) in [
        (r#"{"alg":"none"}"#, "the token header says alg \"none\"; jwtvault accepts only RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA (none and HMAC algorithms are never accepted)"),
        (r#"{"alg":"HS256"}"#, "the token header says alg \"HS256\"; jwtvault accepts only RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA (none and HMAC algorithms are never accepted)"),
        (r#"{"alg":"ES384"}"#, "token alg ES384, kid absent; 0 of 1 key(s) tried, none verified the signature; skipped 1: EC P-256 key cannot verify ES384"),
        (r#"{"alg":"ES256","crit":["exp"]}"#, "the token header \"crit\" names critical extensions \"[\\\"exp\\\"]\"; none is understood, so no key can accept the token"),
        (r#"{"alg":"ES256","b64":false}"#, "the token header has \"b64\": false (RFC 7797 unencoded payload), which neither Vault nor jwtvault verifies"),
    ] {
        let t = sign(h);
        let t = if h.contains("none") { format!("{}.", t.rsplit_once('.').expect("dot").0) } else { t };
        refused(&env, "dev", &t, 400, no_key, Hint::Is(hint));
    }
    // OpenBao ignores an empty crit and a jku it never follows.
    env.run(&[
        "write",
        "auth/jwt/login",
        "role=dev",
        &format!("jwt={}", sign(r#"{"alg":"ES256","crit":[]}"#)),
    ])
    .ok();
    env.run(&[
        "write",
        "auth/jwt/login",
        "role=dev",
        &format!(
            "jwt={}",
            sign(r#"{"alg":"ES256","jku":"http://127.0.0.1:9/keys","x5u":"http://127.0.0.1:9/x"}"#)
        ),
    ])
    .ok();
    // A repeated header member: go-jose's text (OpenBao's).
    refused(&env, "dev", &sign(r#"{"alg":"ES256","alg":"ES256"}"#), 400,
        "error validating token: error verifying token signature: json: duplicate key 'alg' in object", Hint::Is(malformed));
    // A repeated payload member: jwtvault's deviation (contract §4).
    let dup = jwtvault::verify::sign_compact(
        Alg::ES256,
        &key.private,
        br#"{"alg":"ES256"}"#,
        format!(r#"{{"iss":"{ISS}","sub":"a","sub":"b","iat":{}}}"#, now()).as_bytes(),
    )
    .expect("sign");
    refused(&env, "dev", &dup, 400,
        "error validating token: token payload repeats the member name \"sub\"; jwtvault refuses duplicate names (Vault would keep the last)", Hint::None);

    // jwt_supported_algs: the signature is good but the algorithm is not allowed.
    let pem = env.path("pub.pem");
    env.run(&[
        "write",
        "auth/jwt/config",
        &format!("jwt_validation_pubkeys=@{}", pem.display()),
        &format!("bound_issuer={ISS}"),
        "jwt_supported_algs=RS256,EdDSA",
    ])
    .ok();
    refused(&env, "dev", &key.sign(&good()), 400,
        "error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm",
        Hint::Is("the signature is valid but the token alg ES256 is not among the allowed algorithms (jwt_supported_algs): RS256, EdDSA"));
}

#[test]
fn refusals_of_the_registered_claims() {
    let (env, key) = setup();
    role(
        &env,
        "jwt",
        "sub",
        json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345"}),
    );
    let t = now();
    let v = "error validating token: ";
    refused(
        &env,
        "dev",
        &key.sign(&with(json!({"iss": "https://evil/"}))),
        400,
        &format!("{v}invalid issuer (iss) claim"),
        Hint::Is(&format!(
            "token iss: \"https://evil/\"; bound issuer: \"{ISS}\""
        )),
    );
    refused(
        &env,
        "sub",
        &key.sign(&with(json!({"sub": "mallory", "aud": null}))),
        400,
        &format!("{v}invalid subject (sub) claim"),
        Hint::Is("token sub: \"mallory\"; bound subject: \"user-12345\""),
    );
    refused(
        &env,
        "dev",
        &key.sign(&with(json!({"aud": "other"}))),
        400,
        &format!(
            "{v}invalid audience (aud) claim: audience claim does not match any expected audience"
        ),
        Hint::Is("token aud: \"other\"; bound audiences: [\"vault-aud-value\"]"),
    );
    refused(
        &env,
        "dev",
        &key.sign(&with(json!({"aud": null}))),
        400,
        &format!(
            "{v}invalid audience (aud) claim: audience claim does not match any expected audience"
        ),
        Hint::Is("token aud: (absent); bound audiences: [\"vault-aud-value\"]"),
    );
    refused(
        &env,
        "dev",
        &key.sign(&with(json!({"sub": 5}))),
        400,
        &format!("{v}json: cannot unmarshal number into Go struct field Claims.sub of type string"),
        Hint::Is("token sub holds a number 5; sub must be a string"),
    );
    refused(
        &env,
        "dev",
        &key.sign(&with(json!({"iat": null, "exp": null}))),
        400,
        &format!(
            "{v}no issued at (iat), not before (nbf), or expiration time (exp) claims in token"
        ),
        Hint::Is("token has none of iat, nbf, exp (null and 0 count as absent)"),
    );
    let ago = refused(
        &env,
        "dev",
        &key.sign(&with(json!({"iat": t - 4000, "exp": t - 300}))),
        400,
        &format!("{v}invalid expiration time (exp) claim: token is expired"),
        Hint::Clock(&format!(
            "token expired #s ago (exp {} ({}), clock skew leeway 60s)",
            utc(t - 300),
            t - 300
        )),
    );
    // The seconds are counted from the check's clock: at least the 300 the token was signed
    // with (no upper bound: timings are not asserted).
    assert!(ago[0] >= 300, "{ago:?}");
    let left = refused(
        &env,
        "dev",
        &key.sign(&with(json!({"nbf": t + 500, "exp": t + 900}))),
        400,
        &format!("{v}invalid not before (nbf) claim: token not yet valid"),
        Hint::Clock(&format!(
            "token not valid for another #s (nbf {} ({}), clock skew leeway 60s)",
            utc(t + 500),
            t + 500
        )),
    );
    assert!(left[0] <= 500, "{left:?}");
    let ahead = refused(
        &env,
        "dev",
        &key.sign(&with(json!({"nbf": t - 5, "iat": t + 500, "exp": t + 900}))),
        400,
        &format!("{v}invalid issued at (iat) claim: token issued in the future"),
        Hint::Clock(&format!(
            "token issued #s in the future (iat {} ({}), clock skew leeway 60s)",
            utc(t + 500),
            t + 500
        )),
    );
    assert!(ahead[0] <= 500, "{ahead:?}");
    // Only exp and a long lifetime: nbf is synthesised as exp − 150 s (reference §4.8.4).
    let left = refused(
        &env,
        "dev",
        &key.sign(&with(json!({"iat": null, "exp": t + 900}))),
        400,
        &format!("{v}invalid not before (nbf) claim: token not yet valid"),
        Hint::Clock(&format!(
            "token not valid for another #s (nbf synthesized as exp - not_before_leeway 150s = {} ({}), clock skew leeway 60s)\n      \
             a token with exp but no iat/nbf is valid only within not_before_leeway before its exp; add iat or nbf, or raise not_before_leeway",
            utc(t + 750),
            t + 750
        )),
    );
    assert!(left[0] <= 750, "{left:?}");
}

#[test]
fn refusals_of_identity_and_bound_claims() {
    let (env, key) = setup();
    role(
        &env,
        "jwt",
        "noaud",
        json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345"}),
    );
    role(
        &env,
        "jwt",
        "maps",
        json!({"role_type": "jwt", "user_claim": "email", "bound_subject": "user-12345",
        "claim_mappings": {"name": "n"}, "groups_claim": "groups"}),
    );
    role(
        &env,
        "jwt",
        "num",
        json!({"role_type": "jwt", "user_claim": "sub", "bound_claims": {"pnum": 123, "color": "green"}}),
    );
    let base = with(json!({"aud": null}));
    let c = |m: Value| {
        let mut x = base.clone();
        for (k, v) in m.as_object().expect("o") {
            if v.is_null() {
                x.as_object_mut().expect("o").remove(k);
            } else {
                x[k] = v.clone();
            }
        }
        key.sign(&x)
    };
    // Strict audience, OpenBao's rule: any string aud (even "") or a non-empty array.
    for aud in [json!("x"), json!(["x"]), json!(""), json!([""])] {
        refused(
            &env,
            "noaud",
            &c(json!({"aud": aud})),
            400,
            "audience claim found in JWT but no audiences bound to the role",
            Hint::Is(&format!(
                "token aud: {aud}; the role has no bound_audiences and the config no token_audiences"
            )),
        );
    }
    env.run(&[
        "write",
        "auth/jwt/login",
        "role=noaud",
        &format!("jwt={}", c(json!({"aud": []}))),
    ])
    .ok();
    refused(
        &env,
        "maps",
        &c(json!({})),
        400,
        "claim \"email\" not found in token",
        Hint::Is("the token has no claim \"email\" (or it is null)"),
    );
    refused(
        &env,
        "maps",
        &c(json!({"email": 7})),
        400,
        "claim \"email\" could not be converted to string",
        Hint::Is("claim \"email\" holds a number 7; the user claim must be a string"),
    );
    refused(
        &env,
        "maps",
        &c(json!({"email": "a@x", "name": 5})),
        400,
        "error converting claim 'name' to string",
        Hint::Is("claim \"name\" holds a number 5; claim_mappings only copy string claims"),
    );
    refused(
        &env,
        "maps",
        &c(json!({"email": "a@x", "groups": null})),
        400,
        "failed to fetch groups: \"groups\" claim not found in token",
        Hint::Is("the token has no claim \"groups\" (or it is null); Vault refuses the login when groups_claim is set and the claim is absent"),
    );
    refused(
        &env,
        "maps",
        &c(json!({"email": "a@x", "groups": {"a": 1}})),
        400,
        "\"groups\" claim could not be converted to string list",
        Hint::Is("claim \"groups\" holds an object {\"a\":1}"),
    );
    refused(
        &env,
        "maps",
        &c(json!({"email": "a@x", "groups": ["a", true]})),
        400,
        "value true in groups claim could not be parsed as string",
        Hint::Is("claim \"groups\" contains a bool true; every group must be a string"),
    );
    refused(
        &env,
        "maps",
        &c(json!({"email": "a@x", "groups": ["a", {"x": 1}]})),
        400,
        "value map[x:1] in groups claim could not be parsed as string",
        Hint::Is("claim \"groups\" contains an object {\"x\":1}; every group must be a string"),
    );
    refused(
        &env,
        "maps",
        &c(json!({"email": "a@x", "groups": [null]})),
        400,
        "value <nil> in groups claim could not be parsed as string",
        Hint::Is("claim \"groups\" contains null; every group must be a string"),
    );
    // Identity errors come before bound-claim errors.
    refused(
        &env,
        "maps",
        &c(json!({"email": ""})),
        500,
        "missing name in alias",
        Hint::Is("user claim \"email\" is an empty string; Vault core refuses an empty alias name"),
    );
    refused(
        &env,
        "num",
        &c(json!({})),
        400,
        "error validating claims: claim \"color\" is missing",
        Hint::Is("the token has no claim \"color\" (or it is null); expected one of [\"green\"] (string)"),
    );
    refused(
        &env,
        "num",
        &c(json!({"color": "green", "pnum": "123"})),
        400,
        "error validating claims: claim \"pnum\" does not match any associated bound claim values",
        Hint::Is("claim \"pnum\" held \"123\"; expected one of [123] (string)\n      the role holds a number but the token a string; types must match"),
    );
    env.run(&[
        "write",
        "auth/jwt/login",
        "role=num",
        &format!("jwt={}", c(json!({"color": "green", "pnum": 123.9}))),
    ])
    .ok();
    // The walkthrough's refusal: groups without developers (glob).
    refused(&env, "dev", &key.sign(&with(json!({"groups": ["devs"]}))), 400,
        "error validating claims: claim \"groups\" does not match any associated bound claim values",
        Hint::Is("claim \"groups\" held [\"devs\"]; expected one of [\"developers\"] (glob)"));
}

#[test]
fn login_command_refusal_prefix_and_json_errors() {
    let (env, key) = setup();
    let jwt = key.sign(&with(json!({"aud": "other"})));
    let out = env.run(&["login", "--jwt", &jwt, "--role", "dev"]);
    out.code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "Error authenticating: Code: 400. Errors:\n\n* error validating token: invalid audience (aud) claim: audience claim does not match any expected audience\n\nHint: token aud: \"other\"; bound audiences: [\"vault-aud-value\"]\n");
    assert!(!token_file(&env).exists());
    let out = env.run(&[
        "write",
        "-format=json",
        "auth/jwt/login",
        "role=dev",
        &format!("jwt={jwt}"),
    ]);
    out.code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "Error writing data to auth/jwt/login: Code: 400. Errors:\n\n* error validating token: invalid audience (aud) claim: audience claim does not match any expected audience\n\nHint: token aud: \"other\"; bound audiences: [\"vault-aud-value\"]\n{\n  \"errors\": [\n    \"error validating token: invalid audience (aud) claim: audience claim does not match any expected audience\"\n  ]\n}\n");
}

// ---------------------------------------------------------------------------------------------
// Token issuance as Vault core

fn login_json(env: &Env, mount: &str, role: &str, jwt: &str) -> Value {
    let out = env.run(&[
        "write",
        "-format=json",
        &format!("auth/{mount}/login"),
        &format!("role={role}"),
        &format!("jwt={jwt}"),
    ]);
    out.ok();
    out.json()
}

#[test]
fn policies_are_sanitised_defaulted_and_sorted() {
    let (env, key) = setup();
    let base = json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345"});
    let mut r = base.clone();
    r["token_policies"] = json!(["Zeta", " beta ", "", "beta", "ALPHA"]);
    role(&env, "jwt", "p", r.clone());
    r["token_no_default_policy"] = json!(true);
    role(&env, "jwt", "nd", r);
    let jwt = key.sign(&with(json!({"aud": null})));
    let a = login_json(&env, "jwt", "p", &jwt);
    assert_eq!(
        a["auth"]["token_policies"],
        json!(["alpha", "beta", "default", "zeta"])
    );
    assert_eq!(
        a["auth"]["policies"],
        json!(["alpha", "beta", "default", "zeta"])
    );
    let a = login_json(&env, "jwt", "nd", &jwt);
    assert_eq!(
        a["auth"]["token_policies"],
        json!(["alpha", "beta", "zeta"])
    );
}

/// Checked against OpenBao: a mount tuned to max 1h / default 30m, a role with token_ttl=2h
/// gets 3600 s and the capping warning; a role with no TTL gets the mount's 30m.
#[test]
fn ttls_from_role_mount_and_system_with_capping_warnings() {
    let (env, key) = setup();
    env.run(&[
        "auth",
        "enable",
        "-path=short",
        "-max-lease-ttl=1h",
        "-default-lease-ttl=30m",
        "jwt",
    ])
    .ok();
    let pem = env.path("pub.pem");
    env.run(&[
        "write",
        "auth/short/config",
        &format!("jwt_validation_pubkeys=@{}", pem.display()),
    ])
    .ok();
    let r = |extra: Value| {
        let mut b = json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345"});
        for (k, v) in extra.as_object().expect("o") {
            b[k] = v.clone();
        }
        b
    };
    role(&env, "short", "ttl2h", r(json!({"token_ttl": "2h"})));
    role(&env, "short", "plain", r(json!({})));
    role(&env, "short", "max2h", r(json!({"token_max_ttl": "2h"})));
    role(&env, "jwt", "sys", r(json!({})));
    role(
        &env,
        "jwt",
        "ttl",
        r(json!({"token_ttl": "10m", "token_max_ttl": "20m"})),
    );
    role(
        &env,
        "jwt",
        "cap",
        r(json!({"token_ttl": "2h", "token_explicit_max_ttl": "1h"})),
    );
    role(
        &env,
        "jwt",
        "period",
        r(json!({"token_period": "20m", "token_explicit_max_ttl": "1h", "token_num_uses": 3})),
    );
    role(
        &env,
        "jwt",
        "pcap",
        r(json!({"token_period": "2h", "token_explicit_max_ttl": "1h"})),
    );
    let jwt = key.sign(&with(json!({"aud": null})));
    let cases = [
        ("short", "ttl2h", 3600, Some("TTL of \"2h\" exceeded the effective max_ttl of \"1h\"; TTL value is capped accordingly")),
        ("short", "plain", 1800, None),
        ("short", "max2h", 1800, None),
        ("jwt", "sys", 2764800, None),
        ("jwt", "ttl", 600, None),
        ("jwt", "cap", 3600, Some("TTL of \"2h\" exceeded the effective max_ttl of \"1h\"; TTL value is capped accordingly")),
        ("jwt", "period", 1200, None),
        ("jwt", "pcap", 3600, Some("period of \"2h\" exceeded the effective max_ttl of \"1h\"; period value is capped accordingly")),
    ];
    for (mount, name, ttl, warning) in cases {
        let v = login_json(&env, mount, name, &jwt);
        assert_eq!(v["auth"]["lease_duration"], json!(ttl), "{mount}/{name}");
        assert_eq!(
            v["warnings"],
            warning.map_or(Value::Null, |w| json!([w])),
            "{mount}/{name}"
        );
    }
    // Table form: the warning goes to stderr, as OpenBao's CLI prints it.
    let out = env.run(&[
        "write",
        "auth/short/login",
        "role=ttl2h",
        &format!("jwt={jwt}"),
    ]);
    out.ok();
    assert_eq!(row(&out.stdout, "token_duration"), "1h");
    assert_eq!(
        out.stderr,
        "WARNING! The following warnings were returned from Vault:\n\n  \
         * TTL of \"2h\" exceeded the effective max_ttl of \"1h\"; TTL value is capped\n  \
         accordingly\n\n"
    );

    // Period, explicit max and uses land on the token.
    let t = env.run(&[
        "login",
        "-token-only",
        "-method=jwt",
        "role=period",
        &format!("jwt={jwt}"),
    ]);
    t.ok();
    let look = env.run(&["token", "lookup", "-format=json", &t.stdout]);
    let d = &look.json()["data"];
    assert_eq!(
        (d["period"].clone(), d["explicit_max_ttl"].clone()),
        (json!(1200), json!(3600))
    );
    assert_eq!(
        d["num_uses"],
        json!(3),
        "lookup of another token spends none of its uses"
    );
    assert_eq!(d["display_name"], json!("jwt-user-12345"));
    assert_eq!(d["meta"], json!({"role": "period"}));
}

#[test]
fn batch_tokens_have_no_accessor_and_do_not_renew() {
    let (env, key) = setup();
    role(
        &env,
        "jwt",
        "b",
        json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345", "token_type": "batch"}),
    );
    let jwt = key.sign(&with(json!({"aud": null})));
    let v = login_json(&env, "jwt", "b", &jwt);
    let a = &v["auth"];
    let tok = a["client_token"].as_str().expect("token");
    assert!(
        tok.strip_prefix("jvb.")
            .is_some_and(|r| r.len() >= 24 && is_base62(r)),
        "{tok}"
    );
    assert_eq!(a["accessor"], json!(""));
    assert_eq!(a["renewable"], json!(false));
    let out = env.run(&["write", "auth/jwt/login", "role=b", &format!("jwt={jwt}")]);
    out.ok();
    assert_eq!(row(&out.stdout, "token_accessor"), "n/a");
    assert_eq!(row(&out.stdout, "token_renewable"), "false");
    // The mount's token type forces it too.
    env.run(&["auth", "enable", "-path=bm", "-token-type=batch", "jwt"])
        .ok();
    let pem = env.path("pub.pem");
    env.run(&[
        "write",
        "auth/bm/config",
        &format!("jwt_validation_pubkeys=@{}", pem.display()),
    ])
    .ok();
    role(
        &env,
        "bm",
        "s",
        json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345", "token_type": "service"}),
    );
    let v = login_json(&env, "bm", "s", &jwt);
    assert!(v["auth"]["client_token"]
        .as_str()
        .is_some_and(|t| t.starts_with("jvb.")));
}

#[test]
fn raw_tokens_are_not_in_the_state_file() {
    let (env, key) = setup_on(Env::sqlite());
    let v = login_json(&env, "jwt", "dev", &key.sign(&good()));
    let tok = v["auth"]["client_token"]
        .as_str()
        .expect("token")
        .to_string();
    let mut bytes = std::fs::read(env.state()).expect("state");
    for ext in ["-wal", "-shm"] {
        let p = format!("{}{ext}", env.state().display());
        bytes.extend(std::fs::read(p).unwrap_or_default());
    }
    let needle = &tok.as_bytes()[4..];
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "raw token found in the state file"
    );
}

// ---------------------------------------------------------------------------------------------
// Identity

#[test]
fn entity_and_alias_are_created_once_and_readable() {
    let (env, key) = setup();
    let jwt = key.sign(&good());
    let first = login_json(&env, "jwt", "dev", &jwt);
    let second = login_json(&env, "jwt", "dev", &jwt);
    let id = first["auth"]["entity_id"]
        .as_str()
        .expect("entity")
        .to_string();
    assert_eq!(
        second["auth"]["entity_id"],
        json!(id),
        "the second login reuses the entity"
    );
    // Another user makes another entity.
    let other = login_json(&env, "jwt", "dev", &key.sign(&with(json!({"sub": "bob"}))));
    assert_ne!(other["auth"]["entity_id"], json!(id));

    let out = env.run(&["read", "-format=json", &format!("identity/entity/id/{id}")]);
    out.ok();
    let e = out.json()["data"].clone();
    let keys: Vec<&String> = e.as_object().expect("o").keys().collect();
    assert_eq!(
        keys,
        [
            "aliases",
            "creation_time",
            "direct_group_ids",
            "disabled",
            "group_ids",
            "id",
            "inherited_group_ids",
            "last_update_time",
            "merged_entity_ids",
            "metadata",
            "name",
            "namespace_id",
            "policies"
        ]
    );
    assert_eq!(e["id"], json!(id));
    assert_eq!(e["namespace_id"], json!("root"));
    assert_eq!(e["disabled"], json!(false));
    assert_eq!(e["metadata"], Value::Null);
    assert_eq!(e["merged_entity_ids"], Value::Null);
    let name = e["name"].as_str().expect("name").to_string();
    assert!(
        name.strip_prefix("entity_")
            .and_then(|h| h.strip_suffix(".root"))
            .is_some_and(|h| h.len() == 8 && h.chars().all(|c| c.is_ascii_hexdigit())),
        "{name}"
    );
    let aliases = e["aliases"].as_array().expect("aliases");
    assert_eq!(aliases.len(), 1);
    let al = &aliases[0];
    let akeys: Vec<&String> = al.as_object().expect("o").keys().collect();
    assert_eq!(
        akeys,
        [
            "canonical_id",
            "creation_time",
            "custom_metadata",
            "id",
            "last_update_time",
            "local",
            "merged_from_canonical_ids",
            "metadata",
            "mount_accessor",
            "mount_path",
            "mount_type",
            "name"
        ]
    );
    assert_eq!(al["name"], json!("user-12345"));
    assert_eq!(al["canonical_id"], json!(id));
    assert_eq!(al["mount_path"], json!("auth/jwt/"));
    assert_eq!(al["mount_type"], json!("jwt"));
    assert_eq!(al["metadata"], json!({"role": "dev"}));
    let list = env.run(&["auth", "list", "-format=json"]);
    assert_eq!(al["mount_accessor"], list.json()["jwt/"]["accessor"]);

    let by_name = env.run(&[
        "read",
        "-format=json",
        &format!("identity/entity/name/{name}"),
    ]);
    by_name.ok();
    assert_eq!(by_name.json()["data"], e);

    let alias_id = al["id"].as_str().expect("alias id");
    let out = env.run(&[
        "read",
        "-format=json",
        &format!("identity/entity-alias/id/{alias_id}"),
    ]);
    out.ok();
    let a = out.json()["data"].clone();
    let mut want = al.clone();
    want["namespace_id"] = json!("root");
    assert_eq!(a, want);

    let out = env.run(&["list", "-format=json", "identity/entity/id"]);
    out.ok();
    let mut ids: Vec<Value> = vec![json!(id), other["auth"]["entity_id"].clone()];
    ids.sort_by_key(|v| v.as_str().unwrap_or("").to_string());
    assert_eq!(out.json(), Value::Array(ids));
    let out = env.run(&["list", "identity/entity/name"]);
    out.ok();
    assert!(
        out.stdout.starts_with("Keys\n----\n") && out.stdout.contains(&format!("{name}\n")),
        "{}",
        out.stdout
    );

    let out = env.run(&["read", "identity/entity/id/nope"]);
    out.code(2);
    assert_eq!(out.stderr, "No value found at identity/entity/id/nope\n");
    let out = env.run(&["read", "identity/entity/name/nope"]);
    out.code(2);
    assert_eq!(out.stderr, "No value found at identity/entity/name/nope\n");
}

#[test]
fn claim_mappings_become_alias_and_token_metadata() {
    let (env, key) = setup();
    role(
        &env,
        "jwt",
        "maps",
        json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345",
        "claim_mappings": {"email": "mail", "/org/name": "org"}}),
    );
    let jwt = key.sign(&with(
        json!({"aud": null, "email": "a@example.com", "org": {"name": "eng"}}),
    ));
    let v = login_json(&env, "jwt", "maps", &jwt);
    let meta = json!({"mail": "a@example.com", "org": "eng", "role": "maps"});
    assert_eq!(v["auth"]["metadata"], meta);
    let out = env.run(&[
        "write",
        "auth/jwt/login",
        "role=maps",
        &format!("jwt={jwt}"),
    ]);
    out.ok();
    let token = row(&out.stdout, "token");
    let accessor = row(&out.stdout, "token_accessor");
    assert_eq!(
        out.stdout,
        format!(
            "Key                  Value
---                  -----
token                {token}
token_accessor       {accessor}
token_duration       768h
token_renewable      true
token_policies       [\"default\"]
identity_policies    []
policies             [\"default\"]
token_meta_mail      a@example.com
token_meta_org       eng
token_meta_role      maps
"
        )
    );
    let id = v["auth"]["entity_id"].as_str().expect("id");
    let e = env
        .run(&["read", "-format=json", &format!("identity/entity/id/{id}")])
        .json();
    assert_eq!(e["data"]["aliases"][0]["metadata"], meta);
}

#[test]
fn group_aliases_from_the_groups_claim_give_identity_policies() {
    let (env, key) = setup();
    let g = env.run(&[
        "write",
        "-format=json",
        "identity/group",
        "name=eng",
        "type=external",
        "policies=eng-policy",
    ]);
    g.ok();
    let gid = g.json()["data"]["id"]
        .as_str()
        .expect("group id")
        .to_string();
    let acc = env.run(&["auth", "list", "-format=json"]).json()["jwt/"]["accessor"]
        .as_str()
        .expect("acc")
        .to_string();
    env.run(&[
        "write",
        "identity/group-alias",
        "name=developers",
        &format!("mount_accessor={acc}"),
        &format!("canonical_id={gid}"),
    ])
    .ok();
    let v = login_json(&env, "jwt", "dev", &key.sign(&good()));
    assert_eq!(v["auth"]["identity_policies"], json!(["eng-policy"]));
    assert_eq!(
        v["auth"]["policies"],
        json!(["default", "developer-policy", "eng-policy", "ops"])
    );
    assert_eq!(
        v["auth"]["token_policies"],
        json!(["default", "developer-policy", "ops"])
    );
}

// ---------------------------------------------------------------------------------------------
// token_bound_cidrs

#[test]
fn bound_cidrs_against_remote_addr_and_the_environment() {
    let (mut env, key) = setup();
    role(
        &env,
        "jwt",
        "cidr",
        json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "user-12345",
        "token_bound_cidrs": "10.0.0.0/8,192.0.2.7"}),
    );
    let jwt = key.sign(&with(json!({"aud": null})));
    let j = format!("jwt={jwt}");
    let out = env.run(&["write", "auth/jwt/login", "role=cidr", &j]);
    out.code(2);
    assert_eq!(out.stderr, "Error writing data to auth/jwt/login: Code: 403. Errors:\n\n* permission denied\n\nHint: role binds token_bound_cidrs [10.0.0.0/8, 192.0.2.7] but no remote address was given\n      pass remote_addr=IP or set JWTVAULT_REMOTE_ADDR\n");
    let out = env.run(&[
        "write",
        "auth/jwt/login",
        "role=cidr",
        &j,
        "remote_addr=11.0.0.1",
    ]);
    out.code(2);
    assert_eq!(out.stderr, "Error writing data to auth/jwt/login: Code: 403. Errors:\n\n* permission denied\n\nHint: remote address 11.0.0.1 is outside token_bound_cidrs [10.0.0.0/8, 192.0.2.7]\n");
    env.run(&[
        "write",
        "auth/jwt/login",
        "role=cidr",
        &j,
        "remote_addr=10.1.2.3",
    ])
    .ok();
    env.run(&[
        "write",
        "auth/jwt/login",
        "role=cidr",
        &j,
        "remote_addr=192.0.2.7",
    ])
    .ok();
    env.run(&[
        "login",
        "-token-only",
        "-method=jwt",
        "role=cidr",
        &j,
        "remote_addr=10.9.9.9",
    ])
    .ok();
    env.set("JWTVAULT_REMOTE_ADDR", "10.0.0.5");
    env.run(&["write", "auth/jwt/login", "role=cidr", &j]).ok();
    env.run(&["login", "-token-only", "--jwt", &jwt, "--role", "cidr"])
        .ok();
    // The parameter wins over the environment.
    let out = env.run(&[
        "write",
        "auth/jwt/login",
        "role=cidr",
        &j,
        "remote_addr=8.8.8.8",
    ]);
    out.code(2);
    assert_eq!(out.stderr, "Error writing data to auth/jwt/login: Code: 403. Errors:\n\n* permission denied\n\nHint: remote address 8.8.8.8 is outside token_bound_cidrs [10.0.0.0/8, 192.0.2.7]\n");
    env.set("JWTVAULT_REMOTE_ADDR", "172.16.0.1");
    let out = env.run(&["login", "--jwt", &jwt, "--role", "cidr"]);
    out.code(2);
    assert_eq!(out.stderr, "Error authenticating: Code: 403. Errors:\n\n* permission denied\n\nHint: remote address 172.16.0.1 is outside token_bound_cidrs [10.0.0.0/8, 192.0.2.7]\n");
    // The CIDR check comes before the signature: a forged token gets the same 403.
    let forged = Key::new(Alg::ES256).sign(&with(json!({"aud": null})));
    let out = env.run(&[
        "write",
        "auth/jwt/login",
        "role=cidr",
        &format!("jwt={forged}"),
    ]);
    out.code(2);
    assert_eq!(out.stderr, "Error writing data to auth/jwt/login: Code: 403. Errors:\n\n* permission denied\n\nHint: remote address 172.16.0.1 is outside token_bound_cidrs [10.0.0.0/8, 192.0.2.7]\n");
}
