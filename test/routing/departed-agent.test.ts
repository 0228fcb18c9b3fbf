/**
 * ROUTING=auto, on each store: the router picks its candidates from presence before the
 * assignment's transaction; an admin whose last socket closes between that pick and the
 * commit is given nothing. The pick is held open (a store whose assignWaiting waits for
 * the test) while the admin leaves: the chat goes to the next admin, or waits.
 */

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { request, succeeded, testConfig } from '../helpers/server.js';
import { connectClient, joinAs, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

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
    /** Holds the next assignment; resolves once the router has picked and reached it. */
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

describe.each(await storeTargets())(
  'an admin who leaves while routing picks, on $name',
  (target) => {
    let db: TestDatabase;
    let server: RunningServer;
    let holding: ReturnType<typeof holdingAssignments>;
    const clients: TestClient[] = [];
    let n = 0;

    beforeAll(async () => {
      db = await target.create();
      holding = holdingAssignments(await openStore(db.config));
      server = await startServer(testConfig(db.config, AUTO), {
        logger: pino({ level: 'silent' }),
        checkReplies: true,
        store: holding.store,
      });
    });
    afterAll(async () => {
      for (const c of clients) c.close();
      await server?.close();
      await db?.drop();
    });

    // Ids sort in the order made: the routing rule's last tie-break puts the first made first.
    const person = async (prefix: string, as: Parameters<typeof joinAs>[2]) => {
      const client = await connectClient(server.url);
      clients.push(client);
      n += 1;
      return joinAs(client, `${String(n).padStart(2, '0')}-${prefix}-${target.name}`, as);
    };
    const admin = (prefix: string) => person(prefix, { role: 'admin', superadmin: false });

    /** Opens a chat while the router's assignment is held, and lets the admin leave meanwhile. */
    const leaveDuringPick = async (leaver: Awaited<ReturnType<typeof admin>>) => {
      // A superadmin joins away: they only watch.
      const watcher = await person('watcher', { role: 'admin', superadmin: true });
      const hold = holding.hold();
      const u = await person('user', { role: 'user' });
      const chat = succeeded(
        await request(server, 'POST /api/chats', { body: { userId: u.id, userName: u.name } }),
      ).chat;
      await hold.reached;
      leaver.client.close();
      await watcher.client.waitFor('agent-status', (a) => a.adminId === leaver.id && !a.online);
      hold.release();
      return { chat, watcher };
    };

    it('leaves the chat waiting when the only candidate left before the commit', async () => {
      const leaver = await admin('leaver');
      const { chat, watcher } = await leaveDuringPick(leaver);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(watcher.client.of('chat-taken').filter((e) => e.chatId === chat._id)).toEqual([]);
      const waiting = succeeded(
        await request(server, 'GET /api/chats/waiting', { query: { adminId: watcher.id } }),
      ).chats;
      expect(waiting.find((c) => c._id === chat._id)).toMatchObject({
        status: 'waiting',
        assignedAdminId: null,
      });
      // The next admin to come is given it.
      const comer = await admin('comer');
      await comer.client.waitFor('chat-assigned', (e) => e.chatId === chat._id);
    });

    it('gives the chat to the next candidate when the first left before the commit', async () => {
      const leaver = await admin('leaver');
      const stayer = await admin('stayer');
      const { chat, watcher } = await leaveDuringPick(leaver);
      expect(
        await stayer.client.waitFor('chat-assigned', (e) => e.chatId === chat._id),
      ).toMatchObject({ adminId: stayer.id });
      expect(
        await watcher.client.waitFor('chat-taken', (e) => e.chatId === chat._id),
      ).toMatchObject({
        adminId: stayer.id,
      });
    });
  },
);
