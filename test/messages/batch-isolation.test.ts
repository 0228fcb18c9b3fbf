/**
 * A bad send in the same instant as good ones (so in the same group-commit batch) costs
 * only itself: it gets a 400 naming the field, and every good send is acknowledged,
 * stored once and delivered live.
 */
import { describe, expect, it } from 'vitest';
import { fetchHistory, openChat } from '../helpers/flows.js';
import { itemAt } from '../helpers/lists.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { succeeded } from '../helpers/server.js';
import { accepted, failed } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('one bad row in a batch on $name', (target) => {
  const world = useWorld(target);

  it.each([
    ['a NUL in content', { content: 'pay\u0000ment' }, 'content'],
    [
      'a lone surrogate in clientMessageId',
      { content: 'ok', clientMessageId: '\ud83d' },
      'clientMessageId',
    ],
  ])(
    '%s: the good sends beside it are acked, stored once and delivered',
    async (_what, bad, field) => {
      const admin = await world.admin();
      const users = await Promise.all(Array.from({ length: 6 }, () => world.user()));
      const chats = await Promise.all(users.map((u) => openChat(world, u)));
      for (const chat of chats) {
        expect(await admin.client.emitAck('join-chat', { chatId: chat._id })).toMatchObject({
          success: true,
        });
      }

      // All at once: they reach the server in one turn and share a batch.
      const sends = users.map((u, i) =>
        u.client.emitAck(
          'send-message',
          i === 2
            ? { chatId: chats[i]?._id, ...bad }
            : { chatId: chats[i]?._id, content: `good ${i}`, clientMessageId: `good-${i}` },
        ),
      );
      const acks = await Promise.all(sends);

      const refused = itemAt(acks, 2);
      expect(refused).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
      expect(failed(refused).error).toMatch(new RegExp(`^${field}\\b`));
      const good = chats.filter((_, i) => i !== 2);
      await Promise.all(
        good.map((c) => admin.client.waitFor('new-message', (p) => p.message.chatId === c._id)),
      );
      // And the refused one's chat hears nothing.
      await quiet(ONE_NODE_QUIET_MS);
      for (const [i, chat] of chats.entries()) {
        const history = await fetchHistory(world.server(), chat._id);
        const live = admin.client.of('new-message').filter((p) => p.message.chatId === chat._id);
        if (i === 2) {
          expect(history.body.messages).toEqual([]);
          expect(live).toEqual([]);
          continue;
        }
        expect(acks[i]).toMatchObject({ success: true, message: { seq: 1, content: `good ${i}` } });
        expect(succeeded(history).messages.map((m) => m.content)).toEqual([`good ${i}`]);
        expect(live).toEqual([{ message: accepted(itemAt(acks, i)).message }]);
      }
    },
  );
});
