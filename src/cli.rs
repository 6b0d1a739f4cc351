//! The command line: clap types and the argv normaliser that gives clap Vault's flag syntax.
//!
//! Vault's CLI uses Go's `flag` package: long flags take one dash or two (`-format=json`,
//! `--format json`), flags come before positional arguments (parsing stops at the first
//! positional), and `-format` is honoured anywhere on the line. clap parses only `--long`, so
//! [`normalise`] rewrites argv before clap sees it. Nothing here runs a command.

use clap::{Args, Parser, Subcommand};

use crate::secret::Secret;

/// The global flags, accepted on every command.
#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// Output format: table, json or yaml (also JWTVAULT_FORMAT).
    #[arg(long, global = true, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db).
    #[arg(long, global = true, value_name = "PATH")]
    pub state: Option<String>,
    /// Where the state is: sqlite:PATH (the same as -state) or
    /// postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or
    /// PGPASSWORD).
    #[arg(long, global = true, value_name = "URL")]
    pub storage: Option<String>,
    /// Never touch the network (also JWTVAULT_OFFLINE=1).
    #[arg(long, global = true)]
    pub offline: bool,
    /// Send every Vault API request to this server instead of opening a state file (also
    /// JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200.
    #[arg(long, global = true, value_name = "URL")]
    pub address: Option<String>,
    /// A PEM file of CA certificates to trust for -address, besides the system's (also
    /// JWTVAULT_CACERT).
    #[arg(long = "ca-cert", global = true, value_name = "PATH")]
    pub ca_cert: Option<String>,
    /// The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default
    /// <config dir>/jwtvault/seal.key, created on the first secret write).
    #[arg(long, global = true, value_name = "PATH")]
    pub seal_key_file: Option<String>,
}

#[derive(Parser, Debug)]
#[command(
    name = "jwtvault",
    version,
    about = "Vault's JWT auth method as a local, offline command-line tool",
    disable_help_subcommand = true,
    after_help = "Common commands: write, read, list, delete, login, token, policy.\n\
                  Example: jwtvault auth enable jwt"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand's arguments (and its own subcommands) are deferred: clap builds only the
/// branch a command line names. Building the whole tree was a fifth of a login's time.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum Command {
    /// Write data, configuration, and roles (`write auth/jwt/role/dev user_claim=sub ...`).
    #[command(
        after_help = "Example:\n  $ jwtvault write auth/jwt/role/dev role_type=jwt user_claim=sub bound_audiences=vault"
    )]
    Write(WriteArgs),
    /// Read data (`read auth/jwt/config`).
    #[command(after_help = "Example:\n  $ jwtvault read auth/jwt/role/dev")]
    Read(ReadArgs),
    /// List data (`list auth/jwt/role`).
    #[command(after_help = "Example:\n  $ jwtvault list auth/jwt/role")]
    List(ListArgs),
    /// Delete configuration and roles (`delete auth/jwt/role/dev`).
    #[command(after_help = "Example:\n  $ jwtvault delete auth/jwt/role/dev")]
    Delete(DeleteArgs),
    /// Log in with a JWT (or check and store a token) and store the token in the helper file.
    #[command(
        after_help = "Examples:\n  $ jwtvault login --jwt @token.jwt --role dev\n  $ jwtvault login -method=jwt role=dev jwt=@token.jwt"
    )]
    Login(LoginArgs),
    /// Interact with auth methods (enable, disable, list).
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Interact with secrets engines (enable, disable, list).
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Interact with the key-value store (KV version 2): put, get, patch, delete, list, ….
    #[command(subcommand)]
    Kv(KvCommand),
    /// Interact with tokens (lookup, renew, revoke, capabilities).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Interact with ACL policies (write, read, list, delete, fmt).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Make keys, sign and decode JWTs, for trying roles without an identity provider.
    #[command(subcommand)]
    Jwt(JwtCommand),
    /// Run the walkthrough end to end against a local issuer, on a temporary state.
    #[command(after_help = "Example:\n  $ jwtvault demo")]
    Demo(DemoArgs),
    /// Serve Vault's HTTP API over the state, for Vault's own clients (hvac, vault-action, the
    /// vault and bao CLIs).
    #[command(
        after_help = "Example:\n  $ jwtvault server -root-token-id=dev-root\n  $ curl -H 'X-Vault-Token: dev-root' http://127.0.0.1:8200/v1/auth/token/lookup-self"
    )]
    Server(ServerArgs),
    /// Operate on the state itself: copy it to another storage (migrate).
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Example:\n  $ jwtvault completion bash > /etc/bash_completion.d/jwtvault"
    )]
    Completion(CompletionArgs),
    /// Print the version.
    Version,
}

