//! jwtvault's integration tests: the real binary on an isolated temp state and HOME.
//!
//! One test binary (`autotests = false`), one module per feature, named after it. `support`
//! holds the builder that runs the binary, the key/token factories and the helpers that more
//! than one module uses; a helper only one module needs stays in that module.

mod pg_cluster;
mod support;

mod attacks; // the attack corpus: hostile tokens refused, the jwt.io sample
mod cli; // flag syntax, unknown flags, argument counts, help texts, the grouped command list
mod client; // -address: every command over HTTP, Vault's error text with URL lines, TLS, tokens
mod completion; // `completion SHELL` and the committed completion scripts
mod config; // auth/<mount>/config: checks, key types, full replace, read-back
mod demo; // `demo`: the walkthrough transcript; it never touches the user's state
mod fleet; // two servers and many processes on one PostgreSQL database
mod identity; // identity/group and identity/group-alias
mod inputs; // argv/env bytes that are not UTF-8, no panic payloads, the 32 MiB input cap
mod jwt_tools; // jwt keygen / sign / decode
mod kv; // secrets enable/disable/list and the kv commands: Vault's outputs, flags, ACL, errors
mod kv_builder; // write/read/list/delete: kv-builder forms, not found, no handler
mod login; // login forms, refusals and hints, token issuance, identity, bound CIDRs
mod mounts; // auth enable / disable / list
mod names; // Vault's rules for mount paths and role names
mod network; // keys over the network: discovery, JWKS, refetch, -offline, jwks paths
mod output; // -format table/json/yaml, -field, YAML read back, control characters escaped
mod policies; // policy write/read/list/delete/fmt, parse errors, default and templated policies
mod props; // bounded property tests over the fuzz targets' bodies
mod readme; // the README's quick start, run verbatim
mod reliability; // many processes on one state file, processes killed mid-command
mod roles; // auth/<mount>/role/<name>: read-back, aliases, checks, warnings, bound_claims
mod secrets; // the KV v2 engine on its raw paths: sealed at rest, the seal key, tokens on KV paths
mod server; // jwtvault server: Vault's HTTP API, wire format, TLS, stopping, crashes
mod state_file; // where the state is, schema, foreign files, failed writes, permissions
mod storage; // -storage: PostgreSQL URLs, refusals, the password never shown, many processes
mod tokens; // token lookup / renew / revoke / capabilities, num_uses, who acts
