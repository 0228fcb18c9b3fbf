/**
 * The console says why it cannot connect, in Chromium against the real server: a page
 * whose origin the server refuses (behind a proxy that drops the port from Host, as
 * nginx's `Host $host` does, with CORS_ORIGIN set), a server that went away, and a token
 * the server refuses (told apart from an expired session).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../helpers/server.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

/**
 * A reverse proxy to `port` that sends `Host: 127.0.0.1` without its own port, for plain
 * requests and WebSocket upgrades alike: what nginx's `proxy_set_header Host $host` does
 * on a port other than 80.
 */
async function startPortDroppingProxy(port: number): Promise<{ origin: string; close(): void }> {
  const rewrite = (raw: string[]) =>
    raw.map((value, i) =>
      i % 2 === 1 && raw[i - 1]?.toLowerCase() === 'host' ? '127.0.0.1' : value,
    );
  const proxy: Server = createServer((req, res) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        headers: rewrite(req.rawHeaders),
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on('upgrade', (req, socket, head) => {
    const upstream = connect(port, '127.0.0.1', () => {
      const headers = rewrite(req.rawHeaders);
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = proxy.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${proxyPort}`,
    close: () => {
      proxy.closeAllConnections();
      proxy.close();
    },
  };
}

// Each test loads the console once or twice in Chromium: on a loaded machine, seconds each.
describe.skipIf(!chromiumAvailable)(
  'the console says why it cannot connect',
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const servers: RunningServer[] = [];
    const newPage = async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(ctx);
      return ctx.newPage();
    };
    const start = async (env: Record<string, string>) => {
      const server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, env);
      servers.push(server);
      return server;
    };

    beforeAll(async () => {
      await ensureWebBuilt();
      browser = await launchChromium();
    });

    afterAll(async () => {
      for (const ctx of contexts) await ctx.close().catch(() => {});
      await browser?.close();
      for (const server of servers) await server.close().catch(() => {});
    });

    /** Demo mode's sign-in (AUTH_MODE=none). */
    async function signIn(page: Page, url: string): Promise<void> {
      await page.goto(`${url}/console`);
      await page.fill('input[name=name]', 'Anna');
      await page.fill('input[name=id]', 'admin-anna');
      await page.click('button[type=submit]');
    }

    it('a page whose origin is refused (a proxy drops the port from Host, CORS_ORIGIN set) is told so, with what to change', async () => {
      const server = await start({ CORS_ORIGIN: 'https://app.example' });
      const proxy = await startPortDroppingProxy(server.port);
      try {
        const page = await newPage();
        await signIn(page, proxy.origin);
        const problem = page.locator('.connection-problem[data-problem=originRefused]');
        await problem.waitFor();
        expect(await problem.textContent()).toContain(proxy.origin);
        expect(await problem.textContent()).toMatch(/CORS_ORIGIN.*Host \$http_host/);
        expect(await page.locator('.topbar__connection').getAttribute('data-connection')).not.toBe(
          'online',
        );

        // The same server, reached directly: the origin is its own, and it connects.
        const direct = await newPage();
        await signIn(direct, server.url);
        await direct.locator('.topbar__connection[data-connection=online]').waitFor();
        expect(await direct.locator('.connection-problem').count()).toBe(0);
      } finally {
        proxy.close();
      }
    });

    it('a server that went away is told apart, in the page language, and the message goes once it is back', async () => {
      const server = await start({});
      const page = await newPage();
      await page.goto(`${server.url}/console?lang=ru`);
      await page.fill('input[name=name]', 'Anna');
      await page.fill('input[name=id]', 'admin-anna');
      await page.click('button[type=submit]');
      await page.locator('.topbar__connection[data-connection=online]').waitFor();
      expect(await page.locator('.connection-problem').count()).toBe(0);

      await server.close();
      const problem = page.locator('.connection-problem[data-problem=serverDown]');
      await problem.waitFor();
      expect(await problem.textContent()).toMatch(/Сервер чата не отвечает/);

      // Back on the same port: online again, and nothing to explain.
      const again = await start({ PORT: String(server.port) });
      expect(again.port).toBe(server.port);
      await page
        .locator('.topbar__connection[data-connection=online]')
        .waitFor({ timeout: 15_000 });
      await page.locator('.connection-problem').waitFor({ state: 'detached' });
    });

    it('a token the server refuses says so on the sign-in page, not "your session expired"', async () => {
      const server = await start({ ...JWT_ENV });
      const page = await newPage();
      // Well formed, for an admin, but signed with another key: only the server can tell.
      const token = await signToken('admin-anna', 'admin', 'Anna', {
        secret: 'another-secret-that-is-at-least-32-bytes!',
      });
      await page.goto(`${server.url}/console#token=${token}`);
      await page.click('[data-handover=accept]');
      const error = page.getByText('The chat server refused this token');
      await error.waitFor();
      expect(await page.getByText('Your session has expired').count()).toBe(0);
    });
  },
);
