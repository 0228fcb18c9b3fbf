/**
 * A send decided on a chat row one change behind (a transfer made through another node,
 * whose notice has not arrived): the append statement itself refuses the previous
 * assignee, and the send answers what the check on a fresh row would have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { sendMessage } from '../../src/messages/use-cases.js';
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

  it("the previous assignee's send after a transfer is refused with 403 FORBIDDEN; nothing stored, no seq used", async () => {
    const { chat } = await store.openChat({ userId: 'stale-u', userName: 'U', online: false });
    const held = (await store.takeChat(chat._id, from, false))?.chat;
    if (!held) throw new Error('take failed');
    await sendMessage(depsWith(store), from, { chatId: chat._id, content: 'held' });
    await store.transferChat(chat._id, from.id, to);

    const send = sendMessage(depsWith(staleFirstRead(store, held)), from, {
      chatId: chat._id,
      content: 'after the transfer',
    });
    await expect(send).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });

    const next = await sendMessage(depsWith(store), to, {
      chatId: chat._id,
      content: 'new holder',
    });
    expect(next.reply.message.seq).toBe(2);
    const page = await store.historyCursor(chat._id, { direction: 'after', seq: 0, limit: 10 });
    expect(page.messages.map((m) => m.content)).toEqual(['held', 'new holder']);
  });
});
