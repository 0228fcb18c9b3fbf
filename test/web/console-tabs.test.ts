/**
 * The console's list tabs fit the sidebar in every language: a superadmin has four, and
 * Uzbek's one-word "Operatorlar" ran past the sidebar's edge, cut off, until the tabs could
 * wrap.
 */
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../web/shared/i18n/index.js';
import { chromiumAvailable } from './chromium.js';
import { browserAndServer } from './support.js';

describe.skipIf(!chromiumAvailable)("the console's list tabs", () => {
  const web = browserAndServer();

  it.each(LANGS)(
    "show a superadmin's every tab whole in the sidebar (%s, desktop)",
    async (lang) => {
      const context = await web.browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const page = await context.newPage();
        await page.goto(`${web.server.url}/console?lang=${lang}`);
        await page.fill('input[name=name]', 'Zarina');
        await page.fill('input[name=id]', `tabs-${lang}`);
        await page.check('input[type=checkbox]');
        await page.click('button[type=submit]');
        await page.locator('.tab[data-tab=agents]').waitFor();
        const cut = await page.evaluate(() => {
          const sidebar = document.querySelector('.sidebar')?.getBoundingClientRect();
          return [...document.querySelectorAll<HTMLElement>('.tabs .tab')]
            .filter((tab) => {
              const box = tab.getBoundingClientRect();
              const past = sidebar === undefined || box.right > sidebar.right + 0.5;
              return past || tab.scrollWidth > tab.clientWidth;
            })
            .map((tab) => tab.textContent);
        });
        expect(cut).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
