#!/usr/bin/env bash
# Makes sure .venv/bin/python in the repository can `import hvac` (hvac 2.4.0, the Python Vault
# client, from PyPI) and prints that python's path on stdout (everything else goes to stderr).
# The real-client harness (scripts/clients/run.sh) drives jwtvault server with it; it never skips.
#
# Order: .venv/bin/python if it already imports hvac 2.4.0, else a venv at .venv/ (created if
# missing) with `pip install hvac==2.4.0`. Any failure exits non-zero with a message.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="2.4.0"

fail() {
    echo "install-hvac: FAILED: $*" >&2
    exit 1
}

venv="$root/.venv"
py="$venv/bin/python"
probe() {
    "$py" -c "import importlib.metadata as m, hvac; assert m.version('hvac') == '$version'" 2>/dev/null
}
if [ -x "$py" ] && probe; then
    echo "$py"
    exit 0
fi
command -v python3 >/dev/null || fail "python3 not found (needed to install hvac)"
if [ ! -x "$py" ]; then
    echo "install-hvac: creating $venv" >&2
    python3 -m venv "$venv" >&2 || fail "python3 -m venv $venv failed (is python3-venv installed?)"
fi
echo "install-hvac: pip install hvac==$version" >&2
# `python -m pip` installs into this venv even when the venv was copied from another folder.
# Bounded: a registry that hangs must fail the run, not stall it.
timeout 300 "$py" -m pip install --disable-pip-version-check --quiet "hvac==$version" >&2 \
    || fail "pip install hvac==$version failed (is PyPI reachable?)"
probe || fail "hvac $version installed but $py cannot import it"
echo "$py"
