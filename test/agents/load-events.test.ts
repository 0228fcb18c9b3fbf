/**
 * A chat's change that moves an admin's load carries their agent-status, and a load the
 * store cannot read costs only that event: the take itself, already stored, succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/roles.js';
import { takeChat } from '../../src/chats/use-cases.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { depsWith } from '../helpers/stale-store.js';

describe('agents: load events of a chat change', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ kind: 'sqlite', path: ':memory:' });
  });
  afterAll(() => store.close());

  const open = async (userId: string) =>
    (await store.openChat({ userId, userName: 'U', online: false })).chat;

  it("carries the taker's new load to the admins", async () => {
    const chat = await open('le-u1');
    const outcome = await takeChat(depsWith(store), person('le-anna', 'Anna', 'admin'), {
      chatId: chat._id,
      lock: false,
    });
    const status = outcome.events.find((e) => e.event === 'agent-status');
    expect(status).toMatchObject({
      to: ['admins'],
      payload: { adminId: 'le-anna', activeChats: 1, maxChats: 5 },
    });
  });

  it('still takes the chat when the loads cannot be read, without the agent-status', async () => {
    const chat = await open('le-u2');
    const failing = new Proxy(store, {
      get(target, property) {
        if (property === 'listAgents') return () => Promise.reject(new Error('store away'));
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const outcome = await takeChat(depsWith(failing), person('le-boris', 'Boris', 'admin'), {
      chatId: chat._id,
      lock: false,
    });
    expect(outcome.reply.chat).toMatchObject({ status: 'active', assignedAdminId: 'le-boris' });
    expect(outcome.events.map((e) => e.event)).toEqual(['chat-taken', 'admin-joined']);
  });
});
