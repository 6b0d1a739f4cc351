#!/usr/bin/env bash
# Makes sure .venv/bin/python in the repository can `import yaml` (PyYAML, from PyPI) and prints
# that python's path on stdout (everything else goes to stderr). The YAML round-trip test
# (tests/cli/output.rs) parses jwtvault's `-format=yaml` output with it; it never skips.
#
# Order: .venv/bin/python if it already imports yaml, else a venv at .venv/ (created if
# missing) with `pip install pyyaml`. Any failure exits non-zero with a message.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

fail() {
    echo "install-pyyaml: FAILED: $*" >&2
    exit 1
}

venv="$root/.venv"
py="$venv/bin/python"
if [ -x "$py" ] && "$py" -c 'import yaml' 2>/dev/null; then
    echo "$py"
    exit 0
fi
command -v python3 >/dev/null || fail "python3 not found (needed to install pyyaml)"
if [ ! -x "$venv/bin/pip" ]; then
    echo "install-pyyaml: creating $venv" >&2
    python3 -m venv "$venv" >&2 || fail "python3 -m venv $venv failed (is python3-venv installed?)"
fi
echo "install-pyyaml: pip install pyyaml" >&2
# Bounded: a registry that hangs must fail the run, not stall it.
timeout 300 "$venv/bin/pip" install --disable-pip-version-check --quiet pyyaml >&2 \
    || fail "pip install pyyaml failed (is PyPI reachable?)"
"$py" -c 'import yaml' || fail "pyyaml installed but $py cannot import yaml"
echo "$py"
