/**
 * `node --import tsx bench/attachments.ts [sqlite|postgres]`: what uploads cost the
 * people sending messages. Ten senders send over REST, one message at a time each, for a
 * phase without uploads and a phase while ten clients upload 5 MB files in a loop; it
 * prints each phase's send latency (p50, p99) and the uploads' and downloads' throughput,
 * and what each phase cost the server (its event loop's CPU, the process's, the loop's
 * delay), which a loaded machine blurs less than latencies.
 * UPLOADERS (default 10) sets how many clients upload at once: 1 is "a large file is being
 * written", 10 a machine busy with uploads.
 * The server runs as its own process (dist/main.js: `npm run build` first), so the load
 * generator's work is not counted in its event loop; the uploading clients run in another
 * (attachment-uploads.ts), so the senders' latency is not their own event loop's. CHECKOUT runs another checkout's
 * build (its dist/, package.json and node_modules) for an A/B: alternate runs of the two,
 * several rounds. ATTACHMENT_UPLOAD_BYTES_PER_SECOND is handed to the server when set (0:
 * no upload budget), for an A/B of the budget with one build. ATTACH_PIN=1 puts the server
 * (every thread of it) on the last core and this process and the uploaders (its children)
 * on the others, so that what the senders' latency shows is the server's own work, not the
 * uploading clients' CPU taking turns with it on a small machine. DOWNLOADS=0: the
 * uploaders do not download what they uploaded (what writing files costs, alone). The
 * uploaders' process runs at the lowest priority (nice 19), so that on a small machine their
 * CPU does not delay the senders' process; ATTACH_NICE=0 runs it at the senders' priority.
 * Each phase follows WARM_UP_SENDS (default 2000) of the same sends, not measured (a
 * count, not a time: a loaded machine sends fewer a second), and the uploading clients'
 * process starts before the first, waiting for the second phase's start: without that,
 * the first phase measured a server just started (its code not yet optimised, the senders'
 * connections and the database pool's opening) and the second a warm one, and a run
 * without uploads (UPLOADERS=0) read 0.6–0.9× in its second phase.
 * Each phase's cost line ends with how busy the machine's cores were (every process's
 * CPU), to tell a phase that shared the machine with someone else's work. On PostgreSQL
 * each phase also commits a tiny row every 20 ms from this process, beside the server: the
 * database's own commit latency, which the chunks' WAL and the database's CPU would raise,
 * apart from what the server's process adds to the sends (PROBE=0: not).
 * WINDOWS=n cuts each phase into n windows taken in turns (alone, with uploads, with
 * uploads, alone, ...) after one window of sends not counted: the run's own drift then
 * falls on both conditions alike, where with two phases a run with no upload at all
 * (UPLOADERS=0) read its second phase at 0.55-0.85x the first on PostgreSQL.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { storeTargets } from '../test/helpers/stores.js';
import { cpuMs, startServer } from './processes.js';

const which = process.argv[2] ?? 'sqlite';
const target = (await storeTargets()).find((t) => t.name === which);
if (!target) throw new Error(`no ${which} store here`);
const db = await target.create();
const METRICS_TOKEN = 'bench-metrics-token-0123456789';
const databaseUrl = db.config.kind === 'sqlite' ? `sqlite:${db.config.path}` : db.config.url;
const server = await startServer(
  which,
  databaseUrl,
  {
    ATTACHMENT_QUOTA_BYTES: String(1024 ** 4),
    ATTACHMENT_URL_SECRET: 'x'.repeat(32),
    METRICS_TOKEN: METRICS_TOKEN,
    ...(process.env.ATTACHMENT_UPLOAD_BYTES_PER_SECOND !== undefined && {
      ATTACHMENT_UPLOAD_BYTES_PER_SECOND: process.env.ATTACHMENT_UPLOAD_BYTES_PER_SECOND,
    }),
  },
  [],
  process.env.CHECKOUT,
);
/** Every thread of `pid` on these cores (Linux's taskset; a no-op where it is absent). */
function pin(pid: number, cores: string): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
  } catch {}
}
const cores = os.cpus().length;
if (process.env.ATTACH_PIN === '1' && cores > 1) {
  pin(process.pid, `0-${cores - 2}`);
  pin(server.child.pid as number, String(cores - 1));
}
/** The uploading clients' processes: killed, the server stopped and the database dropped however the run ends. */
const children: ChildProcess[] = [];
/** The database's commits seen from outside the server (below). */
let probe: pg.Client | undefined;
try {
  /** The size of each uploaded file (attachment-uploads.ts). */
  const FILE_BYTES = 5 * 1024 * 1024;
  const PHASE_MS = Number(process.env.PHASE_MS ?? 10_000);
  const UPLOADERS = Number(process.env.UPLOADERS ?? 10);
  const WARM_UP_SENDS = Number(process.env.WARM_UP_SENDS ?? 2_000);

  const quantile = (xs: number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  };

  /** Ten senders, each starting another send while `more(sends done)`. */
  async function senders(more: (done: number) => boolean): Promise<number[]> {
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const id = `bench-sender-${i}-${Math.random().toString(36).slice(2, 6)}`;
        while (more(times.length)) {
          const t = performance.now();
          const res = await fetch(`${server.url}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              senderId: id,
              senderType: 'user',
              senderName: 'B',
              content: 'hello',
            }),
          });
          await res.arrayBuffer();
          times.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    return times;
  }

  const until = (end: number) => () => Date.now() < end;
  const fewerThan = (count: number) => (done: number) => done < count;

  /**
   * The uploading clients, in their own process (bench/attachment-uploads.ts), started now:
   * `window(end)` has them upload until `end` and resolves once the last upload begun
   * before it ended; `finish()` ends the process and gives every upload's and download's
   * time.
   */
  function uploaders(): {
    window(end: number): Promise<void>;
    finish(): Promise<{ up: number[]; down: number[] }>;
  } {
    const command = [
      process.execPath,
      '--import',
      'tsx',
      'bench/attachment-uploads.ts',
      server.url,
      String(UPLOADERS),
    ];
    // Lowest priority, every thread (nice execs node): on a small machine the uploading
    // clients' CPU, their downloads' reads above all, would otherwise delay the senders'
    // process, which is not what the server does to the sends. ATTACH_NICE=0: not.
    const [file = '', ...args] =
      process.env.ATTACH_NICE === '0' ? command : ['nice', '-n', '19', ...command];
    const child = spawn(file, args, {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    const idle: (() => void)[] = [];
    child.stdout.on('data', (d) => {
      out += d;
      for (let at = out.indexOf('idle\n'); at === 0; at = out.indexOf('idle\n')) {
        out = out.slice('idle\n'.length);
        idle.shift()?.();
      }
    });
    const done = new Promise<{ up: number[]; down: number[] }>((resolve, reject) => {
      child.once('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`uploaders exited ${code}`)),
      );
    });
    done.catch(() => {});
    return {
      window: (end) =>
        new Promise<void>((resolve, reject) => {
          idle.push(resolve);
          done.then(() => reject(new Error('the uploaders ended inside a window')), reject);
          child.stdin.write(`${end}\n`);
        }),
      finish: () => {
        child.stdin.end('done\n');
        return done;
      },
    };
  }

  /**
   * What a phase cost the server, robust to a loaded machine where latencies are not: CPU
   * of its event loop (the main thread) and of the whole process, and the event loop's
   * delay (p99, max; prom-client resets it at each scrape), and its garbage collections
   * (full ones, each a pause the sends wait behind, and the scavenges).
   */
  interface Cost {
    mainCpuMs: number;
    cpuMs: number;
    lagP99Ms: number;
    lagMaxMs: number;
    gc: GcCounts;
    /** CPU the whole machine spent (every process: this one, PostgreSQL, anyone else's). */
    machineCpuMs: number;
    wallMs: number;
    /** The probe's commit latencies (PostgreSQL). */
    commits: number[];
  }
  /** Every core's busy time so far (/proc/stat: all but idle and iowait). */
  const machineCpuMs = (): number => {
    const ticks = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      ?.split(/\s+/)
      .slice(1)
      .map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks ?? [];
    return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
  };
  const pid = server.child.pid ?? 0;
  const mainThreadCpuMs = (): number => {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  };
  /** prom-client's nodejs_gc_duration_seconds: how many of each kind, and their time (ms). */
  type GcCounts = Record<'major' | 'minor', { count: number; ms: number }>;
  async function lag(): Promise<{ p99: number; max: number; gc: GcCounts }> {
    const text = await (
      await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      })
    ).text();
    const read = (name: string) =>
      1000 * Number(new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? NaN);
    // A kind that has not happened yet has no line: none.
    const gcOf = (kind: string) => ({
      count: read(`nodejs_gc_duration_seconds_count\\{kind="${kind}"\\}`) / 1000 || 0,
      ms: read(`nodejs_gc_duration_seconds_sum\\{kind="${kind}"\\}`) || 0,
    });
    return {
      p99: read('nodejs_eventloop_lag_p99_seconds'),
      max: read('nodejs_eventloop_lag_max_seconds'),
      gc: { major: gcOf('major'), minor: gcOf('minor') },
    };
  }
  /**
   * The database's commits, seen from outside the server (PostgreSQL; none on SQLite).
   * PROBE=0 leaves them out: they are ~50 small commits a second beside the sends' ~200,
   * whose flushes now and then take the chunks' WAL instead of a send's.
   */
  probe =
    db.config.kind === 'postgres' && process.env.PROBE !== '0'
      ? new pg.Client(db.config.url)
      : undefined;
  await probe?.connect();
  await probe?.query('CREATE TABLE bench_probe (id bigserial PRIMARY KEY, body text)');
  async function probeCommits(more: () => boolean): Promise<number[]> {
    const times: number[] = [];
    while (probe && more()) {
      await new Promise((r) => setTimeout(r, 20));
      const t = performance.now();
      await probe.query('INSERT INTO bench_probe (body) VALUES ($1)', ['hello']);
      times.push(performance.now() - t);
    }
    return times;
  }
  async function phase<T>(work: () => Promise<T>): Promise<[T, Cost]> {
    const before = (await lag()).gc;
    const main = mainThreadCpuMs();
    const all = cpuMs(pid);
    const machine = machineCpuMs();
    const started = performance.now();
    let working = true;
    const probing = probeCommits(() => working);
    // Awaited after the work: a failed probe must not end the process before the cleanup.
    probing.catch(() => {});
    const result = await work();
    working = false;
    const commits = await probing;
    const { p99, max, gc } = await lag();
    const since = (kind: keyof GcCounts) => ({
      count: gc[kind].count - before[kind].count,
      ms: gc[kind].ms - before[kind].ms,
    });
    return [
      result,
      {
        mainCpuMs: mainThreadCpuMs() - main,
        cpuMs: cpuMs(pid) - all,
        lagP99Ms: p99,
        lagMaxMs: max,
        gc: { major: since('major'), minor: since('minor') },
        machineCpuMs: machineCpuMs() - machine,
        wallMs: performance.now() - started,
        commits,
      },
    ];
  }

  /** Several windows' costs as one phase's: sums, and the worst of the loop's delays. */
  const together = (costs: Cost[]): Cost => ({
    mainCpuMs: costs.reduce((sum, c) => sum + c.mainCpuMs, 0),
    cpuMs: costs.reduce((sum, c) => sum + c.cpuMs, 0),
    lagP99Ms: Math.max(...costs.map((c) => c.lagP99Ms)),
    lagMaxMs: Math.max(...costs.map((c) => c.lagMaxMs)),
    gc: {
      major: {
        count: costs.reduce((sum, c) => sum + c.gc.major.count, 0),
        ms: costs.reduce((sum, c) => sum + c.gc.major.ms, 0),
      },
      minor: {
        count: costs.reduce((sum, c) => sum + c.gc.minor.count, 0),
        ms: costs.reduce((sum, c) => sum + c.gc.minor.ms, 0),
      },
    },
    machineCpuMs: costs.reduce((sum, c) => sum + c.machineCpuMs, 0),
    wallMs: costs.reduce((sum, c) => sum + c.wallMs, 0),
    commits: costs.flatMap((c) => c.commits),
  });

  const uploads = uploaders();
  const coldWarmUp = await senders(fewerThan(WARM_UP_SENDS));
  /**
   * WINDOWS=n: the two phases cut into n windows each and taken in turns (alone, with
   * uploads, with uploads, alone, ...), so that the server's and the database's drift over
   * the run (a second phase faster than the first even with no upload in it) falls on both
   * alike; a window with uploads waits for its last upload to end before the next begins.
   */
  const WINDOWS = Number(process.env.WINDOWS ?? 0);
  const quiet: number[] = [];
  const busy: number[] = [];
  const quietCosts: Cost[] = [];
  const busyCosts: Cost[] = [];
  /** Each window's p99 (ms), and whether uploads ran in it. */
  const windows: { uploads: boolean; p99: number }[] = [];
  let warmWarmUp: number[] = [];
  if (WINDOWS > 0) {
    // One window more first, not counted: the first window of a run read slowest in most
    // runs, uploads or not (the senders' warm-up does not take the server all the way).
    await senders(until(Date.now() + PHASE_MS / WINDOWS));
    for (let i = 0; i < 2 * WINDOWS; i++) {
      const withUploads = i % 4 === 1 || i % 4 === 2;
      const [times, cost] = await phase(async () => {
        const end = Date.now() + PHASE_MS / WINDOWS;
        const [times] = await Promise.all([
          senders(until(end)),
          withUploads ? uploads.window(end) : undefined,
        ]);
        return times;
      });
      (withUploads ? busy : quiet).push(...times);
      (withUploads ? busyCosts : quietCosts).push(cost);
      windows.push({ uploads: withUploads, p99: quantile(times, 0.99) });
    }
  } else {
    const [alone, aloneCost] = await phase(() => senders(until(Date.now() + PHASE_MS)));
    quiet.push(...alone);
    quietCosts.push(aloneCost);
    warmWarmUp = await senders(fewerThan(WARM_UP_SENDS));
    const [[during], duringCost] = await phase(() => {
      const end = Date.now() + PHASE_MS;
      return Promise.all([senders(until(end)), uploads.window(end)]);
    });
    busy.push(...during);
    busyCosts.push(duringCost);
  }
  const quietCost = together(quietCosts);
  const busyCost = together(busyCosts);
  const files = await uploads.finish();

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const mbps = (times: number[]) =>
    times.length === 0
      ? 'none done'
      : `${(FILE_BYTES / 1e6 / (quantile(times, 0.5) / 1000)).toFixed(1)} MB/s per upload (median ${ms(quantile(times, 0.5))}, ${times.length} done)`;
  console.log(`store: ${which}`);
  console.log(
    `sends alone:        p50 ${ms(quantile(quiet, 0.5))}  p99 ${ms(quantile(quiet, 0.99))}  (${quiet.length})`,
  );
  console.log(
    `sends with uploads: p50 ${ms(quantile(busy, 0.5))}  p99 ${ms(quantile(busy, 0.99))}  (${busy.length})`,
  );
  console.log(
    `warm-ups, not counted: p50 ${ms(quantile(coldWarmUp, 0.5))}  p99 ${ms(quantile(coldWarmUp, 0.99))} (server just started)${warmWarmUp.length > 0 ? `, then p50 ${ms(quantile(warmWarmUp, 0.5))}  p99 ${ms(quantile(warmWarmUp, 0.99))}` : ''}`,
  );
  if (windows.length > 0) {
    console.log(
      `windows in turn, p99 (U: with uploads): ${windows.map((w) => `${w.uploads ? 'U ' : ''}${w.p99.toFixed(1)}`).join(', ')}`,
    );
  }
  console.log(
    `sends p99 with uploads / alone: ${(quantile(busy, 0.99) / quantile(quiet, 0.99)).toFixed(2)}×`,
  );
  console.log(`5 MB upload (${UPLOADERS} at once):   ${mbps(files.up)}`);
  console.log(`5 MB download (${UPLOADERS} at once): ${mbps(files.down)}`);
  const costLine = (c: Cost) =>
    `event loop CPU ${c.mainCpuMs.toFixed(0)} ms, process CPU ${c.cpuMs.toFixed(0)} ms, loop delay p99 ${ms(c.lagP99Ms)} max ${ms(c.lagMaxMs)}; full GCs ${c.gc.major.count} (${c.gc.major.ms.toFixed(0)} ms), scavenges ${c.gc.minor.count} (${c.gc.minor.ms.toFixed(0)} ms); the machine's cores ${((100 * c.machineCpuMs) / c.wallMs / cores).toFixed(0)}% busy`;
  console.log(`server, sends alone:        ${costLine(quietCost)}`);
  console.log(`server, sends with uploads: ${costLine(busyCost)}`);
  // An upload's own cost: the phase's, less what its sends cost at the rate sends alone did.
  const perUpload = (quietMs: number, busyMs: number) =>
    files.up.length === 0
      ? '(no upload)'
      : ((busyMs - (quietMs / quiet.length) * busy.length) / files.up.length).toFixed(1);
  console.log(
    `per upload (less its phase's sends): event loop CPU ${perUpload(quietCost.mainCpuMs, busyCost.mainCpuMs)} ms, process CPU ${perUpload(quietCost.cpuMs, busyCost.cpuMs)} ms`,
  );
  if (probe) {
    const line = (c: Cost) =>
      `p50 ${ms(quantile(c.commits, 0.5))}  p99 ${ms(quantile(c.commits, 0.99))}  (${c.commits.length})`;
    console.log(`database commits from outside the server, sends alone: ${line(quietCost)}`);
    console.log(`database commits from outside the server, with uploads: ${line(busyCost)}`);
  }
} finally {
  for (const child of children) if (child.exitCode === null) child.kill();
  await probe?.end().catch(() => {});
  await server.stop();
  await db.drop();
}
