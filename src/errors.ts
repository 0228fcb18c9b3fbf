/**
 * The one catalogue of errors a client can cause. Each has a stable machine code and an
 * HTTP status; envelopes.ts turns any of them into the §3 failure envelope, used by both
 * REST replies and socket acks. Anything that is not an AppError is a bug: 500, no details.
 */

export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'INVALID_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNKNOWN_EVENT'
  | 'NOT_IDENTIFIED'
  | 'UNAUTHORIZED'
  | 'MISSING_TOKEN'
  | 'INVALID_TOKEN'
  | 'TOKEN_EXPIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CHAT_NOT_FOUND'
  | 'CHAT_TAKEN'
  | 'CHAT_CLOSED'
  | 'CHAT_NOT_ASSIGNED'
  | 'CHAT_CHANGED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'STORE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** Extra envelope fields v2 clients read (e.g. `assignedTo` on a taken chat). */
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** What went wrong underneath, for the log (never sent to the client). */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }
}

export class InvalidInput extends AppError {
  constructor(message: string, code: ErrorCode = 'VALIDATION_ERROR') {
    super(400, code, message);
  }
}

export class Unauthorized extends AppError {
  constructor(message: string, code: ErrorCode = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}

export class Forbidden extends AppError {
  constructor(message: string) {
    super(403, 'FORBIDDEN', message);
  }
}

export class NotFound extends AppError {
  constructor(message: string, code: ErrorCode = 'NOT_FOUND') {
    super(404, code, message);
  }
}

export class Conflict extends AppError {
  constructor(message: string, code: ErrorCode, extra: Record<string, unknown> = {}) {
    super(409, code, message, extra);
  }
}

export class RateLimited extends AppError {
  constructor(readonly retryAfterMs: number) {
    super(429, 'RATE_LIMITED', 'Too many requests; slow down', { retryAfterMs });
  }
}

export class Unavailable extends AppError {
  constructor(cause?: unknown) {
    super(
      503,
      'STORE_UNAVAILABLE',
      'The message store is unavailable; try again shortly',
      {},
      cause,
    );
  }
}

export const chatNotFound = (chatId: string): NotFound =>
  new NotFound(`Chat ${chatId} not found`, 'CHAT_NOT_FOUND');
