/**
 * An export file's mapped batches, from a worker thread (map-worker.ts): reading, JSON.parse
 * and mapping were about half of the import's CPU time, and ran between the database writes
 * on one thread; in a worker they run beside them, on another core. Batches arrive in the
 * file's order, so the report's order and every count are as before. The messages' worker
 * starts with the import and maps ahead (map-worker.ts) while the chats are written. A file
 * smaller than TUNABLES.importWorkerBytes is mapped here, by the same code, without a worker.
 */
import { Worker } from 'node:worker_threads';
import { redactionEnabled } from '../redaction/client-text.js';
import { TUNABLES } from '../tunables.js';
import { InputError } from './input-error.js';
import {
  type MappedBatch,
  mapExport,
  type PackedBatch,
  type RowOf,
  unpackBatch,
} from './map-export.js';
import type { ExportFile } from './open-export.js';
import type { Collection } from './report.js';

export interface MapWorkerData {
  fd: number;
  path: string;
  size: number;
  collection: Collection;
  redact: boolean;
}

export type WorkerMessage =
  | { kind: 'batch'; batch: PackedBatch }
  | { kind: 'done' }
  | { kind: 'failed'; input: boolean; message: string; stack: string | undefined };

/** What the main thread has taken so far, told to the worker after each batch it takes. */
export interface Taken {
  /** The export's bytes the batches taken end at. */
  bytes: number;
  /** Documents in the batches taken. */
  documents: number;
}

/**
 * The bundle (dist/import-v2.js) starts the worker's own bundle beside it. From the sources
 * (tests, tsx) the worker is the TypeScript file: Node 20 does not pass a worker's entry
 * through loaders given in its execArgv, so a one-line script loads it with tsx's API.
 */
function startWorker(workerData: MapWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./import-map-worker.js', import.meta.url), { workerData });
  }
  const entry = new URL('./map-worker.ts', import.meta.url).href;
  // Resolved here where the runtime can (Node's ESM loader, as tsx runs the sources); vitest's
  // module runner has no import.meta.resolve, and runs in the checkout, where the bare name
  // resolves from the working directory.
  const api =
    typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : 'tsx/esm/api';
  const script = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  return new Worker(script, { eval: true, workerData });
}

const WORKER_BYTES = TUNABLES.importWorkerBytes.value;

/** An export file being mapped: its batches, taken once, in the file's order. */
export interface Mapping<C extends Collection> {
  batches(): AsyncGenerator<MappedBatch<RowOf<C>>>;
  /** Stops the worker, if any: after the batches were taken, or when the import fails first. */
  close(): Promise<void>;
}

/**
 * Starts mapping `file`: in a worker, which reads ahead at once (so the messages are mapped
 * while the chats are written), or, for a small file, here when its batches are taken.
 */
export function startMapping<C extends Collection>(file: ExportFile, collection: C): Mapping<C> {
  if (file.size < WORKER_BYTES) {
    return { batches: () => mapExport(file, collection), close: async () => {} };
  }
  const worker = startWorker({
    fd: file.handle.fd,
    path: file.path,
    size: file.size,
    collection,
    redact: redactionEnabled(),
  });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  const arrive = (message: WorkerMessage) => {
    queue.push(message);
    wake?.();
  };
  worker.on('message', arrive);
  worker.on('error', (err) =>
    arrive({ kind: 'failed', input: false, message: err.message, stack: err.stack }),
  );
  worker.on('exit', (code) =>
    arrive({
      kind: 'failed',
      input: false,
      message: `the mapping worker exited (${code})`,
      stack: undefined,
    }),
  );
  const close = async (): Promise<void> => {
    worker.removeAllListeners();
    await worker.terminate();
  };
  async function* batches(): AsyncGenerator<MappedBatch<RowOf<C>>> {
    const taken: Taken = { bytes: 0, documents: 0 };
    try {
      for (;;) {
        const message = queue.shift();
        if (message === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (message.kind === 'done') return;
        if (message.kind === 'failed') {
          if (message.input) throw new InputError(message.message);
          throw Object.assign(new Error(message.message), { stack: message.stack });
        }
        taken.bytes = message.batch.bytes;
        taken.documents += message.batch.values.length;
        worker.postMessage(taken);
        yield unpackBatch<RowOf<C>>(message.batch);
      }
    } finally {
      await close();
    }
  }
  return { batches, close };
}
