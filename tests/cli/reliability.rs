//! Many processes on one state file, and processes killed mid-command (contract §2: nothing
//! lost, no `database is locked` reaching the user, a printed token is stored durably).
//!
//! Timing is never asserted here: `benches/compare.sh` measures.

use std::collections::HashSet;
use std::process::Child;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::support::{now, wait_out, Alg, Env, Key, Out};

const ISS: &str = "https://idp.example/";

/// `jwt/` with an ES256 key and the role `dev` (sub is the alias; policy `dev`).
fn setup() -> (Env, Key) {
    setup_on(Env::new())
}

/// [`setup`] on the given environment.
fn setup_on(env: Env) -> (Env, Key) {
    let key = env.jwt_mount_with_key(Alg::ES256, &[&format!("bound_issuer={ISS}")]);
    env.run(&[
        "write",
        "auth/jwt/role/dev",
        "role_type=jwt",
        "user_claim=sub",
        "bound_audiences=vault-aud-value",
        "token_policies=dev",
    ])
    .ok();
    (env, key)
}

fn jwt(key: &Key, sub: &str) -> String {
    let t = now();
    key.sign(&json!({"iss": ISS, "sub": sub, "aud": "vault-aud-value", "iat": t, "exp": t + 3600}))
}

fn login_args(jwt: &str) -> Vec<String> {
    vec![
        "write".into(),
        "-field=token".into(),
        "auth/jwt/login".into(),
        "role=dev".into(),
        format!("jwt={jwt}"),
    ]
}

fn spawn(env: &Env, args: &[String]) -> Child {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    env.spawn(&refs)
}

/// Asserts that no run reported a lock (or any other) error to the user.
#[track_caller]
fn assert_clean(outs: &[Out]) {
    for o in outs {
        assert!(
            !o.stderr.to_lowercase().contains("locked")
                && !o.stderr.to_lowercase().contains("busy"),
            "a lock error reached the user:\n{o:#?}"
        );
        o.ok();
        assert_eq!(o.stderr, "", "unexpected stderr:\n{o:#?}");
    }
}

fn is_token(s: &str) -> bool {
    s.len() == 28 && s.starts_with("jvs.") && s[4..].bytes().all(|b| b.is_ascii_alphanumeric())
}

#[track_caller]
fn assert_token_found(env: &Env, token: &str) {
    let out = env.run(&["token", "lookup", "-format=json", token]);
    out.ok();
    let j = out.json();
    assert_eq!(j["data"]["path"], "auth/jwt/login", "{j}");
    assert_eq!(j["data"]["policies"], json!(["default", "dev"]), "{j}");
}

fn list_keys(env: &Env, path: &str) -> Vec<String> {
    let out = env.run(&["list", "-format=json", path]);
    out.ok();
    serde_json::from_value(out.json()).expect("list of strings")
}

#[test]
fn sixty_four_logins_at_once_on_one_state_file() {
    let (env, key) = setup();
    // 32 users, each logging in twice at the same moment: the two logins of a user race to
    // create its entity, and exactly one entity per user must come out.
    let jwts: Vec<String> = (0..32).map(|i| jwt(&key, &format!("user-{i}"))).collect();
    let children: Vec<Child> = (0..64)
        .map(|i| spawn(&env, &login_args(&jwts[i % 32])))
        .collect();
    let outs: Vec<Out> = children.into_iter().map(wait_out).collect();
    assert_clean(&outs);
    let tokens: HashSet<&str> = outs.iter().map(|o| o.stdout.as_str()).collect();
    assert_eq!(tokens.len(), 64, "tokens are not all distinct");
    for t in &tokens {
        assert!(is_token(t), "not a token: {t:?}");
        assert_token_found(&env, t);
    }
    let entities = list_keys(&env, "identity/entity/id");
    assert_eq!(entities.len(), 32, "one entity per user: {entities:?}");
    // Every token names one of those entities, and both logins of a user share it.
    let mut by_user: Vec<HashSet<String>> = vec![HashSet::new(); 32];
    for (i, o) in outs.iter().enumerate() {
        let out = env.run(&["token", "lookup", "-field=entity_id", &o.stdout]);
        out.ok();
        assert!(entities.contains(&out.stdout), "{out:?}");
        by_user[i % 32].insert(out.stdout.clone());
    }
    assert!(by_user.iter().all(|s| s.len() == 1), "{by_user:?}");
}

