/**
 * A page that embeds the widget without a token while the server signs users in with
 * tokens (AUTH_MODE=jwt): the user reads that the chat is not available here, in their
 * language, not that their session expired (they never had one), and the page's developer
 * reads what is missing in the browser's console.
 */
import { describe, expect, it } from 'vitest';
import { widgetStrings } from '../../web/shared/i18n/widget.js';
import { JWT_ENV } from '../helpers/tokens.js';
import { chromiumAvailable } from './chromium.js';
import { browserAndServer } from './support.js';

describe.skipIf(!chromiumAvailable)('the widget without a token on a jwt server', () => {
  const web = browserAndServer(JWT_ENV);

  it('tells the user the chat is not available here and the developer what is missing', async () => {
    const context = await web.browser.newContext({ locale: 'ru-RU' });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      // The demo page embeds the widget with a user id and name, as AUTH_MODE=none wants.
      await page.goto(`${web.server.url}/widget/demo`);
      const widget = page.locator('fastorika-chat');
      await widget.evaluate((el) => el.setAttribute('lang', 'ru'));
      await widget.locator('button.launcher').click();
      const banner = widget.locator('.banner[data-connection=signed-out]');
      await banner.waitFor();
      expect(await banner.textContent()).toBe(widgetStrings.ru.noSignIn);
      expect(errors.some((e) => e.includes('data-token'))).toBe(true);
    } finally {
      await context.close();
    }
  }, 60_000);
});
