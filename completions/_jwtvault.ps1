
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'jwtvault' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'jwtvault'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'jwtvault' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('write', 'write', [CompletionResultType]::ParameterValue, 'Write data, configuration, and roles (`write auth/jwt/role/dev user_claim=sub ...`)')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Read data (`read auth/jwt/config`)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List data (`list auth/jwt/role`)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete configuration and roles (`delete auth/jwt/role/dev`)')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in with a JWT (or check and store a token) and store the token in the helper file')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'Interact with auth methods (enable, disable, list)')
            [CompletionResult]::new('secrets', 'secrets', [CompletionResultType]::ParameterValue, 'Interact with secrets engines (enable, disable, list)')
            [CompletionResult]::new('kv', 'kv', [CompletionResultType]::ParameterValue, 'Interact with the key-value store (KV version 2): put, get, patch, delete, list, …')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Interact with tokens (lookup, renew, revoke, capabilities)')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Interact with ACL policies (write, read, list, delete, fmt)')
            [CompletionResult]::new('jwt', 'jwt', [CompletionResultType]::ParameterValue, 'Make keys, sign and decode JWTs, for trying roles without an identity provider')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the walkthrough end to end against a local issuer, on a temporary state')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'Serve Vault''s HTTP API over the state, for Vault''s own clients (hvac, vault-action, the vault and bao CLIs)')
            [CompletionResult]::new('operator', 'operator', [CompletionResultType]::ParameterValue, 'Operate on the state itself: copy it to another storage (migrate)')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version')
            break
        }
        'jwtvault;write' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this field of the response')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Allow a write with no data')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Allow a write with no data')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'On a login path: print every check in order, passed or failed, to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;read' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this field of the response')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('--detailed', '--detailed', [CompletionResultType]::ParameterName, 'Accepted for Vault compatibility')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;delete' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;login' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Auth method: `jwt` or `token` (default `token`, or `jwt` when --jwt is given)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Mount path of the auth method (default: the method''s name)')
            [CompletionResult]::new('--jwt', '--jwt', [CompletionResultType]::ParameterName, 'The JWT (`T`, `@file` or `-` for stdin): the short form of `-method=jwt jwt=T`')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role for --jwt (default: the config''s default_role)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this field of the response')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('--no-store', '--no-store', [CompletionResultType]::ParameterName, 'Do not store the token in the token helper file')
            [CompletionResult]::new('--no-print', '--no-print', [CompletionResultType]::ParameterName, 'Do not print anything on success')
            [CompletionResult]::new('--token-only', '--token-only', [CompletionResultType]::ParameterName, 'Print only the token, and do not store it')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Print every check in order, passed or failed, to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;auth' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable an auth method (jwt or oidc) at a path')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable an auth method, revoking its tokens')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the enabled auth methods')
            break
        }
        'jwtvault;auth;enable' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Where to mount the method (default: its type)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'A human-friendly description')
            [CompletionResult]::new('--default-lease-ttl', '--default-lease-ttl', [CompletionResultType]::ParameterName, 'Default TTL of tokens issued through this mount')
            [CompletionResult]::new('--max-lease-ttl', '--max-lease-ttl', [CompletionResultType]::ParameterName, 'Maximum TTL of tokens issued through this mount')
            [CompletionResult]::new('--token-type', '--token-type', [CompletionResultType]::ParameterName, 'Token type: service, batch, default-service or default-batch')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;auth;disable' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;auth;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('--detailed', '--detailed', [CompletionResultType]::ParameterName, 'Show more columns')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;secrets' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable a secrets engine (kv-v2, or kv with -version=2) at a path')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable a secrets engine, deleting every secret in it')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the enabled secrets engines')
            break
        }
        'jwtvault;secrets;enable' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Where to mount the engine (default: its type)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'A human-friendly description')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'The engine''s version: 2 (kv-v2 is always 2)')
            [CompletionResult]::new('--default-lease-ttl', '--default-lease-ttl', [CompletionResultType]::ParameterName, 'Default lease TTL of the mount')
            [CompletionResult]::new('--max-lease-ttl', '--max-lease-ttl', [CompletionResultType]::ParameterName, 'Maximum lease TTL of the mount')
            [CompletionResult]::new('--force-no-cache', '--force-no-cache', [CompletionResultType]::ParameterName, 'Force the engine to disable caching')
            [CompletionResult]::new('--options', '--options', [CompletionResultType]::ParameterName, 'A mount option K=V (repeatable); -version=N is the option version=N')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'A local mount (not replicated; jwtvault refuses it)')
            [CompletionResult]::new('--seal-wrap', '--seal-wrap', [CompletionResultType]::ParameterName, 'Seal-wrap the mount (jwtvault refuses it: every secret is sealed already)')
            [CompletionResult]::new('--external-entropy-access', '--external-entropy-access', [CompletionResultType]::ParameterName, 'Give the engine external entropy (jwtvault refuses it)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;secrets;disable' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;secrets;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('--detailed', '--detailed', [CompletionResultType]::ParameterName, 'Show more columns')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Write a new version of a secret (K=V, @file.json or -)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Read a secret (its latest version, or -version=N)')
            [CompletionResult]::new('patch', 'patch', [CompletionResultType]::ParameterValue, 'Write a new version with some keys changed (HTTP PATCH, or read then write)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the latest version of a secret, or -versions=N,… (soft: undelete brings it back)')
            [CompletionResult]::new('undelete', 'undelete', [CompletionResultType]::ParameterValue, 'Bring deleted versions back')
            [CompletionResult]::new('destroy', 'destroy', [CompletionResultType]::ParameterValue, 'Remove versions'' data for good')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the keys and folders under a path')
            [CompletionResult]::new('metadata', 'metadata', [CompletionResultType]::ParameterValue, 'Read and write a key''s metadata (versions, max_versions, cas_required, …)')
            break
        }
        'jwtvault;kv;put' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the first argument is then the path under it')
            [CompletionResult]::new('--cas', '--cas', [CompletionResultType]::ParameterName, 'Check-and-set: write only if the current version is this (0: only a new key)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this field of the response')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;get' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the argument is then the path under it')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'The version to read (default: the latest)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this key of the secret''s data')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;patch' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the first argument is then the path under it')
            [CompletionResult]::new('--cas', '--cas', [CompletionResultType]::ParameterName, 'Check-and-set: patch only if the current version is this')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'patch (HTTP PATCH only) or rw (read, then write); default: PATCH, else read then write')
            [CompletionResult]::new('--remove-data', '--remove-data', [CompletionResultType]::ParameterName, 'A key to remove from the data (repeatable)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this field of the response')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;delete' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the argument is then the path under it')
            [CompletionResult]::new('--versions', '--versions', [CompletionResultType]::ParameterName, 'The versions to delete (comma-separated, repeatable; default: the latest)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this field of the response')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;undelete' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the argument is then the path under it')
            [CompletionResult]::new('--versions', '--versions', [CompletionResultType]::ParameterName, 'The versions (comma-separated, repeatable)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;destroy' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the argument is then the path under it')
            [CompletionResult]::new('--versions', '--versions', [CompletionResultType]::ParameterName, 'The versions (comma-separated, repeatable)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the argument is then the path under it')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;metadata' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show a key''s metadata and every version''s times')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Set a key''s max_versions, cas_required, delete_version_after or custom metadata')
            [CompletionResult]::new('patch', 'patch', [CompletionResultType]::ParameterValue, 'Change some of a key''s metadata (HTTP PATCH)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a key: every version and its metadata')
            break
        }
        'jwtvault;kv;metadata;get' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the argument is then the path under it')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;metadata;put' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the argument is then the path under it')
            [CompletionResult]::new('--max-versions', '--max-versions', [CompletionResultType]::ParameterName, 'The number of versions to keep (0: the mount''s, else 10)')
            [CompletionResult]::new('--cas-required', '--cas-required', [CompletionResultType]::ParameterName, 'Whether every write must give -cas')
            [CompletionResult]::new('--delete-version-after', '--delete-version-after', [CompletionResultType]::ParameterName, 'How long a new version lives before it is deleted (0s: for ever)')
            [CompletionResult]::new('--custom-metadata', '--custom-metadata', [CompletionResultType]::ParameterName, 'A custom metadata K=V (repeatable); put replaces them all, patch merges them')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;metadata;patch' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--remove-custom-metadata', '--remove-custom-metadata', [CompletionResultType]::ParameterName, 'A custom metadata key to remove (repeatable)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the argument is then the path under it')
            [CompletionResult]::new('--max-versions', '--max-versions', [CompletionResultType]::ParameterName, 'The number of versions to keep (0: the mount''s, else 10)')
            [CompletionResult]::new('--cas-required', '--cas-required', [CompletionResultType]::ParameterName, 'Whether every write must give -cas')
            [CompletionResult]::new('--delete-version-after', '--delete-version-after', [CompletionResultType]::ParameterName, 'How long a new version lives before it is deleted (0s: for ever)')
            [CompletionResult]::new('--custom-metadata', '--custom-metadata', [CompletionResultType]::ParameterName, 'A custom metadata K=V (repeatable); put replaces them all, patch merges them')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;kv;metadata;delete' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The mount path; the argument is then the path under it')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;token' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('lookup', 'lookup', [CompletionResultType]::ParameterValue, 'Show a token''s properties')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Renew a token''s lease')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token')
            [CompletionResult]::new('capabilities', 'capabilities', [CompletionResultType]::ParameterValue, 'Show what a token may do on a path')
            break
        }
        'jwtvault;token;lookup' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this field')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('--accessor', '--accessor', [CompletionResultType]::ParameterName, 'Treat the argument as an accessor')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;token;renew' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Requested extension of the TTL')
            [CompletionResult]::new('--increment', '--increment', [CompletionResultType]::ParameterName, 'Requested extension of the TTL')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Print only this field')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('--accessor', '--accessor', [CompletionResultType]::ParameterName, 'Treat the argument as an accessor')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;token;revoke' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, '`path` revokes every token created under a path prefix')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('--self', '--self', [CompletionResultType]::ParameterName, 'Revoke the token in use')
            [CompletionResult]::new('--accessor', '--accessor', [CompletionResultType]::ParameterName, 'Treat the argument as an accessor')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;token;capabilities' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;policy' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('write', 'write', [CompletionResultType]::ParameterValue, 'Upload a policy from a file or stdin')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Print a policy')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List policies')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a policy')
            [CompletionResult]::new('fmt', 'fmt', [CompletionResultType]::ParameterValue, 'Format a policy file in place')
            break
        }
        'jwtvault;policy;write' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;policy;read' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;policy;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;policy;delete' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;policy;fmt' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;jwt' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate a key pair and a one-key JWKS (never over existing files unless -force)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign claims into a JWT')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Show a JWT''s header and claims without verifying it')
            break
        }
        'jwtvault;jwt;keygen' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Algorithm: RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Key id for the JWKS')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Output folder (default: current folder; created 0700 when missing)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing private.pem, public.pem and jwks.json (new files renamed over them; a symlink is replaced, never written through)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;jwt;sign' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key PEM (PKCS#8)')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Algorithm (default: from the key type; RS256 for RSA)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Key id to put in the header')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Lifetime when the claims have no exp (default 5m)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;jwt;decode' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;demo' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;server' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--listen-address', '--listen-address', [CompletionResultType]::ParameterName, 'Address to listen on (default 127.0.0.1:8200: loopback only; port 0 picks a free port)')
            [CompletionResult]::new('--tls-cert-file', '--tls-cert-file', [CompletionResultType]::ParameterName, 'PEM certificate chain: serve HTTPS (with -tls-key-file)')
            [CompletionResult]::new('--tls-key-file', '--tls-key-file', [CompletionResultType]::ParameterName, 'PEM private key of the certificate (with -tls-cert-file)')
            [CompletionResult]::new('--root-token-id', '--root-token-id', [CompletionResultType]::ParameterName, 'Make sure a root token with this value exists (as `bao server -dev-root-token-id`)')
            [CompletionResult]::new('--http-read-header-timeout', '--http-read-header-timeout', [CompletionResultType]::ParameterName, 'How long a request head may take to arrive; also how long an idle connection is kept (default 10s; Vault''s listener option http_read_header_timeout)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;operator' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy a whole state from one storage into an empty one and verify the copy (row counts and a SHA-256 digest per table)')
            break
        }
        'jwtvault;operator;migrate' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The state to copy: sqlite:PATH or postgresql://USER@HOST:PORT/DB')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to copy it (a new file or an empty database): sqlite:PATH or postgresql://USER@HOST:PORT/DB')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;completion' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtvault;version' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml (also JWTVAULT_FORMAT)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The state file (also JWTVAULT_STATE; default <data dir>/jwtvault/state.db)')
            [CompletionResult]::new('--storage', '--storage', [CompletionResultType]::ParameterName, 'Where the state is: sqlite:PATH (the same as -state) or postgresql://USER@HOST:PORT/DB (also JWTVAULT_STORAGE; the password from the URL or PGPASSWORD)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Send every Vault API request to this server instead of opening a state file (also JWTVAULT_ADDR): a jwtvault server, Vault or OpenBao, e.g. http://127.0.0.1:8200')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of CA certificates to trust for -address, besides the system''s (also JWTVAULT_CACERT)')
            [CompletionResult]::new('--seal-key-file', '--seal-key-file', [CompletionResultType]::ParameterName, 'The key that seals secret values (also JWTVAULT_SEAL_KEY_FILE; default <config dir>/jwtvault/seal.key, created on the first secret write)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never touch the network (also JWTVAULT_OFFLINE=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
