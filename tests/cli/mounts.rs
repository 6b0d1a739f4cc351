//! Auth mounts: `auth enable` (its flags and refusals), `auth disable` (and what it removes) and
//! `auth list` in table, `-detailed`, JSON and YAML. Vault's rules for mount paths are in
//! `names.rs`.
//!
//! Expected messages and tables were captured from OpenBao 2.7 (`bao server -dev`, the commands
//! named beside each assertion, run by hand with `BAO_ADDR=http://127.0.0.1:8200`), minus the
//! `Error making API request.`/`URL:` lines that jwtvault leaves out (contract §6), and with
//! `jwtvault` where bao says `bao`.

use serde_json::json;

use crate::support::{api_err, expect, is_uuid, jwt_env, role_ok, walkthrough_claims, Alg, Env};

fn accessor_ok(acc: &str, kind: &str) -> bool {
    let prefix = format!("auth_{kind}_");
    acc.strip_prefix(&prefix).is_some_and(|h| {
        h.len() == 8
            && h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    })
}

#[test]
fn auth_list_table_and_json() {
    let env = Env::new();
    // A fresh state: only token/ (bao auth list on a fresh dev server).
    let out = env.run(&["auth", "list"]);
    out.ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert_eq!(
        lines[0],
        "Path      Type     Accessor               Description                Version"
    );
    assert_eq!(
        lines[1],
        "----      ----     --------               -----------                -------"
    );
    let cols: Vec<&str> = lines[2]
        .split("    ")
        .filter(|c| !c.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(cols[0], "token/");
    assert_eq!(cols[1], "token");
    assert!(accessor_ok(cols[2], "token"), "{}", cols[2]);
    assert_eq!(&cols[3..], ["token based credentials", "n/a"]);
    let token_acc = cols[2].to_string();
    assert_eq!(
        lines[2],
        format!("token/    token    {token_acc}    token based credentials    n/a")
    );

    expect(
        &env.run(&[
            "auth",
            "enable",
            "-path=corp-jwt",
            "-description=Corporate IdP JWTs",
            "jwt",
        ]),
        0,
        "Success! Enabled jwt auth method at: corp-jwt/\n",
        "",
    );
    expect(
        &env.run(&["auth", "enable", "oidc"]),
        0,
        "Success! Enabled oidc auth method at: oidc/\n",
        "",
    );
    let json = env.run(&["auth", "list", "-format=json"]);
    json.ok();
    let v = json.json();
    let obj = v.as_object().unwrap();
    assert_eq!(
        obj.keys().collect::<Vec<_>>(),
        ["corp-jwt/", "oidc/", "token/"]
    );
    let corp = &v["corp-jwt/"];
    let acc = corp["accessor"].as_str().unwrap().to_string();
    assert!(accessor_ok(&acc, "jwt"), "{acc}");
    assert!(accessor_ok(
        v["oidc/"]["accessor"].as_str().unwrap(),
        "oidc"
    ));
    assert!(is_uuid(corp["uuid"].as_str().unwrap()));
    // bao auth list -format=json: the struct's field order, not sorted keys.
    let expected = format!(
        r#"  "corp-jwt/": {{
    "uuid": "{}",
    "type": "jwt",
    "description": "Corporate IdP JWTs",
    "accessor": "{acc}",
    "config": {{
      "default_lease_ttl": 0,
      "max_lease_ttl": 0,
      "force_no_cache": false,
      "token_type": "default-service"
    }},
    "options": null,
    "local": false,
    "seal_wrap": false,
    "external_entropy_access": false,
    "plugin_version": "",
    "running_plugin_version": "v{}+builtin.jwtvault",
    "running_sha256": "",
    "deprecation_status": "supported"
  }},"#,
        corp["uuid"].as_str().unwrap(),
        env!("CARGO_PKG_VERSION")
    );
    assert!(
        json.stdout.starts_with(&format!("{{\n{expected}\n")),
        "{}",
        json.stdout
    );
    assert_eq!(v["token/"]["deprecation_status"], "");
    assert_eq!(v["token/"]["accessor"], token_acc.as_str());

    let out = env.run(&["auth", "list"]);
    let oidc_acc = v["oidc/"]["accessor"].as_str().unwrap();
    assert_eq!(
        out.stdout,
        format!(
            "Path         Type     Accessor               Description                Version\n\
             ----         ----     --------               -----------                -------\n\
             corp-jwt/    jwt      {acc}      Corporate IdP JWTs         n/a\n\
             oidc/        oidc     {oidc_acc}     n/a                        n/a\n\
             token/       token    {token_acc}    token based credentials    n/a\n"
        )
    );
    // YAML: keys sorted.
    let yaml = env.run(&["auth", "list", "-format=yaml"]);
    yaml.ok();
    assert!(
        yaml.stdout.starts_with("corp-jwt/:\n  accessor: "),
        "{}",
        yaml.stdout
    );
}

