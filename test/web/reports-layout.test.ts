/**
 * The Reports page's summary cards in every language, on a desktop and a phone: each
 * card's title stays inside its card (wrapped or hyphenated when it must), never runs into
 * the card's edge. Russian "Удовлетворённость" did at 1280 px.
 */
import { describe, expect, it } from 'vitest';
import { browserAndServer } from './support.js';

describe('the Reports summary cards', () => {
  const ctx = browserAndServer();

  it('keep every title inside its card, in en, ru and uz, at 1280 and 360 px', {
    timeout: 90_000,
  }, async () => {
    const overflowing: string[] = [];
    for (const lang of ['en', 'ru', 'uz']) {
      for (const width of [1280, 360]) {
        const context = await ctx.browser.newContext({ viewport: { width, height: 800 } });
        const page = await context.newPage();
        page.setDefaultTimeout(8000);
        await page.goto(`${ctx.server.url}/console?lang=${lang}`);
        await page.fill('input[name=name]', 'Sardor');
        await page.fill('input[name=id]', 'boss-layout');
        await page.check('input[name=superadmin]');
        await page.click('button[type=submit]');
        await page.locator('.topbar__connection[data-connection=online]').waitFor();
        await page.click('.topbar [data-view=reports]');
        await page.locator('.report-card h4').first().waitFor();
        const past = await page.locator('.report-card h4').evaluateAll((titles) =>
          titles.flatMap((h) => {
            const card = h.parentElement?.getBoundingClientRect();
            if (!card) return [];
            const style = getComputedStyle(h.parentElement as Element);
            const contentRight = card.right - Number.parseFloat(style.paddingRight) - 1;
            const words = document.createRange();
            words.selectNodeContents(h);
            const right = Math.max(...[...words.getClientRects()].map((r) => r.right));
            return right > contentRight + 0.5
              ? [`${h.textContent}: ${(right - contentRight).toFixed(1)} px past`]
              : [];
          }),
        );
        overflowing.push(...past.map((p) => `${lang} ${width}: ${p}`));
        await context.close();
      }
    }
    expect(overflowing).toEqual([]);
  });
});
