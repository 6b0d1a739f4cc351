//! `login`: Vault's login pipeline (cli-reference §4.7.2) for the `jwt` method — a
//! `write auth/<mount>/login` whose token is then stored in the helper file — and for the
//! `token` method, which checks a token and stores it.

use serde_json::{Map, Value};

use crate::api::{Operation, Response};
use crate::cli::LoginArgs;
use crate::commands::{self, Run};
use crate::error::Error;
use crate::output::{self, Format};
use crate::paths::identity;

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

pub fn login(run: &Run, a: LoginArgs) -> Result<(), Error> {
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

fn jwt_login(run: &Run, a: &LoginArgs, method: &str) -> Result<(Response, Option<String>), Error> {
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
        data.insert("jwt".into(), Value::String(jwt_value(run, j)?));
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

/// The token method: looks the token up (spending one use, as Vault's lookup-self does) and
/// rebuilds the auth block from it.
fn token_login(run: &Run, a: &LoginArgs) -> Result<Response, Error> {
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
    let ctx_now = crate::paths::Ctx::now_secs();
    let store = run.open()?;
    // The Vault CLI looks the token up with itself (`auth/token/lookup-self`): it is the
    // caller, checked as every caller is (live, bound CIDRs, one use, its policies).
    let caller = crate::api::CallerToken::new(raw.clone(), "the command line");
    let authorized = super::token::authorize(
        run,
        &store,
        &caller,
        ctx_now,
        &super::token::Call::lookup_self(),
    );
    let found = match authorized {
        Ok(a) => a.found,
        Err(e) => {
            // A use spent before the policies refused stays spent.
            store.commit()?;
            return Err(Error::api(
                "Error authenticating: error looking up token",
                e,
            ));
        }
    };
    let idp = identity::identity_policies(&store, &found.entry.entity_id)
        .map_err(|e| Error::api("Error authenticating", e))?;
    store.commit()?;
    let ttl = found
        .entry
        .expire_time
        .map(|x| (x - ctx_now).max(0.0) as i64)
        .unwrap_or(0);
    Ok(Response {
        auth: Some(found.entry.auth(raw, idp, ttl)),
        ..Response::default()
    })
}
