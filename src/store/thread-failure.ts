/**
 * A store thread's refusal as it crosses back to the event loop (thread-client.ts): the
 * error as plain data, since an Error's class does not survive postMessage; its code is
 * what the store's availability guard reads.
 */
import { errorCode } from './error-code.js';

export interface ThreadFailure {
  id: number;
  error: { name: string; message: string; code: string };
}

export function threadFailure(id: number, err: unknown): ThreadFailure {
  const { name, message } = err instanceof Error ? err : new Error(String(err));
  return { id, error: { name, message, code: errorCode(err) } };
}
