/**
 * A connection that stops reading while messages flow to it must not grow the server's
 * memory without bound: once what waits for it passes the cap, the server closes it.
 * A reader that keeps up is never cut, however much it receives.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TUNABLES } from '../../src/tunables.js';

const SLOW_READER_MAX_BYTES = TUNABLES.slowReaderMaxBytes.value;

import { type RunningServer, startServer } from '../../src/server.js';
import { itemAt } from '../helpers/lists.js';
import { testConfig } from '../helpers/server.js';
import { accepted, connectClient, type TestClient } from '../helpers/sockets.js';

const memory = { kind: 'sqlite' as const, path: ':memory:' };
/** Each flooded message reaches the `admins` room as a notification of about this size. */
const CONTENT = 'x'.repeat(8000);
const MB = 1024 * 1024;

interface Harness {
  server: RunningServer;
  warnings: string[];
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A real server (RATE_LIMIT=off, as in testConfig) whose warn lines the test can read. */
async function start(): Promise<Harness> {
  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk, _e, done) {
      const line = JSON.parse(String(chunk)) as { level: number; msg: string };
      if (line.level === 40) warnings.push(line.msg);
      done();
    },
  });
  const server = await startServer(testConfig(memory), { logger: pino({ level: 'warn' }, sink) });
  cleanup.push(() => server.close());
  return { server, warnings };
}

const isOpen = (server: RunningServer, sid: string) =>
  (server.io.engine as unknown as { clients: Record<string, unknown> }).clients[sid] !== undefined;

/**
 * A user whose messages go to an unassigned chat, so each one is a `message-notification`
 * to every admin. Sends with acknowledgements, 32 in flight, until `stop()` or `max`.
 */
async function flood(server: RunningServer, max: number, stop: () => boolean): Promise<number> {
  const user = await connectClient(server.url);
  cleanup.push(() => user.close());
  const userId = `flooder-${Math.random().toString(36).slice(2, 8)}`;
  await user.emitAck('join-user', { userId, userName: 'Flooder' });
  const first = await user.emitAck('send-message', { content: 'open my chat' });
  const { chatId } = accepted(first).message;
  let sent = 0;
  const worker = async () => {
    while (sent < max && !stop()) {
      sent += 1;
      const ack = await user.emitAck('send-message', { chatId, content: CONTENT });
      if (ack.success !== true) throw new Error(`send failed: ${JSON.stringify(ack)}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return sent;
}

/** The server's resident memory while `work` runs: how far it rose above the start. */
async function rssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

/** A WebSocket that speaks Engine.io/Socket.io by hand, so the test can stop it reading. */
async function rawWebSocketAdmin(server: RunningServer): Promise<{ ws: WebSocket; sid: string }> {
  const ws = new WebSocket(
    `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`,
  );
  cleanup.push(() => ws.terminate());
  const frames: string[] = [];
  let wake: () => void = () => {};
  ws.on('message', (data) => {
    const frame = String(data);
    if (frame === '2') ws.send('3'); // Engine.io ping → pong
    frames.push(frame);
    wake();
  });
  const next = async (prefix: string): Promise<string> => {
    for (;;) {
      const index = frames.findIndex((f) => f.startsWith(prefix));
      if (index >= 0) return itemAt(frames.splice(index, 1), 0);
      await new Promise<void>((resolve, reject) => {
        wake = resolve;
        setTimeout(() => reject(new Error(`no ${prefix} frame`)), 5000);
      });
    }
  };
  const open = JSON.parse((await next('0')).slice(1)) as { sid: string };
  ws.send('40');
  await next('40');
  const join = { adminId: 'slow-admin', adminName: 'Slow', isSuperAdmin: false };
  ws.send(`420${JSON.stringify(['join-admin', join])}`);
  expect(JSON.parse((await next('430')).slice(3))).toEqual([{ success: true }]);
  return { ws, sid: open.sid };
}

/** A long-polling session that joins `admins` and then never polls again. */
async function silentPollingAdmin(server: RunningServer): Promise<string> {
  const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  const { sid } = JSON.parse(open.slice(1)) as { sid: string };
  const url = `${base}&sid=${sid}`;
  const post = (body: string) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
  expect((await post('40')).status).toBe(200);
  expect(await (await fetch(url)).text()).toMatch(/^40/);
  const join = { adminId: 'silent-admin', adminName: 'Silent', isSuperAdmin: false };
  expect((await post(`420${JSON.stringify(['join-admin', join])}`)).status).toBe(200);
  // The ack, among what the join sent (an admin coming online also hears its agent-status).
  const packets = (await (await fetch(url)).text()).split('\x1e');
  expect(packets).toContainEqual(expect.stringMatching(/^430\[\{"success":true\}\]/));
  return sid;
}

describe('slow readers', () => {
  it('a WebSocket that stops reading is closed once its backlog passes the cap; memory stays bounded', async () => {
    const { server, warnings } = await start();
    const slow = await rawWebSocketAdmin(server);
    slow.ws.pause(); // stops reading the TCP socket: the kernel buffers fill, then ours would

    // The cap plus what the kernel buffers on both ends hold; far more if never closed.
    const maxMessages = Math.ceil((60 * MB) / CONTENT.length);
    const { result: sent, growth } = await rssGrowth(() =>
      flood(server, maxMessages, () => !isOpen(server, slow.sid)),
    );
    expect(isOpen(server, slow.sid)).toBe(false);
    expect(sent).toBeLessThan(maxMessages);
    expect(growth).toBeLessThan(100 * MB);
    expect(warnings.some((w) => /slow reader/i.test(w))).toBe(true);
  }, 60_000);

  it('a polling session that never polls again is closed once its buffer passes the cap', async () => {
    const { server, warnings } = await start();
    const sid = await silentPollingAdmin(server);
    const maxMessages = Math.ceil((4 * SLOW_READER_MAX_BYTES) / CONTENT.length);
    const sent = await flood(server, maxMessages, () => !isOpen(server, sid));
    expect(isOpen(server, sid)).toBe(false);
    // Cut near the cap: nothing else holds a polling session's packets.
    expect(sent * CONTENT.length).toBeLessThan(2 * SLOW_READER_MAX_BYTES);
    expect(warnings.some((w) => /slow reader/i.test(w))).toBe(true);
  }, 60_000);

  it('an admin that keeps reading gets a flood many times the cap and stays connected', async () => {
    const { server, warnings } = await start();
    const admin: TestClient = await connectClient(server.url);
    cleanup.push(() => admin.close());
    await admin.emitAck('join-admin', { adminId: 'fast', adminName: 'Fast', isSuperAdmin: false });
    let disconnected = false;
    admin.socket.on('disconnect', () => {
      disconnected = true;
    });
    const total = Math.ceil((6 * SLOW_READER_MAX_BYTES) / CONTENT.length);
    await flood(server, total, () => disconnected);
    await admin.waitFor(
      'message-notification',
      () => admin.of('message-notification').length >= total + 1,
    );
    // And a burst of half the cap in one turn (one big fan-out) is no reason to cut it.
    const burst = Math.floor(SLOW_READER_MAX_BYTES / 2 / CONTENT.length);
    const admins = server.io.to('admins');
    const emit = admins.emit as (event: string, payload: unknown) => boolean;
    for (let i = 0; i < burst; i++) emit.call(admins, 'typing', { i, pad: CONTENT });
    await admin.waitFor('typing', (p) => 'i' in p && p.i === burst - 1);
    expect(disconnected).toBe(false);
    expect(admin.socket.connected).toBe(true);
    expect(warnings.filter((w) => /slow reader/i.test(w))).toEqual([]);
  }, 60_000);
});
