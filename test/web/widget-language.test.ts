/**
 * The widget follows a language the host page switches at run time, the lines about agents
 * included: "Anna joined the chat" and "Your chat was passed to Boris" were sentences made
 * when the event came, and stayed in English under a Russian panel.
 */
import { describe, expect, it } from 'vitest';
import { request, succeeded } from '../helpers/server.js';
import { chromiumAvailable } from './chromium.js';
import { browserAndServer } from './support.js';

describe.skipIf(!chromiumAvailable)("the widget's language, switched by the host page", () => {
  const web = browserAndServer();

  it('rewrites the lines about agents joining and taking over', async () => {
    const context = await web.browser.newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(`${web.server.url}/widget/demo`);
      const widget = page.locator('fastorika-chat');
      await widget.locator('button.launcher').click();
      await widget.locator('textarea').fill('Where is my refund?');
      await widget.locator('textarea').press('Enter');
      await widget.locator('.msg[data-seq="1"]').waitFor();

      const { chats } = succeeded(
        await request(web.server, 'GET /api/chats/user/:userId', {
          params: { userId: 'demo-visitor' },
        }),
      );
      const chatId = chats[0]?._id ?? '';
      // Boris becomes an admin the server knows (a transfer's target must be) by taking a chat.
      const other = succeeded(
        await request(web.server, 'POST /api/chats', {
          body: { userId: 'u-other', userName: 'Olim' },
        }),
      );
      await request(web.server, 'POST /api/chats/assign', {
        body: { chatId: other.chat._id, adminId: 'boris', adminName: 'Boris' },
      });
      const assigned = await request(web.server, 'POST /api/chats/assign', {
        body: { chatId, adminId: 'anna', adminName: 'Anna' },
      });
      expect(assigned.status).toBe(200);
      const transferred = await request(web.server, 'POST /api/chats/transfer', {
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
