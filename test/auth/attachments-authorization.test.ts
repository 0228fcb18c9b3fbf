/**
 * Attachments' rows of the role × action matrix, with AUTH_MODE=jwt: the same callers as
 * authorization.test.ts (anonymous, the chat's user, another user, the assignee, another
 * admin, a superadmin) against uploading, sending and downloading. A refused upload stores
 * nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/actor.js';
import type { Chat } from '../../src/schemas/shapes.js';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { download, upload, uploaded } from '../helpers/uploads.js';

type CallerKind = 'anonymous' | 'owner' | 'otherUser' | 'assignee' | 'otherAdmin' | 'superadmin';
type Expect = Record<CallerKind, number>;
interface Caller {
  id: string;
  role: Role;
  headers: Record<string, string>;
}

let server: RunningServer;
const callers = {} as Record<Exclude<CallerKind, 'anonymous'>, Caller>;
const KINDS: CallerKind[] = [
  'anonymous',
  'owner',
  'otherUser',
  'assignee',
  'otherAdmin',
  'superadmin',
];

const make = async (kind: string, role: Role): Promise<Caller> => {
  const id = `${kind}-${randomUUID().slice(0, 8)}`;
  return { id, role, headers: bearer(await signToken(id, role, `N ${id}`)).headers };
};
const headersOf = (kind: CallerKind) => (kind === 'anonymous' ? {} : callers[kind].headers);

beforeAll(async () => {
  server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, JWT_ENV);
  callers.assignee = await make('assignee', 'admin');
  callers.otherAdmin = await make('otherAdmin', 'admin');
  callers.superadmin = await make('superadmin', 'superadmin');
});
afterAll(() => server.close());

/** A fresh owner with their chat: waiting, or assigned to the assignee. */
async function scene(state: 'waiting' | 'assigned'): Promise<Chat> {
  callers.owner = await make('owner', 'user');
  callers.otherUser = await make('otherUser', 'user');
  const opened = await api(
    server,
    'POST',
    '/api/chats',
    { userId: callers.owner.id, userName: 'O' },
    {
      headers: callers.owner.headers,
    },
  );
  const chat = opened.body.chat as Chat;
  if (state === 'assigned') {
    const taken = await api(
      server,
      'POST',
      '/api/chats/assign',
      { chatId: chat._id, adminId: callers.assignee.id, adminName: 'A' },
      { headers: callers.assignee.headers },
    );
    expect(taken.status).toBe(200);
  }
  return chat;
}

/** An attachment the owner uploaded, and sent in the chat unless `unused`. */
async function ownersAttachment(chat: Chat, unused = false) {
  const att = uploaded(
    await upload(server, {
      bytes: 'card ending 4242 declined',
      name: 'r.txt',
      fields: { chatId: chat._id },
      headers: callers.owner.headers,
    }),
  );
  if (!unused) {
    const sent = await api(
      server,
      'POST',
      '/api/messages',
      {
        chatId: chat._id,
        senderId: callers.owner.id,
        senderType: 'user',
        senderName: 'O',
        content: '',
        attachmentId: att.id,
      },
      { headers: callers.owner.headers },
    );
    expect(sent.status).toBe(200);
  }
  return att;
}

const bare = (url: string) => url.split('?')[0] as string;

const rows: {
  name: string;
  chat: 'waiting' | 'assigned';
  act: (chat: Chat, kind: CallerKind) => Promise<number>;
  expect: Expect;
}[] = [
  {
    name: 'upload to the chat',
    chat: 'assigned',
    act: async (chat, kind) =>
      (
        await upload(server, {
          bytes: 'x',
          name: 'x.txt',
          fields: { chatId: chat._id },
          headers: headersOf(kind),
        })
      ).status,
    expect: {
      anonymous: 401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'upload without a chat',
    chat: 'assigned',
    act: async (_chat, kind) =>
      (await upload(server, { bytes: 'x', name: 'x.txt', headers: headersOf(kind) })).status,
    expect: {
      anonymous: 401,
      owner: 200,
      otherUser: 200,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    name: "send the owner's unused attachment in the chat",
    chat: 'assigned',
    act: async (chat, kind) => {
      const att = await ownersAttachment(chat, true);
      const c = kind === 'anonymous' ? callers.owner : callers[kind];
      const body = {
        chatId: chat._id,
        senderId: c.id,
        senderType: c.role === 'user' ? 'user' : 'admin',
        senderName: 'N',
        content: 'here',
        attachmentId: att.id,
      };
      return (await api(server, 'POST', '/api/messages', body, { headers: headersOf(kind) }))
        .status;
    },
    expect: {
      anonymous: 401,
      owner: 200,
      otherUser: 403,
      assignee: 409,
      otherAdmin: 403,
      superadmin: 409,
    },
  },
  {
    name: 'download a sent attachment by its bare path (assigned chat)',
    chat: 'assigned',
    act: async (chat, kind) =>
      (await download(server, bare((await ownersAttachment(chat)).url), headersOf(kind))).status,
    expect: {
      anonymous: 401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 403,
      superadmin: 200,
    },
  },
  {
    name: 'download a sent attachment by its bare path (waiting chat: every admin sees it)',
    chat: 'waiting',
    act: async (chat, kind) =>
      (await download(server, bare((await ownersAttachment(chat)).url), headersOf(kind))).status,
    expect: {
      anonymous: 401,
      owner: 200,
      otherUser: 403,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
  {
    name: 'download an unused upload by its bare path (its uploader only)',
    chat: 'assigned',
    act: async (chat, kind) =>
      (await download(server, bare((await ownersAttachment(chat, true)).url), headersOf(kind)))
        .status,
    expect: {
      anonymous: 401,
      owner: 200,
      otherUser: 403,
      assignee: 403,
      otherAdmin: 403,
      superadmin: 403,
    },
  },
  {
    name: 'download by a signed link (anyone holding it)',
    chat: 'assigned',
    act: async (chat, kind) =>
      (await download(server, (await ownersAttachment(chat)).url, headersOf(kind))).status,
    expect: {
      anonymous: 200,
      owner: 200,
      otherUser: 200,
      assignee: 200,
      otherAdmin: 200,
      superadmin: 200,
    },
  },
];

describe('attachments with AUTH_MODE=jwt: every action, every caller', () => {
  for (const row of rows) {
    for (const kind of KINDS) {
      it(`${row.name} as ${kind}: ${row.expect[kind]}`, async () => {
        const chat = await scene(row.chat);
        expect(await row.act(chat, kind)).toBe(row.expect[kind]);
      });
    }
  }

  it('a payload identity that does not match the token is refused, and stores nothing', async () => {
    await scene('assigned');
    const res = await upload(server, {
      bytes: 'x',
      name: 'x.txt',
      fields: { senderId: callers.otherUser.id, senderType: 'user' },
      headers: callers.owner.headers,
    });
    expect(res.status).toBe(403);
    expect(await server.store.attachments.bytesHeldBy(callers.otherUser.id)).toBe(0);
    expect(await server.store.attachments.bytesHeldBy(callers.owner.id)).toBe(0);
  });
});
