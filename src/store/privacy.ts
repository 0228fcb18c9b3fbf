/**
 * Retention, export and erasure in the database (src/privacy/ decides what and when).
 *
 * Purge: a batch of chats closed before a cutoff goes with everything that hangs off them
 * (messages, notes, attachment records, labels, routing rows, webhook deliveries) in one
 * transaction. The chats are chosen inside it (PostgreSQL: `FOR UPDATE SKIP LOCKED`), so
 * two nodes purging at once never delete one chat twice. Search rows follow by trigger
 * (migration 0018). Their audit entries stay: they are the record.
 *
 * Erasure: messages' texts are overwritten in chunks of seqs, one transaction each, then
 * one transaction rewrites what names the person (the chats, notes, attachment records,
 * webhook deliveries, audit entries) and writes `user.erased`. Until that last commit the
 * chats still carry the user's id, so a DELETE that failed half-way finds them again.
 *
 * Hold: for the whole erasure a row of `erasure_holds` names the user, and no chat is
 * opened for them, nor an upload of theirs recorded, while it is fresh (refuseWhileErased,
 * in the transaction that inserts the chat or the attachment record). On PostgreSQL that
 * transaction takes the user's advisory lock shared before it reads the holds, the hold is
 * written under it exclusive: a transaction that read "no hold" has committed before the
 * hold did, so the erasure, which reads the user's chats and uploads after, finds its row.
 * On SQLite one connection runs the transactions one after the other: the same order.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import {
  type AuditDetail,
  type AuditDraft,
  canonicalJson,
  DESK_CHAIN,
  PERSONAL_DETAILS,
  pseudonym,
  sealingOf,
} from '../audit/chain.js';
import { erasedDuringUpload, erasureInProgress, erasureRunning } from '../errors.js';
import { newId } from '../ids.js';
import type { Chat, Note } from '../schemas/shapes.js';
/** What a person's erased texts and names read afterwards (a fixed marker; seq and counts stay). */
import { ERASED_TEXT } from '../schemas/vocabulary.js';
import { TUNABLES } from '../tunables.js';
import type { AttachmentRecord } from './attachment-records.js';
import { appendAudit, exportedUserId, fromRow } from './audit-log.js';
import { notesPage } from './note-records.js';
import { toChat } from './rows.js';
import type { ChatsTable, Database } from './schema.js';

export { ERASED_TEXT };

export interface UserChatRef {
  id: string;
  status: Selectable<ChatsTable>['status'];
  lastSeq: number;
}

export interface PurgedBatch {
  chats: number;
  messages: number;
  /** The blob keys of the attachments whose records went (the caller deletes the bytes). */
  blobKeys: string[];
}

export interface ErasedUser {
  chats: number;
  messages: number;
  notes: number;
  attachments: number;
  auditEntries: number;
  /** The blob keys of the attachment records deleted (the caller deletes the bytes). */
  blobKeys: string[];
  /** Every chat erased, those the user opened while the erasure ran included. */
  chatIds: string[];
}

/** A chat as an export carries it: the chat, and the customer's context stored on it (JSON). */
export interface ExportedChatRow {
  chat: Chat;
  ctx: string | null;
  lastSeq: number;
}

