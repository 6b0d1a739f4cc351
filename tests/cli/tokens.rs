//! Tokens through the binary (issue 5): `token lookup|renew|revoke|capabilities`, batch tokens,
//! num_uses, dead tokens, and who acts (the caller rule of issue 16 item 11). Policies are in
//! `policies.rs`, identity groups in `identity.rs`.
//!
//! Expected texts were checked against OpenBao 2.7.2: the same roles on a `jwt_validation_pubkeys`
//! mount there, the same JWTs logged in with `bao write auth/<m>/login`, then `bao token …`,
//! `bao policy …` and `bao write identity/…` compared with jwtvault's output (exit code, stdout,
//! stderr without Vault's `URL:` line). Operator model (src/token_cmd.rs): a token given as an
//! argument is looked at (Vault's `auth/token/lookup` etc. with a root token); a token from
//! `JWTVAULT_TOKEN` or the helper file is the caller (Vault's `*-self` endpoints) and spends a use.

use serde_json::{json, Value};

use crate::support::{api_err, expect, Fx, Out};

/// A go-multierror error with one item, as Vault's HTTP layer wraps some errors.
fn api_multi(ctx: &str, code: u16, msg: &str) -> String {
    api_err(ctx, code, &format!("1 error occurred:\n\t* {msg}\n\n"))
}

/// jwtvault's explanation after a caller's refusal on a form the operator could run.
const AS_OPERATOR: &str = "without a token (JWTVAULT_TOKEN unset or empty and no token in the \
                           helper file) jwtvault acts as the operator, with root rights";

/// A live calling token its policies refuse (Vault's ACL denial is a go-multierror), on a
/// form the operator could run: `what` is e.g. `update on auth/token/lookup`.
fn acl_denied(ctx: &str, source: &str, policies: &str, what: &str) -> String {
    format!(
        "{}\nHint: the calling token from {source} (policies [{policies}]) is not allowed \
         {what}\n      {AS_OPERATOR}\n",
        api_multi(ctx, 403, "permission denied")
    )
}

/// A dead calling token from `JWTVAULT_TOKEN` on a `*-self` form: Vault's bare 403, then
/// jwtvault's explanation.
fn dead_caller(ctx: &str) -> String {
    format!(
        "{}\nHint: the calling token from JWTVAULT_TOKEN is not a live token (unknown, expired, \
         revoked or out of uses)\n",
        api_err(ctx, 403, "permission denied")
    )
}

/// An error whose stderr begins with `stderr` (a jwtvault `Hint:` may follow).
#[track_caller]
fn expect_err_prefix(out: &Out, code: i32, stderr: &str) {
    assert_eq!(out.code, code, "{out:#?}");
    assert_eq!(out.stdout, "", "{out:#?}");
    assert!(
        out.stderr.starts_with(stderr),
        "want prefix {stderr:?}\n{out:#?}"
    );
}

// ---- token lookup ---------------------------------------------------------------------------

