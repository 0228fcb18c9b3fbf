/**
 * The desk at work, in Chromium against the real server: a user pastes a card number and a
 * transaction id into the widget; the agent takes the chat from the queue and sees the card
 * number masked (as stored: it was never kept in clear), the customer's context from the
 * user's token beside the chat, the chat's labels, and a colleague's internal note in its
 * place between the messages. The console's view is the README's picture of the desk
 * (docs/screenshots/desk.png, rewritten like the other screenshots: when missing or with
 * UPDATE_SCREENSHOTS=1).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, succeeded } from '../helpers/server.js';
import { bearer, signToken } from '../helpers/tokens.js';
import { chromiumAvailable } from './chromium.js';
import { type JwtDesk, startJwtDesk } from './jwt-desk.js';
import { seriousViolations } from './support.js';

const COMMITTED = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(join(COMMITTED, 'desk.png'))
    ? COMMITTED
    : join(tmpdir(), 'fastorika-screenshots');

const CARD = '4111 1111 1111 1111';
const MASKED = '4111 11** **** 1111';

describe.skipIf(!chromiumAvailable)('the desk at work', () => {
  let desk: JwtDesk;
  const user = {
    id: 'user-desk',
    name: 'Malika Karimova',
    ctx: {
      email: 'malika@example.com',
      kyc: 'verified',
      plan: 'Business',
      recentTransactions: [
        { id: '88812734', amount: 120.5, currency: 'USD', status: 'failed', at: '2026-12-04' },
        { id: '88812611', amount: 75, currency: 'USD', status: 'completed', at: '2026-12-02' },
      ],
    },
  };
  const anna = { id: 'anna-desk', name: 'Anna' };
  const lead = { id: 'lead-desk', name: 'Sardor' };

  beforeAll(async () => {
    desk = await startJwtDesk(user);
  });

  afterAll(async () => {
    await desk?.close();
  });

  it('the agent sees the card number masked, the customer, the labels and a note in place', {
    timeout: 120_000,
  }, async () => {
    const { server, host } = desk;
    const shopCtx = await desk.newContext({ viewport: { width: 360, height: 740 } });

    // The user writes from the shop's page, card number and all.
    const shop = await shopCtx.newPage();
    await shop.goto(host.origin);
    const widget = shop.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    const box = widget.locator('textarea');
    await box.fill(`My payment of $120.50 with card ${CARD} failed, transaction 88812734`);
    await box.press('Enter');
    // Masked before it was stored: the sender's own copy comes back masked.
    const first = widget.locator('.msg[data-seq="1"][data-state="sent"]');
    await first.waitFor();
    expect(await first.textContent()).toContain(MASKED);
    expect(await first.textContent()).not.toContain(CARD);

    const { page: agent, auth: annaAuth } = await desk.consoleAs(anna, 'admin');
    const item = agent.locator('.chat-item', { hasText: user.name });
    await item.waitFor();
    const chatId = (await item.getAttribute('data-chat-id')) ?? '';
    await item.click();
    await agent.click('.chat__actions [data-action=take]');
    await widget.locator('.notice', { hasText: `${anna.name} joined the chat` }).waitFor();

    // A colleague's note, the chat's labels and Anna's reply, over the API.
    const leadAuth = bearer(await signToken(lead.id, 'superadmin', lead.name)).headers;
    const note = await request(
      server,
      'POST /api/messages',
      {
        body: {
          chatId,
          senderId: lead.id,
          senderType: 'admin',
          senderName: lead.name,
          content: 'Risk team: 88812734 was declined by the issuer, not by us. Refund approved.',
          internal: true,
        },
      },
      leadAuth,
    );
    expect(note.status).toBe(200);
    const labelled = await request(
      server,
      'PUT /api/chats/:chatId/labels',
      { params: { chatId }, body: { labels: ['refund', 'card-declined'] } },
      annaAuth,
    );
    expect(succeeded(labelled).chat.labels).toEqual(['refund', 'card-declined']);
    const reply = agent.locator('#reply');
    await reply.fill(
      'Thank you, Malika. Your bank declined 88812734; we have started a refund of $120.50, it arrives in 3–5 days.',
    );
    await reply.press('Enter');
    await agent.locator('.msg[data-seq="2"]').waitFor();
    await widget.locator('.msg[data-seq="2"]', { hasText: 'started a refund' }).waitFor();

    // What the agent sees: masked number, the note in place, labels, the customer.
    const shownFirst = agent.locator('.msg[data-seq="1"] .msg__text');
    expect(await shownFirst.textContent()).toContain(MASKED);
    await agent.locator('.note', { hasText: 'Refund approved' }).waitFor();
    await agent.locator('.labels .chip[data-label=card-declined]').waitFor();
    await agent.click('[data-tab=mine]');
    await item.locator('.chip[data-label=refund]').waitFor();
    const customer = agent.locator('[data-testid=customer]');
    await customer.locator('td', { hasText: '88812734' }).waitFor();
    expect(await customer.textContent()).toContain('malika@example.com');
    // The widget never shows the note nor the context.
    expect(await widget.locator('.note').count()).toBe(0);
    expect(await widget.locator('.panel').textContent()).not.toContain('Risk team');
    expect(await widget.locator('.panel').textContent()).not.toContain('malika@example.com');
    expect(await seriousViolations(agent)).toEqual([]);

    mkdirSync(SCREENSHOTS, { recursive: true });
    await agent.screenshot({ path: join(SCREENSHOTS, 'desk.png') });
  });
});
