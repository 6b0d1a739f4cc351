//! The state file: where it is (`-state`, `JWTVAULT_STATE`, the XDG/HOME default), its schema
//! version, files that are not a jwtvault state (refused and left untouched), failed writes that
//! leave nothing behind, and its permissions and file type (issue 16, items 5 and 6; contract §2:
//! the file's permissions are the security boundary).
//!
//! Rules (src/store.rs, `perms`): a state file we own loses every group and other bit, its
//! `-wal` and `-shm` may not allow more than it, a folder we own that others may write loses
//! that write (a sticky one such as /tmp is never changed), and the state path must be a
//! regular file or missing: a symbolic link, FIFO, socket, device or folder is refused before
//! SQLite opens it. The decisions for files and folders owned by another user are unit-tested
//! beside the code (they need a second user).

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{
    bin, config_fails, config_ok, expect, jwt_env, mode, pem_arg, read_data, role_fails, role_ok,
    Alg, Env, Key, Out,
};

// ---- where the state is, its schema, files that are not ours, failed writes ------------------

fn sqlite_user_version(path: &std::path::Path) -> i64 {
    let c = rusqlite::Connection::open(path).expect("open state");
    c.pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("user_version")
}

#[test]
fn state_path_flag_env_and_default() {
    let mut env = Env::sqlite();
    // -state wins over JWTVAULT_STATE.
    let flag_path = env.path("flag/s.db");
    let flag = format!("-state={}", flag_path.display());
    env.run(&["auth", "enable", &flag, "-path=viaflag", "jwt"])
        .ok();
    assert!(flag_path.exists());
    assert!(
        !env.state().exists(),
        "JWTVAULT_STATE must not be used when -state is given"
    );
    let out = env.run(&["auth", "list", "-state", flag_path.to_str().unwrap()]);
    assert!(out.stdout.contains("viaflag/"), "{}", out.stdout);
    // -state after the positionals is honoured too (as -format is).
    let out = env.run(&["list", "auth/viaflag/role", &flag]);
    expect(&out, 2, "", "No value found at auth/viaflag/role\n");

    // JWTVAULT_STATE.
    env.run(&["auth", "enable", "-path=viaenv", "jwt"]).ok();
    assert!(env.state().exists());
    let out = env.run(&["auth", "list"]);
    out.ok();
    assert!(
        out.stdout.contains("\nviaenv/ ") && !out.stdout.contains("viaflag/"),
        "{}",
        out.stdout
    );

    // The default: <data dir>/jwtvault/state.db, XDG_DATA_HOME first, then HOME.
    env.vars.retain(|(k, _)| k != "JWTVAULT_STATE");
    let xdg = env.path("xdg");
    env.set("XDG_DATA_HOME", xdg.to_str().unwrap());
    env.run(&["auth", "enable", "-path=viaxdg", "jwt"]).ok();
    assert!(xdg.join("jwtvault/state.db").exists());
    env.vars.retain(|(k, _)| k != "XDG_DATA_HOME");
    env.run(&["auth", "enable", "-path=viahome", "jwt"]).ok();
    let home_db = env.path("home/.local/share/jwtvault/state.db");
    assert!(home_db.exists());
    let out = env.run(&["auth", "list"]);
    out.ok();
    assert!(
        out.stdout.contains("\nviahome/ ") && !out.stdout.contains("viaxdg/"),
        "{}",
        out.stdout
    );
}

#[test]
fn state_file_modes_and_schema_version() {
    let env = Env::sqlite();
    env.run(&["auth", "list"]).ok();
    let db = env.state();
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "state file mode {mode:o}");
    let dir_mode = std::fs::metadata(db.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700, "state folder mode {dir_mode:o}");
    assert_eq!(
        sqlite_user_version(&db),
        jwtvault::store::SCHEMA_VERSION as i64
    );
}

