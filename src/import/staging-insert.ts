/** Inserting a batch of staged messages: the one statement whose fastest form differs by store. */
import { type Kysely, sql } from 'kysely';
import { messageColumnsWithout } from '../store/rows.js';
import type { StagedMessage } from './map-v2.js';
import type { ImportTables } from './open-database.js';
import { ReusableInsert } from './reusable-insert.js';

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

/** 14 columns × 1000 rows stays under SQLite's 32,766 bound parameters. */
const ROWS_PER_VALUES_STATEMENT = 1000;

/** SQLite: multi-row VALUES statements, each size compiled once (see reusable-insert.ts). */
export function valuesStagingInsert(db: Kysely<ImportTables>): StagingInsert {
  const insert = new ReusableInsert<ImportTables, StagedMessage, unknown>(
    db,
    (builder, rows) => builder.insertInto(STAGING_TABLE).values(rows),
    COLUMNS.map(([column]) => column),
  );
  return async (executor, rows) => {
    for (let i = 0; i < rows.length; i += ROWS_PER_VALUES_STATEMENT) {
      await insert.execute(executor, rows.slice(i, i + ROWS_PER_VALUES_STATEMENT));
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