#[test]
fn auth_enable_flags_and_detailed_list() {
    let env = Env::new();
    // bao auth enable -path=fd -description="my desc" -default-lease-ttl=1h -max-lease-ttl=2h -token-type=batch jwt
    expect(
        &env.run(&[
            "auth",
            "enable",
            "-path=fd",
            "-description=my desc",
            "-default-lease-ttl=1h",
            "-max-lease-ttl=2h",
            "-token-type=batch",
            "jwt",
        ]),
        0,
        "Success! Enabled jwt auth method at: fd/\n",
        "",
    );
    let v = env.run(&["auth", "list", "-format=json"]).json();
    assert_eq!(
        v["fd/"]["config"],
        json!({"default_lease_ttl": 3600, "max_lease_ttl": 7200, "force_no_cache": false, "token_type": "batch"})
    );
    let acc = v["fd/"]["accessor"].as_str().unwrap();
    let uuid = v["fd/"]["uuid"].as_str().unwrap();
    let tacc = v["token/"]["accessor"].as_str().unwrap();
    let tuuid = v["token/"]["uuid"].as_str().unwrap();
    let out = env.run(&["auth", "list", "-detailed"]);
    out.ok();
    let ver = format!("v{}+builtin.jwtvault", env!("CARGO_PKG_VERSION"));
    let pad = " ".repeat(ver.len().saturating_sub("Running Version".len()));
    let dash = "-".repeat("Running Version".len());
    // The row layout of bao auth list -detailed (its Running Version is v2.7.2+builtin.bao).
    assert_eq!(
        out.stdout,
        format!(
            "Path      Plugin    Accessor               Default TTL    Max TTL    Token Type         Replication    Seal Wrap    External Entropy Access    Options    Description                UUID                                    Version    Running Version{pad}    Running SHA256    Deprecation Status\n\
             ----      ------    --------               -----------    -------    ----------         -----------    ---------    -----------------------    -------    -----------                ----                                    -------    {dash}{pad}    --------------    ------------------\n\
             fd/       jwt       {acc}      3600           7200       batch              replicated     false        false                      map[]      my desc                    {uuid}    n/a        {ver}    n/a               supported\n\
             token/    token     {tacc}    system         system     default-service    replicated     false        false                      map[]      token based credentials    {tuuid}    n/a        {ver}    n/a               n/a\n"
        )
    );
}

