/**
 * Fan-out by room channel (src/cluster/room-channels.ts), with two nodes in this process on
 * a Redis of this file's own: a node with no socket in a room (a chat's, an admin's) is
 * not subscribed to it and takes none of its broadcasts; it subscribes before a socket's join answers, and
 * drops the channel when the room empties; and a node whose subscriber lost its
 * connection reads what it missed from the stream once it is back. The broadcasts of one
 * turn go to Redis as one script call, in the order they were made.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Announcer,
  parseAnnouncement,
  type RawEntry,
  trimStreamOlderThan,
} from '../../src/cluster/announcer.js';
import { RoomChannels } from '../../src/cluster/room-channels.js';
import { begunAnew, runOf, startedAfter } from '../../src/cluster/stream-run.js';
import type { RedisClient } from '../../src/redis/redis.js';
import { rooms } from '../../src/schemas/rooms.js';
import type { RunningServer } from '../../src/server.js';
import { droppingProxy } from '../helpers/dropping-proxy.js';
import { holdingProxy } from '../helpers/holding-proxy.js';
import { type PrivateRedis, privateRedis, redisServerInstalled } from '../helpers/private-redis.js';
import { waitUntil } from '../helpers/processes.js';
import { ACROSS_NODES_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, request, succeeded } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { startTwoNodes } from '../helpers/two-nodes.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const ready = redisServerInstalled();

describe.each(ready ? postgres : [])('fan-out by room channel on $name', (target) => {
  let redis: PrivateRedis;
  let inspector: ReturnType<typeof createClient>;
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
  /** Nodes subscribed to the chat's room's channel. */
  const subscribers = async (chatId: string) => {
    const channel = `socket.io#/#${rooms.chat(chatId)}#`;
    const counts = await inspector.pubSubNumSub(channel);
    return counts[channel] ?? 0;
  };
  /** Every `event` of the chat the node's adapter took from Redis (its own included). */
  const takenOn = (node: RunningServer, event: string, chatId: string) => {
    const taken: RawEntry[] = [];
    const adapter = node.io.of('/').adapter as unknown as {
      onRawMessage(raw: RawEntry, offset: string): unknown;
    };
    const onRawMessage = adapter.onRawMessage.bind(adapter);
    adapter.onRawMessage = (raw, offset) => {
      if (raw.data?.includes(`"${event}"`) && raw.data.includes(chatId)) taken.push(raw);
      return onRawMessage(raw, offset);
    };
    return taken;
  };
  /** A chat whose user is on node A, in the chat's room, and whose admin is on node B (not yet in it). */
  const chatAcross = async () => {
    const [userId, adminId] = [uid('user'), uid('admin')];
    const user = await connect(a);
    const admin = await connect(b);
    await user.emitAck('join-user', { userId, userName: 'U' });
    await admin.emitAck('join-admin', { adminId, adminName: 'Ali' });
    const opened = await request(a, 'POST /api/chats', { body: { userId, userName: 'U' } });
    const chatId = succeeded(opened).chat._id;
    const taken = await api(a, 'POST', '/api/chats/assign', { chatId, adminId, adminName: 'Ali' });
    expect(taken.status).toBe(200);
    expect(await user.emitAck('join-chat', { chatId })).toMatchObject({ success: true });
    const say = async (content: string) => {
      const sent = await user.emitAck('send-message', { chatId, content });
      expect(sent.success).toBe(true);
    };
    return { chatId, user, admin, say };
  };

  beforeAll(async () => {
    redis = await privateRedis();
    inspector = createClient({ url: redis.url });
    inspector.on('error', () => {});
    await inspector.connect();
    db = await target.create();
    ({ a, b } = await startTwoNodes(db.config, { REDIS_URL: redis.url }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await inspector?.close();
    await redis?.stop();
    await db?.drop();
  });

  it("a node with no socket in a chat's room takes none of its messages; it hears them from the join's answer on, until its last socket left", async () => {
    const { chatId, admin, say } = await chatAcross();
    const taken = takenOn(b, 'new-message', chatId);
    // The user's messages notify the admin, whose socket is on node B: node A takes none.
    const notifiedOnA = takenOn(a, 'message-notification', chatId);
    const notifiedOnB = takenOn(b, 'message-notification', chatId);
    expect(await subscribers(chatId)).toBe(1);
    for (let i = 1; i <= 5; i++) await say(`before ${i}`);
    await admin.waitFor('message-notification', (p) => p.message.content === 'before 5');
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(taken).toEqual([]);
    expect(notifiedOnA).toEqual([]);
    expect(notifiedOnB).toHaveLength(5);

    expect(await admin.emitAck('join-chat', { chatId })).toMatchObject({ success: true });
    expect(await subscribers(chatId)).toBe(2);
    // Sent at once after the join answered: node B already hears the chat.
    await say('after the join');
    await admin.waitFor('new-message', (p) => p.message.content === 'after the join');
    expect(admin.of('new-message')).toHaveLength(1);

    expect(await admin.emitAck('leave-chat', { chatId })).toMatchObject({ success: true });
    await waitUntil('node B dropped the channel', async () => (await subscribers(chatId)) === 1);
    const heard = taken.length;
    await say('after the leave');
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(taken).toHaveLength(heard);
  });

  it('a node whose subscriber lost its connection reads what went into the stream meanwhile, once it is back', async () => {
    const { chatId, admin, say } = await chatAcross();
    expect(await admin.emitAck('join-chat', { chatId })).toMatchObject({ success: true });
    await say('before');
    await admin.waitFor('new-message', (p) => p.message.content === 'before');
    // In one step: the subscribers' connections are cut and a broadcast to the chat goes
    // into the stream, so none of them can have heard it announced.
    const typing = { chatId, userId: uid('typist'), userName: 'T', isTyping: true };
    const entry = {
      uid: 'another-node',
      nsp: '/',
      type: '3',
      data: JSON.stringify({
        packet: { type: 2, data: ['typing', typing], nsp: '/' },
        opts: { rooms: [rooms.chat(chatId)], except: [], flags: {} },
      }),
    };
    await inspector
      .multi()
      .addCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
      .xAdd('socket.io', '*', entry)
      .exec();
    await admin.waitFor('typing', (p) => p.userId === typing.userId);
    await say('after');
    await admin.waitFor('new-message', (p) => p.message.content === 'after');
    expect(admin.of('typing')).toHaveLength(1);
    const contents = admin.of('new-message').map((p) => (p as NewMessage).message.content);
    expect(contents).toEqual(['before', 'after']);
  });
});

