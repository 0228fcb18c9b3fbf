/**
 * One open chat for one reader: its timeline (history pages, live messages, catch-up after
 * reconnects), sends with their delivery states, typing both ways and read receipts.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import * as LIMITS from '../../src/schemas/limits.js';
import type { ReaderType } from '../../src/schemas/vocabulary.js';
import type { ChatClient } from './client.js';
import { newClientMessageId } from './ids.js';
import type { RestSuccess } from './rest.js';
import {
  addPending,
  emptyTimeline,
  firstSeq,
  hasGapBefore,
  lastSeq,
  markSeen,
  merge,
  olderThan,
  type PendingSend,
  setPendingState,
  type Timeline,
  unreadFrom,
} from './timeline.js';
import type { Chat, Message, Note, UploadedAttachment } from './types.js';

const PAGE = 50;
/** A reconnect catches up in pages as large as the server gives: as few reads as it can. */
const CATCH_UP_PAGE = LIMITS.historyMaxLimit;
const TYPING_SHOWN_MS = 6000;
/** A send made while reconnecting waits this long for the connection before it fails. */
const SEND_WAITS_FOR_CONNECTION_MS = 60_000;

type Pagination = RestSuccess<'GET /api/messages/:chatId'>['pagination'];
/** A cursor page (after=, before=) says whether more exist. */
const hasMore = (p: Pagination) => 'hasMore' in p && p.hasMore;

export interface ChatOptions {
  /** Which side this reader writes for: user messages, or admin (and system) messages. */
  side: ReaderType;
  /** Send `mark-read` for the other side's messages (panel open, tab visible, allowed). */
  markRead: boolean;
  /** Called with each message from the other side that arrived live. */
  onIncoming?(m: Message): void;
  /** The send's ack carries the chat: lets the caller refresh status, assignee, preview. */
  onChat?(chat: Chat): void;
  /**
   * Admins (the console; never the widget): every history page asks for its internal
   * notes too, and hands them here (the same note may come again: keep them by _id).
   */
  onNotes?(notes: Note[]): void;
}

export interface ChatView {
  timeline: Timeline;
  loadingOlder: boolean;
  typingName: string | undefined;
  loadOlder(): void;
  /** `inChat` names the chat when it was created for this very send. */
  send(text: string, inChat?: string, attachment?: UploadedAttachment): void;
  retry(p: PendingSend): void;
  typing(isTyping: boolean): void;
  ours(m: Message): boolean;
}

