/**
 * PostgreSQL: the import writes through several connections sharing its scratch tables, so
 * a second import on the same database is refused while one runs; and a group of chats that
 * fails ends the run with every chat whole or untouched, while the others' groups in
 * flight end first, and a re-run completes it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importV2 } from '../../src/import/import-v2.js';
import { openImportDatabase } from '../../src/import/open-database.js';
import { TUNABLES } from '../../src/tunables.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { type ExpectedChat, linesExportIn } from './generate-export.js';

const MESSAGES_PER_CHAT = 50;
/** Enough messages for four groups, more than there are connections. */
const CHATS = Math.ceil((4 * TUNABLES.importAppendRows.value) / MESSAGES_PER_CHAT);
const SLOW = 120_000;

const postgres = (await storeTargets()).filter((target) => target.name === 'postgres');

describe.each(postgres)('the import on $name', (target) => {
  let db: TestDatabase;
  let dir: string;
  let expected: ExpectedChat[];
  const files = () => ({
    chatsFile: join(dir, 'chats.json'),
    messagesFile: join(dir, 'messages.json'),
  });

  beforeAll(async () => {
    db = await target.create();
    ({ dir, expected } = linesExportIn('import-connections-', CHATS, MESSAGES_PER_CHAT));
  }, SLOW);

  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is refused, writing nothing, while another import holds the database', async () => {
    const other = await openImportDatabase(db.config);
    try {
      await other.claim();
      await expect(importV2({ database: db.config, ...files() })).rejects.toThrow(
        /another v2 import is running on this database/,
      );
    } finally {
      await other.close();
    }
    const { db: kysely, close } = await openImportDatabase(db.config);
    try {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM chats`.execute(
        kysely,
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await close();
    }
  });

  it('an import whose lock is lost with its connection goes no further, so a second can start alone', async () => {
    const first = await openImportDatabase(db.config);
    const watcher = await openImportDatabase(db.config);
    try {
      await first.claim();
      // The session holding the lock ends (a DBA's kill, a timeout, a proxy's restart).
      const { rows } = await sql<{ ended: boolean }>`
        SELECT pg_terminate_backend(pid, 5000) AS ended FROM pg_locks
        WHERE locktype = 'advisory' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(
        watcher.db,
      );
      expect(rows.map((r) => r.ended)).toEqual([true]);
      // Its lock went with it: had the first import gone on, both would share the scratch
      // tables (each drops and recreates them).
      await watcher.claim();
      await expect(sql`SELECT 1`.execute(first.db)).rejects.toThrow();
    } finally {
      await first.close().catch(() => {});
      await watcher.close();
    }
  });

  it(
    'a failing group ends the run with each chat whole or untouched; a re-run completes it',
    async () => {
      // The third chat of the last group cannot take messages (the export's chats are in
      // id order, and so are the groups).
      const doomed = expected.map((chat) => chat.id).sort()[CHATS - 3];
      if (doomed === undefined) throw new Error('the export has too few chats');
      const setup = await openImportDatabase(db.config);
      try {
        await sql`CREATE FUNCTION refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'doomed chat'; END $$`.execute(setup.db);
        await sql`CREATE TRIGGER refuse_doomed BEFORE INSERT ON messages FOR EACH ROW
            WHEN (NEW."chatId" = ${sql.lit(doomed)}) EXECUTE FUNCTION refuse_doomed()`.execute(
          setup.db,
        );
      } finally {
        await setup.close();
      }
      await expect(importV2({ database: db.config, ...files() })).rejects.toThrow(/doomed chat/);

      const check = await openImportDatabase(db.config);
      try {
        const chats = await check.db
          .selectFrom('chats as c')
          .leftJoin('messages as m', 'm.chatId', 'c.id')
          .select((eb) => ['c.id', 'c.lastSeq', eb.fn.count<string>('m.id').as('messages')])
          .groupBy(['c.id', 'c.lastSeq'])
          .execute();
        expect(chats).toHaveLength(CHATS);
        const whole = chats.filter((c) => Number(c.messages) === MESSAGES_PER_CHAT);
        for (const chat of chats) {
          const stored = Number(chat.messages);
          expect([0, MESSAGES_PER_CHAT]).toContain(stored);
          expect(Number(chat.lastSeq)).toBe(stored);
        }
        expect(whole.length).toBeGreaterThan(0);
        expect(whole.map((c) => c.id)).not.toContain(doomed);
        await sql`DROP TRIGGER refuse_doomed ON messages`.execute(check.db);
      } finally {
        await check.close();
      }

      const summary = await importV2({ database: db.config, ...files() });
      expect(summary.messages.imported + summary.messages.skipped).toBe(CHATS * MESSAGES_PER_CHAT);
      expect(summary.messages.imported).toBeGreaterThan(0);
      const after = await openImportDatabase(db.config);
      try {
        const { rows } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM messages`.execute(after.db);
        expect(rows[0]?.n).toBe(CHATS * MESSAGES_PER_CHAT);
      } finally {
        await after.close();
      }
    },
    SLOW,
  );
});
