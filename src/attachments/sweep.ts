/**
 * Uploads no message used within attachmentUnusedMs are deleted, by one node at a time
 * (leases/leased-job.ts): every attachmentSweepMs the holder of the sweep lease sweeps. The record goes first, by a conditional delete the append's
 * mark races against in the database (whichever commits first wins: a message that used
 * it keeps it, a send after the delete is refused), then its bytes. Chunks a crashed
 * upload left without a record are swept the same way.
 */
import type { Logger } from 'pino';
import { type LeasedJob, startLeasedJob } from '../leases/leased-job.js';
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

export type Sweeper = LeasedJob;

/** Every attachmentSweepMs, on the node holding the sweep lease. */
export function startSweeper(deps: AttachmentDeps, holder: string, logger: Logger): Sweeper {
  const every = TUNABLES.attachmentSweepMs.value;
  const job = {
    lease: SWEEP_LEASE,
    holder,
    // Twice the interval: the holder renews it each round, another node takes over when a
    // holder stopped for two.
    leaseMs: 2 * every,
    everyMs: every,
    firstRunMs: every,
    failure: 'attachment sweep failed; the next round retries',
  };
  return startLeasedJob(deps.store.attachments, job, logger, async () => {
    const swept = await sweepUnusedAttachments(deps);
    if (swept.uploads + swept.orphans > 0) logger.info(swept, 'unused attachments deleted');
  });
}
