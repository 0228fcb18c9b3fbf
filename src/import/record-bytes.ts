/**
 * The bytes of the document being split out of an export, held only up to the largest a
 * document may be: past that they are counted and let go, so a 300 MB line costs no more
 * memory than a short one, and the document is handed on as too large, with its size.
 */

/** Where a document starts in its export file. */
export interface RecordStart {
  /** 1-based line where the document starts. */
  line: number;
  /**
   * 1-based position among the file's documents: what tells two documents apart when a
   * one-line `--jsonArray` export puts them all on line 1.
   */
  document: number;
  /** 0-based byte offset of its first byte. */
  offset: number;
}

/** A document's bytes, or none (`bytes` undefined) when there were more than the bound. */
export interface SplitRecord extends RecordStart {
  bytes: Buffer | undefined;
  size: number;
}

export class RecordBytes {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  append(bytes: Buffer): void {
    this.size += bytes.length;
    if (this.size > this.maxBytes) this.parts = [];
    else if (bytes.length > 0) this.parts.push(bytes);
  }

  /**
   * The document's bytes (with where it started: a copy, so the caller may move `start` on),
   * and a fresh start for the next one.
   */
  take(start: RecordStart): SplitRecord {
    const { parts, size } = this;
    this.parts = [];
    this.size = 0;
    const bytes =
      size > this.maxBytes ? undefined : parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    return { line: start.line, document: start.document, offset: start.offset, bytes, size };
  }

  discard(): void {
    this.parts = [];
    this.size = 0;
  }
}
