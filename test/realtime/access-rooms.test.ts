/** The access rooms are mayView's other form: a socket may view a chat when it is in one of them. */
import { describe, expect, it } from 'vitest';
import { type Actor, ANONYMOUS, person } from '../../src/auth/actor.js';
import { mayView } from '../../src/chats/permissions.js';
import { accessRoomsOf, viewerRooms } from '../../src/realtime/access-rooms.js';
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

describe('who may view, as rooms', () => {
  it('mayView and "in one of viewerRooms" agree for every chat state and caller', () => {
    const callers: Actor[] = [user, otherUser, admin, otherAdmin, superadmin, ANONYMOUS];
    let cases = 0;
    for (const status of ['waiting', 'active', 'closed'] as const)
      for (const assignee of [null, 'a1', 'a2'])
        for (const locker of [null, 'a1', 'a2', 'nobody'])
          for (const caller of callers) {
            const c = chat({
              status,
              assignedAdminId: assignee,
              isLocked: locker !== null,
              lockedByAdminId: locker === 'nobody' ? null : locker,
            });
            const viewers = new Set(viewerRooms(c));
            const inRoom = accessRoomsOf(caller).some((r) => viewers.has(r));
            expect({ status, assignee, locker, caller, view: inRoom }).toEqual({
              status,
              assignee,
              locker,
              caller,
              view: mayView(c, caller),
            });
            cases++;
          }
    expect(cases).toBe(216);
  });
});
