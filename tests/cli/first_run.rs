//! First run (issue 6): `demo`, the `jwt` helpers, help texts, completions, and the README's
//! quick start run exactly as written.

use std::path::Path;

use serde_json::{json, Value};

use crate::foundation::GROUPED_HELP;
use crate::support::{bin, Alg, Env, Key};

#[test]
fn demo_runs_the_walkthrough_and_leaves_nothing_behind() {
    let mut env = Env::new();
    let tmp = env.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    env.set("TMPDIR", &tmp.display().to_string());
    // No state given: the demo must not touch JWTVAULT_STATE's file either.
    env.vars.retain(|(k, _)| k != "JWTVAULT_STATE");
    let out = env.run(&["demo"]);
    out.ok();
    for step in [
        "$ jwtvault auth enable jwt",
        "$ jwtvault write auth/jwt/config \\",
        "$ jwtvault write auth/jwt/role/developer-role user_claim=\"sub\" groups_claim=\"groups\" \\",
        "$ jwtvault jwt decode @token.jwt",
        "$ jwtvault write auth/jwt/login role=developer-role jwt=@token.jwt",
        "$ jwtvault login --jwt @token.jwt --role developer-role",
        "token_policies       [\"default\" \"developer-policy\"]",
        "name:user-12345",
        "* error validating claims: claim \"groups\" does not match any associated bound claim values",
        "* error validating token: invalid audience (aud) claim: audience claim does not match any expected audience",
        "Hint: claim \"groups\" held [\"ops\"]",
    ] {
        assert!(out.stdout.contains(step), "demo output lacks {step:?}:\n{}", out.stdout);
    }
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "the demo left files in TMPDIR"
    );
    assert!(
        !env.path("home/.local/share/jwtvault").exists(),
        "the demo wrote the default state"
    );
}

#[test]
fn demo_keeps_the_state_it_was_given() {
    let env = Env::new();
    let state = env.path("kept.db");
    env.run(&["demo", &format!("-state={}", state.display())])
        .ok();
    assert!(state.exists());
    let roles = env.run(&[
        "list",
        "-state",
        &state.display().to_string(),
        "auth/jwt/role",
    ]);
    assert_eq!(roles.ok().stdout, "Keys\n----\ndeveloper-role\n");
}

#[test]
fn keygen_writes_a_usable_pair_and_jwks_for_every_algorithm() {
    let env = Env::new();
    for alg in Alg::ALL {
        let dir = env.path(alg.as_str());
        let out = env.run(&[
            "jwt",
            "keygen",
            &format!("-alg={}", alg.as_str()),
            "-kid=k1",
            &format!("-out={}", dir.display()),
        ]);
        out.ok();
        assert!(out
            .stdout
            .starts_with(&format!("Success! Generated an {} key pair:", alg.as_str())));
        let jwks: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("jwks.json")).unwrap()).unwrap();
        assert_eq!(jwks["keys"][0]["kid"], json!("k1"));
        assert_eq!(jwks["keys"][0]["alg"], json!(alg.as_str()));
        assert_eq!(jwks["keys"][0]["use"], json!("sig"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("private.pem"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600, "private key of {alg:?} is not private");
        }
        // The pair signs a token the JWKS verifies.
        let claims = env.file("c.json", r#"{"sub":"x"}"#);
        let token = env.run(&[
            "jwt",
            "sign",
            &format!("-key={}", dir.join("private.pem").display()),
            &format!("-alg={}", alg.as_str()),
            "-kid=k1",
            &claims.display().to_string(),
        ]);
        let token = token.ok().stdout.trim().to_string();
        let set = jwtvault::keys::parse_jwks(jwks.to_string().as_bytes()).unwrap();
        jwtvault::verify::verify(&token, jwtvault::verify::KeySet::Jwks(&set), &Alg::ALL)
            .unwrap_or_else(|e| panic!("{alg:?}: {e}"));
    }
    let bad = env.run(&["jwt", "keygen", "-alg=HS256"]);
    assert_eq!(bad.code, 1);
    assert_eq!(
        bad.stderr,
        "unsupported algorithm \"HS256\": expected one of RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA\n"
    );
}

