/**
 * storedRange: a query's [from, to) as the stores compare it with the times they hold,
 * whatever year the zone it was written in puts its bounds in.
 */
import { describe, expect, it } from 'vitest';
import { storedRange } from '../../src/time/instant-range.js';

/** As the schemas write a bound: the instant's toISOString. */
const iso = (written: string) => new Date(written).toISOString();

describe('storedRange', () => {
  it('keeps bounds within the years 0000-9999 as they are', () => {
    const range = { from: iso('2026-01-01T00:00:00Z'), to: iso('2026-12-01T05:00:00+05:00') };
    expect(storedRange(range)).toEqual(range);
    expect(storedRange({})).toEqual({ from: undefined, to: undefined });
  });

  it('brings a bound past those years back to their edge, where its text would sort wrong', () => {
    const endOfTime = iso('9999-12-31T23:00:00-05:00');
    const startOfTime = iso('0000-01-01T00:30:00+01:00');
    expect([endOfTime, startOfTime]).toEqual([
      '+010000-01-01T04:00:00.000Z',
      '-000001-12-31T23:30:00.000Z',
    ]);
    expect(storedRange({ from: startOfTime, to: endOfTime })).toEqual({
      from: '0000-01-01T00:00:00.000Z',
      to: '9999-12-31T23:59:59.999Z',
    });
  });

  it('refuses a range that holds nothing, comparing instants rather than their text', () => {
    const refused = /^from: must be before to$/;
    const at = iso('2026-12-01T00:00:00Z');
    expect(() => storedRange({ from: at, to: at })).toThrow(refused);
    expect(() => storedRange({ from: iso('2026-12-02T00:00:00Z'), to: at })).toThrow(refused);
    const future = iso('9999-12-31T23:00:00-05:00');
    expect(() => storedRange({ from: future, to: at })).toThrow(refused);
    expect(storedRange({ from: at, to: future }).to).toBe('9999-12-31T23:59:59.999Z');
  });
});
