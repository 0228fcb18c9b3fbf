/** Short REST flows the contract tests repeat. */
import { expect } from 'vitest';
import { api } from './server.js';
import type { Person, World } from './world.js';

export type Chat = Record<string, unknown> & { _id: string; userId: string };
export type Message = Record<string, unknown> & { _id: string; seq: number; content: string };

export async function openChat(world: World, user: Person): Promise<Chat> {
  const res = await api(world.server(), 'POST', '/api/chats', {
    userId: user.id,
    userName: user.name,
  });
  expect(res.status).toBe(200);
  return res.body.chat as Chat;
}

export async function assignChat(world: World, chat: Chat, admin: Person): Promise<void> {
  const res = await api(world.server(), 'POST', '/api/chats/assign', {
    chatId: chat._id,
    adminId: admin.id,
    adminName: admin.name,
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
