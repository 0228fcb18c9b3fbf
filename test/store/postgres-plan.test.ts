/**
 * The PostgreSQL append statement is prepared once per connection and may be planned once
 * for good (a generic plan). Made on a fresh, empty database, that plan must still find
 * earlier duplicates through the unique index and the chats it locks by primary key, or
 * every batch would scan all messages or chats. And the search index its trigger writes
 * keeps a short pending list: the default's merge, once every ~40,000 messages, held one
 * batch for a tenth of a second or more.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { APPEND_BATCH } from '../../src/store/postgres-append.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');

describe.each(postgres)('append statement plan on $name', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await target.create();
    await (await openStore(db.config)).close(); // migrations only: the tables stay empty
  });
  afterAll(() => db.drop());

  it('a generic plan made on empty tables probes the unique index for duplicates and the primary key for chats', async () => {
    if (db.config.kind !== 'postgres') throw new Error('postgres only');
    const client = new pg.Client({ connectionString: db.config.url });
    await client.connect();
    try {
      await client.query('SET plan_cache_mode = force_generic_plan');
      const types =
        'text[],text[],int[],text[],text[],text[],text[],text[],text[],text[],text[],int[],text,text[]';
      await client.query(`PREPARE append_batch(${types}) AS ${APPEND_BATCH}`);
      const nulls = Array.from({ length: 14 }, () => 'NULL').join(',');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN EXECUTE append_batch(${nulls})`,
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('Index Scan using messages_chat_client_id on messages');
      expect(plan).not.toMatch(/Seq Scan on messages/);
      // The chats it locks and bumps, by primary key too.
      expect(plan).toContain('Index Scan using chats_pkey on chats');
      expect(plan).not.toMatch(/Seq Scan on chats/);
    } finally {
      await client.end();
    }
  });

  it("the search index's pending list is short, so that the append that merges it is not held long", async () => {
    if (db.config.kind !== 'postgres') throw new Error('postgres only');
    const client = new pg.Client({ connectionString: db.config.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ options: string[] | null }>(
        `SELECT reloptions AS options FROM pg_class WHERE relname = 'message_search_terms'`,
      );
      expect(rows[0]?.options).toContain('gin_pending_list_limit=512');
    } finally {
      await client.end();
    }
  });
});
