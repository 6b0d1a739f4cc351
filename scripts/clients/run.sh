#!/usr/bin/env bash
# Real clients against real servers (issue 13 items 3 and 4): the `bao` CLI and jwtvault's
# client mode (`-address`) against `bao server -dev` and `jwtvault server`, the same scenario
# script on each, compared with the bao CLI against bao; then hvac's checks on both servers.
#
#   scripts/clients/run.sh           # installs bao and hvac if needed, builds jwtvault, runs
#
# Environment: BAO_BIN (use this bao instead of .venv/bin/bao), JWTVAULT_BIN (use this binary
# instead of building target/debug/jwtvault), CLIENTS_VERBOSE=1 (print every check),
# CLIENTS_SHOW_REFERENCE=1 (print every output of (a)), CLIENTS_REQUIRE_SERVER=0 (allow a jwtvault without `server`: (b), (d) and hvac against it are
# then not run). Exits non-zero on any failure, including bao or hvac that cannot be installed:
# the harness never skips a client. Every server it starts is stopped on exit (run.py, and the
# trap below by PID).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

bao="$(scripts/install-bao.sh)" || {
    echo "clients: FAILED: bao could not be installed (scripts/install-bao.sh)" >&2
    echo "0 passed, 1 failed"
    exit 1
}
py="$(scripts/install-hvac.sh)" || {
    echo "clients: FAILED: hvac could not be installed (run scripts/install-hvac.sh)" >&2
    echo "0 passed, 1 failed"
    exit 1
}

if [ -z "${JWTVAULT_BIN:-}" ]; then
    cargo build --quiet --bin jwtvault
    JWTVAULT_BIN="$root/target/debug/jwtvault"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/jwtvault-clients.XXXXXX")"
cleanup() {
    # run.py stops its servers itself; this catches a run.py that was killed outright.
    if [ -f "$work/pids" ]; then
        while read -r pid; do
            kill "$pid" 2>/dev/null || true
        done <"$work/pids"
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

require=()
if [ "${CLIENTS_REQUIRE_SERVER:-1}" != "0" ]; then
    require=(--require-server)
fi
# The whole harness is bounded; run.py also keeps its own deadline below this one.
timeout --kill-after=10 290 "$py" "$root/scripts/clients/run.py" \
    --bao "$bao" --jwtvault "$JWTVAULT_BIN" --work "$work" "${require[@]}"
