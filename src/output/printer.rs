//! The one printer: the only place that writes to stdout and stderr.
//!
//! A command gets a [`Printer`] and hands it what to show: a response, a list, a `Success!`
//! message, an error. The printer decides the format (table, JSON, YAML, `-field`), the stream
//! (data to stdout, diagnostics to stderr) and the colours, as the Vault CLI does.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use crate::api::{ApiError, RemoteFailure, Response};
use crate::error::Error;
use crate::output::{self, Format};

/// A `Success! …` line, in Vault's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Success {
    /// `write` with nothing to show.
    DataWritten { path: String },
    /// `delete`.
    DataDeleted { path: String },
    /// `auth enable`.
    EnabledAuth { kind: String, path: String },
    /// `auth disable`.
    DisabledAuth { path: String },
    /// `secrets enable`: the type as typed and the path with its trailing `/`.
    EnabledSecrets { kind: String, path: String },
    /// `secrets disable`.
    DisabledSecrets { path: String },
    /// `policy write`.
    UploadedPolicy { name: String },
    /// `policy delete`.
    DeletedPolicy { name: String },
    /// `policy fmt`.
    FormattedPolicy { path: String },
    /// `token revoke`.
    RevokedToken,
    /// `jwt keygen` (jwtvault extension): the algorithm and the files written.
    GeneratedKeys { alg: String, files: Vec<String> },
    /// `operator migrate` (jwtvault extension): where from, where to, the tables and rows.
    Migrated {
        from: String,
        to: String,
        tables: usize,
        rows: usize,
    },
}

impl Success {
    /// The line, with its newline.
    pub fn text(&self) -> String {
        match self {
            Success::DataWritten { path } => format!("Success! Data written to: {path}\n"),
            Success::DataDeleted { path } => {
                format!("Success! Data deleted (if it existed) at: {path}\n")
            }
            Success::EnabledAuth { kind, path } => {
                format!("Success! Enabled {kind} auth method at: {path}\n")
            }
            Success::DisabledAuth { path } => {
                format!("Success! Disabled the auth method (if it existed) at: {path}\n")
            }
            Success::EnabledSecrets { kind, path } => {
                format!("Success! Enabled the {kind} secrets engine at: {path}\n")
            }
            Success::DisabledSecrets { path } => {
                format!("Success! Disabled the secrets engine (if it existed) at: {path}\n")
            }
            Success::UploadedPolicy { name } => format!("Success! Uploaded policy: {name}\n"),
            Success::DeletedPolicy { name } => format!("Success! Deleted policy: {name}\n"),
            Success::FormattedPolicy { path } => format!("Success! Formatted policy: {path}\n"),
            Success::RevokedToken => "Success! Revoked token (if it existed)\n".to_string(),
            Success::GeneratedKeys { alg, files } => {
                let mut s = format!("Success! Generated an {alg} key pair:\n");
                for f in files {
                    s.push_str(&format!("  {f}\n"));
                }
                s
            }
            Success::Migrated {
                from,
                to,
                tables,
                rows,
            } => format!(
                "Success! Copied the state from {from} to {to}: {rows} rows in {tables} tables, \
                 each table's row count and SHA-256 digest equal to the source's\n"
            ),
        }
    }
}

type Sink = Rc<RefCell<dyn Write>>;

/// A buffer a captured printer writes into.
pub type Captured = Rc<RefCell<Vec<u8>>>;

/// Where the bytes go and how they look.
pub struct Printer {
    pub format: Format,
    /// Colour error and warning text (table format, stderr on a terminal, no `NO_COLOR`).
    pub color: bool,
    /// `-field` ends with a newline (stdout on a terminal; Vault's `PrintRaw`).
    pub field_newline: bool,
    out: Sink,
    err: Sink,
    /// The last request to a server that failed (client mode): an API error reported for it
    /// is printed as the Vault CLI prints it, with what was sent.
    remote: RefCell<Option<RemoteFailure>>,
}

impl Printer {
    /// A printer on the process's stdout and stderr.
    pub fn new(format: Format, color: bool, field_newline: bool) -> Printer {
        Printer {
            format,
            color,
            field_newline,
            out: Rc::new(RefCell::new(std::io::stdout())),
            err: Rc::new(RefCell::new(std::io::stderr())),
            remote: RefCell::new(None),
        }
    }

    /// A plain table printer, before the command line has said anything about the format.
    pub fn plain() -> Printer {
        Printer::new(Format::Table, false, false)
    }

    /// A printer writing into two buffers (for tests): `(printer, stdout, stderr)`.
    pub fn capture(format: Format) -> (Printer, Captured, Captured) {
        let out = Rc::new(RefCell::new(Vec::new()));
        let err = Rc::new(RefCell::new(Vec::new()));
        let p = Printer {
            format,
            color: false,
            field_newline: false,
            out: out.clone(),
            err: err.clone(),
            remote: RefCell::new(None),
        };
        (p, out, err)
    }

