/**
 * Signing in to the console with a token the server refuses: the admin reads why, in the
 * server's own words when it names the rule the token broke (a lifetime over a day, which
 * the page cannot check), not only that a key, issuer or audience may be wrong.
 */
import { describe, expect, it } from 'vitest';
import { consoleStrings } from '../../web/shared/i18n/console.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { chromiumAvailable } from './chromium.js';
import { browserAndServer } from './support.js';

describe.skipIf(!chromiumAvailable)('signing in to the console with a refused token', () => {
  const web = browserAndServer(JWT_ENV);

  it('says what the server said of a token that lives a month', async () => {
    const context = await web.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${web.server.url}/console`);
      // The backend's slip: a month where the server allows a day.
      const month = await signToken('ops-month', 'superadmin', 'Ops', { expiresIn: '30d' });
      await page.locator('textarea[name=token]').fill(month);
      await page.getByRole('button', { name: consoleStrings.en.signIn }).click();
      const alert = page.locator('.sign-in .alert[role=alert]');
      await alert.waitFor();
      const said = await alert.textContent();
      expect(said).toContain(consoleStrings.en.tokenRefused);
      expect(said).toContain('The server says: Invalid token: it may live at most 24 hours');
      // Back at sign-in, not in a workspace that cannot connect.
      expect(await page.locator('.topbar__me').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);
});
