/**
 * The arithmetic of docs/reports.md's definitions, as plain functions. A time is summarised as
 * `{median, p90, mean}` in seconds: the median of an even count is the mean of the two
 * middle values, p90 is the nearest rank (the ⌈0.9·n⌉-th smallest), the mean is the sum
 * over the count. The stores compute the count, sum, median and p90 in whole milliseconds
 * (store/reports.ts: PostgreSQL inside the database; SQLite through `orderStatsOf`, the
 * in-memory form, on the values the query hands over); `spreadOf` turns them into
 * seconds, rounded to the millisecond.
 */
import { type OrderStats, orderStatsOf } from '../store/reports.js';

export type { OrderStats };
export { orderStatsOf };

export interface Spread {
  median: number | null;
  p90: number | null;
  mean: number | null;
}

/** The ranks (1-based) of `n` sorted values that the median and p90 are read at. */
export function ranksOf(n: number): { lo: number; hi: number; p90: number } {
  return {
    lo: Math.floor((n + 1) / 2),
    hi: Math.floor((n + 2) / 2),
    p90: Math.floor((9 * n + 9) / 10),
  };
}

/** Milliseconds as seconds, to the millisecond. */
const seconds = (ms: number): number => Math.round(ms) / 1000;

export function spreadOf(stats: OrderStats): Spread {
  if (stats.n === 0 || stats.median === null || stats.p90 === null)
    return { median: null, p90: null, mean: null };
  return {
    median: seconds(stats.median),
    p90: seconds(stats.p90),
    mean: seconds(stats.sum / stats.n),
  };
}

/** The median alone, in seconds (the agents' and the timeseries' time metric). */
export const medianOf = (stats: OrderStats): number | null => spreadOf(stats).median;

/** CSAT from the ratings' count, sum, count of 4s and 5s, and count of each score. */
export function csatOf(ratings: {
  responses: number;
  sum: number;
  positive: number;
  byScore: readonly number[];
}): {
  responses: number;
  average: number | null;
  positiveShare: number | null;
  byScore: number[];
} {
  const { responses, sum, positive } = ratings;
  const byScore = [0, 1, 2, 3, 4].map((i) => ratings.byScore[i] ?? 0);
  if (responses === 0) return { responses: 0, average: null, positiveShare: null, byScore };
  return {
    responses,
    average: round(sum / responses, 3),
    positiveShare: round(positive / responses, 4),
    byScore,
  };
}

export const averageOf = (count: number, sum: number): number | null =>
  count === 0 ? null : round(sum / count, 3);

const round = (value: number, digits: number): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};
