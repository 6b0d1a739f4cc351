//! The `jwt` helpers that need no identity provider: `jwt keygen` (a usable pair and JWKS for
//! every algorithm, private files, never overwriting a key or following a symlink without
//! `-force`), `jwt sign` and `jwt decode`.

use serde_json::{json, Value};

use crate::support::{mode, Alg, Env, Key};

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
