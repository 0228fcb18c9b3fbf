/**
 * The report routes as the page calls them (GET /api/reports/summary|timeseries|agents,
 * protocol §8.5). The JSON goes through the typed client; the CSV is fetched with the
 * same Authorization header and handed to the browser as a file (a plain link could not
 * carry the header).
 */

import { ApiError } from '../../shared/client.js';
import type { Identity } from '../../shared/types.js';

// TODO(merge reports): derive from the route table once the routes exist.
export interface Times {
  median: number | null;
  p90: number | null;
  mean: number | null;
}
export interface Summary {
  chats: { opened: number; closed: number; missed: number };
  waiting: Times;
  firstResponse: Times;
  resolution: Times;
  messages: { user: number; admin: number };
  csat: { responses: number; average: number | null; positiveShare: number | null };
}
export interface Point {
  at: string;
  value: number;
}
export interface AgentRow {
  adminId: string;
  adminName: string;
  chats: number;
  firstResponseMedian: number | null;
  resolutionMedian: number | null;
  csatAverage: number | null;
}
export type Metric = 'opened' | 'closed' | 'firstResponse' | 'csat';
export type CsvReport = 'summary' | 'timeseries' | 'agents';

export interface Range {
  from: string;
  to: string;
  interval: 'day' | 'hour';
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
  baseUrl: string;
  me: Identity;
  /** The current token (refreshed ones included); none with AUTH_MODE=none. */
  token(): string | undefined;
}

/** A failure as the server words it (`{error}`), else the status. */
async function failureOf(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => undefined);
  const record = typeof body === 'object' && body !== null ? body : {};
  const code =
    'code' in record && typeof record.code === 'string' ? record.code : `HTTP_${res.status}`;
  const message =
    'error' in record && typeof record.error === 'string' ? record.error : `HTTP ${res.status}`;
  return new ApiError(res.status, code, message);
}

export function reportsApi({ baseUrl, me, token }: ReportsApiOptions): ReportsApi {
  // Who asks (the token says so with jwt and must agree; AUTH_MODE=none reads these), and
  // whose chats: an admin's own, everyone's for a superadmin.
  const scope: Record<string, string> =
    me.role === 'superadmin'
      ? { viewerId: me.id, isSuperAdmin: 'true' }
      : { viewerId: me.id, adminId: me.id };
  const get = async (path: string, query: Record<string, string>): Promise<Response> => {
    const headers: Record<string, string> = {};
    const bearer = token();
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const res = await fetch(`${baseUrl}${path}?${new URLSearchParams(query)}`, { headers });
    if (!res.ok) throw await failureOf(res);
    return res;
  };
  const json = async <T>(path: string, query: Record<string, string>) =>
    (await (await get(path, query)).json()) as T;
  const period = (range: Range) => ({ from: range.from, to: range.to, ...scope });
  const series = (metric: Metric, range: Range) => ({
    metric,
    interval: range.interval,
    timezone: range.timezone,
    ...period(range),
  });
  return {
    summary: (range) => json<Summary>('/api/reports/summary', period(range)),
    series: async (metric, range) =>
      (await json<{ points: Point[] }>('/api/reports/timeseries', series(metric, range))).points,
    agents: async (range) =>
      (await json<{ agents: AgentRow[] }>('/api/reports/agents', period(range))).agents,
    csv: async (report, range, metric) => {
      const query = report === 'timeseries' ? series(metric ?? 'opened', range) : period(range);
      return (await get(`/api/reports/${report}`, { ...query, format: 'csv' })).blob();
    },
  };
}
