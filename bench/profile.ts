/**
 * `node --import tsx bench/profile.ts [sqlite|postgres]`: runs the socket throughput load
 * against a server started with --cpu-prof, for finding where server time goes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePairs, setupPairs, throughput } from './load.js';

const store = process.argv[2] ?? 'sqlite';
const dir = mkdtempSync(join(tmpdir(), 'chat-prof-'));
const port = 22500;
const databaseUrl =
  store === 'postgres'
    ? (process.env.PROFILE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
    : `sqlite:${join(dir, 'p.db')}`;
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'dist/main.js'], {
  env: {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'error',
    RATE_LIMIT: 'off',
  },
  stdio: 'ignore',
});
const url = `http://127.0.0.1:${port}`;
for (;;) {
  try {
    if ((await fetch(`${url}/health`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 20));
}
const pairs = await setupPairs(url, 100, `prof-${Date.now()}`, true);
const result = await throughput(pairs, `prof-${Date.now()}`, 5000, 4);
console.log(`${result.deliveredPerSecond.toFixed(0)} delivered/s`);
closePairs(pairs);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
console.log(`profile in ${dir}`);
