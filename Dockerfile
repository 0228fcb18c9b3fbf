# Production image. Build: docker build -t fastorika-chat .
# Run:   docker run -p 3001:3001 -e JWT_SECRET=... -e CORS_ORIGIN=https://app.example fastorika-chat
# (NODE_ENV=production: AUTH_MODE defaults to jwt; add DATABASE_URL=postgres://... for PostgreSQL,
# or mount a volume on /app/data for the embedded SQLite file.) docker-compose.yml runs it
# with PostgreSQL. Linted by scripts/lint-dockerfile.mjs (npm run lint).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary fits.
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
# dist/main.js, dist/import-v2.js (esbuild bundles), the console and widget (dist/web) and
# dist/client.d.ts; then drop the build-only packages.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3001
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3001
# Liveness. A load balancer should route by GET /ready, which turns 503 on SIGTERM
# (SHUTDOWN_DRAIN_MS, 5 s by default here) before connections close.
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3001)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
