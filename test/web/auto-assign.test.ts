/**
 * ROUTING=auto in a real console: a chat the server assigns to the signed-in admin
 * (chat-assigned) opens by itself, with a chime (only checked not to fail: nothing in
 * the page throws) and, with the tab hidden and notifications allowed, a system
 * notification in the console's language. Notification and the page's visibility are
 * stubbed in the page before it loads; a headless browser has neither for real.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { request, startTestServer, succeeded } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

declare global {
  interface Window {
    shown: { title: string; body: string | undefined }[];
    hidden: boolean;
  }
}

describe.skipIf(!chromiumAvailable)('an automatically assigned chat in the console', () => {
  let browser: Browser;
  let server: RunningServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, { ROUTING: 'auto' });
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  async function signedIn(who: { id: string; name: string }, lang: string) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(8000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.addInitScript(() => {
      window.shown = [];
      window.hidden = false;
      Object.defineProperty(document, 'visibilityState', {
        get: () => (window.hidden ? 'hidden' : 'visible'),
      });
      class StubNotification {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        constructor(title: string, options?: { body?: string }) {
          window.shown.push({ title, body: options?.body });
        }
      }
      Object.defineProperty(window, 'Notification', { value: StubNotification });
    });
    await page.goto(`${server.url}/console?lang=${lang}`);
    await page.fill('input[name=name]', who.name);
    await page.fill('input[name=id]', who.id);
    await page.click('button[type=submit]');
    await page.locator('.topbar__connection[data-connection=online]').waitFor();
    return { page, errors };
  }

  const openChatAs = async (userId: string, userName: string) =>
    succeeded(await request(server, 'POST /api/chats', { body: { userId, userName } })).chat;

  const shown = (page: Page) => page.evaluate(() => window.shown);

  it('opens the chat, chimes, and notifies while the tab is hidden', {
    timeout: 60_000,
  }, async () => {
    const { page, errors } = await signedIn({ id: 'anna-auto', name: 'Anna' }, 'ru');
    const first = await openChatAs('user-auto-1', 'Dilnoza');
    // Visible tab: the chat opens, no system notification.
    await page.locator(`section.chat[data-chat-id="${first._id}"]`).waitFor();
    expect(await page.locator('#chat-title').textContent()).toContain('Dilnoza');
    expect(await shown(page)).toEqual([]);

    // Hidden tab: a notification in Russian names the user.
    await page.evaluate(() => {
      window.hidden = true;
    });
    await request(server, 'PATCH /api/chats/:chatId/close', {
      params: { chatId: first._id },
      body: {},
    });
    const second = await openChatAs('user-auto-2', 'Bekzod');
    await page.waitForFunction(() => window.shown.length > 0);
    // The name is isolated (bidi), as in every notification of the console.
    expect(await shown(page)).toEqual([
      { title: 'Вам назначен чат', body: '\u2068Bekzod\u2069 ждёт вашего ответа' },
    ]);
    await page.locator(`section.chat[data-chat-id="${second._id}"]`).waitFor();
    expect(errors).toEqual([]);
  });
});
