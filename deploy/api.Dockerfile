# syntax=docker/dockerfile:1
# The API image, built from this repository (the build context is its root: deploy/docker-compose.yml sets it):
#   docker build -f deploy/api.Dockerfile -t e-invoice-ledger-api:local .
# A production install: every dependency from package-lock.json, the build (`npm run build`: the contracts
# compiled, their TypeChain bindings and the TypeScript compiled into dist/), then the development dependencies
# removed. The API runs as `node --max-semi-space-size=64 dist/api/main.js`; other programs of the build run the same way, e.g.
# `node dist/api/reindex.js` (npm run api:reindex) or `node dist/scripts/deploy/deploy.js` (npm run deploy).

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
# The npm of the development machines (package.json's allowScripts lets only the embedded PostgreSQL's package run
# its install step; this image uses DATABASE_URL and never starts that server).
RUN npm install --global npm@11.19.1
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3000 \
    API_DATA_DIR=/var/lib/ledger-api \
    LEDGER_DATA_DIR=/var/lib/ledger-api
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /var/lib/ledger-api && chown node:node /var/lib/ledger-api
USER node
EXPOSE 3000
# /health is 200 only when the ledger, the database and the index are all well (README.md, the API).
HEALTHCHECK --start-period=60s --interval=10s --timeout=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# --max-semi-space-size=64: the young generation the API is measured with (scripts/lib/api-process.ts says why).
CMD ["node", "--max-semi-space-size=64", "--enable-source-maps", "dist/api/main.js"]
