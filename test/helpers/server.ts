import pino from 'pino';
import { type Config, type DatabaseConfig, loadConfig } from '../../src/config.js';
import type { FailureEnvelope } from '../../src/envelopes.js';
import type { RestReplies, RestRouteKey } from '../../src/schemas/rest.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { type RestRequest, restCall } from '../../web/shared/rest.js';

export function testConfig(database: DatabaseConfig, env: Record<string, string> = {}): Config {
  // Limits are off unless a test turns them on: the contract suites send in bursts.
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RATE_LIMIT: 'off',
    ...env,
  });
  return { ...config, database };
}

export function startTestServer(
  database: DatabaseConfig,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  // Every reply is checked against its documented schema (src/http/reply-serializer.ts).
  return startServer(testConfig(database, env), {
    logger: pino({ level: 'silent' }),
    checkReplies: true,
  });
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests read into the envelope freely; each assertion states the shape it expects.
  body: Record<string, unknown> & { success?: boolean; code?: string; error?: string };
}

export async function api(
  server: { url: string },
  method: string,
  path: string,
  body?: unknown,
  init: { raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...init.headers };
  let payload: string | undefined;
  if (init.raw !== undefined) payload = init.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !headers['content-type'])
    headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let parsed: ApiResponse['body'] = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** POST /api/messages's reply for a message: what it answers unless the body says `internal: true`. */
export type TestedReply<K extends RestRouteKey> = K extends 'POST /api/messages'
  ? Exclude<RestReplies[K], { note: unknown }>
  : RestReplies[K];

/** POST /api/messages's reply for an internal note (`internal: true`). */
export type NoteReply = Exclude<RestReplies['POST /api/messages'], { message: unknown }>;

export interface RestResponse<K extends RestRouteKey> {
  status: number;
  headers: Headers;
  body: TestedReply<K>;
}

/**
 * A call by route, typed by the route table like the web client's; `api` stays for
 * what the contract does not describe (bad input, raw bodies, other paths).
 */
export async function request<K extends RestRouteKey>(
  server: { url: string },
  route: K,
  parts: RestRequest<K>,
  headers: Record<string, string> = {},
): Promise<RestResponse<K>> {
  const { method, path, body } = restCall(route, parts);
  const res = await api(server, method, path, body, { headers });
  return { ...res, body: asSent<TestedReply<K>>(res.body) };
}

/**
 * The reply `api` got from a route of the contract, typed by the route table: for calls
 * `request` cannot make (a body the contract refuses, a raw path), whose reply the
 * contract still describes.
 */
export function replyOf<K extends RestRouteKey>(_route: K, res: ApiResponse): RestResponse<K> {
  return { ...res, body: asSent<TestedReply<K>>(res.body) };
}

/** The reply `api` got from POST /api/messages with `internal: true`. */
export function noteReplyOf(res: ApiResponse): { status: number; body: NoteReply } {
  return { ...res, body: asSent<NoteReply>(res.body) };
}

/** The success envelope of a reply that must have succeeded. */
export function succeeded<S extends { success: true }>(res: {
  status: number;
  body: S | FailureEnvelope;
}): S {
  if (!res.body.success)
    throw new Error(`expected a success, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The failure envelope of a reply that must have failed. */
export function refused<S extends { success: true }>(res: {
  status: number;
  body: S | FailureEnvelope;
}): FailureEnvelope {
  if (res.body.success)
    throw new Error(`expected a failure, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** What arrives is what the server sent; its replies are checked against their schemas. */
function asSent<T>(body: unknown): T {
  return body as T;
}

/** Polls /health until it answers `status`, for up to two probe ages (its answer may be a second old). */
export async function healthWithin(server: { url: string }, status: number): Promise<ApiResponse> {
  const deadline = Date.now() + 2500;
  for (;;) {
    const health = await api(server, 'GET', '/health');
    if (health.status === status || Date.now() > deadline) return health;
    await new Promise((r) => setTimeout(r, 100));
  }
}
