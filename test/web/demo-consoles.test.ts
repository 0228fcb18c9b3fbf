/**
 * Several consoles on one demo server (AUTH_MODE=none): each signs in from the same
 * address, so they share one reads budget (per client IP without a token). Normal use of
 * four of them (start-up together, chats arriving, each opening one) must fit it: with
 * the consoles reading every list again after each new chat, and a start-up burst of 10,
 * the third console's lists and the lists after each new chat were refused (429).
 */
import type { Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/server.js';
import { chromiumAvailable } from './chromium.js';
import { browserAndServer, until } from './support.js';

const CONSOLES = 4;
const CHATS = 3;

describe.skipIf(!chromiumAvailable)('four demo consoles behind one address', () => {
  // The test servers run without limits unless told: these are the defaults.
  const web = browserAndServer({ RATE_LIMIT: 'on' });

  it('start, see chats arrive and open them without a refused read', async () => {
    const refused: string[] = [];
    const reads: string[] = [];
    const watch = (page: Page, n: number) =>
      page.on('response', (res: Response) => {
        const url = new URL(res.url());
        if (!url.pathname.startsWith('/api/') || res.request().method() !== 'GET') return;
        reads.push(`console ${n}: ${url.pathname}`);
        if (res.status() === 429) refused.push(`console ${n}: ${url.pathname}`);
      });
    const contexts = await Promise.all(
      Array.from({ length: CONSOLES }, () =>
        web.browser.newContext({ viewport: { width: 1280, height: 800 } }),
      ),
    );
    try {
      const pages = await Promise.all(
        contexts.map(async (context, n) => {
          const page = await context.newPage();
          watch(page, n);
          await page.goto(`${web.server.url}/console`);
          await page.fill('input[name=name]', `Agent ${n}`);
          await page.fill('input[name=id]', `demo-agent-${n}`);
          await page.check('input[type=checkbox]');
          await page.click('button[type=submit]');
          await page.locator('.topbar__connection[data-connection=online]').waitFor();
          return page;
        }),
      );
      for (let i = 0; i < CHATS; i++) {
        const opened = await api(web.server, 'POST', '/api/chats', {
          userId: `demo-user-${i}`,
          userName: `Customer ${i}`,
        });
        expect(opened.status).toBe(200);
        await new Promise((r) => setTimeout(r, 700));
      }
      for (const page of pages) {
        await until(
          'the queue shows every chat',
          async () => (await page.locator('.chat-list .chat-item').count()) === CHATS,
        );
        await page.locator('.chat-list .chat-item').first().click();
        await page.locator('.chat__who h2', { hasText: 'Customer' }).waitFor();
      }
      // Whatever the events set off (loads after a new chat) has had its time.
      await new Promise((r) => setTimeout(r, 1000));
      expect(refused, reads.join('\n')).toEqual([]);
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
    }
  }, 90_000);
});
