//! Mount paths and role names follow Vault's rules (issue 16, item 7; that item's escaping of
//! control characters in tables is in `output.rs`).
//!
//! Checked against OpenBao 2.7.2 (`bao server -dev`):
//! - `bao auth enable -path= jwt` mounts at `jwt/` (the CLI uses the type); `-path=/` and
//!   `-path=" "` reach `sys/auth` itself: `Code: 405 … * unsupported operation`.
//! - The bao CLI builds URLs with Go's `path.Join`, so `-path=a//b` mounts `a/b/` and
//!   `-path=a/../b` mounts `b/`; the server refuses a request path with a `.` or `..` segment
//!   that reaches it (`curl …/v1/sys/auth/a%2F..%2Fb`): 400 `relative paths not supported`.
//!   jwtvault has no URL to clean: it gives the server's answer for every dot segment.
//! - A non-printable character anywhere in the request path (`a\x1bb`, U+0085, U+200B,
//!   U+202E…): an empty 400 (`Code: 400. Raw Message:`); jwtvault names the character.
//!   Spaces, `%`, `+`, `*` and non-ASCII letters are accepted in a mount path.
//! - Role names must match `\w(([\w-.]+)?\w)?` (`a.b`, `A_B` → `a_b`, `a..b`, `_` accepted):
//!   `write`/`delete` of `role/a/b`, `role/a b`, `role/a%b`, `role/é`, `role/-a` are
//!   `Code: 404 … * 1 error occurred: * unsupported path`; `read` of them is
//!   `No value found at …`; `role/x/` is `role/x` (the CLI trims the slash).

use crate::support::{expect, Alg, Env};

fn mounts(env: &Env) -> Vec<String> {
    let out = env.run(&["auth", "list", "-format=json"]);
    out.ok();
    out.json()
        .as_object()
        .expect("object")
        .keys()
        .cloned()
        .collect()
}

const UNSUPPORTED_OPERATION: &str =
    "Code: 405. Errors:\n\n* 1 error occurred:\n\t* unsupported operation\n\n\n";
const UNSUPPORTED_PATH: &str =
    "Code: 404. Errors:\n\n* 1 error occurred:\n\t* unsupported path\n\n\n";

fn relative(ctx: &str, what: &str, p: &str) -> String {
    format!(
        "{ctx}: Code: 400. Errors:\n\n* relative paths not supported\n\nHint: the {what} \"{p}\" \
         has a \".\" or \"..\" segment\n"
    )
}

#[test]
fn an_empty_mount_path_is_the_type_as_in_the_vault_cli() {
    let env = Env::new();
    expect(
        &env.run(&["auth", "enable", "-path=", "jwt"]),
        0,
        "Success! Enabled jwt auth method at: jwt/\n",
        "",
    );
    expect(
        &env.run(&["auth", "enable", "-path=", "oidc"]),
        0,
        "Success! Enabled oidc auth method at: oidc/\n",
        "",
    );
    assert_eq!(mounts(&env), ["jwt/", "oidc/", "token/"]);
    // Only slashes or spaces: the request reaches `sys/auth` itself.
    for p in ["/", " ", "//"] {
        expect(
            &env.run(&["auth", "enable", &format!("-path={p}"), "jwt"]),
            2,
            "",
            &format!(
                "Error enabling jwt auth: {UNSUPPORTED_OPERATION}\nHint: the mount path \"{p}\" \
                 is empty once spaces and slashes are removed; give -path=NAME\n"
            ),
        );
    }
    expect(
        &env.run(&["auth", "disable", "/"]),
        2,
        "",
        &format!(
            "Error disabling auth method at /: {UNSUPPORTED_OPERATION}\nHint: the mount path \
             \"/\" is empty once spaces and slashes are removed; give -path=NAME\n"
        ),
    );
    assert_eq!(mounts(&env), ["jwt/", "oidc/", "token/"]);
}

