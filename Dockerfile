# Production image. Build: docker build -t fastorika-chat .
# Run:   docker run -p 3001:3001 -e JWT_SECRET=... -e CORS_ORIGIN=https://app.example fastorika-chat
# (NODE_ENV=production: AUTH_MODE defaults to jwt; add DATABASE_URL=postgres://... for PostgreSQL,
# or mount a volume on /app/data for the embedded SQLite file.) docker-compose.yml runs it
# with PostgreSQL. Linted by scripts/lint-dockerfile.mjs (npm run lint); not built in CI
# (no Docker engine there), but test/deploy/runtime-image.test.ts runs what its last stage
# holds.
#
# Node.js 26, the active LTS line (package.json's engines still allow 20.19 and later, which
# CI runs). Both stages on the same Debian (trixie), so the addon built in the first runs
# in the second.

FROM node:26-trixie-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary fits. Debian's versions of
# these three are the toolchain of the release the base image pins; pinning them again
# here would only break the build at each Debian point release.
# hadolint ignore=DL3008
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# Dependencies first: this layer is rebuilt only when the lockfile changes, not on every
# source change. No scripts yet (`prepare` would build sources that are not copied yet);
# then the one native module is built.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.client.json ./
COPY scripts ./scripts
COPY src ./src
COPY web ./web
COPY deploy/runtime-image.mjs ./deploy/
# dist/main.js, dist/import-v2.js, dist/audit-verify.js (esbuild bundles) and the console
# and widget (dist/web); then /runtime: those without source maps, package.json (without
# its scripts: run the bundles with node), and only the packages the bundles load at run
# time (better-sqlite3, @fastify/swagger-ui and sharp, with what they need:
# deploy/runtime-image.mjs reads them from the bundles).
RUN npm run build && node deploy/runtime-image.mjs /runtime

FROM node:26-trixie-slim
# HOST: all interfaces, so that `docker run -p` reaches the server.
ENV NODE_ENV=production PORT=3001 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /runtime ./
# The SQLite file's folder (when DATABASE_URL is unset), writable by the server's user. A
# volume mounted there keeps this owner when Docker creates it; platforms that mount
# volumes owned by root need more (docs/operations.md, "Railway").
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3001
# Liveness. A load balancer should route by GET /ready, which turns 503 on SIGTERM
# (SHUTDOWN_DRAIN_MS, 5 s by default here) before connections close. Checked every 2 s
# while starting (Docker 25 and later), so what waits for it to be healthy (the cluster
# compose file's nginx) starts within seconds of the node, not after a first 30 s.
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --start-interval=2s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3001)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
