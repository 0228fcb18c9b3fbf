import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/import/input-error.js';
import { openExport } from '../../src/import/open-export.js';
import {
  type ExportRecord,
  MAX_DOCUMENT_BYTES,
  readRecords,
  type Splitter,
} from '../../src/import/read-records.js';
import type { SplitRecord } from '../../src/import/record-bytes.js';
import { JsonArraySplitter } from '../../src/import/split-json-array.js';
import { LineSplitter } from '../../src/import/split-lines.js';

/** Feeds `text` in pieces of `size` bytes, as chunks of a stream would arrive. */
function split(splitter: Splitter, text: string, size: number): SplitRecord[] {
  const bytes = Buffer.from(text);
  const out: SplitRecord[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    // A copy, as each chunk read is a buffer of its own.
    splitter.push(Buffer.from(bytes.subarray(i, i + size)));
    for (let record = splitter.next(); record; record = splitter.next()) out.push(record);
    // Asked again once a chunk is used up: still nothing, and nothing counted twice.
    expect(splitter.next()).toBeUndefined();
  }
  const last = splitter.end();
  if (last) out.push(last);
  return out;
}

/** Records as text, for comparing. */
const texts = (records: SplitRecord[]) =>
  records.map(({ bytes, ...rest }) => ({ ...rest, text: bytes?.toString() }));

const tricky = '{"a":"x, ] } { \\" [","b":[1,{"c":2}],"d":"😀\\\\"}';
const trickyBytes = Buffer.byteLength(tricky);
const BIG = 1000;

describe('JSON lines', () => {
  const text = `{"n":1}\r\n\n${tricky}\n   \n{"n":3}`;
  it.each([1, 2, 3, 7, 1000])(
    'one record per non-blank line with its line and byte offset (chunks of %i bytes)',
    (size) => {
      expect(texts(split(new LineSplitter(BIG), text, size))).toEqual([
        { line: 1, document: 1, offset: 0, size: 8, text: '{"n":1}\r' },
        { line: 3, document: 2, offset: 10, size: trickyBytes, text: tricky },
        { line: 5, document: 3, offset: 15 + trickyBytes, size: 7, text: '{"n":3}' },
      ]);
    },
  );

  it.each([1, 3, 16, 1000])(
    'a line over the bound is handed on as too large, without its bytes; the next line follows (chunks of %i)',
    (size) => {
      const text = `{"n":1}\n${'x'.repeat(40)}\n{"n":3}\n${'y'.repeat(20)}`;
      expect(texts(split(new LineSplitter(16), text, size))).toEqual([
        { line: 1, document: 1, offset: 0, size: 7, text: '{"n":1}' },
        { line: 2, document: 2, offset: 8, size: 40, text: undefined },
        { line: 3, document: 3, offset: 49, size: 7, text: '{"n":3}' },
        { line: 4, document: 4, offset: 57, size: 20, text: undefined },
      ]);
    },
  );

  it('a long blank line is skipped, not too large', () => {
    expect(texts(split(new LineSplitter(16), `${' '.repeat(50)}\n{"n":1}`, 7))).toEqual([
      { line: 2, document: 1, offset: 51, size: 7, text: '{"n":1}' },
    ]);
  });
});

describe('JSON array', () => {
  const pretty = `[\n  {\n    "n": 1\n  },\n  ${tricky},\n  {"n": [3]}\n]\n`;
  it.each([1, 2, 5, 1000])(
    'elements with the line and byte offset they start at (chunks of %i)',
    (size) => {
      const records = split(new JsonArraySplitter(BIG), pretty, size);
      expect(records.map((r) => [r.line, r.document, r.offset])).toEqual([
        [2, 1, 4],
        [5, 2, 24],
        [6, 3, 28 + trickyBytes],
      ]);
      expect(records.map((r) => JSON.parse(r.bytes?.toString() ?? ''))).toEqual([
        { n: 1 },
        JSON.parse(tricky),
        { n: [3] },
      ]);
    },
  );

  it('a malformed element is handed on alone; a truncated last one too', () => {
    const records = split(new JsonArraySplitter(BIG), '[{"n":1},{"n":},\n{"n":3},{"n":', 4);
    expect(records.map((r) => r.bytes?.toString())).toEqual([
      '{"n":1}',
      '{"n":}',
      '{"n":3}',
      '{"n":',
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 1, 2, 2]);
  });

  it.each([1, 3, 16, 1000])(
    'an element over the bound is handed on as too large; the next element follows (chunks of %i)',
    (size) => {
      const long = `{"s":"${', ] } '.repeat(10)}"}`;
      const text = `[{"n":1},${long},\n{"n":3}, {"n":[${'1,'.repeat(30)}1]}]`;
      expect(texts(split(new JsonArraySplitter(16), text, size))).toEqual([
        { line: 1, document: 1, offset: 1, size: 7, text: '{"n":1}' },
        { line: 1, document: 2, offset: 9, size: long.length, text: undefined },
        { line: 2, document: 3, offset: 11 + long.length, size: 7, text: '{"n":3}' },
        { line: 2, document: 4, offset: 20 + long.length, size: 69, text: undefined },
      ]);
    },
  );

  it('an empty array has no records; text after it is an error', () => {
    expect(split(new JsonArraySplitter(BIG), ' [ ] ', 2)).toEqual([]);
    expect(() => split(new JsonArraySplitter(BIG), '[{"n":1}] {"n":2}', 100)).toThrow(
      /unexpected text after the JSON array at line 1 \(byte offset 10\)/,
    );
  });
});

