import { describe, expect, it } from 'vitest';
import { CLIENT_EVENTS } from '../../src/schemas/events.js';
import { fetchHistory, openChat, restSend } from '../helpers/flows.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, succeeded } from '../helpers/server.js';
import { connectClient, failed } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

const LIMIT = 64 * 1024;

describe.each(await storeTargets())('bad input on $name', (target) => {
  const world = useWorld(target);

  const expectFailure = (
    res: { status: number; body: Record<string, unknown> },
    status: number,
    code: string,
    mentions?: RegExp,
  ) => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ success: false, code });
    expect(typeof res.body.error).toBe('string');
    if (mentions) expect(res.body.error).toMatch(mentions);
  };

  it('wrong types and missing fields get 400 naming the field', async () => {
    const s = world.server();
    expectFailure(
      await api(s, 'POST', '/api/chats', { userId: 42, userName: 'x' }),
      400,
      'VALIDATION_ERROR',
      /userId/,
    );
    expectFailure(
      await api(s, 'POST', '/api/chats', { userName: 'x' }),
      400,
      'VALIDATION_ERROR',
      /userId/,
    );
    expectFailure(
      await api(s, 'POST', '/api/chats/assign', { chatId: 'a', adminId: 'b' }),
      400,
      'VALIDATION_ERROR',
      /adminName/,
    );
    expectFailure(
      await api(s, 'POST', '/api/messages', {
        senderId: 'u',
        senderType: 'robot',
        senderName: 'n',
        content: 'x',
      }),
      400,
      'VALIDATION_ERROR',
      /senderType/,
    );
    expectFailure(
      await api(s, 'POST', '/api/messages/typing', {
        chatId: 'c',
        userId: 'u',
        userName: 'n',
        isTyping: 'yes',
      }),
      400,
      'VALIDATION_ERROR',
      /isTyping/,
    );
    expectFailure(
      await api(s, 'POST', '/api/status', { userId: 'u' }),
      400,
      'VALIDATION_ERROR',
      /online/,
    );
    expectFailure(
      await api(s, 'GET', '/api/messages/abc?page=zero'),
      400,
      'VALIDATION_ERROR',
      /page/,
    );
    expectFailure(
      await api(s, 'GET', '/api/chats/all?status=open'),
      400,
      'VALIDATION_ERROR',
      /status/,
    );
  });

  it('non-object and malformed JSON bodies get 400; other media types 415', async () => {
    const s = world.server();
    expectFailure(
      await api(s, 'POST', '/api/chats', undefined, { raw: '{"userId": "u", ' }),
      400,
      'INVALID_JSON',
    );
    for (const raw of ['"just a string"', '[1,2,3]', 'null', '42']) {
      expectFailure(
        await api(s, 'POST', '/api/chats', undefined, { raw }),
        400,
        'VALIDATION_ERROR',
      );
    }
    const text = await api(s, 'POST', '/api/chats', undefined, {
      raw: 'userId=u',
      headers: { 'content-type': 'text/plain' },
    });
    // Saying what to send, not only that this was refused.
    expectFailure(text, 415, 'UNSUPPORTED_MEDIA_TYPE', /application\/json/);
  });

  it('a body of another media type is told what is accepted and what it sent', async () => {
    const s = world.server();
    // A v2 client's form-encoded close, or a fetch that forgot its Content-Type.
    const form = await api(s, 'PATCH', '/api/chats/c1/close', undefined, {
      raw: 'x=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expectFailure(
      form,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /application\/json.*application\/x-www-form-urlencoded/,
    );
    const untyped = await fetch(`${s.url}/api/chats`, {
      method: 'POST',
      body: new Blob(['{"userId":"u","userName":"U"}']),
    });
    expect(untyped.status).toBe(415);
    expect(((await untyped.json()) as { error: string }).error).toMatch(
      /application\/json.*no Content-Type/,
    );
  });

  it('a body over 64 KiB gets 413; a message over 10,000 characters gets 400; neither is stored', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const huge = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: 'x'.repeat(LIMIT + 1),
    });
    expectFailure(huge, 413, 'PAYLOAD_TOO_LARGE');
    const long = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: 'y'.repeat(10_001),
    });
    expectFailure(long, 400, 'VALIDATION_ERROR', /content/);
    const fine = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: 'z'.repeat(10_000),
    });
    expect(fine.status).toBe(200);
    expect(succeeded(fine).message.seq).toBe(1);
    const history = await fetchHistory(world.server(), chat._id);
    expect(succeeded(history).messages.map((m) => m.seq)).toEqual([1]);
  });

  it('unknown chat ids get 404 on every route that takes one, and change nothing', async () => {
    const s = world.server();
    const ghost = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const user = await world.user();
    const calls = [
      api(s, 'GET', `/api/messages/${ghost}`),
      api(s, 'PATCH', `/api/chats/${ghost}/close`),
      api(s, 'POST', '/api/chats/lock', { chatId: ghost, adminId: 'a', adminName: 'A' }),
      api(s, 'POST', '/api/chats/unlock', { chatId: ghost, adminId: 'a' }),
      api(s, 'POST', '/api/chats/transfer', {
        chatId: ghost,
        fromAdminId: 'a',
        toAdminId: 'b',
        toAdminName: 'B',
      }),
      api(s, 'POST', '/api/messages/read', { chatId: ghost, readerId: 'a', readerType: 'admin' }),
      api(s, 'POST', '/api/messages/typing', {
        chatId: ghost,
        userId: 'a',
        userName: 'A',
        isTyping: true,
      }),
      restSend(world, user, 'user', { chatId: ghost, content: 'lost' }),
    ];
    for (const res of await Promise.all(calls)) expectFailure(res, 404, 'CHAT_NOT_FOUND');
    const chats = await api(s, 'GET', `/api/chats/user/${user.id}`);
    expect(chats.body.chats).toEqual([]);
  });

  it('an unknown route answers a 404 envelope', async () => {
    expectFailure(await api(world.server(), 'GET', '/api/nope'), 404, 'NOT_FOUND', /nope/);
  });

  it('garbage socket payloads get an error ack naming the problem and change nothing', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const events = CLIENT_EVENTS.filter((e) => e !== 'ping');
    const garbage: unknown[] = ['text', 12, null, [1, 2], { chatId: 5 }, {}];
    for (const event of events) {
      for (const payload of garbage) {
        const ack = await user.client.emitAck(event, payload);
        expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({
          success: false,
          code: 'VALIDATION_ERROR',
        });
        expect(typeof failed(ack).error).toBe('string');
      }
    }
    const tooLong = await user.client.emitAck('send-message', {
      chatId: chat._id,
      content: 'q'.repeat(10_001),
    });
    expect(tooLong).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    expect(failed(tooLong).error).toMatch(/content/);
    const history = await api(world.server(), 'GET', `/api/messages/${chat._id}`);
    expect(history.body.messages).toEqual([]);
    expect(
      await user.client.emitAck('send-message', { chatId: chat._id, content: 'still works' }),
    ).toMatchObject({
      success: true,
      message: { seq: 1 },
    });
  });

  it('unknown socket events get UNKNOWN_EVENT, as an ack or as an error event', async () => {
    const client = await world.bystander();
    expect(await client.emitAck('drop-tables', { all: true })).toMatchObject({
      success: false,
      code: 'UNKNOWN_EVENT',
    });
    client.socket.emit('format-disk');
    expect(await client.waitFor('error')).toMatchObject({
      success: false,
      code: 'UNKNOWN_EVENT',
      event: 'format-disk',
    });
  });

  it('an event frame without a name gets UNKNOWN_EVENT and repeats nothing of the server back', async () => {
    const client = await world.bystander();
    // "225": a Socket.io EVENT with ack id 25 and no data at all.
    client.socket.io.engine.write('225');
    const error = await client.waitFor('error');
    expect(error).toMatchObject({ success: false, code: 'UNKNOWN_EVENT', event: '(function)' });
    expect(error.error).toBe('An event needs a name (a string)');
  });

  it('a socket frame over 64 KiB is refused by the transport; the server and other clients carry on', async () => {
    const [user, other] = await Promise.all([world.user(), world.user()]);
    const chat = await openChat(world, user);
    const otherChat = await openChat(world, other);
    const big = await connectClient(world.server().url);
    const closed = new Promise<string>((resolve) =>
      big.socket.on('disconnect', (reason) => resolve(reason)),
    );
    big.socket.emit('send-message', {
      chatId: chat._id,
      senderId: user.id,
      senderType: 'user',
      senderName: user.name,
      content: 'x'.repeat(LIMIT + 10),
    });
    expect(await closed).toMatch(/transport/);
    expect((await api(world.server(), 'GET', `/api/messages/${chat._id}`)).body.messages).toEqual(
      [],
    );
    const ack = await other.client.emitAck('send-message', {
      chatId: otherChat._id,
      content: 'unaffected',
    });
    expect(ack).toMatchObject({ success: true });
    await quiet(ONE_NODE_QUIET_MS);
    const health = await api(world.server(), 'GET', '/health');
    expect(health.status).toBe(200);
  });
});
