//! Issue 2 through the real binary: Vault's flag syntax, the state file, `auth enable|disable|list`,
//! `write|read|list|delete` with the kv-builder, `auth/<mount>/config`, `auth/<mount>/role`, and
//! the output formats.
//!
//! Expected messages and tables were captured from OpenBao 2.7 (`bao server -dev`, the commands
//! named beside each assertion, run by hand with `BAO_ADDR=http://127.0.0.1:8200`), minus the
//! `Error making API request.`/`URL:` lines that jwtvault leaves out (contract §6), and with
//! `jwtvault` where bao says `bao`.

use std::os::unix::fs::PermissionsExt;

use serde_json::{json, Value};

use crate::support::{
    api_err, config_fails, config_ok, expect, is_uuid, jwt_env, pem_arg, read_data, role_fails,
    role_ok, walkthrough_claims, write_err, Alg, Env, Key,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The grouped command list that `jwtvault`, `-h` and an unknown command print, pinned as text
/// (not computed by the code under test).
pub const GROUPED_HELP: &str = "Usage: jwtvault <command> [args]

Common commands:
    read        Read data (config, roles, identity, key cache)
    write       Write configuration and roles, log in (auth/<mount>/login)
    delete      Delete roles
    list        List roles, entities and groups
    login       Log in with a JWT and store the token

Other commands:
    auth        Interact with auth methods (enable, disable, list)
    token       Interact with tokens (lookup, renew, revoke, capabilities)
    policy      Interact with policies (write, read, list, delete, fmt)
    jwt         Make keys, sign and decode JWTs (no identity provider needed)
    demo        Run the walkthrough end to end on a temporary state
    completion  Print a shell completion script
    version     Print the version

Run `jwtvault <command> -help` for a command's flags and an example.
";

fn grouped_help() -> String {
    GROUPED_HELP.to_string()
}

// ---------------------------------------------------------------------------------------------
// Item 2: flag syntax
// ---------------------------------------------------------------------------------------------

#[test]
fn format_flag_in_every_spelling_and_place() {
    let env = jwt_env();
    role_ok(&env, "dev", &["user_claim=sub", "bound_subject=s"]);
    let spellings: [&[&str]; 5] = [
        &["read", "-format=json", "auth/jwt/role/dev"],
        &["read", "--format=json", "auth/jwt/role/dev"],
        &["read", "--format", "json", "auth/jwt/role/dev"],
        &["read", "-format", "json", "auth/jwt/role/dev"],
        // After the positional: Vault's pre-scan honours -format anywhere, silently.
        &["read", "auth/jwt/role/dev", "-format=json"],
    ];
    for args in spellings {
        let out = env.run(args);
        out.ok();
        assert_eq!(out.stderr, "", "{args:?}");
        assert_eq!(out.json()["data"]["user_claim"], "sub", "{args:?}");
    }
    // JWTVAULT_FORMAT applies when no flag is given; the flag wins over it.
    let mut env = env;
    env.set("JWTVAULT_FORMAT", "json");
    assert_eq!(
        env.run(&["read", "auth/jwt/role/dev"]).json()["data"]["bound_subject"],
        "s"
    );
    let out = env.run(&[
        "read",
        "-format=table",
        "-field=user_claim",
        "auth/jwt/role/dev",
    ]);
    expect(&out, 0, "sub", "");
}

#[test]
fn field_and_path_flags() {
    let env = Env::new();
    // -path=x and -path x.
    expect(
        &env.run(&["auth", "enable", "-path=x", "jwt"]),
        0,
        "Success! Enabled jwt auth method at: x/\n",
        "",
    );
    expect(
        &env.run(&[
            "auth",
            "enable",
            "--path",
            "y",
            "-description",
            "the y",
            "jwt",
        ]),
        0,
        "Success! Enabled jwt auth method at: y/\n",
        "",
    );
    role_ok_at(&env, "x", "r", &["user_claim=email", "bound_subject=s"]);
    for args in [
        ["read", "-field=user_claim", "auth/x/role/r"],
        ["read", "--field=user_claim", "auth/x/role/r"],
    ] {
        // Piped stdout: no trailing newline.
        expect(&env.run(&args), 0, "email", "");
    }
    expect(
        &env.run(&[
            "read",
            "-field",
            "user_claim",
            "-format=json",
            "auth/x/role/r",
        ]),
        0,
        "\"email\"",
        "",
    );
    // A missing field: Vault's message, exit 1.
    expect(
        &env.run(&["read", "-field=nope", "auth/x/role/r"]),
        1,
        "",
        "Field \"nope\" not present in secret\n",
    );
}

fn role_ok_at(env: &Env, mount: &str, name: &str, args: &[&str]) {
    let path = format!("auth/{mount}/role/{name}");
    let mut argv = vec!["write", path.as_str()];
    argv.extend_from_slice(args);
    expect(
        &env.run(&argv),
        0,
        &format!("Success! Data written to: {path}\n"),
        "",
    );
}

#[test]
fn flags_after_positionals_are_not_flags_and_are_warned_about() {
    let env = jwt_env();
    role_ok(&env, "dev", &["user_claim=sub", "bound_subject=s"]);
    // bao read auth/h/role/dev -field=x -foo: the warning, then `-field=x` is a K=V query
    // parameter and `-foo` a malformed one.
    expect(
        &env.run(&["read", "auth/jwt/role/dev", "-field=x", "-foo"]),
        1,
        "",
        "Command flags must be provided before positional arguments. The following arguments \
         will not be parsed as flags: [-field=x,-foo]\n\
         Failed to parse K=V data: invalid key/value pair \"-foo\": format must be key=value\n",
    );
    // A well-formed one is ignored: the warning, then the whole table.
    let out = env.run(&["read", "auth/jwt/role/dev", "-field=x"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "Command flags must be provided before positional arguments. The following arguments \
         will not be parsed as flags: [-field=x]\n"
    );
    assert!(out.stdout.starts_with("Key "), "{}", out.stdout);
    // -format is not listed (bao read auth/h/role/r1 -format=table -x=1).
    let out = env.run(&["read", "auth/jwt/role/dev", "-format=table", "-x=1"]);
    assert_eq!(
        out.stderr,
        "Command flags must be provided before positional arguments. The following arguments \
         will not be parsed as flags: [-x=1]\n"
    );
    // In JSON no warning is printed (table only).
    let out = env.run(&["read", "auth/jwt/role/dev", "-format=json", "-x=1"]);
    out.ok();
    assert_eq!(out.stderr, "");
    assert_eq!(out.json()["data"]["bound_subject"], "s");
}

#[test]
fn unknown_flags_bad_format_and_help() {
    let env = Env::new();
    // bao read -foo x
    for args in [
        &["read", "-foo", "x"][..],
        &["read", "--foo=1", "x"],
        &["auth", "list", "-foo"],
        &["write", "-foo", "p", "a=b"],
        &["auth", "enable", "-foo", "jwt"],
    ] {
        let name = args.iter().find(|a| a.contains("foo")).unwrap();
        let flag = name.trim_start_matches('-').split('=').next().unwrap();
        expect(
            &env.run(args),
            1,
            "",
            &format!("flag provided but not defined: -{flag}\n"),
        );
    }
    expect(
        &env.run(&["read", "-x", "p"]),
        1,
        "",
        "flag provided but not defined: -x\n",
    );
    // bao read -format=xml x
    expect(
        &env.run(&["read", "-format=xml", "x"]),
        1,
        "",
        "Invalid output format: xml\n",
    );
    expect(
        &env.run(&["auth", "list", "-format=XML"]),
        1,
        "",
        "Invalid output format: xml\n",
    );
    // Help: stdout, exit 0, in all three spellings and anywhere before the positionals.
    for args in [
        &["read", "-h"][..],
        &["read", "-help"],
        &["read", "--help"],
        &["auth", "enable", "-help"],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr, "", "{args:?}");
        assert!(
            out.stdout.contains("Usage: jwtvault "),
            "{args:?}: {}",
            out.stdout
        );
    }
    for args in [&["-h"][..], &["-help"], &["--help"]] {
        expect(&env.run(args), 0, &grouped_help(), "");
    }
    // No arguments, or an unknown command: the grouped help on stderr, exit 127.
    expect(&env.run(&[]), 127, "", &grouped_help());
    expect(&env.run(&["frobnicate", "x"]), 127, "", &grouped_help());
    // A parent command alone: its help on stderr, exit 1.
    let out = env.run(&["auth"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{}", out.stderr);
    assert!(
        out.stderr.contains("Usage: jwtvault auth"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("enable"), "{}", out.stderr);
    // Flags before the subcommand: Vault's text, then the help, exit 1.
    expect(
        &env.run(&["-format=json", "read", "x"]),
        1,
        "",
        &format!(
            "Invalid flags before the subcommand. If these flags are for\nthe subcommand, please \
             put them after the subcommand.\n\n{}",
            grouped_help()
        ),
    );
    // Nothing of this touched a state file.
    assert!(!env.state().exists());
}

#[test]
fn argument_counts() {
    let env = jwt_env();
    expect(
        &env.run(&["write"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    expect(
        &env.run(&["read"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    expect(
        &env.run(&["list"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    expect(
        &env.run(&["list", "a", "b"]),
        1,
        "",
        "Too many arguments (expected 1, got 2)\n",
    );
    expect(
        &env.run(&["delete"]),
        1,
        "",
        "Not enough arguments (expected at least 1, got 0)\n",
    );
    expect(
        &env.run(&["write", "auth/jwt/role/x"]),
        1,
        "",
        "Must supply data or use -force\n",
    );
    expect(
        &env.run(&["auth", "enable"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    expect(
        &env.run(&["auth", "enable", "jwt", "oidc"]),
        1,
        "",
        "Too many arguments (expected 1, got 2)\n",
    );
    expect(
        &env.run(&["auth", "disable"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    expect(
        &env.run(&["auth", "list", "x"]),
        1,
        "",
        "Too many arguments (expected 0, got 1)\n",
    );
}

// ---------------------------------------------------------------------------------------------
// Item 3: the state file
// ---------------------------------------------------------------------------------------------

fn sqlite_user_version(path: &std::path::Path) -> i64 {
    let c = rusqlite::Connection::open(path).expect("open state");
    c.pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("user_version")
}

#[test]
fn state_path_flag_env_and_default() {
    let mut env = Env::new();
    // -state wins over JWTVAULT_STATE.
    let flag_path = env.path("flag/s.db");
    let flag = format!("-state={}", flag_path.display());
    env.run(&["auth", "enable", &flag, "-path=viaflag", "jwt"])
        .ok();
    assert!(flag_path.exists());
    assert!(
        !env.state().exists(),
        "JWTVAULT_STATE must not be used when -state is given"
    );
    let out = env.run(&["auth", "list", "-state", flag_path.to_str().unwrap()]);
    assert!(out.stdout.contains("viaflag/"), "{}", out.stdout);
    // -state after the positionals is honoured too (as -format is).
    let out = env.run(&["list", "auth/viaflag/role", &flag]);
    expect(&out, 2, "", "No value found at auth/viaflag/role\n");

    // JWTVAULT_STATE.
    env.run(&["auth", "enable", "-path=viaenv", "jwt"]).ok();
    assert!(env.state().exists());
    let out = env.run(&["auth", "list"]);
    out.ok();
    assert!(
        out.stdout.contains("\nviaenv/ ") && !out.stdout.contains("viaflag/"),
        "{}",
        out.stdout
    );

    // The default: <data dir>/jwtvault/state.db, XDG_DATA_HOME first, then HOME.
    env.vars.retain(|(k, _)| k != "JWTVAULT_STATE");
    let xdg = env.path("xdg");
    env.set("XDG_DATA_HOME", xdg.to_str().unwrap());
    env.run(&["auth", "enable", "-path=viaxdg", "jwt"]).ok();
    assert!(xdg.join("jwtvault/state.db").exists());
    env.vars.retain(|(k, _)| k != "XDG_DATA_HOME");
    env.run(&["auth", "enable", "-path=viahome", "jwt"]).ok();
    let home_db = env.path("home/.local/share/jwtvault/state.db");
    assert!(home_db.exists());
    let out = env.run(&["auth", "list"]);
    out.ok();
    assert!(
        out.stdout.contains("\nviahome/ ") && !out.stdout.contains("viaxdg/"),
        "{}",
        out.stdout
    );
}

#[test]
fn state_file_modes_and_schema_version() {
    let env = Env::new();
    env.run(&["auth", "list"]).ok();
    let db = env.state();
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "state file mode {mode:o}");
    let dir_mode = std::fs::metadata(db.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700, "state folder mode {dir_mode:o}");
    assert_eq!(
        sqlite_user_version(&db),
        jwtvault::store::SCHEMA_VERSION as i64
    );
}

#[test]
fn foreign_and_corrupt_files_are_refused_and_untouched() {
    let env = Env::new();
    let text = env.file("text.db", "hello, I am not a database\n");
    let foreign = env.path("foreign.db");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let newer = env.path("newer.db");
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.pragma_update(None, "application_id", jwtvault::store::APPLICATION_ID)
            .unwrap();
        c.pragma_update(None, "user_version", jwtvault::store::SCHEMA_VERSION + 1)
            .unwrap();
        c.execute_batch("CREATE TABLE future(x);").unwrap();
    }
    let cases = [
        (&text, "not an SQLite database".to_string()),
        (
            &foreign,
            "it holds tables but no jwtvault application_id".to_string(),
        ),
    ];
    for (path, detail) in cases {
        let before = std::fs::read(path).unwrap();
        let flag = format!("-state={}", path.display());
        let msg = format!(
            "state file {} is not a jwtvault state file ({detail}); it was left untouched. Point \
             -state or JWTVAULT_STATE at a jwtvault state file or a new path",
            path.display()
        );
        // Every command, path handler or not, reports the unusable state file as itself.
        for args in [
            vec!["auth", "list", flag.as_str()],
            vec!["auth", "enable", flag.as_str(), "jwt"],
            vec!["write", flag.as_str(), "auth/jwt/role/x", "a=b"],
            vec!["read", flag.as_str(), "auth/jwt/role/x"],
            vec!["login", flag.as_str(), "--jwt", "x.y.z"],
        ] {
            expect(&env.run(&args), 2, "", &format!("{msg}\n"));
        }
        assert_eq!(
            std::fs::read(path).unwrap(),
            before,
            "{} was modified",
            path.display()
        );
    }
    let before = std::fs::read(&newer).unwrap();
    expect(
        &env.run(&["auth", "list", &format!("-state={}", newer.display())]),
        2,
        "",
        &format!(
            "state file {} has schema version {}, newer than this jwtvault supports ({}); it was \
             left untouched. Upgrade jwtvault\n",
            newer.display(),
            jwtvault::store::SCHEMA_VERSION + 1,
            jwtvault::store::SCHEMA_VERSION
        ),
    );
    assert_eq!(std::fs::read(&newer).unwrap(), before);
    assert!(!env.path("newer.db-wal").exists());
}

#[test]
fn a_failing_write_leaves_nothing_behind() {
    let env = jwt_env();
    // A new role failing at a late check is not created.
    role_fails(
        &env,
        "dev",
        &["user_claim=sub", "bound_subject=s", "claim_mappings=a=role"],
        "metadata key \"role\" is reserved and may not be a mapping destination",
    );
    expect(
        &env.run(&["list", "auth/jwt/role"]),
        2,
        "",
        "No value found at auth/jwt/role\n",
    );
    // An existing role is unchanged by a write that fails after merging some fields.
    role_ok(&env, "dev", &["user_claim=sub", "bound_subject=s"]);
    let before = read_data(&env, "auth/jwt/role/dev");
    role_fails(
        &env,
        "dev",
        &[
            "bound_subject=changed",
            "groups_claim=g",
            "claim_mappings=a=x",
            "claim_mappings=b=x",
        ],
        "multiple keys are mapped to metadata key \"x\"",
    );
    assert_eq!(read_data(&env, "auth/jwt/role/dev"), before);
    // A config write that fails keeps the old config.
    let key = Key::new(Alg::ES256);
    config_ok(
        &env,
        &[&pem_arg(&env, "k.pem", &key.public), "bound_issuer=old"],
    );
    let before = read_data(&env, "auth/jwt/config");
    config_fails(
        &env,
        &[
            &pem_arg(&env, "k.pem", &key.public),
            "bound_issuer=new",
            "jwt_supported_algs=HS256",
        ],
        "invalid jwt_supported_algs: unsupported signing algorithm \"HS256\"",
    );
    assert_eq!(read_data(&env, "auth/jwt/config"), before);
}

// ---------------------------------------------------------------------------------------------
// Item 4: auth enable / disable / list
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Item 5: write/read/list/delete and the kv-builder
// ---------------------------------------------------------------------------------------------

#[test]
fn kv_builder_forms() {
    let env = jwt_env();
    // k=@file: the raw contents as a string (trailing newline kept, then trimmed by the field).
    let f = env.file("claim.txt", "email\n");
    role_ok(
        &env,
        "a",
        &[&format!("user_claim=@{}", f.display()), "bound_subject=s"],
    );
    assert_eq!(read_data(&env, "auth/jwt/role/a")["user_claim"], "email\n");
    // k=- : stdin as a raw string.
    let out = env.run_stdin(
        &[
            "write",
            "auth/jwt/role/b",
            "user_claim=-",
            "bound_subject=s",
        ],
        "from-stdin",
    );
    expect(&out, 0, "Success! Data written to: auth/jwt/role/b\n", "");
    assert_eq!(
        read_data(&env, "auth/jwt/role/b")["user_claim"],
        "from-stdin"
    );
    // @file.json merged; later arguments override.
    let j = env.file(
        "role.json",
        r#"{"user_claim":"sub","bound_claims":{"groups":["eng","ops"],"n":25},"token_ttl":90,"bound_subject":"x"}"#,
    );
    role_ok(
        &env,
        "c",
        &["bound_subject=y", &format!("@{}", j.display())],
    );
    let d = read_data(&env, "auth/jwt/role/c");
    assert_eq!(
        d["bound_claims"],
        json!({"groups": ["eng", "ops"], "n": 25})
    );
    assert_eq!(
        (d["token_ttl"].clone(), d["bound_subject"].clone()),
        (json!(90), json!("x"))
    );
    // A k=v after the file's key is a repeated key: a list, which a string field refuses
    // (bao write auth/h/role/kk @rr.json bound_subject=y).
    let path = "auth/jwt/role/c";
    let file_arg = format!("@{}", j.display());
    expect(
        &env.run(&["write", path, &file_arg, "bound_subject=y"]),
        2,
        "",
        &write_err(path, "error converting input for field \"bound_subject\": '' expected type 'string', got unconvertible type '[]interface {}'"),
    );
    // `-`: stdin as a JSON object.
    let out = env.run_stdin(
        &["write", "auth/jwt/role/d", "-"],
        r#"{"user_claim":"sub","bound_audiences":["a","b"]}"#,
    );
    expect(&out, 0, "Success! Data written to: auth/jwt/role/d\n", "");
    assert_eq!(
        read_data(&env, "auth/jwt/role/d")["bound_audiences"],
        json!(["a", "b"])
    );
    // Repeated keys become a list (each element kept whole: no comma splitting inside).
    role_ok(
        &env,
        "e",
        &[
            "user_claim=sub",
            "bound_audiences=a,b",
            "bound_audiences=c",
            "token_policies=p1",
            "token_policies=p2",
        ],
    );
    let d = read_data(&env, "auth/jwt/role/e");
    assert_eq!(d["bound_audiences"], json!(["a,b", "c"]));
    assert_eq!(d["token_policies"], json!(["p1", "p2"]));
    // key=\@text is a literal @.
    role_ok(&env, "f", &["user_claim=\\@odd", "bound_subject=s"]);
    assert_eq!(read_data(&env, "auth/jwt/role/f")["user_claim"], "@odd");
}

#[test]
fn kv_builder_errors() {
    let env = jwt_env();
    env.file("arr.json", "[1]\n");
    env.file("bad.json", "{\"a\":\n");
    // Each line checked with bao write auth/h/role/r <arg> < /dev/null.
    let cases: [(&[&str], &str); 8] = [
        (&["-"], "invalid key/value pair \"-\": EOF"),
        (&["@arr.json"], "invalid key/value pair \"@arr.json\": json: cannot unmarshal array into Go value of type map[string]interface {}"),
        (&["@bad.json"], "invalid key/value pair \"@bad.json\": unexpected EOF"),
        (&["@nofile.json"], "invalid key/value pair \"@nofile.json\": open nofile.json: no such file or directory"),
        (&["k=@nofile"], "invalid key/value pair \"k=@nofile\": error reading file: open nofile: no such file or directory"),
        (&["foo"], "invalid key/value pair \"foo\": format must be key=value"),
        (&["a=-", "b=-"], "invalid key/value pair \"b=-\": stdin already consumed"),
        (&["a=-", "-"], "invalid key/value pair \"-\": stdin already consumed"),
    ];
    for (args, msg) in cases {
        let mut argv = vec!["write", "auth/jwt/role/r"];
        argv.extend_from_slice(args);
        expect(
            &env.run(&argv),
            1,
            "",
            &format!("Failed to parse K=V data: {msg}\n"),
        );
    }
    expect(
        &env.run(&["list", "auth/jwt/role"]),
        2,
        "",
        "No value found at auth/jwt/role\n",
    );
}

#[test]
fn read_list_delete_basics() {
    let env = jwt_env();
    // bao read auth/h/role/zzz; bao list auth/h/role (none); bao delete auth/h/role/zzz
    expect(
        &env.run(&["read", "auth/jwt/role/zzz"]),
        2,
        "",
        "No value found at auth/jwt/role/zzz\n",
    );
    expect(
        &env.run(&["read", "-format=json", "auth/jwt/role/zzz"]),
        2,
        "",
        "No value found at auth/jwt/role/zzz\n",
    );
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
    expect(
        &env.run(&["list", "-format=json", "auth/jwt/role"]),
        2,
        "{}\n",
        "",
    );
    expect(
        &env.run(&["delete", "auth/jwt/role/zzz"]),
        0,
        "Success! Data deleted (if it existed) at: auth/jwt/role/zzz\n",
        "",
    );
    expect(
        &env.run(&["delete", "-format=json", "auth/jwt/role/zzz"]),
        0,
        "",
        "",
    );
    for n in ["b", "a", "c.d"] {
        role_ok(&env, n, &["user_claim=sub", "bound_subject=s"]);
    }
    // Names are lower-cased.
    role_ok(&env, "UP", &["user_claim=sub", "bound_subject=s"]);
    expect(
        &env.run(&["list", "auth/jwt/role"]),
        0,
        "Keys\n----\na\nb\nc.d\nup\n",
        "",
    );
    expect(
        &env.run(&["list", "/auth/jwt/role/"]),
        0,
        "Keys\n----\na\nb\nc.d\nup\n",
        "",
    );
    expect(
        &env.run(&["list", "-format=json", "auth/jwt/role"]),
        0,
        "[\n  \"a\",\n  \"b\",\n  \"c.d\",\n  \"up\"\n]\n",
        "",
    );
    expect(
        &env.run(&["list", "-format=yaml", "auth/jwt/role"]),
        0,
        "- a\n- b\n- c.d\n- up\n",
        "",
    );
    expect(
        &env.run(&["delete", "auth/jwt/role/b"]),
        0,
        "Success! Data deleted (if it existed) at: auth/jwt/role/b\n",
        "",
    );
    expect(
        &env.run(&["list", "auth/jwt/role"]),
        0,
        "Keys\n----\na\nc.d\nup\n",
        "",
    );
    // Paths with no handler: contract §3 (OpenBao says `No value found` for reads).
    expect(
        &env.run(&["read", "auth/jwt/nothing"]),
        2,
        "",
        &api_err(
            "Error reading auth/jwt/nothing",
            404,
            "no handler for route \"auth/jwt/nothing\"",
        ),
    );
    expect(
        &env.run(&["write", "secret/x", "a=b"]),
        2,
        "",
        &api_err(
            "Error writing data to secret/x",
            404,
            "no handler for route \"secret/x\"",
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// Item 6: auth/<mount>/config
// ---------------------------------------------------------------------------------------------

#[test]
fn config_checks_in_order() {
    let env = jwt_env();
    let key = Key::new(Alg::ES256);
    let pk = pem_arg(&env, "k.pem", &key.public);
    let pk = pk.as_str();
    // Every message below: bao write auth/h/config <same args>, except where noted.
    // Full replace: default_role alone has no key source. (OpenBao 2.7 also names
    // 'provider_config' here; jwtvault keeps Vault's text, as vault-jwt-reference §2.3.)
    let exactly_one = "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' must be set";
    config_fails(&env, &["default_role=x"], exactly_one);
    config_fails(&env, &[pk, "jwks_url=http://127.0.0.1:1/jwks"], exactly_one);
    config_fails(
        &env,
        &[pk, "oidc_client_id=a"],
        "both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC",
    );
    config_fails(
        &env,
        &[pk, "oidc_client_secret=b"],
        "both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC",
    );
    // The client-id check comes before any network use.
    config_fails(
        &env,
        &[
            "jwks_url=http://127.0.0.1:1/x",
            "oidc_client_id=a",
            "oidc_client_secret=b",
        ],
        "'oidc_discovery_url' must be set for OIDC",
    );
    // jwks_pairs checks (vault-jwt-reference §2.3 5, 6, 8; OpenBao 2.7 has no jwks_pairs).
    let pairs = r#"jwks_pairs=[{"jwks_url":"http://127.0.0.1:1/"}]"#;
    config_fails(
        &env,
        &[pairs, "jwks_ca_pem=x", "bound_issuer=y"],
        "CA PEMs must be provided as part of the 'jwks_pairs' when using multiple JWKS URLs",
    );
    config_fails(
        &env,
        &[pairs, "bound_issuer=y"],
        "Bound issuer is not supported for use with 'jwks_pairs'",
    );
    let invalid_pairs = "invalid jwks_pairs: jwks_pairs must be provided as a list of json objects with the fields jwks_url and jwks_ca_pem";
    config_fails(&env, &[r#"jwks_pairs=["x"]"#], invalid_pairs);
    // Public keys.
    config_fails(
        &env,
        &["jwt_validation_pubkeys=notakey"],
        "error parsing public key: data does not contain any valid public keys",
    );
    let other = Key::new(Alg::RS256);
    let two = format!("{}{}", other.public, key.public);
    config_fails(
        &env,
        &[&pem_arg(&env, "two.pem", &two)],
        "error parsing public key: unexpected trailing data after parsed PEM block",
    );
    // A PKCS#1 `RSA PUBLIC KEY` block fails PKIX, then the certificate parse.
    let pkcs1 = rsa_public_pkcs1_pem(&other.public);
    config_fails(
        &env,
        &[&pem_arg(&env, "pkcs1.pem", &pkcs1)],
        "error parsing public key: x509: malformed tbs certificate",
    );
    // Post-switch checks.
    config_fails(
        &env,
        &[pk, "jwt_supported_algs=RS256,HS256"],
        "invalid jwt_supported_algs: unsupported signing algorithm \"HS256\"",
    );
    config_fails(
        &env,
        &[pk, "jwt_supported_algs=rs256"],
        "invalid jwt_supported_algs: unsupported signing algorithm \"rs256\"",
    );
    config_fails(
        &env,
        &[pk, "oidc_response_types=code,token"],
        "invalid response_types [code token]. 'code' and 'id_token' are allowed",
    );
    config_fails(
        &env,
        &[pk, "oidc_response_types=id_token"],
        "query response_mode may not be used with an id_token response_type",
    );
    config_fails(
        &env,
        &[
            pk,
            "oidc_response_types=id_token",
            "oidc_response_mode=query",
        ],
        "query response_mode may not be used with an id_token response_type",
    );
    config_fails(
        &env,
        &[pk, "oidc_response_mode=fragment"],
        "invalid response_mode: \"fragment\"",
    );
    // The algs check runs before the response-type check.
    config_fails(
        &env,
        &[pk, "jwt_supported_algs=none", "oidc_response_types=x"],
        "invalid jwt_supported_algs: unsupported signing algorithm \"none\"",
    );
    let body = |pc: &str| {
        json!({"jwt_validation_pubkeys": key.public, "provider_config": serde_json::from_str::<Value>(pc).unwrap()}).to_string()
    };
    for (pc, msg) in [
        (
            r#"{"a":1}"#,
            "invalid provider_config: 'provider' field not found in provider_config",
        ),
        (
            r#"{"provider":"foo"}"#,
            "invalid provider_config: provider \"foo\" not found in custom providers",
        ),
    ] {
        expect(
            &env.run_stdin(&["write", "auth/jwt/config", "-"], &body(pc)),
            2,
            "",
            &write_err("auth/jwt/config", msg),
        );
    }
    // Field conversion errors on config carry OpenBao's `Field validation failed:` prefix.
    config_fails(
        &env,
        &[pk, "namespace_in_state=maybe"],
        "Field validation failed: error converting input for field \"namespace_in_state\": '' cannot parse value as 'bool': strconv.ParseBool: invalid syntax",
    );
    config_fails(
        &env,
        &[pk, "provider_config={\"a\":1}"],
        "Field validation failed: error converting input for field \"provider_config\": '' expected type 'map[string]interface {}', got unconvertible type 'string'",
    );
    // None of these wrote anything.
    expect(
        &env.run(&["read", "auth/jwt/config"]),
        2,
        "",
        "No value found at auth/jwt/config\n",
    );
    // And a valid one with an id_token + form_post pair, and azure's provider_config, is accepted.
    config_ok(
        &env,
        &[
            pk,
            "oidc_response_types=id_token",
            "oidc_response_mode=form_post",
        ],
    );
    expect(
        &env.run_stdin(
            &["write", "auth/jwt/config", "-"],
            &body(r#"{"provider":"azure"}"#),
        ),
        0,
        "Success! Data written to: auth/jwt/config\n",
        "",
    );
}

/// Re-encodes an SPKI RSA public key as PKCS#1 (`RSA PUBLIC KEY`): the SPKI's BIT STRING holds
/// the PKCS#1 structure.
fn rsa_public_pkcs1_pem(spki_pem: &str) -> String {
    use base64::Engine;
    let b64: String = spki_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    // SEQUENCE { SEQUENCE { algorithm }, BIT STRING { 0x00, pkcs1 } }: find the BIT STRING.
    let (_, outer_body) = der_header(&der);
    let (alg_len, _) = der_header(&der[outer_body..]);
    let bit = outer_body + alg_len;
    assert_eq!(der[bit], 0x03);
    let (bit_total, bit_body) = der_header(&der[bit..]);
    let pkcs1 = &der[bit + bit_body + 1..bit + bit_total];
    let b64 = base64::engine::general_purpose::STANDARD.encode(pkcs1);
    let mut out = "-----BEGIN RSA PUBLIC KEY-----\n".to_string();
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str("-----END RSA PUBLIC KEY-----\n");
    out
}

/// (total length, header length) of the DER element at the start of `d`.
fn der_header(d: &[u8]) -> (usize, usize) {
    let l = d[1] as usize;
    if l < 0x80 {
        (2 + l, 2)
    } else {
        let n = l & 0x7f;
        let len = d[2..2 + n]
            .iter()
            .fold(0usize, |a, &b| (a << 8) | b as usize);
        (2 + n + len, 2 + n)
    }
}

#[test]
fn config_accepts_every_key_type_and_reads_back() {
    let env = jwt_env();
    let keys: Vec<String> = [Alg::RS256, Alg::ES256, Alg::ES384, Alg::ES512, Alg::EdDSA]
        .into_iter()
        .map(|a| Key::new(a).public)
        .collect();
    let cert = rcgen::generate_simple_self_signed(vec!["issuer.example".to_string()])
        .unwrap()
        .cert
        .pem();
    for (i, pem) in keys.iter().chain([&cert]).enumerate() {
        config_ok(&env, &[&pem_arg(&env, &format!("k{i}.pem"), pem)]);
    }
    // All of them at once, in a JSON list (one PEM block per element).
    let mut all = keys.clone();
    all.push(cert.clone());
    let body = json!({
        "jwt_validation_pubkeys": all,
        "bound_issuer": "https://iss/",
        "default_role": "Dev",
        "jwt_supported_algs": "ES256,EdDSA",
        "oidc_discovery_ca_pem": "abc",
        "jwks_ca_pem": "def",
        "unsupported_critical_cert_extensions": "1.2.3",
        "oidc_response_types": "code",
        "oidc_response_mode": "query",
        "token_audiences": "vault-aud-value,other",
    });
    expect(
        &env.run_stdin(&["write", "auth/jwt/config", "-"], &body.to_string()),
        0,
        "Success! Data written to: auth/jwt/config\n",
        "",
    );
    // Vault's 15 keys plus token_audiences; never the client secret.
    let d = read_data(&env, "auth/jwt/config");
    assert_eq!(
        d,
        json!({
            "bound_issuer": "https://iss/",
            "default_role": "dev",
            "jwks_ca_pem": "def",
            "jwks_pairs": [],
            "jwks_url": "",
            "jwt_supported_algs": ["ES256", "EdDSA"],
            // Each element whitespace-trimmed (TypeCommaStringSlice), as bao read shows.
            "jwt_validation_pubkeys": all.iter().map(|k| k.trim()).collect::<Vec<_>>(),
            "namespace_in_state": true,
            "oidc_client_id": "",
            "oidc_discovery_ca_pem": "abc",
            "oidc_discovery_url": "",
            "oidc_response_mode": "query",
            "oidc_response_types": ["code"],
            "provider_config": {},
            "token_audiences": ["vault-aud-value", "other"],
            "unsupported_critical_cert_extensions": ["1.2.3"],
        })
    );
}

#[test]
fn config_full_replace_table_and_namespace_in_state() {
    let env = jwt_env();
    let key = Key::new(Alg::ES256);
    let pk = pem_arg(&env, "k.pem", &key.public);
    config_ok(
        &env,
        &[
            &pk,
            "bound_issuer=https://iss/",
            "namespace_in_state=false",
            "default_role=dev",
        ],
    );
    // A second write without bound_issuer clears it; namespace_in_state keeps its stored value.
    config_ok(&env, &[&pk]);
    let d = read_data(&env, "auth/jwt/config");
    assert_eq!(
        (d["bound_issuer"].clone(), d["default_role"].clone()),
        (json!(""), json!(""))
    );
    assert_eq!(d["namespace_in_state"], false);
    config_ok(&env, &[&pk, "namespace_in_state=true"]);
    assert_eq!(
        read_data(&env, "auth/jwt/config")["namespace_in_state"],
        true
    );
    // The table (bao read auth/h/config, without OpenBao 2.7's own override_allowed_server_names
    // and status rows, with Vault's jwks_pairs and unsupported_critical_cert_extensions and
    // jwtvault's token_audiences). bao prints the PEM's newlines raw; jwtvault escapes every
    // control character in a table cell (issue 16 item 7), so the PEM shows `\n`.
    config_ok(
        &env,
        &[
            &pk,
            "bound_issuer=https://iss/",
            "default_role=Dev",
            "jwt_supported_algs=ES256",
        ],
    );
    let out = env.run(&["read", "auth/jwt/config"]);
    expect(
        &out,
        0,
        &format!(
            "Key                                     Value\n\
             ---                                     -----\n\
             bound_issuer                            https://iss/\n\
             default_role                            dev\n\
             jwks_ca_pem                             n/a\n\
             jwks_pairs                              []\n\
             jwks_url                                n/a\n\
             jwt_supported_algs                      [ES256]\n\
             jwt_validation_pubkeys                  [{}]\n\
             namespace_in_state                      true\n\
             oidc_client_id                          n/a\n\
             oidc_discovery_ca_pem                   n/a\n\
             oidc_discovery_url                      n/a\n\
             oidc_response_mode                      n/a\n\
             oidc_response_types                     []\n\
             provider_config                         map[]\n\
             token_audiences                         []\n\
             unsupported_critical_cert_extensions    []\n",
            key.public.trim_end().replace('\n', "\\n")
        ),
        "",
    );
}

#[test]
fn config_never_returns_the_client_secret() {
    let env = jwt_env();
    let key = Key::new(Alg::ES256);
    let pk = pem_arg(&env, "k.pem", &key.public);
    // The client pair is checked and, with a discovery URL, needs the network; the pair alone
    // with static keys is refused before any network use, so write the secret through a
    // config that passes: there is none offline. Instead check a write that fails late does
    // not echo it.
    let out = env.run(&[
        "write",
        "auth/jwt/config",
        &pk,
        "oidc_client_secret=s3cr3t-value",
    ]);
    // The exact output: Vault's message, and so no echo of the secret.
    expect(
        &out,
        2,
        "",
        &write_err(
            "auth/jwt/config",
            "both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC",
        ),
    );
    config_ok(&env, &[&pk]);
    let d = read_data(&env, "auth/jwt/config");
    assert!(
        d.get("oidc_client_id").is_some() && d.get("oidc_client_secret").is_none(),
        "{d}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 7: auth/<mount>/role
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Item 8: output
// ---------------------------------------------------------------------------------------------

#[test]
fn output_formats_and_errors() {
    let env = jwt_env();
    role_ok(
        &env,
        "dev",
        &["user_claim=sub", "bound_subject=s", "token_policies=a,b"],
    );
    // YAML: keys sorted, the envelope's fields too.
    let out = env.run(&["read", "-format=yaml", "auth/jwt/role/dev"]);
    out.ok();
    assert!(
        out.stdout
            .starts_with("data:\n  allowed_redirect_uris: null\n  bound_audiences: null\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\n  token_policies:\n  - a\n  - b\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\nrenewable: false\nrequest_id: "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("\nwarnings: null\n"), "{}", out.stdout);
    // -field with lists: %v in table, JSON in json.
    expect(
        &env.run(&["read", "-field=token_policies", "auth/jwt/role/dev"]),
        0,
        "[a b]",
        "",
    );
    expect(
        &env.run(&[
            "read",
            "-format=json",
            "-field=token_policies",
            "auth/jwt/role/dev",
        ]),
        0,
        "[\n  \"a\",\n  \"b\"\n]",
        "",
    );
    expect(
        &env.run(&["read", "-field=token_ttl", "auth/jwt/role/dev"]),
        0,
        "0",
        "",
    );
    // Errors with -format=json: the text, then {"errors": [...]} on stderr (contract §6).
    let out = env.run(&["write", "-format=json", "auth/jwt/role/x", "role_type=foo"]);
    expect(
        &out,
        2,
        "",
        &format!(
            "{}{{\n  \"errors\": [\n    \"invalid 'role_type': foo\"\n  ]\n}}\n",
            write_err("auth/jwt/role/x", "invalid 'role_type': foo")
        ),
    );
    // Success lines are table-only for write and delete.
    expect(
        &env.run(&[
            "write",
            "-format=json",
            "auth/jwt/role/dev",
            "groups_claim=g",
        ]),
        0,
        "",
        "",
    );
    expect(
        &env.run(&[
            "write",
            "-format=yaml",
            "auth/jwt/role/dev",
            "groups_claim=g",
        ]),
        0,
        "",
        "",
    );
    // `auth enable` prints its Success line whatever the format variable says.
    let mut env2 = Env::new();
    env2.set("JWTVAULT_FORMAT", "json");
    expect(
        &env2.run(&["auth", "enable", "jwt"]),
        0,
        "Success! Enabled jwt auth method at: jwt/\n",
        "",
    );
}
