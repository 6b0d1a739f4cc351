//! `jwt keygen|sign|decode` (jwtvault extension): make a key pair and a JWKS, sign claims into a
//! JWT, and show a JWT's header and claims without verifying it, so a role can be tried
//! without an identity provider.

use serde_json::{Map, Value};

use crate::cli::{JwtCommand, KeygenArgs, SignArgs};
use crate::commands::{expect_args, Run};
use crate::error::Error;
use crate::jwt_tools;
use crate::output::printer::Success;
use crate::output::{self, Format};
use crate::paths::Ctx;
use crate::verify::Alg;

pub fn dispatch(run: &Run, cmd: JwtCommand) -> Result<(), Error> {
    match cmd {
        JwtCommand::Keygen(a) => keygen(run, a.into()),
        JwtCommand::Sign(a) => sign(run, a.into()),
        JwtCommand::Decode(a) => decode(run, &a.args),
    }
}

/// `jwt keygen -alg=A [-kid=K] [-out=DIR] [-force]`.
pub struct Keygen {
    pub alg: String,
    pub kid: Option<String>,
    pub out: String,
    pub force: bool,
    pub args: Vec<String>,
}

impl From<KeygenArgs> for Keygen {
    fn from(a: KeygenArgs) -> Self {
        Keygen {
            alg: a.alg,
            kid: a.kid,
            out: a.out,
            force: a.force,
            args: a.args,
        }
    }
}

/// `jwt sign -key=PEM [-alg=A] [-kid=K] [-ttl=D] CLAIMS|-`.
pub struct Sign {
    pub key: Option<String>,
    pub alg: Option<String>,
    pub kid: Option<String>,
    pub ttl: Option<String>,
    pub args: Vec<String>,
}

impl From<SignArgs> for Sign {
    fn from(a: SignArgs) -> Self {
        Sign {
            key: a.key,
            alg: a.alg,
            kid: a.kid,
            ttl: a.ttl,
            args: a.args,
        }
    }
}

fn parse_alg(name: &str) -> Result<Alg, Error> {
    Alg::parse(name).ok_or_else(|| {
        Error::Usage(format!(
            "unsupported algorithm \"{name}\": expected one of {}",
            Alg::ALL
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ))
    })
}

/// The files `jwt keygen` writes, with their modes.
const KEY_FILES: [(&str, u32); 3] = [
    ("private.pem", 0o600),
    ("public.pem", 0o644),
    ("jwks.json", 0o644),
];

fn keygen(run: &Run, a: Keygen) -> Result<(), Error> {
    expect_args(&a.args, 0, 0)?;
    let alg = parse_alg(&a.alg)?;
    let dir = std::path::Path::new(&a.out);
    let paths: Vec<std::path::PathBuf> = KEY_FILES.iter().map(|(n, _)| dir.join(n)).collect();
    if !a.force {
        // Checked for all three first, so that no partial set is written; the O_EXCL create
        // below still catches one that appears meanwhile.
        if let Some(p) = paths.iter().find(|p| p.symlink_metadata().is_ok()) {
            return Err(exists(p));
        }
    }
    let (private, public, jwks) =
        jwt_tools::make_keys(alg, a.kid.as_deref()).map_err(Error::Failed)?;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::Failed(format!("cannot create {}: {e}", dir.display())))?;
    let texts = [private, public, output::to_json(&jwks)];
    if a.force {
        replace_all(dir, &paths, &texts)?;
    } else {
        create_all(&paths, &texts)?;
    }
    run.printer.success(Success::GeneratedKeys {
        alg: alg.as_str().to_string(),
        files: paths.iter().map(|p| p.display().to_string()).collect(),
    });
    Ok(())
}

fn exists(p: &std::path::Path) -> Error {
    Error::Usage(format!(
        "{} already exists: jwt keygen does not overwrite keys; use -force to replace them",
        p.display()
    ))
}

/// Creates a new file with `O_CREAT|O_EXCL` (which never follows a symlink: an existing
/// name, link or not, fails) and the given mode, and writes `text`.
fn create_new(p: &std::path::Path, text: &str, mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = o.open(p)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// Without -force: each file created exclusively; on a failure the files this run created
/// are removed again, so a set is written whole or not at all.
fn create_all(paths: &[std::path::PathBuf], texts: &[String; 3]) -> Result<(), Error> {
    for (i, p) in paths.iter().enumerate() {
        if let Err(e) = create_new(p, &texts[i], KEY_FILES[i].1) {
            for done in &paths[..i] {
                let _ = std::fs::remove_file(done);
            }
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                return Err(exists(p));
            }
            return Err(Error::Failed(format!("cannot write {}: {e}", p.display())));
        }
    }
    Ok(())
}

