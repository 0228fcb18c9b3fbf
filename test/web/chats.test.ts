/** The console's chat lists, as live events move chats between them. */
import { describe, expect, it } from 'vitest';
import {
  allOf,
  applyChatEvent,
  type ChatEvent,
  type Chats,
  hasLabel,
  knownLabels,
  mineOf,
  noChats,
  queueOf,
} from '../../web/console/chats.js';
import { previewWords } from '../../web/console/format.js';
import { consoleStrings } from '../../web/shared/i18n/console.js';
import { translator } from '../../web/shared/i18n/index.js';
import type { Chat, Identity } from '../../web/shared/types.js';

const me: Identity = { id: 'a1', name: 'Anna', role: 'admin' };
const chat = (id: string, extra: Partial<Chat> = {}): Chat => ({
  _id: id,
  userId: `u-${id}`,
  userName: `User ${id}`,
  status: 'waiting',
  assignedAdminId: null,
  assignedAdminName: null,
  isLocked: false,
  lockedByAdminId: null,
  lockedByAdminName: null,
  lastMessage: '',
  lastMessageAt: `2026-01-01T00:00:0${id.length}Z`,
  unreadCount: 0,
  userOnline: false,
  createdAt: `2026-01-01T00:00:0${id.length}Z`,
  updatedAt: '2026-01-01T00:00:00Z',
  ...extra,
});
const apply = (s: Chats, ...events: ChatEvent[]) =>
  events.reduce((acc, e) => applyChatEvent(acc, e, me), s);
const ids = (chats: Chat[]) => chats.map((c) => c._id);