#[test]
fn auth_enable_refusals() {
    let env = jwt_env();
    // bao auth enable -path=fa jwt (twice), -path=fa/x, -path=f (f/ is free).
    let ctx = "Error enabling jwt auth";
    expect(
        &env.run(&["auth", "enable", "jwt"]),
        2,
        "",
        &api_err(ctx, 400, "path is already in use at jwt/"),
    );
    expect(
        &env.run(&["auth", "enable", "-path=jwt/x", "jwt"]),
        2,
        "",
        &api_err(ctx, 400, "path is already in use at jwt/"),
    );
    expect(
        &env.run(&["auth", "enable", "-path=a/b", "jwt"]),
        0,
        "Success! Enabled jwt auth method at: a/b/\n",
        "",
    );
    expect(
        &env.run(&["auth", "enable", "-path=a", "jwt"]),
        2,
        "",
        &api_err(ctx, 400, "path is already in use at a/b/"),
    );
    expect(
        &env.run(&["auth", "enable", "-path=j", "jwt"]),
        0,
        "Success! Enabled jwt auth method at: j/\n",
        "",
    );
    expect(
        &env.run(&["auth", "enable", "-path=token", "jwt"]),
        2,
        "",
        &api_err(ctx, 400, "path is already in use at token/"),
    );
    expect(
        &env.run(&["auth", "enable", "foo"]),
        2,
        "",
        &api_err(
            "Error enabling foo auth",
            400,
            "plugin not found in the catalog: foo",
        ),
    );
    expect(
        &env.run(&["auth", "enable", "-path=t2", "token"]),
        2,
        "",
        &api_err(
            "Error enabling token auth",
            400,
            "token credential backend cannot be instantiated",
        ),
    );
    // bao auth enable -default-lease-ttl=abc -path=g jwt
    expect(
        &env.run(&["auth", "enable", "-default-lease-ttl=abc", "-path=g", "jwt"]),
        1,
        "",
        "invalid value \"abc\" for flag -default-lease-ttl: time: invalid duration \"abc\"\n",
    );
    expect(
        &env.run(&["auth", "enable", "-max-lease-ttl=7d", "-path=g", "jwt"]),
        1,
        "",
        "invalid value \"7d\" for flag -max-lease-ttl: time: unknown unit \"d\" in duration \"7d\"\n",
    );
    // Nothing was mounted at g/ by the refused commands: only the mounts made above.
    let out = env.run(&["auth", "list", "-format=json"]);
    out.ok();
    assert_eq!(
        out.json()
            .as_object()
            .expect("mounts")
            .keys()
            .collect::<Vec<_>>(),
        ["a/b/", "j/", "jwt/", "token/"]
    );
}

#[test]
fn auth_disable_messages_and_effects() {
    let env = Env::new();
    let key = env.jwt_mount_with_key(Alg::RS256, &[]);
    role_ok(
        &env,
        "dev",
        &["user_claim=sub", "bound_audiences=vault-aud-value"],
    );
    let jwt = key.sign(&walkthrough_claims("https://issuer"));
    let jwt_arg = format!("jwt={jwt}");
    let token = env.run(&[
        "write",
        "-field=token",
        "auth/jwt/login",
        "role=dev",
        &jwt_arg,
    ]);
    token.ok();
    let token = token.stdout;
    assert!(token.starts_with("jvs."), "{token}");
    let mut tenv = Env {
        dir: tempfile::tempdir().unwrap(),
        vars: env.vars.clone(),
        db: None,
    };
    tenv.set("JWTVAULT_TOKEN", &token);
    env.run(&["token", "lookup", &token]).ok();

    // bao auth disable token
    expect(
        &env.run(&["auth", "disable", "token"]),
        2,
        "",
        &api_err(
            "Error disabling auth method at token/",
            400,
            "token credential backend cannot be disabled",
        ),
    );
    expect(
        &env.run(&["auth", "disable", "/jwt/"]),
        0,
        "Success! Disabled the auth method (if it existed) at: jwt/\n",
        "",
    );
    // A path that does not exist also succeeds.
    expect(
        &env.run(&["auth", "disable", "jwt"]),
        0,
        "Success! Disabled the auth method (if it existed) at: jwt/\n",
        "",
    );
    // The mount's token is revoked; its roles and config are gone.
    let out = env.run(&["token", "lookup", &token]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("bad token"), "{}", out.stderr);
    env.run(&["auth", "enable", "jwt"]).ok();
    expect(
        &env.run(&["read", "auth/jwt/config"]),
        2,
        "",
        "No value found at auth/jwt/config\n",
    );
    expect(
        &env.run(&["list", "auth/jwt/role"]),
        2,
        "",
        "No value found at auth/jwt/role\n",
    );
}
