/**
 * A first history page the server cut at its byte budget (historyPageMaxBytes) counts one
 * page when the chat has fewer messages than the page's limit: the widget still offers,
 * and loads, the messages older than the cut.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/schemas/shapes.js';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { freePort, type HostPage, openChatWithMessages, startHostPage } from './support.js';

describe.skipIf(!chromiumAvailable)('a history page cut at the byte budget', () => {
  let browser: Browser;
  let server: RunningServer;
  let host: HostPage;
  const contexts: BrowserContext[] = [];
  const userId = 'long-texts-user';

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    const port = await freePort();
    const chatOrigin = `http://127.0.0.1:${port}`;
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, { PORT: String(port) });
    host = await startHostPage(chatOrigin, { 'user-id': userId, 'user-name': 'Long' }, 'en');
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await host?.close();
    await browser?.close();
    await server?.close();
  });

  it('offers and loads the messages older than the cut', async () => {
    // Two short messages, then 20 of control characters (~60 KB of JSON each): 22 in all,
    // fewer than the widget's page of 50, but over the budget together.
    const texts = ['first words', 'second words'];
    const contents = Array.from(
      { length: 22 },
      (_, i) => texts[i] ?? '\u0001'.repeat(LIMITS.contentChars),
    );
    const { chatId } = await openChatWithMessages(server, { id: userId, name: 'Long' }, contents);
    const firstPage = await api(server, 'GET', `/api/messages/${chatId}?limit=50`);
    const firstSeq = (firstPage.body.messages as Array<{ seq: number }>)[0]?.seq ?? 1;
    expect(firstSeq).toBeGreaterThan(2);
    expect(firstPage.body.pagination).toEqual({ page: 1, limit: 50, total: 22, pages: 1 });

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(host.origin);
    const widget = page.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    await widget.locator('.msg[data-seq="22"]').waitFor();
    expect(await widget.locator('.msg[data-seq="1"]').count()).toBe(0);
    // Clicked where it is, not scrolled to: a list scrolled near its top loads the older page
    // by itself, which would take the button away under a scrolling click.
    const older = widget.locator('.messages__older');
    await older.waitFor({ state: 'visible' });
    await older.dispatchEvent('click');
    await widget.locator('.msg[data-seq="1"]', { hasText: 'first words' }).waitFor();
    await widget.locator('.msg[data-seq="2"]', { hasText: 'second words' }).waitFor();
  }, 120_000);
});
