//! `jwtvault operator migrate` (contract §10): copies a whole state from one storage to
//! another and prints how the copy was verified. The copying is `storage::migrate`'s.

use serde_json::{json, Value};

use crate::cli::{MigrateArgs, OperatorCommand};
use crate::commands::{expect_args, Run};
use crate::error::Error;
use crate::output::printer::Success;
use crate::output::{self, Format};
use crate::storage::migrate::{self, MigrateError};
use crate::storage::Storage;

pub fn dispatch(run: &Run, c: OperatorCommand) -> Result<(), Error> {
    match c {
        OperatorCommand::Migrate(a) => migrate(run, a),
    }
}

/// `-from` or `-to`: a storage URL, required.
fn storage(run: &Run, flag: &str, value: Option<String>) -> Result<Storage, Error> {
    let Some(url) = value.filter(|v| !v.is_empty()) else {
        return Err(Error::Usage(format!(
            "-{flag}=URL is required: sqlite:PATH or postgresql://USER@HOST:PORT/DB"
        )));
    };
    Storage::parse(&url, run.env.get("PGPASSWORD"))
        .map_err(|e| Error::Usage(e.replacen("-storage", &format!("-{flag}"), 1)))
}

fn migrate(run: &Run, a: MigrateArgs) -> Result<(), Error> {
    expect_args(&a.args, 0, 0)?;
    let from = storage(run, "from", a.from)?;
    let to = storage(run, "to", a.to)?;
    let checks = migrate::migrate(&from, &to).map_err(|e| match e {
        MigrateError::Store(s) => Error::Store(s),
        MigrateError::Refused(m) => Error::Failed(m),
    })?;
    let rows: usize = checks.iter().map(|c| c.rows).sum();
    match run.format {
        Format::Table => {
            let lines: Vec<Vec<String>> = checks
                .iter()
                .map(|c| vec![c.table.to_string(), c.rows.to_string(), c.digest.clone()])
                .collect();
            run.printer
                .stdout(&output::table(&["Table", "Rows", "SHA-256"], &lines));
            run.printer.stdout("\n");
            run.printer.success(Success::Migrated {
                from: from.url(),
                to: to.url(),
                tables: checks.len(),
                rows,
            });
        }
        format => {
            let v = json!({
                "from": from.url(),
                "to": to.url(),
                "tables": checks
                    .iter()
                    .map(|c| json!({"table": c.table, "rows": c.rows, "sha256": c.digest}))
                    .collect::<Vec<Value>>(),
            });
            run.printer.stdout(&if format == Format::Json {
                output::to_json(&v)
            } else {
                output::to_yaml(&v)
            });
        }
    }
    Ok(())
}
