/** One statement on a test database behind the server's back (the store must be closed for SQLite). */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';

export async function rawSql(config: DatabaseConfig, text: string): Promise<void> {
  if (config.kind === 'sqlite') {
    const database = new BetterSqlite3(config.path);
    try {
      database.exec(text);
    } finally {
      database.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
