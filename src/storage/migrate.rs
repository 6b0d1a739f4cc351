//! `jwtvault operator migrate`: copies a whole state from one storage to another and proves
//! the copy.
//!
//! The source is read in one transaction (a consistent snapshot; on SQLite the write lock is
//! held, so nothing changes meanwhile); the destination must be empty (a new file, an empty
//! database, or a state created but never used) and is written in one transaction that
//! commits only if every table's row count and content digest equal the source's. After the
//! commit the destination is read again, from a new connection, and its digests are what the
//! report shows.
//!
//! The digest of a table is SHA-256 over its rows in primary-key order (bytewise on both
//! engines), each value in a canonical form that does not depend on the engine: a tag byte
//! (`N` null, `I` integer, `R` real, `T` text, `B` bytes), then the integer or the real's IEEE
//! bits as 8 big-endian bytes, or the length as 8 big-endian bytes and the bytes.

use super::migrations::{Table, TABLES};
use super::sql::{Arg, Row, Val};
use super::{Result, Storage, Store, StoreError};

/// One table's check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableCheck {
    pub table: &'static str,
    pub rows: usize,
    /// Hex SHA-256 of the table's canonical form.
    pub digest: String,
}

/// Why a migration was not done.
#[derive(Debug)]
pub enum MigrateError {
    Store(StoreError),
    /// The request itself cannot be carried out; nothing was written.
    Refused(String),
}

impl From<StoreError> for MigrateError {
    fn from(e: StoreError) -> Self {
        MigrateError::Store(e)
    }
}

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrateError::Store(e) => write!(f, "{e}"),
            MigrateError::Refused(m) => write!(f, "{m}"),
        }
    }
}

fn no_seed(_: &Store) -> Result<()> {
    Ok(())
}

fn canonical(out: &mut Vec<u8>, v: &Val) {
    match v {
        Val::Null => out.push(b'N'),
        Val::Int(i) => {
            out.push(b'I');
            out.extend_from_slice(&i.to_be_bytes());
        }
        Val::Real(r) => {
            out.push(b'R');
            out.extend_from_slice(&r.to_bits().to_be_bytes());
        }
        Val::Text(t) => {
            out.push(b'T');
            out.extend_from_slice(&(t.len() as u64).to_be_bytes());
            out.extend_from_slice(t.as_bytes());
        }
        Val::Bytes(b) => {
            out.push(b'B');
            out.extend_from_slice(&(b.len() as u64).to_be_bytes());
            out.extend_from_slice(b);
        }
    }
}

fn rows(store: &Store, t: &Table, order: &str) -> Result<Vec<Row>> {
    store.query(
        &format!("SELECT {} FROM {} ORDER BY {order}", t.columns, t.name),
        &[],
    )
}

/// Every table's row count and digest, read in `store`'s transaction.
pub fn digests(store: &Store) -> Result<Vec<TableCheck>> {
    TABLES
        .iter()
        .map(|t| {
            let rows = rows(store, t, t.key)?;
            let mut bytes = Vec::new();
            for r in &rows {
                for v in &r.0 {
                    canonical(&mut bytes, v);
                }
            }
            Ok(TableCheck {
                table: t.name,
                rows: rows.len(),
                digest: crate::ids::sha256(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
            })
        })
        .collect()
}

/// Why `store` is not an empty state: the first table holding rows (the two system mounts a
/// new state starts with do not count). `None` when it is empty.
fn not_empty(store: &Store) -> Result<Option<(&'static str, usize)>> {
    for t in TABLES {
        let n = if t.name == "secret_mounts" {
            store
                .query(
                    "SELECT path FROM secret_mounts WHERE path NOT IN ('identity/', 'sys/')",
                    &[],
                )?
                .len()
        } else {
            rows(store, t, t.key)?.len()
        };
        if n > 0 {
            return Ok(Some((t.name, n)));
        }
    }
    Ok(None)
}

/// Copies the state at `from` into the empty storage `to` and verifies the copy; returns the
/// destination's checks, read back after the commit.
pub fn migrate(from: &Storage, to: &Storage) -> std::result::Result<Vec<TableCheck>, MigrateError> {
    if from.url() == to.url() {
        return Err(MigrateError::Refused(format!(
            "-from and -to name the same storage ({}); nothing to do",
            from.url()
        )));
    }
    if let Storage::Sqlite(path) = from {
        if !path.exists() {
            return Err(MigrateError::Refused(format!(
                "the source state file {} does not exist",
                path.display()
            )));
        }
    }
    let source = from.open(&no_seed)?;
    if source.list_mounts()?.is_empty() {
        return Err(MigrateError::Refused(format!(
            "the source {} holds no jwtvault state (not even the token/ auth mount)",
            from.url()
        )));
    }
    let expected = digests(&source)?;
    let dest = to.open(&no_seed)?;
    if let Some((table, n)) = not_empty(&dest)? {
        return Err(MigrateError::Refused(format!(
            "the destination {} already holds a jwtvault state ({n} rows in table {table}); \
             operator migrate copies into an empty storage only: give a new file or an empty \
             database",
            to.url()
        )));
    }
    dest.exec("DELETE FROM secret_mounts", &[])?;
    for t in TABLES {
        let n = t.columns.split(',').count();
        let marks: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
        let insert = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            t.name,
            t.columns,
            marks.join(", ")
        );
        for r in rows(&source, t, t.copy_order)? {
            let args: Vec<Arg<'_>> = r.0.iter().map(Arg::from).collect();
            dest.exec(&insert, &args)?;
        }
    }
    let copied = digests(&dest)?;
    if let Some((want, got)) = expected.iter().zip(&copied).find(|(a, b)| a != b) {
        return Err(MigrateError::Refused(format!(
            "the copy differs from the source in table {} (source: {} rows, SHA-256 {}; copy: \
             {} rows, SHA-256 {}); nothing was written to {}",
            want.table,
            want.rows,
            want.digest,
            got.rows,
            got.digest,
            to.url()
        )));
    }
    dest.commit()?;
    drop(source);
    let reread = to.open(&no_seed)?;
    let stored = digests(&reread)?;
    if stored != expected {
        return Err(MigrateError::Refused(format!(
            "the destination {} read back after the commit differs from the source; do not \
             use it",
            to.url()
        )));
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_form_tags_and_lengths_every_value() {
        let mut out = Vec::new();
        for v in [
            Val::Null,
            Val::Int(-2),
            Val::Real(1.5),
            Val::Text("ab".into()),
            Val::Bytes(vec![7]),
        ] {
            canonical(&mut out, &v);
        }
        let mut want = vec![b'N', b'I'];
        want.extend_from_slice(&(-2i64).to_be_bytes());
        want.push(b'R');
        want.extend_from_slice(&1.5f64.to_bits().to_be_bytes());
        want.push(b'T');
        want.extend_from_slice(&2u64.to_be_bytes());
        want.extend_from_slice(b"ab");
        want.push(b'B');
        want.extend_from_slice(&1u64.to_be_bytes());
        want.push(7);
        assert_eq!(out, want);
        // Text and bytes with the same content differ; so do "a"+"b" and "ab".
        let (mut a, mut b) = (Vec::new(), Vec::new());
        canonical(&mut a, &Val::Text("ab".into()));
        canonical(&mut b, &Val::Bytes(b"ab".to_vec()));
        assert_ne!(a, b);
    }
}