    /// Data: stdout, flushed (a reader may be waiting for it).
    pub fn stdout(&self, text: &str) {
        let mut o = self.out.borrow_mut();
        let _ = o.write_all(text.as_bytes());
        let _ = o.flush();
    }

    /// Diagnostics: stderr.
    pub fn stderr(&self, text: &str) {
        let _ = self.err.borrow_mut().write_all(text.as_bytes());
    }

    /// Remembers a request to a server that failed, for [`Printer::report`].
    pub fn remote_failure(&self, failure: RemoteFailure) {
        *self.remote.borrow_mut() = Some(failure);
    }

    /// A `Success! …` line (stdout).
    pub fn success(&self, s: Success) {
        self.stdout(&s.text());
    }

    /// Warnings (table format only: in JSON and YAML they are in the envelope).
    pub fn warnings(&self, resp: &Response) {
        if !resp.warnings.is_empty() && self.format == Format::Table {
            self.stderr(&output::warnings_block(&resp.warnings));
        }
    }

    /// A response in the run's format, its warnings first (table format).
    pub fn secret(&self, resp: &Response) {
        match self.format {
            Format::Table => {
                self.warnings(resp);
                self.stdout(&output::secret_table(resp));
            }
            Format::Json => self.stdout(&output::secret_json(resp)),
            Format::Yaml => self.stdout(&output::secret_yaml(resp)),
        }
    }

    /// `-field NAME`: the value alone, without a trailing newline unless stdout is a
    /// terminal; `Field "x" not present in secret` (exit 1) when it is missing.
    pub fn field(&self, resp: &Response, name: &str) -> Result<(), Error> {
        self.warnings(resp);
        let Some(v) = output::field(resp, name, self.format) else {
            return Err(Error::Usage(format!(
                "Field \"{name}\" not present in secret"
            )));
        };
        self.raw(&v);
        Ok(())
    }

    /// A `list` result.
    pub fn list(&self, keys: &[String]) {
        self.stdout(&output::list_keys(keys, self.format));
    }

    /// An error, as the Vault CLI prints it; returns the exit status decided by
    /// [`Error::exit_code`].
    pub fn report(&self, e: &Error) -> i32 {
        let color = self.color;
        match e {
            Error::Usage(m) | Error::Failed(m) => {
                self.stderr(&output::colorize_error(&format!("{m}\n"), color))
            }
            Error::UsageWithHelp { message, help } if message.is_empty() => self.stderr(help),
            Error::UsageWithHelp { message, help } => self.stderr(&format!("{message}\n\n{help}")),
            Error::UnknownCommand { help } => self.stderr(help),
            Error::Help(text) => self.stdout(text),
            Error::Api { context, error } => self.api_error(context, error),
            Error::WithSecret { error, secret } => {
                self.report(error);
                self.secret(secret);
            }
            Error::NothingToList { path } => {
                if self.format == Format::Table {
                    self.stderr(&output::colorize_error(
                        &format!("No value found at {path}\n"),
                        color,
                    ));
                } else {
                    // Vault prints an empty object for a list that found nothing.
                    self.stdout("{}\n");
                }
            }
            Error::TokenNotStored { reason, response } => {
                self.stderr(&format!("Error storing token: {reason}\n"));
                self.stderr(&output::wrap_at_length(
                    "Authentication was successful, but the token was not persisted. The resulting token is shown below for your records.",
                    78,
                ));
                self.stderr("\n");
                self.secret(response);
            }
            Error::Store(s) => self.stderr(&output::colorize_error(&format!("{s}\n"), color)),
        }
        e.exit_code()
    }
}

impl Printer {
    /// An error the backend answered, as the Vault CLI prints it.
    fn api_error(&self, context: &str, error: &ApiError) {
        let color = self.color;
        // The error the server sent: the Vault CLI's text with the request and URL lines, the
        // server's own hints (not those a command adds locally), and no JSON copy (the Vault
        // CLI prints none).
        let remote = self.remote.borrow();
        if let Some(f) = remote.as_ref().filter(|f| {
            let sent = f.api_error();
            (sent.code, &sent.errors) == (error.code, &error.errors)
        }) {
            let text = output::remote_api_error(context, f, &f.api_error().hints);
            self.stderr(&output::colorize_error(&text, color));
            return;
        }
        self.stderr(&output::colorize_error(
            &output::api_error(context, error),
            color,
        ));
        if self.format == Format::Json {
            self.stderr(&output::api_error_json(error));
        }
    }

    /// A warning of the command's own (Vault's `ui.Warn`): stderr, yellow on a terminal.
    pub fn warn(&self, text: &str) {
        self.stderr(&output::colorize_warning(&format!("{text}\n"), self.color));
    }

    /// A raw value (Vault's `PrintRaw`): no newline of its own unless stdout is a terminal.
    pub fn raw(&self, text: &str) {
        self.stdout(text);
        if self.field_newline && !text.ends_with('\n') {
            self.stdout("\n");
        }
    }
}

