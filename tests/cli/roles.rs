//! `auth/<mount>/role/<name>`: the read-back key for key as OpenBao's, legacy aliases, every
//! check in OpenBao's order and words, warnings and the merge on update, the `bound_claims`
//! forms, and weak typing of JSON values (numbers, booleans, durations) with the humanised
//! table. Vault's rules for role names are in `names.rs`.
//!
//! Expected messages and tables were captured from OpenBao 2.7 (`bao server -dev`, the commands
//! named beside each assertion, run by hand with `BAO_ADDR=http://127.0.0.1:8200`), minus the
//! `Error making API request.`/`URL:` lines that jwtvault leaves out (contract §6), and with
//! `jwtvault` where bao says `bao`.

use serde_json::{json, Value};

use crate::support::{expect, is_uuid, jwt_env, read_data, role_fails, role_ok, write_err};

/// `bao read -format=json auth/h/role/r1` after
/// `bao write auth/h/role/r1 role_type=jwt user_claim=sub bound_audiences=a,b
///  token_bound_cidrs=10.0.0.1,10.1.0.0/16 policies=B,a,a ttl=1h max_ttl=2h period=30m num_uses=3
///  bound_cidrs=192.168.1.1 claim_mappings=email=mail groups_claim=groups clock_skew_leeway=-1
///  expiration_leeway=30 not_before_leeway=1m max_age=5m` (OpenBao 2.7's data, key for key).
fn bao_r1() -> Value {
    json!({
        "allowed_redirect_uris": null,
        "bound_audiences": ["a", "b"],
        "bound_cidrs": ["10.0.0.1", "10.1.0.0/16"],
        "bound_claims": null,
        "bound_claims_type": "string",
        "bound_subject": "",
        "callback_mode": "client",
        "claim_mappings": {"email": "mail"},
        "clock_skew_leeway": -1,
        "expiration_leeway": 30,
        "groups_claim": "groups",
        "max_age": 300,
        "max_ttl": 7200,
        "not_before_leeway": 60,
        "num_uses": 3,
        "oauth2_metadata": null,
        "oidc_disable_confirmation": false,
        "oidc_scopes": null,
        "period": 1800,
        "policies": ["a", "b"],
        "role_type": "jwt",
        "token_bound_cidrs": ["10.0.0.1", "10.1.0.0/16"],
        "token_explicit_max_ttl": 0,
        "token_max_ttl": 7200,
        "token_no_default_policy": false,
        "token_num_uses": 3,
        "token_period": 1800,
        "token_policies": ["a", "b"],
        "token_policies_template_claims": false,
        "token_strictly_bind_ip": false,
        "token_ttl": 3600,
        "token_type": "default",
        "ttl": 3600,
        "user_claim": "sub",
        "user_claim_json_pointer": false,
        "verbose_oidc_logging": false
    })
}

const R1_ARGS: &[&str] = &[
    "role_type=jwt",
    "user_claim=sub",
    "bound_audiences=a,b",
    "token_bound_cidrs=10.0.0.1,10.1.0.0/16",
    "policies=B,a,a",
    "ttl=1h",
    "max_ttl=2h",
    "period=30m",
    "num_uses=3",
    "bound_cidrs=192.168.1.1",
    "claim_mappings=email=mail",
    "groups_claim=groups",
    "clock_skew_leeway=-1",
    "expiration_leeway=30",
    "not_before_leeway=1m",
    "max_age=5m",
];

