/**
 * The append pipeline between the use case and the dialect's one append statement: drafts
 * queue in batching lanes (group-commit.ts), a batch the database refuses as a whole is
 * retried draft by draft, and each outcome updates the chat cache. A chat always uses the
 * same lane, so one sender's pipelined messages keep their order and lanes never lock the
 * same chat rows.
 */
import type { Kysely } from 'kysely';
import type { Message } from '../schemas/shapes.js';
import { TUNABLES } from '../tunables.js';
import type { Availability } from './availability.js';
import type { ChatCache } from './chat-cache.js';
import { type Gathering, GroupCommit } from './group-commit.js';
import { toMessage } from './rows.js';
import type { Database } from './schema.js';
import type { Appender, AppendResult, MessageDraft } from './store.js';

/** Drafts one batch takes at most. */
const BATCH_MAX = TUNABLES.groupCommitMaxBatch.value;

type Outcome = PromiseSettledResult<AppendResult>;

export interface AppendLanesOptions {
  /** Batches written at once (by chat): SQLite has one writer, PostgreSQL row locks allow more. */
  writers: number;
  /** The dialect's one way to append a batch of messages. */
  appender: Appender;
  isUniqueViolation(err: unknown): boolean;
  /** Told the size of each batch (metrics). */
  onBatch?: ((size: number) => void) | undefined;
  /** Where message.created goes (WEBHOOK_URLS), read per batch; empty: nowhere. */
  webhookUrls?: (() => readonly string[]) | undefined;
  /** Whether a batch under load waits for more (default: the catalogue's). */
  gathering?: Gathering | undefined;
}

const NO_URLS: readonly string[] = [];

/** A cheap, stable spread of chat ids over lanes (ids end in a counter, so use the tail). */
const laneOf = (chatId: string, lanes: number): number => {
  let h = 0;
  for (let i = Math.max(0, chatId.length - 8); i < chatId.length; i++)
    h = (h * 31 + chatId.charCodeAt(i)) | 0;
  return Math.abs(h) % lanes;
};

export class AppendLanes {
  private readonly lanes: GroupCommit<MessageDraft, Outcome>[];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: AppendLanesOptions,
    private readonly availability: Availability,
    private readonly cache: ChatCache,
  ) {
    const gathering = options.gathering ?? {
      afterBatchOf: TUNABLES.groupCommitGatherAfter.value,
      ms: TUNABLES.groupCommitGatherMs.value,
    };
    this.lanes = Array.from(
      { length: options.writers },
      () =>
        new GroupCommit(
          (drafts: MessageDraft[]) => {
            options.onBatch?.(drafts.length);
            return this.appendBatch(drafts);
          },
          BATCH_MAX,
          gathering,
        ),
    );
  }

  /** Writes what the lanes hold (before the store closes). */
  async flush(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.flush()));
  }

  /** The answer comes after the batch's commit. */
  async append(draft: MessageDraft): Promise<AppendResult> {
    const lane = this.lanes[laneOf(draft.chatId, this.lanes.length)] as GroupCommit<
      MessageDraft,
      Outcome
    >;
    const outcome = await this.availability.guard(() => lane.submit(draft));
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  }

  /**
   * One transaction for the whole batch. If it fails as a whole (one draft the database
   * refuses, a concurrent duplicate from another node, a deadlock between two nodes'
   * batches), nothing of it was stored, and each draft is decided on its own: every
   * sender gets their own outcome, and one bad draft cannot fail the others.
   */
  private async appendBatch(drafts: MessageDraft[]): Promise<Outcome[]> {
    try {
      const results = await this.options.appender.append(drafts, this.webhookUrls());
      this.availability.tookWrite();
      results.forEach((r, i) => {
        this.remember((drafts[i] as MessageDraft).chatId, r);
      });
      return results.map((value) => ({ status: 'fulfilled', value }));
    } catch (err) {
      const explained = this.availability.explain(err);
      if (explained !== err) throw explained;
      const outcomes: Outcome[] = [];
      for (const draft of drafts) {
        try {
          outcomes.push({ status: 'fulfilled', value: await this.appendAlone(draft) });
        } catch (reason) {
          outcomes.push({ status: 'rejected', reason: this.availability.explain(reason) });
        }
      }
      return outcomes;
    }
  }

  private webhookUrls(): readonly string[] {
    return this.options.webhookUrls?.() ?? NO_URLS;
  }

  /** What an append tells the chat cache: the row as it left it, or that it is gone/closed. */
  private remember(chatId: string, result: AppendResult): void {
    if (result.kind === 'stored') this.cache.record(chatId, result.chat);
    else if (result.kind === 'rejected') this.cache.record(chatId, undefined);
  }

  /** One draft as a batch of its own; a concurrent duplicate resolves to the stored message. */
  private async appendAlone(draft: MessageDraft): Promise<AppendResult> {
    try {
      const [result] = await this.options.appender.append([draft], this.webhookUrls());
      if (!result) throw new Error('the appender answered nothing for one draft');
      this.remember(draft.chatId, result);
      return result;
    } catch (err) {
      // A concurrent retry with the same clientMessageId won; ours rolled back (seq
      // included), and the stored message is the answer.
      if (!draft.clientMessageId || !this.options.isUniqueViolation(err)) throw err;
      const winner = await this.findByClientMessageId(draft.chatId, draft.clientMessageId);
      if (!winner) throw err;
      return { kind: 'duplicate', message: winner };
    }
  }

  private findByClientMessageId(
    chatId: string,
    clientMessageId: string,
  ): Promise<Message | undefined> {
    return this.availability.guard(async () => {
      const row = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('chatId', '=', chatId)
        .where('clientMessageId', '=', clientMessageId)
        .executeTakeFirst();
      return row && toMessage(row);
    });
  }
}