#[test]
fn logins_role_writes_and_revocations_at_once() {
    let (env, key) = setup();
    let old: Vec<String> = (0..16)
        .map(|i| {
            let out = spawn(&env, &login_args(&jwt(&key, &format!("old-{i}"))));
            let out = wait_out(out);
            out.ok();
            out.stdout
        })
        .collect();
    let mut children = Vec::new();
    let mut kinds = Vec::new();
    for i in 0..48 {
        let args: Vec<String> = match i % 3 {
            0 => login_args(&jwt(&key, &format!("new-{i}"))),
            1 => vec![
                "write".into(),
                format!("auth/jwt/role/r{i}"),
                "user_claim=sub".into(),
                "bound_audiences=vault-aud-value".into(),
                format!("token_policies=p{i}"),
            ],
            _ => vec!["token".into(), "revoke".into(), old[i / 3].clone()],
        };
        kinds.push(i % 3);
        children.push(spawn(&env, &args));
    }
    let outs: Vec<Out> = children.into_iter().map(wait_out).collect();
    assert_clean(&outs);
    for (o, kind) in outs.iter().zip(&kinds) {
        match kind {
            0 => assert_token_found(&env, &o.stdout),
            1 => assert!(o
                .stdout
                .starts_with("Success! Data written to: auth/jwt/role/r")),
            _ => assert_eq!(o.stdout, "Success! Revoked token (if it existed)\n"),
        }
    }
    for t in &old {
        let out = env.run(&["token", "lookup", t]);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (
                2,
                "Error looking up token: Code: 403. Errors:\n\n* bad token\n"
            ),
            "revoked token still found: {out:?}"
        );
    }
    let mut roles = list_keys(&env, "auth/jwt/role");
    roles.sort();
    let mut want: Vec<String> = (0..48)
        .filter(|i| i % 3 == 1)
        .map(|i| format!("r{i}"))
        .collect();
    want.push("dev".into());
    want.sort();
    assert_eq!(roles, want);
    // 16 old users + 16 new ones.
    assert_eq!(list_keys(&env, "identity/entity/id").len(), 32);
}

/// xorshift64*: the test prints its seed so a failure can be replayed with
/// `JWTVAULT_CRASH_SEED=<seed>`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn sigkill_at_random_moments_loses_nothing_printed_and_never_corrupts() {
    let (env, key) = setup();
    let seed = std::env::var("JWTVAULT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("clock")
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test seed: {seed}");
    let mut rng = Rng(seed);
    let jwts: Vec<String> = (0..8).map(|i| jwt(&key, &format!("crash-{i}"))).collect();
    let mut printed = Vec::new(); // tokens whose login printed them
    let mut written = Vec::new(); // roles whose write reported success
    let mut killed = 0;
    let mut round = 0;
    // Until 220 processes have been killed before they finished (most rounds kill one or two).
    while killed < 220 {
        round += 1;
        assert!(
            round < 3000,
            "seed {seed}: processes keep finishing before the kill"
        );
        // Two processes at a time, so that some die while the other waits on the lock.
        let mut batch = Vec::new();
        for k in 0..2 {
            let n = round * 2 + k;
            let args = if rng.next().is_multiple_of(3) {
                vec![
                    "write".to_string(),
                    format!("auth/jwt/role/c{n}"),
                    "user_claim=sub".into(),
                    "bound_audiences=vault-aud-value".into(),
                    format!("token_policies=p{n}"),
                ]
            } else {
                login_args(&jwts[(rng.next() % 8) as usize])
            };
            batch.push((
                n,
                args[0] == "write" && args[1] != "-field=token",
                spawn(&env, &args),
            ));
        }
        std::thread::sleep(Duration::from_micros(rng.next() % 20_000));
        for (n, is_role, mut child) in batch {
            if child.try_wait().expect("try_wait").is_none() {
                // SIGKILL on Unix; the process may still finish first, which is fine.
                let _ = child.kill();
                killed += 1;
            }
            let out = wait_out(child);
            assert!(
                !out.stderr.to_lowercase().contains("locked"),
                "seed {seed}: a lock error reached the user:\n{out:#?}"
            );
            if is_role {
                if out.code == 0 {
                    written.push(format!("c{n}"));
                }
            } else if is_token(&out.stdout) {
                // Printed means committed first, whether or not the kill came before exit.
                printed.push(out.stdout);
            } else if out.code != -1 {
                panic!("seed {seed}: a login that was not killed failed:\n{out:#?}");
            }
        }
    }
    eprintln!(
        "crash test: {killed} kills, {} tokens printed, {} roles written",
        printed.len(),
        written.len()
    );
    assert!(
        killed >= 200,
        "seed {seed}: only {killed} processes were killed mid-run"
    );

    let store = jwtvault::store::Store::open(&env.state(), &|_| Ok(()))
        .unwrap_or_else(|e| panic!("seed {seed}: state file does not open: {e}"));
    assert_eq!(
        store.integrity_check().expect("integrity_check"),
        "ok",
        "seed {seed}"
    );
    drop(store);
    for t in &printed {
        assert_token_found(&env, t);
    }
    let roles = list_keys(&env, "auth/jwt/role");
    for r in &written {
        assert!(
            roles.contains(r),
            "seed {seed}: role {r} was written but is gone"
        );
    }
    // And the file still works for a new login.
    let out = wait_out(spawn(&env, &login_args(&jwt(&key, "after"))));
    out.ok();
    assert_token_found(&env, &out.stdout);
}

