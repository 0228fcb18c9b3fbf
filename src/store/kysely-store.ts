/**
 * The one query layer behind both stores. Dialect differences are passed in as a small
 * `DialectTraits` object by sqlite.ts and postgres.ts; everything else is shared.
 */
import { type Kysely, sql, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { Unavailable } from '../errors.js';
import { newId } from '../ids.js';
import { type Chat, LIMITS, type Message, type SenderType } from '../schemas/shapes.js';
import { ChatCache } from './chat-cache.js';
import { adminMayTake, chatIsOpen, heldBy, inQueueOf, writableBy } from './chat-conditions.js';
import { GroupCommit } from './group-commit.js';
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
  /** The dialect's one way to append a batch of messages. */
  appender: Appender;
  /** Told the size of each group-commit batch (metrics). */
  onBatch?: ((size: number) => void) | undefined;
}

const now = (): string => new Date().toISOString();

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

  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {
    this.kind = traits.kind;
    this.cache = new ChatCache(traits.chatCacheMs);
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

  listChats(query: ChatQuery): Promise<Chat[]> {
    return this.guard(async () => {
      let q = this.db.selectFrom('chats').selectAll();
      switch (query.kind) {
        case 'byUser':
          q = q.where('userId', '=', query.userId).orderBy('lastMessageAt', 'desc');
          break;
        case 'waiting':
          q = q.where((eb) => inQueueOf.where(eb, query.viewer)).orderBy('createdAt', 'asc');
          break;
        case 'assignedTo':
          q = q
            .where('assignedAdminId', '=', query.adminId)
            .where(chatIsOpen.where)
            .orderBy('lastMessageAt', 'desc');
          break;
        case 'all':
          if (query.status) q = q.where('status', '=', query.status);
          q = q.orderBy('lastMessageAt', 'desc');
          break;
      }
      const rows = await q.orderBy('id', 'desc').execute();
      return rows.map(toChat);
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

  historyPage(
    chatId: string,
    page: number,
    limit: number,
  ): Promise<{ messages: Message[]; total: number }> {
    return this.guard(async () => {
      const [rows, count] = await Promise.all([
        this.db
          .selectFrom('messages')
          .selectAll()
          .where('chatId', '=', chatId)
          .orderBy('seq', 'desc')
          .limit(limit)
          .offset((page - 1) * limit)
          .execute(),
        this.db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll().as('total'))
          .where('chatId', '=', chatId)
          .executeTakeFirstOrThrow(),
      ]);
      return { messages: rows.reverse().map(toMessage), total: Number(count.total) };
    });
  }

  historyCursor(
    chatId: string,
    { direction, seq, limit }: HistoryCursor,
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    return this.guard(async () => {
      const after = direction === 'after';
      const rows = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('chatId', '=', chatId)
        .where('seq', after ? '>' : '<', seq)
        .orderBy('seq', after ? 'asc' : 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      if (!after) page.reverse();
      return { messages: page.map(toMessage), hasMore: rows.length > limit };
    });
  }

  markRead(
    chatId: string,
    senderTypes: SenderType[],
    resetUnread: boolean,
  ): Promise<Chat | undefined> {
    return this.guard(() =>
      this.db.transaction().execute(async (trx) => {
        const at = now();
        await trx
          .updateTable('messages')
          .set({ isRead: 1, readAt: at, updatedAt: at })
          .where('chatId', '=', chatId)
          .where('isRead', '=', 0)
          .where('senderType', 'in', senderTypes)
          .execute();
        const chat = resetUnread
          ? await trx
              .updateTable('chats')
              .set({ unreadCount: 0, updatedAt: at })
              .where('id', '=', chatId)
              .returningAll()
              .executeTakeFirst()
          : await trx.selectFrom('chats').selectAll().where('id', '=', chatId).executeTakeFirst();
        return this.cache.record(chatId, chat && toChat(chat));
      }),
    );
  }
}
