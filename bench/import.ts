/**
 * The v2 import's speed: the built CLI (`dist/import-v2.js`, as operators run it) on the tests'
 * export (test/import/generate-export.ts: mixed relaxed/canonical Extended JSON, messages
 * newest first across chats), into a fresh database of each store, alternated for `rounds`.
 * The export is written once per shape under BENCH_CACHE (default: the system's temp folder)
 * and kept, so later runs skip it. Reports messages/s of each run and its peak RSS. `node --import tsx bench/import.ts [messages]` runs it alone;
 * IMPORT_PROFILE=<folder> adds --cpu-prof to each run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateExport } from '../test/import/generate-export.js';
import { benchDatabases, type StoreName } from './databases.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The targets, in messages per second. */
export const IMPORT_TARGETS: Record<StoreName, number> = { sqlite: 50_000, postgres: 30_000 };

export interface ImportRun {
  messagesPerSecond: number;
  seconds: number;
  peakMiB: number;
}

export const cacheFolder = (): string =>
  process.env.BENCH_CACHE ?? join(os.tmpdir(), 'fastorika-bench-cache');

/** The export's folder for `messages` (50 per chat, as the tests), written when missing. */
export function exportOf(messages: number): string {
  const perChat = 50;
  const chats = Math.ceil(messages / perChat);
  const dir = join(cacheFolder(), `import-v2-${chats}x${perChat}`);
  if (existsSync(join(dir, 'messages.json'))) return dir;
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  generateExport({
    dir: partial,
    chats,
    messagesPerChat: perChat,
    chatsForm: 'array',
    messagesForm: 'lines',
    mode: 'mixed',
  });
  renameSync(partial, dir);
  return dir;
}

/** One run of the CLI; its own summary line gives messages/s, /proc its CPU and peak. */
export function importOnce(dir: string, databaseUrl: string, profile?: string): Promise<ImportRun> {
  const args = [
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    'dist/import-v2.js',
    '--dir',
    dir,
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = /in ([\d.]+) s \(([\d,]+) messages\/s\)/.exec(out);
      const peak = /Peak memory: (\d+) MiB/.exec(out);
      if (code !== 0 || !line || !peak)
        return reject(new Error(`import exited ${code}: ${out}\n${err.slice(-2000)}`));
      resolve({
        seconds: Number(line[1]),
        messagesPerSecond: Number((line[2] as string).replace(/,/g, '')),
        peakMiB: Number(peak[1]),
      });
    });
  });
}

/** `rounds` imports of the export of `messages`, alternating the stores, each on a fresh database. */
export async function importRounds(
  stores: StoreName[],
  messages: number,
  rounds: number,
  say: (line: string) => void,
  record: (scenario: string, store: StoreName, value: number) => void,
): Promise<void> {
  say(`import: the export of ${messages.toLocaleString('en-US')} messages (cached)`);
  const dir = exportOf(messages);
  const databases = benchDatabases('import');
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const store of stores) {
        const url = await databases.fresh(store);
        const run = await importOnce(dir, url, process.env.IMPORT_PROFILE);
        const label = `v2 import msg/s (${messages / 1000}k messages)`;
        record(label, store, run.messagesPerSecond);
        say(
          `  import ${store} round ${round}/${rounds}: ${run.messagesPerSecond} msg/s in ${run.seconds} s, peak ${run.peakMiB} MiB (target ≥ ${IMPORT_TARGETS[store]})`,
        );
      }
    }
  } finally {
    await databases.dropAll();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const messages = Number(process.argv[2] ?? 100_000);
  const rounds = Number(process.env.IMPORT_ROUNDS ?? 3);
  const stores = (process.env.IMPORT_STORES ?? 'sqlite,postgres').split(',') as StoreName[];
  const seen: Record<string, number[]> = {};
  await importRounds(
    stores,
    messages,
    rounds,
    (line) => process.stderr.write(`${line}\n`),
    (_scenario, store, value) => {
      seen[store] ??= [];
      seen[store].push(value);
    },
  );
  for (const [store, values] of Object.entries(seen)) {
    process.stdout.write(
      `${store}: ${values.join(', ')} msg/s (min ${Math.min(...values)}, max ${Math.max(...values)})\n`,
    );
  }
}