export interface PrivacyRecords {
  /**
   * Gives up to `max` closed chats without a `closedAt` (the v2 import writes none) their
   * `updatedAt` as it: the purge finds chats by `closedAt`. How many it dated.
   */
  dateUndatedClosures(max: number): Promise<number>;
  /** Up to `max` chats closed before `cutoff`, deleted with all they hold; none left: 0 chats. */
  purgeClosedBefore(cutoff: string, max: number): Promise<PurgedBatch>;
  /** The user's chats (ids, status, lastSeq), `max` at most after `afterId`, by id. */
  userChats(userId: string, afterId: string, max: number): Promise<UserChatRef[]>;
  /** The chats (by id) whose user is `userId`, `max` at most after `afterId`. */
  exportChats(userId: string, afterId: string, max: number): Promise<ExportedChatRow[]>;
  /** A chat's notes after `after` (the last one given; null: from the first), in history order. */
  notesAfter(chatId: string, after: Note | null, max: number): Promise<Note[]>;
  /** Writes `audit` on the desk chain (an export: it changes nothing else). */
  record(audit: AuditDraft): Promise<void>;
  /**
   * The user's uploads no message carries (in no chat yet, or in their chat but not sent): what
   * an export lists beside the chats, whose messages carry the others. Oldest first; as many
   * as the upload quota leaves room for until the sweep deletes them.
   */
  unsentUploadsOf(userId: string): Promise<AttachmentRecord[]>;
  /** Attachments the user uploaded that are in no chat yet, or that belong to these chats (by chat or by message). */
  attachmentsOf(userId: string, chatIds: readonly string[]): Promise<AttachmentRecord[]>;
  /** Overwrites the texts of one chat's messages with seq in (fromSeq, toSeq]: one transaction. */
  eraseMessages(chatId: string, userId: string, fromSeq: number, toSeq: number): Promise<number>;
  /**
   * The last step: every chat of the user (with messages past `erasedThrough` erased here),
   * their notes, attachment records, webhook deliveries and audit entries, and `audit`
   * (details completed with the counts) on the desk chain. Undefined: the user has no chat
   * and no upload.
   */
  eraseUser(
    userId: string,
    erasedThrough: ReadonlyMap<string, number>,
    audit: AuditDraft,
  ): Promise<ErasedUser | undefined>;
  /**
   * Whether a user with this id was erased (a repeated erasure): chats of their pseudonym
   * exist, or a `user.erased` entry names it (a user who had no chat).
   */
  wasErased(userId: string): Promise<boolean>;
  /**
   * Whether anything stored names the user: a chat, an upload no message used, an audit
   * entry of what they did or of an export of them (what an export is answered for).
   */
  namesUser(userId: string): Promise<boolean>;
  /**
   * Refuses (ERASURE_IN_PROGRESS) while an erasure holds the user, asked on its own: an
   * early answer for work that asks again, under the lock, where it commits (an upload).
   */
  refuseWhileHeld(userId: string): Promise<void>;
  /**
   * The desk chain's position now (0 before its first entry): an erasure recorded later has
   * a larger one, whichever node records it (an upload's admission, refuseUploadOfErased).
   */
  deskPosition(): Promise<number>;
  /**
   * Holds the user from now until endErasureHold (or stale): no chat is opened for them and
   * no upload of theirs recorded. The hold's id.
   */
  holdErasure(userId: string): Promise<string>;
  /** Marks the hold alive now: it refuses for `erasureHoldStaleMs` more. */
  renewErasureHold(holdId: string): Promise<void>;
  /** Ends the hold, and every stale one (their nodes died), whoever it names. */
  endErasureHold(holdId: string): Promise<void>;
}

/**
 * PostgreSQL's advisory locks taken with two keys: this one first, the user's hashed id
 * second (the quota's class is another; the import's lock takes one key).
 */
export const ERASURE_LOCK_CLASS = 0x65726173;

/**
 * PostgreSQL: the user's erasure lock until the transaction ends, shared by the openings of
 * their chats, exclusive while a hold is written (see the top). SQLite serializes writes.
 */
async function lockAgainstErasure(
  trx: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  userId: string,
  mode: 'shared' | 'exclusive',
): Promise<void> {
  if (kind !== 'postgres') return;
  const lock = mode === 'shared' ? sql`pg_advisory_xact_lock_shared` : sql`pg_advisory_xact_lock`;
  await sql`SELECT ${lock}(${ERASURE_LOCK_CLASS}, hashtext(${userId}))`.execute(trx);
}

/**
 * Holds renewed before this (as of `nowMs`) are of a node that died mid-erasure: they
 * refuse nothing, and hold back no webhook (webhook-outbox.ts).
 */