/// Installs the process's panic hook: one fixed line naming where, never the panic's message.
///
/// A panic message may carry user data (a JWT, a token, a path), and jwtvault never prints
/// that by accident. The exit status stays Rust's 101: neither 1 (a bad command line) nor 2
/// (the backend refused), so a script can tell a crash from a refusal.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        use std::io::Write;
        let _ = std::io::stderr().write_all(panic_message(info.location()).as_bytes());
    }));
}

/// The panic hook's text: the source location (jwtvault's or the standard library's, never
/// user data) and nothing of the payload.
pub fn panic_message(location: Option<&std::panic::Location<'_>>) -> String {
    let at = location
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!(
        "jwtvault: internal error{at}. This is a bug; please report it. (Its details are not \
         printed: they may hold data from the input.)\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;

    fn text(b: &Rc<RefCell<Vec<u8>>>) -> String {
        String::from_utf8(b.borrow().clone()).unwrap()
    }

    #[test]
    fn success_lines_are_vaults() {
        let (p, out, err) = Printer::capture(Format::Table);
        p.success(Success::EnabledAuth {
            kind: "jwt".into(),
            path: "jwt/".into(),
        });
        p.success(Success::RevokedToken);
        assert_eq!(
            text(&out),
            "Success! Enabled jwt auth method at: jwt/\nSuccess! Revoked token (if it existed)\n"
        );
        assert_eq!(text(&err), "");
    }

    #[test]
    fn errors_go_to_stderr_with_their_exit_code() {
        let (p, out, err) = Printer::capture(Format::Json);
        let code = p.report(&Error::api(
            "Error reading x",
            ApiError::bad_request("no such thing"),
        ));
        assert_eq!(code, 2);
        assert_eq!(text(&out), "");
        assert!(text(&err).starts_with("Error reading x: Code: 400. Errors:\n\n* no such thing\n"));
        assert!(text(&err).ends_with("{\n  \"errors\": [\n    \"no such thing\"\n  ]\n}\n"));
    }

    #[test]
    fn nothing_to_list_is_an_empty_object_in_json_and_a_message_in_a_table() {
        let (p, out, err) = Printer::capture(Format::Json);
        assert_eq!(p.report(&Error::NothingToList { path: "a/b".into() }), 2);
        assert_eq!(
            (text(&out), text(&err)),
            ("{}\n".to_string(), String::new())
        );
        let (p, out, err) = Printer::capture(Format::Table);
        assert_eq!(p.report(&Error::NothingToList { path: "a/b".into() }), 2);
        assert_eq!(
            (text(&out), text(&err)),
            (String::new(), "No value found at a/b\n".to_string())
        );
    }

    #[test]
    fn a_servers_error_is_printed_with_what_was_sent_and_only_its_own_hints() {
        use crate::api::{HttpCall, RemoteError, RemoteFailure};
        let (p, out, err) = Printer::capture(Format::Json);
        let sent = ApiError::new(
            405,
            vec!["1 error occurred:\n\t* unsupported operation\n\n".into()],
        );
        p.remote_failure(RemoteFailure {
            call: HttpCall {
                method: "DELETE".into(),
                url: "http://127.0.0.1:8200/v1/sys/auth".into(),
            },
            error: RemoteError::Api(sent.clone()),
        });
        // A command's own hint is not the server's: left out, as the Vault CLI shows none.
        let code = p.report(&Error::api(
            "Error disabling auth method at /",
            sent.with_hint("local"),
        ));
        assert_eq!(code, 2);
        assert_eq!(text(&out), "");
        assert_eq!(
            text(&err),
            "Error disabling auth method at /: Error making API request.\n\nURL: DELETE http://127.0.0.1:8200/v1/sys/auth\nCode: 405. Errors:\n\n* 1 error occurred:\n\t* unsupported operation\n\n\n"
        );
        // An error that is not the server's answer is printed as a local one.
        let (p, _, err) = Printer::capture(Format::Table);
        p.remote_failure(RemoteFailure {
            call: HttpCall {
                method: "GET".into(),
                url: "http://h/v1/x".into(),
            },
            error: RemoteError::Transport("EOF".into()),
        });
        p.report(&Error::api(
            "Error reading x",
            ApiError::permission_denied(),
        ));
        assert_eq!(
            text(&err),
            "Error reading x: Code: 403. Errors:\n\n* permission denied\n"
        );
        // A transport failure: Go's `Get "<url>": …`.
        let (p, _, err) = Printer::capture(Format::Table);
        let failure = RemoteFailure {
            call: HttpCall {
                method: "GET".into(),
                url: "http://h/v1/x".into(),
            },
            error: RemoteError::Transport("EOF".into()),
        };
        let api = failure.api_error();
        p.remote_failure(failure);
        p.report(&Error::api("Error reading x", api));
        assert_eq!(text(&err), "Error reading x: Get \"http://h/v1/x\": EOF\n");
    }

    #[test]
    fn help_is_data_and_succeeds() {
        let (p, out, _) = Printer::capture(Format::Table);
        assert_eq!(p.report(&Error::Help("Usage: x\n".into())), 0);
        assert_eq!(text(&out), "Usage: x\n");
    }
}