#[test]
fn foreign_and_corrupt_files_are_refused_and_untouched() {
    let env = Env::new();
    let text = env.file("text.db", "hello, I am not a database\n");
    let foreign = env.path("foreign.db");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let newer = env.path("newer.db");
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.pragma_update(None, "application_id", jwtvault::store::APPLICATION_ID)
            .unwrap();
        c.pragma_update(None, "user_version", jwtvault::store::SCHEMA_VERSION + 1)
            .unwrap();
        c.execute_batch("CREATE TABLE future(x);").unwrap();
    }
    let cases = [
        (&text, "not an SQLite database".to_string()),
        (
            &foreign,
            "it holds tables but no jwtvault application_id".to_string(),
        ),
    ];
    for (path, detail) in cases {
        let before = std::fs::read(path).unwrap();
        let flag = format!("-state={}", path.display());
        let msg = format!(
            "state file {} is not a jwtvault state file ({detail}); it was left untouched. Point \
             -state or JWTVAULT_STATE at a jwtvault state file or a new path",
            path.display()
        );
        // Every command, path handler or not, reports the unusable state file as itself.
        for args in [
            vec!["auth", "list", flag.as_str()],
            vec!["auth", "enable", flag.as_str(), "jwt"],
            vec!["write", flag.as_str(), "auth/jwt/role/x", "a=b"],
            vec!["read", flag.as_str(), "auth/jwt/role/x"],
            vec!["login", flag.as_str(), "--jwt", "x.y.z"],
        ] {
            expect(&env.run(&args), 2, "", &format!("{msg}\n"));
        }
        assert_eq!(
            std::fs::read(path).unwrap(),
            before,
            "{} was modified",
            path.display()
        );
    }
    let before = std::fs::read(&newer).unwrap();
    expect(
        &env.run(&["auth", "list", &format!("-state={}", newer.display())]),
        2,
        "",
        &format!(
            "state file {} has schema version {}, newer than this jwtvault supports ({}); it was \
             left untouched. Upgrade jwtvault\n",
            newer.display(),
            jwtvault::store::SCHEMA_VERSION + 1,
            jwtvault::store::SCHEMA_VERSION
        ),
    );
    assert_eq!(std::fs::read(&newer).unwrap(), before);
    assert!(!env.path("newer.db-wal").exists());
}

#[test]
fn a_failing_write_leaves_nothing_behind() {
    let env = jwt_env();
    // A new role failing at a late check is not created.
    role_fails(
        &env,
        "dev",
        &["user_claim=sub", "bound_subject=s", "claim_mappings=a=role"],
        "metadata key \"role\" is reserved and may not be a mapping destination",
    );
    expect(
        &env.run(&["list", "auth/jwt/role"]),
        2,
        "",
        "No value found at auth/jwt/role\n",
    );
    // An existing role is unchanged by a write that fails after merging some fields.
    role_ok(&env, "dev", &["user_claim=sub", "bound_subject=s"]);
    let before = read_data(&env, "auth/jwt/role/dev");
    role_fails(
        &env,
        "dev",
        &[
            "bound_subject=changed",
            "groups_claim=g",
            "claim_mappings=a=x",
            "claim_mappings=b=x",
        ],
        "multiple keys are mapped to metadata key \"x\"",
    );
    assert_eq!(read_data(&env, "auth/jwt/role/dev"), before);
    // A config write that fails keeps the old config.
    let key = Key::new(Alg::ES256);
    config_ok(
        &env,
        &[&pem_arg(&env, "k.pem", &key.public), "bound_issuer=old"],
    );
    let before = read_data(&env, "auth/jwt/config");
    config_fails(
        &env,
        &[
            &pem_arg(&env, "k.pem", &key.public),
            "bound_issuer=new",
            "jwt_supported_algs=HS256",
        ],
        "invalid jwt_supported_algs: unsupported signing algorithm \"HS256\"",
    );
    assert_eq!(read_data(&env, "auth/jwt/config"), before);
}

