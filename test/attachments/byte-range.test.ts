/** The Range header of downloads (src/attachments/byte-range.ts): one range, or the whole file. */
import { describe, expect, it } from 'vitest';
import { parseRange, resolveRange } from '../../src/attachments/byte-range.js';

describe('Range on downloads', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: undefined }],
    ['bytes=-500', { suffix: 500 }],
    ['Bytes= 5-5', { start: 5, end: 5 }],
  ])('reads %s as one range', (header, range) => {
    expect(parseRange(header)).toEqual(range);
  });

  it.each([
    undefined,
    '',
    'bytes=',
    'bytes=-',
    'bytes=5-1',
    'bytes=0-1,5-9',
    'items=0-1',
    'bytes=a-b',
    'bytes=1234567890123456-',
  ])(
    'answers the whole file for %s (absent, several ranges, malformed, another unit)',
    (header) => {
      expect(parseRange(header)).toBeUndefined();
    },
  );

  it('resolves against the size: clipped at the end, a suffix longer than the file is all of it', () => {
    expect(resolveRange({ start: 0, end: 99 }, 1000)).toEqual({ start: 0, end: 99 });
    expect(resolveRange({ start: 900, end: 5000 }, 1000)).toEqual({ start: 900, end: 999 });
    expect(resolveRange({ start: 10, end: undefined }, 1000)).toEqual({ start: 10, end: 999 });
    expect(resolveRange({ suffix: 100 }, 1000)).toEqual({ start: 900, end: 999 });
    expect(resolveRange({ suffix: 5000 }, 1000)).toEqual({ start: 0, end: 999 });
  });

  it('is unsatisfiable when it starts at or past the end, asks for no bytes, or the file is empty', () => {
    expect(resolveRange({ start: 1000, end: undefined }, 1000)).toBe('unsatisfiable');
    expect(resolveRange({ suffix: 0 }, 1000)).toBe('unsatisfiable');
    expect(resolveRange({ suffix: 10 }, 0)).toBe('unsatisfiable');
    expect(resolveRange({ start: 0, end: 0 }, 0)).toBe('unsatisfiable');
  });
});
