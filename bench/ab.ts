/**
 * `npm run bench:ab -- <baseline> [<candidate>]`: the server built in the candidate checkout
 * (this one by default) against the one built in the baseline checkout (say a git worktree
 * of an earlier commit, with `npm ci` run there, which builds it), both driven by this
 * checkout's load generator. It answers "is this change slower?" on a
 * noisy machine: the two alternate round by round (A B, then B A, ...) on fresh databases,
 * and each round gives a ratio, so a drift of the machine hits both sides of it. Per store
 * it measures delivered msg/s at full load, and at one paced rate both carry: latency and
 * the server's CPU per message. The paced CPU is the steadiest of these: at full load a
 * faster server batches more and so spends less per message, which blurs a comparison.
 * On a machine of more than one core the server runs on the last core and the load
 * generator on the others, so that they do not take turns on one (AB_PIN=0: no pinning, as
 * `npm run bench` runs them).
 * AB_ROUNDS (default 6) and AB_SECONDS (default 6) set the length; AB_STORES=postgres (or
 * sqlite) measures one store only; AB_LOAD (default 0.5) is the paced rate as a share of
 * the baseline's first maximum (near saturation, latency is mostly queueing); AB_ENV="NAME=value ..." is set for the candidate alone
 * (to weigh a setting, with the same checkout on both sides).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { benchDatabases, PG_ADMIN, pgReachable, type StoreName } from './databases.js';
import { closePairs, latency, setupPairs, throughput } from './load.js';
import { cpuMs, startServer, type Target } from './processes.js';

const [baseline, candidate] = process.argv.slice(2);
const built = (checkout: string | undefined) =>
  checkout !== undefined && existsSync(join(checkout, 'dist', 'main.js'));
if (!built(baseline) || (candidate !== undefined && !built(candidate))) {
  process.stderr.write(
    'usage: npm run bench:ab -- <baseline> [<candidate>]  (checkouts with a built dist/main.js)\n',
  );
  process.exit(2);
}
const ROUNDS = Number(process.env.AB_ROUNDS ?? 6);
const SECONDS = Number(process.env.AB_SECONDS ?? 6);
const LOAD = Number(process.env.AB_LOAD ?? 0.5);
const PAIRS = 100;
const WINDOW = 4;
const databases = benchDatabases('ab');
/** The candidate's own environment (AB_ENV). */
const candidateEnv = Object.fromEntries(
  (process.env.AB_ENV ?? '')
    .split(/\s+/)
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const sides = {
  this: candidate === undefined ? undefined : resolve(candidate),
  baseline: resolve(baseline as string),
} as const;
type Side = keyof typeof sides;
type Store = StoreName;

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  /** Server CPU per message sent at the paced rate. */
  cpuUs: number;
}

/** AB_PIN=0: no taskset, so a server's second thread (SQLite's writer) may use another core. */
const pinning = os.cpus().length > 1 && process.env.AB_PIN !== '0';
const cores = os.cpus().length;
/** Puts every thread of `pid` on these cores (Linux's taskset; a no-op where it is absent). */
function pin(pid: number, list: string): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
  } catch {}
}
if (pinning) pin(process.pid, `0-${cores - 2}`);

/** One side, one round: throughput on one process, latency at `rate` on a fresh one. */
async function measure(side: Side, store: Store, tag: string, rate: number): Promise<Measured> {
  const run = async <T>(work: (target: Target) => Promise<T>): Promise<T> => {
    const env = side === 'this' ? candidateEnv : {};
    const target = await startServer(store, await databases.fresh(store), env, [], sides[side]);
    if (pinning) pin(target.child.pid as number, String(cores - 1));
    try {
      return await work(target);
    } finally {
      await target.stop();
    }
  };
  const perSecond = await run(async (target) => {
    const pairs = await setupPairs(target.url, PAIRS, `${tag}-tp`, true);
    const result = await throughput(pairs, `${tag}-tp`, SECONDS * 1000, WINDOW);
    closePairs(pairs);
    if (result.errors > 0) throw new Error(`${side} ${store}: ${result.errors} sends failed`);
    return result.deliveredPerSecond;
  });
  return run(async (target) => {
    const pairs = await setupPairs(target.url, PAIRS, `${tag}-lat`, true);
    const pid = target.child.pid as number;
    const before = cpuMs(pid);
    const lat = await latency(pairs, `${tag}-lat`, rate, SECONDS * 1000);
    // Paced sends run through latency()'s warm-up second and its measured window.
    const sent = rate * (SECONDS + 1);
    const cpuUs = ((cpuMs(pid) - before) * 1000) / sent;
    closePairs(pairs);
    return { perSecond, p50: lat.p50, p99: lat.p99, cpuUs };
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));

async function main() {
  const wanted = (process.env.AB_STORES ?? 'sqlite,postgres').split(',');
  const stores: Store[] = wanted.includes('sqlite') ? ['sqlite'] : [];
  if (wanted.includes('postgres')) {
    if (await pgReachable()) stores.push('postgres');
    else process.stderr.write(`!!! PostgreSQL at ${PG_ADMIN} unreachable: PostgreSQL skipped\n`);
  }
  const lines = [
    `${sides.this ?? 'this checkout'} against ${sides.baseline}: ${ROUNDS} rounds of ${SECONDS} s, ${PAIRS} chats, window ${WINDOW}`,
    '| store | measure | this (median) | baseline (median) | this / baseline: median (range) |',
    '|---|---|---:|---:|---:|',
  ];
  for (const store of stores) {
    const got: Record<Side, Measured[]> = { this: [], baseline: [] };
    // A paced rate both sides carry: a share (LOAD) of what the baseline delivered in round 1.
    let rate = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const order: Side[] = round % 2 ? ['this', 'baseline'] : ['baseline', 'this'];
      for (const side of order) {
        const m = await measure(side, store, `${store}-${round}-${side}`, rate || 2000);
        got[side].push(m);
        process.stderr.write(
          `${store} round ${round} ${side}: ${m.perSecond.toFixed(0)} msg/s, ${m.cpuUs.toFixed(1)} µs CPU/msg, p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms at ${(rate || 2000).toFixed(0)} msg/s\n`,
        );
      }
      if (round === 1) rate = Math.round(median(got.baseline.map((m) => m.perSecond)) * LOAD);
    }
    // The first round's latency ran at a guessed rate: ratios of latency leave it out.
    const measures: [string, (m: Measured) => number, number][] = [
      ['delivered msg/s', (m) => m.perSecond, 0],
      [`server CPU µs per msg at ${rate} msg/s`, (m) => m.cpuUs, 1],
      [`latency p50 (ms) at ${rate} msg/s`, (m) => m.p50, 1],
      [`latency p99 (ms) at ${rate} msg/s`, (m) => m.p99, 1],
    ];
    for (const [name, of, skip] of measures) {
      const a = got.this.slice(skip).map(of);
      const b = got.baseline.slice(skip).map(of);
      const ratios = a.map((v, i) => v / (b[i] as number));
      lines.push(
        `| ${store} | ${name} | ${fmt(median(a))} | ${fmt(median(b))} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} finally {
  await databases.dropAll();
}
