/**
 * Every refusal the server can be made to give answers with the status its code has in
 * the error catalogue (docs/errors.md): a client may branch on either and mean the same.
 * The requests below are the refusals a client can trigger without a running chat, from
 * the router, the body parser, the static files and authentication.
 */
import { readFileSync } from 'node:fs';
import { request, STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { LIMITS } from '../../src/schemas/shapes.js';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../helpers/server.js';
import { JWT_ENV } from '../helpers/tokens.js';
import { ensureWebBuilt, WEB_DIST } from '../web/build.js';

interface Probe {
  what: string;
  /** Sent as written: fetch would resolve `%2e%2e` before sending it. */
  path: string;
  init?: { method?: string; headers?: Record<string, string>; body?: string };
}

function send(base: string, probe: Probe): Promise<{ status: number; body: string }> {
  const { method = 'GET', headers = {}, body } = probe.init ?? {};
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { method, path: probe.path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const consoleAsset = () =>
  (JSON.parse(readFileSync(join(WEB_DIST, 'manifest.json'), 'utf8')) as { console: { js: string } })
    .console.js;

const json = (body: string): Probe['init'] => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
});

function probes(): Probe[] {
  const asset = `/assets/${consoleAsset()}`;
  return [
    { what: 'a static path that climbs out of its folder', path: '/assets/%2e%2e/manifest.json' },
    { what: 'a climb through encoded back slashes', path: '/assets/%5c..%5cmanifest.json' },
    { what: 'a static path with a NUL', path: '/assets/a%00.js' },
    {
      what: 'a byte range past the end of a file',
      path: asset,
      init: { headers: { range: 'bytes=99999999-' } },
    },
    { what: 'a failed If-Match', path: asset, init: { headers: { 'if-match': '"nope"' } } },
    {
      what: 'a failed If-Unmodified-Since',
      path: asset,
      init: { headers: { 'if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' } },
    },
    { what: 'an unknown route', path: '/nope' },
    { what: 'an unknown method', path: '/api/chats', init: { method: 'DELETE' } },
    { what: 'an OPTIONS that is no preflight', path: '/api/chats', init: { method: 'OPTIONS' } },
    { what: 'a malformed URL', path: '/api/chats/%zz' },
    { what: 'no token', path: '/api/chats/waiting' },
    {
      what: 'a bad token',
      path: '/api/chats/waiting',
      init: { headers: { authorization: 'Bearer nope' } },
    },
    { what: 'malformed JSON', path: '/api/chats', init: json('{') },
    { what: 'an empty JSON body', path: '/api/chats', init: json('') },
    {
      what: 'another media type',
      path: '/api/chats',
      init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
    },
    {
      what: 'a body over the limit',
      path: '/api/chats',
      init: json(JSON.stringify({ pad: 'x'.repeat(LIMITS.bodyBytes) })),
    },
  ];
}

describe('refusals and the error catalogue', () => {
  let server: RunningServer;
  beforeAll(async () => {
    await ensureWebBuilt();
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, { ...JWT_ENV });
  });
  afterAll(() => server?.close());

  it('each refusal answers the status its code has in the catalogue', async () => {
    for (const probe of probes()) {
      const res = await send(server.url, probe);
      const body = JSON.parse(res.body) as { success?: boolean; code?: string; error?: string };
      const what = `${probe.what}: ${res.status} ${body.code}`;
      expect(body.success, what).toBe(false);
      // A sentence that says what is wrong, not the status's bare name ("Forbidden").
      expect(body.error, what).not.toBe(STATUS_CODES[res.status]);
      const spec = Object.entries(ERRORS).find(([code]) => code === body.code)?.[1];
      expect(spec, `${what}: a code of the catalogue`).toBeDefined();
      expect(res.status, what).toBe(spec?.status);
    }
  });
});
