//! The path commands `write`, `read`, `list` and `delete`: the kv-builder's argument forms
//! (`k=v`, `k=@file`, `k=-`, `@file.json`, `-`, repeated keys) and its errors, `No value found`,
//! the list and delete outputs, and paths with no handler.
//!
//! Expected messages and tables were captured from OpenBao 2.7 (`bao server -dev`, the commands
//! named beside each assertion, run by hand with `BAO_ADDR=http://127.0.0.1:8200`), minus the
//! `Error making API request.`/`URL:` lines that jwtvault leaves out (contract §6), and with
//! `jwtvault` where bao says `bao`.

use serde_json::json;

use crate::support::{api_err, expect, jwt_env, read_data, role_ok, write_err};

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
    // A path the method serves, for an operation it does not serve: Vault's 405.
    expect(
        &env.run(&["delete", "auth/jwt/config"]),
        2,
        "",
        &api_err(
            "Error deleting auth/jwt/config",
            405,
            "1 error occurred:\n\t* unsupported operation\n\n",
        ),
    );
    expect(
        &env.run(&["read", "auth/jwt/login"]),
        2,
        "",
        &api_err("Error reading auth/jwt/login", 405, "unsupported operation"),
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
