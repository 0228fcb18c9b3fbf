/**
 * Search conformance: the same queries find the same results on SQLite (FTS5) and
 * PostgreSQL (tsvector + GIN) — words and prefixes in English, Russian and Uzbek, any
 * case, Uzbek apostrophes, exact digit strings and ids with dashes, users by id and name,
 * query-language characters as plain text, only chats the caller may view, filters,
 * cursor pages, labels — and a message is found within 2 s of its append by the node's
 * indexer, while the append itself writes nothing for search (SQLite).
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Actor, person } from '../../src/auth/actor.js';
import { InvalidInput } from '../../src/errors.js';
import type { Chat } from '../../src/schemas/shapes.js';
import { startSearchIndexer } from '../../src/search/indexer.js';
import { parseQuery } from '../../src/search/rules.js';
import { openStore } from '../../src/store/open.js';
import type { SearchCursor } from '../../src/store/search.js';
import type { Store } from '../../src/store/store.js';
import { TUNABLES } from '../../src/tunables.js';
import { userDraft } from '../helpers/drafts.js';
import { searchedUntil } from '../helpers/searchable.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const SUPER = person('s-1', 'Boss', 'superadmin');
const A1 = person('a-1', 'Aziza', 'admin');
const A2 = person('a-2', 'Bekzod', 'admin');

const TEXTS = {
  en: 'My refund for order 88812734 has not arrived yet.',
  ru: 'ПЛАТЁЖ не прошёл, транзакция №55501234: деньги списаны',
  uz: 'Toʻlov oʻtmadi, pulim gʻoyib boʻldi',
  dashed: 'Reference ORD-2024-77712345 please check',
  glued: 'see txn#66612345, thanks',
  syntax: 'the "quoted" NEAR(thing) a:b (paren) -minus AND OR * star',
};

describe.each(await storeTargets())('search on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  const chats: Record<string, Chat> = {};
  const messageIds: Record<string, string> = {};

  const find = async (
    q: string,
    viewer: Actor = SUPER,
    more: {
      status?: Chat['status'];
      label?: string;
      from?: string;
      to?: string;
      limit?: number;
      cursor?: SearchCursor;
    } = {},
  ) => {
    await indexAll();
    return store.search({ phrases: parseQuery(q), text: q.trim(), viewer, limit: 20, ...more });
  };
  /** What the node's indexer would do in its next batches: every appended message indexed. */
  const indexAll = async () => {
    while ((await store.indexSearch(1000)) >= 1000);
  };
  const foundMessages = async (q: string, viewer: Actor = SUPER) =>
    (await find(q, viewer)).hits.flatMap((h) => (h.message ? [h.message.content] : []));

  const send = async (chat: Chat, content: string) => {
    const result = await store.appendMessage(userDraft(chat, content));
    if (result.kind !== 'stored') throw new Error(`not stored: ${result.kind}`);
    return result.message;
  };

  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
    for (const [key, text] of Object.entries(TEXTS)) {
      const { chat } = await store.openChat({
        userId: `user-${key}`,
        userName: `Client ${key}`,
        online: false,
      });
      chats[key] = chat;
      messageIds[key] = (await send(chat, text))._id;
    }
    // Assigned to A1: the other chats wait in the queue, which every admin sees.
    const en = chats.en as Chat;
    chats.en = (await store.takeChat(en._id, { id: A1.id, name: A1.name }, false))?.chat ?? en;
    const ru = chats.ru as Chat;
    chats.ru = (await store.takeChat(ru._id, { id: A2.id, name: A2.name }, false))?.chat ?? ru;
    const { chat: named } = await store.openChat({
      userId: 'cust-4242',
      userName: 'Dilnoza Karimova',
      online: false,
    });
    chats.named = named;
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('finds words and word prefixes in English, Russian and Uzbek, in any case', async () => {
    expect(await foundMessages('refund')).toEqual([TEXTS.en]);
    expect(await foundMessages('REFU')).toEqual([TEXTS.en]);
    expect(await foundMessages('платёж')).toEqual([TEXTS.ru]);
    expect(await foundMessages('ТРАНЗАКЦ')).toEqual([TEXTS.ru]);
    expect(await foundMessages('деньги списаны')).toEqual([TEXTS.ru]);
    // ё and е are one letter to a searcher.
    expect(await foundMessages('платеж прошел')).toEqual([TEXTS.ru]);
    expect(await foundMessages('ПЛАТЕЖ')).toEqual([TEXTS.ru]);
    expect(await foundMessages('pulim')).toEqual([TEXTS.uz]);
  });

  it('reads Uzbek oʻ/gʻ the same with any apostrophe, or none', async () => {
    for (const q of ['toʻlov', "to'lov", 'to’lov', 'tolov', 'GʻOYIB', "g'oyib", 'boʻldi'])
      expect(await foundMessages(q), q).toEqual([TEXTS.uz]);
  });

  it('finds a digit string exactly, wherever it stands in the text, never by its beginning', async () => {
    expect(await foundMessages('88812734')).toEqual([TEXTS.en]);
    expect(await foundMessages('55501234')).toEqual([TEXTS.ru]);
    expect(await foundMessages('66612345')).toEqual([TEXTS.glued]);
    expect(await foundMessages('txn#66612345')).toEqual([TEXTS.glued]);
    expect(await foundMessages('8881')).toEqual([]);
  });

  it('finds words written with combining marks (Thai, Hindi, Arabic and Hebrew points, decomposed accents) by the word as written', async () => {
    // PostgreSQL keeps a word's marks inside it and FTS5 cuts at most of them: a query cut
    // at every mark found nothing in PostgreSQL, and a decomposed accent in neither.
    const words = ['สวัสดี', 'नमस्ते', 'भारत', 'مَرْحَبًا', 'שָׁלוֹם', 'Tie\u0302\u0301ng'];
    const { chat } = await store.openChat({
      userId: 'user-marks',
      userName: 'Marks',
      online: false,
    });
    const text = `${words.join(' ')} done`;
    await send(chat, text);
    for (const q of [...words, 'สวัส', 'नमस', 'مَرْ', 'Tie\u0302\u0301', 'TIE\u0302\u0301NG'])
      expect(await foundMessages(q), q).toEqual([text]);
  });

  it('finds a text whatever its Unicode composition: precomposed by a decomposed query, decomposed by a precomposed one', async () => {
    // macOS and some Android keyboards write й as и + U+0306, ё as е + U+0308, é as e + U+0301.
    const nfd = (s: string) => s.normalize('NFD');
    const composed = 'Мой йогурт, ёлка и ўзбек café';
    const decomposed = nfd('Второй йод, щётка, ўрик: naïve résumé');
    expect(decomposed).not.toBe(decomposed.normalize('NFC'));
    const { chat } = await store.openChat({
      userId: 'user-nfc',
      userName: 'Composed',
      online: false,
    });
    await send(chat, composed);
    await send(chat, decomposed);
    for (const q of ['йогурт', 'ЙОГ', 'ёлка', 'ўзбек', 'café', 'CAF']) {
      expect(await foundMessages(q), q).toEqual([composed]);
      expect(await foundMessages(nfd(q)), `${q} decomposed`).toEqual([composed]);
    }
    for (const q of ['йод', 'щётка', 'щетка', 'ЎРИК', 'naïve', 'résumé', 'résu']) {
      expect(await foundMessages(q), q).toEqual([decomposed]);
      expect(await foundMessages(nfd(q)), `${q} decomposed`).toEqual([decomposed]);
    }
  });

  it("finds a chat by its user's name whatever the name's or the query's Unicode composition", async () => {
    const nfd = (s: string) => s.normalize('NFD');
    const { chat: decomposed } = await store.openChat({
      userId: 'user-nfd-name',
      userName: nfd('Йўлдош Ёқубов'),
      online: false,
    });
    const { chat: composed } = await store.openChat({
      userId: 'user-nfc-name',
      userName: 'Zoé Héloïse',
      online: false,
    });
    const chatsFound = async (q: string) => (await find(q)).hits.map((h) => h.chat._id);
    for (const q of ['йўлдош', 'ёқубов', 'ЕҚУБ'])
      expect(await chatsFound(q), q).toEqual([decomposed._id]);
    for (const q of ['zoé', 'héloïse', 'HÉLO']) {
      expect(await chatsFound(q), q).toEqual([composed._id]);
      expect(await chatsFound(nfd(q)), `${q} decomposed`).toEqual([composed._id]);
    }
  });

  it('finds a text with an emoji by a query copied with it: the emoji’s variation selector is not a word', async () => {
    const { chat } = await store.openChat({
      userId: 'user-emoji',
      userName: 'Emoji',
      online: false,
    });
    const text = 'Merci beaucoup \u2764\ufe0f';
    await send(chat, text);
    expect(await foundMessages('beaucoup \u2764\ufe0f')).toEqual([text]);
  });

  it('finds an id with dashes by the whole id, in any case, and by its parts', async () => {
    expect(await foundMessages('ORD-2024-77712345')).toEqual([TEXTS.dashed]);
    expect(await foundMessages('ord-2024-77712345')).toEqual([TEXTS.dashed]);
    expect(await foundMessages('77712345')).toEqual([TEXTS.dashed]);
    // The parts in another order are not the id.
    expect(await foundMessages('2024-ord')).toEqual([]);
  });

  it('takes query-language characters as text: never an error, and the words still match', async () => {
    for (const q of [
      '"',
      '"quoted',
      'quoted"',
      '*',
      'NEAR(thing',
      'a:b',
      '(paren',
      '-minus',
      'AND OR',
      '"unbalanced "" quotes',
      '^ { } [ ] \\',
      "' OR 1=1 --",
    ]) {
      await expect(find(q), q).resolves.toBeDefined();
    }
    expect(await foundMessages('"quoted')).toEqual([TEXTS.syntax]);
    expect(await foundMessages('NEAR(thing')).toEqual([TEXTS.syntax]);
    expect(await foundMessages('AND OR')).toEqual([TEXTS.syntax]);
    expect(await foundMessages('-minus')).toEqual([TEXTS.syntax]);
    expect(await foundMessages('*')).toEqual([]);
  });

  it('answers any text at all: never a syntax error of the index', async () => {
    const syntax = fc.constantFrom(
      '"',
      '*',
      ':',
      '(',
      ')',
      '-',
      '^',
      '+',
      'NEAR',
      'AND',
      'OR',
      'NOT',
      "'",
      '\\',
      '{',
      '}',
      ' ',
      'oʻ',
      'Ё',
      '8881',
    );
    const text = fc
      .array(fc.oneof(syntax, fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 12 })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(text, async (q) => {
        await find(q);
        await find(q, A1);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a chat by its user id or name when no message of it matches, as a chat without a message', async () => {
    const byId = await find('cust-4242');
    expect(byId.hits.map((h) => [h.chat._id, h.message])).toEqual([[chats.named?._id, undefined]]);
    const byName = await find('dilnoza kari');
    expect(byName.hits.map((h) => [h.chat._id, h.message])).toEqual([
      [chats.named?._id, undefined],
    ]);
    // "client" names every other chat's user, and no message says it.
    expect((await find('client')).hits).toHaveLength(Object.keys(TEXTS).length);
  });

  it('a chat whose messages match comes with its messages, not a second time for its user', async () => {
    const chat = (
      await store.openChat({ userId: 'user-twice', userName: 'Refund Seeker', online: false })
    ).chat;
    await send(chat, 'refund please');
    const hits = (await find('refund')).hits.filter((h) => h.chat._id === chat._id);
    expect(hits.map((h) => h.message?.content)).toEqual(['refund please']);
  });

  it('finds only in chats the caller may view: an admin their own and the queue, a user their own', async () => {
    // en is A1's, ru is A2's: neither sees the other's.
    expect(await foundMessages('refund 88812734', A1)).toEqual([TEXTS.en]);
    expect(await foundMessages('refund 88812734', A2)).toEqual([]);
    expect(await foundMessages('платёж', A1)).toEqual([]);
    expect(await foundMessages('платёж', A2)).toEqual([TEXTS.ru]);
    // Waiting chats: every admin sees them.
    expect(await foundMessages('pulim', A2)).toEqual([TEXTS.uz]);
    expect(await foundMessages('pulim', person('user-uz', 'U', 'user'))).toEqual([TEXTS.uz]);
    expect(await foundMessages('pulim', person('user-en', 'U', 'user'))).toEqual([]);
    expect((await find('dilnoza', person('someone', 'U', 'user'))).hits).toEqual([]);
  });

  it('filters by the chat status and by when the message was written', async () => {
    expect(await foundMessages('pulim')).toHaveLength(1);
    expect((await find('pulim', SUPER, { status: 'active' })).hits).toEqual([]);
    expect((await find('pulim', SUPER, { status: 'waiting' })).hits).toHaveLength(1);
    expect((await find('pulim', SUPER, { from: '2999-01-01T00:00:00.000Z' })).hits).toEqual([]);
    expect((await find('pulim', SUPER, { to: '2000-01-01T00:00:00.000Z' })).hits).toEqual([]);
    expect(
      (
        await find('pulim', SUPER, {
          from: '2000-01-01T00:00:00.000Z',
          to: '2999-01-01T00:00:00.000Z',
        })
      ).hits,
    ).toHaveLength(1);
  });

  it("filters by when the message was written, not by its chat's last message time, on every view", async () => {
    // The clock set back between two messages: the chat's last message time is then
    // before its earlier message's own.
    vi.useFakeTimers({ toFake: ['Date'] });
    let chat: Chat;
    let later: string;
    try {
      vi.setSystemTime(new Date('2030-03-01T12:00:00.000Z'));
      chat = (await store.openChat({ userId: 'stepped', userName: 'Clock', online: false })).chat;
      later = (await send(chat, 'steppedclock first'))._id;
      vi.setSystemTime(new Date('2030-03-01T11:00:00.000Z'));
      await send(chat, 'second words');
    } finally {
      vi.useRealTimers();
    }
    const from = '2030-03-01T11:30:00.000Z';
    const found = async (viewer: Actor, more: { status?: Chat['status']; label?: string } = {}) =>
      (await find('steppedclock', viewer, { from, ...more })).hits.map((h) => h.message?._id);
    expect(await found(SUPER)).toEqual([later]);
    expect(await found(A1)).toEqual([later]);
    expect(await found(SUPER, { status: 'waiting' })).toEqual([later]);
    await store.setChatLabels(chat._id, ['stepped']);
    expect(await found(SUPER, { label: 'stepped' })).toEqual([later]);
    await store.setChatLabels(chat._id, []);
  });

  it("lists a chat by its user's name when its messages that match were written outside the range", async () => {
    // Opened, a message naming the user, a later one: the chat was active in the range
    // below, and its only matching message is not in it. It was listed by neither list.
    vi.useFakeTimers({ toFake: ['Date'] });
    let chat: Chat;
    try {
      vi.setSystemTime(new Date('2031-05-01T10:00:00.000Z'));
      chat = (await store.openChat({ userId: 'ranged', userName: 'Yulduzoy', online: false })).chat;
      vi.setSystemTime(new Date('2031-05-01T12:00:00.000Z'));
      await send(chat, 'Yulduzoy here');
      vi.setSystemTime(new Date('2031-05-01T14:00:00.000Z'));
      await send(chat, 'anything else');
    } finally {
      vi.useRealTimers();
    }
    const hits = async (range: { from?: string; to?: string }) =>
      (await find('yulduzoy', SUPER, range)).hits.map((h) => [h.chat._id, h.message?.content]);
    expect(await hits({})).toEqual([[chat._id, 'Yulduzoy here']]);
    expect(await hits({ from: '2031-05-01T13:00:00.000Z' })).toEqual([[chat._id, undefined]]);
    expect(await hits({ to: '2031-05-01T11:00:00.000Z' })).toEqual([[chat._id, undefined]]);
    expect(
      await hits({ from: '2031-05-01T11:00:00.000Z', to: '2031-05-01T13:00:00.000Z' }),
    ).toEqual([[chat._id, 'Yulduzoy here']]);
  });

  it('pages with a cursor: every match once, newest first, across the chats and the messages lists', async () => {
    const chat = (
      await store.openChat({ userId: 'pager', userName: 'Paging Zebra', online: false })
    ).chat;
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await send(chat, `zebra number ${i}`))._id);
    const { chat: other } = await store.openChat({
      userId: 'zebra-fan',
      userName: 'Zebra Fan',
      online: false,
    });
    const seen: string[] = [];
    let cursor: SearchCursor | undefined;
    let pages = 0;
    do {
      const page = await find('zebra', SUPER, { limit: 2, cursor });
      expect(page.hits.length).toBeLessThanOrEqual(2);
      for (const h of page.hits) seen.push(h.message?._id ?? `chat:${h.chat._id}`);
      cursor = page.next ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([`chat:${other._id}`, ...sent.reverse()]);
  });

  it('refuses a cursor that is not one it gave, as bad input', async () => {
    const wrongKind: SearchCursor =
      target.name === 'sqlite'
        ? { phase: 'messages', at: 'text', id: 'x' }
        : { phase: 'messages', at: 12, id: 'x' };
    await expect(find('zebra', SUPER, { cursor: wrongKind })).rejects.toBeInstanceOf(InvalidInput);
    await expect(
      find('zebra', SUPER, { cursor: { phase: 'chats', at: null, id: '' } }),
    ).rejects.toBeInstanceOf(InvalidInput);
  });

  it('finds a match older than the newest 2,000 messages, and pages past it', async () => {
    const chat = (await store.openChat({ userId: 'deep', userName: 'Deep Chat', online: false }))
      .chat;
    const old = await send(chat, 'ancientword 1');
    await Promise.all(Array.from({ length: 2100 }, (_, i) => send(chat, `filler ${i}`)));
    const newer = await send(chat, 'ancientword 2');
    const first = await find('ancientword', SUPER, { limit: 1 });
    expect(first.hits.map((h) => h.message?._id)).toEqual([newer._id]);
    const second = await find('ancientword', SUPER, { limit: 1, cursor: first.next ?? undefined });
    expect(second.hits.map((h) => h.message?._id)).toEqual([old._id]);
    expect((await find('nowhereatall')).hits).toEqual([]);
    // With statistics (PostgreSQL: "filler" is then a common word and "ancientword" not),
    // a query of both older than the window is looked up by its rare word alone and
    // checked on the rows: the same answers.
    if (db.config.kind === 'postgres') {
      const client = new pg.Client({ connectionString: db.config.url });
      await client.connect();
      await client.query('ANALYZE message_search');
      await client.end();
    }
    const both = await send(chat, 'filler ancientword 3');
    await Promise.all(Array.from({ length: 2100 }, (_, i) => send(chat, `filler more ${i}`)));
    expect((await find('ancientword filler', SUPER)).hits.map((h) => h.message?._id)).toEqual([
      both._id,
    ]);
    expect((await find('fill ancientw', SUPER)).hits.map((h) => h.message?._id)).toEqual([
      both._id,
    ]);
    expect((await find('ancientword 3', SUPER)).hits.map((h) => h.message?._id)).toEqual([
      both._id,
    ]);
    expect((await find('ancientword nowhereatall', SUPER)).hits).toEqual([]);
    // A word every message has, with a number one message has: found by the number.
    const numbered = await find('filler-more-17', SUPER);
    expect(numbered.hits.map((h) => h.message?.content)).toEqual(['filler more 17']);
  }, 120_000);

  it('finds a message within 2 s of its append, by the indexer', async () => {
    const indexer = startSearchIndexer({
      store,
      everyMs: TUNABLES.searchIndexEveryMs.value,
      batch: TUNABLES.searchIndexBatch.value,
      onError: (err) => {
        throw err;
      },
    });
    try {
      const chat = chats.uz as Chat;
      const sentAt = performance.now();
      const message = await send(chat, 'yangi xabar qqwwee-31337');
      const q = 'qqwwee-31337';
      const hits = await searchedUntil(
        () => store.search({ phrases: parseQuery(q), text: q, viewer: SUPER, limit: 20 }),
        (page) => page.hits.length > 0,
      );
      expect(hits.hits.map((h) => h.message?._id)).toEqual([message._id]);
      expect(performance.now() - sentAt).toBeLessThan(2_000);
    } finally {
      await indexer.stop();
    }
  });

  it('indexes a burst larger than a batch in batches, oldest first, each message once', async () => {
    const chat = (await store.openChat({ userId: 'burst', userName: 'Burst', online: false })).chat;
    await indexAll();
    await Promise.all(Array.from({ length: 25 }, (_, i) => send(chat, `burstword ${i}`)));
    // The append wrote nothing for search on SQLite; PostgreSQL indexes in the append.
    const unindexed = await store.search({
      phrases: parseQuery('burstword'),
      text: 'burstword',
      viewer: SUPER,
      limit: 50,
    });
    expect(unindexed.hits).toHaveLength(store.kind === 'sqlite' ? 0 : 25);
    const batches: number[] = [];
    for (let n = await store.indexSearch(10); n > 0; n = await store.indexSearch(10))
      batches.push(n);
    expect(batches).toEqual(store.kind === 'sqlite' ? [10, 10, 5] : []);
    const all = await find('burstword', SUPER, { limit: 50 });
    expect(all.hits).toHaveLength(25);
  });

  it('filters by label, case not counting; a chat without it is left out', async () => {
    const en = chats.en as Chat;
    await store.setChatLabels(en._id, ['Refund']);
    // Another chat's message says "refund" too: the label leaves it out.
    expect((await foundMessages('refund')).length).toBeGreaterThan(1);
    expect(
      (await find('refund', SUPER, { label: 'REFUND' })).hits.map((h) => h.message?.content),
    ).toEqual([TEXTS.en]);
    expect((await find('refund', SUPER, { label: 'kyc' })).hits).toEqual([]);
    expect((await find('платёж', SUPER, { label: 'refund' })).hits).toEqual([]);
    await store.setChatLabels(en._id, []);
  });
});
