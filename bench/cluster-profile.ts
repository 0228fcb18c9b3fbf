/**
 * `node --import tsx bench/cluster-profile.ts [checkout]`: two nodes on PostgreSQL with
 * their own Redis, each chat's user on node A and its admin on node B (every message
 * crosses Redis), started with --cpu-prof (PROFILE=0: without). PROFILE_RATE=<msg/s>
 * paces the sends; without it, full load (a window of 4 sends per sender). Prints each
 * process's CPU per message (node A, node B, Redis) and Redis's own cost per command
 * (INFO commandstats), for finding where a cluster's CPU per message goes.
 * PROFILE_SECONDS (5) sets the length.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { benchDatabases } from './databases.js';
import { closePairs, latency, setupPairs, throughput } from './load.js';
import { cpuMs, startRedis, startServer } from './processes.js';

const checkout = resolve(process.argv[2] ?? '.');
const dir = mkdtempSync(join(tmpdir(), 'chat-cluster-prof-'));
const profiling = process.env.PROFILE === '0' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
const rate = Number(process.env.PROFILE_RATE ?? 0);
const seconds = Number(process.env.PROFILE_SECONDS ?? 5);
const databases = benchDatabases('clprof');
const databaseUrl = await databases.fresh('postgres');
const redis = await startRedis();
const port = new URL(redis.url).port;
const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', port, ...args]).toString();
const METRICS_TOKEN = 'cluster-profile-metrics';
const clusterEnv: Record<string, string> = {
  METRICS_TOKEN,
  ...(process.env.PROFILE_NO_REDIS === '1' ? {} : { REDIS_URL: redis.url }),
};
/** Redis commands a node gave up on (REDIS_COMMAND_TIMEOUT_MS), from its /metrics. */
const redisTimeouts = async (url: string) => {
  const res = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const line = (await res.text())
    .split('\n')
    .find((l) => l.startsWith('chat_redis_timeouts_total'));
  return Number(line?.split(' ').pop() ?? 0);
};
/** Index scans per index of the messages table: a gap read from the store scans by (chatId, seq). */
const indexScans = async (client: pg.Client) => {
  const { rows } = await client.query<{ indexrelname: string; idx_scan: string }>(
    "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes WHERE relname = 'messages'",
  );
  return new Map(rows.map((r) => [r.indexrelname, Number(r.idx_scan)]));
};
const a = await startServer('a', databaseUrl, clusterEnv, profiling, checkout);
const b = await startServer('b', databaseUrl, clusterEnv, profiling, checkout);
try {
  const tag = `clprof-${Date.now()}`;
  const pairs = await setupPairs(a.url, 100, tag, true, b.url);
  const pids = {
    a: a.child.pid as number,
    b: b.child.pid as number,
    redis: redis.child.pid as number,
  };
  const cpu = () => ({ a: cpuMs(pids.a), b: cpuMs(pids.b), redis: cpuMs(pids.redis) });
  cli('CONFIG', 'RESETSTAT');
  // What the database runs during the load, by statement and by node (its client port).
  const watcher = new pg.Client({ connectionString: databaseUrl });
  await watcher.connect();
  const portsOf = (pid: number) =>
    new Set(
      execFileSync('ss', ['-tnpH'])
        .toString()
        .split('\n')
        .filter((l) => l.includes(`pid=${pid},`) && l.includes(':5432'))
        .map((l) => l.split(/\s+/)[3]?.split(':').pop()),
    );
  const nodePorts = { a: portsOf(pids.a), b: portsOf(pids.b) };
  const scans0 = await indexScans(watcher);
  const seen = new Map<string, number>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await watcher.query<{ client_port: number; query: string }>(
        "SELECT client_port, coalesce(wait_event_type, $$-$$) || $$:$$ || coalesce(wait_event, $$-$$) || $$ $$ || query AS query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'",
      );
      for (const r of rows) {
        const node = nodePorts.a.has(String(r.client_port))
          ? 'A'
          : nodePorts.b.has(String(r.client_port))
            ? 'B'
            : '?';
        const k = `${node} ${r.query.replace(/\s+/g, ' ').slice(0, 90)}`;
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const before = cpu();
  const from = process.hrtime.bigint() / 1000n;
  let messages: number;
  if (rate > 0 && process.env.PROFILE_ACKS === '1') {
    // Ack latency apart from delivery latency: which of the store or the fan-out queues.
    const senders = pairs.flatMap((p) =>
      process.env.PROFILE_ONE_SIDE === '1'
        ? [{ s: p.user, r: p.admin, id: p.userId, type: 'user' }]
        : [
            { s: p.user, r: p.admin, id: p.userId, type: 'user' },
            { s: p.admin, r: p.user, id: p.adminId, type: 'admin' },
          ],
    );
    const acks: number[] = [];
    const deliveries: number[] = [];
    const sentAt = new Map<string, number>();
    for (const x of senders) {
      x.r.on(
        'new-message',
        ({ message }: { message: { senderId: string; clientMessageId: string } }) => {
          const t = sentAt.get(message.clientMessageId);
          if (message.senderId === x.id && t !== undefined) deliveries.push(performance.now() - t);
        },
      );
    }
    let n = 0;
    const interval = (senders.length / rate) * 1000;
    const timers = senders.map((x, i) =>
      setTimeout(
        () => {
          const tick = () => {
            const cmid = `${tag}-${x.id}-${n++}`;
            const t = performance.now();
            sentAt.set(cmid, t);
            x.s.emit(
              'send-message',
              {
                chatId: pairs[Math.floor(i / (senders.length / pairs.length))]?.chatId,
                senderId: x.id,
                senderType: x.type,
                content: `m ${n}`,
                clientMessageId: cmid,
              },
              () => acks.push(performance.now() - t),
            );
          };
          tick();
          timers[i] = setInterval(tick, interval);
        },
        (i / senders.length) * interval,
      ),
    );
    await new Promise((r) => setTimeout(r, seconds * 1000));
    for (const t of timers) clearInterval(t);
    await new Promise((r) => setTimeout(r, 1000));
    messages = n;
    const pct = (xs: number[], q: number) =>
      xs.sort((x, y) => x - y)[Math.floor(xs.length * q)]?.toFixed(1);
    console.log(
      `paced ${rate} msg/s, ${n} sent: ack p50 ${pct(acks, 0.5)} p99 ${pct(acks, 0.99)} ms (${acks.length}); delivery p50 ${pct(deliveries, 0.5)} p99 ${pct(deliveries, 0.99)} ms (${deliveries.length})`,
    );
  } else if (rate > 0) {
    const lat = await latency(pairs, tag, rate, seconds * 1000);
    messages = rate * (seconds + 1);
    console.log(`paced ${rate} msg/s: p50 ${lat.p50.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms`);
  } else {
    const tp = await throughput(pairs, tag, seconds * 1000, 4);
    messages = tp.deliveredTotal;
    console.log(
      `full load: ${tp.deliveredPerSecond.toFixed(0)} delivered/s, ${tp.ackedPerSecond.toFixed(0)} acked/s, ${tp.errors} errors`,
    );
  }
  const after = cpu();
  console.log(`load from ${from} to ${process.hrtime.bigint() / 1000n} µs (monotonic)`);
  sampling = false;
  await sampler;
  // The statistics collector reports a backend's counts when its transaction ends, at most once a second.
  await new Promise((r) => setTimeout(r, 1500));
  for (const [index, scans] of await indexScans(watcher)) {
    const per = (scans - (scans0.get(index) ?? 0)) / messages;
    if (per > 0) console.log(`  index scans of ${index}: ${per.toFixed(3)} per message`);
  }
  await watcher.end();
  console.log(
    `  Redis commands timed out: node A ${await redisTimeouts(a.url)}, node B ${await redisTimeouts(b.url)}`,
  );
  for (const [k, n] of [...seen].sort((x, y) => y[1] - x[1]).slice(0, 12))
    console.log(`  db sample ${n} ${k}`);
  const per = (k: 'a' | 'b' | 'redis') => (((after[k] - before[k]) * 1000) / messages).toFixed(1);
  console.log(`CPU µs per message: node A ${per('a')}, node B ${per('b')}, Redis ${per('redis')}`);
  for (const line of cli('INFO', 'commandstats').split('\n')) {
    const m = /^cmdstat_(\w+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (!m) continue;
    const [, name, calls, usec] = m;
    console.log(
      `  ${name}: ${(Number(calls) / messages).toFixed(2)} calls/msg, ${(Number(usec) / messages).toFixed(2)} µs/msg`,
    );
  }
  console.log(
    cli('INFO', 'clients')
      .split('\n')
      .filter((l) => l.includes('client'))
      .join(' '),
  );
  closePairs(pairs);
} finally {
  await Promise.all([a.stop(), b.stop()]);
  await redis.stop();
  await databases.dropAll();
}
if (profiling.length > 0) console.log(`profiles in ${dir}`);
