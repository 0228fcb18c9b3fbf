/**
 * The reports of docs/reports.md: a period's summary, one metric per hour or day, and the
 * per-admin table, each also as CSV. Reads only: nothing changes, nothing is published.
 * The numbers come from the chat rows (store/reports.ts), which the appends keep current in
 * the statement they make anyway, so a change shows in the next report.
 */
import type { Actor } from '../auth/actor.js';
import type { ReportInterval, ReportMetric } from '../schemas/vocabulary.js';
import type { BucketFacts, ReportRecords } from '../store/reports.js';
import { bucketsOf } from './buckets.js';
import { type Cell, toCsv } from './csv.js';
import { reportAdminOf, reportRangeOf } from './rules.js';
import { averageOf, csatOf, medianOf, spreadOf } from './statistics.js';

export interface ReportDeps {
  store: { reports: ReportRecords };
  /** The clock (ms): the default range ends now. */
  now?: () => number;
}

export interface ReportInput {
  from?: string | undefined;
  to?: string | undefined;
  adminId?: string | undefined;
}

export interface SeriesInput extends ReportInput {
  metric: ReportMetric;
  interval?: ReportInterval | undefined;
  timezone?: string | undefined;
}

const nowOf = (deps: ReportDeps): number => (deps.now ? deps.now() : Date.now());

export async function reportSummary(deps: ReportDeps, actor: Actor, input: ReportInput) {
  const adminId = reportAdminOf(actor, input.adminId);
  const range = reportRangeOf(input, 'period', nowOf(deps));
  const facts = await deps.store.reports.summary({ ...range, adminId });
  return {
    ...range,
    chats: { opened: facts.opened, closed: facts.closed, missed: facts.missed },
    waiting: spreadOf(facts.waiting),
    firstResponse: spreadOf(facts.firstResponse),
    resolution: spreadOf(facts.resolution),
    messages: { user: facts.userMessages, admin: facts.adminMessages },
    csat: csatOf(facts.ratings),
  };
}

export type SummaryReport = Awaited<ReturnType<typeof reportSummary>>;

/** One row under dotted names (`chats.opened`, `waiting.median`, …). */
export function summaryCsv(report: SummaryReport): string {
  const header: string[] = [];
  const row: Cell[] = [];
  for (const part of [
    'chats',
    'waiting',
    'firstResponse',
    'resolution',
    'messages',
    'csat',
  ] as const) {
    for (const [name, value] of Object.entries(report[part])) {
      // byScore as five columns, csat.byScore.1 … csat.byScore.5.
      const cells: Cell[] = Array.isArray(value) ? value : [value];
      cells.forEach((cell, i) => {
        header.push(Array.isArray(value) ? `${part}.${name}.${i + 1}` : `${part}.${name}`);
        row.push(cell);
      });
    }
  }
  return toCsv(['from', 'to', ...header], [[report.from, report.to, ...row]]);
}

const pointValue = (metric: ReportMetric, facts: BucketFacts | undefined): number => {
  if (!facts) return 0;
  switch (metric) {
    case 'opened':
      return facts.count;
    case 'closed':
      return facts.closed;
    case 'firstResponse':
      return medianOf(facts.firstResponse) ?? 0;
    case 'csat':
      return averageOf(facts.ratings.responses, facts.ratings.sum) ?? 0;
  }
};

export async function reportSeries(deps: ReportDeps, actor: Actor, input: SeriesInput) {
  const adminId = reportAdminOf(actor, input.adminId);
  const interval = input.interval ?? 'day';
  const zone = input.timezone ?? 'UTC';
  const range = reportRangeOf(input, interval, nowOf(deps));
  const buckets = bucketsOf(Date.parse(range.from), Date.parse(range.to), interval, zone).map(
    (b) => ({ start: new Date(b.start).toISOString(), end: new Date(b.end).toISOString() }),
  );
  const facts = await deps.store.reports.series({ adminId }, buckets, input.metric);
  const byBucket = new Map(facts.map((f) => [f.bucket, f]));
  return {
    ...range,
    points: buckets.map((b, i) => ({
      at: b.start,
      value: pointValue(input.metric, byBucket.get(i)),
    })),
  };
}

export function seriesCsv(report: Awaited<ReturnType<typeof reportSeries>>): string {
  return toCsv(
    ['at', 'value'],
    report.points.map((p) => [p.at, p.value]),
  );
}

export async function reportAgents(deps: ReportDeps, actor: Actor, input: ReportInput) {
  const adminId = reportAdminOf(actor, input.adminId);
  const range = reportRangeOf(input, 'period', nowOf(deps));
  const facts = await deps.store.reports.agents({ ...range, adminId });
  const agents = facts
    .map((a) => ({
      adminId: a.adminId,
      adminName: a.adminName,
      chats: a.chats,
      firstResponseMedian: medianOf(a.firstResponse),
      resolutionMedian: medianOf(a.resolution),
      csatAverage: averageOf(a.ratings.responses, a.ratings.sum),
    }))
    .sort(
      (a, b) => b.chats - a.chats || (a.adminId < b.adminId ? -1 : a.adminId > b.adminId ? 1 : 0),
    );
  return { ...range, agents };
}

export const AGENT_FIELDS = [
  'adminId',
  'adminName',
  'chats',
  'firstResponseMedian',
  'resolutionMedian',
  'csatAverage',
] as const;

export function agentsCsv(report: Awaited<ReturnType<typeof reportAgents>>): string {
  return toCsv(
    AGENT_FIELDS,
    report.agents.map((a) => AGENT_FIELDS.map((f) => a[f])),
  );
}
