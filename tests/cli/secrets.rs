//! The KV version 2 engine through `read`/`write`/`list`/`delete` on its raw paths (contract
//! §9): secret values and custom metadata sealed at rest, the seal key file, a wrong or
//! missing key, and a token's policies on the KV paths.

use std::path::{Path, PathBuf};

use crate::support::{api_err, expect, mode, Env, Out};

/// An environment with a KV v2 mount at `secret/`.
fn kv_env() -> Env {
    kv_env_on(Env::new())
}

/// [`kv_env`] on the given environment.
fn kv_env_on(env: Env) -> Env {
    expect(
        &env.run(&["write", "sys/mounts/secret", "type=kv-v2"]),
        0,
        "Success! Data written to: sys/mounts/secret\n",
        "",
    );
    env
}

/// The default seal key file of an environment (its HOME's config folder).
fn default_key(env: &Env) -> PathBuf {
    env.path("home/.config/jwtvault/seal.key")
}

/// `write PATH @body.json` with `body` as the request body.
fn write_body(env: &Env, path: &str, body: &str) -> Out {
    let file = env.file("body.json", body);
    let arg = format!("@{}", file.display());
    env.run(&["write", path, &arg])
}

/// The files of the state: the database, its WAL and its shared-memory index (when present).
fn state_files(env: &Env) -> Vec<(PathBuf, Vec<u8>)> {
    let state = env.state();
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", state.display()));
        if let Ok(bytes) = std::fs::read(&p) {
            out.push((p, bytes));
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Every form the key file's key could be shown in: its text and its bytes as hex.
fn key_forms(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("key file");
    let text = text.trim().to_string();
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&text)
        .expect("base64 key");
    assert_eq!(raw.len(), 32);
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    vec![text, hex]
}

#[test]
fn secret_values_and_custom_metadata_are_not_in_the_state_files() {
    let env = kv_env_on(Env::sqlite());
    // Enabling a mount and reading need no key: none is made.
    assert!(!default_key(&env).exists());
    let body =
        r#"{"data": {"password": "hunter2-plaintext-marker", "note": "second-marker-value"}}"#;
    write_body(&env, "secret/data/app/db", body).ok();
    // The values are there for whoever holds the key…
    let out = env.run(&["read", "-field=data", "secret/data/app/db"]);
    assert_eq!(
        out.stdout,
        "map[note:second-marker-value password:hunter2-plaintext-marker]"
    );
    let meta = r#"{"custom_metadata": {"owner": "custom-metadata-marker"}}"#;
    expect(
        &write_body(&env, "secret/metadata/app/db", meta),
        0,
        "Success! Data written to: secret/metadata/app/db\n",
        "",
    );
    // A second version from stdin, a patch-free overwrite, and a delete that keeps data.
    let out = env.run_stdin(
        &["write", "secret/data/app/db", "-"],
        r#"{"data": {"password": "third-marker-from-stdin"}, "options": {"cas": 1}}"#,
    );
    out.ok();
    env.run(&["delete", "secret/data/app/db"]).ok();
    let out = env.run(&[
        "read",
        "-format=json",
        "-field=custom_metadata",
        "secret/metadata/app/db",
    ]);
    out.ok();
    assert!(out.stdout.contains("custom-metadata-marker"), "{out:?}");
    // …and in none of the state's files.
    let files = state_files(&env);
    assert!(files.len() >= 2, "the database and its WAL: {files:?}");
    for (p, bytes) in &files {
        for marker in [
            "hunter2-plaintext-marker",
            "second-marker-value",
            "custom-metadata-marker",
            "third-marker-from-stdin",
        ] {
            assert!(!contains(bytes, marker), "{marker} in {}", p.display());
        }
    }
    // Key names are not secret: the same search finds what is stored in clear.
    let all: Vec<u8> = files.iter().flat_map(|(_, b)| b.clone()).collect();
    assert!(contains(&all, "app/db"), "key names are stored in clear");
    // The key was made by the first secret write: 0600 in a 0700 folder.
    let key = default_key(&env);
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(key.parent().unwrap()), 0o700);
    assert_eq!(std::fs::read(&key).unwrap().len(), 45, "base64 of 32 bytes");
}

