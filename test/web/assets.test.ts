/**
 * How the console and widget are served: cache headers, the console's strict CSP, the
 * widget's cross-origin loading, and the size budgets (gzipped, measured on the build).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';
import { JWT_ENV } from '../helpers/tokens.js';
import { ensureWebBuilt, WEB_DIST } from './build.js';

const KB = 1024;
const manifest = () =>
  JSON.parse(readFileSync(join(WEB_DIST, 'manifest.json'), 'utf8')) as {
    console: { js: string; css: string; chunks: string[]; lazyChunks: string[] };
    widget: { js: string };
  };
const gzipped = (file: string) => gzipSync(readFileSync(join(WEB_DIST, file)), { level: 9 }).length;

describe('web assets', () => {
  let server: RunningServer;
  beforeAll(async () => {
    await ensureWebBuilt();
    server = await startTestServer(
      { kind: 'sqlite', path: ':memory:' },
      {
        CORS_ORIGIN: 'https://app.example,https://admin.example',
        CONSOLE_PARENT_ORIGINS: 'https://admin.example',
      },
    );
  });
  afterAll(() => server?.close());

  it('fits the size budgets: widget ≤ 40 KB and console ≤ 150 KB gzipped, Reports included', () => {
    const m = manifest();
    const widget = gzipped('widget.js') + gzipped(`assets/${m.widget.js}`);
    const sum = (files: string[]) => files.reduce((n, f) => n + gzipped(`assets/${f}`), 0);
    const opening = sum([m.console.js, m.console.css, ...m.console.chunks]);
    const reports = sum(m.console.lazyChunks);
    console.info(
      `web sizes (gzip -9): widget ${widget} of ${40 * KB} bytes incl. socket.io-client, console ${(opening / KB).toFixed(1)} KB on opening + ${(reports / KB).toFixed(1)} KB for Reports`,
    );
    expect(widget).toBeLessThanOrEqual(40 * KB);
    // Everything the console can load counts, the lazily loaded Reports page too.
    expect(opening + reports).toBeLessThanOrEqual(150 * KB);
  });

  it("leaves the console's own code out of the widget: the search's found message", () => {
    const m = manifest();
    const text = (file: string) => readFileSync(join(WEB_DIST, 'assets', file), 'utf8');
    const consoleCode = [m.console.js, ...m.console.chunks].map(text).join('');
    const widgetCode = text(m.widget.js);
    // Its marks, as the console's bundle has them (so their absence means something).
    for (const mark of ['data-found', 'scrollIntoView']) {
      expect(consoleCode, mark).toContain(mark);
      expect(widgetCode, mark).not.toContain(mark);
    }
  });

  it('bundles only the transports the pages name: polling and websocket, no WebTransport', () => {
    const m = manifest();
    for (const file of [m.widget.js, m.console.js, ...m.console.chunks, ...m.console.lazyChunks]) {
      const code = readFileSync(join(WEB_DIST, 'assets', file), 'utf8');
      expect(code.includes('new WebTransport('), file).toBe(false);
    }
    // The two it keeps, by their own marks (the polling request's header, the socket).
    const widget = readFileSync(join(WEB_DIST, 'assets', m.widget.js), 'utf8');
    expect(widget.includes('new XMLHttpRequest'), 'polling').toBe(true);
    expect(widget.includes('MozWebSocket'), 'websocket').toBe(true);
  });

  it("keeps of the contract's bounds only those the widget reads (LIMITS, one constant each)", () => {
    const widget = readFileSync(join(WEB_DIST, 'assets', manifest().widget.js), 'utf8');
    // The message box's length, as its value; bounds no widget code reads, by their names.
    expect(widget.includes('maxLength:1e4'), 'contentChars, inlined').toBe(true);
    for (const name of ['linkViewerChars', 'searchCursorChars', 'bodyBytes'])
      expect(widget.includes(name), name).toBe(false);
  });

  it("leaves out the Reports page's Uzbek month abbreviations, which the widget never reads", () => {
    const widget = readFileSync(join(WEB_DIST, 'assets', manifest().widget.js), 'utf8');
    expect(widget.includes('yanvar fevral'), 'the months it reads').toBe(true);
    expect(widget.includes('yan fev mar'), 'the abbreviations').toBe(false);
  });

  it("keeps the widget's catalogues together, within gzip's 32 KB window, ahead of the code", () => {
    const widget = readFileSync(join(WEB_DIST, 'assets', manifest().widget.js), 'utf8');
    // A string of each: common.ts, widget.ts, transcript.ts.
    const at = ['Enter sends, Shift+Enter', 'Open support chat', 'Download transcript'].map(
      (text) => widget.indexOf(text),
    );
    expect(Math.min(...at)).toBeGreaterThan(-1);
    expect(Math.max(...at) - Math.min(...at)).toBeLessThan(32 * KB);
    // Ahead of all code: before socket.io-client's (its WebSocket transport).
    expect(Math.max(...at)).toBeLessThan(widget.indexOf('MozWebSocket'));
  });

  it('writes class fields as the target browsers read them, not as helper calls', () => {
    const widget = readFileSync(join(WEB_DIST, 'assets', manifest().widget.js), 'utf8');
    // <fastorika-chat>'s own static field (element.tsx), as written.
    expect(widget.includes('static observedAttributes='), 'a class field as written').toBe(true);
  });

  it('loads uPlot only with the Reports page, and preloads what the console opens with', async () => {
    const m = manifest();
    const has = (file: string, text: string) =>
      readFileSync(join(WEB_DIST, 'assets', file), 'utf8').includes(text);
    // uPlot's own class names: in a lazy chunk, in nothing the console opens with.
    expect(m.console.lazyChunks.some((f) => has(f, 'u-cursor-x'))).toBe(true);
    expect([m.console.js, ...m.console.chunks].some((f) => has(f, 'u-cursor-x'))).toBe(false);
    const html = await (await fetch(`${server.url}/console`)).text();
    for (const chunk of m.console.chunks)
      expect(html).toContain(`<link rel="modulepreload" href="/assets/${chunk}" />`);
    const chunk = m.console.lazyChunks[0] ?? '';
    const res = await fetch(`${server.url}/assets/${chunk}`, {
      headers: { 'accept-encoding': 'br' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
  });

  it('serves /console with a strict CSP, no inline code, revalidated on every load', async () => {
    const res = await fetch(`${server.url}/console`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // Only the admin panel may frame it: the user-facing app is in CORS_ORIGIN, not here.
    expect(csp).toContain("frame-ancestors 'self' https://admin.example");
    expect(csp).not.toContain('https://app.example');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    const etag = res.headers.get('etag') ?? '';
    const again = await fetch(`${server.url}/console`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('sends /console/ and /widget/demo/ (a typed trailing slash) to the page, query kept', async () => {
    for (const [typed, page] of [
      ['/console/', '/console'],
      ['/console/?lang=uz', '/console?lang=uz'],
      ['/widget/demo/', '/widget/demo'],
    ] as const) {
      const res = await fetch(`${server.url}${typed}`, { redirect: 'manual' });
      expect(res.status, typed).toBe(308);
      expect(res.headers.get('location'), typed).toBe(page);
    }
    expect((await fetch(`${server.url}/console/`)).status).toBe(200);
  });

  it('tells the console the auth mode and both UIs the upload limit in JSON endpoints', async () => {
    const res = await api(server, 'GET', '/console/config.json');
    expect(res.body).toEqual({
      authMode: 'none',
      parentOrigins: ['https://admin.example'],
      attachmentMaxBytes: 10 * 1024 * 1024,
    });
    const widget = await fetch(`${server.url}/widget/config.json`, {
      headers: { origin: 'https://app.example' },
    });
    expect(await widget.json()).toEqual({ attachmentMaxBytes: 10 * 1024 * 1024 });
    expect(widget.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const jwt = await startTestServer({ kind: 'sqlite', path: ':memory:' }, JWT_ENV);
    try {
      expect((await api(jwt, 'GET', '/console/config.json')).body.authMode).toBe('jwt');
    } finally {
      await jwt.close();
    }
  });

  it('lets nothing but the console itself frame it when CONSOLE_PARENT_ORIGINS is unset', async () => {
    const bare = await startTestServer(
      { kind: 'sqlite', path: ':memory:' },
      { CORS_ORIGIN: 'https://app.example,https://admin.example' },
    );
    try {
      const res = await fetch(`${bare.url}/console`);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
      expect(res.headers.get('content-security-policy')).not.toMatch(/https:\/\/\w+\.example/);
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect((await api(bare, 'GET', '/console/config.json')).body.parentOrigins).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('serves /widget.js briefly cached, and hashed assets immutable, to any origin', async () => {
    const loader = await fetch(`${server.url}/widget.js`);
    expect(loader.headers.get('content-type')).toContain('javascript');
    expect(loader.headers.get('cache-control')).toBe('public, max-age=300');
    expect(loader.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const { js } = manifest().widget;
    expect(await loader.text()).toContain(`assets/${js}`);

    const asset = await fetch(`${server.url}/assets/${js}`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(asset.headers.get('content-encoding')).toBe('gzip');

    const demo = await fetch(`${server.url}/widget/demo`);
    expect(demo.status).toBe(200);
    expect(await demo.text()).toContain('src="/widget.js"');

    const css = await fetch(`${server.url}/assets/${manifest().console.css}`);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${server.url}/assets/nope.js`)).status).toBe(404);
  });
});
