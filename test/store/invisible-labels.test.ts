/**
 * Migration 0035 on both stores, seen through a running server: a label stored before the
 * visible-character rule (zero-width spaces only) is dropped from its chat, so the console,
 * which sends a chat's whole set again with each change, can change that chat's labels.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import type { RunningServer } from '../../src/server.js';
import { openStore } from '../../src/store/open.js';
import { api, replyOf, request, startTestServer, succeeded } from '../helpers/server.js';
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

const INVISIBLE = '\u200B\u200B';
const AS_SUPER = 'adminId=label-super&isSuperAdmin=true';

describe.each(await storeTargets())('migration 0035 on $name', (target) => {
  let db: TestDatabase | undefined;
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("drops a label of invisible characters only: the chat's labels can be changed again by sending its set", async () => {
    db = await target.create();
    const before = await openStore(db.config);
    const { chat } = await before.openChat({ userId: 'il-u1', userName: 'U', online: false });
    const { chat: other } = await before.openChat({
      userId: 'il-u2',
      userName: 'U',
      online: false,
    });
    await before.setChatLabels(chat._id, ['vip']);
    await before.setChatLabels(other._id, ['refund']);
    await before.close();

    const raw = rawDatabase(db.config);
    try {
      // As a label write before the rule stored it: in the row's array and in chat_labels;
      // the array also holds a label twice by case, which only its first spelling keeps.
      const labels = [INVISIBLE, 'vip', 'VIP'];
      await sql`UPDATE chats SET labels = ${JSON.stringify(labels)} WHERE id = ${chat._id}`.execute(
        raw,
      );
      await sql`INSERT INTO chat_labels ("chatId", "labelKey", "chatCreatedAt")
        VALUES (${chat._id}, ${INVISIBLE}, ${chat.createdAt})`.execute(raw);
      await sql`DELETE FROM kysely_migration WHERE name = '0035_invisible_labels'`.execute(raw);
    } finally {
      await raw.destroy();
    }

    server = await startTestServer(db.config);
    // AUTH_MODE=none: the caller who names no one has a superadmin's rights.
    const all = await request(server, 'GET /api/chats/all', { query: {} });
    const shown = succeeded(all).chats.find((c) => c._id === chat._id);
    // What the console sends: the set it was given, plus the new label.
    const changed = replyOf(
      'PUT /api/chats/:chatId/labels',
      await api(server, 'PUT', `/api/chats/${chat._id}/labels?${AS_SUPER}`, {
        labels: [...(shown?.labels ?? []), 'urgent'],
      }),
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(succeeded(changed).chat.labels).toEqual(['vip', 'urgent']);

    const labelled = async (label: string) =>
      succeeded(
        await request(server as RunningServer, 'GET /api/chats/all', {
          query: { label },
        }),
      ).chats.map((c) => c._id);
    expect(await labelled('vip')).toEqual([chat._id]);
    expect(await labelled('refund')).toEqual([other._id]);
  });
});
