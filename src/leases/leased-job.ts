/**
 * A periodic job that one node at a time runs (retention, the outbox cleanup, the upload
 * sweep): the leases table (no Redis needed) says which. Every `everyMs` (first after
 * `firstRunMs`) each node tries to take the lease; its holder runs the work, which asks
 * `stillHeld` between its batches (it renews the lease, and answers false once the node
 * is stopping or lost the lease). A node that finds the lease held before it has ever
 * held it retries every `retryMs`, so a node started just after another's round, or
 * after a node died holding it, still does the work within minutes instead of a period
 * later. Stopping waits for the running round and gives the lease up, so the next node
 * to start (a restart, a deploy) need not wait out the lease.
 */
import type { Logger } from 'pino';

export interface Leases {
  takeLease(name: string, holder: string, ms: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

export interface LeasedJobOptions {
  lease: string;
  holder: string;
  leaseMs: number;
  everyMs: number;
  firstRunMs: number;
  /** Until held once, how soon to try again after finding the lease held (default leaseMs). */
  retryMs?: number;
  /** What the log says when a round fails (the next one retries). */
  failure: string;
}

export interface LeasedJob {
  stop(): Promise<void>;
}

export function startLeasedJob(
  leases: Leases,
  options: LeasedJobOptions,
  logger: Logger,
  work: (stillHeld: () => Promise<boolean>) => Promise<void>,
): LeasedJob {
  const { lease, holder, leaseMs } = options;
  const takeLease = () => leases.takeLease(lease, holder, leaseMs);
  let running: Promise<void> | undefined;
  let stopped = false;
  let heldOnce = false;
  let retry: NodeJS.Timeout | undefined;
  const round = async () => {
    try {
      if (!(await takeLease())) {
        if (!heldOnce && !stopped) {
          clearTimeout(retry);
          retry = setTimeout(start, options.retryMs ?? leaseMs);
          retry.unref();
        }
        return;
      }
      heldOnce = true;
      await work(async () => !stopped && (await takeLease()));
    } catch (err) {
      logger.warn({ err }, options.failure);
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
      clearTimeout(retry);
      clearInterval(timer);
      await running;
      await leases
        .releaseLease(lease, holder)
        .catch((err: unknown) => logger.warn({ err, lease }, 'lease not given up'));
    },
  };
}
