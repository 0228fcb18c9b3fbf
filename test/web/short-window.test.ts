/**
 * The console in a short window (a laptop's 1366 × 650): the frame around a chat (top
 * bar, demo banner, the chat's header with its actions and labels, the customer's actions,
 * the tabs, the composer) took 437 px and left the conversation 213. The conversation must
 * keep a sensible share of the height, in every language, with the composer in view. On a
 * phone (360 × 740) the header's actions wrap into rows: the page scrolls, and the
 * conversation keeps most of a screen.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { LANGS } from '../../web/shared/i18n/index.js';
import { chromiumAvailable } from './chromium.js';
import {
  browserAndServer,
  type Customer,
  openChatWithMessages,
  seriousViolations,
} from './support.js';

const WIDTH = 1366;
const HEIGHT = 650;
/** The conversation's least height: more than the frame's parts around it together. */
const TIMELINE_MIN_PX = 300;

/** A chat of `user`'s holding 30 of their messages: more than any window shows at once. */
async function chatOfThirty(server: RunningServer, user: Customer) {
  const contents = Array.from({ length: 30 }, (_, i) => `message ${i}`);
  await openChatWithMessages(server, user, contents);
}

/** Signs in at `url` as a superadmin and opens `userName`'s chat, once its messages show. */
async function openAsSuperadmin(page: Page, url: string, adminId: string, userName: string) {
  await page.goto(url);
  await page.fill('input[name=name]', 'Zarina');
  await page.fill('input[name=id]', adminId);
  await page.check('input[type=checkbox]');
  await page.click('button[type=submit]');
  await page.locator(`.chat-item`, { hasText: userName }).first().click();
  await page.locator('.chat .msg[data-seq]').first().waitFor();
}

describe.skipIf(!chromiumAvailable)('the console in a 1366 × 650 window', () => {
  const web = browserAndServer();

  it.each(LANGS)(
    "gives a superadmin's open chat %s a timeline of 300 px or more, the composer in view",
    async (lang) => {
      const user = { id: `short-${lang}`, name: 'Gulnora' };
      await chatOfThirty(web.server, user);
      const context = await web.browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } });
      try {
        const page = await context.newPage();
        await openAsSuperadmin(
          page,
          `${web.server.url}/console?lang=${lang}`,
          `short-admin-${lang}`,
          user.name,
        );
        const timeline = await page.locator('.chat .messages').boundingBox();
        expect(timeline?.height ?? 0).toBeGreaterThanOrEqual(TIMELINE_MIN_PX);
        // The reply box and its Send button whole inside the window.
        for (const part of [
          '.composer-reply .composer__input',
          '.composer-reply .composer__send',
        ]) {
          const box = await page.locator(part).boundingBox();
          expect(box, part).not.toBeNull();
          expect(box?.y ?? -1, part).toBeGreaterThanOrEqual(0);
          expect((box?.y ?? HEIGHT) + (box?.height ?? 0), part).toBeLessThanOrEqual(HEIGHT);
        }
        // Nothing of the page scrolls: the window is the console's whole height.
        expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBe(HEIGHT);
        // The smaller controls are still controls: nothing serious for axe (target sizes too).
        expect(await seriousViolations(page)).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});

describe.skipIf(!chromiumAvailable)('the console on a phone', () => {
  const web = browserAndServer();

  it.each([
    ...LANGS.map((lang) => ({ lang, width: 360, height: 740 })),
    { lang: 'ru' as const, width: 800, height: 360 },
  ])(
    'gives an open chat $lang at $width × $height most of a screen of conversation, the composer a scroll away',
    async ({ lang, width, height }) => {
      const user = { id: `phone-${lang}-${width}`, name: 'Dilnoza' };
      await chatOfThirty(web.server, user);
      const context = await web.browser.newContext({ viewport: { width, height } });
      try {
        const page = await context.newPage();
        await openAsSuperadmin(
          page,
          `${web.server.url}/console?lang=${lang}`,
          `phone-admin-${lang}-${width}`,
          user.name,
        );
        const timeline = await page.locator('.chat .messages').boundingBox();
        // It was 24 px upright: the frame's rows took the rest of a screen-high console.
        expect(timeline?.height ?? 0).toBeGreaterThanOrEqual(height * 0.6);
        const send = page.locator('.composer-reply .composer__send');
        await send.scrollIntoViewIfNeeded();
        expect(await send.isVisible()).toBe(true);
        expect(await seriousViolations(page)).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
