#!/usr/bin/env python3
"""Real clients against real servers (issue 13 items 3 and 4).

One scenario script -- a list of Vault CLI invocations -- is run four times:

  (a) the `bao` CLI       -> `bao server -dev`          the reference
  (b) the `bao` CLI       -> `jwtvault server`
  (c) `jwtvault -address` -> `bao server -dev`
  (d) `jwtvault -address` -> `jwtvault server`

each against a fresh server of its own, and every step's exit code, stdout and stderr of (b), (c)
and (d) must equal (a)'s after the normalisation below. hvac (the Python client) then runs its
checks against `bao server -dev` (proving the checks) and against `jwtvault server`.

Normalisation (each rule is about values that differ between any two runs, or product names):
tokens, accessors, UUIDs, times, Unix seconds, mount accessors' hex, loopback ports; TTLs that
count down rounded to 10 s; the login banner's product name (`OpenBao`/`bao`/`jwtvault` ->
Vault); on (d) jwtvault's `Hint:` block (Vault's clients ignore `hints`; its presence is checked
separately). KV (issue 14 item 3): the `created_time`/`updated_time`/`deletion_time` of secrets
are times (above); secrets engines' accessors (`kv_…`, `identity_…`, `system_…`) masked with the
same length, so tables keep their padding; OpenBao's `'bao kv get'` in KV warnings is Vault's
`'vault kv get'`; OpenBao's `cubbyhole/` row of `secrets list` is taken out (D-30). Versions are
never masked: each run starts from a fresh server, so they must agree. hvac's `secrets.kv.v2`
runs feature checks on both servers, then one call sequence on both whose results (envelopes,
204 responses, exceptions) must be equal once request ids, times and ports are masked.
`VAULT_*` and `BAO_*` variables set to decoys prove the jwtvault client never reads
them, and a `JWTVAULT_STATE` that cannot be opened proves it never opens a state file.

Python 3 standard library plus hvac (scripts/install-hvac.sh). Started by scripts/clients/run.sh;
the last line printed is `N passed, M failed`. Servers are stopped by PID on exit.
"""

import argparse
import concurrent.futures
import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import importlib.util

HERE = os.path.dirname(os.path.abspath(__file__))


