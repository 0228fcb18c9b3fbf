/**
 * `npm run bench:reports`: the reports (PROTOCOL §8.5) at scale, on each store
 * (REPORT_STORES=sqlite or postgres for one).
 *
 * REPORT_CHATS (default 100,000) chats spread evenly over the last 365 days, with
 * REPORT_MESSAGES_PER_CHAT (10: 1,000,000) messages each, written by one INSERT … SELECT
 * per table (seconds, not an append each): 3% missed, 5% waiting, 10% active, the rest
 * closed; 20 admins; waits, first responses and resolutions spread over minutes and hours;
 * a third of the closed chats rated. Then each report as a superadmin (everyone, and one
 * admin) through the use cases the routes call, REPORT_ROUNDS (40) times after 3 warm-ups:
 * p50, p99 and max of wall time per call, and the CPU of this process per call
 * (process.cpuUsage: on SQLite that is the whole query) and, on PostgreSQL, of the server's
 * processes serving this database (their /proc times over all rounds, per call: the
 * database server runs on this machine). Times are noisy on a shared machine: the CPU
 * columns are the steadier ones.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { person } from '../src/auth/roles.js';
import type { DatabaseConfig } from '../src/config.js';
import { openImportDatabase } from '../src/import/open-database.js';
import { reportAgents, reportSeries, reportSummary } from '../src/reports/use-cases.js';
import type { ReportMetric } from '../src/schemas/vocabulary.js';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/store.js';
import { benchDatabases, pgReachable, type StoreName } from './databases.js';

const CHATS = Number(process.env.REPORT_CHATS ?? 100_000);
const PER_CHAT = Number(process.env.REPORT_MESSAGES_PER_CHAT ?? 10);
const ROUNDS = Number(process.env.REPORT_ROUNDS ?? 40);
const STORES = (process.env.REPORT_STORES ?? 'sqlite,postgres').split(',') as StoreName[];
const DAY_MS = 86_400_000;
/** Already seeded databases (as REPORT_KEEP printed them, comma-separated): no seeding. */
const REUSE = process.env.REPORT_DATABASES?.split(',');
/** Only the reports whose names contain one of these words (comma-separated). */
const ONLY = process.env.REPORT_ONLY?.split(',');

const t0 = performance.now();
const say = (line: string) =>
  process.stdout.write(`[${Math.round((performance.now() - t0) / 1000)}s] ${line}\n`);

const configOf = (url: string): DatabaseConfig =>
  url.startsWith('sqlite:')
    ? { kind: 'sqlite', path: url.slice('sqlite:'.length) }
    : { kind: 'postgres', url };

