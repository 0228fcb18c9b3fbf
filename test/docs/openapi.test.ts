import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { REST_ROUTES } from '../../src/schemas/rest.js';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';

interface Operation {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: { required?: string[] } }> };
  tags?: string[];
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}
interface OpenApi {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, Record<string, string>>;
    schemas?: Record<string, unknown>;
  };
}

let server: RunningServer;
let doc: OpenApi;
beforeAll(async () => {
  // With METRICS_TOKEN, so that /metrics on the main port is in the document too.
  server = await startTestServer(
    { kind: 'sqlite', path: ':memory:' },
    { METRICS_TOKEN: 'metrics-token-0123456789' },
  );
  doc = (await api(server, 'GET', '/docs/json')).body as unknown as OpenApi;
});
afterAll(() => server.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, name: `${method} ${path}`, op })),
  );
const apiOperations = () => operations().filter(({ path }) => path.startsWith('/api/'));

describe('the OpenAPI document', () => {
  it('has every REST route of the table, and nothing under /api that is not in it', () => {
    const documented = apiOperations()
      .map(({ name }) => name.replace(/\{(\w+)\}/g, ':$1'))
      .map((name) => {
        const [method, path] = name.split(' ');
        return `${method?.toUpperCase()} ${path}`;
      });
    expect(documented.sort()).toEqual(Object.keys(REST_ROUTES).sort());
  });

  it('every /api operation has a 200 schema, 4xx failure schemas with examples, and bearer security unless public', () => {
    const operations = apiOperations();
    expect(operations.length).toBeGreaterThanOrEqual(15);
    for (const { name, op } of operations) {
      type Envelope = { properties?: Record<string, unknown> };
      const ok = op.responses['200']?.content?.['application/json']?.schema as Envelope & {
        anyOf?: Envelope[];
      };
      // A reply of several shapes (a send: a message or a note) is each an envelope.
      for (const shape of ok?.anyOf ?? [ok]) {
        expect(shape?.properties?.success, name).toBeDefined();
      }
      const failures = Object.keys(op.responses).filter((s) => /^4\d\d$/.test(s));
      expect(failures.length, name).toBeGreaterThan(0);
      for (const status of [...failures, '503']) {
        const schema = op.responses[status]?.content?.['application/json']?.schema as {
          example?: { code?: keyof typeof ERRORS };
        };
        const code = schema?.example?.code;
        expect(code && ERRORS[code].status, `${name} ${status}`).toBe(Number(status));
      }
      // GET /api/desk answers anyone: no token, never 401/403.
      const open = name === 'get /api/desk';
      expect(op.security, name).toEqual(open ? [] : [{ bearerAuth: [] }]);
      expect(Object.hasOwn(op.responses, '401'), name).toBe(!open);
    }
  });

  it('every operation, under /api or not, documents a 2xx response with a schema', () => {
    const all = operations();
    expect(all.map(({ name }) => name)).toEqual(
      expect.arrayContaining(['get /health', 'get /', 'get /ready', 'get /metrics']),
    );
    const undocumented = all
      .filter(({ op }) =>
        Object.entries(op.responses).every(
          ([status, response]) =>
            !/^2\d\d$/.test(status) ||
            Object.values(response.content ?? {}).every(({ schema }) => !schema),
        ),
      )
      .map(({ name }) => name);
    expect(undocumented).toEqual([]);
  });

  it('every $ref points to a schema the document holds', () => {
    // A client generator or validator stops at the first reference it cannot resolve.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs).toContain('#/components/schemas/SearchResult');
    const missing = refs.filter((ref) => {
      const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
      return name === undefined || !Object.hasOwn(doc.components.schemas ?? {}, name);
    });
    expect([...new Set(missing)]).toEqual([]);
  });

  it('documents the media type of every form a route answers in', async () => {
    const opened = await api(server, 'POST', '/api/chats', { userId: 'u-forms', userName: 'U' });
    const chatId = (opened.body.chat as { _id: string })._id;
    const forms = [
      ['/api/chats/{chatId}/transcript', `/api/chats/${chatId}/transcript?format=json`],
      ['/api/chats/{chatId}/transcript', `/api/chats/${chatId}/transcript?format=html`],
      ['/api/reports/summary', '/api/reports/summary?format=csv'],
    ] as const;
    for (const [path, url] of forms) {
      const res = await api(server, 'GET', url);
      expect(res.status, url).toBe(200);
      const mediaType = res.headers.get('content-type')?.split(';')[0] ?? '';
      const documented = Object.keys(doc.paths[path]?.get?.responses['200']?.content ?? {});
      expect(documented, url).toContain(mediaType);
    }
  });

  it('marks a schema nullable only beside its type, where OpenAPI 3.0 reads it', () => {
    // `nullable` without `type` allows no null (OpenAPI 3.0.3), and validators refuse it,
    // while the replies do send null there (an audit entry's `fromAdminId` of a waiting chat).
    const typeless: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      if ('nullable' in node && !('type' in node)) typeless.push(path);
      for (const [key, child] of Object.entries(node)) walk(child, `${path}/${key}`);
    };
    walk(doc, '');
    expect(typeless).toEqual([]);
  });

  it("documents the upload's multipart form as its request body", () => {
    const upload = doc.paths['/api/attachments']?.post?.requestBody?.content;
    expect(Object.keys(upload ?? {})).toEqual(['multipart/form-data']);
    expect(upload?.['multipart/form-data']?.schema).toMatchObject({
      properties: {
        file: { type: 'string', format: 'binary' },
        chatId: { type: 'string' },
        senderId: { type: 'string' },
      },
      required: ['file'],
    });
  });

  it('documents the 413 and 415 of every route that reads a body, one without a schema too', async () => {
    // A DELETE or a body-less POST still has its body read: a client that sends one, too
    // large or not JSON, gets these statuses and must find them in the document.
    const writes = apiOperations().filter(({ name }) => !name.startsWith('get '));
    expect(writes.length).toBeGreaterThan(10);
    for (const { path, name, op } of writes) {
      const url = path.replace(/\{\w+\}/g, 'ffffffffffffffffffffffff');
      const method = name.split(' ')[0]?.toUpperCase() ?? '';
      const res = await api(server, method, url, undefined, {
        raw: 'x'.repeat(70_000),
        headers: { 'content-type': 'text/plain' },
      });
      expect([413, 415], name).toContain(res.status);
      expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['413', '415']));
    }
  });

  it('/health documents the same shape on 200 and 503, and its replies match it', async () => {
    const health = doc.paths['/health']?.get;
    const schemaOf = (status: string) =>
      health?.responses[status]?.content?.['application/json']?.schema;
    expect(schemaOf('200')).toMatchObject({
      required: expect.arrayContaining(['status', 'store', 'redis', 'connections']),
    });
    expect(schemaOf('503')).toEqual(schemaOf('200'));
    // The test server checks every reply against its documented schema: a 500 if not.
    expect((await api(server, 'GET', '/health')).status).toBe(200);
    const root = await api(server, 'GET', '/');
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ docs: '/docs', console: '/console' });
  });

  it('names a served error catalogue, with every code and its status', async () => {
    const links = [...doc.info.description.matchAll(/\]\((\/[^)\s]+)\)/g)].map((m) => m[1]);
    expect(links).toContain('/docs/errors.json');
    expect(doc.info.description).not.toMatch(/errors\.md/);
    for (const link of links) expect((await api(server, 'GET', link ?? '')).status, link).toBe(200);
    const catalogue = (await api(server, 'GET', '/docs/errors.json')).body as unknown as {
      errors: { code: keyof typeof ERRORS; status: number; meaning: string }[];
    };
    expect(catalogue.errors.map((e) => e.code).sort()).toEqual(Object.keys(ERRORS).sort());
    for (const e of catalogue.errors) expect(e.status, e.code).toBe(ERRORS[e.code].status);
  });

  it("documents the transfer's unknown target and the admin list it is checked against", () => {
    const transfer = doc.paths['/api/chats/transfer']?.post;
    expect(transfer?.responses['404']?.description).toContain('`ADMIN_NOT_FOUND`');
    const admins = doc.paths['/api/admins']?.get;
    const ok = admins?.responses['200']?.content?.['application/json']?.schema as {
      properties?: Record<string, { items?: { properties?: Record<string, unknown> } }>;
    };
    expect(Object.keys(ok?.properties?.admins?.items?.properties ?? {}).sort()).toEqual([
      'id',
      'lastSeenAt',
      'name',
      'online',
    ]);
    expect(admins?.responses['403']).toBeDefined();
  });

  it('declares the bearer scheme, and points to documents that exist', async () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.info.description).not.toMatch(/PROTOCOL\.md/);
    expect(doc.info.description).toContain('docs/protocol.md');
    expect((await api(server, 'GET', '/docs/asyncapi.json')).status).toBe(200);
  });
});
