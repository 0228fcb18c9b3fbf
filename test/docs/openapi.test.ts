import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { REST_ROUTES } from '../../src/schemas/rest.js';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}
interface OpenApi {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, string>> };
}

let server: RunningServer;
let doc: OpenApi;
beforeAll(async () => {
  server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
  doc = (await api(server, 'GET', '/docs/json')).body as unknown as OpenApi;
});
afterAll(() => server.close());

const apiOperations = () =>
  Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name: `${method} ${path}`, op })),
    );

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

  it('every /api operation has a 200 schema, 4xx failure schemas with examples, and bearer security', () => {
    const operations = apiOperations();
    expect(operations.length).toBeGreaterThanOrEqual(15);
    for (const { name, op } of operations) {
      const ok = op.responses['200']?.content?.['application/json']?.schema as {
        properties?: Record<string, unknown>;
      };
      expect(ok?.properties?.success, name).toBeDefined();
      const failures = Object.keys(op.responses).filter((s) => /^4\d\d$/.test(s));
      expect(failures.length, name).toBeGreaterThan(0);
      for (const status of [...failures, '503']) {
        const schema = op.responses[status]?.content?.['application/json']?.schema as {
          example?: { code?: keyof typeof ERRORS };
        };
        const code = schema?.example?.code;
        expect(code && ERRORS[code].status, `${name} ${status}`).toBe(Number(status));
      }
      expect(op.security, name).toEqual([{ bearerAuth: [] }]);
    }
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
