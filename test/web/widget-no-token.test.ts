/**
 * A page that embeds the widget without a token while the server signs users in with
 * tokens (AUTH_MODE=jwt): the user reads that the chat is not available here, in their
 * language, not that their session expired (they never had one), and the page's developer
 * reads what is missing in the browser's console. That is all the panel says: no
 * invitation to write, no "we're offline, leave your message", no message box that
 * cannot send.
 */
import { describe, expect, it } from 'vitest';
import { widgetStrings } from '../../web/shared/i18n/widget.js';
import { PAGE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { chromiumAvailable } from './chromium.js';
import { browserAndServer, seriousViolations } from './support.js';

describe.skipIf(!chromiumAvailable)('the widget without a token on a jwt server', () => {
  const web = browserAndServer(JWT_ENV);

  it.each([
    ['ru', 'ru-RU'],
    ['uz', 'uz-UZ'],
  ] as const)(
    'tells the user only that the chat is not available here, in %s, and the developer what is missing',
    async (lang, locale) => {
      const context = await web.browser.newContext({ locale });
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        // The desk is answered without a token, and nobody is at it: that must not show.
        const desk = page.waitForResponse((res) => res.url().includes('/api/desk'));
        // The demo page embeds the widget with a user id and name, as AUTH_MODE=none wants.
        await page.goto(`${web.server.url}/widget/demo`);
        const widget = page.locator('fastorika-chat');
        await widget.evaluate((el, l) => el.setAttribute('lang', l), lang);
        await widget.locator('button.launcher').click();
        const banner = widget.locator('.banner[data-connection=signed-out]');
        await banner.waitFor();
        await desk;
        expect(await banner.textContent()).toBe(widgetStrings[lang].noSignIn);
        // Once: the history's request and the socket are both refused, one mistake.
        await quiet(PAGE_QUIET_MS);
        expect(errors.filter((e) => e.includes('data-token'))).toHaveLength(1);

        const panel = widget.locator('.panel');
        // One state: that sentence, nothing asking the user to write.
        expect(await panel.locator('[role=status], [role=alert]').allTextContents()).toEqual([
          widgetStrings[lang].noSignIn,
        ]);
        const said = await panel.textContent();
        expect(said).not.toContain(widgetStrings[lang].intro);
        expect(said).not.toContain(widgetStrings[lang].offline);
        // No box, no attach button, no send button: nothing that looks as if it could send.
        expect(await panel.locator('textarea, input, .composer, [type=submit]').count()).toBe(0);
        // The dialog is described by that sentence, and the keyboard is in the dialog.
        const describedBy = await panel.getAttribute('aria-describedby');
        expect(describedBy).toBeTruthy();
        expect(await banner.getAttribute('id')).toBe(describedBy);
        expect(
          await widget.evaluate((el) => el.shadowRoot?.activeElement?.className ?? 'outside'),
        ).toBe('panel__close');
        expect(await seriousViolations(page)).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );

  it("tells the page's developer why the server refused the token it gave, once", async () => {
    const context = await web.browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${web.server.url}/widget/demo`);
      // A backend's usual slip: a token that lives a month, which the server refuses.
      const month = await signToken('long-lived', 'user', 'Lola', { expiresIn: '30d' });
      const told = page.waitForEvent('console', (m) => m.text().includes('refused the token'));
      await page.locator('fastorika-chat').evaluate((el, t) => {
        (el as HTMLElement & { token: string }).token = t;
      }, month);
      expect((await told).text()).toContain('Invalid token: it may live at most 24 hours');
      // Once: the history's request and the socket are both refused for it.
      await quiet(PAGE_QUIET_MS);
      expect(errors.filter((e) => e.includes('refused the token'))).toHaveLength(1);
    } finally {
      await context.close();
    }
  }, 60_000);
});
