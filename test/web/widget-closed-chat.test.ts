/**
 * The widget when the agent closes the chat: what was live in it goes with it. The
 * agent's "X is typing…" line, shown while they wrote, is gone at once (it stayed under
 * the rating prompt until its timer ran out, or for good when the agent kept typing). The
 * message box goes too: the keyboard that was in it moves to the sentence that says the
 * chat is closed, where it fell back to the host page's start; a keyboard on the host
 * page's own box stays there. Wherever the keyboard is, the closing is announced: the
 * sentence arrives in a live region that was there before it (a region inserted together
 * with its text may go unsaid).
 */
import type { ElementHandle, Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { request, succeeded } from '../helpers/server.js';
import { browserAndServer, startHostPage } from './support.js';

describe('the widget when its chat is closed', () => {
  const ctx = browserAndServer();
  type Person = { id: string; name: string };

  /** A shop's page on a phone with the widget of `customer`, closed. */
  async function openShop(customer: Person) {
    const host = await startHostPage(
      ctx.server.url,
      { 'user-id': customer.id, 'user-name': customer.name },
      'en',
    );
    const shop = await (
      await ctx.browser.newContext({ viewport: { width: 360, height: 740 } })
    ).newPage();
    shop.setDefaultTimeout(8000);
    await shop.goto(host.origin);
    return { host, shop, widget: shop.locator('fastorika-chat') };
  }

  /** The customer writes in a new chat; the agent takes it and, once sent, closes it. */
  async function writeAndBeClosed(
    widget: Locator,
    customer: Person,
    agent: { adminId: string; adminName: string },
    text: string,
    beforeClose: () => Promise<void>,
  ) {
    const { server } = ctx;
    const box = widget.locator('textarea');
    await box.fill(text);
    await box.press('Enter');
    await widget.locator('.msg[data-state="sent"]', { hasText: text }).waitFor();
    const { chats } = succeeded(
      await request(server, 'GET /api/chats/user/:userId', { params: { userId: customer.id } }),
    );
    const chatId = chats.find((c) => c.status !== 'closed')?._id ?? '';
    succeeded(await request(server, 'POST /api/chats/assign', { body: { chatId, ...agent } }));
    await beforeClose();
    succeeded(
      await request(server, 'PATCH /api/chats/:chatId/close', {
        params: { chatId },
        body: { adminId: agent.adminId },
      }),
    );
    await widget.locator('[data-testid=rating]').waitFor();
  }

  it('no longer says the agent is typing', { timeout: 60_000 }, async () => {
    const { browser, server } = ctx;
    const customer = { id: 'user-closed-typing', name: 'Malika' };
    const { host, widget } = await openShop(customer);
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

  it('moves the keyboard from the message box to the sentence that says the chat is closed', {
    timeout: 60_000,
  }, async () => {
    const customer = { id: 'user-closed-focus', name: 'Malika' };
    const { host, shop, widget } = await openShop(customer);
    const agent = { adminId: 'anna-closed-focus', adminName: 'Anna' };
    const chatClosedByAgent = (text: string, beforeClose: () => Promise<void>) =>
      writeAndBeClosed(widget, customer, agent, text, beforeClose);
    // Where the keyboard is: the host page's element, and the widget's inside it.
    const focused = () =>
      shop.evaluate(() => {
        const inWidget = document.activeElement?.shadowRoot?.activeElement;
        return {
          page: document.activeElement?.tagName.toLowerCase(),
          widget: inWidget ? `${inWidget.tagName.toLowerCase()} ${inWidget.textContent}` : null,
        };
      });

    await widget.locator('button.launcher').click();
    await chatClosedByAgent('Where is my refund?', async () => {
      expect(await focused()).toEqual({ page: 'fastorika-chat', widget: 'textarea ' });
    });
    await expect
      .poll(focused)
      .toEqual({ page: 'fastorika-chat', widget: 'p This chat is closed.' });

    // Typing in the host page's own box when the next chat closes: the keyboard stays there.
    await widget.locator('.panel__closed button', { hasText: 'Start a new chat' }).click();
    await chatClosedByAgent('And the second order?', async () => {
      await shop.evaluate(() => {
        const search = document.createElement('input');
        search.id = 'search';
        document.body.append(search);
        search.focus();
      });
    });
    // Past the frame in which the widget's effects run (Preact runs them after a paint).
    await shop.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
    );
    expect(await focused()).toEqual({ page: 'input', widget: null });
    await host.close();
  });
  it('announces the closing in a live region that was there before the chat closed', {
    timeout: 60_000,
  }, async () => {
    const customer = { id: 'user-closed-live', name: 'Malika' };
    const { host, shop, widget } = await openShop(customer);
    await widget.locator('button.launcher').click();
    const agent = { adminId: 'anna-closed-live', adminName: 'Anna' };
    let regions: ElementHandle[] = [];
    await writeAndBeClosed(widget, customer, agent, 'Where is my refund?', async () => {
      // The customer is reading the host page, not in the message box.
      await shop.evaluate(() => {
        const search = document.createElement('input');
        document.body.append(search);
        search.focus();
      });
      regions = await widget.locator('[role=status], [aria-live]').elementHandles();
    });
    expect(regions.length).toBeGreaterThan(0);
    // One of the regions that were there before the close, still in the page, says it.
    const said = async () => {
      const texts = await Promise.all(
        regions.map((r) => r.evaluate((el) => (el.isConnected ? el.textContent : null))),
      );
      return texts.includes('This chat is closed.');
    };
    await expect.poll(said).toBe(true);
    await host.close();
  });
});
