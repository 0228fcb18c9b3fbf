/** Loads the console's lists and keeps them live from the admin rooms' events. */
import { useCallback, useEffect, useReducer, useRef } from 'preact/hooks';
import { mayListAllChats } from '../../src/chats/permissions.js';
import { actorOf } from '../shared/actor.js';
import { adminClaimOf } from '../shared/claim.js';
import type { ChatClient } from '../shared/client.js';
import type { Chat, Identity, Message } from '../shared/types.js';
import { applyChatEvent, type ChatEvent, type Chats, type List, noChats } from './chats.js';
import { useLiveList } from './use-live-list.js';

const REFRESH_MS = 30_000;
const CONTEXT_LOAD_DELAY_MS = 500;
/** A label typed into the all-chats filter is asked for once the typing pauses. */
const FILTER_LOAD_DELAY_MS = 300;

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
  const { adminId, isSuperAdmin } = adminClaimOf(me);
  const seesAll = mayListAllChats(actorOf(me));
  // The filter as last set, read by the loads: a new filter reloads the all-chats list
  // alone, never the queue and My chats, nor restarts the refresh (each read counts
  // against the caller's read budget, which consoles behind one address share).
  const filter = useRef({ status: allStatus, label: allLabel.trim() });
  filter.current = { status: allStatus, label: allLabel.trim() };

  const load = useCallback(
    async (list: List) => {
      if (list === 'queue') {
        const queue = await client.request('GET /api/chats/waiting', {
          query: { adminId, isSuperAdmin },
        });
        dispatch({ type: 'loaded', list: 'queue', chats: queue.chats });
      } else if (list === 'mine') {
        const mine = await client.request('GET /api/chats/admin/:adminId', {
          params: { adminId },
        });
        dispatch({ type: 'loaded', list: 'mine', chats: mine.chats });
      } else if (seesAll) {
        const { status, label } = filter.current;
        const all = await client.request('GET /api/chats/all', {
          query: { status: status || undefined, label: label || undefined },
        });
        dispatch({ type: 'loaded', list: 'all', chats: all.chats, status, label });
      }
    },
    [client, adminId, isSuperAdmin, seesAll],
  );
  const reload = useCallback(async () => {
    await load('queue');
    await load('mine');
    await load('all');
  }, [load]);

  // Events never carry the customer's context: a chat's comes with the next load of the
  // list it arrived in (the queue for a new chat, My chats for an assigned one), made soon
  // after (one load per list for a burst of them). Without tokens (AUTH_MODE=none) no
  // chat has a context, and every console reading the queue again was reads for nothing.
  const due = useRef(new Set<List>());
  const contextLoad = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const loadSoon = (list: List) => {
    if (client.authMode === 'none') return;
    due.current.add(list);
    if (contextLoad.current !== undefined) return;
    contextLoad.current = setTimeout(() => {
      contextLoad.current = undefined;
      const lists = [...due.current];
      due.current.clear();
      void (async () => {
        for (const l of lists) await load(l);
      })().catch(() => {});
    }, CONTEXT_LOAD_DELAY_MS);
  };
  useEffect(() => () => clearTimeout(contextLoad.current), []);

  // A changed filter: the all-chats list again, once the typing pauses (the first render's
  // load is the live list's).
  const filterKey = `${allStatus}\n${allLabel.trim()}`;
  const shownFilter = useRef(filterKey);
  useEffect(() => {
    if (shownFilter.current === filterKey || !seesAll) return;
    shownFilter.current = filterKey;
    const timer = setTimeout(() => void load('all').catch(() => {}), FILTER_LOAD_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filterKey, seesAll, load]);

  useLiveList(client, reload, REFRESH_MS, () => [
    client.on('new-chat', ({ chat }) => {
      dispatch({ type: 'upsert', chat });
      loadSoon('queue');
    }),
    client.on('chat-taken', (p) => dispatch({ type: 'taken', ...p })),
    client.on('chat-locked', ({ chat }) => dispatch({ type: 'upsert', chat })),
    client.on('chat-unlocked', ({ chat }) => dispatch({ type: 'upsert', chat })),
    client.on('chat-transferred-in', ({ chat }) => dispatch({ type: 'upsert', chat })),
    // ROUTING=auto gave this admin the chat (chat-taken tells the other consoles).
    client.on('chat-assigned', ({ chat }) => {
      dispatch({ type: 'upsert', chat });
      loadSoon('mine');
      assigned.current(chat);
    }),
    client.on('chat-transferred-out', (p) => dispatch({ type: 'transferred-out', ...p })),
    client.on('chat-closed', ({ chatId }) => dispatch({ type: 'closed', chatId })),
    client.on('chat-rated', (p) => dispatch({ type: 'rated', ...p })),
    client.on('user-status', (p) => dispatch({ type: 'user-status', ...p })),
    client.on('chat-labels', (p) => dispatch({ type: 'labels', ...p })),
    client.on('message-notification', (p) => {
      dispatch({ type: 'notification', chatId: p.chatId, message: p.message, chat: p.chat });
      if (p.message.senderType === 'user') notify.current(p.chatId, p.message);
    }),
  ]);

  return { chats, dispatch, reload: () => void reload().catch(() => {}) };
}
