import { io as connectSocket, type Socket } from 'socket.io-client';
import type { FailureEnvelope } from '../../src/envelopes.js';
import type {
  AckReply,
  ClientEventName,
  ServerEventName,
  ServerEventPayload,
} from '../../src/schemas/events.js';

export type ClientSocket = Socket;

type SendAck = AckReply<'send-message'>;
/** send-message's ack for a message: what it answers unless the payload says `internal: true`. */
export type MessageAck = Exclude<SendAck, { note: unknown }>;
/** send-message's ack for an internal note. */
export type NoteAck = Exclude<SendAck, { message: unknown }>;
/** An event's ack as tests read it: a send without `internal: true` answers a message. */
type AckOf<E extends ClientEventName> = E extends 'send-message' ? MessageAck : AckReply<E>;

export interface Received {
  event: string;
  payload: unknown;
}

/** A connected client that records every event it receives, in order. */
export interface TestClient {
  socket: ClientSocket;
  received: Received[];
  /** Events of one name received so far. */
  of<E extends ServerEventName>(event: E): ServerEventPayload<E>[];
  /** Events of a name outside the contract (a test's own), unchecked. */
  of(event: string): unknown[];
  /**
   * Emits a contract event and answers its acknowledgement, typed by the event map. The
   * payload stays `unknown`: tests send bad payloads on purpose.
   */
  emitAck(
    event: 'send-message',
    payload: { internal: true; [field: string]: unknown },
  ): Promise<NoteAck>;
  emitAck<E extends ClientEventName>(event: E, payload?: unknown): Promise<AckOf<E>>;
  /** An event outside the contract: the server's answer, unchecked. */
  emitAck(event: string, payload?: unknown): Promise<Record<string, unknown>>;
  waitFor<E extends ServerEventName>(
    event: E,
    predicate?: (payload: ServerEventPayload<E>) => boolean,
  ): Promise<ServerEventPayload<E>>;
  waitFor(event: string, predicate?: (payload: unknown) => boolean): Promise<unknown>;
  close(): void;
}

const ACK_TIMEOUT_MS = 5000;

export async function connectClient(
  url: string,
  options: Parameters<typeof connectSocket>[1] = {},
): Promise<TestClient> {
  const socket = connectSocket(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...options,
  });
  const client = recordingClient(socket, ACK_TIMEOUT_MS);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return client;
}

/**
 * A TestClient around a socket: records every event from now on and waits for events
 * and acks for up to `timeoutMs`. `label` says which client timed out.
 */
export function recordingClient(socket: ClientSocket, timeoutMs: number, label = ''): TestClient {
  const received: Received[] = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  const of = <T>(event: string): T[] =>
    received.filter((r) => r.event === event).map((r) => asSent<T>(r.payload));
  const emitAck = async <T>(event: string, payload?: unknown): Promise<T> =>
    asSent<T>(await socket.timeout(timeoutMs).emitWithAck(event, payload));
  const waitFor = <T>(event: string, predicate: (payload: T) => boolean = () => true) =>
    new Promise<T>((resolve, reject) => {
      const seen = received.find((r) => r.event === event && predicate(asSent<T>(r.payload)));
      if (seen) return resolve(asSent<T>(seen.payload));
      const timer = setTimeout(() => {
        socket.off(event, listener);
        reject(new Error(`timed out waiting for ${event}${label}`));
      }, timeoutMs);
      const listener = (payload: unknown) => {
        if (!predicate(asSent<T>(payload))) return;
        clearTimeout(timer);
        socket.off(event, listener);
        resolve(asSent<T>(payload));
      };
      socket.on(event, listener);
    });
  return { socket, received, of, emitAck, waitFor, close: () => socket.disconnect() };
}

/**
 * What arrives is what the server sent, and the server's replies and events are checked
 * against their schemas in every test run: the one place a wire value takes its type.
 */
function asSent<T>(payload: unknown): T {
  return payload as T;
}

/** The success envelope of an acknowledgement that must have succeeded. */
export function accepted<S extends { success: true }>(ack: S | FailureEnvelope): S {
  if (!ack.success) throw new Error(`expected a success, got ${JSON.stringify(ack)}`);
  return ack;
}

/** The failure envelope of an acknowledgement that must have failed. */
export function failed<S extends { success: true }>(ack: S | FailureEnvelope): FailureEnvelope {
  if (ack.success) throw new Error(`expected a failure, got ${JSON.stringify(ack)}`);
  return ack;
}

/**
 * Joins the client as `id` (named `Name <id>`): a user, or an admin (a superadmin with
 * `superadmin`). Throws when the server refuses, so a test never goes on as nobody.
 */
export async function joinAs<C extends TestClient>(
  client: C,
  id: string,
  as: { role: 'user' } | { role: 'admin'; superadmin: boolean },
): Promise<{ id: string; name: string; client: C }> {
  const name = `Name ${id}`;
  const [event, payload] =
    as.role === 'user'
      ? ['join-user', { userId: id, userName: name }]
      : ['join-admin', { adminId: id, adminName: name, isSuperAdmin: as.superadmin }];
  const ack = await client.emitAck(event, payload);
  if (ack.success !== true) throw new Error(`${event} failed: ${JSON.stringify(ack)}`);
  return { id, name, client };
}
