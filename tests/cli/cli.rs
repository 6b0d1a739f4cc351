//! The command line itself: Vault's flag syntax (`-flag=v`, `--flag v`, `-format` anywhere,
//! flags after the positionals), unknown flags and bad values, argument counts, and the help
//! texts (every command's `-help` with an example, the grouped command list) with their exit
//! codes.
//!
//! Expected messages and tables were captured from OpenBao 2.7 (`bao server -dev`, the commands
//! named beside each assertion, run by hand with `BAO_ADDR=http://127.0.0.1:8200`), minus the
//! `Error making API request.`/`URL:` lines that jwtvault leaves out (contract §6), and with
//! `jwtvault` where bao says `bao`.

use crate::support::{expect, jwt_env, role_ok, Env};

/// The grouped command list that `jwtvault`, `-h` and an unknown command print, pinned as text
/// (not computed by the code under test).
const GROUPED_HELP: &str = "Usage: jwtvault <command> [args]

Common commands:
    read        Read data and secrets (config, roles, identity, key cache, KV)
    write       Write configuration and roles, log in (auth/<mount>/login)
    delete      Delete roles, secrets and configuration
    list        List roles, entities, groups and secrets
    login       Log in with a JWT and store the token

Other commands:
    auth        Interact with auth methods (enable, disable, list)
    kv          Interact with the key-value store (put, get, patch, list, metadata, ...)
    policy      Interact with policies (write, read, list, delete, fmt)
    secrets     Interact with secrets engines (enable, disable, list)
    token       Interact with tokens (lookup, renew, revoke, capabilities)
    jwt         Make keys, sign and decode JWTs (no identity provider needed)
    demo        Run the walkthrough end to end on a temporary state
    server      Serve Vault's HTTP API over the state
    operator    Copy the state to another storage (migrate)
    completion  Print a shell completion script
    version     Print the version

Run `jwtvault <command> -help` for a command's flags and an example.
";

fn grouped_help() -> String {
    GROUPED_HELP.to_string()
}

// ---- flag syntax -----------------------------------------------------------------------------

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

// ---- help texts ------------------------------------------------------------------------------

/// Every command and subcommand: `--help` and `-help` print what it does with an example, on
/// stdout, exit 0.
#[test]
fn every_command_has_help_with_an_example() {
    let env = Env::new();
    let commands: &[&[&str]] = &[
        &["write"],
        &["read"],
        &["list"],
        &["delete"],
        &["login"],
        &["auth", "enable"],
        &["auth", "disable"],
        &["auth", "list"],
        &["token", "lookup"],
        &["token", "renew"],
        &["token", "revoke"],
        &["token", "capabilities"],
        &["policy", "write"],
        &["policy", "read"],
        &["policy", "list"],
        &["policy", "delete"],
        &["policy", "fmt"],
        &["jwt", "keygen"],
        &["jwt", "sign"],
        &["jwt", "decode"],
        &["demo"],
        &["completion"],
    ];
    for cmd in commands {
        for flag in ["--help", "-help", "-h"] {
            let mut args = cmd.to_vec();
            args.push(flag);
            let out = env.run(&args);
            assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
            assert!(
                out.stdout.contains("Usage: jwtvault"),
                "{args:?} has no usage line"
            );
            assert!(
                out.stdout.contains("Example"),
                "{args:?} has no example:\n{}",
                out.stdout
            );
        }
    }
    for parent in ["auth", "token", "policy", "jwt"] {
        let out = env.run(&[parent]);
        assert_eq!(out.code, 1, "{parent} alone");
        assert!(
            out.stderr.contains("Usage: jwtvault"),
            "{parent} alone prints its help"
        );
    }
}

#[test]
fn no_arguments_prints_the_grouped_command_list() {
    let out = Env::new().run(&[]);
    assert_eq!(out.code, 127);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, GROUPED_HELP);
    let out = Env::new().run(&["frobnicate"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (127, "", GROUPED_HELP)
    );
}
