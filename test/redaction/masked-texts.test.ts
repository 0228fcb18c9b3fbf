/**
 * A card number a client sends is masked before anything keeps or passes it on: the
 * sender's ack, the live event, the history, the chat's preview and the sender's name all
 * carry the masked form, and the message says so in `redacted`.
 */
import { describe, expect, it } from 'vitest';
import { assignChat, fetchHistory, fetchUserChats, openChat, restSend } from '../helpers/flows.js';
import { api, replyOf, request, succeeded } from '../helpers/server.js';
import { accepted } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

const CARD = '4111 1111 1111 1111';
const MASKED = '4111 11** **** 1111';

describe.each(await storeTargets())('card numbers in sent texts on $name', (target) => {
  const world = useWorld(target);

  it('a user socket send is stored, acked, broadcast and listed masked', async () => {
    const admin = await world.admin();
    const user = await world.user();
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    await admin.client.emitAck('join-chat', { chatId: chat._id });
    const heard = admin.client.waitFor('new-message', (p) => p.message.chatId === chat._id);

    const ack = accepted(
      await user.client.emitAck('send-message', {
        chatId: chat._id,
        content: `my payment to card ${CARD} is stuck, order 88812734`,
      }),
    );
    const expected = `my payment to card ${MASKED} is stuck, order 88812734`;
    expect(ack.message).toMatchObject({ content: expected, redacted: ['pan'] });
    expect((await heard).message).toMatchObject({ content: expected, redacted: ['pan'] });

    const history = succeeded(await fetchHistory(world.server(), chat._id));
    expect(history.messages.map((m) => [m.content, m.redacted])).toEqual([[expected, ['pan']]]);
    const chats = succeeded(await fetchUserChats(world.server(), user.id)).chats;
    expect(chats.find((c) => c._id === chat._id)?.lastMessage).toBe(expected);
    expect(JSON.stringify(history)).not.toContain('1111 1111 1111');
  });

  it('a REST send masks the content and the sender name, and a plain message has no redacted field', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const masked = succeeded(
      await restSend(world, { ...user, name: `Card 5555555555554444` }, 'user', {
        chatId: chat._id,
        content: '5555-5555-5555-4444 please',
      }),
    ).message;
    expect(masked).toMatchObject({
      content: '5555-55**-****-4444 please',
      senderName: 'Card 555555******4444',
      redacted: ['pan'],
    });
    const plain = succeeded(
      await restSend(world, user, 'user', { chatId: chat._id, content: 'phone +998 90 123 45 67' }),
    ).message;
    expect(plain.content).toBe('phone +998 90 123 45 67');
    expect(plain).not.toHaveProperty('redacted');
    const history = succeeded(await fetchHistory(world.server(), chat._id)).messages;
    expect(history.map((m) => m.redacted)).toEqual([['pan'], undefined]);
  });

  it("a message's fileUrl with a card number in it is stored and answered masked", async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const ack = accepted(
      await user.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'receipt',
        messageType: 'image',
        fileUrl: 'https://files.example.com/receipt.png?card=4111111111111111',
      }),
    );
    const expected = 'https://files.example.com/receipt.png?card=411111******1111';
    expect(ack.message).toMatchObject({ fileUrl: expected, redacted: ['pan'] });
    const history = succeeded(await fetchHistory(world.server(), chat._id)).messages;
    expect(history.map((m) => m.fileUrl)).toEqual([expected]);
  });

  it("a label's card number is masked in the chat, the event, the filter and the audit entry", async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    const heard = admin.client.waitFor('chat-labels', (p) => p.chatId === chat._id);
    const res = replyOf(
      'PUT /api/chats/:chatId/labels',
      await api(world.server(), 'PUT', `/api/chats/${chat._id}/labels?adminId=${admin.id}`, {
        labels: [`card ${CARD}`],
      }),
    );
    expect(succeeded(res).chat.labels).toEqual([`card ${MASKED}`]);
    expect((await heard).labels).toEqual([`card ${MASKED}`]);
    const audit = succeeded(
      await request(world.server(), 'GET /api/audit', {
        query: { chatId: chat._id, action: 'chat.labelled' },
      }),
    ).entries;
    expect(JSON.stringify(audit)).toContain(MASKED);
    expect(JSON.stringify(audit)).not.toContain(CARD);
  });

  it("a canned reply's title and content are stored, answered and listed masked", async () => {
    const admin = world.uid('canned');
    const created = succeeded(
      await request(world.server(), 'POST /api/canned-replies', {
        query: { adminId: admin },
        body: {
          shortcut: world.uid('card'),
          title: `Card ${CARD}`,
          content: `Your card ${CARD} is blocked`,
        },
      }),
    ).cannedReply;
    expect(created).toMatchObject({
      title: `Card ${MASKED}`,
      content: `Your card ${MASKED} is blocked`,
    });
    const listed = succeeded(
      await request(world.server(), 'GET /api/canned-replies', { query: { adminId: admin } }),
    ).cannedReplies;
    expect(JSON.stringify(listed)).not.toContain(CARD);
    expect(listed.find((r) => r.id === created.id)?.content).toBe(`Your card ${MASKED} is blocked`);
  });
});
