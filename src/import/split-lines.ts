/**
 * JSON lines (mongoexport's default): one document per line; blank lines are skipped. Split
 * as bytes (a newline byte is never part of a multi-byte UTF-8 character), each line held
 * only up to the largest a document may be.
 */
import type { Splitter } from './read-records.js';
import { RecordBytes, type RecordStart, type SplitRecord } from './record-bytes.js';

const NEWLINE = 0x0a;

/** JSON's whitespace, which is all a blank line may hold. */
const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function isBlank(chunk: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWhitespace(chunk[i] ?? 0)) return false;
  return true;
}

export class LineSplitter implements Splitter {
  private readonly current: RecordBytes;
  private readonly start: RecordStart;
  private blank = true;
  private chunk: Buffer = Buffer.alloc(0);
  /** Where in `chunk` the scan goes on. */
  private from = 0;
  /** Byte offset in the file of `chunk`'s first byte. */
  private chunkOffset: number;

  /** `line` and `offset`: where the first chunk pushed starts in the file. */
  constructor(maxBytes: number, line = 1, offset = 0) {
    this.current = new RecordBytes(maxBytes);
    this.start = { line, document: 1, offset };
    this.chunkOffset = offset;
  }

  push(chunk: Buffer): void {
    this.chunkOffset += this.chunk.length;
    this.chunk = chunk;
    this.from = 0;
  }

  next(): SplitRecord | undefined {
    const { chunk } = this;
    while (this.from < chunk.length) {
      const from = this.from;
      const newline = chunk.indexOf(NEWLINE, from);
      const to = newline === -1 ? chunk.length : newline;
      if (this.blank) this.blank = isBlank(chunk, from, to);
      this.current.append(chunk.subarray(from, to));
      if (newline === -1) {
        this.from = chunk.length;
        return undefined;
      }
      this.from = newline + 1;
      const record = this.finishLine();
      this.start.line++;
      this.start.offset = this.chunkOffset + this.from;
      if (record) return record;
    }
    return undefined;
  }

  end(): SplitRecord | undefined {
    return this.finishLine();
  }

  private finishLine(): SplitRecord | undefined {
    if (this.blank) {
      this.current.discard();
      return undefined;
    }
    const record = this.current.take(this.start);
    this.start.document++;
    this.blank = true;
    return record;
  }
}