#[test]
fn role_read_matches_openbao_key_for_key() {
    let env = jwt_env();
    role_ok(&env, "r1", R1_ARGS);
    assert_eq!(read_data(&env, "auth/jwt/role/r1"), bao_r1());
    // bao read auth/h/role/r1: the same table, byte for byte.
    expect(
        &env.run(&["read", "auth/jwt/role/r1"]),
        0,
        "Key                               Value\n\
         ---                               -----\n\
         allowed_redirect_uris             <nil>\n\
         bound_audiences                   [a b]\n\
         bound_cidrs                       [10.0.0.1 10.1.0.0/16]\n\
         bound_claims                      <nil>\n\
         bound_claims_type                 string\n\
         bound_subject                     n/a\n\
         callback_mode                     client\n\
         claim_mappings                    map[email:mail]\n\
         clock_skew_leeway                 -1\n\
         expiration_leeway                 30\n\
         groups_claim                      groups\n\
         max_age                           300\n\
         max_ttl                           2h\n\
         not_before_leeway                 60\n\
         num_uses                          3\n\
         oauth2_metadata                   <nil>\n\
         oidc_disable_confirmation         false\n\
         oidc_scopes                       <nil>\n\
         period                            30m\n\
         policies                          [a b]\n\
         role_type                         jwt\n\
         token_bound_cidrs                 [10.0.0.1 10.1.0.0/16]\n\
         token_explicit_max_ttl            0s\n\
         token_max_ttl                     2h\n\
         token_no_default_policy           false\n\
         token_num_uses                    3\n\
         token_period                      30m\n\
         token_policies                    [a b]\n\
         token_policies_template_claims    false\n\
         token_strictly_bind_ip            false\n\
         token_ttl                         1h\n\
         token_type                        default\n\
         ttl                               1h\n\
         user_claim                        sub\n\
         user_claim_json_pointer           false\n\
         verbose_oidc_logging              false\n",
        "",
    );
    // The envelope: a fresh request_id per run, Vault's field order.
    let a = env.run(&["read", "-format=json", "auth/jwt/role/r1"]);
    let b = env.run(&["read", "-format=json", "auth/jwt/role/r1"]);
    let (ia, ib) = (
        a.json()["request_id"].clone(),
        b.json()["request_id"].clone(),
    );
    assert!(is_uuid(ia.as_str().unwrap()), "{ia}");
    assert_ne!(ia, ib);
    assert!(
        a.stdout.starts_with(&format!(
            "{{\n  \"request_id\": {ia},\n  \"lease_id\": \"\",\n  \"lease_duration\": 0,\n  \"renewable\": false,\n  \"data\": {{\n    \"allowed_redirect_uris\": null,\n"
        )),
        "{}",
        a.stdout
    );
    assert!(
        a.stdout.ends_with("  },\n  \"warnings\": null\n}\n"),
        "{}",
        a.stdout
    );
    let f = env.run(&["read", "-field=request_id", "auth/jwt/role/r1"]);
    assert!(is_uuid(&f.stdout), "{}", f.stdout);
}

#[test]
fn role_legacy_aliases() {
    let env = jwt_env();
    // Each pair: bao write + bao read -format=json gave the same data as jwtvault (checked by hand).
    // Only the new names: the old keys are absent.
    role_ok(
        &env,
        "n",
        &[
            "user_claim=sub",
            "token_bound_cidrs=10.0.0.1",
            "token_policies=P",
            "token_ttl=1h",
            "token_num_uses=2",
        ],
    );
    let d = read_data(&env, "auth/jwt/role/n");
    for k in [
        "policies",
        "ttl",
        "max_ttl",
        "period",
        "num_uses",
        "bound_cidrs",
    ] {
        assert!(d.get(k).is_none(), "{k} in {d}");
    }
    assert_eq!(d["token_policies"], json!(["P"]));
    assert_eq!(d["token_bound_cidrs"], json!(["10.0.0.1"]));
    // Only old names: both set, policies sanitised.
    role_ok(
        &env,
        "o",
        &[
            "user_claim=sub",
            "bound_cidrs=1.2.3.4,::1",
            "policies=X, y,x",
            "num_uses=4",
        ],
    );
    let d = read_data(&env, "auth/jwt/role/o");
    assert_eq!(d["policies"], json!(["x", "y"]));
    assert_eq!(d["token_policies"], json!(["x", "y"]));
    assert_eq!(d["bound_cidrs"], json!(["1.2.3.4", "::1"]));
    assert_eq!(d["token_bound_cidrs"], json!(["1.2.3.4", "::1"]));
    assert_eq!(
        (d["num_uses"].clone(), d["token_num_uses"].clone()),
        (json!(4), json!(4))
    );
    // Then the new names on update: the old keys are cleared.
    role_ok(
        &env,
        "o",
        &["token_policies=z", "token_bound_cidrs=5.6.7.8"],
    );
    let d = read_data(&env, "auth/jwt/role/o");
    assert!(
        d.get("policies").is_none() && d.get("bound_cidrs").is_none(),
        "{d}"
    );
    assert_eq!(d["num_uses"], 4);
    // Both given: the new wins, the old mirrors it.
    role_ok(
        &env,
        "b",
        &[
            "user_claim=sub",
            "token_bound_cidrs=10.0.0.1",
            "bound_cidrs=1.2.3.4",
        ],
    );
    let d = read_data(&env, "auth/jwt/role/b");
    assert_eq!(d["bound_cidrs"], json!(["10.0.0.1"]));
    assert_eq!(d["token_bound_cidrs"], json!(["10.0.0.1"]));
}

