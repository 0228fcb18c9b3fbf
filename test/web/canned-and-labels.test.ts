/**
 * Canned replies and labels in real consoles: an agent inserts a canned reply with the
 * keyboard only (`/ref`, ArrowDown, Enter), its placeholders filled, and sends it; the
 * team scope is offered only to a superadmin; a label set in one console appears live in
 * another, whose label filter then lists only the chats carrying it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { fetchHistory } from '../helpers/flows.js';
import { request, startTestServer, succeeded } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { seriousViolations } from './support.js';

describe.skipIf(!chromiumAvailable)('canned replies and labels in the console', () => {
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
  async function agent(who: { id: string; name: string; superadmin?: boolean }): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(8000);
    await page.goto(`${server.url}/console?lang=en`);
    await page.fill('input[name=name]', who.name);
    await page.fill('input[name=id]', who.id);
    if (who.superadmin) await page.check('input[name=superadmin]');
    await page.click('button[type=submit]');
    await page.locator('.topbar__connection[data-connection=online]').waitFor();
    return page;
  }

  const openChatFor = async (userId: string, userName: string) =>
    succeeded(await request(server, 'POST /api/chats', { body: { userId, userName } })).chat;

  it('inserts a canned reply with the keyboard only, placeholders filled, and sends it', {
    timeout: 60_000,
  }, async () => {
    const chief = { id: 'chief-canned', name: 'Chief', superadmin: true };
    const anna = { id: 'anna-canned', name: 'Anna' };
    for (const [shortcut, title, content] of [
      [
        'refund',
        'Refund on its way',
        'Hello {{user.name}}, your refund is on its way. {{agent.name}}',
      ],
      ['refund-late', 'Refund is late', 'Sorry {{user.name}}, the refund is late.'],
      ['kyc', 'KYC documents', 'Please send your passport.'],
    ] as const) {
      succeeded(
        await request(server, 'POST /api/canned-replies', {
          query: { adminId: chief.id, isSuperAdmin: true },
          body: { shortcut, title, content, scope: 'team' },
        }),
      );
    }
    const chat = await openChatFor('user-canned', 'Dilnoza');
    succeeded(
      await request(server, 'POST /api/chats/assign', {
        body: { chatId: chat._id, adminId: anna.id, adminName: anna.name },
      }),
    );

    const a = await agent(anna);
    await a.click('.tab[data-tab=mine]');
    await a.locator(`.chat-item[data-chat-id="${chat._id}"]`).click();
    const box = a.locator('#reply');
    await box.waitFor();
    await box.focus();
    await a.keyboard.type('/ref');
    const options = a.locator('#reply-canned [role=option]');
    await a.locator('#reply-canned:not([hidden])').waitFor();
    expect(await options.count()).toBe(2);
    expect(await box.getAttribute('aria-controls')).toBe('reply-canned');
    expect(await box.getAttribute('aria-activedescendant')).toBeNull();
    expect(await seriousViolations(a, '.composer')).toEqual([]);

    await a.keyboard.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBe('reply-canned-0');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    expect(await options.nth(0).textContent()).toContain('/refund');
    await a.keyboard.press('Enter');
    const filled = 'Hello Dilnoza, your refund is on its way. Anna';
    expect(await box.inputValue()).toBe(filled);
    expect(await a.locator('#reply-canned').isHidden()).toBe(true);
    await a.keyboard.press('Enter');
    await a.locator('.msg--mine', { hasText: filled }).waitFor();
    const history = succeeded(await fetchHistory(server, chat._id)).messages;
    expect(history.at(-1)?.content).toBe(filled);

    // Escape closes the list, and the text stays what was typed.
    await box.focus();
    await a.keyboard.type('/kyc');
    await a.locator('#reply-canned:not([hidden])').waitFor();
    await a.keyboard.press('Escape');
    expect(await a.locator('#reply-canned').isHidden()).toBe(true);
    expect(await box.inputValue()).toBe('/kyc');

    // Anna may keep her own replies only; the superadmin is offered the team's too.
    await a.click('[data-tab=replies]');
    await a.click('.canned-manager__new');
    await a.locator('#canned-shortcut').waitFor();
    expect(await a.locator('#canned-scope').count()).toBe(0);
    expect(await a.locator('.canned-manager__item .canned-manager__actions').count()).toBe(0);
    const s = await agent(chief);
    await s.click('[data-tab=replies]');
    await s.click('.canned-manager__new');
    expect(await s.locator('#canned-scope option').count()).toBe(2);
    expect(await seriousViolations(s, '.canned-manager')).toEqual([]);
  });

  it('a label set in one console appears live in another, and filters its list', {
    timeout: 60_000,
  }, async () => {
    const anna = { id: 'anna-labels', name: 'Anna' };
    const chief = { id: 'chief-labels', name: 'Chief', superadmin: true };
    const chat = await openChatFor('user-labelled', 'Bekzod');
    const other = await openChatFor('user-unlabelled', 'Olim');
    succeeded(
      await request(server, 'POST /api/chats/assign', {
        body: { chatId: chat._id, adminId: anna.id, adminName: anna.name },
      }),
    );
    const a = await agent(anna);
    const s = await agent(chief);
    await s.click('.tab[data-tab=all]');
    const item = s.locator(`.chat-item[data-chat-id="${chat._id}"]`);
    await item.waitFor();
    await s.locator(`.chat-item[data-chat-id="${other._id}"]`).waitFor();

    // Anna labels her chat with the keyboard.
    await a.click('.tab[data-tab=mine]');
    await a.locator(`.chat-item[data-chat-id="${chat._id}"]`).click();
    await a.locator('.labels__input').focus();
    await a.keyboard.type('Refund');
    await a.keyboard.press('Enter');
    await a.locator('.labels .chip[data-label=Refund]').waitFor();
    await a.keyboard.type('KYC');
    await a.keyboard.press('Enter');
    await a.locator('.labels .chip[data-label=KYC]').waitFor();
    expect(await seriousViolations(a, '.chat__header')).toEqual([]);

    // The superadmin's list shows them at once, without a reload.
    await item.locator('.chip[data-label=Refund]').waitFor();
    await item.locator('.chip[data-label=KYC]').waitFor();

    // Its label filter (case does not count) lists only the labelled chat.
    await s.fill('.filter__label', 'refund');
    await s.locator(`.chat-item[data-chat-id="${other._id}"]`).waitFor({ state: 'detached' });
    expect(await s.locator('.chat-list .chat-item').count()).toBe(1);
    expect(await item.isVisible()).toBe(true);

    // A label removed in Anna's console (keyboard: its remove button) leaves the filter too.
    await a.locator('.labels .chip[data-label=Refund] .chip__remove').focus();
    await a.keyboard.press('Enter');
    await a.locator('.labels .chip[data-label=Refund]').waitFor({ state: 'detached' });
    await item.waitFor({ state: 'detached' });
    await s.fill('.filter__label', '');
    await item.locator('.chip[data-label=KYC]').waitFor();
  });
});
