import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkExport } from '../../src/import/check-export.js';
import { openExport } from '../../src/import/open-export.js';
import type { Progress } from '../../src/import/progress.js';

const dir = mkdtempSync(join(tmpdir(), 'check-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A progress that keeps its latest update: what a progress line would show last. */
function recording(): {
  progress: Progress;
  last: () => { done: number; rows: number } | undefined;
} {
  let last: { done: number; rows: number } | undefined;
  const progress: Progress = {
    start() {},
    update(done, rows) {
      last = { done, rows };
    },
    stop() {},
  };
  return { progress, last: () => last };
}

describe('checking an export file', () => {
  it.each([
    ['JSON lines', '{"_id":"1"}\n{"_id":"2"}\n{"_id":"3"}\n'],
    ['JSON lines without a last newline', '{"_id":"1"}\n{"_id":"2"}\n{"_id":"3"}'],
    ['a JSON array', '[{"_id":"1"},{"_id":"2"},{"_id":"3"}]\n'],
  ])('ends its progress with every row of the file counted (%s)', async (_form, text) => {
    const path = join(dir, 'chats.json');
    writeFileSync(path, text);
    const file = await openExport(path);
    const { progress, last } = recording();
    try {
      await checkExport(file, progress);
    } finally {
      await file.handle.close();
    }
    expect(last()).toEqual({ done: file.size, rows: 3 });
  });
});
