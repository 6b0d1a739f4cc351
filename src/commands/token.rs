//! `token lookup|renew|revoke|capabilities` (cli-reference §4.8–§4.11): each command checks its
//! arguments as the Vault CLI does, sends the request the Vault CLI sends (`bao token …
//! -output-curl-string`), and prints the answer. The token store is `paths::token`; who acts
//! (the caller's token or the local operator, docs/deviations.md D-21) is the router's
//! `authz::authorize`, with the caller `Run::request` puts in every request.

use serde_json::{json, Map, Value};

use crate::api::{Caller, Operation, Response};
use crate::cli::{PositionalArgs, TokenCommand, TokenLookupArgs, TokenRenewArgs, TokenRevokeArgs};
use crate::commands::{self, expect_args, Run};
use crate::error::Error;
use crate::output;
use crate::output::printer::Success;

// ---- plain options, from clap's structs -----------------------------------------------------

/// `token lookup [-accessor] [-field F] [TOKEN|ACCESSOR]`.
pub struct Lookup {
    pub accessor: bool,
    pub field: Option<String>,
    pub args: Vec<String>,
}

/// `token renew [-increment D] [-accessor] [-field F] [TOKEN|ACCESSOR]`.
pub struct Renew {
    pub increment: Option<String>,
    pub accessor: bool,
    pub field: Option<String>,
    pub args: Vec<String>,
}

/// `token revoke [-self] [-accessor] [-mode M] [TOKEN|ACCESSOR|PREFIX]`.
pub struct Revoke {
    pub self_: bool,
    pub accessor: bool,
    pub mode: String,
    pub args: Vec<String>,
}

impl From<TokenLookupArgs> for Lookup {
    fn from(a: TokenLookupArgs) -> Self {
        Lookup {
            accessor: a.accessor,
            field: a.field,
            args: a.args,
        }
    }
}

impl From<TokenRenewArgs> for Renew {
    fn from(a: TokenRenewArgs) -> Self {
        Renew {
            increment: a.increment,
            accessor: a.accessor,
            field: a.field,
            args: a.args,
        }
    }
}

impl From<TokenRevokeArgs> for Revoke {
    fn from(a: TokenRevokeArgs) -> Self {
        Revoke {
            self_: a.self_,
            accessor: a.accessor,
            mode: a.mode.unwrap_or_default(),
            args: a.args,
        }
    }
}

pub fn dispatch(run: &Run, cmd: TokenCommand) -> Result<(), Error> {
    match cmd {
        TokenCommand::Lookup(a) => lookup(run, a.into()),
        TokenCommand::Renew(a) => renew(run, a.into()),
        TokenCommand::Revoke(a) => revoke(run, a.into()),
        TokenCommand::Capabilities(PositionalArgs { args }) => capabilities(run, &args),
    }
}

// ---- the commands ---------------------------------------------------------------------------

