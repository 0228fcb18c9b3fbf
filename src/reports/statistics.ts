/**
 * The arithmetic of PROTOCOL §8.5, as plain functions. A time is summarised as
 * `{median, p90, mean}` in seconds: the median of an even count is the mean of the two
 * middle values, p90 is the nearest rank (the ⌈0.9·n⌉-th smallest), the mean is the sum
 * over the count. The stores compute the same ingredients in SQL (store/reports.ts: the
 * count, the sum and the values at those ranks), so that a year of chats never leaves the
 * database; `orderStatsOf` is the in-memory form of that SQL, and the store tests require
 * the two to agree. Everything is in whole milliseconds until `spreadOf` turns it into
 * seconds, rounded to the millisecond.
 */
import type { OrderStats } from '../store/reports.js';

export type { OrderStats };

export interface Spread {
  median: number | null;
  p90: number | null;
  mean: number | null;
}

/** The ranks (1-based) an order statistic needs of `n` sorted values. */
export function ranksOf(n: number): { lo: number; hi: number; p90: number } {
  return {
    lo: Math.floor((n + 1) / 2),
    hi: Math.floor((n + 2) / 2),
    p90: Math.floor((9 * n + 9) / 10),
  };
}

/** What the stores compute, from the values themselves (ms). */
export function orderStatsOf(values: readonly number[]): OrderStats {
  const n = values.length;
  if (n === 0) return { n: 0, sum: 0, lo: null, hi: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = ranksOf(n);
  const at = (r: number): number => sorted[r - 1] as number;
  return {
    n,
    sum: sorted.reduce((s, v) => s + v, 0),
    lo: at(rank.lo),
    hi: at(rank.hi),
    p90: at(rank.p90),
  };
}

/** Milliseconds as seconds, to the millisecond. */
const seconds = (ms: number): number => Math.round(ms) / 1000;

export function spreadOf(stats: OrderStats): Spread {
  if (stats.n === 0 || stats.lo === null || stats.hi === null || stats.p90 === null)
    return { median: null, p90: null, mean: null };
  return {
    median: seconds((stats.lo + stats.hi) / 2),
    p90: seconds(stats.p90),
    mean: seconds(stats.sum / stats.n),
  };
}

/** The median alone, in seconds (the agents' and the timeseries' time metric). */
export const medianOf = (stats: OrderStats): number | null => spreadOf(stats).median;

/** CSAT from the ratings' count, sum and count of 4s and 5s. */
export function csatOf(ratings: { responses: number; sum: number; positive: number }): {
  responses: number;
  average: number | null;
  positiveShare: number | null;
} {
  const { responses, sum, positive } = ratings;
  if (responses === 0) return { responses: 0, average: null, positiveShare: null };
  return {
    responses,
    average: round(sum / responses, 3),
    positiveShare: round(positive / responses, 4),
  };
}

export const averageOf = (count: number, sum: number): number | null =>
  count === 0 ? null : round(sum / count, 3);

const round = (value: number, digits: number): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};
