//! `login`: Vault's login pipeline (cli-reference §4.7.2) for the `jwt` method — a
//! `write auth/<mount>/login` whose token is then stored in the helper file — and for the
//! `token` method, which checks a token and stores it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::api::{Auth, Caller, CallerToken, Operation, Request, Response};
use crate::cli::LoginArgs;
use crate::secret::Secret;

/// `login` and its flags, as plain values.
pub struct Login {
    pub method: Option<String>,
    pub path: Option<String>,
    pub jwt: Option<Secret>,
    pub role: Option<String>,
    pub no_store: bool,
    pub no_print: bool,
    pub token_only: bool,
    pub field: Option<String>,
    pub explain: bool,
    pub args: Vec<String>,
}

impl From<LoginArgs> for Login {
    fn from(a: LoginArgs) -> Self {
        Login {
            method: a.method,
            path: a.path,
            jwt: a.jwt,
            role: a.role,
            no_store: a.no_store,
            no_print: a.no_print,
            token_only: a.token_only,
            field: a.field,
            explain: a.explain,
            args: a.args,
        }
    }
}
use crate::commands::{self, Run};
use crate::error::Error;
use crate::output::{self, Format};

/// Reads a JWT given as `T`, `@file` or `-`.
fn jwt_value(run: &Run, raw: &str) -> Result<String, Error> {
    if raw == "-" {
        return run.read_stdin().map(|s| s.trim().to_string()).map_err(|e| {
            Error::Usage(format!(
                "Failed to parse K=V data: invalid key/value pair \"jwt=-\": {e}"
            ))
        });
    }
    if let Some(path) = raw.strip_prefix('@') {
        // The same bounded reader and texts as `jwt=@file` in the kv-builder.
        return crate::kv::read_file(path)
            .map(|b| crate::kv::go_string_from_bytes(&b).trim().to_string())
            .map_err(|e| {
                Error::Usage(format!("Failed to parse K=V data: invalid key/value pair \"jwt=@{path}\": error reading file: {e}"))
            });
    }
    Ok(raw.to_string())
}

pub fn login(run: &Run, a: Login) -> Result<(), Error> {
    if a.no_store && a.no_print {
        return Err(Error::Usage(
            "-no-store and -no-print cannot be used together".into(),
        ));
    }
    let method = a.method.clone().unwrap_or_else(|| {
        if a.jwt.is_some() {
            "jwt".into()
        } else {
            "token".into()
        }
    });
    let (resp, field) = match method.as_str() {
        "jwt" | "oidc" => jwt_login(run, &a, &method)?,
        "token" => (token_login(run, &a)?, a.field.clone()),
        other => {
            return Err(Error::Usage(format!(
                "Unknown auth method: {other}. Use \"jwtvault auth list\" to see the complete list of auth methods."
            )))
        }
    };
    let field = if a.token_only {
        Some("token".to_string())
    } else {
        field
    };
    let store = !(a.no_store || a.token_only);
    let auth = resp.auth.clone().unwrap_or_default();
    if store {
        if let Err(reason) = commands::store_token(run, auth.client_token.expose()) {
            return Err(Error::TokenNotStored {
                reason,
                response: Box::new(resp),
            });
        }
        if run.env.get("JWTVAULT_TOKEN").is_some_and(|t| !t.is_empty()) {
            run.printer.stderr(&output::wrap_at_length(
                "WARNING! The JWTVAULT_TOKEN environment variable is set! The value of this variable will take precedence; if this is unwanted please unset JWTVAULT_TOKEN or update its value accordingly.",
                78,
            ));
            run.printer.stderr("\n\n");
        }
    } else if !a.token_only {
        run.printer.stderr(&output::wrap_at_length(
            "The token was not stored in token helper. Set the JWTVAULT_TOKEN environment variable or pass the token below with each request to jwtvault.",
            78,
        ));
        run.printer.stderr("\n\n");
    }
    if a.no_print {
        return Ok(());
    }
    if let Some(f) = field {
        return run.printer.field(&resp, &f);
    }
    if run.format == Format::Table {
        run.printer.warnings(&Response {
            warnings: resp.warnings.clone(),
            ..Response::default()
        });
        run.printer.stdout(&output::login_banner());
        run.printer.stdout(&output::secret_table(&Response {
            warnings: Vec::new(),
            ..resp
        }));
    } else {
        run.printer.secret(&resp);
    }
    Ok(())
}

