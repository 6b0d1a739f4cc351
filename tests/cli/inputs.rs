//! Input hygiene (issue 16): bytes that are not UTF-8 in argv and the environment, panics that
//! must not print user data, and the cap on one input (every file and stdin). The other items of
//! that issue sit with their feature: YAML quoting in `output.rs`, `jwt keygen` and existing
//! files in `jwt_tools.rs`, policy bytes in `policies.rs`.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::json;

use crate::support::{bin, now, Alg, Env, Key, Out};

/// Runs the binary with raw (possibly non-UTF-8) arguments and extra raw variables.
fn run_os(env: &Env, args: &[OsString], extra: &[(&str, OsString)]) -> Out {
    let mut c = Command::new(bin());
    c.args(args).current_dir(env.dir.path()).env_clear();
    if let Some(p) = std::env::var_os("PATH") {
        c.env("PATH", p);
    }
    for (k, v) in &env.vars {
        c.env(k, v);
    }
    for (k, v) in extra {
        c.env(k, v);
    }
    let out = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run jwtvault");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn os(s: &str) -> OsString {
    OsString::from(s)
}

fn bytes(b: &[u8]) -> OsString {
    OsString::from_vec(b.to_vec())
}

// ---- 1. bytes that are not UTF-8 --------------------------------------------------------------

#[test]
fn an_unrelated_variable_that_is_not_utf8_is_ignored() {
    let env = Env::new();
    let out = run_os(&env, &[os("version")], &[("UNRELATED", bytes(b"x\xe9"))]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "jwtvault v0.1.0\n", "")
    );
    // A variable whose name is not UTF-8 either.
    let mut c = Command::new(bin());
    c.arg("version")
        .env_clear()
        .env(OsStr::from_bytes(b"N\xff"), "v")
        .stdin(Stdio::null());
    let o = c.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A real command still runs.
    let out = run_os(
        &env,
        &[os("auth"), os("list")],
        &[("UNRELATED", bytes(b"\xff\xfe"))],
    );
    out.ok();
    assert!(out.stdout.contains("token/"), "{}", out.stdout);
}

#[test]
fn an_argument_that_is_not_utf8_is_refused_by_position_without_its_bytes() {
    let env = Env::new();
    let key = env.jwt_mount_with_key(Alg::ES256, &["bound_issuer=https://i/"]);
    env.run(&[
        "write",
        "auth/jwt/role/r",
        "role_type=jwt",
        "user_claim=sub",
        "bound_audiences=a",
    ])
    .ok();
    let token = key.sign(&json!({"iss": "https://i/", "sub": "s", "aud": "a", "exp": now() + 60}));
    let signature = token.rsplit('.').next().unwrap().to_string();
    // The token with one byte that is not UTF-8 appended.
    let mut arg = format!("jwt={token}").into_bytes();
    arg.push(0xe9);
    let out = run_os(
        &env,
        &[
            os("write"),
            os("auth/jwt/login"),
            os("role=r"),
            OsString::from_vec(arg),
        ],
        &[],
    );
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            1,
            "",
            "argument 4 (jwt=…) is not valid UTF-8: jwtvault reads its arguments as UTF-8 text\n"
        )
    );
    assert!(!out.stderr.contains(&signature));
    // A positional argument with no `=` is named by its position only.
    let out = run_os(&env, &[os("login"), bytes(b"jvs.\xffsecret")], &[]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "argument 2 is not valid UTF-8: jwtvault reads its arguments as UTF-8 text\n"
        )
    );
    // A flag: named up to its `=`.
    let out = run_os(
        &env,
        &[
            os("read"),
            bytes(b"-state=/tmp/\xff"),
            os("auth/jwt/config"),
        ],
        &[],
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "argument 2 (-state=…) is not valid UTF-8: jwtvault reads its arguments as UTF-8 text\n")
    );
}

#[test]
fn a_jwtvault_variable_that_is_not_utf8_is_refused_by_name_without_its_value() {
    let env = Env::new();
    for name in [
        "JWTVAULT_TOKEN",
        "JWTVAULT_STATE",
        "JWTVAULT_FORMAT",
        "JWTVAULT_REMOTE_ADDR",
    ] {
        let out = run_os(
            &env,
            &[os("token"), os("lookup")],
            &[(name, bytes(b"jvs.secret\xffvalue"))],
        );
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.clone()),
            (
                1,
                "",
                format!(
                    "environment variable {name} is not valid UTF-8: jwtvault reads it as UTF-8 text; unset it or fix its value\n"
                )
            ),
            "{name}"
        );
    }
    // NO_COLOR is only ever tested for being set: a value that is not UTF-8 still counts.
    let out = run_os(
        &env,
        &[os("auth"), os("list")],
        &[("NO_COLOR", bytes(b"\xff"))],
    );
    out.ok();
    // A JWTVAULT_ name jwtvault does not know is not read, so it is not checked.
    let out = run_os(
        &env,
        &[os("auth"), os("list")],
        &[("JWTVAULT_UNKNOWN", bytes(b"\xff"))],
    );
    out.ok();
}

