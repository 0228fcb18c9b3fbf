/**
 * `<fastorika-chat>` as an integration component: it tells the host page about the panel
 * (`fastorika:open`, `fastorika:close`), unread replies (`fastorika:unread`) and its token
 * (`fastorika:token-expired`, ahead of `exp` and again once refused); a new `token` keeps
 * the open panel and the typed draft while the socket re-authenticates; an expired token
 * waits for the page's fresh one instead of telling the user to sign in again.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { quiet } from '../helpers/quiet.js';
import { api, startTestServer } from '../helpers/server.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { freePort, type HostPage, startHostPage, until } from './support.js';

/** The client's longest reconnect delay (3 s, web/shared/client.ts) and its jitter. */
const RETRY_QUIET_MS = 3500;

interface Seen {
  type: string;
  detail: unknown;
  at: number;
}

/** The host page's side, as an integrator writes it: record every event; refresh on request. */
const HOST_LISTENERS = () => {
  const w = window as unknown as {
    seen: Seen[];
    refreshTokens: boolean;
    mintToken(): Promise<string>;
  };
  w.seen = [];
  const types = [
    'fastorika:open',
    'fastorika:close',
    'fastorika:unread',
    'fastorika:token-expired',
  ];
  for (const type of types) {
    document.addEventListener(type, (e) => {
      w.seen.push({ type, detail: (e as CustomEvent).detail, at: Date.now() });
      const el = e.target as HTMLElement & { token: string | null };
      if (type === 'fastorika:token-expired' && w.refreshTokens) {
        void w.mintToken().then((token) => {
          el.token = token;
        });
      }
    });
  }
};

const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen[] }).seen);
const seenOf = async (page: Page, type: string) =>
  (await seen(page)).filter((e) => e.type === type);

