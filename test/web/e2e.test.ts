/**
 * The agent console and the widget in Chromium, against the real server: a widget on a
 * host page on another origin, two admin consoles in separate browser contexts. The user
 * writes; the chat appears in both queues; admin 1 takes it and it leaves admin 2's queue;
 * messages both ways with typing and "seen"; the server restarts mid-conversation (same
 * SQLite file, same port) and both sides show every message exactly once, in order;
 * admin 1 transfers to admin 2, who replies; the chat is closed and the widget says so.
 * Run twice: WebSocket with JWT, and long-polling only with AUTH_MODE=none.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  onTestFailed,
} from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { fullTime } from '../../web/shared/timeline.js';
import { itemAt } from '../helpers/lists.js';
import { api, request, startTestServer, succeeded } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import {
  closeWithin,
  freePort,
  type HostPage,
  seriousViolations,
  showsExactly,
  startHostPage,
  stepTrail,
  textsInOrder,
  until,
} from './support.js';

/**
 * The screenshots of docs/console-and-widget.md (docs/screenshots) are rewritten when missing or with
 * UPDATE_SCREENSHOTS=1; other runs save theirs to the temp folder, so that a test run
 * does not leave the committed images changed (their clock times differ every run).
 */
const COMMITTED = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(join(COMMITTED, 'console.png'))
    ? COMMITTED
    : join(tmpdir(), 'fastorika-screenshots');
const XSS = '<img src=x onerror=alert(1)>';

interface Run {
  name: string;
  auth: 'jwt' | 'none';
  /** Admin 2 is a superadmin (sees "All chats"). */
  superadmin2: boolean;
  transports?: string;
  lang: string;
  screenshots: boolean;
}

const RUNS: Run[] = [
  {
    name: 'WebSocket, AUTH_MODE=jwt',
    auth: 'jwt',
    superadmin2: false,
    lang: 'en',
    screenshots: true,
  },
  {
    name: 'long-polling only, AUTH_MODE=none',
    auth: 'none',
    superadmin2: true,
    transports: 'polling',
    lang: 'en',
    screenshots: false,
  },
];

