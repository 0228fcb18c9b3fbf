/**
 * The reports' reads (PROTOCOL §8.5), on both dialects, from facts each chat row carries:
 * createdAt, firstAssignedAt, firstResponseAt, closedAt, ratingScore and the message
 * counters the append keeps in the UPDATE it does anyway (migration 0022). Nothing here runs
 * on a send. A report reads the chats created in its range (the chats_by_created and
 * chats_by_admin indexes), computes each chat's times in whole milliseconds, and answers per
 * group the ingredients of the statistics — the count, the sum and the values at the ranks
 * the median and p90 need — so a year of chats leaves the database as a few numbers;
 * reports/statistics.ts turns them into seconds and holds the in-memory form
 * (`orderStatsOf`), which the store tests require to agree with this one.
 *
 * A chat counts for the admin assigned to it: while it is open its current assignee, once
 * it closed the one who held it then (closing keeps the assignee). Missed: closed while
 * never assigned (no first assignment, no assignee: imported and pre-0011 chats have an
 * assignee but no firstAssignedAt); a missed chat counts in no time.
 */
import { type Kysely, type QueryExecutorProvider, type RawBuilder, sql } from 'kysely';
import type { ReportMetric } from '../schemas/vocabulary.js';
import type { Database } from './schema.js';

/** Order statistics of a set of whole-millisecond values (null ranks: the set is empty). */
export interface OrderStats {
  n: number;
  sum: number;
  /** The values at ranks ⌊(n+1)/2⌋, ⌊(n+2)/2⌋ and ⌈0.9·n⌉ of the sorted set (1-based). */
  lo: number | null;
  hi: number | null;
  p90: number | null;
}

export interface ReportScope {
  /** ISO instants: chats created in [from, to). */
  from: string;
  to: string;
  /** Only the chats counted for this admin. */
  adminId: string | undefined;
}

export interface RatingFacts {
  responses: number;
  sum: number;
  positive: number;
}

export interface SummaryFacts {
  opened: number;
  closed: number;
  missed: number;
  userMessages: number;
  adminMessages: number;
  ratings: RatingFacts;
  waiting: OrderStats;
  firstResponse: OrderStats;
  resolution: OrderStats;
}

export interface AgentFacts {
  adminId: string;
  adminName: string;
  chats: number;
  firstResponse: OrderStats;
  resolution: OrderStats;
  ratings: RatingFacts;
}

/** One bucket's facts; buckets no chat fell in are absent. */
export interface BucketFacts {
  bucket: number;
  count: number;
  closed: number;
  ratings: RatingFacts;
  firstResponse: OrderStats;
}

export interface ReportRecords {
  summary(scope: ReportScope): Promise<SummaryFacts>;
  agents(scope: ReportScope): Promise<AgentFacts[]>;
  /** `bounds` are the buckets' [start, end) as ISO instants, in order; `bucket` indexes them. */
  series(
    scope: Omit<ReportScope, 'from' | 'to'>,
    bounds: { start: string; end: string }[],
    metric: ReportMetric,
  ): Promise<BucketFacts[]>;
}

type Kind = 'sqlite' | 'postgres';
type Guard = <T>(work: () => Promise<T>) => Promise<T>;

/** Whole milliseconds from `b` to `a` (both ISO text columns), never negative (nodes' clocks). */
function elapsed(kind: Kind, a: string, b: string): RawBuilder<number> {
  const [x, y] = [sql.ref(a), sql.ref(b)];
  return kind === 'sqlite'
    ? sql`max(0, CAST(round((unixepoch(${x}, 'subsec') - unixepoch(${y}, 'subsec')) * 1000) AS INTEGER))`
    : // Every time is UTC ('…Z'): read without a zone, which skips the zone lookup per value.
      sql`greatest(0, round(extract(epoch from (${x}::timestamp - ${y}::timestamp)) * 1000))::bigint`;
}

/** Ever given to an admin: a first assignment recorded, or (imported, older) an assignee. */
const ASSIGNED = sql`(c."firstAssignedAt" IS NOT NULL OR c."assignedAdminId" IS NOT NULL)`;
const MISSED = sql`(c.status = 'closed' AND NOT ${ASSIGNED})`;

/** Each chat's facts as the reports read them; `c` is the chats row. */
function chatFacts(kind: Kind): RawBuilder<unknown> {
  return sql`
    c."assignedAdminId" AS admin,
    CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END AS closed,
    CASE WHEN ${MISSED} THEN 1 ELSE 0 END AS missed,
    CASE WHEN c."firstAssignedAt" IS NOT NULL
      THEN ${elapsed(kind, 'c.firstAssignedAt', 'c.createdAt')} END AS waiting,
    CASE WHEN c."firstResponseAt" IS NOT NULL AND NOT ${MISSED}
      THEN ${elapsed(kind, 'c.firstResponseAt', 'c.createdAt')} END AS "firstResponse",
    CASE WHEN c.status = 'closed' AND c."closedAt" IS NOT NULL AND ${ASSIGNED}
      THEN ${elapsed(kind, 'c.closedAt', 'c.createdAt')} END AS resolution,
    c."ratingScore" AS rating,
    c."userMessages" AS "userMessages",
    c."adminMessages" AS "adminMessages"`;
}

