/**
 * The scene that proves an internal note never reaches a user, on one node or two: with
 * AUTH_MODE=jwt, the chat's user has a socket in their own room and the chat's room on
 * one node and a socket in the chat's room alone on the other; the assignee shares the
 * user's id (ids of users and admins may coincide). Admins write notes by socket and
 * REST on the writer's node, then a real message follows: once the user has that, every
 * note would have come before it. The user hears of none, reads none in history and is
 * refused `includeNotes`; the admins get them.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { quiet } from './quiet.js';
import { api, noteReplyOf, request, succeeded } from './server.js';
import { accepted, connectClient, type TestClient } from './sockets.js';
import { bearer, signToken } from './tokens.js';

export interface NoteLeakNodes {
  /** Where the notes are written. */
  writer: RunningServer;
  /** Where the user (and the admins who watch) are connected; the writer's node too for one node. */
  reader: RunningServer;
  /** How long an event that must not arrive is waited for. */
  quietMs: number;
}

export async function noteNeverReachesTheUser(
  { writer, reader, quietMs }: NoteLeakNodes,
  clients: TestClient[],
): Promise<void> {
  const shared = `same-${randomUUID().slice(0, 8)}`;
  const superId = `super-${randomUUID().slice(0, 8)}`;
  const userToken = await signToken(shared, 'user', 'Dilnoza');
  const adminToken = await signToken(shared, 'admin', 'Ali');
  const superToken = await signToken(superId, 'superadmin', 'Lead');
  const connect = async (node: RunningServer, token: string) => {
    const client = await connectClient(node.url, { auth: { token } });
    clients.push(client);
    return client;
  };

  const userSocket = await connect(reader, userToken);
  accepted(await userSocket.emitAck('join-user', { userId: shared, userName: 'Dilnoza' }));
  const opened = await request(
    reader,
    'POST /api/chats',
    { body: { userId: shared, userName: 'Dilnoza' } },
    bearer(userToken).headers,
  );
  const chat = succeeded(opened).chat;
  const assigned = await request(
    writer,
    'POST /api/chats/assign',
    { body: { chatId: chat._id, adminId: shared, adminName: 'Ali' } },
    bearer(adminToken).headers,
  );
  expect(assigned.status).toBe(200);
  accepted(await userSocket.emitAck('join-chat', { chatId: chat._id }));
  // A second tab of the user on the other node, in the chat's room only.
  const userTab = await connect(writer, userToken);
  accepted(await userTab.emitAck('join-chat', { chatId: chat._id }));

  const watcher = await connect(reader, superToken);
  accepted(await watcher.emitAck('join-admin', { adminId: superId, isSuperAdmin: true }));
  accepted(await watcher.emitAck('join-chat', { chatId: chat._id }));
  const assigneeElsewhere = await connect(reader, adminToken);
  accepted(await assigneeElsewhere.emitAck('join-admin', { adminId: shared }));

  const assigneeWriting = await connect(writer, adminToken);
  accepted(await assigneeWriting.emitAck('join-admin', { adminId: shared }));
  accepted(await assigneeWriting.emitAck('join-chat', { chatId: chat._id }));
  const bySocket = accepted(
    await assigneeWriting.emitAck('send-message', {
      chatId: chat._id,
      content: 'SECRET-socket: KYC flagged, do not promise a refund',
      internal: true,
    }),
  ).note;
  const byRest = noteReplyOf(
    await api(
      writer,
      'POST',
      '/api/messages',
      {
        chatId: chat._id,
        senderId: superId,
        senderType: 'admin',
        senderName: 'Lead',
        content: 'SECRET-rest: checked with compliance',
        internal: true,
      },
      bearer(superToken),
    ),
  );
  expect(byRest.status).toBe(200);
  const notes = [bySocket, succeeded(byRest).note];

  // A real message after the notes: once the user has it, the notes would have come.
  const sent = await request(
    writer,
    'POST /api/messages',
    {
      body: {
        chatId: chat._id,
        senderId: shared,
        senderType: 'admin',
        senderName: 'Ali',
        content: 'We are looking into it',
      },
    },
    bearer(adminToken).headers,
  );
  const message = succeeded(sent).message;
  for (const socket of [userSocket, userTab]) {
    await socket.waitFor('new-message', (p) => p.message._id === message._id);
  }
  for (const admin of [watcher, assigneeElsewhere]) {
    for (const note of notes) {
      await admin.waitFor('note-added', (p) => p.note._id === note._id);
    }
  }
  await quiet(quietMs);

  for (const socket of [userSocket, userTab]) {
    expect(socket.of('note-added')).toEqual([]);
    expect(JSON.stringify(socket.received)).not.toContain('SECRET');
  }

  // History: never in the user's pages; includeNotes refused; the admins read both.
  for (const query of ['', '?after=0', '?before=99', '?page=1&limit=1']) {
    const page = await api(
      reader,
      'GET',
      `/api/messages/${chat._id}${query}`,
      undefined,
      bearer(userToken),
    );
    expect(page.status).toBe(200);
    expect(page.body).not.toHaveProperty('notes');
    expect(JSON.stringify(page.body)).not.toContain('SECRET');
    const asking = await api(
      reader,
      'GET',
      `/api/messages/${chat._id}${query === '' ? '?' : `${query}&`}includeNotes=1`,
      undefined,
      bearer(userToken),
    );
    expect(asking.status).toBe(403);
    expect(JSON.stringify(asking.body)).not.toContain('SECRET');
  }
  const forAdmins = await api(
    reader,
    'GET',
    `/api/messages/${chat._id}?includeNotes=1`,
    undefined,
    bearer(adminToken),
  );
  expect(forAdmins.status).toBe(200);
  expect(forAdmins.body).toMatchObject({ notes });
}