export const staleBefore = (nowMs: number = Date.now()): string =>
  new Date(nowMs - TUNABLES.erasureHoldStaleMs.value).toISOString();

/**
 * In the transaction that opens a chat for `userId` or records their upload, before its
 * insert: refuses (ERASURE_IN_PROGRESS) while an erasure of the user holds them.
 */
export async function refuseWhileErased(
  trx: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  userId: string,
): Promise<void> {
  await lockAgainstErasure(trx, kind, userId, 'shared');
  await refuseIfHeld(trx, userId);
}

/**
 * In the transaction that records `userId`'s upload, before its insert: refuses while an
 * erasure holds them, and when one was recorded after `deskSeq`, the desk chain's position
 * when the upload was admitted (its file was on its way while the person was erased: it is
 * theirs, not a returning user's). `sealedId` is the pseudonym the erasure's `user.erased`
 * entry names them by. Positions in the chain, not times: no node's clock decides.
 */
export async function refuseUploadOfErased(
  trx: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  userId: string,
  sealedId: string,
  deskSeq: number,
): Promise<void> {
  await refuseWhileErased(trx, kind, userId);
  const erased = await deskEntriesAbout(trx, kind, 'user.erased', sealedId)
    .where('chainSeq', '>', deskSeq)
    .limit(1)
    .executeTakeFirst();
  if (erased !== undefined) throw erasedDuringUpload(userId);
}

/** The hold's one question (one indexed read): refuses while a fresh hold names the user. */
async function refuseIfHeld(
  db: Kysely<Database>,
  userId: string,
  refusal: (userId: string) => Error = erasureInProgress,
): Promise<void> {
  const held = await db
    .selectFrom('erasure_holds')
    .select('id')
    .where('userId', '=', userId)
    .where('heldAt', '>', staleBefore())
    .limit(1)
    .executeTakeFirst();
  if (held !== undefined) throw refusal(userId);
}

type Guard = <T>(work: () => Promise<T>) => Promise<T>;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Keeps an IN list well under either database's bound on parameters. */
const IN_LIST = 500;