#[derive(Args, Debug, Default)]
pub struct WriteArgs {
    /// Print only this field of the response.
    #[arg(long)]
    pub field: Option<String>,
    /// Allow a write with no data.
    #[arg(long, short = 'f')]
    pub force: bool,
    /// On a login path: print every check in order, passed or failed, to stderr.
    #[arg(long)]
    pub explain: bool,
    /// PATH followed by K=V data, @file.json or -.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct ReadArgs {
    /// Print only this field of the response.
    #[arg(long)]
    pub field: Option<String>,
    /// PATH.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct ListArgs {
    /// Accepted for Vault compatibility.
    #[arg(long)]
    pub detailed: bool,
    /// PATH.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct DeleteArgs {
    /// PATH.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct LoginArgs {
    /// Auth method: `jwt` or `token` (default `token`, or `jwt` when --jwt is given).
    #[arg(long)]
    pub method: Option<String>,
    /// Mount path of the auth method (default: the method's name).
    #[arg(long)]
    pub path: Option<String>,
    /// The JWT (`T`, `@file` or `-` for stdin): the short form of `-method=jwt jwt=T`.
    #[arg(long)]
    pub jwt: Option<Secret>,
    /// The role for --jwt (default: the config's default_role).
    #[arg(long)]
    pub role: Option<String>,
    /// Do not store the token in the token helper file.
    #[arg(long = "no-store")]
    pub no_store: bool,
    /// Do not print anything on success.
    #[arg(long = "no-print")]
    pub no_print: bool,
    /// Print only the token, and do not store it.
    #[arg(long = "token-only")]
    pub token_only: bool,
    /// Print only this field of the response.
    #[arg(long)]
    pub field: Option<String>,
    /// Print every check in order, passed or failed, to stderr.
    #[arg(long)]
    pub explain: bool,
    /// K=V data (role=R jwt=T) or a token.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum AuthCommand {
    /// Enable an auth method (jwt or oidc) at a path.
    #[command(after_help = "Example:\n  $ jwtvault auth enable -path=gitlab jwt")]
    Enable(AuthEnableArgs),
    /// Disable an auth method, revoking its tokens.
    #[command(after_help = "Example:\n  $ jwtvault auth disable gitlab")]
    Disable(PositionalArgs),
    /// List the enabled auth methods.
    #[command(after_help = "Example:\n  $ jwtvault auth list -detailed")]
    List(AuthListArgs),
}

#[derive(Args, Debug, Default)]
pub struct AuthEnableArgs {
    /// Where to mount the method (default: its type).
    #[arg(long)]
    pub path: Option<String>,
    /// A human-friendly description.
    #[arg(long)]
    pub description: Option<String>,
    /// Default TTL of tokens issued through this mount.
    #[arg(long = "default-lease-ttl")]
    pub default_lease_ttl: Option<String>,
    /// Maximum TTL of tokens issued through this mount.
    #[arg(long = "max-lease-ttl")]
    pub max_lease_ttl: Option<String>,
    /// Token type: service, batch, default-service or default-batch.
    #[arg(long = "token-type")]
    pub token_type: Option<String>,
    /// TYPE (jwt or oidc).
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct AuthListArgs {
    /// Show more columns.
    #[arg(long)]
    pub detailed: bool,
    #[arg(trailing_var_arg = true, hide = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct PositionalArgs {
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum SecretsCommand {
    /// Enable a secrets engine (kv-v2, or kv with -version=2) at a path.
    #[command(
        after_help = "Examples:\n  $ jwtvault secrets enable -path=secret kv-v2\n  $ jwtvault secrets enable -path=team -version=2 kv"
    )]
    Enable(Box<SecretsEnableArgs>),
    /// Disable a secrets engine, deleting every secret in it.
    #[command(after_help = "Example:\n  $ jwtvault secrets disable secret")]
    Disable(PositionalArgs),
    /// List the enabled secrets engines.
    #[command(after_help = "Example:\n  $ jwtvault secrets list -detailed")]
    List(AuthListArgs),
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum OperatorCommand {
    /// Copy a whole state from one storage into an empty one and verify the copy (row counts
    /// and a SHA-256 digest per table).
    #[command(
        after_help = "Example:\n  $ jwtvault operator migrate -from=sqlite:state.db -to=postgresql://jwtvault@db.example:5432/jwtvault"
    )]
    Migrate(MigrateArgs),
}

