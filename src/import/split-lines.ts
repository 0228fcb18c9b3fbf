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
  private start: RecordStart;
  private blank = true;
  /** Byte offset of the next chunk's first byte. */
  private offset: number;

  /** `line` and `offset`: where the first chunk pushed starts in the file. */
  constructor(maxBytes: number, line = 1, offset = 0) {
    this.current = new RecordBytes(maxBytes);
    this.start = { line, document: 1, offset };
    this.offset = offset;
  }

  push(chunk: Buffer): SplitRecord[] {
    const records: SplitRecord[] = [];
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, from);
      const to = newline === -1 ? chunk.length : newline;
      if (this.blank) this.blank = isBlank(chunk, from, to);
      this.current.append(chunk.subarray(from, to));
      if (newline === -1) break;
      this.finishLine(records);
      from = newline + 1;
      this.start.line++;
      this.start.offset = this.offset + from;
    }
    this.offset += chunk.length;
    return records;
  }

  end(): SplitRecord[] {
    const records: SplitRecord[] = [];
    this.finishLine(records);
    return records;
  }

  private finishLine(records: SplitRecord[]): void {
    if (this.blank) {
      this.current.discard();
      return;
    }
    records.push(this.current.take({ ...this.start }));
    this.start.document++;
    this.blank = true;
  }
}
