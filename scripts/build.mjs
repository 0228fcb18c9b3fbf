#!/usr/bin/env node
// Builds dist/main.js: the server and its dependencies in one ES module (and
// dist/import-v2.js, the v2 data import, with dist/import-map-worker.js, its mapping worker, and dist/audit-verify.js, so the production image has them too). Loading one file
// instead of ~1,500 cuts start-up by about a fifth (see docs/benchmarks.md). Split into
// chunks beside them (what the entries share, and each `import()` on its own), so that a
// start compiles only what it runs: the S3 SDK, pg, Redis' client, the API documents, and
// the like are read from disk when first used, not parsed with the rest. Kept outside
// the bundle: the native SQLite binding, pg's optional native driver, sharp (native, it
// loads its platform's binary package at run time), and swagger-ui,
// which serves its static files from its own package folder. Then the agent console and
// the chat widget into dist/web (scripts/build-web.mjs), and the client and element types
// into dist/*.d.ts (scripts/build-client-types.mjs).
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { buildClientTypes } from './build-client-types.mjs';
import { buildWeb } from './build-web.mjs';

const { metafile } = await build({
  entryPoints: {
    main: 'src/main.ts',
    'import-v2': 'src/import/cli.ts',
    'import-map-worker': 'src/import/map-worker.ts',
    'audit-verify': 'src/audit-verify.ts',
    // SQLite's writer thread (store/sqlite-writer.ts loads it from beside main.js).
    'sqlite-writer': 'src/store/sqlite-writer-thread.ts',
    // SQLite's blob file thread (store/sqlite-blobs.ts loads it from beside main.js).
    'sqlite-blobs': 'src/store/sqlite-blobs-thread.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', 'pg-native', 'sharp', '@fastify/swagger-ui'],
  // Bundled CommonJS packages call require(); give the ES module one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
  metafile: true,
});
// Chunks are named by their content: those of earlier builds are removed (not dot-files,
// which test/first-run.test.ts writes beside them while it runs).
const built = new Set(Object.keys(metafile.outputs).map((file) => relative('dist', file)));
for (const file of readdirSync('dist')) {
  if (/\.js(\.map)?$/.test(file) && !file.startsWith('.') && !built.has(file)) {
    rmSync(join('dist', file));
  }
}

await buildWeb();
buildClientTypes();
