/**
 * SeqOrder: each chat's deliveries on one node in seq order, whatever order the
 * broadcasts arrive in (test/cluster/ordering.test.ts runs it with two real nodes).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SeqOrder } from '../../src/realtime/seq-order.js';

const HOLD_MS = 40;
/** A store read takes this long. */
const READ_MS = 5;
// The clock is the test's: holdMs passes when the test says so, whatever the machine's load.
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** A node's deliveries: what went out, in order; offer() returning true counts as going out now. */
function node(store: number[] = []) {
  const out: number[] = [];
  const reads: [number, number][] = [];
  const order = new SeqOrder({
    holdMs: HOLD_MS,
    async fillGap(_chatId, after, before) {
      reads.push([after, before]);
      await new Promise((r) => setTimeout(r, READ_MS));
      for (const seq of store) if (seq > after && seq < before) out.push(seq);
    },
  });
  const offer = (seq: number, chatId = 'c') => {
    if (order.offer(chatId, seq, () => out.push(seq))) out.push(seq);
  };
  return { out, reads, offer, order };
}

describe('SeqOrder', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers in order at once when messages come in order', () => {
    const n = node();
    for (const seq of [1, 2, 3]) n.offer(seq);
    expect(n.out).toEqual([1, 2, 3]);
  });

  it('holds a message that overtook its predecessor until the predecessor comes', async () => {
    const n = node();
    n.offer(1);
    n.offer(3);
    n.offer(4);
    expect(n.out).toEqual([1]);
    n.offer(2);
    await wait(0);
    expect(n.out).toEqual([1, 2, 3, 4]);
    expect(n.reads).toEqual([]);
  });

  it('reads a predecessor that never comes from the store after holdMs', async () => {
    const n = node([1, 2, 3, 4]);
    n.offer(1);
    n.offer(4);
    await wait(HOLD_MS + 30);
    expect(n.out).toEqual([1, 2, 3, 4]);
    expect(n.reads).toEqual([[1, 4]]);
    // The real ones, late: already delivered from the store, not again.
    n.offer(2);
    n.offer(3);
    n.offer(5);
    expect(n.out).toEqual([1, 2, 3, 4, 5]);
  });

  it('a late predecessor that arrives while the store is being read goes out once, in order', async () => {
    const n = node([1, 2, 3]);
    n.offer(1);
    n.offer(3);
    await wait(HOLD_MS + 1); // the store read has started
    n.offer(2);
    await wait(30);
    expect(n.out).toEqual([1, 2, 3]);
  });

  it('first sight of a chat at seq > 1 waits for a predecessor that was overtaken (the bug the cluster test found)', async () => {
    const n = node();
    n.offer(2); // this node's own message, delivered before the stream brought seq 1
    expect(n.out).toEqual([]);
    n.offer(1);
    await wait(0);
    expect(n.out).toEqual([1, 2]);
  });

  it('first sight of a chat with history: starts at the lowest seq that came within holdMs', async () => {
    const n = node([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    n.offer(12);
    n.offer(13);
    n.offer(10);
    await wait(HOLD_MS + 10);
    // 10 is where this node starts...
    expect(n.out).toEqual([10]);
    // ...and 11, which never came, is read from the store after another holdMs.
    await wait(HOLD_MS + 30);
    expect(n.out).toEqual([10, 11, 12, 13]);
    n.offer(14);
    expect(n.out).toEqual([10, 11, 12, 13, 14]);
  });

  it('chats are independent', () => {
    const n = node();
    n.offer(1, 'a');
    n.offer(1, 'b');
    n.offer(2, 'b');
    n.offer(2, 'a');
    expect(n.out).toEqual([1, 1, 2, 2]);
  });

  it('a message delivered unordered (Redis away) lets held ones out rather than losing them', () => {
    const n = node();
    n.offer(1);
    n.offer(3);
    n.order.delivered('c', 4);
    expect(n.out).toEqual([1, 3]);
    n.offer(5);
    expect(n.out).toEqual([1, 3, 5]);
    expect(n.order.heldCount).toBe(0);
  });
});
