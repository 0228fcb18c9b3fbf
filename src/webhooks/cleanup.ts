/**
 * The outbox's settled rows go after a while: one row per event and receiver would
 * otherwise grow without end. Delivered rows are kept webhookKeepDeliveredMs (a week: a
 * receiver's "did you send this?" is answered from them), failed ones webhookKeepFailedMs
 * (a month to be listed and retried; a retry makes a row pending again, and its week
 * starts once delivered). Pending rows are never touched, so no lane loses its order.
 *
 * One node at a time (the leases table, like retention): every webhookCleanupEveryMs each
 * node tries to take the lease; its holder deletes webhookCleanupBatch rows per statement
 * with webhookCleanupPauseMs between them (SQLite's one writer serves the sends waiting
 * meanwhile), renewing the lease between batches and giving it up when it stops.
 */
import type { Logger } from 'pino';
import { TUNABLES } from '../tunables.js';
import type { WebhookOutbox } from './outbox.js';

export const OUTBOX_CLEANUP_LEASE = 'webhook-outbox-cleanup';

export interface CleanupDeps {
  outbox: Pick<WebhookOutbox, 'deleteSettled'>;
  leases: {
    takeLease(name: string, holder: string, ms: number): Promise<boolean>;
    releaseLease(name: string, holder: string): Promise<void>;
  };
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

export interface CleanupJob {
  stop(): Promise<void>;
}

/** Every `everyMs` (first after `firstRunMs`): take the lease; its holder cleans. */
export function startOutboxCleanup(
  deps: CleanupDeps,
  options: Omit<CleanupOptions, 'stillHeld'> & { everyMs: number; firstRunMs: number },
  holder: string,
  logger: Logger,
): CleanupJob {
  const leaseMs = TUNABLES.webhookCleanupLeaseMs.value;
  const takeLease = () => deps.leases.takeLease(OUTBOX_CLEANUP_LEASE, holder, leaseMs);
  let running: Promise<void> | undefined;
  let stopped = false;
  const round = async () => {
    try {
      if (!(await takeLease())) return;
      const deleted = await cleanOutbox(deps, Date.now(), {
        ...options,
        stillHeld: async () => !stopped && (await takeLease()),
      });
      if (deleted > 0) logger.info({ deleted }, 'webhook outbox: settled deliveries deleted');
    } catch (err) {
      logger.warn({ err }, 'webhook outbox cleanup failed; the next round retries');
    }
  };
  const start = () => {
    if (stopped || running) return;
    running = round().finally(() => {
      running = undefined;
    });
  };
  const first = setTimeout(start, options.firstRunMs);
  first.unref();
  const timer = setInterval(start, options.everyMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
      await deps.leases
        .releaseLease(OUTBOX_CLEANUP_LEASE, holder)
        .catch((err: unknown) => logger.warn({ err }, 'outbox cleanup lease not given up'));
    },
  };
}
