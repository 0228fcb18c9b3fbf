/**
 * An erasure seals the desk's exports of its user: it finds them by the user through their
 * own index, so the cost does not grow with every export ever made (before, it read every
 * `user.exported` entry). The plan is checked on both stores, and the read timed.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import { exportsOf } from '../../src/store/privacy.js';
import type { Database } from '../../src/store/schema.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

function rawDatabase(config: DatabaseConfig): Kysely<Database> {
  return config.kind === 'postgres'
    ? new Kysely({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: config.url, max: 1 }),
        }),
      })
    : new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(config.path) }) });
}

const EXPORTS = 20_000;

describe.each(await storeTargets())('exports of a user in the audit log on $name', (target) => {
  let db: TestDatabase;
  let raw: Kysely<Database>;
  beforeAll(async () => {
    db = await target.create();
    await (await openStore(db.config)).close();
    raw = rawDatabase(db.config);
    // Exports of many users on the desk chain (a chainSeq each, as the log writes them).
    await sql`INSERT INTO audit_log (id, chain, "chainSeq", at, "actorId", "actorRole",
        "actorName", action, "chatId", details, hash, "prevHash")
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${EXPORTS})
      SELECT 'x-' || i, 'desk', 1000000 + i, '2026-01-01T00:00:00.000Z', 'sa', 'superadmin',
        'Sa', 'user.exported', NULL,
        '{"userId":"exported-' || (i % 2000) || '","withNotes":true}', 'h', 'p'
      FROM n`.execute(raw);
    if (target.name === 'postgres') await sql`ANALYZE audit_log`.execute(raw);
  }, 60_000);
  afterAll(async () => {
    await raw?.destroy();
    await db?.drop();
  });

  it('finds them by their index, not by reading every export', async () => {
    const query = exportsOf(raw, target.name, 'exported-7').compile();
    const explain = target.name === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN';
    const { rows } = await raw.executeQuery({
      ...query,
      sql: `${explain} ${query.sql}`,
    });
    const plan = JSON.stringify(rows);
    expect(plan).toContain('audit_log_exports_by_user');

    const found = await exportsOf(raw, target.name, 'exported-7').execute();
    expect(found).toHaveLength(EXPORTS / 2000);
    const started = performance.now();
    for (let k = 0; k < 20; k++) await exportsOf(raw, target.name, `exported-${k}`).execute();
    const perRead = (performance.now() - started) / 20;
    console.info(
      `exports of one user among ${EXPORTS} on ${target.name}: ${perRead.toFixed(2)} ms a read`,
    );
  });
});
