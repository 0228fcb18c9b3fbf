/**
 * The outbox's delivering side (webhook-outbox.ts), on each store: what a claim takes. A lane
 * (one chat, one receiver) is taken from its oldest pending delivery, with the due ones behind
 * it up to the run's length; not while that delivery waits for its retry; never while another claim
 * holds it (PostgreSQL: two stores racing take disjoint lanes); given back, it is taken again.
 * The pending count stops at its cap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const URL_A = 'http://127.0.0.1:9/a';
const URL_B = 'http://127.0.0.1:9/b';
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

describe.each(await storeTargets())('the webhook outbox on $name', (target) => {
  let db: TestDatabase | undefined;
  const stores: Store[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await db?.drop();
    db = undefined;
  });
  async function open(): Promise<Store> {
    db ??= await target.create();
    const store = await openStore(db.config);
    store.sendWebhooksTo([URL_A, URL_B]);
    stores.push(store);
    return store;
  }
  /** A chat with `n` messages: n message.created per receiver, in seq order. */
  async function chatWith(store: Store, tag: string, n: number): Promise<Chat> {
    const { chat } = await store.openChat({ userId: tag, userName: 'U', online: false });
    for (let i = 1; i <= n; i++) {
      await store.appendMessage({
        chatId: chat._id,
        senderId: tag,
        senderRole: 'user',
        senderType: 'user',
        senderName: 'U',
        content: `m${i}`,
        messageType: 'text',
        fileUrl: null,
        clientMessageId: null,
        effect: { lastMessage: `m${i}`, unreadIncrement: 1 },
      });
    }
    return chat;
  }
  const seqsOf = (taken: { body: string; url: string }[], url: string) =>
    taken.filter((d) => d.url === url).map((d) => JSON.parse(d.body).data.message.seq);

  it('takes each lane from its oldest delivery, a run at most, and none again while it is held', async () => {
    const store = await open();
    await chatWith(store, 'ob-1', 6);
    const lease = later(30_000);
    const taken = await store.webhooks.claimDue(later(1000), lease, 10, 4);
    // Two lanes (one per receiver), four of each in order.
    expect(seqsOf(taken, URL_A)).toEqual([1, 2, 3, 4]);
    expect(seqsOf(taken, URL_B)).toEqual([1, 2, 3, 4]);
    expect(await store.webhooks.claimDue(later(1000), later(30_000), 10, 4)).toEqual([]);
    // The lane's first settles; the rest given back: the lane goes on from 2.
    const [first, ...rest] = taken.filter((d) => d.url === URL_A);
    if (!first) throw new Error('taken');
    await store.webhooks.settle(first.seq, { ok: true, at: later(0) });
    // Given back under another lease than the one taken: nothing changes.
    await store.webhooks.release(
      rest.map((d) => d.seq),
      later(60_000),
    );
    expect(await store.webhooks.claimDue(later(1000), later(30_000), 10, 10)).toEqual([]);
    await store.webhooks.release(
      rest.map((d) => d.seq),
      lease,
    );
    const again = await store.webhooks.claimDue(later(1000), later(30_000), 10, 10);
    expect(seqsOf(again, URL_A)).toEqual([2, 3, 4, 5, 6]);
    expect(seqsOf(again, URL_B)).toEqual([]);
  });

  it('a failed delivery holds its lane until its retry is due, then the lane goes on from it', async () => {
    const store = await open();
    await chatWith(store, 'ob-2', 3);
    const [head] = (await store.webhooks.claimDue(later(1000), later(30_000), 10, 1)).filter(
      (d) => d.url === URL_A,
    );
    if (!head) throw new Error('taken');
    await store.webhooks.settle(head.seq, {
      ok: false,
      at: later(0),
      reason: 'status',
      error: 'HTTP 503',
      nextAttemptAt: later(5_000),
    });
    const lease = later(30_000);
    const now = await store.webhooks.claimDue(later(1000), lease, 10, 10);
    expect(seqsOf(now, URL_A)).toEqual([]);
    await store.webhooks.release(
      now.map((d) => d.seq),
      lease,
    );
    const due = await store.webhooks.claimDue(later(6_000), later(36_000), 10, 10);
    expect(seqsOf(due, URL_A)).toEqual([1, 2, 3]);
  });

  it.runIf(target.name === 'postgres')(
    'two stores claiming at once take disjoint lanes, each whole',
    async () => {
      const [a, b] = [await open(), await open()];
      for (let i = 0; i < 6; i++) await chatWith(a, `ob-race-${i}`, 5);
      const [x, y] = await Promise.all([
        a.webhooks.claimDue(later(1000), later(30_000), 20, 10),
        b.webhooks.claimDue(later(1000), later(30_000), 20, 10),
      ]);
      const lanes = (taken: { chatId: string | null; url: string }[]) =>
        new Set(taken.map((d) => `${d.chatId} ${d.url}`));
      const both = [...lanes(x)].filter((lane) => lanes(y).has(lane));
      expect(both).toEqual([]);
      expect(x.length + y.length).toBe(6 * 2 * 5);
      for (const taken of [x, y]) {
        for (const lane of lanes(taken)) {
          const seqs = taken
            .filter((d) => `${d.chatId} ${d.url}` === lane)
            .map((d) => JSON.parse(d.body).data.message.seq);
          expect(seqs).toEqual([1, 2, 3, 4, 5]);
        }
      }
    },
  );

  it('counts pending deliveries up to the cap', async () => {
    const store = await open();
    await chatWith(store, 'ob-3', 4);
    expect(await store.webhooks.pendingCount(100)).toBe(8);
    expect(await store.webhooks.pendingCount(5)).toBe(5);
  });
});
