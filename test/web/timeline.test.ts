/** A chat's timeline: ordered and deduplicated by seq, whatever arrives in whatever order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addPending,
  emptyTimeline,
  hasGapBefore,
  lastSeq,
  markSeen,
  merge,
  setPendingState,
} from '../../web/shared/timeline.js';
import type { Message } from '../../web/shared/types.js';

const msg = (seq: number, extra: Partial<Message> = {}): Message => ({
  _id: `m${seq}`,
  chatId: 'c1',
  seq,
  senderId: seq % 2 ? 'u1' : 'a1',
  senderType: seq % 2 ? 'user' : 'admin',
  senderName: seq % 2 ? 'User' : 'Admin',
  content: `text ${seq}`,
  messageType: 'text',
  fileUrl: null,
  isRead: false,
  readAt: null,
  clientMessageId: `c${seq}`,
  createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  updatedAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  ...extra,
});

describe('timeline', () => {
  it('shows every message once in seq order, however pages and events interleave', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 15 }), { maxLength: 8 }),
        (batches) => {
          let t = emptyTimeline;
          for (const batch of batches)
            t = merge(
              t,
              batch.map((s) => msg(s)),
            );
          const expected = [...new Set(batches.flat())].sort((a, b) => a - b);
          expect(t.messages.map((m) => m.seq)).toEqual(expected);
        },
      ),
    );
  });

  it('drops a pending send once its message is stored, matched by clientMessageId', () => {
    let t = addPending(emptyTimeline, { clientMessageId: 'c3', content: 'x', createdAt: '' });
    t = setPendingState(t, 'c3', 'failed');
    expect(t.pending).toEqual([
      { clientMessageId: 'c3', content: 'x', createdAt: '', state: 'failed' },
    ]);
    t = merge(t, [msg(1), msg(3)]);
    expect(t.pending).toEqual([]);
    expect(lastSeq(t)).toBe(3);
  });

  it('keeps the read copy of a message and notices gaps', () => {
    let t = merge(emptyTimeline, [msg(1), msg(2)]);
    t = markSeen(t, (m) => m.senderType === 'user', 'now');
    expect(t.messages.map((m) => m.isRead)).toEqual([true, false]);
    t = merge(t, [msg(1)]); // a stale unread copy arrives later
    expect(t.messages[0]?.isRead).toBe(true);
    expect(hasGapBefore(t, msg(3))).toBe(false);
    expect(hasGapBefore(t, msg(5))).toBe(true);
  });
});
