/**
 * The mapping worker's entry (dist/import-map-worker.js; mapped-batches.ts starts it): reads
 * the export through the descriptor the main thread opened and checked, maps each record, and
 * posts the batches, at most `importMappedAheadBytes` of the export and
 * `importMappedAheadDocuments` documents beyond what the main thread has taken, so memory
 * holds a bounded part of the export whatever its size and however small its documents.
 */
import { read } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { setRedaction } from '../redaction/client-text.js';
import { TUNABLES } from '../tunables.js';
import { InputError } from './input-error.js';
import { mapExport, packBatch } from './map-export.js';
import type { MapWorkerData, Taken, WorkerMessage } from './mapped-batches.js';

const AHEAD_BYTES = TUNABLES.importMappedAheadBytes.value;
const AHEAD_DOCUMENTS = TUNABLES.importMappedAheadDocuments.value;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('map-worker.ts runs as a worker thread');
  const { fd, path, size, collection, redact } = workerData as MapWorkerData;
  setRedaction(redact);
  const post = (message: WorkerMessage) => port.postMessage(message);
  // What the main thread has taken (it says so after each batch).
  let taken: Taken = { bytes: 0, documents: 0 };
  let wake: (() => void) | undefined;
  port.on('message', (now: Taken) => {
    taken = now;
    wake?.();
  });
  const handle = {
    read: (buffer: Buffer, offset: number, length: number, position: number) =>
      new Promise<{ bytesRead: number }>((resolve, reject) =>
        read(fd, buffer, offset, length, position, (err, bytesRead) =>
          err ? reject(err) : resolve({ bytesRead }),
        ),
      ),
  };
  try {
    // Where the batches posted so far end, and their documents: the next waits while they
    // reach too far ahead (a batch's own end may be a skipped document's hundreds of MB
    // away, so it does not count). Documents count too: a million tiny ones fit in 16 MiB.
    const posted: Taken = { bytes: 0, documents: 0 };
    const tooFarAhead = () =>
      posted.bytes - taken.bytes > AHEAD_BYTES ||
      posted.documents - taken.documents >= AHEAD_DOCUMENTS;
    for await (const batch of mapExport({ path, size, handle }, collection)) {
      while (tooFarAhead()) await new Promise<void>((resolve) => (wake = resolve));
      post({ kind: 'batch', batch: packBatch(batch) });
      posted.bytes = batch.bytes;
      posted.documents += batch.items.length;
    }
    post({ kind: 'done' });
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    post({
      kind: 'failed',
      input: error instanceof InputError,
      message: error.message,
      stack: error.stack,
    });
  }
}

void main();
