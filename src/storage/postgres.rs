//! The PostgreSQL engine: one database shared by many processes on many machines (contract §10).
//!
//! A store is one connection with one `SERIALIZABLE` transaction: PostgreSQL then guarantees
//! that the committed transactions have the effect of some serial order, which is what SQLite's
//! single writer gives, so every invariant the handlers keep on SQLite (one entity per alias,
//! token use counts, the refetch spacing of a URL) holds across processes. The price is that a
//! transaction may be rolled back because of a concurrent one (a serialization failure, a
//! deadlock, or a concurrent insert of the same key): the connection then remembers it
//! ([`Conn::conflicted`]), [`super::Store::commit`] reports [`StoreError::Conflict`] and the
//! backend runs the whole request again ([`super::retrying`]); nothing of the failed attempt is
//! kept or printed.
//!
//! The schema lives in the connection's current schema (normally `public`) beside the one-row
//! table `jwtvault_meta` (owner and version). Creating and migrating it is done in its own
//! transaction holding an advisory lock, so that processes starting at once do it once; a
//! database holding other tables and no `jwtvault_meta`, or a newer version, is refused and
//! left untouched.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, NoTls, Statement};

use super::migrations::{PG_META, STEPS};
use super::sql::{args, dollar_placeholders, Arg, Row, Val};
use super::{Engine, Place, Result, Store, StoreError, APPLICATION_ID, SCHEMA_VERSION};

/// The advisory lock key held while the schema is created or migrated ("JWTV").
const MIGRATION_LOCK: i64 = APPLICATION_ID as i64;
/// How long connecting may take before the command fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection with the statements it has prepared (a statement is prepared once per
/// connection: later runs skip PostgreSQL's parse and describe round trip).
pub(crate) struct PgClient {
    client: Client,
    statements: HashMap<String, Statement>,
}

impl PgClient {
    fn new(client: Client) -> PgClient {
        PgClient {
            client,
            statements: HashMap::new(),
        }
    }

    fn statement(&mut self, sql: &str) -> std::result::Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// The server's pool: connections made from the parsed URL, checked before each use.
struct Manager {
    config: postgres::Config,
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgClient;
    type Error = postgres::Error;

    fn connect(&self) -> std::result::Result<PgClient, postgres::Error> {
        self.config.connect(NoTls).map(PgClient::new)
    }

    fn is_valid(&self, c: &mut PgClient) -> std::result::Result<(), postgres::Error> {
        c.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, c: &mut PgClient) -> bool {
        c.client.is_closed()
    }
}

/// A PostgreSQL database named by a `postgresql://` URL.
#[derive(Clone)]
pub struct Database {
    config: postgres::Config,
    /// The URL as messages show it: never the password.
    shown: String,
    /// The server's pool: at most this many connections (`None`: one connection per store).
    pool_size: Option<u32>,
    pool: Arc<OnceLock<r2d2::Pool<Manager>>>,
    /// Lets requests take the pool's connections in the order they asked for one.
    gate: Arc<Gate>,
}

/// A first-come, first-served gate for `permits` holders at once. r2d2's own wait is not
/// fair: with more requests than connections, some requests waited seconds while later ones
/// went first (measured with benches/server.sh: p99 over 3 s at 64 connections, p50 0.1 s).
/// Tickets are admitted in the order they were drawn, so a request waits for the requests
/// before it, never for ones after it.
struct Gate {
    permits: u64,
    state: Mutex<(u64, u64)>,
    turn: Condvar,
}

impl Gate {
    fn new(permits: u32) -> Gate {
        Gate {
            permits: u64::from(permits.max(1)),
            state: Mutex::new((0, 0)),
            turn: Condvar::new(),
        }
    }

    /// Waits for this caller's turn; the turn ends when the guard is dropped.
    fn enter(self: &Arc<Gate>) -> GateGuard {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        // (tickets drawn, turns ended): ticket t goes in once fewer than `permits` of the
        // tickets before it are still inside.
        let ticket = s.0;
        s.0 += 1;
        while ticket >= s.1 + self.permits {
            s = self.turn.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        GateGuard(Arc::clone(self))
    }
}

struct GateGuard(Arc<Gate>);

impl Drop for GateGuard {
    fn drop(&mut self) {
        let mut s = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        s.1 += 1;
        self.0.turn.notify_all();
    }
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.shown)
            .field("pool_size", &self.pool_size)
            .finish()
    }
}

/// The URL with the password left out (`user:secret@` becomes `user@`; a `password=` query
/// parameter is dropped).
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{user}@{host}")
        }
        None => authority.to_string(),
    };
    let mut out = format!("{scheme}://{authority}{path}");
    if let Some(q) = query {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|p| !p.to_ascii_lowercase().starts_with("password="))
            .collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    out
}