export function kyselyPrivacyRecords(
  db: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  guard: Guard,
  auditKey: () => Promise<string>,
  forget: (chatIds: readonly string[]) => void,
): PrivacyRecords {
  const skipLocked = kind === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
  const forUpdate = kind === 'postgres' ? sql` FOR UPDATE` : sql``;

  const attachmentsOf = async (
    trx: Kysely<Database>,
    userId: string | null,
    chatIds: readonly string[],
  ): Promise<AttachmentRecord[]> => {
    const found = new Map<string, AttachmentRecord>();
    if (userId !== null) {
      // In no chat yet: a user's upload before a first message (one in a chat is found by
      // the chat below; an admin's, always in a customer's chat, is never taken for theirs).
      const own = await trx
        .selectFrom('attachments')
        .selectAll()
        .where('uploaderId', '=', userId)
        .where('chatId', 'is', null)
        .execute();
      for (const r of own) found.set(r.id, r);
    }
    for (const ids of chunks(chatIds, IN_LIST)) {
      const rows = await trx
        .selectFrom('attachments')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('chatId', 'in', ids),
            eb(
              'messageId',
              'in',
              eb.selectFrom('messages').select('messages.id').where('messages.chatId', 'in', ids),
            ),
          ]),
        )
        .execute();
      for (const r of rows) found.set(r.id, r);
    }
    return [...found.values()];
  };

  const deleteAttachments = async (
    trx: Kysely<Database>,
    records: readonly AttachmentRecord[],
  ): Promise<string[]> => {
    for (const ids of chunks(
      records.map((r) => r.id),
      IN_LIST,
    )) {
      await trx.deleteFrom('attachments').where('id', 'in', ids).execute();
    }
    return records.flatMap((r) => (r.thumbKey ? [r.blobKey, r.thumbKey] : [r.blobKey]));
  };

  const eraseMessagesIn = async (
    trx: Kysely<Database>,
    chatId: string,
    userId: string,
    sealedId: string,
    fromSeq: number,
    toSeq: number | null,
  ): Promise<number> => {
    let q = trx
      .updateTable('messages')
      .set((eb) => ({
        content: ERASED_TEXT,
        fileUrl: null,
        redacted: null,
        senderName: eb
          .case()
          .when('senderType', '=', 'user')
          .then(ERASED_TEXT)
          .else(eb.ref('senderName'))
          .end(),
        senderId: eb
          .case()
          .when('senderId', '=', userId)
          .then(sealedId)
          .else(eb.ref('senderId'))
          .end(),
        // The user's client chose it, and may have made it of what it knows of them.
        clientMessageId: eb
          .case()
          .when('senderId', '=', userId)
          .then(null)
          .else(eb.ref('clientMessageId'))
          .end(),
      }))
      .where('chatId', '=', chatId)
      .where('seq', '>', fromSeq);
    if (toSeq !== null) q = q.where('seq', '<=', toSeq);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows);
  };

  return {
    dateUndatedClosures: (max) =>
      guard(async () => {
        const result = await db
          .updateTable('chats')
          .set((eb) => ({ closedAt: eb.ref('updatedAt') }))
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('chats')
              .select('id')
              .where('status', '=', 'closed')
              .where('closedAt', 'is', null)
              .limit(max),
          )
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      }),

    purgeClosedBefore: (cutoff, max) =>
      guard(async () => {
        const purged = await db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ id: string }>`
            SELECT id FROM chats
            WHERE status = 'closed' AND "closedAt" IS NOT NULL AND "closedAt" < ${cutoff}
            ORDER BY "closedAt" LIMIT ${max}${skipLocked}`.execute(trx);
          const ids = rows.map((r) => r.id);
          if (ids.length === 0) return { ids, chats: 0, messages: 0, blobKeys: [] };
          const records = await attachmentsOf(trx, null, ids);
          const blobKeys = await deleteAttachments(trx, records);
          const messages = await trx
            .deleteFrom('messages')
            .where('chatId', 'in', ids)
            .executeTakeFirst();
          await trx.deleteFrom('notes').where('chatId', 'in', ids).execute();
          await trx.deleteFrom('chat_labels').where('chatId', 'in', ids).execute();
          await trx.deleteFrom('routed_chats').where('chatId', 'in', ids).execute();
          await trx.deleteFrom('webhook_outbox').where('chatId', 'in', ids).execute();
          const chats = await trx
            .deleteFrom('chats')
            .where('id', 'in', ids)
            .where('status', '=', 'closed')
            .executeTakeFirst();
          return {
            ids,
            chats: Number(chats.numDeletedRows),
            messages: Number(messages.numDeletedRows),
            blobKeys,
          };
        });
        forget(purged.ids);
        return { chats: purged.chats, messages: purged.messages, blobKeys: purged.blobKeys };
      }),

    userChats: (userId, afterId, max) =>
      guard(async () => {
        const rows = await db
          .selectFrom('chats')
          .select(['id', 'status', 'lastSeq'])
          .where('userId', '=', userId)
          .where('id', '>', afterId)
          .orderBy('id', 'asc')
          .limit(max)
          .execute();
        return rows.map((r) => ({ id: r.id, status: r.status, lastSeq: Number(r.lastSeq) }));
      }),

    exportChats: (userId, afterId, max) =>
      guard(async () => {
        const rows = await db
          .selectFrom('chats')
          .selectAll()
          .where('userId', '=', userId)
          .where('id', '>', afterId)
          .orderBy('id', 'asc')
          .limit(max)
          .execute();
        return rows.map((row) => ({
          chat: toChat(row),
          ctx: row.ctx,
          lastSeq: Number(row.lastSeq),
        }));
      }),

    record: (audit) =>
      guard(async () => {
        const key = await auditKey();
        await db
          .transaction()
          .execute((trx) => appendAudit(trx, key, audit, new Date().toISOString()));
      }),

    notesAfter: (chatId, after, max) =>
      guard(() =>
        notesPage(
          db,
          chatId,
          after && { afterSeq: after.afterSeq, createdAt: after.createdAt, id: after._id },
          max,
        ),
      ),

    unsentUploadsOf: (userId) =>
      guard(() =>
        db
          .selectFrom('attachments')
          .selectAll()
          .where('uploaderId', '=', userId)
          .where('messageId', 'is', null)
          // An admin may have the user's id: their drafts in customers' chats are not the user's.
          .where((eb) =>
            eb.or([
              eb('chatId', 'is', null),
              eb('chatId', 'in', eb.selectFrom('chats').select('id').where('userId', '=', userId)),
            ]),
          )
          .orderBy('createdAt')
          .orderBy('id')
          .execute(),
      ),

    attachmentsOf: (userId, chatIds) => guard(() => attachmentsOf(db, userId, chatIds)),

    eraseMessages: (chatId, userId, fromSeq, toSeq) =>
      guard(async () => {
        const sealedId = pseudonym(await auditKey(), userId);
        return db
          .transaction()
          .execute((trx) => eraseMessagesIn(trx, chatId, userId, sealedId, fromSeq, toSeq));
      }),

    wasErased: (userId) =>
      guard(async () => {
        const sealedId = pseudonym(await auditKey(), userId);
        if (await hasChatOf(db, sealedId)) return true;
        const entry = await deskEntriesAbout(db, kind, 'user.erased', sealedId)
          .limit(1)
          .executeTakeFirst();
        return entry !== undefined;
      }),

    namesUser: (userId) => guard(() => namesUserIn(db, kind, userId)),

    // Without the lock: what it answers may change at once either way; the commit decides.
    refuseWhileHeld: (userId) => guard(() => refuseIfHeld(db, userId)),

    deskPosition: () =>
      guard(async () => {
        const end = await db
          .selectFrom('audit_chains')
          .select('seq')
          .where('chain', '=', DESK_CHAIN)
          .executeTakeFirst();
        return Number(end?.seq ?? 0);
      }),

    holdErasure: (userId) =>
      guard(() =>
        db.transaction().execute(async (trx) => {
          // Exclusive: waits for the openings that read "no hold" to commit (see the top),
          // and for another erasure's hold: a second DELETE is refused while the first runs
          // (it would answer alreadyErased before the first had disconnected the user).
          await lockAgainstErasure(trx, kind, userId, 'exclusive');
          await refuseIfHeld(trx, userId, erasureRunning);
          const id = newId();
          await trx
            .insertInto('erasure_holds')
            .values({ id, userId, heldAt: new Date().toISOString() })
            .execute();
          return id;
        }),
      ),

    renewErasureHold: (holdId) =>
      guard(async () => {
        await db
          .updateTable('erasure_holds')
          .set({ heldAt: new Date().toISOString() })
          .where('id', '=', holdId)
          .execute();
      }),

    endErasureHold: (holdId) =>
      guard(async () => {
        // With its own hold, every stale one, whoever it names: a node that died mid-erasure
        // left the user's id there, and a hold refuses nothing once stale.
        await db
          .deleteFrom('erasure_holds')
          .where((eb) => eb.or([eb('id', '=', holdId), eb('heldAt', '<=', staleBefore())]))
          .execute();
      }),

    eraseUser: (userId, erasedThrough, audit) =>
      guard(async () => {
        const key = await auditKey();
        const sealedId = pseudonym(key, userId);
        const at = new Date().toISOString();
        const done = await db.transaction().execute(async (trx) => {
          // PostgreSQL: the rows locked, so an append racing this erasure waits and then
          // finds the chat no longer the user's.
          const { rows: chats } = await sql<{ id: string; lastSeq: number | string }>`
            SELECT id, "lastSeq" FROM chats WHERE "userId" = ${userId} ORDER BY id${forUpdate}`.execute(
            trx,
          );
          const ids = chats.map((c) => c.id);
          const records = await attachmentsOf(trx, userId, ids);
          // The question an export's 404 asks too: a user without a chat may still have
          // uploads no message used, or entries that name them (their purged chats', their
          // exports).
          if (!(await namesUserIn(trx, kind, userId))) return undefined;
          // Chats retention deleted keep their audit entries: found by what the user did.
          const purged = await purgedChatsActedIn(trx, userId);
          let messages = 0;
          for (const chat of chats) {
            const through = erasedThrough.get(chat.id) ?? 0;
            messages += through;
            if (Number(chat.lastSeq) > through) {
              await eraseMessagesIn(trx, chat.id, userId, sealedId, through, null);
              messages += Number(chat.lastSeq) - through;
            }
          }
          const blobKeys = await deleteAttachments(trx, records);
          let notes = 0;
          for (const part of chunks(ids, IN_LIST)) {
            const result = await trx
              .updateTable('notes')
              .set({ content: ERASED_TEXT })
              .where('chatId', 'in', part)
              .executeTakeFirst();
            notes += Number(result.numUpdatedRows);
            await trx.deleteFrom('webhook_outbox').where('chatId', 'in', part).execute();
            await trx
              .updateTable('chats')
              .set((eb) => ({
                userId: sealedId,
                userName: ERASED_TEXT,
                lastMessage: eb
                  .case()
                  .when('lastMessage', '=', '')
                  .then('')
                  .else(ERASED_TEXT)
                  .end(),
                ctx: null,
                ratingComment: eb
                  .case()
                  .when('ratingComment', 'is', null)
                  .then(sql<string | null>`NULL`)
                  .else(ERASED_TEXT)
                  .end(),
              }))
              .where('id', 'in', part)
              .execute();
          }
          const auditEntries = await sealAuditEntries(trx, kind, key, userId, [...ids, ...purged]);
          const counts = { chats: ids.length, messages, notes, attachments: records.length };
          await appendAudit(
            trx,
            key,
            { ...audit, chatId: null, details: { ...audit.details, userId: sealedId, ...counts } },
            at,
          );
          return { ids, result: { ...counts, auditEntries, blobKeys, chatIds: ids } };
        });
        if (done === undefined) return undefined;
        forget(done.ids);
        return done.result;
      }),
  };
}

