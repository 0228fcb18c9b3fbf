/**
 * What the production image runs: the folder deploy/runtime-image.mjs assembles from the
 * build (the Dockerfile's last stage copies it whole). It holds no source maps and only
 * the packages the bundles load at run time, and the server starts from it alone, in
 * production mode: SQLite (the native addon), the API docs (swagger-ui's files), the
 * console, REST and a socket with a token. No Docker engine here: this is the image's
 * content, run by this machine's Node.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor200 } from '../helpers/process.js';
import { type Child, freePort, spawnChild } from '../helpers/processes.js';
import { api, request, succeeded } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';
import { bearer, signToken, TEST_SECRET } from '../helpers/tokens.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'chat-runtime-'));
const out = join(work, 'app');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file under a folder, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** The packages at the top of a node_modules folder (`@scope/name` for scoped ones). */
function topPackages(modules: string): string[] {
  return readdirSync(modules).flatMap((name) =>
    name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name],
  );
}

describe('the runtime folder of the production image', () => {
  let report = '';

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/main.js'))) {
      throw new Error('dist/main.js is missing: run `npm run build` (npm install runs it)');
    }
    // Node looks for packages in every folder above: none may hold a node_modules of its own.
    for (let dir = work; dirname(dir) !== dir; dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
    }
    ({ stdout: report } = await run(process.execPath, ['deploy/runtime-image.mjs', out], {
      cwd: root,
    }));
  });

  it('holds the two bundles, the web pages and package.json, and no source map', () => {
    const files = filesUnder(out);
    expect(files).toContain('dist/main.js');
    expect(files).toContain('dist/import-v2.js');
    // Worker threads' entries, started by path: SQLite's attachments and writer, the import's mapping.
    expect(files).toContain('dist/sqlite-blobs.js');
    expect(files).toContain('dist/sqlite-writer.js');
    expect(files).toContain('dist/import-map-worker.js');
    expect(files).toContain('dist/web/console.html');
    expect(files).toContain('package.json');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/') && f.endsWith('.d.ts'))).toEqual([]);
  });

  it('ships only what the bundles load: better-sqlite3, swagger-ui and sharp with their dependencies', () => {
    expect(report).toMatch(/loaded by the bundles: @fastify\/swagger-ui, better-sqlite3, sharp;/);
    const packages = topPackages(join(out, 'node_modules'));
    expect(packages).toContain('better-sqlite3');
    expect(packages).toContain('@fastify/swagger-ui');
    // Native: its prebuilt libvips for this platform comes with it.
    expect(packages).toContain('sharp');
    expect(packages).toContain('@img/sharp-linux-x64');
    // Bundled into dist/main.js, build-only, or needed only to install the addon.
    for (const bundled of ['fastify', 'socket.io', 'pg', 'zod', 'redis', 'pino', 'kysely']) {
      expect(packages).not.toContain(bundled);
    }
    for (const buildOnly of ['esbuild', 'typescript', 'vitest', 'prebuild-install', 'node-gyp']) {
      expect(packages).not.toContain(buildOnly);
    }
    // The addon without its C sources: only the compiled module of its build.
    const addon = filesUnder(join(out, 'node_modules/better-sqlite3'));
    expect(addon).toContain('build/Release/better_sqlite3.node');
    expect(addon.filter((f) => f.startsWith('deps/') || f.startsWith('src/'))).toEqual([]);
  });

  describe('started from that folder alone, in production', () => {
    let server: Child;
    let url: string;

    beforeAll(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      server = spawnChild(process.execPath, ['dist/main.js'], {
        cwd: out,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          JWT_SECRET: TEST_SECRET,
          CORS_ORIGIN: 'https://app.example',
          DATABASE_URL: `sqlite:${join(work, 'chat.db')}`,
          HOST: '127.0.0.1',
          PORT: String(port),
          SHUTDOWN_DRAIN_MS: '0',
          LOG_LEVEL: 'warn',
        },
      });
      await waitFor200(port).catch((err: unknown) => {
        throw new Error(`${err}\n${server.output()}`);
      });
    });
    afterAll(async () => {
      await server?.stop('SIGTERM');
    });

    it('serves health on SQLite, the API docs with their files, and the console', async () => {
      expect((await api({ url }, 'GET', '/health')).body).toMatchObject({
        store: { kind: 'sqlite', status: 'up' },
      });
      for (const path of ['/docs/', '/docs/static/swagger-ui.css', '/docs/json', '/console']) {
        expect((await fetch(`${url}${path}`)).status, path).toBe(200);
      }
    });

    it('opens a chat over REST and joins it over a socket with a token', async () => {
      const token = await signToken('image-user', 'user');
      const opened = await request(
        { url },
        'POST /api/chats',
        { body: { userId: 'image-user', userName: 'U' } },
        bearer(token).headers,
      );
      expect(opened.status, JSON.stringify(opened.body)).toBe(200);
      const chatId = succeeded(opened).chat._id;
      const client = await connectClient(url, { auth: { token } });
      try {
        expect(await client.emitAck('join-chat', { chatId })).toMatchObject({ success: true });
      } finally {
        client.close();
      }
      expect(server.output()).not.toMatch(/Cannot find (module|package)/);
    });
  });
});