def _load_parity():
    """The parity suite's module (its RS256 signer, claim builder and free-port helper)."""
    spec = importlib.util.spec_from_file_location("parity_run", os.path.join(HERE, "..", "parity", "run.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


parity = _load_parity()

TOTAL_BUDGET = 260  # seconds; run.sh kills at 290
COMMAND_TIMEOUT = 30
ISS = parity.ISS
START = time.monotonic()
PASSED = 0
FAILED = []
VERBOSE = os.environ.get("CLIENTS_VERBOSE") == "1"
PROCS = []  # every server started, stopped on exit


def check(name, ok, detail=""):
    global PASSED
    if ok:
        PASSED += 1
        if VERBOSE:
            print(f"ok   {name}", flush=True)
    else:
        FAILED.append(name)
        print(f"FAIL {name}\n{detail}\n", flush=True)


def fatal(msg):
    stop_all()
    print(f"clients: FAILED: {msg}", flush=True)
    print(f"{PASSED} passed, {len(FAILED) + 1} failed")
    sys.exit(1)


def budget():
    if time.monotonic() - START > TOTAL_BUDGET:
        fatal(f"over the {TOTAL_BUDGET}s budget")


class Out:
    def __init__(self, code, stdout, stderr):
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self):
        return f"exit {self.code}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


def run(argv, env, stdin=None):
    budget()
    try:
        p = subprocess.run(
            argv, input=(stdin or "").encode(), env=env, capture_output=True, timeout=COMMAND_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return Out(-1, "", f"TIMEOUT after {COMMAND_TIMEOUT}s: {argv}\n")
    return Out(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))


# ------------------------------------------------------------------------------------------
# Servers


def wait_http(addr, proc, log, limit=45):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fatal(f"server at {addr} exited with {proc.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(f"{addr}/v1/sys/seal-status", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    fatal(f"server at {addr} not ready after {limit}s:\n{tail(log)}")


def tail(path):
    try:
        with open(path) as f:
            return "".join(f.readlines()[-20:])
    except OSError:
        return "(no log)"


def start(argv, log, env, pidfile):
    with open(log, "w") as out:
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    PROCS.append(p)
    with open(pidfile, "a") as f:
        f.write(f"{p.pid}\n")
    return p


def bao_server(bao, work, name):
    port = parity.free_port()
    home = os.path.join(work, f"{name}-home")
    os.makedirs(home, exist_ok=True)
    log = os.path.join(work, f"{name}.log")
    argv = [bao, "server", "-dev", "-dev-root-token-id=root", f"-dev-listen-address=127.0.0.1:{port}"]
    p = start(argv, log, {"PATH": os.environ.get("PATH", ""), "HOME": home}, os.path.join(work, "pids"))
    addr = f"http://127.0.0.1:{port}"
    return addr, p, log


def jwtvault_server(jv, work, name):
    port = parity.free_port()
    home = os.path.join(work, f"{name}-home")
    os.makedirs(home, exist_ok=True)
    log = os.path.join(work, f"{name}.log")
    argv = [
        jv,
        "server",
        f"-listen-address=127.0.0.1:{port}",
        "-root-token-id=root",
        f"-state={os.path.join(work, name + '.db')}",
    ]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "NO_COLOR": "1"}
    p = start(argv, log, env, os.path.join(work, "pids"))
    # Ready once it prints its address (contract §8).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if "Api Address: " in tail(log):
            break
        if p.poll() is not None:
            fatal(f"jwtvault server exited with {p.returncode}:\n{tail(log)}")
        time.sleep(0.1)
    addr = f"http://127.0.0.1:{port}"
    return addr, p, log


def stop_all():
    for p in PROCS:
        if p.poll() is None:
            p.terminate()
    for p in PROCS:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


def mount_dev_secret(bao, addr, work):
    """What `bao server -dev` starts with and a jwtvault server does not: a KV version 2 mount at
    `secret/` with the dev server's description (so that the `kv` steps compare), enabled by
    the `bao` CLI as a user would."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": work, "BAO_ADDR": addr, "BAO_TOKEN": "root"}
    out = run([bao, "secrets", "enable", "-path=secret", "-description=key/value secret storage", "kv-v2"], env)
    if out.code != 0 or out.stdout != "Success! Enabled the kv-v2 secrets engine at: secret/\n":
        fatal(f"enabling secret/ at {addr}: {out!r}")


def has_kv_command(jv):
    out = run([jv, "kv", "-help"], {"PATH": os.environ.get("PATH", ""), "HOME": "/nonexistent"})
    return out.code == 0


def has_server_command(jv):
    out = run([jv, "server", "-help"], {"PATH": os.environ.get("PATH", ""), "HOME": "/nonexistent"})
    return out.code == 0 and "listen-address" in out.stdout


# ------------------------------------------------------------------------------------------
# The clients


DECOYS = {
    # The jwtvault client must never read these (contract §8).
    "VAULT_ADDR": "http://127.0.0.1:1",
    "VAULT_TOKEN": "decoy-vault-token",
    "VAULT_CACERT": "/nonexistent/vault-ca.pem",
    "BAO_ADDR": "http://127.0.0.1:1",
    "BAO_TOKEN": "decoy-bao-token",
}


class Target:
    """One client against one server, with its own home, helper file and captured values."""

    def __init__(self, label, cli, binary, addr, work):
        self.label, self.cli, self.binary, self.addr = label, cli, binary, addr
        self.home = os.path.join(work, f"home-{label}")
        self.empty = os.path.join(work, f"empty-{label}")
        os.makedirs(self.home, exist_ok=True)
        os.makedirs(self.empty, exist_ok=True)
        self.vars = {"root": "root"}

    def env(self, who, addr=None):
        addr = addr or self.addr
        token = self.vars.get(who) if who not in ("none", "helper") else None
        home = self.empty if who == "none" else self.home
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1", "LANG": "C", "HOME": home}
        if self.cli == "bao":
            env = dict(base, BAO_ADDR=addr)
            if token:
                env["BAO_TOKEN"] = token
            return env
        env = dict(
            base,
            JWTVAULT_ADDR=addr,
            JWTVAULT_TOKEN_PATH=os.path.join(home, ".jwtvault-token"),
            JWTVAULT_STATE="/nonexistent/jwtvault-client/state.db",
            **DECOYS,
        )
        if token:
            env["JWTVAULT_TOKEN"] = token
        return env

    def run(self, args, who="root", stdin=None, addr=None):
        return run([self.binary] + args, self.env(who, addr), stdin)


# ------------------------------------------------------------------------------------------
# Normalisation

TOKEN = re.compile(r"\b(?:hvs|hvb|s|b|jvs|jvb)\.[A-Za-z0-9]{20,}\b")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
TIME = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
MOUNT_ACCESSOR = re.compile(r"\b(auth_[a-z]+)_[0-9a-f]{8}\b")
SECRETS_ACCESSOR = re.compile(r"\b(kv|identity|system|cubbyhole)_[0-9a-f]{8}\b")
PORT = re.compile(r"127\.0\.0\.1:\d+")
ACCESSOR_ROW = re.compile(r"^((?:token_)?accessor\s+)[A-Za-z0-9.]{20,}$", re.M)
ACCESSOR_JSON = re.compile(r'("(?:token_)?accessor": )"[A-Za-z0-9.]{20,}"')
UNIX_ROW = re.compile(r"^((?:creation_time|issue_time_unix)\s+)\d{9,}$", re.M)
UNIX_JSON = re.compile(r'("creation_time": )\d{9,}')
BANNER = re.compile(
    r"Success! You are now authenticated\. The token information displayed below is\s+"
    r"already stored in the token helper\. You do NOT need to run \"(?:bao|vault|jwtvault) login\"\s+"
    r"again\.\s+Future (?:OpenBao|Vault|jwtvault) requests will automatically use this token\.\n"
)
TTL_ROW = re.compile(r"^(ttl\s+)(\S+)$", re.M)
TTL_JSON = re.compile(r'("ttl": )(\d+)')
TTL_MARK = re.compile(r"<ttl=(\d+)>")
BUILTIN = re.compile(r"\bv\d+\.\d+\.\d+\+builtin\.(?:bao|vault|jwtvault)\b")
HINT = re.compile(r"\nHint: .*(?:\n      .*)*\n?")
META_ROWS = re.compile(r"(?:^token_meta_\S+ +.*\n)+", re.M)


def go_duration(s):
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", s)
    if not m or not s:
        return None
    h, mi, se = (int(x or 0) for x in m.groups())
    return h * 3600 + mi * 60 + se


def ttls(text):
    """The remaining TTLs marked by `norm`, and the text with them masked."""
    return [int(n) for n in TTL_MARK.findall(text)], TTL_MARK.sub("<ttl>", text)


def norm(text, target, known):
    """One output made comparable across runs (see the module's docstring)."""
    for value, name in known:
        if value and value != "root":
            text = text.replace(value, name)
    text = BANNER.sub("<login banner>\n", text)
    text = TOKEN.sub("<token>", text)
    text = UUID.sub("<uuid>", text)
    text = TIME.sub("<time>", text)
    text = MOUNT_ACCESSOR.sub(r"\1_<hex>", text)
    # Same length as the hex, so that the tables keep their padding.
    text = SECRETS_ACCESSOR.sub(r"\1_########", text)
    text = PORT.sub("127.0.0.1:PORT", text)
    text = ACCESSOR_ROW.sub(r"\1<accessor>", text)
    text = ACCESSOR_JSON.sub(r'\1"<accessor>"', text)
    text = UNIX_ROW.sub(r"\1<unix>", text)
    text = UNIX_JSON.sub(r"\1<unix>", text)

    # A token's remaining TTL counts down between two lookups: marked, compared with a margin.
    def ttl_row(m):
        n = go_duration(m.group(2))
        return m.group(0) if n is None else f"{m.group(1)}<ttl={n}>"

    text = TTL_ROW.sub(ttl_row, text)
    text = TTL_JSON.sub(lambda m: f"{m.group(1)}<ttl={m.group(2)}>", text)
    # Go walks the metadata map in random order: the rows sorted.
    text = META_ROWS.sub(lambda m: "".join(sorted(m.group(0).splitlines(True))), text)
    text = text.replace("OpenBao", "Vault")
    # KV's warning names the CLI: OpenBao's `'bao kv get'`, Vault's (and jwtvault's) `'vault kv
    # get'` (deviations.md D-31); with `OpenBao` -> `Vault` the text keeps its length, so the
    # CLI wraps it at the same places.
    text = text.replace("Vault CLI, use 'bao kv", "Vault CLI, use 'vault kv")
    # Each server names its own build as the mounts' running version; the detailed mounts table
    # pads its columns to it, so that table's padding is compared as one gap.
    if BUILTIN.search(text):
        text = BUILTIN.sub("<version>+builtin", text)
        if "Running Version" in text:
            text = re.sub(r" {2,}", "  ", text)
    return text


# ------------------------------------------------------------------------------------------
# The scenario


class Step:
    """One CLI invocation. `code`: the exit status the reference must have (so that the four
    runs cannot agree on a wrong answer); `who`: whose token is in the environment (`root`, a
    login's `tok`…, `bogus`, `none` with no helper file either, `helper` from the helper file);
    `kv`: a `kv …`/`secrets …` command, which the jwtvault client runs only when it has them;
    `bao_only`: a bao command jwtvault has no counterpart of (contract §9 has no `patch` and no
    `kv metadata patch`), run by the bao CLI on both servers to test the server's HTTP PATCH."""

    def __init__(self, name, args, who="root", stdin=None, capture=None, addr=None, hint=False, code=0, kv=False, bao_only=False):
        self.name, self.args, self.who, self.stdin = name, args, who, stdin
        self.capture, self.addr, self.hint, self.code = capture, addr, hint, code
        self.kv, self.bao_only = kv, bao_only


def login_capture(prefix):
    def cap(target, out):
        try:
            auth = json.loads(out.stdout)["auth"]
            target.vars[prefix] = auth["client_token"]
            target.vars[prefix + "_acc"] = auth["accessor"]
        except (ValueError, KeyError, TypeError):
            pass

    return cap


POLICY = 'path "secret/data/dev/*" {\n  capabilities = ["read", "list"]\n}\n'
ROLE = {
    "role_type": "jwt",
    "user_claim": "sub",
    "groups_claim": "groups",
    "bound_audiences": "vault-aud-value",
    "bound_claims_type": "glob",
    "bound_claims": {"groups": "developers"},
    "token_policies": "dev-policy",
    "token_ttl": "1h",
    "token_max_ttl": "2h",
    "claim_mappings": {"email": "email"},
}


def scenario(files):
    f = files
    login = lambda jwt, role="dev": ["write", "auth/jwt/login", f"role={role}", f"jwt=@{f[jwt]}"]
    # `hint`: a jwtvault server explains a refusal that looked at the token (contract §4).
    refused = lambda name, jwt, role="dev", hint=True: Step(f"refused login: {name}", login(jwt, role), hint=hint, code=2)
    return [
        Step("auth list (fresh server)", ["auth", "list"]),
        Step("auth enable jwt", ["auth", "enable", "jwt"]),
        Step(
            "auth enable -path=ci with description and TTLs",
            ["auth", "enable", "-path=ci", "-description=CI logins", "-default-lease-ttl=1h", "-max-lease-ttl=2h", "jwt"],
        ),
        Step("auth enable refused: path in use", ["auth", "enable", "jwt"], code=2),
        Step("auth list", ["auth", "list"]),
        Step("auth list -detailed", ["auth", "list", "-detailed"]),
        Step("auth list -format=json", ["auth", "list", "-format=json"]),
        Step("config refused: HS256", ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{f['pub']}", "jwt_supported_algs=HS256"], code=2),
        Step("config refused: client id without secret", ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{f['pub']}", "oidc_client_id=abc"], code=2),
        Step("config write", ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{f['pub']}", f"bound_issuer={ISS}"]),
        Step("config read -field=bound_issuer", ["read", "-field=bound_issuer", "auth/jwt/config"]),
        Step("config read -field=jwt_supported_algs -format=json", ["read", "-format=json", "-field=jwt_supported_algs", "auth/jwt/config"]),
        Step("role write (JSON body)", ["write", "auth/jwt/role/dev", f"@{f['role']}"]),
        Step("role write with K=V and warnings", ["write", "auth/jwt/role/kv", "role_type=jwt", "user_claim=sub", "bound_audiences=a,b", "token_max_ttl=10000h", "verbose_oidc_logging=true"]),
        Step("role read (table)", ["read", "auth/jwt/role/dev"]),
        Step("role read (JSON)", ["read", "-format=json", "auth/jwt/role/dev"]),
        Step("role list", ["list", "auth/jwt/role"]),
        Step("role list -format=json", ["list", "-format=json", "auth/jwt/role"]),
        Step("role refused: no user claim", ["write", "auth/jwt/role/bad", "role_type=jwt", "bound_audiences=a"], code=2),
        Step("role refused: bad token_type", ["write", "auth/jwt/role/bad", "role_type=jwt", "user_claim=sub", "bound_audiences=a", "token_type=foo"], code=2),
        Step("role read missing", ["read", "auth/jwt/role/nope"], code=2),
        Step("role delete", ["delete", "auth/jwt/role/kv"]),
        Step("list of an empty mount", ["list", "auth/ci/role"], code=2),
        Step("read of an unknown path", ["read", "nosuch/path"], code=2),
        Step("write to an unknown path", ["write", "nosuch/path", "a=b"], code=2),
        Step("delete refused: 405", ["delete", "auth/jwt/config"], code=2),
        Step("policy write", ["policy", "write", "dev-policy", f['policy']]),
        Step("policy write from stdin", ["policy", "write", "ops", "-"], stdin=POLICY),
        Step("policy write refused: bad HCL", ["policy", "write", "broken", f['badpolicy']], code=2),
        Step("policy read", ["policy", "read", "dev-policy"]),
        Step("policy read -format=json", ["policy", "read", "-format=json", "dev-policy"]),
        Step("policy read missing", ["policy", "read", "nope"], code=2),
        Step("policy list", ["policy", "list"]),
        Step("policy delete", ["policy", "delete", "ops"]),
        Step("login (table)", login("good")),
        Step("login (JSON), token kept", ["write", "-format=json"] + login("good")[1:], capture=login_capture("tok")),
        Step("second login, token kept", ["write", "-format=json"] + login("good")[1:], capture=login_capture("tok2")),
        Step("third login, token kept", ["write", "-format=json"] + login("good")[1:], capture=login_capture("tok3")),
        Step("login -field=token_policies", ["write", "-field=token_policies"] + login("good")[1:]),
        refused("wrong audience", "wrong_aud"),
        refused("expired", "expired"),
        refused("groups do not match the bound claim", "ops_only"),
        refused("signed by another key", "other_key"),
        refused("unknown role", "good", role="nope", hint=False),
        Step("refused login: missing role", ["write", "auth/jwt/login", f"jwt=@{f['good']}"], code=2),
        Step("token lookup (own token)", ["token", "lookup"], who="tok"),
        Step("token lookup TOKEN", ["token", "lookup", "{tok}"]),
        Step("token lookup -accessor", ["token", "lookup", "-accessor", "{tok_acc}"]),
        Step("token lookup -format=json", ["token", "lookup", "-format=json"], who="tok"),
        Step("token lookup -field=policies", ["token", "lookup", "-field=policies"], who="tok"),
        Step("token lookup refused: bogus token", ["token", "lookup", "bogus"], code=2),
        Step("token lookup refused: bogus accessor", ["token", "lookup", "-accessor", "bogus"], code=2),
        Step("token capabilities (own token, allowed)", ["token", "capabilities", "secret/data/dev/app"], who="tok"),
        Step("token capabilities (own token, denied)", ["token", "capabilities", "auth/jwt/config"], who="tok"),
        Step("token capabilities TOKEN PATH", ["token", "capabilities", "{tok}", "auth/token/lookup-self"]),
        Step("token capabilities (root)", ["token", "capabilities", "sys/auth"]),
        Step("token capabilities refused: bogus token", ["token", "capabilities", "bogus", "secret/data/app"], code=2),
        Step("token renew (own token)", ["token", "renew"], who="tok"),
        Step("token renew -increment TOKEN", ["token", "renew", "-increment=30m", "{tok}"]),
        Step("token renew -accessor", ["token", "renew", "-accessor", "{tok_acc}"]),
        Step("token renew refused: bogus", ["token", "renew", "bogus"], code=2),
        Step("denied: config read with a dev-policy token", ["read", "auth/jwt/config"], who="tok", code=2),
        Step("denied: auth list with a dev-policy token", ["auth", "list"], who="tok", code=2),
        Step("denied: bogus caller token", ["read", "auth/jwt/role/dev"], who="bogus", code=2),
        Step("denied: no token at all", ["read", "auth/jwt/role/dev"], who="none", code=2),
        Step("token revoke TOKEN", ["token", "revoke", "{tok}"]),
        Step("token lookup of a revoked token", ["token", "lookup", "{tok}"], code=2),
        Step("token revoke -self", ["token", "revoke", "-self"], who="tok2"),
        Step("revoked caller token", ["token", "lookup"], who="tok2", code=2),
        Step("token revoke -accessor", ["token", "revoke", "-accessor", "{tok3_acc}"]),
        Step("token revoke -accessor bogus", ["token", "revoke", "-accessor", "bogus"]),
        Step("login TOKEN (token method, stored in the helper)", ["login", "root"], who="none_helper"),
        Step("token lookup from the helper file", ["token", "lookup", "-field=policies"], who="helper"),
        Step("auth disable", ["auth", "disable", "ci"]),
        Step("auth list after disable", ["auth", "list"]),
        Step("no server listening", ["read", "auth/jwt/role/dev"], addr="closed", code=2),
        Step("no server listening (token lookup)", ["token", "lookup"], addr="closed", code=2),
    ]


def stdout_capture(name):
    def cap(target, out):
        if out.code == 0:
            target.vars[name] = out.stdout.strip()

    return cap


# The restricted token (kv.md §5.1): it reads secret/app/*, nothing else.
KV_APP_POLICY = 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n'
# Only `patch` on the same folder (kv.md §5.3: the patch capability alone is enough for PATCH).
KV_PATCH_POLICY = 'path "secret/data/app/*" {\n  capabilities = ["patch"]\n}\n'
# One capability per rule (kv.md §5.3, §5.4).
KV_ACL_POLICY = (
    'path "secret/data/acl/new/*" {\n  capabilities = ["create"]\n}\n'
    'path "secret/data/app/*" {\n  capabilities = ["read", "update"]\n}\n'
    'path "secret/data/app/pt" {\n  capabilities = ["deny"]\n}\n'
    'path "secret/data/+/x" {\n  capabilities = ["read"]\n}\n'
    'path "secret/metadata/acl/*" {\n  capabilities = ["list"]\n}\n'
)


def kv_scenario(files):
    """KV version 2 (contract §9, issue 14 item 3) on `secret/` (`bao server -dev` mounts it; on a
    jwtvault server the harness mounts it the same way before the run, see `mount_dev_secret`)
    and on `kv2/`, enabled by the scenario on every server. First the raw API paths through
    `read`/`write`/`list`/`delete`, then the `kv` commands (each one first asks
    `sys/internal/ui/mounts/<path>`), then a token that may only read `secret/data/app/*`."""
    f = files
    K = lambda name, args, **kw: Step(f"kv: {name}", args, kv=True, **kw)
    R = lambda name, args, **kw: Step(f"kv raw: {name}", args, **kw)
    B = lambda name, args, **kw: Step(f"kv bao: {name}", args, bao_only=True, **kw)
    return [
        R("write secret/data/raw (JSON body)", ["write", "secret/data/raw", f"@{f['kvbody']}"]),
        R("write refused: no data", ["write", "secret/data/raw", "a=b"], code=2),
        R("read secret/data/raw", ["read", "secret/data/raw"]),
        R("read -format=json", ["read", "-format=json", "secret/data/raw"]),
        R("list secret/metadata", ["list", "secret/metadata"]),
        R("delete secret/data/raw", ["delete", "secret/data/raw"]),
        R("read of a deleted version (404 with data)", ["read", "secret/data/raw"]),
        R("write secret/undelete/raw", ["write", "secret/undelete/raw", "versions=1"]),
        R("read never written", ["read", "secret/data/never"], code=2),
        R("read of the mount without data/ (a warning)", ["read", "secret/raw"]),
        R("delete secret/metadata/raw", ["delete", "secret/metadata/raw"]),
        R("write secret/data/app/raw", ["write", "secret/data/app/raw", f"@{f['kvbody']}"]),
        K("secrets enable -path=kv2 kv-v2", ["secrets", "enable", "-path=kv2", "kv-v2"]),
        K("secrets enable refused: the path is in use", ["secrets", "enable", "-path=kv2", "kv-v2"], code=2),
        K("secrets list", ["secrets", "list"]),
        K("secrets list -detailed", ["secrets", "list", "-detailed"]),
        K("put", ["kv", "put", "secret/app/db", "user=x", "pass=y"]),
        K("get (table)", ["kv", "get", "secret/app/db"]),
        K("get -format=json", ["kv", "get", "-format=json", "secret/app/db"]),
        K("get -field=user", ["kv", "get", "-field=user", "secret/app/db"]),
        K("put -cas=0 refused: the key exists", ["kv", "put", "-cas=0", "secret/app/db", "user=z"], code=2),
        K("put -cas=1", ["kv", "put", "-cas=1", "secret/app/db", "user=z", "pass=y"]),
        K("patch", ["kv", "patch", "secret/app/db", "extra=1"]),
        K("patch refused: no such key", ["kv", "patch", "secret/app/nope", "a=1"], code=2),
        K("get -version=1", ["kv", "get", "-version=1", "secret/app/db"]),
        K("list secret", ["kv", "list", "secret"]),
        K("list -format=json secret/app", ["kv", "list", "-format=json", "secret/app"]),
        K("metadata put", ["kv", "metadata", "put", "-max-versions=5", "-custom-metadata=owner=alice", "secret/app/db"]),
        K("metadata get", ["kv", "metadata", "get", "secret/app/db"]),
        K("metadata get -format=json", ["kv", "metadata", "get", "-format=json", "secret/app/db"]),
        K("delete", ["kv", "delete", "secret/app/db"]),
        K("get of the deleted version", ["kv", "get", "secret/app/db"]),
        K("undelete -versions=3", ["kv", "undelete", "-versions=3", "secret/app/db"]),
        K("destroy -versions=1", ["kv", "destroy", "-versions=1", "secret/app/db"]),
        K("get -version=1 (destroyed)", ["kv", "get", "-version=1", "secret/app/db"]),
        K("get -format=json after the undelete", ["kv", "get", "-format=json", "secret/app/db"]),
        K("get of a missing key", ["kv", "get", "secret/app/nope"], code=2),
        K("get refused: no mount (preflight)", ["kv", "get", "nomount/x"], code=2),
        K("get of the mount itself (a warning)", ["kv", "get", "secret"]),
        K("put -mount=kv2", ["kv", "put", "-mount=kv2", "cfg", "a=1"]),
        K("get -mount=kv2 -field=a", ["kv", "get", "-mount=kv2", "-field=a", "cfg"]),
        K("metadata delete", ["kv", "metadata", "delete", "kv2/cfg"]),
        K("list of an empty mount", ["kv", "list", "kv2"], code=2),
        K("secrets disable kv2", ["secrets", "disable", "kv2"]),
        K("get after the disable (preflight)", ["kv", "get", "kv2/cfg"], code=2),
        K("secrets disable of nothing", ["secrets", "disable", "kv2"]),
        K("put secret/other/x", ["kv", "put", "secret/other/x", "a=1"]),
        K("put a path with a space and unicode", ["kv", "put", "secret/sp ace/ünï", "ключ=значение"]),
        K("get a path with a space and unicode", ["kv", "get", "secret/sp ace/ünï"]),
        K("list a folder with a space", ["kv", "list", "secret/sp ace"]),
        K("put @file with every JSON type", ["kv", "put", "secret/types", f"@{f['kvtypes']}"]),
        K("get every JSON type (table; ttl humanised)", ["kv", "get", "secret/types"]),
        K("get every JSON type -format=json", ["kv", "get", "-format=json", "secret/types"]),
        K("get -format=yaml", ["kv", "get", "-format=yaml", "secret/types"]),
        K("get -format=json -field=obj", ["kv", "get", "-format=json", "-field=obj", "secret/types"]),
        Step("kv: policy write kv-app", ["policy", "write", "kv-app", "-"], stdin=KV_APP_POLICY),
        Step("kv: policy write kv-patch", ["policy", "write", "kv-patch", "-"], stdin=KV_PATCH_POLICY),
        Step("kv: token for kv-app", ["write", "-field=token", "auth/token/create", "policies=kv-app"], capture=stdout_capture("kvtok")),
        Step("kv: token for kv-patch", ["write", "-field=token", "auth/token/create", "policies=kv-patch"], capture=stdout_capture("kvpatch")),
        K("read-only token: get secret/app/db", ["kv", "get", "secret/app/db"], who="kvtok"),
        K("read-only token: get -mount=secret app/db", ["kv", "get", "-mount=secret", "-field=user", "app/db"], who="kvtok"),
        K("read-only token: put refused (403)", ["kv", "put", "secret/app/db", "x=1"], who="kvtok", code=2),
        K("read-only token: get secret/other/x refused (403)", ["kv", "get", "secret/other/x"], who="kvtok", code=2),
        K("read-only token: list refused (403)", ["kv", "list", "secret/app"], who="kvtok", code=2),
        K("read-only token: patch refused after the warning", ["kv", "patch", "secret/app/db", "user=y"], who="kvtok", code=2),
        K("read-only token: another mount refused (preflight)", ["kv", "get", "kv2/cfg"], who="kvtok", code=2),
        R("read-only token: read secret/data/app/raw", ["read", "-field=data", "secret/data/app/raw"], who="kvtok"),
        R("read-only token: write refused (403)", ["write", "secret/data/app/raw", f"@{f['kvbody']}"], who="kvtok", code=2),
        # `patch` alone under secret/ passes the preflight (kv.md §5.6).
        K("patch-only token: patch", ["kv", "patch", "secret/app/db", "user=p"], who="kvpatch"),
        # HTTP PATCH by the bao CLI alone (on a key of its own).
        B("kv put secret/app/pt", ["kv", "put", "secret/app/pt", "a=1", "extra=2"]),
        B("kv patch -remove-data=extra", ["kv", "patch", "-remove-data=extra", "secret/app/pt"]),
        B("patch secret/data/app/pt (HTTP PATCH, merge patch)", ["patch", "secret/data/app/pt", "-"], stdin='{"data": {"extra": "1", "gone": null}}'),
        B("patch secret/data/nope refused: no such key", ["patch", "secret/data/app/nope", "-"], stdin='{"data": {"a": "1"}}', code=2),
        B("kv metadata patch -max-versions=7", ["kv", "metadata", "patch", "-max-versions=7", "secret/app/pt"]),
        B("kv metadata patch -custom-metadata", ["kv", "metadata", "patch", "-custom-metadata=env=prod", "secret/app/pt"]),
        B("kv metadata patch -remove-custom-metadata", ["kv", "metadata", "patch", "-remove-custom-metadata=env", "secret/app/pt"]),
        B("kv metadata patch of a missing key", ["kv", "metadata", "patch", "-max-versions=1", "secret/app/nope"], code=2),
        B("read secret/metadata/app/pt after the patches", ["read", "-format=json", "secret/metadata/app/pt"]),
        B("kv get secret/app/pt after the patches", ["kv", "get", "-format=json", "secret/app/pt"]),
        # One capability at a time on the server (kv.md §5.3, §5.4): create versus update by
        # the key's existence, patch's fallback to read and write, a `+` rule, a deny.
        Step("kv: policy write kv-acl", ["policy", "write", "kv-acl", "-"], stdin=KV_ACL_POLICY),
        Step("kv: token for kv-acl", ["write", "-field=token", "auth/token/create", "policies=kv-acl"], capture=stdout_capture("kvacl")),
        K("acl token: put of a new key (create)", ["kv", "put", "secret/acl/new/k", "a=1"], who="kvacl"),
        K("acl token: put of it again refused (no update)", ["kv", "put", "secret/acl/new/k", "a=2"], who="kvacl", code=2),
        K("acl token: patch (read+update: falls back, with a warning)", ["kv", "patch", "secret/app/db", "rw=1"], who="kvacl"),
        K("acl token: get through a + rule", ["kv", "get", "-field=a", "secret/other/x"], who="kvacl"),
        K("acl token: get refused by a deny rule", ["kv", "get", "secret/app/pt"], who="kvacl", code=2),
        K("acl token: list of secret/acl", ["kv", "list", "secret/acl"], who="kvacl"),
        K("acl token: delete refused", ["kv", "delete", "secret/acl/new/k"], who="kvacl", code=2),
        Step("kv: acl token: token capabilities", ["token", "capabilities", "secret/data/app/pt"], who="kvacl"),
        Step("kv: one-use token", ["write", "-field=token", "auth/token/create", "policies=kv-acl", "num_uses=1"], capture=stdout_capture("kvonce")),
        K("one-use token: get (the preflight spends no use)", ["kv", "get", "-field=a", "secret/other/x"], who="kvonce"),
        K("one-use token: get again refused (used up)", ["kv", "get", "-field=a", "secret/other/x"], who="kvonce", code=2),
        K("bogus token: get refused", ["kv", "get", "secret/other/x"], who="bogus", code=2),
        # The walkthrough's next step (issue 14): the CI job logs in with its JWT, and its role's
        # dev-policy (read and list on secret/data/dev/*) unlocks the secrets under dev/.
        K("put secret/dev/app", ["kv", "put", "secret/dev/app", "db_password=s3cret"]),
        Step("kv: JWT login, token kept", ["write", "-format=json", "auth/jwt/login", "role=dev", f"jwt=@{f['good']}"], capture=login_capture("kvjwt")),
        K("JWT login token: get secret/dev/app", ["kv", "get", "secret/dev/app"], who="kvjwt"),
        K("JWT login token: get -field=db_password", ["kv", "get", "-field=db_password", "secret/dev/app"], who="kvjwt"),
        K("JWT login token: put refused (403)", ["kv", "put", "secret/dev/app", "x=1"], who="kvjwt", code=2),
        K("JWT login token: get secret/app/db refused (403)", ["kv", "get", "secret/app/db"], who="kvjwt", code=2),
        K("JWT login token: list refused (list is on metadata/, 403)", ["kv", "list", "secret/dev"], who="kvjwt", code=2),
    ]


def make_files(jv, work):
    """Keys (made by `jwtvault jwt keygen`), tokens signed here, the role and policy files."""
    files = {}
    keys = {}
    for name in ("main", "other"):
        d = os.path.join(work, "keys", name)
        out = run([jv, "jwt", "keygen", "-alg=RS256", f"-out={d}"], {"PATH": os.environ.get("PATH", ""), "HOME": work})
        if out.code != 0:
            fatal(f"jwt keygen: {out}")
        with open(os.path.join(d, "private.pem")) as fh:
            keys[name] = parity.rsa_private(fh.read())
        files[f"pub_{name}"] = os.path.join(d, "public.pem")
    files["pub"] = files["pub_main"]
    now = int(time.time())
    header = {"alg": "RS256", "typ": "JWT"}
    tokens = {
        "good": (parity.claims_at(now), "main"),
        "wrong_aud": (parity.claims_at(now, aud="another-service"), "main"),
        "expired": (parity.claims_at(now, iat=now - 7200, exp=now - 3600), "main"),
        "ops_only": (parity.claims_at(now, groups=["ops"]), "main"),
        "other_key": (parity.claims_at(now), "other"),
    }

    def write(name, text):
        p = os.path.join(work, name)
        with open(p, "w") as fh:
            fh.write(text)
        return p

    for name, (claims, key) in tokens.items():
        files[name] = write(f"{name}.jwt", parity.compact(header, claims, key=keys[key]))
    files["role"] = write("role.json", json.dumps(ROLE))
    files["policy"] = write("dev-policy.hcl", POLICY)
    files["badpolicy"] = write("broken.hcl", 'path "x" {\n  capabilities = ["read"]\n')
    files["kvbody"] = write("kv-body.json", json.dumps({"data": {"k": "v", "n": 1}, "options": {}}))
    types = {
        "str": "s", "int": 42, "float": 1.5, "big": 12345678901234567890, "exp": 1e3, "bool": True,
        "null": None, "empty": "", "emptylist": [], "emptyobj": {}, "list": [1, "two", {"x": 3}],
        "obj": {"b": 2, "a": [True, False], "nested": {"k": "v"}}, "ttl": 3600, "x_duration": 5400,
        "padded": "  padded  ",
    }
    files["kvtypes"] = write("kv-types.json", json.dumps(types))
    files["keys"] = keys
    return files


def run_scenario(target, steps, closed_addr, with_kv=True):
    """Runs every step for one target (the `kv` steps only `with_kv`); returns [(step, Out)]."""
    results = []
    for step in steps:
        if (step.kv and not with_kv) or (step.bao_only and target.cli != "bao"):
            continue
        args = [a.format(**target.vars) if "{" in a else a for a in step.args]
        who = step.who
        addr = closed_addr if step.addr == "closed" else None
        if who == "bogus":
            target.vars["bogus"] = "bogus"
        if who == "none_helper":
            # No token in the environment, the target's own home (where `login` stores it).
            who = "helper"
        out = target.run(args, who=who, stdin=step.stdin, addr=addr)
        if step.capture:
            step.capture(target, out)
        results.append((step, out))
    return results


def known_values(target):
    out = []
    for k, v in target.vars.items():
        if k.endswith("_acc"):
            out.append((v, "<accessor>"))
        elif k not in ("root", "bogus"):
            out.append((v, "<token>"))
    return out


# Where jwtvault server answers differently from OpenBao, each difference asserted exactly: a run
# against jwtvault server must show the reference's output changed as listed (so a fix on the
# server fails the check until its entry goes). step name -> (why, change to the reference).
def without_cubbyhole(text):
    """A `secrets list` table without OpenBao's `cubbyhole/` row, its columns padded again as
    the CLI pads them (the widest cell, then a 4-space gutter)."""
    lines = text.split("\n")
    if not any(line.startswith("cubbyhole/ ") for line in lines):
        return text
    if "Running Version" in text:
        # `norm` compares the detailed table's padding as one gap already.
        return "\n".join(line for line in lines if not line.startswith("cubbyhole/ "))
    rows = [re.split(r" {2,}", line) for line in lines if line and not line.startswith("cubbyhole/ ")]
    widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(max(map(len, rows)))]
    out = ["    ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    return "\n".join(out) + "\n"


CUBBYHOLE = "deviations.md D-30: jwtvault serves no cubbyhole/"

SERVER_KNOWN = {
    "write to an unknown path": (
        "deviation S-1: no `. route entry not found.`",
        lambda t: t.replace('". route entry not found.', '"'),
    ),
    "kv: secrets list": (CUBBYHOLE, without_cubbyhole),
    "kv: secrets list -detailed": (CUBBYHOLE, without_cubbyhole),
}




def compare(label, ref_target, ref, target, got, strip_hints, server_known=False):
    ref_known = known_values(ref_target)
    known = known_values(target)
    ref_out = {id(step): out for step, out in ref}
    for step, b in got:
        a = ref_out[id(step)]
        ea = (a.code, norm(a.stdout, ref_target, ref_known), norm(a.stderr, ref_target, ref_known))
        name = step.name
        if server_known and step.name in SERVER_KNOWN:
            why, change = SERVER_KNOWN[step.name]
            ea = (ea[0], change(ea[1]), change(ea[2]))
            name = f"{step.name} [known difference: {why}]"
        berr = norm(b.stderr, target, known)
        hint_seen = "\nHint: " in berr
        if strip_hints:
            berr = HINT.sub("", berr)
        eb = (b.code, norm(b.stdout, target, known), berr)
        # Remaining TTLs: equal within 30 s (each run's lookup comes seconds after its login).
        ta, tb = [], []
        for i in (1, 2):
            na, ma = ttls(ea[i])
            nb, mb = ttls(eb[i])
            ta, tb = ta + na, tb + nb
            ea = ea[:i] + (ma,) + ea[i + 1 :]
            eb = eb[:i] + (mb,) + eb[i + 1 :]
        close = len(ta) == len(tb) and all(abs(x - y) <= 30 for x, y in zip(ta, tb))
        ok = ea == eb and close
        detail = f"--- reference (a):\n{a!r}\n--- {label}:\n{b!r}"
        if not close:
            detail += f"\n--- remaining TTLs differ by more than 30 s: {ta} against {tb}"
        if not ok:
            diff = difflib.unified_diff(
                f"exit {ea[0]}\n{ea[1]}--- stderr\n{ea[2]}".splitlines(),
                f"exit {eb[0]}\n{eb[1]}--- stderr\n{eb[2]}".splitlines(),
                "(a) normalised",
                f"{label} normalised",
                lineterm="",
            )
            detail += "\n--- normalised difference:\n" + "\n".join(diff)
        check(f"{label}: {name}", ok, detail)
        if strip_hints and step.hint and ea[0] != 0:
            check(f"{label}: {step.name}: jwtvault's Hint: block shown", hint_seen, detail)


# ------------------------------------------------------------------------------------------
# jwtvault-only client checks (no bao equivalent)


def jwtvault_only(target, files, label):
    # `login -method=jwt` stores the token in the helper file; the next command uses it.
    home_token = os.path.join(target.home, ".jwtvault-token")
    if os.path.exists(home_token):
        os.remove(home_token)
    out = target.run(["login", "-method=jwt", "role=dev", f"jwt=@{files['good']}"], who="helper")
    stored = open(home_token).read().strip() if os.path.exists(home_token) else ""
    check(f"{label}: login -method=jwt stores the token in the helper file", out.code == 0 and stored and stored in out.stdout, repr(out))
    out = target.run(["token", "lookup", "-field=display_name"], who="helper")
    check(f"{label}: the helper file's token is the caller", out.code == 0 and out.stdout == "jwt-user-12345", repr(out))
    # -address beats JWTVAULT_ADDR; -ca-cert with a plain-HTTP address is harmless.
    env = target.env("root", addr="http://127.0.0.1:1")
    out = run([target.binary, "read", f"-address={target.addr}", "-field=bound_issuer", "auth/jwt/config"], env)
    check(f"{label}: -address wins over JWTVAULT_ADDR", out.code == 0 and out.stdout == ISS, repr(out))
    # Local commands stay local in client mode.
    out = target.run(["jwt", "decode", f"@{files['good']}"])
    check(f"{label}: jwt decode stays local", out.code == 0 and "user-12345" in out.stdout, repr(out))


# ------------------------------------------------------------------------------------------
# hvac


def hvac_checks(label, addr, files):
    try:
        import hvac
        import hvac.exceptions
    except ImportError as e:
        check(f"hvac ({label}): import hvac", False, f"{e}: run scripts/install-hvac.sh")
        return
    budget()
    pub = open(files["pub"]).read()
    good = open(files["good"]).read()
    wrong = open(files["wrong_aud"]).read()

    def attempt(name, fn):
        try:
            ok, detail = fn()
        except Exception as e:  # noqa: BLE001 - any exception is the check's failure
            ok, detail = False, f"{type(e).__name__}: {e}"
        check(f"hvac ({label}): {name}", ok, str(detail))

    root = hvac.Client(url=addr, token="root", timeout=10)
    attempt("sys.enable_auth_method", lambda: (root.sys.enable_auth_method("jwt", path="hv", description="hvac") is not None, ""))

    def listed():
        m = root.sys.list_auth_methods()
        return m["hv/"]["type"] == "jwt" and m["data"]["hv/"]["description"] == "hvac", m

    attempt("sys.list_auth_methods (top level and data)", listed)
    attempt(
        "write config",
        lambda: (root.write("auth/hv/config", jwt_validation_pubkeys=[pub], bound_issuer=ISS) is not None, ""),
    )
    attempt("read config back", lambda: (root.read("auth/hv/config")["data"]["bound_issuer"] == ISS, ""))
    role = dict(ROLE)
    attempt("write role", lambda: (root.write("auth/hv/role/dev", **role) is not None, ""))
    attempt("read role back", lambda: (root.read("auth/hv/role/dev")["data"]["token_policies"] == ["dev-policy"], ""))
    client = hvac.Client(url=addr, timeout=10)

    def login():
        r = client.auth.jwt.jwt_login(role="dev", jwt=good, path="hv")
        tok = r["auth"]["client_token"]
        return client.token == tok and "dev-policy" in r["auth"]["policies"], r["auth"]

    attempt("auth.jwt.jwt_login", login)
    attempt("is_authenticated (logged in)", lambda: (client.is_authenticated() is True, ""))

    def lookup():
        d = client.lookup_token()["data"]
        return d["display_name"] == "hv-user-12345" and sorted(d["policies"]) == ["default", "dev-policy"], d

    attempt("lookup_token", lookup)
    attempt("is_authenticated (bogus token)", lambda: (hvac.Client(url=addr, token="bogus", timeout=10).is_authenticated() is False, ""))

    def refused(jwt, role, want):
        def fn():
            try:
                client.auth.jwt.jwt_login(role=role, jwt=jwt, path="hv")
            except hvac.exceptions.InvalidRequest as e:
                return e.errors == [want], f"errors={e.errors!r}"
            return False, "no exception"

        return fn

    attempt(
        "InvalidRequest on a refused login (audience)",
        refused(wrong, "dev", parity.ev("invalid audience (aud) claim: audience claim does not match any expected audience")),
    )
    attempt("InvalidRequest on a refused login (unknown role)", refused(good, "nope", 'role "nope" could not be found'))


def hvac_kv_checks(label, addr, files):
    """hvac's `secrets.kv.v2` (kv.md §7) on the server's `secret/`: hvac never asks the
    preflight, it builds `/v1/secret/<data|metadata|…>/<path>` itself, posts writes, LISTs, and
    raises InvalidRequest/Forbidden/InvalidPath on 400/403/404."""
    import hvac
    import hvac.exceptions as hx

    budget()
    root = hvac.Client(url=addr, token="root", timeout=10)
    kv = root.secrets.kv.v2

    def attempt(name, fn):
        try:
            ok, detail = fn()
        except Exception as e:  # noqa: BLE001 - any exception is the check's failure
            ok, detail = False, f"{type(e).__name__}: {e}"
        check(f"hvac ({label}): kv.v2 {name}", ok, str(detail))

    def raises(exc, fn, errors=None):
        def run_():
            try:
                r = fn()
            except exc as e:
                return errors is None or e.errors == errors, f"{type(e).__name__} errors={e.errors!r}"
            return False, f"no {exc.__name__}: {r!r}"

        return run_

    def version(r, n):
        return r["data"]["version"] == n and r["data"]["destroyed"] is False, r

    read = lambda **kw: kv.read_secret_version(path="hv/a", raise_on_deleted_version=True, **kw)
    attempt("create_or_update_secret", lambda: version(kv.create_or_update_secret(path="hv/a", secret={"k": "v", "n": 1}), 1))
    attempt("create_or_update_secret cas=1", lambda: version(kv.create_or_update_secret(path="hv/a", secret={"k": "v2"}, cas=1), 2))
    attempt(
        "create_or_update_secret cas mismatch: InvalidRequest",
        raises(
            hx.InvalidRequest,
            lambda: kv.create_or_update_secret(path="hv/a", secret={"k": "v3"}, cas=1),
            ["check-and-set parameter did not match the current version"],
        ),
    )

    def read_latest():
        r = read()
        return r["data"]["data"] == {"k": "v2"} and r["data"]["metadata"]["version"] == 2, r

    attempt("read_secret_version", read_latest)

    def read_v1():
        r = read(version=1)
        return r["data"]["data"] == {"k": "v", "n": 1} and r["data"]["metadata"]["version"] == 1, r

    attempt("read_secret_version version=1", read_v1)
    attempt(
        "read_secret_version of a missing key: InvalidPath",
        raises(hx.InvalidPath, lambda: kv.read_secret_version(path="hv/missing", raise_on_deleted_version=True)),
    )
    kv.create_or_update_secret(path="hv/dir/b", secret={"x": "1"})

    def listed(path, want):
        def fn():
            r = kv.list_secrets(path=path)
            return r["data"]["keys"] == want, r

        return fn

    attempt("list_secrets", listed("hv", ["a", "dir/"]))
    attempt("list_secrets of a folder", listed("hv/dir", ["b"]))

    def listed_root():
        keys = kv.list_secrets(path="")["data"]["keys"]
        return "hv/" in keys, keys

    attempt("list_secrets of the mount", listed_root)
    attempt("list_secrets of nothing: InvalidPath", raises(hx.InvalidPath, lambda: kv.list_secrets(path="nothing-here")))

    def deleted():
        r = kv.delete_latest_version_of_secret(path="hv/a")
        return getattr(r, "status_code", None) == 204 and r.text == "", r

    attempt("delete_latest_version_of_secret", deleted)
    attempt("read_secret_version of the deleted version: InvalidPath", raises(hx.InvalidPath, read))

    def deleted_body():
        r = kv.read_secret_version(path="hv/a", raise_on_deleted_version=False)
        md = r["data"]["metadata"]
        return r["data"]["data"] is None and md["version"] == 2 and md["deletion_time"] != "", r

    attempt("read_secret_version raise_on_deleted_version=False", deleted_body)

    def undeleted():
        kv.undelete_secret_versions(path="hv/a", versions=[2])
        kv.destroy_secret_versions(path="hv/a", versions=[1])
        md = kv.read_secret_metadata(path="hv/a")["data"]
        return md["versions"]["1"]["destroyed"] is True and md["versions"]["2"]["deletion_time"] == "", md

    attempt("undelete_secret_versions, destroy_secret_versions, read_secret_metadata", undeleted)

    def patched():
        kv.patch(path="hv/a", secret={"p": "1"})
        r = read()
        return r["data"]["data"] == {"k": "v2", "p": "1"} and r["data"]["metadata"]["version"] == 3, r

    attempt("patch (read, then a cas write)", patched)
    # The restricted token: read on secret/data/app/* only.
    root.sys.create_or_update_policy(name="hv-kv-app", policy='path "secret/data/app/*" { capabilities = ["read"] }')
    kv.create_or_update_secret(path="app/db", secret={"user": "x"})
    app = hvac.Client(url=addr, token=root.auth.token.create(policies=["hv-kv-app"])["auth"]["client_token"], timeout=10)
    akv = app.secrets.kv.v2

    def app_read():
        r = akv.read_secret_version(path="app/db", raise_on_deleted_version=True)
        return r["data"]["data"] == {"user": "x"}, r

    denied = ["1 error occurred:\n\t* permission denied\n\n"]
    attempt("restricted token: read_secret_version app/db", app_read)
    attempt(
        "restricted token: create_or_update_secret app/db: Forbidden",
        raises(hx.Forbidden, lambda: akv.create_or_update_secret(path="app/db", secret={"user": "y"}), denied),
    )
    attempt(
        "restricted token: read_secret_version other/x: Forbidden",
        raises(hx.Forbidden, lambda: akv.read_secret_version(path="other/x", raise_on_deleted_version=True), denied),
    )
    attempt("restricted token: list_secrets app: Forbidden", raises(hx.Forbidden, lambda: akv.list_secrets(path="app"), denied))
    attempt(
        "restricted token: delete_latest_version_of_secret app/db: Forbidden",
        raises(hx.Forbidden, lambda: akv.delete_latest_version_of_secret(path="app/db"), denied),
    )

    def untouched():
        r = kv.read_secret_version(path="app/db", raise_on_deleted_version=True)
        return r["data"]["metadata"]["version"] == 1 and r["data"]["data"] == {"user": "x"}, r

    attempt("restricted token wrote nothing", untouched)

    # A JWT login (the `hv` mount and `dev` role of hvac_checks): its dev-policy reads dev/*.
    root.sys.create_or_update_policy(name="dev-policy", policy=POLICY)
    kv.create_or_update_secret(path="dev/app", secret={"db_password": "s3cret"})
    jwt_client = hvac.Client(url=addr, timeout=10)
    try:
        jwt_client.auth.jwt.jwt_login(role="dev", jwt=open(files["good"]).read(), path="hv")
    except Exception as e:  # noqa: BLE001 - the login is the check's failure
        check(f"hvac ({label}): kv.v2 JWT login", False, f"{type(e).__name__}: {e}")
        return
    jkv = jwt_client.secrets.kv.v2

    def jwt_read():
        r = jkv.read_secret_version(path="dev/app", raise_on_deleted_version=True)
        return r["data"]["data"] == {"db_password": "s3cret"}, r

    attempt("JWT login token: read_secret_version dev/app", jwt_read)
    attempt(
        "JWT login token: read_secret_version app/db: Forbidden",
        raises(hx.Forbidden, lambda: jkv.read_secret_version(path="app/db", raise_on_deleted_version=True), denied),
    )
    attempt(
        "JWT login token: create_or_update_secret dev/app: Forbidden",
        raises(hx.Forbidden, lambda: jkv.create_or_update_secret(path="dev/app", secret={"x": "1"}), denied),
    )

    def gone():
        kv.delete_metadata_and_all_versions(path="hv/dir/b")
        return kv.list_secrets(path="hv")["data"]["keys"] == ["a"], ""

    attempt("delete_metadata_and_all_versions", gone)


HVAC_MASKS = (
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"), "<time>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
)


def hvac_kv_sequence(addr):
    """One sequence of hvac `secrets.kv.v2` calls (kv.md §7) on its own mount `kvh/`: what each
    returned (the envelope, or the 204 Response) or raised (class and message), masked for
    request ids, times and the port."""
    import hvac

    c = hvac.Client(url=addr, token="root", timeout=10)
    kv = c.secrets.kv.v2
    m = {"mount_point": "kvh"}
    calls = [
        ("sys.enable_secrets_engine kv version 2", lambda: c.sys.enable_secrets_engine("kv", path="kvh", options={"version": "2"})),
        ("create_or_update_secret", lambda: kv.create_or_update_secret(path="a", secret={"k": "v", "n": 1}, **m)),
        ("create_or_update_secret cas=1", lambda: kv.create_or_update_secret(path="a", secret={"k": "v2"}, cas=1, **m)),
        ("create_or_update_secret cas=1 again (mismatch)", lambda: kv.create_or_update_secret(path="a", secret={"k": "v3"}, cas=1, **m)),
        ("read_secret_version", lambda: kv.read_secret_version(path="a", raise_on_deleted_version=True, **m)),
        ("read_secret_version version=1", lambda: kv.read_secret_version(path="a", version=1, raise_on_deleted_version=True, **m)),
        ("read_secret_version version=7", lambda: kv.read_secret_version(path="a", version=7, raise_on_deleted_version=True, **m)),
        ("read_secret_version missing", lambda: kv.read_secret_version(path="missing", raise_on_deleted_version=True, **m)),
        ("patch", lambda: kv.patch(path="a", secret={"p": "1"}, **m)),
        ("delete_latest_version_of_secret", lambda: kv.delete_latest_version_of_secret(path="a", **m)),
        ("read_secret_version after delete (raise)", lambda: kv.read_secret_version(path="a", raise_on_deleted_version=True, **m)),
        ("read_secret_version after delete (no raise)", lambda: kv.read_secret_version(path="a", raise_on_deleted_version=False, **m)),
        ("delete_secret_versions [1]", lambda: kv.delete_secret_versions(path="a", versions=[1], **m)),
        ("undelete_secret_versions [1, 4]", lambda: kv.undelete_secret_versions(path="a", versions=[1, 4], **m)),
        ("destroy_secret_versions [2]", lambda: kv.destroy_secret_versions(path="a", versions=[2], **m)),
        ("create_or_update_secret dir/b", lambda: kv.create_or_update_secret(path="dir/b", secret={"x": "1"}, **m)),
        ("list_secrets of the mount", lambda: kv.list_secrets(path="", **m)),
        ("list_secrets dir", lambda: kv.list_secrets(path="dir", **m)),
        ("list_secrets missing", lambda: kv.list_secrets(path="nothing-here", **m)),
        ("read_secret_metadata", lambda: kv.read_secret_metadata(path="a", **m)),
        ("read_secret_metadata missing", lambda: kv.read_secret_metadata(path="missing", **m)),
        ("update_metadata", lambda: kv.update_metadata(path="a", max_versions=5, custom_metadata={"o": "x"}, **m)),
        ("read_secret_metadata after update_metadata", lambda: kv.read_secret_metadata(path="a", **m)),
        ("read_configuration", lambda: kv.read_configuration(**m)),
        ("configure max_versions=20 cas_required", lambda: kv.configure(max_versions=20, cas_required=True, **m)),
        ("read_configuration after configure", lambda: kv.read_configuration(**m)),
        ("create_or_update_secret without cas (cas required)", lambda: kv.create_or_update_secret(path="c", secret={"a": "1"}, **m)),
        ("configure back", lambda: kv.configure(max_versions=0, cas_required=False, **m)),
        ("delete_metadata_and_all_versions", lambda: kv.delete_metadata_and_all_versions(path="a", **m)),
        ("read_secret_version after delete_metadata", lambda: kv.read_secret_version(path="a", raise_on_deleted_version=True, **m)),
        ("sys.disable_secrets_engine", lambda: c.sys.disable_secrets_engine("kvh")),
        ("read_secret_version of a disabled mount", lambda: kv.read_secret_version(path="dir/b", raise_on_deleted_version=True, **m)),
    ]
    out = []
    for name, fn in calls:
        try:
            r = fn()
            if hasattr(r, "status_code"):
                text = f"Response {r.status_code} {r.text!r}"
            else:
                text = json.dumps(r, sort_keys=True)
        except Exception as e:  # noqa: BLE001 - what was raised is the result compared
            text = f"{type(e).__name__}: {e}"
        for rx, mask in HVAC_MASKS:
            text = rx.sub(mask, text)
        out.append((name, text))
    return out


def hvac_kv_compare(bao_addr, jv_addr):
    """hvac's `secrets.kv.v2` against `jwtvault server`, call by call equal to bao's."""
    import warnings

    budget()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ref = hvac_kv_sequence(bao_addr)
        got = hvac_kv_sequence(jv_addr)
    for (name, a), (_, b) in zip(ref, got):
        label = name
        if name in HVAC_KNOWN:
            why, change = HVAC_KNOWN[name]
            a, label = change(a), f"{name} [known difference: {why}]"
        check(f"hvac (jwtvault server = bao server -dev): kv.v2 {label}", a == b, f"--- bao:\n{a}\n--- jwtvault:\n{b}")


# As SERVER_KNOWN, for hvac_kv_compare: call name -> (why, change to bao's result).
HVAC_KNOWN = {
    "read_secret_version of a disabled mount": SERVER_KNOWN["write to an unknown path"],
}


# ------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bao", required=True)
    ap.add_argument("--jwtvault", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--require-server", action="store_true", help="fail when jwtvault has no `server` command")
    a = ap.parse_args()
    for p in (a.bao, a.jwtvault):
        if not os.access(p, os.X_OK):
            fatal(f"{p} is not executable")

    def on_signal(signum, _frame):
        fatal(f"interrupted by signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    serve = has_server_command(a.jwtvault)
    if not serve and a.require_server:
        fatal("jwtvault has no `server` command")
    try:
        servers = {}
        started = [("a", "bao"), ("c", "bao")] + ([("b", "jv"), ("d", "jv"), ("hv-jv", "jv")] if serve else []) + [("hv-bao", "bao")]
        for label, kind in started:
            if kind == "bao":
                servers[label] = bao_server(a.bao, a.work, f"bao-{label}")
            else:
                servers[label] = jwtvault_server(a.jwtvault, a.work, f"jwtvault-{label}")
        for addr, p, log in servers.values():
            wait_http(addr, p, log)
        for label, kind in started:
            if kind == "jv":
                mount_dev_secret(a.bao, servers[label][0], a.work)
        files = make_files(a.jwtvault, a.work)
        steps = scenario(files) + kv_scenario(files)
        kv_client = has_kv_command(a.jwtvault)
        closed = f"http://127.0.0.1:{parity.free_port()}"
        targets = {
            "a": Target("a", "bao", a.bao, servers["a"][0], a.work),
            "c": Target("c", "jwtvault", a.jwtvault, servers["c"][0], a.work),
        }
        if serve:
            targets["b"] = Target("b", "bao", a.bao, servers["b"][0], a.work)
            targets["d"] = Target("d", "jwtvault", a.jwtvault, servers["d"][0], a.work)
        # The four runs are independent (a server each): run side by side.
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(targets)) as pool:
            futures = {
                k: pool.submit(run_scenario, t, steps, closed, t.cli == "bao" or kv_client) for k, t in targets.items()
            }
            results = {k: f.result() for k, f in sorted(futures.items())}
        if not kv_client:
            skipped = sum(1 for s_ in steps if s_.kv)
            print(f"clients: NOT RUN: {skipped} `kv`/`secrets` steps of (c) and (d): this jwtvault has no `kv` command", flush=True)
        ref = results["a"]
        for step, out in ref:
            check(f"(a) bao -> bao server: {step.name}: exit {step.code}", out.code == step.code, repr(out))
        if os.environ.get("CLIENTS_SHOW_REFERENCE") == "1":
            for step, out in ref:
                print(f"=== (a) {step.name}: {' '.join(step.args)}\n{out!r}", flush=True)
        names = {
            "b": "(b) bao -> jwtvault server",
            "c": "(c) jwtvault -> bao server",
            "d": "(d) jwtvault -> jwtvault server",
        }
        for k in ("b", "c", "d"):
            if k in results:
                compare(
                    names[k],
                    targets["a"],
                    ref,
                    targets[k],
                    results[k],
                    strip_hints=(k == "d"),
                    server_known=(k in ("b", "d")),
                )
        for k in ("c", "d"):
            if k in targets:
                jwtvault_only(targets[k], files, names[k])
        hvac_checks("bao server -dev", servers["hv-bao"][0], files)
        hvac_kv_checks("bao server -dev", servers["hv-bao"][0], files)
        if serve:
            hvac_checks("jwtvault server", servers["hv-jv"][0], files)
            hvac_kv_checks("jwtvault server", servers["hv-jv"][0], files)
            hvac_kv_compare(servers["hv-bao"][0], servers["hv-jv"][0])
        else:
            print("clients: NOT RUN: (b), (d) and hvac against jwtvault server: this jwtvault has no `server` command", flush=True)
    finally:
        stop_all()
    elapsed = time.monotonic() - START
    if FAILED:
        print(f"failed checks: {len(FAILED)}")
        for f in FAILED:
            print(f"  - {f}")
    print(f"clients: real clients against bao and jwtvault servers in {elapsed:.0f}s")
    print(f"{PASSED} passed, {len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