#[test]
fn lookup_shows_vaults_fields_in_table_json_and_field() {
    let fx = Fx::new();
    let tok = fx.login("r", "alice", json!(["eng"]));
    let out = fx.run(&["token", "lookup", &tok]);
    out.ok();
    let keys: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(
        keys,
        [
            "Key",
            "---",
            "accessor",
            "creation_time",
            "creation_ttl",
            "display_name",
            "entity_id",
            "expire_time",
            "explicit_max_ttl",
            "id",
            "issue_time",
            "meta",
            "num_uses",
            "orphan",
            "path",
            "policies",
            "renewable",
            "ttl",
            "type"
        ]
    );
    for line in [
        "creation_ttl        1h\n",
        "display_name        jwt-alice\n",
        "explicit_max_ttl    0s\n",
        &format!("id                  {tok}\n"),
        "meta                map[role:r]\n",
        "num_uses            0\n",
        "orphan              true\n",
        "path                auth/jwt/login\n",
        "policies            [default p1]\n",
        "renewable           true\n",
        "type                service\n",
    ] {
        assert!(
            out.stdout.contains(line),
            "missing {line:?} in\n{}",
            out.stdout
        );
    }
    let j = fx.run(&["token", "lookup", "-format=json", &tok]).json();
    let data = j["data"].as_object().expect("data");
    let names: Vec<&str> = data.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "accessor",
            "creation_time",
            "creation_ttl",
            "display_name",
            "entity_id",
            "expire_time",
            "explicit_max_ttl",
            "id",
            "issue_time",
            "meta",
            "num_uses",
            "orphan",
            "path",
            "policies",
            "renewable",
            "ttl",
            "type"
        ]
    );
    assert_eq!(data["creation_ttl"], json!(3600));
    assert_eq!(data["policies"], json!(["default", "p1"]));
    assert_eq!(data["meta"], json!({"role": "r"}));
    assert!(data["ttl"].as_i64().expect("ttl") > 3500);
    assert_eq!(j["warnings"], Value::Null);
    assert_eq!(j["request_id"].as_str().expect("request_id").len(), 36);
    expect(
        &fx.run(&["token", "lookup", "-field=policies", &tok]),
        0,
        "[default p1]",
        "",
    );
    expect(
        &fx.run(&["token", "lookup", "-field=nope", &tok]),
        1,
        "",
        "Field \"nope\" not present in secret\n",
    );
    // By accessor: `id` is blanked (n/a in the table).
    let acc = fx.field(&["token", "lookup", "-field=accessor", &tok]);
    let out = fx.run(&["token", "lookup", "-accessor", &acc]);
    out.ok();
    assert!(
        out.stdout.contains("\nid                  n/a\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("display_name        jwt-alice\n"));
}

/// The caller is `JWTVAULT_TOKEN` if set and non-empty, else the helper file's token, else
/// nobody (the operator). Before issue 16 item 11 a caller's token was ignored by the argument
/// forms (`token lookup OTHER` acted as the operator); now it is checked as Vault checks it.
#[test]
fn lookup_caller_is_the_variable_then_the_helper_file_else_the_operator() {
    let fx = Fx::new();
    let a = fx.login("r", "alice", json!([]));
    let b = fx.login("r", "bob", json!([]));
    let c = fx.login("r", "carol", json!([]));
    let helper = fx.env.path("home/.jwtvault-token");
    std::fs::write(&helper, format!("{a}\n")).expect("helper file");
    let name = |out: Out| {
        out.ok();
        out.stdout
    };
    assert_eq!(
        name(fx.run(&["token", "lookup", "-field=display_name"])),
        "jwt-alice"
    );
    assert_eq!(
        name(fx.as_caller(&b, &["token", "lookup", "-field=display_name"])),
        "jwt-bob"
    );
    // An empty JWTVAULT_TOKEN is no token: the helper file's is the caller.
    assert_eq!(
        name(fx.as_caller("", &["token", "lookup", "-field=display_name"])),
        "jwt-alice"
    );
    // Looking at another token takes `update` on auth/token/lookup, which `default` lacks.
    let denied = |source: &str| {
        acl_denied(
            "Error looking up token",
            source,
            "default p1",
            "update on auth/token/lookup",
        )
    };
    expect(
        &fx.as_caller(&b, &["token", "lookup", "-field=display_name", &c]),
        2,
        "",
        &denied("JWTVAULT_TOKEN"),
    );
    expect(
        &fx.run(&["token", "lookup", "-field=display_name", &c]),
        2,
        "",
        &denied(&format!("the token helper file {}", helper.display())),
    );
    // No token anywhere: the operator looks at any token; lookup-self has no token to use.
    std::fs::remove_file(&helper).expect("rm helper");
    assert_eq!(
        name(fx.run(&["token", "lookup", "-field=display_name", &c])),
        "jwt-carol"
    );
    expect_err_prefix(
        &fx.run(&["token", "lookup"]),
        2,
        &api_err("Error looking up token", 403, "permission denied"),
    );
}

#[test]
fn lookup_errors_are_vaults() {
    let fx = Fx::new();
    expect(
        &fx.run(&["token", "lookup", "jvs.doesnotexist000000000000"]),
        2,
        "",
        &api_err("Error looking up token", 403, "bad token"),
    );
    expect(
        &fx.as_caller("jvs.doesnotexist000000000000", &["token", "lookup"]),
        2,
        "",
        &dead_caller("Error looking up token"),
    );
    expect(
        &fx.run(&["token", "lookup", "-accessor", "nope"]),
        2,
        "",
        &api_multi("Error looking up token", 400, "invalid accessor"),
    );
    expect(
        &fx.run(&["token", "lookup", "-accessor"]),
        1,
        "",
        "Not enough arguments with -accessor (expected 1, got 0)\n",
    );
    expect(
        &fx.run(&["token", "lookup", "a", "b"]),
        1,
        "",
        "Too many arguments (expected 0-1, got 2)\n",
    );
}

#[test]
fn batch_token_lookup_renew_revoke() {
    let fx = Fx::new();
    fx.role("rb", &["token_type=batch"]);
    let tok = fx.login("rb", "alice", json!([]));
    assert!(tok.starts_with("jvb."), "{tok}");
    let out = fx.run(&["token", "lookup", &tok]);
    out.ok();
    for line in [
        "accessor            n/a\n",
        "renewable           false\n",
        "type                batch\n",
    ] {
        assert!(out.stdout.contains(line), "{line:?} in\n{}", out.stdout);
    }
    // Batch tokens carry whole seconds, as Vault's do.
    let j = fx.run(&["token", "lookup", "-format=json", &tok]).json();
    let issue = j["data"]["issue_time"].as_str().expect("issue_time");
    assert!(!issue.contains('.') && issue.ends_with('Z'), "{issue}");
    let renew_err = api_err(
        "Error renewing token",
        400,
        "batch tokens cannot be renewed",
    );
    let revoke_err = api_err(
        "Error revoking token",
        400,
        "batch tokens cannot be revoked",
    );
    expect(&fx.run(&["token", "renew", &tok]), 2, "", &renew_err);
    expect(&fx.as_caller(&tok, &["token", "renew"]), 2, "", &renew_err);
    expect(&fx.run(&["token", "revoke", &tok]), 2, "", &revoke_err);
    expect(
        &fx.as_caller(&tok, &["token", "revoke", "-self"]),
        2,
        "",
        &revoke_err,
    );
    fx.run(&["token", "lookup", &tok]).ok();
}

// ---- num_uses -------------------------------------------------------------------------------

#[test]
fn num_uses_count_down_on_every_own_use_and_the_token_dies_at_zero() {
    let fx = Fx::new();
    fx.role("rn", &["token_num_uses=3"]);
    let tok = fx.login("rn", "alice", json!([]));
    // Looking at it as an argument (the operator) spends nothing.
    expect(
        &fx.run(&["token", "lookup", "-field=num_uses", &tok]),
        0,
        "3",
        "",
    );
    expect(
        &fx.as_caller(&tok, &["token", "lookup", "-field=num_uses"]),
        0,
        "2",
        "",
    );
    expect(
        &fx.as_caller(&tok, &["token", "capabilities", "sys/x"]),
        0,
        "deny\n",
        "",
    );
    // Vault shows -1 on the last use, then the token is gone.
    expect(
        &fx.as_caller(&tok, &["token", "lookup", "-field=num_uses"]),
        0,
        "-1",
        "",
    );
    let denied = dead_caller;
    expect(
        &fx.as_caller(&tok, &["token", "lookup"]),
        2,
        "",
        &denied("Error looking up token"),
    );
    expect(
        &fx.run(&["token", "lookup", &tok]),
        2,
        "",
        &api_err("Error looking up token", 403, "bad token"),
    );
    // Renew-self on the last use: the use revokes it before the renewal runs (as OpenBao).
    let tok = fx.login("rn", "alice", json!([]));
    fx.as_caller(&tok, &["token", "lookup"]).ok();
    let out = fx.as_caller(&tok, &["token", "renew"]);
    out.ok();
    assert!(out.stdout.contains("token_duration"), "{out:#?}");
    expect(
        &fx.as_caller(&tok, &["token", "renew"]),
        2,
        "",
        &api_err("Error renewing token", 400, "token not found"),
    );
    expect(
        &fx.as_caller(&tok, &["token", "renew"]),
        2,
        "",
        &denied("Error renewing token"),
    );
}

// ---- token renew ----------------------------------------------------------------------------

#[test]
fn renew_uses_the_role_and_caps_at_max_ttl_with_vaults_warning() {
    let fx = Fx::new();
    let tok = fx.login("r", "alice", json!([]));
    let out = fx.run(&["token", "renew", &tok]);
    out.ok();
    assert_eq!(out.stderr, "");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "Key                  Value");
    assert_eq!(lines[2], format!("token                {tok}"));
    assert_eq!(lines[4], "token_duration       1h");
    assert_eq!(lines[5], "token_renewable      true");
    assert_eq!(lines[6], "token_policies       [\"default\" \"p1\"]");
    assert_eq!(lines[7], "identity_policies    []");
    assert_eq!(lines[8], "policies             [\"default\" \"p1\"]");
    assert_eq!(lines[9], "token_meta_role      r");
    // 3h asked, at most 2h from issue left (Vault counts whole seconds: 2h within the
    // login's second, 1h59m59s or less later). The warning names what was granted.
    let out = fx.run(&["token", "renew", "-increment=3h", &tok]);
    out.ok();
    let granted = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("token_duration"))
        .map(|d| d.trim().to_string())
        .expect("token_duration row");
    assert!(granted == "2h" || granted.starts_with("1h59m"), "{out:#?}");
    let flat = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        flat,
        format!(
            "WARNING! The following warnings were returned from Vault: * TTL of \"3h\" exceeded \
             the effective max_ttl of \"{granted}\"; TTL value is capped accordingly"
        )
    );
    // A lookup after renewal shows the renewal rows.
    let out = fx.run(&["token", "lookup", &tok]);
    assert!(out.stdout.contains("\nlast_renewal "), "{}", out.stdout);
    assert!(
        out.stdout.contains("\nlast_renewal_time "),
        "{}",
        out.stdout
    );
    // Renew by accessor: the token row is n/a.
    let acc = fx.field(&["token", "lookup", "-field=accessor", &tok]);
    let out = fx.run(&["token", "renew", "-increment=10m", "-accessor", &acc]);
    out.ok();
    assert!(
        out.stdout.contains("token                n/a\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("token_duration       10m\n"),
        "{}",
        out.stdout
    );
    // JSON: the auth block.
    let j = fx.run(&["token", "renew", "-format=json", &tok]).json();
    assert_eq!(j["auth"]["client_token"], json!(tok));
    assert_eq!(j["auth"]["lease_duration"], json!(3600));
}

