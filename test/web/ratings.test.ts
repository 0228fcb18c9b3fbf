/**
 * CSAT in Chromium, against the real server: the agent closes the chat, the widget asks
 * the user for a rating, who gives it with the keyboard only (four stars, a comment,
 * Enter); the widget thanks them, and the superadmin's open console shows the rating live
 * in the chat view and in "All chats", with no reload. The user's token carries their
 * context, which the console shows beside the chat (never the widget). Both pages stay
 * axe clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, succeeded } from '../helpers/server.js';
import { chromiumAvailable } from './chromium.js';
import { type JwtDesk, startJwtDesk } from './jwt-desk.js';
import { seriousViolations } from './support.js';

describe.skipIf(!chromiumAvailable)('a rating given in the widget, shown in the console', () => {
  let desk: JwtDesk;
  const user = {
    id: 'user-rates',
    name: 'Malika',
    ctx: {
      email: 'malika@example.com',
      kyc: 'verified',
      recentTransactions: [
        { id: '88812734', amount: 120.5, currency: 'USD', status: 'failed', at: '2026-12-01' },
      ],
    },
  };
  const boss = { id: 'super-sees', name: 'Sardor' };

  beforeAll(async () => {
    desk = await startJwtDesk(user);
  });

  afterAll(async () => {
    await desk?.close();
  });

  it('the user rates with the keyboard; the console shows it live', async () => {
    const { server, host } = desk;
    const { page: agent, auth } = await desk.consoleAs(boss, 'superadmin');
    const shopCtx = await desk.newContext({ viewport: { width: 360, height: 740 } });
    const shop = await shopCtx.newPage();
    await shop.goto(host.origin);
    const widget = shop.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    const box = widget.locator('textarea');
    await box.fill('My refund arrived, thanks');
    await box.press('Enter');
    await widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();

    // The superadmin opens the chat from the queue, takes and closes it.
    const item = agent.locator('.chat-item', { hasText: user.name });
    await item.waitFor();
    const chatId = (await item.getAttribute('data-chat-id')) ?? '';
    await item.click();
    const customer = agent.locator('[data-testid=customer]');
    await customer.locator('td', { hasText: '88812734' }).waitFor();
    expect(await customer.textContent()).toContain('malika@example.com');
    expect(await widget.locator('.panel').textContent()).not.toContain('malika@example.com');
    const taken = await request(
      server,
      'POST /api/chats/assign',
      { body: { chatId, adminId: boss.id, adminName: boss.name, isSuperAdmin: true } },
      auth,
    );
    expect(taken.status).toBe(200);
    const closed = await request(
      server,
      'PATCH /api/chats/:chatId/close',
      { params: { chatId } },
      auth,
    );
    expect(succeeded(closed).chat.status).toBe('closed');

    // The widget asks; the user answers with the keyboard alone.
    const prompt = widget.locator('[data-testid=rating]');
    await prompt.waitFor();
    // Said once, beside the rating: the header no longer repeats it.
    const panel = (await widget.locator('.panel').textContent()) ?? '';
    expect(panel.split('This chat is closed.').length - 1).toBe(1);
    // A phone on its side: the closed chat's part scrolls inside the panel, where its
    // transcript and new-chat buttons were cut off below the panel's edge, out of reach.
    await shop.setViewportSize({ width: 800, height: 360 });
    const bottoms = await widget.locator('.panel').evaluate((el) => {
      const closedPart = el.querySelector('.panel__closed')?.getBoundingClientRect();
      return { panel: el.getBoundingClientRect().bottom, closed: closedPart?.bottom ?? -1 };
    });
    expect(bottoms.closed).toBeGreaterThan(0);
    expect(bottoms.closed).toBeLessThanOrEqual(bottoms.panel);
    await shop.setViewportSize({ width: 360, height: 740 });
    expect(await prompt.locator('legend').textContent()).toBe('How was your chat?');
    const send = prompt.locator('button[type=submit]');
    expect(await send.isDisabled()).toBe(true);
    await prompt.locator('input[type=radio]').first().focus();
    await shop.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await shop.keyboard.press('ArrowRight');
    expect(await prompt.locator('input[type=radio]:checked').getAttribute('aria-label')).toBe(
      '4 of 5',
    );
    expect(await prompt.locator('.rating__star--on').count()).toBe(4);
    await shop.keyboard.press('Tab');
    await shop.keyboard.type('Quick and kind');
    expect(await seriousViolations(shop)).toEqual([]);
    await shop.keyboard.press('Tab');
    await shop.keyboard.press('Enter');
    await widget.locator('[data-testid=rating-thanks]', { hasText: 'Thank you' }).waitFor();

    // The console shows it where the agent is, without a reload.
    const shown = agent.locator('.chat__who .rating[data-rating="4"]');
    await shown.waitFor();
    expect(await shown.textContent()).toContain('Quick and kind');
    expect(await shown.textContent()).toContain('Rated 4 of 5');
    await agent.click('[data-tab=all]');
    await agent.locator(`.chat-item[data-chat-id="${chatId}"] .rating[data-rating="4"]`).waitFor();
    expect(await seriousViolations(agent)).toEqual([]);

    const stored = await server.store.getChat(chatId);
    expect(stored?.rating).toMatchObject({ score: 4, comment: 'Quick and kind' });
  }, 120_000);
});