/**
 * The desk's exports of `userId`, through their index (migration 0027): an erasure reads
 * these, not every export ever recorded. The action is a literal so that the planners of
 * both databases see that the query implies the partial index's condition.
 */
export function exportsOf(db: Kysely<Database>, kind: 'sqlite' | 'postgres', userId: string) {
  return deskEntriesAbout(db, kind, 'user.exported', userId);
}

/** The desk's entries of `action` whose details name `userId`, through their partial index. */
function deskEntriesAbout(
  db: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  action: 'user.exported' | 'user.erased',
  userId: string,
) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('chain', '=', DESK_CHAIN)
    .where('action', '=', sql.lit(action))
    .where(exportedUserId(kind === 'postgres'), '=', userId);
}

/**
 * The chats the user acted in (their own: a user acts in no other) that no longer exist:
 * retention deleted them, their audit entries stay and may name the user.
 */
async function purgedChatsActedIn(trx: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('audit_log')
    .select('chatId')
    .distinct()
    .where('actorId', '=', userId)
    .where('actorRole', '=', 'user')
    .where('chatId', 'is not', null)
    .execute();
  const acted = rows.flatMap((r) => (r.chatId === null ? [] : [r.chatId]));
  const existing = new Set<string>();
  for (const part of chunks(acted, IN_LIST)) {
    const found = await trx.selectFrom('chats').select('id').where('id', 'in', part).execute();
    for (const r of found) existing.add(r.id);
  }
  return acted.filter((id) => !existing.has(id));
}

