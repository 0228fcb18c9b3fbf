/**
 * What a failed Socket.io connection attempt lets the page see of its cause: the refused
 * handshake's failure envelope (`data.code`: a token, a limit), the answer to a polling
 * request (`Origin not allowed`), or nothing at all: a refused WebSocket upgrade and a
 * server that is down look the same to a page (web/console/connection-problem.ts asks
 * further).
 */

/** A polling request's answer said the page's origin is not allowed (CORS_ORIGIN). */
export const ORIGIN_NOT_ALLOWED = 'ORIGIN_NOT_ALLOWED';
/** No answer the page may read: the server is down, or a WebSocket upgrade was refused. */
export const NO_ANSWER = 'NO_ANSWER';

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null;

/** socket.io-client types connect_error's argument as a plain Error; its fields are checked. */
export function refusalCode(err: Error): string {
  const data: unknown = 'data' in err ? err.data : undefined;
  if (isRecord(data) && typeof data.code === 'string') return data.code;
  // A polling request's XMLHttpRequest: the server's answer, when it sent one.
  const context: unknown = 'context' in err ? err.context : undefined;
  const answer =
    isRecord(context) && typeof context.responseText === 'string' ? context.responseText : '';
  return /Origin not allowed/.test(`${err.message} ${answer}`) ? ORIGIN_NOT_ALLOWED : NO_ANSWER;
}
