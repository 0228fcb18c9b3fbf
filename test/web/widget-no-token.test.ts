/**
 * A page that embeds the widget without a token while the server signs users in with
 * tokens (AUTH_MODE=jwt): the user reads that the chat is not available here, in their
 * language, not that their session expired (they never had one), and the page's developer
 * reads what is missing in the browser's console.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { widgetStrings } from '../../web/shared/i18n/widget.js';
import { startTestServer } from '../helpers/server.js';
import { JWT_ENV } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

describe.skipIf(!chromiumAvailable)('the widget without a token on a jwt server', () => {
  let browser: Browser;
  let server: RunningServer;
  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, JWT_ENV);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('tells the user the chat is not available here and the developer what is missing', async () => {
    const context = await browser.newContext({ locale: 'ru-RU' });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      // The demo page embeds the widget with a user id and name, as AUTH_MODE=none wants.
      await page.goto(`${server.url}/widget/demo`);
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