#[derive(Args, Debug, Default)]
pub struct MigrateArgs {
    /// The state to copy: sqlite:PATH or postgresql://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    pub from: Option<String>,
    /// Where to copy it (a new file or an empty database): sqlite:PATH or
    /// postgresql://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    #[arg(trailing_var_arg = true, hide = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct SecretsEnableArgs {
    /// Where to mount the engine (default: its type).
    #[arg(long)]
    pub path: Option<String>,
    /// A human-friendly description.
    #[arg(long)]
    pub description: Option<String>,
    /// The engine's version: 2 (kv-v2 is always 2).
    #[arg(long)]
    pub version: Option<String>,
    /// Default lease TTL of the mount.
    #[arg(long = "default-lease-ttl")]
    pub default_lease_ttl: Option<String>,
    /// Maximum lease TTL of the mount.
    #[arg(long = "max-lease-ttl")]
    pub max_lease_ttl: Option<String>,
    /// Force the engine to disable caching.
    #[arg(long = "force-no-cache", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub force_no_cache: Option<String>,
    /// A mount option K=V (repeatable); -version=N is the option version=N.
    #[arg(long)]
    pub options: Vec<String>,
    /// A local mount (not replicated; jwtvault refuses it).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub local: Option<String>,
    /// Seal-wrap the mount (jwtvault refuses it: every secret is sealed already).
    #[arg(long = "seal-wrap", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub seal_wrap: Option<String>,
    /// Give the engine external entropy (jwtvault refuses it).
    #[arg(long = "external-entropy-access", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub external_entropy_access: Option<String>,
    /// TYPE: kv-v2, or kv.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum KvCommand {
    /// Write a new version of a secret (K=V, @file.json or -).
    #[command(
        after_help = "Examples:\n  $ jwtvault kv put secret/app/db user=app password=s3cr3t\n  $ jwtvault kv put -mount=secret -cas=1 app/db password=n3w"
    )]
    Put(KvPutArgs),
    /// Read a secret (its latest version, or -version=N).
    #[command(
        after_help = "Examples:\n  $ jwtvault kv get secret/app/db\n  $ jwtvault kv get -field=password -version=1 secret/app/db"
    )]
    Get(KvGetArgs),
    /// Write a new version with some keys changed (HTTP PATCH, or read then write).
    #[command(after_help = "Example:\n  $ jwtvault kv patch secret/app/db port=5432")]
    Patch(KvPatchArgs),
    /// Delete the latest version of a secret, or -versions=N,… (soft: undelete brings it back).
    #[command(after_help = "Example:\n  $ jwtvault kv delete -versions=1,2 secret/app/db")]
    Delete(KvDeleteArgs),
    /// Bring deleted versions back.
    #[command(after_help = "Example:\n  $ jwtvault kv undelete -versions=2 secret/app/db")]
    Undelete(KvVersionsArgs),
    /// Remove versions' data for good.
    #[command(after_help = "Example:\n  $ jwtvault kv destroy -versions=1 secret/app/db")]
    Destroy(KvVersionsArgs),
    /// List the keys and folders under a path.
    #[command(after_help = "Example:\n  $ jwtvault kv list secret/app")]
    List(KvMountArgs),
    /// Read and write a key's metadata (versions, max_versions, cas_required, …).
    #[command(subcommand)]
    Metadata(KvMetadataCommand),
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum KvMetadataCommand {
    /// Show a key's metadata and every version's times.
    #[command(after_help = "Example:\n  $ jwtvault kv metadata get secret/app/db")]
    Get(KvMountArgs),
    /// Set a key's max_versions, cas_required, delete_version_after or custom metadata.
    #[command(
        after_help = "Example:\n  $ jwtvault kv metadata put -max-versions=5 -custom-metadata=owner=ops secret/app/db"
    )]
    Put(KvMetadataPutArgs),
    /// Change some of a key's metadata (HTTP PATCH).
    #[command(
        after_help = "Example:\n  $ jwtvault kv metadata patch -remove-custom-metadata=owner secret/app/db"
    )]
    Patch(KvMetadataPatchArgs),
    /// Delete a key: every version and its metadata.
    #[command(after_help = "Example:\n  $ jwtvault kv metadata delete secret/app/db")]
    Delete(KvMountArgs),
}

