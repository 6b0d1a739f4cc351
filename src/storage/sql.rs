//! The small SQL vocabulary both engines speak: arguments going in, values coming out.
//!
//! Statements are written once, in the SQL both SQLite and PostgreSQL accept, with `?N`
//! placeholders (the PostgreSQL engine turns them into `$N`). Values are the five kinds SQLite
//! stores; booleans are integers 0/1 on both engines, so every statement reads the same.

use super::StoreError;

/// One argument of a statement, borrowed from the caller.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arg<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a [u8]> for Arg<'a> {
    fn from(v: &'a [u8]) -> Self {
        Arg::Bytes(v)
    }
}

impl<'a> From<&'a Vec<u8>> for Arg<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        Arg::Bytes(v)
    }
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}

impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Int(i64::from(v))
    }
}

impl From<f64> for Arg<'_> {
    fn from(v: f64) -> Self {
        Arg::Real(v)
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Arg::Null, Arg::Int)
    }
}

impl<'a> From<&'a Option<Vec<u8>>> for Arg<'a> {
    fn from(v: &'a Option<Vec<u8>>) -> Self {
        v.as_deref().map_or(Arg::Null, Arg::Bytes)
    }
}

impl<'a> From<&'a Val> for Arg<'a> {
    fn from(v: &'a Val) -> Self {
        match v {
            Val::Null => Arg::Null,
            Val::Int(i) => Arg::Int(*i),
            Val::Real(r) => Arg::Real(*r),
            Val::Text(t) => Arg::Text(t),
            Val::Bytes(b) => Arg::Bytes(b),
        }
    }
}

/// `args![a, b, …]`: the arguments of one statement.
macro_rules! args {
    ($($a:expr),* $(,)?) => { &[$($crate::storage::sql::Arg::from($a)),*][..] };
}
pub(crate) use args;

/// One value read back.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// One row read back, its values in the statement's column order.
#[derive(Clone, Debug, PartialEq)]
pub struct Row(pub Vec<Val>);

fn mismatch(i: usize, want: &str, got: &Val) -> StoreError {
    StoreError::Corrupt(format!("column {i}: expected {want}, found {got:?}"))
}

impl Row {
    fn at(&self, i: usize) -> Result<&Val, StoreError> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::Corrupt(format!("no column {i}")))
    }

    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        match self.at(i)? {
            Val::Text(t) => Ok(t.clone()),
            v => Err(mismatch(i, "text", v)),
        }
    }

    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        match self.at(i)? {
            Val::Int(n) => Ok(*n),
            v => Err(mismatch(i, "an integer", v)),
        }
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.at(i)? {
            Val::Null => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    pub fn bool(&self, i: usize) -> Result<bool, StoreError> {
        Ok(self.int(i)? != 0)
    }

    pub fn real(&self, i: usize) -> Result<f64, StoreError> {
        match self.at(i)? {
            Val::Real(r) => Ok(*r),
            Val::Int(n) => Ok(*n as f64),
            v => Err(mismatch(i, "a number", v)),
        }
    }

    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.at(i)? {
            Val::Bytes(b) => Ok(b.clone()),
            v => Err(mismatch(i, "bytes", v)),
        }
    }

    pub fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        match self.at(i)? {
            Val::Null => Ok(None),
            _ => self.bytes(i).map(Some),
        }
    }
}

/// `?N` placeholders as PostgreSQL's `$N`, outside quoted strings and identifiers.
pub fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '?' => {
                out.push('$');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND \"?3\" = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND \"?3\" = $12"
        );
    }

    #[test]
    fn rows_read_typed_values_and_say_what_they_found() {
        let r = Row(vec![
            Val::Int(1),
            Val::Null,
            Val::Text("x".into()),
            Val::Bytes(vec![1]),
            Val::Real(2.5),
        ]);
        assert!(r.bool(0).unwrap());
        assert_eq!(r.opt_int(1).unwrap(), None);
        assert_eq!(r.opt_bytes(1).unwrap(), None);
        assert_eq!(r.text(2).unwrap(), "x");
        assert_eq!(r.bytes(3).unwrap(), vec![1]);
        assert_eq!(r.real(4).unwrap(), 2.5);
        assert_eq!(r.real(0).unwrap(), 1.0);
        let e = r.int(2).unwrap_err().to_string();
        assert!(e.contains("column 2: expected an integer"), "{e}");
    }
}