/** Whether a chat has `userId` as its user (an erased user's chats have their pseudonym). */
async function hasChatOf(trx: Kysely<Database>, userId: string): Promise<boolean> {
  const chat = await trx
    .selectFrom('chats')
    .select('id')
    .where('userId', '=', userId)
    .limit(1)
    .executeTakeFirst();
  return chat !== undefined;
}

/**
 * Whether anything the store holds names the user: a chat of theirs, an upload of theirs
 * no message used (one in a chat is the chat's), or an audit entry (what they did as a
 * user, their purged chats' entries included, or an export of them). An export's 404 and
 * an erasure's "nothing to erase" are this one question.
 */
async function namesUserIn(
  trx: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  userId: string,
): Promise<boolean> {
  if (await hasChatOf(trx, userId)) return true;
  const upload = await trx
    .selectFrom('attachments')
    .select('id')
    .where('uploaderId', '=', userId)
    .where('chatId', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return upload !== undefined || (await namedInLog(trx, kind, userId));
}

/** Whether an audit entry has the user (as a user, not an admin) as its actor, or is an export of them. */
async function namedInLog(
  trx: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  userId: string,
): Promise<boolean> {
  const acted = await trx
    .selectFrom('audit_log')
    .select('id')
    .where('actorId', '=', userId)
    .where('actorRole', '=', 'user')
    .limit(1)
    .executeTakeFirst();
  return (
    acted !== undefined ||
    (await exportsOf(trx, kind, userId).limit(1).executeTakeFirst()) !== undefined
  );
}

/**
 * Replaces the user's id and name in the audit entries that name them: as actor anywhere,
 * and in the personal details of their chats' entries and of the desk's exports of them.
 * What replaces a value is exactly what the hash sealed it as, so every chain still verifies.
 */
async function sealAuditEntries(
  trx: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  key: string,
  userId: string,
  chatIds: readonly string[],
): Promise<number> {
  const sealedId = pseudonym(key, userId);
  const touched = new Set<string>();
  const acted = await trx
    .selectFrom('audit_log')
    .selectAll()
    .where('actorId', '=', userId)
    .execute();
  for (const row of acted) {
    // What the entry's hash sealed them as (an entry written before the exact-form rule
    // keeps a value starting with `erased:`: replacing it would break the chain).
    const seal = sealingOf(key, fromRow(row));
    await trx
      .updateTable('audit_log')
      .set({ actorId: seal(userId), actorName: seal(row.actorName) })
      .where('id', '=', row.id)
      .execute();
    touched.add(row.id);
  }
  const named = [];
  for (const part of chunks(chatIds, IN_LIST)) {
    named.push(
      ...(await trx.selectFrom('audit_log').selectAll().where('chatId', 'in', part).execute()),
    );
  }
  named.push(...(await exportsOf(trx, kind, userId).execute()));
  // Outside their chats, what they did themselves may quote them (a download of an upload
  // that no message used yet names its file).
  named.push(
    ...(await trx
      .selectFrom('audit_log')
      .selectAll()
      .where('actorId', '=', sealedId)
      .where('chatId', 'is', null)
      .execute()),
  );
  for (const row of named) {
    const entry = fromRow(row);
    const { details } = entry;
    const seal = sealingOf(key, entry);
    if (details.userId !== undefined && details.userId !== userId && row.chatId === null) continue;
    const sealed: Record<string, AuditDetail> = {};
    let changed = false;
    for (const [name, value] of Object.entries(details)) {
      const personal = PERSONAL_DETAILS.includes(name) && typeof value === 'string';
      const mine = name !== 'userId' || value === userId;
      sealed[name] = personal && mine ? seal(value) : value;
      if (sealed[name] !== value) changed = true;
    }
    if (!changed) continue;
    await trx
      .updateTable('audit_log')
      .set({ details: canonicalJson(sealed) })
      .where('id', '=', row.id)
      .execute();
    touched.add(row.id);
  }
  return touched.size;
}
