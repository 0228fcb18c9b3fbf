/**
 * Automatic assignment (ROUTING=auto), decided by the database: one transaction locks the
 * candidates' agent rows (PostgreSQL: in id order, so two nodes never deadlock), counts
 * their active chats under that lock, takes the oldest waiting chat (`FOR UPDATE SKIP
 * LOCKED`: a chat a manual take is changing is passed over, not waited for) and assigns
 * it to the first candidate with room. Every node's assignments to any shared candidate
 * therefore run one after another, and each counts what the previous one committed: two
 * nodes cannot both put a sixth chat on an admin whose maxChats is 5. Agents are locked
 * before a chat is picked, so a transaction that finds nobody with room has taken no chat,
 * and no newer chat is assigned while an older one waits behind it.
 *
 * SQLite: one process owns the file and its one connection runs the transaction whole.
 * The candidates' order here is the in-memory rule's (routing/rules.ts, `byRoutingOrder`),
 * restated in SQL; test/store/routing.test.ts requires them to agree.
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { ChatsTable, Database } from './schema.js';

/** A candidate as the statement sees it under the lock, in routing order. */
export interface CandidateRow {
  adminId: string;
  adminName: string;
  activeChats: number;
  maxChats: number;
  lastAssignedAt: string | null;
}

/**
 * The named admins who chose available, with their load counted now, in routing order:
 * fewest active chats, then oldest last assignment (never: first), then id.
 */
export async function candidateOrder(
  db: Kysely<Database> | Transaction<Database>,
  adminIds: readonly string[],
  defaultMaxChats: number,
): Promise<CandidateRow[]> {
  if (adminIds.length === 0) return [];
  const rows = await db
    .selectFrom('agents')
    .innerJoin('known_admins', 'known_admins.id', 'agents.adminId')
    .select((eb) => [
      'agents.adminId as adminId',
      'known_admins.name as adminName',
      'agents.lastAssignedAt as lastAssignedAt',
      eb.fn.coalesce('agents.maxChats', sql.lit(defaultMaxChats)).as('maxChats'),
      eb
        .selectFrom('chats')
        .select((c) => c.fn.countAll<number | string>().as('n'))
        .where('chats.status', '=', 'active')
        .whereRef('chats.assignedAdminId', '=', 'agents.adminId')
        .as('activeChats'),
    ])
    .where('agents.adminId', 'in', [...adminIds])
    .where('agents.availability', '=', 'available')
    .orderBy('activeChats', 'asc')
    .orderBy(sql`COALESCE(${sql.ref('agents.lastAssignedAt')}, '')`, 'asc')
    .orderBy('agents.adminId', 'asc')
    .execute();
  // PostgreSQL's count is a bigint, which its driver hands over as a string.
  return rows.map((r) => ({
    adminId: r.adminId,
    adminName: r.adminName,
    lastAssignedAt: r.lastAssignedAt,
    maxChats: Number(r.maxChats),
    activeChats: Number(r.activeChats ?? 0),
  }));
}

export interface Assigned {
  chat: Selectable<ChatsTable>;
  adminId: string;
  adminName: string;
}

