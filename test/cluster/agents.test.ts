/**
 * Agents across two nodes in one process (one PostgreSQL database, one Redis): an admin
 * is online while a socket of theirs is connected on either node, each change of that,
 * of their availability and of their load reaches the admins on both nodes once, and
 * GET /api/agents on one node tells what the other's sockets did.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { ACROSS_NODES_QUIET_MS, quiet } from '../helpers/quiet.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { request, succeeded } from '../helpers/server.js';
import { accepted, connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { startTwoNodes } from '../helpers/two-nodes.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

describe.each(redis ? postgres : [])('agents on two nodes on $name and Redis', (target) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: TestClient[] = [];
  const uid = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;
  const connect = async (node: RunningServer) => {
    const c = await connectClient(node.url);
    clients.push(c);
    return c;
  };
  const agentOn = async (node: RunningServer, asker: string, adminId: string) => {
    const res = await request(node, 'GET /api/agents', { query: { adminId: asker } });
    return succeeded(res).agents.find((x) => x.adminId === adminId);
  };

  beforeAll(async () => {
    db = await target.create();
    // A database of its own: the stream and presence of other suites stay apart.
    const env = { REDIS_URL: `${REDIS_TEST_URL}/6` };
    ({ a, b } = await startTwoNodes(db.config, env));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('is online while a socket of theirs is connected on either node, told once per change', async () => {
    const watcherId = uid('watcher');
    const adminId = uid('admin');
    const watcher = await connect(a);
    await watcher.emitAck('join-admin', { adminId: watcherId, adminName: 'W' });
    const onB = await connect(b);
    await onB.emitAck('join-admin', { adminId, adminName: 'Bobur' });
    await watcher.waitFor('agent-status', (s) => s.adminId === adminId && s.online);
    expect(await agentOn(a, watcherId, adminId)).toMatchObject({
      online: true,
      availability: 'available',
    });

    // A second tab, on the other node: still one admin, already online.
    const onA = await connect(a);
    await onA.emitAck('join-admin', { adminId, adminName: 'Bobur' });
    onB.close();
    await quiet(ACROSS_NODES_QUIET_MS);
    const mine = () => watcher.of('agent-status').filter((s) => s.adminId === adminId);
    expect(mine().map((s) => s.online)).toEqual([true]);
    expect((await agentOn(b, watcherId, adminId))?.online).toBe(true);

    onA.close();
    await watcher.waitFor('agent-status', (s) => s.adminId === adminId && !s.online);
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(mine().map((s) => s.online)).toEqual([true, false]);
    expect((await agentOn(b, watcherId, adminId))?.online).toBe(false);
  });

  it('an availability set on one node and a load changed on the other reach admins on both', async () => {
    const [adminId, userId] = [uid('admin'), uid('user')];
    const watcherA = await connect(a);
    await watcherA.emitAck('join-admin', { adminId: uid('watcher'), adminName: 'WA' });
    const admin = await connect(b);
    await admin.emitAck('join-admin', { adminId, adminName: 'Bobur' });
    const ack = accepted(await admin.emitAck('set-availability', { status: 'away' }));
    expect(ack.agent).toMatchObject({ availability: 'away', online: true });
    await watcherA.waitFor(
      'agent-status',
      (s) => s.adminId === adminId && s.availability === 'away',
    );

    const opened = await request(a, 'POST /api/chats', { body: { userId, userName: 'U' } });
    const chatId = succeeded(opened).chat._id;
    const taken = await request(a, 'POST /api/chats/assign', {
      body: { chatId, adminId, adminName: 'Bobur' },
    });
    expect(taken.status).toBe(200);
    for (const c of [watcherA, admin]) {
      await c.waitFor('agent-status', (s) => s.adminId === adminId && s.activeChats === 1);
    }
    expect(await agentOn(b, adminId, adminId)).toMatchObject({
      online: true,
      availability: 'away',
      activeChats: 1,
    });
  });
});
