/**
 * Queue positions across two nodes in one process (one PostgreSQL database, one Redis):
 * users waiting on either node are told their place in the one queue (also a user whose
 * chat was opened through the other node), a chat taken on one node moves everyone on
 * both, and each node reaches only its own sockets (no user hears a position twice).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { ACROSS_NODES_QUIET_MS, QUEUE_ROUND_QUIET_MS, quiet } from '../helpers/quiet.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { request, succeeded } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { startTwoNodes } from '../helpers/two-nodes.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

describe.each(redis ? postgres : [])(
  'queue positions on two nodes on $name and Redis',
  (target) => {
    let db: TestDatabase;
    let a: RunningServer;
    let b: RunningServer;
    const clients: TestClient[] = [];
    const uid = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

    /** A user connected to `node`, with a chat opened through `opener`'s REST. */
    const waitingUser = async (node: RunningServer, opener: RunningServer) => {
      const userId = uid('user');
      const client = await connectClient(node.url);
      clients.push(client);
      await client.emitAck('join-user', { userId, userName: 'U' });
      // The join's own round has run: what tells the user next is the chat opening.
      await quiet(QUEUE_ROUND_QUIET_MS);
      const opened = await request(opener, 'POST /api/chats', { body: { userId, userName: 'U' } });
      return { userId, client, chatId: succeeded(opened).chat._id };
    };
    type Waiting = Awaited<ReturnType<typeof waitingUser>>;
    const told = (u: Waiting, position: number | null, waiting: number) =>
      u.client.waitFor(
        'queue-position',
        (p) => p.chatId === u.chatId && p.position === position && p.waiting === waiting,
      );

    beforeAll(async () => {
      db = await target.create();
      const env = { REDIS_URL: `${REDIS_TEST_URL}/7` };
      ({ a, b } = await startTwoNodes(db.config, env));
    });
    afterAll(async () => {
      for (const c of clients) c.close();
      await a?.close();
      await b?.close();
      await db?.drop();
    });

    it('one queue across nodes: opened on either node, taken on either, everyone moves up', async () => {
      const first = await waitingUser(a, a);
      await told(first, 1, 1);
      const second = await waitingUser(b, b);
      await told(second, 2, 2);
      // Connected to node A, opened through node B: node A hears of it (queue-changed).
      const third = await waitingUser(a, b);
      await told(third, 3, 3);

      // Taken through node B: node A's users move up (chat-changed).
      const taken = await request(b, 'POST /api/chats/assign', {
        body: { chatId: first.chatId, adminId: uid('admin'), adminName: 'Ali' },
      });
      expect(taken.status).toBe(200);
      await Promise.all([told(first, null, 2), told(second, 1, 2), told(third, 2, 2)]);

      // Each change reached each user once: one node told each, not both.
      await quiet(ACROSS_NODES_QUIET_MS);
      const positions = (u: Waiting) =>
        u.client.of('queue-position').map((p) => `${p.position}/${p.waiting}`);
      // Chats opened behind a user change nothing they read: they are not told of them.
      expect(positions(first)).toEqual(['1/1', 'null/2']);
      expect(positions(second)).toEqual(['2/2', '1/2']);
      expect(positions(third)).toEqual(['3/3', '2/2']);

      // GET on either node answers the same.
      for (const node of [a, b]) {
        const res = await request(node, 'GET /api/chats/:chatId/queue', {
          params: { chatId: third.chatId },
        });
        expect(succeeded(res)).toMatchObject({ position: 2, waiting: 2 });
      }
    });
  },
);
