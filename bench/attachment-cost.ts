/**
 * `node --import tsx bench/attachment-cost.ts [sqlite|postgres]` (after `npm run build`):
 * what uploads alone cost the server's event loop, without senders whose own latency
 * would blur it. The server (dist/main.js, or CHECKOUT's) on the last core, ten clients
 * (UPLOADERS) uploading 5 MB PDFs in a loop from bench/attachment-uploads.ts on the
 * others for PHASE_MS (default 12 s), each file downloaded back unless DOWNLOADS=0; it
 * prints per upload the CPU (user, system) and minor page faults of the server's main
 * thread and of the whole process, from /proc. Fresh memory shows up as page faults and
 * system time: the kernel zeroes each page on its first touch. SERVER_NODE_ARGS (space
 * separated) go to the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { storeTargets } from '../test/helpers/stores.js';
import { startServer } from './processes.js';

const which = process.argv[2] ?? 'sqlite';
const target = (await storeTargets()).find((t) => t.name === which);
if (!target) throw new Error(`no ${which} store here`);
const PHASE_MS = Number(process.env.PHASE_MS ?? 12_000);
const UPLOADERS = process.env.UPLOADERS ?? '10';
const db = await target.create();
const databaseUrl = db.config.kind === 'sqlite' ? `sqlite:${db.config.path}` : db.config.url;
const server = await startServer(
  which,
  databaseUrl,
  { ATTACHMENT_QUOTA_BYTES: String(1024 ** 4), ATTACHMENT_URL_SECRET: 'x'.repeat(32) },
  (process.env.SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  process.env.CHECKOUT,
);
const pid = server.child.pid ?? 0;
const cores = os.cpus().length;
if (cores > 1) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cores - 1), String(pid)], {
      stdio: 'ignore',
    });
    execFileSync('taskset', ['-a', '-p', '-c', `0-${cores - 2}`, String(process.pid)], {
      stdio: 'ignore',
    });
  } catch {}
}

/** CPU (ms) and minor page faults so far, of a process or one of its threads. */
function usage(path: string) {
  const stat = readFileSync(path, 'utf8');
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const ticks = (i: number) => ((fields[i] ?? 0) * 1000) / 100;
  return { user: ticks(11), system: ticks(12), faults: fields[7] ?? 0 };
}
const mainThread = `/proc/${pid}/task/${pid}/stat`;
const wholeProcess = `/proc/${pid}/stat`;

// However the run ends, the server stops and the database goes: a failed run left a
// profiling server running, whose CPU every later run on the machine shared.
try {
  const uploaders = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/attachment-uploads.ts', server.url, UPLOADERS],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  uploaders.stdout.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => uploaders.once('exit', resolve));
  // The uploaders' own start (loading, the file's random bytes) before the phase.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const before = { main: usage(mainThread), all: usage(wholeProcess) };
  uploaders.stdin.end(`${Date.now() + PHASE_MS}\n`);
  if ((await exited) !== 0) throw new Error('the uploaders failed');
  const after = { main: usage(mainThread), all: usage(wholeProcess) };
  // Its last line: the times (an `idle` line before it ends the window).
  const { up, down } = JSON.parse(out.slice(out.lastIndexOf('\n') + 1)) as {
    up: number[];
    down: number[];
  };
  const per = (a: number, b: number) => ((b - a) / up.length).toFixed(1);
  const line = (name: string, a: ReturnType<typeof usage>, b: ReturnType<typeof usage>) =>
    `${name}: CPU ${per(a.user + a.system, b.user + b.system)} ms (user ${per(a.user, b.user)}, system ${per(a.system, b.system)}), ${per(a.faults, b.faults)} page faults`;
  console.log(`store: ${which}; ${up.length} uploads, ${down.length} downloads; per upload:`);
  console.log(line('main thread', before.main, after.main));
  console.log(line('process', before.all, after.all));
} finally {
  await server.stop();
  await db.drop();
}