#[test]
fn role_validation_errors_in_openbao_order() {
    let env = jwt_env();
    // Every message: bao write auth/h/role/e1 <same args> (role_type=jwt given explicitly there).
    // Field conversion comes first, before role_type.
    role_fails(
        &env,
        "e",
        &["role_type=foo", "token_ttl=abc"],
        "error converting input for field \"token_ttl\": time: invalid duration \"abc\"",
    );
    role_fails(&env, "e", &["role_type=foo", "token_num_uses=x"], "error converting input for field \"token_num_uses\": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax");
    role_fails(&env, "e", &["token_no_default_policy=yes"], "error converting input for field \"token_no_default_policy\": '' cannot parse value as 'bool': strconv.ParseBool: invalid syntax");
    role_fails(&env, "e", &["user_claim=a", "user_claim=b"], "error converting input for field \"user_claim\": '' expected type 'string', got unconvertible type '[]interface {}'");
    role_fails(
        &env,
        "e",
        &["token_ttl=-5"],
        "error converting input for field \"token_ttl\": cannot provide negative value '-5'",
    );
    role_fails(&env, "e", &["clock_skew_leeway=1d12h"], "error converting input for field \"clock_skew_leeway\": time: unknown unit \"d\" in duration \"1d12h\"");
    role_fails(&env, "e", &["user_claim=sub", "claim_mappings=foo"], "error converting input for field \"claim_mappings\": invalid key pair at index 0 in field \"claim_mappings\"");
    // Then the handler's checks.
    role_fails(
        &env,
        "e",
        &["role_type=foo", "user_claim=sub"],
        "invalid 'role_type': foo",
    );
    role_fails(&env, "e", &["token_type=x", "token_bound_cidrs=bad"], "error parsing address \"bad\": Unable to convert \"bad\" to an IPv4 or IPv6 address, or a UNIX Socket");
    role_fails(
        &env,
        "e",
        &["token_type=x", "user_claim=sub"],
        "invalid 'token_type' value \"x\"",
    );
    role_fails(&env, "e", &["user_claim=sub", "bound_cidrs=bad"], "error parsing address \"bad\": Unable to convert \"bad\" to an IPv4 or IPv6 address, or a UNIX Socket");
    role_fails(
        &env,
        "e",
        &["token_type=batch", "token_period=1h", "user_claim=sub"],
        "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
    );
    role_fails(&env, "e", &["token_type=batch", "token_num_uses=1", "user_claim=sub"], "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count");
    role_fails(
        &env,
        "e",
        &["token_num_uses=-1", "user_claim=sub"],
        "'token_num_uses' cannot be negative",
    );
    role_fails(
        &env,
        "e",
        &[
            "user_claim=sub",
            "bound_subject=s",
            "token_ttl=2h",
            "token_max_ttl=1h",
        ],
        "'token_ttl' cannot be greater than 'token_max_ttl'",
    );
    role_fails(&env, "e", &["user_claim=sub", "bound_subject=s", "token_period=800h"], "'period' of '\"800h0m0s\"' is greater than the backend's maximum lease TTL of '\"768h0m0s\"'");
    role_fails(&env, "e", &["user_claim=sub", "bound_subject=s", "period=800h"], "'period' of '\"800h0m0s\"' is greater than the backend's maximum lease TTL of '\"768h0m0s\"'");
    role_fails(
        &env,
        "e",
        &["bound_claims_type=regex", "user_claim=sub"],
        "invalid 'bound_claims_type': regex",
    );
    let glob = |bc: &str, msg: &str| {
        let body =
            format!(r#"{{"user_claim":"sub","bound_claims_type":"glob","bound_claims":{bc}}}"#);
        expect(
            &env.run_stdin(&["write", "auth/jwt/role/e", "-"], &body),
            2,
            "",
            &write_err("auth/jwt/role/e", msg),
        );
    };
    glob(r#"{"a":1}"#, "claim is not a string: 1");
    glob(
        r#"{"a":{"b":1}}"#,
        "claim is not a string or list: map[b:1]",
    );
    glob(r#"{"a":["x",true]}"#, "claim is not a string: true");
    role_fails(
        &env,
        "e",
        &["bound_subject=x", "user_claim=sub", "claim_mappings=a=role"],
        "metadata key \"role\" is reserved and may not be a mapping destination",
    );
    role_fails(
        &env,
        "e",
        &[
            "bound_subject=x",
            "user_claim=sub",
            "claim_mappings=a=x",
            "claim_mappings=b=x",
        ],
        "multiple keys are mapped to metadata key \"x\"",
    );
    role_fails(
        &env,
        "e",
        &["bound_subject=x"],
        "a user claim must be defined on the role",
    );
    role_fails(
        &env,
        "e",
        &["role_type=oidc", "user_claim=sub"],
        "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.",
    );
    role_fails(
        &env,
        "e",
        &["user_claim=sub"],
        "must have at least one bound constraint when creating/updating a role",
    );
    let empty = r#"{"user_claim":"sub","bound_claims":{}}"#;
    expect(
        &env.run_stdin(&["write", "auth/jwt/role/e", "-"], empty),
        2,
        "",
        &write_err(
            "auth/jwt/role/e",
            "must have at least one bound constraint when creating/updating a role",
        ),
    );
    role_fails(
        &env,
        "e",
        &["user_claim=sub", "bound_subject=s", "ttl=2h", "max_ttl=1h"],
        "ttl should not be greater than max ttl",
    );
    expect(
        &env.run(&["list", "auth/jwt/role"]),
        2,
        "",
        "No value found at auth/jwt/role\n",
    );
    // An oidc role with redirect URIs is stored (jwtvault's login refuses it later).
    role_ok(
        &env,
        "o",
        &[
            "role_type=oidc",
            "user_claim=sub",
            "allowed_redirect_uris=http://localhost/cb",
        ],
    );
    assert_eq!(read_data(&env, "auth/jwt/role/o")["role_type"], "oidc");
}

#[test]
fn role_warnings_and_merge() {
    let env = jwt_env();
    role_ok(
        &env,
        "m",
        &[
            "user_claim=sub",
            "bound_subject=s",
            "groups_claim=groups",
            "token_ttl=1h",
        ],
    );
    // Merge: omitted fields keep their values; role_type is jwt without being sent (contract §1).
    role_ok(&env, "m", &["bound_audiences=aud"]);
    let d = read_data(&env, "auth/jwt/role/m");
    assert_eq!(
        (
            d["bound_subject"].clone(),
            d["groups_claim"].clone(),
            d["token_ttl"].clone(),
            d["bound_audiences"].clone(),
            d["role_type"].clone()
        ),
        (
            json!("s"),
            json!("groups"),
            json!(3600),
            json!(["aud"]),
            json!("jwt")
        )
    );
    // bao write auth/h/role/r4 ... token_max_ttl=800h: the warning only (no Success line), exit 0.
    let out = env.run(&["write", "auth/jwt/role/m", "token_max_ttl=800h"]);
    expect(
        &out,
        0,
        "",
        "WARNING! The following warnings were returned from Vault:\n\n  \
         * token max ttl is greater than the system or backend mount's maximum TTL\n  \
         value; issued tokens' max TTL value will be truncated\n\n",
    );
    let out = env.run(&[
        "write",
        "-format=json",
        "auth/jwt/role/m",
        "token_max_ttl=800h",
    ]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stderr, "");
    let v = out.json();
    assert_eq!(v["data"], Value::Null);
    assert_eq!(
        v["warnings"],
        json!(["token max ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated"])
    );
    // verbose_oidc_logging=true: its warning, and the role is written.
    let out = env.run(&[
        "write",
        "auth/jwt/role/m",
        "token_max_ttl=1h",
        "verbose_oidc_logging=true",
    ]);
    expect(
        &out,
        0,
        "",
        "WARNING! The following warnings were returned from Vault:\n\n  \
         * verbose_oidc_logging has been enabled for this role. This is not\n  \
         recommended in production since sensitive information may be present in OIDC\n  \
         responses.\n\n",
    );
    assert_eq!(
        read_data(&env, "auth/jwt/role/m")["verbose_oidc_logging"],
        true
    );
    // The glob reset: a stored glob is reset to string when the type is omitted, with a warning.
    role_ok(
        &env,
        "g",
        &[
            "user_claim=sub",
            "bound_claims_type=glob",
            "bound_claims={\"groups\":\"dev*\"}",
        ],
    );
    assert_eq!(
        read_data(&env, "auth/jwt/role/g")["bound_claims_type"],
        "glob"
    );
    role_ok(&env, "g", &["bound_claims_type=glob", "groups_claim=g"]);
    assert_eq!(
        read_data(&env, "auth/jwt/role/g")["bound_claims_type"],
        "glob"
    );
    let out = env.run(&["write", "auth/jwt/role/g", "groups_claim=groups"]);
    // Only warnings in the response: Vault prints no Success line.
    expect(
        &out,
        0,
        "",
        "WARNING! The following warnings were returned from Vault:\n\n  \
         * bound_claims_type was not given and has been reset from \"glob\" to\n  \
         \"string\"; send bound_claims_type=glob with every write to keep glob matching\n\n",
    );
    assert_eq!(
        read_data(&env, "auth/jwt/role/g")["bound_claims_type"],
        "string"
    );
    // A second omitted write: already string, no warning.
    role_ok(&env, "g", &["groups_claim=groups"]);
}

#[test]
fn role_bound_claims_forms() {
    let env = jwt_env();
    // Vault's form: a JSON object in a JSON body.
    let out = env.run_stdin(
        &["write", "auth/jwt/role/j", "-"],
        r#"{"user_claim":"sub","bound_claims":{"groups":["developers"],"n":5}}"#,
    );
    expect(&out, 0, "Success! Data written to: auth/jwt/role/j\n", "");
    assert_eq!(
        read_data(&env, "auth/jwt/role/j")["bound_claims"],
        json!({"groups": ["developers"], "n": 5})
    );
    // Extensions (contract §1): key=value pairs, a repeated key makes a list.
    role_ok(
        &env,
        "kv",
        &["user_claim=sub", "bound_claims=groups=developers"],
    );
    assert_eq!(
        read_data(&env, "auth/jwt/role/kv")["bound_claims"],
        json!({"groups": "developers"})
    );
    role_ok(
        &env,
        "kv2",
        &["user_claim=sub", "bound_claims=groups=a,groups=b,env=prod"],
    );
    assert_eq!(
        read_data(&env, "auth/jwt/role/kv2")["bound_claims"],
        json!({"groups": ["a", "b"], "env": "prod"})
    );
    role_ok(
        &env,
        "js",
        &["user_claim=sub", r#"bound_claims={"groups":["x","y"]}"#],
    );
    assert_eq!(
        read_data(&env, "auth/jwt/role/js")["bound_claims"],
        json!({"groups": ["x", "y"]})
    );
    let f = env.file("bc.json", "{\"email\": \"a@example.com\"}\n");
    role_ok(
        &env,
        "file",
        &["user_claim=sub", &format!("bound_claims=@{}", f.display())],
    );
    assert_eq!(
        read_data(&env, "auth/jwt/role/file")["bound_claims"],
        json!({"email": "a@example.com"})
    );
    // The table shows the map with %v.
    let out = env.run(&["read", "-field=bound_claims", "auth/jwt/role/kv2"]);
    expect(&out, 0, "map[env:prod groups:[a b]]", "");
    // Not a form at all: an empty value gets OpenBao's own conversion error (bao write ...
    // bound_claims=), the others jwtvault's.
    role_fails(&env, "x", &["user_claim=sub", "bound_subject=s", "bound_claims="], "error converting input for field \"bound_claims\": '' expected type 'map[string]interface {}', got unconvertible type 'string'");
    role_fails(
        &env,
        "x",
        &["user_claim=sub", "bound_claims=nope"],
        "error converting input for field \"bound_claims\": expected key=value, got \"nope\"",
    );
    role_fails(&env, "x", &["user_claim=sub", "bound_claims={x"], "error converting input for field \"bound_claims\": expected a JSON object or key=value pairs, got \"{x\"");
    // A JSON null clears the claims (bao: read shows null), and then counts as no constraint.
    role_ok(&env, "j", &["bound_subject=s"]);
    let out = env.run_stdin(
        &["write", "auth/jwt/role/j", "-"],
        r#"{"bound_claims":null}"#,
    );
    expect(&out, 0, "Success! Data written to: auth/jwt/role/j\n", "");
    assert_eq!(
        read_data(&env, "auth/jwt/role/j")["bound_claims"],
        Value::Null
    );
    let out = env.run_stdin(
        &["write", "auth/jwt/role/j2", "-"],
        r#"{"user_claim":"sub","bound_claims":null}"#,
    );
    expect(
        &out,
        2,
        "",
        &write_err(
            "auth/jwt/role/j2",
            "must have at least one bound constraint when creating/updating a role",
        ),
    );
}

#[test]
fn role_weak_typing_from_json() {
    let env = jwt_env();
    // bao write auth/h/role/n5 - with this body; bao read gave the same data.
    let out = env.run_stdin(
        &["write", "auth/jwt/role/w", "-"],
        r#"{"user_claim":5,"bound_subject":"x","token_num_uses":"0x10","token_ttl":90,"user_claim_json_pointer":1,"bound_audiences":["a, b","c"],"token_policies":null}"#,
    );
    expect(&out, 0, "Success! Data written to: auth/jwt/role/w\n", "");
    let d = read_data(&env, "auth/jwt/role/w");
    assert_eq!(d["user_claim"], "5");
    assert_eq!(d["token_num_uses"], 16);
    assert_eq!(d["token_ttl"], 90);
    assert_eq!(d["user_claim_json_pointer"], true);
    assert_eq!(d["bound_audiences"], json!(["a, b", "c"]));
    assert_eq!(d["token_policies"], json!([]));
    // Durations: 7d, plain seconds, Go syntax, and the humanised table.
    role_ok(
        &env,
        "w",
        &[
            "token_ttl=90",
            "token_max_ttl=7d",
            "token_explicit_max_ttl=1h30m",
            "token_period=3605",
        ],
    );
    let out = env.run(&["read", "auth/jwt/role/w"]);
    for row in [
        "token_ttl                         1m30s\n",
        "token_max_ttl                     168h\n",
        "token_explicit_max_ttl            1h30m\n",
        "token_period                      1h5s\n",
        "bound_subject                     x\n",
        "allowed_redirect_uris             <nil>\n",
    ] {
        assert!(out.stdout.contains(row), "{row:?} not in\n{}", out.stdout);
    }
}
