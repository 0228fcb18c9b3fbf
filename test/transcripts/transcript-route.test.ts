/**
 * GET /api/chats/:chatId/transcript with tokens, on each store: who gets a copy (history's
 * rule) and which (notes only in an admin's), what is in it (every message by seq, masked
 * card numbers, attachments by path, the chat's audit hash), the HTML escaped and served
 * as a download whose own policy lets its styles apply, and the refusals.
 */
import { describe, expect, it } from 'vitest';
import { successEnvelope } from '../../src/schemas/replies.js';
import { TranscriptReply } from '../../src/schemas/transcript.js';
import { api, request, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { useWorld } from '../helpers/world.js';

const Envelope = successEnvelope(TranscriptReply);

describe.each(await storeTargets())('chat transcripts on $name (jwt)', (target) => {
  const world = useWorld(target, JWT_ENV);

  interface Caller {
    id: string;
    name: string;
    type: 'user' | 'admin';
    headers: Record<string, string>;
  }
  async function caller(role: 'user' | 'admin' | 'superadmin', name?: string): Promise<Caller> {
    const id = world.uid(role);
    const shown = name ?? `Name ${id}`;
    return {
      id,
      name: shown,
      type: role === 'user' ? 'user' : 'admin',
      headers: { authorization: `Bearer ${await signToken(id, role, shown)}` },
    };
  }

  async function send(who: Caller, body: Record<string, unknown>) {
    const fields = { senderId: who.id, senderType: who.type, senderName: who.name, ...body };
    const res = await api(world.server(), 'POST', '/api/messages', fields, {
      headers: who.headers,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  /** A chat its user and admin wrote in, with a note of the admin between messages 2 and 3. */
  async function scene(userName?: string) {
    const [user, admin] = await Promise.all([caller('user', userName), caller('admin')]);
    const opened = await request(
      world.server(),
      'POST /api/chats',
      { body: { userId: user.id, userName: user.name } },
      user.headers,
    );
    const chatId = succeeded(opened).chat._id;
    const taken = await request(
      world.server(),
      'POST /api/chats/assign',
      { body: { chatId, adminId: admin.id, adminName: admin.name } },
      admin.headers,
    );
    expect(taken.status).toBe(200);
    await send(user, { chatId, content: 'Hello <script>alert("x")</script> & \'bye\'' });
    await send(admin, { chatId, content: 'مرحبا، كيف يمكنني المساعدة؟' });
    await send(admin, { chatId, internal: true, content: 'NOTE-SECRET refund pending' });
    await send(user, { chatId, content: 'my card 4111 1111 1111 1111 <b>bold</b>' });
    return { user, admin, chatId };
  }

  async function transcript(chatId: string, format: string, who: Caller | null) {
    const res = await fetch(
      `${world.server().url}/api/chats/${encodeURIComponent(chatId)}/transcript?format=${format}`,
      { headers: who?.headers ?? {} },
    );
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  async function lastAuditHash(chatId: string): Promise<string | undefined> {
    const superadmin = await caller('superadmin');
    const res = await request(
      world.server(),
      'GET /api/audit',
      { query: { chatId, limit: '1' } },
      superadmin.headers,
    );
    return succeeded(res).entries[0]?.hash;
  }

  it("the user's JSON copy: every message by seq with its sender, masked card numbers, the audit hash, no notes", async () => {
    const { user, admin, chatId } = await scene();
    const res = await transcript(chatId, 'json', user);
    expect(res.status).toBe(200);
    const body = Envelope.parse(JSON.parse(res.text));
    const t = TranscriptReply.parse(body).transcript;
    expect(t.withNotes).toBe(false);
    expect(t.notes).toBeUndefined();
    expect(res.text).not.toContain('NOTE-SECRET');
    expect(t.messages.map((m) => [m.seq, m.sender.type, m.sender.id, m.sender.name])).toEqual([
      [1, 'user', user.id, user.name],
      [2, 'admin', admin.id, admin.name],
      [3, 'user', user.id, user.name],
    ]);
    expect(t.messages[2]).toMatchObject({
      content: 'my card 4111 11** **** 1111 <b>bold</b>',
      redacted: ['pan'],
    });
    expect(res.text).not.toContain('4111 1111 1111 1111');
    expect(t.chat).toMatchObject({ _id: chatId, userId: user.id, status: 'active' });
    expect(t.auditHash).toMatch(/^[0-9a-f]{64}$/);
    expect(t.auditHash).toBe(await lastAuditHash(chatId));
    expect(Date.parse(t.generatedAt)).not.toBeNaN();
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="transcript-[A-Za-z0-9_-]+-\d{4}-\d{2}-\d{2}\.json"$/,
    );
  });

  it("the assignee's and a superadmin's copies have the notes, placed after the message before them", async () => {
    const { admin, chatId } = await scene();
    const superadmin = await caller('superadmin');
    for (const who of [admin, superadmin]) {
      const json = await transcript(chatId, 'json', who);
      const t = TranscriptReply.parse(Envelope.parse(JSON.parse(json.text))).transcript;
      expect(t.withNotes).toBe(true);
      expect(t.notes?.map((n) => [n.afterSeq, n.content, n.sender.id])).toEqual([
        [2, 'NOTE-SECRET refund pending', admin.id],
      ]);
      const html = await transcript(chatId, 'html', who);
      const at = (text: string) => html.text.indexOf(text);
      expect(at('NOTE-SECRET')).toBeGreaterThan(at('#2 ·'));
      expect(at('NOTE-SECRET')).toBeLessThan(at('#3 ·'));
    }
  });

  it('the HTML copy escapes every text, keeps right-to-left text in its own direction, and is a download whose policy allows only its own style', async () => {
    const { user, chatId } = await scene('عليّ <img src=x onerror=alert(1)>');
    const res = await transcript(chatId, 'html', user);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="transcript-[A-Za-z0-9_-]+-\d{4}-\d{2}-\d{2}\.html"$/,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/script-src/);
    // The header allows the page's one style block by its hash, and the page says the same.
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)?.[1] ?? '';
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(style).digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(res.text).toContain(`http-equiv="Content-Security-Policy"`);

    expect(res.text).not.toContain('<script>');
    expect(res.text).not.toContain('<img');
    expect(res.text).not.toContain('<b>');
    expect(res.text).toContain(
      'Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;bye&#39;',
    );
    expect(res.text).toContain('<bdi>عليّ &lt;img src=x onerror=alert(1)&gt;</bdi>');
    expect(res.text).toMatch(/<p class="text" dir="auto">مرحبا، كيف يمكنني المساعدة؟<\/p>/);
    expect(res.text).toContain('4111 11** **** 1111');
    expect(res.text).not.toContain('NOTE-SECRET');
    expect(res.text).toContain(`<code>${await lastAuditHash(chatId)}</code>`);
    expect(res.text.trimEnd()).toMatch(/<\/html>$/);
  });

  it('names an attachment by its download path, which answers who may view the chat', async () => {
    const [user, admin] = await Promise.all([caller('user'), caller('admin')]);
    const opened = await request(
      world.server(),
      'POST /api/chats',
      { body: { userId: user.id, userName: user.name } },
      user.headers,
    );
    const chatId = succeeded(opened).chat._id;
    const form = new FormData();
    form.append('chatId', chatId);
    form.append('file', new Blob(['receipt 42\n'], { type: 'text/plain' }), 'receipt <1>.txt');
    const up = await fetch(`${world.server().url}/api/attachments`, {
      method: 'POST',
      body: form,
      headers: user.headers,
    });
    const { attachment } = (await up.json()) as { attachment: { id: string } };
    await send(user, { chatId, content: '', attachmentId: attachment.id });
    const res = await transcript(chatId, 'json', user);
    const t = TranscriptReply.parse(Envelope.parse(JSON.parse(res.text))).transcript;
    expect(t.messages[0]?.attachment).toEqual({
      id: attachment.id,
      name: 'receipt <1>.txt',
      contentType: 'text/plain',
      size: 11,
      path: `/api/attachments/${attachment.id}`,
    });
    const html = await transcript(chatId, 'html', user);
    expect(html.text).toContain('receipt &lt;1&gt;.txt');
    expect(html.text).toContain(`<code>/api/attachments/${attachment.id}</code>`);
    const file = await fetch(`${world.server().url}/api/attachments/${attachment.id}`, {
      headers: user.headers,
    });
    expect(await file.text()).toBe('receipt 42\n');
    void admin;
  });

  it('refuses: no token 401, another user and an admin who may not view it 403, an unknown chat 404, an unknown format 400 naming it', async () => {
    const { chatId } = await scene();
    const [stranger, otherAdmin] = await Promise.all([caller('user'), caller('admin')]);
    expect((await transcript(chatId, 'json', null)).status).toBe(401);
    for (const who of [stranger, otherAdmin]) {
      const res = await transcript(chatId, 'html', who);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text)).toMatchObject({ success: false, code: 'FORBIDDEN' });
    }
    const superadmin = await caller('superadmin');
    const missing = await transcript('000000000000000000000000', 'json', superadmin);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ code: 'CHAT_NOT_FOUND' });
    const bad = await transcript(chatId, 'pdf', superadmin);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toBe('format: unknown format "pdf": use html or json');
  });

  it('a chat without messages is a transcript of none; json is the default form', async () => {
    const user = await caller('user');
    const opened = await request(
      world.server(),
      'POST /api/chats',
      { body: { userId: user.id, userName: user.name } },
      user.headers,
    );
    const chatId = succeeded(opened).chat._id;
    const res = await fetch(`${world.server().url}/api/chats/${chatId}/transcript`, {
      headers: user.headers,
    });
    const t = TranscriptReply.parse(Envelope.parse(await res.json())).transcript;
    expect(t.messages).toEqual([]);
    expect(t.auditHash).toBe(await lastAuditHash(chatId));
  });
});

