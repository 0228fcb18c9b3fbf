/**
 * Transcripts and the Audit tab in Chromium, against the real server (tokens): the
 * assigned admin downloads the HTML transcript from the open chat (with the internal note)
 * and sees no Audit tab; the superadmin opens the closed chat's Audit tab (newest first,
 * hashes shortened) and downloads the JSON transcript, whose auditHash is the newest entry's
 * hash as GET /api/audit lists it; the user downloads their copy from the widget's closed
 * panel, without the note. Every page stays axe clean.
 */
import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, request, succeeded } from '../helpers/server.js';
import { chromiumAvailable } from './chromium.js';
import { type JwtDesk, startJwtDesk } from './jwt-desk.js';
import { seriousViolations } from './support.js';

async function downloaded(
  page: Page,
  click: () => Promise<void>,
): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await (download as Download).path();
  return { name: download.suggestedFilename(), text: await readFile(file, 'utf8') };
}

describe.skipIf(!chromiumAvailable)('transcripts and the audit tab', () => {
  let desk: JwtDesk;
  const user = { id: 'user-copies', name: 'Dilnoza' };
  const agent = { id: 'admin-copies', name: 'Aziz' };
  const boss = { id: 'super-audits', name: 'Sardor' };

  beforeAll(async () => {
    desk = await startJwtDesk(user);
  });

  afterAll(async () => {
    await desk?.close();
  });

  it('the admin, the superadmin and the user each download their copy; the audit tab shows the chain', async () => {
    const { server, host } = desk;
    const shopCtx = await desk.newContext({
      viewport: { width: 360, height: 740 },
      acceptDownloads: true,
    });
    const shop = await shopCtx.newPage();
    await shop.goto(host.origin);
    const widget = shop.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    const box = widget.locator('textarea');
    await box.fill('Payment <b>failed</b>, card 4111 1111 1111 1111');
    await box.press('Enter');
    await widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();

    // The admin takes the chat and writes a note; their console shows no Audit tab.
    const admin = await desk.consoleAs(agent, 'admin', { downloads: true });
    const item = admin.page.locator('.chat-item', { hasText: user.name });
    await item.waitFor();
    const chatId = (await item.getAttribute('data-chat-id')) ?? '';
    const taken = await request(
      server,
      'POST /api/chats/assign',
      { body: { chatId, adminId: agent.id, adminName: agent.name } },
      admin.auth,
    );
    expect(taken.status).toBe(200);
    const note = await api(
      server,
      'POST',
      '/api/messages',
      {
        chatId,
        senderId: agent.id,
        senderType: 'admin',
        senderName: agent.name,
        content: 'Bank says 2 days',
        internal: true,
      },
      { headers: admin.auth },
    );
    expect(note.status).toBe(200);
    await admin.page.click('[data-tab=mine]');
    await admin.page.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
    const transcriptButton = admin.page.locator('[data-action=transcript-html]');
    await transcriptButton.waitFor();
    expect(await admin.page.locator('[role=tab]').count()).toBe(0);
    const adminCopy = await downloaded(admin.page, () => transcriptButton.click());
    expect(adminCopy.name).toBe(`transcript-${chatId}.html`);
    expect(adminCopy.text).toContain('Payment &lt;b&gt;failed&lt;/b&gt;, card 4111 11** **** 1111');
    expect(adminCopy.text).toContain('Bank says 2 days');
    expect(await seriousViolations(admin.page)).toEqual([]);

    const closed = await request(
      server,
      'PATCH /api/chats/:chatId/close',
      { params: { chatId } },
      admin.auth,
    );
    expect(succeeded(closed).chat.status).toBe('closed');

    // The superadmin: the Audit tab, newest first, and the JSON copy's hash is the newest's.
    const chief = await desk.consoleAs(boss, 'superadmin', { downloads: true });
    await chief.page.click('[data-tab=all]');
    await chief.page.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
    const auditTab = chief.page.locator('#chat-tab-audit');
    await auditTab.click();
    const rows = chief.page.locator('[data-testid=audit] tbody tr');
    await rows.nth(2).waitFor();
    const log = succeeded(
      await request(server, 'GET /api/audit', { query: { chatId } }, chief.auth),
    ).entries;
    expect(await rows.count()).toBe(log.length);
    expect(await rows.first().getAttribute('data-hash')).toBe(log[0]?.hash);
    expect(await rows.first().locator('code[title]').textContent()).toBe(
      `${log[0]?.hash.slice(0, 12)}…`,
    );
    expect(await rows.first().textContent()).toContain('chat.closed');
    expect(await seriousViolations(chief.page)).toEqual([]);
    // The arrow key goes back to the conversation.
    await auditTab.focus();
    await chief.page.keyboard.press('ArrowLeft');
    expect(await chief.page.locator('#chat-tab-conversation').getAttribute('aria-selected')).toBe(
      'true',
    );
    const chiefCopy = await downloaded(chief.page, () =>
      chief.page.locator('[data-action=transcript-json]').click(),
    );
    const transcript = JSON.parse(chiefCopy.text).transcript;
    expect(transcript.auditHash).toBe(log[0]?.hash);
    expect(transcript.notes.map((n: { content: string }) => n.content)).toEqual([
      'Bank says 2 days',
    ]);

    // The user's copy, from the widget's closed panel: the messages, never the note.
    const widgetButton = widget.locator('[data-action=transcript]');
    await widgetButton.waitFor();
    expect(await seriousViolations(shop)).toEqual([]);
    const userCopy = await downloaded(shop, () => widgetButton.click());
    expect(userCopy.text).toContain('card 4111 11** **** 1111');
    expect(userCopy.text).not.toContain('Bank says 2 days');
    expect(userCopy.text).toContain(`<code>${log[0]?.hash}</code>`);
    // A download that fails tells the customer to try again, not the browser's error.
    await shop.route('**/transcript**', (route) => route.abort());
    await widgetButton.click();
    const alert = widget.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.trim()).toBe('The transcript did not download. Try again.');
    await shop.unroute('**/transcript**');

    // The saved page, opened as a file would be: its own policy lets its one style apply
    // (the hash matches), and it is axe clean (axe is injected past the policy).
    const strict = await desk.newContext();
    const loose = await desk.newContext({ bypassCSP: true });
    const saved = await strict.newPage();
    await saved.setContent(userCopy.text);
    expect(await saved.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('768px');
    const audited = await loose.newPage();
    await audited.setContent(userCopy.text);
    expect(await seriousViolations(audited)).toEqual([]);
  }, 120_000);
});
