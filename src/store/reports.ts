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
import { type Kysely, type RawBuilder, sql } from 'kysely';
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
    : sql`greatest(0, round(extract(epoch from (${x}::timestamptz - ${y}::timestamptz)) * 1000))::bigint`;
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

/** The order statistics of one metric per group `g` of `facts`. */
function orderStatsQuery(metric: Metric) {
  const v = sql.ref(metric);
  return sql`ranked AS (
    SELECT g, ${v} AS v,
      row_number() OVER (PARTITION BY g ORDER BY ${v}) AS r,
      count(*) OVER (PARTITION BY g) AS n
    FROM facts WHERE ${v} IS NOT NULL
  )
  SELECT g, max(n) AS n, sum(v) AS sum,
    max(CASE WHEN r = (n + 1) / 2 THEN v END) AS lo,
    max(CASE WHEN r = (n + 2) / 2 THEN v END) AS hi,
    max(CASE WHEN r = (9 * n + 9) / 10 THEN v END) AS p90
  FROM ranked GROUP BY g`;
}

interface StatsRow {
  g: string | number | null;
  n: string | number;
  sum: string | number;
  lo: string | number | null;
  hi: string | number | null;
  p90: string | number | null;
}

const num = (v: string | number | null | undefined): number => (v == null ? 0 : Number(v));
const orNull = (v: string | number | null | undefined): number | null =>
  v == null ? null : Number(v);

export const NO_VALUES: OrderStats = { n: 0, sum: 0, lo: null, hi: null, p90: null };

function statsOf(row: StatsRow | undefined): OrderStats {
  if (!row) return NO_VALUES;
  return {
    n: num(row.n),
    sum: num(row.sum),
    lo: orNull(row.lo),
    hi: orNull(row.hi),
    p90: orNull(row.p90),
  };
}

const key = (g: string | number | null): string => String(g);

async function statsByGroup(
  db: Kysely<Database>,
  facts: RawBuilder<unknown>,
  metric: Metric,
): Promise<Map<string, OrderStats>> {
  const { rows } = await sql<StatsRow>`WITH ${facts}, ${orderStatsQuery(metric)}`.execute(db);
  return new Map(rows.map((r) => [key(r.g), statsOf(r)]));
}

interface CountsRow {
  g: string | number | null;
  opened: string | number;
  closed: string | number | null;
  missed: string | number | null;
  userMessages: string | number | null;
  adminMessages: string | number | null;
  responses: string | number;
  ratingSum: string | number | null;
  positive: string | number | null;
}

const COUNTS = sql`SELECT g, count(*) AS opened, sum(closed) AS closed, sum(missed) AS missed,
    sum("userMessages") AS "userMessages", sum("adminMessages") AS "adminMessages",
    count(rating) AS responses, sum(rating) AS "ratingSum",
    sum(CASE WHEN rating >= 4 THEN 1 ELSE 0 END) AS positive
  FROM facts GROUP BY g`;

const ratingsOf = (row: CountsRow): RatingFacts => ({
  responses: num(row.responses),
  sum: num(row.ratingSum),
  positive: num(row.positive),
});

async function countsByGroup(
  db: Kysely<Database>,
  facts: RawBuilder<unknown>,
): Promise<CountsRow[]> {
  const { rows } = await sql<CountsRow>`WITH ${facts} ${COUNTS}`.execute(db);
  return rows;
}

export function kyselyReportRecords(db: Kysely<Database>, kind: Kind, read: Guard): ReportRecords {
  return {
    summary: (scope) =>
      read(async () => {
        const facts = factsInRange(kind, scope, sql`0`);
        const [counts] = await countsByGroup(db, facts);
        const stats = async (metric: Metric) =>
          (await statsByGroup(db, facts, metric)).get('0') ?? NO_VALUES;
        return {
          opened: num(counts?.opened),
          closed: num(counts?.closed),
          missed: num(counts?.missed),
          userMessages: num(counts?.userMessages),
          adminMessages: num(counts?.adminMessages),
          ratings: counts ? ratingsOf(counts) : { responses: 0, sum: 0, positive: 0 },
          waiting: await stats('waiting'),
          firstResponse: await stats('firstResponse'),
          resolution: await stats('resolution'),
        };
      }),

    agents: (scope) =>
      read(async () => {
        const facts = factsInRange(kind, scope, sql`c."assignedAdminId"`);
        const counts = (await countsByGroup(db, facts)).filter((r) => r.g !== null);
        const firstResponse = await statsByGroup(db, facts, 'firstResponse');
        const resolution = await statsByGroup(db, facts, 'resolution');
        const ids = counts.map((r) => String(r.g));
        const names = await namesOf(db, ids, scope);
        return counts.map((r) => {
          const adminId = String(r.g);
          return {
            adminId,
            adminName: names.get(adminId) ?? '',
            chats: num(r.opened),
            firstResponse: firstResponse.get(adminId) ?? NO_VALUES,
            resolution: resolution.get(adminId) ?? NO_VALUES,
            ratings: ratingsOf(r),
          };
        });
      }),

    series: (scope, bounds, metric) =>
      read(async () => {
        if (bounds.length === 0) return [];
        const facts = factsInBuckets(kind, scope.adminId, bounds);
        const counts = await countsByGroup(db, facts);
        const firstResponse =
          metric === 'firstResponse' ? await statsByGroup(db, facts, 'firstResponse') : new Map();
        return counts.map((r) => ({
          bucket: Number(r.g),
          count: num(r.opened),
          closed: num(r.closed),
          ratings: ratingsOf(r),
          firstResponse: firstResponse.get(key(r.g)) ?? NO_VALUES,
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
  db: Kysely<unknown>,
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
