/**
 * The reports' reads (docs/reports.md), on both dialects, from facts each chat row carries:
 * createdAt, firstAssignedAt, firstResponseAt, closedAt (each also as epoch ms, migration
 * 0025), ratingScore and the message counters the append keeps in the UPDATE it does anyway
 * (migration 0022). Nothing here runs on a send. A report reads the chats created in its
 * range (chats_by_created), computes each chat's times in whole milliseconds from the
 * integers, and answers per group the ingredients of the statistics — the count, the sum
 * and the values at the ranks the median and p90 need (PostgreSQL), or the values as one
 * text for `orderStatsOf` to sort (SQLite) — so a year of chats leaves the database as a few
 * numbers or three lists; reports/statistics.ts turns them into seconds, and the store tests
 * require the SQL to agree with the in-memory form.
 *
 * A chat counts for the admin assigned to it: while it is open its current assignee, once
 * it closed the one who held it then (closing keeps the assignee). Missed: closed while
 * never assigned (no first assignment, no assignee: imported and pre-0011 chats have an
 * assignee but no firstAssignedAt); a missed chat counts in no time.
 */
import {
  type ExpressionBuilder,
  type Kysely,
  PostgresAdapter,
  type QueryExecutorProvider,
  type RawBuilder,
  sql,
} from 'kysely';
import type { ReportMetric } from '../schemas/vocabulary.js';
import type { Database } from './schema.js';

/** Order statistics of a set of whole-millisecond values (null: the set is empty). */
export interface OrderStats {
  n: number;
  sum: number;
  /** The middle value; of an even count the mean of the two middle ones. */
  median: number | null;
  /** Nearest rank: the ⌈0.9·n⌉-th smallest value. */
  p90: number | null;
}

/**
 * The in-memory form of the statistics: SQLite's reports run it on the values group_concat
 * hands over; PostgreSQL's percentile_cont(0.5) and percentile_disc(0.9) answer the same
 * values, and the store tests require them to agree.
 */
