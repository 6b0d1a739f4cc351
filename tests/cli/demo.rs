//! `jwtvault demo`: the walkthrough run for real against a loopback issuer, its transcript, and
//! that it never touches the user's state, token helper file, seal key or environment
//! (`-state=PATH` only for a new file, its seal key beside it); the secrets step (KV mount,
//! `developer-policy`, a secret the developer's token reads and is refused beside); a failing
//! step names itself and carries its error.

use std::path::Path;

use crate::support::{bin, Alg, Env};

/// The demo's transcript with what changes from run to run masked: every word (a run of ASCII
/// letters and digits) that holds a digit, is 16 or more long, or is 4 or more lowercase hex
/// digits becomes `#` (the issuer's port, times, tokens, accessors, ids).
fn masked(s: &str) -> String {
    fn mask(word: &str) -> bool {
        word.bytes().any(|b| b.is_ascii_digit())
            || word.len() >= 16
            || (word.len() >= 4 && word.bytes().all(|b| matches!(b, b'a'..=b'f')))
    }
    let mut out = String::new();
    let mut word = String::new();
    for c in s.chars().chain(['\n']) {
        if c.is_ascii_alphanumeric() {
            word.push(c);
            continue;
        }
        out.push_str(if mask(&word) { "#" } else { &word });
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// Every file under `dir` with its bytes, for before/after comparisons.
fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                files.push((p, bytes));
            }
        }
    }
    files.sort();
    files
}

/// The whole transcript of `jwtvault demo`, masked as [`masked`] says.
const DEMO_TRANSCRIPT: &str = r##"jwtvault demo: Vault's JWT auth walkthrough, run for real. An OIDC issuer is
served at http://#.#.#.#:#/ by this process with a fresh # key; the
state is a temporary file, removed at the end.

$ jwtvault auth enable jwt
Success! Enabled jwt auth method at: jwt/

$ jwtvault write auth/jwt/config \
    oidc_discovery_url="http://#.#.#.#:#/.well-known/openid-configuration" \
    bound_issuer="http://#.#.#.#:#/" token_audiences="vault-aud-value"
Success! Data written to: auth/jwt/config

$ jwtvault write auth/jwt/role/developer-role user_claim="sub" groups_claim="groups" \
    token_policies="developer-policy" bound_claims_type="glob" bound_claims="groups=developers"
Success! Data written to: auth/jwt/role/developer-role

# The operator (no token yet: root rights) mounts a KV store, writes the role's policy
# and stores a secret. developer-policy.hcl: path "secret/data/app/*" { capabilities = ["read"] }
$ jwtvault secrets enable -path=secret kv-#
Success! Enabled the kv-# secrets engine at: secret/

$ jwtvault policy write developer-policy developer-policy.hcl
Success! Uploaded policy: developer-policy

$ jwtvault kv put secret/app/db user=app password=#
=== Secret Path ===
secret/data/app/db

======= Metadata =======
Key                Value
---                -----
created_time       #-#-#:#:#.#
custom_metadata    <nil>
deletion_time      n/a
destroyed          false
version            #

# A JWT with the walkthrough's claims, signed by the issuer's key (token.jwt):
$ jwtvault jwt decode @token.jwt
UNVERIFIED: the signature was not checked; do not trust these claims.

Header
{
  "alg": "#",
  "kid": "demo-key-#",
  "typ": "JWT"
}

Claims
{
  "aud": "vault-aud-value",
  "email": "alice@example.com",
  "exp": #,
  "groups": [
    "developers",
    "ops"
  ],
  "iat": #,
  "iss": "http://#.#.#.#:#/",
  "name": "Alice Smith",
  "sub": "user-#"
}

Times
exp    #-#-#:#:# (in #)
iat    #-#-#:#:# (# ago)

$ jwtvault write auth/jwt/login role=developer-role jwt=@token.jwt
Key                  Value
---                  -----
token                jvs.#
token_accessor       #
token_duration       #
token_renewable      true
token_policies       ["default" "developer-policy"]
identity_policies    []
policies             ["default" "developer-policy"]
token_meta_role      developer-role

$ jwtvault login --jwt @token.jwt --role developer-role
Success! You are now authenticated. The token information displayed below is
already stored in the token helper. You do NOT need to run "jwtvault login"
again. Future jwtvault requests will automatically use this token.

