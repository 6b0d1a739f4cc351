//! jwtvault: HashiCorp Vault's JWT auth method as one local, offline command-line tool.
//!
//! The data goes one way: `cli` (argv) → `commands` (a `Request`) → `paths` (one module per
//! Vault API path) → `store` / `verify` + `claims` / `fetch` → `Response` → `output`.

pub mod acl;
pub mod api;
pub mod authz;
pub mod backend;
pub mod claims;
pub mod cli;
pub mod commands;
pub mod completion;
pub mod error;
pub mod fetch;
pub mod fields;
pub mod framework;
pub mod gofmt;
pub mod http_client;
pub mod ids;
pub mod jwt_tools;
pub mod keycache;
pub mod keys;
pub mod kv;
pub mod output;
pub mod paths;
pub mod seal;
pub mod secret;
pub mod server;
pub mod storage;
/// The state's store under its earlier name (`storage` is the module).
pub use storage as store;
pub mod token;
pub mod tokenutil;
pub mod verify;
pub mod yaml;

use clap::{CommandFactory, FromArgMatches};

use crate::commands::{Env, Run};
use crate::error::Error;
use crate::output::printer::Printer;

/// The grouped command list, as `jwtvault` alone prints it.
pub fn grouped_help() -> String {
    "Usage: jwtvault <command> [args]

Common commands:
    read        Read data and secrets (config, roles, identity, key cache, KV)
    write       Write configuration and roles, log in (auth/<mount>/login)
    delete      Delete roles, secrets and configuration
    list        List roles, entities, groups and secrets
    login       Log in with a JWT and store the token

Other commands:
    auth        Interact with auth methods (enable, disable, list)
    kv          Interact with the key-value store (put, get, patch, list, metadata, ...)
    policy      Interact with policies (write, read, list, delete, fmt)
    secrets     Interact with secrets engines (enable, disable, list)
    token       Interact with tokens (lookup, renew, revoke, capabilities)
    jwt         Make keys, sign and decode JWTs (no identity provider needed)
    demo        Run the walkthrough end to end on a temporary state
    server      Serve Vault's HTTP API over the state
    operator    Copy the state to another storage (migrate)
    completion  Print a shell completion script
    version     Print the version

Run `jwtvault <command> -help` for a command's flags and an example.
"
    .to_string()
}

/// The arguments as UTF-8, or a usage error naming the first one that is not: by position,
/// and by its name up to `=` when it has one (`jwt=…`, `-state=…`), never by its bytes.
fn utf8_args(args: Vec<std::ffi::OsString>) -> Result<Vec<String>, Error> {
    use std::os::unix::ffi::OsStrExt;
    let mut out = Vec::with_capacity(args.len());
    for (i, a) in args.into_iter().enumerate() {
        match a.into_string() {
            Ok(s) => out.push(s),
            Err(raw) => {
                let bytes = raw.as_bytes();
                let name = bytes
                    .iter()
                    .position(|b| *b == b'=')
                    .and_then(|at| std::str::from_utf8(&bytes[..at]).ok())
                    .filter(|n| !n.is_empty() && n.len() <= 64 && !n.chars().any(char::is_control))
                    .map(|n| format!(" ({n}=…)"))
                    .unwrap_or_default();
                return Err(Error::Usage(format!(
                    "argument {}{name} is not valid UTF-8: jwtvault reads its arguments as UTF-8 text",
                    i + 1
                )));
            }
        }
    }
    Ok(out)
}

/// Runs the command line `args` (without the program name) and returns the exit status.
pub fn run(args: Vec<std::ffi::OsString>, env: Env) -> i32 {
    let args = match utf8_args(args) {
        Ok(a) => a,
        Err(e) => return Printer::plain().report(&e),
    };
    let (run, parsed, trailing) = match parse(args, env) {
        Ok(p) => p,
        Err(e) => return Printer::plain().report(&e),
    };
    match commands::dispatch(&run, parsed, &trailing) {
        Ok(()) => 0,
        Err(e) => run.printer.report(&e),
    }
}