/** An ISO text of an epoch-ms expression, as the server writes times. */
const iso = (kind: StoreName, ms: string) =>
  kind === 'sqlite'
    ? `strftime('%Y-%m-%dT%H:%M:%fZ', (${ms}) / 1000.0, 'unixepoch')`
    : `to_char(to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

async function seed(config: DatabaseConfig, now: number): Promise<void> {
  const kind = config.kind;
  const base = now - 365 * DAY_MS;
  const step = Math.floor((365 * DAY_MS) / CHATS);
  const series =
    kind === 'sqlite'
      ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${CHATS})`
      : `WITH n(i) AS (SELECT generate_series(1, ${CHATS})::bigint)`;
  const created = `${base} + i * ${step}`;
  // i % 100: 0-2 missed, 3-7 waiting, 8-17 active, the rest closed.
  const assigned = 'i % 100 >= 8';
  const closed = '(i % 100 < 3 OR i % 100 >= 18)';
  const { db, close } = await openImportDatabase(config);
  try {
    await sql
      .raw(`INSERT INTO chats (id, "userId", "userName", status, "assignedAdminId", "assignedAdminName",
        "isLocked", "lastMessage", "lastMessageAt", "unreadCount", "userOnline", "lastSeq",
        "createdAt", "updatedAt", "firstAssignedAt", "firstResponseAt", "closedAt",
        "ratingScore", "ratedAt", "userMessages", "adminMessages",
        "createdMs", "firstAssignedMs", "firstResponseMs", "closedMs")
      ${series}
      SELECT 'bench-' || i, 'user-' || i, 'User ' || i,
        CASE WHEN ${closed} THEN 'closed' WHEN ${assigned} THEN 'active' ELSE 'waiting' END,
        CASE WHEN ${assigned} THEN 'bench-admin-' || (i * 7 % 20) END,
        CASE WHEN ${assigned} THEN 'Admin ' || (i * 7 % 20) END,
        0, 'last', ${iso(kind, created)}, 0, 0, ${PER_CHAT},
        ${iso(kind, created)}, ${iso(kind, created)},
        CASE WHEN ${assigned} THEN ${iso(kind, `${created} + (i * 13 % 600) * 1000`)} END,
        CASE WHEN ${assigned} AND i % 10 <> 0
          THEN ${iso(kind, `${created} + (i * 13 % 600 + i * 17 % 300) * 1000`)} END,
        CASE WHEN ${closed} THEN ${iso(kind, `${created} + (600 + i * 31 % 7200) * 1000`)} END,
        CASE WHEN ${closed} AND ${assigned} AND i % 3 = 0 THEN 1 + i * 11 % 5 END,
        CASE WHEN ${closed} AND ${assigned} AND i % 3 = 0
          THEN ${iso(kind, `${created} + 8000 * 1000`)} END,
        ${Math.ceil(PER_CHAT / 2)}, ${Math.floor(PER_CHAT / 2)},
        ${created},
        CASE WHEN ${assigned} THEN ${created} + (i * 13 % 600) * 1000 END,
        CASE WHEN ${assigned} AND i % 10 <> 0 THEN ${created} + (i * 13 % 600 + i * 17 % 300) * 1000 END,
        CASE WHEN ${closed} THEN ${created} + (600 + i * 31 % 7200) * 1000 END
      FROM n`)
      .execute(db);
    say(`${kind}: ${CHATS} chats written`);
    const messages =
      kind === 'sqlite'
        ? `WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM m WHERE k < ${PER_CHAT})`
        : `WITH m(k) AS (SELECT generate_series(1, ${PER_CHAT}))`;
    // In slices, so neither store holds one transaction of a million rows.
    const slice = 10_000;
    const at = (i: number) => new Date(base + i * step).toISOString();
    for (let from = 0; from < CHATS; from += slice) {
      await sql
        .raw(`INSERT INTO messages (id, "chatId", seq, "senderId", "senderType", "senderName",
          content, "messageType", "isRead", "createdAt", "updatedAt")
        ${messages}
        SELECT c.id || '-' || k, c.id, k, CASE WHEN k % 2 = 1 THEN c."userId" ELSE 'bench-admin' END,
          CASE WHEN k % 2 = 1 THEN 'user' ELSE 'admin' END, 'N', 'message number ' || k, 'text', 1,
          c."createdAt", c."createdAt"
        FROM chats c CROSS JOIN m
        WHERE c."createdAt" >= '${at(from + 1)}' AND c."createdAt" < '${at(from + slice + 1)}'`)
        .execute(db);
    }
    say(`${kind}: ${CHATS * PER_CHAT} messages written`);
    // Every table: no autovacuum of the million messages may run (and be counted) meanwhile.
    if (kind === 'postgres') await sql`VACUUM ANALYZE`.execute(db);
    else await sql`ANALYZE`.execute(db);
  } finally {
    await close();
  }
}

interface Call {
  name: string;
  run: (store: Store) => Promise<unknown>;
}

const SUPER = person('bench-super', 'Bench', 'superadmin');