const byAdmin = (adminId: string | undefined) =>
  adminId === undefined ? sql`` : sql` AND c."assignedAdminId" = ${adminId}`;

/** The chats of a scope with their facts, as the CTE `facts` (with a group column `g`). */
function factsInRange(kind: Kind, scope: ReportScope, group: RawBuilder<unknown>) {
  return sql`facts AS (
    SELECT ${group} AS g, ${chatFacts(kind)}
    FROM chats c
    WHERE c."createdAt" >= ${scope.from} AND c."createdAt" < ${scope.to}${byAdmin(scope.adminId)}
  )`;
}

/** The buckets as the CTE `b(i, start, "end")`, and the chats created in them as `facts`. */
function factsInBuckets(
  kind: Kind,
  adminId: string | undefined,
  bounds: { start: string; end: string }[],
) {
  const starts = bounds.map((b) => b.start);
  const ends = bounds.map((b) => b.end);
  const buckets =
    kind === 'sqlite'
      ? sql`b AS (SELECT s.key AS i, s.value AS start, e.value AS "end"
          FROM json_each(${JSON.stringify(starts)}) s JOIN json_each(${JSON.stringify(ends)}) e ON e.key = s.key)`
      : sql`b AS (SELECT (t.o - 1)::int AS i, t.start, t."end"
          FROM unnest(${starts}::text[], ${ends}::text[]) WITH ORDINALITY AS t(start, "end", o))`;
  return sql`${buckets}, facts AS (
    SELECT b.i AS g, ${chatFacts(kind)}
    FROM b JOIN chats c ON c."createdAt" >= b.start AND c."createdAt" < b."end"
    WHERE 1 = 1${byAdmin(adminId)}
  )`;
}

type Metric = 'waiting' | 'firstResponse' | 'resolution';

/**
 * One pass over `facts` per report: per group `g`, the counts and, for each metric asked
 * for, its count, sum and the values at the ranks the median and p90 need. A metric's
 * chats without a value sort last on both dialects (SQLite sorts NULL first otherwise),
 * so ranks 1…n are its values.
 */
function groupedQuery(facts: RawBuilder<unknown>, metrics: readonly Metric[]) {
  const ranks = metrics.map((m) => {
    const v = sql.ref(m);
    return sql`, row_number() OVER (PARTITION BY g ORDER BY ${v} IS NULL, ${v}) AS ${sql.ref(`r_${m}`)},
      count(${v}) OVER (PARTITION BY g) AS ${sql.ref(`n_${m}`)}`;
  });
  const stats = metrics.map((m) => {
    const [v, r, n] = [sql.ref(m), sql.ref(`r_${m}`), sql.ref(`n_${m}`)];
    return sql`, max(${n}) AS ${sql.ref(`${m}_n`)}, sum(${v}) AS ${sql.ref(`${m}_sum`)},
      max(CASE WHEN ${r} = (${n} + 1) / 2 THEN ${v} END) AS ${sql.ref(`${m}_lo`)},
      max(CASE WHEN ${r} = (${n} + 2) / 2 THEN ${v} END) AS ${sql.ref(`${m}_hi`)},
      max(CASE WHEN ${r} = (9 * ${n} + 9) / 10 THEN ${v} END) AS ${sql.ref(`${m}_p90`)}`;
  });
  return sql<GroupRow>`WITH ${facts}, ranked AS (SELECT facts.*${sql.join(ranks, sql``)} FROM facts)
    SELECT g, count(*) AS opened, sum(closed) AS closed, sum(missed) AS missed,
      sum("userMessages") AS "userMessages", sum("adminMessages") AS "adminMessages",
      count(rating) AS responses, sum(rating) AS "ratingSum",
      sum(CASE WHEN rating >= 4 THEN 1 ELSE 0 END) AS positive${sql.join(stats, sql``)}
    FROM ranked GROUP BY g`;
}

type Value = string | number | null;

interface GroupRow {
  g: Value;
  opened: Value;
  closed: Value;
  missed: Value;
  userMessages: Value;
  adminMessages: Value;
  responses: Value;
  ratingSum: Value;
  positive: Value;
  [stat: string]: Value;
}

const num = (v: Value | undefined): number => (v == null ? 0 : Number(v));
const orNull = (v: Value | undefined): number | null => (v == null ? null : Number(v));

export const NO_VALUES: OrderStats = { n: 0, sum: 0, lo: null, hi: null, p90: null };

function statsOf(row: GroupRow | undefined, metric: Metric): OrderStats {
  if (!row || num(row[`${metric}_n`]) === 0) return NO_VALUES;
  return {
    n: num(row[`${metric}_n`]),
    sum: num(row[`${metric}_sum`]),
    lo: orNull(row[`${metric}_lo`]),
    hi: orNull(row[`${metric}_hi`]),
    p90: orNull(row[`${metric}_p90`]),
  };
}

