/**
 * Names and texts with Unicode's bidirectional controls are shown as written, isolated,
 * with the controls visible, in the console and the widget: U+202E in a name or a message
 * does not turn around the text after it (`invoice_\u202Efdp.exe` would read
 * `invoice_exe.pdf`). What is stored is not changed. The name comes from the days before
 * names refused the controls (an import from v2), so it is written into the store directly;
 * so is the customer's context, whose keys the user's backend chose.
 */
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { fetchHistory, fetchUserChats } from '../helpers/flows.js';
import { itemAt } from '../helpers/lists.js';
import { startTestServer, succeeded } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { freePort, type HostPage, openChatWithMessages, startHostPage } from './support.js';

const RLO = '\u202E';
const NAME = `Mallory${RLO}gnp.exe`;
const TEXT = `Your receipt: invoice_${RLO}fdp.exe, open it`;
const CTX_KEY = `plan${RLO}dlog`;

/**
 * Where every visible character under `el` is, in the order they are written: its line
 * (top edge) and left edge. Left-to-right text that nothing reorders goes rightwards on
 * each line, and down from line to line.
 */
function leftEdges(el: Locator): Promise<Array<[number, number]>> {
  return el.evaluate((root) => {
    const edges: Array<[number, number]> = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node;
      if (!(text instanceof Text)) continue;
      for (let i = 0; i < text.data.length; i++) {
        const range = document.createRange();
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width > 0) edges.push([Math.round(box.top), Math.round(box.left)]);
      }
    }
    return edges;
  });
}

const inWrittenOrder = (edges: Array<[number, number]>) =>
  edges.length > 0 &&
  edges.every(([top, left], i) => {
    const [prevTop, prevLeft] = edges[i - 1] ?? [top, left];
    return top > prevTop || (top === prevTop && left >= prevLeft);
  });

describe.skipIf(!chromiumAvailable)('bidirectional controls in names and texts', () => {
  let browser: Browser;
  let db: TestDatabase;
  let server: RunningServer;
  let host: HostPage;
  const contexts: BrowserContext[] = [];
  const user = { id: 'user-bidi', name: 'Placeholder' };

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    const [sqlite] = await storeTargets();
    if (!sqlite) throw new Error('no SQLite store target');
    db = await sqlite.create();
    if (db.config.kind !== 'sqlite') throw new Error('expected a SQLite file');
    const port = await freePort();
    const chatOrigin = `http://127.0.0.1:${port}`;
    host = await startHostPage(chatOrigin, { 'user-id': user.id, 'user-name': user.name }, 'en');
    const env = { PORT: String(port), CORS_ORIGIN: `${host.origin},${chatOrigin}` };
    server = await startTestServer(db.config, env);
    const { chatId } = await openChatWithMessages(server, user, [TEXT]);
    await server.close();
    const file = new Database(db.config.path);
    file
      .prepare('UPDATE chats SET userName = ?, ctx = ? WHERE id = ?')
      .run(NAME, JSON.stringify({ [CTX_KEY]: 'yes' }), chatId);
    file.prepare('UPDATE messages SET senderName = ? WHERE chatId = ?').run(NAME, chatId);
    file.close();
    server = await startTestServer(db.config, env);
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await server?.close();
    await host?.close();
    await db?.drop();
  });

  it('the console shows the name and text as written, and stores them unchanged', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${server.url}/console`);
    await page.fill('input[name=id]', 'admin-bidi');
    await page.click('button[type=submit]');
    const item = page.locator('.chat-item', { hasText: 'Mallory' });
    await item.waitFor();

    const name = item.locator('.chat-item__name');
    expect(await name.textContent()).toBe('Mallory[U+202E]gnp.exe');
    expect(inWrittenOrder(await leftEdges(name)), 'the name in the list').toBe(true);
    // Isolated: what a page writes after a name keeps its own order, whatever the name holds.
    expect(await name.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe('isolate');
    const preview = item.locator('.chat-item__preview');
    expect(await preview.textContent()).toBe('Your receipt: invoice_[U+202E]fdp.exe, open it');
    expect(inWrittenOrder(await leftEdges(preview)), 'the preview in the list').toBe(true);

    await item.click();
    const message = page.locator('.msg[data-seq="1"]');
    await message.waitFor();
    expect(inWrittenOrder(await leftEdges(message.locator('.msg__text'))), 'the text').toBe(true);
    expect(inWrittenOrder(await leftEdges(message.locator('.msg__sender'))), 'the sender').toBe(
      true,
    );
    expect(inWrittenOrder(await leftEdges(page.locator('#chat-title'))), 'the title').toBe(true);
    const key = page.locator('[data-testid=customer] dt');
    expect(await key.textContent()).toBe('plan[U+202E]dlog');
    expect(inWrittenOrder(await leftEdges(key)), "the context's key").toBe(true);

    // Shown differently, stored as written.
    const stored = await fetchUserChats(server, user.id);
    const chat = itemAt(succeeded(stored).chats, 0);
    expect(chat.userName).toBe(NAME);
    const history = await fetchHistory(server, chat._id);
    expect(succeeded(history).messages[0]?.content).toBe(TEXT);
  });

  it('the widget shows the text as written', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const shop = await ctx.newPage();
    await shop.goto(host.origin);
    const widget = shop.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    const text = widget.locator('.msg[data-seq="1"] .msg__text');
    await text.waitFor();
    expect(await text.textContent()).toBe('Your receipt: invoice_[U+202E]fdp.exe, open it');
    expect(inWrittenOrder(await leftEdges(text))).toBe(true);
  });
});
