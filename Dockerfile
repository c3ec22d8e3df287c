# syntax=docker/dockerfile:1
#
# One image for both processes of the product:
#   API (default):  node dist/apps/api/main.js
#   Worker:         node dist/apps/worker/main.js   (override the command)
#
# Build:  docker build -t durable-support-inbox .
# The base image can be pinned further, e.g. --build-arg NODE_IMAGE=node:22.22.2-bookworm-slim

ARG NODE_IMAGE=node:22-bookworm-slim
# package.json carries an `allowScripts` policy (which dependencies may run
# install scripts). Only npm 11 reads it; the npm 10 bundled with Node 22 would
# ignore it and run every install script, so both install stages use npm 11.
ARG NPM_VERSION=11.19.1

# ---------------------------------------------------------------------------
# npm 11 on top of the Node 22 base; shared by the two install stages.
FROM ${NODE_IMAGE} AS npm11
ARG NPM_VERSION
RUN npm install --global "npm@${NPM_VERSION}" \
 && npm --version
WORKDIR /app
ENV npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false

# ---------------------------------------------------------------------------
# Production dependencies only. The devDependency `node` (a pinned Node binary
# used for local set-up) is dropped here, as are the test and build tools.
FROM npm11 AS prod-deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev

# ---------------------------------------------------------------------------
# Full install + TypeScript build (tsc -p tsconfig.build.json -> dist/).
FROM npm11 AS build
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build

# ---------------------------------------------------------------------------
# Runtime: compiled JS + production node_modules, run as the unprivileged
# `node` user (uid 1000) that the official Node images ship with.
FROM ${NODE_IMAGE} AS runtime

# tini: PID 1 that forwards SIGTERM/SIGINT to node and reaps zombies, so the
#       API and the Temporal worker can shut down gracefully.
# ca-certificates: system trust store for TLS connections (e.g. Temporal Cloud).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=3000

WORKDIR /app
# Files stay owned by root: the app only needs to read them.
# package.json is required at runtime: its "type": "module" makes dist/*.js ESM,
# and it defines `npm run cli`.
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

USER node
EXPOSE 3000

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/apps/api/main.js"]