#[test]
fn nothing_ever_prints_a_panic_payload() {
    // No command is known to panic (that is the point); the hook itself is pinned by
    // `lib::tests::panic_hook_prints_a_fixed_message`. Here: a value that used to panic the
    // environment reader is not echoed anywhere.
    let env = Env::new();
    let out = run_os(
        &env,
        &[os("version")],
        &[("SECRETISH", bytes(b"s3cr3t-\xe9"))],
    );
    assert!(!out.stderr.contains("s3cr3t"), "{}", out.stderr);
    assert_ne!(out.code, 101);
}

// ---- 10. one bounded reader for every file and stdin -------------------------------------------

const CAP: u64 = 32 * 1024 * 1024;
const TOO_LARGE: &str =
    "larger than 32 MiB (33554432 bytes), the most jwtvault reads from one file or stdin";

/// A sparse file of `len` zero bytes (no disk space used).
fn sparse(env: &Env, name: &str, len: u64) -> PathBuf {
    let p = env.path(name);
    std::fs::File::create(&p).unwrap().set_len(len).unwrap();
    p
}

/// Runs `jwtvault ARGS` with `len` zero bytes on stdin, streamed (never held whole).
fn run_zeros(env: &Env, args: &[&str], len: u64) -> Out {
    let mut c = Command::new(bin());
    c.args(args).current_dir(env.dir.path()).env_clear();
    for (k, v) in &env.vars {
        c.env(k, v);
    }
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jwtvault");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let chunk = vec![0u8; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if stdin.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n as u64;
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn every_file_input_over_32_mib_is_refused_before_it_is_read() {
    let env = Env::new();
    sparse(&env, "big", CAP + 1);
    let key = Key::new(Alg::ES256);
    env.file("k.pem", &key.private);
    env.file("claims.json", r#"{"sub":"x"}"#);
    env.run(&["auth", "enable", "jwt"]).ok();
    let kv = |pair: &str| {
        format!("Failed to parse K=V data: invalid key/value pair \"{pair}\": error reading file: read big: {TOO_LARGE}\n")
    };
    let cases: Vec<(Vec<&str>, i32, String)> = vec![
        (
            vec!["write", "auth/jwt/config", "jwt_validation_pubkeys=@big"],
            1,
            kv("jwt_validation_pubkeys=@big"),
        ),
        (
            vec!["write", "auth/jwt/jwks/import", "jwks=@big"],
            1,
            kv("jwks=@big"),
        ),
        (
            vec!["write", "auth/jwt/login", "role=r", "jwt=@big"],
            1,
            kv("jwt=@big"),
        ),
        (vec!["login", "--jwt", "@big", "--role", "r"], 1, kv("jwt=@big")),
        (
            vec!["write", "auth/jwt/role/r", "@big"],
            1,
            format!("Failed to parse K=V data: invalid key/value pair \"@big\": read big: {TOO_LARGE}\n"),
        ),
        (
            vec!["policy", "write", "p", "big"],
            2,
            format!("Error reading policy: read big: {TOO_LARGE}\n"),
        ),
        (
            vec!["policy", "fmt", "big"],
            1,
            format!("Error reading source file: read big: {TOO_LARGE}\n"),
        ),
        (
            vec!["jwt", "sign", "-key=big", "claims.json"],
            1,
            format!("read big: {TOO_LARGE}\n"),
        ),
        (
            vec!["jwt", "sign", "-key=k.pem", "big"],
            1,
            format!("read big: {TOO_LARGE}\n"),
        ),
        (
            vec!["jwt", "decode", "@big"],
            1,
            format!("read big: {TOO_LARGE}\n"),
        ),
    ];
    for (args, code, want) in cases {
        let out = env.run(&args);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (code, want.as_str()),
            "{args:?}"
        );
    }
    // policy fmt left the file alone (still sparse, same length).
    assert_eq!(std::fs::metadata(env.path("big")).unwrap().len(), CAP + 1);
    // Exactly 32 MiB is read, and then judged on its content.
    sparse(&env, "exact", CAP);
    let out = env.run(&["jwt", "decode", "@exact"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "a compact JWT has 3 parts separated by '.', this one has 1\n"
        )
    );
}

#[test]
fn stdin_over_32_mib_is_refused_after_reading_at_most_the_cap() {
    let env = Env::new();
    let cases: Vec<(Vec<&str>, i32, String)> = vec![
        (
            vec!["write", "auth/jwt/role/r", "-"],
            1,
            format!("Failed to parse K=V data: invalid key/value pair \"-\": {TOO_LARGE}\n"),
        ),
        (
            vec!["write", "auth/jwt/role/r", "bound_claims=-"],
            1,
            format!("Failed to parse K=V data: invalid key/value pair \"bound_claims=-\": {TOO_LARGE}\n"),
        ),
        (
            vec!["policy", "write", "p", "-"],
            2,
            format!("Error reading policy: {TOO_LARGE}\n"),
        ),
        (
            vec!["jwt", "decode", "-"],
            1,
            format!("cannot read stdin: {TOO_LARGE}\n"),
        ),
        (vec!["login", "-"], 1, format!("{TOO_LARGE}\n")),
    ];
    for (args, code, want) in cases {
        let out = run_zeros(&env, &args, CAP + 1);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (code, want.as_str()),
            "{args:?}"
        );
    }
    // Exactly 32 MiB is read, and then judged on its content.
    let out = run_zeros(&env, &["jwt", "decode", "-"], CAP);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "a compact JWT has 3 parts separated by '.', this one has 1\n"
        )
    );
}
