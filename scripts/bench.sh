#!/usr/bin/env bash
# `npm run bench`: measures the ticket path on real embedded servers and writes docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
tsc -p tsconfig.json
npm run --silent build:console # the console budgets are measured in a browser
exec node --enable-source-maps dist/test/bench/inbox.bench.js
