/**
 * The envelopes (docs/protocol.md, "Envelopes and errors"), built here and nowhere else: `{ success: true, ... }` for every
 * REST reply and socket ack that succeeded, `{ success: false, error, code }` for every
 * failure. Every failure — REST reply, socket ack, `error` event, handshake refusal — is
 * made by failure() from the catalogue in errors.ts, so a code always has one status and
 * one default message.
 */
import { AppError, ERRORS, type ErrorCode } from './errors.js';

export type SuccessEnvelope<R extends object> = { success: true } & R;

/** The success envelope of each shape a reply may have (so that `'note' in reply` narrows). */
export type SuccessEnvelopes<R extends object> = R extends object ? SuccessEnvelope<R> : never;

export interface FailureEnvelope {
  success: false;
  error: string;
  code: ErrorCode;
  /** On `RATE_LIMITED`: how long to wait before asking again. */
  retryAfterMs?: number;
  /** On `CHAT_TAKEN` and `CHAT_CHANGED`: who holds the chat (v2 clients read `assignedTo`). */
  assignedTo?: string | null;
  assignedAdminId?: string | null;
  [extra: string]: unknown;
}

export interface ErrorReply {
  status: number;
  body: FailureEnvelope;
}

export function succeed<R extends object>(reply: R): SuccessEnvelope<R> {
  return { success: true, ...reply };
}

/** The failure envelope of `code`; without a message, the catalogue's default. */
export function failure(
  code: ErrorCode,
  error: string = ERRORS[code].message,
  extra: Readonly<Record<string, unknown>> = {},
): FailureEnvelope {
  return { success: false, error, code, ...extra };
}

/** Status (from the catalogue) and envelope of `code`. */
export function errorReply(
  code: ErrorCode,
  error?: string,
  extra?: Readonly<Record<string, unknown>>,
): ErrorReply {
  return { status: ERRORS[code].status, body: failure(code, error, extra) };
}

/** Maps a thrown value to status + envelope; `undefined` means "a bug, log it". */
export function toErrorReply(err: unknown): ErrorReply | undefined {
  if (!(err instanceof AppError)) return undefined;
  return errorReply(err.code, err.message, err.extra);
}

/** What a bug looks like from outside: no details. */
export function internalErrorReply(): ErrorReply {
  return errorReply('INTERNAL_ERROR');
}

/** Where failures are logged (a pino logger, the request's or the server's). */
export interface FailureLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * The reply to anything a handler threw, for both transports: a catalogued error as
 * itself (a 5xx logged with its cause, which the client never sees), what `recognise`
 * knows (the transport's own refusals), and anything else a bug: logged, 500, no details.
 */
export function failureReply(
  err: unknown,
  log: FailureLog,
  context: Readonly<Record<string, unknown>> = {},
  recognise: (err: unknown) => ErrorReply | undefined = () => undefined,
): ErrorReply {
  const known = toErrorReply(err);
  if (known) {
    if (known.status >= 500) {
      const cause = err instanceof Error ? err.cause : undefined;
      log.warn({ ...context, code: known.body.code, cause }, known.body.error);
    }
    return known;
  }
  const recognised = recognise(err);
  if (recognised) return recognised;
  log.error({ ...context, err }, 'unhandled error');
  return internalErrorReply();
}

/** The payload of a socket `error` event: the envelope plus the event that caused it. */
export function errorEvent(
  event: string,
  envelope: FailureEnvelope,
): FailureEnvelope & { event: string } {
  return { ...envelope, event };
}

/**
 * A refused Socket.io handshake: the client's `connect_error` has the message as
 * `err.message` and the whole failure envelope as `err.data` (so `err.data.code`).
 */
export function handshakeRefusal(
  code: ErrorCode,
  error?: string,
  extra?: Readonly<Record<string, unknown>>,
): Error & { data: FailureEnvelope } {
  const data = failure(code, error, extra);
  return Object.assign(new Error(data.error), { data });
}
