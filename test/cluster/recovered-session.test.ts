/**
 * A session Socket.io recovers on another node comes from Redis, where what the socket
 * had given up (the presence of the user or admin it no longer stands for) was kept as
 * null: the recovered socket must not hand that null to presence as someone's id (Redis
 * refuses it, and the node then reports Redis unreachable, on every heartbeat after).
 */

import pino from 'pino';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rooms } from '../../src/schemas/rooms.js';
import type { RunningServer } from '../../src/server.js';
import { uid } from '../helpers/cluster-people.js';
import { waitUntil } from '../helpers/processes.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { connectClient, recordingClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { startTwoNodes } from '../helpers/two-nodes.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

describe.each(redis ? postgres : [])('a session recovered on another node, on $name', (target) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: TestClient[] = [];
  /** What the nodes logged at warn and above. */
  const warnings: string[] = [];

  beforeAll(async () => {
    db = await target.create();
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    // A database of Redis no other test uses.
    const env = { REDIS_URL: `${REDIS_TEST_URL}/12` };
    ({ a, b } = await startTwoNodes(db.config, env, {}, logger));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('a socket that changed identity, recovered on the other node and then gone, leaves presence sound', async () => {
    for (const [first, then] of [
      ['join-admin', 'join-user'],
      ['join-user', 'join-admin'],
    ] as const) {
      const socket = await connectClient(a.url);
      clients.push(socket);
      const [adminId, userId] = [uid('admin'), uid('user')];
      const joins = {
        'join-admin': () => socket.emitAck('join-admin', { adminId, adminName: 'A' }),
        'join-user': () => socket.emitAck('join-user', { userId, userName: 'U' }),
      };
      await joins[first]();
      await joins[then]();
      // A broadcast to the socket gives it an offset to resume from.
      const room = then === 'join-user' ? rooms.user(userId) : rooms.admin(adminId);
      await waitUntil('a broadcast reaches the socket', () => {
        a.io.to(room).emit('pong', { timestamp: 'offset' });
        return socket.of('pong').length > 0;
      });
      const session = socket.socket as unknown as { _pid?: string; _lastOffset?: string };
      const auth = { pid: session._pid, offset: session._lastOffset };
      const sid = socket.socket.id ?? '';
      socket.socket.io.engine.close();
      await waitUntil('node A saw it go', async () => !a.io.of('/').sockets.has(sid));
      warnings.length = 0;

      const raw = connectSocket(b.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth,
      });
      const back = recordingClient(raw, 5000);
      clients.push(back);
      await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
      expect(b.io.of('/').sockets.get(raw.id ?? '')?.recovered).toBe(true);
      back.close();
      await waitUntil('node B saw it go', async () => !b.io.of('/').sockets.has(raw.id ?? ''));
      await quiet(ONE_NODE_QUIET_MS);
      expect(warnings).toEqual([]);
    }
  });
});
