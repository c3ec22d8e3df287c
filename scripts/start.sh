#!/usr/bin/env bash
# `npm start`: set-up if needed, build, then run API + worker (+ embedded Temporal and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
npm run --silent build # the API, worker and the agent console (apps/console → dist/console)
exec node --enable-source-maps dist/apps/dev/main.js