export function useChat(
  client: ChatClient,
  chatId: string | undefined,
  options: ChatOptions,
): ChatView {
  const [timeline, setTimeline] = useState<Timeline>(emptyTimeline);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [typingName, setTypingName] = useState<string | undefined>(undefined);
  const current = useRef(timeline);
  current.current = timeline;
  const opts = useRef(options);
  opts.current = options;
  const { side } = options;
  // Asked only by a reader that takes notes: a user asking would be refused (403).
  const notesQuery = options.onNotes ? { includeNotes: '1' as const } : {};
  const withNotes = useRef(notesQuery);
  withNotes.current = notesQuery;
  const ours = useCallback(
    (m: Message) => (side === 'user' ? m.senderType === 'user' : m.senderType !== 'user'),
    [side],
  );

  const update = useCallback((f: (t: Timeline) => Timeline) => {
    current.current = f(current.current);
    setTimeline(current.current);
  }, []);

  const previousChat = useRef(chatId);
  useEffect(() => {
    // A chat created by this reader's first send keeps that send (pending) on screen.
    const created = previousChat.current === undefined;
    previousChat.current = chatId;
    update((t) => (created ? { ...emptyTimeline, pending: t.pending } : emptyTimeline));
    setTypingName(undefined);
    if (!chatId) return;
    let live = true;
    let catching: Promise<void> | undefined;
    let typingTimer: ReturnType<typeof setTimeout> | undefined;

    const catchUp = () => {
      catching ??= (async () => {
        try {
          for (;;) {
            const after = lastSeq(current.current);
            const page = await client.request('GET /api/messages/:chatId', {
              params: { chatId },
              query: { after: String(after), limit: String(CATCH_UP_PAGE), ...withNotes.current },
            });
            if (!live) return;
            update((t) => merge(t, page.messages));
            if (page.notes) opts.current.onNotes?.(page.notes);
            if (!hasMore(page.pagination) || page.messages.length === 0) return;
          }
        } finally {
          catching = undefined;
        }
      })().catch(() => {});
      return catching;
    };

    const offs = [
      client.on('new-message', ({ message }) => {
        if (message.chatId !== chatId) return;
        if (hasGapBefore(current.current, message)) void catchUp();
        update((t) => merge(t, [message]));
        if (!ours(message)) {
          setTypingName(undefined);
          opts.current.onIncoming?.(message);
        }
      }),
      client.on('typing', (p) => {
        if (p.chatId !== chatId || p.userId === client.identity.id) return;
        clearTimeout(typingTimer);
        setTypingName(p.isTyping ? p.userName || undefined : undefined);
        if (p.isTyping) typingTimer = setTimeout(() => setTypingName(undefined), TYPING_SHOWN_MS);
      }),
      client.on('messages-read', (p) => {
        if (p.chatId !== chatId || p.readerType === side) return;
        update((t) => markSeen(t, ours, new Date().toISOString()));
      }),
      client.onResync(() => void catchUp()),
    ];

    void (async () => {
      // In the room before the page is read: whatever is stored after the page comes live.
      const inRoom = await client.joinChat(chatId).then(
        () => client.state() === 'online',
        () => false,
      );
      try {
        const page = await client.request('GET /api/messages/:chatId', {
          params: { chatId },
          query: { limit: String(PAGE), ...withNotes.current },
        });
        if (!live) return;
        update((t) => ({ ...merge(t, page.messages), hasOlder: olderThan(page.messages) }));
        if (page.notes) opts.current.onNotes?.(page.notes);
        // Not joined yet (offline, or the join failed): anything stored between the page
        // and the join, fetched too. Joined, that page would be one more read for nothing.
        if (!inRoom) await catchUp();
      } catch {
        // Shown as an empty history; the next reconnect or message retries.
      }
    })();

    return () => {
      live = false;
      clearTimeout(typingTimer);
      for (const off of offs) off();
      client.leaveChat(chatId);
    };
  }, [client, chatId, side, ours, update]);

  // Read receipts: the other side's unread messages, while the reader can see them.
  const unread = unreadFrom(timeline, (m) => !ours(m));
  useEffect(() => {
    if (!chatId || !options.markRead || unread === 0) return;
    const { id } = client.identity;
    client
      .emit('mark-read', { chatId, readerId: id, readerType: side })
      .then(() => update((t) => markSeen(t, (m) => !ours(m), new Date().toISOString())))
      .catch(() => {});
  }, [client, chatId, options.markRead, unread, side, ours, update]);

  const deliver = useCallback(
    (p: Omit<PendingSend, 'state'>, target = chatId) => {
      if (!target) return;
      client
        .emit(
          'send-message',
          {
            chatId: target,
            content: p.content,
            clientMessageId: p.clientMessageId,
            ...(p.attachment ? { attachmentId: p.attachment.id } : {}),
          },
          { waitOnlineMs: SEND_WAITS_FOR_CONNECTION_MS },
        )
        .then((reply) => {
          // Sent without `internal`: the server answers the message (never a note).
          if (!('message' in reply)) return;
          update((t) => merge(t, [reply.message]));
          opts.current.onChat?.(reply.chat);
        })
        .catch(() => update((t) => setPendingState(t, p.clientMessageId, 'failed')));
    },
    [client, chatId, update],
  );

  return {
    timeline,
    loadingOlder,
    typingName,
    ours,
    loadOlder() {
      const before = firstSeq(current.current);
      if (!chatId || loadingOlder || !current.current.hasOlder || before === undefined) return;
      setLoadingOlder(true);
      client
        .request('GET /api/messages/:chatId', {
          params: { chatId },
          query: { before: String(before), limit: String(PAGE), ...withNotes.current },
        })
        .then((page) => {
          update((t) => ({
            ...merge(t, page.messages),
            hasOlder: hasMore(page.pagination),
          }));
          if (page.notes) opts.current.onNotes?.(page.notes);
        })
        .catch(() => {})
        .finally(() => setLoadingOlder(false));
    },
    send(text, inChat, attachment) {
      const pending = {
        clientMessageId: newClientMessageId(),
        content: text,
        createdAt: new Date().toISOString(),
        attachment: attachment && { id: attachment.id, name: attachment.name },
      };
      update((t) => addPending(t, pending));
      deliver(pending, inChat ?? chatId);
    },
    retry(p) {
      update((t) => setPendingState(t, p.clientMessageId, 'sending'));
      deliver(p);
    },
    typing(isTyping) {
      if (!chatId) return;
      const { id, name } = client.identity;
      client
        .emit('typing', { chatId, userId: id, userName: name, isTyping }, { waitOnlineMs: 3000 })
        .catch(() => {});
    },
  };
}
