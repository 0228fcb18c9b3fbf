/**
 * Input at the edges of what the stores can hold: every one is a 400 in the failure envelope
 * naming the field, the same on both stores, and nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import { fetchHistory, forChat, openChat, restSend } from '../helpers/flows.js';
import { api, request, succeeded } from '../helpers/server.js';
import { failed } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('edges of valid input on $name', (target) => {
  const world = useWorld(target);

  const expectRefused = (res: { status: number; body: Record<string, unknown> }, field: string) => {
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    expect(String(res.body.error)).toMatch(new RegExp(`^${field}\\b`));
  };

  it.each([
    ['a NUL character', 'hello\u0000world'],
    ['a lone surrogate', 'hello \ud800 world'],
  ])('content with %s is refused and nothing is stored', async (_what, content) => {
    const user = await world.user();
    const chat = await openChat(world, user);
    expectRefused(await restSend(world, user, 'user', { chatId: chat._id, content }), 'content');
    const history = await api(world.server(), 'GET', `/api/messages/${chat._id}`);
    expect(history.body.messages).toEqual([]);
  });

  it.each([
    ['senderName', { senderName: 'Ali\u0000' }],
    ['clientMessageId', { clientMessageId: 'k\u0000' }],
    ['clientMessageId', { clientMessageId: '\udc00' }],
  ])('%s with a NUL or lone surrogate is refused', async (field, fields) => {
    const user = await world.user();
    const chat = await openChat(world, user);
    expectRefused(
      await restSend(world, user, 'user', { chatId: chat._id, content: 'hi', ...fields }),
      field,
    );
  });

  describe('names refuse bidirectional controls; message texts keep them', () => {
    const SPOOF = 'Ali\u202Egnp.exe';

    it.each([
      ['U+202A (LRE)', '\u202A'],
      ['U+202E (RLO)', '\u202E'],
      ['U+2066 (LRI)', '\u2066'],
      ['U+2069 (PDI)', '\u2069'],
    ])('a name with %s is refused over REST, naming the field', async (_label, control) => {
      const user = await world.user();
      const admin = await world.admin();
      expectRefused(
        await api(world.server(), 'POST', '/api/chats', {
          userId: user.id,
          userName: `Ali${control}x`,
        }),
        'userName',
      );
      const chat = await openChat(world, user);
      expectRefused(
        await api(world.server(), 'POST', '/api/chats/assign', {
          chatId: chat._id,
          adminId: admin.id,
          adminName: `Boris${control}`,
        }),
        'adminName',
      );
      expectRefused(
        await restSend(world, user, 'user', {
          chatId: chat._id,
          content: 'hi',
          senderName: `x${control}`,
        }),
        'senderName',
      );
      const stored = await request(world.server(), 'GET /api/chats/user/:userId', {
        params: { userId: user.id },
      });
      expect(succeeded(stored).chats[0]?.assignedAdminId).toBe(null);
    });

    it('a name with a bidirectional control is refused on the socket too', async () => {
      const client = (await world.user()).client;
      for (const [event, payload, field] of [
        ['join-user', { userId: world.uid('u'), userName: SPOOF }, 'userName'],
        ['join-admin', { adminId: world.uid('a'), adminName: SPOOF }, 'adminName'],
        ['send-message', { content: 'hi', senderName: SPOOF }, 'senderName'],
      ] as const) {
        const ack = await client.emitAck(event, payload);
        expect(ack, event).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
        expect(failed(ack).error, event).toMatch(new RegExp(`^${field}\\b`));
      }
    });

    it('right-to-left marks are fine in a name, and a text keeps its controls as written', async () => {
      const user = await world.user();
      const named = await request(world.server(), 'POST /api/chats', {
        body: { userId: user.id, userName: '\u200Fנועה\u200E \u061C' },
      });
      expect(named.status).toBe(200);
      const { chat } = succeeded(named);
      const content = `invoice_${SPOOF}\u2066x\u2069`;
      expect((await restSend(world, user, 'user', { chatId: chat._id, content })).status).toBe(200);
      const history = await fetchHistory(world.server(), chat._id);
      expect(succeeded(history).messages[0]?.content).toBe(content);
    });
  });

  it('a path id with a NUL is a 400 naming it', async () => {
    expectRefused(await api(world.server(), 'GET', '/api/messages/abc%00def'), 'chatId');
    expectRefused(await api(world.server(), 'GET', '/api/chats/user/u%00x'), 'userId');
  });

  it('ids are at most 100 characters everywhere, with the envelope', async () => {
    const long = 'u'.repeat(110);
    expectRefused(
      await api(world.server(), 'POST', '/api/chats', { userId: long, userName: 'Long' }),
      'userId',
    );
    expectRefused(await api(world.server(), 'GET', `/api/chats/user/${long}`), 'userId');
    expectRefused(await api(world.server(), 'GET', `/api/messages/${long}`), 'chatId');
    expectRefused(await api(world.server(), 'PATCH', `/api/chats/${long}/close`), 'chatId');
    // Far longer than any id: the router's own refusal keeps the envelope too.
    const huge = await api(world.server(), 'GET', `/api/messages/${'x'.repeat(5000)}`);
    expect(huge.status).toBe(400);
    expect(huge.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    const ok = await api(world.server(), 'POST', '/api/chats', {
      userId: 'u'.repeat(100),
      userName: 'Exactly 100',
    });
    expect(ok.status).toBe(200);
  });

  it.each(['after=2147483648', 'before=2147483648', 'page=2147483648', 'after=99999999999999'])(
    "?%s is out of the stores' range: 400",
    async (query) => {
      const user = await world.user();
      const chat = await openChat(world, user);
      const res = await api(world.server(), 'GET', `/api/messages/${chat._id}?${query}`);
      expectRefused(res, query.slice(0, query.indexOf('=')));
    },
  );

  it('?after=2147483647, the largest seq, answers an empty page', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const res = await api(world.server(), 'GET', `/api/messages/${chat._id}?after=2147483647`);
    expect(res.status).toBe(200);
    expect(res.body.messages).toEqual([]);
  });

  it.each([
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'not a url',
  ])('fileUrl %s is refused', async (fileUrl) => {
    const user = await world.user();
    const chat = await openChat(world, user);
    expectRefused(
      await restSend(world, user, 'user', {
        chatId: chat._id,
        content: '',
        messageType: 'file',
        fileUrl,
      }),
      'fileUrl',
    );
  });

  it('an http(s) fileUrl is taken, over REST and socket alike', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const rest = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: '',
      messageType: 'image',
      fileUrl: 'https://cdn.example/receipt.png',
    });
    expect(rest.status).toBe(200);
    await user.client.emitAck('join-chat', { chatId: chat._id });
    const ack = await user.client.emitAck('send-message', {
      chatId: chat._id,
      content: '',
      messageType: 'file',
      fileUrl: 'javascript:alert(1)',
    });
    expect(ack).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    expect(failed(ack).error).toMatch(/^fileUrl/);
    const history = await api(world.server(), 'GET', `/api/messages/${chat._id}`);
    expect(history.body.messages).toHaveLength(1);
    expect(user.client.of('new-message').filter(forChat(chat._id))).toHaveLength(0);
  });
});
