import { describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';

describe('ids', () => {
  it('are 24 lowercase hex characters, like MongoDB ObjectIds', () => {
    expect(newId()).toMatch(/^[0-9a-f]{24}$/);
  });

  it('start with the creation time in seconds, so they sort by time', () => {
    const at = Date.UTC(2026, 0, 1);
    expect(Number.parseInt(newId(at).slice(0, 8), 16)).toBe(at / 1000);
    expect(newId(at) < newId(at + 1000)).toBe(true);
  });

  it('do not repeat within one process', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId(0)));
    expect(ids.size).toBe(10_000);
  });
});
