/**
 * Automatic assignment (ROUTING=auto), decided by the database: one transaction locks the
 * candidates' agent rows (PostgreSQL: in id order, so two nodes never deadlock), counts
 * their active chats under that lock, takes the oldest waiting chats (`FOR UPDATE SKIP
 * LOCKED`: a chat a manual take is changing is passed over, not waited for) and gives
 * each, oldest first, to the admin the routing rule picks (routing/rules.ts, handed in by
 * the caller: the store knows no rule of the domain), counting each assignment before the
 * next. Every node's assignments to any shared candidate therefore run one after another,
 * each counting what the previous one committed: two nodes cannot both put a sixth chat on
 * an admin whose maxChats is 5. A manual take or transfer locks its admin's agent row too
 * (kysely-store.ts `lockLoadOf`), so it never commits between this count and the
 * assignment. Agents are locked before chats are picked, so a
 * transaction that finds nobody with room has taken no chat, and no newer chat is assigned
 * while an older one waits behind it.
 *
 * Several chats per transaction (up to `max`): a burst of new chats costs one lock, one
 * count and one commit per batch instead of per chat (measured in docs/benchmarks.md).
 * SQLite: one process owns the file and its one connection runs the transaction whole.
 *
 * Who is connected is presence's (Redis with several nodes), not the database's: the
 * caller picked the candidates from it before the transaction, which may have waited for
 * another node's lock meanwhile. Availability is read again under the lock; connection is
 * asked again (`connected`) once the assignments are written, just before the commit: an
 * admin whose last socket closed since the pick has their assignments rolled back, and the
 * batch is assigned again without them (to the next admin, or the chats wait).
 */

import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { AuditActor, ChatAudit } from '../audit/chain.js';
import { backInQueue } from './chat-sql.js';
import { firstAssignedMsOf } from './reports.js';
import type { ChatsTable, Database } from './schema.js';
import type { AssignOptions, RoutingChoiceCandidate } from './store.js';

/** Who the audit log names for what routing does: the server, no person. */
const ROUTER: AuditActor = Object.freeze({ id: '', role: 'system', name: 'routing' });

/** A candidate as the transaction counts it under the lock. */
export interface CandidateRow extends RoutingChoiceCandidate {
  adminName: string;
}

