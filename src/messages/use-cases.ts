/** Message use cases: send, history, read receipts, typing. */

import { messageTypeFor } from '../attachments/rules.js';
import type { WithAttachments } from '../attachments/services.js';
import { attachmentPath, linksFor, withAttachment, withAttachments } from '../attachments/wire.js';
import {
  type Actor,
  type Person,
  readerTypeFor,
  requirePerson,
  senderTypeFor,
} from '../auth/actor.js';
import { recordCustomerContext } from '../chats/customer-context.js';
import { chatSeenBy } from '../chats/permissions.js';
import {
  adminAudience,
  assertMayAuthor,
  assertMayView,
  assertMayWrite,
  messageEffect,
  readEffect,
} from '../chats/rules.js';
import { openedBy } from '../chats/use-cases.js';
import type { Deps } from '../deps.js';
import { Conflict, chatNotFound, InvalidInput, NotFound, RateLimited } from '../errors.js';
import { overLimit, type RateLimiter } from '../limits/rate-limiter.js';
import { assertMaySeeNotes, type PageSpan } from '../notes/rules.js';
import { notesOfPage } from '../notes/use-cases.js';
import { type Emit, emit, type Outcome } from '../outcome.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat, Message, MessageType, SenderType } from '../schemas/shapes.js';
import { LIMITS } from '../schemas/shapes.js';
import type { RedactionKind } from '../schemas/vocabulary.js';
import { requireChat, requireCurrentChat, type Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import { keepWithinBytes } from './reply-bytes.js';

async function enforce(limiter: RateLimiter, key: string): Promise<void> {
  const retryAfterMs = await overLimit(limiter, key);
  if (retryAfterMs !== undefined) throw new RateLimited(retryAfterMs);
}

export interface SendInput {
  chatId?: string | undefined;
  senderType?: SenderType | undefined;
  senderName?: string | undefined;
  content: string;
  messageType?: MessageType | undefined;
  fileUrl?: string | null | undefined;
  clientMessageId?: string | undefined;
  attachmentId?: string | undefined;
  /** What the parse masked in `content` (src/redaction): stored with the message. */
  redacted?: RedactionKind[] | undefined;
}

/** What the message use cases need: the attachments too (their links, their records). */
export type MessageDeps = Deps & WithAttachments;

/** The chat a message goes to: the named one, or a user's open chat (opened if none). */
async function targetChat(
  deps: Deps,
  sender: Person,
  senderType: SenderType,
  chatId: string | undefined,
): Promise<{ chat: Chat; events: Emit[] }> {
  const { store, presence } = deps;
  if (chatId !== undefined) return { chat: await requireChat(store, chatId), events: [] };
  if (senderType !== 'user') throw new InvalidInput('chatId: required for admin messages');
  const online = await presence.isOnline(sender.id);
  const user = { userId: sender.id, userName: sender.name };
  const { chat, isNew } = await store.openChat({ ...user, online }, openedBy(sender, user));
  await recordCustomerContext(deps, sender);
  return { chat, events: isNew ? [emit(rooms.admins, 'new-chat', { chat })] : [] };
}

function deliveryEvents(message: Message, chat: Chat): Emit[] {
  const events = [emit(rooms.chat(chat._id), 'new-message', { message }, { viewersOf: chat })];
  if (message.senderType === 'user') {
    events.push(
      emit(adminAudience(chat), 'message-notification', { chatId: chat._id, message, chat }),
    );
  } else if (message.senderType === 'admin') {
    events.push(
      emit(rooms.user(chat.userId), 'message-notification', { chatId: chat._id, message }),
    );
  }
  return events;
}

/** Stores the message (commit before reply) and fans it out; a retried clientMessageId returns the stored one. */
export async function sendMessage(
  deps: MessageDeps,
  actor: Actor,
  input: SendInput,
): Promise<Outcome<{ message: Message; chat: Chat }>> {
  const person = requirePerson(actor);
  const senderType = senderTypeFor(person, input.senderType);
  // Before any store work: a refused send stores nothing and uses no seq.
  await enforce(deps.limits.messages, person.id);
  // v2 clients may name the sender only in the message; a name from a token wins.
  const sender = person.name === '' ? { ...person, name: input.senderName ?? '' } : person;
  const target = await targetChat(deps, sender, senderType, input.chatId);
  // A retry of a send stored before the chat closed still gets its message: the store
  // answers a known clientMessageId before it checks that the chat is open ('rejected'
  // below explains a closed chat to every other send).
  if (input.clientMessageId) assertMayAuthor(target.chat, sender);
  else assertMayWrite(target.chat, sender);
  // Only a message with an attachment reads it: a plain send costs what it did.
  const attachment =
    input.attachmentId === undefined
      ? undefined
      : await deps.store.attachments.get(input.attachmentId);
  if (input.attachmentId !== undefined && !attachment) {
    throw new NotFound(`Attachment ${input.attachmentId} not found`, 'ATTACHMENT_NOT_FOUND');
  }
  // An attachment decides its message's type and link (a client's messageType is not asked).
  const messageType = attachment
    ? messageTypeFor(attachment.contentType)
    : (input.messageType ?? 'text');
  const result = await deps.store.appendMessage({
    chatId: target.chat._id,
    senderId: sender.id,
    senderRole: sender.role,
    senderType,
    senderName: sender.name,
    content: input.content,
    messageType,
    fileUrl: attachment ? attachmentPath(attachment.id) : (input.fileUrl ?? null),
    clientMessageId: input.clientMessageId ?? null,
    redacted: input.redacted,
    effect: messageEffect(senderType, input.content, messageType),
    ...(attachment && { attachmentId: attachment.id }),
  });
  // The sender's reply names them in its links; the room's broadcast names no one.
  const links = linksFor(deps.attachments, actor);
  switch (result.kind) {
    case 'stored': {
      const record = attachment && { ...attachment, messageId: result.message._id };
      const message = record
        ? withAttachment(result.message, record, deps.attachments)
        : result.message;
      const reply = record ? withAttachment(result.message, record, links) : message;
      return {
        reply: { message: reply, chat: chatSeenBy(result.chat, sender) },
        events: [...target.events, ...deliveryEvents(message, result.chat)],
      };
    }
    case 'duplicate':
      // Someone else's message under this key: ours was not stored, and saying it was
      // would lose it silently (ids travel in every message, so the other side knows them).
      if (result.message.senderId !== sender.id) {
        throw new Conflict(
          'This clientMessageId was already used in this chat by someone else; send again with a fresh one',
          'CLIENT_MESSAGE_ID_TAKEN',
        );
      }
      // Delivered when it was first stored; a retry only learns the outcome.
      return {
        reply: {
          message:
            (await withAttachments(deps.store, links, [result.message]))[0] ?? result.message,
          chat: chatSeenBy(await requireChat(deps.store, target.chat._id), sender),
        },
        events: [],
      };
    case 'rejected': {
      // Closed, removed or no longer the sender's (transferred, maybe on another node, while
      // our row was older) between our read and the write: the store dropped its copy of
      // the row, so this reads the database and says which, as the check before would have.
      assertMayWrite(await requireChat(deps.store, target.chat._id), sender);
      throw new Conflict('Chat changed while the message was sent; retry', 'CHAT_CHANGED');
    }
    case 'attachmentUnusable':
      throw new Conflict(
        'This attachment was sent already, is not yours, or belongs to another chat; upload the file again',
        'ATTACHMENT_USED',
      );
  }
}

export interface HistoryInput {
  page?: number | undefined;
  limit?: number | undefined;
  before?: number | undefined;
  after?: number | undefined;
  /** Admins: the page's internal notes too, as `notes`. */
  includeNotes?: boolean | undefined;
}

export async function messageHistory(
  deps: MessageDeps,
  actor: Actor,
  chatId: string,
  q: HistoryInput,
) {
  const { store } = deps;
  // A page's links name its reader: a download by one is audited as theirs.
  const attachments = linksFor(deps.attachments, actor);
  // Asked by a user, refused before anything is read, even of their own chat.
  if (q.includeNotes) assertMaySeeNotes(actor);
  assertMayView(await requireCurrentChat(store, chatId), actor);
  const limit = q.limit ?? LIMITS.historyDefaultLimit;
  const notesOf = async (span: PageSpan) =>
    q.includeNotes ? { notes: await notesOfPage(store, chatId, span) } : {};
  const cursor =
    q.after !== undefined
      ? ({ direction: 'after', seq: q.after } as const)
      : q.before !== undefined
        ? ({ direction: 'before', seq: q.before } as const)
        : undefined;
  const maxBytes = TUNABLES.historyPageMaxBytes.value;
  if (cursor) {
    const read = await store.historyCursor(chatId, { ...cursor, limit });
    const all = await withAttachments(store, attachments, read.messages);
    const after = cursor.direction === 'after';
    // Cut to its bytes, a read still ends where the next one starts: hasMore says so.
    const messages = keepWithinBytes(all, maxBytes, after ? 'oldest' : 'newest');
    const hasMore = read.hasMore || messages.length < all.length;
    // After a seq: its notes from that seq on (a note written after that message since
    // the client last read is not missed; one it has comes again: keep them by _id).
    const span = after
      ? {
          first: cursor.seq,
          last: messages.at(-1)?.seq ?? cursor.seq,
          olderExist: cursor.seq > 0,
          newerExist: hasMore,
        }
      : {
          first: messages[0]?.seq ?? cursor.seq,
          last: cursor.seq - 1,
          olderExist: hasMore,
          newerExist: true,
        };
    return { messages, pagination: { limit, hasMore }, ...(await notesOf(span)) };
  }
  const page = q.page ?? 1;
  const { messages, total } = await store.historyPage(chatId, page, limit);
  // A page cut to its bytes keeps its newest messages; `before` reads the rest.
  const kept = keepWithinBytes(
    await withAttachments(store, attachments, messages),
    maxBytes,
    'newest',
  );
  // seq is gap-free (store.ts): page p ends at total − (p−1)·limit.
  const newest = total - (page - 1) * limit;
  const first = kept[0]?.seq ?? Math.max(1, newest - limit + 1);
  const span =
    newest <= 0 && page > 1
      ? { first: 1, last: 0, olderExist: true, newerExist: true }
      : { first, last: newest, olderExist: first > 1, newerExist: page > 1 };
  return {
    messages: kept,
    pagination: { page, limit, total, pages: Math.ceil(total / limit) },
    ...(await notesOf(span)),
  };
}

export async function markRead(
  { store }: Deps,
  actor: Actor,
  input: { chatId: string; readerType: 'user' | 'admin' },
): Promise<Outcome<{ chat: Chat }>> {
  const reader = requirePerson(actor);
  assertMayView(await requireCurrentChat(store, input.chatId), reader);
  const readerType = readerTypeFor(reader, input.readerType);
  const chat = await store.markRead(input.chatId, readEffect(readerType));
  if (!chat) throw chatNotFound(input.chatId);
  return {
    reply: { chat: chatSeenBy(chat, reader) },
    events: [
      emit(
        rooms.chat(chat._id),
        'messages-read',
        { chatId: chat._id, readerId: reader.id, readerType },
        { viewersOf: chat },
      ),
    ],
  };
}

/**
 * Nothing is stored; the indicator goes to the chat room (not back to the typing socket).
 * Who is typing comes from the identity, never from the payload; only v2's anonymous
 * caller (AUTH_MODE=none, a payload without a role) is relayed as it named itself.
 */
export async function typing(
  { store, limits }: Deps,
  actor: Actor,
  input: { chatId: string; userId: string; userName: string; isTyping: boolean },
): Promise<Outcome<Record<string, never>>> {
  const typist = actor.kind === 'person' ? { userId: actor.id, userName: actor.name } : input;
  await enforce(limits.typing, typist.userId);
  const chat = await requireChat(store, input.chatId);
  assertMayView(chat, actor);
  const payload = {
    chatId: input.chatId,
    userId: typist.userId,
    userName: typist.userName,
    isTyping: input.isTyping,
  };
  return {
    reply: {},
    events: [
      emit(rooms.chat(chat._id), 'typing', payload, { exceptSender: true, viewersOf: chat }),
    ],
  };
}
