/**
 * Messages from the export into a TEMP staging table, in batched transactions. A message's
 * seq depends on all of its chat's messages, which may be anywhere in a file of any size, so
 * they are ordered by the database afterwards (append-staged.ts) rather than in memory.
 * Rejected here: messages whose chat is missing or was rejected, and — once all are staged —
 * every later copy of an _id that appears more than once in the export.
 *
 * The table has no key while it is loaded: a primary key on ids arriving in no particular
 * order cost 6.5–7 µs of CPU per row on SQLite against 2.1–2.3 µs without (300,000 rows);
 * the index that finds duplicates is built once, sorted, after loading.
 */
import { type Kysely, sql } from 'kysely';
import type { KnownChats } from './known-chats.js';
import type { StagedMessage } from './map-v2.js';
import type { ImportDatabase, ImportTables } from './open-database.js';
import type { Position, Report, ReportEntry } from './report.js';
import { STAGING_COLUMNS, STAGING_TABLE } from './staging-insert.js';

const ROWS_PER_TRANSACTION = 10_000;
/** Duplicates are rare; a thousand ids per DELETE stays under the bound-parameter limits. */
const DUPLICATES_PER_DELETE = 1000;

export async function createStagingTable(db: Kysely<ImportTables>): Promise<void> {
  await db.schema.dropTable(STAGING_TABLE).ifExists().execute();
  let table = db.schema.createTable(STAGING_TABLE).temporary();
  for (const { name, type, nullable } of STAGING_COLUMNS) {
    table = table.addColumn(name, type, (c) => (nullable ? c : c.notNull()));
  }
  await table.execute();
}

export class MessageStager {
  private pending: StagedMessage[] = [];

  constructor(
    private readonly target: ImportDatabase,
    private readonly known: KnownChats,
    private readonly report: Report,
    private readonly file: string,
  ) {}

  async add(row: StagedMessage): Promise<void> {
    const chat = this.known.status(row.chatId);
    if (chat !== 'known') {
      await this.reject(row, {
        id: row.id,
        reason: chat === 'rejected' ? 'chat-rejected' : 'chat-missing',
        detail:
          chat === 'rejected'
            ? `chatId: chat ${row.chatId} was rejected`
            : `chatId: no chat ${row.chatId} in the export or the database`,
      });
      return;
    }
    this.pending.push(row);
    if (this.pending.length >= ROWS_PER_TRANSACTION) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    await this.target.db.transaction().execute((trx) => this.target.insertStaged(trx, batch));
  }

  /** After the last flush: reports and drops every copy of an _id but its first. */
  async rejectDuplicates(): Promise<void> {
    const { db } = this.target;
    await db.schema
      .createIndex(`${STAGING_TABLE}_by_id`)
      .on(STAGING_TABLE)
      .columns(['id', 'document'])
      .execute();
    const firsts = db
      .selectFrom(STAGING_TABLE)
      .select((eb) => ['id', eb.fn.min('document').as('first')])
      .groupBy('id')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .as('f');
    const copies = await db
      .selectFrom(`${STAGING_TABLE} as s`)
      .innerJoin(firsts, 'f.id', 's.id')
      .whereRef('s.document', '>', 'f.first')
      .select(['s.id', 's.line', 's.document'])
      .orderBy('s.document')
      .execute();
    for (const copy of copies) {
      await this.reject(copy, {
        id: copy.id,
        reason: 'duplicate-id',
        detail: '_id: appears earlier in this export',
      });
    }
    for (let i = 0; i < copies.length; i += DUPLICATES_PER_DELETE) {
      const documents = copies.slice(i, i + DUPLICATES_PER_DELETE).map((c) => c.document);
      await db.deleteFrom(STAGING_TABLE).where(sql.ref('document'), 'in', documents).execute();
    }
  }

  private reject(
    position: Position,
    entry: Pick<ReportEntry, 'id' | 'detail'> & { reason: ReportEntry['reason'] },
  ): Promise<void> {
    const { line, document } = position;
    return this.report.add({
      outcome: 'rejected',
      collection: 'messages',
      file: this.file,
      line,
      document,
      ...entry,
    });
  }
}
