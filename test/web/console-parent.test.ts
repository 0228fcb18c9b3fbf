/**
 * The console framed by an admin panel (a CONSOLE_PARENT_ORIGINS origin) tells the panel
 * its state and unread count, asks it for a fresh token ahead of `exp`, and takes that
 * token without signing the admin out.
 */
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { freePort, type HostPage, openChatWithMessages, startHostPage, until } from './support.js';

interface StateMessage {
  type: 'fastorika:state';
  signedIn: boolean;
  connection: string | null;
  unread: number;
  waiting: number;
}
interface ExpiredMessage {
  type: 'fastorika:token-expired';
  expiresAt: number | null;
  expired: boolean;
}
type FromConsole = StateMessage | ExpiredMessage | { type: 'fastorika:ready' };

const fromConsole = (panel: Page) =>
  panel.evaluate(() => (window as unknown as { fromConsole: FromConsole[] }).fromConsole);
const lastState = async (panel: Page) =>
  (await fromConsole(panel)).filter((m): m is StateMessage => m.type === 'fastorika:state').at(-1);

describe.skipIf(!chromiumAvailable)('the console and the admin panel that frames it', () => {
  let browser: Browser;
  let server: RunningServer;
  let panelSite: HostPage;
  let chatOrigin: string;
  const contexts: BrowserContext[] = [];
  const newPage = async (): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    return ctx.newPage();
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    const port = await freePort();
    chatOrigin = `http://127.0.0.1:${port}`;
    panelSite = await startHostPage(chatOrigin, { 'user-id': 'u' }, 'en');
    server = await startTestServer(
      { kind: 'sqlite', path: ':memory:' },
      {
        ...JWT_ENV,
        PORT: String(port),
        CORS_ORIGIN: `${panelSite.origin},${chatOrigin}`,
        CONSOLE_PARENT_ORIGINS: panelSite.origin,
      },
    );
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await server?.close();
    await panelSite?.close();
  });

  it('posts state and unread counts, and refreshes its token through the panel', async () => {
    const admin = { id: 'framed-admin', name: 'Anna' };
    const user = { id: 'framed-user', name: 'Dilnoza' };
    const panel = await newPage();
    await panel.exposeFunction('mintToken', () => signToken(admin.id, 'admin', admin.name));
    const first = await signToken(admin.id, 'admin', admin.name, { expiresIn: '8s' });
    await panel.goto(`${panelSite.origin}/admin-panel#${encodeURIComponent(first)}`);
    const frame: Frame | null | undefined = await (
      await panel.locator('iframe').elementHandle()
    )?.contentFrame();
    if (!frame) throw new Error('no console frame');
    await frame.locator('.topbar__connection[data-connection=online]').waitFor();
    await until('the panel hears the console is online', async () => {
      const s = await lastState(panel);
      return s?.signedIn === true && s.connection === 'online';
    });

    // A user writes: the chat waits in the queue; taken by this admin, its unread counts.
    const userAuth = bearer(await signToken(user.id, 'user', user.name));
    const { chatId, say } = await openChatWithMessages(server, user, ['Hello?'], userAuth.headers);
    await until(
      'the panel hears one chat waiting',
      async () => (await lastState(panel))?.waiting === 1,
    );
    const adminAuth = bearer(await signToken(admin.id, 'admin', admin.name));
    await api(
      server,
      'POST',
      '/api/chats/assign',
      { chatId, adminId: admin.id, adminName: admin.name },
      adminAuth,
    );
    await say('Anyone?');
    await until('the panel hears the unread messages of the admin own chat', async () => {
      const s = await lastState(panel);
      return s?.waiting === 0 && (s.unread ?? 0) >= 1;
    });

    // Asked ahead of exp, the panel hands over a fresh token: past exp, still signed in.
    await until('the console asks for a fresh token', async () =>
      (await fromConsole(panel)).some((m) => m.type === 'fastorika:token-expired'),
    );
    const asked = (await fromConsole(panel)).filter(
      (m): m is ExpiredMessage => m.type === 'fastorika:token-expired',
    );
    expect(asked).toEqual([expect.objectContaining({ expired: false })]);
    const expiresAt = asked[0]?.expiresAt ?? 0;
    await until('the first token has expired', async () => Date.now() > expiresAt + 1500, 20_000);
    await frame.locator('.topbar__connection[data-connection=online]').waitFor();
    expect(await frame.locator('.topbar__me').textContent()).toContain(admin.name);
    expect((await lastState(panel))?.signedIn).toBe(true);
    expect(
      (await fromConsole(panel)).filter((m) => m.type === 'fastorika:token-expired'),
    ).toHaveLength(1);
  }, 60_000);

  it('an expired token waits for the panel to renew it instead of asking to sign in again', async () => {
    const admin = { id: 'late-panel-admin', name: 'Boris' };
    const page = await newPage();
    // This panel renews nothing by itself (no mintToken): the token runs out.
    // Long enough for a loaded machine's page load and connection (~2–3 s seen), short
    // enough for the test to wait it out.
    const first = await signToken(admin.id, 'admin', admin.name, { expiresIn: '6s' });
    await page.goto(`${panelSite.origin}/admin-panel#${encodeURIComponent(first)}`);
    const frame = await (await page.locator('iframe').elementHandle())?.contentFrame();
    if (!frame) throw new Error('no console frame');
    // Online for what is left of the token after the page load: the panel's record of the
    // console's states says so even when it is over before a look at the page.
    await until('the console was online', async () =>
      (await fromConsole(page)).some(
        (m) => m.type === 'fastorika:state' && m.connection === 'online',
      ),
    );

    await until(
      'the panel is told the token expired',
      async () =>
        (await fromConsole(page)).some((m) => m.type === 'fastorika:token-expired' && m.expired),
      15_000,
    );
    await frame.locator('text=Waiting for the admin panel to renew it').waitFor();
    expect(await frame.locator('main').textContent()).not.toContain('Sign in again');

    // The panel renews it late: the console signs the same admin in again.
    const fresh = await signToken(admin.id, 'admin', admin.name);
    await page.evaluate(
      ([t, origin]) =>
        document
          .querySelector('iframe')
          ?.contentWindow?.postMessage({ type: 'fastorika:token', token: t }, origin as string),
      [fresh, chatOrigin],
    );
    await frame.locator('.topbar__connection[data-connection=online]').waitFor();
    expect(await frame.locator('.topbar__me').textContent()).toContain(admin.name);
  }, 60_000);
});
