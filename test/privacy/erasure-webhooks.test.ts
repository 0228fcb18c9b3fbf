/**
 * An erasure sends receivers nothing naming the person: the close of their open chat
 * that the erasure itself makes, and deliveries of their chats still pending, are not
 * delivered while the erasure runs (the deliverers keep polling meanwhile).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { waitUntil } from '../helpers/processes.js';
import { api, startTestServer } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const AS_SUPER = '?adminId=eraser&isSuperAdmin=true';

interface Delivery {
  chatId: string;
  attempts: number;
  nextAttemptAt: string;
}

const typeOf = (body: string): string => (JSON.parse(body) as { type: string }).type;

describe.each(await storeTargets())('webhooks during an erasure on $name', (target) => {
  let receiver: Receiver;
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    receiver = await startReceiver();
    db = await target.create();
    server = await startTestServer(db.config, {
      WEBHOOK_URLS: receiver.url,
      WEBHOOK_SECRET: SECRET,
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
    await receiver?.close();
  });

  it("delivers neither the erasure's own chat.closed nor the person's pending events", async () => {
    const marker = `zq${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const userId = `erase-${marker}`;
    const opened = await api(server, 'POST', '/api/chats', { userId, userName: `Olim ${marker}` });
    const chatId = (opened.body.chat as { _id: string })._id;
    await receiver.waitFor(1);
    // The receiver is down: the person's message waits in the outbox for its retry.
    receiver.answer = () => 503;
    const sent = await api(server, 'POST', '/api/messages', {
      chatId,
      senderId: userId,
      senderType: 'user',
      senderName: `Olim ${marker}`,
      content: `my card ${marker} is stuck`,
    });
    expect(sent.status).toBe(200);
    await receiver.waitFor(2);
    receiver.answer = () => 200;
    const before = receiver.received.length;
    // Its failure recorded (the receiver's answer comes before it), with its retry's time.
    let retryAt = 0;
    await waitUntil('the failed attempt is recorded', async () => {
      const pending = await api(
        server,
        'GET',
        `/api/webhooks/deliveries${AS_SUPER}&status=pending`,
      );
      const waiting = (pending.body.deliveries as Delivery[]).find(
        (d) => d.chatId === chatId && d.attempts > 0,
      );
      retryAt = waiting ? Date.parse(waiting.nextAttemptAt) : 0;
      return waiting !== undefined;
    });

    // Held before its last step until the message's retry is due and the deliverers have
    // polled since, after the close: another chat's event, written then, is delivered.
    const { privacy } = server.store;
    const lastStep = privacy.eraseUser;
    privacy.eraseUser = async (...args) => {
      await until(retryAt);
      const other = await api(server, 'POST', '/api/chats', {
        userId: `other-${randomUUID()}`,
        userName: 'Zara',
      });
      const otherId = (other.body.chat as { _id: string })._id;
      await waitUntil('the other chat is delivered', () =>
        receiver.received.some((r) => r.body.includes(otherId)),
      );
      return lastStep(...args);
    };
    try {
      const erased = await api(server, 'DELETE', `/api/users/${userId}${AS_SUPER}`);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    } finally {
      privacy.eraseUser = lastStep;
    }
    const after = receiver.received.slice(before);
    expect(after.map((r) => typeOf(r.body))).toEqual(['chat.opened']);
    expect(after.filter((r) => r.body.includes(marker))).toEqual([]);
  }, 30_000);
});

/** The retry's due time is the event waited for: nothing to observe before it. */
const until = (at: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