describe('readRecords from a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-read-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function readAll(content: string | Buffer): Promise<ExportRecord[]> {
    const path = join(dir, 'export.json');
    writeFileSync(path, content);
    const file = await openExport(path);
    try {
      const out: ExportRecord[] = [];
      for await (const batch of readRecords(file)) out.push(...batch);
      return out;
    } finally {
      await file.handle.close();
    }
  }

  it('tells an array from JSON lines by the first character, after a BOM and blank lines', async () => {
    expect(await readAll('\uFEFF\n\n[{"n":1},\n{"n":2}]')).toEqual([
      { kind: 'document', line: 3, document: 1, offset: 6, text: '{"n":1}' },
      { kind: 'document', line: 4, document: 2, offset: 15, text: '{"n":2}' },
    ]);
    expect(await readAll('\uFEFF{"n":1}\n{"n":2}\n')).toEqual([
      { kind: 'document', line: 1, document: 1, offset: 3, text: '{"n":1}' },
      { kind: 'document', line: 2, document: 2, offset: 11, text: '{"n":2}' },
    ]);
  });

  /** Lines of `{"n":"ü…"}` (two bytes a character), so chunks end inside characters. */
  function linesOfUmlauts(totalBytes: number): { bytes: Buffer; lineStarts: number[] } {
    const line = Buffer.from(`{"n":"${'ü'.repeat(500)}"}\n`);
    const count = Math.ceil(totalBytes / line.length);
    const lineStarts = Array.from({ length: count }, (_, i) => i * line.length);
    return { bytes: Buffer.concat(Array(count).fill(line)), lineStarts };
  }

  it('reads a file of several chunks whose chunks end inside characters', async () => {
    const { bytes, lineStarts } = linesOfUmlauts(3.5 * 1024 * 1024);
    const records = await readAll(bytes);
    expect(records).toHaveLength(lineStarts.length);
    expect(records.every((r) => r.kind === 'document' && JSON.parse(r.text).n.length === 500)).toBe(
      true,
    );
  });

  it.each([
    ['in the middle of the second chunk', 1.5 * 1024 * 1024],
    ['as the first byte of a chunk', 2 * 1024 * 1024],
    ['as the last byte of a chunk', 1024 * 1024 - 1],
  ])('names the exact byte and line of invalid UTF-8 %s', async (_, near) => {
    const { bytes, lineStarts } = linesOfUmlauts(3.5 * 1024 * 1024);
    // The first byte of a 'ü' (C3 BC) at or after `near`, made a lone continuation byte.
    let at = near;
    while (bytes[at] !== 0xc3) at++;
    bytes[at] = 0xbc;
    const line = lineStarts.filter((start) => start <= at).length;
    await expect(readAll(bytes)).rejects.toThrow(
      new InputError(
        `${join(dir, 'export.json')} is not valid UTF-8: byte offset ${at} (line ${line}) does not start a valid character`,
      ),
    );
  });

  it('names where a file ends inside a character, and an overlong or surrogate form', async () => {
    await expect(
      readAll(Buffer.from('{"n":1}\n{"n":"\xe2\x82'.split('').map((c) => c.charCodeAt(0)))),
    ).rejects.toThrow(/byte offset 14 \(line 2\)/);
    await expect(readAll(Buffer.from([0x7b, 0x0a, 0x7b, 0xc0, 0xaf, 0x7d]))).rejects.toThrow(
      /byte offset 3 \(line 2\)/,
    );
    await expect(readAll(Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d]))).rejects.toThrow(
      /byte offset 1 \(line 1\)/,
    );
  });

  it('hands on a chunk of tiny documents a thousand at a time, not all at once', async () => {
    const path = join(dir, 'tiny.json');
    writeFileSync(path, '1\n'.repeat(300_000));
    const file = await openExport(path);
    const sizes: number[] = [];
    try {
      for await (const batch of readRecords(file)) sizes.push(batch.length);
    } finally {
      await file.handle.close();
    }
    expect(sizes.reduce((a, b) => a + b)).toBe(300_000);
    expect(Math.max(...sizes)).toBe(1000);
  });

  it('hands on a document over MAX_DOCUMENT_BYTES as too large, with its place, and reads on', async () => {
    const long = `{"content":"${'x'.repeat(MAX_DOCUMENT_BYTES)}"}`;
    const records = await readAll(`{"n":1}\n${long}\n{"n":3}\n`);
    expect(records).toEqual([
      { kind: 'document', line: 1, document: 1, offset: 0, text: '{"n":1}' },
      { kind: 'too-large', line: 2, document: 2, offset: 8, size: long.length },
      { kind: 'document', line: 3, document: 3, offset: 9 + long.length, text: '{"n":3}' },
    ]);
  });
});