#[test]
fn relative_and_non_printable_mount_paths_are_refused() {
    let env = Env::new();
    for p in ["../x", "a/../b", "./x", ".", "..", "x/.."] {
        expect(
            &env.run(&["auth", "enable", &format!("-path={p}"), "jwt"]),
            2,
            "",
            &relative("Error enabling jwt auth", "mount path", p),
        );
    }
    expect(
        &env.run(&["auth", "enable", "-path=a\u{1b}[31mb", "jwt"]),
        2,
        "",
        "Error enabling jwt auth: Code: 400. Errors:\n\n* invalid mount path \"a\\x1b[31mb\": \
         expected printable characters, found '\\x1b'\n",
    );
    for (p, found) in [
        ("a\u{85}b", "'\\u0085'"),
        ("a\u{200b}b", "'\\u200b'"),
        ("a\u{202e}b", "'\\u202e'"),
        ("a\tb", "'\\t'"),
    ] {
        let out = env.run(&["auth", "enable", &format!("-path={p}"), "jwt"]);
        assert_eq!(out.code, 2, "{out:#?}");
        assert!(
            out.stderr
                .contains(&format!("expected printable characters, found {found}\n")),
            "{out:#?}"
        );
    }
    expect(
        &env.run(&["auth", "disable", "../jwt"]),
        2,
        "",
        &relative(
            "Error disabling auth method at ../jwt/",
            "mount path",
            "../jwt",
        ),
    );
    assert_eq!(mounts(&env), ["token/"]);
}

#[test]
fn mount_paths_vault_accepts_are_accepted() {
    let env = Env::new();
    for (p, mounted) in [
        ("a b", "a b/"),
        ("a%b", "a%b/"),
        ("é", "é/"),
        ("a..b", "a..b/"),
        ("/x/", "x/"),
        ("c//d", "c/d/"),
    ] {
        expect(
            &env.run(&["auth", "enable", &format!("-path={p}"), "jwt"]),
            0,
            &format!("Success! Enabled jwt auth method at: {mounted}\n"),
            "",
        );
    }
    assert_eq!(
        mounts(&env),
        ["a b/", "a%b/", "a..b/", "c/d/", "token/", "x/", "é/"]
    );
}

#[test]
fn role_names_outside_vaults_pattern_are_refused() {
    let env = Env::new();
    env.jwt_mount_with_key(Alg::ES256, &["bound_issuer=https://iss.example/"]);
    let config_before = env.run(&["read", "-format=json", "auth/jwt/config"]);
    config_before.ok();
    let write = |name: &str| {
        env.run(&[
            "write",
            &format!("auth/jwt/role/{name}"),
            "user_claim=sub",
            "bound_audiences=a",
        ])
    };
    // `role/../config` is not the config.
    expect(
        &write("../config"),
        2,
        "",
        &relative(
            "Error writing data to auth/jwt/role/../config",
            "role name",
            "../config",
        ),
    );
    for n in [".", ".."] {
        expect(
            &write(n),
            2,
            "",
            &relative(
                &format!("Error writing data to auth/jwt/role/{n}"),
                "role name",
                n,
            ),
        );
    }
    for n in ["a/b", "a b", "a%b", "é", "-a", "a-", ".a"] {
        expect(
            &write(n),
            2,
            "",
            &format!(
                "Error writing data to auth/jwt/role/{n}: {UNSUPPORTED_PATH}\nHint: role name \
                 \"{n}\" does not match Vault's pattern \\w(([\\w-.]+)?\\w)?: ASCII letters, \
                 digits and _, with - and . allowed inside\n"
            ),
        );
        expect(
            &env.run(&["read", &format!("auth/jwt/role/{n}")]),
            2,
            "",
            &format!("No value found at auth/jwt/role/{n}\n"),
        );
    }
    expect(
        &env.run(&["delete", "auth/jwt/role/a b"]),
        2,
        "",
        &format!(
            "Error deleting auth/jwt/role/a b: {UNSUPPORTED_PATH}\nHint: role name \"a b\" does \
             not match Vault's pattern \\w(([\\w-.]+)?\\w)?: ASCII letters, digits and _, with - \
             and . allowed inside\n"
        ),
    );
    expect(
        &write("evil\u{1b}]0;pwned\u{7}"),
        2,
        "",
        "Error writing data to auth/jwt/role/evil\\x1b]0;pwned\\a: Code: 400. Errors:\n\n* \
         invalid role name \"evil\\x1b]0;pwned\\a\": expected printable characters, found \
         '\\x1b'\n",
    );
    // What Vault accepts: `A_B` is stored lower-cased, a trailing slash is trimmed.
    for n in ["a.b", "A_B", "a..b", "_", "x/"] {
        write(n).ok();
    }
    expect(
        &env.run(&["list", "auth/jwt/role"]),
        0,
        "Keys\n----\n_\na..b\na.b\na_b\nx\n",
        "",
    );
    let config_after = env.run(&["read", "-format=json", "auth/jwt/config"]);
    assert_eq!(config_after.json()["data"], config_before.json()["data"]);
}
