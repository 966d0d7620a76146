#!/usr/bin/env bash
# The Python suite (python/tests), run by `npm test` after `npm run build:python` has bundled the current server.
# Interpreter: CRUCIBLE_PYTHON, else the venv .ci/run creates at .venv. Missing packages fail the run (they are
# never skipped): create the venv once with
#   python3 -m venv .venv && .venv/bin/pip install --retries 0 ./python pytest pettingzoo gymnasium mypy torch matplotlib
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${CRUCIBLE_PYTHON:-.venv/bin/python}"
if [ ! -x "$PY" ]; then
  echo "python tests: no interpreter at $PY; create it: python3 -m venv .venv && .venv/bin/pip install --retries 0 ./python pytest pettingzoo gymnasium mypy torch matplotlib (or set CRUCIBLE_PYTHON)" >&2
  exit 1
fi
if ! "$PY" -c 'import numpy, msgpack, websockets, pytest, pettingzoo, gymnasium, mypy, torch, matplotlib' 2>/dev/null; then
  echo "python tests: $PY lacks packages; install them: $PY -m pip install --retries 0 ./python pytest pettingzoo gymnasium mypy torch matplotlib" >&2
  exit 1
fi
# The suite imports the package from python/ (its sources, with the bundle and catalogue just built).
exec "$PY" -m pytest python/tests -q -p no:cacheprovider
