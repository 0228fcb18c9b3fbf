/**
 * `node --import tsx bench/profile.ts [sqlite|postgres] [checkout]`: the socket throughput
 * load against a server started with --cpu-prof, for finding where server time goes; the
 * server built in `checkout` (another worktree) when given, to compare two commits.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePairs, setupPairs, throughput } from './load.js';
import { startServer } from './processes.js';

const store = process.argv[2] ?? 'sqlite';
const dir = mkdtempSync(join(tmpdir(), 'chat-prof-'));
const databaseUrl =
  store === 'postgres'
    ? (process.env.PROFILE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
    : `sqlite:${join(dir, 'p.db')}`;
const checkout = process.argv[3];
const profiling = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
const server = await (checkout === undefined
  ? startServer(store, databaseUrl, {}, profiling)
  : startServer(store, databaseUrl, {}, profiling, checkout));
const tag = `prof-${Date.now()}`;
const pairs = await setupPairs(server.url, 100, tag, true);
const result = await throughput(pairs, tag, 5000, 4);
console.log(
  `${result.deliveredPerSecond.toFixed(0)} delivered/s, ${result.deliveredTotal} delivered in all`,
);
closePairs(pairs);
await server.stop();
console.log(`profile in ${dir}`);
