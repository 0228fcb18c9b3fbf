/**
 * Generated bad input against every REST route and socket event, in both auth modes:
 * every answer is a 4xx or an error ack, the process stays up, and no row changes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_EVENTS } from '../src/schemas/events.js';
import type { RunningServer } from '../src/server.js';
import type { Chat } from './helpers/flows.js';
import { api, startTestServer } from './helpers/server.js';
import { connectClient, type TestClient } from './helpers/sockets.js';
import { bearer, JWT_ENV, signToken } from './helpers/tokens.js';

const REST_RUNS = 6000;
const SOCKET_RUNS = 4000;
const SHORT = (v: unknown) => JSON.stringify(v)?.slice(0, 200);

const badSeq = fc.constantFrom('-1', 'one', '1.5', '', '1e999');
const badLimit = fc.constantFrom('0', '201', 'x', '-5', '');
const queryOf = (entries: fc.Arbitrary<[string, string]>[]) =>
  fc
    .tuple(...entries)
    .chain((pairs) => fc.subarray(pairs, { minLength: 1 }))
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`);

type Route = {
  method: string;
  path: (chatId: string) => string;
  body: boolean;
  query?: fc.Arbitrary<string>;
  /** Every field of this route's body is optional: only wrong types make it bad. */
  optionalBody?: boolean;
};

const ROUTES: Route[] = [
  { method: 'POST', path: () => '/api/chats', body: true },
  { method: 'POST', path: () => '/api/chats/assign', body: true },
  { method: 'POST', path: () => '/api/chats/lock', body: true },
  { method: 'POST', path: () => '/api/chats/unlock', body: true },
  { method: 'POST', path: () => '/api/chats/transfer', body: true },
  { method: 'PATCH', path: (id) => `/api/chats/${id}/close`, body: true, optionalBody: true },
  { method: 'POST', path: () => '/api/messages', body: true },
  { method: 'POST', path: () => '/api/messages/read', body: true },
  { method: 'POST', path: () => '/api/messages/typing', body: true },
  { method: 'POST', path: () => '/api/status', body: true },
  {
    method: 'GET',
    path: (id) => `/api/messages/${id}`,
    body: false,
    query: queryOf([
      badSeq.map((v) => ['page', v] as [string, string]),
      badLimit.map((v) => ['limit', v] as [string, string]),
      badSeq.map((v) => ['after', v] as [string, string]),
      badSeq.map((v) => ['before', v] as [string, string]),
    ]),
  },
  {
    method: 'GET',
    path: () => '/api/chats/waiting',
    body: false,
    query: queryOf([
      fc.constantFrom('', 'x'.repeat(200)).map((v) => ['adminId', v] as [string, string]),
      fc.constantFrom('maybe', '1', 'yes').map((v) => ['isSuperAdmin', v] as [string, string]),
    ]),
  },
  {
    method: 'GET',
    path: () => '/api/admins',
    body: false,
    query: queryOf([
      fc.constantFrom('', 'x'.repeat(200)).map((v) => ['adminId', v] as [string, string]),
      fc.constantFrom('maybe', '1', 'yes').map((v) => ['isSuperAdmin', v] as [string, string]),
    ]),
  },
  {
    method: 'GET',
    path: () => '/api/chats/all',
    body: false,
    query: queryOf([
      fc
        .string({ maxLength: 8 })
        .filter((v) => !['waiting', 'active', 'closed'].includes(v))
        .map((v) => ['status', v] as [string, string]),
    ]),
  },
];

/** A value of the wrong type for any field of ours (all fields are strings, booleans or small ints). */
const wrongType = (withHugeStrings: boolean) =>
  fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constant(null),
    fc.array(fc.anything(), { maxLength: 3 }),
    fc.dictionary(fc.string(), fc.anything(), { maxKeys: 3 }),
    // Over the 10,000-character content bound; kept out of socket frames, where the
    // 64 KiB frame limit would end the connection instead (tested on its own).
    withHugeStrings ? fc.string({ minLength: 10_001, maxLength: 10_050 }) : fc.boolean(),
  );

/** Valid-looking bodies with one field broken or missing, or no object at all. */
function badBody(chatId: string, withHugeStrings = true, onlyWrongTypes = false) {
  const valid: Record<string, unknown> = {
    chatId,
    userId: 'u-fuzz',
    userName: 'Fuzz',
    adminId: 'a-fuzz',
    adminName: 'Admin',
    fromAdminId: 'a-fuzz',
    toAdminId: 'b-fuzz',
    toAdminName: 'B',
    senderId: 'u-fuzz',
    senderType: 'user',
    senderName: 'Fuzz',
    readerId: 'u-fuzz',
    readerType: 'user',
    content: 'hello',
    isTyping: true,
    online: true,
  };
  // Every field of the wrong type: bad for whichever route receives it.
  const broken = fc.record(
    Object.fromEntries(Object.keys(valid).map((k) => [k, wrongType(withHugeStrings)])),
  );
  if (onlyWrongTypes) return broken;
  return fc.oneof(
    broken,
    fc.anything().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 5 }),
  );
}

