/**
 * A superadmin exports and erases the chat's customer from the console, in Chromium against
 * the real server (tokens): the export saves everything stored about the user as JSON; the
 * erasure asks first (naming the user, opening on Cancel, Escape closes it), then the chat
 * shows erased, its history written over, and the user is gone from the store. An admin is
 * offered neither. Every state stays axe clean.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERASED_TEXT } from '../../src/schemas/vocabulary.js';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { freePort, seriousViolations } from './support.js';

async function downloaded(page: Page, click: () => Promise<void>) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await (download as Download).path();
  return { name: download.suggestedFilename(), text: await readFile(file, 'utf8') };
}

describe.skipIf(!chromiumAvailable)('export and erasure in the console', () => {
  let browser: Browser;
  let server: RunningServer;
  let origin: string;
  const contexts: BrowserContext[] = [];
  const user = { id: 'user-to-erase', name: 'Kamola' };

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    server = await startTestServer(
      { kind: 'sqlite', path: ':memory:' },
      { ...JWT_ENV, PORT: String(port), CORS_ORIGIN: origin },
    );
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  async function consoleAs(id: string, name: string, role: 'admin' | 'superadmin') {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    contexts.push(ctx);
    const token = await signToken(id, role, name);
    const page = await ctx.newPage();
    await page.goto(`${origin}/console#token=${token}`);
    await page.click('[data-handover=accept]');
    await page.locator('.topbar__connection[data-connection=online]').waitFor();
    return { page, auth: bearer(token).headers };
  }

  it('the superadmin exports the user, then erases them after confirming; an admin sees neither', async () => {
    const userAuth = { headers: bearer(await signToken(user.id, 'user', user.name)).headers };
    const opened = await api(
      server,
      'POST',
      '/api/chats',
      { userId: user.id, userName: user.name },
      userAuth,
    );
    const chatId = (opened.body.chat as { _id: string })._id;
    const sent = await api(
      server,
      'POST',
      '/api/messages',
      {
        chatId,
        senderId: user.id,
        senderType: 'user',
        senderName: user.name,
        content: 'My passport number is AB1234567',
      },
      userAuth,
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);

    // An admin: the chat, but no export or erasure.
    const admin = await consoleAs('admin-plain', 'Aziz', 'admin');
    await admin.page.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
    await admin.page.locator('.msg', { hasText: 'AB1234567' }).waitFor();
    expect(await admin.page.locator('[data-testid=user-data]').count()).toBe(0);

    const chief = await consoleAs('super-erases', 'Sardor', 'superadmin');
    await chief.page.click('[data-tab=all]');
    await chief.page.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
    const exportButton = chief.page.locator('[data-action=export-user]');
    await exportButton.waitFor();
    const copy = await downloaded(chief.page, () => exportButton.click());
    expect(copy.name).toBe(`user-${user.id}.json`);
    const exported = JSON.parse(copy.text);
    expect(JSON.stringify(exported)).toContain('My passport number is AB1234567');
    expect(await seriousViolations(chief.page)).toEqual([]);

    // The confirmation names the user, opens on Cancel, and Escape closes it.
    const eraseButton = chief.page.locator('[data-action=erase-user]');
    await eraseButton.click();
    const dialog = chief.page.locator('[role=alertdialog]');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`${user.name} (${user.id})`);
    expect(await chief.page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    expect(await seriousViolations(chief.page)).toEqual([]);
    await chief.page.keyboard.press('Escape');
    expect(await dialog.count()).toBe(0);
    expect(await eraseButton.evaluate((b) => b === document.activeElement)).toBe(true);
    expect(await server.store.privacy.userChats(user.id, '', 5)).toHaveLength(1);

    // Erased: the chat shows it, its history written over, and the store keeps no trace.
    await eraseButton.press('Enter');
    await chief.page.locator('[data-action=confirm-erase]').click();
    const done = chief.page.locator('.user-data__done[role=status]');
    await done.waitFor();
    expect(await done.textContent()).toBe('Erased: 1 chats, 1 messages, 0 attachments.');
    expect(await chief.page.evaluate(() => document.activeElement?.className)).toBe(
      'user-data__done',
    );
    expect(await chief.page.locator('#chat-title').textContent()).toContain(ERASED_TEXT);
    await chief.page.locator('.msg', { hasText: ERASED_TEXT }).waitFor();
    expect(await chief.page.locator('.msg', { hasText: 'AB1234567' }).count()).toBe(0);
    expect(await server.store.privacy.userChats(user.id, '', 5)).toEqual([]);
    expect(await seriousViolations(chief.page)).toEqual([]);
  }, 120_000);
});