#[derive(Args, Debug, Default)]
pub struct KvMountArgs {
    /// The mount path; the argument is then the path under it.
    #[arg(long)]
    pub mount: Option<String>,
    /// PATH.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct KvGetArgs {
    /// The mount path; the argument is then the path under it.
    #[arg(long)]
    pub mount: Option<String>,
    /// The version to read (default: the latest).
    #[arg(long)]
    pub version: Option<String>,
    /// Print only this key of the secret's data.
    #[arg(long)]
    pub field: Option<String>,
    /// PATH.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct KvPutArgs {
    /// The mount path; the first argument is then the path under it.
    #[arg(long)]
    pub mount: Option<String>,
    /// Check-and-set: write only if the current version is this (0: only a new key).
    #[arg(long)]
    pub cas: Option<String>,
    /// Print only this field of the response.
    #[arg(long)]
    pub field: Option<String>,
    /// PATH followed by K=V data, @file.json or -.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct KvPatchArgs {
    /// The mount path; the first argument is then the path under it.
    #[arg(long)]
    pub mount: Option<String>,
    /// Check-and-set: patch only if the current version is this.
    #[arg(long)]
    pub cas: Option<String>,
    /// patch (HTTP PATCH only) or rw (read, then write); default: PATCH, else read then write.
    #[arg(long)]
    pub method: Option<String>,
    /// A key to remove from the data (repeatable).
    #[arg(long = "remove-data")]
    pub remove_data: Vec<String>,
    /// Print only this field of the response.
    #[arg(long)]
    pub field: Option<String>,
    /// PATH followed by K=V data, @file.json or -.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct KvDeleteArgs {
    /// The mount path; the argument is then the path under it.
    #[arg(long)]
    pub mount: Option<String>,
    /// The versions to delete (comma-separated, repeatable; default: the latest).
    #[arg(long)]
    pub versions: Vec<String>,
    /// Print only this field of the response.
    #[arg(long)]
    pub field: Option<String>,
    /// PATH.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct KvVersionsArgs {
    /// The mount path; the argument is then the path under it.
    #[arg(long)]
    pub mount: Option<String>,
    /// The versions (comma-separated, repeatable).
    #[arg(long)]
    pub versions: Vec<String>,
    /// PATH.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct KvMetadataPutArgs {
    /// The mount path; the argument is then the path under it.
    #[arg(long)]
    pub mount: Option<String>,
    /// The number of versions to keep (0: the mount's, else 10).
    #[arg(long = "max-versions")]
    pub max_versions: Option<String>,
    /// Whether every write must give -cas.
    #[arg(long = "cas-required", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub cas_required: Option<String>,
    /// How long a new version lives before it is deleted (0s: for ever).
    #[arg(long = "delete-version-after")]
    pub delete_version_after: Option<String>,
    /// A custom metadata K=V (repeatable); put replaces them all, patch merges them.
    #[arg(long = "custom-metadata")]
    pub custom_metadata: Vec<String>,
    /// PATH.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct KvMetadataPatchArgs {
    /// A custom metadata key to remove (repeatable).
    #[arg(long = "remove-custom-metadata")]
    pub remove_custom_metadata: Vec<String>,
    #[command(flatten)]
    pub put: KvMetadataPutArgs,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum TokenCommand {
    /// Show a token's properties.
    #[command(after_help = "Example:\n  $ jwtvault token lookup -accessor 3rUnQ...")]
    Lookup(TokenLookupArgs),
    /// Renew a token's lease.
    #[command(after_help = "Example:\n  $ jwtvault token renew -increment=1h")]
    Renew(TokenRenewArgs),
    /// Revoke a token.
    #[command(after_help = "Example:\n  $ jwtvault token revoke -self")]
    Revoke(TokenRevokeArgs),
    /// Show what a token may do on a path.
    #[command(after_help = "Example:\n  $ jwtvault token capabilities secret/data/app")]
    Capabilities(PositionalArgs),
}

#[derive(Args, Debug, Default)]
pub struct TokenLookupArgs {
    /// Treat the argument as an accessor.
    #[arg(long)]
    pub accessor: bool,
    /// Print only this field.
    #[arg(long)]
    pub field: Option<String>,
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct TokenRenewArgs {
    /// Requested extension of the TTL.
    #[arg(long, short = 'i')]
    pub increment: Option<String>,
    /// Treat the argument as an accessor.
    #[arg(long)]
    pub accessor: bool,
    /// Print only this field.
    #[arg(long)]
    pub field: Option<String>,
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct TokenRevokeArgs {
    /// Revoke the token in use.
    #[arg(long = "self")]
    pub self_: bool,
    /// Treat the argument as an accessor.
    #[arg(long)]
    pub accessor: bool,
    /// `path` revokes every token created under a path prefix.
    #[arg(long)]
    pub mode: Option<String>,
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum PolicyCommand {
    /// Upload a policy from a file or stdin.
    #[command(after_help = "Example:\n  $ jwtvault policy write dev dev.hcl")]
    Write(PositionalArgs),
    /// Print a policy.
    #[command(after_help = "Example:\n  $ jwtvault policy read default")]
    Read(PositionalArgs),
    /// List policies.
    #[command(after_help = "Example:\n  $ jwtvault policy list")]
    List(PositionalArgs),
    /// Delete a policy.
    #[command(after_help = "Example:\n  $ jwtvault policy delete dev")]
    Delete(PositionalArgs),
    /// Format a policy file in place.
    #[command(after_help = "Example:\n  $ jwtvault policy fmt dev.hcl")]
    Fmt(PositionalArgs),
}

#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum JwtCommand {
    /// Generate a key pair and a one-key JWKS (never over existing files unless -force).
    #[command(
        after_help = "Examples:\n  $ jwtvault jwt keygen -alg=ES256 -kid=k1 -out=keys\n  $ jwtvault jwt keygen -force -alg=ES256 -kid=k2 -out=keys    # replace the pair in keys/"
    )]
    Keygen(KeygenArgs),
    /// Sign claims into a JWT.
    #[command(
        after_help = "Example:\n  $ jwtvault jwt sign -key=keys/private.pem claims.json > token.jwt"
    )]
    Sign(SignArgs),
    /// Show a JWT's header and claims without verifying it.
    #[command(after_help = "Example:\n  $ jwtvault jwt decode @token.jwt")]
    Decode(PositionalArgs),
}

