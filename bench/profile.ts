/**
 * `node --import tsx bench/profile.ts [sqlite|postgres] [checkout]`: the socket throughput
 * load against a server started with --cpu-prof, for finding where server time goes; the
 * server built in `checkout` (another worktree) when given, to compare two commits.
 * PROFILE_RATE=<msg/s> paces the sends instead (the same rate for both commits, so that
 * neither batches more than the other) and prints the server's CPU per message sent, and
 * on PostgreSQL the CPU of the bench database's own backends per message (other work on a
 * shared machine counts in neither). PROFILE_SECONDS (5) sets the length; PROFILE=0 runs
 * without --cpu-prof (its sampling costs CPU too); PROFILE_ENV="NAME=value ..." is set for
 * the server (to weigh a setting), PROFILE_NODE_ARGS are more of node's options for it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchDatabases } from './databases.js';
import { closePairs, latency, setupPairs, throughput } from './load.js';
import { cpuMs, startServer } from './processes.js';

const store = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const dir = mkdtempSync(join(tmpdir(), 'chat-prof-'));
const databases = benchDatabases('prof');
const databaseUrl = process.env.PROFILE_DATABASE_URL ?? (await databases.fresh(store));
const checkout = process.argv[3];
const profiling = [
  ...(process.env.PROFILE === '0' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`]),
  // PROFILE_NODE_ARGS: more of node's own options for the server (a V8 flag to weigh).
  ...(process.env.PROFILE_NODE_ARGS ?? '').split(/\s+/).filter((arg) => arg !== ''),
];
const rate = Number(process.env.PROFILE_RATE ?? 0);
const seconds = Number(process.env.PROFILE_SECONDS ?? 5);
const serverEnv = Object.fromEntries(
  (process.env.PROFILE_ENV ?? '')
    .split(/\s+/)
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

/** CPU (ms) of the backends connected to the bench's database, summed. */
async function backendsMs(client: pg.Client | undefined): Promise<number> {
  if (!client) return 0;
  const { rows } = await client.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  let ms = 0;
  for (const { pid } of rows) {
    try {
      ms += cpuMs(pid);
    } catch {}
  }
  return ms;
}

const server = await (checkout === undefined
  ? startServer(store, databaseUrl, serverEnv, profiling)
  : startServer(store, databaseUrl, serverEnv, profiling, checkout));
const watcher = store === 'postgres' ? new pg.Client({ connectionString: databaseUrl }) : undefined;
await watcher?.connect();
try {
  const tag = `prof-${Date.now()}`;
  const pairs = await setupPairs(server.url, 100, tag, true);
  const pid = server.child.pid as number;
  // The load's window on the monotonic clock, which the profile's timestamps use too.
  const from = process.hrtime.bigint() / 1000n;
  if (rate > 0) {
    const [server0, db0] = [cpuMs(pid), await backendsMs(watcher)];
    const lat = await latency(pairs, tag, rate, seconds * 1000);
    // latency() paces through its warm-up second and the measured window.
    const sent = rate * (seconds + 1);
    const serverUs = ((cpuMs(pid) - server0) * 1000) / sent;
    const dbUs = ((await backendsMs(watcher)) - db0) * (1000 / sent);
    console.log(
      `${rate} msg/s paced: server ${serverUs.toFixed(1)} µs CPU/msg${watcher ? `, database backends ${dbUs.toFixed(1)} µs CPU/msg` : ''}, p50 ${lat.p50.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms, ${lat.samples} delivered`,
    );
  } else {
    const server0 = cpuMs(pid);
    const result = await throughput(pairs, tag, seconds * 1000, 4);
    const serverUs = ((cpuMs(pid) - server0) * 1000) / result.deliveredTotal;
    console.log(
      `${result.deliveredPerSecond.toFixed(0)} delivered/s, ${result.deliveredTotal} delivered in all, server ${serverUs.toFixed(1)} µs CPU per delivered message`,
    );
  }
  console.log(`load from ${from} to ${process.hrtime.bigint() / 1000n} µs (monotonic)`);
  closePairs(pairs);
} finally {
  await watcher?.end();
  await server.stop();
  await databases.dropAll();
}
if (process.env.PROFILE !== '0') console.log(`profile in ${dir}`);
