/**
 * The §3 envelopes, built here and nowhere else: `{ success: true, ... }` for every
 * REST reply and socket ack that succeeded, `{ success: false, error, code }` for every
 * failure (REST, acks, `error` events, handshake refusals).
 */
import { AppError, type ErrorCode } from './errors.js';

export type SuccessEnvelope<R extends object> = { success: true } & R;

export interface FailureEnvelope {
  success: false;
  error: string;
  code: ErrorCode;
  [extra: string]: unknown;
}

export interface ErrorReply {
  status: number;
  body: FailureEnvelope;
}

export function succeed<R extends object>(reply: R): SuccessEnvelope<R> {
  return { success: true, ...reply };
}

export function failure(
  code: ErrorCode,
  error: string,
  extra: Readonly<Record<string, unknown>> = {},
): FailureEnvelope {
  return { success: false, error, code, ...extra };
}

/** Maps a thrown value to status + envelope; `undefined` means "a bug, log it". */
export function toErrorReply(err: unknown): ErrorReply | undefined {
  if (!(err instanceof AppError)) return undefined;
  return { status: err.status, body: failure(err.code, err.message, err.extra) };
}

/** What a bug looks like from outside: no details. */
export function internalErrorReply(): ErrorReply {
  return { status: 500, body: failure('INTERNAL_ERROR', 'Internal server error') };
}
