/** What a node remembers of the downloads it recorded: by caller and file, for a window, bounded. */
import { describe, expect, it } from 'vitest';
import { recentDownloads } from '../../src/attachments/recent-downloads.js';

describe('recent downloads', () => {
  it('a download is remembered for its caller and file, for the window only', () => {
    const recent = recentDownloads(1000, 100);
    recent.note('user:u1', 'f1', 10_000);
    expect(recent.has('user:u1', 'f1', 10_999)).toBe(true);
    expect(recent.has('user:u2', 'f1', 10_500)).toBe(false);
    expect(recent.has('user:u1', 'f2', 10_500)).toBe(false);
    expect(recent.has('user:u1', 'f1', 11_000)).toBe(false);
    // Noted again: the window starts again.
    recent.note('user:u1', 'f1', 10_900);
    expect(recent.has('user:u1', 'f1', 11_500)).toBe(true);
  });

  it('holds at most its bound, forgetting the oldest first', () => {
    const recent = recentDownloads(60_000, 3);
    for (const file of ['a', 'b', 'c', 'd']) recent.note('w', file, 1000);
    expect(['a', 'b', 'c', 'd'].map((file) => recent.has('w', file, 1001))).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });
});
