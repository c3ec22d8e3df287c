#!/usr/bin/env bash
# `npm test`: set-up if needed, type-check and build, lint, then the whole jest suite against real servers it starts itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
tsc -p tsconfig.json
npm run --silent build:console # the agent console, which the browser tests drive
eslint . # the workflow import boundary and unawaited promises (eslint.config.js)
# One test file at a time (the suites share the servers global-setup starts), in one worker process that Jest
# replaces once it holds more than 1.5 GB: run in band, the ~90 suites' module graphs outgrew Node's heap.
exec node --experimental-vm-modules node_modules/jest/bin/jest.js --maxWorkers=1 --workerIdleMemoryLimit=1536MB "$@"
