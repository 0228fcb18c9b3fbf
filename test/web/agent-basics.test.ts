/**
 * What an agent needs to read and hand over a chat, in two real consoles: dates and a
 * separator per day in the agent's language and time zone, Take and Lock explained, a
 * transfer picker of the admins the server knows that names an unknown id, and a chat
 * transferred away that leaves the old agent's view saying to whom.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { common } from '../../web/shared/i18n/common.js';
import { translator } from '../../web/shared/i18n/index.js';
import { dayLabel } from '../../web/shared/timeline.js';
import { startTestServer } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { openChatWithMessages, seriousViolations } from './support.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const TASHKENT = 'Asia/Tashkent';

describe.skipIf(!chromiumAvailable)('an agent reading and handing over a chat', () => {
  let browser: Browser;
  let server: RunningServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  /** A console signed in (demo mode) in its own browser, language and time zone. */
  async function agent(
    who: { id: string; name: string },
    where: { lang: string; timezoneId: string; clockAt?: number },
  ): Promise<Page> {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      timezoneId: where.timezoneId,
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    // The browser's clock only (timers run as usual): its "today" is another day.
    if (where.clockAt !== undefined) await page.clock.setFixedTime(where.clockAt);
    await page.goto(`${server.url}/console?lang=${where.lang}`);
    await page.fill('input[name=name]', who.name);
    await page.fill('input[name=id]', who.id);
    await page.click('button[type=submit]');
    await page.locator('.topbar__connection[data-connection=online]').waitFor();
    return page;
  }

  it('dates the history, explains Take and Lock, and a transfer leaves the old view saying to whom', async () => {
    const anna = { id: 'anna-basics', name: 'Anna' };
    const boris = { id: 'boris-basics', name: 'Boris' };
    // Anna's browser lives three days ahead, in Tashkent: today's messages are from another day.
    const annaNow = Date.now() + 3 * DAY_MS;
    const a = await agent(anna, { lang: 'en', timezoneId: TASHKENT, clockAt: annaNow });
    const b = await agent(boris, { lang: 'ru', timezoneId: 'America/New_York' });

    const user = { id: 'user-basics', name: 'Dilnoza' };
    const { chatId, say } = await openChatWithMessages(server, user, []);
    const { createdAt } = await say('My transfer to card *4242 is stuck');

    // Boris (Russian, New York, today): a "Сегодня" separator above the message.
    await b.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
    await b.locator('.msg[data-seq="1"]').waitFor();
    expect(await b.locator('.messages .day').allTextContents()).toEqual(['Сегодня']);

    // Anna (English, Tashkent, three days on): the separator and the message carry the date.
    await a.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
    await a.locator('.msg[data-seq="1"]').waitFor();
    const expectedDay = dayLabel(
      createdAt,
      { lang: 'en', now: annaNow, timeZone: TASHKENT },
      translator(common, 'en'),
    );
    expect(expectedDay).not.toMatch(/Today|Yesterday/);
    expect(await a.locator('.messages .day').allTextContents()).toEqual([expectedDay]);
    const shownTime = (await a.locator('.msg[data-seq="1"] time').textContent()) ?? '';
    const month = new Intl.DateTimeFormat('en', { month: 'short', timeZone: TASHKENT }).format(
      Date.parse(createdAt),
    );
    expect(shownTime).toContain(month);

    // Take and Lock say what they do.
    const take = a.locator('.chat__actions [data-action=take]');
    const lock = a.locator('.chat__actions [data-action=lock]');
    expect(await take.textContent()).toBe('Take');
    expect(await lock.textContent()).toBe('Take and lock');
    expect(await take.getAttribute('title')).toMatch(/Assigns this chat to you/);
    expect(await lock.getAttribute('title')).toMatch(/lock goes with the chat when you transfer/);
    expect(await seriousViolations(a, '.chat')).toEqual([]);
    await take.click();
    await a.locator('#reply').waitFor();

    // The picker lists Boris, online; a mistyped id is refused and said so.
    await a.click('.chat__actions button:has-text("Transfer")');
    const borisOption = a.locator(`.transfer select option[value="${boris.id}"]`);
    await borisOption.waitFor({ state: 'attached' });
    expect(await borisOption.getAttribute('data-online')).toBe('true');
    expect(await borisOption.textContent()).toContain('online');
    await a.fill('input[name=toAdminId]', 'boris-typo');
    await a.click('.transfer button[type=submit]');
    await a
      .locator('.alert', { hasText: 'No admin with the id boris-typo is known to the server' })
      .waitFor();
    await a.fill('input[name=toAdminId]', '');
    await a.selectOption('.transfer select', boris.id);
    await a.click('.transfer button[type=submit]');

    // Anna's view says where the chat went and offers nothing the server would refuse.
    const gone = a.locator('.chat__gone[data-transferred=true]');
    await gone.waitFor();
    expect(await gone.textContent()).toBe(
      'This chat was transferred to Boris. It is no longer in your lists.',
    );
    for (const refused of ['#reply', '.chat__actions', '.messages', '.messages__older']) {
      expect(await a.locator(refused).count(), refused).toBe(0);
    }
    expect(await a.locator(`.chat-item[data-chat-id="${chatId}"]`).count()).toBe(0);

    // Boris has it, and may answer.
    await b.click('[data-tab=mine]');
    await b.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
    await b.locator('#reply').fill('Борис: платёж прошёл.');
    await b.locator('#reply').press('Enter');
    await b
      .locator('.msg[data-seq="2"][data-state="sent"], .msg[data-seq="2"][data-state="seen"]')
      .waitFor();
  }, 120_000);
});
