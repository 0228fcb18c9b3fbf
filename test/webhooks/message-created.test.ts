/**
 * message.created from a running server: every stored message (socket or REST), masked as
 * stored, with the acknowledged message as its data, in seq order; never a note. Receivers
 * that hang, answer garbage, redirect or cannot be reached slow neither the sends nor the
 * deliveries to a receiver that answers, and the metrics count their failures by reason.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignChat, openChat, restSend } from '../helpers/flows.js';
import { freePort, waitUntil } from '../helpers/processes.js';
import { succeeded } from '../helpers/server.js';
import { accepted } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.js';
import { useWorld } from '../helpers/world.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const METRICS_TOKEN = 'webhook-metrics-token-0123';

interface Event {
  id: string;
  type: string;
  data: { chatId: string; message?: { seq: number; content: string } };
}
const eventsOf = (receiver: Receiver): Event[] =>
  receiver.received.map((r) => ({ id: String(r.headers['webhook-id']), ...JSON.parse(r.body) }));

/** A TCP server that answers every request with bytes that are not HTTP, then hangs up. */
async function garbageServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((socket) => {
    socket.on('data', () => socket.end('this is not http\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  return res.text();
}
const sample = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

describe.each(await storeTargets())('message.created on $name', async (target) => {
  let good: Receiver;
  let hanging: Receiver;
  let redirecting: Receiver;
  let garbage: Awaited<ReturnType<typeof garbageServer>>;
  let nowhere: string;
  beforeAll(async () => {
    [good, hanging, redirecting, garbage] = await Promise.all([
      startReceiver(),
      startReceiver(),
      startReceiver(),
      garbageServer(),
    ]);
    hanging.answer = () => 'hang';
    redirecting.answer = () => 302;
    nowhere = `http://127.0.0.1:${await freePort()}/hook`;
  });
  afterAll(async () => {
    await Promise.all([good.close(), hanging.close(), redirecting.close(), garbage.close()]);
  });
  // The bad receivers first: a delivery to them must not hold up the good one.
  const world = useWorld(target, {
    get WEBHOOK_URLS() {
      return [hanging.url, garbage.url, redirecting.url, nowhere, good.url].join(',');
    },
    WEBHOOK_SECRET: SECRET,
    METRICS_TOKEN,
  });

  it('sends every stored message, masked, as acknowledged, in seq order, and never a note', async () => {
    const [admin, user] = await Promise.all([world.admin(), world.user()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    const started = Date.now();
    const first = accepted(
      await user.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'my card 4111 1111 1111 1111 is stuck',
      }),
    );
    // A receiver hanging for webhookTimeoutMs does not slow a send.
    expect(Date.now() - started).toBeLessThan(2_000);
    accepted(
      await admin.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'internal: check the bank',
        internal: true,
      }),
    );
    const second = succeeded(
      await restSend(world, admin, 'admin', { chatId: chat._id, content: 'Looking into it' }),
    );
    expect(first.message.content).toBe('my card 4111 11** **** 1111 is stuck');

    // Well within the hanging receiver's 10 s timeout: the good receiver is not held up.
    await waitUntil(
      'both messages at the good receiver',
      () => eventsOf(good).filter((e) => e.data.chatId === chat._id).length >= 4,
      8_000,
    );
    const events = eventsOf(good).filter((e) => e.data.chatId === chat._id);
    expect(events.map((e) => e.type)).toEqual([
      'chat.opened',
      'chat.assigned',
      'message.created',
      'message.created',
    ]);
    expect(events[2]).toEqual({
      id: `msg_${first.message._id}_5`,
      type: 'message.created',
      timestamp: first.message.createdAt,
      data: { chatId: chat._id, message: first.message },
    });
    expect(events[3]?.data.message).toEqual(second.message);
    expect(JSON.stringify(eventsOf(good))).not.toContain('check the bank');
    expect(JSON.stringify(eventsOf(good))).not.toContain('4111 1111 1111 1111');
  });

  it('counts the bad receivers’ failures by reason, and what is still pending', async () => {
    await waitUntil(
      'a failure of each kind counted',
      async () => {
        const text = await scrape(world.server().url);
        return (
          (sample(text, 'chat_webhook_failures_total{reason="status"}') ?? 0) > 0 &&
          (sample(text, 'chat_webhook_failures_total{reason="network"}') ?? 0) > 0 &&
          (sample(text, 'chat_webhook_failures_total{reason="timeout"}') ?? 0) > 0
        );
      },
      25_000,
    );
    const text = await scrape(world.server().url);
    expect(sample(text, 'chat_webhook_delivery_seconds_count')).toBeGreaterThanOrEqual(4);
    // The four bad receivers' deliveries wait for their retries.
    expect(sample(text, 'chat_webhook_pending')).toBeGreaterThanOrEqual(4);
    expect(sample(text, 'chat_webhook_given_up_total')).toBe(0);
    expect(redirecting.received.length).toBeGreaterThan(0);
    // The hanging receiver's first attempt times out webhookTimeoutMs after it began.
  }, 30_000);
});
