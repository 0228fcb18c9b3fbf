/**
 * Every REST route and socket event, against every kind of caller, with AUTH_MODE=jwt.
 * Callers fill identity fields honestly with their own id (as a v2 client would), except
 * the anonymous caller, who names the chat's user. A refused call must change nothing
 * and emit nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/actor.js';
import type { Chat } from '../../src/schemas/shapes.js';
import type { RunningServer } from '../../src/server.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { searchedUntil } from '../helpers/searchable.js';
import { api, replyOf, request, startTestServer, succeeded } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';

type CallerKind = 'anonymous' | 'owner' | 'otherUser' | 'assignee' | 'otherAdmin' | 'superadmin';
const CALLERS: CallerKind[] = [
  'anonymous',
  'owner',
  'otherUser',
  'assignee',
  'otherAdmin',
  'superadmin',
];

interface Caller {
  kind: CallerKind;
  id: string;
  name: string;
  role: Role | undefined;
  token: string | undefined;
}

interface Scene {
  chat: Chat;
  owner: Caller;
  assignee: Caller;
  /** An admin the server knows (connected), whom transfers name. */
  target: Caller;
  /** Canned replies made for this scene alone (rows marked `canned`): the team's, the assignee's own. */
  canned: { team: string; assigneeOwn: string };
}

type Request = { method: string; path: string; body?: unknown };
/** Expected HTTP status per caller (socket rows: 200 = success ack, else the error's status). */
type Expect = Record<CallerKind, number>;

const senderType = (c: Caller) => (c.role === 'user' ? 'user' : 'admin');
const readerType = senderType;
const ANON_401 = 401;

interface RestRow {
  name: string;
  chat: 'waiting' | 'assigned' | 'closed';
  request: (s: Scene, c: Caller) => Request;
  expect: Expect;
  /** The row edits or deletes canned replies: its scene makes its own. */
  canned?: true;
}

