/**
 * Range requests on downloads (RFC 9110 §14): one byte range, so a player or a download
 * manager can resume or seek. Several ranges in one request (multipart/byteranges) are
 * not served: such a request, a malformed header or another unit gets the whole file
 * (200), as the RFC allows a server to ignore Range. Pure: the transport parses the
 * header, the download resolves it against the file's size.
 */

/** `bytes=start-end`, `bytes=start-` (to the end) or `bytes=-suffix` (the last bytes). */
export type RangeRequest = { start: number; end: number | undefined } | { suffix: number };

/** A satisfiable range within a file: inclusive byte offsets. */
export interface ByteRange {
  start: number;
  end: number;
}

const ONE_RANGE = /^bytes=[ \t]*(\d*)-(\d*)[ \t]*$/i;
/** Offsets past 2^53 are not byte offsets of any file we hold. */
const MAX_DIGITS = 15;

/** The one range the header asks for, or undefined to answer the whole file. */
export function parseRange(header: string | undefined): RangeRequest | undefined {
  if (header === undefined) return undefined;
  const m = ONE_RANGE.exec(header);
  if (!m) return undefined;
  const [, first = '', last = ''] = m;
  if (first.length > MAX_DIGITS || last.length > MAX_DIGITS) return undefined;
  if (first === '') return last === '' ? undefined : { suffix: Number(last) };
  const start = Number(first);
  const end = last === '' ? undefined : Number(last);
  if (end !== undefined && end < start) return undefined;
  return { start, end };
}

/** The bytes of a file of `size` the request selects, or 'unsatisfiable' (416) when none. */
export function resolveRange(request: RangeRequest, size: number): ByteRange | 'unsatisfiable' {
  if ('suffix' in request) {
    if (request.suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - request.suffix), end: size - 1 };
  }
  if (request.start >= size) return 'unsatisfiable';
  return { start: request.start, end: Math.min(request.end ?? size - 1, size - 1) };
}