#[derive(Args, Debug, Default)]
pub struct KeygenArgs {
    /// Algorithm: RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA.
    #[arg(long, default_value = "RS256")]
    pub alg: String,
    /// Key id for the JWKS.
    #[arg(long)]
    pub kid: Option<String>,
    /// Output folder (default: current folder; created 0700 when missing).
    #[arg(long, default_value = ".")]
    pub out: String,
    /// Replace existing private.pem, public.pem and jwks.json (new files renamed over them;
    /// a symlink is replaced, never written through).
    #[arg(long)]
    pub force: bool,
    #[arg(trailing_var_arg = true, hide = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct SignArgs {
    /// Private key PEM (PKCS#8).
    #[arg(long)]
    pub key: Option<String>,
    /// Algorithm (default: from the key type; RS256 for RSA).
    #[arg(long)]
    pub alg: Option<String>,
    /// Key id to put in the header.
    #[arg(long)]
    pub kid: Option<String>,
    /// Lifetime when the claims have no exp (default 5m).
    #[arg(long)]
    pub ttl: Option<String>,
    /// CLAIMS.json or - for stdin.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct DemoArgs {
    #[arg(trailing_var_arg = true, hide = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct ServerArgs {
    /// Address to listen on (default 127.0.0.1:8200: loopback only; port 0 picks a free port).
    #[arg(long = "listen-address", value_name = "HOST:PORT")]
    pub listen_address: Option<String>,
    /// PEM certificate chain: serve HTTPS (with -tls-key-file).
    #[arg(long = "tls-cert-file", value_name = "PEM")]
    pub tls_cert_file: Option<String>,
    /// PEM private key of the certificate (with -tls-cert-file).
    #[arg(long = "tls-key-file", value_name = "PEM")]
    pub tls_key_file: Option<String>,
    /// Make sure a root token with this value exists (as `bao server -dev-root-token-id`).
    #[arg(long = "root-token-id", value_name = "ID")]
    pub root_token_id: Option<Secret>,
    /// How long a request head may take to arrive; also how long an idle connection is kept
    /// (default 10s; Vault's listener option http_read_header_timeout).
    #[arg(long = "http-read-header-timeout", value_name = "DURATION")]
    pub http_read_header_timeout: Option<String>,
    #[arg(trailing_var_arg = true, hide = true)]
    pub args: Vec<String>,
}

#[derive(Args, Debug, Default)]
pub struct CompletionArgs {
    /// bash, zsh, fish, powershell or elvish.
    #[arg(trailing_var_arg = true)]
    pub args: Vec<String>,
}

/// The root command with only the subcommand `name` (None if there is none by that name): what
/// one command line needs. Parsing with the whole tree costs a login a tenth of its time, as
/// clap copies every global flag into every top-level subcommand before it parses; the matches
/// are the same, as the root keeps its own settings and flags (see the test
/// `one_branch_parses_as_the_whole_tree`).
pub fn command_for(full: &clap::Command, name: &str) -> Option<clap::Command> {
    let sub = full.find_subcommand(name)?.clone();
    let mut root = clap::Command::new(full.get_name().to_string())
        .disable_help_subcommand(full.is_disable_help_subcommand_set())
        .subcommand_required(full.is_subcommand_required_set())
        .arg_required_else_help(full.is_arg_required_else_help_set())
        .args(full.get_arguments().cloned())
        .subcommand(sub);
    if let Some(version) = full.get_version() {
        root = root.version(version.to_owned());
    }
    if let Some(about) = full.get_about() {
        root = root.about(about.clone());
    }
    if let Some(after) = full.get_after_help() {
        root = root.after_help(after.clone());
    }
    Some(root)
}

