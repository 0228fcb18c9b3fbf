/**
 * Messages from the export into a TEMP staging table, in batched transactions. A message's
 * seq depends on all of its chat's messages, which may be anywhere in a file of any size, so
 * they are ordered by the database afterwards (append-staged.ts) rather than in memory.
 * Rejected here: messages whose chat is missing or was rejected, and a second message with
 * the same _id in the export (found by the staging table's primary key).
 */
import type { Kysely } from 'kysely';
import type { KnownChats } from './known-chats.js';
import type { StagedMessage } from './map-v2.js';
import type { ImportTables } from './open-database.js';
import type { Rejection, Report } from './report.js';
import { ReusableInsert } from './reusable-insert.js';

export const STAGING_TABLE = 'v2_import_messages';

const ROWS_PER_TRANSACTION = 10_000;
/** 12 columns × 1000 rows stays under both stores' bound-parameter limits. */
const ROWS_PER_STATEMENT = 1000;

export async function createStagingTable(db: Kysely<ImportTables>): Promise<void> {
  await db.schema.dropTable(STAGING_TABLE).ifExists().execute();
  await db.schema
    .createTable(STAGING_TABLE)
    .temporary()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chatId', 'text', (c) => c.notNull())
    .addColumn('senderId', 'text', (c) => c.notNull())
    .addColumn('senderType', 'text', (c) => c.notNull())
    .addColumn('senderName', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('messageType', 'text', (c) => c.notNull())
    .addColumn('fileUrl', 'text')
    .addColumn('isRead', 'integer', (c) => c.notNull())
    .addColumn('readAt', 'text')
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .execute();
}

interface PendingMessage {
  row: StagedMessage;
  line: number;
}

export class MessageStager {
  staged = 0;
  private pending: PendingMessage[] = [];

  private readonly insert: ReusableInsert<ImportTables, StagedMessage, { id: string }>;

  constructor(
    private readonly db: Kysely<ImportTables>,
    private readonly known: KnownChats,
    private readonly report: Report,
    private readonly file: string,
  ) {
    this.insert = new ReusableInsert(
      db,
      (builder, rows) =>
        builder
          .insertInto(STAGING_TABLE)
          .values(rows)
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id'),
      // The key order mapMessage builds its rows in.
      (m) => [
        m.id,
        m.chatId,
        m.senderId,
        m.senderType,
        m.senderName,
        m.content,
        m.messageType,
        m.fileUrl,
        m.isRead,
        m.readAt,
        m.createdAt,
        m.updatedAt,
      ],
    );
  }

  async add(row: StagedMessage, line: number): Promise<void> {
    const chat = this.known.status(row.chatId);
    if (chat !== 'known') {
      const detail =
        chat === 'rejected'
          ? `chatId: chat ${row.chatId} was rejected`
          : `chatId: no chat ${row.chatId} in the export or the database`;
      await this.reject({
        line,
        id: row.id,
        reason: chat === 'rejected' ? 'chat-rejected' : 'chat-missing',
        detail,
      });
      return;
    }
    this.pending.push({ row, line });
    if (this.pending.length >= ROWS_PER_TRANSACTION) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const duplicates: PendingMessage[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < batch.length; i += ROWS_PER_STATEMENT) {
        const chunk = batch.slice(i, i + ROWS_PER_STATEMENT);
        const inserted = await this.insert.execute(
          trx,
          chunk.map((m) => m.row),
        );
        if (inserted.length === chunk.length) continue;
        // Within one statement the first of two equal ids is the one inserted.
        const fresh = new Set(inserted.map((r) => r.id));
        for (const m of chunk) {
          if (fresh.delete(m.row.id)) continue;
          duplicates.push(m);
        }
      }
    });
    this.staged += batch.length - duplicates.length;
    for (const m of duplicates) {
      await this.reject({
        line: m.line,
        id: m.row.id,
        reason: 'duplicate-id',
        detail: '_id: appears earlier in this export',
      });
    }
  }

  private reject(rejection: Rejection): Promise<void> {
    return this.report.add({
      outcome: 'rejected',
      collection: 'messages',
      file: this.file,
      ...rejection,
    });
  }
}
