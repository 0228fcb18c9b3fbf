/**
 * The v3 routes that write and name who asks in their query (availability, maxChats,
 * labels, canned replies) take them in the body too, where a client written for v2 puts
 * them: believed with AUTH_MODE=none, checked against the token with jwt, as on v2's
 * routes; a query and a body that name different admins are a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';

function useServer(env: Record<string, string>): () => RunningServer {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, env);
  });
  afterAll(() => server?.close());
  return () => server;
}

describe('who asks, named in the body (AUTH_MODE=none)', () => {
  const server = useServer({ AUTH_MODE: 'none' });

  it('availability: the admin the body names sets their own', async () => {
    const res = await api(server(), 'POST', '/api/agents/availability', {
      status: 'away',
      adminId: 'body-admin-1',
    });
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({ adminId: 'body-admin-1', availability: 'away' });
  });

  it("a personal canned reply belongs to the body's admin and is listed as theirs", async () => {
    const made = await api(server(), 'POST', '/api/canned-replies', {
      shortcut: 'thanks',
      title: 'Thanks',
      content: 'Thank you!',
      adminId: 'body-admin-2',
    });
    expect(made.status).toBe(200);
    expect(made.body.cannedReply).toMatchObject({ shortcut: 'thanks', scope: 'personal' });
    const listed = await api(server(), 'GET', '/api/canned-replies?adminId=body-admin-2');
    expect(listed.body.cannedReplies).toEqual([made.body.cannedReply]);
  });

  it('maxChats and labels: isSuperAdmin in the body counts as in the query', async () => {
    await api(server(), 'POST', '/api/agents/availability?adminId=body-admin-3', {
      status: 'available',
    });
    const capped = await api(server(), 'PUT', '/api/agents/body-admin-3', {
      maxChats: 2,
      adminId: 'body-chief',
      isSuperAdmin: true,
    });
    expect(capped.status).toBe(200);
    expect(capped.body.agent).toMatchObject({ adminId: 'body-admin-3', maxChats: 2 });
    const opened = await api(server(), 'POST', '/api/chats', { userId: 'u-1', userName: 'U' });
    const chat = opened.body.chat as { _id: string };
    const labelled = await api(server(), 'PUT', `/api/chats/${chat._id}/labels`, {
      labels: ['refund'],
      adminId: 'body-admin-3',
    });
    expect(labelled.status).toBe(200);
    expect(labelled.body.chat).toMatchObject({ labels: ['refund'] });
    // Written by the body's admin, not by v2's anonymous caller (who may label any chat too).
    const audit = await api(
      server(),
      'GET',
      `/api/audit?chatId=${chat._id}&action=chat.labelled&adminId=body-chief&isSuperAdmin=true`,
    );
    const entries = audit.body.entries as { actor: { id: string } }[];
    expect(entries.map((e) => e.actor.id)).toEqual(['body-admin-3']);
  });

  it('a query and a body naming different admins: 400 naming adminId, nothing changed', async () => {
    const res = await api(server(), 'POST', '/api/agents/availability?adminId=q-admin', {
      status: 'away',
      adminId: 'b-admin',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(res.body.error).toMatch(/^adminId: /);
    const agents = await api(server(), 'GET', '/api/agents?adminId=q-admin');
    const names = (agents.body.agents as { adminId: string }[]).map((a) => a.adminId);
    expect(names).not.toContain('b-admin');
  });
});

describe('who asks, named in the body (AUTH_MODE=jwt)', () => {
  const server = useServer({ ...JWT_ENV });

  it('a body naming another admin than the token is 403, as on v2 routes; naming the token is fine', async () => {
    const token = await signToken('jwt-admin', 'admin');
    const other = await api(
      server(),
      'POST',
      '/api/agents/availability',
      { status: 'away', adminId: 'someone-else' },
      bearer(token),
    );
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('FORBIDDEN');
    const self = await api(
      server(),
      'POST',
      '/api/agents/availability',
      { status: 'away', adminId: 'jwt-admin' },
      bearer(token),
    );
    expect(self.status).toBe(200);
    expect(self.body.agent).toMatchObject({ adminId: 'jwt-admin', availability: 'away' });
  });

  it('isSuperAdmin: true in the body of an admin token is 403, not ignored', async () => {
    const userToken = await signToken('jwt-user', 'user');
    const opened = await api(
      server(),
      'POST',
      '/api/chats',
      { userId: 'jwt-user', userName: 'U' },
      bearer(userToken),
    );
    const chat = opened.body.chat as { _id: string };
    const res = await api(
      server(),
      'PUT',
      `/api/chats/${chat._id}/labels`,
      { labels: ['vip'], adminId: 'jwt-admin-2', isSuperAdmin: true },
      bearer(await signToken('jwt-admin-2', 'admin')),
    );
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/isSuperAdmin/);
  });
});
