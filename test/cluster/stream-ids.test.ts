/**
 * Stream ids compare as Redis orders them (milliseconds, then the sequence within one),
 * numerically: a node that hears an entry twice (announced, and read again while catching
 * up) delivers it once, and never drops a newer one as old.
 */
import { describe, expect, it } from 'vitest';
import { compareIds } from '../../src/cluster/stream-ids.js';

describe('stream id order', () => {
  it('orders by milliseconds, then by sequence, as numbers rather than text', () => {
    expect(compareIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareIds('1733450000000-10', '1733450000000-9')).toBeGreaterThan(0);
    expect(compareIds('1733450000001-0', '1733450000000-99')).toBeGreaterThan(0);
    expect(compareIds('1733450000000-3', '1733450000000-3')).toBe(0);
  });
});
