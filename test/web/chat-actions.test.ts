/**
 * The console offers an action on a chat only where the server would allow it, for every
 * chat state and every admin who can sign in to the console.
 */
import { describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { toChat } from '../../src/store/rows.js';
import { chatActionsFor } from '../../web/console/chat-actions.js';
import type { Identity } from '../../web/shared/types.js';
import { callers, describeCaller, everyChatState, serverAllows } from '../chats/chat-states.js';

const chats = everyChatState().map(toChat);
const admins: Identity[] = callers.flatMap((c) =>
  c.kind === 'person' && c.role !== 'user' ? [{ id: c.id, name: c.name, role: c.role }] : [],
);

describe('the console offers what the server allows', () => {
  it.each(admins.map((me) => [describeCaller(person(me.id, me.name, me.role)), me] as const))(
    'for %s on every chat state',
    (_, me) => {
      const actor = person(me.id, me.name, me.role);
      for (const chat of chats) {
        const shown = chatActionsFor(chat, me);
        const server = serverAllows(chat, actor);
        // Taking a chat one already holds changes nothing, so it is not offered.
        const unheld = !(chat.status === 'active' && chat.assignedAdminId !== null);
        expect({ chat: chat._id, ...shown }).toEqual({
          chat: chat._id,
          // A chat the server would not show (its history, its room) is not shown either.
          view: server.view,
          take: server.take && unheld,
          lock: server.lock && unheld,
          unlock: server.unlock,
          transfer: server.transfer,
          close: server.close,
          write: server.write,
        });
      }
    },
  );

  it('a plain admin is offered no Close on a waiting chat, a superadmin is', () => {
    const waiting = chats.find((c) => c.status === 'waiting' && !c.assignedAdminId && !c.isLocked);
    if (!waiting) throw new Error('the table has a free waiting chat');
    expect(chatActionsFor(waiting, { id: 'a1', name: 'A', role: 'admin' })).toMatchObject({
      take: true,
      close: false,
      write: false,
    });
    expect(chatActionsFor(waiting, { id: 's1', name: 'S', role: 'superadmin' }).close).toBe(true);
  });
});
