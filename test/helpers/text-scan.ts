/**
 * Where a string is still stored: every text column of every table (PostgreSQL's search
 * vectors as text too), read behind the server's back (stop the server first for SQLite,
 * which holds its file). Answers `table.column` for each place a needle is found.
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';

/** FTS5's own tables hold its index in binary segments: searched through MATCH instead. */
const FTS_SHADOW = /_(data|idx|docsize|config|content)$/;

export async function whereStored(
  config: DatabaseConfig,
  needles: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  if (config.kind === 'sqlite') {
    const db = new BetterSqlite3(config.path, { readonly: true });
    try {
      const tables = db
        .prepare<[], { name: string; sql: string | null }>(
          "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .all()
        .filter((t) => !FTS_SHADOW.test(t.name) && !/VIRTUAL TABLE/i.test(t.sql ?? ''));
      for (const { name } of tables) {
        const columns = db
          .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${name}')`)
          .all();
        for (const column of columns) {
          for (const needle of needles) {
            const row = db
              .prepare<[string], { n: number }>(
                `SELECT count(*) AS n FROM "${name}" WHERE instr(CAST("${column.name}" AS TEXT), ?) > 0`,
              )
              .get(needle);
            if ((row?.n ?? 0) > 0) found.push(`${name}.${column.name} has ${needle}`);
          }
        }
      }
    } finally {
      db.close();
    }
    return found;
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'tsvector')`,
    );
    for (const { table_name, column_name } of rows) {
      for (const needle of needles) {
        const res = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM "${table_name}" WHERE strpos(lower("${column_name}"::text), lower($1)) > 0`,
          [needle],
        );
        if (Number(res.rows[0]?.n ?? 0) > 0)
          found.push(`${table_name}.${column_name} has ${needle}`);
      }
    }
  } finally {
    await client.end();
  }
  return found;
}