/** The named admins who chose available, with their load counted now (in id order). */
export async function candidatesNow(
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
    .orderBy('agents.adminId')
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

/**
 * Records a change of a chat row in its transaction: its audit entry, and its webhook event
 * when webhooks are on (kysely-store.ts `recordChange`).
 */
export type RecordChange = (
  db: Kysely<Database>,
  audit: ChatAudit,
  row: Selectable<ChatsTable>,
  at: string,
) => Promise<void>;

export interface Assigned {
  chat: Selectable<ChatsTable>;
  adminId: string;
  adminName: string;
}

/**
 * A time later than `at` by `n` microseconds, as ISO text that still sorts by time: the
 * order of the assignments within one batch, for the rule's tie-break in later batches.
 */
const nth = (at: string, n: number): string => `${at.slice(0, -1)}${String(n).padStart(3, '0')}Z`;

/** Rolls back a batch that gave chats to admins no longer connected (see the file's header). */
class AssigneesLeft extends Error {
  constructor(readonly adminIds: readonly string[]) {
    super('admins given chats are no longer connected');
  }
}

/** See the file's header. Empty: nobody named has room, or no chat waits. */
export async function assignWaiting(
  db: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  adminIds: readonly string[],
  options: AssignOptions,
  at: string,
  record: RecordChange,
): Promise<Assigned[]> {
  let named = adminIds;
  // Each round that rolls back leaves out at least one admin: at most one per admin named.
  for (;;) {
    try {
      return await assignBatch(db, kind, named, options, at, record);
    } catch (err) {
      if (!(err instanceof AssigneesLeft)) throw err;
      const left = new Set(err.adminIds);
      named = named.filter((id) => !left.has(id));
    }
  }
}

function assignBatch(
  db: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  adminIds: readonly string[],
  options: AssignOptions,
  at: string,
  record: RecordChange,
): Promise<Assigned[]> {
  if (adminIds.length === 0) return Promise.resolve([]);
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
    const candidates = await candidatesNow(trx, adminIds, options.defaultMaxChats);
    if (!options.choose(candidates, null)) return [];
    let oldest = trx
      .selectFrom('chats')
      .leftJoin('routed_chats', 'routed_chats.chatId', 'chats.id')
      .select(['chats.id as id', 'chats.lastSeq as lastSeq', 'routed_chats.skipAdminId as skip'])
      .where('chats.status', '=', 'waiting')
      .where('chats.assignedAdminId', 'is', null)
      .where('chats.isLocked', '=', 0)
      // The waiting queue's own order (the list of waiting chats, queue positions).
      .orderBy('chats.createdAt', 'asc')
      .orderBy('chats.id', 'desc')
      .limit(options.max);
    if (kind === 'postgres') oldest = oldest.forUpdate(['chats']).skipLocked();
    const waiting = await oldest.execute();
    const assigned: Assigned[] = [];
    for (const chat of waiting) {
      const admin = options.choose(candidates, chat.skip);
      const picked = candidates.find((c) => c.adminId === admin?.adminId);
      if (!picked) break;
      const row = await trx
        .updateTable('chats')
        .set((eb) => ({
          status: 'active',
          assignedAdminId: picked.adminId,
          assignedAdminName: picked.adminName,
          updatedAt: at,
          // The end of the chat's first wait (the queue's estimate); later assignments keep it.
          firstAssignedAt: eb.fn.coalesce('firstAssignedAt', eb.val(at)),
          firstAssignedMs: firstAssignedMsOf(eb, at),
        }))
        .where('id', '=', chat.id)
        .where('status', '=', 'waiting')
        .where('assignedAdminId', 'is', null)
        .where('isLocked', '=', 0)
        .returningAll()
        .executeTakeFirst();
      // Held by the lock (PostgreSQL) or the one connection (SQLite): it cannot have moved.
      if (!row) continue;
      // In the chat's chain, as a take is: by the server, to this admin.
      await record(
        trx,
        { actor: ROUTER, action: 'chat.taken', details: { adminId: picked.adminId, routed: true } },
        row,
        at,
      );
      picked.activeChats += 1;
      picked.lastAssignedAt = nth(at, assigned.length);
      assigned.push({ chat: row, adminId: picked.adminId, adminName: picked.adminName });
    }
    if (assigned.length === 0) return [];
    for (const c of candidates) {
      if (!assigned.some((a) => a.adminId === c.adminId)) continue;
      await trx
        .updateTable('agents')
        .set({ lastAssignedAt: c.lastAssignedAt })
        .where('adminId', '=', c.adminId)
        .execute();
    }
    await trx
      .insertInto('routed_chats')
      .values(
        assigned.map((a) => ({
          chatId: a.chat.id,
          adminId: a.adminId,
          assignedAt: at,
          fromSeq: a.chat.lastSeq,
          skipAdminId: null,
        })),
      )
      .onConflict((oc) =>
        oc.column('chatId').doUpdateSet((eb) => ({
          adminId: eb.ref('excluded.adminId'),
          assignedAt: eb.ref('excluded.assignedAt'),
          fromSeq: eb.ref('excluded.fromSeq'),
          skipAdminId: null,
        })),
      )
      .execute();
    // Last before the commit: the shortest window for a disconnect to slip past.
    const given = [...new Set(assigned.map((a) => a.adminId))];
    const connected = new Set(await options.connected(given));
    const left = given.filter((id) => !connected.has(id));
    if (left.length > 0) throw new AssigneesLeft(left);
    return assigned;
  });
}

export interface Requeued {
  chat: Selectable<ChatsTable>;
  /** The admin who did not answer it. */
  fromAdminId: string;
}

/**
 * ROUTING_REPLY_TIMEOUT: automatic assignments made at or before `cutoff` whose admin
 * still holds the chat (active; locked by nobody, or by that admin) and has written
 * nothing in it since go back to the queue, unlocked, each in a transaction of its own. The release restates that in its WHERE
 * (an answer or a transfer committed a moment ago wins, also one committed while the
 * release waited for the chat's row: the chat's admin message count must be as read just
 * before); every assignment looked at is settled, requeued or not, so the sweep never
 * reads it again.
 */
export async function requeueUnanswered(
  db: Kysely<Database>,
  cutoff: string,
  max: number,
  at: string,
  record: RecordChange,
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
      // The chat's count of admin messages before the release: an answer committed while
      // the release waits for the chat's row is seen in the row (PostgreSQL re-reads it),
      // not by the NOT EXISTS below, which reads as of the statement's start.
      const counted = await trx
        .selectFrom('chats')
        .select('adminMessages')
        .where('id', '=', r.chatId)
        .executeTakeFirst();
      const chat = await trx
        .updateTable('chats')
        .set(backInQueue(at))
        .where('id', '=', r.chatId)
        .where('adminMessages', '=', counted?.adminMessages ?? -1)
        .where('status', '=', 'active')
        .where('assignedAdminId', '=', adminId)
        // Its own admin's lock says who holds the chat, not that the user was answered;
        // a lock by anyone else took it by hand (and changed the assignee besides).
        .where((eb) => eb.or([eb('isLocked', '=', 0), eb('lockedByAdminId', '=', adminId)]))
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
      if (chat) {
        await record(
          trx,
          {
            actor: ROUTER,
            action: 'chat.unlocked',
            details: { fromAdminId: adminId, reason: 'reply-timeout' },
          },
          chat,
          at,
        );
      }
      return chat;
    });
    if (released) requeued.push({ chat: released, fromAdminId: adminId });
  }
  return requeued;
}
