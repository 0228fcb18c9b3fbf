/**
 * A close decided on a chat row one change behind (a transfer made through another node,
 * whose notice has not arrived): the close statement itself restates who may close, so
 * the previous assignee cannot close a chat it no longer holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { closeChat } from '../../src/chats/use-cases.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { depsWith, staleFirstRead } from '../helpers/stale-store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

describe.each(await storeTargets())('a stale chat row on $name', (target) => {
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

  const from = person('stale-a1', 'A1', 'admin');
  const to = person('stale-a2', 'A2', 'admin');

  it('the previous assignee cannot close the chat after a transfer: 403 FORBIDDEN, the chat stays open', async () => {
    const { chat } = await store.openChat({ userId: 'stale-u', userName: 'U', online: false });
    const held = (await store.takeChat(chat._id, from, true))?.chat;
    if (!held) throw new Error('take failed');
    await store.transferChat(chat._id, from.id, to);

    const close = closeChat(depsWith(staleFirstRead(store, held)), from, { chatId: chat._id });
    await expect(close).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await store.getChat(chat._id)).toMatchObject({
      status: 'active',
      assignedAdminId: to.id,
    });
    // The new holder closes it; closing again answers the closed chat and tells nothing.
    // (Besides chat-closed, the holder's load goes to the admins as agent-status.)
    const closed = await closeChat(depsWith(store), to, { chatId: chat._id });
    expect(closed.events.filter((e) => e.event === 'chat-closed')).toHaveLength(1);
    const again = await closeChat(depsWith(store), to, { chatId: chat._id });
    expect(again).toMatchObject({ reply: { chat: { status: 'closed' } }, events: [] });
  });
});
