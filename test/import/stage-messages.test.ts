/**
 * PostgreSQL: staged batches are written on both connections at once. One that the
 * database refuses (here a row whose place in the export is not an integer) ends the
 * import with the database's error, the other's transaction in flight ends first, nothing
 * is appended, and a re-run imports everything.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StagedMessage } from '../../src/import/map-v2.js';
import type * as OpenDatabase from '../../src/import/open-database.js';
import { TUNABLES } from '../../src/tunables.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { linesExportIn } from './generate-export.js';

/**
 * Which staged batch the database refuses (0: none), counted from 1 in each run; which one
 * is slow to write (0: none), and whether it is being written.
 */
const refusal = vi.hoisted(() => ({ batch: 0, seen: 0, slow: 0, slowWriting: false }));

vi.mock('../../src/import/open-database.js', async (importOriginal) => {
  const original = await importOriginal<typeof OpenDatabase>();
  return {
    ...original,
    openImportDatabase: async (...args: Parameters<typeof original.openImportDatabase>) => {
      const target = await original.openImportDatabase(...args);
      const insertStaged: typeof target.insertStaged = async (executor, rows) => {
        refusal.seen += 1;
        if (refusal.seen === refusal.slow) {
          // Its transaction stays open meanwhile: in flight when the other batch fails.
          refusal.slowWriting = true;
          try {
            await new Promise((resolve) => setTimeout(resolve, 1500));
            return await target.insertStaged(executor, rows);
          } finally {
            refusal.slowWriting = false;
          }
        }
        if (refusal.seen !== refusal.batch) return target.insertStaged(executor, rows);
        // A value of the wrong type, as the database would meet it: its own error.
        const bad: StagedMessage[] = rows.map((row, i) =>
          i === rows.length - 1 ? { ...row, line: 'not a line' as unknown as number } : row,
        );
        return target.insertStaged(executor, bad);
      };
      return { ...target, insertStaged };
    },
  };
});

const { importV2 } = await import('../../src/import/import-v2.js');
const { openImportDatabase } = await import('../../src/import/open-database.js');

const MESSAGES_PER_CHAT = 20;
/** Four staging batches, more than there are connections. */
const CHATS = Math.ceil((4 * TUNABLES.importStagingRows.value) / MESSAGES_PER_CHAT);
const SLOW = 60_000;

const postgres = (await storeTargets()).filter((target) => target.name === 'postgres');

describe.each(postgres)('staging on $name', (target) => {
  let db: TestDatabase | undefined;
  let dir: string;
  const files = () => ({
    chatsFile: join(dir, 'chats.json'),
    messagesFile: join(dir, 'messages.json'),
  });

  beforeAll(async () => {
    ({ dir } = linesExportIn('import-staging-', CHATS, MESSAGES_PER_CHAT));
  }, SLOW);

  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const messagesStored = async (database: TestDatabase) => {
    const check = await openImportDatabase(database.config);
    try {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM messages`.execute(
        check.db,
      );
      return rows[0]?.n;
    } finally {
      await check.close();
    }
  };

  for (const batch of [1, 2]) {
    it(
      `a staged batch the database refuses (batch ${batch}) fails the import, appending nothing; a re-run imports all`,
      async () => {
        await db?.drop();
        const database = await target.create();
        db = database;
        refusal.batch = batch;
        refusal.seen = 0;
        refusal.slow = 0;
        await expect(importV2({ database: database.config, ...files() })).rejects.toThrow(
          /invalid input syntax for type integer/,
        );
        expect(await messagesStored(database)).toBe(0);
        refusal.batch = 0;
        const summary = await importV2({ database: database.config, ...files() });
        expect(summary.messages.imported).toBe(CHATS * MESSAGES_PER_CHAT);
        expect(await messagesStored(database)).toBe(CHATS * MESSAGES_PER_CHAT);
      },
      SLOW,
    );
  }

  it(
    'a failed import lets the database go only once its transaction still in flight has ended',
    async () => {
      await db?.drop();
      const database = await target.create();
      db = database;
      Object.assign(refusal, { batch: 1, seen: 0, slow: 2, slowWriting: false });
      let ended = false;
      const importing = importV2({ database: database.config, ...files() }).finally(() => {
        ended = true;
      });
      importing.catch(() => {});
      // Another import tries to claim the database while the failed one is closing.
      let claimsMidWrite = 0;
      while (!ended) {
        if (refusal.seen >= 2) {
          const other = await openImportDatabase(database.config);
          try {
            await other.claim();
            if (refusal.slowWriting) claimsMidWrite += 1;
          } catch {
            // Refused: the failed import still holds it.
          } finally {
            await other.close();
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await expect(importing).rejects.toThrow(/invalid input syntax for type integer/);
      expect(claimsMidWrite).toBe(0);
      refusal.slow = 0;
    },
    SLOW,
  );
});
