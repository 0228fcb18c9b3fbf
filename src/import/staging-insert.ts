/** Inserting a batch of staged messages: the one statement whose fastest form differs by store. */
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { messageColumnsWithout, quoted } from '../store/rows.js';
import type { StagedMessage } from './map-v2.js';
import type { ImportTables } from './open-database.js';

export const STAGING_TABLE = 'v2_import_messages';

export type StagingInsert = (
  executor: Kysely<ImportTables>,
  rows: StagedMessage[],
) => Promise<void>;

/**
 * The columns, in the key order mapMessage builds its rows in: the message row's (its seq is
 * numbered later, v2 had no clientMessageId), then where in the export the message was.
 */
export const STAGING_COLUMNS = [
  ...messageColumnsWithout(['seq', 'clientMessageId']),
  { name: 'line', type: 'integer', nullable: false },
  { name: 'document', type: 'integer', nullable: false },
] as const satisfies readonly {
  name: keyof StagedMessage;
  type: 'text' | 'integer';
  nullable: boolean;
}[];
const COLUMNS = STAGING_COLUMNS.map(({ name, type }) => [name, type] as const);

/**
 * SQLite: one prepared single-row INSERT, run once per message on the import's one
 * connection, inside the transaction the caller opened on it (Kysely's SQLite driver holds
 * that connection for the transaction, so the executor is the same connection and is not
 * needed). Measured per 100,000 rows into the TEMP table: 180–250 ms of CPU against
 * 290–430 ms for the 1000-row VALUES statements this replaced (one native call per
 * parameter either way; the long statement binds 14,000 of them and steps through a
 * 1000-row VALUES list), and 1.0–1.6 s for one JSON parameter read with json_each.
 * Prepared at the first batch: the staging table is made after the database is opened.
 */
export function preparedStagingInsert(database: BetterSqlite3.Database): StagingInsert {
  let insert: BetterSqlite3.Statement<unknown[]> | undefined;
  const values = new Array<unknown>(COLUMNS.length);
  return async (_executor, rows) => {
    insert ??= database.prepare(
      `INSERT INTO ${quoted(STAGING_TABLE)} (${COLUMNS.map(([column]) => quoted(column)).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    for (const row of rows) {
      let i = 0;
      for (const [column] of COLUMNS) values[i++] = row[column];
      insert.run(values);
    }
  };
}

/**
 * PostgreSQL: the whole batch in one statement, as one JSON parameter whose objects' keys
 * are the columns (json_populate_recordset). Measured per 50,000 rows on this machine: 350–510
 * ms and 110–136 ms of this process's CPU, against 500–600 ms and 190–310 ms with one array
 * parameter per column (unnest: the driver escapes every element into an array literal).
 * Earlier, 1000-row VALUES statements took 1.9–2.4 s per 100,000 (parsed and planned each
 * time, 12,000 parameters).
 */
export function jsonStagingInsert(): StagingInsert {
  const columns = sql.join(COLUMNS.map(([column]) => sql.ref(column)));
  return async (executor, rows) => {
    await sql`
      INSERT INTO ${sql.table(STAGING_TABLE)} (${columns})
      SELECT ${columns} FROM json_populate_recordset(NULL::${sql.table(STAGING_TABLE)}, ${JSON.stringify(rows)}::json)`.execute(
      executor,
    );
  };
}
