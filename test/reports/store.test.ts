/**
 * The reports' arithmetic on hand-made histories, on both stores: the definitions of
 * docs/reports.md (waiting, first response, resolution, missed; median of an even count,
 * nearest-rank p90, mean), ties, a chat without an admin message, a user's new chat after
 * the last one closed, attribution to the admin holding the chat, and the SQL form of the
 * statistics agreeing with the in-memory one (reports/statistics.ts) on random histories.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/roles.js';
import { orderStatsOf, spreadOf } from '../../src/reports/statistics.js';
import { reportAgents, reportSeries, reportSummary } from '../../src/reports/use-cases.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { type History, writeHistories } from './histories.js';

const SUPER = person('r-super', 'S', 'superadmin');
const DAY = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' };
const at = (time: string) => `2026-03-01T${time}.000Z`;

/** The worked example of docs/reports.md. */
const EXAMPLE: History[] = [
  {
    id: 'c1',
    createdAt: at('10:00:00'),
    admin: 'A',
    assigned: 60,
    responded: 120,
    closed: 600,
    rating: 5,
    users: 3,
    admins: 2,
  },
  {
    id: 'c2',
    createdAt: at('11:00:00'),
    admin: 'A',
    assigned: 30,
    responded: 90,
    closed: 300,
    rating: 3,
    users: 1,
    admins: 1,
  },
  // Ties c1's waiting and first response; still open.
  {
    id: 'c3',
    createdAt: at('12:00:00'),
    admin: 'B',
    assigned: 60,
    responded: 120,
    users: 2,
    admins: 1,
  },
  // Missed: closed while never assigned (a superadmin answered it): counts in no time.
  { id: 'c4', createdAt: at('13:00:00'), responded: 100, closed: 900, users: 1, admins: 1 },
  // Taken and closed without an admin message: no first response.
  {
    id: 'c5',
    createdAt: at('14:00:00'),
    admin: 'B',
    assigned: 10,
    closed: 50,
    rating: 4,
    users: 1,
  },
  // c1's user again, after c1 closed: a chat of its own.
  {
    id: 'c8',
    createdAt: at('15:00:00'),
    admin: 'A',
    assigned: 20,
    responded: 40,
    users: 1,
    admins: 1,
  },
  // Imported: an assignee but no first assignment: not missed, no waiting time.
  {
    id: 'c9',
    createdAt: at('16:00:00'),
    admin: 'B',
    assigned: 0,
    closed: 1200,
    users: 2,
    admins: 2,
    noFirstAssignment: true,
  },
  // Outside [from, to): a millisecond before, and exactly at `to`.
  { id: 'c6', createdAt: '2026-02-28T23:59:59.999Z', admin: 'A', assigned: 1, closed: 2, users: 9 },
  { id: 'c7', createdAt: DAY.to, admin: 'A', assigned: 1, closed: 2, users: 9 },
];

describe.each(await storeTargets())('report arithmetic on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await target.create();
    await writeHistories(db.config, EXAMPLE);
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('summarises the worked example as docs/reports.md does', async () => {
    expect(await reportSummary({ store }, SUPER, DAY)).toEqual({
      ...DAY,
      chats: { opened: 7, closed: 5, missed: 1 },
      // 10, 20, 30, 60, 60 s: the middle one; the 5th (⌈4.5⌉) smallest; 180 / 5.
      waiting: { median: 30, p90: 60, mean: 36 },
      // 40, 90, 120, 120 s (c4 missed, c5 unanswered): (90 + 120) / 2; the 4th; 370 / 4.
      firstResponse: { median: 105, p90: 120, mean: 92.5 },
      // 50, 300, 600, 1200 s (c4 missed, c3 and c8 open).
      resolution: { median: 450, p90: 1200, mean: 537.5 },
      messages: { user: 11, admin: 8 },
      // c1 5, c2 3, c5 4.
      csat: { responses: 3, average: 4, positiveShare: 0.6667, byScore: [0, 0, 1, 1, 1] },
    });
  });

  it("counts each chat for the admin holding it, and one admin's summary is theirs alone", async () => {
    const { agents } = await reportAgents({ store }, SUPER, DAY);
    expect(agents).toEqual([
      {
        adminId: 'A',
        adminName: 'Name A',
        chats: 3,
        firstResponseMedian: 90,
        resolutionMedian: 450,
        csatAverage: 4,
      },
      {
        adminId: 'B',
        adminName: 'Name B',
        chats: 3,
        firstResponseMedian: 120,
        resolutionMedian: 625,
        csatAverage: 4,
      },
    ]);
    const a = await reportSummary({ store }, SUPER, { ...DAY, adminId: 'A' });
    expect(a.chats).toEqual({ opened: 3, closed: 2, missed: 0 });
    expect(a.waiting).toEqual({ median: 30, p90: 60, mean: 36.667 });
    const asA = await reportSummary({ store }, person('A', 'A', 'admin'), DAY);
    expect(asA).toEqual(a);
  });

  it('answers nulls, not zeros, for a period without chats; zeros in its timeseries', async () => {
    const empty = { from: '2025-01-01T00:00:00.000Z', to: '2025-01-03T00:00:00.000Z' };
    const summary = await reportSummary({ store }, SUPER, empty);
    expect(summary.waiting).toEqual({ median: null, p90: null, mean: null });
    expect(summary.csat).toEqual({
      responses: 0,
      average: null,
      positiveShare: null,
      byScore: [0, 0, 0, 0, 0],
    });
    const series = await reportSeries({ store }, SUPER, { ...empty, metric: 'firstResponse' });
    expect(series.points).toEqual([
      { at: '2025-01-01T00:00:00.000Z', value: 0 },
      { at: '2025-01-02T00:00:00.000Z', value: 0 },
    ]);
  });

  it('puts each chat in the hour it was created in, every hour present', async () => {
    const series = await reportSeries({ store }, SUPER, {
      from: at('09:00:00'),
      to: at('17:00:00'),
      metric: 'firstResponse',
      interval: 'hour',
    });
    expect(series.points.map((p) => p.value)).toEqual([0, 120, 90, 120, 0, 0, 40, 0]);
    const closed = await reportSeries({ store }, SUPER, {
      ...DAY,
      metric: 'closed',
      interval: 'hour',
    });
    expect(closed.points).toHaveLength(24);
    expect(closed.points.reduce((s, p) => s + p.value, 0)).toBe(5);
  });
});

