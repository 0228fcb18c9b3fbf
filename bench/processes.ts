/** Starting and stopping the things under test as child processes, and reading their memory. */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/processes.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface Target {
  name: string;
  url: string;
  child: ChildProcess;
  /** ms from spawn to the first 200 from /health (real server) or the listening line (relay). */
  startMs: number;
  stop(): Promise<void>;
}

/** CPU time a process has used so far, in ms (user + system, from /proc). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Linux's USER_HZ (getconf CLK_TCK): 100 on every architecture we run on. */
const CLOCK_TICKS = 100;

export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) : 0;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
}

/** The bare relay; `coalesced`: with the server's coalesced socket writes. */
export async function startRelay(coalesced = false): Promise<Target> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/relay.ts'], {
    cwd: root,
    env: { ...process.env, RELAY_COALESCE: coalesced ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d) => resolve((JSON.parse(String(d)) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
  return {
    name: coalesced ? 'relay, coalesced' : 'relay',
    url: `http://127.0.0.1:${port}`,
    child,
    startMs: performance.now() - started,
    stop: stopper(child),
  };
}

/**
 * BENCH_SERVER_ENV="NAME=value NAME2=value": settings every server of the run gets (to weigh
 * one, such as SQLITE_WRITER_THREAD=1, against the relay in the same run).
 */
const SERVER_ENV: Record<string, string> = Object.fromEntries(
  (process.env.BENCH_SERVER_ENV ?? '')
    .split(/\s+/)
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

/**
 * BENCH_SERVER_NODE_ARGS="--trace-gc --import ./probe.mjs": Node's own options for every
 * server of the run, before any the benchmark passes; BENCH_SERVER_STDOUT=<file>: where the
 * servers' standard output goes (V8's traces print there; otherwise it is dropped, and the
 * servers log at error level to standard error).
 */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const serverStdout = (): 'ignore' | number =>
  process.env.BENCH_SERVER_STDOUT ? openSync(process.env.BENCH_SERVER_STDOUT, 'a') : 'ignore';

/** The built server (`npm run build` first), as `npm start` runs it; from `checkout` if given. */
export async function startServer(
  name: string,
  databaseUrl: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
  checkout = root,
): Promise<Target> {
  // Found free below the ephemeral range (the load generator's own sockets use that), not
  // a fixed sequence: other services of the machine listen in this range too.
  const port = await freePort();
  const started = performance.now();
  const stdout = serverStdout();
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, ...nodeArgs, 'dist/main.js'], {
    cwd: checkout,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'error',
      RATE_LIMIT: 'off',
      ...SERVER_ENV,
      ...env,
    },
    stdio: ['ignore', stdout, 'pipe'],
  });
  // The child has its own copy of the file's descriptor.
  if (typeof stdout === 'number') closeSync(stdout);
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}: ${stderr.trim()}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 5));
  }
  return { name, url, child, startMs: performance.now() - started, stop: stopper(child) };
}

export interface RedisTarget {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A redis-server of the bench's own (no persistence), so that its CPU can be measured. */
export async function startRedis(): Promise<RedisTarget> {
  // Found free below the ephemeral range (the load generator's own sockets use that), not
  // a fixed sequence: other services of the machine listen in this range too.
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, child, stop: stopper(child) };
}
