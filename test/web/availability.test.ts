/**
 * Availability and capacity in two real consoles: an admin sets available/away in the
 * top bar and sees their load against maxChats; a superadmin's Agents tab shows every
 * agent's connection, availability and load live, and changes an admin's maxChats,
 * which the admin's own top bar then shows.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { request, startTestServer, succeeded } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { seriousViolations } from './support.js';

describe.skipIf(!chromiumAvailable)('agents: availability and capacity in the console', () => {
  let browser: Browser;
  let server: RunningServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  /** A console signed in (demo mode) in its own browser. */
  async function agent(
    who: { id: string; name: string; superadmin?: boolean },
    lang: string,
  ): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    // A step that does not come names itself well within the test's time.
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.url}/console?lang=${lang}`);
    await page.fill('input[name=name]', who.name);
    await page.fill('input[name=id]', who.id);
    if (who.superadmin) await page.check('input[name=superadmin]');
    await page.click('button[type=submit]');
    await page.locator('.topbar__connection[data-connection=online]').waitFor();
    return page;
  }

  it('an admin goes away and back with their load shown; a superadmin sees it live and sets maxChats', {
    timeout: 120_000,
  }, async () => {
    const anna = { id: 'anna-avail', name: 'Anna' };
    const chief = { id: 'chief-avail', name: 'Chief', superadmin: true };
    const a = await agent(anna, 'en');
    const s = await agent(chief, 'ru');

    // Anna: available by default, no chats of the default five.
    await a.locator('.availability[data-availability=available]').waitFor();
    expect(await a.locator('.availability__load').getAttribute('data-load')).toBe('0/5');
    expect(await a.locator('.availability__load').textContent()).toContain('0 / 5');
    expect(await seriousViolations(a, '.topbar')).toEqual([]);

    // The superadmin joins away (routed to only after choosing available), and sees Anna.
    await s.locator('.availability[data-availability=away]').waitFor();
    await s.click('.tab[data-tab=agents]');
    const annaRow = s.locator(`.agent[data-admin-id="${anna.id}"]`);
    await annaRow.waitFor();
    expect(await annaRow.getAttribute('data-online')).toBe('true');
    expect(await annaRow.getAttribute('data-availability')).toBe('available');

    // Anna steps away: her bar says so, and the superadmin's list follows without a reload.
    await a.click('.availability__choice [data-status=away]');
    await a.locator('.availability[data-availability=away]').waitFor();
    await s.locator(`.agent[data-admin-id="${anna.id}"][data-availability=away]`).waitFor();

    // A chat assigned to her counts in both views.
    const user = { userId: 'user-avail', userName: 'Dilnoza' };
    const { chat } = succeeded(await request(server, 'POST /api/chats', { body: user }));
    const taken = await request(server, 'POST /api/chats/assign', {
      body: { chatId: chat._id, adminId: anna.id, adminName: anna.name },
    });
    expect(taken.status).toBe(200);
    await a.locator('.availability__load[data-load="1/5"]').waitFor();
    await s.locator(`.agent[data-admin-id="${anna.id}"] .agent__load[data-load="1/5"]`).waitFor();

    // A bad maxChats is refused in the form; a good one reaches Anna's top bar.
    const input = s.locator(`#max-chats-${anna.id}`);
    await input.fill('101');
    await s.click(`.agent[data-admin-id="${anna.id}"] .agent__max button[type=submit]`);
    expect(
      await s.locator(`.agent[data-admin-id="${anna.id}"] [role=alert]`).textContent(),
    ).toMatch(/100/);
    await input.fill('3');
    await s.click(`.agent[data-admin-id="${anna.id}"] .agent__max button[type=submit]`);
    await a.locator('.availability__load[data-load="1/3"]').waitFor();
    expect(await seriousViolations(s, '.agent-list')).toEqual([]);

    // Back to available: remembered on the server for her next connection.
    await a.click('.availability__choice [data-status=available]');
    await a.locator('.availability[data-availability=available]').waitFor();
    await a.reload();
    await a.locator('.availability[data-availability=available]').waitFor();
    expect(await a.locator('.availability__load').getAttribute('data-load')).toBe('1/3');

    // She closes the console: offline in the superadmin's list.
    await a.close();
    await s.locator(`.agent[data-admin-id="${anna.id}"][data-online=false]`).waitFor();
  });
});
