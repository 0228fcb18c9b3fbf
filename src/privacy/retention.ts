/**
 * RETENTION_DAYS: chats closed longer ago are deleted with everything they hold, by one
 * node at a time (leases/leased-job.ts): every retentionSweepMs (first retentionFirstRunMs
 * after its start) the holder of the retention lease purges in batches of
 * retentionBatchChats chats, one transaction each, with a pause of retentionPauseMs
 * between them (SQLite's one writer serves the sends waiting meanwhile). The batch's chats are chosen inside its transaction
 * (PostgreSQL: SKIP LOCKED), so even two purges at once delete each chat once.
 *
 * A purge writes no audit entry: the chat's chain stays, ending with its `chat.closed`,
 * and RETENTION_DAYS says when such a chat goes (docs/data-protection.md, Retention).
 */
import type { Logger } from 'pino';
import type { BlobStore } from '../attachments/ports.js';
import { type LeasedJob, startLeasedJob } from '../leases/leased-job.js';
import type { Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import { retentionCutoff } from './rules.js';

export const RETENTION_LEASE = 'retention-purge';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Between batches: the sends that waited for one are written before the next begins. */
const pause = (): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, TUNABLES.retentionPauseMs.value));

export interface RetentionDeps {
  store: Store;
  blobs: BlobStore;
}

export interface PurgeResult {
  chats: number;
  messages: number;
}

/**
 * Deletes every chat closed before `cutoff`, `batch` chats per transaction; `stillHeld`
 * is asked between batches (a holder that lost its lease stops). Each batch's blobs go
 * after its commit: the records first, so no reader finds a record without its bytes.
 */
export async function purgeClosedChats(
  { store, blobs }: RetentionDeps,
  cutoff: string,
  options: { batch: number; stillHeld?: () => Promise<boolean>; onBatch?: (chats: number) => void },
): Promise<PurgeResult> {
  const total: PurgeResult = { chats: 0, messages: 0 };
  // Chats the v2 import closed carry no closedAt: they count from their last change.
  while ((await store.privacy.dateUndatedClosures(options.batch * 10)) === options.batch * 10) {
    await nextTurn();
  }
  for (;;) {
    const purged = await store.privacy.purgeClosedBefore(cutoff, options.batch);
    for (const key of purged.blobKeys) await blobs.delete(key);
    total.chats += purged.chats;
    total.messages += purged.messages;
    if (purged.chats > 0) options.onBatch?.(purged.chats);
    if (purged.chats < options.batch) return total;
    await pause();
    if (options.stillHeld && !(await options.stillHeld())) return total;
  }
}

export interface RetentionOptions {
  days: number;
  everyMs: number;
  firstRunMs: number;
  batch: number;
  /**
   * Until this node has held the lease once: how soon a round that found it held tries
   * again (default retentionLeaseMs), so a node started just after another's round, or
   * after a node died holding it, still purges within minutes, not a day later.
   */
  retryMs?: number;
  /** Called with each batch's count of purged chats (the metric). */
  onPurged?: (chats: number) => void;
}

export type RetentionJob = LeasedJob;

/** Every `everyMs` (first after `firstRunMs`), on the node holding the retention lease. */
export function startRetention(
  deps: RetentionDeps,
  options: RetentionOptions,
  holder: string,
  logger: Logger,
): RetentionJob {
  const job = {
    lease: RETENTION_LEASE,
    holder,
    leaseMs: TUNABLES.retentionLeaseMs.value,
    everyMs: options.everyMs,
    firstRunMs: options.firstRunMs,
    failure: 'retention purge failed; the next round retries',
    ...(options.retryMs !== undefined && { retryMs: options.retryMs }),
  };
  return startLeasedJob(deps.store.attachments, job, logger, async (stillHeld) => {
    const cutoff = retentionCutoff(Date.now(), options.days);
    const purged = await purgeClosedChats(deps, cutoff, {
      batch: options.batch,
      stillHeld,
      ...(options.onPurged && { onBatch: options.onPurged }),
    });
    if (purged.chats > 0) logger.info({ ...purged, cutoff }, 'retention: expired chats deleted');
  });
}