#[test]
fn renew_rereads_the_role_periods_and_explicit_max() {
    let fx = Fx::new();
    fx.role("rp", &["token_period=30m", "token_ttl=1h"]);
    fx.role("rpe", &["token_period=30m", "token_explicit_max_ttl=45m"]);
    fx.role("rd", &[]);
    let p = fx.login("rp", "alice", json!([]));
    let pe = fx.login("rpe", "alice", json!([]));
    let d = fx.login("rd", "alice", json!([]));
    // A periodic token goes back to its period; the increment is ignored.
    let out = fx.run(&["token", "renew", "-increment=5h", &p]);
    assert!(
        out.stdout.contains("token_duration       30m\n"),
        "{out:#?}"
    );
    let out = fx.run(&["token", "renew", "-increment=5h", &pe]);
    assert!(
        out.stdout.contains("token_duration       30m\n"),
        "{out:#?}"
    );
    let out = fx.run(&["token", "lookup", &pe]);
    assert!(
        out.stdout.contains("explicit_max_ttl     45m\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("period               30m\n"),
        "{}",
        out.stdout
    );
    // The role's current settings apply: a role now with a 5m period.
    fx.role("rp", &["token_period=5m"]);
    let out = fx.run(&["token", "renew", &p]);
    assert!(out.stdout.contains("token_duration       5m\n"), "{out:#?}");
    // The role is gone.
    fx.run(&["delete", "auth/jwt/role/rd"]).ok();
    let want = api_multi(
        "Error renewing token",
        500,
        "failed to renew entry: role rd does not exist during renewal",
    );
    expect(&fx.run(&["token", "renew", &d]), 2, "", &want);
    expect(&fx.as_caller(&d, &["token", "renew"]), 2, "", &want);
}

#[test]
fn renew_argument_errors() {
    let fx = Fx::new();
    expect(
        &fx.run(&["token", "renew", "a", "b"]),
        1,
        "",
        "Too many arguments (expected 1, got 2)\n",
    );
    expect(
        &fx.run(&["token", "renew", "jvs.doesnotexist000000000000"]),
        2,
        "",
        &api_err("Error renewing token", 400, "token not found"),
    );
    expect(
        &fx.run(&["token", "renew", "-accessor", "nope"]),
        2,
        "",
        &api_multi("Error renewing token", 400, "invalid accessor"),
    );
}

// ---- token revoke ---------------------------------------------------------------------------

#[test]
fn revoke_argument_validation_is_vaults() {
    let fx = Fx::new();
    for (args, msg) in [
        (&["-mode=x", "t"][..], "Invalid mode: x"),
        (
            &["-self", "t"][..],
            "Too many arguments with -self (expected 0, got 1)",
        ),
        (
            &["a", "b"][..],
            "Too many arguments (expected 1 or -self, got 2)",
        ),
        (&[][..], "Not enough arguments (expected 1 or -self, got 0)"),
        (
            &["-self", "-accessor"][..],
            "Cannot use -self with -accessor!",
        ),
        (
            &["-self", "-mode=orphan"][..],
            "Cannot use -self with -mode!",
        ),
        (
            &["-accessor", "-mode=orphan", "a"][..],
            "Cannot use -accessor with -mode=orphan!",
        ),
        (
            &["-accessor", "-mode=path", "a"][..],
            "Cannot use -accessor with -mode=path!",
        ),
    ] {
        let mut argv = vec!["token", "revoke"];
        argv.extend_from_slice(args);
        expect(&fx.run(&argv), 1, "", &format!("{msg}\n"));
    }
}

#[test]
fn revoke_by_token_self_accessor_and_path() {
    let fx = Fx::new();
    let ok = "Success! Revoked token (if it existed)\n";
    let bad = api_err("Error looking up token", 403, "bad token");
    let t1 = fx.login("r", "alice", json!([]));
    expect(&fx.run(&["token", "revoke", &t1]), 0, ok, "");
    expect(&fx.run(&["token", "lookup", &t1]), 2, "", &bad);
    // Unknown tokens and accessors: still a success.
    expect(&fx.run(&["token", "revoke", &t1]), 0, ok, "");
    expect(
        &fx.run(&["token", "revoke", "-accessor", "nope"]),
        0,
        ok,
        "",
    );
    let t2 = fx.login("r", "alice", json!([]));
    expect(&fx.as_caller(&t2, &["token", "revoke", "-self"]), 0, ok, "");
    expect(&fx.run(&["token", "lookup", &t2]), 2, "", &bad);
    expect(
        &fx.as_caller(&t2, &["token", "revoke", "-self"]),
        2,
        "",
        &dead_caller("Error revoking token"),
    );
    let t3 = fx.login("r", "alice", json!([]));
    let acc = fx.field(&["token", "lookup", "-field=accessor", &t3]);
    expect(&fx.run(&["token", "revoke", "-accessor", &acc]), 0, ok, "");
    expect(&fx.run(&["token", "lookup", &t3]), 2, "", &bad);
    // -mode=path revokes everything issued under the prefix.
    let t4 = fx.login("r", "alice", json!([]));
    let t5 = fx.login("r", "bob", json!([]));
    expect(
        &fx.run(&["token", "revoke", "-mode=path", "auth/jwt/"]),
        0,
        ok,
        "",
    );
    expect(&fx.run(&["token", "lookup", &t4]), 2, "", &bad);
    expect(&fx.run(&["token", "lookup", &t5]), 2, "", &bad);
}

#[test]
fn auth_disable_revokes_the_mounts_tokens() {
    let fx = Fx::new();
    let tok = fx.login("r", "alice", json!([]));
    fx.run(&["auth", "disable", "jwt"]).ok();
    expect(
        &fx.run(&["token", "lookup", &tok]),
        2,
        "",
        &api_err("Error looking up token", 403, "bad token"),
    );
    expect(
        &fx.as_caller(&tok, &["token", "capabilities", "x"]),
        2,
        "",
        &dead_caller("Error listing capabilities"),
    );
}

/// Revoked, expired and used-up tokens are refused by every token command, each with
/// Vault's text for that endpoint.
#[test]
fn dead_tokens_are_refused_everywhere() {
    let fx = Fx::new();
    fx.role("rs", &["token_ttl=1s", "token_max_ttl=1s"]);
    fx.role("rn", &["token_num_uses=1"]);
    let expired = fx.login("rs", "alice", json!([]));
    let revoked = fx.login("r", "alice", json!([]));
    fx.run(&["token", "revoke", &revoked]).ok();
    let used = fx.login("rn", "alice", json!([]));
    fx.as_caller(&used, &["token", "lookup"]).ok();
    // A functional wait: the 1 s token must be past its expiry.
    std::thread::sleep(std::time::Duration::from_secs(2));
    for tok in [&expired, &revoked, &used] {
        let denied = dead_caller;
        expect(
            &fx.as_caller(tok, &["token", "lookup"]),
            2,
            "",
            &denied("Error looking up token"),
        );
        expect(
            &fx.as_caller(tok, &["token", "renew"]),
            2,
            "",
            &denied("Error renewing token"),
        );
        expect(
            &fx.as_caller(tok, &["token", "revoke", "-self"]),
            2,
            "",
            &denied("Error revoking token"),
        );
        expect(
            &fx.as_caller(tok, &["token", "capabilities", "sys/x"]),
            2,
            "",
            &denied("Error listing capabilities"),
        );
        expect(
            &fx.run(&["token", "lookup", tok]),
            2,
            "",
            &api_err("Error looking up token", 403, "bad token"),
        );
        expect(
            &fx.run(&["token", "renew", tok]),
            2,
            "",
            &api_err("Error renewing token", 400, "token not found"),
        );
        expect(
            &fx.run(&["token", "capabilities", tok, "sys/x"]),
            2,
            "",
            &api_multi("Error listing capabilities", 400, "invalid token"),
        );
        expect(
            &fx.run(&["token", "revoke", tok]),
            0,
            "Success! Revoked token (if it existed)\n",
            "",
        );
    }
}

// ---- who acts: the caller rule (issue 16 item 11) -------------------------------------------
//
// OpenBao 2.7.2, a `bao token create -policy=default` token as BAO_TOKEN: `token lookup OTHER`,
// `lookup -accessor`, `renew OTHER`, `revoke OTHER`, `revoke -accessor`, `revoke -mode=orphan`,
// `revoke -mode=path` and `capabilities OTHER PATH` all answer `Code: 403` with
// `* 1 error occurred: * permission denied` (the ACL's go-multierror), and a refused request
// spends a use; `token lookup`, `token capabilities PATH`, `renew`, `revoke -self` are allowed.
// A bogus, expired, used-up or revoked BAO_TOKEN, or one whose `token_bound_cidrs` miss the
// client, gets the bare `* permission denied` on every form, spending nothing; a token looked up
// as an argument is not CIDR-checked. `bao login TOKEN` checks TOKEN the same way:
// `Error authenticating: error looking up token: … Code: 403 …`. With update but no sudo,
// `revoke-orphan` answers 400 `root or sudo privileges required to revoke and orphan` and
// `sys/leases/revoke-prefix/…` (root-protected) the multierror 403.

/// A dead calling token on a form the operator could run.
fn dead_caller_arg(ctx: &str, source: &str) -> String {
    format!(
        "{}\nHint: the calling token from {source} is not a live token (unknown, expired, \
         revoked or out of uses)\n      {AS_OPERATOR}\n",
        api_err(ctx, 403, "permission denied")
    )
}

/// The argument forms of every token command, with their CLI error context and the request
/// the Vault CLI makes for them.
fn argument_forms<'a>(other: &'a str, acc: &'a str) -> Vec<(Vec<&'a str>, &'static str, String)> {
    vec![
        (
            vec!["token", "lookup", other],
            "Error looking up token",
            "update on auth/token/lookup".into(),
        ),
        (
            vec!["token", "lookup", "-accessor", acc],
            "Error looking up token",
            "update on auth/token/lookup-accessor".into(),
        ),
        (
            vec!["token", "renew", other],
            "Error renewing token",
            "update on auth/token/renew".into(),
        ),
        (
            vec!["token", "revoke", other],
            "Error revoking token",
            "update on auth/token/revoke".into(),
        ),
        (
            vec!["token", "revoke", "-accessor", acc],
            "Error revoking token",
            "update on auth/token/revoke-accessor".into(),
        ),
        (
            vec!["token", "revoke", "-mode=orphan", other],
            "Error revoking token",
            "update on auth/token/revoke-orphan".into(),
        ),
        (
            vec!["token", "revoke", "-mode=path", "auth/jwt/"],
            "Error revoking token",
            "update on sys/leases/revoke-prefix/auth/jwt".into(),
        ),
        (
            vec!["token", "capabilities", other, "sys/x"],
            "Error listing capabilities",
            "update on sys/capabilities".into(),
        ),
    ]
}