/// With -force: each file written new beside its target (exclusively, with its mode), then
/// all three renamed over the old names. A rename replaces a symlink itself, never its target.
fn replace_all(
    dir: &std::path::Path,
    paths: &[std::path::PathBuf],
    texts: &[String; 3],
) -> Result<(), Error> {
    let mut temps = Vec::new();
    for (i, (name, mode)) in KEY_FILES.iter().enumerate() {
        let tmp = dir.join(format!(".{name}.{}.tmp", crate::ids::random_hex(6)));
        if let Err(e) = create_new(&tmp, &texts[i], *mode) {
            for t in &temps {
                let _ = std::fs::remove_file(t);
            }
            return Err(Error::Failed(format!(
                "cannot write {}: {e}",
                tmp.display()
            )));
        }
        temps.push(tmp);
    }
    for (i, tmp) in temps.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, &paths[i]) {
            for t in &temps[i..] {
                let _ = std::fs::remove_file(t);
            }
            return Err(Error::Failed(format!(
                "cannot write {}: {e}",
                paths[i].display()
            )));
        }
    }
    Ok(())
}

fn read_arg(run: &Run, arg: &str) -> Result<String, Error> {
    if arg == "-" {
        return run
            .read_stdin()
            .map_err(|e| Error::Usage(format!("cannot read stdin: {e}")));
    }
    let path = arg.strip_prefix('@').unwrap_or(arg);
    crate::kv::read_file(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(Error::Usage)
}

fn sign(run: &Run, a: Sign) -> Result<(), Error> {
    expect_args(&a.args, 1, 1)?;
    let key_path = a
        .key
        .clone()
        .ok_or_else(|| Error::Usage("-key=PRIVATE.pem is required".into()))?;
    let pem = crate::kv::read_file(&key_path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(Error::Usage)?;
    let alg = match &a.alg {
        Some(n) => parse_alg(n)?,
        None => jwt_tools::default_alg(&pem),
    };
    let ttl = match &a.ttl {
        Some(s) => crate::fields::parse_duration(s)
            .map_err(|e| Error::Usage(format!("invalid -ttl: {e}")))?,
        None => 300,
    };
    let text = read_arg(run, &a.args[0])?;
    let claims: Map<String, Value> = match serde_json::from_str(&text) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(Error::Usage("the claims must be a JSON object".into())),
        Err(e) => return Err(Error::Usage(format!("the claims are not valid JSON: {e}"))),
    };
    let token = jwt_tools::sign_claims(
        alg,
        &pem,
        a.kid.as_deref(),
        claims,
        ttl,
        Ctx::now_secs() as i64,
    )
    .map_err(Error::Usage)?;
    run.printer.stdout(&format!("{token}\n"));
    Ok(())
}

fn decode(run: &Run, args: &[String]) -> Result<(), Error> {
    expect_args(args, 1, 1)?;
    let token = if args[0] == "-" || args[0].starts_with('@') {
        read_arg(run, &args[0])?
    } else {
        args[0].clone()
    };
    let v = jwt_tools::decode_token(&token, Ctx::now_secs()).map_err(Error::Failed)?;
    match run.format {
        Format::Json => run.printer.stdout(&output::to_json(&v)),
        Format::Yaml => run.printer.stdout(&output::to_yaml(&v)),
        Format::Table => {
            let mut s = String::from(
                "UNVERIFIED: the signature was not checked; do not trust these claims.\n\nHeader\n",
            );
            s.push_str(&output::to_json(&v["header"]));
            s.push_str("\nClaims\n");
            s.push_str(&output::to_json(&v["claims"]));
            if let Some(t) = v["times"].as_object().filter(|t| !t.is_empty()) {
                s.push_str("\nTimes\n");
                for (k, val) in t {
                    s.push_str(&format!("{k}    {}\n", val.as_str().unwrap_or_default()));
                }
            }
            run.printer.stdout(&s);
        }
    }
    Ok(())
}
