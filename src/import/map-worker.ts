/**
 * The mapping worker's entry (dist/import-map-worker.js; mapped-batches.ts starts it): reads
 * the export through the descriptor the main thread opened and checked, maps each record, and
 * posts the batches, at most AHEAD beyond what the main thread has taken, so memory holds a
 * few batches whatever the export's size.
 */
import { read } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { setRedaction } from '../redaction/client-text.js';
import { InputError } from './input-error.js';
import { mapExport, packBatch } from './map-export.js';
import type { MapWorkerData, WorkerMessage } from './mapped-batches.js';

const AHEAD = 2;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('map-worker.ts runs as a worker thread');
  const { fd, path, size, collection, redact } = workerData as MapWorkerData;
  setRedaction(redact);
  const post = (message: WorkerMessage) => port.postMessage(message);
  let credits = AHEAD;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    credits++;
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
    for await (const batch of mapExport({ path, size, handle }, collection)) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      post({ kind: 'batch', batch: packBatch(batch) });
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
