/**
 * The widget when the agent closes the chat: what was live in it goes with it. The
 * agent's "X is typing…" line, shown while they wrote, is gone at once (it stayed under
 * the rating prompt until its timer ran out, or for good when the agent kept typing).
 */
import { describe, expect, it } from 'vitest';
import { request, succeeded } from '../helpers/server.js';
import { browserAndServer, startHostPage } from './support.js';

describe('the widget when its chat is closed', () => {
  const ctx = browserAndServer();

  it('no longer says the agent is typing', { timeout: 60_000 }, async () => {
    const { browser, server } = ctx;
    const customer = { id: 'user-closed-typing', name: 'Malika' };
    const host = await startHostPage(
      server.url,
      { 'user-id': customer.id, 'user-name': customer.name },
      'en',
    );
    const shop = await (
      await browser.newContext({ viewport: { width: 360, height: 740 } })
    ).newPage();
    shop.setDefaultTimeout(8000);
    await shop.goto(host.origin);
    const widget = shop.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    await widget.locator('textarea').fill('Where is my refund?');
    await widget.locator('textarea').press('Enter');
    await widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();

    const agent = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    agent.setDefaultTimeout(8000);
    await agent.goto(`${server.url}/console?lang=en`);
    await agent.fill('input[name=name]', 'Anna');
    await agent.fill('input[name=id]', 'anna-closed-typing');
    await agent.click('button[type=submit]');
    await agent.locator('.topbar__connection[data-connection=online]').waitFor();
    const item = agent.locator('.chat-item', { hasText: customer.name });
    const chatId = (await item.getAttribute('data-chat-id')) ?? '';
    await item.click();
    await agent.locator('[data-action=take]').click();
    await agent.locator('#reply').focus();
    await agent.keyboard.type('Let me check');
    const typing = widget.locator('.messages__typing');
    await typing.filter({ hasText: 'Anna is typing' }).waitFor();

    succeeded(
      await request(server, 'PATCH /api/chats/:chatId/close', {
        params: { chatId },
        body: { adminId: 'anna-closed-typing' },
      }),
    );
    await widget.locator('[data-testid=rating]').waitFor();
    expect(await typing.count()).toBe(0);
    await host.close();
  });
});
