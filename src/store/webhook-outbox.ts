/**
 * The webhook outbox in the database: rows written with the changes that make them (see
 * kysely-store.ts `audited`), taken by the deliverers of every node under a lease.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { isOneOf, WEBHOOK_EVENTS } from '../schemas/vocabulary.js';
import type { Delivery, WebhookOutbox } from '../webhooks/outbox.js';
import { appendAudit } from './audit-log.js';
import type { Database, WebhookOutboxTable } from './schema.js';

function toDelivery(row: Selectable<WebhookOutboxTable>): Delivery {
  return {
    seq: Number(row.seq),
    id: row.id,
    url: row.url,
    chatId: row.chatId,
    // Only this server writes the outbox: a type it does not know cannot be in it.
    type: isOneOf(WEBHOOK_EVENTS, row.type) ? row.type : 'message.created',
    body: row.body,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
  };
}

export function kyselyWebhookOutbox(
  db: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  guard: <T>(work: () => Promise<T>) => Promise<T>,
  auditKey: () => Promise<string>,
): WebhookOutbox {
  // PostgreSQL: of two nodes looking at once, each takes rows the other did not lock.
  const skipLocked = kind === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
  return {
    claimDue: (now, leaseUntil, limit) =>
      guard(async () => {
        const { rows } = await sql<Selectable<WebhookOutboxTable>>`
          UPDATE webhook_outbox SET "leaseUntil" = ${leaseUntil}
          WHERE seq IN (
            SELECT w.seq FROM webhook_outbox w
            WHERE w.status = 'pending' AND w."nextAttemptAt" <= ${now}
              AND (w."leaseUntil" IS NULL OR w."leaseUntil" < ${now})
              AND NOT EXISTS (
                SELECT 1 FROM webhook_outbox e
                WHERE e."chatId" = w."chatId" AND e.url = w.url AND e.status = 'pending'
                  AND e.seq < w.seq)
            ORDER BY w.seq LIMIT ${limit}${skipLocked})
          RETURNING *`.execute(db);
        return rows.map(toDelivery).sort((a, b) => a.seq - b.seq);
      }),
    settle: (seq, attempt) =>
      guard(async () => {
        const change = attempt.ok
          ? {
              status: 'delivered' as const,
              deliveredAt: attempt.at,
              leaseUntil: null,
              lastError: null,
            }
          : {
              status: attempt.nextAttemptAt === null ? ('failed' as const) : ('pending' as const),
              nextAttemptAt: attempt.nextAttemptAt ?? attempt.at,
              leaseUntil: null,
              lastError: attempt.error,
            };
        await db
          .updateTable('webhook_outbox')
          .set((eb) => ({ ...change, attempts: eb('attempts', '+', 1) }))
          .where('seq', '=', seq)
          .execute();
      }),
    list: (status, limit) =>
      guard(async () => {
        const rows = await db
          .selectFrom('webhook_outbox')
          .selectAll()
          .where('status', '=', status)
          .orderBy('seq', 'desc')
          .limit(limit)
          .execute();
        return rows.map(toDelivery);
      }),
    retry: (id, now, audit) =>
      guard(async () => {
        const key = await auditKey();
        return db.transaction().execute(async (trx) => {
          const row = await trx
            .updateTable('webhook_outbox')
            .set({ status: 'pending', nextAttemptAt: now, leaseUntil: null })
            .where('id', '=', id)
            .where('status', '=', 'failed')
            .returningAll()
            .executeTakeFirst();
          if (!row) return undefined;
          await appendAudit(trx, key, audit, now);
          return toDelivery(row);
        });
      }),
  };
}

/** The rows one event makes: one per receiver, each with its own webhook-id. */
export async function enqueueWebhook(
  db: Kysely<Database>,
  event: { type: string; chatId: string | null; body: string; at: string },
  urls: readonly string[],
  newId: () => string,
): Promise<void> {
  if (urls.length === 0) return;
  await db
    .insertInto('webhook_outbox')
    .values(
      urls.map((url) => ({
        id: `msg_${newId()}`,
        url,
        chatId: event.chatId,
        type: event.type,
        body: event.body,
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: event.at,
        leaseUntil: null,
        lastError: null,
        createdAt: event.at,
        deliveredAt: null,
      })),
    )
    .execute();
}
