/**
 * A small typed client over socket.io-client and fetch, used by the console and the
 * widget. It owns the connection: it identifies the socket (join-user / join-admin),
 * re-joins the chats it was asked to join after a reconnect that Socket.io could not
 * recover, reconnects after the server closed the connection (a restart or deploy), and
 * tells its listeners when to catch up (`onResync`). A new token (`setToken`) re-authenticates
 * the same client: the page keeps its state, the socket reconnects with the token.
 *
 * Transports, unless the caller names them (the console does): long-polling first, then the
 * upgrade to WebSocket (Socket.io's own default).
 * Where WebSocket works the session moves onto it within a round trip or two; where it is
 * blocked (the WebSocket constructor throws, a proxy refuses or never answers the upgrade)
 * the upgrade fails quietly and the session stays on polling. WebSocket first with a
 * fallback on error is no faster to a working connection on an open network and never
 * connects where a proxy holds the upgrade open (measured: docs/console-and-widget.md).
 */
import { io, type Socket } from 'socket.io-client';
import { sideOf } from '../../src/auth/roles.js';
import type { FailureEnvelope } from '../../src/envelopes.js';
import type { ErrorCode } from '../../src/errors.js';
import type {
  AckReply,
  ClientEventName,
  ClientEventPayload,
  TypedClientToServerEvents,
} from '../../src/schemas/events.js';
import { actorOf } from './actor.js';
import { namedAdminClaimOf } from './claim.js';
import { refusalCode } from './connection-refusal.js';
import {
  type RestCall,
  type RestRequest,
  type RestRouteKey,
  type RestSuccess,
  restCall,
} from './rest.js';
import { readToken } from './token.js';
import type { AuthMode, Identity, ServerToClientEvents, UploadedAttachment } from './types.js';
import { postFile, UploadInterrupted } from './upload.js';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'signed-out';
export type Transport = 'websocket' | 'polling';

/**
 * Why a call failed: the server's code (its catalogue, src/errors.ts), or the client's own
 * where no server gave one: `OFFLINE` (no connection in time), `NETWORK` and `ABORTED` (an
 * upload cut off or cancelled), `HTTP_<status>` (an answer without an envelope, a proxy's),
 * `UNKNOWN` (no answer at all).
 */
export type ApiErrorCode =
  | ErrorCode
  | 'OFFLINE'
  | 'NETWORK'
  | 'ABORTED'
  | 'UNKNOWN'
  | `HTTP_${number}`;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** The whole failure envelope (e.g. `assignedTo` on CHAT_TAKEN). */
    readonly body: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const AUTH_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'MISSING_TOKEN',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
]);
const ACK_TIMEOUT_MS = 10_000;

/** Long-polling, upgraded to WebSocket where the network lets it (see the header). */
export const DEFAULT_TRANSPORTS: readonly Transport[] = ['polling', 'websocket'];

export interface ClientOptions {
  /** The chat server's origin, e.g. `https://chat.example`. */
  baseUrl: string;
  authMode: AuthMode;
  identity: Identity;
  token?: string | undefined;
  transports?: Transport[] | undefined;
}

/** What a successful acknowledgement of E carries. */
export type AckSuccess<E extends ClientEventName> = Extract<AckReply<E>, { success: true }>;

export interface EmitOptions {
  waitOnlineMs?: number;
  ackTimeoutMs?: number;
}
type Listener<E extends keyof ServerToClientEvents> = ServerToClientEvents[E];

export interface UploadOptions {
  /** The chat it is for; none before a user's first message (it stays theirs until sent). */
  chatId?: string | undefined;
  onProgress?(loaded: number, total: number): void;
  signal?: AbortSignal | undefined;
}

