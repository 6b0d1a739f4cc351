//! The `secrets` and `kv` commands (contract §9) as the Vault CLI runs them: each asks
//! `sys/internal/ui/mounts/<path>` for the mount first, sends the request `bao` sends and prints
//! what `bao` prints (the captures of OpenBao 2.7.2); a token is checked as Vault's ACL checks
//! it; bad input is a clear error that changes nothing. The engine itself on its raw paths is
//! `secrets.rs`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{api_err, bin, expect, Env, Out};

/// An environment with a KV version 2 mount at `secret/`, enabled by the command under test.
fn kv_env() -> Env {
    let env = Env::new();
    expect(
        &env.run(&["secrets", "enable", "-path=secret", "kv-v2"]),
        0,
        "Success! Enabled the kv-v2 secrets engine at: secret/\n",
        "",
    );
    env
}

/// What changes from run to run, masked so that outputs can be compared whole: RFC 3339 times
/// become `<time>`, UUIDs and the 8 hex digits of accessors keep their length (columns stay
/// aligned) as `x…`/`X…`.
fn stable(s: &str) -> String {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if let Some(n) = time_at(&b[i..]) {
            out.extend_from_slice(b"<time>");
            i += n;
        } else if uuid_at(&b[i..]) && !out.last().is_some_and(u8::is_ascii_hexdigit) {
            out.extend_from_slice(b"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
            i += 36;
        } else if b[i] == b'_'
            && out.last().is_some_and(u8::is_ascii_lowercase)
            && b.len() >= i + 9
            && b[i + 1..i + 9]
                .iter()
                .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
            && !b.get(i + 9).is_some_and(u8::is_ascii_alphanumeric)
        {
            out.extend_from_slice(b"_XXXXXXXX");
            i += 9;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The length of a `2026-12-03T07:44:22.215754512Z` at the start of `b`.
fn time_at(b: &[u8]) -> Option<usize> {
    let shape = b"dddd-dd-ddTdd:dd:dd";
    if b.len() < shape.len() + 1 {
        return None;
    }
    for (c, s) in b.iter().zip(shape) {
        let ok = if *s == b'd' {
            c.is_ascii_digit()
        } else {
            c == s
        };
        if !ok {
            return None;
        }
    }
    let mut n = shape.len();
    if b[n] == b'.' {
        n += 1;
        while n < b.len() && b[n].is_ascii_digit() {
            n += 1;
        }
    }
    (b.get(n) == Some(&b'Z')).then_some(n + 1)
}

/// Whether `b` starts with a hyphenated UUID.
fn uuid_at(b: &[u8]) -> bool {
    b.len() >= 36
        && b[..36].iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => matches!(c, b'0'..=b'9' | b'a'..=b'f'),
        })
}

/// Asserts exit code, stdout and stderr with [`stable`] applied to both outputs.
#[track_caller]
fn expect_stable(out: &Out, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (
            out.code,
            stable(&out.stdout).as_str(),
            stable(&out.stderr).as_str()
        ),
        (code, stdout, stderr),
        "\n--- stdout:\n{}\n--- stderr:\n{}",
        out.stdout,
        out.stderr
    );
}

/// The `Secret Path` and `Metadata` sections `kv put` and `kv patch` print for a version.
fn written(path: &str, header: &str, version: u32) -> String {
    format!(
        "{header}\n{path}\n\n======= Metadata =======\n\
         Key                Value\n\
         ---                -----\n\
         created_time       <time>\n\
         custom_metadata    <nil>\n\
         deletion_time      n/a\n\
         destroyed          false\n\
         version            {version}\n"
    )
}

/// The current version of a key, from its metadata.
fn current_version(env: &Env, path: &str) -> serde_json::Value {
    let out = env.run(&["kv", "metadata", "get", "-format=json", path]);
    out.ok();
    out.json()["data"]["current_version"].clone()
}

const DENIED: &str = "1 error occurred:\n\t* permission denied\n\n";

#[test]
fn the_walkthrough_of_stable_masks_only_what_changes() {
    assert_eq!(
        stable("kv_0a1b2c3d    2026-12-03T07:44:22.215754512Z\n0f1e2d3c-aaaa-bbbb-cccc-0123456789ab x_deadbeefs 2026-12-03T07:44:22Z"),
        "kv_XXXXXXXX    <time>\nxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx x_deadbeefs <time>"
    );
}

