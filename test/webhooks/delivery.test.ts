/**
 * Webhooks against a real HTTP receiver: what a chat's life sends, signed so a receiver can
 * verify it; retries with the same webhook-id; giving up; a superadmin's retry; one
 * delivery per event in commit order with two deliverers on one database.
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAudit } from '../../src/audit/chain.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { TUNABLES } from '../../src/tunables.js';
import { type DelivererOptions, startDeliverer } from '../../src/webhooks/deliverer.js';
import { assignChat, openChat } from '../helpers/flows.js';
import { waitUntil } from '../helpers/processes.js';
import { api, request, succeeded } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.js';
import { useWorld } from '../helpers/world.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const ADMIN = { id: 'wh-admin', role: 'admin', name: 'Ann' } as const;
const taken: ChatAudit = { actor: ADMIN, action: 'chat.taken', details: {} };
const typeOf = (body: string): unknown => JSON.parse(body).type;
// A full collection on demand: what a busy server does at any moment during an attempt.
setFlagsFromString('--expose-gc');
const collectGarbage: () => void = runInNewContext('gc');

describe.each(await storeTargets())('webhooks on $name', async (target) => {
  describe('from a running server', () => {
    let receiver: Receiver;
    beforeAll(async () => {
      receiver = await startReceiver();
    });
    afterAll(() => receiver.close());
    const world = useWorld(target, {
      get WEBHOOK_URLS() {
        return receiver.url;
      },
      WEBHOOK_SECRET: SECRET,
    });

    it("sends a chat's life in order, each verifiable with the secret", async () => {
      const admin = await world.admin();
      const user = await world.user();
      const chat = await openChat(world, user);
      await assignChat(world, chat, admin);
      await request(world.server(), 'PATCH /api/chats/:chatId/close', {
        params: { chatId: chat._id },
        body: { adminId: admin.id },
      });
      const got = await receiver.waitFor(3);
      expect(got.map((r) => typeOf(r.body))).toEqual([
        'chat.opened',
        'chat.assigned',
        'chat.closed',
      ]);
      const verifier = new Webhook(SECRET);
      for (const r of got) {
        const headers = {
          'webhook-id': String(r.headers['webhook-id']),
          'webhook-timestamp': String(r.headers['webhook-timestamp']),
          'webhook-signature': String(r.headers['webhook-signature']),
        };
        expect(verifier.verify(r.body, headers)).toMatchObject({ data: { chatId: chat._id } });
      }
      expect(JSON.parse(got[1]?.body ?? '{}')).toMatchObject({
        type: 'chat.assigned',
        data: { chat: { _id: chat._id, assignedAdminId: admin.id }, actor: { id: admin.id } },
      });
      // A body changed on the way fails verification.
      const first = got[0];
      if (!first) throw new Error('three arrived');
      expect(() =>
        verifier.verify(first.body.replace('chat.opened', 'chat.closed'), {
          'webhook-id': String(first.headers['webhook-id']),
          'webhook-timestamp': String(first.headers['webhook-timestamp']),
          'webhook-signature': String(first.headers['webhook-signature']),
        }),
      ).toThrow();
    });

    it('sends a lock as chat.assigned, then chat.transferred, chat.closed and chat.rated, each {type, ISO timestamp, data}', async () => {
      const [first, second] = [await world.admin(), await world.admin()];
      const user = await world.user();
      const chat = await openChat(world, user);
      const locked = await request(world.server(), 'POST /api/chats/lock', {
        body: { chatId: chat._id, adminId: first.id, adminName: first.name },
      });
      expect(locked.status).toBe(200);
      const moved = await request(world.server(), 'POST /api/chats/transfer', {
        body: {
          chatId: chat._id,
          fromAdminId: first.id,
          toAdminId: second.id,
          toAdminName: second.name,
        },
      });
      expect(moved.status).toBe(200);
      const closing = await request(world.server(), 'PATCH /api/chats/:chatId/close', {
        params: { chatId: chat._id },
        body: { adminId: second.id },
      });
      expect(closing.status).toBe(200);
      const rating = await request(world.server(), 'POST /api/chats/:chatId/rating', {
        params: { chatId: chat._id },
        body: { userId: user.id, score: 4, comment: 'quick' },
      });
      expect(rating.status).toBe(200);
      const ofChat = () =>
        receiver.received
          .map((r) => JSON.parse(r.body))
          .filter((event) => event.data.chatId === chat._id);
      await waitUntil('five events of the chat', () => ofChat().length === 5);
      const events = ofChat();
      expect(events.map((e) => e.type)).toEqual([
        'chat.opened',
        'chat.assigned',
        'chat.transferred',
        'chat.closed',
        'chat.rated',
      ]);
      for (const event of events) {
        expect(Object.keys(event).sort()).toEqual(['data', 'timestamp', 'type']);
        expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);
      }
      const [, assigned, transferred, closed, rated] = events;
      expect(assigned.data).toMatchObject({
        chat: { assignedAdminId: first.id, isLocked: true },
        actor: { id: first.id },
      });
      expect(transferred.data).toMatchObject({
        chat: { assignedAdminId: second.id },
        fromAdminId: first.id,
        toAdminId: second.id,
        toAdminName: second.name,
      });
      expect(closed.data).toMatchObject({ chat: { status: 'closed' }, fromStatus: 'active' });
      expect(rated.data).toMatchObject({
        chat: { rating: { score: 4 } },
        actor: { id: user.id },
        score: 4,
        withComment: true,
      });
    });

    it('lets only superadmins list deliveries; an unknown retry is 404', async () => {
      expect(
        (await api(world.server(), 'GET', '/api/webhooks/deliveries?adminId=wh-plain')).status,
      ).toBe(403);
      const listed = await request(world.server(), 'GET /api/webhooks/deliveries', {
        query: { adminId: 'wh-super', isSuperAdmin: 'true', status: 'delivered' },
      });
      expect(succeeded(listed).deliveries.length).toBeGreaterThan(0);
      const missing = await api(
        world.server(),
        'POST',
        '/api/webhooks/deliveries/msg_nope/retry?adminId=wh-super&isSuperAdmin=true',
      );
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('DELIVERY_NOT_FOUND');
    });
  });

  describe('the deliverer', () => {
    let db: TestDatabase;
    let receiver: Receiver;
    const stores: Store[] = [];
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await receiver?.close();
      await db?.drop();
    });
    async function setUp(): Promise<Store> {
      db = await target.create();
      receiver = await startReceiver();
      const store = await openStore(db.config);
      stores.push(store);
      store.sendWebhooksTo([receiver.url]);
      return store;
    }
    /** A deliverer that looks only when the test calls runOnce (no polling of its own). */
    const manualDeliverer = (
      store: Store,
      options: Omit<DelivererOptions, 'outbox' | 'secret'> = {},
    ) => startDeliverer({ outbox: store.webhooks, secret: SECRET, pollMs: 3_600_000, ...options });
    /** A chat its user opened, audited as such (what queues its `chat.opened`). */
    const openedBy = (store: Store, userId: string) =>
      store.openChat(
        { userId, userName: 'U', online: false },
        { actor: { id: userId, role: 'user', name: 'U' }, action: 'chat.opened', details: {} },
      );
    /** A clock the test moves (from after what it queued), so retries come due without waiting. */
    const clock = () => {
      let t = Date.now() + 1_000;
      return { now: () => t, advance: (ms: number) => (t += ms) };
    };

    it('retries a failing receiver with the same webhook-id until it answers 2xx', async () => {
      const store = await setUp();
      const time = clock();
      const deliverer = manualDeliverer(store, { now: time.now });
      receiver.answer = (_r, n) => (n === 1 ? 500 : n === 2 ? 302 : 200);
      const { chat } = await openedBy(store, 'wh-u1');
      expect(await deliverer.runOnce()).toBe(1);
      // Not due again yet: the first retry waits 5 s.
      expect(await deliverer.runOnce()).toBe(0);
      time.advance(5_000);
      expect(await deliverer.runOnce()).toBe(1);
      time.advance(15_000);
      expect(await deliverer.runOnce()).toBe(1);
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(1);
      const [delivered] = await store.webhooks.list('delivered', 10);
      expect(delivered).toMatchObject({ chatId: chat._id, attempts: 3, status: 'delivered' });
      await deliverer.stop();
    });

    it("holds a chat's next event while the one before it waits for its retry", async () => {
      const store = await setUp();
      const time = clock();
      const deliverer = manualDeliverer(store, { now: time.now });
      // The receiver fails once (a restart, a 503), then answers.
      receiver.answer = (_r, n) => (n === 1 ? 503 : 200);
      const { chat } = await openedBy(store, 'wh-hold');
      await store.takeChat(chat._id, ADMIN, false, taken);
      await deliverer.runOnce();
      time.advance(5_000);
      await deliverer.runOnce();
      await deliverer.runOnce();
      expect(receiver.received.map((r) => typeOf(r.body))).toEqual([
        'chat.opened',
        'chat.opened',
        'chat.assigned',
      ]);
      await deliverer.stop();
    });

    it('gives up after the give-up time, lists it as failed, and a retry sends it again', async () => {
      const store = await setUp();
      const time = clock();
      const deliverer = manualDeliverer(store, { now: time.now, giveUpMs: 60_000, timeoutMs: 300 });
      receiver.answer = () => 'hang';
      await openedBy(store, 'wh-u2');
      // Attempts at 0, 5 s and 20 s; the next would come after the 60 s give-up time.
      for (const wait of [0, 5_000, 15_000]) {
        time.advance(wait);
        await deliverer.runOnce();
      }
      const [failed] = await store.webhooks.list('failed', 10);
      expect(failed).toMatchObject({
        status: 'failed',
        attempts: 3,
        lastError: 'no answer within 300 ms',
      });
      if (!failed) throw new Error('it failed');
      receiver.answer = () => 200;
      const retried = await store.webhooks.retry(failed.id, new Date(time.now()).toISOString(), {
        actor: { id: 'wh-super', role: 'superadmin', name: 'S' },
        action: 'webhook.retried',
        chatId: null,
        details: { deliveryId: failed.id },
      });
      expect(retried).toMatchObject({ status: 'pending' });
      expect(await deliverer.runOnce()).toBe(1);
      expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(failed.id);
      const audit = await store.audit.list({ action: 'webhook.retried', limit: 5 });
      expect(audit.entries).toMatchObject([{ details: { deliveryId: failed.id } }]);
      await deliverer.stop();
    });

    it('times out a receiver that hangs even when a garbage collection runs meanwhile', async () => {
      const store = await setUp();
      // Long enough for the request to reach the receiver on a loaded machine (at 300 ms
      // it was once given up before it arrived, and nothing hung for a collection to meet).
      const deliverer = manualDeliverer(store, { timeoutMs: 2_000 });
      receiver.answer = () => 'hang';
      await openedBy(store, 'wh-gc');
      const attempt = deliverer.runOnce();
      await receiver.waitFor(1);
      collectGarbage();
      collectGarbage();
      await attempt;
      const [pending] = await store.webhooks.list('pending', 10);
      expect(pending).toMatchObject({ attempts: 1, lastError: 'no answer within 2000 ms' });
      await deliverer.stop();
    });

    it('many attempts under way at once raise no listener warning, and a stop cuts them without counting them', async () => {
      const store = await setUp();
      const deliverer = manualDeliverer(store, { timeoutMs: 10_000 });
      receiver.answer = () => 'hang';
      const lanes = 15;
      for (let i = 0; i < lanes; i++) {
        await openedBy(store, `wh-many-${i}`);
      }
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      try {
        const run = deliverer.runOnce();
        await receiver.waitFor(lanes);
        // Warnings are emitted on the next tick.
        await new Promise((r) => setTimeout(r, 50));
        await deliverer.stop();
        await run;
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings.map((w) => w.message)).toEqual([]);
      const pending = await store.webhooks.list('pending', 100);
      expect(pending).toHaveLength(lanes);
      for (const p of pending) expect(p.attempts).toBe(0);
    });

    it("a busy chat's messages go out in runs, in seq order; a failure holds the rest behind its retry", async () => {
      const store = await setUp();
      const time = clock();
      const deliverer = manualDeliverer(store, { now: time.now });
      const { chat } = await store.openChat({ userId: 'wh-busy', userName: 'U', online: false });
      const total = TUNABLES.webhookLaneRun.value + 10;
      await Promise.all(
        Array.from({ length: total }, (_, n) =>
          store.appendMessage({
            chatId: chat._id,
            senderId: 'wh-busy',
            senderRole: 'user',
            senderType: 'user',
            senderName: 'U',
            content: `m${n + 1}`,
            messageType: 'text',
            fileUrl: null,
            clientMessageId: null,
            effect: { lastMessage: `m${n + 1}`, unreadIncrement: 1 },
          }),
        ),
      );
      const seqs = () => receiver.received.map((r) => JSON.parse(r.body).data.message.seq);
      // The 5th attempt fails: the lane stops there, and what it took after is given back.
      receiver.answer = (_r, n) => (n === 5 ? 503 : 200);
      expect(await deliverer.runOnce()).toBe(TUNABLES.webhookLaneRun.value);
      expect(seqs()).toEqual([1, 2, 3, 4, 5]);
      expect(await deliverer.runOnce()).toBe(0);
      time.advance(5_000);
      // The retry first, then the rest of the chat, in order, a run at a time.
      // (A whole run delivered makes the deliverer look again by itself: wait for the end.)
      await deliverer.runOnce();
      await waitUntil('every message delivered', () => receiver.received.length === total + 1);
      expect(seqs()).toEqual([
        1,
        2,
        3,
        4,
        5,
        ...Array.from({ length: total - 4 }, (_, n) => n + 5),
      ]);
      expect(new Set(receiver.received.slice(4, 6).map((r) => r.headers['webhook-id'])).size).toBe(
        1,
      );
      await deliverer.stop();
    });

    it('two deliverers on one database send each event once, in commit order per chat', async () => {
      const store = await setUp();
      const other = target.name === 'postgres' ? await openStore(db.config) : store;
      if (other !== store) stores.push(other);
      const chats = [];
      for (let i = 0; i < 4; i++) {
        const { chat } = await openedBy(store, `wh-o${i}`);
        await store.takeChat(chat._id, ADMIN, false, taken);
        await store.releaseChat(chat._id, ADMIN.id, {
          actor: ADMIN,
          action: 'chat.unlocked',
          details: {},
        });
        await store.takeChat(chat._id, ADMIN, true, { ...taken, action: 'chat.locked' });
        chats.push(chat._id);
      }
      // unlocked makes no webhook: opened, assigned, assigned per chat.
      const a = manualDeliverer(store);
      const b = manualDeliverer(other);
      while ((await Promise.all([a.runOnce(), b.runOnce()])).some((n) => n > 0)) {}
      expect(receiver.received).toHaveLength(12);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(12);
      for (const chatId of chats) {
        const seen = receiver.received
          .map((r) => JSON.parse(r.body))
          .filter((b) => b.data.chatId === chatId)
          .map((b) => [b.type, b.data.chat.isLocked]);
        expect(seen).toEqual([
          ['chat.opened', false],
          ['chat.assigned', false],
          ['chat.assigned', true],
        ]);
      }
      await Promise.all([a.stop(), b.stop()]);
    });
  });
});
