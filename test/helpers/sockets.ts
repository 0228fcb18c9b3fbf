import { io as connectSocket, type Socket } from 'socket.io-client';

export type ClientSocket = Socket;

export interface Received {
  event: string;
  payload: unknown;
}

/** A connected client that records every event it receives, in order. */
export interface TestClient {
  socket: ClientSocket;
  received: Received[];
  /** Events of one name received so far. */
  of(event: string): unknown[];
  emitAck(event: string, payload?: unknown): Promise<Record<string, unknown>>;
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
  return {
    socket,
    received,
    of: (event) => received.filter((r) => r.event === event).map((r) => r.payload),
    emitAck: (event, payload) =>
      socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Record<string, unknown>>,
    waitFor: (event, predicate = () => true) =>
      new Promise((resolve, reject) => {
        const seen = received.find((r) => r.event === event && predicate(r.payload));
        if (seen) return resolve(seen.payload);
        const timer = setTimeout(() => {
          socket.off(event, listener);
          reject(new Error(`timed out waiting for ${event}${label}`));
        }, timeoutMs);
        const listener = (payload: unknown) => {
          if (!predicate(payload)) return;
          clearTimeout(timer);
          socket.off(event, listener);
          resolve(payload);
        };
        socket.on(event, listener);
      }),
    close: () => socket.disconnect(),
  };
}

/** Lets in-flight events arrive before asserting that something did NOT arrive. */
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

export const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms));