describe.runIf(ready)('appending and announcing the broadcasts of one turn', () => {
  let redis: PrivateRedis;
  let client: RedisClient;
  let subscriber: RedisClient;
  beforeAll(async () => {
    redis = await privateRedis();
    client = createClient({ url: redis.url });
    subscriber = client.duplicate();
    await Promise.all([client.connect(), subscriber.connect()]);
  });
  afterAll(async () => {
    await subscriber?.close();
    await client?.close();
    await redis?.stop();
  });
  const calls = async () => {
    const stats = await client.sendCommand(['INFO', 'commandstats']);
    return Number(/cmdstat_evalsha:calls=(\d+)/.exec(String(stats))?.[1] ?? 0);
  };

  it('goes to Redis as one script call; each broadcast gets its own id, in the order made, in the stream and on its channel', async () => {
    const heard: string[] = [];
    const listener = (payload: string) => {
      const entry = parseAnnouncement(payload);
      if (entry) heard.push(`${entry.id} ${entry.raw.data}`);
    };
    await subscriber.subscribe(['chan-a', 'chan-b'], listener);
    const announcer = new Announcer(client, 'announced', 1000, 100);
    const raw = (data: string): RawEntry => ({ uid: 'node', nsp: '/', type: '3', data });
    await announcer.append('chan-a', raw('warm-up'));
    const before = await calls();
    const ids = await Promise.all([
      announcer.append('chan-a', raw('one')),
      announcer.append('chan-b', raw('two')),
      announcer.append('chan-a', raw('three')),
    ]);
    expect(await calls()).toBe(before + 1);
    const stream = await client.xRange('announced', '-', '+');
    expect((stream ?? []).slice(1).map((e) => [e.id, e.message.data])).toEqual([
      [ids[0], 'one'],
      [ids[1], 'two'],
      [ids[2], 'three'],
    ]);
    await waitUntil('all announced', async () => heard.length === 4);
    expect(heard.slice(1)).toEqual([`${ids[0]} one`, `${ids[1]} two`, `${ids[2]} three`]);
  });

  it("entries older than the window are deleted, by Redis's clock, and newer ones kept", async () => {
    const announcer = new Announcer(client, 'aging', 1000, 100);
    const raw: RawEntry = { uid: 'node', nsp: '/', type: '3', data: '{"content":"my card"}' };
    const ids = await Promise.all([
      announcer.append('chan-a', raw),
      announcer.append('chan-b', raw),
    ]);
    // An hour's window: both are newer.
    expect(await trimStreamOlderThan(client, 'aging', 60 * 60 * 1000)).toBe(0);
    expect(await client.xLen('aging')).toBe(2);
    const lastMs = Math.max(...ids.map((id) => Number(id.split('-')[0])));
    await waitUntil("Redis's clock has passed the entries", async () => {
      const [seconds, micros] = await client.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) > lastMs;
    });
    // A window of none: everything stamped before Redis's current millisecond goes.
    expect(await trimStreamOlderThan(client, 'aging', 0)).toBe(2);
    expect(await client.xLen('aging')).toBe(0);
  });

  it('a call Redis refuses fails every broadcast in it', async () => {
    // A key of another type: XADD fails, and so does the script.
    await client.set('not-a-stream', 'x');
    const announcer = new Announcer(client, 'not-a-stream', 1000, 100);
    const raw: RawEntry = { uid: 'node', nsp: '/', type: '3', data: '{}' };
    const outcomes = await Promise.allSettled([
      announcer.append('chan-a', raw),
      announcer.append('chan-b', raw),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});

interface NewMessage {
  message: { content: string };
}

describe.runIf(ready)('catching up after the subscriber lost its connection', () => {
  let redis: PrivateRedis;
  let client: RedisClient;
  const started: RoomChannels[] = [];
  beforeAll(async () => {
    redis = await privateRedis();
    client = createClient({ url: redis.url });
    await client.connect();
  });
  afterAll(async () => {
    for (const channels of started) await channels.close();
    await client?.close();
    await redis?.stop();
  });

  /** A node's channels on `stream`, with what it delivered and what it was told it missed. */
  async function channelsOn(
    stream: string,
    over: { retainedMs: number; catchUpPageEntries: number; wanted?: (raw: RawEntry) => boolean },
    before?: (channels: RoomChannels) => Promise<void>,
    reader: RedisClient = client,
  ) {
    const delivered: string[] = [];
    const missed: string[] = [];
    const channels = new RoomChannels(reader.duplicate(), reader, {
      commonChannel: `${stream}#common`,
      channelOf: (room) => `${stream}#${room}`,
      stream,
      subscribeWaitMs: 1000,
      retryEveryMs: 50,
      retryForMs: 1000,
      wanted: () => true,
      deliver: (_id, raw) => delivered.push(raw.data ?? ''),
      onMissed: (why) => missed.push(why),
      ...over,
    });
    started.push(channels);
    await channels.start();
    await before?.(channels);
    const announcer = new Announcer(client, stream, 1000, 100);
    const raw = (data: string): RawEntry => ({ uid: 'other-node', nsp: '/', type: '3', data });
    await announcer.append(`${stream}#common`, raw('heard'));
    await waitUntil('the first entry heard', async () => delivered.includes('heard'));
    /**
     * Cuts the subscribers and, in the same step, appends entries none of them hears (and
     * trims the stream to its newest `keep`, given).
     */
    const unheard = async (data: string[], keep?: number) => {
      const step = client.multi().addCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      for (const d of data) step.xAdd(stream, '*', { ...raw(d) });
      if (keep !== undefined) step.xTrim(stream, 'MAXLEN', keep);
      await step.exec();
    };
    return {
      delivered,
      missed,
      unheard,
      announce: (d: string) => announcer.append(`${stream}#common`, raw(d)),
    };
  }

  it('an outage shorter than the stream keeps entries: what went in meanwhile is read and delivered', async () => {
    const node = await channelsOn('brief', { retainedMs: 120_000, catchUpPageEntries: 100 });
    await node.unheard(['while away']);
    await waitUntil('caught up', async () => node.delivered.includes('while away'));
    expect(node.missed).toEqual([]);
  });

  it('an announcement heard on the new connection before it is ready (right after its SUBSCRIBE): what went in before it is still read and delivered, first', async () => {
    const proxy = await holdingProxy({ host: '127.0.0.1', port: redis.port });
    const reader = createClient({ url: proxy.url });
    reader.on('error', () => {});
    await reader.connect();
    try {
      const node = await channelsOn(
        'early-word',
        { retainedMs: 120_000, catchUpPageEntries: 100 },
        undefined,
        reader,
      );
      proxy.holdNew();
      await node.unheard(['while away']);
      // Subscribed again (its answer held), then one announced: both reach the node at once.
      await waitUntil('subscribed again', async () => {
        return (await client.pubSubNumSub('early-word#common'))['early-word#common'] === 1;
      });
      await node.announce('live');
      await waitUntil('the announcement held with the answer', () => proxy.held().includes('live'));
      proxy.release();
      await waitUntil('caught up', async () => node.delivered.includes('live'));
      await waitUntil(
        'read what went in before',
        () => node.delivered.includes('while away'),
        3000,
      );
      expect(node.delivered).toEqual(['heard', 'while away', 'live']);
      expect(node.missed).toEqual([]);
    } finally {
      await reader.close();
      await proxy.close();
    }
  });

  it('an outage about as long as the stream keeps entries: nothing read is delivered, and the node is told it may have missed some', async () => {
    // The stream keeps nothing: any outage may have lost entries.
    const node = await channelsOn('long', { retainedMs: 0, catchUpPageEntries: 100 });
    await node.unheard(['while away']);
    await waitUntil('told', async () => node.missed.length === 1);
    expect(node.missed[0]).toContain('Redis was away');
    expect(node.delivered).toEqual(['heard']);
    // Afterwards it hears announcements again, each once.
    await node.announce('after');
    await waitUntil('heard after', async () => node.delivered.includes('after'));
    expect(node.delivered).toEqual(['heard', 'after']);
  });

  it('an outage before anything was heard does not count towards a later one', async () => {
    // The margin leaves a second of outage: the first outage, 1.5 s before the second,
    // would take a later one past it if its start were kept.
    const node = await channelsOn(
      'early',
      { retainedMs: 16_000, catchUpPageEntries: 100 },
      async () => {
        const killed = await client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
        expect(Number(killed)).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, 1500));
      },
    );
    await node.unheard(['while away']);
    await waitUntil(
      'caught up or told',
      async () => node.delivered.length + node.missed.length > 1,
    );
    expect(node.missed).toEqual([]);
    expect(node.delivered).toEqual(['heard', 'while away']);
  });

  it("more entries than a page, nearly all for other nodes' rooms: read to the stream's end, and its own delivered", async () => {
    // A node whose own rooms are quiet on a busy cluster: its last entry heard is followed by
    // many of others' before and during the outage.
    const node = await channelsOn('busy', {
      retainedMs: 120_000,
      catchUpPageEntries: 2,
      wanted: (raw) => raw.data === 'heard' || raw.data?.startsWith('mine') === true,
    });
    await node.unheard(['other 1', 'other 2', 'other 3', 'mine 1', 'other 4', 'other 5', 'mine 2']);
    await waitUntil('caught up', async () => node.delivered.length === 3);
    expect(node.delivered).toEqual(['heard', 'mine 1', 'mine 2']);
    expect(node.missed).toEqual([]);
  });

  it('entries after the last one heard trimmed before the catch-up read them: the node is told, not handed the rest', async () => {
    const node = await channelsOn('trimmed', { retainedMs: 120_000, catchUpPageEntries: 100 });
    // Cut off, then three entries in, and the stream trimmed to its newest (in one step,
    // before the subscriber can be back): 'heard' and 'one' went.
    await node.unheard(['one', 'two', 'three'], 2);
    await waitUntil('told', async () => node.missed.length === 1);
    expect(node.missed[0]).toContain('trimmed');
    expect(node.delivered).toEqual(['heard']);
    // It goes on from the stream's end: what is announced next is delivered, once.
    await node.announce('after');
    await waitUntil('heard after', async () => node.delivered.includes('after'));
    expect(node.delivered).toEqual(['heard', 'after']);
  });

  it("a subscriber whose connection drops everything without closing is asked once it has been quiet, made anew, and catches up: a room's broadcasts are heard again", async () => {
    const proxy = await droppingProxy({ host: '127.0.0.1', port: redis.port });
    const subscriber = createClient({ url: proxy.url });
    subscriber.on('error', () => {});
    const delivered: string[] = [];
    const missed: string[] = [];
    const channels = new RoomChannels(subscriber, client, {
      commonChannel: 'dropped#common',
      channelOf: (room) => `dropped#${room}`,
      stream: 'dropped',
      catchUpPageEntries: 100,
      retainedMs: 120_000,
      subscribeWaitMs: 300,
      quietMs: 400,
      retryEveryMs: 50,
      retryForMs: 1000,
      wanted: () => true,
      deliver: (_id, raw) => delivered.push(raw.data ?? ''),
      onMissed: (why) => missed.push(why),
    });
    started.push(channels);
    try {
      await channels.start();
      await channels.follow('room');
      const announcer = new Announcer(client, 'dropped', 1000, 100);
      const raw = (data: string): RawEntry => ({ uid: 'other-node', nsp: '/', type: '3', data });
      await announcer.append('dropped#room', raw('heard'));
      await waitUntil('heard', async () => delivered.includes('heard'));

      proxy.dropExisting();
      await announcer.append('dropped#room', raw('while dropped'));
      await waitUntil('caught up', async () => delivered.includes('while dropped'), 5000);
      expect(proxy.connections()).toBe(2);
      await announcer.append('dropped#room', raw('on the new connection'));
      await announcer.append('dropped#common', raw('on the common channel'));
      await waitUntil('heard on the new connection', async () => delivered.length === 4, 5000);
      expect(delivered).toEqual([
        'heard',
        'while dropped',
        'on the new connection',
        'on the common channel',
      ]);
      expect(missed).toEqual([]);
    } finally {
      await channels.close();
      await proxy.close();
    }
  });

  it("a stream begun in this run of Redis is told from one kept from before it, by the run's start in INFO", async () => {
    const run = await runOf(client);
    expect(run?.id).toMatch(/^[0-9a-f]{40}$/);
    // INFO's own clock, not the page's (which stands in for a Redis 5 only).
    expect(run?.clockMs).toBeDefined();
    await client.xAdd('this-run', '*', { uid: 'x', nsp: '/', type: '3', data: '{}' });
    const firstId = (await client.xRange('this-run', '-', '+', { COUNT: 1 }))?.[0]?.id;
    const page = { nowMs: 0, lastId: firstId, entries: [] };
    const startedAfterMs = run && startedAfter(run, { ...page, firstId });
    expect(startedAfterMs).toBeDefined();
    expect(begunAnew({ ...page, firstId }, startedAfterMs)).toBe(true);
    // An entry stamped before this Redis started was kept from an earlier run.
    const before = `${Math.floor((startedAfterMs ?? 0) - 1)}-0`;
    expect(begunAnew({ ...page, firstId: before }, startedAfterMs)).toBe(false);
  });

  it('a Redis that refuses INFO (a user without @dangerous commands, or INFO renamed): the catch-up still reads what went in meanwhile', async () => {
    await client.sendCommand([
      'ACL',
      'SETUSER',
      'no-info',
      'on',
      'nopass',
      '+@all',
      '-@dangerous',
      '~*',
      '&*',
    ]);
    const restricted = createClient({ url: redis.url.replace('redis://', 'redis://no-info:x@') });
    await restricted.connect();
    try {
      await expect(restricted.info('server')).rejects.toThrow(/NOPERM/);
      const node = await channelsOn(
        'no-info',
        { retainedMs: 120_000, catchUpPageEntries: 100 },
        undefined,
        restricted,
      );
      await node.unheard(['while away']);
      await waitUntil('caught up', async () => node.delivered.includes('while away'));
      expect(node.missed).toEqual([]);
    } finally {
      await restricted.close();
    }
  });
});

describe.runIf(ready)('a room followed while Redis is away', () => {
  let redis: PrivateRedis;
  let client: RedisClient;
  let channels: RoomChannels | undefined;
  beforeAll(async () => {
    redis = await privateRedis();
    // As a node's: commands refused at once while Redis is away, not queued.
    client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
  });
  afterAll(async () => {
    await channels?.close();
    await client?.close().catch(() => {});
    await redis?.stop();
  });

  it("is subscribed once Redis is back, and that room's broadcasts are heard", async () => {
    const stream = 'away';
    const delivered: string[] = [];
    const subscriber = client.duplicate();
    let failedConnects = 0;
    subscriber.on('error', () => {
      failedConnects += 1;
    });
    channels = new RoomChannels(subscriber, client, {
      commonChannel: `${stream}#common`,
      channelOf: (room) => `${stream}#${room}`,
      stream,
      catchUpPageEntries: 100,
      retainedMs: 120_000,
      subscribeWaitMs: 1000,
      retryEveryMs: 50,
      retryForMs: 5000,
      wanted: () => true,
      deliver: (_id, raw) => delivered.push(raw.data ?? ''),
      onMissed: () => {},
    });
    await channels.start();
    const raw = (data: string): RawEntry => ({ uid: 'other-node', nsp: '/', type: '3', data });
    await new Announcer(client, stream, 1000, 100).append(`${stream}#common`, raw('heard'));
    await waitUntil('the first entry heard', async () => delivered.includes('heard'));

    await redis.stop();
    await waitUntil('the subscriber sees Redis gone', async () => !subscriber.isReady);
    // A socket joins the room meanwhile: its SUBSCRIBE waits for the next attempt to
    // connect, and is refused with it.
    const before = failedConnects;
    expect(channels.follow('room')).toBeUndefined();
    await waitUntil('an attempt to connect failed', async () => failedConnects > before);
    await redis.start();
    await waitUntil(
      'the room subscribed again',
      async () => (await client.pubSubNumSub(`${stream}#room`))[`${stream}#room`] === 1,
      10_000,
    );
    await new Announcer(client, stream, 1000, 100).append(`${stream}#room`, raw('room news'));
    await waitUntil('the room heard', async () => delivered.includes('room news'));
  });
});
