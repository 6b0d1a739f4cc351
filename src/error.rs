//! The error enum of a command, and the one place that decides the exit status.
//!
//! Four different things are kept apart, as the Vault CLI does: a bad command line (exit 1), a
//! backend that refused or failed a request (exit 2), an unknown command (exit 127), and local
//! failures on the backend side such as the state file or the network (exit 2). Errors carry
//! data; `output` turns them into text.

use crate::api::{ApiError, Response};
use crate::store::StoreError;

#[derive(Debug)]
pub enum Error {
    /// A local error: flags, argument counts, K=V syntax, unreadable `@file`, missing `-field`.
    /// The message is printed to stderr as it is.
    Usage(String),
    /// A local error printed after Vault's help text (flags before the subcommand, parent
    /// command without a subcommand).
    UsageWithHelp { message: String, help: String },
    /// An unknown command or none at all: the grouped help goes to stderr.
    UnknownCommand { help: String },
    /// The backend refused or failed a request. `context` is the command's prefix, e.g.
    /// `Error writing data to auth/jwt/login`.
    Api { context: String, error: ApiError },
    /// An error followed by an answer, as the Vault CLI prints one that carries a status of its
    /// own *and* a body (KV v2's 404 with warnings): the error, then the answer (its warnings,
    /// or its JSON). The exit status is the error's.
    WithSecret {
        error: Box<Error>,
        secret: Box<Response>,
    },
    /// A failure printed as it is, with exit 2: `No value found at …`, state file trouble.
    Failed(String),
    /// The state file could not be used.
    Store(StoreError),
    /// Help or the version, asked for: printed to stdout, exit 0.
    Help(String),
    /// `list` found nothing: `No value found at …` in a table, `{}` on stdout otherwise (exit 2).
    NothingToList { path: String },
    /// A login succeeded but the token helper file could not be written: the token is shown
    /// for the user's records (exit 2).
    TokenNotStored {
        reason: String,
        response: Box<Response>,
    },
}

impl Error {
    /// The process exit status for this error: 1 local, 2 backend, 127 unknown command.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::UsageWithHelp { .. } => 1,
            Error::UnknownCommand { .. } => 127,
            Error::Help(_) => 0,
            Error::WithSecret { error, .. } => error.exit_code(),
            Error::Api { .. }
            | Error::Failed(_)
            | Error::Store(_)
            | Error::NothingToList { .. }
            | Error::TokenNotStored { .. } => 2,
        }
    }

    /// Wraps a backend error with the command's prefix.
    pub fn api(context: impl Into<String>, error: ApiError) -> Self {
        Error::Api {
            context: context.into(),
            error,
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_decided_here() {
        assert_eq!(Error::Usage("x".into()).exit_code(), 1);
        assert_eq!(
            Error::UnknownCommand {
                help: String::new()
            }
            .exit_code(),
            127
        );
        assert_eq!(
            Error::api("Error reading x", ApiError::bad_request("no")).exit_code(),
            2
        );
        assert_eq!(Error::Failed("No value found at x".into()).exit_code(), 2);
        assert_eq!(
            Error::Store(StoreError::Sqlite("busy".into())).exit_code(),
            2
        );
    }
}
