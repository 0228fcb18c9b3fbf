/**
 * The report routes as the page calls them (GET /api/reports/summary|timeseries|agents,
 * docs/protocol.md, Reports), all through the typed client: the CSV as the client's
 * `file()`, with the same Authorization header (a plain link cannot carry it) and the same
 * sign-out on a 401.
 */

import { reportCoverageOf } from '../../../src/reports/permissions.js';
import type { ReportInterval, ReportMetric } from '../../../src/schemas/vocabulary.js';
import { actorOf } from '../../shared/actor.js';
import { adminClaimOf } from '../../shared/claim.js';
import type { ChatClient } from '../../shared/client.js';
import type { RestRequest, RestSuccess } from '../../shared/rest.js';
import type { Identity } from '../../shared/types.js';

export type Summary = RestSuccess<'GET /api/reports/summary'>;
export type Point = RestSuccess<'GET /api/reports/timeseries'>['points'][number];
export type AgentRow = RestSuccess<'GET /api/reports/agents'>['agents'][number];
export type Metric = ReportMetric;
export type CsvReport = 'summary' | 'timeseries' | 'agents';

export interface Range {
  from: string;
  to: string;
  interval: ReportInterval;
  timezone: string;
}

export interface ReportsApi {
  /** Whether the reports count everyone's chats (a superadmin's) or the reader's own. */
  everyone: boolean;
  summary(range: Range): Promise<Summary>;
  series(metric: Metric, range: Range): Promise<Point[]>;
  agents(range: Range): Promise<AgentRow[]>;
  /** The report as the server's CSV (`?format=csv`). */
  csv(report: CsvReport, range: Range, metric?: Metric): Promise<Blob>;
}

export interface ReportsApiOptions {
  client: ChatClient;
  me: Identity;
}

type Query = RestRequest<'GET /api/reports/summary'>['query'];

export function reportsApi({ client, me }: ReportsApiOptions): ReportsApi {
  // Who asks (with jwt the token says so and these must agree; AUTH_MODE=none reads them)
  // and whose chats: those the server's rule gives this reader when they name nobody.
  const { adminId: viewerId, isSuperAdmin } = adminClaimOf(me);
  const covered = reportCoverageOf(actorOf(me), undefined);
  const scope = { viewerId, isSuperAdmin, adminId: covered };
  const period = (range: Range): Query => ({ from: range.from, to: range.to, ...scope });
  const series = (metric: Metric, range: Range) => ({
    ...period(range),
    metric,
    interval: range.interval,
    timezone: range.timezone,
  });
  return {
    everyone: covered === undefined,
    summary: (range) => client.request('GET /api/reports/summary', { query: period(range) }),
    series: async (metric, range) =>
      (
        await client.request('GET /api/reports/timeseries', {
          query: series(metric, range),
        })
      ).points,
    agents: async (range) =>
      (await client.request('GET /api/reports/agents', { query: period(range) })).agents,
    csv: (report, range, metric) => {
      const csv = { format: 'csv' } as const;
      if (report === 'timeseries')
        return client.file('GET /api/reports/timeseries', {
          query: { ...series(metric ?? 'opened', range), ...csv },
        });
      if (report === 'agents')
        return client.file('GET /api/reports/agents', { query: { ...period(range), ...csv } });
      return client.file('GET /api/reports/summary', { query: { ...period(range), ...csv } });
    },
  };
}