#[test]
fn a_secret_reads_back_with_its_metadata() {
    let env = kv_env();
    write_body(
        &env,
        "secret/data/app/db",
        r#"{"data": {"user": "x", "n": 1.0, "big": 12345678901234567890}}"#,
    )
    .ok();
    let out = env.run(&["read", "-format=json", "secret/data/app/db"]);
    out.ok();
    let v = out.json();
    assert_eq!(
        serde_json::to_string(&v["data"]["data"]).unwrap(),
        r#"{"big":12345678901234567000,"n":1,"user":"x"}"#
    );
    let meta = &v["data"]["metadata"];
    assert_eq!(meta["version"], 1);
    assert_eq!(meta["destroyed"], false);
    assert_eq!(meta["deletion_time"], "");
    assert_eq!(meta["custom_metadata"], serde_json::Value::Null);
    expect(
        &env.run(&["list", "secret/metadata"]),
        0,
        "Keys\n----\napp/\n",
        "",
    );
    expect(
        &env.run(&["list", "secret/metadata/app"]),
        0,
        "Keys\n----\ndb\n",
        "",
    );
    expect(
        &env.run(&["read", "secret/data/nope"]),
        2,
        "",
        "No value found at secret/data/nope\n",
    );
    expect(
        &env.run(&["write", "secret/data/app/db", "user=y"]),
        2,
        "",
        &api_err(
            "Error writing data to secret/data/app/db",
            400,
            "no data provided",
        ),
    );
    // A deleted version reads as Vault's 404 with its metadata: no data, exit 0.
    expect(
        &env.run(&["delete", "secret/data/app/db"]),
        0,
        "Success! Data deleted (if it existed) at: secret/data/app/db\n",
        "",
    );
    let out = env.run(&["read", "-format=json", "secret/data/app/db"]);
    out.ok();
    let v = out.json();
    assert_eq!(v["data"]["data"], serde_json::Value::Null);
    assert_ne!(v["data"]["metadata"]["deletion_time"], "");
    // Disabling the mount removes every secret of it.
    expect(
        &env.run(&["delete", "sys/mounts/secret"]),
        0,
        "Success! Data deleted (if it existed) at: sys/mounts/secret\n",
        "",
    );
    expect(
        &env.run(&["read", "secret/data/app/db"]),
        2,
        "",
        &api_err(
            "Error reading secret/data/app/db",
            404,
            "no handler for route \"secret/data/app/db\"",
        ),
    );
}

