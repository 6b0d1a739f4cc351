
use builtin;
use str;

set edit:completion:arg-completer[jwtvault] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'jwtvault'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'jwtvault'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand write 'Write data, configuration, and roles (`write auth/jwt/role/dev user_claim=sub ...`)'
            cand read 'Read data (`read auth/jwt/config`)'
            cand list 'List data (`list auth/jwt/role`)'
            cand delete 'Delete configuration and roles (`delete auth/jwt/role/dev`)'
            cand login 'Log in with a JWT (or check and store a token) and store the token in the helper file'
            cand auth 'Interact with auth methods (enable, disable, list)'
            cand token 'Interact with tokens (lookup, renew, revoke, capabilities)'
            cand policy 'Interact with ACL policies (write, read, list, delete, fmt)'
            cand jwt 'Make keys, sign and decode JWTs, for trying roles without an identity provider'
            cand demo 'Run the walkthrough end to end against a local issuer, on a temporary state'
            cand server 'Serve Vault''s HTTP API over the state, for Vault''s own clients (hvac, vault-action, the vault and bao CLIs)'
            cand completion 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand version 'Print the version'
        }
        &'jwtvault;write'= {
            cand --field 'Print only this field of the response'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand -f 'Allow a write with no data'
            cand --force 'Allow a write with no data'
            cand --explain 'On a login path: print every check in order, passed or failed, to stderr'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;read'= {
            cand --field 'Print only this field of the response'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;list'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --detailed 'Accepted for Vault compatibility'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;delete'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;login'= {
            cand --method 'Auth method: `jwt` or `token` (default `token`, or `jwt` when --jwt is given)'
            cand --path 'Mount path of the auth method (default: the method''s name)'
            cand --jwt 'The JWT (`T`, `@file` or `-` for stdin): the short form of `-method=jwt jwt=T`'
            cand --role 'The role for --jwt (default: the config''s default_role)'
            cand --field 'Print only this field of the response'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --no-store 'Do not store the token in the token helper file'
            cand --no-print 'Do not print anything on success'
            cand --token-only 'Print only the token, and do not store it'
            cand --explain 'Print every check in order, passed or failed, to stderr'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;auth'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand enable 'Enable an auth method (jwt or oidc) at a path'
            cand disable 'Disable an auth method, revoking its tokens'
            cand list 'List the enabled auth methods'
        }
        &'jwtvault;auth;enable'= {
            cand --path 'Where to mount the method (default: its type)'
            cand --description 'A human-friendly description'
            cand --default-lease-ttl 'Default TTL of tokens issued through this mount'
            cand --max-lease-ttl 'Maximum TTL of tokens issued through this mount'
            cand --token-type 'Token type: service, batch, default-service or default-batch'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;auth;disable'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;auth;list'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --detailed 'Show more columns'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;token'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand lookup 'Show a token''s properties'
            cand renew 'Renew a token''s lease'
            cand revoke 'Revoke a token'
            cand capabilities 'Show what a token may do on a path'
        }
        &'jwtvault;token;lookup'= {
            cand --field 'Print only this field'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --accessor 'Treat the argument as an accessor'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;token;renew'= {
            cand -i 'Requested extension of the TTL'
            cand --increment 'Requested extension of the TTL'
            cand --field 'Print only this field'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --accessor 'Treat the argument as an accessor'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;token;revoke'= {
            cand --mode '`path` revokes every token created under a path prefix'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --self 'Revoke the token in use'
            cand --accessor 'Treat the argument as an accessor'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;token;capabilities'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;policy'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand write 'Upload a policy from a file or stdin'
            cand read 'Print a policy'
            cand list 'List policies'
            cand delete 'Delete a policy'
            cand fmt 'Format a policy file in place'
        }
        &'jwtvault;policy;write'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;policy;read'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;policy;list'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;policy;delete'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;policy;fmt'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;jwt'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand keygen 'Generate a key pair and a one-key JWKS (never over existing files unless -force)'
            cand sign 'Sign claims into a JWT'
            cand decode 'Show a JWT''s header and claims without verifying it'
        }
        &'jwtvault;jwt;keygen'= {
            cand --alg 'Algorithm: RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA'
            cand --kid 'Key id for the JWKS'
            cand --out 'Output folder (default: current folder; created 0700 when missing)'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --force 'Replace existing private.pem, public.pem and jwks.json (new files renamed over them; a symlink is replaced, never written through)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;jwt;sign'= {
            cand --key 'Private key PEM (PKCS#8)'
            cand --alg 'Algorithm (default: from the key type; RS256 for RSA)'
            cand --kid 'Key id to put in the header'
            cand --ttl 'Lifetime when the claims have no exp (default 5m)'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;jwt;decode'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;demo'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;server'= {
            cand --listen-address 'Address to listen on (default 127.0.0.1:8200: loopback only; port 0 picks a free port)'
            cand --tls-cert-file 'PEM certificate chain: serve HTTPS (with -tls-key-file)'
            cand --tls-key-file 'PEM private key of the certificate (with -tls-cert-file)'
            cand --root-token-id 'Make sure a root token with this value exists (as `bao server -dev-root-token-id`)'
            cand --storage 'Where the state is: sqlite:PATH (the same as -state)'
            cand --http-read-header-timeout 'How long a request head may take to arrive; also how long an idle connection is kept (default 10s; Vault''s listener option http_read_header_timeout)'
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;completion'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtvault;version'= {
            cand --format 'Output format: table, json or yaml (also JWTVAULT_FORMAT)'
            cand --state 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)'
            cand --address 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200'
            cand --ca-cert 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)'
            cand --seal-key-file 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)'
            cand --offline 'Never touch the network (also JWTVAULT_OFFLINE=1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
    ]
    $completions[$command]
}
