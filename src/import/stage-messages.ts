/**
 * Messages from the export into a staging table of the import's own (TEMP on SQLite,
 * UNLOGGED on PostgreSQL: open-database.ts), in batched transactions. A message's
 * seq depends on all of its chat's messages, which may be anywhere in a file of any size, so
 * they are ordered by the database afterwards (append-staged.ts) rather than in memory.
 * Rejected here: messages whose chat is missing or was rejected, and — once all are staged —
 * every later copy of an _id that appears more than once in the export, and every _id stored
 * already as another chat's message.
 *
 * The table has no key while it is loaded: a primary key on ids arriving in no particular
 * order cost 6.5–7 µs of CPU per row on SQLite against 2.1–2.3 µs without (300,000 rows);
 * the index that finds duplicates is built once, sorted, after loading.
 */
import { TUNABLES } from '../tunables.js';
import type { KnownChats } from './known-chats.js';
import type { StagedMessage } from './map-v2.js';
import type { ImportDatabase } from './open-database.js';
import type { Position, Report, ReportEntry } from './report.js';
import { STAGING_COLUMNS, STAGING_TABLE } from './staging-insert.js';

const ROWS_PER_TRANSACTION = TUNABLES.importStagingRows.value;
/**
 * A batch also ends at this many characters of content and fileUrl (the fields without a
 * length limit): a batch of ordinary messages is a few MB, but each may be up to a whole
 * document (MAX_DOCUMENT_BYTES), and a batch of those would not fit in memory.
 */
const TEXT_CHARS_PER_TRANSACTION = TUNABLES.importStagingTextChars.value;
/** Copies of an _id already staged, found once all messages are. */
const DUPLICATES_TABLE = 'v2_import_duplicates';
const DUPLICATES_PER_PAGE = 1000;

/** Made afresh: an interrupted run may have left one behind (PostgreSQL). */
export async function createStagingTable({ db, scratch }: ImportDatabase): Promise<void> {
  await db.schema.dropTable(STAGING_TABLE).ifExists().execute();
  let table = scratch(db.schema.createTable(STAGING_TABLE));
  for (const { name, type, nullable } of STAGING_COLUMNS) {
    table = table.addColumn(name, type, (c) => (nullable ? c : c.notNull()));
  }
  await table.execute();
}

export class MessageStager {
  private pending: StagedMessage[] = [];
  private pendingChars = 0;
  /**
   * The batches being written while the next one is gathered, one per connection at most: on
   * PostgreSQL the server inserts them while this process reads and maps on (and on two
   * connections, two backends at once), instead of each waiting for the other. Staged rows
   * carry their place in the export, so the order the batches commit in does not matter.
   */
  private writing: Promise<void>[] = [];

  constructor(
    private readonly target: ImportDatabase,
    private readonly known: KnownChats,
    private readonly report: Report,
    private readonly file: string,
  ) {}

  async add(row: StagedMessage): Promise<void> {
    const chat = this.known.status(row.chatId);
    if (chat === 'expired') {
      await this.report.add({
        outcome: 'skipped',
        collection: 'messages',
        file: this.file,
        line: row.line,
        document: row.document,
        id: row.id,
        reason: 'past-retention',
        detail: `chatId: chat ${row.chatId} was left out, closed before the retention cutoff`,
      });
      return;
    }
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
    this.pendingChars += row.content.length + (row.fileUrl?.length ?? 0);
    if (
      this.pending.length >= ROWS_PER_TRANSACTION ||
      this.pendingChars >= TEXT_CHARS_PER_TRANSACTION
    ) {
      await this.writeBehind();
    }
  }

  /** Starts writing the pending batch once a connection's batch before it is written (or fails). */
  private async writeBehind(): Promise<void> {
    if (this.writing.length >= this.target.connections) await this.writing.shift();
    const batch = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    if (batch.length === 0) return;
    const writing = this.target.db
      .transaction()
      .execute((trx) => this.target.insertStaged(trx, batch));
    // Awaited by a later batch or by flush(), which rethrow its error; until then its
    // failure is not an unhandled rejection.
    writing.catch(() => {});
    this.writing.push(writing);
  }

  /** Writes what is pending; every message added is staged when it resolves. */
  async flush(): Promise<void> {
    await this.writeBehind();
    const writing = this.writing;
    this.writing = [];
    const failure = (await Promise.allSettled(writing)).find((w) => w.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /**
   * After the last flush: reports and drops every copy of an _id but its first. The copies
   * are listed in a table of their own and reported a page at a time, since an export may
   * hold any number of them.
   */
  async rejectDuplicates(): Promise<void> {
    const { db, scratch } = this.target;
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
    await db.schema.dropTable(DUPLICATES_TABLE).ifExists().execute();
    await scratch(db.schema.createTable(DUPLICATES_TABLE))
      .as(
        db
          .selectFrom(`${STAGING_TABLE} as s`)
          .innerJoin(firsts, 'f.id', 's.id')
          .whereRef('s.document', '>', 'f.first')
          .select(['s.id', 's.line', 's.document']),
      )
      .execute();
    await db.schema
      .createIndex(`${DUPLICATES_TABLE}_by_document`)
      .on(DUPLICATES_TABLE)
      .column('document')
      .execute();
    await this.rejectPaged(
      (after) =>
        db
          .selectFrom(DUPLICATES_TABLE)
          .select(['id', 'line', 'document'])
          .where('document', '>', after)
          .orderBy('document')
          .limit(DUPLICATES_PER_PAGE)
          .execute(),
      { reason: 'duplicate-id', detail: '_id: appears earlier in this export' },
    );
    await db
      .deleteFrom(STAGING_TABLE)
      .where('document', 'in', (eb) => eb.selectFrom(DUPLICATES_TABLE).select('document'))
      .execute();
    await db.schema.dropTable(DUPLICATES_TABLE).execute();
  }

  /**
   * After rejectDuplicates: reports and drops every staged message whose _id is stored as a
   * message of another chat. An earlier run stored the same message in the same chat (a
   * message never moves), so this is another deployment's or a hand-made id; skipped as
   * stored, it would be counted as imported and be in no history.
   */
  async rejectTakenIds(): Promise<void> {
    const { db } = this.target;
    const taken = () =>
      db
        .selectFrom(`${STAGING_TABLE} as s`)
        .innerJoin('messages as m', 'm.id', 's.id')
        .whereRef('m.chatId', '<>', 's.chatId');
    await this.rejectPaged(
      (after) =>
        taken()
          .select(['s.id', 's.line', 's.document'])
          .where('s.document', '>', after)
          .orderBy('s.document')
          .limit(DUPLICATES_PER_PAGE)
          .execute(),
      { reason: 'id-taken', detail: '_id: a message of another chat is stored with this id' },
    );
    await db
      .deleteFrom(STAGING_TABLE)
      .where('document', 'in', taken().select('s.document'))
      .execute();
  }

  /** Reports every row the pages hold, page after page in document order, as `entry` says. */
  private async rejectPaged(
    pageAfter: (document: number) => Promise<(Position & { id: string })[]>,
    entry: Pick<ReportEntry, 'detail'> & { reason: ReportEntry['reason'] },
  ): Promise<void> {
    for (let after = 0; ; ) {
      const rows = await pageAfter(after);
      for (const row of rows) await this.reject(row, { id: row.id, ...entry });
      const last = rows.at(-1);
      if (last === undefined) return;
      after = last.document;
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
