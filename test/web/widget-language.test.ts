/**
 * The widget follows a language the host page switches at run time, the lines about agents
 * included: "Anna joined the chat" and "Your chat was passed to Boris" were sentences made
 * when the event came, and stayed in English under a Russian panel.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { request, startTestServer, succeeded } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

describe.skipIf(!chromiumAvailable)("the widget's language, switched by the host page", () => {
  let browser: Browser;
  let server: RunningServer;
  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('rewrites the lines about agents joining and taking over', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/widget/demo`);
      const widget = page.locator('fastorika-chat');
      await widget.locator('button.launcher').click();
      await widget.locator('textarea').fill('Where is my refund?');
      await widget.locator('textarea').press('Enter');
      await widget.locator('.msg[data-seq="1"]').waitFor();

      const { chats } = succeeded(
        await request(server, 'GET /api/chats/user/:userId', {
          params: { userId: 'demo-visitor' },
        }),
      );
      const chatId = chats[0]?._id ?? '';
      // Boris becomes an admin the server knows (a transfer's target must be) by taking a chat.
      const other = succeeded(
        await request(server, 'POST /api/chats', { body: { userId: 'u-other', userName: 'Olim' } }),
      );
      await request(server, 'POST /api/chats/assign', {
        body: { chatId: other.chat._id, adminId: 'boris', adminName: 'Boris' },
      });
      const assigned = await request(server, 'POST /api/chats/assign', {
        body: { chatId, adminId: 'anna', adminName: 'Anna' },
      });
      expect(assigned.status).toBe(200);
      const transferred = await request(server, 'POST /api/chats/transfer', {
        body: { chatId, fromAdminId: 'anna', toAdminId: 'boris', toAdminName: 'Boris' },
      });
      expect(transferred.status).toBe(200);
      const notices = widget.locator('.notice');
      await expect
        .poll(() => notices.allTextContents())
        .toEqual(['Anna joined the chat', 'Your chat was passed to Boris']);

      await widget.evaluate((el) => el.setAttribute('lang', 'ru'));
      await expect
        .poll(() => notices.allTextContents())
        .toEqual(['К чату подключился оператор Anna', 'Ваш чат передан оператору Boris']);
    } finally {
      await context.close();
    }
  }, 60_000);
});
