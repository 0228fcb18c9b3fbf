/** Loads the console's lists and keeps them live from the admin rooms' events. */
import { useCallback, useReducer, useRef } from 'preact/hooks';
import type { ChatClient } from '../shared/client.js';
import type { Chat, Identity, Message } from '../shared/types.js';
import { applyChatEvent, type ChatEvent, type Chats, noChats } from './chats.js';
import { useLiveList } from './use-live-list.js';

const REFRESH_MS = 30_000;

export interface ChatsApi {
  chats: Chats;
  dispatch(e: ChatEvent): void;
  reload(): void;
}

export function useChats(
  client: ChatClient,
  me: Identity,
  allStatus: Chat['status'] | '',
  /** The all-chats list's label filter ('': none), asked of the server. */
  allLabel: string,
  onUserMessage: (chatId: string, m: Message) => void,
  onAssigned: (chat: Chat) => void = () => {},
): ChatsApi {
  const [chats, dispatch] = useReducer(
    (s: Chats, e: ChatEvent) => applyChatEvent(s, e, me),
    noChats,
  );
  const notify = useRef(onUserMessage);
  notify.current = onUserMessage;
  const assigned = useRef(onAssigned);
  assigned.current = onAssigned;
  const superadmin = me.role === 'superadmin';

  const reload = useCallback(async () => {
    const queue = await client.request('GET /api/chats/waiting', {
      query: { adminId: me.id, isSuperAdmin: superadmin },
    });
    dispatch({ type: 'loaded', list: 'queue', chats: queue.chats });
    const mine = await client.request('GET /api/chats/admin/:adminId', {
      params: { adminId: me.id },
    });
    dispatch({ type: 'loaded', list: 'mine', chats: mine.chats });
    if (superadmin) {
      const label = allLabel.trim();
      const all = await client.request('GET /api/chats/all', {
        query: { status: allStatus || undefined, label: label || undefined },
      });
      dispatch({ type: 'loaded', list: 'all', chats: all.chats, status: allStatus, label });
    }
  }, [client, me.id, superadmin, allStatus, allLabel]);

  useLiveList(client, reload, REFRESH_MS, () => [
    client.on('new-chat', ({ chat }) => dispatch({ type: 'upsert', chat })),
    client.on('chat-taken', (p) => dispatch({ type: 'taken', ...p })),
    client.on('chat-locked', ({ chat }) => dispatch({ type: 'upsert', chat })),
    client.on('chat-unlocked', ({ chat }) => dispatch({ type: 'upsert', chat })),
    client.on('chat-transferred-in', ({ chat }) => dispatch({ type: 'upsert', chat })),
    // ROUTING=auto gave this admin the chat (chat-taken tells the other consoles).
    client.on('chat-assigned', ({ chat }) => {
      dispatch({ type: 'upsert', chat });
      assigned.current(chat);
    }),
    client.on('chat-transferred-out', (p) => dispatch({ type: 'transferred-out', ...p })),
    client.on('chat-closed', ({ chatId }) => dispatch({ type: 'closed', chatId })),
    client.on('user-status', (p) => dispatch({ type: 'user-status', ...p })),
    client.on('chat-labels', (p) => dispatch({ type: 'labels', ...p })),
    client.on('message-notification', (p) => {
      dispatch({ type: 'notification', chatId: p.chatId, message: p.message, chat: p.chat });
      if (p.message.senderType === 'user') notify.current(p.chatId, p.message);
    }),
  ]);

  return { chats, dispatch, reload: () => void reload().catch(() => {}) };
}
