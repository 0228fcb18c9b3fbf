/**
 * What the widget tells a user before an agent answers, in a real browser: their place
 * in the queue and the estimate, live from queue-position (it moves up when an earlier
 * chat is taken, and gives way to the agent's name once theirs is), and that nobody is
 * there or the desk is closed, with when it opens in the user's language and zone, while
 * it still takes the message.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../src/hours/schedule.js';
import { request, startTestServer, succeeded } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { freePort, seriousViolations, startHostPage } from './support.js';

const DAY_MS = 86_400_000;

describe.skipIf(!chromiumAvailable)('the widget before an agent answers', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
  });

  /** A shop page with the widget for `userId`, its server started with `env`. */
  async function shopWith(userId: string, lang: string, env: Record<string, string>) {
    const port = await freePort();
    const chatOrigin = `http://127.0.0.1:${port}`;
    const host = await startHostPage(
      chatOrigin,
      { 'user-id': userId, 'user-name': 'Dilnoza' },
      lang,
    );
    const server = await startTestServer(
      { kind: 'sqlite', path: ':memory:' },
      { PORT: String(port), CORS_ORIGIN: `${host.origin},${chatOrigin}`, ...env },
    );
    const ctx = await browser.newContext({ timezoneId: 'Asia/Tashkent', locale: lang });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(host.origin);
    const widget = page.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    const box = widget.locator('textarea');
    await box.waitFor();
    const say = async (text: string) => {
      await box.fill(text);
      await box.press('Enter');
    };
    const close = async () => {
      await server.close();
      await host.close();
    };
    return { server, page, widget, say, close };
  }

  it('shows "You are number 3 in the queue", then moves up with an estimate, then the agent', async () => {
    const shop = await shopWith('queue-user', 'en', {});
    try {
      const opened: string[] = [];
      for (const userId of ['early-1', 'early-2']) {
        const res = await request(shop.server, 'POST /api/chats', {
          body: { userId, userName: userId },
        });
        opened.push(succeeded(res).chat._id);
      }
      const desk = shop.widget.getByTestId('desk');
      // Nobody is connected to answer: the widget says so, and still takes the message.
      await desk
        .getByText('We’re offline right now — leave your message and we will answer')
        .waitFor();
      await shop.say('My transfer is stuck');
      await shop.widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();
      const status = shop.widget.getByTestId('status');
      // No chat was ever taken on this server: the position alone.
      await status.getByText('You are number 3 in the queue', { exact: true }).waitFor();
      expect(await seriousViolations(shop.page, 'fastorika-chat')).toEqual([]);

      const take = (chatId: string, adminName: string) =>
        request(shop.server, 'POST /api/chats/assign', {
          body: { chatId, adminId: `admin-${adminName}`, adminName },
        });
      await take(opened[0] ?? '', 'Ali');
      await status.getByText(/^You are number 2 in the queue, about \d+ minutes?$/).waitFor();

      const mine = succeeded(
        await request(shop.server, 'GET /api/chats/user/:userId', {
          params: { userId: 'queue-user' },
        }),
      ).chats[0];
      await take(mine?._id ?? '', 'Kamola');
      await status.getByText('You are talking to Kamola').waitFor();
      // Someone answers: the offline note goes.
      expect(await desk.count()).toBe(0);
    } finally {
      await shop.close();
    }
  }, 60_000);

  it('outside BUSINESS_HOURS says when the desk opens, in Russian and the user’s zone, and takes the message', async () => {
    const now = new Date();
    const opens = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + 2 * DAY_MS,
    );
    const shop = await shopWith('closed-user', 'ru', {
      BUSINESS_HOURS: `${WEEKDAYS[opens.getUTCDay()]} 00:00-24:00`,
      BUSINESS_TIMEZONE: 'UTC',
    });
    try {
      const desk = shop.widget.getByTestId('desk');
      // Midnight UTC is 05:00 in Tashkent, two days on: the weekday and the time.
      await desk
        .getByText(/^Сейчас мы не на связи — ответим с \S+,? 05:00; оставьте сообщение$/)
        .waitFor();
      await shop.say('Платёж не прошёл');
      await shop.widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();
      await shop.widget.getByTestId('status').getByText('Ваше место в очереди: 1').waitFor();
      expect(await desk.isVisible()).toBe(true);
    } finally {
      await shop.close();
    }
  }, 60_000);
});