/// What the operator sees of a token: the fields a use, a renewal or a revocation changes.
fn state_of(fx: &Fx, tok: &str) -> Value {
    let out = fx.run(&["token", "lookup", "-format=json", tok]);
    out.ok();
    let d = &out.json()["data"];
    json!([d["expire_time"], d["num_uses"], d["last_renewal"], d["id"]])
}

#[test]
fn dead_callers_are_denied_on_every_form_and_change_nothing() {
    let fx = Fx::new();
    fx.role("rs", &["token_ttl=1s", "token_max_ttl=1s"]);
    fx.role("rn", &["token_num_uses=1"]);
    let expired = fx.login("rs", "x", json!([]));
    let used = fx.login("rn", "y", json!([]));
    fx.as_caller(&used, &["token", "lookup"]).ok();
    let revoked = fx.login("r", "z", json!([]));
    fx.run(&["token", "revoke", &revoked]).ok();
    let other = fx.login("r", "alice", json!([]));
    let acc = fx.field(&["token", "lookup", "-field=accessor", &other]);
    let before = state_of(&fx, &other);
    // A functional wait: the 1 s token must be past its expiry.
    std::thread::sleep(std::time::Duration::from_secs(2));
    for caller in ["jvs.bogus0000000000000000000", &expired, &used, &revoked] {
        for (args, ctx, _) in argument_forms(&other, &acc) {
            expect(
                &fx.as_caller(caller, &args),
                2,
                "",
                &dead_caller_arg(ctx, "JWTVAULT_TOKEN"),
            );
        }
        // The token method looks the token up with itself.
        expect(
            &fx.run(&["login", "-no-store", caller]),
            2,
            "",
            "Error authenticating: error looking up token: Code: 403. Errors:\n\n* permission \
             denied\n\nHint: the calling token from the command line is not a live token \
             (unknown, expired, revoked or out of uses)\n",
        );
    }
    // Nothing was looked at for them, renewed, revoked or spent.
    assert_eq!(state_of(&fx, &other), before);
}

