/**
 * Attachments in the browser, the widget over WebSocket and over long-polling only: a user on a shop
 * page (another origin) attaches a PNG before their first message with the file input,
 * then pastes one (a screenshot on the clipboard, Ctrl+V); the console shows both thumbnails live and
 * opens one full size in a dialog, from the keyboard. An HTML file named `.png` and a file
 * over the served limit are refused in the user's language; a PDF the agent drops on the
 * chat shows in the widget as a link with its name and size in the user's units. The
 * WebSocket run signs everyone in with tokens (AUTH_MODE=jwt), the polling run without.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { formatSize } from '../../web/shared/attachments.js';
import { isolated } from '../../web/shared/bidi.js';
import { common } from '../../web/shared/i18n/common.js';
import { type Lang, translator } from '../../web/shared/i18n/index.js';
import { startTestServer } from '../helpers/server.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { ensureWebBuilt } from './build.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { type HostPage, seriousViolations, startHostPage, until } from './support.js';

interface Run {
  /** The widget's (the console keeps WebSocket first, as it always does). */
  transport: 'websocket' | 'polling';
  /** The widget's language: the refusals must be said in it. */
  lang: Lang;
  /** With jwt, uploads carry the token (a CORS preflight from the shop); with none, v2's fields. */
  auth: 'jwt' | 'none';
}

const RUNS: Run[] = [
  { transport: 'websocket', lang: 'ru', auth: 'jwt' },
  { transport: 'polling', lang: 'uz', auth: 'none' },
];

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const png = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();

/** Whether an <img> has loaded (its bytes came and decoded), and its natural width. */
const loadedWidth = (img: Locator) =>
  img.evaluate((el) => (el instanceof HTMLImageElement && el.complete ? el.naturalWidth : 0));

/** What the shared attachment rules decide about a thumbnail button and its image. */
function looks(image: Locator) {
  return image.evaluate((el) => {
    const box = getComputedStyle(el);
    const img = el.querySelector('img');
    const inner = img ? getComputedStyle(img) : undefined;
    return {
      border: `${box.borderTopWidth} ${box.borderTopStyle} ${box.borderTopColor}`,
      radius: box.borderTopLeftRadius,
      cursor: box.cursor,
      background: box.backgroundColor,
      imageMaxHeight: inner?.maxHeight,
      imageMaxWidth: inner?.maxWidth,
    };
  });
}