fn jwt_login(run: &Run, a: &Login, method: &str) -> Result<(Response, Option<String>), Error> {
    let mount = a.path.clone().unwrap_or_else(|| method.to_string());
    let mut data: Map<String, Value> = if a.args.iter().any(|x| x.contains('=')) || a.jwt.is_none()
    {
        crate::kv::build(&a.args, &mut || run.read_stdin())
            .map_err(|e| Error::Usage(format!("Failed to parse K=V data: {e}")))?
    } else {
        if !a.args.is_empty() {
            return Err(Error::Usage(format!(
                "Too many arguments (expected 0, got {})",
                a.args.len()
            )));
        }
        Map::new()
    };
    if let Some(j) = &a.jwt {
        data.insert("jwt".into(), Value::String(jwt_value(run, j.expose())?));
    } else if let Some(Value::String(j)) = data.get("jwt") {
        // `jwt=@file` already holds the file's text; `jwt=-` the stdin. Trim the newline.
        let t = j.trim().to_string();
        data.insert("jwt".into(), Value::String(t));
    }
    if let Some(r) = &a.role {
        data.insert("role".into(), Value::String(r.clone()));
    }
    let path = format!("auth/{}/login", commands::sanitize_path(&mount));
    let mut req = run.request(Operation::Write, path, data)?;
    req.explain = a.explain;
    let resp = commands::execute(run, &req)?.map_err(|e| Error::api("Error authenticating", e))?;
    Ok((resp, a.field.clone()))
}

/// The token method, as the Vault CLI's: `auth/token/lookup-self` made with the token itself
/// (so it is the caller, checked as every caller is: live, bound CIDRs, one use spent, its
/// policies), and an auth block built from the lookup's data.
fn token_login(run: &Run, a: &Login) -> Result<Response, Error> {
    let raw = match a.args.as_slice() {
        [] => {
            return Err(Error::Usage(
                "a token must be passed to auth, please view the help for more information".into(),
            ))
        }
        [t] if t == "-" => run
            .read_stdin()
            .map_err(|e| Error::Usage(e.to_string()))?
            .trim()
            .to_string(),
        [t] => t.strip_prefix("token=").unwrap_or(t).to_string(),
        more => {
            return Err(Error::Usage(format!(
                "Too many arguments (expected 1, got {})",
                more.len()
            )))
        }
    };
    if raw.is_empty() {
        return Err(Error::Usage(
            "a token must be passed to auth, please view the help for more information".into(),
        ));
    }
    let req = Request::read("auth/token/lookup-self")
        .with_caller(Caller::Token(CallerToken::new(
            raw.clone(),
            "the command line",
        )))
        .with_remote_addr(
            run.env
                .get("JWTVAULT_REMOTE_ADDR")
                .filter(|a| !a.is_empty())
                .map(str::to_string),
        );
    let resp = commands::execute(run, &req)?
        .map_err(|e| Error::api("Error authenticating: error looking up token", e))?;
    let data = resp.data.unwrap_or_default();
    Ok(Response {
        auth: Some(auth_from_lookup(raw, &data)),
        ..Response::default()
    })
}

/// The auth block of a token login, from its lookup data: its policies (and identity
/// policies), accessor, metadata, remaining TTL, renewability, type and uses.
fn auth_from_lookup(client_token: String, d: &Map<String, Value>) -> Auth {
    let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let strings = |k: &str| -> Vec<String> {
        d.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (token_policies, identity_policies) = (strings("policies"), strings("identity_policies"));
    let mut policies: Vec<String> = token_policies
        .iter()
        .chain(&identity_policies)
        .cloned()
        .collect();
    policies.sort();
    policies.dedup();
    let metadata: BTreeMap<String, String> = d
        .get("meta")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    Auth {
        client_token: client_token.into(),
        accessor: text("accessor"),
        policies,
        token_policies,
        identity_policies,
        metadata,
        orphan: d.get("orphan").and_then(Value::as_bool).unwrap_or(false),
        entity_id: text("entity_id"),
        lease_duration: d.get("ttl").and_then(Value::as_i64).unwrap_or(0),
        renewable: d.get("renewable").and_then(Value::as_bool).unwrap_or(false),
        token_type: text("type"),
        num_uses: d.get("num_uses").and_then(Value::as_i64).unwrap_or(0),
    }
}
