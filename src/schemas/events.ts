/**
 * The Socket.io event maps, typed once for the server, the tests and any TypeScript
 * client (`import type { ServerToClientEvents } from '…/schemas/events.js'`).
 */
import type { FailureEnvelope } from '../envelopes.js';
import type { Chat, Message } from './shapes.js';

export interface ServerToClientEvents {
  'new-message': (p: { message: Message }) => void;
  'new-chat': (p: { chat: Chat }) => void;
  'chat-taken': (p: { chatId: string; adminId: string; adminName: string }) => void;
  'admin-joined': (p: { chatId: string; adminName: string }) => void;
  'admin-changed': (p: { chatId: string; adminName: string }) => void;
  typing: (p: { chatId: string; userId: string; userName: string; isTyping: boolean }) => void;
  'messages-read': (p: { chatId: string; readerId: string; readerType: 'user' | 'admin' }) => void;
  'user-status': (p: { chatId: string | null; userId: string; online: boolean }) => void;
  'chat-closed': (p: { chatId: string }) => void;
  'chat-locked': (p: {
    chatId: string;
    lockedByAdminId: string;
    lockedByAdminName: string;
    chat: Chat;
  }) => void;
  'chat-unlocked': (p: { chatId: string; chat: Chat }) => void;
  'chat-transferred-in': (p: { chat: Chat }) => void;
  'chat-transferred-out': (p: { chatId: string; toAdminName: string }) => void;
  'message-notification': (p: { chatId: string; message: Message; chat?: Chat }) => void;
  pong: (p: { timestamp: string }) => void;
  /** Sent when the server refuses an event that came without an acknowledgement callback. */
  error: (p: FailureEnvelope & { event: string }) => void;
}

export type Ack = (reply: { success: true; [k: string]: unknown } | FailureEnvelope) => void;

export const CLIENT_EVENTS = [
  'join-user',
  'join-admin',
  'join-chat',
  'leave-chat',
  'typing',
  'mark-read',
  'send-message',
  'ping',
] as const;

export type ClientEventName = (typeof CLIENT_EVENTS)[number];

/** Payloads are `unknown` on purpose: every one is parsed by its schema before use. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload?: unknown, ack?: Ack) => void;
};

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