/// Parses the command line the Vault way; help and the version asked for are `Error::Help`.
fn parse(args: Vec<String>, env: Env) -> Result<(Run, cli::Cli, Vec<String>), Error> {
    let Some(first) = args.first() else {
        return Err(Error::UnknownCommand {
            help: grouped_help(),
        });
    };
    if args.len() == 1 && matches!(first.as_str(), "-v" | "-version" | "--version") {
        return Err(Error::Help(format!(
            "jwtvault v{}\n",
            env!("CARGO_PKG_VERSION")
        )));
    }
    if matches!(first.as_str(), "-h" | "-help" | "--help") {
        return Err(Error::Help(grouped_help()));
    }
    if first.starts_with('-') {
        return Err(Error::UsageWithHelp {
            message: "Invalid flags before the subcommand. If these flags are for\nthe subcommand, please put them after the subcommand.".into(),
            help: grouped_help(),
        });
    }
    let full = cli::Cli::command();
    let Some(mut root) = cli::command_for(&full, first) else {
        return Err(Error::UnknownCommand {
            help: grouped_help(),
        });
    };
    let norm = cli::normalise(&full, &args);
    drop(full);
    let mut argv = vec!["jwtvault".to_string()];
    argv.extend(norm.argv.iter().map(|a| {
        if a == "-help" {
            "--help".to_string()
        } else {
            a.clone()
        }
    }));
    // clap builds only the branch named (see `cli::command_for`), and freeing it before the
    // command runs lets its memory be reused instead of the command touching fresh pages.
    let parsed = {
        let matches = root.try_get_matches_from_mut(&argv).map_err(clap_error)?;
        cli::Cli::from_arg_matches(&matches).map_err(clap_error)?
    };
    drop(root);
    let ignored = match parsed.command {
        cli::Command::Demo(_) => Env::DEMO_IGNORES,
        _ => &[],
    };
    env.check_read(ignored)?;
    let run = Run::new(env, &parsed.global)?;
    Ok((run, parsed, norm.trailing_flags))
}

/// Maps clap's errors to Vault's: help and version print and succeed; an unknown flag is
/// `flag provided but not defined: -x` (exit 1); a parent without a subcommand prints its help
/// (exit 1).
fn clap_error(e: clap::Error) -> Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Error::Help(e.render().to_string()),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            Error::UsageWithHelp {
                message: String::new(),
                help: e.render().to_string(),
            }
        }
        ErrorKind::UnknownArgument => {
            let arg = match e.get(ContextKind::InvalidArg) {
                Some(ContextValue::String(s)) => s.clone(),
                _ => String::new(),
            };
            let name = arg
                .trim_start_matches('-')
                .split('=')
                .next()
                .unwrap_or("")
                .to_string();
            Error::Usage(format!("flag provided but not defined: -{name}"))
        }
        _ => Error::Usage(e.render().to_string().trim_end().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static CAUGHT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }

    #[test]
    fn panic_hook_prints_a_fixed_message_without_the_payload() {
        // The hook's own text function, installed as the hook for this thread's panic.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|info| {
            CAUGHT.with(|c| {
                c.borrow_mut()
                    .push_str(&crate::output::printer::panic_message(info.location()))
            });
        }));
        let secret = "jvs.SECRET-token-value";
        let line = line!() + 1;
        let result = std::panic::catch_unwind(|| panic!("bad input: {secret}"));
        std::panic::set_hook(previous);
        assert!(result.is_err());
        let text = CAUGHT.with(|c| c.borrow().clone());
        assert_eq!(
            text,
            format!(
                "jwtvault: internal error at src/lib.rs:{line}. This is a bug; please report it. \
                 (Its details are not printed: they may hold data from the input.)\n"
            )
        );
        assert!(!text.contains("SECRET"));
    }

    #[test]
    fn arguments_that_are_not_utf8_are_named_not_printed() {
        use std::os::unix::ffi::OsStringExt;
        let arg = |b: &[u8]| std::ffi::OsString::from_vec(b.to_vec());
        assert_eq!(
            utf8_args(vec![arg(b"write"), arg(b"p")]).unwrap(),
            ["write", "p"]
        );
        for (bad, want) in [
            (&b"jwt=ey\xff"[..], "argument 2 (jwt=…) is not valid UTF-8"),
            (b"-state=\xff", "argument 2 (-state=…) is not valid UTF-8"),
            (b"jvs.\xff", "argument 2 is not valid UTF-8"),
            (b"\xff=x", "argument 2 is not valid UTF-8"),
            (b"=\xff", "argument 2 is not valid UTF-8"),
            (b"a\nb=\xff", "argument 2 is not valid UTF-8"),
        ] {
            match utf8_args(vec![arg(b"write"), arg(bad)]) {
                Err(Error::Usage(m)) => assert_eq!(
                    m,
                    format!("{want}: jwtvault reads its arguments as UTF-8 text")
                ),
                other => panic!("{other:?}"),
            }
        }
    }
}
