/** The arithmetic of docs/reports.md as plain functions: median, nearest-rank p90, mean, CSAT. */
import { describe, expect, it } from 'vitest';
import { csatOf, orderStatsOf, ranksOf, spreadOf } from '../../src/reports/statistics.js';

const spread = (seconds: number[]) => spreadOf(orderStatsOf(seconds.map((s) => s * 1000)));

describe('report statistics', () => {
  it('takes the middle value of an odd count and the mean of the two middle of an even one', () => {
    expect(spread([30, 10, 20]).median).toBe(20);
    expect(spread([40, 10, 30, 20]).median).toBe(25);
    expect(spread([7]).median).toBe(7);
    expect(spread([7, 8]).median).toBe(7.5);
  });

  it('takes p90 by nearest rank: the ⌈0.9·n⌉-th smallest', () => {
    expect(ranksOf(10).p90).toBe(9);
    expect(ranksOf(11).p90).toBe(10);
    expect(ranksOf(1).p90).toBe(1);
    expect(ranksOf(20).p90).toBe(18);
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).p90).toBe(9);
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).p90).toBe(10);
    expect(spread([5, 1]).p90).toBe(5);
  });

  it('keeps ties: equal values are counted each', () => {
    expect(spread([60, 60, 10, 20, 30])).toEqual({ median: 30, p90: 60, mean: 36 });
    expect(spread([5, 5, 5, 5])).toEqual({ median: 5, p90: 5, mean: 5 });
  });

  it('answers null for no values, and rounds to the millisecond', () => {
    expect(spread([])).toEqual({ median: null, p90: null, mean: null });
    expect(spreadOf(orderStatsOf([1, 2, 2]))).toEqual({ median: 0.002, p90: 0.002, mean: 0.002 });
    expect(spreadOf(orderStatsOf([1, 2])).median).toBe(0.002);
  });

  it('gives CSAT as responses, average, the share of 4s and 5s and the count of each score', () => {
    expect(csatOf({ responses: 3, sum: 12, positive: 2, byScore: [0, 0, 1, 1, 1] })).toEqual({
      responses: 3,
      average: 4,
      positiveShare: 0.6667,
      byScore: [0, 0, 1, 1, 1],
    });
    expect(csatOf({ responses: 0, sum: 0, positive: 0, byScore: [] })).toEqual({
      responses: 0,
      average: null,
      positiveShare: null,
      byScore: [0, 0, 0, 0, 0],
    });
  });
});
