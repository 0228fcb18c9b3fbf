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

export type Attempt =
  | { ok: true; at: string }
  | { ok: false; at: string; error: string; nextAttemptAt: string | null };

export interface WebhookOutbox {
  /**
   * Takes up to `limit` due deliveries until `leaseUntil`: oldest first, none of a chat and
   * receiver while an earlier one of them is still pending, none another node holds.
   */
  claimDue(now: string, leaseUntil: string, limit: number): Promise<Delivery[]>;
  /** Records an attempt: delivered, or failed with the next try (null: given up, failed). */
  settle(seq: number, attempt: Attempt): Promise<void>;
  list(status: Delivery['status'], limit: number): Promise<Delivery[]>;
  /**
   * A failed delivery pending again now, recorded as `audit` in the same transaction;
   * undefined (and nothing recorded) when no failed delivery has this id.
   */
  retry(id: string, now: string, audit: AuditDraft): Promise<Delivery | undefined>;
}
