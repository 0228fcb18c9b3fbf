/**
 * A node started while Redis is away starts anyway, as one that lost Redis: it serves its
 * own sockets and reports `"redis": "down"`, and joins the cluster by itself once Redis
 * answers. (Before, it waited for Redis without listening: during an outage an
 * orchestrator restarting nodes got none.) Two nodes in this process, one PostgreSQL
 * database, a redis-server of this file's own that starts late. A node stopped while its
 * Redis clients are still connecting stops cleanly: closing them is an expected end.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server.js';
import { type PrivateRedis, privateRedis, redisServerInstalled } from '../helpers/private-redis.js';
import { waitUntil } from '../helpers/processes.js';
import { api, request, startTestServer, succeeded, testConfig } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const ready = redisServerInstalled();

describe.each(ready ? postgres : [])('a node started while Redis is down, on $name', (target) => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  const nodes: RunningServer[] = [];
  const clients: TestClient[] = [];
  const connect = async (node: RunningServer) => {
    const c = await connectClient(node.url);
    clients.push(c);
    return c;
  };
  const redisOf = async (node: RunningServer) => (await api(node, 'GET', '/health')).body.redis;

  beforeAll(async () => {
    db = await target.create();
    // Its port is known and free: stopped at once, to be started while the node runs.
    redis = await privateRedis();
    await redis.stop();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const node of nodes) await node.close();
    await redis?.stop();
    await db?.drop();
  });

  it('starts, serves its own sockets with redis down, then joins the cluster when Redis comes, and says so only then', async () => {
    // Its log, to see that it says it joined the cluster only once Redis answers.
    const messages: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          messages.push((JSON.parse(line) as { msg: string }).msg);
        }
        done();
      },
    });
    const a = await startServer(testConfig(db.config, { REDIS_URL: redis.url }), {
      logger: pino({ level: 'info' }, sink),
      checkReplies: true,
    });
    nodes.push(a);
    const health = await api(a, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.redis).toBe('down');
    expect(messages).toContain(
      'Redis does not answer: starting without it; this node joins when it does',
    );
    expect(messages).not.toContain('joined the cluster through Redis');

    // Local work goes on: a user and an admin on this node talk.
    const userId = `user-${randomUUID().slice(0, 8)}`;
    const adminId = `admin-${randomUUID().slice(0, 8)}`;
    const [user, admin] = [await connect(a), await connect(a)];
    await user.emitAck('join-user', { userId, userName: 'U' });
    await admin.emitAck('join-admin', { adminId, adminName: 'A' });
    const opened = await request(a, 'POST /api/chats', { body: { userId, userName: 'U' } });
    const chatId = succeeded(opened).chat._id;
    await api(a, 'POST', '/api/chats/assign', { chatId, adminId, adminName: 'A' });
    for (const c of [user, admin]) await c.emitAck('join-chat', { chatId });
    expect(await user.emitAck('send-message', { chatId, content: 'before Redis' })).toMatchObject({
      success: true,
    });
    expect(await admin.waitFor('new-message')).toMatchObject({
      message: { content: 'before Redis' },
    });

    await redis.start();
    await waitUntil('node A to reach Redis', async () => (await redisOf(a)) === 'up', 15_000);
    await waitUntil('node A to say it joined', () =>
      messages.includes('joined the cluster through Redis'),
    );
    const b = await startTestServer(db.config, { REDIS_URL: redis.url });
    nodes.push(b);
    expect(await redisOf(b)).toBe('up');
    // The adapters read the stream from "now": nothing is sent before B hears A.
    const probe = await connect(b);
    await waitUntil('a broadcast from node A reaches node B', () => {
      a.io.emit('pong', { timestamp: 'probe' });
      return probe.of('pong').length > 0;
    });

    // Now a second admin's socket on node B hears what the user sends on node A.
    const watcher = await connect(b);
    await watcher.emitAck('join-admin', { adminId, adminName: 'A' });
    expect(await watcher.emitAck('join-chat', { chatId })).toMatchObject({ success: true });
    expect(await user.emitAck('send-message', { chatId, content: 'across' })).toMatchObject({
      success: true,
    });
    expect(
      await watcher.waitFor('new-message', (p) => p.message.content === 'across'),
    ).toMatchObject({ message: { content: 'across', seq: 2 } });
  });

  it('a node that never reached Redis counts the error in its metrics, and stops promptly', async () => {
    await redis.stop();
    const token = 'metrics-token-0123456789';
    const lonely = await startTestServer(db.config, { REDIS_URL: redis.url, METRICS_TOKEN: token });
    expect(await redisOf(lonely)).toBe('down');
    const metrics = await fetch(`${lonely.url}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await metrics.text()).toMatch(/^chat_redis_errors_total [1-9]/m);
    const started = Date.now();
    await lonely.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a node stopped while its Redis clients are still connecting stops without an unhandled rejection or an error logged', async () => {
    // A Redis of its own (the nodes above keep reconnecting to theirs), which accepts
    // connections and answers nothing yet: every client of the node is caught connecting
    // (as when Redis has just come back), whatever the timing.
    const frozen = await privateRedis();
    frozen.freeze();
    const rejections: unknown[] = [];
    const noteRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', noteRejection);
    const errors: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          if ((JSON.parse(line) as { level: number }).level >= 50) errors.push(line);
        }
        done();
      },
    });
    const watcher = createClient({ url: frozen.url });
    watcher.on('error', () => {});
    try {
      const node = await startServer(testConfig(db.config, { REDIS_URL: frozen.url }), {
        logger: pino({ level: 'debug' }, sink),
      });
      expect(await redisOf(node)).toBe('down');
      await node.close();
      // Redis answers now: the clients the node was connecting finish connecting, find the
      // node stopped and close. Each of them gone, what closing it rejected is reported.
      frozen.resume();
      await watcher.connect();
      await waitUntil('the stopped node to hold no connection to Redis', async () => {
        const clients = String(await watcher.sendCommand(['CLIENT', 'LIST']));
        return clients.trim().split('\n').length === 1; // the watcher's own
      });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', noteRejection);
      await watcher.close().catch(() => {});
      await frozen.stop();
    }
    expect(rejections.map(String)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
