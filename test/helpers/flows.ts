/** Short REST flows the contract tests repeat. */
import { expect } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import { api, request, succeeded } from './server.js';
import type { Person, World } from './world.js';

export type { Chat };
export type Message = Record<string, unknown> & { _id: string; seq: number; content: string };

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

export function restSend(
  world: World,
  sender: Person,
  senderType: 'user' | 'admin',
  fields: Record<string, unknown>,
) {
  return api(world.server(), 'POST', '/api/messages', {
    senderId: sender.id,
    senderType,
    senderName: sender.name,
    ...fields,
  });
}

export const forChat = (chatId: string) => (p: unknown) =>
  (p as { chatId?: string; message?: { chatId?: string } }).chatId === chatId ||
  (p as { message?: { chatId?: string } }).message?.chatId === chatId;
