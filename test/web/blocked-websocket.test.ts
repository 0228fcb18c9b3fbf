/**
 * The widget connects where the network blocks WebSocket, with no attribute set: when the
 * page cannot even construct a WebSocket, and when a proxy refuses the upgrade. Where
 * WebSocket works, the session ends up on it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { startRefusingProxy } from './refusing-proxy.js';
import { freePort, type HostPage, startHostPage } from './support.js';

/** A browser, an extension or a locked-down WebView where `new WebSocket()` throws. */
const NO_WEBSOCKET = () => {
  window.WebSocket = class {
    constructor() {
      throw new DOMException('WebSockets are disabled here', 'SecurityError');
    }
  } as unknown as typeof WebSocket;
};

describe.skipIf(!chromiumAvailable)('the widget where WebSocket is blocked', () => {
  let browser: Browser;
  let server: RunningServer;
  let chatOrigin: string;
  const contexts: BrowserContext[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    const port = await freePort();
    chatOrigin = `http://127.0.0.1:${port}`;
    // The host pages' origins are not known yet: every origin may connect (the default).
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, { PORT: String(port) });
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    for (const close of closers) await close();
    await browser?.close();
    await server?.close();
  });

  async function hostPage(widgetOrigin: string, userId: string): Promise<HostPage> {
    const host = await startHostPage(
      widgetOrigin,
      { 'user-id': userId, 'user-name': `User ${userId}` },
      'en',
    );
    closers.push(() => host.close());
    return host;
  }

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 800, height: 800 } });
    contexts.push(ctx);
    return ctx.newPage();
  }

  /** The user writes, the message is stored; an agent answers and the widget shows it. */
  async function converses(page: Page, userId: string): Promise<void> {
    const widget = page.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    const box = widget.locator('textarea');
    await box.fill('Is anyone there?');
    await box.press('Enter');
    await widget.locator('.msg[data-seq="1"][data-state="sent"]').waitFor();
    const chats = await api(server, 'GET', `/api/chats/user/${userId}`);
    const chatId = (chats.body.chats as Array<{ _id: string }>)[0]?._id;
    expect(chatId).toBeTruthy();
    await api(server, 'POST', '/api/chats/assign', {
      chatId,
      adminId: 'agent-1',
      adminName: 'Agent',
    });
    const reply = await api(server, 'POST', '/api/messages', {
      chatId,
      senderId: 'agent-1',
      senderType: 'admin',
      senderName: 'Agent',
      content: 'Yes, here to help',
    });
    expect(reply.status).toBe(200);
    await widget.locator('.msg[data-seq="2"]', { hasText: 'Yes, here to help' }).waitFor();
    expect(await widget.locator('.banner[data-connection]').count()).toBe(0);
  }

  it('connects when the page cannot construct a WebSocket', async () => {
    const host = await hostPage(chatOrigin, 'no-ws-user');
    const page = await newPage();
    await page.addInitScript(NO_WEBSOCKET);
    await page.goto(host.origin);
    await converses(page, 'no-ws-user');
  }, 60_000);

  it('connects through a proxy that refuses the WebSocket upgrade', async () => {
    const proxy = await startRefusingProxy(chatOrigin);
    closers.push(() => proxy.close());
    // The page loads the widget through the proxy too: it is the only way to the server.
    const host = await hostPage(proxy.origin, 'proxied-user');
    const page = await newPage();
    await page.goto(host.origin);
    await converses(page, 'proxied-user');
    expect(proxy.refusedUpgrades()).toBeGreaterThan(0);
  }, 60_000);

  it('moves onto WebSocket where it works', async () => {
    const host = await hostPage(chatOrigin, 'open-network-user');
    const page = await newPage();
    const sentOverWebSocket: string[] = [];
    page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => {
        if (typeof frame.payload === 'string') sentOverWebSocket.push(frame.payload);
      });
    });
    await page.goto(host.origin);
    await converses(page, 'open-network-user');
    // The message went over the upgraded WebSocket, not a poll.
    expect(sentOverWebSocket.some((f) => f.includes('"send-message"'))).toBe(true);
  }, 60_000);
});
