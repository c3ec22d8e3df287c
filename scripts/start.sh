#!/usr/bin/env bash
# `npm start`: set-up if needed, build, then run API + worker (+ embedded Temporal and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
tsc -p tsconfig.build.json
exec node --enable-source-maps dist/apps/dev/main.js
