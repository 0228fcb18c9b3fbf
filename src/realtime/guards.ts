/**
 * What a connection must pass before its first event: an allowed Origin (cross-site
 * WebSocket hijacking) and the per-IP connection limit, both at the Engine.io handshake
 * (before the server keeps anything for it), and with AUTH_MODE=jwt a valid token at the
 * Socket.io CONNECT. Also disconnects a socket when its token expires.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthContext } from '../auth/actor.js';
import type { AddressOf } from '../client-address.js';
import { errorEvent, failure, handshakeRefusal } from '../envelopes.js';
import { AppError } from '../errors.js';
import { overLimit, type RateLimiter } from '../limits/rate-limiter.js';
import type { ChatServer, ChatSocket } from './types.js';

const TOO_MANY = 'Too many connections; retry later';

/**
 * The per-IP connection budget, charged once per connection. The Engine.io handshake pays
 * (an engine session costs memory whether or not it ever joins the namespace); the first
 * Socket.io CONNECT on that session is then free, and any further CONNECT on the same
 * session pays again (each one makes a socket and runs the token check).
 */
export interface ConnectionBudget {
  /** The retry delay when the handshake's IP is over its limit, undefined when it may go on. */
  handshake(req: IncomingMessage): Promise<number | undefined>;
  /** The same for a Socket.io CONNECT. */
  connect(socket: ChatSocket): Promise<number | undefined>;
}

export function connectionBudget(limiter: RateLimiter, addressOf: AddressOf): ConnectionBudget {
  // Engine.io keeps the handshake request as the session's `request`: that is the receipt.
  const paid = new WeakSet<IncomingMessage>();
  return {
    async handshake(req) {
      const retryAfterMs = await overLimit(limiter, addressOf(req));
      if (retryAfterMs === undefined) paid.add(req);
      return retryAfterMs;
    },
    async connect(socket) {
      if (paid.delete(socket.request)) return undefined;
      return overLimit(limiter, addressOf(socket.request));
    },
  };
}

/** A page this server served itself (the console): same origin, not cross-site. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && URL.canParse(origin) && new URL(origin).host === req.headers.host;
}

/** A browser page of a site that is not listed (clients that send no Origin are not pages). */
function originRefused(allowed: '*' | string[], req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return allowed !== '*' && origin !== undefined && !allowed.includes(origin) && !sameOrigin(req);
}

type EngineMiddleware = (req: IncomingMessage, res: unknown, next: (err?: Error) => void) => void;

/**
 * The same Origin check for the requests of an existing Engine.io session (its polls and
 * its WebSocket upgrade), which allowRequest never sees: a session opened without an
 * Origin must not be upgraded by a page of another site. Refused: 400.
 */
export function sessionOriginGuard(allowed: '*' | string[]): EngineMiddleware {
  return (req, _res, next) => {
    const ofSession = (req.url ?? '').includes('sid=');
    next(ofSession && originRefused(allowed, req) ? new Error('Origin not allowed') : undefined);
  };
}

type AllowRequest = (
  req: IncomingMessage,
  callback: (err: string | null | undefined, ok: boolean) => void,
) => void;

/**
 * Socket.io's `allowRequest`, run on every Engine.io handshake (polling or WebSocket)
 * before a session exists. A refusal is HTTP 403 (polling) or 400 (WebSocket upgrade)
 * with the message as body. Browsers always send Origin on a WebSocket upgrade; clients
 * that send none need no CSWSH guard and go on to the limit.
 */
export function handshakeGuard(allowed: '*' | string[], budget: ConnectionBudget): AllowRequest {
  return (req, callback) => {
    if (originRefused(allowed, req)) return callback('Origin not allowed', false);
    budget.handshake(req).then(
      (retryAfterMs) =>
        retryAfterMs === undefined ? callback(null, true) : callback(TOO_MANY, false),
      () => callback('Connection check failed; retry later', false),
    );
  };
}

/** A refused handshake: the client's `connect_error` carries the message and the envelope as `data`. */
const refusal = handshakeRefusal;

/** What the handshake's `auth.token` holds, whatever a client put there (or in `auth`). */
function authToken(socket: ChatSocket): unknown {
  const auth: unknown = socket.handshake.auth;
  return typeof auth === 'object' && auth !== null && 'token' in auth ? auth.token : undefined;
}

function handshakeToken(socket: ChatSocket): string | undefined {
  const fromAuth = authToken(socket);
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth;
  const fromQuery = socket.handshake.query.token;
  return typeof fromQuery === 'string' && fromQuery ? fromQuery : undefined;
}

/** Why a handshake names no usable token: what a careless client sent, said as such. */
function missingToken(socket: ChatSocket): string {
  const fromAuth = authToken(socket);
  return fromAuth === undefined || fromAuth === ''
    ? 'Authentication required: connect with auth.token'
    : `auth.token must be the token, a string (got ${Array.isArray(fromAuth) ? 'an array' : typeof fromAuth})`;
}

export function installSocketGuards(
  io: ChatServer,
  auth: AuthContext,
  budget: ConnectionBudget,
): void {
  io.use(async (socket, next) => {
    const retryAfterMs = await budget.connect(socket);
    if (retryAfterMs !== undefined) {
      return next(refusal('RATE_LIMITED', TOO_MANY, { retryAfterMs }));
    }
    if (auth.mode === 'none') return next();
    const token = handshakeToken(socket);
    if (!token) return next(refusal('MISSING_TOKEN', missingToken(socket)));
    // The REST header's value: the token is the same, the scheme is not part of it.
    if (/^bearer\s/i.test(token)) {
      return next(refusal('INVALID_TOKEN', 'auth.token is the token itself, without "Bearer "'));
    }
    try {
      const verified = await auth.verifier.verify(token);
      // A recovered session brings back its rooms: only for the person it belonged to.
      const restored = socket.recovered ? socket.data.actor : undefined;
      if (
        restored &&
        (restored.id !== verified.actor.id || restored.role !== verified.actor.role)
      ) {
        return next(refusal('FORBIDDEN', 'The session being recovered belongs to someone else'));
      }
      socket.data.actor = verified.actor;
      socket.data.expiresAt = verified.expiresAt;
      next();
    } catch (err) {
      next(err instanceof AppError ? refusal(err.code, err.message) : refusal('INVALID_TOKEN'));
    }
  });

  io.on('connection', (socket) => {
    const expiresAt = socket.data.expiresAt;
    if (expiresAt === undefined) return;
    // setTimeout holds at most ~24.8 days; a longer-lived token is re-armed by reconnects.
    const delay = Math.min(Math.max(expiresAt - Date.now(), 0), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      socket.emit('error', errorEvent('auth', failure('TOKEN_EXPIRED')));
      socket.disconnect(true);
    }, delay);
    socket.on('disconnect', () => clearTimeout(timer));
  });
}
