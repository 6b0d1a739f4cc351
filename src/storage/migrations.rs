//! The schema, version by version, in each engine's dialect.
//!
//! Entry `i` of [`STEPS`] takes a state from schema version `i` to `i + 1`. SQLite keeps its
//! version in `PRAGMA user_version` and its owner in `PRAGMA application_id`; PostgreSQL in the
//! one-row table `jwtvault_meta`. The PostgreSQL tables are the SQLite ones with PostgreSQL's
//! types (`BIGINT`, `DOUBLE PRECISION`, `BYTEA`), every text column compared bytewise
//! (`COLLATE "C"`, as SQLite's `BINARY`: lists sort and prefix ranges match the same way on
//! both), and a `rowid` column where a query orders by insertion (SQLite's implicit `rowid`).

use super::sql::args;
use super::{Result, Store};

pub const SCHEMA_V1: &str = "
CREATE TABLE mounts (
    path TEXT PRIMARY KEY, type TEXT NOT NULL, accessor TEXT NOT NULL UNIQUE, uuid TEXT NOT NULL,
    description TEXT NOT NULL, default_lease_ttl INTEGER NOT NULL, max_lease_ttl INTEGER NOT NULL,
    token_type TEXT NOT NULL);
CREATE TABLE jwt_config (mount_accessor TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE jwt_roles (mount_accessor TEXT NOT NULL, name TEXT NOT NULL, json TEXT NOT NULL,
    PRIMARY KEY (mount_accessor, name));
CREATE TABLE key_cache (mount_accessor TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL,
    body BLOB NOT NULL, fetched_at INTEGER NOT NULL, PRIMARY KEY (mount_accessor, kind, url));
CREATE TABLE fetch_log (url TEXT PRIMARY KEY, attempted_at REAL NOT NULL);
CREATE TABLE policies (name TEXT PRIMARY KEY, raw TEXT NOT NULL);
CREATE TABLE tokens (hash BLOB PRIMARY KEY, accessor TEXT, path TEXT NOT NULL,
    mount_accessor TEXT NOT NULL, entity_id TEXT NOT NULL, json TEXT NOT NULL);
CREATE UNIQUE INDEX tokens_accessor ON tokens(accessor) WHERE accessor <> '';
CREATE INDEX tokens_path ON tokens(path);
CREATE INDEX tokens_mount ON tokens(mount_accessor);
CREATE TABLE entities (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
CREATE TABLE entity_aliases (id TEXT PRIMARY KEY, mount_accessor TEXT NOT NULL, name TEXT NOT NULL,
    canonical_id TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (mount_accessor, name));
CREATE INDEX entity_aliases_canonical ON entity_aliases(canonical_id);
CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
CREATE TABLE group_aliases (id TEXT PRIMARY KEY, mount_accessor TEXT NOT NULL, name TEXT NOT NULL,
    canonical_id TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (mount_accessor, name));
CREATE INDEX group_aliases_canonical ON group_aliases(canonical_id);
CREATE TABLE group_members (group_id TEXT NOT NULL, entity_id TEXT NOT NULL,
    PRIMARY KEY (group_id, entity_id));
CREATE INDEX group_members_entity ON group_members(entity_id);
";

/// Version 2 (issue 14): secrets-engine mounts and the KV version 2 engine. `secret_mounts`
/// starts with the two system mounts `sys/mounts` shows (`identity/` and `sys/`, with random
/// accessors and UUIDs as Vault gives them); KV rows belong to a mount by its UUID, times are
/// Unix nanoseconds, and `value` / `custom_metadata` hold sealed blobs (`seal.rs`), never
/// plain text. `seal` holds the verifier that tells a wrong seal key from the right one.
const SCHEMA_V2: &str = r#"
CREATE TABLE secret_mounts (path TEXT PRIMARY KEY, type TEXT NOT NULL,
    accessor TEXT NOT NULL UNIQUE, uuid TEXT NOT NULL UNIQUE, description TEXT NOT NULL,
    options TEXT NOT NULL, config TEXT NOT NULL, seal_wrap INTEGER NOT NULL);
INSERT INTO secret_mounts SELECT 'identity/', 'identity',
    'identity_' || lower(hex(randomblob(4))), lower(hex(randomblob(4)) || '-' ||
    hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' ||
    hex(randomblob(6))), 'identity store', 'null',
    '{"default_lease_ttl":0,"force_no_cache":false,"max_lease_ttl":0,"passthrough_request_headers":["Authorization"]}',
    0;
INSERT INTO secret_mounts SELECT 'sys/', 'system',
    'system_' || lower(hex(randomblob(4))), lower(hex(randomblob(4)) || '-' ||
    hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' ||
    hex(randomblob(6))), 'system endpoints used for control, policy and debugging', 'null',
    '{"default_lease_ttl":0,"force_no_cache":false,"max_lease_ttl":0,"passthrough_request_headers":["Accept"]}',
    1;
CREATE TABLE kv_config (mount TEXT PRIMARY KEY, max_versions INTEGER NOT NULL,
    cas_required INTEGER NOT NULL, delete_version_after INTEGER NOT NULL,
    metadata_cas_required INTEGER NOT NULL);
CREATE TABLE kv_keys (mount TEXT NOT NULL, key TEXT NOT NULL,
    current_version INTEGER NOT NULL, oldest_version INTEGER NOT NULL,
    max_versions INTEGER NOT NULL, cas_required INTEGER NOT NULL,
    delete_version_after INTEGER NOT NULL, metadata_cas_required INTEGER NOT NULL,
    current_metadata_version INTEGER NOT NULL, created_time INTEGER NOT NULL,
    updated_time INTEGER NOT NULL, custom_metadata BLOB, PRIMARY KEY (mount, key));
CREATE TABLE kv_versions (mount TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL,
    created_time INTEGER NOT NULL, deletion_time INTEGER, destroyed INTEGER NOT NULL,
    value BLOB, PRIMARY KEY (mount, key, version));
CREATE TABLE seal (id INTEGER PRIMARY KEY CHECK (id = 1), verifier BLOB NOT NULL);
"#;

/// Version 1 on PostgreSQL.
const PG_V1: &str = r#"
CREATE TABLE mounts (
    path TEXT COLLATE "C" PRIMARY KEY, type TEXT COLLATE "C" NOT NULL,
    accessor TEXT COLLATE "C" NOT NULL UNIQUE, uuid TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C" NOT NULL, default_lease_ttl BIGINT NOT NULL,
    max_lease_ttl BIGINT NOT NULL, token_type TEXT COLLATE "C" NOT NULL);
CREATE TABLE jwt_config (mount_accessor TEXT COLLATE "C" PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE jwt_roles (mount_accessor TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL,
    json TEXT NOT NULL, PRIMARY KEY (mount_accessor, name));
CREATE TABLE key_cache (mount_accessor TEXT COLLATE "C" NOT NULL, url TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL, body BYTEA NOT NULL, fetched_at BIGINT NOT NULL,
    rowid BIGSERIAL NOT NULL, PRIMARY KEY (mount_accessor, kind, url));
CREATE TABLE fetch_log (url TEXT COLLATE "C" PRIMARY KEY, attempted_at DOUBLE PRECISION NOT NULL);
CREATE TABLE policies (name TEXT COLLATE "C" PRIMARY KEY, raw TEXT NOT NULL);
CREATE TABLE tokens (hash BYTEA PRIMARY KEY, accessor TEXT COLLATE "C",
    path TEXT COLLATE "C" NOT NULL, mount_accessor TEXT COLLATE "C" NOT NULL,
    entity_id TEXT COLLATE "C" NOT NULL, json TEXT NOT NULL);
CREATE UNIQUE INDEX tokens_accessor ON tokens(accessor) WHERE accessor <> '';
CREATE INDEX tokens_path ON tokens(path);
CREATE INDEX tokens_mount ON tokens(mount_accessor);
CREATE TABLE entities (id TEXT COLLATE "C" PRIMARY KEY, name TEXT COLLATE "C" NOT NULL UNIQUE,
    json TEXT NOT NULL);
CREATE TABLE entity_aliases (id TEXT COLLATE "C" PRIMARY KEY,
    mount_accessor TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL,
    canonical_id TEXT COLLATE "C" NOT NULL, json TEXT NOT NULL, rowid BIGSERIAL NOT NULL,
    UNIQUE (mount_accessor, name));
CREATE INDEX entity_aliases_canonical ON entity_aliases(canonical_id);
CREATE TABLE groups (id TEXT COLLATE "C" PRIMARY KEY, name TEXT COLLATE "C" NOT NULL UNIQUE,
    json TEXT NOT NULL);
CREATE TABLE group_aliases (id TEXT COLLATE "C" PRIMARY KEY,
    mount_accessor TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL,
    canonical_id TEXT COLLATE "C" NOT NULL, json TEXT NOT NULL, UNIQUE (mount_accessor, name));
CREATE INDEX group_aliases_canonical ON group_aliases(canonical_id);
CREATE TABLE group_members (group_id TEXT COLLATE "C" NOT NULL,
    entity_id TEXT COLLATE "C" NOT NULL, PRIMARY KEY (group_id, entity_id));
CREATE INDEX group_members_entity ON group_members(entity_id);
"#;

/// Version 2 on PostgreSQL (the two system mounts are added by [`system_mounts`]).
const PG_V2: &str = r#"
CREATE TABLE secret_mounts (path TEXT COLLATE "C" PRIMARY KEY, type TEXT COLLATE "C" NOT NULL,
    accessor TEXT COLLATE "C" NOT NULL UNIQUE, uuid TEXT COLLATE "C" NOT NULL UNIQUE,
    description TEXT COLLATE "C" NOT NULL, options TEXT NOT NULL, config TEXT NOT NULL,
    seal_wrap BIGINT NOT NULL);
CREATE TABLE kv_config (mount TEXT COLLATE "C" PRIMARY KEY, max_versions BIGINT NOT NULL,
    cas_required BIGINT NOT NULL, delete_version_after BIGINT NOT NULL,
    metadata_cas_required BIGINT NOT NULL);
CREATE TABLE kv_keys (mount TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL,
    current_version BIGINT NOT NULL, oldest_version BIGINT NOT NULL,
    max_versions BIGINT NOT NULL, cas_required BIGINT NOT NULL,
    delete_version_after BIGINT NOT NULL, metadata_cas_required BIGINT NOT NULL,
    current_metadata_version BIGINT NOT NULL, created_time BIGINT NOT NULL,
    updated_time BIGINT NOT NULL, custom_metadata BYTEA, PRIMARY KEY (mount, key));
CREATE TABLE kv_versions (mount TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL, created_time BIGINT NOT NULL, deletion_time BIGINT,
    destroyed BIGINT NOT NULL, value BYTEA, PRIMARY KEY (mount, key, version));
CREATE TABLE seal (id BIGINT PRIMARY KEY CHECK (id = 1), verifier BYTEA NOT NULL);
"#;

/// The `jwtvault_meta` table of a PostgreSQL state: who owns the database and its version.
pub const PG_META: &str = "CREATE TABLE jwtvault_meta (application_id BIGINT NOT NULL, \
    schema_version BIGINT NOT NULL, one BIGINT PRIMARY KEY DEFAULT 1 CHECK (one = 1))";

/// The two system mounts version 2 adds (SQLite's migration makes them in SQL), with random
/// accessors and UUIDs as Vault gives them.
fn system_mounts(store: &Store) -> Result<()> {
    const IDENTITY: &str = r#"{"default_lease_ttl":0,"force_no_cache":false,"max_lease_ttl":0,"passthrough_request_headers":["Authorization"]}"#;
    const SYSTEM: &str = r#"{"default_lease_ttl":0,"force_no_cache":false,"max_lease_ttl":0,"passthrough_request_headers":["Accept"]}"#;
    for (path, kind, prefix, description, config, seal_wrap) in [
        (
            "identity/",
            "identity",
            "identity_",
            "identity store",
            IDENTITY,
            false,
        ),
        (
            "sys/",
            "system",
            "system_",
            "system endpoints used for control, policy and debugging",
            SYSTEM,
            true,
        ),
    ] {
        let accessor = format!("{prefix}{}", crate::ids::random_hex(4));
        let uuid = crate::ids::uuid();
        store.exec(
            "INSERT INTO secret_mounts (path, type, accessor, uuid, description, options, \
             config, seal_wrap) VALUES (?1, ?2, ?3, ?4, ?5, 'null', ?6, ?7)",
            args![path, kind, &accessor, &uuid, description, config, seal_wrap],
        )?;
    }
    Ok(())
}

/// One schema step: the DDL of each engine, then what runs after it on PostgreSQL.
pub struct Step {
    pub sqlite: &'static str,
    pub postgres: &'static str,
    pub postgres_after: Option<fn(&Store) -> Result<()>>,
}

/// Forward migrations: entry `i` takes the schema from version `i` to `i + 1`.
pub const STEPS: &[Step] = &[
    Step {
        sqlite: SCHEMA_V1,
        postgres: PG_V1,
        postgres_after: None,
    },
    Step {
        sqlite: SCHEMA_V2,
        postgres: PG_V2,
        postgres_after: Some(system_mounts),
    },
];

/// A table as `operator migrate` copies and checks it.
pub struct Table {
    pub name: &'static str,
    /// The columns copied (never PostgreSQL's own `rowid`).
    pub columns: &'static str,
    /// The primary key: the order rows are digested in.
    pub key: &'static str,
    /// The order rows are copied in: insertion order where a query depends on it.
    pub copy_order: &'static str,
}

const fn table(name: &'static str, columns: &'static str, key: &'static str) -> Table {
    Table {
        name,
        columns,
        key,
        copy_order: key,
    }
}

/// Every table of the current schema.
pub const TABLES: &[Table] = &[
    table(
        "mounts",
        "path, type, accessor, uuid, description, default_lease_ttl, max_lease_ttl, token_type",
        "path",
    ),
    table("jwt_config", "mount_accessor, json", "mount_accessor"),
    table(
        "jwt_roles",
        "mount_accessor, name, json",
        "mount_accessor, name",
    ),
    Table {
        name: "key_cache",
        columns: "mount_accessor, url, kind, body, fetched_at",
        key: "mount_accessor, kind, url",
        copy_order: "rowid",
    },
    table("fetch_log", "url, attempted_at", "url"),
    table("policies", "name, raw", "name"),
    table(
        "tokens",
        "hash, accessor, path, mount_accessor, entity_id, json",
        "hash",
    ),
    table("entities", "id, name, json", "id"),
    Table {
        name: "entity_aliases",
        columns: "id, mount_accessor, name, canonical_id, json",
        key: "id",
        copy_order: "rowid",
    },
    table("groups", "id, name, json", "id"),
    table(
        "group_aliases",
        "id, mount_accessor, name, canonical_id, json",
        "id",
    ),
    table(
        "group_members",
        "group_id, entity_id",
        "group_id, entity_id",
    ),
    table(
        "secret_mounts",
        "path, type, accessor, uuid, description, options, config, seal_wrap",
        "path",
    ),
    table(
        "kv_config",
        "mount, max_versions, cas_required, delete_version_after, metadata_cas_required",
        "mount",
    ),
    table(
        "kv_keys",
        "mount, key, current_version, oldest_version, max_versions, cas_required, \
         delete_version_after, metadata_cas_required, current_metadata_version, created_time, \
         updated_time, custom_metadata",
        "mount, key",
    ),
    table(
        "kv_versions",
        "mount, key, version, created_time, deletion_time, destroyed, value",
        "mount, key, version",
    ),
    table("seal", "id, verifier", "id"),
];
