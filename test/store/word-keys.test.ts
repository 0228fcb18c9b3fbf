/**
 * Migration 0034 on both stores: shortcuts and labels whose keys were written with lower
 * case alone get the full fold's keys; two shortcuts it makes one keep both replies (the
 * newer renamed), two labels it makes one stay once on their chat.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

function rawDatabase(config: DatabaseConfig): Kysely<unknown> {
  return config.kind === 'postgres'
    ? new Kysely({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: config.url, max: 1 }),
        }),
      })
    : new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(config.path) }) });
}

/** A canned reply as the last fold (NFC, then lower case) stored it. */
const oldRow = (id: string, scope: string, ownerId: string, shortcut: string, day: number) => {
  const at = `2026-01-0${day}T00:00:00.000Z`;
  return sql`INSERT INTO canned_replies
    (id, scope, "ownerId", shortcut, "shortcutKey", title, content, "createdAt", "updatedAt")
    VALUES (${id}, ${scope}, ${ownerId}, ${shortcut}, ${shortcut.normalize('NFC').toLowerCase()},
      ${`Title ${id}`}, ${`Content ${id}`}, ${at}, ${at})`;
};

describe.each(await storeTargets())('migration 0034 on $name', (target) => {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('writes the full fold over keys written with lower case alone, renaming the newer of two shortcuts it makes one', async () => {
    db = await target.create();
    const before = await openStore(db.config);
    const { chat } = await before.openChat({ userId: 'wk-u1', userName: 'U', online: false });
    const { chat: other } = await before.openChat({
      userId: 'wk-u2',
      userName: 'U',
      online: false,
    });
    await before.setChatLabels(other._id, ['refund']);
    await before.close();

    const raw = rawDatabase(db.config);
    try {
      await oldRow('a'.repeat(24), 'personal', 'wk-ann', 'straße', 1).execute(raw);
      await oldRow('b'.repeat(24), 'personal', 'wk-ann', 'STRASSE', 2).execute(raw);
      await oldRow('c'.repeat(24), 'personal', 'wk-ann', 'strasse-2', 3).execute(raw);
      await oldRow('d'.repeat(24), 'team', '', 'ﬁx', 4).execute(raw);
      await oldRow('e'.repeat(24), 'personal', 'wk-bob', 'STRASSE', 5).execute(raw);
      const labels = ['Straße', 'STRASSE', 'ＶＩＰ'];
      await sql`UPDATE chats SET labels = ${JSON.stringify(labels)} WHERE id = ${chat._id}`.execute(
        raw,
      );
      for (const label of labels) {
        await sql`INSERT INTO chat_labels ("chatId", "labelKey", "chatCreatedAt")
          VALUES (${chat._id}, ${label.normalize('NFC').toLowerCase()}, ${chat.createdAt})`.execute(
          raw,
        );
      }
      await sql`DELETE FROM kysely_migration WHERE name = '0034_word_keys_full_fold'`.execute(raw);
    } finally {
      await raw.destroy();
    }

    store = await openStore(db.config);
    const shortcutOf = async (id: string) => (await store?.getCannedReply(id))?.shortcut;
    expect(await shortcutOf('a'.repeat(24))).toBe('straße');
    expect(await shortcutOf('b'.repeat(24))).toBe('STRASSE-3');
    expect(await shortcutOf('c'.repeat(24))).toBe('strasse-2');
    expect(await shortcutOf('d'.repeat(24))).toBe('ﬁx');
    expect(await shortcutOf('e'.repeat(24))).toBe('STRASSE');
    expect((await store.getCannedReply('b'.repeat(24)))?.content).toBe(`Content ${'b'.repeat(24)}`);
    const fields = { title: 't', content: 'c' };
    expect(
      await store.createCannedReply({
        scope: 'personal',
        ownerId: 'wk-ann',
        shortcut: 'Strasse',
        ...fields,
      }),
    ).toBe('shortcutTaken');
    expect(
      await store.createCannedReply({ scope: 'team', ownerId: null, shortcut: 'FIX', ...fields }),
    ).toBe('shortcutTaken');

    expect((await store.getChat(chat._id))?.labels).toEqual(['Straße', 'ＶＩＰ']);
    const ids = async (label: string) =>
      (await store?.listChats({ kind: 'all', status: undefined, label }, 200))?.map((x) => x._id);
    expect(await ids('strasse')).toEqual([chat._id]);
    expect(await ids('vip')).toEqual([chat._id]);
    expect(await ids('refund')).toEqual([other._id]);
  });
});
