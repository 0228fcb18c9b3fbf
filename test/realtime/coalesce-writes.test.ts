import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../src/realtime/coalesce-writes.js';
import type { ChatServer } from '../../src/realtime/types.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';

const BURST = 20;

/** A server whose sockets report how many writes reach their TCP socket. */
async function start(coalesce: boolean) {
  const http: HttpServer = createServer();
  const io: ChatServer = new Server(http);
  if (coalesce) coalesceWrites(io);
  const writes = { count: 0 };
  io.on('connection', (socket) => {
    const raw = socket.request.socket as NetSocket & { _writev: unknown; _write: unknown };
    for (const method of ['_write', '_writev'] as const) {
      const original = raw[method] as (...args: unknown[]) => void;
      raw[method] = (...args: unknown[]) => {
        writes.count += 1;
        original.apply(raw, args);
      };
    }
    // The test's own events, outside the contract's event maps.
    socket.on('burst' as never, () => {
      writes.count = 0;
      const emit = socket.emit as (event: string, payload: unknown) => boolean;
      for (let i = 0; i < BURST; i++) emit.call(socket, 'tick', { i });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { io, url, writes };
}

describe('coalesced socket writes', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  async function burst(coalesce: boolean): Promise<{ client: TestClient; writes: number }> {
    const server = await start(coalesce);
    const client = await connectClient(server.url);
    cleanup.push(() => {
      client.close();
      server.io.close();
    });
    client.socket.emit('burst');
    await client.waitFor(
      'tick',
      (p) => typeof p === 'object' && p !== null && 'i' in p && p.i === BURST - 1,
    );
    return { client, writes: server.writes.count };
  }

  it('frames emitted in one turn reach the TCP socket in one write, all in order', async () => {
    const { client, writes } = await burst(true);
    expect(client.of('tick')).toEqual(Array.from({ length: BURST }, (_, i) => ({ i })));
    expect(writes).toBe(1);
  });

  it('without it, the same burst takes a write per frame (what the coalescing saves)', async () => {
    const { client, writes } = await burst(false);
    expect(client.of('tick')).toHaveLength(BURST);
    expect(writes).toBeGreaterThan(BURST / 2);
  });
});