const restRows: RestRow[] = [
  {
    name: 'POST /api/chats',
    chat: 'assigned',
    request: (_s, c) => ({
      method: 'POST',
      path: '/api/chats',
      body: { userId: c.id, userName: c.name },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 200,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 403,
    },
  },
  {
    name: 'GET /api/chats/user/:userId',
    chat: 'assigned',
    request: (s) => ({ method: 'GET', path: `/api/chats/user/${s.owner.id}` }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/chats/waiting',
    chat: 'waiting',
    request: (_s, c) => ({
      method: 'GET',
      path: `/api/chats/waiting?adminId=${c.id}&isSuperAdmin=${c.role === 'superadmin'}`,
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/chats/admin/:adminId',
    chat: 'assigned',
    request: (s) => ({ method: 'GET', path: `/api/chats/admin/${s.assignee.id}` }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/chats/all',
    chat: 'assigned',
    request: () => ({ method: 'GET', path: '/api/chats/all' }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  ...(['assign', 'lock'] as const).flatMap((action): RestRow[] => [
    {
      name: `POST /api/chats/${action} (waiting chat)`,
      chat: 'waiting',
      request: (s, c) => ({
        method: 'POST',
        path: `/api/chats/${action}`,
        body: { chatId: s.chat._id, adminId: c.id, adminName: c.name },
      }),
      expect: {
        anonymous: ANON_401,
        owner: 403,
        otherUser: 403,
        assignee: 200,
        otherAdmin: 200,
        superadmin: 200,
      },
    },
    {
      name: `POST /api/chats/${action} (chat held by the assignee)`,
      chat: 'assigned',
      request: (s, c) => ({
        method: 'POST',
        path: `/api/chats/${action}`,
        body: { chatId: s.chat._id, adminId: c.id, adminName: c.name },
      }),
      expect: {
        anonymous: ANON_401,
        owner: 403,
        otherUser: 403,
        assignee: 200,
        otherAdmin: 409,
        superadmin: 409,
      },
    },
  ]),
  {
    name: 'POST /api/chats/transfer',
    chat: 'assigned',
    request: (s, c) => ({
      method: 'POST',
      path: '/api/chats/transfer',
      body: {
        chatId: s.chat._id,
        fromAdminId: c.role === 'superadmin' ? s.assignee.id : c.id,
        toAdminId: s.target.id,
        toAdminName: s.target.name,
        isSuperAdmin: c.role === 'superadmin',
      },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/admins',
    chat: 'assigned',
    request: () => ({ method: 'GET', path: '/api/admins' }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/agents',
    chat: 'assigned',
    request: () => ({ method: 'GET', path: '/api/agents' }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/users/:userId/export',
    chat: 'assigned',
    request: (s) => ({ method: 'GET', path: `/api/users/${s.owner.id}/export` }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'DELETE /api/users/:userId',
    chat: 'assigned',
    request: (s) => ({ method: 'DELETE', path: `/api/users/${s.owner.id}` }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/search',
    chat: 'assigned',
    request: (s) => ({ method: 'GET', path: `/api/search?q=${s.owner.id}` }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    // An admin reads only their own numbers: the assignee's are theirs, not another admin's.
    name: 'GET /api/reports/summary',
    chat: 'assigned',
    request: (s) => ({ method: 'GET', path: `/api/reports/summary?adminId=${s.assignee.id}` }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    // An admin reads only their own numbers: the assignee's are theirs, not another admin's.
    name: 'GET /api/reports/timeseries',
    chat: 'assigned',
    request: (s) => ({
      method: 'GET',
      path: `/api/reports/timeseries?metric=opened&adminId=${s.assignee.id}`,
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    // An admin reads only their own numbers: the assignee's are theirs, not another admin's.
    name: 'GET /api/reports/agents',
    chat: 'assigned',
    request: (s) => ({ method: 'GET', path: `/api/reports/agents?adminId=${s.assignee.id}` }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    // Their own availability: set to what it is, so later rows route as before.
    name: 'POST /api/agents/availability',
    chat: 'assigned',
    request: () => ({
      method: 'POST',
      path: '/api/agents/availability',
      body: { status: 'available' },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    name: 'PUT /api/agents/:adminId',
    chat: 'assigned',
    request: (s) => ({
      method: 'PUT',
      path: `/api/agents/${s.assignee.id}`,
      body: { maxChats: 5 },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'PUT /api/chats/:chatId/labels',
    chat: 'assigned',
    request: (s) => ({
      method: 'PUT',
      path: `/api/chats/${s.chat._id}/labels`,
      body: { labels: ['refund'] },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/canned-replies',
    chat: 'assigned',
    request: () => ({ method: 'GET', path: '/api/canned-replies' }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    name: 'POST /api/canned-replies (personal)',
    chat: 'assigned',
    request: (_s, c) => ({
      method: 'POST',
      path: '/api/canned-replies',
      body: { shortcut: `own-${c.id}`, title: 'Mine', content: 'Hello {{user.name}}' },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    name: 'POST /api/canned-replies (team)',
    chat: 'assigned',
    request: (_s, c) => ({
      method: 'POST',
      path: '/api/canned-replies',
      body: { shortcut: `team-${c.id}`, title: 'Ours', content: 'Hello', scope: 'team' },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'PUT /api/canned-replies/:id (team)',
    chat: 'assigned',
    canned: true,
    request: (s) => ({
      method: 'PUT',
      path: `/api/canned-replies/${s.canned.team}`,
      body: { shortcut: 'team-edited', title: 'Ours', content: 'Hi', scope: 'team' },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    // Another admin's personal reply does not exist for them, superadmin or not.
    name: "PUT /api/canned-replies/:id (the assignee's personal)",
    chat: 'assigned',
    canned: true,
    request: (s) => ({
      method: 'PUT',
      path: `/api/canned-replies/${s.canned.assigneeOwn}`,
      body: { shortcut: 'mine-edited', title: 'Mine', content: 'Hi' },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 404,
      superadmin: 404,
    },
  },
  {
    name: 'DELETE /api/canned-replies/:id (team)',
    chat: 'assigned',
    canned: true,
    request: (s) => ({ method: 'DELETE', path: `/api/canned-replies/${s.canned.team}` }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: "DELETE /api/canned-replies/:id (the assignee's personal)",
    chat: 'assigned',
    canned: true,
    request: (s) => ({ method: 'DELETE', path: `/api/canned-replies/${s.canned.assigneeOwn}` }),
    // Another admin's personal reply does not exist for them, superadmin or not.
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 404,
      superadmin: 404,
    },
  },
  {
    name: 'POST /api/chats/unlock',
    chat: 'assigned',
    request: (s, c) => ({
      method: 'POST',
      path: '/api/chats/unlock',
      body: { chatId: s.chat._id, adminId: c.id, isSuperAdmin: c.role === 'superadmin' },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'PATCH /api/chats/:chatId/close',
    chat: 'assigned',
    request: (s) => ({ method: 'PATCH', path: `/api/chats/${s.chat._id}/close` }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'POST /api/chats/:chatId/rating',
    chat: 'closed',
    request: (s, c) => ({
      method: 'POST',
      path: `/api/chats/${s.chat._id}/rating`,
      body: { score: 4, comment: 'ok', ...(c.role === 'user' ? { userId: c.id } : {}) },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 403,
    },
  },
  {
    name: 'GET /api/messages/:chatId',
    chat: 'assigned',
    request: (s) => ({ method: 'GET', path: `/api/messages/${s.chat._id}` }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/chats/:chatId/transcript (html)',
    chat: 'assigned',
    request: (s) => ({ method: 'GET', path: `/api/chats/${s.chat._id}/transcript?format=html` }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/chats/:chatId/transcript (waiting: every admin sees it in the queue)',
    chat: 'waiting',
    request: (s) => ({ method: 'GET', path: `/api/chats/${s.chat._id}/transcript` }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    name: 'POST /api/messages',
    chat: 'assigned',
    request: (s, c) => ({
      method: 'POST',
      path: '/api/messages',
      body: {
        chatId: s.chat._id,
        senderId: c.id,
        senderType: senderType(c),
        senderName: c.name,
        content: 'hi',
      },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'POST /api/messages (internal: true, a note)',
    chat: 'assigned',
    request: (s, c) => ({
      method: 'POST',
      path: '/api/messages',
      body: {
        chatId: s.chat._id,
        senderId: c.id,
        senderType: senderType(c),
        senderName: c.name,
        content: 'a note',
        internal: true,
      },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'GET /api/messages/:chatId?includeNotes=1',
    chat: 'assigned',
    request: (s) => ({ method: 'GET', path: `/api/messages/${s.chat._id}?includeNotes=1` }),
    expect: {
      anonymous: ANON_401,
      owner: 403,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'POST /api/messages/read',
    chat: 'assigned',
    request: (s, c) => ({
      method: 'POST',
      path: '/api/messages/read',
      body: { chatId: s.chat._id, readerId: c.id, readerType: readerType(c) },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'POST /api/messages/typing',
    chat: 'assigned',
    request: (s, c) => ({
      method: 'POST',
      path: '/api/messages/typing',
      body: { chatId: s.chat._id, userId: c.id, userName: c.name, isTyping: true },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'POST /api/status',
    chat: 'assigned',
    request: (_s, c) => ({
      method: 'POST',
      path: '/api/status',
      body: { userId: c.id, online: true },
    }),
    expect: {
      anonymous: ANON_401,
      owner: 200,
      otherUser: 200,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 403,
    },
  },
];

/** Payloads that name someone else: refused whatever the route would otherwise allow. */
const impersonations: {
  name: string;
  caller: CallerKind;
  request: (s: Scene, c: Caller) => Request;
}[] = [
  {
    name: 'another user sends as the chat user',
    caller: 'otherUser',
    request: (s) => ({
      method: 'POST',
      path: '/api/messages',
      body: {
        chatId: s.chat._id,
        senderId: s.owner.id,
        senderType: 'user',
        senderName: 'x',
        content: 'fake',
      },
    }),
  },
  {
    name: 'the chat user claims to be an admin',
    caller: 'owner',
    request: (s, c) => ({
      method: 'POST',
      path: '/api/messages',
      body: {
        chatId: s.chat._id,
        senderId: c.id,
        senderType: 'admin',
        senderName: 'x',
        content: 'fake',
      },
    }),
  },
  {
    name: 'an admin claims isSuperAdmin to unlock a chat held by another',
    caller: 'otherAdmin',
    request: (s, c) => ({
      method: 'POST',
      path: '/api/chats/unlock',
      body: { chatId: s.chat._id, adminId: c.id, isSuperAdmin: true },
    }),
  },
  {
    name: 'an admin names the assignee to transfer their chat away',
    caller: 'otherAdmin',
    request: (s) => ({
      method: 'POST',
      path: '/api/chats/transfer',
      body: { chatId: s.chat._id, fromAdminId: s.assignee.id, toAdminId: 'x', toAdminName: 'X' },
    }),
  },
  {
    name: "an admin claims isSuperAdmin to set another admin's maxChats",
    caller: 'otherAdmin',
    request: (s, c) => ({
      method: 'PUT',
      path: `/api/agents/${s.assignee.id}?adminId=${c.id}&isSuperAdmin=true`,
      body: { maxChats: 50 },
    }),
  },
  {
    name: 'an admin claims isSuperAdmin alone, naming no one, to list canned replies',
    caller: 'otherAdmin',
    request: () => ({ method: 'GET', path: '/api/canned-replies?isSuperAdmin=true' }),
  },
  {
    name: 'the assignee claims isSuperAdmin alone, naming no one, to label their chat',
    caller: 'assignee',
    request: (s) => ({
      method: 'PUT',
      path: `/api/chats/${s.chat._id}/labels`,
      body: { labels: ['vip'], isSuperAdmin: true },
    }),
  },
  {
    name: 'an admin names another admin to set their availability',
    caller: 'otherAdmin',
    request: (s) => ({
      method: 'POST',
      path: `/api/agents/availability?adminId=${s.assignee.id}`,
      body: { status: 'away' },
    }),
  },
  {
    name: 'an admin reads as the chat user',
    caller: 'otherAdmin',
    request: (s) => ({
      method: 'POST',
      path: '/api/messages/read',
      body: { chatId: s.chat._id, readerId: s.owner.id, readerType: 'user' },
    }),
  },
];

interface SocketRow {
  event: string;
  /** When the event has several rows: what this one sends. */
  name?: string;
  payload: (s: Scene, c: Caller) => unknown;
  expect: Omit<Expect, 'anonymous'>;
}

const socketRows: SocketRow[] = [
  {
    event: 'join-user',
    payload: (_s, c) => ({ userId: c.id, userName: c.name }),
    expect: { owner: 200, otherUser: 200, assignee: 403, otherAdmin: 403, superadmin: 403 },
  },
  {
    event: 'join-admin',
    payload: (_s, c) => ({
      adminId: c.id,
      adminName: c.name,
      isSuperAdmin: c.role === 'superadmin',
    }),
    expect: { owner: 403, otherUser: 403, assignee: 200, otherAdmin: 200, superadmin: 200 },
  },
  {
    event: 'join-chat',
    payload: (s) => ({ chatId: s.chat._id }),
    expect: { owner: 200, otherUser: 403, assignee: 200, otherAdmin: 403, superadmin: 200 },
  },
  {
    event: 'typing',
    payload: (s, c) => ({ chatId: s.chat._id, userId: c.id, userName: c.name, isTyping: true }),
    expect: { owner: 200, otherUser: 403, assignee: 200, otherAdmin: 403, superadmin: 200 },
  },
  {
    event: 'mark-read',
    payload: (s, c) => ({ chatId: s.chat._id, readerId: c.id, readerType: readerType(c) }),
    expect: { owner: 200, otherUser: 403, assignee: 200, otherAdmin: 403, superadmin: 200 },
  },
  {
    event: 'send-message',
    payload: (s) => ({ chatId: s.chat._id, content: 'over the socket' }),
    expect: { owner: 200, otherUser: 403, assignee: 200, otherAdmin: 403, superadmin: 200 },
  },
  {
    event: 'send-message',
    name: 'send-message (internal: true, a note)',
    payload: (s) => ({ chatId: s.chat._id, content: 'a note', internal: true }),
    expect: { owner: 403, otherUser: 403, assignee: 200, otherAdmin: 403, superadmin: 200 },
  },
  {
    event: 'leave-chat',
    payload: (s) => ({ chatId: s.chat._id }),
    expect: { owner: 200, otherUser: 200, assignee: 200, otherAdmin: 200, superadmin: 200 },
  },
  {
    event: 'set-availability',
    payload: () => ({ status: 'available' }),
    expect: { owner: 403, otherUser: 403, assignee: 200, otherAdmin: 200, superadmin: 200 },
  },
  {
    event: 'ping',
    payload: () => undefined,
    expect: { owner: 200, otherUser: 200, assignee: 200, otherAdmin: 200, superadmin: 200 },
  },
];

/**
 * A server and its long-lived sockets. A test holds a lane alone, so what its observers
 * count is its own doing; tests run side by side on several lanes, so the quiet windows
 * (two for each refused call) overlap instead of adding up.
 */
interface Lane {
  server: RunningServer;
  /** Every admin room (the superadmin's socket), and the assignee's room. */
  observers: TestClient[];
  clients: TestClient[];
}

describe.concurrent('authorization with AUTH_MODE=jwt: every route and event, every caller', () => {
  let assignee: Caller;
  let superadmin: Caller;
  let target: Caller;
  const lanes: Lane[] = [];
  const idle: Lane[] = [];

  const makeCaller = async (kind: CallerKind, role: Role | undefined): Promise<Caller> => {
    const id = `${kind}-${randomUUID().slice(0, 8)}`;
    const name = `Name ${id}`;
    return { kind, id, name, role, token: role ? await signToken(id, role, name) : undefined };
  };
  const connectAs = async (lane: Lane, c: Caller) => {
    const client = await connectClient(lane.server.url, { auth: { token: c.token } });
    lane.clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // The same people on every lane: one JWT secret, so their tokens are good on each.
    assignee = await makeCaller('assignee', 'admin');
    superadmin = await makeCaller('superadmin', 'superadmin');
    target = await makeCaller('otherAdmin', 'admin');
  });
  afterAll(async () => {
    for (const lane of lanes) {
      for (const c of lane.clients) c.close();
      await lane.server.close();
    }
  });

  async function openLane(): Promise<Lane> {
    const server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, JWT_ENV);
    const lane: Lane = { server, observers: [], clients: [] };
    lanes.push(lane);
    // Long-lived observers: every admin room, the assignee's room.
    const adminWatcher = await connectAs(lane, superadmin);
    await adminWatcher.emitAck('join-admin', { adminId: superadmin.id, isSuperAdmin: true });
    const assigneeWatcher = await connectAs(lane, assignee);
    await assigneeWatcher.emitAck('join-admin', { adminId: assignee.id });
    const targetSocket = await connectAs(lane, target);
    await targetSocket.emitAck('join-admin', { adminId: target.id });
    lane.observers.push(adminWatcher, assigneeWatcher);
    return lane;
  }

  /** Runs a test on a lane no other test holds: an idle one, or a new one while all are busy. */
  async function onLane(test: (lane: Lane) => Promise<void>): Promise<void> {
    const lane = idle.pop() ?? (await openLane());
    try {
      await test(lane);
    } finally {
      idle.push(lane);
    }
  }

  /** The team's canned reply and the assignee's own, fresh: rows edit and delete them. */
  async function cannedReplies(lane: Lane): Promise<Scene['canned']> {
    const make = async (who: Caller, body: Record<string, unknown>) => {
      const res = await api(
        lane.server,
        'POST',
        '/api/canned-replies',
        body,
        bearer(who.token ?? ''),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return succeeded(replyOf('POST /api/canned-replies', res)).cannedReply.id;
    };
    const tag = randomUUID().slice(0, 8);
    return {
      team: await make(superadmin, {
        shortcut: `team-reply-${tag}`,
        title: 'Ours',
        content: 'Hello',
        scope: 'team',
      }),
      assigneeOwn: await make(assignee, {
        shortcut: `assignee-reply-${tag}`,
        title: 'Mine',
        content: 'Hello',
      }),
    };
  }

  /** A fresh chat user with their own socket (user room + chat room), and the chat. */
  async function scene(
    lane: Lane,
    kind: 'waiting' | 'assigned' | 'closed',
    withCanned = false,
  ): Promise<{ scene: Scene; ownerSocket: TestClient }> {
    const { server, observers } = lane;
    const owner = await makeCaller('owner', 'user');
    const ownerSocket = await connectAs(lane, owner);
    await ownerSocket.emitAck('join-user', { userId: owner.id, userName: owner.name });
    const opened = await request(
      server,
      'POST /api/chats',
      { body: { userId: owner.id, userName: owner.name } },
      bearer(owner.token ?? '').headers,
    );
    let chat: Chat = succeeded(opened).chat;
    if (kind !== 'waiting') {
      const taken = await request(
        server,
        'POST /api/chats/assign',
        { body: { chatId: chat._id, adminId: assignee.id, adminName: assignee.name } },
        bearer(assignee.token ?? '').headers,
      );
      expect(taken.status).toBe(200);
      chat = succeeded(taken).chat;
    }
    if (kind === 'closed') {
      const closed = await request(
        server,
        'PATCH /api/chats/:chatId/close',
        { params: { chatId: chat._id } },
        bearer(assignee.token ?? '').headers,
      );
      chat = succeeded(closed).chat;
    }
    await ownerSocket.emitAck('join-chat', { chatId: chat._id });
    await observers[0]?.emitAck('join-chat', { chatId: chat._id });
    const canned = withCanned ? await cannedReplies(lane) : { team: '', assigneeOwn: '' };
    return { scene: { chat, owner, assignee, target, canned }, ownerSocket };
  }

  async function callerFor(kind: CallerKind, s: Scene): Promise<Caller> {
    switch (kind) {
      case 'anonymous':
        return { ...s.owner, kind, token: undefined, role: undefined };
      case 'owner':
        return s.owner;
      case 'assignee':
        return assignee;
      case 'superadmin':
        return superadmin;
      case 'otherUser':
        return makeCaller(kind, 'user');
      case 'otherAdmin':
        return makeCaller(kind, 'admin');
    }
  }

  /** Chat row, stored messages, and every event the observers have had so far. */
  async function snapshot({ server }: Lane, s: Scene, watchers: TestClient[]) {
    await quiet(ONE_NODE_QUIET_MS);
    const chat = await server.store.getChat(s.chat._id);
    const page = await server.store.historyCursor(s.chat._id, {
      direction: 'after',
      seq: 0,
      limit: 200,
    });
    const notes = await server.store.notes.inRange({
      chatId: s.chat._id,
      from: 0,
      to: null,
      max: 200,
    });
    // queue-position is left out: the scene's own new chats move the queue, and each node
    // tells waiting users after queuePositionCoalesceMs, which may fall between snapshots.
    const counted = (w: TestClient) => w.received.filter((r) => r.event !== 'queue-position');
    return { chat, messages: page.messages, notes, events: watchers.map((w) => counted(w).length) };
  }

  for (const row of restRows) {
    for (const kind of CALLERS) {
      const expected = row.expect[kind];
      it(`${row.name} as ${kind} → ${expected}`, () =>
        onLane(async (lane) => {
          const { server, observers } = lane;
          const { scene: s, ownerSocket } = await scene(lane, row.chat, row.canned);
          const caller = await callerFor(kind, s);
          const before = await snapshot(lane, s, [...observers, ownerSocket]);
          const req = row.request(s, caller);
          const res = await api(
            server,
            req.method,
            req.path,
            req.body,
            caller.token ? bearer(caller.token) : {},
          );
          expect(res.status, JSON.stringify(res.body)).toBe(expected);
          if (expected >= 400) {
            expect(res.body).toMatchObject({ success: false });
            expect(await snapshot(lane, s, [...observers, ownerSocket])).toEqual(before);
          }
        }));
    }
  }

  it('GET /api/search finds a chat only for who may view it: its assignee and a superadmin, every admin while it waits', () =>
    onLane(async (lane) => {
      const { server } = lane;
      const found = async (caller: Caller, q: string) => {
        const res = await api(
          server,
          'GET',
          `/api/search?q=${encodeURIComponent(q)}`,
          undefined,
          bearer(caller.token ?? ''),
        );
        expect(res.status).toBe(200);
        const body = res.body as {
          results: { chat: { _id: string }; message?: { content: string } }[];
        };
        return body.results.map((r) => r.message?.content ?? `chat:${r.chat._id}`);
      };
      for (const kind of ['assigned', 'waiting'] as const) {
        const { scene: s } = await scene(lane, kind);
        const word = `word${randomUUID().slice(0, 8)}`;
        const sent = await api(
          server,
          'POST',
          '/api/messages',
          {
            chatId: s.chat._id,
            senderId: s.owner.id,
            senderName: s.owner.name,
            senderType: 'user',
            content: `a ${word} b`,
          },
          bearer(s.owner.token ?? ''),
        );
        expect(sent.status).toBe(200);
        const other = await makeCaller('otherAdmin', 'admin');
        await searchedUntil(
          () => found(superadmin, word),
          (hits) => hits.length > 0,
        );
        expect(await found(assignee, word)).toEqual([`a ${word} b`]);
        expect(await found(superadmin, word)).toEqual([`a ${word} b`]);
        expect(await found(other, word)).toEqual(kind === 'waiting' ? [`a ${word} b`] : []);
        // By the user's id: the chat, for who may view it.
        expect(await found(other, s.owner.id)).toEqual(
          kind === 'waiting' ? [`chat:${s.chat._id}`] : [],
        );
        expect(await found(superadmin, s.owner.id)).toEqual([`chat:${s.chat._id}`]);
      }
    }));

  for (const row of impersonations) {
    it(`refuses: ${row.name}`, () =>
      onLane(async (lane) => {
        const { server, observers } = lane;
        const { scene: s, ownerSocket } = await scene(lane, 'assigned');
        const caller = await callerFor(row.caller, s);
        const before = await snapshot(lane, s, [...observers, ownerSocket]);
        const req = row.request(s, caller);
        const res = await api(server, req.method, req.path, req.body, bearer(caller.token ?? ''));
        expect(res.status).toBe(403);
        expect(await snapshot(lane, s, [...observers, ownerSocket])).toEqual(before);
      }));
  }

  for (const row of socketRows) {
    for (const kind of CALLERS.filter(
      (k): k is Exclude<CallerKind, 'anonymous'> => k !== 'anonymous',
    )) {
      const expected = row.expect[kind];
      it(`socket ${row.name ?? row.event} as ${kind} → ${expected === 200 ? 'ok' : expected}`, () =>
        onLane(async (lane) => {
          const { observers } = lane;
          const { scene: s, ownerSocket } = await scene(lane, 'assigned');
          const caller = await callerFor(kind, s);
          const socket = kind === 'owner' ? ownerSocket : await connectAs(lane, caller);
          const watchers = [...observers, ownerSocket].filter((w) => w !== socket);
          const before = await snapshot(lane, s, watchers);
          const ack = await socket.emitAck(row.event, row.payload(s, caller));
          if (expected === 200) {
            expect(ack, JSON.stringify(ack)).toMatchObject({ success: true });
          } else {
            expect(ack).toMatchObject({ success: false, code: 'FORBIDDEN' });
            expect(await snapshot(lane, s, watchers)).toEqual(before);
          }
        }));
    }
  }

  it('a socket without a valid token is refused at the handshake, saying why', () =>
    onLane(async ({ server }) => {
      const attempt = async (auth: Record<string, unknown>) => {
        try {
          const c = await connectClient(server.url, { auth });
          c.close();
          return 'connected';
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      };
      expect(await attempt({})).toMatch(/token/i);
      expect(await attempt({ token: 'garbage' })).toMatch(/invalid token/i);
      // A careless client: the REST header's value, or the token wrapped in something.
      const valid = await signToken('u-x', 'user', 'X');
      expect(await attempt({ token: `Bearer ${valid}` })).toMatch(/without "Bearer "/);
      expect(await attempt({ token: [valid] })).toMatch(/auth\.token must be .*string/);
      const expired = await signToken('u-x', 'user', 'X', {
        expiresIn: Math.floor(Date.now() / 1000) - 60,
      });
      expect(await attempt({ token: expired })).toMatch(/expired/i);
    }));

  it('a token in the query string is accepted for clients that cannot set auth', () =>
    onLane(async ({ server }) => {
      const token = await signToken('u-q', 'user', 'Q');
      const client = await connectClient(server.url, { query: { token } });
      expect(await client.emitAck('join-user', { userId: 'u-q', userName: 'Q' })).toMatchObject({
        success: true,
      });
      client.close();
    }));

  it('REST: a missing, invalid or expired token is 401 with the reason', () =>
    onLane(async ({ server }) => {
      const noToken = await api(server, 'GET', '/api/chats/all');
      expect(noToken.body).toMatchObject({ success: false, code: 'MISSING_TOKEN' });
      const bad = await api(server, 'GET', '/api/chats/all', undefined, bearer('garbage'));
      expect(bad.body).toMatchObject({ code: 'INVALID_TOKEN' });
      // A header without its scheme (the token alone, or another scheme) is told the form.
      const token = await signToken(superadmin.id, 'superadmin', 'S');
      for (const authorization of [token, `Token ${token}`, 'Basic dTpw']) {
        const unschemed = await api(server, 'GET', '/api/chats/all', undefined, {
          headers: { authorization },
        });
        expect(unschemed.status).toBe(401);
        expect(unschemed.body).toMatchObject({
          code: 'MISSING_TOKEN',
          error: expect.stringMatching(/Bearer <token>/),
        });
      }
      const expired = await signToken(superadmin.id, 'superadmin', 'S', {
        expiresIn: Math.floor(Date.now() / 1000) - 60,
      });
      const late = await api(server, 'GET', '/api/chats/all', undefined, bearer(expired));
      expect(late.status).toBe(401);
      expect(late.body).toMatchObject({ code: 'TOKEN_EXPIRED' });
    }));

  it(
    'a socket whose token expires is told and disconnected once the clock tolerance has passed, and can come back with a fresh one',
    () =>
      onLane(async ({ server }) => {
        const id = `user-exp-${randomUUID().slice(0, 6)}`;
        // Expired 3 s ago by the issuer's clock: verification allows 5 s of skew, so the socket
        // works, for events too, until a REST call with the same token would be refused.
        const expiredAt = Math.floor(Date.now() / 1000) - 3;
        const skewed = await signToken(id, 'user', 'E', { expiresIn: expiredAt });
        const client = await connectClient(server.url, { auth: { token: skewed } });
        const gone = new Promise<string>((resolve) =>
          client.socket.on('disconnect', (reason) => resolve(reason)),
        );
        const told = client.waitFor('error');
        expect(await client.emitAck('join-user', { userId: id, userName: 'E' })).toMatchObject({
          success: true,
        });
        expect(await told).toMatchObject({ code: 'TOKEN_EXPIRED' });
        expect(Date.now()).toBeGreaterThanOrEqual((expiredAt + 5) * 1000);
        expect(await gone).toBe('io server disconnect');
        const fresh = await connectClient(server.url, {
          auth: { token: await signToken(id, 'user', 'E') },
        });
        expect(await fresh.emitAck('join-user', { userId: id, userName: 'E' })).toMatchObject({
          success: true,
        });
        fresh.close();
      }),
    10_000,
  );
});
