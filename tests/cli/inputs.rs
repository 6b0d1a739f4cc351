//! Input hygiene (issue 16): bytes that are not UTF-8 in argv and the environment, panics that
//! must not print user data, `jwt keygen` and existing files, `-format=yaml` that every YAML
//! reader reads back, policies with invalid UTF-8 or NUL, and the cap on one input.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Map, Value};

use crate::support::{bin, mode, now, Alg, Env, Key, Out};

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

// ---- 8. YAML that YAML readers read back ------------------------------------------------------

/// The repository's venv python with PyYAML (installed by scripts/install-pyyaml.sh, which
/// scripts/test runs first). Missing is a failure, never a skip.
fn pyyaml() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let py = root.join(".venv/bin/python");
    let ok = Command::new(&py)
        .args(["-c", "import yaml"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "PyYAML is needed to check -format=yaml and {} cannot import it: run scripts/install-pyyaml.sh \
         (scripts/test runs it before the tests)",
        py.display()
    );
    py
}

/// Parses YAML text with PyYAML's safe loader (scripts/yaml-roundtrip.py) into JSON.
fn yaml_to_json(yaml: &str) -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(pyyaml())
        .arg(root.join("scripts/yaml-roundtrip.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "PyYAML could not read jwtvault's YAML: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("helper prints JSON")
}

/// A few hundred strings that YAML emitters and readers disagree about: YAML 1.1 and 1.2
/// words, numbers, dates, indicators, quotes, control and non-ASCII characters, line breaks,
/// long lines; then pseudo-random mixes of those characters.
fn odd_strings() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "  ",
        "<<",
        "=",
        "<",
        "<<<",
        "==",
        "=x",
        "~",
        "-",
        "--",
        "---",
        "...",
        "?",
        ":",
        "!",
        "&",
        "*",
        "|",
        ">",
        "%",
        "@",
        "`",
        "#",
        ",",
        "[",
        "]",
        "{",
        "}",
        "'",
        "\"",
        "\\",
        "null",
        "Null",
        "NULL",
        "nULL",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "yes",
        "Yes",
        "YES",
        "no",
        "No",
        "NO",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "y",
        "Y",
        "n",
        "N",
        ".inf",
        "-.Inf",
        "+.INF",
        ".nan",
        ".NaN",
        "NaN",
        "Infinity",
        "-Infinity",
        "0",
        "-0",
        "+0",
        "00",
        "007",
        "08",
        "0o17",
        "0o8",
        "0x1F",
        "0x",
        "0x_",
        "0xg",
        "0b101",
        "0b",
        "0b_",
        "-0b1_0",
        "0_",
        "1_000",
        "1__",
        "_1",
        "1.",
        ".5",
        "._1",
        "1.5",
        "1e3",
        "1e+3",
        "1.0e+3",
        "1.0e3",
        "-1.5e-3",
        "6.02e23",
        "1_2.3_4",
        "1:2",
        "1:20",
        "1:20.5",
        "-1:20",
        "190:20:30",
        "1:60",
        "0:5",
        "1_:0.",
        "2001-12-14",
        "2001-12-1",
        "2001-1-1",
        "2001-13-45",
        "2001-02-29",
        "2000-02-29",
        "2001-02-30",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2001-12-14  21:59:43",
        "2001-12-14\t21:59:43",
        "2001-12-14T21:59:43Z",
        "2001-12-14T21:59:43+01:00",
        "2001-01-01T00:00:00+0100",
        "2001-12-15 2:59:43.10",
        "12:30",
        "12:30:45",
        "a: b",
        "a:b",
        "a :b",
        "a:",
        ":a",
        "- a",
        "-a",
        "? a",
        "?a",
        "# a",
        "a #b",
        "a#b",
        "a # b",
        "[a]",
        "{a: b}",
        "a, b",
        "a,b",
        "'a'",
        "\"a\"",
        "it's",
        "say \"hi\"",
        "back\\slash",
        " lead",
        "trail ",
        " both ",
        "tab\tin",
        "\tlead tab",
        "trail tab\t",
        "a\nb",
        "a\n",
        "\n",
        "\n\n",
        "a\n\nb",
        " a\nb",
        "a \nb",
        "a\n b",
        "a\r\nb",
        "cr\r",
        "nel\u{85}x",
        "ls\u{2028}x",
        "ps\u{2029}x",
        "nbsp\u{a0}x",
        "bom\u{feff}x",
        "\u{feff}",
        "nul\u{0}x",
        "bell\u{7}",
        "esc\u{1b}[0m",
        "del\u{7f}",
        "c1\u{90}",
        "é",
        "日本語",
        "emoji 😀",
        "😀",
        "\u{fffd}",
        "\u{e000}",
        "\u{ffff}x",
        "%TAG",
        "!!str",
        "!tag x",
        "&anchor",
        "*alias",
        "|literal",
        ">folded",
        "@at",
        "`tick",
        "x: y: z",
        "key=value",
        "a=b=c",
        "<<: *x",
        "path/to/x",
        "https://x.example/a?b=c#d",
        "C:\\Windows",
        "${VAR}",
        "{{template}}",
        "%s %d",
        "a\u{0}",
        "\u{1}\u{2}\u{3}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("word ".repeat(30));
    v.push(format!("{}  {}", "x".repeat(85), "y".repeat(10)));
    v.push(format!("&{}", " word".repeat(25)));
    v.push(format!("line one\n{}\n", "long ".repeat(25)));
    // Pseudo-random mixes (a fixed LCG: the same strings every run).
    let alphabet: Vec<char> = " \t\n:#-?=<>'\"\\!&*|%@`,[]{}~01eE.+_xyTZ\u{85}\u{a0}\u{2028}é😀"
        .chars()
        .collect();
    let mut seed: u64 = 0x5eed_1234_abcd_0001;
    let mut next = || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    for _ in 0..200 {
        let len = 1 + next() % 8;
        v.push(
            (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect(),
        );
    }
    v.sort();
    v.dedup();
    v
}

#[test]
fn yaml_output_reads_back_as_the_json_output_in_pyyaml() {
    let strings = odd_strings();
    assert!(strings.len() > 300, "{}", strings.len());
    let env = Env::new();
    let key = Key::new(Alg::ES256);
    let pem = env.file("k.pem", &key.private);

    // jwt decode: every string as a key, as a value, and in a list.
    let mut claims = Map::new();
    for (i, s) in strings.iter().enumerate() {
        claims.insert(s.clone(), json!(strings[(i + 1) % strings.len()]));
    }
    claims.insert("all".into(), json!(strings));
    claims.insert(
        "nested".into(),
        json!({"list": [strings.clone(), {}], "map": {"<<": "=", "=": "<<"}}),
    );
    claims.insert("exp".into(), json!(now() + 3600));
    env.file("claims.json", &Value::Object(claims).to_string());
    let token = env.run(&[
        "jwt",
        "sign",
        &format!("-key={}", pem.display()),
        "claims.json",
    ]);
    let token = token.ok().stdout.trim().to_string();
    let json_out = env.run(&["jwt", "decode", "-format=json", &token]);
    let yaml_out = env.run(&["jwt", "decode", "-format=yaml", &token]);
    let want = json_out.ok().json();
    let got = yaml_to_json(&yaml_out.ok().stdout);
    assert_eq!(got["claims"], want["claims"]);
    assert_eq!(got["header"], want["header"]);

    // The issue's case: claims copied into token metadata through claim_mappings.
    env.run(&["auth", "enable", "jwt"]).ok();
    env.file("pub.pem", &key.public);
    env.run(&[
        "write",
        "auth/jwt/config",
        "jwt_validation_pubkeys=@pub.pem",
    ])
    .ok();
    let mut mappings = Map::new();
    let mut claims = Map::new();
    for (i, s) in strings.iter().filter(|s| *s != "role").enumerate() {
        mappings.insert(format!("c{i}"), json!(s));
        claims.insert(format!("c{i}"), json!(strings[(i + 7) % strings.len()]));
    }
    claims.insert("sub".into(), json!("<<"));
    claims.insert("iat".into(), json!(now()));
    claims.insert("nbf".into(), json!(now()));
    claims.insert("exp".into(), json!(now() + 3600));
    env.file(
        "role.json",
        &json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "<<", "claim_mappings": mappings, "token_policies": "="})
            .to_string(),
    );
    env.run(&["write", "auth/jwt/role/r", "@role.json"]).ok();
    let token = key.sign(&Value::Object(claims));
    let login = |format: &str| {
        env.run(&[
            "write",
            &format!("-format={format}"),
            "auth/jwt/login",
            "role=r",
            &format!("jwt={token}"),
        ])
    };
    let want = login("json").ok().json();
    let got = yaml_to_json(&login("yaml").ok().stdout);
    assert_eq!(got["auth"]["metadata"], want["auth"]["metadata"]);
    assert_eq!(got["auth"]["policies"], want["auth"]["policies"]);
    assert_eq!(got["auth"]["metadata"]["role"], json!("r"));
    // And the role as read back.
    let want = env
        .run(&["read", "-format=json", "auth/jwt/role/r"])
        .ok()
        .json();
    let got = yaml_to_json(
        &env.run(&["read", "-format=yaml", "auth/jwt/role/r"])
            .ok()
            .stdout,
    );
    assert_eq!(
        got["data"]["claim_mappings"],
        want["data"]["claim_mappings"]
    );
}