describe.each(await storeTargets())('report buckets in a time zone on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  const tashkent = { from: '2026-02-28T19:00:00.000Z', to: '2026-03-02T19:00:00.000Z' };
  beforeAll(async () => {
    db = await target.create();
    await writeHistories(db.config, [
      // 23:50 in Tashkent (+05:00) on 1 March, closed at 00:10 on 2 March: counts on the 1st.
      {
        id: 'm1',
        createdAt: '2026-03-01T18:50:00.000Z',
        admin: 'T',
        assigned: 60,
        closed: 1200,
        rating: 2,
      },
      // Midnight exactly: the 2nd.
      {
        id: 'm2',
        createdAt: '2026-03-01T19:00:00.000Z',
        admin: 'T',
        assigned: 60,
        rating: 5,
        closed: 60,
      },
      // New York's 8 March lasts 23 hours (05:00Z to 04:00Z): 03:30Z on the 9th is still the 8th.
      { id: 'n1', createdAt: '2026-03-09T03:30:00.000Z', admin: 'N' },
      { id: 'n2', createdAt: '2026-03-09T04:00:00.000Z', admin: 'N' },
    ]);
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("counts a chat spanning midnight in the zone's day it was created", async () => {
    const input = { ...tashkent, timezone: 'Asia/Tashkent', adminId: 'T' } as const;
    const closed = await reportSeries({ store }, SUPER, { ...input, metric: 'closed' });
    expect(closed.points).toEqual([
      { at: '2026-02-28T19:00:00.000Z', value: 1 },
      { at: '2026-03-01T19:00:00.000Z', value: 1 },
    ]);
    const csat = await reportSeries({ store }, SUPER, { ...input, metric: 'csat' });
    expect(csat.points.map((p) => p.value)).toEqual([2, 5]);
    // In UTC both are 1 March.
    const utc = await reportSeries({ store }, SUPER, {
      ...input,
      timezone: 'UTC',
      metric: 'opened',
    });
    expect(utc.points).toEqual([
      { at: '2026-02-28T00:00:00.000Z', value: 0 },
      { at: '2026-03-01T00:00:00.000Z', value: 2 },
      { at: '2026-03-02T00:00:00.000Z', value: 0 },
    ]);
  });

  it('makes the day DST shortens 23 hours long', async () => {
    const series = await reportSeries({ store }, SUPER, {
      from: '2026-03-08T05:00:00.000Z',
      to: '2026-03-10T04:00:00.000Z',
      timezone: 'America/New_York',
      metric: 'opened',
    });
    expect(series.points).toEqual([
      { at: '2026-03-08T05:00:00.000Z', value: 1 },
      { at: '2026-03-09T04:00:00.000Z', value: 1 },
    ]);
  });
});

const STATS_TARGETS = (await storeTargets()).flatMap((target) =>
  [true, false].map((epoch) => ({
    target,
    epoch,
    name: `${target.name}, times ${epoch ? 'as epoch ms (0025)' : 'as text only (before 0025)'}`,
  })),
);

describe.each(STATS_TARGETS)(
  'report statistics in SQL and in memory on $name',
  ({ target, epoch }) => {
    let db: TestDatabase;
    let store: Store;
    const histories: History[] = [];
    // A fixed pseudo-random sequence: the same histories every run, ties included.
    let seed = 7;
    const next = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % max;
    };
    for (let i = 0; i < 301; i++) {
      const created = Date.parse('2026-04-01T00:00:00.000Z') + i * 60_000;
      const assigned = next(5) === 0 ? undefined : next(50) * 1.5;
      const closed = next(3) > 0 ? (assigned ?? 0) + 1 + next(4000) : undefined;
      histories.push({
        id: `s${i}`,
        createdAt: new Date(created).toISOString(),
        ...(assigned === undefined ? {} : { admin: `adm${next(3)}`, assigned }),
        ...(assigned !== undefined && next(4) > 0 ? { responded: assigned + next(300) / 7 } : {}),
        ...(closed === undefined ? {} : { closed }),
        ...(closed !== undefined && assigned !== undefined && next(2) === 0
          ? { rating: 1 + next(5) }
          : {}),
      });
    }
    const range = { from: '2026-04-01T00:00:00.000Z', to: '2026-04-02T00:00:00.000Z' };
    const ms = (s: number | undefined) => (s === undefined ? [] : [Math.round(s * 1000)]);
    const missed = (h: History) => h.closed !== undefined && h.admin === undefined;
    const responses = (of: History[]) => of.flatMap((h) => (missed(h) ? [] : ms(h.responded)));
    const resolutions = (of: History[]) => of.flatMap((h) => (missed(h) ? [] : ms(h.closed)));

    beforeAll(async () => {
      db = await target.create();
      await writeHistories(db.config, histories, { epoch });
      store = await openStore(db.config);
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    it('agrees with orderStatsOf on every time of 301 chats, and counts each score', async () => {
      const expected = {
        waiting: spreadOf(orderStatsOf(histories.flatMap((h) => ms(h.assigned)))),
        firstResponse: spreadOf(orderStatsOf(responses(histories))),
        resolution: spreadOf(orderStatsOf(resolutions(histories))),
      };
      const summary = await reportSummary({ store }, SUPER, range);
      expect({
        waiting: summary.waiting,
        firstResponse: summary.firstResponse,
        resolution: summary.resolution,
      }).toEqual(expected);
      expect(summary.chats.missed).toBe(histories.filter(missed).length);
      expect(summary.csat.byScore).toEqual(
        [1, 2, 3, 4, 5].map((n) => histories.filter((h) => h.rating === n).length),
      );
    });

    it('reads the median and p90 at their exact ranks for every count from 1 to 301', async () => {
      // Each prefix of the histories: counts where ⌈0.9·n⌉ in floating point is one rank
      // too far (n = 70, 80, 130, …) and odd and even counts for the median among them.
      const start = Date.parse(range.from);
      for (let k = 1; k <= histories.length; k++) {
        const own = histories.slice(0, k);
        const summary = await reportSummary({ store }, SUPER, {
          from: range.from,
          to: new Date(start + k * 60_000).toISOString(),
        });
        expect({
          k,
          waiting: summary.waiting,
          firstResponse: summary.firstResponse,
          resolution: summary.resolution,
        }).toEqual({
          k,
          waiting: spreadOf(orderStatsOf(own.flatMap((h) => ms(h.assigned)))),
          firstResponse: spreadOf(orderStatsOf(responses(own))),
          resolution: spreadOf(orderStatsOf(resolutions(own))),
        });
      }
    });

    it("agrees with orderStatsOf on each admin's medians", async () => {
      const { agents } = await reportAgents({ store }, SUPER, range);
      const admins = [...new Set(histories.flatMap((h) => (h.admin ? [h.admin] : [])))].sort();
      expect(agents.map((a) => a.adminId).sort()).toEqual(admins);
      for (const a of agents) {
        const own = histories.filter((h) => h.admin === a.adminId);
        expect(a.chats).toBe(own.length);
        expect(a.firstResponseMedian).toBe(spreadOf(orderStatsOf(responses(own))).median);
        expect(a.resolutionMedian).toBe(spreadOf(orderStatsOf(resolutions(own))).median);
      }
    });

    it("agrees with orderStatsOf on each hour's median first response", async () => {
      const { points } = await reportSeries({ store }, SUPER, {
        ...range,
        metric: 'firstResponse',
        interval: 'hour',
      });
      const expected = points.map((p) => {
        const start = Date.parse(p.at);
        const own = histories.filter((h) => {
          const created = Date.parse(h.createdAt);
          return created >= start && created < start + 3_600_000;
        });
        return spreadOf(orderStatsOf(responses(own))).median ?? 0;
      });
      expect(points.map((p) => p.value)).toEqual(expected);
      expect(expected.filter((v) => v > 0).length).toBeGreaterThan(2);
    });
  },
);
