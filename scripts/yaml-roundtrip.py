#!/usr/bin/env python3
"""Reads one YAML document on stdin with PyYAML's safe loader and prints it as JSON on stdout.

tests/cli/output.rs feeds it jwtvault's `-format=yaml` output and compares the result with the
`-format=json` output of the same command. PyYAML reads YAML 1.1 (merge keys, `=`, dates,
sexagesimal numbers), so it catches texts go-yaml leaves plain that other readers do not read
back as strings. A document PyYAML cannot read, or a value JSON cannot hold (a date, a key that
is not a string), is an error: exit 1 with the reason on stderr.

Run it with the repository's venv (scripts/install-pyyaml.sh installs PyYAML there):
    jwtvault read -format=yaml auth/jwt/role/r | .venv/bin/python scripts/yaml-roundtrip.py
"""
import json
import sys

import yaml


def fail(msg):
    print(f"yaml-roundtrip: {msg}", file=sys.stderr)
    sys.exit(1)


def plain(v, path="$"):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, list):
        return [plain(x, f"{path}[{i}]") for i, x in enumerate(v)]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if not isinstance(k, str):
                fail(f"{path}: the key {k!r} reads back as {type(k).__name__}, not a string")
            out[k] = plain(x, f"{path}[{k!r}]")
        return out
    fail(f"{path}: reads back as {type(v).__name__} ({v!r}), which JSON cannot hold")


def main():
    try:
        doc = yaml.safe_load(sys.stdin.buffer)
    except yaml.YAMLError as e:
        fail(f"PyYAML cannot read the document: {e}")
    except ValueError as e:  # e.g. a date that does not exist
        fail(f"PyYAML cannot build a value: {e}")
    json.dump(plain(doc), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