export function orderStatsOf(values: ArrayLike<number>): OrderStats {
  const n = values.length;
  if (n === 0) return { n: 0, sum: 0, median: null, p90: null };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const at = (rank: number): number => sorted[rank - 1] as number;
  return {
    n,
    sum,
    median: (at(Math.floor((n + 1) / 2)) + at(Math.floor((n + 2) / 2))) / 2,
    p90: at(Math.floor((9 * n + 9) / 10)),
  };
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
  /** How many chats were rated 1, 2, 3, 4 and 5. */
  byScore: number[];
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

/** The instants the reports read: each ISO text column and (migration 0025) its epoch ms. */
export const REPORT_EPOCH_MS = {
  createdAt: 'createdMs',
  firstAssignedAt: 'firstAssignedMs',
  firstResponseAt: 'firstResponseMs',
  closedAt: 'closedMs',
} as const;

type Instant = keyof typeof REPORT_EPOCH_MS;

/** An ISO text expression as whole epoch milliseconds (null stays null). */
export function epochMsOf(kind: Kind, iso: RawBuilder<unknown>): RawBuilder<number> {
  return kind === 'sqlite'
    ? sql`CAST(round(unixepoch(${iso}, 'subsec') * 1000) AS INTEGER)`
    : sql`round(extract(epoch from ${iso}::timestamptz) * 1000)::bigint`;
}

/**
 * An instant of `c` in epoch ms: its integer column, or where a row has only the text
 * (written by a node older than 0025 during a rolling upgrade) the text parsed. Both
 * databases evaluate COALESCE lazily: a row with the integer never parses.
 */
function msOf(kind: Kind, instant: Instant): RawBuilder<number> {
  const text = sql`c.${sql.ref(instant)}`;
  return sql`COALESCE(c.${sql.ref(REPORT_EPOCH_MS[instant])}, ${epochMsOf(kind, text)})`;
}

/** Whole milliseconds from `b` to `a`, never negative (nodes' clocks). */
function elapsed(kind: Kind, a: Instant, b: Instant): RawBuilder<number> {
  const [x, y] = [msOf(kind, a), msOf(kind, b)];
  return kind === 'sqlite' ? sql`max(0, ${x} - ${y})` : sql`greatest(0, ${x} - ${y})`;
}

/**
 * firstAssignedMs for an assignment at `at`: set exactly when firstAssignedAt is (the
 * assignment's SET reads the row before it), so the two never disagree.
 */
export const firstAssignedMsOf = (eb: ExpressionBuilder<Database, 'chats'>, at: string) =>
  eb
    .case()
    .when('firstAssignedAt', 'is', null)
    .then(Date.parse(at))
    .else(eb.ref('firstAssignedMs'))
    .end();

const kindOf = (db: QueryExecutorProvider): Kind =>
  db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';

/**
 * Fills the epoch columns from the text where they are missing: every chat (migration
 * 0025, the v2 import's close times) or the given ones (the import's recomputed facts).
 */
export async function fillEpochTimes(db: QueryExecutorProvider, chatIds?: readonly string[]) {
  const kind = kindOf(db);
  const pairs = Object.entries(REPORT_EPOCH_MS);
  // One statement: PostgreSQL writes a new version of each row it updates (four passes
  // would leave four dead copies of the table).
  const sets = pairs.map(
    ([iso, ms]) => sql`${sql.ref(ms)} = COALESCE(${sql.ref(ms)}, ${epochMsOf(kind, sql.ref(iso))})`,
  );
  const missing = pairs.map(
    ([iso, ms]) => sql`(${sql.ref(ms)} IS NULL AND ${sql.ref(iso)} IS NOT NULL)`,
  );
  await sql`UPDATE chats SET ${sql.join(sets)}
    WHERE (${sql.join(missing, sql` OR `)})${onlyChats(chatIds, sql` AND`)}`.execute(db);
}

const onlyChats = (chatIds: readonly string[] | undefined, joiner: RawBuilder<unknown>) =>
  chatIds === undefined
    ? sql``
    : sql`${joiner} chats.id IN (${sql.join(chatIds.map((id) => sql`${id}`))})`;

/** Ever given to an admin: a first assignment recorded, or (imported, older) an assignee. */
const ASSIGNED = sql`(c."firstAssignedAt" IS NOT NULL OR c."assignedAdminId" IS NOT NULL)`;
const MISSED = sql`(c.status = 'closed' AND NOT ${ASSIGNED})`;

/** Each chat's facts as a report reads them (only what it wants); `c` is the chats row. */
function chatFacts(kind: Kind, wanted: Wanted): RawBuilder<unknown> {
  const times: Record<Metric, RawBuilder<unknown>> = {
    waiting: sql`CASE WHEN c."firstAssignedAt" IS NOT NULL
      THEN ${elapsed(kind, 'firstAssignedAt', 'createdAt')} END`,
    firstResponse: sql`CASE WHEN c."firstResponseAt" IS NOT NULL AND NOT ${MISSED}
      THEN ${elapsed(kind, 'firstResponseAt', 'createdAt')} END`,
    resolution: sql`CASE WHEN c.status = 'closed' AND c."closedAt" IS NOT NULL AND ${ASSIGNED}
      THEN ${elapsed(kind, 'closedAt', 'createdAt')} END`,
  };
  const columns = [
    ...(wanted.counts
      ? [
          sql`CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END AS closed`,
          sql`CASE WHEN ${MISSED} THEN 1 ELSE 0 END AS missed`,
          sql`c."userMessages" AS "userMessages", c."adminMessages" AS "adminMessages"`,
        ]
      : []),
    ...(wanted.ratings ? [sql`c."ratingScore" AS rating`] : []),
    ...(wanted.names ? [sql`c."assignedAdminName" AS "adminName"`] : []),
    ...wanted.metrics.map((m) => sql`${times[m]} AS ${sql.ref(m)}`),
  ];
  return columns.length === 0 ? sql`` : sql`, ${sql.join(columns)}`;
}

/**
 * PostgreSQL inlines a CTE read once, putting each time's expression wherever the time is
 * named (count, sum and the percentile's ORDER BY): three evaluations per chat per time.
 * OFFSET 0 keeps the subquery whole, so each is computed once, without what MATERIALIZED
 * costs (every chat's facts written to a tuplestore, to disk past work_mem, and read back:
 * a year's summary 160-170 → 115-125 ms of CPU). A report without times stays inlined.
 * SQLite evaluates each once already.
 */
const unflattened = (kind: Kind, wanted: Wanted) =>
  kind === 'postgres' && wanted.metrics.length > 0 ? sql` OFFSET 0` : sql``;

const byAdmin = (adminId: string | undefined) =>
  adminId === undefined ? sql`` : sql` AND c."assignedAdminId" = ${adminId}`;

/** The chats of a scope with their facts, as the CTE `facts` (with a group column `g`). */
function factsInRange(kind: Kind, scope: ReportScope, group: RawBuilder<unknown>, wanted: Wanted) {
  return sql`facts AS (
    SELECT ${group} AS g${chatFacts(kind, wanted)}
    FROM chats c
    WHERE c."createdAt" >= ${scope.from} AND c."createdAt" < ${scope.to}${byAdmin(scope.adminId)}${unflattened(kind, wanted)}
  )`;
}

/**
 * The chats created in the buckets, each with its bucket's index as `g`. The buckets are
 * contiguous, so one range of chats_by_created covers them. PostgreSQL finds each chat's
 * bucket by a binary search of the starts (width_bucket); joined on the ranges instead, it
 * may plan the buckets as the inner side of a loop over every chat. SQLite joins, driving
 * the index once per bucket.
 */
function factsInBuckets(
  kind: Kind,
  adminId: string | undefined,
  bounds: { start: string; end: string }[],
  wanted: Wanted,
) {
  const starts = bounds.map((b) => b.start);
  if (kind === 'postgres') {
    const [first, last] = [bounds[0]?.start ?? '', bounds.at(-1)?.end ?? ''];
    const startsMs = starts.map((start) => Date.parse(start));
    return sql`facts AS (
      SELECT width_bucket(${msOf(kind, 'createdAt')}, ${startsMs}::bigint[]) - 1 AS g${chatFacts(kind, wanted)}
      FROM chats c
      WHERE c."createdAt" >= ${first} AND c."createdAt" < ${last}${byAdmin(adminId)}${unflattened(kind, wanted)}
    )`;
  }
  const ends = bounds.map((b) => b.end);
  return sql`b AS (SELECT s.key AS i, s.value AS start, e.value AS "end"
      FROM json_each(${JSON.stringify(starts)}) s JOIN json_each(${JSON.stringify(ends)}) e ON e.key = s.key),
    facts AS (
      SELECT b.i AS g${chatFacts(kind, wanted)}
      FROM b JOIN chats c ON c."createdAt" >= b.start AND c."createdAt" < b."end"
      WHERE 1 = 1${byAdmin(adminId)}
    )`;
}

type Metric = 'waiting' | 'firstResponse' | 'resolution';

/** What a report reads of each group: the counts it shows and the times it summarises. */
export interface Wanted {
  counts: boolean;
  ratings: boolean;
  /** The assignee's name as a chat of the group has it (for admins never seen signing in). */
  names?: boolean;
  metrics: readonly Metric[];
}

/**
 * One aggregate pass over `facts` per report: per group `g`, the counts and each metric's
 * statistics, with one sort per metric, and only what the report shows (a series of
 * `opened` reads the index alone). PostgreSQL's percentile aggregates of one input share
 * one sort, and are exact on whole milliseconds as doubles (below 2⁵³): percentile_cont(0.5)
 * is the mean of the two middle values of an even count (their halved difference is
 * exact), percentile_disc(0.9) the ⌈0.9·n⌉-th (the double 0.9 times a whole n rounds to
 * 9n/10 exactly: its error, 2.2e-17·n, is under half a unit in the last place). Sorting
 * each metric into an array to read the ranks from cost as much and built the array.
 * SQLite's percentile functions sort once per aggregate and rank p90 differently, and its window
 * functions, ORDER BY … OFFSET and an aggregate written in JavaScript (a call per chat)
 * all cost more than handing each metric's values over as one text (group_concat, in C)
 * and sorting them here with the in-memory form: a year's summary 127 → 81 ms of CPU for
 * the query, plus 25 to parse and sort (bench/reports.ts, loaded machine).
 */
function groupedQuery(kind: Kind, facts: RawBuilder<unknown>, wanted: Wanted, grouped: boolean) {
  const { metrics } = wanted;
  // The summary is one group: no GROUP BY, which PostgreSQL would sort every chat for.
  const grouping = grouped
    ? { select: sql`g, `, by: sql` GROUP BY g` }
    : { select: sql``, by: sql`` };
  type Count = readonly [string, RawBuilder<unknown>];
  const counts: Count[] = [
    ['opened', sql`count(*)`],
    ...(wanted.counts
      ? ([
          ['closed', sql`sum(closed)`],
          ['missed', sql`sum(missed)`],
          ['userMessages', sql`sum("userMessages")`],
          ['adminMessages', sql`sum("adminMessages")`],
        ] satisfies Count[])
      : []),
    ...(wanted.ratings
      ? ([
          ['responses', sql`count(rating)`],
          ['ratingSum', sql`sum(rating)`],
          ['positive', sql`sum(CASE WHEN rating >= 4 THEN 1 ELSE 0 END)`],
          ...SCORES.map(
            (n) =>
              [
                `score${n}`,
                sql`sum(CASE WHEN rating = ${sql.lit(n)} THEN 1 ELSE 0 END)`,
              ] satisfies Count,
          ),
        ] satisfies Count[])
      : []),
    ...(wanted.names ? ([['adminName', sql`max("adminName")`]] satisfies Count[]) : []),
  ];
  const countList = sql.join(counts.map(([name, value]) => sql`${value} AS ${sql.ref(name)}`));
  if (kind === 'sqlite') {
    const values = metrics.map(
      (m) => sql`, group_concat(${sql.ref(m)}) AS ${sql.ref(`${m}_values`)}`,
    );
    return sql<GroupRow>`WITH ${facts} SELECT ${grouping.select}${countList}${sql.join(values, sql``)}
      FROM facts${grouping.by}`;
  }
  const stats = metrics.map((m) => {
    const v = sql.ref(m);
    return sql`, count(${v}) AS ${sql.ref(`${m}_n`)}, sum(${v}) AS ${sql.ref(`${m}_sum`)},
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ${v}::float8) AS ${sql.ref(`${m}_median`)},
      percentile_disc(0.9) WITHIN GROUP (ORDER BY ${v}::float8) AS ${sql.ref(`${m}_p90`)}`;
  });
  return sql<GroupRow>`WITH ${facts}
    SELECT ${grouping.select}${countList}${sql.join(stats, sql``)} FROM facts${grouping.by}`;
}

/** The CSAT scores, each counted (csat.byScore). */
export const SCORES = [1, 2, 3, 4, 5] as const;

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

export const NO_VALUES: OrderStats = { n: 0, sum: 0, median: null, p90: null };

function statsOf(row: GroupRow | undefined, metric: Metric): OrderStats {
  if (!row) return NO_VALUES;
  const values = row[`${metric}_values`];
  if (typeof values === 'string') return orderStatsOf(JSON.parse(`[${values}]`));
  if (num(row[`${metric}_n`]) === 0) return NO_VALUES;
  return {
    n: num(row[`${metric}_n`]),
    sum: num(row[`${metric}_sum`]),
    median: orNull(row[`${metric}_median`]),
    p90: orNull(row[`${metric}_p90`]),
  };
}

const ratingsOf = (row: GroupRow | undefined): RatingFacts => ({
  responses: num(row?.responses),
  sum: num(row?.ratingSum),
  positive: num(row?.positive),
  byScore: SCORES.map((n) => num(row?.[`score${n}`])),
});

/**
 * Runs a report's query. PostgreSQL's JIT compiles a query whose estimated cost passes
 * jit_above_cost, as a year of chats does: 90 ms of compiling for a query that runs in
 * less (EXPLAIN ANALYZE on 100k chats), so a report turns it off for its own transaction.
 */
async function grouped(
  db: Kysely<Database>,
  kind: Kind,
  facts: RawBuilder<unknown>,
  wanted: Wanted,
  { byGroup = true }: { byGroup?: boolean } = {},
): Promise<GroupRow[]> {
  const query = groupedQuery(kind, facts, wanted, byGroup);
  if (kind === 'sqlite') return (await query.execute(db)).rows;
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL jit = off`.execute(trx);
    return (await query.execute(trx)).rows;
  });
}

const SUMMARY: Wanted = {
  counts: true,
  ratings: true,
  metrics: ['waiting', 'firstResponse', 'resolution'],
};
const AGENTS: Wanted = {
  counts: false,
  ratings: true,
  names: true,
  metrics: ['firstResponse', 'resolution'],
};
const SERIES: Record<ReportMetric, Wanted> = {
  opened: { counts: false, ratings: false, metrics: [] },
  closed: { counts: true, ratings: false, metrics: [] },
  firstResponse: { counts: false, ratings: false, metrics: ['firstResponse'] },
  csat: { counts: false, ratings: true, metrics: [] },
};

export function kyselyReportRecords(db: Kysely<Database>, kind: Kind, read: Guard): ReportRecords {
  return {
    summary: (scope) =>
      read(async () => {
        const facts = factsInRange(kind, scope, sql`0`, SUMMARY);
        const [row] = await grouped(db, kind, facts, SUMMARY, { byGroup: false });
        const stats = (m: Metric) => statsOf(row, m);
        return {
          opened: num(row?.opened),
          closed: num(row?.closed),
          missed: num(row?.missed),
          userMessages: num(row?.userMessages),
          adminMessages: num(row?.adminMessages),
          ratings: ratingsOf(row),
          waiting: stats('waiting'),
          firstResponse: stats('firstResponse'),
          resolution: stats('resolution'),
        };
      }),

    agents: (scope) =>
      read(async () => {
        const facts = factsInRange(kind, scope, sql`c."assignedAdminId"`, AGENTS);
        const rows = (await grouped(db, kind, facts, AGENTS)).filter((r) => r.g !== null);
        const names = await knownNamesOf(
          db,
          rows.map((r) => String(r.g)),
        );
        return rows.map((r) => ({
          adminId: String(r.g),
          adminName: names.get(String(r.g)) ?? (r.adminName == null ? '' : String(r.adminName)),
          chats: num(r.opened),
          firstResponse: statsOf(r, 'firstResponse'),
          resolution: statsOf(r, 'resolution'),
          ratings: ratingsOf(r),
        }));
      }),

    series: (scope, bounds, metric) =>
      read(async () => {
        if (bounds.length === 0) return [];
        const wanted = SERIES[metric];
        const facts = factsInBuckets(kind, scope.adminId, bounds, wanted);
        const rows = await grouped(db, kind, facts, wanted);
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

/** Each admin's name as the server last saw them sign in (else the report's rows carry one). */
async function knownNamesOf(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const known = await db
    .selectFrom('known_admins')
    .select(['id', 'name'])
    .where('id', 'in', ids)
    .execute();
  return new Map(known.filter((k) => k.name).map((k) => [k.id, k.name]));
}

/**
 * The facts of chats whose messages were written without the append (migration 0022 for
 * the chats before it, the v2 import for the chats it writes): the first admin message,
 * the counters, and the close time of chats closed without one (as migration 0020 did).
 * The messages of the chats are read once, grouped by chat (one subquery per chat and fact
 * read each chat's messages three times: 1.3 of the 5.5 s the database spent on importing
 * 100,000 messages on PostgreSQL). A chat without messages keeps its facts: none (the
 * columns' defaults), as the import's chats always have messages. Then the epoch columns
 * of what it changed (`epoch: false` only for 0022, which ran before they existed).
 */
export async function recomputeReportFacts(
  db: QueryExecutorProvider,
  chatIds?: readonly string[],
  { epoch = true }: { epoch?: boolean } = {},
): Promise<void> {
  const byType = (type: string) => sql`m."senderType" = ${sql.lit(type)}`;
  const ofChats =
    chatIds === undefined
      ? sql``
      : sql` WHERE m."chatId" IN (${sql.join(chatIds.map((id) => sql`${id}`))})`;
  const facts = sql`(SELECT m."chatId" AS "chatId",
      min(m."createdAt") FILTER (WHERE ${byType('admin')}) AS "firstAdmin",
      count(*) FILTER (WHERE ${byType('user')}) AS users,
      count(*) FILTER (WHERE ${byType('admin')}) AS admins
    FROM messages m${ofChats} GROUP BY m."chatId") AS f`;
  await sql`UPDATE chats SET "firstResponseAt" = f."firstAdmin", "userMessages" = f.users,
      "adminMessages" = f.admins${epoch ? sql`, "firstResponseMs" = NULL` : sql``}
    FROM ${facts} WHERE chats.id = f."chatId"`.execute(db);
  const epochs = epoch ? sql`, "closedMs" = NULL` : sql``;
  await sql`UPDATE chats SET "closedAt" = "updatedAt"${epochs}
    WHERE status = 'closed' AND "closedAt" IS NULL${onlyChats(chatIds, sql` AND`)}`.execute(db);
  if (epoch) await fillEpochTimes(db, chatIds);
}

/** Closed chats without a close time (v2 kept none) take their last change's, as 0020 did. */
export async function closeTimesOfClosedChats(db: QueryExecutorProvider): Promise<void> {
  await sql`UPDATE chats SET "closedAt" = "updatedAt",
      "closedMs" = ${epochMsOf(kindOf(db), sql.ref('updatedAt'))}
    WHERE status = 'closed' AND "closedAt" IS NULL`.execute(db);
}
