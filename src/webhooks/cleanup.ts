/**
 * The outbox's settled rows go after a while: one row per event and receiver would
 * otherwise grow without end. Delivered rows are kept webhookKeepDeliveredMs (a week: a
 * receiver's "did you send this?" is answered from them), failed ones webhookKeepFailedMs
 * (a month to be listed and retried; a retry makes a row pending again, and its week
 * starts once delivered). Pending rows are never touched, so no lane loses its order.
 *
 * One node at a time (leases/leased-job.ts, like retention): every webhookCleanupEveryMs
 * the holder of the lease deletes webhookCleanupBatch rows per statement with
 * webhookCleanupPauseMs between them (SQLite's one writer serves the sends waiting
 * meanwhile).
 */
import type { Logger } from 'pino';
import { type LeasedJob, type Leases, startLeasedJob } from '../leases/leased-job.js';
import { TUNABLES } from '../tunables.js';
import type { WebhookOutbox } from './outbox.js';

export const OUTBOX_CLEANUP_LEASE = 'webhook-outbox-cleanup';

export interface CleanupDeps {
  outbox: Pick<WebhookOutbox, 'deleteSettled'>;
  leases: Leases;
}

export interface CleanupOptions {
  keepDeliveredMs: number;
  keepFailedMs: number;
  batch: number;
  /** Asked between batches: false stops (the lease was lost, or the node is stopping). */
  stillHeld?: () => Promise<boolean>;
  onDeleted?: (rows: number) => void;
}

const pause = (): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, TUNABLES.webhookCleanupPauseMs.value));

/** Deletes what is past keeping at `nowMs`, a batch per statement; answers how many rows went. */
export async function cleanOutbox(
  { outbox }: Pick<CleanupDeps, 'outbox'>,
  nowMs: number,
  options: CleanupOptions,
): Promise<number> {
  let total = 0;
  const kept = [
    ['delivered', options.keepDeliveredMs],
    ['failed', options.keepFailedMs],
  ] as const;
  for (const [status, keepMs] of kept) {
    const before = new Date(nowMs - keepMs).toISOString();
    for (;;) {
      const deleted = await outbox.deleteSettled(status, before, options.batch);
      total += deleted;
      if (deleted > 0) options.onDeleted?.(deleted);
      if (deleted < options.batch) break;
      await pause();
      if (options.stillHeld && !(await options.stillHeld())) return total;
    }
  }
  return total;
}

export type CleanupJob = LeasedJob;

/** Every `everyMs` (first after `firstRunMs`), on the node holding the cleanup lease. */
export function startOutboxCleanup(
  deps: CleanupDeps,
  options: Omit<CleanupOptions, 'stillHeld'> & { everyMs: number; firstRunMs: number },
  holder: string,
  logger: Logger,
): CleanupJob {
  const job = {
    lease: OUTBOX_CLEANUP_LEASE,
    holder,
    leaseMs: TUNABLES.webhookCleanupLeaseMs.value,
    everyMs: options.everyMs,
    firstRunMs: options.firstRunMs,
    failure: 'webhook outbox cleanup failed; the next round retries',
  };
  return startLeasedJob(deps.leases, job, logger, async (stillHeld) => {
    const deleted = await cleanOutbox(deps, Date.now(), { ...options, stillHeld });
    if (deleted > 0) logger.info({ deleted }, 'webhook outbox: settled deliveries deleted');
  });
}
