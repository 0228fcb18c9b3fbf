/**
 * A superadmin exports and erases the chat's customer from the console, in Chromium against
 * the real server (tokens): the export saves everything stored about the user as JSON; the
 * erasure asks first (naming the user, opening on Cancel, Escape closes it), then the chat
 * shows erased, its history written over, and the user is gone from the store. An admin is
 * offered neither. Every state stays axe clean.
 */
import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERASED_TEXT } from '../../src/schemas/vocabulary.js';
import { bearer, signToken } from '../helpers/tokens.js';
import { chromiumAvailable } from './chromium.js';
import { type JwtDesk, startJwtDesk } from './jwt-desk.js';
import { openChatWithMessages, seriousViolations } from './support.js';

async function downloaded(page: Page, click: () => Promise<void>) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await (download as Download).path();
  return { name: download.suggestedFilename(), text: await readFile(file, 'utf8') };
}

describe.skipIf(!chromiumAvailable)('export and erasure in the console', () => {
  let desk: JwtDesk;
  const user = { id: 'user-to-erase', name: 'Kamola' };

  beforeAll(async () => {
    desk = await startJwtDesk(user);
  });

  afterAll(async () => {
    await desk?.close();
  });

  it('the superadmin exports the user, then erases them after confirming; an admin sees neither', async () => {
    const userAuth = { headers: bearer(await signToken(user.id, 'user', user.name)).headers };
    const { chatId } = await openChatWithMessages(
      desk.server,
      user,
      ['My passport number is AB1234567'],
      userAuth.headers,
    );

    // An admin: the chat, but no export or erasure.
    const admin = await desk.consoleAs({ id: 'admin-plain', name: 'Aziz' }, 'admin');
    await admin.page.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
    await admin.page.locator('.msg', { hasText: 'AB1234567' }).waitFor();
    expect(await admin.page.locator('[data-testid=user-data]').count()).toBe(0);

    const chief = await desk.consoleAs({ id: 'super-erases', name: 'Sardor' }, 'superadmin', {
      downloads: true,
    });
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
    expect(await desk.server.store.privacy.userChats(user.id, '', 5)).toHaveLength(1);

    // Erased: the chat shows it, its history written over, and the store keeps no trace.
    await eraseButton.press('Enter');
    await chief.page.locator('[data-action=confirm-erase]').click();
    const done = chief.page.locator('.user-data__done[role=status]');
    await done.waitFor();
    expect(await done.textContent()).toBe('Erased. Chats: 1, messages: 1, attachments: 0.');
    expect(await chief.page.evaluate(() => document.activeElement?.className)).toBe(
      'user-data__done',
    );
    expect(await chief.page.locator('#chat-title').textContent()).toContain(ERASED_TEXT);
    await chief.page.locator('.msg', { hasText: ERASED_TEXT }).waitFor();
    expect(await chief.page.locator('.msg', { hasText: 'AB1234567' }).count()).toBe(0);
    expect(await desk.server.store.privacy.userChats(user.id, '', 5)).toEqual([]);
    expect(await seriousViolations(chief.page)).toEqual([]);
  }, 120_000);
});
