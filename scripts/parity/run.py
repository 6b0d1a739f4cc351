#!/usr/bin/env python3
"""Parity suite: the same scenarios against OpenBao (`bao server -dev`) and jwtvault.

Each scenario runs one command line on both. What must agree: the exit code (the decision),
the error message (after the normalisation listed in docs/deviations.md: no `URL:` line, no
`Hint:` block, `OpenBao` -> `Vault`), and on a successful login `token_policies`, `metadata`
and `lease_duration`. Where the contract makes jwtvault differ on purpose, the scenario
asserts OpenBao's behaviour and jwtvault's contract behaviour separately (docs/deviations.md).

Python 3 standard library only. Tokens are RS256/RS512, signed here with the private key made
by `jwtvault jwt keygen` (PKCS#1 v1.5 with plain integers, so hostile headers and payloads are
exact bytes), and ES256/EdDSA ones are signed by `jwtvault jwt sign`.

Started by scripts/parity/run.sh; the last line printed is `N passed, M failed`.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import hmac
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

TOTAL_BUDGET = 270  # seconds; run.sh kills at 290
COMMAND_TIMEOUT = 30
ISS = "https://issuer.example/"
DEL = object()  # marks a claim to remove from the base claims

PASSED = 0
FAILED = []
VERBOSE = os.environ.get("PARITY_VERBOSE") == "1"
START = time.monotonic()


def check(name, ok, detail=""):
    global PASSED
    if ok:
        PASSED += 1
        if VERBOSE:
            print(f"ok   {name}")
    else:
        FAILED.append(name)
        print(f"FAIL {name}\n{detail}\n", flush=True)


def fatal(msg):
    print(f"parity: FAILED: {msg}", flush=True)
    print(f"{PASSED} passed, {len(FAILED) + 1} failed")
    sys.exit(1)


def budget():
    if time.monotonic() - START > TOTAL_BUDGET:
        fatal(f"over the {TOTAL_BUDGET}s budget")


# ------------------------------------------------------------------------------------------
# Keys and tokens


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def der_read(buf, i):
    tag = buf[i]
    length = buf[i + 1]
    i += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(buf[i : i + n], "big")
        i += n
    return tag, buf[i : i + length], i + length


def der_items(body):
    out, i = [], 0
    while i < len(body):
        tag, val, i = der_read(body, i)
        out.append((tag, val))
    return out


def rsa_private(pem_text):
    """(n, d) of a PKCS#8 `PRIVATE KEY` PEM holding an RSA key."""
    der = base64.b64decode("".join(l for l in pem_text.splitlines() if not l.startswith("-----")))
    _, top, _ = der_read(der, 0)
    octet = der_items(top)[2][1]
    _, rsa, _ = der_read(octet, 0)
    ints = [int.from_bytes(v, "big") for _, v in der_items(rsa)]
    return ints[1], ints[3]


DIGEST_INFO = {
    "RS256": (hashlib.sha256, "3031300d060960864801650304020105000420"),
    "RS384": (hashlib.sha384, "3041300d060960864801650304020205000430"),
    "RS512": (hashlib.sha512, "3051300d060960864801650304020305000440"),
}


def rsa_sign(key, alg, msg):
    n, d = key
    k = (n.bit_length() + 7) // 8
    h, prefix = DIGEST_INFO[alg]
    t = bytes.fromhex(prefix) + h(msg).digest()
    em = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return pow(int.from_bytes(em, "big"), d, n).to_bytes(k, "big")


def compact(header, payload, key=None, alg="RS256", hmac_key=None):
    """A compact JWS over exact header/payload bytes (dicts are JSON-encoded)."""
    if not isinstance(header, bytes):
        header = json.dumps(header, separators=(",", ":")).encode()
    if not isinstance(payload, bytes):
        payload = json.dumps(payload, separators=(",", ":")).encode()
    signing_input = f"{b64u(header)}.{b64u(payload)}".encode()
    if hmac_key is not None:
        sig = hmac.new(hmac_key, signing_input, hashlib.sha256).digest()
    elif key is None:
        sig = b""
    else:
        sig = rsa_sign(key, alg, signing_input)
    return f"{signing_input.decode()}.{b64u(sig)}"


def claims_at(now, base=None, **over):
    c = dict(
        iss=ISS,
        sub="user-12345",
        aud="vault-aud-value",
        iat=now,
        exp=now + 3600,
        name="Alice Smith",
        email="alice@example.com",
        groups=["developers", "ops"],
    )
    if base is not None:
        c = dict(base)
    for k, v in over.items():
        if v is DEL:
            c.pop(k, None)
        else:
            c[k] = v
    return c


# ------------------------------------------------------------------------------------------
# Processes


class Out:
    def __init__(self, code, stdout, stderr):
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self):
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run(argv, env, stdin=None):
    budget()
    try:
        p = subprocess.run(
            argv,
            input=(stdin or "").encode(),
            env=env,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return Out(-1, "", f"TIMEOUT after {COMMAND_TIMEOUT}s: {argv}")
    return Out(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))


