/**
 * Internal notes across two nodes in one process (one PostgreSQL database, one Redis,
 * AUTH_MODE=jwt): notes written on one node reach the admins on the other and never a
 * user's socket on either (test/helpers/note-leaks.ts).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { noteNeverReachesTheUser } from '../helpers/note-leaks.js';
import { ACROSS_NODES_QUIET_MS } from '../helpers/quiet.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import type { TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { startTwoNodes } from '../helpers/two-nodes.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

describe.each(redis ? postgres : [])('internal notes on two nodes on $name and Redis', (target) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    db = await target.create();
    // A database of its own: the stream and presence of other suites stay apart.
    const env = { ...JWT_ENV, REDIS_URL: `${REDIS_TEST_URL}/8` };
    ({ a, b } = await startTwoNodes(db.config, env, {
      auth: { token: await signToken('probe', 'user') },
    }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('a note written on one node reaches the admins on the other, never the user on either', async () => {
    await noteNeverReachesTheUser(
      { writer: a, reader: b, quietMs: ACROSS_NODES_QUIET_MS },
      clients,
    );
  });
});
