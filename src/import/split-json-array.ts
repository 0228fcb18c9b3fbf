/**
 * A JSON array (`mongoexport --jsonArray`, with or without `--pretty`), split into its
 * elements without parsing them: a scan that tracks strings and nesting depth finds the
 * commas between elements. Each element is parsed on its own afterwards, so one malformed
 * document is one reject (with its line) rather than the end of the import, and memory holds
 * one element at a time — and of an element only as many bytes as a document may have —
 * whatever the file's size. (A streaming tokenizer such as stream-json stops at the first
 * syntax error, and its current major needs Node 22.) Scanned as bytes: every byte the scan
 * looks for is ASCII, which never occurs inside a multi-byte UTF-8 character.
 */
import { InputError } from './input-error.js';
import type { Splitter } from './read-records.js';
import { RecordBytes, type RecordStart, type SplitRecord } from './record-bytes.js';

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class JsonArraySplitter implements Splitter {
  private state: 'before' | 'inside' | 'after' = 'before';
  private line: number;
  /** Nesting below the array itself: 0 between elements. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inElement = false;
  private elementStart: RecordStart = { line: 0, document: 0, offset: 0 };
  private documents = 0;
  private readonly element: RecordBytes;
  private chunk: Buffer = Buffer.alloc(0);
  /** Where in `chunk` the scan goes on, and where the element being read starts in it. */
  private from = 0;
  private elementFrom = 0;
  /** Byte offset in the file of `chunk`'s first byte. */
  private chunkOffset: number;

  /** `line` and `offset`: where the first chunk pushed starts in the file. */
  constructor(maxBytes: number, line = 1, offset = 0) {
    this.element = new RecordBytes(maxBytes);
    this.line = line;
    this.chunkOffset = offset;
  }

  push(chunk: Buffer): void {
    this.chunkOffset += this.chunk.length;
    this.chunk = chunk;
    this.from = 0;
    this.elementFrom = 0;
  }

  next(): SplitRecord | undefined {
    const { chunk } = this;
    if (this.from >= chunk.length) return undefined;
    for (let i = this.from; i < chunk.length; i++) {
      const c = chunk[i] ?? 0;
      if (c === NEWLINE) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (isWhitespace(c) && !this.inElement) continue;
      if (this.state !== 'inside') {
        if (this.state === 'before' && c === OPEN_BRACKET) {
          this.state = 'inside';
          continue;
        }
        throw new InputError(
          `unexpected text ${this.state} the JSON array at line ${this.line} (byte offset ${this.chunkOffset + i})`,
        );
      }
      if (this.depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
        if (c === CLOSE_BRACKET) this.state = 'after';
        if (this.inElement) {
          this.from = i + 1;
          return this.finish(chunk.subarray(this.elementFrom, i));
        }
        continue;
      }
      if (!this.inElement) {
        this.inElement = true;
        const offset = this.chunkOffset + i;
        this.elementStart = { line: this.line, document: ++this.documents, offset };
        this.elementFrom = i;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      // A stray closer at depth 0 stays in the element, which then fails to parse.
      else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && this.depth > 0) this.depth--;
    }
    if (this.inElement) this.element.append(chunk.subarray(this.elementFrom));
    this.from = chunk.length;
    return undefined;
  }

  /** A truncated last element is handed on, to be rejected as invalid JSON with its line. */
  end(): SplitRecord | undefined {
    return this.inElement ? this.finish(Buffer.alloc(0)) : undefined;
  }

  private finish(tail: Buffer): SplitRecord {
    this.element.append(tail);
    this.inElement = false;
    return this.element.take(this.elementStart);
  }
}