class Tools:
    def __init__(self, bao, jwtvault, work, addr):
        self.bao_bin, self.jv_bin, self.work = bao, jwtvault, work
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1", "LANG": "C"}
        home = os.path.join(work, "home")
        os.makedirs(home, exist_ok=True)
        self.bao_env = dict(base, HOME=home, BAO_ADDR=addr, BAO_TOKEN="root")
        self.jv_env = dict(
            base,
            HOME=home,
            JWTVAULT_STATE=os.path.join(work, "jv", "state.db"),
            JWTVAULT_TOKEN_PATH=os.path.join(home, ".jwtvault-token"),
        )
        self.n = 0

    def bao(self, args, stdin=None, env=None):
        return run([self.bao_bin] + args, dict(self.bao_env, **(env or {})), stdin)

    def jv(self, args, stdin=None, env=None):
        return run([self.jv_bin] + args, dict(self.jv_env, **(env or {})), stdin)

    def file(self, name, text):
        p = os.path.join(self.work, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def json_file(self, obj):
        self.n += 1
        return self.file(f"body{self.n}.json", json.dumps(obj))


# ------------------------------------------------------------------------------------------
# Normalisation (docs/deviations.md lists each rule)

URL_LINE = re.compile(r"Error making API request\.\n\nURL: [A-Z]+ \S+\n")


def norm_bao(text):
    text = URL_LINE.sub("", text)
    return text.replace("OpenBao", "Vault").rstrip("\n")


def split_jv(text):
    """jwtvault's stderr -> (Vault-shaped part, hint block or None, JSON errors or None)."""
    errors_json = None
    i = text.find('{\n  "errors"')
    if i >= 0:
        try:
            errors_json = json.loads(text[i:])["errors"]
        except (ValueError, KeyError):
            errors_json = "unparsable"
        text = text[:i]
    hint = None
    j = text.find("\nHint:")
    if j >= 0:
        hint = text[j + 1 :]
        text = text[:j]
    return text.rstrip("\n"), hint, errors_json


def messages(text):
    return [l[2:] for l in text.splitlines() if l.startswith("* ")]


def show(b, j):
    return f"--- bao: {b!r}\n--- jwtvault: {j!r}"


def same(tools, name, args, stdin=None, jv_args=None, compare_stdout=True, jv_env=None):
    """Runs ARGS on both and asserts exit code, stdout and normalised stderr are equal."""
    b = tools.bao(args, stdin)
    j = tools.jv(jv_args or args, stdin, env=jv_env)
    bs = norm_bao(b.stderr)
    js, _hint, errs = split_jv(j.stderr)
    ok = b.code == j.code and bs == js
    if compare_stdout:
        ok = ok and b.stdout.rstrip("\n") == j.stdout.rstrip("\n")
    if errs is not None and errs != messages(js):
        ok = False
    check(name, ok, show(b, j))
    return b, j


# ------------------------------------------------------------------------------------------
# A loopback HTTP server for JWKS / discovery documents (both tools fetch from it).


class Docs:
    def __init__(self):
        self.routes = {}
        self.hits = {}
        docs = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                docs.hits[self.path] = docs.hits.get(self.path, 0) + 1
                status, body = docs.routes.get(self.path, (404, "not found"))
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


# ------------------------------------------------------------------------------------------
# The bao server


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class BaoServer:
    def __init__(self, bao, work):
        self.port = free_port()
        self.addr = f"http://127.0.0.1:{self.port}"
        self.log = os.path.join(work, "bao-server.log")
        home = os.path.join(work, "bao-home")
        os.makedirs(home, exist_ok=True)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": home}
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [
                    bao,
                    "server",
                    "-dev",
                    "-dev-root-token-id=root",
                    f"-dev-listen-address=127.0.0.1:{self.port}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        with open(os.path.join(work, "bao.pid"), "w") as f:
            f.write(str(self.proc.pid))

    def wait_ready(self, limit=45):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                fatal(f"bao server exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.addr}/v1/sys/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        fatal(f"bao server not ready after {limit}s:\n{self.tail()}")

    def tail(self):
        try:
            with open(self.log) as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return "(no log)"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


# ------------------------------------------------------------------------------------------
# Scenarios


def keygen(tools, alg, name, kid=None):
    d = os.path.join(tools.work, "keys", name)
    args = ["jwt", "keygen", f"-alg={alg}", f"-out={d}"] + ([f"-kid={kid}"] if kid else [])
    out = tools.jv(args)
    if out.code != 0:
        fatal(f"jwt keygen {alg}: {out}")
    read = lambda f: open(os.path.join(d, f)).read()
    return {
        "dir": d,
        "private": os.path.join(d, "private.pem"),
        "public": os.path.join(d, "public.pem"),
        "public_text": read("public.pem"),
        "private_text": read("private.pem"),
        "jwks": json.loads(read("jwks.json")),
    }


def setup_both(tools, name, args, stdin=None):
    """A setup step that must succeed on both (and agree)."""
    b, j = same(tools, f"setup: {name}", args, stdin)
    if b.code != 0 or j.code != 0:
        fatal(f"setup step {name} failed")


def config_scenarios(t, keys, docs):
    rsa_pub = keys["rsa"]["public"]
    # Refused config writes (the first one differs: see deviations.md, D-12).
    b = t.bao(["write", "auth/jwt/config", f"bound_issuer={ISS}"])
    j = t.jv(["write", "auth/jwt/config", f"bound_issuer={ISS}"])
    check(
        "config refused: no key source (exit 2 on both; Vault's text in jwtvault, D-12)",
        b.code == 2
        and j.code == 2
        and "* exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs', 'oidc_discovery_url', or 'provider_config' must be set"
        in b.stderr
        and split_jv(j.stderr)[0]
        == "Error writing data to auth/jwt/config: Code: 400. Errors:\n\n* exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' must be set",
        show(b, j),
    )
    same(
        t,
        "config refused: unsupported algorithm",
        ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{rsa_pub}", "jwt_supported_algs=RS256,HS256"],
    )
    same(
        t,
        "config refused: algorithm names are case-sensitive",
        ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{rsa_pub}", "jwt_supported_algs=rs256"],
    )
    same(
        t,
        "config refused: client id without secret",
        ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{rsa_pub}", "oidc_client_id=abc"],
    )
    bad = t.file("bad.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    same(t, "config refused: unparsable public key", ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{bad}"])
    nokey = t.file("nokey.pem", "hello\n")
    same(t, "config refused: no PEM block", ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{nokey}"])
    same(
        t,
        "config refused: response types",
        ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{rsa_pub}", "oidc_response_types=code,token"],
    )
    same(
        t,
        "config refused: response mode",
        ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{rsa_pub}", "oidc_response_mode=fragment"],
    )
    same(
        t,
        "config refused: query mode with id_token",
        [
            "write",
            "auth/jwt/config",
            f"jwt_validation_pubkeys=@{rsa_pub}",
            "oidc_response_types=id_token",
            "oidc_response_mode=query",
        ],
    )
    # Good config writes (kept: the main mount).
    setup_both(
        t,
        "config jwt (static RSA key, bound_issuer)",
        ["write", "auth/jwt/config", f"jwt_validation_pubkeys=@{rsa_pub}", f"bound_issuer={ISS}"],
    )
    same(t, "config read (table)", ["read", "auth/jwt/config"], compare_stdout=False)
    b = t.bao(["read", "-format=json", "auth/jwt/config"])
    j = t.jv(["read", "-format=json", "auth/jwt/config"])
    try:
        bd, jd = json.loads(b.stdout)["data"], json.loads(j.stdout)["data"]
        # D-12: OpenBao-only and Vault-only config fields.
        for k in ("override_allowed_server_names", "status"):
            bd.pop(k, None)
        for k in ("jwks_pairs", "unsupported_critical_cert_extensions", "token_audiences"):
            jd.pop(k, None)
        ok = bd == jd
    except (ValueError, KeyError) as e:
        ok, bd, jd = False, str(e), ""
    check("config read (JSON, common fields equal)", ok, f"{bd}\n{jd}\n{show(b, j)}")


def mounts_setup(t, keys, docs):
    k = keys
    for path, extra in [
        ("multi", []),
        ("algs", []),
        ("jwks", []),
        ("noconf", []),
        ("defrole", []),
        ("tuned", ["-default-lease-ttl=1h", "-max-lease-ttl=2h"]),
    ]:
        setup_both(t, f"enable {path}", ["auth", "enable", f"-path={path}"] + extra + ["jwt"])
    multi = t.json_file(
        {"jwt_validation_pubkeys": [k["es"]["public_text"], k["ed"]["public_text"]], "bound_issuer": ISS}
    )
    setup_both(t, "config multi (ES256 + EdDSA keys)", ["write", "auth/multi/config", f"@{multi}"])
    setup_both(
        t,
        "config algs (RSA key, RS512 only)",
        [
            "write",
            "auth/algs/config",
            f"jwt_validation_pubkeys=@{k['rsa']['public']}",
            "jwt_supported_algs=RS512",
        ],
    )
    jwks = {"keys": k["rsa_kid"]["jwks"]["keys"] + k["es_kid"]["jwks"]["keys"]}
    docs.routes["/jwks.json"] = (200, jwks)
    setup_both(t, "config jwks (jwks_url on loopback)", ["write", "auth/jwks/config", f"jwks_url={docs.url}/jwks.json"])
    docs.routes["/bad.json"] = (200, "not json")
    same(t, "config refused: JWKS that is not JSON", ["write", "auth/jwks/config", f"jwks_url={docs.url}/bad.json"])
    docs.routes["/500.json"] = (500, "boom")
    same(t, "config refused: JWKS answering 500", ["write", "auth/jwks/config", f"jwks_url={docs.url}/500.json"])
    setup_both(t, "config jwks again", ["write", "auth/jwks/config", f"jwks_url={docs.url}/jwks.json"])
    setup_both(
        t,
        "config defrole (default_role)",
        ["write", "auth/defrole/config", f"jwt_validation_pubkeys=@{k['rsa']['public']}", "default_role=dev"],
    )
    setup_both(
        t,
        "config tuned",
        ["write", "auth/tuned/config", f"jwt_validation_pubkeys=@{k['rsa']['public']}"],
    )


ROLES = {
    # The walkthrough's role, with policies to sanitise and claim mappings.
    "dev": {
        "role_type": "jwt",
        "user_claim": "sub",
        "groups_claim": "groups",
        "bound_audiences": "vault-aud-value",
        "bound_claims_type": "glob",
        "bound_claims": {"groups": "developers"},
        "token_policies": "Developer-Policy, ops,ops",
        "claim_mappings": {"email": "email", "name": "display"},
    },
    "aud": {"role_type": "jwt", "user_claim": "sub", "bound_audiences": ["a", "b"], "token_ttl": "10m"},
    "noaud": {"role_type": "jwt", "user_claim": "sub", "bound_subject": "subject-1"},
    "leeway": {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a"},
    "leeway-neg": {
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_audiences": "a",
        "clock_skew_leeway": -1,
        "expiration_leeway": -1,
        "not_before_leeway": -1,
    },
    "leeway-big": {
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_audiences": "a",
        "clock_skew_leeway": "2m",
        "expiration_leeway": 3600,
        "not_before_leeway": "1h",
    },
    "glob": {
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_claims_type": "glob",
        "bound_claims": {"email": "*@example.com", "env": ["prod-*", "*-stage"], "ref": "true"},
    },
    "globstar": {"role_type": "jwt", "user_claim": "sub", "bound_claims_type": "glob", "bound_claims": {"x": "*"}},
    "ptr": {
        "role_type": "jwt",
        "user_claim": "/user/id",
        "user_claim_json_pointer": True,
        "groups_claim": "/realm/groups",
        "bound_audiences": "a",
        "bound_claims": {"/https/~1~1vault~1groups/testing": "yes"},
        "claim_mappings": {"/org/team": "team", "/list/1": "second"},
    },
    "ptr-off": {"role_type": "jwt", "user_claim": "/user/id", "bound_audiences": "a"},
    "num": {"role_type": "jwt", "user_claim": "sub", "bound_claims": {"n": 123}},
    "num-float": {"role_type": "jwt", "user_claim": "sub", "bound_claims": {"n": 123.0}},
    "bool": {"role_type": "jwt", "user_claim": "sub", "bound_claims": {"flag": True}},
    "arr": {"role_type": "jwt", "user_claim": "sub", "bound_claims": {"ids": [1]}},
    "str": {"role_type": "jwt", "user_claim": "sub", "bound_claims": {"dept": ["eng", "ops"], "flag": "true"}},
    "grp": {"role_type": "jwt", "user_claim": "sub", "groups_claim": "groups", "bound_audiences": "a"},
    "cidr": {"role_type": "jwt", "user_claim": "sub", "token_bound_cidrs": "10.0.0.0/8"},
    "cidr-local": {"role_type": "jwt", "user_claim": "sub", "token_bound_cidrs": "127.0.0.1/32"},
    "oidc": {"role_type": "oidc", "user_claim": "sub", "allowed_redirect_uris": "http://localhost/cb"},
    "ttl": {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_ttl": "1h", "token_max_ttl": "2h"},
    "period": {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_period": "30m"},
    "explicit": {
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_audiences": "a",
        "token_ttl": "2h",
        "token_explicit_max_ttl": "1h",
    },
    "nodefault": {
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_audiences": "a",
        "token_no_default_policy": True,
        "token_policies": ["B", " a ", "", "b"],
    },
    "batch": {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_type": "batch"},
    "name": {"role_type": "jwt", "user_claim": "name", "bound_audiences": "vault-aud-value"},
    "mail": {"role_type": "jwt", "user_claim": "email", "bound_audiences": "vault-aud-value"},
}


def role_scenarios(t):
    for name, body in ROLES.items():
        f = t.json_file(body)
        setup_both(t, f"role write {name}", ["write", f"auth/jwt/role/{name}", f"@{f}"])
    for mount in ("multi", "algs", "jwks", "defrole"):
        f = t.json_file({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "vault-aud-value"})
        setup_both(t, f"role write {mount}/dev", ["write", f"auth/{mount}/role/dev", f"@{f}"])
    f = t.json_file({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_ttl": "3h"})
    b, j = same(t, "role write tuned/long (warning-free)", ["write", "auth/tuned/role/long", f"@{f}"])

    refused = [
        ("token_num_uses negative", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_num_uses": -1}),
        ("bad bound_claims_type", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "bound_claims_type": "regex"}),
        ("bad role_type", {"role_type": "saml", "user_claim": "sub", "bound_audiences": "a"}),
        ("no bound constraint", {"role_type": "jwt", "user_claim": "sub"}),
        ("no user claim", {"role_type": "jwt", "bound_audiences": "a"}),
        ("reserved mapping target", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "claim_mappings": {"x": "role"}}),
        ("two mappings to one key", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "claim_mappings": {"x": "k", "y": "k"}}),
        ("glob with a number", {"role_type": "jwt", "user_claim": "sub", "bound_claims_type": "glob", "bound_claims": {"foo": 25}}),
        ("glob with an object", {"role_type": "jwt", "user_claim": "sub", "bound_claims_type": "glob", "bound_claims": {"foo": {"a": "b"}}}),
        ("glob list with a bool", {"role_type": "jwt", "user_claim": "sub", "bound_claims_type": "glob", "bound_claims": {"foo": ["a", True]}}),
        ("token_ttl over token_max_ttl", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_ttl": "2h", "token_max_ttl": "1h"}),
        ("bad token_type", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_type": "foo"}),
        ("batch and period", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_type": "batch", "token_period": "1h"}),
        ("period over mount max", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_period": "800h"}),
        ("oidc without redirect URIs", {"role_type": "oidc", "user_claim": "sub"}),
        ("bad CIDR", {"role_type": "jwt", "user_claim": "sub", "token_bound_cidrs": "banana"}),
        ("negative token_ttl", {"role_type": "jwt", "user_claim": "sub", "bound_audiences": "a", "token_ttl": "-5"}),
    ]
    for name, body in refused:
        f = t.json_file(body)
        b, j = same(t, f"role refused: {name}", ["write", "auth/jwt/role/refused", f"@{f}"])
        check(f"role refused: {name} (exit 2)", b.code == 2, show(b, j))
    # kv-builder forms agree too.
    same(
        t,
        "role write with K=V (warnings)",
        [
            "write",
            "auth/jwt/role/kv",
            "role_type=jwt",
            "user_claim=sub",
            "bound_audiences=a,b",
            "token_max_ttl=10000h",
            "verbose_oidc_logging=true",
            "token_policies=x,y",
        ],
    )
    same(t, "role read kv (table)", ["read", "auth/jwt/role/kv"])
    for name in ("dev", "ptr", "num", "num-float", "leeway-neg", "leeway-big", "nodefault", "cidr", "oidc", "str"):
        same(t, f"role read {name} (JSON)", ["read", "-format=json", f"auth/jwt/role/{name}"], compare_stdout=False)
        b = t.bao(["read", "-format=json", f"auth/jwt/role/{name}"])
        j = t.jv(["read", "-format=json", f"auth/jwt/role/{name}"])
        try:
            ok = json.loads(b.stdout)["data"] == json.loads(j.stdout)["data"]
        except (ValueError, KeyError):
            ok = False
        check(f"role read {name} (JSON data equal)", ok, show(b, j))
        same(t, f"role read {name} (table)", ["read", f"auth/jwt/role/{name}"])
    same(t, "role read missing", ["read", "auth/jwt/role/missing"])
    same(t, "role list (table)", ["list", "auth/jwt/role"])
    b = t.bao(["list", "-format=json", "auth/jwt/role"])
    j = t.jv(["list", "-format=json", "auth/jwt/role"])
    check("role list (JSON)", b.code == j.code == 0 and json.loads(b.stdout) == json.loads(j.stdout), show(b, j))
    same(t, "role list empty mount", ["list", "auth/noconf/role"])
    same(t, "role delete", ["delete", "auth/jwt/role/kv"])
    same(t, "role delete missing", ["delete", "auth/jwt/role/kv"])
    same(t, "role read deleted", ["read", "auth/jwt/role/kv"])
    same(t, "role list after delete", ["list", "auth/jwt/role"])


def login_compare(t, name, mount, token, role="dev", extra=None, jv_env=None, expect=None, prefix=None):
    """One login on both. `expect` (optional) is 'ok' or the single error message: it guards
    against both tools agreeing on the wrong thing. With `prefix`, the messages must agree only
    up to the end of that prefix (a documented difference in the detail text; deviations.md)."""
    tf = t.file("token.jwt", token)
    args = ["write", "-format=json", f"auth/{mount}/login"]
    if role is not None:
        args.append(f"role={role}")
    args.append(f"jwt=@{tf}")
    args += extra or []
    b = t.bao(args)
    j = t.jv(args, env=jv_env)
    bs = norm_bao(b.stderr)
    js, hint, errs = split_jv(j.stderr)
    detail = show(b, j)
    if b.code == 0 and j.code == 0:
        try:
            ba, ja = json.loads(b.stdout), json.loads(j.stdout)
            fields = ("token_policies", "metadata", "lease_duration")
            got = {k: ja["auth"][k] for k in fields}
            want = {k: ba["auth"][k] for k in fields}
            ok = got == want and ba.get("warnings") == ja.get("warnings")
            detail = f"bao: {want} {ba.get('warnings')}\njwtvault: {got} {ja.get('warnings')}"
        except (ValueError, KeyError, TypeError) as e:
            ok = False
            detail += f"\n{e}"
        ok = ok and (expect in (None, "ok"))
    else:
        if prefix is not None:
            bm, jm = messages(bs), messages(js)
            ok = (
                b.code == j.code == 2
                and len(bm) == len(jm) == 1
                and bm[0].startswith(prefix)
                and jm[0].startswith(prefix)
            )
        else:
            ok = b.code == j.code and bs == js
        ok = ok and (errs is None or errs == messages(js))
        # Contract §4: a failed login explains itself (the Hint block) once a token is looked at.
        if ok and j.code == 2 and hint is None and not set(messages(js)) & NO_HINT:
            ok, detail = False, detail + "\n(no Hint: block)"
        if expect is not None:
            ok = ok and messages(bs) == [expect]
    check(f"login: {name}", ok, detail)
    return b, j


# Failures decided before the token is looked at: nothing to explain beyond Vault's message.
NO_HINT = {
    "could not load configuration",
    "missing role",
    "role with oidc role_type is not allowed",
    "missing token",
    "permission denied",
    "error configuring token validator: unsupported config type",
    "missing name in alias",
}


def ev(msg):
    return "error validating token: " + msg


def login_scenarios(t, keys, docs):
    rsa = rsa_private(keys["rsa"]["private_text"])
    other = rsa_private(keys["rsa2"]["private_text"])
    rsa_kid = rsa_private(keys["rsa_kid"]["private_text"])
    H = {"alg": "RS256", "typ": "JWT"}

    def L(name, claims, role="dev", mount="jwt", header=H, key=rsa, alg="RS256", expect=None, **kw):
        now = int(time.time())
        c = claims(now) if callable(claims) else claims
        tok = compact(header, c, key=key, alg=alg)
        return login_compare(t, name, mount, tok, role=role, expect=expect, **kw)

    C = claims_at
    nomatch = lambda c: f'error validating claims: claim "{c}" does not match any associated bound claim values'

    # The walkthrough and the error catalogue (reference §4.14), in its order.
    L("walkthrough token logs in", lambda n: C(n), expect="ok")
    L("role name is lower-cased", lambda n: C(n), role="DEV", expect="ok")
    L("#1 no config", lambda n: C(n), mount="noconf", expect="could not load configuration")
    L("#2 no role, no default_role", lambda n: C(n), role=None, expect="missing role")
    L("#2 default_role used", lambda n: C(n), role=None, mount="defrole", expect="ok")
    L("#3 unknown role", lambda n: C(n), role="nope", expect='role "nope" could not be found')
    L("#4 oidc role", lambda n: C(n), role="oidc", expect="role with oidc role_type is not allowed")
    login_compare(t, "#5 empty token", "jwt", "", expect="missing token")
    L("#6 bound CIDR, address outside", lambda n: C(n, aud=DEL), role="cidr", expect="permission denied")
    L("#8 wrong key", lambda n: C(n), key=other, expect=ev("error verifying token signature: no known key successfully validated the token signature"))
    login_compare(t, "#8 two parts", "jwt", "abc.def", expect=ev("error verifying token signature: go-jose/go-jose: compact JWS format must have three parts"))
    login_compare(t, "#8 four parts", "jwt", "a.b.c.d", expect=ev("error verifying token signature: go-jose/go-jose: compact JWS format must have three parts"))
    good = compact(H, C(int(time.time())), key=rsa)
    login_compare(t, "#8 bad base64 in the signature", "jwt", good[:-3] + "!!!")
    sig_prefix = ev("error verifying token signature: ")
    # O-1: Go's encoding/json syntax errors are not reproduced word for word.
    login_compare(t, "#8 header is not JSON (O-1)", "jwt", b64u(b"not json") + "." + good.split(".", 1)[1], prefix=sig_prefix)
    login_compare(t, "#8 header is a JSON array", "jwt", b64u(b"[1]") + "." + good.split(".", 1)[1])
    hdr = compact(b'{"alg":"RS256","alg":"RS256"}', C(int(time.time())), key=rsa)
    login_compare(t, "#8 header repeats a member name", "jwt", hdr, expect=ev("error verifying token signature: json: duplicate key 'alg' in object"))
    L("#8 crit header", lambda n: C(n), header={"alg": "RS256", "crit": ["exp"], "exp": 1})
    L("#8 b64 false header", lambda n: C(n), header={"alg": "RS256", "b64": False, "crit": ["b64"]})
    L("#8 embedded jwk header is not used", lambda n: C(n), key=other, header={"alg": "RS256", "jwk": keys["rsa2"]["jwks"]["keys"][0]})
    L("#8 kid ignored by static keys", lambda n: C(n), header={"alg": "RS256", "kid": "../../etc/passwd"}, expect="ok")
    login_compare(t, "#8 trailing newline is trimmed", "jwt", good + "\n", expect="ok")
    L("#8 alg none, no signature", lambda n: C(n), header={"alg": "none"}, key=None, expect=ev("error verifying token signature: no known key successfully validated the token signature"))
    now = int(time.time())
    hs = compact({"alg": "HS256"}, C(now), hmac_key=keys["rsa"]["public_text"].encode())
    login_compare(t, "#8 HS256 MACed with the public key PEM", "jwt", hs, expect=ev("error verifying token signature: no known key successfully validated the token signature"))
    L("#9 alg not in jwt_supported_algs", lambda n: C(n), mount="algs", expect=ev("invalid algorithm (alg) header parameter: token signed with unexpected algorithm"))
    L("#9 allowed alg RS512", lambda n: C(n), mount="algs", header={"alg": "RS512"}, alg="RS512", expect="ok")
    L("#10 sub is a number", lambda n: C(n, sub=42), expect=ev("json: cannot unmarshal number into Go struct field Claims.sub of type string"))
    L("#10 iss is a bool", lambda n: C(n, iss=True))
    L("#10 exp is a string", lambda n: C(n, exp=str(n + 100)))
    L("#10 nbf is a string", lambda n: C(n, nbf="0"))
    L("#10 aud is a number", lambda n: C(n, aud=5))
    L("#10 aud list with a number", lambda n: C(n, aud=["vault-aud-value", 5]))
    L("#10 jti is a number", lambda n: C(n, jti=7))
    # Absurd numbers: Go's float64 -> int64 conversion (MinInt64 out of range) decides these.
    L("#16 exp 1e300", lambda n: C(n, exp=1e300))
    L("#16 exp -1e300", lambda n: C(n, exp=-1e300))
    L("#16 exp 1e19", lambda n: C(n, exp=1e19))
    L("#16 iat 2^63-1, no exp", lambda n: C(n, iat=9223372036854775807, exp=DEL))
    L("#15 nbf 1e300, no exp, no iat", lambda n: C(n, iat=DEL, exp=DEL, nbf=1e300))
    L("#15 nbf 2^63-1 with a valid exp", lambda n: C(n, nbf=9223372036854775807))
    L("#15 nbf 2^62 with a valid exp", lambda n: C(n, nbf=1 << 62))
    L("#14 iat 1e-300 only", lambda n: C(n, iat=1e-300, exp=DEL))
    L("#8 empty crit list", lambda n: C(n), header={"alg": "RS256", "crit": []})
    L("#11 wrong issuer", lambda n: C(n, iss="https://evil.example/"), expect=ev("invalid issuer (iss) claim"))
    L("#11 no issuer", lambda n: C(n, iss=DEL), expect=ev("invalid issuer (iss) claim"))
    L("#12 wrong subject", lambda n: C(n, sub="subject-2", aud=DEL), role="noaud", expect=ev("invalid subject (sub) claim"))
    L("#13 wrong audience", lambda n: C(n, aud="other"), expect=ev("invalid audience (aud) claim: audience claim does not match any expected audience"))
    L("#13 no audience", lambda n: C(n, aud=DEL), expect=ev("invalid audience (aud) claim: audience claim does not match any expected audience"))
    L("#14 no time claims", lambda n: C(n, iat=DEL, exp=DEL), expect=ev("no issued at (iat), not before (nbf), or expiration time (exp) claims in token"))
    L("#14 time claims null", lambda n: C(n, iat=None, exp=None, nbf=None), expect=ev("no issued at (iat), not before (nbf), or expiration time (exp) claims in token"))
    L("#14 time claims zero", lambda n: C(n, iat=0, exp=0), expect=ev("no issued at (iat), not before (nbf), or expiration time (exp) claims in token"))
    L("#15 nbf in the future", lambda n: C(n, aud="a", nbf=n + 300), role="leeway", expect=ev("invalid not before (nbf) claim: token not yet valid"))
    L("#16 expired", lambda n: C(n, aud="a", iat=n - 1000, exp=n - 300), role="leeway", expect=ev("invalid expiration time (exp) claim: token is expired"))
    L("#17 iat in the future with an earlier nbf", lambda n: C(n, aud="a", iat=n + 300, nbf=n - 10), role="leeway", expect=ev("invalid issued at (iat) claim: token issued in the future"))
    L("#18 aud array, no bound audiences", lambda n: C(n, sub="subject-1", aud=["x"]), role="noaud", expect="audience claim found in JWT but no audiences bound to the role")
    L("#19 user claim missing", lambda n: C(n, email=DEL), role="mail", expect='claim "email" not found in token')
    L("#19 user claim a number", lambda n: C(n, email=7), role="mail", expect='claim "email" could not be converted to string')
    L("#19 user claim null", lambda n: C(n, email=None), role="mail", expect='claim "email" not found in token')
    L("#19 sub missing", lambda n: C(n, sub=DEL), expect='claim "sub" not found in token')
    L("#20 mapped claim a number", lambda n: C(n, email=5), expect="error converting claim 'email' to string")
    L("#20 mapped claim missing is skipped", lambda n: C(n, email=DEL), expect="ok")
    L("#21 groups missing", lambda n: C(n, groups=DEL), expect='failed to fetch groups: "groups" claim not found in token')
    L("#21 groups an object", lambda n: C(n, groups={"a": 1}), expect='"groups" claim could not be converted to string list')
    L("#21 group element a number", lambda n: C(n, groups=["developers", 1]), expect="value 1 in groups claim could not be parsed as string")
    L("#21 group element a bool", lambda n: C(n, groups=[True]), expect="value true in groups claim could not be parsed as string")
    L("#21 group element null", lambda n: C(n, aud="a", groups=["x", None]), role="grp", expect="value <nil> in groups claim could not be parsed as string")
    L("#22 bound claim missing (identity first: groups)", lambda n: C(n, groups=["ops"]), expect=nomatch("groups"))
    L("#22 groups lack developers", lambda n: C(n, groups=["ops", "qa"]), expect=nomatch("groups"))
    L("#22 bound claim absent", lambda n: C(n, aud=DEL, x=DEL), role="globstar", expect='error validating claims: claim "x" is missing')
    L("#22 received claim an object", lambda n: C(n, aud=DEL, n={"a": 1}), role="num")
    L("#23 empty user name", lambda n: C(n, name=""), role="name")

    # Audience rules (reference §4.9).
    for label, aud, exp in [
        ("aud absent", DEL, "ok"),
        ('aud "" (OpenBao 2.7: refused, unlike reference §4.9)', "", "audience claim found in JWT but no audiences bound to the role"),
        ("aud []", [], "ok"),
        ('aud [""]', [""], "audience claim found in JWT but no audiences bound to the role"),
        ('aud ["x","y"]', ["x", "y"], "audience claim found in JWT but no audiences bound to the role"),
    ]:
        L(f"audience, no bound audiences: {label}", lambda n, aud=aud: C(n, sub="subject-1", aud=aud), role="noaud", expect=exp)
    for label, aud, exp in [
        ('"b" in [a b]', "b", "ok"),
        ('["c","a"] any-of', ["c", "a"], "ok"),
        ('"c"', "c", ev("invalid audience (aud) claim: audience claim does not match any expected audience")),
        ('["c"]', ["c"], ev("invalid audience (aud) claim: audience claim does not match any expected audience")),
        ('"A" case-sensitive', "A", ev("invalid audience (aud) claim: audience claim does not match any expected audience")),
    ]:
        L(f"audience bound [a b]: {label}", lambda n, aud=aud: C(n, aud=aud), role="aud", expect=exp)

    # Leeways (reference §4.8.4); margins of 30 s or more keep these steady on a slow machine.
    expired = ev("invalid expiration time (exp) claim: token is expired")
    notyet = ev("invalid not before (nbf) claim: token not yet valid")
    for label, role, f, exp in [
        ("exp 30s ago, within the 60s skew", "leeway", lambda n: C(n, aud="a", iat=n - 100, exp=n - 30), "ok"),
        ("exp 90s ago", "leeway", lambda n: C(n, aud="a", iat=n - 200, exp=n - 90), expired),
        ("nbf in 30s, within the skew", "leeway", lambda n: C(n, aud="a", nbf=n + 30), "ok"),
        ("only exp, far: nbf := exp-150", "leeway", lambda n: C(n, aud="a", iat=DEL, exp=n + 3600), notyet),
        ("only exp, near", "leeway", lambda n: C(n, aud="a", iat=DEL, exp=n + 100), "ok"),
        ("only iat 100s ago", "leeway", lambda n: C(n, aud="a", iat=n - 100, exp=DEL), "ok"),
        ("only iat 300s ago: exp := iat+150", "leeway", lambda n: C(n, aud="a", iat=n - 300, exp=DEL), expired),
        ("only nbf 100s ago", "leeway", lambda n: C(n, aud="a", iat=DEL, exp=DEL, nbf=n - 100), "ok"),
        ("iat in the future, no nbf: the nbf error", "leeway", lambda n: C(n, aud="a", iat=n + 300), notyet),
        ("exp 0 is absent", "leeway", lambda n: C(n, aud="a", iat=n - 10, exp=0), "ok"),
        ("float iat truncated", "leeway", lambda n: C(n, aud="a", iat=n - 10.9), "ok"),
        ("negative exp", "leeway", lambda n: C(n, aud="a", iat=DEL, exp=-5), expired),
        ("negative leeways: exp 20s ago", "leeway-neg", lambda n: C(n, aud="a", iat=n - 100, exp=n - 20), expired),
        ("negative leeways: only iat 30s ago", "leeway-neg", lambda n: C(n, aud="a", iat=n - 30, exp=DEL), expired),
        ("negative leeways: nbf in 30s", "leeway-neg", lambda n: C(n, aud="a", nbf=n + 30), notyet),
        ("big leeways: only iat 1000s ago", "leeway-big", lambda n: C(n, aud="a", iat=n - 1000, exp=DEL), "ok"),
        ("big leeways: only exp in 3000s", "leeway-big", lambda n: C(n, aud="a", iat=DEL, exp=n + 3000), "ok"),
        ("big leeways: exp 90s ago within 2m skew", "leeway-big", lambda n: C(n, aud="a", iat=n - 500, exp=n - 90), "ok"),
        ("big leeways do not widen a real exp", "leeway-big", lambda n: C(n, aud="a", iat=n - 5000, exp=n - 600), expired),
    ]:
        L(f"leeway: {label}", f, role=role, expect=exp)

    # Glob (reference §5.3).
    g = lambda n, **o: C(n, **dict(dict(aud=DEL, ref="true", env="prod-eu"), **o))
    for label, f, exp in [
        ("all match", lambda n: g(n), "ok"),
        ("second pattern *-stage", lambda n: g(n, env="eu-stage"), "ok"),
        ("env list, one matches", lambda n: g(n, env=["dev", "x-stage"]), "ok"),
        ("no match", lambda n: g(n, env="stage"), nomatch("env")),
        ("bool is skipped by glob", lambda n: C(n, aud=DEL, env="prod-1", ref=True), nomatch("ref")),
        ("suffix mismatch", lambda n: g(n, email="alice@example.org"), nomatch("email")),
        ("star matches empty", None, None),
    ]:
        if f is None:
            L("glob: * matches an empty string", lambda n: C(n, aud=DEL, x=""), role="globstar", expect="ok")
            continue
        L(f"glob: {label}", f, role="glob", expect=exp)

    # JSON pointers (reference §5.1).
    p = lambda n, **o: C(
        n,
        aud="a",
        sub=DEL,
        **dict(
            dict(
                user={"id": "u-7"},
                realm={"groups": ["g1", "g2"]},
                https={"//vault/groups": {"testing": "yes"}},
                org={"team": "blue"},
                list=["zero", "one"],
            ),
            **o,
        ),
    )
    L("pointer: all found", lambda n: p(n), role="ptr", expect="ok")
    L("pointer: user claim missing", lambda n: p(n, user={}), role="ptr", expect='claim "/user/id" not found in token')
    L("pointer: user claim a number", lambda n: p(n, user={"id": 7}), role="ptr", expect='claim "/user/id" could not be converted to string')
    L("pointer: groups missing", lambda n: p(n, realm={"roles": []}), role="ptr", expect='failed to fetch groups: "/realm/groups" claim not found in token')
    L("pointer: bound claim differs", lambda n: p(n, https={"//vault/groups": {"testing": "no"}}), role="ptr", expect=nomatch("/https/~1~1vault~1groups/testing"))
    L("pointer: mapping into an array element", lambda n: p(n, list=["zero", 1]), role="ptr", expect="error converting claim '/list/1' to string")
    L("pointer: off, name is a literal key", lambda n: C(n, aud="a", **{"/user/id": "lit"}), role="ptr-off", expect="ok")
    L("pointer: off, nested not followed", lambda n: C(n, aud="a", user={"id": "x"}), role="ptr-off", expect='claim "/user/id" not found in token')

    # Numbers and types in bound claims (reference §5.2).
    for label, role, f, exp in [
        ("123 matches 123", "num", lambda n: C(n, aud=DEL, n=123), "ok"),
        ("123 matches 123.7 (truncated)", "num", lambda n: C(n, aud=DEL, n=123.7), "ok"),
        ("123 does not match \"123\"", "num", lambda n: C(n, aud=DEL, n="123"), nomatch("n")),
        ("123 does not match [123] (nested float)", "num", lambda n: C(n, aud=DEL, n=[123]), nomatch("n")),
        ("123.0 never matches", "num-float", lambda n: C(n, aud=DEL, n=123), nomatch("n")),
        ("true matches true", "bool", lambda n: C(n, aud=DEL, flag=True), "ok"),
        ("true does not match \"true\"", "bool", lambda n: C(n, aud=DEL, flag="true"), nomatch("flag")),
        ("[1] does not match [1,2]", "arr", lambda n: C(n, aud=DEL, ids=[1, 2]), nomatch("ids")),
        ("[1] matches 1", "arr", lambda n: C(n, aud=DEL, ids=1), "ok"),
        ("string list any-of", "str", lambda n: C(n, aud=DEL, dept=["hr", "ops"], flag="true"), "ok"),
        ("\"true\" does not match true", "str", lambda n: C(n, aud=DEL, dept="eng", flag=True), nomatch("flag")),
    ]:
        L(f"number/type: {label}", f, role=role, expect=exp)

    # Groups rules (reference §4.10).
    for label, groups, exp in [
        ("string becomes one group", "a,b", "ok"),
        ("empty list", [], "ok"),
        ("empty strings skipped", ["", "x"], "ok"),
        ("number at top level", 5, "value 5 in groups claim could not be parsed as string"),
        ("bool at top level", True, "value true in groups claim could not be parsed as string"),
    ]:
        L(f"groups: {label}", lambda n, g=groups: C(n, aud="a", groups=g), role="grp", expect=exp)

    # Token issuance: policies, TTLs, metadata.
    for label, role, mount in [
        ("ttl 1h / max 2h", "ttl", "jwt"),
        ("period 30m", "period", "jwt"),
        ("explicit max 1h caps ttl 2h", "explicit", "jwt"),
        ("no default policy, sanitised", "nodefault", "jwt"),
        ("batch token", "batch", "jwt"),
        ("tuned mount caps ttl 3h at max 2h", "long", "tuned"),
    ]:
        L(f"issuance: {label}", lambda n: C(n, aud="a"), role=role, mount=mount, expect="ok")

    # Other key sources.
    es, ed = keys["es"], keys["ed"]

    def jv_signed(k, alg, claims, kid=None):
        args = ["jwt", "sign", f"-key={k['private']}", f"-alg={alg}"] + ([f"-kid={kid}"] if kid else []) + ["-"]
        out = t.jv(args, stdin=json.dumps(claims))
        if out.code != 0:
            fatal(f"jwt sign: {out}")
        return out.stdout.strip()

    n = int(time.time())
    login_compare(t, "multi: ES256 key", "multi", jv_signed(es, "ES256", C(n)), expect="ok")
    login_compare(t, "multi: EdDSA key", "multi", jv_signed(ed, "EdDSA", C(n)), expect="ok")
    login_compare(t, "multi: RS256 token, no RSA key", "multi", compact(H, C(n), key=rsa), expect=ev("error verifying token signature: no known key successfully validated the token signature"))
    login_compare(t, "multi: ES256 header on an EdDSA signature", "multi", jv_signed(ed, "EdDSA", C(n)).replace(b64u(b'{"alg":"EdDSA"'), b64u(b'{"alg":"ES256"'), 1))
    failed = ev("error verifying token signature: failed to verify id token signature")
    kh = lambda kid: {"alg": "RS256", "kid": kid}
    login_compare(t, "jwks: kid k1 selects the RSA key", "jwks", compact(kh("k1"), C(n), key=rsa_kid), expect="ok")
    login_compare(t, "jwks: no kid tries every key", "jwks", compact(H, C(n), key=rsa_kid), expect="ok")
    login_compare(t, "jwks: kid of the EC key", "jwks", compact(kh("k2"), C(n), key=rsa_kid), expect=failed)
    login_compare(t, "jwks: unknown kid", "jwks", compact(kh("nope"), C(n), key=rsa_kid), expect=failed)
    login_compare(t, "jwks: ES256 with kid k2", "jwks", jv_signed(keys["es_kid"], "ES256", C(n), kid="k2"), expect="ok")
    login_compare(t, "jwks: alg none", "jwks", compact({"alg": "none"}, C(n)))
    login_compare(t, "jwks: HS256", "jwks", compact({"alg": "HS256", "kid": "k1"}, C(n), hmac_key=b"secret"))
    login_compare(t, "jwks: malformed", "jwks", "x.y")

    # CIDR with the loopback address (extension remote_addr, D-10).
    tok = compact(H, C(int(time.time()), aud=DEL), key=rsa)
    login_compare(t, "cidr 127.0.0.1/32 (jwtvault given remote_addr)", "jwt", tok, role="cidr-local", jv_env={"JWTVAULT_REMOTE_ADDR": "127.0.0.1"}, expect="ok")


def deviation_scenarios(t, keys, docs):
    """Each difference docs/deviations.md lists, asserted as the contract says."""
    rsa = rsa_private(keys["rsa"]["private_text"])
    H = {"alg": "RS256", "typ": "JWT"}
    now = int(time.time())

    # D-1 role_type defaults to jwt.
    args = ["write", "auth/jwt/role/d1", "user_claim=sub", "bound_audiences=a"]
    b, j = t.bao(args), t.jv(args)
    r = t.jv(["read", "-field=role_type", "auth/jwt/role/d1"])
    check(
        "D-1 role_type default: OpenBao refuses, jwtvault stores jwt",
        b.code == 2
        and "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified." in b.stderr
        and j.code == 0
        and r.stdout == "jwt",
        show(b, j) + f"\n{r}",
    )

    # D-2 token_audiences on the config.
    for side in ("bao", "jv"):
        run_ = t.bao if side == "bao" else t.jv
        out = run_(["auth", "enable", "-path=aud2", "jwt"])
        check(f"D-2 setup {side}", out.code == 0, repr(out))
        out = run_(
            [
                "write",
                "auth/aud2/config",
                f"jwt_validation_pubkeys=@{keys['rsa']['public']}",
                "token_audiences=vault-aud-value",
            ]
        )
        check(f"D-2 config write with token_audiences accepted ({side})", out.code == 0, repr(out))
        out = run_(["write", "auth/aud2/role/r", "role_type=jwt", "user_claim=sub", "bound_subject=user-12345"])
        check(f"D-2 role write ({side})", out.code == 0, repr(out))
    tf = t.file("d2.jwt", compact(H, claims_at(now, aud="vault-aud-value"), key=rsa))
    b = t.bao(["write", "auth/aud2/login", "role=r", f"jwt=@{tf}"])
    j = t.jv(["write", "auth/aud2/login", "role=r", f"jwt=@{tf}"])
    check(
        "D-2 token_audiences: OpenBao ignores it (aud found, none bound), jwtvault binds it",
        b.code == 2 and "audience claim found in JWT but no audiences bound to the role" in b.stderr and j.code == 0,
        show(b, j),
    )
    tf = t.file("d2b.jwt", compact(H, claims_at(now, aud="other"), key=rsa))
    j = t.jv(["write", "auth/aud2/login", "role=r", f"jwt=@{tf}"])
    check(
        "D-2 token_audiences: jwtvault refuses another audience with Vault's message",
        j.code == 2
        and messages(split_jv(j.stderr)[0]) == [ev("invalid audience (aud) claim: audience claim does not match any expected audience")],
        repr(j),
    )

    # D-3 bound_claims string forms.
    for label, value in [
        ("key=value list", "groups=developers,groups=ops,team=blue"),
        ("JSON text", '{"groups":["developers","ops"],"team":"blue"}'),
    ]:
        args = ["write", "auth/jwt/role/d3", "role_type=jwt", "user_claim=sub", f"bound_claims={value}"]
        b, j = t.bao(args), t.jv(args)
        r = t.jv(["read", "-format=json", "auth/jwt/role/d3"])
        try:
            stored = json.loads(r.stdout)["data"]["bound_claims"]
        except (ValueError, KeyError):
            stored = None
        check(
            f"D-3 bound_claims as {label}: OpenBao refuses, jwtvault stores the map",
            b.code == 2
            and "error converting input for field \"bound_claims\"" in b.stderr
            and j.code == 0
            and stored == {"groups": ["developers", "ops"], "team": "blue"},
            show(b, j) + f"\n{r}",
        )
    bc = t.file("bc.json", '{"groups":"developers"}')
    j = t.jv(["write", "auth/jwt/role/d3", "role_type=jwt", "user_claim=sub", f"bound_claims=@{bc}"])
    r = t.jv(["read", "-format=json", "auth/jwt/role/d3"])
    check(
        "D-3 bound_claims=@file.json: jwtvault stores the map",
        j.code == 0 and '"groups": "developers"' in r.stdout,
        repr(j) + repr(r),
    )

    # D-4 oidc_discovery_url: the issuer URL or the full discovery URL.
    issuer = docs.url
    docs.routes["/.well-known/openid-configuration"] = (200, {"issuer": issuer, "jwks_uri": f"{docs.url}/jwks.json"})
    for side in ("bao", "jv"):
        run_ = t.bao if side == "bao" else t.jv
        run_(["auth", "enable", "-path=disc", "jwt"])
    args = ["write", "auth/disc/config", f"oidc_discovery_url={issuer}"]
    same(t, "D-4 discovery with the issuer URL (both)", args)
    args = ["write", "auth/disc/config", f"oidc_discovery_url={issuer}/.well-known/openid-configuration"]
    b, j = t.bao(args), t.jv(args)
    check(
        "D-4 full discovery URL: OpenBao refuses, jwtvault accepts",
        b.code == 2 and "'oidc_discovery_url' contains '.well-known' component" in b.stderr and j.code == 0,
        show(b, j),
    )
    # Row 7 of the catalogue needs an OIDC-flow config: a client id and secret.
    args = ["write", "auth/disc/config", f"oidc_discovery_url={issuer}", "oidc_client_id=c", "oidc_client_secret=s"]
    b, j = t.bao(args), t.jv(args)
    check("catalogue #7 setup: OIDC flow config accepted by both", b.code == 0 and j.code == 0, show(b, j))
    for side in ("bao", "jv"):
        run_ = t.bao if side == "bao" else t.jv
        run_(["write", "auth/disc/role/r", "role_type=jwt", "user_claim=sub", "bound_audiences=vault-aud-value"])
    # D-15: OpenBao goes on to verify against the discovered keys; Vault (the catalogue, row 7)
    # and jwtvault refuse the config type.
    tf = t.file("d15.jwt", compact(H, claims_at(now), key=rsa))
    b = t.bao(["write", "auth/disc/login", "role=r", f"jwt=@{tf}"])
    j = t.jv(["write", "auth/disc/login", "role=r", f"jwt=@{tf}"])
    check(
        "D-15 catalogue #7 (OIDC-flow config): jwtvault gives Vault's row 7, OpenBao verifies",
        b.code == 2
        and messages(norm_bao(b.stderr)) == [ev("error verifying token signature: failed to verify id token signature")]
        and j.code == 2
        and messages(split_jv(j.stderr)[0]) == ["error configuring token validator: unsupported config type"],
        show(b, j),
    )

    # D-5 error output: no URL line; D-6 the Hint block; D-7 JSON errors on stderr.
    tf = t.file("d5.jwt", compact(H, claims_at(now, aud="other"), key=rsa))
    j = t.jv(["write", "auth/jwt/login", "role=dev", f"jwt=@{tf}"])
    check(
        "D-5/D-6 jwtvault error: Vault's lines without URL, then a Hint block",
        j.code == 2
        and "URL:" not in j.stderr
        and j.stderr.startswith("Error writing data to auth/jwt/login: Code: 400. Errors:\n\n* error validating token: invalid audience")
        and "\nHint:" in j.stderr
        and '"other"' in j.stderr
        and "{" not in j.stderr.split("Hint:", 1)[1][:1],
        repr(j),
    )
    j = t.jv(["write", "-format=json", "auth/jwt/login", "role=dev", f"jwt=@{tf}"])
    check(
        "D-7 -format=json: errors also as {\"errors\": [...]} on stderr",
        j.code == 2 and split_jv(j.stderr)[2] == [ev("invalid audience (aud) claim: audience claim does not match any expected audience")] and j.stdout == "",
        repr(j),
    )

    # D-8 duplicate member names: both refuse; OpenBao's go-jose says no key verified,
    # jwtvault says why, before any signature work.
    payload = (
        '{"iss":"%s","sub":"user-12345","sub":"someone-else","aud":"vault-aud-value","iat":%d,"exp":%d,'
        '"groups":["developers"]}' % (ISS, now, now + 600)
    ).encode()
    tf = t.file("d8.jwt", compact(H, payload, key=rsa))
    b = t.bao(["write", "auth/jwt/login", "role=dev", f"jwt=@{tf}"])
    j = t.jv(["write", "auth/jwt/login", "role=dev", f"jwt=@{tf}"])
    jm = messages(split_jv(j.stderr)[0])
    check(
        "D-8 duplicate claim names: both refuse; jwtvault names the repeated member",
        b.code == 2
        and messages(norm_bao(b.stderr)) == [ev("error verifying token signature: no known key successfully validated the token signature")]
        and j.code == 2
        and len(jm) == 1
        and jm[0].startswith("error validating token: ")
        and '"sub"' in jm[0]
        and "duplicate" in jm[0],
        show(b, j),
    )

    # D-9 tokens over 64 KiB.
    big = compact(H, claims_at(now, pad="x" * 70000), key=rsa)
    tf = t.file("d9.jwt", big)
    b = t.bao(["write", "-format=json", "auth/jwt/login", "role=dev", f"jwt=@{tf}"])
    j = t.jv(["write", "auth/jwt/login", "role=dev", f"jwt=@{tf}"])
    check(
        "D-9 token over 64 KiB: OpenBao accepts, jwtvault refuses before any signature work",
        b.code == 0
        and j.code == 2
        and len(messages(split_jv(j.stderr)[0])) == 1
        and messages(split_jv(j.stderr)[0])[0].startswith(ev(f"token is {len(big)} bytes"))
        and "65536" in j.stderr,
        show(b, j),
    )

    # D-16 base64 padding: go-jose strips trailing '=', jwtvault refuses (issue #7 item 3).
    good = compact(H, claims_at(now), key=rsa)
    tf = t.file("d16.jwt", good + "==")
    b = t.bao(["write", "auth/jwt/login", "role=dev", f"jwt=@{tf}"])
    j = t.jv(["write", "auth/jwt/login", "role=dev", f"jwt=@{tf}"])
    jm = messages(split_jv(j.stderr)[0])
    check(
        "D-16 padded base64url: OpenBao accepts, jwtvault refuses with go-jose's base64 text",
        b.code == 0
        and j.code == 2
        and len(jm) == 1
        and jm[0].startswith(ev("error verifying token signature: illegal base64 data at input byte ")),
        show(b, j),
    )

    # D-10 bound CIDRs need remote_addr: without it jwtvault says permission denied.
    tok = compact(H, claims_at(now, aud=DEL), key=rsa)
    tf = t.file("d10.jwt", tok)
    b = t.bao(["write", "auth/jwt/login", "role=cidr-local", f"jwt=@{tf}"])
    j = t.jv(["write", "auth/jwt/login", "role=cidr-local", f"jwt=@{tf}"])
    j2 = t.jv(["write", "auth/jwt/login", "role=cidr-local", f"jwt=@{tf}", "remote_addr=127.0.0.1"])
    check(
        "D-10 CIDR: OpenBao sees 127.0.0.1; jwtvault without remote_addr refuses, with it logs in",
        b.code == 0 and j.code == 2 and "* permission denied" in j.stderr and j2.code == 0,
        show(b, j) + repr(j2),
    )

    # D-11 wording: OpenBao's name in its warnings; jwtvault says Vault.
    args = ["write", "auth/jwt/role/d11", "role_type=jwt", "user_claim=sub", "bound_audiences=a", "verbose_oidc_logging=true"]
    b, j = t.bao(args), t.jv(args)
    check(
        "D-11 wording: 'returned from OpenBao' vs 'returned from Vault'",
        "The following warnings were returned from OpenBao:" in b.stderr
        and "The following warnings were returned from Vault:" in j.stderr,
        show(b, j),
    )

    # A string aud with no bound audiences: refused by OpenBao 2.7 (reference §4.9 says Vault
    # refuses it too); compared exactly.
    tok = compact(H, claims_at(now, sub="subject-1", aud="x"), key=rsa)
    login_compare(t, "audience, no bound audiences: aud \"x\" (string)", "jwt", tok, role="noaud")


# ------------------------------------------------------------------------------------------
# KV version 2 (contract §9, issue 14 item 3): `bao server -dev` mounts `secret/` as KV v2; the
# local state gets the same mount. Outputs are compared whole once the values that differ
# between any two runs are masked: times and request ids. OpenBao's `'bao kv get'` in its
# warning is Vault's `'vault kv get'` (deviations.md D-31; with `OpenBao` -> `Vault` the text
# has the same length, so the warning wraps at the same places).

KV_TIME = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")
KV_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def norm_kv(text):
    text = KV_UUID.sub("<uuid>", KV_TIME.sub("<time>", text))
    text = text.replace("OpenBao", "Vault")
    return text.replace("Vault CLI, use 'bao kv", "Vault CLI, use 'vault kv").rstrip("\n")


POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2)


def both(bao_call, jv_call):
    """The two sides of a KV scenario at once (each has its own state, so neither waits)."""
    fb = POOL.submit(bao_call)
    j = jv_call()
    return fb.result(), j


def same_kv(t, name, args, code, stdin=None, bao_env=None, jv_env=None, jv_args=None):
    """As `same`, with times and request ids masked. `code`: the exit status OpenBao must give
    (so that both cannot agree on a wrong answer)."""
    b, j = both(lambda: t.bao(args, stdin, env=bao_env), lambda: t.jv(jv_args or args, stdin, env=jv_env))
    js, _hint, errs = split_jv(j.stderr)
    ok = (
        b.code == code
        and j.code == code
        and norm_kv(norm_bao(b.stderr)) == norm_kv(js)
        and norm_kv(b.stdout) == norm_kv(j.stdout)
    )
    if errs is not None and errs != messages(js):
        ok = False
    check(f"kv: {name}", ok, show(b, j))
    return b, j


def kv_json_fields(t, name, args, bao_env=None, jv_env=None):
    """A read with `-format=json` on both: `data.data` equal, `data.metadata` equal but for
    its times, which must both be set or both empty."""
    b = t.bao(args, env=bao_env)
    j = t.jv(args, env=jv_env)
    try:
        bd, jd = json.loads(b.stdout)["data"], json.loads(j.stdout)["data"]
        mask = lambda m: {k: (bool(v) if k.endswith("_time") else v) for k, v in (m or {}).items()}
        ok = b.code == j.code == 0 and bd["data"] == jd["data"] and mask(bd["metadata"]) == mask(jd["metadata"])
    except (ValueError, KeyError, TypeError) as e:
        ok = False
        bd, jd = str(e), ""
    check(f"kv: {name} (data and metadata fields)", ok, f"{bd}\n{jd}\n{show(b, j)}")


def kv_mount(t):
    """`secret/` on the local state as `bao server -dev` has it."""
    out = t.jv(["write", "sys/mounts/secret", "type=kv-v2", "description=key/value secret storage"])
    if out.code != 0:
        fatal(f"mounting secret/ locally: {out}")


def kv_tokens(t, name, policy):
    """The policy `name` on both and a token with it on each: (bao's token, jwtvault's)."""
    toks = []
    for side in (t.bao, t.jv):
        out = side(["policy", "write", name, "-"], stdin=policy)
        if out.code != 0:
            fatal(f"policy write {name}: {out}")
        out = side(["write", "-field=token", "auth/token/create", f"policies={name}"])
        if out.code != 0 or not out.stdout.strip():
            fatal(f"token for {name}: {out}")
        toks.append(out.stdout.strip())
    return toks


def kv_raw_scenarios(t):
    """The KV API paths through `read`/`write`/`list`/`delete` (kv.md §3)."""
    body = t.json_file({"data": {"k": "v", "n": 1.0, "big": 12345678901234567890}, "options": {}})
    body2 = t.json_file({"data": {"k": "v2"}, "options": {"cas": 1}})
    S = lambda name, args, code=0, **kw: same_kv(t, f"raw: {name}", args, code, **kw)
    S("write secret/data/raw", ["write", "secret/data/raw", f"@{body}"])
    S("write refused: no data", ["write", "secret/data/raw", "a=b"], code=2)
    S("write with cas=1", ["write", "secret/data/raw", f"@{body2}"])
    S("write refused: cas mismatch", ["write", "secret/data/raw", f"@{body2}"], code=2)
    S("read (table)", ["read", "secret/data/raw"])
    S("read version=1 (numbers as Go's float64)", ["read", "-format=json", "secret/data/raw", "version=1"])
    kv_json_fields(t, "raw: read -format=json", ["read", "-format=json", "secret/data/raw"])
    S("read -field=data", ["read", "-field=data", "secret/data/raw"])
    S("list secret/metadata", ["list", "secret/metadata"])
    S("read metadata", ["read", "secret/metadata/raw"])
    S("delete (latest version)", ["delete", "secret/data/raw"])
    S("read of the deleted version", ["read", "secret/data/raw"])
    S("write secret/undelete/raw versions=2", ["write", "secret/undelete/raw", "versions=2"])
    S("write secret/destroy/raw versions=1", ["write", "secret/destroy/raw", "versions=1"])
    S("read version=1 (destroyed)", ["read", "secret/data/raw", "version=1"])
    S("read never written", ["read", "secret/data/never"], code=2)
    S("list of nothing", ["list", "secret/metadata/nothing"], code=2)
    S("read of the mount without data/ (warning)", ["read", "secret/raw"])
    S("write secret/data/app/db", ["write", "secret/data/app/db", f"@{body}"])
    btok, jtok = kv_tokens(t, "kv-app", 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n')
    who = dict(bao_env={"BAO_TOKEN": btok}, jv_env={"JWTVAULT_TOKEN": jtok})
    S("read-only token: read secret/data/app/db", ["read", "-field=data", "secret/data/app/db"], **who)
    S("read-only token: write refused (403)", ["write", "secret/data/app/db", f"@{body}"], code=2, **who)
    S("read-only token: read secret/data/other/x refused (403)", ["read", "secret/data/other/x"], code=2, **who)
    S("read-only token: list refused (403)", ["list", "secret/metadata/app"], code=2, **who)
    S("read-only token: read secret/metadata/app/db refused (403)", ["read", "secret/metadata/app/db"], code=2, **who)
    S("read-only token: delete refused (403)", ["delete", "secret/data/app/db"], code=2, **who)
    S("read-only token: write secret/delete/app/db refused (403)", ["write", "secret/delete/app/db", "versions=1"], code=2, **who)
    S("read-only token: read secret/config refused (403)", ["read", "secret/config"], code=2, **who)
    S("delete secret/metadata/raw", ["delete", "secret/metadata/raw"])
    S("read after the metadata delete", ["read", "secret/data/raw"], code=2)
    S("delete secret/data/never (nothing there)", ["delete", "secret/data/never"])
    S("delete secret/metadata/never (nothing there)", ["delete", "secret/metadata/never"])
    S("write secret/delete/never versions=1 (nothing there)", ["write", "secret/delete/never", "versions=1"])
    S("write secret/undelete refused: no versions", ["write", "-force", "secret/undelete/app/db"], code=2)
    S("write secret/destroy refused: no versions", ["write", "-force", "secret/destroy/app/db"], code=2)
    S("read version=abc refused", ["read", "secret/data/app/db", "version=abc"], code=2)
    S("read version=9 (no such version)", ["read", "secret/data/app/db", "version=9"], code=2)
    for op, path in (("delete", "secret/config"), ("delete", "secret/undelete/x"), ("delete", "secret/destroy/x"), ("list", "secret/data"), ("list", "secret/data/x"), ("read", "secret/delete/x")):
        S(f"{op} {path} refused: 405", [op, path], code=2)
    S("list secret/config (a warning)", ["list", "secret/config"])
    S("write secret/data/dir/ (the CLI drops the last /)", ["write", "secret/data/dir/", "@" + t.json_file({"data": {"a": "1"}})])
    kv_raw_metadata_scenarios(t, S)
    return who


def kv_raw_metadata_scenarios(t, S):
    """`P/metadata/*` writes and `P/config` (kv.md §3.5, §3.6, §2.8)."""
    meta = t.json_file(
        {"max_versions": 2, "cas_required": True, "delete_version_after": "1h", "custom_metadata": {"owner": "alice", "team": "ops"}}
    )
    S("write secret/metadata/meta", ["write", "secret/metadata/meta", f"@{meta}"])
    S("read secret/metadata/meta (table)", ["read", "secret/metadata/meta"])
    S("read secret/metadata/meta -format=json", ["read", "-format=json", "secret/metadata/meta"])
    S("write refused: cas required", ["write", "secret/data/meta", f"@{t.json_file({'data': {'a': '1'}})}"], code=2)
    for n in (0, 1, 2):
        body = t.json_file({"data": {"a": str(n + 1)}, "options": {"cas": n}})
        S(f"write with cas={n} (max_versions 2)", ["write", "-format=json", "secret/data/meta", f"@{body}"])
    S("read version=1 (beyond max_versions)", ["read", "secret/data/meta", "version=1"], code=2)
    S("read secret/metadata/meta after three versions", ["read", "-format=json", "secret/metadata/meta"])
    S("write secret/delete/meta versions=2,3", ["write", "secret/delete/meta", "versions=2,3"])
    S("read secret/metadata/meta after the delete", ["read", "-field=versions", "secret/metadata/meta"])
    S("write secret/metadata refused: bad max_versions", ["write", "secret/metadata/meta", "max_versions=x"], code=2)
    S("write secret/metadata refused: negative delete_version_after", ["write", "secret/metadata/meta", "delete_version_after=-1s"], code=2)
    S("list secret/metadata (folders)", ["list", "secret/metadata"])
    S("list -format=json secret/metadata/app", ["list", "-format=json", "secret/metadata/app"])
    S("delete secret/metadata/meta", ["delete", "secret/metadata/meta"])
    S("read secret/config (defaults)", ["read", "secret/config"])
    S("write secret/config", ["write", "secret/config", "max_versions=4", "cas_required=true", "delete_version_after=90m"])
    S("read secret/config -format=json", ["read", "-format=json", "secret/config"])
    S("write refused: the mount requires cas", ["write", "secret/data/cfg", f"@{t.json_file({'data': {'a': '1'}})}"], code=2)
    S("write secret/config refused: bad cas_required", ["write", "secret/config", "cas_required=maybe"], code=2)
    S("write secret/config back", ["write", "secret/config", "max_versions=0", "cas_required=false", "delete_version_after=0s"])
    S("read secret/config after the reset", ["read", "secret/config"])


# Secrets-engine accessors (`kv_1a2b3c4d`) differ between any two runs: masked with the same
# length, so that the tables keep their padding.
KV_ACCESSOR = re.compile(r"\b(kv|identity|system|cubbyhole)_[0-9a-f]{8}\b")
RUNNING = re.compile(r"\bv\d+\.\d+\.\d+\+builtin\.(?:bao|jwtvault)\b")


def without_cubbyhole(text):
    """OpenBao's `secrets list` without its `cubbyhole/` row (jwtvault serves none,
    deviations.md D-30), the table padded again as the CLI pads it (widest cell, 4 spaces)."""
    lines = text.split("\n")
    if not any(line.startswith("cubbyhole/ ") for line in lines):
        return text
    rows = [re.split(r" {2,}", line) for line in lines if line and not line.startswith("cubbyhole/ ")]
    widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(max(map(len, rows)))]
    return "\n".join("    ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows) + "\n"


def kv_secrets_list(t, name, args):
    """`secrets list` on both: OpenBao's cubbyhole/ taken out; with -detailed, each server's
    build name (`Running Version`) and so that column's padding compared as one gap."""
    b, j = both(lambda: t.bao(args), lambda: t.jv(args))
    bo = KV_ACCESSOR.sub(r"\1_########", without_cubbyhole(b.stdout))
    jo = KV_ACCESSOR.sub(r"\1_########", j.stdout)
    if "-format=json" in args:
        try:
            bd, jd = json.loads(bo), json.loads(jo)
            bd.pop("cubbyhole/", None)
            for d in (bd, jd):
                for entry in d.values():
                    entry["uuid"] = "<uuid>"
                    entry["running_plugin_version"] = RUNNING.sub("<version>", entry["running_plugin_version"])
            bo, jo = json.dumps(bd, sort_keys=True), json.dumps(jd, sort_keys=True)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            bo, jo = f"unparsable: {e}", jo
    elif "-detailed" in args:
        bo, jo = (re.sub(r" {2,}", "  ", RUNNING.sub("<version>", KV_UUID.sub("<uuid>", x))) for x in (bo, jo))
    ok = b.code == j.code == 0 and bo == jo and norm_bao(b.stderr) == split_jv(j.stderr)[0]
    check(f"kv: {name}", ok, f"{show(b, j)}\n--- compared:\n{bo}\n---\n{jo}")


def has_kv_commands(t):
    return t.jv(["kv", "-help"]).code == 0 and t.jv(["secrets", "-help"]).code == 0


def kv_command_scenarios(t, who):
    """The `kv` and `secrets` commands (contract §9, kv.md §1, §2): outputs whole, times and
    request ids masked; `who`: the read-only token on each side (kv_raw_scenarios)."""
    S = lambda name, args, code=0, **kw: same_kv(t, f"cmd: {name}", args, code, **kw)
    S("secrets enable -path=kvp kv-v2", ["secrets", "enable", "-path=kvp", "kv-v2"])
    S("secrets enable -version=2 -path=kvq kv", ["secrets", "enable", "-version=2", "-path=kvq", "kv"])
    S("secrets enable refused: the path is in use", ["secrets", "enable", "-path=kvp", "kv-v2"], code=2)
    S("secrets enable -description", ["secrets", "enable", "-path=kvd", "-description=team secrets", "kv-v2"])
    kv_secrets_list(t, "cmd: secrets list", ["secrets", "list"])
    kv_secrets_list(t, "cmd: secrets list -detailed", ["secrets", "list", "-detailed"])
    kv_secrets_list(t, "cmd: secrets list -format=json", ["secrets", "list", "-format=json"])
    S("secrets disable kvd", ["secrets", "disable", "kvd"])
    S("secrets disable of nothing", ["secrets", "disable", "kvd"])
    S("secrets disable refused: sys/", ["secrets", "disable", "sys"], code=2)

    # put / get
    S("kv put", ["kv", "put", "secret/cli/a", "user=x", "pass=y"])
    S("kv put -format=json", ["kv", "put", "-format=json", "secret/cli/b", "k=v"])
    S("kv put -mount=kvp", ["kv", "put", "-mount=kvp", "cfg", "a=1"])
    S("kv put -field=version", ["kv", "put", "-field=version", "secret/cli/c", "k=v"])
    S("kv put @file (JSON types)", ["kv", "put", "secret/cli/types", f"@{t.json_file({'n': 1.0, 'big': 12345678901234567890, 'l': [1, 'two', {'x': 3}], 'o': {'b': 2, 'a': [True]}, 'nul': None, 'e': '', 'ttl': 3600})}"])
    S("kv put refused: no data", ["kv", "put", "secret/cli/a"], code=1)
    S("kv put refused: no arguments", ["kv", "put"], code=1)
    S("kv put -cas=0 refused: the key exists", ["kv", "put", "-cas=0", "secret/cli/a", "user=z"], code=2)
    S("kv put -cas=1", ["kv", "put", "-cas=1", "secret/cli/a", "user=z", "pass=y"])
    S("kv get (table)", ["kv", "get", "secret/cli/a"])
    S("kv get (every JSON type)", ["kv", "get", "secret/cli/types"])
    S("kv get -format=json", ["kv", "get", "-format=json", "secret/cli/a"])
    S("kv get -format=yaml", ["kv", "get", "-format=yaml", "secret/cli/a"])
    S("kv get -field=user", ["kv", "get", "-field=user", "secret/cli/a"])
    S("kv get -format=json -field=o", ["kv", "get", "-format=json", "-field=o", "secret/cli/types"])
    S("kv get -field refused: no such field", ["kv", "get", "-field=nope", "secret/cli/a"], code=1)
    S("kv get -version=1", ["kv", "get", "-version=1", "secret/cli/a"])
    S("kv get -version=9: no such version", ["kv", "get", "-version=9", "secret/cli/a"], code=2)
    S("kv get -mount=secret cli/a", ["kv", "get", "-mount=secret", "cli/a"])
    S("kv get -mount=kvp -field=a cfg", ["kv", "get", "-mount=kvp", "-field=a", "cfg"])
    S("kv get of a missing key", ["kv", "get", "secret/cli/nope"], code=2)
    S("kv get refused: no mount (preflight)", ["kv", "get", "nomount/x"], code=2)
    S("kv get of the mount itself (a warning)", ["kv", "get", "secret"])
    S("kv get refused: too many arguments", ["kv", "get", "secret/cli/a", "extra"], code=1)

    # patch
    S("kv patch", ["kv", "patch", "secret/cli/a", "extra=1"])
    S("kv patch -cas=3", ["kv", "patch", "-cas=3", "secret/cli/a", "more=2"])
    S("kv patch -cas=1 refused: cas mismatch", ["kv", "patch", "-cas=1", "secret/cli/a", "x=1"], code=2)
    S("kv patch -method=rw", ["kv", "patch", "-method=rw", "secret/cli/a", "rw=1"])
    S("kv patch refused: no such key", ["kv", "patch", "secret/cli/nope", "a=1"], code=2)
    S("kv patch -format=json", ["kv", "patch", "-format=json", "secret/cli/a", "user=p"])

    # list
    S("kv list secret", ["kv", "list", "secret"])
    S("kv list secret/cli", ["kv", "list", "secret/cli"])
    S("kv list -format=json secret/cli", ["kv", "list", "-format=json", "secret/cli"])
    S("kv list -mount=kvp", ["kv", "list", "-mount=kvp", ""])
    S("kv list of nothing", ["kv", "list", "secret/nothing"], code=2)

    # metadata
    S(
        "kv metadata put",
        ["kv", "metadata", "put", "-max-versions=5", "-cas-required=true", "-delete-version-after=1h", "-custom-metadata=owner=alice", "-custom-metadata=team=ops", "secret/cli/m"],
    )
    S("kv metadata get", ["kv", "metadata", "get", "secret/cli/m"])
    S("kv put refused: cas required", ["kv", "put", "secret/cli/m", "a=1"], code=2)
    S("kv put -cas=0 (cas required)", ["kv", "put", "-cas=0", "secret/cli/m", "a=1"])
    S("kv metadata get (a version)", ["kv", "metadata", "get", "secret/cli/m"])
    S("kv metadata get -format=json", ["kv", "metadata", "get", "-format=json", "secret/cli/m"])
    S("kv metadata get -mount=secret", ["kv", "metadata", "get", "-mount=secret", "cli/a"])
    S("kv metadata get of a missing key", ["kv", "metadata", "get", "secret/cli/nope"], code=2)
    S("kv metadata put -cas-required=false", ["kv", "metadata", "put", "-cas-required=false", "secret/cli/m"])
    S("kv metadata put refused: bad -delete-version-after", ["kv", "metadata", "put", "-delete-version-after=abc", "secret/cli/m"], code=1)
    S("kv metadata delete", ["kv", "metadata", "delete", "secret/cli/m"])
    S("kv metadata get after the delete", ["kv", "metadata", "get", "secret/cli/m"], code=2)
    S("kv metadata delete of nothing", ["kv", "metadata", "delete", "secret/cli/never"])

    # delete / undelete / destroy
    S("kv delete (latest)", ["kv", "delete", "secret/cli/a"])
    S("kv get of the deleted version", ["kv", "get", "secret/cli/a"])
    S("kv get -format=json of the deleted version", ["kv", "get", "-format=json", "secret/cli/a"])
    S("kv delete -versions=1,2", ["kv", "delete", "-versions=1,2", "secret/cli/a"])
    S("kv undelete -versions=2", ["kv", "undelete", "-versions=2", "secret/cli/a"])
    S("kv undelete refused: no -versions", ["kv", "undelete", "secret/cli/a"], code=1)
    S("kv destroy -versions=1", ["kv", "destroy", "-versions=1", "secret/cli/a"])
    S("kv destroy refused: no -versions", ["kv", "destroy", "secret/cli/a"], code=1)
    S("kv get -version=1 (destroyed)", ["kv", "get", "-version=1", "secret/cli/a"])
    S("kv get -version=2 (undeleted)", ["kv", "get", "-version=2", "secret/cli/a"])
    S("kv metadata get (deleted and destroyed versions)", ["kv", "metadata", "get", "secret/cli/a"])
    S("kv delete of nothing", ["kv", "delete", "secret/cli/never"])

    # The read-only token (secret/data/app/* read) of kv_raw_scenarios.
    S("read-only token: kv get secret/app/db", ["kv", "get", "secret/app/db"], **who)
    S("read-only token: kv get -mount=secret -field=k app/db", ["kv", "get", "-mount=secret", "-field=k", "app/db"], **who)
    S("read-only token: kv put refused (403)", ["kv", "put", "secret/app/db", "x=1"], code=2, **who)
    S("read-only token: kv get secret/other/x refused (403)", ["kv", "get", "secret/other/x"], code=2, **who)
    S("read-only token: kv list refused (403)", ["kv", "list", "secret/app"], code=2, **who)
    S("read-only token: kv metadata get refused (403)", ["kv", "metadata", "get", "secret/app/db"], code=2, **who)
    S("read-only token: kv delete refused (403)", ["kv", "delete", "secret/app/db"], code=2, **who)
    S("read-only token: kv destroy refused (403)", ["kv", "destroy", "-versions=1", "secret/app/db"], code=2, **who)
    S("read-only token: another mount refused (preflight)", ["kv", "get", "kvp/cfg"], code=2, **who)
    # Deviation D-21: `secrets …` are configuration commands, the local operator's whatever
    # token is set; OpenBao checks the token (403 on sys/mounts).
    b, j = t.bao(["secrets", "list"], env=who["bao_env"]), t.jv(["secrets", "list"], env=who["jv_env"])
    check(
        "kv: cmd: read-only token: secrets list [deviation D-21: OpenBao 403, jwtvault the operator's list]",
        b.code == 2 and "* permission denied" in b.stderr and j.code == 0 and "\nsecret/ " in j.stdout and j.stderr == "",
        show(b, j),
    )
    S("secrets disable kvp", ["secrets", "disable", "kvp"])
    S("kv get after the disable (preflight)", ["kv", "get", "kvp/cfg"], code=2)


def kv_command_edge_scenarios(t):
    """Edges of the `kv` and `secrets` commands (kv.md §1.2, §2, §6) on keys of their own."""
    S = lambda name, args, code=0, **kw: same_kv(t, f"cmd edge: {name}", args, code, **kw)
    S("secrets enable refused: unknown type", ["secrets", "enable", "-path=nope", "nosuch"], code=2)
    S("secrets enable refused: under sys/", ["secrets", "enable", "-path=sys/x", "kv-v2"], code=2)
    S("secrets enable refused: under auth/", ["secrets", "enable", "-path=auth/x", "kv-v2"], code=2)
    S("secrets enable -path with a trailing /", ["secrets", "enable", "-path=kve/", "kv-v2"])
    S("kv put from stdin (-)", ["kv", "put", "secret/e/stdin", "-"], stdin='{"a": "1", "n": 2}')
    S("kv put a value from stdin (k=-)", ["kv", "put", "secret/e/stdin2", "k=-"], stdin="from stdin")
    S("kv put a value from a file (k=@file)", ["kv", "put", "secret/e/file", f"k=@{t.file('kv-value.txt', 'file value')}"])
    S("kv get -field=k (from the file)", ["kv", "get", "-field=k", "secret/e/file"])
    S("kv put a multi-line value", ["kv", "put", "secret/e/multi", "k=line1\nline2"])
    # Deviation D-22: jwtvault's table escapes the newline (`line1\\nline2`); Vault's prints it raw.
    b, j = t.bao(["kv", "get", "secret/e/multi"]), t.jv(["kv", "get", "secret/e/multi"])
    check(
        "kv: cmd edge: kv get a multi-line value [deviation D-22: the newline escaped in the table]",
        b.code == j.code == 0
        and "k      line1\nline2\n" in b.stdout
        and norm_kv(b.stdout.replace("line1\nline2", "line1\\nline2")) == norm_kv(j.stdout),
        show(b, j),
    )
    S("kv get -field=k of a multi-line value (raw)", ["kv", "get", "-field=k", "secret/e/multi"])
    S("kv put of a path with data/ in it", ["kv", "put", "secret/data/e", "a=1"])
    S("kv get of a path with data/ in it", ["kv", "get", "secret/data/e"])
    S("kv get of a path with metadata/ in it: missing", ["kv", "get", "secret/metadata/e"], code=2)
    S("kv put at the mount root refused (a warning)", ["kv", "put", "-mount=secret", "", "a=1"], code=2)
    S("kv get with a trailing /", ["kv", "get", "secret/e/file/"])
    S("kv list with a trailing /", ["kv", "list", "secret/e/"])
    S("kv list -mount=secret e", ["kv", "list", "-mount=secret", "e"])
    S("kv list -format=yaml", ["kv", "list", "-format=yaml", "secret/e"])
    S("kv get -format=yaml -field=a", ["kv", "get", "-format=yaml", "-field=a", "secret/e/stdin"])
    S("kv get -field=data (the data map)", ["kv", "get", "-field=data", "secret/e/stdin"])
    S("kv get -field=metadata refused: no such field", ["kv", "get", "-field=metadata", "secret/e/stdin"], code=1)
    S("kv get -version=0 (latest)", ["kv", "get", "-version=0", "secret/e/stdin"])
    S("kv get -version=abc refused", ["kv", "get", "-version=abc", "secret/e/stdin"], code=1)
    S("kv put -cas=5 refused: cas mismatch", ["kv", "put", "-cas=5", "secret/e/stdin", "a=2"], code=2)
    S("kv put -cas=0 on a new key", ["kv", "put", "-cas=0", "secret/e/new", "a=1"])
    S("kv delete of the latest version", ["kv", "delete", "secret/e/new"])
    S("kv patch refused: the latest version is deleted", ["kv", "patch", "secret/e/new", "b=2"], code=2)
    S("kv patch -method=rw refused: the latest version is deleted", ["kv", "patch", "-method=rw", "secret/e/new", "b=2"], code=2)
    S("kv destroy -versions=1", ["kv", "destroy", "-versions=1", "secret/e/new"])
    S("kv get -format=json of a destroyed version", ["kv", "get", "-format=json", "secret/e/new"])
    S("kv undelete -versions=1 of a destroyed version", ["kv", "undelete", "-versions=1", "secret/e/new"])
    S("kv undelete -versions=1 of a key never written", ["kv", "undelete", "-versions=1", "secret/e/never"])
    S("kv delete -versions=3 of a key never written", ["kv", "delete", "-versions=3", "secret/e/never"])
    S("kv metadata put with no flags (nothing)", ["kv", "metadata", "put", "secret/e/nometa"])
    S("kv metadata get of it: missing", ["kv", "metadata", "get", "secret/e/nometa"], code=2)
    S("kv metadata put -max-versions=2", ["kv", "metadata", "put", "-max-versions=2", "secret/e/mv"])
    for n in (1, 2, 3):
        S(f"kv put version {n} (max 2)", ["kv", "put", "secret/e/mv", f"v={n}"])
    S("kv get -version=1 beyond max_versions: missing", ["kv", "get", "-version=1", "secret/e/mv"], code=2)
    S("kv metadata get -format=yaml after three puts", ["kv", "metadata", "get", "-format=yaml", "secret/e/mv"])
    S("kv metadata put -custom-metadata", ["kv", "metadata", "put", "-custom-metadata=owner=bob", "secret/e/mv"])
    S("kv get shows custom_metadata", ["kv", "get", "secret/e/mv"])
    S("kv put -format=yaml", ["kv", "put", "-format=yaml", "secret/e/mv", "v=4"])
    S("kv metadata put refused: bad -custom-metadata", ["kv", "metadata", "put", "-custom-metadata=bad", "secret/e/mv"], code=1)
    S("kv metadata delete -mount=secret", ["kv", "metadata", "delete", "-mount=secret", "e/mv"])
    S("kv get refused: not enough arguments", ["kv", "get"], code=1)
    S("kv delete -versions=1 -mount=secret", ["kv", "delete", "-versions=1", "-mount=secret", "e/stdin"])
    S("kv undelete -mount=secret -versions=1", ["kv", "undelete", "-mount=secret", "-versions=1", "e/stdin"])
    S("kv get -mount=kve (empty mount): missing", ["kv", "get", "-mount=kve", "x"], code=2)
    S("kv list -mount=kve (empty mount)", ["kv", "list", "-mount=kve", ""], code=2)
    S("secrets disable kve/", ["secrets", "disable", "kve/"])


KV_ACL_POLICIES = {
    "kv-list": 'path "secret/metadata/acl/*" {\n  capabilities = ["list"]\n}\n',
    "kv-create": 'path "secret/data/acl/new/*" {\n  capabilities = ["create"]\n}\n',
    "kv-update": 'path "secret/data/acl/*" {\n  capabilities = ["update"]\n}\n',
    "kv-delete": 'path "secret/data/acl/*" {\n  capabilities = ["delete"]\n}\n',
    "kv-patch": 'path "secret/data/acl/*" {\n  capabilities = ["patch"]\n}\n',
    "kv-rw": 'path "secret/data/acl/*" {\n  capabilities = ["read", "update"]\n}\n',
    "kv-seg": 'path "secret/data/+/db" {\n  capabilities = ["read"]\n}\n',
    "kv-meta": 'path "secret/metadata/acl/*" {\n  capabilities = ["read"]\n}\n',
    "kv-deny": 'path "secret/data/acl/*" {\n  capabilities = ["read"]\n}\npath "secret/data/acl/hidden" {\n  capabilities = ["deny"]\n}\n',
    "kv-versions": 'path "secret/delete/acl/*" {\n  capabilities = ["update"]\n}\npath "secret/undelete/acl/*" {\n  capabilities = ["update"]\n}\npath "secret/destroy/acl/*" {\n  capabilities = ["create"]\n}\n',
}


def kv_acl_scenarios(t):
    """The `kv` commands with tokens whose policies allow one capability each (kv.md §5): what
    Vault's ACL lets through, the preflight, and `kv patch`'s fallback to read and write."""
    for key in ("acl/db", "acl/hidden", "app/db"):
        for side in (t.bao, t.jv):
            out = side(["kv", "put", f"secret/{key}", "a=1"])
            if out.code != 0:
                fatal(f"kv put secret/{key}: {out}")
    tok = {}
    for name, policy in KV_ACL_POLICIES.items():
        b, j = kv_tokens(t, name, policy)
        tok[name] = dict(bao_env={"BAO_TOKEN": b}, jv_env={"JWTVAULT_TOKEN": j})
    S = lambda name, who, args, code=0: same_kv(t, f"acl: {who}: {name}", args, code, **tok[who])
    S("kv list", "kv-list", ["kv", "list", "secret/acl"])
    S("kv get refused", "kv-list", ["kv", "get", "secret/acl/db"], code=2)
    S("kv put of a new key", "kv-create", ["kv", "put", "secret/acl/new/k", "a=1"])
    S("kv put of it again refused (update)", "kv-create", ["kv", "put", "secret/acl/new/k", "a=2"], code=2)
    S("kv put of an existing key", "kv-update", ["kv", "put", "secret/acl/db", "a=2"])
    S("kv put of a new key refused (create)", "kv-update", ["kv", "put", "secret/acl/fresh", "a=1"], code=2)
    S("kv delete", "kv-delete", ["kv", "delete", "secret/acl/db"])
    S("kv delete -versions refused", "kv-delete", ["kv", "delete", "-versions=1", "secret/acl/db"], code=2)
    S("kv undelete -versions=2 refused", "kv-delete", ["kv", "undelete", "-versions=2", "secret/acl/db"], code=2)
    S("kv undelete -versions=2", "kv-versions", ["kv", "undelete", "-versions=2", "secret/acl/db"])
    S("kv delete -versions=1", "kv-versions", ["kv", "delete", "-versions=1", "secret/acl/db"])
    S("kv destroy -versions=1 refused (create is not update)", "kv-versions", ["kv", "destroy", "-versions=1", "secret/acl/db"], code=2)
    S("kv patch", "kv-patch", ["kv", "patch", "secret/acl/db", "p=1"])
    S("kv get refused", "kv-patch", ["kv", "get", "secret/acl/db"], code=2)
    S("kv patch (falls back to read and write, with a warning)", "kv-rw", ["kv", "patch", "secret/acl/db", "rw=1"])
    S("kv patch -method=patch refused", "kv-rw", ["kv", "patch", "-method=patch", "secret/acl/db", "x=1"], code=2)
    S("kv patch refused, after the fallback's warning", "kv-list", ["kv", "patch", "secret/acl/db", "x=1"], code=2)
    S("kv get through a + rule", "kv-seg", ["kv", "get", "-field=a", "secret/app/db"])
    S("kv get refused outside the + rule", "kv-seg", ["kv", "get", "secret/acl/hidden"], code=2)
    S("kv metadata get", "kv-meta", ["kv", "metadata", "get", "secret/acl/db"])
    S("kv get refused", "kv-meta", ["kv", "get", "secret/acl/db"], code=2)
    S("kv metadata put refused", "kv-meta", ["kv", "metadata", "put", "-max-versions=3", "secret/acl/db"], code=2)
    S("kv get", "kv-deny", ["kv", "get", "-field=a", "secret/acl/db"])
    S("kv get refused by the deny rule", "kv-deny", ["kv", "get", "secret/acl/hidden"], code=2)
    S("token capabilities", "kv-deny", ["token", "capabilities", "secret/data/acl/hidden"])
    # The preflight spends no use of a token: a one-use token reads once, then is gone.
    once = []
    for side in (t.bao, t.jv):
        out = side(["write", "-field=token", "auth/token/create", "policies=kv-deny", "num_uses=1"])
        if out.code != 0:
            fatal(f"one-use token: {out}")
        once.append(out.stdout.strip())
    tok["one-use"] = dict(bao_env={"BAO_TOKEN": once[0]}, jv_env={"JWTVAULT_TOKEN": once[1]})
    S("kv get (the preflight spends no use)", "one-use", ["kv", "get", "-field=a", "secret/acl/db"])
    S("kv get again refused: the use is spent", "one-use", ["kv", "get", "-field=a", "secret/acl/db"], code=2)
    S("kv get (table) with the spent token refused", "one-use", ["kv", "get", "secret/acl/db"], code=2)
    tok["bogus"] = dict(bao_env={"BAO_TOKEN": "bogus"}, jv_env={"JWTVAULT_TOKEN": "bogus"})
    S("kv put with a bogus token refused", "bogus", ["kv", "put", "secret/acl/db", "a=1"], code=2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bao", required=True)
    ap.add_argument("--jwtvault", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    for p in (a.bao, a.jwtvault):
        if not os.access(p, os.X_OK):
            fatal(f"{p} is not executable")

    server = BaoServer(a.bao, a.work)
    docs = Docs()

    def stop(*_):
        server.stop()
        docs.stop()

    def on_signal(signum, _frame):
        stop()
        fatal(f"interrupted by signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        server.wait_ready()
        t = Tools(a.bao, a.jwtvault, a.work, server.addr)
        keys = {
            "rsa": keygen(t, "RS256", "rsa"),
            "rsa2": keygen(t, "RS256", "rsa2"),
            "rsa_kid": keygen(t, "RS256", "rsa_kid", kid="k1"),
            "es": keygen(t, "ES256", "es"),
            "es_kid": keygen(t, "ES256", "es_kid", kid="k2"),
            "ed": keygen(t, "EdDSA", "ed"),
        }
        setup_both(t, "enable jwt", ["auth", "enable", "jwt"])
        config_scenarios(t, keys, docs)
        mounts_setup(t, keys, docs)
        role_scenarios(t)
        login_scenarios(t, keys, docs)
        deviation_scenarios(t, keys, docs)
        kv_mount(t)
        who = kv_raw_scenarios(t)
        if has_kv_commands(t):
            kv_command_scenarios(t, who)
            kv_command_edge_scenarios(t)
            kv_acl_scenarios(t)
        else:
            print("parity: NOT RUN: the kv and secrets command scenarios: this jwtvault has no `kv`/`secrets` commands", flush=True)
    finally:
        stop()
    elapsed = time.monotonic() - START
    if FAILED:
        print(f"failed checks: {len(FAILED)}")
        for f in FAILED:
            print(f"  - {f}")
    print(f"parity: OpenBao vs jwtvault in {elapsed:.0f}s")
    print(f"{PASSED} passed, {len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
