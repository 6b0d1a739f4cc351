//! The output formats: `-format=table|json|yaml` and `-field`, errors in JSON, Success lines
//! that are table-only, YAML that a YAML reader (PyYAML) reads back as the JSON output, and
//! tables that escape control characters (roles, descriptions, claims in a login table) where
//! JSON keeps them.
//!
//! Expected messages and tables were captured from OpenBao 2.7 (`bao server -dev`, the commands
//! named beside each assertion, run by hand with `BAO_ADDR=http://127.0.0.1:8200`), minus the
//! `Error making API request.`/`URL:` lines that jwtvault leaves out (contract §6), and with
//! `jwtvault` where bao says `bao`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Map, Value};

use crate::support::{expect, jwt_env, now, role_ok, write_err, Alg, Env, Key};

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

// ---- YAML that YAML readers read back (issue 16 item 8) --------------------------------------

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

// ---- tables escape control characters (issue 16 item 7) --------------------------------------

/// Puts a role with `name` straight into the state, as a jwtvault before the name check
/// could store it.
fn plant_role(env: &Env, name: &str) {
    let c = rusqlite::Connection::open(env.state()).expect("open state");
    let accessor: String = c
        .query_row("SELECT accessor FROM mounts WHERE path = 'jwt/'", [], |r| {
            r.get(0)
        })
        .expect("jwt mount");
    c.execute(
        "INSERT INTO jwt_roles (mount_accessor, name, json) VALUES (?1, ?2, ?3)",
        rusqlite::params![
            accessor,
            name,
            json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": ["a"]}).to_string()
        ],
    )
    .expect("insert role");
}

#[test]
fn tables_escape_control_characters_json_keeps_them() {
    let env = Env::sqlite();
    env.run(&["auth", "enable", "jwt"]).ok();
    plant_role(&env, "evil\u{1b}]0;pwned\u{7}\nfake");
    expect(
        &env.run(&["list", "auth/jwt/role"]),
        0,
        "Keys\n----\nevil\\x1b]0;pwned\\a\\nfake\n",
        "",
    );
    let out = env.run(&["list", "-format=json", "auth/jwt/role"]);
    assert_eq!(out.json(), json!(["evil\u{1b}]0;pwned\u{7}\nfake"]));
    // A description (auth list), a stored value (role read).
    env.run(&[
        "auth",
        "enable",
        "-path=other",
        "-description=red \u{1b}[31malert\u{1b}[0m\rover",
        "jwt",
    ])
    .ok();
    let out = env.run(&["auth", "list"]);
    out.ok();
    assert!(
        out.stdout
            .contains("    red \\x1b[31malert\\x1b[0m\\rover    n/a\n"),
        "{out:#?}"
    );
    assert!(!out.stdout.contains('\u{1b}'), "{out:#?}");
    env.run(&[
        "write",
        "auth/other/role/r",
        "user_claim=sub",
        "bound_audiences=a",
        "bound_subject=s\u{1b}[2J\u{9b}x",
    ])
    .ok();
    let out = env.run(&["read", "auth/other/role/r"]);
    out.ok();
    assert!(
        out.stdout
            .contains("\nbound_subject                     s\\x1b[2J\\u009bx\n"),
        "{out:#?}"
    );
    let out = env.run(&["read", "-format=json", "auth/other/role/r"]);
    assert_eq!(out.json()["data"]["bound_subject"], "s\u{1b}[2J\u{9b}x");
}

#[test]
fn a_login_table_escapes_claims_from_the_token() {
    let env = Env::new();
    let key = env.jwt_mount_with_key(Alg::ES256, &[]);
    env.run(&[
        "write",
        "auth/jwt/role/r",
        "user_claim=sub",
        "bound_audiences=a",
        "claim_mappings=nick=nick",
    ])
    .ok();
    let t = now();
    let jwt = key.sign(&json!({
        "sub": "alice", "aud": "a", "iat": t, "exp": t + 600,
        "nick": "\u{1b}]52;c;cm0gLXJmIH4=\u{7}bob",
    }));
    let out = env.run(&["login", "-no-store", "--jwt", &jwt, "--role", "r"]);
    out.ok();
    assert!(
        out.stdout
            .contains("token_meta_nick      \\x1b]52;c;cm0gLXJmIH4=\\abob\n"),
        "{out:#?}"
    );
    assert!(!out.stdout.contains('\u{1b}'), "{out:#?}");
}