/// A request body.
fn body(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Sends a request of this command line and names a refusal with the command's context.
fn send(
    run: &Run,
    ctx: &str,
    op: Operation,
    path: impl Into<String>,
    data: Value,
) -> Result<Response, Error> {
    let path = path.into();
    let mut req = run.request(op, path.clone(), body(data))?;
    // The Vault CLI posts these (its other token writes are PUTs).
    req.post = matches!(
        path.as_str(),
        "auth/token/lookup"
            | "auth/token/lookup-accessor"
            | "auth/token/renew-accessor"
            | "auth/token/revoke-accessor"
    );
    commands::execute(run, &req)?.map_err(|e| Error::api(ctx, e))
}

/// Prints a token's answer: one field, or the whole secret.
fn show(run: &Run, resp: &Response, field: &Option<String>) -> Result<(), Error> {
    match field {
        Some(f) => run.printer.field(resp, f),
        None => {
            run.printer.secret(resp);
            Ok(())
        }
    }
}

fn lookup(run: &Run, a: Lookup) -> Result<(), Error> {
    const CTX: &str = "Error looking up token";
    if a.accessor && a.args.is_empty() {
        return Err(Error::Usage(
            "Not enough arguments with -accessor (expected 1, got 0)".into(),
        ));
    }
    if a.args.len() > 1 {
        return Err(Error::Usage(format!(
            "Too many arguments (expected 0-1, got {})",
            a.args.len()
        )));
    }
    let resp = match a.args.first() {
        Some(acc) if a.accessor => send(
            run,
            CTX,
            Operation::Write,
            "auth/token/lookup-accessor",
            json!({ "accessor": acc }),
        )?,
        Some(t) => send(
            run,
            CTX,
            Operation::Write,
            "auth/token/lookup",
            json!({ "token": t }),
        )?,
        None => send(
            run,
            CTX,
            Operation::Read,
            "auth/token/lookup-self",
            json!({}),
        )?,
    };
    show(run, &resp, &a.field)
}

fn renew(run: &Run, a: Renew) -> Result<(), Error> {
    const CTX: &str = "Error renewing token";
    if a.args.len() > 1 {
        return Err(Error::Usage(format!(
            "Too many arguments (expected 1, got {})",
            a.args.len()
        )));
    }
    // Go's flag package parses `-increment` (a `time.Duration`), then the CLI sends seconds.
    let increment = match &a.increment {
        None => 0,
        Some(s) => crate::fields::go_parse_duration(s)
            .map(|ns| ns / 1_000_000_000)
            .or_else(|_| crate::fields::parse_duration(s))
            .map_err(|e| Error::Usage(format!("invalid value \"{s}\" for flag -increment: {e}")))?,
    };
    if a.accessor && a.args.is_empty() {
        return Err(Error::Usage(
            "Not enough arguments (expected 1, got 0)".into(),
        ));
    }
    let (path, data) = match a.args.first() {
        Some(acc) if a.accessor => (
            "auth/token/renew-accessor",
            json!({ "accessor": acc, "increment": increment }),
        ),
        Some(t) => (
            "auth/token/renew",
            json!({ "token": t, "increment": increment }),
        ),
        None => ("auth/token/renew-self", json!({ "increment": increment })),
    };
    let resp = send(run, CTX, Operation::Write, path, data)?;
    show(run, &resp, &a.field)
}

/// Vault's argument checks of `token revoke`.
fn revoke_usage(a: &Revoke) -> Result<(), Error> {
    let n = a.args.len();
    let mode = a.mode.as_str();
    let usage = |m: &str| Err(Error::Usage(m.to_string()));
    if !mode.is_empty() && mode != "orphan" && mode != "path" {
        return usage(&format!("Invalid mode: {mode}"));
    }
    if a.self_ {
        if n > 0 {
            return usage(&format!(
                "Too many arguments with -self (expected 0, got {n})"
            ));
        }
        if a.accessor {
            return usage("Cannot use -self with -accessor!");
        }
        if !mode.is_empty() {
            return usage("Cannot use -self with -mode!");
        }
        return Ok(());
    }
    if n > 1 {
        return usage(&format!(
            "Too many arguments (expected 1 or -self, got {n})"
        ));
    }
    if n == 0 {
        return usage("Not enough arguments (expected 1 or -self, got 0)");
    }
    if a.accessor && mode == "orphan" {
        return usage("Cannot use -accessor with -mode=orphan!");
    }
    if a.accessor && mode == "path" {
        return usage("Cannot use -accessor with -mode=path!");
    }
    Ok(())
}

fn revoke(run: &Run, a: Revoke) -> Result<(), Error> {
    const CTX: &str = "Error revoking token";
    revoke_usage(&a)?;
    let arg = a.args.first().cloned().unwrap_or_default();
    let (path, data) = if a.self_ {
        ("auth/token/revoke-self".to_string(), json!({}))
    } else if a.accessor {
        (
            "auth/token/revoke-accessor".into(),
            json!({ "accessor": arg }),
        )
    } else if a.mode == "path" {
        (
            format!("sys/leases/revoke-prefix/{}", commands::sanitize_path(&arg)),
            json!({}),
        )
    } else if a.mode == "orphan" {
        ("auth/token/revoke-orphan".into(), json!({ "token": arg }))
    } else {
        ("auth/token/revoke".into(), json!({ "token": arg }))
    };
    // The Vault CLI ignores what a revocation answers (e.g. revoke-accessor's warning).
    send(run, CTX, Operation::Write, path, data)?;
    run.printer.success(Success::RevokedToken);
    Ok(())
}

fn capabilities(run: &Run, args: &[String]) -> Result<(), Error> {
    const CTX: &str = "Error listing capabilities";
    expect_args(args, 1, 2)?;
    // TOKEN PATH, or PATH alone.
    let path = args[args.len() - 1].as_str();
    let named = (args.len() == 2).then(|| args[0].as_str());
    // The Vault API client asks `sys/capabilities-self` whenever the token asked about is the
    // client's own (none at all included), and sends it in the body either way.
    let req = run.request(Operation::Write, "sys/capabilities", Map::new())?;
    let own = match &req.caller {
        Caller::Local(Some(t)) | Caller::Token(t) => t.token.expose().to_string(),
        _ => String::new(),
    };
    let token = named.unwrap_or(own.as_str()).to_string();
    let endpoint = if token == own {
        "sys/capabilities-self"
    } else {
        "sys/capabilities"
    };
    let req = crate::api::Request {
        path: endpoint.into(),
        data: body(json!({ "path": path, "token": token })),
        ..req
    }
    .posted();
    let resp = commands::execute(run, &req)?.map_err(|e| Error::api(CTX, e))?;
    // The client reads the member named by the path, else `capabilities`.
    let data = resp.data.unwrap_or_default();
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut caps = strings(data.get(path));
    if caps.is_empty() {
        caps = strings(data.get("capabilities"));
    }
    if caps.is_empty() {
        return Err(Error::Usage("No capabilities found".into()));
    }
    run.printer.stdout(&output::capabilities(&caps, run.format));
    Ok(())
}
