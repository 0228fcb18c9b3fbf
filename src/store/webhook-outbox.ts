/**
 * The webhook outbox in the database: rows written with the changes that make them (see
 * kysely-store.ts `audited`), taken by the deliverers of every node under a lease.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { isOneOf, WEBHOOK_EVENTS } from '../schemas/vocabulary.js';
import type { Delivery, WebhookOutbox } from '../webhooks/outbox.js';
import { appendAudit } from './audit-log.js';
import { staleBefore } from './privacy.js';
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
    claimDue: (now, leaseUntil, lanes, perLane) =>
      guard(async () => {
        // A lane is a chat and receiver. Its head (its oldest pending row) is taken only when
        // due and free, and locked while the claim runs (PostgreSQL), so two nodes never
        // take one lane; the rows after it come with it, up to the first that is not due or
        // is held. Every row of a lane stays behind its head's lease: another node sees an
        // earlier pending row and takes none of them.
        const free = (t: string) =>
          sql`${sql.ref(`${t}.status`)} = 'pending' AND ${sql.ref(`${t}.nextAttemptAt`)} <= ${now}
            AND (${sql.ref(`${t}.leaseUntil`)} IS NULL OR ${sql.ref(`${t}.leaseUntil`)} < ${now})`;
        // Nor is a lane of a chat whose user an erasure holds (store/privacy.ts): its last
        // step deletes the chat's deliveries, and until then the person's pending events,
        // and the close the erasure itself makes, wait (a failed erasure frees them).
        const heldSince = staleBefore(Date.parse(now));
        const { rows } = await sql<Selectable<WebhookOutboxTable>>`
          WITH heads AS (
            SELECT w.seq, w."chatId", w.url FROM webhook_outbox w
            WHERE ${free('w')}
              AND NOT EXISTS (
                SELECT 1 FROM webhook_outbox e
                WHERE e."chatId" = w."chatId" AND e.url = w.url AND e.status = 'pending'
                  AND e.seq < w.seq)
              AND NOT EXISTS (
                SELECT 1 FROM chats c JOIN erasure_holds h ON h."userId" = c."userId"
                WHERE c.id = w."chatId" AND h."heldAt" > ${heldSince})
            ORDER BY w.seq LIMIT ${lanes}${skipLocked}
          ),
          runs AS (
            SELECT f.seq, row_number() OVER (PARTITION BY h.seq ORDER BY f.seq) AS n
            FROM heads h JOIN webhook_outbox f
              ON f."chatId" = h."chatId" AND f.url = h.url AND f.seq > h.seq
            WHERE ${free('f')}
              AND NOT EXISTS (
                SELECT 1 FROM webhook_outbox g
                WHERE g."chatId" = h."chatId" AND g.url = h.url AND g.status = 'pending'
                  AND g.seq > h.seq AND g.seq < f.seq
                  AND (g."nextAttemptAt" > ${now} OR g."leaseUntil" >= ${now}))
          )
          UPDATE webhook_outbox SET "leaseUntil" = ${leaseUntil}
          WHERE seq IN (SELECT seq FROM heads UNION ALL SELECT seq FROM runs WHERE n < ${perLane})
          RETURNING *`.execute(db);
        return rows.map(toDelivery).sort((a, b) => a.seq - b.seq);
      }),
    release: (seqs, leaseUntil) =>
      guard(async () => {
        if (seqs.length === 0) return;
        await db
          .updateTable('webhook_outbox')
          .set({ leaseUntil: null })
          .where('seq', 'in', seqs)
          .where('status', '=', 'pending')
          .where('leaseUntil', '=', leaseUntil)
          .execute();
      }),
    pendingCount: (max) =>
      guard(async () => {
        // Counted up to `max`: a scrape during a long outage reads a bounded part of the index.
        const { rows } = await sql<{ n: number | string }>`
          SELECT count(*) AS n FROM (
            SELECT 1 FROM webhook_outbox WHERE status = 'pending' LIMIT ${max}) p`.execute(db);
        return Number(rows[0]?.n ?? 0);
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
    deleteSettled: (status, before, max) =>
      guard(async () => {
        // Through the due-rows index (status, nextAttemptAt, seq): a batch reads what it deletes.
        const result = await db
          .deleteFrom('webhook_outbox')
          .where('seq', 'in', (eb) =>
            eb
              .selectFrom('webhook_outbox')
              .select('seq')
              .where('status', '=', status)
              .where('nextAttemptAt', '<', before)
              .orderBy('nextAttemptAt')
              .limit(max),
          )
          .executeTakeFirst();
        return Number(result.numDeletedRows);
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
