#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, pg_ctl) are installed for the PostgreSQL
# tests, and prints their folder on stdout (everything else goes to stderr). The tests start a
# throwaway cluster from them (tests/cli/pg_cluster.rs); nothing is started here.
#
# Order: $JWTVAULT_PG_BIN if it holds both; else the newest /usr/lib/postgresql/*/bin that does;
# else Debian's `postgresql` package is installed with apt-get (as root, or through sudo), and
# the search is made again. With --check nothing is installed: a missing binary is a failure.
# Any failure exits non-zero with a message.
set -euo pipefail
check_only=false
[ "${1:-}" = "--check" ] && check_only=true

fail() {
    echo "install-postgres: FAILED: $*" >&2
    exit 1
}

find_bin() {
    if [ -n "${JWTVAULT_PG_BIN:-}" ]; then
        [ -x "$JWTVAULT_PG_BIN/initdb" ] && [ -x "$JWTVAULT_PG_BIN/pg_ctl" ] && echo "$JWTVAULT_PG_BIN"
        return 0
    fi
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return 0
        fi
    done
}

bin="$(find_bin)"
if [ -n "$bin" ]; then
    echo "$bin"
    exit 0
fi
! $check_only || fail "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin; install them with scripts/install-postgres.sh (Debian/Ubuntu: apt-get install postgresql) or set JWTVAULT_PG_BIN"
[ -z "${JWTVAULT_PG_BIN:-}" ] || fail "JWTVAULT_PG_BIN=$JWTVAULT_PG_BIN holds no initdb and pg_ctl"
command -v apt-get >/dev/null ||
    fail "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin and no apt-get: install PostgreSQL's server package, then set JWTVAULT_PG_BIN to the folder holding initdb and pg_ctl"
sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || fail "installing the postgresql package needs root (or sudo)"
    sudo="sudo"
fi
echo "install-postgres: apt-get install postgresql" >&2
$sudo apt-get update -qq >&2 || fail "apt-get update failed"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2 ||
    fail "apt-get install postgresql failed"
bin="$(find_bin)"
[ -n "$bin" ] || fail "the postgresql package is installed but no /usr/lib/postgresql/*/bin holds initdb and pg_ctl"
echo "$bin"
