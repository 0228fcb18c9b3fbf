/**
 * Migration 0036 on both stores: texts and user names indexed before the indexes read the
 * NFC form, as they were stored (a decomposed й is и + U+0306), are indexed again in NFC,
 * so that a query typed either way finds them.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { parseQuery } from '../../src/search/rules.js';
import { openStore } from '../../src/store/open.js';
import { postgresSearchVectorFunction, sqliteSearchText } from '../../src/store/search-text.js';
import type { Store } from '../../src/store/store.js';
import { userDraft } from '../helpers/drafts.js';
import { rawSql } from '../helpers/raw-sql.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const SUPER = person('s-1', 'Boss', 'superadmin');
const nfd = (s: string) => s.normalize('NFD');

/** The indexes as the server before 0036 wrote them: every text as stored, not in NFC. */
const INDEX_AS_STORED = {
  sqlite: ['messages_search', 'chats_search']
    .map((fts) => {
      const [table, text] =
        fts === 'messages_search' ? ['messages', 'content'] : ['chats', '"userName"'];
      return `DELETE FROM ${fts};
        INSERT INTO ${fts} (rowid, body, ref) SELECT rowid, ${sqliteSearchText(text)}, id FROM ${table};`;
    })
    .join('\n'),
  postgres: `${postgresSearchVectorFunction('body')};
    UPDATE message_search s SET terms = search_vector(m.content) FROM messages m WHERE m.id = s.id;
    REINDEX INDEX chats_search;`,
};

describe.each(await storeTargets())('migration 0036 on $name', (target) => {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('indexes again in NFC the decomposed texts and names indexed before it', async () => {
    db = await target.create();
    const config = db.config;
    store = await openStore(config);
    const { chat } = await store.openChat({
      userId: 'sc-1',
      userName: nfd('Йўлдош Ёқубов'),
      online: false,
    });
    const content = nfd('Щётка и йогурт, café');
    const appended = await store.appendMessage(userDraft(chat, content));
    if (appended.kind !== 'stored') throw new Error(`not stored: ${appended.kind}`);
    await store.indexSearch(1000);
    await store.close();
    store = undefined;

    await rawSql(config, INDEX_AS_STORED[config.kind]);
    const found = async (q: string) => {
      const page = await store?.search({
        phrases: parseQuery(q),
        text: q,
        viewer: SUPER,
        limit: 20,
      });
      return page?.hits.map((h) => h.message?._id ?? `chat:${h.chat._id}`);
    };
    // Every migration has run: the index stays as written, and precomposed queries miss.
    store = await openStore(config);
    expect(await found('щётка')).toEqual([]);
    expect(await found('йўлдош')).toEqual([]);
    await store.close();
    store = undefined;

    await rawSql(config, `DELETE FROM kysely_migration WHERE name = '0036_search_text_composed'`);
    store = await openStore(config);
    for (const q of ['щётка', 'щетка', 'йогурт', 'café', nfd('йогурт')])
      expect(await found(q), q).toEqual([appended.message._id]);
    for (const q of ['йўлдош', 'ёқубов', nfd('Ёқуб')])
      expect(await found(q), q).toEqual([`chat:${chat._id}`]);
    if (config.kind === 'postgres') {
      // The chats' index itself, read where a larger table would be: rebuilt, not stale.
      const client = new pg.Client({ connectionString: config.url });
      await client.connect();
      try {
        await client.query('SET enable_seqscan = off');
        const { rows } = await client.query(
          `SELECT id FROM chats WHERE search_vector("userName") @@ 'йўлдош'::tsquery`,
        );
        expect(rows).toEqual([{ id: chat._id }]);
      } finally {
        await client.end();
      }
    }
  });
});
