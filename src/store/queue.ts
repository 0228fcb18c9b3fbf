/**
 * The waiting queue as users see it: every waiting chat no admin holds, oldest first
 * (createdAt, then id: the order routing takes them in), read on the chats_by_status
 * index; and the recent waits the estimate is made from (chats_by_first_assigned).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';
import type { QueueEntry, QueueRank } from './store.js';

export async function waitingOrder(db: Kysely<Database>, max: number): Promise<QueueEntry[]> {
  return db
    .selectFrom('chats')
    .select(['id as chatId', 'userId'])
    .where('status', '=', 'waiting')
    .where('assignedAdminId', 'is', null)
    .orderBy('createdAt')
    .orderBy('id')
    .limit(max)
    .execute();
}

/**
 * One pass over the waiting chats: how many wait, and how many of them come no later
 * than this chat (its position, when it is one of them).
 */
export async function queueRank(db: Kysely<Database>, chatId: string): Promise<QueueRank> {
  const row = await db
    .selectFrom('chats as w')
    .leftJoin('chats as c', (join) => join.on('c.id', '=', chatId))
    .select([
      sql<number>`COUNT(*)`.as('waiting'),
      sql<number>`SUM(CASE WHEN w.id = ${chatId} THEN 1 ELSE 0 END)`.as('self'),
      sql<number>`SUM(CASE WHEN w."createdAt" < c."createdAt"
        OR (w."createdAt" = c."createdAt" AND w.id <= c.id) THEN 1 ELSE 0 END)`.as('upTo'),
    ])
    .where('w.status', '=', 'waiting')
    .where('w.assignedAdminId', 'is', null)
    .executeTakeFirstOrThrow();
  const waiting = Number(row.waiting);
  return { waiting, position: Number(row.self) === 1 ? Number(row.upTo) : null };
}

/** How long the chats first assigned since `since` had waited (ms), the newest `max` of them. */
export async function recentWaits(
  db: Kysely<Database>,
  since: string,
  max: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom('chats')
    .select(['createdAt', 'firstAssignedAt'])
    .where('firstAssignedAt', '>=', since)
    .orderBy('firstAssignedAt', 'desc')
    .limit(max)
    .execute();
  return rows.flatMap((r) =>
    r.firstAssignedAt === null
      ? []
      : [Math.max(0, Date.parse(r.firstAssignedAt) - Date.parse(r.createdAt))],
  );
}
