/** Browsers on listed origins can call every route; other origins get no CORS grant. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORS_METHODS } from '../../src/http/cors.js';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';

const LISTED = 'https://app.example';
const UNLISTED = 'https://evil.example';

let server: RunningServer;
let routes: { method: string; path: string }[];
beforeAll(async () => {
  server = await startTestServer(
    { kind: 'sqlite', path: ':memory:' },
    { CORS_ORIGIN: `${LISTED},https://admin.example` },
  );
  // The registered routes, as GET / lists them (every method and path).
  const root = await api(server, 'GET', '/', undefined, {
    headers: { accept: 'application/json' },
  });
  routes = (root.body.endpoints as string[]).map((endpoint) => {
    const [method = '', path = ''] = endpoint.split(' ');
    return { method, path: path.replace(/:\w+/g, 'x1') };
  });
});
afterAll(() => server.close());

const preflight = (origin: string, method: string, path: string) =>
  fetch(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type',
    },
  });

describe('CORS preflight', () => {
  it('CORS_METHODS covers every method a route uses', () => {
    expect(routes.length).toBeGreaterThanOrEqual(17);
    for (const { method } of routes) expect(CORS_METHODS).toContain(method);
  });

  it('allows every route, its method, Authorization and Content-Type from a listed origin', async () => {
    for (const { method, path } of routes) {
      const res = await preflight(LISTED, method, path);
      const where = `${method} ${path}`;
      expect(res.status, where).toBe(204);
      expect(res.headers.get('access-control-allow-origin'), where).toBe(LISTED);
      const methods = (res.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
      expect(methods, where).toContain(method);
      const headers = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      expect(headers, where).toContain('authorization');
      expect(headers, where).toContain('content-type');
    }
  });

  it('grants nothing to an unlisted origin, on any route', async () => {
    for (const { method, path } of routes) {
      const res = await preflight(UNLISTED, method, path);
      expect(res.headers.get('access-control-allow-origin'), `${method} ${path}`).toBeNull();
    }
  });

  it('an OPTIONS that is no preflight is a 400 in the envelope, naming what it lacks', async () => {
    const partial: Record<string, string>[] = [
      {},
      { origin: LISTED },
      { 'access-control-request-method': 'POST' },
    ];
    for (const headers of partial) {
      const res = await api(server, 'OPTIONS', '/api/chats', undefined, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(res.body, JSON.stringify(headers)).toMatchObject({
        success: false,
        code: 'VALIDATION_ERROR',
        error: expect.stringMatching(/Origin and Access-Control-Request-Method/),
      });
    }
  });

  it('a listed page may read Retry-After from a reply', async () => {
    const res = await fetch(`${server.url}/health`, { headers: { origin: LISTED } });
    expect(res.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
  });
});
