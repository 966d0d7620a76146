#!/usr/bin/env bash
# Mutation testing of the Python package (python/mutate.py; `npm run mutate:py -- [file.py] [--tests ...]`).
# Interpreter: CRUCIBLE_MUTATE_PYTHON, else .venv's. mutatest is a developer tool, installed by hand, never by CI:
#   python3 -m venv /some/venv && /some/venv/bin/pip install mutatest numpy msgpack websockets pytest
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${CRUCIBLE_MUTATE_PYTHON:-.venv/bin/python}"
if ! "$PY" -c 'import mutatest, numpy, msgpack, websockets, pytest' 2>/dev/null; then
  echo "mutate:py: $PY lacks mutatest (or numpy, msgpack, websockets, pytest); install them in a venv of their own: pip install mutatest numpy msgpack websockets pytest, then set CRUCIBLE_MUTATE_PYTHON to its python" >&2
  exit 1
fi
exec "$PY" python/mutate.py "$@"
