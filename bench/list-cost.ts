/**
 * `node --import tsx bench/list-cost.ts [sqlite|postgres] [rounds] [variant…]`: the server's
 * CPU time per 200-chat list (the waiting queue, an admin's chats, all chats, closed chats)
 * over 20,000 chats, read one after another by a client in this process, and what every
 * PostgreSQL process on the machine spent meanwhile (its backends run the lists; on a
 * shared machine, other users of the database count too). A variant is a checkout whose
 * sources the server runs (default: this one), optionally `checkout|NAME=value,…` adding
 * to its environment; the variants take turns, round by round in alternating order, so a
 * neighbour's load hits every variant alike. CPU time, not latency: what a list costs is
 * far less disturbed by a busy machine than how long it waits. LISTS sets the lists per
 * round (400), PATHS (comma-separated) which lists; PROFILE=1 starts each server with
 * --cpu-prof and prints where the profiles are.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedManyChats } from '../test/helpers/bulk-seed.js';
import { storeTargets } from '../test/helpers/stores.js';
import { signToken, TEST_SECRET } from '../test/helpers/tokens.js';
import { cpuMs } from './processes.js';

const CHATS = 20_000;
const LISTS = Number(process.env.LISTS ?? 400);
const PATHS = process.env.PATHS
  ? process.env.PATHS.split(',')
  : [
      '/api/chats/waiting',
      '/api/chats/admin/holder',
      '/api/chats/all',
      '/api/chats/all?status=closed',
    ];

const storeName = process.argv[2] ?? 'postgres';
const rounds = Number(process.argv[3] ?? 3);
const here = fileURLToPath(new URL('..', import.meta.url));
/** `checkout` or `checkout|NAME=value,NAME=value`: a checkout and what its server's environment adds. */
const checkouts = process.argv.length > 4 ? process.argv.slice(4) : [here];
const split = (variant: string): { dir: string; env: Record<string, string> } => {
  const [dir = here, extra = ''] = variant.split('|');
  return {
    dir,
    env: Object.fromEntries(
      extra
        .split(',')
        .filter(Boolean)
        .map((kv) => kv.split('=') as [string, string]),
    ),
  };
};
const profileDir = process.env.PROFILE ? mkdtempSync(join(tmpdir(), 'list-prof-')) : undefined;

const target = (await storeTargets()).find((t) => t.name === storeName);
if (!target) throw new Error(`no ${storeName} store here`);
const db = await target.create();
const databaseUrl = db.config.kind === 'postgres' ? db.config.url : `sqlite:${db.config.path}`;

let port = 23100 + (process.pid % 300) * 3;

async function start(variant: string): Promise<{ child: ChildProcess; url: string }> {
  const { dir: checkout, env } = split(variant);
  const serverPort = port++;
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      '--import',
      'tsx',
      join(checkout, 'src/main.ts'),
    ],
    {
      cwd: checkout,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(serverPort),
        HOST: '127.0.0.1',
        AUTH_MODE: 'jwt',
        JWT_SECRET: TEST_SECRET,
        RATE_LIMIT: 'off',
        LOG_LEVEL: 'silent',
        SHUTDOWN_DRAIN_MS: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${serverPort}`;
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server of ${checkout} did not start`);
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

const token = await signToken('boss', 'superadmin');
async function lists(url: string, n: number): Promise<{ bytes: number; ms: number[] }> {
  let bytes = 0;
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(`${url}${PATHS[i % PATHS.length]}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    ms.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 200)}`);
    bytes += text.length;
  }
  return { bytes: bytes / n, ms };
}

/** CPU time of every PostgreSQL process on this machine (its backends do the reads). */
function postgresCpuMs(): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        sum += cpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

try {
  // The schema first (the seed writes into it).
  await stop((await start(checkouts[0] as string)).child);
  await seedManyChats(db.config, CHATS, { adminId: 'holder', hoarderId: 'hoarder' });
  const results = new Map<string, number[]>(checkouts.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (const checkout of round % 2 === 0 ? checkouts : [...checkouts].reverse()) {
      const { child, url } = await start(checkout);
      await lists(url, 100); // warm up: JIT, caches, the pool's connections
      const pid = child.pid as number;
      const before = cpuMs(pid);
      const databaseBefore = postgresCpuMs();
      const { bytes, ms } = await lists(url, LISTS);
      const perList = (cpuMs(pid) - before) / LISTS;
      const databasePerList = (postgresCpuMs() - databaseBefore) / LISTS;
      results.get(checkout)?.push(perList);
      console.log(
        `round ${round + 1} ${checkout}: server CPU ${perList.toFixed(2)} ms/list, PostgreSQL CPU ${databasePerList.toFixed(2)}, client median ${median(ms).toFixed(2)} ms, ${(bytes / 1024).toFixed(1)} KiB`,
      );
      await stop(child);
    }
  }
  for (const [checkout, values] of results) {
    console.log(`${checkout}: ${values.map((v) => v.toFixed(2)).join(', ')} ms/list`);
  }
  if (profileDir) console.log(`profiles in ${profileDir}`);
} finally {
  await db.drop();
}