// ---- permissions and file types (issue 16 items 5 and 6) -------------------------------------

fn chmod(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod");
}

fn with_suffix(p: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

/// Runs `jwtvault ARGS` with `-state=STATE`, killed after a minute so that a state path that
/// blocks (a FIFO) fails the test instead of hanging it.
fn run_state(env: &Env, state: &Path, args: &[&str]) -> Out {
    let mut c = Command::new(bin());
    let state_flag = format!("-state={}", state.display());
    c.args(args)
        .arg(&state_flag)
        .current_dir(env.dir.path())
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &env.vars {
        c.env(k, v);
    }
    let mut child = c.spawn().expect("spawn jwtvault");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "jwtvault {args:?} -state={} did not finish",
                state.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[track_caller]
fn refused(out: &Out, stderr: &str) {
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (2, "", stderr),
        "{out:#?}"
    );
}

const NOT_REGULAR: &str = "not a regular file; jwtvault keeps its state in a regular file: \
                           point -state or JWTVAULT_STATE at a file, or at a path that does not \
                           exist yet";

#[test]
fn a_premade_state_file_and_its_wal_and_shm_are_made_private() {
    let env = Env::new();
    let state = env.path("private/state.db");
    std::fs::create_dir(env.path("private")).expect("mkdir");
    chmod(&env.path("private"), 0o700);
    // `touch state.db; chmod 666 state.db`, then any command.
    std::fs::write(&state, b"").expect("touch");
    chmod(&state, 0o666);
    run_state(&env, &state, &["auth", "enable", "jwt"]).ok();
    let wal = with_suffix(&state, "-wal");
    let shm = with_suffix(&state, "-shm");
    assert_eq!(
        (mode(&state), mode(&wal), mode(&shm)),
        (0o600, 0o600, 0o600)
    );
    // All three loosened afterwards (a copy, a careless chmod): tightened by the next command.
    for p in [&state, &wal, &shm] {
        chmod(p, 0o666);
    }
    let out = run_state(&env, &state, &["auth", "list", "-format=json"]);
    out.ok();
    assert!(out.json()["jwt/"].is_object(), "{out:#?}");
    assert_eq!(
        (mode(&state), mode(&wal), mode(&shm)),
        (0o600, 0o600, 0o600)
    );
    // Group bits too; the user's own bits are kept.
    chmod(&state, 0o640);
    run_state(&env, &state, &["auth", "list"]).ok();
    assert_eq!(mode(&state), 0o600);
}

#[test]
fn a_wal_that_is_a_symbolic_link_is_refused() {
    let env = Env::new();
    let state = env.path("s/state.db");
    run_state(&env, &state, &["auth", "list"]).ok();
    let wal = with_suffix(&state, "-wal");
    std::fs::remove_file(&wal).expect("rm wal");
    let elsewhere = env.file("elsewhere", "keep me");
    std::os::unix::fs::symlink(&elsewhere, &wal).expect("symlink");
    refused(
        &run_state(&env, &state, &["auth", "list"]),
        &format!(
            "state file {}: is a symbolic link, not a regular file; SQLite keeps the state's \
             journal there: remove it\n",
            wal.display()
        ),
    );
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "keep me");
}

