/**
 * Internal notes in Chromium, against the real server: an admin turns the reply box into
 * a note box with the keyboard and writes a note; it shows in yellow, labelled, after the
 * message it followed, and a second admin's console shows it live. The user's widget gets
 * the admin's next real message and never the note.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { freePort, type HostPage, seriousViolations, startHostPage } from './support.js';

const SECRET = 'KYC flagged by compliance: do not promise a refund';

describe.skipIf(!chromiumAvailable)('internal notes in the console', () => {
  let browser: Browser;
  let server: RunningServer;
  let host: HostPage;
  let chatOrigin: string;
  const contexts: BrowserContext[] = [];
  const user = { id: 'user-notes', name: 'Dilnoza' };

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    const port = await freePort();
    chatOrigin = `http://127.0.0.1:${port}`;
    host = await startHostPage(chatOrigin, { 'user-id': user.id, 'user-name': user.name }, 'en');
    server = await startTestServer(
      { kind: 'sqlite', path: ':memory:' },
      { PORT: String(port), CORS_ORIGIN: `${host.origin},${chatOrigin}` },
    );
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await server?.close();
    await host?.close();
  });

  const page = async (viewport: { width: number; height: number }) => {
    const ctx = await browser.newContext({ viewport });
    contexts.push(ctx);
    return ctx.newPage();
  };

  /** A console signed in (demo mode). */
  async function agent(who: { id: string; name: string; superadmin?: boolean }): Promise<Page> {
    const p = await page({ width: 1280, height: 800 });
    await p.goto(`${chatOrigin}/console`);
    await p.fill('input[name=name]', who.name);
    await p.fill('input[name=id]', who.id);
    if (who.superadmin) await p.check('input[name=superadmin]');
    await p.click('button[type=submit]');
    await p.locator('.topbar__connection[data-connection=online]').waitFor();
    return p;
  }

  it('an admin writes a note with the keyboard; a second console sees it live; the widget never does', async () => {
    const anna = await agent({ id: 'anna-notes', name: 'Anna' });
    const lead = await agent({ id: 'lead-notes', name: 'Lead', superadmin: true });

    const shop = await page({ width: 360, height: 740 });
    // Everything the server sends the widget, to show the note was never on the wire.
    const frames: string[] = [];
    shop.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => frames.push(String(payload))),
    );
    await shop.goto(host.origin);
    const widget = shop.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    const box = widget.locator('textarea');
    await box.fill('Hello, my refund is late');
    await box.press('Enter');
    await widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();

    // The lead opens the chat first (a superadmin may view it); Anna takes it.
    const item = (p: Page) => p.locator('.chat-item', { hasText: user.name });
    await item(lead).click();
    await lead.locator('.msg[data-seq="1"]').waitFor();
    await item(anna).click();
    await anna.click('.chat__actions [data-action=take]');
    await anna.locator('#reply').waitFor();

    // Keyboard only: Tab from the history to the toggle, Space turns note mode on.
    const toggle = anna.getByTestId('note-toggle');
    await toggle.focus();
    await anna.keyboard.press('Space');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    const noteBox = anna.locator('#note');
    await expect.poll(() => noteBox.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await anna.locator('#reply').isVisible()).toBe(false);
    await anna.keyboard.type(SECRET);
    await anna.keyboard.press('Enter');

    // Anna's view: a yellow "Internal note" by her, right after message 1.
    const note = anna.locator('.note', { hasText: SECRET });
    await note.waitFor();
    expect(await note.locator('.note__label').textContent()).toBe('Internal note');
    expect(await note.locator('.note__sender').textContent()).toBe('Anna');
    expect(await note.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(255, 248, 214)',
    );
    expect(
      await anna
        .locator('.msg[data-seq="1"]')
        .evaluate((el) => el.nextElementSibling?.querySelector('.note') !== null),
    ).toBe(true);
    // Not a message: no seq, no delivery state, not counted among the messages.
    expect(await note.locator('xpath=ancestor::li[1]').getAttribute('data-seq')).toBeNull();

    // The lead's console, in its own browser, shows it live.
    await lead.locator('.note', { hasText: SECRET }).waitFor();

    // Back to replying (click this time): a real message reaches the widget.
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await anna.locator('#reply').fill('We are looking into it');
    await anna.locator('#reply').press('Enter');
    await widget.locator('.msg[data-seq="2"]', { hasText: 'We are looking into it' }).waitFor();
    // The note came before that message on every path the widget has: it never arrived.
    expect(await widget.locator('.messages').textContent()).not.toContain('KYC');
    expect(await widget.locator('.note').count()).toBe(0);
    expect(frames.some((f) => f.includes('We are looking into it'))).toBe(true);
    expect(frames.filter((f) => f.includes('KYC') || f.includes('note-added'))).toEqual([]);
    // And a reload (history from the server) does not bring it either.
    await shop.reload();
    await widget.locator('button.launcher').click();
    await widget.locator('.msg[data-seq="2"]').waitFor();
    expect(await widget.locator('.messages').textContent()).not.toContain('KYC');

    // Anna reloads: the note comes back with the history, in its place.
    await anna.reload();
    await anna.locator('.topbar__connection[data-connection=online]').waitFor();
    await anna.click('[data-tab=mine]');
    await item(anna).click();
    await anna.locator('.note', { hasText: SECRET }).waitFor();
    expect(await seriousViolations(anna, '.chat')).toEqual([]);
  }, 90_000);
});
