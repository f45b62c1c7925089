#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then lint, type-check and test.
#
#   ./scripts/test.sh            # the whole suite
#   ./scripts/test.sh -k plugin  # extra arguments go to pytest
#   PYTEST_WORKERS=1 ./scripts/test.sh   # tests in one process (default: one per core)
#
# It creates .venv (if missing), installs tasker-ctl with the sdk and dev extras, and the
# toolchains the generated-code checks use: Ruby (apt), the TypeScript compiler (npm, into
# .tools/) and rustfmt (used when present), and the Prism mock server (npm, into .tools/prism/)
# for the connected commands' contract tests. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

if ! command -v ruby >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "==> installing ruby (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ruby >/dev/null
  else
    echo "==> ruby not found and cannot install it here: Ruby syntax checks will be skipped" >&2
  fi
fi

if command -v npm >/dev/null 2>&1; then
  if [ ! -f .tools/node_modules/typescript/package.json ] || [ ! -f .tools/node_modules/zod/package.json ]; then
    echo "==> installing typescript@5.9.3 and zod@4.6.7 into .tools/ (npm)"
    npm install --silent --no-save --no-audit --no-fund --prefix .tools typescript@5.9.3 zod@4.6.7 >/dev/null
  fi
  if [ ! -f .tools/prism/node_modules/@stoplight/prism-cli/package.json ]; then
    echo "==> installing @stoplight/prism-cli@5.16.0 into .tools/prism/ (npm)"
    npm install --silent --no-save --no-audit --no-fund --prefix .tools/prism @stoplight/prism-cli@5.16.0 >/dev/null
  fi
else
  echo "==> npm not found: TypeScript syntax checks and the Prism contract tests will be skipped" >&2
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "==> installing tasker-ctl[sdk,dev]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[sdk,dev]' 2>&1 \
  | { grep -v "^WARNING: Location" || true; }

echo "==> ruff check"
.venv/bin/ruff check .
echo "==> ruff format --check"
.venv/bin/ruff format --check .
echo "==> mypy --strict"
.venv/bin/mypy
echo "==> pytest (one process per core, a test module stays in one process: pytest-xdist)"
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" --dist loadfile "$@"
