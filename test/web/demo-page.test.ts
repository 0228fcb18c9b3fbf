/**
 * The pages the server serves itself load without a failed request or a console error: a
 * browser asks every page for an icon, and a 404 for it is noise in every log and in
 * every developer's console.
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
});
