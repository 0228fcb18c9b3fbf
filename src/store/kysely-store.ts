/**
 * The one query layer behind both stores. Dialect differences are passed in as a small
 * `DialectTraits` object by sqlite.ts and postgres.ts; everything else is shared.
 */
import {
  type Kysely,
  sql,
  type Transaction,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import { Unavailable } from '../errors.js';
import { newId } from '../ids.js';
import type { Chat, Message, SenderType } from '../schemas/shapes.js';
import { ChatCache } from './chat-cache.js';
import { GroupCommit } from './group-commit.js';
import { newMessageRow, toChat, toMessage } from './rows.js';
import type { Database } from './schema.js';
import type {
  AdminRef,
  AppendResult,
  ChatQuery,
  HistoryPage,
  HistoryQuery,
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
  /**
   * The hot path, where the dialect can do it faster than statement-by-statement:
   * a whole batch of appends, and the chat read every send makes. Returning undefined
   * means "not now" (e.g. SQLite while a Kysely transaction holds the connection).
   */
  fastPath?: {
    appendBatch(drafts: MessageDraft[]): Promise<AppendResult[]> | AppendResult[] | undefined;
    getChat?(chatId: string): Chat | undefined | null;
  };
  /** Closes what the dialect opened besides Kysely's own pool. */
  onClose?: () => Promise<void>;
}

const now = (): string => new Date().toISOString();

/** A cheap, stable spread of chat ids over lanes (ids end in a counter, so use the tail). */
const laneOf = (chatId: string, lanes: number): number => {
  let h = 0;
  for (let i = Math.max(0, chatId.length - 8); i < chatId.length; i++)
    h = (h * 31 + chatId.charCodeAt(i)) | 0;
  return Math.abs(h) % lanes;
};

const compare = (a: MessageDraft | undefined, b: MessageDraft | undefined): number =>
  (a?.chatId ?? '') < (b?.chatId ?? '') ? -1 : (a?.chatId ?? '') > (b?.chatId ?? '') ? 1 : 0;

export class KyselyStore implements Store {
  readonly kind: Store['kind'];

  /**
   * One batching lane per writer; a chat always uses the same lane, so one sender's
   * pipelined messages keep their order and lanes never lock the same chat rows.
   */
  private readonly lanes: GroupCommit<MessageDraft, AppendResult>[];
  private readonly cache: ChatCache;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {
    this.kind = traits.kind;
    this.cache = new ChatCache(traits.chatCacheMs);
    this.lanes = Array.from(
      { length: traits.writers },
      () => new GroupCommit((drafts: MessageDraft[]) => this.appendBatch(drafts), 256),
    );
  }

  /** Turns "cannot reach the database" into a typed 503; anything else propagates. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (this.traits.isUnavailable(err)) throw new Unavailable();
      throw err;
    }
  }

  async ping(): Promise<void> {
    await this.guard(() => sql`select 1`.execute(this.db));
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.traits.onClose?.();
  }

  getChat(chatId: string): Promise<Chat | undefined> {
    const cached = this.cache.get(chatId);
    if (cached) return Promise.resolve(cached);
    return this.guard(async () => {
      const fast = this.traits.fastPath?.getChat?.(chatId);
      if (fast !== null && fast !== undefined) return fast;
      if (fast === null) return undefined;
      const row = await this.db
        .selectFrom('chats')
        .selectAll()
        .where('id', '=', chatId)
        .executeTakeFirst();
      return this.cache.record(chatId, row && toChat(row));
    });
  }

  findOpenChat(userId: string): Promise<Chat | undefined> {
    return this.guard(async () => {
      const row = await this.db
        .selectFrom('chats')
        .selectAll()
        .where('userId', '=', userId)
        .where('status', '<>', 'closed')
        .executeTakeFirst();
      return row && toChat(row);
    });
  }

  openChat(user: { userId: string; userName: string }): Promise<{ chat: Chat; isNew: boolean }> {
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
            userOnline: 0,
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
        case 'waiting': {
          q = q
            .where('status', '=', 'waiting')
            .where('assignedAdminId', 'is', null)
            .orderBy('createdAt', 'asc');
          if (!query.seesLocked) {
            const viewer = query.viewerAdminId ?? '';
            q = q.where((eb) =>
              eb.or([eb('isLocked', '=', 0), eb('lockedByAdminId', '=', viewer)]),
            );
          }
          break;
        }
        case 'assignedTo':
          q = q
            .where('assignedAdminId', '=', query.adminId)
            .where('status', '<>', 'closed')
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
        .where('status', '<>', 'closed')
        .where((eb) =>
          eb.and([
            eb.or([eb('assignedAdminId', 'is', null), eb('assignedAdminId', '=', admin.id)]),
            eb.or([eb('isLocked', '=', 0), eb('lockedByAdminId', '=', admin.id)]),
          ]),
        ),
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
        .where('status', '=', 'active')
        .where('assignedAdminId', '=', fromAdminId),
    );
  }

  releaseChat(chatId: string, heldBy: string): Promise<Chat | undefined> {
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
        .where('status', '=', 'active')
        .where('assignedAdminId', '=', heldBy),
    );
  }

  closeChat(chatId: string): Promise<Chat | undefined> {
    return this.updateChat(chatId, (q) =>
      q.set({ status: 'closed', userOnline: 0, updatedAt: now() }).where('status', '<>', 'closed'),
    );
  }

  setUserOnline(userId: string, online: boolean): Promise<Chat | undefined> {
    return this.guard(async () => {
      const row = await this.db
        .updateTable('chats')
        .set({ userOnline: online ? 1 : 0, updatedAt: now() })
        .where('userId', '=', userId)
        .where('status', '<>', 'closed')
        .returningAll()
        .executeTakeFirst();
      return row && this.cache.record(row.id, toChat(row));
    });
  }

  /** Batched: see group-commit.ts. The answer comes after the batch's commit. */
  appendMessage(draft: MessageDraft): Promise<AppendResult> {
    const lane = this.lanes[laneOf(draft.chatId, this.lanes.length)] as GroupCommit<
      MessageDraft,
      AppendResult
    >;
    return this.guard(() => lane.submit(draft));
  }

  /**
   * One transaction for the whole batch: the dialect's fast path where it has one, else
   * statement by statement. If the batch fails as a whole (a concurrent duplicate from
   * another node, a deadlock between two nodes' batches), each draft is decided on its
   * own, so one draft cannot fail the others and the duplicate rule still holds.
   */
  private async appendBatch(drafts: MessageDraft[]): Promise<AppendResult[]> {
    try {
      const results =
        (await this.traits.fastPath?.appendBatch(drafts)) ??
        (await this.appendInOneTransaction(drafts));
      results.forEach((r, i) => {
        if (r.kind === 'stored') this.cache.record(r.chat._id, r.chat);
        else if (r.kind === 'rejected')
          this.cache.record((drafts[i] as MessageDraft).chatId, undefined);
      });
      return results;
    } catch (err) {
      if (this.traits.isUnavailable(err)) throw err;
      const results: AppendResult[] = [];
      for (const draft of drafts) results.push(await this.appendAlone(draft));
      return results;
    }
  }

  private appendInOneTransaction(drafts: MessageDraft[]): Promise<AppendResult[]> {
    // Chat rows are locked in id order (a stable sort keeps each chat's own order), so
    // batches written at once, here or on another node, never wait on each other in a cycle.
    const order = drafts.map((_, i) => i).sort((a, b) => compare(drafts[a], drafts[b]));
    return this.db.transaction().execute(async (trx) => {
      const results: AppendResult[] = new Array(drafts.length);
      for (const i of order) results[i] = await this.appendIn(trx, drafts[i] as MessageDraft);
      return results;
    });
  }

  /** One draft in its own transaction; a concurrent duplicate resolves to the stored message. */
  private async appendAlone(draft: MessageDraft): Promise<AppendResult> {
    try {
      return await this.db.transaction().execute((trx) => this.appendIn(trx, draft));
    } catch (err) {
      // A concurrent retry with the same clientMessageId won; our transaction rolled
      // back (seq included), and the stored message is the answer.
      if (!draft.clientMessageId || !this.traits.isUniqueViolation(err)) throw err;
      const winner = await this.findByClientMessageId(draft.chatId, draft.clientMessageId);
      if (!winner) throw err;
      return { kind: 'duplicate', message: winner };
    }
  }

  private async appendIn(trx: Transaction<Database>, draft: MessageDraft): Promise<AppendResult> {
    if (draft.clientMessageId) {
      const earlier = await trx
        .selectFrom('messages')
        .selectAll()
        .where('chatId', '=', draft.chatId)
        .where('clientMessageId', '=', draft.clientMessageId)
        .executeTakeFirst();
      if (earlier) return { kind: 'duplicate', message: toMessage(earlier) };
    }
    const { effect } = draft;
    const at = now();
    // Taking the chat row first serialises appends to one chat across processes
    // (row lock on PostgreSQL, the write lock on SQLite), so seq stays gap-free.
    const chatRow = await trx
      .updateTable('chats')
      .set((eb) => ({
        lastSeq: eb('lastSeq', '+', 1),
        lastMessage: effect.lastMessage,
        lastMessageAt: at,
        unreadCount: eb('unreadCount', '+', effect.unreadIncrement),
        updatedAt: at,
      }))
      .where('id', '=', draft.chatId)
      .where('status', '<>', 'closed')
      .returningAll()
      .executeTakeFirst();
    if (!chatRow) return { kind: 'rejected' };
    const messageRow = await trx
      .insertInto('messages')
      .values(newMessageRow(draft, newId(), chatRow.lastSeq, at))
      .returningAll()
      .executeTakeFirstOrThrow();
    return { kind: 'stored', message: toMessage(messageRow), chat: toChat(chatRow) };
  }

  findByClientMessageId(chatId: string, clientMessageId: string): Promise<Message | undefined> {
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

  history(chatId: string, query: HistoryQuery): Promise<HistoryPage> {
    return this.guard(async () => {
      const base = this.db.selectFrom('messages').selectAll().where('chatId', '=', chatId);
      if (query.kind === 'page') {
        const [rows, count] = await Promise.all([
          base
            .orderBy('seq', 'desc')
            .limit(query.limit)
            .offset((query.page - 1) * query.limit)
            .execute(),
          this.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll().as('total'))
            .where('chatId', '=', chatId)
            .executeTakeFirstOrThrow(),
        ]);
        return {
          kind: 'page',
          messages: rows.reverse().map(toMessage),
          total: Number(count.total),
        };
      }
      // One extra row tells whether more exist in that direction.
      const rows =
        query.kind === 'after'
          ? await base
              .where('seq', '>', query.seq)
              .orderBy('seq', 'asc')
              .limit(query.limit + 1)
              .execute()
          : await base
              .where('seq', '<', query.seq)
              .orderBy('seq', 'desc')
              .limit(query.limit + 1)
              .execute();
      const hasMore = rows.length > query.limit;
      const page = rows.slice(0, query.limit);
      if (query.kind === 'before') page.reverse();
      return { kind: 'cursor', messages: page.map(toMessage), hasMore };
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
