import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { CLIENT_EVENTS, SERVER_EVENTS } from '../../src/schemas/events.js';
import { api, startTestServer } from '../helpers/server.js';

// Severity 0 is an error in the parser's diagnostics (1 warning, 2 info, 3 hint).
const ERROR = 0;

describe('the AsyncAPI document', () => {
  it('is served at /docs/asyncapi.json, is valid AsyncAPI 3.0, has every event both ways, and lists its servers with the handshake token as their security', async () => {
    const server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
    let doc: Record<string, unknown>;
    try {
      const res = await api(server, 'GET', '/docs/asyncapi.json');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      doc = res.body;
      // The documents it names are served.
      const named = [...JSON.stringify(doc).matchAll(/\/docs\/[\w.]+\.json/g)].map((m) => m[0]);
      expect(named).toContain('/docs/errors.json');
      for (const path of new Set(named)) {
        expect((await api(server, 'GET', path)).status, path).toBe(200);
      }
    } finally {
      await server.close();
    }
    // It points to documents that exist: this repository's docs/protocol.md, not a sibling checkout.
    expect(JSON.stringify(doc.info)).toContain('docs/protocol.md');
    expect(JSON.stringify(doc.info)).not.toMatch(/PROTOCOL\.md|\.\.\//);
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    const errors = diagnostics.filter((d) => d.severity === ERROR);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');

    const operations = document?.operations().all() ?? [];
    const received = operations.filter((o) => o.action() === 'receive');
    const sent = operations.filter((o) => o.action() === 'send');
    const names = (ops: typeof operations) =>
      new Set(
        ops.flatMap((o) =>
          o
            .messages()
            .all()
            .map((m) => m.name()),
        ),
      );
    expect([...names(received)].sort()).toEqual([...CLIENT_EVENTS].sort());
    expect([...names(sent)].sort()).toEqual(Object.keys(SERVER_EVENTS).sort());
    // Every client event has its acknowledgement as the reply.
    for (const op of received) {
      expect(op.reply()?.messages().all()[0]?.name()).toMatch(/acknowledgement$/);
    }
    // The rooms are channels.
    const addresses = document
      ?.channels()
      .all()
      .map((c) => c.address());
    expect(addresses).toEqual(
      expect.arrayContaining(['admins', 'admin-{adminId}', 'user-{userId}', 'chat-{chatId}']),
    );
    // Servers: this one as the client reached it, by WebSocket and by polling, each
    // secured by the handshake's token; every channel is on both.
    const host = new URL(server.url).host;
    const servers = document?.servers().all() ?? [];
    expect(servers.map((s) => [s.id(), s.protocol(), s.host(), s.pathname()])).toEqual([
      ['websocket', 'ws', host, '/socket.io/'],
      ['polling', 'http', host, '/socket.io/'],
    ]);
    for (const s of servers) {
      const schemes = s
        .security()
        .flatMap((requirement) => requirement.all().map((r) => r.scheme()));
      expect(schemes.map((scheme) => [scheme.type(), scheme.name(), scheme.in()])).toEqual([
        ['httpApiKey', 'token', 'query'],
      ]);
      expect(schemes[0]?.description()).toMatch(/auth: \{ token \}.*connect_error/);
    }
    for (const channel of document?.channels().all() ?? []) {
      expect(
        channel
          .servers()
          .all()
          .map((s) => s.id()),
        channel.id(),
      ).toEqual(['websocket', 'polling']);
    }
    // Payloads come from the zod schemas: the send-message ack carries the stored message's seq.
    const ack = document?.components().messages().get('send-message-ack');
    expect(JSON.stringify(ack?.payload()?.json())).toContain('"seq"');
  });
});
