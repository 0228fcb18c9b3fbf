/**
 * The one query layer behind both stores. Dialect differences are passed in as a small
 * `DialectTraits` object by sqlite.ts and postgres.ts; everything else is shared.
 */
import { type Kysely, type SqlBool, sql, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { adminMayTake, chatIsOpen, heldBy, inQueueOf, writableBy } from '../chats/predicates.js';
import { Unavailable } from '../errors.js';
import { newId } from '../ids.js';
import { type Chat, LIMITS, type Message, type SenderType } from '../schemas/shapes.js';
import { ChatCache } from './chat-cache.js';
import { GroupCommit } from './group-commit.js';
import { ReadTurns } from './read-turns.js';
import { toChat, toMessage } from './rows.js';
import type { Database } from './schema.js';
import type {
  AdminRef,
  Appender,
  AppendResult,
  ChatQuery,
  HistoryCursor,
  MessageDraft,
  Store,
} from './store.js';

export interface DialectTraits {
  kind: Store['kind'];
  isUniqueViolation(err: unknown): boolean;
  /** True when the database cannot be reached (as opposed to a query being wrong). */
  isUnavailable(err: unknown): boolean;
  /** How long a chat row read or written here answers later reads (0: always read).
   * Safe to make long only where no other process writes the same database. */
  chatCacheMs: number;
  /** Batches written at once (by chat): SQLite has one writer, PostgreSQL row locks allow more. */
  writers: number;
  /** Costly reads at once (see read-turns.ts): SQLite's run on the event loop itself. */
  readers: number;
  /** Messages a mark-read marks per transaction (see markRead). */
  markReadChunk: number;
  /** The dialect's one way to append a batch of messages. */
  appender: Appender;
  /** Told the size of each group-commit batch (metrics). */
  onBatch?: ((size: number) => void) | undefined;
}

const now = (): string => new Date().toISOString();

/** Newest activity first, ties by id (newest first): the lists' documented order. */
const byActivity = (a: Chat, b: Chat): number =>
  a.lastMessageAt === b.lastMessageAt
    ? compareText(b._id, a._id)
    : compareText(b.lastMessageAt, a.lastMessageAt);

/** Plain code-unit order: ids and ISO times are ASCII, where every database's order agrees. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** seq is a 32-bit integer column: a bound past it would be an error on PostgreSQL. */
const MAX_SEQ = 2_147_483_647;

/** A cheap, stable spread of chat ids over lanes (ids end in a counter, so use the tail). */
const laneOf = (chatId: string, lanes: number): number => {
  let h = 0;
  for (let i = Math.max(0, chatId.length - 8); i < chatId.length; i++)
    h = (h * 31 + chatId.charCodeAt(i)) | 0;
  return Math.abs(h) % lanes;
};

export class KyselyStore implements Store {
  readonly kind: Store['kind'];

  /**
   * One batching lane per writer; a chat always uses the same lane, so one sender's
   * pipelined messages keep their order and lanes never lock the same chat rows.
   */
  private readonly lanes: GroupCommit<MessageDraft, PromiseSettledResult<AppendResult>>[];
  private readonly cache: ChatCache;
  private readonly readTurns: ReadTurns;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {
    this.kind = traits.kind;
    this.cache = new ChatCache(traits.chatCacheMs);
    this.readTurns = new ReadTurns(traits.readers);
    this.lanes = Array.from(
      { length: traits.writers },
      () =>
        new GroupCommit((drafts: MessageDraft[]) => {
          traits.onBatch?.(drafts.length);
          return this.appendBatch(drafts);
        }, 256),
    );
  }

  /**
   * The database's last refusal (unreachable, full disk, read-only) since the store last
   * proved it takes writes. A `select 1` can still succeed on a full disk, so while this
   * is set, ping() also commits a one-row write before it reports the store up.
   */
  private lastRefusal: unknown;

  /** Turns "cannot use the database" into a typed 503 (cause kept for the log). */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof Unavailable) throw err;
      if (!this.traits.isUnavailable(err)) throw err;
      this.lastRefusal = err;
      throw new Unavailable(err);
    }
  }

  /** A read that may return hundreds of rows: guarded, and in its turn (read-turns.ts). */
  private costlyRead<T>(work: () => Promise<T>): Promise<T> {
    return this.guard(() => this.readTurns.run(work));
  }

  async ping(): Promise<void> {
    await this.guard(() => sql`select 1`.execute(this.db));
    if (this.lastRefusal === undefined) return;
    const probe = { checkedAt: now(), payload: 'x'.repeat(LIMITS.contentChars) };
    await this.guard(() =>
      this.db
        .insertInto('write_probe')
        .values({ id: 1, ...probe })
        .onConflict((oc) => oc.column('id').doUpdateSet(probe))
        .execute(),
    );
    this.lastRefusal = undefined;
  }

  async close(): Promise<void> {
    await this.db.destroy();
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

  openChat(user: {
    userId: string;
    userName: string;
    online: boolean;
  }): Promise<{ chat: Chat; isNew: boolean }> {
    return this.guard(async () => {
      const existing = await this.findOpenChat(user.userId);
      if (existing) return { chat: existing, isNew: false };
      const at = now();
      try {
        const row = await this.db
          .insertInto('chats')
          .values({
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
            createdAt: at,
            updatedAt: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
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
      switch (query.kind) {
        case 'byUser':
          q = q.where('userId', '=', query.userId);
          break;
        case 'assignedTo':
          // As a literal, the partial index's own condition: see markReadChunk.
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
  ): Promise<Chat | undefined> {
    return this.guard(async () => {
      const row = await change(this.db.updateTable('chats').where('id', '=', chatId))
        .returningAll()
        .executeTakeFirst();
      return this.cache.record(chatId, row && toChat(row));
    });
  }

  takeChat(chatId: string, admin: AdminRef, lock: boolean): Promise<Chat | undefined> {
    return this.updateChat(chatId, (q) =>
      q
        .set({
          status: 'active',
          assignedAdminId: admin.id,
          assignedAdminName: admin.name,
          ...(lock
            ? { isLocked: 1, lockedByAdminId: admin.id, lockedByAdminName: admin.name }
            : {}),
          updatedAt: now(),
        })
        .where((eb) => adminMayTake.where(eb, admin.id)),
    );
  }

  transferChat(chatId: string, fromAdminId: string, to: AdminRef): Promise<Chat | undefined> {
    return this.updateChat(chatId, (q) =>
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
    );
  }

  releaseChat(chatId: string, holder: string): Promise<Chat | undefined> {
    return this.updateChat(chatId, (q) =>
      q
        .set({
          status: 'waiting',
          assignedAdminId: null,
          assignedAdminName: null,
          isLocked: 0,
          lockedByAdminId: null,
          lockedByAdminName: null,
          updatedAt: now(),
        })
        .where((eb) => heldBy.where(eb, holder)),
    );
  }

  closeChat(chatId: string, closer: Actor): Promise<Chat | undefined> {
    return this.updateChat(chatId, (q) =>
      q
        .set({ status: 'closed', userOnline: 0, updatedAt: now() })
        .where((eb) => writableBy.where(eb, closer)),
    );
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

  /** Batched: see group-commit.ts. The answer comes after the batch's commit. */
  async appendMessage(draft: MessageDraft): Promise<AppendResult> {
    const lane = this.lanes[laneOf(draft.chatId, this.lanes.length)] as GroupCommit<
      MessageDraft,
      PromiseSettledResult<AppendResult>
    >;
    const outcome = await this.guard(() => lane.submit(draft));
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  }

  /**
   * One transaction for the whole batch. If it fails as a whole (one draft the database
   * refuses, a concurrent duplicate from another node, a deadlock between two nodes'
   * batches), nothing of it was stored, and each draft is decided on its own: every
   * sender gets their own outcome, and one bad draft cannot fail the others.
   */
  private async appendBatch(drafts: MessageDraft[]): Promise<PromiseSettledResult<AppendResult>[]> {
    try {
      const results = await this.traits.appender.append(drafts);
      this.lastRefusal = undefined;
      results.forEach((r, i) => {
        this.remember((drafts[i] as MessageDraft).chatId, r);
      });
      return results.map((value) => ({ status: 'fulfilled', value }));
    } catch (err) {
      if (this.traits.isUnavailable(err)) {
        this.lastRefusal = err;
        throw new Unavailable(err);
      }
      const outcomes: PromiseSettledResult<AppendResult>[] = [];
      for (const draft of drafts) {
        try {
          outcomes.push({ status: 'fulfilled', value: await this.appendAlone(draft) });
        } catch (reason) {
          const unavailable = this.traits.isUnavailable(reason);
          if (unavailable) this.lastRefusal = reason;
          outcomes.push({
            status: 'rejected',
            reason: unavailable ? new Unavailable(reason) : reason,
          });
        }
      }
      return outcomes;
    }
  }

  /** What an append tells the chat cache: the row as it left it, or that it is gone/closed. */
  private remember(chatId: string, result: AppendResult): void {
    if (result.kind === 'stored') this.cache.record(chatId, result.chat);
    else if (result.kind === 'rejected') this.cache.record(chatId, undefined);
  }

  /** One draft as a batch of its own; a concurrent duplicate resolves to the stored message. */
  private async appendAlone(draft: MessageDraft): Promise<AppendResult> {
    try {
      const [result] = await this.traits.appender.append([draft]);
      if (!result) throw new Error('the appender answered nothing for one draft');
      this.remember(draft.chatId, result);
      return result;
    } catch (err) {
      // A concurrent retry with the same clientMessageId won; ours rolled back (seq
      // included), and the stored message is the answer.
      if (!draft.clientMessageId || !this.traits.isUniqueViolation(err)) throw err;
      const winner = await this.findByClientMessageId(draft.chatId, draft.clientMessageId);
      if (!winner) throw err;
      return { kind: 'duplicate', message: winner };
    }
  }

  private findByClientMessageId(
    chatId: string,
    clientMessageId: string,
  ): Promise<Message | undefined> {
    return this.guard(async () => {
      const row = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('chatId', '=', chatId)
        .where('clientMessageId', '=', clientMessageId)
        .executeTakeFirst();
      return row && toMessage(row);
    });
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

  historyCursor(
    chatId: string,
    { direction, seq, limit }: HistoryCursor,
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    return this.costlyRead(async () => {
      const after = direction === 'after';
      // Gap-free seq (see historyPage): the limit + 1 rows wanted are a closed seq range,
      // so no plan can read more of the chat (PostgreSQL without statistics on a new table
      // read all 300k newer messages to sort them: 420 ms for one `after` page).
      const reach = limit + 1;
      const rows = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('chatId', '=', chatId)
        .where('seq', after ? '>' : '<', seq)
        .where('seq', after ? '<=' : '>=', after ? Math.min(seq + reach, MAX_SEQ) : seq - reach)
        .orderBy('seq', after ? 'asc' : 'desc')
        .execute();
      const page = rows.slice(0, limit);
      if (!after) page.reverse();
      return { messages: page.map(toMessage), hasMore: rows.length > limit };
    });
  }

  /**
   * In chunks (markReadChunk messages), each its own transaction with a turn of the event
   * loop between them: a chat with 150,000 unread messages took 0.5 s (SQLite, on the
   * event loop) to 2.3 s in one statement. The chunk that finds the last unread messages
   * resets unreadCount in its own transaction, so no message counted after it is lost.
   * The partial index of unread messages finds each chunk without reading the chat.
   */
  async markRead(
    chatId: string,
    senderTypes: SenderType[],
    resetUnread: boolean,
  ): Promise<Chat | undefined> {
    for (;;) {
      const done = await this.guard(() => this.markReadChunk(chatId, senderTypes, resetUnread));
      if (done) return done.chat;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** One chunk; the chat when no unread messages were left after it, else undefined. */
  private markReadChunk(
    chatId: string,
    senderTypes: SenderType[],
    resetUnread: boolean,
  ): Promise<{ chat: Chat | undefined } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const at = now();
      const marked = await trx
        .updateTable('messages')
        .set({ isRead: 1, readAt: at, updatedAt: at })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('messages')
            .select('id')
            .where('chatId', '=', chatId)
            // A literal 0, the partial index's own condition: a plan made for a bound
            // parameter need not prove that the query implies it.
            .where('isRead', '=', sql.lit(0))
            .where('senderType', 'in', senderTypes)
            .limit(this.traits.markReadChunk),
        )
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) >= this.traits.markReadChunk) return undefined;
      const chat = resetUnread
        ? await trx
            .updateTable('chats')
            .set({ unreadCount: 0, updatedAt: at })
            .where('id', '=', chatId)
            .returningAll()
            .executeTakeFirst()
        : await trx.selectFrom('chats').selectAll().where('id', '=', chatId).executeTakeFirst();
      return { chat: this.cache.record(chatId, chat && toChat(chat)) };
    });
  }
}