// ---- 9. policies with bytes that are not UTF-8, or NUL -----------------------------------------

#[test]
fn policy_write_and_fmt_refuse_invalid_utf8_and_nul_as_vault_s_parser_does() {
    let env = Env::new();
    let cases: &[(&[u8], &str)] = &[
        (
            b"path \"a\xff\" {\n  capabilities = [\"read\"]\n}\n",
            "At 1:8: illegal UTF-8 encoding",
        ),
        (
            b"# comment \xff\npath \"a\" {\n  capabilities = [\"read\"]\n}\n",
            "At 1:11: illegal UTF-8 encoding",
        ),
        (
            b"path \"a\" {\n  capabilities = [\"read\"]\n}\n\x00\n",
            "At 4:1: unexpected null character (0x00)",
        ),
        (
            b"path \"a\x00b\" {\n  capabilities = [\"read\"]\n}\n",
            "At 1:13: literal not terminated",
        ),
        (
            b"path \"a\" {\n capabilities = [\"read\"]\n}\n\xff",
            "At 4:1: illegal char",
        ),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let name = format!("p{i}.hcl");
        let path = env.path(&name);
        std::fs::write(&path, text).unwrap();
        let api = format!(
            "Error uploading policy: Code: 400. Errors:\n\n* failed to parse policy: {want}\n"
        );
        let out = env.run(&["policy", "write", "p", &name]);
        assert_eq!((out.code, out.stderr.as_str()), (2, api.as_str()), "{name}");
        // From stdin: the same bytes, the same refusal.
        let mut c = Command::new(bin());
        c.args(["policy", "write", "p", "-"])
            .current_dir(env.dir.path())
            .env_clear();
        for (k, v) in &env.vars {
            c.env(k, v);
        }
        let out = feed(c, text);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (2, api.as_str()),
            "{name} from stdin"
        );
        // fmt: the parser's words, exit 1, and the file is left exactly as it was.
        let out = env.run(&["policy", "fmt", &name]);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (1, format!("failed to parse policy: {want}\n").as_str()),
            "{name}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            *text,
            "policy fmt rewrote {name}"
        );
    }
    // Nothing was stored.
    let out = env.run(&["policy", "read", "p"]);
    assert_eq!((out.code, out.stderr.as_str()), (2, "No policy named: p\n"));
    // Valid UTF-8 (a real U+FFFD and é included) still works both ways.
    env.file(
        "ok.hcl",
        "path \"a\u{fffd}é\" {\n  capabilities = [\"read\"]\n}\n",
    );
    env.run(&["policy", "write", "p", "ok.hcl"]).ok();
    assert_eq!(
        env.run(&["policy", "read", "p"]).ok().stdout,
        "path \"a\u{fffd}é\" {\n  capabilities = [\"read\"]\n}\n"
    );
    env.run(&["policy", "fmt", "ok.hcl"]).ok();
}