describe.skipIf(!chromiumAvailable)('console and widget in Chromium', () => {
  let browser: Browser;
  let db: TestDatabase;

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
  });

  // A database per test: a test that times out with its server still up cannot make
  // the next one fail on a locked SQLite file.
  beforeEach(async () => {
    const [sqlite] = await storeTargets();
    if (!sqlite) throw new Error('no SQLite store target');
    db = await sqlite.create();
  });

  afterEach(async () => {
    await db?.drop().catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const run of RUNS) {
    it(`runs the whole support conversation (${run.name})`, async () => {
      const trail = stepTrail();
      onTestFailed(() => console.error(`e2e (${run.name}) ${trail.report()}`));
      const port = await freePort();
      const chatOrigin = `http://127.0.0.1:${port}`;
      const suffix = run.auth;
      const user = { id: `user-${suffix}`, name: `Dilnoza ${suffix}` };
      const admin1 = { id: `admin1-${suffix}`, name: `Anna ${suffix}` };
      const admin2 = { id: `admin2-${suffix}`, name: `Boris ${suffix}` };

      const widgetAttrs: Record<string, string> =
        run.auth === 'jwt'
          ? { token: await signToken(user.id, 'user', user.name) }
          : { 'user-id': user.id, 'user-name': user.name };
      if (run.transports) widgetAttrs.transports = run.transports;
      const host: HostPage = await startHostPage(chatOrigin, widgetAttrs, run.lang);
      const env: Record<string, string> = {
        PORT: String(port),
        CORS_ORIGIN: `${host.origin},${chatOrigin}`,
        // The host page doubles as the admin panel that frames the console.
        CONSOLE_PARENT_ORIGINS: host.origin,
        ...(run.auth === 'jwt' ? JWT_ENV : {}),
      };
      let server: RunningServer = await startTestServer(db.config, env);
      const contexts: BrowserContext[] = [];
      const context = async (viewport: { width: number; height: number }) => {
        const ctx = await browser.newContext({ viewport });
        contexts.push(ctx);
        return ctx;
      };

      try {
        trail.step('two admins sign in');
        // Two admins sign in, each in their own browser context.
        const consoles: Page[] = [];
        for (const admin of [admin1, admin2]) {
          const superadmin = admin === admin2 && run.superadmin2;
          const page = await (await context({ width: 1280, height: 800 })).newPage();
          page.on('dialog', () => {
            throw new Error('a dialog opened: script ran from message text');
          });
          if (run.auth === 'jwt') {
            const token = await signToken(
              admin.id,
              superadmin ? 'superadmin' : 'admin',
              admin.name,
            );
            // A link with a token asks first whom it signs in (see console-handover.test.ts).
            await page.goto(`${chatOrigin}/console#token=${token}`);
            await page.click('[data-handover=accept]');
          } else {
            await page.goto(`${chatOrigin}/console`);
            await page.locator('.demo-banner').waitFor();
            await page.fill('input[name=name]', admin.name);
            await page.fill('input[name=id]', admin.id);
            if (superadmin) await page.check('input[name=superadmin]');
            await page.click('button[type=submit]');
          }
          await page.locator('.topbar__connection[data-connection=online]').waitFor();
          consoles.push(page);
        }
        const [a1, a2] = [itemAt(consoles, 0), itemAt(consoles, 1)];
        if (run.auth === 'jwt') {
          // The admin panel (the host origin) frames the console and hands it a token.
          const panel = await (await context({ width: 1280, height: 800 })).newPage();
          const token = await signToken('admin-framed', 'admin', 'Framed admin');
          await panel.goto(`${host.origin}/admin-panel#${encodeURIComponent(token)}`);
          const framed = panel.frameLocator('iframe');
          await framed.locator('.topbar__connection[data-connection=online]').waitFor();
          expect(await framed.locator('.topbar__me').textContent()).toContain('Framed admin');
        }
        if (run.auth === 'jwt') expect(await a1.locator('.demo-banner').count()).toBe(0);
        else expect(await a1.locator('.demo-banner').count()).toBe(1);

        trail.step("admin 2's tab goes hidden");
        // Admin 2's tab is hidden: new messages show in its title.
        await a2.evaluate(() => {
          Object.defineProperty(document, 'visibilityState', {
            configurable: true,
            get: () => 'hidden',
          });
          document.dispatchEvent(new Event('visibilitychange'));
        });

        trail.step('the user opens the widget');
        // The user, on the shop's page (another origin, 360 px wide), opens the widget.
        const shop = await (await context({ width: 360, height: 740 })).newPage();
        let websockets = 0;
        shop.on('websocket', () => {
          websockets += 1;
        });
        shop.on('dialog', () => {
          throw new Error('a dialog opened on the host page');
        });
        await shop.goto(host.origin);
        const widget = shop.locator('fastorika-chat');
        const launcher = widget.locator('button.launcher');
        await launcher.waitFor();
        expect(await launcher.getAttribute('aria-label')).toBe('Open support chat');
        await launcher.click();
        const box = widget.locator('textarea');
        await box.waitFor();
        // The shop's careless CSS (28px fonts, dashed borders on every div) does not reach in.
        expect(
          await widget
            .locator('.panel__title')
            .evaluate((el) => [getComputedStyle(el).fontSize, getComputedStyle(el).letterSpacing]),
        ).toEqual(['17px', 'normal']);
        expect(
          await widget.locator('.panel').evaluate((el) => getComputedStyle(el).borderTopStyle),
        ).toBe('solid');
        expect(
          await box.evaluate((el) => {
            const root = el.getRootNode();
            return (
              (root instanceof ShadowRoot || root instanceof Document) && el === root.activeElement
            );
          }),
        ).toBe(true);

        const said: string[] = [];
        const userSays = async (text: string) => {
          await box.fill(text);
          await box.press('Enter');
          said.push(text);
        };
        await userSays('Hello, my payment to card *4242 is stuck');
        await widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();

        trail.step('the chat appears in both queues');
        // The chat appears in both queues.
        const item = (page: Page) => page.locator('.chat-item', { hasText: user.name });
        await item(a1).waitFor();
        await item(a2).waitFor();
        await item(a1).locator('.dot[data-online=true]').waitFor(); // the user is online
        const chatId = await item(a1).getAttribute('data-chat-id');
        expect(chatId).toBeTruthy();
        await until('admin 2 title counts the new message', async () =>
          (await a2.title()).startsWith('(1) '),
        );

        trail.step('admin 1 takes the chat');
        // Admin 1 takes it: it leaves admin 2's queue; the widget shows who joined.
        await item(a1).click();
        // A waiting chat offers a plain admin Take, never Close: the server refuses them that.
        const actions = a1.locator('.chat__actions');
        await actions.locator('[data-action=take]').waitFor();
        expect(await actions.locator('button:has-text("Close")').count()).toBe(0);
        await a1.click('.chat__actions [data-action=take]');
        await until('the chat leaves admin 2 queue', async () => (await item(a2).count()) === 0);
        await widget.locator('.notice', { hasText: `${admin1.name} joined the chat` }).waitFor();
        await widget.locator('.panel__status', { hasText: admin1.name }).waitFor();
        // Admin 1 read the user's message: the widget shows it seen.
        await widget.locator('.msg[data-seq="1"][data-state="seen"]').waitFor();

        trail.step('admin 1 types and replies');
        // Admin 1 types (the widget shows it), then replies; the user's open widget reads it.
        const reply = a1.locator('#reply');
        await reply.pressSequentially('Let me check', { delay: 20 });
        await widget
          .locator('.messages__typing', { hasText: `${admin1.name} is typing` })
          .waitFor();
        await reply.press('Shift+Enter');
        await reply.pressSequentially('that payment.', { delay: 5 });
        await reply.press('Enter');
        said.push('Let me check\nthat payment.');
        await a1.locator('.msg[data-seq="2"][data-state="seen"]').waitFor();
        await widget.locator('.msg[data-seq="2"]', { hasText: 'that payment.' }).waitFor();

        trail.step('the user types back');
        // The user types back (admin 1 sees it) and sends markup: shown as text.
        await box.pressSequentially('Thanks', { delay: 20 });
        await a1.locator('.messages__typing', { hasText: `${user.name} is typing` }).waitFor();
        await box.fill('');
        await userSays(XSS);
        await a1.locator('.msg[data-seq="3"]').waitFor();
        expect(await a1.locator('.msg[data-seq="3"] .msg__text').textContent()).toBe(XSS);
        expect(await a1.locator('.messages img').count()).toBe(0);
        expect(await widget.locator('.messages img').count()).toBe(0);

        trail.step('a javascript: fileUrl');
        // A non-http(s) fileUrl never becomes a link.
        const sentFile = await api(
          server,
          'POST',
          '/api/messages',
          {
            chatId,
            senderId: admin1.id,
            senderType: 'admin',
            senderName: admin1.name,
            content: 'Receipt',
            fileUrl: 'javascript:alert(1)',
          },
          run.auth === 'jwt'
            ? {
                headers: {
                  authorization: `Bearer ${await signToken(admin1.id, 'admin', admin1.name)}`,
                },
              }
            : {},
        );
        if (sentFile.status === 200) {
          said.push('Receipt');
          await widget.locator('.msg[data-seq="4"]').waitFor();
          expect(await widget.locator('.msg[data-seq="4"] a').count()).toBe(0);
          expect(await a1.locator('.msg[data-seq="4"] a').count()).toBe(0);
        } else {
          expect(sentFile.status).toBe(400); // the server refuses such URLs outright
        }

        trail.step('axe on both pages');
        // Accessibility of both pages (axe-core: no serious or critical violation).
        expect(await seriousViolations(a1)).toEqual([]);
        expect(await seriousViolations(shop)).toEqual([]);
        if (run.screenshots) {
          mkdirSync(SCREENSHOTS, { recursive: true });
          await a1.screenshot({ path: join(SCREENSHOTS, 'console.png') });
          await shop.screenshot({ path: join(SCREENSHOTS, 'widget.png') });
        }

        trail.step('the server restarts');
        // The server restarts mid-conversation: same SQLite file, same port.
        await closeWithin('the server', () => server.close());
        await a1.locator('.topbar__connection[data-connection=reconnecting]').waitFor();
        await widget.locator('.banner[data-connection=reconnecting]').waitFor();
        // Admin 1 writes while the server is down: it waits, then goes out once.
        await reply.fill('Are you still there?');
        await reply.press('Enter');
        said.push('Are you still there?');
        trail.step('the server starts again');
        server = await startTestServer(db.config, env);
        await a1.locator('.topbar__connection[data-connection=online]').waitFor();
        await widget.locator('.banner[data-connection]').waitFor({ state: 'detached' });
        await userSays('Yes, still here');
        await until(
          'both sides show every message once, in order',
          async () => (await showsExactly(a1, said)) && (await showsExactly(widget, said)),
        );

        trail.step('admin 1 transfers to admin 2');
        // Admin 1 transfers the chat to admin 2 (typed in), who replies.
        await a1.click('.chat__actions button:has-text("Transfer")');
        await a1.fill('input[name=toAdminId]', admin2.id);
        await a1.fill('input[name=toAdminName]', admin2.name);
        await a1.click('.transfer button[type=submit]');
        await widget
          .locator('.notice', { hasText: `Your chat was passed to ${admin2.name}` })
          .waitFor();
        await a2.click('[data-tab=mine]');
        await item(a2).click();
        await a2.locator('#reply').fill('Boris here: the payment went through.');
        await a2.locator('#reply').press('Enter');
        said.push('Boris here: the payment went through.');
        await until('the widget shows the new admin reply', async () => showsExactly(widget, said));
        expect(await a1.locator('#reply').count()).toBe(0); // admin 1 may no longer write

        trail.step('admin 2 closes the chat');
        // Admin 2 closes the chat; the widget says so and offers a new one.
        await a2.click('.chat__actions button:has-text("Close chat")');
        await a2.click('.confirm button:has-text("Yes, close it")');
        await widget.locator('.panel__closed').waitFor();
        expect(await widget.locator('textarea').count()).toBe(0);
        expect(await textsInOrder(widget)).toEqual(said);
        if (run.superadmin2) {
          await a2.click('[data-tab=all]');
          await a2.selectOption('.filter select', 'closed');
          await item(a2).waitFor();
          expect(await a2.locator('[data-tab=all]').count()).toBe(1);
        } else {
          expect(await a2.locator('[data-tab=all]').count()).toBe(0);
        }

        trail.step('Escape closes the widget');
        // Keyboard: Escape closes the widget and gives focus back to the launcher.
        await widget.locator('.panel__closed > button').focus();
        await shop.keyboard.press('Escape');
        await widget.locator('.panel').waitFor({ state: 'detached' });
        expect(
          await launcher.evaluate((el) => {
            const root = el.getRootNode();
            return (
              (root instanceof ShadowRoot || root instanceof Document) && el === root.activeElement
            );
          }),
        ).toBe(true);
        await shop.keyboard.press('Enter');
        await widget.locator('.panel').waitFor();

        trail.step('360 px widths');
        // Usable at 360 px: nothing wider than the screen.
        await a2.setViewportSize({ width: 360, height: 740 });
        expect(await a2.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          360,
        );
        expect(await shop.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          360,
        );

        if (run.transports === 'polling') expect(websockets).toBe(0);
      } finally {
        for (const ctx of contexts) await ctx.close().catch(() => {});
        await server.close();
        await host.close();
      }
    }, 180_000);
  }

  it('pages history by scrolling up, retries a refused send with the same key, speaks Uzbek and Russian', async () => {
    const trail = stepTrail();
    onTestFailed(() => console.error(`e2e (history) ${trail.report()}`));
    const port = await freePort();
    const chatOrigin = `http://127.0.0.1:${port}`;
    const user = { id: 'user-history', name: 'Otabek' };
    const admin = { id: 'admin-history', name: 'Kamola' };
    const host = await startHostPage(
      chatOrigin,
      { 'user-id': user.id, 'user-name': user.name },
      'uz',
    );
    const env = { PORT: String(port), CORS_ORIGIN: `${host.origin},${chatOrigin}` };
    // Seed 120 messages with limits off, then restart with a tight send limit.
    let server = await startTestServer(db.config, env);
    const contexts: BrowserContext[] = [];
    try {
      const opened = await request(server, 'POST /api/chats', {
        body: { userId: user.id, userName: user.name },
      });
      const chatId = succeeded(opened).chat._id;
      await api(server, 'POST', '/api/chats/assign', {
        chatId,
        adminId: admin.id,
        adminName: admin.name,
      });
      const texts: string[] = [];
      for (let i = 1; i <= 120; i++) {
        const [who, type] = i % 2 ? [user, 'user'] : [admin, 'admin'];
        const res = await api(server, 'POST', '/api/messages', {
          chatId,
          senderId: who.id,
          senderType: type,
          senderName: who.name,
          content: `message ${i}`,
        });
        expect(res.status).toBe(200);
        texts.push(`message ${i}`);
      }
      await closeWithin('the server', () => server.close());
      trail.step('restart with a tight send limit');
      server = await startTestServer(db.config, {
        ...env,
        RATE_LIMIT: 'on',
        // One send per 5 s after a burst of two: three typed replies meet it however
        // slowly a loaded machine types them.
        RATE_LIMIT_MESSAGES_PER_SECOND: '0.2',
        RATE_LIMIT_MESSAGES_BURST: '2',
      });

      trail.step('the console in Russian');
      // The console in Russian (?lang=ru): its sign-in page passes axe too.
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(ctx);
      const page = await ctx.newPage();
      await page.goto(`${chatOrigin}/console?lang=ru`);
      await page.locator('h1', { hasText: 'Вход в консоль поддержки' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
      expect(await seriousViolations(page)).toEqual([]);
      await page.selectOption('.lang select', 'en');
      // Keyboard only: sign in, pick "My chats", Tab to the chat, Enter; the reply box has focus.
      await page.locator('input[name=name]').focus();
      await page.keyboard.type(admin.name);
      await page.keyboard.press('Tab');
      await page.keyboard.type(admin.id);
      await page.keyboard.press('Enter');
      await page.locator('[data-tab=mine]').focus();
      await page.keyboard.press('Enter');
      // The list arrives over REST: Tab once it is there (a busy machine is slower).
      await page.locator('.chat-item').first().waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('chat-item');
      await page.keyboard.press('Enter');
      await page.locator('#reply').waitFor();
      await until('the reply box has focus', () =>
        page.evaluate(() => document.activeElement?.id === 'reply'),
      );

      trail.step('scrolling up pages history');
      // The newest 50 first; scrolling up loads older pages (before=) until the first.
      await page.locator('.msg[data-seq="120"]').waitFor();
      expect(await page.locator('.msg[data-seq]').count()).toBe(50);
      const list = page.locator('.messages');
      for (const first of ['21', '1']) {
        await list.evaluate((el) => {
          el.scrollTop = 0;
        });
        await page.locator(`.msg[data-seq="${first}"]`).waitFor();
      }
      expect(await showsExactly(page, texts)).toBe(true);
      expect(await page.locator('.messages__older').count()).toBe(0);

      trail.step('three quick replies, one refused');
      // Three quick replies against a burst of two: the third fails, then a retry sends it
      // once, with the same clientMessageId.
      const reply = page.locator('#reply');
      for (const text of ['one', 'two', 'three']) {
        await reply.fill(text);
        await reply.press('Enter');
        texts.push(text);
      }
      const failed = page.locator('.msg--pending[data-state="failed"]', { hasText: 'three' });
      await failed.waitFor();
      const key = await failed.getAttribute('data-client-id');
      // Retried until the budget (0.2/s) is back: a refused retry stores nothing and
      // leaves the send failed, with its key, to be retried again.
      const storedThree = page.locator('.msg[data-seq="123"]', { hasText: 'three' });
      await until(
        'a retry is accepted',
        async () => {
          if (await failed.isVisible()) await failed.locator('.msg__retry').click();
          return storedThree.isVisible();
        },
        30_000,
      );
      expect(await page.locator('.msg--pending').count()).toBe(0);
      expect(await showsExactly(page, texts)).toBe(true);
      const stored = await api(server, 'GET', `/api/messages/${chatId}?after=122`);
      expect(stored.body.messages).toEqual([expect.objectContaining({ clientMessageId: key })]);

      trail.step('the widget in Uzbek');
      // The widget on an Uzbek page speaks Uzbek; keyboard loads older messages.
      const shopCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(shopCtx);
      const shop = await shopCtx.newPage();
      await shop.goto(host.origin);
      const widget = shop.locator('fastorika-chat');
      const launcher = widget.locator('button.launcher');
      await launcher.waitFor();
      // Replies the user has not read yet are counted on the launcher.
      await widget.locator('.launcher__badge').waitFor();
      expect(await launcher.getAttribute('aria-label')).toMatch(
        /^Yordam chatini ochish, yangi: \d+$/,
      );
      await launcher.focus();
      await shop.keyboard.press('Enter');
      await widget.locator('.msg[data-seq="123"]').waitFor();
      expect(await widget.locator('.panel__title').textContent()).toBe('Yordam');
      expect(await widget.locator('textarea').getAttribute('placeholder')).toBe('Xabar yozing…');
      // Today's messages sit under one separator, in Uzbek.
      expect(await widget.locator('.messages .day').allTextContents()).toEqual(['Bugun']);
      // A message's full date and time (its tooltip) in Uzbek words: Chromium's Intl has no
      // Uzbek data and wrote "2026 M12 6, Sun 20:38".
      const stamp = widget.locator('.msg[data-seq="123"] time');
      const shopZone = await shop.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      const sentAt = (await stamp.getAttribute('datetime')) ?? '';
      const tooltip = await stamp.getAttribute('title');
      expect(tooltip).toBe(fullTime(sentAt, { lang: 'uz', now: Date.now(), timeZone: shopZone }));
      expect(tooltip).toMatch(
        /^(yakshanba|dushanba|seshanba|chorshanba|payshanba|juma|shanba), \d{1,2}-(yanvar|fevral|mart|aprel|may|iyun|iyul|avgust|sentabr|oktabr|noyabr|dekabr), \d{4}, \d{2}:\d{2}$/,
      );
      const older = widget.locator('.messages__older');
      await older.focus();
      await shop.keyboard.press('Enter');
      await widget.locator('.msg[data-seq="24"]').waitFor();
      // An explicit language wins over the page's.
      await widget.evaluate((el) => el.setAttribute('lang', 'ru'));
      await widget.locator('.launcher[aria-label^="Открыть чат поддержки"]').waitFor();
    } finally {
      for (const ctx of contexts) await ctx.close().catch(() => {});
      await closeWithin('the server', () => server.close());
      await host.close();
    }
  }, 180_000);
});
