/**
 * The mapping worker reads ahead of the import while nothing is taken (the chats are being
 * written, a staging transaction holds the main thread), but only so far: by bytes of the
 * export, and by documents, since each mapped document costs memory however small it is
 * (16 MiB of tiny documents are a million of them).
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { WorkerMessage } from '../../src/import/mapped-batches.js';
import { openExport } from '../../src/import/open-export.js';
import { TUNABLES } from '../../src/tunables.js';
import { waitUntil } from '../helpers/processes.js';

/** The workers startMapping starts, to count what they post. */
const started = vi.hoisted((): Worker[] => []);

vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>();
  class Recorded extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      started.push(this);
    }
  }
  return { ...original, Worker: Recorded };
});

const { startMapping } = await import('../../src/import/mapped-batches.js');

const dir = mkdtempSync(join(tmpdir(), 'mapped-batches-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Messages of a few bytes each, enough of them for the worker (importWorkerBytes). */
function writeTinyDocuments(path: string): void {
  const fd = openSync(path, 'w');
  try {
    let bytes = 0;
    for (let n = 0; bytes < TUNABLES.importWorkerBytes.value + 1024; ) {
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++, n++) lines.push(`{"_id":"m${n}"}`);
      bytes += writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Messages of 64 KiB each, 40 MiB of them: well past importMappedAheadBytes in few documents. */
function writeLargeDocuments(path: string): void {
  const fd = openSync(path, 'w');
  try {
    const content = 'x'.repeat(64 * 1024);
    for (let n = 0, bytes = 0; bytes < 40 * 1024 * 1024; n++) {
      bytes += writeSync(fd, `${JSON.stringify({ _id: `m${n}`, content })}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

describe('the mapping worker', () => {
  it('maps no more than importMappedAheadBytes of the export ahead of what is taken, however few the documents', async () => {
    const path = join(dir, 'large.json');
    writeLargeDocuments(path);
    const file = await openExport(path);
    const mapping = startMapping(file, 'messages');
    try {
      const worker = started.at(-1);
      if (!worker) throw new Error('the export is mapped without a worker');
      // Where the batches posted so far end in the export.
      let postedTo = 0;
      let last = Date.now();
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind !== 'batch') return;
        postedTo = message.batch.bytes;
        last = Date.now();
      });
      // A batch ends where the reading stands: up to a chunk past the bound, one more in hand.
      const limit = TUNABLES.importMappedAheadBytes.value + 2 * TUNABLES.importChunkBytes.value;
      // The quiet second is counted from the first batch, as below.
      await waitUntil('the first batch', async () => postedTo > 0);
      while (postedTo <= limit && Date.now() - last < 1000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(postedTo).toBeGreaterThan(0);
      expect(postedTo).toBeLessThanOrEqual(limit);
    } finally {
      await mapping.close();
      await file.handle.close();
    }
  }, 20_000);

  it('maps no more than importMappedAheadDocuments ahead of what is taken, however small the documents', async () => {
    const path = join(dir, 'messages.json');
    writeTinyDocuments(path);
    const file = await openExport(path);
    const mapping = startMapping(file, 'messages');
    try {
      const worker = started.at(-1);
      if (!worker) throw new Error('the export is mapped without a worker');
      let posted = 0;
      let last = Date.now();
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind !== 'batch') return;
        posted += message.batch.values.length;
        last = Date.now();
      });
      const limit =
        TUNABLES.importMappedAheadDocuments.value + TUNABLES.importRecordsPerBatch.value;
      // Nothing is taken: the worker goes as far ahead as it may, then waits. The quiet
      // second is counted from its first batch (a worker started from source is bundled
      // first, which a loaded machine can make last longer than that).
      await waitUntil('the first batch', async () => posted > 0);
      while (posted <= limit && Date.now() - last < 1000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(posted).toBeGreaterThan(0);
      expect(posted).toBeLessThanOrEqual(limit);
      // What it mapped is still there, in order, once taken.
      let first: string | null | undefined;
      for await (const { items } of mapping.batches()) {
        const mapped = items[0]?.mapped;
        // A message with only an _id is rejected, its _id named.
        first = mapped && !mapped.ok ? mapped.rejection.id : undefined;
        break;
      }
      expect(first).toBe('m0');
    } finally {
      await mapping.close();
      await file.handle.close();
    }
  }, 20_000);
});