#[test]
fn sign_fills_iat_and_exp_unless_given_and_decode_labels_the_result() {
    let env = Env::new();
    let key = Key::new(Alg::ES256);
    let pem = env.file("k.pem", &key.private);
    let claims = env.file("c.json", r#"{"sub":"alice","exp":4102444800}"#);
    let token = env
        .run(&[
            "jwt",
            "sign",
            &format!("-key={}", pem.display()),
            "-ttl=10m",
            &claims.display().to_string(),
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    let decoded = env
        .run(&["jwt", "decode", "-format=json", &token])
        .ok()
        .json();
    assert_eq!(decoded["verified"], json!(false));
    assert_eq!(decoded["header"]["alg"], json!("ES256"));
    assert_eq!(
        decoded["claims"]["exp"],
        json!(4102444800u64),
        "a given exp is kept"
    );
    assert!(decoded["claims"]["iat"].is_number());
    assert_eq!(
        decoded["times"]["exp"].as_str().unwrap().split(' ').next(),
        Some("2100-01-01T00:00:00Z")
    );
    // From stdin, without exp: exp = iat + ttl.
    let t = env
        .run_stdin(
            &[
                "jwt",
                "sign",
                &format!("-key={}", pem.display()),
                "-ttl=10m",
                "-",
            ],
            r#"{"sub":"bob"}"#,
        )
        .ok()
        .stdout
        .trim()
        .to_string();
    let d = env.run(&["jwt", "decode", "-format=json", &t]).ok().json();
    assert_eq!(
        d["claims"]["exp"].as_i64().unwrap() - d["claims"]["iat"].as_i64().unwrap(),
        600
    );
    // The table form says loudly that nothing was verified, and shows relative times.
    let table = env
        .run_stdin(&["jwt", "decode", "-"], &t)
        .ok()
        .stdout
        .clone();
    assert!(table
        .starts_with("UNVERIFIED: the signature was not checked; do not trust these claims.\n"));
    assert!(
        table.contains("exp    ") && table.contains("(in 9m"),
        "{table}"
    );
    // Garbage is refused with exit 2 and says what was expected.
    let bad = env.run(&["jwt", "decode", "not-a-token"]);
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr,
        "a compact JWT has 3 parts separated by '.', this one has 1\n"
    );
}

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

#[test]
fn committed_completions_match_the_cli() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for shell in jwtvault::completion::SHELLS {
        let committed = std::fs::read_to_string(dir.join(jwtvault::completion::file_name(shell)))
            .unwrap_or_else(|e| {
                panic!(
                    "completions/{} is missing: {e}",
                    jwtvault::completion::file_name(shell)
                )
            });
        let out = Env::new().run(&["completion", shell]);
        out.ok();
        assert!(
            committed == out.stdout,
            "completions/{} differs from `jwtvault completion {shell}`: regenerate it with\n  \
             for s in bash zsh fish powershell elvish; do ...; done (see scripts/completions)",
            jwtvault::completion::file_name(shell)
        );
    }
    let bad = Env::new().run(&["completion", "tcsh"]);
    assert_eq!(bad.code, 1);
    assert_eq!(
        bad.stderr,
        "unknown shell \"tcsh\": expected one of bash, zsh, fish, powershell, elvish\n"
    );
}

/// The `sh` blocks of the README's quick start, run in order by bash exactly as written,
/// with `jwtvault` on PATH.
#[test]
fn readme_quick_start_runs_verbatim() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## Quick start")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a Quick start section");
    let blocks: Vec<&str> = section
        .split("```sh\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap_or(""))
        .collect();
    assert!(blocks.len() >= 2, "the quick start has its command blocks");
    let env = Env::new();
    let bin_dir = bin().parent().unwrap().to_path_buf();
    // One shell, as a reader would type them: the first block's exports hold for the rest.
    let script = blocks.join("\necho '@@ end of block @@'\n");
    let out = std::process::Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(&script)
        .current_dir(env.dir.path())
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("HOME", env.path("home"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the quick start failed:\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outputs: Vec<&str> = stdout.split("@@ end of block @@\n").collect();
    assert_eq!(outputs.len(), blocks.len(), "every block ran");
    let last = outputs.last().unwrap();
    assert_eq!(
        last.matches("token_policies       [\"default\" \"developer-policy\"]")
            .count(),
        2,
        "{last}"
    );
    assert!(last.contains("Success! You are now authenticated."));
    assert!(
        last.ends_with("deny\n"),
        "capabilities of a policy that does not exist: {last}"
    );
    assert!(
        env.path("token").exists(),
        "the short login stored the token"
    );
    assert!(env.path("state.db").exists());
}