#[test]
fn wal_stays_small_and_is_rewritten_in_place_across_many_logins() {
    // Each process rebuilds its WAL index from every valid frame, and forgets checkpoints done
    // by earlier processes: only the commits' own restarts keep the WAL (and every process's
    // recovery read) small. Restarting in place, never truncating, keeps the WAL file's blocks,
    // so a commit's fsync does not also have to record a longer file.
    let (env, key) = setup_on(Env::sqlite());
    let token = jwt(&key, "wal");
    let mut wal = env.state().into_os_string();
    wal.push("-wal");
    let mut sizes = Vec::new();
    for _ in 0..150 {
        wait_out(spawn(&env, &login_args(&token))).ok();
        sizes.push(std::fs::metadata(&wal).expect("WAL file").len());
    }
    assert!(
        sizes.windows(2).all(|w| w[0] <= w[1]),
        "WAL file shrank: {sizes:?}"
    );
    let len = *sizes.last().expect("150 logins");
    assert!(len <= 1 << 20, "WAL file is {len} bytes after 150 logins");
    // What the next process recovers: a PASSIVE checkpoint reports the WAL's valid frames.
    let c = rusqlite::Connection::open(env.state()).expect("open state");
    let frames: i64 = c
        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
        .expect("checkpoint");
    // At most the restart threshold (80 frames) and one login's pages.
    assert!(
        frames <= 80 + 16,
        "{frames} frames in the WAL after 150 logins"
    );
}

#[test]
fn each_command_leaves_its_connection_to_the_exit_and_the_next_finds_everything() {
    // The binary commits a command's transaction and leaves the SQLite connection for the exit
    // to release (Store::commit_before_exit): what it wrote must be whole for the next process,
    // one after another and many at once, and a process that has ended holds no lock.
    let (env, key) = setup_on(Env::sqlite());
    let mut tokens = Vec::new();
    for n in 0..40 {
        let out = wait_out(spawn(&env, &login_args(&jwt(&key, &format!("seq{n}")))));
        out.ok();
        tokens.push(out.stdout);
    }
    let children: Vec<_> = (0..16)
        .map(|n| spawn(&env, &login_args(&jwt(&key, &format!("par{n}")))))
        .collect();
    let outs: Vec<Out> = children.into_iter().map(wait_out).collect();
    assert_clean(&outs);
    tokens.extend(outs.into_iter().map(|o| o.stdout));
    for t in &tokens {
        assert_token_found(&env, t);
    }
    let c = rusqlite::Connection::open(env.state()).expect("open state");
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    // No process is left holding the file: an exclusive lock is granted at once.
    c.busy_timeout(Duration::ZERO).expect("busy timeout");
    c.execute_batch("BEGIN EXCLUSIVE; COMMIT")
        .expect("a lock is still held by a process that has exited");
}
