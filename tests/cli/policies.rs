//! Policies: `policy write|read|list|delete|fmt`, OpenBao's parse errors (bytes that are not
//! UTF-8 or NUL included), the seeded `default` policy, and templated paths and group identity
//! policies as `token capabilities` sees them.
//!
//! Expected texts were checked against OpenBao 2.7.2: the same roles on a `jwt_validation_pubkeys`
//! mount there, the same JWTs logged in with `bao write auth/<m>/login`, then `bao policy …`
//! and `bao token capabilities …` compared with jwtvault's output (exit code, stdout, stderr
//! without Vault's `URL:` line).

use std::process::{Command, Stdio};

use serde_json::json;

use crate::support::{api_err, bin, expect, Env, Fx, Out};

#[test]
fn policy_write_read_list_delete() {
    let fx = Fx::new();
    let text = "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n";
    let file = fx.env.file("p.hcl", text);
    let f = file.to_str().expect("path");
    expect(
        &fx.run(&["policy", "write", "My-Pol", f]),
        0,
        "Success! Uploaded policy: my-pol\n",
        "Policy name was converted from \"My-Pol\" to \"my-pol\"\n",
    );
    expect(&fx.run(&["policy", "read", "MY-POL"]), 0, text, "");
    expect(
        &fx.run(&["policy", "read", "-format=json", "my-pol"]),
        0,
        "{\n  \"policy\": \"path \\\"secret/*\\\" {\\n  capabilities = [\\\"read\\\"]\\n}\\n\"\n}\n",
        "",
    );
    expect(
        &fx.env.run_stdin(
            &["policy", "write", "j", "-"],
            r#"{"path": {"a": {"capabilities": ["read"]}}}"#,
        ),
        0,
        "Success! Uploaded policy: j\n",
        "",
    );
    expect(
        &fx.run(&["policy", "list"]),
        0,
        "default\nj\nmy-pol\nroot\n",
        "",
    );
    expect(
        &fx.run(&["policy", "list", "-format=json"]),
        0,
        "[\n  \"default\",\n  \"j\",\n  \"my-pol\",\n  \"root\"\n]\n",
        "",
    );
    expect(
        &fx.run(&["policy", "delete", "my-pol"]),
        0,
        "Success! Deleted policy: my-pol\n",
        "",
    );
    expect(
        &fx.run(&["policy", "delete", "my-pol"]),
        0,
        "Success! Deleted policy: my-pol\n",
        "",
    );
    expect(
        &fx.run(&["policy", "read", "my-pol"]),
        2,
        "",
        "No policy named: my-pol\n",
    );
    expect(
        &fx.run(&["policy", "read", "root"]),
        2,
        "",
        "No policy named: root\n",
    );
    expect(
        &fx.run(&["policy", "delete", "default"]),
        2,
        "",
        &api_err(
            "Error deleting default",
            400,
            "cannot delete default policy",
        ),
    );
    expect(
        &fx.run(&["policy", "delete", "ROOT"]),
        2,
        "",
        &api_err("Error deleting root", 400, "cannot delete \"root\" policy"),
    );
    for name in ["root", "Root", "response-wrapping"] {
        let lower = name.to_lowercase();
        expect(
            &fx.run(&["policy", "write", name, f]),
            2,
            "",
            &api_err(
                "Error uploading policy",
                400,
                &format!("cannot update \"{lower}\" policy"),
            ),
        );
    }
    expect(
        &fx.run(&["policy", "write", "a"]),
        1,
        "",
        "Not enough arguments (expected 2, got 1)\n",
    );
    expect(
        &fx.run(&["policy", "write", "a", "b", "c"]),
        1,
        "",
        "Too many arguments (expected 2, got 3)\n",
    );
    expect(
        &fx.run(&["policy", "read"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    expect(
        &fx.run(&["policy", "list", "x"]),
        1,
        "",
        "Too many arguments (expected 0, got 1)\n",
    );
    expect(
        &fx.run(&["policy", "delete"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    expect(
        &fx.run(&["policy", "write", "a", "nofile.hcl"]),
        2,
        "",
        "Error opening policy file: open nofile.hcl: no such file or directory\n",
    );
}

#[test]
fn policy_parse_errors_in_openbaos_words() {
    let fx = Fx::new();
    let up = |text: &str| fx.env.run_stdin(&["policy", "write", "x", "-"], text);
    let e = |msg: &str| api_err("Error uploading policy", 400, msg);
    for (text, msg) in [
        ("", "'policy' parameter not supplied or empty".to_string()),
        ("banana = 1\n", "failed to parse policy: 1 error occurred:\n\t* invalid key \"banana\" on line 1\n\n".to_string()),
        ("path \"a\" { capabilities = [\"bogus\"] }\n", "failed to parse policy: path \"a\": path \"a\": invalid capability \"bogus\"".to_string()),
        ("path \"a+*\" { capabilities = [\"read\"] }\n", "failed to parse policy: path \"a+*\": path \"a+*\": invalid use of wildcards ('+*' is forbidden)".to_string()),
        ("path \"a\" { foo = 1 }\n", "failed to parse policy: path \"a\": 1 error occurred:\n\t* invalid key \"foo\" on line 1\n\n".to_string()),
        // HCL1 error positions at EOF, as OpenBao reports them.
        ("path \"a\" { capabilities = [\"read\"\n", "failed to parse policy: At 2:1: error parsing list, expected comma or list end, got: EOF".to_string()),
        ("path \"a\" { capabilities = [\"read\"", "failed to parse policy: At 1:34: error parsing list, expected comma or list end, got: EOF".to_string()),
        ("path \"a\" { capabilities = [\"read\"]\n\n", "failed to parse policy: At 3:2: object expected closing RBRACE got: EOF".to_string()),
        ("path \"a\" { capabilities = 1", "failed to parse policy: At 1:31: object expected closing RBRACE got: EOF".to_string()),
        ("path \"a\" { capabilities = 1.5", "failed to parse policy: At 1:32: object expected closing RBRACE got: EOF".to_string()),
        ("path \"a\" { capabilities = true", "failed to parse policy: At 1:33: object expected closing RBRACE got: EOF".to_string()),
        ("path \"a\" { capabilities = [1", "failed to parse policy: At 1:31: error parsing list, expected comma or list end, got: EOF".to_string()),
        ("QQ", "failed to parse policy: At 1:4: key 'QQ' expected start of object ('{') or assignment ('=')".to_string()),
        // `path` is valid base64: Vault decodes it and the parser sees bytes that are not UTF-8.
        ("path\n", "failed to parse policy: At 1:1: illegal char".to_string()),
    ] {
        expect(&up(text), 2, "", &e(&msg));
    }
    // Base64 of a valid policy is stored decoded.
    expect(
        &up("cGF0aCAiYSIgeyBjYXBhYmlsaXRpZXMgPSBbInJlYWQiXSB9\n"),
        0,
        "Success! Uploaded policy: x\n",
        "",
    );
    expect(
        &fx.run(&["policy", "read", "x"]),
        0,
        "path \"a\" { capabilities = [\"read\"] }\n",
        "",
    );
}

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

#[test]
fn default_policy_is_seeded_editable_and_not_deletable() {
    let fx = Fx::new();
    let out = fx.run(&["policy", "read", "default"]);
    out.ok();
    assert!(out.stdout.starts_with("# Allow tokens to look up their own properties\npath \"auth/token/lookup-self\" {\n    capabilities = [\"read\"]\n}\n"), "{}", out.stdout);
    for p in [
        "path \"auth/token/renew-self\"",
        "path \"auth/token/revoke-self\"",
        "path \"sys/capabilities-self\"",
        "path \"identity/entity/id/{{identity.entity.id}}\"",
        "path \"identity/entity/name/{{identity.entity.name}}\"",
        "path \"cubbyhole/*\"",
    ] {
        assert!(out.stdout.contains(p), "{p} in\n{}", out.stdout);
    }
    fx.policy(
        "default",
        "path \"only/this\" { capabilities = [\"read\"] }\n",
    );
    let tok = fx.login("r", "alice", json!([]));
    expect(
        &fx.run(&["token", "capabilities", &tok, "only/this"]),
        0,
        "read\n",
        "",
    );
    expect(
        &fx.run(&["token", "capabilities", &tok, "cubbyhole/x"]),
        0,
        "deny\n",
        "",
    );
}

#[test]
fn policy_fmt_rewrites_canonically() {
    let fx = Fx::new();
    let file = fx.env.file(
        "f.hcl",
        "path \"secret\" {\n  capabilities  =   [\"create\",    \"update\",\"delete\"]\n\n}",
    );
    let f = file.to_str().expect("path");
    expect(
        &fx.run(&["policy", "fmt", f]),
        0,
        &format!("Success! Formatted policy: {f}\n"),
        "",
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "path \"secret\" {\n  capabilities = [\"create\", \"update\", \"delete\"]\n}\n"
    );
    let bad = fx.env.file("bad.hcl", "banana = 1\n");
    expect(
        &fx.run(&["policy", "fmt", bad.to_str().expect("path")]),
        1,
        "",
        "failed to parse policy: 1 error occurred:\n\t* invalid key \"banana\" on line 1\n\n\n",
    );
    assert_eq!(std::fs::read_to_string(&bad).expect("read"), "banana = 1\n");
    expect(
        &fx.run(&["policy", "fmt", "nofile"]),
        1,
        "",
        "Error reading source file: open nofile: no such file or directory\n",
    );
}

#[test]
fn templated_policies_and_group_identity_policies() {
    let fx = Fx::new();
    let acc = fx.accessor();
    fx.policy(
        "devp",
        &format!(
            r#"path "dev/{{{{identity.entity.aliases.{acc}.name}}}}/*" {{ capabilities = ["read", "list"] }}
path "ent/{{{{identity.entity.id}}}}" {{ capabilities = ["update"] }}
path "nm/{{{{identity.entity.name}}}}" {{ capabilities = ["patch"] }}
path "grp/{{{{identity.groups.names.eng.id}}}}" {{ capabilities = ["delete"] }}
path "md/{{{{identity.entity.aliases.{acc}.metadata.role}}}}" {{ capabilities = ["sudo"] }}
path "emd/{{{{identity.entity.metadata.team}}}}" {{ capabilities = ["read"] }}
"#
        ),
    );
    let gid = fx.field(&[
        "write",
        "-field=id",
        "identity/group",
        "name=eng",
        "type=external",
        "policies=devp",
    ]);
    fx.run(&[
        "write",
        "identity/group-alias",
        "name=engineering",
        &format!("mount_accessor={acc}"),
        &format!("canonical_id={gid}"),
    ])
    .ok();
    // The login joins the group: its policies are identity policies.
    let jwt = format!("jwt={}", fx.jwt("bob", json!(["engineering", "other"])));
    let out = fx.run(&["write", "auth/jwt/login", "role=r", &jwt]);
    out.ok();
    assert!(
        out.stdout.contains("identity_policies    [\"devp\"]\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("policies             [\"default\" \"devp\" \"p1\"]\n"),
        "{}",
        out.stdout
    );
    let tok = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("token ").map(|t| t.trim().to_string()))
        .expect("token row");
    let eid = fx.field(&["token", "lookup", "-field=entity_id", &tok]);
    let ename = fx.field(&["read", "-field=name", &format!("identity/entity/id/{eid}")]);
    let caps = |path: &str| fx.run(&["token", "capabilities", &tok, path]);
    expect(&caps("dev/bob/x"), 0, "list, read\n", "");
    expect(&caps("dev/alice/x"), 0, "deny\n", "");
    expect(&caps(&format!("ent/{eid}")), 0, "update\n", "");
    expect(&caps(&format!("nm/{ename}")), 0, "patch\n", "");
    expect(&caps(&format!("grp/{gid}")), 0, "delete\n", "");
    expect(&caps("md/r"), 0, "sudo\n", "");
    // Entity metadata cannot be set by a JWT login: the template does not resolve.
    expect(&caps("emd/"), 0, "deny\n", "");
    // The default policy's templated paths resolve to the token's own entity.
    expect(&caps(&format!("identity/entity/id/{eid}")), 0, "read\n", "");
    expect(
        &caps(&format!("identity/entity/name/{ename}")),
        0,
        "read\n",
        "",
    );
    expect(&caps("identity/entity/id/other"), 0, "deny\n", "");
    let lk = fx.run(&["token", "lookup", &tok]);
    assert!(
        lk.stdout
            .contains("identity_policies              [devp]\n"),
        "{}",
        lk.stdout
    );
    assert!(
        lk.stdout.contains("external_namespace_policies    map[]\n"),
        "{}",
        lk.stdout
    );
    assert!(
        lk.stdout
            .contains("policies                       [default p1]\n"),
        "{}",
        lk.stdout
    );
    // A later login without the group leaves it; the old token loses the group's grants.
    let jwt = format!("jwt={}", fx.jwt("bob", json!(["other"])));
    let out = fx.run(&["write", "auth/jwt/login", "role=r", &jwt]);
    assert!(
        out.stdout.contains("identity_policies    []\n"),
        "{}",
        out.stdout
    );
    expect(&caps("dev/bob/x"), 0, "deny\n", "");
    expect(&caps(&format!("grp/{gid}")), 0, "deny\n", "");
    expect(
        &fx.run(&[
            "read",
            "-field=member_entity_ids",
            "identity/group/name/eng",
        ]),
        0,
        "[]",
        "",
    );
}
