/**
 * PUBLIC_URL: a message's fileUrl for an attachment is an absolute link on that base, so a
 * v2 client that shows fileUrl as a link gets one that works; `attachment.url` stays the
 * path v3 clients resolve themselves. Without it fileUrl is the signed path, as before.
 */
import { describe, expect, it } from 'vitest';
import { type Message, openChat, restSend } from '../helpers/flows.js';
import { api } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { download, PDF, upload, uploaded } from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

const [sqlite] = await storeTargets();
if (!sqlite) throw new Error('no SQLite target');

describe('PUBLIC_URL set (behind a proxy, under a path)', () => {
  const world = useWorld(sqlite, { PUBLIC_URL: 'https://chat.example.com/support/' });

  it('fileUrl is the absolute signed link on every way a message leaves; attachment.url is the path', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const att = uploaded(
      await upload(world.server(), {
        bytes: PDF,
        name: 'statement.pdf',
        fields: { chatId: chat._id, senderId: user.id, senderType: 'user', senderName: user.name },
      }),
    );
    expect(att.url).toMatch(/^\/api\/attachments\//);
    const absolute = new RegExp(
      `^https://chat\\.example\\.com/support/api/attachments/${att.id}\\?exp=\\d+(&v=[\\w-]+)?&sig=[\\w-]+$`,
    );
    const sent = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: '',
      attachmentId: att.id,
    });
    const message = sent.body.message as Message;
    expect(message.fileUrl).toMatch(absolute);
    expect(message.attachment?.url).toMatch(/^\/api\/attachments\//);
    const page = await api(world.server(), 'GET', `/api/messages/${chat._id}`);
    const stored = (page.body.messages as Message[])[0] as Message;
    expect(stored.fileUrl).toMatch(absolute);
    // The proxy strips /support: the path and its signature are what this server checks.
    const path = new URL(stored.fileUrl ?? '').href.replace('https://chat.example.com/support', '');
    expect((await download(world.server(), path)).status).toBe(200);
  });
});

describe('PUBLIC_URL unset', () => {
  const world = useWorld(sqlite);

  it('fileUrl is the signed path', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const att = uploaded(
      await upload(world.server(), {
        bytes: PDF,
        name: 'statement.pdf',
        fields: { chatId: chat._id, senderId: user.id, senderType: 'user', senderName: user.name },
      }),
    );
    const sent = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: '',
      attachmentId: att.id,
    });
    expect((sent.body.message as Message).fileUrl).toMatch(
      new RegExp(`^/api/attachments/${att.id}\\?exp=\\d+(&v=[\\w-]+)?&sig=[\\w-]+$`),
    );
  });
});
