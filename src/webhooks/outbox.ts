/** What the webhook deliverer needs from a store: the outbox's due rows, and their outcome. */
import type { AuditDraft } from '../audit/chain.js';
import type { DeliveryStatus, WebhookEvent } from '../schemas/vocabulary.js';

export interface Delivery {
  seq: number;
  /** The `webhook-id`: the same on every attempt. */
  id: string;
  url: string;
  chatId: string | null;
  type: WebhookEvent;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** Why an attempt failed: a non-2xx answer (redirects too), no answer in time, or no connection. */
export type FailureReason = 'status' | 'timeout' | 'network';

export type Attempt =
  | { ok: true; at: string }
  | {
      ok: false;
      at: string;
      reason: FailureReason;
      error: string;
      nextAttemptAt: string | null;
    };

export interface WebhookOutbox {
  /**
   * Takes due deliveries until `leaseUntil`, oldest first, for up to `lanes` chat-and-receiver
   * lanes: each lane's oldest pending delivery (none while an earlier one of the lane is
   * held or not due) and up to `perLane - 1` due ones after it, in order; none another
   * node holds.
   */
  claimDue(now: string, leaseUntil: string, lanes: number, perLane: number): Promise<Delivery[]>;
  /** Records an attempt: delivered, or failed with the next try (null: given up, failed). */
  settle(seq: number, attempt: Attempt): Promise<void>;
  /**
   * Gives back deliveries taken until `leaseUntil` and not attempted (a lane stopped early):
   * due again at once. Rows another claim took since (the lease ran out) are left alone.
   */
  release(seqs: readonly number[], leaseUntil: string): Promise<void>;
  /** Pending deliveries, counted up to `max`. */
  pendingCount(max: number): Promise<number>;
  list(status: Delivery['status'], limit: number): Promise<Delivery[]>;
  /**
   * A failed delivery pending again now, recorded as `audit` in the same transaction;
   * undefined (and nothing recorded) when no failed delivery has this id.
   */
  retry(id: string, now: string, audit: AuditDraft): Promise<Delivery | undefined>;
  /**
   * Deletes up to `max` deliveries of `status` whose last attempt was due before `before`
   * (a delivered row's, seconds before its delivery; a failed row's, its last attempt), the
   * oldest first; answers how many went. Pending rows are never deleted here.
   */
  deleteSettled(status: 'delivered' | 'failed', before: string, max: number): Promise<number>;
}
