/** Short REST flows the contract tests repeat. */
import { expect } from 'vitest';
import type { RestQueries } from '../../src/schemas/rest.js';
import type { Chat, Message } from '../../src/schemas/shapes.js';
import { api, type RestResponse, replyOf, request, succeeded } from './server.js';
import type { Person, World } from './world.js';

export type { Chat, Message };

export async function openChat(world: World, user: Person): Promise<Chat> {
  const res = await request(world.server(), 'POST /api/chats', {
    body: { userId: user.id, userName: user.name },
  });
  expect(res.status).toBe(200);
  return succeeded(res).chat;
}

export async function assignChat(world: World, chat: Chat, admin: Person): Promise<void> {
  const res = await request(world.server(), 'POST /api/chats/assign', {
    body: { chatId: chat._id, adminId: admin.id, adminName: admin.name },
  });
  expect(res.status).toBe(200);
}

/** A page of a chat's history (without a query: the newest 50, oldest first). */
export function fetchHistory(
  server: { url: string },
  chatId: string,
  query: RestQueries['GET /api/messages/:chatId'] = {},
): Promise<RestResponse<'GET /api/messages/:chatId'>> {
  return request(server, 'GET /api/messages/:chatId', { params: { chatId }, query });
}

/** A user's chats, newest activity first. */
export function fetchUserChats(
  server: { url: string },
  userId: string,
): Promise<RestResponse<'GET /api/chats/user/:userId'>> {
  return request(server, 'GET /api/chats/user/:userId', { params: { userId } });
}

export async function restSend(
  world: World,
  sender: Person,
  senderType: 'user' | 'admin',
  fields: Record<string, unknown>,
): Promise<RestResponse<'POST /api/messages'>> {
  // Through `api`: the tests send fields the contract refuses, too.
  const res = await api(world.server(), 'POST', '/api/messages', {
    senderId: sender.id,
    senderType,
    senderName: sender.name,
    ...fields,
  });
  return replyOf('POST /api/messages', res);
}

/** Events about the chat: those naming it, and those carrying one of its messages. */
export const forChat =
  (chatId: string) =>
  (p: { chatId?: string | null; message?: { chatId: string } }): boolean =>
    p.chatId === chatId || p.message?.chatId === chatId;

/** Whether a payload of any event (one outside the contract too) is about the chat. */
export function isAboutChat(payload: unknown, chatId: string): boolean {
  if (typeof payload !== 'object' || payload === null) return false;
  if ('chatId' in payload && payload.chatId === chatId) return true;
  const message = 'message' in payload ? payload.message : undefined;
  return typeof message === 'object' && message !== null && 'chatId' in message
    ? message.chatId === chatId
    : false;
}
