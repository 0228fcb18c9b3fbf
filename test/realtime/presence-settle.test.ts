/**
 * Two nodes seeing one user's sockets change at once (a session recovered on another node
 * while the old transport's disconnect is handled): the earlier change's write may commit
 * last. The store still ends with what presence says now, and the last `user-status`
 * announced agrees with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPresence } from '../../src/presence/presence.js';
import { recordSettled } from '../../src/realtime/presence-events.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { depsWith } from '../helpers/stale-store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

/** The store, with its next write of `online: false` held until `release` is called. */
function holdingOffline(store: Store) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held = false;
  const holding: Store = new Proxy(store, {
    get(target, property) {
      if (property === 'setUserOnline')
        return async (userId: string, online: boolean) => {
          if (!online && !held) {
            held = true;
            await released;
          }
          return target.setUserOnline(userId, online);
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { holding, release: () => release() };
}

describe.each(await storeTargets())('presence written by two nodes at once on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('the store ends online when the old socket’s offline write commits after the new socket’s online one', async () => {
    const userId = 'settle-u';
    const { chat } = await store.openChat({ userId, userName: 'U', online: true });
    // Presence is shared by the nodes (Redis in a cluster): one instance for both here.
    const presence = new LocalPresence();
    await presence.connected(userId, 'old-socket');
    const { holding, release } = holdingOffline(store);
    const oldNode = { ...depsWith(holding), presence };
    const newNode = { ...depsWith(store), presence };

    // The old transport's disconnect: the user's last socket, so offline...
    expect(await presence.disconnected(userId, 'old-socket')).toBe(true);
    const offline = recordSettled(oldNode, userId, false);
    // ...while the recovered session comes back on the other node and is written first.
    expect(await presence.connected(userId, 'new-socket')).toBe(true);
    const online = await recordSettled(newNode, userId, true);
    expect(online.reply.chat?.userOnline).toBe(true);
    release();
    const late = await offline;

    expect((await store.getChat(chat._id))?.userOnline).toBe(true);
    const heard = late.events.map((e) => e.payload);
    expect(heard.at(-1)).toMatchObject({ userId, online: true });
  });

  it('a write that nothing crossed is written once and announced once', async () => {
    const userId = 'settle-alone';
    await store.openChat({ userId, userName: 'U', online: false });
    const presence = new LocalPresence();
    await presence.connected(userId, 's1');
    const outcome = await recordSettled({ ...depsWith(store), presence }, userId, true);
    expect(outcome.events).toHaveLength(1);
  });
});
