/**
 * The built server (esbuild's bundle of src/main.ts, as `npm start` runs dist/main.js) on a
 * first run: readable lines on a terminal, JSON lines in a pipe, one start line with the
 * addresses to open, and AUTH_MODE=none listening on loopback unless HOST says otherwise.
 * The terminal is a real pseudo-terminal (`script`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prettyLine } from '../src/log-format.js';
import { itemAt } from './helpers/lists.js';
import { JWT_ENV } from './helpers/tokens.js';

const root = join(import.meta.dirname, '..');
let dir: string;
let bundle: string;
/** The entry and the chunks it loads (the build splits what it loads on demand). */
let outputs: string[] = [];
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

beforeAll(async () => {
  // Beside dist/main.js, so the bundle finds node_modules and ../package.json as it does.
  bundle = join(root, 'dist', `.first-run-${process.pid}.js`);
  // Where its SQLite file goes.
  dir = mkdtempSync(join(tmpdir(), 'chat-first-run-'));
  // The options of scripts/build.mjs that decide what runs.
  const built = await build({
    entryPoints: [join(root, 'src/main.ts')],
    outdir: join(root, 'dist'),
    entryNames: `.first-run-${process.pid}`,
    chunkNames: `.first-run-${process.pid}-[hash]`,
    metafile: true,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'pg-native', '@fastify/swagger-ui'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  outputs = Object.keys(built.metafile.outputs).map((file) => resolve(file));
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const file of outputs) rmSync(file, { force: true });
});

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

interface Started {
  child: ChildProcess;
  /** stdout and stderr so far, colours removed, \r\n as \n. */
  output(): string;
  /** The start line, once printed. */
  startLine: Promise<string>;
  stop(): Promise<void>;
}

/** Every server a test started, stopped after it however it ended (a timeout included). */
const running = new Set<Started>();
afterEach(async () => {
  await Promise.all([...running].map((server) => server.stop()));
});

/** Runs the bundle with PORT=0 in a temp folder; `terminal` puts a pseudo-terminal on its stdout. */
function run(env: Record<string, string>, terminal: boolean): Started {
  const command = [process.execPath, bundle];
  const quoted = command.map((part) => `'${part}'`).join(' ');
  const child = terminal
    ? spawn('script', ['-qfec', quoted, '/dev/null'], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', TERM: 'xterm', PORT: '0', ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      })
    : spawn(itemAt(command, 0), command.slice(1), {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
  let out = '';
  let found: ((line: string) => void) | undefined;
  let failed: ((err: Error) => void) | undefined;
  const startLine = new Promise<string>((resolve, reject) => {
    found = resolve;
    failed = reject;
    setTimeout(() => reject(new Error(`no start line in 15 s:\n${clean()}`)), 15_000).unref();
  });
  const clean = () => out.replace(ANSI, '').replaceAll('\r\n', '\n');
  const collect = (d: Buffer) => {
    out += d.toString();
    const line = clean()
      .split('\n')
      .find((l) => l.includes('listening on'));
    if (line) found?.(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => failed?.(new Error(`the server exited:\n${clean()}`)));
  const started: Started = {
    child,
    output: clean,
    startLine,
    async stop() {
      running.delete(started);
      // The group this test started: the server, or `script`, whose server then gets SIGHUP.
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
  running.add(started);
  return started;
}

const URLS =
  /listening on (?<listen>\S+)(?: \(every interface\))? · console (?<console>http:\/\/\S+\/console) · widget demo (?<demo>http:\/\/\S+\/widget\/demo) · API docs (?<docs>http:\/\/\S+\/docs)/;

/** The start line's addresses, each of which answers. */
async function addressesAnswer(line: string): Promise<{ listen: string; base: string }> {
  const groups = line.match(URLS)?.groups;
  expect(groups, line).toBeDefined();
  const { listen = '', console: consoleUrl = '', demo = '', docs = '' } = groups ?? {};
  const port = listen.split(':').at(-1);
  expect(Number(port)).toBeGreaterThan(0);
  for (const url of [consoleUrl, demo, docs]) {
    expect(new URL(url).port, url).toBe(port);
    // The bundle serves no dist/web here: the docs must answer, the pages' port must be live.
    const res = await fetch(url.replace('localhost', '127.0.0.1'));
    expect(res.status, url).toBeLessThan(500);
  }
  return { listen, base: new URL(docs).origin };
}

/** A non-loopback IPv4 address of this machine, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('a first run of the built server', () => {
  it('in a pipe: JSON lines, a start line naming the console, widget demo and docs, loopback only with AUTH_MODE=none', async () => {
    const server = run({}, false);
    try {
      const line = await server.startLine;
      const entry = JSON.parse(line) as { msg: string; host: string; port: number };
      expect(entry.host).toBe('127.0.0.1');
      const { listen } = await addressesAnswer(entry.msg);
      expect(listen).toBe(`127.0.0.1:${entry.port}`);
      expect(entry.msg).toContain(`console http://127.0.0.1:${entry.port}/console`);
      for (const l of server.output().trim().split('\n').filter(Boolean)) {
        if (l.startsWith('{')) expect(() => JSON.parse(l), l).not.toThrow();
      }
      expect(server.output()).toMatch(/"level":40.*AUTH_MODE=none.*this machine only/);
      if (lanAddress) {
        await expect(fetch(`http://${lanAddress}:${entry.port}/health`)).rejects.toThrow();
      }
    } finally {
      await server.stop();
    }
  });

  it.skipIf(!hasScript)('on a terminal: readable lines, the start line among them', async () => {
    const server = run({}, true);
    try {
      const line = await server.startLine;
      expect(line).toMatch(
        /^\d\d:\d\d:\d\d INFO +Fastorika chat server listening on 127\.0\.0\.1:\d+ · console /,
      );
      await addressesAnswer(line);
      expect(server.output()).toMatch(/^\d\d:\d\d:\d\d WARN +AUTH_MODE=none/m);
      expect(server.output()).not.toMatch(/^\{"level"/m);
    } finally {
      await server.stop();
    }
  });

  it.skipIf(!hasScript)('LOG_FORMAT overrides the terminal either way', async () => {
    const memory = { DATABASE_URL: 'sqlite::memory:' };
    const json = run({ ...memory, LOG_FORMAT: 'json' }, true);
    const pretty = run({ ...memory, LOG_FORMAT: 'pretty' }, false);
    try {
      expect(JSON.parse(await json.startLine)).toMatchObject({ level: 30 });
      expect(await pretty.startLine).toMatch(/^\d\d:\d\d:\d\d INFO +Fastorika chat server/);
    } finally {
      await Promise.all([json.stop(), pretty.stop()]);
    }
  });

  it('with AUTH_MODE=jwt and no HOST: every interface, and the addresses name localhost', async () => {
    const server = run({ ...JWT_ENV, LOG_FORMAT: 'json' }, false);
    try {
      const entry = JSON.parse(await server.startLine) as { msg: string; host: string };
      expect(entry.host).toBe('0.0.0.0');
      expect(entry.msg).toContain('(every interface)');
      const { base } = await addressesAnswer(entry.msg);
      expect(base).toMatch(/^http:\/\/localhost:\d+$/);
    } finally {
      await server.stop();
    }
  });
});

describe('pretty lines', () => {
  it('put time, level and message first, then the fields, and an error stack below', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5).getTime();
    const line = JSON.stringify({
      level: 50,
      time,
      pid: 1,
      hostname: 'h',
      msg: 'database connection error',
      chatId: 'c 1',
      n: 2,
      err: { type: 'Error', message: 'gone', stack: 'Error: gone\n    at x (y.ts:1:1)' },
    });
    expect(prettyLine(line, false)).toBe(
      '03:04:05 ERROR database connection error chatId="c 1" n=2\n    Error: gone\n        at x (y.ts:1:1)\n',
    );
    expect(prettyLine('not json', false)).toBe('not json');
  });
});