#[test]
fn the_seal_key_file_comes_from_the_flag_the_environment_or_the_default() {
    let mut env = kv_env();
    let by_flag = env.path("keys/flag.key");
    let flag = format!("-seal-key-file={}", by_flag.display());
    let body = env.file("b.json", r#"{"data": {"v": "by-flag"}}"#);
    let arg = format!("@{}", body.display());
    env.run(&["write", &flag, "secret/data/a", &arg]).ok();
    assert!(by_flag.exists() && !default_key(&env).exists());
    assert_eq!(mode(&by_flag), 0o600);
    assert_eq!(mode(by_flag.parent().unwrap()), 0o700);
    // The flag is taken from anywhere on the line, as -state is.
    env.run(&["read", "secret/data/a", &flag]).ok();
    env.set("JWTVAULT_SEAL_KEY_FILE", &by_flag.display().to_string());
    let out = env.run(&["read", "-field=data", "secret/data/a"]);
    assert_eq!(out.stdout, "map[v:by-flag]");
    // The flag wins over the environment.
    let other = env.path("keys/other.key");
    std::fs::write(&other, [9u8; 32]).unwrap();
    let out = env.run(&[
        "read",
        &format!("-seal-key-file={}", other.display()),
        "secret/data/a",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(&other.display().to_string()), "{out:?}");
}

#[test]
fn a_wrong_key_is_a_clear_error_and_writes_nothing() {
    let mut env = kv_env();
    write_body(&env, "secret/data/x", r#"{"data": {"v": "right"}}"#).ok();
    let right = default_key(&env);
    let right_bytes = std::fs::read(&right).unwrap();
    let wrong = env.path("wrong.key");
    std::fs::write(&wrong, "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=\n").unwrap();
    env.set("JWTVAULT_SEAL_KEY_FILE", &wrong.display().to_string());
    let msg = format!(
        "the seal key in {} does not open this state's secrets (they were sealed with another \
         key): point -seal-key-file or JWTVAULT_SEAL_KEY_FILE at the key this state was first \
         used with",
        wrong.display()
    );
    expect(
        &env.run(&["read", "secret/data/x"]),
        2,
        "",
        &api_err("Error reading secret/data/x", 500, &msg),
    );
    expect(
        &write_body(&env, "secret/data/x", r#"{"data": {"v": "wrong"}}"#),
        2,
        "",
        &api_err("Error writing data to secret/data/x", 500, &msg),
    );
    expect(
        &write_body(&env, "secret/data/new", r#"{"data": {"v": "wrong"}}"#),
        2,
        "",
        &api_err("Error writing data to secret/data/new", 500, &msg),
    );
    // What needs no key still answers.
    expect(
        &env.run(&["list", "secret/metadata"]),
        0,
        "Keys\n----\nx\n",
        "",
    );
    // Nothing was written with the wrong key, and no key file was touched.
    env.set("JWTVAULT_SEAL_KEY_FILE", "");
    let out = env.run(&["read", "-format=json", "secret/data/x"]);
    out.ok();
    assert_eq!(out.json()["data"]["metadata"]["version"], 1);
    assert_eq!(out.json()["data"]["data"]["v"], "right");
    expect(
        &env.run(&["read", "secret/data/new"]),
        2,
        "",
        "No value found at secret/data/new\n",
    );
    assert_eq!(std::fs::read(&right).unwrap(), right_bytes);
    assert_eq!(
        std::fs::read_to_string(&wrong).unwrap(),
        "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=\n"
    );
    // A file that is no key says so, without showing its content.
    let junk = env.file("junk.key", "not-a-key-secret-looking-text\n");
    let out = env.run(&[
        "read",
        &format!("-seal-key-file={}", junk.display()),
        "secret/data/x",
    ]);
    expect(
        &out,
        2,
        "",
        &api_err(
            "Error reading secret/data/x",
            500,
            &format!(
                "the seal key file {} is not a seal key: expected 32 bytes, or one line of 64 \
                 hex digits or of the base64 of 32 bytes; found 30 bytes that are none of these",
                junk.display()
            ),
        ),
    );
}

#[test]
fn a_missing_key_with_sealed_data_is_an_error_and_no_key_is_made() {
    let mut env = kv_env();
    write_body(&env, "secret/data/x", r#"{"data": {"v": 1}}"#).ok();
    let original = default_key(&env);
    let saved = std::fs::read(&original).unwrap();
    // The key file is gone (a new machine, a copied state).
    std::fs::remove_file(&original).unwrap();
    let msg = format!(
        "the seal key file {} does not exist, and this state holds secrets sealed with a key: \
         point -seal-key-file or JWTVAULT_SEAL_KEY_FILE at that key (jwtvault never makes a new \
         key while sealed secrets exist)",
        original.display()
    );
    for (args, context) in [
        (vec!["read", "secret/data/x"], "Error reading secret/data/x"),
        (
            vec!["write", "secret/data/y", "@body.json"],
            "Error writing data to secret/data/y",
        ),
    ] {
        env.file("body.json", r#"{"data": {"v": 2}}"#);
        expect(&env.run(&args), 2, "", &api_err(context, 500, &msg));
        assert!(!original.exists(), "no new key over old secrets");
    }
    // Elsewhere too: a path that does not exist is never created.
    let elsewhere = env.path("nowhere/seal.key");
    env.set("JWTVAULT_SEAL_KEY_FILE", &elsewhere.display().to_string());
    let out = write_body(&env, "secret/data/y", r#"{"data": {"v": 2}}"#);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(!elsewhere.exists() && !elsewhere.parent().unwrap().exists());
    // With the key back, everything is as it was.
    env.set("JWTVAULT_SEAL_KEY_FILE", "");
    std::fs::write(&original, &saved).unwrap();
    let out = env.run(&["read", "-field=data", "secret/data/x"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "map[v:1]"));
}

#[test]
fn the_key_never_appears_in_output() {
    let env = kv_env();
    let mut outs = vec![write_body(&env, "secret/data/x", r#"{"data": {"v": 1}}"#)];
    let forms = key_forms(&default_key(&env));
    let wrong = env.path("wrong.key");
    std::fs::write(&wrong, [1u8; 32]).unwrap();
    let wrong_flag = format!("-seal-key-file={}", wrong.display());
    let key_flag = format!("-seal-key-file={}", default_key(&env).display());
    for args in [
        vec!["read", "secret/data/x"],
        vec!["read", "-format=json", "secret/data/x"],
        vec!["read", "-format=yaml", "secret/metadata/x"],
        vec!["read", "sys/mounts"],
        vec!["read", "secret/config"],
        vec!["read", &wrong_flag, "secret/data/x"],
        vec!["read", "-format=json", &wrong_flag, "secret/data/x"],
        vec!["list", &key_flag, "secret/metadata"],
        vec!["write", &key_flag, "secret/data/y", "a=b"],
    ] {
        outs.push(env.run(&args));
    }
    for out in &outs {
        for f in &forms {
            assert!(
                !out.stdout.contains(f.as_str()) && !out.stderr.contains(f.as_str()),
                "the key was printed: {out:?}"
            );
        }
    }
}

#[test]
fn a_token_is_checked_on_every_kv_path_and_no_token_is_the_operator() {
    let mut env = kv_env();
    write_body(&env, "secret/data/app/db", r#"{"data": {"user": "x"}}"#).ok();
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
    let out = env.run(&["read", "-field=data", "secret/data/app/db"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "map[user:x]"));
    let denied = "1 error occurred:\n\t* permission denied\n\n";
    let hint = |op: &str, path: &str| {
        format!(
            "\nHint: the calling token from JWTVAULT_TOKEN (policies [app-read default]) is not \
             allowed {op} on {path}\n      without a token (JWTVAULT_TOKEN unset or empty and no \
             token in the helper file) jwtvault acts as the operator, with root rights\n"
        )
    };
    env.file("body.json", r#"{"data": {"user": "y"}}"#);
    for (args, context, op, path) in [
        (
            vec!["write", "secret/data/app/db", "@body.json"],
            "Error writing data to",
            "update",
            "secret/data/app/db",
        ),
        (
            vec!["write", "secret/data/app/new", "@body.json"],
            "Error writing data to",
            "create",
            "secret/data/app/new",
        ),
        (
            vec!["read", "secret/data/other"],
            "Error reading",
            "read",
            "secret/data/other",
        ),
        (
            vec!["list", "secret/metadata/app"],
            "Error listing",
            "list",
            "secret/metadata/app",
        ),
        (
            vec!["read", "secret/metadata/app/db"],
            "Error reading",
            "read",
            "secret/metadata/app/db",
        ),
        (
            vec!["delete", "secret/data/app/db"],
            "Error deleting",
            "delete",
            "secret/data/app/db",
        ),
    ] {
        let out = env.run(&args);
        expect(
            &out,
            2,
            "",
            &format!(
                "{}{}",
                api_err(&format!("{context} {path}"), 403, denied),
                hint(op, path)
            ),
        );
    }
    // Configuration paths are the operator's whatever token is held (contract §2).
    env.run(&["read", "sys/mounts"]).ok();
    // Without a token, the local command line is the operator on the KV paths too.
    env.set("JWTVAULT_TOKEN", "");
    write_body(&env, "secret/data/app/new", r#"{"data": {"user": "z"}}"#).ok();
    env.run(&["list", "secret/metadata/app"]).ok();
}