const notJson = (raw: string) => {
  try {
    JSON.parse(raw);
    return false;
  } catch {
    return true;
  }
};

const rawGarbage = fc.oneof(
  fc
    .string({ maxLength: 200 })
    .map((s) => `{${s}`)
    .filter(notJson),
  fc.constant('{"content": "x'),
  fc.constant('x'.repeat(70 * 1024)),
  fc
    .string({ maxLength: 50 })
    .map((s) => `[${s}`)
    .filter(notJson),
);

/** A reproducible bad query for a GET route, drawn from its arbitrary by the run's seed. */
function queryFor(route: Route, seed: number): string {
  if (!route.query) return '';
  const [sample] = fc.sample(route.query, { seed, numRuns: 1 });
  return sample ?? '';
}

for (const mode of ['none', 'jwt'] as const) {
  describe(`fuzzing with AUTH_MODE=${mode}`, () => {
    let server: RunningServer;
    let chat: Chat;
    let client: TestClient;
    let headers: { headers?: Record<string, string> } = {};
    const tokens: string[] = [];

    const state = async () => {
      const chats = await server.store.listChats({ kind: 'all', status: undefined }, 10_000);
      const counts = await Promise.all(
        chats.map(async (c) => (await server.store.historyPage(c._id, 1, 1)).messages),
      );
      return { chats, counts };
    };

    beforeAll(async () => {
      server = await startTestServer(
        { kind: 'sqlite', path: ':memory:' },
        mode === 'jwt' ? JWT_ENV : {},
      );
      const userToken = await signToken('u-fuzz', 'user', 'Fuzz');
      tokens.push(
        userToken,
        await signToken('a-fuzz', 'admin', 'Admin'),
        'garbage.token.value',
        '',
      );
      headers = mode === 'jwt' ? bearer(userToken) : {};
      const opened = await api(
        server,
        'POST',
        '/api/chats',
        { userId: 'u-fuzz', userName: 'Fuzz' },
        headers,
      );
      chat = opened.body.chat as Chat;
      await api(
        server,
        'POST',
        '/api/messages',
        {
          chatId: chat._id,
          senderId: 'u-fuzz',
          senderType: 'user',
          senderName: 'Fuzz',
          content: 'seed',
        },
        headers,
      );
      client = await connectClient(
        server.url,
        mode === 'jwt' ? { auth: { token: userToken } } : {},
      );
    });
    afterAll(async () => {
      client?.close();
      await server.close();
    });

    it(`${REST_RUNS} bad REST requests: all 4xx, nothing changed`, async () => {
      const before = await state();
      const chatIds = fc.constantFrom(chat._id, 'ffffffffffffffffffffffff', 'not-an-id');
      const request = fc.constantFrom(...ROUTES).chain((route) =>
        fc.record({
          route: fc.constant(route),
          chatId: chatIds,
          token: fc.constantFrom(...tokens),
          body: fc.oneof(
            chatIds
              .chain((id) => badBody(id, true, route.optionalBody))
              .map((b) => ({ kind: 'json' as const, value: b })),
            rawGarbage.map((r) => ({ kind: 'raw' as const, value: r })),
          ),
        }),
      );
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(request, fc.nat(), async ({ route, chatId, token, body }, seed) => {
          const auth = mode === 'jwt' && token ? bearer(token) : {};
          const res = route.body
            ? body.kind === 'raw'
              ? await api(server, route.method, route.path(chatId), undefined, {
                  ...auth,
                  raw: body.value,
                })
              : await api(server, route.method, route.path(chatId), body.value, auth)
            : await api(
                server,
                route.method,
                `${route.path(chatId)}${queryFor(route, seed)}`,
                undefined,
                auth,
              );
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(
            res.status,
            `${route.method} ${route.path(chatId)} → ${SHORT(res.body)}`,
          ).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(res.body.success).toBe(false);
        }),
        { numRuns: REST_RUNS },
      );
      expect(await state()).toEqual(before);
      expect((await api(server, 'GET', '/health')).status).toBe(200);
      expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
    }, 120_000);

    it(`${SOCKET_RUNS} bad socket events: all error acks, nothing changed`, async () => {
      const before = await state();
      const events = fc.oneof(
        fc.constantFrom(...CLIENT_EVENTS.filter((e) => e !== 'ping')),
        fc
          .string({ minLength: 1, maxLength: 30 })
          .filter((e) => !(CLIENT_EVENTS as readonly string[]).includes(e)),
      );
      await fc.assert(
        fc.asyncProperty(
          events,
          fc.constantFrom(chat._id, 'nope').chain((id) => badBody(id, false)),
          async (event, payload) => {
            const ack = await client.emitAck(event, payload);
            expect(ack.success, `${event} ${SHORT(payload)} → ${SHORT(ack)}`).toBe(false);
            expect(typeof ack.code).toBe('string');
            expect(ack.code).not.toBe('INTERNAL_ERROR');
          },
        ),
        { numRuns: SOCKET_RUNS },
      );
      expect(client.socket.connected).toBe(true);
      expect(await state()).toEqual(before);
    }, 120_000);
  });
}
