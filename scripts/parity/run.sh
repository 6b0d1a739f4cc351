#!/usr/bin/env bash
# The parity suite: jwtvault against OpenBao (`bao server -dev`), scenario by scenario.
#
#   scripts/parity/run.sh            # installs bao if needed, builds jwtvault, runs the suite
#
# Environment: BAO_BIN (use this bao instead of .venv/bin/bao), JWTVAULT_BIN (use this binary
# instead of building target/debug/jwtvault), PARITY_VERBOSE=1 (print every check).
# Exits non-zero on any failure, including bao that cannot be installed or started: the suite
# never skips. The bao server it starts is stopped on exit (trap below, and in run.py).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

bao="$(scripts/install-bao.sh)" || {
    echo "parity: FAILED: bao could not be installed (scripts/install-bao.sh)" >&2
    echo "0 passed, 1 failed"
    exit 1
}

if [ -z "${JWTVAULT_BIN:-}" ]; then
    cargo build --quiet --bin jwtvault
    JWTVAULT_BIN="$root/target/debug/jwtvault"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/jwtvault-parity.XXXXXX")"
cleanup() {
    # run.py stops its server itself; this catches a run.py that was killed outright.
    if [ -f "$work/bao.pid" ]; then
        pid="$(cat "$work/bao.pid")"
        kill "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The whole suite is bounded; run.py also keeps its own deadline below this one.
timeout --kill-after=10 290 python3 "$root/scripts/parity/run.py" \
    --bao "$bao" --jwtvault "$JWTVAULT_BIN" --work "$work"