export interface ChatClient {
  readonly identity: Identity;
  readonly authMode: AuthMode;
  state(): ConnectionState;
  /**
   * `code`: with `signed-out`, the refusal's error code; with `connecting`/`reconnecting`,
   * why the last attempt failed (an error code, or connection-refusal.ts's two).
   */
  onState(listener: (state: ConnectionState, code?: string, why?: string) => void): () => void;
  /**
   * Uses this token from now on (REST and socket): a connected socket reconnects with it at
   * once (the server holds each socket to its token's expiry), a signed-out one retries.
   */
  setToken(token: string): void;
  /** Called after each reconnect, once identity and chat rooms are back: fetch what was missed. */
  onResync(listener: () => void): () => void;
  on<E extends keyof ServerToClientEvents>(event: E, listener: Listener<E>): () => void;
  /**
   * `POST /api/attachments`: resolves with the stored attachment, or throws ApiError (the
   * server's code; `NETWORK` when no answer came, `ABORTED` when cancelled).
   */
  upload(file: File, options?: UploadOptions): Promise<UploadedAttachment>;
  /** A REST call by route; resolves with the success envelope or throws ApiError. */
  request<K extends RestRouteKey>(route: K, parts: RestRequest<K>): Promise<RestSuccess<K>>;
  /** A GET answering a file (a transcript), with the token; its bytes, or ApiError. */
  file<K extends RestRouteKey>(route: K, parts: RestRequest<K>): Promise<Blob>;
  /**
   * A socket event with an acknowledgement. Waits up to `waitOnlineMs` for the connection
   * (a send made while reconnecting stays "sending" meanwhile), then `ackTimeoutMs` for
   * the answer; throws ApiError on a failure reply.
   */
  emit<E extends EventWithPayload>(
    event: E,
    payload: ClientEventPayload<E>,
    options?: EmitOptions,
  ): Promise<AckSuccess<E>>;
  /** Sends join-user / join-admin again (a user who just opened a chat is online in it). */
  announce(): Promise<void>;
  /** Joins `chat-<id>` now and again after every reconnect, until leaveChat. */
  joinChat(chatId: string): Promise<void>;
  leaveChat(chatId: string): void;
  close(): void;
}

/** The events that carry a payload (every one the client sends but ping). */
type EventWithPayload = Exclude<ClientEventName, 'ping'>;

/** A reply is trusted only as far as a check shows: a proxy or a crash may answer anything. */
const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null;

function succeeded<R>(reply: R | FailureEnvelope | unknown): reply is R {
  return isRecord(reply) && reply.success === true;
}

/** The server's failure envelope (envelopes.ts makes every one), as far as its shape shows. */
const isFailureEnvelope = (body: Readonly<Record<string, unknown>>): body is FailureEnvelope =>
  body.success === false && typeof body.code === 'string';

function failure(reply: unknown, status: number): ApiError {
  const body = isRecord(reply) ? reply : {};
  // Only the server's envelope carries one of its codes (not a proxy's page, nor a crash's).
  const code: ApiErrorCode = isFailureEnvelope(body)
    ? body.code
    : status
      ? `HTTP_${status}`
      : 'UNKNOWN';
  const message = typeof body.error === 'string' ? body.error : `Request failed (${code})`;
  return new ApiError(status, code, message, body);
}

/** The handshake refusal's details (socket.io-client types the error as a plain Error). */
function refusalOf(err: Error): { code?: string; error?: string; retryAfterMs?: number } {
  const data: unknown = 'data' in err ? err.data : undefined;
  if (!isRecord(data)) return {};
  return {
    ...(typeof data.code === 'string' ? { code: data.code } : {}),
    ...(typeof data.error === 'string' ? { error: data.error } : {}),
    ...(typeof data.retryAfterMs === 'number' ? { retryAfterMs: data.retryAfterMs } : {}),
  };
}