#[test]
fn a_default_policy_caller_may_use_the_self_forms_only() {
    let fx = Fx::new();
    fx.role("r12", &["token_num_uses=12"]);
    let me = fx.login("r12", "bob", json!([]));
    let other = fx.login("r", "alice", json!([]));
    let acc = fx.field(&["token", "lookup", "-field=accessor", &other]);
    let before = state_of(&fx, &other);
    let forms = argument_forms(&other, &acc);
    for (args, ctx, what) in &forms {
        expect(
            &fx.as_caller(&me, args),
            2,
            "",
            &acl_denied(ctx, "JWTVAULT_TOKEN", "default p1", what),
        );
    }
    assert_eq!(state_of(&fx, &other), before);
    // Each refused request spent one of the caller's uses, as Vault's do.
    assert_eq!(
        fx.field(&["token", "lookup", "-field=num_uses", &me]),
        (12 - forms.len()).to_string()
    );
    // The default policy allows the self forms: lookup-self, capabilities-self, renew-self,
    // revoke-self.
    expect(
        &fx.as_caller(&me, &["token", "lookup", "-field=display_name"]),
        0,
        "jwt-bob",
        "",
    );
    expect(
        &fx.as_caller(&me, &["token", "capabilities", "auth/token/lookup-self"]),
        0,
        "read\n",
        "",
    );
    fx.as_caller(&me, &["token", "renew"]).ok();
    expect(
        &fx.as_caller(&me, &["token", "revoke", "-self"]),
        0,
        "Success! Revoked token (if it existed)\n",
        "",
    );
    expect(
        &fx.run(&["token", "lookup", &me]),
        2,
        "",
        &api_err("Error looking up token", 403, "bad token"),
    );
    // The same caller from the helper file.
    let me = fx.login("r", "bob", json!([]));
    let helper = fx.env.path("home/.jwtvault-token");
    std::fs::write(&helper, &me).expect("helper file");
    expect(
        &fx.run(&["token", "revoke", &other]),
        2,
        "",
        &acl_denied(
            "Error revoking token",
            &format!("the token helper file {}", helper.display()),
            "default p1",
            "update on auth/token/revoke",
        ),
    );
    std::fs::remove_file(&helper).expect("rm helper");
    assert_eq!(state_of(&fx, &other), before);
}