Key                  Value
---                  -----
token                jvs.#
token_accessor       #
token_duration       #
token_renewable      true
token_policies       ["default" "developer-policy"]
identity_policies    []
policies             ["default" "developer-policy"]
token_meta_role      developer-role

# The identity behind the token: one entity, its alias named after `sub`.
$ jwtvault list identity/entity/id
Keys
----
#-#-#-#-#

$ jwtvault read identity/entity/id/#-#-#-#-#
Key                    Value
---                    -----
aliases                [map[canonical_id:#-#-#-#-# creation_time:#-#-#:#:#.# custom_metadata:<nil> id:#-#-#-#-# last_update_time:#-#-#:#:#.# local:false merged_from_canonical_ids:<nil> metadata:map[role:developer-role] mount_accessor:auth_jwt_# mount_path:auth/jwt/ mount_type:jwt name:user-#]]
creation_time          #-#-#:#:#.#
direct_group_ids       []
disabled               false
group_ids              []
id                     #-#-#-#-#
inherited_group_ids    []
last_update_time       #-#-#:#:#.#
merged_entity_ids      <nil>
metadata               <nil>
name                   entity_#.root
namespace_id           root
policies               []

# Refused: a token whose groups lack `developers` (ops-token.jwt), then one with the wrong aud.
$ jwtvault write auth/jwt/login role=developer-role jwt=@ops-token.jwt
Error writing data to auth/jwt/login: Code: #. Errors:

* error validating claims: claim "groups" does not match any associated bound claim values

Hint: claim "groups" held ["ops"]; expected one of ["developers"] (glob)

$ jwtvault write auth/jwt/login role=developer-role jwt=@wrong-aud.jwt
Error writing data to auth/jwt/login: Code: #. Errors:

* error validating token: invalid audience (aud) claim: audience claim does not match any expected audience

Hint: token aud: "another-service"; config token_audiences: ["vault-aud-value"]

# As the logged-in developer (the token in the helper file): developer-policy reads
# secret/app/*, and nothing else.
$ jwtvault kv get secret/app/db
=== Secret Path ===
secret/data/app/db

======= Metadata =======
Key                Value
---                -----
created_time       #-#-#:#:#.#
custom_metadata    <nil>
deletion_time      n/a
destroyed          false
version            #

====== Data ======
Key         Value
---         -----
password    #
user        app

$ jwtvault kv get secret/other/x
Error reading secret/data/other/x: Code: #. Errors:

* # error occurred:
	* permission denied



Hint: the calling token from the token helper file /tmp/jwtvault-demo-#/token (policies [default developer-policy]) is not allowed read on secret/data/other/x
      without a token (JWTVAULT_TOKEN unset or empty and no token in the helper file) jwtvault acts as the operator, with root rights

$ jwtvault kv put secret/app/db password=#
Error writing data to secret/data/app/db: Code: #. Errors:

* # error occurred:
	* permission denied



Hint: the calling token from the token helper file /tmp/jwtvault-demo-#/token (policies [default developer-policy]) is not allowed update on secret/data/app/db
      without a token (JWTVAULT_TOKEN unset or empty and no token in the helper file) jwtvault acts as the operator, with root rights

Done. Every step above ran the real jwtvault against a real (loopback) issuer.
"##;

#[test]
fn the_transcript_mask_keeps_what_is_fixed() {
    assert_eq!(
        masked("token jvs.72rCxv3W2Fpj2FabRN9gSl6d (in 59m59s) user-12345 alice auth_jwt_ace0bfab"),
        "token jvs.# (in #) user-# alice auth_jwt_#"
    );
    assert_ne!(masked("Success! Enabled"), masked("Success! Disabled"));
}

#[test]
fn demo_runs_the_walkthrough_and_leaves_nothing_behind() {
    let mut env = Env::new();
    let tmp = env.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    env.set("TMPDIR", &tmp.display().to_string());
    let out = env.run(&["demo"]);
    out.ok();
    assert_eq!(out.stderr, "");
    // The demo's folder is under TMPDIR (the refusals' hints name its token helper file).
    let stdout = out.stdout.replace(&tmp.display().to_string(), "/tmp");
    assert_eq!(masked(&stdout), DEMO_TRANSCRIPT, "{}", out.stdout);
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "the demo left files in TMPDIR"
    );
    assert!(
        !env.state().exists(),
        "the demo wrote JWTVAULT_STATE's file"
    );
    assert_eq!(
        snapshot(&env.path("home")),
        [],
        "the demo wrote into HOME (the default state or token helper file)"
    );
}

/// Issue 11 item 2: with a used state and token helper file in the environment, and every
/// variable that could redirect a step, the demo runs as it does in a clean environment and
/// leaves all of them byte for byte as they were.
#[test]
fn demo_never_reads_or_writes_the_users_state_helper_file_or_server() {
    let clean = Env::sqlite();
    let clean_out = clean.run(&["demo"]);
    clean_out.ok();

    let mut env = Env::sqlite();
    let key = env.jwt_mount_with_key(Alg::ES256, &[]);
    env.run(&[
        "write",
        "auth/jwt/role/developer-role",
        "user_claim=sub",
        "bound_audiences=vault-aud-value",
    ])
    .ok();
    let jwt = key.sign(&crate::support::walkthrough_claims("https://iss/"));
    env.run(&["login", "--jwt", &jwt, "--role", "developer-role"])
        .ok();
    let helper = env.path("home/.jwtvault-token");
    assert!(helper.exists() && env.state().exists());
    let seal = env.file("seal.key", "not a key");
    let xdg = env.path("xdg");
    for d in ["data", "config", "cache", "state"] {
        std::fs::create_dir_all(xdg.join(d)).unwrap();
    }
    for (k, v) in [
        ("JWTVAULT_TOKEN", "jvs.notatokenofthisdemo0000000"),
        ("JWTVAULT_ADDR", "http://127.0.0.1:9"),
        ("JWTVAULT_STORAGE", "postgresql://nobody@127.0.0.1:9/none"),
        ("JWTVAULT_FORMAT", "json"),
        ("JWTVAULT_OFFLINE", "1"),
        ("JWTVAULT_REMOTE_ADDR", "203.0.113.9"),
        ("JWTVAULT_CACERT", "/nonexistent/ca.pem"),
        ("JWTVAULT_SEAL_KEY_FILE", seal.to_str().unwrap()),
        ("JWTVAULT_CLI_NO_COLOR", "1"),
        ("http_proxy", "http://127.0.0.1:9"),
        ("HTTP_PROXY", "http://127.0.0.1:9"),
        ("ALL_PROXY", "http://127.0.0.1:9"),
        ("SSL_CERT_FILE", "/nonexistent/ca.pem"),
        ("XDG_DATA_HOME", xdg.join("data").to_str().unwrap()),
        ("XDG_CONFIG_HOME", xdg.join("config").to_str().unwrap()),
        ("XDG_CACHE_HOME", xdg.join("cache").to_str().unwrap()),
        ("XDG_STATE_HOME", xdg.join("state").to_str().unwrap()),
    ] {
        env.set(k, v);
    }
    let before = snapshot(env.dir.path());
    let out = env.run(&["demo"]);
    out.ok();
    assert_eq!(out.stderr, "");
    assert_eq!(masked(&out.stdout), masked(&clean_out.stdout));
    assert_eq!(masked(&out.stdout), DEMO_TRANSCRIPT);
    // The state, its -wal/-shm, the helper file, HOME and the XDG folders: all unchanged, and
    // nothing new anywhere in the environment's folder.
    assert!(
        snapshot(env.dir.path()) == before,
        "the demo changed files of the user's environment"
    );
    // And the user's state and helper file still work as before (locally: without the
    // variables that make the command line a client of a server or point it elsewhere).
    env.vars.retain(|(k, _)| {
        ![
            "JWTVAULT_TOKEN",
            "JWTVAULT_ADDR",
            "JWTVAULT_CACERT",
            "JWTVAULT_STORAGE",
        ]
        .contains(&k.as_str())
    });
    let look = env.run(&["token", "lookup", "-format=json"]);
    look.ok();
    assert_eq!(look.json()["data"]["path"], "auth/jwt/login");
}

#[test]
fn demo_keeps_the_state_only_in_a_new_file() {
    let env = Env::new();
    // A relative path is the caller's, not the demo's temporary folder's.
    let out = env.run(&["demo", "-state=kept/demo.db"]);
    out.ok();
    let state = env.path("kept/demo.db");
    assert!(
        out.stdout.ends_with(&format!(
            "Done. Every step above ran the real jwtvault against a real (loopback) issuer.\n\
             The state is kept in {}; its jwt/ config names this demo's issuer, which stops now.\n\
             Its secret is sealed with the key in {}.seal.key (-seal-key-file to read it).\n",
            state.display(),
            state.display()
        )),
        "{}",
        out.stdout
    );
    // The secret the demo stored opens with the key kept beside the state (and with no token
    // held, the command line is the operator); the user's default key was never made.
    let key = env.path("kept/demo.db.seal.key");
    let read = env.run(&[
        "kv",
        "get",
        "-state",
        &state.display().to_string(),
        "-seal-key-file",
        &key.display().to_string(),
        "-field=password",
        "secret/app/db",
    ]);
    assert_eq!(read.ok().stdout, "s3cr3t");
    assert!(!env.path("home/.config/jwtvault/seal.key").exists());
    assert!(!env.state().exists(), "JWTVAULT_STATE must not be used");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        (mode(&state), mode(state.parent().unwrap()), mode(&key)),
        (0o600, 0o700, 0o600)
    );
    let roles = env.run(&[
        "list",
        "-state",
        &state.display().to_string(),
        "auth/jwt/role",
    ]);
    assert_eq!(roles.ok().stdout, "Keys\n----\ndeveloper-role\n");

    // Run again on it: refused, exit 1, nothing printed on stdout, nothing changed.
    let before = snapshot(&env.path("kept"));
    for flag in ["-state=kept/demo.db", "--state=kept/demo.db"] {
        let again = env.run(&["demo", flag]);
        assert_eq!(
            (again.code, again.stdout.as_str(), again.stderr.as_str()),
            (
                1,
                "",
                format!(
                    "demo: {} already exists; demo -state=PATH keeps the demo's state only in a \
                     new file, never in one that may be in use. Choose a path where no file \
                     exists yet, or run demo without -state\n",
                    state.display()
                )
                .as_str()
            )
        );
    }
    assert!(
        snapshot(&env.path("kept")) == before,
        "a refused demo changed the kept state"
    );
    // A journal left by an earlier file at that path counts as that file.
    let wal = env.file("other/s.db-wal", "left over");
    let out = env.run(&[
        "demo",
        &format!("-state={}", env.path("other/s.db").display()),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "demo: {} already exists; demo -state=PATH keeps the demo's state only in a new file, \
             never in one that may be in use. Choose a path where no file exists yet, or run demo \
             without -state\n",
            wal.display()
        )
    );
    assert!(!env.path("other/s.db").exists());
    // So does a seal key at the path the demo would keep its own beside the state: the demo
    // never writes over a key.
    let key = env.file("third/s.db.seal.key", "someone's key");
    let out = env.run(&[
        "demo",
        &format!("-state={}", env.path("third/s.db").display()),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with(&format!("demo: {} already exists;", key.display())),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&key).unwrap(), "someone's key");
    assert!(!env.path("third/s.db").exists());
}