export function createChatClient(options: ClientOptions): ChatClient {
  const { baseUrl, identity, authMode } = options;
  /** What this page joins as and sends as: a user's side or the admins'. */
  const side = sideOf(actorOf(identity));
  let token = options.token;
  const socket: Socket<ServerToClientEvents, TypedClientToServerEvents> = io(baseUrl, {
    transports: [...(options.transports ?? DEFAULT_TRANSPORTS)],
    auth: token ? { token } : {},
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    withCredentials: false,
  });
  const stateListeners = new Set<(s: ConnectionState, code?: string, why?: string) => void>();
  const resyncListeners = new Set<() => void>();
  /** Emits waiting for the connection: released once identity and rooms are back. */
  const readyWaiters = new Set<() => void>();
  const joined = new Set<string>();
  let state: ConnectionState = 'connecting';
  /** What the listeners were last told: a re-authentication's short gap is not shown. */
  let announced: ConnectionState = state;
  let reauthenticating = false;
  let connectedOnce = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = 500;
  let closed = false;

  const setState = (next: ConnectionState, code?: string, why?: string) => {
    state = next;
    if (next === announced && code === undefined) return;
    announced = next;
    for (const l of stateListeners) l(next, code, why);
  };

  const reconnectLater = (delayMs?: number) => {
    if (closed || retryTimer) return;
    const wait = delayMs ?? retryDelay + Math.random() * 250;
    retryDelay = Math.min(retryDelay * 2, 3000);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!socket.connected) socket.connect();
    }, wait);
  };

  const whenOnline = (timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (state === 'online' && socket.connected) return resolve();
      const timer = setTimeout(() => {
        readyWaiters.delete(ready);
        reject(new ApiError(0, 'OFFLINE', 'Not connected'));
      }, timeoutMs);
      const ready = () => {
        clearTimeout(timer);
        readyWaiters.delete(ready);
        resolve();
      };
      readyWaiters.add(ready);
    });

  const rawEmit = async <E extends EventWithPayload>(
    event: E,
    payload: ClientEventPayload<E>,
    timeoutMs: number,
  ): Promise<AckSuccess<E>> => {
    // Socket.io's typings cannot relate a generic event to its payload and ack: the
    // event map is checked at the call sites of emit() instead.
    const untyped: Socket = socket;
    const reply: unknown = await untyped.timeout(timeoutMs).emitWithAck(event, payload);
    if (!succeeded<AckSuccess<E>>(reply)) throw failure(reply, 0);
    return reply;
  };

  const identify = () =>
    side === 'user'
      ? rawEmit('join-user', { userId: identity.id, userName: identity.name }, ACK_TIMEOUT_MS)
      : rawEmit('join-admin', namedAdminClaimOf(identity), ACK_TIMEOUT_MS);

  socket.on('connect', async () => {
    const reconnect = connectedOnce;
    connectedOnce = true;
    reauthenticating = false;
    retryDelay = 500;
    try {
      // A recovered session kept its rooms and got the events it missed; a new one did not.
      if (!socket.recovered) {
        await identify();
        for (const chatId of joined) {
          await rawEmit('join-chat', { chatId }, ACK_TIMEOUT_MS).catch(() => joined.delete(chatId));
        }
      }
      setState('online');
      for (const ready of [...readyWaiters]) ready();
      if (reconnect) for (const l of resyncListeners) l();
    } catch (err) {
      // Signed out meanwhile (the token expired: the server said so, then disconnected):
      // retrying would only be refused again, or let in for the verifier's clock leeway
      // and sent away at once, in a loop.
      if (state === 'signed-out') return;
      const code = err instanceof ApiError ? err.code : undefined;
      if (code && AUTH_CODES.has(code)) {
        setState('signed-out', code);
        // Socket.io would reconnect by itself after a transport close, with the same token.
        socket.disconnect();
      } else {
        socket.disconnect();
        setState('reconnecting');
        reconnectLater();
      }
    }
  });

  socket.on('disconnect', (reason) => {
    if (closed) return;
    // The token has expired and the server's goodbye may never have come (the transport
    // closed first): only a new token (setToken) connects again. Socket.io's own
    // reconnection after a transport close is stopped too, or a token let in for the
    // verifier's clock leeway would be sent away, again and again.
    const expiresAt = token ? readToken(token)?.expiresAt : undefined;
    if (expiresAt !== undefined && expiresAt <= Date.now()) {
      socket.disconnect();
      if (state !== 'signed-out') setState('signed-out', 'TOKEN_EXPIRED');
      return;
    }
    // Signed out by a refused REST call while the socket was fine: Socket.io's own
    // reconnection may still bring it back online.
    if (state === 'signed-out') return;
    if (reauthenticating) {
      state = 'reconnecting';
      return;
    }
    setState('reconnecting');
    // The server closed the connection itself (restart, deploy): Socket.io does not retry that.
    if (reason === 'io server disconnect') reconnectLater();
  });

  socket.on('connect_error', (err) => {
    const data = refusalOf(err);
    reauthenticating = false;
    if (data.code && AUTH_CODES.has(data.code)) {
      setState('signed-out', data.code, data.error);
      return;
    }
    // The code says why, as far as the page can tell (connection-refusal.ts).
    setState(connectedOnce ? 'reconnecting' : 'connecting', refusalCode(err));
    // Refused by a handshake guard (e.g. rate limited): Socket.io leaves the retry to us.
    if (!socket.active) reconnectLater(data.retryAfterMs);
  });

  const call = ({ method, path, body }: RestCall): Promise<Response> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    return fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
  };
  const refusal = (parsed: unknown, status: number): ApiError => {
    const err = failure(parsed, status);
    if (AUTH_CODES.has(err.code) && status === 401) setState('signed-out', err.code, err.message);
    return err;
  };

  const send = async <K extends RestRouteKey>(rest: RestCall): Promise<RestSuccess<K>> => {
    const res = await call(rest);
    const parsed: unknown = await res.json().catch(() => undefined);
    if (!res.ok || !succeeded<RestSuccess<K>>(parsed)) throw refusal(parsed, res.status);
    return parsed;
  };

  const upload = async (file: File, options: UploadOptions = {}) => {
    const fields: Record<string, string> = {};
    if (options.chatId) fields.chatId = options.chatId;
    // AUTH_MODE=none names the uploader as v2 named senders; a token names them otherwise.
    if (authMode === 'none') {
      fields.senderId = identity.id;
      fields.senderType = side;
      fields.senderName = identity.name;
    }
    try {
      const { status, body } = await postFile({
        url: `${baseUrl}/api/attachments`,
        token,
        fields,
        file,
        onProgress: options.onProgress,
        signal: options.signal,
      });
      if (status >= 200 && status < 300 && succeeded<{ attachment: UploadedAttachment }>(body)) {
        return body.attachment;
      }
      const err = failure(body, status);
      if (AUTH_CODES.has(err.code) && status === 401) {
        setState('signed-out', err.code, err.message);
      }
      throw err;
    } catch (err) {
      if (!(err instanceof UploadInterrupted)) throw err;
      const code = err.reason === 'aborted' ? 'ABORTED' : 'NETWORK';
      throw new ApiError(0, code, err.message);
    }
  };

  socket.on('error', (p) => {
    if (p.code !== 'TOKEN_EXPIRED') return;
    setState('signed-out', p.code);
    // The server closes the connection next; should the transport close before its
    // goodbye arrives, Socket.io would reconnect by itself with the expired token.
    socket.disconnect();
  });

  return {
    identity,
    authMode,
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    on(event, listener) {
      // socket.io-client's overloads cannot relate a generic event to its listener: the
      // event map is checked at the call sites of on() instead, as for emit().
      const untyped: Socket = socket;
      const name: string = event;
      untyped.on(name, listener);
      return () => untyped.off(name, listener);
    },
    request(route, parts) {
      return send(restCall(route, parts));
    },
    async file(route, parts) {
      const res = await call(restCall(route, parts));
      if (res.ok) return res.blob();
      throw refusal(await res.json().catch(() => undefined), res.status);
    },
    upload,
    async emit(event, payload, options = {}) {
      await whenOnline(options.waitOnlineMs ?? ACK_TIMEOUT_MS);
      return rawEmit(event, payload, options.ackTimeoutMs ?? ACK_TIMEOUT_MS);
    },
    async announce() {
      if (socket.connected) await identify();
    },
    async joinChat(chatId) {
      joined.add(chatId);
      // Not connected yet: the connect handler joins every remembered chat.
      if (socket.connected) await rawEmit('join-chat', { chatId }, ACK_TIMEOUT_MS);
    },
    leaveChat(chatId) {
      joined.delete(chatId);
      // The typed map asks for an ack; nobody waits for this one.
      if (socket.connected) socket.emit('leave-chat', { chatId }, () => {});
    },
    setToken(next) {
      if (next === token) return;
      token = next;
      socket.auth = { token: next };
      if (closed) return;
      if (socket.connected) {
        // Quietly: the listeners keep "online" unless the reconnect fails.
        reauthenticating = true;
        socket.disconnect().connect();
        return;
      }
      clearTimeout(retryTimer);
      retryTimer = undefined;
      // Quietly, as above: a new token is no longer signed out, so a connection that fails
      // before it is online retries instead of waiting for yet another token.
      if (state === 'signed-out') state = 'connecting';
      if (!socket.active) socket.connect();
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket.disconnect();
    },
  };
}
