import { describe, expect, it } from 'vitest';
import { type Actor, person, senderTypeFor } from '../../src/auth/actor.js';
import { mayView } from '../../src/chats/permissions.js';
import {
  assertMayClose,
  assertMayTake,
  assertMayTransfer,
  assertMayUnlock,
  assertMayWrite,
  messageEffect,
  readEffect,
} from '../../src/chats/rules.js';
import { AppError } from '../../src/errors.js';
import type { Chat } from '../../src/schemas/shapes.js';

const chat = (over: Partial<Chat> = {}): Chat => ({
  _id: 'c1',
  userId: 'u1',
  userName: 'User',
  status: 'waiting',
  assignedAdminId: null,
  assignedAdminName: null,
  isLocked: false,
  lockedByAdminId: null,
  lockedByAdminName: null,
  lastMessage: '',
  lastMessageAt: '2026-01-01T00:00:00.000Z',
  unreadCount: 0,
  userOnline: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});
const user: Actor = person('u1', 'User', 'user');
const otherUser: Actor = person('u2', 'Other', 'user');
const admin: Actor = person('a1', 'Ali', 'admin');
const otherAdmin: Actor = person('a2', 'Vali', 'admin');
const superadmin: Actor = person('s1', 'Boss', 'superadmin');
const held = chat({ status: 'active', assignedAdminId: 'a1', assignedAdminName: 'Ali' });

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
};

describe('who may see a chat', () => {
  it('its user, any admin while it waits unlocked, its assignee, a superadmin', () => {
    expect(mayView(chat(), user)).toBe(true);
    expect(mayView(chat(), otherUser)).toBe(false);
    expect(mayView(chat(), admin)).toBe(true);
    expect(mayView(chat({ isLocked: true, lockedByAdminId: 'a2' }), admin)).toBe(false);
    expect(mayView(held, admin)).toBe(true);
    expect(mayView(held, otherAdmin)).toBe(false);
    expect(mayView(held, superadmin)).toBe(true);
  });
});

describe('taking a chat (assign and lock)', () => {
  it('admins take open chats nobody else holds; re-taking your own is fine', () => {
    expect(codeOf(() => assertMayTake(chat(), admin))).toBeUndefined();
    expect(codeOf(() => assertMayTake(held, admin))).toBeUndefined();
  });
  it('refuses users, closed chats, and chats held or locked by another admin', () => {
    expect(codeOf(() => assertMayTake(chat(), user))).toBe('FORBIDDEN');
    expect(codeOf(() => assertMayTake(chat({ status: 'closed' }), admin))).toBe('CHAT_CLOSED');
    expect(codeOf(() => assertMayTake(held, otherAdmin))).toBe('CHAT_TAKEN');
    expect(codeOf(() => assertMayTake(held, superadmin))).toBe('CHAT_TAKEN');
    expect(
      codeOf(() => assertMayTake(chat({ isLocked: true, lockedByAdminId: 'a2' }), admin)),
    ).toBe('CHAT_TAKEN');
  });
  it('a taken-chat conflict names the holder as v2 did (assignedTo)', () => {
    expect(() => assertMayTake(held, otherAdmin)).toThrow(
      expect.objectContaining({ extra: { assignedTo: 'Ali', assignedAdminId: 'a1' } }),
    );
  });
});

describe('transfer, unlock, close', () => {
  it('transfer: the assignee, or a superadmin naming the current assignee', () => {
    expect(codeOf(() => assertMayTransfer(held, admin, 'a1', 'a2'))).toBeUndefined();
    expect(codeOf(() => assertMayTransfer(held, otherAdmin, 'a2', 'a3'))).toBe('FORBIDDEN');
    expect(codeOf(() => assertMayTransfer(held, superadmin, 'a1', 'a2'))).toBeUndefined();
    expect(codeOf(() => assertMayTransfer(held, superadmin, 'a9', 'a2'))).toBe('CHAT_CHANGED');
    expect(codeOf(() => assertMayTransfer(chat(), admin, 'a1', 'a2'))).toBe('CHAT_NOT_ASSIGNED');
    expect(codeOf(() => assertMayTransfer(held, admin, 'a1', 'a1'))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => assertMayTransfer(held, user, 'a1', 'a2'))).toBe('FORBIDDEN');
  });
  it('unlock: the assignee or a superadmin', () => {
    expect(codeOf(() => assertMayUnlock(held, admin))).toBeUndefined();
    expect(codeOf(() => assertMayUnlock(held, superadmin))).toBeUndefined();
    expect(codeOf(() => assertMayUnlock(held, otherAdmin))).toBe('FORBIDDEN');
    expect(codeOf(() => assertMayUnlock({ ...held, status: 'closed' }, admin))).toBe('CHAT_CLOSED');
  });
  it('close: the assignee, a superadmin, or the chat user', () => {
    expect(codeOf(() => assertMayClose(held, admin))).toBeUndefined();
    expect(codeOf(() => assertMayClose(held, superadmin))).toBeUndefined();
    expect(codeOf(() => assertMayClose(held, user))).toBeUndefined();
    expect(codeOf(() => assertMayClose(held, otherUser))).toBe('FORBIDDEN');
    expect(codeOf(() => assertMayClose(held, otherAdmin))).toBe('FORBIDDEN');
  });
});

describe('writing and what a message does', () => {
  it('the user writes to their open chat; an admin only after taking it', () => {
    expect(codeOf(() => assertMayWrite(chat(), user))).toBeUndefined();
    expect(codeOf(() => assertMayWrite(chat(), otherUser))).toBe('FORBIDDEN');
    expect(codeOf(() => assertMayWrite(chat(), admin))).toBe('FORBIDDEN');
    expect(codeOf(() => assertMayWrite(held, admin))).toBeUndefined();
    expect(codeOf(() => assertMayWrite({ ...held, status: 'closed' }, admin))).toBe('CHAT_CLOSED');
  });
  it('sender type follows the actor; only a superadmin sends system messages', () => {
    expect(senderTypeFor(user, undefined)).toBe('user');
    expect(senderTypeFor(admin, 'admin')).toBe('admin');
    expect(senderTypeFor(superadmin, 'system')).toBe('system');
    expect(codeOf(() => senderTypeFor(user, 'admin'))).toBe('FORBIDDEN');
    expect(codeOf(() => senderTypeFor(admin, 'system'))).toBe('FORBIDDEN');
  });
  it('user messages count as unread; the preview is the first 100 characters', () => {
    expect(messageEffect('user', 'hi', 'text')).toEqual({ lastMessage: 'hi', unreadIncrement: 1 });
    expect(messageEffect('admin', 'a'.repeat(150), 'text')).toEqual({
      lastMessage: 'a'.repeat(100),
      unreadIncrement: 0,
    });
    expect(messageEffect('user', '', 'file').lastMessage).toBe('[file]');
    // Characters, not UTF-16 halves: an emoji is not cut in two.
    expect(Array.from(messageEffect('user', '😀'.repeat(120), 'text').lastMessage)).toHaveLength(
      100,
    );
  });
  it("a read marks the other side's messages; an admin read clears the unread count", () => {
    expect(readEffect('admin')).toEqual({
      reader: 'admin',
      senderTypes: ['user'],
      resetUnread: true,
    });
    expect(readEffect('user')).toEqual({
      reader: 'user',
      senderTypes: ['admin', 'system'],
      resetUnread: false,
    });
  });
});
