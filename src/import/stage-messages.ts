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
import type { ImportDatabase, ImportTables } from './open-database.js';
import type { Rejection, Report } from './report.js';
import { STAGING_TABLE } from './staging-insert.js';

const ROWS_PER_TRANSACTION = 10_000;

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

  constructor(
    private readonly target: ImportDatabase,
    private readonly known: KnownChats,
    private readonly report: Report,
    private readonly file: string,
  ) {}

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
    const inserted = await this.target.db.transaction().execute((trx) =>
      this.target.insertStaged(
        trx,
        batch.map((m) => m.row),
      ),
    );
    if (inserted.length < batch.length) {
      const fresh = new Set(inserted);
      for (const m of batch) {
        // The first of two equal ids was inserted; a later one is the duplicate.
        if (!fresh.delete(m.row.id)) duplicates.push(m);
      }
    }
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
