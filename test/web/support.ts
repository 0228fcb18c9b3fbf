/** Pieces of the browser scenario: the host page server, waiting, reading the UIs. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { request, startTestServer, succeeded } from '../helpers/server.js';
import { ensureWebBuilt } from './build.js';
import { launchChromium } from './chromium.js';

// One port picker for every test: below the kernel's range for outgoing connections, so
// a server restarted on its port (the e2e scenario) gets it back.
export { freePort } from '../helpers/processes.js';

export interface HostPage {
  origin: string;
  close(): Promise<void>;
}

/** Styles a careless host page might have: they must not break the widget. */
const HOSTILE_CSS = `
* { box-sizing: content-box; font-size: 28px; line-height: 3; letter-spacing: 2px; }
div, section, button, textarea, p, ol, li { border: 4px dashed #c00; padding: 12px; margin: 6px;
  background: #ff0; color: #c00; display: block; }
fastorika-chat { position: static; right: auto; bottom: auto; }
button { visibility: visible; }
`;

/**
 * The admin panel's side of the console handover: the token once the console is ready, a
 * fresh one when it asks (when the test gave the page \`mintToken\`); every message the
 * console posts is kept in \`fromConsole\`.
 */
const ADMIN_PANEL_JS = `
const chatOrigin = document.currentScript.dataset.chatOrigin;
const token = decodeURIComponent(location.hash.slice(1));
window.fromConsole = [];
window.addEventListener('message', (e) => {
  if (e.origin !== chatOrigin || !e.data) return;
  window.fromConsole.push(e.data);
  const reply = (t) => e.source.postMessage({ type: 'fastorika:token', token: t }, chatOrigin);
  if (e.data.type === 'fastorika:ready') reply(token);
  if (e.data.type === 'fastorika:token-expired' && window.mintToken) window.mintToken().then(reply);
});
`;

/**
 * A second HTTP server on another port (another origin): a shop page that embeds the
 * widget with one script tag, under its own CSP that allows the chat server and nothing
 * inline.
 */
export async function startHostPage(
  chatOrigin: string,
  attributes: Record<string, string>,
  lang: string,
): Promise<HostPage> {
  const chatWs = chatOrigin.replace(/^http/, 'ws');
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` data-${k}="${v.replace(/"/g, '&quot;')}"`)
    .join('');
  const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>Shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/shop.css"></head>
<body><h1>Shop</h1><p>Your order #1234</p>
<script src="${chatOrigin}/widget.js"${attrs}></script></body></html>`;
  // An admin panel that frames the console and hands it the token (from its own URL
  // fragment here; a real panel has it from its session) once the console is ready.
  const adminPanel = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Admin panel</title></head>
<body><h1>Admin panel</h1><iframe title="Support console" src="${chatOrigin}/console" width="1200" height="700"></iframe>
<script src="/admin-panel.js" data-chat-origin="${chatOrigin}"></script></body></html>`;
  const panelCsp = `default-src 'self'; frame-src ${chatOrigin}; script-src 'self'`;
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${chatOrigin}`,
    `connect-src 'self' ${chatOrigin} ${chatWs}`,
    "style-src 'self'",
    // Attachments' thumbnails and images come from the chat server.
    `img-src 'self' ${chatOrigin}`,
  ].join('; ');
  const server: Server = createServer((req, res) => {
    if (req.url === '/shop.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(HOSTILE_CSS);
      return;
    }
    if (req.url === '/admin-panel') {
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': panelCsp,
        })
        .end(adminPanel);
      return;
    }
    if (req.url === '/admin-panel.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(ADMIN_PANEL_JS);
      return;
    }
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
      })
      .end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `[seq, text]` of every stored message shown, in screen order. */
export function shownMessages(scope: Page | Locator): Promise<Array<[number, string]>> {
  return scope
    .locator('.msg[data-seq]')
    .evaluateAll((els) =>
      els.map((el): [number, string] => [
        Number(el.getAttribute('data-seq')),
        el.querySelector('.msg__text')?.textContent ?? '',
      ]),
    );
}

export async function textsInOrder(scope: Page | Locator): Promise<string[]> {
  const shown = await shownMessages(scope);
  return shown.map(([, text]) => text);
}

/** Every message once, `seq` 1..n in order, with exactly these texts. */
export async function showsExactly(scope: Page | Locator, texts: string[]): Promise<boolean> {
  const shown = await shownMessages(scope);
  return (
    shown.length === texts.length &&
    shown.every(([seq, text], i) => seq === i + 1 && text === texts[i])
  );
}

/** Accessibility (axe-core): the serious and critical violations, one line each. */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * The steps a long scenario has passed, with the seconds each took: printed when the test
 * fails, so a timeout on a loaded CI machine names the step that was slow or stuck.
 */
export function stepTrail(): { step(name: string): void; report(): string } {
  const started = Date.now();
  const steps: Array<{ name: string; at: number }> = [];
  return {
    step(name) {
      steps.push({ name, at: Date.now() });
    },
    report() {
      const lines = steps.map((s, i) => {
        const end = steps[i + 1]?.at ?? Date.now();
        return `  ${((s.at - started) / 1000).toFixed(1)} s  ${s.name} (${((end - s.at) / 1000).toFixed(1)} s${steps[i + 1] ? '' : ', unfinished'})`;
      });
      return `steps passed:\n${lines.join('\n')}`;
    },
  };
}

/** A close that never ends would hold the test's SQLite file: say so instead of hanging. */
export async function closeWithin(what: string, close: () => Promise<void>, ms = 20_000) {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      close(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not close within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A Chromium and a server on an in-memory SQLite store (`env` set) for the tests of the
 * `describe` that calls it: started before them, closed after. Read both inside the tests.
 */
export function browserAndServer(env: Record<string, string> = {}): {
  readonly browser: Browser;
  readonly server: RunningServer;
} {
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, env);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (read it inside a test)`);
    return value;
  };
  return {
    get browser() {
      return started(browser, 'the browser');
    },
    get server() {
      return started(server, 'the server');
    },
  };
}

/** A customer, as the REST calls that write for them name them. */
export interface Customer {
  id: string;
  name: string;
}

/**
 * A customer's chat opened over REST with `contents` posted in it as their messages, in
 * order (failing on any refusal): the queue most tests start from. `say` posts one more.
 * `headers` carry the customer's token where the server wants one.
 */
export async function openChatWithMessages(
  server: { url: string },
  customer: Customer,
  contents: readonly string[],
  headers: Record<string, string> = {},
) {
  const { chat } = succeeded(
    await request(
      server,
      'POST /api/chats',
      { body: { userId: customer.id, userName: customer.name } },
      headers,
    ),
  );
  const say = async (content: string) => {
    const sent = await request(
      server,
      'POST /api/messages',
      {
        body: {
          chatId: chat._id,
          senderId: customer.id,
          senderType: 'user',
          senderName: customer.name,
          content,
        },
      },
      headers,
    );
    return succeeded(sent).message;
  };
  const messages = [];
  for (const content of contents) messages.push(await say(content));
  return { chatId: chat._id, messages, say };
}
