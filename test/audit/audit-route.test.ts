/**
 * GET /api/audit: what the REST and socket actions record, as superadmins read it (filters,
 * pages), and who may read it at all.
 */
import { describe, expect, it } from 'vitest';
import { assignChat, openChat } from '../helpers/flows.js';
import { api, request, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { useWorld } from '../helpers/world.js';

const asSuper = { adminId: 'au-super', isSuperAdmin: 'true' } as const;

describe.each(await storeTargets())('GET /api/audit on $name', (target) => {
  const world = useWorld(target);

  it('lists what people did to a chat, newest first, with who did it', async () => {
    const admin = await world.admin();
    const user = await world.user();
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    const closed = await request(world.server(), 'PATCH /api/chats/:chatId/close', {
      params: { chatId: chat._id },
      body: { adminId: admin.id },
    });
    expect(closed.status).toBe(200);
    const res = await request(world.server(), 'GET /api/audit', {
      query: { ...asSuper, chatId: chat._id },
    });
    expect(succeeded(res).entries.map((e) => [e.action, e.actor.id, e.chainSeq])).toEqual([
      ['chat.closed', admin.id, 3],
      ['chat.taken', admin.id, 2],
      ['chat.opened', user.id, 1],
    ]);
    expect(succeeded(res).entries[2]?.details).toEqual({ userId: user.id, userName: user.name });
    expect(succeeded(res).nextCursor).toBeNull();
  });

  it('pages with the cursor it gives, and filters by actor and action', async () => {
    const admin = await world.admin();
    for (let i = 0; i < 3; i++) {
      const user = await world.user();
      await assignChat(world, await openChat(world, user), admin);
    }
    const query = { ...asSuper, actorId: admin.id, action: 'chat.taken', limit: '2' } as const;
    const first = succeeded(await request(world.server(), 'GET /api/audit', { query }));
    expect(first.entries).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = succeeded(
      await request(world.server(), 'GET /api/audit', {
        query: { ...query, cursor: first.nextCursor ?? '' },
      }),
    );
    expect(second.entries).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.entries, ...second.entries].map((e) => e.id);
    expect(new Set(ids).size).toBe(3);
    for (const e of [...first.entries, ...second.entries]) {
      expect(e).toMatchObject({ action: 'chat.taken', actor: { id: admin.id } });
    }
  });

  it.each([
    ['cursor=nonsense', 'cursor'],
    ['from=yesterday', 'from'],
    ['to=2026-02-31T00:00:00Z', 'to'],
    ['to=2026-12-01T00:00:00', 'to'],
    ['action=chat.deleted', 'action'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    // A reversed or empty range answered 200 with nothing, as if no entry matched.
    ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'from'],
    ['from=2026-12-01T00:00:00Z&to=2026-12-01T00:00:00Z', 'from'],
    // The same instant in two zones: compared as instants, not as the text sent.
    ['from=2026-12-01T05:00:00%2B05:00&to=2026-12-01T00:00:00Z', 'from'],
    // PostgreSQL refuses NUL in text: a cursor carrying one was a 500 there.
    [
      `cursor=${Buffer.from('["2026-01-01T00:00:00.000Z","a\\u0000b"]').toString('base64url')}`,
      'cursor',
    ],
    [
      `cursor=${Buffer.from('["2026-01-01T00:00:00\\u0000Z","x"]').toString('base64url')}`,
      'cursor',
    ],
    // Two strings, but neither an entry's time nor its id: it paged from nowhere (200).
    [`cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'cursor'],
    [
      `cursor=${Buffer.from('["2026-01-01T00:00:00.000Z","not an id"]').toString('base64url')}`,
      'cursor',
    ],
    [
      `cursor=${Buffer.from('["2026-01-01","6b16c06f1ec18f86b1e8fc93"]').toString('base64url')}`,
      'cursor',
    ],
  ])('refuses %s with a 400 naming it', async (param, field) => {
    const res = await api(
      world.server(),
      'GET',
      `/api/audit?adminId=au-super&isSuperAdmin=true&${param}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(new RegExp(`^${field}\\b`));
  });

  it('reads a range as instants at either end of the years a zone may write', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const entries = async (range: string) => {
      const res = await api(
        world.server(),
        'GET',
        `/api/audit?adminId=au-super&isSuperAdmin=true&chatId=${chat._id}&${range}`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body as { entries: { action: string }[] }).entries.map((e) => e.action);
    };
    // 9999-12-31T23:00 in New York is in the year 10000 in UTC (+010000-… in ISO): past
    // every entry, not before them all, as its text would sort.
    const endOfTime = encodeURIComponent('9999-12-31T23:00:00-05:00');
    const startOfTime = encodeURIComponent('0000-01-01T00:30:00+01:00');
    expect(await entries(`from=2026-01-01T00:00:00Z&to=${endOfTime}`)).toEqual(['chat.opened']);
    expect(await entries(`from=${startOfTime}&to=${endOfTime}`)).toEqual(['chat.opened']);
    expect(await entries(`from=${endOfTime}`)).toEqual([]);
    expect(await entries(`to=${startOfTime}`)).toEqual([]);
  });

  it('an admin who is not a superadmin is refused', async () => {
    const res = await api(world.server(), 'GET', '/api/audit?adminId=au-plain');
    expect(res.status).toBe(403);
  });
});

describe('GET /api/audit with tokens', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('the embedded store is always a target');
  const world = useWorld(sqlite, JWT_ENV);
  const auth = async (role: 'user' | 'admin' | 'superadmin') => ({
    authorization: `Bearer ${await signToken(`au-${role}`, role)}`,
  });

  it('answers 401 without a token, 403 to users and admins, 200 to superadmins', async () => {
    expect((await api(world.server(), 'GET', '/api/audit')).status).toBe(401);
    for (const role of ['user', 'admin'] as const) {
      const res = await api(world.server(), 'GET', '/api/audit', undefined, {
        headers: await auth(role),
      });
      expect(res.status).toBe(403);
    }
    const res = await api(world.server(), 'GET', '/api/audit', undefined, {
      headers: await auth('superadmin'),
    });
    expect(res.status).toBe(200);
  });
});
