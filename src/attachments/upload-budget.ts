/**
 * The node's upload byte budget: every upload of this node together reads at most
 * `bytesPerSecond` of file. Parsing, hashing, sniffing and storing a file take CPU the
 * node's sends need; an upload read as fast as the client sends competes with them for
 * the whole of its length (bench/attachments.ts: a send's p99 ×2.3 during one 5 MB
 * upload, ×4.6 during ten, on 2 cores). Spread over time, the same work leaves the event loop free between
 * chunks.
 *
 * A token bucket that may go into debt: what an upload just read is charged, and the
 * upload waits until the debt is paid before it reads more. Each upload has one read
 * waiting at a time and waits behind every read charged before it, so uploads take turns
 * in the order they asked (no upload is starved by another); a turn reads all its upload's
 * stream holds (routes/attachments.ts), so a connection handing the node small reads is
 * not held to one of them a turn. While it waits its stream is not read, so its
 * connection stops being read and TCP slows the client: nothing is buffered beyond the
 * streams' own high-water marks.
 */

export interface UploadBudget {
  /**
   * Charges `bytes` just read: how long (ms) the upload must wait before reading more,
   * 0 when the budget has them.
   */
  charge(bytes: number, nowMs: number): number;
}

/**
 * The budget's clock: monotonic, not the wall clock. A wall clock set back (an NTP step, a
 * VM resumed) would leave the bucket refilling nothing until it caught up, and every
 * upload crawling meanwhile (a 1 MiB file took 17 s instead of ~2 after a minute back).
 */
export const monotonicMs = (): number => performance.now();

/** A budget that never makes anyone wait (ATTACHMENT_UPLOAD_BYTES_PER_SECOND=0). */
export const UNLIMITED: UploadBudget = { charge: () => 0 };

/**
 * The burst a quiet node lets through at once, as time at the budget's rate: a small file
 * on a node that was not uploading is not slowed, and a burst is short enough (a tenth of
 * a second of work) not to be felt by the sends beside it. rate-limiter-flexible (the
 * request limits' library) refuses a take it cannot serve and leaves the retry to the
 * caller, so uploads retrying on their own would not take turns: hence this bucket.
 */
const BURST_MS = 100;

/**
 * `onWait` hears each wait it hands out (ms), for the metric of how much the budget holds
 * uploads back: a node whose uploads wait often needs a larger budget or more CPU.
 */
export function uploadBudget(
  bytesPerSecond: number,
  startMs: number,
  onWait: (ms: number) => void = () => {},
): UploadBudget {
  if (bytesPerSecond <= 0) return UNLIMITED;
  const capacity = (bytesPerSecond * BURST_MS) / 1000;
  let tokens = capacity;
  let at = startMs;
  return {
    charge(bytes, nowMs) {
      // A clock set back refills nothing rather than taking tokens away.
      tokens = Math.min(capacity, tokens + (Math.max(0, nowMs - at) * bytesPerSecond) / 1000);
      at = Math.max(at, nowMs);
      tokens -= bytes;
      if (tokens >= 0) return 0;
      const waitMs = Math.ceil((-tokens * 1000) / bytesPerSecond);
      onWait(waitMs);
      return waitMs;
    },
  };
}

/** One upload's use of the budget: its waits, and how long it has been held by them. */
export interface BudgetGate {
  /** After reading `bytes`: undefined to read on, else a promise of the end of the wait. */
  charge(bytes: number): Promise<void> | undefined;
  /**
   * The time (ms) the budget held this upload back so far, the wait under way included,
   * as its pace rules forgive it: each wait at most what the chunk before it would have
   * taken at `minBytesPerSecond`.
   */
  heldMs(nowMs: number): number;
  /**
   * The upload ended: a wait under way is cut short. Its bytes stay charged: they were
   * read, and what they cost was spent.
   */
  close(): void;
}

/**
 * Why a wait is forgiven only up to its chunk's time at the minimum rate: every read
 * waits a whole turn behind the others', whatever its size, so a trickle that keeps a
 * byte waiting for each of its turns would be held all the time, and judged on no time at
 * all for as long as other uploads keep the budget busy. Capped, a held upload is still
 * judged on at least its real time less its bytes' time at the minimum rate: one below
 * half that rate is cut, and none outlives maxMs by more than the largest file's time at
 * it. An upload the budget slows is forgiven its whole waits while its share of the
 * budget is over half the minimum rate (at 8 MiB/s and 16 KiB/s, up to 1,024 at once).
 */
export function budgetGate(
  budget: UploadBudget,
  minBytesPerSecond: number,
  clock: () => number = monotonicMs,
): BudgetGate {
  let heldMs = 0;
  let waiting:
    | { since: number; forgivable: number; timer: NodeJS.Timeout; done: () => void }
    | undefined;
  const forgiven = (nowMs: number) =>
    waiting ? Math.min(nowMs - waiting.since, waiting.forgivable) : 0;
  const endWait = (nowMs: number) => {
    if (!waiting) return;
    heldMs += forgiven(nowMs);
    clearTimeout(waiting.timer);
    const { done } = waiting;
    waiting = undefined;
    done();
  };
  return {
    charge(bytes) {
      const now = clock();
      const waitMs = budget.charge(bytes, now);
      if (waitMs === 0) return undefined;
      const forgivable = (bytes * 1000) / minBytesPerSecond;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => endWait(clock()), waitMs);
        waiting = { since: now, forgivable, timer, done: resolve };
      });
    },
    heldMs(nowMs) {
      return heldMs + forgiven(nowMs);
    },
    close() {
      endWait(clock());
    },
  };
}
