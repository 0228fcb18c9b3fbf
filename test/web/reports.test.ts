/**
 * The Reports page in Chromium, against the real server (JWT): chats seeded through the
 * REST API (opened, taken, answered, closed, rated; one closed never taken, one still
 * waiting), then the page as a superadmin (everyone, every agent's row) and as an admin
 * (their own chats, their own row). The figures shown are the seeded ones, each chart's
 * table carries them, the CSV downloads (fetched with the Authorization header) start
 * with their header rows, a reversed range shows the server's message, no CSP violation
 * happens (uPlot styles through the CSSOM) and axe finds nothing serious. With AUTH_MODE=none
 * the query names who asks; the hour step gives every hour of the week.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { bucketLabel, duration } from '../../web/console/reports/figures.js';
import type { Lang } from '../../web/shared/i18n/index.js';
import { api, request, startTestServer, succeeded } from '../helpers/server.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { seriousViolations, until } from './support.js';

/** Rewritten when missing or with UPDATE_SCREENSHOTS=1, as e2e.test.ts does its own. */
const COMMITTED = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(join(COMMITTED, 'reports.png'))
    ? COMMITTED
    : join(tmpdir(), 'fastorika-screenshots');

const ZONE = 'Asia/Tashkent';

describe.skipIf(!chromiumAvailable)('the Reports page', () => {
  let browser: Browser;
  let server: RunningServer;
  const contexts: BrowserContext[] = [];
  const anna = { id: 'anna-reports', name: 'Anna', role: 'admin' } as const;
  const boris = { id: 'boris-reports', name: 'Boris', role: 'admin' } as const;
  const boss = { id: 'boss-reports', name: 'Sardor', role: 'superadmin' } as const;
  const tokens: Record<string, string> = {};

  const auth = (id: string) => bearer(tokens[id] ?? '').headers;

  /** One chat: the user writes; `agent` takes and answers it; it is closed and rated. */
  async function seed(
    n: number,
    agent: { id: string; name: string } | undefined,
    closed: boolean,
    score?: number,
  ) {
    const user = { userId: `user-reports-${n}`, userName: `Customer ${n}` };
    tokens[user.userId] = await signToken(user.userId, 'user', user.userName);
    const { chat } = succeeded(
      await request(server, 'POST /api/chats', { body: user }, auth(user.userId)),
    );
    const say = async (who: { id: string; name: string }, type: 'user' | 'admin', text: string) =>
      succeeded(
        await request(
          server,
          'POST /api/messages',
          {
            body: {
              chatId: chat._id,
              senderId: who.id,
              senderType: type,
              senderName: who.name,
              content: text,
            },
          },
          auth(who.id),
        ),
      );
    const customer = { id: user.userId, name: user.userName };
    await say(customer, 'user', `Hello from ${n}`);
    if (agent) {
      succeeded(
        await request(
          server,
          'POST /api/chats/assign',
          {
            body: {
              chatId: chat._id,
              adminId: agent.id,
              adminName: agent.name,
              isSuperAdmin: false,
            },
          },
          auth(agent.id),
        ),
      );
      await say(agent, 'admin', `Hello ${n}, how can I help?`);
    }
    if (closed) {
      const closer = agent ?? customer;
      succeeded(
        await request(
          server,
          'PATCH /api/chats/:chatId/close',
          { params: { chatId: chat._id } },
          auth(closer.id),
        ),
      );
    }
    if (score !== undefined) {
      succeeded(
        await request(
          server,
          'POST /api/chats/:chatId/rating',
          { params: { chatId: chat._id }, body: { score } },
          auth(user.userId),
        ),
      );
    }
  }

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, JWT_ENV);
    for (const who of [anna, boris, boss])
      tokens[who.id] = await signToken(who.id, who.role, who.name);
    await seed(1, anna, true, 5);
    await seed(2, boris, true, 2);
    await seed(3, anna, true, 4);
    await seed(4, undefined, true); // missed: closed while never taken
    await seed(5, undefined, false); // still waiting
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  /** The console signed in as `who`, in Tashkent's time zone, on the Reports page. */
  async function reportsAs(
    who: { id: string },
    height = 900,
    lang: Lang = 'en',
  ): Promise<{ page: Page; violations: string[] }> {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height },
      timezoneId: ZONE,
      acceptDownloads: true,
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    // Every CSP violation the page reports (uPlot must style through the CSSOM only).
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { cspViolations: seen });
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    await page.goto(`${server.url}/console?lang=${lang}#token=${tokens[who.id]}`);
    await page.click('[data-handover=accept]');
    await page.locator('.topbar__connection[data-connection=online]').waitFor();
    await page.click('[data-view=reports]');
    await page.locator('[data-figure=opened], .reports__problem').first().waitFor();
    const problem = page.locator('.reports__problem');
    if ((await problem.count()) > 0) throw new Error(`refused: ${await problem.textContent()}`);
    await page.locator('.report-chart[data-chart=volume] canvas').first().waitFor();
    const violations = () =>
      page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    return { page, violations: await violations() };
  }

  const figure = (page: Page, name: string) =>
    page.locator(`[data-figure="${name}"]`).textContent();

  /** The numbers in a chart's table, column by column. */
  const column = (page: Page, chart: string, index: number) =>
    page
      .locator(`.report-chart[data-chart=${chart}] tbody tr td:nth-of-type(${index})`)
      .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-value') ?? ''));

  const sum = (values: string[]) => values.reduce((total, v) => total + Number(v || 0), 0);

  async function download(page: Page, csv: string): Promise<string> {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`[data-csv=${csv}]`),
    ]);
    const path = await file.path();
    return readFileSync(path, 'utf8');
  }

  it('shows a superadmin every chat and every agent, with tables and CSV', async () => {
    // Tall enough for the whole page in the screenshot.
    const { page, violations } = await reportsAs(boss, 1240);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'reports.png') });
    expect(await page.locator('select[name=timezone]').inputValue()).toBe(ZONE);
    expect(await figure(page, 'opened')).toBe('5');
    expect(await figure(page, 'closed')).toBe('4');
    expect(await figure(page, 'missed')).toBe('1');
    expect(await figure(page, 'messages.user')).toBe('5');
    expect(await figure(page, 'messages.admin')).toBe('3');
    expect(await figure(page, 'csat.responses')).toBe('3');
    expect(await figure(page, 'csat.average')).toBe('3.7'); // (5 + 2 + 4) / 3
    expect(await figure(page, 'csat.positiveShare')).toBe('67%');
    // Five bars, 5 down to 1: one chat each rated 5, 4 and 2.
    expect(
      await page
        .locator('[data-chart=csatScores] td')
        .evaluateAll((c) =>
          c.map((x) => [x.getAttribute('data-score'), x.getAttribute('data-value')]),
        ),
    ).toEqual([
      ['5', '1'],
      ['4', '1'],
      ['3', '0'],
      ['2', '1'],
      ['1', '0'],
    ]);
    expect(
      await page
        .locator('[data-chart=csatScores] th')
        .evaluateAll((c) => c.map((x) => x.textContent)),
    ).toEqual(['Rated 5', 'Rated 4', 'Rated 3', 'Rated 2', 'Rated 1']);

    // The times are the server's, written as the page writes durations.
    const from = await page.locator('input[name=from]').inputValue();
    const to = await page.locator('input[name=to]').inputValue();
    const summary = await api(
      server,
      'GET',
      `/api/reports/summary?from=${encodeURIComponent(startOf(from))}&to=${encodeURIComponent(startOf(addDay(to)))}`,
      undefined,
      { headers: auth(boss.id) },
    );
    expect(summary.status).toBe(200);
    const { firstResponse, resolution } = summary.body as {
      firstResponse: { median: number | null };
      resolution: { p90: number | null };
    };
    expect(await figure(page, 'firstResponse.median')).toBe(duration(firstResponse.median, 'en'));
    expect(await figure(page, 'resolution.p90')).toBe(duration(resolution.p90, 'en'));

    // Each chart's table carries its numbers: seven days, the chats on today's.
    expect(await column(page, 'volume', 1)).toHaveLength(7);
    expect(sum(await column(page, 'volume', 1))).toBe(5);
    expect(sum(await column(page, 'volume', 2))).toBe(4);
    expect((await column(page, 'csat', 1)).filter(Boolean).map(Number)).toEqual([
      expect.closeTo(11 / 3, 2),
    ]);
    const agents = page.locator('[data-table=agents] tbody tr');
    expect(await agents.count()).toBe(2);
    expect(await agents.first().getAttribute('data-admin-id')).toBe(anna.id);
    expect(await agents.first().locator('[data-field=chats]').textContent()).toBe('2');
    expect(await agents.first().locator('[data-field=csatAverage]').textContent()).toBe('4.5');
    expect(await agents.nth(1).locator('[data-field=csatAverage]').textContent()).toBe('2.0');

    // The tables are there for screen readers; a button shows one on the screen too.
    const table = page.locator('#report-volume-table');
    expect(await table.getAttribute('class')).toContain('visually-hidden');
    await page.click('[aria-controls=report-volume-table]');
    expect(await table.getAttribute('class')).not.toContain('visually-hidden');

    expect((await download(page, 'summary')).split(/\r?\n/)[0]).toContain('chats.opened');
    expect((await download(page, 'agents')).split(/\r?\n/)[0]).toBe(
      'adminId,adminName,chats,firstResponseMedian,resolutionMedian,csatAverage',
    );
    expect((await download(page, 'opened')).split(/\r?\n/)[0]).toBe('at,value');

    expect(violations).toEqual([]);
    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it.each(['ru', 'uz'] as const)(
    'writes every duration and date in %s words, not the words Intl falls back to',
    async (lang) => {
      // Chromium's Intl has no Uzbek units or month names: it wrote "26 sec" and "M11 30".
      const { page } = await reportsAs(boss, 900, lang);
      const units = [1, 60, 3600, 86_400 * 2].map((seconds) =>
        duration(seconds, lang).replace(/^\d+/, '{n}'),
      );
      const durations = [
        ...(await page
          .locator('[data-figure$=".median"], [data-figure$=".p90"]')
          .evaluateAll((els) => els.map((e) => e.textContent ?? ''))),
        ...(await page
          .locator('[data-field$=Median]')
          .evaluateAll((els) => els.map((e) => e.textContent ?? ''))),
        ...(await page
          .locator('.report-chart[data-chart=firstResponse] .report-table td')
          .evaluateAll((els) => els.map((e) => e.textContent ?? ''))),
      ].filter((text) => text !== '—');
      expect(durations.length).toBeGreaterThan(6);
      for (const text of durations) expect(units).toContain(text.replace(/^\d+([.,]\d)?/, '{n}'));

      // Chromium writes a date input in the browser's locale (en-US here) whatever its
      // lang: the picked date is also written in the page's words beside it.
      for (const name of ['from', 'to']) {
        expect(await page.locator(`input[name=${name}]`).getAttribute('lang')).toBe(lang);
      }
      await page.locator('input[name=to]').fill('2026-12-01');
      expect(await page.locator('[data-date-words=to]').textContent()).toBe(
        { ru: '1 декабря 2026 г.', uz: '1-dekabr, 2026' }[lang],
      );
      await page.locator('input[name=to]').fill('2026-12-31');
      expect(await page.locator('[data-date-words=to]').textContent()).toBe(
        { ru: '31 декабря 2026 г.', uz: '31-dekabr, 2026' }[lang],
      );

      const from = await page.locator('input[name=from]').inputValue();
      const days = [0, 1, 2, 3, 4, 5, 6].map((n) =>
        Array.from({ length: n }).reduce<string>((day) => addDay(day), from),
      );
      expect(
        await page
          .locator('.report-chart[data-chart=volume] .report-table tbody th')
          .evaluateAll((els) => els.map((e) => e.textContent)),
      ).toEqual(days.map((day) => bucketLabel(startOf(day), 'day', ZONE, lang)));
      await page.screenshot({ path: join(tmpdir(), `fastorika-reports-${lang}.png`) });
    },
    60_000,
  );

  it('shows an admin their own chats and their own row', async () => {
    const { page } = await reportsAs(anna);
    expect(await page.locator('.reports__scope').textContent()).toBe('Your chats');
    expect(await figure(page, 'opened')).toBe('2');
    expect(await figure(page, 'closed')).toBe('2');
    expect(await figure(page, 'missed')).toBe('0');
    expect(await figure(page, 'csat.average')).toBe('4.5');
    expect(sum(await column(page, 'volume', 1))).toBe(2);
    const agents = page.locator('[data-table=agents] tbody tr');
    expect(await agents.count()).toBe(1);
    expect(await agents.first().getAttribute('data-admin-id')).toBe(anna.id);
    const rows = (await download(page, 'agents')).trim().split(/\r?\n/);
    expect(rows).toHaveLength(2); // the header and Anna's row
    expect(rows[1]).toContain(anna.id);
    expect(await seriousViolations(page, '.reports-pane')).toEqual([]);
  }, 60_000);

  it("shows the server's message for a reversed range, and recovers", async () => {
    const { page } = await reportsAs(anna);
    const to = await page.locator('input[name=to]').inputValue();
    await page.fill('input[name=from]', addDay(addDay(to)));
    await page.click('.reports__period button[type=submit]');
    const problem = page.locator('.reports__problem');
    await problem.waitFor();
    const refused = await api(
      server,
      'GET',
      `/api/reports/summary?from=${encodeURIComponent(startOf(addDay(addDay(to))))}&to=${encodeURIComponent(startOf(addDay(to)))}&adminId=${anna.id}`,
      undefined,
      { headers: auth(anna.id) },
    );
    expect(refused.status).toBe(400);
    const { error } = refused.body as { error: string };
    expect(await problem.textContent()).toContain(error);
    expect(await page.locator('[data-figure=opened]').count()).toBe(0);

    await page.fill('input[name=from]', to);
    await page.click('.reports__period button[type=submit]');
    await page.locator('[data-figure=opened]').waitFor();
    expect(await problem.count()).toBe(0);
    expect(await figure(page, 'opened')).toBe('2');
  }, 60_000);

  it('works with AUTH_MODE=none too: the query names who asks, per hour', async () => {
    const demo = await startTestServer({ kind: 'sqlite', path: ':memory:' });
    try {
      const body = { userId: 'user-reports-demo', userName: 'Dilnoza' };
      succeeded(await request(demo, 'POST /api/chats', { body }));
      const ctx = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        timezoneId: ZONE, // no clock change: a week is 168 hours
      });
      contexts.push(ctx);
      const page = await ctx.newPage();
      await page.goto(`${demo.url}/console?lang=en`);
      await page.fill('input[name=name]', 'Sardor');
      await page.fill('input[name=id]', 'sardor-reports');
      await page.check('input[name=superadmin]');
      await page.click('button[type=submit]');
      await page.locator('.topbar__connection[data-connection=online]').waitFor();
      await page.click('[data-view=reports]');
      await page.locator('[data-figure=opened]').waitFor();
      expect(await figure(page, 'opened')).toBe('1');
      await page.selectOption('select[name=interval]', 'hour');
      await page.click('.reports__period button[type=submit]');
      await until(
        'the hours are shown',
        async () => (await column(page, 'volume', 1)).length === 7 * 24,
      );
      expect(sum(await column(page, 'volume', 1))).toBe(1);
    } finally {
      await demo.close();
    }
  }, 60_000);
});

/** Midnight of `date` in Tashkent (UTC+5 all year), as an ISO instant. */
function startOf(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00+05:00`)).toISOString();
}

function addDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