#[test]
fn a_caller_whose_policy_grants_the_endpoint_may_act_on_other_tokens() {
    let fx = Fx::new();
    let grant = |caps: &str| {
        fx.policy(
            "p1",
            &format!(
                "path \"auth/token/lookup\" {{ capabilities = [\"update\"] }}\n\
                 path \"sys/capabilities\" {{ capabilities = [\"update\"] }}\n\
                 path \"auth/token/revoke-orphan\" {{ capabilities = [{caps}] }}\n\
                 path \"sys/leases/revoke-prefix/*\" {{ capabilities = [{caps}] }}\n"
            ),
        )
    };
    grant("\"update\"");
    let me = fx.login("r", "bob", json!([]));
    let other = fx.login("r", "alice", json!([]));
    expect(
        &fx.as_caller(&me, &["token", "lookup", "-field=display_name", &other]),
        0,
        "jwt-alice",
        "",
    );
    expect(
        &fx.as_caller(&me, &["token", "capabilities", &other, "auth/token/lookup"]),
        0,
        "update\n",
        "",
    );
    // Still not renew: another endpoint.
    expect(
        &fx.as_caller(&me, &["token", "renew", &other]),
        2,
        "",
        &acl_denied(
            "Error renewing token",
            "JWTVAULT_TOKEN",
            "default p1",
            "update on auth/token/renew",
        ),
    );
    // Update without sudo: revoke-orphan is refused by the token store itself, revoke-prefix
    // (root-protected) by the ACL.
    expect(
        &fx.as_caller(&me, &["token", "revoke", "-mode=orphan", &other]),
        2,
        "",
        &api_err(
            "Error revoking token",
            400,
            "root or sudo privileges required to revoke and orphan",
        ),
    );
    expect(
        &fx.as_caller(&me, &["token", "revoke", "-mode=path", "auth/jwt/"]),
        2,
        "",
        &acl_denied(
            "Error revoking token",
            "JWTVAULT_TOKEN",
            "default p1",
            "sudo on sys/leases/revoke-prefix/auth/jwt",
        ),
    );
    fx.run(&["token", "lookup", &other]).ok();
    grant("\"update\", \"sudo\"");
    let ok = "Success! Revoked token (if it existed)\n";
    expect(
        &fx.as_caller(&me, &["token", "revoke", "-mode=orphan", &other]),
        0,
        ok,
        "",
    );
    let bad = api_err("Error looking up token", 403, "bad token");
    expect(&fx.run(&["token", "lookup", &other]), 2, "", &bad);
    let third = fx.login("r", "carol", json!([]));
    expect(
        &fx.as_caller(&me, &["token", "revoke", "-mode=path", "auth/jwt/"]),
        0,
        ok,
        "",
    );
    expect(&fx.run(&["token", "lookup", &third]), 2, "", &bad);
}

