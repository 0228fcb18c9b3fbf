/**
 * Canned replies over REST, on each store: personal replies are their admin's alone
 * (another admin gets 404), team replies are read by every admin and written by
 * superadmins only (403); shortcuts are unique per scope and owner (409); bad input is a
 * 400 naming the field and the rule. Users (403) are rows of the authorization matrix
 * (test/auth/authorization.test.ts), where a token says who is a user.
 */
import { describe, expect, it } from 'vitest';
import type { RestBodies } from '../../src/schemas/rest.js';
import { LIMITS } from '../../src/schemas/vocabulary.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, refused, replyOf, request, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

type Body = RestBodies['POST /api/canned-replies'];

describe.each(await storeTargets())('canned replies on $name', (target) => {
  const world = useWorld(target);
  const as = (adminId: string, superadmin = false) => ({
    adminId,
    isSuperAdmin: superadmin,
  });
  const create = (adminId: string, body: Body, superadmin = false) =>
    request(world.server(), 'POST /api/canned-replies', {
      query: as(adminId, superadmin),
      body,
    });
  const list = async (adminId: string) =>
    succeeded(await request(world.server(), 'GET /api/canned-replies', { query: as(adminId) }))
      .cannedReplies;
  const reply = (shortcut: string, scope?: 'personal' | 'team'): Body => ({
    shortcut,
    title: `About ${shortcut}`,
    content: `Hello {{user.name}}, about ${shortcut}. {{agent.name}}`,
    ...(scope && { scope }),
  });

  it("creates a personal reply by default, listed to its admin only, with the team's", async () => {
    const ann = world.uid('ann');
    const bob = world.uid('bob');
    const chief = world.uid('chief');
    const mine = succeeded(await create(ann, reply(`${ann}-x`))).cannedReply;
    expect(mine).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      shortcut: `${ann}-x`,
      title: `About ${ann}-x`,
      content: `Hello {{user.name}}, about ${ann}-x. {{agent.name}}`,
      scope: 'personal',
    });
    const shared = succeeded(await create(chief, reply(`${chief}-t`, 'team'), true)).cannedReply;
    expect(shared.scope).toBe('team');
    const annSees = await list(ann);
    expect(annSees.map((r) => r.id)).toEqual(expect.arrayContaining([mine.id, shared.id]));
    const bobSees = await list(bob);
    expect(bobSees.map((r) => r.id)).toContain(shared.id);
    expect(bobSees.map((r) => r.id)).not.toContain(mine.id);
  });

  it("answers 404 to another admin, superadmin or not, for someone's personal reply", async () => {
    const ann = world.uid('ann');
    const mine = succeeded(await create(ann, reply(`${ann}-p`))).cannedReply;
    for (const [other, superadmin] of [
      [world.uid('bob'), false],
      [world.uid('chief'), true],
    ] as const) {
      const query = as(other, superadmin);
      const params = { id: mine.id };
      const put = await request(world.server(), 'PUT /api/canned-replies/:id', {
        params,
        query,
        body: reply('stolen'),
      });
      expect([put.status, refused(put).code]).toEqual([404, 'CANNED_REPLY_NOT_FOUND']);
      const del = await request(world.server(), 'DELETE /api/canned-replies/:id', {
        params,
        query,
      });
      expect(del.status).toBe(404);
    }
    expect((await list(ann)).find((r) => r.id === mine.id)?.shortcut).toBe(`${ann}-p`);
  });

  it('lets only superadmins write team replies (an admin: 403), which every admin reads', async () => {
    const admin = world.uid('admin');
    const chief = world.uid('chief');
    const refusedCreate = await create(admin, reply(`${admin}-t`, 'team'));
    expect([refusedCreate.status, refused(refusedCreate).code]).toEqual([403, 'FORBIDDEN']);
    const shared = succeeded(await create(chief, reply(`${chief}-t`, 'team'), true)).cannedReply;
    const params = { id: shared.id };
    const put = await request(world.server(), 'PUT /api/canned-replies/:id', {
      params,
      query: as(admin),
      body: reply(`${chief}-t`, 'team'),
    });
    expect(put.status).toBe(403);
    const del = await request(world.server(), 'DELETE /api/canned-replies/:id', {
      params,
      query: as(admin),
    });
    expect(del.status).toBe(403);
    // Nor may an admin take the team's reply as their own.
    const grab = await request(world.server(), 'PUT /api/canned-replies/:id', {
      params,
      query: as(admin),
      body: reply('mine-now', 'personal'),
    });
    expect(grab.status).toBe(403);
    expect((await list(admin)).find((r) => r.id === shared.id)?.shortcut).toBe(`${chief}-t`);
  });

  it('updates and deletes an own reply, and a superadmin edits and deletes team replies', async () => {
    const ann = world.uid('ann');
    const mine = succeeded(await create(ann, reply(`${ann}-a`))).cannedReply;
    const updated = succeeded(
      await request(world.server(), 'PUT /api/canned-replies/:id', {
        params: { id: mine.id },
        query: as(ann),
        body: { shortcut: `${ann}-b`, title: 'New', content: 'New text' },
      }),
    ).cannedReply;
    expect(updated).toEqual({
      id: mine.id,
      shortcut: `${ann}-b`,
      title: 'New',
      content: 'New text',
      scope: 'personal',
    });
    const deleted = succeeded(
      await request(world.server(), 'DELETE /api/canned-replies/:id', {
        params: { id: mine.id },
        query: as(ann),
      }),
    ).cannedReply;
    expect(deleted.id).toBe(mine.id);
    // Each change is on the desk's audit chain (what it was, never its words).
    const audit = succeeded(
      await request(world.server(), 'GET /api/audit', {
        query: { actorId: ann, action: 'canned.changed' },
      }),
    ).entries;
    expect(audit.map((e) => e.details)).toEqual([
      { change: 'deleted', id: mine.id, scope: 'personal', shortcut: `${ann}-b` },
      { change: 'updated', id: mine.id, scope: 'personal', shortcut: `${ann}-b` },
      { change: 'created', id: mine.id, scope: 'personal', shortcut: `${ann}-a` },
    ]);
    expect((await list(ann)).map((r) => r.id)).not.toContain(mine.id);
    const again = await request(world.server(), 'DELETE /api/canned-replies/:id', {
      params: { id: mine.id },
      query: as(ann),
    });
    expect(again.status).toBe(404);

    const chief = world.uid('chief');
    const shared = succeeded(await create(chief, reply(`${chief}-t`, 'team'), true)).cannedReply;
    const other = world.uid('chief2');
    const edited = await request(world.server(), 'PUT /api/canned-replies/:id', {
      params: { id: shared.id },
      query: as(other, true),
      body: { ...reply(`${chief}-t2`), scope: 'team' },
    });
    expect(succeeded(edited).cannedReply.shortcut).toBe(`${chief}-t2`);
    const gone = await request(world.server(), 'DELETE /api/canned-replies/:id', {
      params: { id: shared.id },
      query: as(other, true),
    });
    expect(gone.status).toBe(200);
  });

  it("keeps a reply in its scope when a change leaves the scope out: a team reply stays the team's", async () => {
    const chief = world.uid('chief');
    const shared = succeeded(await create(chief, reply(`${chief}-k`, 'team'), true)).cannedReply;
    const edited = succeeded(
      await request(world.server(), 'PUT /api/canned-replies/:id', {
        params: { id: shared.id },
        query: as(world.uid('chief3'), true),
        body: { shortcut: `${chief}-k2`, title: 'Kept', content: 'Kept text' },
      }),
    ).cannedReply;
    expect(edited).toMatchObject({ id: shared.id, shortcut: `${chief}-k2`, scope: 'team' });
    // Every admin still reads it.
    expect((await list(world.uid('reader'))).map((r) => r.id)).toContain(shared.id);
  });

  it('refuses a shortcut taken in the same scope (case not counting) with 409, and allows it in another', async () => {
    const ann = world.uid('ann');
    const bob = world.uid('bob');
    succeeded(await create(ann, reply(`${ann}-Refund`)));
    const taken = await create(ann, reply(`${ann}-rEFUND`));
    expect([taken.status, refused(taken).code]).toEqual([409, 'CANNED_SHORTCUT_TAKEN']);
    expect(refused(taken).error).toMatch(/^shortcut: /);
    // Another admin's scope, and the team's, are other scopes.
    succeeded(await create(bob, reply(`${ann}-refund`)));
    succeeded(await create(world.uid('chief'), reply(`${ann}-refund`, 'team'), true));
    // A rename onto a taken shortcut changes nothing.
    const second = succeeded(await create(ann, reply(`${ann}-second`))).cannedReply;
    const rename = await request(world.server(), 'PUT /api/canned-replies/:id', {
      params: { id: second.id },
      query: as(ann),
      body: reply(`${ann}-REFUND`),
    });
    expect(rename.status).toBe(409);
  });

  it.each([
    ['an empty shortcut', { shortcut: '' }, /^shortcut: must be 1 to 32 characters/],
    [
      'a shortcut too long',
      { shortcut: 'x'.repeat(LIMITS.cannedShortcutChars + 1) },
      /^shortcut: must be 1 to 32/,
    ],
    ['a shortcut with a space', { shortcut: 'two words' }, /^shortcut: may hold only letters/],
    ['a shortcut with a slash', { shortcut: '/refund' }, /^shortcut: may hold only letters/],
    ['a blank title', { title: '   ' }, /^title: must be 1 to 100 characters after trimming/],
    ['a title over 100', { title: 't'.repeat(101) }, /^title: must be 1 to 100/],
    ['a title with a line break', { title: 'a\nb' }, /^title: must not contain control/],
    ['a title with a line separator', { title: 'a\u2028b' }, /^title: must not contain control/],
    [
      'a title of zero-width spaces',
      { title: '\u200b' },
      /^title: must contain a visible character/,
    ],
    [
      'a shortcut that is a card number',
      { shortcut: '4111111111111111' },
      /^shortcut: must not be a card number/,
    ],
    ['an empty content', { content: ' \n ' }, /^content: must not be empty/],
    [
      'a content over the message limit',
      { content: 'c'.repeat(LIMITS.contentChars + 1) },
      /^content: /,
    ],
    ['a content with a NUL', { content: 'a\u0000b' }, /^content: must not contain a NUL/],
    ['an unknown scope', { scope: 'everyone' }, /^scope: /],
  ])('refuses %s with 400 naming the field', async (_name, change, message) => {
    const admin = world.uid('admin');
    const res = replyOf(
      'POST /api/canned-replies',
      await api(world.server(), 'POST', `/api/canned-replies?adminId=${admin}`, {
        ...reply(world.uid('s')),
        ...change,
      }),
    );
    expect([res.status, refused(res).code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(refused(res).error).toMatch(message);
    expect((await list(admin)).filter((r) => r.scope === 'personal')).toEqual([]);
  });

  it('refuses an id the server could not have made with 400, and an unknown one with 404', async () => {
    const admin = world.uid('admin');
    const bad = await api(world.server(), 'DELETE', `/api/canned-replies/nope?adminId=${admin}`);
    expect(bad.status).toBe(400);
    const unknown = await request(world.server(), 'DELETE /api/canned-replies/:id', {
      params: { id: '0'.repeat(24) },
      query: as(admin),
    });
    expect([unknown.status, refused(unknown).code]).toEqual([404, 'CANNED_REPLY_NOT_FOUND']);
  });

  it('takes a shortcut in any script', async () => {
    const ann = world.uid('ann');
    const created = succeeded(await create(ann, reply(`возврат-${ann}`))).cannedReply;
    expect((await list(ann)).find((r) => r.id === created.id)?.shortcut).toBe(`возврат-${ann}`);
  });

  it("tells a personal reply's owner only, and a team reply's every admin, of each change", async () => {
    const [owner, other, chief] = await Promise.all([
      world.admin(),
      world.admin(),
      world.admin({ superadmin: true }),
    ]);
    const mine = succeeded(await create(owner.id, reply(`${owner.id}-p`))).cannedReply;
    expect(
      await owner.client.waitFor('canned-reply-saved', (p) => p.cannedReply.id === mine.id),
    ).toEqual({ cannedReply: mine });
    const shared = succeeded(
      await create(chief.id, reply(`${chief.id}-t`, 'team'), true),
    ).cannedReply;
    for (const c of [owner, other, chief]) {
      await c.client.waitFor('canned-reply-saved', (p) => p.cannedReply.id === shared.id);
    }
    // The team's reply becomes the chief's own: the others hear it gone.
    succeeded(
      await request(world.server(), 'PUT /api/canned-replies/:id', {
        params: { id: shared.id },
        query: as(chief.id, true),
        body: reply(`${chief.id}-t`, 'personal'),
      }),
    );
    await other.client.waitFor('canned-reply-deleted', (p) => p.id === shared.id);
    succeeded(
      await request(world.server(), 'DELETE /api/canned-replies/:id', {
        params: { id: mine.id },
        query: as(owner.id),
      }),
    );
    await owner.client.waitFor('canned-reply-deleted', (p) => p.id === mine.id);
    await quiet(ONE_NODE_QUIET_MS);
    const about = (id: string) => (r: { event: string; payload: unknown }) =>
      JSON.stringify(r.payload).includes(id);
    expect(other.client.received.filter(about(mine.id))).toEqual([]);
    expect(chief.client.received.filter(about(mine.id))).toEqual([]);
    // After the move, only the chief hears of the reply saved as theirs.
    expect(
      other.client.of('canned-reply-saved').filter((p) => p.cannedReply.id === shared.id),
    ).toHaveLength(1);
    expect(
      chief.client.of('canned-reply-saved').filter((p) => p.cannedReply.id === shared.id),
    ).toHaveLength(2);
  });
});
