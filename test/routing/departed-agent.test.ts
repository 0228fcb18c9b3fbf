/**
 * ROUTING=auto: the router picks its candidates from presence before the assignment's
 * transaction; an admin whose last socket closes between that pick and the commit is
 * given nothing. The pick is held open (a store whose assignWaiting waits for the test)
 * while the admin leaves: the chat goes to the next admin, or waits. On one node on each
 * store, and on two nodes (PostgreSQL, presence in Redis) with the admin on the node
 * that does not route.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { waitUntil } from '../helpers/processes.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { request, startTestServer, succeeded, testConfig } from '../helpers/server.js';
import { accepted, connectClient, joinAs, type TestClient } from '../helpers/sockets.js';
import { type StoreTarget, storeTargets, type TestDatabase } from '../helpers/stores.js';

const AUTO = { ROUTING: 'auto', ROUTING_SWEEP_MS: '60000' };

/** `store` whose next assignWaiting, once held, waits for release() before it runs. */
function holdingAssignments(store: Store) {
  let held: { reached: () => void; released: Promise<void> } | undefined;
  const wrapped = new Proxy(store, {
    get(target, property) {
      if (property === 'assignWaiting')
        return async (...args: Parameters<Store['assignWaiting']>) => {
          const hold = held;
          held = undefined;
          if (hold) {
            hold.reached();
            await hold.released;
          }
          return target.assignWaiting(...args);
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    store: wrapped,
    /** Holds the next assignment: `reached` once the router has picked and called it. */
    hold() {
      let release = () => {};
      let reached = () => {};
      const reachedP = new Promise<void>((resolve) => {
        reached = resolve;
      });
      held = {
        reached,
        released: new Promise<void>((resolve) => {
          release = resolve;
        }),
      };
      return { reached: reachedP, release: () => release() };
    },
  };
}

interface Nodes {
  /** The node whose router is held. */
  router: RunningServer;
  /** Where the admins connect. */
  agents: RunningServer;
  holding: ReturnType<typeof holdingAssignments>;
}

/** Starts the router's node on a held store, and (with `env` naming Redis) a second node. */
async function startNodes(
  target: StoreTarget,
  env: Record<string, string>,
  twoNodes: boolean,
): Promise<Nodes & { db: TestDatabase; close(): Promise<void> }> {
  const db = await target.create();
  const holding = holdingAssignments(await openStore(db.config));
  const router = await startServer(testConfig(db.config, { ...AUTO, ...env }), {
    logger: pino({ level: 'silent' }),
    checkReplies: true,
    store: holding.store,
  });
  const agents = twoNodes ? await startTestServer(db.config, { ...AUTO, ...env }) : router;
  if (twoNodes) {
    // Both adapters read the stream from "now": nothing is sent before one crossed.
    const listener = await connectClient(agents.url);
    await waitUntil('a broadcast from the router node reaches the other', () => {
      router.io.emit('pong', { timestamp: 'probe' });
      return listener.of('pong').length > 0;
    });
    listener.close();
  }
  return {
    db,
    router,
    agents,
    holding,
    async close() {
      if (agents !== router) await agents.close();
      await router.close();
      await db.drop();
    },
  };
}

function leavingDuringThePick(name: string, nodes: () => Nodes) {
  const clients: TestClient[] = [];
  const chatIds: string[] = [];
  const run = randomUUID().slice(0, 8);
  let n = 0;
  // What a test leaves behind would be routed in the next: its admins leave, its chats close.
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const chatId of chatIds.splice(0)) {
      await request(nodes().router, 'PATCH /api/chats/:chatId/close', {
        params: { chatId },
        body: {},
      });
    }
  });

  // Ids sort in the order made: the routing rule's last tie-break puts the first made first.
  // Unique to the run: Redis (presence) outlives the test's database.
  const person = async (node: RunningServer, prefix: string, as: Parameters<typeof joinAs>[2]) => {
    const client = await connectClient(node.url);
    clients.push(client);
    n += 1;
    return joinAs(client, `${String(n).padStart(2, '0')}-${prefix}-${name}-${run}`, as);
  };
  const admin = (prefix: string) =>
    person(nodes().agents, prefix, { role: 'admin', superadmin: false });

  /** Opens a chat on the router's node, holds its assignment, and lets `leaver` go meanwhile. */
  const leaveDuringPick = async (
    leaver: Awaited<ReturnType<typeof admin>>,
    how: 'disconnects' | 'goes away' | 'comes back' = 'disconnects',
  ) => {
    const { router, holding } = nodes();
    // A superadmin joins away: they only watch.
    const watcher = await person(router, 'watcher', { role: 'admin', superadmin: true });
    const hold = holding.hold();
    const u = await person(router, 'user', { role: 'user' });
    const opened = await request(router, 'POST /api/chats', {
      body: { userId: u.id, userName: u.name },
    });
    await hold.reached;
    let back: Awaited<ReturnType<typeof admin>> | undefined;
    if (how === 'goes away') {
      accepted(await leaver.client.emitAck('set-availability', { status: 'away' }));
    } else {
      leaver.client.close();
      await watcher.client.waitFor('agent-status', (a) => a.adminId === leaver.id && !a.online);
      if (how === 'comes back') {
        const client = await connectClient(nodes().agents.url);
        clients.push(client);
        back = await joinAs(client, leaver.id, { role: 'admin', superadmin: false });
        await watcher.client.waitFor('agent-status', (a) => a.adminId === leaver.id && a.online);
      }
    }
    hold.release();
    const chat = succeeded(opened).chat;
    chatIds.push(chat._id);
    return { chat, watcher, back };
  };

  it('leaves the chat waiting when its only candidate left before the commit', async () => {
    const leaver = await admin('leaver');
    const { chat, watcher } = await leaveDuringPick(leaver);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(watcher.client.of('chat-taken').filter((e) => e.chatId === chat._id)).toEqual([]);
    const waiting = succeeded(
      await request(nodes().router, 'GET /api/chats/waiting', { query: { adminId: watcher.id } }),
    ).chats;
    expect(waiting.find((c) => c._id === chat._id)).toMatchObject({
      status: 'waiting',
      assignedAdminId: null,
    });
    // The next admin to come is given it.
    const comer = await admin('comer');
    await comer.client.waitFor('chat-assigned', (e) => e.chatId === chat._id);
  });

  // Availability is the database's: the assignment reads it again under the agents' lock.
  it('leaves the chat waiting when its only candidate went away before the commit', async () => {
    const leaver = await admin('away');
    const { chat, watcher } = await leaveDuringPick(leaver, 'goes away');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(watcher.client.of('chat-taken').filter((e) => e.chatId === chat._id)).toEqual([]);
    expect(leaver.client.of('chat-assigned')).toEqual([]);
  });

  it('gives the chat to an admin who left and came back before the commit, on their new socket', async () => {
    const leaver = await admin('returner');
    const { chat, back } = await leaveDuringPick(leaver, 'comes back');
    if (!back) throw new Error('the admin did not come back');
    expect(await back.client.waitFor('chat-assigned', (e) => e.chatId === chat._id)).toMatchObject({
      adminId: leaver.id,
    });
  });

  it('gives the chat to the next candidate when the first left before the commit', async () => {
    const leaver = await admin('leaver');
    const stayer = await admin('stayer');
    const { chat, watcher } = await leaveDuringPick(leaver);
    expect(
      await stayer.client.waitFor('chat-assigned', (e) => e.chatId === chat._id),
    ).toMatchObject({ adminId: stayer.id });
    expect(await watcher.client.waitFor('chat-taken', (e) => e.chatId === chat._id)).toMatchObject({
      adminId: stayer.id,
    });
  });
}

describe.each(await storeTargets())(
  'an admin who leaves while routing picks, on $name',
  (target) => {
    let nodes: Awaited<ReturnType<typeof startNodes>> | undefined;
    beforeAll(async () => {
      nodes = await startNodes(target, {}, false);
    });
    afterAll(async () => {
      await nodes?.close();
    });
    leavingDuringThePick(target.name, () => {
      if (!nodes) throw new Error('not started');
      return nodes;
    });
  },
);

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

describe.each(redis ? postgres : [])(
  'an admin on another node who leaves while routing picks, on $name and Redis',
  (target) => {
    let nodes: Awaited<ReturnType<typeof startNodes>> | undefined;
    beforeAll(async () => {
      // A Redis database of its own: other suites' streams and presence stay apart.
      nodes = await startNodes(target, { REDIS_URL: `${REDIS_TEST_URL}/11` }, true);
    });
    afterAll(async () => {
      await nodes?.close();
    });
    leavingDuringThePick('two-nodes', () => {
      if (!nodes) throw new Error('not started');
      return nodes;
    });
  },
);