#[test]
fn secrets_enable_list_and_disable_as_vault_prints_them() {
    let env = Env::new();
    // A new state mounts no secrets engine: identity/ and sys/ only.
    let table_head = "Path         Type        Accessor             Description\n\
                      ----         ----        --------             -----------\n";
    expect_stable(
        &env.run(&["secrets", "list"]),
        0,
        &format!(
            "{table_head}\
             identity/    identity    identity_XXXXXXXX    identity store\n\
             sys/         system      system_XXXXXXXX      system endpoints used for control, policy and debugging\n"
        ),
        "",
    );
    for (args, out) in [
        (
            vec!["kv-v2"],
            "Success! Enabled the kv-v2 secrets engine at: kv-v2/\n",
        ),
        (
            vec![
                "-path=team",
                "-version=2",
                "-description=team secrets",
                "kv",
            ],
            "Success! Enabled the kv secrets engine at: team/\n",
        ),
        (
            vec!["-path=/b", "kv-v2"],
            "Success! Enabled the kv-v2 secrets engine at: /b/\n",
        ),
    ] {
        let mut all = vec!["secrets", "enable"];
        all.extend(args);
        expect(&env.run(&all), 0, out, "");
    }
    let refused = |args: &[&str], code: i32, stderr: &str| {
        let mut all = vec!["secrets", "enable"];
        all.extend(args);
        expect(&env.run(&all), code, "", stderr);
    };
    // KV version 1 is refused, saying what is served; bad input is the Vault CLI's error.
    refused(
        &["-path=old", "-version=1", "kv"],
        2,
        &api_err(
            "Error enabling",
            400,
            "unsupported KV version 1: expected version 2 (jwtvault serves the KV version 2 \
             engine only; enable kv-v2, or kv with -version=2)",
        ),
    );
    refused(
        &["-path=old", "-version=abc", "kv"],
        1,
        "invalid value \"abc\" for flag -version: strconv.ParseInt: parsing \"abc\": invalid syntax\n",
    );
    refused(&[], 1, "Not enough arguments (expected 1, got 0)\n");
    refused(
        &["kv", "kv-v2"],
        1,
        "Too many arguments (expected 1, got 2)\n",
    );
    refused(
        &["-path=team", "kv-v2"],
        2,
        &api_err("Error enabling", 400, "path is already in use at team/"),
    );
    refused(
        &["-path=team/sub", "kv-v2"],
        2,
        &api_err("Error enabling", 400, "path is already in use at team/"),
    );
    refused(
        &["-path=sys/x", "kv-v2"],
        2,
        &api_err("Error enabling", 400, "cannot mount \"sys/x/\""),
    );
    refused(
        &["nonsuch"],
        2,
        &api_err(
            "Error enabling",
            400,
            "plugin not found in the catalog: nonsuch",
        ),
    );
    // Only the three mounts made above, KV version 2 each.
    let listed = format!(
        "{table_head}\
         b/           kv          kv_XXXXXXXX          n/a\n\
         identity/    identity    identity_XXXXXXXX    identity store\n\
         kv-v2/       kv          kv_XXXXXXXX          n/a\n\
         sys/         system      system_XXXXXXXX      system endpoints used for control, policy and debugging\n\
         team/        kv          kv_XXXXXXXX          team secrets\n"
    );
    expect_stable(&env.run(&["secrets", "list"]), 0, &listed, "");
    let detailed = env.run(&["secrets", "list", "-detailed"]);
    detailed.ok();
    let v = env!("CARGO_PKG_VERSION");
    let lines: Vec<String> = stable(&detailed.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 7, "{}", detailed.stdout);
    assert!(lines[0].starts_with(
        "Path         Plugin      Accessor             Default TTL    Max TTL    Force No Cache    \
         Replication    Seal Wrap    External Entropy Access    Options           Description"
    ));
    assert_eq!(
        lines[6],
        format!(
            "team/        kv          kv_XXXXXXXX          system         system     false             \
             replicated     false        false                      map[version:2]    team secrets                                               \
             xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx    n/a        v{v}+builtin.jwtvault    n/a               supported"
        )
    );
    let json = env.run(&["secrets", "list", "-format=json"]);
    let json = json.json();
    assert_eq!(json["team/"]["type"], "kv");
    assert_eq!(json["team/"]["options"]["version"], "2");
    assert_eq!(json["team/"]["description"], "team secrets");

    // Disabling a mount removes every secret in it: enabled again, it is empty.
    env.run(&["kv", "put", "team/app", "a=1"]).ok();
    expect(
        &env.run(&["secrets", "disable", "team"]),
        0,
        "Success! Disabled the secrets engine (if it existed) at: team/\n",
        "",
    );
    expect(
        &env.run(&["secrets", "disable", "team/"]),
        0,
        "Success! Disabled the secrets engine (if it existed) at: team/\n",
        "",
    );
    expect(
        &env.run(&["secrets", "disable"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    expect(
        &env.run(&["secrets", "disable", "sys"]),
        2,
        "",
        &api_err(
            "Error disabling secrets engine at sys/",
            400,
            "cannot unmount \"sys/\"",
        ),
    );
    env.run(&["secrets", "enable", "-path=team", "kv-v2"]).ok();
    expect(
        &env.run(&["kv", "get", "team/app"]),
        2,
        "",
        "No value found at team/data/app\n",
    );
    expect(
        &env.run(&["secrets", "list", "extra"]),
        1,
        "",
        "Too many arguments (expected 0, got 1)\n",
    );
}

#[test]
fn kv_put_and_get_print_the_secret_path_metadata_and_data_sections() {
    let env = kv_env();
    expect_stable(
        &env.run(&["kv", "put", "secret/app/db", "user=admin", "pass=s3cr3t"]),
        0,
        &written("secret/data/app/db", "=== Secret Path ===", 1),
        "",
    );
    // -mount=M PATH is the same key.
    expect_stable(
        &env.run(&[
            "kv",
            "put",
            "-mount=secret",
            "app/db",
            "user=admin",
            "pass=n3w",
        ]),
        0,
        &written("secret/data/app/db", "=== Secret Path ===", 2),
        "",
    );
    let latest = "=== Secret Path ===\nsecret/data/app/db\n\n\
                  ======= Metadata =======\n\
                  Key                Value\n\
                  ---                -----\n\
                  created_time       <time>\n\
                  custom_metadata    <nil>\n\
                  deletion_time      n/a\n\
                  destroyed          false\n\
                  version            2\n\n\
                  ==== Data ====\n\
                  Key     Value\n\
                  ---     -----\n\
                  pass    n3w\n\
                  user    admin\n";
    expect_stable(&env.run(&["kv", "get", "secret/app/db"]), 0, latest, "");
    expect_stable(
        &env.run(&["kv", "get", "-mount=secret", "app/db"]),
        0,
        latest,
        "",
    );
    // -version=0 and negative versions are not sent: the latest.
    for v in ["-version=0", "-version=-1"] {
        expect_stable(&env.run(&["kv", "get", v, "secret/app/db"]), 0, latest, "");
    }
    expect_stable(
        &env.run(&["kv", "get", "-version=1", "secret/app/db"]),
        0,
        &latest
            .replace("version            2", "version            1")
            .replace("pass    n3w", "pass    s3cr3t"),
        "",
    );
    // A short path: the header pads to 4 `=` at least; an empty data map prints its header.
    env.run(&["kv", "put", "secret/e", "="]).ok();
    let out = env.run(&["kv", "get", "secret/e"]);
    assert!(
        stable(&out.stdout).starts_with("== Secret Path ==\nsecret/data/e\n\n"),
        "{}",
        out.stdout
    );
    // -field: the value alone, no newline when stdout is not a terminal.
    expect(
        &env.run(&["kv", "get", "-field=pass", "-version=1", "secret/app/db"]),
        0,
        "s3cr3t",
        "",
    );
    expect(
        &env.run(&["kv", "get", "-field=data", "secret/app/db"]),
        0,
        "map[pass:n3w user:admin]",
        "",
    );
    expect(
        &env.run(&["kv", "get", "-format=json", "-field=user", "secret/app/db"]),
        0,
        "\"admin\"",
        "",
    );
    expect(
        &env.run(&["kv", "get", "-field=nope", "secret/app/db"]),
        1,
        "",
        "Field \"nope\" not present in map\n",
    );
    expect(
        &env.run(&["kv", "put", "-field=version", "secret/f1", "a=1"]),
        0,
        "1",
        "",
    );
    expect(
        &env.run(&["kv", "put", "-field=nope", "secret/f1", "a=1"]),
        1,
        "",
        "Field \"nope\" not present in secret\n",
    );
    // -format=json: the Vault CLI's envelope, in its order.
    expect_stable(
        &env.run(&["kv", "get", "-format=json", "secret/app/db"]),
        0,
        "{\n  \"request_id\": \"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\",\n  \"lease_id\": \"\",\n  \
         \"lease_duration\": 0,\n  \"renewable\": false,\n  \"data\": {\n    \"data\": {\n      \
         \"pass\": \"n3w\",\n      \"user\": \"admin\"\n    },\n    \"metadata\": {\n      \
         \"created_time\": \"<time>\",\n      \"custom_metadata\": null,\n      \
         \"deletion_time\": \"\",\n      \"destroyed\": false,\n      \"version\": 2\n    }\n  },\n  \
         \"warnings\": null\n}\n",
        "",
    );
    expect_stable(
        &env.run(&["kv", "put", "-format=yaml", "secret/f1", "a=2"]),
        0,
        "data:\n  created_time: \"<time>\"\n  custom_metadata: null\n  deletion_time: \"\"\n  \
         destroyed: false\n  version: 3\nlease_duration: 0\nlease_id: \"\"\nrenewable: false\n\
         request_id: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\nwarnings: null\n",
        "",
    );
    // The root of the mount: the path and the server's warning, exit 0.
    expect(
        &env.run(&["kv", "get", "secret"]),
        0,
        "== Secret Path ==\nsecret/data\n\n",
        "WARNING! The following warnings were returned from Vault:\n\n  \
         * Non-listing operations on the root of a K/V v2 mount are not supported.\n\n",
    );
    for (args, path) in [
        (vec!["secret/nonexist"], "secret/data/nonexist"),
        (vec!["-mount=secret", "nonexist"], "secret/data/nonexist"),
        (vec!["secret/app"], "secret/data/app"),
        (vec!["-version=99", "secret/app/db"], "secret/data/app/db"),
        (
            vec!["-format=json", "secret/nonexist"],
            "secret/data/nonexist",
        ),
    ] {
        let mut all = vec!["kv", "get"];
        all.extend(args);
        expect(
            &env.run(&all),
            2,
            "",
            &format!("No value found at {path}\n"),
        );
    }
}

#[test]
fn kv_delete_undelete_and_destroy_work_on_versions() {
    let env = kv_env();
    for v in ["a=1", "a=2", "a=3"] {
        env.run(&["kv", "put", "secret/app/db", v]).ok();
    }
    let deleted = |out: &Out, version: u32, destroyed: bool, deletion: &str| {
        expect_stable(
            out,
            0,
            &format!(
                "=== Secret Path ===\nsecret/data/app/db\n\n\
                 ======= Metadata =======\n\
                 Key                Value\n\
                 ---                -----\n\
                 created_time       <time>\n\
                 custom_metadata    <nil>\n\
                 deletion_time      {deletion}\n\
                 destroyed          {destroyed}\n\
                 version            {version}\n\n"
            ),
            "",
        );
    };
    // The latest version, soft: get prints the metadata, an empty line and no data, exit 0.
    expect(
        &env.run(&["kv", "delete", "secret/app/db"]),
        0,
        "Success! Data deleted (if it existed) at: secret/data/app/db\n",
        "",
    );
    deleted(
        &env.run(&["kv", "get", "secret/app/db"]),
        3,
        false,
        "<time>",
    );
    let json = env.run(&["kv", "get", "-format=json", "secret/app/db"]);
    assert_eq!(json.code, 0);
    assert_eq!(json.json()["data"]["data"], serde_json::Value::Null);
    expect(
        &env.run(&["kv", "get", "-field=a", "secret/app/db"]),
        2,
        "",
        "No data found at secret/data/app/db\n",
    );
    // Undelete brings it back.
    expect(
        &env.run(&["kv", "undelete", "-versions=3", "secret/app/db"]),
        0,
        "Success! Data written to: secret/undelete/app/db\n",
        "",
    );
    expect(
        &env.run(&["kv", "get", "-field=a", "secret/app/db"]),
        0,
        "3",
        "",
    );
    // Named versions, comma-separated or repeated, with -mount.
    expect(
        &env.run(&["kv", "delete", "-versions=1,2", "secret/app/db"]),
        0,
        "Success! Data deleted (if it existed) at: secret/data/app/db\n",
        "",
    );
    deleted(
        &env.run(&["kv", "get", "-version=2", "secret/app/db"]),
        2,
        false,
        "<time>",
    );
    expect(
        &env.run(&[
            "kv",
            "undelete",
            "-mount=secret",
            "-versions=1",
            "-versions=2",
            "app/db",
        ]),
        0,
        "Success! Data written to: secret/undelete/app/db\n",
        "",
    );
    expect(
        &env.run(&["kv", "get", "-version=2", "-field=a", "secret/app/db"]),
        0,
        "2",
        "",
    );
    // Destroy removes the data for good; undelete cannot bring it back.
    expect(
        &env.run(&["kv", "destroy", "-versions=1", "secret/app/db"]),
        0,
        "Success! Data written to: secret/destroy/app/db\n",
        "",
    );
    env.run(&["kv", "undelete", "-versions=1", "secret/app/db"])
        .ok();
    deleted(
        &env.run(&["kv", "get", "-version=1", "secret/app/db"]),
        1,
        true,
        "n/a",
    );
    expect(
        &env.run(&["kv", "destroy", "-mount=secret", "-versions=2", "app/db"]),
        0,
        "Success! Data written to: secret/destroy/app/db\n",
        "",
    );
    // Missing keys and versions: silent successes, as in Vault; json prints nothing.
    expect(
        &env.run(&["kv", "delete", "secret/nonexist"]),
        0,
        "Success! Data deleted (if it existed) at: secret/data/nonexist\n",
        "",
    );
    expect(
        &env.run(&["kv", "delete", "-format=json", "secret/nonexist"]),
        0,
        "",
        "",
    );
    expect(
        &env.run(&["kv", "undelete", "-versions=99", "secret/app/db"]),
        0,
        "Success! Data written to: secret/undelete/app/db\n",
        "",
    );
    // Bad input: exit 1 before anything is sent, or the server's 400, exit 2.
    for which in ["undelete", "destroy"] {
        expect(
            &env.run(&["kv", which, "secret/app/db"]),
            1,
            "",
            &format!(
                "No versions provided, use the \"-versions\" flag to specify the version to {which}.\n"
            ),
        );
        expect(
            &env.run(&["kv", which, "-versions=abc", "secret/app/db"]),
            2,
            "",
            &api_err(
                &format!("Error writing data to secret/{which}/app/db"),
                400,
                "Field validation failed: error converting input for field \"versions\": decoding \
                 failed due to the following error(s):\n\n'[0]' cannot parse value as 'int': \
                 strconv.ParseInt: invalid syntax",
            ),
        );
        expect(
            &env.run(&["kv", which, "-field=x", "-versions=1", "secret/app/db"]),
            1,
            "",
            "flag provided but not defined: -field\n",
        );
    }
    expect(
        &env.run(&["kv", "delete", "-versions=", "secret/app/db"]),
        2,
        "",
        &api_err(
            "Error deleting secret/data/app/db",
            400,
            "No version number provided",
        ),
    );
    expect(
        &env.run(&["kv", "delete"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    // Nothing of that changed the key: version 3 is current and readable.
    assert_eq!(current_version(&env, "secret/app/db"), 3);
    expect(
        &env.run(&["kv", "get", "-field=a", "secret/app/db"]),
        0,
        "3",
        "",
    );
}

#[test]
fn kv_list_shows_keys_and_folders() {
    let env = kv_env();
    for p in [
        "secret/app/db",
        "secret/app/cache",
        "secret/top",
        "secret/app/x/y",
    ] {
        env.run(&["kv", "put", p, "a=1"]).ok();
    }
    expect(
        &env.run(&["kv", "list", "secret"]),
        0,
        "Keys\n----\napp/\ntop\n",
        "",
    );
    for args in [
        vec!["secret/app"],
        vec!["secret/app/"],
        vec!["-mount=secret", "app"],
    ] {
        let mut all = vec!["kv", "list"];
        all.extend(args);
        expect(&env.run(&all), 0, "Keys\n----\ncache\ndb\nx/\n", "");
    }
    expect(
        &env.run(&["kv", "list", "-format=json", "secret/app"]),
        0,
        "[\n  \"cache\",\n  \"db\",\n  \"x/\"\n]\n",
        "",
    );
    expect(
        &env.run(&["kv", "list", "secret/nothing"]),
        2,
        "",
        "No value found at secret/metadata/nothing\n",
    );
    expect(
        &env.run(&["kv", "list", "-format=json", "secret/nothing"]),
        2,
        "{}\n",
        "",
    );
    // A soft delete keeps the key listed; a metadata delete removes it and its empty folder.
    env.run(&["kv", "delete", "secret/app/x/y"]).ok();
    expect(
        &env.run(&["kv", "list", "secret/app/x"]),
        0,
        "Keys\n----\ny\n",
        "",
    );
    env.run(&["kv", "metadata", "delete", "secret/app/x/y"])
        .ok();
    expect(
        &env.run(&["kv", "list", "secret/app"]),
        0,
        "Keys\n----\ncache\ndb\n",
        "",
    );
    expect(
        &env.run(&["kv", "list"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
}

#[test]
fn kv_patch_merges_by_http_patch_or_by_read_then_write() {
    let env = kv_env();
    env.run(&["kv", "put", "secret/app/db", "user=admin", "pass=n3w"])
        .ok();
    expect_stable(
        &env.run(&["kv", "patch", "secret/app/db", "port=5432"]),
        0,
        &written("secret/data/app/db", "=== Secret Path ===", 2),
        "",
    );
    expect_stable(
        &env.run(&[
            "kv",
            "patch",
            "-method=rw",
            "secret/app/db",
            "host=db.local",
        ]),
        0,
        &written("secret/data/app/db", "=== Secret Path ===", 3),
        "",
    );
    expect_stable(
        &env.run(&[
            "kv",
            "patch",
            "-method=patch",
            "-remove-data=host",
            "secret/app/db",
        ]),
        0,
        &written("secret/data/app/db", "=== Secret Path ===", 4),
        "",
    );
    expect(
        &env.run(&["kv", "get", "-field=data", "secret/app/db"]),
        0,
        "map[pass:n3w port:5432 user:admin]",
        "",
    );
    // -cas: a mismatch is the server's 400; the right version writes.
    expect(
        &env.run(&["kv", "patch", "-cas=1", "secret/app/db", "v=9"]),
        2,
        "",
        &api_err(
            "Error writing data to secret/data/app/db",
            400,
            "check-and-set parameter did not match the current version",
        ),
    );
    expect_stable(
        &env.run(&["kv", "patch", "-cas=4", "secret/app/db", "v=9"]),
        0,
        &written("secret/data/app/db", "=== Secret Path ===", 5),
        "",
    );
    // Refusals.
    expect(
        &env.run(&["kv", "patch", "-method=bogus", "secret/app/db", "a=1"]),
        2,
        "",
        "Unsupported method provided to -method flag: bogus\n",
    );
    expect(
        &env.run(&["kv", "patch", "secret/nonexist", "a=1"]),
        2,
        "",
        "Error writing data to secret/data/nonexist: Code: 404. Raw Message:\n\n\n",
    );
    expect(
        &env.run(&["kv", "patch", "-method=rw", "secret/nonexist", "a=1"]),
        2,
        "",
        "No value found at secret/data/nonexist\n",
    );
    expect(
        &env.run(&["kv", "patch", "secret/app/db"]),
        1,
        "",
        "Must supply data\n",
    );
    expect(
        &env.run(&["kv", "patch"]),
        1,
        "",
        "Not enough arguments (expected >1, got 0)\n",
    );
    expect(
        &env.run(&["kv", "patch", "-cas=x", "secret/app/db", "a=1"]),
        1,
        "",
        "invalid value \"x\" for flag -cas: strconv.ParseInt: parsing \"x\": invalid syntax\n",
    );
    // A deleted latest version: the 404 carries data, and the CLI prints only the error.
    env.run(&["kv", "delete", "secret/app/db"]).ok();
    expect(
        &env.run(&["kv", "patch", "secret/app/db", "a=1"]),
        2,
        "",
        "Error writing data to secret/data/app/db: Code: 404. Errors:\n\n\n",
    );
    assert_eq!(current_version(&env, "secret/app/db"), 5);
}

#[test]
fn kv_put_cas_and_bad_input_change_nothing() {
    let env = kv_env();
    env.run(&["kv", "put", "secret/cas/a", "v=1"]).ok();
    expect(
        &env.run(&["kv", "put", "-cas=0", "secret/cas/a", "v=2"]),
        2,
        "",
        &api_err(
            "Error writing data to secret/data/cas/a",
            400,
            "check-and-set parameter did not match the current version",
        ),
    );
    expect_stable(
        &env.run(&["kv", "put", "-cas=1", "secret/cas/a", "v=2"]),
        0,
        &written("secret/data/cas/a", "== Secret Path ==", 2),
        "",
    );
    expect_stable(
        &env.run(&["kv", "put", "-cas=0", "secret/cas/new", "v=1"]),
        0,
        &written("secret/data/cas/new", "=== Secret Path ===", 1),
        "",
    );
    for (args, code, stderr) in [
        (
            vec!["put", "-cas=abc", "secret/cas/a", "v=3"],
            1,
            "invalid value \"abc\" for flag -cas: strconv.ParseInt: parsing \"abc\": invalid syntax\n"
                .to_string(),
        ),
        (
            vec!["put"],
            1,
            "Not enough arguments (expected >1, got 0)\n".into(),
        ),
        (vec!["put", "secret/cas/a"], 1, "Must supply data\n".into()),
        (
            vec!["put", "secret/cas/a", "v"],
            1,
            "Failed to parse K=V data: invalid key/value pair \"v\": format must be key=value\n"
                .into(),
        ),
        (
            vec!["get", "-version=abc", "secret/cas/a"],
            1,
            "invalid value \"abc\" for flag -version: strconv.ParseInt: parsing \"abc\": invalid syntax\n"
                .into(),
        ),
        (
            vec!["get"],
            1,
            "Not enough arguments (expected 1, got 0)\n".into(),
        ),
        (
            vec!["get", "secret/a", "secret/b"],
            1,
            "Too many arguments (expected 1, got 2)\n".into(),
        ),
        (
            vec!["get", "-versions=1", "secret/cas/a"],
            1,
            "flag provided but not defined: -versions\n".into(),
        ),
        // A path no mount serves: the preflight's 403, alone.
        (
            vec!["put", "nomount/foo", "a=1"],
            2,
            "Code: 403. Errors:\n\n* preflight capability check returned 403, please ensure \
             client's policies grant access to path \"nomount/foo/\"\n"
                .into(),
        ),
        (
            vec!["get", "-mount=nomount", "foo"],
            2,
            "Code: 403. Errors:\n\n* preflight capability check returned 403, please ensure \
             client's policies grant access to path \"nomount/\"\n"
                .into(),
        ),
        (
            vec!["list", "nomount"],
            2,
            "Code: 403. Errors:\n\n* preflight capability check returned 403, please ensure \
             client's policies grant access to path \"nomount/\"\n"
                .into(),
        ),
    ] {
        let mut all = vec!["kv"];
        all.extend(args);
        expect(&env.run(&all), code, "", &stderr);
    }
    // Nothing of that wrote: the key is at version 2, with v=2; no nomount/ appeared.
    assert_eq!(current_version(&env, "secret/cas/a"), 2);
    expect(
        &env.run(&["kv", "get", "-field=v", "secret/cas/a"]),
        0,
        "2",
        "",
    );
    expect(
        &env.run(&["kv", "list", "secret/cas"]),
        0,
        "Keys\n----\na\nnew\n",
        "",
    );
    // With cas_required on the key, a put needs -cas.
    env.run(&["kv", "metadata", "put", "-cas-required", "secret/cas/a"])
        .ok();
    expect(
        &env.run(&["kv", "put", "secret/cas/a", "v=3"]),
        2,
        "",
        &api_err(
            "Error writing data to secret/data/cas/a",
            400,
            "check-and-set parameter required for this call",
        ),
    );
    // A flag after the path is data (Go's flag package stops at the first argument).
    let out = env.run(&["kv", "put", "secret/late", "a=1", "-cas=0"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            0,
            "Command flags must be provided before positional arguments. The following arguments \
             will not be parsed as flags: [-cas=0]\n"
        )
    );
    expect(
        &env.run(&["kv", "get", "-field=-cas", "secret/late"]),
        0,
        "0",
        "",
    );
}

#[test]
fn kv_metadata_get_put_and_delete() {
    let env = kv_env();
    env.run(&["kv", "put", "secret/app/db", "a=1"]).ok();
    env.run(&["kv", "put", "secret/app/db", "a=2"]).ok();
    // No flags: nothing is sent but an empty body, and nothing changes.
    expect(
        &env.run(&["kv", "metadata", "put", "secret/app/db"]),
        0,
        "Success! Data written to: secret/metadata/app/db\n",
        "",
    );
    expect(
        &env.run(&[
            "kv",
            "metadata",
            "put",
            "-max-versions=5",
            "-cas-required",
            "-delete-version-after=1h30m",
            "-custom-metadata=owner=alice",
            "-custom-metadata=team=ops",
            "secret/app/db",
        ]),
        0,
        "Success! Data written to: secret/metadata/app/db\n",
        "",
    );
    let version = |n: u32| {
        format!(
            "\n====== Version {n} ======\n\
             Key              Value\n\
             ---              -----\n\
             created_time     <time>\n\
             deletion_time    n/a\n\
             destroyed        false\n"
        )
    };
    let metadata = |cas: bool, after: &str, custom: &str, max: u32, meta_version: u32| {
        format!(
            "==== Metadata Path ====\nsecret/metadata/app/db\n\n\
             ============ Metadata ============\n\
             Key                         Value\n\
             ---                         -----\n\
             cas_required                {cas}\n\
             created_time                <time>\n\
             current_metadata_version    {meta_version}\n\
             current_version             2\n\
             custom_metadata             {custom}\n\
             delete_version_after        {after}\n\
             max_versions                {max}\n\
             metadata_cas_required       false\n\
             oldest_version              0\n\
             updated_time                <time>\n{}{}",
            version(1),
            version(2)
        )
    };
    expect_stable(
        &env.run(&["kv", "metadata", "get", "secret/app/db"]),
        0,
        &metadata(true, "1h30m0s", "map[owner:alice team:ops]", 5, 1),
        "",
    );
    expect_stable(
        &env.run(&["kv", "metadata", "get", "-mount=secret", "app/db"]),
        0,
        &metadata(true, "1h30m0s", "map[owner:alice team:ops]", 5, 1),
        "",
    );
    let json = env.run(&["kv", "metadata", "get", "-format=json", "secret/app/db"]);
    assert_eq!(json.json()["data"]["versions"]["2"]["destroyed"], false);
    // put replaces the custom metadata; patch merges and removes.
    env.run(&[
        "kv",
        "metadata",
        "put",
        "-cas-required=false",
        "-custom-metadata=owner=bob",
        "secret/app/db",
    ])
    .ok();
    expect(
        &env.run(&[
            "kv",
            "metadata",
            "patch",
            "-custom-metadata=team=dev",
            "-remove-custom-metadata=owner",
            "secret/app/db",
        ]),
        0,
        "Success! Data written to: secret/metadata/app/db\n",
        "",
    );
    expect_stable(
        &env.run(&["kv", "metadata", "get", "secret/app/db"]),
        0,
        &metadata(false, "1h30m0s", "map[team:dev]", 5, 3),
        "",
    );
    // Bad flags: exit 1 and nothing written.
    for (flag, err) in [
        (
            "-max-versions=x",
            "invalid value \"x\" for flag -max-versions: strconv.ParseInt: parsing \"x\": invalid syntax",
        ),
        (
            "-cas-required=maybe",
            "invalid boolean value \"maybe\" for -cas-required: strconv.ParseBool: parsing \"maybe\": invalid syntax",
        ),
        (
            "-delete-version-after=abc",
            "invalid value \"abc\" for flag -delete-version-after: time: invalid duration \"abc\"",
        ),
        (
            "-custom-metadata=bad",
            "invalid value \"bad\" for flag -custom-metadata: missing = in KV pair: \"bad\"",
        ),
    ] {
        expect(
            &env.run(&["kv", "metadata", "put", flag, "secret/app/db"]),
            1,
            "",
            &format!("{err}\n"),
        );
    }
    expect_stable(
        &env.run(&["kv", "metadata", "get", "secret/app/db"]),
        0,
        &metadata(false, "1h30m0s", "map[team:dev]", 5, 3),
        "",
    );
    expect(
        &env.run(&["kv", "metadata", "get"]),
        1,
        "",
        "Not enough arguments (expected 1, got 0)\n",
    );
    expect(
        &env.run(&["kv", "metadata", "get", "secret/nonexist"]),
        2,
        "",
        "No value found at secret/metadata/nonexist\n",
    );
    // Delete: every version and the key.
    expect(
        &env.run(&["kv", "metadata", "delete", "secret/app/db"]),
        0,
        "Success! Data deleted (if it existed) at: secret/metadata/app/db\n",
        "",
    );
    expect(
        &env.run(&["kv", "metadata", "get", "secret/app/db"]),
        2,
        "",
        "No value found at secret/metadata/app/db\n",
    );
    expect(
        &env.run(&["kv", "get", "-version=1", "secret/app/db"]),
        2,
        "",
        "No value found at secret/data/app/db\n",
    );
    expect(
        &env.run(&["kv", "metadata", "delete", "-mount=secret", "app/db"]),
        0,
        "Success! Data deleted (if it existed) at: secret/metadata/app/db\n",
        "",
    );
}

/// The token of a policy that allows only `read` on `secret/data/app/*` (the example).
fn reader_env() -> Env {
    let mut env = kv_env();
    env.run(&["kv", "put", "secret/app/db", "user=x"]).ok();
    env.run(&["kv", "put", "secret/other/x", "k=v"]).ok();
    let policy = env.file(
        "app-read.hcl",
        "path \"secret/data/app/*\" { capabilities = [\"read\"] }\n",
    );
    env.run(&["policy", "write", "app-read", &policy.display().to_string()])
        .ok();
    let out = env.run(&[
        "write",
        "-field=token",
        "auth/token/create",
        "policies=app-read",
    ]);
    out.ok();
    env.set("JWTVAULT_TOKEN", &out.stdout);
    env
}

#[test]
fn a_token_reads_what_its_policy_allows_and_nothing_else() {
    let mut env = reader_env();
    expect_stable(
        &env.run(&["kv", "get", "secret/app/db"]),
        0,
        "=== Secret Path ===\nsecret/data/app/db\n\n\
         ======= Metadata =======\n\
         Key                Value\n\
         ---                -----\n\
         created_time       <time>\n\
         custom_metadata    <nil>\n\
         deletion_time      n/a\n\
         destroyed          false\n\
         version            1\n\n\
         ==== Data ====\n\
         Key     Value\n\
         ---     -----\n\
         user    x\n",
        "",
    );
    expect(
        &env.run(&["kv", "get", "-mount=secret", "-field=user", "app/db"]),
        0,
        "x",
        "",
    );
    let hint = |op: &str, path: &str| {
        format!(
            "\nHint: the calling token from JWTVAULT_TOKEN (policies [app-read default]) is not \
             allowed {op} on {path}\n      without a token (JWTVAULT_TOKEN unset or empty and no \
             token in the helper file) jwtvault acts as the operator, with root rights\n"
        )
    };
    let refused = |args: &[&str], context: &str, op: &str, path: &str| {
        let mut all = vec!["kv"];
        all.extend(args);
        expect(
            &env.run(&all),
            2,
            "",
            &format!(
                "{}{}",
                api_err(&format!("{context} {path}"), 403, DENIED),
                hint(op, path)
            ),
        );
    };
    // A write, and a read outside the policy: Vault's 403 text.
    refused(
        &["put", "secret/app/db", "user=y"],
        "Error writing data to",
        "update",
        "secret/data/app/db",
    );
    refused(
        &["put", "secret/app/new", "user=y"],
        "Error writing data to",
        "create",
        "secret/data/app/new",
    );
    refused(
        &["get", "secret/other/x"],
        "Error reading",
        "read",
        "secret/data/other/x",
    );
    refused(
        &["list", "secret/app"],
        "Error listing",
        "list",
        "secret/metadata/app",
    );
    refused(
        &["metadata", "get", "secret/app/db"],
        "Error reading",
        "read",
        "secret/metadata/app/db",
    );
    refused(
        &["delete", "secret/app/db"],
        "Error deleting",
        "delete",
        "secret/data/app/db",
    );
    refused(
        &["destroy", "-versions=1", "secret/app/db"],
        "Error writing data to",
        "update",
        "secret/destroy/app/db",
    );
    // With -format=json the error is also written as Vault's JSON (contract §6).
    let out = env.run(&["kv", "get", "-format=json", "secret/other/x"]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{}", out.stderr);
    assert!(
        out.stderr.ends_with(
            "{\n  \"errors\": [\n    \"1 error occurred:\\n\\t* permission denied\\n\\n\"\n  ]\n}\n"
        ),
        "{}",
        out.stderr
    );
    // patch without the patch capability: Vault's warning, then read+write, refused on write.
    let out = env.run(&["kv", "patch", "secret/app/db", "user=y"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with(
            "Data was written to secret/data/app/db but we recommend that you add the \"patch\" \
             capability to your ACL policy in order to use HTTP PATCH in the future.\n\
             Error writing data to secret/data/app/db: Code: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n"
        ),
        "{}",
        out.stderr
    );
    // Nothing changed: the operator (no token at all) sees version 1 of each key.
    env.set("JWTVAULT_TOKEN", "");
    expect(
        &env.run(&["kv", "get", "-field=user", "secret/app/db"]),
        0,
        "x",
        "",
    );
    assert_eq!(current_version(&env, "secret/app/db"), 1);
    expect(
        &env.run(&["kv", "list", "secret/app"]),
        0,
        "Keys\n----\ndb\n",
        "",
    );
    // And the operator may do all of it.
    env.run(&["kv", "put", "secret/app/db", "user=z"]).ok();
    expect(
        &env.run(&["kv", "get", "-field=user", "secret/app/db"]),
        0,
        "z",
        "",
    );
}

#[test]
fn the_preflight_is_per_mount_as_in_vault() {
    let env = reader_env();
    // The operator (no token) makes a second mount; nothing of the token's policy is under it.
    let operator = [("JWTVAULT_TOKEN", "")];
    env.run_with_vars(&operator, &["secrets", "enable", "-path=team", "kv-v2"])
        .ok();
    env.run_with_vars(&operator, &["kv", "put", "team/x", "a=1"])
        .ok();
    // Under secret/ the token holds a capability somewhere: the preflight answers for every
    // path of the mount, and the request itself is refused.
    assert_eq!(env.run(&["kv", "get", "secret/other/x"]).code, 2);
    expect(
        &env.run(&["kv", "get", "team/x"]),
        2,
        "",
        "Code: 403. Errors:\n\n* preflight capability check returned 403, please ensure \
         client's policies grant access to path \"team/x/\"\n",
    );
}

#[test]
fn generic_commands_print_kv_answers_that_carry_a_status_as_vault_does() {
    let env = kv_env();
    let warning = |verb: &str| {
        match verb {
            "get" | "put" => format!(
                "WARNING! The following warnings were returned from Vault:\n\n  \
                 * Invalid path for a versioned K/V secrets engine. See the API docs for the\n  \
                 appropriate API endpoints to use. If using the Vault CLI, use 'vault kv {verb}'\n  \
                 for this operation.\n\n"
            ),
            _ => format!(
                "WARNING! The following warnings were returned from Vault:\n\n  \
                 * Invalid path for a versioned K/V secrets engine. See the API docs for\n  \
                 the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv\n  \
                 {verb}' for this operation.\n\n"
            ),
        }
    };
    // A 404 with only warnings: read and list print them, exit 0; write and delete print the
    // error and then the warnings, exit 2.
    expect(&env.run(&["read", "secret/foo"]), 0, "", &warning("get"));
    expect(&env.run(&["list", "secret"]), 0, "", &warning("list"));
    expect(
        &env.run(&["write", "secret/foo", "a=1"]),
        2,
        "",
        &format!(
            "Error writing data to secret/foo: Code: 404. Errors:\n\n\n{}",
            warning("put")
        ),
    );
    expect(
        &env.run(&["delete", "secret/foo"]),
        2,
        "",
        &format!(
            "Error deleting secret/foo: Code: 404. Errors:\n\n\n{}",
            warning("delete")
        ),
    );
    // A deleted version: the 404 carries the metadata, and read prints it.
    env.run(&["kv", "put", "secret/foo", "a=4"]).ok();
    env.run(&["kv", "delete", "secret/foo"]).ok();
    expect_stable(
        &env.run(&["read", "secret/data/foo"]),
        0,
        "Key         Value\n\
         ---         -----\n\
         data        <nil>\n\
         metadata    map[created_time:<time> custom_metadata:<nil> deletion_time:<time> destroyed:false version:1]\n",
        "",
    );
    let json = env.run(&["read", "-format=json", "secret/data/foo"]);
    assert_eq!(json.code, 0);
    assert_eq!(json.json()["data"]["metadata"]["version"], 1);
    // Nothing was written by the refused write: only foo exists.
    expect(
        &env.run(&["list", "secret/metadata"]),
        0,
        "Keys\n----\nfoo\n",
        "",
    );
}

/// A `jwtvault server` on a free loopback port, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    token: String,
}

impl Server {
    fn start(env: &Env) -> Server {
        let out = env.path("server.out");
        let mut c = Command::new(bin());
        c.args(["server", "-listen-address=127.0.0.1:0"])
            .current_dir(env.dir.path())
            .env_clear();
        if let Some(p) = std::env::var_os("PATH") {
            c.env("PATH", p);
        }
        for (k, v) in &env.vars {
            c.env(k, v);
        }
        let child = c
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn jwtvault server");
        let mut server = Server {
            child,
            url: String::new(),
            token: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            let line = |p: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(p).map(str::to_string))
            };
            if let (Some(url), Some(token)) = (line("Api Address: "), line("Root Token: ")) {
                server.url = url;
                server.token = token;
                return server;
            }
            assert!(
                server.child.try_wait().unwrap().is_none(),
                "the server exited: {text}"
            );
            assert!(Instant::now() < deadline, "no Api Address line: {text}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_commands_work_as_clients_of_a_server() {
    let server_env = Env::new();
    let server = Server::start(&server_env);
    let mut env = Env::new();
    env.set("JWTVAULT_ADDR", &server.url);
    env.set("JWTVAULT_TOKEN", &server.token);
    expect(
        &env.run(&["secrets", "enable", "-path=secret", "kv-v2"]),
        0,
        "Success! Enabled the kv-v2 secrets engine at: secret/\n",
        "",
    );
    expect_stable(
        &env.run(&["kv", "put", "secret/app/db", "a=1"]),
        0,
        &written("secret/data/app/db", "=== Secret Path ===", 1),
        "",
    );
    expect(
        &env.run(&["kv", "get", "-field=a", "secret/app/db"]),
        0,
        "1",
        "",
    );
    expect(
        &env.run(&["kv", "list", "secret/app"]),
        0,
        "Keys\n----\ndb\n",
        "",
    );
    env.run(&["kv", "delete", "secret/app/db"]).ok();
    let out = env.run(&["kv", "get", "secret/app/db"]);
    assert!(
        out.code == 0 && stable(&out.stdout).ends_with("version            1\n\n"),
        "{out:?}"
    );
    // The server's errors come with Vault's request and URL lines.
    expect(
        &env.run(&["kv", "patch", "secret/app/nope", "a=1"]),
        2,
        "",
        &format!(
            "Error writing data to secret/data/app/nope: Error making API request.\n\n\
             URL: PATCH {}/v1/secret/data/app/nope\nCode: 404. Raw Message:\n\n\n",
            server.url
        ),
    );
    expect(
        &env.run(&["kv", "get", "nomount/x"]),
        2,
        "",
        &format!(
            "Error making API request.\n\nURL: GET {}/v1/sys/internal/ui/mounts/nomount/x\n\
             Code: 403. Errors:\n\n* preflight capability check returned 403, please ensure \
             client's policies grant access to path \"nomount/x/\"\n",
            server.url
        ),
    );
    expect(
        &env.run(&["write", "secret/foo", "a=1"]),
        2,
        "",
        &format!(
            "Error writing data to secret/foo: Error making API request.\n\n\
             URL: PUT {}/v1/secret/foo\nCode: 404. Errors:\n\n\n\
             WARNING! The following warnings were returned from Vault:\n\n  \
             * Invalid path for a versioned K/V secrets engine. See the API docs for the\n  \
             appropriate API endpoints to use. If using the Vault CLI, use 'vault kv put'\n  \
             for this operation.\n\n",
            server.url
        ),
    );
    expect(
        &env.run(&["secrets", "disable", "secret"]),
        0,
        "Success! Disabled the secrets engine (if it existed) at: secret/\n",
        "",
    );
    // The client's own environment never held a state or a key.
    assert!(!env.state().exists());
    assert!(!env.path("home/.config/jwtvault/seal.key").exists());
}
