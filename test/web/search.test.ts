/**
 * Searching in the console, with the keyboard only: a superadmin types a transaction id,
 * the results show the message with the id marked (as text), and choosing the result
 * opens the chat — closed and long, the message far above the newest page — scrolled to
 * that message and marked.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { request, startTestServer, succeeded } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { openChatWithMessages, seriousViolations } from './support.js';

describe.skipIf(!chromiumAvailable)('search in the console', () => {
  let browser: Browser;
  let server: RunningServer;
  let ctx: BrowserContext;

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
  });
  afterAll(async () => {
    await ctx?.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  async function superadmin(lang = 'en'): Promise<Page> {
    await ctx?.close().catch(() => {});
    ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/console?lang=${lang}`);
    await page.fill('input[name=name]', 'Sardor');
    await page.fill('input[name=id]', 'sardor-search');
    await page.check('input[name=superadmin]');
    await page.click('button[type=submit]');
    await page.locator('.topbar__connection[data-connection=online]').waitFor();
    return page;
  }

  it('finds a transaction id and opens the chat at that message', async () => {
    const user = { id: 'user-search', name: 'Malika' };
    const { chatId } = await openChatWithMessages(server, user, [
      'Hello',
      'My payment <b>88812734</b> did not arrive, please check',
      ...Array.from({ length: 120 }, (_, i) => `later message ${i}`),
    ]);
    const closed = await request(server, 'PATCH /api/chats/:chatId/close', {
      params: { chatId },
      body: { userId: user.id },
    });
    expect(closed.status).toBe(200);

    const page = await superadmin();
    // Keyboard only: focus the box, type, Enter; Tab to the result, Enter.
    await page.locator('#search-q').focus();
    await page.keyboard.type('88812734');
    await page.keyboard.press('Enter');
    const result = page.locator('.search-result');
    await result.first().waitFor();
    expect(await result.count()).toBe(1);
    // The id marked, the text shown as text (the <b> is visible characters, not bold).
    expect(await result.locator('mark').textContent()).toBe('88812734');
    expect(await result.locator('.search-result__snippet').textContent()).toBe(
      'My payment <b>88812734</b> did not arrive, please check',
    );
    expect(await result.locator('b').count()).toBe(0);
    expect(await seriousViolations(page, '.sidebar')).toEqual([]);

    await page.locator('#search-q').focus();
    await page.keyboard.press('Tab'); // Search
    await page.keyboard.press('Tab'); // Close search
    await page.keyboard.press('Tab'); // the result
    expect(
      await page.evaluate(() => document.activeElement?.classList.contains('search-result')),
    ).toBe(true);
    await page.keyboard.press('Enter');

    const found = page.locator('.msg[data-found=true]');
    await found.waitFor();
    expect(await found.getAttribute('data-seq')).toBe('2');
    expect(await found.textContent()).toContain('88812734');
    await expect.poll(() => found.isVisible()).toBe(true);
    const inView = await found.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const list = el.closest('[tabindex]')?.getBoundingClientRect();
      return list !== undefined && box.top >= list.top && box.bottom <= list.bottom;
    });
    expect(inView).toBe(true);

    // Escape in the box closes the results: the lists are back, the box empty.
    await page.locator('#search-q').focus();
    await page.keyboard.press('Escape');
    await page.locator('.tabs').waitFor();
    expect(await page.locator('.search-result').count()).toBe(0);
    expect(await page.locator('#search-q').inputValue()).toBe('');
  });

  it("names the agent who wrote a match, and not for the customer's own", async () => {
    const user = { userId: 'user-search-agent', userName: 'Malika' };
    const { chat } = succeeded(await request(server, 'POST /api/chats', { body: user }));
    const taken = await request(server, 'POST /api/chats/assign', {
      body: { chatId: chat._id, adminId: 'agent-search', adminName: 'Anna' },
    });
    expect(taken.status).toBe(200);
    for (const [senderId, senderType, senderName, content] of [
      [user.userId, 'user', user.userName, 'Где возврат 77712345?'],
      ['agent-search', 'admin', 'Anna', 'Возврат 77712345 отправлен'],
    ] as const) {
      const sent = await request(server, 'POST /api/messages', {
        body: { chatId: chat._id, senderId, senderType, senderName, content },
      });
      expect(sent.status).toBe(200);
    }
    const page = await superadmin('en');
    await page.locator('#search-q').fill('77712345');
    await page.locator('#search-q').press('Enter');
    const results = page.locator('.search-result');
    await expect.poll(() => results.count()).toBe(2);
    const senders = await results.evaluateAll((rows) =>
      rows.map((row) => row.querySelector('.search-result__sender')?.textContent ?? null),
    );
    // Newest first: the agent's reply names Anna; the customer's question names no one more.
    expect(senders).toEqual([expect.stringContaining('Anna'), null]);
  });

  it("dates a result in the console's language, apart from the customer's name", async () => {
    const user = { id: 'user-search-ru', name: 'Ravshan' };
    const { say } = await openChatWithMessages(server, user, []);
    const message = await say('Перевод 55501234 не дошёл');

    // A Russian console in an American browser: the date is Russian, as the rest of the page.
    const page = await superadmin('ru');
    await page.locator('#search-q').fill('55501234');
    await page.locator('#search-q').press('Enter');
    const result = page.locator('.search-result');
    await result.first().waitFor();
    const date = result.locator('time.chat-item__meta');
    expect(await date.textContent()).toBe(
      new Intl.DateTimeFormat('ru').format(new Date(message.createdAt)),
    );
    const gap = await result.evaluate((row) => {
      const name = row.querySelector('.chat-item__name')?.getBoundingClientRect();
      const time = row.querySelector('time')?.getBoundingClientRect();
      return name && time ? time.left - name.right : -1;
    });
    expect(gap).toBeGreaterThanOrEqual(8);
  });

  it.each(['ru', 'uz'])(
    'keeps the query readable beside Close search, and marks where a snippet was cut (%s)',
    async (lang) => {
      const user = { id: `user-search-cut-${lang}`, name: 'Nodira' };
      const before = 'Здравствуйте, пишу вам уже третий раз по поводу одного и того же платежа';
      const after = 'его так и не зачислили на карту, хотя банк говорит, что деньги ушли вовремя';
      const { chatId } = await openChatWithMessages(server, user, [
        `${before} 77712345 ${after}, ${after}`,
      ]);

      const page = await superadmin(lang);
      await page.locator('#search-q').fill('77712345');
      await page.locator('#search-q').press('Enter');
      const result = page.locator(`.search-result[data-chat-id="${chatId}"]`);
      await result.waitFor();
      // Cut at a character count on both sides, mid-word: said with an ellipsis each side.
      const snippet = (await result.locator('.search-result__snippet').textContent()) ?? '';
      expect(snippet.startsWith('…')).toBe(true);
      expect(snippet.endsWith('…')).toBe(true);
      expect(snippet).toContain('77712345');
      // The box beside Search and Close search kept a query's width (it was 45 px).
      const box = await page.locator('#search-q').boundingBox();
      expect(box?.width ?? 0).toBeGreaterThanOrEqual(150);
      const close = await page.locator('.search__form button[type=button]').boundingBox();
      const sidebar = await page.locator('.sidebar').boundingBox();
      expect((close?.x ?? 0) + (close?.width ?? 0)).toBeLessThanOrEqual(
        (sidebar?.x ?? 0) + (sidebar?.width ?? 0),
      );
    },
  );

  it.each(['en', 'ru', 'uz'])(
    'shows the whole placeholder in a 340 px wide console and a 340 px sidebar (%s)',
    async (lang) => {
      const page = await superadmin(lang);
      // The placeholder's width in the box's font, against the room the box gives text.
      const room = () =>
        page.locator('#search-q').evaluate((box: HTMLInputElement) => {
          const style = getComputedStyle(box);
          const pen = document.createElement('canvas').getContext('2d');
          if (!pen) return -1;
          pen.font = style.font;
          const inside =
            box.clientWidth -
            Number.parseFloat(style.paddingLeft) -
            Number.parseFloat(style.paddingRight);
          return inside - pen.measureText(box.placeholder).width;
        });
      expect(await room()).toBeGreaterThanOrEqual(0);
      await page.setViewportSize({ width: 340, height: 740 });
      expect(await room()).toBeGreaterThanOrEqual(0);
    },
  );

  it('shows one panel at a time: Replies over search results closes them, a search over Replies covers it', async () => {
    const page = await superadmin('en');
    const replies = page.locator('button[data-tab=replies]');
    const pressed = page.locator('button[data-tab=replies][aria-pressed="true"]');
    const manager = page.locator('.canned-manager');
    const results = page.locator('.search__results');
    await page.locator('#search-q').fill('no such words anywhere');
    await page.locator('#search-q').press('Enter');
    await results.waitFor();

    // Replies pressed while the results hold the sidebar: the results give way to Replies.
    await replies.click();
    await manager.waitFor();
    expect(await results.count()).toBe(0);
    expect(await page.locator('#search-q').inputValue()).toBe('');
    // The button follows the panel a render later (the search tells the top bar it closed).
    await pressed.waitFor();

    // A search from Replies: the results alone, and Replies no longer says it is shown.
    await page.locator('#search-q').fill('no such words anywhere');
    await page.locator('#search-q').press('Enter');
    await results.waitFor();
    expect(await manager.count()).toBe(0);
    await page.locator('button[data-tab=replies][aria-pressed="false"]').waitFor();
    // Pressed again, Replies is back (not toggled off to the queue).
    await replies.click();
    await manager.waitFor();
    expect(await results.count()).toBe(0);
    await pressed.waitFor();
  });

  it('"More" continues the list shown, after the box was edited', async () => {
    await openChatWithMessages(
      server,
      { id: 'user-search-more', name: 'Zarina' },
      Array.from({ length: 25 }, (_, i) => `parcel 5550${i} is late`),
    );
    const page = await superadmin();
    const results = page.locator('.search-result');
    await page.locator('#search-q').fill('parcel');
    await page.locator('#search-q').press('Enter');
    await expect.poll(() => results.count()).toBe(20);
    // Edited, not searched: the cursor is the first list's, and so is the next page.
    await page.locator('#search-q').fill('something else');
    await page.getByRole('button', { name: 'More results' }).click();
    await expect.poll(() => results.count()).toBe(25);
    expect(await page.locator('.search__problem').count()).toBe(0);
    expect(await results.last().textContent()).toContain('parcel 55500 is late');
  });
});
