/**
 * Chats into the database in batched transactions: rejects reported, ids already stored
 * skipped (a chat is never overwritten) or, stored for another user, rejected; an erased
 * user's chats rejected, and the one-open-chat rule applied — which may close
 * a chat written in an earlier batch, done in the next batch's transaction before its inserts.
 * With RETENTION_DAYS, a chat that would be stored closed before the cutoff is left out
 * (reported skipped): the next retention run would delete it, and every re-run of the
 * import bring it back. Its close time is its last change, as retention dates it.
 */
import type { Kysely } from 'kysely';
import type { ErasedUsers } from './erased-users.js';
import type { KnownChats } from './known-chats.js';
import type { ChatRow } from './map-v2.js';
import type { OneOpenChatPerUser } from './one-open-chat.js';
import type { ImportTables } from './open-database.js';
import type { Position, Report, ReportEntry } from './report.js';

const ROWS_PER_TRANSACTION = 2000;
/** 17 columns × 500 rows stays under both stores' bound-parameter limits. */
const ROWS_PER_STATEMENT = 500;

export interface ChatCounts {
  imported: number;
  skipped: number;
}

export class ChatWriter {
  readonly counts: ChatCounts = { imported: 0, skipped: 0 };
  private pending = new Map<string, ChatRow>();
  private closeWritten: string[] = [];

  constructor(
    private readonly db: Kysely<ImportTables>,
    private readonly known: KnownChats,
    private readonly erased: ErasedUsers,
    private readonly openChats: OneOpenChatPerUser,
    private readonly report: Report,
    private readonly file: string,
    /** Chats closed before this (ISO) are left out; undefined: no retention, all are kept. */
    private readonly retentionCutoff: string | undefined,
  ) {}

  async add(row: ChatRow, position: Position): Promise<void> {
    if (this.known.importedByThisRun(row.id) || this.known.expiredInThisRun(row.id)) {
      await this.note(position, {
        outcome: 'rejected',
        id: row.id,
        reason: 'duplicate-id',
        detail: '_id: appears earlier in this export',
      });
      return;
    }
    if (this.erased.has(row.userId)) {
      this.known.addRefused(row.id);
      await this.note(position, {
        outcome: 'rejected',
        id: row.id,
        reason: 'user-erased',
        detail: 'userId: the user was erased on the desk; their data is not imported again',
      });
      return;
    }
    const storedUser = this.known.storedUserOf(row.id);
    if (storedUser === row.userId) {
      this.counts.skipped++;
      return;
    }
    if (storedUser !== undefined) {
      // Not a re-run (a chat's user never changes): another deployment's or a hand-made id.
      this.known.addRefused(row.id);
      await this.note(position, {
        outcome: 'rejected',
        id: row.id,
        reason: 'id-taken',
        detail: '_id: a chat of another user is stored with this id',
      });
      return;
    }
    if (row.status !== 'closed') await this.applyOneOpenChat(row, position);
    if (this.pastRetention(row)) return this.leaveOut(row, position);
    this.known.addImported(row.id);
    this.pending.set(row.id, row);
    if (this.pending.size >= ROWS_PER_TRANSACTION) await this.flush();
  }

  async flush(): Promise<void> {
    const rows = [...this.pending.values()];
    const close = this.closeWritten;
    this.pending = new Map();
    this.closeWritten = [];
    if (rows.length === 0 && close.length === 0) return;
    let inserted = 0;
    await this.db.transaction().execute(async (trx) => {
      if (close.length > 0) {
        await trx
          .updateTable('chats')
          .set({ status: 'closed', userOnline: 0 })
          .where('id', 'in', close)
          .execute();
      }
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        const result = await trx
          .insertInto('chats')
          .values(rows.slice(i, i + ROWS_PER_STATEMENT))
          // Ids were checked against the database at start; this guards a chat created since.
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
    });
    this.counts.imported += inserted;
    this.counts.skipped += rows.length - inserted;
  }

  /** Stored closed, and by its last change (v2 kept no close time) before the cutoff. */
  private pastRetention(row: ChatRow): boolean {
    const cutoff = this.retentionCutoff;
    return cutoff !== undefined && row.status === 'closed' && row.updatedAt < cutoff;
  }

  private async applyOneOpenChat(row: ChatRow, position: Position): Promise<void> {
    const decision = this.openChats.admit(row.userId, {
      id: row.id,
      createdAt: row.createdAt,
      // A copy: `position` may be the whole record, text included, which must not stay in memory.
      position: { line: position.line, document: position.document },
    });
    if (decision.close === 'none') return;
    if (decision.close === 'this') {
      row.status = 'closed';
      // Left out instead (add): being closed here is not worth an entry of its own.
      if (this.pastRetention(row)) return;
      const where = decision.keptOpen.position === null ? 'already in the database' : 'newer';
      await this.noteClosed(row.id, position, `${decision.keptOpen.id} (${where})`);
      return;
    }
    const { earlier } = decision;
    const stillPending = this.pending.get(earlier.id);
    if (stillPending) {
      stillPending.status = 'closed';
      // Not written yet: left out as any chat stored closed before the cutoff.
      if (this.pastRetention(stillPending)) {
        this.pending.delete(earlier.id);
        return this.leaveOut(stillPending, earlier.position);
      }
    } else this.closeWritten.push(earlier.id);
    await this.noteClosed(earlier.id, earlier.position, `${row.id} (newer)`);
  }

  /** Past retention: not imported, its messages left out with it (known-chats.ts). */
  private leaveOut(row: ChatRow, position: Position): Promise<void> {
    this.known.addExpired(row.id);
    return this.note(position, {
      outcome: 'skipped',
      id: row.id,
      reason: 'past-retention',
      detail: `closed ${row.updatedAt}, before the retention cutoff ${this.retentionCutoff} (RETENTION_DAYS): a retention run would delete it`,
    });
  }

  private noteClosed(id: string, position: Position, keptOpen: string): Promise<void> {
    return this.note(position, {
      outcome: 'changed',
      id,
      reason: 'second-open-chat',
      detail: `imported closed: the user's open chat is ${keptOpen}`,
    });
  }

  private note(
    position: Position,
    entry: Pick<ReportEntry, 'outcome' | 'id' | 'reason' | 'detail'>,
  ): Promise<void> {
    return this.report.add({ collection: 'chats', file: this.file, ...position, ...entry });
  }
}
