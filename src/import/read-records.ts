/**
 * Streams an export file as batches of records (one document's text and where it is), in
 * either form mongoexport writes: JSON lines, or a JSON array (`--jsonArray`), told apart by
 * the first character. Memory holds one chunk and one document, whatever the file's size;
 * a document larger than MAX_DOCUMENT_BYTES is not held at all, only reported as too large.
 */

import { TUNABLES } from '../tunables.js';
import { InputError } from './input-error.js';
import type { RecordStart, SplitRecord } from './record-bytes.js';
import { JsonArraySplitter } from './split-json-array.js';
import { LineSplitter } from './split-lines.js';
import { firstInvalidUtf8 } from './utf8.js';

/** The largest document (a line, or an array element) the import reads (src/tunables.ts). */
export const MAX_DOCUMENT_BYTES = TUNABLES.maxDocumentBytes.value;

/**
 * What reading needs of an opened export: its path (for messages), its size when opened, and
 * positional reads — an ExportFile's handle, or its descriptor in the mapping worker.
 */
export interface ExportReader {
  path: string;
  size: number;
  handle: {
    read(
      buffer: Buffer,
      offset: number,
      length: number,
      position: number,
    ): Promise<{ bytesRead: number }>;
  };
}

/** One document's text and where it is in its file. */
export interface RawRecord extends RecordStart {
  kind: 'document';
  text: string;
}

/** A document over the size limit: its place and size, never its bytes. */
export interface TooLargeRecord extends RecordStart {
  kind: 'too-large';
  size: number;
}

export type ExportRecord = RawRecord | TooLargeRecord;

/**
 * Splits a stream of chunks into documents: `push` a chunk, then take its documents with
 * `next` until it answers undefined; after the last chunk, `end` hands on an unfinished one.
 * Taken one at a time, so a chunk of a million tiny documents is never a million objects.
 */
export interface Splitter {
  push(chunk: Buffer): void;
  next(): SplitRecord | undefined;
  end(): SplitRecord | undefined;
}

const CHUNK_BYTES = TUNABLES.importChunkBytes.value;
/** Records handed on at a time: the import awaits its database writes between batches. */
const RECORDS_PER_BATCH = TUNABLES.importRecordsPerBatch.value;
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];
const NEWLINE = 0x0a;
const OPEN_BRACKET = 0x5b;
const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The file's bytes as it was when opened, in chunks of their own (records keep slices). */
async function* chunks({ handle, size }: ExportReader): AsyncGenerator<Buffer> {
  let position = 0;
  while (position < size) {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - position));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return; // truncated since it was opened
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

const countNewlines = (bytes: Buffer, end: number): number => {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
};

class RecordDecoder {
  // fatal: a file that is not UTF-8 stops the import instead of importing U+FFFD silently.
  // ignoreBOM: the file's own byte order mark is skipped before splitting; one inside a
  // document is its text.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  constructor(private readonly path: string) {}

  /**
   * Fields named one by one, not spread: spreading the record (and its rest) cost 2–3 µs a
   * document, most of what reading the file took (100,000 documents: 250–330 ms of CPU
   * against 40–65 ms, with RecordBytes.take's and LineSplitter's spreads gone too).
   */
  decode({ bytes, size, line, document, offset }: SplitRecord): ExportRecord {
    if (bytes === undefined) return { kind: 'too-large', line, document, offset, size };
    try {
      return { kind: 'document', line, document, offset, text: this.decoder.decode(bytes) };
    } catch {
      const at = firstInvalidUtf8(bytes);
      const badLine = line + countNewlines(bytes, at);
      throw new InputError(
        `${this.path} is not valid UTF-8: byte offset ${offset + at} (line ${badLine}) does not start a valid character`,
      );
    }
  }
}

/** Yields record batches; `onBytes` gets the bytes read so far. */
export async function* readRecords(
  file: ExportReader,
  onBytes: (bytesRead: number) => void = () => {},
): AsyncGenerator<ExportRecord[]> {
  const decoder = new RecordDecoder(file.path);
  let splitter: Splitter | undefined;
  // Before the first document: where the bytes read so far end (line, offset).
  let line = 1;
  let offset = 0;
  for await (let chunk of chunks(file)) {
    if (!splitter) {
      let i = 0;
      if (offset === 0 && BYTE_ORDER_MARK.every((b, k) => chunk[k] === b)) i = 3;
      for (; i < chunk.length && isWhitespace(chunk[i] ?? 0); i++) if (chunk[i] === NEWLINE) line++;
      offset += i;
      if (i === chunk.length) continue;
      chunk = chunk.subarray(i);
      splitter =
        chunk[0] === OPEN_BRACKET
          ? new JsonArraySplitter(MAX_DOCUMENT_BYTES, line, offset)
          : new LineSplitter(MAX_DOCUMENT_BYTES, line, offset);
    }
    splitter.push(chunk);
    offset += chunk.length;
    let batch: ExportRecord[] = [];
    for (let record = splitter.next(); record; record = splitter.next()) {
      batch.push(decoder.decode(record));
      if (batch.length === RECORDS_PER_BATCH) {
        yield batch;
        batch = [];
      }
    }
    onBytes(offset);
    if (batch.length > 0) yield batch;
  }
  const last = splitter?.end();
  if (last) yield [decoder.decode(last)];
}
