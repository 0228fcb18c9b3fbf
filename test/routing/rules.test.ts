/**
 * Who gets the next chat (routing/rules.ts), on its own: fewest active chats among those
 * with room, ties by the oldest last assignment (never: first), then id; the admin whose
 * assignment went unanswered only when nobody else has room.
 */
import { describe, expect, it } from 'vitest';
import { nextAgent, type RoutingCandidate } from '../../src/routing/rules.js';

const c = (
  adminId: string,
  activeChats: number,
  maxChats = 5,
  lastAssignedAt: string | null = null,
): RoutingCandidate => ({ adminId, activeChats, maxChats, lastAssignedAt });

describe('the next chat goes to', () => {
  it('the admin with the fewest active chats', () => {
    expect(nextAgent([c('a', 3), c('b', 1), c('c', 2)])?.adminId).toBe('b');
  });

  it('nobody over or at their maxChats, however few chats they hold', () => {
    expect(nextAgent([c('a', 0, 0), c('b', 4, 5)])?.adminId).toBe('b');
    expect(nextAgent([c('a', 0, 0), c('b', 5, 5)])).toBeUndefined();
    expect(nextAgent([])).toBeUndefined();
  });

  it('between equals, the one whose last assignment is oldest; never assigned first', () => {
    const t = (h: number) => `2026-01-01T${String(h).padStart(2, '0')}:00:00.000Z`;
    expect(nextAgent([c('a', 1, 5, t(10)), c('b', 1, 5, t(9))])?.adminId).toBe('b');
    expect(nextAgent([c('a', 1, 5, t(9)), c('b', 1, 5, null)])?.adminId).toBe('b');
    // Load first: an older turn does not beat a lighter load.
    expect(nextAgent([c('a', 2, 5, t(1)), c('b', 1, 5, t(12))])?.adminId).toBe('b');
  });

  it('between complete equals, by id, so that every node agrees', () => {
    expect(nextAgent([c('b', 0), c('a', 0)])?.adminId).toBe('a');
  });

  it('someone other than the admin who left it unanswered, while anyone else has room', () => {
    expect(nextAgent([c('slow', 0), c('busy', 3)], 'slow')?.adminId).toBe('busy');
    expect(nextAgent([c('slow', 0), c('full', 1, 1)], 'slow')?.adminId).toBe('slow');
  });
});
