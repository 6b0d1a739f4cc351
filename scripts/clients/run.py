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
separately). `VAULT_*` and `BAO_*` variables set to decoys prove the jwtvault client never reads
them, and a `JWTVAULT_STATE` that cannot be opened proves it never opens a state file.

Python 3 standard library plus hvac (scripts/install-hvac.sh). Started by scripts/clients/run.sh;
the last line printed is `N passed, M failed`. Servers are stopped by PID on exit.
"""

import argparse
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
    login's `tok`…, `bogus`, `none` with no helper file either, `helper` from the helper file)."""

    def __init__(self, name, args, who="root", stdin=None, capture=None, addr=None, hint=False, code=0):
        self.name, self.args, self.who, self.stdin = name, args, who, stdin
        self.capture, self.addr, self.hint, self.code = capture, addr, hint, code


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
    files["keys"] = keys
    return files


def run_scenario(target, steps, closed_addr):
    """Runs every step for one target; returns [(step, Out)]."""
    results = []
    for step in steps:
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
SERVER_KNOWN = {
    "write to an unknown path": (
        "deviation S-1: no `. route entry not found.`",
        lambda t: t.replace('". route entry not found.', '"'),
    ),
}


def compare(label, ref_target, ref, target, got, strip_hints, server_known=False):
    ref_known = known_values(ref_target)
    known = known_values(target)
    for (step, a), (_, b) in zip(ref, got):
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
        files = make_files(a.jwtvault, a.work)
        steps = scenario(files)
        closed = f"http://127.0.0.1:{parity.free_port()}"
        targets = {
            "a": Target("a", "bao", a.bao, servers["a"][0], a.work),
            "c": Target("c", "jwtvault", a.jwtvault, servers["c"][0], a.work),
        }
        if serve:
            targets["b"] = Target("b", "bao", a.bao, servers["b"][0], a.work)
            targets["d"] = Target("d", "jwtvault", a.jwtvault, servers["d"][0], a.work)
        results = {k: run_scenario(t, steps, closed) for k, t in sorted(targets.items())}
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
        if serve:
            hvac_checks("jwtvault server", servers["hv-jv"][0], files)
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
