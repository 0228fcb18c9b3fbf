# Production image. Build: docker build -t fastorika-chat .
# Run:   docker run -p 3001:3001 -e JWT_SECRET=... -e CORS_ORIGIN=https://app.example fastorika-chat
# (NODE_ENV=production: AUTH_MODE defaults to jwt; add DATABASE_URL=postgres://... for PostgreSQL,
# or mount a volume on /app/data for the embedded SQLite file.)

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY web ./web
# npm ci runs `prepare`, which bundles dist/main.js and the console and widget (dist/web);
# then drop the build-only packages.
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3001
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3001
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3001)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
