/** Message use cases: send, history, read receipts, typing. */
import type { Actor } from '../auth/actor.js';
import {
  assertMayView,
  assertMayWrite,
  messageEffect,
  readEffect,
  readerTypeFor,
  senderTypeFor,
} from '../chats/rules.js';
import { adminAudience, type Deps, loadChat } from '../chats/use-cases.js';
import { Conflict, chatNotFound, InvalidInput, RateLimited } from '../errors.js';
import { overLimit, type RateLimiter } from '../limits/rate-limiter.js';
import { type Emit, emit, type Outcome, rooms } from '../outcome.js';
import type { Chat, Message, MessageType, SenderType } from '../schemas/shapes.js';
import { LIMITS } from '../schemas/shapes.js';

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
}

/** The chat a message goes to: the named one, or a user's open chat (opened if none). */
async function targetChat(
  { store }: Deps,
  sender: Actor,
  senderType: SenderType,
  chatId: string | undefined,
): Promise<{ chat: Chat; events: Emit[] }> {
  if (chatId !== undefined) return { chat: await loadChat(store, chatId), events: [] };
  if (senderType !== 'user') throw new InvalidInput('chatId: required for admin messages');
  const { chat, isNew } = await store.openChat({ userId: sender.id, userName: sender.name });
  return { chat, events: isNew ? [emit(rooms.admins, 'new-chat', { chat })] : [] };
}

function deliveryEvents(message: Message, chat: Chat): Emit[] {
  const events = [emit(rooms.chat(chat._id), 'new-message', { message })];
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
  deps: Deps,
  actor: Actor,
  input: SendInput,
): Promise<Outcome<{ message: Message; chat: Chat }>> {
  const senderType = senderTypeFor(actor, input.senderType);
  // Before any store work: a refused send stores nothing and uses no seq.
  await enforce(deps.limits.messages, actor.id);
  const sender = { ...actor, name: actor.name || input.senderName || '' };
  const target = await targetChat(deps, sender, senderType, input.chatId);
  assertMayWrite(target.chat, actor);
  const messageType = input.messageType ?? 'text';
  const result = await deps.store.appendMessage({
    chatId: target.chat._id,
    senderId: sender.id,
    senderType,
    senderName: sender.name,
    content: input.content,
    messageType,
    fileUrl: input.fileUrl ?? null,
    clientMessageId: input.clientMessageId ?? null,
    effect: messageEffect(senderType, input.content, messageType),
  });
  switch (result.kind) {
    case 'stored':
      return {
        reply: { message: result.message, chat: result.chat },
        events: [...target.events, ...deliveryEvents(result.message, result.chat)],
      };
    case 'duplicate':
      // Delivered when it was first stored; a retry only learns the outcome.
      return {
        reply: { message: result.message, chat: await loadChat(deps.store, target.chat._id) },
        events: [],
      };
    case 'rejected': {
      // Closed (or removed) between our read and the write: say which.
      const now = await deps.store.getChat(target.chat._id);
      if (!now) throw chatNotFound(target.chat._id);
      assertMayWrite(now, actor);
      throw new Conflict('Chat changed while the message was sent; retry', 'CHAT_CHANGED');
    }
  }
}

export interface HistoryInput {
  page?: number | undefined;
  limit?: number | undefined;
  before?: number | undefined;
  after?: number | undefined;
}

export async function messageHistory(
  { store }: Deps,
  actor: Actor,
  chatId: string,
  q: HistoryInput,
) {
  assertMayView(await loadChat(store, chatId), actor);
  const limit = q.limit ?? LIMITS.historyDefaultLimit;
  if (q.after !== undefined || q.before !== undefined) {
    const page = await store.history(
      chatId,
      q.after !== undefined
        ? { kind: 'after', seq: q.after, limit }
        : { kind: 'before', seq: q.before ?? 0, limit },
    );
    return {
      messages: page.messages,
      pagination: { limit, hasMore: page.kind === 'cursor' && page.hasMore },
    };
  }
  const page = q.page ?? 1;
  const result = await store.history(chatId, { kind: 'page', page, limit });
  const total = result.kind === 'page' ? result.total : result.messages.length;
  return {
    messages: result.messages,
    pagination: { page, limit, total, pages: Math.ceil(total / limit) },
  };
}

export async function markRead(
  { store }: Deps,
  actor: Actor,
  input: { chatId: string; readerId: string; readerType: 'user' | 'admin' },
): Promise<Outcome<{ chat: Chat }>> {
  assertMayView(await loadChat(store, input.chatId), actor);
  const readerType = readerTypeFor(actor, input.readerType);
  const { senderTypes, resetUnread } = readEffect(readerType);
  const chat = await store.markRead(input.chatId, senderTypes, resetUnread);
  if (!chat) throw chatNotFound(input.chatId);
  return {
    reply: { chat },
    events: [
      emit(rooms.chat(chat._id), 'messages-read', {
        chatId: chat._id,
        readerId: input.readerId,
        readerType,
      }),
    ],
  };
}

/** Nothing is stored; the indicator goes to the chat room (not back to the typing socket). */
export async function typing(
  { store, limits }: Deps,
  actor: Actor,
  input: { chatId: string; userId: string; userName: string; isTyping: boolean },
): Promise<Outcome<Record<string, never>>> {
  await enforce(limits.typing, actor.id || input.userId);
  assertMayView(await loadChat(store, input.chatId), actor);
  return {
    reply: {},
    events: [emit(rooms.chat(input.chatId), 'typing', input, { exceptSender: true })],
  };
}