/// A step that fails stops the demo with exit 2 and an error naming the step, its command and
/// the step's own error, byte for byte. The failure is a real one: a file size limit (a full
/// disk, as the process sees it) lets the demo write its small token files but not the state's
/// first SQLite page, so the first step fails exactly as `jwtvault auth enable jwt` does on its
/// own under the same limit.
#[test]
fn a_failing_demo_step_names_the_step_and_carries_its_error() {
    let env = Env::new();
    let tmp = env.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // SIGXFSZ ignored: a write past the limit fails with EFBIG instead of killing the process.
    let limited = |args: &[&str]| {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 2; exec \"$0\" \"$@\"")
            .arg(bin())
            .args(args)
            .current_dir(env.dir.path())
            .env_clear()
            .envs(env.vars.iter().map(|(k, v)| (k, v)))
            .env("TMPDIR", &tmp)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let alone = env.path("alone/state.db");
    let (code, stdout, step_error) = limited(&[
        "auth",
        "enable",
        &format!("-state={}", alone.display()),
        "jwt",
    ]);
    assert_eq!((code, stdout.as_str()), (Some(2), ""), "{step_error}");
    assert!(!step_error.is_empty());

    let (code, stdout, stderr) = limited(&["demo"]);
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    assert_eq!(
        stderr,
        format!("demo: step 1 (jwtvault auth enable jwt) failed (exit 2):\n{step_error}")
    );
    // The transcript shows the step and its error, and stops there.
    assert!(
        stdout.ends_with(&format!("\n$ jwtvault auth enable jwt\n{step_error}")),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "files left in TMPDIR"
    );
}
