/** Each chat's messages leave a node in seq order, whatever order they arrived in. */
import { describe, expect, it } from 'vitest';
import { SeqOrder } from '../../src/realtime/seq-order.js';

function harness(holdMs = 30, store: Record<string, number[]> = {}) {
  const out: string[] = [];
  const order = new SeqOrder<{ seq: number }>({
    holdMs,
    async readGap(chatId, after, before) {
      return (store[chatId] ?? [])
        .filter((seq) => seq > after && seq < before)
        .map((seq) => ({ seq }));
    },
    deliverGap: (chatId, m) => out.push(`${chatId}:${m.seq}*`),
    onError: () => out.push('error'),
  });
  const offer = (chatId: string, seq: number) => {
    if (order.offer(chatId, seq, () => out.push(`${chatId}:${seq}`))) out.push(`${chatId}:${seq}`);
  };
  return { out, order, offer };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('seq order per chat', () => {
  it('delivers in order what arrives in order, and starts where a chat is first seen', async () => {
    const { out, offer } = harness();
    offer('a', 7);
    offer('a', 8);
    offer('b', 1);
    await tick();
    expect(out).toEqual(['a:7', 'a:8', 'b:1']);
  });

  it('holds an early message until the one before it comes', async () => {
    const { out, offer, order } = harness();
    offer('a', 1);
    offer('a', 3);
    offer('a', 4);
    await tick();
    expect(out).toEqual(['a:1']);
    expect(order.heldCount).toBe(2);
    offer('a', 2);
    await tick();
    expect(out).toEqual(['a:1', 'a:2', 'a:3', 'a:4']);
    expect(order.heldCount).toBe(0);
  });

  it("other chats are not held up by one chat's gap", async () => {
    const { out, offer } = harness();
    offer('a', 1);
    offer('a', 3);
    offer('b', 5);
    offer('b', 6);
    await tick();
    expect(out).toEqual(['a:1', 'b:5', 'b:6']);
  });

  it('a predecessor that never comes is read from the store after the hold, then the rest goes', async () => {
    const { out, offer } = harness(30, { a: [1, 2, 3, 4] });
    offer('a', 1);
    offer('a', 4);
    await tick(80);
    expect(out).toEqual(['a:1', 'a:2*', 'a:3*', 'a:4']);
    // The late original of a filled message is not delivered twice.
    offer('a', 2);
    offer('a', 5);
    await tick();
    expect(out).toEqual(['a:1', 'a:2*', 'a:3*', 'a:4', 'a:5']);
  });

  it('a late original that comes while the store is read goes once, in order', async () => {
    const { out, offer } = harness(30, { a: [1, 2, 3, 4] });
    offer('a', 1);
    offer('a', 4);
    await tick(31); // the hold is over: the store is being read
    offer('a', 3);
    await tick(50);
    expect(out).toEqual(['a:1', 'a:2*', 'a:3*', 'a:4']);
  });

  it('a message that overtook the first one a node saw of a chat does not lose it', async () => {
    const { out, offer } = harness(30);
    offer('a', 6);
    offer('a', 5);
    await tick();
    expect(out).toEqual(['a:6', 'a:5']);
  });

  it('a store that cannot answer: the held messages still go', async () => {
    const out: string[] = [];
    const order = new SeqOrder<{ seq: number }>({
      holdMs: 20,
      readGap: async () => {
        throw new Error('store down');
      },
      deliverGap: () => out.push('gap'),
      onError: () => out.push('error'),
    });
    if (order.offer('a', 1, () => out.push('a:1'))) out.push('a:1');
    if (order.offer('a', 3, () => out.push('a:3'))) out.push('a:3');
    await tick(60);
    expect(out).toEqual(['a:1', 'error', 'a:3']);
  });

  it('a message delivered outside the order moves it on', async () => {
    const { out, offer, order } = harness();
    offer('a', 1);
    order.delivered('a', 2);
    offer('a', 3);
    await tick();
    expect(out).toEqual(['a:1', 'a:3']);
  });
});
