/**
 * Where a waiting user stands and how long they may wait: pure, shared by
 * `GET /api/chats/:chatId/queue` and the `queue-position` events.
 *
 * The estimate is Little's law over the recent past: a queue that stays about as long
 * as it is now is served at `waiting / medianWait` chats per second, so the user at
 * `position` is reached in `medianWait × position / waiting`. The median (not the mean)
 * of the recent waits, so that one chat forgotten overnight does not move it. A user
 * alone in the queue is told the median itself; with no recent first assignment the
 * estimate is null (the widget then shows the position alone). It assumes the queue's
 * length is steady: after a sudden burst it is low until the burst's chats are
 * assigned and their waits enter the median.
 */

/** The median of the values, or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** Whole seconds until `position` (1 = next) of `waiting` is reached, or null without data. */
export function estimatedWaitSeconds(
  medianWaitMs: number | null,
  position: number,
  waiting: number,
): number | null {
  if (medianWaitMs === null || waiting < 1) return null;
  return Math.round((medianWaitMs * Math.min(position, waiting)) / waiting / 1000);
}

/** What `queue-position` and the queue route carry. */
export interface QueuePosition {
  chatId: string;
  /** 1 = next; null: the chat does not wait (taken, closed). */
  position: number | null;
  waiting: number;
  estimatedWaitSeconds: number | null;
}

export function queuePositionOf(
  chatId: string,
  position: number | null,
  waiting: number,
  medianWaitMs: number | null,
): QueuePosition {
  return {
    chatId,
    position,
    waiting,
    estimatedWaitSeconds:
      position === null ? null : estimatedWaitSeconds(medianWaitMs, position, waiting),
  };
}