#[test]
fn a_cidr_bound_caller_needs_an_address_inside_its_cidrs() {
    let fx = Fx::new();
    fx.role("rc", &["token_bound_cidrs=10.0.0.0/8", "token_num_uses=5"]);
    let jwt = format!("jwt={}", fx.jwt("bob", json!([])));
    let out = fx.run(&[
        "write",
        "-field=token",
        "auth/jwt/login",
        "role=rc",
        &jwt,
        "remote_addr=10.1.2.3",
    ]);
    out.ok();
    let tok = out.stdout.trim().to_string();
    let other = fx.login("r", "alice", json!([]));
    let from = |addr: Option<&str>, args: &[&str]| {
        let mut vars = vec![("JWTVAULT_TOKEN", tok.as_str())];
        if let Some(a) = addr {
            vars.push(("JWTVAULT_REMOTE_ADDR", a));
        }
        fx.env.run_with_vars(&vars, args)
    };
    let bound = |why: &str, operator: bool| {
        format!(
            "{}\nHint: the calling token from JWTVAULT_TOKEN is bound to [10.0.0.0/8]{why}\n{}",
            api_err("Error looking up token", 403, "permission denied"),
            if operator {
                format!("      {AS_OPERATOR}\n")
            } else {
                String::new()
            }
        )
    };
    let unset = " and JWTVAULT_REMOTE_ADDR is not set";
    let outside = "; JWTVAULT_REMOTE_ADDR 192.0.2.1 is outside";
    expect(
        &from(None, &["token", "lookup"]),
        2,
        "",
        &bound(unset, false),
    );
    expect(
        &from(Some(""), &["token", "lookup"]),
        2,
        "",
        &bound(unset, false),
    );
    expect(
        &from(Some("192.0.2.1"), &["token", "lookup"]),
        2,
        "",
        &bound(outside, false),
    );
    expect(
        &from(Some("192.0.2.1"), &["token", "lookup", &other]),
        2,
        "",
        &bound(outside, true),
    );
    // Refused before a use is spent; as a subject (the operator's argument) it is not checked.
    expect(
        &fx.run(&["token", "lookup", "-field=num_uses", &tok]),
        0,
        "5",
        "",
    );
    expect(
        &from(Some("10.9.9.9"), &["token", "lookup", "-field=num_uses"]),
        0,
        "4",
        "",
    );
    // `login TOKEN` checks the token it is given the same way.
    expect(
        &fx.run(&["login", "-no-store", &tok]),
        2,
        "",
        "Error authenticating: error looking up token: Code: 403. Errors:\n\n* permission \
         denied\n\nHint: the calling token from the command line is bound to [10.0.0.0/8] and \
         JWTVAULT_REMOTE_ADDR is not set\n",
    );
    let out = fx.env.run_with_vars(
        &[("JWTVAULT_REMOTE_ADDR", "10.0.0.1")],
        &["login", "-token-only", &tok],
    );
    expect(&out, 0, &tok, "");
}

