//! A throwaway PostgreSQL cluster for the tests, shared by every test of one test binary.
//!
//! Started on first use from the installed server binaries (Debian's `postgresql` package:
//! `initdb` and `pg_ctl` under `/usr/lib/postgresql/<version>/bin`, or the folder named by
//! `JWTVAULT_PG_BIN`) in a new temporary folder, on a free loopback port, with password
//! authentication over TCP (so that the tests pass passwords as users do). Each test gets its
//! own database ([`Cluster::database`]), dropped when the test is done with it, and the
//! cluster keeps little WAL: the whole `postgres` step of scripts/test peaked under 100 MB,
//! not a copy of the template per test. A watcher process started with the cluster stops it
//! (an immediate shutdown) and removes its folder as soon as the test binary has exited,
//! however it exited.
//!
//! Running as root, the cluster runs as the `postgres` user (`initdb` refuses root).
//! Without the binaries the PostgreSQL tests are skipped with a note saying how to install
//! them, except under `CI=true`, where that is a failure.
//!
//! This file is shared: the cli test binary has it as a module, and the library's unit tests
//! include it by path (`storage::pg_cluster`).

#![allow(dead_code)]

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// How to get the binaries, printed when they are missing.
pub const INSTALL: &str = "the PostgreSQL tests need PostgreSQL's server binaries (initdb, \
pg_ctl): run scripts/install-postgres.sh (Debian/Ubuntu: apt-get install postgresql), or set \
JWTVAULT_PG_BIN to the folder holding them";

/// The superuser the tests connect as.
pub const USER: &str = "jwtvault";

/// A running cluster.
pub struct Cluster {
    pub port: u16,
    /// The superuser's password.
    pub password: String,
    /// The cluster's temporary folder (data, log, socket).
    pub dir: PathBuf,
    /// The binaries' folder.
    pub bin: PathBuf,
    next: AtomicU32,
    create: Mutex<()>,
}

/// The binaries' folder: `JWTVAULT_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`
/// holding `initdb` and `pg_ctl`.
pub fn bin_dir() -> Option<PathBuf> {
    let usable = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(d) = std::env::var_os("JWTVAULT_PG_BIN").filter(|d| !d.is_empty()) {
        let d = PathBuf::from(d);
        return usable(&d).then_some(d);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            usable(&bin).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, d)| d)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The uid and gid of the `postgres` user.
fn postgres_ids() -> Option<(u32, u32)> {
    // SAFETY: getpwnam returns null or a pointer to a static record, read at once.
    unsafe {
        let pw = libc::getpwnam(c"postgres".as_ptr());
        if pw.is_null() {
            return None;
        }
        Some(((*pw).pw_uid, (*pw).pw_gid))
    }
}

/// A command running one of the cluster's binaries, as `postgres` when we are root.
fn pg_command(bin: &Path, tool: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        c
    } else {
        Command::new(bin.join(tool))
    }
}

fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    getrandom::getrandom(&mut b).expect("random bytes");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Cluster {
    fn start(bin: PathBuf) -> Result<Cluster, String> {
        let dir = std::env::temp_dir().join(format!(
            "jwtvault-pg.{}.{}",
            std::process::id(),
            random_hex(4)
        ));
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let password = random_hex(12);
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, format!("{password}\n")).map_err(|e| e.to_string())?;
        if is_root() {
            let (uid, gid) =
                postgres_ids().ok_or("running as root and there is no postgres user")?;
            for p in [&dir, &pwfile] {
                std::os::unix::fs::chown(p, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
            }
        }
        let data = dir.join("data");
        let mut initdb = pg_command(&bin, "initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", USER, "-E", "UTF8", "--no-locale", "--no-sync"])
            .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
            .arg(format!("--pwfile={}", pwfile.display()));
        run(initdb, "initdb")?;
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut ctl = pg_command(&bin, "pg_ctl");
            ctl.arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.join("log"))
                .args(["-w", "-t", "60", "-o"])
                .arg(format!(
                    "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
                     -c full_page_writes=off -c synchronous_commit=off -c max_connections=300 \
                     -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=64MB \
                     -c min_wal_size=32MB",
                    dir.display()
                ))
                .arg("start")
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            match run(ctl, "pg_ctl start") {
                Ok(()) => {
                    watch(&dir, &data);
                    return Ok(Cluster {
                        port,
                        password,
                        dir,
                        bin,
                        next: AtomicU32::new(0),
                        create: Mutex::new(()),
                    });
                }
                Err(e) => last = e,
            }
        }
        let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        Err(format!("{last}\n{log}"))
    }

    /// The URL of a database of this cluster, with the password.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgresql://{USER}:{}@127.0.0.1:{}/{db}",
            self.password, self.port
        )
    }

    /// The same URL without the password (for `PGPASSWORD`, and what messages show).
    pub fn url_without_password(&self, db: &str) -> String {
        format!("postgresql://{USER}@127.0.0.1:{}/{db}", self.port)
    }

    /// A connection to one of the cluster's databases, as the superuser.
    pub fn client(&self, db: &str) -> postgres::Client {
        postgres::Client::connect(&self.url(db), postgres::NoTls).expect("connect to the cluster")
    }

    /// A new, empty database, dropped when the value is.
    pub fn database(&'static self) -> Database {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            self.next.fetch_add(1, Ordering::Relaxed)
        );
        // CREATE DATABASE copies template1, which must then have no other session: one at a
        // time.
        let _one_at_a_time = self.create.lock().unwrap_or_else(|e| e.into_inner());
        self.client("postgres")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        Database {
            cluster: self,
            name,
        }
    }
}

/// A database of the test cluster, which derefs to its name. Dropping it drops the database,
/// ending any session still on it (a server or a process the test left running).
pub struct Database {
    cluster: &'static Cluster,
    name: String,
}

impl Deref for Database {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let dropped = postgres::Client::connect(&self.cluster.url("postgres"), postgres::NoTls)
            .and_then(|mut c| {
                c.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
            });
        if let Err(e) = dropped {
            // Not a failure of the test: the database only stays until the cluster goes.
            eprintln!("note: the test database {} was not dropped: {e}", self.name);
        }
    }
}

/// Starts a process that waits for this one to end, then stops the cluster (SIGQUIT to the
/// postmaster: an immediate shutdown) and removes its folder. It runs in a session of its own,
/// so that a Ctrl-C of the test run does not end it first.
fn watch(dir: &Path, data: &Path) {
    use std::os::unix::process::CommandExt;
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         pm=$(head -n 1 '{data}/postmaster.pid' 2>/dev/null); \
         if [ -n \"$pm\" ]; then kill -QUIT \"$pm\"; \
         while kill -0 \"$pm\" 2>/dev/null; do sleep 0.1; done; fi; \
         rm -rf '{dir}'",
        pid = std::process::id(),
        data = data.display(),
        dir = dir.display(),
    );
    let mut c = Command::new("sh");
    c.args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setsid is async-signal-safe and touches nothing of the parent.
    unsafe {
        c.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    // Never waited for: it outlives this process, on purpose.
    #[allow(clippy::zombie_processes)]
    c.spawn().expect("start the cluster's watcher");
}

/// This test binary's cluster, started on first use. `None` when the binaries are missing
/// (said once on stderr); under `CI=true` that, like a cluster that does not start, fails.
pub fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
    CLUSTER
        .get_or_init(|| {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true");
            let Some(bin) = bin_dir() else {
                assert!(!ci, "CI=true: {INSTALL}");
                eprintln!("note: skipping the PostgreSQL tests: {INSTALL}");
                return None;
            };
            match Cluster::start(bin) {
                Ok(c) => Some(c),
                Err(e) => panic!("the PostgreSQL test cluster did not start: {e}"),
            }
        })
        .as_ref()
}