impl Database {
    /// Parses a `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB` URL (libpq's form); `password`
    /// (`PGPASSWORD`) is used when the URL has none.
    pub fn parse(url: &str, password: Option<&str>) -> std::result::Result<Database, String> {
        let shown = without_password(url);
        let mut config = postgres::Config::from_str(url)
            .map_err(|e| format!("-storage: {shown} is not a PostgreSQL URL: {e}"))?;
        if config.get_dbname().is_none() {
            return Err(format!(
                "-storage: {shown} names no database; expected postgresql://USER@HOST:PORT/DB"
            ));
        }
        if config.get_user().is_none() {
            return Err(format!(
                "-storage: {shown} names no user; expected postgresql://USER@HOST:PORT/DB"
            ));
        }
        if config.get_password().is_none() {
            if let Some(p) = password.filter(|p| !p.is_empty()) {
                config.password(p);
            }
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("jwtvault");
        Ok(Database {
            config,
            shown,
            pool_size: None,
            pool: Arc::new(OnceLock::new()),
            gate: Arc::new(Gate::new(1)),
        })
    }

    /// The URL as messages show it (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The same database, reached through a pool of at most `size` connections.
    pub fn pooled(mut self, size: u32) -> Database {
        self.pool_size = Some(size.max(1));
        self.pool = Arc::new(OnceLock::new());
        self.gate = Arc::new(Gate::new(size));
        self
    }

    fn connect_error(&self, e: impl fmt::Display) -> StoreError {
        StoreError::Postgres(format!("cannot connect to {}: {e}", self.shown))
    }

    fn connect(&self) -> Result<Client_> {
        let Some(size) = self.pool_size else {
            let client = self
                .config
                .connect(NoTls)
                .map_err(|e| self.connect_error(describe(&e)))?;
            return Ok(Client_::Own(PgClient::new(client)));
        };
        let pool = self.pool.get_or_init(|| {
            r2d2::Pool::builder()
                .max_size(size)
                .min_idle(Some(0))
                .connection_timeout(CONNECT_TIMEOUT)
                .build_unchecked(Manager {
                    config: self.config.clone(),
                })
        });
        let turn = self.gate.enter();
        match pool.get() {
            Ok(conn) => Ok(Client_::Pooled { conn, _turn: turn }),
            // The pool only says it timed out: one direct attempt tells why.
            Err(e) => match self.config.connect(NoTls) {
                Ok(client) => Ok(Client_::Own(PgClient::new(client))),
                Err(direct) => Err(self.connect_error(format!("{} ({e})", describe(&direct)))),
            },
        }
    }
}

enum Client_ {
    Own(PgClient),
    /// A connection of the pool, and the turn that holds it (dropped after it, so that the
    /// connection is back in the pool when the next request is let in).
    Pooled {
        conn: r2d2::PooledConnection<Manager>,
        _turn: GateGuard,
    },
}

impl Client_ {
    fn get(&mut self) -> &mut PgClient {
        match self {
            Client_::Own(c) => c,
            Client_::Pooled { conn, .. } => conn,
        }
    }
}

impl ToSql for Arg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Arg::Null => Ok(IsNull::Yes),
            Arg::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                _ => Err(format!("an integer cannot be passed as {ty}").into()),
            },
            Arg::Real(r) => match *ty {
                Type::FLOAT8 => r.to_sql(ty, out),
                Type::FLOAT4 => (r as f32).to_sql(ty, out),
                _ => Err(format!("a number cannot be passed as {ty}").into()),
            },
            Arg::Text(t) => t.to_sql(ty, out),
            Arg::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn val(row: &postgres::Row, i: usize) -> std::result::Result<Val, postgres::Error> {
    let ty = row.columns()[i].type_().clone();
    Ok(match ty {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(i)?
            .map_or(Val::Null, Val::Int),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)?
            .map_or(Val::Null, |v| Val::Int(v.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)?
            .map_or(Val::Null, |v| Val::Int(v.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)?
            .map_or(Val::Null, |v| Val::Int(v.into())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(i)?
            .map_or(Val::Null, Val::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(i)?
            .map_or(Val::Null, |v| Val::Real(v.into())),
        Type::BYTEA => row
            .try_get::<_, Option<Vec<u8>>>(i)?
            .map_or(Val::Null, Val::Bytes),
        Type::VOID => Val::Null,
        _ => row
            .try_get::<_, Option<String>>(i)?
            .map_or(Val::Null, Val::Text),
    })
}

/// One connection with its transaction.
pub(crate) struct Conn {
    client: RefCell<Client_>,
    /// A statement failed because of a concurrent transaction: this one must not commit.
    conflicted: Cell<bool>,
    /// The database server's time when the transaction began, Unix seconds.
    clock: Cell<f64>,
}

fn is_conflict(code: &SqlState) -> bool {
    *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
        || *code == SqlState::UNIQUE_VIOLATION
}

fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl Conn {
    fn error(&self, e: postgres::Error) -> StoreError {
        match e.code() {
            Some(c) if is_conflict(c) => {
                self.conflicted.set(true);
                StoreError::Conflict(describe(&e))
            }
            Some(c) if *c == SqlState::IN_FAILED_SQL_TRANSACTION && self.conflicted.get() => {
                StoreError::Conflict(describe(&e))
            }
            _ => StoreError::Postgres(describe(&e)),
        }
    }

    fn raw_query(
        &self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> std::result::Result<Vec<Row>, postgres::Error> {
        let sql = dollar_placeholders(sql);
        let params: Vec<&(dyn ToSql + Sync)> =
            args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        let mut c = self.client.borrow_mut();
        let c = c.get();
        let st = c.statement(&sql)?;
        let rows = c.client.query(&st, &params)?;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| val(r, i))
                    .collect::<std::result::Result<Vec<Val>, _>>()
                    .map(Row)
            })
            .collect()
    }

    pub(crate) fn exec(&self, sql: &str, args: &[Arg<'_>]) -> Result<usize> {
        let sql = dollar_placeholders(sql);
        let params: Vec<&(dyn ToSql + Sync)> =
            args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        let n = {
            let mut c = self.client.borrow_mut();
            let c = c.get();
            c.statement(&sql)
                .and_then(|st| c.client.execute(&st, &params))
        }
        .map_err(|e| self.error(e))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    pub(crate) fn query(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>> {
        self.raw_query(sql, args).map_err(|e| self.error(e))
    }

    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        self.client
            .borrow_mut()
            .get()
            .client
            .batch_execute(sql)
            .map_err(|e| self.error(e))
    }

    pub(crate) fn commit(&self) -> Result<()> {
        self.batch("COMMIT")
    }

    /// Begins the `SERIALIZABLE` transaction and reads, in the same round trip, the database's
    /// time and the state's owner and version: `None` when `jwtvault_meta` has no row.
    fn begin(&self) -> std::result::Result<Option<(f64, i64, i64)>, postgres::Error> {
        let msgs = self.client.borrow_mut().get().client.simple_query(
            "BEGIN ISOLATION LEVEL SERIALIZABLE; \
             SELECT extract(epoch FROM now())::float8, application_id, schema_version \
             FROM jwtvault_meta",
        )?;
        let parse = |r: &postgres::SimpleQueryRow| -> Option<(f64, i64, i64)> {
            Some((
                r.get(0)?.parse().ok()?,
                r.get(1)?.parse().ok()?,
                r.get(2)?.parse().ok()?,
            ))
        };
        Ok(msgs.iter().find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => parse(r),
            _ => None,
        }))
    }

    pub(crate) fn conflicted(&self) -> bool {
        self.conflicted.get()
    }

    pub(crate) fn clock(&self) -> f64 {
        self.clock.get()
    }
}

fn pg(store: &Store) -> &Conn {
    match store.engine() {
        Engine::Postgres(c) => c,
        Engine::Sqlite(_) => unreachable!("a PostgreSQL store"),
    }
}

/// Connects, creates or migrates the schema if needed, and begins a `SERIALIZABLE`
/// transaction. `seed` runs once, in the transaction that creates the schema.
pub(crate) fn open(db: &Database, seed: &dyn Fn(&Store) -> Result<()>) -> Result<Store> {
    let client = db.connect()?;
    let mut store = Store::new(Engine::Postgres(Box::new(Conn {
        client: RefCell::new(client),
        conflicted: Cell::new(false),
        clock: Cell::new(0.0),
    })));
    // From here on a transaction may be open: dropping the store rolls it back, so that a
    // pooled connection never goes back with one.
    store.in_txn = true;
    let c = pg(&store);
    for _ in 0..2 {
        match c.begin() {
            Ok(Some((clock, app, version)))
                if app == i64::from(APPLICATION_ID) && version == i64::from(SCHEMA_VERSION) =>
            {
                c.clock.set(clock);
                return Ok(store);
            }
            Ok(_) => {}
            Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => {}
            Err(e) => return Err(c.error(e)),
        }
        c.batch("ROLLBACK")?;
        migrate(&store, db, seed)?;
    }
    Err(StoreError::Postgres(format!(
        "the schema of {} changed while jwtvault was opening it; try again",
        db.shown
    )))
}

/// Creates or migrates the schema in its own transaction, holding the advisory lock; refuses
/// (and leaves untouched) a database that is not ours or is newer.
fn migrate(store: &Store, db: &Database, seed: &dyn Fn(&Store) -> Result<()>) -> Result<()> {
    let c = pg(store);
    let place = || Place::Database(db.shown.clone());
    c.batch("BEGIN ISOLATION LEVEL READ COMMITTED")?;
    c.exec("SELECT pg_advisory_xact_lock(?1)", args![MIGRATION_LOCK])?;
    let has_meta = c
        .query("SELECT to_regclass('jwtvault_meta') IS NOT NULL", &[])?
        .first()
        .map(|r| r.bool(0))
        .transpose()?
        .unwrap_or(false);
    if !has_meta {
        let tables = c
            .query(
                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()",
                &[],
            )?
            .first()
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        if tables != 0 {
            c.batch("ROLLBACK")?;
            return Err(StoreError::Foreign {
                place: place(),
                detail: format!("it holds {tables} tables but no jwtvault_meta table"),
            });
        }
        c.batch(PG_META)?;
        c.exec(
            "INSERT INTO jwtvault_meta (application_id, schema_version) VALUES (?1, 0)",
            args![i64::from(APPLICATION_ID)],
        )?;
    }
    let rows = c.query(
        "SELECT application_id, schema_version FROM jwtvault_meta",
        &[],
    )?;
    let Some(r) = rows.first() else {
        c.batch("ROLLBACK")?;
        return Err(StoreError::Foreign {
            place: place(),
            detail: "its jwtvault_meta table is empty".into(),
        });
    };
    let (app, version) = (r.int(0)?, r.int(1)?);
    if app != i64::from(APPLICATION_ID) {
        c.batch("ROLLBACK")?;
        return Err(StoreError::Foreign {
            place: place(),
            detail: format!("jwtvault_meta.application_id is {app:#x}"),
        });
    }
    if version > i64::from(SCHEMA_VERSION) || version < 0 {
        c.batch("ROLLBACK")?;
        return Err(StoreError::TooNew {
            place: place(),
            found: i32::try_from(version).unwrap_or(i32::MAX),
        });
    }
    for (v, step) in STEPS.iter().enumerate().skip(version as usize) {
        c.batch(step.postgres)?;
        if let Some(after) = step.postgres_after {
            after(store)?;
        }
        c.exec(
            "UPDATE jwtvault_meta SET schema_version = ?1",
            args![v as i64 + 1],
        )?;
        if v == 0 {
            seed(store)?;
        }
    }
    c.batch("COMMIT")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_lets_callers_in_in_the_order_they_came() {
        let gate = Arc::new(Gate::new(1));
        let drawn = |g: &Gate| g.state.lock().unwrap().0;
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = gate.enter();
        let mut waiting = Vec::new();
        for name in ["b", "c", "d"] {
            let (g, o) = (Arc::clone(&gate), Arc::clone(&order));
            let before = drawn(&gate);
            waiting.push(std::thread::spawn(move || {
                let _turn = g.enter();
                o.lock().unwrap().push(name);
            }));
            // Each waiter has drawn its ticket before the next one starts.
            while drawn(&gate) == before {
                std::thread::yield_now();
            }
        }
        assert!(order.lock().unwrap().is_empty());
        drop(first);
        for t in waiting {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["b", "c", "d"]);
        // Two permits: two inside at once, the third waits.
        let gate = Arc::new(Gate::new(2));
        let (_a, _b) = (gate.enter(), gate.enter());
        assert_eq!(*gate.state.lock().unwrap(), (2, 0));
    }

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            without_password("postgresql://u:s3cr%40t@db.example:5432/jv?sslmode=disable"),
            "postgresql://u@db.example:5432/jv?sslmode=disable"
        );
        assert_eq!(
            without_password("postgresql://u@h/jv?password=x&application_name=a"),
            "postgresql://u@h/jv?application_name=a"
        );
        assert_eq!(
            without_password("postgres://h:5/jv?password=x"),
            "postgres://h:5/jv"
        );
    }

    #[test]
    fn parse_takes_the_password_from_the_url_or_pgpassword() {
        let db = Database::parse("postgresql://u:pw@127.0.0.1:5/jv", Some("other")).unwrap();
        assert_eq!(db.config.get_password(), Some(&b"pw"[..]));
        assert_eq!(db.shown(), "postgresql://u@127.0.0.1:5/jv");
        let db = Database::parse("postgresql://u@127.0.0.1:5/jv", Some("env")).unwrap();
        assert_eq!(db.config.get_password(), Some(&b"env"[..]));
        assert!(!format!("{db:?}").contains("env"));
        let e = Database::parse("postgresql://u:pw@127.0.0.1:5", None).unwrap_err();
        assert_eq!(
            e,
            "-storage: postgresql://u@127.0.0.1:5 names no database; expected \
             postgresql://USER@HOST:PORT/DB"
        );
    }
}
