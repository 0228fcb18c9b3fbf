/**
 * GET /api/reports/*: through HTTP with tokens for each role (AUTH_MODE=jwt), on both
 * stores: who may read whose numbers, what the numbers are after a real chat (opened,
 * taken, answered, closed, rated), the CSV form, and bad input answered 400 naming it.
 */
import { describe, expect, it } from 'vitest';
import { api, request, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { useWorld } from '../helpers/world.js';

const ROUTES = ['summary', 'timeseries?metric=opened', 'agents'] as const;
const path = (route: string, query = '') =>
  `/api/reports/${route}${route.includes('?') ? '&' : '?'}${query}`;

describe.each(await storeTargets())('reports over HTTP on $name', (target) => {
  const world = useWorld(target, JWT_ENV);
  const tokens = async () => {
    const [superadmin, admin, other, user] = [
      world.uid('super'),
      world.uid('admin'),
      world.uid('other'),
      world.uid('user'),
    ];
    return {
      ids: { superadmin, admin, other, user },
      superadmin: bearer(await signToken(superadmin, 'superadmin')).headers,
      admin: bearer(await signToken(admin, 'admin', 'Aziza')).headers,
      other: bearer(await signToken(other, 'admin')).headers,
      user: bearer(await signToken(user, 'user')).headers,
    };
  };
  const get = (url: string, headers: Record<string, string> = {}) =>
    api(world.server(), 'GET', url, undefined, { headers });

  /** A chat the admin takes, answers, closes and the user rates 5; what each step answered. */
  async function servedChat(t: Awaited<ReturnType<typeof tokens>>) {
    const server = world.server();
    const opened = await request(
      server,
      'POST /api/chats',
      { body: { userId: t.ids.user, userName: 'Umid' } },
      t.user,
    );
    const chatId = succeeded(opened).chat._id;
    const send = (headers: Record<string, string>, who: string, content: string, extra = {}) =>
      api(
        server,
        'POST',
        '/api/messages',
        {
          chatId,
          content,
          senderId: who,
          senderType: who === t.ids.user ? 'user' : 'admin',
          senderName: 'N',
          ...extra,
        },
        { headers },
      );
    expect((await send(t.user, t.ids.user, 'hello')).status).toBe(200);
    const taken = await api(
      server,
      'POST',
      '/api/chats/assign',
      { chatId, adminId: t.ids.admin, adminName: 'Aziza' },
      { headers: t.admin },
    );
    expect(taken.status).toBe(200);
    expect((await send(t.admin, t.ids.admin, 'a note', { internal: true })).status).toBe(200);
    expect((await send(t.admin, t.ids.admin, 'hi, how can I help?')).status).toBe(200);
    expect((await send(t.user, t.ids.user, 'thanks')).status).toBe(200);
    const closed = await api(
      server,
      'PATCH',
      `/api/chats/${chatId}/close`,
      {},
      { headers: t.admin },
    );
    expect(closed.status).toBe(200);
    const rated = await api(
      server,
      'POST',
      `/api/chats/${chatId}/rating`,
      { score: 5 },
      { headers: t.user },
    );
    expect(rated.status).toBe(200);
    return chatId;
  }

  it('counts a served chat for its admin: superadmins see it, that admin too, nobody else', async () => {
    const t = await tokens();
    await servedChat(t);
    const mine = await get(path('summary', `adminId=${t.ids.admin}`), t.superadmin);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      success: true,
      chats: { opened: 1, closed: 1, missed: 0 },
      messages: { user: 2, admin: 1 },
      csat: { responses: 1, average: 5, positiveShare: 1 },
    });
    const spread = mine.body.firstResponse as { median: number; p90: number; mean: number };
    expect(spread.median).toBeGreaterThanOrEqual(0);
    expect(spread.p90).toBe(spread.median);
    // The admin's own view without naming themselves is the same.
    const own = await get(path('summary'), t.admin);
    expect(own.body.chats).toEqual(mine.body.chats);
    // Another admin sees none of it; their own numbers are empty.
    const other = await get(path('summary'), t.other);
    expect(other.body.chats).toEqual({ opened: 0, closed: 0, missed: 0 });
    expect(other.body.firstResponse).toEqual({ median: null, p90: null, mean: null });

    const agents = await get(path('agents'), t.superadmin);
    const row = (agents.body.agents as { adminId: string }[]).find(
      (a) => a.adminId === t.ids.admin,
    );
    expect(row).toMatchObject({ adminName: 'Aziza', chats: 1, csatAverage: 5 });
    const ownAgents = await get(path('agents'), t.admin);
    expect((ownAgents.body.agents as { adminId: string }[]).map((a) => a.adminId)).toEqual([
      t.ids.admin,
    ]);
  });

  it.each(ROUTES)(
    '%s: no token 401, a user 403, an admin asking for another 403',
    async (route) => {
      const t = await tokens();
      expect((await get(path(route))).status).toBe(401);
      const asUser = await get(path(route), t.user);
      expect([asUser.status, asUser.body.code]).toEqual([403, 'FORBIDDEN']);
      const asOther = await get(path(route, `adminId=${t.ids.admin}`), t.other);
      expect([asOther.status, asOther.body.code]).toEqual([403, 'FORBIDDEN']);
      expect((await get(path(route, `adminId=${t.ids.admin}`), t.superadmin)).status).toBe(200);
      expect((await get(path(route, `adminId=${t.ids.admin}`), t.admin)).status).toBe(200);
    },
  );

  it('answers CSV with a header row of the field names', async () => {
    const t = await tokens();
    await servedChat(t);
    const agents = await get(path('agents', 'format=csv'), t.admin);
    expect(agents.status).toBe(200);
    expect(agents.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = String(agents.body.raw).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'adminId,adminName,chats,firstResponseMedian,resolutionMedian,csatAverage',
    );
    expect(lines[1]).toMatch(new RegExp(`^${t.ids.admin},Aziza,1,[\\d.]+,[\\d.]+,5$`));
    const summary = await get(path('summary', 'format=csv'), t.admin);
    const [header, row] = String(summary.body.raw).trimEnd().split('\r\n');
    expect(header?.split(',').slice(0, 5)).toEqual([
      'from',
      'to',
      'chats.opened',
      'chats.closed',
      'chats.missed',
    ]);
    expect(row?.split(',').slice(2, 5)).toEqual(['1', '1', '0']);
    const series = await get(path('timeseries?metric=closed', 'format=csv'), t.admin);
    const rows = String(series.body.raw).trimEnd().split('\r\n');
    expect(rows[0]).toBe('at,value');
    expect(rows.slice(1).reduce((s, r) => s + Number(r.split(',')[1]), 0)).toBe(1);
  });

  it.each([
    ['summary', 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'REPORT_RANGE', 'from'],
    [
      'summary',
      'from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'REPORT_RANGE',
      'reportRangeMaxDays',
    ],
    [
      'timeseries?metric=opened',
      'interval=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z',
      'REPORT_RANGE',
      'reportHourRangeMaxDays',
    ],
    [
      'timeseries?metric=opened',
      'from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'REPORT_RANGE',
      'reportDayRangeMaxDays',
    ],
    ['timeseries?metric=speed', '', 'VALIDATION_ERROR', 'metric'],
    ['timeseries?metric=opened', 'interval=week', 'VALIDATION_ERROR', 'interval'],
    ['timeseries?metric=opened', 'timezone=Mars/Olympus', 'VALIDATION_ERROR', 'timezone'],
    ['timeseries', '', 'VALIDATION_ERROR', 'metric'],
    ['agents', 'format=xlsx', 'VALIDATION_ERROR', 'format'],
    ['agents', 'from=yesterday', 'VALIDATION_ERROR', 'from'],
  ])('%s?%s: 400 %s naming %s', async (route, query, code, named) => {
    const t = await tokens();
    const res = await get(path(route, query), t.superadmin);
    expect([res.status, res.body.code]).toEqual([400, code]);
    expect(String(res.body.error)).toContain(named);
  });
});