describe('chat transcripts with AUTH_MODE=none', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('the embedded store is always a target');
  const world = useWorld(sqlite);

  it('the query names who asks: a user gets a copy without notes, an admin with them', async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const opened = await request(world.server(), 'POST /api/chats', {
      body: { userId: user.id, userName: user.name },
    });
    const chatId = succeeded(opened).chat._id;
    await request(world.server(), 'POST /api/chats/assign', {
      body: { chatId, adminId: admin.id, adminName: admin.name },
    });
    const note = await api(world.server(), 'POST', '/api/messages', {
      chatId,
      senderId: admin.id,
      senderType: 'admin',
      senderName: admin.name,
      content: 'NOTE-NONE',
      internal: true,
    });
    expect(note.status).toBe(200);
    const copy = async (query: string) => {
      const res = await fetch(`${world.server().url}/api/chats/${chatId}/transcript?${query}`);
      expect(res.status).toBe(200);
      return TranscriptReply.parse(Envelope.parse(await res.json())).transcript;
    };
    const users = await copy(`format=json&userId=${user.id}`);
    expect(users.withNotes).toBe(false);
    expect(JSON.stringify(users)).not.toContain('NOTE-NONE');
    const admins = await copy(`format=json&adminId=${admin.id}`);
    expect(admins.notes?.map((n) => n.content)).toEqual(['NOTE-NONE']);
    const stranger = await fetch(
      `${world.server().url}/api/chats/${chatId}/transcript?userId=someone-else`,
    );
    expect(stranger.status).toBe(403);
  });
});