#[test]
fn a_foreign_file_keeps_its_permissions() {
    let env = Env::new();
    let notes = env.file("notes.txt", "hello, this is not a database at all");
    chmod(&notes, 0o666);
    let out = run_state(&env, &notes, &["auth", "list"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains("is not a jwtvault state file"),
        "{out:#?}"
    );
    assert_eq!(mode(&notes), 0o666);
}

#[test]
fn a_premade_folder_writable_by_others_loses_that_write() {
    let env = Env::new();
    let dir = env.path("shared");
    std::fs::create_dir(&dir).expect("mkdir");
    chmod(&dir, 0o777);
    run_state(&env, &dir.join("state.db"), &["auth", "list"]).ok();
    assert_eq!(mode(&dir), 0o755);
    assert_eq!(mode(&dir.join("state.db")), 0o600);
    // Group-writable (a umask of 002): the group loses write, reading stays.
    chmod(&dir, 0o775);
    run_state(&env, &dir.join("state.db"), &["auth", "list"]).ok();
    assert_eq!(mode(&dir), 0o755);
}

#[test]
fn a_sticky_folder_such_as_tmp_is_never_changed() {
    let env = Env::new();
    let dir = env.path("tmp");
    std::fs::create_dir(&dir).expect("mkdir");
    chmod(&dir, 0o1777);
    run_state(&env, &dir.join("state.db"), &["auth", "enable", "jwt"]).ok();
    assert_eq!(mode(&dir), 0o1777);
    assert_eq!(mode(&dir.join("state.db")), 0o600);
}

#[test]
fn a_folder_made_by_jwtvault_is_private() {
    let env = Env::new();
    let state = env.path("new/deeper/state.db");
    run_state(&env, &state, &["auth", "list"]).ok();
    assert_eq!(
        (mode(&env.path("new/deeper")), mode(&state)),
        (0o700, 0o600)
    );
}

#[test]
fn a_fifo_is_refused_without_hanging() {
    let env = Env::new();
    let fifo = env.path("fifo");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    refused(
        &run_state(&env, &fifo, &["auth", "list"]),
        &format!(
            "state file {}: is a FIFO (named pipe), {NOT_REGULAR}\n",
            fifo.display()
        ),
    );
}

#[test]
fn dev_null_is_refused_and_no_journal_is_left_beside_it() {
    let env = Env::new();
    let before = Path::new("/dev/null-journal").exists();
    refused(
        &run_state(&env, Path::new("/dev/null"), &["auth", "list"]),
        &format!("state file /dev/null: is a character device, {NOT_REGULAR}\n"),
    );
    // Nothing was created beside it (the bug left /dev/null-journal behind).
    if !before {
        assert!(!Path::new("/dev/null-journal").exists());
    }
}

#[test]
fn a_folder_or_a_socket_is_refused() {
    let env = Env::new();
    let dir = env.path("adir");
    std::fs::create_dir(&dir).expect("mkdir");
    refused(
        &run_state(&env, &dir, &["auth", "list"]),
        &format!("state file {}: is a folder, {NOT_REGULAR}\n", dir.display()),
    );
    let sock = env.path("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind");
    refused(
        &run_state(&env, &sock, &["auth", "list"]),
        &format!(
            "state file {}: is a socket, {NOT_REGULAR}\n",
            sock.display()
        ),
    );
}

#[test]
fn a_symbolic_link_is_refused_even_to_a_state_file() {
    let env = Env::new();
    let real = env.path("real/state.db");
    run_state(&env, &real, &["auth", "enable", "jwt"]).ok();
    let link = env.path("link.db");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    refused(
        &run_state(&env, &link, &["auth", "enable", "-path=other", "jwt"]),
        &format!(
            "state file {}: is a symbolic link (to {:?}), not a regular file; jwtvault does not \
             follow a link to its state: point -state or JWTVAULT_STATE at the file itself\n",
            link.display(),
            real
        ),
    );
    // The real file was not changed through the link.
    let out = run_state(&env, &real, &["auth", "list", "-format=json"]);
    out.ok();
    assert!(out.json().get("other/").is_none(), "{out:#?}");
    // A dangling link: refused, and its target is not created.
    let dangling = env.path("dangling.db");
    std::os::unix::fs::symlink(env.path("nowhere.db"), &dangling).expect("symlink");
    let out = run_state(&env, &dangling, &["auth", "list"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains(": is a symbolic link (to "), "{out:#?}");
    assert!(!env.path("nowhere.db").exists());
}