/// Runs a prepared command with `input` on stdin (written from a thread; a command that stops
/// reading early is fine).
fn feed(mut c: Command, input: &[u8]) -> Out {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jwtvault");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
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

// ---- 2. jwt keygen and existing files -----------------------------------------------------------

#[test]
fn keygen_never_overwrites_a_key_or_follows_a_symlink() {
    let env = Env::new();
    // A new folder (and its parent) is created 0700; the private key 0600.
    env.run(&["jwt", "keygen", "-alg=ES256", "-out=new/keys"])
        .ok();
    assert_eq!(mode(&env.path("new")), 0o700);
    assert_eq!(mode(&env.path("new/keys")), 0o700);
    assert_eq!(mode(&env.path("new/keys/private.pem")), 0o600);
    assert_eq!(mode(&env.path("new/keys/public.pem")), 0o644);

    // Again into the same folder: refused, nothing changed.
    let before: Vec<Vec<u8>> = ["private.pem", "public.pem", "jwks.json"]
        .iter()
        .map(|n| std::fs::read(env.path("new/keys").join(n)).unwrap())
        .collect();
    let out = env.run(&["jwt", "keygen", "-alg=ES256", "-out=new/keys"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            1,
            "",
            "new/keys/private.pem already exists: jwt keygen does not overwrite keys; use -force to replace them\n"
        )
    );
    let after: Vec<Vec<u8>> = ["private.pem", "public.pem", "jwks.json"]
        .iter()
        .map(|n| std::fs::read(env.path("new/keys").join(n)).unwrap())
        .collect();
    assert_eq!(before, after);

    // Only jwks.json exists: still refused, and no partial set is written.
    std::fs::create_dir_all(env.path("partial")).unwrap();
    env.file("partial/jwks.json", "{}");
    let out = env.run(&["jwt", "keygen", "-out=partial"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!env.path("partial/private.pem").exists());

    // A symlink planted at DIR/private.pem (to an existing file, or dangling) is refused and
    // its target is neither written nor created.
    std::fs::create_dir_all(env.path("planted")).unwrap();
    env.file("victim.pem", "victim");
    std::os::unix::fs::symlink(env.path("victim.pem"), env.path("planted/private.pem")).unwrap();
    let out = env.run(&["jwt", "keygen", "-out=planted"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "planted/private.pem already exists: jwt keygen does not overwrite keys; use -force to replace them\n"
        )
    );
    assert_eq!(
        std::fs::read_to_string(env.path("victim.pem")).unwrap(),
        "victim"
    );
    std::fs::create_dir_all(env.path("dangling")).unwrap();
    std::os::unix::fs::symlink(env.path("nowhere.pem"), env.path("dangling/private.pem")).unwrap();
    assert_eq!(env.run(&["jwt", "keygen", "-out=dangling"]).code, 1);
    assert!(!env.path("nowhere.pem").exists());

    // -force replaces: the symlink itself (never its target), and existing keys.
    let out = env.run(&["jwt", "keygen", "-force", "-alg=ES256", "-out=planted"]);
    out.ok();
    assert_eq!(
        std::fs::read_to_string(env.path("victim.pem")).unwrap(),
        "victim"
    );
    let meta = std::fs::symlink_metadata(env.path("planted/private.pem")).unwrap();
    assert!(meta.file_type().is_file(), "still a symlink");
    assert_eq!(mode(&env.path("planted/private.pem")), 0o600);
    assert!(std::fs::read_to_string(env.path("planted/private.pem"))
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
    env.run(&["jwt", "keygen", "-force", "-alg=ES256", "-out=new/keys"])
        .ok();
    assert_ne!(
        std::fs::read(env.path("new/keys/private.pem")).unwrap(),
        before[0]
    );
    assert_eq!(mode(&env.path("new/keys/private.pem")), 0o600);
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(env.path("new/keys"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");

    // The flag is in the help, with an example.
    let help = env.run(&["jwt", "keygen", "-help"]);
    let text = format!("{}{}", help.stdout, help.stderr);
    assert!(text.contains("--force"), "{text}");
    assert!(text.contains("$ jwtvault jwt keygen -force"), "{text}");
}
