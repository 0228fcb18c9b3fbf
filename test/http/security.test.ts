import { Writable } from 'node:stream';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer } from '../../src/server.js';
import { api, startTestServer, testConfig } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';

const memory = { kind: 'sqlite' as const, path: ':memory:' };

describe('HTTP hardening', () => {
  it('sets security headers on API responses', async () => {
    const server = await startTestServer(memory);
    try {
      const res = await api(server, 'GET', '/api/chats/waiting');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('x-powered-by')).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('the API docs page does not send the browser to https: it works over plain HTTP on any host', async () => {
    const server = await startTestServer(memory);
    try {
      const res = await fetch(`${server.url}/docs/`, { headers: { host: 'chat.internal:3000' } });
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).not.toMatch(/upgrade-insecure-requests/);
    } finally {
      await server.close();
    }
  });

  it('the API docs page does not keep a pasted token (no persistAuthorization)', async () => {
    const server = await startTestServer(memory);
    try {
      const page = await (await fetch(`${server.url}/docs/`)).text();
      const script = page.match(/src="([^"]*swagger-initializer\.js)"/)?.[1];
      expect(script).toBeTruthy();
      const initializer = await (await fetch(new URL(script ?? '', `${server.url}/docs/`))).text();
      // Run the served initializer with a stand-in Swagger UI that records its options.
      const given: Array<Record<string, unknown>> = [];
      const bundle = Object.assign(
        (options: Record<string, unknown>) => {
          given.push(options);
          return { initOAuth: () => {} };
        },
        { presets: { apis: {} }, plugins: { DownloadUrl: {} } },
      );
      const window: { onload?: () => void; location: { href: string } } = {
        location: { href: `${server.url}/docs/` },
      };
      runInNewContext(initializer, {
        window,
        document: {
          createElement: () => ({ href: '' }),
          querySelector: () => ({ appendChild: () => {} }),
        },
        SwaggerUIBundle: bundle,
        SwaggerUIStandalonePreset: {},
      });
      window.onload?.();
      expect(given).toHaveLength(1);
      expect(given[0]?.persistAuthorization).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('CORS_ORIGIN lists exact origins for REST and for the WebSocket handshake', async () => {
    const server = await startTestServer(memory, {
      CORS_ORIGIN: 'https://app.example,https://admin.example',
    });
    try {
      const preflight = (origin: string) =>
        fetch(`${server.url}/api/chats`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
      expect(
        (await preflight('https://admin.example')).headers.get('access-control-allow-origin'),
      ).toBe('https://admin.example');
      expect(
        (await preflight('https://evil.example')).headers.get('access-control-allow-origin'),
      ).toBeNull();

      const allowed = await connectClient(server.url, {
        extraHeaders: { origin: 'https://app.example' },
      });
      expect(allowed.socket.connected).toBe(true);
      allowed.close();
      await expect(
        connectClient(server.url, { extraHeaders: { origin: 'https://evil.example' } }),
      ).rejects.toThrow();
      // A page the server itself serves (the console) is same-origin, listed or not.
      const own = await connectClient(server.url, {
        extraHeaders: { origin: server.url.replace('127.0.0.1', 'localhost') },
      }).catch((err: Error) => err);
      expect(own).toBeInstanceOf(Error); // a different host is another origin
      const same = await connectClient(server.url, { extraHeaders: { origin: server.url } });
      expect(same.socket.connected).toBe(true);
      same.close();
      // Non-browser clients send no Origin and are not a cross-site risk.
      const native = await connectClient(server.url);
      expect(native.socket.connected).toBe(true);
      native.close();
    } finally {
      await server.close();
    }
  });

  it('a session opened without an Origin is not upgraded, nor polled, by a page of an unlisted site', async () => {
    const server = await startTestServer(memory, { CORS_ORIGIN: 'https://app.example' });
    try {
      const base = `${server.url}/socket.io/?EIO=4`;
      const open = async () => {
        const body = await (await fetch(`${base}&transport=polling`)).text();
        return (JSON.parse(body.slice(1)) as { sid: string }).sid;
      };
      const upgrade = (sid: string, origin: string) =>
        new Promise<string>((resolve) => {
          const url = `${base.replace('http', 'ws')}&transport=websocket&sid=${sid}`;
          const ws = new WebSocket(url, { headers: { origin } });
          ws.on('open', () => {
            ws.close();
            resolve('open');
          });
          ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
          ws.on('error', () => resolve('error'));
        });
      expect(await upgrade(await open(), 'https://evil.example')).toBe('refused 400');
      // A poll carrying a frame (a POST answers at once; a GET would wait for data).
      const post = async (headers: Record<string, string>) =>
        (
          await fetch(`${base}&transport=polling&sid=${await open()}`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', ...headers },
            body: '40',
          })
        ).status;
      expect(await post({ origin: 'https://evil.example' })).toBe(400);
      // The listed site, and no Origin at all (not a page), go through.
      expect(await upgrade(await open(), 'https://app.example')).toBe('open');
      expect(await post({})).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('warns at start about AUTH_MODE=none and about CORS_ORIGIN=* in production', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = testConfig(memory, {
      NODE_ENV: 'production',
      AUTH_MODE: 'none',
      ALLOW_INSECURE_AUTH: 'true',
    });
    const server = await startServer(config, { logger: pino({ level: 'warn' }, sink) });
    await server.close();
    const warnings = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40);
    expect(warnings.map((w) => w.msg)).toEqual([
      expect.stringMatching(/AUTH_MODE=none/),
      expect.stringMatching(/CORS_ORIGIN=\*/),
    ]);
  });
});
