/**
 * Uploads no message used within attachmentUnusedMs are deleted, by one node at a time:
 * each node tries every attachmentSweepMs to take (or renew) a lease row in the database,
 * and only its holder sweeps. The record goes first, by a conditional delete the append's
 * mark races against in the database (whichever commits first wins: a message that used
 * it keeps it, a send after the delete is refused), then its bytes. Chunks a crashed
 * upload left without a record are swept the same way.
 */
import type { Logger } from 'pino';
import { TUNABLES } from '../tunables.js';
import type { AttachmentDeps } from './services.js';

export const SWEEP_LEASE = 'attachment-sweep';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Deletes what is due at `nowMs`; answers how many uploads (and orphaned keys) went. */
export async function sweepUnusedAttachments(
  deps: AttachmentDeps,
  nowMs: number = Date.now(),
): Promise<{ uploads: number; orphans: number }> {
  const before = new Date(nowMs - TUNABLES.attachmentUnusedMs.value).toISOString();
  const batch = TUNABLES.attachmentSweepBatch.value;
  const { store } = deps;
  const { blobs } = deps.attachments;
  let uploads = 0;
  for (;;) {
    const due = await store.attachments.unusedBefore(before, batch);
    for (const record of due) {
      if (!(await store.attachments.removeUnused(record.id, before))) continue;
      await blobs.delete(record.blobKey);
      if (record.thumbKey) await blobs.delete(record.thumbKey);
      uploads++;
    }
    if (due.length < batch) break;
    await nextTurn();
  }
  let orphans = 0;
  for (;;) {
    const keys = await store.attachments.orphanChunkKeys(before, batch);
    for (const key of keys) await store.attachments.deleteChunks(key);
    orphans += keys.length;
    if (keys.length < batch) break;
    await nextTurn();
  }
  return { uploads, orphans };
}

export interface Sweeper {
  stop(): void;
}

/** Every attachmentSweepMs: take or renew the lease; its holder sweeps. */
export function startSweeper(deps: AttachmentDeps, holder: string, logger: Logger): Sweeper {
  const every = TUNABLES.attachmentSweepMs.value;
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      // Twice the interval: the holder renews it each round, another node takes over
      // when a holder stopped for two.
      if (!(await deps.store.attachments.takeLease(SWEEP_LEASE, holder, 2 * every))) return;
      const swept = await sweepUnusedAttachments(deps);
      if (swept.uploads + swept.orphans > 0) logger.info(swept, 'unused attachments deleted');
    } catch (err) {
      logger.warn({ err }, 'attachment sweep failed; the next round retries');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void round(), every);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
