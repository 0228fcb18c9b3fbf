import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/import/input-error.js';
import { type RawRecord, readRecords } from '../../src/import/read-records.js';
import { JsonArraySplitter } from '../../src/import/split-json-array.js';
import { LineSplitter } from '../../src/import/split-lines.js';

/** Feeds `text` in pieces of `size` characters, as chunks of a stream would arrive. */
function split(
  splitter: LineSplitter | JsonArraySplitter,
  text: string,
  size: number,
): RawRecord[] {
  const out: RawRecord[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...splitter.push(text.slice(i, i + size)));
  out.push(...splitter.end());
  return out;
}

const tricky = '{"a":"x, ] } { \\" [","b":[1,{"c":2}],"d":"😀\\\\"}';

describe('JSON lines', () => {
  const text = `{"n":1}\r\n\n${tricky}\n   \n{"n":3}`;
  it.each([1, 2, 3, 7, 1000])(
    'one record per non-blank line with its line number (chunks of %i)',
    (size) => {
      expect(split(new LineSplitter(), text, size)).toEqual([
        { line: 1, document: 1, text: '{"n":1}\r' },
        { line: 3, document: 2, text: tricky },
        { line: 5, document: 3, text: '{"n":3}' },
      ]);
    },
  );
});

describe('JSON array', () => {
  const pretty = `[\n  {\n    "n": 1\n  },\n  ${tricky},\n  {"n": [3]}\n]\n`;
  it.each([1, 2, 5, 1000])('elements with the line they start on (chunks of %i)', (size) => {
    const records = split(new JsonArraySplitter(), pretty, size);
    expect(records.map((r) => [r.line, r.document])).toEqual([
      [2, 1],
      [5, 2],
      [6, 3],
    ]);
    expect(records.map((r) => JSON.parse(r.text))).toEqual([
      { n: 1 },
      JSON.parse(tricky),
      { n: [3] },
    ]);
  });

  it('a malformed element is handed on alone; a truncated last one too', () => {
    const records = split(new JsonArraySplitter(), '[{"n":1},{"n":},\n{"n":3},{"n":', 4);
    expect(records.map((r) => r.text)).toEqual(['{"n":1}', '{"n":}', '{"n":3}', '{"n":']);
    expect(records.map((r) => r.line)).toEqual([1, 1, 2, 2]);
  });

  it('an empty array has no records; text after it is an error', () => {
    expect(split(new JsonArraySplitter(), ' [ ] ', 2)).toEqual([]);
    expect(() => split(new JsonArraySplitter(), '[{"n":1}] {"n":2}', 100)).toThrow(InputError);
  });
});

describe('readRecords from a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-read-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function readAll(content: string | Buffer): Promise<RawRecord[]> {
    const path = join(dir, 'export.json');
    writeFileSync(path, content);
    const out: RawRecord[] = [];
    for await (const batch of readRecords(path)) out.push(...batch);
    return out;
  }

  it('tells an array from JSON lines by the first character, after a BOM and blank lines', async () => {
    expect(await readAll('\uFEFF\n\n[{"n":1},\n{"n":2}]')).toEqual([
      { line: 3, document: 1, text: '{"n":1}' },
      { line: 4, document: 2, text: '{"n":2}' },
    ]);
    expect(await readAll('\uFEFF{"n":1}\n{"n":2}\n')).toEqual([
      { line: 1, document: 1, text: '{"n":1}' },
      { line: 2, document: 2, text: '{"n":2}' },
    ]);
  });

  it('a file that is not UTF-8 stops the import', async () => {
    await expect(readAll(Buffer.from([0x7b, 0xff, 0x7d, 0x0a]))).rejects.toThrow(/not valid UTF-8/);
  });
});
