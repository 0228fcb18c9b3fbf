/**
 * `node --import tsx bench/profile.ts [sqlite|postgres]`: the socket throughput load
 * against a server started with --cpu-prof, for finding where server time goes.
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
const server = await startServer(store, databaseUrl, {}, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
const tag = `prof-${Date.now()}`;
const pairs = await setupPairs(server.url, 100, tag, true);
const result = await throughput(pairs, tag, 5000, 4);
console.log(`${result.deliveredPerSecond.toFixed(0)} delivered/s`);
closePairs(pairs);
await server.stop();
console.log(`profile in ${dir}`);
