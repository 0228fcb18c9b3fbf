/**
 * The actions the console offers on a chat: the server's own permissions (capabilitiesOf,
 * shared with the server's rules, not restated here), so a button appears only where the
 * server would allow what it does.
 */
import { capabilitiesOf, holderOf } from '../../src/chats/permissions.js';
import { actorOf } from '../shared/actor.js';
import type { Chat, Identity } from '../shared/types.js';

export interface ChatActions {
  /** Whether the server still lets this admin see the chat (its history, its room). */
  view: boolean;
  take: boolean;
  lock: boolean;
  unlock: boolean;
  transfer: boolean;
  close: boolean;
  write: boolean;
}

export function chatActionsFor(chat: Chat, me: Identity): ChatActions {
  const may = capabilitiesOf(chat, actorOf(me));
  // Taking a chat one already holds changes nothing: offered only while nobody holds it.
  const free = holderOf(chat) === null;
  return {
    view: may.view,
    take: may.take && free,
    lock: may.lock && free,
    unlock: may.unlock,
    transfer: may.transfer,
    close: may.close,
    write: may.write,
  };
}
