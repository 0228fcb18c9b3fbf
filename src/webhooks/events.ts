/**
 * What other systems hear (the webhook events), which change makes each, and when a failed
 * delivery is tried again. Pure: the store writes the outbox rows with these, the deliverer
 * schedules retries with them.
 */
import type { AuditAction, WebhookEvent } from '../schemas/vocabulary.js';

export type { WebhookEvent } from '../schemas/vocabulary.js';

/** The webhook event a recorded change makes, if any (a lock is an assignment too). */
export function eventOf(action: AuditAction): WebhookEvent | undefined {
  switch (action) {
    case 'chat.opened':
    case 'chat.transferred':
    case 'chat.closed':
    case 'chat.rated':
      return action;
    case 'chat.taken':
    case 'chat.locked':
      return 'chat.assigned';
    default:
      return undefined;
  }
}

/** The body every receiver gets: Standard Webhooks' `{type, timestamp, data}`. */
export function webhookBody(type: WebhookEvent, at: string, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: at, data });
}

/**
 * After the n-th failed attempt (1-based): 5 s, 15 s, 45 s (three retries within about a
 * minute), then 2, 5, 15, 30 min, then every hour until the give-up time.
 */
const RETRY_DELAYS_MS = [5_000, 15_000, 45_000, 120_000, 300_000, 900_000, 1_800_000];
const HOURLY = 3_600_000;

export function retryDelayMs(failedAttempts: number): number {
  return RETRY_DELAYS_MS[failedAttempts - 1] ?? HOURLY;
}
