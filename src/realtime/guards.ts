/**
 * What a socket must pass before its first event: an allowed Origin (cross-site
 * WebSocket hijacking), the per-IP connection limit, and with AUTH_MODE=jwt a valid
 * token. Also disconnects a socket when its token expires.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthContext } from '../auth/actor.js';
import { errorEvent, failure, handshakeRefusal } from '../envelopes.js';
import { AppError } from '../errors.js';
import { overLimit, type RateLimiter } from '../limits/rate-limiter.js';
import type { ChatServer, ChatSocket } from './types.js';

/** Browsers always send Origin on a WebSocket upgrade; other clients need no CSWSH guard. */
export function originGuard(allowed: '*' | string[]) {
  return (
    req: IncomingMessage,
    callback: (err: string | null | undefined, ok: boolean) => void,
  ) => {
    const origin = req.headers.origin;
    if (allowed === '*' || origin === undefined || allowed.includes(origin)) callback(null, true);
    else callback('Origin not allowed', false);
  };
}

/** A refused handshake: the client's `connect_error` carries the message and the envelope as `data`. */
const refusal = handshakeRefusal;

function handshakeToken(socket: ChatSocket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth;
  const fromQuery = socket.handshake.query.token;
  return typeof fromQuery === 'string' && fromQuery ? fromQuery : undefined;
}

export function installSocketGuards(
  io: ChatServer,
  auth: AuthContext,
  connections: RateLimiter,
): void {
  io.use(async (socket, next) => {
    const retryAfterMs = await overLimit(connections, socket.handshake.address);
    if (retryAfterMs !== undefined) {
      return next(refusal('RATE_LIMITED', 'Too many connections; retry later', { retryAfterMs }));
    }
    if (auth.mode === 'none') return next();
    const token = handshakeToken(socket);
    if (!token) {
      return next(refusal('MISSING_TOKEN', 'Authentication required: connect with auth.token'));
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
      if (verified.expiresAt !== undefined) socket.data.expiresAt = verified.expiresAt;
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
