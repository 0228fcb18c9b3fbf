/**
 * A request trickled in a byte at a time must not hold a connection for minutes, and the
 * timeouts that cut it must not cut Socket.io: a long-poll GET is held open by the server
 * after it was fully received, and a WebSocket has left HTTP altogether.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { PAST_REQUEST_TIMEOUT_QUIET_MS, quiet } from '../helpers/quiet.js';
import { startTestServer } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';

/** The most a stalled client may hold a connection, with room to spare: the actual bounds (src/limits/bounds.ts) are 11 s and 16 s. */
const CUT_WITHIN_MS = 30_000;

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
});
afterAll(() => server?.close());

/**
 * Sends `head` at once, then `trickle` one byte per second; resolves with how long the
 * server kept the connection open, or rejects if it still is after `giveUpMs`.
 */
function trickle(head: string, trickled: string, giveUpMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(server.port, '127.0.0.1', () => socket.write(head));
    let sent = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && socket.writable)
        socket.write(trickled.charAt(sent++ % trickled.length));
    }, 1000);
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection still open after ${giveUpMs} ms`));
    }, giveUpMs);
    socket.on('error', () => {}); // a reset by the server is a close too
    socket.resume(); // read (and discard) the 408 the server may send
    socket.on('close', () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      resolve(Date.now() - started);
    });
  });
}

describe('trickled requests are cut; Socket.io is not', () => {
  it.concurrent('a body trickled a byte a second is cut within 30 s', async () => {
    const head =
      'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Content-Length: 1000\r\n\r\n';
    const openMs = await trickle(head, '{"a":"', CUT_WITHIN_MS + 10_000);
    expect(openMs).toBeLessThan(CUT_WITHIN_MS);
  }, 45_000);

  it.concurrent('headers trickled a byte a second are cut within 30 s', async () => {
    const openMs = await trickle(
      'GET /api/chats/waiting HTTP/1.1\r\nHost: x\r\n',
      'X-Slow: aaaa',
      CUT_WITHIN_MS + 10_000,
    );
    expect(openMs).toBeLessThan(CUT_WITHIN_MS);
  }, 45_000);

  it.concurrent('a long-polling client and a WebSocket client stay connected past those timeouts', async () => {
    const polling = await connectClient(server.url, { transports: ['polling'] });
    const websocket = await connectClient(server.url);
    const drops: string[] = [];
    for (const c of [polling, websocket]) c.socket.on('disconnect', (r) => drops.push(r));
    const pollingSid = polling.socket.io.engine.id;
    // A poll GET held open by the server all that time would have been cut if the
    // request timeout applied to it.
    await quiet(PAST_REQUEST_TIMEOUT_QUIET_MS);
    expect(drops).toEqual([]);
    expect(polling.socket.io.engine.id).toBe(pollingSid);
    expect(polling.socket.io.engine.transport.name).toBe('polling');
    expect(await polling.emitAck('ping')).toEqual({ success: true });
    expect(await websocket.emitAck('ping')).toEqual({ success: true });
    polling.close();
    websocket.close();
  }, 45_000);
});