/// Flags looked for anywhere on the line (Vault's global pre-scan).
const ANYWHERE: &[&str] = &["format", "state", "storage", "seal-key-file"];

/// What the normaliser found besides the rewritten argv.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Normalised {
    pub argv: Vec<String>,
    /// Flag-looking arguments after the first positional (Vault warns about them).
    pub trailing_flags: Vec<String>,
}

/// Rewrites Vault-style argv (`-format=json`, `-field=token`, flags before positionals) into the
/// form clap parses: long flags get two dashes; after the first positional argument of a
/// command, everything is positional (a `--` is inserted), as Go's flag package stops there.
/// `-format=X`/`-format X`, `-state`, `-storage` and `-seal-key-file` are taken from anywhere
/// before a `--`, as Vault's pre-scan does for `-format`; in a `write`, `kv put` or `kv patch`
/// they also stay in the data, as in Vault.
pub fn normalise(cmd: &clap::Command, args: &[String]) -> Normalised {
    let mut out = Normalised::default();
    let mut i = 0;
    // Command words: walk the subcommand tree. The subcommands' arguments are deferred (see
    // `Command`), so the one named is copied (cheap while it is unbuilt) and built alone: its
    // own branch, never the whole tree.
    let mut built: Option<clap::Command> = None;
    let mut parent = String::new();
    let mut globals: Vec<String> = Vec::new();
    while i < args.len() {
        let here = built.as_ref().unwrap_or(cmd);
        let Some(sub) = here.find_subcommand(&args[i]) else {
            break;
        };
        let mut sub = sub.clone();
        sub.build();
        out.argv.push(args[i].clone());
        i += 1;
        parent = here.get_name().to_string();
        let leaf = !sub.has_subcommands();
        built = Some(sub);
        if leaf {
            break;
        }
    }
    let current = built.as_ref().unwrap_or(cmd);
    // Commands whose arguments after the path are data: a pre-scanned flag there is also data.
    let takes_data = current.get_name() == "write"
        || (parent == "kv" && matches!(current.get_name(), "put" | "patch"));
    // Flags of the leaf command, until the first positional.
    let mut rest_positional = false;
    while i < args.len() {
        let a = &args[i];
        if rest_positional {
            if a == "--" {
                // Everything after a literal `--` is data, untouched.
                out.argv.extend(args[i..].iter().cloned());
                break;
            }
            if let Some((name, value, consumed)) = anywhere_flag(a, args.get(i + 1)) {
                globals.push(format!("--{name}={value}"));
                if takes_data {
                    out.argv.push(a.clone());
                    if consumed == 2 {
                        out.argv.push(args[i + 1].clone());
                    }
                }
                i += consumed;
                continue;
            }
            if a.starts_with('-') && a != "-" {
                out.trailing_flags.push(a.clone());
            }
            out.argv.push(a.clone());
            i += 1;
            continue;
        }
        if a == "--" {
            out.argv.push("--".into());
            out.argv.extend(args[i + 1..].iter().cloned());
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            let body = a.trim_start_matches('-');
            let dashes = a.len() - body.len();
            let (name, has_value) = match body.split_once('=') {
                Some((n, _)) => (n, true),
                None => (body, false),
            };
            if dashes > 2 || name.is_empty() {
                out.argv.push(a.clone());
                i += 1;
                continue;
            }
            let is_short = dashes == 1 && name.chars().count() == 1;
            let rewritten = if is_short {
                a.clone()
            } else {
                format!("--{body}")
            };
            out.argv.push(rewritten);
            i += 1;
            // The global flags (`-address URL`) are the root's until clap builds the tree.
            let needs_value = ANYWHERE.contains(&name)
                || takes_value(current, name, is_short)
                || takes_value(cmd, name, is_short);
            if !has_value && needs_value && i < args.len() {
                out.argv.push(args[i].clone());
                i += 1;
            }
            continue;
        }
        // The first positional: from here on, everything is positional.
        out.argv.push("--".into());
        out.argv.push(a.clone());
        rest_positional = true;
        i += 1;
    }
    // Global flags found after positionals go before the `--`.
    if !globals.is_empty() {
        let at = out
            .argv
            .iter()
            .position(|a| a == "--")
            .unwrap_or(out.argv.len());
        for (k, g) in globals.into_iter().enumerate() {
            out.argv.insert(at + k, g);
        }
    }
    out
}

/// `-format=json`, `--format json`, `-state=x` … : (name, value, arguments consumed).
fn anywhere_flag(a: &str, next: Option<&String>) -> Option<(String, String, usize)> {
    let body = a.strip_prefix("--").or_else(|| a.strip_prefix('-'))?;
    match body.split_once('=') {
        Some((n, v)) if ANYWHERE.contains(&n) => Some((n.to_string(), v.to_string(), 1)),
        None if ANYWHERE.contains(&body) => next.map(|v| (body.to_string(), v.clone(), 2)),
        _ => None,
    }
}