describe('console chat lists', () => {
  it('moves a chat from the queue to whoever takes it', () => {
    let s = apply(noChats, { type: 'loaded', list: 'queue', chats: [chat('c1'), chat('c22')] });
    expect(ids(queueOf(s, me))).toEqual(['c1', 'c22']);
    s = apply(s, { type: 'taken', chatId: 'c1', adminId: 'a2', adminName: 'Boris' });
    expect(ids(queueOf(s, me))).toEqual(['c22']);
    expect(ids(mineOf(s, me))).toEqual([]);
    expect(s.admins).toEqual({ a2: 'Boris' });
    s = apply(s, { type: 'taken', chatId: 'c22', adminId: 'a1', adminName: 'Anna' });
    expect(ids(mineOf(s, me))).toEqual(['c22']);
  });

  it('follows locks, unlocks, transfers and closes', () => {
    let s = apply(noChats, { type: 'upsert', chat: chat('c1') });
    const locked = chat('c1', {
      status: 'active',
      isLocked: true,
      assignedAdminId: 'a2',
      assignedAdminName: 'Boris',
      lockedByAdminId: 'a2',
      lockedByAdminName: 'Boris',
    });
    s = apply(s, { type: 'upsert', chat: locked });
    expect(ids(queueOf(s, me))).toEqual([]);
    s = apply(s, { type: 'upsert', chat: chat('c1') }); // chat-unlocked
    expect(ids(queueOf(s, me))).toEqual(['c1']);
    s = apply(s, {
      type: 'upsert',
      chat: chat('c1', { status: 'active', assignedAdminId: 'a1', assignedAdminName: 'Anna' }),
    });
    expect(ids(mineOf(s, me))).toEqual(['c1']);
    s = apply(s, { type: 'transferred-out', chatId: 'c1', toAdminName: 'Boris' });
    expect(ids(mineOf(s, me))).toEqual([]);
    expect(ids(queueOf(s, me))).toEqual([]);
    s = apply(s, { type: 'closed', chatId: 'c1' });
    expect(ids(allOf(s, 'closed'))).toEqual(['c1']);
  });

  it("shows a waiting chat another admin locked only in a superadmin's queue, as the server lists it", () => {
    // A v2 chat may be imported waiting, unassigned and locked; events bring it to every admin.
    const lockedWaiting = chat('c1', {
      isLocked: true,
      lockedByAdminId: 'a2',
      lockedByAdminName: 'Boris',
    });
    const s = apply(noChats, { type: 'upsert', chat: lockedWaiting });
    expect(ids(queueOf(s, me))).toEqual([]);
    expect(ids(queueOf(s, { id: 'a2', name: 'Boris', role: 'admin' }))).toEqual(['c1']);
    expect(ids(queueOf(s, { id: 's1', name: 'Sara', role: 'superadmin' }))).toEqual(['c1']);
  });

  it('counts unread user messages and drops chats a fresh list no longer has', () => {
    let s = apply(noChats, { type: 'loaded', list: 'queue', chats: [chat('c1'), chat('c22')] });
    const message = {
      _id: 'm1',
      chatId: 'c1',
      seq: 1,
      senderId: 'u-c1',
      senderType: 'user' as const,
      senderName: 'User c1',
      content: 'hello',
      messageType: 'text' as const,
      fileUrl: null,
      isRead: false,
      readAt: null,
      clientMessageId: null,
      createdAt: '2026-01-01T00:01:00Z',
      updatedAt: '2026-01-01T00:01:00Z',
    };
    s = apply(s, { type: 'notification', chatId: 'c1', message });
    expect(s.byId.c1?.unreadCount).toBe(1);
    expect(s.byId.c1?.lastMessage).toBe('hello');
    s = apply(s, { type: 'user-status', chatId: 'c1', userId: 'u-c1', online: true });
    expect(s.byId.c1?.userOnline).toBe(true);
    s = apply(s, { type: 'read', chatId: 'c1' });
    expect(s.byId.c1?.unreadCount).toBe(0);
    s = apply(s, { type: 'loaded', list: 'queue', chats: [chat('c22')] });
    expect(ids(queueOf(s, me))).toEqual(['c22']);
  });

  it("previews a message as the server does: cut by character, never half an emoji; '[file]' for an empty file", () => {
    let s = apply(noChats, { type: 'loaded', list: 'queue', chats: [chat('c1')] });
    const message = {
      _id: 'm1',
      chatId: 'c1',
      seq: 1,
      senderId: 'u-c1',
      senderType: 'user' as const,
      senderName: 'User c1',
      content: '😀'.repeat(120),
      messageType: 'text' as const,
      fileUrl: null,
      isRead: false,
      readAt: null,
      clientMessageId: null,
      createdAt: '2026-01-01T00:01:00Z',
      updatedAt: '2026-01-01T00:01:00Z',
    };
    s = apply(s, { type: 'notification', chatId: 'c1', message });
    expect(s.byId.c1?.lastMessage).toBe('😀'.repeat(100));
    s = apply(s, {
      type: 'notification',
      chatId: 'c1',
      message: {
        ...message,
        seq: 2,
        content: ' ',
        messageType: 'file',
        fileUrl: 'https://x.test/a.pdf',
      },
    });
    expect(s.byId.c1?.lastMessage).toBe('[file]');
  });

  it("says an attachment sent alone in the console's language, not as the wire's '[image]' or '[file]'", () => {
    const ru = translator(consoleStrings, 'ru');
    const uz = translator(consoleStrings, 'uz');
    expect(previewWords('[image]', ru)).toBe('Изображение');
    expect(previewWords('[file]', ru)).toBe('Файл');
    expect(previewWords('[image]', uz)).toBe('Rasm');
    expect(previewWords('[file]', uz)).toBe('Fayl');
    expect(previewWords('', ru)).toBe('Сообщений пока нет');
    // A caption, or anything else the customer wrote, is shown as written.
    expect(previewWords('Чек за май', ru)).toBe('Чек за май');
    expect(previewWords('[image] see', ru)).toBe('[image] see');
  });

  it('remembers whom a chat was transferred to, until it comes back', () => {
    const held = chat('c1', {
      status: 'active',
      assignedAdminId: me.id,
      assignedAdminName: me.name,
    });
    let s = apply(noChats, { type: 'upsert', chat: held });
    expect(ids(mineOf(s, me))).toEqual(['c1']);
    s = apply(s, { type: 'transferred-out', chatId: 'c1', toAdminName: 'Boris' });
    expect(s.transferredAway).toEqual({ c1: 'Boris' });
    expect(ids(mineOf(s, me))).toEqual([]);
    // Boris hands it back.
    s = apply(s, { type: 'upsert', chat: held });
    expect(s.transferredAway).toEqual({});
    expect(ids(mineOf(s, me))).toEqual(['c1']);
  });

  it("changes a chat's labels on chat-labels, and filters and suggests them case-insensitively", () => {
    let s = apply(noChats, {
      type: 'loaded',
      list: 'all',
      chats: [chat('c1', { labels: ['Refund'] }), chat('c22')],
    });
    s = apply(s, { type: 'labels', chatId: 'c22', labels: ['refund', 'VIP'] });
    const labelled = (label: string) => ids(allOf(s, '').filter((c) => hasLabel(c, label)));
    expect(labelled('REFUND').sort()).toEqual(['c1', 'c22']);
    expect(labelled(' vip ')).toEqual(['c22']);
    expect(labelled('').sort()).toEqual(['c1', 'c22']);
    expect(knownLabels(s)).toEqual(['Refund', 'VIP']);
    // A load of the all list filtered by a label is the whole truth only about that label.
    s = apply(s, { type: 'loaded', list: 'all', chats: [], status: '', label: 'vip' });
    expect(ids(allOf(s, ''))).toEqual(['c1']);
  });
});