describe.skipIf(!chromiumAvailable)('attachments in the widget and the console', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const servers: RunningServer[] = [];
  const hosts: HostPage[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    for (const host of hosts) await host.close();
    for (const server of servers) await server.close();
  });

  async function newPage(width: number, height: number): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width, height } });
    contexts.push(ctx);
    return ctx.newPage();
  }

  it.each(RUNS)(
    'a PNG from the widget (picked, then pasted) reaches the console over $transport',
    async (run) => {
      const server = await startTestServer(
        { kind: 'sqlite', path: ':memory:' },
        run.auth === 'jwt' ? JWT_ENV : {},
      );
      servers.push(server);
      const user = { id: `user-attach-${run.transport}`, name: 'Dilnoza' };
      const agentId = `anna-${run.transport}`;
      const who: Record<string, string> =
        run.auth === 'jwt'
          ? { token: await signToken(user.id, 'user', user.name) }
          : { 'user-id': user.id, 'user-name': user.name };
      const host = await startHostPage(server.url, { ...who, transports: run.transport }, run.lang);
      hosts.push(host);
      const t = translator(common, run.lang);

      const agent = await newPage(1280, 800);
      if (run.auth === 'jwt') {
        const token = await signToken(agentId, 'admin', 'Anna');
        await agent.goto(`${server.url}/console?lang=en#token=${token}`);
        await agent.click('[data-handover=accept]');
      } else {
        await agent.goto(`${server.url}/console?lang=en`);
        await agent.fill('input[name=name]', 'Anna');
        await agent.fill('input[name=id]', agentId);
        await agent.click('button[type=submit]');
      }
      await agent.locator('.topbar__connection[data-connection=online]').waitFor();

      // The user opens the widget and attaches a receipt before writing anything.
      const shop = await newPage(360, 740);
      let websockets = 0;
      shop.on('websocket', () => {
        websockets += 1;
      });
      await shop.goto(host.origin);
      const widget = shop.locator('fastorika-chat');
      await widget.locator('button.launcher').click();
      const box = widget.locator('textarea');
      await box.waitFor();
      const fileInput = widget.locator('input[type=file]');
      // The input is labelled, and says which types it takes (a hint for the picker).
      expect(
        await fileInput.evaluate((el) =>
          el instanceof HTMLInputElement ? el.labels?.[0]?.textContent : undefined,
        ),
      ).toBe(t('attach'));
      expect(await fileInput.getAttribute('accept')).toContain('image/png');
      const receipt = await png(800, 600, '#3366cc');
      await fileInput.setInputFiles({
        name: 'receipt.png',
        mimeType: 'image/png',
        buffer: receipt,
      });
      await widget.locator('.composer__attachment[data-state=ready]').waitFor();
      expect(await widget.getByTestId('upload-status').textContent()).toBe(
        t('uploadReady', { name: isolated('receipt.png') }),
      );
      await box.fill('My receipt');
      await box.press('Enter');
      const first = widget.locator('.msg[data-seq="1"]');
      await first.locator('.msg__image img').waitFor();
      expect(await first.locator('.msg__text').textContent()).toBe('My receipt');
      await until(
        'the widget shows its own thumbnail',
        async () => (await loadedWidth(first.locator('.msg__image img'))) > 0,
      );
      expect(await widget.locator('.composer__attachment').count()).toBe(0);

      // The console: the chat arrives with the thumbnail, which opens full size.
      const item = agent.locator('.chat-item', { hasText: user.name });
      await item.click();
      const thumb = agent.locator('.msg[data-seq="1"] .msg__image');
      await thumb.waitFor();
      await until('the console loads the thumbnail', async () => {
        const width = await loadedWidth(thumb.locator('img'));
        return width > 0 && width <= 320;
      });
      expect(await thumb.getAttribute('aria-label')).toBe(
        `Open ${isolated('receipt.png')} full size`,
      );
      // One stylesheet for both (web/shared/ui/attachments.css): the thumbnail looks the same.
      expect(await looks(thumb)).toEqual(await looks(first.locator('.msg__image')));
      expect((await looks(thumb)).border).toBe('1px solid rgb(209, 213, 219)');
      await thumb.focus();
      await agent.keyboard.press('Enter');
      const viewer = agent.locator('dialog.viewer[open]');
      await viewer.waitFor();
      await until(
        'the full-size image loads',
        async () => (await loadedWidth(viewer.locator('img.viewer__image'))) === 800,
      );
      expect(await viewer.locator('a.viewer__open').getAttribute('target')).toBe('_blank');
      await agent.keyboard.press('Escape');
      await viewer.waitFor({ state: 'detached' });
      expect(await thumb.evaluate((el) => el === document.activeElement)).toBe(true);

      // A screenshot pasted with Ctrl+V is uploaded and sent alone (no caption); the
      // console, which is showing the chat, gets it live.
      // A phone's screenshot: tall.
      const screenshot = await png(720, 1600, '#cc6633');
      // The screenshot on the system clipboard, as a screenshot tool leaves it; then Ctrl+V.
      await shop.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: host.origin,
      });
      await shop.evaluate(
        async (bytes) => {
          const blob = new Blob([new Uint8Array(bytes)], { type: 'image/png' });
          await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
        },
        [...screenshot],
      );
      await box.focus();
      await shop.keyboard.press('Control+V');
      await widget.locator('.composer__attachment[data-state=ready]').waitFor();
      await box.press('Enter');
      await widget.locator('.msg[data-seq="2"] .msg__image img').waitFor();
      const pasted = agent.locator('.msg[data-seq="2"] .msg__image img');
      await pasted.waitFor();
      await until(
        'the console loads the pasted screenshot',
        async () => (await loadedWidth(pasted)) > 0,
      );
      expect(await agent.locator('.msg[data-seq="2"] .msg__text').count()).toBe(0);
      // Shown in its own proportions, 240 px high (it was stretched to 240 × 240), in both.
      for (const img of [pasted, widget.locator('.msg[data-seq="2"] .msg__image img')]) {
        const box = await img.boundingBox();
        expect(box?.height).toBeCloseTo(240, 0);
        expect(box?.width).toBeCloseTo((720 * 240) / 1600, 0);
      }
      expect(await seriousViolations(agent, '.chat')).toEqual([]);

      // A thumbnail whose link the server refuses (expired, or signed with another node's
      // secret) says so in the user's language and links to the file, not an empty box.
      const shown = first.locator('.msg__image img');
      await shown.evaluate((img) => {
        if (img instanceof HTMLImageElement) img.src = `${img.src}0`;
      });
      const unavailable = first.locator('.msg__file--unavailable');
      await unavailable.waitFor();
      expect(await unavailable.locator('[role=status]').textContent()).toBe(
        t('imageUnavailable', { name: isolated('receipt.png') }),
      );
      expect(await unavailable.getAttribute('href')).toMatch(/^http.*\/api\/attachments\//);

      // An HTML file named .png is refused by the server, said in the user's language.
      const html = Buffer.from('<!doctype html><script>alert(1)</script>');
      await fileInput.setInputFiles({ name: 'statement.png', mimeType: 'image/png', buffer: html });
      const problem = widget.locator('.composer__attachment[data-state=failed] [role=alert]');
      await problem.waitFor();
      expect(await problem.textContent()).toBe(
        t('attachWrongType', { name: isolated('statement.png') }),
      );
      // A file over the served limit (10 MiB) is refused before it is sent.
      const big = Buffer.alloc(10 * 1024 * 1024 + 1, 65);
      await fileInput.setInputFiles({ name: 'huge.txt', mimeType: 'text/plain', buffer: big });
      await until(
        'the too-large file is refused',
        async () =>
          (await problem.textContent()) ===
          t('attachTooLarge', {
            name: isolated('huge.txt'),
            max: formatSize(10 * 1024 * 1024, run.lang, t),
          }),
      );
      await widget.locator('.composer__cancel').click();
      expect(await widget.locator('.composer__attachment').count()).toBe(0);
      expect(await seriousViolations(shop, 'fastorika-chat')).toEqual([]);

      // The agent takes the chat and drops a PDF on it: the user sees its name and size.
      await agent.click('.chat__actions [data-action=take]');
      await agent.locator('#reply').waitFor();
      const dropped = await agent.evaluateHandle(
        (bytes) => {
          const data = new DataTransfer();
          data.items.add(
            new File([new Uint8Array(bytes)], 'statement.pdf', { type: 'application/pdf' }),
          );
          return data;
        },
        [...PDF],
      );
      const history = agent.locator('.chat .messages');
      await history.dispatchEvent('dragenter', { dataTransfer: dropped });
      await agent.locator('.chat--drop .dropzone').waitFor();
      await history.dispatchEvent('drop', { dataTransfer: dropped });
      await agent.locator('.composer__attachment[data-state=ready]').waitFor();
      expect(await agent.locator('.dropzone').count()).toBe(0);
      await agent.locator('#reply').press('Enter');
      const link = widget.locator('.msg[data-seq="3"] a.msg__file--attachment');
      await link.waitFor();
      expect(await link.locator('.msg__file-name').textContent()).toBe('statement.pdf');
      expect(await link.locator('.msg__file-size').textContent()).toBe(
        formatSize(PDF.length, run.lang, t),
      );
      expect(await link.getAttribute('href')).toMatch(
        new RegExp(`^${server.url}/api/attachments/[0-9a-f]{24}\\?exp=\\d+&sig=`),
      );
      await agent.locator('.msg[data-seq="3"] a.msg__file--attachment').waitFor();

      if (run.transport === 'polling') expect(websockets).toBe(0);
      else expect(websockets).toBeGreaterThan(0);
    },
    120_000,
  );

  it('shows an upload going, announces it, and cancels it from the keyboard', async () => {
    const server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
    servers.push(server);
    const host = await startHostPage(
      server.url,
      { 'user-id': 'user-cancel', 'user-name': 'Aziz' },
      'en',
    );
    hosts.push(host);
    const t = translator(common, 'en');
    const shop = await newPage(360, 740);
    await shop.goto(host.origin);
    const widget = shop.locator('fastorika-chat');
    await widget.locator('button.launcher').click();
    await widget.locator('textarea').waitFor();
    // A slow uplink (64 KB/s): a 2 MB file takes half a minute.
    const cdp = await shop.context().newCDPSession(shop);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 64 * 1024,
    });
    const receipt = await png(1600, 1200, '#118844');
    const padded = Buffer.concat([receipt, Buffer.alloc(2 * 1024 * 1024 - receipt.length)]);
    await widget
      .locator('input[type=file]')
      .setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: padded });
    const progress = widget.locator('.composer__attachment[data-state=uploading] progress');
    await progress.waitFor();
    expect(await progress.getAttribute('aria-label')).toBe(
      t('uploading', { name: isolated('scan.png') }),
    );
    expect(await widget.getByTestId('upload-status').textContent()).toBe(
      t('uploading', { name: isolated('scan.png') }),
    );
    await until(
      'some of it is sent',
      async () =>
        Number(
          await progress.evaluate((el) => (el instanceof HTMLProgressElement ? el.value : 0)),
        ) > 0,
    );
    expect(await widget.locator('button.composer__send').isDisabled()).toBe(true);
    const cancel = widget.locator('button.composer__cancel');
    expect(await cancel.getAttribute('aria-label')).toBe(t('cancelUpload'));
    await cancel.focus();
    await shop.keyboard.press('Enter');
    await widget.locator('.composer__attachment').waitFor({ state: 'detached' });
    expect(await widget.getByTestId('upload-status').textContent()).toBe('');
    expect(
      await widget.locator('textarea').evaluate((el) => {
        const root = el.getRootNode();
        return (
          (root instanceof ShadowRoot || root instanceof Document) && el === root.activeElement
        );
      }),
    ).toBe(true);
  }, 60_000);
});