/** See the file's header. Undefined: nobody named has room, or no chat waits. */
export function assignNextWaiting(
  db: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  adminIds: readonly string[],
  defaultMaxChats: number,
  at: string,
): Promise<Assigned | undefined> {
  if (adminIds.length === 0) return Promise.resolve(undefined);
  return db.transaction().execute(async (trx) => {
    if (kind === 'postgres') {
      await trx
        .selectFrom('agents')
        .select('adminId')
        .where('adminId', 'in', [...adminIds])
        .orderBy('adminId')
        .forUpdate()
        .execute();
    }
    const withRoom = (await candidateOrder(trx, adminIds, defaultMaxChats)).filter(
      (c) => c.activeChats < c.maxChats,
    );
    if (withRoom.length === 0) return undefined;
    let oldest = trx
      .selectFrom('chats')
      .select(['id', 'lastSeq'])
      .where('status', '=', 'waiting')
      .where('assignedAdminId', 'is', null)
      .where('isLocked', '=', 0)
      // The waiting queue's own order (the list of waiting chats, queue positions).
      .orderBy('createdAt', 'asc')
      .orderBy('id', 'desc')
      .limit(1);
    if (kind === 'postgres') oldest = oldest.forUpdate().skipLocked();
    const chat = await oldest.executeTakeFirst();
    if (!chat) return undefined;
    const routed = await trx
      .selectFrom('routed_chats')
      .select('skipAdminId')
      .where('chatId', '=', chat.id)
      .executeTakeFirst();
    const skip = routed?.skipAdminId ?? null;
    const admin = withRoom.find((c) => c.adminId !== skip) ?? withRoom[0];
    if (!admin) return undefined;
    const row = await trx
      .updateTable('chats')
      .set({
        status: 'active',
        assignedAdminId: admin.adminId,
        assignedAdminName: admin.adminName,
        updatedAt: at,
      })
      .where('id', '=', chat.id)
      .where('status', '=', 'waiting')
      .where('assignedAdminId', 'is', null)
      .where('isLocked', '=', 0)
      .returningAll()
      .executeTakeFirst();
    // Held by the lock (PostgreSQL) or the one connection (SQLite): it cannot have moved.
    if (!row) return undefined;
    await trx
      .updateTable('agents')
      .set({ lastAssignedAt: at })
      .where('adminId', '=', admin.adminId)
      .execute();
    await trx
      .insertInto('routed_chats')
      .values({
        chatId: chat.id,
        adminId: admin.adminId,
        assignedAt: at,
        fromSeq: chat.lastSeq,
        skipAdminId: null,
      })
      .onConflict((oc) =>
        oc.column('chatId').doUpdateSet({
          adminId: admin.adminId,
          assignedAt: at,
          fromSeq: chat.lastSeq,
          skipAdminId: null,
        }),
      )
      .execute();
    return { chat: row, adminId: admin.adminId, adminName: admin.adminName };
  });
}

export interface Requeued {
  chat: Selectable<ChatsTable>;
  /** The admin who did not answer it. */
  fromAdminId: string;
}

/**
 * ROUTING_REPLY_TIMEOUT: automatic assignments made at or before `cutoff` whose admin
 * still holds the chat (active, not locked) and has written nothing in it since go back
 * to the queue, each in a transaction of its own. The release restates that in its WHERE
 * (an answer or a transfer committed a moment ago wins); every assignment looked at is
 * settled, requeued or not, so the sweep never reads it again.
 */
export async function requeueUnanswered(
  db: Kysely<Database>,
  cutoff: string,
  max: number,
  at: string,
): Promise<Requeued[]> {
  const due = await db
    .selectFrom('routed_chats')
    .select(['chatId', 'adminId', 'assignedAt', 'fromSeq'])
    .where('adminId', 'is not', null)
    .where('assignedAt', '<=', cutoff)
    .orderBy('assignedAt')
    .limit(max)
    .execute();
  const requeued: Requeued[] = [];
  for (const r of due) {
    const adminId = r.adminId;
    if (adminId === null) continue;
    const released = await db.transaction().execute(async (trx) => {
      const chat = await trx
        .updateTable('chats')
        .set({ status: 'waiting', assignedAdminId: null, assignedAdminName: null, updatedAt: at })
        .where('id', '=', r.chatId)
        .where('status', '=', 'active')
        .where('assignedAdminId', '=', adminId)
        .where('isLocked', '=', 0)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('messages')
                .select(sql.lit(1).as('one'))
                .whereRef('messages.chatId', '=', 'chats.id')
                .where('messages.seq', '>', r.fromSeq)
                .where('messages.senderType', '=', 'admin')
                .where('messages.senderId', '=', adminId),
            ),
          ),
        )
        .returningAll()
        .executeTakeFirst();
      await trx
        .updateTable('routed_chats')
        .set({ adminId: null, ...(chat && { skipAdminId: adminId }) })
        .where('chatId', '=', r.chatId)
        .where('adminId', '=', adminId)
        .where('assignedAt', '=', r.assignedAt)
        .execute();
      return chat;
    });
    if (released) requeued.push({ chat: released, fromAdminId: adminId });
  }
  return requeued;
}