const ratingsOf = (row: GroupRow): RatingFacts => ({
  responses: num(row.responses),
  sum: num(row.ratingSum),
  positive: num(row.positive),
});

async function grouped(
  db: Kysely<Database>,
  facts: RawBuilder<unknown>,
  metrics: readonly Metric[],
): Promise<GroupRow[]> {
  return (await groupedQuery(facts, metrics).execute(db)).rows;
}

export function kyselyReportRecords(db: Kysely<Database>, kind: Kind, read: Guard): ReportRecords {
  return {
    summary: (scope) =>
      read(async () => {
        const facts = factsInRange(kind, scope, sql`0`);
        const [row] = await grouped(db, facts, ['waiting', 'firstResponse', 'resolution']);
        return {
          opened: num(row?.opened),
          closed: num(row?.closed),
          missed: num(row?.missed),
          userMessages: num(row?.userMessages),
          adminMessages: num(row?.adminMessages),
          ratings: row ? ratingsOf(row) : { responses: 0, sum: 0, positive: 0 },
          waiting: statsOf(row, 'waiting'),
          firstResponse: statsOf(row, 'firstResponse'),
          resolution: statsOf(row, 'resolution'),
        };
      }),

    agents: (scope) =>
      read(async () => {
        const facts = factsInRange(kind, scope, sql`c."assignedAdminId"`);
        const rows = (await grouped(db, facts, ['firstResponse', 'resolution'])).filter(
          (r) => r.g !== null,
        );
        const names = await namesOf(
          db,
          rows.map((r) => String(r.g)),
          scope,
        );
        return rows.map((r) => ({
          adminId: String(r.g),
          adminName: names.get(String(r.g)) ?? '',
          chats: num(r.opened),
          firstResponse: statsOf(r, 'firstResponse'),
          resolution: statsOf(r, 'resolution'),
          ratings: ratingsOf(r),
        }));
      }),

    series: (scope, bounds, metric) =>
      read(async () => {
        if (bounds.length === 0) return [];
        const facts = factsInBuckets(kind, scope.adminId, bounds);
        const rows = await grouped(db, facts, metric === 'firstResponse' ? ['firstResponse'] : []);
        return rows.map((r) => ({
          bucket: Number(r.g),
          count: num(r.opened),
          closed: num(r.closed),
          ratings: ratingsOf(r),
          firstResponse: statsOf(r, 'firstResponse'),
        }));
      }),
  };
}

/** Each admin's name: as the server last saw them sign in, else as a chat of theirs has it. */
async function namesOf(
  db: Kysely<Database>,
  ids: string[],
  scope: ReportScope,
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const known = await db
    .selectFrom('known_admins')
    .select(['id', 'name'])
    .where('id', 'in', ids)
    .execute();
  const names = new Map(known.map((k) => [k.id, k.name]));
  const missing = ids.filter((id) => !names.get(id));
  if (missing.length > 0) {
    const fromChats = await db
      .selectFrom('chats')
      .select(['assignedAdminId', (eb) => eb.fn.max('assignedAdminName').as('name')])
      .where('assignedAdminId', 'in', missing)
      .where('createdAt', '>=', scope.from)
      .where('createdAt', '<', scope.to)
      .groupBy('assignedAdminId')
      .execute();
    for (const r of fromChats)
      if (r.assignedAdminId && r.name) names.set(r.assignedAdminId, r.name);
  }
  return names;
}

/**
 * The facts of chats whose messages were written without the append (migration 0022 for
 * the chats before it, the v2 import for the chats it writes): the first admin message,
 * the counters, and the close time of chats closed without one (as migration 0020 did).
 * One statement; each chat's messages are read on messages_chat_seq.
 */
export async function recomputeReportFacts(
  db: QueryExecutorProvider,
  chatIds?: readonly string[],
): Promise<void> {
  const only =
    chatIds === undefined
      ? sql``
      : sql` WHERE chats.id IN (${sql.join(chatIds.map((id) => sql`${id}`))})`;
  const count = (type: string) =>
    sql`(SELECT count(*) FROM messages m WHERE m."chatId" = chats.id AND m."senderType" = ${sql.lit(type)})`;
  await sql`UPDATE chats SET
      "firstResponseAt" = (SELECT min(m."createdAt") FROM messages m
        WHERE m."chatId" = chats.id AND m."senderType" = 'admin'),
      "userMessages" = ${count('user')},
      "adminMessages" = ${count('admin')},
      "closedAt" = CASE WHEN status = 'closed' AND "closedAt" IS NULL THEN "updatedAt" ELSE "closedAt" END${only}`.execute(
    db,
  );
}

/** Closed chats without a close time (v2 kept none) take their last change's, as 0020 did. */
export async function closeTimesOfClosedChats(db: QueryExecutorProvider): Promise<void> {
  await sql`UPDATE chats SET "closedAt" = "updatedAt" WHERE status = 'closed' AND "closedAt" IS NULL`.execute(
    db,
  );
}
