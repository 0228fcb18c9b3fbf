/**
 * GET /api/search over HTTP: bad parameters are a 400 naming them, query-language
 * characters are text (200, never a 500), highlights are plain text with ranges, pages
 * follow the cursor, and a message is searchable within 2 s of its send (the node's indexer),
 * a label filter keeps the chats carrying the label.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { searchedUntil } from '../helpers/searchable.js';
import { api, startTestServer } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

interface Result {
  chat: { _id: string; userId: string };
  message?: { _id: string; content: string };
  highlight?: { text: string; ranges: [number, number][] };
}
type SearchBody = { results: Result[]; nextCursor: string | null };

describe('GET /api/search', () => {
  let server: RunningServer;
  let chatId: string;
  const search = (query: string) => api(server, 'GET', `/api/search?${query}`);
  const results = async (query: string) => {
    const res = await search(query);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as unknown as SearchBody;
  };
  /** The results once `count` messages are found (the indexer runs every 250 ms). */
  const indexed = (query: string, count: number) =>
    searchedUntil(
      () => results(query),
      (body) => body.results.filter((r) => r.message).length >= count,
    );
  const send = async (content: string) => {
    const res = await api(server, 'POST', '/api/messages', {
      chatId,
      senderId: 'cust-1',
      senderName: 'Olim',
      senderType: 'user',
      content,
    });
    expect(res.status).toBe(200);
    return (res.body as { message: { _id: string } }).message._id;
  };

  beforeAll(async () => {
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
    const opened = await api(server, 'POST', '/api/chats', {
      userId: 'cust-1',
      userName: 'Olim Tursunov',
    });
    chatId = (opened.body as { chat: { _id: string } }).chat._id;
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['', 'q'],
    ['q=', 'q'],
    ['q=%20%20', 'q'],
    [`q=${'a'.repeat(201)}`, 'q'],
    ['q=x&limit=0', 'limit'],
    ['q=x&limit=51', 'limit'],
    ['q=x&limit=two', 'limit'],
    ['q=x&status=open', 'status'],
    ['q=x&from=yesterday', 'from'],
    ['q=x&from=2026-02-31T00:00:00Z', 'from'],
    ['q=x&to=2026-13-01T00:00:00Z', 'to'],
    ['q=x&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    [`q=x&label=${'l'.repeat(51)}`, 'label'],
    ['q=x&label=%20', 'label'],
    ['q=x&cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['q=x&cursor=%22%27', 'cursor'],
    [`q=x&cursor=${'a'.repeat(401)}`, 'cursor'],
  ])('%s → 400 naming %s', async (query, field) => {
    const res = await search(query);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    expect(res.body.error).toMatch(new RegExp(`^${field}\\b`));
  });

  it('takes query-language characters as text: 200 every time', async () => {
    for (const q of [
      '"',
      '"refund',
      '*',
      'NEAR(a b)',
      'a:b',
      '(',
      '-',
      'AND',
      'OR NOT',
      '\'"',
      '{}',
      '^',
      '\\',
      '%',
      '_',
    ]) {
      const res = await search(`q=${encodeURIComponent(q)}`);
      expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it('finds a message with a highlight: plain text, the match as a range, never markup', async () => {
    const id = await send('<b>Salom</b>, toʻlov 88812734 oʻtmadi');
    const body = await indexed(`q=${encodeURIComponent("to'lov 88812734")}`, 1);
    expect(body.results.map((r) => r.message?._id)).toEqual([id]);
    const highlight = body.results[0]?.highlight;
    expect(highlight?.text).toBe('<b>Salom</b>, toʻlov 88812734 oʻtmadi');
    expect(highlight?.ranges.map(([s, e]) => highlight.text.slice(s, e))).toEqual([
      'toʻlov',
      '88812734',
    ]);
  });

  it('finds the chat by its user id and name, as a chat result, when no message matches', async () => {
    for (const q of ['cust-1', 'tursun', 'OLIM']) {
      const body = await results(`q=${q}`);
      expect(body.results.map((r) => [r.chat._id, r.message])).toEqual([[chatId, undefined]]);
    }
    const byName = await results('q=tursun');
    const h = byName.results[0]?.highlight;
    expect(h?.text.slice(...(h.ranges[0] ?? [0, 0]))).toBe('Tursunov');
  });

  it('pages with nextCursor until it is null, every message once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await send(`pagingword ${i}`));
    await indexed('q=pagingword&limit=5', 5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body: SearchBody = await results(
        `q=pagingword&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...body.results.map((r) => r.message?._id ?? ''));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids.reverse());
  });

  it('refuses a cursor given with another search (400 naming cursor), and follows it with its own', async () => {
    for (let i = 0; i < 3; i++) await send(`cursorword ${i}`);
    await indexed('q=cursorword&limit=5', 3);
    const first = await results('q=cursorword&limit=2');
    const next = encodeURIComponent(first.nextCursor ?? '');
    expect(next).not.toBe('');
    for (const other of ['q=cursorwor', 'q=cursorword&status=closed', 'q=cursorword&label=x']) {
      const res = await search(`${other}&limit=2&cursor=${next}`);
      expect(res.status, other).toBe(400);
      expect(res.body.error).toMatch(/^cursor\b/);
    }
    // The same words, spaced otherwise, and another limit are the same search.
    const rest = await results(`q=%20cursorword&limit=5&cursor=${next}`);
    expect(rest.results).toHaveLength(1);
  });

  it('is searchable within 2 s of the send being answered', async () => {
    const sentAt = performance.now();
    const id = await send('freshword-20261205');
    const body = await indexed('q=freshword-20261205', 1);
    expect(body.results.map((r) => r.message?._id)).toEqual([id]);
    expect(performance.now() - sentAt).toBeLessThan(2_000);
  });

  it('keeps only the chats carrying the label, case not counting', async () => {
    const id = await send('labelword here');
    await indexed('q=labelword', 1);
    expect((await results('q=labelword&label=Refund')).results).toEqual([]);
    const labelled = await api(
      server,
      'PUT',
      `/api/chats/${chatId}/labels?adminId=boss&isSuperAdmin=true`,
      {
        labels: ['refund'],
      },
    );
    expect(labelled.status, JSON.stringify(labelled.body)).toBe(200);
    const body = await results('q=labelword&label=REFUND');
    expect(body.results.map((r) => r.message?._id)).toEqual([id]);
    expect((await results('q=labelword&label=kyc')).results).toEqual([]);
  });
});

describe.each(await storeTargets())('GET /api/search cursors on $name', (target) => {
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    db = await target.create();
    server = await startTestServer(db.config);
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });
  const cursor = (value: unknown) =>
    encodeURIComponent(Buffer.from(JSON.stringify(value)).toString('base64url'));

  // Shaped like the server's own, with text no store can compare (PostgreSQL refuses a NUL).
  it.each([
    ['chats', 'a\u0000', 'x'],
    ['chats', '2026-01-01T00:00:00.000Z', 'a\u0000b'],
    ['messages', 'zz\u0000', 'x'],
    ['chats', '\ud800', 'x'],
    ['messages', 'x', '\udc00'],
  ])('a cursor [%j, %j, %j] it never gave is a 400 naming cursor', async (...value) => {
    const res = await api(server, 'GET', `/api/search?q=word&cursor=${cursor(value)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatch(/^cursor\b/);
  });
});
