/**
 * The pages the server serves itself load without a failed request or a console error: a
 * browser asks every page for an icon, and a 404 for it is noise in every log and in
 * every developer's console. /docs rendered swagger-ui's logo with an inline <style> its
 * CSP refused, an error in the console of everyone who opened the API docs.
 */
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from './chromium.js';
import { browserAndServer, until } from './support.js';

describe.skipIf(!chromiumAvailable)('pages served by the server', () => {
  const web = browserAndServer();

  it.each(['/widget/demo', '/console'])(
    '%s loads with no failed request and no console error',
    async (path) => {
      const context = await web.browser.newContext();
      try {
        const page = await context.newPage();
        const failed: string[] = [];
        const requested: string[] = [];
        page.on('request', (req) => requested.push(new URL(req.url()).pathname));
        page.on('response', (res) => {
          if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
        });
        page.on('requestfailed', (req) => failed.push(`failed ${req.url()}`));
        page.on('console', (msg) => {
          if (msg.type() === 'error') failed.push(`console: ${msg.text()}`);
        });
        await page.goto(`${web.server.url}${path}`, { waitUntil: 'networkidle' });
        await until('the page has loaded its scripts', async () =>
          requested.some((p) => p.startsWith('/assets/')),
        );
        expect(failed).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );

  it("/docs renders the API without a console error or a CSP violation, and its CSP's one inline style stays its own", async () => {
    const context = await web.browser.newContext();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`page: ${err.message}`));
      // A violation is reported to the page even when the browser logs nothing.
      await page.exposeFunction('cspViolation', (line: string) => problems.push(line));
      await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
        window.cspViolation('csp: ' + e.effectiveDirective + ' ' + e.sample))`);
      await page.goto(`${web.server.url}/docs`);
      // The top bar (its logo carries the inline style) and the operations have rendered.
      await page.locator('.topbar svg').first().waitFor();
      await page.locator('.opblock').first().waitFor();
      await new Promise((r) => setTimeout(r, 300));
      expect(problems).toEqual([]);
      // The logo's hash is the docs page's alone: no other page's CSP lets that style in.
      for (const path of ['/console', '/api/chats/waiting', '/widget/demo']) {
        const csp = (await fetch(`${web.server.url}${path}`)).headers.get(
          'content-security-policy',
        );
        expect(csp, path).toBeTruthy();
        expect(csp, path).not.toContain('sha256-');
      }
    } finally {
      await context.close();
    }
  }, 60_000);
});