/// Whether the flag `name` of `cmd` takes the next argument as its value (looked up in clap's
/// own definition). A flag whose value is optional (Go's boolean flags: `-cas-required`,
/// `-cas-required=false`) never does, as in Go.
fn takes_value(cmd: &clap::Command, name: &str, is_short: bool) -> bool {
    cmd.get_arguments()
        .find(|arg| {
            if is_short {
                arg.get_short().map(|s| s.to_string()) == Some(name.to_string())
            } else {
                arg.get_long() == Some(name)
            }
        })
        .map(|arg| {
            arg.get_action().takes_values() && arg.get_num_args().is_none_or(|n| n.min_values() > 0)
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    fn norm(line: &str) -> Vec<String> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        normalise(&Cli::command(), &args).argv
    }

    fn parse(line: &str) -> Cli {
        let mut argv = vec!["jwtvault".to_string()];
        argv.extend(norm(line));
        Cli::try_parse_from(argv).unwrap()
    }

    /// `command_for` (what `jwtvault::run` parses with) against the whole tree: the same
    /// matches for every kind of line, and the same error for a line clap refuses.
    #[test]
    fn one_branch_parses_as_the_whole_tree() {
        let lines = [
            "write -format=json -state=s.db auth/jwt/login role=dev jwt=@t",
            "write -field=token -f auth/jwt/role/r a=b -format=yaml",
            "read -address=http://127.0.0.1:1 -ca-cert ca.pem auth/jwt/config",
            "auth enable -path=gitlab -description=x jwt",
            "auth list -detailed -format=json",
            "kv put -mount=secret -cas=0 app/db password=x",
            "kv metadata get -mount=secret app/db",
            "token lookup -accessor abc",
            "token capabilities -state=s.db tok sys/auth",
            "policy write dev -",
            "jwt keygen -alg=RS256 -out=keys -force",
            "login -no-store -method=jwt role=dev jwt=@t",
            "server -listen-address=127.0.0.1:0 -root-token-id=r",
            "operator migrate -to=sqlite:x",
            "completion bash",
            "secrets enable -path=kv kv-v2",
            "demo -state=d.db",
            "version",
        ];
        for line in lines {
            let args: Vec<String> = line.split_whitespace().map(String::from).collect();
            let mut argv = vec!["jwtvault".to_string()];
            argv.extend(normalise(&Cli::command(), &args).argv);
            let whole = Cli::command().try_get_matches_from(&argv);
            let one = command_for(&Cli::command(), &args[0])
                .expect(line)
                .try_get_matches_from(&argv);
            match (whole, one) {
                (Ok(w), Ok(o)) => {
                    let w = Cli::from_arg_matches(&w).expect(line);
                    let o = Cli::from_arg_matches(&o).expect(line);
                    assert_eq!(format!("{w:?}"), format!("{o:?}"), "{line}");
                }
                (Err(w), Err(o)) => assert_eq!(w.to_string(), o.to_string(), "{line}"),
                (w, o) => panic!("{line}: whole tree {w:?}, one branch {o:?}"),
            }
        }
        for bad in [
            "write -bogus x",
            "auth",
            "kv metadata",
            "token lookup -nosuch",
            "jwt keygen -alg",
        ] {
            let args: Vec<String> = bad.split_whitespace().map(String::from).collect();
            let mut argv = vec!["jwtvault".to_string()];
            argv.extend(normalise(&Cli::command(), &args).argv);
            let whole = Cli::command().try_get_matches_from(&argv).unwrap_err();
            let one = command_for(&Cli::command(), &args[0])
                .unwrap()
                .try_get_matches_from(&argv)
                .unwrap_err();
            assert_eq!(whole.kind(), one.kind(), "{bad}");
            assert_eq!(whole.to_string(), one.to_string(), "{bad}");
        }
        assert!(command_for(&Cli::command(), "nosuch").is_none());
    }

    #[test]
    fn address_and_ca_cert_are_flags_of_every_command() {
        let c = parse("read -address=http://127.0.0.1:8200 -ca-cert ca.pem auth/jwt/config");
        assert_eq!(c.global.address.as_deref(), Some("http://127.0.0.1:8200"));
        assert_eq!(c.global.ca_cert.as_deref(), Some("ca.pem"));
        let c = parse("token lookup --address http://h:1 -ca-cert=x.pem");
        assert_eq!(c.global.address.as_deref(), Some("http://h:1"));
        assert_eq!(c.global.ca_cert.as_deref(), Some("x.pem"));
        // After the first positional they are data, as every flag is in Vault's syntax.
        let c = parse("write auth/jwt/role/r -address=http://h:1");
        assert_eq!(c.global.address, None);
    }

    #[test]
    fn single_dash_long_flags_become_double() {
        assert_eq!(
            norm("read -format=json auth/jwt/config"),
            ["read", "--format=json", "--", "auth/jwt/config"]
        );
        assert_eq!(
            norm("write -field=token p a=b"),
            ["write", "--field=token", "--", "p", "a=b"]
        );
        assert_eq!(
            norm("auth enable -path=x jwt"),
            ["auth", "enable", "--path=x", "--", "jwt"]
        );
        assert_eq!(
            norm("login -method=jwt role=r"),
            ["login", "--method=jwt", "--", "role=r"]
        );
    }

    #[test]
    fn separate_values_follow_flags_that_take_them() {
        assert_eq!(
            norm("read --format json p"),
            ["read", "--format", "json", "--", "p"]
        );
        assert_eq!(
            norm("read -field token p"),
            ["read", "--field", "token", "--", "p"]
        );
        // A bool flag does not swallow the next word.
        assert_eq!(norm("write -force p"), ["write", "--force", "--", "p"]);
        assert_eq!(norm("write -f p"), ["write", "-f", "--", "p"]);
        assert_eq!(norm("token renew -i 1h"), ["token", "renew", "-i", "1h"]);
    }

    #[test]
    fn flags_after_positionals_are_data_but_format_is_honoured() {
        let n = normalise(
            &Cli::command(),
            &["read".into(), "p".into(), "-field=x".into()],
        );
        assert_eq!(n.argv, ["read", "--", "p", "-field=x"]);
        assert_eq!(n.trailing_flags, ["-field=x"]);
        assert_eq!(
            norm("read p -format=json"),
            ["read", "--format=json", "--", "p"]
        );
        assert_eq!(
            norm("read p -format json"),
            ["read", "--format=json", "--", "p"]
        );
        // In a write the pre-scanned flag also stays in the data, as in Vault.
        assert_eq!(
            norm("write p k=v -format=json"),
            ["write", "--format=json", "--", "p", "k=v", "-format=json"]
        );
    }

    #[test]
    fn unknown_flags_before_positionals_stay_flags() {
        // Go's flag package refuses them (`flag provided but not defined`); clap must too, so
        // they may not be swallowed as the first positional.
        for line in [
            "read -foo x",
            "write -foo p a=b",
            "auth list -foo",
            "read -x p",
        ] {
            let mut argv = vec!["jwtvault".to_string()];
            argv.extend(norm(line));
            let err = Cli::try_parse_from(argv).expect_err(line);
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::UnknownArgument,
                "{line}"
            );
        }
        // After the first positional, flag-looking words are data.
        match parse("write p -foo=1").command {
            Command::Write(w) => assert_eq!(w.args, ["p", "-foo=1"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stdin_dash_and_double_dash_pass_through() {
        assert_eq!(norm("write p -"), ["write", "--", "p", "-"]);
        assert_eq!(
            norm("write -- -weird k=v"),
            ["write", "--", "-weird", "k=v"]
        );
    }

    #[test]
    fn parsed_commands_carry_the_values() {
        match parse("write -format=json -field=token auth/jwt/login role=r jwt=t").command {
            Command::Write(w) => {
                assert_eq!(w.field.as_deref(), Some("token"));
                assert_eq!(w.args, ["auth/jwt/login", "role=r", "jwt=t"]);
            }
            other => panic!("{other:?}"),
        }
        let cli = parse("login --jwt @t.jwt --role dev -no-store");
        assert_eq!(cli.global.format, None);
        match cli.command {
            Command::Login(l) => {
                assert_eq!(
                    (
                        l.jwt.as_ref().map(|j| j.expose()),
                        l.role.as_deref(),
                        l.no_store
                    ),
                    (Some("@t.jwt"), Some("dev"), true)
                );
            }
            other => panic!("{other:?}"),
        }
        let cli = parse("auth list -detailed -format=json");
        assert_eq!(cli.global.format.as_deref(), Some("json"));
    }

    #[test]
    fn the_seal_key_file_is_a_global_flag_taken_from_anywhere() {
        for line in [
            "read -seal-key-file=k secret/data/x",
            "read --seal-key-file k secret/data/x",
            "read secret/data/x -seal-key-file=k",
            "read secret/data/x -seal-key-file k",
        ] {
            assert_eq!(
                parse(line).global.seal_key_file.as_deref(),
                Some("k"),
                "{line}"
            );
        }
        assert_eq!(
            norm("list secret/metadata --seal-key-file=k"),
            ["list", "--seal-key-file=k", "--", "secret/metadata"]
        );
    }
}
