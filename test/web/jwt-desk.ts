/**
 * The desk as the browser tests that need real tokens see it: Chromium, the server
 * (AUTH_MODE=jwt, in-memory SQLite) on a free port, and a shop page that embeds the widget
 * with one user's token (their `ctx` claim too, when given). Consoles open signed in as
 * anyone, the hand-over accepted; everything opened is closed by `close()`.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../helpers/server.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { launchChromium } from './chromium.js';
import { freePort, type HostPage, startHostPage } from './support.js';

export interface DeskPerson {
  id: string;
  name: string;
}

export interface DeskUser extends DeskPerson {
  /** The customer's context, as the web app puts it in the user's token. */
  ctx?: Record<string, unknown>;
}

export interface SignedInConsole {
  page: Page;
  token: string;
  /** The same identity's headers, for asking the REST API directly. */
  auth: { authorization: string };
}

export interface JwtDesk {
  browser: Browser;
  server: RunningServer;
  host: HostPage;
  /** Where the chat server is: the console's and the widget's origin. */
  chatOrigin: string;
  /** A browser context closed with the desk. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  consoleAs(
    person: DeskPerson,
    role: 'admin' | 'superadmin',
    options?: { downloads?: boolean },
  ): Promise<SignedInConsole>;
  close(): Promise<void>;
}

export async function startJwtDesk(user: DeskUser, lang = 'en'): Promise<JwtDesk> {
  await ensureWebBuilt();
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const port = await freePort();
  const chatOrigin = `http://127.0.0.1:${port}`;
  const claims = user.ctx === undefined ? {} : { extra: { ctx: user.ctx } };
  const host = await startHostPage(
    chatOrigin,
    { token: await signToken(user.id, 'user', user.name, claims) },
    lang,
  );
  const server = await startTestServer(
    { kind: 'sqlite', path: ':memory:' },
    { ...JWT_ENV, PORT: String(port), CORS_ORIGIN: `${host.origin},${chatOrigin}` },
  );

  const newContext = async (options: BrowserContextOptions = {}) => {
    const ctx = await browser.newContext(options);
    contexts.push(ctx);
    return ctx;
  };

  return {
    browser,
    server,
    host,
    chatOrigin,
    newContext,
    async consoleAs(person, role, options = {}) {
      const ctx = await newContext({
        viewport: { width: 1280, height: 800 },
        acceptDownloads: options.downloads ?? false,
      });
      const token = await signToken(person.id, role, person.name);
      const page = await ctx.newPage();
      await page.goto(`${chatOrigin}/console#token=${token}`);
      await page.click('[data-handover=accept]');
      await page.locator('.topbar__connection[data-connection=online]').waitFor();
      return { page, token, auth: bearer(token).headers };
    },
    async close() {
      for (const ctx of contexts) await ctx.close().catch(() => {});
      await host.close();
      await browser.close();
      await server.close();
    },
  };
}
