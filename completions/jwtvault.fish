# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_jwtvault_global_optspecs
    string join \n format= state= storage= offline address= ca-cert= seal-key-file= h/help V/version
end

function __fish_jwtvault_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_jwtvault_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_jwtvault_using_subcommand
    set -l cmd (__fish_jwtvault_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c jwtvault -n "__fish_jwtvault_needs_command" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_needs_command" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_needs_command" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_needs_command" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_needs_command" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_needs_command" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_needs_command" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -s V -l version -d 'Print version'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "write" -d 'Write data, configuration, and roles (`write auth/jwt/role/dev user_claim=sub ...`)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "read" -d 'Read data (`read auth/jwt/config`)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "list" -d 'List data (`list auth/jwt/role`)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "delete" -d 'Delete configuration and roles (`delete auth/jwt/role/dev`)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "login" -d 'Log in with a JWT (or check and store a token) and store the token in the helper file'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "auth" -d 'Interact with auth methods (enable, disable, list)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "secrets" -d 'Interact with secrets engines (enable, disable, list)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "kv" -d 'Interact with the key-value store (KV version 2): put, get, patch, delete, list, …'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "token" -d 'Interact with tokens (lookup, renew, revoke, capabilities)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "policy" -d 'Interact with ACL policies (write, read, list, delete, fmt)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "jwt" -d 'Make keys, sign and decode JWTs, for trying roles without an identity provider'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "demo" -d 'Run the walkthrough end to end against a local issuer, on a temporary state'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "server" -d 'Serve Vault\'s HTTP API over the state, for Vault\'s own clients (hvac, vault-action, the vault and bao CLIs)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "operator" -d 'Operate on the state itself: copy it to another storage (migrate)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c jwtvault -n "__fish_jwtvault_needs_command" -f -a "version" -d 'Print the version'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -l field -d 'Print only this field of the response' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -s f -l force -d 'Allow a write with no data'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -l explain -d 'On a login path: print every check in order, passed or failed, to stderr'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand write" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand read" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand read" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand read" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand read" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand read" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand read" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand read" -l field -d 'Print only this field of the response' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand read" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand read" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand list" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand list" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand list" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand list" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand list" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand list" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand list" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand list" -l detailed -d 'Accepted for Vault compatibility'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand list" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand delete" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand delete" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand delete" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand delete" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand delete" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand delete" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand delete" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand delete" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l method -d 'Auth method: `jwt` or `token` (default `token`, or `jwt` when --jwt is given)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l path -d 'Mount path of the auth method (default: the method\'s name)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l jwt -d 'The JWT (`T`, `@file` or `-` for stdin): the short form of `-method=jwt jwt=T`' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l role -d 'The role for --jwt (default: the config\'s default_role)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l field -d 'Print only this field of the response' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l no-store -d 'Do not store the token in the token helper file'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l no-print -d 'Do not print anything on success'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l token-only -d 'Print only the token, and do not store it'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -l explain -d 'Print every check in order, passed or failed, to stderr'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand login" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -f -a "enable" -d 'Enable an auth method (jwt or oidc) at a path'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -f -a "disable" -d 'Disable an auth method, revoking its tokens'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and not __fish_seen_subcommand_from enable disable list" -f -a "list" -d 'List the enabled auth methods'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l path -d 'Where to mount the method (default: its type)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l description -d 'A human-friendly description' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l default-lease-ttl -d 'Default TTL of tokens issued through this mount' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l max-lease-ttl -d 'Maximum TTL of tokens issued through this mount' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l token-type -d 'Token type: service, batch, default-service or default-batch' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from disable" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from disable" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from disable" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from disable" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from disable" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from disable" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from disable" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from list" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from list" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from list" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from list" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from list" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from list" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from list" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from list" -l detailed -d 'Show more columns'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand auth; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -f -a "enable" -d 'Enable a secrets engine (kv-v2, or kv with -version=2) at a path'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -f -a "disable" -d 'Disable a secrets engine, deleting every secret in it'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and not __fish_seen_subcommand_from enable disable list" -f -a "list" -d 'List the enabled secrets engines'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l path -d 'Where to mount the engine (default: its type)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l description -d 'A human-friendly description' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l version -d 'The engine\'s version: 2 (kv-v2 is always 2)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l default-lease-ttl -d 'Default lease TTL of the mount' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l max-lease-ttl -d 'Maximum lease TTL of the mount' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l force-no-cache -d 'Force the engine to disable caching' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l options -d 'A mount option K=V (repeatable); -version=N is the option version=N' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l local -d 'A local mount (not replicated; jwtvault refuses it)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l seal-wrap -d 'Seal-wrap the mount (jwtvault refuses it: every secret is sealed already)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l external-entropy-access -d 'Give the engine external entropy (jwtvault refuses it)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from disable" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from disable" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from disable" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from disable" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from disable" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from disable" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from disable" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from list" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from list" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from list" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from list" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from list" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from list" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from list" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from list" -l detailed -d 'Show more columns'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand secrets; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -f -a "put" -d 'Write a new version of a secret (K=V, @file.json or -)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -f -a "get" -d 'Read a secret (its latest version, or -version=N)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -f -a "patch" -d 'Write a new version with some keys changed (HTTP PATCH, or read then write)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -f -a "delete" -d 'Delete the latest version of a secret, or -versions=N,… (soft: undelete brings it back)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -f -a "undelete" -d 'Bring deleted versions back'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -f -a "destroy" -d 'Remove versions\' data for good'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -f -a "list" -d 'List the keys and folders under a path'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and not __fish_seen_subcommand_from put get patch delete undelete destroy list metadata" -f -a "metadata" -d 'Read and write a key\'s metadata (versions, max_versions, cas_required, …)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l mount -d 'The mount path; the first argument is then the path under it' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l cas -d 'Check-and-set: write only if the current version is this (0: only a new key)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l field -d 'Print only this field of the response' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from put" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l mount -d 'The mount path; the argument is then the path under it' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l version -d 'The version to read (default: the latest)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l field -d 'Print only this key of the secret\'s data' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l mount -d 'The mount path; the first argument is then the path under it' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l cas -d 'Check-and-set: patch only if the current version is this' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l method -d 'patch (HTTP PATCH only) or rw (read, then write); default: PATCH, else read then write' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l remove-data -d 'A key to remove from the data (repeatable)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l field -d 'Print only this field of the response' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from patch" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l mount -d 'The mount path; the argument is then the path under it' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l versions -d 'The versions to delete (comma-separated, repeatable; default: the latest)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l field -d 'Print only this field of the response' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -l mount -d 'The mount path; the argument is then the path under it' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -l versions -d 'The versions (comma-separated, repeatable)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from undelete" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -l mount -d 'The mount path; the argument is then the path under it' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -l versions -d 'The versions (comma-separated, repeatable)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from destroy" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from list" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from list" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from list" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from list" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from list" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from list" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from list" -l mount -d 'The mount path; the argument is then the path under it' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from list" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -f -a "get" -d 'Show a key\'s metadata and every version\'s times'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -f -a "put" -d 'Set a key\'s max_versions, cas_required, delete_version_after or custom metadata'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -f -a "patch" -d 'Change some of a key\'s metadata (HTTP PATCH)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand kv; and __fish_seen_subcommand_from metadata" -f -a "delete" -d 'Delete a key: every version and its metadata'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -f -a "lookup" -d 'Show a token\'s properties'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -f -a "renew" -d 'Renew a token\'s lease'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -f -a "revoke" -d 'Revoke a token'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and not __fish_seen_subcommand_from lookup renew revoke capabilities" -f -a "capabilities" -d 'Show what a token may do on a path'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -l field -d 'Print only this field' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -l accessor -d 'Treat the argument as an accessor'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from lookup" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -s i -l increment -d 'Requested extension of the TTL' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -l field -d 'Print only this field' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -l accessor -d 'Treat the argument as an accessor'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l mode -d '`path` revokes every token created under a path prefix' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l self -d 'Revoke the token in use'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -l accessor -d 'Treat the argument as an accessor'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from capabilities" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from capabilities" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from capabilities" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from capabilities" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from capabilities" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from capabilities" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from capabilities" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand token; and __fish_seen_subcommand_from capabilities" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -f -a "write" -d 'Upload a policy from a file or stdin'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -f -a "read" -d 'Print a policy'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -f -a "list" -d 'List policies'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -f -a "delete" -d 'Delete a policy'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and not __fish_seen_subcommand_from write read list delete fmt" -f -a "fmt" -d 'Format a policy file in place'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from write" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from write" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from write" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from write" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from write" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from write" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from write" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from write" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from read" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from read" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from read" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from read" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from read" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from read" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from read" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from read" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from list" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from list" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from list" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from list" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from list" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from list" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from list" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from delete" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from delete" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from delete" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from delete" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from delete" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from delete" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from delete" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from fmt" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from fmt" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from fmt" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from fmt" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from fmt" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from fmt" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from fmt" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand policy; and __fish_seen_subcommand_from fmt" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -f -a "keygen" -d 'Generate a key pair and a one-key JWKS (never over existing files unless -force)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -f -a "sign" -d 'Sign claims into a JWT'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and not __fish_seen_subcommand_from keygen sign decode" -f -a "decode" -d 'Show a JWT\'s header and claims without verifying it'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l alg -d 'Algorithm: RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l kid -d 'Key id for the JWKS' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l out -d 'Output folder (default: current folder; created 0700 when missing)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -l force -d 'Replace existing private.pem, public.pem and jwks.json (new files renamed over them; a symlink is replaced, never written through)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from keygen" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l key -d 'Private key PEM (PKCS#8)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l alg -d 'Algorithm (default: from the key type; RS256 for RSA)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l kid -d 'Key id to put in the header' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l ttl -d 'Lifetime when the claims have no exp (default 5m)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from decode" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from decode" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from decode" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from decode" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from decode" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from decode" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from decode" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand jwt; and __fish_seen_subcommand_from decode" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand demo" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand demo" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand demo" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand demo" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand demo" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand demo" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand demo" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand demo" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l listen-address -d 'Address to listen on (default 127.0.0.1:8200: loopback only; port 0 picks a free port)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l tls-cert-file -d 'PEM certificate chain: serve HTTPS (with -tls-key-file)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l tls-key-file -d 'PEM private key of the certificate (with -tls-cert-file)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l root-token-id -d 'Make sure a root token with this value exists (as `bao server -dev-root-token-id`)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l http-read-header-timeout -d 'How long a request head may take to arrive; also how long an idle connection is kept (default 10s; Vault\'s listener option http_read_header_timeout)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand server" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and not __fish_seen_subcommand_from migrate" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and not __fish_seen_subcommand_from migrate" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and not __fish_seen_subcommand_from migrate" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and not __fish_seen_subcommand_from migrate" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and not __fish_seen_subcommand_from migrate" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and not __fish_seen_subcommand_from migrate" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and not __fish_seen_subcommand_from migrate" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and not __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and not __fish_seen_subcommand_from migrate" -f -a "migrate" -d 'Copy a whole state from one storage into an empty one and verify the copy (row counts and a SHA-256 digest per table)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -l from -d 'The state to copy: sqlite:PATH or postgresql://USER@HOST:PORT/DB' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -l to -d 'Where to copy it (a new file or an empty database): sqlite:PATH or postgresql://USER@HOST:PORT/DB' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand operator; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand completion" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand completion" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand completion" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand completion" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand completion" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand completion" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand completion" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand completion" -s h -l help -d 'Print help'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand version" -l format -d 'Output format: table, json or yaml (also JWTVAULT_FORMAT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand version" -l state -d 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand version" -l storage -d 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand version" -l address -d 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand version" -l ca-cert -d 'A PEM file of CA certificates to trust for -address, besides the system\'s (also JWTVAULT_CACERT)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand version" -l seal-key-file -d 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)' -r
complete -c jwtvault -n "__fish_jwtvault_using_subcommand version" -l offline -d 'Never touch the network (also JWTVAULT_OFFLINE=1)'
complete -c jwtvault -n "__fish_jwtvault_using_subcommand version" -s h -l help -d 'Print help'