function calls(now: number): Call[] {
  const to = new Date(now).toISOString();
  // The longest range the API allows (reportRangeMaxDays, reportDayRangeMaxDays): 366 days.
  const year = new Date(now - 366 * DAY_MS).toISOString();
  const month = new Date(now - 31 * DAY_MS).toISOString();
  const one = 'bench-admin-3';
  const series =
    (metric: ReportMetric, adminId?: string, timezone?: string): Call['run'] =>
    (store) =>
      reportSeries({ store }, SUPER, { from: year, to, metric, adminId, timezone });
  const all: Call[] = [
    { name: 'summary, default 30 days', run: (store) => reportSummary({ store }, SUPER, {}) },
    {
      name: 'summary, 366 days',
      run: (store) => reportSummary({ store }, SUPER, { from: year, to }),
    },
    {
      name: 'summary, 366 days, one admin',
      run: (store) => reportSummary({ store }, SUPER, { from: year, to, adminId: one }),
    },
    {
      name: 'timeseries opened, 366 days, Asia/Tashkent',
      run: series('opened', undefined, 'Asia/Tashkent'),
    },
    {
      name: 'timeseries opened, 366 days, America/New_York',
      run: series('opened', undefined, 'America/New_York'),
    },
    { name: 'timeseries closed, 366 days', run: series('closed') },
    { name: 'timeseries firstResponse, 366 days', run: series('firstResponse') },
    { name: 'timeseries csat, 366 days', run: series('csat') },
    { name: 'timeseries firstResponse, 366 days, one admin', run: series('firstResponse', one) },
    {
      name: 'timeseries csat, 31 days of hours',
      run: (store) =>
        reportSeries({ store }, SUPER, { from: month, to, metric: 'csat', interval: 'hour' }),
    },
    { name: 'agents, default 30 days', run: (store) => reportAgents({ store }, SUPER, {}) },
    {
      name: 'agents, 366 days',
      run: (store) => reportAgents({ store }, SUPER, { from: year, to }),
    },
    {
      name: 'agents, 366 days, one admin',
      run: (store) => reportAgents({ store }, SUPER, { from: year, to, adminId: one }),
    },
  ];
  return all.filter((c) => !ONLY || ONLY.some((word) => c.name.includes(word)));
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

/** CPU ms the PostgreSQL backends serving `database` have used (clock ticks of /proc). */
async function backendCpuMs(
  config: DatabaseConfig,
): Promise<{ read: () => Promise<number>; close: () => Promise<void> }> {
  if (config.kind !== 'postgres') return { read: async () => 0, close: async () => {} };
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  const ticks = 100;
  const read = async () => {
    const { rows } = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
    );
    let total = 0;
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        total += ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000;
      } catch {
        // Gone meanwhile: its time is lost to the measure, not added to it.
      }
    }
    return total;
  };
  return { read, close: () => client.end() };
}

async function measure(store: Store, call: Call, dbCpu: () => Promise<number>) {
  for (let i = 0; i < 3; i++) await call.run(store);
  const wall: number[] = [];
  const cpu: number[] = [];
  const db0 = await dbCpu();
  for (let i = 0; i < ROUNDS; i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await call.run(store);
    wall.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const db = ((await dbCpu()) - db0) / ROUNDS;
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: pct(wall, 50), p99: pct(wall, 99), max: wall.at(-1) ?? 0, cpu: pct(cpu, 50), db };
}

async function main() {
  const databases = benchDatabases('reports');
  const rows: string[] = [];
  try {
    const targets: { storeName: StoreName; url?: string }[] = REUSE
      ? REUSE.map((url) => ({ storeName: url.startsWith('sqlite:') ? 'sqlite' : 'postgres', url }))
      : STORES.map((storeName) => ({ storeName }));
    for (const { storeName, url } of targets) {
      if (storeName === 'postgres' && !(await pgReachable())) {
        say('postgres: not reachable, skipped');
        continue;
      }
      const now = Date.now();
      const config = configOf(url ?? (await databases.fresh(storeName)));
      if (process.env.REPORT_KEEP) say(`${storeName}: ${JSON.stringify(config)}`);
      if (!url) {
        const seededAt = performance.now();
        await seed(config, now);
        say(`${storeName}: seeded in ${Math.round((performance.now() - seededAt) / 1000)} s`);
      }
      const store = await openStore(config);
      const dbCpu = await backendCpuMs(config);
      try {
        for (const call of calls(now)) {
          const r = await measure(store, call, dbCpu.read);
          const line = `| ${storeName} | ${call.name} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.cpu.toFixed(1)} | ${storeName === 'postgres' ? r.db.toFixed(1) : '–'} |`;
          rows.push(line);
          say(line);
        }
      } finally {
        await dbCpu.close();
        await store.close();
      }
    }
  } finally {
    if (process.env.REPORT_KEEP) say('kept the databases (REPORT_KEEP)');
    else await databases.dropAll();
  }
  process.stdout.write(
    `\n${CHATS} chats, ${CHATS * PER_CHAT} messages, ${ROUNDS} calls each (ms)\n\n| store | report | p50 | p99 | max | CPU p50, this process | CPU per call, PostgreSQL |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
  );
}

await main();
