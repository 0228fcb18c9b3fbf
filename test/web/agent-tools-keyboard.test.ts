/**
 * The agent's tools with the keyboard, in a real console: what `/` says when no canned
 * reply is saved (where to add them, in the console's language; Escape hides it), and
 * where the focus goes after each action that removes the control it was on.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { request, succeeded } from '../helpers/server.js';
import { browserAndServer, openChatWithMessages } from './support.js';

/** The focused element, as `tag#id.class "name"`; `body` when the focus was lost. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '';
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${name}"`;
  });

describe('the agent tools with the keyboard', () => {
  const ctx = browserAndServer();

  /** A console signed in (demo mode) in `lang`, with a chat it has taken open. */
  async function consoleWithChat(lang: string, agentId: string, customerId: string) {
    const { browser, server } = ctx;
    const { chatId } = await openChatWithMessages(server, { id: customerId, name: 'Dilnoza' }, [
      'Hello',
    ]);
    succeeded(
      await request(server, 'POST /api/chats/assign', {
        body: { chatId, adminId: agentId, adminName: 'Anna' },
      }),
    );
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    await page.goto(`${server.url}/console?lang=${lang}`);
    await page.fill('input[name=name]', 'Anna');
    await page.fill('input[name=id]', agentId);
    await page.click('button[type=submit]');
    await page.locator('.topbar__connection[data-connection=online]').waitFor();
    await page.click('.tab[data-tab=mine]');
    await page.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
    await page.locator('#reply').waitFor();
    return { page, chatId, close: () => context.close() };
  }

  it('says on "/" that no canned reply is saved yet, and where to add them', {
    timeout: 60_000,
  }, async () => {
    const said = {
      en: 'No canned replies yet. Add them under “Replies” at the top of the page.',
      ru: 'Шаблонов пока нет. Добавьте их в разделе «Шаблоны» вверху страницы.',
      uz: 'Hali tayyor javoblar yoʻq. Ularni sahifa tepasidagi “Javoblar” boʻlimida qoʻshing.',
    };
    for (const [lang, sentence] of Object.entries(said)) {
      const { page, close } = await consoleWithChat(lang, `anna-none-${lang}`, `user-none-${lang}`);
      const none = page.getByTestId('canned-none');
      await page.locator('#reply').focus();
      await page.keyboard.type('/');
      await none.waitFor();
      expect(await none.textContent()).toBe(sentence);
      await page.keyboard.press('Escape');
      expect(await none.isHidden()).toBe(true);
      expect(await page.locator('#reply').inputValue()).toBe('/');
      // Not on a message that does not start with a slash.
      await page.keyboard.press('Backspace');
      await page.keyboard.type('Hi /there');
      expect(await none.isHidden()).toBe(true);
      await close();
    }
  });
});
