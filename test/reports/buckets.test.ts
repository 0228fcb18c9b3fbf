/** The timeseries' buckets: local days and hours of an IANA zone, DST included. */
import { describe, expect, it } from 'vitest';
import { bucketsOf } from '../../src/reports/buckets.js';

const buckets = (from: string, to: string, interval: 'hour' | 'day', zone: string) =>
  bucketsOf(Date.parse(from), Date.parse(to), interval, zone).map((b) => [
    new Date(b.start).toISOString(),
    (b.end - b.start) / 3_600_000,
  ]);

describe('report buckets', () => {
  it("starts Tashkent's days at 19:00 UTC, the first one holding `from`", () => {
    expect(buckets('2026-12-05T12:00:00Z', '2026-12-07T00:00:00Z', 'day', 'Asia/Tashkent')).toEqual(
      [
        ['2026-12-04T19:00:00.000Z', 24],
        ['2026-12-05T19:00:00.000Z', 24],
        ['2026-12-06T19:00:00.000Z', 24],
      ],
    );
  });

  it('has every day of a range in the first centuries too (years 0-99, and before year 1)', () => {
    // Date.UTC reads years 0-99 as 1900-1999, and Intl writes 1 BC as year 1: the buckets
    // of such a range (a valid ISO instant) were none at all.
    expect(buckets('0050-03-01T00:00:00Z', '0050-03-03T00:00:00Z', 'day', 'UTC')).toEqual([
      ['0050-03-01T00:00:00.000Z', 24],
      ['0050-03-02T00:00:00.000Z', 24],
    ]);
    expect(buckets('0000-02-28T00:00:00Z', '0000-03-01T00:00:00Z', 'day', 'UTC')).toEqual([
      ['0000-02-28T00:00:00.000Z', 24],
      ['0000-02-29T00:00:00.000Z', 24],
    ]);
    expect(buckets('-000001-12-31T12:00:00Z', '0000-01-01T02:00:00Z', 'hour', 'UTC')).toHaveLength(
      14,
    );
  });

  it('makes the days DST changes 23 and 25 hours long', () => {
    expect(
      buckets('2026-03-07T12:00:00Z', '2026-03-10T00:00:00Z', 'day', 'America/New_York'),
    ).toEqual([
      ['2026-03-07T05:00:00.000Z', 24],
      ['2026-03-08T05:00:00.000Z', 23],
      ['2026-03-09T04:00:00.000Z', 24],
    ]);
    expect(buckets('2026-10-25T00:00:00Z', '2026-10-26T00:00:00Z', 'day', 'Europe/Berlin')).toEqual(
      [
        ['2026-10-24T22:00:00.000Z', 25],
        ['2026-10-25T23:00:00.000Z', 24],
      ],
    );
  });

  it('starts a day whose midnight DST skips at its first instant', () => {
    // Santiago moves 00:00 to 01:00 on 6 September 2026.
    expect(
      buckets('2026-09-06T12:00:00Z', '2026-09-06T13:00:00Z', 'day', 'America/Santiago'),
    ).toEqual([['2026-09-06T04:00:00.000Z', 23]]);
  });

  it('keeps both runs of the hour DST repeats, and hours of a half-hour zone at :30', () => {
    expect(
      buckets('2026-11-01T04:00:00Z', '2026-11-01T08:00:00Z', 'hour', 'America/New_York'),
    ).toEqual([
      ['2026-11-01T04:00:00.000Z', 1],
      ['2026-11-01T05:00:00.000Z', 1],
      ['2026-11-01T06:00:00.000Z', 1],
      ['2026-11-01T07:00:00.000Z', 1],
    ]);
    expect(buckets('2026-12-05T00:00:00Z', '2026-12-05T02:00:00Z', 'hour', 'Asia/Kolkata')).toEqual(
      [
        ['2026-12-04T23:30:00.000Z', 1],
        ['2026-12-05T00:30:00.000Z', 1],
        ['2026-12-05T01:30:00.000Z', 1],
      ],
    );
  });

  it('has no bucket for an empty range and as many as a month of hours needs', () => {
    expect(buckets('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'hour', 'UTC')).toEqual([]);
    expect(
      bucketsOf(
        Date.parse('2026-01-01T00:00:00Z'),
        Date.parse('2026-02-01T00:00:00Z'),
        'hour',
        'Europe/London',
      ),
    ).toHaveLength(744);
  });
});
