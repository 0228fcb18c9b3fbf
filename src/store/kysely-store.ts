/**
 * The one query layer behind both stores: the chat and history queries. Dialect differences
 * are passed in as a small `DialectTraits` object by sqlite.ts and postgres.ts; the append
 * pipeline is append-lanes.ts, whether the database takes work availability.ts.
 */
import {
  type Insertable,
  type Kysely,
  type Selectable,
  type SqlBool,
  sql,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import type { AuditDraft, ChatAudit } from '../audit/chain.js';
import type { AuditLog } from '../audit/log.js';
import type { Actor } from '../auth/actor.js';
import { newId } from '../ids.js';
import { MAX_STORED_INT } from '../schemas/inputs.js';
import type { Chat, Message } from '../schemas/shapes.js';
import { sameWordKey } from '../schemas/text-rules.js';
import type { Availability as AgentAvailability, CannedScope } from '../schemas/vocabulary.js';
import { eventOf, webhookBody } from '../webhooks/events.js';
import type { WebhookOutbox } from '../webhooks/outbox.js';
import { agentRecords, joinAgent, setAgentAvailability, setAgentMaxChats } from './agents.js';
import { AppendLanes, type AppendLanesOptions } from './append-lanes.js';
import {
  type AttachmentRecords,
  type ChunkFile,
  kyselyAttachmentRecords,
} from './attachment-records.js';
import { appendAudit, auditKey, kyselyAuditLog, startChain } from './audit-log.js';
import { Availability } from './availability.js';
import {
  cannedRepliesOf,
  cannedReplyById,
  countCannedReplies,
  deleteCannedReply,
  insertCannedReply,
  updateCannedReply,
} from './canned-replies.js';
import { ChatCache } from './chat-cache.js';
import {
  adminMayTake,
  backInQueue,
  chatIsOpen,
  heldBy,
  inQueueOf,
  releasableFrom,
  writableBy,
} from './chat-sql.js';
import { adminIsKnown, knownAdminName, knownAdmins, recordAdmin } from './known-admins.js';
import { writeChatLabels } from './labels.js';
import { kyselyNoteRecords, type NoteRecords } from './note-records.js';
import { kyselyPrivacyRecords, type PrivacyRecords, refuseWhileErased } from './privacy.js';
import { queueRank, recentWaits, waitingOrder } from './queue.js';
import { ReadTurns } from './read-turns.js';
import { firstAssignedMsOf, kyselyReportRecords, type ReportRecords } from './reports.js';
import { assignWaiting, requeueUnanswered } from './routing.js';
import { toChat, toMessage } from './rows.js';
import type { ChatsTable, Database } from './schema.js';
import { indexPendingMessages, type SearchPage, type SearchQuery, searchPage } from './search.js';
import { indexChatNameComposed } from './search-composition.js';
import type {
  AdminRef,
  AgentRecord,
  AppendResult,
  AssignOptions,
  CannedReplyFields,
  CannedReplyRecord,
  ChangeAudit,
  ChatChange,
  ChatQuery,
  HistoryCursor,
  MessageDraft,
  QueueEntry,
  QueueRank,
  RatingDraft,
  ReadEffect,
  SeenAdmin,
  Store,
} from './store.js';
import { enqueueWebhook, kyselyWebhookOutbox } from './webhook-outbox.js';

export interface DialectTraits extends AppendLanesOptions {
  kind: Store['kind'];
  /** True when the database cannot be reached (as opposed to a query being wrong). */
  isUnavailable(err: unknown): boolean;
  /** How long a chat row read or written here answers later reads (0: always read).
   * Safe to make long only where no other process writes the same database. */
  chatCacheMs: number;
  /** Costly reads at once (see read-turns.ts): SQLite's run on the event loop itself. */
  readers: number;
  /** Messages a mark-read marks per transaction (see markRead). */
  markReadChunk: number;
  /** Where attachments' chunks live when not in the database (SQLite's blob file). */
  chunkFile?: ChunkFile | undefined;
  /** Reads an attachment chunk of the database's table some faster way than as a column. */
  readChunk?: AttachmentRecords['readChunk'] | undefined;
  /**
   * Resolves once every commit a query could have seen is on disk (SQLite's appends
   * synced on the pool, wal-sync.ts); absent where a commit is on disk before it is seen.
   */
  durable?: (() => Promise<void>) | undefined;
  /**
   * A failure the store keeps until a restart (SQLite's failed WAL sync): while there is
   * one, the health probe reports the store down, though a `select 1` and a write answer.
   */
  failure?: (() => Error | undefined) | undefined;
  /** Runs once the database is closed; close() resolves after it (a WAL sync in flight). */
  afterClose?: (() => Promise<void>) | undefined;
}

const now = (): string => new Date().toISOString();

/** Newest activity first, ties by id (newest first): the lists' documented order. */
const byActivity = (a: Chat, b: Chat): number =>
  a.lastMessageAt === b.lastMessageAt
    ? compareText(b._id, a._id)
    : compareText(b.lastMessageAt, a.lastMessageAt);

/** Plain code-unit order: ids and ISO times are ASCII, where every database's order agrees. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class KyselyStore implements Store {
  readonly kind: Store['kind'];
  readonly attachments: AttachmentRecords;
  readonly audit: AuditLog;
  readonly webhooks: WebhookOutbox;
  readonly notes: NoteRecords;
  readonly privacy: PrivacyRecords;
  readonly reports: ReportRecords;

  private readonly cache: ChatCache;
  private readonly readTurns: ReadTurns;
  private readonly availability: Availability;
  private readonly appends: AppendLanes;
  private auditKeyRead: Promise<string> | undefined;
  private webhookUrls: readonly string[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {
    this.kind = traits.kind;
    this.cache = new ChatCache(traits.chatCacheMs);
    this.readTurns = new ReadTurns(traits.readers);
    this.availability = new Availability(traits.isUnavailable, traits.failure);
    this.appends = new AppendLanes(
      db,
      { ...traits, webhookUrls: () => this.webhookUrls },
      this.availability,
      this.cache,
    );
    this.attachments = kyselyAttachmentRecords(
      db,
      traits.kind,
      (work) => this.guard(work),
      () => this.auditKey(),
      traits.chunkFile,
      traits.readChunk,
    );
    this.audit = kyselyAuditLog(
      db,
      (work) => this.costlyRead(work),
      () => this.auditKey(),
    );
    this.webhooks = kyselyWebhookOutbox(
      db,
      traits.kind,
      (work) => this.guard(work),
      () => this.auditKey(),
    );
    this.notes = kyselyNoteRecords(
      db,
      traits.kind,
      (work) => this.guard(work),
      () => this.auditKey(),
    );
    this.privacy = kyselyPrivacyRecords(
      db,
      traits.kind,
      (work) => this.guard(work),
      () => this.auditKey(),
      (chatIds) => {
        for (const id of chatIds) this.forgetChat(id);
      },
    );
    this.reports = kyselyReportRecords(db, traits.kind, (work) => this.costlyRead(work));
  }

  /**
   * Every query but the appends' runs through this (see availability.ts), and answers only
   * once what it may have read is on disk.
   */
  private guard<T>(work: () => Promise<T>): Promise<T> {
    const { durable } = this.traits;
    if (!durable) return this.availability.guard(work);
    return this.availability.guard(async () => {
      const result = await work();
      await durable();
      return result;
    });
  }

  /** A read that may return hundreds of rows: guarded, and in its turn (read-turns.ts). */
  private costlyRead<T>(work: () => Promise<T>): Promise<T> {
    return this.guard(() => this.readTurns.run(work));
  }

  ping(): Promise<void> {
    return this.availability.probe(this.db);
  }

  async close(): Promise<void> {
    // Each step runs even if one before it failed: the last ones release the database
    // file (SQLite's lock beside it) and the WAL's sync file.
    try {
      await this.appends.flush();
      await this.traits.appender.close?.();
      await this.traits.chunkFile?.close();
    } finally {
      try {
        await this.db.destroy();
      } finally {
        await this.traits.afterClose?.();
      }
    }
  }

  getChat(chatId: string): Promise<Chat | undefined> {
    const cached = this.cache.get(chatId);
    if (cached) return Promise.resolve(cached);
    return this.guard(async () => {
      const row = await this.db
        .selectFrom('chats')
        .selectAll()
        .where('id', '=', chatId)
        .executeTakeFirst();
      return this.cache.record(chatId, row && toChat(row));
    });
  }

  forgetChat(chatId: string): void {
    this.cache.record(chatId, undefined);
  }

  private findOpenChat(userId: string): Promise<Chat | undefined> {
    return this.guard(async () => {
      const row = await this.db
        .selectFrom('chats')
        .selectAll()
        .where('userId', '=', userId)
        .where(chatIsOpen.where)
        .executeTakeFirst();
      return row && toChat(row);
    });
  }

  openChat(
    user: {
      userId: string;
      userName: string;
      online: boolean;
    },
    audit?: ChatAudit,
  ): Promise<{ chat: Chat; isNew: boolean }> {
    return this.guard(async () => {
      const existing = await this.findOpenChat(user.userId);
      if (existing) return { chat: existing, isNew: false };
      const at = now();
      const key = audit && (await this.auditKey());
      const values: Insertable<ChatsTable> = {
        id: newId(),
        userId: user.userId,
        userName: user.userName,
        status: 'waiting',
        assignedAdminId: null,
        assignedAdminName: null,
        isLocked: 0,
        lockedByAdminId: null,
        lockedByAdminName: null,
        lastMessage: '',
        lastMessageAt: at,
        unreadCount: 0,
        userOnline: user.online ? 1 : 0,
        lastSeq: 0,
        adminReadSeq: 0,
        userReadSeq: 0,
        createdAt: at,
        updatedAt: at,
        createdMs: Date.parse(at),
      };
      try {
        const row = await this.db.transaction().execute(async (trx) => {
          // Refused while the user is being erased (store/privacy.ts: the hold and its lock).
          await refuseWhileErased(trx, this.kind, user.userId);
          if (audit && key && this.kind === 'postgres' && !this.makesWebhook(audit)) {
            return this.openAuditedPostgres(trx, values, key, audit, at);
          }
          const opened = await trx
            .insertInto('chats')
            .values(values)
            .returningAll()
            .executeTakeFirstOrThrow();
          if (this.kind === 'sqlite') await indexChatNameComposed(trx, opened);
          if (audit && key) await this.recordChange(trx, key, audit, opened, at);
          return opened;
        });
        return { chat: toChat(row), isNew: true };
      } catch (err) {
        // Another request opened the user's chat between our read and insert.
        if (!this.traits.isUniqueViolation(err)) throw err;
        const winner = await this.findOpenChat(user.userId);
        if (!winner) throw err;
        return { chat: winner, isNew: false };
      }
    });
  }

  /**
   * PostgreSQL: the chat, its audit entry and its chain's end in one statement. The chat's
   * id is new, so is its chain: nothing to read or lock before linking its first entry.
   */
  private async openAuditedPostgres(
    db: Kysely<Database>,
    values: Insertable<ChatsTable>,
    key: string,
    audit: ChatAudit,
    at: string,
  ): Promise<Selectable<ChatsTable>> {
    const { entry, end } = startChain(key, { ...audit, chatId: values.id }, at);
    return db
      .with('opened', (db) => db.insertInto('chats').values(values).returningAll())
      .with('logged', (db) => db.insertInto('audit_log').values(entry))
      .with('started', (db) => db.insertInto('audit_chains').values(end))
      .selectFrom('opened')
      .selectAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * At most `max` chats, found in an index's order so that the work is bounded whatever
   * the number of chats: the waiting queue's own order (oldest first); for the lists by
   * activity, the `max` most recently opened chats, then sorted by lastMessageAt here.
   * lastMessageAt changes with every message and is in no index on purpose (see
   * migrations.ts), so ordering a whole list by it read every chat of the list (20,000
   * chats: 74 ms on SQLite, on the event loop).
   */
  listChats(query: ChatQuery, max: number): Promise<Chat[]> {
    return this.costlyRead(async () => {
      let q = this.db.selectFrom('chats').selectAll();
      if (query.kind === 'waiting') {
        const rows = await q
          .where((eb) => inQueueOf.where(eb, query.viewer))
          .orderBy('createdAt', 'asc')
          .orderBy('id', 'desc')
          .limit(max)
          .execute();
        return rows.map(toChat);
      }
      if (query.kind === 'all' && query.label !== undefined) {
        // Found through the label's own index, newest chats first: a rare label reads its
        // few rows, not every chat until it has found `max` (20,000 chats on SQLite: p50
        // 1.2 ms for a label on 200 of them, 0.9 ms on 10,000; 0.9 ms with no label).
        let labelled = this.db
          .selectFrom('chat_labels')
          .innerJoin('chats', 'chats.id', 'chat_labels.chatId')
          .selectAll('chats')
          .where('chat_labels.labelKey', '=', sameWordKey(query.label));
        if (query.status) labelled = labelled.where('chats.status', '=', query.status);
        const rows = await labelled
          .orderBy('chat_labels.chatCreatedAt', 'desc')
          .orderBy('chat_labels.chatId', 'desc')
          .limit(max)
          .execute();
        return rows.map(toChat).sort(byActivity);
      }
      switch (query.kind) {
        case 'byUser':
          q = q.where('userId', '=', query.userId);
          break;
        case 'assignedTo':
          // As a literal, the partial index's own condition (chats_open_by_admin): a plan
          // made for a bound parameter need not prove that the query implies it.
          q = q
            .where('assignedAdminId', '=', query.adminId)
            .where(sql.raw<SqlBool>(chatIsOpen.sql));
          break;
        case 'all':
          if (query.status) q = q.where('status', '=', query.status);
          break;
      }
      const rows = await q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(max).execute();
      return rows.map(toChat).sort(byActivity);
    });
  }

  /**
   * A conditional update of one chat row: `change` adds the new values and the WHERE
   * clauses that state what the caller assumed. No row back means the assumption failed.
   */
  private updateChat(
    chatId: string,
    change: (
      q: UpdateQueryBuilder<Database, 'chats', 'chats', UpdateResult>,
    ) => UpdateQueryBuilder<Database, 'chats', 'chats', UpdateResult>,
    audit?: ChatAudit,
    /** What else the change does, in its transaction, once it happened. */
    also?: (db: Kysely<Database>) => Promise<void>,
    /** What the change's transaction does first (reading the row it changes). */
    first?: (db: Kysely<Database>) => Promise<void>,
  ): Promise<Chat | undefined> {
    return this.guard(async () => {
      const key = audit && (await this.auditKey());
      const update = async (db: Kysely<Database>) => {
        if (first) await first(db);
        const row = await change(db.updateTable('chats').where('id', '=', chatId))
          .returningAll()
          .executeTakeFirst();
        if (row && also) await also(db);
        return row;
      };
      const row = await this.audited(
        audit,
        key,
        now(),
        (also || first) && audit === undefined
          ? (db) => db.transaction().execute((trx) => update(trx))
          : update,
      );
      return this.cache.record(chatId, row && toChat(row));
    });
  }

  /**
   * As updateChat, answering also the row as it was when changed: read first in the
   * change's transaction, under the row's lock (PostgreSQL: FOR UPDATE; SQLite: the one
   * connection is the transaction's), so that it is the row the change applied to, not
   * one a concurrent change overtook since the caller read it.
   */
  private async updateChatFrom(
    chatId: string,
    change: Parameters<KyselyStore['updateChat']>[1],
    audit?: ChangeAudit,
    also?: (db: Kysely<Database>) => Promise<void>,
    /** What the transaction locks before the chat's row (an agent's: lockLoadOf). */
    lockFirst?: (db: Kysely<Database>) => Promise<void>,
  ): Promise<ChatChange | undefined> {
    let before: Selectable<ChatsTable> | undefined;
    // The entry is written after the read below, which gives it its details.
    const entry: ChatAudit | undefined = audit && {
      actor: audit.actor,
      action: audit.action,
      details: 'details' in audit ? audit.details : {},
    };
    const chat = await this.updateChat(chatId, change, entry, also, async (db) => {
      if (lockFirst) await lockFirst(db);
      let read = db.selectFrom('chats').selectAll().where('id', '=', chatId);
      if (this.kind === 'postgres') read = read.forUpdate();
      before = await read.executeTakeFirst();
      if (entry && before && audit && 'detailsFrom' in audit)
        entry.details = audit.detailsFrom(toChat(before));
    });
    return chat && before && { chat, before: toChat(before) };
  }

  /**
   * A change that adds to an admin's load (a take, a transfer to them) locks their agent
   * row first, as routing does before it counts their active chats (routing.ts): the change
   * commits before routing counts or waits until routing has committed, so routing never
   * counts a load that grows before its own assignment commits. In the one order routing
   * locks too (agents, then chats; routing never waits for a chat row), so no deadlock.
   * SQLite: the one connection already runs routing's transaction whole.
   */
  private lockLoadOf(adminId: string) {
    return async (db: Kysely<Database>): Promise<void> => {
      if (this.kind !== 'postgres') return;
      await db
        .selectFrom('agents')
        .select('adminId')
        .where('adminId', '=', adminId)
        .forUpdate()
        .execute();
    };
  }

  /**
   * The chat's routed assignment is over (a transfer gave it away, an unlock put it back in
   * the queue): ROUTING_REPLY_TIMEOUT no longer applies, also when the same admin takes it
   * again by hand or has it transferred back, which the sweep could not tell from the
   * routed assignment itself.
   */
  private settleRouted(chatId: string) {
    return async (db: Kysely<Database>): Promise<void> => {
      await db
        .updateTable('routed_chats')
        .set({ adminId: null })
        .where('chatId', '=', chatId)
        .where('adminId', 'is not', null)
        .execute();
    };
  }

  private auditKey(): Promise<string> {
    this.auditKeyRead ??= auditKey(this.db);
    return this.auditKeyRead;
  }

  /**
   * A chat row's change, and with `audit` its entry in the chat's chain, in one transaction:
   * recorded only when the change happened (a row came back). Without `audit`, the change
   * alone, as one statement.
   */
  private audited<Row extends Selectable<ChatsTable> | undefined>(
    audit: ChatAudit | undefined,
    key: string | undefined,
    at: string,
    change: (db: Kysely<Database>) => Promise<Row>,
  ): Promise<Row> {
    if (audit === undefined || key === undefined) return change(this.db);
    return this.db.transaction().execute(async (trx) => {
      const row = await change(trx);
      if (row) await this.recordChange(trx, key, audit, row, at);
      return row;
    });
  }

  /** What a change of a chat row leaves in its transaction: its audit entry and its event. */
  private async recordChange(
    db: Kysely<Database>,
    key: string,
    audit: ChatAudit,
    row: Selectable<ChatsTable>,
    at: string,
  ): Promise<void> {
    await appendAudit(db, key, { ...audit, chatId: row.id }, at);
    await this.enqueueWebhook(db, audit, row, at);
  }

  /** Whether the change makes an event for other systems (then its transaction writes it). */
  private makesWebhook(audit: ChatAudit): boolean {
    return eventOf(audit.action) !== undefined && this.webhookUrls.length > 0;
  }

  /** The event the change makes for other systems, in its transaction (the outbox). */
  private async enqueueWebhook(
    db: Kysely<Database>,
    audit: ChatAudit,
    row: Selectable<ChatsTable>,
    at: string,
  ): Promise<void> {
    const type = eventOf(audit.action);
    if (type === undefined || this.webhookUrls.length === 0) return;
    const data = { chatId: row.id, chat: toChat(row), actor: audit.actor, ...audit.details };
    const body = webhookBody(type, at, data);
    await enqueueWebhook(db, { type, chatId: row.id, body, at }, this.webhookUrls, newId);
  }

  sendWebhooksTo(urls: readonly string[]): void {
    this.webhookUrls = urls;
  }

  /** A change that concerns no chat (an agent's choice), with its entry on the desk chain. */
  private auditedDesk(
    audit: AuditDraft | undefined,
    change: (db: Kysely<Database>) => Promise<void>,
  ) {
    return this.guard(async () => {
      if (audit === undefined) return change(this.db);
      const key = await this.auditKey();
      await this.db.transaction().execute(async (trx) => {
        await change(trx);
        await appendAudit(trx, key, audit, now());
      });
    });
  }

  takeChat(
    chatId: string,
    admin: AdminRef,
    lock: boolean,
    audit?: ChangeAudit,
  ): Promise<ChatChange | undefined> {
    const at = now();
    return this.updateChatFrom(
      chatId,
      (q) =>
        q
          .set((eb) => ({
            status: 'active',
            assignedAdminId: admin.id,
            assignedAdminName: admin.name,
            ...(lock
              ? { isLocked: 1, lockedByAdminId: admin.id, lockedByAdminName: admin.name }
              : {}),
            updatedAt: at,
            // The end of the chat's first wait (the queue's estimate); later takes keep it.
            firstAssignedAt: eb.fn.coalesce('firstAssignedAt', eb.val(at)),
            firstAssignedMs: firstAssignedMsOf(eb, at),
          }))
          .where((eb) => adminMayTake.where(eb, admin.id)),
      audit,
      undefined,
      this.lockLoadOf(admin.id),
    );
  }

  transferChat(
    chatId: string,
    fromAdminId: string,
    to: AdminRef,
    audit?: ChatAudit,
  ): Promise<Chat | undefined> {
    return this.updateChat(
      chatId,
      (q) =>
        q
          .set((eb) => ({
            assignedAdminId: to.id,
            assignedAdminName: to.name,
            // A lock travels with the chat: the new assignee holds it.
            lockedByAdminId: eb.case().when('isLocked', '=', 1).then(to.id).else(null).end(),
            lockedByAdminName: eb.case().when('isLocked', '=', 1).then(to.name).else(null).end(),
            updatedAt: now(),
          }))
          .where((eb) => heldBy.where(eb, fromAdminId)),
      audit,
      this.settleRouted(chatId),
      this.lockLoadOf(to.id),
    );
  }

  releaseChat(chatId: string, holder: string, audit?: ChatAudit): Promise<ChatChange | undefined> {
    return this.updateChatFrom(
      chatId,
      (q) => q.set(backInQueue(now())).where((eb) => releasableFrom.where(eb, holder)),
      audit,
      this.settleRouted(chatId),
    );
  }

  closeChat(chatId: string, closer: Actor, audit?: ChangeAudit): Promise<ChatChange | undefined> {
    const at = now();
    return this.updateChatFrom(
      chatId,
      (q) =>
        q
          .set({
            status: 'closed',
            userOnline: 0,
            updatedAt: at,
            closedAt: at,
            closedMs: Date.parse(at),
          })
          .where((eb) => writableBy.where(eb, closer)),
      audit,
    );
  }

  /**
   * One statement decides a rating: of concurrent ratings exactly one finds `ratedAt`
   * still null. Chats closed before closedAt existed count from their updatedAt.
   */
  rateChat(chatId: string, rating: RatingDraft, audit?: ChatAudit): Promise<Chat | undefined> {
    return this.updateChat(
      chatId,
      (q) =>
        q
          .set({
            ratingScore: rating.score,
            ratingComment: rating.comment,
            ratedAt: rating.at,
          })
          .where('userId', '=', rating.userId)
          .where('status', '=', 'closed')
          .where('ratedAt', 'is', null)
          .where((eb) => eb(eb.fn.coalesce('closedAt', 'updatedAt'), '>=', rating.closedSince)),
      audit,
    );
  }

  recordCustomerContext(userId: string, ctx: string): Promise<void> {
    return this.guard(async () => {
      await this.db
        .updateTable('chats')
        .set({ ctx })
        .where('userId', '=', userId)
        .where(chatIsOpen.where)
        .execute();
    });
  }

  customerContexts(chatIds: readonly string[]): Promise<Map<string, string>> {
    if (chatIds.length === 0) return Promise.resolve(new Map());
    return this.costlyRead(async () => {
      const rows = await this.db
        .selectFrom('chats')
        .select(['id', 'ctx'])
        .where('id', 'in', chatIds)
        .where('ctx', 'is not', null)
        .execute();
      return new Map(rows.flatMap((r) => (r.ctx === null ? [] : [[r.id, r.ctx] as const])));
    });
  }

  setUserOnline(userId: string, online: boolean): Promise<Chat | undefined> {
    return this.guard(async () => {
      const row = await this.db
        .updateTable('chats')
        .set({ userOnline: online ? 1 : 0, updatedAt: now() })
        .where('userId', '=', userId)
        .where(chatIsOpen.where)
        .returningAll()
        .executeTakeFirst();
      return row && this.cache.record(row.id, toChat(row));
    });
  }

  recordAdmin(admin: AdminRef): Promise<void> {
    return this.guard(() => recordAdmin(this.db, admin, now()));
  }

  isKnownAdmin(adminId: string): Promise<boolean> {
    return this.guard(() => adminIsKnown(this.db, adminId));
  }

  knownAdminName(adminId: string): Promise<string | undefined> {
    return this.guard(() => knownAdminName(this.db, adminId));
  }

  listKnownAdmins(max: number): Promise<SeenAdmin[]> {
    return this.costlyRead(() => knownAdmins(this.db, max));
  }

  joinAgent(adminId: string, availability: AgentAvailability): Promise<boolean> {
    return this.guard(() => joinAgent(this.db, adminId, availability, now()));
  }

  setAgentAvailability(
    adminId: string,
    availability: AgentAvailability,
    audit?: AuditDraft,
  ): Promise<void> {
    return this.auditedDesk(audit, (db) => setAgentAvailability(db, adminId, availability, now()));
  }

  setAgentMaxChats(adminId: string, maxChats: number, audit?: AuditDraft): Promise<void> {
    return this.auditedDesk(audit, (db) => setAgentMaxChats(db, adminId, maxChats, now()));
  }

  listAgents(which: { adminIds: readonly string[] } | { max: number }): Promise<AgentRecord[]> {
    return this.costlyRead(() => agentRecords(this.db, which));
  }

  setChatLabels(
    chatId: string,
    labels: readonly string[],
    audit?: ChatAudit,
  ): Promise<Chat | undefined> {
    return this.guard(async () => {
      const key = audit && (await this.auditKey());
      const at = now();
      const row = await writeChatLabels(this.db, chatId, labels, at, async (trx, changed) => {
        if (audit && key) await appendAudit(trx, key, { ...audit, chatId: changed.id }, at);
      });
      return this.cache.record(chatId, row && toChat(row));
    });
  }

  listCannedReplies(ownerId: string | null, max: number): Promise<CannedReplyRecord[]> {
    return this.costlyRead(() => cannedRepliesOf(this.db, ownerId, max));
  }

  getCannedReply(id: string): Promise<CannedReplyRecord | undefined> {
    return this.guard(() => cannedReplyById(this.db, id));
  }

  countCannedReplies(scope: CannedScope, ownerId: string | null): Promise<number> {
    return this.guard(() => countCannedReplies(this.db, scope, ownerId));
  }

  /**
   * A canned reply's change with its entry on the desk chain, in one transaction, recorded
   * only when the change happened; a shortcut taken fails both and answers `shortcutTaken`.
   */
  private cannedChange<T>(
    audit: (result: T) => AuditDraft | undefined,
    change: (db: Kysely<Database>, at: string) => Promise<T>,
  ): Promise<T | 'shortcutTaken'> {
    return this.guard(async () => {
      const key = await this.auditKey();
      const at = now();
      try {
        return await this.db.transaction().execute(async (trx) => {
          const result = await change(trx, at);
          const entry = audit(result);
          if (entry) await appendAudit(trx, key, entry, at);
          return result;
        });
      } catch (err) {
        if (this.traits.isUniqueViolation(err)) return 'shortcutTaken';
        throw err;
      }
    });
  }

  createCannedReply(
    fields: CannedReplyFields,
    audit?: (reply: CannedReplyRecord) => AuditDraft,
  ): Promise<CannedReplyRecord | 'shortcutTaken'> {
    return this.cannedChange(
      (r) => audit?.(r),
      (db, at) => insertCannedReply(db, newId(), fields, at),
    );
  }

  updateCannedReply(
    id: string,
    fields: CannedReplyFields,
    audit?: (reply: CannedReplyRecord) => AuditDraft,
  ): Promise<CannedReplyRecord | 'shortcutTaken' | undefined> {
    return this.cannedChange(
      (r) => (r && audit ? audit(r) : undefined),
      (db, at) => updateCannedReply(db, id, fields, at),
    );
  }

  async deleteCannedReply(id: string, audit?: AuditDraft): Promise<boolean> {
    const deleted = await this.cannedChange(
      (done) => (done ? audit : undefined),
      (db) => deleteCannedReply(db, id),
    );
    return deleted === true;
  }

  waitingOrder(max: number): Promise<QueueEntry[]> {
    return this.costlyRead(() => waitingOrder(this.db, max));
  }

  queueRank(chatId: string): Promise<QueueRank> {
    return this.costlyRead(() => queueRank(this.db, chatId));
  }

  recentWaits(since: string, max: number): Promise<number[]> {
    return this.costlyRead(() => recentWaits(this.db, since, max));
  }

  assignWaiting(
    adminIds: readonly string[],
    options: AssignOptions,
  ): Promise<{ chat: Chat; adminId: string; adminName: string }[]> {
    return this.guard(async () => {
      // Read before the transaction: SQLite's one connection is the transaction's until it ends.
      const key = await this.auditKey();
      const assigned = await assignWaiting(
        this.db,
        this.kind,
        adminIds,
        options,
        now(),
        (db, audit, row, at) => this.recordChange(db, key, audit, row, at),
      );
      return assigned.map((a) => {
        const chat = toChat(a.chat);
        this.cache.record(chat._id, chat);
        return { chat, adminId: a.adminId, adminName: a.adminName };
      });
    });
  }

  requeueUnanswered(cutoff: string, max: number): Promise<{ chat: Chat; fromAdminId: string }[]> {
    return this.guard(async () => {
      const key = await this.auditKey();
      const requeued = await requeueUnanswered(this.db, cutoff, max, now(), (db, audit, row, at) =>
        this.recordChange(db, key, audit, row, at),
      );
      return requeued.map((r) => {
        const chat = toChat(r.chat);
        this.cache.record(chat._id, chat);
        return { chat, fromAdminId: r.fromAdminId };
      });
    });
  }

  /** Batched, retried and cached in append-lanes.ts; the answer comes after the commit. */
  appendMessage(draft: MessageDraft): Promise<AppendResult> {
    return this.appends.append(draft);
  }

  /**
   * seq is 1…lastSeq without gaps (an append takes lastSeq + 1 in the transaction that
   * stores it, the v2 import numbers on from lastSeq, and messages are never deleted), so
   * page p is the seq range (lastSeq − p·limit, lastSeq − (p−1)·limit] and the total is
   * lastSeq: two index lookups, whatever the page's depth. OFFSET and COUNT(*) read every
   * newer message (18-47 ms per deep page of a 300k-message chat, on the event loop with
   * SQLite; 180 ms on PostgreSQL). A committed lastSeq means its messages are committed, so total and page agree.
   */
  historyPage(
    chatId: string,
    page: number,
    limit: number,
  ): Promise<{ messages: Message[]; total: number }> {
    return this.costlyRead(async () => {
      const chat = await this.db
        .selectFrom('chats')
        .select('lastSeq')
        .where('id', '=', chatId)
        .executeTakeFirst();
      const total = Number(chat?.lastSeq ?? 0);
      const newest = total - (page - 1) * limit;
      if (newest <= 0) return { messages: [], total };
      const rows = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('chatId', '=', chatId)
        .where('seq', '>', newest - limit)
        .where('seq', '<=', newest)
        .orderBy('seq', 'asc')
        .execute();
      return { messages: rows.map(toMessage), total };
    });
  }

  /** `seq`, or the one after the chat's last message when `seq` is further. */
  private async seqAfterEnd(chatId: string, seq: number): Promise<number> {
    const chat = await this.db
      .selectFrom('chats')
      .select('lastSeq')
      .where('id', '=', chatId)
      .executeTakeFirst();
    return Math.min(seq, Number(chat?.lastSeq ?? 0) + 1);
  }

  historyCursor(
    chatId: string,
    { direction, seq: cursorSeq, limit }: HistoryCursor,
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    return this.costlyRead(async () => {
      const after = direction === 'after';
      // Gap-free seq (see historyPage): the limit + 1 rows wanted are a closed seq range,
      // so no plan can read more of the chat (PostgreSQL without statistics on a new table
      // read all 300k newer messages to sort them: 420 ms for one `after` page).
      const reach = limit + 1;
      // A `before` past the chat's end starts at its end: the range counted from beyond it
      // held fewer rows than there are (none at all from far beyond), and so no `hasMore`.
      const seq = after || cursorSeq <= 1 ? cursorSeq : await this.seqAfterEnd(chatId, cursorSeq);
      const rows = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('chatId', '=', chatId)
        .where('seq', after ? '>' : '<', seq)
        // seq is int4: a bound past MAX_STORED_INT is an error on PostgreSQL.
        .where(
          'seq',
          after ? '<=' : '>=',
          after ? Math.min(seq + reach, MAX_STORED_INT) : seq - reach,
        )
        .orderBy('seq', after ? 'asc' : 'desc')
        .execute();
      const page = rows.slice(0, limit);
      if (!after) page.reverse();
      return { messages: page.map(toMessage), hasMore: rows.length > limit };
    });
  }

  search(query: SearchQuery): Promise<SearchPage> {
    return this.costlyRead(() => searchPage(this.db, this.kind, query));
  }

  indexSearch(max: number): Promise<number> {
    const { appender } = this.traits;
    return this.guard(() =>
      appender.indexSearch
        ? appender.indexSearch(max)
        : indexPendingMessages(this.db, this.kind, max),
    );
  }

  /**
   * Each reader has a watermark on the chat row (adminReadSeq, userReadSeq: every message
   * of its sender types up to it is read), and a read looks only at the seq range above it
   * through messages_chat_seq, whatever the chat's size, and moves it in the same
   * transaction. No index of unread messages (it cost every append 4-18 µs of CPU on
   * SQLite, by batch size: migration 0010). In chunks of markReadChunk seqs, each its own transaction with a turn
   * of the event loop between them: a chat with 150,000 unread messages took 0.5 s (SQLite,
   * on the event loop) to 2.3 s in one statement. The last chunk resets unreadCount only
   * while the chat's lastSeq is still the one it read (a conditional update, under the
   * row's lock): a message stored meanwhile was counted after the chunk's look, so the read
   * goes on to it instead of zeroing its count.
   */
  async markRead(chatId: string, read: ReadEffect): Promise<Chat | undefined> {
    for (;;) {
      const done = await this.guard(() => this.markReadChunk(chatId, read));
      if (done) return done.chat;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** One chunk; the chat when nothing unread was left below its lastSeq, else undefined. */
  private markReadChunk(
    chatId: string,
    { reader, senderTypes, resetUnread }: ReadEffect,
  ): Promise<{ chat: Chat | undefined } | undefined> {
    const watermark = reader === 'admin' ? 'adminReadSeq' : 'userReadSeq';
    return this.db.transaction().execute(async (trx) => {
      const at = now();
      const row = await trx
        .selectFrom('chats')
        .selectAll()
        .where('id', '=', chatId)
        .executeTakeFirst();
      if (!row) return { chat: this.cache.record(chatId, undefined) };
      const from = Number(row[watermark]);
      const lastSeq = Number(row.lastSeq);
      const chunk = this.traits.markReadChunk;
      const to = Math.min(from + chunk, lastSeq);
      const marked =
        to > from
          ? await trx
              .updateTable('messages')
              .set({ isRead: 1, readAt: at, updatedAt: at })
              .where('chatId', '=', chatId)
              .where('seq', '>', from)
              .where('seq', '<=', to)
              .where('isRead', '=', 0)
              .where('senderType', 'in', senderTypes)
              .executeTakeFirst()
          : undefined;
      // Never lowered: another read of the same reader may have moved it further.
      const raised = {
        [watermark]: sql<number>`CASE WHEN ${sql.ref(watermark)} < ${to} THEN ${to} ELSE ${sql.ref(watermark)} END`,
      };
      if (to === lastSeq && resetUnread) {
        const reset = await trx
          .updateTable('chats')
          .set({ ...raised, unreadCount: 0, updatedAt: at })
          .where('id', '=', chatId)
          .where('lastSeq', '=', lastSeq)
          .returningAll()
          .executeTakeFirst();
        if (reset) return { chat: this.cache.record(chatId, toChat(reset)) };
      }
      // Moving the watermark is a write (on SQLite, a commit's fsync on the event loop): a
      // read that marked nothing (the reader's own messages since) leaves it unless it looked
      // at a whole chunk, so no read looks again at more than a chunk it looked at before.
      const move = Number(marked?.numUpdatedRows ?? 0) > 0 || to - from >= chunk;
      const moved = move
        ? await trx
            .updateTable('chats')
            .set(raised)
            .where('id', '=', chatId)
            .returningAll()
            .executeTakeFirst()
        : row;
      if (to < lastSeq || resetUnread) return undefined;
      return { chat: this.cache.record(chatId, moved && toChat(moved)) };
    });
  }
}
