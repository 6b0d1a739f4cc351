//! `-storage` / `JWTVAULT_STORAGE` (contract §10) on a real PostgreSQL: the test cluster of
//! `pg_cluster`, whatever storage the rest of the run uses (skipped with a note when PostgreSQL
//! is not installed, a failure under CI=true).

use serde_json::json;

use crate::support::{expect, postgres, wait_out, Env, Fx};

/// An environment on a new database of the cluster (`JWTVAULT_STORAGE` + `PGPASSWORD`).
fn pg_env() -> Option<Env> {
    let c = postgres()?;
    let mut env = Env::sqlite();
    env.use_postgres(c);
    Some(env)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn the_storage_flag_and_variable_choose_where_the_state_is() {
    let Some(c) = postgres() else { return };
    let env = Env::sqlite();
    let db = c.database();
    // The flag, with the password in the URL.
    let flag = format!("-storage={}", c.url(&db));
    expect(
        &env.run(&["auth", "enable", &flag, "jwt"]),
        0,
        "Success! Enabled jwt auth method at: jwt/\n",
        "",
    );
    // Not in the SQLite state of the environment.
    assert!(!env.state().exists());
    // The variable, with the password in PGPASSWORD; -storage is taken anywhere on the line.
    let vars = [
        ("JWTVAULT_STORAGE", c.url_without_password(&db)),
        ("PGPASSWORD", c.password.clone()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = env.run_with_vars(&vars, &["auth", "list", "-format=json"]);
    out.ok();
    assert!(out.json()["jwt/"]["accessor"].is_string());
    let out = env.run(&["auth", "list", "-format=json", &flag]);
    out.ok();
    assert!(out.json()["jwt/"].is_object());
    // -storage=sqlite:PATH is a state file, as -state.
    let file = env.path("other.db");
    let sqlite = format!("-storage=sqlite:{}", file.display());
    env.run_stdin(&["policy", "write", &sqlite, "p", "-"], "path \"x\" {}\n")
        .ok();
    assert!(file.exists());
    // -state beats JWTVAULT_STORAGE: a flag beats a variable.
    let out = env.run_with_vars(&vars, &["auth", "list", "-format=json", "-state=s.db"]);
    out.ok();
    assert!(out.json()["jwt/"].is_null());
}

#[test]
fn bad_storage_urls_and_unreachable_databases() {
    let env = Env::sqlite();
    let cases: [(&[&str], &str); 4] = [
        (
            &["auth", "list", "-storage=mysql://x"],
            "-storage: expected sqlite:PATH or postgresql://USER@HOST:PORT/DB, found \"mysql://x\"\n",
        ),
        (
            &["auth", "list", "-state=s.db", "-storage=sqlite:t.db"],
            "give -state=PATH or -storage=URL, not both\n",
        ),
        (
            &["auth", "list", "-storage=sqlite:"],
            "-storage=sqlite:PATH needs a path after sqlite:\n",
        ),
        (
            &["auth", "list", "-storage=postgresql://jv:hunter2@127.0.0.1:1"],
            "-storage: postgresql://jv@127.0.0.1:1 names no database; expected postgresql://USER@HOST:PORT/DB\n",
        ),
    ];
    for (args, err) in cases {
        expect(&env.run(args), 1, "", err);
    }
    // Nobody listens: exit 2, the URL without its password.
    let port = free_port();
    let out = env.run(&[
        "auth",
        "list",
        &format!("-storage=postgresql://jv:hunter2@127.0.0.1:{port}/db"),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(&format!(
            "PostgreSQL storage error: cannot connect to postgresql://jv@127.0.0.1:{port}/db: "
        )),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    // A wrong password, from PGPASSWORD: refused by the server, never shown.
    let Some(c) = postgres() else { return };
    let out = env.run_with_vars(
        &[("PGPASSWORD", "not-the-password")],
        &[
            "auth",
            "list",
            &format!("-storage={}", c.url_without_password("postgres")),
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("password authentication failed"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("not-the-password"), "{}", out.stderr);
}

#[test]
fn a_database_of_another_application_is_refused_untouched() {
    let Some(c) = postgres() else { return };
    let db = c.database();
    c.client(&db)
        .batch_execute("CREATE TABLE orders (id int)")
        .unwrap();
    let env = Env::sqlite();
    expect(
        &env.run(&["auth", "list", &format!("-storage={}", c.url(&db))]),
        2,
        "",
        &format!(
            "PostgreSQL database {} is not a jwtvault database (it holds 1 tables but no \
             jwtvault_meta table); it was left untouched. Point -storage or JWTVAULT_STORAGE at a \
             jwtvault database or an empty one\n",
            c.url_without_password(&db)
        ),
    );
}

#[test]
fn raw_tokens_and_secret_values_are_not_in_the_database() {
    let Some(env) = pg_env() else { return };
    let c = postgres().unwrap();
    let mut fx = Fx::on(env);
    let seal = fx.env.path("seal.key");
    fx.env.set("JWTVAULT_SEAL_KEY_FILE", seal.to_str().unwrap());
    let token = fx.login("r", "alice", json!([]));
    fx.run(&["write", "sys/mounts/secret", "type=kv-v2"]).ok();
    fx.env
        .run_stdin(
            &["write", "secret/data/app", "-"],
            r#"{"data": {"password": "plaintext-marker-7391"}}"#,
        )
        .ok();
    let db = fx
        .env
        .vars
        .iter()
        .find(|(k, _)| k == "JWTVAULT_STORAGE")
        .and_then(|(_, v)| v.rsplit('/').next())
        .unwrap()
        .to_string();
    let mut client = c.client(&db);
    let tables: Vec<String> = client
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(tables.contains(&"tokens".to_string()), "{tables:?}");
    let mut dump = String::new();
    for t in &tables {
        for r in client
            .query(&format!("SELECT t::text FROM {t} AS t"), &[])
            .unwrap()
        {
            dump.push_str(&r.get::<_, String>(0));
            dump.push('\n');
        }
    }
    let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
    let secret_part = &token[4..];
    for needle in [
        secret_part.to_string(),
        hex(secret_part),
        "plaintext-marker-7391".into(),
        hex("plaintext-marker-7391"),
    ] {
        assert!(!dump.contains(&needle), "{needle} is in the database");
    }
    // What is stored is the token's hash (bytea, shown as \\x + hex), as on SQLite.
    let hash: String = jwtvault::ids::sha256(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        dump.contains(&hash),
        "the token's hash is not in the database"
    );
}

#[test]
fn many_processes_log_in_at_once_on_one_database() {
    let Some(env) = pg_env() else { return };
    let fx = Fx::on(env);
    let jwts: Vec<String> = (0..12)
        .map(|i| fx.jwt(&format!("user-{}", i % 3), json!([])))
        .collect();
    let children: Vec<_> = jwts
        .iter()
        .map(|jwt| {
            fx.env.spawn(&[
                "write",
                "-field=token",
                "auth/jwt/login",
                "role=r",
                &format!("jwt={jwt}"),
            ])
        })
        .collect();
    let tokens: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = wait_out(c);
            out.ok();
            out.stdout.trim().to_string()
        })
        .collect();
    for t in &tokens {
        fx.as_caller(t, &["token", "lookup"]).ok();
    }
    let out = fx.run(&["list", "-format=json", "identity/entity/id"]);
    out.ok();
    assert_eq!(
        out.json().as_array().map(Vec::len),
        Some(3),
        "{}",
        out.stdout
    );
}

/// The tables of an `operator migrate -format=json` report.
fn migrated_tables(out: &crate::support::Out) -> serde_json::Value {
    out.ok();
    out.json()["tables"].clone()
}

#[test]
fn operator_migrate_round_trip_sqlite_postgres_sqlite() {
    let Some(c) = postgres() else { return };
    let fx = Fx::on(Env::sqlite());
    let token = fx.login("r", "alice", json!(["devs"]));
    fx.login("r", "bob", json!([]));
    fx.policy("p1", "path \"secret/*\" { capabilities = [\"read\"] }\n");
    fx.run(&["write", "sys/mounts/secret", "type=kv-v2"]).ok();
    fx.env
        .run_stdin(
            &["write", "secret/data/app", "-"],
            r#"{"data": {"password": "s3"}}"#,
        )
        .ok();
    let sqlite = format!("sqlite:{}", fx.env.state().display());
    let db = c.database();
    let pg = c.url(&db);
    let there = fx.run(&[
        "operator",
        "migrate",
        "-format=json",
        &format!("-from={sqlite}"),
        &format!("-to={pg}"),
    ]);
    let back = fx.env.path("back/state.db");
    let again = fx.run(&[
        "operator",
        "migrate",
        &format!("-from={pg}"),
        &format!("-to=sqlite:{}", back.display()),
        "-format=json",
    ]);
    let (there, again) = (migrated_tables(&there), migrated_tables(&again));
    assert_eq!(there, again);
    let tables = there.as_array().unwrap();
    assert_eq!(tables.len(), 17);
    let rows = |name: &str| {
        tables.iter().find(|t| t["table"] == name).unwrap()["rows"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(
        (rows("tokens"), rows("entities"), rows("kv_versions")),
        (2, 2, 1)
    );
    // The copies work: the token looks up on PostgreSQL and on the file copied back.
    for storage in [pg.clone(), format!("sqlite:{}", back.display())] {
        let flag = format!("-storage={storage}");
        let out = fx.as_caller(&token, &["token", "lookup", "-format=json", &flag]);
        out.ok();
        assert_eq!(out.json()["data"]["path"], "auth/jwt/login");
        let out = fx.run(&["kv", "get", "-field=password", &flag, "secret/app"]);
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("s3", ""));
    }
    // The table form, and a destination that is not empty is refused untouched.
    let third = fx.env.path("third.db");
    let out = fx.run(&[
        "operator",
        "migrate",
        &format!("-from=sqlite:{}", back.display()),
        &format!("-to=sqlite:{}", third.display()),
    ]);
    out.ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("Table ") && lines[0].ends_with("SHA-256"),
        "{}",
        out.stdout
    );
    assert_eq!(lines.len(), 2 + 17 + 2, "{}", out.stdout);
    assert_eq!(
        lines[20],
        format!(
            "Success! Copied the state from sqlite:{} to sqlite:{}: {} rows in 17 tables, each \
             table's row count and SHA-256 digest equal to the source's",
            back.display(),
            third.display(),
            tables
                .iter()
                .map(|t| t["rows"].as_u64().unwrap())
                .sum::<u64>()
        )
    );
    let out = fx.run(&[
        "operator",
        "migrate",
        &format!("-from={sqlite}"),
        &format!("-to={pg}"),
    ]);
    expect(
        &out,
        2,
        "",
        &format!(
            "the destination {} already holds a jwtvault state (2 rows in table mounts); \
             operator migrate copies into an empty storage only: give a new file or an empty \
             database\n",
            c.url_without_password(&db)
        ),
    );
}

#[test]
fn operator_migrate_flags() {
    let env = Env::sqlite();
    let cases: [(&[&str], &str); 4] = [
        (
            &["operator", "migrate", "-to=sqlite:x.db"],
            "-from=URL is required: sqlite:PATH or postgresql://USER@HOST:PORT/DB\n",
        ),
        (
            &[
                "operator",
                "migrate",
                "-from=sqlite:x.db",
                "-to=mysql://h/db",
            ],
            "-to: expected sqlite:PATH or postgresql://USER@HOST:PORT/DB, found \"mysql://h/db\"\n",
        ),
        (
            &[
                "operator",
                "migrate",
                "-from=sqlite:a.db",
                "-to=sqlite:b.db",
                "extra",
            ],
            "Too many arguments (expected 0, got 1)\n",
        ),
        (
            &[
                "operator",
                "migrate",
                "-from=sqlite:a.db",
                "-to=sqlite:a.db",
            ],
            "-from and -to name the same storage (sqlite:a.db); nothing to do\n",
        ),
    ];
    for (args, err) in &cases[..3] {
        expect(&env.run(args), 1, "", err);
    }
    let (args, err) = cases[3];
    expect(&env.run(args), 2, "", err);
    expect(
        &env.run(&[
            "operator",
            "migrate",
            "-from=sqlite:none.db",
            "-to=sqlite:b.db",
        ]),
        2,
        "",
        "the source state file none.db does not exist\n",
    );
    assert!(!env.path("b.db").exists());
}
