/**
 * What a socket must pass before its first event: an allowed Origin (cross-site
 * WebSocket hijacking), the per-IP connection limit, and with AUTH_MODE=jwt a valid
 * token. Also disconnects a socket when its token expires.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthContext } from '../auth/actor.js';
import { AppError, type ErrorCode } from '../errors.js';
import type { AddressOf } from '../http/client-address.js';
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

/** A refused handshake: the client's `connect_error` carries the message and `data.code`. */
function refusal(message: string, code: ErrorCode, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { data: { code, ...extra } });
}

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
  addressOf: AddressOf,
): void {
  io.use(async (socket, next) => {
    const retryAfterMs = await overLimit(connections, addressOf(socket.request));
    if (retryAfterMs !== undefined) {
      return next(refusal('Too many connections; retry later', 'RATE_LIMITED', { retryAfterMs }));
    }
    if (auth.mode === 'none') return next();
    const token = handshakeToken(socket);
    if (!token) {
      return next(refusal('Authentication required: connect with auth.token', 'MISSING_TOKEN'));
    }
    try {
      const verified = await auth.verifier.verify(token);
      // A recovered session brings back its rooms: only for the person it belonged to.
      const restored = socket.recovered ? socket.data.actor : undefined;
      if (
        restored &&
        (restored.id !== verified.actor.id || restored.role !== verified.actor.role)
      ) {
        return next(refusal('The session being recovered belongs to someone else', 'FORBIDDEN'));
      }
      socket.data.actor = verified.actor;
      if (verified.expiresAt !== undefined) socket.data.expiresAt = verified.expiresAt;
      next();
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INVALID_TOKEN';
      const message = err instanceof AppError ? err.message : 'Invalid token';
      next(refusal(message, code));
    }
  });

  io.on('connection', (socket) => {
    const expiresAt = socket.data.expiresAt;
    if (expiresAt === undefined) return;
    // setTimeout holds at most ~24.8 days; a longer-lived token is re-armed by reconnects.
    const delay = Math.min(Math.max(expiresAt - Date.now(), 0), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      socket.emit('error', {
        success: false,
        code: 'TOKEN_EXPIRED',
        error: 'Token expired; reconnect with a fresh token',
        event: 'auth',
      });
      socket.disconnect(true);
    }, delay);
    socket.on('disconnect', () => clearTimeout(timer));
  });
}