describe.skipIf(!chromiumAvailable)('<fastorika-chat> and its host page', () => {
  let browser: Browser;
  let server: RunningServer;
  let chatOrigin: string;
  const contexts: BrowserContext[] = [];
  const hosts: HostPage[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    const port = await freePort();
    chatOrigin = `http://127.0.0.1:${port}`;
    server = await startTestServer(
      { kind: 'sqlite', path: ':memory:' },
      { ...JWT_ENV, PORT: String(port) },
    );
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    for (const host of hosts) await host.close();
    await browser?.close();
    await server?.close();
  });

  async function shopWith(
    user: { id: string; name: string },
    expiresIn: string,
    refreshTokens: boolean,
  ): Promise<Page> {
    const token = await signToken(user.id, 'user', user.name, { expiresIn });
    const host = await startHostPage(chatOrigin, { token }, 'en');
    hosts.push(host);
    const ctx = await browser.newContext({ viewport: { width: 800, height: 800 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.exposeFunction('mintToken', () => signToken(user.id, 'user', user.name));
    await page.addInitScript(HOST_LISTENERS);
    await page.addInitScript(`window.refreshTokens = ${refreshTokens};`);
    await page.goto(host.origin);
    return page;
  }

  it('dispatches open, close, unread and token-expired, and takes a fresh token without remounting', async () => {
    const user = { id: 'events-user', name: 'Dilnoza' };
    const admin = { id: 'events-admin', name: 'Anna' };
    // Short-lived: the widget asks for a new one a few seconds in, and the server would
    // disconnect a socket still on this one at its exp.
    const page = await shopWith(user, '8s', true);
    const widget = page.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    const box = widget.locator('textarea');
    await box.waitFor();
    await until('the page hears fastorika:open', async () => {
      return (await seenOf(page, 'fastorika:open')).length > 0;
    });
    expect((await seenOf(page, 'fastorika:open')).length).toBe(1);

    // A message, then a draft the user is in the middle of typing.
    await box.fill('My card payment is stuck');
    await box.press('Enter');
    await widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();
    await box.fill('half-typed draft');
    await box.evaluate((el) => Object.assign(el, { sameElement: true }));

    // Asked ahead of exp; the page's listener sets a fresh token on the element.
    await until('the page is asked for a fresh token', async () => {
      return (await seenOf(page, 'fastorika:token-expired')).length > 0;
    });
    const [ahead] = await seenOf(page, 'fastorika:token-expired');
    if (!ahead) throw new Error('no fastorika:token-expired');
    const { expiresAt, expired } = ahead.detail as { expiresAt: number; expired: boolean };
    expect(expired).toBe(false);
    expect(ahead.at).toBeLessThan(expiresAt);

    // Past the first token's exp: still connected (the socket moved to the new token), the
    // panel open, the draft and its very element still there.
    await until('the first token has expired', async () => Date.now() > expiresAt + 1500, 20_000);
    expect(await widget.locator('.panel').count()).toBe(1);
    expect(await box.inputValue()).toBe('half-typed draft');
    expect(await box.evaluate((el) => 'sameElement' in el)).toBe(true);
    expect(await widget.locator('.banner[data-connection]').count()).toBe(0);
    expect((await seenOf(page, 'fastorika:token-expired')).map((e) => e.detail)).toEqual([
      { expiresAt, expired: false },
    ]);
    await box.press('Enter');
    await widget.locator('.msg[data-seq="2"][data-state="sent"]').waitFor();

    // An agent answers while the panel is closed: the count goes to the page; opening reads it.
    await widget.locator('.panel__close').click();
    await widget.locator('.panel').waitFor({ state: 'detached' });
    // The event follows the render that removed the panel (an effect runs after paint).
    await until('the page hears fastorika:close', async () => {
      return (await seenOf(page, 'fastorika:close')).length > 0;
    });
    expect((await seenOf(page, 'fastorika:close')).length).toBe(1);
    const adminAuth = bearer(await signToken(admin.id, 'admin', admin.name));
    const userAuth = bearer(await signToken(user.id, 'user', user.name));
    const chats = await api(server, 'GET', `/api/chats/user/${user.id}`, undefined, userAuth);
    const chatId = (chats.body.chats as Array<{ _id: string }>)[0]?._id;
    await api(
      server,
      'POST',
      '/api/chats/assign',
      { chatId, adminId: admin.id, adminName: admin.name },
      adminAuth,
    );
    const sent = await api(
      server,
      'POST',
      '/api/messages',
      { chatId, senderId: admin.id, senderType: 'admin', senderName: admin.name, content: 'Hi!' },
      adminAuth,
    );
    expect(sent.status).toBe(200);
    await until('the page hears of one unread reply', async () =>
      (await seenOf(page, 'fastorika:unread')).some((e) => e.detail === 1),
    );
    // A page that starts listening late reads the count from the element.
    expect(await widget.evaluate((el) => (el as HTMLElement & { unread: number }).unread)).toBe(1);
    await widget.locator('button.launcher').click();
    await until('opening the panel reads it', async () => {
      const counts = (await seenOf(page, 'fastorika:unread')).map((e) => e.detail);
      return counts.at(-1) === 0;
    });
    expect((await seenOf(page, 'fastorika:unread')).map((e) => e.detail)).toEqual([1, 0]);
    expect((await seenOf(page, 'fastorika:open')).length).toBe(2);
  }, 90_000);

  it('an expired token waits for the page to refresh it instead of asking to sign in again', async () => {
    const user = { id: 'expiring-user', name: 'Otabek' };
    const page = await shopWith(user, '3s', false);
    const widget = page.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    await widget.locator('textarea').fill('still typing');

    // The server disconnects the socket at exp; the widget says it reconnects and asks again.
    const banner = widget.locator('.banner[data-connection=expired]');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toBe('Reconnecting…');
    await until('the page is told the token expired', async () =>
      (await seenOf(page, 'fastorika:token-expired')).some(
        (e) => (e.detail as { expired: boolean }).expired,
      ),
    );
    const details = (await seenOf(page, 'fastorika:token-expired')).map(
      (e) => (e.detail as { expired: boolean }).expired,
    );
    expect(details).toEqual([false, true]); // ahead of exp, then refused
    expect(await widget.locator('textarea').isDisabled()).toBe(false);

    // A token the page hands over that has just expired: the server's clock leeway lets
    // it connect, then sends it away at once. The widget waits for another token instead
    // of connecting again and again until the leeway is over.
    const handshakes: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/socket.io/') && !r.url().includes('sid=')) handshakes.push(r.url());
    });
    const stale = await signToken(user.id, 'user', user.name, {
      expiresIn: Math.floor(Date.now() / 1000) - 1,
    });
    await widget.evaluate((el, token) => {
      (el as HTMLElement & { token: string }).token = token;
    }, stale);
    await quiet(RETRY_QUIET_MS);
    // The handshakes' addresses say which transport retried, should one ever appear.
    expect(handshakes, handshakes.join('\n')).toHaveLength(1);
    await banner.waitFor();

    // The page refreshes late: the widget connects again, with the draft.
    const fresh = await signToken(user.id, 'user', user.name);
    await widget.evaluate((el, token) => {
      (el as HTMLElement & { token: string }).token = token;
    }, fresh);
    await banner.waitFor({ state: 'detached' });
    expect(await widget.locator('textarea').inputValue()).toBe('still typing');
    await widget.locator('textarea').press('Enter');
    await widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();
  }, 60_000);
});
