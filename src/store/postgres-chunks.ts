/**
 * A download's chunk reads on PostgreSQL, as raw bytes. Read as a column, a bytea comes as
 * hex text that node-postgres decodes in JavaScript: 512 KiB of text received, decoded
 * from UTF-8 and from hex for each 256 KiB chunk, on the event loop beside live sends.
 * Asking for the column in binary format does not help: node-postgres still reads every
 * value of a row as UTF-8 text (pg-protocol's DataRow parser) and has no binary bytea
 * parser (pg-types), so any byte sequence that is not UTF-8 comes back changed. COPY's
 * data is the one reply it hands over as bytes (CopyData): the chunk is read by
 * `COPY (SELECT ...) TO STDOUT (FORMAT binary)` (pg-copy-streams runs it), half the bytes on
 * the wire and no decoding. COPY takes no parameters, so the key goes in as an escaped literal.
 */
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** The binary COPY format's signature, then its flags and header extension lengths. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8;

/**
 * The one column of the one row a binary COPY holds, or undefined when it holds no row.
 * Anything else (another signature, a NULL, more columns) is not the statement's reply.
 */
export function copiedValue(copy: Buffer): Buffer | undefined {
  if (copy.length < HEADER_BYTES || !copy.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw new Error('a binary COPY without its signature');
  }
  const at = HEADER_BYTES + copy.readUInt32BE(SIGNATURE.length + 4);
  const fields = copy.readInt16BE(at);
  if (fields === -1) return undefined;
  const length = copy.readInt32BE(at + 2);
  if (fields !== 1 || length < 0 || at + 6 + length > copy.length) {
    throw new Error('a binary COPY that is not one bytea column');
  }
  return copy.subarray(at + 6, at + 6 + length);
}

/** Reads chunk `idx` of `key` from attachment_chunks on a connection of `pool`. */
export function postgresChunkReader(
  pool: pg.Pool,
): (key: string, idx: number) => Promise<Uint8Array | undefined> {
  return async (key, idx) => {
    if (!Number.isSafeInteger(idx)) throw new RangeError(`chunk index ${idx}`);
    // No stored key holds a NUL (PostgreSQL's text cannot), and in the statement's text one
    // would cut it short: a protocol error, which reads as the database being unavailable.
    if (key.includes('\0')) return undefined;
    const text = `COPY (SELECT data FROM attachment_chunks WHERE key = ${pg.escapeLiteral(key)} AND idx = ${idx}) TO STDOUT (FORMAT binary)`;
    const client = await pool.connect();
    let failure: Error | undefined;
    try {
      const parts: Buffer[] = [];
      for await (const part of client.query(copyTo(text))) {
        if (Buffer.isBuffer(part)) parts.push(part);
      }
      const [only, ...more] = parts;
      return copiedValue(only && more.length === 0 ? only : Buffer.concat(parts));
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(failure);
    }
  };
}
