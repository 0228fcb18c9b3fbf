/**
 * The report routes as the page calls them (GET /api/reports/summary|timeseries|agents,
 * protocol §8.5). The JSON goes through the typed client; the CSV is fetched with the
 * same Authorization header and handed to the browser as a file (a plain link cannot
 * carry the header).
 */
import type { ReportInterval, ReportMetric } from '../../../src/schemas/vocabulary.js';
import { ApiError, type ChatClient } from '../../shared/client.js';
import { type RestRequest, type RestSuccess, restCall } from '../../shared/rest.js';
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
  summary(range: Range): Promise<Summary>;
  series(metric: Metric, range: Range): Promise<Point[]>;
  agents(range: Range): Promise<AgentRow[]>;
  /** The report as the server's CSV (`?format=csv`). */
  csv(report: CsvReport, range: Range, metric?: Metric): Promise<Blob>;
}

export interface ReportsApiOptions {
  client: ChatClient;
  /** The server's origin (the console's own). */
  baseUrl: string;
  me: Identity;
  /** The current token (a refreshed one included); none with AUTH_MODE=none. */
  token(): string | undefined;
}

type Query = RestRequest<'GET /api/reports/summary'>['query'];

/** A failure as the server words it (`{code, error}`), else the status. */
async function failureOf(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => undefined);
  const record = typeof body === 'object' && body !== null ? body : {};
  const code =
    'code' in record && typeof record.code === 'string' ? record.code : `HTTP_${res.status}`;
  const message =
    'error' in record && typeof record.error === 'string' ? record.error : `HTTP ${res.status}`;
  return new ApiError(res.status, code, message);
}

export function reportsApi({ client, baseUrl, me, token }: ReportsApiOptions): ReportsApi {
  // Who asks (with jwt the token says so and these must agree; AUTH_MODE=none reads them)
  // and whose chats: an admin's own, everyone's for a superadmin.
  const scope =
    me.role === 'superadmin'
      ? { viewerId: me.id, isSuperAdmin: true }
      : { viewerId: me.id, adminId: me.id };
  const period = (range: Range): Query => ({ from: range.from, to: range.to, ...scope });
  const series = (metric: Metric, range: Range) => ({
    ...period(range),
    metric,
    interval: range.interval,
    timezone: range.timezone,
  });
  const download = async ({ path }: { path: string }): Promise<Blob> => {
    const bearer = token();
    const res = await fetch(`${baseUrl}${path}`, {
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });
    if (!res.ok) throw await failureOf(res);
    return res.blob();
  };
  return {
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
        return download(
          restCall('GET /api/reports/timeseries', {
            query: { ...series(metric ?? 'opened', range), ...csv },
          }),
        );
      if (report === 'agents')
        return download(
          restCall('GET /api/reports/agents', { query: { ...period(range), ...csv } }),
        );
      return download(
        restCall('GET /api/reports/summary', { query: { ...period(range), ...csv } }),
      );
    },
  };
}
