/**
 * Streams an export file as batches of raw records (one document's text and its line), in
 * either form mongoexport writes: JSON lines, or a JSON array (`--jsonArray`), told apart by
 * the first character. Memory holds one chunk and one document, whatever the file's size.
 */
import { createReadStream } from 'node:fs';
import { InputError } from './input-error.js';
import { JsonArraySplitter } from './split-json-array.js';
import { LineSplitter } from './split-lines.js';

/** One document's text and where it is in its file. */
export interface RawRecord {
  /** 1-based line where the document starts. */
  line: number;
  /**
   * 1-based position among the file's documents: what tells two documents apart when a
   * one-line `--jsonArray` export puts them all on line 1.
   */
  document: number;
  text: string;
}

export interface Splitter {
  push(chunk: string): RawRecord[];
  end(): RawRecord[];
}

const CHUNK_BYTES = 1 << 20;

/** Yields record batches (one per chunk read); `onBytes` gets the bytes read so far. */
export async function* readRecords(
  path: string,
  onBytes: (bytesRead: number) => void = () => {},
): AsyncGenerator<RawRecord[]> {
  // fatal: a file that is not UTF-8 stops the import instead of importing U+FFFD silently.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let splitter: Splitter | undefined;
  let pending = '';
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    bytes += (chunk as Buffer).length;
    let text: string;
    try {
      text = decoder.decode(chunk as Buffer, { stream: true });
    } catch {
      throw new InputError(`${path} is not valid UTF-8 (near byte ${bytes})`);
    }
    if (!splitter) {
      pending += text;
      const first = pending.trimStart()[0];
      if (first === undefined) continue;
      splitter = first === '[' ? new JsonArraySplitter() : new LineSplitter();
      text = pending;
    }
    const records = splitter.push(text);
    onBytes(bytes);
    if (records.length > 0) yield records;
  }
  try {
    decoder.decode(); // throws on a multi-byte character cut off at the end of the file
  } catch {
    throw new InputError(`${path} is not valid UTF-8 (it ends inside a character)`);
  }
  const tail = splitter?.end() ?? [];
  if (tail.length > 0) yield tail;
}