#[test]
fn login_token_needs_lookup_self_from_its_policies() {
    let fx = Fx::new();
    fx.role("nd", &["token_no_default_policy=true"]);
    let tok = fx.login("nd", "bob", json!([]));
    expect(
        &fx.run(&["login", "-no-store", &tok]),
        2,
        "",
        "Error authenticating: error looking up token: Code: 403. Errors:\n\n* 1 error \
         occurred:\n\t* permission denied\n\n\n\nHint: the calling token from the command line \
         (policies [p1]) is not allowed read on auth/token/lookup-self\n",
    );
    expect(
        &fx.as_caller(&tok, &["token", "lookup"]),
        2,
        "",
        &format!(
            "{}\nHint: the calling token from JWTVAULT_TOKEN (policies [p1]) is not allowed \
             read on auth/token/lookup-self\n",
            api_multi("Error looking up token", 403, "permission denied")
        ),
    );
    // A default-policy token logs in.
    let tok = fx.login("r", "carol", json!([]));
    expect(&fx.run(&["login", "-token-only", &tok]), 0, &tok, "");
}

#[test]
fn configuration_commands_stay_operator_commands_whatever_the_token() {
    let fx = Fx::new();
    let me = fx.login("r", "bob", json!([]));
    let policy = fx
        .env
        .file("px.hcl", "path \"x\" { capabilities = [\"read\"] }\n");
    let policy = policy.display().to_string();
    for caller in ["jvs.bogus0000000000000000000", me.as_str()] {
        for args in [
            vec!["auth", "enable", "-path=other", "jwt"],
            vec!["auth", "list"],
            vec![
                "write",
                "auth/jwt/role/x",
                "user_claim=sub",
                "bound_audiences=a",
            ],
            vec!["read", "auth/jwt/role/x"],
            vec!["list", "auth/jwt/role"],
            vec!["read", "auth/jwt/config"],
            vec!["delete", "auth/jwt/role/x"],
            vec!["policy", "write", "px", policy.as_str()],
            vec!["policy", "read", "px"],
            vec!["policy", "delete", "px"],
            vec!["write", "identity/group", "name=g", "type=external"],
            vec!["list", "identity/group/name"],
            vec!["auth", "disable", "other"],
        ] {
            fx.as_caller(caller, &args).ok();
        }
    }
}

// ---- token capabilities ---------------------------------------------------------------------

#[test]
fn capabilities_sorted_deny_json_and_argument_errors() {
    let fx = Fx::new();
    fx.policy(
        "p1",
        r#"path "secret/*" { capabilities = ["update", "read", "create"] }
path "secret/deny" { capabilities = ["deny"] }
path "kv/+/x" { capabilities = ["list", "sudo"] }"#,
    );
    let tok = fx.login("r", "alice", json!([]));
    let caps = |path: &str| fx.run(&["token", "capabilities", &tok, path]);
    expect(&caps("secret/a/b"), 0, "create, read, update\n", "");
    expect(&caps("secret/deny"), 0, "deny\n", "");
    expect(&caps("kv/a/x"), 0, "list, sudo\n", "");
    expect(&caps("nothing"), 0, "deny\n", "");
    // The default policy.
    expect(&caps("auth/token/lookup-self"), 0, "read\n", "");
    expect(
        &caps("cubbyhole/x"),
        0,
        "create, delete, list, read, update\n",
        "",
    );
    expect(
        &fx.run(&["token", "capabilities", "-format=json", &tok, "secret/a"]),
        0,
        "[\n  \"create\",\n  \"read\",\n  \"update\"\n]\n",
        "",
    );
    // One argument: the caller's own token.
    expect(
        &fx.as_caller(&tok, &["token", "capabilities", "secret/x"]),
        0,
        "create, read, update\n",
        "",
    );
    expect(
        &fx.run(&["token", "capabilities"]),
        1,
        "",
        "Not enough arguments (expected 1-2, got 0)\n",
    );
    expect(
        &fx.run(&["token", "capabilities", "a", "b", "c"]),
        1,
        "",
        "Too many arguments (expected 1-2, got 3)\n",
    );
    // Policies change under a live token: capabilities are computed at request time.
    fx.policy("p1", r#"path "secret/*" { capabilities = ["list"] }"#);
    expect(&caps("secret/a/b"), 0, "list\n", "");
    fx.run(&["policy", "delete", "p1"]).ok();
    expect(&caps("secret/a/b"), 0, "deny\n", "");
}
