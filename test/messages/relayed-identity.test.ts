/**
 * What the server relays about who did something comes from the authenticated identity,
 * never from the payload: a typing indicator carries the token's name, whatever name the
 * payload gives.
 */
import { describe, expect, it } from 'vitest';
import { api, request, startTestServer, succeeded } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';

describe('relayed identity with AUTH_MODE=jwt', () => {
  it('typing carries the token name over socket and REST; read receipts the token id', async () => {
    const server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, JWT_ENV);
    const userToken = await signToken('u-real', 'user', 'Real Name');
    const adminToken = await signToken('a-watch', 'superadmin', 'Watcher');
    const user = await connectClient(server.url, { auth: { token: userToken } });
    const admin = await connectClient(server.url, { auth: { token: adminToken } });
    try {
      const opened = await request(
        server,
        'POST /api/chats',
        { body: { userId: 'u-real', userName: 'Real Name' } },
        bearer(userToken).headers,
      );
      const chatId = succeeded(opened).chat._id;
      expect(await admin.emitAck('join-chat', { chatId })).toMatchObject({ success: true });

      const socketTyping = await user.emitAck('typing', {
        chatId,
        userId: 'u-real',
        userName: 'Someone Else',
        isTyping: true,
      });
      expect(socketTyping.success).toBe(true);
      const rest = await api(
        server,
        'POST',
        '/api/messages/typing',
        { chatId, userId: 'u-real', userName: 'Also Fake', isTyping: false },
        bearer(userToken),
      );
      expect(rest.status).toBe(200);
      await admin.waitFor('typing', (p) => p.isTyping === false);
      expect(admin.of('typing')).toEqual([
        { chatId, userId: 'u-real', userName: 'Real Name', isTyping: true },
        { chatId, userId: 'u-real', userName: 'Real Name', isTyping: false },
      ]);

      await user.emitAck('mark-read', { chatId, readerId: 'u-real', readerType: 'user' });
      expect(await admin.waitFor('messages-read')).toEqual({
        chatId,
        readerId: 'u-real',
        readerType: 'user',
      });
    } finally {
      user.close();
      admin.close();
      await server.close();
    }
  });
});
