/**
 * A token handed to the console (the admin panel's postMessage, or a `#token=` link) never
 * silently signs the tab in as someone else: it asks, naming whom the token names. Only a
 * parent of CONSOLE_PARENT_ORIGINS may frame the console and hand it tokens; a page of
 * CORS_ORIGIN (the user-facing app) may not.
 */
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { PAGE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { startTestServer } from '../helpers/server.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { freePort, type HostPage, seriousViolations, startHostPage, until } from './support.js';

const SESSION_KEY = 'fastorika.console.session';

const signedInName = (scope: Page | Frame) => scope.locator('.topbar__me').textContent();
const storedToken = (scope: Page | Frame) =>
  scope.evaluate(
    (key) => (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { token?: string }).token,
    SESSION_KEY,
  );

describe.skipIf(!chromiumAvailable)('handing a token to the console', () => {
  let browser: Browser;
  let server: RunningServer;
  let panelSite: HostPage;
  let appSite: HostPage;
  let chatOrigin: string;
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
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
    appSite = await startHostPage(chatOrigin, { 'user-id': 'u' }, 'en');
    server = await startTestServer(
      { kind: 'sqlite', path: ':memory:' },
      {
        ...JWT_ENV,
        PORT: String(port),
        // The user-facing app may call the API, but only the admin panel frames the console.
        CORS_ORIGIN: `${appSite.origin},${panelSite.origin},${chatOrigin}`,
        CONSOLE_PARENT_ORIGINS: panelSite.origin,
      },
    );
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await server?.close();
    await panelSite?.close();
    await appSite?.close();
  });

  /** The admin panel frames the console and hands it `token`; the console signs in. */
  async function framedConsole(token: string): Promise<{ panel: Page; frame: Frame }> {
    const panel = await newPage();
    await panel.goto(`${panelSite.origin}/admin-panel#${encodeURIComponent(token)}`);
    const frame = await (await panel.locator('iframe').elementHandle())?.contentFrame();
    if (!frame) throw new Error('no console frame');
    await frame.locator('.topbar__connection[data-connection=online]').waitFor();
    return { panel, frame };
  }

  const postFromPanel = (panel: Page, token: string) =>
    panel.evaluate(
      ([t, origin]) =>
        document
          .querySelector('iframe')
          ?.contentWindow?.postMessage({ type: 'fastorika:token', token: t }, origin),
      [token, chatOrigin] as const,
    );

  it('a listed parent signs in an empty console, but swaps the admin only once they confirm', async () => {
    const { panel, frame } = await framedConsole(await signToken('anna', 'admin', 'Anna'));
    expect(await signedInName(frame)).toContain('Anna');

    await postFromPanel(panel, await signToken('mallory', 'superadmin', 'Mallory'));
    const prompt = frame.locator('.handover[data-offered-id=mallory]');
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain('Mallory (superadmin, id mallory)');
    expect(await prompt.textContent()).toContain('instead of Anna');
    expect(await signedInName(frame)).toContain('Anna');
    expect(await frame.evaluate(() => document.activeElement?.getAttribute('data-handover'))).toBe(
      'decline',
    );
    await frame.click('[data-handover=decline]');
    await prompt.waitFor({ state: 'detached' });
    expect(await signedInName(frame)).toContain('Anna');

    // A fresh token for the admin already signed in is a refresh: no question.
    const refreshed = await signToken('anna', 'admin', 'Anna');
    await postFromPanel(panel, refreshed);
    await until('the fresh token is kept', async () => (await storedToken(frame)) === refreshed);
    expect(await frame.locator('.handover').count()).toBe(0);

    // Confirmed, the swap happens.
    await postFromPanel(panel, await signToken('boris', 'admin', 'Boris'));
    await frame.click('.handover[data-offered-id=boris] [data-handover=accept]');
    await until('Boris is signed in', async () =>
      Boolean((await signedInName(frame))?.includes('Boris')),
    );
  });

  it('ignores a token from any other window or origin than the listed parent', async () => {
    const { frame } = await framedConsole(await signToken('anna2', 'admin', 'Anna'));
    const mallory = await signToken('mallory', 'admin', 'Mallory');
    await frame.evaluate(
      ([token, listed]) => {
        const data = { type: 'fastorika:token', token };
        // From the parent, but another origin; from a listed origin, but not the parent.
        window.dispatchEvent(
          new MessageEvent('message', { data, origin: 'http://evil.example', source: parent }),
        );
        window.dispatchEvent(new MessageEvent('message', { data, origin: listed, source: window }));
      },
      [mallory, panelSite.origin],
    );
    await quiet(PAGE_QUIET_MS);
    expect(await frame.locator('.handover').count()).toBe(0);
    expect(await signedInName(frame)).toContain('Anna');
  });

  it('a page of CORS_ORIGIN that is not a listed parent cannot frame the console', async () => {
    const page = await newPage();
    const refused = new Promise<string>((resolve) =>
      page.on('console', (m) => {
        if (m.text().includes('frame-ancestors')) resolve(m.text());
      }),
    );
    await page.goto(`${appSite.origin}/admin-panel#${encodeURIComponent('x')}`);
    expect(await refused).toContain(chatOrigin);
    const frame = await (await page.locator('iframe').elementHandle())?.contentFrame();
    expect(await frame?.locator('#app').count()).toBe(0);
  });

  it('a #token= link never signs a tab in silently: it names whom it signs in and asks', async () => {
    const page = await newPage();
    const mallory = await signToken('mallory', 'admin', 'Mallory');
    await page.goto(`${chatOrigin}/console#token=${mallory}`);
    const prompt = page.locator('.handover[data-offered-id=mallory]');
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain('Mallory (admin, id mallory)');
    expect(page.url()).toBe(`${chatOrigin}/console`); // the token left the address bar
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.locator('.topbar').count()).toBe(0);
    expect(await storedToken(page)).toBeUndefined();
    await page.click('[data-handover=decline]');
    await page.locator('textarea[name=token]').waitFor();
    expect(await storedToken(page)).toBeUndefined();

    // Signed in as Anna, a link for Mallory asks before it swaps.
    const anna = await signToken('anna3', 'admin', 'Anna');
    await page.fill('textarea[name=token]', anna);
    await page.click('button[type=submit]');
    await page.locator('.topbar__connection[data-connection=online]').waitFor();
    await page.evaluate((token) => {
      location.hash = `token=${token}`;
      location.reload();
    }, mallory);
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain('instead of Anna');
    expect(await signedInName(page)).toContain('Anna');
    expect(await storedToken(page)).toBe(anna);
  });
});
